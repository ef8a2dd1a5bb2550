/* Tests for sim/metrics and sim/plan: seed statistics against Student's t,
 * metric paths, and the planner against a case with a known answer: single-GPU
 * jobs with Poisson arrivals and exponential run times on c GPUs under FIFO
 * are an M/M/c queue, so the fewest GPUs that keep the mean wait under a
 * bound follow from the Erlang C formula, and the planner must find exactly
 * that number. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/metrics.h"
#include "sim/output.h"
#include "sim/plan.h"
#include "tests/support.h"

static void test_seed_stats(void)
{
    const double x[] = {1, 2, 3};
    aidc_seed_stats s;
    aidc_seed_stats_compute(x, 3, 0.95, &s);
    CU_ASSERT_EQUAL(s.n, 3);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.sd, 1, 1e-12);
    /* t(0.975, 2) = 4.302652729749464 */
    CU_ASSERT_DOUBLE_EQUAL(s.half, 4.302652729749464 / sqrt(3), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(s.lo, 2 - s.half, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.hi, 2 + s.half, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.min, 1, 0);
    CU_ASSERT_DOUBLE_EQUAL(s.max, 3, 0);
    /* 90% with 5 values: t(0.95, 4) = 2.131846786326649 */
    const double y[] = {10, 12, 9, 11, 13};
    aidc_seed_stats_compute(y, 5, 0.90, &s);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 11, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.half, 2.131846786326649 * sqrt(2.5) / sqrt(5), 1e-9);
    /* one value: no interval, never a made-up zero */
    aidc_seed_stats_compute(y, 1, 0.95, &s);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 10, 0);
    CU_ASSERT(isnan(s.half));
    CU_ASSERT(isnan(s.sd));
    CU_ASSERT_DOUBLE_EQUAL(s.hi, 10, 0);
    aidc_seed_stats_compute(y, 0, 0.95, &s);
    CU_ASSERT(isnan(s.mean));
}

static void test_metric_paths(void)
{
    aidc_metric m;
    char why[256];
    CU_ASSERT_EQUAL(aidc_metric_parse("wait_s.p95", &m, why, sizeof why), 0);
    CU_ASSERT_STRING_EQUAL(m.num, "wait_s.p95");
    CU_ASSERT_STRING_EQUAL(m.den, "");
    CU_ASSERT_EQUAL(aidc_metric_parse(" gpu_hours_delivered/cost_usd.total ", &m, why, sizeof why), 0);
    CU_ASSERT_STRING_EQUAL(m.text, "gpu_hours_delivered / cost_usd.total");
    CU_ASSERT_EQUAL(aidc_metric_parse("", &m, why, sizeof why), -1);
    CU_ASSERT_EQUAL(aidc_metric_parse("wait_s..p95", &m, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "empty parts"));
    CU_ASSERT_EQUAL(aidc_metric_parse("wait_s.p95 3600", &m, why, sizeof why), -1);

    cJSON *sum = cJSON_Parse("{\"wait_s\": {\"p95\": 10}, \"grid\": {\"demand_response_met\": true},"
                             " \"zero\": 0, \"name\": \"x\", \"cost_usd\": {\"total\": 4}}");
    double v;
    CU_ASSERT_EQUAL(aidc_metric_path_get(sum, "wait_s.p95", &v, why, sizeof why), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 10, 0);
    CU_ASSERT_EQUAL(aidc_metric_path_get(sum, "grid.demand_response_met", &v, why, sizeof why), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 1, 0);
    CU_ASSERT_EQUAL(aidc_metric_path_get(sum, "wait_s.p96", &v, why, sizeof why), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(why, "not in summary.json"));
    CU_ASSERT_EQUAL(aidc_metric_path_get(sum, "name", &v, why, sizeof why), -1);
    CU_ASSERT_EQUAL(aidc_metric_path_get(sum, "wait_s", &v, why, sizeof why), -1);
    aidc_metric_parse("wait_s.p95 / cost_usd.total", &m, why, sizeof why);
    CU_ASSERT_EQUAL(aidc_metric_eval(&m, sum, &v, why, sizeof why), 0);
    CU_ASSERT_DOUBLE_EQUAL(v, 2.5, 0);
    aidc_metric_parse("wait_s.p95 / zero", &m, why, sizeof why);
    CU_ASSERT_EQUAL(aidc_metric_eval(&m, sum, &v, why, sizeof why), -1);
    cJSON_Delete(sum);
}

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

/* A string member for an assertion: "" when absent, so a failed plan fails the test
 * instead of crashing it. */
static const char *str_at(const cJSON *o, const char *a)
{
    const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, a));
    return s ? s : "";
}

static const cJSON *path_get(const cJSON *o, const char *a, const char *b)
{
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    return b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
}

/* lambda = 8 jobs/h, mean run time 1 h: offered load 8 GPUs. */
static void test_planner_erlang_c(void)
{
    const double lambda = 8, bound_s = 465;
    const int lo_c = 9, hi_c = 24;
    int want = -1;
    for (int c = lo_c; c <= hi_c && want < 0; c++)
        if (test_erlang_c_wait(c, lambda / c, 1.0) * 3600 <= bound_s) want = c;
    CU_ASSERT_EQUAL_FATAL(want, 11); /* Wq(10) = 736 s, Wq(11) = 294 s */
    /* the bound sits well inside the gap, so the answer does not hinge on
     * noise: at c* the mean is far below it, at c*-1 far above */
    CU_ASSERT(test_erlang_c_wait(want, lambda / want, 1.0) * 3600 < bound_s / 1.5);
    CU_ASSERT(test_erlang_c_wait(want - 1, lambda / (want - 1), 1.0) * 3600 > bound_s * 1.5);

    char dir[] = "/tmp/aidc_plan_XXXXXX";
    CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
    char scen[64], planf[64], out[64], result[96];
    snprintf(scen, sizeof scen, "%s/mmc.json", dir);
    snprintf(planf, sizeof planf, "%s/plan.json", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(result, sizeof result, "%s/out/plan.json", dir);
    char text[1024];
    snprintf(text, sizeof text,
             "{\"name\": \"mmc\", \"seed\": 1,\n"
             " \"cluster\": {\"gpu\": \"H100-SXM\", \"nodes\": 12, \"gpus_per_node\": 1},\n"
             " \"workload\": {\"synthetic\": {\"jobs\": 30000,\n"
             "   \"arrival\": {\"process\": \"poisson\", \"rate_per_hour\": %g},\n"
             "   \"gpus\": 1, \"duration\": {\"dist\": \"exponential\", \"mean\": \"1h\"}}},\n"
             " \"policy\": \"fifo\"}\n",
             lambda);
    CU_ASSERT_EQUAL_FATAL(write_file(scen, text), 0);
    snprintf(text, sizeof text,
             "{\"scenario\": \"mmc.json\", \"seeds\": 6,\n"
             " \"variables\": [{\"key\": \"cluster.nodes\", \"range\": {\"from\": %d, \"to\": %d, \"step\": 1},"
             " \"monotone\": true}],\n"
             " \"constraints\": [\"wait_s.mean <= %g\"],\n"
             " \"objective\": \"minimize cost_usd.total\"}\n",
             lo_c, hi_c, bound_s);
    CU_ASSERT_EQUAL_FATAL(write_file(planf, text), 0);
    char *argv[] = {planf, "-o", out, "-q", "-j", "2", NULL};
    CU_ASSERT_EQUAL(aidc_cmd_plan(6, argv), 0);

    FILE *f = fopen(result, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    cJSON *root = cJSON_Parse(buf);
    CU_ASSERT_PTR_NOT_NULL_FATAL(root);
    const cJSON *answer = cJSON_GetObjectItemCaseSensitive(root, "answer");
    const cJSON *nodes = path_get(answer, "inputs", "cluster.nodes");
    CU_ASSERT_PTR_NOT_NULL(nodes);
    if (nodes) CU_ASSERT_EQUAL((int)nodes->valuedouble, want);
    CU_ASSERT_STRING_EQUAL(str_at(answer, "verdict"), "feasible");
    /* the boundary was established: c*-1 was run and judged infeasible */
    bool below_seen = false;
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(root, "evaluated");
    for (const cJSON *e = ev ? ev->child : NULL; e; e = e->next) {
        const cJSON *c = path_get(e, "inputs", "cluster.nodes");
        if (c && (int)c->valuedouble == want - 1) {
            below_seen = true;
            CU_ASSERT_STRING_EQUAL(str_at(e, "verdict"), "infeasible");
        }
        /* every run is listed relative to the output directory, one per seed */
        const cJSON *runs = cJSON_GetObjectItemCaseSensitive(e, "runs");
        CU_ASSERT_EQUAL(cJSON_GetArraySize(runs), 6);
        for (const cJSON *r = runs ? runs->child : NULL; r; r = r->next) {
            const char *d = str_at(r, "dir");
            CU_ASSERT(strncmp(d, "runs/", 5) == 0 && strstr(d, "-s") != NULL);
        }
    }
    CU_ASSERT(below_seen);
    /* bisection over 16 values: the top, at most 4 halvings, and the two
     * sensitivity neighbours (c*-1 is already known) */
    const cJSON *count = cJSON_GetObjectItemCaseSensitive(root, "evaluations");
    CU_ASSERT(count && count->valuedouble <= 1 + 4 + 2);
    CU_ASSERT(count && count->valuedouble >= 3);
    cJSON_Delete(root);
    aidc_outdir_abort(dir);
}

int test_plan_register(void)
{
    CU_pSuite s = CU_add_suite("plan", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "seed statistics use Student's t", test_seed_stats) ||
        !CU_add_test(s, "metric paths into summary.json", test_metric_paths) ||
        !CU_add_test(s, "planner finds the Erlang C answer", test_planner_erlang_c))
        return -1;
    return 0;
}
