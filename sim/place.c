/* place — placement-only fragmentation studies; see place.h. */
#include "sim/place.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "models/cluster.h"
#include "models/workload.h"
#include "sched/placement.h"
#include "sim/output.h"
#include "sim/place_chart.h"
#include "sim/rng.h"
#include "sim/scenario.h"
#include "sim/sim.h"

#define ERR_LEN 4096
#define MAX_STRATEGIES 3
#define MAX_OVERRIDES 64
#define MAX_PCT 1000 /* the curve's last point: 10x capacity */

const char aidc_place_usage[] =
    "usage: aidcsim place SCENARIO [-o DIR] [--strategy S]... [--shuffle] [--until X]\n"
    "                     [--repeats N] [--seed N] [--set key.path=value]... [-q]\n"
    "\n"
    "Placement-only mode for fragmentation studies: the scenario's jobs arrive one by one\n"
    "onto its (empty) cluster, are placed and never leave; a job that does not fit fails\n"
    "and the next arrives. Reports the GPU allocation ratio (allocated GPU capacity over\n"
    "the total) against the demand arrived so far (% of capacity), for each strategy.\n"
    "Writes allocation.csv, summary.json and charts/allocation.{svg,png} into DIR\n"
    "(default: out/NAME-place).\n"
    "\n"
    "  -o, --output DIR      where to write the outputs\n"
    "  --strategy S          first-fit, best-fit or fgd (fragmentation gradient descent);\n"
    "                        repeat for several; default: all three\n"
    "  --shuffle             shuffle the jobs with the seed instead of the trace's order\n"
    "  --until X             after the trace, draw jobs from it again (with replacement)\n"
    "                        until arrived demand reaches X times the capacity (e.g. 1.3)\n"
    "  --repeats N           run seeds SEED .. SEED+N-1 and average the curves (default 1)\n"
    "  --seed N              override the scenario's seed\n"
    "  --set key.path=value  override a scenario value (as for run)\n"
    "  -q, --quiet           print nothing on success\n";

typedef struct opts {
    const char *scenario, *out;
    const char *overrides[MAX_OVERRIDES + 1];
    size_t n_overrides;
    aidc_share_strategy strategies[MAX_STRATEGIES];
    size_t n_strategies;
    bool shuffle, quiet;
    double until;
    long repeats;
    int64_t seed;
} opts;

/* One strategy's results, summed over repeats. */
typedef struct result {
    double curve[MAX_PCT + 1]; /* sum over repeats of the ratio at each arrived % */
    unsigned reached[MAX_PCT + 1];
    double final_ratio, final_arrived;
    double arrived, placed, failed;
} result;

static int usage_error(const char *msg, const char *arg)
{
    fprintf(stderr, "aidcsim place: %s%s%s%s\n\n%s", msg, arg ? " \"" : "", arg ? arg : "",
            arg ? "\"" : "", aidc_place_usage);
    return 2;
}

static int parse_args(int argc, char **argv, opts *o)
{
    memset(o, 0, sizeof *o);
    o->seed = -1;
    o->repeats = 1;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(aidc_place_usage, stdout);
            return 1;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (!has_next) return usage_error("missing directory after", a);
            o->out = argv[++i];
        } else if (strcmp(a, "--strategy") == 0) {
            if (!has_next) return usage_error("missing strategy after", a);
            int s = aidc_share_strategy_parse(argv[++i]);
            if (s < 0) return usage_error("unknown strategy (first-fit, best-fit, fgd):", argv[i]);
            for (size_t k = 0; k < o->n_strategies; k++)
                if (o->strategies[k] == (aidc_share_strategy)s)
                    return usage_error("strategy given twice:", argv[i]);
            o->strategies[o->n_strategies++] = (aidc_share_strategy)s;
        } else if (strcmp(a, "--shuffle") == 0) {
            o->shuffle = true;
        } else if (strcmp(a, "--until") == 0) {
            if (!has_next) return usage_error("missing multiple after", a);
            char *end;
            errno = 0;
            o->until = strtod(argv[++i], &end);
            if (*end || errno || !(o->until > 0) || o->until > MAX_PCT / 100.0)
                return usage_error("--until expects a multiple of capacity above 0 and at most 10, "
                                   "found",
                                   argv[i]);
        } else if (strcmp(a, "--repeats") == 0) {
            if (!has_next) return usage_error("missing count after", a);
            char *end;
            errno = 0;
            o->repeats = strtol(argv[++i], &end, 10);
            if (*end || errno || o->repeats < 1 || o->repeats > 1000)
                return usage_error("--repeats expects an integer from 1 to 1000, found", argv[i]);
        } else if (strcmp(a, "--seed") == 0) {
            if (!has_next) return usage_error("missing seed after", a);
            char *end;
            errno = 0;
            long long v = strtoll(argv[++i], &end, 10);
            if (*end || errno || v < 0) return usage_error("--seed expects an integer >= 0, found", argv[i]);
            o->seed = v;
        } else if (strcmp(a, "--set") == 0) {
            if (!has_next) return usage_error("missing key.path=value after", a);
            if (o->n_overrides == MAX_OVERRIDES) return usage_error("too many --set options", NULL);
            o->overrides[o->n_overrides++] = argv[++i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = true;
        } else if (a[0] == '-') {
            return usage_error("unknown option", a);
        } else if (!o->scenario) {
            o->scenario = a;
        } else {
            return usage_error("one scenario only; unexpected", a);
        }
    }
    if (!o->scenario) return usage_error("missing SCENARIO", NULL);
    if (o->n_strategies == 0) {
        o->strategies[0] = AIDC_SHARE_FIRST_FIT;
        o->strategies[1] = AIDC_SHARE_BEST_FIT;
        o->strategies[2] = AIDC_SHARE_FGD;
        o->n_strategies = 3;
    }
    return 0;
}

/* The scenario's cluster, empty, with GPU types indexed as the workload's. */
static int build_cluster(const aidc_scenario *sc, aidc_workload *w, aidc_cluster *c, char *err,
                         size_t errlen)
{
    size_t np = sc->cluster.n_pools ? sc->cluster.n_pools : 1;
    aidc_node_shape shapes[np];
    int64_t counts[np];
    int32_t npr[np];
    for (size_t p = 0; p < np; p++) {
        const char *gpu = sc->cluster.n_pools ? sc->cluster.pools[p].gpu : sc->cluster.gpu;
        int32_t gpn = sc->cluster.n_pools ? sc->cluster.pools[p].gpus_per_node : sc->cluster.gpus_per_node;
        shapes[p] = (aidc_node_shape){
            gpn,
            sc->cluster.n_pools ? sc->cluster.pools[p].cpus_per_node : sc->cluster.cpus_per_node,
            sc->cluster.n_pools ? sc->cluster.pools[p].mem_gib_per_node : sc->cluster.mem_gib_per_node,
            aidc_workload_gpu_type(w, gpu), 1};
        counts[p] = sc->cluster.n_pools ? sc->cluster.pools[p].nodes : sc->cluster.nodes;
        npr[p] = sc->cluster.n_pools ? sc->cluster.pools[p].nodes_per_rack : sc->cluster.nodes_per_rack;
        if (shapes[p].gpu_type < 0) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    if (aidc_cluster_init_pools(c, shapes, counts, npr, np)) {
        snprintf(err, errlen, "%s: cluster: out of memory for %lld nodes", sc->path,
                 (long long)sc->cluster.nodes);
        return -1;
    }
    return 0;
}

static aidc_sched_job job_view(const aidc_workload *w, size_t i)
{
    const aidc_job_spec *js = &w->jobs[i];
    return (aidc_sched_job){
        .id = i,
        .name = aidc_workload_str(w, js->id_str),
        .gpus = js->gpus,
        .cpus = js->cpus,
        .mem_gib = js->mem_gib,
        .gpu_type = js->gpu_type,
        .gpu_milli = js->gpu_milli > 0 && js->gpu_milli < 1000 ? js->gpu_milli : 1000,
        .shared_gpu = -1,
        .gpu_type_mask = js->gpu_type_mask,
    };
}

/* The arrival sequence for one repeat: trace order or a shuffle, then draws with
 * replacement until `until` x capacity has arrived. *seq is malloc'd. */
static int make_sequence(const opts *o, uint64_t seed, const aidc_workload *w, int64_t cap_milli,
                         uint32_t **seq, size_t *n_seq, char *err, size_t errlen)
{
    size_t cap = w->n + 16, n = 0;
    uint32_t *s = malloc(cap * sizeof *s);
    if (!s) goto oom;
    for (size_t i = 0; i < w->n; i++) s[n++] = (uint32_t)i;
    if (o->shuffle && w->n > 1) {
        gsl_rng *r = aidc_rng_stream(seed, "place.order");
        if (!r) goto oom;
        for (size_t i = w->n - 1; i > 0; i--) { /* Fisher-Yates */
            size_t j = (size_t)gsl_rng_uniform_int(r, (unsigned long)(i + 1));
            uint32_t t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        gsl_rng_free(r);
    }
    if (o->until > 0 && w->n > 0) {
        int64_t arrived = 0, target = (int64_t)ceil(o->until * (double)cap_milli);
        for (size_t i = 0; i < n; i++) arrived += (int64_t)w->jobs[s[i]].gpus * job_view(w, s[i]).gpu_milli;
        gsl_rng *r = arrived < target ? aidc_rng_stream(seed, "place.resample") : NULL;
        if (arrived < target && !r) goto oom;
        while (arrived < target) {
            if (n == cap) {
                cap *= 2;
                uint32_t *t = realloc(s, cap * sizeof *t);
                if (!t) {
                    gsl_rng_free(r);
                    goto oom;
                }
                s = t;
            }
            uint32_t k = (uint32_t)gsl_rng_uniform_int(r, (unsigned long)w->n);
            s[n++] = k;
            arrived += (int64_t)w->jobs[k].gpus * job_view(w, k).gpu_milli;
        }
        if (r) gsl_rng_free(r);
    }
    *seq = s;
    *n_seq = n;
    return 0;
oom:
    free(s);
    snprintf(err, errlen, "out of memory for the arrival sequence");
    return -1;
}

/* Places the sequence with one strategy on a fresh copy of the cluster. */
static int run_one(const aidc_scenario *sc, aidc_workload *w, aidc_share_strategy st,
                   const aidc_frag_model *model, const uint32_t *seq, size_t n_seq, result *res,
                   char *err, size_t errlen)
{
    aidc_cluster c;
    if (build_cluster(sc, w, &c, err, errlen)) return -1;
    aidc_sched_alloc *alloc = malloc(c.n_nodes * sizeof *alloc);
    aidc_frag_cache cache;
    aidc_frag_cache_init(&cache);
    if (!alloc) {
        aidc_cluster_fini(&c);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int64_t cap = c.total_gpus * 1000, arrived = 0;
    size_t next_pct = 0, placed = 0, failed = 0;
    for (size_t k = 0; k < n_seq; k++) {
        aidc_sched_job job = job_view(w, seq[k]);
        arrived += (int64_t)job.gpus * job.gpu_milli;
        aidc_sched_share sh;
        size_t n_out = 0;
        int r = aidc_place_shared(c.nodes, c.n_nodes, &job, st, model, &cache, &sh, alloc,
                                  c.n_nodes, &n_out);
        if (r == 1) aidc_cluster_take_share(&c, &sh);
        else if (r == 2) aidc_cluster_take(&c, (int32_t)seq[k], alloc, n_out);
        if (r) placed++;
        else failed++;
        double ratio = 100.0 * (double)c.busy_milli / (double)cap;
        while (next_pct <= MAX_PCT && (double)arrived * 100.0 >= (double)next_pct * (double)cap) {
            res->curve[next_pct] += ratio;
            res->reached[next_pct]++;
            next_pct++;
        }
    }
    res->final_ratio += 100.0 * (double)c.busy_milli / (double)cap;
    res->final_arrived += 100.0 * (double)arrived / (double)cap;
    res->arrived += (double)n_seq;
    res->placed += (double)placed;
    res->failed += (double)failed;
    free(alloc);
    aidc_frag_cache_fini(&cache);
    aidc_cluster_fini(&c);
    return 0;
}

static double round4(double x) { return round(x * 1e4) / 1e4; }

/* The ratio at arrived % p when every repeat reached it; NAN otherwise. */
static double at_pct(const result *r, size_t p, long repeats)
{
    return r->reached[p] == (unsigned)repeats ? r->curve[p] / (double)repeats : NAN;
}

static int write_outputs(const opts *o, const aidc_scenario *sc, const aidc_workload *w,
                         const aidc_cluster *shape, const result *res, const char *dir, char *err,
                         size_t errlen)
{
    char path[4400];
    size_t last = 0; /* the highest % every strategy reached in every repeat */
    for (size_t p = 0; p <= MAX_PCT; p++) {
        bool all = true;
        for (size_t s = 0; s < o->n_strategies; s++) all = all && !isnan(at_pct(&res[s], p, o->repeats));
        if (all) last = p;
    }
    snprintf(path, sizeof path, "%s/allocation.csv", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    fputs("arrived_pct", f);
    for (size_t s = 0; s < o->n_strategies; s++) fprintf(f, ",%s", aidc_share_strategy_name(o->strategies[s]));
    fputc('\n', f);
    for (size_t p = 0; p <= last; p++) {
        fprintf(f, "%zu", p);
        for (size_t s = 0; s < o->n_strategies; s++) fprintf(f, ",%.4f", at_pct(&res[s], p, o->repeats));
        fputc('\n', f);
    }
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    /* summary.json */
    cJSON *root = cJSON_CreateObject(), *st = NULL;
    cJSON_AddNumberToObject(root, "format", 1);
    cJSON_AddStringToObject(root, "mode", "place");
    cJSON_AddStringToObject(root, "scenario", sc->name);
    cJSON_AddNumberToObject(root, "seed", (double)sc->seed);
    cJSON_AddNumberToObject(root, "repeats", (double)o->repeats);
    cJSON_AddBoolToObject(root, "shuffle", o->shuffle);
    if (o->until > 0) cJSON_AddNumberToObject(root, "until", o->until);
    else cJSON_AddNullToObject(root, "until");
    cJSON *cl = cJSON_AddObjectToObject(root, "cluster");
    cJSON_AddNumberToObject(cl, "nodes", (double)shape->n_nodes);
    cJSON_AddNumberToObject(cl, "gpus", (double)shape->total_gpus);
    cJSON_AddNumberToObject(root, "trace_jobs", (double)w->n);
    st = cJSON_AddObjectToObject(root, "strategies");
    for (size_t s = 0; s < o->n_strategies; s++) {
        const result *r = &res[s];
        cJSON *e = cJSON_AddObjectToObject(st, aidc_share_strategy_name(o->strategies[s]));
        static const size_t points[] = {100, 130};
        static const char *const keys[] = {"alloc_pct_at_100", "alloc_pct_at_130"};
        for (int k = 0; k < 2; k++) {
            double v = at_pct(r, points[k], o->repeats);
            if (isnan(v)) cJSON_AddNullToObject(e, keys[k]);
            else cJSON_AddNumberToObject(e, keys[k], round4(v));
        }
        double reps = (double)o->repeats;
        cJSON_AddNumberToObject(e, "final_arrived_pct", round4(r->final_arrived / reps));
        cJSON_AddNumberToObject(e, "final_alloc_pct", round4(r->final_ratio / reps));
        cJSON_AddNumberToObject(e, "jobs_arrived", round4(r->arrived / reps));
        cJSON_AddNumberToObject(e, "jobs_placed", round4(r->placed / reps));
        cJSON_AddNumberToObject(e, "jobs_failed", round4(r->failed / reps));
    }
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    snprintf(path, sizeof path, "%s/summary.json", dir);
    f = text ? fopen(path, "w") : NULL;
    if (!f || fputs(text, f) < 0 || fputc('\n', f) == EOF) {
        if (f) fclose(f);
        free(text);
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    free(text);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "%s: cannot write", path);
        return -1;
    }
    /* the chart */
    snprintf(path, sizeof path, "%s/charts", dir);
    if (mkdir(path, 0777) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
        return -1;
    }
    size_t np = last + 1;
    double *x = malloc(np * sizeof *x), *y = malloc(MAX_STRATEGIES * np * sizeof *y);
    if (!x || !y) {
        free(x);
        free(y);
        snprintf(err, errlen, "out of memory drawing the chart");
        return -1;
    }
    char title[600];
    snprintf(title, sizeof title, "GPU allocation as demand arrives: %s (%lld GPUs)", sc->name,
             (long long)shape->total_gpus);
    const char *names[MAX_STRATEGIES];
    int colour[MAX_STRATEGIES];
    for (size_t p = 0; p < np; p++) x[p] = (double)p;
    for (size_t s = 0; s < o->n_strategies; s++) {
        for (size_t p = 0; p < np; p++) y[s * np + p] = at_pct(&res[s], p, o->repeats);
        names[s] = aidc_share_strategy_name(o->strategies[s]);
        colour[s] = (int)o->strategies[s];
    }
    int rc = aidc_place_chart(dir, title, names, colour, o->n_strategies, x, y, np, err, errlen);
    free(x);
    free(y);
    return rc;
}

int aidc_cmd_place(int argc, char **argv)
{
    opts o;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc == 1 ? 0 : rc;
    char err[ERR_LEN] = "";
    aidc_scenario sc;
    o.overrides[o.n_overrides] = NULL;
    if (aidc_scenario_load(&sc, o.scenario, o.overrides, o.seed, err, sizeof err)) {
        fprintf(stderr, "aidcsim: %s\n", err);
        return 2;
    }
    aidc_workload w;
    aidc_workload_init(&w);
    aidc_cluster shape = {0};
    aidc_frag_model model;
    aidc_frag_model_init(&model);
    result *res = calloc(MAX_STRATEGIES, sizeof *res);
    uint32_t *seq = NULL;
    char tmp[4400] = "", dir[4200];
    rc = 2;
    if (!res) {
        snprintf(err, sizeof err, "out of memory");
        rc = 3;
        goto out;
    }
    if (aidc_sim_load_workload(&sc, &w, err, sizeof err)) goto out;
    if (w.n == 0) {
        snprintf(err, sizeof err, "%s: the workload has no jobs to place", sc.path);
        goto out;
    }
    rc = 3;
    if (build_cluster(&sc, &w, &shape, err, sizeof err)) goto out;
    for (size_t i = 0; i < w.n; i++) {
        aidc_sched_job j = job_view(&w, i);
        if (aidc_frag_model_add(&model, &j, 1)) {
            snprintf(err, sizeof err, "out of memory");
            goto out;
        }
    }
    for (long r = 0; r < o.repeats; r++) {
        size_t n_seq;
        if (make_sequence(&o, sc.seed + (uint64_t)r, &w, shape.total_gpus * 1000, &seq, &n_seq, err,
                          sizeof err))
            goto out;
        for (size_t s = 0; s < o.n_strategies; s++)
            if (run_one(&sc, &w, o.strategies[s], &model, seq, n_seq, &res[s], err, sizeof err))
                goto out;
        free(seq);
        seq = NULL;
    }
    if (o.out) snprintf(dir, sizeof dir, "%s", o.out);
    else snprintf(dir, sizeof dir, "out/%s-place", sc.name);
    if (!o.out && mkdir("out", 0777) != 0 && errno != EEXIST) {
        snprintf(err, sizeof err, "out: cannot create: %s", strerror(errno));
        rc = 2;
        goto out;
    }
    if (aidc_outdir_begin(dir, tmp, sizeof tmp, err, sizeof err)) {
        tmp[0] = '\0';
        rc = 2;
        goto out;
    }
    if (write_outputs(&o, &sc, &w, &shape, res, tmp, err, sizeof err) ||
        aidc_outdir_commit(tmp, dir, err, sizeof err)) {
        aidc_outdir_abort(tmp);
        rc = 2;
        goto out;
    }
    if (!o.quiet) {
        printf("%s: %zu jobs on %zu nodes, %lld GPUs (%ld repeat%s%s%s)\n", sc.name, w.n,
               shape.n_nodes, (long long)shape.total_gpus, o.repeats, o.repeats > 1 ? "s" : "",
               o.shuffle ? ", shuffled" : "", o.until > 0 ? ", resampled" : "");
        printf("  %-10s %8s %8s %10s %8s %8s\n", "strategy", "at 100%", "at 130%", "arrived %",
               "final %", "failed");
        for (size_t s = 0; s < o.n_strategies; s++) {
            const result *r = &res[s];
            double a = at_pct(r, 100, o.repeats), b = at_pct(r, 130, o.repeats);
            char as[16] = "-", bs[16] = "-";
            if (!isnan(a)) snprintf(as, sizeof as, "%.2f", a);
            if (!isnan(b)) snprintf(bs, sizeof bs, "%.2f", b);
            printf("  %-10s %8s %8s %10.2f %8.2f %8.0f\n", aidc_share_strategy_name(o.strategies[s]),
                   as, bs, r->final_arrived / (double)o.repeats, r->final_ratio / (double)o.repeats,
                   r->failed / (double)o.repeats);
        }
        printf("wrote %s\n", dir);
    }
    rc = 0;
out:
    if (rc) fprintf(stderr, "aidcsim: %s\n", err);
    free(seq);
    free(res);
    aidc_frag_model_fini(&model);
    if (shape.nodes) aidc_cluster_fini(&shape);
    aidc_workload_fini(&w);
    aidc_scenario_fini(&sc);
    return rc;
}
