/* CUnit suite for models/topology: switch, link and hierarchy numbers worked
 * out by hand for each fabric, graphs read from fixtures in tests/data/fabric/,
 * bad input that must fail with a message naming the key or file and line, a
 * GraphML round trip, and campus-sized rail fabrics. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "models/topology.h"

#define DIR "tests/data/fabric/"
#define ERRLEN 512

/* 8 GPUs per node, 400G NICs (50 GB/s), NVLink4 (450 GB/s per direction). */
static aidc_topology_cfg cfg_of(aidc_fabric_kind kind, int32_t nodes)
{
    return (aidc_topology_cfg){.kind = kind,
                               .nodes = nodes,
                               .gpus_per_node = 8,
                               .nvlink_domain = 8,
                               .nvlink_gbps = 450,
                               .nic_gbps = 50,
                               .oversubscription = 1,
                               .nodes_per_su = 32,
                               .sus_per_pod = 0,
                               .k = 0,
                               .alpha_nvlink_us = 1,
                               .alpha_leaf_us = 1.5,
                               .alpha_spine_us = 3,
                               .alpha_core_us = 5,
                               .graph_path = NULL};
}

#define BUILD_OK(t, cfg)                                                                           \
    do {                                                                                           \
        char e_[ERRLEN] = "";                                                                      \
        int rc_ = aidc_topology_build((t), (cfg), e_, sizeof e_);                                  \
        if (rc_ != 0) fprintf(stderr, "\n%s:%d: build failed: %s\n", __FILE__, __LINE__, e_);      \
        CU_ASSERT_EQUAL_FATAL(rc_, 0);                                                             \
    } while (0)

/* Fails, names `needle`, leaves the struct zeroed, and fini stays safe. */
#define BUILD_BAD(cfg, needle)                                                                     \
    do {                                                                                           \
        aidc_topology t_;                                                                          \
        char e_[ERRLEN] = "";                                                                      \
        CU_ASSERT_EQUAL(aidc_topology_build(&t_, (cfg), e_, sizeof e_), -1);                       \
        if (!strstr(e_, (needle)))                                                                 \
            fprintf(stderr, "\n%s:%d: message \"%s\" lacks \"%s\"\n", __FILE__, __LINE__, e_,      \
                    (needle));                                                                     \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (needle)));                                              \
        CU_ASSERT_PTR_NULL(strchr(e_, '\n'));                                                      \
        CU_ASSERT_EQUAL(t_.n_nodes, 0);                                                            \
        CU_ASSERT_PTR_NULL(t_.leaf);                                                               \
        CU_ASSERT_PTR_NULL(t_.leaf_up_gbps);                                                       \
        aidc_topology_fini(&t_);                                                                   \
    } while (0)

#define NAME_IS(t, v, want) CU_ASSERT_STRING_EQUAL(VAS(&(t)->graph, "name", (v)), (want))
#define KIND_IS(t, v, want) CU_ASSERT_STRING_EQUAL(VAS(&(t)->graph, "kind", (v)), (want))
#define NEAR(x, want) CU_ASSERT_DOUBLE_EQUAL((x), (want), 1e-9 * (fabs((double)(want)) + 1))

static igraph_integer_t degree(const aidc_topology *t, igraph_integer_t v)
{
    igraph_vector_int_t d;
    igraph_vector_int_init(&d, 1);
    igraph_degree(&t->graph, &d, igraph_vss_1(v), IGRAPH_ALL, IGRAPH_LOOPS);
    igraph_integer_t r = VECTOR(d)[0];
    igraph_vector_int_destroy(&d);
    return r;
}

/* The link between u and v, or -1. */
static igraph_integer_t link_of(const aidc_topology *t, igraph_integer_t u, igraph_integer_t v)
{
    igraph_integer_t eid = -1;
    igraph_get_eid(&t->graph, &eid, u, v, IGRAPH_UNDIRECTED, false);
    return eid;
}

static double bw_of(const aidc_topology *t, igraph_integer_t u, igraph_integer_t v)
{
    igraph_integer_t e = link_of(t, u, v);
    return e < 0 ? -1 : EAN(&t->graph, "bandwidth_gbps", e);
}

static double lat_of(const aidc_topology *t, igraph_integer_t u, igraph_integer_t v)
{
    igraph_integer_t e = link_of(t, u, v);
    return e < 0 ? -1 : EAN(&t->graph, "latency_us", e);
}

/* Counts, graph size and the struct's own totals agree. */
static void check_sizes(const aidc_topology *t, int32_t nodes, int32_t switches, int32_t links)
{
    CU_ASSERT_EQUAL(t->n_nodes, nodes);
    CU_ASSERT_EQUAL(t->n_switches, switches);
    CU_ASSERT_EQUAL(t->n_links, links);
    CU_ASSERT_EQUAL(igraph_vcount(&t->graph), nodes + switches);
    CU_ASSERT_EQUAL(igraph_ecount(&t->graph), links);
    CU_ASSERT_FALSE(igraph_is_directed(&t->graph));
}

/* k = 8: 8 pods of 4 edge + 4 aggregation = 64, plus (k/2)^2 = 16 cores: 80 switches;
 * k^3/4 = 128 hosts; links 128 host + 8*4*4 edge-agg + 8*4*4 agg-core = 384.
 * Vertex ids: hosts 0..127; pod p edge e at 128 + 8p + e, aggregation a at 132 + 8p + a;
 * core j at 192 + j. A host link carries 8 GPUs * 50 = 400 GB/s. */
static void test_fat_tree_k8(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_FAT_TREE, 128);
    c.k = 8;
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 128, 80, 384);
    NAME_IS(&t, 0, "n0");
    KIND_IS(&t, 0, "node");
    NAME_IS(&t, 128, "pod0-edge0");
    KIND_IS(&t, 128, "edge");
    NAME_IS(&t, 132, "pod0-agg0");
    KIND_IS(&t, 132, "aggregation");
    NAME_IS(&t, 145, "pod2-edge1");
    NAME_IS(&t, 192, "core0");
    KIND_IS(&t, 192, "core");
    NAME_IS(&t, 207, "core15");
    /* every switch has k = 8 ports in use */
    CU_ASSERT_EQUAL(degree(&t, 128), 8);
    CU_ASSERT_EQUAL(degree(&t, 133), 8);
    CU_ASSERT_EQUAL(degree(&t, 200), 8);
    CU_ASSERT_EQUAL(degree(&t, 5), 1);
    /* node i on edge switch i/4: node 4 on pod0-edge1 (129), node 16 on pod1-edge0 (136) */
    CU_ASSERT(link_of(&t, 4, 129) >= 0);
    CU_ASSERT(link_of(&t, 16, 136) >= 0);
    NEAR(bw_of(&t, 16, 136), 400);
    NEAR(lat_of(&t, 16, 136), 1.5);
    /* aggregation a reaches cores 4a..4a+3: pod0-agg1 (133) to core4..7 (196..199) */
    CU_ASSERT(link_of(&t, 133, 196) >= 0);
    CU_ASSERT(link_of(&t, 133, 199) >= 0);
    CU_ASSERT(link_of(&t, 133, 192) < 0);
    NEAR(bw_of(&t, 128, 132), 400);
    NEAR(lat_of(&t, 128, 132), 3);
    NEAR(lat_of(&t, 133, 196), 5);
    /* hierarchy: leaf = edge switch i/4, pod = i/16; all 8 domain = node */
    CU_ASSERT_EQUAL(t.n_leaves, 32);
    CU_ASSERT_EQUAL(t.n_pods, 8);
    CU_ASSERT_EQUAL(t.n_domains, 128);
    CU_ASSERT_EQUAL(t.leaf[3], 0);
    CU_ASSERT_EQUAL(t.leaf[4], 1);
    CU_ASSERT_EQUAL(t.leaf[127], 31);
    CU_ASSERT_EQUAL(t.pod[15], 0);
    CU_ASSERT_EQUAL(t.pod[16], 1);
    CU_ASSERT_EQUAL(t.pod[127], 7);
    CU_ASSERT_EQUAL(t.domain[77], 77);
    /* non-blocking: edge pool 4 hosts * 400 = 1600; pod pool 4 edges * 1600 = 6400 */
    NEAR(t.leaf_up_gbps[0], 1600);
    NEAR(t.leaf_up_gbps[31], 1600);
    NEAR(t.pod_up_gbps[7], 6400);
    aidc_topology_fini(&t);

    /* 4:1 at the edge: each uplink 400/4 = 100; edge pool 400, pod pool 1600 */
    c.oversubscription = 4;
    BUILD_OK(&t, &c);
    check_sizes(&t, 128, 80, 384);
    NEAR(bw_of(&t, 128, 132), 100);
    NEAR(bw_of(&t, 133, 196), 100);
    NEAR(bw_of(&t, 0, 128), 400);
    NEAR(t.leaf_up_gbps[5], 400);
    NEAR(t.pod_up_gbps[3], 1600);
    aidc_topology_fini(&t);
    aidc_topology_fini(&t); /* twice is harmless */
}

/* k = 4: 4 pods * (2 + 2) + 4 cores = 20 switches, 16 hosts, 16 + 16 + 16 = 48 links.
 * With 5 nodes the whole switch fabric is still built: 5 + 16 + 16 = 37 links; nodes
 * 0-1, 2-3, 4 sit on edge switches 0, 1, 2, so 3 leaf groups in pods 0, 0, 1.
 * k = 2: 2 pods of one edge and one aggregation, 1 core: 5 switches, 2 + 2 + 2 links. */
static void test_fat_tree_small(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_FAT_TREE, 16);
    c.k = 4;
    c.oversubscription = 2;
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 16, 20, 48);
    CU_ASSERT_EQUAL(t.n_leaves, 8);
    CU_ASSERT_EQUAL(t.n_pods, 4);
    /* host link 400; each uplink 400 / 2 = 200; edge pool 2 * 200; pod pool 4 * 200 */
    NEAR(t.leaf_up_gbps[7], 400);
    NEAR(t.pod_up_gbps[3], 800);
    aidc_topology_fini(&t);

    c.nodes = 5;
    BUILD_OK(&t, &c);
    check_sizes(&t, 5, 20, 37);
    CU_ASSERT_EQUAL(t.n_leaves, 3);
    CU_ASSERT_EQUAL(t.n_pods, 2);
    CU_ASSERT_EQUAL(t.leaf[4], 2);
    CU_ASSERT_EQUAL(t.pod[3], 0);
    CU_ASSERT_EQUAL(t.pod[4], 1);
    NAME_IS(&t, 5, "pod0-edge0");
    CU_ASSERT(link_of(&t, 4, 5 + 4) >= 0); /* node 4 on pod1-edge0 */
    NEAR(t.leaf_up_gbps[2], 400);          /* physical: the empty port still counts */
    aidc_topology_fini(&t);

    c.nodes = 2;
    c.k = 2;
    BUILD_OK(&t, &c);
    check_sizes(&t, 2, 5, 6);
    CU_ASSERT_EQUAL(t.pod[1], 1);
    aidc_topology_fini(&t);
}

/* 8 nodes, 8 GPUs, 4 nodes per SU, 4:1, 2 tiers: 2 SUs of 8 rail leaves = 16 leaves
 * (ids 8..23, SU s rail r at 8 + 8s + r); each leaf has ceil(4/4) = 1 uplink, so 1 spine
 * (id 24). Links: 8 nodes * 8 NICs = 64, plus 16 leaf-spine = 80. Leaf group pool
 * 4 nodes * 8 * 50 / 4 = 400; one pod, no pod uplink. */
static void test_rail_two_tier(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_RAIL, 8);
    c.nodes_per_su = 4;
    c.oversubscription = 4;
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 8, 17, 80);
    NAME_IS(&t, 8, "su0-rail0-leaf");
    KIND_IS(&t, 8, "leaf");
    NAME_IS(&t, 21, "su1-rail5-leaf");
    NAME_IS(&t, 24, "spine0");
    KIND_IS(&t, 24, "spine");
    /* node 5 (SU 1): NIC r to su1-rail-r; never to SU 0 */
    CU_ASSERT_EQUAL(degree(&t, 5), 8);
    CU_ASSERT(link_of(&t, 5, 16) >= 0);
    CU_ASSERT(link_of(&t, 5, 21) >= 0);
    CU_ASSERT(link_of(&t, 5, 8) < 0);
    NEAR(bw_of(&t, 5, 21), 50);
    NEAR(lat_of(&t, 5, 21), 1.5);
    CU_ASSERT_EQUAL(degree(&t, 21), 5); /* 4 hosts + 1 spine */
    CU_ASSERT_EQUAL(degree(&t, 24), 16);
    NEAR(bw_of(&t, 21, 24), 50);
    NEAR(lat_of(&t, 21, 24), 3);
    CU_ASSERT_EQUAL(t.n_leaves, 2);
    CU_ASSERT_EQUAL(t.n_pods, 1);
    CU_ASSERT_EQUAL(t.leaf[3], 0);
    CU_ASSERT_EQUAL(t.leaf[4], 1);
    CU_ASSERT_EQUAL(t.pod[7], 0);
    NEAR(t.leaf_up_gbps[0], 400);
    NEAR(t.leaf_up_gbps[1], 400);
    NEAR(t.pod_up_gbps[0], 0);
    aidc_topology_fini(&t);

    /* 3:1 asks for 4/3 of a link per leaf: ceil gives 2 uplinks, 2 spines, 64 + 32 links;
     * the pool stays at the ratio asked for, 4 * 8 * 50 / 3 */
    c.oversubscription = 3;
    BUILD_OK(&t, &c);
    check_sizes(&t, 8, 18, 96);
    NEAR(t.leaf_up_gbps[1], 1600.0 / 3);
    aidc_topology_fini(&t);

    /* 4 / (4/3) is 3 links, not 4 after rounding noise: 3 spines, 64 + 48 links */
    c.oversubscription = 4.0 / 3.0;
    BUILD_OK(&t, &c);
    check_sizes(&t, 8, 19, 112);
    aidc_topology_fini(&t);

    /* a short last SU: 6 nodes = SUs of 4 and 2; pools 400 and 200 */
    c.oversubscription = 4;
    c.nodes = 6;
    BUILD_OK(&t, &c);
    check_sizes(&t, 6, 17, 48 + 16);
    NEAR(t.leaf_up_gbps[1], 200);
    aidc_topology_fini(&t);
}

/* 16 nodes, 8 GPUs, 4 nodes per SU, 2:1, 2 SUs per pod: 4 SUs * 8 = 32 leaves (ids
 * 16..47), 2 pods. Each leaf has 4/2 = 2 uplinks, so 2 spines per pod (48, 49 | 50, 51).
 * Each spine takes one link from each of its pod's 16 leaves and, non-blocking, sends
 * 16 up: 16 cores (52..67). Switches 32 + 4 + 16 = 52; links 128 + 64 + 64 = 256.
 * Leaf pool 4 * 8 * 50 / 2 = 800; pod pool 2 * 800 = 1600. */
static void test_rail_three_tier(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_RAIL, 16);
    c.nodes_per_su = 4;
    c.oversubscription = 2;
    c.sus_per_pod = 2;
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 16, 52, 256);
    NAME_IS(&t, 48, "pod0-spine0");
    NAME_IS(&t, 50, "pod1-spine0");
    KIND_IS(&t, 50, "spine");
    NAME_IS(&t, 52, "core0");
    KIND_IS(&t, 52, "core");
    CU_ASSERT_EQUAL(degree(&t, 48), 32);
    CU_ASSERT_EQUAL(degree(&t, 52), 4);
    CU_ASSERT(link_of(&t, 16, 48) >= 0); /* su0-rail0 to its pod's spines, not pod 1's */
    CU_ASSERT(link_of(&t, 16, 50) < 0);
    NEAR(lat_of(&t, 48, 52), 5);
    CU_ASSERT_EQUAL(t.n_leaves, 4);
    CU_ASSERT_EQUAL(t.n_pods, 2);
    CU_ASSERT_EQUAL(t.leaf[15], 3);
    CU_ASSERT_EQUAL(t.pod[7], 0);
    CU_ASSERT_EQUAL(t.pod[8], 1);
    NEAR(t.leaf_up_gbps[2], 800);
    NEAR(t.pod_up_gbps[0], 1600);
    NEAR(t.pod_up_gbps[1], 1600);
    aidc_topology_fini(&t);
}

/* 10 nodes, 2 GPUs, 4 nodes per SU, 2:1, 2 SUs per pod: SUs of 4, 4, 2 nodes with
 * 2, 2, 1 uplinks per leaf; 6 leaves (ids 10..15). Pod 0 (SUs 0, 1) has 2 spines (16, 17),
 * each taking 4 leaf links; pod 1 (SU 2) has 1 spine (18) taking 2. Cores = busiest
 * spine = 4 (19..22); spine q reaches cores q, q+1, ... (mod 4): spines 16 and 17 all
 * four, spine 18 cores 2 and 3. Switches 6 + 3 + 4 = 13; links 20 + 10 + 10 = 40.
 * Pools: leaves 4*2*50/2 = 200, 200, 2*2*50/2 = 100; pods 400, 100. */
static aidc_topology_cfg cfg_rail_uneven(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_RAIL, 10);
    c.gpus_per_node = 2;
    c.nvlink_domain = 2;
    c.nodes_per_su = 4;
    c.oversubscription = 2;
    c.sus_per_pod = 2;
    return c;
}

static void test_rail_uneven(void)
{
    aidc_topology_cfg c = cfg_rail_uneven();
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 10, 13, 40);
    NAME_IS(&t, 15, "su2-rail1-leaf");
    NAME_IS(&t, 18, "pod1-spine0");
    NAME_IS(&t, 19, "core0");
    CU_ASSERT_EQUAL(degree(&t, 16), 8);
    CU_ASSERT_EQUAL(degree(&t, 18), 4);
    CU_ASSERT_EQUAL(degree(&t, 19), 2);
    CU_ASSERT_EQUAL(degree(&t, 21), 3);
    CU_ASSERT(link_of(&t, 18, 21) >= 0);
    CU_ASSERT(link_of(&t, 18, 19) < 0);
    CU_ASSERT_EQUAL(t.n_leaves, 3);
    CU_ASSERT_EQUAL(t.n_pods, 2);
    CU_ASSERT_EQUAL(t.leaf[9], 2);
    CU_ASSERT_EQUAL(t.pod[7], 0);
    CU_ASSERT_EQUAL(t.pod[9], 1);
    NEAR(t.leaf_up_gbps[0], 200);
    NEAR(t.leaf_up_gbps[2], 100);
    NEAR(t.pod_up_gbps[0], 400);
    NEAR(t.pod_up_gbps[1], 100);
    aidc_topology_fini(&t);
}

/* GB200 NVL72: 4 GPUs per node, 72 per domain = 18 nodes per domain. 36 nodes: 2 domains,
 * 2 nvswitch vertices (36, 37), 36 links of 4 * 900 = 3600. No way out of a domain.
 * 40 nodes: a third domain holding nodes 36..39. */
static void test_nvlink(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_NVLINK, 36);
    c.gpus_per_node = 4;
    c.nvlink_domain = 72;
    c.nvlink_gbps = 900;
    c.nic_gbps = 0; /* unused without a scale-out network */
    c.oversubscription = 0;
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 36, 2, 36);
    NAME_IS(&t, 36, "nvl0");
    KIND_IS(&t, 37, "nvswitch");
    NEAR(bw_of(&t, 17, 36), 3600);
    NEAR(lat_of(&t, 17, 36), 1);
    CU_ASSERT(link_of(&t, 18, 37) >= 0);
    CU_ASSERT_EQUAL(t.n_domains, 2);
    CU_ASSERT_EQUAL(t.domain[17], 0);
    CU_ASSERT_EQUAL(t.domain[18], 1);
    CU_ASSERT_EQUAL(t.n_leaves, 2);
    CU_ASSERT_EQUAL(t.leaf[35], 1);
    CU_ASSERT_EQUAL(t.n_pods, 1);
    CU_ASSERT_EQUAL(t.pod[35], 0);
    NEAR(t.leaf_up_gbps[0], 0);
    NEAR(t.leaf_up_gbps[1], 0);
    NEAR(t.pod_up_gbps[0], 0);
    aidc_topology_fini(&t);

    c.nodes = 40;
    BUILD_OK(&t, &c);
    check_sizes(&t, 40, 3, 40);
    CU_ASSERT_EQUAL(t.domain[39], 2);
    CU_ASSERT_EQUAL(degree(&t, 42), 4);
    aidc_topology_fini(&t);

    /* NVLink domains are kept with a scale-out fabric too: rail, 18 nodes per domain */
    c.kind = AIDC_FABRIC_RAIL;
    c.nic_gbps = 100;
    c.oversubscription = 1;
    c.nodes_per_su = 8;
    BUILD_OK(&t, &c);
    CU_ASSERT_EQUAL(t.n_domains, 3);
    CU_ASSERT_EQUAL(t.domain[20], 1);
    CU_ASSERT_EQUAL(t.leaf[20], 2);
    aidc_topology_fini(&t);

    /* a domain smaller than a node is one node */
    c = cfg_of(AIDC_FABRIC_NVLINK, 3);
    c.nvlink_domain = 4;
    BUILD_OK(&t, &c);
    CU_ASSERT_EQUAL(t.n_domains, 3);
    aidc_topology_fini(&t);
}

/* two-pods.graphml lists 6 switches first (s0 l0 l1 c0 s1 l2) and hosts out of order;
 * they become hosts n0..n5 = 0..5 and switches 6..11 in file order. Leaf groups:
 * {n0,n1,l0} {n2,n3,l1} {n4,n5,l2}; s0 is above l0 and l1 (pod 0), s1 above l2 (pod 1).
 * Pools: l0-s0 100, l1-s0 80, l2-s1 100; pods s0-c0 200, s1-c0 unset = nic 50. */
static void test_graph_graphml(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_GRAPH, 6);
    c.graph_path = DIR "two-pods.graphml";
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 6, 6, 11);
    CU_ASSERT_STRING_EQUAL(t.cfg.graph_path, DIR "two-pods.graphml");
    CU_ASSERT_PTR_NOT_EQUAL(t.cfg.graph_path, c.graph_path); /* its own copy */
    NAME_IS(&t, 0, "n0");
    KIND_IS(&t, 5, "node");
    NAME_IS(&t, 6, "s0");
    KIND_IS(&t, 6, "spine");
    NAME_IS(&t, 9, "c0");
    KIND_IS(&t, 9, "core");
    NAME_IS(&t, 11, "l2");
    NEAR(bw_of(&t, 2, 8), 50);   /* no data: fabric.nic_gbps */
    NEAR(lat_of(&t, 2, 8), 1.5); /* no data: fabric.alpha_leaf_us */
    NEAR(lat_of(&t, 0, 7), 1);
    NEAR(bw_of(&t, 6, 9), 200);
    NEAR(bw_of(&t, 10, 9), 50);
    CU_ASSERT_EQUAL(t.n_leaves, 3);
    CU_ASSERT_EQUAL(t.leaf[0], 0);
    CU_ASSERT_EQUAL(t.leaf[1], 0);
    CU_ASSERT_EQUAL(t.leaf[3], 1);
    CU_ASSERT_EQUAL(t.leaf[5], 2);
    CU_ASSERT_EQUAL(t.n_pods, 2);
    CU_ASSERT_EQUAL(t.pod[3], 0);
    CU_ASSERT_EQUAL(t.pod[4], 1);
    NEAR(t.leaf_up_gbps[0], 100);
    NEAR(t.leaf_up_gbps[1], 80);
    NEAR(t.leaf_up_gbps[2], 100);
    NEAR(t.pod_up_gbps[0], 200);
    NEAR(t.pod_up_gbps[1], 50);
    CU_ASSERT_EQUAL(t.n_domains, 6);
    aidc_topology_fini(&t);
}

/* rails.csv: SU "a" = n0, n1 on rail leaves a-r0, a-r1; SU "b" = n2, n3 on b-r0, b-r1;
 * all four leaves to "spine". Switches in order of first appearance: a-r0 4, a-r1 5,
 * b-r0 6, b-r1 7, spine 8. A leaf group is a whole SU: pools 100 + 100 and 100 + 60; the
 * spine is tier 2 with nothing above it. Line 6 has no latency, line 11 no bandwidth. */
static void test_graph_csv(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_GRAPH, 4);
    c.graph_path = DIR "rails.csv";
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 4, 5, 12);
    NAME_IS(&t, 3, "n3");
    NAME_IS(&t, 4, "a-r0");
    NAME_IS(&t, 7, "b-r1");
    NAME_IS(&t, 8, "spine");
    KIND_IS(&t, 4, "leaf");
    KIND_IS(&t, 8, "spine");
    NEAR(lat_of(&t, 1, 5), 1.5);
    NEAR(bw_of(&t, 3, 6), 50);
    NEAR(bw_of(&t, 7, 8), 60);
    NEAR(lat_of(&t, 7, 8), 3);
    CU_ASSERT_EQUAL(t.n_leaves, 2);
    CU_ASSERT_EQUAL(t.leaf[1], 0);
    CU_ASSERT_EQUAL(t.leaf[2], 1);
    CU_ASSERT_EQUAL(t.n_pods, 1);
    CU_ASSERT_EQUAL(t.pod[3], 0);
    NEAR(t.leaf_up_gbps[0], 200);
    NEAR(t.leaf_up_gbps[1], 160);
    NEAR(t.pod_up_gbps[0], 0);
    aidc_topology_fini(&t);
}

static void test_bad_config(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_FAT_TREE, 16);
    c.k = 7;
    BUILD_BAD(&c, "fabric.k");
    c.k = 0;
    BUILD_BAD(&c, "fabric.k");
    c.k = 4;
    c.nodes = 17; /* k^3/4 = 16 */
    BUILD_BAD(&c, "cluster.nodes: 17 nodes do not fit a k=4 fat-tree");
    c.nodes = 1;
    c.k = 512; /* 3 * 512^3/4 links */
    BUILD_BAD(&c, "fabric.k: fabric too large");
    c.k = 4;
    c.oversubscription = 0.5;
    BUILD_BAD(&c, "fabric.oversubscription");
    c.oversubscription = NAN;
    BUILD_BAD(&c, "fabric.oversubscription");
    c.oversubscription = 1;
    c.nic_gbps = 0;
    BUILD_BAD(&c, "fabric.nic_gbps");
    c.nic_gbps = INFINITY;
    BUILD_BAD(&c, "fabric.nic_gbps");
    c.nic_gbps = 50;
    c.alpha_spine_us = -1;
    BUILD_BAD(&c, "fabric.latency_us.spine");
    c.alpha_spine_us = 3;
    c.nodes = 0;
    BUILD_BAD(&c, "cluster.nodes");
    c.nodes = 4;
    c.gpus_per_node = 0;
    BUILD_BAD(&c, "cluster.gpus_per_node");
    c.gpus_per_node = 8;
    c.nvlink_domain = 60;
    BUILD_BAD(&c, "nvlink_domain: 60 GPUs per NVLink domain is not a whole number of 8-GPU nodes");
    c.nvlink_domain = 8;
    c.nvlink_gbps = -5;
    BUILD_BAD(&c, "fabric.nvlink_gbps");
    c.nvlink_gbps = 450;
    c.kind = (aidc_fabric_kind)9;
    BUILD_BAD(&c, "fabric.type");

    c = cfg_of(AIDC_FABRIC_RAIL, 16);
    c.nodes_per_su = 0;
    BUILD_BAD(&c, "fabric.nodes_per_su");
    c.nodes_per_su = 4;
    c.sus_per_pod = -1;
    BUILD_BAD(&c, "fabric.sus_per_pod");
    c.sus_per_pod = 0;
    c.oversubscription = 0.5;
    BUILD_BAD(&c, "fabric.oversubscription");

    c = cfg_of(AIDC_FABRIC_GRAPH, 4);
    BUILD_BAD(&c, "fabric.file");
    c.graph_path = DIR "rails.txt";
    BUILD_BAD(&c, "fabric.file: \"" DIR "rails.txt\": expected a .graphml or .csv");

    c = cfg_of(AIDC_FABRIC_RAIL, 1 << 20);
    BUILD_BAD(&c, "cluster.nodes: fabric too large");

    aidc_topology zero;
    memset(&zero, 0, sizeof zero);
    aidc_topology_fini(&zero);
}

static void test_kind_names(void)
{
    CU_ASSERT_STRING_EQUAL(aidc_topology_kind_name(AIDC_FABRIC_RAIL), "rail-optimized");
    CU_ASSERT_STRING_EQUAL(aidc_topology_kind_name(AIDC_FABRIC_FAT_TREE), "fat-tree");
    CU_ASSERT_STRING_EQUAL(aidc_topology_kind_name(AIDC_FABRIC_NVLINK), "nvlink");
    CU_ASSERT_STRING_EQUAL(aidc_topology_kind_name(AIDC_FABRIC_GRAPH), "graph");
}

static void test_bad_graph_files(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_GRAPH, 4);
    c.graph_path = DIR "no-such-file.graphml";
    BUILD_BAD(&c, DIR "no-such-file.graphml: cannot open");
    c.graph_path = DIR "no-such-file.csv";
    BUILD_BAD(&c, DIR "no-such-file.csv: cannot open");
    c.graph_path = DIR "bad-fields.csv";
    BUILD_BAD(&c, "bad-fields.csv:3: expected 4 fields");
    c.graph_path = DIR "bad-host.csv";
    BUILD_BAD(&c, "bad-host.csv:4: unknown host \"n9\": hosts are n0..n3");
    c.graph_path = DIR "bad-header.csv";
    BUILD_BAD(&c, "bad-header.csv:1: expected the header a,b,bandwidth_gbps,latency_us");
    c.graph_path = DIR "bad-bandwidth.csv";
    BUILD_BAD(&c, "bad-bandwidth.csv:3: column \"bandwidth_gbps\"");
    c.graph_path = DIR "bad-orphan.csv";
    BUILD_BAD(&c, "bad-orphan.csv: host n3 has no link to a switch");
    c.graph_path = DIR "bad-host-link.csv";
    BUILD_BAD(&c, "bad-host-link.csv:3: link between two hosts");
    c.graph_path = DIR "empty.csv";
    BUILD_BAD(&c, "empty.csv: file is empty");
    c.graph_path = DIR "rails.csv";
    c.nodes = 3; /* n3 is then unknown */
    BUILD_BAD(&c, "rails.csv:11: unknown host \"n3\"");

    c.nodes = 2;
    c.graph_path = DIR "bad-host.graphml";
    BUILD_BAD(&c, "bad-host.graphml: unknown host \"gpu-box-1\"");
    c.graph_path = DIR "bad-no-kind.graphml";
    BUILD_BAD(&c, "bad-no-kind.graphml: expected a string vertex attribute \"kind\"");
    c.graph_path = DIR "bad-xml.graphml";
    BUILD_BAD(&c, "bad-xml.graphml: igraph: ");
    c.nodes = 7; /* two-pods has n0..n5 */
    c.graph_path = DIR "two-pods.graphml";
    BUILD_BAD(&c, "two-pods.graphml: no host n6");
    c.nodes = 5;
    BUILD_BAD(&c, "two-pods.graphml: unknown host \"n5\"");
}

static void tmp_path(char *buf, size_t n, const char *tag)
{
    snprintf(buf, n, "/tmp/aidc_topology_%ld_%s.graphml", (long)getpid(), tag);
}

/* Written GraphML reads back with the same size and attributes, and, read as a "graph"
 * fabric, gives the hierarchy the generator computed (whole numbers of links here). */
static void round_trip(const aidc_topology_cfg *c, const char *tag)
{
    char path[256], e[ERRLEN] = "";
    tmp_path(path, sizeof path, tag);
    aidc_topology t, back;
    BUILD_OK(&t, c);
    CU_ASSERT_EQUAL_FATAL(aidc_topology_write_graphml(&t, path, e, sizeof e), 0);

    FILE *f = fopen(path, "r");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    igraph_t g;
    CU_ASSERT_EQUAL(igraph_read_graph_graphml(&g, f, 0), IGRAPH_SUCCESS);
    fclose(f);
    CU_ASSERT_EQUAL(igraph_vcount(&g), igraph_vcount(&t.graph));
    CU_ASSERT_EQUAL(igraph_ecount(&g), igraph_ecount(&t.graph));
    igraph_integer_t last = igraph_vcount(&g) - 1;
    CU_ASSERT_STRING_EQUAL(VAS(&g, "name", last), VAS(&t.graph, "name", last));
    CU_ASSERT_STRING_EQUAL(VAS(&g, "kind", last), VAS(&t.graph, "kind", last));
    CU_ASSERT_DOUBLE_EQUAL(EAN(&g, "bandwidth_gbps", 7), EAN(&t.graph, "bandwidth_gbps", 7), 0);
    CU_ASSERT_DOUBLE_EQUAL(EAN(&g, "latency_us", 7), EAN(&t.graph, "latency_us", 7), 0);
    igraph_destroy(&g);

    aidc_topology_cfg gc = *c;
    gc.kind = AIDC_FABRIC_GRAPH;
    gc.graph_path = path;
    BUILD_OK(&back, &gc);
    check_sizes(&back, t.n_nodes, t.n_switches, t.n_links);
    CU_ASSERT_EQUAL(back.n_leaves, t.n_leaves);
    CU_ASSERT_EQUAL(back.n_pods, t.n_pods);
    for (int32_t i = 0; i < t.n_nodes; i++) {
        CU_ASSERT_EQUAL(back.leaf[i], t.leaf[i]);
        CU_ASSERT_EQUAL(back.pod[i], t.pod[i]);
        CU_ASSERT_EQUAL(back.domain[i], t.domain[i]);
    }
    for (int32_t g2 = 0; g2 < t.n_leaves && g2 < back.n_leaves; g2++)
        NEAR(back.leaf_up_gbps[g2], t.leaf_up_gbps[g2]);
    for (int32_t p = 0; p < t.n_pods && p < back.n_pods; p++)
        NEAR(back.pod_up_gbps[p], t.pod_up_gbps[p]);
    aidc_topology_fini(&back);
    aidc_topology_fini(&t);
    unlink(path);
}

static void test_graphml_round_trip(void)
{
    aidc_topology_cfg c = cfg_rail_uneven();
    round_trip(&c, "rail3");
    c = cfg_of(AIDC_FABRIC_RAIL, 8);
    c.nodes_per_su = 4;
    c.oversubscription = 4;
    round_trip(&c, "rail2");
    c = cfg_of(AIDC_FABRIC_FAT_TREE, 16);
    c.k = 4;
    c.oversubscription = 2;
    round_trip(&c, "fattree");

    /* an unwritable place fails with a message and leaves nothing behind */
    aidc_topology t;
    char e[ERRLEN] = "";
    BUILD_OK(&t, &c);
    CU_ASSERT_EQUAL(aidc_topology_write_graphml(&t, "/nonexistent-dir/x.graphml", e, sizeof e), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "/nonexistent-dir/x.graphml"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "cannot create"));
    aidc_topology_fini(&t);
}

/* 32,768 GPUs: 4096 nodes of 8, 32 nodes per SU, 4 SUs per pod, 1:1. 128 SUs * 8 rails =
 * 1024 leaves with 32 uplinks each; 32 pods * 32 spines = 1024 spines with 32 leaf links
 * each, so 32 cores. Switches 1024 + 1024 + 32 = 2080; links 3 * 32,768 = 98,304.
 * Leaf pool 32 * 8 * 50 = 12,800; pod pool 4 * 12,800 = 51,200.
 * 100,000 GPUs: 12,500 nodes = 390 full SUs + one of 20 nodes (391 SUs, 3128 leaves);
 * 98 pods (the last of 3 SUs) * 32 spines = 3136; 32 cores: 6296 switches. Links:
 * 100,000 host + (390 * 8 * 32 + 8 * 20 = 100,000) leaf-spine + as many spine-core. */
static void test_rail_campus(void)
{
    aidc_topology_cfg c = cfg_of(AIDC_FABRIC_RAIL, 4096);
    c.nodes_per_su = 32;
    c.sus_per_pod = 4;
    aidc_topology t;
    BUILD_OK(&t, &c);
    check_sizes(&t, 4096, 2080, 98304);
    CU_ASSERT_EQUAL(t.n_leaves, 128);
    CU_ASSERT_EQUAL(t.n_pods, 32);
    NEAR(t.leaf_up_gbps[127], 12800);
    NEAR(t.pod_up_gbps[31], 51200);
    aidc_topology_fini(&t);

    c.nodes = 12500;
    BUILD_OK(&t, &c);
    check_sizes(&t, 12500, 6296, 300000);
    CU_ASSERT_EQUAL(t.n_leaves, 391);
    CU_ASSERT_EQUAL(t.n_pods, 98);
    CU_ASSERT_EQUAL(t.leaf[12499], 390);
    CU_ASSERT_EQUAL(t.pod[12499], 97);
    NEAR(t.leaf_up_gbps[390], 8000);
    NEAR(t.pod_up_gbps[97], 2 * 12800 + 8000);
    aidc_topology_fini(&t);
}

int test_topology_register(void)
{
    CU_pSuite s = CU_add_suite("topology", NULL, NULL);
    if (!s) return -1;
    static const struct {
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
        {"fat-tree k=8", test_fat_tree_k8},
        {"fat-tree k=4, partial, k=2", test_fat_tree_small},
        {"rail-optimized, 2 tiers", test_rail_two_tier},
        {"rail-optimized, 3 tiers", test_rail_three_tier},
        {"rail-optimized, uneven SUs and pods", test_rail_uneven},
        {"NVLink domains", test_nvlink},
        {"graph from GraphML", test_graph_graphml},
        {"graph from edge CSV", test_graph_csv},
        {"bad configuration", test_bad_config},
        {"fabric type names", test_kind_names},
        {"bad graph files", test_bad_graph_files},
        {"GraphML round trip", test_graphml_round_trip},
        {"32k and 100k GPU rail fabrics", test_rail_campus},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn)) return -1;
    return 0;
}
