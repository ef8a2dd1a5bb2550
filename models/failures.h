/* failures — component failures, repairs and checkpoint/restart for jobs.
 *
 * Five component classes fail as independent Poisson processes: GPU (one per
 * GPU), node (host, PSU, memory, board: one per node), NIC (nics_per_node per
 * node, each serving an equal block of the node's GPUs), link (a node's
 * scale-out attachment: its cables and its leaf port) and software (a bug or
 * a watchdog that kills the job running on a GPU without taking hardware
 * down); and, off by default, switch (a leaf switch group: a rack's ToR, or
 * with a fabric its leaf group, e.g. a rail-optimized SU's rail leaves,
 * which every multi-node job with a node there loses). A class with rate r per component per hour and n components is
 * sampled as ONE aggregated stream of rate r x n, the failing component
 * picked uniformly: a month of 100k GPUs costs as many events as failures.
 *
 * Default rates come from the Llama 3 405B pretraining run (Meta, "The Llama
 * 3 Herd of Models", 2024; ../shared/reference/physical-figures.md §7): 419
 * unexpected interruptions on 16,384 H100 (2,048 nodes, 8 NICs each) over 54
 * days = 1,296 h. Each cause row maps to one class:
 *   gpu      faulty GPU 148 + HBM3 72 + SRAM 19 + GSP 17 + SDC 6 + thermal 6 = 268
 *            / (16,384 GPUs x 1,296 h) = 1.262e-5 per GPU-hour (11%/GPU-year)
 *   node     host maintenance 32 + SSD 3 + PSU 3 + chassis 2 + IO board 2
 *            + CPU 2 + system memory 2 = 46 / (2,048 x 1,296 h) = 1.733e-5 per node-hour
 *   nic      NIC 7 / (16,384 NICs x 1,296 h) = 3.297e-7 per NIC-hour
 *   link     network switch/cable 35 / (2,048 x 1,296 h) = 1.319e-5 per node-hour
 *   software software bug 54 + NCCL watchdog 7 + dependency 2 = 63
 *            / (16,384 x 1,296 h) = 2.967e-6 per GPU-hour
 * 268 + 46 + 7 + 35 + 63 = 419; a 16,384-GPU job sees one every 3.09 h.
 * The switch class defaults to 0: the paper's switch/cable row is in link.
 * Repair times are not in the paper: the defaults are engineering estimates.
 *
 * Checkpointing: none, a fixed interval, or the optimum from the failure rate
 * the job sees (Young 1974: tau = sqrt(2 delta M); Daly 2006 adds higher
 * order terms). The write cost delta is fixed, or state size per GPU x GPUs
 * over a storage bandwidth shared by the jobs writing at once. Fluid model of
 * the sharing: at a job's (re)start, the other running jobs are writing a
 * fraction delta_i/(tau_i+delta_i) of the time, so the expected number of
 * concurrent writers is 1 + sum of those fractions and the job gets an equal
 * share: delta = S/B x (1 + sum_i delta_i/(tau_i+delta_i)). Fixed per run
 * segment: no per-checkpoint events.
 *
 * A run segment (one stay on GPUs) is laid out as wall work at full speed:
 * head (restart cost after an interruption, plus any preemption overhead),
 * then cycles of tau productive work + delta write, the last cycle without a
 * write. An interruption after x ns of wall work keeps the cycles completed
 * and loses the rest (aidc_ckpt_split).
 * Units: rates per component per hour, times in seconds (config) or ns
 * (segments), state in bytes, bandwidth in bytes/s. */
#ifndef AIDC_MODELS_FAILURES_H
#define AIDC_MODELS_FAILURES_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    AIDC_FAIL_GPU = 0,
    AIDC_FAIL_NODE,
    AIDC_FAIL_NIC,
    AIDC_FAIL_LINK,
    AIDC_FAIL_SOFTWARE,
    AIDC_FAIL_SWITCH,
    AIDC_FAIL_CLASSES
} aidc_fail_class;

typedef enum { AIDC_REPAIR_FIXED = 0, AIDC_REPAIR_EXPONENTIAL, AIDC_REPAIR_LOGNORMAL } aidc_repair_kind;

typedef enum { AIDC_CKPT_NONE = 0, AIDC_CKPT_FIXED, AIDC_CKPT_YOUNG, AIDC_CKPT_DALY } aidc_ckpt_mode;

typedef struct aidc_repair_dist {
    aidc_repair_kind kind;
    double mean_s; /* every kind: the mean */
    double sigma;  /* lognormal: sd of the log (the median is mean / exp(sigma^2/2)) */
} aidc_repair_dist;

typedef struct aidc_fail_class_cfg {
    double rate_per_hour; /* per component */
    aidc_repair_dist repair;
} aidc_fail_class_cfg;

/* How jobs of one kind checkpoint. */
typedef struct aidc_ckpt_cfg {
    aidc_ckpt_mode mode;
    int64_t interval_ns;        /* AIDC_CKPT_FIXED */
    int64_t write_ns;           /* fixed delta; -1: from state and the storage bandwidth */
    double state_bytes_per_gpu; /* derived delta */
} aidc_ckpt_cfg;

/* Job kinds (models/workload.h: training, fine-tuning, inference, batch). */
#define AIDC_FAIL_KINDS 4

typedef struct aidc_failures_cfg {
    bool enabled; /* a "failures" section was given */
    aidc_fail_class_cfg cls[AIDC_FAIL_CLASSES];
    int32_t nics_per_node;   /* 0: one per GPU (DGX H100: 8 ConnectX-7) */
    int64_t restart_ns;      /* detect, reschedule, init, load: paid on every restart */
    aidc_ckpt_cfg ckpt[AIDC_FAIL_KINDS]; /* per job kind */
    double storage_bytes_per_s;          /* derived delta: shared by concurrent writers */
} aidc_failures_cfg;

/* The class's key in scenarios and outputs ("gpu", "node", "nic", "link",
 * "software"). */
const char *aidc_fail_class_name(aidc_fail_class c);

/* Fills c with the Llama-3-calibrated defaults (enabled stays false). */
void aidc_failures_cfg_defaults(aidc_failures_cfg *c);

/* Components of class c in a cluster of nodes nodes holding gpus GPUs in all
 * (any mix of node shapes) with leaves leaf switch groups: NICs are
 * nics_per_node per node, or one per GPU when that is 0. */
int64_t aidc_fail_components(const aidc_failures_cfg *c, aidc_fail_class cls, int64_t nodes,
                             int64_t gpus, int64_t leaves);

/* NICs per GPU on a node of gpus_per_node GPUs: nics_per_node / gpus_per_node,
 * or 1 when nics_per_node is 0 (one NIC per GPU). */
double aidc_fail_nics_per_gpu(const aidc_failures_cfg *c, int32_t gpus_per_node);

/* The failure rate (per hour) a job on gpus GPUs over nodes nodes and
 * leaves leaf groups sees: its GPUs, nodes and NICs (gpus x nics_per_gpu, the
 * GPU-weighted mean of aidc_fail_nics_per_gpu over the nodes it holds),
 * software per GPU, and when it spans more than one node its nodes' links and
 * its leaf groups' switches. */
double aidc_fail_job_rate_per_hour(const aidc_failures_cfg *c, int32_t gpus, int32_t nodes,
                                   int32_t leaves, double nics_per_gpu);

/* A repair time in seconds drawn from d with rng (fixed draws nothing). */
double aidc_repair_draw_s(const aidc_repair_dist *d, gsl_rng *rng);

/* Checkpoint intervals for write cost delta and job MTBF m (same unit):
 * Young's sqrt(2 delta m) and Daly's higher-order optimum (m when delta >= 2m). */
double aidc_ckpt_young(double delta, double m);
double aidc_ckpt_daly(double delta, double m);

/* First-order expected waste fraction: delta/tau + (tau/2 + r)/m. */
double aidc_ckpt_waste(double delta, double tau, double r, double m);

/* One run segment of a job, in wall work at full speed (ns). */
typedef struct aidc_ckpt_seg {
    double head_ns;  /* restart and preemption overhead paid first */
    double prod_ns;  /* productive work the segment would finish */
    double tau_ns;   /* productive work between checkpoints; INFINITY: none */
    double delta_ns; /* one checkpoint write */
} aidc_ckpt_seg;

/* Checkpoints the segment writes if it runs to the end (none after the last
 * cycle), and the wall work it needs in total. */
int64_t aidc_ckpt_count(const aidc_ckpt_seg *g);
double aidc_ckpt_wall_ns(const aidc_ckpt_seg *g);

/* Splits x ns of wall work done in segment g (0 <= x <= wall) into
 * productive work kept, checkpoint writing and head, and work lost. With
 * save_now (a preemption writes a checkpoint as it leaves) the compute of the
 * cycle in progress is kept too; without it (a failure) it is lost. saved +
 * ckpt + head + lost == x. */
typedef struct aidc_ckpt_split_r {
    double saved_ns, ckpt_ns, head_ns, lost_ns;
} aidc_ckpt_split_r;
aidc_ckpt_split_r aidc_ckpt_split(const aidc_ckpt_seg *g, double x, bool save_now);

/* The write cost (s) of a job of kind k on gpus GPUs when writers_others
 * other jobs write at the same time on average: state x gpus / bandwidth x
 * (1 + writers_others); the fixed cost when the kind has one. */
double aidc_ckpt_write_s(const aidc_failures_cfg *c, int kind, int32_t gpus, double writers_others);

/* The checkpoint interval (s) for a job of kind k with write cost delta_s
 * seeing rate failures per hour; INFINITY when the mode is none or the rate
 * is 0. */
double aidc_ckpt_interval_s(const aidc_failures_cfg *c, int kind, double delta_s, double rate_per_hour);

#endif
