/* fabric — collective costs, locality and max-min contention; see fabric.h. */
#include "models/fabric.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double aidc_allreduce_ring_s(int n, double bytes, double bw_gbps, double alpha_us)
{
    if (n <= 1) return 0;
    return 2.0 * (n - 1) / n * bytes / (bw_gbps * 1e9) + 2.0 * (n - 1) * alpha_us * 1e-6;
}

double aidc_allreduce_tree_s(int n, double bytes, double bw_gbps, double alpha_us)
{
    if (n <= 1) return 0;
    return 2.0 * log2((double)n) * alpha_us * 1e-6 + 2.0 * bytes / (bw_gbps * 1e9);
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Number of distinct values in v[0..n) (sorts v). */
static int32_t distinct(int32_t *v, size_t n)
{
    if (n == 0) return 0;
    qsort(v, n, sizeof *v, cmp_i32);
    int32_t k = 1;
    for (size_t i = 1; i < n; i++) k += v[i] != v[i - 1];
    return k;
}

void aidc_fabric_locality(const aidc_topology *t, const aidc_sched_alloc *a, size_t n,
                          aidc_locality *out)
{
    int32_t small[64];
    int32_t *tmp = n <= 64 ? small : malloc(n * sizeof *tmp);
    if (!tmp) abort();
    out->nodes = (int32_t)n;
    out->gpus = 0;
    for (size_t i = 0; i < n; i++) out->gpus += a[i].gpus;
    for (size_t i = 0; i < n; i++) tmp[i] = t->domain[a[i].node];
    out->domains = distinct(tmp, n);
    for (size_t i = 0; i < n; i++) tmp[i] = t->leaf[a[i].node];
    out->leaves = distinct(tmp, n);
    for (size_t i = 0; i < n; i++) tmp[i] = t->pod[a[i].node];
    out->pods = distinct(tmp, n);
    if (tmp != small) free(tmp);
    out->tier = out->pods > 1 ? 4 : out->leaves > 1 ? 3 : out->domains > 1 ? 2 : n > 1 ? 1 : 0;
}

static double tier_alpha_us(const aidc_topology *t, int tier)
{
    if (tier >= 4) return t->cfg.alpha_core_us;
    if (tier == 3) return t->cfg.alpha_spine_us;
    return t->cfg.alpha_leaf_us;
}

/* Per-iteration time with the inter-domain all-reduce (ring, or tree) at
 * bw_gbps and alpha_us. */
static double comm_time(const aidc_topology *t, const aidc_locality *loc, double bytes,
                        double bw_gbps, double alpha_us, bool tree)
{
    int32_t domains = loc->domains > 0 ? loc->domains : 1;
    int32_t gpus = loc->gpus;
    int g = gpus / domains; /* GPUs per domain taking part: rails of the ring */
    if (g < 1) g = 1;
    if (domains == 1) /* one NVLink domain: a ring over NVLink, nothing else */
        return aidc_allreduce_ring_s(gpus, bytes, t->cfg.nvlink_gbps, t->cfg.alpha_nvlink_us);
    double intra = aidc_allreduce_ring_s(g, bytes, t->cfg.nvlink_gbps, t->cfg.alpha_nvlink_us);
    double inter = tree ? aidc_allreduce_tree_s(domains, bytes / g, bw_gbps, alpha_us)
                        : aidc_allreduce_ring_s(domains, bytes / g, bw_gbps, alpha_us);
    return intra + inter;
}

double aidc_fabric_comm_s(const aidc_topology *t, const aidc_locality *loc, double bytes,
                          double bw_gbps)
{
    return comm_time(t, loc, bytes, bw_gbps, tier_alpha_us(t, loc->tier), false);
}

/* ---- contention --------------------------------------------------------- */

int aidc_fabric_init(aidc_fabric *f, const aidc_topology *t, size_t n_jobs)
{
    memset(f, 0, sizeof *f);
    f->topo = t;
    f->n_links = t->n_leaves + t->n_pods;
    f->n_jobs = n_jobs;
    size_t nl = f->n_links ? (size_t)f->n_links : 1;
    f->cap_gbps = calloc(nl, sizeof *f->cap_gbps);
    f->users = calloc(nl, sizeof *f->users);
    f->n_users = calloc(nl, sizeof *f->n_users);
    f->cap_users = calloc(nl, sizeof *f->cap_users);
    f->link_mark = calloc(nl, sizeof *f->link_mark);
    f->link_left = calloc(nl, sizeof *f->link_left);
    f->link_unfrozen = calloc(nl, sizeof *f->link_unfrozen);
    f->link_sat = calloc(nl, sizeof *f->link_sat);
    f->heap = calloc(nl, sizeof *f->heap);
    f->heap_pos = calloc(nl, sizeof *f->heap_pos);
    f->demand_sum = calloc(nl, sizeof *f->demand_sum);
    f->dirty = calloc(nl, sizeof *f->dirty);
    f->is_dirty = calloc(nl, 1);
    f->comp_links = calloc(nl, sizeof *f->comp_links);
    f->comp_links_cap = nl;
    f->jobs = calloc(n_jobs ? n_jobs : 1, sizeof *f->jobs);
    if (!f->cap_gbps || !f->users || !f->n_users || !f->cap_users || !f->link_mark ||
        !f->dirty || !f->is_dirty || !f->link_left || !f->link_unfrozen || !f->link_sat || !f->heap || !f->heap_pos ||
        !f->demand_sum || !f->comp_links || !f->jobs) {
        aidc_fabric_fini(f);
        return -1;
    }
    for (int32_t l = 0; l < t->n_leaves; l++) f->cap_gbps[l] = t->leaf_up_gbps[l];
    for (int32_t p = 0; p < t->n_pods; p++) f->cap_gbps[t->n_leaves + p] = t->pod_up_gbps[p];
    return 0;
}

void aidc_fabric_fini(aidc_fabric *f)
{
    for (int32_t l = 0; f->users && l < f->n_links; l++) free(f->users[l]);
    for (size_t j = 0; f->jobs && j < f->n_jobs; j++) free(f->jobs[j].links);
    free(f->cap_gbps);
    free(f->users);
    free(f->n_users);
    free(f->cap_users);
    free(f->link_mark);
    free(f->link_left);
    free(f->link_unfrozen);
    free(f->link_sat);
    free(f->heap);
    free(f->heap_pos);
    free(f->demand_sum);
    free(f->dirty);
    free(f->is_dirty);
    free(f->comp_links);
    free(f->comp_jobs);
    free(f->by_demand);
    free(f->jobs);
    memset(f, 0, sizeof *f);
}

static int add_user(aidc_fabric *f, int32_t l, uint32_t job)
{
    f->demand_sum[l] += f->jobs[job].demand_gbps;
    if (f->n_users[l] == f->cap_users[l]) {
        int32_t cap = f->cap_users[l] ? f->cap_users[l] * 2 : 4;
        uint32_t *u = realloc(f->users[l], (size_t)cap * sizeof *u);
        if (!u) return -1;
        f->users[l] = u;
        f->cap_users[l] = cap;
    }
    f->users[l][f->n_users[l]++] = job;
    return 0;
}

static void remove_user(aidc_fabric *f, int32_t l, uint32_t job)
{
    f->demand_sum[l] -= f->jobs[job].demand_gbps;
    for (int32_t i = 0; i < f->n_users[l]; i++)
        if (f->users[l][i] == job) {
            f->users[l][i] = f->users[l][--f->n_users[l]];
            return;
        }
    assert(!"fabric: job not on link");
}

static int push_comp_job(aidc_fabric *f, size_t *n, uint32_t job)
{
    if (*n == f->comp_jobs_cap) {
        size_t cap = f->comp_jobs_cap ? f->comp_jobs_cap * 2 : 64;
        uint32_t *c = realloc(f->comp_jobs, cap * sizeof *c);
        if (!c) return -1;
        f->comp_jobs = c;
        f->comp_jobs_cap = cap;
    }
    f->comp_jobs[(*n)++] = job;
    return 0;
}

/* A link whose users together demand no more than its capacity never
 * limits anyone (rates never exceed demands), so it couples no jobs. */
static bool congested(const aidc_fabric *f, int32_t l)
{
    return f->demand_sum[l] > f->cap_gbps[l] * (1 + 1e-12);
}

/* Collects into comp_jobs / comp_links every job on the seed links, and
 * everything connected to them through congested links: the jobs whose
 * max-min rates can change. Returns the job count, or -1 (OOM). */
static long collect_component(aidc_fabric *f, const int32_t *seed, int32_t n_seed, size_t *n_links)
{
    uint32_t stamp = ++f->stamp;
    size_t nj = 0, nl = 0;
    for (int32_t i = 0; i < n_seed; i++)
        if (f->link_mark[seed[i]] != stamp) {
            f->link_mark[seed[i]] = stamp;
            f->comp_links[nl++] = seed[i];
        }
    for (size_t li = 0; li < nl; li++) {
        int32_t l = f->comp_links[li];
        for (int32_t u = 0; u < f->n_users[l]; u++) {
            uint32_t j = f->users[l][u];
            if (f->jobs[j].mark == stamp) continue;
            f->jobs[j].mark = stamp;
            if (push_comp_job(f, &nj, j)) return -1;
            for (int32_t k = 0; k < f->jobs[j].n_links; k++) {
                int32_t l2 = f->jobs[j].links[k];
                if (f->link_mark[l2] != stamp && congested(f, l2)) {
                    f->link_mark[l2] = stamp;
                    f->comp_links[nl++] = l2;
                }
            }
        }
    }
    *n_links = nl;
    return (long)nj;
}

struct aidc_fabric_demand {
    double gbps;
    uint32_t job;
};

static bool demand_before(const struct aidc_fabric_demand *x, const struct aidc_fabric_demand *y)
{
    return x->gbps < y->gbps || (x->gbps == y->gbps && x->job < y->job);
}

static void demand_down(struct aidc_fabric_demand *h, size_t n, size_t i)
{
    struct aidc_fabric_demand top = h[i];
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && demand_before(&h[c + 1], &h[c])) c++;
        if (!demand_before(&h[c], &top)) break;
        h[i] = h[c];
        i = c;
    }
    h[i] = top;
}

static void demand_pop(struct aidc_fabric_demand *h, size_t *n)
{
    h[0] = h[--*n];
    if (*n > 1) demand_down(h, *n, 0);
}

/* ---- max-min rates by progressive filling, bottleneck by bottleneck -------------- *
 * Every unfrozen job of the component runs at the common level L. A link l
 * with frozen rates F_l and c_l unfrozen users saturates when L reaches
 *   sat_l = (cap_l - F_l) / c_l,
 * which does not move as L rises: it changes only when one of l's users
 * freezes. So the links wait in a min-heap by sat_l, and each round costs
 * the frozen jobs' links times log(links) instead of a scan of every link
 * (the old rounds scanned all links: quadratic in large components). */

static bool sat_before(const aidc_fabric *f, int32_t a, int32_t b)
{
    double x = f->link_sat[a], y = f->link_sat[b];
    return x < y || (x == y && a < b);
}

static void heap_swap(aidc_fabric *f, int32_t i, int32_t k)
{
    int32_t a = f->heap[i], b = f->heap[k];
    f->heap[i] = b;
    f->heap[k] = a;
    f->heap_pos[b] = i;
    f->heap_pos[a] = k;
}

static void heap_up(aidc_fabric *f, int32_t i)
{
    while (i > 0) {
        int32_t p = (i - 1) / 2;
        if (!sat_before(f, f->heap[i], f->heap[p])) break;
        heap_swap(f, i, p);
        i = p;
    }
}

static void heap_down(aidc_fabric *f, int32_t i)
{
    for (;;) {
        int32_t c = 2 * i + 1;
        if (c >= f->heap_n) break;
        if (c + 1 < f->heap_n && sat_before(f, f->heap[c + 1], f->heap[c])) c++;
        if (!sat_before(f, f->heap[c], f->heap[i])) break;
        heap_swap(f, i, c);
        i = c;
    }
}

/* Link l's saturation level after one of its users froze; leaves the heap
 * when no unfrozen user is left. */
static void link_update(aidc_fabric *f, int32_t l)
{
    int32_t i = f->heap_pos[l];
    if (i < 0) return;
    if (f->link_unfrozen[l] <= 0) {
        int32_t last = f->heap[--f->heap_n];
        f->heap_pos[l] = -1;
        if (i == f->heap_n) return;
        f->heap[i] = last;
        f->heap_pos[last] = i;
        heap_up(f, i);
        heap_down(f, f->heap_pos[last]);
        return;
    }
    double old = f->link_sat[l];
    f->link_sat[l] = (f->cap_gbps[l] - f->link_left[l]) / f->link_unfrozen[l];
    if (f->link_sat[l] < old) heap_up(f, i);
    else heap_down(f, i);
}

/* Freezes job j at the level: its rate is set, and each of its component
 * links has its rate added to the frozen sum (link_left holds F_l here) and
 * one unfrozen user fewer. */
static void freeze_job(aidc_fabric *f, aidc_fabric_job *j, double level, size_t *unfrozen)
{
    j->rate_gbps = level < j->demand_gbps ? level : j->demand_gbps;
    (*unfrozen)--;
    for (int32_t k = 0; k < j->n_links; k++) {
        int32_t l = j->links[k];
        if (f->link_mark[l] != f->stamp) continue;
        f->link_left[l] += j->rate_gbps;
        f->link_unfrozen[l]--;
        link_update(f, l);
    }
}

/* Max-min fair rates over one component (jobs comp_jobs[0..nj), links
 * comp_links[0..nl)). A round raises the level to the next event: the
 * lowest saturation level or the smallest demand left. Jobs reaching their
 * demand freeze there; the users of every link saturated at the level
 * (within eps of its capacity) freeze at it. */
static int water_fill(aidc_fabric *f, size_t nj, size_t nl)
{
    const double eps = 1e-9;
    if (nj > f->by_demand_cap) {
        struct aidc_fabric_demand *o = realloc(f->by_demand, nj * sizeof *o);
        if (!o) return -1;
        f->by_demand = o;
        f->by_demand_cap = nj;
    }
    /* a min-heap by (demand, job): only the jobs frozen at their demand
     * come off it, in the order a full sort would give them */
    for (size_t i = 0; i < nj; i++)
        f->by_demand[i] = (struct aidc_fabric_demand){f->jobs[f->comp_jobs[i]].demand_gbps, f->comp_jobs[i]};
    for (size_t i = nj / 2; i-- > 0;) demand_down(f->by_demand, nj, i);
    size_t n_demand = nj;
    for (size_t i = 0; i < nj; i++) f->jobs[f->comp_jobs[i]].rate_gbps = -1; /* -1: unfrozen */
    f->heap_n = 0;
    for (size_t i = 0; i < nl; i++) {
        int32_t l = f->comp_links[i];
        f->link_left[l] = 0; /* frozen rates so far */
        f->link_unfrozen[l] = f->n_users[l];
        f->heap_pos[l] = -1;
        if (f->n_users[l] <= 0) continue;
        f->link_sat[l] = f->cap_gbps[l] / f->n_users[l];
        f->heap[f->heap_n] = l;
        f->heap_pos[l] = f->heap_n++;
    }
    for (int32_t i = f->heap_n / 2; i-- > 0;) heap_down(f, i);
    size_t unfrozen = nj;
    double level = 0;
    while (unfrozen > 0) {
        double next = f->heap_n > 0 ? f->link_sat[f->heap[0]] : INFINITY;
        /* the smallest demand of an unfrozen job (frozen ones leave the heap) */
        while (n_demand > 0 && f->jobs[f->by_demand[0].job].rate_gbps >= 0)
            demand_pop(f->by_demand, &n_demand);
        if (n_demand > 0 && f->by_demand[0].gbps < next) next = f->by_demand[0].gbps;
        if (next > level) level = next;
        /* jobs at their demand */
        while (n_demand > 0) {
            aidc_fabric_job *j = &f->jobs[f->by_demand[0].job];
            if (j->rate_gbps < 0) {
                if (!(level >= j->demand_gbps * (1 - eps))) break;
                freeze_job(f, j, level, &unfrozen);
            }
            demand_pop(f->by_demand, &n_demand);
        }
        /* users of the links saturated at this level */
        while (f->heap_n > 0) {
            int32_t l = f->heap[0];
            double left = f->cap_gbps[l] - f->link_left[l] - level * f->link_unfrozen[l];
            if (!(left <= eps * f->cap_gbps[l])) break;
            for (int32_t u = 0; u < f->n_users[l] && f->heap_pos[l] >= 0; u++) {
                aidc_fabric_job *j = &f->jobs[f->users[l][u]];
                if (j->rate_gbps < 0) freeze_job(f, j, level, &unfrozen);
            }
        }
    }
    return 0;
}

static double job_speed(const aidc_fabric *f, const aidc_fabric_job *j)
{
    const aidc_topology *t = f->topo;
    if (j->comm_fraction <= 0 || j->loc.domains <= 1) return 1.0;
    double g = (double)j->loc.gpus / j->loc.domains;
    double bw = j->n_links ? j->rate_gbps / g : t->cfg.nic_gbps;
    double ideal = comm_time(t, &j->loc, j->bytes, t->cfg.nic_gbps, t->cfg.alpha_leaf_us, f->tree);
    double actual = comm_time(t, &j->loc, j->bytes, bw, tier_alpha_us(t, j->loc.tier), f->tree);
    double compute = ideal * (1 - j->comm_fraction) / j->comm_fraction;
    return (compute + ideal) / (compute + actual);
}

/* Recomputes the component reached from the seed links and reports speeds. */
static int recompute(aidc_fabric *f, const int32_t *seed, int32_t n_seed, aidc_fabric_speed_fn fn,
                     void *ctx)
{
    size_t nl;
    long nj = collect_component(f, seed, n_seed, &nl);
    if (nj < 0) return -1;
    if (water_fill(f, (size_t)nj, nl)) return -1;
    f->recomputes++;
    for (long i = 0; i < nj; i++) {
        uint32_t id = f->comp_jobs[i];
        aidc_fabric_job *j = &f->jobs[id];
        double s = job_speed(f, j);
        f->speed_updates++;
        if (s != j->speed) {
            j->speed = s;
            f->speed_changes++;
            fn(ctx, id, s);
        }
    }
    return 0;
}

static void mark_dirty(aidc_fabric *f, const int32_t *links, int32_t n)
{
    for (int32_t k = 0; k < n; k++)
        if (!f->is_dirty[links[k]]) {
            f->is_dirty[links[k]] = 1;
            f->dirty[f->n_dirty++] = links[k];
        }
}

int aidc_fabric_flush(aidc_fabric *f, aidc_fabric_speed_fn fn, void *ctx)
{
    if (f->n_dirty == 0) return 0;
    for (int32_t k = 0; k < f->n_dirty; k++) f->is_dirty[f->dirty[k]] = 0;
    int32_t n = f->n_dirty;
    f->n_dirty = 0;
    return recompute(f, f->dirty, n, fn, ctx);
}

int aidc_fabric_job_start(aidc_fabric *f, uint32_t job, const aidc_sched_alloc *a, size_t n,
                          double comm_fraction, double bytes, aidc_fabric_speed_fn fn, void *ctx)
{
    const aidc_topology *t = f->topo;
    aidc_fabric_job *j = &f->jobs[job];
    assert(!j->active);
    j->active = true;
    j->comm_fraction = comm_fraction;
    j->bytes = bytes;
    j->speed = 1.0;
    aidc_fabric_locality(t, a, n, &j->loc);
    j->n_links = 0;
    bool crosses = comm_fraction > 0 && j->loc.leaves > 1;
    if (crosses) {
        j->links = malloc((size_t)(j->loc.leaves + (j->loc.pods > 1 ? j->loc.pods : 0)) *
                          sizeof *j->links);
        if (!j->links) return -1;
        /* the distinct leaf groups (and pods) it spans, in index order */
        uint32_t stamp = ++f->stamp;
        for (size_t i = 0; i < n; i++) {
            int32_t l = t->leaf[a[i].node];
            if (f->link_mark[l] != stamp) {
                f->link_mark[l] = stamp;
                j->links[j->n_links++] = l;
            }
        }
        if (j->loc.pods > 1)
            for (size_t i = 0; i < n; i++) {
                int32_t l = t->n_leaves + t->pod[a[i].node];
                if (f->link_mark[l] != stamp) {
                    f->link_mark[l] = stamp;
                    j->links[j->n_links++] = l;
                }
            }
        qsort(j->links, (size_t)j->n_links, sizeof *j->links, cmp_i32);
        /* one ring per rail, each at NIC rate: g rails per domain */
        j->demand_gbps = (double)j->loc.gpus / j->loc.domains * t->cfg.nic_gbps;
        for (int32_t k = 0; k < j->n_links; k++)
            if (add_user(f, j->links[k], job)) return -1;
        if (f->deferred) {
            j->rate_gbps = j->demand_gbps; /* uncontended until the next flush */
            mark_dirty(f, j->links, j->n_links);
            double s = job_speed(f, j);
            if (s != 1.0) {
                j->speed = s;
                fn(ctx, job, s);
            }
            return 0;
        }
        return recompute(f, j->links, j->n_links, fn, ctx);
    }
    double s = job_speed(f, j); /* latency only: no shared links */
    if (s != 1.0) {
        j->speed = s;
        fn(ctx, job, s);
    }
    return 0;
}

void aidc_fabric_job_end(aidc_fabric *f, uint32_t job, aidc_fabric_speed_fn fn, void *ctx)
{
    aidc_fabric_job *j = &f->jobs[job];
    if (!j->active) return;
    j->active = false;
    for (int32_t k = 0; k < j->n_links; k++) remove_user(f, j->links[k], job);
    if (f->deferred) mark_dirty(f, j->links, j->n_links);
    else if (j->n_links > 0 && recompute(f, j->links, j->n_links, fn, ctx) != 0) abort();
    free(j->links);
    j->links = NULL;
    j->n_links = 0;
}
