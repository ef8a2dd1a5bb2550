/* swing — superposed square waves, their spectrum and the cost of a power floor. See swing.h. */
#include "models/swing.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <gsl/gsl_fft_real.h>

#define MAX_SAMPLES (UINT64_C(1) << 24)
#define MAX_PRIME 1000
#define EDGE_EPS 1e-12 /* cycles: snaps samples that sit on an edge to the phase starting there */
#define FLAT_REL 1e-12 /* a swing below this share of the peak is rounding noise */

void aidc_swing_cfg_default(aidc_swing_cfg *c)
{
    assert(c);
    c->window_s = 60.0;
    c->sample_hz = 100.0;
    c->band_lo_hz = 0.1;
    c->band_hi_hz = 20.0;
    c->floor_fraction = 0.0;
    c->stagger = false;
    c->base_w = 0.0;
}

void aidc_swing_limits_default(aidc_swing_limits *l)
{
    assert(l);
    l->max_swing_w = INFINITY;
    l->max_band_fraction = 0.2;
}

bool aidc_swing_breach(const aidc_swing_result *r, const aidc_swing_limits *l)
{
    assert(r && l);
    return r->swing_w > l->max_swing_w || r->band_fraction > l->max_band_fraction;
}

static uint64_t largest_prime_factor(uint64_t n)
{
    uint64_t p = 1;
    for (uint64_t f = 2; f * f <= n; f++)
        while (n % f == 0) {
            p = f;
            n /= f;
        }
    return n > 1 ? n : p;
}

/* The sample count window_s * sample_hz, or 0 when it is not a whole number in range. */
static size_t sample_count(const aidc_swing_cfg *c)
{
    double x = c->window_s * c->sample_hz;
    if (!isfinite(x) || x < 1.5 || x > (double)MAX_SAMPLES) return 0;
    double r = nearbyint(x);
    if (fabs(x - r) > 1e-9 * r) return 0;
    return (size_t)r;
}

int aidc_swing_cfg_check(const aidc_swing_cfg *c, const char *key, char *err, size_t errlen)
{
    assert(c && key);
#define BAD(field, ...)                                                                            \
    do {                                                                                           \
        if (err && errlen > 0) {                                                                   \
            int k_ = snprintf(err, errlen, "%s." field ": ", key);                                 \
            if (k_ >= 0 && (size_t)k_ < errlen)                                                    \
                snprintf(err + k_, errlen - (size_t)k_, __VA_ARGS__);                              \
        }                                                                                          \
        return -1;                                                                                 \
    } while (0)
    if (!isfinite(c->window_s) || c->window_s <= 0)
        BAD("window_s", "expected a duration in seconds > 0, found %g", c->window_s);
    if (!isfinite(c->sample_hz) || c->sample_hz <= 0)
        BAD("sample_hz", "expected a rate in Hz > 0, found %g", c->sample_hz);
    if (!isfinite(c->band_lo_hz) || c->band_lo_hz < 0)
        BAD("band_lo_hz", "expected a frequency in Hz >= 0, found %g", c->band_lo_hz);
    if (!isfinite(c->band_hi_hz) || c->band_hi_hz <= c->band_lo_hz)
        BAD("band_hi_hz", "expected a frequency above band_lo_hz (%g Hz), found %g", c->band_lo_hz,
            c->band_hi_hz);
    if (c->band_hi_hz > c->sample_hz / 2)
        BAD("band_hi_hz",
            "%g Hz is above the Nyquist frequency %g Hz of sample_hz %g; sample at least twice "
            "as fast as the band's top",
            c->band_hi_hz, c->sample_hz / 2, c->sample_hz);
    if (!isfinite(c->floor_fraction) || c->floor_fraction < 0 || c->floor_fraction > 1)
        BAD("floor_fraction", "expected a fraction of TDP in [0, 1], found %g", c->floor_fraction);
    if (!isfinite(c->base_w) || c->base_w < 0)
        BAD("base_w", "expected a power >= 0, found %g W", c->base_w);
    size_t n = sample_count(c);
    if (n == 0)
        BAD("window_s",
            "window_s * sample_hz = %g must be a whole number of samples from 2 to %llu",
            c->window_s * c->sample_hz, (unsigned long long)MAX_SAMPLES);
    uint64_t p = largest_prime_factor(n);
    if (p > MAX_PRIME)
        BAD("window_s",
            "window_s * sample_hz = %zu samples has the prime factor %llu, which makes the FFT "
            "slow; pick a window with small factors (60 s at 100 Hz is 6000 = 2^4 3 5^3)",
            n, (unsigned long long)p);
#undef BAD
    return 0;
}

static int job_error(size_t i, const char *field, const char *want, double v, char *err,
                     size_t errlen)
{
    if (err && errlen > 0)
        snprintf(err, errlen, "jobs[%zu].%s: expected %s, found %g", i, field, want, v);
    return -1;
}

static int check_jobs(const aidc_swing_job *j, size_t n, char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(j[i].p_low_w) || j[i].p_low_w < 0)
            return job_error(i, "p_low_w", "a power >= 0", j[i].p_low_w, err, errlen);
        if (!isfinite(j[i].p_high_w) || j[i].p_high_w < j[i].p_low_w)
            return job_error(i, "p_high_w", "a finite power >= p_low_w", j[i].p_high_w, err,
                             errlen);
        if (!isfinite(j[i].tdp_w) || j[i].tdp_w < 0)
            return job_error(i, "tdp_w", "a power >= 0", j[i].tdp_w, err, errlen);
        if (!isfinite(j[i].period_s) || j[i].period_s <= 0)
            return job_error(i, "period_s", "an iteration time in seconds > 0", j[i].period_s, err,
                             errlen);
        if (!isfinite(j[i].compute_fraction) || j[i].compute_fraction <= 0 ||
            j[i].compute_fraction > 1)
            return job_error(i, "compute_fraction", "a fraction in (0, 1]", j[i].compute_fraction,
                             err, errlen);
        if (!isfinite(j[i].phase) || j[i].phase < 0 || j[i].phase >= 1)
            return job_error(i, "phase", "a fraction of the iteration in [0, 1)", j[i].phase, err,
                             errlen);
    }
    return 0;
}

/* Position inside the iteration, in cycles [0, 1), of cycle count x. */
static double cycle_pos(double x)
{
    double u = x - floor(x);
    return u > 1 - EDGE_EPS ? 0 : u;
}

/* Compute-phase cycles elapsed from the cycle origin to x (x in cycles, any sign). */
static double high_cycles(double x, double cf)
{
    double whole = floor(x);
    double u = x - whole;
    return whole * cf + (u < cf ? u : cf);
}

int aidc_swing_analyze(const aidc_swing_cfg *cfg, const aidc_swing_job *jobs, size_t n,
                       aidc_swing_result *out, char *err, size_t errlen)
{
    assert(cfg && (jobs || n == 0) && out);
    assert(aidc_swing_cfg_check(cfg, "swing", NULL, 0) == 0);
    if (check_jobs(jobs, n, err, errlen) != 0) return -1;

    size_t ns = sample_count(cfg);
    double fs = cfg->sample_hz;
    double window = (double)ns / fs;
    double *x = malloc(ns * sizeof *x);
    if (!x) {
        if (err && errlen > 0) snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t k = 0; k < ns; k++)
        x[k] = cfg->base_w;

    double floor_j = 0;
    for (size_t i = 0; i < n; i++) {
        const aidc_swing_job *j = &jobs[i];
        double phase = cfg->stagger ? (double)i / (double)n : j->phase;
        double f = cfg->floor_fraction * j->tdp_w;
        double hi = j->p_high_w > f ? j->p_high_w : f;
        double lo = j->p_low_w > f ? j->p_low_w : f;
        double cf = j->compute_fraction;
        double cycles_per_sample = 1.0 / (fs * j->period_s);
        for (size_t k = 0; k < ns; k++) {
            double u = cycle_pos((double)k * cycles_per_sample - phase);
            x[k] += u < cf - EDGE_EPS ? hi : lo;
        }
        /* Exact time at each level inside [0, window). */
        double high_s =
            j->period_s * (high_cycles(window / j->period_s - phase, cf) - high_cycles(-phase, cf));
        double low_s = window - high_s;
        floor_j += (hi - j->p_high_w) * high_s + (lo - j->p_low_w) * low_s;
    }

    double sum = 0, peak = -INFINITY, trough = INFINITY;
    for (size_t k = 0; k < ns; k++) {
        sum += x[k];
        if (x[k] > peak) peak = x[k];
        if (x[k] < trough) trough = x[k];
    }
    double mean = sum / (double)ns;
    out->n_samples = ns;
    out->mean_w = mean;
    out->peak_w = peak;
    out->trough_w = trough;
    out->swing_w = peak - trough;
    out->floor_energy_j = floor_j;
    out->floor_waste_w = floor_j / window;
    out->dominant_hz = 0;
    out->band_fraction = 0;
    out->band_rms_w = 0;

    /* Flat, or flat but for rounding in the sums (staggered jobs add the same levels in
     * different orders): no spectrum, or noise would pick the dominant line and band share. */
    if (peak - trough <= FLAT_REL * fabs(peak)) {
        free(x);
        return 0;
    }
    for (size_t k = 0; k < ns; k++)
        x[k] -= mean;

    gsl_fft_real_wavetable *wt = gsl_fft_real_wavetable_alloc(ns);
    gsl_fft_real_workspace *ws = gsl_fft_real_workspace_alloc(ns);
    if (!wt || !ws || gsl_fft_real_transform(x, 1, ns, wt, ws) != 0) {
        if (wt) gsl_fft_real_wavetable_free(wt);
        if (ws) gsl_fft_real_workspace_free(ws);
        free(x);
        if (err && errlen > 0) snprintf(err, errlen, "out of memory (FFT of %zu samples)", ns);
        return -1;
    }
    gsl_fft_real_wavetable_free(wt);
    gsl_fft_real_workspace_free(ws);

    /* Half-complex layout: x[2k-1], x[2k] = Re, Im of X_k; for even ns x[ns-1] = X_{ns/2}.
     * One-sided energy: bins 0 < k < ns/2 stand for k and ns-k, so count twice. */
    double total = 0, band = 0, best = -1;
    size_t best_k = 0;
    for (size_t k = 1; k <= ns / 2; k++) {
        double e;
        if (2 * k == ns) {
            e = x[ns - 1] * x[ns - 1];
        } else {
            e = 2 * (x[2 * k - 1] * x[2 * k - 1] + x[2 * k] * x[2 * k]);
        }
        double f = (double)k * fs / (double)ns;
        total += e;
        if (f >= cfg->band_lo_hz * (1 - 1e-12) && f <= cfg->band_hi_hz * (1 + 1e-12)) band += e;
        if (e > best) {
            best = e;
            best_k = k;
        }
    }
    free(x);
    out->dominant_hz = (double)best_k * fs / (double)ns;
    out->band_fraction = total > 0 ? band / total : 0;
    /* Parseval: sum |x|^2 = (1/N) sum |X|^2, so RMS = sqrt(sum |X|^2) / N. */
    out->band_rms_w = sqrt(band) / (double)ns;
    return 0;
}
