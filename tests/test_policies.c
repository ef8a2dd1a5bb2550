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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched/placement.h"
#include "tests/support.h"

static int run_tiny(const char *policy, double *start_s, double *end_s, size_t n)
{
    char cwd[2048], json[4096], err[1024];
    if (!getcwd(cwd, sizeof cwd)) return -1;
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 2, \"gpus_per_node\": 4},\n"
             " \"workload\": {\"trace\": \"%s/tests/data/sched/tiny.csv\"},\n"
             " \"policy\": \"%s\"}\n",
             cwd, policy);
    aidc_scenario sc;
    aidc_sim sim;
    if (test_sim_from_json(json, &sc, &sim)) return -1;
    int rc = aidc_sim_run(&sim, err, sizeof err);
    if (rc) fprintf(stderr, "%s\n", err);
    for (size_t i = 0; rc == 0 && i < n && i < sim.n_jobs; i++) {
        start_s[i] = (double)sim.jobs[i].view.start_ns / 1e9;
        end_s[i] = (double)sim.jobs[i].end_ns / 1e9;
        if (sim.jobs[i].state != AIDC_JOB_DONE) rc = -1;
    }
    if (rc == 0 && sim.n_jobs != n) rc = -1;
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    return rc;
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

static aidc_sched_node node(int gpus_free, int gpus_total, int cpus_free, double mem_free)
{
    return (aidc_sched_node){gpus_total, gpus_free, 64, cpus_free, 512, mem_free, 0, 0, 0, 0, 0};
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
        !CU_add_test(s, "placement: best fit, CPU and memory", test_placement_best_fit_and_constraints) ||
        !CU_add_test(s, "placement: whole nodes for large jobs", test_placement_whole_nodes) ||
        !CU_add_test(s, "placement: locality services", test_locality_services))
        return -1;
    return 0;
}
