/* Alibaba PAI 2020 tables; see pai.h. The job table is read first; task and instance rows
 * join it by job_name through an index, and are summed into one record per job. */
#include "tools/traces/pai.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tools/traces/table.h"

typedef struct pjob {
    uint32_t id, user, status; /* in the conversion's pool */
    uint32_t line;
    int64_t submit, start, end; /* -1: not recorded */
    bool running;               /* a started task has no end */
    int tasks;
    int64_t gpus;
    double gpu_pct, cpu_pct, mem_gb;
    char *types, *task_names; /* '|'-joined distinct names, or NULL */
    int32_t machines;
} pjob;

typedef struct machine_ref {
    uint32_t job, machine; /* job index, machine name offset in names */
} machine_ref;

typedef struct pai {
    aidc_tr_pool names; /* job_name -> job index; machine names */
    pjob *jobs;
    size_t n, cap;
    machine_ref *refs;
    size_t n_refs, cap_refs;
} pai;

/* ---- helpers -------------------------------------------------------------------------------- */

/* Appends name to a '|'-joined list unless it is already there. 0, or -1 when out of memory. */
static int add_distinct(char **list, const char *name)
{
    size_t n = strlen(name);
    if (*list) {
        for (const char *p = *list; *p;) {
            size_t k = strcspn(p, "|");
            if (k == n && memcmp(p, name, n) == 0) return 0;
            p += k + (p[k] == '|');
        }
    }
    size_t old = *list ? strlen(*list) : 0;
    char *s = realloc(*list, old + n + 2);
    if (!s) return -1;
    if (old) s[old++] = '|';
    memcpy(s + old, name, n + 1);
    *list = s;
    return 0;
}

static int opt_seconds(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, int64_t *ns)
{
    *ns = -1;
    return aidc_tr_empty(r, i) ? 0 : aidc_tr_get_seconds(c, r, i, false, ns);
}

static int opt_num(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, double *v)
{
    *v = 0;
    return aidc_tr_empty(r, i) ? 0 : aidc_tr_get_num(c, r, i, 0, 1e12, v);
}

static int64_t job_of(const pai *p, const aidc_tr_row *r)
{
    return aidc_tr_empty(r, 0) ? -1 : aidc_tr_index_get(&p->names, r->f[0], strlen(r->f[0]));
}

/* ---- the three tables ------------------------------------------------------------------------ */

enum { J_NAME, J_INST, J_USER, J_STATUS, J_START, J_END, N_J };
static const aidc_tr_col job_cols[N_J] = {
    {"job_name", true}, {"inst_id", true},    {"user", true},
    {"status", true},   {"start_time", true}, {"end_time", true},
};

static int job_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    pai *p = ctx;
    if (aidc_tr_empty(r, J_NAME))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"job_name\": a value is required");
    const char *name = r->f[J_NAME];
    int64_t first = aidc_tr_index_get(&p->names, name, strlen(name));
    if (first >= 0) {
        char q[160];
        return aidc_tr_failf_at(c, r->path, r->line, "duplicate job_name %s (first on line %u)",
                                aidc_tr_quote(name, q, sizeof q), p->jobs[first].line);
    }
    pjob j = {
        .line = r->line, .user = AIDC_TR_NO_STR, .status = AIDC_TR_NO_STR, .start = -1, .end = -1};
    if (opt_seconds(c, r, J_START, &j.submit) != 0) return -1;
    if (aidc_tr_set_str(c, &j.id, name) != 0 ||
        (!aidc_tr_empty(r, J_USER) && aidc_tr_set_str(c, &j.user, r->f[J_USER]) != 0) ||
        (!aidc_tr_empty(r, J_STATUS) && aidc_tr_set_str(c, &j.status, r->f[J_STATUS]) != 0))
        return -1;
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 256;
        pjob *v = realloc(p->jobs, cap * sizeof *v);
        if (!v) return aidc_tr_failf(c, "out of memory");
        p->jobs = v;
        p->cap = cap;
    }
    if (p->n >= UINT32_MAX || aidc_tr_index_set(&p->names, name, strlen(name), (uint32_t)p->n))
        return aidc_tr_failf(c, "out of memory");
    p->jobs[p->n++] = j;
    return 0;
}

enum { T_JOB, T_NAME, T_INST, T_STATUS, T_START, T_END, T_CPU, T_MEM, T_GPU, T_TYPE, N_T };
static const aidc_tr_col task_cols[N_T] = {
    {"job_name", true},   {"task_name", true}, {"inst_num", true}, {"status", true},
    {"start_time", true}, {"end_time", true},  {"plan_cpu", true}, {"plan_mem", true},
    {"plan_gpu", true},   {"gpu_type", true},
};

static int task_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    pai *p = ctx;
    int64_t inst, start, end;
    double cpu, mem, gpu;
    if (aidc_tr_get_int(c, r, T_INST, 0, 1000000, &inst) != 0 ||
        opt_seconds(c, r, T_START, &start) != 0 || opt_seconds(c, r, T_END, &end) != 0 ||
        opt_num(c, r, T_CPU, &cpu) != 0 || opt_num(c, r, T_MEM, &mem) != 0 ||
        opt_num(c, r, T_GPU, &gpu) != 0)
        return -1;
    int64_t k = job_of(p, r);
    if (k < 0) {
        aidc_tr_note(c, "task_without_job", "task row whose job_name is not in the job table",
                     r->line);
        return 0;
    }
    pjob *j = &p->jobs[k];
    j->tasks++;
    if (start >= 0 && (j->start < 0 || start < j->start)) j->start = start;
    if (start >= 0 && end < 0) j->running = true;
    if (end > j->end) j->end = end;
    j->gpus += inst * (int64_t)ceil(gpu / 100.0);
    j->gpu_pct += (double)inst * gpu;
    j->cpu_pct += (double)inst * cpu;
    j->mem_gb += (double)inst * mem;
    if ((gpu > 0 && !aidc_tr_empty(r, T_TYPE) && add_distinct(&j->types, r->f[T_TYPE]) != 0) ||
        (!aidc_tr_empty(r, T_NAME) && add_distinct(&j->task_names, r->f[T_NAME]) != 0))
        return aidc_tr_failf(c, "out of memory");
    /* Bounds that keep the sums exact and within the native columns (and far above any
     * real job): no cast below can overflow. */
    if (j->gpus > 1000000 || j->cpu_pct > 1e11 || j->mem_gb > 1e12)
        return aidc_tr_failf_at(c, r->path, r->line,
                                "the job's tasks ask for more than 1e6 GPUs, 1e9 CPU cores or "
                                "1e12 GB in all");
    return 0;
}

enum { I_JOB, I_TASK, I_INST, I_WORKER, I_ID, I_STATUS, I_START, I_END, I_MACHINE, N_I };
static const aidc_tr_col inst_cols[N_I] = {
    {"job_name", true},    {"task_name", true}, {"inst_name", true},
    {"worker_name", true}, {"inst_id", true},   {"status", true},
    {"start_time", true},  {"end_time", true},  {"machine", true},
};

static int instance_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    pai *p = ctx;
    int64_t k = job_of(p, r);
    if (k < 0) {
        aidc_tr_note(c, "instance_without_job",
                     "instance row whose job_name is not in the job table", r->line);
        return 0;
    }
    if (aidc_tr_empty(r, I_MACHINE)) return 0; /* never placed */
    uint32_t m = aidc_tr_intern(&p->names, r->f[I_MACHINE], strlen(r->f[I_MACHINE]));
    if (m == AIDC_TR_NO_STR) return aidc_tr_failf(c, "out of memory");
    if (p->n_refs == p->cap_refs) {
        size_t cap = p->cap_refs ? p->cap_refs * 2 : 1024;
        machine_ref *v = realloc(p->refs, cap * sizeof *v);
        if (!v) return aidc_tr_failf(c, "out of memory");
        p->refs = v;
        p->cap_refs = cap;
    }
    p->refs[p->n_refs++] = (machine_ref){(uint32_t)k, m};
    return 0;
}

/* Sorting (job, machine name) pairs needs the names; they sit in p->names, so the pairs are
 * first turned into (job, machine id) with ids from the index (same name, same id). */
static int cmp_ref(const void *a, const void *b)
{
    const machine_ref *x = a, *y = b;
    if (x->job != y->job) return x->job < y->job ? -1 : 1;
    return (x->machine > y->machine) - (x->machine < y->machine);
}

static int count_machines(aidc_tr_conv *c, pai *p)
{
    aidc_tr_pool ids = {0};
    uint32_t next = 0;
    for (size_t i = 0; i < p->n_refs; i++) {
        const char *name = p->names.buf + p->refs[i].machine;
        int64_t id = aidc_tr_index_get(&ids, name, strlen(name));
        if (id < 0) {
            id = next++;
            if (aidc_tr_index_set(&ids, name, strlen(name), (uint32_t)id) != 0) {
                aidc_tr_pool_fini(&ids);
                return aidc_tr_failf(c, "out of memory");
            }
        }
        p->refs[i].machine = (uint32_t)id;
    }
    aidc_tr_pool_fini(&ids);
    qsort(p->refs, p->n_refs, sizeof *p->refs, cmp_ref);
    for (size_t i = 0; i < p->n_refs; i++)
        if (i == 0 || p->refs[i].job != p->refs[i - 1].job ||
            p->refs[i].machine != p->refs[i - 1].machine)
            p->jobs[p->refs[i].job].machines++;
    return 0;
}

static int emit(aidc_tr_conv *c, pai *p)
{
    for (size_t i = 0; i < p->n; i++) {
        pjob *pj = &p->jobs[i];
        aidc_tr_job j = aidc_tr_job_blank();
        j.line = pj->line;
        if (pj->tasks == 0) {
            aidc_tr_drop(c, "no_tasks", "job with no rows in the task table", pj->line);
            continue;
        }
        if (pj->gpus == 0) {
            aidc_tr_drop(c, "no_gpu", "job whose tasks ask for no GPU", pj->line);
            continue;
        }
        if (pj->submit < 0) {
            aidc_tr_drop(c, "no_submit_time", "job without a start_time (its submission)",
                         pj->line);
            continue;
        }
        if (pj->running) {
            aidc_tr_drop(c, "no_end_time",
                         "a task has no end time: still running when the "
                         "trace ends",
                         pj->line);
            continue;
        }
        if (!aidc_tr_set_times(c, &j, pj->submit, pj->start, pj->end)) continue;
        j.id = pj->id;
        j.tenant = pj->user;
        j.status = pj->status;
        j.gpus = (int32_t)pj->gpus;
        j.gpu_milli = (int32_t)lround(pj->gpu_pct * 10.0 / (double)pj->gpus);
        aidc_tr_set_cpu_milli(c, &j, (int64_t)llround(pj->cpu_pct * 10.0));
        j.mem_gib = pj->mem_gb;
        if (pj->machines > 0) j.nodes = pj->machines;
        if ((pj->types && aidc_tr_set_gpu_spec(c, &j, pj->types) != 0) ||
            (pj->task_names && aidc_tr_set_str(c, &j.type, pj->task_names) != 0) ||
            aidc_tr_add_job(c, &j) != 0)
            return -1;
    }
    return 0;
}

int aidc_tr_pai(aidc_tr_conv *c, const char *dir)
{
    struct stat st;
    if (stat(dir, &st) != 0) return aidc_tr_failf_at(c, dir, 0, "cannot open: %s", strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return aidc_tr_failf_at(c, dir, 0,
                                "expected a directory holding pai_job_table.csv and "
                                "pai_task_table.csv (and optionally pai_instance_table.csv)");
    size_t n = strlen(dir) + 32;
    char *job = malloc(n), *task = malloc(n), *inst = malloc(n);
    pai p = {0};
    int rc = -1;
    if (!job || !task || !inst) {
        aidc_tr_failf(c, "out of memory");
        goto done;
    }
    snprintf(job, n, "%s/pai_job_table.csv", dir);
    snprintf(task, n, "%s/pai_task_table.csv", dir);
    snprintf(inst, n, "%s/pai_instance_table.csv", dir);
    c->cur_file = "pai_job_table.csv";
    if (aidc_tr_table_read(c, job, job_cols, N_J, AIDC_TR_HEADER_MAYBE, false, true, job_row, &p) !=
        0)
        goto done;
    c->cur_file = "pai_task_table.csv";
    if (aidc_tr_table_read(c, task, task_cols, N_T, AIDC_TR_HEADER_MAYBE, false, false, task_row,
                           &p) != 0)
        goto done;
    c->cur_file = "pai_instance_table.csv";
    if (stat(inst, &st) == 0 && (aidc_tr_table_read(c, inst, inst_cols, N_I, AIDC_TR_HEADER_MAYBE,
                                                    false, false, instance_row, &p) != 0 ||
                                 count_machines(c, &p) != 0))
        goto done;
    c->cur_file = "pai_job_table.csv"; /* the jobs' lines from here on */
    rc = emit(c, &p);
done:
    for (size_t i = 0; i < p.n; i++) {
        free(p.jobs[i].types);
        free(p.jobs[i].task_names);
    }
    free(p.jobs);
    free(p.refs);
    aidc_tr_pool_fini(&p.names);
    free(job);
    free(task);
    free(inst);
    c->cur_file = NULL;
    return rc;
}

/* ---- machines ------------------------------------------------------------------------------- */

enum { M_NAME, M_TYPE, M_CPU, M_MEM, M_GPU, N_M };
static const aidc_tr_col machine_cols[N_M] = {
    {"machine", true}, {"gpu_type", true}, {"cap_cpu", true}, {"cap_mem", true}, {"cap_gpu", true},
};

static int machine_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    int64_t cpu, gpus;
    double mem;
    if (aidc_tr_empty(r, M_NAME))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"machine\": a value is required");
    if (aidc_tr_get_int(c, r, M_CPU, 0, 1 << 20, &cpu) != 0 ||
        aidc_tr_get_num(c, r, M_MEM, 0, 1e9, &mem) != 0 ||
        aidc_tr_get_int(c, r, M_GPU, 0, 1024, &gpus) != 0)
        return -1;
    aidc_tr_pool_shape s = {.gpu = AIDC_TR_NO_STR,
                            .gpus = (int32_t)gpus,
                            .cpus = (int32_t)cpu,
                            .mem_gib = mem,
                            .gpu_mem_gb = -1};
    if (gpus > 0) {
        if (aidc_tr_empty(r, M_TYPE))
            return aidc_tr_failf_at(c, r->path, r->line,
                                    "column \"gpu_type\": a machine with GPUs needs its type, "
                                    "found \"\"");
        if (aidc_tr_set_str(c, &s.gpu, r->f[M_TYPE]) != 0) return -1;
    }
    return aidc_tr_add_node(c, &s);
}

int aidc_tr_pai_machines(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, machine_cols, N_M, AIDC_TR_HEADER_MAYBE, false, true,
                              machine_row, NULL);
}
