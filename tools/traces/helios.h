/* helios — SenseTime Helios traces (github.com/S-Lab-System-Group/HeliosData; Hu et al.,
 * "Characterization and Prediction of Deep Learning Workloads in Large-Scale GPU
 * Datacenters", SC'21): one cluster_log.csv per cluster, columns job_id, user, vc, gpu_num,
 * cpu_num, node_num, state, submit_time, start_time, end_time, duration, queue, times as
 * "YYYY-MM-DD HH:MM:SS" wall-clock strings (no zone), duration and queue in seconds.
 *
 * Mapping: job_id -> id, vc -> tenant, user -> x_user, gpu_num -> gpus, cpu_num -> cpus,
 * node_num -> x_nodes, state -> x_status; submit = submit_time, duration = end_time -
 * start_time, x_wait_s = start_time - submit_time. The duration and queue columns are checked
 * against those differences (notes duration_mismatch, queue_mismatch when they differ by more
 * than a second; the differences win). CPU-only jobs (gpu_num 0) and jobs that never started
 * or have no end are dropped and counted. */
#ifndef AIDC_TOOLS_TRACES_HELIOS_H
#define AIDC_TOOLS_TRACES_HELIOS_H

#include "tools/traces/common.h"

int aidc_tr_helios(aidc_tr_conv *c, const char *path);

/* Shared with acme: where the columns both formats have sit in a row's spec (-1: none). */
typedef struct aidc_tr_hcols {
    int id, user, vc, gpus, cpus, nodes, state, submit, start, end, duration, queue;
} aidc_tr_hcols;

struct aidc_tr_row;
/* Fills *j from a row (jobs of either format). Returns 1 when the job is usable, 0 when it
 * was dropped and counted, -1 on an input error (message in c->err). */
int aidc_tr_helios_job(aidc_tr_conv *c, const struct aidc_tr_row *r, const aidc_tr_hcols *k,
                       aidc_tr_job *j);

#endif
