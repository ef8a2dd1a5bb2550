/* smallest_first — an example out-of-tree scheduling policy for aidcsim.
 *
 * Smallest job first: waiting jobs are taken in order of GPUs asked for
 * (fewest first, then arrival), and every one that fits starts now. It shows
 * the whole contract: one exported entry function, an ops table stamped with
 * the ABI version, state behind an opaque pointer, typed parameters, and the
 * host's services (views, start) passed in. It links the placement helpers
 * of the aidcsim-policy library, the same code the built-in policies use.
 *
 * Build against an installed aidcsim: make (uses pkg-config aidcsim-policy).
 * Run: aidcsim run SCENARIO --policy ./libsmallest_first.so
 * Parameter: "max_starts" (number >= 1, default unlimited): jobs started per
 * scheduling pass. */
#include <sched/aidc_policy.h>
#include <sched/placement.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct waiting {
    uint64_t id;
    int32_t gpus;
    size_t arrival; /* position in the host's pending list */
} waiting;

typedef struct state {
    const aidc_sched_host *host;
    size_t n_nodes;
    aidc_sched_alloc *alloc;
    waiting *queue;
    size_t cap;
    double max_starts;
} state;

static int sf_create(const aidc_sched_host *host, const aidc_policy_params *params, void **out,
                     char *err, size_t errlen)
{
    if (host->abi_major != AIDC_POLICY_ABI_MAJOR || host->node_size != sizeof(aidc_sched_node)) {
        snprintf(err, errlen, "smallest-first needs a host speaking policy ABI %d.x",
                 AIDC_POLICY_ABI_MAJOR);
        return -1;
    }
    double max_starts = 1e18;
    for (size_t i = 0; i < params->n; i++) {
        const aidc_policy_param *p = &params->items[i];
        if (strcmp(p->key, "max_starts") != 0 || p->type != AIDC_PARAM_NUMBER || !(p->number >= 1)) {
            snprintf(err, errlen, "smallest-first: unknown or invalid parameter \"%s\" (it takes "
                     "max_starts, a number >= 1)", p->key);
            return -1;
        }
        max_starts = p->number;
    }
    state *s = calloc(1, sizeof *s);
    if (!s) goto oom;
    s->host = host;
    s->max_starts = max_starts;
    s->n_nodes = host->node_count(host->ctx);
    if (!(s->alloc = calloc(s->n_nodes ? s->n_nodes : 1, sizeof *s->alloc))) goto oom;
    *out = s;
    return 0;
oom:
    free(s);
    snprintf(err, errlen, "out of memory");
    return -1;
}

static void sf_destroy(void *p)
{
    state *s = p;
    if (!s) return;
    free(s->alloc);
    free(s->queue);
    free(s);
}

static int fewest_gpus(const void *a, const void *b)
{
    const waiting *x = a, *y = b;
    if (x->gpus != y->gpus) return x->gpus < y->gpus ? -1 : 1;
    return (x->arrival > y->arrival) - (x->arrival < y->arrival);
}

static void sf_schedule(void *p)
{
    state *s = p;
    const aidc_sched_host *h = s->host;
    size_t n = h->pending_count(h->ctx);
    if (n > s->cap) {
        waiting *q = realloc(s->queue, n * sizeof *q);
        if (!q) return; /* out of memory: try again at the next pass */
        s->queue = q;
        s->cap = n;
    }
    /* copy what we need: pending pointers go stale once a job starts */
    for (size_t i = 0; i < n; i++) {
        const aidc_sched_job *j = h->pending(h->ctx, i);
        s->queue[i] = (waiting){j->id, j->gpus, i};
    }
    qsort(s->queue, n, sizeof *s->queue, fewest_gpus);
    double started = 0;
    for (size_t k = 0; k < n && started < s->max_starts; k++) {
        /* find the job again by id: the pending list shifts as jobs start */
        const aidc_sched_job *job = NULL;
        for (size_t i = 0; i < h->pending_count(h->ctx) && !job; i++) {
            const aidc_sched_job *j = h->pending(h->ctx, i);
            if (j->id == s->queue[k].id) job = j;
        }
        size_t n_alloc;
        if (!job || !aidc_place_whole(h->nodes(h->ctx), s->n_nodes, job, s->alloc, s->n_nodes, &n_alloc))
            continue;
        int rc = h->start(h->ctx, job->id, s->alloc, n_alloc);
        if (rc < 0) return; /* the host reports a broken call itself */
        if (rc == 0) started++;
    }
}

static const aidc_policy_param_doc sf_params[] = {
    {"max_starts", AIDC_PARAM_NUMBER, "unlimited", "jobs started per scheduling pass"},
    {NULL, 0, NULL, NULL},
};

static const aidc_policy_ops sf_ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "smallest-first",
    .description = "example plugin: fewest GPUs first, every job that fits starts",
    .create = sf_create,
    .destroy = sf_destroy,
    .schedule = sf_schedule,
    .params = sf_params,
};

/* The one exported symbol the host looks up. */
const aidc_policy_ops *aidc_policy_entry(void) { return &sf_ops; }
