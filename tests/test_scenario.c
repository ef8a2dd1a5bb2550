/* Scenario loading: errors name file, line, column and key path; --set
 * overrides are validated like file values; defaults come from the catalog. */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/support.h"

static char path[TEST_TEMP_PATH_LEN];

static int load(const char *text, const char *const *overrides, char *err, size_t n,
                aidc_scenario *out)
{
    if (test_temp_file(text, path)) return -2;
    aidc_scenario sc;
    int rc = aidc_scenario_load(&sc, path, overrides, -1, err, n);
    if (rc == 0) {
        if (out) *out = sc;
        else aidc_scenario_fini(&sc);
    }
    unlink(path);
    return rc;
}

static const char base[] =
    "{\n"
    "  \"name\": \"t\",\n"
    "  \"horizon\": \"2d\",\n"
    "  \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 4},\n"
    "  \"workload\": {\"synthetic\": {\"arrival\": {\"rate_per_hour\": 2},\n"
    "                \"duration\": {\"dist\": \"exponential\", \"mean\": \"1h\"}}}\n"
    "}\n";

static void test_defaults_from_catalog(void)
{
    char err[2048];
    aidc_scenario sc;
    CU_ASSERT_FATAL(load(base, NULL, err, sizeof err, &sc) == 0);
    CU_ASSERT_EQUAL(sc.cluster.gpus_per_node, 8);
    CU_ASSERT_EQUAL(sc.cluster.cpus_per_node, 112);
    CU_ASSERT_EQUAL(sc.cluster.nodes_per_rack, 4);
    CU_ASSERT_STRING_EQUAL(sc.cluster.gpu, "H100-SXM");
    CU_ASSERT_EQUAL(sc.horizon_ns, 2 * 86400 * INT64_C(1000000000));
    CU_ASSERT_EQUAL(sc.sample_ns, 300 * INT64_C(1000000000));
    CU_ASSERT_STRING_EQUAL(sc.policy.name, "fifo");
    const aidc_gpu_model *h100 = aidc_catalog_gpu(&sc.catalog, "H100-SXM");
    CU_ASSERT_FATAL(h100 != NULL);
    CU_ASSERT_DOUBLE_EQUAL(h100->tdp_w, 700, 1e-9);
    const aidc_system_model *nvl = aidc_catalog_system(&sc.catalog, "GB200-NVL72");
    CU_ASSERT_FATAL(nvl != NULL);
    CU_ASSERT_EQUAL(nvl->nvlink_domain, 72);
    aidc_scenario_fini(&sc);
}

static void test_error_names_line_column_and_path(void)
{
    char err[2048];
    const char *bad = "{\n  \"cluster\": {\"system\": \"DGX-H100\",\n     \"nodes\": -4},\n"
                      "  \"workload\": {\"trace\": \"x.csv\"}\n}\n";
    CU_ASSERT(load(bad, NULL, err, sizeof err, NULL) == -1);
    char want[128];
    snprintf(want, sizeof want, "%s:3:15: cluster.nodes: expected an integer from 1", path);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, want));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "found -4"));
}

static void test_unknown_key_suggests(void)
{
    char err[2048];
    const char *bad = "{\"cluster\": {\"system\": \"DGX-H100\", \"nodez\": 4},\n"
                      " \"workload\": {\"trace\": \"x.csv\"}}";
    CU_ASSERT(load(bad, NULL, err, sizeof err, NULL) == -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1:36: cluster.nodez: unknown key \"nodez\"; did you mean \"nodes\"?"));
}

static void test_syntax_error_position(void)
{
    char err[2048];
    CU_ASSERT(load("{\n  \"name\": \"x\"\n  \"seed\": 1\n}\n", NULL, err, sizeof err, NULL) == -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3:3: invalid JSON"));
}

static void test_set_overrides_are_validated(void)
{
    char err[2048];
    aidc_scenario sc;
    const char *ok[] = {"cluster.nodes=16", "policy=easy-backfill", "horizon=3d", NULL};
    CU_ASSERT_FATAL(load(base, ok, err, sizeof err, &sc) == 0);
    CU_ASSERT_EQUAL(sc.cluster.nodes, 16);
    CU_ASSERT_STRING_EQUAL(sc.policy.name, "easy-backfill");
    CU_ASSERT_EQUAL(sc.horizon_ns, 3 * 86400 * INT64_C(1000000000));
    aidc_scenario_fini(&sc);
    const char *bad[] = {"cluster.nodes=abc", NULL};
    CU_ASSERT(load(base, bad, err, sizeof err, NULL) == -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "cluster.nodes: expected an integer"));
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "(from --set cluster.nodes=abc)"));
    const char *nowhere[] = {"cluster.nodes.x=1", NULL};
    CU_ASSERT(load(base, nowhere, err, sizeof err, NULL) == -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "--set cluster.nodes.x=1"));
}

static void test_units_and_catalog_extension(void)
{
    char err[2048];
    const char *typo = "{\"horizon\": \"30 days\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 1},"
                       " \"workload\": {\"trace\": \"x.csv\"}}";
    CU_ASSERT(load(typo, NULL, err, sizeof err, NULL) == -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1:13: horizon:"));
    const char *ext =
        "{\"catalog\": {\"gpus\": {\"X1\": {\"tdp\": \"500W\", \"idle\": \"50W\", \"bf16_tflops\": 100}},\n"
        "             \"systems\": {\"X-8\": {\"gpu\": \"X1\", \"gpus_per_node\": 8, \"cpus_per_node\": 64,\n"
        "                                   \"mem_gib_per_node\": 256}}},\n"
        " \"horizon\": \"1d\", \"cluster\": {\"system\": \"X-8\", \"nodes\": 2},\n"
        " \"workload\": {\"synthetic\": {\"arrival\": {\"rate_per_hour\": 1},\n"
        "   \"duration\": {\"dist\": \"lognormal\", \"median\": \"1h\", \"sigma\": 1}}}}";
    aidc_scenario sc;
    CU_ASSERT_FATAL(load(ext, NULL, err, sizeof err, &sc) == 0);
    CU_ASSERT_STRING_EQUAL(sc.cluster.gpu, "X1");
    CU_ASSERT_EQUAL(sc.cluster.gpus_per_node, 8);
    aidc_scenario_fini(&sc);
}

int test_scenario_register(void)
{
    CU_pSuite s = CU_add_suite("scenario", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "defaults from the catalog", test_defaults_from_catalog) ||
        !CU_add_test(s, "errors name line, column and path", test_error_names_line_column_and_path) ||
        !CU_add_test(s, "unknown keys suggest", test_unknown_key_suggests) ||
        !CU_add_test(s, "JSON syntax error position", test_syntax_error_position) ||
        !CU_add_test(s, "--set overrides are validated", test_set_overrides_are_validated) ||
        !CU_add_test(s, "unit typos and catalog extension", test_units_and_catalog_extension))
        return -1;
    return 0;
}
