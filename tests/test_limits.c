/* Unit tests for models/utf8 (well-formedness) and sim/limits (memory estimate and ceiling). */
#include <CUnit/CUnit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/utf8.h"
#include "sim/limits.h"
#include "tests/support.h"

static void test_utf8_valid(void)
{
    const char *ok[] = {"", "plain ascii", "caf\xc3\xa9", "\xe2\x82\xac 5", "\xf0\x9f\x98\x80",
                        "\xef\xbb\xbf{}", "\xed\x9f\xbf", "\xf4\x8f\xbf\xbf"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        CU_ASSERT_EQUAL(aidc_utf8_check(ok[i], strlen(ok[i])), strlen(ok[i]));
}

static void test_utf8_invalid(void)
{
    static const struct {
        const char *s;
        size_t at;
    } bad[] = {
        {"ab\xff", 2},             /* never valid */
        {"\x80", 0},               /* a lone continuation byte */
        {"x\xc0\xaf", 1},          /* overlong '/' */
        {"\xe0\x80\xaf", 0},       /* overlong, 3 bytes */
        {"ok\xed\xa0\x80", 2},     /* a surrogate, U+D800 */
        {"\xf4\x90\x80\x80", 0},   /* above U+10FFFF */
        {"\xf5\x80\x80\x80", 0},   /* lead byte out of range */
        {"abc\xe2\x82", 3},        /* cut short by the end */
        {"\xc3\x28", 0},           /* continuation missing */
        {"\xe2\x28\xa1", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CU_ASSERT_EQUAL(aidc_utf8_check(bad[i].s, strlen(bad[i].s)), bad[i].at);
}

static char path[TEST_TEMP_PATH_LEN];

static int load(const char *json, aidc_scenario *sc, char *err, size_t n)
{
    if (test_temp_file(json, path)) return -2;
    int rc = aidc_scenario_load(sc, path, NULL, -1, err, n);
    unlink(path);
    return rc;
}

#define SYNTH(jobs, extra)                                                                        \
    "{\"name\": \"m\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 1000}, " extra          \
    "\"workload\": {\"synthetic\": {\"jobs\": " jobs ", \"arrival\": {\"process\": \"poisson\", " \
    "\"rate_per_hour\": 10}, \"gpus\": 8, \"duration\": {\"dist\": \"exponential\", \"mean\": \"1h\"}}}}"

static void test_estimate_grows_with_sizes(void)
{
    aidc_scenario sc;
    char err[1024];
    aidc_mem_estimate a, b;
    unsetenv("AIDCSIM_MAX_MEMORY_GB");
    CU_ASSERT_EQUAL_FATAL(load(SYNTH("1000", ""), &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL(aidc_limits_estimate(&sc, &a, err, sizeof err), 0);
    aidc_scenario_fini(&sc);
    CU_ASSERT_EQUAL_FATAL(load(SYNTH("1000000", ""), &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL(aidc_limits_estimate(&sc, &b, err, sizeof err), 0);
    aidc_scenario_fini(&sc);
    CU_ASSERT_DOUBLE_EQUAL(a.nodes, 1000, 0);
    CU_ASSERT_DOUBLE_EQUAL(a.gpus, 8000, 0);
    CU_ASSERT_DOUBLE_EQUAL(a.jobs, 1000, 0);
    CU_ASSERT_DOUBLE_EQUAL(b.jobs, 1e6, 0);
    /* per job: more than the ~300 B measured, less than 1 kB */
    double per_job = (b.job_bytes - a.job_bytes) / (b.jobs - a.jobs);
    CU_ASSERT(per_job >= 300 && per_job <= 1024);
    CU_ASSERT(b.total_bytes > a.total_bytes);
    CU_ASSERT_DOUBLE_EQUAL(a.fabric_bytes, 0, 0);
    /* a fabric adds link state per GPU and node */
    CU_ASSERT_EQUAL_FATAL(load(SYNTH("1000", "\"fabric\": {\"type\": \"rail-optimized\"}, "), &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL(aidc_limits_estimate(&sc, &b, err, sizeof err), 0);
    aidc_scenario_fini(&sc);
    CU_ASSERT(b.fabric_bytes > 0);
    /* until a horizon: rate x hours plus a margin (10/h x 100 h = 1000, + 6 sd) */
    CU_ASSERT_EQUAL_FATAL(load("{\"name\": \"m\", \"horizon\": \"100h\", \"cluster\": {\"system\": "
                               "\"DGX-H100\", \"nodes\": 4}, \"workload\": {\"synthetic\": {\"arrival\": "
                               "{\"process\": \"poisson\", \"rate_per_hour\": 10}, \"gpus\": 8, "
                               "\"duration\": {\"dist\": \"exponential\", \"mean\": \"1h\"}}}}",
                               &sc, err, sizeof err), 0);
    CU_ASSERT_EQUAL(aidc_limits_estimate(&sc, &b, err, sizeof err), 0);
    aidc_scenario_fini(&sc);
    CU_ASSERT(b.jobs > 1000 && b.jobs < 1000 + 6 * 32 + 2);
}

static void test_ceiling(void)
{
    double bytes;
    const char *src;
    char err[256];
    unsetenv("AIDCSIM_MAX_MEMORY_GB");
    CU_ASSERT_EQUAL(aidc_limits_ceiling(&bytes, &src, err, sizeof err), 0);
    CU_ASSERT_STRING_EQUAL(src, "physical memory");
    CU_ASSERT(bytes > 1e8);
    setenv("AIDCSIM_MAX_MEMORY_GB", "2.5", 1);
    CU_ASSERT_EQUAL(aidc_limits_ceiling(&bytes, &src, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(bytes, 2.5e9, 1);
    CU_ASSERT_STRING_EQUAL(src, "AIDCSIM_MAX_MEMORY_GB");
    const char *bad[] = {"0", "-1", "abc", "1e400", "3GB", "nan"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv("AIDCSIM_MAX_MEMORY_GB", bad[i], 1);
        CU_ASSERT_EQUAL(aidc_limits_ceiling(&bytes, &src, err, sizeof err), -1);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, "AIDCSIM_MAX_MEMORY_GB"));
    }
    /* a load above the ceiling is refused with the estimate; below, it passes */
    setenv("AIDCSIM_MAX_MEMORY_GB", "0.1", 1);
    aidc_scenario sc;
    char msg[1024];
    CU_ASSERT_EQUAL(load(SYNTH("1000000", ""), &sc, msg, sizeof msg), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "GB of memory, more than the 0.1 GB limit (AIDCSIM_MAX_MEMORY_GB)"));
    CU_ASSERT_PTR_NOT_NULL(strstr(msg, "1e+06 jobs"));
    CU_ASSERT_EQUAL(load(SYNTH("1000", ""), &sc, msg, sizeof msg), 0);
    aidc_scenario_fini(&sc);
    unsetenv("AIDCSIM_MAX_MEMORY_GB");
}

int test_limits_register(void)
{
    CU_pSuite suite = CU_add_suite("limits", NULL, NULL);
    if (suite == NULL) return 1;
    if (!CU_add_test(suite, "utf8: well-formed text", test_utf8_valid) ||
        !CU_add_test(suite, "utf8: first malformed byte", test_utf8_invalid) ||
        !CU_add_test(suite, "memory estimate grows with nodes, jobs, fabric", test_estimate_grows_with_sizes) ||
        !CU_add_test(suite, "memory ceiling: environment and refusal", test_ceiling))
        return 1;
    return 0;
}
