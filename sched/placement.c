/* placement — whole-GPU placement over the node view; see placement.h. */
#include "sched/placement.h"

#include <assert.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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

bool aidc_place_fits_one_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job)
{
    for (size_t i = 0; i < n; i++)
        if (type_ok(&nodes[i], job) && nodes[i].gpus_total >= job->gpus) return true;
    return false;
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
    if (aidc_place_fits_one_node(nodes, n, job))
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

/* ---- strategies over the locality labels -------------------------------- */

static const char *const strategy_names[] = {"best-fit", "topology-aware", "spread"};

int aidc_place_strategy_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, strategy_names[i]) == 0) return i;
    return -1;
}

const char *aidc_place_strategy_name(aidc_place_strategy s) { return strategy_names[s]; }

static int32_t label(const aidc_sched_node *nd, int level)
{
    switch (level) {
    case AIDC_LEVEL_DOMAIN:
        return nd->domain;
    case AIDC_LEVEL_LEAF:
        return nd->leaf;
    case AIDC_LEVEL_POD:
        return nd->pod;
    default:
        return 0;
    }
}

static bool whole_node_job(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job)
{
    return !aidc_place_fits_one_node(nodes, n, job);
}

static bool idle_fit(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return type_ok(nd, job) && node_is_idle(nd) && nd->gpus_total > 0;
}

static bool room_for(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return type_ok(nd, job) && nd->gpus_free >= job->gpus && nd->cpus_free >= job->cpus &&
           nd->mem_free_gib >= job->mem_gib;
}

bool aidc_place_node_has_room(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return room_for(nd, job);
}

bool aidc_place_node_idle_fit(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return idle_fit(nd, job);
}

/* Per group at `level`: idle-node GPUs (for whole-node jobs) or whether one
 * node has room, and free GPUs. Arrays sized max label + 1; caller frees. */
typedef struct groups {
    int32_t n;
    int64_t *idle_gpus;
    int64_t *free_gpus;
    uint8_t *has_room;
} groups;

static bool groups_count(groups *g, const aidc_sched_node *nodes, size_t n,
                         const aidc_sched_job *job, int level)
{
    int32_t max = -1;
    for (size_t i = 0; i < n; i++)
        if (label(&nodes[i], level) > max) max = label(&nodes[i], level);
    g->n = max + 1;
    g->idle_gpus = calloc((size_t)g->n + 1, sizeof *g->idle_gpus);
    g->free_gpus = calloc((size_t)g->n + 1, sizeof *g->free_gpus);
    g->has_room = calloc((size_t)g->n + 1, 1);
    if (!g->idle_gpus || !g->free_gpus || !g->has_room) return false;
    for (size_t i = 0; i < n; i++) {
        int32_t k = label(&nodes[i], level);
        if (k < 0) continue;
        g->free_gpus[k] += nodes[i].gpus_free;
        if (idle_fit(&nodes[i], job)) g->idle_gpus[k] += nodes[i].gpus_total;
        if (room_for(&nodes[i], job)) g->has_room[k] = 1;
    }
    return true;
}

static void groups_free(groups *g)
{
    free(g->idle_gpus);
    free(g->free_gpus);
    free(g->has_room);
}

typedef struct ranked {
    int64_t free_gpus;
    int32_t group;
} ranked;

static int by_fit(const void *a, const void *b)
{
    const ranked *x = a, *y = b;
    if (x->free_gpus != y->free_gpus) return x->free_gpus < y->free_gpus ? -1 : 1;
    return (x->group > y->group) - (x->group < y->group);
}

size_t aidc_place_rank_groups(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                              int level, int32_t *out, size_t max_out)
{
    groups g;
    size_t k = 0;
    ranked *r = NULL;
    if (groups_count(&g, nodes, n, job, level) && (r = malloc(((size_t)g.n + 1) * sizeof *r))) {
        bool whole = whole_node_job(nodes, n, job);
        for (int32_t q = 0; q < g.n; q++)
            if (whole ? g.idle_gpus[q] >= job->gpus : g.has_room[q])
                r[k++] = (ranked){g.free_gpus[q], q};
        qsort(r, k, sizeof *r, by_fit);
        if (k > max_out) k = max_out;
        for (size_t i = 0; i < k; i++) out[i] = r[i].group;
    }
    free(r);
    groups_free(&g);
    return k;
}

int32_t aidc_place_smallest_group(const aidc_sched_node *nodes, size_t n,
                                  const aidc_sched_job *job, int level)
{
    int32_t best;
    return aidc_place_rank_groups(nodes, n, job, level, &best, 1) ? best : -1;
}

/* Takes idle nodes of group `grp` at `level` (lowest index first) until the
 * job's GPUs are covered. */
static bool take_idle_in_group(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                               int level, int32_t grp, aidc_sched_alloc *out, size_t max_out,
                               size_t *n_out)
{
    int64_t gpus = 0;
    size_t k = 0;
    for (size_t i = 0; i < n && gpus < job->gpus; i++) {
        const aidc_sched_node *nd = &nodes[i];
        if (label(nd, level) != grp || !idle_fit(nd, job)) continue;
        if (k == max_out) return false;
        out[k++] = (aidc_sched_alloc){(int32_t)i, nd->gpus_total, nd->cpus_total, nd->mem_total_gib};
        gpus += nd->gpus_total;
    }
    *n_out = k;
    return gpus >= job->gpus;
}

/* Idle nodes taken group by group: fullest groups first (topology-aware:
 * span as few as possible) or one node per group in turn (spread). */
static bool take_idle_across(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                             bool spread, aidc_sched_alloc *out, size_t max_out, size_t *n_out)
{
    groups g;
    bool ok = groups_count(&g, nodes, n, job, AIDC_LEVEL_LEAF);
    int32_t *cursor = ok ? calloc((size_t)g.n + 1, sizeof *cursor) : NULL;
    uint8_t *used = ok ? calloc((size_t)g.n + 1, 1) : NULL;
    ok = ok && cursor && used;
    int64_t gpus = 0;
    size_t k = 0;
    while (ok && gpus < job->gpus) {
        /* the next group: most idle GPUs left (topology-aware), or the next
         * group with any idle node, round-robin (spread) */
        int32_t pick = -1;
        for (int32_t q = 0; q < g.n; q++) {
            if (g.idle_gpus[q] <= 0) continue;
            if (spread ? (pick < 0 || used[q] < used[pick]) : (pick < 0 || g.idle_gpus[q] > g.idle_gpus[pick]))
                pick = q;
        }
        if (pick < 0) break;
        /* take one node (spread) or all its idle nodes (topology-aware) */
        for (size_t i = (size_t)cursor[pick]; i < n && gpus < job->gpus; i++) {
            const aidc_sched_node *nd = &nodes[i];
            cursor[pick] = (int32_t)i + 1;
            if (nd->leaf != pick || !idle_fit(nd, job)) continue;
            if (k == max_out) {
                ok = false;
                break;
            }
            out[k++] = (aidc_sched_alloc){(int32_t)i, nd->gpus_total, nd->cpus_total, nd->mem_total_gib};
            gpus += nd->gpus_total;
            g.idle_gpus[pick] -= nd->gpus_total;
            used[pick]++;
            if (spread) break;
        }
        if (!spread) g.idle_gpus[pick] = 0;
    }
    groups_free(&g);
    free(cursor);
    free(used);
    *n_out = k;
    return ok && gpus >= job->gpus;
}

bool aidc_place(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                aidc_place_strategy strategy, aidc_sched_alloc *out, size_t max_out,
                size_t *n_out)
{
    if (strategy == AIDC_PLACE_BEST_FIT) return aidc_place_whole(nodes, n, job, out, max_out, n_out);
    return aidc_place_classed(nodes, n, job, strategy, whole_node_job(nodes, n, job), out, max_out,
                              n_out);
}

bool aidc_place_classed(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                        aidc_place_strategy strategy, bool whole, aidc_sched_alloc *out,
                        size_t max_out, size_t *n_out)
{
    if (strategy == AIDC_PLACE_BEST_FIT)
        return whole ? place_whole_nodes(nodes, n, job, out, max_out, n_out)
                     : place_in_one_node(nodes, n, job, out, max_out, n_out);
    if (!whole) {
        if (strategy == AIDC_PLACE_TOPOLOGY_AWARE)
            return place_in_one_node(nodes, n, job, out, max_out, n_out);
        /* spread: the node with room in the leaf group with the most free GPUs */
        int32_t grp = -1;
        groups g;
        if (groups_count(&g, nodes, n, job, AIDC_LEVEL_LEAF))
            for (int32_t q = 0; q < g.n; q++)
                if (g.has_room[q] && (grp < 0 || g.free_gpus[q] > g.free_gpus[grp])) grp = q;
        groups_free(&g);
        for (size_t i = 0; grp >= 0 && i < n && max_out > 0; i++)
            if (nodes[i].leaf == grp && room_for(&nodes[i], job)) {
                out[0] = (aidc_sched_alloc){(int32_t)i, job->gpus, job->cpus, job->mem_gib};
                *n_out = 1;
                return true;
            }
        return false;
    }
    if (strategy == AIDC_PLACE_TOPOLOGY_AWARE)
        for (int level = AIDC_LEVEL_DOMAIN; level <= AIDC_LEVEL_POD; level++) {
            int32_t grp = aidc_place_smallest_group(nodes, n, job, level);
            if (grp >= 0) return take_idle_in_group(nodes, n, job, level, grp, out, max_out, n_out);
        }
    return take_idle_across(nodes, n, job, strategy == AIDC_PLACE_SPREAD, out, max_out, n_out);
}

int aidc_place_distance(const aidc_sched_node *nodes, const aidc_sched_alloc *a, size_t na,
                        const aidc_sched_alloc *b, size_t nb)
{
    int worst = 0;
    for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++) {
            const aidc_sched_node *x = &nodes[a[i].node], *y = &nodes[b[j].node];
            int d = a[i].node == b[j].node ? 0
                    : x->domain == y->domain ? 1
                    : x->leaf == y->leaf     ? 2
                    : x->pod == y->pod       ? 3
                                             : 4;
            if (d > worst) worst = d;
        }
    return worst;
}

int aidc_place_params(const char *policy, const aidc_policy_params *params,
                      const char *const *also_allowed, aidc_place_strategy *out, char *err,
                      size_t errlen)
{
    *out = AIDC_PLACE_BEST_FIT;
    for (size_t i = 0; i < params->n; i++) {
        const aidc_policy_param *p = &params->items[i];
        if (strcmp(p->key, "placement") == 0) {
            int s = p->type == AIDC_PARAM_STRING ? aidc_place_strategy_parse(p->string) : -1;
            if (s < 0) {
                snprintf(err, errlen,
                         "policy \"%s\": \"placement\" must be \"best-fit\", "
                         "\"topology-aware\" or \"spread\"",
                         policy);
                return -1;
            }
            *out = (aidc_place_strategy)s;
            continue;
        }
        bool known = false;
        for (size_t k = 0; also_allowed && also_allowed[k]; k++)
            known = known || strcmp(p->key, also_allowed[k]) == 0;
        if (!known) {
            snprintf(err, errlen, "policy \"%s\" has no parameter \"%s\" (it takes: placement)",
                     policy, p->key);
            return -1;
        }
    }
    return 0;
}
