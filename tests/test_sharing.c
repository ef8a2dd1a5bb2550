/* GPU sharing, heterogeneous pools and fragmentation-aware placement: hand-checkable
 * cases for sched/placement (shares, GPU types, CPU and memory limits, the fgd choice
 * on a two-node cluster and its fragmentation figure), models/cluster pools, and
 * the engine running shares and pools (packing, power counted once per GPU, types). */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "models/cluster.h"
#include "models/trace.h"
#include "sched/placement.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "tests/support.h"

/* A small cluster built through models/cluster (pools of nodes with per-GPU milli). */
typedef struct mini {
    aidc_cluster c;
} mini;

static void mini_init(mini *m, const aidc_node_shape *shapes, const int64_t *counts, size_t np)
{
    int32_t npr[8] = {1, 1, 1, 1, 1, 1, 1, 1};
    CU_ASSERT_FATAL(aidc_cluster_init_pools(&m->c, shapes, counts, npr, np) == 0);
}

static aidc_sched_job share_job(int32_t milli, int32_t cpus, double mem)
{
    aidc_sched_job j = {0};
    j.gpus = 1;
    j.gpu_milli = milli;
    j.cpus = cpus;
    j.mem_gib = mem;
    j.gpu_type = -1;
    j.shared_gpu = -1;
    return j;
}

/* Places job and takes what it got; returns the placement kind (0, 1 share, 2 whole). */
static int place_take(mini *m, const aidc_sched_job *job, aidc_share_strategy st,
                      const aidc_frag_model *model, aidc_sched_share *sh)
{
    aidc_sched_alloc out[8];
    size_t n_out = 0;
    int r = aidc_place_shared(m->c.nodes, m->c.n_nodes, job, st, model, NULL, sh, out, 8, &n_out);
    if (r == 1) aidc_cluster_take_share(&m->c, sh);
    if (r == 2) aidc_cluster_take(&m->c, 0, out, n_out);
    return r;
}

/* One node of 2 GPUs: shares 500, 500, 300, 700 pack onto the two GPUs exactly (best-fit
 * puts the second 500 on the half-used GPU, 300 and 700 on the other); a fifth share of
 * 100 finds no room; a whole-GPU job neither. */
static void test_packing(void)
{
    mini m;
    aidc_node_shape shape = {2, 64, 256, 0, 1};
    int64_t count = 1;
    mini_init(&m, &shape, &count, 1);
    aidc_sched_share sh;
    int32_t want_gpu[] = {0, 0, 1, 1};
    int32_t milli[] = {500, 500, 300, 700};
    for (int k = 0; k < 4; k++) {
        aidc_sched_job j = share_job(milli[k], 1, 1);
        CU_ASSERT_EQUAL(place_take(&m, &j, AIDC_SHARE_BEST_FIT, NULL, &sh), 1);
        CU_ASSERT_EQUAL(sh.node, 0);
        CU_ASSERT_EQUAL(sh.gpu, want_gpu[k]);
    }
    CU_ASSERT_EQUAL(m.c.nodes[0].gpu_free_milli[0], 0);
    CU_ASSERT_EQUAL(m.c.nodes[0].gpu_free_milli[1], 0);
    CU_ASSERT_EQUAL(m.c.nodes[0].milli_free, 0);
    CU_ASSERT_EQUAL(m.c.nodes[0].gpus_free, 0);
    CU_ASSERT_EQUAL(m.c.nodes[0].cpus_free, 60);
    CU_ASSERT_EQUAL(m.c.busy_gpus, 2);
    CU_ASSERT_EQUAL(m.c.busy_milli, 2000);
    aidc_sched_job small = share_job(100, 1, 1);
    CU_ASSERT_EQUAL(place_take(&m, &small, AIDC_SHARE_BEST_FIT, NULL, &sh), 0);
    /* release the 300 share: 300 free on GPU 1, which now takes the 100 */
    aidc_sched_share s300 = {0, 1, 300, 1, 1};
    aidc_cluster_release_share(&m.c, &s300);
    CU_ASSERT_EQUAL(m.c.nodes[0].gpu_free_milli[1], 300);
    CU_ASSERT_EQUAL(m.c.nodes[0].gpus_shared, 1);
    CU_ASSERT_EQUAL(place_take(&m, &small, AIDC_SHARE_FIRST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.gpu, 1);
    CU_ASSERT_EQUAL(m.c.nodes[0].gpu_free_milli[1], 200);
    aidc_cluster_fini(&m.c);
}

/* Whole GPUs and shares on one node: a whole-GPU job takes only entirely free GPUs, and
 * shares never land on a GPU a whole job holds. */
static void test_whole_and_shares(void)
{
    mini m;
    aidc_node_shape shape = {4, 64, 256, 0, 1};
    int64_t count = 1;
    mini_init(&m, &shape, &count, 1);
    aidc_sched_share sh;
    aidc_sched_job s = share_job(600, 1, 1);
    CU_ASSERT_EQUAL(place_take(&m, &s, AIDC_SHARE_BEST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.gpu, 0);
    aidc_sched_job w = share_job(1000, 1, 1);
    w.gpus = 3;
    CU_ASSERT_EQUAL(place_take(&m, &w, AIDC_SHARE_BEST_FIT, NULL, &sh), 2);
    CU_ASSERT_EQUAL(m.c.nodes[0].gpus_free, 0);
    CU_ASSERT_EQUAL(m.c.gpu_free_milli[1] + m.c.gpu_free_milli[2] + m.c.gpu_free_milli[3], 0);
    /* a 500 share does not fit the 400 left on GPU 0; a 400 share does */
    aidc_sched_job s5 = share_job(500, 1, 1), s4 = share_job(400, 1, 1);
    CU_ASSERT_EQUAL(place_take(&m, &s5, AIDC_SHARE_BEST_FIT, NULL, &sh), 0);
    CU_ASSERT_EQUAL(place_take(&m, &s4, AIDC_SHARE_BEST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.gpu, 0);
    CU_ASSERT_EQUAL(m.c.busy_milli, 4000);
    aidc_cluster_fini(&m.c);
}

/* GPU types: node 0 is type 0 (2 GPUs), node 1 type 1 (2 GPUs). */
static void test_types(void)
{
    mini m;
    aidc_node_shape shapes[2] = {{2, 64, 256, 0, 1}, {2, 64, 256, 1, 1}};
    int64_t counts[2] = {1, 1};
    mini_init(&m, shapes, counts, 2);
    CU_ASSERT_EQUAL(m.c.pool[0], 0);
    CU_ASSERT_EQUAL(m.c.pool[1], 1);
    CU_ASSERT_EQUAL(m.c.nodes[1].rack, 1); /* each pool starts a rack */
    aidc_sched_share sh;
    aidc_sched_job j = share_job(500, 1, 1);
    j.gpu_type = 1;
    CU_ASSERT_EQUAL(place_take(&m, &j, AIDC_SHARE_FIRST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.node, 1);
    /* alternatives: {0, 1} may use node 0 (first fit) */
    j.gpu_type = AIDC_GPU_TYPE_SET;
    j.gpu_type_mask = 3;
    CU_ASSERT_EQUAL(place_take(&m, &j, AIDC_SHARE_FIRST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.node, 0);
    /* a type no node has: never */
    j.gpu_type_mask = 4;
    CU_ASSERT_EQUAL(place_take(&m, &j, AIDC_SHARE_FIRST_FIT, NULL, &sh), 0);
    CU_ASSERT(!aidc_place_possible(m.c.nodes, m.c.n_nodes, &j));
    /* whole GPUs of type 1: node 1 has one full GPU left (its other holds a share) */
    aidc_sched_job w = share_job(1000, 1, 1);
    w.gpu_type = 1;
    CU_ASSERT_EQUAL(place_take(&m, &w, AIDC_SHARE_FGD, NULL, &sh), 2);
    CU_ASSERT_EQUAL(m.c.nodes[1].gpus_free, 0);
    CU_ASSERT_EQUAL(place_take(&m, &w, AIDC_SHARE_FIRST_FIT, NULL, &sh), 0);
    aidc_cluster_fini(&m.c);
}

/* CPUs and memory are constraints for shares too. */
static void test_cpu_mem(void)
{
    mini m;
    aidc_node_shape shapes[2] = {{2, 8, 64, 0, 1}, {2, 32, 16, 0, 1}};
    int64_t counts[2] = {1, 1};
    mini_init(&m, shapes, counts, 2);
    aidc_sched_share sh;
    aidc_sched_job j = share_job(200, 10, 8); /* too many CPUs for node 0 */
    CU_ASSERT_EQUAL(place_take(&m, &j, AIDC_SHARE_FIRST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.node, 1);
    aidc_sched_job k = share_job(200, 4, 32); /* too much memory for node 1 */
    CU_ASSERT_EQUAL(place_take(&m, &k, AIDC_SHARE_BEST_FIT, NULL, &sh), 1);
    CU_ASSERT_EQUAL(sh.node, 0);
    CU_ASSERT_EQUAL(place_take(&m, &k, AIDC_SHARE_BEST_FIT, NULL, &sh), 1); /* 4 CPUs, 32 GiB left */
    CU_ASSERT_EQUAL(place_take(&m, &k, AIDC_SHARE_BEST_FIT, NULL, &sh), 0); /* none left */
    CU_ASSERT_EQUAL(m.c.nodes[0].cpus_free, 0);
    CU_ASSERT_DOUBLE_EQUAL(m.c.nodes[0].mem_free_gib, 0, 1e-12);
    aidc_sched_share bad = {1, 0, 200, 40, 1}; /* more CPUs than free */
    CU_ASSERT(!aidc_cluster_can_share(&m.c, &bad));
    bad = (aidc_sched_share){1, 2, 200, 1, 1}; /* no GPU 2 */
    CU_ASSERT(!aidc_cluster_can_share(&m.c, &bad));
    bad = (aidc_sched_share){1, 0, 900, 1, 1}; /* 800 free on GPU 0 of node 1 */
    CU_ASSERT(!aidc_cluster_can_share(&m.c, &bad));
    aidc_cluster_fini(&m.c);
}

/* A node's expected fragmentation, by hand: GPUs free [1000, 400, 0]; classes "one GPU
 * at 500" and "two whole GPUs", weight 1 each. For the share the 400 GPU is a fragment
 * (400); for the two-GPU request the node lacks two full GPUs, so all 1400 free is
 * fragment. F = (400 + 1400) / 2 = 900. */
static void test_frag_figure(void)
{
    int32_t fm[3] = {1000, 400, 0};
    aidc_sched_node nd = {3, 1, 64, 64, 256, 256, 0, 0, 0, 0, 0, fm, 1, 1400};
    aidc_frag_model model;
    aidc_frag_model_init(&model);
    aidc_sched_job a = share_job(500, 0, 0), b = share_job(1000, 0, 0);
    b.gpus = 2;
    CU_ASSERT(aidc_frag_model_add(&model, &a, 1) == 0 && aidc_frag_model_add(&model, &b, 1) == 0);
    CU_ASSERT(aidc_frag_model_add(&model, &a, 2) == 0); /* the same class again */
    CU_ASSERT_EQUAL(model.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(model.total, 4, 1e-12);
    /* weights 3 and 1: (3 x 400 + 1 x 1400) / 4 = 650 */
    CU_ASSERT_DOUBLE_EQUAL(aidc_frag_node(&nd, &model), 650, 1e-9);
    /* a class of one whole GPU: the node fits it, fragments are the partial GPUs (400) */
    aidc_frag_model_fini(&model);
    aidc_frag_model_init(&model);
    b.gpus = 1;
    CU_ASSERT(aidc_frag_model_add(&model, &b, 1) == 0);
    CU_ASSERT_DOUBLE_EQUAL(aidc_frag_node(&nd, &model), 400, 1e-9);
    /* a class that needs more CPUs than the node has free: everything is fragment */
    aidc_sched_job c = share_job(100, 65, 0);
    aidc_frag_model_fini(&model);
    aidc_frag_model_init(&model);
    CU_ASSERT(aidc_frag_model_add(&model, &c, 1) == 0);
    CU_ASSERT_DOUBLE_EQUAL(aidc_frag_node(&nd, &model), 1400, 1e-9);
    aidc_frag_model_fini(&model);
}

/* fgd on two one-GPU nodes: node 0 has 700 free, node 1 is idle; the workload asks
 * mostly for 600-milli shares. A 300 share on node 0 would leave 400 there, useless to
 * a 600 share (fragmentation +400); on node 1 it leaves 700, still usable (+0). fgd
 * picks node 1; best-fit and first-fit pick node 0. Afterwards two 600 shares fit after
 * fgd's choice and only one after best-fit's. */
static void test_fgd_choice(void)
{
    aidc_sched_job big = share_job(600, 1, 1), small = share_job(300, 1, 1);
    aidc_frag_model model;
    aidc_frag_model_init(&model);
    CU_ASSERT(aidc_frag_model_add(&model, &big, 9) == 0 && aidc_frag_model_add(&model, &small, 1) == 0);
    static const aidc_share_strategy st[] = {AIDC_SHARE_FGD, AIDC_SHARE_BEST_FIT, AIDC_SHARE_FIRST_FIT};
    static const int32_t want_node[] = {1, 0, 0}, want_big[] = {2, 1, 1};
    for (int s = 0; s < 3; s++) {
        mini m;
        aidc_node_shape shape = {1, 64, 256, 0, 1};
        int64_t count = 2;
        mini_init(&m, &shape, &count, 1);
        aidc_sched_share pre = {0, 0, 300, 1, 1};
        aidc_cluster_take_share(&m.c, &pre); /* node 0: 700 free */
        aidc_frag_cache cache;
        aidc_frag_cache_init(&cache);
        aidc_sched_share sh;
        aidc_sched_alloc out[2];
        size_t n_out;
        CU_ASSERT_EQUAL(aidc_place_shared(m.c.nodes, 2, &small, st[s], &model, &cache, &sh, out, 2, &n_out), 1);
        CU_ASSERT_EQUAL(sh.node, want_node[s]);
        aidc_cluster_take_share(&m.c, &sh);
        int32_t placed = 0;
        for (int k = 0; k < 3; k++)
            if (aidc_place_shared(m.c.nodes, 2, &big, st[s], &model, &cache, &sh, out, 2, &n_out) == 1) {
                aidc_cluster_take_share(&m.c, &sh);
                placed++;
            }
        CU_ASSERT_EQUAL(placed, want_big[s]);
        aidc_frag_cache_fini(&cache);
        aidc_cluster_fini(&m.c);
    }
    aidc_frag_model_fini(&model);
}

/* fgd with and without its cache gives the same choices over a longer sequence. */
static void test_fgd_cache_agrees(void)
{
    aidc_frag_model model;
    aidc_frag_model_init(&model);
    static const int32_t milli[] = {100, 250, 500, 700, 1000, 330, 810};
    for (int k = 0; k < 7; k++) {
        aidc_sched_job j = share_job(milli[k], 2, 4);
        CU_ASSERT(aidc_frag_model_add(&model, &j, 1 + k % 3) == 0);
    }
    aidc_node_shape shapes[2] = {{4, 32, 128, 0, 1}, {8, 64, 256, 0, 1}};
    int64_t counts[2] = {3, 2};
    mini a, b;
    mini_init(&a, shapes, counts, 2);
    mini_init(&b, shapes, counts, 2);
    aidc_frag_cache cache;
    aidc_frag_cache_init(&cache);
    int same = 1, placed = 0;
    for (int k = 0; k < 60; k++) {
        aidc_sched_job j = share_job(milli[(k * 5) % 7], 2, 4);
        aidc_sched_share sa = {0}, sb = {0};
        aidc_sched_alloc oa[8], ob[8];
        size_t na = 0, nb = 0;
        int ra = aidc_place_shared(a.c.nodes, a.c.n_nodes, &j, AIDC_SHARE_FGD, &model, &cache, &sa, oa, 8, &na);
        int rb = aidc_place_shared(b.c.nodes, b.c.n_nodes, &j, AIDC_SHARE_FGD, &model, NULL, &sb, ob, 8, &nb);
        same = same && ra == rb;
        if (ra == 1) {
            same = same && sa.node == sb.node && sa.gpu == sb.gpu;
            aidc_cluster_take_share(&a.c, &sa);
            aidc_cluster_take_share(&b.c, &sb);
        } else if (ra == 2) {
            same = same && na == nb && oa[0].node == ob[0].node;
            aidc_cluster_take(&a.c, k, oa, na);
            aidc_cluster_take(&b.c, k, ob, nb);
        }
        placed += ra != 0;
    }
    CU_ASSERT(same);
    CU_ASSERT(placed > 20);
    CU_ASSERT_EQUAL(a.c.busy_milli, b.c.busy_milli);
    aidc_frag_cache_fini(&cache);
    aidc_frag_model_fini(&model);
    aidc_cluster_fini(&a.c);
    aidc_cluster_fini(&b.c);
}

/* The engine: four 500-milli jobs at t=0 on one node of 2 GPUs pack two to a GPU and
 * run together (all end at 100 s); IT power of the node equals one with both GPUs fully
 * busy by a whole-GPU job each (a shared GPU's power counts once). */
static void test_engine_shares(void)
{
    char trace[TEST_TEMP_PATH_LEN], trace2[TEST_TEMP_PATH_LEN], json[2048];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,gpu_milli,cpus\n"
                                   "a,0,1,100,500,1\nb,0,1,100,500,1\nc,0,1,100,500,1\n"
                                   "d,0,1,100,500,1\ne,0,1,100,600,1\n",
                                   trace) == 0);
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,cpus\na,0,1,100,1\nb,0,1,100,1\n",
                                   trace2) == 0);
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 1, \"gpus_per_node\": 2, "
             "\"cpus_per_node\": 16, \"mem_gib_per_node\": 64}, \"workload\": {\"trace\": \"%s\"}, "
             "\"policy\": \"fifo\"}",
             trace);
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    CU_ASSERT_FATAL(aidc_sim_run_until(&sim, 1000000000LL, NULL, 0) == 0); /* t = 1 s */
    CU_ASSERT_EQUAL(sim.n_running, 4);
    CU_ASSERT_EQUAL(sim.cluster.busy_gpus, 2);
    CU_ASSERT_EQUAL(sim.cluster.busy_milli, 2000);
    for (int i = 0; i < 4; i++) CU_ASSERT(sim.jobs[i].view.shared_gpu >= 0);
    double it_shared = sim.it_w;
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, NULL, 0), 0);
    for (int i = 0; i < 4; i++) CU_ASSERT_EQUAL(sim.jobs[i].end_ns, 100000000000LL);
    CU_ASSERT_EQUAL(sim.jobs[4].first_start_ns, 100000000000LL); /* e waits for a GPU */
    CU_ASSERT_EQUAL(sim.completed, 5);
    CU_ASSERT_EQUAL(sim.cluster.busy_milli, 0);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    /* the same node with two whole-GPU jobs */
    snprintf(json, sizeof json,
             "{\"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 1, \"gpus_per_node\": 2, "
             "\"cpus_per_node\": 16, \"mem_gib_per_node\": 64}, \"workload\": {\"trace\": \"%s\"}, "
             "\"policy\": \"fifo\"}",
             trace2);
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    CU_ASSERT_FATAL(aidc_sim_run_until(&sim, 1000000000LL, NULL, 0) == 0);
    CU_ASSERT_EQUAL(sim.n_running, 2);
    CU_ASSERT_DOUBLE_EQUAL(sim.it_w, it_shared, 1e-6);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    unlink(trace);
    unlink(trace2);
}

/* Pools in the engine: a DGX-H100 pool and an A100 pool; a job asking for A100 runs on
 * the A100 node, one asking for either runs on the first free; idle power per node
 * follows each pool's system figures. */
static void test_engine_pools(void)
{
    char trace[TEST_TEMP_PATH_LEN], json[2048];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,gpu_type,x_gpu_spec\n"
                                   "a,0,8,100,A100-SXM,\n"
                                   "b,0,8,100,,H100-SXM|A100-SXM\n"
                                   "c,0,8,100,A100-SXM,\n",
                                   trace) == 0);
    snprintf(json, sizeof json,
             "{\"cluster\": {\"pools\": [{\"system\": \"DGX-H100\", \"nodes\": 1},"
             " {\"system\": \"DGX-A100\", \"nodes\": 1}]},"
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": \"fifo\"}",
             trace);
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(test_sim_from_json(json, &sc, &sim) == 0);
    CU_ASSERT_EQUAL(sc.cluster.n_pools, 2);
    CU_ASSERT_EQUAL(sim.cluster.n_nodes, 2);
    CU_ASSERT_EQUAL(sim.cluster.total_gpus, 16);
    /* idle: each node at its own system's base power plus 8 idle GPUs */
    CU_ASSERT_DOUBLE_EQUAL(sim.node_dc_w[0], sc.cluster.pools[0].power.node_base_w + 8 * 85.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(sim.node_dc_w[1], sc.cluster.pools[1].power.node_base_w + 8 * 55.0, 1e-9);
    CU_ASSERT(sc.cluster.pools[0].power.node_base_w != sc.cluster.pools[1].power.node_base_w);
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, NULL, 0), 0);
    CU_ASSERT_EQUAL(sim.jobs[0].first_start_ns, 0);             /* a on the A100 node */
    CU_ASSERT_EQUAL(sim.jobs[1].first_start_ns, 0);             /* b on the H100 node */
    CU_ASSERT_EQUAL(sim.jobs[2].first_start_ns, 100000000000LL); /* c waits for the A100 */
    CU_ASSERT_EQUAL(sim.completed, 3);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    unlink(trace);
}

/* Bad pools and share columns are input errors naming the place. */
static void test_bad_input(void)
{
    char trace[TEST_TEMP_PATH_LEN], path[TEST_TEMP_PATH_LEN], err[2048];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,gpu_milli\na,0,2,10,500\n", trace) == 0);
    aidc_workload w;
    aidc_workload_init(&w);
    CU_ASSERT_EQUAL(aidc_trace_read(trace, &w, err, sizeof err), -1);
    CU_ASSERT(strstr(err, ":2: column \"gpu_milli\": a share below 1000 (found 500) needs gpus = 1") != NULL);
    aidc_workload_fini(&w);
    unlink(trace);
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,gpu_milli\na,0,1,10,1001\n", trace) == 0);
    aidc_workload_init(&w);
    CU_ASSERT_EQUAL(aidc_trace_read(trace, &w, err, sizeof err), -1);
    CU_ASSERT(strstr(err, ":2: column \"gpu_milli\": expected an integer from 1 to 1000") != NULL);
    aidc_workload_fini(&w);
    unlink(trace);
    static const char *const cases[][2] = {
        {"{\"cluster\": {\"pools\": [{\"gpu\": \"H100-SXM\", \"nodes\": 2}]}, \"workload\": {\"trace\": \"x.csv\"}}",
         "cluster.pools[0]: missing required key \"gpus_per_node\""},
        {"{\"cluster\": {\"pools\": [], \"nodes\": 1}, \"workload\": {\"trace\": \"x.csv\"}}",
         "cluster.nodes: \"pools\" describes the nodes"},
        {"{\"cluster\": {\"pools\": []}, \"workload\": {\"trace\": \"x.csv\"}}",
         "cluster.pools: expected a non-empty array of pools"},
        {"{\"cluster\": {\"pools\": [{\"system\": \"DGX-Z\", \"nodes\": 1}]}, \"workload\": {\"trace\": \"x.csv\"}}",
         "cluster.pools[0].system: unknown system \"DGX-Z\""},
        {"{\"cluster\": {\"pools\": \"no-such-pools.json\"}, \"workload\": {\"trace\": \"x.csv\"}}",
         "cluster.pools: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_FATAL(test_temp_file(cases[i][0], path) == 0);
        aidc_scenario sc;
        int rc = aidc_scenario_load(&sc, path, NULL, -1, err, sizeof err);
        CU_ASSERT_EQUAL(rc, -1);
        if (rc == 0) aidc_scenario_fini(&sc);
        if (!strstr(err, cases[i][1])) fprintf(stderr, "\n  case %zu: %s", i, err);
        CU_ASSERT(strstr(err, cases[i][1]) != NULL);
        unlink(path);
    }
}

int test_sharing_register(void)
{
    CU_pSuite s = CU_add_suite("sharing: shares, pools, fgd", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "shares pack onto GPUs up to 1000 milli", test_packing) ||
        !CU_add_test(s, "whole GPUs and shares on one node", test_whole_and_shares) ||
        !CU_add_test(s, "GPU types and alternatives", test_types) ||
        !CU_add_test(s, "CPU and memory limit shares", test_cpu_mem) ||
        !CU_add_test(s, "a node's expected fragmentation by hand", test_frag_figure) ||
        !CU_add_test(s, "fgd picks the less fragmenting node", test_fgd_choice) ||
        !CU_add_test(s, "fgd's cache changes no decision", test_fgd_cache_agrees) ||
        !CU_add_test(s, "engine: shares run together, power counted per GPU", test_engine_shares) ||
        !CU_add_test(s, "engine: pools, GPU types, per-pool power", test_engine_pools) ||
        !CU_add_test(s, "bad shares and pools are input errors", test_bad_input))
        return -1;
    return 0;
}
