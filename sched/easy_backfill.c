/* easy-backfill — EASY backfilling (Lifka 1995; Mu'alem & Feitelson 2001).
 *
 * Jobs start in arrival order while they fit. When the head does not fit, it
 * gets a reservation: the earliest time (the "shadow time") at which it would
 * fit if running jobs end at start + estimate, computed node by node on a copy
 * of the cluster view. A later job may then start now ("backfill") if it fits
 * now and either ends by the shadow time, or leaves enough room that the head
 * still fits at the shadow time. Estimates are the trace's estimate_s, else
 * its duration_s; a job that overran its estimate is taken to end now.
 * Parameters: "placement" ("best-fit" default, "topology-aware", "spread"). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/builtin.h"
#include "sched/placement.h"

typedef struct ending {
    int64_t end_ns;
    size_t order; /* position in the running list: ties end in start order */
} ending;

typedef struct easy {
    const aidc_sched_host *host;
    size_t n_nodes;
    aidc_sched_alloc *alloc;  /* scratch for a placement */
    aidc_sched_alloc *probe;  /* scratch for the head's placement at the shadow time */
    aidc_sched_node *shadow;  /* the cluster as it will be at the shadow time */
    ending *ends;
    size_t ends_cap;
    aidc_place_strategy placement;
} easy;

static int easy_create(const aidc_sched_host *host, const aidc_policy_params *params,
                       void **state, char *err, size_t errlen)
{
    aidc_place_strategy strategy;
    if (aidc_place_params("easy-backfill", params, NULL, &strategy, err, errlen)) return -1;
    easy *e = calloc(1, sizeof *e);
    if (!e) goto oom;
    e->host = host;
    e->placement = strategy;
    e->n_nodes = host->node_count(host->ctx);
    size_t n = e->n_nodes ? e->n_nodes : 1;
    e->alloc = calloc(n, sizeof *e->alloc);
    e->probe = calloc(n, sizeof *e->probe);
    e->shadow = calloc(n, sizeof *e->shadow);
    if (!e->alloc || !e->probe || !e->shadow) goto oom;
    *state = e;
    return 0;
oom:
    if (e) {
        free(e->alloc);
        free(e->probe);
        free(e->shadow);
        free(e);
    }
    snprintf(err, errlen, "out of memory");
    return -1;
}

static void easy_destroy(void *state)
{
    easy *e = state;
    if (!e) return;
    free(e->alloc);
    free(e->probe);
    free(e->shadow);
    free(e->ends);
    free(e);
}

static int by_end(const void *a, const void *b)
{
    const ending *x = a, *y = b;
    if (x->end_ns != y->end_ns) return x->end_ns < y->end_ns ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

/* Fills e->shadow with the cluster at the head's shadow time and returns
 * that time (INT64_MAX if the head never fits, which placement rules out). */
static int64_t reserve(easy *e, const aidc_sched_job *head)
{
    const aidc_sched_host *h = e->host;
    void *ctx = h->ctx;
    int64_t now = h->now_ns(ctx);
    size_t n_run = h->running_count(ctx);
    if (n_run > e->ends_cap) {
        size_t cap = n_run * 2;
        ending *ends = realloc(e->ends, cap * sizeof *ends);
        if (!ends) abort();
        e->ends = ends;
        e->ends_cap = cap;
    }
    for (size_t i = 0; i < n_run; i++) {
        const aidc_sched_job *r = h->running(ctx, i);
        int64_t end = r->start_ns + r->estimate_ns;
        e->ends[i] = (ending){end > now ? end : now, i};
    }
    qsort(e->ends, n_run, sizeof *e->ends, by_end);
    memcpy(e->shadow, h->nodes(ctx), e->n_nodes * sizeof *e->shadow);
    size_t n_alloc;
    for (size_t k = 0; k < n_run; k++) {
        const aidc_sched_job *r = h->running(ctx, e->ends[k].order);
        aidc_place_apply(e->shadow, r->alloc, (size_t)r->n_alloc, +1);
        /* jobs ending at the same instant all free their nodes first */
        if (k + 1 < n_run && e->ends[k + 1].end_ns == e->ends[k].end_ns) continue;
        if (aidc_place(e->shadow, e->n_nodes, head, e->placement, e->probe, e->n_nodes, &n_alloc))
            return e->ends[k].end_ns;
    }
    return INT64_MAX;
}

static void easy_schedule(void *state)
{
    easy *e = state;
    const aidc_sched_host *h = e->host;
    void *ctx = h->ctx;
    size_t n_alloc;
    /* start in order while the head fits */
    while (h->pending_count(ctx) > 0) {
        const aidc_sched_job *job = h->pending(ctx, 0);
        if (!aidc_place(h->nodes(ctx), e->n_nodes, job, e->placement, e->alloc, e->n_nodes, &n_alloc))
            break;
        int rc = h->start(ctx, job->id, e->alloc, n_alloc);
        if (rc < 0) return;
        if (rc == AIDC_START_NO_POWER) break; /* the head waits for power */
    }
    if (h->pending_count(ctx) < 2) return;

    const aidc_sched_job *head = h->pending(ctx, 0);
    int64_t shadow_ns = reserve(e, head);
    int64_t now = h->now_ns(ctx);
    /* after a refusal for power, jobs of the same kind at least as large
     * would be refused too: skip them this pass */
    int32_t refused_gpus[4] = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX};
    size_t i = 1;
    while (i < h->pending_count(ctx)) {
        const aidc_sched_job *job = h->pending(ctx, i);
        int kind = job->kind >= 0 && job->kind < 4 ? job->kind : 0;
        if (job->gpus >= refused_gpus[kind]) {
            i++;
            continue;
        }
        if (!aidc_place(h->nodes(ctx), e->n_nodes, job, e->placement, e->alloc, e->n_nodes, &n_alloc)) {
            i++;
            continue;
        }
        bool ends_in_time = job->estimate_ns <= shadow_ns - now;
        if (!ends_in_time) {
            /* it would still hold its nodes at the shadow time: the head
             * must fit in what is left then */
            aidc_place_apply(e->shadow, e->alloc, n_alloc, -1);
            size_t n_probe;
            if (!aidc_place(e->shadow, e->n_nodes, head, e->placement, e->probe, e->n_nodes, &n_probe)) {
                aidc_place_apply(e->shadow, e->alloc, n_alloc, +1);
                i++;
                continue;
            }
        }
        int rc = h->start(ctx, job->id, e->alloc, n_alloc);
        if (rc < 0) return;
        if (rc == AIDC_START_NO_POWER) {
            if (!ends_in_time) aidc_place_apply(e->shadow, e->alloc, n_alloc, +1);
            if (job->gpus < refused_gpus[kind]) refused_gpus[kind] = job->gpus;
            i++;
            continue;
        }
        /* the started job left the pending list: i now names the next one */
    }
}

static const aidc_policy_ops easy_ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "easy-backfill",
    .description = "EASY backfilling: reserve for the queue head, start later jobs that do not "
                   "delay it (uses estimate_s, else duration_s)",
    .create = easy_create,
    .destroy = easy_destroy,
    .schedule = easy_schedule,
};

const aidc_policy_ops *aidc_policy_easy_backfill(void) { return &easy_ops; }
