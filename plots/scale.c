/* scale — ticks, labels and downsampling; see scale.h. */
#include "plots/scale.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Tolerance for "is this multiple inside the range": steps and bounds come
 * from decimal arithmetic, so k * step misses a bound by a few ulps. */
#define REL_EPS 1e-9

static long long count_multiples(double lo, double hi, double step)
{
    double a = ceil(lo / step - REL_EPS), b = floor(hi / step + REL_EPS);
    return b >= a ? (long long)(b - a) + 1 : 0;
}

double aidc_nice_step(double lo, double hi, int max_ticks)
{
    if (max_ticks < 2) max_ticks = 2;
    double span = hi - lo;
    if (!(span > 0) || !isfinite(span)) return 1;
    double raw = span / (max_ticks - 1);
    double p = pow(10, floor(log10(raw)) - 1);
    static const double mant[] = {1, 2, 5};
    for (int guard = 0; guard < 40; guard++, p *= 10)
        for (int m = 0; m < 3; m++) {
            double s = mant[m] * p;
            if (count_multiples(lo, hi, s) <= max_ticks) return s;
        }
    return span;
}

/* Widens [lo, hi] to multiples of a step chosen by step_fn, trying smaller
 * targets until the widened range keeps to max_ticks ticks. */
static void widen(double *lo, double *hi, int max_ticks, double (*step_fn)(double, double, int))
{
    if (!isfinite(*lo) || !isfinite(*hi)) return;
    if (*hi < *lo) {
        double t = *lo;
        *lo = *hi;
        *hi = t;
    }
    if (*hi == *lo) {
        if (*lo == 0) {
            *hi = 1;
            return;
        }
        double d = fabs(*lo) * 0.1;
        *lo -= d;
        *hi += d;
    }
    if (max_ticks < 2) max_ticks = 2;
    double nlo = *lo, nhi = *hi;
    for (int target = max_ticks; target >= 2; target--) {
        double s = step_fn(*lo, *hi, target);
        nlo = floor(*lo / s + REL_EPS) * s;
        nhi = ceil(*hi / s - REL_EPS) * s;
        if (count_multiples(nlo, nhi, s) <= max_ticks) break;
    }
    *lo = nlo;
    *hi = nhi;
}

void aidc_nice_domain(double *lo, double *hi, int max_ticks)
{
    widen(lo, hi, max_ticks, aidc_nice_step);
}

const char *aidc_si_prefix(double maxabs, double *div)
{
    static const char *const names[] = {"\u00b5", "m", "", "k", "M", "G", "T"};
    *div = 1;
    if (!(maxabs > 0) || !isfinite(maxabs)) return "";
    int e = (int)floor(log10(maxabs) / 3 + REL_EPS);
    if (e < -2) e = -2;
    if (e > 4) e = 4;
    *div = pow(1000, e);
    return names[e + 2];
}

/* Decimals that show every multiple of step exactly (step > 0). */
static int decimals_for(double step)
{
    int d = (int)ceil(-log10(step) - REL_EPS);
    if (d < 0) d = 0;
    /* a step like 0.25 needs one more than its magnitude says */
    double scaled = step * pow(10, d);
    if (fabs(scaled - round(scaled)) > 1e-6 * scaled && d < 9) d++;
    return d;
}

static void format_number(double v, int decimals, const char *suffix, char *buf, size_t n)
{
    if (fabs(v) < 0.5 * pow(10, -decimals)) v = 0; /* no "-0" */
    snprintf(buf, n, "%.*f%s", decimals, v, suffix ? suffix : "");
}

/* Drops trailing zeros after a decimal point: "0.50" -> "0.5", "1.00" -> "1". */
static void trim_zeros(char *s)
{
    if (!strchr(s, '.')) return;
    char *e = s + strlen(s) - 1;
    while (*e == '0')
        *e-- = '\0';
    if (*e == '.') *e = '\0';
}

static size_t fill_ticks(double lo, double hi, double step, double mul, double div,
                         const char *suffix, aidc_ticks *t)
{
    t->n = 0;
    double k0 = ceil(lo / step - REL_EPS), k1 = floor(hi / step + REL_EPS);
    int dec = decimals_for(step * mul / div);
    for (double k = k0; k <= k1 && t->n < AIDC_TICKS_MAX; k++) {
        double v = k * step;
        t->v[t->n] = v;
        format_number(v * mul / div, dec, suffix, t->label[t->n], AIDC_TICK_LABEL);
        t->n++;
    }
    return t->n;
}

size_t aidc_ticks_linear(double lo, double hi, int max_ticks, double mul, double div,
                         const char *suffix, aidc_ticks *t)
{
    assert(t && mul != 0 && div > 0);
    t->n = 0;
    if (!isfinite(lo) || !isfinite(hi) || !(hi > lo)) return 0;
    if (max_ticks > AIDC_TICKS_MAX) max_ticks = AIDC_TICKS_MAX;
    return fill_ticks(lo, hi, aidc_nice_step(lo, hi, max_ticks), mul, div, suffix, t);
}

/* ---- durations ---------------------------------------------------------- */

const char *aidc_time_unit(double lo_s, double hi_s, double *unit_s)
{
    double span = hi_s - lo_s;
    if (span >= 2 * 86400.0) {
        *unit_s = 86400;
        return "d";
    }
    if (span >= 2 * 3600.0) {
        *unit_s = 3600;
        return "h";
    }
    if (span >= 2 * 60.0) {
        *unit_s = 60;
        return "min";
    }
    *unit_s = 1;
    return "s";
}

/* The step in seconds for a duration axis: the unit's ladder first, then
 * nice multiples of the unit above it. */
static double time_step_s(double lo_s, double hi_s, int max_ticks)
{
    static const double sec_min[] = {1, 2, 5, 10, 15, 30};
    static const double hours[] = {0.25, 0.5, 1, 2, 3, 6, 12};
    static const double days[] = {0.25, 0.5, 1, 2, 7, 14, 28};
    double unit;
    const char *u = aidc_time_unit(lo_s, hi_s, &unit);
    const double *ladder = sec_min;
    size_t n = 6;
    bool decimal_below = strcmp(u, "s") == 0; /* 0.5 s, 0.2 s; but never 0.2 d (4.8 h) */
    if (strcmp(u, "h") == 0) {
        ladder = hours;
        n = 7;
    } else if (strcmp(u, "d") == 0) {
        ladder = days;
        n = 7;
    }
    double lo = lo_s / unit, hi = hi_s / unit;
    double g = aidc_nice_step(lo, hi, max_ticks);
    if (g < ladder[0] && decimal_below) return g * unit;
    for (size_t i = 0; i < n; i++)
        if (count_multiples(lo, hi, ladder[i]) <= max_ticks) return ladder[i] * unit;
    return (g > ladder[n - 1] ? g : ladder[n - 1]) * unit;
}

size_t aidc_ticks_time(double lo_s, double hi_s, int max_ticks, aidc_ticks *t)
{
    t->n = 0;
    if (!isfinite(lo_s) || !isfinite(hi_s) || !(hi_s > lo_s)) return 0;
    if (max_ticks > AIDC_TICKS_MAX) max_ticks = AIDC_TICKS_MAX;
    double unit;
    aidc_time_unit(lo_s, hi_s, &unit);
    fill_ticks(lo_s, hi_s, time_step_s(lo_s, hi_s, max_ticks), 1, unit, NULL, t);
    for (size_t i = 0; i < t->n; i++)
        trim_zeros(t->label[i]); /* 0, 0.25, 0.5, 0.75, 1 */
    return t->n;
}

void aidc_time_domain(double *lo_s, double *hi_s, int max_ticks)
{
    widen(lo_s, hi_s, max_ticks, time_step_s);
}

size_t aidc_ticks_log_time(double lo_s, double hi_s, int max_ticks, aidc_ticks *t)
{
    static const double at[] = {1e-3, 1e-2, 0.1,   1,     10,     60,
                                600,  3600, 36000, 86400, 864000, 8640000};
    static const char *const names[] = {"1 ms",   "10 ms", "100 ms", "1 s", "10 s", "1 min",
                                        "10 min", "1 h",   "10 h",   "1 d", "10 d", "100 d"};
    enum { N = sizeof at / sizeof at[0] };
    t->n = 0;
    if (!(lo_s > 0) || !isfinite(hi_s) || !(hi_s > lo_s)) return 0;
    size_t idx[N], m = 0;
    for (size_t i = 0; i < N; i++)
        if (at[i] >= lo_s * (1 - REL_EPS) && at[i] <= hi_s * (1 + REL_EPS)) idx[m++] = i;
    if (max_ticks < 1) max_ticks = 1;
    size_t every = (m + (size_t)max_ticks - 1) / (size_t)max_ticks;
    if (every < 1) every = 1;
    for (size_t k = 0; k < m; k += every) {
        t->v[t->n] = at[idx[k]];
        snprintf(t->label[t->n], AIDC_TICK_LABEL, "%s", names[idx[k]]);
        t->n++;
    }
    return t->n;
}

/* ---- text --------------------------------------------------------------- */

/* Three significant digits, trailing zeros dropped: 1.25, 880, 42, 0.5. */
static void sig3(double x, char *buf, size_t n)
{
    double a = fabs(x);
    int dec = a >= 100 ? 0 : a >= 10 ? 1 : 2;
    snprintf(buf, n, "%.*f", dec, x);
    trim_zeros(buf);
    if (strcmp(buf, "-0") == 0) snprintf(buf, n, "0");
}

/* Scales v to an SI prefix, moving up one when rounding would print 1000. */
static const char *si_scale(double v, double *x)
{
    double div;
    const char *p = aidc_si_prefix(fabs(v), &div);
    *x = v / div;
    if (fabs(*x) >= 999.5 && div < 1e12) {
        p = aidc_si_prefix(fabs(v) * 1.001, &div);
        *x = v / div;
    }
    return p;
}

void aidc_label_si(double v, const char *unit, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "n/a");
        return;
    }
    double x;
    const char *p = si_scale(v, &x);
    char num[48];
    sig3(x, num, sizeof num);
    if (unit && strcmp(unit, "%") == 0)
        snprintf(buf, n, "%s%s%%", num, p);
    else if (unit && unit[0])
        snprintf(buf, n, "%s %s%s", num, p, unit);
    else
        snprintf(buf, n, "%s%s", num, p);
}

void aidc_label_usd(double v, char *buf, size_t n)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "n/a");
        return;
    }
    const char *sign = v < 0 ? "-" : "";
    double a = fabs(v);
    if (a < 999.995) {
        snprintf(buf, n, "%s$%.2f", sign, a);
        return;
    }
    double x;
    const char *p = si_scale(a, &x);
    char num[48];
    sig3(x, num, sizeof num);
    snprintf(buf, n, "%s$%s%s", sign, num, p);
}

void aidc_label_duration(double s, char *buf, size_t n)
{
    if (!isfinite(s))
        snprintf(buf, n, "n/a");
    else if (fabs(s) < 120)
        snprintf(buf, n, "%.0f s", s);
    else if (fabs(s) < 7200)
        snprintf(buf, n, "%.1f min", s / 60);
    else if (fabs(s) < 172800)
        snprintf(buf, n, "%.1f h", s / 3600);
    else
        snprintf(buf, n, "%.1f d", s / 86400);
}

/* ---- downsampling ------------------------------------------------------- */

static long column_of(double x, double x0, double w, size_t columns)
{
    if (!(w > 0)) return 0;
    double c = floor((x - x0) / w);
    if (!(c >= 0)) return 0; /* also NaN */
    if (c >= (double)columns) return (long)columns - 1;
    return (long)c;
}

size_t aidc_downsample_m4(const double *x, const double *y, size_t n, double x0, double x1,
                          size_t columns, double *ox, double *oy)
{
    assert(n == 0 || (x && y && ox && oy));
    if (columns == 0) columns = 1;
    if (n <= 4 * columns) {
        memcpy(ox, x, n * sizeof *x);
        memcpy(oy, y, n * sizeof *y);
        return n;
    }
    double w = (x1 - x0) / (double)columns;
    size_t out = 0, i = 0;
    while (i < n) {
        if (isnan(y[i])) {
            ox[out] = x[i];
            oy[out++] = y[i];
            i++;
            continue;
        }
        long col = column_of(x[i], x0, w, columns);
        size_t first = i, last = i, lo = i, hi = i, j = i + 1;
        for (; j < n && !isnan(y[j]) && column_of(x[j], x0, w, columns) == col; j++) {
            if (y[j] < y[lo]) lo = j;
            if (y[j] > y[hi]) hi = j;
            last = j;
        }
        size_t keep[4] = {first, lo < hi ? lo : hi, lo < hi ? hi : lo, last};
        for (int k = 0; k < 4; k++) {
            if (k > 0 && keep[k] <= keep[k - 1]) {
                keep[k] = keep[k - 1]; /* duplicates and order: emit each index once */
                continue;
            }
            ox[out] = x[keep[k]];
            oy[out++] = y[keep[k]];
        }
        i = j;
    }
    return out;
}
