/* good_fifo — a test plugin: strict FIFO with best-fit placement, written
 * against the public header and the placement helpers only. It must give
 * exactly the built-in fifo's schedule. */
#include <stdio.h>
#include <stdlib.h>

#include "sched/aidc_policy.h"
#include "sched/placement.h"

typedef struct st {
    const aidc_sched_host *host;
    aidc_sched_alloc *alloc;
    size_t n;
} st;

static int create(const aidc_sched_host *host, const aidc_policy_params *params, void **out,
                  char *err, size_t errlen)
{
    if (params->n) {
        snprintf(err, errlen, "good-fifo takes no parameters (got \"%s\")", params->items[0].key);
        return -1;
    }
    st *s = calloc(1, sizeof *s);
    if (!s) return -1;
    s->host = host;
    s->n = host->node_count(host->ctx);
    s->alloc = calloc(s->n ? s->n : 1, sizeof *s->alloc);
    *out = s;
    return s->alloc ? 0 : -1;
}

static void destroy(void *p)
{
    st *s = p;
    free(s->alloc);
    free(s);
}

static void schedule(void *p)
{
    st *s = p;
    const aidc_sched_host *h = s->host;
    while (h->pending_count(h->ctx) > 0) {
        const aidc_sched_job *job = h->pending(h->ctx, 0);
        size_t n_alloc;
        if (!aidc_place_whole(h->nodes(h->ctx), s->n, job, s->alloc, s->n, &n_alloc)) return;
        if (h->start(h->ctx, job->id, s->alloc, n_alloc) != 0) return;
    }
}

static const aidc_policy_ops ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "good-fifo",
    .description = "test plugin: strict FIFO, best fit",
    .create = create,
    .destroy = destroy,
    .schedule = schedule,
};

const aidc_policy_ops *aidc_policy_entry(void) { return &ops; }
