/* pools — heterogeneous clusters: a scenario's "cluster": {"pools": ...} read into
 * pools of identical nodes, each with its own GPU type, node shape and power figures.
 *
 * "pools" is either an array written in the scenario,
 *     "cluster": {"pools": [{"system": "DGX-H100", "nodes": 4},
 *                           {"gpu": "A100-SXM", "nodes": 8, "gpus_per_node": 4,
 *                            "cpus_per_node": 64, "mem_gib_per_node": 512}]}
 * or the path (relative to the scenario) of the cluster-pools JSON that
 * `aidcsim trace convert --from openb-nodes` (and the other node-list importers) write,
 *     "cluster": {"pools": "openb-nodes.json"},
 * whose pools[i].cluster objects have the same keys. A pool takes the keys of a
 * one-shape cluster (system or gpu, nodes, nodes_per_rack, gpus_per_node,
 * cpus_per_node, mem_gib_per_node); a pool of CPU-only nodes is not a GPU pool and is
 * skipped by the reader of a pools file (its "cpu_only" list is not read). Errors name
 * the file (the scenario or the pools file), the line and column and the key path.
 *
 * Node order is pool order, each pool starting a new rack; the scenario's one-shape
 * fields (cluster.gpu, gpus_per_node ...) are set from the first pool and the largest
 * node, so code that reads them (limits, messages) keeps working. Power: each pool's
 * figures come from its own system or GPU, as a one-shape cluster's do, with the
 * scenario's "power" overrides (activity, node_base, misc) applied to every pool.
 * A fabric section and pools together are refused (the topology is one node shape).
 * Units: memory in GiB, power in W. */
#ifndef AIDC_SIM_POOLS_H
#define AIDC_SIM_POOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "models/catalog.h"
#include "models/power.h"
#include "sim/jread.h"

/* One pool of identical nodes. */
typedef struct aidc_pool_spec {
    char system[AIDC_NAME_MAX]; /* "" when given by gpu + shape */
    char gpu[AIDC_NAME_MAX];
    int64_t nodes;
    int32_t gpus_per_node;
    int32_t cpus_per_node;
    double mem_gib_per_node;
    int32_t nodes_per_rack;
    int32_t nvlink_domain; /* GPUs per NVLink domain */
    aidc_power_cfg power;  /* set by aidc_pools_power */
    double rating_w;       /* a node's power rating (PSU sizing, UPS sizing) */
} aidc_pool_spec;

struct aidc_scenario;

/* Reads o["pools"] (o is the "cluster" object, r the scenario's reader) into
 * s->cluster.pools and fills the one-shape fields. Returns 0 or -1 (message in r). */
int aidc_pools_read(const aidc_jread *r, const cJSON *o, struct aidc_scenario *s);

/* After the scenario's power section is read: each pool's power figures, and the UPS
 * (and, when misc_given is false, the misc load) sized to the sum of the pools'
 * ratings. Does nothing without pools. */
void aidc_pools_power(struct aidc_scenario *s, bool node_base_given, bool misc_given);

void aidc_pools_free(struct aidc_scenario *s);

#endif
