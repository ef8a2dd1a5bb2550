/* workload — the jobs a run replays: one flat array of job specs, sorted by
 * submit time, whether they came from a trace file or the generator.
 *
 * A job's duration is its run time at full speed on the GPUs it asked for;
 * the engine turns that into remaining work and moves the finish when the
 * job's speed changes. Strings (ids, tenant names) are interned in the
 * workload so job specs stay small and fixed-size.
 * Units: times in int64 nanoseconds, memory in GiB. */
#ifndef AIDC_MODELS_WORKLOAD_H
#define AIDC_MODELS_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

typedef enum aidc_job_kind {
    AIDC_KIND_TRAINING = 0,
    AIDC_KIND_FINETUNE,
    AIDC_KIND_INFERENCE,
    AIDC_KIND_BATCH,
    AIDC_KIND_COUNT
} aidc_job_kind;

typedef struct aidc_job_spec {
    uint32_t id_str;      /* offset of the trace id in workload->strings */
    int64_t submit_ns;
    int64_t duration_ns;  /* at full speed */
    int64_t estimate_ns;  /* user estimate; equals duration_ns when absent */
    int64_t deadline_ns;  /* -1 when absent */
    int32_t gpus;
    int32_t cpus;         /* 0 when absent: no CPU constraint */
    double mem_gib;       /* 0 when absent */
    int32_t tenant;       /* index into workload->tenants */
    int32_t priority;     /* larger is more important; 0 default */
    int32_t gpu_type;     /* index into workload->gpu_types, -1 = any, -2 = one of gpu_type_mask */
    aidc_job_kind kind;
    int32_t deferrable;   /* 1: may wait for cleaner or cheaper power until its deadline */
    uint32_t source_line; /* trace line (1-based), 0 when generated */
    int32_t gpu_milli;    /* thousandths of each GPU used: 1000 (whole GPUs, also when 0 from
                             older code), below 1000 only with gpus == 1 */
    uint64_t gpu_type_mask; /* with gpu_type -2: GPU types allowed (bit t = gpu_types[t]) */
} aidc_job_spec;

typedef struct aidc_workload {
    aidc_job_spec *jobs;
    size_t n, cap;
    char *strings; /* NUL-separated interned strings */
    size_t strings_len, strings_cap;
    uint32_t *tenants; /* offsets into strings; tenant i's name */
    size_t n_tenants;
    uint32_t *gpu_types; /* offsets into strings */
    size_t n_gpu_types;
} aidc_workload;

void aidc_workload_init(aidc_workload *w);
void aidc_workload_fini(aidc_workload *w);

/* Appends a copy of *job; returns 0 or -1 when out of memory. */
int aidc_workload_add(aidc_workload *w, const aidc_job_spec *job);

/* Interns a string; returns its offset, or UINT32_MAX when out of memory. */
uint32_t aidc_workload_intern(aidc_workload *w, const char *s);

/* Index of tenant `name`, adding it when new; -1 when out of memory. */
int32_t aidc_workload_tenant(aidc_workload *w, const char *name);

/* Index of GPU type `name`, adding it when new; -1 when out of memory. */
int32_t aidc_workload_gpu_type(aidc_workload *w, const char *name);

static inline const char *aidc_workload_str(const aidc_workload *w, uint32_t off)
{
    return w->strings + off;
}

/* Stable sort by (submit time, original position): the order jobs enter the
 * queue when they share a submit time is the order the trace listed them. */
void aidc_workload_sort(aidc_workload *w);

/* Name of a kind ("training", ...), and the reverse; -1 when unknown. */
const char *aidc_job_kind_name(aidc_job_kind k);
int aidc_job_kind_parse(const char *s);

#endif
