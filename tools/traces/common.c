/* Shared parts of the trace importers; see common.h. */
#include "tools/traces/common.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum { MIN_CAP = 64 };

/* Seconds fields above this are refused: 4e9 s (127 years) keeps every nanosecond count,
 * and any sum of two, inside int64. */
#define MAX_SECONDS_NS (INT64_C(4000000000) * AIDC_TR_NS)

/* ---- lifecycle and errors ------------------------------------------------------------------ */

void aidc_tr_conv_init(aidc_tr_conv *c, const char *format, const char *source,
                       const aidc_tr_options *opt, char *err, size_t errlen)
{
    assert(c && format && source);
    memset(c, 0, sizeof *c);
    c->format = format;
    c->source = source;
    if (opt) c->opt = *opt;
    if (c->opt.procs_per_gpu < 1) c->opt.procs_per_gpu = 1;
    c->err = err;
    c->errlen = errlen;
    if (err && errlen) err[0] = '\0';
}

void aidc_tr_pool_fini(aidc_tr_pool *p)
{
    free(p->buf);
    free(p->slots);
    free(p->vals);
    memset(p, 0, sizeof *p);
}

void aidc_tr_conv_fini(aidc_tr_conv *c)
{
    aidc_tr_pool_fini(&c->pool);
    free(c->jobs);
    free(c->reqs);
    free(c->shapes);
    memset(c, 0, sizeof *c);
}

static int vfail(aidc_tr_conv *c, const char *path, uint32_t line, const char *fmt, va_list ap)
{
    if (!c->err || c->errlen == 0) return -1;
    int n = 0;
    if (path && line)
        n = snprintf(c->err, c->errlen, "%s:%" PRIu32 ": ", path, line);
    else if (path)
        n = snprintf(c->err, c->errlen, "%s: ", path);
    if (n >= 0 && (size_t)n < c->errlen) vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
    return -1;
}

int aidc_tr_failf(aidc_tr_conv *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, NULL, 0, fmt, ap);
    va_end(ap);
    return -1;
}

int aidc_tr_failf_at(aidc_tr_conv *c, const char *path, uint32_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(c, path, line, fmt, ap);
    va_end(ap);
    return -1;
}

/* Grows an array of `size`-byte items to hold `need`, doubling. 0, or -1 when out of memory. */
static int grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap) return 0;
    size_t n = *cap < MIN_CAP ? MIN_CAP : *cap;
    while (n < need) {
        if (n > SIZE_MAX / 2) return -1;
        n *= 2;
    }
    if (n > SIZE_MAX / size) return -1;
    void *q = realloc(*p, n * size);
    if (!q) return -1;
    *p = q;
    *cap = n;
    return 0;
}

/* ---- strings ------------------------------------------------------------------------------- */

uint32_t aidc_tr_intern(aidc_tr_pool *p, const char *s, size_t len)
{
    size_t off = p->len;
    if (len >= (size_t)UINT32_MAX - off) return AIDC_TR_NO_STR;
    if (grow((void **)&p->buf, &p->cap, off + len + 1, 1) != 0) return AIDC_TR_NO_STR;
    memcpy(p->buf + off, s, len);
    p->buf[off + len] = '\0';
    p->len = off + len + 1;
    return (uint32_t)off;
}

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

/* The slot of s, or the empty slot where it belongs. The index must have slots. */
static size_t index_find(const aidc_tr_pool *p, const char *s, size_t len)
{
    size_t mask = p->n_slots - 1;
    for (size_t i = hash_bytes(s, len) & mask;; i = (i + 1) & mask) {
        uint32_t off = p->slots[i];
        if (off == AIDC_TR_NO_STR) return i;
        if (strncmp(p->buf + off, s, len) == 0 && p->buf[off + len] == '\0') return i;
    }
}

int64_t aidc_tr_index_get(const aidc_tr_pool *p, const char *s, size_t len)
{
    if (p->n_slots == 0) return -1;
    size_t i = index_find(p, s, len);
    return p->slots[i] == AIDC_TR_NO_STR ? -1 : (int64_t)p->vals[i];
}

static int index_reserve(aidc_tr_pool *p)
{
    if ((p->n_indexed + 1) * 2 <= p->n_slots) return 0;
    size_t n = p->n_slots ? p->n_slots * 2 : 256;
    if (n > SIZE_MAX / sizeof(uint32_t)) return -1;
    uint32_t *slots = malloc(n * sizeof *slots), *vals = malloc(n * sizeof *vals);
    if (!slots || !vals) {
        free(slots);
        free(vals);
        return -1;
    }
    memset(slots, 0xff, n * sizeof *slots);
    for (size_t i = 0; i < p->n_slots; i++) {
        uint32_t off = p->slots[i];
        if (off == AIDC_TR_NO_STR) continue;
        size_t j = hash_bytes(p->buf + off, strlen(p->buf + off)) & (n - 1);
        while (slots[j] != AIDC_TR_NO_STR)
            j = (j + 1) & (n - 1);
        slots[j] = off;
        vals[j] = p->vals[i];
    }
    free(p->slots);
    free(p->vals);
    p->slots = slots;
    p->vals = vals;
    p->n_slots = n;
    return 0;
}

int aidc_tr_index_set(aidc_tr_pool *p, const char *s, size_t len, uint32_t val)
{
    if (index_reserve(p) != 0) return -1;
    size_t i = index_find(p, s, len);
    if (p->slots[i] == AIDC_TR_NO_STR) {
        /* A string already in the pool (a job's id) is indexed where it is: interning it
         * again could move the buffer under s. */
        bool inside = p->buf && s >= p->buf && s < p->buf + p->len && s[len] == '\0';
        uint32_t off = inside ? (uint32_t)(s - p->buf) : aidc_tr_intern(p, s, len);
        if (off == AIDC_TR_NO_STR) return -1;
        p->slots[i] = off;
        p->n_indexed++;
    }
    p->vals[i] = val;
    return 0;
}

/* ---- jobs, requests, nodes ------------------------------------------------------------------ */

aidc_tr_job aidc_tr_job_blank(void)
{
    return (aidc_tr_job){
        .id = AIDC_TR_NO_STR,
        .estimate_ns = -1,
        .cpus = -1,
        .mem_gib = -1,
        .gpu_type = AIDC_TR_NO_STR,
        .tenant = AIDC_TR_NO_STR,
        .kind = -1,
        .wait_ns = -1,
        .gpu_milli = -1,
        .cpu_milli = -1,
        .nodes = -1,
        .attempts = -1,
        .status = AIDC_TR_NO_STR,
        .user = AIDC_TR_NO_STR,
        .qos = AIDC_TR_NO_STR,
        .gpu_spec = AIDC_TR_NO_STR,
        .type = AIDC_TR_NO_STR,
    };
}

int aidc_tr_add_job(aidc_tr_conv *c, const aidc_tr_job *job)
{
    assert(job->id != AIDC_TR_NO_STR && job->gpus >= 1 && job->duration_ns >= 0);
    const char *id = aidc_tr_str(&c->pool, job->id);
    size_t len = strlen(id);
    int64_t first = aidc_tr_index_get(&c->pool, id, len);
    if (first >= 0) {
        char q[200];
        return aidc_tr_failf_at(c, c->source, job->line,
                                "duplicate job id %s (first on line %" PRId64 ")",
                                aidc_tr_quote(id, q, sizeof q), first);
    }
    if (grow((void **)&c->jobs, &c->cap_jobs, c->n_jobs + 1, sizeof *c->jobs) != 0 ||
        aidc_tr_index_set(&c->pool, id, len, job->line) != 0)
        return aidc_tr_failf(c, "out of memory");
    c->jobs[c->n_jobs++] = *job;
    return 0;
}

int aidc_tr_add_request(aidc_tr_conv *c, const aidc_tr_request *r)
{
    if (grow((void **)&c->reqs, &c->cap_reqs, c->n_reqs + 1, sizeof *c->reqs) != 0)
        return aidc_tr_failf(c, "out of memory");
    c->reqs[c->n_reqs++] = *r;
    return 0;
}

static bool same_name(const aidc_tr_pool *p, uint32_t a, uint32_t b)
{
    if (a == AIDC_TR_NO_STR || b == AIDC_TR_NO_STR) return a == b;
    return strcmp(p->buf + a, p->buf + b) == 0;
}

int aidc_tr_add_node(aidc_tr_conv *c, const aidc_tr_pool_shape *s)
{
    for (size_t i = 0; i < c->n_shapes; i++) {
        aidc_tr_pool_shape *t = &c->shapes[i];
        if (same_name(&c->pool, t->gpu, s->gpu) && t->gpus == s->gpus && t->cpus == s->cpus &&
            t->mem_gib == s->mem_gib && t->gpu_mem_gb == s->gpu_mem_gb) {
            t->nodes++;
            return 0;
        }
    }
    if (grow((void **)&c->shapes, &c->cap_shapes, c->n_shapes + 1, sizeof *c->shapes) != 0)
        return aidc_tr_failf(c, "out of memory");
    c->shapes[c->n_shapes] = *s;
    c->shapes[c->n_shapes++].nodes = 1;
    return 0;
}

int aidc_tr_set_str(aidc_tr_conv *c, uint32_t *field, const char *s)
{
    *field = aidc_tr_intern(&c->pool, s, strlen(s));
    return *field == AIDC_TR_NO_STR ? aidc_tr_failf(c, "out of memory") : 0;
}

int aidc_tr_set_gpu_spec(aidc_tr_conv *c, aidc_tr_job *j, const char *spec)
{
    if (aidc_tr_set_str(c, &j->gpu_spec, spec) != 0) return -1;
    size_t first = strcspn(spec, "|");
    bool single = true;
    for (const char *p = spec + first; *p == '|' && single; p += 1 + strcspn(p + 1, "|")) {
        size_t n = strcspn(p + 1, "|");
        single = n == first && memcmp(p + 1, spec, n) == 0;
    }
    if (!single) {
        aidc_tr_note(c, "gpu_spec_alternatives",
                     "GPU constraint with alternatives: no gpu_type, the list is in x_gpu_spec",
                     j->line);
        return 0;
    }
    j->gpu_type = aidc_tr_intern(&c->pool, spec, first);
    return j->gpu_type == AIDC_TR_NO_STR ? aidc_tr_failf(c, "out of memory") : 0;
}

void aidc_tr_set_cpu_milli(aidc_tr_conv *c, aidc_tr_job *j, int64_t milli)
{
    assert(milli >= 0 && milli / 1000 < INT32_MAX);
    j->cpu_milli = milli;
    j->cpus = (int32_t)((milli + 999) / 1000);
    if (milli % 1000)
        aidc_tr_note(c, "cpus_rounded_up",
                     "fractional CPU request rounded up to whole cores in cpus (exact in "
                     "x_cpu_milli)",
                     j->line);
}

bool aidc_tr_set_times(aidc_tr_conv *c, aidc_tr_job *j, int64_t submit, int64_t start, int64_t end)
{
    if (start < 0) {
        aidc_tr_drop(c, "never_started", "no start time: the job never ran", j->line);
        return false;
    }
    if (end < 0) {
        aidc_tr_drop(c, "no_end_time", "no end time: still running when the trace ends", j->line);
        return false;
    }
    if (start < submit) {
        aidc_tr_drop(c, "start_before_submit", "start time before submit time", j->line);
        return false;
    }
    if (end < start) {
        aidc_tr_drop(c, "end_before_start", "end time before start time", j->line);
        return false;
    }
    j->submit_ns = submit;
    j->duration_ns = end - start;
    j->wait_ns = start - submit;
    return true;
}

static void count(aidc_tr_count *list, size_t *n, const char *key, const char *what, uint32_t line,
                  const char *file)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp(list[i].key, key) != 0) continue;
        list[i].n++;
        if (list[i].first_line == 0) {
            list[i].first_line = line;
            list[i].first_file = file;
        }
        return;
    }
    assert(*n < AIDC_TR_MAX_REASONS); /* reasons are a fixed, small set per importer */
    list[(*n)++] = (aidc_tr_count){key, what, 1, line, line ? file : NULL};
}

void aidc_tr_drop(aidc_tr_conv *c, const char *key, const char *what, uint32_t line)
{
    count(c->rep.drops, &c->rep.n_drops, key, what, line, c->cur_file);
}

void aidc_tr_note(aidc_tr_conv *c, const char *key, const char *what, uint32_t line)
{
    count(c->rep.notes, &c->rep.n_notes, key, what, line, c->cur_file);
}

/* " (first at line 7)" or " (first at FILE line 7)"; nothing when not tied to a line. */
static void put_first(FILE *f, const aidc_tr_count *k, const char *open, const char *close)
{
    if (!k->first_line) return;
    fprintf(f, "%sfirst at %s%sline %" PRIu32 "%s", open, k->first_file ? k->first_file : "",
            k->first_file ? " " : "", k->first_line, close);
}

static uint64_t find_count(const aidc_tr_count *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].key, key) == 0) return list[i].n;
    return 0;
}

uint64_t aidc_tr_dropped(const aidc_tr_conv *c, const char *key)
{
    return find_count(c->rep.drops, c->rep.n_drops, key);
}

uint64_t aidc_tr_noted(const aidc_tr_conv *c, const char *key)
{
    return find_count(c->rep.notes, c->rep.n_notes, key);
}

/* ---- parsing -------------------------------------------------------------------------------- */

static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Splits a decimal into sign, digit string and a power of ten: value = digits * 10^exp10.
 * Leading zeros are dropped from the digits. False when the syntax is not a decimal. */
typedef struct decimal {
    bool neg;
    char digits[40]; /* significant digits, at most 39 kept (more are zeros or rounding) */
    int n;           /* digits kept */
    int64_t exp10;   /* applies to the kept digits */
    char dropped;    /* the first digit dropped past the 39 kept ('0' when none) */
} decimal;

static bool split_decimal(const char *s, decimal *d)
{
    memset(d, 0, sizeof *d);
    d->dropped = '0';
    const char *p = s;
    if (*p == '-') {
        d->neg = true;
        p++;
    }
    int seen = 0;
    int64_t frac = 0; /* fraction digits counted into the kept digits (or leading zeros) */
    bool point = false, dropped_set = false;
    for (;; p++) {
        if (*p == '.' && !point) {
            point = true;
            continue;
        }
        if (!is_digit(*p)) break;
        seen++;
        if (d->n == 0 && *p == '0') { /* a leading zero: after the point it still counts */
            if (point) frac++;
            continue;
        }
        if (d->n < 39) {
            d->digits[d->n++] = *p;
            if (point) frac++;
        } else {
            if (!point) d->exp10++; /* an integer digit past the kept ones scales them */
            if (!dropped_set) {
                d->dropped = *p;
                dropped_set = true;
            }
        }
    }
    if (seen == 0) return false;
    int64_t e = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = *p == '-';
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return false;
        for (; is_digit(*p); p++)
            if (e < 100000) e = e * 10 + (*p - '0');
        if (eneg) e = -e;
    }
    if (*p != '\0') return false;
    d->exp10 += e - frac;
    return true;
}

bool aidc_tr_parse_num(const char *s, double *out)
{
    decimal d;
    if (!split_decimal(s, &d)) return false;
    double v = strtod(s, NULL); /* the syntax is ours; strtod only does the arithmetic */
    if (!isfinite(v)) return false;
    *out = v;
    return true;
}

bool aidc_tr_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    decimal d;
    if (!split_decimal(s, &d) || d.dropped != '0') return false;
    /* digits * 10^exp10 must be an integer: any digit below the units must be zero */
    int64_t v = 0;
    for (int i = 0; i < d.n; i++) {
        int64_t place = d.exp10 + (d.n - 1 - i); /* power of ten of digit i */
        if (place < 0) {
            if (d.digits[i] != '0') return false;
            continue;
        }
        if (v > INT64_C(100000000000000000)) return false; /* beyond any range asked for */
        v = v * 10 + (d.digits[i] - '0');
    }
    for (int64_t k = d.exp10; k > 0; k--) {
        if (v > INT64_C(100000000000000000)) return false;
        v *= 10;
    }
    if (d.neg) v = -v;
    if (v < lo || v > hi) return false;
    *out = v;
    return true;
}

bool aidc_tr_parse_seconds(const char *s, int64_t *ns)
{
    decimal d;
    if (!split_decimal(s, &d)) return false;
    /* ns = digits * 10^(exp10 + 9), rounded half up on the digit just below a nanosecond */
    const uint64_t max = (uint64_t)MAX_SECONDS_NS;
    int64_t shift = d.exp10 + 9; /* power of ten of the last kept digit, in ns */
    uint64_t v = 0;
    char next = shift == 0 ? d.dropped : '0';
    for (int i = 0; i < d.n; i++) {
        int64_t place = shift + (d.n - 1 - i);
        if (place < 0) {
            if (place == -1) next = d.digits[i];
            continue;
        }
        if (v > max / 10) return false;
        v = v * 10 + (uint64_t)(d.digits[i] - '0');
    }
    for (int64_t k = shift; k > 0 && v != 0; k--) {
        if (v > max / 10) return false;
        v *= 10;
    }
    if (next >= '5') v++;
    if (v > max) return false;
    *ns = d.neg ? -(int64_t)v : (int64_t)v;
    return true;
}

/* Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (the era/day-of-era
 * method: 400-year eras of 146097 days, the year counted from March so February is last). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Reads exactly n digits at *p into *v and moves *p past them. Stops at the first byte that
 * is not a digit, so it never reads past a string's NUL. */
static bool take_digits(const char **p, int n, int *v)
{
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i])) return false;
        x = x * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *v = x;
    return true;
}

static bool take_char(const char **p, char ch)
{
    if (**p != ch) return false;
    (*p)++;
    return true;
}

bool aidc_tr_parse_datetime(const char *s, int64_t *ns, bool *has_offset)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    int y, mo, d, h, mi, se;
    if (!take_digits(&p, 4, &y) || !take_char(&p, '-') || !take_digits(&p, 2, &mo) ||
        !take_char(&p, '-') || !take_digits(&p, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1]) return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo == 2 && d == 29 && !leap) return false;
    if (!take_char(&p, ' ') && !take_char(&p, 'T')) return false;
    if (!take_digits(&p, 2, &h) || !take_char(&p, ':') || !take_digits(&p, 2, &mi) ||
        !take_char(&p, ':') || !take_digits(&p, 2, &se))
        return false;
    if (h > 23 || mi > 59 || se > 59) return false;
    int64_t frac = 0;
    if (take_char(&p, '.')) {
        int n = 0;
        for (; is_digit(*p); p++, n++) {
            if (n >= 9) return false; /* finer than a nanosecond */
            frac = frac * 10 + (*p - '0');
        }
        if (n == 0) return false;
        for (; n < 9; n++)
            frac *= 10;
    }
    int64_t off_s = 0;
    *has_offset = false;
    if (take_char(&p, 'Z')) {
        *has_offset = true;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om;
        if (!take_digits(&p, 2, &oh)) return false;
        take_char(&p, ':');
        if (!take_digits(&p, 2, &om) || oh > 23 || om > 59) return false;
        off_s = sign * (oh * 3600 + om * 60);
        *has_offset = true;
    }
    if (*p != '\0') return false;
    int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off_s;
    /* nanoseconds since 1970 in 64 bits reach years 1678 to 2262: beyond, not a time */
    if (secs > (INT64_MAX - frac) / AIDC_TR_NS || secs < INT64_MIN / AIDC_TR_NS + 1) return false;
    *ns = secs * AIDC_TR_NS + frac;
    return true;
}

void aidc_tr_format_datetime(int64_t ns, char *buf, size_t n)
{
    int64_t secs = ns / AIDC_TR_NS, frac = ns % AIDC_TR_NS;
    if (frac < 0) {
        frac += AIDC_TR_NS;
        secs--;
    }
    int64_t days = secs / 86400, rem = secs % 86400;
    if (rem < 0) {
        rem += 86400;
        days--;
    }
    int64_t y;
    int m, d;
    civil_from_days(days, &y, &m, &d);
    int k = snprintf(buf, n, "%04" PRId64 "-%02d-%02d %02d:%02d:%02d", y, m, d, (int)(rem / 3600),
                     (int)(rem / 60 % 60), (int)(rem % 60));
    if (frac && k > 0 && (size_t)k < n) {
        char f[16];
        snprintf(f, sizeof f, "%09" PRId64, frac);
        for (int i = 8; i > 0 && f[i] == '0'; i--)
            f[i] = '\0';
        snprintf(buf + k, n - (size_t)k, ".%s", f);
    }
}

void aidc_tr_format_seconds(int64_t ns, char *buf, size_t n)
{
    const char *sign = ns < 0 ? "-" : "";
    uint64_t v = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
    uint64_t whole = v / (uint64_t)AIDC_TR_NS, frac = v % (uint64_t)AIDC_TR_NS;
    if (frac == 0) {
        snprintf(buf, n, "%s%" PRIu64, sign, whole);
        return;
    }
    char f[16];
    snprintf(f, sizeof f, "%09" PRIu64, frac);
    for (int i = 8; i > 0 && f[i] == '0'; i--)
        f[i] = '\0';
    snprintf(buf, n, "%s%" PRIu64 ".%s", sign, whole, f);
}

const char *aidc_tr_quote(const char *s, char *buf, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    assert(n >= 16);
    size_t k = 0, len = strlen(s);
    buf[k++] = '"';
    for (size_t i = 0; i < len && i < 48 && k + 6 < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '"' || ch == '\\') {
            buf[k++] = '\\';
            buf[k++] = (char)ch;
        } else if (ch < 0x20 || ch == 0x7f) {
            buf[k++] = '\\';
            buf[k++] = 'x';
            buf[k++] = hex[ch >> 4];
            buf[k++] = hex[ch & 15];
        } else {
            buf[k++] = (char)ch;
        }
    }
    buf[k++] = '"';
    if (len > 48 && k + 4 < n) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = '\0';
    return buf;
}

/* ---- files ---------------------------------------------------------------------------------- */

FILE *aidc_tr_open(aidc_tr_conv *c, const char *path)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        aidc_tr_failf_at(c, path, 0, "is a directory, not a trace file");
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) aidc_tr_failf_at(c, path, 0, "cannot open: %s", strerror(errno));
    return f;
}

/* An output file written under a temporary name beside `out` and renamed when complete. */
typedef struct outfile {
    char tmp[4096];
    FILE *f;
} outfile;

static int out_begin(aidc_tr_conv *c, const char *out, outfile *o)
{
    struct stat st;
    if (stat(out, &st) == 0 && S_ISDIR(st.st_mode))
        return aidc_tr_failf_at(c, out, 0, "is a directory; give the output file's name");
    struct stat in;
    if (stat(c->source, &in) == 0 && stat(out, &st) == 0 && in.st_dev == st.st_dev &&
        in.st_ino == st.st_ino)
        return aidc_tr_failf_at(c, out, 0, "is the input file; choose another output name");
    if ((size_t)snprintf(o->tmp, sizeof o->tmp, "%s.tmp-XXXXXX", out) >= sizeof o->tmp)
        return aidc_tr_failf_at(c, out, 0, "path too long");
    int fd = mkstemp(o->tmp);
    if (fd < 0) return aidc_tr_failf_at(c, out, 0, "cannot create: %s", strerror(errno));
    o->f = fdopen(fd, "wb");
    if (!o->f) {
        close(fd);
        unlink(o->tmp);
        return aidc_tr_failf_at(c, out, 0, "cannot create: %s", strerror(errno));
    }
    return 0;
}

static int out_end(aidc_tr_conv *c, const char *out, outfile *o, bool ok)
{
    bool bad = ferror(o->f) != 0;
    if (fclose(o->f) != 0) bad = true;
    if (!ok || bad) {
        unlink(o->tmp);
        return ok ? aidc_tr_failf_at(c, out, 0, "write error: %s", strerror(errno)) : -1;
    }
    /* mkstemp makes the file 0600; an output is an ordinary file for its owner's group too */
    mode_t mask = umask(0);
    umask(mask);
    chmod(o->tmp, 0666 & ~mask);
    if (rename(o->tmp, out) != 0) {
        int e = errno;
        unlink(o->tmp);
        return aidc_tr_failf_at(c, out, 0, "cannot rename into place: %s", strerror(e));
    }
    return 0;
}

/* A CSV field: quoted when it holds a separator, a quote, a line break, a leading '#' or
 * spaces at either end (which the reader would strip). */
static void put_field(FILE *f, const char *s)
{
    size_t len = strlen(s);
    bool quote = len > 0 && (s[0] == '#' || s[0] == ' ' || s[0] == '\t' || s[len - 1] == ' ' ||
                             s[len - 1] == '\t');
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
    if (!quote) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') fputc('"', f);
        fputc(s[i], f);
    }
    fputc('"', f);
}

static void put_comment_value(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void origin_text(const aidc_tr_conv *c, int64_t origin, char *buf, size_t n)
{
    char t[48];
    if (c->datetime_clock) {
        aidc_tr_format_datetime(origin, t, sizeof t);
        snprintf(buf, n, "%s%s", t, c->utc_clock ? " UTC" : " (source wall clock, no time zone)");
    } else {
        aidc_tr_format_seconds(origin, t, sizeof t);
        snprintf(buf, n, "%s s in the source's clock", t);
    }
}

static void write_report_comments(const aidc_tr_conv *c, FILE *f, const char *time_col,
                                  int64_t origin, const char *what)
{
    const aidc_tr_report *r = &c->rep;
    uint64_t dropped = 0;
    for (size_t i = 0; i < r->n_drops; i++)
        dropped += r->drops[i].n;
    fprintf(f, "# converted by aidcsim trace convert --from %s\n# source: ", c->format);
    put_comment_value(f, c->source);
    char t[128];
    origin_text(c, origin, t, sizeof t);
    fprintf(f, "\n# %s 0 = %s\n", time_col, t);
    fprintf(f, "# source records: %" PRIu64 "; %s written: %" PRIu64 "; dropped: %" PRIu64 "\n",
            r->records, what, r->written, dropped);
    for (size_t i = 0; i < r->n_drops; i++) {
        fprintf(f, "# dropped %s: %" PRIu64 " (%s", r->drops[i].key, r->drops[i].n,
                r->drops[i].what);
        put_first(f, &r->drops[i], "; ", "");
        fputs(")\n", f);
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        fprintf(f, "# note %s: %" PRIu64 " (%s", r->notes[i].key, r->notes[i].n, r->notes[i].what);
        put_first(f, &r->notes[i], "; ", "");
        fputs(")\n", f);
    }
    if (r->ignored_columns[0]) {
        fputs("# source columns not read: ", f);
        put_comment_value(f, r->ignored_columns);
        fputc('\n', f);
    }
}

enum wcol {
    W_CPUS,
    W_MEM,
    W_GPU_TYPE,
    W_TENANT,
    W_KIND,
    W_ESTIMATE,
    W_WAIT,
    W_STATUS,
    W_USER,
    W_QOS,
    W_GPU_MILLI,
    W_CPU_MILLI,
    W_GPU_SPEC,
    W_NODES,
    W_ATTEMPTS,
    W_TYPE,
    N_WCOLS
};

static const char *const wcol_names[N_WCOLS] = {
    "cpus",       "mem_gib",  "gpu_type",   "tenant", "kind",        "estimate_s",
    "x_wait_s",   "x_status", "x_user",     "x_qos",  "x_gpu_milli", "x_cpu_milli",
    "x_gpu_spec", "x_nodes",  "x_attempts", "x_type",
};

static bool job_has(const aidc_tr_conv *c, const aidc_tr_job *j, enum wcol w)
{
    switch (w) {
    case W_CPUS:
        return j->cpus >= 0;
    case W_MEM:
        return j->mem_gib >= 0;
    case W_GPU_TYPE:
        return j->gpu_type != AIDC_TR_NO_STR && !c->opt.any_gpu_type;
    case W_TENANT:
        return j->tenant != AIDC_TR_NO_STR;
    case W_KIND:
        return j->kind >= 0;
    case W_ESTIMATE:
        return j->estimate_ns >= 0;
    case W_WAIT:
        return j->wait_ns >= 0;
    case W_STATUS:
        return j->status != AIDC_TR_NO_STR;
    case W_USER:
        return j->user != AIDC_TR_NO_STR;
    case W_QOS:
        return j->qos != AIDC_TR_NO_STR;
    case W_GPU_MILLI:
        return j->gpu_milli >= 0;
    case W_CPU_MILLI:
        return j->cpu_milli >= 0;
    case W_GPU_SPEC:
        return j->gpu_spec != AIDC_TR_NO_STR;
    case W_NODES:
        return j->nodes >= 0;
    case W_ATTEMPTS:
        return j->attempts >= 0;
    case W_TYPE:
        return j->type != AIDC_TR_NO_STR;
    case N_WCOLS:
        break;
    }
    assert(!"not a column");
    return false;
}

/* Writes job j's value of column w (nothing when absent). */
static void put_value(const aidc_tr_conv *c, FILE *f, const aidc_tr_job *j, enum wcol w)
{
    if (!job_has(c, j, w)) return;
    char b[64];
    const aidc_tr_pool *p = &c->pool;
    switch (w) {
    case W_CPUS:
        fprintf(f, "%" PRId32, j->cpus);
        break;
    case W_MEM:
        fprintf(f, "%.15g", j->mem_gib);
        break;
    case W_GPU_TYPE:
        put_field(f, aidc_tr_str(p, j->gpu_type));
        break;
    case W_TENANT:
        put_field(f, aidc_tr_str(p, j->tenant));
        break;
    case W_KIND:
        fputs(aidc_job_kind_name((aidc_job_kind)j->kind), f);
        break;
    case W_ESTIMATE:
        aidc_tr_format_seconds(j->estimate_ns, b, sizeof b);
        fputs(b, f);
        break;
    case W_WAIT:
        aidc_tr_format_seconds(j->wait_ns, b, sizeof b);
        fputs(b, f);
        break;
    case W_STATUS:
        put_field(f, aidc_tr_str(p, j->status));
        break;
    case W_USER:
        put_field(f, aidc_tr_str(p, j->user));
        break;
    case W_QOS:
        put_field(f, aidc_tr_str(p, j->qos));
        break;
    case W_GPU_MILLI:
        fprintf(f, "%" PRId32, j->gpu_milli);
        break;
    case W_CPU_MILLI:
        fprintf(f, "%" PRId64, j->cpu_milli);
        break;
    case W_GPU_SPEC:
        put_field(f, aidc_tr_str(p, j->gpu_spec));
        break;
    case W_NODES:
        fprintf(f, "%" PRId32, j->nodes);
        break;
    case W_ATTEMPTS:
        fprintf(f, "%" PRId32, j->attempts);
        break;
    case W_TYPE:
        put_field(f, aidc_tr_str(p, j->type));
        break;
    case N_WCOLS:
        break;
    }
}

int aidc_tr_write_native(aidc_tr_conv *c, const char *out)
{
    int64_t origin = 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        if (i == 0 || c->jobs[i].submit_ns < origin) origin = c->jobs[i].submit_ns;
    bool used[N_WCOLS] = {false};
    for (size_t i = 0; i < c->n_jobs; i++)
        for (int w = 0; w < N_WCOLS; w++)
            if (!used[w] && job_has(c, &c->jobs[i], (enum wcol)w)) used[w] = true;
    /* The native reader refuses times above 1e9 s; say so here, naming the source line. */
    const int64_t limit = MAX_SECONDS_NS / 4;
    for (size_t i = 0; i < c->n_jobs; i++) {
        const aidc_tr_job *j = &c->jobs[i];
        if (j->submit_ns - origin > limit || j->duration_ns > limit || j->estimate_ns > limit ||
            j->wait_ns > limit)
            return aidc_tr_failf_at(c, c->source, j->line,
                                    "a time of this job (submit after the first job, duration, "
                                    "estimate or wait) is above 1e9 s, the native trace's limit; "
                                    "is a time column in the wrong unit?");
    }
    c->rep.written = c->n_jobs;

    outfile o;
    if (out_begin(c, out, &o) != 0) return -1;
    write_report_comments(c, o.f, "submit_s", origin, "jobs");
    fputs("id,submit_s,gpus,duration_s", o.f);
    for (int w = 0; w < N_WCOLS; w++)
        if (used[w]) fprintf(o.f, ",%s", wcol_names[w]);
    fputc('\n', o.f);
    char b[64];
    for (size_t i = 0; i < c->n_jobs; i++) {
        const aidc_tr_job *j = &c->jobs[i];
        put_field(o.f, aidc_tr_str(&c->pool, j->id));
        aidc_tr_format_seconds(j->submit_ns - origin, b, sizeof b);
        fprintf(o.f, ",%s,%" PRId32 ",", b, j->gpus);
        aidc_tr_format_seconds(j->duration_ns, b, sizeof b);
        fputs(b, o.f);
        for (int w = 0; w < N_WCOLS; w++) {
            if (!used[w]) continue;
            fputc(',', o.f);
            put_value(c, o.f, j, (enum wcol)w);
        }
        fputc('\n', o.f);
    }
    return out_end(c, out, &o, true);
}

int aidc_tr_write_requests(aidc_tr_conv *c, const char *out)
{
    int64_t origin = 0;
    for (size_t i = 0; i < c->n_reqs; i++)
        if (i == 0 || c->reqs[i].arrival_ns < origin) origin = c->reqs[i].arrival_ns;
    c->rep.written = c->n_reqs;
    outfile o;
    if (out_begin(c, out, &o) != 0) return -1;
    write_report_comments(c, o.f, "arrival_s", origin, "requests");
    fputs("arrival_s,prompt_tokens,output_tokens\n", o.f);
    char b[64];
    for (size_t i = 0; i < c->n_reqs; i++) {
        aidc_tr_format_seconds(c->reqs[i].arrival_ns - origin, b, sizeof b);
        fprintf(o.f, "%s,%" PRId64 ",%" PRId64 "\n", b, c->reqs[i].prompt_tokens,
                c->reqs[i].output_tokens);
    }
    return out_end(c, out, &o, true);
}

/* Pools print biggest first (GPUs in the pool), then by name and shape, so that the order does
 * not depend on the order of the node list. Sorted as (shape, name) pairs: qsort passes no
 * context, and the names live in the conversion's pool. */
typedef struct named_shape {
    aidc_tr_pool_shape s;
    const char *name;
} named_shape;

static int shape_cmp(const void *a, const void *b)
{
    const named_shape *x = a, *y = b;
    int64_t gx = x->s.nodes * x->s.gpus, gy = y->s.nodes * y->s.gpus;
    if (gx != gy) return gx > gy ? -1 : 1;
    int k = strcmp(x->name ? x->name : "", y->name ? y->name : "");
    if (k) return k;
    if (x->s.gpus != y->s.gpus) return x->s.gpus < y->s.gpus ? -1 : 1;
    if (x->s.cpus != y->s.cpus) return x->s.cpus < y->s.cpus ? -1 : 1;
    if (x->s.mem_gib != y->s.mem_gib) return x->s.mem_gib < y->s.mem_gib ? -1 : 1;
    if (x->s.gpu_mem_gb != y->s.gpu_mem_gb) return x->s.gpu_mem_gb < y->s.gpu_mem_gb ? -1 : 1;
    return x->s.nodes > y->s.nodes ? -1 : x->s.nodes < y->s.nodes;
}

static int sort_shapes(aidc_tr_conv *c)
{
    named_shape *v = malloc((c->n_shapes ? c->n_shapes : 1) * sizeof *v);
    if (!v) return aidc_tr_failf(c, "out of memory");
    for (size_t i = 0; i < c->n_shapes; i++)
        v[i] = (named_shape){c->shapes[i], aidc_tr_str(&c->pool, c->shapes[i].gpu)};
    qsort(v, c->n_shapes, sizeof *v, shape_cmp);
    for (size_t i = 0; i < c->n_shapes; i++)
        c->shapes[i] = v[i].s;
    free(v);
    return 0;
}

int aidc_tr_write_pools(aidc_tr_conv *c, const char *out)
{
    if (sort_shapes(c) != 0) return -1;
    int64_t nodes = 0, gpu_nodes = 0, gpus = 0;
    for (size_t i = 0; i < c->n_shapes; i++) {
        nodes += c->shapes[i].nodes;
        if (c->shapes[i].gpus > 0) gpu_nodes += c->shapes[i].nodes;
        gpus += c->shapes[i].nodes * c->shapes[i].gpus;
    }
    c->rep.written = (uint64_t)nodes;
    cJSON *root = cJSON_CreateObject();
    cJSON *pools = cJSON_CreateArray(), *cpu = cJSON_CreateArray(), *rep = cJSON_CreateObject();
    cJSON *dropped = cJSON_CreateObject(), *notes = cJSON_CreateObject();
    bool ok = root && pools && cpu && rep && dropped && notes;
    if (ok) {
        cJSON_AddStringToObject(root, "format", "aidcsim-cluster-pools");
        cJSON_AddNumberToObject(root, "version", 1);
        cJSON_AddStringToObject(root, "from", c->format);
        cJSON_AddStringToObject(root, "source", c->source);
        cJSON_AddNumberToObject(root, "nodes", (double)nodes);
        cJSON_AddNumberToObject(root, "gpu_nodes", (double)gpu_nodes);
        cJSON_AddNumberToObject(root, "gpus", (double)gpus);
        for (size_t i = 0; i < c->n_shapes; i++) {
            const aidc_tr_pool_shape *s = &c->shapes[i];
            cJSON *o = cJSON_CreateObject();
            if (!o) {
                ok = false;
                break;
            }
            if (s->gpus > 0) {
                cJSON *cl = cJSON_CreateObject();
                if (!cl) {
                    cJSON_Delete(o);
                    ok = false;
                    break;
                }
                cJSON_AddStringToObject(cl, "gpu", aidc_tr_str(&c->pool, s->gpu));
                cJSON_AddNumberToObject(cl, "nodes", (double)s->nodes);
                cJSON_AddNumberToObject(cl, "gpus_per_node", s->gpus);
                if (s->cpus >= 0) cJSON_AddNumberToObject(cl, "cpus_per_node", s->cpus);
                if (s->mem_gib >= 0) cJSON_AddNumberToObject(cl, "mem_gib_per_node", s->mem_gib);
                cJSON_AddNumberToObject(o, "gpus", (double)(s->nodes * s->gpus));
                if (s->gpu_mem_gb >= 0) cJSON_AddNumberToObject(o, "gpu_mem_gb", s->gpu_mem_gb);
                cJSON_AddItemToObject(o, "cluster", cl);
                cJSON_AddItemToArray(pools, o);
            } else {
                cJSON_AddNumberToObject(o, "nodes", (double)s->nodes);
                if (s->cpus >= 0) cJSON_AddNumberToObject(o, "cpus_per_node", s->cpus);
                if (s->mem_gib >= 0) cJSON_AddNumberToObject(o, "mem_gib_per_node", s->mem_gib);
                cJSON_AddItemToArray(cpu, o);
            }
        }
    }
    if (ok) {
        cJSON_AddItemToObject(root, "pools", pools);
        cJSON_AddItemToObject(root, "cpu_only", cpu);
        pools = cpu = NULL;
        cJSON_AddNumberToObject(rep, "source_records", (double)c->rep.records);
        cJSON_AddNumberToObject(rep, "nodes_written", (double)nodes);
        for (size_t i = 0; i < c->rep.n_drops; i++)
            cJSON_AddNumberToObject(dropped, c->rep.drops[i].key, (double)c->rep.drops[i].n);
        for (size_t i = 0; i < c->rep.n_notes; i++)
            cJSON_AddNumberToObject(notes, c->rep.notes[i].key, (double)c->rep.notes[i].n);
        cJSON_AddItemToObject(rep, "dropped", dropped);
        cJSON_AddItemToObject(rep, "notes", notes);
        cJSON_AddItemToObject(root, "report", rep);
        dropped = notes = rep = NULL;
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    cJSON_Delete(pools);
    cJSON_Delete(cpu);
    cJSON_Delete(rep);
    cJSON_Delete(dropped);
    cJSON_Delete(notes);
    if (!text) return aidc_tr_failf(c, "out of memory");
    outfile o;
    int rc = out_begin(c, out, &o);
    if (rc == 0) {
        fputs(text, o.f);
        fputc('\n', o.f);
        rc = out_end(c, out, &o, true);
    }
    cJSON_free(text);
    return rc;
}

void aidc_tr_print_report(const aidc_tr_conv *c, const char *out, FILE *f)
{
    const aidc_tr_report *r = &c->rep;
    const char *what = c->n_shapes ? "nodes" : c->n_reqs ? "requests" : "jobs";
    fprintf(f, "%s: %" PRIu64 " records read from %s\n", c->format, r->records, c->source);
    fprintf(f, "  written  %8" PRIu64 " %s -> %s\n", r->written, what, out);
    for (size_t i = 0; i < r->n_drops; i++) {
        fprintf(f, "  dropped  %8" PRIu64 " %s: %s", r->drops[i].n, r->drops[i].key,
                r->drops[i].what);
        put_first(f, &r->drops[i], " (", ")");
        fputc('\n', f);
    }
    for (size_t i = 0; i < r->n_notes; i++) {
        fprintf(f, "  note     %8" PRIu64 " %s: %s", r->notes[i].n, r->notes[i].key,
                r->notes[i].what);
        put_first(f, &r->notes[i], " (", ")");
        fputc('\n', f);
    }
    if (r->ignored_columns[0]) fprintf(f, "  source columns not read: %s\n", r->ignored_columns);
}
