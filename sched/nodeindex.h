/* nodeindex — the host's nodes kept in sets by free whole GPUs, so that
 * best-fit and whole-node placement find their nodes without scanning every
 * node on every pass (at 12,500 nodes the scans were a fifth of a campus
 * run). The index follows the host's change log (ABI 1.3 nodes_changed) and
 * gives exactly the nodes the scans in placement.c would pick: best fit =
 * the lowest-numbered node among those with the fewest free GPUs that are
 * enough; whole nodes = the lowest-numbered idle nodes.
 *
 * It answers only requests without CPU or memory demands, for any GPU type
 * or one type; everything else (type sets, shares, CPU/memory requests,
 * hosts before 1.3, more than 8 GPU types or 64 GPUs a node) goes to the
 * scans. */
#ifndef AIDC_SCHED_NODEINDEX_H
#define AIDC_SCHED_NODEINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sched/aidc_policy.h"

typedef struct aidc_node_index {
    bool usable;       /* the host lists changes and the nodes fit the limits */
    bool built;
    size_t n;          /* nodes */
    size_t words;      /* 64-bit words in one node set */
    size_t swords;     /* words in one set's summary (a bit per non-zero word) */
    int32_t n_types;   /* GPU types 0 .. n_types-1; set group 0 is "any type" */
    int32_t max_gpus;  /* the largest node */
    int32_t n_sets;    /* per group: buckets 0 .. max_gpus free GPUs, then idle */
    uint64_t *bits;    /* [group][set][word] */
    uint64_t *summary; /* [group][set][sword] */
    int64_t *idle_gpus; /* per group: GPUs on idle nodes */
    int32_t *largest;   /* per group: the most GPUs one node has */
    int32_t *bucket;    /* per node: its free-GPU set, -1 none */
    uint8_t *idle;      /* per node: in the idle set */
    int32_t *gpus_total, *gpu_type; /* per node, as indexed: a change rebuilds */
    int32_t *changed;   /* scratch for the host's change list (n entries) */
    uint64_t cursor;
} aidc_node_index;

/* Sets up an empty index for host's n nodes; usable stays false for hosts
 * before 1.3. Returns 0, or -1 when out of memory. */
int aidc_node_index_init(aidc_node_index *x, const aidc_sched_host *host, size_t n);
void aidc_node_index_fini(aidc_node_index *x);

/* Brings the index up to the host's nodes now. */
void aidc_node_index_sync(aidc_node_index *x, const aidc_sched_host *host, const aidc_sched_node *nodes);

/* Whether the index answers this request (after a sync). */
bool aidc_node_index_answers(const aidc_node_index *x, const aidc_sched_job *job);

/* The most GPUs one node of the job's type has (answered requests only). */
int32_t aidc_node_index_largest(const aidc_node_index *x, const aidc_sched_job *job);

/* As placement.c's one-node best fit and whole-node first fit, on the
 * indexed nodes (answered requests only). */
bool aidc_node_index_one_node(const aidc_node_index *x, const aidc_sched_job *job,
                              aidc_sched_alloc *out, size_t max_out, size_t *n_out);
bool aidc_node_index_whole(const aidc_node_index *x, const aidc_sched_node *nodes,
                           const aidc_sched_job *job, aidc_sched_alloc *out, size_t max_out,
                           size_t *n_out);

#endif
