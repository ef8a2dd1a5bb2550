/* inference — an LLM inference service; see inference.h for the model. */
#include "models/inference.h"

#include "models/csvlines.h"

#include <assert.h>
#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846
#define NCLS 128 /* token classes: 0 for none, then 4 a doubling */
#define HIST_PER_DECADE 40.0
#define HIST_LO_LOG10 (-4.0)

void aidc_infer_cfg_defaults(aidc_infer_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->bytes_per_param = 2;
    c->kv_headroom = 0.25;
    c->max_batch = 64;
    c->prefill_eff = 0.45;
    c->decode_eff = 0.6;
    c->min_replicas = 1;
    c->max_replicas = 1;
    c->target_utilization = 0.7;
    c->scale_up_delay_ns = INT64_C(120) * 1000000000;
    c->cooldown_ns = INT64_C(600) * 1000000000;
    c->step_ns = INT64_C(60) * 1000000000;
    c->peak_to_trough = 1;
    c->peak_hour = 14;
    c->prompt_cv = 1;
    c->output_cv = 1;
    c->rate_scale = 1;
    c->slo_ttft_s = 2;
    c->slo_tpot_s = 0.1;
    c->slo_percentile = 99;
    c->mode = AIDC_INFER_AUTO;
    c->fluid_above = 200000;
}

int aidc_infer_size(aidc_infer_cfg *c, const aidc_gpu_model *gpu, int32_t gpus_per_node,
                    char *err, size_t errlen)
{
    double weights = c->params * c->bytes_per_param;
    double need = weights * (1 + c->kv_headroom);
    double hbm = gpu->hbm_gb * 1e9;
    if (hbm <= 0) {
        snprintf(err, errlen, "the cluster's GPU \"%s\" has no HBM size in the catalog (hbm_gb)",
                 gpu->name);
        return -1;
    }
    if (c->gpus_per_replica == 0) {
        double g = ceil(need / hbm - 1e-12);
        int32_t n = 1;
        while (n < g && n < gpus_per_node) n *= 2;
        if (n > gpus_per_node) n = gpus_per_node;
        if (n < g) n = (int32_t)(ceil(g / gpus_per_node) * gpus_per_node);
        c->gpus_per_replica = n;
    } else if (c->gpus_per_replica * hbm < need) {
        snprintf(err, errlen,
                 "gpus_per_replica: %d x %g GB of %s hold %.4g GB, and the model needs %.4g GB "
                 "(weights %.4g GB + %g%% KV-cache headroom)",
                 c->gpus_per_replica, gpu->hbm_gb, gpu->name, c->gpus_per_replica * hbm / 1e9,
                 need / 1e9, weights / 1e9, c->kv_headroom * 100);
        return -1;
    }
    if (c->gpus_per_replica > gpus_per_node && c->gpus_per_replica % gpus_per_node != 0) {
        snprintf(err, errlen,
                 "gpus_per_replica: %d GPUs span nodes of %d GPUs; use a multiple of %d (whole "
                 "nodes) or at most %d",
                 c->gpus_per_replica, gpus_per_node, gpus_per_node, gpus_per_node);
        return -1;
    }
    if (c->prefill_tps == 0) {
        if (gpu->bf16_tflops <= 0) {
            snprintf(err, errlen, "prefill_tokens_per_s: not given, and GPU \"%s\" has no "
                     "bf16_tflops to derive it", gpu->name);
            return -1;
        }
        c->prefill_tps = c->prefill_eff * c->gpus_per_replica * gpu->bf16_tflops * 1e12 / (2 * c->params);
    }
    if (c->decode_tps == 0) {
        if (gpu->hbm_tbps <= 0) {
            snprintf(err, errlen, "decode_tokens_per_s: not given, and GPU \"%s\" has no "
                     "hbm_tbps to derive it", gpu->name);
            return -1;
        }
        c->decode_tps = c->max_batch * c->decode_eff * c->gpus_per_replica * gpu->hbm_tbps * 1e12 / weights;
    }
    return 0;
}

/* ---- histogram ------------------------------------------------------------ */

static double bin_lo(int b) { return pow(10, HIST_LO_LOG10 + (b - 1) / HIST_PER_DECADE); }

static int bin_of(double x)
{
    if (!(x > 0)) return 0;
    double k = (log10(x) - HIST_LO_LOG10) * HIST_PER_DECADE;
    if (k < 0) return 0;
    if (k >= AIDC_INFER_HIST_BINS - 2) return AIDC_INFER_HIST_BINS - 1;
    return 1 + (int)k;
}

void aidc_infer_hist_add(aidc_infer_hist *h, double x_s, double weight)
{
    if (!(weight > 0)) return;
    h->w[bin_of(x_s)] += weight;
    h->total += weight;
}

double aidc_infer_hist_quantile(const aidc_infer_hist *h, double q)
{
    if (!(h->total > 0)) return NAN;
    double target = q * h->total, acc = 0;
    for (int b = 0; b < AIDC_INFER_HIST_BINS; b++) {
        if (h->w[b] <= 0) continue;
        if (acc + h->w[b] >= target) {
            if (b == 0) return bin_lo(1);
            if (b == AIDC_INFER_HIST_BINS - 1) return bin_lo(b);
            double f = (target - acc) / h->w[b];
            /* log-linear inside the bin */
            return bin_lo(b) * pow(10, f / HIST_PER_DECADE);
        }
        acc += h->w[b];
    }
    return bin_lo(AIDC_INFER_HIST_BINS - 1);
}

double aidc_infer_hist_cdf(const aidc_infer_hist *h, double x_s)
{
    if (!(h->total > 0)) return NAN;
    int b = bin_of(x_s);
    double acc = 0;
    for (int i = 0; i < b; i++) acc += h->w[i];
    if (b > 0 && b < AIDC_INFER_HIST_BINS - 1)
        acc += h->w[b] * (log10(x_s / bin_lo(b)) * HIST_PER_DECADE);
    else
        acc += h->w[b];
    return acc / h->total;
}

static void hist_merge(aidc_infer_hist *into, const aidc_infer_hist *h)
{
    for (int b = 0; b < AIDC_INFER_HIST_BINS; b++) into->w[b] += h->w[b];
    into->total += h->total;
}

/* Adds weight spread as the distribution with CDF f(x) (f(0) = 0) from lo on. */
typedef double (*cdf_fn)(double x, const void *ctx);
static void hist_add_cdf(aidc_infer_hist *h, double lo, double hi, cdf_fn f, const void *ctx,
                         double weight)
{
    int b0 = bin_of(lo), b1 = bin_of(hi);
    double prev = f(lo, ctx), placed = 0;
    h->w[b0] += weight * prev; /* an atom at lo (or below) */
    placed += weight * prev;
    for (int b = b0; b <= b1 && b < AIDC_INFER_HIST_BINS - 1; b++) {
        double edge = bin_lo(b + 1);
        if (edge <= lo) continue;
        double x = edge < hi ? edge : hi;
        double c = f(x, ctx);
        h->w[b] += weight * (c - prev);
        placed += weight * (c - prev);
        prev = c;
        if (x >= hi) break;
    }
    h->w[b1] += weight - placed; /* the tail beyond hi */
    h->total += weight;
}

/* ---- token classes --------------------------------------------------------- */

static int cls_of(double tokens)
{
    if (tokens < 1) return 0;
    int c = 1 + (int)floor(4 * log2(tokens));
    return c < NCLS ? c : NCLS - 1;
}

typedef struct classes {
    double n[NCLS], sum[NCLS];
} classes;

static void classes_add(classes *c, double tokens, double w)
{
    int k = cls_of(tokens);
    c->n[k] += w;
    c->sum[k] += w * tokens;
}

/* Totals (weight, weighted tokens) to shares and means within classes. */
static void classes_normalize(classes *c)
{
    double t = 0;
    for (int k = 0; k < NCLS; k++) t += c->n[k];
    for (int k = 0; k < NCLS; k++) {
        c->sum[k] = c->n[k] > 0 ? c->sum[k] / c->n[k] : 0;
        c->n[k] = t > 0 ? c->n[k] / t : 0;
    }
}

/* Class weights of a lognormal (mean, cv) shifted by `shift`, with the
 * mean inside each class. */
static void classes_lognormal(classes *c, double mean, double cv, double shift)
{
    memset(c, 0, sizeof *c);
    if (cv <= 0) {
        classes_add(c, mean + shift, 1);
        return;
    }
    double s2 = log(1 + cv * cv), s = sqrt(s2), mu = log(mean) - s2 / 2;
    double prev_p = 0, prev_e = 0; /* P(X <= x), E[X 1{X <= x}] */
    for (int k = 1; k <= NCLS; k++) {
        /* class k holds tokens in [2^((k-1)/4), 2^(k/4)); X + shift */
        double hi = k < NCLS ? pow(2, k / 4.0) - shift : INFINITY;
        double p = 1, e = mean;
        if (isfinite(hi)) {
            p = hi > 0 ? gsl_cdf_ugaussian_P((log(hi) - mu) / s) : 0;
            e = hi > 0 ? mean * gsl_cdf_ugaussian_P((log(hi) - mu - s2) / s) : 0;
        }
        double w = p - prev_p;
        /* into slot k - 1 (slot 0: below 2^(1/4) after the shift), one below
         * cls_of's numbering; harmless, as only each slot's weight and mean count */
        c->n[k - 1] += w;
        c->sum[k - 1] += (e - prev_e) + shift * w;
        prev_p = p;
        prev_e = e;
        if (p >= 1) break;
    }
}

/* ---- the model ------------------------------------------------------------- */

typedef struct active {
    double finish_v; /* decode progress at which it ends */
    double first_s;  /* first token */
    int32_t d;       /* tokens to decode */
    bool ttft_ok;
} active;

typedef struct replica {
    aidc_rep_state state;
    double ready_s, added_s, gone_s;
    /* discrete */
    bool prefilling;
    double prefill_end_s;
    aidc_infer_req cur;
    double v, v_s;     /* decode progress (tokens per sequence) and when */
    active *heap;
    int32_t n_heap, cap_heap;
    double acc_s;      /* activity accounted up to here */
    double prefill_busy_s, decode_busy_s; /* in the present interval */
    double act_prefill, act_decode;       /* shares over the last interval */
} replica;

struct aidc_infer {
    aidc_infer_cfg cfg;
    aidc_infer_mode mode;
    double expected;
    double horizon_s, now_s, step_s;
    bool started; /* an interval has been simulated */
    double P, r, B; /* prefill tokens/s, decode tokens/s per sequence, slots */
    double diurnal_a;
    gsl_rng *rng;
    /* stream */
    aidc_infer_req *base;
    size_t n_base;
    struct pre { /* per base request, for the fluid sums */
        double t, cost;       /* arrival since the first, scaled; replica-seconds */
        uint8_t cp, cd;       /* token classes of prompt and decode tokens */
    } *pre;
    double span_s; /* one replay of the trace (scaled) */
    size_t cur_i;
    uint64_t cur_rep;
    double gen_t;  /* generator clock */
    double mu_p, s_p, mu_o, s_o; /* generator: lognormal parameters of prompt and output tokens */
    bool have_peek;
    aidc_infer_req peek;
    bool stream_done;
    /* replicas */
    replica *reps;
    size_t n_reps, cap_reps;
    int32_t *live; /* indices of replicas not gone */
    size_t n_live;
    int32_t *was_live; /* aidc_infer_advance's copy of live (capacity cap_reps) */
    /* discrete queue (ring) */
    aidc_infer_req *q;
    size_t q_head, q_n, q_cap;
    /* fluid */
    double backlog, backlog_cost;
    classes gen_p, gen_d; /* generator: per-request class weights */
    double last_pbar, last_p2, last_dbar, last_d2, last_obar, last_cost;
    classes last_cp, last_cd;
    /* autoscaler */
    double obs_cost;   /* replica-seconds of the arrivals of the interval */
    double obs_cost2;  /* fluid: sum of their squares (the load's Poisson variance) */
    double noise_z;    /* fluid: expected largest of the window's standard normal draws */
    double obs_dt;
    int32_t *hist_want;
    size_t n_hist, cap_hist, hist_pos;
    size_t scale_ups;
    /* stats */
    aidc_infer_stats win, tot;
    double win_start_s;
    double win_denied, tot_denied;
    double unserved;
    aidc_infer_row *rows;
    size_t n_rows, cap_rows;
    /* fluid interval sums */
    double f_n, f_sp, f_sp2, f_sd, f_sd2, f_so, f_cost, f_cost2;
    classes f_cp, f_cd;
};

static double cost_of(const aidc_infer *m, double p, double d)
{
    return p / m->P + d / (m->B * m->r);
}

static double diurnal_shape(const aidc_infer *m, double t)
{
    if (m->diurnal_a <= 0) return 1;
    return 1 + m->diurnal_a * cos(2 * PI * (t / 3600 - m->cfg.peak_hour) / 24);
}

/* Integral of the diurnal shape over [t0, t1]. */
static double diurnal_integral(const aidc_infer *m, double t0, double t1)
{
    if (m->diurnal_a <= 0) return t1 - t0;
    double k = 2 * PI / (24 * 3600);
    double ph = 2 * PI * m->cfg.peak_hour / 24;
    return (t1 - t0) + m->diurnal_a / k * (sin(k * t1 - ph) - sin(k * t0 - ph));
}

/* E[max of n standard normals]: the integral of x d(Phi(x)^n), by
 * the midpoint rule over [-8, 8]. */
static double expected_max_normal(size_t n)
{
    if (n <= 1) return 0;
    double sum = 0, h = 1e-3;
    for (double x = -8; x < 8; x += h) {
        double mid = x + h / 2;
        sum += mid * (double)n * pow(gsl_cdf_ugaussian_P(mid), (double)n - 1) * gsl_ran_ugaussian_pdf(mid) * h;
    }
    return sum;
}

aidc_infer *aidc_infer_create(const aidc_infer_cfg *cfg, const aidc_infer_req *reqs, size_t n,
                              gsl_rng *rng, double horizon_s)
{
    aidc_infer *m = calloc(1, sizeof *m);
    if (!m) {
        if (rng) gsl_rng_free(rng);
        return NULL;
    }
    m->cfg = *cfg;
    m->rng = rng;
    m->horizon_s = horizon_s;
    m->step_s = (double)cfg->step_ns / 1e9;
    m->P = cfg->prefill_tps;
    m->B = cfg->max_batch;
    m->r = cfg->decode_tps / cfg->max_batch;
    double R = cfg->peak_to_trough;
    m->diurnal_a = R > 1 ? (R - 1) / (R + 1) : 0;
    if (n) {
        m->base = malloc(n * sizeof *m->base);
        if (!m->base) goto oom;
        memcpy(m->base, reqs, n * sizeof *reqs);
        m->n_base = n;
        double first = reqs[0].arrival_s, last = reqs[n - 1].arrival_s;
        double gap = n > 1 ? (last - first) / (double)(n - 1) : 1;
        if (gap <= 0) gap = 1;
        m->span_s = (last - first + gap) / cfg->rate_scale;
        m->pre = malloc(n * sizeof *m->pre);
        if (!m->pre) goto oom;
        for (size_t i = 0; i < n; i++) {
            double p = reqs[i].prompt_tokens, d = reqs[i].output_tokens > 1 ? reqs[i].output_tokens - 1 : 0;
            m->pre[i] = (struct pre){(reqs[i].arrival_s - first) / cfg->rate_scale,
                                     p / cfg->prefill_tps + d / (double)cfg->decode_tps,
                                     (uint8_t)cls_of(p), (uint8_t)cls_of(d)};
        }
    }
    /* expected requests over the horizon, for the mode */
    double thin = m->diurnal_a > 0 ? 1 / (1 + m->diurnal_a) : 1;
    if (cfg->generated) {
        m->expected = cfg->rate_per_s * diurnal_integral(m, 0, horizon_s);
    } else if (cfg->repeat) {
        m->expected = (double)n * horizon_s / m->span_s * thin;
    } else {
        size_t k = 0;
        while (k < n && (reqs[k].arrival_s - reqs[0].arrival_s) / cfg->rate_scale < horizon_s) k++;
        m->expected = (double)k * thin;
    }
    m->mode = cfg->mode;
    if (m->mode == AIDC_INFER_AUTO)
        m->mode = m->expected > cfg->fluid_above ? AIDC_INFER_FLUID : AIDC_INFER_DISCRETE;
    if (cfg->generated) {
        double s2p = log(1 + cfg->prompt_cv * cfg->prompt_cv), s2o = log(1 + cfg->output_cv * cfg->output_cv);
        m->mu_p = log(cfg->prompt_mean) - s2p / 2;
        m->s_p = sqrt(s2p);
        m->mu_o = log(cfg->output_mean) - s2o / 2;
        m->s_o = sqrt(s2o);
        classes_lognormal(&m->gen_p, cfg->prompt_mean, cfg->prompt_cv, 0);
        classes_lognormal(&m->gen_d, cfg->output_mean, cfg->output_cv, -1);
    }
    /* a request of the configured or the trace's mean size until one is seen */
    double pbar = cfg->prompt_mean, obar = cfg->output_mean, p2 = 0, d2 = 0;
    if (!cfg->generated && n) {
        double sp = 0, so = 0, sp2 = 0, sd2 = 0;
        memset(&m->last_cp, 0, sizeof m->last_cp);
        memset(&m->last_cd, 0, sizeof m->last_cd);
        for (size_t i = 0; i < n; i++) {
            double d = reqs[i].output_tokens > 1 ? reqs[i].output_tokens - 1 : 0;
            sp += reqs[i].prompt_tokens;
            sp2 += (double)reqs[i].prompt_tokens * reqs[i].prompt_tokens;
            so += reqs[i].output_tokens;
            sd2 += d * d;
            classes_add(&m->last_cp, reqs[i].prompt_tokens, 1.0 / (double)n);
            classes_add(&m->last_cd, d, 1.0 / (double)n);
        }
        classes_normalize(&m->last_cp);
        classes_normalize(&m->last_cd);
        pbar = sp / (double)n;
        obar = so / (double)n;
        p2 = sp2 / (double)n;
        d2 = sd2 / (double)n;
    } else {
        p2 = pbar * pbar * (1 + cfg->prompt_cv * cfg->prompt_cv);
        double dm = obar > 1 ? obar - 1 : 0;
        d2 = dm * dm * (1 + cfg->output_cv * cfg->output_cv);
        m->last_cp = m->gen_p;
        m->last_cd = m->gen_d;
        classes_normalize(&m->last_cp);
        classes_normalize(&m->last_cd);
    }
    m->last_pbar = pbar;
    m->last_p2 = p2;
    m->last_obar = obar;
    m->last_dbar = obar > 1 ? obar - 1 : 0;
    m->last_d2 = d2;
    m->last_cost = cost_of(m, pbar, m->last_dbar);
    size_t window = (size_t)(cfg->cooldown_ns / cfg->step_ns);
    m->cap_hist = window > 0 ? window : 1;
    m->hist_want = calloc(m->cap_hist, sizeof *m->hist_want);
    if (!m->hist_want) goto oom;
    m->noise_z = expected_max_normal(m->cap_hist);
    return m;
oom:
    aidc_infer_destroy(m);
    return NULL;
}

void aidc_infer_destroy(aidc_infer *m)
{
    if (!m) return;
    for (size_t i = 0; i < m->n_reps; i++) free(m->reps[i].heap);
    free(m->reps);
    free(m->live);
    free(m->was_live);
    free(m->q);
    free(m->base);
    free(m->pre);
    free(m->hist_want);
    free(m->rows);
    if (m->rng) gsl_rng_free(m->rng);
    free(m);
}

aidc_infer_mode aidc_infer_mode_used(const aidc_infer *m) { return m->mode; }
double aidc_infer_expected_requests(const aidc_infer *m) { return m->expected; }
const aidc_infer_cfg *aidc_infer_config(const aidc_infer *m) { return &m->cfg; }
size_t aidc_infer_replica_count(const aidc_infer *m) { return m->n_reps; }
aidc_rep_state aidc_infer_replica_state(const aidc_infer *m, int32_t i) { return m->reps[i].state; }

void aidc_infer_replica_activity(const aidc_infer *m, int32_t i, double *prefill, double *decode)
{
    *prefill = m->reps[i].act_prefill;
    *decode = m->reps[i].act_decode;
}

int32_t aidc_infer_live(const aidc_infer *m) { return (int32_t)m->n_live; }

int32_t aidc_infer_serving(const aidc_infer *m)
{
    int32_t k = 0;
    for (size_t i = 0; i < m->n_live; i++) k += m->reps[m->live[i]].state == AIDC_REP_SERVING;
    return k;
}

/* ---- the stream ------------------------------------------------------------- */

/* The next request of the stream (discrete mode), or false at its end. */
static bool stream_next(aidc_infer *m, aidc_infer_req *out)
{
    if (m->stream_done) return false;
    const aidc_infer_cfg *c = &m->cfg;
    if (c->generated) {
        double top = c->rate_per_s * (1 + m->diurnal_a);
        for (;;) {
            m->gen_t += gsl_ran_exponential(m->rng, 1 / top);
            if (m->gen_t >= m->horizon_s) break;
            if (m->diurnal_a > 0 && gsl_rng_uniform(m->rng) * (1 + m->diurnal_a) > diurnal_shape(m, m->gen_t))
                continue;
            out->arrival_s = m->gen_t;
            double p = c->prompt_cv > 0 ? gsl_ran_lognormal(m->rng, m->mu_p, m->s_p) : c->prompt_mean;
            double o = c->output_cv > 0 ? gsl_ran_lognormal(m->rng, m->mu_o, m->s_o) : c->output_mean;
            p = round(p);
            o = round(o);
            out->prompt_tokens = p < 1 ? 1 : p > 1e9 ? 1000000000 : (int32_t)p;
            out->output_tokens = o < 1 ? 1 : o > 1e9 ? 1000000000 : (int32_t)o;
            return true;
        }
        m->stream_done = true;
        return false;
    }
    for (;;) {
        if (m->cur_i >= m->n_base) {
            if (!c->repeat || m->n_base == 0) break;
            m->cur_i = 0;
            m->cur_rep++;
        }
        const aidc_infer_req *b = &m->base[m->cur_i++];
        double t = (b->arrival_s - m->base[0].arrival_s) / c->rate_scale + (double)m->cur_rep * m->span_s;
        if (t >= m->horizon_s) break;
        if (m->diurnal_a > 0 && gsl_rng_uniform(m->rng) * (1 + m->diurnal_a) > diurnal_shape(m, t))
            continue;
        *out = *b;
        out->arrival_s = t;
        return true;
    }
    m->stream_done = true;
    return false;
}

static bool stream_peek(aidc_infer *m, aidc_infer_req **out)
{
    if (!m->have_peek) m->have_peek = stream_next(m, &m->peek);
    *out = m->have_peek ? &m->peek : NULL;
    return m->have_peek;
}

static void note_arrival(aidc_infer *m, double p, double o, double w)
{
    double d = o > 1 ? o - 1 : 0;
    m->win.arrived += w;
    m->tot.arrived += w;
    m->obs_cost += w * cost_of(m, p, d);
}

/* Fluid: the interval's arrivals into the f_* sums. */
static void stream_fluid(aidc_infer *m, double t0, double t1)
{
    m->f_n = m->f_sp = m->f_sp2 = m->f_sd = m->f_sd2 = m->f_so = m->f_cost = m->f_cost2 = 0;
    memset(&m->f_cp, 0, sizeof m->f_cp);
    memset(&m->f_cd, 0, sizeof m->f_cd);
    const aidc_infer_cfg *c = &m->cfg;
    if (c->generated) {
        double a = c->rate_per_s * diurnal_integral(m, t0, t1);
        if (a <= 0) return;
        m->f_n = a;
        m->f_sp = a * c->prompt_mean;
        m->f_sp2 = a * c->prompt_mean * c->prompt_mean * (1 + c->prompt_cv * c->prompt_cv);
        double dm = c->output_mean > 1 ? c->output_mean - 1 : 0;
        m->f_sd = a * dm;
        m->f_sd2 = a * dm * dm * (1 + c->output_cv * c->output_cv);
        m->f_so = a * c->output_mean;
        double mc = cost_of(m, c->prompt_mean, dm);
        m->f_cost = a * mc;
        double vp = pow(c->prompt_mean * c->prompt_cv / m->P, 2),
               vd = pow(dm * c->output_cv / (m->B * m->r), 2);
        m->f_cost2 = a * (vp + vd + mc * mc);
        m->obs_cost2 += m->f_cost2;
        for (int k = 0; k < NCLS; k++) {
            m->f_cp.n[k] = a * m->gen_p.n[k];
            m->f_cp.sum[k] = a * m->gen_p.sum[k];
            m->f_cd.n[k] = a * m->gen_d.n[k];
            m->f_cd.sum[k] = a * m->gen_d.sum[k];
        }
        m->win.arrived += a;
        m->tot.arrived += a;
        m->obs_cost += m->f_cost;
        return;
    }
    /* the diurnal weight is the curve's mean over the interval (it moves by
     * well under 1% in a control interval); sums unweighted, then scaled */
    double w = m->diurnal_a > 0 ? diurnal_integral(m, t0, t1) / (t1 - t0) / (1 + m->diurnal_a) : 1;
    double n = 0, sp = 0, sp2 = 0, sd = 0, sd2 = 0, so = 0, sc = 0, sc2 = 0;
    for (;;) {
        if (m->cur_i >= m->n_base) {
            if (!c->repeat || m->n_base == 0) {
                m->stream_done = true;
                break;
            }
            m->cur_i = 0;
            m->cur_rep++;
        }
        const struct pre *pr = &m->pre[m->cur_i];
        double t = pr->t + (double)m->cur_rep * m->span_s;
        if (t >= t1 || t >= m->horizon_s) break;
        const aidc_infer_req *b = &m->base[m->cur_i++];
        double p = b->prompt_tokens, o = b->output_tokens, d = o > 1 ? o - 1 : 0;
        n++;
        sp += p;
        sp2 += p * p;
        sd += d;
        sd2 += d * d;
        so += o;
        sc += pr->cost;
        sc2 += pr->cost * pr->cost;
        m->f_cp.n[pr->cp]++;
        m->f_cp.sum[pr->cp] += p;
        m->f_cd.n[pr->cd]++;
        m->f_cd.sum[pr->cd] += d;
    }
    m->f_n = w * n;
    m->f_sp = w * sp;
    m->f_sp2 = w * sp2;
    m->f_sd = w * sd;
    m->f_sd2 = w * sd2;
    m->f_so = w * so;
    m->f_cost = w * sc;
    m->f_cost2 = w * sc2;
    for (int k = 0; k < NCLS; k++) {
        m->f_cp.n[k] *= w;
        m->f_cp.sum[k] *= w;
        m->f_cd.n[k] *= w;
        m->f_cd.sum[k] *= w;
    }
    m->win.arrived += m->f_n;
    m->tot.arrived += m->f_n;
    m->obs_cost += m->f_cost;
    m->obs_cost2 += m->f_cost2;
}

/* ---- replicas ----------------------------------------------------------------- */

int32_t aidc_infer_replica_add(aidc_infer *m)
{
    if (m->n_reps == m->cap_reps) {
        size_t cap = m->cap_reps ? m->cap_reps * 2 : 16;
        replica *r = realloc(m->reps, cap * sizeof *r);
        if (!r) return -1;
        m->reps = r;
        int32_t *l = realloc(m->live, cap * sizeof *l);
        if (!l) return -1;
        m->live = l;
        l = realloc(m->was_live, cap * sizeof *l);
        if (!l) return -1;
        m->was_live = l;
        m->cap_reps = cap;
    }
    replica *r = &m->reps[m->n_reps];
    memset(r, 0, sizeof *r);
    r->added_s = m->now_s;
    r->ready_s = m->started ? m->now_s + (double)m->cfg.scale_up_delay_ns / 1e9 : m->now_s;
    r->state = r->ready_s <= m->now_s ? AIDC_REP_SERVING : AIDC_REP_STARTING;
    r->v_s = r->acc_s = m->now_s;
    m->live[m->n_live++] = (int32_t)m->n_reps;
    if (m->started) m->scale_ups++;
    return (int32_t)m->n_reps++;
}

void aidc_infer_denied(aidc_infer *m, int32_t n)
{
    m->win_denied += n;
    m->tot_denied += n;
}

static void rep_gone(aidc_infer *m, int32_t i, double t)
{
    replica *r = &m->reps[i];
    r->state = AIDC_REP_GONE;
    r->gone_s = t;
    for (size_t k = 0; k < m->n_live; k++)
        if (m->live[k] == i) {
            memmove(&m->live[k], &m->live[k + 1], (m->n_live - k - 1) * sizeof *m->live);
            m->n_live--;
            break;
        }
}

int32_t aidc_infer_decide(aidc_infer *m)
{
    const aidc_infer_cfg *c = &m->cfg;
    int32_t want = c->min_replicas;
    if (m->started && m->obs_dt > 0) {
        double q = m->mode == AIDC_INFER_FLUID ? m->backlog_cost : (double)m->q_n * m->last_cost;
        double load = (m->obs_cost + q) / m->obs_dt;
        /* the fluid load is a mean; the discrete autoscaler sees a Poisson
         * draw of it, and holds the largest of a window of draws */
        if (m->mode == AIDC_INFER_FLUID) load += m->noise_z * sqrt(m->obs_cost2) / m->obs_dt;
        double w = ceil(load / c->target_utilization - 1e-9);
        want = w > c->max_replicas ? c->max_replicas : w < c->min_replicas ? c->min_replicas : (int32_t)w;
    }
    m->obs_cost = m->obs_cost2 = 0;
    m->hist_want[m->hist_pos] = want;
    m->hist_pos = (m->hist_pos + 1) % m->cap_hist;
    if (m->n_hist < m->cap_hist) m->n_hist++;
    int32_t up = 0;
    for (size_t i = 0; i < m->n_live; i++) up += m->reps[m->live[i]].state != AIDC_REP_DRAINING;
    if (want > up) return want - up;
    int32_t stab = want;
    for (size_t i = 0; i < m->n_hist; i++)
        if (m->hist_want[i] > stab) stab = m->hist_want[i];
    int32_t drain = up - stab;
    if (drain <= 0) return 0;
    for (int32_t k = 0; k < drain; k++) {
        /* a starting replica first (newest), then the least occupied serving one */
        int32_t pick = -1;
        for (size_t i = m->n_live; i-- > 0;) {
            replica *r = &m->reps[m->live[i]];
            if (r->state == AIDC_REP_STARTING) {
                pick = m->live[i];
                break;
            }
        }
        if (pick < 0) {
            int32_t best = INT32_MAX;
            for (size_t i = m->n_live; i-- > 0;) {
                replica *r = &m->reps[m->live[i]];
                if (r->state != AIDC_REP_SERVING) continue;
                int32_t occ = r->n_heap + r->prefilling;
                if (occ < best) {
                    best = occ;
                    pick = m->live[i];
                }
            }
        }
        assert(pick >= 0);
        replica *r = &m->reps[pick];
        if (m->mode == AIDC_INFER_FLUID || r->state == AIDC_REP_STARTING ||
            (r->n_heap == 0 && !r->prefilling)) {
            rep_gone(m, pick, m->now_s);
        } else {
            r->state = AIDC_REP_DRAINING;
        }
    }
    return -drain;
}

/* ---- discrete ------------------------------------------------------------------ */

static void heap_push(replica *r, active a)
{
    if (r->n_heap == r->cap_heap) {
        int32_t cap = r->cap_heap ? r->cap_heap * 2 : 8;
        active *h = realloc(r->heap, (size_t)cap * sizeof *h);
        if (!h) abort(); /* at most max_batch entries: tiny */
        r->heap = h;
        r->cap_heap = cap;
    }
    int32_t i = r->n_heap++;
    while (i > 0) {
        int32_t p = (i - 1) / 2;
        if (r->heap[p].finish_v <= a.finish_v) break;
        r->heap[i] = r->heap[p];
        i = p;
    }
    r->heap[i] = a;
}

static active heap_pop(replica *r)
{
    active top = r->heap[0], last = r->heap[--r->n_heap];
    int32_t i = 0, n = r->n_heap;
    for (;;) {
        int32_t c = 2 * i + 1;
        if (c >= n) break;
        if (c + 1 < n && r->heap[c + 1].finish_v < r->heap[c].finish_v) c++;
        if (last.finish_v <= r->heap[c].finish_v) break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (n > 0) r->heap[i] = last;
    return top;
}

/* Brings a replica's decode progress and activity up to t. */
static void rep_sync(aidc_infer *m, replica *r, double t)
{
    if (!r->prefilling && r->n_heap > 0) {
        r->v += (t - r->v_s) * m->r;
        r->decode_busy_s += t - r->acc_s;
    } else if (r->prefilling) {
        r->prefill_busy_s += t - r->acc_s;
    }
    r->v_s = r->acc_s = t;
}

static void q_push(aidc_infer *m, const aidc_infer_req *q)
{
    if (m->q_n == m->q_cap) {
        size_t cap = m->q_cap ? m->q_cap * 2 : 256;
        aidc_infer_req *a = malloc(cap * sizeof *a);
        if (!a) abort(); /* grows geometrically with the backlog */
        for (size_t i = 0; i < m->q_n; i++) a[i] = m->q[(m->q_head + i) % m->q_cap];
        free(m->q);
        m->q = a;
        m->q_head = 0;
        m->q_cap = cap;
    }
    m->q[(m->q_head + m->q_n++) % m->q_cap] = *q;
}

static void record_done(aidc_infer *m, double first_s, double end_s, int32_t d, bool ttft_ok,
                        double output)
{
    bool ok = ttft_ok;
    if (d > 0) {
        double tpot = (end_s - first_s) / d;
        aidc_infer_hist_add(&m->win.tpot, tpot, 1);
        aidc_infer_hist_add(&m->tot.tpot, tpot, 1);
        m->win.tpot_sum += tpot;
        m->tot.tpot_sum += tpot;
        m->win.tpot_n++;
        m->tot.tpot_n++;
        ok = ok && tpot <= m->cfg.slo_tpot_s;
    }
    m->win.completed++;
    m->tot.completed++;
    m->win.slo_ok += ok;
    m->tot.slo_ok += ok;
    m->win.output_tokens += output;
    m->tot.output_tokens += output;
}

/* Starts queued requests on replicas that can take them, at t. */
static void dispatch(aidc_infer *m, double t)
{
    while (m->q_n > 0) {
        int32_t pick = -1, best = INT32_MAX;
        for (size_t i = 0; i < m->n_live; i++) {
            replica *r = &m->reps[m->live[i]];
            if (r->state != AIDC_REP_SERVING || r->prefilling || r->n_heap >= m->cfg.max_batch) continue;
            if (r->n_heap < best) {
                best = r->n_heap;
                pick = m->live[i];
            }
        }
        if (pick < 0) return;
        replica *r = &m->reps[pick];
        rep_sync(m, r, t);
        r->cur = m->q[m->q_head];
        m->q_head = (m->q_head + 1) % m->q_cap;
        m->q_n--;
        r->prefilling = true;
        r->prefill_end_s = t + r->cur.prompt_tokens / m->P;
    }
}

static void discrete_advance(aidc_infer *m, double end_s)
{
    const double inf = INFINITY;
    for (;;) {
        aidc_infer_req *nx;
        double t = inf;
        int kind = -1; /* 0 arrival, 1 ready, 2 prefill end, 3 decode end */
        int32_t who = -1;
        if (stream_peek(m, &nx) && nx->arrival_s < end_s) {
            t = nx->arrival_s;
            kind = 0;
        }
        for (size_t i = 0; i < m->n_live; i++) {
            replica *r = &m->reps[m->live[i]];
            double e = inf;
            int k = -1;
            if (r->state == AIDC_REP_STARTING) {
                e = r->ready_s;
                k = 1;
            } else if (r->prefilling) {
                e = r->prefill_end_s;
                k = 2;
            } else if (r->n_heap > 0) {
                e = r->v_s + (r->heap[0].finish_v - r->v) / m->r;
                k = 3;
            }
            if (e < t) {
                t = e;
                kind = k;
                who = m->live[i];
            }
        }
        if (kind < 0 || t >= end_s) break;
        if (kind == 0) {
            q_push(m, nx);
            note_arrival(m, nx->prompt_tokens, nx->output_tokens, 1);
            m->have_peek = false;
        } else {
            replica *r = &m->reps[who];
            rep_sync(m, r, t);
            if (kind == 1) {
                r->state = AIDC_REP_SERVING;
            } else if (kind == 2) {
                r->prefilling = false;
                double ttft = t - r->cur.arrival_s;
                aidc_infer_hist_add(&m->win.ttft, ttft, 1);
                aidc_infer_hist_add(&m->tot.ttft, ttft, 1);
                m->win.ttft_sum += ttft;
                m->tot.ttft_sum += ttft;
                m->win.first_tokens++;
                m->tot.first_tokens++;
                m->win.prompt_tokens += r->cur.prompt_tokens;
                m->tot.prompt_tokens += r->cur.prompt_tokens;
                bool ok = ttft <= m->cfg.slo_ttft_s;
                int32_t d = r->cur.output_tokens > 1 ? r->cur.output_tokens - 1 : 0;
                if (d == 0) record_done(m, t, t, 0, ok, r->cur.output_tokens);
                else heap_push(r, (active){r->v + d, t, d, ok});
            } else {
                active a = heap_pop(r);
                record_done(m, a.first_s, t, a.d, a.ttft_ok, a.d + 1);
            }
            if (r->state == AIDC_REP_DRAINING && !r->prefilling && r->n_heap == 0) rep_gone(m, who, t);
        }
        dispatch(m, t);
    }
}

/* ---- fluid ----------------------------------------------------------------------- */

/* Probability of waiting in M/M/c with offered load a (Erlang C): the
 * Erlang B recursion up to 256 servers, Halfin-Whitt above. */
static double erlang_c(double c, double a)
{
    if (a <= 0) return 0;
    if (a >= c) return 1;
    if (c <= 256) {
        int n = (int)c;
        double b = 1;
        for (int k = 1; k <= n; k++) b = a * b / (k + a * b);
        double rho = a / n;
        return b / (1 - rho * (1 - b));
    }
    double beta = (c - a) / sqrt(a);
    return 1 / (1 + beta * gsl_cdf_ugaussian_P(beta) / gsl_ran_ugaussian_pdf(beta));
}

typedef struct ttft_mix {
    double shift, pw, theta;
} ttft_mix;

static double ttft_cdf(double x, const void *ctx)
{
    const ttft_mix *t = ctx;
    if (x < t->shift) return 0;
    if (t->pw <= 0 || t->theta <= 0) return 1;
    return 1 - t->pw * exp(-(x - t->shift) / t->theta);
}

typedef struct tpot_norm {
    double lo, mean, sd;
} tpot_norm;

static double tpot_cdf(double x, const void *ctx)
{
    const tpot_norm *t = ctx;
    if (x < t->lo) return 0;
    if (t->sd <= 0) return x >= t->mean ? 1 : 0;
    return gsl_cdf_ugaussian_P((x - t->mean) / t->sd);
}

static void fluid_advance(aidc_infer *m, double end_s)
{
    double t0 = m->now_s, dt = end_s - t0;
    stream_fluid(m, t0, end_s);
    /* serving replica-time in the interval */
    double serving = 0;
    for (size_t i = 0; i < m->n_live; i++) {
        replica *r = &m->reps[m->live[i]];
        double from = r->ready_s > t0 ? r->ready_s : t0;
        if (from < end_s) serving += end_s - from;
        if (r->state == AIDC_REP_STARTING && r->ready_s <= end_s) r->state = AIDC_REP_SERVING;
    }
    double n = serving / dt;
    double A = m->f_n;
    if (A > 0) {
        m->last_pbar = m->f_sp / A;
        m->last_p2 = m->f_sp2 / A;
        m->last_dbar = m->f_sd / A;
        m->last_d2 = m->f_sd2 / A;
        m->last_obar = m->f_so / A;
        m->last_cost = m->f_cost / A;
        m->last_cp = m->f_cp;
        m->last_cd = m->f_cd;
        classes_normalize(&m->last_cp);
        classes_normalize(&m->last_cd);
    } /* else: the last interval's shape stays */
    double pbar = m->last_pbar, dbar = m->last_dbar, cbar = m->last_cost;
    /* requests/s; requests of no work (no prompt, one output token) pass at once */
    double mu = n > 0 ? (cbar > 0 ? n / cbar : INFINITY) : 0;
    double Q0 = m->backlog, total = Q0 + A;
    double served = mu * dt < total ? mu * dt : total;
    double Q1 = total - served;
    double lam = A / dt;
    /* mean backlog over the interval */
    double qavg;
    if (Q1 > 0 || lam >= mu) qavg = (Q0 + Q1) / 2;
    else {
        double tau = isfinite(mu) ? Q0 / (mu - lam) : 0;
        qavg = tau < dt ? Q0 * tau / (2 * dt) : (Q0 + Q1) / 2;
    }
    m->backlog = Q1;
    m->backlog_cost = Q1 * cbar;
    double Wb = mu > 0 && isfinite(mu) ? qavg / mu : 0;
    double ls = served / dt;
    double rho_p = 0, W = 0, pw = 0;
    if (served > 0 && n > 0) {
        double sp = pbar / m->P;
        double c1 = n < 1 ? 1 : floor(n + 0.5);
        double a1 = ls * sp;
        if (a1 > 0.995 * c1) a1 = 0.995 * c1;
        rho_p = a1 / n;
        if (rho_p > 0.995) rho_p = 0.995;
        double cv1 = pbar > 0 ? (m->last_p2 - pbar * pbar) / (pbar * pbar) : 0;
        double C1 = erlang_c(c1, a1);
        double W1 = C1 * sp / (c1 - a1) * (1 + cv1) / 2;
        double h = sp + dbar / (m->r * (1 - rho_p));
        double c2 = c1 * m->B, a2 = ls * h;
        if (a2 > 0.995 * c2) a2 = 0.995 * c2;
        double vh = (m->last_p2 - pbar * pbar) / (m->P * m->P) +
                    (m->last_d2 - dbar * dbar) / pow(m->r * (1 - rho_p), 2);
        double cv2 = h > 0 ? vh / (h * h) : 0;
        double C2 = erlang_c(c2, a2);
        double W2 = C2 * h / (c2 - a2) * (1 + cv2) / 2;
        if (W1 >= W2) {
            W = W1;
            pw = C1;
        } else {
            W = W2;
            pw = C2;
        }
        if (pw > 1) pw = 1;
    }
    double theta = pw > 0 ? W / pw : 0;
    /* TTFT per prompt class, TPOT per decode class */
    double ok_t = 0, ok_p = 0, ttft_sum = 0, tpot_sum = 0, tpot_n = 0;
    double lam_rep = n > 0 ? ls / n : 0;
    double es2 = m->last_p2 / (m->P * m->P);
    for (int k = 0; k < NCLS && served > 0; k++) {
        double w = m->last_cp.n[k];
        if (w > 0) {
            ttft_mix mix = {Wb + m->last_cp.sum[k] / m->P, pw, theta};
            double hi = mix.shift + (theta > 0 ? 30 * theta : 0) + 1e-12;
            hist_add_cdf(&m->win.ttft, mix.shift, hi, ttft_cdf, &mix, served * w);
            ok_t += w * ttft_cdf(m->cfg.slo_ttft_s, &mix);
            ttft_sum += served * w * (mix.shift + W);
        }
        double v = m->last_cd.n[k];
        if (v > 0) {
            double d = m->last_cd.sum[k];
            if (d < 1) {
                ok_p += v;
                continue;
            }
            double tp = 1 / (m->r * (1 - rho_p));
            double D = d * tp;
            tpot_norm tn = {1 / m->r, tp, sqrt(lam_rep * D * es2) / d};
            double lo = tn.lo, hi = tp + 6 * tn.sd + 1e-12;
            hist_add_cdf(&m->win.tpot, lo, hi, tpot_cdf, &tn, served * v);
            ok_p += v * tpot_cdf(m->cfg.slo_tpot_s, &tn);
            tpot_sum += served * v * tp;
            tpot_n += served * v;
        }
    }
    double ok = served * ok_t * ok_p;
    m->win.first_tokens += served;
    m->win.completed += served;
    m->win.slo_ok += ok;
    m->win.prompt_tokens += served * pbar;
    m->win.output_tokens += served * m->last_obar;
    m->win.ttft_sum += ttft_sum;
    m->tot.ttft_sum += ttft_sum;
    m->win.tpot_sum += tpot_sum;
    m->tot.tpot_sum += tpot_sum;
    m->win.tpot_n += tpot_n;
    m->tot.tpot_n += tpot_n;
    m->tot.first_tokens += served;
    m->tot.completed += served;
    m->tot.slo_ok += ok;
    m->tot.prompt_tokens += served * pbar;
    m->tot.output_tokens += served * m->last_obar;
    /* activity of each serving replica, for power */
    double dec_seq = n > 0 ? ls * dbar / (m->r * (1 - rho_p)) / n : 0;
    for (size_t i = 0; i < m->n_live; i++) {
        replica *r = &m->reps[m->live[i]];
        double share = r->ready_s >= end_s ? 0 : (end_s - (r->ready_s > t0 ? r->ready_s : t0)) / dt;
        r->act_prefill = rho_p * share;
        r->act_decode = (1 - rho_p) * (1 - exp(-dec_seq)) * share;
    }
}

/* ---- intervals and rows -------------------------------------------------------- */

void aidc_infer_advance(aidc_infer *m, double end_s)
{
    double t0 = m->now_s;
    if (end_s <= t0) return;
    /* replica-time holding GPUs: live ones over the whole interval, and
     * draining ones until they go (added below as they leave) */
    for (size_t i = 0; i < m->n_live; i++) {
        replica *r = &m->reps[m->live[i]];
        r->prefill_busy_s = r->decode_busy_s = 0;
        r->acc_s = t0;
    }
    int32_t *was_live = m->was_live;
    size_t n_was = m->n_live;
    if (n_was) memcpy(was_live, m->live, n_was * sizeof *was_live);
    if (m->mode == AIDC_INFER_FLUID) fluid_advance(m, end_s);
    else discrete_advance(m, end_s);
    double rs = 0;
    int32_t live = 0;
    for (size_t k = 0; k < n_was; k++) {
        replica *r = &m->reps[was_live[k]];
        if (r->state == AIDC_REP_GONE) {
            rs += r->gone_s - t0;
            if (m->mode != AIDC_INFER_FLUID) {
                r->act_prefill = r->prefill_busy_s / (end_s - t0);
                r->act_decode = r->decode_busy_s / (end_s - t0);
            }
            continue;
        }
        rs += end_s - t0;
        live++;
        if (m->mode != AIDC_INFER_FLUID) {
            rep_sync(m, r, end_s);
            r->act_prefill = r->prefill_busy_s / (end_s - t0);
            r->act_decode = r->decode_busy_s / (end_s - t0);
        }
    }
    m->win.replica_s += rs;
    m->tot.replica_s += rs;
    if (live > m->win.replicas_max) m->win.replicas_max = live;
    if (live > m->tot.replicas_max) m->tot.replicas_max = live;
    m->obs_dt = end_s - t0;
    m->now_s = end_s;
    m->started = true;
}

void aidc_infer_close_row(aidc_infer *m)
{
    if (m->n_rows == m->cap_rows) {
        size_t cap = m->cap_rows ? m->cap_rows * 2 : 64;
        aidc_infer_row *r = realloc(m->rows, cap * sizeof *r);
        if (!r) abort(); /* one row per sample: small */
        m->rows = r;
        m->cap_rows = cap;
    }
    aidc_infer_stats *w = &m->win;
    m->rows[m->n_rows++] = (aidc_infer_row){
        .start_s = m->win_start_s,
        .end_s = m->now_s,
        .arrived = w->arrived,
        .replicas = (int32_t)m->n_live,
        .replica_s = w->replica_s,
        .prompt_tokens = w->prompt_tokens,
        .output_tokens = w->output_tokens,
        .ttft_p50 = aidc_infer_hist_quantile(&w->ttft, 0.5),
        .ttft_p99 = aidc_infer_hist_quantile(&w->ttft, 0.99),
        .tpot_p50 = aidc_infer_hist_quantile(&w->tpot, 0.5),
        .tpot_p99 = aidc_infer_hist_quantile(&w->tpot, 0.99),
        .slo_ok = w->slo_ok,
        .completed = w->completed,
        .denied = m->win_denied,
    };
    if (m->mode == AIDC_INFER_FLUID) {
        hist_merge(&m->tot.ttft, &w->ttft);
        hist_merge(&m->tot.tpot, &w->tpot);
    }
    memset(w, 0, sizeof *w);
    m->win_denied = 0;
    m->win_start_s = m->now_s;
}

void aidc_infer_finish(aidc_infer *m)
{
    if (m->mode == AIDC_INFER_FLUID) {
        m->unserved = m->backlog;
    } else {
        m->unserved = (double)m->q_n;
        for (size_t i = 0; i < m->n_live; i++) m->unserved += m->reps[m->live[i]].prefilling;
    }
    if (m->now_s > m->win_start_s) aidc_infer_close_row(m);
}

const aidc_infer_row *aidc_infer_rows(const aidc_infer *m, size_t *n)
{
    *n = m->n_rows;
    return m->rows;
}

const aidc_infer_stats *aidc_infer_totals(const aidc_infer *m) { return &m->tot; }
double aidc_infer_unserved(const aidc_infer *m) { return m->unserved; }
double aidc_infer_denied_total(const aidc_infer *m) { return m->tot_denied; }
size_t aidc_infer_scale_ups(const aidc_infer *m) { return m->scale_ups; }

double aidc_infer_attainment(const aidc_infer *m)
{
    double n = m->tot.completed + m->unserved;
    return n > 0 ? m->tot.slo_ok / n : NAN;
}

void aidc_infer_run_alone(aidc_infer *m, double horizon_s, double row_s)
{
    double next_row = row_s;
    while (m->now_s < horizon_s) {
        int32_t k = aidc_infer_decide(m);
        for (int32_t i = 0; i < k; i++)
            if (aidc_infer_replica_add(m) < 0) abort();
        double end = m->now_s + m->step_s;
        if (end > horizon_s) end = horizon_s;
        aidc_infer_advance(m, end);
        if (end >= next_row - 1e-9) {
            aidc_infer_close_row(m);
            next_row += row_s;
        }
    }
    aidc_infer_finish(m);
}

/* ---- reading a request stream ------------------------------------------------- */

typedef struct stream_reader {
    aidc_csvlines lines;
    const char *path;
    char *err;
    size_t errlen;
    bool header;
    char field[3][64];
    int nfield;
    aidc_infer_req *a;
    size_t n, cap;
    double prev;
} stream_reader;

static const char *const stream_cols[3] = {"arrival_s", "prompt_tokens", "output_tokens"};

static void stream_fail(void *data, uint32_t line, const char *msg)
{
    stream_reader *r = data;
    if (line) snprintf(r->err, r->errlen, "%s:%u: %s", r->path, (unsigned)line, msg);
    else snprintf(r->err, r->errlen, "%s: %s", r->path, msg);
    r->lines.failed = true;
}

static void stream_field(void *f, size_t len, void *data)
{
    stream_reader *r = data;
    if (r->lines.failed) return;
    if (r->nfield < 3) {
        size_t k = len < sizeof r->field[0] - 1 ? len : sizeof r->field[0] - 1;
        memcpy(r->field[r->nfield], f, k);
        r->field[r->nfield][k] = '\0';
        if (len != k) r->field[r->nfield][0] = '\x01'; /* too long: never a number */
    }
    r->nfield++;
}

static void stream_record(int c, void *data)
{
    (void)c;
    stream_reader *r = data;
    int nf = r->nfield;
    r->nfield = 0;
    if (r->lines.failed) return;
    char msg[256];
    if (!r->header) {
        if (nf != 3 || strcmp(r->field[0], stream_cols[0]) || strcmp(r->field[1], stream_cols[1]) ||
            strcmp(r->field[2], stream_cols[2])) {
            stream_fail(r, r->lines.row_line,
                        "expected the header \"arrival_s,prompt_tokens,output_tokens\" (a request "
                        "stream, as `aidcsim trace convert --from azure-llm` writes)");
            return;
        }
        r->header = true;
        return;
    }
    if (nf != 3) {
        snprintf(msg, sizeof msg, "expected 3 fields (arrival_s,prompt_tokens,output_tokens), found %d", nf);
        stream_fail(r, r->lines.row_line, msg);
        return;
    }
    char *e;
    double t = strtod(r->field[0], &e);
    if (e == r->field[0] || *e != '\0' || !isfinite(t) || t < 0) {
        snprintf(msg, sizeof msg, "arrival_s: expected seconds >= 0, found \"%.40s\"", r->field[0]);
        stream_fail(r, r->lines.row_line, msg);
        return;
    }
    if (t < r->prev) {
        snprintf(msg, sizeof msg, "arrival_s %.9g is before the previous row's %.9g (the stream must "
                 "be sorted by arrival)", t, r->prev);
        stream_fail(r, r->lines.row_line, msg);
        return;
    }
    r->prev = t;
    long v[2];
    for (int k = 0; k < 2; k++) {
        const char *f = r->field[k + 1];
        errno = 0;
        v[k] = strtol(f, &e, 10);
        if (e == f || *e != '\0' || errno || v[k] < 0 || v[k] > 1000000000) {
            snprintf(msg, sizeof msg, "%s: expected a token count 0..1e9, found \"%.40s\"",
                     stream_cols[k + 1], f);
            stream_fail(r, r->lines.row_line, msg);
            return;
        }
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 1024;
        aidc_infer_req *b = realloc(r->a, cap * sizeof *b);
        if (!b) {
            stream_fail(r, 0, "out of memory");
            return;
        }
        r->a = b;
        r->cap = cap;
    }
    r->a[r->n++] = (aidc_infer_req){t, (int32_t)v[0], (int32_t)v[1]};
}

int aidc_infer_read_stream(const char *path, aidc_infer_req **out, size_t *n, char *err,
                           size_t errlen)
{
    *out = NULL;
    *n = 0;
    stream_reader r = {.lines = {.hash_comments = true, .check_utf8 = true},
                       .path = path, .err = err, .errlen = errlen, .prev = -INFINITY};
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    int rc = aidc_csvlines_read(&r.lines, f, stream_field, stream_record, stream_fail, &r);
    fclose(f);
    if (rc == 0 && !r.header) {
        stream_fail(&r, 0, "empty: expected the header \"arrival_s,prompt_tokens,output_tokens\"");
        rc = -1;
    } else if (rc == 0 && r.n == 0) {
        stream_fail(&r, 0, "no requests after the header");
        rc = -1;
    }
    if (rc) {
        free(r.a);
        return -1;
    }
    *out = r.a;
    *n = r.n;
    return 0;
}
