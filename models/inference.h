/* inference — an LLM inference service: replicas of one model serving a
 * stream of requests (prompt tokens to prefill, output tokens to decode)
 * under latency objectives, with an autoscaler.
 *
 * Sizing. A replica holds the weights (parameters x bytes per parameter)
 * plus KV-cache headroom (a fraction of the weights) in HBM: GPUs per
 * replica = that over one GPU's HBM, rounded up to a power of two (tensor
 * parallel degrees) within a node, or to whole nodes beyond it. Throughput
 * is given, or derived from the GPU's figures (physical-figures.md §1: step
 * time = max(FLOPs / (peak x MFU), bytes / BW)):
 *   prefill tokens/s   = eff_prefill x GPUs x peak FLOP/s / (2 x params)
 *   decode per sequence = eff_decode x GPUs x HBM B/s / weight bytes
 * (a decode step reads every weight once, so it is memory-bound and its
 * time hardly depends on the batch up to max_batch sequences).
 *
 * Batching (continuous, prefill first, as vLLM's default scheduler). A
 * replica has max_batch slots. Requests wait in one FIFO queue in front of
 * all replicas; a replica that is not prefilling and has a free slot takes
 * the head of the queue (the least-occupied such replica first) and
 * prefills it at prefill tokens/s, which yields the first token (TTFT =
 * arrival to end of prefill). The request then keeps its slot and decodes
 * its other output tokens at the per-sequence rate r, together with the
 * others in the batch; while the replica prefills, every decoding sequence
 * stalls. TPOT = (finish - first token) / (output tokens - 1); a request
 * with one output token (or none) has no TPOT and meets any TPOT target.
 *
 * Two resolutions, the same model:
 *  - discrete: every request is an event (arrival, prefill end, decode
 *    end) on every replica; exact for the model above. For small streams.
 *  - fluid: per control interval, the interval's arrivals (counts and
 *    token-class histograms, never single requests) meet the capacity of
 *    the replicas serving in it. Capacity per replica is
 *    1 / (p/P + d/(B r)) requests/s (prefill time plus a 1/B share of the
 *    decode time); arrivals above it join a fluid backlog that carries
 *    over. Waits: the larger of the M/G/c waits of the prefill stage (c =
 *    replicas, service p/P) and of the slots (c = replicas x B, holding
 *    p/P + d/(r(1 - rho_p))), each Erlang C with the Allen-Cunneen (1 +
 *    cv^2)/2 factor; plus the backlog over the capacity. TTFT is then
 *    prompt/P plus that wait (an atom at zero and an exponential tail),
 *    TPOT = 1/(r (1 - rho_p)) with the Poisson spread of the prefills that
 *    interrupt a request's decode (normal, per output-token class).
 *    For large streams: a month of traffic in seconds.
 *  The mode is "auto" (discrete up to fluid_above expected requests), or
 *  forced. tests/test_inference.c checks that both agree on a mid-size case
 *  (tolerances stated there and in the README).
 *
 * Autoscaling (both modes, same decisions for the same stream): every
 * control interval the offered load of the last interval (sum of the
 * arrivals' replica-seconds p/P + d/(B r), plus the queued backlog's, over
 * the interval) over the target utilization gives the replicas wanted,
 * within [min, max]. Scale-up adds replicas at once (their GPUs are taken
 * now) that serve after scale_up_delay; scale-down goes to the largest
 * recommendation of the last cool-down window (Kubernetes' stabilization
 * window), draining replicas (no new requests; their GPUs are freed when
 * their batch is empty; fluid: at once). The min replicas serve from t = 0.
 *
 * The host (the engine, or aidc_infer_run_alone) owns GPUs: it asks
 * aidc_infer_decide how many replicas to add or drain, calls
 * aidc_infer_replica_add for each replica it could place, and advances the
 * model one interval at a time.
 * Units: seconds (double) inside, tokens, tokens/s; config durations in ns. */
#ifndef AIDC_MODELS_INFERENCE_H
#define AIDC_MODELS_INFERENCE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/catalog.h"

#define AIDC_INFER_NAME_MAX 64

typedef enum { AIDC_INFER_AUTO = 0, AIDC_INFER_DISCRETE, AIDC_INFER_FLUID } aidc_infer_mode;

/* One request of a stream. */
typedef struct aidc_infer_req {
    double arrival_s;
    int32_t prompt_tokens;
    int32_t output_tokens;
} aidc_infer_req;

typedef struct aidc_infer_cfg {
    char name[AIDC_INFER_NAME_MAX];
    /* model and hardware */
    double params;           /* parameters */
    double bytes_per_param;  /* 2 for BF16 */
    double kv_headroom;      /* KV cache as a fraction of the weight bytes */
    int32_t gpus_per_replica; /* 0: sized from memory */
    double prefill_tps;      /* per replica; 0: derived */
    double decode_tps;       /* per replica with a full batch; 0: derived */
    int32_t max_batch;       /* slots per replica */
    double prefill_eff;      /* MFU of prefill */
    double decode_eff;       /* share of HBM bandwidth in decode */
    /* replicas */
    int32_t min_replicas, max_replicas; /* equal: fixed */
    double target_utilization;
    int64_t scale_up_delay_ns;
    int64_t cooldown_ns;
    int64_t step_ns;         /* control interval */
    /* the stream: a trace (reqs given to create) or a diurnal generator */
    bool generated;
    double rate_per_s;       /* generator: mean requests/s */
    double peak_to_trough;   /* 1: flat; with a trace: thinning by the same curve */
    double peak_hour;        /* hour of day of the peak; the run starts at 00:00 */
    double prompt_mean, prompt_cv; /* generator: lognormal tokens, rounded, at least 1 */
    double output_mean, output_cv;
    bool repeat;             /* trace: replayed back to back until the horizon */
    double rate_scale;       /* trace: arrival times divided by this */
    /* objectives */
    double slo_ttft_s, slo_tpot_s;
    double slo_percentile;   /* share of requests (%) that must meet both */
    /* sharing the cluster */
    int32_t priority;        /* preempts training jobs of lower priority */
    bool preempt;            /* may preempt training to scale up */
    aidc_infer_mode mode;
    double fluid_above;      /* auto: fluid above this many expected requests */
} aidc_infer_cfg;

/* Defaults (documented in the README): BF16, 25% KV headroom, batch 64,
 * MFU 0.45 (physical-figures.md §1: realistic 35-55%), 60% of HBM
 * bandwidth in decode (est.), target 0.7, 2 min scale-up, 10 min
 * cool-down, 60 s steps, SLO TTFT 2 s / TPOT 0.1 s at 99%, fluid above
 * 200,000 requests. */
void aidc_infer_cfg_defaults(aidc_infer_cfg *c);

/* Fills gpus_per_replica, prefill_tps and decode_tps where they are 0,
 * from the GPU and the node size; checks that the weights and headroom fit
 * the replica's HBM. Returns 0, or -1 with a message naming the key. */
int aidc_infer_size(aidc_infer_cfg *c, const aidc_gpu_model *gpu, int32_t gpus_per_node,
                    char *err, size_t errlen);

/* Log-spaced histogram of seconds: 40 bins a decade from 1e-4 to 1e5 s. */
#define AIDC_INFER_HIST_BINS 362
typedef struct aidc_infer_hist {
    double w[AIDC_INFER_HIST_BINS];
    double total;
} aidc_infer_hist;

void aidc_infer_hist_add(aidc_infer_hist *h, double x_s, double weight);
/* The q-quantile (0..1), interpolated within a bin; NAN when empty. */
double aidc_infer_hist_quantile(const aidc_infer_hist *h, double q);
/* Share of the weight at or below x_s (interpolated); NAN when empty. */
double aidc_infer_hist_cdf(const aidc_infer_hist *h, double x_s);

/* Counters over a span (a services.csv row, or the whole run). */
typedef struct aidc_infer_stats {
    double arrived;          /* requests */
    double first_tokens;     /* requests that got their first token */
    double completed;        /* requests finished */
    double slo_ok;           /* finished within both targets */
    double prompt_tokens, output_tokens; /* served */
    double replica_s;        /* replica-seconds holding GPUs (starting, serving, draining) */
    int32_t replicas_max;
    double ttft_sum, tpot_sum; /* for means: over first_tokens, and requests with a TPOT */
    double tpot_n;
    aidc_infer_hist ttft, tpot;
} aidc_infer_stats;

/* One row of services.csv: the span [start_s, end_s). */
typedef struct aidc_infer_row {
    double start_s, end_s;
    double arrived;
    int32_t replicas;        /* holding GPUs at the end of the span */
    double replica_s;
    double prompt_tokens, output_tokens;
    double ttft_p50, ttft_p99, tpot_p50, tpot_p99; /* NAN when none */
    double slo_ok, completed;
    double denied;           /* replicas wanted but not placed (replica-intervals) */
} aidc_infer_row;

typedef enum { AIDC_REP_STARTING = 0, AIDC_REP_SERVING, AIDC_REP_DRAINING, AIDC_REP_GONE } aidc_rep_state;

typedef struct aidc_infer aidc_infer; /* opaque */

/* Creates a service from a sized cfg. reqs (copied; sorted by arrival, may
 * be NULL when cfg->generated) is the trace's base stream. rng (owned from
 * now on; may be NULL for a trace without thinning) draws generated
 * requests and thinning. horizon_s bounds the stream; mode auto is resolved
 * here. Returns NULL when out of memory. Pair with aidc_infer_destroy. */
aidc_infer *aidc_infer_create(const aidc_infer_cfg *cfg, const aidc_infer_req *reqs, size_t n,
                              gsl_rng *rng, double horizon_s);
void aidc_infer_destroy(aidc_infer *m);

/* The mode in use (discrete or fluid) and the expected requests that chose it. */
aidc_infer_mode aidc_infer_mode_used(const aidc_infer *m);
double aidc_infer_expected_requests(const aidc_infer *m);
const aidc_infer_cfg *aidc_infer_config(const aidc_infer *m);

/* At the start of an interval (the model's clock): replicas to add (> 0),
 * or to drain (< 0, already done inside: see aidc_infer_replica_gone). */
int32_t aidc_infer_decide(aidc_infer *m);

/* Adds a replica now: it serves after the scale-up delay (in the first
 * interval of the run: at once). Returns its index (stable for the run),
 * -1 when out of memory. */
int32_t aidc_infer_replica_add(aidc_infer *m);

/* Records that the host could not place `n` wanted replicas this interval. */
void aidc_infer_denied(aidc_infer *m, int32_t n);

/* Simulates from the model's clock to end_s with the replicas it has. */
void aidc_infer_advance(aidc_infer *m, double end_s);

size_t aidc_infer_replica_count(const aidc_infer *m); /* ever added */
aidc_rep_state aidc_infer_replica_state(const aidc_infer *m, int32_t i);
/* Share of the last interval replica i spent prefilling, and decoding (with
 * at least one sequence), for its GPUs' power. */
void aidc_infer_replica_activity(const aidc_infer *m, int32_t i, double *prefill, double *decode);
/* Replicas holding GPUs now (all but gone) / serving now. */
int32_t aidc_infer_live(const aidc_infer *m);
int32_t aidc_infer_serving(const aidc_infer *m);

/* Closes the row [last row end, now) into the row list. */
void aidc_infer_close_row(aidc_infer *m);
/* Ends the run: requests still waiting for their first token count as
 * unserved (SLO misses); a last row is closed when the span is not empty. */
void aidc_infer_finish(aidc_infer *m);

const aidc_infer_row *aidc_infer_rows(const aidc_infer *m, size_t *n);
const aidc_infer_stats *aidc_infer_totals(const aidc_infer *m);
double aidc_infer_unserved(const aidc_infer *m);  /* never got a first token */
double aidc_infer_denied_total(const aidc_infer *m);
size_t aidc_infer_scale_ups(const aidc_infer *m);  /* replicas added by the autoscaler */
/* SLO attainment: share of (completed + unserved) requests that met both
 * targets; NAN when there were none. */
double aidc_infer_attainment(const aidc_infer *m);

/* Runs a service on its own (every wanted replica placed) to horizon_s,
 * closing a row every row_s. */
void aidc_infer_run_alone(aidc_infer *m, double horizon_s, double row_s);

/* Reads a request stream CSV (arrival_s,prompt_tokens,output_tokens; '#'
 * comment lines; as written by `aidcsim trace convert --from azure-llm`).
 * Returns 0 with a malloc'd array, or -1 with "FILE:LINE: ..." in err. */
int aidc_infer_read_stream(const char *path, aidc_infer_req **out, size_t *n, char *err,
                           size_t errlen);

#endif
