/* cluster — node and GPU bookkeeping; see cluster.h. */
#include "models/cluster.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

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
    c->owner = malloc((size_t)c->total_gpus * sizeof *c->owner);
    c->state = calloc((size_t)c->total_gpus, sizeof *c->state);
    if (!c->nodes || !c->first_gpu || !c->owner || !c->state) {
        aidc_cluster_fini(c);
        return -1;
    }
    for (size_t i = 0; i < n_nodes; i++) {
        int32_t rack = (int32_t)(i / (size_t)nodes_per_rack);
        int32_t domain = (int32_t)(i / (size_t)(shape.nodes_per_domain > 0 ? shape.nodes_per_domain : 1));
        c->nodes[i] = (aidc_sched_node){shape.gpus,    shape.gpus, shape.cpus, shape.cpus,
                                        shape.mem_gib, shape.mem_gib, rack, shape.gpu_type,
                                        domain,        rack,       0};
        c->first_gpu[i] = (int64_t)i * shape.gpus;
    }
    for (int64_t g = 0; g < c->total_gpus; g++) c->owner[g] = -1;
    return 0;
}

void aidc_cluster_fini(aidc_cluster *c)
{
    free(c->nodes);
    free(c->first_gpu);
    free(c->owner);
    free(c->state);
    memset(c, 0, sizeof *c);
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
        nd->gpus_free -= a[i].gpus;
        nd->cpus_free -= a[i].cpus;
        nd->mem_free_gib -= a[i].mem_gib;
        int32_t need = a[i].gpus;
        for (int64_t g = c->first_gpu[a[i].node]; need > 0; g++) {
            if (c->state[g] != AIDC_GPU_FREE) continue;
            c->state[g] = AIDC_GPU_BUSY;
            c->owner[g] = job;
            need--;
        }
        c->busy_gpus += a[i].gpus;
    }
}

void aidc_cluster_release(aidc_cluster *c, int32_t job, const aidc_sched_alloc *a, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        aidc_sched_node *nd = &c->nodes[a[i].node];
        nd->gpus_free += a[i].gpus;
        nd->cpus_free += a[i].cpus;
        nd->mem_free_gib += a[i].mem_gib;
        assert(nd->gpus_free <= nd->gpus_total && nd->cpus_free <= nd->cpus_total);
        int64_t first = c->first_gpu[a[i].node];
        for (int64_t g = first; g < first + nd->gpus_total; g++)
            if (c->owner[g] == job) {
                c->owner[g] = -1;
                c->state[g] = AIDC_GPU_FREE;
            }
        c->busy_gpus -= a[i].gpus;
    }
}
