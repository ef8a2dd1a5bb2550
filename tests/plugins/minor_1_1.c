/* minor_1_1 — a test plugin built against the frozen ABI 1.1 header
 * (tests/plugins/abi-1.1): it knows preemption, wake-ups and parameter docs but
 * not GPU sharing (1.2). A 1.2 host must load and run it unchanged: on whole-GPU
 * workloads it schedules exactly as before; on a workload with fractional jobs it
 * sees only whole GPUs (gpus_free counts entirely free GPUs) and gives such jobs
 * whole GPUs through start(). Shortest estimate first, first fit, with a
 * "largest_first" parameter to show 1.1's typed parameters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aidc_policy.h"

#if AIDC_POLICY_ABI_MINOR != 1
#error "minor_1_1 must be built against the ABI 1.1 header"
#endif

typedef struct st {
    const aidc_sched_host *host;
    aidc_sched_alloc *alloc;
    size_t n;
    int largest_first;
} st;

static int create(const aidc_sched_host *host, const aidc_policy_params *params, void **out,
                  char *err, size_t errlen)
{
    if (host->abi_minor < 1) {
        snprintf(err, errlen, "minor-1-1 needs a host speaking policy ABI 1.1 or later");
        return -1;
    }
    st *s = calloc(1, sizeof *s);
    if (!s) return -1;
    s->host = host;
    s->n = host->node_count(host->ctx);
    s->alloc = calloc(s->n ? s->n : 1, sizeof *s->alloc);
    for (size_t i = 0; i < params->n; i++) {
        if (strcmp(params->items[i].key, "largest_first") == 0 &&
            params->items[i].type == AIDC_PARAM_BOOL) {
            s->largest_first = params->items[i].boolean;
        } else {
            snprintf(err, errlen, "minor-1-1 has no parameter \"%s\" (it takes: largest_first)",
                     params->items[i].key);
            free(s->alloc);
            free(s);
            return -1;
        }
    }
    *out = s;
    return s->alloc ? 0 : -1;
}

static void destroy(void *p)
{
    st *s = p;
    free(s->alloc);
    free(s);
}

/* One node with room (jobs up to a node), else idle whole nodes. */
static size_t first_fit(const aidc_sched_host *h, size_t n, const aidc_sched_job *job,
                        aidc_sched_alloc *out)
{
    const aidc_sched_node *nodes = h->nodes(h->ctx);
    int32_t largest = 0;
    for (size_t i = 0; i < n; i++)
        if (aidc_sched_node_at(h, nodes, i)->gpus_total > largest)
            largest = aidc_sched_node_at(h, nodes, i)->gpus_total;
    if (job->gpus <= largest) {
        for (size_t i = 0; i < n; i++) {
            const aidc_sched_node *nd = aidc_sched_node_at(h, nodes, i);
            if ((job->gpu_type < 0 || job->gpu_type == nd->gpu_type) && nd->gpus_free >= job->gpus &&
                nd->cpus_free >= job->cpus && nd->mem_free_gib >= job->mem_gib) {
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
    for (;;) {
        size_t m = h->pending_count(h->ctx), pick = m;
        for (size_t i = 0; i < m; i++) {
            const aidc_sched_job *j = h->pending(h->ctx, i);
            if (!first_fit(h, s->n, j, s->alloc)) continue;
            const aidc_sched_job *b = pick < m ? h->pending(h->ctx, pick) : NULL;
            if (!b || (s->largest_first ? j->gpus > b->gpus : j->estimate_ns < b->estimate_ns)) pick = i;
        }
        if (pick == m) return;
        const aidc_sched_job *job = h->pending(h->ctx, pick);
        size_t n = first_fit(h, s->n, job, s->alloc);
        if (h->start(h->ctx, job->id, s->alloc, n) != 0) return;
    }
}

static const aidc_policy_param_doc docs[] = {
    {"largest_first", AIDC_PARAM_BOOL, "false", "most GPUs first instead of shortest estimate"},
    {NULL, 0, NULL, NULL}};

static const aidc_policy_ops ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "minor-1-1",
    .description = "test plugin built against policy ABI 1.1 (shortest estimate first, first fit)",
    .create = create,
    .destroy = destroy,
    .schedule = schedule,
    .params = docs,
};

const aidc_policy_ops *aidc_policy_entry(void) { return &ops; }
