/* grid — tariffs, carbon series, demand meter, ramps, demand response. See grid.h. */
#include "models/errmsg.h"
#include "models/grid.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>


/* Floor division and modulo for possibly negative sim times. */
static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

static int64_t floor_mod(int64_t a, int64_t b)
{
    int64_t r = a % b;
    return r < 0 ? r + b : r;
}

/* ---- tariff ------------------------------------------------------------------------------ */

void aidc_tariff_flat(aidc_tariff *t, double price_usd_per_kwh)
{
    assert(t && isfinite(price_usd_per_kwh));
    for (int h = 0; h < AIDC_HOURS_PER_WEEK; h++)
        t->price_usd_per_kwh[h] = price_usd_per_kwh;
}

int aidc_tariff_build(aidc_tariff *t, double base_price_usd_per_kwh, const aidc_tariff_period *p,
                      size_t n, const char *key, char *err, size_t errlen)
{
    assert(t && (p || n == 0) && key);
    if (!isfinite(base_price_usd_per_kwh) || base_price_usd_per_kwh < 0) {
        aidc_errf(err, errlen, "%s.price: expected a finite price >= 0 in USD/kWh, found %g", key,
             base_price_usd_per_kwh);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (p[i].days == 0 || p[i].days > AIDC_DAYS_ALL) {
            aidc_errf(err, errlen,
                 "%s.periods[%zu].days: expected at least one day of mon..sun, found mask 0x%x",
                 key, i, p[i].days);
            return -1;
        }
        if (p[i].start_hour < 0 || p[i].start_hour > 23) {
            aidc_errf(err, errlen, "%s.periods[%zu].start_hour: expected an hour 0..23, found %d", key,
                 i, p[i].start_hour);
            return -1;
        }
        if (p[i].end_hour < 0 || p[i].end_hour > 24) {
            aidc_errf(err, errlen, "%s.periods[%zu].end_hour: expected an hour 0..24, found %d", key, i,
                 p[i].end_hour);
            return -1;
        }
        if (p[i].end_hour == p[i].start_hour) {
            aidc_errf(err, errlen,
                 "%s.periods[%zu].end_hour: equals start_hour (%d), an empty period; for a whole "
                 "day use start_hour 0 and end_hour 24",
                 key, i, p[i].start_hour);
            return -1;
        }
        if (!isfinite(p[i].price_usd_per_kwh) || p[i].price_usd_per_kwh < 0) {
            aidc_errf(err, errlen,
                 "%s.periods[%zu].price: expected a finite price >= 0 in USD/kWh, "
                 "found %g",
                 key, i, p[i].price_usd_per_kwh);
            return -1;
        }
    }
    aidc_tariff_flat(t, base_price_usd_per_kwh);
    for (size_t i = 0; i < n; i++) {
        for (int d = 0; d < 7; d++) {
            if (!(p[i].days & (1u << d))) continue;
            /* Wrapping periods run on from hour start of day d into day d+1 (Sunday -> Monday). */
            int len = p[i].end_hour > p[i].start_hour ? p[i].end_hour - p[i].start_hour
                                                      : 24 - p[i].start_hour + p[i].end_hour;
            for (int k = 0; k < len; k++) {
                int how = (24 * d + p[i].start_hour + k) % AIDC_HOURS_PER_WEEK;
                t->price_usd_per_kwh[how] = p[i].price_usd_per_kwh;
            }
        }
    }
    return 0;
}

static const char *const day_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int day_index(const char *s, size_t len)
{
    if (len != 3) return -1;
    for (int d = 0; d < 7; d++)
        if (strncmp(s, day_names[d], 3) == 0) return d;
    return -1;
}

int aidc_tariff_parse_days(const char *s, unsigned *mask, char *err, size_t errlen)
{
    assert(s && mask);
    if (strcmp(s, "all") == 0) return *mask = AIDC_DAYS_ALL, 0;
    if (strcmp(s, "weekdays") == 0) return *mask = AIDC_DAYS_WEEKDAYS, 0;
    if (strcmp(s, "weekends") == 0) return *mask = AIDC_DAYS_WEEKEND, 0;
    unsigned m = 0;
    const char *p = s;
    for (;;) {
        size_t item = strcspn(p, ",");
        const char *dash = memchr(p, '-', item);
        int a, b;
        if (dash) {
            a = day_index(p, (size_t)(dash - p));
            b = day_index(dash + 1, item - (size_t)(dash - p) - 1);
        } else {
            a = b = day_index(p, item);
        }
        if (a < 0 || b < 0) {
            aidc_errf(err, errlen,
                 "expected days like \"mon-fri\", \"sat,sun\", \"all\", \"weekdays\" or "
                 "\"weekends\" (names mon tue wed thu fri sat sun), found \"%s\"",
                 s);
            return -1;
        }
        for (int d = a;; d = (d + 1) % 7) {
            m |= 1u << d;
            if (d == b) break;
        }
        if (p[item] == '\0') break;
        p += item + 1;
    }
    *mask = m;
    return 0;
}

static int hour_of_week(int64_t t_ns, int start_weekday)
{
    assert(start_weekday >= 0 && start_weekday < 7);
    int64_t h = floor_div(t_ns, AIDC_NS_PER_HOUR) + 24 * start_weekday;
    return (int)floor_mod(h, AIDC_HOURS_PER_WEEK);
}

double aidc_tariff_price(const aidc_tariff *t, int64_t t_ns, int start_weekday)
{
    assert(t);
    return t->price_usd_per_kwh[hour_of_week(t_ns, start_weekday)];
}

/* The hourly value (price, intensity) of hour `hour` counted from sim time 0. */
typedef double (*hour_value_fn)(const void *ctx, int64_t hour);

/* Sum over the hour pieces of [t0, t1) of value(hour) * power_w * duration, in value * kWh.
 * Pieces are cut at hour boundaries of sim time (floor division), so each has one value. */

static double integrate_hours(const void *ctx, hour_value_fn value, int64_t t0, int64_t t1,
                              double power_w)
{
    assert(t0 <= t1 && isfinite(power_w));
    double sum = 0; /* value * W * ns */
    int64_t t = t0;
    while (t < t1) {
        int64_t h = floor_div(t, AIDC_NS_PER_HOUR);
        int64_t end = (h + 1) * AIDC_NS_PER_HOUR;
        if (end > t1) end = t1;
        sum += value(ctx, h) * (double)(end - t);
        t = end;
    }
    /* W*ns -> kWh: / 1e9 (s) / 3600 (h) / 1000 (k) */
    return sum * power_w / (3.6e15);
}

typedef struct {
    const aidc_tariff *t;
    int start_weekday;
} tariff_ctx;

static double tariff_hour_value(const void *ctx, int64_t hour)
{
    const tariff_ctx *c = ctx;
    return c->t->price_usd_per_kwh[floor_mod(hour + 24 * c->start_weekday, AIDC_HOURS_PER_WEEK)];
}

double aidc_tariff_cost_usd(const aidc_tariff *t, int64_t t0_ns, int64_t t1_ns, double power_w,
                            int start_weekday)
{
    assert(t && start_weekday >= 0 && start_weekday < 7);
    tariff_ctx c = {t, start_weekday};
    return integrate_hours(&c, tariff_hour_value, t0_ns, t1_ns, power_w);
}

/* ---- series ------------------------------------------------------------------------------ */

void aidc_series_init(aidc_series *s)
{
    assert(s);
    s->v = NULL;
    s->n = 0;
    s->start_unix_s = INT64_MIN;
    s->n_filled = 0;
}

void aidc_series_fini(aidc_series *s)
{
    if (!s) return;
    free(s->v);
    aidc_series_init(s);
}

double aidc_series_at(const aidc_series *s, int64_t t_ns, size_t start_hour)
{
    assert(s && s->n > 0);
    int64_t h = floor_mod(floor_div(t_ns, AIDC_NS_PER_HOUR), (int64_t)s->n);
    return s->v[(start_hour % s->n + (size_t)h) % s->n];
}

typedef struct {
    const aidc_series *s;
    size_t start_hour;
} series_ctx;

static double series_hour_value(const void *ctx, int64_t hour)
{
    const series_ctx *c = ctx;
    size_t n = c->s->n;
    return c->s->v[(c->start_hour % n + (size_t)floor_mod(hour, (int64_t)n)) % n];
}

double aidc_series_energy_weighted(const aidc_series *s, int64_t t0_ns, int64_t t1_ns,
                                   double power_w, size_t start_hour)
{
    assert(s && s->n > 0);
    series_ctx c = {s, start_hour};
    return integrate_hours(&c, series_hour_value, t0_ns, t1_ns, power_w);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* "YYYY-MM-DD HH:MM:SS" + ("Z" | "+HH:MM" | "-HH:MM"), 'T' allowed for the space. */
static bool parse_timestamp(const char *s, int64_t *unix_s)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) < 20) return false;
    if (!digits(s, 4, &y) || s[4] != '-' || !digits(s + 5, 2, &mo) || s[7] != '-' ||
        !digits(s + 8, 2, &d) || (s[10] != ' ' && s[10] != 'T') || !digits(s + 11, 2, &h) ||
        s[13] != ':' || !digits(s + 14, 2, &mi) || s[16] != ':' || !digits(s + 17, 2, &se))
        return false;
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
        h > 23 || mi > 59 || se > 59)
        return false;
    const char *z = s + 19;
    int off_min = 0;
    if (strcmp(z, "Z") == 0) {
        off_min = 0;
    } else {
        int oh, om;
        if ((z[0] != '+' && z[0] != '-') || !digits(z + 1, 2, &oh) || z[3] != ':' ||
            !digits(z + 4, 2, &om) || z[6] != '\0' || oh > 23 || om > 59)
            return false;
        off_min = (z[0] == '-' ? -1 : 1) * (oh * 60 + om);
    }
    *unix_s = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - off_min * 60;
    return true;
}

static void format_utc(int64_t unix_s, char *buf, size_t n)
{
    /* civil_from_days (H. Hinnant) */
    int64_t z = floor_div(unix_s, 86400) + 719468;
    int64_t sod = floor_mod(unix_s, 86400);
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(buf, n, "%04lld-%02lld-%02lld %02lld:%02lld:%02lld+00:00", (long long)y, (long long)m,
             (long long)d, (long long)(sod / 3600), (long long)(sod / 60 % 60),
             (long long)(sod % 60));
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        s[--n] = '\0';
    return s;
}

/* Splits line in place at commas into at most cap trimmed fields; returns the count (which
 * may exceed cap: only the first cap are stored). */
static size_t split(char *line, char **f, size_t cap)
{
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        if (n < cap) f[n] = trim(p);
        n++;
        if (!c) break;
        p = c + 1;
    }
    return n;
}

#define MAX_FIELDS 64

typedef struct {
    const char *path;
    FILE *f;
    char *line;
    size_t cap;
    long lineno;
} line_reader;

/* Next line that is not blank or a comment, without its line ending; NULL at end of file or
 * on a read error (ferror tells). */
static char *next_line(line_reader *r)
{
    ssize_t len;
    while ((len = getline(&r->line, &r->cap, r->f)) >= 0) {
        r->lineno++;
        char *s = r->line;
        if (len > 0 && s[len - 1] == '\n') s[--len] = '\0';
        if (len > 0 && s[len - 1] == '\r') s[--len] = '\0';
        if (r->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0) s += 3;
        const char *q = s;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '\0' || *q == '#') continue;
        return s;
    }
    return NULL;
}

static bool parse_value(const char *s, double *out)
{
    if (*s == '\0') return false;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* Fills NaN holes: linear between the nearest known neighbours, nearest value at the ends.
 * Returns the number filled, or -1 when nothing is known. */
static long fill_gaps(double *v, size_t n)
{
    long filled = 0;
    size_t prev = SIZE_MAX; /* last known index */
    for (size_t i = 0; i <= n; i++) {
        if (i < n && isnan(v[i])) continue;
        /* v[prev+1 .. i-1] are holes (prev == SIZE_MAX: from 0) */
        size_t from = prev == SIZE_MAX ? 0 : prev + 1;
        if (from < i) {
            if (prev == SIZE_MAX && i == n) return -1;
            for (size_t k = from; k < i; k++) {
                if (prev == SIZE_MAX)
                    v[k] = v[i];
                else if (i == n)
                    v[k] = v[prev];
                else
                    v[k] = v[prev] + (v[i] - v[prev]) * (double)(k - prev) / (double)(i - prev);
                filled++;
            }
        }
        prev = i;
    }
    return filled;
}

int aidc_carbon_read(const char *path, aidc_series *s, char *err, size_t errlen)
{
    assert(path && s);
    aidc_series_fini(s);
    line_reader r = {path, fopen(path, "r"), NULL, 0, 0};
    if (!r.f) {
        aidc_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = -1;
    double *v = NULL;
    size_t n = 0, cap = 0;
    char *f[MAX_FIELDS];

    char *hdr = next_line(&r);
    if (!hdr) {
        if (ferror(r.f))
            aidc_errf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        else
            aidc_errf(err, errlen,
                 "%s: empty file, expected a header row (timestamp,...,avg_CI or "
                 "hour,g_per_kwh)",
                 path);
        goto out;
    }
    size_t nf = split(hdr, f, MAX_FIELDS);
    if (nf > MAX_FIELDS) {
        aidc_errf(err, errlen, "%s:%ld: header has %zu columns, at most %d are supported", path,
             r.lineno, nf, MAX_FIELDS);
        goto out;
    }
    /* Columns: time (timestamp or hour) and value (avg_CI or g_per_kwh). */
    size_t c_time = SIZE_MAX, c_val = SIZE_MAX;
    bool eia = false;
    if (nf == 2 && strcmp(f[0], "hour") == 0 && strcmp(f[1], "g_per_kwh") == 0) {
        c_time = 0;
        c_val = 1;
    } else {
        for (size_t i = 0; i < nf; i++) {
            size_t *c = strcmp(f[i], "timestamp") == 0 ? &c_time
                        : strcmp(f[i], "avg_CI") == 0  ? &c_val
                                                       : NULL;
            if (!c) continue;
            if (*c != SIZE_MAX) {
                aidc_errf(err, errlen, "%s:%ld: column %s appears twice in the header", path, r.lineno,
                     f[i]);
                goto out;
            }
            *c = i;
        }
        if (c_time == SIZE_MAX || c_val == SIZE_MAX) {
            aidc_errf(err, errlen,
                 "%s:%ld: expected a header with columns timestamp and avg_CI (EIA-930 as in "
                 "dc-rl) or exactly hour,g_per_kwh; %s is missing",
                 path, r.lineno,
                 c_time == SIZE_MAX && c_val == SIZE_MAX ? "each"
                 : c_time == SIZE_MAX                    ? "timestamp"
                                                         : "avg_CI");
            goto out;
        }
        eia = true;
    }
    const char *val_name = eia ? "avg_CI" : "g_per_kwh";

    int64_t t_first = 0;
    char *line;
    while ((line = next_line(&r)) != NULL) {
        size_t k = split(line, f, MAX_FIELDS);
        if (k != nf) {
            aidc_errf(err, errlen, "%s:%ld: expected %zu fields like the header, found %zu", path,
                 r.lineno, nf, k);
            goto out;
        }
        if (eia) {
            int64_t ts;
            if (!parse_timestamp(f[c_time], &ts)) {
                aidc_errf(err, errlen,
                     "%s:%ld: column timestamp: expected a time like \"2022-01-01 "
                     "00:00:00+00:00\", found \"%s\"",
                     path, r.lineno, f[c_time]);
                goto out;
            }
            if (n == 0) {
                t_first = ts;
            } else if (ts != t_first + 3600 * (int64_t)n) {
                char want[40];
                format_utc(t_first + 3600 * (int64_t)n, want, sizeof want);
                aidc_errf(err, errlen,
                     "%s:%ld: column timestamp: expected the next hour, %s, found \"%s\"; rows "
                     "must be consecutive hours",
                     path, r.lineno, want, f[c_time]);
                goto out;
            }
        } else {
            char *end;
            errno = 0;
            long long h = strtoll(f[c_time], &end, 10);
            if (*f[c_time] == '\0' || *end != '\0' || errno == ERANGE || h != (long long)n) {
                aidc_errf(err, errlen,
                     "%s:%ld: column hour: expected %zu (hours count up from 0), "
                     "found \"%s\"",
                     path, r.lineno, n, f[c_time]);
                goto out;
            }
        }
        double x = NAN;
        if (*f[c_val] != '\0' && (!parse_value(f[c_val], &x) || x < 0)) {
            aidc_errf(err, errlen,
                 "%s:%ld: column %s: expected a carbon intensity in gCO2/kWh (a number >= 0, "
                 "or empty for missing), found \"%s\"",
                 path, r.lineno, val_name, f[c_val]);
            goto out;
        }
        if (n == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            double *nv = realloc(v, nc * sizeof *nv);
            if (!nv) {
                aidc_errf(err, errlen, "%s: out of memory", path);
                goto out;
            }
            v = nv;
            cap = nc;
        }
        v[n++] = x;
    }
    if (ferror(r.f)) {
        aidc_errf(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        goto out;
    }
    if (n == 0) {
        aidc_errf(err, errlen, "%s: no data rows after the header", path);
        goto out;
    }
    long filled = fill_gaps(v, n);
    if (filled < 0) {
        aidc_errf(err, errlen, "%s: every %s value is empty", path, val_name);
        goto out;
    }
    s->v = v;
    s->n = n;
    s->start_unix_s = eia ? t_first : INT64_MIN;
    s->n_filled = (size_t)filled;
    v = NULL;
    rc = (int)filled;
out:
    free(v);
    free(r.line);
    fclose(r.f);
    return rc;
}

/* ---- demand meter ------------------------------------------------------------------------ */

static void level_init(aidc_meter_level *l, int64_t len_ns)
{
    l->len_ns = len_ns;
    l->idx = 0;
    l->wns = 0;
    l->have_prev = false;
    l->prev_w = 0;
    l->up_w = l->down_w = 0;
}

void aidc_demand_meter_init(aidc_demand_meter *m)
{
    assert(m);
    static_assert(AIDC_BILLING_MONTH_NS % AIDC_DEMAND_INTERVAL_NS == 0,
                  "a demand interval never straddles two billing months");
    static_assert(INT64_MAX / AIDC_BILLING_MONTH_NS < AIDC_DEMAND_MAX_MONTHS,
                  "month table covers all of int64 time");
    m->t_end_ns = 0;
    m->energy_wns = 0;
    m->peak_w = 0;
    level_init(&m->ramp, AIDC_RAMP_INTERVAL_NS);
    level_init(&m->demand, AIDC_DEMAND_INTERVAL_NS);
    memset(m->month_peak_w, 0, sizeof m->month_peak_w);
}

/* Closes the level's open interval: ramp against the previous one, then the next opens. */
static double level_close(aidc_meter_level *l)
{
    double avg = l->wns / (double)l->len_ns;
    if (l->have_prev) {
        double d = avg - l->prev_w;
        if (d > l->up_w) l->up_w = d;
        if (-d > l->down_w) l->down_w = -d;
    }
    l->have_prev = true;
    l->prev_w = avg;
    l->idx++;
    l->wns = 0;
    return avg;
}

/* End of interval idx, saturating at INT64_MAX for the last interval of int64 time. */
static int64_t interval_end(const aidc_meter_level *l)
{
    int64_t start = l->idx * l->len_ns;
    return start > INT64_MAX - l->len_ns ? INT64_MAX : start + l->len_ns;
}

/* Adds power p over [a, b) to one level, closing every interval it completes; closed 15-minute
 * intervals update the monthly and overall peaks. */
static void level_feed(aidc_demand_meter *m, aidc_meter_level *l, int64_t a, int64_t b, double p,
                       bool is_demand)
{
    while (a < b) {
        int64_t end = interval_end(l);
        assert(a >= l->idx * l->len_ns && a < end);
        int64_t seg = b < end ? b : end;
        l->wns += p * (double)(seg - a);
        a = seg;
        if (seg == end && end - l->idx * l->len_ns == l->len_ns) {
            int64_t start = l->idx * l->len_ns;
            double avg = level_close(l);
            if (is_demand) {
                size_t month = (size_t)(start / AIDC_BILLING_MONTH_NS);
                if (avg > m->month_peak_w[month]) m->month_peak_w[month] = avg;
                if (avg > m->peak_w) m->peak_w = avg;
            }
        }
    }
}

static void meter_feed(aidc_demand_meter *m, int64_t a, int64_t b, double p)
{
    level_feed(m, &m->ramp, a, b, p, false);
    level_feed(m, &m->demand, a, b, p, true);
    m->energy_wns += p * (double)(b - a);
    m->t_end_ns = b;
}

void aidc_demand_meter_add(aidc_demand_meter *m, int64_t t0_ns, int64_t t1_ns, double power_w)
{
    assert(m && t0_ns >= m->t_end_ns && t0_ns <= t1_ns);
    assert(isfinite(power_w) && power_w >= 0);
    if (t0_ns > m->t_end_ns) meter_feed(m, m->t_end_ns, t0_ns, 0.0);
    if (t1_ns > t0_ns) meter_feed(m, t0_ns, t1_ns, power_w);
}

size_t aidc_demand_meter_months(const aidc_demand_meter *m)
{
    assert(m);
    return (size_t)(m->t_end_ns / AIDC_BILLING_MONTH_NS +
                    (m->t_end_ns % AIDC_BILLING_MONTH_NS != 0));
}

/* Average of the open 15-minute interval if it holds any recorded time, else -1. */
static double open_demand_w(const aidc_demand_meter *m)
{
    const aidc_meter_level *l = &m->demand;
    if (m->t_end_ns <= l->idx * l->len_ns) return -1;
    return l->wns / (double)l->len_ns;
}

double aidc_demand_meter_month_peak_w(const aidc_demand_meter *m, size_t month)
{
    assert(m && month < aidc_demand_meter_months(m));
    double peak = m->month_peak_w[month];
    double open = open_demand_w(m);
    size_t open_month = (size_t)(m->demand.idx * m->demand.len_ns / AIDC_BILLING_MONTH_NS);
    if (open_month == month && open > peak) peak = open;
    return peak;
}

size_t aidc_demand_meter_monthly_peaks(const aidc_demand_meter *m, double *out, size_t cap)
{
    assert(m && (out || cap == 0));
    size_t n = aidc_demand_meter_months(m);
    for (size_t i = 0; i < n && i < cap; i++)
        out[i] = aidc_demand_meter_month_peak_w(m, i);
    return n;
}

double aidc_demand_meter_peak_w(const aidc_demand_meter *m)
{
    assert(m);
    double open = open_demand_w(m);
    return open > m->peak_w ? open : m->peak_w;
}

double aidc_demand_meter_energy_kwh(const aidc_demand_meter *m)
{
    assert(m);
    return m->energy_wns / 3.6e15;
}

void aidc_demand_meter_ramps(const aidc_demand_meter *m, aidc_ramp_stats *out)
{
    assert(m && out);
    out->up_1min_w_per_min = m->ramp.up_w;
    out->down_1min_w_per_min = m->ramp.down_w;
    out->up_15min_w_per_min = m->demand.up_w / 15.0;
    out->down_15min_w_per_min = m->demand.down_w / 15.0;
}

/* ---- demand response --------------------------------------------------------------------- */

int aidc_dr_check(const aidc_dr_event *ev, size_t n, const char *key, char *err, size_t errlen)
{
    assert((ev || n == 0) && key);
    for (size_t i = 0; i < n; i++) {
        if (ev[i].start_ns < 0) {
            aidc_errf(err, errlen, "%s[%zu].start: expected a time >= 0 (since the scenario start)", key,
                 i);
            return -1;
        }
        if (ev[i].end_ns <= ev[i].start_ns) {
            aidc_errf(err, errlen,
                 "%s[%zu].end: expected a time after start, found an event that "
                 "ends before it begins",
                 key, i);
            return -1;
        }
        if (!isfinite(ev[i].limit_w) || ev[i].limit_w < 0) {
            aidc_errf(err, errlen, "%s[%zu].limit: expected a finite power >= 0, found %g W", key, i,
                 ev[i].limit_w);
            return -1;
        }
    }
    return 0;
}

double aidc_dr_limit_w(const aidc_dr_event *ev, size_t n, int64_t t_ns)
{
    assert(ev || n == 0);
    double lim = INFINITY;
    for (size_t i = 0; i < n; i++)
        if (ev[i].start_ns <= t_ns && t_ns < ev[i].end_ns && ev[i].limit_w < lim)
            lim = ev[i].limit_w;
    return lim;
}

int64_t aidc_dr_next_change_ns(const aidc_dr_event *ev, size_t n, int64_t t_ns)
{
    assert(ev || n == 0);
    int64_t next = INT64_MAX;
    for (size_t i = 0; i < n; i++) {
        if (ev[i].start_ns > t_ns && ev[i].start_ns < next) next = ev[i].start_ns;
        if (ev[i].end_ns > t_ns && ev[i].end_ns < next) next = ev[i].end_ns;
    }
    return next;
}
