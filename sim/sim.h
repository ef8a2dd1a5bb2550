/* sim — one simulation run: the engine loop, the host side of the policy ABI,
 * and the per-job and per-sample records the writers turn into outputs.
 *
 * Jobs progress as fluids: a running job holds the work it has left (in
 * full-speed nanoseconds) and a speed; a speed change brings the remaining
 * work up to date and moves the finish event. The policy is called once per
 * instant, after every arrival and completion at that instant.
 * Units: int64 nanoseconds since the start of the run. */
#ifndef AIDC_SIM_SIM_H
#define AIDC_SIM_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "models/cluster.h"
#include "models/failures.h"
#include "models/fabric.h"
#include "models/grid.h"
#include "models/powerclass.h"
#include "models/swing.h"
#include "models/weather.h"
#include "models/topology.h"
#include "models/workload.h"
#include "sched/aidc_policy.h"
#include "sim/eventq.h"
#include "sim/profile.h"
#include "sim/scenario.h"

typedef enum {
    AIDC_JOB_FUTURE = 0, /* not yet submitted */
    AIDC_JOB_PENDING,
    AIDC_JOB_RUNNING,
    AIDC_JOB_DONE,
    AIDC_JOB_SKIPPED /* can never fit; dropped by "unfit": "skip" and counted */
} aidc_job_state;

typedef struct aidc_job_rt {
    aidc_sched_job view; /* what the policy sees */
    aidc_job_state state;
    double remaining_ns; /* work left at full speed */
    int64_t lost_fx;     /* while running: gpus x (1 - cap_speed), in units of 2^-32 (sim.c lost_fx) */
    double duration_ns;  /* the whole job's work at full speed (the workload's duration; kept
                            here because the running view is refreshed very often) */
    double speed;        /* 1 = full speed: net_speed x cap_speed */
    double net_speed;    /* from the fabric */
    double cap_speed;    /* from a GPU power cap */
    double cap_w;        /* per-GPU power cap in effect, 0 = none */
    double user_cap_w;   /* the cap a policy set (set_power_cap), 0 = none */
    int64_t last_ns;     /* when remaining_ns was last brought up to date */
    int64_t executed_before_ns; /* time on GPUs in earlier runs (before preemptions) */
    int64_t first_start_ns;     /* -1 until it first starts: waits count to here */
    int64_t end_ns;
    aidc_event_handle finish;
    aidc_sched_alloc *alloc;
    int32_t n_alloc;
    uint32_t running_slot; /* index in the running list */
} aidc_job_rt;

/* A job's failure and checkpoint state (models/failures.h), in an array
 * beside the jobs that exists only when the scenario has "failures". */
typedef struct aidc_job_fail {
    double prod_left_ns;    /* productive work left at full speed */
    aidc_ckpt_seg seg;      /* the run segment on GPUs now */
    double seg_restart_ns;  /* of seg.head_ns, the restart cost (the rest: preemption overhead) */
    double head_next_ns;    /* overhead the next segment starts with */
    double restart_next_ns; /* of that, the restart cost */
    double lost_ns;         /* wall work lost: recomputed work and restarts */
    double ckpt_ns;         /* wall work writing checkpoints (and preemption overhead) */
    int32_t interruptions;  /* stopped by a failure */
    int64_t writing_fx;     /* while running: its share of time writing checkpoints,
                               delta / (tau + delta), in units of 2^-32 (see ckpt_writing_fx) */
} aidc_job_fail;

/* A component down for repair (failures). */
typedef struct aidc_fail_repair {
    int64_t start_ns;
    int64_t first_gpu; /* the GPUs it holds: [first_gpu, first_gpu + n_gpus); switch: the leaf */
    int32_t n_gpus;
    int32_t cls;       /* aidc_fail_class; -1: free slot */
    uint32_t next_free;
} aidc_fail_repair;

/* A job's failure figures (see aidc_sim_job_fail_stats). */
typedef struct aidc_job_fail_stats {
    int32_t interruptions;
    double productive_ns, lost_ns, ckpt_ns; /* wall work at full speed */
} aidc_job_fail_stats;

typedef struct aidc_sim {
    const aidc_scenario *sc;
    aidc_workload workload;
    aidc_cluster cluster;
    aidc_eventq q;
    aidc_job_rt *jobs;
    size_t n_jobs;
    uint32_t *pending; /* job indices, arrival order */
    size_t n_pending, cap_pending;
    uint32_t *running; /* job indices, deterministic order */
    size_t n_running;
    int64_t now_ns;
    int64_t end_ns; /* when the run stopped */
    bool schedule_queued;
    size_t wakes_queued;   /* EV_WAKE events in the queue */
    int64_t last_wake_ns;  /* the latest wake-up a policy asked for (0: none) */
    int64_t idle_since_ns; /* stall watch: since when nothing runs and nothing more arrives; -1 */
    bool stalled;          /* the run stopped because no pending job can ever start */
    const aidc_policy_ops *policy;
    void *policy_state;
    aidc_sched_host host;
    char policy_error[512]; /* set when the policy made an invalid call */
    /* time integrals for means */
    int64_t last_change_ns;
    double busy_gpu_ns;
    double queued_job_ns;
    size_t skipped;
    size_t submitted;
    size_t completed;
    /* power: per node DC load and AC draw, per rack IT power, the site */
    double *node_dc_w, *node_ac_w, *rack_it_w;
    double it_w, dc_w;
    double cooling_w;
    aidc_power_site site;
    int64_t last_power_ns;
    double uniform_cap;     /* the power_cap response's cap, fraction of TDP (1 = none) */
    size_t power_refusals;  /* starts refused for power */
    double *power_dc_scratch, *power_rack_scratch;
    size_t n_user_caps;      /* running jobs with a policy-set cap */
    double lost_rate;        /* GPUs' worth of throughput lost to caps now */
    double throttled_gpu_s;  /* lost while the cooling plant was the limit */
    double curtailed_gpu_s;  /* lost to power budgets */
    bool thermal_limited;
    int64_t lost_fx;         /* sum of the running jobs' lost_fx: GPU-seconds per second lost to caps.
                                Fixed point, so the sum is the same in any order of changes */
    bool fabric_queued;      /* fabric.update_interval: a rate recomputation is queued */
    bool relax_queued;       /* power.cap_interval: a controller tick to raise caps is queued */
    /* grid */
    aidc_demand_meter *meter;
    bool has_carbon;
    aidc_series carbon;
    double energy_cost_usd, carbon_g;
    bool dr_active, dr_met;
    double dr_limit_w;
    size_t preemptions;      /* by demand response and by the policy */
    size_t policy_preemptions;
    double checkpoint_gpu_s; /* GPU time spent writing and restoring checkpoints */
    aidc_swing_job *swing_jobs; /* the running training jobs at the facility peak */
    size_t n_swing_jobs, cap_swing_jobs;
    double swing_peak_w;        /* facility power when they were recorded */
    /* cooling */
    bool has_weather;
    aidc_weather weather;
    double dry_bulb_c, wet_bulb_c;
    double cooling_capacity_w;
    bool economizer;
    double economizer_s;
    /* energy, J: IT (at the equipment, PSU losses included: e_psu_loss_j of
     * it), distribution losses (UPS, transformer), misc, cooling, facility */
    double e_it_j, e_psu_loss_j, e_dist_loss_j, e_misc_j, e_cooling_j, e_facility_j;
    double peak_it_w, peak_facility_w, max_pue;
    bool has_fabric;
    aidc_topology topo;
    aidc_fabric fabric;
    FILE *timeseries; /* NULL: no samples written */
    FILE *racks;      /* racks.csv: rack IT power every aidc_sim_racks_every samples; NULL: none */
    uint64_t samples; /* samples taken so far */
    bool started, finished;
    uint64_t events;
    aidc_profile *prof; /* wall-clock counters (--profile); NULL: not profiled. Not owned */
    /* nodes by what they run, for budget checks at trial caps (models/powerclass) */
    aidc_powerclass pclass;
    bool has_pclass;   /* false: every check sums node by node */
    bool check_pclass; /* AIDC_CHECK_POWERCLASS set: compare with the exact sum every time */
    aidc_power_ac_memo *ac_memo; /* node AC draw by DC load, exact memo; NULL: none */
    /* failures: one aggregated Poisson stream per class (models/failures.h) */
    bool has_failures;
    aidc_job_fail *jfail;    /* per job; NULL without failures */
    int64_t ckpt_writing_fx; /* sum of writing_fx over running jobs: the expected number of jobs
                                writing a checkpoint at once. Fixed point, so adding and
                                removing terms in any order gives the same sum exactly */
    gsl_rng *fail_rng[AIDC_FAIL_CLASSES];
    int64_t fail_components[AIDC_FAIL_CLASSES];
    uint32_t *gpu_down_hard; /* per GPU: gpu/node/nic components down that hold it */
    uint32_t *gpu_down_link; /* per GPU: link and switch components down that hold it */
    int32_t *gpu_node;       /* per GPU: its node (nodes may differ in shape: pools) */
    int64_t *nic_start;      /* n_nodes + 1 offsets: node i's NIC components are
                              * [nic_start[i], nic_start[i + 1]) */
    int64_t n_leaves;        /* leaf switch groups (switch class): nodes by leaf, CSR */
    int64_t *leaf_start;     /* n_leaves + 1 offsets into leaf_nodes */
    int32_t *leaf_nodes;
    uint32_t *leaf_stamp;    /* scratch: counting the leaves a job spans */
    uint32_t leaf_epoch;
    aidc_fail_repair *repairs; /* slots, free ones chained from repair_free */
    size_t n_repair_slots, cap_repair_slots;
    uint32_t repair_free;    /* first free slot, UINT32_MAX: none */
    size_t repairs_pending;
    uint64_t fail_count[AIDC_FAIL_CLASSES];
    double fail_down_s[AIDC_FAIL_CLASSES]; /* component-seconds down, finished repairs */
    uint64_t fail_hits[AIDC_FAIL_CLASSES]; /* failures that stopped at least one job */
    uint64_t fail_interruptions;           /* jobs stopped */
    struct aidc_services_rt *services; /* inference services (sim/services); NULL: none */
    double *service_dc_w; /* per node: DC draw of service replicas over idle (NULL: no services);
                           * budget checks at trial caps add it, as replicas are never capped */
    size_t service_preemptions;        /* training jobs preempted for service replicas */
    /* heterogeneous pools (sim/pools.h); NULL for one node shape */
    const aidc_power_cfg **node_pc; /* per node: its pool's power figures */
    int32_t *pool_type;             /* per pool: its GPU type */
} aidc_sim;

/* The scenario's jobs into w (initialised by the caller): its trace read, or
 * its generator run from the scenario's seed. Returns 0, or -1 with err. */
int aidc_sim_load_workload(const aidc_scenario *sc, aidc_workload *w, char *err, size_t errlen);

/* Builds the workload (reads the trace or generates jobs), the cluster and
 * the policy. Returns 0; -1 with a message for bad input (exit 2). The
 * timeseries stream may be NULL. */
int aidc_sim_init(aidc_sim *s, const aidc_scenario *sc, FILE *timeseries, char *err,
                  size_t errlen);
void aidc_sim_fini(aidc_sim *s);

/* Runs to the horizon, or until every job has finished. Returns 0, or -1
 * with a message when the policy broke the ABI contract (exit 3). */
int aidc_sim_run(aidc_sim *s, char *err, size_t errlen);

/* Processes every event up to and including until_ns, then pauses with the
 * clock at until_ns. Returns 1 when the run is over, 0 when paused, -1 as
 * aidc_sim_run. Models use the pause to change speeds from outside. */
int aidc_sim_run_until(aidc_sim *s, int64_t until_ns, char *err, size_t errlen);

/* Changes a running job's speed (1 = full speed): the work done so far is
 * brought up to date at the old speed and the finish event moves. */
void aidc_sim_set_speed(aidc_sim *s, uint32_t job, double speed);

/* How many samples apart racks.csv rows are: one per hour, or one per
 * sample when samples are an hour or more apart (the file grows with
 * racks x rows, so it is coarser than timeseries.csv). */
int64_t aidc_sim_racks_every(const aidc_scenario *sc);

/* Interruptions, productive, lost and checkpoint work of job id so far (a
 * running job's segment in progress counts as if checkpointed now). Without
 * failures: no interruptions, losses or checkpoints. */
void aidc_sim_job_fail_stats(const aidc_sim *s, uint32_t id, aidc_job_fail_stats *out);

/* GPUs of allocation a (n nodes) just released outside the engine's jobs
 * (service replicas) that a failed component still holds leave the free
 * counts again. No-op without failures. */
void aidc_sim_fail_released(aidc_sim *s, const aidc_sched_alloc *a, size_t n);

/* Checks the failure bookkeeping: no GPU held down by a gpu/node/nic
 * component is busy, one held down by a link is busy only under a
 * single-node job, and each node's free count matches its free GPUs.
 * Returns the number of violations (0 when sound). */
size_t aidc_sim_fail_check(const aidc_sim *s);
/* Hooks for sim/services (inference replicas holding GPUs outside the
 * policy's jobs): bring the time integrals up to now before a change; add
 * delta_w to a node's DC load (then refresh the site once); preempt a
 * running job as the engine does (checkpoint, back to the queue); ask for a
 * schedule pass now; queue the service's next step. */
void aidc_sim_touch(aidc_sim *s);
void aidc_sim_node_power(aidc_sim *s, int32_t node, double delta_w);
void aidc_sim_power_refresh(aidc_sim *s);
void aidc_sim_preempt_job(aidc_sim *s, uint32_t id);
void aidc_sim_wake_policy(aidc_sim *s);
void aidc_sim_push_service(aidc_sim *s, int64_t t_ns, size_t service);

/* The header line of timeseries.csv. */
extern const char aidc_timeseries_header[];

#endif
