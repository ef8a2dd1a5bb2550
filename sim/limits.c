/* limits — memory estimate and ceiling; see limits.h. */
#include "sim/limits.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/workload.h"
#include "sim/eventq.h"
#include "sim/sim.h"

/* Measured (peak RSS, /usr/bin/time): ~300 B per synthetic job, ~100 B per 8-GPU node, ~1.5 kB
 * per node with a rail-optimized fabric. Per-object costs in bytes, beyond the structs themselves: malloc overhead and the arrays that
 * grow with each object (power per node, the running list per GPU, a job's allocation, name,
 * pending and event-queue slots, the per-job statistics sorted when writing summary.json). */
#define NODE_EXTRA 160.0   /* power arrays, placement and policy per-node state */
#define GPU_EXTRA 16.0     /* running-list slot and per-GPU placement state */
#define JOB_EXTRA 128.0    /* id string, allocation, queue slots, output statistics */
#define LINK_BYTES 160.0   /* one fabric link: igraph edge, attributes, flow state */
#define BASE_BYTES 64e6    /* the program, libraries, catalog, weather and carbon years */

/* Lines in a file (a trace's rows, at most). */
static int count_lines(const char *path, double *out, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    char buf[1 << 16];
    size_t n;
    double lines = 1;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (const char *p = buf; (p = memchr(p, '\n', (size_t)(buf + n - p))) != NULL; p++) lines++;
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: cannot read", path);
        return -1;
    }
    *out = lines;
    return 0;
}

static double synthetic_jobs(const aidc_scenario *s)
{
    const aidc_synth_cfg *c = &s->workload.synth;
    if (c->jobs >= 0) return (double)c->jobs;
    double hours = s->horizon_ns > 0 ? (double)s->horizon_ns / 3.6e12 : 0;
    double rate = c->rate_per_hour;
    if (c->arrival == AIDC_ARRIVAL_DIURNAL) {
        double peak = 0;
        for (int h = 0; h < 24; h++) peak = fmax(peak, c->hourly[h]);
        rate *= peak > 0 ? peak : 1;
    } else if (c->arrival == AIDC_ARRIVAL_TRACE) {
        double sum = 0;
        for (size_t i = 0; i < c->n_gaps; i++) sum += c->gaps_s[i];
        rate = sum > 0 ? 3600.0 * (double)c->n_gaps / sum : 0;
    }
    /* a Poisson count rarely exceeds its mean by more than a few standard deviations */
    double mean = rate * hours;
    return mean + 6 * sqrt(mean) + 1;
}

int aidc_limits_estimate(const aidc_scenario *s, aidc_mem_estimate *e, char *err, size_t errlen)
{
    memset(e, 0, sizeof *e);
    e->nodes = (double)s->cluster.nodes;
    e->gpus = e->nodes * s->cluster.gpus_per_node;
    if (s->workload.synthetic) {
        e->jobs = synthetic_jobs(s);
    } else if (s->workload.trace_path) {
        if (count_lines(s->workload.trace_path, &e->jobs, err, errlen)) return -1;
    }
    e->node_bytes = e->nodes * (sizeof(aidc_sched_node) + NODE_EXTRA) + e->gpus * GPU_EXTRA;
    e->job_bytes = e->jobs * (sizeof(aidc_job_spec) + sizeof(aidc_job_rt) + sizeof(aidc_event) + JOB_EXTRA);
    /* failures: per-job checkpoint state, per-GPU down counters */
    if (s->failures.enabled)
        e->job_bytes += e->jobs * sizeof(aidc_job_fail) + e->gpus * 2 * sizeof(uint32_t);
    if (s->fabric.enabled) {
        /* a NIC link per GPU (rails) or per node, plus as many again between switch tiers */
        e->fabric_bytes = 2 * (e->gpus + e->nodes) * LINK_BYTES;
    }
    e->total_bytes = BASE_BYTES + e->node_bytes + e->job_bytes + e->fabric_bytes;
    return 0;
}

int aidc_limits_ceiling(double *bytes, const char **source, char *err, size_t errlen)
{
    const char *v = getenv("AIDCSIM_MAX_MEMORY_GB");
    if (v && *v) {
        char *end;
        errno = 0;
        double gb = strtod(v, &end);
        if (end == v || *end != '\0' || errno || !isfinite(gb) || !(gb > 0)) {
            snprintf(err, errlen,
                     "AIDCSIM_MAX_MEMORY_GB: expected a number of gigabytes > 0, found \"%s\"", v);
            return -1;
        }
        *bytes = gb * 1e9;
        *source = "AIDCSIM_MAX_MEMORY_GB";
        return 0;
    }
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    *bytes = pages > 0 && page > 0 ? (double)pages * (double)page : INFINITY;
    *source = "physical memory";
    return 0;
}

int aidc_limits_check(const aidc_scenario *s, char *err, size_t errlen)
{
    aidc_mem_estimate e;
    double ceiling;
    const char *source;
    if (aidc_limits_ceiling(&ceiling, &source, err, errlen) || aidc_limits_estimate(s, &e, err, errlen))
        return -1;
    if (e.total_bytes <= ceiling) return 0;
    snprintf(err, errlen,
             "%s: the run would need about %.3g GB of memory, more than the %.3g GB limit (%s): "
             "%.4g nodes and %.4g GPUs %.3g GB, %.4g jobs %.3g GB, fabric %.3g GB; shrink "
             "cluster.nodes or the workload, or set AIDCSIM_MAX_MEMORY_GB",
             s->path, e.total_bytes / 1e9, ceiling / 1e9, source, e.nodes, e.gpus,
             e.node_bytes / 1e9, e.jobs, e.job_bytes / 1e9, e.fabric_bytes / 1e9);
    return -1;
}
