/* swing — the power swing synchronized training puts on the grid, and what mitigations buy.
 *
 * Every iteration, all GPUs of a data-parallel job compute together near TDP and then wait
 * together on communication near idle (physical-figures.md §4, Choukse et al., arXiv
 * 2508.14318, 2025: energy concentrates at ~0.2–3 Hz). A job is modelled as a square wave:
 * P_high for compute_fraction * T_iter, then P_low for the rest, starting its compute phase at
 * phase * T_iter. The facility sees the sum over running jobs plus a constant base.
 *
 * The analysis samples that sum on a uniform grid over a short window (default 60 s at
 * 100 Hz, so the 0.1–20 Hz band of utility spectral limits is well inside the Nyquist
 * frequency) and reports the peak-to-trough swing, the dominant frequency of the de-meaned
 * signal (GSL mixed-radix real FFT) and the share of its spectral energy in a band. The
 * trade-off is the square-wave idealization: no ramps inside a GPU, no jitter between ranks,
 * so swings are upper bounds and spectra have sharp odd harmonics; the window should hold a
 * whole number of iterations, or leakage spreads the lines.
 *
 * Mitigations (§4): a GPU power floor, each job's GPU power raised to at least
 * floor_fraction * TDP (GB200 power smoothing: floor 20–90% of TDP), which costs the energy
 * burnt in the troughs, integrated exactly (not sampled); and staggering, job i of n started
 * at phase i/n instead of its own phase, which cancels swings of similar jobs.
 * Units: W, s, Hz, J. */
#ifndef AIDC_MODELS_SWING_H
#define AIDC_MODELS_SWING_H

#include <stdbool.h>
#include <stddef.h>

/* One running synchronized training job (GPU power only; constant loads go to base_w). */
typedef struct aidc_swing_job {
    double p_high_w;         /* compute phase, >= p_low_w */
    double p_low_w;          /* communication phase, >= 0 */
    double tdp_w;            /* sum of the job's GPU TDPs, for the floor */
    double period_s;         /* iteration time T_iter, > 0 */
    double compute_fraction; /* (0, 1] of T_iter at p_high_w */
    double phase;            /* [0, 1): compute starts at phase * T_iter */
} aidc_swing_job;

typedef struct aidc_swing_cfg {
    double window_s;               /* analysed span, starting at t = 0 of the jobs' phases */
    double sample_hz;              /* window_s * sample_hz must be a whole number of samples */
    double band_lo_hz, band_hi_hz; /* band of interest, inclusive; hi <= sample_hz / 2 */
    double floor_fraction;         /* [0, 1]; 0 = no floor */
    bool stagger;                  /* phases i/n instead of the jobs' own */
    double base_w;                 /* constant load added to the sum (does not swing) */
} aidc_swing_cfg;

/* window 60 s, 100 Hz, band 0.1–20 Hz (§4 "e.g. in 0.1–20 Hz"), no floor, no stagger,
 * base 0 W. */
void aidc_swing_cfg_default(aidc_swing_cfg *c);

/* Checks a cfg from a scenario. Returns 0, or -1 with "KEY.FIELD: ..." in err, key e.g.
 * "grid.swing". Besides ranges it requires window_s * sample_hz to be a whole number of
 * samples from 2 to 2^24 with no prime factor above 1000 (keeps the FFT fast). */
int aidc_swing_cfg_check(const aidc_swing_cfg *c, const char *key, char *err, size_t errlen);

typedef struct aidc_swing_result {
    size_t n_samples;
    double mean_w, peak_w, trough_w; /* of the sampled total, base included */
    double swing_w;                  /* peak - trough */
    double dominant_hz;              /* strongest non-zero frequency; 0 for a flat signal */
    double band_fraction;            /* in-band share of the de-meaned energy; 0 if flat (a swing
                                        within 1e-12 of the peak counts as flat: rounding noise) */
    double band_rms_w;               /* RMS of the in-band part of the signal */
    double floor_energy_j;           /* integral of (with floor - without) over the window */
    double floor_waste_w;            /* the same as an average rate */
} aidc_swing_result;

/* Analyses n jobs (n may be 0) under cfg, which must pass aidc_swing_cfg_check (assert).
 * Samples are at t = k / sample_hz, k = 0 .. N-1; a sample within 1e-12 of an iteration
 * edge belongs to the phase that starts there. Returns 0, or -1 with "jobs[i].FIELD: ..." for
 * a job out of range, or "out of memory". Allocates and frees its own scratch (N doubles plus
 * the FFT tables); GSL errors other than out-of-memory cannot happen on checked input. */
int aidc_swing_analyze(const aidc_swing_cfg *cfg, const aidc_swing_job *jobs, size_t n,
                       aidc_swing_result *out, char *err, size_t errlen);

/* Grid limits on the swing: peak-to-trough in W, and the in-band energy share. */
typedef struct aidc_swing_limits {
    double max_swing_w;       /* INFINITY = no limit */
    double max_band_fraction; /* 1 = no limit */
} aidc_swing_limits;

/* max_swing_w INFINITY (utility-specific, §4 "MW/s limits (utility-specific)"),
 * max_band_fraction 0.2 (§4 "in 0.1–20 Hz, oscillation ≤20% of band energy"). */
void aidc_swing_limits_default(aidc_swing_limits *l);

/* True when r breaks a limit: swing_w > max_swing_w or band_fraction > max_band_fraction. */
bool aidc_swing_breach(const aidc_swing_result *r, const aidc_swing_limits *l);

#endif
