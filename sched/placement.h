/* placement — where a job's GPUs go, as pure functions over the node view,
 * so every policy places the same way and a policy stays short.
 *
 * Rules (foundation): whole GPUs only. A job that fits in one node goes to a
 * single node with enough free GPUs, CPUs and memory, choosing the node with
 * the fewest free GPUs that still fit (best fit: it keeps whole nodes free
 * for large jobs), lowest index on ties. A job larger than a node takes whole
 * free nodes (all their GPUs), lowest indices first; its CPU and memory
 * request is split evenly across them. Jobs never share a node with a
 * larger-than-a-node job.
 * Units: memory in GiB. */
#ifndef AIDC_SCHED_PLACEMENT_H
#define AIDC_SCHED_PLACEMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/aidc_policy.h"

/* Placement strategies, chosen per policy with the "placement" parameter. */
typedef enum aidc_place_strategy {
    AIDC_PLACE_BEST_FIT = 0,   /* the rules above */
    AIDC_PLACE_TOPOLOGY_AWARE, /* multi-node jobs in the smallest NVLink domain, else leaf
                                  group, else pod that holds them; else the fewest groups */
    AIDC_PLACE_SPREAD,         /* the opposite, for comparison: one node per leaf group in
                                  turn; single-node jobs on the emptiest leaf group */
    AIDC_PLACE_FIRST_FIT,      /* the lowest-numbered node with room (and GPU, for a share) */
    AIDC_PLACE_FGD             /* fragmentation-aware (see "GPU sharing" below); without a
                                  request model aidc_place treats it as best-fit */
} aidc_place_strategy;

/* "best-fit", "topology-aware", "spread", "first-fit", "fgd"; -1 when unknown. */
int aidc_place_strategy_parse(const char *name);
const char *aidc_place_strategy_name(aidc_place_strategy s);

/* Whether the job fits one node's size (at most as many GPUs as the largest
 * node of its type): such jobs go to one node, larger ones take whole nodes.
 * Stops at the first node big enough. */
bool aidc_place_fits_one_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job);

/* The most GPUs one node of a type the job accepts has (0: none). */
int32_t aidc_place_largest_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job);

/* Whether one node has room for the whole job (its type, GPUs, CPUs and
 * memory), and whether it is idle and of the job's type: the two tests every
 * strategy's one-node and whole-node placements are built on. */
/* Whether node nd has a GPU type the job accepts (any, one type, or one of a set). */
bool aidc_place_type_ok(const aidc_sched_node *nd, const aidc_sched_job *job);
bool aidc_place_node_has_room(const aidc_sched_node *nd, const aidc_sched_job *job);
bool aidc_place_node_idle_fit(const aidc_sched_node *nd, const aidc_sched_job *job);
/* Whether the node is entirely free (GPUs, CPUs, memory) and has GPUs at all. */
bool aidc_place_node_idle(const aidc_sched_node *nd);

/* aidc_place_whole with a strategy. */
bool aidc_place(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                aidc_place_strategy strategy, aidc_sched_alloc *out, size_t max_out,
                size_t *n_out);

/* aidc_place for a caller that knows the job's class: whole is
 * !aidc_place_fits_one_node(nodes, n, job), saving that scan per call. */
bool aidc_place_classed(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                        aidc_place_strategy strategy, bool whole, aidc_sched_alloc *out,
                        size_t max_out, size_t *n_out);

/* Locality levels of the node labels. */
enum { AIDC_LEVEL_NODE = 0, AIDC_LEVEL_DOMAIN = 1, AIDC_LEVEL_LEAF = 2, AIDC_LEVEL_POD = 3 };

/* The smallest enclosing subtree: of the groups at `level` that have enough
 * idle whole nodes (multi-node jobs) or one node with room (others) for job,
 * the one with the fewest free GPUs; -1 when none. */
int32_t aidc_place_smallest_group(const aidc_sched_node *nodes, size_t n,
                                  const aidc_sched_job *job, int level);

/* Candidates ranked by locality: the groups at `level` that could hold the
 * job now, tightest first (fewest free GPUs, then lowest index). Writes up
 * to max_out group labels into out; returns how many. */
size_t aidc_place_rank_groups(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                              int level, int32_t *out, size_t max_out);

/* The highest tier separating two allocations: 0 the same single node, 1
 * one NVLink domain, 2 one leaf group, 3 one pod, 4 several pods. */
int aidc_place_distance(const aidc_sched_node *nodes, const aidc_sched_alloc *a, size_t na,
                        const aidc_sched_alloc *b, size_t nb);

/* Reads the "placement" parameter shared by the built-in policies: sets
 * *out (default best-fit). Fails with a message on an unknown strategy or
 * on any parameter not in also_allowed (NULL-terminated, may be NULL).
 * Returns 0 or -1. */
int aidc_place_params(const char *policy, const aidc_policy_params *params,
                      const char *const *also_allowed, aidc_place_strategy *out, char *err,
                      size_t errlen);

/* Finds an allocation for job on nodes[0..n) as they are now. Writes up to
 * max_out entries into out and their count into *n_out; returns true when the
 * job fits, false otherwise (out is then unspecified). Reads only. */
bool aidc_place_whole(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                      aidc_sched_alloc *out, size_t max_out, size_t *n_out);

/* Applies (sign = -1) or releases (sign = +1) an allocation on a node array:
 * used by policies that plan on a copy of the view. */
void aidc_place_apply(aidc_sched_node *nodes, const aidc_sched_alloc *alloc, size_t n_alloc,
                      int sign);

/* Whether a job could ever fit on an empty cluster of these nodes. */
bool aidc_place_possible(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job);

/* ---- GPU sharing (ABI 1.2) ------------------------------------------------------------
 *
 * With shared GPUs a node is a vector of per-GPU free capacities in thousandths
 * (aidc_sched_node.gpu_free_milli), and a job asks for `gpus` GPUs of `gpu_milli`
 * thousandths each (a share of one GPU when gpu_milli < 1000). Three strategies:
 *
 *   first-fit  the baseline: the lowest-numbered node with room, and on it the
 *              lowest-numbered GPU with enough free capacity.
 *   best-fit   the tightest spot: for a share, the GPU (over all nodes) whose free
 *              capacity is the smallest that still holds it, then the node with the
 *              least free GPU capacity; whole-GPU jobs as aidc_place_whole (the node
 *              with the fewest entirely free GPUs that suffice).
 *   fgd        fragmentation-aware, in the spirit of Fragmentation Gradient Descent
 *              (Weng et al., "Beware of Fragmentation: Scheduling GPU-Sharing Workloads
 *              with Fragmentation Gradient Descent", USENIX ATC 2023).
 *
 * The fragmentation idea, in our words. Free GPU capacity is only worth something if
 * the jobs that will come can use it. Take one kind of request m (say "one GPU at
 * 470 milli"). Seen from m, a node's free capacity splits into what m could use and
 * the rest, the fragment: every GPU whose free part is smaller than m's share is a
 * fragment for m (a whole-GPU request: every partly used GPU); and when m cannot run on
 * the node at all (wrong GPU type, or too few entirely free GPUs for a multi-GPU
 * request, or no GPU with room for the share), all of the node's free capacity is a
 * fragment for m. Weighting each kind of request by how often the workload asks for it
 * (aidc_frag_model: counts of (gpus, milli, type) classes) gives a node's expected
 * fragmentation F(node) = sum_m p_m * frag_m(node), in milli-GPUs. Placing a job
 * changes only the node it lands on, so the placement that makes the cluster's expected
 * fragmentation grow least is the candidate (node, GPU) with the smallest
 * F(node after) - F(node before). That is a greedy step down the gradient of total
 * fragmentation, hence the name. Ties go to the tighter GPU (less free after), then the
 * lower node and GPU index. A class is (gpus, milli, GPU type, CPUs, memory): a node that
 * lacks the CPUs or memory of a request cannot run it either, so CPU-hungry jobs strand
 * GPUs, and fgd sees it (about a hundred classes on openb).
 *
 * Cost: fgd evaluates every (node, distinct free value) pair against every class,
 * O(nodes x (GPUs + classes)) per job with the per-node cache below, which keeps each
 * node's per-class fragment sums and recomputes them only for nodes whose free vector,
 * changed since the last call (it compares a copy, so callers need not report changes).
 * Units: thousandths of a GPU ("milli"), GiB. */

typedef enum aidc_share_strategy {
    AIDC_SHARE_FIRST_FIT = 0,
    AIDC_SHARE_BEST_FIT,
    AIDC_SHARE_FGD
} aidc_share_strategy;

/* "first-fit", "best-fit", "fgd"; -1 when unknown. */
int aidc_share_strategy_parse(const char *name);
const char *aidc_share_strategy_name(aidc_share_strategy s);

/* One kind of request and how often the workload makes it. */
typedef struct aidc_frag_class {
    int32_t gpus;
    int32_t milli;     /* per GPU; < 1000 only with gpus == 1 */
    int32_t gpu_type;  /* -1: any */
    uint64_t type_mask; /* as aidc_sched_job.gpu_type_mask */
    double weight;
    int32_t cpus;      /* the request's CPUs and memory: a node without them cannot */
    double mem_gib;    /* run it, so all its free GPU capacity is a fragment for it */
} aidc_frag_class;

/* The workload's request distribution. Owns its array. */
typedef struct aidc_frag_model {
    aidc_frag_class *classes;
    size_t n, cap;
    double total;   /* sum of weights */
    uint64_t version; /* bumped by every add */
} aidc_frag_model;

void aidc_frag_model_init(aidc_frag_model *m);
void aidc_frag_model_fini(aidc_frag_model *m);
/* Counts weight more of job's request class. Returns 0, or -1 when out of memory. */
int aidc_frag_model_add(aidc_frag_model *m, const aidc_sched_job *job, double weight);

/* Per-node fragment sums kept between calls (see the cost note). Zero it with
 * aidc_frag_cache_init; free with _fini. */
typedef struct aidc_frag_cache {
    size_t n_nodes, n_classes, max_gpus;
    uint64_t version; /* the model version the sums were made for */
    int32_t *copy;    /* n_nodes x (max_gpus + 2): free vector, gpus_total, cpus_free; -1 =
                         unknown */
    double *mem;      /* n_nodes: mem_free_gib when the sums were made */
    uint32_t *node_ver; /* n_nodes: bumped whenever the node's sums are remade */
    struct aidc_frag_memo *memo; /* n_nodes x n_classes: a node's best spot for a class, valid
                                    while its ver equals node_ver (NULL when too large) */
    double *sums;     /* n_nodes x n_classes: sum of free milli on GPUs below the class's share */
    double *f;        /* n_nodes: F(node) */
} aidc_frag_cache;

void aidc_frag_cache_init(aidc_frag_cache *c);
void aidc_frag_cache_fini(aidc_frag_cache *c);

/* A node's expected fragmentation under the model, in milli-GPUs (no cache). */
double aidc_frag_node(const aidc_sched_node *nd, const aidc_frag_model *m);

/* Places job on nodes[0..n) as they are now (nodes must carry gpu_free_milli).
 * A share (job->gpu_milli < 1000): writes *share and returns 1. A whole-GPU job:
 * writes the allocation into out (up to max_out entries, count in *n_out) and returns
 * 2; jobs larger than a node take whole idle nodes as aidc_place_whole. 0: no room
 * now. model and cache are used by fgd only (cache may be NULL: computed afresh).
 * Reads only the nodes. */
int aidc_place_shared(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job,
                      aidc_share_strategy strategy, const aidc_frag_model *model,
                      aidc_frag_cache *cache, aidc_sched_share *share, aidc_sched_alloc *out,
                      size_t max_out, size_t *n_out);

/* Takes (sign = -1) or gives back (sign = +1) milli thousandths of GPU `gpu` of node
 * nd, whose per-GPU free vector is free_milli (the array nd->gpu_free_milli points at,
 * owned by the caller), keeping nd's gpus_free, gpus_shared and milli_free. A whole GPU
 * is milli = 1000. CPU and memory are not touched. Asserts 0 <= free <= 1000. */
void aidc_place_share_apply(aidc_sched_node *nd, int32_t *free_milli, int32_t gpu,
                            int32_t milli, int sign);

/* Whether a fractional or whole job could fit on this node when it is empty. */
bool aidc_place_node_could_hold(const aidc_sched_node *nd, const aidc_sched_job *job);

#endif
