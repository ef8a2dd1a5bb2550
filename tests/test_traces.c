/* CUnit suites for the trace importers (tools/traces): one suite per format plus the shared
 * parsers, the native writer and trace stats. Real samples come from ../shared/data/ (openb,
 * PAI machine list, SWF, Azure LLM); formats with no real file here (Helios, Acme, Philly, PAI
 * job/task/instance tables) are tested on fixtures in tests/data/traces/import/, written by
 * hand from the published format descriptions cited in tests/data/traces/import/SOURCE.md.
 * Every expected value below was worked out by hand from those files. Run from the repo root. */
#include <CUnit/CUnit.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/trace.h"
#include "models/workload.h"
#include "tests/support.h"
#include "tools/traces/cmd.h"
#include "tools/traces/common.h"
#include "tools/traces/stats.h"

#define FIX "tests/data/traces/import/"
#define SHARED "../shared/data/"
#define ERRLEN 1024
#define S(x) ((int64_t)(x)*INT64_C(1000000000))

static char err[ERRLEN];

/* Reads path in format fmt into c; the caller checks and calls aidc_tr_conv_fini. */
static int conv_read(const char *fmt, const char *path, aidc_tr_conv *c, const aidc_tr_options *o)
{
    aidc_tr_conv_init(c, fmt, path, o, err, sizeof err);
    const aidc_tr_format *f = aidc_tr_format_find(fmt);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    int rc = aidc_tr_convert_read(f, c, path);
    if (rc != 0) fprintf(stderr, "\n  %s: %s\n", path, err);
    return rc;
}

static const aidc_tr_job *job(const aidc_tr_conv *c, const char *id)
{
    for (size_t i = 0; i < c->n_jobs; i++)
        if (strcmp(aidc_tr_str(&c->pool, c->jobs[i].id), id) == 0) return &c->jobs[i];
    return NULL;
}

static const char *str(const aidc_tr_conv *c, uint32_t off)
{
    return off == AIDC_TR_NO_STR ? "" : aidc_tr_str(&c->pool, off);
}

static uint32_t first_line(const aidc_tr_count *list, size_t n, const char *key)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i].key, key) == 0) return list[i].first_line;
    return 0;
}

/* A conversion that must fail with a message starting "path" + where, holding key. */
static void expect_fail(const char *fmt, const char *path, const char *where, const char *key)
{
    aidc_tr_conv c;
    aidc_tr_conv_init(&c, fmt, path, NULL, err, sizeof err);
    CU_ASSERT_EQUAL(aidc_tr_convert_read(aidc_tr_format_find(fmt), &c, path), -1);
    char want[512];
    snprintf(want, sizeof want, "%s%s", path, where);
    bool ok = strncmp(err, want, strlen(want)) == 0 && strstr(err, key) && !strchr(err, '\n');
    CU_ASSERT(ok);
    if (!ok) fprintf(stderr, "\n  wanted \"%s...%s\", got: %s\n", want, key, err);
    aidc_tr_conv_fini(&c);
}

/* ---- shared parsers -------------------------------------------------------------------------- */

static void test_parsers(void)
{
    int64_t ns, v;
    bool off;
    CU_ASSERT(aidc_tr_parse_seconds("1186.0", &ns) && ns == S(1186));
    CU_ASSERT(aidc_tr_parse_seconds("0.1", &ns) && ns == 100000000);
    CU_ASSERT(aidc_tr_parse_seconds("4550879.0", &ns) && ns == S(4550879));
    CU_ASSERT(aidc_tr_parse_seconds("1e3", &ns) && ns == S(1000));
    CU_ASSERT(aidc_tr_parse_seconds("0.0000000005", &ns) && ns == 1); /* half up */
    CU_ASSERT(aidc_tr_parse_seconds("0.0000000004", &ns) && ns == 0);
    CU_ASSERT(aidc_tr_parse_seconds("-1", &ns) && ns == -S(1));
    CU_ASSERT(aidc_tr_parse_seconds("000012.50", &ns) && ns == S(12) + 500000000);
    CU_ASSERT_FALSE(aidc_tr_parse_seconds("", &ns));
    CU_ASSERT_FALSE(aidc_tr_parse_seconds("nan", &ns));
    CU_ASSERT_FALSE(aidc_tr_parse_seconds("1.2.3", &ns));
    CU_ASSERT_FALSE(aidc_tr_parse_seconds("5e9", &ns)); /* above 4e9 s */
    CU_ASSERT(aidc_tr_parse_int("8.0", 0, 10, &v) && v == 8);
    CU_ASSERT(aidc_tr_parse_int("-1", -1, 10, &v) && v == -1);
    CU_ASSERT_FALSE(aidc_tr_parse_int("8.5", 0, 10, &v));
    CU_ASSERT_FALSE(aidc_tr_parse_int("11", 0, 10, &v));
    CU_ASSERT_FALSE(aidc_tr_parse_int("99999999999999999999999", 0, INT64_MAX, &v));
    /* 2017-10-07 01:12:09 is 1507338729 s after 1970 (as a UTC wall clock) */
    CU_ASSERT(aidc_tr_parse_datetime("2017-10-07 01:12:09", &ns, &off) && ns == S(1507338729) &&
              !off);
    CU_ASSERT(aidc_tr_parse_datetime("2023-03-01 00:18:22+08:00", &ns, &off) &&
              ns == S(1677601102) && off);
    CU_ASSERT(aidc_tr_parse_datetime("2023-11-16 18:17:03.9799600", &ns, &off) &&
              ns == S(1700158623) + 979960000);
    CU_ASSERT(aidc_tr_parse_datetime("2020-02-29T23:59:59Z", &ns, &off) && off);
    CU_ASSERT(aidc_tr_parse_datetime("1969-12-31 23:59:59", &ns, &off) && ns == -S(1));
    CU_ASSERT_FALSE(aidc_tr_parse_datetime("2019-02-29 00:00:00", &ns, &off));
    CU_ASSERT_FALSE(aidc_tr_parse_datetime("2023-02-30 00:00:00", &ns, &off));
    CU_ASSERT_FALSE(aidc_tr_parse_datetime("2023-03-01 24:00:00", &ns, &off));
    CU_ASSERT_FALSE(aidc_tr_parse_datetime("2023-03-01", &ns, &off));
    CU_ASSERT_FALSE(aidc_tr_parse_datetime("2023-03-01 00:00:00 ", &ns, &off));
    CU_ASSERT_FALSE(aidc_tr_parse_datetime("2023-03-01 00:00:00.1234567890", &ns, &off));
    char b[48];
    aidc_tr_format_datetime(S(1700158623) + 979960000, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "2023-11-16 18:17:03.97996");
    aidc_tr_format_seconds(98189000, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "0.098189");
    aidc_tr_format_seconds(-S(3), b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "-3");
}

/* ---- openb (real files) ---------------------------------------------------------------------- */

static void test_openb_pods(void)
{
    aidc_tr_conv c;
    if (conv_read("openb", SHARED "openb/openb_pod_list_default.csv", &c, NULL) != 0) {
        CU_FAIL("openb default pod list");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 8152);
    CU_ASSERT_EQUAL(c.n_jobs, 7064);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_gpu"), 1088);
    CU_ASSERT_EQUAL(first_line(c.rep.drops, c.rep.n_drops, "no_gpu"), 7); /* openb-pod-0005 */
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "never_scheduled"), 861);
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "cpus_rounded_up"), 5011);
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "gpu_spec_alternatives"), 0);
    /* openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061 */
    const aidc_tr_job *j = job(&c, "openb-pod-0001");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->submit_ns, S(427061));
    CU_ASSERT_EQUAL(j->duration_ns, S(12902960 - 427061));
    CU_ASSERT_EQUAL(j->wait_ns, 0);
    CU_ASSERT_EQUAL(j->gpus, 1);
    CU_ASSERT_EQUAL(j->gpu_milli, 460);
    CU_ASSERT_EQUAL(j->cpus, 6);
    CU_ASSERT_EQUAL(j->cpu_milli, 6000);
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 12.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(str(&c, j->qos), "LS");
    CU_ASSERT_STRING_EQUAL(str(&c, j->status), "Running");
    CU_ASSERT_EQUAL(j->line, 3);
    /* never scheduled: openb-pod-0061,11908,47104,1,1000,,BE,Pending,10001278,10001403, */
    j = job(&c, "openb-pod-0061");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->duration_ns, S(125));
    CU_ASSERT_EQUAL(j->wait_ns, -1);
    CU_ASSERT_EQUAL(j->cpus, 12); /* 11908 milli, rounded up */
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 46.0, 1e-12);
    /* an 8-GPU pod:
     * openb-pod-0017,88000,327680,8,1000,,Burstable,Succeeded,9437497,10769854,9437497 */
    j = job(&c, "openb-pod-0017");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->gpus, 8);
    CU_ASSERT_EQUAL(j->duration_ns, S(10769854 - 9437497));
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 320.0, 1e-12);
    CU_ASSERT_PTR_NULL(job(&c, "openb-pod-0005")); /* CPU-only */
    aidc_tr_conv_fini(&c);

    /* GPU-model constraints: one model -> gpu_type; alternatives -> x_gpu_spec only */
    if (conv_read("openb", SHARED "openb/openb_pod_list_gpuspec33.csv", &c, NULL) == 0) {
        CU_ASSERT_EQUAL(c.n_jobs, 7064);
        CU_ASSERT_EQUAL(aidc_tr_noted(&c, "gpu_spec_alternatives"), 378);
        size_t typed = 0;
        for (size_t i = 0; i < c.n_jobs; i++)
            typed += c.jobs[i].gpu_type != AIDC_TR_NO_STR;
        CU_ASSERT_EQUAL(typed, 331 + 86 + 279 + 1291 + 3 + 20); /* G2 G3 P100 T4 V100M16 V100M32 */
    } else {
        CU_FAIL("openb gpuspec33");
    }
    aidc_tr_conv_fini(&c);

    /* the multigpu lists have no time columns */
    if (conv_read("openb", SHARED "openb/openb_pod_list_multigpu50.csv", &c, NULL) == 0) {
        CU_ASSERT_EQUAL(c.rep.records, 9061);
        CU_ASSERT_EQUAL(c.n_jobs, 7973);
        CU_ASSERT_EQUAL(aidc_tr_noted(&c, "untimed"), 7973);
        CU_ASSERT_EQUAL(c.jobs[0].submit_ns, 0);
        CU_ASSERT_EQUAL(c.jobs[0].duration_ns, 0);
    } else {
        CU_FAIL("openb multigpu50");
    }
    aidc_tr_conv_fini(&c);
}

static void test_openb_nodes(void)
{
    aidc_tr_conv c;
    if (conv_read("openb-nodes", SHARED "openb/openb_node_list_all_node.csv", &c, NULL) != 0) {
        CU_FAIL("openb node list");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 1523);
    int64_t nodes = 0, gpus = 0, g2 = 0, cpu_only = 0;
    for (size_t i = 0; i < c.n_shapes; i++) {
        const aidc_tr_pool_shape *s = &c.shapes[i];
        nodes += s->nodes;
        gpus += s->nodes * s->gpus;
        if (s->gpus == 0) cpu_only += s->nodes;
        if (s->gpu != AIDC_TR_NO_STR && strcmp(str(&c, s->gpu), "G2") == 0) {
            g2++;
            CU_ASSERT_EQUAL(s->nodes, 549);
            CU_ASSERT_EQUAL(s->gpus, 8);
            CU_ASSERT_EQUAL(s->cpus, 96);
            CU_ASSERT_DOUBLE_EQUAL(s->mem_gib, 384.0, 1e-12);
        }
    }
    CU_ASSERT_EQUAL(nodes, 1523);
    CU_ASSERT_EQUAL(gpus, 6212);
    CU_ASSERT_EQUAL(cpu_only, 310);
    CU_ASSERT_EQUAL(g2, 1);
    CU_ASSERT_EQUAL(c.n_shapes, 15 + 12); /* 15 GPU node shapes, 12 CPU-only ones */
    aidc_tr_conv_fini(&c);
}

static void test_openb_bad(void)
{
    expect_fail("openb", FIX "bad/openb_non_numeric.csv", ":3: ", "column \"gpu_milli\"");
    expect_fail("openb", FIX "helios_cluster_log.csv", ":1: ", "missing column \"name\"");
    expect_fail("openb-nodes", FIX "bad/openb_nodes_no_model.csv", ":3: ", "needs its GPU model");
    expect_fail("openb", FIX "no-such-file.csv", ": ", "cannot open");
    expect_fail("openb", "tests/data/bad/dir-named.csv", ": ", "is a directory");
}

/* ---- PAI (fixture tables, real machine list) ------------------------------------------------- */

static void test_pai(void)
{
    aidc_tr_conv c;
    if (conv_read("pai", FIX "pai", &c, NULL) != 0) {
        CU_FAIL("pai fixture");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 6);
    CU_ASSERT_EQUAL(c.n_jobs, 3);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_end_time"), 1);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "never_started"), 1);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_gpu"), 1);
    CU_ASSERT_EQUAL(first_line(c.rep.drops, c.rep.n_drops, "no_gpu"), 6); /* jobF */
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "task_without_job"), 1);
    CU_ASSERT_EQUAL(first_line(c.rep.notes, c.rep.n_notes, "task_without_job"), 9);
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "instance_without_job"), 1);
    /* the README's job: one tensorflow task at 50% of a MISC GPU, 600% CPU, 29.296875 GB */
    const aidc_tr_job *j = job(&c, "4b3f04b66a525d2df903eb16");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->submit_ns, S(4550879));
    CU_ASSERT_EQUAL(j->wait_ns, S(10));
    CU_ASSERT_EQUAL(j->duration_ns, S(527));
    CU_ASSERT_EQUAL(j->gpus, 1);
    CU_ASSERT_EQUAL(j->gpu_milli, 500);
    CU_ASSERT_EQUAL(j->cpus, 6);
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 29.296875, 1e-12);
    CU_ASSERT_STRING_EQUAL(str(&c, j->gpu_type), "MISC");
    CU_ASSERT_STRING_EQUAL(str(&c, j->tenant), "58540f191766");
    CU_ASSERT_EQUAL(j->nodes, 1);
    /* jobB: 2 ps (no GPU, 400% CPU, 8 GB) + 4 workers (1 V100, 800%, 16 GB) on m1..m4 */
    j = job(&c, "jobB");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->submit_ns, S(100));
    CU_ASSERT_EQUAL(j->wait_ns, S(10));
    CU_ASSERT_EQUAL(j->duration_ns, S(1890));
    CU_ASSERT_EQUAL(j->gpus, 4);
    CU_ASSERT_EQUAL(j->gpu_milli, 1000);
    CU_ASSERT_EQUAL(j->cpus, 40);
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 80.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(str(&c, j->gpu_type), "V100");
    CU_ASSERT_STRING_EQUAL(str(&c, j->type), "ps|worker");
    CU_ASSERT_EQUAL(j->nodes, 4);
    /* jobC: tasks on T4 (2 GPUs) and P100 (1): no single type */
    j = job(&c, "jobC");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->gpus, 3);
    CU_ASSERT_EQUAL(j->gpu_type, AIDC_TR_NO_STR);
    CU_ASSERT_STRING_EQUAL(str(&c, j->gpu_spec), "T4|P100");
    CU_ASSERT_EQUAL(j->cpus, 3);
    CU_ASSERT_EQUAL(j->cpu_milli, 2500);
    CU_ASSERT_EQUAL(j->wait_ns, S(40));
    aidc_tr_conv_fini(&c);

    expect_fail("pai", FIX "bad/pai_bad_number", "/pai_task_table.csv:3: ", "\"inst_num\"");
    expect_fail("pai", FIX "bad/pai_wrong_header",
                "/pai_task_table.csv:1: ", "missing column \"task_name\"");
    expect_fail("pai", FIX "helios_cluster_log.csv", ": ", "expected a directory");
}

static void test_pai_machines(void)
{
    aidc_tr_conv c;
    if (conv_read("pai-machines", SHARED "pai/pai_machine_spec.csv", &c, NULL) != 0) {
        CU_FAIL("pai machine list");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 1897);
    int64_t gpus = 0, v100 = 0, cpu_only = 0;
    for (size_t i = 0; i < c.n_shapes; i++) {
        gpus += c.shapes[i].nodes * c.shapes[i].gpus;
        if (c.shapes[i].gpus == 0)
            cpu_only += c.shapes[i].nodes;
        else if (strcmp(str(&c, c.shapes[i].gpu), "V100") == 0)
            v100 += c.shapes[i].nodes;
    }
    CU_ASSERT_EQUAL(gpus, 6742);
    CU_ASSERT_EQUAL(v100, 104); /* two shapes: 45 with 384 GB, 59 with 512 GB */
    CU_ASSERT_EQUAL(cpu_only, 83);
    CU_ASSERT_EQUAL(c.n_shapes, 7);
    aidc_tr_conv_fini(&c);
}

/* ---- Philly (fixtures) ----------------------------------------------------------------------- */

static void test_philly(void)
{
    aidc_tr_conv c;
    if (conv_read("philly", FIX "philly_cluster_job_log.json", &c, NULL) != 0) {
        CU_FAIL("philly fixture");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 6);
    CU_ASSERT_EQUAL(c.n_jobs, 3);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_attempts"), 1);
    CU_ASSERT_EQUAL(first_line(c.rep.drops, c.rep.n_drops, "no_attempts"), 42);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_end_time"), 1);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_gpu"), 1);
    CU_ASSERT_EQUAL(first_line(c.rep.drops, c.rep.n_drops, "no_gpu"), 74);
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "attempt_without_times"), 1);
    /* the README's example: submitted 01:11:39, attempts 01:12:09-01:13:23 (74 s) and
     * 01:13:30 - two days later 06:53:12 (193182 s), 8 GPUs on one host */
    const aidc_tr_job *j = job(&c, "application_1506638472019_14199");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->wait_ns, S(30));
    CU_ASSERT_EQUAL(j->duration_ns, S(74 + 193182));
    CU_ASSERT_EQUAL(j->gpus, 8);
    CU_ASSERT_EQUAL(j->nodes, 1);
    CU_ASSERT_EQUAL(j->attempts, 2);
    CU_ASSERT_STRING_EQUAL(str(&c, j->tenant), "ee9e8c");
    CU_ASSERT_STRING_EQUAL(str(&c, j->user), "ce2f4c");
    CU_ASSERT_STRING_EQUAL(str(&c, j->status), "Pass");
    CU_ASSERT_EQUAL(j->line, 2);
    const aidc_tr_job *k = job(&c, "application_2");
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_EQUAL(k->gpus, 8); /* 4 + 4 on two hosts */
    CU_ASSERT_EQUAL(k->nodes, 2);
    CU_ASSERT_EQUAL(j->submit_ns - k->submit_ns, S(699));
    k = job(&c, "application_5"); /* the first attempt has start "None" */
    CU_ASSERT_PTR_NOT_NULL_FATAL(k);
    CU_ASSERT_EQUAL(k->duration_ns, S(1800));
    CU_ASSERT_EQUAL(k->wait_ns, S(1200));
    aidc_tr_conv_fini(&c);

    expect_fail("philly", FIX "bad/philly_bad_gpus.json",
                ":34:42: ", "[1].attempts[0].detail[0].gpus: expected an array");
    expect_fail("philly", FIX "bad/philly_truncated.json", ":20:", "not valid JSON");
    expect_fail("philly", FIX "helios_cluster_log.csv", ":1:1: ", "not valid JSON");
}

static void test_philly_machines(void)
{
    aidc_tr_conv c;
    if (conv_read("philly-machines", FIX "philly_cluster_machine_list.csv", &c, NULL) != 0) {
        CU_FAIL("philly machine list");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 5);
    CU_ASSERT_EQUAL_FATAL(c.n_shapes, 2);
    CU_ASSERT_STRING_EQUAL(str(&c, c.shapes[0].gpu), "GPU-24GB");
    CU_ASSERT_EQUAL(c.shapes[0].nodes, 2);
    CU_ASSERT_EQUAL(c.shapes[0].gpus, 8);
    CU_ASSERT_DOUBLE_EQUAL(c.shapes[0].gpu_mem_gb, 24.0, 1e-12);
    CU_ASSERT_STRING_EQUAL(str(&c, c.shapes[1].gpu), "GPU-12GB");
    CU_ASSERT_EQUAL(c.shapes[1].nodes, 3);
    aidc_tr_conv_fini(&c);
}

/* ---- Helios and Acme (fixtures) -------------------------------------------------------------- */

static void test_helios(void)
{
    aidc_tr_conv c;
    if (conv_read("helios", FIX "helios_cluster_log.csv", &c, NULL) != 0) {
        CU_FAIL("helios fixture");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 7);
    CU_ASSERT_EQUAL_FATAL(c.n_jobs, 4);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_gpu"), 1);
    CU_ASSERT_EQUAL(first_line(c.rep.drops, c.rep.n_drops, "no_gpu"), 3);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "never_started"), 1);
    CU_ASSERT_EQUAL(first_line(c.rep.drops, c.rep.n_drops, "never_started"), 5);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "start_before_submit"), 1);
    CU_ASSERT_EQUAL(aidc_tr_noted(&c, "duration_mismatch"), 1); /* 1005: 7260 vs 7200 s */
    CU_ASSERT_EQUAL(first_line(c.rep.notes, c.rep.n_notes, "duration_mismatch"), 6);
    const aidc_tr_job *j = job(&c, "1003");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->gpus, 16);
    CU_ASSERT_EQUAL(j->cpus, 96);
    CU_ASSERT_EQUAL(j->nodes, 2);
    CU_ASSERT_EQUAL(j->duration_ns, S(1800));
    CU_ASSERT_EQUAL(j->wait_ns, S(180));
    CU_ASSERT_STRING_EQUAL(str(&c, j->tenant), "vcA");
    CU_ASSERT_STRING_EQUAL(str(&c, j->user), "u1");
    CU_ASSERT_STRING_EQUAL(str(&c, j->status), "FAILED");
    CU_ASSERT_EQUAL(j->submit_ns - job(&c, "1006")->submit_ns, S(121)); /* across midnight */
    CU_ASSERT_EQUAL(job(&c, "1005")->duration_ns, S(7200));
    CU_ASSERT(c.datetime_clock && !c.utc_clock);
    aidc_tr_conv_fini(&c);

    expect_fail("helios", FIX "bad/helios_truncated.csv", ":3: ", "expected 12 fields");
    expect_fail("helios", FIX "bad/helios_wrong_header.csv", ":1: ", "missing column \"gpu_num\"");
    expect_fail("helios", FIX "bad/helios_duplicate_column.csv",
                ":1: ", "duplicate column \"gpu_num\" (columns 4 and 12)");
}

static void test_acme(void)
{
    aidc_tr_conv c;
    if (conv_read("acme", FIX "trace_seren.csv", &c, NULL) != 0) {
        CU_FAIL("acme seren fixture");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 6);
    CU_ASSERT_EQUAL(c.n_jobs, 4);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "no_gpu"), 1);
    CU_ASSERT_EQUAL(aidc_tr_dropped(&c, "never_started"), 1);
    CU_ASSERT_STRING_EQUAL(c.rep.ignored_columns, "gpu_time");
    /* the README's row: submit 00:18:22+08:00, start 00:18:54, end 00:20:51 */
    const aidc_tr_job *j = job(&c, "5778432");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->wait_ns, S(32));
    CU_ASSERT_EQUAL(j->duration_ns, S(117));
    CU_ASSERT_EQUAL(j->gpus, 8);
    CU_ASSERT_EQUAL(j->cpus, 128);
    CU_ASSERT_STRING_EQUAL(str(&c, j->tenant), "u5907");
    CU_ASSERT_EQUAL(j->user, AIDC_TR_NO_STR);
    CU_ASSERT_STRING_EQUAL(str(&c, j->type), "Other");
    CU_ASSERT_EQUAL(j->kind, -1);
    /* +08:00 and +00:00 times meet on one UTC clock: s3 at 16:00 UTC is 1102 s earlier */
    CU_ASSERT_EQUAL(j->submit_ns - job(&c, "s3")->submit_ns, S(1102));
    CU_ASSERT_EQUAL(job(&c, "s3")->kind, AIDC_KIND_TRAINING);
    CU_ASSERT_EQUAL(job(&c, "s3")->nodes, 4);
    CU_ASSERT_EQUAL(job(&c, "s6")->kind, AIDC_KIND_BATCH);
    CU_ASSERT(c.utc_clock);
    aidc_tr_conv_fini(&c);

    if (conv_read("acme", FIX "trace_kalos.csv", &c, NULL) == 0) {
        CU_ASSERT_EQUAL(c.n_jobs, 2);
        /* Kalos' duration column is end - submit in the README's own rows (18 = 8 + 10 s) */
        CU_ASSERT_EQUAL(aidc_tr_noted(&c, "duration_mismatch"), 2);
        const aidc_tr_job *k = job(&c, "dlctk696s0jbvitv");
        CU_ASSERT_PTR_NOT_NULL_FATAL(k);
        CU_ASSERT_EQUAL(k->duration_ns, S(8));
        CU_ASSERT_EQUAL(k->wait_ns, S(10));
        CU_ASSERT_DOUBLE_EQUAL(k->mem_gib, 8000.0, 1e-9); /* 1000 GB per pod x 8 */
        CU_ASSERT_EQUAL(job(&c, "dlc1t2ypl09b8qtp")->duration_ns, S(70));
    } else {
        CU_FAIL("acme kalos fixture");
    }
    aidc_tr_conv_fini(&c);
    expect_fail("acme", FIX "bad/acme_bad_date.csv", ":2: ", "column \"submit_time\"");
}

/* ---- SWF and Azure (real files) -------------------------------------------------------------- */

static void test_swf(void)
{
    aidc_tr_conv c;
    if (conv_read("swf", SHARED "swf/NASA-iPSC-1993-3.1-cln.swf", &c, NULL) != 0) {
        CU_FAIL("NASA swf");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 18239);
    CU_ASSERT_EQUAL(c.n_jobs, 18239);
    CU_ASSERT_EQUAL(c.rep.n_drops, 0);
    /* "    4     6269     -1  10927  128 ... 2   1  -1 ..." on line 36 */
    const aidc_tr_job *j = job(&c, "4");
    CU_ASSERT_PTR_NOT_NULL_FATAL(j);
    CU_ASSERT_EQUAL(j->submit_ns, S(749458803 + 6269)); /* UnixStartTime + submit */
    CU_ASSERT_EQUAL(j->duration_ns, S(10927));
    CU_ASSERT_EQUAL(j->gpus, 128);
    CU_ASSERT_EQUAL(j->wait_ns, -1);
    CU_ASSERT_EQUAL(j->estimate_ns, -1);
    CU_ASSERT_STRING_EQUAL(str(&c, j->user), "u2");
    CU_ASSERT_STRING_EQUAL(str(&c, j->tenant), "g1");
    CU_ASSERT_EQUAL(j->kind, AIDC_KIND_BATCH);
    CU_ASSERT_EQUAL(j->line, 36);
    size_t by_size[8] = {0}; /* the PWA's size counts: 1, 2, 4, ..., 128 processors */
    for (size_t i = 0; i < c.n_jobs; i++)
        for (int b = 0; b < 8; b++)
            if (c.jobs[i].gpus == 1 << b) by_size[b]++;
    size_t want[8] = {4935, 1763, 2683, 1793, 1780, 3662, 1203, 420};
    for (int b = 0; b < 8; b++)
        CU_ASSERT_EQUAL(by_size[b], want[b]);
    aidc_tr_conv_fini(&c);

    /* LCG: requested time -> estimate; 8 processors per GPU rounds 1 up to 1 */
    aidc_tr_options o = {.procs_per_gpu = 8};
    if (conv_read("swf", SHARED "swf/LCG-2005-1.first5000.swf", &c, &o) == 0) {
        CU_ASSERT_EQUAL(c.n_jobs, 5000);
        j = job(&c, "2"); /* "2  3  -1  3611  1 ... 116400 ... 2  2 ..." */
        CU_ASSERT_PTR_NOT_NULL_FATAL(j);
        CU_ASSERT_EQUAL(j->estimate_ns, S(116400));
        CU_ASSERT_EQUAL(j->duration_ns, S(3611));
        CU_ASSERT_EQUAL(j->gpus, 1);
        CU_ASSERT_EQUAL(aidc_tr_noted(&c, "gpus_rounded_up"), 5000);
    } else {
        CU_FAIL("LCG swf");
    }
    aidc_tr_conv_fini(&c);

    expect_fail("swf", FIX "bad/swf_non_numeric.swf", ":4: ", "field 4 (run time)");
    expect_fail("swf", FIX "bad/swf_17_fields.swf", ":2: ", "found 17");
}

static void test_azure(void)
{
    aidc_tr_conv c;
    if (conv_read("azure-llm", SHARED "azure-llm/AzureLLMInferenceTrace_code.csv", &c, NULL) != 0) {
        CU_FAIL("azure code trace");
        aidc_tr_conv_fini(&c);
        return;
    }
    CU_ASSERT_EQUAL(c.rep.records, 8819);
    CU_ASSERT_EQUAL_FATAL(c.n_reqs, 8819);
    /* rows 1 and 3: 18:17:03.9799600,4808,10 and 18:17:04.0781490,110,27 */
    CU_ASSERT_EQUAL(c.reqs[2].arrival_ns - c.reqs[0].arrival_ns, 98189000);
    CU_ASSERT_EQUAL(c.reqs[0].prompt_tokens, 4808);
    CU_ASSERT_EQUAL(c.reqs[2].output_tokens, 27);
    aidc_tr_req_stats rs;
    CU_ASSERT_EQUAL(aidc_tr_req_stats_compute(c.reqs, c.n_reqs, &rs), 0);
    CU_ASSERT_DOUBLE_EQUAL(rs.prompt.mean, 2047.8,
                           0.05); /* SOURCE.md: mean 2,047.8, median 1,469 */
    CU_ASSERT_DOUBLE_EQUAL(rs.prompt.p50, 1469, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(rs.output.mean, 27.9, 0.05);
    CU_ASSERT_DOUBLE_EQUAL(rs.output.p50, 13, 1e-9);
    aidc_tr_conv_fini(&c);
    expect_fail("azure-llm", FIX "bad/azure_truncated.csv", ":3: ", "expected 3 fields");
}

/* ---- the native writer and stats ------------------------------------------------------------- */

/* The Helios fixture written as a native trace must read back through models/trace with the
 * same values, and trace stats must see its x_wait_s column. */
static void test_native_round_trip(void)
{
    aidc_tr_conv c;
    if (conv_read("helios", FIX "helios_cluster_log.csv", &c, NULL) != 0) {
        CU_FAIL("helios fixture");
        aidc_tr_conv_fini(&c);
        return;
    }
    char path[TEST_TEMP_PATH_LEN];
    CU_ASSERT_EQUAL_FATAL(test_temp_file("", path), 0);
    CU_ASSERT_EQUAL(aidc_tr_write_native(&c, path), 0);
    aidc_tr_stats st;
    CU_ASSERT_EQUAL(aidc_tr_stats_from_conv(&c, &st), 0);
    aidc_tr_conv_fini(&c);

    aidc_workload w;
    aidc_workload_init(&w);
    CU_ASSERT_EQUAL(aidc_trace_read(path, &w, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(w.n, 4);
    /* sorted by submit: 1006 (0 s), 1001 (1 s), 1003 (121 s), 1005 (241 s) */
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.jobs[0].id_str), "1006");
    CU_ASSERT_EQUAL(w.jobs[0].submit_ns, 0);
    CU_ASSERT_EQUAL(w.jobs[1].submit_ns, S(1));
    CU_ASSERT_EQUAL(w.jobs[2].gpus, 16);
    CU_ASSERT_EQUAL(w.jobs[2].cpus, 48 * 2);
    CU_ASSERT_EQUAL(w.jobs[3].duration_ns, S(7200));
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.tenants[w.jobs[3].tenant]), "vcB");
    aidc_workload_fini(&w);

    /* 8 GPUs x 1 h + 16 x 0.5 h + 2 x 2 h + 4 x 0 = 20 GPU-hours; vcA 16, vcB 4 */
    aidc_tr_stats s;
    CU_ASSERT_EQUAL_FATAL(aidc_tr_stats_load_native(path, &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL(s.all.jobs, 4);
    CU_ASSERT_DOUBLE_EQUAL(s.all.gpu_hours, 20.0, 1e-9);
    CU_ASSERT_EQUAL(s.all.hist[2], 1); /* 3-4 GPUs: 1006 */
    CU_ASSERT_EQUAL(s.all.hist[3], 1); /* 5-8: 1001 */
    CU_ASSERT_EQUAL(s.all.hist[4], 1); /* 9-16: 1003 */
    CU_ASSERT_EQUAL(s.all.hist[1], 1); /* 2: 1005 */
    CU_ASSERT_EQUAL(s.all.wait_s.n, 4);
    CU_ASSERT_DOUBLE_EQUAL(s.all.wait_s.max, 180.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(s.all.wait_s.p50, 20.0, 1e-9);       /* waits 1, 10, 30, 180 */
    CU_ASSERT_DOUBLE_EQUAL(s.all.duration_s.p50, 2700.0, 1e-9); /* 0, 1800, 3600, 7200 */
    CU_ASSERT_DOUBLE_EQUAL(s.all.span_s, 241.0, 1e-9);
    CU_ASSERT_EQUAL_FATAL(s.n_tenants, 2);
    CU_ASSERT_STRING_EQUAL(s.tenant[0], "vcA");
    CU_ASSERT_DOUBLE_EQUAL(s.per[0].gpu_hours, 16.0, 1e-9);
    CU_ASSERT_EQUAL(s.per[0].jobs, 3);
    CU_ASSERT_STRING_EQUAL(s.tenant[1], "vcB");
    CU_ASSERT_DOUBLE_EQUAL(s.per[1].gpu_hours, 4.0, 1e-9);
    /* the in-memory path gives the same figures */
    CU_ASSERT_DOUBLE_EQUAL(st.all.gpu_hours, s.all.gpu_hours, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(st.all.wait_s.p50, s.all.wait_s.p50, 1e-9);
    CU_ASSERT_STRING_EQUAL(st.tenant[0], "vcA");
    aidc_tr_stats_fini(&s);
    aidc_tr_stats_fini(&st);
    unlink(path);
}

/* x_gpu_milli reaches stats: openb-style shares weight the GPU-hours. */
static void test_stats_shares(void)
{
    char path[TEST_TEMP_PATH_LEN];
    CU_ASSERT_EQUAL_FATAL(test_temp_file("# a comment\n"
                                         "id,submit_s,gpus,duration_s,tenant,x_gpu_milli,x_wait_s\n"
                                         "a,0,1,3600,t1,500,\n"
                                         "b,10,2,1800,t2,,5\n"
                                         "c,20,1,7200,t1,250,15\n",
                                         path),
                          0);
    aidc_tr_stats s;
    CU_ASSERT_EQUAL_FATAL(aidc_tr_stats_load_native(path, &s, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(s.all.gpu_hours, 1 + 1 + 2, 1e-9);
    CU_ASSERT_EQUAL(s.all.share_jobs, 2);
    CU_ASSERT_DOUBLE_EQUAL(s.all.share_gpu_hours, 0.5 + 0.5, 1e-9);
    CU_ASSERT_EQUAL(s.all.wait_s.n, 2);
    CU_ASSERT_DOUBLE_EQUAL(s.all.wait_s.mean, 10.0, 1e-9);
    CU_ASSERT_STRING_EQUAL(s.tenant[0], "t1"); /* 3 GPU-hours before t2's 1 */
    aidc_tr_stats_fini(&s);
    unlink(path);
    /* a bad x_ value is an error stats names, with its line */
    CU_ASSERT_EQUAL_FATAL(test_temp_file("id,submit_s,gpus,duration_s,x_wait_s\n"
                                         "a,0,1,3600,soon\n",
                                         path),
                          0);
    CU_ASSERT_EQUAL(aidc_tr_stats_load_native(path, &s, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: column \"x_wait_s\""));
    unlink(path);
}

int test_traces_register(void)
{
    static const struct {
        const char *suite, *name;
        CU_TestFunc fn;
    } tests[] = {
        {"traces-common", "parsers", test_parsers},
        {"traces-openb", "pod lists (real)", test_openb_pods},
        {"traces-openb", "node list (real)", test_openb_nodes},
        {"traces-openb", "bad input", test_openb_bad},
        {"traces-pai", "job, task, instance tables (fixture)", test_pai},
        {"traces-pai", "machine list (real)", test_pai_machines},
        {"traces-philly", "job log (fixture)", test_philly},
        {"traces-philly", "machine list (fixture)", test_philly_machines},
        {"traces-helios", "cluster log (fixture)", test_helios},
        {"traces-acme", "seren and kalos (fixtures)", test_acme},
        {"traces-swf", "NASA and LCG (real)", test_swf},
        {"traces-azure", "code trace (real)", test_azure},
        {"traces-stats", "native round trip and stats", test_native_round_trip},
        {"traces-stats", "shares and bad extras", test_stats_shares},
    };
    CU_pSuite s = NULL;
    const char *cur = "";
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (strcmp(cur, tests[i].suite) != 0) {
            cur = tests[i].suite;
            if (!(s = CU_add_suite(cur, NULL, NULL))) return -1;
        }
        if (!CU_add_test(s, tests[i].name, tests[i].fn)) return -1;
    }
    return 0;
}
