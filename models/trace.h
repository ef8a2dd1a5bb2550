/* trace — reads a job trace in the native CSV format into a workload.
 *
 * The native format is what the converters in tools/ write and what users edit by hand, so
 * the reader is strict and talkative rather than forgiving: every row either becomes a job
 * exactly as written or stops the load with one message naming the file, the physical line,
 * the column and the value. Nothing is guessed, clamped or skipped silently. The trade-off
 * is that foreign traces (Philly, Helios, Alibaba ...) must go through a converter first.
 *
 * Format (RFC 4180 CSV, parsed by libcsv):
 *   - The first row is a header naming the columns, in any order. Required: id, submit_s,
 *     gpus, duration_s. Optional: cpus, mem_gib, gpu_type, tenant, priority, kind,
 *     estimate_s, deadline_s, gpu_milli, x_gpu_spec. Names starting with "x_" are extra
 *     columns (but for x_gpu_milli and x_gpu_spec, below): the converters
 *     (tools/traces) keep source fields there (x_wait_s, x_gpu_milli, x_status ...) for
 *     `trace stats` and for models that do not read them yet; this reader skips their
 *     values unchecked. Other unknown names and any duplicate name are errors.
 *   - Every row has exactly one field per header column. An empty optional field means
 *     "absent"; an empty required field is an error.
 *   - Lines that are empty (or hold only spaces and tabs) and lines whose first non-blank
 *     character is '#' are skipped, except inside a quoted field. LF and CRLF line endings
 *     both work; a lone CR ending a line is an error. A UTF-8 byte order mark is skipped.
 *     Spaces and tabs around unquoted fields are ignored.
 * Columns and their units:
 *   id          non-empty text, unique in the file
 *   submit_s    seconds since trace start, decimal (>= 0, <= 1e9)
 *   duration_s  run time at full speed in seconds (>= 0, <= 1e9; 0 is allowed: real traces
 *               hold zero-length jobs)
 *   gpus        integer 1 .. 1000000
 *   cpus        integer >= 0; absent = 0 (no CPU constraint)
 *   mem_gib     memory in GiB, decimal >= 0; absent = 0
 *   gpu_type    text; absent = any GPU (-1)
 *   tenant      text; absent = "default"
 *   priority    integer, may be negative, larger is more important; absent = 0
 *   kind        training | finetune (or fine-tuning) | inference | batch; absent = training
 *   estimate_s  the user's run-time estimate in seconds; absent = duration_s
 *   deadline_s  seconds since trace start; absent = none (-1)
 *   gpu_milli   thousandths of each GPU used, 1 .. 1000; below 1000 the job shares one GPU
 *               and needs gpus = 1; absent = 1000. The converters' x_gpu_milli is read as
 *               this column, leniently: it is a usage figure, so only a one-GPU job's value
 *               in 1..999 becomes a share and any other value means whole GPUs
 *   x_gpu_spec  GPU types any of which will do, '|'-separated ("V100M16|V100M32"); must
 *               include gpu_type when both are given; at most 64 GPU types per trace. Read
 *               only in a trace that has a gpu_type column: the converters' --any-gpu-type
 *               drops that column and so the constraint (x_gpu_spec stays as information)
 * Seconds become int64 nanoseconds exactly, from the decimal digits (no double in between),
 * rounded to the nearest nanosecond, half up. mem_gib is read with strtod, so the process
 * must be in the "C" locale (the default).
 * Units: times in int64 nanoseconds, memory in GiB. */
#ifndef AIDC_MODELS_TRACE_H
#define AIDC_MODELS_TRACE_H

#include <stddef.h>

#include "models/workload.h"

/* Reads the trace at `path` and appends its jobs to *w, which the caller has initialized
 * and keeps owning; then sorts all of w's jobs with aidc_workload_sort. Each job's
 * source_line is the line where its record starts; tenant and GPU-type names are added to
 * w's tables. Ids must be unique within the file (not checked against jobs already in w).
 * Returns 0, or -1 with a one-line message in err (at most errlen bytes, NUL-terminated
 * when errlen > 0): "PATH:LINE: message" for a bad row or header, "PATH: message" for
 * problems with the file as a whole (cannot open, is a directory, empty, no header row).
 * On failure w may hold part of the jobs; the caller still calls aidc_workload_fini.
 * A header with no rows after it is valid and adds no jobs. */
int aidc_trace_read(const char *path, aidc_workload *w, char *err, size_t errlen);

#endif
