/* SenseTime Helios cluster logs; see helios.h. */
#include "tools/traces/helios.h"

#include <stdint.h>
#include <stdlib.h>

#include "tools/traces/table.h"

/* A recorded difference (duration, queue) that disagrees with the times by more than this
 * is noted; the logs round to whole seconds. */
#define TOLERANCE_NS AIDC_TR_NS

static int check_recorded(aidc_tr_conv *c, const aidc_tr_row *r, int col, int64_t from_times,
                          const char *key, const char *what)
{
    if (col < 0 || aidc_tr_empty(r, (size_t)col)) return 0;
    int64_t v;
    if (aidc_tr_get_seconds(c, r, (size_t)col, false, &v) != 0) return -1;
    if (llabs(v - from_times) > TOLERANCE_NS) aidc_tr_note(c, key, what, r->line);
    return 0;
}

static int opt_str(aidc_tr_conv *c, const aidc_tr_row *r, int col, uint32_t *out)
{
    if (col < 0 || aidc_tr_empty(r, (size_t)col)) return 0;
    return aidc_tr_set_str(c, out, r->f[col]);
}

int aidc_tr_helios_job(aidc_tr_conv *c, const aidc_tr_row *r, const aidc_tr_hcols *k,
                       aidc_tr_job *j)
{
    if (aidc_tr_empty(r, (size_t)k->id))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"%s\": a value is required",
                                r->cols[k->id].name);
    int64_t gpus, cpus = -1, nodes = -1;
    if (aidc_tr_get_int(c, r, (size_t)k->gpus, 0, 1000000, &gpus) != 0) return -1;
    if (k->cpus >= 0 && !aidc_tr_empty(r, (size_t)k->cpus) &&
        aidc_tr_get_int(c, r, (size_t)k->cpus, 0, INT32_MAX, &cpus) != 0)
        return -1;
    if (k->nodes >= 0 && !aidc_tr_empty(r, (size_t)k->nodes) &&
        aidc_tr_get_int(c, r, (size_t)k->nodes, 0, 1000000, &nodes) != 0)
        return -1;
    int64_t submit, start = -1, end = -1;
    if (aidc_tr_get_datetime(c, r, (size_t)k->submit, &submit) != 0) return -1;
    if (!aidc_tr_empty(r, (size_t)k->start) &&
        aidc_tr_get_datetime(c, r, (size_t)k->start, &start) != 0)
        return -1;
    if (!aidc_tr_empty(r, (size_t)k->end) && aidc_tr_get_datetime(c, r, (size_t)k->end, &end) != 0)
        return -1;

    *j = aidc_tr_job_blank();
    j->line = r->line;
    if (gpus == 0) {
        aidc_tr_drop(c, "no_gpu", "CPU-only job (gpu_num 0)", r->line);
        return 0;
    }
    if (!aidc_tr_set_times(c, j, submit, start, end)) return 0;
    if (check_recorded(c, r, k->duration, j->duration_ns, "duration_mismatch",
                       "duration column differs from end_time - start_time (the times win)") ||
        check_recorded(c, r, k->queue, j->wait_ns, "queue_mismatch",
                       "queue column differs from start_time - submit_time (the times win)"))
        return -1;
    j->gpus = (int32_t)gpus;
    j->cpus = (int32_t)cpus;
    j->nodes = (int32_t)nodes;
    if (aidc_tr_set_str(c, &j->id, r->f[k->id]) != 0 || opt_str(c, r, k->vc, &j->tenant) != 0 ||
        opt_str(c, r, k->user, &j->user) != 0 || opt_str(c, r, k->state, &j->status) != 0)
        return -1;
    return 1;
}

enum {
    H_ID,
    H_USER,
    H_VC,
    H_GPU,
    H_CPU,
    H_NODE,
    H_STATE,
    H_SUBMIT,
    H_START,
    H_END,
    H_DUR,
    H_QUEUE,
    N_H
};

static const aidc_tr_col cols[N_H] = {
    [H_ID] = {"job_id", true},        [H_USER] = {"user", false},
    [H_VC] = {"vc", false},           [H_GPU] = {"gpu_num", true},
    [H_CPU] = {"cpu_num", false},     [H_NODE] = {"node_num", false},
    [H_STATE] = {"state", false},     [H_SUBMIT] = {"submit_time", true},
    [H_START] = {"start_time", true}, [H_END] = {"end_time", true},
    [H_DUR] = {"duration", false},    [H_QUEUE] = {"queue", false},
};

static const aidc_tr_hcols where = {H_ID,    H_USER,   H_VC,    H_GPU, H_CPU, H_NODE,
                                    H_STATE, H_SUBMIT, H_START, H_END, H_DUR, H_QUEUE};

static int row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    aidc_tr_job j;
    int rc = aidc_tr_helios_job(c, r, &where, &j);
    return rc <= 0 ? rc : aidc_tr_add_job(c, &j);
}

int aidc_tr_helios(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, cols, N_H, AIDC_TR_HEADER, false, true, row, NULL);
}
