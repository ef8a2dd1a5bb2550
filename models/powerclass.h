/* powerclass — nodes grouped by what they run, so that a budget check at a
 * trial GPU cap costs one power-chain evaluation per group instead of one
 * per node. A node's class is its GPU count and its busy GPUs per job kind;
 * every node of a class draws the same DC and AC power at any common cap.
 *
 * The trade-off: sums over classes round differently from the engine's
 * node-by-node sums (relative error below 1e-12 for a million nodes), so a
 * caller uses them only to decide comparisons that are not close: when a
 * total lies within a margin of its limit the caller redoes the exact
 * node-by-node sum. Decisions, and so schedules, stay those of the exact sum.
 * Rack budgets are cleared with a bound (every GPU of the fullest rack busy at
 * the hungriest kind), never per rack. Units: W. */
#ifndef AIDC_MODELS_POWERCLASS_H
#define AIDC_MODELS_POWERCLASS_H

#include <stddef.h>
#include <stdint.h>

#include "models/power.h"

typedef struct aidc_powerclass_key {
    int32_t gpus_total;
    int32_t busy[AIDC_KIND_COUNT];
} aidc_powerclass_key;

typedef struct aidc_powerclass {
    size_t n_nodes;
    int32_t *busy;             /* n_nodes x AIDC_KIND_COUNT busy GPUs per kind */
    int32_t *node_class;       /* class of each node */
    aidc_powerclass_key *keys; /* per class */
    int64_t *count;            /* nodes per class */
    size_t n_classes, cap_classes;
    int32_t *slots; /* open-addressing table of class ids, -1 empty */
    size_t n_slots;
    int32_t max_nodes_per_rack; /* nodes of the fullest rack */
    int32_t max_node_gpus;      /* GPUs of the largest node */
} aidc_powerclass;

/* Builds the classes of n idle nodes with gpus_total[i] GPUs each, on racks
 * rack[i]. Returns 0, or -1 when out of memory. Pair with _fini. */
int aidc_powerclass_init(aidc_powerclass *p, size_t n, const int32_t *gpus_total, size_t stride,
                         const int32_t *rack, int32_t n_racks);
void aidc_powerclass_fini(aidc_powerclass *p);

/* Node `node` gains (gpus > 0) or loses (gpus < 0) busy GPUs of job kind
 * `kind`. Returns 0, or -1 when out of memory (the classes are then unusable:
 * the caller drops the fast path). */
int aidc_powerclass_add(aidc_powerclass *p, int32_t node, int kind, int32_t gpus);

/* The DC power of a node of class key when every busy GPU of kind k draws
 * per_gpu_w[k] (idle ones idle_w), over node base power base_w. */
double aidc_powerclass_node_dc_w(const aidc_powerclass_key *key, double base_w, double idle_w,
                                 const double *per_gpu_w);

/* IT power (AC at the nodes) of all nodes, summed by class, with each busy
 * GPU of kind k at per_gpu_w[k]; the nodes listed in skip (n_skip of them,
 * each at most once) are left out, for the caller to add in their own load. */
double aidc_powerclass_it_w(const aidc_powerclass *p, const aidc_power_cfg *c, double base_w,
                            const double *per_gpu_w, const int32_t *skip, size_t n_skip);

/* aidc_power_node_ac_w through a direct-mapped memo keyed by the DC load's
 * bits: nodes at the same load (all idle ones; full ones of one kind under
 * one cap) share one evaluation. Exact: same bits in, same result. One memo
 * serves one power configuration; zero it (memset) to start. */
typedef struct aidc_power_ac_memo {
    uint64_t key[512];
    double ac[512];
    uint8_t used[512];
} aidc_power_ac_memo;

double aidc_power_ac_memo_get(aidc_power_ac_memo *m, const aidc_power_cfg *c, double dc_w);

#endif
