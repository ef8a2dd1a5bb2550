/* pai — Alibaba PAI 2020 GPU cluster trace (clusterdata cluster-trace-gpu-v2020; Weng et al.,
 * "MLaaS in the Wild", NSDI'22). The tables are published without header rows (the column
 * names are in separate *.header files); a header row, if present, is recognized and checked.
 *
 * Input: a directory holding pai_job_table.csv (job_name, inst_id, user, status, start_time,
 * end_time), pai_task_table.csv (job_name, task_name, inst_num, status, start_time, end_time,
 * plan_cpu, plan_mem, plan_gpu, gpu_type) and, optionally, pai_instance_table.csv (job_name,
 * task_name, inst_name, worker_name, inst_id, status, start_time, end_time, machine).
 *
 * One native job per job row, in the job table's order: submit = the job's start_time (its
 * submission); start = the earliest task start_time, end = the latest task end_time
 * (duration = end - start, x_wait_s = start - submit); summed over tasks and their
 * inst_num instances: gpus = ceil(plan_gpu / 100) per instance (plan_gpu is a percentage of
 * one GPU), x_gpu_milli = 10 x total plan_gpu / gpus, rounded (the average share of each
 * GPU held), cpus = plan_cpu / 100 rounded up (exact in x_cpu_milli), mem_gib = plan_mem
 * (the trace's GB taken as GiB); the tasks' gpu_type (the type they ran on) -> gpu_type when
 * one, all of them in x_gpu_spec; user -> tenant; status -> x_status; the task names ->
 * x_type ("ps|worker"); with the instance table, the distinct machines -> x_nodes. Empty
 * plan_* fields count as 0. Jobs without tasks, without GPUs, never started, or still running
 * are dropped and counted; task and instance rows of unknown jobs are counted as notes.
 *
 * pai_machine_spec.csv (machine, gpu_type, cap_cpu, cap_mem, cap_gpu) becomes cluster pools;
 * cap_mem is in GB, taken as GiB. */
#ifndef AIDC_TOOLS_TRACES_PAI_H
#define AIDC_TOOLS_TRACES_PAI_H

#include "tools/traces/common.h"

/* dir: the directory with the tables. */
int aidc_tr_pai(aidc_tr_conv *c, const char *dir);
int aidc_tr_pai_machines(aidc_tr_conv *c, const char *path);

#endif
