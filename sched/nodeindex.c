/* nodeindex — node sets by free GPUs for fast placement; see nodeindex.h. */
#include "sched/nodeindex.h"

#include "sched/placement.h"

#include <stdlib.h>
#include <string.h>

enum { MAX_TYPES = 8, MAX_GPUS = 64 };

int aidc_node_index_init(aidc_node_index *x, const aidc_sched_host *host, size_t n)
{
    memset(x, 0, sizeof *x);
    x->usable = host->abi_minor >= 3 && host->size >= offsetof(aidc_sched_host, nodes_changed) +
                                                        sizeof host->nodes_changed &&
                host->nodes_changed && n > 0;
    if (!x->usable) return 0;
    x->n = n;
    x->words = (n + 63) / 64;
    x->swords = (x->words + 63) / 64;
    x->bucket = malloc(n * sizeof *x->bucket);
    x->idle = malloc(n);
    x->gpus_total = malloc(n * sizeof *x->gpus_total);
    x->gpu_type = malloc(n * sizeof *x->gpu_type);
    x->changed = malloc(n * sizeof *x->changed);
    if (!x->bucket || !x->idle || !x->gpus_total || !x->gpu_type || !x->changed) {
        aidc_node_index_fini(x);
        return -1;
    }
    return 0;
}

void aidc_node_index_fini(aidc_node_index *x)
{
    free(x->bits);
    free(x->summary);
    free(x->idle_gpus);
    free(x->largest);
    free(x->bucket);
    free(x->idle);
    free(x->gpus_total);
    free(x->gpu_type);
    free(x->changed);
    memset(x, 0, sizeof *x);
}

/* ---- two-level bit sets: a bit per node, a summary bit per non-zero word ---- */

static size_t set_of(const aidc_node_index *x, int32_t group, int32_t set)
{
    return (size_t)group * (size_t)x->n_sets + (size_t)set;
}

static void bit_set(aidc_node_index *x, size_t s, size_t i)
{
    x->bits[s * x->words + i / 64] |= 1ull << (i % 64);
    x->summary[s * x->swords + i / 4096] |= 1ull << (i / 64 % 64);
}

static void bit_clear(aidc_node_index *x, size_t s, size_t i)
{
    uint64_t *w = &x->bits[s * x->words + i / 64];
    *w &= ~(1ull << (i % 64));
    if (*w == 0) x->summary[s * x->swords + i / 4096] &= ~(1ull << (i / 64 % 64));
}

/* The lowest node in set s at or after node i, or n. */
static size_t bit_next(const aidc_node_index *x, size_t s, size_t i)
{
    const uint64_t *bits = &x->bits[s * x->words], *sum = &x->summary[s * x->swords];
    if (i >= x->n) return x->n;
    size_t w = i / 64;
    uint64_t v = bits[w] & (~0ull << (i % 64));
    if (v) return w * 64 + (size_t)__builtin_ctzll(v);
    for (size_t sw = (w + 1) / 64; sw < x->swords; sw++) {
        uint64_t m = sum[sw];
        if (sw == (w + 1) / 64) m &= (w + 1) % 64 ? ~0ull << ((w + 1) % 64) : ~0ull;
        if (m) {
            size_t w2 = sw * 64 + (size_t)__builtin_ctzll(m);
            return w2 * 64 + (size_t)__builtin_ctzll(bits[w2]);
        }
    }
    return x->n;
}

/* ---- nodes in and out ------------------------------------------------------------ */

static void node_add(aidc_node_index *x, const aidc_sched_node *nd, size_t i)
{
    int32_t groups[2] = {0, nd->gpu_type + 1};
    /* room for a request without CPUs or memory: any free GPU count */
    x->bucket[i] = nd->cpus_free >= 0 && nd->mem_free_gib >= 0 ? nd->gpus_free : -1;
    x->idle[i] = aidc_place_node_idle(nd);
    for (int g = 0; g < 2; g++) {
        if (x->bucket[i] >= 0) bit_set(x, set_of(x, groups[g], x->bucket[i]), i);
        if (x->idle[i]) {
            bit_set(x, set_of(x, groups[g], x->max_gpus + 1), i);
            x->idle_gpus[groups[g]] += nd->gpus_total;
        }
    }
}

static void node_remove(aidc_node_index *x, size_t i)
{
    int32_t groups[2] = {0, x->gpu_type[i] + 1};
    for (int g = 0; g < 2; g++) {
        if (x->bucket[i] >= 0) bit_clear(x, set_of(x, groups[g], x->bucket[i]), i);
        if (x->idle[i]) {
            bit_clear(x, set_of(x, groups[g], x->max_gpus + 1), i);
            x->idle_gpus[groups[g]] -= x->gpus_total[i];
        }
    }
}

/* Reads every node afresh; leaves the index unusable when the nodes exceed
 * its limits (or memory runs out: the scans still work). */
static void build(aidc_node_index *x, const aidc_sched_node *nodes)
{
    int32_t types = 0, most = 0;
    for (size_t i = 0; i < x->n; i++) {
        if (nodes[i].gpu_type < 0 || nodes[i].gpu_type >= MAX_TYPES || nodes[i].gpus_total > MAX_GPUS ||
            nodes[i].gpus_total < 0 || nodes[i].gpus_free < 0 || nodes[i].gpus_free > nodes[i].gpus_total) {
            x->usable = x->built = false;
            return;
        }
        if (nodes[i].gpu_type + 1 > types) types = nodes[i].gpu_type + 1;
        if (nodes[i].gpus_total > most) most = nodes[i].gpus_total;
    }
    free(x->bits);
    free(x->summary);
    free(x->idle_gpus);
    free(x->largest);
    x->n_types = types;
    x->max_gpus = most;
    x->n_sets = most + 2;
    size_t sets = (size_t)(types + 1) * (size_t)x->n_sets;
    x->bits = calloc(sets * x->words, sizeof *x->bits);
    x->summary = calloc(sets * x->swords, sizeof *x->summary);
    x->idle_gpus = calloc((size_t)types + 1, sizeof *x->idle_gpus);
    x->largest = calloc((size_t)types + 1, sizeof *x->largest);
    if (!x->bits || !x->summary || !x->idle_gpus || !x->largest) {
        x->usable = x->built = false;
        return;
    }
    for (size_t i = 0; i < x->n; i++) {
        const aidc_sched_node *nd = &nodes[i];
        x->gpus_total[i] = nd->gpus_total;
        x->gpu_type[i] = nd->gpu_type;
        if (nd->gpus_total > x->largest[0]) x->largest[0] = nd->gpus_total;
        if (nd->gpus_total > x->largest[nd->gpu_type + 1]) x->largest[nd->gpu_type + 1] = nd->gpus_total;
        node_add(x, nd, i);
    }
    x->built = true;
}

void aidc_node_index_sync(aidc_node_index *x, const aidc_sched_host *host, const aidc_sched_node *nodes)
{
    if (!x->usable) return;
    long k = host->nodes_changed(host->ctx, &x->cursor, x->changed, x->built ? x->n : 0);
    if (!x->built || k < 0) {
        build(x, nodes);
        return;
    }
    for (long c = 0; c < k; c++) {
        size_t i = (size_t)x->changed[c];
        if (i >= x->n || nodes[i].gpus_total != x->gpus_total[i] || nodes[i].gpu_type != x->gpu_type[i] ||
            nodes[i].gpus_free < 0 || nodes[i].gpus_free > nodes[i].gpus_total) {
            build(x, nodes); /* a node changed shape: sizes and sets afresh */
            return;
        }
        node_remove(x, i);
        node_add(x, &nodes[i], i);
    }
}

/* ---- queries ---------------------------------------------------------------------- */

bool aidc_node_index_answers(const aidc_node_index *x, const aidc_sched_job *job)
{
    return x->usable && x->built && job->cpus <= 0 && job->mem_gib <= 0 && job->gpu_type >= -1 &&
           job->gpus >= 1;
}

/* The job's set group, or -1 when no node has its type. */
static int32_t group_of(const aidc_node_index *x, const aidc_sched_job *job)
{
    return job->gpu_type < x->n_types ? job->gpu_type + 1 : -1;
}

int32_t aidc_node_index_largest(const aidc_node_index *x, const aidc_sched_job *job)
{
    int32_t g = group_of(x, job);
    return g < 0 ? 0 : x->largest[g];
}

bool aidc_node_index_one_node(const aidc_node_index *x, const aidc_sched_job *job,
                              aidc_sched_alloc *out, size_t max_out, size_t *n_out)
{
    int32_t g = group_of(x, job);
    if (g < 0 || max_out < 1) return false;
    for (int32_t f = job->gpus; f <= x->max_gpus; f++) {
        size_t i = bit_next(x, set_of(x, g, f), 0);
        if (i < x->n) {
            out[0] = (aidc_sched_alloc){(int32_t)i, job->gpus, job->cpus, job->mem_gib};
            *n_out = 1;
            return true;
        }
    }
    return false;
}

bool aidc_node_index_whole(const aidc_node_index *x, const aidc_sched_node *nodes,
                           const aidc_sched_job *job, aidc_sched_alloc *out, size_t max_out,
                           size_t *n_out)
{
    int32_t g = group_of(x, job);
    if (g < 0 || x->idle_gpus[g] < job->gpus) return false;
    size_t s = set_of(x, g, x->max_gpus + 1), k = 0;
    int64_t gpus = 0;
    for (size_t i = bit_next(x, s, 0); i < x->n && gpus < job->gpus; i = bit_next(x, s, i + 1)) {
        if (k == max_out) return false;
        out[k++] = (aidc_sched_alloc){(int32_t)i, nodes[i].gpus_total, nodes[i].cpus_total,
                                      nodes[i].mem_total_gib};
        gpus += nodes[i].gpus_total;
    }
    if (gpus < job->gpus) return false;
    *n_out = k;
    return true;
}
