/* Failures: the Llama 3 calibration, checkpoint arithmetic, per-class counts
 * inside their Poisson 99% interval, ETTR against the Young/Daly waste
 * formula, the scheduler never handed a failed GPU, every job completing,
 * determinism, and located errors for bad "failures" values. */
#include <CUnit/CUnit.h>
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/failures.h"
#include "sim/rng.h"
#include "tests/support.h"

#define S 1000000000LL

static void test_llama3_calibration(void)
{
    aidc_failures_cfg c;
    aidc_failures_cfg_defaults(&c);
    /* the whole 16,384-GPU, 2,048-node job sees the paper's 419 in 1,296 h */
    double r = aidc_fail_job_rate_per_hour(&c, 16384, 2048, 512, aidc_fail_nics_per_gpu(&c, 8));
    CU_ASSERT_DOUBLE_EQUAL(r * 1296, 419, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(3600 / r / 3600, 3.093, 0.001); /* job MTBF 3.1 h */
    /* GPU-attributed: 268 per 21.2M GPU-hours, about 11% per GPU-year */
    CU_ASSERT_DOUBLE_EQUAL(c.cls[AIDC_FAIL_GPU].rate_per_hour * 8766, 0.1106, 0.0005);
    /* a single-node job sees no link failures */
    double one = aidc_fail_job_rate_per_hour(&c, 8, 1, 1, aidc_fail_nics_per_gpu(&c, 8));
    CU_ASSERT_DOUBLE_EQUAL(one, 8 * (268.0 + 63 + 7) / (16384 * 1296.0) + 46 / (2048 * 1296.0), 1e-15);
    CU_ASSERT_EQUAL(aidc_fail_components(&c, AIDC_FAIL_NIC, 10, 80, 3), 80);
    CU_ASSERT_EQUAL(aidc_fail_components(&c, AIDC_FAIL_LINK, 10, 80, 3), 10);
    CU_ASSERT_EQUAL(aidc_fail_components(&c, AIDC_FAIL_SWITCH, 10, 80, 3), 3);
    CU_ASSERT_EQUAL(c.cls[AIDC_FAIL_SWITCH].rate_per_hour, 0); /* off by default */
}

static void test_young_daly(void)
{
    /* physical-figures §7: M = 3.1 h, delta = 60 s -> tau ~ 19 min */
    double m = 3.1 * 3600;
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_young(60, m), sqrt(2 * 60 * m), 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_young(60, m) / 60, 19.3, 0.05);
    double q = 60 / (2 * m);
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_daly(60, m), sqrt(2 * 60 * m) * (1 + sqrt(q) / 3 + q / 9) - 60, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_daly(3 * m, m), m, 1e-9);
    /* waste: 60/1157 + (578.6 + 600)/11160 = 0.0518 + 0.1056 */
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_waste(60, aidc_ckpt_young(60, m), 600, m), 0.1575, 0.001);
}

static void test_segment_split(void)
{
    aidc_ckpt_seg g = {100, 1000, 300, 50};
    CU_ASSERT_EQUAL(aidc_ckpt_count(&g), 3); /* after 300, 600, 900; none at the end */
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_wall_ns(&g), 1250, 1e-9);
    aidc_ckpt_split_r r = aidc_ckpt_split(&g, 50, false);
    CU_ASSERT_DOUBLE_EQUAL(r.head_ns, 50, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.saved_ns + r.lost_ns + r.ckpt_ns, 0, 1e-9);
    r = aidc_ckpt_split(&g, 570, false); /* one cycle done, 120 into the next */
    CU_ASSERT_DOUBLE_EQUAL(r.saved_ns, 300, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.ckpt_ns, 50, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.lost_ns, 120, 1e-9);
    r = aidc_ckpt_split(&g, 570, true); /* a preemption writes the 120 out */
    CU_ASSERT_DOUBLE_EQUAL(r.saved_ns, 420, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.lost_ns, 0, 1e-9);
    r = aidc_ckpt_split(&g, 410, false); /* 10 into the first write: all lost */
    CU_ASSERT_DOUBLE_EQUAL(r.lost_ns, 310, 1e-9);
    r = aidc_ckpt_split(&g, 410, true);
    CU_ASSERT_DOUBLE_EQUAL(r.saved_ns, 300, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.ckpt_ns, 10, 1e-9);
    r = aidc_ckpt_split(&g, 1250, true); /* the whole segment */
    CU_ASSERT_DOUBLE_EQUAL(r.saved_ns, 1000, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.ckpt_ns, 150, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.head_ns, 100, 1e-9);
    aidc_ckpt_seg none = {0, 1000, INFINITY, 50};
    CU_ASSERT_EQUAL(aidc_ckpt_count(&none), 0);
    r = aidc_ckpt_split(&none, 999, false);
    CU_ASSERT_DOUBLE_EQUAL(r.lost_ns, 999, 1e-9);
    /* shared storage: 0.35 GB x 16,384 over 2 TB/s, alone and with one
     * other job writing half the time */
    aidc_failures_cfg c;
    aidc_failures_cfg_defaults(&c);
    c.ckpt[0].write_ns = -1;
    c.ckpt[0].state_bytes_per_gpu = 0.35e9;
    c.storage_bytes_per_s = 2e12;
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_write_s(&c, 0, 16384, 0), 2.8672, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_write_s(&c, 0, 16384, 0.5), 1.5 * 2.8672, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_ckpt_write_s(&c, 1, 16384, 0.5), 60, 1e-9); /* kinds apart */
}

static void test_repair_draws(void)
{
    gsl_rng *rng = aidc_rng_stream(3, "test.repair");
    CU_ASSERT_FATAL(rng != NULL);
    aidc_repair_dist d[] = {{AIDC_REPAIR_FIXED, 7200, 0},
                            {AIDC_REPAIR_EXPONENTIAL, 7200, 0},
                            {AIDC_REPAIR_LOGNORMAL, 7200, 1.0}};
    for (int k = 0; k < 3; k++) {
        double sum = 0;
        int n = 200000;
        for (int i = 0; i < n; i++) sum += aidc_repair_draw_s(&d[k], rng);
        /* the sample mean of 200k draws is within 2% of the mean (the
         * lognormal's sd is 1.31 x mean: 5 standard errors) */
        CU_ASSERT_DOUBLE_EQUAL(sum / n, 7200, 7200 * 0.02);
    }
    gsl_rng_free(rng);
}

/* A trace of n jobs on a small cluster (8 GPUs a node): sizes 1-32 GPUs,
 * durations 10 min - 10 h, from a fixed LCG. */
static int write_trace(int n, char *path)
{
    static char text[64 * 1024];
    size_t len = (size_t)snprintf(text, sizeof text, "id,submit_s,gpus,duration_s,kind\n");
    unsigned long x = 12345;
    static const int sizes[] = {1, 2, 4, 8, 16, 32};
    for (int i = 0; i < n && len < sizeof text - 100; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        int g = sizes[(x >> 33) % 6];
        long dur = 600 + (long)((x >> 20) % 36000);
        len += (size_t)snprintf(text + len, sizeof text - len, "j%d,%d,%d,%ld,training\n", i,
                                i * 900, g, dur);
    }
    return test_temp_file(text, path);
}

static int mixed_sim_in(const char *policy, const char *failures, const char *extra,
                        aidc_scenario *sc, aidc_sim *sim)
{
    char trace[TEST_TEMP_PATH_LEN];
    if (write_trace(150, trace)) return -1;
    char json[2048];
    snprintf(json, sizeof json,
             "{\"seed\": 11, \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 8},"
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": %s, \"failures\": %s%s}",
             trace, policy, failures, extra);
    int rc = test_sim_from_json(json, sc, sim);
    unlink(trace);
    return rc;
}

static int mixed_sim(const char *policy, const char *failures, aidc_scenario *sc, aidc_sim *sim)
{
    return mixed_sim_in(policy, failures, "", sc, sim);
}

/* High rates so that every class fires often over the mixed workload. */
static const char busy_failures[] =
    "{\"gpu\": {\"mtbf\": \"60d\", \"repair\": {\"dist\": \"lognormal\", \"mean\": \"3h\", \"sigma\": 1}},"
    " \"node\": {\"mtbf\": \"20d\", \"repair\": {\"dist\": \"exponential\", \"mean\": \"2h\"}},"
    " \"nic\": {\"mtbf\": \"80d\", \"per_node\": 4, \"repair\": \"1h\"},"
    " \"link\": {\"mtbf\": \"10d\", \"repair\": \"30m\"},"
    " \"software\": {\"mtbf\": \"200d\"}, \"switch\": {\"mtbf\": \"2d\", \"repair\": \"20m\"},"
    " \"restart\": \"5m\","
    " \"checkpoint\": {\"mode\": \"young\", \"write\": \"30s\"}}";

/* Steps a run in 10-minute slices, checking after each that no failed GPU
 * is held by a job or counted free; returns the violations seen. */
static size_t run_checked(aidc_sim *sim)
{
    char err[512];
    size_t bad = 0;
    int rc = 0;
    for (int64_t t = 0; rc == 0; t += 600 * S) {
        rc = aidc_sim_run_until(sim, t, err, sizeof err);
        bad += aidc_sim_fail_check(sim);
    }
    CU_ASSERT_EQUAL(rc, 1);
    return bad;
}

static void check_completion_in(const char *policy, const char *extra)
{
    aidc_scenario sc;
    aidc_sim sim;
    CU_ASSERT_FATAL(mixed_sim_in(policy, busy_failures, extra, &sc, &sim) == 0);
    CU_ASSERT_EQUAL(run_checked(&sim), 0);
    CU_ASSERT_EQUAL(sim.completed, sim.n_jobs);
    uint64_t total = 0;
    for (int c = 0; c < AIDC_FAIL_CLASSES; c++) {
        CU_ASSERT(sim.fail_count[c] > 0);
        total += sim.fail_count[c];
    }
    CU_ASSERT(sim.fail_interruptions > 10);
    int32_t interrupted = 0;
    for (size_t i = 0; i < sim.n_jobs; i++) {
        aidc_job_fail_stats fs;
        aidc_sim_job_fail_stats(&sim, (uint32_t)i, &fs);
        CU_ASSERT_EQUAL(sim.jobs[i].state, AIDC_JOB_DONE);
        /* all the productive work was done, once */
        CU_ASSERT_DOUBLE_EQUAL(fs.productive_ns, (double)sim.workload.jobs[i].duration_ns, 1);
        CU_ASSERT(fs.lost_ns >= 0 && fs.ckpt_ns >= 0);
        interrupted += fs.interruptions;
        if (fs.interruptions == 0 && sim.jobs[i].view.preemptions == 0)
            CU_ASSERT_DOUBLE_EQUAL(fs.lost_ns, 0, 1e-6);
    }
    CU_ASSERT_EQUAL((uint64_t)interrupted, sim.fail_interruptions);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

static void check_completion(const char *policy) { check_completion_in(policy, ""); }

/* With a rail-optimized fabric of two 4-node SUs, a switch failure takes a
 * whole SU's scale-out down. */
static void test_completion_fabric(void)
{
    check_completion_in("{\"name\": \"fifo\", \"params\": {\"placement\": \"topology-aware\"}}",
                        ", \"fabric\": {\"type\": \"rail-optimized\", \"nodes_per_su\": 4}");
}

static void test_completion_fifo(void) { check_completion("\"fifo\""); }
static void test_completion_preemptive(void) { check_completion("\"las\""); }
static void test_completion_backfill(void) { check_completion("\"easy-backfill\""); }

static void test_determinism(void)
{
    aidc_scenario sc[2];
    aidc_sim sim[2];
    char err[512];
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_FATAL(mixed_sim("\"las\"", busy_failures, &sc[k], &sim[k]) == 0);
        CU_ASSERT_EQUAL(aidc_sim_run(&sim[k], err, sizeof err), 0);
    }
    CU_ASSERT_EQUAL(sim[0].events, sim[1].events);
    CU_ASSERT_EQUAL(memcmp(sim[0].fail_count, sim[1].fail_count, sizeof sim[0].fail_count), 0);
    for (size_t i = 0; i < sim[0].n_jobs; i++) {
        CU_ASSERT_EQUAL(sim[0].jobs[i].end_ns, sim[1].jobs[i].end_ns);
        CU_ASSERT_EQUAL(sim[0].jfail[i].lost_ns, sim[1].jfail[i].lost_ns);
    }
    for (int k = 0; k < 2; k++) {
        aidc_sim_fini(&sim[k]);
        aidc_scenario_fini(&sc[k]);
    }
}

/* The smallest k with P(N <= k) >= p for N ~ Poisson(mu), by walking the
 * GSL cdf from the normal approximation's guess. */
static unsigned poisson_quantile(double p, double mu)
{
    double guess = mu + gsl_cdf_ugaussian_Pinv(p) * sqrt(mu);
    unsigned k = guess > 0 ? (unsigned)guess : 0;
    while (k > 0 && gsl_cdf_poisson_P(k - 1, mu) >= p) k--;
    while (gsl_cdf_poisson_P(k, mu) < p) k++;
    return k;
}

/* Runs the 2,000-hour scenario `json` (then removes `trace`) and checks
 * each class's component count and that its failure count lies in the
 * central 99% interval of Poisson(rate x components x hours). */
static void check_poisson_counts(const char *json, const char *trace,
                                 const double components[AIDC_FAIL_CLASSES], const char *label)
{
    aidc_scenario sc;
    aidc_sim sim;
    int rc = test_sim_from_json(json, &sc, &sim);
    unlink(trace);
    CU_ASSERT_FATAL(rc == 0);
    char err[512];
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sim.end_ns, 2000 * 3600 * S);
    for (int c = 0; c < AIDC_FAIL_CLASSES; c++) {
        CU_ASSERT_EQUAL(sim.fail_components[c], (int64_t)components[c]);
        double mu = sc.failures.cls[c].rate_per_hour * components[c] * 2000;
        unsigned lo = poisson_quantile(0.005, mu), hi = poisson_quantile(0.995, mu);
        CU_ASSERT(sim.fail_count[c] >= lo && sim.fail_count[c] <= hi);
        if (sim.fail_count[c] < lo || sim.fail_count[c] > hi)
            fprintf(stderr, "%sclass %s: %llu failures, 99%% interval [%u, %u] of mean %.1f\n", label,
                    aidc_fail_class_name((aidc_fail_class)c), (unsigned long long)sim.fail_count[c],
                    lo, hi, mu);
    }
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

/* Over 2,000 h of a 64-node cluster, every class's count lies in the
 * central 99% interval of Poisson(rate x components x hours). */
static void test_poisson_counts(void)
{
    CU_ASSERT_EQUAL(poisson_quantile(0.5, 0.5), 0);
    CU_ASSERT_EQUAL(poisson_quantile(0.995, 100), 127); /* tables: P(N<=127) = 0.9953 */
    char trace[TEST_TEMP_PATH_LEN];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s\na,0,8,3600\n", trace) == 0);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"seed\": 5, \"horizon\": \"2000h\", \"sample_interval\": \"1d\","
             " \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 64},"
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": \"fifo\", \"failures\": {"
             " \"gpu\": {\"rate_per_hour\": 0.001}, \"node\": {\"rate_per_hour\": 0.004},"
             " \"nic\": {\"rate_per_hour\": 0.0005, \"per_node\": 2}, \"link\": {\"rate_per_hour\": 0.002},"
             " \"software\": {\"rate_per_hour\": 0.0002}, \"switch\": {\"rate_per_hour\": 0.01}}}",
             trace);
    static const double components[] = {512, 64, 128, 64, 512, 16}; /* 16 racks of 4 */
    check_poisson_counts(json, trace, components, "");
}

/* One 512-GPU synchronous job for 5,000 h of work under software failures
 * only (nothing goes down, so restarts are immediate): M = 10 h, delta =
 * 30 s, R = 5 min, Daly's tau. The measured ETTR must match 1 - waste with
 * waste = delta/tau + (tau/2 + R)/M within 0.01 absolute: the formula drops
 * terms of order waste^2 (~0.3%), and ~530 failures leave a Poisson
 * spread of ~0.13% on the failure share (1 sd); 0.01 is over 3 sd of
 * both together. */
static void test_ettr_matches_young_daly(void)
{
    char trace[TEST_TEMP_PATH_LEN];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,kind\nbig,0,512,18000000,training\n", trace) == 0);
    char json[1024];
    double m_h = 10, rate = 1 / (m_h * 512);
    snprintf(json, sizeof json,
             "{\"seed\": 9, \"sample_interval\": \"1d\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 64},"
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": \"fifo\", \"failures\": {"
             " \"gpu\": {\"rate_per_hour\": 0}, \"node\": {\"rate_per_hour\": 0},"
             " \"nic\": {\"rate_per_hour\": 0}, \"link\": {\"rate_per_hour\": 0},"
             " \"software\": {\"rate_per_hour\": %.17g}, \"restart\": \"5m\","
             " \"checkpoint\": {\"mode\": \"daly\", \"write\": \"30s\"}}}",
             trace, rate);
    aidc_scenario sc;
    aidc_sim sim;
    int rc = test_sim_from_json(json, &sc, &sim);
    unlink(trace);
    CU_ASSERT_FATAL(rc == 0);
    char err[512];
    double m = m_h * 3600, tau = aidc_ckpt_daly(30, m);
    CU_ASSERT_EQUAL(aidc_sim_run_until(&sim, 60 * S, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(sim.jfail[0].seg.tau_ns / 1e9, tau, 1e-6);
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sim.completed, 1);
    aidc_job_fail_stats fs;
    aidc_sim_job_fail_stats(&sim, 0, &fs);
    double wall = (double)sim.jobs[0].end_ns;
    double ettr = fs.productive_ns / (fs.productive_ns + fs.lost_ns + fs.ckpt_ns);
    /* at speed 1 with immediate restarts, all work is wall time */
    CU_ASSERT_DOUBLE_EQUAL(fs.productive_ns + fs.lost_ns + fs.ckpt_ns, wall, 1e6);
    double expect = 1 - aidc_ckpt_waste(30, tau, 300, m);
    CU_ASSERT_DOUBLE_EQUAL(ettr, expect, 0.01);
    if (getenv("AIDC_TEST_VERBOSE"))
        fprintf(stderr, "ETTR %.4f, 1 - waste %.4f, %d interruptions\n", ettr, expect, fs.interruptions);
    CU_ASSERT(fs.interruptions > 400 && fs.interruptions < 700);
    /* without checkpoints a 5,000 h job under a 10 h MTBF would never end;
     * the same job with no failures has ETTR 1 */
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

/* Per-kind settings: inference jobs write no checkpoints and lose their
 * whole segment on a failure; training jobs checkpoint (fixed, 10 min). */
static void test_checkpoint_kinds(void)
{
    char trace[TEST_TEMP_PATH_LEN];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s,kind\n"
                                   "t,0,8,360000,training\ni,0,8,360000,inference\n", trace) == 0);
    char json[1024];
    snprintf(json, sizeof json,
             "{\"seed\": 2, \"sample_interval\": \"1d\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 2},"
             " \"workload\": {\"trace\": \"%s\"}, \"failures\": {"
             " \"gpu\": {\"rate_per_hour\": 0}, \"node\": {\"rate_per_hour\": 0},"
             " \"nic\": {\"rate_per_hour\": 0}, \"link\": {\"rate_per_hour\": 0},"
             " \"software\": {\"mtbf\": \"200h\"}, \"restart\": \"1m\","
             " \"checkpoint\": {\"mode\": \"fixed\", \"interval\": \"10m\", \"write\": \"10s\","
             " \"kinds\": {\"inference\": {\"mode\": \"none\"}}}}}",
             trace);
    aidc_scenario sc;
    aidc_sim sim;
    int rc = test_sim_from_json(json, &sc, &sim);
    unlink(trace);
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_EQUAL(sc.failures.ckpt[AIDC_KIND_INFERENCE].mode, AIDC_CKPT_NONE);
    CU_ASSERT_EQUAL(sc.failures.ckpt[AIDC_KIND_TRAINING].mode, AIDC_CKPT_FIXED);
    char err[512];
    CU_ASSERT_EQUAL(aidc_sim_run_until(&sim, 60 * S, err, sizeof err), 0);
    CU_ASSERT_DOUBLE_EQUAL(sim.jfail[0].seg.tau_ns, 600e9, 1);
    CU_ASSERT(isinf(sim.jfail[1].seg.tau_ns));
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    CU_ASSERT_EQUAL(sim.completed, 2);
    aidc_job_fail_stats t, i;
    aidc_sim_job_fail_stats(&sim, 0, &t);
    aidc_sim_job_fail_stats(&sim, 1, &i);
    CU_ASSERT(t.interruptions > 0 && i.interruptions > 0);
    /* 100 h of training: 599 writes of 10 s (none after the last cycle) */
    CU_ASSERT_DOUBLE_EQUAL(t.ckpt_ns, 599 * 10e9, 1e3);
    CU_ASSERT_EQUAL(i.ckpt_ns, 0);
    /* the training job loses at most one cycle plus the restart a time */
    CU_ASSERT(t.lost_ns <= t.interruptions * (610e9 + 60e9) + 1);
    CU_ASSERT(i.lost_ns > t.lost_ns);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

/* ---- two pools: DGX-H100 (8 GPUs a node) and 4-GPU A100 nodes ----------------- */

/* 3 DGX-H100 (2 a rack) then 5 A100 nodes of 4 GPUs (4 a rack): nodes 0-2 hold
 * GPUs 0-23, nodes 3-7 GPUs 24-43; leaves (racks) 0-1 and 2-3. */
#define TWO_POOLS                                                                           \
    "\"cluster\": {\"pools\": [{\"system\": \"DGX-H100\", \"nodes\": 3, \"nodes_per_rack\": 2}," \
    " {\"gpu\": \"A100-SXM\", \"nodes\": 5, \"gpus_per_node\": 4, \"cpus_per_node\": 64,"        \
    " \"mem_gib_per_node\": 512, \"nodes_per_rack\": 4}]}"

static int pools_sim(const char *failures, aidc_scenario *sc, aidc_sim *sim)
{
    char trace[TEST_TEMP_PATH_LEN];
    if (write_trace(150, trace)) return -1;
    char json[2048];
    snprintf(json, sizeof json,
             "{\"seed\": 17, " TWO_POOLS ", \"workload\": {\"trace\": \"%s\"}, \"policy\": \"fifo\","
             " \"failures\": %s}",
             trace, failures);
    int rc = test_sim_from_json(json, sc, sim);
    unlink(trace);
    return rc;
}

/* The node and pool of GPU g on the two-pool layout, by hand. */
static int pools_node_of(int64_t g) { return g < 24 ? (int)(g / 8) : 3 + (int)((g - 24) / 4); }

/* Failures on two pools: each repair under way holds exactly the GPUs of the
 * component it names (a GPU; a whole node of its own size; a NIC's block of
 * its node's GPUs: 4 of 8 or 2 of 4 with two NICs a node, 1 with one per GPU),
 * every class lands in both pools, no failed GPU is handed out, every job
 * completes, and every running job's Young interval comes from the GPUs, NICs
 * and nodes it holds. */
static void test_pools_failures(void)
{
    static const char *const cfgs[2] = {
        "{\"gpu\": {\"mtbf\": \"4d\", \"repair\": \"2h\"}, \"node\": {\"mtbf\": \"3d\", \"repair\": \"2h\"},"
        " \"nic\": {\"mtbf\": \"8d\", \"per_node\": 2, \"repair\": \"2h\"}, \"link\": {\"mtbf\": \"3d\", \"repair\": \"1h\"},"
        " \"software\": {\"mtbf\": \"20d\"}, \"switch\": {\"mtbf\": \"2d\", \"repair\": \"20m\"},"
        " \"restart\": \"5m\", \"checkpoint\": {\"mode\": \"young\", \"write\": \"30s\"}}",
        "{\"gpu\": {\"mtbf\": \"4d\", \"repair\": \"2h\"}, \"node\": {\"mtbf\": \"3d\", \"repair\": \"2h\"},"
        " \"nic\": {\"mtbf\": \"4d\", \"repair\": \"2h\"}, \"link\": {\"mtbf\": \"3d\", \"repair\": \"1h\"},"
        " \"software\": {\"mtbf\": \"20d\"}, \"restart\": \"5m\","
        " \"checkpoint\": {\"mode\": \"young\", \"write\": \"30s\"}}"};
    for (int v = 0; v < 2; v++) {
        aidc_scenario sc;
        aidc_sim sim;
        CU_ASSERT_FATAL(pools_sim(cfgs[v], &sc, &sim) == 0);
        CU_ASSERT_EQUAL_FATAL(sim.cluster.total_gpus, 44);
        CU_ASSERT_EQUAL(sim.fail_components[AIDC_FAIL_GPU], 44);
        CU_ASSERT_EQUAL(sim.fail_components[AIDC_FAIL_NODE], 8);
        CU_ASSERT_EQUAL(sim.fail_components[AIDC_FAIL_NIC], v == 0 ? 16 : 44);
        CU_ASSERT_EQUAL(sim.n_leaves, 4);
        int seen[AIDC_FAIL_CLASSES][2] = {{0}};
        size_t bad_place = 0, bad_tau = 0, multi_pool = 0, checked_tau = 0;
        char err[512];
        int rc = 0;
        for (int64_t t = 0; rc == 0; t += 300 * S) {
            rc = aidc_sim_run_until(&sim, t, err, sizeof err);
            CU_ASSERT_EQUAL(aidc_sim_fail_check(&sim), 0);
            for (size_t k = 0; k < sim.n_repair_slots; k++) {
                const aidc_fail_repair *r = &sim.repairs[k];
                if (r->cls < 0 || r->cls == AIDC_FAIL_SWITCH) continue;
                int node = pools_node_of(r->first_gpu), pool = node >= 3;
                int per = pool ? 4 : 8;
                int64_t node_first = pool ? 24 + (node - 3) * 4 : node * 8;
                int want = r->cls == AIDC_FAIL_NODE || r->cls == AIDC_FAIL_LINK ? per
                           : r->cls == AIDC_FAIL_NIC                             ? (v == 0 ? per / 2 : 1)
                                                                                 : 1;
                if (r->n_gpus != want || pools_node_of(r->first_gpu + r->n_gpus - 1) != node ||
                    sim.gpu_node[r->first_gpu] != node || sim.cluster.pool[node] != pool ||
                    ((r->cls == AIDC_FAIL_NODE || r->cls == AIDC_FAIL_LINK) && r->first_gpu != node_first) ||
                    (r->cls == AIDC_FAIL_NIC && (r->first_gpu - node_first) % want != 0))
                    bad_place++;
                seen[r->cls][pool] = 1;
            }
            for (size_t q = 0; q < sim.n_running; q++) {
                const aidc_job_rt *j = &sim.jobs[sim.running[q]];
                double nics = 0;
                int pools_held = 0;
                for (int32_t a = 0; a < j->n_alloc; a++) {
                    int32_t per = sim.cluster.nodes[j->alloc[a].node].gpus_total;
                    nics += j->alloc[a].gpus * (v == 0 ? 2.0 / per : 1.0);
                    pools_held |= 1 << sim.cluster.pool[j->alloc[a].node];
                }
                multi_pool += pools_held == 3;
                const aidc_failures_cfg *fc = &sc.failures;
                double rate = j->view.gpus * (fc->cls[AIDC_FAIL_GPU].rate_per_hour +
                                              fc->cls[AIDC_FAIL_SOFTWARE].rate_per_hour) +
                              nics * fc->cls[AIDC_FAIL_NIC].rate_per_hour +
                              j->n_alloc * fc->cls[AIDC_FAIL_NODE].rate_per_hour;
                if (j->n_alloc > 1) rate += j->n_alloc * fc->cls[AIDC_FAIL_LINK].rate_per_hour;
                if (v == 1) { /* no switch class: the rate is the job's own components */
                    double tau = sqrt(2 * 30 * 3600 / rate) * 1e9;
                    checked_tau++;
                    if (fabs(sim.jfail[sim.running[q]].seg.tau_ns - tau) > 1e-9 * tau) bad_tau++;
                }
            }
        }
        CU_ASSERT_EQUAL(rc, 1);
        CU_ASSERT_EQUAL(bad_place, 0);
        CU_ASSERT_EQUAL(bad_tau, 0);
        CU_ASSERT(v == 0 || checked_tau > 100);
        CU_ASSERT(multi_pool > 0); /* the 32-GPU jobs need both pools */
        for (int c = 0; c < AIDC_FAIL_SWITCH; c++)
            if (c != AIDC_FAIL_SOFTWARE) CU_ASSERT(seen[c][0] && seen[c][1]);
        CU_ASSERT_EQUAL(sim.completed, sim.n_jobs);
        for (size_t i = 0; i < sim.n_jobs; i++) {
            aidc_job_fail_stats fs;
            aidc_sim_job_fail_stats(&sim, (uint32_t)i, &fs);
            CU_ASSERT_DOUBLE_EQUAL(fs.productive_ns, (double)sim.workload.jobs[i].duration_ns, 1);
        }
        aidc_sim_fini(&sim);
        aidc_scenario_fini(&sc);
    }
}

/* Over 2,000 h of the two-pool cluster, every class's count lies in the
 * central 99% interval of Poisson(rate x components x hours), components
 * summed over nodes of both sizes. */
static void test_pools_poisson_counts(void)
{
    char trace[TEST_TEMP_PATH_LEN];
    CU_ASSERT_FATAL(test_temp_file("id,submit_s,gpus,duration_s\na,0,4,3600\n", trace) == 0);
    char json[2048];
    snprintf(json, sizeof json,
             "{\"seed\": 9, \"horizon\": \"2000h\", \"sample_interval\": \"1d\", " TWO_POOLS ","
             " \"workload\": {\"trace\": \"%s\"}, \"policy\": \"fifo\", \"failures\": {"
             " \"gpu\": {\"rate_per_hour\": 0.002}, \"node\": {\"rate_per_hour\": 0.01},"
             " \"nic\": {\"rate_per_hour\": 0.001}, \"link\": {\"rate_per_hour\": 0.005},"
             " \"software\": {\"rate_per_hour\": 0.0005}, \"switch\": {\"rate_per_hour\": 0.02}}}",
             trace);
    static const double components[] = {44, 8, 44, 8, 44, 4}; /* NIC: one per GPU */
    check_poisson_counts(json, trace, components, "pools, ");
}

static void test_no_failures_section(void)
{
    aidc_scenario sc;
    aidc_sim sim;
    char trace[TEST_TEMP_PATH_LEN];
    CU_ASSERT_FATAL(write_trace(40, trace) == 0);
    char json[512];
    snprintf(json, sizeof json,
             "{\"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 8}, \"workload\": {\"trace\": \"%s\"}}",
             trace);
    int rc = test_sim_from_json(json, &sc, &sim);
    unlink(trace);
    CU_ASSERT_FATAL(rc == 0);
    CU_ASSERT_FALSE(sim.has_failures);
    char err[512];
    CU_ASSERT_EQUAL(aidc_sim_run(&sim, err, sizeof err), 0);
    for (size_t i = 0; i < sim.n_jobs; i++) {
        aidc_job_fail_stats fs;
        aidc_sim_job_fail_stats(&sim, (uint32_t)i, &fs);
        CU_ASSERT_EQUAL(fs.interruptions, 0);
        CU_ASSERT_EQUAL(fs.lost_ns, 0);
        CU_ASSERT_EQUAL(fs.ckpt_ns, 0);
        CU_ASSERT_DOUBLE_EQUAL(fs.productive_ns, (double)sim.workload.jobs[i].duration_ns, 0.5);
    }
    CU_ASSERT_EQUAL(aidc_sim_fail_check(&sim), 0);
    aidc_sim_fini(&sim);
    aidc_scenario_fini(&sc);
}

/* Bad values fail with their key path. */
static void test_bad_values(void)
{
    static const struct {
        const char *failures, *path;
    } cases[] = {
        {"{\"gpu\": {\"rate_per_hour\": -1}}", "failures.gpu.rate_per_hour"},
        {"{\"gpu\": {\"mtbf\": \"10 days\"}}", "failures.gpu.mtbf"},
        {"{\"node\": {\"rate_per_hour\": 1e-5, \"mtbf\": \"100d\"}}", "failures.node.mtbf"},
        {"{\"gpu\": {\"repair\": {\"dist\": \"weibull\", \"mean\": \"1h\"}}}", "failures.gpu.repair.dist"},
        {"{\"gpu\": {\"repair\": {\"dist\": \"lognormal\", \"mean\": \"1h\"}}}", "failures.gpu.repair.sigma"},
        {"{\"gpu\": {\"repair\": {\"dist\": \"fixed\", \"mean\": \"-1h\"}}}", "failures.gpu.repair.mean"},
        {"{\"software\": {\"repair\": \"1h\"}}", "failures.software.repair"},
        {"{\"nic\": {\"per_node\": 0}}", "failures.nic.per_node"},
        {"{\"tor\": {}}", "failures.tor"},
        {"{\"switch\": {\"rate_per_hour\": \"often\"}}", "failures.switch.rate_per_hour"},
        {"{\"restart\": \"ten minutes\"}", "failures.restart"},
        {"{\"checkpoint\": {\"mode\": \"fixed\"}}", "failures.checkpoint.mode"},
        {"{\"checkpoint\": {\"interval\": \"1h\"}}", "failures.checkpoint.interval"},
        {"{\"checkpoint\": {\"write\": \"1m\", \"state_gb_per_gpu\": 1, \"storage_gb_per_s\": 10}}",
         "failures.checkpoint.write"},
        {"{\"checkpoint\": {\"state_gb_per_gpu\": 1}}", "failures.checkpoint: \"state_gb_per_gpu\" needs"},
        {"{\"checkpoint\": {\"storage_gb_per_s\": 10}}", "failures.checkpoint.storage_gb_per_s"},
        {"{\"checkpoint\": {\"kinds\": {\"serving\": {}}}}", "failures.checkpoint.kinds.serving"},
        {"{\"checkpoint\": {\"kinds\": {\"inference\": {\"mode\": \"fixed\"}}}}",
         "failures.checkpoint.kinds.inference.mode"},
        {"{\"checkpoint\": {\"kinds\": {\"batch\": {\"storage_gb_per_s\": 1}}}}",
         "failures.checkpoint.kinds.batch.storage_gb_per_s"},
        {"{\"checkpoint\": {\"storage_gb_per_s\": 0, \"state_gb_per_gpu\": 1}}",
         "failures.checkpoint.storage_gb_per_s"},
        {"[]", "failures"},
        {"{\"gpu\": {\"rate_per_hour\": 1000}}", "would draw about"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char json[1024], path[TEST_TEMP_PATH_LEN], err[2048] = "";
        snprintf(json, sizeof json,
                 "{\"horizon\": \"1000d\", \"cluster\": {\"system\": \"DGX-H100\", \"nodes\": 2},"
                 " \"workload\": {\"synthetic\": {\"jobs\": 3, \"arrival\": {\"rate_per_hour\": 1},"
                 " \"duration\": {\"dist\": \"exponential\", \"mean\": \"1h\"}}},"
                 " \"failures\": %s}",
                 cases[k].failures);
        CU_ASSERT_FATAL(test_temp_file(json, path) == 0);
        aidc_scenario sc;
        int rc = aidc_scenario_load(&sc, path, NULL, -1, err, sizeof err);
        unlink(path);
        CU_ASSERT_EQUAL(rc, -1);
        if (rc == 0) aidc_scenario_fini(&sc);
        CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[k].path));
        if (!strstr(err, cases[k].path)) fprintf(stderr, "case %zu: %s\n", k, err);
    }
}

int test_failures_register(void)
{
    CU_pSuite s = CU_add_suite("failures", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "defaults reproduce Llama 3's 419 interruptions", test_llama3_calibration) ||
        !CU_add_test(s, "Young and Daly intervals", test_young_daly) ||
        !CU_add_test(s, "segment split into kept, written and lost work", test_segment_split) ||
        !CU_add_test(s, "repair-time draws have their means", test_repair_draws) ||
        !CU_add_test(s, "per-class counts in the Poisson 99% interval", test_poisson_counts) ||
        !CU_add_test(s, "ETTR matches 1 - Young/Daly waste", test_ettr_matches_young_daly) ||
        !CU_add_test(s, "fifo: no failed GPU in use, every job completes", test_completion_fifo) ||
        !CU_add_test(s, "las (preemptive): same", test_completion_preemptive) ||
        !CU_add_test(s, "easy-backfill: same", test_completion_backfill) ||
        !CU_add_test(s, "rail-optimized fabric, topology-aware: same", test_completion_fabric) ||
        !CU_add_test(s, "same seed, same run", test_determinism) ||
        !CU_add_test(s, "two pools: failures hit the right node and pool", test_pools_failures) ||
        !CU_add_test(s, "two pools: per-class counts in the Poisson 99% interval", test_pools_poisson_counts) ||
        !CU_add_test(s, "checkpoint settings per job kind", test_checkpoint_kinds) ||
        !CU_add_test(s, "no failures section: nothing changes", test_no_failures_section) ||
        !CU_add_test(s, "bad values name their key path", test_bad_values))
        return -1;
    return 0;
}
