/* metrics — summary.json paths, seed statistics, result files; see metrics.h. */
#include "sim/metrics.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool path_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.';
}

/* Copies one path from *p into out, skipping blanks around it. */
static int read_path(const char **p, char *out, size_t n, char *why, size_t wn)
{
    const char *s = *p + strspn(*p, " \t");
    size_t len = 0;
    while (path_char(s[len])) len++;
    if (len == 0) {
        snprintf(why, wn, "expected a summary.json key path like \"wait_s.p95\" at \"%.40s\"", s);
        return -1;
    }
    if (len >= n) {
        snprintf(why, wn, "key path \"%.*s...\" is longer than %zu bytes", 20, s, n - 1);
        return -1;
    }
    bool empty_part = s[0] == '.' || s[len - 1] == '.';
    for (size_t i = 1; i < len; i++)
        if (s[i] == '.' && s[i - 1] == '.') empty_part = true;
    if (empty_part) {
        snprintf(why, wn, "\"%.*s\": a key path has no empty parts", (int)len, s);
        return -1;
    }
    memcpy(out, s, len);
    out[len] = '\0';
    *p = s + len + strspn(s + len, " \t");
    return 0;
}

int aidc_metric_parse(const char *text, aidc_metric *m, char *why, size_t n)
{
    memset(m, 0, sizeof *m);
    const char *p = text;
    if (read_path(&p, m->num, sizeof m->num, why, n)) return -1;
    if (*p == '/') {
        p++;
        if (read_path(&p, m->den, sizeof m->den, why, n)) return -1;
    }
    if (*p) {
        snprintf(why, n, "unexpected \"%.40s\" after the key path; a metric is \"path\" or \"path / path\"",
                 p);
        return -1;
    }
    if (m->den[0]) snprintf(m->text, sizeof m->text, "%s / %s", m->num, m->den);
    else snprintf(m->text, sizeof m->text, "%s", m->num);
    return 0;
}

int aidc_metric_path_get(const cJSON *summary, const char *path, double *out, char *why, size_t n)
{
    const cJSON *node = summary;
    const char *p = path;
    char key[AIDC_METRIC_LEN];
    while (*p) {
        size_t len = strcspn(p, ".");
        if (len >= sizeof key) len = sizeof key - 1;
        memcpy(key, p, len);
        key[len] = '\0';
        const cJSON *child = cJSON_IsObject(node) ? cJSON_GetObjectItemCaseSensitive(node, key) : NULL;
        if (!child) {
            snprintf(why, n, "\"%s\" is not in summary.json (no \"%s\" at \"%.*s\")", path, key,
                     (int)(p - path), path);
            return -1;
        }
        node = child;
        p += len;
        if (*p == '.') p++;
    }
    if (cJSON_IsNumber(node)) *out = node->valuedouble;
    else if (cJSON_IsBool(node)) *out = cJSON_IsTrue(node) ? 1 : 0;
    else {
        snprintf(why, n, "\"%s\" in summary.json is %s, not a number or a boolean", path,
                 cJSON_IsObject(node) ? "an object" : cJSON_IsArray(node) ? "an array" : "a string or null");
        return -1;
    }
    return 0;
}

int aidc_metric_eval(const aidc_metric *m, const cJSON *summary, double *out, char *why, size_t n)
{
    double a, b;
    if (aidc_metric_path_get(summary, m->num, &a, why, n)) return -1;
    if (!m->den[0]) {
        *out = a;
        return 0;
    }
    if (aidc_metric_path_get(summary, m->den, &b, why, n)) return -1;
    if (b == 0) {
        snprintf(why, n, "%s: the divisor \"%s\" is 0", m->text, m->den);
        return -1;
    }
    *out = a / b;
    return 0;
}

void aidc_seed_stats_compute(const double *x, size_t n, double level, aidc_seed_stats *o)
{
    memset(o, 0, sizeof *o);
    o->n = n;
    o->mean = o->sd = o->half = o->lo = o->hi = o->min = o->max = NAN;
    if (n == 0) return;
    double sum = 0;
    o->min = o->max = x[0];
    for (size_t i = 0; i < n; i++) {
        sum += x[i];
        if (x[i] < o->min) o->min = x[i];
        if (x[i] > o->max) o->max = x[i];
    }
    o->mean = sum / (double)n;
    o->lo = o->hi = o->mean;
    if (n < 2) return;
    double ss = 0;
    for (size_t i = 0; i < n; i++) ss += (x[i] - o->mean) * (x[i] - o->mean);
    o->sd = sqrt(ss / (double)(n - 1));
    double t = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(n - 1));
    o->half = t * o->sd / sqrt((double)n);
    o->lo = o->mean - o->half;
    o->hi = o->mean + o->half;
}

void aidc_csv_field(FILE *f, const char *s)
{
    if (!s[strcspn(s, ",\"\r\n")]) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

void aidc_csv_num(FILE *f, double v)
{
    if (isfinite(v)) fprintf(f, "%.10g", v);
}

cJSON *aidc_json_num(double v) { return isfinite(v) ? cJSON_CreateNumber(v) : cJSON_CreateNull(); }

int aidc_write_file_atomic(const char *path, const char *text, size_t len, char *err, size_t errlen)
{
    char tmp[4200];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        return -1;
    }
    size_t put = fwrite(text, 1, len, f);
    int bad = put != len || ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write failed", tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}
