/* Weather series reader and psychrometrics; see weather.h for the formats and the contract.
 *
 * The whole file is read into one buffer and walked line by line, so every message can name
 * the physical line. Fields are spans into that buffer, never copied except into a small
 * NUL-terminated scratch for strtod. No libcsv: both formats are plain numbers separated by
 * commas, and EPW's data-source field ("?9?9?9?9E0...") has no quoting either. */
#include "models/weather.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define NS_PER_HOUR INT64_C(3600000000000)

enum {
    EPW_HEADER_LINES = 8,
    EPW_MIN_FIELDS = 35, /* EnergyPlus EPW data rows have 35 fields; fewer = truncated row */
    EPW_HOURS = 8760,
    EPW_HOURS_LEAP = 8784,
    EPW_F_HOUR = 3, /* 0-based field positions in a data row */
    EPW_F_DRY_BULB = 6,
    EPW_F_RH = 8,
    EPW_F_PRESSURE = 9,
    QUOTE_MAX = 40, /* bytes of a bad value shown in a message before "..." */
    NUM_MAX = 64,   /* longest numeric field accepted */
};

/* EPW missing-value codes and valid ranges ("Weather Data File (EPW) Format", EnergyPlus
 * Auxiliary Programs): dry bulb > -70 and < 70 C, missing 99.9; relative humidity 0..110 %,
 * missing 999; station pressure > 31000 and < 120000 Pa, missing 999999. */
#define EPW_MISSING_DRY_BULB 99.9
#define EPW_MISSING_RH 999.0
#define EPW_MISSING_PRESSURE 999999.0
#define DRY_BULB_MIN_C (-70.0)
#define DRY_BULB_MAX_C 70.0
#define PRESSURE_MIN_PA 31000.0
#define PRESSURE_MAX_PA 120000.0

/* ---- psychrometrics (ASHRAE Handbook-Fundamentals 2017, ch. 1) ---------------------- */

double aidc_weather_sat_pressure_pa(double t_c)
{
    double t = t_c + 273.15;
    double ln_p;
    if (t_c < 0) /* eq. 5, over ice, -100..0 C */
        ln_p = -5.6745359e3 / t + 6.3925247 - 9.6778430e-3 * t + 6.2215701e-7 * t * t +
               2.0747825e-9 * t * t * t - 9.4840240e-13 * t * t * t * t + 4.1635019 * log(t);
    else /* eq. 6, over liquid water, 0..200 C */
        ln_p = -5.8002206e3 / t + 1.3914993 - 4.8640239e-2 * t + 4.1764768e-5 * t * t -
               1.4452093e-8 * t * t * t + 6.5459673 * log(t);
    return exp(ln_p);
}

/* Humidity ratio, kg water per kg dry air, of air with vapour pressure pw (eq. 20). */
static double hum_ratio(double pw_pa, double p_pa)
{
    return 0.621945 * pw_pa / (p_pa - pw_pa);
}

/* Humidity ratio of air at dry bulb t whose thermodynamic wet bulb is ts: eq. 33 (ts >= 0,
 * the wet bulb is water) or eq. 35 (ts < 0, ice). Increases with ts. */
static double hum_ratio_at_wet_bulb(double t, double ts, double p_pa)
{
    double ws = hum_ratio(aidc_weather_sat_pressure_pa(ts), p_pa);
    if (ts >= 0)
        return ((2501 - 2.326 * ts) * ws - 1.006 * (t - ts)) / (2501 + 1.86 * t - 4.186 * ts);
    return ((2830 - 0.24 * ts) * ws - 1.006 * (t - ts)) / (2830 + 1.86 * t - 2.1 * ts);
}

double aidc_weather_wet_bulb_psychro_c(double t_c, double rh_pct, double pressure_pa)
{
    assert(isfinite(t_c) && rh_pct >= 0 && rh_pct <= 100 && pressure_pa > 0);
    double w = hum_ratio(rh_pct / 100 * aidc_weather_sat_pressure_pa(t_c), pressure_pa);
    /* At ts = t_c the left side is the saturation ratio (>= w); at -100 C it is negative.
     * Bisection rather than Newton: eqs. 33/35 switch at 0 C with a small jump, and a
     * bracket cannot be thrown off by it. */
    double lo = -100, hi = t_c;
    if (rh_pct >= 100) return t_c;
    while (hi - lo > 1e-9) {
        double mid = 0.5 * (lo + hi);
        if (hum_ratio_at_wet_bulb(t_c, mid, pressure_pa) > w)
            hi = mid;
        else
            lo = mid;
    }
    return 0.5 * (lo + hi);
}

double aidc_weather_rh_pct_from_wet_bulb(double t_c, double twb_c, double pressure_pa)
{
    double w = hum_ratio_at_wet_bulb(t_c, twb_c, pressure_pa);
    double pw = pressure_pa * w / (0.621945 + w); /* eq. 20 solved for pw */
    return 100 * pw / aidc_weather_sat_pressure_pa(t_c);
}

double aidc_weather_wet_bulb_stull_c(double t_c, double rh_pct)
{
    double rh = rh_pct;
    return t_c * atan(0.151977 * sqrt(rh + 8.313659)) + atan(t_c + rh) - atan(rh - 1.676331) +
           0.00391838 * pow(rh, 1.5) * atan(0.023101 * rh) - 4.686035;
}

/* ---- lookup ---------------------------------------------------------------------------- */

size_t aidc_weather_hour_index(const aidc_weather *w, int64_t t_ns, size_t start_hour)
{
    assert(w && w->n > 0 && t_ns >= 0);
    size_t hours = (size_t)(t_ns / NS_PER_HOUR);
    return (start_hour % w->n + hours % w->n) % w->n;
}

double aidc_weather_dry_bulb_c(const aidc_weather *w, int64_t t_ns, size_t start_hour)
{
    return w->dry_bulb_c[aidc_weather_hour_index(w, t_ns, start_hour)];
}

double aidc_weather_wet_bulb_c(const aidc_weather *w, int64_t t_ns, size_t start_hour)
{
    return w->wet_bulb_c[aidc_weather_hour_index(w, t_ns, start_hour)];
}

void aidc_weather_fini(aidc_weather *w)
{
    if (!w) return;
    free(w->dry_bulb_c);
    free(w->wet_bulb_c);
    free(w->rh_pct);
    memset(w, 0, sizeof *w);
}

/* ---- reading ---------------------------------------------------------------------------- */

typedef struct span {
    const char *p;
    size_t len;
} span;

/* One read: the path for messages, the buffer, the cursor, the line number of the line most
 * recently returned, and the field spans of that line. */
typedef struct reader {
    const char *path;
    char *buf;
    size_t size, pos;
    size_t line;
    span *fields;
    size_t n_fields, cap_fields;
    char *err;
    size_t errlen;
} reader;

static int fail(reader *r, size_t line, const char *fmt, ...)
{
    if (!r->err || r->errlen == 0) return -1;
    int k = line ? snprintf(r->err, r->errlen, "%s:%zu: ", r->path, line)
                 : snprintf(r->err, r->errlen, "%s: ", r->path);
    if (k >= 0 && (size_t)k < r->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->err + k, r->errlen - (size_t)k, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* The next physical line without its LF or CRLF; false at end of input. */
static bool next_line(reader *r, span *out)
{
    if (r->pos >= r->size) return false;
    const char *start = r->buf + r->pos;
    const char *nl = memchr(start, '\n', r->size - r->pos);
    size_t len = nl ? (size_t)(nl - start) : r->size - r->pos;
    r->pos += len + (nl != NULL);
    if (len > 0 && start[len - 1] == '\r') len--;
    r->line++;
    *out = (span){start, len};
    return true;
}

static span trim(span s)
{
    while (s.len > 0 && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.len--;
    while (s.len > 0 && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t'))
        s.len--;
    if (s.len >= 2 && s.p[0] == '"' && s.p[s.len - 1] == '"') s.p++, s.len -= 2;
    return s;
}

/* Splits a line on commas into r->fields (untrimmed). */
static int split(reader *r, span line)
{
    r->n_fields = 0;
    size_t start = 0;
    for (size_t i = 0; i <= line.len; i++) {
        if (i < line.len && line.p[i] != ',') continue;
        if (r->n_fields == r->cap_fields) {
            size_t cap = r->cap_fields ? 2 * r->cap_fields : 64;
            span *f = realloc(r->fields, cap * sizeof *f);
            if (!f) return fail(r, r->line, "out of memory splitting the line");
            r->fields = f;
            r->cap_fields = cap;
        }
        r->fields[r->n_fields++] = (span){line.p + start, i - start};
        start = i + 1;
    }
    return 0;
}

static bool span_is(span s, const char *word)
{
    size_t n = strlen(word);
    return s.len == n && memcmp(s.p, word, n) == 0;
}

static bool starts_with(span s, const char *prefix)
{
    size_t n = strlen(prefix);
    return s.len >= n && memcmp(s.p, prefix, n) == 0;
}

/* "value" quoted for a message, cut at QUOTE_MAX bytes. */
static const char *quote(span s, char buf[QUOTE_MAX + 8])
{
    size_t n = s.len > QUOTE_MAX ? QUOTE_MAX : s.len;
    snprintf(buf, QUOTE_MAX + 8, "\"%.*s%s\"", (int)n, s.p, s.len > n ? "..." : "");
    return buf;
}

/* Parses field i of the current line as a finite decimal; `what` names it in messages. */
static int field_num(reader *r, size_t i, const char *what, double *out)
{
    span s = trim(r->fields[i]);
    char q[QUOTE_MAX + 8], tmp[NUM_MAX + 1];
    if (s.len == 0) return fail(r, r->line, "%s (field %zu) is empty", what, i + 1);
    if (s.len > NUM_MAX)
        return fail(r, r->line, "%s (field %zu): expected a number, found %s", what, i + 1,
                    quote(s, q));
    memcpy(tmp, s.p, s.len);
    tmp[s.len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end == tmp || *end != '\0' || errno == ERANGE || !isfinite(v))
        return fail(r, r->line, "%s (field %zu): expected a number, found %s", what, i + 1,
                    quote(s, q));
    *out = v;
    return 0;
}

static int field_int(reader *r, size_t i, const char *what, long *out)
{
    double v;
    if (field_num(r, i, what, &v)) return -1;
    if (v != floor(v) || fabs(v) > 1e9) {
        char q[QUOTE_MAX + 8];
        return fail(r, r->line, "%s (field %zu): expected a whole number, found %s", what, i + 1,
                    quote(trim(r->fields[i]), q));
    }
    *out = (long)v;
    return 0;
}

static int load_file(reader *r)
{
    FILE *f = fopen(r->path, "rb");
    if (!f) return fail(r, 0, "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, size = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) {
            fclose(f);
            return fail(r, 0, "out of memory reading the file");
        }
        size += fread(buf + size, 1, cap - size, f);
        if (size < cap) break;
        char *grown = realloc(buf, cap * 2);
        if (!grown) free(buf);
        buf = grown;
        cap *= 2;
    }
    int read_error = ferror(f) ? errno : 0;
    fclose(f);
    r->buf = buf;
    r->size = size;
    if (read_error) return fail(r, 0, "cannot read: %s", strerror(read_error));
    const char *nul = memchr(buf, '\0', size);
    if (nul) {
        size_t line = 1;
        for (const char *p = buf; p < nul; p++)
            line += *p == '\n';
        return fail(r, line, "NUL byte: this is not a text file");
    }
    if (size >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
    return 0;
}

/* Growable output columns; the reader owns them until they move into the caller's struct. */
typedef struct series {
    double *db, *wb, *rh;
    size_t n, cap;
} series;

static int series_push(reader *r, series *s, double db, double wb, double rh)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        double *a = realloc(s->db, cap * sizeof *a);
        if (a) s->db = a;
        double *b = a ? realloc(s->wb, cap * sizeof *b) : NULL;
        if (b) s->wb = b;
        double *c = b ? realloc(s->rh, cap * sizeof *c) : NULL;
        if (!c) return fail(r, r->line, "out of memory after %zu rows", s->n);
        s->rh = c;
        s->cap = cap;
    }
    s->db[s->n] = db;
    s->wb[s->n] = wb;
    s->rh[s->n] = rh;
    s->n++;
    return 0;
}

static void series_free(series *s)
{
    free(s->db);
    free(s->wb);
    free(s->rh);
    memset(s, 0, sizeof *s);
}

static int check_dry_bulb(reader *r, double db)
{
    if (!(db > DRY_BULB_MIN_C && db < DRY_BULB_MAX_C))
        return fail(r, r->line, "dry bulb %g C is outside the EPW range -70..70 C", db);
    return 0;
}

static int check_pressure(reader *r, double p)
{
    if (!(p > PRESSURE_MIN_PA && p < PRESSURE_MAX_PA))
        return fail(r, r->line, "pressure %g Pa is outside the EPW range 31000..120000 Pa", p);
    return 0;
}

static int check_rh(reader *r, double rh)
{
    if (!(rh >= 0 && rh <= 100))
        return fail(r, r->line, "relative humidity %g %% is outside 0..100 %%", rh);
    return 0;
}

static int read_epw(reader *r, series *out)
{
    static const char *const headers[EPW_HEADER_LINES] = {
        "LOCATION",
        "DESIGN CONDITIONS",
        "TYPICAL/EXTREME PERIODS",
        "GROUND TEMPERATURES",
        "HOLIDAYS/DAYLIGHT SAVINGS",
        "COMMENTS 1",
        "COMMENTS 2",
        "DATA PERIODS",
    };
    span line;
    char q[QUOTE_MAX + 8];
    for (int i = 0; i < EPW_HEADER_LINES; i++) {
        if (!next_line(r, &line))
            return fail(r, r->line,
                        "file ends inside the EPW header: expected line %d to start with %s", i + 1,
                        headers[i]);
        /* Only the two lines the reader depends on are checked by name; the others carry
         * nothing we use and some tools spell them differently. */
        if ((i == 0 || i == EPW_HEADER_LINES - 1) &&
            !(starts_with(line, headers[i]) && line.len > strlen(headers[i]) &&
              line.p[strlen(headers[i])] == ','))
            return fail(r, r->line, "expected the EPW header line \"%s,...\", found %s", headers[i],
                        quote(line, q));
    }
    /* DATA PERIODS,<number of periods>,<records per hour>,... */
    if (split(r, line)) return -1;
    if (r->n_fields < 3)
        return fail(r, r->line, "DATA PERIODS line lacks the period count and records per hour");
    long periods, per_hour;
    if (field_int(r, 1, "DATA PERIODS count", &periods) ||
        field_int(r, 2, "DATA PERIODS records per hour", &per_hour))
        return -1;
    if (periods != 1 || per_hour != 1)
        return fail(r, r->line,
                    "only hourly files with one data period are supported; this one has %ld "
                    "period(s) of %ld record(s) per hour",
                    periods, per_hour);

    while (next_line(r, &line)) {
        if (trim(line).len == 0) continue;
        if (out->n == EPW_HOURS_LEAP)
            return fail(r, r->line, "more than %d data rows: an EPW year has 8760 or 8784",
                        EPW_HOURS_LEAP);
        if (split(r, line)) return -1;
        if (r->n_fields < EPW_MIN_FIELDS)
            return fail(r, r->line, "truncated data row: %zu fields, an EPW row has %d",
                        r->n_fields, EPW_MIN_FIELDS);
        long hour;
        double db, rh, p;
        if (field_int(r, EPW_F_HOUR, "hour", &hour)) return -1;
        long want = (long)(out->n % 24) + 1;
        if (hour != want)
            return fail(r, r->line,
                        "hour %ld out of sequence, expected %ld (a row missing or repeated above?)",
                        hour, want);
        if (field_num(r, EPW_F_DRY_BULB, "dry bulb", &db) ||
            field_num(r, EPW_F_RH, "relative humidity", &rh) ||
            field_num(r, EPW_F_PRESSURE, "station pressure", &p))
            return -1;
        if (db == EPW_MISSING_DRY_BULB)
            return fail(r, r->line, "dry bulb (field 7) is the EPW missing-value code 99.9");
        if (rh == EPW_MISSING_RH)
            return fail(r, r->line,
                        "relative humidity (field 9) is the EPW missing-value code 999");
        if (p == EPW_MISSING_PRESSURE)
            return fail(r, r->line,
                        "station pressure (field 10) is the EPW missing-value code 999999");
        if (check_dry_bulb(r, db) || check_pressure(r, p)) return -1;
        if (rh > 100 && rh <= 110)
            return fail(r, r->line,
                        "relative humidity %g %% is above 100 %% (EPW allows up to 110; "
                        "supersaturated air is not modelled)",
                        rh);
        if (check_rh(r, rh)) return -1;
        if (series_push(r, out, db, aidc_weather_wet_bulb_psychro_c(db, rh, p), rh)) return -1;
    }
    if (out->n != EPW_HOURS && out->n != EPW_HOURS_LEAP)
        return fail(r, r->line, "file ends after %zu data rows: an EPW year has 8760 or 8784",
                    out->n);
    return 0;
}

enum { C_HOUR, C_DRY, C_WET, C_RH, C_PRESSURE, N_CSV_COLS };
static const char *const csv_names[N_CSV_COLS] = {"hour", "dry_bulb_c", "wet_bulb_c", "rh_pct",
                                                  "pressure_pa"};

static int read_csv(reader *r, series *out)
{
    span line;
    char q[QUOTE_MAX + 8];
    long col[N_CSV_COLS];
    for (int k = 0; k < N_CSV_COLS; k++)
        col[k] = -1;
    size_t n_cols = 0, header_line = 0;
    long first_hour = 0;

    while (next_line(r, &line)) {
        span t = trim(line);
        if (t.len == 0 || t.p[0] == '#') continue;
        if (split(r, line)) return -1;
        if (!header_line) {
            header_line = r->line;
            n_cols = r->n_fields;
            for (size_t i = 0; i < n_cols; i++) {
                span name = trim(r->fields[i]);
                int k = 0;
                while (k < N_CSV_COLS && !span_is(name, csv_names[k]))
                    k++;
                if (k == N_CSV_COLS)
                    return fail(r, r->line,
                                "unknown column %s (column %zu); known: hour, dry_bulb_c, "
                                "wet_bulb_c, rh_pct, pressure_pa",
                                quote(name, q), i + 1);
                if (col[k] >= 0)
                    return fail(r, r->line, "column %s appears twice (columns %ld and %zu)",
                                csv_names[k], col[k] + 1, i + 1);
                col[k] = (long)i;
            }
            if (col[C_DRY] < 0) return fail(r, r->line, "header lacks the column dry_bulb_c");
            if (col[C_WET] < 0 && col[C_RH] < 0)
                return fail(r, r->line, "header needs wet_bulb_c or rh_pct (or both)");
            continue;
        }
        if (r->n_fields != n_cols)
            return fail(r, r->line, "%zu fields, but the header on line %zu names %zu columns",
                        r->n_fields, header_line, n_cols);
        double db, wb = NAN, rh = NAN, p = AIDC_WEATHER_STD_PRESSURE_PA;
        if (col[C_HOUR] >= 0) {
            long hour;
            if (field_int(r, (size_t)col[C_HOUR], "hour", &hour)) return -1;
            if (out->n == 0) {
                if (hour != 0 && hour != 1)
                    return fail(r, r->line, "the first hour is %ld; hours start at 0 or 1", hour);
                first_hour = hour;
            } else if (hour != first_hour + (long)out->n) {
                return fail(
                    r, r->line,
                    "hour %ld out of sequence, expected %ld (a row missing or repeated above?)",
                    hour, first_hour + (long)out->n);
            }
        }
        if (field_num(r, (size_t)col[C_DRY], "dry_bulb_c", &db) || check_dry_bulb(r, db)) return -1;
        if (col[C_PRESSURE] >= 0 &&
            (field_num(r, (size_t)col[C_PRESSURE], "pressure_pa", &p) || check_pressure(r, p)))
            return -1;
        if (col[C_RH] >= 0 && (field_num(r, (size_t)col[C_RH], "rh_pct", &rh) || check_rh(r, rh)))
            return -1;
        if (col[C_WET] >= 0) {
            if (field_num(r, (size_t)col[C_WET], "wet_bulb_c", &wb)) return -1;
            if (wb > db) return fail(r, r->line, "wet_bulb_c %g is above dry_bulb_c %g", wb, db);
            double dry_air_wb = aidc_weather_wet_bulb_psychro_c(db, 0, p);
            if (wb < dry_air_wb - 1e-6)
                return fail(r, r->line,
                            "wet_bulb_c %g is below %.2f, the wet bulb of perfectly dry air at "
                            "dry_bulb_c %g",
                            wb, dry_air_wb, db);
        }
        if (col[C_WET] < 0) wb = aidc_weather_wet_bulb_psychro_c(db, rh, p);
        if (col[C_RH] < 0) {
            rh = aidc_weather_rh_pct_from_wet_bulb(db, wb, p);
            rh = rh < 0 ? 0 : rh > 100 ? 100 : rh; /* rounding only: wb was checked above */
        }
        if (series_push(r, out, db, wb, rh)) return -1;
    }
    if (!header_line) return fail(r, 0, "no header row (the file is empty or all comments)");
    if (out->n == 0) return fail(r, r->line, "no data rows after the header");
    return 0;
}

/* Has the name a ".epw" ending, any case? */
static bool epw_name(const char *path)
{
    size_t n = strlen(path);
    return n >= 4 && strcasecmp(path + n - 4, ".epw") == 0;
}

int aidc_weather_read(const char *path, aidc_weather *w, char *err, size_t errlen)
{
    assert(path && w);
    memset(w, 0, sizeof *w);
    if (err && errlen) err[0] = '\0';
    reader r = {.path = path, .err = err, .errlen = errlen};
    series s = {0};
    int rc = load_file(&r);
    if (rc == 0) {
        bool epw =
            epw_name(path) || (r.size - r.pos >= 9 && memcmp(r.buf + r.pos, "LOCATION,", 9) == 0);
        rc = epw ? read_epw(&r, &s) : read_csv(&r, &s);
    }
    free(r.buf);
    free(r.fields);
    if (rc) {
        series_free(&s);
        return -1;
    }
    *w = (aidc_weather){s.n, s.db, s.wb, s.rh};
    return 0;
}
