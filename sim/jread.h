/* jread — typed reads from a cJSON tree with errors that name the place:
 * "FILE:LINE:COL: key.path: expected ..., found ...", the offending line and
 * a caret. Positions come from the raw text (sim/jsonloc), because cJSON keeps
 * none. Values that came from a --set override are named as such instead.
 *
 * Every reader returns 1 when the key was present and valid, 0 when it was
 * absent and not required (out untouched), -1 on error (the message is in
 * r->err; later reads still work, so a caller may stop at the first -1). */
#ifndef AIDC_SIM_JREAD_H
#define AIDC_SIM_JREAD_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AIDC_PATH_MAX 256

typedef struct aidc_jread {
    const char *file; /* name shown in messages */
    const char *text; /* the raw JSON text, or NULL */
    char *err;
    size_t errlen;
    const char *const *overrides; /* "path=value" strings from --set, NULL-terminated, or NULL */
} aidc_jread;

/* Records an error about path (at its key when at_key, else its value). Returns -1. */
int aidc_jread_fail(const aidc_jread *r, const char *path, bool at_key, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Writes "parent.key" (or "key" at the root) into buf; returns buf. */
char *aidc_jread_join(char *buf, const char *parent, const char *key);

/* Fails on the first key of obj not in allowed (NULL-terminated), with a
 * suggestion when one is close. Returns 0 or -1. */
int aidc_jread_keys(const aidc_jread *r, const cJSON *obj, const char *path,
                    const char *const *allowed);

/* Describes a value for "found ..." (e.g. "the string \"abc\"", "an object"). */
const char *aidc_jread_describe(const cJSON *v, char *buf, size_t n);

int aidc_jread_int(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, int64_t min, int64_t max, int64_t *out);
int aidc_jread_num(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, double min, double max, double *out);
int aidc_jread_bool(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                    bool required, bool *out);
/* *out points into the cJSON tree. Empty strings are an error. */
int aidc_jread_str(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, const char **out);
/* Unit strings ("90s", "10.2kW", "$30000"); min_* bound the parsed value. */
int aidc_jread_duration(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                        bool required, int64_t min_ns, int64_t *out_ns);
int aidc_jread_power(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                     bool required, double *out_w);
int aidc_jread_money(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                     bool required, double *out_usd);
/* An object member; *out NULL when absent and not required. */
int aidc_jread_obj(const aidc_jread *r, const cJSON *obj, const char *path, const char *key,
                   bool required, const cJSON **out);

/* Parses JSON text read from file (a leading UTF-8 BOM skipped). Returns the
 * tree, or NULL with "FILE:LINE:COL: invalid JSON" (or what else is wrong:
 * end of file, empty, nested too deep) and the line with a caret in err. */
cJSON *aidc_jread_parse(const char *file, const char *text, char *err, size_t errlen);

/* Reads the JSON file at path (at most max_bytes; NUL bytes and invalid
 * UTF-8 refused, with their place) and parses it. On success
 * returns 0, *text holds the raw text (for positions in later messages) and
 * *root the tree; the caller frees both (free, cJSON_Delete). On failure
 * returns -1 with "FILE:LINE:COL: invalid JSON" and the line, or the I/O
 * error, in err. what names the expected content ("a tolerance file"). */
int aidc_jread_load(const char *path, const char *what, size_t max_bytes, char **text,
                    cJSON **root, char *err, size_t errlen);

#endif
