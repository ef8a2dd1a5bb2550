/* aidc_policy.h — the scheduling-policy ABI: the one contract between a host
 * (the aidcsim simulator, or a production scheduler) and a policy.
 *
 * Design. A policy is a table of functions (aidc_policy_ops) returned by one
 * exported entry function, AIDC_POLICY_ENTRY_SYMBOL. The table begins with the
 * ABI major/minor version it was built against and its own size, then its
 * name. A host refuses a table whose major version differs from its own. The
 * host gives the policy its services as a table too (aidc_sched_host), so a
 * policy never links against host symbols: the same object file runs inside
 * the simulator and inside a production scheduler.
 *
 * Evolution rules (as SQLite's method tables and Slurm's plugin versions):
 * structs here only ever grow at the end; each appended field is marked with
 * the minor version that added it; a reader checks `size` (or abi_minor)
 * before touching a field newer than the table it was handed. A change that
 * cannot be made by appending bumps the major version.
 *
 * Call protocol. The host calls schedule() whenever the cluster or the queue
 * changed (after all events at one instant are processed). Inside schedule()
 * the policy reads the views and calls host->start() for each job it wants
 * to run now. start() removes the job from the pending list at once, so
 * pending indices after it shift down by one. Policies must be deterministic:
 * the same sequence of calls gives the same decisions.
 *
 * Ownership. Every pointer the host hands out (views, jobs, allocations)
 * belongs to the host and stays valid until the next call that changes state
 * (start) or until schedule() returns, whichever comes first. Strings in the
 * params belong to the host for the policy's lifetime. The policy owns its
 * state (create/destroy).
 *
 * GPU sharing (since 1.2). A GPU's capacity is 1000 thousandths ("milli").
 * A job with gpu_milli < 1000 (then gpus == 1) may share one GPU with other
 * such jobs, as long as no GPU is ever given more than 1000 milli. A policy
 * that knows 1.2 reads each node's per-GPU free capacity (gpu_free_milli)
 * and starts such a job with start_shared(), naming the node and the GPU.
 * gpus_free counts only GPUs that are entirely free, so a policy written
 * against 1.0 or 1.1 keeps seeing whole GPUs and keeps working: it may
 * still start a fractional job with start(), which then takes a whole GPU.
 * GPU-type constraints may list alternatives (gpu_type_mask); the host
 * refuses (as a policy bug) any start on a node of a type the job excludes.
 *
 * Units: times in int64 nanoseconds since the start of the run; memory in
 * GiB; power in W; GPU shares in thousandths of a GPU. This header includes
 * only the C standard library. */
#ifndef AIDC_POLICY_H
#define AIDC_POLICY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define AIDC_POLICY_ABI_MAJOR 1
#define AIDC_POLICY_ABI_MINOR 3
#define AIDC_POLICY_ENTRY_SYMBOL "aidc_policy_entry"

/* One node's share of a job's allocation. */
typedef struct aidc_sched_alloc {
    int32_t node;   /* index into the node view */
    int32_t gpus;   /* whole GPUs taken on that node */
    int32_t cpus;   /* CPU cores taken */
    double mem_gib; /* memory taken */
} aidc_sched_alloc;

/* A node as the policy sees it (since 1.0). The locality labels say which
 * nodes are close: nodes with the same domain share an NVLink domain; the
 * same leaf, a leaf switch group (traffic stays below the leaf uplinks); the
 * same pod, the next tier. Without a modelled fabric, domain is the node's
 * NVLink domain, leaf its rack and pod 0.
 * Index a node array with aidc_sched_node_at(), which steps by the host's
 * node_size, so a policy built against an older, shorter node struct still
 * finds every node. */
typedef struct aidc_sched_node {
    int32_t gpus_total;
    int32_t gpus_free;
    int32_t cpus_total;
    int32_t cpus_free;
    double mem_total_gib;
    double mem_free_gib;
    int32_t rack;     /* index of the node's rack */
    int32_t gpu_type; /* index into the host's GPU type list */
    int32_t domain;   /* NVLink domain */
    int32_t leaf;     /* leaf switch group */
    int32_t pod;      /* pod (tier above the leaves) */
    /* since 1.2 (read only when host->abi_minor >= 2; a 1.2 host always sets
     * them): */
    const int32_t *gpu_free_milli; /* gpus_total entries: free thousandths of each GPU of
                                      the node (1000 = idle); valid as the node itself */
    int32_t gpus_shared;           /* GPUs partly taken by shares (0 < free < 1000) */
    int32_t milli_free;            /* sum of gpu_free_milli */
} aidc_sched_node;

/* A fractional job's place (since 1.2): one GPU of one node. */
typedef struct aidc_sched_share {
    int32_t node;  /* index into the node view */
    int32_t gpu;   /* which GPU of the node, 0 .. gpus_total - 1 */
    int32_t milli; /* thousandths of that GPU taken: the job's gpu_milli */
    int32_t cpus;  /* CPU cores taken on the node */
    double mem_gib;
} aidc_sched_share;

/* A job as the policy sees it (since 1.0). The true run time is not here:
 * like a real scheduler, a policy knows only the user's estimate. */
typedef struct aidc_sched_job {
    uint64_t id;         /* host's handle for the job, stable for its life */
    const char *name;    /* the trace id */
    int64_t submit_ns;
    int64_t estimate_ns; /* the user's estimate, else the requested run time */
    int64_t deadline_ns; /* -1 when none */
    int32_t gpus;
    int32_t cpus;        /* 0: no CPU request */
    double mem_gib;      /* 0: no memory request */
    int32_t tenant;
    int32_t priority;    /* larger is more important */
    int32_t gpu_type;    /* -1: any; since 1.2 also AIDC_GPU_TYPE_SET (-2, defined below): one of the
                            types in gpu_type_mask (a 1.0/1.1 policy sees "any" and must
                            expect a start on a wrong type to be refused) */
    int32_t kind;        /* 0 training, 1 fine-tuning, 2 inference, 3 batch */
    /* running jobs only (0 / NULL while pending): */
    int64_t start_ns;
    double progress;     /* fraction of the work done, 0..1 */
    const aidc_sched_alloc *alloc;
    int32_t n_alloc;
    /* since 1.1 (read only when host->abi_minor >= 1): */
    int64_t executed_ns;     /* wall time on GPUs so far, over every run of the job */
    int64_t queued_since_ns; /* when it last joined the pending queue (submit or preemption) */
    int32_t preemptions;     /* times it was preempted */
    int32_t deferrable;      /* 1: may wait for cheaper or cleaner power until its deadline */
    /* since 1.2 (read only when host->abi_minor >= 2): */
    int32_t gpu_milli;      /* thousandths of each GPU the job uses: 1000 whole GPUs; below
                               1000 only with gpus == 1, a share of one GPU */
    int32_t shared_gpu;     /* running on a share: its GPU on alloc[0].node (the alloc
                               entry then has gpus = 0); -1 otherwise */
    uint64_t gpu_type_mask; /* with gpu_type == AIDC_GPU_TYPE_SET: the GPU types it may
                               use, bit t for host type t (types 0..63); else 0 */
} aidc_sched_job;

/* Services the host gives the policy (since 1.0). ctx is passed back on
 * every call. */
typedef struct aidc_sched_host {
    uint32_t abi_major;
    uint32_t abi_minor;
    uint32_t size; /* sizeof the host's struct: fields past it are absent */
    void *ctx;
    int64_t (*now_ns)(void *ctx);
    /* cluster: an array of node_count nodes, updated by the host as jobs
     * start and end */
    size_t (*node_count)(void *ctx);
    const aidc_sched_node *(*nodes)(void *ctx);
    /* jobs waiting, in arrival order */
    size_t (*pending_count)(void *ctx);
    const aidc_sched_job *(*pending)(void *ctx, size_t i);
    /* jobs running, in start order */
    size_t (*running_count)(void *ctx);
    const aidc_sched_job *(*running)(void *ctx, size_t i);
    /* Starts pending job `job_id` on the given allocation. Returns 0 when
     * started; AIDC_START_NO_POWER when starting it would exceed a power
     * budget (rack, facility IT, site, demand response) and the host's
     * response is to refuse (the job stays pending: treat it like a job that
     * does not fit); -1 when the call is invalid (unknown job, not pending,
     * resources not free): the host treats that as a policy bug and stops. */
    int (*start)(void *ctx, uint64_t job_id, const aidc_sched_alloc *alloc, size_t n_alloc);
    uint32_t node_size; /* sizeof(aidc_sched_node) as the host lays out nodes() */
    /* Power. Headroom (W) under the tightest facility-level budget at the
     * meter now (INFINITY when there is none); what starting job_id on alloc
     * would add at the meter (W); and a per-GPU power cap for a running job
     * (W, 0 removes it; the job slows by the host's throughput-vs-cap
     * curve). set_power_cap returns 0, or -1 (nothing changed) for a job
     * not running, a cap below the GPU's idle power, or a raised cap that
     * would break a power budget. */
    double (*power_headroom_w)(void *ctx);
    double (*power_needed_w)(void *ctx, uint64_t job_id, const aidc_sched_alloc *alloc,
                             size_t n_alloc);
    int (*set_power_cap)(void *ctx, uint64_t job_id, double cap_w);
    /* ---- since 1.1: a policy built against 1.1 checks host->abi_minor >= 1
     * (or host->size) before calling these ---- */
    /* Takes running job_id off its GPUs and back to the pending queue (at its
     * arrival position). It keeps the work done: the host models a
     * checkpoint written at preemption, and the job pays the scenario's
     * checkpoint and restore time when it runs again. Returns 0, or -1 for a
     * job not running (treated as a policy bug). */
    int (*preempt)(void *ctx, uint64_t job_id);
    /* Asks for a schedule() call at time t_ns (> now), even if nothing else
     * happens then; for policies that wait on purpose (carbon, price). */
    void (*wake_at)(void *ctx, int64_t t_ns);
    /* Tenants, indexed by aidc_sched_job.tenant. */
    size_t (*tenant_count)(void *ctx);
    const char *(*tenant_name)(void *ctx, size_t i);
    /* Grid signals at time t_ns (past, now or future: the host's series is
     * the forecast): carbon intensity in g/kWh (NaN when the scenario has
     * none) and the energy price in $/MWh. */
    double (*carbon_g_per_kwh)(void *ctx, int64_t t_ns);
    double (*price_usd_per_mwh)(void *ctx, int64_t t_ns);
    /* A GPU's rated power (W) and idle power (W) for GPU type gpu_type (-1:
     * the cluster's default). */
    double (*gpu_tdp_w)(void *ctx, int32_t gpu_type);
    double (*gpu_idle_w)(void *ctx, int32_t gpu_type);
    /* As power_needed_w and start, with a per-GPU power cap cap_w (W; 0 =
     * none) on the new job, as set_power_cap would set it. */
    double (*power_needed_capped_w)(void *ctx, uint64_t job_id, const aidc_sched_alloc *alloc,
                                    size_t n_alloc, double cap_w);
    int (*start_capped)(void *ctx, uint64_t job_id, const aidc_sched_alloc *alloc, size_t n_alloc,
                        double cap_w);
    /* ---- since 1.2: check host->abi_minor >= 2 before calling these ---- */
    /* Starts pending fractional job job_id (gpu_milli < 1000) on a share of
     * one GPU: share->milli must equal the job's gpu_milli, the GPU must have
     * that much free, the node the CPUs and memory. Returns as start(). */
    int (*start_shared)(void *ctx, uint64_t job_id, const aidc_sched_share *share);
    /* The host's GPU types (aidc_sched_node.gpu_type, aidc_sched_job.gpu_type
     * index them): how many, and each one's name. */
    size_t (*gpu_type_count)(void *ctx);
    const char *(*gpu_type_name)(void *ctx, int32_t gpu_type);
    /* ---- since 1.3: check host->abi_minor >= 3 before calling this ---- */
    /* For a policy that keeps an index of the nodes instead of scanning them
     * on every pass: writes into out (room for max_out) the indices of the
     * nodes whose view changed in any field since *cursor (0: since the run
     * began), oldest first, possibly repeated, and moves *cursor to now.
     * Returns how many, or -1 when the host cannot list them all (more than
     * max_out, or older than it keeps): the policy then re-reads every node.
     * With max_out 0 (out may be NULL) it answers whether anything changed:
     * 0 nothing, -1 something. */
    long (*nodes_changed)(void *ctx, uint64_t *cursor, int32_t *out, size_t max_out);
} aidc_sched_host;

#define AIDC_START_NO_POWER 1

/* aidc_sched_job.gpu_type of a job that accepts any of several types (since 1.2). */
#define AIDC_GPU_TYPE_SET (-2)

/* Node i of a node array handed out by host->nodes(). */
static inline const aidc_sched_node *aidc_sched_node_at(const aidc_sched_host *host,
                                                        const aidc_sched_node *nodes, size_t i)
{
    return (const aidc_sched_node *)((const char *)nodes + i * host->node_size);
}

typedef enum aidc_param_type {
    AIDC_PARAM_NUMBER = 0,
    AIDC_PARAM_STRING = 1,
    AIDC_PARAM_BOOL = 2
} aidc_param_type;

/* One policy parameter from the scenario, already typed (since 1.0). */
typedef struct aidc_policy_param {
    const char *key;
    aidc_param_type type;
    double number;      /* AIDC_PARAM_NUMBER */
    const char *string; /* AIDC_PARAM_STRING */
    int boolean;        /* AIDC_PARAM_BOOL: 0 or 1 */
} aidc_policy_param;

typedef struct aidc_policy_params {
    size_t n;
    const aidc_policy_param *items;
} aidc_policy_params;

/* One documented parameter, for listings (since 1.1). */
typedef struct aidc_policy_param_doc {
    const char *key;
    aidc_param_type type;
    const char *default_value; /* as text, e.g. "best-fit", "3600", "true" */
    const char *description;   /* one line */
} aidc_policy_param_doc;

/* What a policy exports (since 1.0). */
typedef struct aidc_policy_ops {
    uint32_t abi_major; /* AIDC_POLICY_ABI_MAJOR the policy was built with */
    uint32_t abi_minor; /* AIDC_POLICY_ABI_MINOR the policy was built with */
    uint32_t size;      /* sizeof(aidc_policy_ops) the policy was built with */
    const char *name;
    const char *description; /* one line */
    /* Makes the policy's state. Returns 0, or -1 with a message in err
     * (errlen bytes) for bad parameters: the host reports it as bad input.
     * The host pointer stays valid until destroy. */
    int (*create)(const aidc_sched_host *host, const aidc_policy_params *params, void **state,
                  char *err, size_t errlen);
    void (*destroy)(void *state);
    /* Optional (may be NULL): a job joined the pending queue / finished. */
    void (*job_submitted)(void *state, const aidc_sched_job *job);
    void (*job_finished)(void *state, const aidc_sched_job *job);
    /* Required: start whatever should start now. */
    void (*schedule)(void *state);
    /* since 1.1 (a host reads these only when size covers them): the
     * parameters the policy accepts, terminated by an entry with key NULL;
     * may be NULL. */
    const aidc_policy_param_doc *params;
} aidc_policy_ops;

/* Whether ops (of any minor version) has the field `f`. */
#define AIDC_OPS_HAS(ops, f) \
    ((ops)->size >= offsetof(aidc_policy_ops, f) + sizeof(((aidc_policy_ops *)0)->f))

typedef const aidc_policy_ops *(*aidc_policy_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif
