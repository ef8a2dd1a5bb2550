/* The run loop: fluid job progress, speed changes moving finish events,
 * pausing with run_until. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/support.h"

#define S 1000000000LL

/* A 1-node, 2-GPU cluster under fifo replaying the given trace rows. */
static int setup(aidc_scenario *sc, aidc_sim *sim, const char *rows)
{
    char text[1024], trace[TEST_TEMP_PATH_LEN];
    snprintf(text, sizeof text, "id,submit_s,gpus,duration_s\n%s", rows);
    if (test_temp_file(text, trace)) return -1;
    char json[512];
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 1, \"gpus_per_node\": 2},"
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": \"fifo\"}",
             trace);
    int rc = test_sim_from_json(json, sc, sim);
    unlink(trace);
    return rc;
}

static void test_speed_change_moves_finish(void)
{
    aidc_scenario sc;
    aidc_sim sim;
    char err[256];
    CU_ASSERT_FATAL(setup(&sc, &sim, "a,0,1,100\nb,0,1,100\n") == 0);
    CU_ASSERT_EQUAL(aidc_sim_run_until(&sim, 40 * S, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sim.now_ns, 40 * S);
    CU_ASSERT_EQUAL(sim.jobs[0].state, AIDC_JOB_RUNNING);
    aidc_sim_set_speed(&sim, 0, 0.5); /* 60 s of work left at half speed: 120 s */
    aidc_sim_set_speed(&sim, 1, 2.0); /* 60 s left at double speed: 30 s */
    CU_ASSERT_EQUAL(aidc_sim_run_until(&sim, 100 * S, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sim.jobs[1].state, AIDC_JOB_DONE);
    CU_ASSERT_EQUAL(sim.jobs[1].end_ns, 70 * S);
    aidc_sim_set_speed(&sim, 0, 1.0); /* at t=100: 60 - 0.5*60 = 30 s left */
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sim.jobs[0].end_ns, 130 * S);
    CU_ASSERT_EQUAL(sim.completed, 2);
    /* busy GPU-time integral: job a 130 s + job b 70 s */
    CU_ASSERT_DOUBLE_EQUAL(sim.busy_gpu_ns, 200e9, 1);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

static void test_run_until_then_run_matches_plain_run(void)
{
    const char *rows = "a,0,2,50\nb,10,1,30\nc,10,2,20\nd,15,1,5\n";
    aidc_scenario sc1, sc2;
    aidc_sim s1, s2;
    char err[256];
    CU_ASSERT_FATAL(setup(&sc1, &s1, rows) == 0);
    CU_ASSERT_FATAL(setup(&sc2, &s2, rows) == 0);
    CU_ASSERT_EQUAL(aidc_sim_run(&s1, err, sizeof err), 0);
    for (int64_t t = 0; aidc_sim_run_until(&s2, t, err, sizeof err) == 0; t += 7 * S) {}
    for (size_t i = 0; i < 4; i++) {
        CU_ASSERT_EQUAL(s1.jobs[i].view.start_ns, s2.jobs[i].view.start_ns);
        CU_ASSERT_EQUAL(s1.jobs[i].end_ns, s2.jobs[i].end_ns);
    }
    CU_ASSERT_EQUAL(s1.jobs[3].end_ns, 105 * S); /* fifo: c waits for a, d for c */
    aidc_sim_fini(&s1);
    aidc_sim_fini(&s2);
    aidc_scenario_fini(&sc1);
    aidc_scenario_fini(&sc2);
}

/* Mean JCT of a scenario file's completed jobs, and its network slowdown. */
static double mean_jct_s(const char *path, double *net_slowdown)
{
    aidc_scenario sc;
    aidc_sim sim;
    char err[2048];
    if (aidc_scenario_load(&sc, path, NULL, -1, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    if (aidc_sim_init(&sim, &sc, NULL, err, sizeof err) || aidc_sim_run(&sim, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        aidc_scenario_fini(&sc);
        return -1;
    }
    double sum = 0, slow = 0;
    size_t n = 0, nm = 0;
    for (size_t i = 0; i < sim.n_jobs; i++) {
        const aidc_job_rt *j = &sim.jobs[i];
        if (j->state != AIDC_JOB_DONE) continue;
        sum += (double)(j->end_ns - sim.workload.jobs[i].submit_ns) / 1e9;
        n++;
        if (j->n_alloc > 1) {
            slow += (double)(j->end_ns - j->view.start_ns) / (double)sim.workload.jobs[i].duration_ns;
            nm++;
        }
    }
    *net_slowdown = nm ? slow / (double)nm : 1;
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    return n ? sum / (double)n : -1;
}

/* The scenario pair differs only in placement. Spread puts every multi-node
 * job across leaf groups of a 4:1 fabric, where jobs share uplinks: their
 * run time grows by ~1.4x (the network slowdown), so at ~75% load the mean
 * JCT must be at least 20% lower with topology-aware placement. */
static void test_topology_aware_beats_spread(void)
{
    double slow_ta, slow_sp;
    double ta = mean_jct_s("scenarios/fabric-topology-aware.json", &slow_ta);
    double sp = mean_jct_s("scenarios/fabric-spread.json", &slow_sp);
    CU_ASSERT_FATAL(ta > 0 && sp > 0);
    CU_ASSERT(ta < 0.8 * sp);
    CU_ASSERT(slow_ta < 1.05);
    CU_ASSERT(slow_sp > 1.2);
}

int test_sim_register(void)
{
    CU_pSuite s = CU_add_suite("sim", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "speed changes move finish events", test_speed_change_moves_finish) ||
        !CU_add_test(s, "pausing does not change the schedule",
                     test_run_until_then_run_matches_plain_run) ||
        !CU_add_test(s, "topology-aware beats spread on mean JCT", test_topology_aware_beats_spread))
        return -1;
    return 0;
}
