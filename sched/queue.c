/* queue — the composable queue scheduler; see queue.h. */
#include "sched/queue.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/nodeindex.h"
#include "sched/placement.h"

#define HOUR_NS (3600 * INT64_C(1000000000))
#define SEC_NS INT64_C(1000000000)
#define MAX_THRESHOLDS 8

typedef enum { ORD_ARRIVAL, ORD_SJF, ORD_SRTF, ORD_LAS, ORD_PRIORITY, ORD_FAIR } order_kind;
typedef enum { BF_NONE, BF_FIRST_FIT, BF_EASY, BF_CONSERVATIVE } backfill_kind;

static const char *const order_names[] = {"arrival", "sjf", "srtf", "las", "priority", "fair", NULL};
static const char *const backfill_names[] = {"none", "first-fit", "easy", "conservative", NULL};

typedef struct cfg {
    order_kind order;
    backfill_kind backfill;
    aidc_place_strategy placement;
    bool preempt;
    int64_t min_run_ns;     /* a job runs this long before it may be preempted */
    size_t depth;           /* conservative: jobs that get reservations */
    double thresholds_gpu_s[MAX_THRESHOLDS]; /* las: queue boundaries */
    size_t n_thresholds;
    double starve_factor;   /* las: promote after waiting this x its executed time */
    int64_t starve_limit_ns; /* las: promote after waiting this long (0: never) */
    bool power_aware;
    double min_cap_fraction; /* power-aware: lowest per-GPU cap, of TDP */
    bool carbon_aware;
    double carbon_threshold; /* carbon-aware: wait when a later hour is this much cleaner */
    int64_t max_delay_ns;    /* carbon-aware: latest start for jobs without a deadline */
} cfg;

/* A pending job in this pass, with its sort key. */
typedef struct cand {
    aidc_sched_job job;
    int64_t k1, k2;
} cand;

typedef struct ending {
    int64_t end_ns;
    size_t order;
} ending;

typedef struct victim {
    int64_t k1, start_ns;
    uint64_t id;
    size_t order;
} victim;

/* Free resources of one node in one profile segment (conservative). */
typedef struct slot {
    int32_t gpus, cpus;
    double mem;
} slot;

/* A placement that failed in this pass (see place_now_cached). */
typedef struct failed_shape {
    int32_t gpus, gpu_type;
    bool whole;
} failed_shape;
#define MAX_FAILED 32

typedef struct queue {
    const aidc_sched_host *host;
    const char *name;
    cfg c;
    size_t n_nodes;
    aidc_sched_node *view;   /* the host's nodes, when its node struct differs from ours */
    aidc_sched_node *shadow; /* scratch cluster: the future, or with victims gone */
    aidc_sched_node *minv;   /* conservative: the least free over an interval */
    aidc_sched_alloc *alloc, *probe;
    cand *cands;
    size_t cap_cands;
    ending *ends;
    size_t cap_ends;
    victim *victims; /* running jobs a waiting job may preempt (scratch) */
    size_t cap_victims;
    /* fair share, per tenant */
    size_t n_tenants;
    double *weight, *quota_gpus;
    double *used_g, *used_c, *used_m;
    /* conservative profile: n_seg segments of n_nodes slots */
    int64_t *seg_t;
    slot *seg;
    size_t n_seg, cap_seg;
    failed_shape failed[MAX_FAILED]; /* this pass's failed placements */
    size_t n_failed;
    /* this pass's largest node per GPU type (slot 0: any type), -1 until asked */
    int32_t largest[MAX_FAILED + 1];
    /* GPU sharing (ABI 1.2 hosts): the request model fgd places against */
    bool sharing;
    aidc_frag_model model;
    aidc_frag_cache cache;
    /* the host's nodes by free GPUs (ABI 1.3 hosts): placement without scans */
    aidc_node_index index;
    /* EASY: the last reservation, kept in shadow for the next pass while no
     * node has changed since (ABI 1.3 hosts; see pass_easy) */
    bool res_valid, res_counted;
    bool shares_seen; /* a GPU share was submitted: shares' shadow is the live one, keep none */
    uint64_t res_head, res_cursor;
    int64_t res_shadow_ns, res_shadow_idle;
} queue;

/* ---- growing arrays --------------------------------------------------------- */

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return p;
    size_t n = *cap ? *cap : 16;
    while (n < need) n *= 2;
    void *q = realloc(p, n * size);
    if (!q) abort(); /* out of memory inside schedule(): nothing sensible to return */
    *cap = n;
    return q;
}

/* ---- parameters ------------------------------------------------------------- */

static int pick(const char *const *names, const char *s)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(names[i], s) == 0) return i;
    return -1;
}

static int bad(char *err, size_t errlen, const char *policy, const char *key, const char *what)
{
    snprintf(err, errlen, "policy \"%s\": \"%s\" %s", policy, key, what);
    return -1;
}

static int want(const aidc_policy_param *p, aidc_param_type t, char *err, size_t errlen,
                const char *policy)
{
    static const char *const tn[] = {"a number", "a string", "true or false"};
    if (p->type == t) return 0;
    char what[64];
    snprintf(what, sizeof what, "must be %s", tn[t]);
    return bad(err, errlen, policy, p->key, what);
}

/* A duration parameter in seconds, 0 to 1e9, into ns. */
static int seconds(const aidc_policy_param *p, int64_t *out_ns, char *err, size_t errlen,
                   const char *policy)
{
    if (want(p, AIDC_PARAM_NUMBER, err, errlen, policy)) return -1;
    if (!(p->number >= 0 && p->number <= 1e9))
        return bad(err, errlen, policy, p->key, "must be from 0 to 1e9 seconds");
    *out_ns = (int64_t)llround(p->number * 1e9);
    return 0;
}

/* "1,10,100" -> values; returns how many, -1 when malformed. */
static int parse_list(const char *s, double *out, size_t max)
{
    size_t n = 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || !isfinite(v) || v <= 0 || n == max || (n && v <= out[n - 1])) return -1;
        out[n++] = v;
        s = end;
        while (*s == ' ') s++;
        if (*s == ',') s++;
        else if (*s) return -1;
    }
    return (int)n;
}

static int tenant_index(const queue *q, const char *name)
{
    const aidc_sched_host *h = q->host;
    for (size_t t = 0; t < q->n_tenants; t++)
        if (strcmp(h->tenant_name(h->ctx, t), name) == 0) return (int)t;
    return -1;
}

/* Whether the preset documents key (TENANT standing for any tenant). */
static bool documented(const aidc_policy_param_doc *doc, const char *key)
{
    for (; doc->key; doc++) {
        const char *t = strstr(doc->key, "TENANT");
        if (t ? strncmp(doc->key, key, (size_t)(t - doc->key)) == 0 : strcmp(doc->key, key) == 0)
            return true;
    }
    return false;
}

static int read_params(queue *q, const aidc_policy_params *params,
                       const aidc_policy_param_doc *doc, char *err, size_t errlen)
{
    cfg *c = &q->c;
    const char *pn = q->name;
    for (size_t i = 0; i < params->n; i++) {
        const aidc_policy_param *p = &params->items[i];
        const char *k = p->key;
        if (!documented(doc, k)) {
            char list[400] = "";
            for (const aidc_policy_param_doc *d = doc; d->key; d++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s",
                         d == doc ? "" : ", ", d->key);
            snprintf(err, errlen, "policy \"%s\" has no parameter \"%s\" (it takes: %s)", pn, k,
                     list);
            return -1;
        }
        if (strcmp(k, "order") == 0) {
            int v = p->type == AIDC_PARAM_STRING ? pick(order_names, p->string) : -1;
            if (v < 0) return bad(err, errlen, pn, k, "must be arrival, sjf, srtf, las, priority or fair");
            c->order = (order_kind)v;
        } else if (strcmp(k, "backfill") == 0) {
            int v = p->type == AIDC_PARAM_STRING ? pick(backfill_names, p->string) : -1;
            if (v < 0) return bad(err, errlen, pn, k, "must be none, first-fit, easy or conservative");
            c->backfill = (backfill_kind)v;
        } else if (strcmp(k, "placement") == 0) {
            int v = p->type == AIDC_PARAM_STRING ? aidc_place_strategy_parse(p->string) : -1;
            if (v < 0)
                return bad(err, errlen, pn, k, "must be best-fit, topology-aware, spread, first-fit or fgd");
            c->placement = (aidc_place_strategy)v;
        } else if (strcmp(k, "preempt") == 0) {
            if (want(p, AIDC_PARAM_BOOL, err, errlen, pn)) return -1;
            c->preempt = p->boolean;
        } else if (strcmp(k, "power_aware") == 0) {
            if (want(p, AIDC_PARAM_BOOL, err, errlen, pn)) return -1;
            c->power_aware = p->boolean;
        } else if (strcmp(k, "carbon_aware") == 0) {
            if (want(p, AIDC_PARAM_BOOL, err, errlen, pn)) return -1;
            c->carbon_aware = p->boolean;
        } else if (strcmp(k, "min_run_s") == 0) {
            if (seconds(p, &c->min_run_ns, err, errlen, pn)) return -1;
        } else if (strcmp(k, "starve_limit_s") == 0) {
            if (seconds(p, &c->starve_limit_ns, err, errlen, pn)) return -1;
        } else if (strcmp(k, "max_delay_s") == 0) {
            if (seconds(p, &c->max_delay_ns, err, errlen, pn)) return -1;
        } else if (strcmp(k, "depth") == 0) {
            if (want(p, AIDC_PARAM_NUMBER, err, errlen, pn)) return -1;
            if (!(p->number >= 1 && p->number <= 1e6) || p->number != floor(p->number))
                return bad(err, errlen, pn, k, "must be a whole number from 1 to 1000000");
            c->depth = (size_t)p->number;
        } else if (strcmp(k, "starve_factor") == 0) {
            if (want(p, AIDC_PARAM_NUMBER, err, errlen, pn)) return -1;
            if (!(p->number >= 0 && p->number <= 1e6)) return bad(err, errlen, pn, k, "must be from 0 (off) to 1e6");
            c->starve_factor = p->number;
        } else if (strcmp(k, "min_cap") == 0) {
            if (want(p, AIDC_PARAM_NUMBER, err, errlen, pn)) return -1;
            if (!(p->number > 0 && p->number <= 1)) return bad(err, errlen, pn, k, "must be a fraction of TDP in (0, 1]");
            c->min_cap_fraction = p->number;
        } else if (strcmp(k, "carbon_threshold") == 0) {
            if (want(p, AIDC_PARAM_NUMBER, err, errlen, pn)) return -1;
            if (!(p->number >= 0 && p->number < 1)) return bad(err, errlen, pn, k, "must be a fraction in [0, 1)");
            c->carbon_threshold = p->number;
        } else if (strcmp(k, "thresholds_gpu_h") == 0) {
            if (want(p, AIDC_PARAM_STRING, err, errlen, pn)) return -1;
            int n = parse_list(p->string, c->thresholds_gpu_s, MAX_THRESHOLDS);
            if (n < 1)
                return bad(err, errlen, pn, k,
                           "must list 1 to 8 increasing positive GPU-hours, like \"1,10\"");
            c->n_thresholds = (size_t)n;
            for (int t = 0; t < n; t++) c->thresholds_gpu_s[t] *= 3600;
        } else if (strncmp(k, "weight.", 7) == 0 || strncmp(k, "quota.", 6) == 0) {
            bool is_weight = k[0] == 'w';
            const char *tenant = k + (is_weight ? 7 : 6);
            if (want(p, AIDC_PARAM_NUMBER, err, errlen, pn)) return -1;
            int t = tenant_index(q, tenant);
            if (t < 0) {
                snprintf(err, errlen, "policy \"%s\": \"%s\": the workload has no tenant \"%s\"", pn,
                         k, tenant);
                return -1;
            }
            if (is_weight) {
                if (!(p->number > 0 && p->number <= 1e6)) return bad(err, errlen, pn, k, "must be a weight in (0, 1e6]");
                q->weight[t] = p->number;
            } else {
                if (!(p->number >= 0 && p->number <= 1e9)) return bad(err, errlen, pn, k, "must be a number of GPUs >= 0");
                q->quota_gpus[t] = p->number;
            }
        } else {
            snprintf(err, errlen,
                     "policy \"%s\" has no parameter \"%s\" (see `aidcsim policies` for the list)",
                     pn, k);
            return -1;
        }
    }
    if (c->preempt && (c->order == ORD_ARRIVAL || c->order == ORD_FAIR))
        return bad(err, errlen, pn, "preempt", "needs an order that ranks running jobs: sjf, srtf, las or priority");
    if (c->preempt && c->backfill == BF_CONSERVATIVE)
        return bad(err, errlen, pn, "preempt", "cannot be combined with conservative backfill");
    return 0;
}

/* ---- lifecycle -------------------------------------------------------------- */

static void queue_destroy(void *state)
{
    queue *q = state;
    if (!q) return;
    free(q->view);
    free(q->shadow);
    free(q->minv);
    free(q->alloc);
    free(q->probe);
    free(q->cands);
    free(q->ends);
    free(q->victims);
    free(q->weight);
    free(q->quota_gpus);
    free(q->used_g);
    free(q->used_c);
    free(q->used_m);
    free(q->seg_t);
    free(q->seg);
    aidc_frag_model_fini(&q->model);
    aidc_frag_cache_fini(&q->cache);
    aidc_node_index_fini(&q->index);
    free(q);
}

static bool is_share(const queue *q, const aidc_sched_job *job);

/* fgd learns the workload's request distribution from the jobs submitted so
 * far; a GPU share ends the kept EASY reservations (reservation_stands). */
static void queue_job_submitted(void *state, const aidc_sched_job *job)
{
    queue *q = state;
    if (is_share(q, job)) q->shares_seen = true;
    if (q->sharing && q->c.placement == AIDC_PLACE_FGD && aidc_frag_model_add(&q->model, job, 1))
        abort(); /* out of memory inside a callback: nothing sensible to return */
}

static int create_with(const aidc_sched_host *host, const aidc_policy_params *params,
                       const aidc_policy_param_doc *doc, void **state, char *err, size_t errlen,
                       const char *name, cfg defaults)
{
    if (host->abi_major != AIDC_POLICY_ABI_MAJOR || host->abi_minor < 1 ||
        host->size < sizeof(aidc_sched_host)) {
        snprintf(err, errlen, "policy \"%s\" needs a host speaking policy ABI 1.1 or later", name);
        return -1;
    }
    queue *q = calloc(1, sizeof *q);
    if (!q) goto oom;
    q->host = host;
    q->name = name;
    q->c = defaults;
    q->sharing = host->abi_minor >= 2;
    aidc_frag_model_init(&q->model);
    aidc_frag_cache_init(&q->cache);
    q->n_nodes = host->node_count(host->ctx);
    q->n_tenants = host->tenant_count(host->ctx);
    size_t n = q->n_nodes ? q->n_nodes : 1, t = q->n_tenants ? q->n_tenants : 1;
    q->view = calloc(n, sizeof *q->view);
    q->shadow = calloc(n, sizeof *q->shadow);
    q->minv = calloc(n, sizeof *q->minv);
    q->alloc = calloc(n, sizeof *q->alloc);
    q->probe = calloc(n, sizeof *q->probe);
    q->weight = malloc(t * sizeof *q->weight);
    q->quota_gpus = malloc(t * sizeof *q->quota_gpus);
    q->used_g = calloc(t, sizeof *q->used_g);
    q->used_c = calloc(t, sizeof *q->used_c);
    q->used_m = calloc(t, sizeof *q->used_m);
    if (!q->view || !q->shadow || !q->minv || !q->alloc || !q->probe || !q->weight ||
        !q->quota_gpus || !q->used_g || !q->used_c || !q->used_m ||
        (host->node_size == sizeof(aidc_sched_node) && aidc_node_index_init(&q->index, host, q->n_nodes)))
        goto oom;
    for (size_t i = 0; i < t; i++) {
        q->weight[i] = 1;
        q->quota_gpus[i] = INFINITY;
    }
    if (read_params(q, params, doc, err, errlen)) {
        queue_destroy(q);
        return -1;
    }
    *state = q;
    return 0;
oom:
    queue_destroy(q);
    snprintf(err, errlen, "out of memory");
    return -1;
}

/* ---- views and keys --------------------------------------------------------- */

/* The host's node array as an array of our node struct. */
static const aidc_sched_node *nodes_now(queue *q)
{
    const aidc_sched_host *h = q->host;
    const aidc_sched_node *nodes = h->nodes(h->ctx);
    if (h->node_size == sizeof(aidc_sched_node)) return nodes;
    size_t sz = h->node_size < sizeof(aidc_sched_node) ? h->node_size : sizeof(aidc_sched_node);
    for (size_t i = 0; i < q->n_nodes; i++) memcpy(&q->view[i], aidc_sched_node_at(h, nodes, i), sz);
    return q->view;
}

static int32_t largest_node_of(queue *q, const aidc_sched_node *nodes, const aidc_sched_job *job);

static bool is_share(const queue *q, const aidc_sched_job *job)
{
    return q->sharing && job->gpu_milli > 0 && job->gpu_milli < 1000;
}

/* The sharing placement's name for the configured strategy. */
static aidc_share_strategy share_strategy(const queue *q)
{
    aidc_place_strategy st = q->c.placement;
    return st == AIDC_PLACE_FGD         ? AIDC_SHARE_FGD
           : st == AIDC_PLACE_FIRST_FIT ? AIDC_SHARE_FIRST_FIT
                                        : AIDC_SHARE_BEST_FIT;
}

/* Shares and fgd/first-fit go through the sharing placement (sched/placement.h); a
 * share is written as one entry with gpus = 0 (its GPU is chosen again by start(),
 * on the live view). On a scratch view (shadow, minv) the per-GPU free parts are the
 * live ones: shares are placed as the GPUs are now. */
static bool place(queue *q, const aidc_sched_node *nodes, const aidc_sched_job *job,
                  aidc_sched_alloc *out, size_t *n_out)
{
    aidc_place_strategy st = q->c.placement;
    if (is_share(q, job) || (q->sharing && (st == AIDC_PLACE_FGD || st == AIDC_PLACE_FIRST_FIT))) {
        aidc_sched_share sh;
        int r = aidc_place_shared(nodes, q->n_nodes, job, share_strategy(q), &q->model,
                                  nodes == q->host->nodes(q->host->ctx) ? &q->cache : NULL, &sh,
                                  out, q->n_nodes, n_out);
        if (r == 1) {
            out[0] = (aidc_sched_alloc){sh.node, 0, sh.cpus, sh.mem_gib};
            *n_out = 1;
        }
        return r != 0;
    }
    /* every node array placed on (now, the shadow, the least-free view) has
     * the host's node sizes: the job's class comes from the pass's largest node */
    bool whole = job->gpus > largest_node_of(q, nodes, job);
    if ((st == AIDC_PLACE_BEST_FIT || (st == AIDC_PLACE_TOPOLOGY_AWARE && !whole)) &&
        nodes == q->host->nodes(q->host->ctx)) {
        /* on the live nodes the index gives the scans' answers */
        aidc_node_index_sync(&q->index, q->host, nodes);
        if (aidc_node_index_answers(&q->index, job))
            return whole ? aidc_node_index_whole(&q->index, nodes, job, out, q->n_nodes, n_out)
                         : aidc_node_index_one_node(&q->index, job, out, q->n_nodes, n_out);
    }
    return aidc_place_classed(nodes, q->n_nodes, job, st, whole, out, q->n_nodes, n_out);
}

/* A share's GPU, chosen on the live view for the node place() picked. */
static int start_share(queue *q, const aidc_sched_job *job, const aidc_sched_alloc *alloc)
{
    const aidc_sched_host *h = q->host;
    const aidc_sched_node *live = nodes_now(q);
    aidc_sched_share sh;
    size_t n_out;
    /* the same search restricted to the chosen node */
    if (aidc_place_shared(&live[alloc[0].node], 1, job, share_strategy(q), &q->model, NULL, &sh, NULL, 0, &n_out) != 1)
        return 2; /* no room on it after all: wait */
    sh.node = alloc[0].node;
    return h->start_shared(h->ctx, job->id, &sh);
}

static bool place_now_cached(queue *q, const aidc_sched_job *job, aidc_sched_alloc *out,
                             size_t *n_out);
static void forget_failures(queue *q);

/* The estimate of what is left: the user's estimate less the time run. */
static int64_t remaining_estimate(const aidc_sched_job *j)
{
    int64_t r = j->estimate_ns - j->executed_ns;
    return r > 0 ? r : 0;
}

/* Tiresias' queue: how many thresholds of attained GPU-time the job passed. */
static int64_t las_level(const cfg *c, const aidc_sched_job *j)
{
    double attained = (double)j->gpus * (double)j->executed_ns / 1e9;
    int64_t level = 0;
    while ((size_t)level < c->n_thresholds && attained >= c->thresholds_gpu_s[level]) level++;
    return level;
}

/* Sort key (k1, k2; then id) of a job; `waiting` adds the starvation guard. */
static void key_of(const cfg *c, const aidc_sched_job *j, int64_t now, bool waiting, int64_t *k1,
                   int64_t *k2)
{
    *k2 = j->submit_ns;
    switch (c->order) {
    case ORD_ARRIVAL:
    case ORD_FAIR:
        *k1 = 0;
        break;
    case ORD_SJF:
        *k1 = j->estimate_ns;
        break;
    case ORD_SRTF:
        *k1 = remaining_estimate(j);
        break;
    case ORD_LAS: {
        *k1 = las_level(c, j);
        if (waiting && *k1 > 0) {
            int64_t waited = now - j->queued_since_ns;
            if ((c->starve_factor > 0 && (double)waited >= c->starve_factor * (double)j->executed_ns) ||
                (c->starve_limit_ns > 0 && waited >= c->starve_limit_ns))
                *k1 = 0; /* promoted to the highest queue */
        }
        break;
    }
    case ORD_PRIORITY:
        *k1 = -(int64_t)j->priority;
        break;
    }
}

static int by_key(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->k1 != y->k1) return x->k1 < y->k1 ? -1 : 1;
    if (x->k2 != y->k2) return x->k2 < y->k2 ? -1 : 1;
    return (x->job.id > y->job.id) - (x->job.id < y->job.id);
}

/* ---- carbon-aware deferral --------------------------------------------------- */

/* Mean carbon intensity over a run of `len` starting at t, hourly samples. */
static double window_carbon(const aidc_sched_host *h, int64_t t, int64_t len)
{
    int64_t n = (len + HOUR_NS - 1) / HOUR_NS;
    if (n < 1) n = 1;
    if (n > 24) n = 24;
    double sum = 0;
    for (int64_t k = 0; k < n; k++) sum += h->carbon_g_per_kwh(h->ctx, t + k * HOUR_NS);
    return sum / (double)n;
}

/* Whether a deferrable job should wait: a later start hour, still within
 * its deadline (or max_delay), is at least carbon_threshold cleaner. */
static bool should_defer(const queue *q, const aidc_sched_job *j, int64_t now)
{
    const aidc_sched_host *h = q->host;
    if (!q->c.carbon_aware || !j->deferrable) return false;
    int64_t latest = j->deadline_ns >= 0 ? j->deadline_ns - j->estimate_ns
                                         : j->submit_ns + q->c.max_delay_ns;
    if (now >= latest) return false;
    double here = window_carbon(h, now, j->estimate_ns);
    if (isnan(here)) return false; /* no carbon series: nothing to wait for */
    double best = here;
    int64_t t = (now / HOUR_NS + 1) * HOUR_NS;
    for (int step = 0; step < 168 && t <= latest; step++, t += HOUR_NS) {
        double m = window_carbon(h, t, j->estimate_ns);
        if (m < best) best = m;
    }
    return best < here * (1 - q->c.carbon_threshold);
}

/* ---- the pending snapshot ------------------------------------------------------ */

/* Dominant share of tenant t, over its weight. */
static double dominant(const queue *q, size_t t, double g, double c, double m)
{
    double s = g > 0 ? q->used_g[t] / g : 0;
    if (c > 0 && q->used_c[t] / c > s) s = q->used_c[t] / c;
    if (m > 0 && q->used_m[t] / m > s) s = q->used_m[t] / m;
    return s / q->weight[t];
}

/* Orders the candidates by DRF progressive filling: repeatedly the tenant
 * with the smallest weighted dominant share gets its next job, as if it
 * started. Jobs past their tenant's GPU quota drop out of this pass. */
static size_t order_fair(queue *q, size_t m, const aidc_sched_node *nodes)
{
    const aidc_sched_host *h = q->host;
    double g = 0, c = 0, mem = 0;
    for (size_t i = 0; i < q->n_nodes; i++) {
        g += nodes[i].gpus_total;
        c += nodes[i].cpus_total;
        mem += nodes[i].mem_total_gib;
    }
    for (size_t t = 0; t < q->n_tenants; t++) q->used_g[t] = q->used_c[t] = q->used_m[t] = 0;
    size_t n_run = h->running_count(h->ctx);
    for (size_t i = 0; i < n_run; i++) {
        const aidc_sched_job *r = h->running(h->ctx, i);
        if (r->tenant < 0 || (size_t)r->tenant >= q->n_tenants) continue;
        q->used_g[r->tenant] += r->gpus;
        q->used_c[r->tenant] += r->cpus;
        q->used_m[r->tenant] += r->mem_gib;
    }
    /* candidates are in arrival order: each tenant takes its own in turn */
    qsort(q->cands, m, sizeof *q->cands, by_key);
    size_t out = 0;     /* cands[0..out) are sequenced */
    while (out < m) {
        size_t best = m;
        double best_share = 0;
        for (size_t i = out; i < m; i++) {
            int32_t t = q->cands[i].job.tenant;
            bool first_of_tenant = true;
            for (size_t k = out; k < i && first_of_tenant; k++)
                if (q->cands[k].job.tenant == t) first_of_tenant = false;
            if (!first_of_tenant) continue;
            double s = t >= 0 && (size_t)t < q->n_tenants ? dominant(q, (size_t)t, g, c, mem) : 0;
            if (best == m || s < best_share) {
                best = i;
                best_share = s;
            }
        }
        cand pick = q->cands[best];
        memmove(&q->cands[out + 1], &q->cands[out], (best - out) * sizeof *q->cands);
        int32_t t = pick.job.tenant;
        bool in_tenant = t >= 0 && (size_t)t < q->n_tenants;
        if (in_tenant && q->used_g[t] + pick.job.gpus > q->quota_gpus[t]) {
            /* over quota: out of this pass */
            memmove(&q->cands[out], &q->cands[out + 1], (m - out - 1) * sizeof *q->cands);
            m--;
            continue;
        }
        pick.k1 = (int64_t)out;
        q->cands[out++] = pick;
        if (in_tenant) {
            q->used_g[t] += pick.job.gpus;
            q->used_c[t] += pick.job.cpus;
            q->used_m[t] += pick.job.mem_gib;
        }
    }
    return m;
}

/* Copies the pending queue into cands, ordered; returns how many. Deferred
 * jobs are left out and a wake-up is asked for the next hour. */
static size_t snapshot(queue *q, int64_t now, const aidc_sched_node *nodes)
{
    const aidc_sched_host *h = q->host;
    size_t n = h->pending_count(h->ctx), m = 0;
    q->cands = grow(q->cands, &q->cap_cands, n + 1, sizeof *q->cands);
    bool deferred = false;
    for (size_t i = 0; i < n; i++) {
        const aidc_sched_job *j = h->pending(h->ctx, i);
        if (should_defer(q, j, now)) {
            deferred = true;
            continue;
        }
        cand *c = &q->cands[m++];
        c->job = *j;
        key_of(&q->c, j, now, true, &c->k1, &c->k2);
    }
    if (deferred) h->wake_at(h->ctx, (now / HOUR_NS + 1) * HOUR_NS);
    if (q->c.order == ORD_FAIR) return order_fair(q, m, nodes);
    /* the host lists pending jobs in arrival order: often sorted already */
    size_t k = 1;
    while (k < m && by_key(&q->cands[k - 1], &q->cands[k]) <= 0) k++;
    if (k < m) qsort(q->cands, m, sizeof *q->cands, by_key);
    return m;
}

/* ---- starting --------------------------------------------------------------------- */

/* Starts job on alloc; power-aware, it starts under the highest per-GPU cap
 * that fits the facility headroom rather than being refused. Returns as
 * host->start. */
static int start(queue *q, const aidc_sched_job *job, const aidc_sched_alloc *alloc, size_t n)
{
    const aidc_sched_host *h = q->host;
    void *ctx = h->ctx;
    if (is_share(q, job)) return start_share(q, job, alloc);
    if (!q->c.power_aware) return h->start(ctx, job->id, alloc, n);
    double headroom = h->power_headroom_w(ctx);
    if (!isfinite(headroom) || h->power_needed_w(ctx, job->id, alloc, n) <= headroom)
        return h->start(ctx, job->id, alloc, n);
    double tdp = h->gpu_tdp_w(ctx, job->gpu_type), idle = h->gpu_idle_w(ctx, job->gpu_type);
    double lo = q->c.min_cap_fraction * tdp, hi = tdp;
    if (lo < idle) lo = idle;
    if (h->power_needed_capped_w(ctx, job->id, alloc, n, lo) > headroom) return AIDC_START_NO_POWER;
    for (int it = 0; it < 24; it++) {
        double mid = 0.5 * (lo + hi);
        if (h->power_needed_capped_w(ctx, job->id, alloc, n, mid) <= headroom) lo = mid;
        else hi = mid;
    }
    return h->start_capped(ctx, job->id, alloc, n, lo);
}

static int worst_first(const void *a, const void *b)
{
    const victim *x = a, *y = b;
    if (x->k1 != y->k1) return x->k1 > y->k1 ? -1 : 1;
    if (x->start_ns != y->start_ns) return x->start_ns > y->start_ns ? -1 : 1;
    return (x->id < y->id) - (x->id > y->id);
}

/* Preempts running jobs that come after c in the order, worst first (the
 * latest started among equals: it has the least to lose), until c fits;
 * then starts c. Preempts nothing when c would not fit even so. Returns as
 * host->start, or 2 when no room could be made. */
static int make_room(queue *q, const cand *c, int64_t now)
{
    const aidc_sched_host *h = q->host;
    void *ctx = h->ctx;
    size_t n_run = h->running_count(ctx), nv = 0;
    q->victims = grow(q->victims, &q->cap_victims, n_run + 1, sizeof *q->victims);
    victim *v = q->victims;
    for (size_t i = 0; i < n_run; i++) {
        const aidc_sched_job *r = h->running(ctx, i);
        /* a victim has run long enough and comes strictly after c in the order */
        if (now - r->start_ns < q->c.min_run_ns) continue;
        int64_t k1, k2;
        key_of(&q->c, r, now, false, &k1, &k2);
        if (k1 <= c->k1) continue;
        v[nv++] = (victim){k1, r->start_ns, r->id, i};
    }
    qsort(v, nv, sizeof *v, worst_first);
    memcpy(q->shadow, nodes_now(q), q->n_nodes * sizeof *q->shadow);
    q->res_valid = false; /* the shadow holds something else now */
    size_t need = 0, n_alloc;
    bool fits = false;
    for (; need < nv && !fits; need++) {
        const aidc_sched_job *r = h->running(ctx, v[need].order);
        aidc_place_apply(q->shadow, r->alloc, (size_t)r->n_alloc, +1);
        fits = place(q, q->shadow, &c->job, q->alloc, &n_alloc);
    }
    if (!fits) return 2;
    for (size_t i = 0; i < need; i++)
        if (h->preempt(ctx, v[i].id) != 0) return -1;
    if (!place(q, nodes_now(q), &c->job, q->alloc, &n_alloc)) return 2;
    return start(q, &c->job, q->alloc, n_alloc);
}

/* ---- backfill: none and first-fit ---------------------------------------------- */

/* After a power refusal, jobs of the same kind at least as large would be
 * refused too in this pass. */
typedef struct refusals {
    int32_t gpus[4];
} refusals;

static refusals no_refusals(void) { return (refusals){{INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX}}; }

static int kind_of(const aidc_sched_job *j) { return j->kind >= 0 && j->kind < 4 ? j->kind : 0; }

static void pass_greedy(queue *q, size_t m, int64_t now)
{
    bool strict = q->c.backfill == BF_NONE;
    refusals ref = no_refusals();
    forget_failures(q);
    size_t n_alloc;
    for (size_t k = 0; k < m; k++) {
        const cand *c = &q->cands[k];
        if (c->job.gpus >= ref.gpus[kind_of(&c->job)]) continue;
        int rc;
        if (q->c.preempt) {
            if (place(q, nodes_now(q), &c->job, q->alloc, &n_alloc)) rc = start(q, &c->job, q->alloc, n_alloc);
            else rc = make_room(q, c, now);
        } else {
            /* nothing is preempted in this pass: failures stay failures */
            if (place_now_cached(q, &c->job, q->alloc, &n_alloc)) rc = start(q, &c->job, q->alloc, n_alloc);
            else rc = 2;
        }
        if (rc < 0) return;
        if (rc == 0) continue;
        if (strict) return; /* the job blocks everything behind it */
        if (rc == AIDC_START_NO_POWER) ref.gpus[kind_of(&c->job)] = c->job.gpus;
    }
}

/* ---- backfill: EASY (Lifka 1995; Mu'alem & Feitelson 2001) ----------------------- */

static int by_end(const void *a, const void *b)
{
    const ending *x = a, *y = b;
    if (x->end_ns != y->end_ns) return x->end_ns < y->end_ns ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* Running jobs by estimated end (an overrun job is taken to end now). */
static size_t sorted_ends(queue *q, int64_t now)
{
    const aidc_sched_host *h = q->host;
    size_t n_run = h->running_count(h->ctx);
    q->ends = grow(q->ends, &q->cap_ends, n_run + 1, sizeof *q->ends);
    for (size_t i = 0; i < n_run; i++)
        q->ends[i] = (ending){now + remaining_estimate(h->running(h->ctx, i)), i};
    qsort(q->ends, n_run, sizeof *q->ends, by_end);
    return n_run;
}

/* Min-heap of endings by (end_ns, order), the order by_end sorts in. */
static bool end_before(const ending *x, const ending *y)
{
    return x->end_ns < y->end_ns || (x->end_ns == y->end_ns && x->order < y->order);
}

static void end_sift_down(ending *e, size_t n, size_t i)
{
    ending top = e[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && end_before(&e[c + 1], &e[c])) c++;
        if (!end_before(&e[c], &top)) break;
        e[i] = e[c];
        i = c;
    }
    e[i] = top;
}

static ending end_pop(ending *e, size_t *n)
{
    ending top = e[0];
    e[0] = e[--*n];
    if (*n > 1) end_sift_down(e, *n, 0);
    return top;
}

/* Fills q->shadow with the cluster at the head's shadow time (the earliest
 * time it fits as running jobs end at their estimates) and returns it.
 * The head usually fits after a few endings, so they come off a heap, in
 * by_end's order, instead of sorting every running job each pass. */
static int64_t reserve(queue *q, const aidc_sched_job *head, int64_t now)
{
    const aidc_sched_host *h = q->host;
    size_t n_run = h->running_count(h->ctx), n_alloc;
    q->ends = grow(q->ends, &q->cap_ends, n_run + 1, sizeof *q->ends);
    for (size_t i = 0; i < n_run; i++)
        q->ends[i] = (ending){now + remaining_estimate(h->running(h->ctx, i)), i};
    for (size_t i = n_run / 2; i-- > 0;) end_sift_down(q->ends, n_run, i);
    memcpy(q->shadow, nodes_now(q), q->n_nodes * sizeof *q->shadow);
    /* After a failed try, the head can only fit once a node it could use
     * changed: for a one-node head, a freed node with room; for a whole-node
     * head, enough idle GPUs of its type in all. Tries wait for that. */
    bool whole = head->gpus > largest_node_of(q, q->shadow, head);
    /* the shortcut's tests are those of whole-GPU placement by the strategies
     * below; shares and the sharing strategies retry at every end time */
    aidc_place_strategy st = q->c.placement;
    bool shortcut = !is_share(q, head) && (st == AIDC_PLACE_BEST_FIT ||
                                           st == AIDC_PLACE_TOPOLOGY_AWARE || st == AIDC_PLACE_SPREAD);
    bool tried = false, maybe = false;
    int64_t idle_gpus = 0;
    size_t left = n_run;
    while (left > 0) {
        ending e = end_pop(q->ends, &left);
        const aidc_sched_job *r = h->running(h->ctx, e.order);
        for (int32_t a = 0; a < r->n_alloc; a++) {
            aidc_sched_node *nd = &q->shadow[r->alloc[a].node];
            bool was_idle = tried && whole && aidc_place_node_idle_fit(nd, head);
            aidc_place_apply(q->shadow, &r->alloc[a], 1, +1);
            if (!tried) continue;
            if (whole) {
                if (!was_idle && aidc_place_node_idle_fit(nd, head)) idle_gpus += nd->gpus_total;
            } else if (aidc_place_node_has_room(nd, head)) {
                maybe = true;
            }
        }
        /* jobs ending at the same instant all free their nodes first */
        if (left > 0 && q->ends[0].end_ns == e.end_ns) continue;
        if (shortcut && tried && !(whole ? idle_gpus >= head->gpus : maybe)) continue;
        if (place(q, q->shadow, head, q->probe, &n_alloc)) return e.end_ns;
        if (!tried && whole)
            for (size_t i = 0; i < q->n_nodes; i++)
                if (aidc_place_node_idle_fit(&q->shadow[i], head)) idle_gpus += q->shadow[i].gpus_total;
        tried = true;
        maybe = false;
    }
    return INT64_MAX;
}

/* ---- placements already known to fail in this pass ------------------------------ *
 * Within a pass that only starts jobs, free resources only shrink, so a job
 * that found no place rules out every later job of the same GPU type and
 * placement class (one node, or whole nodes) asking at least as many GPUs.
 * Only jobs without CPU and memory requests are ruled out this way: with
 * them, whole-node placement is not monotone in the GPU count. */
/* A new pass: nothing known yet. */
static void forget_failures(queue *q)
{
    q->n_failed = 0;
}

static bool shape_cacheable(const queue *q, const aidc_sched_job *j)
{
    aidc_place_strategy st = q->c.placement;
    return j->cpus <= 0 && j->mem_gib <= 0 && j->gpu_type >= -1 && !is_share(q, j) &&
           (st == AIDC_PLACE_BEST_FIT || st == AIDC_PLACE_TOPOLOGY_AWARE || st == AIDC_PLACE_SPREAD);
}

static bool known_to_fail(const queue *q, const aidc_sched_job *j, bool whole)
{
    if (!shape_cacheable(q, j)) return false;
    for (size_t i = 0; i < q->n_failed; i++)
        if (q->failed[i].gpu_type == j->gpu_type && q->failed[i].whole == whole &&
            q->failed[i].gpus <= j->gpus)
            return true;
    return false;
}

/* The most GPUs one node of the job's type has, found once per pass (node
 * sizes do not change within a pass): a job asking more takes whole nodes. */
static int32_t largest_node_of(queue *q, const aidc_sched_node *nodes, const aidc_sched_job *job)
{
    int32_t t = job->gpu_type;
    if (t < -1 || t >= MAX_FAILED) return aidc_place_largest_node(nodes, q->n_nodes, job); /* type sets */
    int32_t *slot = &q->largest[t + 1];
    if (*slot < 0)
        *slot = q->index.built ? aidc_node_index_largest(&q->index, job)
                               : aidc_place_largest_node(nodes, q->n_nodes, job);
    return *slot;
}

static void note_failure(queue *q, const aidc_sched_job *j, bool whole)
{
    if (!shape_cacheable(q, j) || q->n_failed == MAX_FAILED) return;
    q->failed[q->n_failed++] = (failed_shape){j->gpus, j->gpu_type, whole};
}

/* place() on the cluster as it is now, for a pass that only starts jobs:
 * skips jobs known to fail and remembers new failures. */
static bool place_now_cached(queue *q, const aidc_sched_job *job, aidc_sched_alloc *out,
                             size_t *n_out)
{
    const aidc_sched_node *nodes = nodes_now(q);
    bool whole = false;
    if (shape_cacheable(q, job)) {
        whole = job->gpus > largest_node_of(q, nodes, job);
        if (known_to_fail(q, job, whole)) return false;
    }
    if (place(q, nodes, job, out, n_out)) return true;
    note_failure(q, job, whole);
    return false;
}

/* For a whole-node best-fit head without CPU or memory requests, placing it
 * on the shadow succeeds exactly when the shadow's idle nodes of its type
 * hold enough GPUs (place_whole_nodes takes them in order until it has
 * enough): then the backfill test keeps that count instead of placing. */
static bool head_counted(queue *q, const aidc_sched_job *head)
{
    return q->c.placement == AIDC_PLACE_BEST_FIT && shape_cacheable(q, head) &&
           head->gpus > largest_node_of(q, q->shadow, head);
}

/* Applies alloc to the shadow with sign; returns the GPUs of idle nodes the
 * head could use that this made busy (sign -1) or idle (sign +1). */
static int64_t shadow_apply_counted(queue *q, const aidc_sched_job *head, const aidc_sched_alloc *alloc,
                                    size_t n, int sign)
{
    int64_t moved = 0;
    for (size_t a = 0; a < n; a++) {
        aidc_sched_node *nd = &q->shadow[alloc[a].node];
        bool was = aidc_place_node_idle_fit(nd, head);
        aidc_place_apply(q->shadow, &alloc[a], 1, sign);
        if (was != aidc_place_node_idle_fit(nd, head)) moved += nd->gpus_total;
    }
    return moved;
}

/* The host's node-change count now (ABI 1.3), for a later
 * nodes_unchanged_since. */
static uint64_t nodes_cursor_now(queue *q)
{
    uint64_t c = 0;
    (void)q->host->nodes_changed(q->host->ctx, &c, NULL, 0);
    return c;
}

static bool nodes_unchanged_since(queue *q, uint64_t cursor)
{
    return q->host->nodes_changed(q->host->ctx, &cursor, NULL, 0) == 0;
}

/* Whether the reservation made in an earlier pass still stands (never with
 * GPU shares: the shadow sees them as the GPUs are now, not as they free
 * up; only for a head without CPU or memory requests, whose placement can
 * only get easier with more room -- whole-node placement with CPU or memory
 * requests is not monotone, see shape_cacheable): the same head, no node changed since that pass's last start (so no job ended,
 * started, failed or was preempted, and nothing was repaired), and its
 * shadow time still ahead. Then a fresh reservation would come out the
 * same: running jobs' estimated ends do not move while they run (an
 * overrun one counts as ending now, still before the shadow time); the
 * jobs backfilled since are running now, the short ones end before the
 * shadow time and the long ones were taken out of the kept shadow, where
 * the head was checked to still fit; earlier the cluster has only less
 * room, so the head fits no sooner. */
static bool reservation_stands(queue *q, const aidc_sched_job *head, int64_t now)
{
    return q->res_valid && q->index.usable && !q->shares_seen && shape_cacheable(q, head) &&
           q->res_head == head->id && now < q->res_shadow_ns && nodes_unchanged_since(q, q->res_cursor);
}

static void pass_easy(queue *q, size_t m, int64_t now)
{
    size_t n_alloc, k = 0;
    /* start in order while the head fits */
    for (; k < m; k++) {
        const cand *c = &q->cands[k];
        int rc;
        if (place(q, nodes_now(q), &c->job, q->alloc, &n_alloc)) rc = start(q, &c->job, q->alloc, n_alloc);
        else rc = q->c.preempt ? make_room(q, c, now) : 2;
        if (rc < 0) return;
        if (rc != 0) break; /* the head waits: for room, or for power */
    }
    if (k + 1 >= m) return;
    const aidc_sched_job *head = &q->cands[k].job;
    forget_failures(q);
    int64_t shadow_ns;
    bool counted;
    int64_t shadow_idle = 0; /* counted: GPUs of the shadow's idle nodes the head can use */
    if (reservation_stands(q, head, now)) {
        shadow_ns = q->res_shadow_ns;
        counted = q->res_counted;
        shadow_idle = q->res_shadow_idle;
    } else {
        shadow_ns = reserve(q, head, now);
        counted = shadow_ns != INT64_MAX && head_counted(q, head);
        for (size_t i = 0; counted && i < q->n_nodes; i++)
            if (aidc_place_node_idle_fit(&q->shadow[i], head)) shadow_idle += q->shadow[i].gpus_total;
    }
    q->res_valid = false;
    refusals ref = no_refusals();
    for (size_t i = k + 1; i < m; i++) {
        const aidc_sched_job *job = &q->cands[i].job;
        if (job->gpus >= ref.gpus[kind_of(job)]) continue;
        if (!place_now_cached(q, job, q->alloc, &n_alloc)) continue;
        bool ends_in_time = remaining_estimate(job) <= shadow_ns - now;
        int64_t lost = 0;
        if (!ends_in_time) {
            /* it would still hold its nodes at the shadow time: the head
             * must fit in what is left then */
            bool fits;
            if (counted) {
                lost = shadow_apply_counted(q, head, q->alloc, n_alloc, -1);
                fits = shadow_idle - lost >= head->gpus;
            } else {
                aidc_place_apply(q->shadow, q->alloc, n_alloc, -1);
                size_t n_probe;
                fits = place(q, q->shadow, head, q->probe, &n_probe);
            }
            if (!fits) {
                aidc_place_apply(q->shadow, q->alloc, n_alloc, +1);
                continue;
            }
            shadow_idle -= lost;
        }
        int rc = start(q, job, q->alloc, n_alloc);
        if (rc < 0) return;
        if (rc == AIDC_START_NO_POWER) {
            if (!ends_in_time) {
                aidc_place_apply(q->shadow, q->alloc, n_alloc, +1);
                shadow_idle += lost;
            }
            ref.gpus[kind_of(job)] = job->gpus;
        }
    }
    if (q->index.usable) {
        q->res_valid = true;
        q->res_head = head->id;
        q->res_shadow_ns = shadow_ns;
        q->res_counted = counted;
        q->res_shadow_idle = shadow_idle;
        q->res_cursor = nodes_cursor_now(q);
    }
}

/* ---- backfill: conservative (Mu'alem & Feitelson 2001) ----------------------------
 * A profile of free resources over time: segment s holds each node's free
 * GPUs, CPUs and memory over [seg_t[s], seg_t[s+1]) (the last one lasts
 * forever). Every job, in order, takes the earliest start at which one
 * placement fits throughout its estimated run; that interval is then taken
 * out of the profile, so no later job can delay it. */

static slot *seg_at(queue *q, size_t s) { return &q->seg[s * q->n_nodes]; }

static void seg_reserve(queue *q, size_t need)
{
    size_t cap = q->cap_seg;
    q->seg_t = grow(q->seg_t, &cap, need, sizeof *q->seg_t);
    if (cap != q->cap_seg) {
        slot *s = realloc(q->seg, cap * q->n_nodes * sizeof *s);
        if (!s) abort();
        q->seg = s;
        q->cap_seg = cap;
    }
}

/* Index of the segment starting at t, splitting one if needed. */
static size_t seg_split(queue *q, int64_t t)
{
    size_t s = 0;
    while (s + 1 < q->n_seg && q->seg_t[s + 1] <= t) s++;
    if (q->seg_t[s] == t) return s;
    seg_reserve(q, q->n_seg + 1);
    memmove(&q->seg_t[s + 2], &q->seg_t[s + 1], (q->n_seg - s - 1) * sizeof *q->seg_t);
    memmove(seg_at(q, s + 2), seg_at(q, s + 1), (q->n_seg - s - 1) * q->n_nodes * sizeof *q->seg);
    q->seg_t[s + 1] = t;
    memcpy(seg_at(q, s + 1), seg_at(q, s), q->n_nodes * sizeof *q->seg);
    q->n_seg++;
    return s + 1;
}

static void build_profile(queue *q, int64_t now)
{
    const aidc_sched_host *h = q->host;
    const aidc_sched_node *nodes = nodes_now(q);
    size_t n_run = sorted_ends(q, now);
    seg_reserve(q, n_run + 1);
    q->n_seg = 1;
    q->seg_t[0] = now;
    slot *s0 = seg_at(q, 0);
    for (size_t i = 0; i < q->n_nodes; i++)
        s0[i] = (slot){nodes[i].gpus_free, nodes[i].cpus_free, nodes[i].mem_free_gib};
    for (size_t k = 0; k < n_run; k++) {
        /* an overrun job is taken to end an instant from now, not now: its
         * GPUs are still busy */
        int64_t end = q->ends[k].end_ns > now ? q->ends[k].end_ns : now + 1;
        size_t s = seg_split(q, end);
        const aidc_sched_job *r = h->running(h->ctx, q->ends[k].order);
        for (size_t t = s; t < q->n_seg; t++)
            for (int32_t a = 0; a < r->n_alloc; a++) {
                slot *x = &seg_at(q, t)[r->alloc[a].node];
                x->gpus += r->alloc[a].gpus;
                x->cpus += r->alloc[a].cpus;
                x->mem += r->alloc[a].mem_gib;
            }
    }
}

/* Fills q->minv with the least free resources over [seg_t[s], until). */
static void min_view(queue *q, size_t s, int64_t until)
{
    memcpy(q->minv, nodes_now(q), q->n_nodes * sizeof *q->minv);
    for (size_t i = 0; i < q->n_nodes; i++) {
        q->minv[i].gpus_free = INT32_MAX;
        q->minv[i].cpus_free = INT32_MAX;
        q->minv[i].mem_free_gib = INFINITY;
    }
    for (size_t t = s; t < q->n_seg && (t == s || q->seg_t[t] < until); t++) {
        const slot *x = seg_at(q, t);
        for (size_t i = 0; i < q->n_nodes; i++) {
            if (x[i].gpus < q->minv[i].gpus_free) q->minv[i].gpus_free = x[i].gpus;
            if (x[i].cpus < q->minv[i].cpus_free) q->minv[i].cpus_free = x[i].cpus;
            if (x[i].mem < q->minv[i].mem_free_gib) q->minv[i].mem_free_gib = x[i].mem;
        }
    }
}

static void take(queue *q, int64_t from, int64_t until, const aidc_sched_alloc *alloc, size_t n)
{
    size_t a = seg_split(q, from), b = until == INT64_MAX ? q->n_seg : seg_split(q, until);
    for (size_t t = a; t < b; t++)
        for (size_t k = 0; k < n; k++) {
            slot *x = &seg_at(q, t)[alloc[k].node];
            x->gpus -= alloc[k].gpus;
            x->cpus -= alloc[k].cpus;
            x->mem -= alloc[k].mem_gib;
        }
}

static void pass_conservative(queue *q, size_t m, int64_t now)
{
    build_profile(q, now);
    size_t n_alloc;
    for (size_t k = 0; k < m; k++) {
        const aidc_sched_job *job = &q->cands[k].job;
        int64_t len = remaining_estimate(job);
        if (len < 1) len = 1;
        bool reserves = k < q->c.depth;
        size_t last = reserves ? q->n_seg : 1;
        for (size_t s = 0; s < last; s++) {
            int64_t from = q->seg_t[s];
            int64_t until = from > INT64_MAX - len ? INT64_MAX : from + len;
            min_view(q, s, until);
            if (!place(q, q->minv, job, q->alloc, &n_alloc)) continue;
            if (s == 0) {
                /* it can start now without delaying anyone ahead of it */
                if (!place(q, nodes_now(q), job, q->alloc, &n_alloc)) break;
                int rc = start(q, job, q->alloc, n_alloc);
                if (rc < 0) return;
                /* refused for power, it keeps its place from now on anyway */
            }
            take(q, from, until, q->alloc, n_alloc);
            break;
        }
    }
}

/* ---- the policy --------------------------------------------------------------------- */

/* LAS: a running job that passes a queue threshold may now be preempted by
 * a waiting job of a higher queue, so ask to be called at the first such
 * moment (Tiresias re-evaluates on demotion too). */
static void wake_at_demotion(queue *q, int64_t now)
{
    const aidc_sched_host *h = q->host;
    if (h->pending_count(h->ctx) == 0) return;
    int64_t first = INT64_MAX;
    size_t n_run = h->running_count(h->ctx);
    for (size_t i = 0; i < n_run; i++) {
        const aidc_sched_job *r = h->running(h->ctx, i);
        int64_t level = las_level(&q->c, r);
        if ((size_t)level >= q->c.n_thresholds || r->gpus <= 0) continue;
        double left_s = (q->c.thresholds_gpu_s[level] - (double)r->gpus * (double)r->executed_ns / 1e9) / r->gpus;
        int64_t t = now + (int64_t)ceil(left_s * 1e9);
        if (t <= now) t = now + 1;
        if (t < first) first = t;
    }
    if (first != INT64_MAX) h->wake_at(h->ctx, first);
}

static void queue_schedule(void *state)
{
    queue *q = state;
    const aidc_sched_host *h = q->host;
    if (h->pending_count(h->ctx) == 0) return;
    int64_t now = h->now_ns(h->ctx);
    /* node sizes are read afresh each pass (the index rebuilds when one changed) */
    for (size_t i = 0; i < sizeof q->largest / sizeof q->largest[0]; i++) q->largest[i] = -1;
    if (h->node_size == sizeof(aidc_sched_node)) aidc_node_index_sync(&q->index, h, h->nodes(h->ctx));
    size_t m = snapshot(q, now, nodes_now(q));
    if (m == 0) return;
    switch (q->c.backfill) {
    case BF_NONE:
    case BF_FIRST_FIT:
        pass_greedy(q, m, now);
        break;
    case BF_EASY:
        pass_easy(q, m, now);
        break;
    case BF_CONSERVATIVE:
        pass_conservative(q, m, now);
        break;
    }
    if (q->c.order == ORD_LAS) wake_at_demotion(q, now);
}

/* ---- presets ------------------------------------------------------------------------ */

static cfg base(order_kind o, backfill_kind b)
{
    return (cfg){.order = o,
                 .backfill = b,
                 .placement = AIDC_PLACE_BEST_FIT,
                 .min_run_ns = 600 * SEC_NS,
                 .depth = 50,
                 .thresholds_gpu_s = {1 * 3600.0, 10 * 3600.0},
                 .n_thresholds = 2,
                 .starve_factor = 0,
                 .starve_limit_ns = 0,
                 .min_cap_fraction = 0.5,
                 .carbon_threshold = 0.1,
                 .max_delay_ns = 24 * HOUR_NS};
}

#define P_ORDER {"order", AIDC_PARAM_STRING, "arrival", "arrival | sjf | srtf | las | priority | fair"}
#define P_BACKFILL(d) {"backfill", AIDC_PARAM_STRING, d, "none | first-fit | easy | conservative"}
#define P_PLACEMENT {"placement", AIDC_PARAM_STRING, "best-fit", "best-fit | topology-aware | spread | first-fit | fgd (fragmentation-aware, for shared GPUs)"}
#define P_PREEMPT(d) {"preempt", AIDC_PARAM_BOOL, d, "take GPUs from running jobs later in the order"}
#define P_MIN_RUN {"min_run_s", AIDC_PARAM_NUMBER, "600", "a job runs this long before it may be preempted"}
#define P_DEPTH {"depth", AIDC_PARAM_NUMBER, "50", "conservative: jobs in order that get a reservation"}
#define P_THRESH {"thresholds_gpu_h", AIDC_PARAM_STRING, "1,10", "las: attained GPU-hours that move a job down a queue"}
#define P_STARVE_F {"starve_factor", AIDC_PARAM_NUMBER, "0 (off)", "las: back to the top queue after waiting this x its run time"}
#define P_STARVE_L {"starve_limit_s", AIDC_PARAM_NUMBER, "0 (off)", "las: back to the top queue after waiting this long"}
#define P_WEIGHT {"weight.TENANT", AIDC_PARAM_NUMBER, "1", "fair: the tenant's share weight"}
#define P_QUOTA {"quota.TENANT", AIDC_PARAM_NUMBER, "none", "fair: most GPUs the tenant may hold"}
#define P_POWER {"power_aware", AIDC_PARAM_BOOL, "false", "start under a per-GPU cap that fits the power headroom"}
#define P_MIN_CAP {"min_cap", AIDC_PARAM_NUMBER, "0.5", "power-aware: lowest cap, as a fraction of TDP"}
#define P_CARBON {"carbon_aware", AIDC_PARAM_BOOL, "false", "deferrable jobs wait for cleaner hours"}
#define P_CARBON_T {"carbon_threshold", AIDC_PARAM_NUMBER, "0.1", "carbon-aware: wait when a later start is this much cleaner"}
#define P_MAX_DELAY {"max_delay_s", AIDC_PARAM_NUMBER, "86400", "carbon-aware: latest start after submit without a deadline"}
#define P_END {NULL, 0, NULL, NULL}

#define PRESET(fn, NAME, DESC, ORDER, BACKFILL, TWEAK, ...)                                      \
    static const aidc_policy_param_doc fn##_params[] = {__VA_ARGS__, P_END};                    \
    static int fn##_create(const aidc_sched_host *host, const aidc_policy_params *params,        \
                           void **state, char *err, size_t errlen)                              \
    {                                                                                           \
        cfg c = base(ORDER, BACKFILL);                                                          \
        TWEAK;                                                                                  \
        return create_with(host, params, fn##_params, state, err, errlen, NAME, c);             \
    }                                                                                           \
    static const aidc_policy_ops fn##_ops = {.abi_major = AIDC_POLICY_ABI_MAJOR,                \
                                             .abi_minor = AIDC_POLICY_ABI_MINOR,                \
                                             .size = sizeof(aidc_policy_ops),                   \
                                             .name = NAME,                                      \
                                             .description = DESC,                               \
                                             .create = fn##_create,                             \
                                             .destroy = queue_destroy,                          \
                                             .job_submitted = queue_job_submitted,              \
                                             .schedule = queue_schedule,                        \
                                             .params = fn##_params};                            \
    const aidc_policy_ops *aidc_policy_##fn(void) { return &fn##_ops; }

PRESET(fifo, "fifo", "strict first-in first-out; the head of the queue blocks everything behind it",
       ORD_ARRIVAL, BF_NONE, (void)0, P_PLACEMENT)
PRESET(easy_backfill, "easy-backfill",
       "EASY backfilling: reserve for the queue head, start later jobs that do not delay it "
       "(uses estimate_s, else duration_s)",
       ORD_ARRIVAL, BF_EASY, (void)0, P_PLACEMENT)
PRESET(conservative_backfill, "conservative-backfill",
       "conservative backfilling: every queued job gets a reservation; a job starts early only "
       "if it delays none of them",
       ORD_ARRIVAL, BF_CONSERVATIVE, (void)0, P_DEPTH, P_PLACEMENT)
PRESET(sjf, "sjf", "shortest job first by estimate; later jobs that fit start (first-fit)",
       ORD_SJF, BF_FIRST_FIT, (void)0, P_BACKFILL("first-fit"), P_PREEMPT("false"), P_PLACEMENT)
PRESET(srtf, "srtf",
       "shortest remaining time first, preemptive: a shorter job takes GPUs from longer ones "
       "(checkpoint and restore cost from the scenario)",
       ORD_SRTF, BF_FIRST_FIT, c.preempt = true, P_PREEMPT("true"), P_MIN_RUN, P_BACKFILL("first-fit"),
       P_PLACEMENT)
PRESET(las, "las",
       "Tiresias-style discretized 2D least attained service (GPUs x time), preemptive, with "
       "queue thresholds and a starvation guard",
       ORD_LAS, BF_FIRST_FIT, c.preempt = true, P_THRESH, P_STARVE_F, P_STARVE_L,
       P_PREEMPT("true"), P_MIN_RUN, P_BACKFILL("first-fit"), P_PLACEMENT)
PRESET(fair_share, "fair-share",
       "dominant resource fairness across tenants (GPUs, CPUs, memory) with weights and GPU "
       "quotas",
       ORD_FAIR, BF_FIRST_FIT, (void)0, P_WEIGHT, P_QUOTA, P_BACKFILL("first-fit"), P_PLACEMENT)
PRESET(priority, "priority",
       "highest trace priority first; preempts lower-priority jobs to make room", ORD_PRIORITY,
       BF_FIRST_FIT, c.preempt = true, P_PREEMPT("true"), P_MIN_RUN, P_BACKFILL("first-fit"), P_PLACEMENT)
PRESET(power_aware, "power-aware",
       "EASY backfilling that starts a job under a per-GPU power cap fitting the facility "
       "headroom instead of leaving it refused",
       ORD_ARRIVAL, BF_EASY, c.power_aware = true, P_MIN_CAP, P_BACKFILL("easy"), P_ORDER, P_PLACEMENT)
PRESET(carbon_aware, "carbon-aware",
       "EASY backfilling that holds deferrable jobs for lower-carbon hours within their "
       "deadline",
       ORD_ARRIVAL, BF_EASY, c.carbon_aware = true, P_CARBON_T, P_MAX_DELAY, P_BACKFILL("easy"), P_ORDER,
       P_PLACEMENT)
PRESET(queue, "queue",
       "compose your own: order x backfill x placement, with optional preemption and power or "
       "carbon awareness",
       ORD_ARRIVAL, BF_FIRST_FIT, (void)0, {"order", AIDC_PARAM_STRING, "arrival",
       "arrival | sjf | srtf | las | priority | fair"},
       {"backfill", AIDC_PARAM_STRING, "first-fit", "none | first-fit | easy | conservative"},
       P_PLACEMENT, P_PREEMPT("false"), P_MIN_RUN, P_DEPTH, P_THRESH, P_STARVE_F, P_STARVE_L,
       P_WEIGHT, P_QUOTA, P_POWER, P_MIN_CAP, P_CARBON, P_CARBON_T, P_MAX_DELAY)
