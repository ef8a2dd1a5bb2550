/* CUnit suite for sim/compare: the verdict (relative and absolute bands, both
 * directions, zero and negative baselines, the band edge), --metric and
 * tolerance-file parsing with their located errors, the known-direction
 * table, and the escaping of the JUnit, CSV and Markdown writers. Expected
 * positions were counted by hand from the documents in the comments. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/compare.h"
#include "sim/jsonloc.h"
#include "tests/support.h"

static aidc_cmp_metric metric(const char *path, aidc_cmp_better b, double rel, double abs)
{
    aidc_cmp_metric m;
    memset(&m, 0, sizeof m);
    snprintf(m.path, sizeof m.path, "%s", path);
    m.better = b;
    m.rel = rel;
    m.abs = abs;
    return m;
}

static void test_judge_relative(void)
{
    aidc_cmp_metric lo = metric("wait_s.p95", AIDC_CMP_LOWER, 0.05, -1);
    aidc_cmp_check c = aidc_cmp_judge(&lo, 100, 105);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_OK); /* exactly on the band edge: ok */
    CU_ASSERT_DOUBLE_EQUAL(c.allowed, 5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c.change, 5, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(c.change_pct, 5, 1e-12);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 100, 105.01).verdict, AIDC_CMP_REGRESSED);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 100, 95).verdict, AIDC_CMP_OK);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 100, 94.99).verdict, AIDC_CMP_BETTER);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 100, 100).verdict, AIDC_CMP_OK);

    aidc_cmp_metric hi = metric("gpu_utilization.mean", AIDC_CMP_HIGHER, 0.1, -1);
    c = aidc_cmp_judge(&hi, 0.5, 0.44);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_REGRESSED); /* fell 0.06 > 0.05 */
    CU_ASSERT_DOUBLE_EQUAL(c.change_pct, -12, 1e-9);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0.5, 0.46).verdict, AIDC_CMP_OK);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0.5, 0.54).verdict, AIDC_CMP_OK);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0.5, 0.56).verdict, AIDC_CMP_BETTER);
}

static void test_judge_absolute(void)
{
    aidc_cmp_metric lo = metric("wait_s.mean", AIDC_CMP_LOWER, -1, 60);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 1000, 1060).verdict, AIDC_CMP_OK);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 1000, 1060.5).verdict, AIDC_CMP_REGRESSED);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 1000, 939).verdict, AIDC_CMP_BETTER);
    CU_ASSERT_DOUBLE_EQUAL(aidc_cmp_judge(&lo, 1000, 939).allowed, 60, 0);

    aidc_cmp_metric hi = metric("gpu_utilization.mean", AIDC_CMP_HIGHER, -1, 0.01);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0.70, 0.689).verdict, AIDC_CMP_REGRESSED);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0.70, 0.695).verdict, AIDC_CMP_OK);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0.70, 0.711).verdict, AIDC_CMP_BETTER);

    /* zero tolerance: any move counts */
    aidc_cmp_metric exact = metric("jobs.completed", AIDC_CMP_HIGHER, -1, 0);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&exact, 40, 39).verdict, AIDC_CMP_REGRESSED);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&exact, 40, 40).verdict, AIDC_CMP_OK);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&exact, 40, 41).verdict, AIDC_CMP_BETTER);
}

static void test_judge_zero_and_negative_baseline(void)
{
    aidc_cmp_metric lo = metric("wait_s.p50", AIDC_CMP_LOWER, 0.05, -1);
    aidc_cmp_check c = aidc_cmp_judge(&lo, 0, 0);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_OK);
    CU_ASSERT_DOUBLE_EQUAL(c.change_pct, 0, 0);
    c = aidc_cmp_judge(&lo, 0, 1);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_REGRESSED); /* a zero-wide band */
    CU_ASSERT(isnan(c.change_pct));
    CU_ASSERT_DOUBLE_EQUAL(c.allowed, 0, 0);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&lo, 0, -1).verdict, AIDC_CMP_BETTER);
    aidc_cmp_metric hi = metric("grid.demand_response_met", AIDC_CMP_HIGHER, 0.05, -1);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0, 1).verdict, AIDC_CMP_BETTER);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&hi, 0, -1).verdict, AIDC_CMP_REGRESSED);

    /* an absolute floor keeps a zero baseline usable */
    aidc_cmp_metric floor60 = metric("wait_s.p50", AIDC_CMP_LOWER, 0.05, 60);
    c = aidc_cmp_judge(&floor60, 0, 30);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_OK);
    CU_ASSERT_DOUBLE_EQUAL(c.allowed, 60, 0);
    /* the wider term applies: 5% of 10000 = 500 > 60 */
    c = aidc_cmp_judge(&floor60, 10000, 10400);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_OK);
    CU_ASSERT_DOUBLE_EQUAL(c.allowed, 500, 1e-9);

    /* a negative baseline: the band and the percentage use |baseline| */
    aidc_cmp_metric neg = metric("x.y", AIDC_CMP_LOWER, 0.1, -1);
    c = aidc_cmp_judge(&neg, -10, -9);
    CU_ASSERT_EQUAL(c.verdict, AIDC_CMP_OK);
    CU_ASSERT_DOUBLE_EQUAL(c.change_pct, 10, 1e-9);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&neg, -10, -8.9).verdict, AIDC_CMP_REGRESSED);
    CU_ASSERT_EQUAL(aidc_cmp_judge(&neg, -10, -11.1).verdict, AIDC_CMP_BETTER);
}

static void test_names_and_tolerance_text(void)
{
    char buf[64];
    CU_ASSERT_STRING_EQUAL(aidc_cmp_verdict_name(AIDC_CMP_REGRESSED), "REGRESSED");
    CU_ASSERT_STRING_EQUAL(aidc_cmp_verdict_name(AIDC_CMP_BETTER), "better");
    CU_ASSERT_STRING_EQUAL(aidc_cmp_verdict_name(AIDC_CMP_OK), "ok");
    aidc_cmp_metric m = metric("a", AIDC_CMP_LOWER, 0.05, -1);
    CU_ASSERT_STRING_EQUAL(aidc_cmp_tolerance_text(&m, buf, sizeof buf), "5%");
    m = metric("a", AIDC_CMP_LOWER, 0.025, 60);
    CU_ASSERT_STRING_EQUAL(aidc_cmp_tolerance_text(&m, buf, sizeof buf), "2.5% or 60");
    m = metric("a", AIDC_CMP_LOWER, -1, 0.01);
    CU_ASSERT_STRING_EQUAL(aidc_cmp_tolerance_text(&m, buf, sizeof buf), "0.01");
}

static void test_known_directions(void)
{
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("wait_s.p95"), AIDC_CMP_LOWER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("wait_s.n"), AIDC_CMP_HIGHER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("jct_s.mean"), AIDC_CMP_LOWER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("gpu_utilization.mean"), AIDC_CMP_HIGHER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("jobs.completed"), AIDC_CMP_HIGHER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("cost_usd.total"), AIDC_CMP_LOWER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("grid.ramp_mw_per_min.up_1min"), AIDC_CMP_LOWER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("grid.demand_response_met"), AIDC_CMP_HIGHER);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("wait_s"), AIDC_CMP_UNKNOWN);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("wait_sx.p95"), AIDC_CMP_UNKNOWN);
    CU_ASSERT_EQUAL(aidc_cmp_known_direction("jobs.running_at_end"), AIDC_CMP_UNKNOWN);

    CU_ASSERT(aidc_cmp_path_valid("a"));
    CU_ASSERT(aidc_cmp_path_valid("grid.ramp_mw_per_min.up_1min"));
    CU_ASSERT(!aidc_cmp_path_valid(""));
    CU_ASSERT(!aidc_cmp_path_valid(".a"));
    CU_ASSERT(!aidc_cmp_path_valid("a."));
    CU_ASSERT(!aidc_cmp_path_valid("a..b"));
    CU_ASSERT(!aidc_cmp_path_valid("a-b"));
    CU_ASSERT(!aidc_cmp_path_valid("a b"));
    char longp[AIDC_CMP_PATH_MAX + 1];
    memset(longp, 'a', AIDC_CMP_PATH_MAX);
    longp[AIDC_CMP_PATH_MAX] = '\0';
    CU_ASSERT(!aidc_cmp_path_valid(longp));
    longp[AIDC_CMP_PATH_MAX - 1] = '\0';
    CU_ASSERT(aidc_cmp_path_valid(longp));

    /* the default set: every entry has a known direction and a band */
    aidc_cmp_metrics d;
    aidc_cmp_metrics_init(&d);
    CU_ASSERT_EQUAL(aidc_cmp_metrics_defaults(&d), 0);
    CU_ASSERT_EQUAL(d.n, 9);
    for (size_t i = 0; i < d.n; i++) {
        CU_ASSERT(d.v[i].better != AIDC_CMP_UNKNOWN);
        CU_ASSERT(d.v[i].rel >= 0 || d.v[i].abs >= 0);
    }
    CU_ASSERT_STRING_EQUAL(d.v[0].path, "wait_s.mean");
    aidc_cmp_metric m = metric("wait_s.mean", AIDC_CMP_LOWER, 0.5, -1);
    CU_ASSERT_EQUAL(aidc_cmp_metrics_put(&d, &m, false), 1);
    CU_ASSERT_DOUBLE_EQUAL(d.v[0].rel, 0.05, 0);
    CU_ASSERT_EQUAL(aidc_cmp_metrics_put(&d, &m, true), 0);
    CU_ASSERT_DOUBLE_EQUAL(d.v[0].rel, 0.5, 0);
    CU_ASSERT_EQUAL(d.n, 9);
    aidc_cmp_metrics_fini(&d);
}

static void expect_arg_error(const char *arg, const char *needle, int line)
{
    aidc_cmp_metric m;
    char err[512] = "";
    int rc = aidc_cmp_metric_parse_arg(arg, &m, err, sizeof err);
    char msg[700];
    snprintf(msg, sizeof msg, "parse_arg(\"%s\") = %d, \"%s\"; want an error with \"%s\"", arg, rc,
             err, needle);
    CU_assertImplementation(rc == -1 && strstr(err, needle) != NULL && strstr(err, arg) != NULL,
                            (unsigned)line, msg, __FILE__, "", CU_FALSE);
}

static void test_metric_arg(void)
{
    aidc_cmp_metric m;
    char err[512];
    CU_ASSERT_EQUAL_FATAL(aidc_cmp_metric_parse_arg("wait_s.p95:5%", &m, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(m.path, "wait_s.p95");
    CU_ASSERT_DOUBLE_EQUAL(m.rel, 0.05, 1e-15);
    CU_ASSERT(m.abs < 0);
    CU_ASSERT_EQUAL(m.better, AIDC_CMP_LOWER);
    CU_ASSERT_EQUAL_FATAL(
        aidc_cmp_metric_parse_arg("gpu_utilization.mean:0.01:higher", &m, err, sizeof err), 0);
    CU_ASSERT(m.rel < 0);
    CU_ASSERT_DOUBLE_EQUAL(m.abs, 0.01, 0);
    CU_ASSERT_EQUAL(m.better, AIDC_CMP_HIGHER);
    CU_ASSERT_EQUAL_FATAL(aidc_cmp_metric_parse_arg("wait_s.p50:5%,60", &m, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(m.rel, 0.05, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(m.abs, 60, 0);
    CU_ASSERT_EQUAL_FATAL(aidc_cmp_metric_parse_arg("wait_s.p50:60,2.5%", &m, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(m.rel, 0.025, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(m.abs, 60, 0);
    /* an explicit direction overrides the table */
    CU_ASSERT_EQUAL_FATAL(aidc_cmp_metric_parse_arg("energy_mwh.it:0:higher", &m, err, sizeof err),
                          0);
    CU_ASSERT_EQUAL(m.better, AIDC_CMP_HIGHER);
    CU_ASSERT_DOUBLE_EQUAL(m.abs, 0, 0);
    CU_ASSERT_EQUAL_FATAL(aidc_cmp_metric_parse_arg("my.metric:1:lower", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m.better, AIDC_CMP_LOWER);

    expect_arg_error("wait_s.p95", "expected PATH:TOL", __LINE__);
    expect_arg_error("wait_s.p95:", "tolerance \"\"", __LINE__);
    expect_arg_error("wait_s.p95::lower", "tolerance \"\"", __LINE__);
    expect_arg_error("wait_s.p95:5%,6%", "tolerance \"5%,6%\"", __LINE__);
    expect_arg_error("wait_s.p95:1,2", "tolerance \"1,2\"", __LINE__);
    expect_arg_error("wait_s.p95:5%,", "tolerance \"5%,\"", __LINE__);
    expect_arg_error("wait_s.p95:-1", "N a number >= 0", __LINE__);
    expect_arg_error("wait_s.p95:5x", "tolerance \"5x\"", __LINE__);
    expect_arg_error("wait_s.p95:%", "tolerance \"%\"", __LINE__);
    expect_arg_error("wait_s.p95:nan", "tolerance \"nan\"", __LINE__);
    expect_arg_error("wait_s.p95:inf%", "tolerance \"inf%\"", __LINE__);
    expect_arg_error("wait_s..p95:5%", "\"wait_s..p95\" is not a metric path", __LINE__);
    expect_arg_error(":5%", "\"\" is not a metric path", __LINE__);
    expect_arg_error("my.metric:5%", "no known direction for \"my.metric\"", __LINE__);
    expect_arg_error("wait_s.p95:5%:sideways", "found \"sideways\"", __LINE__);
}

/* Writes text to a temporary file and loads it as a tolerance file. Returns
 * the loader's result; err holds the message with the file name replaced by
 * "F". */
static int load_tol(const char *text, aidc_cmp_metrics *list, char *err, size_t n)
{
    char path[TEST_TEMP_PATH_LEN];
    if (test_temp_file(text, path)) return -2;
    char raw[1024] = "";
    int rc = aidc_cmp_tolerances_load(path, list, raw, sizeof raw);
    unlink(path);
    size_t len = strlen(path);
    snprintf(err, n, "%s", strncmp(raw, path, len) == 0 ? raw + len : raw);
    if (strncmp(raw, path, len) == 0) {
        memmove(err + 1, err, strlen(err) + 1);
        err[0] = 'F';
    }
    return rc;
}

static void expect_tol_error(const char *text, const char *prefix, int line)
{
    aidc_cmp_metrics list;
    aidc_cmp_metrics_init(&list);
    char err[1024];
    int rc = load_tol(text, &list, err, sizeof err);
    aidc_cmp_metrics_fini(&list);
    char msg[1400];
    snprintf(msg, sizeof msg, "load = %d, \"%s\"; want an error starting \"%s\"", rc, err, prefix);
    CU_assertImplementation(rc == -1 && strncmp(err, prefix, strlen(prefix)) == 0, (unsigned)line,
                            msg, __FILE__, "", CU_FALSE);
}

static void test_tolerance_file(void)
{
    aidc_cmp_metrics list;
    aidc_cmp_metrics_init(&list);
    char err[1024];
    const char *good = "\xEF\xBB\xBF{\n"
                       "  \"description\": \"CI gate\",\n"
                       "  \"metrics\": {\n"
                       "    \"wait_s.p95\": {\"rel\": 0.05, \"better\": \"lower\"},\n"
                       "    \"gpu_utilization.mean\": {\"abs\": 0.01},\n"
                       "    \"jct_s.mean\": {\"rel\": 0.1, \"abs\": 60},\n"
                       "    \"energy_mwh.it\": {\"abs\": 0, \"better\": \"higher\"},\n"
                       "    \"my.metric\": {\"abs\": 2, \"better\": \"lower\"}\n"
                       "  }\n"
                       "}\n";
    CU_ASSERT_EQUAL_FATAL(load_tol(good, &list, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(list.n, 5);
    CU_ASSERT_STRING_EQUAL(list.v[0].path, "wait_s.p95");
    CU_ASSERT_DOUBLE_EQUAL(list.v[0].rel, 0.05, 0);
    CU_ASSERT(list.v[0].abs < 0);
    CU_ASSERT_EQUAL(list.v[0].better, AIDC_CMP_LOWER);
    CU_ASSERT_STRING_EQUAL(list.v[1].path, "gpu_utilization.mean");
    CU_ASSERT_EQUAL(list.v[1].better, AIDC_CMP_HIGHER); /* from the table */
    CU_ASSERT(list.v[1].rel < 0);
    CU_ASSERT_DOUBLE_EQUAL(list.v[2].rel, 0.1, 0);
    CU_ASSERT_DOUBLE_EQUAL(list.v[2].abs, 60, 0);
    CU_ASSERT_EQUAL(list.v[3].better, AIDC_CMP_HIGHER); /* given, against the table */
    CU_ASSERT_EQUAL(list.v[4].better, AIDC_CMP_LOWER);
    aidc_cmp_metrics_fini(&list);

    /* line 3:   "wait_s.p95": {"rel": 0.05,}   -- the '}' after the comma is column 33 */
    expect_tol_error("{\n  \"metrics\": {\n    \"wait_s.p95\": {\"rel\": 0.05,}\n  }\n}\n",
                     "F:3:33: invalid JSON", __LINE__);
    expect_tol_error("{\n  \"metrics\": {\n", "F:3:1: unexpected end of file", __LINE__);
    expect_tol_error("", "F:1:1: empty file", __LINE__);
    /* the value -0.05 starts at column 27 */
    expect_tol_error("{\n  \"metrics\": {\n    \"wait_s.p95\": {\"rel\": -0.05}\n  }\n}\n",
                     "F:3:27: metrics[\"wait_s.p95\"].rel: expected a number from 0 to", __LINE__);
    expect_tol_error("{\n  \"metrics\": {\n    \"wait_s.p95\": {\"rell\": 0.05}\n  }\n}\n",
                     "F:3:20: metrics[\"wait_s.p95\"].rell: unknown key \"rell\"; did you mean "
                     "\"rel\"?",
                     __LINE__);
    expect_tol_error("{\n  \"metrics\": {\n    \"wait_s.p95\": {\"better\": \"lower\"}\n  }\n}\n",
                     "F:3:19: metrics[\"wait_s.p95\"]: no tolerance: give \"rel\"", __LINE__);
    expect_tol_error("{\"metrics\": {\"wait_s.p95\": {\"rel\": 1, \"better\": \"less\"}}}",
                     "F:1:49: metrics[\"wait_s.p95\"].better: expected \"lower\" or \"higher\", "
                     "found \"less\"",
                     __LINE__);
    expect_tol_error("{\"metrics\": {\"my.metric\": {\"rel\": 1}}}",
                     "F:1:27: metrics[\"my.metric\"]: no known direction for \"my.metric\"",
                     __LINE__);
    expect_tol_error("{\"metrics\": {\"wait s\": {\"rel\": 1}}}",
                     "F:1:14: metrics[\"wait s\"]: \"wait s\" is not a metric path", __LINE__);
    expect_tol_error("{\"metrics\": {\"wait_s.p95\": 0.05}}",
                     "F:1:28: metrics[\"wait_s.p95\"]: expected {\"rel\": ..., \"abs\": ..., "
                     "\"better\": ...}, found the number 0.05",
                     __LINE__);
    expect_tol_error(
        "{\"metrics\": {\"wait_s.p95\": {\"rel\": 1}, \"wait_s.p95\": {\"abs\": 1}}}",
        "F:1:14: metrics[\"wait_s.p95\"]: metric \"wait_s.p95\" appears more than once", __LINE__);
    expect_tol_error("{\"metric\": {}}",
                     "F:1:2: metric: unknown key \"metric\"; did you mean "
                     "\"metrics\"?",
                     __LINE__);
    expect_tol_error("{\"description\": \"x\"}",
                     "F:1:1: (top level): missing required key "
                     "\"metrics\"",
                     __LINE__);
    expect_tol_error("{\"metrics\": {}}", "F:1:13: metrics: no metrics", __LINE__);
    expect_tol_error("[1]", "F:1:1: (top level): expected a JSON object", __LINE__);

    char raw[512];
    aidc_cmp_metrics_init(&list);
    CU_ASSERT_EQUAL(aidc_cmp_tolerances_load("/nonexistent/tol.json", &list, raw, sizeof raw), -1);
    CU_ASSERT_STRING_EQUAL(raw, "/nonexistent/tol.json: cannot open: No such file or directory");
    aidc_cmp_metrics_fini(&list);
}

static void test_jsonloc_quoted_key(void)
{
    /* {"metrics": {"a.b": {"rel": 1}}}
     * 0        1         2         3
     * 1234567890123456789012345678901 */
    const char *t = "{\"metrics\": {\"a.b\": {\"rel\": 1}}}";
    aidc_text_pos at = {0, 0};
    CU_ASSERT(aidc_jsonloc_find(t, "metrics[\"a.b\"]", true, &at));
    CU_ASSERT_EQUAL(at.col, 14);
    CU_ASSERT(aidc_jsonloc_find(t, "metrics[\"a.b\"]", false, &at));
    CU_ASSERT_EQUAL(at.col, 21);
    CU_ASSERT(aidc_jsonloc_find(t, "metrics[\"a.b\"].rel", false, &at));
    CU_ASSERT_EQUAL(at.col, 29);
    at.col = -1;
    CU_ASSERT(!aidc_jsonloc_find(t, "metrics[\"a.c\"]", false, &at));
    CU_ASSERT(!aidc_jsonloc_find(t, "metrics[\"a.b\"", false, &at));
    CU_ASSERT(!aidc_jsonloc_find(t, "metrics[\"a.b\"]rel", false, &at));
    CU_ASSERT(!aidc_jsonloc_find(t, "metrics[\"a.b]", false, &at));
    CU_ASSERT_EQUAL(at.col, -1);
}

/* A two-scenario report with one regression, a name that needs escaping and
 * a zero baseline. */
static char *render(void (*w)(const aidc_cmp_report *, FILE *))
{
    static aidc_cmp_metric ms[2];
    ms[0] = metric("wait_s.mean", AIDC_CMP_LOWER, 0.05, -1);
    ms[1] = metric("jobs.completed", AIDC_CMP_HIGHER, -1, 0);
    aidc_cmp_check c1[2] = {aidc_cmp_judge(&ms[0], 100, 120), aidc_cmp_judge(&ms[1], 0, 3)};
    aidc_cmp_check c2[2] = {aidc_cmp_judge(&ms[0], 100, 101), aidc_cmp_judge(&ms[1], 5, 5)};
    aidc_cmp_scenario sc[2] = {
        {"a<b>&\"c'|d,e\x01", {"fifo", "easy-backfill"}, {1, 1}, c1},
        {"plain", {"fifo", NULL}, {2, 2}, c2},
    };
    aidc_cmp_report r = {{"fifo", "x&y.so"}, ms, 2, sc, 2, 2, 1, 1};
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return NULL;
    w(&r, f);
    fclose(f);
    return buf;
}

static void test_writers_escape(void)
{
    char *x = render(aidc_cmp_write_junit);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(x, "<testsuites name=\"aidcsim compare\" tests=\"4\" failures=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(
        strstr(x, "<testsuite name=\"a&lt;b&gt;&amp;&quot;c&apos;|d,e\xEF\xBF\xBD\" tests=\"2\" "
                  "failures=\"1\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "<testsuite name=\"plain\" tests=\"2\" failures=\"0\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "value=\"x&amp;y.so\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(x,
                                  "<failure type=\"regression\" message=\"wait_s.mean regressed: "
                                  "100 -&gt; 120 (+20.00%), beyond the allowed 5 (lower is "
                                  "better)\">"));
    CU_ASSERT_PTR_NULL(strstr(x, "\x01"));
    /* exactly one failure element */
    char *f1 = strstr(x, "<failure");
    CU_ASSERT(f1 && !strstr(f1 + 1, "<failure"));
    free(x);

    x = render(aidc_cmp_write_csv);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL(strstr(x,
                                  "\"a<b>&\"\"c'|d,e\x01\",wait_s.mean,lower,100,120,20,20,0.05,,5,"
                                  "REGRESSED\n"));
    /* a zero baseline has no relative change: the field is empty */
    CU_ASSERT_PTR_NOT_NULL(strstr(x, ",jobs.completed,higher,0,3,3,,,0,0,better\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "plain,jobs.completed,higher,5,5,0,0,,0,0,ok\n"));
    free(x);

    x = render(aidc_cmp_write_markdown);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL(
        strstr(x, "### aidcsim compare: `fifo` (baseline) vs `x&y.so` (candidate)\n"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, ":x: **FAIL**: 1 of 4 checks regressed"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x,
                                  "| a\\<b\\>&\"c'\\|d,e\x01 | `wait_s.mean` | lower | 100 | 120 | "
                                  "+20 (+20.00%) | 5% | :x: **REGRESSED** |"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "| `jobs.completed` | higher | 0 | 3 | +3 (n/a) | 0 |"));
    CU_ASSERT_PTR_NOT_NULL(strstr(x, "#### Regressions"));
    free(x);
}

/* The Markdown lists every check up to 400, then refers to the files. */
static void test_markdown_row_limit(void)
{
    aidc_cmp_metric m = metric("wait_s.mean", AIDC_CMP_LOWER, 0.05, -1);
    aidc_cmp_check c = aidc_cmp_judge(&m, 1, 1);
    aidc_cmp_scenario *sc = calloc(401, sizeof *sc);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sc);
    for (size_t i = 0; i < 401; i++) {
        sc[i].name = "s";
        sc[i].checks = &c;
    }
    for (size_t n = 400; n <= 401; n++) {
        aidc_cmp_report r = {{"a", "b"}, &m, 1, sc, n, n, 0, 0};
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        aidc_cmp_write_markdown(&r, f);
        fclose(f);
        size_t rows = 0;
        for (const char *p = buf; (p = strstr(p, "\n| s |")); p++)
            rows++;
        if (n == 400) {
            CU_ASSERT_PTR_NOT_NULL(strstr(buf, "<details><summary>All 400 checks</summary>"));
            CU_ASSERT_EQUAL(rows, 400);
        } else {
            CU_ASSERT_PTR_NOT_NULL(strstr(buf, "All 401 checks are in compare.csv"));
            CU_ASSERT_EQUAL(rows, 0);
        }
        free(buf);
    }
    free(sc);
}

int test_compare_register(void)
{
    CU_pSuite s = CU_add_suite("compare", NULL, NULL);
    if (s == NULL) return -1;
    if (CU_add_test(s, "verdict: relative band", test_judge_relative) == NULL ||
        CU_add_test(s, "verdict: absolute band", test_judge_absolute) == NULL ||
        CU_add_test(s, "verdict: zero and negative baseline",
                    test_judge_zero_and_negative_baseline) == NULL ||
        CU_add_test(s, "names and tolerance text", test_names_and_tolerance_text) == NULL ||
        CU_add_test(s, "known directions and paths", test_known_directions) == NULL ||
        CU_add_test(s, "--metric arguments", test_metric_arg) == NULL ||
        CU_add_test(s, "tolerance file", test_tolerance_file) == NULL ||
        CU_add_test(s, "jsonloc quoted keys", test_jsonloc_quoted_key) == NULL ||
        CU_add_test(s, "writers escape", test_writers_escape) == NULL ||
        CU_add_test(s, "Markdown row limit", test_markdown_row_limit) == NULL)
        return -1;
    return 0;
}
