/* place_chart — the chart of `aidcsim place`: GPU allocation ratio against arrived
 * demand, one line per placement strategy. A module of its own because the chart
 * layer's names (plots/chart.h) and the scenario's (models/grid.h) clash.
 * Units: percentages of cluster GPU capacity. */
#ifndef AIDC_SIM_PLACE_CHART_H
#define AIDC_SIM_PLACE_CHART_H

#include <stddef.h>

/* Draws dir/charts/allocation.{svg,png} (dir/charts must exist): n_series lines over
 * x[0..np), y[s * np + k] the ratio of series s at x[k], labelled names[s] and coloured
 * by colour_index[s] (0 first-fit, 1 best-fit, 2 fgd). Returns 0, or -1 with a message. */
int aidc_place_chart(const char *dir, const char *title, const char *const *names,
                     const int *colour_index, size_t n_series, const double *x, const double *y,
                     size_t np, char *err, size_t errlen);

#endif
