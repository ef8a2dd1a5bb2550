/* limits — refuse a scenario whose run would not fit in memory, before allocating it.
 *
 * A scenario of 10^7 nodes or 10^8 jobs passes every per-key range check yet would be killed by
 * the OOM killer half-way through a run, after minutes of work and with no message. This module
 * estimates the run's peak memory from the scenario's sizes alone (nodes, GPUs, jobs, fabric)
 * and compares it with a ceiling: the environment variable AIDCSIM_MAX_MEMORY_GB when set, else
 * the machine's physical memory (sysconf). The estimate is an upper-leaning sum of per-object
 * costs measured on this code (see limits.c); it errs high by design, since refusing a run that
 * would just have fitted costs a flag, while starting one that cannot costs the machine.
 *
 * Job counts: a synthetic workload's "jobs", or (until a horizon) its arrival rate times the
 * horizon; a trace's line count (counted, not parsed). Timeseries rows are streamed to disk and
 * cost no memory; their count is capped where sample_interval is read. */
#ifndef AIDC_SIM_LIMITS_H
#define AIDC_SIM_LIMITS_H

#include <stddef.h>

#include "sim/scenario.h"

typedef struct aidc_mem_estimate {
    double nodes, gpus, jobs; /* the sizes the estimate was computed from */
    double node_bytes, job_bytes, fabric_bytes, total_bytes;
} aidc_mem_estimate;

/* Fills *e for scenario s (which has passed validation). Returns 0, or -1 with a message when a
 * file it must count (the trace) cannot be read. */
int aidc_limits_estimate(const aidc_scenario *s, aidc_mem_estimate *e, char *err, size_t errlen);

/* The ceiling in bytes: AIDCSIM_MAX_MEMORY_GB (a number > 0), else physical memory. Returns 0,
 * or -1 with a message naming the variable when it is set to something else. *source says which
 * ("AIDCSIM_MAX_MEMORY_GB" or "physical memory"). */
int aidc_limits_ceiling(double *bytes, const char **source, char *err, size_t errlen);

/* Estimate and ceiling together: 0 when the run fits, else -1 with a message naming the scenario
 * file, the estimate and its main terms, and the ceiling. */
int aidc_limits_check(const aidc_scenario *s, char *err, size_t errlen);

#endif
