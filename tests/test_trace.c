/* CUnit suite for models/trace and models/workload: exact values read from the fixtures in
 * tests/data/traces/, and for every bad fixture the failure, the file and physical line the
 * message names, and the words that tell the user what to fix. Run from the repo root. */
#include <CUnit/CUnit.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/trace.h"
#include "models/workload.h"

#define DIR "tests/data/traces/"
#define ERRLEN 512
#define NS(s) ((int64_t)(s)*INT64_C(1000000000))

static const char *id_of(const aidc_workload *w, size_t i)
{
    return aidc_workload_str(w, w->jobs[i].id_str);
}

static const char *tenant_of(const aidc_workload *w, size_t i)
{
    return aidc_workload_str(w, w->tenants[w->jobs[i].tenant]);
}

/* Reads a fixture that must load; the caller checks the jobs and calls fini. */
#define READ_OK(file, w)                                                                           \
    do {                                                                                           \
        char e_[ERRLEN] = "";                                                                      \
        aidc_workload_init(&(w));                                                                  \
        int rc_ = aidc_trace_read(DIR file, &(w), e_, sizeof e_);                                  \
        CU_ASSERT_EQUAL(rc_, 0);                                                                   \
        if (rc_ != 0) fprintf(stderr, "\n  unexpected error: %s\n", e_);                           \
    } while (0)

/* A fixture that must fail: the message starts with the path and `where` (":7: " for a
 * line, ": " for the whole file), holds both keys, and is one line. w is finalized here,
 * which is also what checks (under ASan) that a failed read leaks nothing. */
#define READ_BAD(path, where, key1, key2)                                                          \
    do {                                                                                           \
        char e_[ERRLEN] = "";                                                                      \
        aidc_workload w_;                                                                          \
        aidc_workload_init(&w_);                                                                   \
        CU_ASSERT_EQUAL(aidc_trace_read((path), &w_, e_, sizeof e_), -1);                          \
        CU_ASSERT_EQUAL(strncmp(e_, path where, strlen(path where)), 0);                           \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (key1)));                                                \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (key2)));                                                \
        CU_ASSERT_PTR_NULL(strchr(e_, '\n'));                                                      \
        if (strncmp(e_, path where, strlen(path where)) != 0 || !strstr(e_, (key1)) ||             \
            !strstr(e_, (key2)))                                                                   \
            fprintf(stderr, "\n  message was: %s\n", e_);                                          \
        aidc_workload_fini(&w_);                                                                   \
    } while (0)

/* ---- good traces ------------------------------------------------------------------------ */

static void test_good_all_columns(void)
{
    aidc_workload w;
    READ_OK("good.csv", w);
    CU_ASSERT_EQUAL_FATAL(w.n, 8);

    /* Sorted by submit time; the four jobs at 10 s keep file order (lines 3, 7, 8), and
     * job-f at 10 s + 1 ns comes after them: rounding to the nanosecond is exact. */
    static const char *const order[] = {"job-e", "job-b", "job-a",  "job-c",
                                        "job,d", "job-f", "job\ng", "job-h"};
    static const uint32_t lines[] = {9, 4, 3, 7, 8, 10, 11, 13};
    for (size_t i = 0; i < 8; i++) {
        CU_ASSERT_STRING_EQUAL(id_of(&w, i), order[i]);
        CU_ASSERT_EQUAL(w.jobs[i].source_line, lines[i]);
    }

    const aidc_job_spec *a = &w.jobs[2];
    CU_ASSERT_EQUAL(a->submit_ns, NS(10));
    CU_ASSERT_EQUAL(a->gpus, 8);
    CU_ASSERT_EQUAL(a->duration_ns, NS(3600));
    CU_ASSERT_EQUAL(a->cpus, 64);
    CU_ASSERT_DOUBLE_EQUAL(a->mem_gib, 512.0, 0.0);
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.gpu_types[a->gpu_type]), "H100");
    CU_ASSERT_EQUAL(a->priority, 2);
    CU_ASSERT_EQUAL(a->kind, AIDC_KIND_TRAINING);
    CU_ASSERT_EQUAL(a->estimate_ns, NS(4000));
    CU_ASSERT_EQUAL(a->deadline_ns, NS(20000));
    CU_ASSERT_STRING_EQUAL(tenant_of(&w, 2), "vc-alpha");

    /* job-b leaves every optional column empty but kind: all defaults. */
    const aidc_job_spec *b = &w.jobs[1];
    CU_ASSERT_EQUAL(b->submit_ns, 5500000000);
    CU_ASSERT_EQUAL(b->duration_ns, 250000000);
    CU_ASSERT_EQUAL(b->estimate_ns, b->duration_ns);
    CU_ASSERT_EQUAL(b->deadline_ns, -1);
    CU_ASSERT_EQUAL(b->cpus, 0);
    CU_ASSERT_DOUBLE_EQUAL(b->mem_gib, 0.0, 0.0);
    CU_ASSERT_EQUAL(b->gpu_type, -1);
    CU_ASSERT_EQUAL(b->priority, 0);
    CU_ASSERT_EQUAL(b->kind, AIDC_KIND_INFERENCE);

    const aidc_job_spec *c = &w.jobs[3];
    CU_ASSERT_EQUAL(c->duration_ns, NS(1186));
    CU_ASSERT_EQUAL(c->estimate_ns, NS(1186));
    CU_ASSERT_DOUBLE_EQUAL(c->mem_gib, 256.5, 0.0);
    CU_ASSERT_EQUAL(c->priority, -3);
    CU_ASSERT_EQUAL(c->kind, AIDC_KIND_FINETUNE);
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.gpu_types[c->gpu_type]), "A100");

    /* A quoted id with a comma; an empty tenant is "default"; "fine-tuning" is finetune. */
    const aidc_job_spec *d = &w.jobs[4];
    CU_ASSERT_STRING_EQUAL(tenant_of(&w, 4), "default");
    CU_ASSERT_EQUAL(d->kind, AIDC_KIND_FINETUNE);
    CU_ASSERT_EQUAL(d->estimate_ns, NS(120));
    CU_ASSERT_EQUAL(d->gpu_type, a->gpu_type);

    /* Zero-length jobs are allowed; so are zero estimate and deadline. */
    const aidc_job_spec *e = &w.jobs[0];
    CU_ASSERT_EQUAL(e->submit_ns, 0);
    CU_ASSERT_EQUAL(e->duration_ns, 0);
    CU_ASSERT_EQUAL(e->estimate_ns, 0);
    CU_ASSERT_EQUAL(e->deadline_ns, 0);
    CU_ASSERT_EQUAL(e->kind, AIDC_KIND_BATCH);
    CU_ASSERT_EQUAL(e->priority, 10);

    const aidc_job_spec *f = &w.jobs[5];
    CU_ASSERT_EQUAL(f->submit_ns, NS(10) + 1);
    CU_ASSERT_EQUAL(f->duration_ns, NS(1000));
    CU_ASSERT_STRING_EQUAL(tenant_of(&w, 5), "vc \"gamma\"");

    /* Tenants are interned once each, in order of first use; spaces around an unquoted
     * field are not part of it (job-h's " vc-alpha "). */
    CU_ASSERT_EQUAL(w.n_tenants, 4);
    CU_ASSERT_EQUAL(w.jobs[2].tenant, w.jobs[3].tenant);
    CU_ASSERT_EQUAL(w.jobs[7].tenant, w.jobs[2].tenant);
    CU_ASSERT_EQUAL(w.jobs[0].tenant, w.jobs[1].tenant);
    CU_ASSERT_EQUAL(w.jobs[6].tenant, w.jobs[1].tenant);
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.tenants[0]), "vc-alpha");
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.tenants[1]), "vc-beta");
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.tenants[2]), "default");
    CU_ASSERT_EQUAL(w.n_gpu_types, 2);
    aidc_workload_fini(&w);
}

static void test_minimal_columns(void)
{
    aidc_workload w;
    READ_OK("minimal.csv", w); /* also: no newline after the last row */
    CU_ASSERT_EQUAL_FATAL(w.n, 3);
    CU_ASSERT_STRING_EQUAL(id_of(&w, 0), "early");
    CU_ASSERT_STRING_EQUAL(id_of(&w, 1), "mid");
    CU_ASSERT_STRING_EQUAL(id_of(&w, 2), "late");
    CU_ASSERT_EQUAL(w.jobs[0].source_line, 3);
    CU_ASSERT_EQUAL(w.jobs[2].source_line, 2);
    CU_ASSERT_EQUAL(w.jobs[0].gpus, 2);
    CU_ASSERT_EQUAL(w.jobs[0].duration_ns, NS(20));
    CU_ASSERT_EQUAL(w.jobs[2].submit_ns, NS(30));
    CU_ASSERT_EQUAL(w.jobs[2].estimate_ns, NS(10));
    CU_ASSERT_EQUAL(w.jobs[2].deadline_ns, -1);
    CU_ASSERT_EQUAL(w.jobs[2].gpu_type, -1);
    CU_ASSERT_EQUAL(w.jobs[2].kind, AIDC_KIND_TRAINING);
    CU_ASSERT_EQUAL(w.n_tenants, 1);
    CU_ASSERT_STRING_EQUAL(tenant_of(&w, 1), "default");
    aidc_workload_fini(&w);
}

static void test_crlf_and_bom(void)
{
    aidc_workload w;
    READ_OK("crlf_bom.csv", w);
    CU_ASSERT_EQUAL_FATAL(w.n, 4);
    /* The BOM is not part of the first column name, or "id" would be unknown. */
    CU_ASSERT_STRING_EQUAL(id_of(&w, 0), "j2");
    CU_ASSERT_EQUAL(w.jobs[0].source_line, 5);
    CU_ASSERT_EQUAL(w.jobs[0].duration_ns, 5500000000);
    CU_ASSERT_STRING_EQUAL(tenant_of(&w, 0), "default");
    CU_ASSERT_STRING_EQUAL(id_of(&w, 1), "j1");
    CU_ASSERT_EQUAL(w.jobs[1].source_line, 3);
    CU_ASSERT_STRING_EQUAL(tenant_of(&w, 1), "t1"); /* no stray '\r' at the end of the row */
    CU_ASSERT_STRING_EQUAL(id_of(&w, 2), "j\r\n3"); /* inside quotes, CRLF is data */
    CU_ASSERT_EQUAL(w.jobs[2].source_line, 6);
    CU_ASSERT_STRING_EQUAL(id_of(&w, 3), "j4");
    CU_ASSERT_EQUAL(w.jobs[3].source_line, 8);
    CU_ASSERT_EQUAL(w.n_tenants, 3);
    aidc_workload_fini(&w);
}

static void test_comments_and_blank_lines(void)
{
    aidc_workload w;
    READ_OK("comments.csv", w);
    CU_ASSERT_EQUAL_FATAL(w.n, 2);
    /* Inside a quoted field, '#' lines and empty lines are data, not comments. */
    CU_ASSERT_STRING_EQUAL(id_of(&w, 0), "multi\n# not a comment\n\nline");
    CU_ASSERT_EQUAL(w.jobs[0].source_line, 7);
    CU_ASSERT_EQUAL(w.jobs[0].duration_ns, NS(100));
    CU_ASSERT_STRING_EQUAL(id_of(&w, 1), "j2");
    CU_ASSERT_EQUAL(w.jobs[1].source_line, 11);
    CU_ASSERT_EQUAL(w.jobs[1].gpus, 2);
    CU_ASSERT_EQUAL(w.jobs[1].submit_ns, NS(1));
    aidc_workload_fini(&w);
}

static void test_header_only(void)
{
    aidc_workload w;
    READ_OK("header_only.csv", w);
    CU_ASSERT_EQUAL(w.n, 0);
    CU_ASSERT_EQUAL(w.n_tenants, 0);
    aidc_workload_fini(&w);
}

/* A generated trace of many rows, with one line far longer than the read buffer, so that
 * lines cut by chunk ends and buffer growth are both exercised. */
static void test_large_generated(void)
{
    char path[] = "/tmp/aidc_test_trace_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    enum { ROWS = 50000, LONG_ROW = 20000, LONG_ID = 200000 };
    fprintf(f, "id,submit_s,gpus,duration_s,tenant\n");
    for (int i = 0; i < ROWS; i++) {
        if (i == LONG_ROW) {
            fputc('L', f);
            for (int k = 1; k < LONG_ID; k++)
                fputc('x', f);
            fprintf(f, ",%d,1,1,t%d\n", ROWS - i, i % 7);
            continue;
        }
        fprintf(f, "j%d,%d.5,%d,%d,t%d\n", i, ROWS - i, 1 + i % 8, 10 + i, i % 7);
    }
    fclose(f);

    aidc_workload w;
    aidc_workload_init(&w);
    char e[ERRLEN] = "";
    CU_ASSERT_EQUAL(aidc_trace_read(path, &w, e, sizeof e), 0);
    unlink(path);
    CU_ASSERT_EQUAL_FATAL(w.n, ROWS);
    CU_ASSERT_EQUAL(w.n_tenants, 7);
    /* Submit times fall with i, so the sort reverses the file. */
    CU_ASSERT_STRING_EQUAL(id_of(&w, 0), "j49999");
    CU_ASSERT_EQUAL(w.jobs[0].source_line, ROWS + 1);
    CU_ASSERT_EQUAL(w.jobs[0].submit_ns, NS(1) + NS(1) / 2);
    CU_ASSERT_EQUAL(w.jobs[ROWS - 1].source_line, 2);
    const aidc_job_spec *l = &w.jobs[ROWS - 1 - LONG_ROW];
    CU_ASSERT_EQUAL(l->source_line, LONG_ROW + 2);
    CU_ASSERT_EQUAL(strlen(aidc_workload_str(&w, l->id_str)), LONG_ID);
    CU_ASSERT_EQUAL(l->submit_ns, NS(ROWS - LONG_ROW));
    aidc_workload_fini(&w);
}

static const aidc_job_spec *find_job(const aidc_workload *w, const char *id)
{
    for (size_t i = 0; i < w->n; i++)
        if (strcmp(id_of(w, i), id) == 0) return &w->jobs[i];
    return NULL;
}

/* Seconds are converted from their decimal digits, not through a double. */
static void test_numbers_exact(void)
{
    aidc_workload w;
    READ_OK("numbers.csv", w);
    CU_ASSERT_EQUAL_FATAL(w.n, 7);
    const aidc_job_spec *j;
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n1"));
    CU_ASSERT_EQUAL(j->submit_ns, 100000000);
    CU_ASSERT_EQUAL(j->duration_ns, 1); /* half a nanosecond rounds up */
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 0.5, 0.0);
    CU_ASSERT_EQUAL(j->priority, INT32_MIN);
    CU_ASSERT_EQUAL(j->cpus, INT32_MAX);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n2"));
    CU_ASSERT_EQUAL(j->submit_ns, 1);
    CU_ASSERT_EQUAL(j->duration_ns, 0);
    CU_ASSERT_DOUBLE_EQUAL(j->mem_gib, 1000.0, 0.0);
    CU_ASSERT_EQUAL(j->priority, INT32_MAX);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n3"));
    CU_ASSERT_EQUAL(j->submit_ns, NS(1500));
    CU_ASSERT_EQUAL(j->duration_ns, NS(1000000000)); /* the largest allowed */
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n4"));
    CU_ASSERT_EQUAL(j->submit_ns, 500000000);
    CU_ASSERT_EQUAL(j->duration_ns, NS(5));
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n5"));
    CU_ASSERT_EQUAL(j->submit_ns, NS(1000000000));
    CU_ASSERT_EQUAL(j->duration_ns, NS(100));
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n6"));
    CU_ASSERT_EQUAL(j->submit_ns, NS(12));
    CU_ASSERT_EQUAL(j->duration_ns, NS(3));
    CU_ASSERT_EQUAL(j->gpus, 1000000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(j = find_job(&w, "n7"));
    CU_ASSERT_EQUAL(j->submit_ns, 0);
    CU_ASSERT_EQUAL(j->duration_ns, 999999999949);
    aidc_workload_fini(&w);
}

/* Writes a one-job trace whose `col` holds `value` and checks the message quotes it and says
 * `key`. Temporary files rather than one fixture per value: the cases are many and small. */
static void check_bad_value(const char *col, const char *value, const char *key)
{
    static const char *const cols[] = {"submit_s", "gpus",     "duration_s", "cpus",
                                       "mem_gib",  "priority", "estimate_s", "deadline_s"};
    char path[] = "/tmp/aidc_test_value_XXXXXX";
    int fd = mkstemp(path);
    CU_ASSERT_FATAL(fd >= 0);
    FILE *f = fdopen(fd, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fprintf(f, "id,submit_s,gpus,duration_s,cpus,mem_gib,priority,estimate_s,deadline_s\n"
               "ok,1,1,1,1,1,1,1,1\nbad");
    for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
        fprintf(f, ",%s", strcmp(cols[i], col) == 0 ? value : "1");
    fprintf(f, "\n");
    fclose(f);

    char e[ERRLEN] = "", want_where[64], want_col[64], want_found[128];
    snprintf(want_where, sizeof want_where, "%s:3: ", path);
    snprintf(want_col, sizeof want_col, "column \"%s\"", col);
    snprintf(want_found, sizeof want_found, "found \"%s\"", value);
    aidc_workload w;
    aidc_workload_init(&w);
    int rc = aidc_trace_read(path, &w, e, sizeof e);
    unlink(path);
    CU_ASSERT_EQUAL(rc, -1);
    bool ok = strncmp(e, want_where, strlen(want_where)) == 0 && strstr(e, want_col) &&
              strstr(e, want_found) && strstr(e, key);
    CU_ASSERT(ok);
    if (!ok) fprintf(stderr, "\n  %s = %s: message was: %s\n", col, value, e);
    aidc_workload_fini(&w);
}

static void test_bad_numbers(void)
{
    static const char *const bad_seconds[] = {"+1", "0x10", "inf", "NaN",  "1e",  "e5",
                                              ".",  "1..2", "1 2", "1.5s", "1e+", "--1"};
    for (size_t i = 0; i < sizeof bad_seconds / sizeof bad_seconds[0]; i++)
        check_bad_value("submit_s", bad_seconds[i], "expected a number of seconds >= 0");
    check_bad_value("duration_s", "-0", "seconds >= 0");
    check_bad_value("estimate_s", "-1.5", "seconds >= 0");
    check_bad_value("deadline_s", "1e10", "too large");
    check_bad_value("submit_s", "1000000000.000000001", "too large");
    check_bad_value("submit_s", "12345678901", "too large");
    check_bad_value("submit_s", "1e999999", "too large");
    check_bad_value("gpus", "1.0", "expected an integer >= 1");
    check_bad_value("gpus", "+1", "expected an integer >= 1");
    check_bad_value("gpus", "1e3", "expected an integer >= 1");
    check_bad_value("gpus", "1000001", "from 1 to 1000000");
    check_bad_value("gpus", "99999999999999999999999", "too large");
    check_bad_value("cpus", "-1", "expected an integer >= 0");
    check_bad_value("cpus", "2147483648", "too large");
    check_bad_value("priority", "2147483648", "from -2147483648 to 2147483647");
    check_bad_value("priority", "-2147483649", "from -2147483648 to 2147483647");
    check_bad_value("priority", "high", "expected an integer");
    check_bad_value("mem_gib", "-1", "number of GiB >= 0");
    check_bad_value("mem_gib", "nan", "number of GiB >= 0");
    check_bad_value("mem_gib", "1e999", "too large");
}

/* ---- bad traces ------------------------------------------------------------------------- */

static void test_bad_header(void)
{
    READ_BAD(DIR "bad_unknown_column.csv", ":2: ", "unknown column \"gpu\"",
             "did you mean \"gpus\"?");
    READ_BAD(DIR "bad_unknown_column_nohint.csv", ":1: ", "unknown column \"flavor\"",
             "the columns are id, submit_s");
    READ_BAD(DIR "bad_missing_column.csv", ":3: ", "missing required column", "\"duration_s\"");
    READ_BAD(DIR "bad_duplicate_column.csv", ":1: ", "duplicate column \"gpus\"",
             "columns 3 and 5");
}

static void test_bad_shape(void)
{
    READ_BAD(DIR "bad_short_row.csv", ":4: ", "expected 4 fields", "found 3");
    READ_BAD(DIR "bad_long_row.csv", ":2: ", "expected 4 fields", "found 5");
    READ_BAD(DIR "bad_unterminated_quote.csv", ":4: ", "unterminated quoted field", "never closed");
    READ_BAD(DIR "bad_quote.csv", ":3: ", "bad quoting", "doubled");
    READ_BAD(DIR "bad_lone_cr.csv", ":1: ", "carriage return", "CRLF");
}

static void test_bad_values(void)
{
    READ_BAD(DIR "bad_negative_gpus.csv",
             ":7: ", "column \"gpus\": expected an integer >= 1, found \"-4\"", "-4");
    READ_BAD(DIR "bad_zero_gpus.csv", ":3: ", "column \"gpus\"",
             "found \"0\"; gpus must be at least 1");
    READ_BAD(DIR "bad_duration_text.csv", ":4: ", "column \"duration_s\"", "found \"ten\"");
    READ_BAD(DIR "bad_nan.csv", ":2: ", "column \"submit_s\"", "found \"nan\"");
    READ_BAD(DIR "bad_huge.csv", ":3: ", "column \"duration_s\"", "found \"5e9\"; too large");
    READ_BAD(DIR "bad_trailing_garbage.csv", ":2: ", "column \"submit_s\"", "found \"12s\"");
    READ_BAD(DIR "bad_kind.csv", ":3: ", "column \"kind\"",
             "\"inference\", \"batch\", found \"pretraining\"");
    READ_BAD(DIR "bad_duplicate_id.csv", ":6: ", "duplicate id \"j2\"", "first used on line 3");
    READ_BAD(DIR "bad_empty_required.csv", ":3: ", "column \"gpus\"", "required");
}

static void test_bad_files(void)
{
    READ_BAD(DIR "empty.csv", ": ", "empty", "header");
    READ_BAD(DIR "only_comments.csv", ": ", "no header row", "comments");
    READ_BAD(DIR "no_such_file.csv", ": ", "cannot open", "No such file");
    READ_BAD("tests/data/traces", ": ", "is a directory", "directory");
}

/* The message is cut to fit, and stays NUL-terminated; no buffer at all is allowed too. */
static void test_error_buffer(void)
{
    aidc_workload w;
    aidc_workload_init(&w);
    char e[12];
    memset(e, 'z', sizeof e);
    CU_ASSERT_EQUAL(aidc_trace_read(DIR "bad_nan.csv", &w, e, sizeof e), -1);
    CU_ASSERT_EQUAL(strlen(e), sizeof e - 1);
    CU_ASSERT_EQUAL(strncmp(e, DIR, sizeof e - 1), 0);
    aidc_workload_fini(&w);
    aidc_workload_init(&w);
    CU_ASSERT_EQUAL(aidc_trace_read(DIR "bad_nan.csv", &w, NULL, 0), -1);
    aidc_workload_fini(&w);
}

/* ---- workload ----------------------------------------------------------------------------- */

static void test_workload_sort_is_stable(void)
{
    aidc_workload w;
    aidc_workload_init(&w);
    enum { N = 5000 };
    uint32_t x = 12345; /* a fixed LCG: the test must not depend on rand() */
    for (uint32_t i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        aidc_job_spec j = {.submit_ns = (int64_t)(x >> 24) % 40, .source_line = i};
        CU_ASSERT_EQUAL_FATAL(aidc_workload_add(&w, &j), 0);
    }
    aidc_workload_sort(&w);
    CU_ASSERT_EQUAL_FATAL(w.n, N);
    unsigned bad = 0;
    for (size_t i = 1; i < N; i++) {
        const aidc_job_spec *p = &w.jobs[i - 1], *q = &w.jobs[i];
        if (p->submit_ns > q->submit_ns ||
            (p->submit_ns == q->submit_ns && p->source_line >= q->source_line))
            bad++;
    }
    CU_ASSERT_EQUAL(bad, 0);
    aidc_workload_fini(&w);
    CU_ASSERT_EQUAL(w.n, 0);
    CU_ASSERT_PTR_NULL(w.jobs);
}

static void test_workload_names(void)
{
    aidc_workload w;
    aidc_workload_init(&w);
    /* Enough names to make the tenant table grow several times. */
    char name[16];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof name, "t%d", i);
        CU_ASSERT_EQUAL(aidc_workload_tenant(&w, name), i);
    }
    CU_ASSERT_EQUAL(aidc_workload_tenant(&w, "t0"), 0);
    CU_ASSERT_EQUAL(aidc_workload_tenant(&w, "t99"), 99);
    CU_ASSERT_EQUAL(w.n_tenants, 100);
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, w.tenants[42]), "t42");
    /* GPU types are a separate table: the same name gets its own index there. */
    CU_ASSERT_EQUAL(aidc_workload_gpu_type(&w, "t5"), 0);
    CU_ASSERT_EQUAL(aidc_workload_gpu_type(&w, "H100"), 1);
    CU_ASSERT_EQUAL(aidc_workload_gpu_type(&w, "t5"), 0);
    uint32_t off = aidc_workload_intern(&w, "hello");
    CU_ASSERT_STRING_EQUAL(aidc_workload_str(&w, off), "hello");
    aidc_workload_fini(&w);
}

/* x_ columns (written by the converters in tools/traces) are skipped unchecked, wherever they
 * sit in the header; the standard columns around them read as usual. */
static void test_extra_columns(void)
{
    aidc_workload w;
    READ_OK("extra_columns.csv", w);
    CU_ASSERT_EQUAL_FATAL(w.n, 2);
    CU_ASSERT_STRING_EQUAL(id_of(&w, 0), "a");
    CU_ASSERT_STRING_EQUAL(id_of(&w, 1), "b");
    CU_ASSERT_EQUAL(w.jobs[1].submit_ns, NS(5));
    CU_ASSERT_EQUAL(w.jobs[1].gpus, 2);
    CU_ASSERT_EQUAL(w.jobs[1].duration_ns, NS(20));
    aidc_workload_fini(&w);
    READ_BAD(DIR "bad_duplicate_extra.csv", ":1: ", "duplicate column \"x_a\"", "columns 5 and 7");
}

static void test_job_kinds(void)
{
    for (int k = 0; k < AIDC_KIND_COUNT; k++)
        CU_ASSERT_EQUAL(aidc_job_kind_parse(aidc_job_kind_name((aidc_job_kind)k)), k);
    CU_ASSERT_STRING_EQUAL(aidc_job_kind_name(AIDC_KIND_FINETUNE), "finetune");
    CU_ASSERT_EQUAL(aidc_job_kind_parse("training"), AIDC_KIND_TRAINING);
    CU_ASSERT_EQUAL(aidc_job_kind_parse("fine-tuning"), AIDC_KIND_FINETUNE);
    CU_ASSERT_EQUAL(aidc_job_kind_parse("inference"), AIDC_KIND_INFERENCE);
    CU_ASSERT_EQUAL(aidc_job_kind_parse("batch"), AIDC_KIND_BATCH);
    CU_ASSERT_EQUAL(aidc_job_kind_parse("Training"), -1);
    CU_ASSERT_EQUAL(aidc_job_kind_parse(""), -1);
}

int test_trace_register(void)
{
    CU_pSuite s = CU_add_suite("trace", NULL, NULL);
    if (!s) return -1;
    static const struct {
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
        {"good trace, all columns", test_good_all_columns},
        {"required columns only", test_minimal_columns},
        {"CRLF line endings and BOM", test_crlf_and_bom},
        {"comments and blank lines", test_comments_and_blank_lines},
        {"header only", test_header_only},
        {"large generated trace", test_large_generated},
        {"exact seconds", test_numbers_exact},
        {"bad numbers", test_bad_numbers},
        {"bad header", test_bad_header},
        {"bad record shape", test_bad_shape},
        {"bad values", test_bad_values},
        {"bad files", test_bad_files},
        {"error buffer", test_error_buffer},
        {"workload sort is stable", test_workload_sort_is_stable},
        {"workload names", test_workload_names},
        {"job kinds", test_job_kinds},
        {"extra x_ columns", test_extra_columns},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn)) return -1;
    return 0;
}
