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

/* Reads root's "failures" member into c (defaults first; c->enabled set when
 * the member is present). Returns 0, or -1 with the message in r->err. */
int aidc_failcfg_read(const aidc_jread *r, const cJSON *root, aidc_failures_cfg *c);

#endif
