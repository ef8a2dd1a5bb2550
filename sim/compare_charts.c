/* compare_charts — see compare_charts.h. */
#include "sim/compare_charts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "plots/compare.h"

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

/* The unit of a summary key and the factor that brings its values there. */
const char *aidc_summary_unit(const char *path, double *mul)
{
    char first[AIDC_CMP_PATH_MAX];
    snprintf(first, sizeof first, "%s", path);
    char *dot = strchr(first, '.');
    if (dot) *dot = '\0';
    *mul = 1;
    if (strcmp(first, "gpu_utilization") == 0) {
        *mul = 100;
        return "%";
    }
    if (strcmp(first, "cost_usd") == 0) return "USD";
    if (ends_with(first, "_mwh") || ends_with(path, "_mwh")) {
        *mul = 1e6;
        return "Wh";
    }
    if (ends_with(first, "_mw") || ends_with(path, "_mw")) {
        *mul = 1e6;
        return "W";
    }
    if (ends_with(first, "_s") || ends_with(path, "_s")) return "s";
    if (strcmp(path, "carbon_t") == 0) return "t";
    return "";
}

int aidc_compare_charts(const aidc_cmp_report *r, const char *dir, void *ctx, char *err,
                        size_t errlen)
{
    (void)ctx;
    char charts[4300];
    snprintf(charts, sizeof charts, "%s/charts", dir);
    if (mkdir(charts, 0777) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "%s: cannot create: %s", charts, strerror(errno));
        return -1;
    }
    size_t nm = r->n_metrics;
    aidc_compare_metric *m = calloc(nm ? nm : 1, sizeof *m);
    double *mul = calloc(nm ? nm : 1, sizeof *mul);
    double *v = calloc(2 * (nm ? nm : 1), sizeof *v);
    if (!m || !mul || !v) {
        free(m);
        free(mul);
        free(v);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < nm; k++) {
        m[k].name = r->metrics[k].path;
        m[k].unit = aidc_summary_unit(r->metrics[k].path, &mul[k]);
    }
    int rc = 0;
    for (size_t i = 0; i < r->n_scen && rc == 0; i++) {
        const aidc_cmp_scenario *sc = &r->scen[i];
        for (size_t k = 0; k < nm; k++) {
            v[2 * k] = sc->checks[k].baseline * mul[k];
            v[2 * k + 1] = sc->checks[k].candidate * mul[k];
        }
        char title[512], stem[300];
        snprintf(title, sizeof title, "%s: %s (candidate) vs %s (baseline)", sc->name, r->label[1],
                 r->label[0]);
        snprintf(stem, sizeof stem, "compare-%s", sc->name);
        for (char *p = stem; *p; p++)
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                  (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
                *p = '_';
        const char *names[2] = {r->label[0], r->label[1]};
        aidc_compare c = {title, names, 2, m, nm, v};
        rc = aidc_compare_write(&c, charts, stem, false, NULL, err, errlen);
    }
    free(m);
    free(mul);
    free(v);
    return rc;
}
