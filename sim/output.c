/* output — output directory handling and writers; see output.h. */
#define _GNU_SOURCE /* renameat2, RENAME_EXCHANGE; implies _XOPEN_SOURCE 700 */
#include "sim/output.h"
#include "sim/services.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <errno.h>
#include <ftw.h>
#include <pthread.h>
#include <gsl/gsl_sort.h>
#include <math.h>
#include <gsl/gsl_statistics_double.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- the directory ------------------------------------------------------ */

/* Removes DIR.tmp-PID and DIR.old-PID siblings left by runs that were killed (kill -9, power
 * loss): those whose PID is no longer a live process. A sibling of a run still going (same
 * output directory, another process) is left alone. */
static void remove_stale_siblings(const char *final_dir, size_t len)
{
    char parent[4096], base[1024];
    const char *slash = memrchr(final_dir, '/', len);
    if (slash) {
        snprintf(parent, sizeof parent, "%.*s", (int)(slash == final_dir ? 1 : slash - final_dir), final_dir);
        snprintf(base, sizeof base, "%.*s", (int)(final_dir + len - slash - 1), slash + 1);
    } else {
        snprintf(parent, sizeof parent, ".");
        snprintf(base, sizeof base, "%.*s", (int)len, final_dir);
    }
    size_t blen = strlen(base);
    DIR *d = opendir(parent);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *name = e->d_name;
        if (strncmp(name, base, blen) != 0) continue;
        const char *rest = name + blen;
        if (strncmp(rest, ".tmp-", 5) != 0 && strncmp(rest, ".old-", 5) != 0) continue;
        char *end;
        errno = 0;
        long pid = strtol(rest + 5, &end, 10);
        if (end == rest + 5 || *end != '\0' || errno || pid <= 0) continue;
        if (pid != (long)getpid() && (kill((pid_t)pid, 0) == 0 || errno != ESRCH)) continue;
        char path[8192];
        snprintf(path, sizeof path, "%s/%s", parent, name);
        aidc_outdir_abort(path);
    }
    closedir(d);
}

int aidc_outdir_begin(const char *final_dir, char *tmp, size_t n, char *err, size_t errlen)
{
    size_t len = strlen(final_dir);
    while (len > 1 && final_dir[len - 1] == '/') len--;
    snprintf(tmp, n, "%.*s.tmp-%ld", (int)len, final_dir, (long)getpid());
    aidc_outdir_abort(tmp); /* a leftover from a killed run with the same pid */
    remove_stale_siblings(final_dir, len);
    /* the parent must exist: create it (one level of `out/`) when missing */
    char parent[4096];
    snprintf(parent, sizeof parent, "%.*s", (int)len, final_dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
        *slash = '\0';
        struct stat st;
        if (stat(parent, &st) != 0 && mkdir(parent, 0777) != 0) {
            snprintf(err, errlen, "%s: cannot create: %s", parent, strerror(errno));
            return -1;
        }
    }
    if (mkdir(tmp, 0777) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        return -1;
    }
    return 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void aidc_outdir_abort(const char *tmp) { nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS); }

int aidc_outdir_commit(const char *tmp, const char *final_dir, char *err, size_t errlen)
{
    struct stat st;
    char old[4200];
    old[0] = '\0';
    if (lstat(final_dir, &st) == 0) {
        if (!S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "%s: exists and is not a directory", final_dir);
            return -1;
        }
        /* one atomic step: the new directory takes the old one's place and the old one moves
         * to tmp, so final_dir is never missing, even for an instant */
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, final_dir, RENAME_EXCHANGE) == 0) {
            aidc_outdir_abort(tmp);
            return 0;
        }
        if (errno != EINVAL && errno != ENOSYS) {
            snprintf(err, errlen, "%s: cannot replace: %s", final_dir, strerror(errno));
            return -1;
        }
        /* a file system without the exchange: two renames, final_dir briefly absent */
        snprintf(old, sizeof old, "%s.old-%ld", final_dir, (long)getpid());
        aidc_outdir_abort(old);
        if (rename(final_dir, old) != 0) {
            snprintf(err, errlen, "%s: cannot replace: %s", final_dir, strerror(errno));
            return -1;
        }
    }
    if (rename(tmp, final_dir) != 0) {
        snprintf(err, errlen, "%s: cannot create: %s", final_dir, strerror(errno));
        if (old[0]) rename(old, final_dir);
        return -1;
    }
    if (old[0]) aidc_outdir_abort(old);
    return 0;
}

/* ---- statistics --------------------------------------------------------- */

typedef struct stats {
    size_t n;
    double mean, p50, p95, p99, max;
} stats;

/* Sorts v in place. Quantiles interpolate linearly between order statistics
 * (GSL's definition); an empty sample gives zeros and n = 0. */
static stats summarize(double *v, size_t n)
{
    stats s = {0};
    s.n = n;
    if (n == 0) return s;
    gsl_sort(v, 1, n);
    s.mean = gsl_stats_mean(v, 1, n);
    s.p50 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.50);
    s.p95 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.95);
    s.p99 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99);
    s.max = v[n - 1];
    return s;
}

/* Bounded slowdown threshold: jobs shorter than this count as this long, so
 * a 1-second job that waited a minute does not dominate the mean. */
#define SLOWDOWN_TAU_S 10.0

typedef struct results {
    stats wait, jct, slowdown;
    stats net_slowdown; /* completed multi-node jobs: run time / trace duration */
    size_t cross_leaf_jobs;
    size_t started, running_at_end, queued_at_end;
    double makespan_s, duration_s, utilization, mean_queue;
    double gpu_hours_delivered;
} results;

static int compute(const aidc_sim *s, results *r)
{
    memset(r, 0, sizeof *r);
    double *wait = malloc((s->n_jobs + 1) * sizeof *wait);
    double *jct = malloc((s->n_jobs + 1) * sizeof *jct);
    double *sd = malloc((s->n_jobs + 1) * sizeof *sd);
    if (!wait || !jct || !sd) {
        free(wait);
        free(jct);
        free(sd);
        return -1;
    }
    double *ns = malloc((s->n_jobs + 1) * sizeof *ns);
    if (!ns) {
        free(wait);
        free(jct);
        free(sd);
        return -1;
    }
    size_t nw = 0, nj = 0, nn = 0;
    int64_t first_submit = -1, last_end = 0;
    for (size_t i = 0; i < s->n_jobs; i++) {
        const aidc_job_rt *j = &s->jobs[i];
        const aidc_job_spec *js = &s->workload.jobs[i];
        if (j->state == AIDC_JOB_PENDING) r->queued_at_end++;
        if (j->state == AIDC_JOB_RUNNING) r->running_at_end++;
        if (j->first_start_ns < 0) continue;
        if (first_submit < 0) first_submit = js->submit_ns;
        r->started++;
        wait[nw++] = (double)(j->first_start_ns - js->submit_ns) / 1e9;
        if (j->state == AIDC_JOB_DONE) {
            double t = (double)(j->end_ns - js->submit_ns) / 1e9;
            double run = (double)js->duration_ns / 1e9;
            jct[nj] = t;
            sd[nj] = t / (run > SLOWDOWN_TAU_S ? run : SLOWDOWN_TAU_S);
            if (sd[nj] < 1) sd[nj] = 1;
            nj++;
            if (j->end_ns > last_end) last_end = j->end_ns;
            if (s->has_fabric && j->n_alloc > 1 && js->duration_ns > 0 && !j->view.preemptions)
                ns[nn++] = (double)(j->end_ns - j->view.start_ns) / (double)js->duration_ns;
        }
        if (s->has_fabric && s->fabric.jobs[i].loc.leaves > 1) r->cross_leaf_jobs++;
    }
    r->wait = summarize(wait, nw);
    r->jct = summarize(jct, nj);
    r->slowdown = summarize(sd, nj);
    r->net_slowdown = summarize(ns, nn);
    free(ns);
    free(wait);
    free(jct);
    free(sd);
    r->makespan_s = first_submit >= 0 && nj ? (double)(last_end - first_submit) / 1e9 : 0;
    r->duration_s = (double)s->end_ns / 1e9;
    double denom = (double)s->cluster.total_gpus * (double)s->end_ns;
    r->utilization = denom > 0 ? s->busy_gpu_ns / denom : 0;
    r->mean_queue = s->end_ns > 0 ? s->queued_job_ns / (double)s->end_ns : 0;
    r->gpu_hours_delivered = s->busy_gpu_ns / 3.6e12;
    return 0;
}

/* ---- writers ------------------------------------------------------------ */

/* One jobs.csv row: job i. */
static void write_job_row(const aidc_sim *s, size_t i, FILE *f)
{
    static const char *const state_names[] = {"future", "queued", "running", "done", "skipped"};
    const aidc_job_rt *j = &s->jobs[i];
    const aidc_job_spec *js = &s->workload.jobs[i];
    double submit = (double)js->submit_ns / 1e9;
    /* ids are written as given; quote them when CSV requires it */
    const char *id = j->view.name;
    if (strpbrk(id, ",\"\r\n")) {
        fputc('"', f);
        for (const char *c = id; *c; c++) {
            if (*c == '"') fputc('"', f);
            fputc(*c, f);
        }
        fputc('"', f);
    } else {
        fputs(id, f);
    }
    fprintf(f, ",%.9g,", submit);
    bool started = j->first_start_ns >= 0;
    if (started) fprintf(f, "%.9g", (double)j->first_start_ns / 1e9);
    fputc(',', f);
    if (j->state == AIDC_JOB_DONE) fprintf(f, "%.9g", (double)j->end_ns / 1e9);
    fputc(',', f);
    if (started) fprintf(f, "%.9g", (double)(j->first_start_ns - js->submit_ns) / 1e9);
    fputc(',', f);
    if (j->state == AIDC_JOB_DONE) fprintf(f, "%.9g", (double)(j->end_ns - js->submit_ns) / 1e9);
    fprintf(f, ",%.9g,%d,%d,%s,%s,%s,", (double)js->duration_ns / 1e9, js->gpus,
            j->state == AIDC_JOB_RUNNING || j->state == AIDC_JOB_DONE ? j->n_alloc : 0,
            aidc_workload_str(&s->workload, s->workload.tenants[js->tenant]),
            aidc_job_kind_name(js->kind), state_names[j->state]);
    /* leaf groups spanned, and run time over trace duration (finished jobs) */
    if (started && s->has_fabric) fprintf(f, "%d", s->fabric.jobs[i].loc.leaves > 0 ? s->fabric.jobs[i].loc.leaves : 1);
    fputc(',', f);
    if (j->state == AIDC_JOB_DONE && js->duration_ns > 0 && !j->view.preemptions)
        fprintf(f, "%.6f", (double)(j->end_ns - j->view.start_ns) / (double)js->duration_ns);
    fprintf(f, ",%d", j->view.preemptions);
    /* failures: GPU-hours lost and spent checkpointing; ETTR = productive
     * over all work done on GPUs (empty before the job first starts) */
    aidc_job_fail_stats fs;
    aidc_sim_job_fail_stats(s, (uint32_t)i, &fs);
    double all = fs.productive_ns + fs.lost_ns + fs.ckpt_ns;
    fprintf(f, ",%d,%.6f,%.6f,", fs.interruptions, fs.lost_ns * js->gpus / 3.6e12,
            fs.ckpt_ns * js->gpus / 3.6e12);
    if (started) fprintf(f, "%.6f", all > 0 ? fs.productive_ns / all : 1.0);
    fputc('\n', f);
}

/* Rows [from, to) formatted into memory (number formatting is most of the
 * output time at a million jobs: two blocks are formatted at once). */
typedef struct row_block {
    const aidc_sim *s;
    size_t from, to;
    char *buf;
    size_t len;
    int rc;
} row_block;

static void *format_rows(void *arg)
{
    row_block *b = arg;
    FILE *m = open_memstream(&b->buf, &b->len);
    if (!m) {
        b->rc = -1;
        return NULL;
    }
    for (size_t i = b->from; i < b->to; i++) write_job_row(b->s, i, m);
    b->rc = fclose(m) != 0 ? -1 : 0;
    return NULL;
}

static int write_jobs_csv(const aidc_sim *s, const char *path, char *err, size_t errlen)
{
    enum { BLOCK = 65536 };
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    fputs("id,submit_s,start_s,end_s,wait_s,jct_s,duration_s,gpus,nodes,tenant,kind,state,"
          "leaves,comm_slowdown,preemptions,interruptions,lost_gpu_hours,checkpoint_gpu_hours,"
          "ettr\n", f);
    bool oom = false;
    for (size_t from = 0; from < s->n_jobs && !oom; from += 2 * BLOCK) {
        size_t mid = from + BLOCK < s->n_jobs ? from + BLOCK : s->n_jobs;
        size_t to = mid + BLOCK < s->n_jobs ? mid + BLOCK : s->n_jobs;
        row_block b[2] = {{s, from, mid, NULL, 0, 0}, {s, mid, to, NULL, 0, 0}};
        pthread_t helper;
        bool threaded = mid < to && pthread_create(&helper, NULL, format_rows, &b[1]) == 0;
        format_rows(&b[0]);
        if (threaded) pthread_join(helper, NULL);
        else if (mid < to) format_rows(&b[1]);
        for (int k = 0; k < 2; k++) {
            if (b[k].rc) oom = true;
            else if (b[k].len) fwrite(b[k].buf, 1, b[k].len, f);
            free(b[k].buf);
        }
    }
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad || oom) {
        snprintf(err, errlen, "%s: write failed: %s", path, oom ? "out of memory" : strerror(errno));
        return -1;
    }
    return 0;
}

static cJSON *stats_json(const stats *st, bool quantiles)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)st->n);
    cJSON_AddNumberToObject(o, "mean", st->mean);
    if (quantiles) {
        cJSON_AddNumberToObject(o, "p50", st->p50);
        cJSON_AddNumberToObject(o, "p95", st->p95);
        cJSON_AddNumberToObject(o, "p99", st->p99);
        cJSON_AddNumberToObject(o, "max", st->max);
    }
    return o;
}

/* The scenario's inputs a reader of the results needs to interpret them
 * (the report's "Scenario" table, the limits drawn on the power chart);
 * limits that are not set are left out. */
static void add_limit(cJSON *o, const char *key, double w, double div)
{
    if (isfinite(w) && w > 0) cJSON_AddNumberToObject(o, key, w / div);
}

static cJSON *inputs_json(const aidc_sim *s)
{
    const aidc_scenario *sc = s->sc;
    cJSON *in = cJSON_CreateObject();
    if (sc->horizon_ns >= 0) cJSON_AddNumberToObject(in, "horizon_s", (double)sc->horizon_ns / 1e9);
    cJSON_AddNumberToObject(in, "sample_interval_s", (double)sc->sample_ns / 1e9);
    cJSON_AddNumberToObject(in, "racks_interval_s", (double)aidc_sim_racks_every(sc) * (double)sc->sample_ns / 1e9);
    cJSON_AddStringToObject(in, "workload", sc->workload.synthetic ? "synthetic" : "trace");
    if (sc->workload.trace_path) {
        const char *base = strrchr(sc->workload.trace_path, '/');
        cJSON_AddStringToObject(in, "trace", base ? base + 1 : sc->workload.trace_path);
    }
    cJSON *pw = cJSON_AddObjectToObject(in, "power");
    add_limit(pw, "rack_budget_kw", sc->power.rack_budget_w, 1e3);
    add_limit(pw, "row_budget_kw", sc->power.row_budget_w, 1e3);
    add_limit(pw, "facility_it_cap_mw", sc->power.facility_it_cap_w, 1e6);
    add_limit(pw, "site_cap_mw", sc->power.site_cap_w, 1e6);
    cJSON_AddStringToObject(pw, "response", sc->power.cap_response ? "power_cap" : "refuse");
    /* written only when set, so runs without it keep their summary byte for byte */
    if (sc->power.cap_interval_ns > 0)
        cJSON_AddNumberToObject(pw, "cap_interval_s", (double)sc->power.cap_interval_ns / 1e9);
    cJSON *gr = cJSON_AddObjectToObject(in, "grid");
    add_limit(gr, "interconnect_mw", sc->grid.interconnect_w, 1e6);
    cJSON *dr = cJSON_AddArrayToObject(gr, "demand_response");
    for (size_t i = 0; i < sc->grid.n_dr; i++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "start_s", (double)sc->grid.dr[i].start_ns / 1e9);
        cJSON_AddNumberToObject(e, "end_s", (double)sc->grid.dr[i].end_ns / 1e9);
        cJSON_AddNumberToObject(e, "limit_mw", sc->grid.dr[i].limit_w / 1e6);
        cJSON_AddItemToArray(dr, e);
    }
    if (sc->cooling.enabled) {
        cJSON *co = cJSON_AddObjectToObject(in, "cooling");
        cJSON_AddStringToObject(co, "type", sc->cooling.plant.kind == AIDC_COOLING_LIQUID ? "liquid" : "air");
        add_limit(co, "capacity_kw", sc->cooling.plant.capacity_w, 1e3);
        if (sc->cooling.weather_path) {
            const char *base = strrchr(sc->cooling.weather_path, '/');
            cJSON_AddStringToObject(co, "weather", base ? base + 1 : sc->cooling.weather_path);
        }
    }
    if (s->has_fabric) cJSON_AddStringToObject(in, "fabric", aidc_topology_kind_name(s->topo.cfg.kind));
    return in;
}

/* The "failures" block: per class, failures and component-hours down
 * (repairs still open count up to the end); over jobs, interruptions, lost
 * and checkpoint GPU-hours, and ETTR (productive / all work on GPUs),
 * job-weighted over jobs that started and GPU-hour-weighted. */
static cJSON *failures_json(const aidc_sim *s)
{
    cJSON *o = cJSON_CreateObject();
    double down_s[AIDC_FAIL_CLASSES];
    for (int c = 0; c < AIDC_FAIL_CLASSES; c++) down_s[c] = s->fail_down_s[c];
    for (size_t k = 0; k < s->n_repair_slots; k++) {
        const aidc_fail_repair *rp = &s->repairs[k];
        if (rp->cls >= 0) down_s[rp->cls] += (double)(s->end_ns - rp->start_ns) / 1e9;
    }
    cJSON *cls = cJSON_AddObjectToObject(o, "classes");
    for (int c = 0; c < AIDC_FAIL_CLASSES; c++) {
        cJSON *e = cJSON_AddObjectToObject(cls, aidc_fail_class_name((aidc_fail_class)c));
        cJSON_AddNumberToObject(e, "rate_per_hour", s->sc->failures.cls[c].rate_per_hour);
        cJSON_AddNumberToObject(e, "components", (double)s->fail_components[c]);
        cJSON_AddNumberToObject(e, "count", (double)s->fail_count[c]);
        cJSON_AddNumberToObject(e, "expected", s->sc->failures.cls[c].rate_per_hour *
                                                   (double)s->fail_components[c] * (double)s->end_ns / 3.6e12);
        cJSON_AddNumberToObject(e, "stopped_jobs", (double)s->fail_hits[c]);
        cJSON_AddNumberToObject(e, "component_hours_down", down_s[c] / 3600);
    }
    double lost = 0, ckpt = 0, prod_gh = 0, all_gh = 0, ettr_sum = 0, elapsed_gh = 0;
    size_t n = 0;
    for (size_t i = 0; i < s->n_jobs; i++) {
        if (s->jobs[i].first_start_ns < 0) continue;
        aidc_job_fail_stats fs;
        aidc_sim_job_fail_stats(s, (uint32_t)i, &fs);
        double g = s->workload.jobs[i].gpus / 3.6e12;
        double all = fs.productive_ns + fs.lost_ns + fs.ckpt_ns;
        lost += fs.lost_ns * g;
        ckpt += fs.ckpt_ns * g;
        prod_gh += fs.productive_ns * g;
        all_gh += all * g;
        int64_t until = s->jobs[i].state == AIDC_JOB_DONE ? s->jobs[i].end_ns : s->end_ns;
        elapsed_gh += (double)(until - s->jobs[i].first_start_ns) * g;
        ettr_sum += all > 0 ? fs.productive_ns / all : 1;
        n++;
    }
    cJSON_AddNumberToObject(o, "interruptions", (double)s->fail_interruptions);
    cJSON_AddNumberToObject(o, "lost_gpu_hours", lost);
    cJSON_AddNumberToObject(o, "checkpoint_gpu_hours", ckpt);
    cJSON_AddNumberToObject(o, "productive_gpu_hours", prod_gh);
    cJSON_AddNumberToObject(o, "ettr_job_weighted", n ? ettr_sum / (double)n : 1);
    cJSON_AddNumberToObject(o, "ettr_gpu_hour_weighted", all_gh > 0 ? prod_gh / all_gh : 1);
    /* Kokolis et al.'s wall-clock view: also counts waiting for GPUs after
     * an interruption, and slowdowns (caps, network) */
    cJSON_AddNumberToObject(o, "ettr_elapsed_gpu_hour_weighted", elapsed_gh > 0 ? prod_gh / elapsed_gh : 1);
    cJSON_AddNumberToObject(o, "repairs_open_at_end", (double)s->repairs_pending);
    return o;
}

static cJSON *summary_json(const aidc_sim *s, const results *r)
{
    const aidc_scenario *sc = s->sc;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "format", AIDC_SUMMARY_FORMAT);
    cJSON_AddStringToObject(root, "aidcsim_version", AIDC_VERSION);
    cJSON_AddStringToObject(root, "scenario", sc->name);
    cJSON_AddNumberToObject(root, "seed", (double)sc->seed);
    cJSON_AddStringToObject(root, "policy", sc->policy.name);

    cJSON *cl = cJSON_AddObjectToObject(root, "cluster");
    if (sc->cluster.system[0]) cJSON_AddStringToObject(cl, "system", sc->cluster.system);
    cJSON_AddStringToObject(cl, "gpu", sc->cluster.gpu);
    cJSON_AddNumberToObject(cl, "nodes", (double)sc->cluster.nodes);
    cJSON_AddNumberToObject(cl, "racks", s->cluster.n_racks);
    cJSON_AddNumberToObject(cl, "gpus", (double)s->cluster.total_gpus);
    if (sc->cluster.n_pools) {
        /* heterogeneous: the pools in node order (sim/pools.h) */
        cJSON *pools = cJSON_AddArrayToObject(cl, "pools");
        for (size_t p = 0; p < sc->cluster.n_pools; p++) {
            const aidc_pool_spec *ps = &sc->cluster.pools[p];
            cJSON *e = cJSON_CreateObject();
            if (ps->system[0]) cJSON_AddStringToObject(e, "system", ps->system);
            cJSON_AddStringToObject(e, "gpu", ps->gpu);
            cJSON_AddNumberToObject(e, "nodes", (double)ps->nodes);
            cJSON_AddNumberToObject(e, "gpus_per_node", ps->gpus_per_node);
            cJSON_AddItemToArray(pools, e);
        }
    }
    cJSON_AddItemToObject(root, "inputs", inputs_json(s));

    cJSON *jobs = cJSON_AddObjectToObject(root, "jobs");
    cJSON_AddNumberToObject(jobs, "in_workload", (double)s->n_jobs);
    cJSON_AddNumberToObject(jobs, "submitted", (double)s->submitted);
    cJSON_AddNumberToObject(jobs, "started", (double)r->started);
    cJSON_AddNumberToObject(jobs, "completed", (double)s->completed);
    cJSON_AddNumberToObject(jobs, "running_at_end", (double)r->running_at_end);
    cJSON_AddNumberToObject(jobs, "queued_at_end", (double)r->queued_at_end);
    cJSON_AddNumberToObject(jobs, "skipped_unfit", (double)s->skipped);

    cJSON_AddItemToObject(root, "wait_s", stats_json(&r->wait, true));
    cJSON_AddItemToObject(root, "jct_s", stats_json(&r->jct, true));
    cJSON_AddItemToObject(root, "slowdown", stats_json(&r->slowdown, true));
    cJSON *util = cJSON_AddObjectToObject(root, "gpu_utilization");
    cJSON_AddNumberToObject(util, "mean", r->utilization);
    cJSON_AddNumberToObject(root, "gpu_hours_delivered", r->gpu_hours_delivered);
    cJSON_AddNumberToObject(root, "queue_length_mean", r->mean_queue);
    cJSON_AddNumberToObject(root, "makespan_s", r->makespan_s);
    cJSON_AddNumberToObject(root, "simulated_s", r->duration_s);
    cJSON_AddNumberToObject(root, "events", (double)s->events);
    cJSON *energy = cJSON_AddObjectToObject(root, "energy_mwh");
    cJSON_AddNumberToObject(energy, "it", s->e_it_j / 3.6e9);
    cJSON_AddNumberToObject(energy, "cooling", s->e_cooling_j / 3.6e9);
    cJSON_AddNumberToObject(energy, "losses", s->e_dist_loss_j / 3.6e9);
    cJSON_AddNumberToObject(energy, "misc", s->e_misc_j / 3.6e9);
    cJSON_AddNumberToObject(energy, "psu_losses_in_it", s->e_psu_loss_j / 3.6e9);
    cJSON_AddNumberToObject(energy, "facility", s->e_facility_j / 3.6e9);
    cJSON *pw = cJSON_AddObjectToObject(root, "power_mw");
    cJSON_AddNumberToObject(pw, "it_peak", s->peak_it_w / 1e6);
    cJSON_AddNumberToObject(pw, "facility_peak", s->peak_facility_w / 1e6);
    cJSON_AddNumberToObject(pw, "facility_mean",
                            s->end_ns > 0 ? s->e_facility_j / ((double)s->end_ns / 1e9) / 1e6 : 0);
    /* grid: the meter's 15-minute peak and ramps, demand response, swings */
    cJSON *grid = cJSON_AddObjectToObject(root, "grid");
    aidc_ramp_stats ramps;
    aidc_demand_meter_ramps(s->meter, &ramps);
    double up = ramps.up_1min_w_per_min > ramps.up_15min_w_per_min ? ramps.up_1min_w_per_min
                                                                   : ramps.up_15min_w_per_min;
    double down = ramps.down_1min_w_per_min > ramps.down_15min_w_per_min ? ramps.down_1min_w_per_min
                                                                         : ramps.down_15min_w_per_min;
    cJSON_AddNumberToObject(grid, "peak_15min_mw", aidc_demand_meter_peak_w(s->meter) / 1e6);
    cJSON_AddNumberToObject(grid, "max_ramp_mw_per_min", (up > down ? up : down) / 1e6);
    cJSON *ramp = cJSON_AddObjectToObject(grid, "ramp_mw_per_min");
    cJSON_AddNumberToObject(ramp, "up_1min", ramps.up_1min_w_per_min / 1e6);
    cJSON_AddNumberToObject(ramp, "down_1min", ramps.down_1min_w_per_min / 1e6);
    cJSON_AddNumberToObject(ramp, "up_15min", ramps.up_15min_w_per_min / 1e6);
    cJSON_AddNumberToObject(ramp, "down_15min", ramps.down_15min_w_per_min / 1e6);
    aidc_swing_cfg sw = s->sc->grid.swing;
    double mean_jobs = 0;
    for (size_t i = 0; i < s->n_swing_jobs; i++) {
        const aidc_swing_job *j = &s->swing_jobs[i];
        mean_jobs += j->compute_fraction * j->p_high_w + (1 - j->compute_fraction) * j->p_low_w;
    }
    sw.base_w = s->swing_peak_w > mean_jobs ? s->swing_peak_w - mean_jobs : 0;
    aidc_swing_result swr;
    char swing_err[256];
    if (aidc_swing_analyze(&sw, s->swing_jobs, s->n_swing_jobs, &swr, swing_err, sizeof swing_err) == 0) {
        cJSON_AddNumberToObject(grid, "swing_mw", swr.swing_w / 1e6);
        cJSON_AddNumberToObject(grid, "swing_hz", swr.dominant_hz);
        cJSON_AddNumberToObject(grid, "swing_band_fraction", swr.band_fraction);
        cJSON_AddNumberToObject(grid, "swing_floor_waste_mw", swr.floor_waste_w / 1e6);
        cJSON_AddBoolToObject(grid, "swing_breach", aidc_swing_breach(&swr, &s->sc->grid.swing_limits));
    }
    cJSON_AddBoolToObject(grid, "demand_response_met", s->dr_met);
    cJSON_AddNumberToObject(grid, "preemptions", (double)s->preemptions);
    cJSON_AddNumberToObject(grid, "power_refusals", (double)s->power_refusals);
    cJSON_AddNumberToObject(root, "carbon_t", s->carbon_g / 1e6);
    /* cost */
    double peaks[AIDC_DEMAND_MAX_MONTHS];
    size_t months = aidc_demand_meter_monthly_peaks(s->meter, peaks, AIDC_DEMAND_MAX_MONTHS);
    double months_in_run = (double)s->end_ns / 1e9 / (30 * 86400.0);
    if ((double)months > ceil(months_in_run)) months = (size_t)ceil(months_in_run);
    const aidc_system_model *sys = sc->cluster.system[0] ? aidc_catalog_system(&sc->catalog, sc->cluster.system) : NULL;
    const aidc_gpu_model *gm = aidc_catalog_gpu(&sc->catalog, sc->cluster.gpu);
    double price = sys && sys->price_usd > 0 ? sys->price_usd * (double)sc->cluster.nodes
                                             : (gm ? gm->price_usd : 0) * (double)s->cluster.total_gpus;
    if (sc->cluster.n_pools) {
        /* pools: each at its own system's price, else its GPUs' */
        price = 0;
        for (size_t p = 0; p < sc->cluster.n_pools; p++) {
            const aidc_pool_spec *ps = &sc->cluster.pools[p];
            const aidc_system_model *psys = ps->system[0] ? aidc_catalog_system(&sc->catalog, ps->system) : NULL;
            const aidc_gpu_model *pg = aidc_catalog_gpu(&sc->catalog, ps->gpu);
            price += psys && psys->price_usd > 0 ? psys->price_usd * (double)ps->nodes
                                                 : (pg ? pg->price_usd : 0) * (double)(ps->nodes * ps->gpus_per_node);
        }
    }
    if (s->end_ns > 0) {
        aidc_cost_result cost = aidc_cost_compute(
            &sc->cost, (double)s->end_ns / 1e9, s->cluster.total_gpus, price,
            sc->power.chain.ups_capacity_w, s->energy_cost_usd, peaks, months,
            r->gpu_hours_delivered, s->e_facility_j / 3.6e9);
        cJSON *c = cJSON_AddObjectToObject(root, "cost_usd");
        cJSON_AddNumberToObject(c, "capex_amortized", cost.capex_amortized);
        cJSON_AddNumberToObject(c, "capex_systems", cost.capex_systems);
        cJSON_AddNumberToObject(c, "capex_facility", cost.capex_facility);
        cJSON_AddNumberToObject(c, "capex_network", cost.capex_network);
        cJSON_AddNumberToObject(c, "energy", cost.energy);
        cJSON_AddNumberToObject(c, "demand", cost.demand);
        cJSON_AddNumberToObject(c, "fixed", cost.fixed);
        cJSON_AddNumberToObject(c, "total", cost.total);
        if (isfinite(cost.per_gpu_hour)) cJSON_AddNumberToObject(c, "per_gpu_hour", cost.per_gpu_hour);
        else cJSON_AddNullToObject(c, "per_gpu_hour");
        if (isfinite(cost.per_mwh)) cJSON_AddNumberToObject(c, "per_mwh", cost.per_mwh);
        else cJSON_AddNullToObject(c, "per_mwh");
    }
    cJSON_AddNumberToObject(root, "throttled_gpu_hours", s->throttled_gpu_s / 3600);
    cJSON_AddNumberToObject(root, "curtailed_gpu_hours", s->curtailed_gpu_s / 3600);
    cJSON *pre = cJSON_AddObjectToObject(root, "preemption");
    cJSON_AddNumberToObject(pre, "by_policy", (double)s->policy_preemptions);
    cJSON_AddNumberToObject(pre, "by_demand_response",
                            (double)(s->preemptions - s->policy_preemptions - s->service_preemptions));
    if (s->services) cJSON_AddNumberToObject(pre, "by_services", (double)s->service_preemptions);
    cJSON_AddNumberToObject(pre, "checkpoint_gpu_hours", s->checkpoint_gpu_s / 3600);
    if (s->sc->cooling.enabled) {
        cJSON *cool = cJSON_AddObjectToObject(root, "cooling");
        cJSON_AddStringToObject(cool, "type",
                                s->sc->cooling.plant.kind == AIDC_COOLING_LIQUID ? "liquid" : "air");
        cJSON_AddNumberToObject(cool, "economizer_hours", s->economizer_s / 3600);
    }
    cJSON *pue = cJSON_AddObjectToObject(root, "pue");
    cJSON_AddNumberToObject(pue, "mean", s->e_it_j > 0 ? s->e_facility_j / s->e_it_j : 0);
    cJSON_AddNumberToObject(pue, "max", s->max_pue);
    if (s->has_fabric) {
        cJSON *net = cJSON_AddObjectToObject(root, "network");
        cJSON_AddStringToObject(net, "fabric", aidc_topology_kind_name(s->topo.cfg.kind));
        cJSON_AddNumberToObject(net, "switches", s->topo.n_switches);
        cJSON_AddNumberToObject(net, "links", s->topo.n_links);
        cJSON_AddNumberToObject(net, "multi_node_jobs", (double)r->net_slowdown.n);
        cJSON_AddNumberToObject(net, "mean_slowdown", r->net_slowdown.n ? r->net_slowdown.mean : 1);
        cJSON_AddNumberToObject(net, "p95_slowdown", r->net_slowdown.n ? r->net_slowdown.p95 : 1);
        cJSON_AddNumberToObject(net, "cross_spine_jobs", (double)r->cross_leaf_jobs);
        /* written only when set, so runs without it keep their summary byte for byte */
        if (s->sc->fabric.update_interval_ns > 0)
            cJSON_AddNumberToObject(net, "update_interval_s", (double)s->sc->fabric.update_interval_ns / 1e9);
        double changes = (double)s->fabric.recomputes;
        cJSON_AddNumberToObject(net, "speed_updates_per_change",
                                changes ? (double)s->fabric.speed_updates / changes : 0);
        cJSON_AddNumberToObject(net, "finish_moves_per_change",
                                changes ? (double)s->fabric.speed_changes / changes : 0);
    }

    if (s->has_failures) cJSON_AddItemToObject(root, "failures", failures_json(s));

    cJSON *warnings = cJSON_AddArrayToObject(root, "warnings");
    char msg[256];
    if (s->skipped) {
        snprintf(msg, sizeof msg, "%zu jobs can never fit on this cluster and were skipped",
                 s->skipped);
        cJSON_AddItemToArray(warnings, cJSON_CreateString(msg));
    }
    if (r->queued_at_end || r->running_at_end) {
        snprintf(msg, sizeof msg,
                 "the horizon ended with %zu jobs queued and %zu running; wait and JCT figures "
                 "cover only jobs that started / finished",
                 r->queued_at_end, r->running_at_end);
        cJSON_AddItemToArray(warnings, cJSON_CreateString(msg));
    }
    size_t future = s->n_jobs - s->submitted - s->skipped;
    if (future) {
        snprintf(msg, sizeof msg, "%zu jobs in the workload arrive after the horizon", future);
        cJSON_AddItemToArray(warnings, cJSON_CreateString(msg));
    }
    return root;
}

int aidc_output_write(const aidc_sim *s, const char *dir, char *err, size_t errlen)
{
    char path[4200];
    results r;
    if (compute(s, &r)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(path, sizeof path, "%s/jobs.csv", dir);
    if (write_jobs_csv(s, path, err, errlen)) return -1;
    if (aidc_services_write(s, dir, err, errlen)) return -1;
    cJSON *root = summary_json(s, &r);
    if (root && s->services) {
        cJSON_AddItemToObject(root, "services", aidc_services_summary(s));
        cJSON_AddItemToObject(root, "services_total", aidc_services_total(s));
    }
    char *text = root ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    snprintf(path, sizeof path, "%s/summary.json", dir);
    FILE *f = fopen(path, "w");
    int rc = 0;
    if (!f || fputs(text, f) < 0 || fputc('\n', f) == EOF) rc = -1;
    if (f && fclose(f) != 0) rc = -1;
    if (rc) snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
    free(text);
    return rc;
}

static void human_duration(double s, char *buf, size_t n)
{
    if (s < 120)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, n, "%.1f min", s / 60);
    else if (s < 172800)
        snprintf(buf, n, "%.1f h", s / 3600);
    else
        snprintf(buf, n, "%.1f d", s / 86400);
}

void aidc_output_print_summary(const aidc_sim *s, FILE *f)
{
    results r;
    if (compute(s, &r)) return;
    char a[32], b[32], c[32], d[32];
    human_duration(r.duration_s, a, sizeof a);
    char pools[64];
    snprintf(pools, sizeof pools, "%zu pools", s->sc->cluster.n_pools);
    fprintf(f, "%s: %lld GPUs (%s x %lld nodes), policy %s, %s simulated\n", s->sc->name,
            (long long)s->cluster.total_gpus,
            s->sc->cluster.n_pools ? pools
            : s->sc->cluster.system[0] ? s->sc->cluster.system : s->sc->cluster.gpu,
            (long long)s->sc->cluster.nodes, s->sc->policy.name, a);
    fprintf(f, "  jobs       %zu submitted, %zu completed, %zu running, %zu queued at end\n",
            s->submitted, s->completed, r.running_at_end, r.queued_at_end);
    human_duration(r.wait.mean, a, sizeof a);
    human_duration(r.wait.p50, b, sizeof b);
    human_duration(r.wait.p95, c, sizeof c);
    human_duration(r.wait.p99, d, sizeof d);
    fprintf(f, "  wait       mean %s, p50 %s, p95 %s, p99 %s\n", a, b, c, d);
    human_duration(r.jct.mean, a, sizeof a);
    human_duration(r.jct.p95, b, sizeof b);
    fprintf(f, "  JCT        mean %s, p95 %s; bounded slowdown mean %.2f\n", a, b,
            r.slowdown.mean);
    fprintf(f, "  GPUs       %.1f%% utilized, %.0f GPU-hours delivered\n", 100 * r.utilization,
            r.gpu_hours_delivered);
    if (s->has_failures) {
        uint64_t total = 0;
        for (int c = 0; c < AIDC_FAIL_CLASSES; c++) total += s->fail_count[c];
        double prod = 0, all = 0;
        for (size_t i = 0; i < s->n_jobs; i++) {
            if (s->jobs[i].first_start_ns < 0) continue;
            aidc_job_fail_stats fs;
            aidc_sim_job_fail_stats(s, (uint32_t)i, &fs);
            prod += fs.productive_ns * s->workload.jobs[i].gpus;
            all += (fs.productive_ns + fs.lost_ns + fs.ckpt_ns) * s->workload.jobs[i].gpus;
        }
        fprintf(f, "  failures   %llu component failures, %llu job interruptions, ETTR %.3f "
                "(GPU-hour weighted)\n", (unsigned long long)total,
                (unsigned long long)s->fail_interruptions, all > 0 ? prod / all : 1.0);
    }
    aidc_services_print(s, f);
}
