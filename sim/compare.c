/* compare — the CI regression gate; see compare.h. */
#define _XOPEN_SOURCE 700
#include "sim/compare.h"
#include "sim/compare_charts.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/suggest.h"
#include "sim/jread.h"
#include "sim/metrics.h"
#include "sim/output.h"
#include "sim/runner.h"
#include "sim/scenario.h"

enum { EXIT_OK = 0, EXIT_REGRESSED = 1, EXIT_BAD_INPUT = 2, EXIT_INTERNAL = 3 };

#define ERR_LEN 4096
#define MAX_JSON_BYTES ((size_t)64 << 20)
#define MAX_TOL 1e12
#define MAX_JOBS 256
#define MD_MAX_ROWS 400 /* checks listed in the Markdown summary */

/* ---- metrics ------------------------------------------------------------- */

void aidc_cmp_metrics_init(aidc_cmp_metrics *m)
{
    memset(m, 0, sizeof *m);
}

void aidc_cmp_metrics_fini(aidc_cmp_metrics *m)
{
    free(m->v);
    memset(m, 0, sizeof *m);
}

int aidc_cmp_metrics_put(aidc_cmp_metrics *list, const aidc_cmp_metric *m, bool replace)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->v[i].path, m->path) == 0) {
            if (!replace) return 1;
            list->v[i] = *m;
            return 0;
        }
    if (list->n == list->cap) {
        size_t cap = list->cap ? 2 * list->cap : 16;
        aidc_cmp_metric *v = realloc(list->v, cap * sizeof *v);
        if (!v) return -1;
        list->v = v;
        list->cap = cap;
    }
    list->v[list->n++] = *m;
    return 0;
}

/* Directions of the summary.json keys (README, "Outputs"). Exact keys are
 * looked up before "family.*" entries, so wait_s.n (jobs that started: more is
 * better) is not caught by wait_s.* (waiting times: less is better). */
static const struct {
    const char *path;
    aidc_cmp_better better;
} known[] = {
    {"wait_s.n", AIDC_CMP_HIGHER},
    {"jct_s.n", AIDC_CMP_HIGHER},
    {"slowdown.n", AIDC_CMP_HIGHER},
    {"wait_s.*", AIDC_CMP_LOWER},
    {"jct_s.*", AIDC_CMP_LOWER},
    {"slowdown.*", AIDC_CMP_LOWER},
    {"gpu_utilization.mean", AIDC_CMP_HIGHER},
    {"gpu_hours_delivered", AIDC_CMP_HIGHER},
    {"jobs.started", AIDC_CMP_HIGHER},
    {"jobs.completed", AIDC_CMP_HIGHER},
    {"jobs.queued_at_end", AIDC_CMP_LOWER},
    {"jobs.skipped_unfit", AIDC_CMP_LOWER},
    {"queue_length_mean", AIDC_CMP_LOWER},
    {"makespan_s", AIDC_CMP_LOWER},
    {"energy_mwh.*", AIDC_CMP_LOWER},
    {"power_mw.*", AIDC_CMP_LOWER},
    {"pue.*", AIDC_CMP_LOWER},
    {"grid.peak_15min_mw", AIDC_CMP_LOWER},
    {"grid.max_ramp_mw_per_min", AIDC_CMP_LOWER},
    {"grid.ramp_mw_per_min.*", AIDC_CMP_LOWER},
    {"grid.swing_mw", AIDC_CMP_LOWER},
    {"grid.swing_floor_waste_mw", AIDC_CMP_LOWER},
    {"grid.swing_breach", AIDC_CMP_LOWER},
    {"grid.demand_response_met", AIDC_CMP_HIGHER},
    {"grid.preemptions", AIDC_CMP_LOWER},
    {"grid.power_refusals", AIDC_CMP_LOWER},
    {"carbon_t", AIDC_CMP_LOWER},
    {"cost_usd.*", AIDC_CMP_LOWER},
    {"throttled_gpu_hours", AIDC_CMP_LOWER},
    {"curtailed_gpu_hours", AIDC_CMP_LOWER},
    {"cooling.economizer_hours", AIDC_CMP_HIGHER},
    {"network.mean_slowdown", AIDC_CMP_LOWER},
    {"network.p95_slowdown", AIDC_CMP_LOWER},
    {"network.cross_spine_jobs", AIDC_CMP_LOWER},
};

aidc_cmp_better aidc_cmp_known_direction(const char *path)
{
    size_t n = sizeof known / sizeof known[0];
    for (size_t i = 0; i < n; i++)
        if (strcmp(known[i].path, path) == 0) return known[i].better;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(known[i].path);
        if (len < 2 || strcmp(known[i].path + len - 2, ".*") != 0) continue;
        if (strncmp(path, known[i].path, len - 1) == 0 && path[len - 1] != '\0')
            return known[i].better;
    }
    return AIDC_CMP_UNKNOWN;
}

bool aidc_cmp_path_valid(const char *path)
{
    size_t len = strlen(path);
    if (len == 0 || len >= AIDC_CMP_PATH_MAX) return false;
    bool seg_start = true;
    for (const char *p = path; *p; p++) {
        if (*p == '.') {
            if (seg_start) return false; /* leading or doubled dot */
            seg_start = true;
        } else if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                   (*p >= '0' && *p <= '9') || *p == '_') {
            seg_start = false;
        } else {
            return false;
        }
    }
    return !seg_start;
}

int aidc_cmp_metrics_defaults(aidc_cmp_metrics *list)
{
    /* Waiting and completion times get a one-minute floor under the 5% band,
     * so a baseline of 0 (every job started at once) does not turn a single
     * second of waiting into a regression. */
    static const struct {
        const char *path;
        double rel, abs;
    } d[] = {
        {"wait_s.mean", 0.05, 60},    {"wait_s.p95", 0.05, 60},
        {"jct_s.mean", 0.05, 60},     {"jct_s.p95", 0.05, 60},
        {"slowdown.mean", 0.05, -1},  {"gpu_utilization.mean", -1, 0.01},
        {"jobs.completed", 0.01, -1}, {"energy_mwh.facility", 0.02, -1},
        {"cost_usd.total", 0.02, -1},
    };
    for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
        aidc_cmp_metric m;
        memset(&m, 0, sizeof m);
        snprintf(m.path, sizeof m.path, "%s", d[i].path);
        m.better = aidc_cmp_known_direction(d[i].path);
        m.rel = d[i].rel;
        m.abs = d[i].abs;
        if (aidc_cmp_metrics_put(list, &m, true)) return -1;
    }
    return 0;
}

/* ---- tolerance file ------------------------------------------------------ */

static const char tol_hint[] =
    "give \"rel\" (a fraction of the baseline: 0.05 = 5%) or \"abs\" (in the metric's unit), "
    "or both (the wider band applies)";

static int read_metric_entry(const aidc_jread *r, const cJSON *it, aidc_cmp_metrics *list)
{
    char label[AIDC_PATH_MAX], found[96];
    snprintf(label, sizeof label, "metrics[\"%.*s\"]", AIDC_CMP_PATH_MAX, it->string);
    if (!aidc_cmp_path_valid(it->string))
        return aidc_jread_fail(r, label, true,
                               "\"%.*s\" is not a metric path: expected summary.json keys joined "
                               "by dots, like \"wait_s.p95\"",
                               AIDC_CMP_PATH_MAX, it->string);
    if (!cJSON_IsObject(it))
        return aidc_jread_fail(r, label, false,
                               "expected {\"rel\": ..., \"abs\": ..., \"better\": ...}, found %s",
                               aidc_jread_describe(it, found, sizeof found));
    static const char *const keys[] = {"rel", "abs", "better", NULL};
    if (aidc_jread_keys(r, it, label, keys)) return -1;
    aidc_cmp_metric m;
    memset(&m, 0, sizeof m);
    snprintf(m.path, sizeof m.path, "%s", it->string);
    m.rel = m.abs = -1;
    const char *better = NULL;
    int has_rel = aidc_jread_num(r, it, label, "rel", false, 0, MAX_TOL, &m.rel);
    int has_abs = aidc_jread_num(r, it, label, "abs", false, 0, MAX_TOL, &m.abs);
    if (has_rel < 0 || has_abs < 0 || aidc_jread_str(r, it, label, "better", false, &better) < 0)
        return -1;
    if (!has_rel && !has_abs) return aidc_jread_fail(r, label, false, "no tolerance: %s", tol_hint);
    if (better) {
        char p[AIDC_PATH_MAX];
        if (strcmp(better, "lower") == 0)
            m.better = AIDC_CMP_LOWER;
        else if (strcmp(better, "higher") == 0)
            m.better = AIDC_CMP_HIGHER;
        else
            return aidc_jread_fail(r, aidc_jread_join(p, label, "better"), false,
                                   "expected \"lower\" or \"higher\", found \"%s\"", better);
    } else if ((m.better = aidc_cmp_known_direction(m.path)) == AIDC_CMP_UNKNOWN) {
        return aidc_jread_fail(r, label, false,
                               "no known direction for \"%s\": add \"better\": \"lower\" or "
                               "\"higher\"",
                               m.path);
    }
    int rc = aidc_cmp_metrics_put(list, &m, false);
    if (rc < 0) return aidc_jread_fail(r, label, false, "out of memory");
    if (rc > 0)
        return aidc_jread_fail(r, label, true, "metric \"%s\" appears more than once", m.path);
    return 0;
}

int aidc_cmp_tolerances_load(const char *path, aidc_cmp_metrics *list, char *err, size_t errlen)
{
    char *text;
    cJSON *root;
    if (aidc_jread_load(path, "a tolerance file", MAX_JSON_BYTES, &text, &root, err, errlen))
        return -1;
    aidc_jread r = {path, text, err, errlen, NULL};
    int rc = -1;
    char found[96];
    const cJSON *metrics = NULL;
    static const char *const keys[] = {"description", "metrics", NULL};
    const char *desc;
    if (!cJSON_IsObject(root)) {
        aidc_jread_fail(&r, "", false, "expected a JSON object {\"metrics\": {...}}, found %s",
                        aidc_jread_describe(root, found, sizeof found));
        goto out;
    }
    if (aidc_jread_keys(&r, root, "", keys) ||
        aidc_jread_str(&r, root, "", "description", false, &desc) < 0 ||
        aidc_jread_obj(&r, root, "", "metrics", true, &metrics) < 0)
        goto out;
    if (!metrics->child) {
        aidc_jread_fail(&r, "metrics", false,
                        "no metrics: expected {\"wait_s.p95\": {\"rel\": 0.05}, ...}");
        goto out;
    }
    for (const cJSON *it = metrics->child; it; it = it->next)
        if (read_metric_entry(&r, it, list)) goto out;
    rc = 0;
out:
    cJSON_Delete(root);
    free(text);
    return rc;
}

/* Parses a non-negative finite number filling all of s[0..len). */
static int parse_amount(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf) return -1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end || errno || !isfinite(v) || v < 0 || v > MAX_TOL) return -1;
    *out = v;
    return 0;
}

int aidc_cmp_metric_parse_arg(const char *arg, aidc_cmp_metric *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    out->rel = out->abs = -1;
    const char *c1 = strchr(arg, ':');
    if (!c1) {
        snprintf(err, errlen,
                 "--metric %s: expected PATH:TOL[:lower|higher], e.g. wait_s.p95:5%% or "
                 "gpu_utilization.mean:0.01:higher",
                 arg);
        return -1;
    }
    size_t plen = (size_t)(c1 - arg);
    if (plen >= sizeof out->path) plen = sizeof out->path - 1;
    memcpy(out->path, arg, plen);
    out->path[plen] = '\0';
    if ((size_t)(c1 - arg) >= sizeof out->path || !aidc_cmp_path_valid(out->path)) {
        snprintf(err, errlen,
                 "--metric %s: \"%.*s\" is not a metric path: expected summary.json keys "
                 "joined by dots, like wait_s.p95",
                 arg, (int)(c1 - arg), arg);
        return -1;
    }
    const char *tol = c1 + 1;
    const char *c2 = strchr(tol, ':');
    size_t tlen = c2 ? (size_t)(c2 - tol) : strlen(tol);
    for (size_t i = 0; i <= tlen;) {
        size_t n = strcspn(tol + i, ",:");
        if (n > tlen - i) n = tlen - i;
        double v;
        bool pct = n > 0 && tol[i + n - 1] == '%';
        double *slot = pct ? &out->rel : &out->abs;
        if (parse_amount(tol + i, pct ? n - 1 : n, &v) || *slot >= 0) {
            snprintf(err, errlen,
                     "--metric %s: tolerance \"%.*s\": expected N%% (relative to the baseline), "
                     "N (absolute, in the metric's unit) or both as N%%,N; N a number >= 0",
                     arg, (int)tlen, tol);
            return -1;
        }
        *slot = pct ? v / 100 : v;
        i += n + 1;
    }
    if (c2) {
        if (strcmp(c2 + 1, "lower") == 0)
            out->better = AIDC_CMP_LOWER;
        else if (strcmp(c2 + 1, "higher") == 0)
            out->better = AIDC_CMP_HIGHER;
        else {
            snprintf(err, errlen,
                     "--metric %s: expected \"lower\" or \"higher\" after the "
                     "tolerance, found \"%s\"",
                     arg, c2 + 1);
            return -1;
        }
    } else if ((out->better = aidc_cmp_known_direction(out->path)) == AIDC_CMP_UNKNOWN) {
        snprintf(err, errlen,
                 "--metric %s: no known direction for \"%s\": append :lower or :higher", arg,
                 out->path);
        return -1;
    }
    return 0;
}

/* ---- the verdict ---------------------------------------------------------- */

aidc_cmp_check aidc_cmp_judge(const aidc_cmp_metric *m, double baseline, double candidate)
{
    aidc_cmp_check c;
    memset(&c, 0, sizeof c);
    c.baseline = baseline;
    c.candidate = candidate;
    c.change = candidate - baseline;
    if (baseline != 0)
        c.change_pct = 100 * c.change / fabs(baseline);
    else
        c.change_pct = c.change == 0 ? 0 : NAN;
    double band = 0;
    if (m->rel >= 0) band = m->rel * fabs(baseline);
    if (m->abs > band) band = m->abs;
    c.allowed = band;
    double worse = m->better == AIDC_CMP_HIGHER ? -c.change : c.change;
    if (worse > band)
        c.verdict = AIDC_CMP_REGRESSED;
    else if (-worse > band)
        c.verdict = AIDC_CMP_BETTER;
    else
        c.verdict = AIDC_CMP_OK;
    return c;
}

const char *aidc_cmp_verdict_name(aidc_cmp_verdict v)
{
    switch (v) {
    case AIDC_CMP_OK:
        return "ok";
    case AIDC_CMP_BETTER:
        return "better";
    case AIDC_CMP_REGRESSED:
        return "REGRESSED";
    }
    return "?";
}

const char *aidc_cmp_better_name(aidc_cmp_better b)
{
    return b == AIDC_CMP_LOWER ? "lower" : b == AIDC_CMP_HIGHER ? "higher" : "?";
}

char *aidc_cmp_tolerance_text(const aidc_cmp_metric *m, char *buf, size_t n)
{
    char rel[40] = "", abs[40] = "";
    if (m->rel >= 0) snprintf(rel, sizeof rel, "%.6g%%", m->rel * 100);
    if (m->abs >= 0) snprintf(abs, sizeof abs, "%.6g", m->abs);
    snprintf(buf, n, "%s%s%s", rel, rel[0] && abs[0] ? " or " : "", abs);
    return buf;
}

/* ---- number text ------------------------------------------------------------ */

/* For reading: integers whole, large values to 0.1, others to 6 digits. */
static char *fmt_num(char *buf, size_t n, double v, bool sign)
{
    const char *plus = sign && v > 0 ? "+" : "";
    if (v == 0)
        snprintf(buf, n, "0");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, n, "%s%.0f", plus, v);
    else if (fabs(v) >= 1e5) {
        snprintf(buf, n, "%s%.1f", plus, v);
        size_t len = strlen(buf);
        if (len > 2 && strcmp(buf + len - 2, ".0") == 0) buf[len - 2] = '\0'; /* 121246.04 */
    } else
        snprintf(buf, n, "%s%.6g", plus, v);
    return buf;
}

static char *fmt_pct(char *buf, size_t n, double pct)
{
    if (isnan(pct))
        snprintf(buf, n, "n/a");
    else if (pct == 0)
        snprintf(buf, n, "0.00%%");
    else
        snprintf(buf, n, "%+.2f%%", pct);
    return buf;
}

/* Full precision for machines: the shortest of %.15g/%.17g that reads back. */
static char *fmt_exact(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.15g", v);
    if (strtod(buf, NULL) != v) snprintf(buf, n, "%.17g", v);
    return buf;
}

/* ---- the table ------------------------------------------------------------------ */

static size_t metric_width(const aidc_cmp_report *r)
{
    size_t w = strlen("metric");
    for (size_t k = 0; k < r->n_metrics; k++)
        if (strlen(r->metrics[k].path) > w) w = strlen(r->metrics[k].path);
    return w;
}

static const char *policy_text(const char *p)
{
    return p ? p : "?";
}

void aidc_cmp_write_table(const aidc_cmp_report *r, FILE *f)
{
    int w = (int)metric_width(r);
    fprintf(f, "compare: baseline %s, candidate %s: %zu scenario%s x %zu metric%s\n", r->label[0],
            r->label[1], r->n_scen, r->n_scen == 1 ? "" : "s", r->n_metrics,
            r->n_metrics == 1 ? "" : "s");
    for (size_t i = 0; i < r->n_scen; i++) {
        const aidc_cmp_scenario *s = &r->scen[i];
        fprintf(f, "\n%s (seed %lld): %s -> %s\n", s->name, s->seed[0], policy_text(s->policy[0]),
                policy_text(s->policy[1]));
        fprintf(f, "  %-*s %13s %13s %13s %9s  %-6s  %-12s %s\n", w, "metric", "baseline",
                "candidate", "change", "change%", "better", "tolerance", "verdict");
        for (size_t k = 0; k < r->n_metrics; k++) {
            const aidc_cmp_metric *m = &r->metrics[k];
            const aidc_cmp_check *c = &s->checks[k];
            char b[40], cd[40], ch[40], pct[24], tol[64];
            fprintf(f, "  %-*s %13s %13s %13s %9s  %-6s  %-12s %s\n", w, m->path,
                    fmt_num(b, sizeof b, c->baseline, false),
                    fmt_num(cd, sizeof cd, c->candidate, false),
                    fmt_num(ch, sizeof ch, c->change, true),
                    fmt_pct(pct, sizeof pct, c->change_pct), aidc_cmp_better_name(m->better),
                    aidc_cmp_tolerance_text(m, tol, sizeof tol), aidc_cmp_verdict_name(c->verdict));
        }
    }
    size_t checks = r->n_ok + r->n_better + r->n_regressed;
    fprintf(f, "\n%zu check%s: %zu REGRESSED, %zu better, %zu ok\n", checks, checks == 1 ? "" : "s",
            r->n_regressed, r->n_better, r->n_ok);
    if (r->n_regressed)
        fprintf(f, "FAIL: %zu check%s regressed past %s tolerance\n", r->n_regressed,
                r->n_regressed == 1 ? "" : "s", r->n_regressed == 1 ? "its" : "their");
    else
        fprintf(f, "PASS: no metric regressed past its tolerance\n");
}

/* ---- CSV ------------------------------------------------------------------------ */

void aidc_cmp_write_csv(const aidc_cmp_report *r, FILE *f)
{
    fputs("scenario,metric,better,baseline,candidate,change,change_pct,rel_tol,abs_tol,allowed,"
          "verdict\n",
          f);
    for (size_t i = 0; i < r->n_scen; i++)
        for (size_t k = 0; k < r->n_metrics; k++) {
            const aidc_cmp_metric *m = &r->metrics[k];
            const aidc_cmp_check *c = &r->scen[i].checks[k];
            char b[32], cd[32], ch[32], pct[32] = "", rel[32] = "", abs[32] = "", al[32];
            if (!isnan(c->change_pct)) fmt_exact(pct, sizeof pct, c->change_pct);
            if (m->rel >= 0) fmt_exact(rel, sizeof rel, m->rel);
            if (m->abs >= 0) fmt_exact(abs, sizeof abs, m->abs);
            aidc_csv_field(f, r->scen[i].name);
            fprintf(f, ",%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", m->path, aidc_cmp_better_name(m->better),
                    fmt_exact(b, sizeof b, c->baseline), fmt_exact(cd, sizeof cd, c->candidate),
                    fmt_exact(ch, sizeof ch, c->change), pct, rel, abs,
                    fmt_exact(al, sizeof al, c->allowed), aidc_cmp_verdict_name(c->verdict));
        }
}

/* ---- JUnit XML ------------------------------------------------------------------- */

/* Escapes text for an XML attribute or element. Control characters XML 1.0
 * cannot carry at all (not even as references) become U+FFFD. */
static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        switch (c) {
        case '&':
            fputs("&amp;", f);
            break;
        case '<':
            fputs("&lt;", f);
            break;
        case '>':
            fputs("&gt;", f);
            break;
        case '"':
            fputs("&quot;", f);
            break;
        case '\'':
            fputs("&apos;", f);
            break;
        case '\t':
            fputs("&#9;", f);
            break;
        case '\n':
            fputs("&#10;", f);
            break;
        case '\r':
            fputs("&#13;", f);
            break;
        default:
            if (c < 0x20)
                fputs("\xEF\xBF\xBD", f);
            else
                fputc(c, f);
        }
    }
}

/* "baseline 3590, candidate 1196.67, change -2393.33 (-66.67%); tolerance
 * 5% or 60 (band 179.5), lower is better" */
static void check_sentence(char *buf, size_t n, const aidc_cmp_metric *m, const aidc_cmp_check *c)
{
    char b[40], cd[40], ch[40], pct[24], tol[64], band[40];
    snprintf(buf, n,
             "baseline %s, candidate %s, change %s (%s); tolerance %s (band %s), %s is better",
             fmt_num(b, sizeof b, c->baseline, false), fmt_num(cd, sizeof cd, c->candidate, false),
             fmt_num(ch, sizeof ch, c->change, true), fmt_pct(pct, sizeof pct, c->change_pct),
             aidc_cmp_tolerance_text(m, tol, sizeof tol),
             fmt_num(band, sizeof band, c->allowed, false), aidc_cmp_better_name(m->better));
}

void aidc_cmp_write_junit(const aidc_cmp_report *r, FILE *f)
{
    size_t tests = r->n_scen * r->n_metrics;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    fprintf(f,
            "<testsuites name=\"aidcsim compare\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
            "time=\"0\">\n",
            tests, r->n_regressed);
    for (size_t i = 0; i < r->n_scen; i++) {
        const aidc_cmp_scenario *s = &r->scen[i];
        size_t failures = 0;
        for (size_t k = 0; k < r->n_metrics; k++)
            failures += s->checks[k].verdict == AIDC_CMP_REGRESSED;
        fputs("  <testsuite name=\"", f);
        xml_text(f, s->name);
        fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"0\" time=\"0\">\n",
                r->n_metrics, failures);
        fputs("    <properties>\n", f);
        const char *names[2] = {"baseline", "candidate"};
        for (int side = 0; side < 2; side++) {
            fprintf(f, "      <property name=\"%s\" value=\"", names[side]);
            xml_text(f, r->label[side]);
            fprintf(f, "\"/>\n      <property name=\"%s.policy\" value=\"", names[side]);
            xml_text(f, policy_text(s->policy[side]));
            fprintf(f, "\"/>\n      <property name=\"%s.seed\" value=\"%lld\"/>\n", names[side],
                    s->seed[side]);
        }
        fputs("    </properties>\n", f);
        for (size_t k = 0; k < r->n_metrics; k++) {
            const aidc_cmp_metric *m = &r->metrics[k];
            const aidc_cmp_check *c = &s->checks[k];
            char sentence[400];
            check_sentence(sentence, sizeof sentence, m, c);
            fputs("    <testcase classname=\"", f);
            xml_text(f, s->name);
            fprintf(f, "\" name=\"%s\" time=\"0\">\n", m->path);
            if (c->verdict == AIDC_CMP_REGRESSED) {
                char b[40], cd[40], pct[24], band[40];
                fprintf(f, "      <failure type=\"regression\" message=\"%s regressed: ", m->path);
                char msg[300];
                snprintf(msg, sizeof msg, "%s -> %s (%s), beyond the allowed %s (%s is better)",
                         fmt_num(b, sizeof b, c->baseline, false),
                         fmt_num(cd, sizeof cd, c->candidate, false),
                         fmt_pct(pct, sizeof pct, c->change_pct),
                         fmt_num(band, sizeof band, c->allowed, false),
                         aidc_cmp_better_name(m->better));
                xml_text(f, msg);
                fputs("\">", f);
                xml_text(f, sentence);
                fputs("</failure>\n", f);
            }
            fputs("      <system-out>", f);
            xml_text(f, sentence);
            fprintf(f, ": %s</system-out>\n    </testcase>\n", aidc_cmp_verdict_name(c->verdict));
        }
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
}

/* ---- Markdown -------------------------------------------------------------------- */

/* Escapes what GitHub Markdown would read as markup inside a table cell. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (strchr("\\`*_[]<>|#~", *s)) fputc('\\', f);
        if (*s == '\n' || *s == '\r')
            fputc(' ', f);
        else
            fputc(*s, f);
    }
}

/* A code span; a backquote inside would end it, so it becomes a quote. */
static void md_code(FILE *f, const char *s)
{
    fputc('`', f);
    for (; *s; s++)
        fputc(*s == '`' ? '\'' : (*s == '\n' || *s == '\r') ? ' ' : *s, f);
    fputc('`', f);
}

static void md_row(FILE *f, const aidc_cmp_report *r, size_t i, size_t k, bool verdict_col)
{
    const aidc_cmp_metric *m = &r->metrics[k];
    const aidc_cmp_check *c = &r->scen[i].checks[k];
    char b[40], cd[40], ch[40], pct[24], tol[64];
    bool bad = c->verdict == AIDC_CMP_REGRESSED;
    fputs("| ", f);
    md_text(f, r->scen[i].name);
    fprintf(f, " | `%s` | %s | %s | %s | %s (%s) | %s |", m->path, aidc_cmp_better_name(m->better),
            fmt_num(b, sizeof b, c->baseline, false), fmt_num(cd, sizeof cd, c->candidate, false),
            fmt_num(ch, sizeof ch, c->change, true), fmt_pct(pct, sizeof pct, c->change_pct),
            aidc_cmp_tolerance_text(m, tol, sizeof tol));
    if (verdict_col)
        fprintf(f, " %s |",
                bad                             ? ":x: **REGRESSED**"
                : c->verdict == AIDC_CMP_BETTER ? ":green_circle: better"
                                                : "ok");
    fputc('\n', f);
}

void aidc_cmp_write_markdown(const aidc_cmp_report *r, FILE *f)
{
    size_t checks = r->n_ok + r->n_better + r->n_regressed;
    fputs("### aidcsim compare: ", f);
    md_code(f, r->label[0]);
    fputs(" (baseline) vs ", f);
    md_code(f, r->label[1]);
    fputs(" (candidate)\n\n", f);
    if (r->n_regressed)
        fprintf(f, ":x: **FAIL**: %zu of %zu checks regressed past their tolerance", r->n_regressed,
                checks);
    else
        fprintf(f, ":white_check_mark: **PASS**: none of %zu checks regressed past its tolerance",
                checks);
    fprintf(f, " (%zu better, %zu ok; %zu scenario%s x %zu metric%s).\n\n", r->n_better, r->n_ok,
            r->n_scen, r->n_scen == 1 ? "" : "s", r->n_metrics, r->n_metrics == 1 ? "" : "s");
    static const char head[] = "| scenario | metric | better | baseline | candidate | change | "
                               "tolerance |";
    static const char rule[] = "|---|---|---|---:|---:|---:|---|";
    if (r->n_regressed) {
        fprintf(f, "#### Regressions\n\n%s\n%s\n", head, rule);
        for (size_t i = 0; i < r->n_scen; i++)
            for (size_t k = 0; k < r->n_metrics; k++)
                if (r->scen[i].checks[k].verdict == AIDC_CMP_REGRESSED) md_row(f, r, i, k, false);
        fputs("\n", f);
    }
    /* GitHub cuts a comment at 65536 characters: about 100 per row */
    if (checks > MD_MAX_ROWS) {
        fprintf(f,
                "All %zu checks are in compare.csv and the JUnit report (more than %d rows do "
                "not fit a comment).\n\n",
                checks, MD_MAX_ROWS);
    } else {
        fprintf(f, "<details><summary>All %zu checks</summary>\n\n%s verdict |\n%s---|\n", checks,
                head, rule);
        for (size_t i = 0; i < r->n_scen; i++)
            for (size_t k = 0; k < r->n_metrics; k++)
                md_row(f, r, i, k, true);
        fputs("\n</details>\n\n", f);
    }
    fputs("A change inside the tolerance band (relative to the baseline, or absolute in the "
          "metric's unit; the wider when both are given) is ok.\n",
          f);
}

/* ---- compare.json ---------------------------------------------------------------- */

int aidc_cmp_write_json(const aidc_cmp_report *r, FILE *f)
{
    cJSON *root = cJSON_CreateObject();
    if (!root) return -1;
    bool ok = cJSON_AddNumberToObject(root, "format", AIDC_CMP_FORMAT) &&
              cJSON_AddStringToObject(root, "baseline", r->label[0]) &&
              cJSON_AddStringToObject(root, "candidate", r->label[1]) &&
              cJSON_AddStringToObject(root, "status", r->n_regressed ? "fail" : "pass");
    cJSON *counts = ok ? cJSON_AddObjectToObject(root, "counts") : NULL;
    ok = counts &&
         cJSON_AddNumberToObject(counts, "checks",
                                 (double)(r->n_ok + r->n_better + r->n_regressed)) &&
         cJSON_AddNumberToObject(counts, "regressed", (double)r->n_regressed) &&
         cJSON_AddNumberToObject(counts, "better", (double)r->n_better) &&
         cJSON_AddNumberToObject(counts, "ok", (double)r->n_ok);
    cJSON *metrics = ok ? cJSON_AddArrayToObject(root, "metrics") : NULL;
    ok = metrics != NULL;
    for (size_t k = 0; ok && k < r->n_metrics; k++) {
        const aidc_cmp_metric *m = &r->metrics[k];
        cJSON *o = cJSON_CreateObject();
        ok = o && cJSON_AddItemToArray(metrics, o) && cJSON_AddStringToObject(o, "path", m->path) &&
             cJSON_AddStringToObject(o, "better", aidc_cmp_better_name(m->better)) &&
             (m->rel < 0 || cJSON_AddNumberToObject(o, "rel", m->rel)) &&
             (m->abs < 0 || cJSON_AddNumberToObject(o, "abs", m->abs));
    }
    cJSON *scen = ok ? cJSON_AddArrayToObject(root, "scenarios") : NULL;
    ok = scen != NULL;
    for (size_t i = 0; ok && i < r->n_scen; i++) {
        const aidc_cmp_scenario *s = &r->scen[i];
        cJSON *o = cJSON_CreateObject(), *pol = NULL, *seed = NULL, *checks = NULL;
        ok = o && cJSON_AddItemToArray(scen, o) && cJSON_AddStringToObject(o, "name", s->name) &&
             (pol = cJSON_AddObjectToObject(o, "policy")) &&
             cJSON_AddStringToObject(pol, "baseline", policy_text(s->policy[0])) &&
             cJSON_AddStringToObject(pol, "candidate", policy_text(s->policy[1])) &&
             (seed = cJSON_AddObjectToObject(o, "seed")) &&
             cJSON_AddNumberToObject(seed, "baseline", (double)s->seed[0]) &&
             cJSON_AddNumberToObject(seed, "candidate", (double)s->seed[1]) &&
             (checks = cJSON_AddArrayToObject(o, "checks"));
        for (size_t k = 0; ok && k < r->n_metrics; k++) {
            const aidc_cmp_check *c = &s->checks[k];
            cJSON *x = cJSON_CreateObject();
            ok = x && cJSON_AddItemToArray(checks, x) &&
                 cJSON_AddStringToObject(x, "metric", r->metrics[k].path) &&
                 cJSON_AddNumberToObject(x, "baseline", c->baseline) &&
                 cJSON_AddNumberToObject(x, "candidate", c->candidate) &&
                 cJSON_AddNumberToObject(x, "change", c->change) &&
                 (isnan(c->change_pct)
                      ? cJSON_AddNullToObject(x, "change_pct") != NULL
                      : cJSON_AddNumberToObject(x, "change_pct", c->change_pct) != NULL) &&
                 cJSON_AddNumberToObject(x, "allowed", c->allowed) &&
                 cJSON_AddStringToObject(x, "verdict", aidc_cmp_verdict_name(c->verdict));
        }
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text) return -1;
    fputs(text, f);
    fputc('\n', f);
    free(text);
    return 0;
}

/* ---- summaries ------------------------------------------------------------------- */

typedef struct summary {
    char *label; /* the path shown in messages */
    char *text;
    cJSON *root;
} summary;

static void summary_fini(summary *s)
{
    free(s->label);
    free(s->text);
    cJSON_Delete(s->root);
    memset(s, 0, sizeof *s);
}

/* Reads path; messages name label (the final path when path is temporary). */
static int summary_load(summary *s, const char *path, const char *label, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    if (!(s->label = strdup(label))) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (aidc_jread_load(path, "a summary.json", MAX_JSON_BYTES, &s->text, &s->root, err, errlen)) {
        /* name the final place, not the temporary directory */
        if (strcmp(path, label) != 0) {
            char *tmp = strdup(err);
            if (tmp) {
                const char *rest =
                    strncmp(tmp, path, strlen(path)) == 0 ? tmp + strlen(path) : NULL;
                if (rest) snprintf(err, errlen, "%s%s", label, rest);
                free(tmp);
            }
        }
        summary_fini(s);
        return -1;
    }
    if (!cJSON_IsObject(s->root)) {
        snprintf(err, errlen, "%s: expected a JSON object (an aidcsim summary.json)", label);
        summary_fini(s);
        return -1;
    }
    return 0;
}

/* Collects the dotted paths of every number and boolean under o. */
static void leaf_paths(const cJSON *o, const char *prefix, char **out, size_t *n, size_t cap)
{
    for (const cJSON *it = o->child; it && *n < cap; it = it->next) {
        char p[AIDC_PATH_MAX];
        aidc_jread_join(p, prefix, it->string);
        if (cJSON_IsObject(it))
            leaf_paths(it, p, out, n, cap);
        else if ((cJSON_IsNumber(it) || cJSON_IsBool(it)) && (out[*n] = strdup(p)))
            (*n)++;
    }
}

/* The value of metric path in s: a number, or a boolean as 0/1. */
static int summary_metric(const summary *s, const char *path, double *out, char *err, size_t errlen)
{
    const cJSON *v = s->root;
    char seg[AIDC_CMP_PATH_MAX];
    for (const char *p = path; v && *p;) {
        size_t len = strcspn(p, ".");
        memcpy(seg, p, len);
        seg[len] = '\0';
        v = cJSON_IsObject(v) ? cJSON_GetObjectItemCaseSensitive(v, seg) : NULL;
        p += len + (p[len] == '.');
    }
    aidc_jread r = {s->label, s->text, err, errlen, NULL};
    char found[96];
    if (v && cJSON_IsNumber(v)) {
        *out = v->valuedouble;
        return 0;
    }
    if (v && cJSON_IsBool(v)) {
        *out = cJSON_IsTrue(v) ? 1 : 0;
        return 0;
    }
    if (v)
        return aidc_jread_fail(&r, path, false, "metric \"%s\" is not a number: found %s", path,
                               aidc_jread_describe(v, found, sizeof found));
    enum { CAP = 512 };
    char *paths[CAP + 1];
    size_t n = 0;
    leaf_paths(s->root, "", paths, &n, CAP);
    paths[n] = NULL;
    const char *hint = aidc_suggest(path, (const char *const *)paths);
    if (hint)
        snprintf(err, errlen, "%s: %s: no such metric in this summary; did you mean \"%s\"?",
                 s->label, path, hint);
    else
        snprintf(err, errlen,
                 "%s: %s: no such metric in this summary (its numeric keys are listed in the "
                 "README, \"Outputs\")",
                 s->label, path);
    for (size_t i = 0; i < n; i++)
        free(paths[i]);
    return -1;
}

static char *summary_string(const summary *s, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->root, key);
    return cJSON_IsString(v) ? strdup(v->valuestring) : NULL;
}

static long long summary_seed(const summary *s)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(s->root, "seed");
    return cJSON_IsNumber(v) ? (long long)v->valuedouble : -1;
}

/* ---- the comparison ---------------------------------------------------------------- */

/* One scenario to compare: its name and the summary.json of each side (the
 * path read and the path named in messages). */
typedef struct pair {
    char *name;
    char *path[2], *label[2];
} pair;

static void pairs_free(pair *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].name);
        for (int s = 0; s < 2; s++) {
            free(p[i].path[s]);
            free(p[i].label[s]);
        }
    }
    free(p);
}

static int pair_cmp(const void *a, const void *b)
{
    return strcmp(((const pair *)a)->name, ((const pair *)b)->name);
}

static void report_fini(aidc_cmp_report *r)
{
    for (size_t i = 0; i < r->n_scen; i++) {
        free(r->scen[i].name);
        free(r->scen[i].policy[0]);
        free(r->scen[i].policy[1]);
        free(r->scen[i].checks);
    }
    free(r->scen);
    r->scen = NULL;
    r->n_scen = 0;
}

/* Reads both summaries of every pair and judges every metric. Pairs are
 * judged in name order, whichever way they were found. Returns 0, or 2 with
 * a message. */
static int evaluate(aidc_cmp_report *r, pair *pairs, size_t n, char *err, size_t errlen)
{
    qsort(pairs, n, sizeof *pairs, pair_cmp);
    r->scen = calloc(n ? n : 1, sizeof *r->scen);
    if (!r->scen) {
        snprintf(err, errlen, "out of memory");
        return EXIT_INTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        aidc_cmp_scenario *sc = &r->scen[r->n_scen++];
        summary sum[2];
        if (!(sc->name = strdup(pairs[i].name)) ||
            !(sc->checks = calloc(r->n_metrics ? r->n_metrics : 1, sizeof *sc->checks))) {
            snprintf(err, errlen, "out of memory");
            return EXIT_INTERNAL;
        }
        if (summary_load(&sum[0], pairs[i].path[0], pairs[i].label[0], err, errlen))
            return EXIT_BAD_INPUT;
        if (summary_load(&sum[1], pairs[i].path[1], pairs[i].label[1], err, errlen)) {
            summary_fini(&sum[0]);
            return EXIT_BAD_INPUT;
        }
        int rc = EXIT_OK;
        for (int s = 0; s < 2; s++) {
            sc->policy[s] = summary_string(&sum[s], "policy");
            sc->seed[s] = summary_seed(&sum[s]);
        }
        for (size_t k = 0; rc == EXIT_OK && k < r->n_metrics; k++) {
            double v[2];
            if (summary_metric(&sum[0], r->metrics[k].path, &v[0], err, errlen) ||
                summary_metric(&sum[1], r->metrics[k].path, &v[1], err, errlen)) {
                rc = EXIT_BAD_INPUT;
                break;
            }
            sc->checks[k] = aidc_cmp_judge(&r->metrics[k], v[0], v[1]);
            switch (sc->checks[k].verdict) {
            case AIDC_CMP_OK:
                r->n_ok++;
                break;
            case AIDC_CMP_BETTER:
                r->n_better++;
                break;
            case AIDC_CMP_REGRESSED:
                r->n_regressed++;
                break;
            }
        }
        summary_fini(&sum[0]);
        summary_fini(&sum[1]);
        if (rc) return rc;
        if (sc->seed[0] != sc->seed[1])
            fprintf(stderr,
                    "aidcsim compare: note: %s ran with seed %lld (baseline) and %lld (candidate); "
                    "differences include random variation\n",
                    sc->name, sc->seed[0], sc->seed[1]);
    }
    return EXIT_OK;
}

/* ---- the suite --------------------------------------------------------------------- */

typedef struct suite {
    char **file;
    char **name;
    size_t n, cap;
} suite;

static void suite_fini(suite *s)
{
    for (size_t i = 0; i < s->n; i++) {
        free(s->file[i]);
        free(s->name[i]);
    }
    free(s->file);
    free(s->name);
    memset(s, 0, sizeof *s);
}

static int suite_add(suite *s, const char *file)
{
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 16;
        char **f = realloc(s->file, cap * sizeof *f);
        if (f) s->file = f;
        char **nm = f ? realloc(s->name, cap * sizeof *nm) : NULL;
        if (!nm) return -1;
        s->name = nm;
        s->cap = cap;
    }
    s->name[s->n] = NULL;
    if (!(s->file[s->n] = strdup(file))) return -1;
    s->n++;
    return 0;
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Adds the scenarios directly in dir: every *.json (not hidden) whose top
 * level is an object with a "cluster" key. Every scenario needs that key, so
 * skipping the others (tolerance files, schemas) never drops a scenario; a
 * *.json that does not parse cannot be told apart and is an error. */
static int suite_add_dir(suite *s, const char *dir, bool quiet, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s: cannot open: %s", dir, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = EXIT_OK;
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (e->d_name[0] == '.' || len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn) {
                rc = EXIT_INTERNAL;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = EXIT_INTERNAL;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == EXIT_OK) qsort(names, n, sizeof *names, str_cmp);
    size_t added = 0;
    for (size_t i = 0; rc == EXIT_OK && i < n; i++) {
        char path[4200];
        struct stat st;
        snprintf(path, sizeof path, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/",
                 names[i]);
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) continue; /* a directory named x.json */
        char *text;
        cJSON *root;
        if (aidc_jread_load(path, "a scenario", MAX_JSON_BYTES, &text, &root, err, errlen)) {
            size_t used = strlen(err);
            snprintf(err + used, errlen - used,
                     "\n(every *.json in a suite directory must parse, so that scenarios can be "
                     "told apart from other files)");
            rc = EXIT_BAD_INPUT;
            break;
        }
        bool scenario = cJSON_IsObject(root) && cJSON_GetObjectItemCaseSensitive(root, "cluster");
        cJSON_Delete(root);
        free(text);
        if (!scenario) {
            if (!quiet)
                fprintf(stderr,
                        "aidcsim compare: skipping %s: no top-level \"cluster\" key, not "
                        "a scenario\n",
                        path);
            continue;
        }
        if (suite_add(s, path)) rc = EXIT_INTERNAL;
        added++;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == EXIT_INTERNAL) snprintf(err, errlen, "out of memory");
    if (rc == EXIT_OK && added == 0) {
        snprintf(err, errlen, "%s: no scenarios in this directory (*.json with a \"cluster\" key)",
                 dir);
        rc = EXIT_BAD_INPUT;
    }
    return rc;
}

/* ---- options ------------------------------------------------------------------------ */

typedef struct options {
    const char **suite_args;
    size_t n_suite;
    const char *policy[2]; /* --baseline, --candidate */
    const char *dir[2];    /* --baseline-dir, --candidate-dir */
    const char **sets[2];  /* --baseline-set, --candidate-set (and --set on both) */
    size_t n_sets[2];
    const char *tolerances;
    const char **metric_args;
    size_t n_metric_args;
    const char *out_dir;
    const char *junit, *markdown;
    int jobs;
    int64_t seed;
    bool quiet;
    aidc_cmp_chart_fn chart;
    void *chart_ctx;
} options;

static const char *const side_name[2] = {"baseline", "candidate"};

/* The overrides of one side: the policy first, then every --set, then the
 * side's own --*-set (later ones win). NULL-terminated; *policy_override is
 * the allocated first entry. A built-in policy becomes
 * policy={"name":NAME}, so --baseline-set policy.params.x=1 can add to it; a
 * plugin (a path: holds '/' or ends in .so) becomes policy={"plugin":ABSPATH}. */
static int side_overrides(const options *o, int side, const char ***out, char *err, size_t errlen)
{
    const char *pol = o->policy[side];
    bool unresolved;
    char *first = aidc_policy_override(pol, &unresolved);
    if (first && unresolved) {
        snprintf(err, errlen, "--%s %s: cannot open the policy plugin: %s", side_name[side], pol,
                 strerror(errno));
        free(first);
        return EXIT_BAD_INPUT;
    }
    const char **ov = calloc(o->n_sets[side] + 2, sizeof *ov);
    if (!ov || !first) {
        free(ov);
        free(first);
        snprintf(err, errlen, "out of memory");
        return EXIT_INTERNAL;
    }
    ov[0] = first;
    for (size_t i = 0; i < o->n_sets[side]; i++)
        ov[i + 1] = o->sets[side][i];
    *out = ov;
    return EXIT_OK;
}

/* A scenario name becomes a directory name under OUT/baseline/. */
static bool name_usable(const char *name)
{
    return name[0] && name[0] != '.' && !strchr(name, '/');
}

/* Loads every scenario of the suite under both sides' overrides before any
 * run, so a typo in a policy name or a --set fails at once, and takes each
 * scenario's name (the baseline side's) for its output directory. */
static int suite_check(suite *s, const char **ov[2], int64_t seed, char *err, size_t errlen)
{
    for (size_t i = 0; i < s->n; i++) {
        for (int side = 0; side < 2; side++) {
            aidc_scenario sc;
            char msg[ERR_LEN];
            if (aidc_scenario_load(&sc, s->file[i], ov[side], seed, msg, sizeof msg)) {
                /* the policy override came from --baseline/--candidate, not --set */
                char from[ERR_LEN];
                snprintf(from, sizeof from, " (from --set %s)", ov[side][0]);
                char *at = strstr(msg, from);
                if (at) memmove(at, at + strlen(from), strlen(at + strlen(from)) + 1);
                snprintf(err, errlen, "%s: %s", side_name[side], msg);
                return EXIT_BAD_INPUT;
            }
            if (side == 0 && !(s->name[i] = strdup(sc.name))) {
                aidc_scenario_fini(&sc);
                snprintf(err, errlen, "out of memory");
                return EXIT_INTERNAL;
            }
            aidc_scenario_fini(&sc);
        }
        if (!name_usable(s->name[i])) {
            snprintf(err, errlen,
                     "%s: the scenario name \"%s\" cannot name an output directory (empty, "
                     "starts with '.' or holds '/')",
                     s->file[i], s->name[i]);
            return EXIT_BAD_INPUT;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->name[i], s->name[j]) == 0) {
                snprintf(err, errlen,
                         "%s and %s: both scenarios are named \"%s\"; names must differ within a "
                         "suite (they name the output directories)",
                         s->file[j], s->file[i], s->name[i]);
                return EXIT_BAD_INPUT;
            }
    }
    return EXIT_OK;
}

/* ---- running the suite ----------------------------------------------------------------- */

typedef struct job {
    pid_t pid;
    int fd; /* read end of the child's message pipe */
    int rc; /* exit status; -1 while not finished */
    char msg[ERR_LEN];
} job;

static void read_all(int fd, char *buf, size_t n)
{
    size_t got = 0;
    while (got + 1 < n) {
        ssize_t k = read(fd, buf + got, n - 1 - got);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) break;
        got += (size_t)k;
    }
    buf[got] = '\0';
}

/* Runs scenario i on one side in a child process, so that runs proceed in
 * parallel and a policy that crashes fails its run instead of the command. */
static int job_start(job *jb, const char *file, const char *const *ov, int64_t seed,
                     const char *out_dir, char *err, size_t errlen)
{
    int fds[2];
    if (pipe(fds) != 0) {
        snprintf(err, errlen, "cannot create a pipe: %s", strerror(errno));
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start a run: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        char msg[ERR_LEN] = "";
        aidc_run_request req = {.scenario = file, .overrides = ov, .seed = seed, .out_dir = out_dir};
        int rc = aidc_run_scenario(&req, NULL, 0, msg, sizeof msg);
        if (rc) {
            size_t len = strlen(msg), off = 0;
            while (off < len) {
                ssize_t k = write(fds[1], msg + off, len - off);
                if (k <= 0) break;
                off += (size_t)k;
            }
        }
        _exit(rc);
    }
    close(fds[1]);
    jb->pid = pid;
    jb->fd = fds[0];
    jb->rc = -1;
    return 0;
}

/* Runs 2 x n jobs, at most o->jobs at once, into tmp/{baseline,candidate}/NAME.
 * After the first failure no new run starts; the failure reported is the one
 * earliest in the suite. Returns the exit status. */
static int run_suite(const options *o, const suite *s, const char **ov[2], const char *tmp,
                     char *err, size_t errlen)
{
    size_t n = 2 * s->n, next = 0, running = 0;
    job *jobs = calloc(n, sizeof *jobs);
    if (!jobs) {
        snprintf(err, errlen, "out of memory");
        return EXIT_INTERNAL;
    }
    bool stop = false;
    int rc = EXIT_OK;
    if (!o->quiet)
        fprintf(stderr, "aidcsim compare: %zu scenario%s x 2 policies, %d at a time\n", s->n,
                s->n == 1 ? "" : "s", o->jobs);
    while (next < n || running > 0) {
        while (!stop && next < n && running < (size_t)o->jobs) {
            char dir[4400];
            size_t i = next / 2;
            int side = (int)(next % 2);
            snprintf(dir, sizeof dir, "%s/%s/%s", tmp, side_name[side], s->name[i]);
            if (job_start(&jobs[next], s->file[i], ov[side], o->seed, dir, err, errlen)) {
                stop = true;
                rc = EXIT_INTERNAL;
                break;
            }
            next++;
            running++;
        }
        if (running == 0) break;
        int status;
        pid_t pid = waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            snprintf(err, errlen, "waiting for a run: %s", strerror(errno));
            rc = EXIT_INTERNAL;
            break;
        }
        size_t j = 0;
        while (j < next && jobs[j].pid != pid)
            j++;
        if (j == next) continue; /* not one of ours */
        running--;
        read_all(jobs[j].fd, jobs[j].msg, sizeof jobs[j].msg);
        close(jobs[j].fd);
        if (WIFEXITED(status)) {
            jobs[j].rc = WEXITSTATUS(status);
            if (jobs[j].rc != EXIT_OK && !jobs[j].msg[0]) /* e.g. a sanitizer's report */
                snprintf(jobs[j].msg, sizeof jobs[j].msg,
                         "the run ended with exit status %d and no message", jobs[j].rc);
        } else {
            jobs[j].rc = EXIT_INTERNAL;
            int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
            snprintf(jobs[j].msg, sizeof jobs[j].msg, "the run was killed by signal %d (%s)", sig,
                     sig ? strsignal(sig) : "stopped");
        }
        if (jobs[j].rc != EXIT_OK)
            stop = true;
        else if (!o->quiet)
            fprintf(stderr, "  %-9s %s\n", side_name[j % 2], s->name[j / 2]);
    }
    for (size_t j = 0; rc == EXIT_OK && j < next; j++)
        if (jobs[j].rc > 0) {
            snprintf(err, errlen, "%s run of %s failed: %s", side_name[j % 2], s->file[j / 2],
                     jobs[j].msg);
            rc = jobs[j].rc == EXIT_BAD_INPUT ? EXIT_BAD_INPUT : EXIT_INTERNAL;
        }
    free(jobs);
    return rc;
}

/* ---- reading two existing output directories -------------------------------------------- */

typedef struct found {
    bool single; /* dir itself is one output directory */
    char **name, **path;
    size_t n;
} found;

static void found_fini(found *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->name[i]);
        free(f->path[i]);
    }
    free(f->name);
    free(f->path);
    memset(f, 0, sizeof *f);
}

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* dir is one output directory (it holds summary.json) or holds one per
 * scenario (DIR/NAME/summary.json, as compare writes them). Subdirectories
 * without a summary.json (an interrupted run's temporary directory) are
 * skipped with a note. */
static int find_outputs(found *f, const char *dir, const char *opt, bool quiet, char *err,
                        size_t errlen)
{
    memset(f, 0, sizeof *f);
    char path[4400];
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s %s: %s", opt, dir,
                 errno == ENOENT ? "no such directory" : "not a directory");
        return EXIT_BAD_INPUT;
    }
    snprintf(path, sizeof path, "%s/summary.json", dir);
    if (is_file(path)) {
        f->single = true;
        f->name = calloc(1, sizeof *f->name);
        f->path = calloc(1, sizeof *f->path);
        if (!f->name || !f->path || !(f->path[0] = strdup(path))) {
            snprintf(err, errlen, "out of memory");
            return EXIT_INTERNAL;
        }
        f->n = 1;
        return EXIT_OK;
    }
    DIR *d = opendir(dir);
    if (!d) {
        snprintf(err, errlen, "%s %s: cannot open: %s", opt, dir, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    size_t cap = 0;
    int rc = EXIT_OK;
    for (struct dirent *e; rc == EXIT_OK && (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char sub[4400];
        snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
        if (stat(sub, &st) != 0 || !S_ISDIR(st.st_mode)) continue;
        snprintf(path, sizeof path, "%s/summary.json", sub);
        if (!is_file(path)) {
            if (!quiet) fprintf(stderr, "aidcsim compare: skipping %s: no summary.json\n", sub);
            continue;
        }
        if (f->n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nn = realloc(f->name, cap * sizeof *nn);
            if (nn) f->name = nn;
            char **pp = nn ? realloc(f->path, cap * sizeof *pp) : NULL;
            if (!pp) {
                rc = EXIT_INTERNAL;
                break;
            }
            f->path = pp;
        }
        f->name[f->n] = strdup(e->d_name);
        f->path[f->n] = strdup(path);
        f->n++;
        if (!f->name[f->n - 1] || !f->path[f->n - 1]) rc = EXIT_INTERNAL;
    }
    closedir(d);
    if (rc) {
        snprintf(err, errlen, "out of memory");
        return rc;
    }
    if (f->n == 0) {
        snprintf(err, errlen,
                 "%s %s: no summary.json in it nor in any of its subdirectories (expected an "
                 "output directory, or one per scenario as compare writes them)",
                 opt, dir);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

/* Pairs the two sides by scenario (subdirectory) name; two single output
 * directories pair with each other under the baseline's scenario name. */
static int pair_dirs(const options *o, pair **out, size_t *n_out, char *err, size_t errlen)
{
    found f[2];
    static const char *const opt[2] = {"--baseline-dir", "--candidate-dir"};
    int rc = find_outputs(&f[0], o->dir[0], opt[0], o->quiet, err, errlen);
    if (rc) return rc;
    if ((rc = find_outputs(&f[1], o->dir[1], opt[1], o->quiet, err, errlen))) {
        found_fini(&f[0]);
        return rc;
    }
    pair *p = NULL;
    size_t n = 0;
    if (f[0].single != f[1].single) {
        snprintf(err, errlen,
                 "%s %s holds %s, %s %s holds %s: give both as single output directories or both "
                 "as directories of scenarios",
                 opt[0], o->dir[0], f[0].single ? "one output" : "one output per scenario", opt[1],
                 o->dir[1], f[1].single ? "one output" : "one output per scenario");
        rc = EXIT_BAD_INPUT;
        goto out;
    }
    if (!(p = calloc(f[0].n, sizeof *p))) {
        rc = EXIT_INTERNAL;
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < f[s].n && !f[0].single; i++) {
            size_t j = 0;
            while (j < f[1 - s].n && strcmp(f[s].name[i], f[1 - s].name[j]) != 0)
                j++;
            if (j == f[1 - s].n) {
                snprintf(err, errlen, "scenario %s: in %s %s but not in %s %s", f[s].name[i],
                         opt[s], o->dir[s], opt[1 - s], o->dir[1 - s]);
                rc = EXIT_BAD_INPUT;
                goto out;
            }
        }
    for (size_t i = 0; i < f[0].n; i++) {
        pair *q = &p[n++];
        size_t j = 0;
        if (f[0].single) {
            /* the scenario's own name, from its summary */
            summary sm;
            if (summary_load(&sm, f[0].path[0], f[0].path[0], err, errlen)) {
                rc = EXIT_BAD_INPUT;
                goto out;
            }
            q->name = summary_string(&sm, "scenario");
            summary_fini(&sm);
            if (!q->name) q->name = strdup("scenario");
        } else {
            while (strcmp(f[0].name[i], f[1].name[j]) != 0)
                j++;
            q->name = strdup(f[0].name[i]);
        }
        q->path[0] = strdup(f[0].path[i]);
        q->path[1] = strdup(f[1].path[j]);
        q->label[0] = strdup(f[0].path[i]);
        q->label[1] = strdup(f[1].path[j]);
        if (!q->name || !q->path[0] || !q->path[1] || !q->label[0] || !q->label[1]) {
            rc = EXIT_INTERNAL;
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
out:
    found_fini(&f[0]);
    found_fini(&f[1]);
    if (rc) {
        pairs_free(p, n);
        return rc;
    }
    *out = p;
    *n_out = n;
    return EXIT_OK;
}

/* Whether writing out would replace dir or a directory that holds it. */
static bool inside(const char *dir, const char *out)
{
    char a[PATH_MAX], b[PATH_MAX];
    if (!realpath(dir, a) || !realpath(out, b)) return false;
    size_t len = strlen(b);
    return strncmp(a, b, len) == 0 && (a[len] == '\0' || a[len] == '/' || len == 1);
}

/* Replacing -o must not delete what the command reads: the suite, the
 * directories compared, the tolerance file, a plugin. */
static int check_inputs_outside(const options *o, const char *out_dir, char *err, size_t errlen)
{
    const char *in[4] = {o->dir[0], o->dir[1], o->tolerances, NULL};
    for (size_t i = 0; i < o->n_suite + 5; i++) {
        const char *p = i < 3 ? in[i] : i < 5 ? o->policy[i - 3] : o->suite_args[i - 5];
        if (p && inside(p, out_dir)) {
            snprintf(err, errlen,
                     "-o %s: would replace %s, which this compare reads; choose "
                     "another -o",
                     out_dir, p);
            return EXIT_BAD_INPUT;
        }
    }
    return EXIT_OK;
}

/* ---- writing ------------------------------------------------------------------------------ */

typedef enum { W_CSV, W_JSON, W_JUNIT, W_MD } writer;

/* Writes one file through a temporary name in the same directory and a rename. */
static int write_file(const aidc_cmp_report *r, writer w, const char *path, char *err,
                      size_t errlen)
{
    char tmp[4400];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return EXIT_BAD_INPUT;
    }
    int rc = 0;
    switch (w) {
    case W_CSV:
        aidc_cmp_write_csv(r, f);
        break;
    case W_JSON:
        rc = aidc_cmp_write_json(r, f);
        break;
    case W_JUNIT:
        aidc_cmp_write_junit(r, f);
        break;
    case W_MD:
        aidc_cmp_write_markdown(r, f);
        break;
    }
    bool bad = rc != 0 || ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write failed%s", path, rc ? " (out of memory)" : "");
        remove(tmp);
        return rc ? EXIT_INTERNAL : EXIT_BAD_INPUT;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        remove(tmp);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

/* Fills tmp (the output directory being built) with compare.json,
 * compare.csv and whatever the chart hook writes. */
static int write_outdir(const options *o, const aidc_cmp_report *r, const char *tmp, char *err,
                        size_t errlen)
{
    char path[4400];
    snprintf(path, sizeof path, "%s/compare.json", tmp);
    int rc = write_file(r, W_JSON, path, err, errlen);
    snprintf(path, sizeof path, "%s/compare.csv", tmp);
    if (rc == EXIT_OK) rc = write_file(r, W_CSV, path, err, errlen);
    if (rc == EXIT_OK && o->chart && o->chart(r, tmp, o->chart_ctx, err, errlen))
        rc = EXIT_INTERNAL;
    return rc;
}

/* ---- the command ------------------------------------------------------------------------- */

static const char usage[] =
    "usage: aidcsim compare SUITE... --baseline POLICY --candidate POLICY [options]\n"
    "       aidcsim compare --baseline-dir DIR --candidate-dir DIR [options]\n"
    "\n"
    "Runs every scenario of SUITE (scenario files, and directories: each *.json directly\n"
    "in one that has a top-level \"cluster\" key) with a baseline and a candidate policy,\n"
    "or reads two existing output directories, and compares summary.json metrics.\n"
    "Exit status: 0 no metric regressed past its tolerance, 1 one did, 2 bad input, 3\n"
    "internal error.\n"
    "\n"
    "  --baseline POLICY, --candidate POLICY\n"
    "                          a built-in policy name, or a plugin: a path holding '/' or\n"
    "                          ending in .so\n"
    "  --baseline-set k=v, --candidate-set k=v\n"
    "                          scenario overrides for one side (policy.params.x=1, ...)\n"
    "  --set k=v               an override for both sides\n"
    "  --seed N                run both sides with seed N instead of the scenario's\n"
    "  --baseline-dir DIR, --candidate-dir DIR\n"
    "                          compare existing outputs: DIR/NAME/summary.json for each\n"
    "                          scenario NAME, or DIR/summary.json for one\n"
    "  --tolerances FILE.json  {\"metrics\": {\"wait_s.p95\": {\"rel\": 0.05, \"abs\": 60,\n"
    "                          \"better\": \"lower\"}, ...}}\n"
    "  --metric PATH:TOL[:lower|higher]\n"
    "                          TOL: 5% (relative), 60 (absolute) or 5%,60 (the wider);\n"
    "                          replaces a --tolerances entry for the same PATH\n"
    "                          (default set without --tolerances and --metric: see README)\n"
    "  -o, --output DIR        where runs, compare.json and compare.csv go (default\n"
    "                          out/compare); replaced only when complete\n"
    "  --junit FILE            write a JUnit XML report (one test case per scenario x metric)\n"
    "  --markdown FILE         write a Markdown summary for a pull-request comment\n"
    "  -j, --jobs N            runs at a time (default 1)\n"
    "  -q, --quiet             print only errors and the verdict line\n";

static int bad_usage(const char *fmt, const char *arg)
{
    fputs("aidcsim compare: ", stderr);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n\n%s", usage);
    return EXIT_BAD_INPUT;
}

/* Matches "--name VALUE" and "--name=VALUE"; advances *i past what it used. */
static bool opt_value(int argc, char **argv, int *i, const char *name, const char *alias,
                      const char **value)
{
    const char *a = argv[*i];
    size_t len = strlen(name);
    if (strncmp(a, name, len) == 0 && a[len] == '=') {
        *value = a + len + 1;
        return true;
    }
    if (strcmp(a, name) == 0 || (alias && strcmp(a, alias) == 0)) {
        *value = *i + 1 < argc ? argv[*i + 1] : NULL;
        if (*value) (*i)++;
        return true;
    }
    return false;
}

static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->jobs = 1;
    o->seed = -1;
    o->suite_args = calloc((size_t)argc + 1, sizeof *o->suite_args);
    o->metric_args = calloc((size_t)argc + 1, sizeof *o->metric_args);
    o->sets[0] = calloc((size_t)argc + 1, sizeof *o->sets[0]);
    o->sets[1] = calloc((size_t)argc + 1, sizeof *o->sets[1]);
    if (!o->suite_args || !o->metric_args || !o->sets[0] || !o->sets[1]) return EXIT_INTERNAL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            exit(EXIT_OK);
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
            continue;
        } else if (a[0] != '-' || !a[1]) {
            o->suite_args[o->n_suite++] = a;
            continue;
        }
        const char *name = a;
        if (opt_value(argc, argv, &i, "--baseline", NULL, &v))
            o->policy[0] = v;
        else if (opt_value(argc, argv, &i, "--candidate", NULL, &v))
            o->policy[1] = v;
        else if (opt_value(argc, argv, &i, "--baseline-dir", NULL, &v))
            o->dir[0] = v;
        else if (opt_value(argc, argv, &i, "--candidate-dir", NULL, &v))
            o->dir[1] = v;
        else if (opt_value(argc, argv, &i, "--baseline-set", NULL, &v)) {
            if (v) o->sets[0][o->n_sets[0]++] = v;
        } else if (opt_value(argc, argv, &i, "--candidate-set", NULL, &v)) {
            if (v) o->sets[1][o->n_sets[1]++] = v;
        } else if (opt_value(argc, argv, &i, "--set", NULL, &v)) {
            if (v) {
                o->sets[0][o->n_sets[0]++] = v;
                o->sets[1][o->n_sets[1]++] = v;
            }
        } else if (opt_value(argc, argv, &i, "--tolerances", NULL, &v))
            o->tolerances = v;
        else if (opt_value(argc, argv, &i, "--metric", NULL, &v)) {
            if (v) o->metric_args[o->n_metric_args++] = v;
        } else if (opt_value(argc, argv, &i, "--output", "-o", &v))
            o->out_dir = v;
        else if (opt_value(argc, argv, &i, "--junit", NULL, &v))
            o->junit = v;
        else if (opt_value(argc, argv, &i, "--markdown", NULL, &v))
            o->markdown = v;
        else if (opt_value(argc, argv, &i, "--jobs", "-j", &v)) {
            char *end;
            long n = v ? strtol(v, &end, 10) : 0;
            if (!v || end == v || *end || n < 1 || n > MAX_JOBS) {
                fprintf(stderr,
                        "aidcsim compare: %s: expected a number of runs from 1 to %d, "
                        "found \"%s\"\n",
                        name, MAX_JOBS, v ? v : "");
                return EXIT_BAD_INPUT;
            }
            o->jobs = (int)n;
            continue;
        } else if (opt_value(argc, argv, &i, "--seed", NULL, &v)) {
            char *end;
            errno = 0;
            long long n = v ? strtoll(v, &end, 10) : -1;
            if (!v || end == v || *end || n < 0 || n > 9007199254740991LL || errno) {
                fprintf(stderr,
                        "aidcsim compare: --seed: expected an integer from 0 to 2^53-1, "
                        "found \"%s\"\n",
                        v ? v : "");
                return EXIT_BAD_INPUT;
            }
            o->seed = n;
            continue;
        } else
            return bad_usage("unknown option \"%s\"", a);
        if (!v) return bad_usage("%s: missing its value", name);
    }
    bool run_mode = o->policy[0] || o->policy[1] || o->n_suite;
    bool dir_mode = o->dir[0] || o->dir[1];
    if (run_mode && dir_mode)
        return bad_usage("%s", "give either SUITE with --baseline/--candidate, or "
                               "--baseline-dir/--candidate-dir, not both");
    if (dir_mode) {
        if (!o->dir[0] || !o->dir[1])
            return bad_usage("missing %s",
                             o->dir[0] ? "--candidate-dir DIR" : "--baseline-dir DIR");
        if (o->n_sets[0] || o->n_sets[1] || o->seed >= 0 || o->jobs != 1)
            return bad_usage("%s", "--set, --baseline-set, --candidate-set, --seed and -j apply "
                                   "to runs, not to --baseline-dir/--candidate-dir");
        return EXIT_OK;
    }
    if (!o->n_suite) return bad_usage("%s", "missing SUITE (scenario files or directories)");
    if (!o->policy[0]) return bad_usage("%s", "missing --baseline POLICY");
    if (!o->policy[1]) return bad_usage("%s", "missing --candidate POLICY");
    return EXIT_OK;
}

static void options_fini(options *o)
{
    free(o->suite_args);
    free(o->metric_args);
    free(o->sets[0]);
    free(o->sets[1]);
}

/* The metric list: --tolerances, then --metric (replacing the file's entry
 * for the same path), or the default set when neither is given. */
static int build_metrics(const options *o, aidc_cmp_metrics *list, char *err, size_t errlen)
{
    if (!o->tolerances && !o->n_metric_args)
        return aidc_cmp_metrics_defaults(list) ? EXIT_INTERNAL : EXIT_OK;
    if (o->tolerances && aidc_cmp_tolerances_load(o->tolerances, list, err, errlen))
        return EXIT_BAD_INPUT;
    size_t from_file = list->n;
    for (size_t i = 0; i < o->n_metric_args; i++) {
        aidc_cmp_metric m;
        if (aidc_cmp_metric_parse_arg(o->metric_args[i], &m, err, errlen)) return EXIT_BAD_INPUT;
        for (size_t k = from_file; k < list->n; k++)
            if (strcmp(list->v[k].path, m.path) == 0) {
                snprintf(err, errlen, "--metric %s: metric %s is given twice", o->metric_args[i],
                         m.path);
                return EXIT_BAD_INPUT;
            }
        if (aidc_cmp_metrics_put(list, &m, true)) {
            snprintf(err, errlen, "out of memory");
            return EXIT_INTERNAL;
        }
    }
    return EXIT_OK;
}

/* Run mode: suite -> runs in tmp -> pairs naming the final paths. */
static int run_mode(const options *o, const char *out_dir, const char *tmp, pair **pairs_out,
                    size_t *n_out, char *err, size_t errlen)
{
    suite s;
    memset(&s, 0, sizeof s);
    const char **ov[2] = {NULL, NULL};
    pair *pairs = NULL;
    int rc = EXIT_OK;
    for (size_t i = 0; rc == EXIT_OK && i < o->n_suite; i++) {
        struct stat st;
        const char *a = o->suite_args[i];
        if (stat(a, &st) != 0) {
            snprintf(err, errlen, "%s: cannot open: %s", a, strerror(errno));
            rc = EXIT_BAD_INPUT;
        } else if (S_ISDIR(st.st_mode)) {
            rc = suite_add_dir(&s, a, o->quiet, err, errlen);
        } else if (suite_add(&s, a)) {
            snprintf(err, errlen, "out of memory");
            rc = EXIT_INTERNAL;
        }
    }
    for (int side = 0; rc == EXIT_OK && side < 2; side++)
        rc = side_overrides(o, side, &ov[side], err, errlen);
    if (rc == EXIT_OK) rc = suite_check(&s, ov, o->seed, err, errlen);
    if (rc == EXIT_OK) {
        char sub[4400];
        for (int side = 0; rc == EXIT_OK && side < 2; side++) {
            snprintf(sub, sizeof sub, "%s/%s", tmp, side_name[side]);
            if (mkdir(sub, 0777) != 0) {
                snprintf(err, errlen, "%s: cannot create: %s", sub, strerror(errno));
                rc = EXIT_BAD_INPUT;
            }
        }
    }
    if (rc == EXIT_OK) rc = run_suite(o, &s, ov, tmp, err, errlen);
    if (rc == EXIT_OK && !(pairs = calloc(s.n, sizeof *pairs))) rc = EXIT_INTERNAL;
    for (size_t i = 0; rc == EXIT_OK && i < s.n; i++) {
        char path[4400];
        if (!(pairs[i].name = strdup(s.name[i]))) rc = EXIT_INTERNAL;
        for (int side = 0; rc == EXIT_OK && side < 2; side++) {
            snprintf(path, sizeof path, "%s/%s/%s/summary.json", tmp, side_name[side], s.name[i]);
            pairs[i].path[side] = strdup(path);
            snprintf(path, sizeof path, "%s/%s/%s/summary.json", out_dir, side_name[side],
                     s.name[i]);
            pairs[i].label[side] = strdup(path);
            if (!pairs[i].path[side] || !pairs[i].label[side]) rc = EXIT_INTERNAL;
        }
    }
    if (rc == EXIT_INTERNAL && !err[0]) snprintf(err, errlen, "out of memory");
    for (int side = 0; side < 2; side++) {
        if (ov[side]) free((char *)ov[side][0]);
        free(ov[side]);
    }
    size_t n = s.n;
    suite_fini(&s);
    if (rc) {
        pairs_free(pairs, pairs ? n : 0);
        return rc;
    }
    *pairs_out = pairs;
    *n_out = n;
    return EXIT_OK;
}

int aidc_cmd_compare(int argc, char **argv)
{
    options o;
    char *err = calloc(1, ERR_LEN);
    if (!err) return EXIT_INTERNAL;
    int rc = parse_args(argc, argv, &o);
    if (rc) {
        options_fini(&o);
        free(err);
        return rc;
    }
    o.chart = aidc_compare_charts; /* charts/compare-NAME.{svg,png} */
    const char *out_dir = o.out_dir ? o.out_dir : "out/compare";
    aidc_cmp_metrics list;
    aidc_cmp_metrics_init(&list);
    aidc_cmp_report r;
    memset(&r, 0, sizeof r);
    pair *pairs = NULL;
    size_t n_pairs = 0;
    char tmp[4200] = "";
    bool dir_mode = o.dir[0] != NULL;
    rc = build_metrics(&o, &list, err, ERR_LEN);
    if (rc == EXIT_OK) rc = check_inputs_outside(&o, out_dir, err, ERR_LEN);
    if (rc == EXIT_OK && dir_mode) rc = pair_dirs(&o, &pairs, &n_pairs, err, ERR_LEN);
    if (rc == EXIT_OK && aidc_outdir_begin(out_dir, tmp, sizeof tmp, err, ERR_LEN)) {
        tmp[0] = '\0';
        rc = EXIT_BAD_INPUT;
    }
    if (rc == EXIT_OK && !dir_mode) rc = run_mode(&o, out_dir, tmp, &pairs, &n_pairs, err, ERR_LEN);
    if (rc == EXIT_OK) {
        r.label[0] = dir_mode ? o.dir[0] : o.policy[0];
        r.label[1] = dir_mode ? o.dir[1] : o.policy[1];
        r.metrics = list.v;
        r.n_metrics = list.n;
        rc = evaluate(&r, pairs, n_pairs, err, ERR_LEN);
        if (rc && !dir_mode) {
            size_t used = strlen(err);
            snprintf(err + used, ERR_LEN - used,
                     "\n(the runs were discarded; nothing was written)");
        }
    }
    if (rc == EXIT_OK) rc = write_outdir(&o, &r, tmp, err, ERR_LEN);
    if (rc == EXIT_OK) {
        if (aidc_outdir_commit(tmp, out_dir, err, ERR_LEN))
            rc = EXIT_BAD_INPUT;
        else
            tmp[0] = '\0';
    }
    if (rc == EXIT_OK && o.junit) rc = write_file(&r, W_JUNIT, o.junit, err, ERR_LEN);
    if (rc == EXIT_OK && o.markdown) rc = write_file(&r, W_MD, o.markdown, err, ERR_LEN);
    if (tmp[0]) aidc_outdir_abort(tmp);
    if (rc == EXIT_OK) {
        if (o.quiet) {
            size_t checks = r.n_ok + r.n_better + r.n_regressed;
            printf("%s: %zu of %zu checks regressed (%zu better, %zu ok)\n",
                   r.n_regressed ? "FAIL" : "PASS", r.n_regressed, checks, r.n_better, r.n_ok);
        } else {
            aidc_cmp_write_table(&r, stdout);
            printf("outputs: %s/ (compare.json, compare.csv)%s%s%s%s\n", out_dir,
                   o.junit ? ", " : "", o.junit ? o.junit : "", o.markdown ? ", " : "",
                   o.markdown ? o.markdown : "");
        }
        if (r.n_regressed) rc = EXIT_REGRESSED;
    } else {
        fprintf(stderr, "aidcsim compare: %s\n", err);
    }
    report_fini(&r);
    pairs_free(pairs, n_pairs);
    aidc_cmp_metrics_fini(&list);
    options_fini(&o);
    free(err);
    return rc;
}
