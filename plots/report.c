/* report — charts and report.html from an output directory; see report.h. */
#define _XOPEN_SOURCE 700
#include "plots/report.h"

#include <errno.h>
#include <ftw.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plots/canvas.h"
#include "plots/chart.h"
#include "plots/results.h"
#include "plots/scale.h"
#include "plots/strbuf.h"

#define CHART_W 900.0
#define CHART_H 360.0
/* A limit line more than this many times the highest power drawn would
 * squash the data into the bottom of the chart: it is named in the caption
 * instead of drawn. */
#define OFF_SCALE 2.5
/* CDFs are drawn through this many evenly spaced order statistics (and the
 * largest), enough for a smooth step curve without one SVG segment per job. */
#define CDF_POINTS 500

/* One colour per quantity, the same in every chart (Okabe-Ito, chart.h). */
#define C_UTIL AIDC_OI_BLUE
#define C_QUEUE AIDC_OI_VERMILLION
#define C_IT AIDC_OI_BLUE
#define C_LOSSES AIDC_OI_ORANGE
#define C_COOLING AIDC_OI_SKY
#define C_OTHER AIDC_OI_PURPLE
#define C_IT_CAP AIDC_OI_BLACK
#define C_SITE_CAP AIDC_OI_GREEN
#define C_INTERCONNECT AIDC_OI_VERMILLION
#define C_DR AIDC_GREY
#define C_PUE AIDC_OI_GREEN
#define C_OUTDOOR AIDC_OI_VERMILLION
#define C_PRICE AIDC_OI_ORANGE
#define C_CARBON AIDC_OI_BLACK
#define C_WAIT AIDC_OI_VERMILLION
#define C_JCT AIDC_OI_BLUE
#define C_MEAN AIDC_OI_SKY
#define C_P95 AIDC_OI_BLUE

const char aidc_report_usage[] =
    "usage: aidcsim report DIR [--pdf] [--quiet]\n"
    "\n"
    "Regenerates DIR/charts/ and DIR/report.html from the results already in DIR\n"
    "(summary.json, timeseries.csv, jobs.csv, racks.csv), without simulating.\n"
    "\n"
    "  --pdf        also write each chart as PDF\n"
    "  -q, --quiet  print nothing on success\n";

/* ---- figures ------------------------------------------------------------- */

#define FIG_OWN 48

typedef struct figure {
    const char *name; /* file stem and HTML id */
    double w, h;
    aidc_chart ch;
    aidc_heatmap heat;
    char title[160];
    char caption[1600];
    char labels[AIDC_CHART_MAX_SERIES][112];
    void *own[FIG_OWN]; /* allocations freed with the figure */
    size_t n_own;
} figure;

static void fig_init(figure *f, const char *name, const char *title)
{
    memset(f, 0, sizeof *f);
    f->name = name;
    f->w = CHART_W;
    f->h = CHART_H;
    snprintf(f->title, sizeof f->title, "%s", title);
    aidc_chart_init(&f->ch, f->title);
}

static void fig_fini(figure *f)
{
    for (size_t i = 0; i < f->n_own; i++)
        free(f->own[i]);
    f->n_own = 0;
}

/* Memory owned by the figure; NULL when out of memory. */
static void *fig_alloc(figure *f, size_t n, size_t size)
{
    if (f->n_own >= FIG_OWN) return NULL;
    void *p = calloc(n ? n : 1, size);
    if (p) f->own[f->n_own++] = p;
    return p;
}

static double *fig_doubles(figure *f, size_t n)
{
    return fig_alloc(f, n, sizeof(double));
}

/* Adds a series whose legend label is formatted into the figure. */
static aidc_series *fig_series(figure *f, aidc_series_kind kind, uint32_t rgb, int axis,
                               const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static aidc_series *fig_series(figure *f, aidc_series_kind kind, uint32_t rgb, int axis,
                               const char *fmt, ...)
{
    size_t i = f->ch.n_series;
    const char *label = NULL;
    if (fmt && i < AIDC_CHART_MAX_SERIES) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(f->labels[i], sizeof f->labels[i], fmt, ap);
        va_end(ap);
        label = f->labels[i];
    }
    return aidc_chart_add(&f->ch, kind, label, rgb, axis);
}

/* Appends to the caption. */
static void cap(figure *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cap(figure *f, const char *fmt, ...)
{
    size_t len = strlen(f->caption);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->caption + len, sizeof f->caption - len, fmt, ap);
    va_end(ap);
}

/* ---- helpers over the results -------------------------------------------- */

typedef struct ctx {
    const aidc_results *r;
    const double *t; /* timeseries time_s */
    size_t n;        /* timeseries rows */
    char interval[48];
} ctx;

static const double *ts_col(const ctx *c, const char *name)
{
    return aidc_numtable_col(&c->r->ts, name);
}

static bool any_finite(const double *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) return true;
    return false;
}

static double max_of(const double *v, size_t n)
{
    double m = -INFINITY;
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i]) && v[i] > m) m = v[i];
    return m;
}

static double mean_of(const double *v, size_t n)
{
    double s = 0;
    size_t k = 0;
    for (size_t i = 0; v && i < n; i++)
        if (isfinite(v[i])) {
            s += v[i];
            k++;
        }
    return k ? s / (double)k : NAN;
}

/* A duration as a round figure when it is one: "5 min", "1 h", "14 d". */
static void exact_duration(double s, char *buf, size_t n)
{
    if (!isfinite(s))
        snprintf(buf, n, "n/a");
    else if (s >= 86400 && fmod(s, 86400) == 0)
        snprintf(buf, n, "%.0f d", s / 86400);
    else if (s >= 3600 && fmod(s, 3600) == 0)
        snprintf(buf, n, "%.0f h", s / 3600);
    else if (s >= 60 && fmod(s, 60) == 0)
        snprintf(buf, n, "%.0f min", s / 60);
    else if (s == floor(s))
        snprintf(buf, n, "%.0f s", s);
    else
        aidc_label_duration(s, buf, n);
}

static void fmt_dur(double s, char *buf, size_t n)
{
    aidc_label_duration(s, buf, n);
}

static void fmt_w(double w, char *buf, size_t n)
{
    aidc_label_si(w, "W", buf, n);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Quantile of sorted v, interpolating between order statistics (the
 * definition summary.json uses). */
static double quantile(const double *v, size_t n, double p)
{
    if (n == 0) return NAN;
    double h = (double)(n - 1) * p;
    size_t i = (size_t)floor(h);
    if (i + 1 >= n) return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

/* ---- the charts ---------------------------------------------------------- */

static void time_axis(figure *f)
{
    f->ch.x.kind = AIDC_AXIS_TIME;
    f->ch.x.title = "Time since start";
}

static int fig_utilization(const ctx *c, figure *f)
{
    const double *u = ts_col(c, "gpu_utilization"), *q = ts_col(c, "queued_jobs");
    if (!any_finite(u, c->n) || c->n < 2) return 0;
    fig_init(f, "utilization", "GPU utilization and queue length");
    time_axis(f);
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                          .title = "GPU utilization",
                          .unit = "%",
                          .mul = 100,
                          .lo = 0,
                          .hi = 1};
    aidc_series *s = fig_series(f, AIDC_SERIES_LINE, C_UTIL, 0, "GPU utilization (left)");
    s->x = c->t;
    s->y = u;
    s->n = c->n;
    if (any_finite(q, c->n)) {
        f->ch.y2 = (aidc_axis){
            .kind = AIDC_AXIS_LINEAR, .title = "Queued jobs", .lo = NAN, .hi = NAN, .zero = true};
        s = fig_series(f, AIDC_SERIES_LINE, C_QUEUE, 1, "Queued jobs (right)");
        s->x = c->t;
        s->y = q;
        s->n = c->n;
        s->width = 1.2;
    }
    double gpus = aidc_results_num(c->r, "cluster.gpus");
    cap(f, "Share of the cluster's %.0f GPUs allocated to jobs", gpus);
    if (any_finite(q, c->n)) cap(f, " (left) and the number of jobs waiting to start (right)");
    cap(f, ", sampled every %s. Time-averaged utilization %.1f%%", c->interval,
        100 * aidc_results_num(c->r, "gpu_utilization.mean"));
    double ql = aidc_results_num(c->r, "queue_length_mean");
    if (isfinite(ql)) cap(f, "; mean queue %.1f jobs, longest sampled %.0f", ql, max_of(q, c->n));
    cap(f, ".");
    return 1;
}

static int fig_power(const ctx *c, figure *f)
{
    const double *it = ts_col(c, "it_mw"), *loss = ts_col(c, "losses_mw"),
                 *cool = ts_col(c, "cooling_mw"), *fac = ts_col(c, "facility_mw");
    if (!any_finite(it, c->n) || !any_finite(fac, c->n) || c->n < 2) return 0;
    fig_init(f, "power", "Power at the meter by part");
    time_axis(f);
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                          .title = "Power",
                          .unit = "W",
                          .si = AIDC_SI_TITLE,
                          .lo = NAN,
                          .hi = NAN,
                          .zero = true};
    size_t n = c->n;
    /* the stack: IT, then losses, cooling and the rest of the facility on top */
    const double *parts[3] = {loss, cool, NULL};
    const char *names[3] = {"UPS and transformer losses", "Cooling", "Other facility load"};
    uint32_t colors[3] = {C_LOSSES, C_COOLING, C_OTHER};
    double *prev = fig_doubles(f, n);
    if (!prev) return -1;
    for (size_t i = 0; i < n; i++)
        prev[i] = it[i] * 1e6;
    aidc_series *s = fig_series(f, AIDC_SERIES_AREA, C_IT, 0, "IT equipment");
    s->x = c->t;
    s->y = prev;
    s->n = n;
    for (int k = 0; k < 3; k++) {
        if (k < 2 && !parts[k]) continue; /* a column this file does not have */
        double *top = fig_doubles(f, n);
        if (!top) return -1;
        double most = 0;
        for (size_t i = 0; i < n; i++) {
            double add = parts[k] ? parts[k][i] * 1e6 : fac[i] * 1e6 - prev[i];
            if (!isfinite(add)) add = 0;
            top[i] = prev[i] + add;
            most = fmax(most, add);
        }
        /* a part that is zero throughout (no cooling plant modelled) stays out of the legend */
        if (!(most > 1e-6 * max_of(prev, n))) continue;
        s = fig_series(f, AIDC_SERIES_AREA, colors[k], 0, "%s", names[k]);
        s->x = c->t;
        s->y = top;
        s->base = prev;
        s->n = n;
        prev = top;
    }
    double peak = max_of(prev, n);
    char a[48], b[48], d[48];
    fmt_w(aidc_results_num(c->r, "power_mw.facility_peak") * 1e6, a, sizeof a);
    fmt_w(aidc_results_num(c->r, "power_mw.facility_mean") * 1e6, b, sizeof b);
    fmt_w(aidc_results_num(c->r, "grid.peak_15min_mw") * 1e6, d, sizeof d);
    cap(f,
        "Power drawn at the meter, stacked by where it goes, sampled every %s. Peak %s, mean %s, "
        "highest 15-minute average %s.",
        c->interval, a, b, d);
    /* limits */
    static const struct {
        const char *key, *label;
        uint32_t rgb;
    } limits[] = {{"inputs.power.facility_it_cap_mw", "Facility IT cap (applies to IT)", C_IT_CAP},
                  {"inputs.power.site_cap_mw", "Site cap", C_SITE_CAP},
                  {"inputs.grid.interconnect_mw", "Interconnect limit", C_INTERCONNECT}};
    for (size_t k = 0; k < sizeof limits / sizeof limits[0]; k++) {
        double w = aidc_results_num(c->r, limits[k].key) * 1e6;
        if (!isfinite(w)) continue;
        fmt_w(w, a, sizeof a);
        if (w > OFF_SCALE * peak) {
            cap(f, " %s %s (off the scale, not drawn).", limits[k].label, a);
            continue;
        }
        s = fig_series(f, AIDC_SERIES_HLINE, limits[k].rgb, 0, "%s %s", limits[k].label, a);
        if (!s) break;
        s->value = w;
        s->dash = AIDC_DASH_DASHED;
    }
    const cJSON *dr = aidc_results_item(c->r, "inputs.grid.demand_response");
    int n_dr = cJSON_IsArray(dr) ? cJSON_GetArraySize(dr) : 0;
    for (int i = 0; i < n_dr; i++) {
        const cJSON *e = cJSON_GetArrayItem(dr, i);
        const cJSON *x0 = cJSON_GetObjectItemCaseSensitive(e, "start_s");
        const cJSON *x1 = cJSON_GetObjectItemCaseSensitive(e, "end_s");
        const cJSON *lim = cJSON_GetObjectItemCaseSensitive(e, "limit_mw");
        if (!cJSON_IsNumber(x0) || !cJSON_IsNumber(x1) || !cJSON_IsNumber(lim)) continue;
        if (x0->valuedouble > c->t[n - 1]) continue;
        s = fig_series(f, AIDC_SERIES_BAND, C_DR, 0, i == 0 ? "Demand response window" : NULL);
        if (!s) break;
        s->x0 = x0->valuedouble;
        s->x1 = fmin(x1->valuedouble, c->t[n - 1]);
        char w0[32], w1[32];
        fmt_dur(x0->valuedouble, w0, sizeof w0);
        fmt_dur(x1->valuedouble, w1, sizeof w1);
        fmt_w(lim->valuedouble * 1e6, a, sizeof a);
        cap(f, "%s Demand response from %s to %s: site held under %s.", i ? "" : "", w0, w1, a);
    }
    return 1;
}

static int fig_pue(const ctx *c, figure *f)
{
    const double *pue = ts_col(c, "pue"), *out = ts_col(c, "outdoor_c");
    if (!any_finite(pue, c->n) || c->n < 2) return 0;
    bool weather = any_finite(out, c->n);
    fig_init(f, "pue", weather ? "PUE and outdoor temperature" : "PUE");
    time_axis(f);
    /* a sample without IT load has no PUE (the file holds 0 there): a gap */
    double *p = fig_doubles(f, c->n);
    if (!p) return -1;
    for (size_t i = 0; i < c->n; i++)
        p[i] = pue[i] > 0 ? pue[i] : NAN;
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_LINEAR, .title = "PUE", .lo = NAN, .hi = NAN};
    aidc_series *s = fig_series(f, AIDC_SERIES_LINE, C_PUE, 0, weather ? "PUE (left)" : "PUE");
    s->x = c->t;
    s->y = p;
    s->n = c->n;
    if (weather) {
        f->ch.y2 = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                               .title = "Outdoor dry bulb",
                               .unit = "\u00b0C",
                               .lo = NAN,
                               .hi = NAN};
        s = fig_series(f, AIDC_SERIES_LINE, C_OUTDOOR, 1, "Outdoor dry-bulb temperature (right)");
        s->x = c->t;
        s->y = out;
        s->n = c->n;
        s->width = 1.2;
    }
    cap(f, "Power usage effectiveness (facility power / IT power) at each sample");
    if (weather) {
        double lo = INFINITY;
        for (size_t i = 0; i < c->n; i++)
            if (isfinite(out[i]) && out[i] < lo) lo = out[i];
        cap(f,
            " and the outdoor temperature the cooling plant works against (%.1f to %.1f \u00b0C)",
            lo, max_of(out, c->n));
    }
    cap(f, ". Energy-weighted mean PUE %.3f; highest held %.3f.",
        aidc_results_num(c->r, "pue.mean"), aidc_results_num(c->r, "pue.max"));
    return 1;
}

static int fig_grid(const ctx *c, figure *f)
{
    const double *price = ts_col(c, "price_usd_per_mwh"), *ci = ts_col(c, "carbon_g_per_kwh");
    bool carbon = any_finite(ci, c->n);
    double pmax = max_of(price, c->n), pmin = INFINITY;
    for (size_t i = 0; price && i < c->n; i++)
        if (isfinite(price[i]) && price[i] < pmin) pmin = price[i];
    bool varies = any_finite(price, c->n) && pmax > pmin;
    if ((!varies && !carbon) || c->n < 2) return 0;
    bool both = varies && carbon;
    fig_init(f, "grid",
             both     ? "Energy price and carbon intensity"
             : varies ? "Energy price"
                      : "Carbon intensity");
    time_axis(f);
    const aidc_axis price_axis = {.kind = AIDC_AXIS_LINEAR,
                                  .title = "Energy price",
                                  .unit = "USD/MWh",
                                  .lo = NAN,
                                  .hi = NAN,
                                  .zero = true};
    const aidc_axis carbon_axis = {.kind = AIDC_AXIS_LINEAR,
                                   .title = "Carbon intensity",
                                   .unit = "gCO2/kWh",
                                   .lo = NAN,
                                   .hi = NAN,
                                   .zero = true};
    aidc_series *s;
    if (varies) {
        f->ch.y = price_axis;
        s = fig_series(f, AIDC_SERIES_STEP, C_PRICE, 0,
                       both ? "Energy price (left)" : "Energy price");
        s->x = c->t;
        s->y = price;
        s->n = c->n;
    }
    if (carbon) { /* on the right beside a price, else alone on the left */
        if (both)
            f->ch.y2 = carbon_axis;
        else
            f->ch.y = carbon_axis;
        s = fig_series(f, AIDC_SERIES_LINE, C_CARBON, both ? 1 : 0,
                       both ? "Grid carbon intensity (right)" : "Grid carbon intensity");
        s->x = c->t;
        s->y = ci;
        s->n = c->n;
        s->width = 1.2;
    }
    char a[48];
    aidc_label_usd(aidc_results_num(c->r, "cost_usd.energy"), a, sizeof a);
    if (varies)
        cap(f, "The energy price at each sample (time-of-use tariff, %.0f to %.0f USD/MWh)", pmin,
            pmax);
    else if (any_finite(price, c->n))
        cap(f, "A flat energy price of %.0f USD/MWh (not drawn)", pmax);
    else
        cap(f, "No energy price in timeseries.csv");
    if (carbon)
        cap(f, " and the grid's hourly carbon intensity (mean %.0f gCO2/kWh)", mean_of(ci, c->n));
    cap(f, ". Energy cost %s", a);
    double co2 = aidc_results_num(c->r, "carbon_t");
    if (carbon && isfinite(co2)) cap(f, "; emissions %.1f t CO2", co2);
    cap(f, ".");
    return 1;
}

/* A CDF through at most CDF_POINTS order statistics of sorted v, starting at
 * (lo, share of values below lo). Returns the point count, -1 when out of
 * memory. */
static long cdf_points(figure *f, const double *v, size_t n, double lo, double **x, double **y)
{
    size_t k = n < CDF_POINTS ? n : CDF_POINTS;
    *x = fig_doubles(f, k + 1);
    *y = fig_doubles(f, k + 1);
    if (!*x || !*y) return -1;
    size_t below = 0;
    while (below < n && v[below] < lo)
        below++;
    size_t m = 0;
    (*x)[m] = lo;
    (*y)[m++] = (double)below / (double)n;
    for (size_t j = 0; j < k; j++) {
        size_t idx = (j + 1) * n / k - 1;
        if (v[idx] < lo) continue;
        (*x)[m] = v[idx];
        (*y)[m++] = (double)(idx + 1) / (double)n;
    }
    return (long)m;
}

static int fig_cdf(const ctx *c, figure *f)
{
    const aidc_jobs_table *jt = &c->r->jobs;
    fig_init(f, "cdf", "Wait and job completion time");
    double *w = fig_doubles(f, jt->n), *j = fig_doubles(f, jt->n);
    if (!w || !j) return -1;
    size_t nw = 0, nj = 0;
    for (size_t i = 0; i < jt->n; i++) {
        const aidc_job_row *r = &jt->rows[i];
        if ((r->state == 'd' || r->state == 'r') && isfinite(r->wait_s)) w[nw++] = r->wait_s;
        if (r->state == 'd' && isfinite(r->jct_s)) j[nj++] = r->jct_s;
    }
    if (nw == 0 && nj == 0) return 0;
    qsort(w, nw, sizeof *w, cmp_double);
    qsort(j, nj, sizeof *j, cmp_double);
    double minpos = INFINITY;
    for (size_t i = 0; i < nw; i++)
        if (w[i] > 0) {
            minpos = w[i];
            break;
        }
    for (size_t i = 0; i < nj; i++)
        if (j[i] > 0) {
            minpos = fmin(minpos, j[i]);
            break;
        }
    if (!isfinite(minpos)) minpos = 1;
    double lo = pow(10, floor(log10(minpos) + 1e-9));
    f->ch.x =
        (aidc_axis){.kind = AIDC_AXIS_LOG_TIME, .title = "Time (log scale)", .lo = lo, .hi = NAN};
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                          .title = "Share of jobs",
                          .unit = "%",
                          .mul = 100,
                          .lo = 0,
                          .hi = 1};
    double *x, *y;
    long m;
    if (nw) {
        if ((m = cdf_points(f, w, nw, lo, &x, &y)) < 0) return -1;
        aidc_series *s =
            fig_series(f, AIDC_SERIES_STEP, C_WAIT, 0, "Wait (%zu jobs that started)", nw);
        s->x = x;
        s->y = y;
        s->n = (size_t)m;
    }
    if (nj) {
        if ((m = cdf_points(f, j, nj, lo, &x, &y)) < 0) return -1;
        aidc_series *s =
            fig_series(f, AIDC_SERIES_STEP, C_JCT, 0, "Job completion time (%zu finished)", nj);
        s->x = x;
        s->y = y;
        s->n = (size_t)m;
    }
    size_t zero = 0;
    while (zero < nw && w[zero] <= 0)
        zero++;
    char a[32], b[32], d[32], e[32];
    cap(f, "Cumulative share of jobs by wait (start - submit) and completion time (end - submit), "
           "on a "
           "log time axis.");
    if (nw) {
        fmt_dur(quantile(w, nw, 0.5), a, sizeof a);
        fmt_dur(quantile(w, nw, 0.95), b, sizeof b);
        cap(f,
            " %.1f%% of started jobs did not wait at all (the wait curve starts there); median "
            "wait %s, "
            "95th percentile %s.",
            100.0 * (double)zero / (double)nw, a, b);
    }
    if (nj) {
        fmt_dur(quantile(j, nj, 0.5), d, sizeof d);
        fmt_dur(quantile(j, nj, 0.95), e, sizeof e);
        cap(f, " Completion time: median %s, 95th percentile %s.", d, e);
    }
    return 1;
}

typedef struct tenant_stats {
    double *gpu_h, *mean_w, *p95_w;
    size_t *jobs;
} tenant_stats;

static int tenant_compute(const ctx *c, figure *f, tenant_stats *ts)
{
    const aidc_jobs_table *jt = &c->r->jobs;
    size_t nt = jt->n_tenants;
    ts->gpu_h = fig_doubles(f, nt);
    ts->mean_w = fig_doubles(f, nt);
    ts->p95_w = fig_doubles(f, nt);
    ts->jobs = fig_alloc(f, nt, sizeof(size_t));
    double *waits = malloc((jt->n ? jt->n : 1) * sizeof *waits);
    size_t *start = calloc(nt + 1, sizeof *start);
    if (!ts->gpu_h || !ts->mean_w || !ts->p95_w || !ts->jobs || !waits || !start) {
        free(waits);
        free(start);
        return -1;
    }
    double end = aidc_results_num(c->r, "simulated_s");
    /* waits grouped by tenant: count, then place */
    for (size_t i = 0; i < jt->n; i++) {
        const aidc_job_row *r = &jt->rows[i];
        if ((r->state == 'd' || r->state == 'r') && isfinite(r->wait_s)) start[r->tenant + 1]++;
    }
    for (size_t k = 0; k < nt; k++)
        start[k + 1] += start[k];
    size_t *fill = calloc(nt ? nt : 1, sizeof *fill);
    if (!fill) {
        free(waits);
        free(start);
        return -1;
    }
    for (size_t i = 0; i < jt->n; i++) {
        const aidc_job_row *r = &jt->rows[i];
        if (r->state != 'd' && r->state != 'r') continue;
        ts->jobs[r->tenant]++;
        double stop = r->state == 'd' ? r->end_s : end;
        if (isfinite(stop) && isfinite(r->start_s) && isfinite(r->gpus))
            ts->gpu_h[r->tenant] += r->gpus * (stop - r->start_s) / 3600;
        if (isfinite(r->wait_s)) waits[start[r->tenant] + fill[r->tenant]++] = r->wait_s;
    }
    for (size_t k = 0; k < nt; k++) {
        double *v = waits + start[k];
        size_t n = start[k + 1] - start[k];
        qsort(v, n, sizeof *v, cmp_double);
        ts->mean_w[k] = n ? mean_of(v, n) : NAN;
        ts->p95_w[k] = quantile(v, n, 0.95);
    }
    free(fill);
    free(waits);
    free(start);
    return 0;
}

static int fig_tenant_usage(const ctx *c, figure *f)
{
    const aidc_jobs_table *jt = &c->r->jobs;
    size_t nt = jt->n_tenants;
    if (nt == 0) return 0;
    fig_init(f, "tenant_usage", "GPU-hours by tenant");
    f->h = 320;
    tenant_stats ts;
    if (tenant_compute(c, f, &ts)) return -1;
    uint32_t *rgb = fig_alloc(f, nt, sizeof *rgb);
    if (!rgb) return -1;
    for (size_t k = 0; k < nt; k++)
        rgb[k] = aidc_palette(k);
    f->ch.x = (aidc_axis){.kind = AIDC_AXIS_CATEGORY,
                          .title = "Tenant",
                          .categories = (const char *const *)jt->tenants,
                          .n_categories = nt};
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                          .title = "GPU-hours",
                          .si = AIDC_SI_LABEL,
                          .lo = NAN,
                          .hi = NAN,
                          .zero = true};
    aidc_series *s = fig_series(f, AIDC_SERIES_BARS, 0, 0, NULL);
    s->y = ts.gpu_h;
    s->n = nt;
    s->rgbs = rgb;
    s->value_labels = true;
    double total = 0;
    for (size_t k = 0; k < nt; k++)
        total += ts.gpu_h[k];
    cap(f,
        "GPU-hours each tenant's jobs held (GPUs x run time, to the end of the run for jobs still "
        "running), %.0f in all:",
        total);
    for (size_t k = 0; k < nt && k < 12; k++) {
        cap(f, "%s %s %.1f%% (%zu jobs)", k ? ";" : "", jt->tenants[k],
            total > 0 ? 100 * ts.gpu_h[k] / total : 0, ts.jobs[k]);
    }
    cap(f, "%s.", nt > 12 ? "; ..." : "");
    return 1;
}

static int fig_tenant_wait(const ctx *c, figure *f)
{
    const aidc_jobs_table *jt = &c->r->jobs;
    size_t nt = jt->n_tenants;
    if (nt == 0) return 0;
    fig_init(f, "tenant_wait", "Waiting by tenant");
    f->h = 320;
    tenant_stats ts;
    if (tenant_compute(c, f, &ts)) return -1;
    if (!any_finite(ts.mean_w, nt)) return 0;
    f->ch.x = (aidc_axis){.kind = AIDC_AXIS_CATEGORY,
                          .title = "Tenant",
                          .categories = (const char *const *)jt->tenants,
                          .n_categories = nt};
    f->ch.y =
        (aidc_axis){.kind = AIDC_AXIS_TIME, .title = "Wait", .lo = NAN, .hi = NAN, .zero = true};
    aidc_series *s = fig_series(f, AIDC_SERIES_BARS, C_MEAN, 0, "Mean wait");
    s->y = ts.mean_w;
    s->n = nt;
    s->value_labels = true;
    s = fig_series(f, AIDC_SERIES_BARS, C_P95, 0, "95th percentile wait");
    s->y = ts.p95_w;
    s->n = nt;
    s->value_labels = true;
    cap(f, "Mean and 95th-percentile wait (start - submit) of each tenant's jobs that started.");
    size_t worst = 0;
    for (size_t k = 1; k < nt; k++)
        if (ts.p95_w[k] > ts.p95_w[worst]) worst = k;
    char a[32];
    fmt_dur(ts.p95_w[worst], a, sizeof a);
    if (nt > 1)
        cap(f, " The longest tail is %s's: 95%% of its jobs started within %s.", jt->tenants[worst],
            a);
    return 1;
}

static int fig_cost(const ctx *c, figure *f)
{
    static const char *const keys[] = {"capex_systems", "capex_network", "capex_facility",
                                       "energy",        "demand",        "fixed"};
    static const char *const names[] = {"Systems (amortized)",  "Network (amortized)",
                                        "Facility (amortized)", "Energy",
                                        "Demand charges",       "Fixed costs"};
    enum { N = sizeof keys / sizeof keys[0] };
    double total = aidc_results_num(c->r, "cost_usd.total");
    if (!isfinite(total)) return 0;
    fig_init(f, "cost", "Cost breakdown");
    f->h = 300;
    double *v = fig_doubles(f, N);
    uint32_t *rgb = fig_alloc(f, N, sizeof *rgb);
    if (!v || !rgb) return -1;
    for (size_t k = 0; k < N; k++) {
        char path[64];
        snprintf(path, sizeof path, "cost_usd.%s", keys[k]);
        v[k] = aidc_results_num(c->r, path);
        rgb[k] = aidc_palette(k);
    }
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_CATEGORY, .categories = names, .n_categories = N};
    f->ch.x = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                          .title = "Cost over the simulated time",
                          .unit = "USD",
                          .si = AIDC_SI_LABEL,
                          .label_prefix = "$",
                          .lo = NAN,
                          .hi = NAN,
                          .zero = true};
    aidc_series *s = fig_series(f, AIDC_SERIES_BARS, 0, 0, NULL);
    s->y = v;
    s->n = N;
    s->rgbs = rgb;
    s->value_labels = true;
    char a[32], b[32], d[32], e[32];
    aidc_label_usd(total, a, sizeof a);
    exact_duration(aidc_results_num(c->r, "simulated_s"), b, sizeof b);
    aidc_label_usd(aidc_results_num(c->r, "cost_usd.per_gpu_hour"), d, sizeof d);
    aidc_label_usd(aidc_results_num(c->r, "cost_usd.per_mwh"), e, sizeof e);
    cap(f,
        "What the %s simulated cost: %s in all, %s per GPU-hour delivered and %s per MWh at the "
        "meter. "
        "Systems, network and facility are capital costs amortized over their lives and prorated "
        "to "
        "the simulated time.",
        b, a, d, e);
    return 1;
}

static int fig_racks(const ctx *c, figure *f)
{
    const aidc_numtable *rk = &c->r->racks;
    if (rk->cols < 2 || rk->rows < 2) return 0;
    size_t nx = rk->rows, ny = rk->cols - 1;
    fig_init(f, "racks", "Rack IT power");
    time_axis(f);
    double *z = fig_doubles(f, nx * ny), *edge = fig_doubles(f, nx + 1);
    char **names = fig_alloc(f, ny, sizeof *names);
    char *text = fig_alloc(f, ny, 24);
    if (!z || !edge || !names || !text) return -1;
    const double *t = rk->col[0];
    double peak = -INFINITY;
    size_t hot = 0;
    for (size_t i = 0; i < ny; i++) {
        snprintf(text + 24 * i, 24, "%s", rk->names[i + 1]);
        for (char *p = text + 24 * i; *p; p++)
            if (*p == '_') *p = ' ';
        names[i] = text + 24 * i;
        for (size_t j = 0; j < nx; j++) {
            z[i * nx + j] = rk->col[i + 1][j] * 1e3;
            if (z[i * nx + j] > peak) {
                peak = z[i * nx + j];
                hot = i;
            }
        }
    }
    for (size_t j = 0; j < nx; j++)
        edge[j] = t[j];
    edge[nx] = t[nx - 1] + (t[nx - 1] - t[nx - 2]);
    f->heat = (aidc_heatmap){
        .z = z, .nx = nx, .ny = ny, .x = edge, .title = "Rack IT power", .unit = "W"};
    f->ch.heat = &f->heat;
    f->ch.y = (aidc_axis){.kind = AIDC_AXIS_CATEGORY,
                          .title = "Rack",
                          .categories = (const char *const *)names,
                          .n_categories = ny};
    char a[48], b[48];
    fmt_w(peak, a, sizeof a);
    exact_duration(t[1] - t[0], b, sizeof b);
    cap(f,
        "IT power of each of the %zu racks (rows) over time, one column per %s; where racks or "
        "times are more than the pixels, a cell shows the highest value it covers. Highest: %s in "
        "%s.",
        ny, b, a, names[hot]);
    double budget = aidc_results_num(c->r, "inputs.power.rack_budget_kw");
    if (isfinite(budget)) {
        fmt_w(budget * 1e3, a, sizeof a);
        cap(f, " Rack budget %s.", a);
    }
    return 1;
}

/* ---- the HTML ------------------------------------------------------------ */

static const char css[] =
    "body{margin:0;background:#f6f6f4;color:#222;font:15px/1.45 system-ui,-apple-system,'Segoe UI',"
    "Roboto,'DejaVu Sans',sans-serif}\n"
    "main{max-width:960px;margin:0 auto;padding:24px 20px 48px;background:#fff}\n"
    "h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid "
    "#ddd;"
    "padding-bottom:4px}\n"
    "p.meta{color:#555;margin:0 0 16px}\n"
    "table{border-collapse:collapse;width:100%;margin:6px 0}\n"
    "th,td{text-align:left;vertical-align:top;padding:5px 8px;border-bottom:1px solid #e6e6e6}\n"
    "th{width:28%;font-weight:600;color:#333}\n"
    "td.num{font-variant-numeric:tabular-nums}\n"
    ".warn{border-left:4px solid #d55e00;background:#fff4ec;padding:8px 14px;margin:12px 0}\n"
    ".warn ul{margin:4px 0 0;padding-left:20px}\n"
    "figure{margin:18px 0 26px}\n"
    "figure svg{display:block;max-width:100%;height:auto;border:1px solid #eee}\n"
    "figcaption{color:#333;font-size:14px;margin-top:6px}\n"
    "figcaption a{margin-left:6px}\n"
    "nav ul{columns:2;padding-left:20px}\n"
    "code{font-family:'DejaVu Sans Mono',monospace;font-size:13px}\n"
    "footer{color:#666;font-size:13px;margin-top:36px}\n"
    "@media print{body{background:#fff}main{padding:0}figure{break-inside:avoid}}\n";

static void row(aidc_strbuf *h, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void row(aidc_strbuf *h, const char *key, const char *fmt, ...)
{
    char v[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    aidc_strbuf_puts(h, "<tr><th>");
    aidc_strbuf_escaped(h, key);
    aidc_strbuf_puts(h, "</th><td class=\"num\">");
    aidc_strbuf_escaped(h, v);
    aidc_strbuf_puts(h, "</td></tr>\n");
}

static void inputs_table(aidc_strbuf *h, const aidc_results *r)
{
    char a[64], b[64];
    aidc_strbuf_puts(h, "<h2 id=\"scenario\">Scenario</h2>\n<table>\n");
    const char *s;
    if ((s = aidc_results_str(r, "scenario"))) row(h, "Scenario", "%s", s);
    if ((s = aidc_results_str(r, "policy"))) row(h, "Scheduling policy", "%s", s);
    double seed = aidc_results_num(r, "seed");
    if (isfinite(seed)) row(h, "Seed", "%.0f", seed);
    const char *sys = aidc_results_str(r, "cluster.system"),
               *gpu = aidc_results_str(r, "cluster.gpu");
    double gpus = aidc_results_num(r, "cluster.gpus"), nodes = aidc_results_num(r, "cluster.nodes"),
           racks = aidc_results_num(r, "cluster.racks");
    if (isfinite(gpus))
        row(h, "Cluster", "%.0f %s GPUs in %.0f %s nodes, %.0f racks", gpus, gpu ? gpu : "", nodes,
            sys ? sys : "", racks);
    double hz = aidc_results_num(r, "inputs.horizon_s");
    exact_duration(hz, a, sizeof a);
    row(h, "Horizon", "%s", isfinite(hz) ? a : "until every job has finished");
    double si = aidc_results_num(r, "inputs.sample_interval_s");
    if (isfinite(si)) {
        exact_duration(si, a, sizeof a);
        exact_duration(aidc_results_num(r, "inputs.racks_interval_s"), b, sizeof b);
        row(h, "Sampling", "every %s (timeseries.csv); racks every %s (racks.csv)", a, b);
    }
    const char *wl = aidc_results_str(r, "inputs.workload");
    if (wl) {
        const char *tr = aidc_results_str(r, "inputs.trace");
        row(h, "Workload", "%s%s%s, %.0f jobs", wl, tr ? " " : "", tr ? tr : "",
            aidc_results_num(r, "jobs.in_workload"));
    }
    static const struct {
        const char *key, *label;
        double mul;
    } lim[] = {{"inputs.power.rack_budget_kw", "Rack budget", 1e3},
               {"inputs.power.row_budget_kw", "Row budget", 1e3},
               {"inputs.power.facility_it_cap_mw", "Facility IT cap", 1e6},
               {"inputs.power.site_cap_mw", "Site cap", 1e6},
               {"inputs.grid.interconnect_mw", "Interconnect limit", 1e6}};
    bool any_limit = false;
    for (size_t k = 0; k < sizeof lim / sizeof lim[0]; k++) {
        double v = aidc_results_num(r, lim[k].key);
        if (!isfinite(v)) continue;
        fmt_w(v * lim[k].mul, a, sizeof a);
        row(h, lim[k].label, "%s", a);
        any_limit = true;
    }
    if (any_limit) {
        const char *resp = aidc_results_str(r, "inputs.power.response");
        if (resp)
            row(h, "Response to a limit", "%s",
                strcmp(resp, "power_cap") == 0 ? "cap running GPUs to one common level"
                                               : "refuse starts that would break it");
    }
    const cJSON *dr = aidc_results_item(r, "inputs.grid.demand_response");
    int n_dr = cJSON_IsArray(dr) ? cJSON_GetArraySize(dr) : 0;
    for (int i = 0; i < n_dr; i++) {
        const cJSON *e = cJSON_GetArrayItem(dr, i);
        const cJSON *x0 = cJSON_GetObjectItemCaseSensitive(e, "start_s");
        const cJSON *x1 = cJSON_GetObjectItemCaseSensitive(e, "end_s");
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(e, "limit_mw");
        if (!cJSON_IsNumber(x0) || !cJSON_IsNumber(x1) || !cJSON_IsNumber(l)) continue;
        char c0[32], c1[32];
        fmt_dur(x0->valuedouble, c0, sizeof c0);
        fmt_dur(x1->valuedouble, c1, sizeof c1);
        fmt_w(l->valuedouble * 1e6, a, sizeof a);
        row(h, "Demand response", "%s to %s: at most %s", c0, c1, a);
    }
    const char *ct = aidc_results_str(r, "inputs.cooling.type");
    if (ct) {
        const char *wf = aidc_results_str(r, "inputs.cooling.weather");
        double capkw = aidc_results_num(r, "inputs.cooling.capacity_kw");
        fmt_w(capkw * 1e3, a, sizeof a);
        row(h, "Cooling", "%s%s%s%s%s", ct, wf ? ", weather " : ", constant outdoor conditions",
            wf ? wf : "", isfinite(capkw) ? ", capacity " : "", isfinite(capkw) ? a : "");
    }
    const char *fab = aidc_results_str(r, "inputs.fabric");
    if (fab) row(h, "Network fabric", "%s", fab);
    aidc_strbuf_puts(h, "</table>\n");
}

static void summary_table(aidc_strbuf *h, const aidc_results *r)
{
    char a[48], b[48], c[48], d[48];
    aidc_strbuf_puts(h, "<h2 id=\"summary\">Summary</h2>\n<table>\n");
    row(h, "Jobs", "%.0f submitted, %.0f completed; at the end %.0f running, %.0f queued",
        aidc_results_num(r, "jobs.submitted"), aidc_results_num(r, "jobs.completed"),
        aidc_results_num(r, "jobs.running_at_end"), aidc_results_num(r, "jobs.queued_at_end"));
    static const char *const stat_keys[] = {"wait_s", "jct_s"};
    static const char *const stat_names[] = {"Wait (start - submit)", "Job completion time"};
    for (int k = 0; k < 2; k++) {
        char path[64];
        double v[4];
        static const char *const q[] = {"mean", "p50", "p95", "p99"};
        for (int i = 0; i < 4; i++) {
            snprintf(path, sizeof path, "%s.%s", stat_keys[k], q[i]);
            v[i] = aidc_results_num(r, path);
        }
        fmt_dur(v[0], a, sizeof a);
        fmt_dur(v[1], b, sizeof b);
        fmt_dur(v[2], c, sizeof c);
        fmt_dur(v[3], d, sizeof d);
        row(h, stat_names[k], "mean %s, median %s, p95 %s, p99 %s", a, b, c, d);
    }
    row(h, "Bounded slowdown", "mean %.2f, p95 %.2f", aidc_results_num(r, "slowdown.mean"),
        aidc_results_num(r, "slowdown.p95"));
    row(h, "GPU utilization", "%.1f%%, %.0f GPU-hours delivered",
        100 * aidc_results_num(r, "gpu_utilization.mean"),
        aidc_results_num(r, "gpu_hours_delivered"));
    row(h, "Mean queue length", "%.1f jobs", aidc_results_num(r, "queue_length_mean"));
    double fac = aidc_results_num(r, "energy_mwh.facility");
    if (isfinite(fac))
        row(h, "Energy at the meter", "%.1f MWh: IT %.1f, cooling %.1f, losses %.1f, other %.1f",
            fac, aidc_results_num(r, "energy_mwh.it"), aidc_results_num(r, "energy_mwh.cooling"),
            aidc_results_num(r, "energy_mwh.losses"), aidc_results_num(r, "energy_mwh.misc"));
    double fp = aidc_results_num(r, "power_mw.facility_peak");
    if (isfinite(fp)) {
        fmt_w(aidc_results_num(r, "power_mw.it_peak") * 1e6, a, sizeof a);
        fmt_w(fp * 1e6, b, sizeof b);
        fmt_w(aidc_results_num(r, "power_mw.facility_mean") * 1e6, c, sizeof c);
        fmt_w(aidc_results_num(r, "grid.peak_15min_mw") * 1e6, d, sizeof d);
        row(h, "Power", "IT peak %s; facility peak %s, mean %s; highest 15-minute average %s", a, b,
            c, d);
    }
    double pm = aidc_results_num(r, "pue.mean");
    if (isfinite(pm))
        row(h, "PUE", "mean %.3f, highest held %.3f", pm, aidc_results_num(r, "pue.max"));
    double tot = aidc_results_num(r, "cost_usd.total");
    if (isfinite(tot)) {
        aidc_label_usd(tot, a, sizeof a);
        aidc_label_usd(aidc_results_num(r, "cost_usd.per_gpu_hour"), b, sizeof b);
        aidc_label_usd(aidc_results_num(r, "cost_usd.per_mwh"), c, sizeof c);
        row(h, "Cost", "%s in all; %s per GPU-hour, %s per MWh", a, b, c);
    }
    double co2 = aidc_results_num(r, "carbon_t");
    if (co2 > 0) row(h, "Carbon", "%.1f t CO2", co2); /* 0 also when no carbon series was given */
    double th = aidc_results_num(r, "throttled_gpu_hours"),
           cu = aidc_results_num(r, "curtailed_gpu_hours");
    if (isfinite(th) || isfinite(cu))
        row(h, "Throughput lost",
            "%.1f GPU-hours to the cooling limit, %.1f to power budgets and demand "
            "response",
            th, cu);
    double pre = aidc_results_num(r, "grid.preemptions"),
           ref = aidc_results_num(r, "grid.power_refusals");
    if (isfinite(pre)) {
        const cJSON *met = aidc_results_item(r, "grid.demand_response_met");
        row(h, "Grid", "%.0f preemptions, %.0f starts refused for power; demand response %s", pre,
            ref,
            cJSON_IsTrue(met)    ? "met"
            : cJSON_IsFalse(met) ? "NOT met"
                                 : "n/a");
    }
    double ns = aidc_results_num(r, "network.mean_slowdown");
    if (isfinite(ns))
        row(h, "Network",
            "mean slowdown %.3f, p95 %.3f over %.0f multi-node jobs; %.0f across leaf groups", ns,
            aidc_results_num(r, "network.p95_slowdown"),
            aidc_results_num(r, "network.multi_node_jobs"),
            aidc_results_num(r, "network.cross_spine_jobs"));
    aidc_strbuf_puts(h, "</table>\n");
}

static void warnings_box(aidc_strbuf *h, const aidc_results *r)
{
    const cJSON *w = aidc_results_item(r, "warnings");
    int n = cJSON_IsArray(w) ? cJSON_GetArraySize(w) : 0;
    if (n == 0) return;
    aidc_strbuf_puts(h, "<div class=\"warn\" id=\"warnings\"><strong>Warnings</strong>\n<ul>\n");
    for (int i = 0; i < n; i++) {
        const cJSON *e = cJSON_GetArrayItem(w, i);
        if (!cJSON_IsString(e)) continue;
        aidc_strbuf_puts(h, "<li>");
        aidc_strbuf_escaped(h, e->valuestring);
        aidc_strbuf_puts(h, "</li>\n");
    }
    aidc_strbuf_puts(h, "</ul></div>\n");
}

/* ---- writing ------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void rmtree(const char *path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static int write_text(const char *path, const aidc_strbuf *b, char *err, size_t errlen)
{
    if (b->oom) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    size_t put = b->len ? fwrite(b->s, 1, b->len, f) : 0;
    int bad = put != b->len || ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

/* Draws one figure into dir_tmp as SVG (kept for the page), PNG and PDF. */
static int emit(figure *f, const char *dir_tmp, const aidc_report_opts *o, aidc_strbuf *page,
                char *err, size_t errlen)
{
    char path[4400];
    aidc_canvas_kind kinds[3] = {AIDC_CANVAS_SVG, AIDC_CANVAS_PNG, AIDC_CANVAS_PDF};
    const char *ext[3] = {"svg", "png", "pdf"};
    for (int k = 0; k < 3; k++) {
        if ((k == 1 && o->no_png) || (k == 2 && !o->pdf)) continue;
        aidc_canvas *cv = aidc_canvas_create(kinds[k], f->w, f->h, f->name);
        if (!cv) {
            snprintf(err, errlen, "%s/%s.%s: cannot create the drawing surface", dir_tmp, f->name,
                     ext[k]);
            return -1;
        }
        aidc_canvas_set_title(cv, f->title);
        snprintf(path, sizeof path, "%s/%s.%s", dir_tmp, f->name, ext[k]);
        int rc = aidc_chart_render(&f->ch, cv, 0, 0, f->w, f->h);
        if (rc)
            snprintf(err, errlen, "%s: out of memory", path);
        else
            rc = aidc_canvas_write(cv, path, err, errlen);
        if (rc == 0 && k == 0) {
            size_t n;
            const char *svg = aidc_canvas_svg(cv, &n);
            aidc_strbuf_printf(page, "<figure id=\"%s\">\n", f->name);
            aidc_strbuf_put(page, svg, n);
            aidc_strbuf_puts(page, "<figcaption>");
            aidc_strbuf_escaped(page, f->caption);
            aidc_strbuf_printf(page, " <a href=\"charts/%s.svg\">SVG</a>", f->name);
            if (!o->no_png) aidc_strbuf_printf(page, " <a href=\"charts/%s.png\">PNG</a>", f->name);
            if (o->pdf) aidc_strbuf_printf(page, " <a href=\"charts/%s.pdf\">PDF</a>", f->name);
            aidc_strbuf_puts(page, "</figcaption>\n</figure>\n");
        }
        aidc_canvas_destroy(cv);
        if (rc) return -1;
    }
    return 0;
}

typedef int (*fig_fn)(const ctx *, figure *);

static const struct {
    fig_fn fn;
    const char *name, *absent; /* absent: why a chart may be missing */
} figures[] = {
    {fig_utilization, "utilization", "no utilization samples"},
    {fig_power, "power", "no power samples"},
    {fig_pue, "pue", "no PUE samples"},
    {fig_grid, "grid", "the energy price is flat and there is no carbon series"},
    {fig_cdf, "cdf", "no job started"},
    {fig_tenant_usage, "tenant_usage", "no tenants"},
    {fig_tenant_wait, "tenant_wait", "no job started"},
    {fig_cost, "cost", "no cost figures in summary.json"},
    {fig_racks, "racks", "no racks.csv in the directory"},
};
enum { N_FIGURES = sizeof figures / sizeof figures[0] };

int aidc_report_write(const char *dir, const aidc_report_opts *opts, size_t *n_charts, char *err,
                      size_t errlen)
{
    aidc_report_opts defaults = {0};
    const aidc_report_opts *o = opts ? opts : &defaults;
    aidc_results r;
    if (aidc_results_load(&r, dir, err, errlen)) return -1;
    ctx c = {.r = &r, .t = aidc_numtable_col(&r.ts, "time_s"), .n = r.ts.rows};
    double si = aidc_results_num(&r, "inputs.sample_interval_s");
    if (!isfinite(si) && c.n >= 2) si = c.t[1] - c.t[0];
    exact_duration(si, c.interval, sizeof c.interval);

    char tmp[4300], html_tmp[4300], path[4300], old[4300];
    long pid = (long)getpid();
    snprintf(tmp, sizeof tmp, "%s/.charts.tmp-%ld", dir, pid);
    snprintf(html_tmp, sizeof html_tmp, "%s/.report.html.tmp-%ld", dir, pid);
    rmtree(tmp);
    if (mkdir(tmp, 0777) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        aidc_results_fini(&r);
        return -1;
    }

    aidc_strbuf page = {0}, figs = {0};
    char skipped[1024] = "";
    size_t drawn = 0;
    int rc = 0;
    figure *f = malloc(sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
    for (size_t k = 0; k < N_FIGURES && rc == 0; k++) {
        memset(f, 0, sizeof *f);
        int got = figures[k].fn(&c, f);
        if (got < 0) {
            snprintf(err, errlen, "%s: out of memory drawing %s", dir, figures[k].name);
            rc = -1;
        } else if (got == 0) {
            size_t len = strlen(skipped);
            snprintf(skipped + len, sizeof skipped - len, "%s%s (%s)", len ? "; " : "",
                     figures[k].name, figures[k].absent);
        } else if (emit(f, tmp, o, &figs, err, errlen)) {
            rc = -1;
        } else {
            drawn++;
        }
        fig_fini(f);
    }
    free(f);

    if (rc == 0) {
        const char *name = aidc_results_str(&r, "scenario");
        aidc_strbuf_puts(
            &page, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>aidcsim report: ");
        aidc_strbuf_escaped(&page, name ? name : "");
        aidc_strbuf_puts(&page, "</title>\n<style>\n");
        aidc_strbuf_puts(&page, css);
        aidc_strbuf_puts(&page, "</style>\n</head>\n<body>\n<main>\n<h1>");
        aidc_strbuf_escaped(&page, name ? name : "aidcsim run");
        aidc_strbuf_puts(&page, "</h1>\n<p class=\"meta\">aidcsim ");
        const char *ver = aidc_results_str(&r, "aidcsim_version");
        aidc_strbuf_escaped(&page, ver ? ver : "?");
        aidc_strbuf_printf(&page, " &middot; summary format %.0f &middot; %zu charts</p>\n",
                           aidc_results_num(&r, "format"), drawn);
        warnings_box(&page, &r);
        inputs_table(&page, &r);
        summary_table(&page, &r);
        aidc_strbuf_puts(&page, "<h2 id=\"charts\">Charts</h2>\n");
        aidc_strbuf_put(&page, figs.s ? figs.s : "", figs.len);
        if (skipped[0]) {
            aidc_strbuf_puts(&page, "<p>Not drawn: ");
            aidc_strbuf_escaped(&page, skipped);
            aidc_strbuf_puts(&page, ".</p>\n");
        }
        aidc_strbuf_puts(
            &page, "<h2 id=\"files\">Files</h2>\n<ul>\n"
                   "<li><a href=\"summary.json\">summary.json</a>: every figure above, with its "
                   "documented key</li>\n"
                   "<li><a href=\"timeseries.csv\">timeseries.csv</a>: one row per sample "
                   "(utilization, queue, power by part, PUE, weather, price, carbon)</li>\n"
                   "<li><a href=\"jobs.csv\">jobs.csv</a>: one row per job (submit, start, end, "
                   "wait, JCT, GPUs, tenant, state)</li>\n");
        if (r.racks.cols)
            aidc_strbuf_puts(&page,
                             "<li><a href=\"racks.csv\">racks.csv</a>: IT power of every rack "
                             "(kW), one row per hour</li>\n");
        aidc_strbuf_puts(&page,
                         "<li><a href=\"charts/\">charts/</a>: each chart as SVG and PNG</li>\n"
                         "</ul>\n<footer>Regenerate with <code>aidcsim report DIR</code>. Colours: "
                         "the Okabe&ndash;Ito palette, readable with the common colour-vision "
                         "deficiencies; the rack heatmap uses viridis.</footer>\n"
                         "</main>\n</body>\n</html>\n");
        rc = write_text(html_tmp, &page, err, errlen);
    }
    aidc_strbuf_fini(&page);
    aidc_strbuf_fini(&figs);
    aidc_results_fini(&r);
    aidc_canvas_release_fonts();

    /* swap in: charts/ first, report.html last */
    if (rc == 0) {
        snprintf(path, sizeof path, "%s/charts", dir);
        snprintf(old, sizeof old, "%s/.charts.old-%ld", dir, pid);
        rmtree(old);
        struct stat st;
        bool had = lstat(path, &st) == 0;
        if (had && rename(path, old) != 0) {
            snprintf(err, errlen, "%s: cannot replace: %s", path, strerror(errno));
            rc = -1;
        } else if (rename(tmp, path) != 0) {
            snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
            if (had) rename(old, path);
            rc = -1;
        } else {
            snprintf(path, sizeof path, "%s/report.html", dir);
            if (rename(html_tmp, path) != 0) {
                snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
                rc = -1;
            }
            if (had) rmtree(old);
        }
    }
    if (rc) {
        rmtree(tmp);
        unlink(html_tmp);
    }
    if (rc == 0 && n_charts) *n_charts = drawn;
    return rc;
}

int aidc_cmd_report(int argc, char **argv)
{
    aidc_report_opts o = {0};
    const char *dir = NULL;
    bool quiet = false;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(aidc_report_usage, stdout);
            return 0;
        } else if (strcmp(a, "--pdf") == 0) {
            o.pdf = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = true;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "aidcsim report: unknown option \"%s\"\n\n%s", a, aidc_report_usage);
            return 2;
        } else if (!dir) {
            dir = a;
        } else {
            fprintf(stderr, "aidcsim report: unexpected argument \"%s\"\n\n%s", a,
                    aidc_report_usage);
            return 2;
        }
    }
    if (!dir) {
        fprintf(stderr, "aidcsim report: missing DIR\n\n%s", aidc_report_usage);
        return 2;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "aidcsim: %s: not a directory%s%s\n", dir, errno ? ": " : "",
                errno ? strerror(errno) : "");
        return 2;
    }
    char err[4096];
    size_t n = 0;
    if (aidc_report_write(dir, &o, &n, err, sizeof err)) {
        fprintf(stderr, "aidcsim: %s\n", err);
        return 2;
    }
    if (!quiet) printf("%s/report.html: %zu charts in %s/charts/\n", dir, n, dir);
    return 0;
}
