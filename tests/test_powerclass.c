/* Power classes: nodes grouped by GPU count and busy GPUs per kind, counts
 * kept through starts and ends, and IT power summed by class matching the
 * node-by-node sum to rounding. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdlib.h>

#include "models/powerclass.h"

typedef struct node {
    int32_t gpus, rack;
} node;

/* IT power node by node, as the engine sums it. */
static double it_by_node(const aidc_powerclass *p, const aidc_power_cfg *c, const double *per)
{
    double it = 0;
    for (size_t i = 0; i < p->n_nodes; i++) {
        const int32_t *b = &p->busy[i * AIDC_KIND_COUNT];
        double dc = c->node_base_w + p->keys[p->node_class[i]].gpus_total * c->gpu_idle_w;
        for (int k = 0; k < AIDC_KIND_COUNT; k++)
            dc += b[k] * (per[k] - c->gpu_idle_w);
        it += aidc_power_node_ac_w(c, dc);
    }
    return it;
}

static void test_classes_follow_starts_and_ends(void)
{
    node nodes[10];
    for (int i = 0; i < 10; i++)
        nodes[i] = (node){i < 8 ? 8 : 4, i / 4};
    aidc_powerclass p;
    CU_ASSERT_FATAL(
        aidc_powerclass_init(&p, 10, &nodes[0].gpus, sizeof nodes[0], &nodes[0].rack, 3) == 0);
    CU_ASSERT_EQUAL(p.n_classes, 2); /* idle 8-GPU and idle 4-GPU nodes */
    CU_ASSERT_EQUAL(p.count[p.node_class[0]], 8);
    CU_ASSERT_EQUAL(p.count[p.node_class[9]], 2);
    CU_ASSERT_EQUAL(p.max_nodes_per_rack, 4);
    CU_ASSERT_EQUAL(p.max_node_gpus, 8);
    /* two nodes take 3 training GPUs each: one new class of 2 nodes */
    CU_ASSERT(aidc_powerclass_add(&p, 0, AIDC_KIND_TRAINING, 3) == 0);
    CU_ASSERT(aidc_powerclass_add(&p, 5, AIDC_KIND_TRAINING, 3) == 0);
    CU_ASSERT_EQUAL(p.node_class[0], p.node_class[5]);
    CU_ASSERT_EQUAL(p.count[p.node_class[0]], 2);
    CU_ASSERT_EQUAL(p.count[p.node_class[1]], 6);
    /* an inference job on node 0 makes it differ from node 5 */
    CU_ASSERT(aidc_powerclass_add(&p, 0, AIDC_KIND_INFERENCE, 2) == 0);
    CU_ASSERT_NOT_EQUAL(p.node_class[0], p.node_class[5]);
    CU_ASSERT_EQUAL(p.busy[0 * AIDC_KIND_COUNT + AIDC_KIND_INFERENCE], 2);
    /* both end: node 0 is back in node 5's class, then both back to idle */
    CU_ASSERT(aidc_powerclass_add(&p, 0, AIDC_KIND_INFERENCE, -2) == 0);
    CU_ASSERT_EQUAL(p.node_class[0], p.node_class[5]);
    CU_ASSERT(aidc_powerclass_add(&p, 0, AIDC_KIND_TRAINING, -3) == 0);
    CU_ASSERT(aidc_powerclass_add(&p, 5, AIDC_KIND_TRAINING, -3) == 0);
    CU_ASSERT_EQUAL(p.node_class[0], p.node_class[1]);
    CU_ASSERT_EQUAL(p.count[p.node_class[0]], 8);
    int64_t total = 0;
    for (size_t k = 0; k < p.n_classes; k++)
        total += p.count[k];
    CU_ASSERT_EQUAL(total, 10);
    aidc_powerclass_fini(&p);
}

static void test_it_sum_matches_node_by_node(void)
{
    enum { N = 2000 };
    node *nodes = malloc(N * sizeof *nodes);
    CU_ASSERT_FATAL(nodes != NULL);
    for (int i = 0; i < N; i++)
        nodes[i] = (node){8, i / 4};
    aidc_powerclass p;
    CU_ASSERT_FATAL(
        aidc_powerclass_init(&p, N, &nodes[0].gpus, sizeof nodes[0], &nodes[0].rack, N / 4) == 0);
    aidc_power_cfg c;
    aidc_power_defaults(&c, 700, 85, 2800, 10200);
    /* a deterministic mix of kinds and sizes */
    unsigned x = 12345;
    for (int i = 0; i < N; i++) {
        int used = 0;
        for (int k = 0; k < AIDC_KIND_COUNT && used < 8; k++) {
            x = x * 1103515245u + 12345u;
            int g = (int)((x >> 16) % (unsigned)(9 - used));
            if (g) CU_ASSERT(aidc_powerclass_add(&p, i, k, g) == 0);
            used += g;
        }
    }
    CU_ASSERT(p.n_classes <=
              495); /* at most the C(12,4) busy mixes of an 8-GPU node, not one per node */
    for (double f = 0.5; f <= 1.0; f += 0.125) {
        double per[AIDC_KIND_COUNT];
        for (int k = 0; k < AIDC_KIND_COUNT; k++)
            per[k] = aidc_power_gpu_w(&c, (aidc_job_kind)k, f >= 1 ? 0 : f * 700);
        double exact = it_by_node(&p, &c, per);
        double fast = aidc_powerclass_it_w(&p, &c, c.node_base_w, per, NULL, 0);
        CU_ASSERT(fabs(fast - exact) <= 1e-12 * exact);
        /* leaving two nodes out removes exactly their draw */
        int32_t skip[2] = {7, 1500};
        double left = aidc_powerclass_it_w(&p, &c, c.node_base_w, per, skip, 2);
        double d7 =
            aidc_power_node_ac_w(&c, aidc_powerclass_node_dc_w(&p.keys[p.node_class[7]],
                                                               c.node_base_w, c.gpu_idle_w, per));
        double d1500 =
            aidc_power_node_ac_w(&c, aidc_powerclass_node_dc_w(&p.keys[p.node_class[1500]],
                                                               c.node_base_w, c.gpu_idle_w, per));
        CU_ASSERT(fabs(left + d7 + d1500 - exact) <= 1e-12 * exact);
        CU_ASSERT(d7 > 3000 && d7 < 10200);
    }
    aidc_powerclass_fini(&p);
    free(nodes);
}

int test_powerclass_register(void)
{
    CU_pSuite s = CU_add_suite("powerclass", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "classes follow starts and ends", test_classes_follow_starts_and_ends) ||
        !CU_add_test(s, "IT sum by class matches node by node", test_it_sum_matches_node_by_node))
        return -1;
    return 0;
}
