/* place — the placement-only mode for fragmentation studies (`aidcsim place`).
 *
 * Jobs arrive one after another onto an empty cluster, are placed by a placement
 * strategy (sched/placement.h: first-fit, best-fit, fgd) and never leave; a job that
 * does not fit is counted as failed and the next one arrives. Time plays no part:
 * only the order. The measure is the GPU allocation ratio (GPU capacity allocated,
 * in thousandths, over the cluster's total) as a function of the demand that has
 * arrived (sum of the jobs' requests, gpus x gpu_milli, as a share of capacity),
 * the way Weng et al. (USENIX ATC 2023) compare schedulers on the Alibaba openb
 * trace.
 *
 * Arrival order: the trace's order, or a shuffle of it drawn from the seed
 * (stream "place.order"); with `until` X, once the trace is used up further jobs are
 * drawn from it uniformly with replacement (stream "place.resample") until the arrived
 * demand reaches X times the capacity. Every strategy sees the same sequence. With
 * repeats R > 1 the whole study runs for seeds seed .. seed+R-1 and the curves are
 * averaged point by point. fgd's request model is the trace's own distribution of
 * (gpus, gpu_milli, GPU type) classes, every trace job counted once.
 *
 * Outputs (written to a temporary directory and renamed, as `run`):
 *   allocation.csv  arrived_pct, then one column per strategy: the allocation ratio in
 *                   % when arrived demand first reached arrived_pct (1% steps)
 *   summary.json    per strategy: the ratio at 100% and 130% arrived demand (null when
 *                   not reached), at the end, jobs arrived, placed and failed
 *   charts/allocation.svg, .png  the curves
 * Units: GPU capacity in thousandths of a GPU; percentages of cluster capacity. */
#ifndef AIDC_SIM_PLACE_H
#define AIDC_SIM_PLACE_H

/* `aidcsim place SCENARIO [options]`: returns the exit status (0, 2 bad input or
 * usage, 3 internal error). */
int aidc_cmd_place(int argc, char **argv);

extern const char aidc_place_usage[];

#endif
