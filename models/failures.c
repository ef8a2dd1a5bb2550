/* failures — rates, repairs and checkpoint arithmetic; see failures.h. */
#include "models/failures.h"

#include <assert.h>
#include <gsl/gsl_randist.h>
#include <math.h>

/* The Llama 3 run the defaults come from (physical-figures.md §7). */
#define LLAMA3_GPUS 16384.0
#define LLAMA3_NODES 2048.0
#define LLAMA3_HOURS (54.0 * 24.0)

const char *aidc_fail_class_name(aidc_fail_class c)
{
    static const char *const names[AIDC_FAIL_CLASSES] = {"gpu",      "node",  "nic", "link",
                                                         "software", "switch"};
    assert(c >= 0 && c < AIDC_FAIL_CLASSES);
    return names[c];
}

void aidc_failures_cfg_defaults(aidc_failures_cfg *c)
{
    *c = (aidc_failures_cfg){0};
    /* counts from the cause table mapped to classes (see the header) over
     * component-hours of the run: 8 NICs per node, one link bundle per node */
    c->cls[AIDC_FAIL_GPU].rate_per_hour = (148 + 72 + 19 + 17 + 6 + 6) / (LLAMA3_GPUS * LLAMA3_HOURS);
    c->cls[AIDC_FAIL_NODE].rate_per_hour = (32 + 3 + 3 + 2 + 2 + 2 + 2) / (LLAMA3_NODES * LLAMA3_HOURS);
    c->cls[AIDC_FAIL_NIC].rate_per_hour = 7 / (LLAMA3_GPUS * LLAMA3_HOURS);
    c->cls[AIDC_FAIL_LINK].rate_per_hour = 35 / (LLAMA3_NODES * LLAMA3_HOURS);
    c->cls[AIDC_FAIL_SOFTWARE].rate_per_hour = (54 + 7 + 2) / (LLAMA3_GPUS * LLAMA3_HOURS);
    /* repair (est.: the paper gives none): a GPU or board swap takes a day
     * with a long tail, a NIC a few hours, a cable or port two hours */
    c->cls[AIDC_FAIL_GPU].repair = (aidc_repair_dist){AIDC_REPAIR_LOGNORMAL, 24 * 3600.0, 1.0};
    c->cls[AIDC_FAIL_NODE].repair = (aidc_repair_dist){AIDC_REPAIR_LOGNORMAL, 24 * 3600.0, 1.0};
    c->cls[AIDC_FAIL_NIC].repair = (aidc_repair_dist){AIDC_REPAIR_EXPONENTIAL, 6 * 3600.0, 0};
    c->cls[AIDC_FAIL_LINK].repair = (aidc_repair_dist){AIDC_REPAIR_EXPONENTIAL, 2 * 3600.0, 0};
    c->cls[AIDC_FAIL_SOFTWARE].repair = (aidc_repair_dist){AIDC_REPAIR_FIXED, 0, 0};
    c->cls[AIDC_FAIL_SWITCH].rate_per_hour = 0; /* the paper's switch/cable row is in link */
    c->cls[AIDC_FAIL_SWITCH].repair = (aidc_repair_dist){AIDC_REPAIR_EXPONENTIAL, 4 * 3600.0, 0};
    c->nics_per_node = 0;
    /* physical-figures §7: restart is minutes to tens of minutes at 10k
     * scale; its worked example uses R = 10 min and delta = 60 s */
    c->restart_ns = 600 * INT64_C(1000000000);
    for (int k = 0; k < AIDC_FAIL_KINDS; k++)
        c->ckpt[k] = (aidc_ckpt_cfg){AIDC_CKPT_DALY, 3600 * INT64_C(1000000000), 60 * INT64_C(1000000000), 0};
}

int64_t aidc_fail_components(const aidc_failures_cfg *c, aidc_fail_class cls, int64_t nodes,
                             int64_t gpus, int64_t leaves)
{
    switch (cls) {
    case AIDC_FAIL_GPU:
    case AIDC_FAIL_SOFTWARE:
        return gpus;
    case AIDC_FAIL_NODE:
    case AIDC_FAIL_LINK:
        return nodes;
    case AIDC_FAIL_NIC:
        return c->nics_per_node > 0 ? nodes * c->nics_per_node : gpus;
    case AIDC_FAIL_SWITCH:
        return leaves;
    default:
        assert(!"unknown failure class");
        return 0;
    }
}

double aidc_fail_nics_per_gpu(const aidc_failures_cfg *c, int32_t gpus_per_node)
{
    assert(gpus_per_node > 0);
    return c->nics_per_node > 0 ? (double)c->nics_per_node / gpus_per_node : 1.0;
}

double aidc_fail_job_rate_per_hour(const aidc_failures_cfg *c, int32_t gpus, int32_t nodes,
                                   int32_t leaves, double nics_per_gpu)
{
    double r = gpus * (c->cls[AIDC_FAIL_GPU].rate_per_hour + c->cls[AIDC_FAIL_SOFTWARE].rate_per_hour +
                       nics_per_gpu * c->cls[AIDC_FAIL_NIC].rate_per_hour) +
               nodes * c->cls[AIDC_FAIL_NODE].rate_per_hour;
    if (nodes > 1)
        r += nodes * c->cls[AIDC_FAIL_LINK].rate_per_hour + leaves * c->cls[AIDC_FAIL_SWITCH].rate_per_hour;
    return r;
}

double aidc_repair_draw_s(const aidc_repair_dist *d, gsl_rng *rng)
{
    switch (d->kind) {
    case AIDC_REPAIR_FIXED:
        return d->mean_s;
    case AIDC_REPAIR_EXPONENTIAL:
        return d->mean_s > 0 ? gsl_ran_exponential(rng, d->mean_s) : 0;
    case AIDC_REPAIR_LOGNORMAL:
        if (d->mean_s <= 0) return 0;
        return gsl_ran_lognormal(rng, log(d->mean_s) - 0.5 * d->sigma * d->sigma, d->sigma);
    }
    assert(!"unknown repair distribution");
    return 0;
}

double aidc_ckpt_young(double delta, double m)
{
    assert(delta >= 0 && m > 0);
    return sqrt(2 * delta * m);
}

double aidc_ckpt_daly(double delta, double m)
{
    assert(delta >= 0 && m > 0);
    if (delta >= 2 * m) return m;
    double q = delta / (2 * m);
    return sqrt(2 * delta * m) * (1 + sqrt(q) / 3 + q / 9) - delta;
}

double aidc_ckpt_waste(double delta, double tau, double r, double m)
{
    return delta / tau + (tau / 2 + r) / m;
}

int64_t aidc_ckpt_count(const aidc_ckpt_seg *g)
{
    if (!isfinite(g->tau_ns) || g->prod_ns <= 0) return 0;
    double cycles = ceil(g->prod_ns / g->tau_ns);
    return cycles > 1 ? (int64_t)cycles - 1 : 0;
}

double aidc_ckpt_wall_ns(const aidc_ckpt_seg *g)
{
    return g->head_ns + g->prod_ns + (double)aidc_ckpt_count(g) * g->delta_ns;
}

aidc_ckpt_split_r aidc_ckpt_split(const aidc_ckpt_seg *g, double x, bool save_now)
{
    aidc_ckpt_split_r r = {0, 0, 0, 0};
    if (x < 0) x = 0;
    if (x <= g->head_ns) {
        r.head_ns = x;
        return r;
    }
    r.head_ns = g->head_ns;
    double y = x - g->head_ns;
    double cycle = g->tau_ns + g->delta_ns;
    double c = isfinite(cycle) && cycle > 0 ? floor(y / cycle) : 0;
    double nck = (double)aidc_ckpt_count(g);
    if (c > nck) c = nck; /* past the last write: the final cycle has none */
    double rest = y - c * cycle;
    if (!isfinite(g->tau_ns)) rest = y;
    r.saved_ns = c * (isfinite(g->tau_ns) ? g->tau_ns : 0);
    r.ckpt_ns = c * g->delta_ns;
    if (save_now) {
        /* the compute of the cycle in progress is written out; a write that
         * was under way counts as checkpoint time */
        double compute = isfinite(g->tau_ns) && rest > g->tau_ns && c < nck ? g->tau_ns : rest;
        r.saved_ns += compute;
        r.ckpt_ns += rest - compute;
    } else {
        r.lost_ns = rest;
    }
    return r;
}

double aidc_ckpt_write_s(const aidc_failures_cfg *c, int kind, int32_t gpus, double writers_others)
{
    assert(kind >= 0 && kind < AIDC_FAIL_KINDS);
    const aidc_ckpt_cfg *k = &c->ckpt[kind];
    if (k->write_ns >= 0) return (double)k->write_ns / 1e9;
    assert(c->storage_bytes_per_s > 0);
    return k->state_bytes_per_gpu * gpus / c->storage_bytes_per_s * (1 + writers_others);
}

double aidc_ckpt_interval_s(const aidc_failures_cfg *c, int kind, double delta_s, double rate_per_hour)
{
    assert(kind >= 0 && kind < AIDC_FAIL_KINDS);
    const aidc_ckpt_cfg *k = &c->ckpt[kind];
    switch (k->mode) {
    case AIDC_CKPT_NONE:
        return INFINITY;
    case AIDC_CKPT_FIXED:
        return (double)k->interval_ns / 1e9;
    case AIDC_CKPT_YOUNG:
    case AIDC_CKPT_DALY:
        if (!(rate_per_hour > 0)) return INFINITY;
        if (delta_s <= 0) return 1.0; /* free writes: checkpoint every second */
        double m = 3600.0 / rate_per_hour;
        double tau = k->mode == AIDC_CKPT_YOUNG ? aidc_ckpt_young(delta_s, m) : aidc_ckpt_daly(delta_s, m);
        return tau > 0 ? tau : INFINITY;
    }
    assert(!"unknown checkpoint mode");
    return INFINITY;
}
