#define _XOPEN_SOURCE 700 /* realpath */
/* Properties every policy must keep, on randomized small scenarios: run
 * against every built-in and two plugins (a FIFO and the out-of-tree
 * example, loaded from AIDC_TEST_PLUGINS, default build/plugins).
 *
 * The policy runs behind a checking proxy: the host table it sees forwards
 * to the simulator's, and after every start and preemption the proxy keeps
 * its own ledger of who holds which GPUs, CPUs and memory and compares it
 * with the host's node view. Checked:
 *  - no GPU is ever double-booked and no node holds more than it has
 *    (GPUs, CPUs, memory), by the ledger and by the host's view;
 *  - every job of the finite trace completes;
 *  - starvation: for the arrival-order policies without preemption (fifo,
 *    easy-backfill, conservative-backfill, power-aware, carbon-aware and the
 *    FIFO plugin) the EASY guarantee: once every earlier job has started, a
 *    job starts by the last estimated end of the jobs running then
 *    (estimates >= run times, as generated here);
 *    the others (sjf, srtf, las, fair-share, priority, smallest-first) make
 *    no such promise and are documented as able to starve large or long jobs;
 *  - determinism: a second run gives identical start and end times.
 * With fractional jobs (one-GPU jobs asking for a share, gpu_milli < 1000, ABI 1.2) the
 * ledger also keeps each GPU's shares: no GPU ever holds more than 1000 milli, the
 * host's per-GPU free capacities agree with the ledger, and CPUs and memory still
 * never exceed a node's. */
#include <CUnit/CUnit.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sched/builtin.h"
#include "sim/plugin.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "tests/support.h"

#define N_SCENARIOS 6
#define MAX_NODES 8
#define MAX_GPUS 8 /* DGX-H100 */

/* ---- the checking proxy ---------------------------------------------------- */

typedef struct held {
    aidc_sched_alloc alloc[MAX_NODES];
    int32_t n;
    int32_t share_gpu, share_milli; /* a share: its GPU on alloc[0].node; share_gpu -1: none */
} held;

typedef struct proxy {
    const aidc_policy_ops *inner;
    void *inner_state;
    const aidc_sched_host *real;
    aidc_sched_host host; /* what the inner policy sees */
    held *holds;          /* per job id */
    size_t n_jobs;
    int32_t gpus[MAX_NODES], cpus[MAX_NODES];
    double mem[MAX_NODES];
    int32_t share[MAX_NODES][MAX_GPUS]; /* milli held by shares on each GPU */
    int shares_started;
    int violations;
    char first[256];
} proxy;

static proxy *P; /* the proxy of the run in progress: test-only */

static void violation(proxy *p, const char *what, int node)
{
    if (!p->violations++) snprintf(p->first, sizeof p->first, "%s (node %d)", what, node);
}

static void check_view(proxy *p)
{
    const aidc_sched_node *nodes = p->real->nodes(p->real->ctx);
    size_t n = p->real->node_count(p->real->ctx);
    for (size_t i = 0; i < n && i < MAX_NODES; i++) {
        const aidc_sched_node *nd = &nodes[i];
        if (p->gpus[i] > nd->gpus_total || p->cpus[i] > nd->cpus_total ||
            p->mem[i] > nd->mem_total_gib + 1e-9)
            violation(p, "ledger exceeds a node's capacity", (int)i);
        int32_t shared = 0, used = 1000 * p->gpus[i];
        for (int32_t g = 0; g < MAX_GPUS; g++) {
            shared += p->share[i][g] > 0;
            used += p->share[i][g];
            if (p->share[i][g] > 1000) violation(p, "a GPU holds more than 1000 milli", (int)i);
        }
        if (nd->gpus_free != nd->gpus_total - p->gpus[i] - shared || nd->gpus_free < 0)
            violation(p, "host's free GPUs disagree with the ledger", (int)i);
        if (nd->gpu_free_milli) {
            int32_t host_used = 0;
            for (int32_t g = 0; g < nd->gpus_total; g++) {
                int32_t v = nd->gpu_free_milli[g];
                if (v < 0 || v > 1000) violation(p, "host's GPU free capacity outside 0..1000", (int)i);
                if (g < MAX_GPUS && p->share[i][g] > 0 && v != 1000 - p->share[i][g])
                    violation(p, "host's free capacity of a shared GPU disagrees with the ledger", (int)i);
                host_used += 1000 - v;
            }
            if (host_used != used || nd->milli_free != 1000 * nd->gpus_total - used)
                violation(p, "host's per-GPU capacity disagrees with the ledger", (int)i);
        }
        if (nd->cpus_free != nd->cpus_total - p->cpus[i] || nd->cpus_free < 0)
            violation(p, "host's free CPUs disagree with the ledger", (int)i);
        if (fabs(nd->mem_free_gib - (nd->mem_total_gib - p->mem[i])) > 1e-6)
            violation(p, "host's free memory disagrees with the ledger", (int)i);
    }
}

static void book(proxy *p, uint64_t id, int sign)
{
    held *h = &p->holds[id];
    for (int32_t k = 0; k < h->n; k++) {
        int32_t i = h->alloc[k].node;
        p->gpus[i] += sign * h->alloc[k].gpus;
        p->cpus[i] += sign * h->alloc[k].cpus;
        p->mem[i] += sign * h->alloc[k].mem_gib;
    }
    if (h->n && h->share_gpu >= 0 && h->share_gpu < MAX_GPUS)
        p->share[h->alloc[0].node][h->share_gpu] += sign * h->share_milli;
    if (sign < 0) {
        h->n = 0;
        h->share_gpu = -1;
    }
}

static void remember(proxy *p, uint64_t id, const aidc_sched_alloc *alloc, size_t n)
{
    if (id >= p->n_jobs || n > MAX_NODES) {
        violation(p, "start of an unknown job or over too many nodes", -1);
        return;
    }
    if (p->holds[id].n) violation(p, "a running job started again", -1);
    memcpy(p->holds[id].alloc, alloc, n * sizeof *alloc);
    p->holds[id].n = (int32_t)n;
    p->holds[id].share_gpu = -1;
    book(p, id, +1);
}

static int px_start_shared(void *ctx, uint64_t id, const aidc_sched_share *sh)
{
    proxy *p = ctx;
    int rc = p->real->start_shared(p->real->ctx, id, sh);
    if (rc == 0 && id < p->n_jobs && sh->node >= 0 && sh->node < MAX_NODES) {
        if (p->holds[id].n) violation(p, "a running job started again", -1);
        p->holds[id].alloc[0] = (aidc_sched_alloc){sh->node, 0, sh->cpus, sh->mem_gib};
        p->holds[id].n = 1;
        p->holds[id].share_gpu = sh->gpu;
        p->holds[id].share_milli = sh->milli;
        p->shares_started++;
        book(p, id, +1);
    }
    check_view(p);
    return rc;
}

static int px_start(void *ctx, uint64_t id, const aidc_sched_alloc *alloc, size_t n)
{
    proxy *p = ctx;
    int rc = p->real->start(p->real->ctx, id, alloc, n);
    if (rc == 0) remember(p, id, alloc, n);
    check_view(p);
    return rc;
}

static int px_start_capped(void *ctx, uint64_t id, const aidc_sched_alloc *alloc, size_t n,
                           double cap)
{
    proxy *p = ctx;
    int rc = p->real->start_capped(p->real->ctx, id, alloc, n, cap);
    if (rc == 0) remember(p, id, alloc, n);
    check_view(p);
    return rc;
}

static int px_preempt(void *ctx, uint64_t id)
{
    proxy *p = ctx;
    int rc = p->real->preempt(p->real->ctx, id);
    if (rc == 0 && id < p->n_jobs) book(p, id, -1);
    check_view(p);
    return rc;
}

/* Read-only services pass straight through to the simulator. */
#define FWD0(ret, name) \
    static ret px_##name(void *ctx) { proxy *p = ctx; return p->real->name(p->real->ctx); }
FWD0(int64_t, now_ns)
FWD0(size_t, node_count)
FWD0(const aidc_sched_node *, nodes)
FWD0(size_t, pending_count)
FWD0(size_t, running_count)
FWD0(double, power_headroom_w)
FWD0(size_t, tenant_count)
static const aidc_sched_job *px_pending(void *ctx, size_t i) { proxy *p = ctx; return p->real->pending(p->real->ctx, i); }
static const aidc_sched_job *px_running(void *ctx, size_t i) { proxy *p = ctx; return p->real->running(p->real->ctx, i); }
static const char *px_tenant_name(void *ctx, size_t i) { proxy *p = ctx; return p->real->tenant_name(p->real->ctx, i); }
static double px_carbon(void *ctx, int64_t t) { proxy *p = ctx; return p->real->carbon_g_per_kwh(p->real->ctx, t); }
static double px_price(void *ctx, int64_t t) { proxy *p = ctx; return p->real->price_usd_per_mwh(p->real->ctx, t); }
static double px_tdp(void *ctx, int32_t g) { proxy *p = ctx; return p->real->gpu_tdp_w(p->real->ctx, g); }
static double px_idle(void *ctx, int32_t g) { proxy *p = ctx; return p->real->gpu_idle_w(p->real->ctx, g); }
static void px_wake(void *ctx, int64_t t) { proxy *p = ctx; p->real->wake_at(p->real->ctx, t); }
static int px_cap(void *ctx, uint64_t id, double w) { proxy *p = ctx; return p->real->set_power_cap(p->real->ctx, id, w); }
static double px_needed(void *ctx, uint64_t id, const aidc_sched_alloc *a, size_t n)
{
    proxy *p = ctx;
    return p->real->power_needed_w(p->real->ctx, id, a, n);
}
static double px_needed_capped(void *ctx, uint64_t id, const aidc_sched_alloc *a, size_t n, double w)
{
    proxy *p = ctx;
    return p->real->power_needed_capped_w(p->real->ctx, id, a, n, w);
}

static long px_nodes_changed(void *ctx, uint64_t *cursor, int32_t *out, size_t max_out)
{
    proxy *p = ctx;
    return p->real->nodes_changed(p->real->ctx, cursor, out, max_out);
}
static size_t px_gpu_type_count(void *ctx) { proxy *p = ctx; return p->real->gpu_type_count(p->real->ctx); }
static const char *px_gpu_type_name(void *ctx, int32_t t)
{
    proxy *p = ctx;
    return p->real->gpu_type_name(p->real->ctx, t);
}

static bool hide_changes; /* the proxy offers no nodes_changed (see check_policy) */

static int proxy_create(const aidc_sched_host *real, const aidc_policy_params *params, void **state,
                        char *err, size_t errlen)
{
    proxy *p = P;
    p->real = real;
    p->host = *real;
    p->host.ctx = p;
    p->host.now_ns = px_now_ns;
    p->host.node_count = px_node_count;
    p->host.nodes = px_nodes;
    p->host.pending_count = px_pending_count;
    p->host.pending = px_pending;
    p->host.running_count = px_running_count;
    p->host.running = px_running;
    p->host.start = px_start;
    p->host.power_headroom_w = px_power_headroom_w;
    p->host.power_needed_w = px_needed;
    p->host.set_power_cap = px_cap;
    p->host.preempt = px_preempt;
    p->host.wake_at = px_wake;
    p->host.tenant_count = px_tenant_count;
    p->host.tenant_name = px_tenant_name;
    p->host.carbon_g_per_kwh = px_carbon;
    p->host.price_usd_per_mwh = px_price;
    p->host.gpu_tdp_w = px_tdp;
    p->host.gpu_idle_w = px_idle;
    p->host.power_needed_capped_w = px_needed_capped;
    p->host.start_capped = px_start_capped;
    p->host.start_shared = px_start_shared;
    p->host.gpu_type_count = px_gpu_type_count;
    p->host.gpu_type_name = px_gpu_type_name;
    p->host.nodes_changed = px_nodes_changed;
    if (hide_changes) { /* as a 1.2 host: the policy scans the nodes and reserves every pass */
        p->host.abi_minor = 2;
        p->host.nodes_changed = NULL;
    }
    *state = p;
    return p->inner->create(&p->host, params, &p->inner_state, err, errlen);
}

static void proxy_destroy(void *state)
{
    proxy *p = state;
    p->inner->destroy(p->inner_state);
}

static void proxy_finished(void *state, const aidc_sched_job *job)
{
    proxy *p = state;
    if (job->id < p->n_jobs) book(p, job->id, -1);
    check_view(p);
    if (p->inner->job_finished) p->inner->job_finished(p->inner_state, job);
}

static void proxy_submitted(void *state, const aidc_sched_job *job)
{
    proxy *p = state;
    if (p->inner->job_submitted) p->inner->job_submitted(p->inner_state, job);
}

static void proxy_schedule(void *state)
{
    proxy *p = state;
    p->inner->schedule(p->inner_state);
    check_view(p);
}

static const aidc_policy_ops proxy_ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "checking-proxy",
    .description = "test: forwards to a policy and checks its calls",
    .create = proxy_create,
    .destroy = proxy_destroy,
    .job_submitted = proxy_submitted,
    .job_finished = proxy_finished,
    .schedule = proxy_schedule,
};

/* ---- randomized scenarios ------------------------------------------------- */

/* A trace of 40-90 jobs on `nodes` nodes of 8 GPUs: sizes 1-16 GPUs (never
 * more than the cluster), lognormal run times, estimates 1-3x the run
 * time, three tenants, priorities 0-2, some jobs deferrable, half with CPU
 * and memory requests. */
static bool fractional; /* write_trace: half the one-GPU jobs ask for a share (test-only) */

static void write_trace(gsl_rng *r, int nodes, char *path)
{
    static const int sizes[] = {1, 2, 4, 8, 16};
    static const int shares[] = {100, 250, 300, 500, 700, 1000};
    char buf[16384];
    size_t off = (size_t)snprintf(buf, sizeof buf,
                                  "id,submit_s,gpus,duration_s,estimate_s,tenant,priority,deferrable,cpus,mem_gib%s\n",
                                  fractional ? ",gpu_milli" : "");
    int n = 40 + (int)gsl_rng_uniform_int(r, 51);
    double t = 0;
    for (int i = 0; i < n; i++) {
        t += -log(1 - gsl_rng_uniform(r)) * 900;
        int g = sizes[gsl_rng_uniform_int(r, nodes >= 2 ? 5 : 4)];
        double d = floor(exp(log(1800) + 1.2 * (gsl_rng_uniform(r) * 2 - 1) * 1.5)) + 1;
        double est = floor(d * (1 + 2 * gsl_rng_uniform(r))) + 1;
        /* half the jobs ask no CPUs or memory: the placements (and the EASY
         * reservation kept across passes) that only such jobs take get tested */
        bool cpu_free = gsl_rng_uniform(r) < 0.5;
        off += (size_t)snprintf(buf + off, sizeof buf - off, "j%d,%.0f,%d,%.0f,%.0f,%c,%d,%d,%d,%d\n",
                                i, floor(t), g, d, est, "ABC"[gsl_rng_uniform_int(r, 3)],
                                (int)gsl_rng_uniform_int(r, 3), gsl_rng_uniform(r) < 0.3,
                                cpu_free ? 0 : g * 4, cpu_free ? 0 : g * 32);
        if (fractional) {
            int s = g == 1 ? shares[gsl_rng_uniform_int(r, 6)] : 1000;
            off--; /* the newline */
            off += (size_t)snprintf(buf + off, sizeof buf - off, ",%d\n", s);
        }
    }
    CU_ASSERT_FATAL(test_temp_file(buf, path) == 0);
}

typedef struct outcome {
    double start[128], end[128], submit[128], estimate[128];
    size_t n;
    int all_done;
    int violations;
    int shares; /* share starts seen */
    char first[256];
} outcome;

static int run_checked(const char *trace, int nodes, const char *policy_json, outcome *o)
{
    char json[2048], path[TEST_TEMP_PATH_LEN], err[2048];
    snprintf(json, sizeof json,
             "{\"cluster\": {\"system\": \"DGX-H100\", \"nodes\": %d, \"nodes_per_rack\": 2},"
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": %s}",
             nodes, trace, policy_json);
    if (test_temp_file(json, path)) return -1;
    aidc_scenario sc;
    aidc_sim sim;
    int rc = aidc_scenario_load(&sc, path, NULL, -1, err, sizeof err);
    unlink(path);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    proxy p = {.inner = sc.policy.ops};
    P = &p;
    sc.policy.ops = &proxy_ops;
    if (aidc_sim_init(&sim, &sc, NULL, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        aidc_scenario_fini(&sc);
        return -1;
    }
    p.n_jobs = sim.n_jobs;
    p.holds = calloc(sim.n_jobs, sizeof *p.holds);
    rc = p.holds ? aidc_sim_run(&sim, err, sizeof err) : -1;
    if (rc) fprintf(stderr, "%s\n", err);
    o->n = sim.n_jobs < 128 ? sim.n_jobs : 128;
    o->all_done = sim.completed == sim.n_jobs;
    for (size_t i = 0; i < o->n; i++) {
        o->start[i] = (double)sim.jobs[i].first_start_ns / 1e9;
        o->end[i] = (double)sim.jobs[i].end_ns / 1e9;
        o->submit[i] = (double)sim.jobs[i].view.submit_ns / 1e9;
        o->estimate[i] = (double)sim.jobs[i].view.estimate_ns / 1e9;
    }
    o->violations = p.violations;
    o->shares = p.shares_started;
    snprintf(o->first, sizeof o->first, "%s", p.first);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
    free(p.holds);
    P = NULL;
    return rc;
}

/* The EASY guarantee (which FIFO and conservative backfilling also keep):
 * a job becomes the queue head once every job submitted before it has
 * started (h); from then on it starts no later than the last estimated end
 * (start + estimate) of the jobs already running at h: later jobs may only
 * backfill around that reservation. Returns how many jobs broke it. */
static int starved(const outcome *o)
{
    int bad = 0;
    for (size_t j = 0; j < o->n; j++) {
        double h = o->submit[j];
        for (size_t i = 0; i < o->n; i++)
            if ((o->submit[i] < o->submit[j] || (o->submit[i] == o->submit[j] && i < j)) &&
                o->start[i] > h)
                h = o->start[i];
        double bound = h;
        for (size_t i = 0; i < o->n; i++)
            if (i != j && o->start[i] <= h && o->start[i] + o->estimate[i] > bound)
                bound = o->start[i] + o->estimate[i];
        if (o->start[j] > bound + 1e-6) {
            if (!bad) fprintf(stderr, "\n  job %zu: submit %.0f, head at %.0f, bound %.0f, start %.0f",
                              j, o->submit[j], h, bound, o->start[j]);
            bad++;
        }
    }
    return bad;
}

static void check_policy(const char *label, const char *policy_json, int bounded)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    for (int k = 0; k < N_SCENARIOS; k++) {
        gsl_rng_set(r, 1000 + (unsigned long)k);
        int nodes = 2 + (int)gsl_rng_uniform_int(r, 5);
        char trace[TEST_TEMP_PATH_LEN];
        write_trace(r, nodes, trace);
        /* the second run through a host without the change list: the node
         * index and the kept reservation must change no decision */
        outcome a, b;
        int rc1 = run_checked(trace, nodes, policy_json, &a);
        hide_changes = true;
        int rc2 = run_checked(trace, nodes, policy_json, &b);
        hide_changes = false;
        if (getenv("AIDC_KEEP_TRACE")) fprintf(stderr, "\n  trace %s nodes %d", trace, nodes); else unlink(trace);
        CU_ASSERT_EQUAL(rc1, 0);
        CU_ASSERT_EQUAL(rc2, 0);
        if (rc1 || rc2) continue;
        if (a.violations) fprintf(stderr, "\n  %s, scenario %d: %s", label, k, a.first);
        CU_ASSERT_EQUAL(a.violations, 0);
        if (!a.all_done) fprintf(stderr, "\n  %s, scenario %d: not every job completed", label, k);
        CU_ASSERT(a.all_done);
        if (fractional && a.shares == 0) fprintf(stderr, "\n  %s, scenario %d: no share started", label, k);
        if (fractional) CU_ASSERT(a.shares > 0);
        bool same = a.n == b.n && memcmp(a.start, b.start, a.n * sizeof a.start[0]) == 0 &&
                    memcmp(a.end, b.end, a.n * sizeof a.end[0]) == 0;
        if (!same) fprintf(stderr, "\n  %s, scenario %d: schedules differ without the change list", label, k);
        CU_ASSERT(same);
        if (bounded) {
            int s = starved(&a);
            if (s) fprintf(stderr, "\n  %s, scenario %d: %d jobs past the starvation bound", label, k, s);
            CU_ASSERT_EQUAL(s, 0);
        }
    }
    gsl_rng_free(r);
}

static int is_bounded(const char *name)
{
    static const char *const bounded[] = {"fifo", "easy-backfill", "conservative-backfill",
                                          "power-aware", "carbon-aware", NULL};
    for (size_t i = 0; bounded[i]; i++)
        if (strcmp(name, bounded[i]) == 0) return 1;
    return 0;
}

/* A built-in's policy JSON: the preemptive ones preempt at once here, to exercise
 * preemption hard. */
static void builtin_json(const char *name, char *json, size_t len)
{
    if (strcmp(name, "srtf") == 0 || strcmp(name, "las") == 0 || strcmp(name, "priority") == 0)
        snprintf(json, len, "{\"name\": \"%s\", \"params\": {\"min_run_s\": 0}}", name);
    else
        snprintf(json, len, "\"%s\"", name);
}

static void test_builtins(void)
{
    const aidc_policy_ops *ops;
    for (size_t i = 0; (ops = aidc_policy_builtin_at(i)) != NULL; i++) {
        char json[256];
        builtin_json(ops->name, json, sizeof json);
        check_policy(ops->name, json, is_bounded(ops->name));
    }
    /* compositions through "queue" */
    check_policy("queue las+easy", "{\"order\": \"las\", \"backfill\": \"easy\", \"params\": {\"preempt\": false}}", 0);
    check_policy("queue fair+conservative", "{\"order\": \"fair\", \"backfill\": \"conservative\"}", 0);
    check_policy("queue sjf+easy+preempt", "{\"order\": \"sjf\", \"backfill\": \"easy\", \"params\": {\"preempt\": true, \"min_run_s\": 0}}", 0);
}

/* Fractional jobs: every built-in and the queue's sharing placements keep each GPU at
 * most 1000 milli and each node within its CPUs and memory; the built-ins place shares
 * (start_shared) rather than whole GPUs. */
static void test_fractional(void)
{
    fractional = true;
    const aidc_policy_ops *ops;
    for (size_t i = 0; (ops = aidc_policy_builtin_at(i)) != NULL; i++) {
        char json[256];
        builtin_json(ops->name, json, sizeof json);
        check_policy(ops->name, json, 0);
    }
    check_policy("queue fgd", "{\"name\": \"queue\", \"params\": {\"placement\": \"fgd\"}}", 0);
    check_policy("queue first-fit+easy", "{\"name\": \"queue\", \"params\": {\"placement\": \"first-fit\", \"backfill\": \"easy\"}}", 0);
    check_policy("las fgd", "{\"name\": \"las\", \"params\": {\"placement\": \"fgd\", \"min_run_s\": 0}}", 0);
    fractional = false;
}

static void test_plugins(void)
{
    const char *dir = getenv("AIDC_TEST_PLUGINS");
    if (!dir) dir = "build/plugins";
    static const char *const plugins[][2] = {{"good_fifo.so", "1"}, {"smallest_first.so", "0"}};
    for (size_t i = 0; i < 2; i++) {
        char path[1024], abs[4096], json[4200];
        snprintf(path, sizeof path, "%s/%s", dir, plugins[i][0]);
        if (!realpath(path, abs)) {
            fprintf(stderr, "\n  plugin %s missing: run make plugins", path);
            CU_FAIL("test plugin missing");
            continue;
        }
        snprintf(json, sizeof json, "{\"plugin\": \"%s\"}", abs);
        check_policy(plugins[i][0], json, plugins[i][1][0] == '1');
    }
}

int test_properties_register(void)
{
    CU_pSuite s = CU_add_suite("properties of every policy", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "built-ins: no double booking, all done, bounded waits, deterministic", test_builtins) ||
        !CU_add_test(s, "plugins: the same properties", test_plugins) ||
        !CU_add_test(s, "fractional jobs: no GPU above 1000 milli, no node above its CPUs or memory",
                     test_fractional))
        return -1;
    return 0;
}
