/* power — electrical power from one GPU to the facility meter.
 *
 * GPU:  P = P_idle + (min(TDP, cap) - P_idle) * a, with a the job's activity
 *       (by kind; scenario-tunable) and idle GPUs at P_idle
 *       (shared/reference/physical-figures.md §1.1).
 * Node: P_dc = P_base + sum P_gpu; the PSUs draw P_dc / eta_psu(load) from the
 *       rack, eta a curve of load (80 PLUS Titanium: 90/94/96/91% at
 *       10/20/50/100%, §2). A node's AC draw is its IT power.
 * Site: the UPS feeds IT at eta_ups(load) (double conversion 94-97%, §2), a
 *       transformer stage loses ~1.5% (§2, 98-99%); cooling and a small fixed
 *       "misc" load (lighting, offices) come on top.
 * Power caps slow jobs: throughput ∝ (cap / P_uncapped)^k, k by kind
 * (§1.1: 0.3-0.5 inference, 0.7-1.0 training, est.), never above 1.
 * Units: W, fractions. */
#ifndef AIDC_MODELS_POWER_H
#define AIDC_MODELS_POWER_H

#include <stddef.h>

#include "models/workload.h"

#define AIDC_EFF_POINTS 4

/* An efficiency curve: eta at load fractions, linear in between, flat
 * outside the first and last points. */
typedef struct aidc_eff_curve {
    double load[AIDC_EFF_POINTS];
    double eta[AIDC_EFF_POINTS];
} aidc_eff_curve;

typedef struct aidc_power_cfg {
    double gpu_tdp_w, gpu_idle_w;
    double activity[AIDC_KIND_COUNT];   /* average a per job kind */
    double cap_exponent[AIDC_KIND_COUNT]; /* k per job kind */
    double node_base_w;      /* CPUs, memory, NICs, switches, fans */
    double psu_capacity_w;   /* per node, for the PSU load fraction */
    aidc_eff_curve psu;
    aidc_eff_curve ups;
    double ups_capacity_w;   /* for the UPS load fraction */
    double transformer_eta;
    double misc_w;           /* fixed facility load */
} aidc_power_cfg;

/* Defaults for a GPU type and a node's system power rating; see power.c. */
void aidc_power_defaults(aidc_power_cfg *c, double tdp_w, double idle_w, double node_base_w,
                         double node_rating_w);

double aidc_eff_at(const aidc_eff_curve *c, double load);

/* One GPU's draw running a job of this kind under cap_w (<= 0: no cap). */
double aidc_power_gpu_w(const aidc_power_cfg *c, aidc_job_kind kind, double cap_w);

/* Speed of a job capped at cap_w relative to uncapped (1 = no slowdown). */
double aidc_power_cap_speed(const aidc_power_cfg *c, aidc_job_kind kind, double cap_w);

/* A node's AC input for DC load dc_w. */
double aidc_power_node_ac_w(const aidc_power_cfg *c, double dc_w);

typedef struct aidc_power_site {
    double it_w;          /* sum of node AC inputs */
    double ups_loss_w;
    double transformer_loss_w;
    double cooling_w;
    double misc_w;
    double facility_w;    /* what the utility meter sees */
} aidc_power_site;

/* Rolls IT power and cooling up to the meter. psu losses are inside it_w;
 * losses_w reported elsewhere = psu + ups + transformer. */
aidc_power_site aidc_power_site_w(const aidc_power_cfg *c, double it_w, double cooling_w);

#endif
