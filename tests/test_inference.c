/* The inference service model: exact hand-checked cases, an M/M/1 queue
 * against its analytic mean, the autoscaler's reaction to a step in load,
 * sizing from the catalog, and the agreement of the discrete and fluid
 * resolutions on a mid-size stream. */
#include <CUnit/CUnit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/inference.h"
#include "tests/support.h"

#define S 1000000000LL

/* One fixed replica of B slots, prefill P tokens/s, decode r tokens/s per
 * sequence, discrete. */
static aidc_infer_cfg fixed_cfg(double P, double r, int B)
{
    aidc_infer_cfg c;
    aidc_infer_cfg_defaults(&c);
    snprintf(c.name, sizeof c.name, "t");
    c.params = 1e9;
    c.gpus_per_replica = 1;
    c.prefill_tps = P;
    c.max_batch = B;
    c.decode_tps = r * B;
    c.min_replicas = c.max_replicas = 1;
    c.mode = AIDC_INFER_DISCRETE;
    return c;
}

static aidc_infer *run(const aidc_infer_cfg *c, const aidc_infer_req *q, size_t n, double horizon_s)
{
    aidc_infer *m = aidc_infer_create(c, q, n, NULL, horizon_s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    aidc_infer_run_alone(m, horizon_s, horizon_s);
    return m;
}

/* Arrivals every 0.4 s, 1000-token prompts at 2000 tokens/s (0.5 s each),
 * one slot: request k waits 0.1 k s, so TTFT = 0.5, 0.6, 0.7, 0.8, 0.9 s. */
static void test_deterministic_ttft_exact(void)
{
    aidc_infer_req q[5];
    for (int k = 0; k < 5; k++) q[k] = (aidc_infer_req){0.4 * k, 1000, 1};
    double slo[] = {0.5, 0.65, 0.75, 0.85, 0.95}, want[] = {1, 2, 3, 4, 5};
    for (int i = 0; i < 5; i++) {
        aidc_infer_cfg c = fixed_cfg(2000, 10, 1);
        c.slo_ttft_s = slo[i];
        aidc_infer *m = run(&c, q, 5, 60);
        const aidc_infer_stats *t = aidc_infer_totals(m);
        CU_ASSERT_EQUAL(t->first_tokens, 5);
        CU_ASSERT_EQUAL(t->completed, 5);
        CU_ASSERT_EQUAL(t->slo_ok, want[i]);
        CU_ASSERT_DOUBLE_EQUAL(t->ttft_sum, 0.5 + 0.6 + 0.7 + 0.8 + 0.9, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(t->prompt_tokens, 5000, 0);
        aidc_infer_destroy(m);
    }
}

/* TPOT: one request of 11 output tokens decodes 10 at 10 tokens/s after a
 * 0.5 s prefill: TPOT 0.1 s. A second request arriving at 0.7 s prefills
 * for 0.5 s in the first one's decode and stalls it: (1 + 0.5) / 10 =
 * 0.15 s; its own decode runs undisturbed: 0.1 s. */
static void test_tpot_exact_with_prefill_stall(void)
{
    aidc_infer_req one[] = {{0, 1000, 11}};
    aidc_infer_cfg c = fixed_cfg(2000, 10, 2);
    c.slo_ttft_s = 10;
    c.slo_tpot_s = 0.12;
    aidc_infer *m = run(&c, one, 1, 60);
    CU_ASSERT_DOUBLE_EQUAL(aidc_infer_totals(m)->tpot_sum, 0.1, 1e-12);
    CU_ASSERT_EQUAL(aidc_infer_totals(m)->slo_ok, 1);
    aidc_infer_destroy(m);
    aidc_infer_req two[] = {{0, 1000, 11}, {0.7, 1000, 11}};
    m = run(&c, two, 2, 60);
    const aidc_infer_stats *t = aidc_infer_totals(m);
    CU_ASSERT_EQUAL(t->completed, 2);
    CU_ASSERT_DOUBLE_EQUAL(t->tpot_sum, 0.15 + 0.1, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(t->ttft_sum, 0.5 + 0.5, 1e-12);
    CU_ASSERT_EQUAL(t->slo_ok, 1); /* the first misses 0.1 s */
    CU_ASSERT_DOUBLE_EQUAL(t->output_tokens, 22, 0);
    aidc_infer_destroy(m);
}

/* Requests of no work (no prompt, one output token) pass at once in both
 * resolutions: served, TTFT 0, nothing left over. */
static void test_zero_work_requests(void)
{
    aidc_infer_req q[100];
    for (int k = 0; k < 100; k++) q[k] = (aidc_infer_req){0.5 * k, 0, 1};
    for (int f = 0; f < 2; f++) {
        aidc_infer_cfg c = fixed_cfg(1000, 10, 4);
        c.mode = f ? AIDC_INFER_FLUID : AIDC_INFER_DISCRETE;
        aidc_infer *m = run(&c, q, 100, 60);
        const aidc_infer_stats *t = aidc_infer_totals(m);
        CU_ASSERT_DOUBLE_EQUAL(t->completed, 100, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(t->ttft_sum, 0, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(aidc_infer_unserved(m), 0, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(aidc_infer_attainment(m), 1, 1e-12);
        aidc_infer_destroy(m);
    }
}

/* Poisson arrivals (rate 0.7/s), exponential prompts (mean 1000 tokens at
 * 1000 tokens/s: 1 s), one slot, one output token: an M/M/1 queue, mean
 * time in system 1 / (mu - lambda) = 3.33 s. Discrete within 5% over
 * 200,000 requests; fluid (hour-long intervals, Pollaczek-Khinchine via
 * Allen-Cunneen with c = 1) within 10%. */
static void test_mm1_mean(void)
{
    size_t n = 200000;
    aidc_infer_req *q = malloc(n * sizeof *q);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(g, 42);
    double t = 0;
    for (size_t i = 0; i < n; i++) {
        t += gsl_ran_exponential(g, 1 / 0.7);
        double p = round(gsl_ran_exponential(g, 1000));
        q[i] = (aidc_infer_req){t, (int32_t)p, 1};
    }
    gsl_rng_free(g);
    double want = 1 / (1 - 0.7);
    aidc_infer_cfg c = fixed_cfg(1000, 10, 1);
    c.step_ns = 3600 * S;
    c.cooldown_ns = 3600 * S;
    aidc_infer *m = run(&c, q, n, t + 1000);
    const aidc_infer_stats *s = aidc_infer_totals(m);
    CU_ASSERT_EQUAL(s->first_tokens, n);
    double mean = s->ttft_sum / s->first_tokens;
    CU_ASSERT(fabs(mean / want - 1) < 0.05);
    aidc_infer_destroy(m);
    c.mode = AIDC_INFER_FLUID;
    m = run(&c, q, n, t + 1000);
    s = aidc_infer_totals(m);
    CU_ASSERT(fabs(s->first_tokens - n) < 1);
    double fmean = s->ttft_sum / s->first_tokens;
    CU_ASSERT(fabs(fmean / want - 1) < 0.10);
    if (getenv("AIDC_TEST_VERBOSE"))
        printf("\nM/M/1 mean TTFT: analytic %.4f s, discrete %.4f s, fluid %.4f s\n", want, mean, fmean);
    aidc_infer_destroy(m);
    free(q);
}

/* Load steps from 1 to 10 requests/s at t = 600 s and back at 1800 s;
 * each request costs 0.5 replica-seconds, target 0.5: 1 replica, then 10.
 * The tick at 660 s sees the step (its last interval), adds replicas that
 * serve 120 s later (780 s); the scale-down waits out the 600 s cool-down
 * after the last high recommendation (tick 1800 s) and happens at 2400 s. */
static void test_autoscale_step(void)
{
    size_t n = 0;
    aidc_infer_req *q = malloc(30000 * sizeof *q);
    CU_ASSERT_PTR_NOT_NULL_FATAL(q);
    for (double t = 0; t < 3600; n++) {
        q[n] = (aidc_infer_req){t, 1000, 1};
        t += (t >= 600 && t < 1800) ? 0.1 : 1.0;
    }
    aidc_infer_cfg c = fixed_cfg(2000, 10, 1);
    c.min_replicas = 1;
    c.max_replicas = 12;
    c.target_utilization = 0.5;
    c.scale_up_delay_ns = 120 * S;
    c.cooldown_ns = 600 * S;
    aidc_infer *m = aidc_infer_create(&c, q, n, NULL, 3600);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m);
    int32_t live_at[61] = {0}, serving_at[61] = {0}, decided[61] = {0};
    for (int k = 0; k < 60; k++) {
        decided[k] = aidc_infer_decide(m);
        for (int32_t i = 0; i < decided[k]; i++) aidc_infer_replica_add(m);
        live_at[k] = aidc_infer_live(m);
        aidc_infer_advance(m, 60.0 * (k + 1));
        serving_at[k + 1] = aidc_infer_serving(m);
    }
    aidc_infer_finish(m);
    CU_ASSERT_EQUAL(decided[0], 1);
    for (int k = 1; k <= 10; k++) CU_ASSERT_EQUAL(decided[k], 0); /* flat at 1/s */
    CU_ASSERT(decided[11] >= 9);   /* tick 660 s: the step seen */
    CU_ASSERT_EQUAL(serving_at[12], 1);  /* 720 s: still starting */
    CU_ASSERT_EQUAL(serving_at[14], live_at[11]); /* 840 s: all serve */
    CU_ASSERT(live_at[39] >= 10);  /* 2340 s: within the cool-down */
    CU_ASSERT_EQUAL(live_at[40], 1); /* 2400 s: scaled down */
    CU_ASSERT(aidc_infer_scale_ups(m) >= 9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_infer_unserved(m), 0, 0);
    aidc_infer_destroy(m);
    free(q);
}

/* Sizing: 70 B parameters in BF16 with 25% headroom (175 GB) need 3 H100s
 * (80 GB), rounded to 4; throughput from the catalog's figures. */
static void test_sizing(void)
{
    aidc_gpu_model h100 = {.name = "H100-SXM", .bf16_tflops = 989, .hbm_gb = 80, .hbm_tbps = 3.35};
    aidc_infer_cfg c;
    aidc_infer_cfg_defaults(&c);
    c.params = 70e9;
    char err[256];
    CU_ASSERT_EQUAL(aidc_infer_size(&c, &h100, 8, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.gpus_per_replica, 4);
    CU_ASSERT_DOUBLE_EQUAL(c.prefill_tps, 0.45 * 4 * 989e12 / 140e9, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(c.decode_tps, 64 * 0.6 * 4 * 3.35e12 / 140e9, 1e-6);
    aidc_infer_cfg_defaults(&c);
    c.params = 400e9; /* 1 TB: two whole nodes */
    CU_ASSERT_EQUAL(aidc_infer_size(&c, &h100, 8, err, sizeof err), 0);
    CU_ASSERT_EQUAL(c.gpus_per_replica, 16);
    aidc_infer_cfg_defaults(&c);
    c.params = 70e9;
    c.gpus_per_replica = 2; /* 160 GB < 175 GB */
    CU_ASSERT_EQUAL(aidc_infer_size(&c, &h100, 8, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "gpus_per_replica"));
}

/* The stream reader: good rows, and bad ones named by file and line. */
static void test_read_stream(void)
{
    char path[TEST_TEMP_PATH_LEN], err[512];
    aidc_infer_req *q;
    size_t n;
    CU_ASSERT_FATAL(test_temp_file("# c\narrival_s,prompt_tokens,output_tokens\n0.5,10,2\n1.25,7,0\n", path) == 0);
    CU_ASSERT_EQUAL(aidc_infer_read_stream(path, &q, &n, err, sizeof err), 0);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_DOUBLE_EQUAL(q[1].arrival_s, 1.25, 0);
    CU_ASSERT_EQUAL(q[1].prompt_tokens, 7);
    free(q);
    unlink(path);
    CU_ASSERT_FATAL(test_temp_file("arrival_s,prompt_tokens,output_tokens\n2,10,2\n1,7,-3\n", path) == 0);
    CU_ASSERT_EQUAL(aidc_infer_read_stream(path, &q, &n, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":3: arrival_s 1 is before"));
    unlink(path);
    CU_ASSERT_FATAL(test_temp_file("arrival_s,prompt_tokens,output_tokens\n1,10,x\n", path) == 0);
    CU_ASSERT_EQUAL(aidc_infer_read_stream(path, &q, &n, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: output_tokens: expected a token count"));
    unlink(path);
    CU_ASSERT_FATAL(test_temp_file("arrival_s,prompt_tokens,output_tokens\n1,10\n", path) == 0);
    CU_ASSERT_EQUAL(aidc_infer_read_stream(path, &q, &n, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":2: expected 3 fields"));
    unlink(path);
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus\n", path) == 0);
    CU_ASSERT_EQUAL(aidc_infer_read_stream(path, &q, &n, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, ":1: expected the header"));
    unlink(path);
}

/* Discrete and fluid on one mid-size case: a generated diurnal stream (6 h
 * from the trough at midnight, peak/trough 3, mean 8 requests/s over the
 * day, about 118,000 requests,
 * lognormal prompts mean 1000 cv 1, outputs mean 200 cv 0.8), replicas of
 * 5,000 prefill tokens/s and 16 slots at 30 tokens/s each, autoscaled at
 * target 0.7 from at least 4 (about 11 at 06:00); SLO TTFT 0.5 s, TPOT
 * 0.05 s. Tolerances (the README's): TTFT p50, TPOT p50/p99 and mean TPOT
 * within 10%, TTFT p99 within 15%, SLO attainment within 0.02, replica-hours
 * within 5%, requests served within 2%. */
static void test_discrete_fluid_agree(void)
{
    aidc_infer_cfg c;
    aidc_infer_cfg_defaults(&c);
    snprintf(c.name, sizeof c.name, "mid");
    c.params = 1e9;
    c.gpus_per_replica = 1;
    c.prefill_tps = 5000;
    c.max_batch = 16;
    c.decode_tps = 30 * 16;
    c.min_replicas = 4;
    c.max_replicas = 40;
    c.generated = true;
    c.rate_per_s = 8;
    c.peak_to_trough = 3;
    c.peak_hour = 12;
    c.prompt_mean = 1000;
    c.prompt_cv = 1;
    c.output_mean = 200;
    c.output_cv = 0.8;
    c.slo_ttft_s = 0.5;
    c.slo_tpot_s = 0.05;
    double H = 6 * 3600;
    double v[2][8];
    for (int f = 0; f < 2; f++) {
        c.mode = f ? AIDC_INFER_FLUID : AIDC_INFER_DISCRETE;
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng_set(g, 7);
        aidc_infer *m = aidc_infer_create(&c, NULL, 0, g, H);
        CU_ASSERT_PTR_NOT_NULL_FATAL(m);
        aidc_infer_run_alone(m, H, 300);
        const aidc_infer_stats *t = aidc_infer_totals(m);
        v[f][0] = aidc_infer_hist_quantile(&t->ttft, 0.5);
        v[f][1] = aidc_infer_hist_quantile(&t->ttft, 0.99);
        v[f][2] = aidc_infer_hist_quantile(&t->tpot, 0.5);
        v[f][3] = aidc_infer_hist_quantile(&t->tpot, 0.99);
        v[f][4] = aidc_infer_attainment(m);
        v[f][5] = t->replica_s / 3600;
        v[f][6] = t->tpot_sum / t->tpot_n;
        v[f][7] = t->completed;
        aidc_infer_destroy(m);
    }
    if (getenv("AIDC_TEST_VERBOSE")) {
        const char *name[] = {"ttft_p50", "ttft_p99", "tpot_p50", "tpot_p99", "attainment",
                              "replica_h", "tpot_mean", "completed"};
        printf("\n%-11s %12s %12s\n", "", "discrete", "fluid");
        for (int i = 0; i < 8; i++) printf("%-11s %12.5g %12.5g\n", name[i], v[0][i], v[1][i]);
    }
    CU_ASSERT(fabs(v[1][0] / v[0][0] - 1) < 0.10);
    CU_ASSERT(fabs(v[1][1] / v[0][1] - 1) < 0.15);
    CU_ASSERT(fabs(v[1][2] / v[0][2] - 1) < 0.10);
    CU_ASSERT(fabs(v[1][3] / v[0][3] - 1) < 0.10);
    CU_ASSERT(fabs(v[1][4] - v[0][4]) < 0.02);
    CU_ASSERT(fabs(v[1][5] / v[0][5] - 1) < 0.05);
    CU_ASSERT(fabs(v[1][6] / v[0][6] - 1) < 0.10);
    CU_ASSERT(fabs(v[1][7] / v[0][7] - 1) < 0.02);
}

int test_inference_register(void)
{
    CU_pSuite s = CU_add_suite("inference", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "deterministic arrivals: exact TTFT", test_deterministic_ttft_exact) ||
        !CU_add_test(s, "TPOT exact, with a prefill stall", test_tpot_exact_with_prefill_stall) ||
        !CU_add_test(s, "requests of no work pass at once", test_zero_work_requests) ||
        !CU_add_test(s, "M/M/1 mean against the analytic value", test_mm1_mean) ||
        !CU_add_test(s, "autoscaling reacts to a step within the delay", test_autoscale_step) ||
        !CU_add_test(s, "sizing from the catalog", test_sizing) ||
        !CU_add_test(s, "request stream reader", test_read_stream) ||
        !CU_add_test(s, "discrete and fluid agree on a mid-size case", test_discrete_fluid_agree))
        return -1;
    return 0;
}
