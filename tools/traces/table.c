/* CSV tables of foreign traces; see table.h. Lines (and so the line of every message) come
 * from models/csvlines, as for the native trace reader. */
#include "tools/traces/table.h"
#include "models/csvlines.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FIELDS = 4096 };
#define NOT_MAPPED SIZE_MAX

typedef struct table {
    aidc_tr_conv *c;
    const char *path;
    const aidc_tr_col *cols;
    size_t ncols;
    aidc_tr_header mode;
    bool count_records;
    aidc_tr_row_fn fn;
    void *ctx;
    aidc_csvlines lines; /* lines.failed: the error is reported; callbacks do nothing more */
    bool have_header; /* the column map is set (from a header, or by position) */

    size_t hdr_n; /* fields per record */
    size_t *map;  /* record position -> spec column, NOT_MAPPED for ignored columns */
    char *buf;    /* the current record's fields, each NUL-terminated */
    size_t buf_len, buf_cap;
    size_t *off; /* field start offsets in buf */
    size_t nfield, off_cap;
    const char **f; /* per spec column, for the callback */
} table;

static int tfail(table *t, uint32_t line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int tfail(table *t, uint32_t line, const char *fmt, ...)
{
    if (t->lines.failed) return -1;
    t->lines.failed = true;
    char msg[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return aidc_tr_failf_at(t->c, t->path, line, "%s", msg);
}

static void on_field(void *s, size_t len, void *data)
{
    table *t = data;
    if (t->lines.failed) return;
    if (t->nfield >= MAX_FIELDS) {
        tfail(t, t->lines.row_line, "more than %d fields in a record", MAX_FIELDS);
        return;
    }
    if (t->nfield == t->off_cap) {
        size_t n = t->off_cap ? t->off_cap * 2 : 32;
        size_t *o = realloc(t->off, n * sizeof *o);
        if (!o) {
            tfail(t, t->lines.row_line, "out of memory");
            return;
        }
        t->off = o;
        t->off_cap = n;
    }
    if (t->buf_len + len + 1 > t->buf_cap) {
        size_t n = t->buf_cap ? t->buf_cap : 256;
        while (n < t->buf_len + len + 1)
            n *= 2;
        char *b = realloc(t->buf, n);
        if (!b) {
            tfail(t, t->lines.row_line, "out of memory");
            return;
        }
        t->buf = b;
        t->buf_cap = n;
    }
    t->off[t->nfield++] = t->buf_len;
    memcpy(t->buf + t->buf_len, s, len);
    t->buf[t->buf_len + len] = '\0';
    t->buf_len += len + 1;
}

static const char *field(const table *t, size_t i)
{
    return t->buf + t->off[i];
}

/* Lists the spec's column names for a message: "a, b, c". */
static void column_list(const table *t, char *buf, size_t n)
{
    buf[0] = '\0';
    for (size_t i = 0; i < t->ncols; i++) {
        size_t k = strlen(buf);
        snprintf(buf + k, n - k, "%s%s", i ? ", " : "", t->cols[i].name);
    }
}

static int by_position(table *t)
{
    t->hdr_n = t->ncols;
    t->map = malloc(t->ncols * sizeof *t->map);
    if (!t->map) return tfail(t, t->lines.row_line, "out of memory");
    for (size_t i = 0; i < t->ncols; i++)
        t->map[i] = i;
    t->have_header = true;
    return 0;
}

static int header(table *t)
{
    t->hdr_n = t->nfield;
    t->map = malloc((t->nfield ? t->nfield : 1) * sizeof *t->map);
    size_t *pos = calloc(t->ncols, sizeof *pos); /* spec column -> header position + 1 */
    if (!t->map || !pos) {
        free(pos);
        return tfail(t, t->lines.row_line, "out of memory");
    }
    char q[160];
    aidc_tr_report *rep = &t->c->rep;
    for (size_t k = 0; k < t->nfield; k++) {
        const char *name = field(t, k);
        t->map[k] = NOT_MAPPED;
        for (size_t i = 0; i < t->ncols; i++) {
            if (strcmp(name, t->cols[i].name) != 0) continue;
            if (pos[i]) {
                size_t first = pos[i];
                free(pos);
                return tfail(t, t->lines.row_line, "header: duplicate column %s (columns %zu and %zu)",
                             aidc_tr_quote(name, q, sizeof q), first, k + 1);
            }
            pos[i] = k + 1;
            t->map[k] = i;
        }
        if (t->map[k] == NOT_MAPPED) {
            size_t used = strlen(rep->ignored_columns);
            if (used + strlen(name) + 2 < sizeof rep->ignored_columns)
                snprintf(rep->ignored_columns + used, sizeof rep->ignored_columns - used, "%s%s",
                         used ? "," : "", name);
        }
    }
    char missing[256] = "";
    for (size_t i = 0; i < t->ncols; i++) {
        if (!t->cols[i].required || pos[i]) continue;
        size_t k = strlen(missing);
        snprintf(missing + k, sizeof missing - k, "%s\"%s\"", k ? ", " : "", t->cols[i].name);
    }
    free(pos);
    if (missing[0]) {
        char all[512];
        column_list(t, all, sizeof all);
        return tfail(t, t->lines.row_line,
                     "header: missing column %s (a %s table's header names the columns %s)",
                     missing, t->c->format, all);
    }
    t->have_header = true;
    return 0;
}

static int data_record(table *t)
{
    if (t->nfield != t->hdr_n) {
        if (t->mode == AIDC_TR_HEADER)
            return tfail(t, t->lines.row_line, "expected %zu fields (one per header column), found %zu",
                         t->hdr_n, t->nfield);
        char all[512];
        column_list(t, all, sizeof all);
        return tfail(t, t->lines.row_line, "expected %zu fields (%s), found %zu", t->hdr_n, all,
                     t->nfield);
    }
    for (size_t i = 0; i < t->ncols; i++)
        t->f[i] = NULL;
    for (size_t k = 0; k < t->nfield; k++)
        if (t->map[k] != NOT_MAPPED) t->f[t->map[k]] = field(t, k);
    if (t->count_records) t->c->rep.records++;
    aidc_tr_row row = {t->path, t->lines.row_line, t->cols, t->f};
    if (t->fn(t->c, t->ctx, &row) != 0) {
        t->lines.failed = true;
        return -1;
    }
    return 0;
}

static void on_record(int ch, void *data)
{
    (void)ch;
    table *t = data;
    if (!t->lines.failed) {
        if (!t->have_header) {
            bool is_header =
                t->mode == AIDC_TR_HEADER || (t->mode == AIDC_TR_HEADER_MAYBE && t->nfield > 0 &&
                                              strcmp(field(t, 0), t->cols[0].name) == 0);
            if (is_header)
                header(t);
            else if (by_position(t) == 0)
                data_record(t);
        } else {
            data_record(t);
        }
    }
    t->nfield = 0;
    t->buf_len = 0;
}

static void lines_fail(void *data, uint32_t line, const char *msg)
{
    tfail(data, line, "%s", msg);
}

int aidc_tr_table_read(aidc_tr_conv *c, const char *path, const aidc_tr_col *cols, size_t ncols,
                       aidc_tr_header mode, bool hash_comments, bool count_records,
                       aidc_tr_row_fn fn, void *ctx)
{
    assert(c && path && cols && ncols > 0 && fn);
    table t = {.c = c,
               .path = path,
               .cols = cols,
               .ncols = ncols,
               .mode = mode,
               .count_records = count_records,
               .fn = fn,
               .ctx = ctx,
               .lines = {.hash_comments = hash_comments, .check_utf8 = true}};
    t.f = calloc(ncols, sizeof *t.f);
    if (!t.f) return aidc_tr_failf_at(c, path, 0, "out of memory");
    FILE *f = aidc_tr_open(c, path);
    if (!f) {
        free(t.f);
        return -1;
    }
    int rc = aidc_csvlines_read(&t.lines, f, on_field, on_record, lines_fail, &t);
    if (rc == 0 && t.lines.bytes == 0) rc = tfail(&t, 0, "file is empty");
    if (rc == 0 && !t.have_header && mode == AIDC_TR_HEADER)
        rc = tfail(&t, 0, "no header row: the file holds only blank lines%s",
                   hash_comments ? " and comments" : "");
    fclose(f);
    free(t.map);
    free(t.buf);
    free(t.off);
    free(t.f);
    return rc;
}

/* ---- typed fields --------------------------------------------------------------------------- */

bool aidc_tr_empty(const aidc_tr_row *r, size_t i)
{
    return r->f[i] == NULL || r->f[i][0] == '\0';
}

/* Fails for column i: the value (or its absence) and what was expected. */
static int field_fail(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, const char *expected)
{
    char q[160];
    if (aidc_tr_empty(r, i))
        return aidc_tr_failf_at(c, r->path, r->line, "column \"%s\": expected %s, found \"\"",
                                r->cols[i].name, expected);
    return aidc_tr_failf_at(c, r->path, r->line, "column \"%s\": expected %s, found %s",
                            r->cols[i].name, expected, aidc_tr_quote(r->f[i], q, sizeof q));
}

int aidc_tr_get_int(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, int64_t lo, int64_t hi,
                    int64_t *out)
{
    if (!aidc_tr_empty(r, i) && aidc_tr_parse_int(r->f[i], lo, hi, out)) return 0;
    char e[96];
    snprintf(e, sizeof e, "an integer from %" PRId64 " to %" PRId64, lo, hi);
    return field_fail(c, r, i, e);
}

int aidc_tr_get_num(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, double lo, double hi,
                    double *out)
{
    double v;
    if (!aidc_tr_empty(r, i) && aidc_tr_parse_num(r->f[i], &v) && v >= lo && v <= hi) {
        *out = v;
        return 0;
    }
    char e[96];
    snprintf(e, sizeof e, "a number from %g to %g", lo, hi);
    return field_fail(c, r, i, e);
}

int aidc_tr_get_seconds(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, bool allow_neg,
                        int64_t *ns)
{
    if (!aidc_tr_empty(r, i) && aidc_tr_parse_seconds(r->f[i], ns) && (allow_neg || *ns >= 0))
        return 0;
    return field_fail(c, r, i,
                      allow_neg ? "a number of seconds (at most 4e9)"
                                : "a number of seconds >= 0 (at most 4e9)");
}

int aidc_tr_get_datetime(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, int64_t *ns)
{
    bool off = false;
    if (!aidc_tr_empty(r, i) && aidc_tr_parse_datetime(r->f[i], ns, &off)) {
        c->datetime_clock = true;
        if (off) c->utc_clock = true;
        return 0;
    }
    return field_fail(c, r, i,
                      "a date and time like \"2020-04-01 08:00:00\" (optionally with a "
                      "fraction and a UTC offset like \"+08:00\")");
}
