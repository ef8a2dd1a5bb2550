/* compare — scenario comparison figure; see compare.h. */
#include "plots/compare.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"
#include "plots/scale.h"

#define COLS 3
#define PANEL_W 300.0
#define PANEL_H 250.0
#define TOP 34.0     /* the figure's title */
#define MAX_DELTAS 3 /* scenarios up to which bars carry the change from the baseline */

static double legend_height(const aidc_compare *c, uint32_t *rgb)
{
    for (size_t i = 0; i < c->n_scenarios; i++)
        rgb[i] = aidc_palette(i);
    return aidc_chart_legend(NULL, 12, 0, COLS * PANEL_W - 24, c->scenarios, rgb, c->n_scenarios);
}

void aidc_compare_size(const aidc_compare *c, double *width, double *height)
{
    uint32_t *rgb = calloc(c->n_scenarios ? c->n_scenarios : 1, sizeof *rgb);
    double lh = rgb ? legend_height(c, rgb) : 18;
    free(rgb);
    size_t rows = (c->n_metrics + COLS - 1) / COLS;
    *width = COLS * PANEL_W;
    *height = TOP + lh + 8 + (double)(rows ? rows : 1) * PANEL_H;
}

/* "+12.5%", "-3.1%", "+0.0%"; "" when there is nothing to compare with. */
static void delta_text(double base, double v, char *buf, size_t n)
{
    if (!isfinite(base) || !isfinite(v) || base == 0) {
        buf[0] = '\0';
        return;
    }
    double d = 100 * (v - base) / fabs(base);
    snprintf(buf, n, "%+.1f%%", fabs(d) < 0.05 ? 0.0 : d);
}

static void axis_for(const aidc_compare_metric *m, aidc_axis *ax)
{
    const char *u = m->unit ? m->unit : "";
    *ax = (aidc_axis){.kind = AIDC_AXIS_LINEAR, .lo = NAN, .hi = NAN, .zero = true};
    if (strcmp(u, "s") == 0) {
        ax->kind = AIDC_AXIS_TIME;
    } else if (strcmp(u, "USD") == 0) {
        ax->unit = "USD";
        ax->si = AIDC_SI_LABEL;
        ax->label_prefix = "$";
    } else if (strcmp(u, "%") == 0 || u[0] == '\0') {
        ax->unit = u;
        ax->si = u[0] ? AIDC_SI_NONE : AIDC_SI_LABEL;
    } else {
        ax->unit = u;
        ax->si = AIDC_SI_TITLE;
    }
}

int aidc_compare_render(const aidc_compare *c, aidc_canvas *cv)
{
    size_t ns = c->n_scenarios;
    uint32_t *rgb = calloc(ns ? ns : 1, sizeof *rgb);
    char(*texts)[48] = calloc(ns ? ns : 1, sizeof *texts);
    const char **tp = calloc(ns ? ns : 1, sizeof *tp);
    if (!rgb || !texts || !tp) {
        free(rgb);
        free(texts);
        free(tp);
        return -1;
    }
    double lh = legend_height(c, rgb);
    if (c->title) aidc_canvas_text(cv, 12, 22, c->title, 16, 1, AIDC_ANCHOR_START, 0, 0x222222);
    aidc_chart_legend(cv, 12, TOP, COLS * PANEL_W - 24, c->scenarios, rgb, ns);
    int rc = 0;
    for (size_t m = 0; m < c->n_metrics && rc == 0; m++) {
        const double *v = c->values + m * ns;
        aidc_chart ch;
        aidc_chart_init(&ch, c->metrics[m].name);
        ch.x = (aidc_axis){.kind = AIDC_AXIS_CATEGORY,
                           .categories = c->scenarios,
                           .n_categories = ns,
                           .lo = NAN,
                           .hi = NAN,
                           .hide_labels = true};
        axis_for(&c->metrics[m], &ch.y);
        aidc_series *s = aidc_chart_add(&ch, AIDC_SERIES_BARS, NULL, 0, 0);
        s->y = v;
        s->n = ns;
        s->rgbs = rgb;
        /* past six bars a panel is too narrow for a label on each */
        s->value_labels = ns <= 6;
        if (ns >= 2 && ns <= MAX_DELTAS) {
            for (size_t i = 0; i < ns; i++) {
                tp[i] = NULL;
                if (i == 0) continue;
                char d[24];
                delta_text(v[0], v[i], d, sizeof d);
                if (!d[0]) continue;
                /* the value as the axis would print it, then the change */
                char val[40];
                if (ch.y.kind == AIDC_AXIS_TIME)
                    aidc_label_duration(v[i], val, sizeof val);
                else if (ch.y.label_prefix)
                    aidc_label_usd(v[i], val, sizeof val);
                else
                    aidc_label_si(v[i], ch.y.unit ? ch.y.unit : "", val, sizeof val);
                snprintf(texts[i], sizeof texts[i], "%s (%s)", val, d);
                tp[i] = texts[i];
            }
            s->value_texts = tp;
        }
        double x = (double)(m % COLS) * PANEL_W, y = TOP + lh + 8 + (double)(m / COLS) * PANEL_H;
        rc = aidc_chart_render(&ch, cv, x, y, PANEL_W, PANEL_H);
    }
    free(rgb);
    free(texts);
    free(tp);
    return rc;
}

int aidc_compare_write(const aidc_compare *c, const char *dir, const char *stem, bool pdf,
                       char **svg_out, char *err, size_t errlen)
{
    double w, h;
    aidc_compare_size(c, &w, &h);
    aidc_canvas_kind kinds[3] = {AIDC_CANVAS_SVG, AIDC_CANVAS_PNG, AIDC_CANVAS_PDF};
    const char *ext[3] = {"svg", "png", "pdf"};
    char path[4400];
    if (svg_out) *svg_out = NULL;
    for (int k = 0; k < (pdf ? 3 : 2); k++) {
        snprintf(path, sizeof path, "%s/%s.%s", dir, stem, ext[k]);
        aidc_canvas *cv = aidc_canvas_create(kinds[k], w, h, stem);
        if (!cv) {
            snprintf(err, errlen, "%s: cannot create the drawing surface", path);
            return -1;
        }
        aidc_canvas_set_title(cv, c->title ? c->title : "Comparison");
        int rc = aidc_compare_render(c, cv);
        if (rc)
            snprintf(err, errlen, "%s: out of memory", path);
        else
            rc = aidc_canvas_write(cv, path, err, errlen);
        if (rc == 0 && k == 0 && svg_out) {
            size_t n;
            const char *s = aidc_canvas_svg(cv, &n);
            *svg_out = s ? malloc(n + 1) : NULL;
            if (*svg_out)
                memcpy(*svg_out, s, n + 1);
            else {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = -1;
            }
        }
        aidc_canvas_destroy(cv);
        if (rc) {
            if (svg_out) {
                free(*svg_out);
                *svg_out = NULL;
            }
            aidc_canvas_release_fonts();
            return -1;
        }
    }
    aidc_canvas_release_fonts();
    return 0;
}
