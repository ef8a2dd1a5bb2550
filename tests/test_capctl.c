/* The GPU cap controller's period (power.cap_interval): caps are lowered at
 * once when a start needs it but raised only at multiples of the period,
 * and the IT cap is never exceeded either way. The run is stepped second by
 * second so every rise of the common cap is seen at the instant it happens. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/support.h"

#define S 1000000000LL

/* 16 DGX H100 (about 136 kW of IT in full training) under a 100 kW IT cap,
 * short jobs arriving often enough that the cap binds most of the time. */
static int setup(aidc_scenario *sc, aidc_sim *sim, const char *interval)
{
    char json[1024];
    snprintf(json, sizeof json,
             "{\"seed\": 3, \"horizon\": \"6h\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 16},"
             " \"power\": {\"facility_it_cap\": \"100kW\", \"response\": \"power_cap\", \"min_cap\": 0.5,"
             " \"cap_interval\": \"%s\"},"
             " \"workload\": {\"synthetic\": {\"jobs\": 400,"
             " \"arrival\": {\"process\": \"poisson\", \"rate_per_hour\": 60},"
             " \"gpus\": {\"values\": [1, 8, 16], \"weights\": [4, 3, 1]},"
             " \"duration\": {\"dist\": \"lognormal\", \"median\": \"20m\", \"sigma\": 1.0},"
             " \"kind\": \"training\"}}, \"policy\": \"fifo\"}",
             interval);
    return test_sim_from_json(json, sc, sim);
}

struct cap_steps {
    int rises, rises_off_tick, lowerings, over_cap, capped_steps;
};

/* Steps a run to its horizon one second at a time, counting rises of the
 * common cap (and those not on a multiple of tick_s), lowerings, and
 * instants where IT power was above the cap. */
static int step_run(const char *interval, int64_t tick_s, struct cap_steps *out)
{
    aidc_scenario sc;
    aidc_sim sim;
    char err[512];
    if (setup(&sc, &sim, interval)) return -1;
    *out = (struct cap_steps){0};
    double prev = sim.uniform_cap;
    int rc = 0;
    for (int64_t t = 1; t <= 6 * 3600; t++) {
        if (aidc_sim_run_until(&sim, t * S, err, sizeof err) < 0) {
            fprintf(stderr, "%s\n", err);
            rc = -1; /* a failed run must fail the test, not just count fewer steps */
            break;
        }
        if (sim.uniform_cap > prev) {
            out->rises++;
            if (t % tick_s != 0) out->rises_off_tick++;
        } else if (sim.uniform_cap < prev) {
            out->lowerings++;
        }
        if (sim.uniform_cap < 1) out->capped_steps++;
        if (sim.it_w > 100e3 * (1 + 1e-9)) out->over_cap++;
        prev = sim.uniform_cap;
    }
    if (getenv("AIDC_TEST_VERBOSE"))
        fprintf(stderr, "cap_interval %s: %d rises (%d off tick), %d lowerings, %d s capped, %zu done\n",
                interval, out->rises, out->rises_off_tick, out->lowerings, out->capped_steps,
                sim.completed);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    return rc;
}

static void test_caps_rise_only_on_ticks(void)
{
    struct cap_steps c;
    CU_ASSERT_FATAL(step_run("1m", 60, &c) == 0);
    CU_ASSERT(c.capped_steps > 3600); /* the cap binds for over an hour of the six */
    CU_ASSERT(c.rises > 10);
    CU_ASSERT(c.lowerings > 10);
    CU_ASSERT_EQUAL(c.rises_off_tick, 0);
    CU_ASSERT_EQUAL(c.over_cap, 0);
}

/* The same run without a period raises caps between ticks: the check above
 * can fail. */
static void test_without_period_caps_rise_anytime(void)
{
    struct cap_steps c;
    CU_ASSERT_FATAL(step_run("0s", 60, &c) == 0);
    CU_ASSERT(c.rises_off_tick > 10);
    CU_ASSERT_EQUAL(c.over_cap, 0);
}

static void test_period_of_five_minutes(void)
{
    struct cap_steps c;
    CU_ASSERT_FATAL(step_run("5m", 300, &c) == 0);
    CU_ASSERT(c.rises > 5);
    CU_ASSERT_EQUAL(c.rises_off_tick, 0);
    CU_ASSERT_EQUAL(c.over_cap, 0);
}

int test_capctl_register(void)
{
    CU_pSuite s = CU_add_suite("capctl", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "caps rise only at multiples of cap_interval", test_caps_rise_only_on_ticks) ||
        !CU_add_test(s, "without cap_interval caps rise between ticks",
                     test_without_period_caps_rise_anytime) ||
        !CU_add_test(s, "a 5-minute controller period", test_period_of_five_minutes))
        return -1;
    return 0;
}
