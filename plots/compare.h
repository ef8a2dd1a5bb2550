/* compare — the figure that compares scenarios metric by metric, for
 * `aidcsim compare`: one small bar chart per metric, one bar per scenario,
 * the baseline first, all on one canvas under a shared legend.
 *
 * Small multiples rather than one grouped chart, because the metrics have
 * different units (hours, percent, dollars, megawatt-hours): each panel gets
 * its own ticked axis in its own unit, and a scenario keeps its colour in
 * every panel. With up to three scenarios each candidate bar also says how
 * far it is from the baseline ("+12.5%").
 *
 * The caller owns every array; nothing is kept after a call returns.
 * Units: as given per metric. */
#ifndef AIDC_PLOTS_COMPARE_H
#define AIDC_PLOTS_COMPARE_H

#include <stdbool.h>
#include <stddef.h>

#include "plots/canvas.h"

typedef struct aidc_compare_metric {
    const char *name; /* panel title, e.g. "Mean wait" */
    /* the values' unit: "s" draws durations (s/min/h/d axis), "USD" money,
     * "%" values already in percent, any other SI unit ("W", "Wh", "t")
     * with prefixes, "" plain numbers */
    const char *unit;
} aidc_compare_metric;

typedef struct aidc_compare {
    const char *title;            /* of the whole figure */
    const char *const *scenarios; /* n_scenarios names; [0] is the baseline */
    size_t n_scenarios;
    const aidc_compare_metric *metrics;
    size_t n_metrics;
    const double *values; /* n_metrics x n_scenarios, row-major; NAN: not available */
} aidc_compare;

/* The canvas size the figure needs (px): three panels to a row. */
void aidc_compare_size(const aidc_compare *c, double *width, double *height);

/* Draws the figure on a canvas of aidc_compare_size. Returns 0, or -1 when
 * out of memory. */
int aidc_compare_render(const aidc_compare *c, aidc_canvas *cv);

/* Writes dir/stem.svg and dir/stem.png (and dir/stem.pdf when pdf). Returns
 * 0, or -1 with a message naming the file. svg_out (may be NULL) receives a
 * malloc'd copy of the SVG text for inlining in a report; the caller frees it. */
int aidc_compare_write(const aidc_compare *c, const char *dir, const char *stem, bool pdf,
                       char **svg_out, char *err, size_t errlen);

#endif
