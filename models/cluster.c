/* cluster — node and GPU bookkeeping; see cluster.h. */
#include "models/cluster.h"

#include "sched/placement.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Every GPU free and unowned, and the node views' pointers into the per-GPU free
 * capacities (both callers assert at least one GPU). */
static int init_gpus(aidc_cluster *c)
{
    c->gpu_free_milli = malloc((size_t)c->total_gpus * sizeof *c->gpu_free_milli);
    /* room for a pass's worth of changes: more than a node count of them is
     * read as "everything changed" anyway */
    c->changes_cap = c->n_nodes < 1024 ? 1024 : c->n_nodes;
    c->changes = malloc(c->changes_cap * sizeof *c->changes);
    if (!c->gpu_free_milli || !c->changes) return -1;
    for (int64_t g = 0; g < c->total_gpus; g++) {
        c->owner[g] = -1;
        c->gpu_free_milli[g] = 1000;
    }
    for (size_t i = 0; i < c->n_nodes; i++) {
        c->nodes[i].gpu_free_milli = &c->gpu_free_milli[c->first_gpu[i]];
        c->nodes[i].gpus_shared = 0;
        c->nodes[i].milli_free = 1000 * c->nodes[i].gpus_total;
    }
    return 0;
}

int aidc_cluster_init_pools(aidc_cluster *c, const aidc_node_shape *shapes, const int64_t *counts,
                            const int32_t *nodes_per_rack, size_t n_pools)
{
    memset(c, 0, sizeof *c);
    for (size_t p = 0; p < n_pools; p++) {
        assert(counts[p] > 0 && shapes[p].gpus > 0 && nodes_per_rack[p] > 0);
        c->n_nodes += (size_t)counts[p];
        c->total_gpus += counts[p] * shapes[p].gpus;
    }
    c->nodes = calloc(c->n_nodes, sizeof *c->nodes);
    c->first_gpu = calloc(c->n_nodes, sizeof *c->first_gpu);
    c->pool = calloc(c->n_nodes, sizeof *c->pool);
    c->owner = malloc((size_t)c->total_gpus * sizeof *c->owner);
    c->state = calloc((size_t)c->total_gpus, sizeof *c->state);
    if (!c->nodes || !c->first_gpu || !c->pool || !c->owner || !c->state) {
        aidc_cluster_fini(c);
        return -1;
    }
    size_t i = 0;
    int64_t gpu = 0;
    int32_t rack = 0, domain = 0;
    for (size_t p = 0; p < n_pools; p++) {
        aidc_node_shape sh = shapes[p];
        int32_t per_domain = sh.nodes_per_domain > 0 ? sh.nodes_per_domain : 1;
        for (int64_t k = 0; k < counts[p]; k++, i++) {
            int32_t r = rack + (int32_t)(k / nodes_per_rack[p]);
            int32_t d = domain + (int32_t)(k / per_domain);
            c->nodes[i] = (aidc_sched_node){sh.gpus, sh.gpus, sh.cpus, sh.cpus, sh.mem_gib,
                                            sh.mem_gib, r, sh.gpu_type, d, r, 0, NULL, 0, 0};
            c->first_gpu[i] = gpu;
            c->pool[i] = (int32_t)p;
            gpu += sh.gpus;
        }
        rack += (int32_t)((counts[p] + nodes_per_rack[p] - 1) / nodes_per_rack[p]);
        domain += (int32_t)((counts[p] + per_domain - 1) / per_domain);
    }
    c->n_racks = rack;
    if (init_gpus(c)) {
        aidc_cluster_fini(c);
        return -1;
    }
    return 0;
}

int aidc_cluster_init(aidc_cluster *c, size_t n_nodes, aidc_node_shape shape,
                      int32_t nodes_per_rack)
{
    memset(c, 0, sizeof *c);
    assert(n_nodes > 0 && shape.gpus > 0 && nodes_per_rack > 0);
    c->n_nodes = n_nodes;
    c->total_gpus = (int64_t)n_nodes * shape.gpus;
    c->n_racks = (int32_t)((n_nodes + (size_t)nodes_per_rack - 1) / (size_t)nodes_per_rack);
    c->nodes = calloc(n_nodes, sizeof *c->nodes);
    c->first_gpu = calloc(n_nodes, sizeof *c->first_gpu);
    c->pool = calloc(n_nodes, sizeof *c->pool); /* all pool 0 */
    c->owner = malloc((size_t)c->total_gpus * sizeof *c->owner);
    c->state = calloc((size_t)c->total_gpus, sizeof *c->state);
    if (!c->nodes || !c->first_gpu || !c->pool || !c->owner || !c->state) {
        aidc_cluster_fini(c);
        return -1;
    }
    for (size_t i = 0; i < n_nodes; i++) {
        int32_t rack = (int32_t)(i / (size_t)nodes_per_rack);
        int32_t domain = (int32_t)(i / (size_t)(shape.nodes_per_domain > 0 ? shape.nodes_per_domain : 1));
        c->nodes[i] = (aidc_sched_node){shape.gpus,    shape.gpus, shape.cpus, shape.cpus,
                                        shape.mem_gib, shape.mem_gib, rack, shape.gpu_type,
                                        domain,        rack,       0, NULL, 0, 0};
        c->first_gpu[i] = (int64_t)i * shape.gpus;
    }
    if (init_gpus(c)) {
        aidc_cluster_fini(c);
        return -1;
    }
    return 0;
}

void aidc_cluster_fini(aidc_cluster *c)
{
    free(c->nodes);
    free(c->first_gpu);
    free(c->owner);
    free(c->state);
    free(c->gpu_free_milli);
    free(c->pool);
    free(c->changes);
    memset(c, 0, sizeof *c);
}

long aidc_cluster_changes_since(const aidc_cluster *c, uint64_t *cursor, int32_t *out,
                                size_t max_out)
{
    uint64_t from = *cursor, n = c->changes_total - from;
    *cursor = c->changes_total;
    if (n > max_out || n > c->changes_cap) return -1;
    for (uint64_t k = 0; k < n; k++) out[k] = c->changes[(from + k) % c->changes_cap];
    return (long)n;
}

bool aidc_cluster_can_take(const aidc_cluster *c, const aidc_sched_alloc *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i].node < 0 || (size_t)a[i].node >= c->n_nodes || a[i].gpus < 0 || a[i].cpus < 0 ||
            !(a[i].mem_gib >= 0))
            return false;
        /* the same node twice would pass each check alone */
        for (size_t k = 0; k < i; k++)
            if (a[k].node == a[i].node) return false;
        const aidc_sched_node *nd = &c->nodes[a[i].node];
        if (nd->gpus_free < a[i].gpus || nd->cpus_free < a[i].cpus ||
            nd->mem_free_gib < a[i].mem_gib)
            return false;
    }
    return n > 0;
}

void aidc_cluster_take(aidc_cluster *c, int32_t job, const aidc_sched_alloc *a, size_t n)
{
    assert(aidc_cluster_can_take(c, a, n));
    for (size_t i = 0; i < n; i++) {
        aidc_sched_node *nd = &c->nodes[a[i].node];
        aidc_cluster_touch(c, a[i].node);
        nd->gpus_free -= a[i].gpus;
        nd->cpus_free -= a[i].cpus;
        nd->mem_free_gib -= a[i].mem_gib;
        int32_t need = a[i].gpus;
        for (int64_t g = c->first_gpu[a[i].node]; need > 0; g++) {
            if (c->state[g] != AIDC_GPU_FREE) continue;
            c->state[g] = AIDC_GPU_BUSY;
            c->owner[g] = job;
            c->gpu_free_milli[g] = 0;
            need--;
        }
        c->busy_gpus += a[i].gpus;
        c->busy_milli += 1000 * (int64_t)a[i].gpus;
        nd->milli_free -= 1000 * a[i].gpus;
    }
}

void aidc_cluster_release(aidc_cluster *c, int32_t job, const aidc_sched_alloc *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        aidc_sched_node *nd = &c->nodes[a[i].node];
        aidc_cluster_touch(c, a[i].node);
        nd->gpus_free += a[i].gpus;
        nd->cpus_free += a[i].cpus;
        nd->mem_free_gib += a[i].mem_gib;
        assert(nd->gpus_free <= nd->gpus_total && nd->cpus_free <= nd->cpus_total);
        int64_t first = c->first_gpu[a[i].node];
        for (int64_t g = first; g < first + nd->gpus_total; g++)
            if (c->owner[g] == job) {
                c->owner[g] = -1;
                c->state[g] = AIDC_GPU_FREE;
                c->gpu_free_milli[g] = 1000;
            }
        c->busy_gpus -= a[i].gpus;
        c->busy_milli -= 1000 * (int64_t)a[i].gpus;
        nd->milli_free += 1000 * a[i].gpus;
    }
}

bool aidc_cluster_can_share(const aidc_cluster *c, const aidc_sched_share *sh)
{
    if (sh->node < 0 || (size_t)sh->node >= c->n_nodes || sh->milli < 1 || sh->milli > 1000 ||
        sh->cpus < 0 || !(sh->mem_gib >= 0))
        return false;
    const aidc_sched_node *nd = &c->nodes[sh->node];
    if (sh->gpu < 0 || sh->gpu >= nd->gpus_total) return false;
    int64_t g = c->first_gpu[sh->node] + sh->gpu;
    return c->state[g] != AIDC_GPU_FAILED && c->gpu_free_milli[g] >= sh->milli &&
           nd->cpus_free >= sh->cpus && nd->mem_free_gib >= sh->mem_gib;
}

void aidc_cluster_take_share(aidc_cluster *c, const aidc_sched_share *sh)
{
    assert(aidc_cluster_can_share(c, sh));
    aidc_sched_node *nd = &c->nodes[sh->node];
    aidc_cluster_touch(c, sh->node);
    int64_t g = c->first_gpu[sh->node] + sh->gpu;
    if (c->gpu_free_milli[g] == 1000) {
        c->state[g] = AIDC_GPU_BUSY;
        c->owner[g] = AIDC_GPU_SHARED;
        c->busy_gpus++;
    }
    aidc_place_share_apply(nd, &c->gpu_free_milli[c->first_gpu[sh->node]], sh->gpu, sh->milli, -1);
    nd->cpus_free -= sh->cpus;
    nd->mem_free_gib -= sh->mem_gib;
    c->busy_milli += sh->milli;
}

void aidc_cluster_release_share(aidc_cluster *c, const aidc_sched_share *sh)
{
    aidc_sched_node *nd = &c->nodes[sh->node];
    aidc_cluster_touch(c, sh->node);
    int64_t g = c->first_gpu[sh->node] + sh->gpu;
    aidc_place_share_apply(nd, &c->gpu_free_milli[c->first_gpu[sh->node]], sh->gpu, sh->milli, +1);
    nd->cpus_free += sh->cpus;
    nd->mem_free_gib += sh->mem_gib;
    assert(nd->cpus_free <= nd->cpus_total);
    c->busy_milli -= sh->milli;
    if (c->gpu_free_milli[g] == 1000) {
        c->state[g] = AIDC_GPU_FREE;
        c->owner[g] = -1;
        c->busy_gpus--;
    }
}
