/* cluster — GPUs in nodes (with CPU cores and memory), nodes in racks, and
 * who holds each GPU. The node array is the policy ABI's node view itself, so
 * policies read the live state with no copying.
 *
 * GPU sharing: each GPU also has its free capacity in thousandths (gpu_free_milli,
 * which the node view's gpu_free_milli points into). A whole-GPU allocation takes the
 * lowest-numbered entirely free GPUs of a node (free 1000 -> 0); a share takes part of
 * one named GPU, never past 0 free. A GPU with any share is busy (it is powered as one
 * GPU: see sim.c) and owned by no single job (owner AIDC_GPU_SHARED).
 * A cluster is one node shape (aidc_cluster_init) or several pools of shapes
 * (aidc_cluster_init_pools: node i's pool in pool[i]).
 * Units: memory in GiB; GPU shares in thousandths of a GPU. */
#ifndef AIDC_MODELS_CLUSTER_H
#define AIDC_MODELS_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/aidc_policy.h"

typedef enum { AIDC_GPU_FREE = 0, AIDC_GPU_BUSY = 1, AIDC_GPU_FAILED = 2 } aidc_gpu_state;

/* The owner of a GPU that shares hold (no single job owns it). */
#define AIDC_GPU_SHARED INT32_MIN

typedef struct aidc_cluster {
    aidc_sched_node *nodes;
    size_t n_nodes;
    int32_t n_racks;
    int64_t total_gpus;
    int64_t busy_gpus;
    int64_t *first_gpu; /* per node: index of its first GPU */
    int32_t *owner;     /* per GPU: job index holding it, -1 when free, < -1 an inference replica (sim/services),
                           AIDC_GPU_SHARED when shares hold it */
    uint8_t *state;     /* per GPU: aidc_gpu_state */
    int32_t *gpu_free_milli; /* per GPU: free thousandths (1000 idle, 0 taken) */
    int64_t busy_milli;      /* thousandths of GPUs allocated, over all GPUs */
    int32_t *pool;           /* per node: its pool (0 for a one-shape cluster) */
    /* nodes whose view changed, newest last, for policies that index the nodes
     * (ABI 1.3 nodes_changed): a ring of the last changes_cap entries, and the
     * count of every change ever logged */
    int32_t *changes;
    size_t changes_cap;
    uint64_t changes_total;
} aidc_cluster;

typedef struct aidc_node_shape {
    int32_t gpus;
    int32_t cpus;
    double mem_gib;
    int32_t gpu_type;
    int32_t nodes_per_domain; /* nodes sharing an NVLink domain (18 for NVL72 trays) */
} aidc_node_shape;

/* Builds n_nodes identical nodes, nodes_per_rack to a rack. Locality labels
 * start as: domain from nodes_per_domain, leaf = rack, pod 0 (a fabric model
 * overwrites them). Returns 0, or -1 when out of memory. Pair with
 * aidc_cluster_fini. */
int aidc_cluster_init(aidc_cluster *c, size_t n_nodes, aidc_node_shape shape,
                      int32_t nodes_per_rack);
void aidc_cluster_fini(aidc_cluster *c);

/* Logs that node i's view changed (free GPUs, CPUs, memory or shares).
 * Whoever changes a node outside the functions below calls it. */
static inline void aidc_cluster_touch(aidc_cluster *c, int32_t i)
{
    c->changes[c->changes_total++ % c->changes_cap] = i;
}

/* The nodes changed since *cursor (a count of changes, 0 at the start),
 * with repeats, oldest first, into out; *cursor moves to now. Returns how
 * many, or -1 when there were more than max_out or the ring no longer holds
 * them all (the reader then re-reads every node). */
long aidc_cluster_changes_since(const aidc_cluster *c, uint64_t *cursor, int32_t *out,
                                size_t max_out);

/* Builds n_pools pools of counts[p] nodes of shapes[p], each pool starting a new
 * rack of nodes_per_rack[p] nodes; node order is pool order. Returns 0, or -1 when
 * out of memory. Pair with aidc_cluster_fini. */
int aidc_cluster_init_pools(aidc_cluster *c, const aidc_node_shape *shapes, const int64_t *counts,
                            const int32_t *nodes_per_rack, size_t n_pools);

/* Whether a share names an existing node and GPU with that much free capacity and
 * the node has the CPUs and memory. */
bool aidc_cluster_can_share(const aidc_cluster *c, const aidc_sched_share *sh);

/* Takes a share for job (asserts it can) / gives it back. */
void aidc_cluster_take_share(aidc_cluster *c, const aidc_sched_share *sh);
void aidc_cluster_release_share(aidc_cluster *c, const aidc_sched_share *sh);

/* Whether an allocation names existing nodes and free resources. */
bool aidc_cluster_can_take(const aidc_cluster *c, const aidc_sched_alloc *a, size_t n);

/* Gives the allocation to job (asserts it can be taken) / takes it back. */
void aidc_cluster_take(aidc_cluster *c, int32_t job, const aidc_sched_alloc *a, size_t n);
void aidc_cluster_release(aidc_cluster *c, int32_t job, const aidc_sched_alloc *a, size_t n);

#endif
