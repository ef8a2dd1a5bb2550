/* Policies and placement on hand-computed schedules.
 *
 * tests/data/sched/tiny.csv on 2 nodes x 4 GPUs (times in s):
 *   a 0 4x100 | b 0 8x50 | c 10 1x10 | d 20 4x200 | e 30 2x30 (est 60) | f 40 4x30 (est 70)
 * fifo: b needs both nodes, so waits for a (t=100) and blocks everyone; at
 *   150 c, d, e start (c and e share node 0), f waits for node 0 (t=180).
 * easy-backfill: b is reserved at t=100; c (ends 20) and e (est. end 90)
 *   finish before it and backfill; d and f would still hold a node at 100
 *   (d: 220, f: est. 60+70=130) and must wait: both start at 150. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched/placement.h"
#include "tests/support.h"

/* Runs trace (under tests/data/sched) on 2 nodes x 4 GPUs under the policy
 * given as JSON; fills first start and end times (s) and preemptions. */
static int run_sched(const char *trace, const char *policy_json, double *start_s, double *end_s,
                     int *preemptions, size_t n)
{
    char cwd[2048], json[4096], err[1024];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 2, \"gpus_per_node\": 4},\n"
             " \"workload\": {\"trace\": \"%s/tests/data/sched/%s\"},\n"
             " \"policy\": %s}\n",
             cwd, trace, policy_json);
    aidc_scenario sc;
    aidc_sim sim;
    if (test_sim_from_json(json, &sc, &sim)) return -1;
    int rc = aidc_sim_run(&sim, err, sizeof err);
    if (rc) fprintf(stderr, "%s\n", err);
    for (size_t i = 0; rc == 0 && i < n && i < sim.n_jobs; i++) {
        start_s[i] = (double)sim.jobs[i].first_start_ns / 1e9;
        end_s[i] = (double)sim.jobs[i].end_ns / 1e9;
        if (preemptions) preemptions[i] = sim.jobs[i].view.preemptions;
        if (sim.jobs[i].state != AIDC_JOB_DONE) rc = -1;
    }
    if (rc == 0 && sim.n_jobs != n) rc = -1;
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    return rc;
}

static int run_tiny(const char *policy, double *start_s, double *end_s, size_t n)
{
    char json[256];
    snprintf(json, sizeof json, "\"%s\"", policy);
    return run_sched("tiny.csv", json, start_s, end_s, NULL, n);
}

static void expect(const double *got, const double *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        if (fabs(got[i] - want[i]) > 1e-6)
            fprintf(stderr, "\n  %s[%zu]: got %.9g, want %.9g", what, i, got[i], want[i]);
        CU_ASSERT_DOUBLE_EQUAL(got[i], want[i], 1e-6);
    }
}

static void test_fifo_schedule(void)
{
    double start[6], end[6];
    CU_ASSERT_FATAL(run_tiny("fifo", start, end, 6) == 0);
    const double want[6] = {0, 100, 150, 150, 150, 180};
    for (int i = 0; i < 6; i++) CU_ASSERT_DOUBLE_EQUAL(start[i], want[i], 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(end[5], 210, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(end[3], 350, 1e-9);
}

static void test_easy_backfill_schedule(void)
{
    double start[6], end[6];
    CU_ASSERT_FATAL(run_tiny("easy-backfill", start, end, 6) == 0);
    const double want[6] = {0, 100, 10, 150, 30, 150};
    for (int i = 0; i < 6; i++) CU_ASSERT_DOUBLE_EQUAL(start[i], want[i], 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(end[4], 60, 1e-9); /* runs its true 30 s, not its estimate */
}

/* sjf (first-fit by estimate): b (est 50) before a (100) at t=0 and takes
 * both nodes; at 50 the order is c 10, e 60, f 70, a 100, d 200: c and e on
 * node 0, f on node 1; a and d wait for e and f (both end at 80). */
static void test_sjf_schedule(void)
{
    double start[6], end[6];
    CU_ASSERT_FATAL(run_tiny("sjf", start, end, 6) == 0);
    const double want[6] = {80, 0, 50, 80, 50, 50}, want_end[6] = {180, 50, 60, 280, 80, 80};
    expect(start, want, 6, "sjf start");
    expect(end, want_end, 6, "sjf end");
}

/* conservative backfill: every job keeps a reservation (b at 100, then d and
 * f at 150); c and e fit before b's reservation and start at once. */
static void test_conservative_schedule(void)
{
    double start[6], end[6];
    CU_ASSERT_FATAL(run_tiny("conservative-backfill", start, end, 6) == 0);
    const double want[6] = {0, 100, 10, 150, 30, 150};
    expect(start, want, 6, "conservative start");
}

/* srtf, preempting at once (min_run 0), checkpoint 2 s + restore 3 s:
 *  0  b (50) before a (100): b takes both nodes.
 *  10 c (10) preempts b (40 left); c on node 0, a fits node 1 (est 100).
 *  20 c ends; b (40) preempts a (90 left); b runs 40 + 5 s -> 65.
 *  65 e (60) on node 0, f (70) on node 1 -> both end at 95.
 *  95 a (95 left with overhead) -> 190; d -> 295. */
static void test_srtf_schedule(void)
{
    double start[6], end[6];
    int pre[6];
    CU_ASSERT_FATAL(run_sched("tiny.csv",
                              "{\"name\": \"srtf\", \"params\": {\"min_run_s\": 0}, "
                              "\"checkpoint\": \"2s\", \"restore\": \"3s\"}",
                              start, end, pre, 6) == 0);
    const double want[6] = {10, 0, 10, 95, 65, 65}, want_end[6] = {190, 65, 20, 295, 95, 95};
    expect(start, want, 6, "srtf start");
    expect(end, want_end, 6, "srtf end");
    CU_ASSERT_EQUAL(pre[0], 1);
    CU_ASSERT_EQUAL(pre[1], 1);
    CU_ASSERT_EQUAL(pre[2] + pre[3] + pre[4] + pre[5], 0);
}

/* las, thresholds 180 and 720 GPU-s, preempting at once, 2 s + 3 s:
 *  0  a (level 0, first) on node 0; b cannot fit.  10 c on node 1 (-> 20).
 *  20 d on node 1.  45 a passes 180 GPU-s: e preempts it (node 0, -> 75).
 *  65 d passes 180: f preempts it (node 1, -> 95).  75 a (60 left) -> node 0.
 *  95 b (level 0) preempts a (40 + 5 left) and takes both nodes (-> 145).
 *  145 a -> 190, d (155 + 5 left) -> 305. */
static void test_las_schedule(void)
{
    double start[6], end[6];
    int pre[6];
    CU_ASSERT_FATAL(run_sched("tiny.csv",
                              "{\"name\": \"las\", \"params\": {\"min_run_s\": 0, "
                              "\"thresholds_gpu_h\": \"0.05, 0.2\"}, "
                              "\"checkpoint\": \"2s\", \"restore\": \"3s\"}",
                              start, end, pre, 6) == 0);
    const double want[6] = {0, 95, 10, 20, 45, 65}, want_end[6] = {190, 145, 20, 305, 75, 95};
    expect(start, want, 6, "las start");
    expect(end, want_end, 6, "las end");
    CU_ASSERT_EQUAL(pre[0], 2);
    CU_ASSERT_EQUAL(pre[3], 1);
}

/* fair-share on tests/data/sched/tenants.csv (A: a1-a4 at 0, B: b1-b2 at 10,
 * all 4 GPUs x 100 s): at 100 A and B hold nothing; a3 goes first (arrived
 * first), then B's b1 (share 0 < 0.5), so a4 waits for 200 where fifo would
 * have started it at 100. With quota.A = 4 GPUs A runs one job at a time. */
static void test_fair_share_schedule(void)
{
    double start[6], end[6];
    CU_ASSERT_FATAL(run_sched("tenants.csv", "\"fair-share\"", start, end, NULL, 6) == 0);
    const double want[6] = {0, 0, 100, 200, 100, 200};
    expect(start, want, 6, "fair start");
    CU_ASSERT_FATAL(run_sched("tenants.csv", "\"fifo\"", start, end, NULL, 6) == 0);
    const double fifo[6] = {0, 0, 100, 100, 200, 200};
    expect(start, fifo, 6, "fifo start");
    CU_ASSERT_FATAL(run_sched("tenants.csv",
                              "{\"name\": \"fair-share\", \"params\": {\"quota.A\": 4}}", start,
                              end, NULL, 6) == 0);
    const double quota[6] = {0, 100, 200, 300, 10, 110};
    expect(start, quota, 6, "quota start");
}

/* Runs tests/data/sched/power.csv (two 8-GPU jobs of 1000 s) on 2 nodes of
 * 8 H100 under the given policy and IT cap (W, <= 0: none); returns the
 * sim's peak IT power and both jobs' start and end times. */
static int run_power(const char *policy, double cap_w, double *peak_w, double *start, double *end,
                     size_t n)
{
    char cwd[2048], json[4096], capj[128] = "", err[1024];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    if (cap_w > 0) snprintf(capj, sizeof capj, ", \"power\": {\"facility_it_cap\": \"%.3fW\"}", cap_w);
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 2, \"gpus_per_node\": 8},"
             " \"workload\": {\"trace\": \"%s/tests/data/sched/power.csv\"}, \"policy\": \"%s\"%s}",
             cwd, policy, capj);
    aidc_scenario sc;
    aidc_sim sim;
    if (test_sim_from_json(json, &sc, &sim)) return -1;
    int rc = aidc_sim_run(&sim, err, sizeof err);
    *peak_w = sim.peak_it_w;
    for (size_t i = 0; i < n && i < sim.n_jobs; i++) {
        start[i] = (double)sim.jobs[i].first_start_ns / 1e9;
        end[i] = (double)sim.jobs[i].end_ns / 1e9;
    }
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    return rc;
}

/* power-aware: under an IT cap with room for one job and 60% of another's
 * extra power, easy-backfill refuses the second job until the first ends
 * (t = 1000); power-aware starts it at once under a per-GPU cap, slower
 * than full speed but done before 2000, and IT power stays under the cap. */
static void test_power_aware(void)
{
    double peak_both, start[2], end[2];
    CU_ASSERT_FATAL(run_power("fifo", 0, &peak_both, start, end, 2) == 0);
    double peak_one, cap;
    CU_ASSERT_FATAL(run_power("fifo", peak_both - 1, &peak_one, start, end, 2) == 0);
    CU_ASSERT_DOUBLE_EQUAL(start[1], 1000, 1e-6); /* one job at a time below peak_both */
    cap = peak_one + 0.6 * (peak_both - peak_one);
    double peak;
    CU_ASSERT_FATAL(run_power("easy-backfill", cap, &peak, start, end, 2) == 0);
    CU_ASSERT_DOUBLE_EQUAL(start[1], 1000, 1e-6);
    CU_ASSERT_FATAL(run_power("power-aware", cap, &peak, start, end, 2) == 0);
    CU_ASSERT_DOUBLE_EQUAL(start[0], 0, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(start[1], 0, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(end[0], 1000, 1e-6);
    CU_ASSERT(end[1] > 1000 && end[1] < 2000);
    CU_ASSERT(peak <= cap * (1 + 1e-9));
}

/* carbon-aware on Arizona's hourly carbon intensity from 1 July 2022: both
 * jobs (1 GPU, 1 h) arrive at noon, deadline 48 h later, when the grid is
 * at 663 g/kWh; the deferrable one waits for a cleaner hour, the other
 * starts at once. It starts on an hour boundary, at an intensity below the
 * start's, and no later hour before its latest start is 10% cleaner than
 * the one it took (the policy's threshold). */
static void test_carbon_aware(void)
{
    char cwd[2048], json[4096], err[1024];
    CU_ASSERT_FATAL(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 1, \"gpus_per_node\": 8},"
             " \"workload\": {\"trace\": \"%s/tests/data/sched/carbon.csv\"},"
             " \"grid\": {\"carbon\": \"%s/scenarios/carbon/AZ_NG_and_avgCI.csv\", \"carbon_start_day\": 182},"
             " \"policy\": \"carbon-aware\"}",
             cwd, cwd);
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    CU_ASSERT_FATAL(aidc_sim_run(&sim, err, sizeof err) == 0);
    int64_t h = 3600 * INT64_C(1000000000);
    int64_t t1 = sim.jobs[0].first_start_ns, t2 = sim.jobs[1].first_start_ns;
    double (*ci)(void *, int64_t) = sim.host.carbon_g_per_kwh;
    void *ctx = sim.host.ctx;
    int64_t t0 = 12 * h, latest = t0 + 47 * h;
    CU_ASSERT_EQUAL(t2, t0);
    CU_ASSERT(t1 > t0 && t1 % h == 0 && t1 <= latest);
    CU_ASSERT(ci(ctx, t1) < 0.9 * ci(ctx, t0));
    for (int64_t t = t1 + h; t <= latest; t += h) CU_ASSERT(ci(ctx, t) >= 0.9 * ci(ctx, t1) - 1e-9);
    CU_ASSERT_EQUAL(sim.completed, 2);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

static aidc_sched_node node(int gpus_free, int gpus_total, int cpus_free, double mem_free)
{
    return (aidc_sched_node){gpus_total, gpus_free, 64, cpus_free, 512, mem_free, 0, 0, 0, 0, 0, NULL, 0, 0};
}

static aidc_sched_job job(int gpus, int cpus, double mem)
{
    aidc_sched_job j = {0};
    j.gpus = gpus;
    j.cpus = cpus;
    j.mem_gib = mem;
    j.gpu_type = -1;
    return j;
}

static void test_placement_best_fit_and_constraints(void)
{
    aidc_sched_node nodes[4] = {node(8, 8, 64, 512), node(3, 8, 64, 512), node(2, 8, 64, 512),
                                node(2, 8, 4, 512)};
    aidc_sched_alloc out[4];
    size_t n;
    aidc_sched_job j = job(2, 8, 100);
    /* nodes 2 and 3 have exactly 2 free, but node 3 lacks CPUs: node 2 */
    CU_ASSERT_FATAL(aidc_place_whole(nodes, 4, &j, out, 4, &n));
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(out[0].node, 2);
    CU_ASSERT_EQUAL(out[0].gpus, 2);
    CU_ASSERT_EQUAL(out[0].cpus, 8);
    /* 3 GPUs: node 1 is the tightest fit */
    j = job(3, 0, 0);
    CU_ASSERT_FATAL(aidc_place_whole(nodes, 4, &j, out, 4, &n));
    CU_ASSERT_EQUAL(out[0].node, 1);
    /* too much memory anywhere */
    j = job(1, 0, 600);
    CU_ASSERT(!aidc_place_whole(nodes, 4, &j, out, 4, &n));
    CU_ASSERT(!aidc_place_possible(nodes, 4, &j));
}

static void test_placement_whole_nodes(void)
{
    aidc_sched_node nodes[4] = {node(8, 8, 64, 512), node(7, 8, 64, 512), node(8, 8, 64, 512),
                                node(8, 8, 64, 512)};
    aidc_sched_alloc out[4];
    size_t n;
    aidc_sched_job j = job(12, 0, 0);
    /* 12 GPUs > one node: two idle whole nodes, skipping the busy one */
    CU_ASSERT_FATAL(aidc_place_whole(nodes, 4, &j, out, 4, &n));
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(out[0].node, 0);
    CU_ASSERT_EQUAL(out[1].node, 2);
    CU_ASSERT_EQUAL(out[1].gpus, 8);
    CU_ASSERT_EQUAL(out[1].cpus, 64);
    j = job(32, 0, 0);
    CU_ASSERT(!aidc_place_whole(nodes, 4, &j, out, 4, &n));
    CU_ASSERT(aidc_place_possible(nodes, 4, &j));
    j = job(33, 0, 0);
    CU_ASSERT(!aidc_place_possible(nodes, 4, &j));
    aidc_place_apply(nodes, out, 1, -1);
    CU_ASSERT_EQUAL(nodes[0].gpus_free, 0);
    aidc_place_apply(nodes, out, 1, +1);
    CU_ASSERT_EQUAL(nodes[0].gpus_free, 8);
}

static void test_locality_services(void)
{
    /* 6 nodes of 8 GPUs: leaf groups {0,1,2} and {3,4,5}; nodes 0 and 3 busy */
    aidc_sched_node nodes[6];
    for (int i = 0; i < 6; i++) {
        nodes[i] = node(8, 8, 64, 512);
        nodes[i].domain = i;
        nodes[i].leaf = i / 3;
    }
    nodes[0].gpus_free = 0;
    nodes[3].gpus_free = 2;
    aidc_sched_job j = job(16, 0, 0);
    int32_t groups[4];
    /* both leaf groups have two idle nodes; group 0 has fewer free GPUs (16 < 18) */
    CU_ASSERT_EQUAL(aidc_place_rank_groups(nodes, 6, &j, AIDC_LEVEL_LEAF, groups, 4), 2);
    CU_ASSERT_EQUAL(groups[0], 0);
    CU_ASSERT_EQUAL(groups[1], 1);
    CU_ASSERT_EQUAL(aidc_place_smallest_group(nodes, 6, &j, AIDC_LEVEL_LEAF), 0);
    j = job(24, 0, 0); /* three idle nodes: no leaf group has them */
    CU_ASSERT_EQUAL(aidc_place_smallest_group(nodes, 6, &j, AIDC_LEVEL_LEAF), -1);
    aidc_sched_alloc out[6];
    size_t n;
    CU_ASSERT_FATAL(aidc_place(nodes, 6, &j, AIDC_PLACE_TOPOLOGY_AWARE, out, 6, &n));
    CU_ASSERT_EQUAL(n, 3);
    j = job(16, 0, 0);
    CU_ASSERT_FATAL(aidc_place(nodes, 6, &j, AIDC_PLACE_TOPOLOGY_AWARE, out, 6, &n));
    CU_ASSERT_EQUAL(out[0].node, 1);
    CU_ASSERT_EQUAL(out[1].node, 2);
    CU_ASSERT_FATAL(aidc_place(nodes, 6, &j, AIDC_PLACE_SPREAD, out, 6, &n));
    CU_ASSERT_EQUAL(nodes[out[0].node].leaf == nodes[out[1].node].leaf, 0);
    aidc_sched_alloc a[1] = {{1, 8, 0, 0}}, b[1] = {{2, 8, 0, 0}}, c[1] = {{4, 8, 0, 0}};
    CU_ASSERT_EQUAL(aidc_place_distance(nodes, a, 1, a, 1), 0);
    CU_ASSERT_EQUAL(aidc_place_distance(nodes, a, 1, b, 1), 2);
    CU_ASSERT_EQUAL(aidc_place_distance(nodes, a, 1, c, 1), 4 - 1); /* same pod 0 */
}

int test_policies_register(void)
{
    CU_pSuite s = CU_add_suite("policies", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "fifo on a hand-computed schedule", test_fifo_schedule) ||
        !CU_add_test(s, "easy-backfill on a hand-computed schedule", test_easy_backfill_schedule) ||
        !CU_add_test(s, "sjf on a hand-computed schedule", test_sjf_schedule) ||
        !CU_add_test(s, "conservative-backfill on a hand-computed schedule", test_conservative_schedule) ||
        !CU_add_test(s, "srtf with checkpoints on a hand-computed schedule", test_srtf_schedule) ||
        !CU_add_test(s, "las (Tiresias) on a hand-computed schedule", test_las_schedule) ||
        !CU_add_test(s, "fair-share and quotas on a hand-computed schedule", test_fair_share_schedule) ||
        !CU_add_test(s, "power-aware starts under a cap instead of waiting", test_power_aware) ||
        !CU_add_test(s, "carbon-aware defers to a cleaner hour within the deadline", test_carbon_aware) ||
        !CU_add_test(s, "placement: best fit, CPU and memory", test_placement_best_fit_and_constraints) ||
        !CU_add_test(s, "placement: whole nodes for large jobs", test_placement_whole_nodes) ||
        !CU_add_test(s, "placement: locality services", test_locality_services))
        return -1;
    return 0;
}
