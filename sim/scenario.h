/* scenario — a scenario file loaded, validated and resolved: units parsed,
 * paths made relative to the file, defaults filled, catalog entries looked
 * up. After aidc_scenario_load succeeds nothing downstream re-checks input.
 *
 * --set overrides are applied to the JSON tree before validation, so they are
 * checked exactly like values written in the file.
 * Units: times in int64 ns, memory in GiB. */
#ifndef AIDC_SIM_SCENARIO_H
#define AIDC_SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/catalog.h"
#include "models/cost.h"
#include "models/failures.h"
#include "models/grid.h"
#include "models/inference.h"
#include "models/swing.h"
#include "models/cooling.h"
#include "models/power.h"
#include "models/topology.h"
#include "models/synth.h"
#include "sched/aidc_policy.h"
#include "sim/plugin.h"
#include "sim/pools.h"

typedef struct aidc_scenario {
    char *path;   /* as given */
    char *dir;    /* its directory, for relative paths */
    char *name;
    uint64_t seed;
    int64_t horizon_ns; /* -1: run until every job has finished */
    int64_t sample_ns;
    aidc_catalog catalog;
    struct {
        char system[AIDC_NAME_MAX]; /* "" when given by gpu + node shape */
        char gpu[AIDC_NAME_MAX];
        int64_t nodes;
        int32_t nodes_per_rack;
        int32_t gpus_per_node;
        int32_t cpus_per_node;
        double mem_gib_per_node;
        int32_t nvlink_domain; /* GPUs per NVLink domain */
        double nvlink_gbps;    /* per GPU, per direction */
        aidc_pool_spec *pools; /* "pools": a heterogeneous cluster (sim/pools.h); NULL: one
                                  shape, as above */
        size_t n_pools;
    } cluster;
    struct {
        char *trace_path; /* resolved; NULL when synthetic */
        bool synthetic;
        aidc_synth_cfg synth;
        bool skip_unfit; /* "unfit": "skip" counts and drops jobs that can never fit */
    } workload;
    struct {
        char *name;
        aidc_policy_param *params;
        size_t n_params;
        const aidc_policy_ops *ops; /* built-in, or from the plugin */
        char *plugin_path;          /* resolved; NULL for a built-in */
        aidc_plugin plugin;
        int64_t checkpoint_ns;      /* written when a job is preempted */
        int64_t restore_ns;         /* paid when a preempted job runs again */
    } policy;
    struct {
        aidc_power_cfg chain;  /* defaults from the catalog, overridden by "power" */
        double facility_it_cap_w; /* INFINITY when none */
        double site_cap_w;
        double rack_budget_w;
        double row_budget_w;
        int32_t racks_per_row;
        bool cap_response;     /* "response": "power_cap" (else "refuse") */
        double min_cap_fraction; /* lowest GPU cap the response may set, of TDP */
        int64_t cap_interval_ns; /* "cap_interval": the cap controller's period; caps are
                                  * raised only at its multiples, lowered at once (0: raised at
                                  * once too, at every event that frees power) */
    } power;
    struct {
        bool enabled;          /* a "cooling" section was given */
        aidc_cooling_cfg plant;
        char *weather_path;    /* NULL: constant outdoor conditions */
        double outdoor_c, outdoor_wet_bulb_c;
        size_t start_hour;     /* hour of the weather year the run starts at */
    } cooling;
    struct {
        double interconnect_w;  /* INFINITY when none */
        aidc_tariff tariff;
        int start_weekday;      /* 0 = Monday */
        char *carbon_path;      /* NULL: no carbon series */
        size_t carbon_start_hour;
        aidc_dr_event *dr;
        size_t n_dr;
        aidc_swing_cfg swing;
        aidc_swing_limits swing_limits;
        double iteration_s;     /* training iteration for the swing analysis */
    } grid;
    aidc_cost_cfg cost;
    struct {
        bool enabled;           /* a "fabric" section was given */
        aidc_topology_cfg topo; /* topo.graph_path points at graph_path */
        char *graph_path;
        double comm_fraction;   /* of training and fine-tuning iterations */
        double gradient_bytes;
        bool tree; /* "allreduce": "tree" */
        int64_t update_interval_ns; /* "update_interval": contention rates are recomputed at
                                       multiples of it instead of at every start and end; 0 */
    } fabric;
    aidc_failures_cfg failures; /* "failures" (sim/failcfg): defaults when absent, enabled false */
    struct {
        aidc_infer_cfg *cfg;  /* sized (GPUs per replica, throughput filled in) */
        char **stream_path;   /* per service: the resolved request stream; NULL: generated */
        int32_t *pool;        /* per service: the pool its replicas run on, the first whose GPU
                                 can hold one (sized for it); NULL: one node shape */
        size_t n;
    } services; /* inference services (sim/services) */
} aidc_scenario;

/* Loads path, applying overrides ("key.path=value", NULL-terminated, may be
 * NULL) and then seed_override when >= 0. Returns 0, or -1 with a located
 * message in err. On failure *s needs no fini. */
int aidc_scenario_load(aidc_scenario *s, const char *path, const char *const *overrides,
                       int64_t seed_override, char *err, size_t errlen);
void aidc_scenario_fini(aidc_scenario *s);

/* A path named in the scenario file, relative to the file's directory unless
 * absolute; malloc'd (NULL when out of memory). */
char *aidc_scenario_path(const aidc_scenario *s, const char *rel);

/* Loads the built-in catalog into c (used by the loader and by tests). */
int aidc_scenario_builtin_catalog(aidc_catalog *c, char *err, size_t errlen);

#endif
