/* old_minor — a test plugin built against the frozen ABI 1.0 header
 * (tests/plugins/abi-1.0): its ops table is shorter than today's and has no
 * parameter docs. A 1.x host must load and run it. First fit: the head of
 * the queue goes to the lowest-numbered node with room (jobs up to a node),
 * or to the lowest-numbered idle whole nodes (larger jobs). */
#include <stdio.h>
#include <stdlib.h>

#include "aidc_policy.h"

#if AIDC_POLICY_ABI_MINOR != 0
#error "old_minor must be built against the ABI 1.0 header"
#endif

typedef struct st {
    const aidc_sched_host *host;
    aidc_sched_alloc *alloc;
} st;

static int create(const aidc_sched_host *host, const aidc_policy_params *params, void **out,
                  char *err, size_t errlen)
{
    (void)params;
    (void)err;
    (void)errlen;
    st *s = calloc(1, sizeof *s);
    if (!s) return -1;
    s->host = host;
    size_t n = host->node_count(host->ctx);
    s->alloc = calloc(n ? n : 1, sizeof *s->alloc);
    *out = s;
    return s->alloc ? 0 : -1;
}

static void destroy(void *p)
{
    st *s = p;
    free(s->alloc);
    free(s);
}

static size_t first_fit(const aidc_sched_host *h, const aidc_sched_job *job, aidc_sched_alloc *out)
{
    const aidc_sched_node *nodes = h->nodes(h->ctx);
    size_t n = h->node_count(h->ctx);
    const aidc_sched_node *first = aidc_sched_node_at(h, nodes, 0);
    if (job->gpus <= first->gpus_total) {
        for (size_t i = 0; i < n; i++) {
            const aidc_sched_node *nd = aidc_sched_node_at(h, nodes, i);
            if (nd->gpus_free >= job->gpus && nd->cpus_free >= job->cpus &&
                nd->mem_free_gib >= job->mem_gib) {
                out[0] = (aidc_sched_alloc){(int32_t)i, job->gpus, job->cpus, job->mem_gib};
                return 1;
            }
        }
        return 0;
    }
    size_t k = 0;
    int32_t got = 0;
    for (size_t i = 0; i < n && got < job->gpus; i++) {
        const aidc_sched_node *nd = aidc_sched_node_at(h, nodes, i);
        if (nd->gpus_free != nd->gpus_total || nd->cpus_free != nd->cpus_total) continue;
        out[k++] = (aidc_sched_alloc){(int32_t)i, nd->gpus_total, nd->cpus_total, nd->mem_total_gib};
        got += nd->gpus_total;
    }
    return got >= job->gpus ? k : 0;
}

static void schedule(void *p)
{
    st *s = p;
    const aidc_sched_host *h = s->host;
    while (h->pending_count(h->ctx) > 0) {
        const aidc_sched_job *job = h->pending(h->ctx, 0);
        size_t n = first_fit(h, job, s->alloc);
        if (!n || h->start(h->ctx, job->id, s->alloc, n) != 0) return;
    }
}

static const aidc_policy_ops ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "old-minor",
    .description = "test plugin built against policy ABI 1.0",
    .create = create,
    .destroy = destroy,
    .schedule = schedule,
};

const aidc_policy_ops *aidc_policy_entry(void) { return &ops; }
