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
} aidc_sim;

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

/* The header line of timeseries.csv. */
extern const char aidc_timeseries_header[];

#endif
