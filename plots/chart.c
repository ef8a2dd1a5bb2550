/* chart — layout and drawing of one chart; see chart.h. */
#include "plots/chart.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/scale.h"

#define TITLE_SIZE 15.0
#define AXIS_TITLE_SIZE 12.0
#define TICK_SIZE 11.0
#define LEGEND_SIZE 12.0
#define TEXT_RGB 0x222222u
#define MUTED_RGB 0x555555u
#define GRID_RGB 0xe2e2e2u
#define PAD 12.0
#define LEGEND_ROW 18.0
#define MIN_LABEL_GAP 8.0 /* px between neighbouring tick labels */
#define HEAT_MAX_COLUMNS 200
#define HEAT_LEVELS 64 /* colour steps: equal neighbours merge into one rectangle */

uint32_t aidc_palette(size_t i)
{
    static const uint32_t p[] = {AIDC_OI_BLUE,   AIDC_OI_ORANGE, AIDC_OI_GREEN,  AIDC_OI_VERMILLION,
                                 AIDC_OI_PURPLE, AIDC_OI_SKY,    AIDC_OI_YELLOW, AIDC_OI_BLACK};
    return p[i % (sizeof p / sizeof p[0])];
}

uint32_t aidc_viridis(double t)
{
    static const uint32_t stops[9] = {0x440154, 0x472c7a, 0x3b518b, 0x2c718e, 0x21908d,
                                      0x27ad81, 0x5cc863, 0xaadc32, 0xfde725};
    if (!(t > 0)) t = 0;
    if (t > 1) t = 1;
    double f = t * 8;
    int i = (int)floor(f);
    if (i >= 8) i = 7;
    double u = f - i;
    uint32_t out = 0;
    for (int sh = 16; sh >= 0; sh -= 8) {
        double a = (stops[i] >> sh) & 255, b = (stops[i + 1] >> sh) & 255;
        out |= (uint32_t)lround(a + (b - a) * u) << sh;
    }
    return out;
}

void aidc_chart_init(aidc_chart *ch, const char *title)
{
    memset(ch, 0, sizeof *ch);
    ch->title = title;
    aidc_axis *axes[3] = {&ch->x, &ch->y, &ch->y2};
    for (int i = 0; i < 3; i++) {
        axes[i]->lo = NAN;
        axes[i]->hi = NAN;
    }
}

aidc_series *aidc_chart_add(aidc_chart *ch, aidc_series_kind kind, const char *label, uint32_t rgb,
                            int axis)
{
    assert(ch && (axis == 0 || axis == 1));
    if (ch->n_series >= AIDC_CHART_MAX_SERIES) return NULL;
    aidc_series *s = &ch->series[ch->n_series++];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->label = label;
    s->rgb = rgb;
    s->axis = axis;
    return s;
}

/* ---- axes --------------------------------------------------------------- */

typedef struct axl {
    const aidc_axis *ax;
    bool used;
    double lo, hi; /* domain */
    double a,
        b; /* pixels of lo and hi (for categories: of the first and last band's outer edges) */
    aidc_ticks ticks;
    char title[192];
} axl;

static bool is_log(const axl *l)
{
    return l->ax->kind == AIDC_AXIS_LOG_TIME;
}

static double axis_t(const axl *l, double v)
{
    return is_log(l) ? log10(v) : v;
}

/* Data value to pixel. */
static double to_px(const axl *l, double v)
{
    double t0 = axis_t(l, l->lo), t1 = axis_t(l, l->hi);
    if (!(t1 > t0)) return (l->a + l->b) / 2;
    return l->a + (axis_t(l, v) - t0) / (t1 - t0) * (l->b - l->a);
}

/* The centre of category band i. */
static double band_px(const axl *l, size_t i, size_t n)
{
    return l->a + ((double)i + 0.5) * (l->b - l->a) / (double)n;
}

static void extend(double *lo, double *hi, double v)
{
    if (!isfinite(v)) return;
    if (v < *lo) *lo = v;
    if (v > *hi) *hi = v;
}

static bool bars_horizontal(const aidc_chart *ch)
{
    return ch->y.kind == AIDC_AXIS_CATEGORY;
}

/* The data range on axis `which` (0 x, 1 y, 2 y2); lo > hi when empty. */
static void data_range(const aidc_chart *ch, int which, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    bool horiz = bars_horizontal(ch);
    for (size_t k = 0; k < ch->n_series; k++) {
        const aidc_series *s = &ch->series[k];
        bool mine_y = which > 0 && s->axis == which - 1;
        switch (s->kind) {
        case AIDC_SERIES_LINE:
        case AIDC_SERIES_STEP:
        case AIDC_SERIES_AREA:
        case AIDC_SERIES_POINTS:
            for (size_t i = 0; i < s->n; i++) {
                if (!isfinite(s->y[i])) continue;
                if (which == 0)
                    extend(lo, hi, s->x[i]);
                else if (mine_y) {
                    extend(lo, hi, s->y[i]);
                    if (s->kind == AIDC_SERIES_AREA) extend(lo, hi, s->base ? s->base[i] : 0);
                }
            }
            break;
        case AIDC_SERIES_HLINE:
            if (mine_y) extend(lo, hi, s->value);
            break;
        case AIDC_SERIES_BAND:
            if (which == 0) {
                extend(lo, hi, s->x0);
                extend(lo, hi, s->x1);
            }
            break;
        case AIDC_SERIES_BARS:
            if ((horiz && which == 0) || (!horiz && mine_y)) {
                for (size_t i = 0; i < s->n; i++)
                    extend(lo, hi, s->y[i]);
                extend(lo, hi, 0);
                if (s->value_labels && *hi > 0)
                    *hi *= horiz ? 1.18 : 1.08; /* room for the labels */
            }
            break;
        }
    }
    if (which == 0 && ch->heat && ch->heat->nx) {
        extend(lo, hi, ch->heat->x[0]);
        extend(lo, hi, ch->heat->x[ch->heat->nx]);
    }
}

static bool axis_used(const aidc_chart *ch, int which)
{
    if (which < 2) return true;
    for (size_t k = 0; k < ch->n_series; k++)
        if (ch->series[k].axis == 1 && ch->series[k].kind != AIDC_SERIES_BAND) return true;
    return false;
}

/* Sets the domain of an axis: given bounds, else the data's, widened to
 * ticks except on a time x axis (a run's time axis spans exactly the run). */
static void resolve_domain(const aidc_chart *ch, int which, axl *l, int max_ticks)
{
    const aidc_axis *ax = l->ax;
    if (ax->kind == AIDC_AXIS_CATEGORY) {
        l->lo = 0;
        l->hi = (double)ax->n_categories;
        return;
    }
    double lo, hi;
    data_range(ch, which, &lo, &hi);
    if (ax->kind == AIDC_AXIS_LOG_TIME) {
        double plo = INFINITY;
        for (size_t k = 0; k < ch->n_series; k++) { /* smallest positive x */
            const aidc_series *s = &ch->series[k];
            if (which == 0 && (s->kind == AIDC_SERIES_LINE || s->kind == AIDC_SERIES_STEP))
                for (size_t i = 0; i < s->n; i++)
                    if (s->x[i] > 0 && s->x[i] < plo) plo = s->x[i];
        }
        lo = plo;
        if (!(hi > 0) || !isfinite(lo)) {
            lo = 1;
            hi = 86400;
        }
        if (isfinite(ax->lo) && ax->lo > 0) lo = ax->lo;
        if (isfinite(ax->hi) && ax->hi > lo) hi = ax->hi;
        l->lo = pow(10, floor(log10(lo) + 1e-9));
        l->hi = pow(10, ceil(log10(hi) - 1e-9));
        if (!(l->hi > l->lo)) l->hi = l->lo * 10;
        return;
    }
    if (ax->zero) extend(&lo, &hi, 0);
    bool auto_lo = !isfinite(ax->lo), auto_hi = !isfinite(ax->hi);
    if (!auto_lo) lo = ax->lo;
    if (!auto_hi) hi = ax->hi;
    if (!(lo <= hi)) {
        lo = 0;
        hi = 1;
    }
    bool exact = which == 0 && ax->kind == AIDC_AXIS_TIME && hi > lo;
    if (!exact && (auto_lo || auto_hi)) {
        double nlo = lo, nhi = hi;
        if (ax->kind == AIDC_AXIS_TIME)
            aidc_time_domain(&nlo, &nhi, max_ticks);
        else
            aidc_nice_domain(&nlo, &nhi, max_ticks);
        if (auto_lo) lo = nlo;
        if (auto_hi) hi = nhi;
    }
    if (!(hi > lo)) hi = lo + 1;
    l->lo = lo;
    l->hi = hi;
}

/* "Power (kW)"; "kW" alone when the axis has no title; "Power" without a unit. */
static void titled(axl *l, const char *title, const char *prefix, const char *unit)
{
    if (!unit[0] && !prefix[0])
        snprintf(l->title, sizeof l->title, "%s", title);
    else if (!title[0])
        snprintf(l->title, sizeof l->title, "%s%s", prefix, unit);
    else
        snprintf(l->title, sizeof l->title, "%s (%s%s)", title, prefix, unit);
}

/* Fills ticks and the axis title for the domain. A category axis keeps
 * every k-th name so that neighbours do not touch (its pixels a, b must be
 * set); along_x says the names sit side by side rather than stacked. */
static void make_ticks(axl *l, int max_ticks, bool along_x)
{
    const aidc_axis *ax = l->ax;
    const char *unit = ax->unit ? ax->unit : "";
    const char *title = ax->title ? ax->title : "";
    double mul = ax->mul > 0 ? ax->mul : 1;
    aidc_ticks *t = &l->ticks;
    t->n = 0;
    if (ax->hide_labels) {
        titled(l, title, "", unit);
        return;
    }
    switch (ax->kind) {
    case AIDC_AXIS_CATEGORY: {
        size_t n = ax->n_categories;
        double need = TICK_SIZE + 3, spacing = n ? fabs(l->b - l->a) / (double)n : 0;
        if (along_x)
            for (size_t i = 0; i < n; i++)
                need = fmax(need, aidc_text_width(ax->categories[i], TICK_SIZE, 0) + MIN_LABEL_GAP);
        size_t k = spacing > 0 ? (size_t)ceil(need / spacing) : 1;
        if (k < 1) k = 1;
        while ((n + k - 1) / k > AIDC_TICKS_MAX)
            k++;
        for (size_t i = 0; i < n; i += k) {
            t->v[t->n] = (double)i;
            snprintf(t->label[t->n], AIDC_TICK_LABEL, "%s", ax->categories[i]);
            t->n++;
        }
        snprintf(l->title, sizeof l->title, "%s", title);
        return;
    }
    case AIDC_AXIS_TIME: {
        double unit_s;
        const char *u = aidc_time_unit(l->lo, l->hi, &unit_s);
        aidc_ticks_time(l->lo, l->hi, max_ticks, t);
        titled(l, title, "", u);
        return;
    }
    case AIDC_AXIS_LOG_TIME:
        aidc_ticks_log_time(l->lo, l->hi, max_ticks, t);
        snprintf(l->title, sizeof l->title, "%s", title);
        return;
    case AIDC_AXIS_LINEAR:
        break;
    }
    double maxabs = fmax(fabs(l->lo), fabs(l->hi)) * mul, div = 1;
    const char *prefix = ax->si != AIDC_SI_NONE ? aidc_si_prefix(maxabs, &div) : "";
    aidc_ticks_linear(l->lo, l->hi, max_ticks, mul, div, ax->si == AIDC_SI_LABEL ? prefix : NULL,
                      t);
    for (size_t i = 0; i < t->n; i++) {
        char tmp[AIDC_TICK_LABEL];
        if (t->v[i] == 0) snprintf(t->label[i], AIDC_TICK_LABEL, "0");
        if (ax->label_prefix) {
            snprintf(tmp, sizeof tmp, "%s%s", ax->label_prefix, t->label[i]);
            memcpy(t->label[i], tmp, sizeof tmp);
        }
    }
    if (ax->si == AIDC_SI_TITLE && (unit[0] || prefix[0]))
        titled(l, title, prefix, unit);
    else
        titled(l, title, "", unit);
}

static double widest_label(const aidc_ticks *t)
{
    double w = 0;
    for (size_t i = 0; i < t->n; i++)
        w = fmax(w, aidc_text_width(t->label[i], TICK_SIZE, 0));
    return w;
}

/* Whether the x tick labels, centred on their ticks, keep apart. */
static bool x_labels_fit(const axl *l)
{
    const aidc_ticks *t = &l->ticks;
    for (size_t i = 0; i + 1 < t->n; i++) {
        double w0 = aidc_text_width(t->label[i], TICK_SIZE, 0);
        double w1 = aidc_text_width(t->label[i + 1], TICK_SIZE, 0);
        if (to_px(l, t->v[i + 1]) - to_px(l, t->v[i]) < (w0 + w1) / 2 + MIN_LABEL_GAP) return false;
    }
    return true;
}

/* ---- legend ------------------------------------------------------------- */

typedef struct legend_item {
    const char *label;
    uint32_t rgb;
    int style; /* 0 line, 1 square */
    aidc_dash dash;
    double opacity;
} legend_item;

static double item_width(const legend_item *it)
{
    return 22 + 6 + aidc_text_width(it->label, LEGEND_SIZE, 0) + 16;
}

/* Lays the items out in rows within width; draws them when cv is not NULL.
 * Returns the height. */
static double legend_layout(aidc_canvas *cv, const legend_item *items, size_t n, double x0,
                            double y0, double width)
{
    if (n == 0) return 0;
    double x = x0, y = y0;
    for (size_t i = 0; i < n; i++) {
        double w = item_width(&items[i]);
        if (x > x0 && x + w - 16 > x0 + width) {
            x = x0;
            y += LEGEND_ROW;
        }
        if (cv) {
            double mid = y + LEGEND_ROW / 2;
            if (items[i].style == 0) {
                aidc_canvas_move_to(cv, x, mid);
                aidc_canvas_line_to(cv, x + 22, mid);
                aidc_canvas_stroke(cv, items[i].rgb, 1, 2.5, items[i].dash);
            } else {
                aidc_canvas_rect(cv, x + 5, mid - 6, 12, 12);
                aidc_canvas_fill(cv, items[i].rgb, items[i].opacity);
            }
            aidc_canvas_text(cv, x + 28, mid + 4, items[i].label, LEGEND_SIZE, 0, AIDC_ANCHOR_START,
                             0, TEXT_RGB);
        }
        x += w;
    }
    return y - y0 + LEGEND_ROW;
}

double aidc_chart_legend(aidc_canvas *cv, double x, double y, double width,
                         const char *const *labels, const uint32_t *rgbs, size_t n)
{
    legend_item *items = calloc(n ? n : 1, sizeof *items);
    if (!items) return 0;
    for (size_t i = 0; i < n; i++)
        items[i] = (legend_item){labels[i], rgbs[i], 1, AIDC_DASH_NONE, 1};
    double h = legend_layout(cv, items, n, x, y, width);
    free(items);
    return h;
}

static double band_opacity(void)
{
    return 0.35;
}
static double area_opacity(void)
{
    return 0.85;
}

static size_t collect_legend(const aidc_chart *ch, legend_item *items)
{
    size_t n = 0;
    for (size_t k = 0; k < ch->n_series; k++) {
        const aidc_series *s = &ch->series[k];
        if (!s->label) continue;
        legend_item it = {s->label, s->rgb, 0, s->dash, 1};
        if (s->kind == AIDC_SERIES_AREA || s->kind == AIDC_SERIES_BARS || s->kind == AIDC_SERIES_POINTS) {
            it.style = 1;
            it.opacity = s->kind == AIDC_SERIES_AREA ? area_opacity() : 1;
        } else if (s->kind == AIDC_SERIES_BAND) {
            it.style = 1;
            it.opacity = band_opacity();
        }
        items[n++] = it;
    }
    return n;
}

/* ---- series ------------------------------------------------------------- */

typedef struct plot {
    double left, top, right, bottom; /* the plot rectangle */
    axl x, y[2];
} plot;

/* Moves along (x, y) with NaN as gaps; step holds each value to the next x. */
static void trace_path(aidc_canvas *cv, const plot *p, const axl *ya, const double *x,
                       const double *y, size_t n, bool step)
{
    bool down = false;
    double prev_py = 0;
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(y[i]) || !isfinite(x[i])) {
            down = false;
            continue;
        }
        double px = to_px(&p->x, x[i]), py = to_px(ya, y[i]);
        if (!down)
            aidc_canvas_move_to(cv, px, py);
        else {
            if (step) aidc_canvas_line_to(cv, px, prev_py);
            aidc_canvas_line_to(cv, px, py);
        }
        down = true;
        prev_py = py;
    }
}

/* Downsampled copies of a series for a plot pw pixels wide (or the input,
 * when short). Returns the count; *bx, *by are owned by the caller (free)
 * or NULL when nothing was allocated and x, y should be used as they are. */
static long reduce(const plot *p, const double *x, const double *y, size_t n, double **bx,
                   double **by)
{
    *bx = *by = NULL;
    size_t cols = (size_t)fmax(1, p->right - p->left);
    if (n <= 4 * cols || is_log(&p->x)) return (long)n;
    *bx = malloc(n * sizeof **bx);
    *by = malloc(n * sizeof **by);
    if (!*bx || !*by) {
        free(*bx);
        free(*by);
        *bx = *by = NULL;
        return -1;
    }
    return (long)aidc_downsample_m4(x, y, n, p->x.lo, p->x.hi, cols, *bx, *by);
}

static int draw_line(aidc_canvas *cv, const plot *p, const aidc_series *s)
{
    double *bx, *by;
    long m = reduce(p, s->x, s->y, s->n, &bx, &by);
    if (m < 0) return -1;
    trace_path(cv, p, &p->y[s->axis], bx ? bx : s->x, by ? by : s->y, (size_t)m,
               s->kind == AIDC_SERIES_STEP);
    aidc_canvas_stroke(cv, s->rgb, 1, s->width > 0 ? s->width : 1.5, s->dash);
    free(bx);
    free(by);
    return 0;
}

static int draw_area(aidc_canvas *cv, const plot *p, const aidc_series *s)
{
    const axl *ya = &p->y[s->axis];
    double *tx, *ty, *bx = NULL, *by = NULL;
    long mt = reduce(p, s->x, s->y, s->n, &tx, &ty);
    if (mt < 0) return -1;
    const double *TX = tx ? tx : s->x, *TY = ty ? ty : s->y;
    long mb = 0;
    if (s->base) {
        mb = reduce(p, s->x, s->base, s->n, &bx, &by);
        if (mb < 0) {
            free(tx);
            free(ty);
            return -1;
        }
    }
    const double *BX = bx ? bx : s->x, *BY = by ? by : s->base;
    bool any = false;
    double first_x = 0, last_x = 0;
    for (long i = 0; i < mt; i++) {
        if (!isfinite(TY[i])) continue;
        double px = to_px(&p->x, TX[i]), py = to_px(ya, TY[i]);
        if (!any) {
            aidc_canvas_move_to(cv, px, py);
            first_x = px;
        } else {
            aidc_canvas_line_to(cv, px, py);
        }
        last_x = px;
        any = true;
    }
    if (any) {
        if (s->base) {
            for (long i = mb - 1; i >= 0; i--)
                if (isfinite(BY[i])) aidc_canvas_line_to(cv, to_px(&p->x, BX[i]), to_px(ya, BY[i]));
        } else {
            double y0 = to_px(ya, fmax(ya->lo, fmin(0, ya->hi)));
            aidc_canvas_line_to(cv, last_x, y0);
            aidc_canvas_line_to(cv, first_x, y0);
        }
        aidc_canvas_close_path(cv);
        aidc_canvas_fill(cv, s->rgb, area_opacity());
    }
    free(tx);
    free(ty);
    free(bx);
    free(by);
    return 0;
}

static void format_value(const aidc_axis *ax, double v, char *buf, size_t n)
{
    if (ax->label_prefix && strcmp(ax->label_prefix, "$") == 0)
        aidc_label_usd(v, buf, n);
    else if (ax->kind == AIDC_AXIS_TIME)
        aidc_label_duration(v, buf, n);
    else if (ax->mul > 0 && ax->mul != 1) {
        char num[48];
        aidc_label_si(v * ax->mul, "", num, sizeof num);
        snprintf(buf, n, "%s%s", num, ax->unit ? ax->unit : "");
    } else
        aidc_label_si(v, ax->unit ? ax->unit : "", buf, n);
}

static void draw_bars(aidc_canvas *cv, const plot *p, const aidc_chart *ch, const aidc_series *s,
                      size_t group, size_t n_groups)
{
    bool horiz = bars_horizontal(ch);
    const axl *cat = horiz ? &p->y[0] : &p->x;
    const axl *val = horiz ? &p->x : &p->y[s->axis];
    size_t nc = cat->ax->n_categories;
    double band = (cat->b - cat->a) / (double)nc; /* may be negative (y grows down) */
    double inner = band * 0.72, bw = inner / (double)n_groups;
    for (size_t i = 0; i < nc && i < s->n; i++) {
        if (!isfinite(s->y[i])) continue;
        double c0 = cat->a + band * (double)i + (band - inner) / 2 + bw * (double)group;
        double v0 = to_px(val, fmax(val->lo, fmin(0, val->hi))), v1 = to_px(val, s->y[i]);
        uint32_t rgb = s->rgbs ? s->rgbs[i] : s->rgb;
        if (horiz)
            aidc_canvas_rect(cv, fmin(v0, v1), fmin(c0, c0 + bw), fabs(v1 - v0), fabs(bw));
        else
            aidc_canvas_rect(cv, fmin(c0, c0 + bw), fmin(v0, v1), fabs(bw), fabs(v1 - v0));
        aidc_canvas_fill(cv, rgb, 1);
        if (s->value_labels) {
            char txt[96];
            if (s->value_texts && s->value_texts[i])
                snprintf(txt, sizeof txt, "%s", s->value_texts[i]);
            else
                format_value(val->ax, s->y[i], txt, sizeof txt);
            if (horiz)
                aidc_canvas_text(cv, fmax(v0, v1) + 4, c0 + bw / 2 + TICK_SIZE * 0.35, txt,
                                 TICK_SIZE, 0, AIDC_ANCHOR_START, 0, TEXT_RGB);
            else
                aidc_canvas_text(cv, c0 + bw / 2, fmin(v0, v1) - 4, txt, TICK_SIZE, 0,
                                 AIDC_ANCHOR_MIDDLE, 0, TEXT_RGB);
        }
    }
}

/* ---- heatmap ------------------------------------------------------------ */

typedef struct heat_grid {
    size_t cols, rows;
    double *v;    /* rows x cols, the largest value of the cells each bin covers */
    double *edge; /* cols + 1 x edges */
    double zlo, zhi;
} heat_grid;

/* Bins the heatmap to at most max_cols x max_rows by taking maxima, so a hot
 * rack-hour is never averaged away. */
static int heat_bin(const aidc_heatmap *h, size_t max_cols, size_t max_rows, heat_grid *g)
{
    g->cols = h->nx < max_cols ? h->nx : max_cols;
    g->rows = h->ny < max_rows ? h->ny : max_rows;
    if (g->cols == 0) g->cols = 1;
    if (g->rows == 0) g->rows = 1;
    g->v = malloc(g->cols * g->rows * sizeof *g->v);
    g->edge = malloc((g->cols + 1) * sizeof *g->edge);
    if (!g->v || !g->edge) return -1;
    g->zlo = INFINITY;
    g->zhi = -INFINITY;
    for (size_t c = 0; c <= g->cols; c++)
        g->edge[c] = h->x[c * h->nx / g->cols];
    for (size_t r = 0; r < g->rows; r++) {
        size_t r0 = r * h->ny / g->rows, r1 = (r + 1) * h->ny / g->rows;
        for (size_t c = 0; c < g->cols; c++) {
            size_t c0 = c * h->nx / g->cols, c1 = (c + 1) * h->nx / g->cols;
            double m = NAN;
            for (size_t i = r0; i < r1; i++)
                for (size_t j = c0; j < c1; j++) {
                    double z = h->z[i * h->nx + j];
                    if (isfinite(z) && !(m >= z)) m = z;
                }
            g->v[r * g->cols + c] = m;
            extend(&g->zlo, &g->zhi, m);
        }
    }
    if (!(g->zlo <= g->zhi)) {
        g->zlo = 0;
        g->zhi = 1;
    }
    if (g->zlo > 0) g->zlo = 0;
    aidc_nice_domain(&g->zlo, &g->zhi, 6);
    return 0;
}

static int heat_level(const heat_grid *g, double z)
{
    if (!isfinite(z)) return -1;
    int k = (int)floor((z - g->zlo) / (g->zhi - g->zlo) * HEAT_LEVELS);
    return k < 0 ? 0 : k >= HEAT_LEVELS ? HEAT_LEVELS - 1 : k;
}

static uint32_t level_rgb(int k)
{
    return k < 0 ? 0xdddddd : aidc_viridis((k + 0.5) / HEAT_LEVELS);
}

static void draw_heat(aidc_canvas *cv, const plot *p, const heat_grid *g, size_t ny)
{
    const axl *cat = &p->y[0];
    double band = (cat->b - cat->a) / (double)g->rows;
    (void)ny;
    for (size_t r = 0; r < g->rows; r++) {
        double y0 = cat->a + band * (double)r;
        size_t c = 0;
        while (c < g->cols) {
            int k = heat_level(g, g->v[r * g->cols + c]);
            size_t e = c + 1;
            while (e < g->cols && heat_level(g, g->v[r * g->cols + e]) == k)
                e++;
            /* whole pixels: antialiased edges between cells would show as seams */
            double x0 = round(to_px(&p->x, g->edge[c])), x1 = round(to_px(&p->x, g->edge[e]));
            double top = round(fmin(y0, y0 + band)), bot = round(fmax(y0, y0 + band));
            aidc_canvas_rect(cv, x0, top, x1 - x0, bot - top);
            aidc_canvas_fill(cv, level_rgb(k), 1);
            c = e;
        }
    }
}

/* ---- rendering ---------------------------------------------------------- */

static int kind_order(aidc_series_kind k)
{
    switch (k) {
    case AIDC_SERIES_BAND:
        return 0;
    case AIDC_SERIES_AREA:
        return 1;
    case AIDC_SERIES_BARS:
        return 2;
    case AIDC_SERIES_LINE:
    case AIDC_SERIES_STEP:
        return 3;
    case AIDC_SERIES_HLINE:
        return 4;
    case AIDC_SERIES_POINTS:
        return 5;
    }
    return 6;
}

static bool has_data(const aidc_chart *ch)
{
    if (ch->heat && ch->heat->nx && ch->heat->ny) return true;
    for (size_t k = 0; k < ch->n_series; k++) {
        const aidc_series *s = &ch->series[k];
        if (s->kind == AIDC_SERIES_BAND || s->kind == AIDC_SERIES_HLINE) continue;
        for (size_t i = 0; i < s->n; i++)
            if (isfinite(s->y[i])) return true;
    }
    return false;
}

static double snap(double v)
{
    return floor(v) + 0.5;
}

static void draw_y_labels(aidc_canvas *cv, const plot *p, const axl *l, bool right)
{
    double x = right ? p->right + 6 : p->left - 6;
    aidc_anchor an = right ? AIDC_ANCHOR_START : AIDC_ANCHOR_END;
    const aidc_ticks *t = &l->ticks;
    if (l->ax->kind == AIDC_AXIS_CATEGORY) {
        for (size_t i = 0; i < t->n; i++)
            aidc_canvas_text(cv, x,
                             band_px(l, (size_t)t->v[i], l->ax->n_categories) + TICK_SIZE * 0.35,
                             t->label[i], TICK_SIZE, 0, an, 0, TEXT_RGB);
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        double py = to_px(l, t->v[i]);
        aidc_canvas_move_to(cv, right ? p->right : p->left - 4, snap(py));
        aidc_canvas_line_to(cv, right ? p->right + 4 : p->left, snap(py));
        aidc_canvas_stroke(cv, MUTED_RGB, 1, 1, AIDC_DASH_NONE);
        aidc_canvas_text(cv, x, py + TICK_SIZE * 0.35, t->label[i], TICK_SIZE, 0, an, 0, TEXT_RGB);
    }
}

int aidc_chart_render(const aidc_chart *ch, aidc_canvas *cv, double x, double y, double w, double h)
{
    assert(ch && cv && w > 0 && h > 0);
    for (size_t k = 0; k < ch->n_series; k++) {
        const aidc_series *s = &ch->series[k];
        assert(s->axis == 0 || s->axis == 1);
        assert(s->n == 0 || s->y);
        assert(s->n == 0 || s->kind == AIDC_SERIES_BARS || s->x);
        (void)s;
    }
    assert(ch->x.kind != AIDC_AXIS_CATEGORY || ch->x.categories || ch->x.n_categories == 0);
    assert(ch->y.kind != AIDC_AXIS_CATEGORY || ch->y.categories || ch->y.n_categories == 0);
    int rc = 0;
    plot p;
    memset(&p, 0, sizeof p);
    p.x.ax = &ch->x;
    p.y[0].ax = &ch->y;
    p.y[1].ax = &ch->y2;
    p.y[1].used = axis_used(ch, 2);
    const aidc_heatmap *heat = ch->heat && ch->heat->nx && ch->heat->ny ? ch->heat : NULL;

    legend_item items[AIDC_CHART_MAX_SERIES] = {{0}};
    size_t n_items = collect_legend(ch, items);
    double legend_h = legend_layout(NULL, items, n_items, x + PAD, y + 30, w - 2 * PAD);

    p.top = y + (ch->title ? 30 : 10) + (n_items ? legend_h + 10 : 0) + 8;
    p.bottom = y + h - (ch->x.title ? 40 : 24);
    double ph = p.bottom - p.top;

    /* y axes: ticks depend only on the height */
    int y_max = (int)(ph / 30) + 1;
    y_max = y_max < 2 ? 2 : y_max > 10 ? 10 : y_max;
    double side_w[2] = {0, 0};
    for (int k = 0; k < 2; k++) {
        if (!p.y[k].used && k == 1) continue;
        p.y[k].used = true;
        resolve_domain(ch, k + 1, &p.y[k], y_max);
        p.y[k].a = p.bottom;
        p.y[k].b = p.top;
        if (p.y[k].ax->kind == AIDC_AXIS_CATEGORY) { /* first category at the top */
            p.y[k].a = p.top;
            p.y[k].b = p.bottom;
        }
        make_ticks(&p.y[k], y_max, false);
        side_w[k] = widest_label(&p.y[k].ticks) + 6 + (p.y[k].title[0] ? 22 : 0);
    }
    p.left = x + PAD + side_w[0];
    double right_w = p.y[1].used ? side_w[1] + PAD : 18;
    heat_grid g = {0};
    if (heat) {
        if (heat_bin(heat, HEAT_MAX_COLUMNS, (size_t)fmax(1, ph / 2), &g)) {
            free(g.v);
            free(g.edge);
            return -1;
        }
        char lbl[64];
        aidc_label_si(g.zhi, heat->unit, lbl, sizeof lbl);
        right_w = 14 + 14 + 6 + aidc_text_width(lbl, TICK_SIZE, 0) + 22 + PAD;
    }
    p.right = x + w - right_w;

    /* x axis: as many ticks as fit without touching */
    resolve_domain(ch, 0, &p.x, 8);
    p.x.a = p.left;
    p.x.b = p.right;
    int x_max = (int)((p.right - p.left) / 50) + 1;
    if (x_max > AIDC_TICKS_MAX) x_max = AIDC_TICKS_MAX;
    if (ch->x.kind == AIDC_AXIS_LINEAR && (!isfinite(ch->x.lo) || !isfinite(ch->x.hi))) {
        /* a nice x domain depends on the tick count: settle both together */
        for (; x_max >= 2; x_max--) {
            resolve_domain(ch, 0, &p.x, x_max);
            make_ticks(&p.x, x_max, true);
            if (x_labels_fit(&p.x)) break;
        }
    } else {
        for (; x_max >= 2; x_max--) {
            make_ticks(&p.x, x_max, true);
            if (ch->x.kind == AIDC_AXIS_CATEGORY || x_labels_fit(&p.x)) break;
        }
    }

    /* grid */
    if (ch->y.kind != AIDC_AXIS_CATEGORY)
        for (size_t i = 0; i < p.y[0].ticks.n; i++) {
            double py = snap(to_px(&p.y[0], p.y[0].ticks.v[i]));
            aidc_canvas_move_to(cv, p.left, py);
            aidc_canvas_line_to(cv, p.right, py);
        }
    if (ch->x.kind != AIDC_AXIS_CATEGORY && !heat)
        for (size_t i = 0; i < p.x.ticks.n; i++) {
            double px = snap(to_px(&p.x, p.x.ticks.v[i]));
            aidc_canvas_move_to(cv, px, p.top);
            aidc_canvas_line_to(cv, px, p.bottom);
        }
    aidc_canvas_stroke(cv, GRID_RGB, 1, 1, AIDC_DASH_NONE);

    bool data = has_data(ch);
    aidc_canvas_clip(cv, p.left - 1, p.top - 2, p.right - p.left + 2, p.bottom - p.top + 3);
    if (heat) draw_heat(cv, &p, &g, heat->ny);
    size_t n_bar_groups = 0, bar_group = 0;
    for (size_t k = 0; k < ch->n_series; k++)
        n_bar_groups += ch->series[k].kind == AIDC_SERIES_BARS;
    for (int order = 0; order <= 5 && data; order++)
        for (size_t k = 0; k < ch->n_series; k++) {
            const aidc_series *s = &ch->series[k];
            if (kind_order(s->kind) != order) continue;
            const axl *ya = &p.y[s->axis ? 1 : 0];
            switch (s->kind) {
            case AIDC_SERIES_BAND: {
                double x0 = to_px(&p.x, s->x0), x1 = to_px(&p.x, s->x1);
                aidc_canvas_rect(cv, x0, p.top, fmax(x1 - x0, 1), p.bottom - p.top);
                aidc_canvas_fill(cv, s->rgb, band_opacity());
                break;
            }
            case AIDC_SERIES_AREA:
                if (draw_area(cv, &p, s)) rc = -1;
                break;
            case AIDC_SERIES_BARS:
                draw_bars(cv, &p, ch, s, bar_group++, n_bar_groups);
                break;
            case AIDC_SERIES_LINE:
            case AIDC_SERIES_STEP:
                if (draw_line(cv, &p, s)) rc = -1;
                break;
            case AIDC_SERIES_POINTS: {
                double side = s->width > 0 ? s->width : 6;
                for (size_t i = 0; i < s->n; i++) {
                    if (!isfinite(s->x[i]) || !isfinite(s->y[i])) continue;
                    aidc_canvas_rect(cv, to_px(&p.x, s->x[i]) - side / 2,
                                     to_px(ya, s->y[i]) - side / 2, side, side);
                    aidc_canvas_fill(cv, s->rgb, 1);
                }
                break;
            }
            case AIDC_SERIES_HLINE: {
                double py = to_px(ya, s->value);
                aidc_canvas_move_to(cv, p.left, py);
                aidc_canvas_line_to(cv, p.right, py);
                aidc_canvas_stroke(cv, s->rgb, 1, s->width > 0 ? s->width : 1.5,
                                   s->dash ? s->dash : AIDC_DASH_DASHED);
                break;
            }
            }
        }
    aidc_canvas_unclip(cv);
    if (!data) {
        const char *note = ch->empty_note ? ch->empty_note : "no data";
        aidc_canvas_text(cv, (p.left + p.right) / 2, (p.top + p.bottom) / 2, note, AXIS_TITLE_SIZE,
                         0, AIDC_ANCHOR_MIDDLE, 0, MUTED_RGB);
    }

    /* axes */
    aidc_canvas_move_to(cv, snap(p.left), p.top);
    aidc_canvas_line_to(cv, snap(p.left), snap(p.bottom));
    aidc_canvas_line_to(cv, p.right, snap(p.bottom));
    if (p.y[1].used) {
        aidc_canvas_move_to(cv, snap(p.right), p.top);
        aidc_canvas_line_to(cv, snap(p.right), snap(p.bottom));
    }
    aidc_canvas_stroke(cv, MUTED_RGB, 1, 1, AIDC_DASH_NONE);
    draw_y_labels(cv, &p, &p.y[0], false);
    if (p.y[1].used) draw_y_labels(cv, &p, &p.y[1], true);
    const aidc_ticks *xt = &p.x.ticks;
    for (size_t i = 0; i < xt->n; i++) {
        double px = ch->x.kind == AIDC_AXIS_CATEGORY
                        ? band_px(&p.x, (size_t)xt->v[i], ch->x.n_categories)
                        : to_px(&p.x, xt->v[i]);
        if (ch->x.kind != AIDC_AXIS_CATEGORY) {
            aidc_canvas_move_to(cv, snap(px), snap(p.bottom));
            aidc_canvas_line_to(cv, snap(px), p.bottom + 4);
            aidc_canvas_stroke(cv, MUTED_RGB, 1, 1, AIDC_DASH_NONE);
        }
        aidc_canvas_text(cv, px, p.bottom + 16, xt->label[i], TICK_SIZE, 0, AIDC_ANCHOR_MIDDLE, 0,
                         TEXT_RGB);
    }
    /* axis titles */
    if (p.x.title[0])
        aidc_canvas_text(cv, (p.left + p.right) / 2, p.bottom + 33, p.x.title, AXIS_TITLE_SIZE, 0,
                         AIDC_ANCHOR_MIDDLE, 0, TEXT_RGB);
    if (p.y[0].title[0])
        aidc_canvas_text(cv, x + PAD + 11, (p.top + p.bottom) / 2, p.y[0].title, AXIS_TITLE_SIZE, 0,
                         AIDC_ANCHOR_MIDDLE, 1, TEXT_RGB);
    if (p.y[1].used && p.y[1].title[0])
        aidc_canvas_text(cv, x + w - PAD, (p.top + p.bottom) / 2, p.y[1].title, AXIS_TITLE_SIZE, 0,
                         AIDC_ANCHOR_MIDDLE, 1, TEXT_RGB);

    /* the heatmap's colour bar */
    if (heat) {
        double bx = p.right + 14, bh = p.bottom - p.top;
        for (int k = 0; k < HEAT_LEVELS; k++) {
            double y1 = p.bottom - bh * k / HEAT_LEVELS, y0 = p.bottom - bh * (k + 1) / HEAT_LEVELS;
            aidc_canvas_rect(cv, bx, y0, 14, y1 - y0 + 0.5);
            aidc_canvas_fill(cv, level_rgb(k), 1);
        }
        aidc_ticks zt;
        double div;
        const char *prefix = aidc_si_prefix(fmax(fabs(g.zlo), fabs(g.zhi)), &div);
        aidc_ticks_linear(g.zlo, g.zhi, (int)(bh / 30) + 1 > 8 ? 8 : (int)(bh / 30) + 1, 1, div,
                          NULL, &zt);
        for (size_t i = 0; i < zt.n; i++) {
            double py = p.bottom - (zt.v[i] - g.zlo) / (g.zhi - g.zlo) * bh;
            aidc_canvas_move_to(cv, bx + 14, snap(py));
            aidc_canvas_line_to(cv, bx + 18, snap(py));
            aidc_canvas_stroke(cv, MUTED_RGB, 1, 1, AIDC_DASH_NONE);
            aidc_canvas_text(cv, bx + 20, py + TICK_SIZE * 0.35, zt.label[i], TICK_SIZE, 0,
                             AIDC_ANCHOR_START, 0, TEXT_RGB);
        }
        char title[160];
        snprintf(title, sizeof title, "%s (%s%s)", heat->title ? heat->title : "", prefix,
                 heat->unit ? heat->unit : "");
        aidc_canvas_text(cv, x + w - PAD, (p.top + p.bottom) / 2, title, AXIS_TITLE_SIZE, 0,
                         AIDC_ANCHOR_MIDDLE, 1, TEXT_RGB);
        free(g.v);
        free(g.edge);
    }

    legend_layout(cv, items, n_items, x + PAD, y + 30, w - 2 * PAD);
    if (ch->title)
        aidc_canvas_text(cv, x + PAD, y + 22, ch->title, TITLE_SIZE, 1, AIDC_ANCHOR_START, 0,
                         TEXT_RGB);
    return rc;
}
