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
