/* Node index: after random takes, releases, failures and shape changes on a
 * mixed cluster, the index must pick exactly the nodes the placement scans
 * pick (best fit on one node, lowest idle nodes for whole-node jobs), through
 * incremental updates, a change list the host cannot give (rebuild) and a
 * node that changes shape. A host before ABI 1.3 gets no index. */
#include <CUnit/CUnit.h>
#include <string.h>

#include "sched/nodeindex.h"
#include "sched/placement.h"

enum { NN = 300, LOG = 4096 };
static aidc_sched_node nodes[NN];
static int32_t milli[NN * 8];
static int32_t change_log[LOG];
static uint64_t n_changes;
static bool lose_log; /* the next nodes_changed call cannot list the changes */

static size_t h_count(void *ctx)
{
    (void)ctx;
    return NN;
}

static const aidc_sched_node *h_nodes(void *ctx)
{
    (void)ctx;
    return nodes;
}

static long h_changed(void *ctx, uint64_t *cursor, int32_t *out, size_t max_out)
{
    (void)ctx;
    uint64_t from = *cursor, n = n_changes - from;
    *cursor = n_changes;
    if (lose_log || n > max_out || n > LOG) {
        lose_log = false;
        return -1;
    }
    for (uint64_t k = 0; k < n; k++) out[k] = change_log[(from + k) % LOG];
    return (long)n;
}

static void touch(int32_t i) { change_log[n_changes++ % LOG] = i; }

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static void make_nodes(void)
{
    for (int i = 0; i < NN; i++) {
        int32_t g = i % 3 == 2 ? 4 : 8; /* two sizes, two types */
        nodes[i] = (aidc_sched_node){g, g, 64, 64, 512, 512, i / 4, i % 5 == 0 ? 1 : 0, i, i / 16, 0,
                                     &milli[i * 8], 0, 1000 * g};
    }
}

/* One random change to one node, logged; filling, mostly takes, else
 * mostly releases. */
static void mutate(bool filling)
{
    int32_t i = (int32_t)(next() % NN);
    aidc_sched_node *nd = &nodes[i];
    uint32_t r = next() % 8, what = r >= 6 ? r - 4 : filling || r >= 4 ? 0 : 1;
    switch (what) {
    case 0: /* take some GPUs */
        if (nd->gpus_free > 0) nd->gpus_free -= 1 + (int32_t)(next() % (uint32_t)nd->gpus_free);
        break;
    case 1: /* release all */
        nd->gpus_free = nd->gpus_total;
        nd->cpus_free = nd->cpus_total;
        nd->mem_free_gib = nd->mem_total_gib;
        break;
    case 2: /* CPUs or memory taken: the node is no longer idle */
        if (next() % 2) nd->cpus_free = nd->cpus_total - 1;
        else nd->mem_free_gib = nd->mem_total_gib - 0.5;
        break;
    default: /* a GPU fails or comes back */
        if (nd->gpus_free > 0 && next() % 2) nd->gpus_free--;
        else if (nd->gpus_free < nd->gpus_total) nd->gpus_free++;
        break;
    }
    touch(i);
}

static bool same_allocs(const aidc_sched_alloc *a, size_t na, const aidc_sched_alloc *b, size_t nb)
{
    if (na != nb) return false;
    for (size_t k = 0; k < na; k++)
        if (a[k].node != b[k].node || a[k].gpus != b[k].gpus || a[k].cpus != b[k].cpus ||
            a[k].mem_gib != b[k].mem_gib)
            return false;
    return true;
}

/* A 1.3 host over the nodes above: only what the index calls. */
static aidc_sched_host test_host(void)
{
    aidc_sched_host host = {0};
    host.abi_major = AIDC_POLICY_ABI_MAJOR;
    host.abi_minor = AIDC_POLICY_ABI_MINOR;
    host.size = sizeof host;
    host.node_count = h_count;
    host.nodes = h_nodes;
    host.node_size = sizeof(aidc_sched_node);
    host.nodes_changed = h_changed;
    return host;
}

static int outcomes[2][2]; /* [whole][placed] */

static int compare_all(const aidc_node_index *x)
{
    int bad = 0;
    const int32_t sizes[] = {1, 2, 3, 4, 6, 8, 16, 24, 64, 512};
    for (int32_t type = -1; type <= 2; type++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            aidc_sched_job job = {0};
            job.gpus = sizes[s];
            job.gpu_type = type;
            if (!aidc_node_index_answers(x, &job)) {
                bad++;
                continue;
            }
            int32_t largest = aidc_node_index_largest(x, &job);
            if (largest != aidc_place_largest_node(nodes, NN, &job)) bad++;
            bool whole = job.gpus > largest;
            aidc_sched_alloc a[NN], b[NN];
            size_t na = 0, nb = 0;
            bool got = whole ? aidc_node_index_whole(x, nodes, &job, a, NN, &na)
                             : aidc_node_index_one_node(x, &job, a, NN, &na);
            bool want = aidc_place_classed(nodes, NN, &job, AIDC_PLACE_BEST_FIT, whole, b, NN, &nb);
            if (got != want || (got && !same_allocs(a, na, b, nb))) bad++;
            outcomes[whole][want]++;
        }
    return bad;
}

static void test_index_equals_scans(void)
{
    make_nodes();
    n_changes = 0;
    aidc_sched_host host = test_host();
    aidc_node_index x;
    CU_ASSERT_FATAL(aidc_node_index_init(&x, &host, NN) == 0);
    CU_ASSERT(x.usable);
    int bad = 0;
    for (int round = 0; round < 400; round++) {
        int changes = round % 50 == 49 ? NN + 10 : (int)(next() % (round / 40 % 2 == 0 ? 200 : 40)); /* sometimes too many to list */
        for (int c = 0; c < changes; c++) mutate(round / 40 % 2 == 0);
        if (round % 97 == 13) lose_log = true;
        if (round == 200) { /* a node changes shape: the index rebuilds */
            nodes[7].gpus_total = nodes[7].gpus_free = 2;
            nodes[7].milli_free = 2000;
            touch(7);
        }
        aidc_node_index_sync(&x, &host, nodes);
        bad += compare_all(&x);
    }
    CU_ASSERT_EQUAL(bad, 0);
    /* every outcome was compared many times */
    CU_ASSERT(outcomes[0][0] > 100 && outcomes[0][1] > 100 && outcomes[1][0] > 100 && outcomes[1][1] > 100);
    aidc_node_index_fini(&x);

    /* a 1.2 host lists no changes: no index, the scans do the work */
    host.abi_minor = 2;
    CU_ASSERT_FATAL(aidc_node_index_init(&x, &host, NN) == 0);
    CU_ASSERT(!x.usable);
    aidc_node_index_sync(&x, &host, nodes);
    aidc_sched_job one = {0};
    one.gpus = 1;
    one.gpu_type = -1;
    CU_ASSERT(!aidc_node_index_answers(&x, &one));
    aidc_node_index_fini(&x);
}

/* Requests the index must leave to the scans. */
static void test_index_declines(void)
{
    make_nodes();
    aidc_sched_host host = test_host();
    aidc_node_index x;
    CU_ASSERT_FATAL(aidc_node_index_init(&x, &host, NN) == 0);
    aidc_node_index_sync(&x, &host, nodes);
    aidc_sched_job j = {0};
    j.gpus = 1;
    j.gpu_type = -1;
    CU_ASSERT(aidc_node_index_answers(&x, &j));
    j.cpus = 4;
    CU_ASSERT(!aidc_node_index_answers(&x, &j));
    j.cpus = 0;
    j.mem_gib = 1;
    CU_ASSERT(!aidc_node_index_answers(&x, &j));
    j.mem_gib = 0;
    j.gpu_type = AIDC_GPU_TYPE_SET;
    CU_ASSERT(!aidc_node_index_answers(&x, &j));
    aidc_node_index_fini(&x);
    /* a node type past the index's limit: no index at all */
    nodes[3].gpu_type = 9;
    CU_ASSERT_FATAL(aidc_node_index_init(&x, &host, NN) == 0);
    aidc_node_index_sync(&x, &host, nodes);
    j.gpu_type = -1;
    CU_ASSERT(!aidc_node_index_answers(&x, &j));
    aidc_node_index_fini(&x);
}

int test_nodeindex_register(void)
{
    CU_pSuite s = CU_add_suite("nodeindex", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "random changes: the index picks what the scans pick", test_index_equals_scans) ||
        !CU_add_test(s, "requests with CPUs, memory or type sets go to the scans", test_index_declines))
        return -1;
    return 0;
}
