/* Alibaba openb pod and node lists; see openb.h. */
#include "tools/traces/openb.h"

#include <stdint.h>
#include <string.h>

#include "tools/traces/table.h"

enum {
    P_NAME,
    P_CPU,
    P_MEM,
    P_NGPU,
    P_GMILLI,
    P_SPEC,
    P_QOS,
    P_PHASE,
    P_CREATE,
    P_DELETE,
    P_SCHED,
    N_P
};

static const aidc_tr_col pod_cols[N_P] = {
    [P_NAME] = {"name", true},
    [P_CPU] = {"cpu_milli", true},
    [P_MEM] = {"memory_mib", true},
    [P_NGPU] = {"num_gpu", true},
    [P_GMILLI] = {"gpu_milli", true},
    [P_SPEC] = {"gpu_spec", false},
    [P_QOS] = {"qos", false},
    [P_PHASE] = {"pod_phase", false},
    [P_CREATE] = {"creation_time", false},
    [P_DELETE] = {"deletion_time", false},
    [P_SCHED] = {"scheduled_time", false},
};

static int pod_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    if (aidc_tr_empty(r, P_NAME))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"name\": a value is required");
    int64_t cpu, mem, ngpu, milli;
    if (aidc_tr_get_int(c, r, P_CPU, 0, INT64_C(1000000000), &cpu) != 0 ||
        aidc_tr_get_int(c, r, P_MEM, 0, INT64_C(1000000000000), &mem) != 0 ||
        aidc_tr_get_int(c, r, P_NGPU, 0, 1000000, &ngpu) != 0 ||
        aidc_tr_get_int(c, r, P_GMILLI, 0, 1000, &milli) != 0)
        return -1;
    if (ngpu == 0) {
        aidc_tr_drop(c, "no_gpu", "CPU-only pod (num_gpu 0)", r->line);
        return 0;
    }
    if (milli == 0)
        return aidc_tr_failf_at(c, r->path, r->line,
                                "column \"gpu_milli\": expected 1 to 1000 for a pod with "
                                "num_gpu %lld, found \"0\"",
                                (long long)ngpu);

    aidc_tr_job j = aidc_tr_job_blank();
    j.line = r->line;
    j.gpus = (int32_t)ngpu;
    j.gpu_milli = (int32_t)milli;
    j.mem_gib = (double)mem / 1024.0;
    aidc_tr_set_cpu_milli(c, &j, cpu);
    if (aidc_tr_set_str(c, &j.id, r->f[P_NAME]) != 0) return -1;
    if (!aidc_tr_empty(r, P_SPEC) && aidc_tr_set_gpu_spec(c, &j, r->f[P_SPEC]) != 0) return -1;
    if (!aidc_tr_empty(r, P_QOS) && aidc_tr_set_str(c, &j.qos, r->f[P_QOS]) != 0) return -1;
    if (!aidc_tr_empty(r, P_PHASE) && aidc_tr_set_str(c, &j.status, r->f[P_PHASE]) != 0) return -1;

    if (aidc_tr_empty(r, P_CREATE)) {
        j.submit_ns = 0;
        j.duration_ns = 0;
        aidc_tr_note(c, "untimed",
                     "pod without times: submit_s 0 and duration_s 0 in list order "
                     "(placement-only studies)",
                     r->line);
        return aidc_tr_add_job(c, &j);
    }
    int64_t created, deleted, scheduled = -1;
    if (aidc_tr_get_seconds(c, r, P_CREATE, false, &created) != 0 ||
        aidc_tr_get_seconds(c, r, P_DELETE, false, &deleted) != 0)
        return -1;
    if (!aidc_tr_empty(r, P_SCHED) && aidc_tr_get_seconds(c, r, P_SCHED, false, &scheduled) != 0)
        return -1;
    j.submit_ns = created;
    if (scheduled < 0) {
        if (deleted < created) {
            aidc_tr_drop(c, "end_before_submit", "deletion_time before creation_time", r->line);
            return 0;
        }
        j.duration_ns = deleted - created;
        aidc_tr_note(c, "never_scheduled",
                     "pod never scheduled: duration_s is its lifetime (deletion - creation), "
                     "no x_wait_s",
                     r->line);
    } else {
        if (scheduled < created) {
            aidc_tr_drop(c, "start_before_submit", "scheduled_time before creation_time", r->line);
            return 0;
        }
        if (deleted < scheduled) {
            aidc_tr_drop(c, "end_before_start", "deletion_time before scheduled_time", r->line);
            return 0;
        }
        j.duration_ns = deleted - scheduled;
        j.wait_ns = scheduled - created;
    }
    return aidc_tr_add_job(c, &j);
}

int aidc_tr_openb_pods(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, pod_cols, N_P, AIDC_TR_HEADER, false, true, pod_row, NULL);
}

enum { N_SN, N_CPU, N_MEM, N_GPU, N_MODEL, N_N };

static const aidc_tr_col node_cols[N_N] = {
    [N_SN] = {"sn", true},   [N_CPU] = {"cpu_milli", true}, [N_MEM] = {"memory_mib", true},
    [N_GPU] = {"gpu", true}, [N_MODEL] = {"model", true},
};

static int node_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    if (aidc_tr_empty(r, N_SN))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"sn\": a value is required");
    int64_t cpu, mem, gpus;
    if (aidc_tr_get_int(c, r, N_CPU, 0, INT64_C(1000000000), &cpu) != 0 ||
        aidc_tr_get_int(c, r, N_MEM, 0, INT64_C(1000000000000), &mem) != 0 ||
        aidc_tr_get_int(c, r, N_GPU, 0, 1024, &gpus) != 0)
        return -1;
    aidc_tr_pool_shape s = {.gpu = AIDC_TR_NO_STR,
                            .gpus = (int32_t)gpus,
                            .cpus = (int32_t)(cpu / 1000),
                            .mem_gib = (double)mem / 1024.0,
                            .gpu_mem_gb = -1};
    if (cpu % 1000)
        aidc_tr_note(c, "node_cpus_rounded_down",
                     "fractional node CPU capacity rounded down to whole cores", r->line);
    if (gpus > 0) {
        if (aidc_tr_empty(r, N_MODEL))
            return aidc_tr_failf_at(c, r->path, r->line,
                                    "column \"model\": a node with %lld GPUs needs its GPU model, "
                                    "found \"\"",
                                    (long long)gpus);
        if (aidc_tr_set_str(c, &s.gpu, r->f[N_MODEL]) != 0) return -1;
    }
    return aidc_tr_add_node(c, &s);
}

int aidc_tr_openb_nodes(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, node_cols, N_N, AIDC_TR_HEADER, false, true, node_row, NULL);
}
