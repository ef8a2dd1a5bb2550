/* acme — Shanghai AI Lab Acme traces (github.com/InternLM/AcmeTrace; Hu et al.,
 * "Characterization of Large Language Model Development in the Datacenter", NSDI'24):
 * trace_seren.csv (job_id, user, node_num, gpu_num, cpu_num, type, state, submit_time,
 * start_time, end_time, duration, queue, gpu_time) and trace_kalos.csv (the same plus
 * mem_per_pod_GB, shared_mem_per_pod, fail_time, stop_time). Times carry a UTC offset
 * ("2023-03-01 00:18:22+08:00") and are read as UTC.
 *
 * Mapping as Helios (helios.h), except: Acme has no virtual clusters, so tenant = user (no x_user);
 * mem_gib = mem_per_pod_GB x node_num (one pod per node; the trace's GB taken as GiB);
 * type -> x_type, and kind from it: Pretrain -> training, SFT -> finetune, Evaluation ->
 * batch (MLLM, Debug, Other: no kind, i.e. training). gpu_time, shared_mem_per_pod,
 * fail_time and stop_time are not carried (listed as "source columns not read"). */
#ifndef AIDC_TOOLS_TRACES_ACME_H
#define AIDC_TOOLS_TRACES_ACME_H

#include "tools/traces/common.h"

int aidc_tr_acme(aidc_tr_conv *c, const char *path);

#endif
