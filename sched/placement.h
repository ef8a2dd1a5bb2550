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

#include "sched/aidc_policy.h"

/* Placement strategies, chosen per policy with the "placement" parameter. */
typedef enum aidc_place_strategy {
    AIDC_PLACE_BEST_FIT = 0,   /* the rules above */
    AIDC_PLACE_TOPOLOGY_AWARE, /* multi-node jobs in the smallest NVLink domain, else leaf
                                  group, else pod that holds them; else the fewest groups */
    AIDC_PLACE_SPREAD          /* the opposite, for comparison: one node per leaf group in
                                  turn; single-node jobs on the emptiest leaf group */
} aidc_place_strategy;

/* "best-fit", "topology-aware", "spread"; -1 when unknown. */
int aidc_place_strategy_parse(const char *name);
const char *aidc_place_strategy_name(aidc_place_strategy s);

/* Whether the job fits one node's size (at most as many GPUs as the largest
 * node of its type): such jobs go to one node, larger ones take whole nodes.
 * Stops at the first node big enough. */
bool aidc_place_fits_one_node(const aidc_sched_node *nodes, size_t n, const aidc_sched_job *job);

/* Whether one node has room for the whole job (its type, GPUs, CPUs and
 * memory), and whether it is idle and of the job's type: the two tests every
 * strategy's one-node and whole-node placements are built on. */
bool aidc_place_node_has_room(const aidc_sched_node *nd, const aidc_sched_job *job);
bool aidc_place_node_idle_fit(const aidc_sched_node *nd, const aidc_sched_job *job);

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

#endif
