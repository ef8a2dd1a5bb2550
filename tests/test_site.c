/* The whole site in a run: a constant-load hour computed by hand (PUE and
 * energy cost), and a demand-response window honoured at every sample. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/support.h"

#define S 1000000000LL

static void test_constant_load_hour(void)
{
    char trace[TEST_TEMP_PATH_LEN];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s\na,0,8,7200\n", trace) == 0);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"horizon\": \"1h\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 2},"
             " \"workload\": {\"trace\": \"%s\"},"
             " \"cooling\": {\"type\": \"air\", \"outdoor_c\": 20, \"outdoor_wet_bulb_c\": 14},"
             " \"grid\": {\"tariff\": {\"price\": \"$0.10/kWh\"}}}",
             trace);
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    unlink(trace);
    char err[256];
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    /* by hand: one DGX H100 training, one idle, legacy air plant at 20/14 °C */
    const aidc_power_cfg *c = &sc.power.chain;
    double busy = aidc_power_node_ac_w(c, 2800 + 8 * aidc_power_gpu_w(c, AIDC_KIND_TRAINING, 0));
    double idle = aidc_power_node_ac_w(c, 2800 + 8 * 85);
    double it = busy + idle;
    double cooling = aidc_cooling_eval(&sc.cooling.plant, it, 20, 14).cooling_w;
    aidc_power_site site = aidc_power_site_w(c, it, cooling);
    printf("\n    IT %.1f W, cooling %.1f W, facility %.1f W, PUE %.4f", it, cooling,
           site.facility_w, site.facility_w / it);
    CU_ASSERT_DOUBLE_EQUAL(sim.e_it_j, it * 3600, 1e-6 * it);
    CU_ASSERT_DOUBLE_EQUAL(sim.e_facility_j, site.facility_w * 3600, 1e-6 * site.facility_w);
    CU_ASSERT_DOUBLE_EQUAL(sim.e_facility_j / sim.e_it_j, site.facility_w / it, 1e-12);
    /* misc is 2% of the rated IT capacity (2 x 10.2 kW) */
    CU_ASSERT_DOUBLE_EQUAL(site.misc_w, 0.02 * 2 * 10200, 1e-9);
    /* energy cost: facility kWh x $0.10 */
    CU_ASSERT_DOUBLE_EQUAL(sim.energy_cost_usd, site.facility_w / 1000 * 0.10, 1e-9);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

static void test_demand_response_honoured(void)
{
    const char *json =
        "{\"seed\": 9, \"horizon\": \"3d\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 16},"
        " \"workload\": {\"synthetic\": {\"arrival\": {\"rate_per_hour\": 8},"
        "   \"gpus\": {\"values\": [8, 16], \"weights\": [2, 1]},"
        "   \"duration\": {\"dist\": \"exponential\", \"mean\": \"4h\"}}},"
        " \"policy\": \"easy-backfill\","
        " \"cooling\": {\"type\": \"liquid\", \"outdoor_c\": 25},"
        " \"grid\": {\"demand_response\": [{\"start\": \"36h\", \"end\": \"38h\", \"limit\": \"90kW\"}]}}";
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    char err[256];
    double before = 0, during_max = 0;
    int rc = 0;
    for (int64_t t = 0; rc == 0; t += 60 * S) {
        rc = aidc_sim_run_until(&sim, t, err, sizeof err);
        if (t == 35 * 3600 * S) before = sim.site.facility_w;
        if (t >= 36 * 3600 * S && t < 38 * 3600 * S && sim.site.facility_w > during_max)
            during_max = sim.site.facility_w;
    }
    CU_ASSERT_EQUAL(rc, 1);
    printf("\n    facility before %.1f kW, max during the event %.1f kW (limit 90 kW), %zu "
           "preemptions, curtailed %.1f GPU-h",
           before / 1e3, during_max / 1e3, sim.preemptions, sim.curtailed_gpu_s / 3600);
    CU_ASSERT(before > 90e3); /* the event binds */
    CU_ASSERT(during_max <= 90e3 * (1 + 1e-9));
    CU_ASSERT(sim.dr_met);
    CU_ASSERT(sim.curtailed_gpu_s > 0);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

/* §3 sanity: the default (legacy) air-cooled site at constant load through
 * a temperate TMY year (Leesburg, N. Virginia) shows the industry-average
 * PUE, 1.55-1.59 (Uptime); the modern plant stays under the ≤1.3 of new
 * builds, and liquid cooling lower still. */
static double year_pue(const char *cooling)
{
    char rows[1024] = "id,submit_s,gpus,duration_s\n", trace[TEST_TEMP_PATH_LEN];
    for (int i = 0; i < 20; i++)
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows), "j%d,0,8,31536000\n", i);
    if (test_temp_file(rows, trace)) return -1;
    char cwd[1024], json[2048];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    snprintf(json, sizeof json,
             "{\"horizon\": \"365d\", \"sample_interval\": \"1d\","
             " \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 20},"
             " \"workload\": {\"trace\": \"%s\"},"
             " \"cooling\": {%s, \"weather\": \"%s/scenarios/weather/USA_VA_Leesburg.Exec.epw\"}}",
             trace, cooling, cwd);
    aidc_scenario sc;
    aidc_sim sim;
    double pue = -1;
    char err[256];
    if (test_sim_from_json(json, &sc, &sim) == 0) {
        if (aidc_sim_run(&sim, err, sizeof err) == 0) pue = sim.e_facility_j / sim.e_it_j;
        aidc_sim_fini(&sim);
        aidc_scenario_fini(&sc);
    }
    unlink(trace);
    return pue;
}

static void test_industry_average_pue(void)
{
    double legacy = year_pue("\"type\": \"air\"");
    double modern = year_pue("\"type\": \"air\", \"plant\": \"modern\"");
    double liquid = year_pue("\"type\": \"liquid\"");
    printf("\n    Leesburg TMY year, constant load: PUE legacy air %.3f, modern air %.3f, liquid %.3f",
           legacy, modern, liquid);
    CU_ASSERT(legacy >= 1.55 && legacy <= 1.59);
    CU_ASSERT(modern > 1.0 && modern <= 1.3);
    CU_ASSERT(liquid > 1.0 && liquid < modern);
}

int test_site_register(void)
{
    CU_pSuite s = CU_add_suite("site", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "a constant-load hour by hand", test_constant_load_hour) ||
        !CU_add_test(s, "demand response honoured", test_demand_response_honoured) ||
        !CU_add_test(s, "industry-average PUE in a temperate year", test_industry_average_pue))
        return -1;
    return 0;
}
