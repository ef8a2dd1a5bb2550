/* services — inference services in the engine; see services.h. */
#include "sim/services.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/rng.h"
#include "sim/sim.h"

/* GPU activity by phase (physical-figures.md §1.1, est.) */
#define ACTIVITY_PREFILL 0.95
#define ACTIVITY_DECODE 0.3

typedef struct rep_rt {
    aidc_sched_alloc *alloc; /* NULL once released */
    int32_t n_alloc;
    int32_t owner;           /* the cluster's owner id for its GPUs (< -1) */
    double per_gpu_w;        /* power over idle applied to each of its GPUs */
} rep_rt;

typedef struct svc_rt {
    aidc_infer *m;
    rep_rt *reps;
    size_t cap_reps;
    size_t preempted;        /* training jobs it preempted */
    double gpu_s;            /* GPU-seconds its replicas held */
    double energy_j;         /* energy over idle drawn by its GPUs */
    int64_t last_ns;
    int32_t pool;            /* the pool its replicas run on; -1: every node (one shape) */
    int32_t gpn;             /* GPUs a node there */
    aidc_sched_alloc *spare; /* a replica allocation a failed placement left unused */
    const aidc_power_cfg *pc; /* its GPUs' power figures */
} svc_rt;

typedef struct aidc_services_rt {
    svc_rt *svc;
    size_t n;
    int32_t next_owner;
    bool finished;
} aidc_services_rt;

/* ---- reading the scenario --------------------------------------------------- */

static int read_tokens(const aidc_jread *r, const cJSON *o, const char *path, const char *key,
                       double *mean, double *cv)
{
    const cJSON *t;
    char p[AIDC_PATH_MAX];
    if (aidc_jread_obj(r, o, path, key, true, &t) < 0) return -1;
    aidc_jread_join(p, path, key);
    static const char *const keys[] = {"mean", "cv", NULL};
    if (aidc_jread_keys(r, t, p, keys) || aidc_jread_num(r, t, p, "mean", true, 1, 1e9, mean) < 0 ||
        aidc_jread_num(r, t, p, "cv", false, 0, 100, cv) < 0)
        return -1;
    return 0;
}

/* Heterogeneous pools: sizes c for the first pool (in order) whose GPU and node
 * can hold a replica; *pool is that pool and *total its GPUs. When none can, the
 * message names the service and every pool with its reason. */
static int size_on_pools(const aidc_jread *r, const char *path, const aidc_scenario *s,
                         aidc_infer_cfg *c, int32_t *pool, int64_t *total)
{
    char why[2048] = "";
    size_t len = 0;
    for (size_t i = 0; i < s->cluster.n_pools; i++) {
        const aidc_pool_spec *ps = &s->cluster.pools[i];
        const aidc_gpu_model *gpu = aidc_catalog_gpu(&s->catalog, ps->gpu);
        char msg[512];
        aidc_infer_cfg t = *c; /* sizing fills the fields left at 0: try on a copy */
        if (!gpu) snprintf(msg, sizeof msg, "its GPU type is not in the catalog");
        else if (!aidc_infer_size(&t, gpu, ps->gpus_per_node, msg, sizeof msg)) {
            *c = t;
            *pool = (int32_t)i;
            *total = ps->nodes * ps->gpus_per_node;
            return 0;
        }
        if (len < sizeof why)
            len += (size_t)snprintf(why + len, sizeof why - len, "%scluster.pools[%zu] (%s, %d GPUs a node): %s",
                                    i ? "; " : "", i, ps->gpu, (int)ps->gpus_per_node, msg);
    }
    return aidc_jread_fail(r, path, false, "service \"%s\": no pool can hold a replica: %s", c->name, why);
}

static int read_one(const aidc_jread *r, const cJSON *o, const char *path, aidc_scenario *s,
                    aidc_infer_cfg *c, char **stream, int32_t *pool)
{
    static const char *const keys[] = {
        "name", "params_billion", "bytes_per_param", "kv_headroom", "gpus_per_replica",
        "prefill_tokens_per_s", "decode_tokens_per_s", "max_batch", "prefill_efficiency",
        "decode_efficiency", "replicas", "control_interval", "requests", "slo", "priority",
        "preempt_training", "resolution", "fluid_above", "_comment", NULL};
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX];
    char found[96];
    if (!cJSON_IsObject(o))
        return aidc_jread_fail(r, path, false, "expected an object, found %s",
                               aidc_jread_describe(o, found, sizeof found));
    if (aidc_jread_keys(r, o, path, keys)) return -1;
    aidc_infer_cfg_defaults(c);
    const char *name;
    double pb = 0;
    int64_t gpr = 0, batch = c->max_batch, prio = 0, step = c->step_ns;
    if (aidc_jread_str(r, o, path, "name", true, &name) < 0 ||
        aidc_jread_num(r, o, path, "params_billion", true, 1e-6, 1e6, &pb) < 0 ||
        aidc_jread_num(r, o, path, "bytes_per_param", false, 0.125, 16, &c->bytes_per_param) < 0 ||
        aidc_jread_num(r, o, path, "kv_headroom", false, 0, 100, &c->kv_headroom) < 0 ||
        aidc_jread_int(r, o, path, "gpus_per_replica", false, 1, 1 << 20, &gpr) < 0 ||
        aidc_jread_num(r, o, path, "prefill_tokens_per_s", false, 1e-3, 1e12, &c->prefill_tps) < 0 ||
        aidc_jread_num(r, o, path, "decode_tokens_per_s", false, 1e-3, 1e12, &c->decode_tps) < 0 ||
        aidc_jread_int(r, o, path, "max_batch", false, 1, 1 << 20, &batch) < 0 ||
        aidc_jread_num(r, o, path, "prefill_efficiency", false, 1e-3, 1, &c->prefill_eff) < 0 ||
        aidc_jread_num(r, o, path, "decode_efficiency", false, 1e-3, 1, &c->decode_eff) < 0 ||
        aidc_jread_duration(r, o, path, "control_interval", false, 1000000000, &step) < 0 ||
        aidc_jread_int(r, o, path, "priority", false, -1000000, 1000000, &prio) < 0 ||
        aidc_jread_num(r, o, path, "fluid_above", false, 0, 1e15, &c->fluid_above) < 0)
        return -1;
    if (strlen(name) >= sizeof c->name)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "name"), false, "longer than %d bytes",
                               AIDC_INFER_NAME_MAX - 1);
    if (strpbrk(name, ",\"\n\r"))
        return aidc_jread_fail(r, aidc_jread_join(p, path, "name"), false,
                               "may not hold a comma, quote or line break (it is a CSV field)");
    for (size_t i = 0; i < s->services.n; i++)
        if (strcmp(s->services.cfg[i].name, name) == 0)
            return aidc_jread_fail(r, aidc_jread_join(p, path, "name"), false,
                                   "\"%s\" names two services", name);
    snprintf(c->name, sizeof c->name, "%s", name);
    c->params = pb * 1e9;
    c->gpus_per_replica = (int32_t)gpr;
    c->max_batch = (int32_t)batch;
    c->priority = (int32_t)prio;
    c->step_ns = step;
    c->preempt = c->priority > 0;
    if (aidc_jread_bool(r, o, path, "preempt_training", false, &c->preempt) < 0) return -1;
    const char *res = NULL;
    if (aidc_jread_str(r, o, path, "resolution", false, &res) < 0) return -1;
    if (res) {
        if (strcmp(res, "auto") == 0) c->mode = AIDC_INFER_AUTO;
        else if (strcmp(res, "discrete") == 0) c->mode = AIDC_INFER_DISCRETE;
        else if (strcmp(res, "fluid") == 0) c->mode = AIDC_INFER_FLUID;
        else
            return aidc_jread_fail(r, aidc_jread_join(p, path, "resolution"), false,
                                   "expected \"auto\", \"discrete\" or \"fluid\", found \"%s\"", res);
    }
    if (s->sample_ns % step != 0)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "control_interval"), false,
                               "%g s does not divide the sample interval (%g s): services.csv rows "
                               "are whole steps",
                               (double)step / 1e9, (double)s->sample_ns / 1e9);
    /* replicas: a fixed count, or autoscaling bounds */
    const cJSON *rep = cJSON_GetObjectItemCaseSensitive(o, "replicas");
    aidc_jread_join(q, path, "replicas");
    if (!rep) return aidc_jread_fail(r, path, false, "needs \"replicas\": a count, or {\"min\", \"max\", ...}");
    if (cJSON_IsNumber(rep)) {
        int64_t k;
        if (aidc_jread_int(r, o, path, "replicas", true, 1, 1000000, &k) < 0) return -1;
        c->min_replicas = c->max_replicas = (int32_t)k;
    } else if (cJSON_IsObject(rep)) {
        static const char *const rk[] = {"min", "max", "target_utilization", "scale_up_delay",
                                         "cooldown", NULL};
        int64_t lo = 1, hi;
        if (aidc_jread_keys(r, rep, q, rk) || aidc_jread_int(r, rep, q, "min", false, 0, 1000000, &lo) < 0 ||
            aidc_jread_int(r, rep, q, "max", true, 1, 1000000, &hi) < 0 ||
            aidc_jread_num(r, rep, q, "target_utilization", false, 0.01, 1, &c->target_utilization) < 0 ||
            aidc_jread_duration(r, rep, q, "scale_up_delay", false, 0, &c->scale_up_delay_ns) < 0 ||
            aidc_jread_duration(r, rep, q, "cooldown", false, 0, &c->cooldown_ns) < 0)
            return -1;
        if (lo > hi)
            return aidc_jread_fail(r, aidc_jread_join(p, q, "min"), false,
                                   "min (%lld) is above max (%lld)", (long long)lo, (long long)hi);
        if (c->cooldown_ns / c->step_ns > 100000)
            return aidc_jread_fail(r, aidc_jread_join(p, q, "cooldown"), false,
                                   "more than 100,000 control intervals (%g s each); use a "
                                   "shorter cool-down or a longer control_interval",
                                   (double)c->step_ns / 1e9);
        c->min_replicas = (int32_t)lo;
        c->max_replicas = (int32_t)hi;
    } else {
        return aidc_jread_fail(r, q, false, "expected a replica count or an object, found %s",
                               aidc_jread_describe(rep, found, sizeof found));
    }
    /* the request stream */
    const cJSON *rq;
    if (aidc_jread_obj(r, o, path, "requests", true, &rq) < 0) return -1;
    aidc_jread_join(q, path, "requests");
    static const char *const qk[] = {"trace", "repeat", "rate_scale", "rate_per_s", "diurnal",
                                     "prompt_tokens", "output_tokens", NULL};
    if (aidc_jread_keys(r, rq, q, qk)) return -1;
    const char *trace = NULL;
    if (aidc_jread_str(r, rq, q, "trace", false, &trace) < 0) return -1;
    const cJSON *diurnal;
    if (aidc_jread_obj(r, rq, q, "diurnal", false, &diurnal) < 0) return -1;
    if (trace) {
        static const char *const bad[] = {"rate_per_s", "prompt_tokens", "output_tokens", NULL};
        for (int i = 0; bad[i]; i++)
            if (cJSON_GetObjectItemCaseSensitive(rq, bad[i]))
                return aidc_jread_fail(r, aidc_jread_join(p, q, bad[i]), true,
                                       "not used with \"trace\" (the trace gives arrivals and tokens)");
        if (aidc_jread_bool(r, rq, q, "repeat", false, &c->repeat) < 0 ||
            aidc_jread_num(r, rq, q, "rate_scale", false, 1e-6, 1e6, &c->rate_scale) < 0)
            return -1;
        if (!(*stream = aidc_scenario_path(s, trace))) return aidc_jread_fail(r, q, false, "out of memory");
    } else {
        static const char *const bad[] = {"repeat", "rate_scale", NULL};
        for (int i = 0; bad[i]; i++)
            if (cJSON_GetObjectItemCaseSensitive(rq, bad[i]))
                return aidc_jread_fail(r, aidc_jread_join(p, q, bad[i]), true,
                                       "only for a \"trace\" stream");
        c->generated = true;
        if (aidc_jread_num(r, rq, q, "rate_per_s", true, 1e-9, 1e9, &c->rate_per_s) < 0 ||
            read_tokens(r, rq, q, "prompt_tokens", &c->prompt_mean, &c->prompt_cv) ||
            read_tokens(r, rq, q, "output_tokens", &c->output_mean, &c->output_cv))
            return -1;
    }
    if (diurnal) {
        aidc_jread_join(p, q, "diurnal");
        static const char *const dk[] = {"peak_to_trough", "peak_hour", NULL};
        if (aidc_jread_keys(r, diurnal, p, dk) ||
            aidc_jread_num(r, diurnal, p, "peak_to_trough", true, 1, 1e6, &c->peak_to_trough) < 0 ||
            aidc_jread_num(r, diurnal, p, "peak_hour", false, 0, 24, &c->peak_hour) < 0)
            return -1;
    }
    /* objectives */
    const cJSON *slo;
    if (aidc_jread_obj(r, o, path, "slo", false, &slo) < 0) return -1;
    if (slo) {
        aidc_jread_join(q, path, "slo");
        static const char *const sk[] = {"ttft", "tpot", "percentile", NULL};
        int64_t ttft = (int64_t)llround(c->slo_ttft_s * 1e9), tpot = (int64_t)llround(c->slo_tpot_s * 1e9);
        if (aidc_jread_keys(r, slo, q, sk) || aidc_jread_duration(r, slo, q, "ttft", false, 1, &ttft) < 0 ||
            aidc_jread_duration(r, slo, q, "tpot", false, 1, &tpot) < 0 ||
            aidc_jread_num(r, slo, q, "percentile", false, 1, 100, &c->slo_percentile) < 0)
            return -1;
        c->slo_ttft_s = (double)ttft / 1e9;
        c->slo_tpot_s = (double)tpot / 1e9;
    }
    /* sizing on the cluster's GPU */
    char msg[512];
    int64_t total = 0;
    if (s->cluster.n_pools) {
        if (size_on_pools(r, path, s, c, pool, &total)) return -1;
    } else {
        const aidc_gpu_model *gpu = aidc_catalog_gpu(&s->catalog, s->cluster.gpu);
        if (!gpu) return aidc_jread_fail(r, path, false, "the cluster's GPU type is not in the catalog");
        if (aidc_infer_size(c, gpu, s->cluster.gpus_per_node, msg, sizeof msg))
            return aidc_jread_fail(r, path, false, "%s", msg);
        total = s->cluster.nodes * s->cluster.gpus_per_node;
    }
    if ((int64_t)c->min_replicas * c->gpus_per_replica > total) {
        if (s->cluster.n_pools)
            return aidc_jread_fail(r, aidc_jread_join(p, path, "replicas"), false,
                                   "%d replicas of %d GPUs need more than the %lld GPUs of "
                                   "cluster.pools[%d] (%s), the first pool that can hold a replica",
                                   c->min_replicas, c->gpus_per_replica, (long long)total, (int)*pool,
                                   s->cluster.pools[*pool].gpu);
        return aidc_jread_fail(r, aidc_jread_join(p, path, "replicas"), false,
                               "%d replicas of %d GPUs need more than the cluster's %lld GPUs",
                               c->min_replicas, c->gpus_per_replica, (long long)total);
    }
    return 0;
}

int aidc_services_read(const aidc_jread *r, const cJSON *root, aidc_scenario *s)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(root, "services");
    if (!arr) return 0;
    char found[96], p[AIDC_PATH_MAX];
    if (!cJSON_IsArray(arr))
        return aidc_jread_fail(r, "services", false, "expected an array of services, found %s",
                               aidc_jread_describe(arr, found, sizeof found));
    size_t n = (size_t)cJSON_GetArraySize(arr);
    if (n == 0) return 0;
    if (s->horizon_ns < 0)
        return aidc_jread_fail(r, "services", true,
                               "services need a \"horizon\" (their requests have no end of their own)");
    if (n > 1000) return aidc_jread_fail(r, "services", false, "more than 1000 services");
    s->services.cfg = calloc(n, sizeof *s->services.cfg);
    s->services.stream_path = calloc(n, sizeof *s->services.stream_path);
    s->services.pool = s->cluster.n_pools ? calloc(n, sizeof *s->services.pool) : NULL;
    if (!s->services.cfg || !s->services.stream_path || (s->cluster.n_pools && !s->services.pool))
        return aidc_jread_fail(r, "services", false, "out of memory");
    size_t i = 0;
    for (const cJSON *it = arr->child; it; it = it->next, i++) {
        snprintf(p, sizeof p, "services[%zu]", i);
        int32_t unused = -1;
        int rc = read_one(r, it, p, s, &s->services.cfg[i], &s->services.stream_path[i],
                          s->services.pool ? &s->services.pool[i] : &unused);
        s->services.n = i + 1; /* what is allocated gets freed */
        if (rc) return -1;
    }
    return 0;
}

void aidc_services_cfg_fini(aidc_scenario *s)
{
    for (size_t i = 0; s->services.stream_path && i < s->services.n; i++) free(s->services.stream_path[i]);
    free(s->services.stream_path);
    free(s->services.pool);
    free(s->services.cfg);
}

/* ---- the engine side ---------------------------------------------------------- */

int aidc_services_init(aidc_sim *s, char *err, size_t errlen)
{
    const aidc_scenario *sc = s->sc;
    if (sc->services.n == 0) return 0;
    aidc_services_rt *rt = calloc(1, sizeof *rt);
    if (!rt || !(rt->svc = calloc(sc->services.n, sizeof *rt->svc))) {
        free(rt);
        snprintf(err, errlen, "out of memory for services");
        return -1;
    }
    s->services = rt;
    rt->n = sc->services.n;
    rt->next_owner = -2;
    for (size_t i = 0; i < rt->n; i++) {
        const aidc_infer_cfg *c = &sc->services.cfg[i];
        svc_rt *v = &rt->svc[i];
        v->pool = sc->services.pool ? sc->services.pool[i] : -1;
        v->gpn = v->pool >= 0 ? sc->cluster.pools[v->pool].gpus_per_node : sc->cluster.gpus_per_node;
        v->pc = v->pool >= 0 ? &sc->cluster.pools[v->pool].power : &sc->power.chain;
        aidc_infer_req *reqs = NULL;
        size_t n = 0;
        if (sc->services.stream_path[i]) {
            char msg[1024];
            if (aidc_infer_read_stream(sc->services.stream_path[i], &reqs, &n, msg, sizeof msg)) {
                snprintf(err, errlen, "%s: services[%zu].requests.trace: %s", sc->path, i, msg);
                return -1;
            }
        }
        char stream[AIDC_INFER_NAME_MAX + 16];
        snprintf(stream, sizeof stream, "services.%s", c->name);
        gsl_rng *g = aidc_rng_stream(sc->seed, stream);
        rt->svc[i].m = g ? aidc_infer_create(c, reqs, n, g, (double)sc->horizon_ns / 1e9) : NULL;
        free(reqs);
        if (!rt->svc[i].m) {
            snprintf(err, errlen, "out of memory for service \"%s\"", c->name);
            return -1;
        }
    }
    return 0;
}

void aidc_services_fini(aidc_sim *s)
{
    aidc_services_rt *rt = s->services;
    if (!rt) return;
    for (size_t i = 0; i < rt->n; i++) {
        svc_rt *v = &rt->svc[i];
        size_t nr = v->m ? aidc_infer_replica_count(v->m) : 0;
        for (size_t k = 0; k < nr && k < v->cap_reps; k++) free(v->reps[k].alloc);
        free(v->reps);
        free(v->spare);
        aidc_infer_destroy(v->m);
    }
    free(rt->svc);
    free(rt);
    s->services = NULL;
}

void aidc_services_start(aidc_sim *s)
{
    if (!s->services) return;
    for (size_t i = 0; i < s->services->n; i++) aidc_sim_push_service(s, 0, i);
}

/* Sets a replica's per-GPU power over idle. */
static void rep_power(aidc_sim *s, rep_rt *r, double per_gpu_w)
{
    if (!r->alloc || per_gpu_w == r->per_gpu_w) return;
    for (int32_t k = 0; k < r->n_alloc; k++)
        aidc_sim_node_power(s, r->alloc[k].node, (per_gpu_w - r->per_gpu_w) * r->alloc[k].gpus);
    r->per_gpu_w = per_gpu_w;
}

static void rep_release(aidc_sim *s, rep_rt *r)
{
    if (!r->alloc) return;
    rep_power(s, r, 0);
    aidc_cluster_release(&s->cluster, r->owner, r->alloc, (size_t)r->n_alloc);
    aidc_sim_fail_released(s, r->alloc, (size_t)r->n_alloc); /* failed GPUs stay out */
    free(r->alloc);
    r->alloc = NULL;
}

/* Whether running job id may be preempted by service c. */
static bool preemptible(const aidc_sim *s, const aidc_infer_cfg *c, int32_t id)
{
    return c->preempt && id >= 0 && (size_t)id < s->n_jobs && s->jobs[id].state == AIDC_JOB_RUNNING &&
           s->jobs[id].view.priority < c->priority;
}

/* Whether node i is one service v may use (its pool, or any for one shape). */
static bool on_pool(const aidc_cluster *cl, const svc_rt *v, size_t i)
{
    return v->pool < 0 || cl->pool[i] == v->pool;
}

/* A free place for g GPUs on v's nodes: best-fit node (fewest free GPUs that
 * fit), or the lowest-numbered wholly free nodes for a replica wider than a node. */
static int32_t find_place(const aidc_sim *s, const svc_rt *v, int32_t g, aidc_sched_alloc *out)
{
    const aidc_cluster *cl = &s->cluster;
    int32_t gpn = v->gpn;
    if (g <= gpn) {
        int32_t best = -1;
        for (size_t i = 0; i < cl->n_nodes; i++) {
            if (!on_pool(cl, v, i)) continue;
            int32_t f = cl->nodes[i].gpus_free;
            if (f >= g && (best < 0 || f < cl->nodes[best].gpus_free)) best = (int32_t)i;
        }
        if (best < 0) return 0;
        out[0] = (aidc_sched_alloc){best, g, 0, 0};
        return 1;
    }
    int32_t k = g / gpn, got = 0;
    for (size_t i = 0; i < cl->n_nodes && got < k; i++)
        if (on_pool(cl, v, i) && cl->nodes[i].gpus_free == cl->nodes[i].gpus_total)
            out[got++] = (aidc_sched_alloc){(int32_t)i, cl->nodes[i].gpus_total, 0, 0};
    return got == k ? k : 0;
}

/* Preempts training on the node where it frees `need` GPUs at the least
 * cost (GPUs of the jobs preempted; the most recently started go first).
 * Returns whether it preempted anything. */
static bool preempt_for(aidc_sim *s, svc_rt *v, const aidc_infer_cfg *c, int32_t need)
{
    aidc_cluster *cl = &s->cluster;
    int32_t best = -1;
    double best_cost = INFINITY;
    int32_t cand[1024];
    for (size_t i = 0; i < cl->n_nodes; i++) {
        aidc_sched_node *nd = &cl->nodes[i];
        if (!on_pool(cl, v, i) || nd->gpus_free >= need || nd->gpus_total < need) continue;
        /* distinct preemptible owners on this node */
        int32_t nc = 0;
        int64_t first = cl->first_gpu[i];
        for (int64_t gi = first; gi < first + nd->gpus_total && nc < 1024; gi++) {
            int32_t o = cl->owner[gi];
            if (!preemptible(s, c, o)) continue;
            bool seen = false;
            for (int32_t k = 0; k < nc; k++) seen = seen || cand[k] == o;
            if (!seen) cand[nc++] = o;
        }
        /* greedy: newest first */
        int32_t freed = nd->gpus_free;
        double cost = 0;
        bool used[1024] = {false};
        while (freed < need) {
            int32_t pick = -1;
            for (int32_t k = 0; k < nc; k++)
                if (!used[k] && (pick < 0 || s->jobs[cand[k]].view.start_ns > s->jobs[cand[pick]].view.start_ns ||
                                 (s->jobs[cand[k]].view.start_ns == s->jobs[cand[pick]].view.start_ns && cand[k] > cand[pick])))
                    pick = k;
            if (pick < 0) break;
            used[pick] = true;
            const aidc_job_rt *j = &s->jobs[cand[pick]];
            for (int32_t a = 0; a < j->n_alloc; a++)
                if (j->alloc[a].node == (int32_t)i) freed += j->alloc[a].gpus;
            cost += j->view.gpus;
        }
        if (freed >= need && cost < best_cost) {
            best_cost = cost;
            best = (int32_t)i;
        }
    }
    if (best < 0) return false;
    aidc_sched_node *nd = &cl->nodes[best];
    while (nd->gpus_free < need) {
        int32_t pick = -1;
        int64_t first = cl->first_gpu[best];
        for (int64_t gi = first; gi < first + nd->gpus_total; gi++) {
            int32_t o = cl->owner[gi];
            if (!preemptible(s, c, o)) continue;
            if (pick < 0 || s->jobs[o].view.start_ns > s->jobs[pick].view.start_ns ||
                (s->jobs[o].view.start_ns == s->jobs[pick].view.start_ns && o > pick))
                pick = o;
        }
        if (pick < 0) break;
        aidc_sim_preempt_job(s, (uint32_t)pick);
        v->preempted++;
    }
    return true;
}

/* Places one replica for service v; returns its allocation size or 0. */
static int32_t place(aidc_sim *s, svc_rt *v, const aidc_infer_cfg *c, aidc_sched_alloc *out)
{
    int32_t g = c->gpus_per_replica, gpn = v->gpn;
    for (int tries = 0; tries < 1 + g / gpn + 1; tries++) {
        int32_t n = find_place(s, v, g, out);
        if (n) return n;
        if (!c->preempt || !preempt_for(s, v, c, g <= gpn ? g : gpn)) return 0;
    }
    return find_place(s, v, g, out);
}

void aidc_services_step(aidc_sim *s, size_t i)
{
    aidc_services_rt *rt = s->services;
    svc_rt *v = &rt->svc[i];
    aidc_infer *m = v->m;
    const aidc_infer_cfg *c = aidc_infer_config(m);
    const aidc_power_cfg *pc = v->pc;
    aidc_sim_touch(s);
    /* energy and GPU time of the interval that ended */
    double dt = (double)(s->now_ns - v->last_ns) / 1e9;
    size_t nr = aidc_infer_replica_count(m);
    for (size_t k = 0; k < nr; k++) {
        rep_rt *r = &v->reps[k];
        if (!r->alloc) continue;
        v->gpu_s += dt * c->gpus_per_replica;
        v->energy_j += dt * r->per_gpu_w * c->gpus_per_replica;
    }
    v->last_ns = s->now_ns;
    bool freed = false;
    int32_t k = aidc_infer_decide(m);
    for (size_t j = 0; j < nr; j++)
        if (v->reps[j].alloc && aidc_infer_replica_state(m, (int32_t)j) == AIDC_REP_GONE) {
            rep_release(s, &v->reps[j]);
            freed = true;
        }
    int32_t gpn = v->gpn;
    int32_t na = c->gpus_per_replica <= gpn ? 1 : c->gpus_per_replica / gpn;
    for (int32_t a = 0; a < k; a++) {
        /* a full cluster refuses every step: reuse the refused buffer, not malloc/free */
        aidc_sched_alloc *al = v->spare ? v->spare : malloc((size_t)na * sizeof *al);
        v->spare = NULL;
        if (!al) abort();
        int32_t n = place(s, v, c, al);
        if (!n) {
            v->spare = al;
            aidc_infer_denied(m, k - a);
            break;
        }
        int32_t id = aidc_infer_replica_add(m);
        if (id < 0) abort();
        if ((size_t)id >= v->cap_reps) {
            size_t cap = v->cap_reps ? v->cap_reps * 2 : 16;
            while (cap <= (size_t)id) cap *= 2;
            rep_rt *rr = realloc(v->reps, cap * sizeof *rr);
            if (!rr) abort();
            memset(rr + v->cap_reps, 0, (cap - v->cap_reps) * sizeof *rr);
            v->reps = rr;
            v->cap_reps = cap;
        }
        rep_rt *r = &v->reps[id];
        r->alloc = al;
        r->n_alloc = n;
        r->owner = rt->next_owner--;
        if (rt->next_owner < -2000000000) rt->next_owner = -2;
        r->per_gpu_w = 0;
        aidc_cluster_take(&s->cluster, r->owner, al, (size_t)n);
    }
    int64_t end = s->now_ns + c->step_ns;
    if (end > s->sc->horizon_ns) end = s->sc->horizon_ns;
    aidc_infer_advance(m, (double)end / 1e9);
    /* power for the interval ahead, from what the replicas did in it */
    nr = aidc_infer_replica_count(m);
    double span = pc->gpu_tdp_w - pc->gpu_idle_w;
    for (size_t j = 0; j < nr; j++) {
        rep_rt *r = &v->reps[j];
        if (!r->alloc) continue;
        double fp, fd;
        aidc_infer_replica_activity(m, (int32_t)j, &fp, &fd);
        rep_power(s, r, span * (ACTIVITY_PREFILL * fp + ACTIVITY_DECODE * fd));
    }
    aidc_sim_power_refresh(s);
    if (end % s->sc->sample_ns == 0 || end == s->sc->horizon_ns) aidc_infer_close_row(m);
    if (end < s->sc->horizon_ns) aidc_sim_push_service(s, end, i);
    if (freed || k != 0) aidc_sim_wake_policy(s);
}

void aidc_services_finish(aidc_sim *s)
{
    aidc_services_rt *rt = s->services;
    if (!rt || rt->finished) return;
    rt->finished = true;
    for (size_t i = 0; i < rt->n; i++) {
        svc_rt *v = &rt->svc[i];
        double dt = (double)(s->now_ns - v->last_ns) / 1e9;
        size_t nr = aidc_infer_replica_count(v->m);
        int32_t g = aidc_infer_config(v->m)->gpus_per_replica;
        for (size_t k = 0; k < nr; k++)
            if (v->reps[k].alloc) {
                v->gpu_s += dt * g;
                v->energy_j += dt * v->reps[k].per_gpu_w * g;
            }
        v->last_ns = s->now_ns;
        aidc_infer_finish(v->m);
    }
}

/* ---- outputs ------------------------------------------------------------------ */

static void put_num(FILE *f, double x)
{
    if (isfinite(x)) fprintf(f, ",%.6g", x);
    else fputs(",", f);
}

int aidc_services_write(const aidc_sim *s, const char *dir, char *err, size_t errlen)
{
    const aidc_services_rt *rt = s->services;
    if (!rt) return 0;
    char path[4300];
    snprintf(path, sizeof path, "%s/services.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    fputs("time_s,service,resolution,requests_per_s,replicas,gpus,prompt_tokens_per_s,"
          "output_tokens_per_s,ttft_p50_s,ttft_p99_s,tpot_p50_s,tpot_p99_s,slo_attainment,"
          "replicas_denied\n", f);
    /* rows by time, then service: every service closes a row at each sample */
    size_t most = 0;
    for (size_t i = 0; i < rt->n; i++) {
        size_t n;
        aidc_infer_rows(rt->svc[i].m, &n);
        if (n > most) most = n;
    }
    for (size_t k = 0; k < most; k++)
        for (size_t i = 0; i < rt->n; i++) {
            size_t n;
            const aidc_infer_row *rows = aidc_infer_rows(rt->svc[i].m, &n);
            if (k >= n) continue;
            const aidc_infer_row *w = &rows[k];
            const aidc_infer_cfg *c = aidc_infer_config(rt->svc[i].m);
            double span = w->end_s - w->start_s;
            if (span <= 0) continue;
            fprintf(f, "%.9g,%s,%s", w->start_s, c->name,
                    aidc_infer_mode_used(rt->svc[i].m) == AIDC_INFER_FLUID ? "fluid" : "discrete");
            put_num(f, w->arrived / span);
            fprintf(f, ",%d,%d", w->replicas, w->replicas * c->gpus_per_replica);
            put_num(f, w->prompt_tokens / span);
            put_num(f, w->output_tokens / span);
            put_num(f, w->ttft_p50);
            put_num(f, w->ttft_p99);
            put_num(f, w->tpot_p50);
            put_num(f, w->tpot_p99);
            put_num(f, w->completed > 0 ? w->slo_ok / w->completed : NAN);
            fprintf(f, ",%.0f\n", w->denied);
        }
    int bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    return 0;
}

static void add_num(cJSON *o, const char *k, double x)
{
    if (isfinite(x)) cJSON_AddNumberToObject(o, k, x);
    else cJSON_AddNullToObject(o, k);
}

cJSON *aidc_services_total(const aidc_sim *s)
{
    const aidc_services_rt *rt = s->services;
    cJSON *o = cJSON_CreateObject();
    if (!o || !rt) return o;
    bool met = true;
    double att_min = INFINITY, rh = 0, gh = 0, denied = 0;
    size_t pre = 0;
    for (size_t i = 0; i < rt->n; i++) {
        const aidc_infer *m = rt->svc[i].m;
        double att = aidc_infer_attainment(m);
        met = met && isfinite(att) && att * 100 >= aidc_infer_config(m)->slo_percentile - 1e-9;
        if (isfinite(att) && att < att_min) att_min = att;
        rh += aidc_infer_totals(m)->replica_s / 3600;
        gh += rt->svc[i].gpu_s / 3600;
        denied += aidc_infer_denied_total(m);
        pre += rt->svc[i].preempted;
    }
    cJSON_AddBoolToObject(o, "slo_met", met);
    add_num(o, "attainment_min", att_min);
    add_num(o, "replica_hours", rh);
    add_num(o, "gpu_hours", gh);
    add_num(o, "replicas_denied", denied);
    cJSON_AddNumberToObject(o, "training_preemptions", (double)pre);
    return o;
}

cJSON *aidc_services_summary(const aidc_sim *s)
{
    const aidc_services_rt *rt = s->services;
    cJSON *arr = cJSON_CreateArray();
    if (!arr || !rt) return arr;
    for (size_t i = 0; i < rt->n; i++) {
        const svc_rt *v = &rt->svc[i];
        const aidc_infer *m = v->m;
        const aidc_infer_cfg *c = aidc_infer_config(m);
        const aidc_infer_stats *t = aidc_infer_totals(m);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(arr, o);
        cJSON_AddStringToObject(o, "name", c->name);
        cJSON_AddStringToObject(o, "resolution", aidc_infer_mode_used(m) == AIDC_INFER_FLUID ? "fluid" : "discrete");
        add_num(o, "expected_requests", aidc_infer_expected_requests(m));
        cJSON_AddNumberToObject(o, "gpus_per_replica", c->gpus_per_replica);
        add_num(o, "prefill_tokens_per_s", c->prefill_tps);
        add_num(o, "decode_tokens_per_s", c->decode_tps);
        cJSON_AddNumberToObject(o, "max_batch", c->max_batch);
        cJSON *rq = cJSON_AddObjectToObject(o, "requests");
        add_num(rq, "arrived", t->arrived);
        add_num(rq, "completed", t->completed);
        add_num(rq, "unserved", aidc_infer_unserved(m));
        add_num(rq, "prompt_tokens", t->prompt_tokens);
        add_num(rq, "output_tokens", t->output_tokens);
        cJSON *tt = cJSON_AddObjectToObject(o, "ttft_s");
        add_num(tt, "mean", t->first_tokens > 0 ? t->ttft_sum / t->first_tokens : NAN);
        add_num(tt, "p50", aidc_infer_hist_quantile(&t->ttft, 0.5));
        add_num(tt, "p99", aidc_infer_hist_quantile(&t->ttft, 0.99));
        cJSON *tp = cJSON_AddObjectToObject(o, "tpot_s");
        add_num(tp, "mean", t->tpot_n > 0 ? t->tpot_sum / t->tpot_n : NAN);
        add_num(tp, "p50", aidc_infer_hist_quantile(&t->tpot, 0.5));
        add_num(tp, "p99", aidc_infer_hist_quantile(&t->tpot, 0.99));
        cJSON *slo = cJSON_AddObjectToObject(o, "slo");
        add_num(slo, "ttft_s", c->slo_ttft_s);
        add_num(slo, "tpot_s", c->slo_tpot_s);
        add_num(slo, "percentile", c->slo_percentile);
        double att = aidc_infer_attainment(m);
        add_num(slo, "attainment", att);
        cJSON_AddBoolToObject(slo, "met", isfinite(att) && att * 100 >= c->slo_percentile - 1e-9);
        add_num(o, "replica_hours", t->replica_s / 3600);
        add_num(o, "gpu_hours", v->gpu_s / 3600);
        cJSON *rp = cJSON_AddObjectToObject(o, "replicas");
        cJSON_AddNumberToObject(rp, "min", c->min_replicas);
        cJSON_AddNumberToObject(rp, "max", c->max_replicas);
        cJSON_AddNumberToObject(rp, "peak", t->replicas_max);
        double sim_s = (double)s->sc->horizon_ns / 1e9;
        add_num(rp, "mean", sim_s > 0 ? t->replica_s / sim_s : NAN);
        cJSON_AddNumberToObject(o, "scale_ups", (double)aidc_infer_scale_ups(m));
        add_num(o, "replicas_denied", aidc_infer_denied_total(m));
        cJSON_AddNumberToObject(o, "training_preemptions", (double)v->preempted);
        add_num(o, "energy_above_idle_mwh", v->energy_j / 3.6e9);
    }
    return arr;
}

void aidc_services_print(const aidc_sim *s, FILE *f)
{
    const aidc_services_rt *rt = s->services;
    if (!rt) return;
    for (size_t i = 0; i < rt->n; i++) {
        const svc_rt *v = &rt->svc[i];
        const aidc_infer_cfg *c = aidc_infer_config(v->m);
        const aidc_infer_stats *t = aidc_infer_totals(v->m);
        fprintf(f, "  service    %s (%s): %.0f requests, TTFT p99 %.3g s, TPOT p99 %.3g s, SLO "
                   "attainment %.2f%% (target %g%%), %.0f replica-hours, %zu training preemptions\n",
                c->name, aidc_infer_mode_used(v->m) == AIDC_INFER_FLUID ? "fluid" : "discrete",
                t->arrived, aidc_infer_hist_quantile(&t->ttft, 0.99),
                aidc_infer_hist_quantile(&t->tpot, 0.99), 100 * aidc_infer_attainment(v->m),
                c->slo_percentile, t->replica_s / 3600, v->preempted);
    }
}
