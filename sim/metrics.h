/* metrics — reading results back out of summary.json, for sweeps and plans.
 *
 * A metric is named by its dotted path in summary.json ("wait_s.p95",
 * "grid.demand_response_met"), or a ratio of two paths
 * ("gpu_hours_delivered / cost_usd.total"). Booleans count as 1 and 0 so a
 * share of seeds can be averaged. Over the seeds of one point the mean and a
 * two-sided confidence interval come from Student's t distribution (GSL's
 * gsl_cdf_tdist_Pinv): with few seeds the interval is honest about noise,
 * which is what the planner's feasibility test relies on. One seed gives no
 * interval (NAN), never a made-up zero.
 * Units: whatever the summary key carries (its name says: _s, _mw, _usd). */
#ifndef AIDC_SIM_METRICS_H
#define AIDC_SIM_METRICS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define AIDC_METRIC_LEN 128

typedef struct aidc_metric {
    char text[2 * AIDC_METRIC_LEN + 4]; /* as written, spaces normalized: "a / b" */
    char num[AIDC_METRIC_LEN];          /* path of the value */
    char den[AIDC_METRIC_LEN];          /* path of the divisor; "" when none */
} aidc_metric;

/* Parses "path" or "path / path" (paths: letters, digits, '_' and '.'
 * separated segments). Returns 0, or -1 with the reason in why. */
int aidc_metric_parse(const char *text, aidc_metric *m, char *why, size_t n);

/* Looks up one dotted path in a parsed summary. A number or a boolean (1/0)
 * gives 0; anything else -1 with the reason in why. */
int aidc_metric_path_get(const cJSON *summary, const char *path, double *out, char *why, size_t n);

/* Evaluates m on a summary. A ratio with a zero divisor is an error. */
int aidc_metric_eval(const aidc_metric *m, const cJSON *summary, double *out, char *why, size_t n);

typedef struct aidc_seed_stats {
    size_t n;      /* values */
    double mean;   /* NAN when n == 0 */
    double sd;     /* sample standard deviation; NAN when n < 2 */
    double half;   /* half-width of the confidence interval; NAN when n < 2 */
    double lo, hi; /* mean -/+ half; both the mean when n < 2 */
    double min, max;
} aidc_seed_stats;

/* Mean and two-sided confidence interval at level (0.95: 95%) of x[0..n). */
void aidc_seed_stats_compute(const double *x, size_t n, double level, aidc_seed_stats *out);

/* Writes s as one CSV field, quoted when it holds a comma, quote or newline. */
void aidc_csv_field(FILE *f, const char *s);

/* Writes a number as a CSV field: "%.10g", empty for NAN. */
void aidc_csv_num(FILE *f, double v);

/* A number for JSON: cJSON number, or null for NAN/inf. Caller owns it. */
cJSON *aidc_json_num(double v);

/* Writes text to path through a temporary file renamed into place, so a
 * reader never sees half a file. Returns 0, or -1 with a message. */
int aidc_write_file_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen);

#endif
