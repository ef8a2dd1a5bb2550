/* placement — whole-GPU placement over the node view; see placement.h. */
#include "sched/placement.h"

#include <assert.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Whether node nd has a GPU type a request accepts: any (-1, the common case, one test),
 * one type, or one of a set (-2, mask as gpu_type_mask). */
static inline bool type_accepts(const aidc_sched_node *nd, int32_t gpu_type, uint64_t mask)
{
    if (gpu_type == -1) return true;
    if (gpu_type >= 0) return nd->gpu_type == gpu_type;
    return gpu_type == AIDC_GPU_TYPE_SET && nd->gpu_type >= 0 && nd->gpu_type < 64 &&
           ((mask >> nd->gpu_type) & 1);
}

static inline bool type_ok(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return type_accepts(nd, job->gpu_type, job->gpu_type_mask);
}

bool aidc_place_type_ok(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return type_ok(nd, job);
}

static bool node_is_idle(const aidc_sched_node *nd)
{
    return nd->gpus_free == nd->gpus_total && nd->cpus_free == nd->cpus_total &&
           nd->mem_free_gib >= nd->mem_total_gib;
}

/* The largest node a job of this type could use: jobs up to this size run in
 * one node, larger ones take whole nodes. */
static inline int32_t largest_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job)
{
    int32_t best = 0;
    for (size_t i = 0; i < n; i++)
        if (type_ok(&nodes[i], job) && nodes[i].gpus_total > best) best = nodes[i].gpus_total;
    return best;
}

int32_t aidc_place_largest_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job)
{
    return largest_node(nodes, n, job);
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

static const char *const strategy_names[] = {"best-fit", "topology-aware", "spread", "first-fit",
                                             "fgd"};

int aidc_place_strategy_parse(const char *name)
{
    for (int i = 0; i < 5; i++)
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

bool aidc_place_node_idle(const aidc_sched_node *nd) { return node_is_idle(nd) && nd->gpus_total > 0; }

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
    return aidc_place_classed(nodes, n, job, strategy, whole_node_job(nodes, n, job), out, max_out,
                              n_out);
}

bool aidc_place_classed(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                        aidc_place_strategy strategy, bool whole, aidc_sched_alloc *out,
                        size_t max_out, size_t *n_out)
{
    if (strategy == AIDC_PLACE_BEST_FIT || strategy == AIDC_PLACE_FGD)
        return whole ? place_whole_nodes(nodes, n, job, out, max_out, n_out)
                     : place_in_one_node(nodes, n, job, out, max_out, n_out);
    if (strategy == AIDC_PLACE_FIRST_FIT) {
        aidc_sched_share unused;
        return aidc_place_shared(nodes, n, job, AIDC_SHARE_FIRST_FIT, NULL, NULL, &unused, out,
                                 max_out, n_out) == 2;
    }
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
                         "\"topology-aware\", \"spread\", \"first-fit\" or \"fgd\"",
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

/* ---- GPU sharing -------------------------------------------------------------------- */

static const char *const share_names[] = {"first-fit", "best-fit", "fgd"};

int aidc_share_strategy_parse(const char *name)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(name, share_names[i]) == 0) return i;
    return -1;
}

const char *aidc_share_strategy_name(aidc_share_strategy s) { return share_names[s]; }

void aidc_frag_model_init(aidc_frag_model *m) { memset(m, 0, sizeof *m); }

void aidc_frag_model_fini(aidc_frag_model *m)
{
    free(m->classes);
    memset(m, 0, sizeof *m);
}

static int32_t milli_of(const aidc_sched_job *job)
{
    return job->gpu_milli > 0 && job->gpu_milli < 1000 ? job->gpu_milli : 1000;
}

/* The index of job's class in the model, or SIZE_MAX. */
static size_t class_of(const aidc_frag_model *m, const aidc_sched_job *job)
{
    int32_t milli = milli_of(job);
    for (size_t k = 0; k < m->n; k++) {
        const aidc_frag_class *c = &m->classes[k];
        if (c->gpus == job->gpus && c->milli == milli && c->gpu_type == job->gpu_type &&
            c->type_mask == job->gpu_type_mask && c->cpus == job->cpus && c->mem_gib == job->mem_gib)
            return k;
    }
    return SIZE_MAX;
}

int aidc_frag_model_add(aidc_frag_model *m, const aidc_sched_job *job, double weight)
{
    int32_t milli = milli_of(job);
    size_t k = class_of(m, job);
    if (k != SIZE_MAX) {
        m->classes[k].weight += weight;
        m->total += weight;
        m->version++;
        return 0;
    }
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 16;
        aidc_frag_class *a = realloc(m->classes, cap * sizeof *a);
        if (!a) return -1;
        m->classes = a;
        m->cap = cap;
    }
    m->classes[m->n++] = (aidc_frag_class){job->gpus, milli, job->gpu_type, job->gpu_type_mask,
                                           weight, job->cpus, job->mem_gib};
    m->total += weight;
    m->version++;
    return 0;
}

/* A node's best fgd spot for one request class: jobs of a class repeat, and a
 * placement changes one node, so most nodes' answers carry over to the next job. */
typedef struct aidc_frag_memo {
    double key1, key2;
    int32_t gpu; /* -1: no room on the node for the class */
    uint32_t ver;
} aidc_frag_memo;

#define MEMO_MAX_ENTRIES ((size_t)1 << 22)

void aidc_frag_cache_init(aidc_frag_cache *c) { memset(c, 0, sizeof *c); }

void aidc_frag_cache_fini(aidc_frag_cache *c)
{
    free(c->copy);
    free(c->sums);
    free(c->f);
    free(c->mem);
    free(c->node_ver);
    free(c->memo);
    memset(c, 0, sizeof *c);
}

/* A node's free-capacity summary: total free, entirely free GPUs, the largest free part. */
typedef struct node_sum {
    int64_t total;
    int32_t full, max;
} node_sum;

static node_sum summarize(const int32_t *free_milli, int32_t gpus)
{
    node_sum x = {0, 0, 0};
    for (int32_t g = 0; g < gpus; g++) {
        x.total += free_milli[g];
        x.full += free_milli[g] == 1000;
        if (free_milli[g] > x.max) x.max = free_milli[g];
    }
    return x;
}

/* Sum of free capacity on GPUs whose free part is below `milli`. */
static double below(const int32_t *free_milli, int32_t gpus, int32_t milli)
{
    int64_t s = 0;
    for (int32_t g = 0; g < gpus; g++)
        if (free_milli[g] < milli) s += free_milli[g];
    return (double)s;
}

/* frag_m(node) given the summary, the node's free CPUs and memory and the class's
 * below-sum (shares) — see the header. */
static double class_frag(const aidc_sched_node *nd, const aidc_frag_class *c, node_sum x,
                         int32_t cpus_free, double mem_free, double below_sum)
{
    if (!type_accepts(nd, c->gpu_type, c->type_mask) || c->gpus > nd->gpus_total || cpus_free < c->cpus ||
        mem_free < c->mem_gib)
        return (double)x.total;
    if (c->milli < 1000) return x.max >= c->milli ? below_sum : (double)x.total;
    if (x.full < c->gpus) return (double)x.total;
    return (double)(x.total - 1000 * (int64_t)x.full);
}

double aidc_frag_node(const aidc_sched_node *nd, const aidc_frag_model *m)
{
    if (!nd->gpu_free_milli || m->total <= 0) return 0;
    node_sum x = summarize(nd->gpu_free_milli, nd->gpus_total);
    double f = 0;
    for (size_t k = 0; k < m->n; k++) {
        const aidc_frag_class *c = &m->classes[k];
        double b = c->milli < 1000 ? below(nd->gpu_free_milli, nd->gpus_total, c->milli) : 0;
        f += c->weight * class_frag(nd, c, x, nd->cpus_free, nd->mem_free_gib, b);
    }
    return f / m->total;
}

/* Brings the cache's sums for node i up to date. */
static void cache_node(aidc_frag_cache *c, const aidc_sched_node *nodes, size_t i,
                       const aidc_frag_model *m)
{
    const aidc_sched_node *nd = &nodes[i];
    size_t w = c->max_gpus + 2;
    int32_t *cp = &c->copy[i * w];
    bool same = cp[c->max_gpus] == nd->gpus_total && cp[c->max_gpus + 1] == nd->cpus_free &&
                c->mem[i] == nd->mem_free_gib;
    for (int32_t g = 0; same && g < nd->gpus_total; g++) same = cp[g] == nd->gpu_free_milli[g];
    if (same) return;
    memcpy(cp, nd->gpu_free_milli, (size_t)nd->gpus_total * sizeof *cp);
    cp[c->max_gpus] = nd->gpus_total;
    cp[c->max_gpus + 1] = nd->cpus_free;
    c->mem[i] = nd->mem_free_gib;
    c->node_ver[i]++;
    double *sums = &c->sums[i * c->n_classes];
    node_sum x = summarize(nd->gpu_free_milli, nd->gpus_total);
    double f = 0;
    for (size_t k = 0; k < m->n; k++) {
        const aidc_frag_class *cl = &m->classes[k];
        sums[k] = cl->milli < 1000 ? below(nd->gpu_free_milli, nd->gpus_total, cl->milli) : 0;
        f += cl->weight * class_frag(nd, cl, x, nd->cpus_free, nd->mem_free_gib, sums[k]);
    }
    c->f[i] = f;
}

/* Makes the cache fit these nodes and this model (dropping everything when either
 * changed shape or the model changed). */
static bool cache_ready(aidc_frag_cache *c, const aidc_sched_node *nodes, size_t n,
                        const aidc_frag_model *m)
{
    size_t max_gpus = 0;
    for (size_t i = 0; i < n; i++) {
        if (!nodes[i].gpu_free_milli) return false; /* a host without per-GPU views */
        if ((size_t)nodes[i].gpus_total > max_gpus) max_gpus = (size_t)nodes[i].gpus_total;
    }
    if (c->n_nodes != n || c->max_gpus != max_gpus || c->n_classes != m->n ||
        c->version != m->version || !c->copy) {
        aidc_frag_cache_fini(c);
        c->n_nodes = n;
        c->max_gpus = max_gpus;
        c->n_classes = m->n;
        c->version = m->version;
        c->copy = malloc((n ? n : 1) * (max_gpus + 2) * sizeof *c->copy);
        c->sums = malloc((n ? n : 1) * (m->n ? m->n : 1) * sizeof *c->sums);
        c->f = malloc((n ? n : 1) * sizeof *c->f);
        c->mem = malloc((n ? n : 1) * sizeof *c->mem);
        c->node_ver = calloc(n ? n : 1, sizeof *c->node_ver);
        if (n * m->n <= MEMO_MAX_ENTRIES) c->memo = calloc(n * m->n + 1, sizeof *c->memo);
        if (!c->copy || !c->sums || !c->f || !c->mem || !c->node_ver) {
            aidc_frag_cache_fini(c);
            return false;
        }
        for (size_t i = 0; i < n * (max_gpus + 2); i++) c->copy[i] = -1;
    }
    for (size_t i = 0; i < n; i++) cache_node(c, nodes, i, m);
    return true;
}

/* F(node) after changing GPU g from free f to f - take (take_full whole GPUs when
 * g < 0) and taking cpus and mem, from the node's cached per-class sums:
 * O(GPUs + classes). */
static double frag_after(const aidc_sched_node *nd, const double *sums, const aidc_frag_model *m,
                         int32_t g, int32_t take, int32_t take_full, int32_t cpus, double mem)
{
    const int32_t *fm = nd->gpu_free_milli;
    node_sum x = {0, 0, 0};
    int32_t left = take_full;
    for (int32_t k = 0; k < nd->gpus_total; k++) {
        int32_t v = fm[k];
        if (k == g) v -= take;
        else if (g < 0 && left > 0 && v == 1000) {
            v = 0;
            left--;
        }
        x.total += v;
        x.full += v == 1000;
        if (v > x.max) x.max = v;
    }
    double f = 0;
    for (size_t k = 0; k < m->n; k++) {
        const aidc_frag_class *c = &m->classes[k];
        double b = 0;
        if (c->milli < 1000) {
            b = sums[k];
            if (g >= 0) {
                int32_t before = fm[g], after = fm[g] - take;
                if (before < c->milli) b -= before;
                if (after < c->milli) b += after;
            }
            /* whole GPUs taken (1000 -> 0) never count below a share before; after, 0 adds 0 */
        }
        f += c->weight * class_frag(nd, c, x, nd->cpus_free - cpus, nd->mem_free_gib - mem, b);
    }
    return f;
}

static bool node_room(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return type_ok(nd, job) && nd->cpus_free >= job->cpus && nd->mem_free_gib >= job->mem_gib &&
           nd->gpus_total >= job->gpus;
}

bool aidc_place_node_could_hold(const aidc_sched_node *nd, const aidc_sched_job *job)
{
    return type_ok(nd, job) && nd->cpus_total >= job->cpus && nd->mem_total_gib >= job->mem_gib &&
           nd->gpus_total >= job->gpus;
}

/* One candidate and the key that ranks it (smaller is better). */
typedef struct pick {
    int64_t node;
    int32_t gpu;
    double key1, key2;
} pick;

static bool better(const pick *a, const pick *b)
{
    if (b->node < 0) return true;
    if (a->key1 != b->key1) return a->key1 < b->key1;
    if (a->key2 != b->key2) return a->key2 < b->key2;
    if (a->node != b->node) return a->node < b->node;
    return a->gpu < b->gpu;
}

/* Whether an earlier GPU of the node has GPU g's free part: GPUs with the same free
 * part are the same candidate, and the first of them stands for all. */
static bool same_as_earlier(const int32_t *free_milli, int32_t g)
{
    for (int32_t h = 0; h < g; h++)
        if (free_milli[h] == free_milli[g]) return true;
    return false;
}

/* fgd on node i (which has room for job's CPUs, memory and type): the best spot, as
 * a pick with node -1 when none. Uses the memo when the job's class is known. */
static pick fgd_node(const aidc_sched_node *nd, size_t i, aidc_frag_cache *c,
                     const aidc_frag_model *m, const aidc_sched_job *job, size_t k)
{
    aidc_frag_memo *e = c->memo && k != SIZE_MAX ? &c->memo[i * c->n_classes + k] : NULL;
    if (e && e->ver == c->node_ver[i])
        return (pick){e->gpu < 0 ? -1 : (int64_t)i, e->gpu, e->key1, e->key2};
    pick best = {-1, -1, 0, 0};
    const double *sums = &c->sums[i * c->n_classes];
    const int32_t *fm = nd->gpu_free_milli;
    int32_t r = job->gpu_milli;
    if (r > 0 && r < 1000) {
        for (int32_t g = 0; g < nd->gpus_total; g++) {
            if (fm[g] < r || same_as_earlier(fm, g)) continue;
            pick p = {(int64_t)i, g,
                      (frag_after(nd, sums, m, g, r, 0, job->cpus, job->mem_gib) - c->f[i]) / m->total,
                      fm[g] - r};
            if (better(&p, &best)) best = p;
        }
    } else if (nd->gpus_free >= job->gpus) {
        best = (pick){(int64_t)i, 0,
                      (frag_after(nd, sums, m, -1, 0, job->gpus, job->cpus, job->mem_gib) - c->f[i]) /
                          m->total,
                      nd->gpus_free - job->gpus};
    }
    if (e) *e = (aidc_frag_memo){best.key1, best.key2, best.node < 0 ? -1 : best.gpu, c->node_ver[i]};
    return best;
}

static int place_share(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                       aidc_share_strategy st, const aidc_frag_model *m, aidc_frag_cache *cache,
                       aidc_sched_share *share)
{
    int32_t r = job->gpu_milli;
    bool fgd = st == AIDC_SHARE_FGD && m && m->total > 0;
    aidc_frag_cache local;
    aidc_frag_cache_init(&local);
    aidc_frag_cache *c = cache ? cache : &local;
    if (fgd && !cache_ready(c, nodes, n, m)) fgd = false; /* out of memory: best effort */
    size_t k = fgd ? class_of(m, job) : SIZE_MAX;
    pick best = {-1, -1, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const aidc_sched_node *nd = &nodes[i];
        if (!node_room(nd, job) || !nd->gpu_free_milli) continue;
        if (fgd) {
            pick p = fgd_node(nd, i, c, m, job, k);
            if (p.node >= 0 && better(&p, &best)) best = p;
            continue;
        }
        const int32_t *fm = nd->gpu_free_milli;
        for (int32_t g = 0; g < nd->gpus_total; g++) {
            if (fm[g] < r || same_as_earlier(fm, g)) continue;
            pick p = {(int64_t)i, g, 0, 0};
            if (st == AIDC_SHARE_FIRST_FIT) {
                best = p;
                break;
            }
            p.key1 = fm[g] - r;
            p.key2 = nd->milli_free;
            if (better(&p, &best)) best = p;
        }
        if (st == AIDC_SHARE_FIRST_FIT && best.node >= 0) break;
    }
    aidc_frag_cache_fini(&local);
    if (best.node < 0) return 0;
    *share = (aidc_sched_share){(int32_t)best.node, best.gpu, r, job->cpus, job->mem_gib};
    return 1;
}

/* A whole-GPU job in one node by first-fit or fgd (best-fit is aidc_place_whole). */
static int place_whole_shared(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                              aidc_share_strategy st, const aidc_frag_model *m,
                              aidc_frag_cache *cache, aidc_sched_alloc *out, size_t max_out,
                              size_t *n_out)
{
    bool fgd = st == AIDC_SHARE_FGD && m && m->total > 0;
    aidc_frag_cache local;
    aidc_frag_cache_init(&local);
    aidc_frag_cache *c = cache ? cache : &local;
    if (fgd && !cache_ready(c, nodes, n, m)) fgd = false;
    size_t k = fgd ? class_of(m, job) : SIZE_MAX;
    pick best = {-1, -1, 0, 0};
    for (size_t i = 0; i < n; i++) {
        const aidc_sched_node *nd = &nodes[i];
        if (!node_room(nd, job) || nd->gpus_free < job->gpus) continue;
        if (!fgd) {
            best = (pick){(int64_t)i, 0, 0, 0};
            break;
        }
        pick p = fgd_node(nd, i, c, m, job, k);
        if (p.node >= 0 && better(&p, &best)) best = p;
    }
    aidc_frag_cache_fini(&local);
    if (best.node < 0 || max_out < 1) return 0;
    out[0] = (aidc_sched_alloc){(int32_t)best.node, job->gpus, job->cpus, job->mem_gib};
    *n_out = 1;
    return 2;
}

int aidc_place_shared(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                      aidc_share_strategy strategy, const aidc_frag_model *model,
                      aidc_frag_cache *cache, aidc_sched_share *share, aidc_sched_alloc *out,
                      size_t max_out, size_t *n_out)
{
    if (job->gpu_milli > 0 && job->gpu_milli < 1000) {
        assert(job->gpus == 1);
        return place_share(nodes, n, job, strategy, model, cache, share);
    }
    if (strategy == AIDC_SHARE_BEST_FIT || whole_node_job(nodes, n, job))
        return aidc_place_whole(nodes, n, job, out, max_out, n_out) ? 2 : 0;
    return place_whole_shared(nodes, n, job, strategy, model, cache, out, max_out, n_out);
}

void aidc_place_share_apply(aidc_sched_node *nd, int32_t *free_milli, int32_t gpu,
                            int32_t milli, int sign)
{
    assert(sign == 1 || sign == -1);
    assert(gpu >= 0 && gpu < nd->gpus_total && milli > 0 && milli <= 1000);
    int32_t before = free_milli[gpu], after = before + sign * milli;
    assert(after >= 0 && after <= 1000);
    free_milli[gpu] = after;
    nd->milli_free += sign * milli;
    nd->gpus_free += (after == 1000) - (before == 1000);
    nd->gpus_shared += (after > 0 && after < 1000) - (before > 0 && before < 1000);
}
