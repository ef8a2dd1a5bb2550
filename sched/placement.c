/* placement — whole-GPU placement over the node view; see placement.h. */
#include "sched/placement.h"

#include <assert.h>

static bool type_ok(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return job->gpu_type < 0 || nd->gpu_type == job->gpu_type;
}

static bool node_is_idle(const aidc_sched_node *nd)
{
    return nd->gpus_free == nd->gpus_total && nd->cpus_free == nd->cpus_total &&
           nd->mem_free_gib >= nd->mem_total_gib;
}

/* The largest node a job of this type could use: jobs up to this size run in
 * one node, larger ones take whole nodes. */
static int32_t largest_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job)
{
    int32_t best = 0;
    for (size_t i = 0; i < n; i++)
        if (type_ok(&nodes[i], job) && nodes[i].gpus_total > best) best = nodes[i].gpus_total;
    return best;
}

static bool place_in_one_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                              aidc_sched_alloc *out, size_t max_out, size_t *n_out)
{
    size_t best = n;
    for (size_t i = 0; i < n; i++) {
        const aidc_sched_node *nd = &nodes[i];
        if (!type_ok(nd, job) || nd->gpus_free < job->gpus || nd->cpus_free < job->cpus ||
            nd->mem_free_gib < job->mem_gib)
            continue;
        if (best == n || nd->gpus_free < nodes[best].gpus_free) best = i;
        if (nd->gpus_free == job->gpus) break; /* a perfect fit cannot be beaten */
    }
    if (best == n || max_out < 1) return false;
    out[0] = (aidc_sched_alloc){(int32_t)best, job->gpus, job->cpus, job->mem_gib};
    *n_out = 1;
    return true;
}

static bool place_whole_nodes(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                              aidc_sched_alloc *out, size_t max_out, size_t *n_out)
{
    int64_t gpus = 0, cpus = 0;
    double mem = 0;
    size_t k = 0;
    for (size_t i = 0; i < n && gpus < job->gpus; i++) {
        const aidc_sched_node *nd = &nodes[i];
        if (!type_ok(nd, job) || !node_is_idle(nd) || nd->gpus_total == 0) continue;
        if (k == max_out) return false;
        out[k++] = (aidc_sched_alloc){(int32_t)i, nd->gpus_total, nd->cpus_total, nd->mem_total_gib};
        gpus += nd->gpus_total;
        cpus += nd->cpus_total;
        mem += nd->mem_total_gib;
    }
    if (gpus < job->gpus || cpus < job->cpus || mem < job->mem_gib) return false;
    *n_out = k;
    return true;
}

bool aidc_place_whole(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                      aidc_sched_alloc *out, size_t max_out, size_t *n_out)
{
    assert(job->gpus >= 1);
    if (job->gpus <= largest_node(nodes, n, job))
        return place_in_one_node(nodes, n, job, out, max_out, n_out);
    return place_whole_nodes(nodes, n, job, out, max_out, n_out);
}

void aidc_place_apply(aidc_sched_node *nodes, const aidc_sched_alloc *alloc, size_t n_alloc,
                      int sign)
{
    assert(sign == 1 || sign == -1);
    for (size_t i = 0; i < n_alloc; i++) {
        aidc_sched_node *nd = &nodes[alloc[i].node];
        nd->gpus_free += sign * alloc[i].gpus;
        nd->cpus_free += sign * alloc[i].cpus;
        nd->mem_free_gib += sign * alloc[i].mem_gib;
        assert(nd->gpus_free >= 0 && nd->gpus_free <= nd->gpus_total);
    }
}

bool aidc_place_possible(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job)
{
    int32_t largest = largest_node(nodes, n, job);
    if (largest == 0) return false;
    if (job->gpus <= largest) {
        for (size_t i = 0; i < n; i++)
            if (type_ok(&nodes[i], job) && nodes[i].gpus_total >= job->gpus &&
                nodes[i].cpus_total >= job->cpus && nodes[i].mem_total_gib >= job->mem_gib)
                return true;
        return false;
    }
    int64_t gpus = 0, cpus = 0;
    double mem = 0;
    for (size_t i = 0; i < n; i++)
        if (type_ok(&nodes[i], job)) {
            gpus += nodes[i].gpus_total;
            cpus += nodes[i].cpus_total;
            mem += nodes[i].mem_total_gib;
        }
    return gpus >= job->gpus && cpus >= job->cpus && mem >= job->mem_gib;
}
