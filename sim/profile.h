/* profile — where a run's wall time goes, from clock_gettime counters the
 * engine switches as it enters and leaves the parts of a run: the engine
 * itself (event queue, dispatch, job bookkeeping), the policy (schedule and
 * notification calls, with the host services they use), power (power chain,
 * budgets and caps, cooling against the weather, grid metering), the fabric
 * (speed recomputation on starts and ends), sampling (timeseries and
 * racks rows), and failures (failures, repairs, inference services' steps). Setup and the output
 * files are timed as phases around the run.
 *
 * Time is exclusive: a category's clock runs only while it is the innermost
 * one entered, so a policy call that starts a job charges the start's power
 * and fabric work to power and fabric, not to the policy. Switching costs two
 * clock reads (about 40 ns); a run without --profile has no profile and pays
 * one NULL test per switch point. Profiles go to stderr only: they are wall
 * clock figures and never enter the deterministic outputs.
 * Units: nanoseconds (CLOCK_MONOTONIC). */
#ifndef AIDC_SIM_PROFILE_H
#define AIDC_SIM_PROFILE_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

typedef enum {
    AIDC_PROF_ENGINE = 0,
    AIDC_PROF_POLICY,
    AIDC_PROF_POWER,
    AIDC_PROF_FABRIC,
    AIDC_PROF_SAMPLING,
    AIDC_PROF_FAILURES, /* failures, repairs and inference services' steps */
    AIDC_PROF_N
} aidc_prof_cat;

typedef struct aidc_profile {
    int cur;                             /* the innermost category entered */
    int64_t last_ns;                     /* when cur's clock last started */
    int64_t ns[AIDC_PROF_N];             /* exclusive time per category */
    uint64_t entries[AIDC_PROF_N];       /* how often each was entered */
    uint64_t schedule_calls;             /* policy schedule() calls */
    int64_t setup_ns, run_ns, output_ns; /* phases, set by the runner */
} aidc_profile;

static inline int64_t aidc_profile_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Zeroes p; the engine's clock starts at the next aidc_profile_start. */
void aidc_profile_init(aidc_profile *p);

/* Starts (or restarts, after a pause) the clock in the engine category. */
void aidc_profile_start(aidc_profile *p);

/* Charges the time so far to the current category; the clock stops. */
void aidc_profile_stop(aidc_profile *p);

/* Enters category cat; returns the category to give back to _leave. */
static inline int aidc_profile_enter(aidc_profile *p, int cat)
{
    int prev = p->cur;
    if (cat == prev) return prev;
    int64_t t = aidc_profile_now_ns();
    p->ns[prev] += t - p->last_ns;
    p->last_ns = t;
    p->cur = cat;
    p->entries[cat]++;
    return prev;
}

/* Leaves the category entered last, back to prev. */
static inline void aidc_profile_leave(aidc_profile *p, int prev)
{
    if (prev == p->cur) return;
    int64_t t = aidc_profile_now_ns();
    p->ns[p->cur] += t - p->last_ns;
    p->last_ns = t;
    p->cur = prev;
}

/* The engine / policy / models split of the run and output time, in
 * seconds; models = power + fabric + sampling + failures + writing the
 * outputs. */
void aidc_profile_split(const aidc_profile *p, double *engine_s, double *policy_s,
                        double *models_s);

/* Prints the table and one machine-readable "profile:" line to f. */
void aidc_profile_print(const aidc_profile *p, FILE *f, const char *name, uint64_t events);

#endif
