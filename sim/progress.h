/* progress — a one-line progress bar on stderr for long commands: done of
 * total (runs, or a share of simulated time), elapsed time and an ETA from
 * the rate so far. Drawn only when stderr is a terminal and the caller has
 * not asked for quiet, at most five times a second; nothing else is ever
 * written, so logs and pipes stay clean. */
#ifndef AIDC_SIM_PROGRESS_H
#define AIDC_SIM_PROGRESS_H

#include <stdbool.h>

typedef struct aidc_progress {
    bool on;
    const char *title;
    const char *unit; /* "runs": "12/27 runs"; NULL: a percentage */
    double done, total;
    double t0, last;
} aidc_progress;

/* Starts a bar (drawn only if enabled and stderr is a terminal). */
void aidc_progress_begin(aidc_progress *p, const char *title, const char *unit, double total,
                         bool enabled);

/* Sets how much is done and redraws (throttled unless force). */
void aidc_progress_update(aidc_progress *p, double done, bool force);

/* Erases the bar (a report can then be printed cleanly). */
void aidc_progress_clear(aidc_progress *p);

#endif
