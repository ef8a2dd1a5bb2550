/* common — what every trace importer shares: the converted job list, the report of rows that
 * could not be used, number and time parsers, and the writers of the native trace CSV, the
 * cluster-pool JSON and the request-stream CSV.
 *
 * An importer reads its source into an aidc_tr_conv: one aidc_tr_job per job it can use, and
 * for every source record it cannot use, one count under a named reason (aidc_tr_drop). The
 * split is deliberate: text that does not follow the source format (a short row, "abc" where
 * a number belongs, a bad timestamp) is an input error that stops the conversion with
 * "FILE:LINE: ..."; a well-formed record that does not fit the native model (a CPU-only job,
 * a job that never started, one still running when the trace ends) is counted, never silently
 * skipped, and the counts are printed and written into the output as '#' comment lines.
 * Conversions that change a value in a documented way (fractional CPUs rounded up, a GPU
 * constraint with alternatives left to x_gpu_spec) are counted the same way as notes.
 *
 * Times: jobs hold int64 nanoseconds in the source's own clock (seconds since the trace's
 * zero, or since 1970 for date-time strings, which are read as UTC when they carry an offset
 * and as a zone-less wall clock otherwise). The writer moves the origin to the earliest
 * written submit time and records which source time that was. Memory in GiB, CPUs in cores.
 * Everything written is a function of the input alone (no clock, no locale): same input, same
 * bytes. */
#ifndef AIDC_TOOLS_TRACES_COMMON_H
#define AIDC_TOOLS_TRACES_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/workload.h"

#define AIDC_TR_NO_STR UINT32_MAX /* a string field that is absent */
#define AIDC_TR_MAX_REASONS 24
#define AIDC_TR_NS INT64_C(1000000000)

/* Strings of one conversion, addressed by offset (the buffer moves as it grows), with an
 * optional index for lookups (ids, PAI job names). */
typedef struct aidc_tr_pool {
    char *buf;
    size_t len, cap;
    uint32_t *slots; /* open addressing: offsets of indexed strings, AIDC_TR_NO_STR when empty */
    uint32_t *vals;
    size_t n_slots, n_indexed;
} aidc_tr_pool;

/* One converted job. Absent numbers are -1 (mem_gib < 0), absent strings AIDC_TR_NO_STR. */
typedef struct aidc_tr_job {
    uint32_t id;
    int64_t submit_ns; /* source clock */
    int64_t duration_ns;
    int64_t estimate_ns;
    int32_t gpus;
    int32_t cpus;
    double mem_gib;
    uint32_t gpu_type, tenant;
    int kind; /* aidc_job_kind, or -1 */
    /* extra columns (x_...) */
    int64_t wait_ns;   /* x_wait_s: start - submit in the source */
    int32_t gpu_milli; /* x_gpu_milli: thousandths of each requested GPU used */
    int64_t cpu_milli; /* x_cpu_milli: the exact CPU request, thousandths of a core */
    int32_t nodes;     /* x_nodes */
    int32_t attempts;  /* x_attempts */
    uint32_t status, user, qos, gpu_spec, type; /* x_status, x_user, x_qos, x_gpu_spec, x_type */
    uint32_t line; /* where the job's source record starts (0: not from one line) */
} aidc_tr_job;

typedef struct aidc_tr_count {
    const char *key;  /* stable name, e.g. "no_gpu" (static storage) */
    const char *what; /* one line for people (static storage) */
    uint64_t n;
    uint32_t first_line;    /* 0 when not tied to a line */
    const char *first_file; /* the file of first_line when the input has several, or NULL */
} aidc_tr_count;

typedef struct aidc_tr_report {
    uint64_t records; /* source records read (rows, jobs, requests) */
    uint64_t written;
    aidc_tr_count drops[AIDC_TR_MAX_REASONS];
    size_t n_drops;
    aidc_tr_count notes[AIDC_TR_MAX_REASONS];
    size_t n_notes;
    char ignored_columns[256]; /* source columns the importer does not read, comma-separated */
} aidc_tr_report;

/* One inference request (Azure LLM traces). */
typedef struct aidc_tr_request {
    int64_t arrival_ns; /* source clock */
    int64_t prompt_tokens, output_tokens;
} aidc_tr_request;

/* A group of identical nodes from a node list. */
typedef struct aidc_tr_pool_shape {
    uint32_t gpu; /* model name, AIDC_TR_NO_STR for CPU-only nodes */
    int32_t gpus, cpus;
    double mem_gib;
    double gpu_mem_gb; /* per GPU, when the source gives it (Philly); else < 0 */
    int64_t nodes;
} aidc_tr_pool_shape;

typedef struct aidc_tr_options {
    bool any_gpu_type;     /* write no gpu_type (the constraint stays in x_gpu_spec) */
    int32_t procs_per_gpu; /* SWF: processors that make one GPU (>= 1) */
} aidc_tr_options;

/* A conversion in progress. Owns its pool and arrays. */
typedef struct aidc_tr_conv {
    const char *format; /* static */
    const char *source; /* the input path, as given */
    aidc_tr_options opt;
    aidc_tr_pool pool;
    aidc_tr_job *jobs;
    size_t n_jobs, cap_jobs;
    aidc_tr_request *reqs;
    size_t n_reqs, cap_reqs;
    aidc_tr_pool_shape *shapes;
    size_t n_shapes, cap_shapes;
    const char *cur_file; /* inputs of several files: the one being read (static), for the
                             report's line numbers; NULL for one-file inputs */
    bool datetime_clock;  /* source times were date-time strings (origin printed as one) */
    bool utc_clock;       /* ... and carried a UTC offset */
    aidc_tr_report rep;
    char *err;
    size_t errlen;
} aidc_tr_conv;

void aidc_tr_conv_init(aidc_tr_conv *c, const char *format, const char *source,
                       const aidc_tr_options *opt, char *err, size_t errlen);
void aidc_tr_conv_fini(aidc_tr_conv *c);

/* Writes "msg" into c->err; returns -1. aidc_tr_failf_at prefixes "PATH:LINE: " (no line when
 * line is 0). */
int aidc_tr_failf(aidc_tr_conv *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int aidc_tr_failf_at(aidc_tr_conv *c, const char *path, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Interns s (len bytes, not NUL-terminated needed); returns its offset or AIDC_TR_NO_STR when
 * out of memory. aidc_tr_str gives the string back. */
uint32_t aidc_tr_intern(aidc_tr_pool *p, const char *s, size_t len);
static inline const char *aidc_tr_str(const aidc_tr_pool *p, uint32_t off)
{
    return off == AIDC_TR_NO_STR ? NULL : p->buf + off;
}
/* Frees a pool that is not part of a conversion (a conversion frees its own). */
void aidc_tr_pool_fini(aidc_tr_pool *p);
/* The index: value stored under s, or -1; set adds or replaces (0, or -1 when out of memory).
 * s may point into the pool itself (then it is indexed in place, not copied). */
int64_t aidc_tr_index_get(const aidc_tr_pool *p, const char *s, size_t len);
int aidc_tr_index_set(aidc_tr_pool *p, const char *s, size_t len, uint32_t val);

/* A job with every field absent (then set what the source gives). */
aidc_tr_job aidc_tr_job_blank(void);

/* Appends a job; its id must be new in this conversion, or the conversion fails with
 * "PATH:LINE: duplicate job id" (line from job->line). Returns 0 or -1. */
int aidc_tr_add_job(aidc_tr_conv *c, const aidc_tr_job *job);
int aidc_tr_add_request(aidc_tr_conv *c, const aidc_tr_request *r);
/* Adds one node to the pool of its shape (shapes keep first-seen order). */
int aidc_tr_add_node(aidc_tr_conv *c, const aidc_tr_pool_shape *shape);

/* Sets x_gpu_spec to spec ('|'-separated alternatives) and gpu_type to the model when every
 * alternative names the same one; otherwise counts note gpu_spec_alternatives (the simulator
 * then sees "any GPU"). Returns 0, or -1 when out of memory. */
int aidc_tr_set_gpu_spec(aidc_tr_conv *c, aidc_tr_job *j, const char *spec);
/* Sets x_cpu_milli and cpus = the request rounded up to whole cores (note cpus_rounded_up
 * when it was not whole). */
void aidc_tr_set_cpu_milli(aidc_tr_conv *c, aidc_tr_job *j, int64_t milli);
/* Interns s as a job field; on failure (out of memory) returns -1 with the message set. */
int aidc_tr_set_str(aidc_tr_conv *c, uint32_t *field, const char *s);

/* Sets submit, duration = end - start and x_wait_s = start - submit from a job's recorded
 * times (start or end < 0: not recorded). Returns true when the job can be written; otherwise
 * counts why (never_started, no_end_time, start_before_submit, end_before_start) and returns
 * false. */
bool aidc_tr_set_times(aidc_tr_conv *c, aidc_tr_job *j, int64_t submit, int64_t start, int64_t end);

/* Counts one unusable record under key (or a conversion note). */
void aidc_tr_drop(aidc_tr_conv *c, const char *key, const char *what, uint32_t line);
void aidc_tr_note(aidc_tr_conv *c, const char *key, const char *what, uint32_t line);
/* Count under key, 0 when never counted. */
uint64_t aidc_tr_dropped(const aidc_tr_conv *c, const char *key);
uint64_t aidc_tr_noted(const aidc_tr_conv *c, const char *key);

/* ---- parsing: each returns true when the whole string is a value of the kind ------------ */

/* Decimal "12", "-3", "0.5", "1e3" -> double (no "nan", "inf", hex or spaces). */
bool aidc_tr_parse_num(const char *s, double *out);
/* Integer, also written as a decimal with a zero fraction ("8", "8.0"), in [lo, hi]. */
bool aidc_tr_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);
/* Seconds as a decimal, exact to the nanosecond (digits are shifted, not multiplied in a
 * double), optionally negative; |value| <= 1e10 s. */
bool aidc_tr_parse_seconds(const char *s, int64_t *ns);
/* "YYYY-MM-DD HH:MM:SS" (or 'T' between), optional fraction of up to 9 digits, optional "Z"
 * or "+HH:MM"/"-HH:MM"/"+HHMM". *ns counts from 1970-01-01 00:00:00 of the same clock
 * (UTC when an offset was given: *has_offset). */
bool aidc_tr_parse_datetime(const char *s, int64_t *ns, bool *has_offset);
/* Writes ns since 1970 as "YYYY-MM-DD HH:MM:SS[.fffffffff]" (trailing zeros of the fraction
 * dropped) into buf (at least 40 bytes). */
void aidc_tr_format_datetime(int64_t ns, char *buf, size_t n);
/* Writes ns as decimal seconds, shortest exact form ("90", "1.5", "0.000000001"). */
void aidc_tr_format_seconds(int64_t ns, char *buf, size_t n);

/* Describes a value for a message: quoted, control bytes escaped, cut after 48 bytes. */
const char *aidc_tr_quote(const char *s, char *buf, size_t n);

/* ---- writing ------------------------------------------------------------------------------- */

/* Writes the native trace CSV (models/trace.h) to out: '#' lines with the report, a header
 * naming the columns some job uses, one row per job in list order, submit times counted from
 * the earliest. Returns 0 or -1 with a message; out is replaced only when complete. */
int aidc_tr_write_native(aidc_tr_conv *c, const char *out);
/* Writes the request stream CSV (see tools/traces/azure.h). */
int aidc_tr_write_requests(aidc_tr_conv *c, const char *out);
/* Writes the node pools as cluster-description JSON (see the README). */
int aidc_tr_write_pools(aidc_tr_conv *c, const char *out);

/* Prints the report (records, written, every drop and note) for people. */
void aidc_tr_print_report(const aidc_tr_conv *c, const char *out, FILE *f);

/* Opens path for reading; fails with "PATH: cannot open: ..." or "PATH: is a directory". */
FILE *aidc_tr_open(aidc_tr_conv *c, const char *path);

#endif
