/* stats — `aidcsim trace stats`: what a trace holds, before anyone simulates it.
 *
 * For job traces: job count, GPU-hours (requested GPUs x duration; also at the x_gpu_milli
 * shares when the trace has them), a histogram of GPUs per job in power-of-two bins, and
 * duration and queue-wait (x_wait_s, when present) quantiles, for the whole trace and per
 * tenant (Helios and Philly VCs, PAI users, ...), tenants ordered by GPU-hours. For request
 * streams (tools/traces/azure.h): request count, span, mean and peak-minute rate, and prompt
 * and output token quantiles. Quantiles interpolate linearly between order statistics (as
 * summary.json does). Native traces are read by models/trace (so they are validated exactly
 * as a run would read them) and once more for their x_ columns.
 * Units: seconds for times, hours for GPU-hours, tokens. */
#ifndef AIDC_TOOLS_TRACES_STATS_H
#define AIDC_TOOLS_TRACES_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/traces/cmd.h"
#include "tools/traces/common.h"

/* Bin b holds jobs with 2^(b-1) < gpus <= 2^b (bin 0: one GPU); the last bin is open. */
#define AIDC_TR_HIST_BINS 21

typedef struct aidc_tr_dist {
    size_t n;
    double mean, p50, p90, p99, max;
} aidc_tr_dist;

typedef struct aidc_tr_summary {
    size_t jobs;
    double gpu_hours;
    double share_gpu_hours; /* over jobs with x_gpu_milli: gpus x milli/1000 x duration */
    size_t share_jobs;      /* jobs with x_gpu_milli */
    size_t hist[AIDC_TR_HIST_BINS];
    double gpus_mean;
    aidc_tr_dist duration_s, wait_s;
    double span_s; /* last submit - first submit */
} aidc_tr_summary;

typedef struct aidc_tr_stats {
    aidc_tr_summary all;
    size_t n_tenants;
    char **tenant;        /* owned; sorted by GPU-hours (largest first), then name */
    aidc_tr_summary *per; /* per[i] belongs to tenant[i] */
} aidc_tr_stats;

/* One job as stats sees it; absent wait / share are -1. */
typedef struct aidc_tr_sjob {
    int64_t submit_ns, duration_ns, wait_ns;
    int32_t gpus, gpu_milli;
    uint32_t tenant; /* index into the names passed along */
} aidc_tr_sjob;

typedef struct aidc_tr_req_stats {
    size_t n;
    double span_s, rate_per_s, peak_minute_per_s; /* peak: most arrivals in a 60 s window from
                                                     the start, as a rate */
    double prompt_total, output_total;
    aidc_tr_dist prompt, output;
} aidc_tr_req_stats;

/* Summarizes n jobs whose tenants index names[0 .. n_names-1]. 0, or -1 when out of
 * memory. Pair with aidc_tr_stats_fini. */
int aidc_tr_stats_compute(const aidc_tr_sjob *jobs, size_t n, const char *const *names,
                          size_t n_names, aidc_tr_stats *out);
void aidc_tr_stats_fini(aidc_tr_stats *s);

/* From a conversion's jobs (a foreign trace read in memory). */
int aidc_tr_stats_from_conv(const aidc_tr_conv *c, aidc_tr_stats *out);
/* From a native trace file. 0, or -1 with "PATH:LINE: ..." in err. */
int aidc_tr_stats_load_native(const char *path, aidc_tr_stats *out, char *err, size_t errlen);
/* From requests (a conversion's, or a request stream file read by aidc_tr_stats_file). */
int aidc_tr_req_stats_compute(const aidc_tr_request *r, size_t n, aidc_tr_req_stats *out);

void aidc_tr_stats_print(const aidc_tr_stats *s, const char *title, size_t max_tenants, FILE *f);
void aidc_tr_req_stats_print(const aidc_tr_req_stats *s, const char *title, FILE *f);

/* The command: reads path (native trace or request stream, told apart by the header; or, with
 * from, a foreign trace) and prints its summary to out. 0, or -1 with a message in err. */
int aidc_tr_stats_file(const char *path, const aidc_tr_format *from, const aidc_tr_options *opt,
                       size_t max_tenants, FILE *out, char *err, size_t errlen);

#endif
