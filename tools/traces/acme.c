/* Shanghai AI Lab Acme job traces; see acme.h. */
#include "tools/traces/acme.h"

#include <string.h>

#include "tools/traces/helios.h"
#include "tools/traces/table.h"

enum {
    A_ID,
    A_USER,
    A_NODE,
    A_GPU,
    A_CPU,
    A_MEM,
    A_TYPE,
    A_STATE,
    A_SUBMIT,
    A_START,
    A_END,
    A_DUR,
    A_QUEUE,
    N_A
};

static const aidc_tr_col cols[N_A] = {
    [A_ID] = {"job_id", true},          [A_USER] = {"user", true},
    [A_NODE] = {"node_num", true},      [A_GPU] = {"gpu_num", true},
    [A_CPU] = {"cpu_num", true},        [A_MEM] = {"mem_per_pod_GB", false},
    [A_TYPE] = {"type", true},          [A_STATE] = {"state", true},
    [A_SUBMIT] = {"submit_time", true}, [A_START] = {"start_time", true},
    [A_END] = {"end_time", true},       [A_DUR] = {"duration", false},
    [A_QUEUE] = {"queue", false},
};

/* vc: none; the user doubles as tenant below. */
static const aidc_tr_hcols where = {A_ID,    A_USER,   -1,      A_GPU, A_CPU, A_NODE,
                                    A_STATE, A_SUBMIT, A_START, A_END, A_DUR, A_QUEUE};

static int row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    aidc_tr_job j;
    int rc = aidc_tr_helios_job(c, r, &where, &j);
    if (rc <= 0) return rc;
    j.tenant = j.user; /* and not also x_user: the same value twice */
    j.user = AIDC_TR_NO_STR;
    if (!aidc_tr_empty(r, A_MEM)) {
        double per_pod;
        if (aidc_tr_get_num(c, r, A_MEM, 0, 1e9, &per_pod) != 0) return -1;
        j.mem_gib = per_pod * (j.nodes > 0 ? j.nodes : 1);
    }
    if (!aidc_tr_empty(r, A_TYPE)) {
        const char *t = r->f[A_TYPE];
        if (aidc_tr_set_str(c, &j.type, t) != 0) return -1;
        if (strcmp(t, "Pretrain") == 0)
            j.kind = AIDC_KIND_TRAINING;
        else if (strcmp(t, "SFT") == 0)
            j.kind = AIDC_KIND_FINETUNE;
        else if (strcmp(t, "Evaluation") == 0)
            j.kind = AIDC_KIND_BATCH;
    }
    return aidc_tr_add_job(c, &j);
}

int aidc_tr_acme(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, cols, N_A, AIDC_TR_HEADER, false, true, row, NULL);
}
