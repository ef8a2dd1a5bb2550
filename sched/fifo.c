/* fifo — strict first-in first-out: the queue head starts as soon as it
 * fits; nothing behind it may start first, even if it would fit.
 * Parameters: "placement" ("best-fit" default, "topology-aware", "spread"). */
#include <stdio.h>
#include <stdlib.h>

#include "sched/builtin.h"
#include "sched/placement.h"

typedef struct fifo {
    const aidc_sched_host *host;
    aidc_sched_alloc *alloc; /* scratch, one entry per node */
    size_t cap;
    aidc_place_strategy placement;
} fifo;

static int fifo_create(const aidc_sched_host *host, const aidc_policy_params *params,
                       void **state, char *err, size_t errlen)
{
    aidc_place_strategy strategy;
    if (aidc_place_params("fifo", params, NULL, &strategy, err, errlen)) return -1;
    fifo *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    f->host = host;
    f->placement = strategy;
    f->cap = host->node_count(host->ctx);
    f->alloc = calloc(f->cap ? f->cap : 1, sizeof *f->alloc);
    if (!f->alloc) {
        free(f);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    *state = f;
    return 0;
}

static void fifo_destroy(void *state)
{
    fifo *f = state;
    if (!f) return;
    free(f->alloc);
    free(f);
}

static void fifo_schedule(void *state)
{
    fifo *f = state;
    const aidc_sched_host *h = f->host;
    while (h->pending_count(h->ctx) > 0) {
        const aidc_sched_job *job = h->pending(h->ctx, 0);
        size_t n_alloc;
        if (!aidc_place(h->nodes(h->ctx), f->cap, job, f->placement, f->alloc, f->cap, &n_alloc))
            break;
        if (h->start(h->ctx, job->id, f->alloc, n_alloc) != 0) break; /* incl. no power */
    }
}

static const aidc_policy_ops fifo_ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "fifo",
    .description = "strict first-in first-out; the head of the queue blocks everything behind it",
    .create = fifo_create,
    .destroy = fifo_destroy,
    .schedule = fifo_schedule,
};

const aidc_policy_ops *aidc_policy_fifo(void) { return &fifo_ops; }
