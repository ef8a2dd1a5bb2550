/* synth — the synthetic workload generator: arrivals, GPU counts, durations
 * and tenants drawn with GSL from named RNG streams (one per aspect, so that
 * changing the duration model leaves arrival times unchanged).
 *
 * Arrivals: "poisson" (constant rate), "diurnal" (a non-homogeneous Poisson
 * process with 24 hourly rate multipliers, drawn by thinning), or "trace"
 * (inter-arrival gaps resampled i.i.d. from a native trace's submit times,
 * which keeps its burstiness). Durations: exponential, lognormal, or empirical
 * (resampled from a one-column file of seconds, e.g. the Philly runtimes).
 * Units: rates per hour, times in seconds in the config, ns in the jobs. */
#ifndef AIDC_MODELS_SYNTH_H
#define AIDC_MODELS_SYNTH_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "models/workload.h"

/* Limits that keep a generated workload representable: run times and
 * submit times (as int64 ns, like the trace reader's limit), and the count
 * generated when "jobs" is not given. */
#define AIDC_SYNTH_MAX_SECONDS 1e9
#define AIDC_SYNTH_MAX_JOBS 100000000

typedef enum { AIDC_ARRIVAL_POISSON, AIDC_ARRIVAL_DIURNAL, AIDC_ARRIVAL_TRACE } aidc_arrival_kind;
typedef enum { AIDC_DUR_EXPONENTIAL, AIDC_DUR_LOGNORMAL, AIDC_DUR_EMPIRICAL } aidc_duration_kind;

typedef struct aidc_synth_cfg {
    int64_t jobs; /* how many; -1: until the horizon */
    aidc_arrival_kind arrival;
    double rate_per_hour;  /* poisson, diurnal (mean rate) */
    double hourly[24];     /* diurnal multipliers, normalized to mean 1 */
    double *gaps_s;        /* trace: inter-arrival gaps, owned */
    size_t n_gaps;
    int32_t *gpu_values;   /* GPU-count distribution, owned */
    double *gpu_weights;
    size_t n_gpu;
    aidc_duration_kind duration;
    double mean_s;         /* exponential */
    double median_s;       /* lognormal: exp(mu) */
    double sigma;          /* lognormal */
    double *samples_s;     /* empirical, owned */
    size_t n_samples;
    double estimate_factor; /* estimate = factor x duration (>= 1 over-estimates) */
    char **tenants;        /* owned */
    double *tenant_weights;
    size_t n_tenants;
    aidc_job_kind kind;
    double deferrable_fraction; /* share of jobs that may wait for cleaner power */
    int64_t deferrable_slack_ns; /* their deadline: submit + estimate + slack */
} aidc_synth_cfg;

void aidc_synth_cfg_init(aidc_synth_cfg *c);
void aidc_synth_cfg_fini(aidc_synth_cfg *c);

/* Reads a one-column file of non-negative seconds (a header line allowed)
 * into *out (malloc'd, caller frees). Returns 0, or -1 with "FILE:LINE: ...". */
int aidc_synth_read_samples(const char *path, double **out, size_t *n, char *err, size_t errlen);

/* Appends generated jobs (submit times from 0, strictly before horizon_ns if
 * jobs is -1) to w. Each stream is used for one aspect only. Returns 0, or -1
 * with a message (out of memory, jobs == -1 without a horizon, a drawn run
 * time beyond AIDC_SYNTH_MAX_SECONDS, more than AIDC_SYNTH_MAX_JOBS jobs). */
int aidc_synth_generate(const aidc_synth_cfg *c, int64_t horizon_ns, gsl_rng *arrivals,
                        gsl_rng *sizes, gsl_rng *durations, aidc_workload *w, char *err,
                        size_t errlen);

#endif
