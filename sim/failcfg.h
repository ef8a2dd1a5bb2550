/* failcfg — the scenario's "failures" section read into an aidc_failures_cfg
 * (models/failures.h): per-class rates ("rate_per_hour" or "mtbf") and repair
 * distributions, the restart cost and the checkpoint policy, over the
 * Llama-3-calibrated defaults. Every value is unit-checked; a bad one fails
 * with its key path ("failures.gpu.repair.sigma") for exit status 2.
 * Units: durations as strings ("2h", "54d"), rates per component per hour. */
#ifndef AIDC_SIM_FAILCFG_H
#define AIDC_SIM_FAILCFG_H

#include <cjson/cJSON.h>

#include "models/failures.h"
#include "sim/jread.h"

/* Most failures a run may draw (each is an event and maybe a repair). */
#define AIDC_FAILCFG_MAX_FAILURES 1e8

/* Reads root's "failures" member into c (defaults first; c->enabled set when
 * the member is present) for a cluster of nodes nodes with gpus GPUs in all and a run of
 * horizon_ns (-1: none), refusing rates that would draw more than
 * AIDC_FAILCFG_MAX_FAILURES over the horizon. Returns 0, or -1 with the
 * message in r->err. */
int aidc_failcfg_read(const aidc_jread *r, const cJSON *root, int64_t nodes, int64_t gpus,
                      int64_t horizon_ns, aidc_failures_cfg *c);

#endif
