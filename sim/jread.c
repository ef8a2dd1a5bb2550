/* jread — typed JSON reads with located errors; see jread.h. */
#include "sim/jread.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/suggest.h"
#include "models/units.h"
#include "models/utf8.h"
#include "sim/jsonloc.h"

/* The --set entry that wrote path or one of its parents, or NULL. */
static const char *override_for(const aidc_jread *r, const char *path)
{
    if (!r->overrides) return NULL;
    for (size_t i = 0; r->overrides[i]; i++) {
        const char *o = r->overrides[i];
        size_t len = strcspn(o, "=");
        if (strncmp(o, path, len) == 0 && (path[len] == '\0' || path[len] == '.' || path[len] == '['))
            return o;
    }
    return NULL;
}

int aidc_jread_fail(const aidc_jread *r, const char *path, bool at_key, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const char *label = path[0] ? path : "(top level)";
    const char *ov = override_for(r, path);
    aidc_text_pos pos;
    if (ov) {
        snprintf(r->err, r->errlen, "%s: %s: %s (from --set %s)", r->file, label, msg, ov);
    } else if (r->text && aidc_jsonloc_find(r->text, path, at_key, &pos)) {
        char line[160];
        aidc_jsonloc_line(r->text, pos.line, line, sizeof line);
        int caret = pos.col - 1 < (int)strlen(line) ? pos.col - 1 : (int)strlen(line);
        snprintf(r->err, r->errlen, "%s:%d:%d: %s: %s\n    %s\n    %*s^", r->file, pos.line,
                 pos.col, label, msg, line, caret, "");
    } else {
        snprintf(r->err, r->errlen, "%s: %s: %s", r->file, label, msg);
    }
    return -1;
}

char *aidc_jread_join(char *buf, const char *parent, const char *key)
{
    if (parent[0])
        snprintf(buf, AIDC_PATH_MAX, "%s.%s", parent, key);
    else
        snprintf(buf, AIDC_PATH_MAX, "%s", key);
    return buf;
}

int aidc_jread_keys(const aidc_jread *r, const cJSON *obj, const char *path,
                    const char *const *allowed)
{
    for (const cJSON *it = obj->child; it; it = it->next) {
        bool known = false;
        for (size_t i = 0; allowed[i]; i++)
            if (strcmp(it->string, allowed[i]) == 0) known = true;
        if (known) continue;
        char p[AIDC_PATH_MAX];
        aidc_jread_join(p, path, it->string);
        const char *hint = aidc_suggest(it->string, allowed);
        if (hint) return aidc_jread_fail(r, p, true, "unknown key \"%s\"; did you mean \"%s\"?",
                                         it->string, hint);
        char list[256] = "";
        for (size_t i = 0; allowed[i]; i++) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", allowed[i]);
        }
        return aidc_jread_fail(r, p, true, "unknown key \"%s\" (known here: %s)", it->string, list);
    }
    /* cJSON keeps duplicate keys and reads the first: a silent trap */
    for (const cJSON *a = obj->child; a; a = a->next)
        for (const cJSON *b = a->next; b; b = b->next)
            if (strcmp(a->string, b->string) == 0) {
                char p[AIDC_PATH_MAX];
                return aidc_jread_fail(r, aidc_jread_join(p, path, a->string), true,
                                       "key \"%s\" appears more than once", a->string);
            }
    return 0;
}

const char *aidc_jread_describe(const cJSON *v, char *buf, size_t n)
{
    if (cJSON_IsString(v)) {
        snprintf(buf, n, "the string \"%.60s\"", v->valuestring);
    } else if (cJSON_IsNumber(v)) {
        snprintf(buf, n, "the number %.17g", v->valuedouble);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, n, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        snprintf(buf, n, "null");
    } else if (cJSON_IsArray(v)) {
        snprintf(buf, n, "an array");
    } else {
        snprintf(buf, n, "an object");
    }
    return buf;
}

/* Looks up key; 0 when absent (error if required), 1 when present. */
static int member(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                  bool required, const char *what, const cJSON **out, char *p)
{
    aidc_jread_join(p, path, key);
    *out = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (*out) return 1;
    if (required) return aidc_jread_fail(r, path, false, "missing required key \"%s\" (%s)", key, what);
    return 0;
}

int aidc_jread_int(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, int64_t min, int64_t max, int64_t *out)
{
    const cJSON *v;
    char p[AIDC_PATH_MAX], found[96];
    int rc = member(r, obj, path, key, required, "an integer", &v, p);
    if (rc <= 0) return rc;
    double d = v->valuedouble;
    if (!cJSON_IsNumber(v) || d != floor(d) || !isfinite(d))
        return aidc_jread_fail(r, p, false, "expected an integer, found %s",
                               aidc_jread_describe(v, found, sizeof found));
    if (d < (double)min || d > (double)max)
        return aidc_jread_fail(r, p, false,
                               "expected an integer from %lld to %lld, found %.17g",
                               (long long)min, (long long)max, d);
    *out = (int64_t)d;
    return 1;
}

int aidc_jread_num(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, double min, double max, double *out)
{
    const cJSON *v;
    char p[AIDC_PATH_MAX], found[96];
    int rc = member(r, obj, path, key, required, "a number", &v, p);
    if (rc <= 0) return rc;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return aidc_jread_fail(r, p, false, "expected a number, found %s",
                               aidc_jread_describe(v, found, sizeof found));
    if (v->valuedouble < min || v->valuedouble > max)
        return aidc_jread_fail(r, p, false, "expected a number from %g to %g, found %.17g", min,
                               max, v->valuedouble);
    *out = v->valuedouble;
    return 1;
}

int aidc_jread_bool(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                    bool required, bool *out)
{
    const cJSON *v;
    char p[AIDC_PATH_MAX], found[96];
    int rc = member(r, obj, path, key, required, "true or false", &v, p);
    if (rc <= 0) return rc;
    if (!cJSON_IsBool(v))
        return aidc_jread_fail(r, p, false, "expected true or false, found %s",
                               aidc_jread_describe(v, found, sizeof found));
    *out = cJSON_IsTrue(v);
    return 1;
}

int aidc_jread_str(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, const char **out)
{
    const cJSON *v;
    char p[AIDC_PATH_MAX], found[96];
    int rc = member(r, obj, path, key, required, "a string", &v, p);
    if (rc <= 0) return rc;
    if (!cJSON_IsString(v))
        return aidc_jread_fail(r, p, false, "expected a string, found %s",
                               aidc_jread_describe(v, found, sizeof found));
    if (!v->valuestring[0]) return aidc_jread_fail(r, p, false, "expected a non-empty string");
    *out = v->valuestring;
    return 1;
}

typedef int (*unit_parser)(const char *s, void *out, char *err, size_t errlen);

static int read_unit(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                     bool required, const char *example, unit_parser parse, void *out)
{
    const cJSON *v;
    char p[AIDC_PATH_MAX], found[96], msg[256];
    int rc = member(r, obj, path, key, required, example, &v, p);
    if (rc <= 0) return rc;
    if (!cJSON_IsString(v))
        return aidc_jread_fail(r, p, false, "expected a string with a unit such as %s, found %s",
                               example, aidc_jread_describe(v, found, sizeof found));
    if (parse(v->valuestring, out, msg, sizeof msg) != 0)
        return aidc_jread_fail(r, p, false, "%s", msg);
    return 1;
}

static int parse_duration(const char *s, void *out, char *err, size_t n)
{
    return aidc_parse_duration_ns(s, out, err, n);
}
static int parse_power(const char *s, void *out, char *err, size_t n)
{
    return aidc_parse_power_w(s, out, err, n);
}
static int parse_money(const char *s, void *out, char *err, size_t n)
{
    return aidc_parse_money_usd(s, out, err, n);
}

int aidc_jread_duration(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                        bool required, int64_t min_ns, int64_t *out_ns)
{
    int64_t v;
    int rc = read_unit(r, obj, path, key, required, "\"90s\", \"5m\", \"36h\" or \"30d\"",
                       parse_duration, &v);
    if (rc <= 0) return rc;
    if (v < min_ns) {
        char p[AIDC_PATH_MAX], b1[AIDC_DURATION_BUFLEN];
        return aidc_jread_fail(r, aidc_jread_join(p, path, key), false,
                               "must be at least %s", aidc_format_duration(min_ns, b1, sizeof b1));
    }
    *out_ns = v;
    return 1;
}

int aidc_jread_power(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                     bool required, double *out_w)
{
    return read_unit(r, obj, path, key, required, "\"700W\", \"10.2kW\" or \"1.5MW\"", parse_power,
                     out_w);
}

int aidc_jread_money(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                     bool required, double *out_usd)
{
    return read_unit(r, obj, path, key, required, "\"$30000\" or \"$1.5M\"", parse_money, out_usd);
}

int aidc_jread_obj(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, const cJSON **out)
{
    const cJSON *v;
    char p[AIDC_PATH_MAX], found[96];
    *out = NULL;
    int rc = member(r, obj, path, key, required, "an object", &v, p);
    if (rc <= 0) return rc;
    if (!cJSON_IsObject(v))
        return aidc_jread_fail(r, p, false, "expected an object, found %s",
                               aidc_jread_describe(v, found, sizeof found));
    *out = v;
    return 1;
}

/* How many arrays and objects are open at `end` (strings skipped): cJSON
 * refuses nesting deeper than CJSON_NESTING_LIMIT, and the message should
 * say so rather than "invalid JSON". */
static size_t nesting_at(const char *p, const char *end)
{
    size_t depth = 0;
    bool in_str = false;
    for (; end && p < end && *p; p++) {
        if (in_str) {
            if (*p == '\\' && p[1]) p++;
            else if (*p == '"') in_str = false;
        } else if (*p == '"') {
            in_str = true;
        } else if (*p == '[' || *p == '{') {
            depth++;
        } else if ((*p == ']' || *p == '}') && depth > 0) {
            depth--;
        }
    }
    return depth;
}

cJSON *aidc_jread_parse(const char *file, const char *text, char *err, size_t errlen)
{
    const char *body = text;
    if ((unsigned char)body[0] == 0xEF && (unsigned char)body[1] == 0xBB &&
        (unsigned char)body[2] == 0xBF)
        body += 3;
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithOpts(body, &end, true);
    if (root) return root;
    size_t off = end ? (size_t)(end - text) : 0;
    aidc_text_pos pos = aidc_jsonloc_offset(text, off);
    const char *what = (end && *end == '\0') ? "unexpected end of file" : "invalid JSON";
    if (!body[strspn(body, " \t\r\n")]) what = "empty file; expected a JSON object";
    char deep[96];
    if (nesting_at(body, end) >= CJSON_NESTING_LIMIT) {
        snprintf(deep, sizeof deep, "arrays and objects nested more than %d deep", CJSON_NESTING_LIMIT);
        what = deep;
    }
    char line[160];
    aidc_jsonloc_line(text, pos.line, line, sizeof line);
    snprintf(err, errlen, "%s:%d:%d: %s\n    %s\n    %*s^", file, pos.line, pos.col, what, line,
             pos.col - 1 < (int)strlen(line) ? pos.col - 1 : (int)strlen(line), "");
    return NULL;
}

int aidc_jread_load(const char *path, const char *what, size_t max_bytes, char **text,
                    cJSON **root, char *err, size_t errlen)
{
    *text = NULL;
    *root = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: is a directory, expected %s", path, what);
        return -1;
    }
    if ((unsigned long long)st.st_size > max_bytes) {
        snprintf(err, errlen, "%s: %lld bytes is too large for %s (limit %zu)", path,
                 (long long)st.st_size, what, max_bytes);
        return -1;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    size_t got = buf ? fread(buf, 1, (size_t)st.st_size, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: cannot read: %s", path, buf ? strerror(errno) : "out of memory");
        free(buf);
        return -1;
    }
    buf[got] = '\0';
    if (strlen(buf) != got) {
        free(buf);
        snprintf(err, errlen, "%s: contains a NUL byte; expected %s (JSON text)", path, what);
        return -1;
    }
    size_t bad8 = aidc_utf8_check(buf, got);
    if (bad8 < got) {
        aidc_text_pos pos = aidc_jsonloc_offset(buf, bad8);
        snprintf(err, errlen, "%s:%d:%d: invalid UTF-8 (byte 0x%02X); JSON text must be UTF-8", path,
                 pos.line, pos.col, (unsigned)(unsigned char)buf[bad8]);
        free(buf);
        return -1;
    }
    cJSON *tree = aidc_jread_parse(path, buf, err, errlen);
    if (!tree) {
        free(buf);
        return -1;
    }
    *text = buf;
    *root = tree;
    return 0;
}
