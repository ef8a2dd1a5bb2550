/* openb — Alibaba's GPU-sharing cluster trace "openb" (clusterdata cluster-trace-gpu-v2023;
 * Weng et al., "Beware of Fragmentation", USENIX ATC'23): pod lists and node lists.
 *
 * A pod becomes one native job: num_gpu -> gpus, gpu_milli -> x_gpu_milli (the share of each
 * GPU; below 1000 only for one-GPU pods), cpu_milli -> cpus rounded up to whole cores (the
 * exact figure stays in x_cpu_milli), memory_mib -> mem_gib, a one-model gpu_spec ->
 * gpu_type (the whole spec, alternatives included, in x_gpu_spec), qos -> x_qos, pod_phase
 * -> x_status. Times are seconds from the trace start: submit = creation_time, duration =
 * deletion_time - scheduled_time, x_wait_s = scheduled_time - creation_time. A pod never
 * scheduled (pending when deleted) keeps its lifetime, deletion - creation, as duration and
 * is counted (note never_scheduled): these lists are meant to be replayed whole. CPU-only pods
 * are dropped and counted (no_gpu). Lists without time columns (the multigpu* variants) give
 * submit 0 and duration 0 in list order (note untimed), for placement-only studies.
 *
 * A node list becomes cluster pools (common.h): nodes grouped by (model, gpu, cpu, memory),
 * CPUs rounded down to whole cores (note node_cpus_rounded_down). */
#ifndef AIDC_TOOLS_TRACES_OPENB_H
#define AIDC_TOOLS_TRACES_OPENB_H

#include "tools/traces/common.h"

/* Read the file at path into c (jobs / node shapes). 0, or -1 with "PATH:LINE: ..." */
int aidc_tr_openb_pods(aidc_tr_conv *c, const char *path);
int aidc_tr_openb_nodes(aidc_tr_conv *c, const char *path);

#endif
