/* Native trace CSV reader; see trace.h for the format and the error contract.
 *
 * libcsv does the quoting and models/csvlines the lines (so every message names one); this
 * file maps the header to columns and turns each record into a job. */
#include "models/trace.h"
#include "models/csvlines.h"

#include "models/suggest.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    ROW_MSG_MAX = 512,    /* a row's first field error, held until the row is complete */
    QUOTE_MAX = 48,       /* bytes of a bad value shown in a message before "..." */
};

/* Seconds above this are an error: no trace spans 31 years, and a value this large is
 * almost always a column of milliseconds or epoch timestamps put where seconds belong. */
#define MAX_SECONDS 1e9
#define MAX_GPUS 1000000

enum col {
    COL_ID,
    COL_SUBMIT,
    COL_GPUS,
    COL_DURATION,
    COL_CPUS,
    COL_MEM,
    COL_GPU_TYPE,
    COL_TENANT,
    COL_PRIORITY,
    COL_KIND,
    COL_ESTIMATE,
    COL_DEADLINE,
    COL_DEFERRABLE,
    COL_GPU_MILLI, /* gpu_milli, or the converters' x_gpu_milli */
    COL_GPU_SPEC,  /* x_gpu_spec: '|'-separated GPU types, any of which will do */
    N_COLS,
    COL_EXTRA = N_COLS,           /* an "x_" column: carried for tools, ignored here */
    N_REQUIRED = COL_DURATION + 1 /* the first N_REQUIRED columns are required */
};

/* Header columns at most; only extra ("x_") columns can make a header this long. */
#define MAX_HEADER_COLS 256
#define EXTRA_PREFIX "x_"

static const char *const col_names[N_COLS + 1] = {
    [COL_ID] = "id",
    [COL_SUBMIT] = "submit_s",
    [COL_GPUS] = "gpus",
    [COL_DURATION] = "duration_s",
    [COL_CPUS] = "cpus",
    [COL_MEM] = "mem_gib",
    [COL_GPU_TYPE] = "gpu_type",
    [COL_TENANT] = "tenant",
    [COL_PRIORITY] = "priority",
    [COL_KIND] = "kind",
    [COL_ESTIMATE] = "estimate_s",
    [COL_DEADLINE] = "deadline_s",
    [COL_DEFERRABLE] = "deferrable",
    [COL_GPU_MILLI] = "gpu_milli",
    [COL_GPU_SPEC] = "x_gpu_spec",
};

/* ---- string tables ----------------------------------------------------------------------
 * Open addressing over strings that live in the workload's pool. Keys are pool offsets,
 * not pointers, because the pool moves when it grows. One table maps ids to the line that
 * first used them (duplicate check); two map tenant and GPU-type names to their indices,
 * so the workload's linear lookups run once per distinct name instead of once per row. */

#define SLOT_EMPTY UINT32_MAX /* aidc_workload_intern never returns it as an offset */

typedef struct slot {
    uint32_t hash;
    uint32_t off; /* key: offset in w->strings, SLOT_EMPTY when unused */
    uint32_t val;
} slot;

typedef struct table {
    slot *slots;
    size_t cap, n; /* cap is zero or a power of two; kept at most half full */
} table;

static uint32_t hash_str(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a: short keys, and quality enough at half load */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

/* The slot holding `key`, or the empty slot where it belongs. The table must have room. */
static slot *table_find(const table *t, const char *strings, const char *key, uint32_t h)
{
    size_t mask = t->cap - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        slot *s = &t->slots[i];
        if (s->off == SLOT_EMPTY) return s;
        if (s->hash == h && strcmp(strings + s->off, key) == 0) return s;
    }
}

/* Makes room for one more key; 0, or -1 when out of memory. */
static int table_reserve(table *t)
{
    if ((t->n + 1) * 2 <= t->cap) return 0;
    size_t cap = t->cap ? t->cap * 2 : 64;
    if (cap > SIZE_MAX / sizeof(slot)) return -1;
    slot *s = malloc(cap * sizeof *s);
    if (!s) return -1;
    memset(s, 0xff, cap * sizeof *s); /* every off becomes SLOT_EMPTY */
    for (size_t i = 0; i < t->cap; i++) {
        if (t->slots[i].off == SLOT_EMPTY) continue;
        size_t j = t->slots[i].hash & (cap - 1);
        while (s[j].off != SLOT_EMPTY)
            j = (j + 1) & (cap - 1);
        s[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = s;
    t->cap = cap;
    return 0;
}

/* ---- the reader ------------------------------------------------------------------------- */

typedef struct reader {
    const char *path;
    aidc_workload *w;
    char *err;
    size_t errlen;
    aidc_csvlines lines; /* lines.failed: err is written; callbacks do nothing more */
    bool have_header;

    size_t ncols;                     /* fields per record, from the header */
    enum col col_at[MAX_HEADER_COLS]; /* header position -> column (COL_EXTRA for x_) */
    size_t header_pos[N_COLS];        /* column -> header position + 1; 0 when absent */
    char *extra_names;                /* the header's x_ names, NUL-separated */
    bool milli_alias;                 /* the share column is the converters' x_gpu_milli */
    size_t extra_len;

    size_t nfield;     /* fields seen so far in the current record */
    unsigned present;  /* bit per column whose field was non-empty */
    aidc_job_spec job; /* the record being built */
    uint32_t id_hash;  /* hash of its id */
    bool row_bad;
    char row_msg[ROW_MSG_MAX]; /* the record's first field error */

    table ids, tenants, gpu_types;
} reader;

static int fail_file(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(reader *r, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row_error(reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes "PATH: " or "PATH:LINE: " then the message; line 0 means the file as a whole.
 * Only the first error is kept: it is the one the user can act on. */
static void vfail(reader *r, uint32_t line, const char *fmt, va_list ap)
{
    if (r->lines.failed) return;
    r->lines.failed = true;
    if (r->errlen == 0) return;
    int n = line ? snprintf(r->err, r->errlen, "%s:%" PRIu32 ": ", r->path, line)
                 : snprintf(r->err, r->errlen, "%s: ", r->path);
    if (n >= 0 && (size_t)n < r->errlen) vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
}

static int fail_file(reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, 0, fmt, ap);
    va_end(ap);
    return -1;
}

static int fail(reader *r, uint32_t line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfail(r, line, fmt, ap);
    va_end(ap);
    return -1;
}

/* Field errors wait for the end of the record: if the record has the wrong number of
 * fields, that is the real problem and the field-level message would mislead. */
static void row_error(reader *r, const char *fmt, ...)
{
    if (r->row_bad) return;
    r->row_bad = true;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->row_msg, sizeof r->row_msg, fmt, ap);
    va_end(ap);
}

/* Quotes a value for a message: escapes what would break the one-line message or hide
 * the problem (quotes, control bytes), and cuts long values. dst needs QUOTE_BUF bytes. */
#define QUOTE_BUF (QUOTE_MAX * 4 + 8)
static const char *quote(char *dst, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    dst[k++] = '"';
    for (size_t i = 0; i < len && i < QUOTE_MAX; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            dst[k++] = '\\';
            dst[k++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            dst[k++] = '\\';
            dst[k++] = 'x';
            dst[k++] = hex[c >> 4];
            dst[k++] = hex[c & 15];
        } else {
            dst[k++] = (char)c;
        }
    }
    dst[k++] = '"';
    if (len > QUOTE_MAX) {
        memcpy(dst + k, "...", 3);
        k += 3;
    }
    dst[k] = '\0';
    return dst;
}

/* ---- numbers ---------------------------------------------------------------------------- */

typedef enum num_status { NUM_OK, NUM_SYNTAX, NUM_NEGATIVE, NUM_LOW, NUM_HIGH } num_status;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* An unsigned decimal ("12", "0.5", ".5", "1186.0", "1e3"), or the same with a leading '-'
 * so that the message can say "negative" instead of "not a number". strtod alone would
 * also take "nan", "inf", hex and leading spaces. */
static num_status parse_decimal(const char *s, double *out)
{
    const char *p = s;
    bool neg = *p == '-';
    if (neg) p++;
    size_t digits = 0;
    while (is_digit(*p)) {
        p++;
        digits++;
    }
    if (*p == '.') {
        p++;
        while (is_digit(*p)) {
            p++;
            digits++;
        }
    }
    if (digits == 0) return NUM_SYNTAX;
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return NUM_SYNTAX;
        while (is_digit(*p))
            p++;
    }
    if (*p != '\0') return NUM_SYNTAX;
    if (neg) return NUM_NEGATIVE;
    double v = strtod(s, NULL); /* may underflow to 0, which is the right answer */
    if (!isfinite(v)) return NUM_HIGH;
    *out = v;
    return NUM_OK;
}

/* A decimal integer with an optional '-', in [lo, hi]. *out is set unless the syntax is bad. */
static num_status parse_integer(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
    const char *p = s;
    bool neg = *p == '-';
    if (neg) p++;
    if (!is_digit(*p)) return NUM_SYNTAX;
    int64_t v = 0;
    for (; is_digit(*p); p++)
        if (v < INT64_C(1) << 40) v = v * 10 + (*p - '0'); /* saturates far beyond any range */
    if (*p != '\0') return NUM_SYNTAX;
    *out = neg ? -v : v; /* also when out of range, for the caller's message */
    if (*out < lo) return NUM_LOW;
    if (*out > hi) return NUM_HIGH;
    return NUM_OK;
}

/* ---- fields ----------------------------------------------------------------------------- */

/* Index of tenant or GPU type `name` through the reader's hash; -1 when out of memory. */
static int32_t name_lookup(reader *r, table *t, bool tenant, const char *name)
{
    if (table_reserve(t) != 0) return -1;
    uint32_t h = hash_str(name);
    slot *s = table_find(t, r->w->strings, name, h);
    if (s->off != SLOT_EMPTY) return (int32_t)s->val;
    int32_t i = tenant ? aidc_workload_tenant(r->w, name) : aidc_workload_gpu_type(r->w, name);
    if (i < 0) return -1;
    /* The pool may have moved; the slot array did not, so s is still the right slot. */
    *s = (slot){
        .hash = h, .off = tenant ? r->w->tenants[i] : r->w->gpu_types[i], .val = (uint32_t)i};
    t->n++;
    return i;
}

/* Seconds to nanoseconds, exactly: decimal digits are shifted, never multiplied in a
 * double, so "0.1" is 100000000 and "10.000000001" keeps its last nanosecond. Rounds to the
 * nearest nanosecond, half up; for half-up rounding the first dropped digit decides alone.
 * Also the hot path: strtod was a fifth of the time to read a large trace. */
static num_status parse_seconds_ns(const char *s, int64_t *out)
{
    const uint64_t limit = (uint64_t)MAX_SECONDS * 1000000000u;
    const char *p = s;
    bool neg = *p == '-';
    if (neg) p++;
    const char *int_digits = p;
    while (is_digit(*p))
        p++;
    int64_t n_int = p - int_digits;
    const char *frac_digits = p;
    int64_t n_frac = 0;
    if (*p == '.') {
        frac_digits = ++p;
        while (is_digit(*p))
            p++;
        n_frac = p - frac_digits;
    }
    if (n_int + n_frac == 0) return NUM_SYNTAX;
    int64_t exp10 = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        bool eneg = *p == '-';
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return NUM_SYNTAX;
        for (; is_digit(*p); p++)
            if (exp10 < 100000) exp10 = exp10 * 10 + (*p - '0'); /* far past any limit */
        if (eneg) exp10 = -exp10;
    }
    if (*p != '\0') return NUM_SYNTAX;
    if (neg) return NUM_NEGATIVE;

    if (exp10 == 0 && n_int <= 10 && n_frac <= 9) { /* the usual "1186.5": nothing to round */
        static const uint32_t scale[10] = {1000000000, 100000000, 10000000, 1000000, 100000,
                                           10000,      1000,      100,      10,      1};
        uint64_t whole = 0, frac = 0;
        for (int64_t j = 0; j < n_int; j++)
            whole = whole * 10 + (unsigned)(int_digits[j] - '0');
        for (int64_t j = 0; j < n_frac; j++)
            frac = frac * 10 + (unsigned)(frac_digits[j] - '0');
        uint64_t ns = whole * 1000000000u + frac * scale[n_frac];
        if (ns > limit) return NUM_HIGH;
        *out = (int64_t)ns;
        return NUM_OK;
    }

    /* ns keeps the first k digits of int_digits ++ frac_digits, padded with zeros. */
#define DIGIT(j) ((j) < n_int ? int_digits[j] : frac_digits[(j)-n_int])
    int64_t n = n_int + n_frac, k = n_int + exp10 + 9;
    uint64_t ns = 0;
    for (int64_t j = 0; j < k; j++) {
        if (j >= n && ns == 0) break; /* only zeros from here */
        ns = ns * 10 + (j < n ? (unsigned)(DIGIT(j) - '0') : 0);
        if (ns > limit) return NUM_HIGH;
    }
    if (k >= 0 && k < n && DIGIT(k) >= '5') ns++;
#undef DIGIT
    if (ns > limit) return NUM_HIGH;
    *out = (int64_t)ns;
    return NUM_OK;
}

static void seconds_field(reader *r, const char *col, const char *s, size_t len, int64_t *ns)
{
    num_status st = parse_seconds_ns(s, ns);
    if (st == NUM_OK) return;
    char q[QUOTE_BUF];
    row_error(r,
              "column \"%s\": expected a number of seconds >= 0 like \"90\" or \"1186.5\", "
              "found %s%s",
              col, quote(q, s, len),
              st == NUM_HIGH ? "; too large (the limit is 1e9 seconds, about 31.7 years)" : "");
}

static void integer_field(reader *r, const char *col, const char *s, size_t len, int64_t lo,
                          int64_t hi, int32_t *out)
{
    int64_t v = 0;
    num_status st = parse_integer(s, lo, hi, &v);
    if (st == NUM_OK) {
        *out = (int32_t)v;
        return;
    }
    char q[QUOTE_BUF];
    quote(q, s, len);
    if (lo == INT32_MIN)
        row_error(r, "column \"%s\": expected an integer from %" PRId64 " to %" PRId64 ", found %s",
                  col, lo, hi, q);
    else if (st == NUM_HIGH)
        row_error(r,
                  "column \"%s\": expected an integer from %" PRId64 " to %" PRId64
                  ", found %s; too large",
                  col, lo, hi, q);
    else
        row_error(r, "column \"%s\": expected an integer >= %" PRId64 ", found %s%s", col, lo, q,
                  /* "0" is the likely mistake: a CPU-only job copied from a mixed trace */
                  st == NUM_LOW && v == 0 && strcmp(col, "gpus") == 0 ? "; gpus must be at least 1"
                                                                      : "");
}

static void kind_error(reader *r, const char *s, size_t len)
{
    char q[QUOTE_BUF];
    row_error(r,
              "column \"kind\": expected one of \"training\", \"finetune\" (or "
              "\"fine-tuning\"), \"inference\", \"batch\", found %s",
              quote(q, s, len));
}

/* x_gpu_spec: "V100M16|V100M32" -> a mask of GPU-type indices (at most 64 types). */
static void gpu_spec_field(reader *r, const char *s, size_t len)
{
    char q[QUOTE_BUF];
    uint64_t mask = 0;
    for (const char *p = s; p <= s + len;) {
        const char *bar = memchr(p, '|', (size_t)(s + len - p));
        size_t n = bar ? (size_t)(bar - p) : (size_t)(s + len - p);
        char name[128];
        if (n == 0 || n >= sizeof name) {
            row_error(r, "column \"x_gpu_spec\": expected GPU type names separated by '|', found %s",
                      quote(q, s, len));
            return;
        }
        memcpy(name, p, n);
        name[n] = '\0';
        int32_t t = name_lookup(r, &r->gpu_types, false, name);
        if (t < 0) {
            row_error(r, "out of memory");
            return;
        }
        if (t >= 64) {
            row_error(r, "column \"x_gpu_spec\": more than 64 GPU types in one trace (%s)",
                      quote(q, s, len));
            return;
        }
        mask |= UINT64_C(1) << t;
        p += n + 1;
    }
    r->job.gpu_type_mask = mask;
}

/* One field of a data record. s is NUL-terminated (CSV_APPEND_NULL). */
static void data_field(reader *r, enum col c, const char *s, size_t len)
{
    const char *name = col_names[c];
    char q[QUOTE_BUF];
    if (len == 0) {
        if (c < N_REQUIRED) row_error(r, "column \"%s\": a value is required, found \"\"", name);
        return; /* an empty optional field is absent: the default stays */
    }
    r->present |= 1u << c;
    aidc_job_spec *j = &r->job;
    switch (c) {
    case COL_ID:
        j->id_str = aidc_workload_intern(r->w, s);
        if (j->id_str == UINT32_MAX) row_error(r, "out of memory");
        r->id_hash = hash_str(s);
#ifdef __GNUC__
        /* The duplicate check at the end of the record misses the cache on a big trace
         * (the id table is tens of MB); starting the load now hides most of that. */
        if (r->ids.cap) __builtin_prefetch(&r->ids.slots[r->id_hash & (r->ids.cap - 1)]);
#endif
        break;
    case COL_SUBMIT:
        seconds_field(r, name, s, len, &j->submit_ns);
        break;
    case COL_DURATION:
        seconds_field(r, name, s, len, &j->duration_ns);
        break;
    case COL_ESTIMATE:
        seconds_field(r, name, s, len, &j->estimate_ns);
        break;
    case COL_DEADLINE:
        seconds_field(r, name, s, len, &j->deadline_ns);
        break;
    case COL_GPUS:
        integer_field(r, name, s, len, 1, MAX_GPUS, &j->gpus);
        break;
    case COL_CPUS:
        integer_field(r, name, s, len, 0, INT32_MAX, &j->cpus);
        break;
    case COL_PRIORITY:
        integer_field(r, name, s, len, INT32_MIN, INT32_MAX, &j->priority);
        break;
    case COL_DEFERRABLE:
        integer_field(r, name, s, len, 0, 1, &j->deferrable);
        break;
    case COL_MEM: {
        double m = 0;
        num_status st = parse_decimal(s, &m);
        if (st == NUM_OK)
            j->mem_gib = m;
        else
            row_error(r,
                      "column \"mem_gib\": expected a number of GiB >= 0 like \"80\" or "
                      "\"0.5\", found %s%s",
                      quote(q, s, len), st == NUM_HIGH ? "; too large" : "");
        break;
    }
    case COL_KIND: {
        int k = aidc_job_kind_parse(s);
        if (k < 0)
            kind_error(r, s, len);
        else
            j->kind = (aidc_job_kind)k;
        break;
    }
    case COL_TENANT:
        j->tenant = name_lookup(r, &r->tenants, true, s);
        if (j->tenant < 0) row_error(r, "out of memory");
        break;
    case COL_GPU_TYPE:
        j->gpu_type = name_lookup(r, &r->gpu_types, false, s);
        if (j->gpu_type < 0) row_error(r, "out of memory");
        break;
    case COL_GPU_MILLI:
        if (r->milli_alias)
            integer_field(r, "x_gpu_milli", s, len, 0, INT32_MAX, &j->gpu_milli);
        else
            integer_field(r, name, s, len, 1, 1000, &j->gpu_milli);
        break;
    case COL_GPU_SPEC:
        /* a constraint only next to a gpu_type column: without one (a trace converted
         * with --any-gpu-type) the spec is kept for information */
        if (r->header_pos[COL_GPU_TYPE]) gpu_spec_field(r, s, len);
        break;
    case N_COLS:
        assert(!"not a column");
        break;
    }
}

/* An extra column: its values are not read, but its name must still be unique, so that two
 * tools writing the same x_ name into one file is caught here rather than downstream. */
static void extra_column(reader *r, const char *s, size_t len, size_t pos)
{
    size_t nth = 0; /* index of the extra name being compared */
    for (size_t k = 0; k < r->extra_len; k += strlen(r->extra_names + k) + 1, nth++) {
        if (strlen(r->extra_names + k) != len || memcmp(r->extra_names + k, s, len) != 0) continue;
        size_t first = 0; /* the header position of the nth extra column */
        for (size_t i = 0, seen = 0; i < pos; i++)
            if (r->col_at[i] == COL_EXTRA && seen++ == nth) {
                first = i;
                break;
            }
        fail(r, r->lines.row_line, "header: duplicate column \"%.*s\" (columns %zu and %zu)", (int)len, s,
             first + 1, pos + 1);
        return;
    }
    char *names = realloc(r->extra_names, r->extra_len + len + 1);
    if (!names) {
        fail(r, r->lines.row_line, "out of memory");
        return;
    }
    memcpy(names + r->extra_len, s, len);
    names[r->extra_len + len] = '\0';
    r->extra_names = names;
    r->extra_len += len + 1;
    r->col_at[pos] = COL_EXTRA;
}

static void header_field(reader *r, const char *s, size_t len)
{
    size_t pos = r->nfield; /* 0-based; messages count columns from 1 */
    char q[QUOTE_BUF];
    if (len == 0) {
        fail(r, r->lines.row_line, "header: column %zu has no name", pos + 1);
        return;
    }
    if (pos >= MAX_HEADER_COLS) {
        fail(r, r->lines.row_line, "header: more than %d columns", MAX_HEADER_COLS);
        return;
    }
    /* the two extra columns the simulator reads: the converters' names for the GPU
     * share and the GPU-type alternatives */
    bool milli_alias = len == 11 && memcmp(s, "x_gpu_milli", 11) == 0;
    if (milli_alias) {
        s = "gpu_milli";
        len = 9;
        r->milli_alias = true;
    }
    bool known_extra = milli_alias || (len == 10 && memcmp(s, "x_gpu_spec", 10) == 0);
    if (!known_extra && len > strlen(EXTRA_PREFIX) &&
        memcmp(s, EXTRA_PREFIX, strlen(EXTRA_PREFIX)) == 0) {
        extra_column(r, s, len, pos);
        return;
    }
    for (int c = 0; c < N_COLS; c++) {
        if (strlen(col_names[c]) != len || memcmp(col_names[c], s, len) != 0) continue;
        if (r->header_pos[c]) {
            fail(r, r->lines.row_line, "header: duplicate column \"%s\" (columns %zu and %zu)",
                 col_names[c], r->header_pos[c], pos + 1);
            return;
        }
        r->header_pos[c] = pos + 1;
        r->col_at[pos] = (enum col)c;
        return;
    }
    quote(q, s, len);
    char name[64];
    snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), s);
    const char *best = len < 63 ? aidc_suggest(name, col_names) : NULL;
    if (best)
        fail(r, r->lines.row_line, "header: unknown column %s; did you mean \"%s\"?", q, best);
    else
        fail(r, r->lines.row_line,
             "header: unknown column %s; the columns are id, submit_s, gpus, duration_s "
             "(required) and cpus, mem_gib, gpu_type, tenant, priority, kind, estimate_s, "
             "deadline_s, deferrable, gpu_milli, x_gpu_spec (optional); extra columns are named x_...",
             q);
}

static void header_end(reader *r)
{
    char missing[128] = "";
    int n_missing = 0;
    for (int c = 0; c < N_REQUIRED; c++) {
        if (r->header_pos[c]) continue;
        size_t k = strlen(missing);
        snprintf(missing + k, sizeof missing - k, "%s\"%s\"", n_missing ? ", " : "", col_names[c]);
        n_missing++;
    }
    if (n_missing) {
        fail(r, r->lines.row_line,
             "header: missing required column%s %s (the first row must name "
             "the columns id, submit_s, gpus, duration_s)",
             n_missing > 1 ? "s" : "", missing);
        return;
    }
    r->ncols = r->nfield;
    r->have_header = true;
}

static void record_end(reader *r)
{
    if (r->nfield != r->ncols) {
        fail(r, r->lines.row_line, "expected %zu fields (one per header column), found %zu", r->ncols,
             r->nfield);
        return;
    }
    if (r->row_bad) {
        fail(r, r->lines.row_line, "%s", r->row_msg);
        return;
    }
    aidc_job_spec *j = &r->job;
    if (!(r->present & 1u << COL_ESTIMATE)) j->estimate_ns = j->duration_ns;
    /* the converters' x_gpu_milli is a usage figure: only a one-GPU job's value in
     * 1..999 is a share; anything else takes whole GPUs */
    if (r->milli_alias && (j->gpus > 1 || j->gpu_milli < 1 || j->gpu_milli > 1000))
        j->gpu_milli = 1000;
    if (j->gpu_milli < 1000 && j->gpus > 1) {
        fail(r, r->lines.row_line,
             "column \"gpu_milli\": a share below 1000 (found %d) needs gpus = 1, found %d",
             (int)j->gpu_milli, (int)j->gpus);
        return;
    }
    if (j->gpu_type_mask && j->gpu_type >= 0 && j->gpu_type < 64 &&
        !((j->gpu_type_mask >> j->gpu_type) & 1)) {
        fail(r, r->lines.row_line, "column \"x_gpu_spec\" does not include the row's gpu_type \"%s\"",
             aidc_workload_str(r->w, r->w->gpu_types[j->gpu_type]));
        return;
    }
    /* one type decides alone (gpu_type wins over the spec that includes it); several are a
     * set: gpu_type -2 with the mask (sched/aidc_policy.h) */
    if (j->gpu_type_mask && (j->gpu_type >= 0 || !(j->gpu_type_mask & (j->gpu_type_mask - 1)))) {
        if (j->gpu_type < 0) j->gpu_type = (int32_t)__builtin_ctzll(j->gpu_type_mask);
        j->gpu_type_mask = 0;
    } else if (j->gpu_type_mask) {
        j->gpu_type = -2;
    }
    if (!(r->present & 1u << COL_TENANT)) {
        j->tenant = name_lookup(r, &r->tenants, true, "default");
        if (j->tenant < 0) {
            fail(r, r->lines.row_line, "out of memory");
            return;
        }
    }
    /* Duplicate ids would make per-job results ambiguous, so they are refused here. */
    const char *id = aidc_workload_str(r->w, j->id_str);
    uint32_t h = r->id_hash;
    if (table_reserve(&r->ids) != 0) {
        fail(r, r->lines.row_line, "out of memory");
        return;
    }
    slot *s = table_find(&r->ids, r->w->strings, id, h);
    if (s->off != SLOT_EMPTY) {
        char q[QUOTE_BUF];
        fail(r, r->lines.row_line, "column \"id\": duplicate id %s (first used on line %" PRIu32 ")",
             quote(q, id, strlen(id)), s->val);
        return;
    }
    *s = (slot){.hash = h, .off = j->id_str, .val = r->lines.row_line};
    r->ids.n++;
    j->source_line = r->lines.row_line;
    if (aidc_workload_add(r->w, j) != 0) fail(r, r->lines.row_line, "out of memory");
}

static void begin_record(reader *r)
{
    r->nfield = 0;
    r->present = 0;
    r->row_bad = false;
    r->job = (aidc_job_spec){
        .id_str = UINT32_MAX,
        .deadline_ns = -1,
        .tenant = -1,
        .gpu_type = -1,
        .kind = AIDC_KIND_TRAINING,
        .gpu_milli = 1000,
    };
}

/* libcsv callback: one field of the current record. */
static void on_field(void *s, size_t len, void *data)
{
    reader *r = data;
    if (r->lines.failed) return;
    if (!r->have_header) {
        header_field(r, s, len);
    } else if (r->nfield < r->ncols && r->col_at[r->nfield] != COL_EXTRA) {
        data_field(r, r->col_at[r->nfield], s, len);
    }
    r->nfield++;
}

/* libcsv callback: the end of a record (c is the terminator, -1 at end of file). */
static void on_record(int c, void *data)
{
    (void)c;
    reader *r = data;
    if (!r->lines.failed) {
        if (r->have_header)
            record_end(r);
        else
            header_end(r);
    }
    begin_record(r);
}

static void lines_fail(void *data, uint32_t line, const char *msg)
{
    fail(data, line, "%s", msg);
}

int aidc_trace_read(const char *path, aidc_workload *w, char *err, size_t errlen)
{
    assert(path && w && (err || errlen == 0));
    reader r = {.path = path, .w = w, .err = err, .errlen = errlen,
                .lines = {.hash_comments = true, .check_utf8 = true}};
    begin_record(&r);

    FILE *f = fopen(path, "rb");
    if (!f) return fail_file(&r, "cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return fail_file(&r, "is a directory, not a trace file");
    }
    int rc = aidc_csvlines_read(&r.lines, f, on_field, on_record, lines_fail, &r);
    if (rc == 0 && r.lines.bytes == 0) rc = fail_file(&r, "file is empty (expected a header row)");
    if (rc == 0 && !r.have_header)
        rc = fail_file(&r, "no header row: the file holds only blank lines and comments");

    fclose(f);
    free(r.ids.slots);
    free(r.tenants.slots);
    free(r.gpu_types.slots);
    free(r.extra_names);
    if (rc == 0) aidc_workload_sort(w);
    return rc;
}
