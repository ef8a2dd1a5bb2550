/* pools — heterogeneous cluster pools; see pools.h. */
#include "sim/pools.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/scenario.h"

#define MAX_POOLS_FILE_BYTES ((size_t)16 << 20)
#define MAX_POOLS 4096

/* One pool object at `path` (keys as a one-shape cluster). */
static int read_pool(const aidc_jread *r, const cJSON *o, const char *path, int64_t default_npr,
                     const aidc_catalog *cat, aidc_pool_spec *p)
{
    static const char *const keys[] = {"system",        "gpu",           "nodes",
                                       "nodes_per_rack", "gpus_per_node", "cpus_per_node",
                                       "mem_gib_per_node", NULL};
    char kp[AIDC_PATH_MAX];
    if (!cJSON_IsObject(o)) {
        char found[96];
        return aidc_jread_fail(r, path, false, "expected a pool object, found %s",
                               aidc_jread_describe(o, found, sizeof found));
    }
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    const char *system = NULL, *gpu = NULL;
    if (aidc_jread_str(r, o, path, "system", false, &system) < 0 ||
        aidc_jread_str(r, o, path, "gpu", false, &gpu) < 0)
        return -1;
    if (!system && !gpu)
        return aidc_jread_fail(r, path, false,
                               "needs \"system\" (e.g. \"DGX-H100\") or \"gpu\" with a node shape");
    const aidc_system_model *sys = NULL;
    if (system) {
        if (!(sys = aidc_catalog_system(cat, system)))
            return aidc_jread_fail(r, aidc_jread_join(kp, path, "system"), false,
                                   "unknown system \"%s\" (add it under catalog.systems)", system);
        snprintf(p->system, sizeof p->system, "%s", system);
        snprintf(p->gpu, sizeof p->gpu, "%s", sys->gpu);
    }
    if (gpu) {
        if (!aidc_catalog_gpu(cat, gpu))
            return aidc_jread_fail(r, aidc_jread_join(kp, path, "gpu"), false,
                                   "unknown GPU type \"%s\" (add it under catalog.gpus with its "
                                   "tdp and idle power)",
                                   gpu);
        snprintf(p->gpu, sizeof p->gpu, "%s", gpu);
    }
    int64_t nodes, npr = sys ? sys->nodes_per_rack : default_npr, gpn = sys ? sys->gpus_per_node : 0,
                   cpn = sys ? sys->cpus_per_node : 0;
    double mem = sys ? sys->mem_gib_per_node : 0;
    if (aidc_jread_int(r, o, path, "nodes", true, 1, 10000000, &nodes) < 0 ||
        aidc_jread_int(r, o, path, "nodes_per_rack", false, 1, 100000, &npr) < 0 ||
        aidc_jread_int(r, o, path, "gpus_per_node", !sys, 1, 1024, &gpn) < 0 ||
        aidc_jread_int(r, o, path, "cpus_per_node", false, 0, 1 << 20, &cpn) < 0 ||
        aidc_jread_num(r, o, path, "mem_gib_per_node", false, 0, 1e9, &mem) < 0)
        return -1;
    p->nodes = nodes;
    p->nodes_per_rack = (int32_t)npr;
    p->gpus_per_node = (int32_t)gpn;
    p->cpus_per_node = (int32_t)cpn;
    p->mem_gib_per_node = mem;
    p->nvlink_domain = sys && sys->nvlink_domain > gpn ? sys->nvlink_domain : (int32_t)gpn;
    return 0;
}

static int add_pool(const aidc_jread *r, const char *path, aidc_scenario *s, const aidc_pool_spec *p)
{
    if (s->cluster.n_pools == MAX_POOLS)
        return aidc_jread_fail(r, path, false, "more than %d pools", MAX_POOLS);
    aidc_pool_spec *a = realloc(s->cluster.pools, (s->cluster.n_pools + 1) * sizeof *a);
    if (!a) return aidc_jread_fail(r, path, false, "out of memory");
    s->cluster.pools = a;
    a[s->cluster.n_pools++] = *p;
    return 0;
}

/* The pools file written by the node-list importers. */
static int read_pools_file(const aidc_jread *r, const char *rel, aidc_scenario *s, int64_t npr)
{
    char *path = aidc_scenario_path(s, rel);
    if (!path) return aidc_jread_fail(r, "cluster.pools", false, "out of memory");
    char *text = NULL;
    cJSON *root = NULL;
    char msg[1024];
    if (aidc_jread_load(path, "a cluster pools file", MAX_POOLS_FILE_BYTES, &text, &root, msg,
                        sizeof msg)) {
        aidc_jread_fail(r, "cluster.pools", false, "%s", msg);
        free(path);
        return -1;
    }
    aidc_jread f = {path, text, r->err, r->errlen, NULL};
    int rc = -1;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(root, "format");
    const cJSON *pools = cJSON_GetObjectItemCaseSensitive(root, "pools");
    if (!cJSON_IsObject(root) || !cJSON_IsString(fmt) ||
        strcmp(fmt->valuestring, "aidcsim-cluster-pools") != 0) {
        aidc_jread_fail(&f, "format", false,
                        "expected \"format\": \"aidcsim-cluster-pools\" (a file written by "
                        "`aidcsim trace convert --from openb-nodes` or another node-list importer)");
        goto out;
    }
    if (!cJSON_IsArray(pools) || cJSON_GetArraySize(pools) == 0) {
        aidc_jread_fail(&f, "pools", false, "expected a non-empty array of pools");
        goto out;
    }
    for (int i = 0; i < cJSON_GetArraySize(pools); i++) {
        char p[AIDC_PATH_MAX];
        snprintf(p, sizeof p, "pools[%d]", i);
        const cJSON *e = cJSON_GetArrayItem(pools, i), *cl;
        static const char *const keys[] = {"gpus", "cluster", NULL};
        if (!cJSON_IsObject(e)) {
            aidc_jread_fail(&f, p, false, "expected an object with \"cluster\"");
            goto out;
        }
        if (aidc_jread_keys(&f, e, p, keys) || aidc_jread_obj(&f, e, p, "cluster", true, &cl) < 0)
            goto out;
        snprintf(p, sizeof p, "pools[%d].cluster", i);
        aidc_pool_spec ps = {0};
        if (read_pool(&f, cl, p, npr, &s->catalog, &ps) || add_pool(&f, p, s, &ps)) goto out;
    }
    rc = 0;
out:
    cJSON_Delete(root);
    free(text);
    free(path);
    return rc;
}

int aidc_pools_read(const aidc_jread *r, const cJSON *o, aidc_scenario *s)
{
    static const char *const shape_keys[] = {"system", "gpu", "nodes", "gpus_per_node",
                                             "cpus_per_node", "mem_gib_per_node", NULL};
    for (size_t k = 0; shape_keys[k]; k++)
        if (cJSON_GetObjectItemCaseSensitive(o, shape_keys[k])) {
            char kp[AIDC_PATH_MAX];
            return aidc_jread_fail(r, aidc_jread_join(kp, "cluster", shape_keys[k]), true,
                                   "\"pools\" describes the nodes: \"%s\" goes inside each pool",
                                   shape_keys[k]);
        }
    int64_t npr = 1;
    if (aidc_jread_int(r, o, "cluster", "nodes_per_rack", false, 1, 100000, &npr) < 0) return -1;
    const cJSON *pools = cJSON_GetObjectItemCaseSensitive(o, "pools");
    if (cJSON_IsString(pools)) {
        if (read_pools_file(r, pools->valuestring, s, npr)) return -1;
    } else if (cJSON_IsArray(pools) && cJSON_GetArraySize(pools) > 0) {
        for (int i = 0; i < cJSON_GetArraySize(pools); i++) {
            char p[AIDC_PATH_MAX];
            snprintf(p, sizeof p, "cluster.pools[%d]", i);
            aidc_pool_spec ps = {0};
            if (read_pool(r, cJSON_GetArrayItem(pools, i), p, npr, &s->catalog, &ps) ||
                add_pool(r, p, s, &ps))
                return -1;
        }
    } else {
        char found[96];
        return aidc_jread_fail(r, "cluster.pools", false,
                               "expected a non-empty array of pools or the path of a cluster pools "
                               "file, found %s",
                               aidc_jread_describe(pools, found, sizeof found));
    }
    /* the one-shape fields: the first pool's GPU and system, the largest node */
    const aidc_pool_spec *first = &s->cluster.pools[0];
    snprintf(s->cluster.system, sizeof s->cluster.system, "%s", first->system);
    snprintf(s->cluster.gpu, sizeof s->cluster.gpu, "%s", first->gpu);
    int64_t nodes = 0, gpus = 0;
    for (size_t i = 0; i < s->cluster.n_pools; i++) {
        const aidc_pool_spec *p = &s->cluster.pools[i];
        nodes += p->nodes;
        gpus += p->nodes * p->gpus_per_node;
        if (p->gpus_per_node > s->cluster.gpus_per_node) s->cluster.gpus_per_node = p->gpus_per_node;
        if (p->cpus_per_node > s->cluster.cpus_per_node) s->cluster.cpus_per_node = p->cpus_per_node;
        if (p->mem_gib_per_node > s->cluster.mem_gib_per_node)
            s->cluster.mem_gib_per_node = p->mem_gib_per_node;
    }
    if (nodes > 10000000 || gpus > 100000000)
        return aidc_jread_fail(r, "cluster.pools", false,
                               "%lld nodes with %lld GPUs is more than 10 million nodes or 100 "
                               "million GPUs",
                               (long long)nodes, (long long)gpus);
    s->cluster.nodes = nodes;
    s->cluster.nodes_per_rack = first->nodes_per_rack;
    s->cluster.nvlink_domain = first->nvlink_domain;
    const aidc_gpu_model *gm = aidc_catalog_gpu(&s->catalog, s->cluster.gpu);
    s->cluster.nvlink_gbps = gm && gm->scaleup_gbps > 0 ? gm->scaleup_gbps / 2 : 450;
    return 0;
}

void aidc_pools_power(aidc_scenario *s, bool node_base_given, bool misc_given)
{
    if (!s->cluster.n_pools) return;
    const aidc_power_cfg *chain = &s->power.chain;
    double ups = 0;
    for (size_t i = 0; i < s->cluster.n_pools; i++) {
        aidc_pool_spec *p = &s->cluster.pools[i];
        const aidc_gpu_model *g = aidc_catalog_gpu(&s->catalog, p->gpu);
        const aidc_system_model *sys = p->system[0] ? aidc_catalog_system(&s->catalog, p->system) : NULL;
        double gpus = p->gpus_per_node;
        /* as a one-shape cluster: the system's figures, else 250 W a GPU for the rest (est.) */
        double base = sys && sys->base_power_w > 0 ? sys->base_power_w : 250 * gpus;
        double rating = sys && sys->max_power_w > 0 ? sys->max_power_w : base + gpus * g->tdp_w;
        aidc_power_cfg d;
        aidc_power_defaults(&d, g->tdp_w, g->idle_w, base, rating);
        p->power = *chain; /* the scenario's activity, curves and overrides */
        p->power.gpu_tdp_w = d.gpu_tdp_w;
        p->power.gpu_idle_w = d.gpu_idle_w;
        p->power.psu_capacity_w = d.psu_capacity_w;
        if (!node_base_given) p->power.node_base_w = d.node_base_w;
        p->rating_w = rating;
        ups += (double)p->nodes * rating;
    }
    s->power.chain.ups_capacity_w = ups;
    if (!misc_given) s->power.chain.misc_w = 0.02 * ups;
    for (size_t i = 0; i < s->cluster.n_pools; i++) { /* each pool copied the chain before */
        s->cluster.pools[i].power.ups_capacity_w = ups;
        s->cluster.pools[i].power.misc_w = s->power.chain.misc_w;
    }
}

void aidc_pools_free(aidc_scenario *s)
{
    free(s->cluster.pools);
    s->cluster.pools = NULL;
    s->cluster.n_pools = 0;
}
