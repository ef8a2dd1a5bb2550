/* Standard Workload Format logs; see swf.h. Not CSV, so read here line by line. */
#include "tools/traces/swf.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { SWF_FIELDS = 18 };

/* 1-based field numbers of the format, for readability below */
enum {
    F_JOB = 1,
    F_SUBMIT = 2,
    F_WAIT = 3,
    F_RUN = 4,
    F_PROCS = 5,
    F_REQ_PROCS = 8,
    F_REQ_TIME = 9,
    F_STATUS = 11,
    F_USER = 12,
    F_GROUP = 13,
};

static const char *const field_names[SWF_FIELDS + 1] = {
    "",
    "job number",
    "submit time",
    "wait time",
    "run time",
    "allocated processors",
    "average CPU time",
    "used memory",
    "requested processors",
    "requested time",
    "requested memory",
    "status",
    "user id",
    "group id",
    "executable number",
    "queue number",
    "partition number",
    "preceding job",
    "think time",
};

typedef struct swf {
    aidc_tr_conv *c;
    const char *path;
    uint32_t line;
    char *fields[SWF_FIELDS + 1]; /* 1-based */
    int64_t unix_start;           /* from the header, -1 when absent */
    bool seen_job;
    aidc_tr_pool parts; /* job number -> partial executions seen */
} swf;

static int bad_field(swf *s, int k, const char *expected)
{
    char q[160];
    return aidc_tr_failf_at(s->c, s->path, s->line, "field %d (%s): expected %s, found %s", k,
                            field_names[k], expected, aidc_tr_quote(s->fields[k], q, sizeof q));
}

/* An integer field that is -1 (absent) or in [lo, hi]. */
static int int_field(swf *s, int k, int64_t lo, int64_t hi, int64_t *out)
{
    if (aidc_tr_parse_int(s->fields[k], -1, -1, out)) return 0;
    if (aidc_tr_parse_int(s->fields[k], lo, hi, out)) return 0;
    char e[96];
    snprintf(e, sizeof e, "-1 or an integer from %" PRId64 " to %" PRId64, lo, hi);
    return bad_field(s, k, e);
}

/* A seconds field that is -1 (absent: *ns = -1) or >= 0. */
static int seconds_field(swf *s, int k, int64_t *ns)
{
    int64_t v;
    if (aidc_tr_parse_int(s->fields[k], -1, -1, &v)) {
        *ns = -1;
        return 0;
    }
    if (aidc_tr_parse_seconds(s->fields[k], ns) && *ns >= 0) return 0;
    return bad_field(s, k, "-1 or a number of seconds >= 0");
}

/* "; UnixStartTime: 749458803" in the header gives the log's zero as a Unix time. */
static int header_line(swf *s, const char *line)
{
    const char *p = line + 1;
    while (*p == ' ' || *p == '\t')
        p++;
    static const char key[] = "UnixStartTime:";
    if (strncmp(p, key, sizeof key - 1) != 0) return 0;
    if (s->seen_job)
        return aidc_tr_failf_at(s->c, s->path, s->line,
                                "UnixStartTime after the first job; header lines come first");
    p += sizeof key - 1;
    while (*p == ' ' || *p == '\t')
        p++;
    char buf[32] = "";
    size_t n = strcspn(p, " \t\r\n");
    if (n < sizeof buf) {
        memcpy(buf, p, n);
        buf[n] = '\0';
    }
    if (n == 0 || n >= sizeof buf ||
        !aidc_tr_parse_int(buf, 0, INT64_C(4000000000), &s->unix_start))
        return aidc_tr_failf_at(s->c, s->path, s->line,
                                "UnixStartTime: expected seconds since 1970, found \"%.*s\"",
                                (int)(n < 40 ? n : 40), p);
    return 0;
}

static const char *status_word(int64_t st)
{
    switch (st) {
    case 0:
        return "failed";
    case 1:
        return "completed";
    case 2:
        return "partial";
    case 3:
        return "partial_last_completed";
    case 4:
        return "partial_last_failed";
    case 5:
        return "cancelled";
    default:
        return NULL;
    }
}

static int job_line(swf *s)
{
    aidc_tr_conv *c = s->c;
    c->rep.records++;
    s->seen_job = true;
    int64_t job, procs, req_procs, status, user, group;
    int64_t submit, wait, run, req_time;
    if (!aidc_tr_parse_int(s->fields[F_JOB], 0, INT64_C(1) << 62, &job))
        return bad_field(s, F_JOB, "a job number >= 0");
    if (seconds_field(s, F_SUBMIT, &submit) != 0 || seconds_field(s, F_WAIT, &wait) != 0 ||
        seconds_field(s, F_RUN, &run) != 0 || int_field(s, F_PROCS, 0, 1 << 30, &procs) != 0 ||
        int_field(s, F_REQ_PROCS, 0, 1 << 30, &req_procs) != 0 ||
        seconds_field(s, F_REQ_TIME, &req_time) != 0 ||
        int_field(s, F_STATUS, 0, 5, &status) != 0 ||
        int_field(s, F_USER, 0, INT64_C(1) << 62, &user) != 0 ||
        int_field(s, F_GROUP, 0, INT64_C(1) << 62, &group) != 0)
        return -1;
    double unused;
    for (int k = 1; k <= SWF_FIELDS; k++) /* the fields not carried must still be numbers */
        if (!aidc_tr_parse_num(s->fields[k], &unused)) return bad_field(s, k, "a number");
    if (submit < 0) return bad_field(s, F_SUBMIT, "a submit time >= 0");

    if (run < 0) {
        aidc_tr_drop(c, "no_run_time", "run time not recorded (-1)", s->line);
        return 0;
    }
    if (procs <= 0) {
        if (req_procs <= 0) {
            aidc_tr_drop(c, "no_processors", "neither allocated nor requested processors", s->line);
            return 0;
        }
        procs = req_procs;
        aidc_tr_note(c, "procs_from_request",
                     "allocated processors not recorded: requested processors used", s->line);
    }
    aidc_tr_job j = aidc_tr_job_blank();
    j.line = s->line;
    int64_t ppg = c->opt.procs_per_gpu;
    int64_t gpus = (procs + ppg - 1) / ppg;
    if (gpus > 1000000) return bad_field(s, F_PROCS, "at most 1e6 GPUs' worth of processors");
    if (procs % ppg)
        aidc_tr_note(c, "gpus_rounded_up",
                     "processors not a multiple of --procs-per-gpu: GPUs rounded up", s->line);
    j.gpus = (int32_t)gpus;
    j.submit_ns = submit + (s->unix_start >= 0 ? s->unix_start * AIDC_TR_NS : 0);
    j.duration_ns = run;
    j.estimate_ns = req_time;
    j.wait_ns = wait;
    j.kind = AIDC_KIND_BATCH;

    char id[48];
    snprintf(id, sizeof id, "%" PRId64, job);
    if (status >= 2 && status <= 4) {
        int64_t seen = aidc_tr_index_get(&s->parts, id, strlen(id));
        uint32_t k = seen < 0 ? 1 : (uint32_t)seen + 1;
        if (aidc_tr_index_set(&s->parts, id, strlen(id), k) != 0)
            return aidc_tr_failf(c, "out of memory");
        snprintf(id, sizeof id, "%" PRId64 ".%" PRIu32, job, k);
        aidc_tr_note(c, "partial_execution", "a part of a checkpointed or swapped job: id JOB.PART",
                     s->line);
    }
    char b[48];
    if (aidc_tr_set_str(c, &j.id, id) != 0) return -1;
    const char *word = status_word(status);
    if (word && aidc_tr_set_str(c, &j.status, word) != 0) return -1;
    if (group >= 0) {
        snprintf(b, sizeof b, "g%" PRId64, group);
        if (aidc_tr_set_str(c, &j.tenant, b) != 0) return -1;
    }
    if (user >= 0) {
        snprintf(b, sizeof b, "u%" PRId64, user);
        if (aidc_tr_set_str(c, &j.user, b) != 0) return -1;
    }
    return aidc_tr_add_job(c, &j);
}

int aidc_tr_swf(aidc_tr_conv *c, const char *path)
{
    FILE *f = aidc_tr_open(c, path);
    if (!f) return -1;
    swf s = {.c = c, .path = path, .unix_start = -1};
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    bool any = false;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        s.line++;
        any = true;
        if (memchr(line, '\0', (size_t)n)) {
            rc = aidc_tr_failf_at(c, path, s.line, "a NUL byte in the line; is this a text file?");
            break;
        }
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == ';') {
            rc = header_line(&s, p);
            continue;
        }
        int k = 0;
        char *save = NULL;
        for (char *tok = strtok_r(p, " \t\r\n", &save); tok;
             tok = strtok_r(NULL, " \t\r\n", &save)) {
            if (++k <= SWF_FIELDS) s.fields[k] = tok;
        }
        if (k == 0) continue; /* blank line */
        if (k != SWF_FIELDS) {
            rc = aidc_tr_failf_at(c, path, s.line,
                                  "expected %d whitespace-separated fields (a Standard Workload "
                                  "Format job line), found %d",
                                  SWF_FIELDS, k);
            break;
        }
        rc = job_line(&s);
    }
    if (rc == 0 && ferror(f)) rc = aidc_tr_failf_at(c, path, 0, "read error");
    if (rc == 0 && !any) rc = aidc_tr_failf_at(c, path, 0, "file is empty");
    if (rc == 0 && s.unix_start >= 0) {
        c->datetime_clock = true;
        c->utc_clock = true;
    }
    free(line);
    aidc_tr_pool_fini(&s.parts);
    fclose(f);
    return rc;
}
