/* compare_charts — the chart hook of `aidcsim compare` (aidc_cmp_chart_fn):
 * turns a finished comparison into one figure per scenario, drawn by
 * plots/compare, under DIR/charts/compare-NAME.svg and .png.
 *
 * It lives in sim/ because it reads sim/compare's report struct; plots/
 * takes plain arrays and knows nothing of the simulator. Units come from the
 * summary key: *_s are durations, *_mwh and *_mw are drawn in Wh and W with
 * SI prefixes, cost_usd.* in dollars, gpu_utilization.* in percent. */
#ifndef AIDC_SIM_COMPARE_CHARTS_H
#define AIDC_SIM_COMPARE_CHARTS_H

#include <stddef.h>

#include "sim/compare.h"

/* Writes dir/charts/compare-NAME.{svg,png} for every scenario of r (NAME
 * with characters other than letters, digits, '-', '_' and '.' replaced by
 * '_'). ctx is unused. Returns 0, or -1 with a message naming the file. */
int aidc_compare_charts(const aidc_cmp_report *r, const char *dir, void *ctx, char *err,
                        size_t errlen);

/* The unit a summary.json key is drawn in ("s", "W", "Wh", "USD", "%", "t"
 * or "") and the factor that brings its values there. Also used by sweeps. */
const char *aidc_summary_unit(const char *path, double *mul);

#endif
