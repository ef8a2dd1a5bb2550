/* topology — the network fabric as built from the scenario: an igraph graph
 * of GPUs' nodes, switches and links (for export and inspection), plus the
 * hierarchy the contention model needs, precomputed per node so that no
 * path search runs while simulating.
 *
 * Fabrics (all links carry bandwidth per direction in GB/s and latency in us):
 *  - "nvlink": no scale-out network; jobs must fit one NVLink domain.
 *  - "rail-optimized": scalable units (SUs) of nodes; NIC i of every node in
 *    an SU goes to that SU's rail-i leaf, so same-rail traffic takes one hop;
 *    leaves connect to spines (2 tiers), or, with sus_per_pod, to pod spines
 *    and those to a core (3 tiers). Oversubscription applies at leaf uplinks.
 *  - "fat-tree": the classic k-ary fat-tree (k pods of k/2 edge and k/2
 *    aggregation switches, (k/2)^2 cores, k^3/4 hosts; a host is a node);
 *    oversubscription applies at edge uplinks.
 *  - "graph": a user-supplied GraphML or edge CSV; host vertices name nodes.
 *
 * The hierarchy: every node belongs to an NVLink domain, a leaf group (the
 * switches its NICs attach to: an SU's rail leaves, or an edge switch) and a
 * pod (the next tier up; one pod when 2-tier). Traffic between two nodes of
 * one leaf group stays below the leaf uplinks; between leaf groups of one pod
 * it crosses those leaf groups' uplinks; between pods it also crosses the pods'
 * uplinks. Each group's uplinks are pooled into one capacity (ECMP spreads
 * flows over them).
 * Units: GB/s per direction, microseconds. */
#ifndef AIDC_MODELS_TOPOLOGY_H
#define AIDC_MODELS_TOPOLOGY_H

#include <igraph.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    AIDC_FABRIC_NVLINK = 0,
    AIDC_FABRIC_RAIL,
    AIDC_FABRIC_FAT_TREE,
    AIDC_FABRIC_GRAPH
} aidc_fabric_kind;

typedef struct aidc_topology_cfg {
    aidc_fabric_kind kind;
    int32_t nodes;          /* compute nodes */
    int32_t gpus_per_node;
    int32_t nvlink_domain;  /* GPUs per NVLink domain (8 HGX, 72 NVL72) */
    double nvlink_gbps;     /* per GPU, per direction */
    double nic_gbps;        /* scale-out NIC per GPU, per direction (400G = 50) */
    double oversubscription; /* downlink:uplink capacity at the first tier, >= 1 */
    int32_t nodes_per_su;   /* rail-optimized: nodes per scalable unit */
    int32_t sus_per_pod;    /* rail-optimized: 0 = 2 tiers, else 3 tiers */
    int32_t k;              /* fat-tree radix */
    double alpha_nvlink_us, alpha_leaf_us, alpha_spine_us, alpha_core_us;
    const char *graph_path; /* "graph": GraphML (.graphml) or edge CSV (.csv) */
} aidc_topology_cfg;

typedef struct aidc_topology {
    aidc_topology_cfg cfg;
    int32_t n_nodes;
    int32_t *domain; /* per node: NVLink domain index */
    int32_t *leaf;   /* per node: leaf group index */
    int32_t *pod;    /* per node: pod index */
    int32_t n_domains, n_leaves, n_pods;
    double *leaf_up_gbps; /* per leaf group: pooled uplink capacity, per direction */
    double *pod_up_gbps;  /* per pod: pooled uplink capacity (0 when 2-tier) */
    int32_t n_switches;
    int32_t n_links;      /* undirected links, host links included */
    igraph_t graph;       /* vertices: nodes first (0..n_nodes-1), then switches;
                             attributes "name", "kind" ("node"/"leaf"/"spine"/...),
                             edge attributes "bandwidth_gbps", "latency_us" */
} aidc_topology;

/* Builds the fabric. Returns 0, or -1 with a message (bad parameters, a
 * cluster that does not fit the fabric, an unreadable graph file naming
 * file and line). Pair with aidc_topology_fini. */
int aidc_topology_build(aidc_topology *t, const aidc_topology_cfg *cfg, char *err, size_t errlen);
void aidc_topology_fini(aidc_topology *t);

/* "rail-optimized", "fat-tree", "nvlink", "graph". */
const char *aidc_topology_kind_name(aidc_fabric_kind k);

/* Writes the graph as GraphML. Returns 0, or -1 with a message. */
int aidc_topology_write_graphml(const aidc_topology *t, const char *path, char *err,
                                size_t errlen);

#endif
