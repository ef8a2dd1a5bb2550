/* batch — many scenario runs at once, on one machine or across Open MPI ranks.
 *
 * A pool runs batches of independent runs, each through aidc_run_scenario()
 * into its own output directory. Locally it forks one worker process per run,
 * at most `jobs` at a time: a run that crashes takes only its process down,
 * and its message comes back through a pipe. Under mpirun (built with MPI),
 * rank 0 hands out runs one at a time to whichever rank asks (dynamic load
 * balancing: a long run never holds up a queue behind it), runs one itself
 * on a second thread, and gathers each run's status, message and summary.json
 * text; the other ranks serve runs until rank 0 closes the pool. Who ran a
 * run never shows in its results, so local and MPI results are identical.
 *
 * Resuming: a run whose out_dir/summary.json exists is not run again; its
 * summary is read back. That test is sound because aidc_run_scenario renames
 * a directory into place only when every file in it is complete.
 * Trade-off: the pool keeps every summary text in memory (a few kB a run). */
#ifndef AIDC_SIM_BATCH_H
#define AIDC_SIM_BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct aidc_batch_run {
    /* inputs, owned by the caller, unchanged by the pool */
    const char *scenario;
    const char *const *overrides; /* NULL-terminated "key.path=value" */
    int64_t seed;                 /* -1: the scenario's own */
    const char *out_dir;          /* required */
    /* results, owned by the run: aidc_batch_run_clear frees them */
    int status;    /* 0 ok, 2 bad input, 3 internal error or crash; -1 not run yet */
    bool resumed;  /* summary.json existed: nothing ran */
    char *error;   /* the message when status > 0 */
    char *summary; /* summary.json text when status == 0 */
} aidc_batch_run;

typedef struct aidc_pool aidc_pool;

typedef struct aidc_pool_opts {
    int jobs;      /* local worker processes; <= 0: the number of online cores */
    bool progress; /* draw a progress bar on stderr (only when it is a terminal) */
} aidc_pool_opts;

/* Starts a pool. Under mpirun with more than one rank this initializes MPI:
 * rank 0 gets the pool (returns 0), every other rank serves runs until rank 0
 * calls aidc_pool_close and then returns 1 with *worker_exit set to the exit
 * status its process should end with. Locally it returns 0 with a pool.
 * Returns -1 with a message when it cannot start (for example under mpirun
 * in a build without MPI). The caller owns *pool (aidc_pool_close). */
int aidc_pool_open(aidc_pool **pool, const aidc_pool_opts *o, int *worker_exit, char *err,
                   size_t errlen);

/* Describes where runs go: "8 local processes" or "4 MPI ranks". */
const char *aidc_pool_describe(const aidc_pool *p);

/* Runs every run of runs[0..n) whose status is -1 and waits for all of them;
 * title labels the progress bar. Runs that fail are reported on stderr
 * (unless quiet) with their message; the others go on. Returns the number of
 * runs that failed in this call. */
size_t aidc_pool_run(aidc_pool *p, aidc_batch_run *runs, size_t n, const char *title, bool quiet);

/* Counts of the last aidc_pool_run: runs executed and runs resumed. */
void aidc_pool_counts(const aidc_pool *p, size_t *ran, size_t *resumed);

/* Stops the workers (MPI: the serving ranks return from aidc_pool_open),
 * finalizes MPI when it was started, and frees p. */
void aidc_pool_close(aidc_pool *p);

/* Frees a run's results and marks it not run. */
void aidc_batch_run_clear(aidc_batch_run *r);

#endif
