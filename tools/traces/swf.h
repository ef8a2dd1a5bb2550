/* swf — the Standard Workload Format of the Parallel Workloads Archive (Feitelson et al.,
 * https://www.cs.huji.ac.il/labs/parallel/workload/swf.html): one job per line, 18
 * whitespace-separated numeric fields, -1 for "not recorded", header comments starting
 * with ';'.
 *
 * Mapping: job number -> id; submit time (field 2) -> submit, counted from the header's
 * "UnixStartTime" when present (so the report can name the origin as a UTC date); run time
 * (4) -> duration; allocated processors (5, else requested processors 8, note
 * procs_from_request) / procs_per_gpu, rounded up -> gpus; requested time (9) ->
 * estimate_s; wait time (3) -> x_wait_s; status (11) -> x_status as a word (completed,
 * failed, cancelled, partial, partial_last_completed, partial_last_failed); group (13) ->
 * tenant "g<N>"; user (12) -> x_user "u<N>"; kind batch. A job split into partial
 * executions (status 2, 3, 4) has one line per part with the same number: the parts become
 * "N.1", "N.2" ... (note partial_execution). Jobs without a run time or a processor count
 * are dropped and counted. Fields 6, 7, 10, 14-18 are not carried. */
#ifndef AIDC_TOOLS_TRACES_SWF_H
#define AIDC_TOOLS_TRACES_SWF_H

#include "tools/traces/common.h"

int aidc_tr_swf(aidc_tr_conv *c, const char *path);

#endif
