/* scenario — loading and validating scenario files; see scenario.h. */
#include "sim/scenario.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/suggest.h"
#include "models/units.h"
#include "sched/builtin.h"
#include "models/trace.h"
#include "models/weather.h"
#include "sim/failcfg.h"
#include "sim/jread.h"
#include "sim/jsonloc.h"
#include "sim/limits.h"
#include "sim/services.h"

#define MAX_FILE_BYTES ((size_t)64 << 20)
/* timeseries.csv rows a run may write: 10M rows is ~400 MB of CSV */
#define AIDC_MAX_SAMPLES 10000000

/* ---- --set overrides ---------------------------------------------------- */

/* Applies one "a.b[2].c=value" to the tree. The value is JSON when it parses
 * as JSON (7, true, "x", {...}), else a plain string (30d, DGX-H100). */
static int apply_override(cJSON *root, const char *spec, const char *file, char *err, size_t errlen)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec) {
        snprintf(err, errlen, "--set %s: expected key.path=value", spec);
        return -1;
    }
    char path[AIDC_PATH_MAX];
    size_t plen = (size_t)(eq - spec);
    if (plen >= sizeof path) {
        snprintf(err, errlen, "--set: key path too long");
        return -1;
    }
    memcpy(path, spec, plen);
    path[plen] = '\0';
    cJSON *value = cJSON_ParseWithOpts(eq + 1, NULL, 1);
    if (!value) value = cJSON_CreateString(eq + 1);
    if (!value) {
        snprintf(err, errlen, "--set %s: out of memory", spec);
        return -1;
    }
    cJSON *node = root;
    char *p = path;
    for (;;) {
        size_t klen = strcspn(p, ".[");
        char key[AIDC_PATH_MAX];
        memcpy(key, p, klen);
        key[klen] = '\0';
        p += klen;
        long index = -1;
        if (*p == '[') {
            char *end;
            index = strtol(p + 1, &end, 10);
            if (end == p + 1 || *end != ']' || index < 0) goto bad_path;
            p = end + 1;
        }
        if (!klen || !cJSON_IsObject(node)) goto bad_path;
        bool last = (*p == '\0') && index < 0;
        cJSON *child = cJSON_GetObjectItemCaseSensitive(node, key);
        if (last) {
            if (child)
                cJSON_ReplaceItemInObjectCaseSensitive(node, key, value);
            else
                cJSON_AddItemToObject(node, key, value);
            return 0;
        }
        if (!child) {
            if (index >= 0) goto bad_path;
            child = cJSON_AddObjectToObject(node, key);
            if (!child) goto bad_path;
        }
        if (index >= 0) {
            if (!cJSON_IsArray(child) || index >= cJSON_GetArraySize(child)) goto bad_path;
            if (*p == '\0') {
                cJSON_ReplaceItemInArray(child, (int)index, value);
                return 0;
            }
            child = cJSON_GetArrayItem(child, (int)index);
        }
        node = child;
        if (*p == '.') p++;
        else if (*p != '\0') goto bad_path;
    }
bad_path:
    cJSON_Delete(value);
    snprintf(err, errlen, "%s: --set %s: no such place to set (path \"%s\")", file, spec, path);
    return -1;
}

/* ---- catalog ------------------------------------------------------------ */

static int read_gpu_model(const aidc_jread *r, const cJSON *o, const char *path, const char *name,
                          const aidc_gpu_model *base, aidc_gpu_model *g)
{
    static const char *const keys[] = {"tdp",     "idle",         "bf16_tflops", "hbm_gb",
                                       "hbm_tbps", "scaleup_gbps", "price",       "source",
                                       NULL};
    if (!cJSON_IsObject(o)) return aidc_jread_fail(r, path, false, "expected an object");
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    bool fresh = base == NULL;
    if (base) *g = *base;
    else memset(g, 0, sizeof *g);
    if (strlen(name) >= sizeof g->name)
        return aidc_jread_fail(r, path, true, "name longer than %d bytes", AIDC_NAME_MAX - 1);
    snprintf(g->name, sizeof g->name, "%s", name);
    if (aidc_jread_power(r, o, path, "tdp", fresh, &g->tdp_w) < 0 ||
        aidc_jread_power(r, o, path, "idle", fresh, &g->idle_w) < 0 ||
        aidc_jread_num(r, o, path, "bf16_tflops", fresh, 0, 1e6, &g->bf16_tflops) < 0 ||
        aidc_jread_num(r, o, path, "hbm_gb", false, 0, 1e6, &g->hbm_gb) < 0 ||
        aidc_jread_num(r, o, path, "hbm_tbps", false, 0, 1e6, &g->hbm_tbps) < 0 ||
        aidc_jread_num(r, o, path, "scaleup_gbps", false, 0, 1e7, &g->scaleup_gbps) < 0 ||
        aidc_jread_money(r, o, path, "price", false, &g->price_usd) < 0)
        return -1;
    if (g->tdp_w <= 0) return aidc_jread_fail(r, path, false, "\"tdp\" must be above 0 W");
    if (g->idle_w > g->tdp_w)
        return aidc_jread_fail(r, path, false, "\"idle\" (%g W) is above \"tdp\" (%g W)", g->idle_w,
                               g->tdp_w);
    return 0;
}

static int read_system_model(const aidc_jread *r, const cJSON *o, const char *path,
                             const char *name, const aidc_catalog *c,
                             const aidc_system_model *base, aidc_system_model *s)
{
    static const char *const keys[] = {"gpu",      "gpus_per_node", "cpus_per_node",
                                       "mem_gib_per_node", "nodes_per_rack", "nvlink_domain",
                                       "max_power", "base_power",   "price",  "source", NULL};
    if (!cJSON_IsObject(o)) return aidc_jread_fail(r, path, false, "expected an object");
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    bool fresh = base == NULL;
    if (base) *s = *base;
    else memset(s, 0, sizeof *s);
    if (strlen(name) >= sizeof s->name)
        return aidc_jread_fail(r, path, true, "name longer than %d bytes", AIDC_NAME_MAX - 1);
    snprintf(s->name, sizeof s->name, "%s", name);
    const char *gpu = NULL;
    int64_t gpn = s->gpus_per_node, cpn = s->cpus_per_node, npr = s->nodes_per_rack,
            dom = s->nvlink_domain;
    if (aidc_jread_str(r, o, path, "gpu", fresh, &gpu) < 0 ||
        aidc_jread_int(r, o, path, "gpus_per_node", fresh, 1, 1024, &gpn) < 0 ||
        aidc_jread_int(r, o, path, "cpus_per_node", fresh, 0, 1 << 20, &cpn) < 0 ||
        aidc_jread_num(r, o, path, "mem_gib_per_node", fresh, 0, 1e9, &s->mem_gib_per_node) < 0 ||
        aidc_jread_int(r, o, path, "nodes_per_rack", false, 1, 1 << 20, &npr) < 0 ||
        aidc_jread_int(r, o, path, "nvlink_domain", false, 1, 1 << 20, &dom) < 0 ||
        aidc_jread_power(r, o, path, "max_power", false, &s->max_power_w) < 0 ||
        aidc_jread_power(r, o, path, "base_power", false, &s->base_power_w) < 0 ||
        aidc_jread_money(r, o, path, "price", false, &s->price_usd) < 0)
        return -1;
    if (gpu) {
        char p[AIDC_PATH_MAX];
        if (!aidc_catalog_gpu(c, gpu))
            return aidc_jread_fail(r, aidc_jread_join(p, path, "gpu"), false,
                                   "unknown GPU type \"%s\"", gpu);
        snprintf(s->gpu, sizeof s->gpu, "%s", gpu);
    }
    s->gpus_per_node = (int)gpn;
    s->cpus_per_node = (int)cpn;
    s->nodes_per_rack = npr ? (int)npr : 1;
    s->nvlink_domain = dom ? (int)dom : (int)gpn;
    return 0;
}

/* Merges a catalog object ({"gpus": {...}, "systems": {...}}) into c. */
static int read_catalog(const aidc_jread *r, const cJSON *o, const char *path, aidc_catalog *c)
{
    static const char *const keys[] = {"gpus", "systems", "_comment", NULL};
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    const cJSON *gpus, *systems;
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX];
    if (aidc_jread_obj(r, o, path, "gpus", false, &gpus) < 0 ||
        aidc_jread_obj(r, o, path, "systems", false, &systems) < 0)
        return -1;
    for (const cJSON *it = gpus ? gpus->child : NULL; it; it = it->next) {
        aidc_gpu_model g;
        aidc_jread_join(q, aidc_jread_join(p, path, "gpus"), it->string);
        if (read_gpu_model(r, it, q, it->string, aidc_catalog_gpu(c, it->string), &g)) return -1;
        if (aidc_catalog_put_gpu(c, &g)) return aidc_jread_fail(r, q, false, "out of memory");
    }
    for (const cJSON *it = systems ? systems->child : NULL; it; it = it->next) {
        aidc_system_model s;
        aidc_jread_join(q, aidc_jread_join(p, path, "systems"), it->string);
        if (read_system_model(r, it, q, it->string, c, aidc_catalog_system(c, it->string), &s))
            return -1;
        if (aidc_catalog_put_system(c, &s)) return aidc_jread_fail(r, q, false, "out of memory");
    }
    return 0;
}

int aidc_scenario_builtin_catalog(aidc_catalog *c, char *err, size_t errlen)
{
    aidc_catalog_init(c);
    cJSON *root = aidc_jread_parse("<built-in catalog>", aidc_catalog_json, err, errlen);
    if (!root) return -1;
    aidc_jread r = {"<built-in catalog>", aidc_catalog_json, err, errlen, NULL};
    int rc = read_catalog(&r, root, "", c);
    cJSON_Delete(root);
    if (rc) aidc_catalog_fini(c);
    return rc;
}

/* ---- sections ----------------------------------------------------------- */

char *aidc_scenario_path(const aidc_scenario *s, const char *rel)
{
    if (rel[0] == '/' || !s->dir[0]) return strdup(rel);
    size_t n = strlen(s->dir) + strlen(rel) + 2;
    char *p = malloc(n);
    if (p) snprintf(p, n, "%s/%s", s->dir, rel);
    return p;
}

static int read_cluster(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    static const char *const keys[] = {"system",        "gpu",           "nodes",
                                       "nodes_per_rack", "gpus_per_node", "cpus_per_node",
                                       "mem_gib_per_node", "pools", NULL};
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "cluster", true, &o) < 0) return -1;
    if (aidc_jread_keys(r, o, "cluster", keys)) return -1;
    if (cJSON_GetObjectItemCaseSensitive(o, "pools")) return aidc_pools_read(r, o, s);
    const char *system = NULL, *gpu = NULL;
    if (aidc_jread_str(r, o, "cluster", "system", false, &system) < 0 ||
        aidc_jread_str(r, o, "cluster", "gpu", false, &gpu) < 0)
        return -1;
    if (!system && !gpu)
        return aidc_jread_fail(r, "cluster", false,
                               "needs \"system\" (e.g. \"DGX-H100\") or \"gpu\" with a node shape");
    const aidc_system_model *sys = NULL;
    if (system) {
        sys = aidc_catalog_system(&s->catalog, system);
        if (!sys) {
            const char *names[64];
            size_t k = 0;
            for (; k < s->catalog.n_systems && k < 63; k++) names[k] = s->catalog.systems[k].name;
            names[k] = NULL;
            const char *hint = aidc_suggest(system, names);
            char known[512] = "";
            for (size_t i = 0; i < k; i++) {
                size_t used = strlen(known);
                snprintf(known + used, sizeof known - used, "%s%s", i ? ", " : "", names[i]);
            }
            if (hint)
                return aidc_jread_fail(r, "cluster.system", false,
                                       "unknown system \"%s\"; did you mean \"%s\"?", system, hint);
            return aidc_jread_fail(r, "cluster.system", false,
                                   "unknown system \"%s\" (known: %s)", system, known);
        }
        snprintf(s->cluster.system, sizeof s->cluster.system, "%s", system);
        snprintf(s->cluster.gpu, sizeof s->cluster.gpu, "%s", sys->gpu);
    }
    if (gpu) {
        if (!aidc_catalog_gpu(&s->catalog, gpu))
            return aidc_jread_fail(r, "cluster.gpu", false, "unknown GPU type \"%s\"", gpu);
        snprintf(s->cluster.gpu, sizeof s->cluster.gpu, "%s", gpu);
    }
    int64_t nodes, npr = sys ? sys->nodes_per_rack : 1, gpn = sys ? sys->gpus_per_node : 0,
                   cpn = sys ? sys->cpus_per_node : 0;
    double mem = sys ? sys->mem_gib_per_node : 0;
    if (aidc_jread_int(r, o, "cluster", "nodes", true, 1, 10000000, &nodes) < 0 ||
        aidc_jread_int(r, o, "cluster", "nodes_per_rack", false, 1, 100000, &npr) < 0 ||
        aidc_jread_int(r, o, "cluster", "gpus_per_node", !sys, 1, 1024, &gpn) < 0 ||
        aidc_jread_int(r, o, "cluster", "cpus_per_node", false, 0, 1 << 20, &cpn) < 0 ||
        aidc_jread_num(r, o, "cluster", "mem_gib_per_node", false, 0, 1e9, &mem) < 0)
        return -1;
    if (nodes * gpn > 100000000)
        return aidc_jread_fail(r, "cluster.nodes", false,
                               "%lld nodes x %lld GPUs is more than 100 million GPUs",
                               (long long)nodes, (long long)gpn);
    s->cluster.nodes = nodes;
    s->cluster.nodes_per_rack = (int32_t)npr;
    s->cluster.gpus_per_node = (int32_t)gpn;
    s->cluster.cpus_per_node = (int32_t)cpn;
    s->cluster.mem_gib_per_node = mem;
    /* NVLink: the system's domain, else one node; bandwidth per direction is
     * half the catalog's bidirectional scale-up figure */
    s->cluster.nvlink_domain = sys ? sys->nvlink_domain : (int32_t)gpn;
    if (s->cluster.nvlink_domain < (int32_t)gpn) s->cluster.nvlink_domain = (int32_t)gpn;
    const aidc_gpu_model *gm = aidc_catalog_gpu(&s->catalog, s->cluster.gpu);
    s->cluster.nvlink_gbps = gm && gm->scaleup_gbps > 0 ? gm->scaleup_gbps / 2 : 450;
    return 0;
}

/* Reads optional weights (an array of n numbers >= 0 at path.weights) into
 * out, 1 each when absent; they must not all be zero. */
static int read_weights(const aidc_jread *r, const cJSON *wts, const char *path, size_t n,
                        const char *per, double *out)
{
    char q[AIDC_PATH_MAX], found[96];
    if (wts && (!cJSON_IsArray(wts) || (size_t)cJSON_GetArraySize(wts) != n))
        return aidc_jread_fail(r, aidc_jread_join(q, path, "weights"), false,
                               "expected an array of %zu weights, one per %s", n, per);
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = 1;
        if (wts) {
            const cJSON *w = cJSON_GetArrayItem(wts, (int)i);
            snprintf(q, sizeof q, "%s.weights[%zu]", path, i);
            if (!cJSON_IsNumber(w) || !(w->valuedouble >= 0) || !isfinite(w->valuedouble))
                return aidc_jread_fail(r, q, false, "expected a weight >= 0, found %s",
                                       aidc_jread_describe(w, found, sizeof found));
            out[i] = w->valuedouble;
        }
        total += out[i];
    }
    if (!(total > 0)) return aidc_jread_fail(r, path, false, "the weights add up to zero");
    return 0;
}

/* A discrete distribution: an integer, or {"values": [...], "weights": [...]}. */
static int read_gpu_dist(const aidc_jread *r, const cJSON *o, const char *path, aidc_synth_cfg *c)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "gpus");
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX], found[96];
    aidc_jread_join(p, path, "gpus");
    if (!v) {
        c->n_gpu = 1;
        c->gpu_values = malloc(sizeof *c->gpu_values);
        c->gpu_weights = malloc(sizeof *c->gpu_weights);
        if (!c->gpu_values || !c->gpu_weights) return aidc_jread_fail(r, p, false, "out of memory");
        c->gpu_values[0] = 1;
        c->gpu_weights[0] = 1;
        return 0;
    }
    if (cJSON_IsNumber(v)) {
        int64_t g;
        if (aidc_jread_int(r, o, path, "gpus", true, 1, 1000000, &g) < 0) return -1;
        c->n_gpu = 1;
        c->gpu_values = malloc(sizeof *c->gpu_values);
        c->gpu_weights = malloc(sizeof *c->gpu_weights);
        if (!c->gpu_values || !c->gpu_weights) return aidc_jread_fail(r, p, false, "out of memory");
        c->gpu_values[0] = (int32_t)g;
        c->gpu_weights[0] = 1;
        return 0;
    }
    if (!cJSON_IsObject(v))
        return aidc_jread_fail(r, p, false,
                               "expected an integer or {\"values\": [...], \"weights\": [...]}, "
                               "found %s", aidc_jread_describe(v, found, sizeof found));
    static const char *const keys[] = {"values", "weights", NULL};
    if (aidc_jread_keys(r, v, p, keys)) return -1;
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(v, "values");
    const cJSON *wts = cJSON_GetObjectItemCaseSensitive(v, "weights");
    if (!cJSON_IsArray(vals) || cJSON_GetArraySize(vals) == 0)
        return aidc_jread_fail(r, aidc_jread_join(q, p, "values"), false,
                               "expected a non-empty array of GPU counts");
    size_t n = (size_t)cJSON_GetArraySize(vals);
    c->gpu_values = calloc(n, sizeof *c->gpu_values);
    c->gpu_weights = calloc(n, sizeof *c->gpu_weights);
    if (!c->gpu_values || !c->gpu_weights) return aidc_jread_fail(r, p, false, "out of memory");
    c->n_gpu = n;
    for (size_t i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(vals, (int)i);
        snprintf(q, sizeof q, "%s.values[%zu]", p, i);
        if (!cJSON_IsNumber(x) || x->valuedouble != floor(x->valuedouble) || x->valuedouble < 1 ||
            x->valuedouble > 1000000)
            return aidc_jread_fail(r, q, false, "expected a GPU count from 1 to 1000000, found %s",
                                   aidc_jread_describe(x, found, sizeof found));
        c->gpu_values[i] = (int32_t)x->valuedouble;
    }
    return read_weights(r, wts, p, n, "value", c->gpu_weights);
}

static int read_tenants(const aidc_jread *r, const cJSON *o, const char *path, aidc_synth_cfg *c)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "tenants");
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX], found[96];
    aidc_jread_join(p, path, "tenants");
    if (!t) return 0;
    const cJSON *names = t, *wts = NULL;
    if (cJSON_IsObject(t)) {
        static const char *const keys[] = {"names", "weights", NULL};
        if (aidc_jread_keys(r, t, p, keys)) return -1;
        names = cJSON_GetObjectItemCaseSensitive(t, "names");
        wts = cJSON_GetObjectItemCaseSensitive(t, "weights");
    }
    if (!cJSON_IsArray(names) || cJSON_GetArraySize(names) == 0)
        return aidc_jread_fail(r, p, false,
                               "expected a non-empty array of tenant names, or {\"names\": [...], "
                               "\"weights\": [...]}");
    size_t n = (size_t)cJSON_GetArraySize(names);
    c->tenants = calloc(n, sizeof *c->tenants);
    c->tenant_weights = calloc(n, sizeof *c->tenant_weights);
    if (!c->tenants || !c->tenant_weights) return aidc_jread_fail(r, p, false, "out of memory");
    c->n_tenants = n;
    for (size_t i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(names, (int)i);
        if (!cJSON_IsString(x) || !x->valuestring[0]) {
            snprintf(q, sizeof q, "%s%s[%zu]", p, cJSON_IsObject(t) ? ".names" : "", i);
            return aidc_jread_fail(r, q, false, "expected a tenant name, found %s",
                                   aidc_jread_describe(x, found, sizeof found));
        }
        if (!(c->tenants[i] = strdup(x->valuestring)))
            return aidc_jread_fail(r, p, false, "out of memory");
    }
    return read_weights(r, wts, p, n, "name", c->tenant_weights);
}

static int read_arrival(const aidc_jread *r, const cJSON *o, const char *path, aidc_scenario *s)
{
    aidc_synth_cfg *c = &s->workload.synth;
    const cJSON *a;
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX];
    if (aidc_jread_obj(r, o, path, "arrival", true, &a) < 0) return -1;
    aidc_jread_join(p, path, "arrival");
    static const char *const keys[] = {"process", "rate_per_hour", "hourly", "file", NULL};
    if (aidc_jread_keys(r, a, p, keys)) return -1;
    const char *proc = "poisson";
    if (aidc_jread_str(r, a, p, "process", false, &proc) < 0) return -1;
    bool needs_rate = true;
    if (strcmp(proc, "poisson") == 0) {
        c->arrival = AIDC_ARRIVAL_POISSON;
    } else if (strcmp(proc, "diurnal") == 0) {
        c->arrival = AIDC_ARRIVAL_DIURNAL;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(a, "hourly");
        if (!cJSON_IsArray(h) || cJSON_GetArraySize(h) != 24)
            return aidc_jread_fail(r, h ? aidc_jread_join(q, p, "hourly") : p, false,
                                   "a diurnal process needs \"hourly\": 24 non-negative rate "
                                   "multipliers, one per hour of the day");
        double sum = 0;
        for (int i = 0; i < 24; i++) {
            const cJSON *x = cJSON_GetArrayItem(h, i);
            if (!cJSON_IsNumber(x) || !(x->valuedouble >= 0) || !isfinite(x->valuedouble)) {
                snprintf(q, sizeof q, "%s.hourly[%d]", p, i);
                return aidc_jread_fail(r, q, false, "expected a multiplier >= 0");
            }
            c->hourly[i] = x->valuedouble;
            sum += x->valuedouble;
        }
        if (!(sum > 0)) return aidc_jread_fail(r, p, false, "the hourly multipliers are all zero");
        for (int i = 0; i < 24; i++) c->hourly[i] *= 24.0 / sum;
    } else if (strcmp(proc, "trace") == 0) {
        c->arrival = AIDC_ARRIVAL_TRACE;
        needs_rate = false;
        const char *file;
        if (aidc_jread_str(r, a, p, "file", true, &file) < 0) return -1;
        char *full = aidc_scenario_path(s, file);
        aidc_workload w;
        aidc_workload_init(&w);
        char msg[512];
        int rc = full ? aidc_trace_read(full, &w, msg, sizeof msg) : -1;
        free(full);
        if (rc == 0 && w.n < 2) {
            snprintf(msg, sizeof msg, "needs at least 2 jobs to take gaps from");
            rc = -1;
        }
        if (rc == 0) {
            c->n_gaps = w.n - 1;
            c->gaps_s = malloc(c->n_gaps * sizeof *c->gaps_s);
            if (!c->gaps_s) rc = -1;
            double total = 0;
            for (size_t i = 0; c->gaps_s && i + 1 < w.n; i++) {
                c->gaps_s[i] = (double)(w.jobs[i + 1].submit_ns - w.jobs[i].submit_ns) / 1e9;
                total += c->gaps_s[i];
            }
            if (rc == 0 && !(total > 0)) {
                snprintf(msg, sizeof msg,
                         "all %zu jobs are submitted at the same time: every gap is zero, so "
                         "arrivals would never advance", w.n);
                rc = -1;
            }
        }
        aidc_workload_fini(&w);
        if (rc) return aidc_jread_fail(r, aidc_jread_join(q, p, "file"), false, "%s", msg);
    } else {
        return aidc_jread_fail(r, aidc_jread_join(q, p, "process"), false,
                               "unknown arrival process \"%s\" (known: poisson, diurnal, trace)",
                               proc);
    }
    if (aidc_jread_num(r, a, p, "rate_per_hour", needs_rate, 1e-9, 1e9, &c->rate_per_hour) < 0)
        return -1;
    return 0;
}

static int read_duration(const aidc_jread *r, const cJSON *o, const char *path, aidc_scenario *s)
{
    aidc_synth_cfg *c = &s->workload.synth;
    const cJSON *d;
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX];
    if (aidc_jread_obj(r, o, path, "duration", true, &d) < 0) return -1;
    aidc_jread_join(p, path, "duration");
    static const char *const keys[] = {"dist", "mean", "median", "sigma", "file", NULL};
    if (aidc_jread_keys(r, d, p, keys)) return -1;
    const char *dist;
    if (aidc_jread_str(r, d, p, "dist", true, &dist) < 0) return -1;
    int64_t ns;
    if (strcmp(dist, "exponential") == 0) {
        c->duration = AIDC_DUR_EXPONENTIAL;
        if (aidc_jread_duration(r, d, p, "mean", true, 1, &ns) < 0) return -1;
        c->mean_s = (double)ns / 1e9;
    } else if (strcmp(dist, "lognormal") == 0) {
        c->duration = AIDC_DUR_LOGNORMAL;
        if (aidc_jread_duration(r, d, p, "median", true, 1, &ns) < 0 ||
            aidc_jread_num(r, d, p, "sigma", true, 0, 5, &c->sigma) < 0)
            return -1;
        c->median_s = (double)ns / 1e9;
    } else if (strcmp(dist, "empirical") == 0) {
        c->duration = AIDC_DUR_EMPIRICAL;
        const char *file;
        if (aidc_jread_str(r, d, p, "file", true, &file) < 0) return -1;
        char *full = aidc_scenario_path(s, file);
        char msg[512];
        int rc = full ? aidc_synth_read_samples(full, &c->samples_s, &c->n_samples, msg, sizeof msg)
                      : -1;
        free(full);
        if (rc) return aidc_jread_fail(r, aidc_jread_join(q, p, "file"), false, "%s", msg);
    } else {
        return aidc_jread_fail(r, aidc_jread_join(q, p, "dist"), false,
                               "unknown distribution \"%s\" (known: exponential, lognormal, "
                               "empirical)", dist);
    }
    return 0;
}

static int read_synthetic(const aidc_jread *r, const cJSON *o, aidc_scenario *s)
{
    const char *path = "workload.synthetic";
    static const char *const keys[] = {"jobs",     "arrival",         "gpus", "duration",
                                       "tenants",  "estimate_factor", "kind", "deferrable",
                                       NULL};
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    aidc_synth_cfg *c = &s->workload.synth;
    const char *kind = NULL;
    if (aidc_jread_int(r, o, path, "jobs", false, 1, 100000000, &c->jobs) < 0 ||
        read_arrival(r, o, path, s) || read_gpu_dist(r, o, path, c) || read_duration(r, o, path, s) ||
        read_tenants(r, o, path, c) ||
        aidc_jread_num(r, o, path, "estimate_factor", false, 0.01, 1000, &c->estimate_factor) < 0 ||
        aidc_jread_str(r, o, path, "kind", false, &kind) < 0)
        return -1;
    const cJSON *def;
    if (aidc_jread_obj(r, o, path, "deferrable", false, &def) < 0) return -1;
    if (def) {
        static const char *const dkeys[] = {"fraction", "slack", NULL};
        const char *dp = "workload.synthetic.deferrable";
        c->deferrable_slack_ns = 24 * 3600 * INT64_C(1000000000);
        if (aidc_jread_keys(r, def, dp, dkeys) ||
            aidc_jread_num(r, def, dp, "fraction", true, 0, 1, &c->deferrable_fraction) < 0 ||
            aidc_jread_duration(r, def, dp, "slack", false, 0, &c->deferrable_slack_ns) < 0)
            return -1;
    }
    if (kind) {
        int k = aidc_job_kind_parse(kind);
        if (k < 0)
            return aidc_jread_fail(r, "workload.synthetic.kind", false,
                                   "unknown kind \"%s\" (known: training, finetune, inference, "
                                   "batch)", kind);
        c->kind = (aidc_job_kind)k;
    }
    if (c->jobs < 0 && s->horizon_ns < 0)
        return aidc_jread_fail(r, path, false,
                               "needs \"jobs\" (how many to generate) when the scenario has no "
                               "\"horizon\"");
    return 0;
}

static int read_workload(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    static const char *const keys[] = {"trace", "synthetic", "unfit", NULL};
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "workload", true, &o) < 0) return -1;
    if (aidc_jread_keys(r, o, "workload", keys)) return -1;
    const char *trace = NULL, *unfit = NULL;
    const cJSON *syn = NULL;
    if (aidc_jread_str(r, o, "workload", "trace", false, &trace) < 0 ||
        aidc_jread_obj(r, o, "workload", "synthetic", false, &syn) < 0 ||
        aidc_jread_str(r, o, "workload", "unfit", false, &unfit) < 0)
        return -1;
    if (!trace == !syn)
        return aidc_jread_fail(r, "workload", false,
                               "needs exactly one of \"trace\" (a CSV file) or \"synthetic\"");
    if (unfit) {
        if (strcmp(unfit, "skip") != 0 && strcmp(unfit, "error") != 0)
            return aidc_jread_fail(r, "workload.unfit", false,
                                   "expected \"error\" or \"skip\", found \"%s\"", unfit);
        s->workload.skip_unfit = strcmp(unfit, "skip") == 0;
    }
    if (trace) {
        s->workload.trace_path = aidc_scenario_path(s, trace);
        if (!s->workload.trace_path) return aidc_jread_fail(r, "workload", false, "out of memory");
        struct stat st;
        if (stat(s->workload.trace_path, &st) != 0)
            return aidc_jread_fail(r, "workload.trace", false, "cannot open \"%s\": %s",
                                   s->workload.trace_path, strerror(errno));
        if (S_ISDIR(st.st_mode))
            return aidc_jread_fail(r, "workload.trace", false,
                                   "\"%s\" is a directory, expected a CSV file",
                                   s->workload.trace_path);
        return 0;
    }
    s->workload.synthetic = true;
    return read_synthetic(r, syn, s);
}

/* One parameter into s->policy.params, typed. */
static int add_param(const aidc_jread *r, aidc_scenario *s, const char *path, const cJSON *it)
{
    char found[96];
    aidc_policy_param *pp = &s->policy.params[s->policy.n_params];
    if (!(pp->key = strdup(it->string))) return aidc_jread_fail(r, path, false, "out of memory");
    s->policy.n_params++;
    if (cJSON_IsNumber(it)) {
        pp->type = AIDC_PARAM_NUMBER;
        pp->number = it->valuedouble;
    } else if (cJSON_IsBool(it)) {
        pp->type = AIDC_PARAM_BOOL;
        pp->boolean = cJSON_IsTrue(it);
    } else if (cJSON_IsString(it)) {
        pp->type = AIDC_PARAM_STRING;
        if (!(pp->string = strdup(it->valuestring)))
            return aidc_jread_fail(r, path, false, "out of memory");
    } else {
        return aidc_jread_fail(r, path, false,
                               "expected a number, string or boolean parameter, found %s",
                               aidc_jread_describe(it, found, sizeof found));
    }
    return 0;
}

static int unknown_policy(const aidc_jread *r, const char *where, const char *name)
{
    const char *names[32];
    size_t k = 0;
    for (const aidc_policy_ops *ops; k < 31 && (ops = aidc_policy_builtin_at(k)); k++)
        names[k] = ops->name;
    names[k] = NULL;
    const char *hint = aidc_suggest(name, names);
    if (hint)
        return aidc_jread_fail(r, where, false, "unknown policy \"%s\"; did you mean \"%s\"?",
                               name, hint);
    return aidc_jread_fail(r, where, false,
                           "unknown policy \"%s\" (built-in: see `aidcsim policies`; a plugin "
                           "is {\"plugin\": \"path.so\"})", name);
}

/* "policy": a built-in's name; or {"name" | "plugin", "params", "checkpoint",
 * "restore"}; or the composable built-in "queue" written as {"order",
 * "backfill", "placement", ...}, whose three keys become its parameters. */
static int read_policy(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(root, "policy");
    char found[96];
    const char *name = NULL, *plugin = NULL;
    const cJSON *params = NULL, *sugar[3] = {NULL, NULL, NULL};
    static const char *const sugar_keys[] = {"order", "backfill", "placement"};
    s->policy.checkpoint_ns = 60 * INT64_C(1000000000);
    s->policy.restore_ns = 120 * INT64_C(1000000000);
    if (p && cJSON_IsString(p)) {
        if (aidc_jread_str(r, root, "", "policy", true, &name) < 0) return -1;
    } else if (p && cJSON_IsObject(p)) {
        static const char *const keys[] = {"name",     "plugin",    "params",     "order",
                                           "backfill", "placement", "checkpoint", "restore",
                                           NULL};
        if (aidc_jread_keys(r, p, "policy", keys) ||
            aidc_jread_str(r, p, "policy", "name", false, &name) < 0 ||
            aidc_jread_str(r, p, "policy", "plugin", false, &plugin) < 0 ||
            aidc_jread_obj(r, p, "policy", "params", false, &params) < 0 ||
            aidc_jread_duration(r, p, "policy", "checkpoint", false, 0, &s->policy.checkpoint_ns) < 0 ||
            aidc_jread_duration(r, p, "policy", "restore", false, 0, &s->policy.restore_ns) < 0)
            return -1;
        for (int k = 0; k < 3; k++) {
            sugar[k] = cJSON_GetObjectItemCaseSensitive(p, sugar_keys[k]);
            const char *v;
            if (aidc_jread_str(r, p, "policy", sugar_keys[k], false, &v) < 0) return -1;
        }
        if (name && plugin)
            return aidc_jread_fail(r, "policy.plugin", true,
                                   "give either \"name\" (a built-in) or \"plugin\" (a path), not both");
        if (!name && !plugin && (sugar[0] || sugar[1])) name = "queue";
        if (!name && !plugin)
            return aidc_jread_fail(r, "policy", false,
                                   "expected \"name\", \"plugin\", or \"order\"/\"backfill\"");
        if ((sugar[0] || sugar[1]) && (plugin || strcmp(name, "queue") != 0))
            return aidc_jread_fail(r, sugar[0] ? "policy.order" : "policy.backfill", true,
                                   "\"order\" and \"backfill\" compose the built-in \"queue\" "
                                   "policy; for \"%s\" put them under \"params\"",
                                   plugin ? "a plugin" : name);
    } else if (p) {
        return aidc_jread_fail(r, "policy", false,
                               "expected a policy name or {\"name\": ..., \"params\": {...}}, "
                               "found %s", aidc_jread_describe(p, found, sizeof found));
    } else {
        name = "fifo";
    }
    if (plugin) {
        if (!(s->policy.plugin_path = aidc_scenario_path(s, plugin)))
            return aidc_jread_fail(r, "policy.plugin", false, "out of memory");
        char msg[1024];
        if (aidc_plugin_load(&s->policy.plugin, s->policy.plugin_path, msg, sizeof msg))
            return aidc_jread_fail(r, "policy.plugin", false, "%s", msg);
        s->policy.ops = s->policy.plugin.ops;
        name = s->policy.ops->name;
    } else {
        s->policy.ops = aidc_policy_builtin_find(name);
        if (!s->policy.ops) return unknown_policy(r, cJSON_IsObject(p) ? "policy.name" : "policy", name);
    }
    if (!(s->policy.name = strdup(name))) return aidc_jread_fail(r, "policy", false, "out of memory");
    size_t n = (params ? (size_t)cJSON_GetArraySize(params) : 0) + 3;
    s->policy.params = calloc(n, sizeof *s->policy.params);
    if (!s->policy.params) return aidc_jread_fail(r, "policy", false, "out of memory");
    char path[AIDC_PATH_MAX];
    for (int k = 0; k < 3; k++) {
        if (!sugar[k]) continue;
        if (params && cJSON_GetObjectItemCaseSensitive(params, sugar_keys[k]))
            return aidc_jread_fail(r, "policy.params", true, "\"%s\" given twice (also in policy)",
                                   sugar_keys[k]);
        aidc_jread_join(path, "policy", sugar_keys[k]);
        if (add_param(r, s, path, sugar[k])) return -1;
    }
    for (const cJSON *it = params ? params->child : NULL; it; it = it->next) {
        aidc_jread_join(path, "policy.params", it->string);
        if (add_param(r, s, path, it)) return -1;
    }
    return 0;
}

/* A power limit of zero would let nothing start: an input error, not a run that never ends
 * (omitting the key means no limit). */
static int nonzero_budget(const aidc_jread *r, const char *path, double w)
{
    if (w > 0) return 0;
    return aidc_jread_fail(r, path, false,
                           "expected a power above 0 (omit the key for no limit), found 0 W");
}

/* The power chain: defaults from the catalog (models/power.c cites them),
 * then the scenario's "power" section. */
static int read_power(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    const aidc_gpu_model *g = aidc_catalog_gpu(&s->catalog, s->cluster.gpu);
    const aidc_system_model *sys =
        s->cluster.system[0] ? aidc_catalog_system(&s->catalog, s->cluster.system) : NULL;
    double gpus = s->cluster.gpus_per_node;
    double base = sys && sys->base_power_w > 0 ? sys->base_power_w : 250 * gpus; /* est. */
    double rating = sys && sys->max_power_w > 0 ? sys->max_power_w : base + gpus * g->tdp_w;
    aidc_power_cfg *c = &s->power.chain;
    aidc_power_defaults(c, g->tdp_w, g->idle_w, base, rating);
    s->power.facility_it_cap_w = INFINITY;
    s->power.site_cap_w = INFINITY;
    s->power.rack_budget_w = INFINITY;
    s->power.row_budget_w = INFINITY;
    s->power.racks_per_row = 10;
    s->power.min_cap_fraction = 0.5;
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "power", false, &o) < 0) return -1;
    if (o) {
        static const char *const keys[] = {"node_base", "activity", "facility_it_cap", "site_cap",
                                           "rack_budget", "row_budget", "racks_per_row",
                                           "response", "min_cap", "misc", "cap_interval", NULL};
        int64_t rpr = 10;
        const char *resp = NULL;
        const cJSON *act;
        if (aidc_jread_keys(r, o, "power", keys) ||
            aidc_jread_power(r, o, "power", "node_base", false, &c->node_base_w) < 0 ||
            aidc_jread_power(r, o, "power", "facility_it_cap", false, &s->power.facility_it_cap_w) < 0 ||
            aidc_jread_power(r, o, "power", "site_cap", false, &s->power.site_cap_w) < 0 ||
            aidc_jread_power(r, o, "power", "rack_budget", false, &s->power.rack_budget_w) < 0 ||
            aidc_jread_power(r, o, "power", "row_budget", false, &s->power.row_budget_w) < 0 ||
            aidc_jread_int(r, o, "power", "racks_per_row", false, 1, 100000, &rpr) < 0 ||
            aidc_jread_power(r, o, "power", "misc", false, &c->misc_w) < 0 ||
            aidc_jread_str(r, o, "power", "response", false, &resp) < 0 ||
            aidc_jread_num(r, o, "power", "min_cap", false, 0.1, 1, &s->power.min_cap_fraction) < 0 ||
            aidc_jread_duration(r, o, "power", "cap_interval", false, 0, &s->power.cap_interval_ns) < 0 ||
            aidc_jread_obj(r, o, "power", "activity", false, &act) < 0)
            return -1;
        s->power.racks_per_row = (int32_t)rpr;
        if (nonzero_budget(r, "power.facility_it_cap", s->power.facility_it_cap_w) ||
            nonzero_budget(r, "power.site_cap", s->power.site_cap_w) ||
            nonzero_budget(r, "power.rack_budget", s->power.rack_budget_w) ||
            nonzero_budget(r, "power.row_budget", s->power.row_budget_w))
            return -1;
        if (resp) {
            if (strcmp(resp, "refuse") != 0 && strcmp(resp, "power_cap") != 0)
                return aidc_jread_fail(r, "power.response", false,
                                       "expected \"refuse\" or \"power_cap\", found \"%s\"", resp);
            s->power.cap_response = strcmp(resp, "power_cap") == 0;
        }
        if (act) {
            static const char *const kinds[] = {"training", "finetune", "inference", "batch", NULL};
            if (aidc_jread_keys(r, act, "power.activity", kinds)) return -1;
            for (int k = 0; k < AIDC_KIND_COUNT; k++)
                if (aidc_jread_num(r, act, "power.activity", kinds[k], false, 0, 1, &c->activity[k]) < 0)
                    return -1;
        }
    }
    /* the UPS is sized to the IT load at every node's rating */
    c->ups_capacity_w = (double)s->cluster.nodes * rating;
    /* lighting, offices, security: 2% of rated IT capacity (est.) unless given */
    if (!(o && cJSON_GetObjectItemCaseSensitive(o, "misc"))) c->misc_w = 0.02 * c->ups_capacity_w;
    aidc_pools_power(s, o && cJSON_GetObjectItemCaseSensitive(o, "node_base"),
                     o && cJSON_GetObjectItemCaseSensitive(o, "misc"));
    return 0;
}

/* Demand-response events: [{"start": "36h", "end": "38h", "limit": "30MW"}]. */
static int read_dr(const aidc_jread *r, const cJSON *arr, aidc_scenario *s)
{
    if (!cJSON_IsArray(arr))
        return aidc_jread_fail(r, "grid.demand_response", false,
                               "expected an array of {\"start\", \"end\", \"limit\"}");
    size_t n = (size_t)cJSON_GetArraySize(arr);
    s->grid.dr = calloc(n ? n : 1, sizeof *s->grid.dr);
    if (!s->grid.dr) return aidc_jread_fail(r, "grid.demand_response", false, "out of memory");
    s->grid.n_dr = n;
    for (size_t i = 0; i < n; i++) {
        char p[AIDC_PATH_MAX];
        snprintf(p, sizeof p, "grid.demand_response[%zu]", i);
        const cJSON *e = cJSON_GetArrayItem(arr, (int)i);
        static const char *const keys[] = {"start", "end", "limit", NULL};
        if (!cJSON_IsObject(e)) return aidc_jread_fail(r, p, false, "expected an object");
        if (aidc_jread_keys(r, e, p, keys) ||
            aidc_jread_duration(r, e, p, "start", true, 0, &s->grid.dr[i].start_ns) < 0 ||
            aidc_jread_duration(r, e, p, "end", true, 0, &s->grid.dr[i].end_ns) < 0 ||
            aidc_jread_power(r, e, p, "limit", true, &s->grid.dr[i].limit_w) < 0)
            return -1;
    }
    char msg[512];
    if (aidc_dr_check(s->grid.dr, n, "grid.demand_response", msg, sizeof msg))
        return aidc_jread_fail(r, "grid.demand_response", false, "%s", msg);
    return 0;
}

/* Grid: interconnect, tariff, carbon, demand response, swing limits.
 * Defaults: industrial energy ~8 c/kWh (physical-figures §5, EIA 2024). */
static int read_grid(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    s->grid.interconnect_w = INFINITY;
    aidc_tariff_flat(&s->grid.tariff, 0.08);
    aidc_swing_cfg_default(&s->grid.swing);
    aidc_swing_limits_default(&s->grid.swing_limits);
    s->grid.iteration_s = 2;
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "grid", false, &o) < 0) return -1;
    if (!o) return 0;
    static const char *const keys[] = {"interconnect", "tariff", "start_weekday", "carbon",
                                       "carbon_start_day", "demand_response", "swing", NULL};
    if (aidc_jread_keys(r, o, "grid", keys)) return -1;
    const cJSON *tariff, *swing, *dr = cJSON_GetObjectItemCaseSensitive(o, "demand_response");
    const char *carbon = NULL;
    int64_t wd = 0, cday = 1;
    if (aidc_jread_power(r, o, "grid", "interconnect", false, &s->grid.interconnect_w) < 0 ||
        aidc_jread_int(r, o, "grid", "start_weekday", false, 0, 6, &wd) < 0 ||
        aidc_jread_str(r, o, "grid", "carbon", false, &carbon) < 0 ||
        aidc_jread_int(r, o, "grid", "carbon_start_day", false, 1, 366, &cday) < 0 ||
        aidc_jread_obj(r, o, "grid", "tariff", false, &tariff) < 0 ||
        aidc_jread_obj(r, o, "grid", "swing", false, &swing) < 0)
        return -1;
    if (nonzero_budget(r, "grid.interconnect", s->grid.interconnect_w)) return -1;
    s->grid.start_weekday = (int)wd;
    s->grid.carbon_start_hour = (size_t)(cday - 1) * 24;
    if (carbon && !(s->grid.carbon_path = aidc_scenario_path(s, carbon)))
        return aidc_jread_fail(r, "grid.carbon", false, "out of memory");
    if (dr && read_dr(r, dr, s)) return -1;
    char msg[512];
    if (tariff) {
        static const char *const tk[] = {"price", "periods", NULL};
        const char *price = NULL;
        double base = 0.08;
        if (aidc_jread_keys(r, tariff, "grid.tariff", tk) ||
            aidc_jread_str(r, tariff, "grid.tariff", "price", false, &price) < 0)
            return -1;
        if (price && aidc_parse_price_usd_per_kwh(price, &base, msg, sizeof msg))
            return aidc_jread_fail(r, "grid.tariff.price", false, "%s", msg);
        const cJSON *periods = cJSON_GetObjectItemCaseSensitive(tariff, "periods");
        size_t n = periods ? (size_t)cJSON_GetArraySize(periods) : 0;
        if (periods && !cJSON_IsArray(periods))
            return aidc_jread_fail(r, "grid.tariff.periods", false, "expected an array");
        aidc_tariff_period *pp = calloc(n ? n : 1, sizeof *pp);
        if (!pp) return aidc_jread_fail(r, "grid.tariff", false, "out of memory");
        int rc = 0;
        for (size_t i = 0; i < n && rc == 0; i++) {
            char p[AIDC_PATH_MAX];
            snprintf(p, sizeof p, "grid.tariff.periods[%zu]", i);
            const cJSON *e = cJSON_GetArrayItem(periods, (int)i);
            static const char *const pk[] = {"days", "start_hour", "end_hour", "price", NULL};
            const char *days = "all", *pr;
            int64_t sh, eh;
            if (!cJSON_IsObject(e)) {
                rc = aidc_jread_fail(r, p, false, "expected an object");
                break;
            }
            if (aidc_jread_keys(r, e, p, pk) || aidc_jread_str(r, e, p, "days", false, &days) < 0 ||
                aidc_jread_int(r, e, p, "start_hour", true, 0, 24, &sh) < 0 ||
                aidc_jread_int(r, e, p, "end_hour", true, 0, 24, &eh) < 0 ||
                aidc_jread_str(r, e, p, "price", true, &pr) < 0) {
                rc = -1;
                break;
            }
            char q[AIDC_PATH_MAX];
            if (aidc_tariff_parse_days(days, &pp[i].days, msg, sizeof msg)) {
                snprintf(q, sizeof q, "%s.days", p);
                rc = aidc_jread_fail(r, q, false, "%s", msg);
            } else if (aidc_parse_price_usd_per_kwh(pr, &pp[i].price_usd_per_kwh, msg, sizeof msg)) {
                snprintf(q, sizeof q, "%s.price", p);
                rc = aidc_jread_fail(r, q, false, "%s", msg);
            }
            pp[i].start_hour = (int)sh;
            pp[i].end_hour = (int)eh;
        }
        if (rc == 0 && aidc_tariff_build(&s->grid.tariff, base, pp, n, "grid.tariff", msg, sizeof msg))
            rc = aidc_jread_fail(r, "grid.tariff", false, "%s", msg);
        free(pp);
        if (rc) return -1;
    }
    if (swing) {
        static const char *const sk[] = {"window", "floor", "stagger", "max_swing",
                                         "max_band_fraction", "iteration", NULL};
        int64_t win = (int64_t)(s->grid.swing.window_s * 1e9), it = 2000000000;
        if (aidc_jread_keys(r, swing, "grid.swing", sk) ||
            aidc_jread_duration(r, swing, "grid.swing", "window", false, 1000000000, &win) < 0 ||
            aidc_jread_num(r, swing, "grid.swing", "floor", false, 0, 1, &s->grid.swing.floor_fraction) < 0 ||
            aidc_jread_bool(r, swing, "grid.swing", "stagger", false, &s->grid.swing.stagger) < 0 ||
            aidc_jread_power(r, swing, "grid.swing", "max_swing", false, &s->grid.swing_limits.max_swing_w) < 0 ||
            aidc_jread_num(r, swing, "grid.swing", "max_band_fraction", false, 0, 1,
                           &s->grid.swing_limits.max_band_fraction) < 0 ||
            aidc_jread_duration(r, swing, "grid.swing", "iteration", false, 1000000, &it) < 0)
            return -1;
        s->grid.swing.window_s = (double)win / 1e9;
        s->grid.iteration_s = (double)it / 1e9;
        if (aidc_swing_cfg_check(&s->grid.swing, "grid.swing", msg, sizeof msg))
            return aidc_jread_fail(r, "grid.swing", false, "%s", msg);
    }
    return 0;
}

/* Cost: defaults in models/cost.c (cited there). */
static int read_cost(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    aidc_cost_cfg_default(&s->cost);
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "cost", false, &o) < 0) return -1;
    if (!o) return 0;
    static const char *const keys[] = {"system_life_years", "facility_usd_per_mw",
                                       "facility_life_years", "network_usd_per_gpu",
                                       "demand_usd_per_kw_month", "fixed_usd_per_year", NULL};
    double per_mw = s->cost.facility_usd_per_w * 1e6;
    if (aidc_jread_keys(r, o, "cost", keys) ||
        aidc_jread_num(r, o, "cost", "system_life_years", false, 0.1, 100, &s->cost.system_life_years) < 0 ||
        aidc_jread_num(r, o, "cost", "facility_usd_per_mw", false, 0, 1e9, &per_mw) < 0 ||
        aidc_jread_num(r, o, "cost", "facility_life_years", false, 0.1, 100, &s->cost.facility_life_years) < 0 ||
        aidc_jread_num(r, o, "cost", "network_usd_per_gpu", false, 0, 1e7, &s->cost.network_usd_per_gpu) < 0 ||
        aidc_jread_num(r, o, "cost", "demand_usd_per_kw_month", false, 0, 1e4, &s->cost.demand_usd_per_kw_month) < 0 ||
        aidc_jread_num(r, o, "cost", "fixed_usd_per_year", false, 0, 1e12, &s->cost.fixed_usd_per_year) < 0)
        return -1;
    s->cost.facility_usd_per_w = per_mw / 1e6;
    return 0;
}

/* Cooling: the plant's defaults are in models/cooling.c (cited there). */
static int read_cooling(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "cooling", false, &o) < 0) return -1;
    if (!o) return 0;
    static const char *const keys[] = {"type",      "plant",  "weather",       "start_day",
                                       "outdoor_c", "outdoor_wet_bulb_c", "supply_air_c",
                                       "chilled_water_c", "economizer", "liquid_share",
                                       "facility_water_c", "capacity", "design_dry_bulb_c",
                                       "capacity_derate_per_k", NULL};
    if (aidc_jread_keys(r, o, "cooling", keys)) return -1;
    const char *type, *weather = NULL, *econ = NULL;
    if (aidc_jread_str(r, o, "cooling", "type", true, &type) < 0) return -1;
    aidc_cooling_kind kind;
    if (strcmp(type, "air") == 0) kind = AIDC_COOLING_AIR;
    else if (strcmp(type, "liquid") == 0) kind = AIDC_COOLING_LIQUID;
    else
        return aidc_jread_fail(r, "cooling.type", false,
                               "expected \"air\" or \"liquid\", found \"%s\"", type);
    aidc_cooling_cfg *c = &s->cooling.plant;
    const char *plant = NULL;
    if (aidc_jread_str(r, o, "cooling", "plant", false, &plant) < 0) return -1;
    if (plant && strcmp(plant, "legacy") != 0 && strcmp(plant, "modern") != 0)
        return aidc_jread_fail(r, "cooling.plant", false,
                               "expected \"legacy\" or \"modern\", found \"%s\"", plant);
    bool modern = plant ? strcmp(plant, "modern") == 0 : kind == AIDC_COOLING_LIQUID;
    if (kind == AIDC_COOLING_AIR && !modern) aidc_cooling_legacy(c);
    else aidc_cooling_defaults(c, kind);
    int64_t day = 1;
    s->cooling.outdoor_c = 20;
    s->cooling.outdoor_wet_bulb_c = NAN;
    if (aidc_jread_str(r, o, "cooling", "weather", false, &weather) < 0 ||
        aidc_jread_int(r, o, "cooling", "start_day", false, 1, 366, &day) < 0 ||
        aidc_jread_num(r, o, "cooling", "outdoor_c", false, -60, 60, &s->cooling.outdoor_c) < 0 ||
        aidc_jread_num(r, o, "cooling", "outdoor_wet_bulb_c", false, -60, 60, &s->cooling.outdoor_wet_bulb_c) < 0 ||
        aidc_jread_num(r, o, "cooling", "supply_air_c", false, 5, 45, &c->supply_air_c) < 0 ||
        aidc_jread_num(r, o, "cooling", "chilled_water_c", false, 0, 40, &c->chilled_water_c) < 0 ||
        aidc_jread_str(r, o, "cooling", "economizer", false, &econ) < 0 ||
        aidc_jread_num(r, o, "cooling", "liquid_share", false, 0, 1, &c->liquid_share) < 0 ||
        aidc_jread_num(r, o, "cooling", "facility_water_c", false, 5, 70, &c->facility_water_c) < 0 ||
        aidc_jread_power(r, o, "cooling", "capacity", false, &c->capacity_w) < 0 ||
        aidc_jread_num(r, o, "cooling", "design_dry_bulb_c", false, -20, 60, &c->design_dry_bulb_c) < 0 ||
        aidc_jread_num(r, o, "cooling", "capacity_derate_per_k", false, 0, 1, &c->capacity_derate_per_k) < 0)
        return -1;
    if (econ) {
        if (strcmp(econ, "none") == 0) c->economizer = AIDC_ECONOMIZER_NONE;
        else if (strcmp(econ, "air") == 0) c->economizer = AIDC_ECONOMIZER_AIR;
        else if (strcmp(econ, "water") == 0) c->economizer = AIDC_ECONOMIZER_WATER;
        else
            return aidc_jread_fail(r, "cooling.economizer", false,
                                   "expected \"none\", \"air\" or \"water\", found \"%s\"", econ);
    }
    if (isnan(s->cooling.outdoor_wet_bulb_c)) /* 50% relative humidity at sea level */
        s->cooling.outdoor_wet_bulb_c =
            aidc_weather_wet_bulb_psychro_c(s->cooling.outdoor_c, 50, 101325);
    if (s->cooling.outdoor_wet_bulb_c > s->cooling.outdoor_c)
        return aidc_jread_fail(r, "cooling.outdoor_wet_bulb_c", false,
                               "the wet bulb (%g °C) cannot exceed the dry bulb (%g °C)",
                               s->cooling.outdoor_wet_bulb_c, s->cooling.outdoor_c);
    char msg[512];
    if (aidc_cooling_check(c, msg, sizeof msg)) return aidc_jread_fail(r, "cooling", false, "%s", msg);
    if (weather && !(s->cooling.weather_path = aidc_scenario_path(s, weather)))
        return aidc_jread_fail(r, "cooling.weather", false, "out of memory");
    s->cooling.start_hour = (size_t)(day - 1) * 24;
    s->cooling.enabled = true;
    return 0;
}

/* Network defaults from shared/reference/physical-figures.md §8: 400 Gb/s
 * NIC per GPU = 50 GB/s per direction; alpha ~1 us NVLink, 1-2 us in-rack
 * IB, 3-5 us across racks. The comm fraction and gradient size are ours
 * (est.): 20% of a data-parallel iteration communicating, 1 GB gradients
 * (the reference's all-reduce example). */
static int read_fabric(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    const cJSON *o;
    if (aidc_jread_obj(r, root, "", "fabric", false, &o) < 0) return -1;
    if (!o) return 0;
    static const char *const keys[] = {"type",       "nic_gbps",      "nvlink_gbps",
                                       "oversubscription", "nodes_per_su", "sus_per_pod",
                                       "k",          "file",          "latency_us",
                                       "comm_fraction", "gradient_gb", "allreduce",
                                       "update_interval", NULL};
    if (aidc_jread_keys(r, o, "fabric", keys)) return -1;
    const char *algo = NULL;
    if (aidc_jread_str(r, o, "fabric", "allreduce", false, &algo) < 0) return -1;
    if (algo && strcmp(algo, "ring") != 0 && strcmp(algo, "tree") != 0)
        return aidc_jread_fail(r, "fabric.allreduce", false,
                               "expected \"ring\" or \"tree\", found \"%s\"", algo);
    s->fabric.tree = algo && strcmp(algo, "tree") == 0;
    aidc_topology_cfg *t = &s->fabric.topo;
    const char *type;
    if (aidc_jread_str(r, o, "fabric", "type", true, &type) < 0) return -1;
    if (strcmp(type, "rail-optimized") == 0) t->kind = AIDC_FABRIC_RAIL;
    else if (strcmp(type, "fat-tree") == 0) t->kind = AIDC_FABRIC_FAT_TREE;
    else if (strcmp(type, "nvlink") == 0) t->kind = AIDC_FABRIC_NVLINK;
    else if (strcmp(type, "graph") == 0) t->kind = AIDC_FABRIC_GRAPH;
    else
        return aidc_jread_fail(r, "fabric.type", false,
                               "unknown fabric \"%s\" (known: rail-optimized, fat-tree, nvlink, "
                               "graph)", type);
    int64_t su = 32, spp = 0, k = 0;
    double gb = 1.0;
    t->nodes = (int32_t)s->cluster.nodes;
    t->gpus_per_node = s->cluster.gpus_per_node;
    t->nvlink_domain = s->cluster.nvlink_domain;
    t->nvlink_gbps = s->cluster.nvlink_gbps;
    t->nic_gbps = 50;
    t->oversubscription = 1;
    t->alpha_nvlink_us = 1;
    t->alpha_leaf_us = 2;
    t->alpha_spine_us = 4;
    t->alpha_core_us = 5;
    s->fabric.comm_fraction = 0.2;
    const cJSON *lat;
    const char *file = NULL;
    if (aidc_jread_num(r, o, "fabric", "nic_gbps", false, 1e-3, 1e6, &t->nic_gbps) < 0 ||
        aidc_jread_num(r, o, "fabric", "nvlink_gbps", false, 1e-3, 1e6, &t->nvlink_gbps) < 0 ||
        aidc_jread_num(r, o, "fabric", "oversubscription", false, 1, 1000, &t->oversubscription) < 0 ||
        aidc_jread_int(r, o, "fabric", "nodes_per_su", false, 1, 1000000, &su) < 0 ||
        aidc_jread_int(r, o, "fabric", "sus_per_pod", false, 0, 1000000, &spp) < 0 ||
        aidc_jread_int(r, o, "fabric", "k", t->kind == AIDC_FABRIC_FAT_TREE, 2, 1024, &k) < 0 ||
        aidc_jread_str(r, o, "fabric", "file", t->kind == AIDC_FABRIC_GRAPH, &file) < 0 ||
        aidc_jread_num(r, o, "fabric", "comm_fraction", false, 0, 0.99, &s->fabric.comm_fraction) < 0 ||
        aidc_jread_num(r, o, "fabric", "gradient_gb", false, 1e-9, 1e6, &gb) < 0 ||
        aidc_jread_duration(r, o, "fabric", "update_interval", false, 0, &s->fabric.update_interval_ns) < 0 ||
        aidc_jread_obj(r, o, "fabric", "latency_us", false, &lat) < 0)
        return -1;
    if (lat) {
        static const char *const lk[] = {"nvlink", "leaf", "spine", "core", NULL};
        if (aidc_jread_keys(r, lat, "fabric.latency_us", lk) ||
            aidc_jread_num(r, lat, "fabric.latency_us", "nvlink", false, 0, 1e6, &t->alpha_nvlink_us) < 0 ||
            aidc_jread_num(r, lat, "fabric.latency_us", "leaf", false, 0, 1e6, &t->alpha_leaf_us) < 0 ||
            aidc_jread_num(r, lat, "fabric.latency_us", "spine", false, 0, 1e6, &t->alpha_spine_us) < 0 ||
            aidc_jread_num(r, lat, "fabric.latency_us", "core", false, 0, 1e6, &t->alpha_core_us) < 0)
            return -1;
    }
    if (file) {
        if (!(s->fabric.graph_path = aidc_scenario_path(s, file)))
            return aidc_jread_fail(r, "fabric.file", false, "out of memory");
        t->graph_path = s->fabric.graph_path;
    }
    t->nodes_per_su = (int32_t)su;
    t->sus_per_pod = (int32_t)spp;
    t->k = (int32_t)k;
    s->fabric.gradient_bytes = gb * 1e9;
    s->fabric.enabled = true;
    return 0;
}

static int read_scenario(const aidc_jread *r, const cJSON *root, aidc_scenario *s,
                         int64_t seed_override)
{
    static const char *const keys[] = {"name",   "description", "seed",    "horizon",
                                       "sample_interval", "cluster", "workload", "policy",
                                       "catalog", "fabric", "power", "cooling", "grid",
                                       "cost", "services", "failures", NULL};
    char found[96];
    if (!cJSON_IsObject(root))
        return aidc_jread_fail(r, "", false, "expected a JSON object, found %s",
                               aidc_jread_describe(root, found, sizeof found));
    if (aidc_jread_keys(r, root, "", keys)) return -1;
    const char *name = NULL, *desc = NULL;
    int64_t seed = 1;
    const cJSON *catalog;
    s->horizon_ns = -1;
    s->sample_ns = 300 * (int64_t)1000000000;
    if (aidc_jread_str(r, root, "", "name", false, &name) < 0 ||
        aidc_jread_str(r, root, "", "description", false, &desc) < 0 ||
        aidc_jread_int(r, root, "", "seed", false, 0, INT64_C(9007199254740991), &seed) < 0 ||
        aidc_jread_duration(r, root, "", "horizon", false, 1, &s->horizon_ns) < 0 ||
        aidc_jread_duration(r, root, "", "sample_interval", false, 1000000, &s->sample_ns) < 0 ||
        aidc_jread_obj(r, root, "", "catalog", false, &catalog) < 0)
        return -1;
    s->seed = seed_override >= 0 ? (uint64_t)seed_override : (uint64_t)seed;
    if (s->horizon_ns > 0 && s->horizon_ns / s->sample_ns > AIDC_MAX_SAMPLES)
        return aidc_jread_fail(r, "sample_interval", false,
                               "would write %lld timeseries rows over the horizon (limit %d); "
                               "use a longer interval",
                               (long long)(s->horizon_ns / s->sample_ns), AIDC_MAX_SAMPLES);
    if (!name) {
        /* default: the file name without directory and extension */
        const char *base = strrchr(s->path, '/');
        base = base ? base + 1 : s->path;
        s->name = strdup(base);
        if (s->name) s->name[strcspn(s->name, ".")] = '\0';
    } else {
        s->name = strdup(name);
    }
    if (!s->name) return aidc_jread_fail(r, "name", false, "out of memory");
    if (catalog && read_catalog(r, catalog, "catalog", &s->catalog)) return -1;
    if (read_cluster(r, root, s) || read_workload(r, root, s) || read_policy(r, root, s) ||
        read_fabric(r, root, s) || read_power(r, root, s) || read_cooling(r, root, s) ||
        read_grid(r, root, s) || read_cost(r, root, s) || aidc_services_read(r, root, s))
        return -1;
    int64_t all_gpus = s->cluster.nodes * s->cluster.gpus_per_node;
    if (s->cluster.n_pools) {
        all_gpus = 0;
        for (size_t i = 0; i < s->cluster.n_pools; i++)
            all_gpus += s->cluster.pools[i].nodes * s->cluster.pools[i].gpus_per_node;
    }
    if (aidc_failcfg_read(r, root, s->cluster.nodes, all_gpus, s->horizon_ns, &s->failures))
        return -1;
    if (s->cluster.n_pools && s->fabric.enabled)
        return aidc_jread_fail(r, "fabric", true,
                               "a fabric needs one node shape; it cannot be combined with "
                               "cluster.pools");
    return 0;
}

int aidc_scenario_load(aidc_scenario *s, const char *path, const char *const *overrides,
                       int64_t seed_override, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    aidc_synth_cfg_init(&s->workload.synth);
    char *text;
    cJSON *root;
    if (aidc_jread_load(path, "a scenario file", MAX_FILE_BYTES, &text, &root, err, errlen))
        return -1;
    int rc = -1;
    for (size_t i = 0; overrides && overrides[i]; i++)
        if (apply_override(root, overrides[i], path, err, errlen)) goto out;
    s->path = strdup(path);
    s->dir = strdup(path);
    if (!s->path || !s->dir) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    char *slash = strrchr(s->dir, '/');
    if (slash) *slash = '\0';
    else s->dir[0] = '\0';
    if (aidc_scenario_builtin_catalog(&s->catalog, err, errlen)) goto out;
    aidc_jread r = {path, text, err, errlen, overrides};
    rc = read_scenario(&r, root, s, seed_override);
    if (rc == 0) rc = aidc_limits_check(s, err, errlen); /* before anything big is allocated */
out:
    cJSON_Delete(root);
    free(text);
    if (rc) aidc_scenario_fini(s);
    return rc;
}

void aidc_scenario_fini(aidc_scenario *s)
{
    free(s->path);
    free(s->dir);
    free(s->name);
    aidc_catalog_fini(&s->catalog);
    free(s->workload.trace_path);
    aidc_synth_cfg_fini(&s->workload.synth);
    free(s->policy.name);
    free(s->policy.plugin_path);
    aidc_plugin_unload(&s->policy.plugin);
    for (size_t i = 0; i < s->policy.n_params; i++) {
        free((char *)s->policy.params[i].key);
        free((char *)s->policy.params[i].string);
    }
    free(s->policy.params);
    free(s->fabric.graph_path);
    free(s->cooling.weather_path);
    free(s->grid.carbon_path);
    free(s->grid.dr);
    aidc_pools_free(s);
    aidc_services_cfg_fini(s);
    memset(s, 0, sizeof *s);
}
