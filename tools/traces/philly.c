/* Microsoft Philly job log and machine list; see philly.h. */
#include "tools/traces/philly.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/jsonloc.h"
#include "tools/traces/table.h"

typedef struct philly {
    aidc_tr_conv *c;
    const char *path;
    const char *text;
} philly;

/* "PATH:LINE:COL: key.path: message", the position found in the raw text. */
static int jfail(philly *p, const char *keypath, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int jfail(philly *p, const char *keypath, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    aidc_text_pos pos;
    if (aidc_jsonloc_find(p->text, keypath, false, &pos))
        return aidc_tr_failf(p->c, "%s:%d:%d: %s: %s", p->path, pos.line, pos.col, keypath, msg);
    return aidc_tr_failf(p->c, "%s: %s: %s", p->path, keypath, msg);
}

static const char *describe(const cJSON *v)
{
    if (!v) return "nothing";
    if (cJSON_IsString(v)) return "a string";
    if (cJSON_IsNumber(v)) return "a number";
    if (cJSON_IsBool(v)) return "a boolean";
    if (cJSON_IsNull(v)) return "null";
    if (cJSON_IsArray(v)) return "an array";
    return "an object";
}

/* A string member; *out NULL when absent or null (allowed unless required). */
static int get_str(philly *p, const cJSON *o, const char *path, const char *key, bool required,
                   const char **out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    char kp[256];
    snprintf(kp, sizeof kp, "%s.%s", path, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) {
        if (required) return jfail(p, path, "missing \"%s\"", key);
        return 0;
    }
    if (!cJSON_IsString(v)) return jfail(p, kp, "expected a string, found %s", describe(v));
    *out = v->valuestring;
    return 0;
}

/* A time member: -1 when absent, null, "None" or "" (the trace's ways of "not recorded"). */
static int get_time(philly *p, const cJSON *o, const char *path, const char *key, int64_t *ns)
{
    const char *s;
    *ns = -1;
    if (get_str(p, o, path, key, false, &s) != 0) return -1;
    if (!s || !*s || strcmp(s, "None") == 0) return 0;
    bool off;
    if (!aidc_tr_parse_datetime(s, ns, &off)) {
        char kp[256], q[160];
        snprintf(kp, sizeof kp, "%s.%s", path, key);
        return jfail(p, kp, "expected a time like \"2017-10-07 01:12:09\", found %s",
                     aidc_tr_quote(s, q, sizeof q));
    }
    p->c->datetime_clock = true;
    if (off) p->c->utc_clock = true;
    return 0;
}

/* GPUs and hosts of one attempt: *gpus = total over "detail", *hosts = its entries. */
static int attempt_gpus(philly *p, const cJSON *a, const char *path, int64_t *gpus, int32_t *hosts)
{
    *gpus = 0;
    *hosts = 0;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(a, "detail");
    char kp[256];
    snprintf(kp, sizeof kp, "%s.detail", path);
    if (!d || cJSON_IsNull(d)) return 0;
    if (!cJSON_IsArray(d)) return jfail(p, kp, "expected an array, found %s", describe(d));
    int k = 0;
    for (const cJSON *e = d->child; e; e = e->next, k++) {
        char ep[256];
        snprintf(ep, sizeof ep, "%s[%d]", kp, k);
        if (!cJSON_IsObject(e)) return jfail(p, ep, "expected an object, found %s", describe(e));
        const cJSON *g = cJSON_GetObjectItemCaseSensitive(e, "gpus");
        if (!g || cJSON_IsNull(g)) continue;
        if (!cJSON_IsArray(g)) {
            char gp[300];
            snprintf(gp, sizeof gp, "%s.gpus", ep);
            return jfail(p, gp, "expected an array of GPU names, found %s", describe(g));
        }
        *gpus += cJSON_GetArraySize(g);
        (*hosts)++;
    }
    return 0;
}

static int job(philly *p, const cJSON *o, int i, uint32_t line)
{
    aidc_tr_conv *c = p->c;
    char path[64];
    snprintf(path, sizeof path, "[%d]", i);
    if (!cJSON_IsObject(o)) return jfail(p, path, "expected a job object, found %s", describe(o));
    const char *id, *status, *vc, *user;
    int64_t submit;
    if (get_str(p, o, path, "jobid", true, &id) != 0 ||
        get_str(p, o, path, "status", false, &status) != 0 ||
        get_str(p, o, path, "vc", false, &vc) != 0 ||
        get_str(p, o, path, "user", false, &user) != 0 ||
        get_time(p, o, path, "submitted_time", &submit) != 0)
        return -1;
    if (!*id) return jfail(p, path, "empty \"jobid\"");
    const cJSON *att = cJSON_GetObjectItemCaseSensitive(o, "attempts");
    char ap[96];
    snprintf(ap, sizeof ap, "%s.attempts", path);
    if (att && !cJSON_IsArray(att) && !cJSON_IsNull(att))
        return jfail(p, ap, "expected an array, found %s", describe(att));
    int n_att = att && cJSON_IsArray(att) ? cJSON_GetArraySize(att) : 0;

    aidc_tr_job j = aidc_tr_job_blank();
    j.line = line;
    int64_t first_start = -1, held = 0, gpus = 0;
    int32_t hosts = 0;
    bool running = false, timed = false;
    int k = 0;
    for (const cJSON *a = n_att ? att->child : NULL; a; a = a->next, k++) {
        char kp[128];
        snprintf(kp, sizeof kp, "%s[%d]", ap, k);
        if (!cJSON_IsObject(a)) return jfail(p, kp, "expected an object, found %s", describe(a));
        int64_t start, end, g;
        int32_t h;
        if (get_time(p, a, kp, "start_time", &start) != 0 ||
            get_time(p, a, kp, "end_time", &end) != 0 || attempt_gpus(p, a, kp, &g, &h) != 0)
            return -1;
        if (g > 0) {
            gpus = g;
            hosts = h;
        }
        bool last = a->next == NULL;
        if (start >= 0 && end < 0 && last) {
            running = true;
            continue;
        }
        if (start < 0 || end < 0) {
            aidc_tr_note(c, "attempt_without_times",
                         "an attempt without a start or end time: not counted in duration", line);
            continue;
        }
        if (end < start) {
            aidc_tr_drop(c, "end_before_start", "an attempt ends before it starts", line);
            return 0;
        }
        if (first_start < 0 || start < first_start) first_start = start;
        held += end - start;
        timed = true;
    }
    if (n_att == 0) {
        aidc_tr_drop(c, "no_attempts", "job with no recorded scheduling attempt", line);
        return 0;
    }
    if (gpus == 0) {
        aidc_tr_drop(c, "no_gpu", "no attempt lists a GPU", line);
        return 0;
    }
    if (gpus > 1000000) return jfail(p, ap, "more than 1000000 GPUs in one attempt");
    if (running) {
        aidc_tr_drop(c, "no_end_time",
                     "last attempt has no end time: still running when the "
                     "trace was taken",
                     line);
        return 0;
    }
    if (!timed) {
        aidc_tr_drop(c, "never_started", "no attempt with both a start and an end time", line);
        return 0;
    }
    if (submit < 0) {
        aidc_tr_drop(c, "no_submit_time", "job without a submitted_time", line);
        return 0;
    }
    if (first_start < submit) {
        aidc_tr_drop(c, "start_before_submit", "first attempt starts before submission", line);
        return 0;
    }
    j.submit_ns = submit;
    j.wait_ns = first_start - submit;
    j.duration_ns = held;
    j.gpus = (int32_t)gpus;
    j.nodes = hosts;
    j.attempts = n_att;
    if (aidc_tr_set_str(c, &j.id, id) != 0 || (vc && aidc_tr_set_str(c, &j.tenant, vc) != 0) ||
        (user && aidc_tr_set_str(c, &j.user, user) != 0) ||
        (status && aidc_tr_set_str(c, &j.status, status) != 0))
        return -1;
    return aidc_tr_add_job(c, &j);
}

/* The line where each element of the top-level array starts, in one pass over the text
 * (jsonloc would rescan the text per element). The text is valid JSON: cJSON parsed it. */
static void element_lines(const char *text, size_t len, uint32_t *lines, size_t n)
{
    uint32_t line = 1;
    int depth = 0;
    bool in_str = false, esc = false, want = false;
    size_t k = 0;
    for (size_t i = 0; i < len && k < n; i++) {
        char ch = text[i];
        if (ch == '\n') line++;
        if (in_str) {
            if (esc)
                esc = false;
            else if (ch == '\\')
                esc = true;
            else if (ch == '"')
                in_str = false;
            continue;
        }
        if (want && depth == 1 && ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r' &&
            ch != ']') {
            lines[k++] = line;
            want = false;
        }
        if (ch == '"')
            in_str = true;
        else if (ch == '[' || ch == '{') {
            if (++depth == 1) want = true;
        } else if (ch == ']' || ch == '}')
            depth--;
        else if (ch == ',' && depth == 1)
            want = true;
    }
}

static char *read_all(aidc_tr_conv *c, const char *path, size_t *len)
{
    FILE *f = aidc_tr_open(c, path);
    if (!f) return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        if (n + 1 >= cap) {
            char *b = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!b) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    if (!buf)
        aidc_tr_failf(c, "out of memory");
    else if (ferror(f)) {
        aidc_tr_failf_at(c, path, 0, "read error: %s", strerror(errno));
        free(buf);
        buf = NULL;
    } else {
        buf[n] = '\0';
        *len = n;
    }
    fclose(f);
    return buf;
}

int aidc_tr_philly(aidc_tr_conv *c, const char *path)
{
    size_t len = 0;
    char *text = read_all(c, path, &len);
    if (!text) return -1;
    philly p = {c, path, text};
    int rc = -1;
    const char *nul = memchr(text, '\0', len);
    const char *end = NULL;
    cJSON *root = NULL;
    if (len == 0) {
        aidc_tr_failf_at(c, path, 0, "file is empty (expected a JSON array of jobs)");
    } else if (nul) {
        aidc_text_pos at = aidc_jsonloc_offset(text, (size_t)(nul - text));
        aidc_tr_failf(c, "%s:%d:%d: a NUL byte; is this a text file?", path, at.line, at.col);
    } else if (!(root = cJSON_ParseWithOpts(text, &end, true))) {
        size_t off = end && end >= text ? (size_t)(end - text) : 0;
        const char *e = cJSON_GetErrorPtr();
        if (e && e >= text && e <= text + len) off = (size_t)(e - text);
        aidc_text_pos at = aidc_jsonloc_offset(text, off);
        aidc_tr_failf(c,
                      "%s:%d:%d: not valid JSON here (a Philly cluster_job_log is one JSON "
                      "array of job objects)",
                      path, at.line, at.col);
    } else if (!cJSON_IsArray(root)) {
        aidc_tr_failf_at(c, path, 1, "expected a JSON array of jobs, found %s", describe(root));
    } else {
        size_t n = (size_t)cJSON_GetArraySize(root);
        uint32_t *lines = calloc(n ? n : 1, sizeof *lines);
        if (!lines) {
            aidc_tr_failf(c, "out of memory");
        } else {
            element_lines(text, len, lines, n);
            rc = 0;
            int i = 0;
            for (const cJSON *o = root->child; o && rc == 0; o = o->next, i++) {
                c->rep.records++;
                rc = job(&p, o, i, lines[i]);
            }
            free(lines);
        }
    }
    cJSON_Delete(root);
    free(text);
    return rc;
}

/* ---- machine list ---------------------------------------------------------------------------- */

enum { M_ID, M_GPUS, M_MEM, N_M };
static const aidc_tr_col machine_cols[N_M] = {
    {"machineId", true}, {"number of GPUs", true}, {"single GPU mem", true}};

static int machine_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    if (aidc_tr_empty(r, M_ID))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"machineId\": a value is required");
    int64_t gpus;
    if (aidc_tr_get_int(c, r, M_GPUS, 0, 1024, &gpus) != 0) return -1;
    aidc_tr_pool_shape s = {
        .gpu = AIDC_TR_NO_STR, .gpus = (int32_t)gpus, .cpus = -1, .mem_gib = -1, .gpu_mem_gb = -1};
    const char *mem = r->f[M_MEM] ? r->f[M_MEM] : "";
    size_t n = strlen(mem);
    char num[32];
    double gb = -1;
    if (n > 2 && n - 2 < sizeof num && strcmp(mem + n - 2, "GB") == 0) {
        memcpy(num, mem, n - 2);
        num[n - 2] = '\0';
        if (!aidc_tr_parse_num(num, &gb) || gb <= 0) gb = -1;
    }
    if (gb < 0) {
        char q[160];
        return aidc_tr_failf_at(
            c, r->path, r->line,
            "column \"single GPU mem\": expected a size like \"24GB\", found %s",
            aidc_tr_quote(mem, q, sizeof q));
    }
    if (gpus > 0) {
        char name[48];
        snprintf(name, sizeof name, "GPU-%sGB", num);
        s.gpu_mem_gb = gb;
        if (aidc_tr_set_str(c, &s.gpu, name) != 0) return -1;
    }
    return aidc_tr_add_node(c, &s);
}

int aidc_tr_philly_machines(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, machine_cols, N_M, AIDC_TR_HEADER_MAYBE, false, true,
                              machine_row, NULL);
}
