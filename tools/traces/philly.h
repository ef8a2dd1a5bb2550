/* philly — Microsoft Philly traces (github.com/msr-fiddle/philly-traces; Jeon et al.,
 * "Analysis of Large-Scale Multi-Tenant GPU Clusters for DNN Training Workloads", ATC'19).
 *
 * cluster_job_log is one JSON array of jobs: {"status", "vc", "jobid", "submitted_time",
 * "user", "attempts": [{"start_time", "end_time", "detail": [{"ip", "gpus": [...]}]}]}, times
 * as "YYYY-MM-DD HH:MM:SS" (no zone); a missing time is null or "None". The file is read
 * whole (cJSON), so it needs memory of a few times its size.
 *
 * One native job per job: id = jobid, tenant = vc, x_user = user, x_status = status,
 * x_attempts = number of attempts; gpus and x_nodes from the last attempt that lists GPUs
 * (GPUs over its "detail" entries, and the entries); submit = submitted_time; x_wait_s =
 * first attempt start - submit; duration = the sum of (end - start) over the attempts, i.e.
 * the time the job held GPUs, failed attempts included (the trace's attempts of one job do
 * not overlap). An attempt lacking a time is skipped and counted (note
 * attempt_without_times), except a last attempt without an end: the job was still running
 * when the trace was taken (dropped, no_end_time). Jobs without attempts or GPUs are dropped
 * and counted. Messages about a job name its line and key path ("[12].attempts[0]...").
 *
 * cluster_machine_list (CSV: machineId, number of GPUs, single GPU mem as "24GB") becomes
 * cluster pools; Philly does not name GPU models, so a pool's gpu is "GPU-<mem>GB" (add it to
 * the scenario's catalog with the figures of the GPU you assume). */
#ifndef AIDC_TOOLS_TRACES_PHILLY_H
#define AIDC_TOOLS_TRACES_PHILLY_H

#include "tools/traces/common.h"

int aidc_tr_philly(aidc_tr_conv *c, const char *path);
int aidc_tr_philly_machines(aidc_tr_conv *c, const char *path);

#endif
