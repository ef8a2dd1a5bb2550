/* Fabric: collective cost formulas, locality, and max-min contention on a
 * hand-built two-leaf fabric (no igraph needed: the model reads only the
 * hierarchy). 4 nodes x 8 GPUs, NIC 50 GB/s, 2 nodes per leaf group:
 * a leaf group's downlinks carry 2 x 8 x 50 = 800 GB/s. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <string.h>

#include "models/fabric.h"

static int32_t domain[4] = {0, 1, 2, 3}, leaf[4] = {0, 0, 1, 1}, pod[4] = {0, 0, 0, 0};
static double leaf_up[2], pod_up[1] = {0};

static aidc_topology two_leaves(double oversubscription)
{
    aidc_topology t;
    memset(&t, 0, sizeof t);
    t.cfg.kind = AIDC_FABRIC_RAIL;
    t.cfg.nodes = 4;
    t.cfg.gpus_per_node = 8;
    t.cfg.nvlink_domain = 8;
    t.cfg.nvlink_gbps = 450;
    t.cfg.nic_gbps = 50;
    t.cfg.oversubscription = oversubscription;
    t.cfg.alpha_nvlink_us = 1;
    t.cfg.alpha_leaf_us = 2;
    t.cfg.alpha_spine_us = 4;
    t.cfg.alpha_core_us = 5;
    t.n_nodes = 4;
    t.domain = domain;
    t.leaf = leaf;
    t.pod = pod;
    t.n_domains = 4;
    t.n_leaves = 2;
    t.n_pods = 1;
    leaf_up[0] = leaf_up[1] = 800 / oversubscription;
    t.leaf_up_gbps = leaf_up;
    t.pod_up_gbps = pod_up;
    return t;
}

static double speeds[8];
static int calls;
static void record(void *ctx, uint32_t job, double speed)
{
    (void)ctx;
    speeds[job] = speed;
    calls++;
}

static aidc_sched_alloc on(int node) { return (aidc_sched_alloc){node, 8, 0, 0}; }

static void test_formulas(void)
{
    /* ring: 2(n-1)/n S/B + 2(n-1) a */
    CU_ASSERT_DOUBLE_EQUAL(aidc_allreduce_ring_s(8, 1e9, 50, 2), 2.0 * 7 / 8 * 0.02 + 28e-6, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(aidc_allreduce_ring_s(1024, 4e9, 100, 5),
                           2.0 * 1023 / 1024 * 0.04 + 2 * 1023 * 5e-6, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(aidc_allreduce_ring_s(1, 1e9, 50, 2), 0, 0);
    /* tree: 2 log2(n) a + 2 S/B */
    CU_ASSERT_DOUBLE_EQUAL(aidc_allreduce_tree_s(8, 1e9, 50, 2), 2 * 3 * 2e-6 + 0.04, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(aidc_allreduce_tree_s(1024, 1e9, 50, 2), 2 * 10 * 2e-6 + 0.04, 1e-15);
}

static void test_locality_and_single_domain(void)
{
    aidc_topology t = two_leaves(1);
    aidc_sched_alloc a[2] = {on(0), on(1)}, b[2] = {on(0), on(2)};
    aidc_locality la, lb;
    aidc_fabric_locality(&t, a, 2, &la);
    aidc_fabric_locality(&t, b, 2, &lb);
    CU_ASSERT_EQUAL(la.nodes, 2);
    CU_ASSERT_EQUAL(la.domains, 2);
    CU_ASSERT_EQUAL(la.leaves, 1);
    CU_ASSERT_EQUAL(la.tier, 2);
    CU_ASSERT_EQUAL(lb.leaves, 2);
    CU_ASSERT_EQUAL(lb.tier, 3);
    /* one node = one NVLink domain: only the NVLink ring, no inter-node term */
    aidc_sched_alloc one[1] = {on(3)};
    aidc_locality l1;
    aidc_fabric_locality(&t, one, 1, &l1);
    CU_ASSERT_EQUAL(l1.tier, 0);
    CU_ASSERT_DOUBLE_EQUAL(aidc_fabric_comm_s(&t, &l1, 1e9, 50), aidc_allreduce_ring_s(8, 1e9, 450, 1),
                           1e-15);
    aidc_fabric f;
    CU_ASSERT_FATAL(aidc_fabric_init(&f, &t, 4) == 0);
    calls = 0;
    CU_ASSERT(aidc_fabric_job_start(&f, 0, one, 1, 0.5, 1e9, record, NULL) == 0);
    CU_ASSERT_EQUAL(calls, 0); /* speed stays 1: nothing to report */
    CU_ASSERT_EQUAL(f.jobs[0].n_links, 0);
    aidc_fabric_fini(&f);
}

/* Speed of a job crossing both leaves at per-rail bandwidth bw (GB/s). */
static double expected_speed(double f, double bw)
{
    double ideal = aidc_allreduce_ring_s(8, 1e9, 450, 1) + aidc_allreduce_ring_s(2, 1e9 / 8, 50, 2);
    double actual = aidc_allreduce_ring_s(8, 1e9, 450, 1) + aidc_allreduce_ring_s(2, 1e9 / 8, bw, 4);
    double compute = ideal * (1 - f) / f;
    return (compute + ideal) / (compute + actual);
}

static void test_non_oversubscribed_jobs_do_not_slow_each_other(void)
{
    aidc_topology t = two_leaves(1);
    aidc_fabric f;
    CU_ASSERT_FATAL(aidc_fabric_init(&f, &t, 4) == 0);
    aidc_sched_alloc a[2] = {on(0), on(2)}, b[2] = {on(1), on(3)};
    CU_ASSERT(aidc_fabric_job_start(&f, 0, a, 2, 0.3, 1e9, record, NULL) == 0);
    double alone = f.jobs[0].speed;
    CU_ASSERT(aidc_fabric_job_start(&f, 1, b, 2, 0.3, 1e9, record, NULL) == 0);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[0].rate_gbps, 400, 1e-9); /* its full demand: 8 rails x 50 */
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[1].rate_gbps, 400, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[0].speed, alone, 1e-12);
    /* crossing the spine still costs its latency: a little below 1 */
    CU_ASSERT_DOUBLE_EQUAL(alone, expected_speed(0.3, 50), 1e-12);
    CU_ASSERT(alone < 1);
    aidc_fabric_fini(&f);
}

static void test_oversubscribed_jobs_share_max_min(void)
{
    aidc_topology t = two_leaves(4); /* 200 GB/s of uplink per leaf group */
    aidc_fabric f;
    CU_ASSERT_FATAL(aidc_fabric_init(&f, &t, 4) == 0);
    aidc_sched_alloc a[2] = {on(0), on(2)}, b[2] = {on(1), on(3)};
    calls = 0;
    CU_ASSERT(aidc_fabric_job_start(&f, 0, a, 2, 0.3, 1e9, record, NULL) == 0);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[0].rate_gbps, 200, 1e-9); /* alone: the whole uplink */
    CU_ASSERT_DOUBLE_EQUAL(speeds[0], expected_speed(0.3, 200.0 / 8), 1e-12);
    CU_ASSERT(aidc_fabric_job_start(&f, 1, b, 2, 0.3, 1e9, record, NULL) == 0);
    /* max-min: two equal demands of 400 on a 200 link get 100 each */
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[0].rate_gbps, 100, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[1].rate_gbps, 100, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(speeds[0], expected_speed(0.3, 100.0 / 8), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(speeds[1], expected_speed(0.3, 100.0 / 8), 1e-12);
    /* the second ends: the first gets the whole uplink back */
    aidc_fabric_job_end(&f, 1, record, NULL);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[0].rate_gbps, 200, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(speeds[0], expected_speed(0.3, 200.0 / 8), 1e-12);
    /* a job in one leaf group shares nothing and is not recomputed */
    uint64_t before = f.speed_updates;
    aidc_sched_alloc local[1] = {on(1)};
    CU_ASSERT(aidc_fabric_job_start(&f, 2, local, 1, 0.3, 1e9, record, NULL) == 0);
    CU_ASSERT_EQUAL(f.speed_updates, before);
    aidc_fabric_fini(&f);
}

static void test_unequal_demands_max_min(void)
{
    /* a 1-GPU-per-node job (demand 50) and an 8-GPU-per-node job (demand
     * 400) on a 200 link: the small one gets its 50, the big one the rest */
    aidc_topology t = two_leaves(4);
    aidc_fabric f;
    CU_ASSERT_FATAL(aidc_fabric_init(&f, &t, 4) == 0);
    aidc_sched_alloc a[2] = {on(0), on(2)};
    aidc_sched_alloc small[2] = {{1, 1, 0, 0}, {3, 1, 0, 0}}; /* one GPU on each node */
    CU_ASSERT(aidc_fabric_job_start(&f, 0, a, 2, 0.3, 1e9, record, NULL) == 0);
    CU_ASSERT(aidc_fabric_job_start(&f, 1, small, 2, 0.3, 1e9, record, NULL) == 0);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[1].demand_gbps, 50, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[1].rate_gbps, 50, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[0].rate_gbps, 150, 1e-9);
    aidc_fabric_fini(&f);
}

/* The real builder: a k=4 fat-tree (2 hosts per edge switch, host link
 * 8 x 50 = 400 GB/s, so an edge switch's uplink pool is 800 / ratio). Jobs
 * on hosts {0,2} and {1,3} both cross edge switches 0 and 1 (pod 0). */
static double fat_tree_pair_rate(double ratio, double *alone)
{
    aidc_topology_cfg c = {0};
    c.kind = AIDC_FABRIC_FAT_TREE;
    c.nodes = 16;
    c.gpus_per_node = 8;
    c.nvlink_domain = 8;
    c.nvlink_gbps = 450;
    c.nic_gbps = 50;
    c.oversubscription = ratio;
    c.k = 4;
    c.alpha_nvlink_us = 1;
    c.alpha_leaf_us = 2;
    c.alpha_spine_us = 4;
    c.alpha_core_us = 5;
    aidc_topology t;
    char err[256];
    if (aidc_topology_build(&t, &c, err, sizeof err) != 0) return -1;
    aidc_fabric f;
    aidc_fabric_init(&f, &t, 2);
    aidc_sched_alloc a[2] = {on(0), on(2)}, b[2] = {on(1), on(3)};
    aidc_fabric_job_start(&f, 0, a, 2, 0.3, 1e9, record, NULL);
    *alone = f.jobs[0].rate_gbps;
    aidc_fabric_job_start(&f, 1, b, 2, 0.3, 1e9, record, NULL);
    double shared = f.jobs[0].rate_gbps;
    CU_ASSERT_DOUBLE_EQUAL(f.jobs[1].rate_gbps, shared, 1e-9);
    aidc_fabric_fini(&f);
    aidc_topology_fini(&t);
    return shared;
}

static void test_fat_tree_sharing(void)
{
    double alone;
    /* 1:1: 800 GB/s carries both demands of 400: neither slows the other */
    CU_ASSERT_DOUBLE_EQUAL(fat_tree_pair_rate(1, &alone), 400, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(alone, 400, 1e-9);
    /* 4:1: 200 GB/s: alone a job gets all 200, together 100 each */
    CU_ASSERT_DOUBLE_EQUAL(fat_tree_pair_rate(4, &alone), 100, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(alone, 200, 1e-9);
}

/* Max-min fairness checked by its definition after every start and end of a
 * random sequence on a 64-node, 16-leaf, 4-pod fabric at 3:1: rates never
 * exceed demands or link capacities, and every job either gets its demand
 * or crosses a saturated link on which no job gets more (its bottleneck).
 * That allocation is unique, so this checks the recomputed components and
 * the untouched jobs alike. */
enum { RN = 64, RLEAVES = 16, RPODS = 4, RJOBS = 400 };
static int32_t r_dom[RN], r_leaf[RN], r_pod[RN];
static double r_leaf_up[RLEAVES], r_pod_up[RPODS];

static void ignore_speed(void *ctx, uint32_t job, double speed)
{
    (void)ctx, (void)job, (void)speed;
}

static int check_max_min(const aidc_fabric *f)
{
    int bad = 0;
    double used[RLEAVES + RPODS] = {0}, top[RLEAVES + RPODS] = {0};
    for (size_t i = 0; i < f->n_jobs; i++) {
        const aidc_fabric_job *j = &f->jobs[i];
        if (!j->active || j->n_links == 0) continue;
        if (j->rate_gbps > j->demand_gbps * (1 + 1e-9) || j->rate_gbps <= 0) bad++;
        for (int32_t k = 0; k < j->n_links; k++) {
            used[j->links[k]] += j->rate_gbps;
            if (j->rate_gbps > top[j->links[k]]) top[j->links[k]] = j->rate_gbps;
        }
    }
    for (int32_t l = 0; l < f->n_links; l++)
        if (used[l] > f->cap_gbps[l] * (1 + 1e-9)) bad++;
    for (size_t i = 0; i < f->n_jobs; i++) {
        const aidc_fabric_job *j = &f->jobs[i];
        if (!j->active || j->n_links == 0 || j->rate_gbps >= j->demand_gbps * (1 - 1e-9)) continue;
        bool bottleneck = false;
        for (int32_t k = 0; k < j->n_links && !bottleneck; k++) {
            int32_t l = j->links[k];
            bottleneck = used[l] >= f->cap_gbps[l] * (1 - 1e-7) && j->rate_gbps >= top[l] * (1 - 1e-9);
        }
        if (!bottleneck) bad++;
    }
    return bad;
}

static void test_random_max_min(void)
{
    aidc_topology t = two_leaves(3);
    for (int i = 0; i < RN; i++) {
        r_dom[i] = i;
        r_leaf[i] = i / (RN / RLEAVES);
        r_pod[i] = i / (RN / RPODS);
    }
    for (int l = 0; l < RLEAVES; l++) r_leaf_up[l] = 4 * 8 * 50 / 3.0;
    for (int p = 0; p < RPODS; p++) r_pod_up[p] = 4 * 4 * 8 * 50 / 6.0; /* 2:1 more above */
    t.cfg.nodes = t.n_nodes = RN;
    t.domain = r_dom;
    t.leaf = r_leaf;
    t.pod = r_pod;
    t.n_domains = RN;
    t.n_leaves = RLEAVES;
    t.n_pods = RPODS;
    t.leaf_up_gbps = r_leaf_up;
    t.pod_up_gbps = r_pod_up;
    aidc_fabric f, lazy; /* lazy: deferred mode, flushed once per step */
    CU_ASSERT_FATAL(aidc_fabric_init(&f, &t, RJOBS) == 0);
    CU_ASSERT_FATAL(aidc_fabric_init(&lazy, &t, RJOBS) == 0);
    lazy.deferred = true;
    int lazy_bad = 0, lazy_stale = 0;
    uint64_t x = 88172645463325252ull; /* xorshift: the same sequence every run */
#define NEXT() (x ^= x << 13, x ^= x >> 7, x ^= x << 17, x)
    int bad = 0, checks = 0, congested_jobs = 0;
    for (uint32_t id = 0; id < RJOBS; id++) {
        /* end a few running jobs first */
        for (uint32_t e = 0; e < id; e++)
            if (f.jobs[e].active && NEXT() % 16 == 0) {
                aidc_fabric_job_end(&f, e, ignore_speed, NULL);
                aidc_fabric_job_end(&lazy, e, ignore_speed, NULL);
                bad += check_max_min(&f);
                checks++;
            }
        int nodes = 2 + (int)(NEXT() % 7), gpus = 1 << (NEXT() % 4);
        aidc_sched_alloc a[8];
        bool used[RN] = {false};
        for (int k = 0; k < nodes; k++) {
            int n;
            do n = (int)(NEXT() % RN);
            while (used[n]);
            used[n] = true;
            a[k] = (aidc_sched_alloc){n, gpus, 0, 0};
        }
        CU_ASSERT_FATAL(aidc_fabric_job_start(&f, id, a, (size_t)nodes, 0.3, 1e9, ignore_speed, NULL) == 0);
        bad += check_max_min(&f);
        checks++;
        /* deferred: the new job runs uncontended until the flush, then every
         * rate is the exact one */
        CU_ASSERT_FATAL(aidc_fabric_job_start(&lazy, id, a, (size_t)nodes, 0.3, 1e9, ignore_speed, NULL) == 0);
        if (lazy.jobs[id].n_links > 0 && lazy.jobs[id].rate_gbps != lazy.jobs[id].demand_gbps) lazy_bad++;
        lazy_stale += lazy.jobs[id].rate_gbps > f.jobs[id].rate_gbps * (1 + 1e-9);
        CU_ASSERT_FATAL(aidc_fabric_flush(&lazy, ignore_speed, NULL) == 0);
        CU_ASSERT(!aidc_fabric_dirty(&lazy));
        for (uint32_t e = 0; e <= id; e++)
            if (f.jobs[e].active && fabs(lazy.jobs[e].rate_gbps - f.jobs[e].rate_gbps) > 1e-9 * f.jobs[e].demand_gbps)
                lazy_bad++;
        for (uint32_t e = 0; e <= id; e++)
            congested_jobs += f.jobs[e].active && f.jobs[e].n_links > 0 &&
                              f.jobs[e].rate_gbps < f.jobs[e].demand_gbps * (1 - 1e-9);
    }
#undef NEXT
    CU_ASSERT(checks > RJOBS);
    CU_ASSERT(congested_jobs > 1000); /* the links did bind: the check had work to do */
    CU_ASSERT_EQUAL(bad, 0);
    CU_ASSERT_EQUAL(lazy_bad, 0);
    CU_ASSERT(lazy_stale > 10); /* between flushes new jobs did run faster than exact */
    aidc_fabric_fini(&f);
    aidc_fabric_fini(&lazy);
}

int test_fabric_register(void)
{
    CU_pSuite s = CU_add_suite("fabric", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "all-reduce formulas", test_formulas) ||
        !CU_add_test(s, "locality; one domain has no inter-node cost",
                     test_locality_and_single_domain) ||
        !CU_add_test(s, "1:1: jobs never slow each other",
                     test_non_oversubscribed_jobs_do_not_slow_each_other) ||
        !CU_add_test(s, "4:1: two jobs share as max-min predicts",
                     test_oversubscribed_jobs_share_max_min) ||
        !CU_add_test(s, "unequal demands: max-min", test_unequal_demands_max_min) ||
        !CU_add_test(s, "fat-tree 1:1 and 4:1 sharing", test_fat_tree_sharing) ||
        !CU_add_test(s, "random starts and ends: rates are max-min fair by definition; deferred mode equals it after each flush",
                     test_random_max_min))
        return -1;
    return 0;
}
