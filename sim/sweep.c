/* sweep — the sweep command; see sweep.h. */
#include "sim/sweep.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "sim/batch.h"
#include "sim/metrics.h"
#include "sim/study.h"
#include "sim/compare_charts.h"
#include "plots/compare.h"

#define MAX_RUNS 1000000
#define MAX_METRICS 64

const char aidc_sweep_usage[] =
    "usage: aidcsim sweep SWEEP.json [-o DIR] [-j N] [--set key.path=value]... [--quiet]\n"
    "\n"
    "Runs a base scenario over axes of values (their cartesian product) or an explicit\n"
    "list of runs, once per seed, and writes DIR/results.csv (mean and confidence\n"
    "interval over seeds per point), DIR/runs.csv, DIR/results.json and one output\n"
    "directory per run under DIR/runs/ (default DIR: out/NAME). Runs whose complete\n"
    "outputs already exist are not run again, so an interrupted sweep resumes.\n"
    "Under mpirun (built with MPI) the runs are spread over the ranks.\n"
    "\n"
    "  -o, --output DIR        where to write (default out/NAME)\n"
    "  -j N                    local worker processes (default: the number of cores)\n"
    "  --set key.path=value    override a value of the base scenario in every run\n"
    "  -q, --quiet             no progress bar, no table; errors only\n"
    "\n"
    "exit status: 0 all runs ok; 2 bad input; else the highest status of a failed run\n";

static const char *const default_metrics[] = {
    "wait_s.mean",         "wait_s.p95",      "jct_s.mean",      "gpu_utilization.mean",
    "gpu_hours_delivered", "energy_mwh.facility", "grid.peak_15min_mw", "cost_usd.total",
    "cost_usd.per_gpu_hour", "curtailed_gpu_hours", NULL};

typedef struct sweep {
    aidc_study st;
    aidc_value_axis *axes;
    size_t n_axes;
    const char **cols; /* column keys */
    size_t n_cols;
    size_t n_points;
    const char **pov;  /* [point * n_cols + col]: "key=value" or NULL */
    aidc_metric metrics[MAX_METRICS];
    size_t n_metrics;
    bool metrics_given;
    size_t n_runs;     /* n_points * n_seeds, point-major */
    aidc_batch_run *runs;
    char **dirs;
    const char ***ovs;
    double *values;    /* [run * n_metrics + m], NAN when the run failed */
} sweep;

/* The value part of "key=value" as JSON (a string when it does not parse). */
static cJSON *ov_value(const char *ov)
{
    const char *v = strchr(ov, '=') + 1;
    cJSON *j = cJSON_ParseWithOpts(v, NULL, 1);
    return j ? j : cJSON_CreateString(v);
}

/* The value for tables: a string's text, else its JSON text. */
static void ov_label(const char *ov, char *buf, size_t n)
{
    cJSON *j = ov_value(ov);
    if (cJSON_IsString(j)) snprintf(buf, n, "%s", j->valuestring);
    else snprintf(buf, n, "%s", strchr(ov, '=') + 1);
    cJSON_Delete(j);
}

static int col_index(sweep *s, const char *key, size_t klen)
{
    for (size_t c = 0; c < s->n_cols; c++)
        if (strlen(s->cols[c]) == klen && strncmp(s->cols[c], key, klen) == 0) return (int)c;
    return -1;
}

static int read_axes(sweep *s, const cJSON *axes)
{
    aidc_jread *r = &s->st.r;
    char d[96];
    if (!cJSON_IsArray(axes) || cJSON_GetArraySize(axes) == 0)
        return aidc_jread_fail(r, "axes", false, "expected a non-empty array of axes, found %s",
                               aidc_jread_describe(axes, d, sizeof d));
    s->n_axes = (size_t)cJSON_GetArraySize(axes);
    s->axes = calloc(s->n_axes, sizeof *s->axes);
    s->cols = calloc(s->n_axes, sizeof *s->cols);
    if (!s->axes || !s->cols) return aidc_jread_fail(r, "axes", false, "out of memory");
    double points = 1;
    for (size_t i = 0; i < s->n_axes; i++) {
        char p[AIDC_PATH_MAX];
        snprintf(p, sizeof p, "axes[%zu]", i);
        if (aidc_study_axis(&s->st, cJSON_GetArrayItem(axes, (int)i), p, NULL, &s->axes[i])) return -1;
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->axes[k].key, s->axes[i].key) == 0) {
                char q[AIDC_PATH_MAX];
                snprintf(q, sizeof q, "%s.key", p);
                return aidc_jread_fail(r, q, false, "\"%s\" is already varied by axes[%zu]", s->axes[i].key, k);
            }
        s->cols[i] = s->axes[i].key;
        points *= (double)s->axes[i].n;
    }
    s->n_cols = s->n_axes;
    if (points * (double)s->st.n_seeds > MAX_RUNS)
        return aidc_jread_fail(r, "axes", false, "%.0f runs (points x seeds); at most %d", points * (double)s->st.n_seeds,
                               MAX_RUNS);
    s->n_points = (size_t)points;
    s->pov = calloc(s->n_points * s->n_cols, sizeof *s->pov);
    if (!s->pov) return aidc_jread_fail(r, "axes", false, "out of memory");
    for (size_t pt = 0; pt < s->n_points; pt++) {
        size_t rest = pt;
        for (size_t a = s->n_axes; a-- > 0;) {
            s->pov[pt * s->n_cols + a] = s->axes[a].set[rest % s->axes[a].n];
            rest /= s->axes[a].n;
        }
    }
    return 0;
}

static int read_runs(sweep *s, const cJSON *list)
{
    aidc_jread *r = &s->st.r;
    char d[96], p[AIDC_PATH_MAX];
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) == 0)
        return aidc_jread_fail(r, "runs", false,
                               "expected a non-empty array of runs, each an array of \"key.path=value\", found %s",
                               aidc_jread_describe(list, d, sizeof d));
    s->n_points = (size_t)cJSON_GetArraySize(list);
    if ((double)s->n_points * (double)s->st.n_seeds > MAX_RUNS)
        return aidc_jread_fail(r, "runs", false, "too many runs (points x seeds); at most %d", MAX_RUNS);
    /* columns: every key in order of first appearance */
    size_t max_cols = 0;
    for (const cJSON *run = list->child; run; run = run->next)
        max_cols += cJSON_IsArray(run) ? (size_t)cJSON_GetArraySize(run) : 0;
    s->cols = calloc(max_cols + 1, sizeof *s->cols);
    if (!s->cols) return aidc_jread_fail(r, "runs", false, "out of memory");
    size_t i = 0;
    for (const cJSON *run = list->child; run; run = run->next, i++) {
        snprintf(p, sizeof p, "runs[%zu]", i);
        if (!cJSON_IsArray(run))
            return aidc_jread_fail(r, p, false, "expected an array of \"key.path=value\" strings, found %s",
                                   aidc_jread_describe(run, d, sizeof d));
        size_t k = 0;
        for (const cJSON *v = run->child; v; v = v->next, k++) {
            snprintf(p, sizeof p, "runs[%zu][%zu]", i, k);
            if (!cJSON_IsString(v) || !strchr(v->valuestring, '=') || v->valuestring[0] == '=')
                return aidc_jread_fail(r, p, false,
                                       "expected a \"key.path=value\" string like \"policy=fifo\", found %s",
                                       aidc_jread_describe(v, d, sizeof d));
            size_t klen = strcspn(v->valuestring, "=");
            if (col_index(s, v->valuestring, klen) < 0) {
                char *key = strndup(v->valuestring, klen);
                if (!key) return aidc_jread_fail(r, p, false, "out of memory");
                s->cols[s->n_cols++] = key;
            }
        }
    }
    s->pov = calloc(s->n_points * (s->n_cols ? s->n_cols : 1), sizeof *s->pov);
    if (!s->pov) return aidc_jread_fail(r, "runs", false, "out of memory");
    i = 0;
    for (const cJSON *run = list->child; run; run = run->next, i++) {
        size_t k = 0, n = (size_t)cJSON_GetArraySize(run);
        const char **ov = calloc(n + 1, sizeof *ov);
        if (!ov) return aidc_jread_fail(r, "runs", false, "out of memory");
        for (const cJSON *v = run->child; v; v = v->next, k++) {
            int c = col_index(s, v->valuestring, strcspn(v->valuestring, "="));
            snprintf(p, sizeof p, "runs[%zu][%zu]", i, k);
            if (s->pov[i * s->n_cols + (size_t)c]) {
                free(ov);
                return aidc_jread_fail(r, p, false, "this run sets \"%s\" twice", s->cols[c]);
            }
            s->pov[i * s->n_cols + (size_t)c] = v->valuestring;
            ov[k] = v->valuestring;
        }
        snprintf(p, sizeof p, "runs[%zu]", i);
        int rc = aidc_study_check(&s->st, ov, p);
        free(ov);
        if (rc) return -1;
        for (size_t j = 0; j < i; j++) {
            bool same = true;
            for (size_t c = 0; c < s->n_cols && same; c++) {
                const char *a = s->pov[i * s->n_cols + c], *b = s->pov[j * s->n_cols + c];
                same = (!a && !b) || (a && b && strcmp(a, b) == 0);
            }
            if (same) return aidc_jread_fail(r, p, false, "the same run as runs[%zu]", j);
        }
    }
    return 0;
}

static int read_metrics(sweep *s)
{
    aidc_jread *r = &s->st.r;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(s->st.root, "metrics");
    char d[96], p[AIDC_PATH_MAX], why[256];
    if (!m) {
        for (size_t i = 0; default_metrics[i]; i++)
            aidc_metric_parse(default_metrics[i], &s->metrics[s->n_metrics++], why, sizeof why);
        return 0;
    }
    s->metrics_given = true;
    if (!cJSON_IsArray(m) || cJSON_GetArraySize(m) == 0 || cJSON_GetArraySize(m) > MAX_METRICS)
        return aidc_jread_fail(r, "metrics", false,
                               "expected an array of 1 to %d summary.json key paths like \"wait_s.p95\", found %s",
                               MAX_METRICS, aidc_jread_describe(m, d, sizeof d));
    size_t i = 0;
    for (const cJSON *v = m->child; v; v = v->next, i++) {
        snprintf(p, sizeof p, "metrics[%zu]", i);
        if (!cJSON_IsString(v))
            return aidc_jread_fail(r, p, false, "expected a summary.json key path like \"wait_s.p95\", found %s",
                                   aidc_jread_describe(v, d, sizeof d));
        if (aidc_metric_parse(v->valuestring, &s->metrics[i], why, sizeof why))
            return aidc_jread_fail(r, p, false, "%s", why);
        for (size_t k = 0; k < i; k++)
            if (strcmp(s->metrics[k].text, s->metrics[i].text) == 0)
                return aidc_jread_fail(r, p, false, "\"%s\" is listed twice", s->metrics[i].text);
    }
    s->n_metrics = i;
    return 0;
}

static int read_sweep(sweep *s)
{
    static const char *const keys[] = {"name", "description", "scenario", "seeds", "set", "confidence",
                                       "axes", "runs", "metrics", NULL};
    if (aidc_study_load(&s->st, keys)) return -1;
    const cJSON *axes = cJSON_GetObjectItemCaseSensitive(s->st.root, "axes");
    const cJSON *runs = cJSON_GetObjectItemCaseSensitive(s->st.root, "runs");
    if (!axes == !runs)
        return aidc_jread_fail(&s->st.r, "", false,
                               "give exactly one of \"axes\" (values to combine) and \"runs\" (an explicit list)");
    if (read_metrics(s)) return -1;
    return axes ? read_axes(s, axes) : read_runs(s, runs);
}

/* One batch run per point and seed, in point-major order. */
static int make_runs(sweep *s)
{
    s->n_runs = s->n_points * s->st.n_seeds;
    s->runs = calloc(s->n_runs, sizeof *s->runs);
    s->dirs = calloc(s->n_runs, sizeof *s->dirs);
    s->ovs = calloc(s->n_runs, sizeof *s->ovs);
    s->values = calloc(s->n_runs * s->n_metrics, sizeof *s->values);
    const char **labels = calloc(s->n_cols + 1, sizeof *labels);
    char (*lab)[256] = calloc(s->n_cols + 1, sizeof *lab);
    const char **ov = calloc(s->n_cols + 1, sizeof *ov);
    if (!s->runs || !s->dirs || !s->ovs || !s->values || !labels || !lab || !ov) {
        free(labels);
        free(lab);
        free(ov);
        snprintf(s->st.err, AIDC_STUDY_ERR, "out of memory");
        return -1;
    }
    for (size_t pt = 0; pt < s->n_points; pt++) {
        size_t n_ov = 0;
        for (size_t c = 0; c < s->n_cols; c++) {
            const char *o = s->pov[pt * s->n_cols + c];
            if (o) {
                ov[n_ov++] = o;
                ov_label(o, lab[c], sizeof lab[c]);
            } else {
                lab[c][0] = '\0';
            }
            labels[c] = lab[c];
        }
        for (size_t k = 0; k < s->st.n_seeds; k++) {
            size_t i = pt * s->st.n_seeds + k;
            char dir[4096];
            aidc_study_run_dir(&s->st, labels, s->n_cols, s->st.seeds[k], dir, sizeof dir);
            s->dirs[i] = strdup(dir);
            s->ovs[i] = aidc_study_overrides(&s->st, ov, n_ov);
            if (!s->dirs[i] || !s->ovs[i]) {
                snprintf(s->st.err, AIDC_STUDY_ERR, "out of memory");
                free(labels);
                free(lab);
                free(ov);
                return -1;
            }
            s->runs[i] = (aidc_batch_run){s->st.scenario, s->ovs[i], s->st.seeds[k], s->dirs[i], -1, false,
                                          NULL, NULL};
        }
    }
    free(labels);
    free(lab);
    free(ov);
    return 0;
}

/* Reads each successful run's metrics; a metric missing from a summary is an
 * input error of the sweep file (exit 2). A summary that does not parse
 * turns its run into a failure. */
static int collect(sweep *s)
{
    char why[512];
    for (size_t i = 0; i < s->n_runs; i++) {
        aidc_batch_run *r = &s->runs[i];
        for (size_t m = 0; m < s->n_metrics; m++) s->values[i * s->n_metrics + m] = NAN;
        if (r->status != 0) continue;
        cJSON *sum = cJSON_Parse(r->summary);
        if (!sum) {
            r->status = 3;
            r->error = strdup("summary.json does not parse");
            continue;
        }
        for (size_t m = 0; m < s->n_metrics; m++) {
            if (aidc_metric_eval(&s->metrics[m], sum, &s->values[i * s->n_metrics + m], why, sizeof why)) {
                char p[AIDC_PATH_MAX];
                snprintf(p, sizeof p, "metrics[%zu]", m);
                aidc_jread_fail(&s->st.r, s->metrics_given ? p : "", false, "%s (in %s/summary.json)", why,
                                r->out_dir);
                cJSON_Delete(sum);
                return -1;
            }
        }
        cJSON_Delete(sum);
    }
    return 0;
}

static void point_stats(const sweep *s, size_t pt, size_t m, aidc_seed_stats *out)
{
    double x[s->st.n_seeds > 0 ? s->st.n_seeds : 1];
    size_t n = 0;
    for (size_t k = 0; k < s->st.n_seeds; k++) {
        size_t i = pt * s->st.n_seeds + k;
        if (s->runs[i].status == 0) x[n++] = s->values[i * s->n_metrics + m];
    }
    aidc_seed_stats_compute(x, n, s->st.confidence, out);
}

static int write_results(sweep *s, size_t *n_failed)
{
    char *err = s->st.err, path[4200], ci[16];
    snprintf(ci, sizeof ci, "ci%g", s->st.confidence * 100);
    *n_failed = 0;
    for (size_t i = 0; i < s->n_runs; i++)
        if (s->runs[i].status != 0) ++*n_failed;

    /* results.csv: one row per point */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return -1;
    fputs("point", f);
    for (size_t c = 0; c < s->n_cols; c++) fputc(',', f), aidc_csv_field(f, s->cols[c]);
    fputs(",runs,failed", f);
    for (size_t m = 0; m < s->n_metrics; m++) {
        fputc(',', f);
        char h[300];
        snprintf(h, sizeof h, "%s.mean", s->metrics[m].text);
        aidc_csv_field(f, h);
        fputc(',', f);
        snprintf(h, sizeof h, "%s.%s", s->metrics[m].text, ci);
        aidc_csv_field(f, h);
    }
    fputc('\n', f);
    for (size_t pt = 0; pt < s->n_points; pt++) {
        size_t bad = 0;
        for (size_t k = 0; k < s->st.n_seeds; k++) bad += s->runs[pt * s->st.n_seeds + k].status != 0;
        fprintf(f, "%zu", pt);
        for (size_t c = 0; c < s->n_cols; c++) {
            char lab[256] = "";
            const char *o = s->pov[pt * s->n_cols + c];
            if (o) ov_label(o, lab, sizeof lab);
            fputc(',', f);
            aidc_csv_field(f, lab);
        }
        fprintf(f, ",%zu,%zu", s->st.n_seeds, bad);
        for (size_t m = 0; m < s->n_metrics; m++) {
            aidc_seed_stats st;
            point_stats(s, pt, m, &st);
            fputc(',', f);
            aidc_csv_num(f, st.mean);
            fputc(',', f);
            aidc_csv_num(f, st.half);
        }
        fputc('\n', f);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/results.csv", s->st.out_dir);
    int rc = aidc_write_file_atomic(path, text, len, err, AIDC_STUDY_ERR);
    free(text);
    if (rc) return -1;

    /* runs.csv: one row per run */
    text = NULL;
    f = open_memstream(&text, &len);
    if (!f) return -1;
    fputs("point", f);
    for (size_t c = 0; c < s->n_cols; c++) fputc(',', f), aidc_csv_field(f, s->cols[c]);
    fputs(",seed,status,dir", f);
    for (size_t m = 0; m < s->n_metrics; m++) fputc(',', f), aidc_csv_field(f, s->metrics[m].text);
    fputs(",error\n", f);
    for (size_t i = 0; i < s->n_runs; i++) {
        size_t pt = i / s->st.n_seeds;
        fprintf(f, "%zu", pt);
        for (size_t c = 0; c < s->n_cols; c++) {
            char lab[256] = "";
            const char *o = s->pov[pt * s->n_cols + c];
            if (o) ov_label(o, lab, sizeof lab);
            fputc(',', f);
            aidc_csv_field(f, lab);
        }
        fprintf(f, ",%lld,%d,", (long long)s->runs[i].seed, s->runs[i].status);
        aidc_csv_field(f, aidc_study_rel_dir(&s->st, s->runs[i].out_dir));
        for (size_t m = 0; m < s->n_metrics; m++) fputc(',', f), aidc_csv_num(f, s->values[i * s->n_metrics + m]);
        fputc(',', f);
        aidc_csv_field(f, s->runs[i].status ? s->runs[i].error : "");
        fputc('\n', f);
    }
    fclose(f);
    snprintf(path, sizeof path, "%s/runs.csv", s->st.out_dir);
    rc = aidc_write_file_atomic(path, text, len, err, AIDC_STUDY_ERR);
    free(text);
    if (rc) return -1;

    /* results.json: everything, for charts and scripts. A chart layer (plots/)
     * reads this file; the sweep itself draws nothing. */
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "format", 1);
    cJSON_AddStringToObject(root, "sweep", s->st.name);
    cJSON_AddStringToObject(root, "scenario", s->st.scenario);
    cJSON *set = cJSON_AddArrayToObject(root, "set");
    for (size_t i = 0; i < s->st.n_set; i++) cJSON_AddItemToArray(set, cJSON_CreateString(s->st.set[i]));
    cJSON *seeds = cJSON_AddArrayToObject(root, "seeds");
    for (size_t k = 0; k < s->st.n_seeds; k++)
        cJSON_AddItemToArray(seeds, cJSON_CreateNumber((double)s->st.seeds[k]));
    cJSON_AddNumberToObject(root, "confidence", s->st.confidence);
    cJSON *cols = cJSON_AddArrayToObject(root, "inputs");
    for (size_t c = 0; c < s->n_cols; c++) cJSON_AddItemToArray(cols, cJSON_CreateString(s->cols[c]));
    cJSON *mets = cJSON_AddArrayToObject(root, "metrics");
    for (size_t m = 0; m < s->n_metrics; m++) cJSON_AddItemToArray(mets, cJSON_CreateString(s->metrics[m].text));
    cJSON_AddNumberToObject(root, "runs", (double)s->n_runs);
    cJSON_AddNumberToObject(root, "failed", (double)*n_failed);
    cJSON *points = cJSON_AddArrayToObject(root, "points");
    for (size_t pt = 0; pt < s->n_points; pt++) {
        cJSON *po = cJSON_CreateObject();
        cJSON_AddItemToArray(points, po);
        cJSON *in = cJSON_AddObjectToObject(po, "inputs");
        for (size_t c = 0; c < s->n_cols; c++) {
            const char *o = s->pov[pt * s->n_cols + c];
            cJSON_AddItemToObject(in, s->cols[c], o ? ov_value(o) : cJSON_CreateNull());
        }
        cJSON *stats = cJSON_AddObjectToObject(po, "stats");
        for (size_t m = 0; m < s->n_metrics; m++) {
            aidc_seed_stats st;
            point_stats(s, pt, m, &st);
            cJSON *mo = cJSON_AddObjectToObject(stats, s->metrics[m].text);
            cJSON_AddNumberToObject(mo, "n", (double)st.n);
            cJSON_AddItemToObject(mo, "mean", aidc_json_num(st.mean));
            cJSON_AddItemToObject(mo, "half", aidc_json_num(st.half));
            cJSON_AddItemToObject(mo, "lo", aidc_json_num(st.lo));
            cJSON_AddItemToObject(mo, "hi", aidc_json_num(st.hi));
            cJSON_AddItemToObject(mo, "sd", aidc_json_num(st.sd));
        }
        cJSON *rl = cJSON_AddArrayToObject(po, "runs");
        for (size_t k = 0; k < s->st.n_seeds; k++) {
            size_t i = pt * s->st.n_seeds + k;
            cJSON *ro = cJSON_CreateObject();
            cJSON_AddItemToArray(rl, ro);
            cJSON_AddNumberToObject(ro, "seed", (double)s->runs[i].seed);
            cJSON_AddStringToObject(ro, "dir", aidc_study_rel_dir(&s->st, s->runs[i].out_dir));
            cJSON_AddNumberToObject(ro, "status", s->runs[i].status);
            if (s->runs[i].status) cJSON_AddStringToObject(ro, "error", s->runs[i].error);
            cJSON *vals = cJSON_AddObjectToObject(ro, "metrics");
            for (size_t m = 0; m < s->n_metrics; m++)
                cJSON_AddItemToObject(vals, s->metrics[m].text, aidc_json_num(s->values[i * s->n_metrics + m]));
        }
    }
    char *json = cJSON_Print(root);
    cJSON_Delete(root);
    if (!json) return -1;
    snprintf(path, sizeof path, "%s/results.json", s->st.out_dir);
    size_t jl = strlen(json);
    json[jl] = '\n';
    rc = aidc_write_file_atomic(path, json, jl + 1, err, AIDC_STUDY_ERR);
    free(json);
    return rc;
}

/* charts/sweep.{svg,png}: one panel per metric, one bar per point (its mean
 * over seeds), the first point as the reference others are compared with. */
static int write_chart(sweep *s)
{
    char dir[4300];
    snprintf(dir, sizeof dir, "%s/charts", s->st.out_dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(s->st.err, AIDC_STUDY_ERR, "%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    size_t np = s->n_points, nm = s->n_metrics;
    char (*labels)[256] = calloc(np ? np : 1, sizeof *labels);
    const char **names = calloc(np ? np : 1, sizeof *names);
    aidc_compare_metric *m = calloc(nm ? nm : 1, sizeof *m);
    double *v = calloc((np ? np : 1) * (nm ? nm : 1), sizeof *v);
    int rc = -1;
    if (!labels || !names || !m || !v) {
        snprintf(s->st.err, AIDC_STUDY_ERR, "out of memory");
        goto done;
    }
    for (size_t pt = 0; pt < np; pt++) {
        size_t used = 0;
        for (size_t c = 0; c < s->n_cols; c++) {
            char lab[256] = "";
            const char *o = s->pov[pt * s->n_cols + c];
            if (o) ov_label(o, lab, sizeof lab);
            used += (size_t)snprintf(labels[pt] + used, used < 256 ? 256 - used : 0, "%s%s",
                                     c ? ", " : "", lab);
            if (used >= 256) used = 255;
        }
        names[pt] = labels[pt];
    }
    for (size_t k = 0; k < nm; k++) {
        double mul;
        m[k].name = s->metrics[k].text;
        m[k].unit = s->metrics[k].den[0] ? "" : aidc_summary_unit(s->metrics[k].num, &mul);
        if (s->metrics[k].den[0]) mul = 1;
        for (size_t pt = 0; pt < np; pt++) {
            aidc_seed_stats st;
            point_stats(s, pt, k, &st);
            v[k * np + pt] = st.mean * mul;
        }
    }
    char title[512];
    snprintf(title, sizeof title, "Sweep %s: mean over %zu seed%s per point", s->st.name,
             s->st.n_seeds, s->st.n_seeds == 1 ? "" : "s");
    aidc_compare c = {title, names, np, m, nm, v};
    rc = aidc_compare_write(&c, dir, "sweep", false, NULL, s->st.err, AIDC_STUDY_ERR);
done:
    free(labels);
    free(names);
    free(m);
    free(v);
    return rc;
}

/* The human table: inputs and up to three metrics as mean ± half-width. */
static void print_table(const sweep *s)
{
    size_t nm = s->n_metrics < 3 ? s->n_metrics : 3;
    printf(" ");
    for (size_t c = 0; c < s->n_cols; c++) printf(" %-16s", s->cols[c]);
    for (size_t m = 0; m < nm; m++) printf(" %26s", s->metrics[m].text);
    printf("\n");
    for (size_t pt = 0; pt < s->n_points; pt++) {
        printf(" ");
        for (size_t c = 0; c < s->n_cols; c++) {
            char lab[256] = "-";
            const char *o = s->pov[pt * s->n_cols + c];
            if (o) ov_label(o, lab, sizeof lab);
            printf(" %-16s", lab);
        }
        for (size_t m = 0; m < nm; m++) {
            aidc_seed_stats st;
            point_stats(s, pt, m, &st);
            char cell[64];
            if (st.n == 0) snprintf(cell, sizeof cell, "failed");
            else if (isnan(st.half)) snprintf(cell, sizeof cell, "%.4g", st.mean);
            else snprintf(cell, sizeof cell, "%.4g ± %.2g", st.mean, st.half);
            printf(" %26s", cell);
        }
        printf("\n");
    }
}

static void sweep_fini(sweep *s)
{
    for (size_t i = 0; i < s->n_runs; i++) {
        if (s->runs) aidc_batch_run_clear(&s->runs[i]);
        if (s->dirs) free(s->dirs[i]);
        if (s->ovs) free(s->ovs[i]);
    }
    free(s->runs);
    free(s->dirs);
    free(s->ovs);
    free(s->values);
    if (!s->axes)
        for (size_t c = 0; c < s->n_cols; c++) free((char *)s->cols[c]);
    for (size_t a = 0; a < s->n_axes; a++) aidc_axis_fini(&s->axes[a]);
    free(s->axes);
    free(s->cols);
    free(s->pov);
    aidc_study_fini(&s->st);
}

int aidc_cmd_sweep(int argc, char **argv)
{
    sweep s;
    memset(&s, 0, sizeof s);
    aidc_pool *pool = NULL;
    int rc = aidc_study_open(&s.st, "sweep", argc, argv, aidc_sweep_usage, &pool);
    if (rc >= 0) return rc;
    struct timespec ts0, ts1;
    clock_gettime(CLOCK_MONOTONIC, &ts0);
    if (read_sweep(&s) || make_runs(&s) || aidc_study_mkdirs(&s.st)) {
        fprintf(stderr, "aidcsim: %s\n", s.st.err);
        aidc_pool_close(pool);
        sweep_fini(&s);
        return 2;
    }
    char title[128];
    snprintf(title, sizeof title, "sweep %.60s", s.st.name);
    aidc_pool_run(pool, s.runs, s.n_runs, title, s.st.quiet);
    size_t ran, resumed, failed = 0;
    aidc_pool_counts(pool, &ran, &resumed);
    char desc[64];
    snprintf(desc, sizeof desc, "%s", aidc_pool_describe(pool));
    aidc_pool_close(pool);
    clock_gettime(CLOCK_MONOTONIC, &ts1);
    if (collect(&s) || write_results(&s, &failed) || write_chart(&s)) {
        fprintf(stderr, "aidcsim: %s\n", s.st.err);
        sweep_fini(&s);
        return 2;
    }
    rc = 0;
    for (size_t i = 0; i < s.n_runs; i++)
        if (s.runs[i].status > rc) rc = s.runs[i].status;
    if (!s.st.quiet) {
        double secs = (double)(ts1.tv_sec - ts0.tv_sec) + (double)(ts1.tv_nsec - ts0.tv_nsec) / 1e9;
        printf("sweep %s: %zu runs (%zu points x %zu seeds) on %s: %zu ran, %zu resumed, %zu failed, %.1f s\n",
               s.st.name, s.n_runs, s.n_points, s.st.n_seeds, desc, ran, resumed, failed, secs);
        print_table(&s);
        printf("  results    %s/results.csv, runs.csv, results.json\n", s.st.out_dir);
    }
    if (failed)
        fprintf(stderr, "aidcsim sweep: %zu of %zu runs failed (see %s/runs.csv)\n", failed, s.n_runs,
                s.st.out_dir);
    sweep_fini(&s);
    return rc;
}
