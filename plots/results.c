/* results — reading an output directory back; see results.h. */
#include "plots/results.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int errf(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

/* ---- a CSV reader with a header row -------------------------------------- */

typedef struct csvread csvread;
struct csvread {
    const char *path;
    size_t line;   /* physical line being fed */
    size_t record; /* 0: the header */
    size_t field;  /* index in the current record */
    size_t n_header;
    int (*on_header)(csvread *, size_t i, const char *s);
    int (*on_value)(csvread *, size_t i, const char *s);
    int (*on_record)(csvread *);
    void *ctx;
    char *err;
    size_t errlen;
    bool failed;
};

static void on_field(void *s, size_t len, void *data)
{
    csvread *r = data;
    (void)len; /* CSV_APPEND_NULL terminates s */
    if (r->failed) return;
    int rc = r->record == 0 ? r->on_header(r, r->field, s) : r->on_value(r, r->field, s);
    if (rc) r->failed = true;
    r->field++;
}

static void on_end(int c, void *data)
{
    csvread *r = data;
    (void)c;
    if (r->failed) return;
    if (r->record == 0) {
        r->n_header = r->field;
    } else if (r->field != r->n_header) {
        errf(r->err, r->errlen, "%s:%zu: expected %zu fields as in the header, found %zu", r->path,
             r->line, r->n_header, r->field);
        r->failed = true;
    } else if (r->on_record && r->on_record(r)) {
        r->failed = true;
    }
    r->record++;
    r->field = 0;
}

static int read_csv(csvread *r)
{
    FILE *f = fopen(r->path, "r");
    if (!f) return errf(r->err, r->errlen, "%s: cannot read: %s", r->path, strerror(errno));
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        fclose(f);
        return errf(r->err, r->errlen, "out of memory");
    }
    char *buf = NULL;
    size_t cap = 0;
    ssize_t n;
    int rc = 0;
    while (!r->failed && (n = getline(&buf, &cap, f)) > 0) {
        r->line++;
        if (csv_parse(&p, buf, (size_t)n, on_field, on_end, r) != (size_t)n) {
            rc = errf(r->err, r->errlen, "%s:%zu: %s", r->path, r->line,
                      csv_strerror(csv_error(&p)));
            break;
        }
    }
    if (!rc && !r->failed && ferror(f))
        rc = errf(r->err, r->errlen, "%s: read failed: %s", r->path, strerror(errno));
    if (!rc && !r->failed && csv_fini(&p, on_field, on_end, r) != 0)
        rc = errf(r->err, r->errlen, "%s:%zu: %s", r->path, r->line, csv_strerror(csv_error(&p)));
    if (!rc && !r->failed && r->record == 0)
        rc = errf(r->err, r->errlen, "%s: empty file: expected a header row", r->path);
    if (r->failed) rc = -1;
    free(buf);
    csv_free(&p);
    fclose(f);
    return rc;
}

/* A number field: empty or "nan" is NAN; anything else must parse whole. */
static int parse_number(csvread *r, const char *name, const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '\0') {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t' || *end == '\r')
        end++;
    if (end == s || *end) {
        errf(r->err, r->errlen, "%s:%zu: column \"%s\": expected a number, found \"%.40s\"",
             r->path, r->line, name, s);
        return -1;
    }
    *out = v;
    return 0;
}

/* ---- numeric tables ------------------------------------------------------ */

static int num_header(csvread *r, size_t i, const char *s)
{
    aidc_numtable *t = r->ctx;
    char **names = realloc(t->names, (i + 1) * sizeof *names);
    double **cols = realloc(t->col, (i + 1) * sizeof *cols);
    if (names) t->names = names;
    if (cols) t->col = cols;
    if (!names || !cols) return errf(r->err, r->errlen, "out of memory");
    t->col[i] = NULL;
    t->names[i] = strdup(s);
    t->cols = i + 1;
    if (!t->names[i]) return errf(r->err, r->errlen, "out of memory");
    for (size_t k = 0; k < i; k++)
        if (strcmp(t->names[k], s) == 0)
            return errf(r->err, r->errlen, "%s:%zu: column \"%s\" appears twice", r->path, r->line,
                        s);
    return 0;
}

static int num_value(csvread *r, size_t i, const char *s)
{
    aidc_numtable *t = r->ctx;
    if (i >= t->cols) return 0; /* too many fields: on_end reports it */
    if (t->rows >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        for (size_t k = 0; k < t->cols; k++) {
            double *c = realloc(t->col[k], cap * sizeof *c);
            if (!c) return errf(r->err, r->errlen, "out of memory");
            t->col[k] = c;
        }
        t->cap = cap;
    }
    return parse_number(r, t->names[i], s, &t->col[i][t->rows]);
}

static int num_record(csvread *r)
{
    ((aidc_numtable *)r->ctx)->rows++;
    return 0;
}

int aidc_numtable_read(aidc_numtable *t, const char *path, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    csvread r = {.path = path,
                 .on_header = num_header,
                 .on_value = num_value,
                 .on_record = num_record,
                 .ctx = t,
                 .err = err,
                 .errlen = errlen};
    return read_csv(&r);
}

void aidc_numtable_fini(aidc_numtable *t)
{
    for (size_t k = 0; k < t->cols; k++) {
        if (t->names) free(t->names[k]);
        if (t->col) free(t->col[k]);
    }
    free(t->names);
    free(t->col);
    memset(t, 0, sizeof *t);
}

const double *aidc_numtable_col(const aidc_numtable *t, const char *name)
{
    for (size_t k = 0; k < t->cols; k++)
        if (strcmp(t->names[k], name) == 0) return t->col[k];
    return NULL;
}

/* ---- jobs.csv ------------------------------------------------------------ */

enum { J_SUBMIT, J_START, J_END, J_WAIT, J_JCT, J_GPUS, J_TENANT, J_STATE, J_N };
static const char *const job_cols[J_N] = {"submit_s", "start_s", "end_s",  "wait_s",
                                          "jct_s",    "gpus",    "tenant", "state"};

typedef struct jobs_ctx {
    aidc_jobs_table *t;
    int which[256]; /* file column -> J_*, or -1; files have far fewer columns */
    bool seen[J_N];
    aidc_job_row cur;
} jobs_ctx;

static int jobs_header(csvread *r, size_t i, const char *s)
{
    jobs_ctx *c = r->ctx;
    if (i >= sizeof c->which / sizeof c->which[0])
        return errf(r->err, r->errlen, "%s:%zu: more than 256 columns", r->path, r->line);
    c->which[i] = -1;
    for (int k = 0; k < J_N; k++)
        if (strcmp(s, job_cols[k]) == 0) {
            if (c->seen[k])
                return errf(r->err, r->errlen, "%s:%zu: column \"%s\" appears twice", r->path,
                            r->line, s);
            c->which[i] = k;
            c->seen[k] = true;
        }
    return 0;
}

static int tenant_index(aidc_jobs_table *t, const char *name, size_t *out)
{
    for (size_t i = t->n_tenants; i-- > 0;)
        if (strcmp(t->tenants[i], name) == 0) {
            *out = i;
            return 0;
        }
    char **v = realloc(t->tenants, (t->n_tenants + 1) * sizeof *v);
    if (!v) return -1;
    t->tenants = v;
    if (!(v[t->n_tenants] = strdup(name))) return -1;
    *out = t->n_tenants++;
    return 0;
}

static int jobs_value(csvread *r, size_t i, const char *s)
{
    jobs_ctx *c = r->ctx;
    if (i >= r->n_header) return 0;
    int k = c->which[i];
    double *num[] = {&c->cur.submit_s, &c->cur.start_s, &c->cur.end_s,
                     &c->cur.wait_s,   &c->cur.jct_s,   &c->cur.gpus};
    switch (k) {
    case -1:
        return 0;
    case J_TENANT:
        if (tenant_index(c->t, s, &c->cur.tenant)) return errf(r->err, r->errlen, "out of memory");
        return 0;
    case J_STATE:
        if (strcmp(s, "done") && strcmp(s, "running") && strcmp(s, "queued") &&
            strcmp(s, "future") && strcmp(s, "skipped"))
            return errf(
                r->err, r->errlen,
                "%s:%zu: column \"state\": expected done, running, queued, future or skipped, "
                "found \"%.40s\"",
                r->path, r->line, s);
        c->cur.state = s[0] == 's' ? 's' : s[0];
        return 0;
    default:
        return parse_number(r, job_cols[k], s, num[k]);
    }
}

static int jobs_record(csvread *r)
{
    jobs_ctx *c = r->ctx;
    aidc_jobs_table *t = c->t;
    if (r->record == 1)
        for (int k = 0; k < J_N; k++)
            if (!c->seen[k])
                return errf(r->err, r->errlen, "%s:1: missing column \"%s\"", r->path, job_cols[k]);
    if (t->n >= t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 1024;
        aidc_job_row *v = realloc(t->rows, cap * sizeof *v);
        if (!v) return errf(r->err, r->errlen, "out of memory");
        t->rows = v;
        t->cap = cap;
    }
    t->rows[t->n++] = c->cur;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_jobs(aidc_jobs_table *t, const char *path, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    jobs_ctx c;
    memset(&c, 0, sizeof c);
    c.t = t;
    csvread r = {.path = path,
                 .on_header = jobs_header,
                 .on_value = jobs_value,
                 .on_record = jobs_record,
                 .ctx = &c,
                 .err = err,
                 .errlen = errlen};
    if (read_csv(&r)) return -1;
    for (int k = 0; k < J_N; k++) /* a header with no rows still needs its columns */
        if (!c.seen[k]) return errf(err, errlen, "%s:1: missing column \"%s\"", path, job_cols[k]);
    /* tenants by name, so colours and bar order do not depend on arrival order */
    char **sorted = malloc((t->n_tenants ? t->n_tenants : 1) * sizeof *sorted);
    size_t *map = malloc((t->n_tenants ? t->n_tenants : 1) * sizeof *map);
    if (!sorted || !map) {
        free(sorted);
        free(map);
        return errf(err, errlen, "out of memory");
    }
    memcpy(sorted, t->tenants, t->n_tenants * sizeof *sorted);
    qsort(sorted, t->n_tenants, sizeof *sorted, cmp_str);
    for (size_t i = 0; i < t->n_tenants; i++)
        for (size_t j = 0; j < t->n_tenants; j++)
            if (sorted[j] == t->tenants[i]) map[i] = j;
    for (size_t i = 0; i < t->n; i++)
        t->rows[i].tenant = map[t->rows[i].tenant];
    free(t->tenants);
    t->tenants = sorted;
    free(map);
    return 0;
}

static void jobs_fini(aidc_jobs_table *t)
{
    for (size_t i = 0; i < t->n_tenants; i++)
        free(t->tenants[i]);
    free(t->tenants);
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* ---- summary.json -------------------------------------------------------- */

static int read_summary(cJSON **out, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) return errf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
    char *text = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *t = realloc(text, cap);
            if (!t) {
                free(text);
                fclose(f);
                return errf(err, errlen, "out of memory");
            }
            text = t;
        }
        size_t got = fread(text + len, 1, cap - len, f);
        len += got;
        if (got == 0) break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(text);
        return errf(err, errlen, "%s: read failed", path);
    }
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        size_t line = 1, col = 1;
        for (const char *p = text; at && p < at && p < text + len; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        free(text);
        return errf(err, errlen, "%s:%zu:%zu: not valid JSON", path, line, col);
    }
    free(text);
    if (!cJSON_IsObject(root) ||
        !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(root, "format"))) {
        cJSON_Delete(root);
        return errf(err, errlen, "%s: expected an aidcsim summary (an object with \"format\")",
                    path);
    }
    *out = root;
    return 0;
}

const cJSON *aidc_results_item(const aidc_results *r, const char *path)
{
    const cJSON *o = r->summary;
    char key[128];
    while (o && *path) {
        const char *dot = strchr(path, '.');
        size_t n = dot ? (size_t)(dot - path) : strlen(path);
        if (n >= sizeof key) return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = cJSON_GetObjectItemCaseSensitive(o, key);
        path = dot ? dot + 1 : path + n;
    }
    return o;
}

double aidc_results_num(const aidc_results *r, const char *path)
{
    const cJSON *o = aidc_results_item(r, path);
    return cJSON_IsNumber(o) ? o->valuedouble : NAN;
}

const char *aidc_results_str(const aidc_results *r, const char *path)
{
    const cJSON *o = aidc_results_item(r, path);
    return cJSON_IsString(o) ? o->valuestring : NULL;
}

/* ---- the directory ------------------------------------------------------- */

int aidc_results_load(aidc_results *r, const char *dir, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    char path[4200];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (read_summary(&r->summary, path, err, errlen)) return -1;
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    if (aidc_numtable_read(&r->ts, path, err, errlen)) goto fail;
    if (!aidc_numtable_col(&r->ts, "time_s")) {
        errf(err, errlen, "%s:1: missing column \"time_s\"", path);
        goto fail;
    }
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    if (read_jobs(&r->jobs, path, err, errlen)) goto fail;
    snprintf(path, sizeof path, "%s/racks.csv", dir);
    FILE *probe = fopen(path, "r");
    if (probe) {
        fclose(probe);
        if (aidc_numtable_read(&r->racks, path, err, errlen)) goto fail;
        if (r->racks.cols < 1 || strcmp(r->racks.names[0], "time_s") != 0) {
            errf(err, errlen, "%s:1: expected \"time_s\" as the first column", path);
            goto fail;
        }
    }
    return 0;
fail:
    aidc_results_fini(r);
    return -1;
}

void aidc_results_fini(aidc_results *r)
{
    cJSON_Delete(r->summary);
    aidc_numtable_fini(&r->ts);
    aidc_numtable_fini(&r->racks);
    jobs_fini(&r->jobs);
    memset(r, 0, sizeof *r);
}
