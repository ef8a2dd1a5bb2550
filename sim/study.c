/* study — shared parts of sweep and plan files; see study.h. */
#include "sim/study.h"

#include "sim/jread.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/batch.h"
#include "sim/scenario.h"

#define MAX_AXIS_VALUES 100000
#define MAX_SEEDS 10000

static char *fmt_str(const char *fmt, const char *a, const char *b)
{
    size_t n = strlen(fmt) + strlen(a) + strlen(b) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, fmt, a, b);
    return s;
}

int aidc_study_args(aidc_study *st, const char *kind, int argc, char **argv, const char *usage)
{
    memset(st, 0, sizeof *st);
    st->kind = kind;
    st->cli_set = calloc((size_t)argc + 1, sizeof *st->cli_set);
    if (!st->cli_set) return 2;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage, stdout);
            exit(0);
        } else if ((strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) && next) {
            st->out_opt = next;
            i++;
        } else if (strcmp(arg, "-j") == 0 && next) {
            char *end;
            long v = strtol(next, &end, 10);
            if (end == next || *end || v < 1 || v > 256) {
                fprintf(stderr, "aidcsim %s: -j: expected a number of processes from 1 to 256, found \"%s\"\n",
                        kind, next);
                return 2;
            }
            st->jobs = (int)v;
            i++;
        } else if (strcmp(arg, "--set") == 0 && next) {
            st->cli_set[st->n_cli_set++] = next;
            i++;
        } else if (strncmp(arg, "--set=", 6) == 0) {
            st->cli_set[st->n_cli_set++] = arg + 6;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            st->quiet = true;
        } else if (arg[0] == '-' && arg[1]) {
            fprintf(stderr, "aidcsim %s: unknown or incomplete option \"%s\"\n\n%s", kind, arg, usage);
            return 2;
        } else if (!st->file) {
            st->file = arg;
        } else {
            fprintf(stderr, "aidcsim %s: unexpected argument \"%s\"\n\n%s", kind, arg, usage);
            return 2;
        }
    }
    if (!st->file) {
        fprintf(stderr, "aidcsim %s: missing the %s file\n\n%s", kind, kind, usage);
        return 2;
    }
    return 0;
}

/* mkdir -p */
static int make_dirs(const char *path, char *err, size_t errlen)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1;; p++) {
        if (*p == '/' || *p == '\0') {
            char c = *p;
            *p = '\0';
            struct stat sb;
            if (stat(buf, &sb) != 0) {
                if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                    snprintf(err, errlen, "%s: cannot create: %s", buf, strerror(errno));
                    return -1;
                }
            } else if (!S_ISDIR(sb.st_mode)) {
                snprintf(err, errlen, "%s: exists and is not a directory", buf);
                return -1;
            }
            *p = c;
            if (c == '\0') break;
        }
    }
    return 0;
}

/* Reads "set": an array of "key.path=value" strings. */
static int read_set(aidc_study *st, const cJSON *set, size_t *n_file)
{
    size_t n = set ? (size_t)cJSON_GetArraySize(set) : 0;
    *n_file = n;
    st->set = calloc(n + st->n_cli_set + 1, sizeof *st->set);
    if (!st->set) return aidc_jread_fail(&st->r, "", false, "out of memory");
    for (size_t i = 0; i < n; i++) {
        const cJSON *v = cJSON_GetArrayItem(set, (int)i);
        char p[AIDC_PATH_MAX], d[96];
        snprintf(p, sizeof p, "set[%zu]", i);
        if (!cJSON_IsString(v) || !strchr(v->valuestring, '=') || v->valuestring[0] == '=')
            return aidc_jread_fail(&st->r, p, false,
                                   "expected a \"key.path=value\" string like \"horizon=7d\", found %s",
                                   aidc_jread_describe(v, d, sizeof d));
        if (!(st->set[i] = strdup(v->valuestring))) return aidc_jread_fail(&st->r, p, false, "out of memory");
    }
    for (size_t i = 0; i < st->n_cli_set; i++)
        if (!(st->set[n + i] = strdup(st->cli_set[i])))
            return aidc_jread_fail(&st->r, "", false, "out of memory");
    st->n_set = n + st->n_cli_set;
    return 0;
}

int aidc_study_check(aidc_study *st, const char *const *ov, const char *path)
{
    size_t n_ov = 0;
    while (ov && ov[n_ov]) n_ov++;
    const char **all = aidc_study_overrides(st, ov, n_ov);
    if (!all) return aidc_jread_fail(&st->r, path, false, "out of memory");
    char *msg = malloc(AIDC_STUDY_ERR);
    aidc_scenario sc;
    int rc = msg ? aidc_scenario_load(&sc, st->scenario, all, -1, msg, AIDC_STUDY_ERR) : -1;
    if (rc == 0) aidc_scenario_fini(&sc);
    else rc = aidc_jread_fail(&st->r, path, false, "the scenario does not load with this value:\n    %s",
                              msg ? msg : "out of memory");
    free(msg);
    free(all);
    return rc;
}

int aidc_study_load(aidc_study *st, const char *const *allowed)
{
    st->err = calloc(1, AIDC_STUDY_ERR);
    if (!st->err) return -1;
    st->confidence = 0.95;
    if (aidc_jread_load(st->file, "a sweep or plan file", (size_t)64 << 20, &st->text, &st->root,
                        st->err, AIDC_STUDY_ERR))
        return -1;
    st->r = (aidc_jread){st->file, st->text, st->err, AIDC_STUDY_ERR, NULL};
    aidc_jread *r = &st->r;
    if (!cJSON_IsObject(st->root)) {
        char d[96];
        return aidc_jread_fail(r, "", false, "expected a JSON object, found %s",
                               aidc_jread_describe(st->root, d, sizeof d));
    }
    if (aidc_jread_keys(r, st->root, "", allowed)) return -1;
    const char *name = NULL, *scenario;
    if (aidc_jread_str(r, st->root, "", "name", false, &name) < 0 ||
        aidc_jread_str(r, st->root, "", "scenario", true, &scenario) < 0 ||
        aidc_jread_num(r, st->root, "", "confidence", false, 0.5, 0.999, &st->confidence) < 0)
        return -1;
    if (name && name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")])
        return aidc_jread_fail(r, "name", false,
                               "use letters, digits, '.', '_' and '-' only (it names the output directory)");
    if (name) st->name = strdup(name);
    else {
        const char *base = strrchr(st->file, '/');
        st->name = strdup(base ? base + 1 : st->file);
        if (st->name) {
            char *dot = strrchr(st->name, '.');
            if (dot && dot != st->name) *dot = '\0';
        }
    }
    /* the scenario path is relative to the study file */
    const char *slash = strrchr(st->file, '/');
    if (scenario[0] == '/' || !slash) st->scenario = strdup(scenario);
    else {
        size_t n = (size_t)(slash - st->file) + 1 + strlen(scenario) + 1;
        if ((st->scenario = malloc(n)))
            snprintf(st->scenario, n, "%.*s/%s", (int)(slash - st->file), st->file, scenario);
    }
    if (!st->name || !st->scenario) return aidc_jread_fail(r, "", false, "out of memory");

    const cJSON *set = cJSON_GetObjectItemCaseSensitive(st->root, "set");
    if (set && !cJSON_IsArray(set)) {
        char d[96];
        return aidc_jread_fail(r, "set", false, "expected an array of \"key.path=value\" strings, found %s",
                               aidc_jread_describe(set, d, sizeof d));
    }
    size_t n_file_set;
    if (read_set(st, set, &n_file_set)) return -1;

    /* the base scenario must load as it is; a fixed override that breaks it
     * is reported where it was written */
    char *msg = malloc(AIDC_STUDY_ERR);
    if (!msg) return aidc_jread_fail(r, "", false, "out of memory");
    aidc_scenario sc;
    int rc = aidc_scenario_load(&sc, st->scenario, (const char *const *)st->set, -1, msg, AIDC_STUDY_ERR);
    if (rc) {
        const char *where = "scenario";
        char p[AIDC_PATH_MAX];
        for (size_t i = 0; i < st->n_set; i++)
            if (strstr(msg, st->set[i])) {
                if (i < n_file_set) snprintf(p, sizeof p, "set[%zu]", i);
                else snprintf(p, sizeof p, "scenario");
                where = p;
            }
        aidc_jread_fail(r, where, false, "the base scenario does not load:\n    %s", msg);
        free(msg);
        return -1;
    }
    free(msg);
    uint64_t base_seed = sc.seed;
    aidc_scenario_fini(&sc);

    const cJSON *seeds = cJSON_GetObjectItemCaseSensitive(st->root, "seeds");
    if (!seeds || cJSON_IsNumber(seeds)) {
        int64_t n = 1;
        if (aidc_jread_int(r, st->root, "", "seeds", false, 1, MAX_SEEDS, &n) < 0) return -1;
        st->n_seeds = (size_t)n;
        st->seeds = calloc(st->n_seeds, sizeof *st->seeds);
        if (!st->seeds) return aidc_jread_fail(r, "seeds", false, "out of memory");
        for (size_t i = 0; i < st->n_seeds; i++) st->seeds[i] = (int64_t)(base_seed + i);
    } else if (cJSON_IsArray(seeds) && cJSON_GetArraySize(seeds) > 0 &&
               cJSON_GetArraySize(seeds) <= MAX_SEEDS) {
        st->n_seeds = (size_t)cJSON_GetArraySize(seeds);
        st->seeds = calloc(st->n_seeds, sizeof *st->seeds);
        if (!st->seeds) return aidc_jread_fail(r, "seeds", false, "out of memory");
        for (size_t i = 0; i < st->n_seeds; i++) {
            const cJSON *v = cJSON_GetArrayItem(seeds, (int)i);
            char p[AIDC_PATH_MAX], d[96];
            snprintf(p, sizeof p, "seeds[%zu]", i);
            if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble > 9007199254740991.0 ||
                v->valuedouble != floor(v->valuedouble))
                return aidc_jread_fail(r, p, false, "expected an integer seed from 0 to 2^53-1, found %s",
                                       aidc_jread_describe(v, d, sizeof d));
            st->seeds[i] = (int64_t)v->valuedouble;
            for (size_t k = 0; k < i; k++)
                if (st->seeds[k] == st->seeds[i])
                    return aidc_jread_fail(r, p, false, "seed %lld appears twice", (long long)st->seeds[i]);
        }
    } else {
        char d[96];
        return aidc_jread_fail(r, "seeds", false,
                               "expected a number of seeds (1 to %d) or a non-empty array of seeds, found %s",
                               MAX_SEEDS, aidc_jread_describe(seeds, d, sizeof d));
    }

    if (st->out_opt) st->out_dir = strdup(st->out_opt);
    else st->out_dir = fmt_str("out/%s%s", st->name, "");
    if (!st->out_dir || !(st->runs_dir = fmt_str("%s/%s", st->out_dir, "runs")))
        return aidc_jread_fail(r, "", false, "out of memory");
    return 0;
}

/* Creates the output directories; done by the caller once the whole file is
 * known to be good, so a bad file leaves nothing behind. */
int aidc_study_mkdirs(aidc_study *st)
{
    return make_dirs(st->runs_dir, st->err, AIDC_STUDY_ERR);
}

static int axis_value(aidc_study *st, aidc_value_axis *a, size_t i, const cJSON *v, const char *unit)
{
    char *json;
    if (unit) {
        char num[64];
        snprintf(num, sizeof num, "%.15g%s", v->valuedouble, unit);
        cJSON *s = cJSON_CreateString(num);
        json = s ? cJSON_PrintUnformatted(s) : NULL;
        cJSON_Delete(s);
        a->label[i] = strdup(num);
        a->num[i] = v->valuedouble;
    } else {
        json = cJSON_PrintUnformatted(v);
        a->label[i] = cJSON_IsString(v) ? strdup(v->valuestring) : strdup(json ? json : "");
        a->num[i] = cJSON_IsNumber(v) ? v->valuedouble : NAN;
    }
    a->set[i] = json ? fmt_str("%s=%s", a->key, json) : NULL;
    free(json);
    if (!a->set[i] || !a->label[i]) return aidc_jread_fail(&st->r, a->path, false, "out of memory");
    return 0;
}

static int axis_alloc(aidc_study *st, aidc_value_axis *a, size_t n)
{
    a->n = n;
    a->set = calloc(n, sizeof *a->set);
    a->label = calloc(n, sizeof *a->label);
    a->num = calloc(n, sizeof *a->num);
    if (!a->set || !a->label || !a->num) return aidc_jread_fail(&st->r, a->path, false, "out of memory");
    return 0;
}

int aidc_study_axis(aidc_study *st, const cJSON *o, const char *path, const char *const *extra,
                    aidc_value_axis *a)
{
    memset(a, 0, sizeof *a);
    snprintf(a->path, sizeof a->path, "%s", path);
    aidc_jread *r = &st->r;
    char d[96], p[AIDC_PATH_MAX];
    if (!cJSON_IsObject(o))
        return aidc_jread_fail(r, path, false,
                               "expected an object like {\"key\": \"policy\", \"values\": [...]}, found %s",
                               aidc_jread_describe(o, d, sizeof d));
    const char *keys[16] = {"key", "values", "range", NULL};
    size_t nk = 3;
    for (size_t i = 0; extra && extra[i] && nk < 15; i++) keys[nk++] = extra[i];
    keys[nk] = NULL;
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    const char *key;
    if (aidc_jread_str(r, o, path, "key", true, &key) < 0) return -1;
    if (strchr(key, '=') || strspn(key, " ") || key[strcspn(key, " \t")])
        return aidc_jread_fail(r, aidc_jread_join(p, path, "key"), false,
                               "expected a scenario key path like \"cluster.nodes\", found \"%s\"", key);
    if (!(a->key = strdup(key))) return aidc_jread_fail(r, path, false, "out of memory");
    const cJSON *values = cJSON_GetObjectItemCaseSensitive(o, "values");
    const cJSON *range = cJSON_GetObjectItemCaseSensitive(o, "range");
    if (!values == !range)
        return aidc_jread_fail(r, path, false, "give exactly one of \"values\" (a list) and \"range\"");
    if (values) {
        aidc_jread_join(p, path, "values");
        if (!cJSON_IsArray(values) || cJSON_GetArraySize(values) == 0)
            return aidc_jread_fail(r, p, false, "expected a non-empty array of values, found %s",
                                   aidc_jread_describe(values, d, sizeof d));
        if (cJSON_GetArraySize(values) > MAX_AXIS_VALUES)
            return aidc_jread_fail(r, p, false, "more than %d values", MAX_AXIS_VALUES);
        if (axis_alloc(st, a, (size_t)cJSON_GetArraySize(values))) return -1;
        size_t i = 0;
        for (const cJSON *v = values->child; v; v = v->next, i++)
            if (axis_value(st, a, i, v, NULL)) return -1;
    } else {
        aidc_jread_join(p, path, "range");
        if (!cJSON_IsObject(range))
            return aidc_jread_fail(r, p, false,
                                   "expected {\"from\": A, \"to\": B, \"step\": S} with an optional \"unit\", found %s",
                                   aidc_jread_describe(range, d, sizeof d));
        static const char *const rk[] = {"from", "to", "step", "unit", NULL};
        double from, to, step;
        const char *unit = NULL;
        if (aidc_jread_keys(r, range, p, rk) ||
            aidc_jread_num(r, range, p, "from", true, -1e300, 1e300, &from) < 0 ||
            aidc_jread_num(r, range, p, "to", true, -1e300, 1e300, &to) < 0 ||
            aidc_jread_num(r, range, p, "step", true, 1e-300, 1e300, &step) < 0 ||
            aidc_jread_str(r, range, p, "unit", false, &unit) < 0)
            return -1;
        char q[AIDC_PATH_MAX];
        if (to < from)
            return aidc_jread_fail(r, aidc_jread_join(q, p, "to"), false, "\"to\" (%g) is below \"from\" (%g)",
                                   to, from);
        double count = floor((to - from) / step * (1 + 1e-12) + 1e-9) + 1;
        if (count > MAX_AXIS_VALUES)
            return aidc_jread_fail(r, aidc_jread_join(q, p, "step"), false,
                                   "the range has %.0f values; at most %d", count, MAX_AXIS_VALUES);
        if (axis_alloc(st, a, (size_t)count)) return -1;
        for (size_t i = 0; i < a->n; i++) {
            double x = from + (double)i * step;
            if (fabs(x - nearbyint(x)) < 1e-9 * fmax(1, fabs(x))) x = nearbyint(x);
            cJSON *v = cJSON_CreateNumber(x);
            int rc = v ? axis_value(st, a, i, v, unit) : -1;
            cJSON_Delete(v);
            if (rc) return -1;
        }
    }
    for (size_t i = 0; i < a->n; i++)
        for (size_t k = 0; k < i; k++)
            if (strcmp(a->label[i], a->label[k]) == 0) {
                snprintf(p, sizeof p, "%s.values[%zu]", path, i);
                return aidc_jread_fail(r, values ? p : path, false, "the value %s appears twice", a->label[i]);
            }
    /* every value must load on its own */
    for (size_t i = 0; i < a->n; i++) {
        const char *ov[2] = {a->set[i], NULL};
        if (values) snprintf(p, sizeof p, "%s.values[%zu]", path, i);
        else snprintf(p, sizeof p, "%s.range", path);
        if (aidc_study_check(st, ov, p)) return -1;
    }
    return 0;
}

void aidc_axis_fini(aidc_value_axis *a)
{
    for (size_t i = 0; i < a->n; i++) {
        if (a->set) free(a->set[i]);
        if (a->label) free(a->label[i]);
    }
    free(a->set);
    free(a->label);
    free(a->num);
    free(a->key);
    memset(a, 0, sizeof *a);
}

static bool safe_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-' || c == '+';
}

const char *aidc_study_rel_dir(const aidc_study *st, const char *dir)
{
    size_t n = strlen(st->out_dir);
    return strncmp(dir, st->out_dir, n) == 0 && dir[n] == '/' ? dir + n + 1 : dir;
}

void aidc_study_run_dir(const aidc_study *st, const char *const *labels, size_t n, int64_t seed,
                        char *buf, size_t len)
{
    char slug[160] = "";
    size_t used = 0;
    bool lossy = false;
    uint32_t h = 2166136261u; /* FNV-1a over the exact labels */
    for (size_t i = 0; i < n; i++) {
        for (const char *c = labels[i]; *c; c++) h = (h ^ (unsigned char)*c) * 16777619u;
        h = (h ^ 0x1f) * 16777619u;
        if (!labels[i][0]) {
            lossy = true;
            continue;
        }
        if (used && used < sizeof slug - 1) slug[used++] = '_';
        for (const char *c = labels[i]; *c && used < sizeof slug - 1; c++) {
            if (!safe_char(*c)) lossy = true;
            slug[used++] = safe_char(*c) ? *c : '_';
        }
        if (used >= 80) lossy = true;
    }
    if (used > 80) used = 80;
    slug[used] = '\0';
    if (!used) snprintf(slug, sizeof slug, "base");
    if (lossy) snprintf(buf, len, "%s/%s-s%lld-%08x", st->runs_dir, slug, (long long)seed, (unsigned)h);
    else snprintf(buf, len, "%s/%s-s%lld", st->runs_dir, slug, (long long)seed);
}

const char **aidc_study_overrides(const aidc_study *st, const char *const *ov, size_t n_ov)
{
    const char **all = calloc(st->n_set + n_ov + 1, sizeof *all);
    if (!all) return NULL;
    for (size_t i = 0; i < st->n_set; i++) all[i] = st->set[i];
    for (size_t i = 0; i < n_ov; i++) all[st->n_set + i] = ov[i];
    return all;
}

void aidc_study_fini(aidc_study *st)
{
    free(st->text);
    cJSON_Delete(st->root);
    free(st->err);
    free(st->name);
    free(st->scenario);
    for (size_t i = 0; i < st->n_set; i++) free(st->set[i]);
    free(st->set);
    free(st->seeds);
    free(st->out_dir);
    free(st->runs_dir);
    free(st->cli_set);
    memset(st, 0, sizeof *st);
}

int aidc_study_open(aidc_study *st, const char *kind, int argc, char **argv, const char *usage,
                    struct aidc_pool **pool)
{
    int rc = aidc_study_args(st, kind, argc, argv, usage);
    if (rc) {
        aidc_study_fini(st);
        return rc;
    }
    int worker_exit;
    char perr[512];
    aidc_pool_opts po = {st->jobs, !st->quiet};
    int prc = aidc_pool_open(pool, &po, &worker_exit, perr, sizeof perr);
    if (prc == 0) return -1;
    if (prc < 0) fprintf(stderr, "aidcsim %s: %s\n", kind, perr);
    aidc_study_fini(st);
    return prc == 1 ? worker_exit : 2;
}
