/* Power chain: calibration against published figures, efficiency curves,
 * power caps slowing jobs by the documented curve, budgets never exceeded,
 * and energy conservation. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/support.h"

#define S 1000000000LL

static void test_dgx_h100_training_node(void)
{
    aidc_power_cfg c;
    /* the catalog's DGX-H100: H100 700 W TDP, 85 W idle, 2.8 kW base, 10.2 kW rating */
    aidc_power_defaults(&c, 700, 85, 2800, 10200);
    double dc = 2800 + 8 * aidc_power_gpu_w(&c, AIDC_KIND_TRAINING, 0);
    double ac = aidc_power_node_ac_w(&c, dc);
    /* §1.1: 8xH100 node in real training: max 8.4 kW measured vs 10.2 kW rating */
    printf("\n    DGX H100 under training: %.0f W DC, %.0f W at the wall\n", dc, ac);
    CU_ASSERT(fabs(ac - 8400) / 8400 < 0.05);
    CU_ASSERT(ac < 10200);
    /* an idle node draws a small fraction of it */
    CU_ASSERT(aidc_power_node_ac_w(&c, 2800 + 8 * 85) < 0.5 * ac);
}

static void test_efficiency_curves(void)
{
    aidc_power_cfg c;
    aidc_power_defaults(&c, 700, 85, 2800, 10000);
    CU_ASSERT_DOUBLE_EQUAL(aidc_eff_at(&c.psu, 0.05), 0.90, 1e-12);  /* flat below 10% */
    CU_ASSERT_DOUBLE_EQUAL(aidc_eff_at(&c.psu, 0.35), 0.95, 1e-12);  /* halfway 94% -> 96% */
    CU_ASSERT_DOUBLE_EQUAL(aidc_eff_at(&c.psu, 0.75), 0.935, 1e-12); /* halfway 96% -> 91% */
    CU_ASSERT_DOUBLE_EQUAL(aidc_eff_at(&c.psu, 1.5), 0.91, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(aidc_power_node_ac_w(&c, 5000), 5000 / 0.96, 1e-9);
    c.ups_capacity_w = 1e6;
    aidc_power_site site = aidc_power_site_w(&c, 500e3, 100e3);
    double ups_in = 500e3 / 0.965;
    CU_ASSERT_DOUBLE_EQUAL(site.ups_loss_w, ups_in - 500e3, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(site.facility_w, (ups_in + 100e3) / 0.985, 1e-6);
}

static const char trace_rows[] = "id,submit_s,gpus,duration_s\na,0,8,100\n";

static int one_job_sim(aidc_scenario *sc, aidc_sim *sim, const char *power)
{
    char trace[TEST_TEMP_PATH_LEN];
    if (test_temp_file(trace_rows, trace)) return -1;
    char json[1024];
    snprintf(json, sizeof json,
             "{\"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 2}, \"workload\": {\"trace\": "
             "\"%s\"}%s}",
             trace, power);
    int rc = test_sim_from_json(json, sc, sim);
    unlink(trace);
    return rc;
}

static void test_cap_moves_finish_by_the_curve(void)
{
    aidc_scenario sc;
    aidc_sim sim;
    char err[256];
    CU_ASSERT_FATAL(one_job_sim(&sc, &sim, "") == 0);
    CU_ASSERT_EQUAL(aidc_sim_run_until(&sim, 10 * S, err, sizeof err), 0);
    double before = sim.it_w;
    CU_ASSERT_EQUAL(sim.host.set_power_cap(sim.host.ctx, 0, 600), 0);
    CU_ASSERT(sim.it_w < before);
    CU_ASSERT_EQUAL(sim.host.set_power_cap(sim.host.ctx, 0, 50), -1); /* below idle */
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    /* uncapped 85 + 615 x 0.9 = 638.5 W, capped 85 + 515 x 0.9 = 548.5 W,
     * speed (548.5 / 638.5)^0.85; 90 s of work left at t = 10 s */
    double speed = pow(548.5 / 638.5, 0.85);
    double want = 10e9 + 90e9 / speed;
    CU_ASSERT(llabs(sim.jobs[0].end_ns - llround(want)) <= 1);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

/* Steps a run in 60 s increments, checking every budget at every step;
 * returns the number of steps, or -1 on a violation. */
static long check_budgets(aidc_sim *sim, double *max_rack, double *max_it)
{
    char err[256];
    long steps = 0;
    *max_rack = *max_it = 0;
    for (int64_t t = 0;; t += 60 * S) {
        int rc = aidc_sim_run_until(sim, t, err, sizeof err);
        if (rc < 0) return -1;
        for (int32_t r = 0; r < sim->cluster.n_racks; r++) {
            if (sim->rack_it_w[r] > *max_rack) *max_rack = sim->rack_it_w[r];
            if (sim->rack_it_w[r] > sim->sc->power.rack_budget_w * (1 + 1e-9)) return -1;
        }
        for (int32_t first = 0; first < sim->cluster.n_racks; first += sim->sc->power.racks_per_row) {
            double row = 0;
            for (int32_t r = first; r < first + sim->sc->power.racks_per_row && r < sim->cluster.n_racks; r++)
                row += sim->rack_it_w[r];
            if (row > sim->sc->power.row_budget_w * (1 + 1e-9)) return -1;
        }
        if (sim->it_w > *max_it) *max_it = sim->it_w;
        if (sim->it_w > sim->sc->power.facility_it_cap_w * (1 + 1e-9)) return -1;
        if (sim->site.facility_w > sim->sc->power.site_cap_w * (1 + 1e-9)) return -1;
        steps++;
        if (rc == 1) return steps;
    }
}

static const char budget_scenario[] =
    "{\"seed\": 5, \"horizon\": \"2d\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 16, "
    "\"nodes_per_rack\": 4},"
    " \"workload\": {\"synthetic\": {\"arrival\": {\"rate_per_hour\": 6},"
    "   \"gpus\": {\"values\": [8, 16, 32], \"weights\": [3, 2, 1]},"
    "   \"duration\": {\"dist\": \"exponential\", \"mean\": \"2h\"}}},"
    " \"policy\": \"%s\","
    " \"power\": {\"rack_budget\": \"%s\", \"facility_it_cap\": \"%s\", \"response\": \"%s\","
    " \"racks_per_row\": 2, \"row_budget\": \"%s\"}}";

static void run_budget_case(const char *policy, const char *rack, const char *it, const char *resp,
                            const char *row)
{
    char json[2048];
    snprintf(json, sizeof json, budget_scenario, policy, rack, it, resp, row);
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    double max_rack, max_it;
    long steps = check_budgets(&sim, &max_rack, &max_it);
    printf("\n    %s, rack %s, IT cap %s, %s: %ld samples, max rack %.1f kW, max IT %.1f kW, "
           "%zu refusals, %zu completed",
           policy, rack, it, resp, steps, max_rack / 1e3, max_it / 1e3, sim.power_refusals,
           sim.completed);
    CU_ASSERT(steps > 0);
    CU_ASSERT(sim.completed > 10);
    if (strcmp(resp, "refuse") == 0) CU_ASSERT(sim.power_refusals > 0);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

static void test_budgets_never_exceeded(void)
{
    /* 4 DGX H100 per rack draw ~34 kW training; budgets below that bind */
    run_budget_case("fifo", "25kW", "1000kW", "refuse", "1MW");
    run_budget_case("easy-backfill", "25kW", "90kW", "refuse", "1MW");
    run_budget_case("fifo", "25kW", "90kW", "power_cap", "1MW");
    run_budget_case("easy-backfill", "41kW", "80kW", "power_cap", "1MW");
    /* rows of two racks held to 45 kW: below two busy racks */
    run_budget_case("easy-backfill", "41kW", "1MW", "refuse", "45kW");
    run_budget_case("fifo", "41kW", "1MW", "power_cap", "45kW");
}

static void test_energy_conservation(void)
{
    char json[2048];
    snprintf(json, sizeof json, budget_scenario, "easy-backfill", "41kW", "1MW", "refuse", "1MW");
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    char err[256];
    double sampled = 0;
    int rc = 0;
    for (int64_t t = 0; rc == 0; t += 10 * S) {
        sampled += sim.site.facility_w * 10; /* the power over the next 10 s, sampled now */
        rc = aidc_sim_run_until(&sim, t + 10 * S, err, sizeof err);
    }
    CU_ASSERT_EQUAL(rc, 1);
    double exact = sim.e_facility_j;
    printf("\n    sampled %.6f MWh, integrated %.6f MWh", sampled / 3.6e9, exact / 3.6e9);
    CU_ASSERT(fabs(sampled - exact) / exact < 0.001);
    CU_ASSERT_DOUBLE_EQUAL(sim.e_it_j + sim.e_dist_loss_j + sim.e_misc_j + sim.e_cooling_j,
                           sim.e_facility_j, 1e-6 * sim.e_facility_j);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

int test_power_register(void)
{
    CU_pSuite s = CU_add_suite("power", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "DGX H100 training node vs measured 8.4 kW", test_dgx_h100_training_node) ||
        !CU_add_test(s, "PSU and UPS efficiency curves", test_efficiency_curves) ||
        !CU_add_test(s, "a power cap moves the finish by the curve", test_cap_moves_finish_by_the_curve) ||
        !CU_add_test(s, "no sample exceeds a budget", test_budgets_never_exceeded) ||
        !CU_add_test(s, "energy conservation", test_energy_conservation))
        return -1;
    return 0;
}
