/* compare — the CI regression gate: one scenario suite run under a baseline
 * and a candidate policy (or two existing output directories), chosen
 * summary.json metrics set side by side, and a verdict per scenario x metric.
 *
 * A metric is a dotted path into summary.json ("wait_s.p95") with a direction
 * (lower or higher is better) and a tolerance band: relative (a fraction of
 * |baseline|), absolute (in the metric's own unit), or both, in which case the
 * wider band applies. A change that is worse than the band is REGRESSED, one
 * that is better than the band is "better", anything inside it is "ok". The
 * band is symmetric on purpose: a CI gate should not celebrate noise either.
 * Trade-off: a relative band around a zero baseline is zero wide, so any
 * worsening of a metric that was 0 regresses; give an absolute term too
 * ("rel" and "abs") when a metric can be 0.
 *
 * The numbers come only from summary.json files, never from the running
 * simulation, so run mode and --baseline-dir/--candidate-dir mode give the
 * same tables by construction. Units: whatever the summary key carries
 * (wait_s in seconds, energy_mwh in MWh, ...). Exit status of the command:
 * 0 no regression, 1 a regression, 2 bad input, 3 internal error. */
#ifndef AIDC_SIM_COMPARE_H
#define AIDC_SIM_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define AIDC_CMP_PATH_MAX 128
#define AIDC_CMP_FORMAT 1 /* compare.json "format"; changes when a key changes meaning */

typedef enum aidc_cmp_better {
    AIDC_CMP_UNKNOWN = 0, /* not in the table of known metrics and not given */
    AIDC_CMP_LOWER,
    AIDC_CMP_HIGHER
} aidc_cmp_better;

typedef enum aidc_cmp_verdict {
    AIDC_CMP_OK = 0,
    AIDC_CMP_BETTER,
    AIDC_CMP_REGRESSED
} aidc_cmp_verdict;

typedef struct aidc_cmp_metric {
    char path[AIDC_CMP_PATH_MAX]; /* "wait_s.p95" */
    aidc_cmp_better better;
    double rel; /* fraction of |baseline| (0.05 = 5%); < 0 when not given */
    double abs; /* in the metric's unit; < 0 when not given */
} aidc_cmp_metric;

/* A growable list of metrics; caller-owned storage, _init/_fini. */
typedef struct aidc_cmp_metrics {
    aidc_cmp_metric *v;
    size_t n, cap;
} aidc_cmp_metrics;

/* One scenario x metric. change_pct is NAN when the baseline is 0 and the
 * candidate is not (no finite relative change exists). */
typedef struct aidc_cmp_check {
    double baseline, candidate;
    double change;     /* candidate - baseline */
    double change_pct; /* 100 * change / |baseline|; 0 when both are 0 */
    double allowed;    /* the half-width of the tolerance band */
    aidc_cmp_verdict verdict;
} aidc_cmp_check;

/* One scenario: its name, what each side's summary.json says it ran, and one
 * check per metric, in the order of the report's metric list. */
typedef struct aidc_cmp_scenario {
    char *name;
    char *policy[2]; /* summary "policy" of baseline [0] and candidate [1] */
    long long seed[2];
    aidc_cmp_check *checks;
} aidc_cmp_scenario;

typedef struct aidc_cmp_report {
    const char *label[2]; /* baseline, candidate: the policy or directory as given */
    const aidc_cmp_metric *metrics;
    size_t n_metrics;
    aidc_cmp_scenario *scen;
    size_t n_scen;
    size_t n_ok, n_better, n_regressed;
} aidc_cmp_report;

/* The chart hook: called once per compare with the finished report (per
 * scenario, the baseline and candidate value of every metric in
 * scen[i].checks[0..n_metrics)) and the temporary output directory, before it
 * is renamed into place, so charts written under dir/charts/ appear
 * atomically with compare.json. Returns 0, or -1 with a message. No chart
 * layer is linked yet: aidc_cmd_compare passes NULL. */
typedef int (*aidc_cmp_chart_fn)(const aidc_cmp_report *r, const char *dir, void *ctx, char *err,
                                 size_t errlen);

/* ---- metrics and tolerances --------------------------------------------- */

void aidc_cmp_metrics_init(aidc_cmp_metrics *m);
void aidc_cmp_metrics_fini(aidc_cmp_metrics *m);

/* Adds m, or replaces the entry with the same path when replace is true.
 * Returns 0, 1 when the path is already there and replace is false (nothing
 * changed), -1 out of memory. */
int aidc_cmp_metrics_put(aidc_cmp_metrics *list, const aidc_cmp_metric *m, bool replace);

/* The default metric set, used when neither --tolerances nor --metric is
 * given (its tolerances are documented in the README). */
int aidc_cmp_metrics_defaults(aidc_cmp_metrics *list);

/* The direction of a summary.json path from the table of known metrics
 * (exact keys, then "prefix.*" families), AIDC_CMP_UNKNOWN when not there. */
aidc_cmp_better aidc_cmp_known_direction(const char *path);

/* Whether path is a well-formed metric path: identifiers ([A-Za-z0-9_]+)
 * joined by single dots, shorter than AIDC_CMP_PATH_MAX. */
bool aidc_cmp_path_valid(const char *path);

/* Reads a tolerance file and adds its metrics to list, in file order:
 *   {"description": "...", "metrics": {"PATH": {"rel": 0.05, "abs": 60,
 *    "better": "lower"|"higher"}, ...}}
 * with at least one of rel/abs (finite, >= 0) per metric; "better" may be
 * left out for known metrics. Returns 0, or -1 with "FILE:LINE:COL: key path:
 * ..." in err (a metric's key path reads metrics["wait_s.p95"].rel). */
int aidc_cmp_tolerances_load(const char *path, aidc_cmp_metrics *list, char *err, size_t errlen);

/* Parses one --metric argument "PATH:TOL[:lower|higher]", TOL being "5%"
 * (relative), "60" (absolute) or both joined by a comma ("5%,60"); without
 * a direction the known table's is used. Returns 0, or -1 with a message. */
int aidc_cmp_metric_parse_arg(const char *arg, aidc_cmp_metric *out, char *err, size_t errlen);

/* ---- the verdict -------------------------------------------------------- */

/* Judges one metric: the band is max(rel * |baseline|, abs) over the given
 * terms; worse = how much the candidate moved in the bad direction. worse >
 * band: REGRESSED; -worse > band: better; else ok. m->better must be known. */
aidc_cmp_check aidc_cmp_judge(const aidc_cmp_metric *m, double baseline, double candidate);

const char *aidc_cmp_verdict_name(aidc_cmp_verdict v); /* "ok", "better", "REGRESSED" */
const char *aidc_cmp_better_name(aidc_cmp_better b);   /* "lower", "higher", "?" */

/* "5%", "0.01", "5% or 60": the band as the user wrote it, into buf. */
char *aidc_cmp_tolerance_text(const aidc_cmp_metric *m, char *buf, size_t n);

/* ---- writers (all deterministic; every number at full precision except the
 * human table and Markdown, which round for reading) ------------------------ */

void aidc_cmp_write_table(const aidc_cmp_report *r, FILE *f);
void aidc_cmp_write_csv(const aidc_cmp_report *r, FILE *f);
void aidc_cmp_write_junit(const aidc_cmp_report *r, FILE *f);
void aidc_cmp_write_markdown(const aidc_cmp_report *r, FILE *f);
/* Returns 0, -1 out of memory. */
int aidc_cmp_write_json(const aidc_cmp_report *r, FILE *f);

/* ---- the command --------------------------------------------------------- */

/* `aidcsim compare ...`: argv excludes the program and the command name.
 * Returns the exit status. */
int aidc_cmd_compare(int argc, char **argv);

#endif
