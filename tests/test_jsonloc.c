/* CUnit suite for sim/jsonloc: exact line:column answers on multi-line documents, and no
 * crash or overread (run it under `make asan`) on truncated, mutated and very deep input.
 * Expected positions were counted by hand from the documents as printed in the comments. */
#include <CUnit/CUnit.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/jsonloc.h"

/* Reports the path and both positions on failure, which CU_ASSERT_EQUAL alone would not. */
static void expect_at(const char *text, const char *path, bool want_key, int line, int col,
                      int src_line)
{
    aidc_text_pos at = {0, 0};
    bool found = aidc_jsonloc_find(text, path, want_key, &at);
    char msg[256];
    snprintf(msg, sizeof msg, "find(\"%s\", want_key=%d) = %s %d:%d, want %d:%d", path,
             (int)want_key, found ? "found" : "not found", at.line, at.col, line, col);
    CU_assertImplementation(found && at.line == line && at.col == col, (unsigned)src_line, msg,
                            __FILE__, "", CU_FALSE);
}

static void expect_none(const char *text, const char *path, int src_line)
{
    aidc_text_pos at = {-7, -7};
    bool found = aidc_jsonloc_find(text, path, false, &at);
    char msg[256];
    snprintf(msg, sizeof msg, "find(\"%s\") found %d:%d, want not found", path, at.line, at.col);
    /* A miss must also leave *out alone, so callers can keep a fallback position in it. */
    CU_assertImplementation(!found && at.line == -7 && at.col == -7, (unsigned)src_line, msg,
                            __FILE__, "", CU_FALSE);
}

#define EXPECT_KEY(text, path, l, c) expect_at((text), (path), true, (l), (c), __LINE__)
#define EXPECT_VAL(text, path, l, c) expect_at((text), (path), false, (l), (c), __LINE__)
#define EXPECT_NONE(text, path) expect_none((text), (path), __LINE__)

/* Columns:         1234567890123456789012345678901234567890123456789012345
 * 1  {
 * 2    "cluster": {
 * 3      "nodes": 64,
 * 4      "name": "a{b}\"c[\\",
 * 5      "tag": "}"
 * 6    },
 * 7    "workload": {"synthetic": {"gpus": {"values": [1, 2,
 * 8        [3, {"x": 4}], "five"]}}}
 * 9  }
 */
static const char doc[] = "{\n"
                          "  \"cluster\": {\n"
                          "    \"nodes\": 64,\n"
                          "    \"name\": \"a{b}\\\"c[\\\\\",\n"
                          "    \"tag\": \"}\"\n"
                          "  },\n"
                          "  \"workload\": {\"synthetic\": {\"gpus\": {\"values\": [1, 2,\n"
                          "      [3, {\"x\": 4}], \"five\"]}}}\n"
                          "}\n";

#define VALUES "workload.synthetic.gpus.values"

/* Every element of doc with its value's position; the truncation test reuses the table. */
static const struct {
    const char *path;
    int line, col;
} doc_values[] = {
    {"", 1, 1},
    {"cluster", 2, 14},
    {"cluster.nodes", 3, 14},
    {"cluster.name", 4, 13},
    {"cluster.tag", 5, 12},
    {"workload", 7, 15},
    {"workload.synthetic", 7, 29},
    {"workload.synthetic.gpus", 7, 38},
    {VALUES, 7, 49},
    {VALUES "[0]", 7, 50},
    {VALUES "[1]", 7, 53},
    {VALUES "[2]", 8, 7},
    {VALUES "[2][0]", 8, 8},
    {VALUES "[2][1]", 8, 11},
    {VALUES "[2][1].x", 8, 17},
    {VALUES "[3]", 8, 22},
};
#define N_DOC_VALUES (sizeof doc_values / sizeof doc_values[0])

static void test_offset(void)
{
    const char *t = "ab\ncd";
    aidc_text_pos p = aidc_jsonloc_offset(t, 0);
    CU_ASSERT(p.line == 1 && p.col == 1);
    p = aidc_jsonloc_offset(t, 1);
    CU_ASSERT(p.line == 1 && p.col == 2);
    p = aidc_jsonloc_offset(t, 2); /* the newline itself still belongs to line 1 */
    CU_ASSERT(p.line == 1 && p.col == 3);
    p = aidc_jsonloc_offset(t, 3);
    CU_ASSERT(p.line == 2 && p.col == 1);
    p = aidc_jsonloc_offset(t, 5); /* the terminating NUL */
    CU_ASSERT(p.line == 2 && p.col == 3);
    p = aidc_jsonloc_offset(t, 1000); /* clamped to strlen */
    CU_ASSERT(p.line == 2 && p.col == 3);
    p = aidc_jsonloc_offset(t, (size_t)-1);
    CU_ASSERT(p.line == 2 && p.col == 3);

    p = aidc_jsonloc_offset("", 0);
    CU_ASSERT(p.line == 1 && p.col == 1);
    p = aidc_jsonloc_offset("ab\n", 3);
    CU_ASSERT(p.line == 2 && p.col == 1);
    p = aidc_jsonloc_offset("\n\n\n", 3);
    CU_ASSERT(p.line == 4 && p.col == 1);

    /* CRLF: the CR is an ordinary byte of the line, the LF ends it once. */
    const char *crlf = "a\r\nb\r\n";
    p = aidc_jsonloc_offset(crlf, 1);
    CU_ASSERT(p.line == 1 && p.col == 2);
    p = aidc_jsonloc_offset(crlf, 2);
    CU_ASSERT(p.line == 1 && p.col == 3);
    p = aidc_jsonloc_offset(crlf, 3);
    CU_ASSERT(p.line == 2 && p.col == 1);
    p = aidc_jsonloc_offset(crlf, 6);
    CU_ASSERT(p.line == 3 && p.col == 1);

    /* The BOM takes no columns. */
    const char *bom = "\xEF\xBB\xBFxy";
    p = aidc_jsonloc_offset(bom, 0);
    CU_ASSERT(p.line == 1 && p.col == 1);
    p = aidc_jsonloc_offset(bom, 3);
    CU_ASSERT(p.line == 1 && p.col == 1);
    p = aidc_jsonloc_offset(bom, 4);
    CU_ASSERT(p.line == 1 && p.col == 2);

    /* Columns count bytes: "é" is two. */
    p = aidc_jsonloc_offset("\xC3\xA9x", 2);
    CU_ASSERT(p.line == 1 && p.col == 3);
}

static void test_find_values_and_keys(void)
{
    for (size_t i = 0; i < N_DOC_VALUES; i++)
        expect_at(doc, doc_values[i].path, false, doc_values[i].line, doc_values[i].col, __LINE__);

    EXPECT_KEY(doc, "cluster", 2, 3);
    EXPECT_KEY(doc, "cluster.nodes", 3, 5);
    EXPECT_KEY(doc, "cluster.name", 4, 5);
    EXPECT_KEY(doc, "cluster.tag", 5, 5);
    EXPECT_KEY(doc, "workload", 7, 3);
    EXPECT_KEY(doc, "workload.synthetic", 7, 16);
    EXPECT_KEY(doc, "workload.synthetic.gpus", 7, 30);
    EXPECT_KEY(doc, VALUES, 7, 39);
    EXPECT_KEY(doc, VALUES "[2][1].x", 8, 12);
    /* Array elements and the root have no key: want_key falls back to the value. */
    EXPECT_KEY(doc, "", 1, 1);
    EXPECT_KEY(doc, VALUES "[0]", 7, 50);
    EXPECT_KEY(doc, VALUES "[2][1]", 8, 11);

    /* A root array, "[0].a" style paths.
     * Columns:  12345678901234567890123
     * 1  [
     * 2    {"a": 1},
     * 3    {"a": [true, false, null]}
     * 4  ]
     */
    const char *arr = "[\n  {\"a\": 1},\n  {\"a\": [true, false, null]}\n]";
    EXPECT_VAL(arr, "", 1, 1);
    EXPECT_VAL(arr, "[0]", 2, 3);
    EXPECT_KEY(arr, "[0].a", 2, 4);
    EXPECT_VAL(arr, "[0].a", 2, 9);
    EXPECT_VAL(arr, "[1].a", 3, 9);
    EXPECT_VAL(arr, "[1].a[0]", 3, 10);
    EXPECT_VAL(arr, "[1].a[1]", 3, 16);
    EXPECT_VAL(arr, "[1].a[2]", 3, 23);

    /* Scalars at the root and leading whitespace. */
    EXPECT_VAL("  \n\t42", "", 2, 2);
    EXPECT_VAL("\"s\"", "", 1, 1);
    /* Empty containers are complete values to skip over (this once left the skip one level
     * too deep, so everything after an empty [] or {} was reported missing). */
    const char *e = "{\"a\": {}, \"b\": [ ], \"c\": [[], {}, [[]]], \"d\": 1}";
    EXPECT_VAL(e, "d", 1, 47);
    EXPECT_VAL(e, "c[2]", 1, 35);
    EXPECT_VAL(e, "c[2][0]", 1, 36);
    EXPECT_VAL("[[], 5]", "[1]", 1, 6);
    /* Numbers in every shape are skipped correctly. */
    EXPECT_VAL("[-0.5e+10, 1E3, 0, 12.25, -3, 7]", "[5]", 1, 31);
}

static void test_find_missing(void)
{
    EXPECT_NONE(doc, "nope");
    EXPECT_NONE(doc, "Cluster");      /* keys match exactly, case included */
    EXPECT_NONE(doc, "cluster.node"); /* a prefix of a key is not the key */
    EXPECT_NONE(doc, "cluster.nodesx");
    EXPECT_NONE(doc, "cluster.nodes.x"); /* keying a number */
    EXPECT_NONE(doc, "cluster[0]");      /* indexing an object */
    EXPECT_NONE(doc, VALUES ".x");       /* keying an array */
    EXPECT_NONE(doc, VALUES "[4]");
    EXPECT_NONE(doc, VALUES "[2][2]");
    EXPECT_NONE(doc, VALUES "[99999999999999999999999]"); /* overflowing index */
    EXPECT_NONE(doc, "[0]");                              /* the root is an object */
    EXPECT_NONE("{}", "a");
    EXPECT_NONE("[]", "[0]");
    EXPECT_NONE("{\"a\": {}}", "a.b");
    EXPECT_NONE("{\"a\": []}", "a[0]");

    /* Malformed paths are misses, not crashes. */
    EXPECT_NONE(doc, ".cluster");
    EXPECT_NONE(doc, "cluster.");
    EXPECT_NONE(doc, "cluster..nodes");
    EXPECT_NONE(doc, "workload.synthetic.gpus.values[");
    EXPECT_NONE(doc, VALUES "[]");
    EXPECT_NONE(doc, VALUES "[x]");
    EXPECT_NONE(doc, VALUES "[1");
    EXPECT_NONE(doc, VALUES "[-1]");
    EXPECT_NONE(doc, VALUES ".[1]");
    EXPECT_NONE(doc, VALUES "[2][1]x");
}

static void test_find_tricky_strings(void)
{
    /* Braces, brackets, commas, colons and escaped quotes inside strings must not be taken
     * for structure. Columns: the value of "s" is at 7, "p" at 23 (value 28), "t" at 36 (41).
     *  {"s": "\"t\": 5, {[", "p": "C:\\", "t": 6}
     */
    const char *s = "{\"s\": \"\\\"t\\\": 5, {[\", \"p\": \"C:\\\\\", \"t\": 6}";
    EXPECT_VAL(s, "s", 1, 7);
    EXPECT_KEY(s, "p", 1, 23);
    EXPECT_VAL(s, "p", 1, 28);
    EXPECT_KEY(s, "t", 1, 36);
    EXPECT_VAL(s, "t", 1, 41);

    /* Keys are compared after decoding escapes, as cJSON stores them. Keys start at columns
     * 2, 13, 29, 45 and 64 of
     *  {"a\"b": 1, "gp\u0075s": 2, "caf\u00e9": 3, "\ud83d\ude00": 4, "\/": 5}
     */
    const char *k = "{\"a\\\"b\": 1, \"gp\\u0075s\": 2, \"caf\\u00e9\": 3, "
                    "\"\\ud83d\\ude00\": 4, \"\\/\": 5}";
    EXPECT_KEY(k, "a\"b", 1, 2);
    EXPECT_VAL(k, "a\"b", 1, 10);
    EXPECT_KEY(k, "gpus", 1, 13);
    EXPECT_VAL(k, "gpus", 1, 26);
    EXPECT_KEY(k, "caf\xC3\xA9", 1, 29);
    EXPECT_VAL(k, "caf\xC3\xA9", 1, 42);
    EXPECT_KEY(k, "\xF0\x9F\x98\x80", 1, 45);
    EXPECT_VAL(k, "\xF0\x9F\x98\x80", 1, 61);
    EXPECT_KEY(k, "/", 1, 64);
    EXPECT_VAL(k, "/", 1, 70);
    EXPECT_NONE(k, "gp\\u0075s"); /* the raw spelling is not the key */
    EXPECT_NONE(k, "caf");
    /* A lone surrogate is not a key cJSON could hold, so it matches nothing. */
    EXPECT_NONE("{\"\\ud83d\": 1}", "\xED\xA0\xBD");

    /* Raw UTF-8: columns count bytes, so "é" shifts what follows by two. */
    EXPECT_VAL("{\"caf\xC3\xA9\": \"\xC3\xA9\", \"n\": 1}", "n", 1, 22);
    EXPECT_VAL("{\"caf\xC3\xA9\": \"\xC3\xA9\", \"n\": 1}", "caf\xC3\xA9", 1, 11);
}

static void test_find_duplicates(void)
{
    /* cJSON's lookups return the first of duplicate keys, so positions must too.
     *  1234567890123456
     *  {"a": {"a": 1},
     *   "b": 2,
     *   "a": 3, "b": 4}
     */
    const char *d = "{\"a\": {\"a\": 1},\n \"b\": 2,\n \"a\": 3, \"b\": 4}";
    EXPECT_KEY(d, "a", 1, 2);
    EXPECT_VAL(d, "a", 1, 7);
    EXPECT_KEY(d, "a.a", 1, 8);
    EXPECT_VAL(d, "a.a", 1, 13);
    EXPECT_VAL(d, "b", 2, 7);
    EXPECT_VAL("{\"n\": 1, \"n\": 2}", "n", 1, 7);
    /* The first "a" is not an object, so "a.x" is absent even though the second one has x. */
    EXPECT_NONE("{\"a\": 1, \"a\": {\"x\": 2}}", "a.x");
}

static void test_find_crlf_and_bom(void)
{
    /* Same layout as with "\n"; the CRs only sit at the ends of lines.
     *  12345678
     *  {
     *    "a": 1,
     *    "b": [
     *      2
     *    ]
     *  }
     */
    const char *c = "{\r\n  \"a\": 1,\r\n  \"b\": [\r\n    2\r\n  ]\r\n}\r\n";
    EXPECT_KEY(c, "a", 2, 3);
    EXPECT_VAL(c, "a", 2, 8);
    EXPECT_KEY(c, "b", 3, 3);
    EXPECT_VAL(c, "b", 3, 8);
    EXPECT_VAL(c, "b[0]", 4, 5);
    EXPECT_NONE(c, "b[1]");

    const char *b = "\xEF\xBB\xBF{\"a\": 1,\n \"b\": 2}";
    EXPECT_VAL(b, "", 1, 1);
    EXPECT_KEY(b, "a", 1, 2);
    EXPECT_VAL(b, "a", 1, 7);
    EXPECT_KEY(b, "b", 2, 2);
    EXPECT_VAL(b, "b", 2, 7);
    EXPECT_VAL("\xEF\xBB\xBF\r\n [1]", "[0]", 2, 3);
    /* Only a leading BOM is skipped; half of one is just garbage. */
    EXPECT_NONE("\xEF\xBB{\"a\": 1}", "a");
    EXPECT_NONE(" \xEF\xBB\xBF{\"a\": 1}", "a");

    /* cJSON counts every control byte as whitespace, so files it accepts can hold them. */
    EXPECT_VAL("{\x01\"a\"\x1F:\x0B 1}", "a", 1, 10);
}

static void test_find_invalid(void)
{
    EXPECT_NONE("", "");
    EXPECT_NONE("   \n ", "");
    EXPECT_NONE("}", "");
    EXPECT_NONE("{\"a\" 1}", "a");
    EXPECT_NONE("{\"a\": }", "a");
    EXPECT_NONE("{\"a\":", "a");
    EXPECT_NONE("{\"a\": 1,}", "b");
    EXPECT_VAL("{\"a\": 1,}", "a", 1, 7);
    EXPECT_NONE("[1,,2]", "[2]");
    EXPECT_VAL("[1,,2]", "[0]", 1, 2);
    EXPECT_NONE("[1,]", "[1]");
    EXPECT_NONE("{\"a\": [1, 2}, \"b\": 1}", "b");      /* mismatched closer */
    EXPECT_NONE("{\"a\": {\"x\": 1]], \"b\": 1}", "b"); /* mismatched closer */
    EXPECT_NONE("{\"a\": [1 2], \"b\": 1}", "b");       /* missing comma */
    EXPECT_NONE("{\"a\": {\"x\" 1}, \"b\": 1}", "b");   /* missing colon inside a skip */
    EXPECT_NONE("{\"a\": {1: 2}, \"b\": 1}", "b");      /* non-string key */
    EXPECT_NONE("{\"a\": 1e, \"b\": 1}", "b");          /* bare exponent, as cJSON */
    EXPECT_NONE("{\"a\": -, \"b\": 1}", "b");
    EXPECT_NONE("{\"a\": tru, \"b\": 1}", "b");
    EXPECT_NONE("{\"a\": \"x\\", "b"); /* text ends inside an escape */
    EXPECT_NONE("{\"a\": \"x", "b");   /* unterminated string */
    EXPECT_NONE("{\"a\\", "a");
    EXPECT_NONE("{\"a\\u12", "a");
    /* cJSON's strtod reading accepts these, so they must be walkable. */
    EXPECT_VAL("[01, 1., -.5, 2]", "[3]", 1, 15);
    /* A broken value still has a start worth pointing at. */
    EXPECT_VAL("{\"a\": \"unterminated", "a", 1, 7);
    EXPECT_VAL("{\"a\": [1, 2", "a", 1, 7);
    EXPECT_VAL("{\"a\": tru}", "a", 1, 7);
}

/* Byte offset of line:col in text, for comparing prefixes with the full document. */
static size_t offset_of(const char *text, int line, int col)
{
    size_t i = 0;
    for (int l = 1; l < line; i++)
        if (text[i] == '\n') l++;
    return i + (size_t)(col - 1);
}

static void test_find_truncated(void)
{
    /* Walking only moves forward, so a prefix of doc that is long enough to reach an
     * element's first byte finds it where the full text does, and a shorter one never does.
     * Exact-size heap copies let ASan catch any read past the NUL. */
    size_t full = strlen(doc);
    for (size_t len = 0; len <= full; len++) {
        char *t = malloc(len + 1);
        CU_ASSERT_PTR_NOT_NULL_FATAL(t);
        memcpy(t, doc, len);
        t[len] = '\0';
        for (size_t i = 0; i < N_DOC_VALUES; i++) {
            size_t at = offset_of(doc, doc_values[i].line, doc_values[i].col);
            aidc_text_pos p = {0, 0};
            bool found = aidc_jsonloc_find(t, doc_values[i].path, false, &p);
            CU_ASSERT_EQUAL(found, len > at);
            if (found) {
                CU_ASSERT_EQUAL(p.line, doc_values[i].line);
                CU_ASSERT_EQUAL(p.col, doc_values[i].col);
            }
            found = aidc_jsonloc_find(t, doc_values[i].path, true, &p);
            CU_ASSERT_EQUAL(found, len > at);
        }
        free(t);
    }
}

static void test_find_mutated(void)
{
    /* Random byte damage (a fixed xorshift seed, so failures replay) must never crash or
     * overread, and whatever is found must be a position inside the text. */
    size_t full = strlen(doc);
    uint32_t rng = 0x9E3779B9u;
    char *t = malloc(full + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (int round = 0; round < 3000; round++) {
        memcpy(t, doc, full + 1);
        int hits = 1 + round % 4;
        for (int h = 0; h < hits; h++) {
            rng ^= rng << 13;
            rng ^= rng >> 17;
            rng ^= rng << 5;
            t[rng % full] = (char)(rng >> 24);
        }
        aidc_text_pos end = aidc_jsonloc_offset(t, full);
        for (size_t i = 0; i < N_DOC_VALUES; i++) {
            aidc_text_pos p = {0, 0};
            if (aidc_jsonloc_find(t, doc_values[i].path, round % 2 == 0, &p)) {
                CU_ASSERT(p.line >= 1 && p.line <= end.line);
                CU_ASSERT(p.col >= 1 && (p.line < end.line || p.col < end.col));
            }
        }
    }
    free(t);
}

static void test_find_deep(void)
{
    enum { DEEP = 100000, CLOSED = 5000 };

    /* 100000 unclosed '[': the walk along a path needs no stack at all... */
    char *t = malloc(DEEP + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    memset(t, '[', DEEP);
    t[DEEP] = '\0';
    EXPECT_VAL(t, "", 1, 1);
    EXPECT_VAL(t, "[0]", 1, 2);
    EXPECT_VAL(t, "[0][0][0]", 1, 4);
    /* ...and skipping such a value gives up instead of overflowing. */
    EXPECT_NONE(t, "[1]");
    EXPECT_NONE(t, "a");
    free(t);

    /* Closed, but deeper than the skip limit: still a clean miss. */
    t = malloc(2 * DEEP + 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t[0] = '[';
    memset(t + 1, '[', DEEP);
    memset(t + 1 + DEEP, ']', DEEP);
    memcpy(t + 1 + 2 * DEEP, ",7]", 4);
    EXPECT_VAL(t, "[0]", 1, 2);
    EXPECT_NONE(t, "[1]");
    free(t);

    /* 5000 levels (well past cJSON's own limit of 1000) are skipped exactly. */
    t = malloc(2 * CLOSED + 5);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    t[0] = '[';
    memset(t + 1, '[', CLOSED);
    memset(t + 1 + CLOSED, ']', CLOSED);
    memcpy(t + 1 + 2 * CLOSED, ",7]", 4);
    EXPECT_VAL(t, "[1]", 1, 2 * CLOSED + 3);
    free(t);

    /* 100000 nested objects {"a":{"a":... with the scan skipping past them. */
    static const char open[] = "{\"a\":";
    size_t n = DEEP * (sizeof open - 1);
    t = malloc(n + 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (size_t i = 0; i < DEEP; i++)
        memcpy(t + i * (sizeof open - 1), open, sizeof open - 1);
    t[n] = '\0';
    EXPECT_VAL(t, "a.a", 1, 11);
    EXPECT_NONE(t, "b");
    EXPECT_NONE(t, "a.b");
    free(t);
}

static void test_line(void)
{
    char buf[64];
    const char *t = "first\nsecond\r\nthird";
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 1, buf, sizeof buf), "first");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 2, buf, sizeof buf), "second");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 3, buf, sizeof buf), "third");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 4, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 0, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, -1, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, INT_MAX, buf, sizeof buf), "");
    CU_ASSERT_PTR_EQUAL(aidc_jsonloc_line(t, 1, buf, sizeof buf), buf);

    /* Truncation keeps n-1 bytes; n == 1 leaves room only for the NUL. */
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 2, buf, 4), "sec");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 2, buf, 7), "second");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line(t, 2, buf, 1), "");

    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line("", 1, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line("a\n", 2, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line("a\n", 3, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line("\n\nx", 2, buf, sizeof buf), "");
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line("\n\nx", 3, buf, sizeof buf), "x");
    /* The BOM is not shown, so a caret at the reported column lines up. */
    CU_ASSERT_STRING_EQUAL(aidc_jsonloc_line("\xEF\xBB\xBF{}\n[]", 1, buf, sizeof buf), "{}");

    /* The line and the column from find point at the same byte. */
    aidc_text_pos p;
    CU_ASSERT_TRUE_FATAL(aidc_jsonloc_find(doc, VALUES "[2][1].x", false, &p));
    aidc_jsonloc_line(doc, p.line, buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "      [3, {\"x\": 4}], \"five\"]}}}");
    CU_ASSERT_EQUAL(buf[p.col - 1], '4');
}

int test_jsonloc_register(void)
{
    CU_pSuite s = CU_add_suite("jsonloc", NULL, NULL);
    if (s == NULL) return -1;
    if (CU_add_test(s, "offset to line:col", test_offset) == NULL ||
        CU_add_test(s, "find values and keys", test_find_values_and_keys) == NULL ||
        CU_add_test(s, "find missing paths", test_find_missing) == NULL ||
        CU_add_test(s, "find through tricky strings", test_find_tricky_strings) == NULL ||
        CU_add_test(s, "find first duplicate", test_find_duplicates) == NULL ||
        CU_add_test(s, "find with CRLF and BOM", test_find_crlf_and_bom) == NULL ||
        CU_add_test(s, "find in invalid text", test_find_invalid) == NULL ||
        CU_add_test(s, "find in every prefix", test_find_truncated) == NULL ||
        CU_add_test(s, "find in mutated text", test_find_mutated) == NULL ||
        CU_add_test(s, "find in deep nesting", test_find_deep) == NULL ||
        CU_add_test(s, "line text", test_line) == NULL)
        return -1;
    return 0;
}
