/* topology — fabric builders; see topology.h.
 *
 * Every fabric is built the same way: vertices (names, kinds) and links (two
 * ends, bandwidth, latency) are appended to flat vectors, and one
 * igraph_create plus four whole-vector attribute sets turn them into the
 * graph. Nothing is added to an igraph_t edge by edge, so a 100k-GPU campus
 * (300k links) builds in milliseconds. The hierarchy arrays are computed from
 * the fabric's parameters, not by searching the graph; only the "graph"
 * fabric derives them from the links it read.
 *
 * Choices the header leaves open, made here:
 *  - Only the "nvlink" fabric has NVLink vertices (one "nvswitch" per domain,
 *    one link of gpus_per_node * nvlink_gbps per node). In the scale-out
 *    fabrics the graph holds the scale-out network alone; NVLink domains live
 *    in `domain` only.
 *  - Rail-optimized: a leaf group is an SU (its gpus_per_node rail leaves).
 *    Its pool is (nodes in the SU * gpus_per_node * nic_gbps) / oversubscription,
 *    the ratio asked for, even for a short last SU. The graph realizes it with
 *    NIC-speed links: each rail leaf has u = ceil(nodes in SU / oversubscription)
 *    uplinks, one to each of u distinct spines (rotated by the leaf's index so
 *    a short SU does not pile onto spine 0); a tier has as many spines as its
 *    largest u. When the ratio is not a whole number of links the graph holds
 *    slightly more capacity than the pool, which is what the contention model
 *    uses. With 3 tiers a pod is sus_per_pod SUs with its own spines, and it is
 *    non-blocking above the leaves: every pod spine has one core link per leaf
 *    link, its pool is the sum of its SUs' pools, and there are as many cores
 *    as the busiest spine has leaf links.
 *  - Fat-tree: the whole k-ary switch fabric is built even when fewer than
 *    k^3/4 nodes exist (hosts fill edge switches in order). Its pools are
 *    physical: an edge switch's is (k/2 host links) / oversubscription whether
 *    or not all its ports are used; a pod's is the sum of its k/2 edge pools.
 *    Edge-aggregation and aggregation-core links carry
 *    host link bandwidth / oversubscription each, so the graph's capacities
 *    equal the pools exactly.
 *  - "graph": a leaf group is a connected set of hosts and the switches their
 *    links reach directly ("leaf switches"): one ToR, or all rail leaves of an
 *    SU. Tier-2 switches are the other switches linked to leaf switches; the
 *    tier-2 switches reached from one leaf group belong to one pod (merged
 *    across groups). A leaf group's pool is the bandwidth of its leaf switches'
 *    links to switches outside the group; a pod's, the bandwidth of its tier-2
 *    switches' links to switches that are neither leaf switches nor in the pod.
 *    A leaf group with no tier-2 switch is a pod of its own with no uplink.
 *    For one-switch groups and one-switch pods this is "the lowest adjacent
 *    switch" rule; for multi-rail or multi-aggregation designs it keeps the
 *    whole capacity, so a GraphML written here and read back as "graph" gives
 *    the same hierarchy (when oversubscription is a whole number of links).
 *    Switches of a fat-tree that have no hosts below are indistinguishable
 *    from cores and count as pod uplinks.
 *  - Groups and pods are numbered in the order of their lowest node.
 *
 * igraph reports errors through one process-wide handler that aborts by
 * default. While this module calls igraph it installs a handler that records
 * the message (in a thread-local buffer, the handler has no user argument)
 * and frees igraph's temporaries, and restores the caller's on the way out. */
#include "models/errmsg.h"
#include "models/topology.h"

#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A fabric this size is a mistake (k = 4096, a typo in nodes), not a campus. */
#define MAX_LINKS (1 << 24)
/* Plausibility bounds for a file's links (the scenario's fabric.nic_gbps has the same ceiling):
 * 1e6 GB/s is far above any link built; a latency above a second is a unit mistake. */
#define MAX_LINK_GBPS 1e6
#define MAX_LINK_US 1e6
#define CSV_HEADER "a,b,bandwidth_gbps,latency_us"

static _Thread_local char ig_reason[512];

static void ig_record(const char *reason, const char *file, int line, igraph_error_t code)
{
    (void)file;
    (void)line;
    (void)code;
    size_t n = strlen(ig_reason);
    /* igraph calls once per frame as the error unwinds; inner frames carry the reason */
    if (reason && reason[0] && n + 3 < sizeof ig_reason)
        snprintf(ig_reason + n, sizeof ig_reason - n, "%s%s", n ? "; " : "", reason);
    IGRAPH_FINALLY_FREE();
}

static const char *ig_msg(igraph_error_t rc)
{
    return ig_reason[0] ? ig_reason : igraph_strerror(rc);
}


/* ---- the graph under construction ---- */

typedef struct {
    igraph_vector_int_t ends; /* two per link */
    igraph_vector_t bw, lat;  /* one per link */
    igraph_strvector_t names, kinds;
    int live;          /* members initialized, in declaration order */
    igraph_error_t rc; /* first failure; later appends do nothing */
} builder;

static void b_fini(builder *b)
{
    if (b->live > 4) igraph_strvector_destroy(&b->kinds);
    if (b->live > 3) igraph_strvector_destroy(&b->names);
    if (b->live > 2) igraph_vector_destroy(&b->lat);
    if (b->live > 1) igraph_vector_destroy(&b->bw);
    if (b->live > 0) igraph_vector_int_destroy(&b->ends);
    b->live = 0;
}

/* Sizes are hints: the vectors grow past them. */
static int b_init(builder *b, int64_t vertices, int64_t links, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    igraph_error_t rc = igraph_vector_int_init(&b->ends, 0);
    if (!rc && ++b->live) rc = igraph_vector_init(&b->bw, 0);
    if (!rc && ++b->live) rc = igraph_vector_init(&b->lat, 0);
    if (!rc && ++b->live) rc = igraph_strvector_init(&b->names, 0);
    if (!rc && ++b->live) rc = igraph_strvector_init(&b->kinds, 0);
    if (!rc && ++b->live) rc = igraph_vector_int_reserve(&b->ends, 2 * links);
    if (!rc) rc = igraph_vector_reserve(&b->bw, links);
    if (!rc) rc = igraph_vector_reserve(&b->lat, links);
    if (!rc) rc = igraph_strvector_reserve(&b->names, vertices);
    if (!rc) rc = igraph_strvector_reserve(&b->kinds, vertices);
    if (rc) {
        b_fini(b);
        return aidc_errf(err, errlen, "building the fabric graph: igraph: %s", ig_msg(rc));
    }
    return 0;
}

static igraph_integer_t b_nvertices(const builder *b)
{
    return igraph_strvector_size(&b->names);
}

/* Appends a vertex; ids count up from 0 in call order. */
static void b_named(builder *b, const char *kind, const char *name)
{
    if (!b->rc) b->rc = igraph_strvector_push_back(&b->names, name);
    if (!b->rc) b->rc = igraph_strvector_push_back(&b->kinds, kind);
}

/* b_named with a generated name. */
__attribute__((format(printf, 3, 4))) static void b_vertex(builder *b, const char *kind,
                                                           const char *fmt, ...)
{
    char name[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    b_named(b, kind, name);
}

static void b_link(builder *b, igraph_integer_t u, igraph_integer_t v, double bw, double lat)
{
    assert(u >= 0 && v >= 0 && u != v && bw > 0 && lat >= 0);
    if (!b->rc) b->rc = igraph_vector_int_push_back(&b->ends, u);
    if (!b->rc) b->rc = igraph_vector_int_push_back(&b->ends, v);
    if (!b->rc) b->rc = igraph_vector_push_back(&b->bw, bw);
    if (!b->rc) b->rc = igraph_vector_push_back(&b->lat, lat);
}

/* Creates t->graph from b. n_nodes > 0 marks the graph as live for fini. */
static int b_finish(builder *b, aidc_topology *t, char *err, size_t errlen)
{
    igraph_integer_t nv = b_nvertices(b), ne = igraph_vector_size(&b->bw);
    if (!b->rc && ne > INT32_MAX)
        return aidc_errf(err, errlen, "fabric too large: %lld links", (long long)ne);
    igraph_error_t rc = b->rc;
    if (!rc) rc = igraph_create(&t->graph, &b->ends, nv, IGRAPH_UNDIRECTED);
    if (!rc) {
        assert(nv >= t->cfg.nodes && t->cfg.nodes > 0);
        t->n_nodes = t->cfg.nodes;
        rc = SETVASV(&t->graph, "name", &b->names);
    }
    if (!rc) rc = SETVASV(&t->graph, "kind", &b->kinds);
    if (!rc) rc = SETEANV(&t->graph, "bandwidth_gbps", &b->bw);
    if (!rc) rc = SETEANV(&t->graph, "latency_us", &b->lat);
    if (rc) return aidc_errf(err, errlen, "building the fabric graph: igraph: %s", ig_msg(rc));
    t->n_switches = (int32_t)(nv - t->cfg.nodes);
    t->n_links = (int32_t)ne;
    return 0;
}

/* ---- validation ---- */

static bool pos_finite(double x)
{
    return isfinite(x) && x > 0;
}

static int32_t domain_nodes(const aidc_topology_cfg *c)
{
    return c->nvlink_domain > c->gpus_per_node ? c->nvlink_domain / c->gpus_per_node : 1;
}

static int check_cfg(const aidc_topology_cfg *c, char *err, size_t errlen)
{
    if (c->kind < AIDC_FABRIC_NVLINK || c->kind > AIDC_FABRIC_GRAPH)
        return aidc_errf(err, errlen, "fabric.type: expected rail-optimized, fat-tree, nvlink or graph");
    if (c->nodes < 1)
        return aidc_errf(err, errlen, "cluster.nodes: expected at least 1 node, found %d", c->nodes);
    if (c->gpus_per_node < 1)
        return aidc_errf(err, errlen, "cluster.gpus_per_node: expected at least 1, found %d",
                    c->gpus_per_node);
    if (c->nvlink_domain < 1)
        return aidc_errf(err, errlen, "nvlink_domain: expected at least 1 GPU, found %d",
                    c->nvlink_domain);
    if (c->nvlink_domain > c->gpus_per_node && c->nvlink_domain % c->gpus_per_node != 0)
        return aidc_errf(
            err, errlen,
            "nvlink_domain: %d GPUs per NVLink domain is not a whole number of %d-GPU nodes",
            c->nvlink_domain, c->gpus_per_node);
    if (!pos_finite(c->nvlink_gbps))
        return aidc_errf(err, errlen, "fabric.nvlink_gbps: expected GB/s > 0, found %g", c->nvlink_gbps);
    if (c->kind != AIDC_FABRIC_NVLINK && !pos_finite(c->nic_gbps))
        return aidc_errf(err, errlen, "fabric.nic_gbps: expected GB/s > 0, found %g", c->nic_gbps);
    const struct {
        const char *key;
        double v;
    } alpha[] = {{"fabric.latency_us.nvlink", c->alpha_nvlink_us},
                 {"fabric.latency_us.leaf", c->alpha_leaf_us},
                 {"fabric.latency_us.spine", c->alpha_spine_us},
                 {"fabric.latency_us.core", c->alpha_core_us}};
    for (size_t i = 0; i < sizeof alpha / sizeof alpha[0]; i++)
        if (!(isfinite(alpha[i].v) && alpha[i].v >= 0))
            return aidc_errf(err, errlen, "%s: expected microseconds >= 0, found %g", alpha[i].key,
                        alpha[i].v);
    if ((c->kind == AIDC_FABRIC_RAIL || c->kind == AIDC_FABRIC_FAT_TREE) &&
        !(isfinite(c->oversubscription) && c->oversubscription >= 1))
        return aidc_errf(err, errlen,
                    "fabric.oversubscription: expected a downlink:uplink ratio >= 1, found %g",
                    c->oversubscription);
    int64_t links = 0;
    if (c->kind == AIDC_FABRIC_RAIL) {
        if (c->nodes_per_su < 1)
            return aidc_errf(err, errlen, "fabric.nodes_per_su: expected at least 1 node, found %d",
                        c->nodes_per_su);
        if (c->sus_per_pod < 0)
            return aidc_errf(err, errlen,
                        "fabric.sus_per_pod: expected 0 (two tiers) or at least 1, found %d",
                        c->sus_per_pod);
        /* host, leaf-spine and spine-core links, one each per NIC; the product of two
           int32 fits int64, three times it may not */
        int64_t nics = (int64_t)c->nodes * c->gpus_per_node;
        links = nics > MAX_LINKS ? nics : 3 * nics;
    } else if (c->kind == AIDC_FABRIC_FAT_TREE) {
        if (c->k < 2 || c->k % 2 != 0 || c->k > 4096)
            return aidc_errf(err, errlen, "fabric.k: expected an even radix from 2 to 4096, found %d",
                        c->k);
        int64_t hosts = (int64_t)c->k * c->k * c->k / 4;
        if (c->nodes > hosts)
            return aidc_errf(err, errlen,
                        "cluster.nodes: %d nodes do not fit a k=%d fat-tree (at most k^3/4 = "
                        "%lld hosts; raise fabric.k)",
                        c->nodes, c->k, (long long)hosts);
        links = 3 * hosts;
    } else if (c->kind == AIDC_FABRIC_GRAPH) {
        if (!c->graph_path || !c->graph_path[0])
            return aidc_errf(err, errlen, "fabric.file: expected a .graphml or .csv file");
    }
    if (links > MAX_LINKS)
        return aidc_errf(err, errlen, "%s: fabric too large: %lld links (at most %d)",
                    c->kind == AIDC_FABRIC_FAT_TREE ? "fabric.k" : "cluster.nodes",
                    (long long)links, MAX_LINKS);
    return 0;
}

/* ---- generated fabrics ---- */

static int alloc_groups(aidc_topology *t, char *err, size_t errlen)
{
    t->leaf_up_gbps = calloc((size_t)t->n_leaves, sizeof *t->leaf_up_gbps);
    t->pod_up_gbps = calloc((size_t)t->n_pods, sizeof *t->pod_up_gbps);
    if (!t->leaf_up_gbps || !t->pod_up_gbps) return aidc_errf(err, errlen, "out of memory");
    return 0;
}

static int build_nvlink(aidc_topology *t, char *err, size_t errlen)
{
    const aidc_topology_cfg *c = &t->cfg;
    int32_t n = c->nodes;
    t->n_leaves = t->n_domains;
    t->n_pods = 1;
    if (alloc_groups(t, err, errlen)) return -1;
    for (int32_t i = 0; i < n; i++) {
        t->leaf[i] = t->domain[i];
        t->pod[i] = 0;
    }
    builder b;
    if (b_init(&b, n + t->n_domains, n, err, errlen)) return -1;
    for (int32_t i = 0; i < n; i++)
        b_vertex(&b, "node", "n%d", i);
    for (int32_t d = 0; d < t->n_domains; d++)
        b_vertex(&b, "nvswitch", "nvl%d", d);
    for (int32_t i = 0; i < n; i++)
        b_link(&b, i, n + t->domain[i], c->gpus_per_node * c->nvlink_gbps, c->alpha_nvlink_us);
    int rc = b_finish(&b, t, err, errlen);
    b_fini(&b);
    return rc;
}

/* Uplinks of one rail leaf whose SU has `nodes` nodes: ceil(nodes / oversubscription),
 * with a little slack so that 4 / (4/3) is 3 and not 4. */
static int32_t rail_uplinks(int32_t nodes, double oversub)
{
    double u = ceil((double)nodes / oversub - 1e-9);
    return u < 1 ? 1 : (int32_t)u;
}

static int build_rail(aidc_topology *t, char *err, size_t errlen)
{
    const aidc_topology_cfg *c = &t->cfg;
    const int32_t n = c->nodes, g = c->gpus_per_node, per = c->nodes_per_su;
    const int32_t n_su = (n - 1) / per + 1; /* rounds up without overflow */
    const bool three = c->sus_per_pod > 0;
    const int32_t spp = three ? c->sus_per_pod : n_su; /* SUs per spine layer */
    t->n_leaves = n_su;
    t->n_pods = three ? (n_su - 1) / spp + 1 : 1;
    if (alloc_groups(t, err, errlen)) return -1;
    const int32_t n_layers = t->n_pods; /* one spine layer per pod, or one in all */

    int32_t *up = malloc((size_t)n_su * sizeof *up);
    int32_t *spines = calloc((size_t)n_layers, sizeof *spines);
    int32_t *spine0 = malloc((size_t)n_layers * sizeof *spine0); /* first spine's vertex id */
    int32_t *down = NULL;
    int rc = -1;
    builder b;
    b.live = 0;
    if (!up || !spines || !spine0) {
        aidc_errf(err, errlen, "out of memory");
        goto out;
    }
    for (int32_t s = 0; s < n_su; s++) {
        int32_t su_nodes = (s + 1) * per <= n ? per : n - s * per;
        up[s] = rail_uplinks(su_nodes, c->oversubscription);
        if (up[s] > spines[s / spp]) spines[s / spp] = up[s];
        t->leaf_up_gbps[s] = (double)su_nodes * g * c->nic_gbps / c->oversubscription;
        if (three) t->pod_up_gbps[s / spp] += t->leaf_up_gbps[s];
    }
    for (int32_t i = 0; i < n; i++) {
        t->leaf[i] = i / per;
        t->pod[i] = three ? i / per / spp : 0;
    }
    const int32_t leaf0 = n;
    int32_t n_spines = 0;
    for (int32_t p = 0; p < n_layers; p++) {
        spine0[p] = leaf0 + n_su * g + n_spines;
        n_spines += spines[p];
    }
    down = calloc((size_t)n_spines, sizeof *down);
    if (!down) {
        aidc_errf(err, errlen, "out of memory");
        goto out;
    }
    if (b_init(&b, (int64_t)n + (int64_t)n_su * g + n_spines, 3 * (int64_t)n * g, err, errlen))
        goto out;
    for (int32_t i = 0; i < n; i++)
        b_vertex(&b, "node", "n%d", i);
    for (int32_t s = 0; s < n_su; s++)
        for (int32_t r = 0; r < g; r++)
            b_vertex(&b, "leaf", "su%d-rail%d-leaf", s, r);
    for (int32_t p = 0; p < n_layers; p++)
        for (int32_t j = 0; j < spines[p]; j++) {
            if (three)
                b_vertex(&b, "spine", "pod%d-spine%d", p, j);
            else
                b_vertex(&b, "spine", "spine%d", j);
        }
    for (int32_t i = 0; i < n; i++)
        for (int32_t r = 0; r < g; r++)
            b_link(&b, i, leaf0 + (i / per) * g + r, c->nic_gbps, c->alpha_leaf_us);
    for (int32_t s = 0; s < n_su; s++) {
        int32_t p = s / spp, m = spines[p];
        for (int32_t r = 0; r < g; r++) {
            int32_t local = (s % spp) * g + r; /* leaf's index within its spine layer */
            for (int32_t k = 0; k < up[s]; k++) {
                int32_t j = (local + k) % m;
                b_link(&b, leaf0 + s * g + r, spine0[p] + j, c->nic_gbps, c->alpha_spine_us);
                down[spine0[p] - spine0[0] + j]++;
            }
        }
    }
    /* every leaf uplink is matched by a core link when there are 3 tiers */
    int64_t want = (int64_t)n * g;
    for (int32_t s = 0; s < n_su; s++)
        want += (int64_t)(three ? 2 : 1) * g * up[s];
    if (three) {
        int32_t n_cores = 0;
        for (int32_t q = 0; q < n_spines; q++)
            if (down[q] > n_cores) n_cores = down[q];
        const int32_t core0 = spine0[0] + n_spines;
        for (int32_t k = 0; k < n_cores; k++)
            b_vertex(&b, "core", "core%d", k);
        for (int32_t q = 0; q < n_spines; q++)
            for (int32_t k = 0; k < down[q]; k++)
                b_link(&b, spine0[0] + q, core0 + (q + k) % n_cores, c->nic_gbps, c->alpha_core_us);
    }
    assert(b.rc || igraph_vector_size(&b.bw) == want);
    (void)want;
    rc = b_finish(&b, t, err, errlen);
out:
    b_fini(&b);
    free(up);
    free(spines);
    free(spine0);
    free(down);
    return rc;
}

static int build_fat_tree(aidc_topology *t, char *err, size_t errlen)
{
    const aidc_topology_cfg *c = &t->cfg;
    const int32_t n = c->nodes, k = c->k, h = k / 2;
    const double host_bw = c->gpus_per_node * c->nic_gbps;
    const double up_bw = host_bw / c->oversubscription; /* per edge-agg and agg-core link */
    t->n_leaves = (n - 1) / h + 1;
    t->n_pods = (n - 1) / (h * h) + 1;
    if (alloc_groups(t, err, errlen)) return -1;
    for (int32_t i = 0; i < n; i++) {
        t->leaf[i] = i / h;
        t->pod[i] = i / (h * h);
    }
    for (int32_t e = 0; e < t->n_leaves; e++)
        t->leaf_up_gbps[e] = h * up_bw;
    for (int32_t p = 0; p < t->n_pods; p++)
        t->pod_up_gbps[p] = (double)h * h * up_bw;

    builder b;
    int64_t hosts = (int64_t)k * k * k / 4;
    if (b_init(&b, n + 5 * (int64_t)k * k / 4, n + 2 * hosts, err, errlen)) return -1;
    for (int32_t i = 0; i < n; i++)
        b_vertex(&b, "node", "n%d", i);
    /* pod p's switches start at n + p*k: k/2 edge, then k/2 aggregation; cores follow */
    for (int32_t p = 0; p < k; p++) {
        for (int32_t e = 0; e < h; e++)
            b_vertex(&b, "edge", "pod%d-edge%d", p, e);
        for (int32_t a = 0; a < h; a++)
            b_vertex(&b, "aggregation", "pod%d-agg%d", p, a);
    }
    const int32_t core0 = n + k * k;
    for (int32_t j = 0; j < h * h; j++)
        b_vertex(&b, "core", "core%d", j);
    for (int32_t i = 0; i < n; i++) {
        int32_t e = i / h;
        b_link(&b, i, n + (e / h) * k + e % h, host_bw, c->alpha_leaf_us);
    }
    for (int32_t p = 0; p < k; p++)
        for (int32_t e = 0; e < h; e++)
            for (int32_t a = 0; a < h; a++)
                b_link(&b, n + p * k + e, n + p * k + h + a, up_bw, c->alpha_spine_us);
    for (int32_t p = 0; p < k; p++)
        for (int32_t a = 0; a < h; a++)
            for (int32_t j = 0; j < h; j++)
                b_link(&b, n + p * k + h + a, core0 + a * h + j, up_bw, c->alpha_core_us);
    assert(b.rc || igraph_vector_size(&b.bw) == n + 2 * hosts);
    int rc = b_finish(&b, t, err, errlen);
    b_fini(&b);
    return rc;
}

/* ---- user-supplied graphs ---- */

/* The node index of a host name "n<i>"; -1 if s is not shaped like a host name,
 * -2 if it is but names no node (out of range, or a leading zero). */
static int32_t host_index(const char *s, int32_t nodes)
{
    assert(s && nodes > 0);
    if (s[0] != 'n' || s[1] < '0' || s[1] > '9') return -1;
    int64_t v = 0;
    const char *p = s + 1;
    for (; *p >= '0' && *p <= '9'; p++)
        if (v <= INT32_MAX) v = v * 10 + (*p - '0');
    if (*p) return -1;
    if ((s[1] == '0' && s[2]) || v >= nodes) return -2;
    return (int32_t)v;
}

static FILE *open_input(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        aidc_errf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        aidc_errf(err, errlen, "%s: is a directory, expected a .graphml or .csv file", path);
        return NULL;
    }
    return f;
}

static void union_init(int32_t *uf, int64_t n)
{
    for (int64_t i = 0; i < n; i++)
        uf[i] = (int32_t)i;
}

static int32_t find(int32_t *uf, int32_t x)
{
    while (uf[x] != x) {
        uf[x] = uf[uf[x]];
        x = uf[x];
    }
    return x;
}

static void unite(int32_t *uf, int32_t a, int32_t b)
{
    a = find(uf, a);
    b = find(uf, b);
    if (a != b) uf[a > b ? a : b] = a < b ? a : b;
}

enum { ROLE_OTHER = 0, ROLE_LEAF, ROLE_TIER2, ROLE_HOST };

/* Derives leaf groups, pods and pools from the links in b (hosts are vertices
 * 0..nodes-1, every link has at least one switch end). See the top of the file.
 * With set_kinds, switch kinds become "leaf", "spine" (tier 2) or "switch". */
static int derive_hierarchy(aidc_topology *t, builder *b, bool set_kinds, const char *src,
                            char *err, size_t errlen)
{
    const int32_t n = t->cfg.nodes;
    const int64_t nv = b_nvertices(b), ne = igraph_vector_size(&b->bw);
    const igraph_integer_t *ends = VECTOR(b->ends);
    const double *bw = VECTOR(b->bw);
    int rc = -1;
    int32_t *uf = malloc((size_t)nv * sizeof *uf);
    int32_t *gid = malloc((size_t)nv * sizeof *gid); /* leaf group of a root */
    int32_t *pid = malloc((size_t)nv * sizeof *pid); /* pod of a root */
    unsigned char *role = calloc((size_t)nv, 1);
    int32_t *rep = malloc((size_t)n * sizeof *rep);   /* per group: a tier-2 switch */
    int32_t *gpod = malloc((size_t)n * sizeof *gpod); /* per group: its pod */
    if (!uf || !gid || !pid || !role || !rep || !gpod) {
        aidc_errf(err, errlen, "out of memory");
        goto out;
    }
    union_init(uf, nv);
    for (int64_t v = 0; v < nv; v++)
        gid[v] = pid[v] = -1;
    for (int32_t g = 0; g < n; g++)
        rep[g] = gpod[g] = -1;

    for (int64_t e = 0; e < ne; e++) {
        int32_t u = (int32_t)ends[2 * e], v = (int32_t)ends[2 * e + 1];
        assert(u != v && (u >= n || v >= n));
        if (u < n || v < n) {
            int32_t h = u < n ? u : v, s = u < n ? v : u;
            role[h] = ROLE_HOST;
            role[s] = ROLE_LEAF;
            unite(uf, h, s);
        }
    }
    for (int32_t i = 0; i < n; i++)
        if (role[i] != ROLE_HOST) {
            aidc_errf(err, errlen, "%s: host n%d has no link to a switch", src, i);
            goto out;
        }
    t->n_leaves = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t r = find(uf, i);
        if (gid[r] < 0) gid[r] = t->n_leaves++;
        t->leaf[i] = gid[r];
    }
    for (int64_t e = 0; e < ne; e++) {
        int32_t u = (int32_t)ends[2 * e], v = (int32_t)ends[2 * e + 1];
        if (role[u] == ROLE_LEAF && role[v] == ROLE_OTHER) role[v] = ROLE_TIER2;
        if (role[v] == ROLE_LEAF && role[u] == ROLE_OTHER) role[u] = ROLE_TIER2;
    }
    /* tier-2 switches are singletons so far: uniting them never touches a group */
    for (int64_t e = 0; e < ne; e++) {
        int32_t u = (int32_t)ends[2 * e], v = (int32_t)ends[2 * e + 1];
        if (role[v] == ROLE_LEAF) {
            int32_t x = u;
            u = v;
            v = x;
        }
        if (role[u] != ROLE_LEAF || role[v] != ROLE_TIER2) continue;
        int32_t g = gid[find(uf, u)];
        if (rep[g] < 0)
            rep[g] = v;
        else
            unite(uf, rep[g], v);
    }
    t->n_pods = 0;
    for (int32_t i = 0; i < n; i++) {
        int32_t g = t->leaf[i];
        if (gpod[g] < 0) {
            if (rep[g] < 0) {
                gpod[g] = t->n_pods++;
            } else {
                int32_t r = find(uf, rep[g]);
                if (pid[r] < 0) pid[r] = t->n_pods++;
                gpod[g] = pid[r];
            }
        }
        t->pod[i] = gpod[g];
    }
    /* leaf switches of two groups linked directly (no tier-2 switch between them) share a pod:
     * their traffic never leaves it. Pods are merged with a union-find of their own, then
     * renumbered in host order. */
    {
        int32_t *pu = malloc((size_t)t->n_pods * sizeof *pu), *renum = malloc((size_t)t->n_pods * sizeof *renum);
        if (!pu || !renum) {
            free(pu);
            free(renum);
            aidc_errf(err, errlen, "out of memory");
            goto out;
        }
        union_init(pu, t->n_pods);
        for (int64_t e = 0; e < ne; e++) {
            int32_t u = (int32_t)ends[2 * e], v = (int32_t)ends[2 * e + 1];
            if (role[u] != ROLE_LEAF || role[v] != ROLE_LEAF) continue;
            int32_t gu = gid[find(uf, u)], gv = gid[find(uf, v)];
            if (gu != gv) unite(pu, gpod[gu], gpod[gv]);
        }
        int32_t np = 0;
        for (int32_t p = 0; p < t->n_pods; p++) renum[p] = -1;
        for (int32_t i = 0; i < n; i++) {
            int32_t r = find(pu, t->pod[i]);
            if (renum[r] < 0) renum[r] = np++;
        }
        for (int32_t i = 0; i < n; i++) t->pod[i] = renum[find(pu, t->pod[i])];
        for (int64_t v = 0; v < nv; v++)
            if (pid[v] >= 0) pid[v] = renum[find(pu, pid[v])];
        for (int32_t g = 0; g < n; g++)
            if (gpod[g] >= 0) gpod[g] = renum[find(pu, gpod[g])];
        t->n_pods = np;
        free(pu);
        free(renum);
    }
    assert(t->n_leaves >= 1 && t->n_pods >= 1 && t->n_pods <= t->n_leaves);
    if (alloc_groups(t, err, errlen)) goto out;
    for (int64_t e = 0; e < ne; e++) {
        int32_t end[2] = {(int32_t)ends[2 * e], (int32_t)ends[2 * e + 1]};
        if (end[0] < n || end[1] < n) continue;
        for (int k = 0; k < 2; k++) {
            int32_t x = end[k], y = end[1 - k];
            int32_t rx = find(uf, x), ry = find(uf, y);
            if (role[x] == ROLE_LEAF && !(role[y] == ROLE_LEAF && gid[ry] == gid[rx]))
                t->leaf_up_gbps[gid[rx]] += bw[e];
            if (role[x] == ROLE_TIER2 && role[y] != ROLE_LEAF &&
                !(role[y] == ROLE_TIER2 && pid[ry] == pid[rx]))
                t->pod_up_gbps[pid[rx]] += bw[e];
        }
    }
    /* a group or pod with no way out would give a job spanning it zero bandwidth */
    for (int32_t i = 0; i < n; i++) {
        if (t->n_leaves > 1 && !(t->leaf_up_gbps[t->leaf[i]] > 0)) {
            aidc_errf(err, errlen,
                      "%s: the switches host n%d attaches to have no link to any other switch: "
                      "the fabric is disconnected", src, i);
            goto out;
        }
        if (t->n_pods > 1 && !(t->pod_up_gbps[t->pod[i]] > 0)) {
            aidc_errf(err, errlen,
                      "%s: host n%d's part of the fabric has no link to the rest: the fabric is "
                      "disconnected", src, i);
            goto out;
        }
    }
    if (set_kinds) {
        for (int64_t v = n; v < nv; v++) {
            const char *kind = role[v] == ROLE_LEAF    ? "leaf"
                               : role[v] == ROLE_TIER2 ? "spine"
                                                       : "switch";
            igraph_error_t irc = igraph_strvector_set(&b->kinds, v, kind);
            if (irc) {
                aidc_errf(err, errlen, "building the fabric graph: igraph: %s", ig_msg(irc));
                goto out;
            }
        }
    }
    rc = 0;
out:
    free(uf);
    free(gid);
    free(pid);
    free(role);
    free(rep);
    free(gpod);
    return rc;
}

/* Switch names of an edge CSV, mapped to their order of first appearance. */
typedef struct {
    char **names;
    int32_t n, cap;
    int32_t *slot; /* index + 1, 0 = empty; nslot is a power of two */
    size_t nslot;
} nametab;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void nametab_fini(nametab *nt)
{
    for (int32_t i = 0; i < nt->n; i++)
        free(nt->names[i]);
    free(nt->names);
    free(nt->slot);
    memset(nt, 0, sizeof *nt);
}

/* The index of name, added if new; -1 when out of memory. */
static int32_t nametab_get(nametab *nt, const char *name)
{
    if ((size_t)(nt->n + 1) * 2 > nt->nslot) {
        size_t ns = nt->nslot ? nt->nslot * 2 : 64;
        int32_t *slot = calloc(ns, sizeof *slot);
        if (!slot) return -1;
        for (int32_t i = 0; i < nt->n; i++) {
            size_t j = hash_str(nt->names[i]) & (ns - 1);
            while (slot[j])
                j = (j + 1) & (ns - 1);
            slot[j] = i + 1;
        }
        free(nt->slot);
        nt->slot = slot;
        nt->nslot = ns;
    }
    size_t j = hash_str(name) & (nt->nslot - 1);
    for (; nt->slot[j]; j = (j + 1) & (nt->nslot - 1))
        if (strcmp(nt->names[nt->slot[j] - 1], name) == 0) return nt->slot[j] - 1;
    if (nt->n == nt->cap) {
        int32_t cap = nt->cap ? 2 * nt->cap : 64;
        char **names = realloc(nt->names, (size_t)cap * sizeof *names);
        if (!names) return -1;
        nt->names = names;
        nt->cap = cap;
    }
    char *copy = strdup(name);
    if (!copy) return -1;
    nt->names[nt->n] = copy;
    nt->slot[j] = nt->n + 1;
    return nt->n++;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t len = strlen(s);
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' || s[len - 1] == '\n'))
        s[--len] = '\0';
    return s;
}

/* Parses a number from a whole field; an empty field gives dflt. */
static bool parse_num(const char *s, double dflt, double *out)
{
    if (!*s) {
        *out = dflt;
        return true;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) return false;
    *out = v;
    return true;
}

/* Reads an edge CSV: header a,b,bandwidth_gbps,latency_us, then one link per
 * line; blank lines and lines starting with '#' are skipped; an empty
 * bandwidth or latency takes nic_gbps or alpha_leaf_us. Hosts are the
 * vertices n0..n{nodes-1}; switches follow in order of first appearance. */
static int load_csv(builder *b, const aidc_topology_cfg *c, const char *path, char *err,
                    size_t errlen)
{
    FILE *f = open_input(path, err, errlen);
    if (!f) return -1;
    const int32_t n = c->nodes;
    nametab nt = {0};
    char *line = NULL;
    size_t cap = 0;
    unsigned lineno = 0;
    bool header = false;
    int rc = -1;
    for (int32_t i = 0; i < n; i++)
        b_vertex(b, "node", "n%d", i);
    for (;;) {
        errno = 0;
        ssize_t len = getline(&line, &cap, f);
        if (len < 0) break;
        lineno++;
        char *s = trim(line);
        if (!*s || *s == '#') continue;
        char *field[5];
        int nf = 0;
        for (char *p = s;; p++) {
            char *comma = strchr(p, ',');
            if (nf < 5) field[nf] = p;
            nf++;
            if (!comma) break;
            *comma = '\0';
            p = comma;
        }
        for (int k = 0; k < nf && k < 5; k++)
            field[k] = trim(field[k]);
        if (!header) {
            if (nf != 4 || strcmp(field[0], "a") || strcmp(field[1], "b") ||
                strcmp(field[2], "bandwidth_gbps") || strcmp(field[3], "latency_us")) {
                aidc_errf(err, errlen, "%s:%u: expected the header %s", path, lineno, CSV_HEADER);
                goto out;
            }
            header = true;
            continue;
        }
        if (nf != 4) {
            aidc_errf(err, errlen, "%s:%u: expected 4 fields (%s), found %d", path, lineno, CSV_HEADER,
                 nf);
            goto out;
        }
        int32_t id[2];
        for (int k = 0; k < 2; k++) {
            const char *name = field[k];
            if (!*name) {
                aidc_errf(err, errlen, "%s:%u: column \"%s\": empty vertex name", path, lineno,
                     k ? "b" : "a");
                goto out;
            }
            int32_t h = host_index(name, n);
            if (h == -2) {
                aidc_errf(err, errlen,
                     "%s:%u: unknown host \"%s\": hosts are n0..n%d (cluster.nodes = %d)", path,
                     lineno, name, n - 1, n);
                goto out;
            }
            if (h >= 0) {
                id[k] = h;
                continue;
            }
            int32_t before = nt.n, sw = nametab_get(&nt, name);
            if (sw < 0) {
                aidc_errf(err, errlen, "%s:%u: out of memory", path, lineno);
                goto out;
            }
            if (sw == before) b_named(b, "switch", name);
            id[k] = n + sw;
        }
        if (id[0] == id[1]) {
            aidc_errf(err, errlen, "%s:%u: link from \"%s\" to itself", path, lineno, field[0]);
            goto out;
        }
        if (id[0] < n && id[1] < n) {
            aidc_errf(err, errlen,
                 "%s:%u: link between two hosts \"%s\" and \"%s\"; hosts attach "
                 "to switches",
                 path, lineno, field[0], field[1]);
            goto out;
        }
        double bw, lat;
        if (!parse_num(field[2], c->nic_gbps, &bw) || !(bw > 0 && bw <= MAX_LINK_GBPS)) {
            aidc_errf(err, errlen,
                 "%s:%u: column \"bandwidth_gbps\": expected GB/s > 0 and at most %g, found \"%s\"",
                 path, lineno, MAX_LINK_GBPS, field[2]);
            goto out;
        }
        if (!parse_num(field[3], c->alpha_leaf_us, &lat) || !(lat >= 0 && lat <= MAX_LINK_US)) {
            aidc_errf(err, errlen,
                 "%s:%u: column \"latency_us\": expected microseconds from 0 to %g, found \"%s\"",
                 path, lineno, MAX_LINK_US, field[3]);
            goto out;
        }
        b_link(b, id[0], id[1], bw, lat);
        if (igraph_vector_size(&b->bw) > MAX_LINKS) {
            aidc_errf(err, errlen, "%s:%u: fabric too large (at most %d links)", path, lineno,
                 MAX_LINKS);
            goto out;
        }
    }
    if (ferror(f)) {
        aidc_errf(err, errlen, "%s: cannot read: %s", path, strerror(errno ? errno : EIO));
        goto out;
    }
    if (!header) {
        aidc_errf(err, errlen, "%s: file is empty (expected the header %s)", path, CSV_HEADER);
        goto out;
    }
    if (b->rc) {
        aidc_errf(err, errlen, "%s: igraph: %s", path, ig_msg(b->rc));
        goto out;
    }
    rc = 0;
out:
    free(line);
    nametab_fini(&nt);
    fclose(f);
    return rc;
}

/* The type of a vertex or edge attribute of g, or -1 if g has none by that name. */
static int attr_type(const igraph_strvector_t *names, const igraph_vector_int_t *types,
                     const char *name)
{
    for (igraph_integer_t i = 0; i < igraph_strvector_size(names); i++)
        if (strcmp(igraph_strvector_get(names, i), name) == 0) return (int)VECTOR(*types)[i];
    return -1;
}

typedef struct {
    igraph_t g;
    bool g_live;
    igraph_strvector_t gn, vn, en, kind, name;
    igraph_vector_int_t gt, vt, et, el;
    igraph_vector_t bw, lat;
    int live;
} graphml_tmp;

static void graphml_tmp_fini(graphml_tmp *x)
{
    igraph_strvector_t *sv[] = {&x->gn, &x->vn, &x->en, &x->kind, &x->name};
    igraph_vector_int_t *iv[] = {&x->gt, &x->vt, &x->et, &x->el};
    igraph_vector_t *dv[] = {&x->bw, &x->lat};
    int k = 0;
    for (size_t i = 0; i < 5; i++)
        if (k++ < x->live) igraph_strvector_destroy(sv[i]);
    for (size_t i = 0; i < 4; i++)
        if (k++ < x->live) igraph_vector_int_destroy(iv[i]);
    for (size_t i = 0; i < 2; i++)
        if (k++ < x->live) igraph_vector_destroy(dv[i]);
    if (x->g_live) igraph_destroy(&x->g);
}

/* Reads a GraphML graph: vertex attribute "kind" ("node" for hosts, anything else is a
 * switch and kept as its kind), names from "name" or else the GraphML node id; hosts
 * must be n0..n{nodes-1}, each once. Edge attributes bandwidth_gbps and latency_us are
 * optional, per edge or whole, defaulting to nic_gbps and alpha_leaf_us. A directed
 * graph is read as undirected, one link per edge. Other attributes are dropped. */
static int load_graphml(builder *b, const aidc_topology_cfg *c, const char *path, char *err,
                        size_t errlen)
{
    FILE *f = open_input(path, err, errlen);
    if (!f) return -1;
    graphml_tmp x;
    memset(&x, 0, sizeof x);
    int32_t *newid = NULL, *seen = NULL; /* seen[i]: host n<i> was found */
    const int32_t n = c->nodes;
    int rc = -1;
    ig_reason[0] = '\0';
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && st.st_size == 0) {
        fclose(f);
        return aidc_errf(err, errlen, "%s: file is empty (expected a GraphML document)", path);
    }
    igraph_error_t irc = igraph_read_graph_graphml(&x.g, f, 0);
    fclose(f);
    if (irc) return aidc_errf(err, errlen, "%s: igraph: %s", path, ig_msg(irc));
    x.g_live = true;
    igraph_strvector_t *sv[] = {&x.gn, &x.vn, &x.en, &x.kind, &x.name};
    igraph_vector_int_t *iv[] = {&x.gt, &x.vt, &x.et, &x.el};
    for (size_t i = 0; i < 5 && !irc; i++)
        if (!(irc = igraph_strvector_init(sv[i], 0))) x.live++;
    for (size_t i = 0; i < 4 && !irc; i++)
        if (!(irc = igraph_vector_int_init(iv[i], 0))) x.live++;
    if (!irc && !(irc = igraph_vector_init(&x.bw, 0))) x.live++;
    if (!irc && !(irc = igraph_vector_init(&x.lat, 0))) x.live++;
    if (!irc) irc = igraph_cattribute_list(&x.g, &x.gn, &x.gt, &x.vn, &x.vt, &x.en, &x.et);
    if (irc) {
        aidc_errf(err, errlen, "%s: igraph: %s", path, ig_msg(irc));
        goto out;
    }
    const igraph_integer_t nv = igraph_vcount(&x.g), ne = igraph_ecount(&x.g);
    if (attr_type(&x.vn, &x.vt, "kind") != IGRAPH_ATTRIBUTE_STRING) {
        aidc_errf(err, errlen,
             "%s: expected a string vertex attribute \"kind\" (\"node\" for hosts, else a "
             "switch)",
             path);
        goto out;
    }
    const char *name_attr = attr_type(&x.vn, &x.vt, "name") == IGRAPH_ATTRIBUTE_STRING ? "name"
                            : attr_type(&x.vn, &x.vt, "id") == IGRAPH_ATTRIBUTE_STRING ? "id"
                                                                                       : NULL;
    const char *eattr[2] = {"bandwidth_gbps", "latency_us"};
    igraph_vector_t *ev[2] = {&x.bw, &x.lat};
    for (int k = 0; k < 2; k++) {
        int type = attr_type(&x.en, &x.et, eattr[k]);
        if (type >= 0 && type != IGRAPH_ATTRIBUTE_NUMERIC) {
            aidc_errf(err, errlen, "%s: edge attribute \"%s\": expected attr.type double", path,
                 eattr[k]);
            goto out;
        }
        if (type < 0) {
            irc = igraph_vector_resize(ev[k], ne);
            if (!irc) igraph_vector_fill(ev[k], NAN);
        } else {
            irc =
                igraph_cattribute_EANV(&x.g, eattr[k], igraph_ess_all(IGRAPH_EDGEORDER_ID), ev[k]);
        }
        if (irc) break;
    }
    if (!irc) irc = igraph_cattribute_VASV(&x.g, "kind", igraph_vss_all(), &x.kind);
    if (!irc && name_attr) irc = igraph_cattribute_VASV(&x.g, name_attr, igraph_vss_all(), &x.name);
    if (!irc) irc = igraph_get_edgelist(&x.g, &x.el, 0);
    if (irc) {
        aidc_errf(err, errlen, "%s: igraph: %s", path, ig_msg(irc));
        goto out;
    }
    newid = malloc((size_t)(nv ? nv : 1) * sizeof *newid);
    seen = calloc((size_t)n, sizeof *seen);
    if (!newid || !seen) {
        aidc_errf(err, errlen, "out of memory");
        goto out;
    }
    int32_t n_sw = 0;
    for (igraph_integer_t v = 0; v < nv; v++) {
        const char *kind = igraph_strvector_get(&x.kind, v);
        const char *name = name_attr ? igraph_strvector_get(&x.name, v) : "";
        if (!kind[0]) {
            aidc_errf(err, errlen, "%s: vertex %lld \"%s\" has no kind", path, (long long)v, name);
            goto out;
        }
        if (strcmp(kind, "node") != 0) {
            newid[v] = n + n_sw++;
            continue;
        }
        int32_t h = host_index(name, n);
        if (h < 0 || seen[h]) {
            if (h >= 0)
                aidc_errf(err, errlen, "%s: host \"%s\" appears twice", path, name);
            else
                aidc_errf(err, errlen, "%s: unknown host \"%s\": hosts are n0..n%d (cluster.nodes = %d)",
                     path, name, n - 1, n);
            goto out;
        }
        seen[h] = 1;
        newid[v] = h;
    }
    for (int32_t i = 0; i < n; i++)
        if (!seen[i]) {
            aidc_errf(err, errlen, "%s: no host n%d (cluster.nodes = %d: expected hosts n0..n%d)", path,
                 i, n, n - 1);
            goto out;
        }
    for (int32_t i = 0; i < n; i++)
        b_vertex(b, "node", "n%d", i);
    for (igraph_integer_t v = 0; v < nv; v++)
        if (newid[v] >= n) {
            if (name_attr)
                b_named(b, igraph_strvector_get(&x.kind, v), igraph_strvector_get(&x.name, v));
            else
                b_vertex(b, igraph_strvector_get(&x.kind, v), "s%lld", (long long)v);
        }
    for (igraph_integer_t e = 0; e < ne; e++) {
        igraph_integer_t u0 = VECTOR(x.el)[2 * e], v0 = VECTOR(x.el)[2 * e + 1];
        int32_t u = newid[u0], v = newid[v0];
        if (b->rc) break;
        const char *un = igraph_strvector_get(&b->names, u);
        const char *vn = igraph_strvector_get(&b->names, v);
        if (u == v) {
            aidc_errf(err, errlen, "%s: link %lld from \"%s\" to itself", path, (long long)e, un);
            goto out;
        }
        if (u < n && v < n) {
            aidc_errf(err, errlen,
                 "%s: link %lld between two hosts \"%s\" and \"%s\"; hosts attach to switches",
                 path, (long long)e, un, vn);
            goto out;
        }
        double bw = VECTOR(x.bw)[e], lat = VECTOR(x.lat)[e];
        if (isnan(bw)) bw = c->nic_gbps;
        if (isnan(lat)) lat = c->alpha_leaf_us;
        if (!pos_finite(bw) || bw > MAX_LINK_GBPS) {
            aidc_errf(err, errlen,
                 "%s: link %lld (\"%s\" -- \"%s\"): bandwidth_gbps: expected GB/s "
                 "> 0 and at most %g, found %g",
                 path, (long long)e, un, vn, MAX_LINK_GBPS, bw);
            goto out;
        }
        if (!(isfinite(lat) && lat >= 0 && lat <= MAX_LINK_US)) {
            aidc_errf(err, errlen,
                 "%s: link %lld (\"%s\" -- \"%s\"): latency_us: expected "
                 "microseconds from 0 to %g, found %g",
                 path, (long long)e, un, vn, MAX_LINK_US, lat);
            goto out;
        }
        b_link(b, u, v, bw, lat);
    }
    if (ne > MAX_LINKS) {
        aidc_errf(err, errlen, "%s: fabric too large: %lld links (at most %d)", path, (long long)ne,
             MAX_LINKS);
        goto out;
    }
    if (b->rc) {
        aidc_errf(err, errlen, "%s: igraph: %s", path, ig_msg(b->rc));
        goto out;
    }
    rc = 0;
out:
    free(newid);
    free(seen);
    graphml_tmp_fini(&x);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int build_graph(aidc_topology *t, char *err, size_t errlen)
{
    const char *path = t->cfg.graph_path;
    bool csv = ends_with(path, ".csv");
    if (!csv && !ends_with(path, ".graphml") && !ends_with(path, ".xml"))
        return aidc_errf(err, errlen, "fabric.file: \"%s\": expected a .graphml or .csv file", path);
    builder b;
    if (b_init(&b, t->cfg.nodes, t->cfg.nodes, err, errlen)) return -1;
    int rc = csv ? load_csv(&b, &t->cfg, path, err, errlen)
                 : load_graphml(&b, &t->cfg, path, err, errlen);
    if (!rc) rc = derive_hierarchy(t, &b, csv, path, err, errlen);
    if (!rc) rc = b_finish(&b, t, err, errlen);
    b_fini(&b);
    return rc;
}

/* ---- public ---- */

const char *aidc_topology_kind_name(aidc_fabric_kind k)
{
    switch (k) {
    case AIDC_FABRIC_NVLINK:
        return "nvlink";
    case AIDC_FABRIC_RAIL:
        return "rail-optimized";
    case AIDC_FABRIC_FAT_TREE:
        return "fat-tree";
    case AIDC_FABRIC_GRAPH:
        return "graph";
    }
    return "unknown";
}

int aidc_topology_build(aidc_topology *t, const aidc_topology_cfg *cfg, char *err, size_t errlen)
{
    assert(t && cfg);
    memset(t, 0, sizeof *t);
    if (check_cfg(cfg, err, errlen)) return -1;
    igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_error_handler_t *old = igraph_set_error_handler(ig_record);
    ig_reason[0] = '\0';
    t->cfg = *cfg;
    t->cfg.graph_path = NULL;
    const int32_t n = cfg->nodes, dn = domain_nodes(cfg);
    int rc = -1;
    if (cfg->graph_path && !(t->cfg.graph_path = strdup(cfg->graph_path))) {
        aidc_errf(err, errlen, "out of memory");
        goto out;
    }
    t->domain = malloc((size_t)n * sizeof *t->domain);
    t->leaf = malloc((size_t)n * sizeof *t->leaf);
    t->pod = malloc((size_t)n * sizeof *t->pod);
    if (!t->domain || !t->leaf || !t->pod) {
        aidc_errf(err, errlen, "out of memory");
        goto out;
    }
    for (int32_t i = 0; i < n; i++)
        t->domain[i] = i / dn;
    t->n_domains = (n - 1) / dn + 1;
    switch (cfg->kind) {
    case AIDC_FABRIC_NVLINK:
        rc = build_nvlink(t, err, errlen);
        break;
    case AIDC_FABRIC_RAIL:
        rc = build_rail(t, err, errlen);
        break;
    case AIDC_FABRIC_FAT_TREE:
        rc = build_fat_tree(t, err, errlen);
        break;
    case AIDC_FABRIC_GRAPH:
        rc = build_graph(t, err, errlen);
        break;
    }
out:
    igraph_set_error_handler(old);
    if (rc) {
        aidc_topology_fini(t);
        return rc;
    }
    assert(t->n_nodes == n && t->leaf_up_gbps && t->pod_up_gbps);
    for (int32_t i = 0; i < n; i++)
        assert(t->leaf[i] >= 0 && t->leaf[i] < t->n_leaves && t->pod[i] >= 0 &&
               t->pod[i] < t->n_pods && t->domain[i] < t->n_domains);
    return 0;
}

/* Safe on a zeroed struct: the graph exists exactly when n_nodes > 0, and a
 * failed build leaves the struct zeroed. Also frees the copy of graph_path. */
void aidc_topology_fini(aidc_topology *t)
{
    if (t->n_nodes > 0) igraph_destroy(&t->graph);
    free(t->domain);
    free(t->leaf);
    free(t->pod);
    free(t->leaf_up_gbps);
    free(t->pod_up_gbps);
    free((char *)t->cfg.graph_path);
    memset(t, 0, sizeof *t);
}

int aidc_topology_write_graphml(const aidc_topology *t, const char *path, char *err, size_t errlen)
{
    assert(t->n_nodes > 0);
    size_t len = strlen(path) + 32;
    char *tmp = malloc(len);
    if (!tmp) return aidc_errf(err, errlen, "%s: out of memory", path);
    snprintf(tmp, len, "%s.tmp-%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f) {
        aidc_errf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
        free(tmp);
        return -1;
    }
    igraph_set_attribute_table(&igraph_cattribute_table);
    igraph_error_handler_t *old = igraph_set_error_handler(ig_record);
    ig_reason[0] = '\0';
    igraph_error_t irc = igraph_write_graph_graphml(&t->graph, f, false);
    igraph_set_error_handler(old);
    int rc = 0;
    bool bad = ferror(f) != 0;
    errno = 0;
    if (fclose(f) != 0) bad = true;
    if (irc) {
        rc = aidc_errf(err, errlen, "%s: igraph: %s", path, ig_msg(irc));
    } else if (bad) {
        rc = aidc_errf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno ? errno : EIO));
    } else if (rename(tmp, path) != 0) {
        rc = aidc_errf(err, errlen, "%s: cannot rename to %s: %s", tmp, path, strerror(errno));
    }
    if (rc) unlink(tmp);
    free(tmp);
    return rc;
}
