/* fabric — what the network does to training jobs: collective cost models,
 * the locality of a placement, and contention between jobs that share
 * oversubscribed uplinks.
 *
 * Communication model (per iteration of a data-parallel training job on g
 * GPUs per node over m nodes, hierarchical all-reduce as NCCL does it):
 * reduce-scatter and all-gather over NVLink inside each node, and a ring
 * over the m nodes on each of the g rails carrying S/g bytes:
 *   t_comm = 2 * [(g-1)/g * S/B_nvl + (g-1) a_nvl]          (NVLink, RS + AG)
 *          + 2(m-1)/m * (S/g)/B + 2(m-1) a                    (ring, per rail)
 * or, with "allreduce": "tree", 2 log2(m) a + 2 (S/g)/B for the second line.
 * B is the job's per-rail bottleneck bandwidth and a the latency of the
 * highest tier its nodes span. A job's trace duration is its run time when
 * its nodes sit under one leaf group, uncontended (B = NIC, a = leaf): with
 * comm fraction f of the iteration spent communicating there, compute time
 * per iteration is T_c = t_ideal (1-f)/f, and the job runs at speed
 *   (T_c + t_ideal) / (T_c + t_actual).
 * Jobs inside one NVLink domain have no ring term at all.
 *
 * Contention: a job spanning several leaf groups sends its ring through each
 * spanned group's pooled uplinks, demanding g x NIC bandwidth there (g rails);
 * spanning pods, through the pods' uplinks too. Rates are the max-min fair
 * share (progressive filling) over those links. When a job starts or ends,
 * only the jobs on its links, and those connected to them through congested
 * links (whose users demand more than the capacity), are recomputed: a link
 * that can carry every demand limits no one, so it couples nobody and the
 * recomputation stays exact.
 * Units: bytes, GB/s per direction, seconds, microseconds for latencies. */
#ifndef AIDC_MODELS_FABRIC_H
#define AIDC_MODELS_FABRIC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/topology.h"
#include "sched/aidc_policy.h"

/* Ring all-reduce of `bytes` over n participants: 2(n-1)/n * S/B + 2(n-1) a. */
double aidc_allreduce_ring_s(int n, double bytes, double bw_gbps, double alpha_us);

/* Pipelined tree all-reduce: 2 log2(n) a + 2 S/B (NCCL's double binary tree). */
double aidc_allreduce_tree_s(int n, double bytes, double bw_gbps, double alpha_us);

/* Where a placement sits. */
typedef struct aidc_locality {
    int32_t gpus, nodes, domains, leaves, pods;
    int tier; /* highest tier crossed: 0 one node, 1 one NVLink domain, 2 one
                 leaf group, 3 one pod, 4 several pods */
} aidc_locality;

void aidc_fabric_locality(const aidc_topology *t, const aidc_sched_alloc *a, size_t n,
                          aidc_locality *out);

/* Per-iteration communication time (ring) of a job on this placement at
 * per-rail bandwidth bw_gbps (use the NIC rate for uncontended). */
double aidc_fabric_comm_s(const aidc_topology *t, const aidc_locality *loc, double bytes,
                          double bw_gbps);

typedef struct aidc_fabric_job {
    bool active;
    double comm_fraction; /* f at the ideal placement; 0 = no communication */
    double bytes;         /* gradient bytes per iteration */
    aidc_locality loc;
    int32_t *links; /* indices of uplink pools it crosses */
    int32_t n_links;
    double demand_gbps; /* per link: g x NIC */
    double rate_gbps;   /* current max-min share */
    double speed;       /* resulting speed factor, 1 = as in the trace */
    uint32_t mark;      /* visit stamp for component searches */
} aidc_fabric_job;

typedef struct aidc_fabric {
    const aidc_topology *topo;
    bool tree;         /* inter-domain all-reduce: tree instead of ring */
    int32_t n_links;   /* leaf-group pools first, then pod pools */
    double *cap_gbps;  /* per link */
    uint32_t **users;  /* per link: job indices crossing it */
    int32_t *n_users, *cap_users;
    uint32_t *link_mark;
    aidc_fabric_job *jobs; /* indexed by the simulator's job index */
    size_t n_jobs;
    uint32_t stamp;
    /* scratch for one recomputation */
    uint32_t *comp_jobs;
    int32_t *comp_links;
    double *demand_sum; /* per link: the demands of its users, summed */
    double *link_left;      /* water filling: rates frozen on the link so far */
    int32_t *link_unfrozen; /* water filling: users not yet frozen */
    double *link_sat;       /* water filling: the level at which the link saturates */
    int32_t *heap, *heap_pos, heap_n; /* water filling: links by link_sat; pos -1: out */
    size_t comp_jobs_cap, comp_links_cap;
    /* counters */
    uint64_t recomputes;   /* starts and ends that touched the network */
    uint64_t speed_updates; /* jobs whose speed was recomputed */
    uint64_t speed_changes; /* of those, jobs whose speed changed (finish moved) */
    struct aidc_fabric_demand *by_demand; /* water filling: the component's jobs, a min-heap by demand */
    size_t by_demand_cap;
    /* deferred mode: starts and ends only mark their links; aidc_fabric_flush
     * recomputes everything they touched at once */
    bool deferred;
    int32_t *dirty; /* links touched since the last flush, each once */
    int32_t n_dirty;
    uint8_t *is_dirty;
} aidc_fabric;

/* Prepares contention state for n_jobs jobs. Returns 0 or -1 (out of memory). */
int aidc_fabric_init(aidc_fabric *f, const aidc_topology *t, size_t n_jobs);
void aidc_fabric_fini(aidc_fabric *f);

/* Callback told each job whose speed changed (the job itself included). */
typedef void (*aidc_fabric_speed_fn)(void *ctx, uint32_t job, double speed);

/* A job starts on `a`: records its links and recomputes its component.
 * Returns -1 only when out of memory. */
int aidc_fabric_job_start(aidc_fabric *f, uint32_t job, const aidc_sched_alloc *a, size_t n,
                          double comm_fraction, double bytes, aidc_fabric_speed_fn fn, void *ctx);

/* A job ends: frees its links and recomputes the jobs that shared them. */
void aidc_fabric_job_end(aidc_fabric *f, uint32_t job, aidc_fabric_speed_fn fn, void *ctx);

/* Deferred mode (a rate update period, as a network's congestion control
 * or a monitoring loop converges over time, not at once): starts and ends
 * only record their links, a new job runs at its uncontended rate, and
 * aidc_fabric_flush recomputes every component they touched, once.
 * Whether a flush has work to do: */
static inline bool aidc_fabric_dirty(const aidc_fabric *f) { return f->n_dirty > 0; }
/* Returns -1 only when out of memory. */
int aidc_fabric_flush(aidc_fabric *f, aidc_fabric_speed_fn fn, void *ctx);

#endif
