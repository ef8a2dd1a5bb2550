/* output — the output directory and the files in it.
 *
 * A run writes into a fresh temporary directory beside the target and renames
 * it into place only when every file is complete, so an interrupted or failed
 * run leaves either the previous complete directory or none, never a mix.
 * Replacing an existing directory is one renameat2(RENAME_EXCHANGE), so the
 * target is never missing even for an instant (two renames on file systems
 * without it). A run killed with SIGKILL leaves its temporary sibling
 * (DIR.tmp-PID, or DIR.old-PID in the fallback); the next run into the same
 * place removes those whose PID is no longer alive (tests/atomic.sh).
 * summary.json's keys are documented in the README ("summary.json"); its
 * "format" number changes when a key changes meaning. */
#ifndef AIDC_SIM_OUTPUT_H
#define AIDC_SIM_OUTPUT_H

#include <stddef.h>

#include "sim/sim.h"

#define AIDC_SUMMARY_FORMAT 1

/* Creates an empty temporary directory for final_dir; writes its path into
 * tmp (n bytes). Returns 0, or -1 with a message. */
int aidc_outdir_begin(const char *final_dir, char *tmp, size_t n, char *err, size_t errlen);

/* Replaces final_dir by tmp (the old one, if any, is removed). */
int aidc_outdir_commit(const char *tmp, const char *final_dir, char *err, size_t errlen);

/* Removes tmp and everything in it. */
void aidc_outdir_abort(const char *tmp);

/* Writes jobs.csv and summary.json for a finished run into dir. */
int aidc_output_write(const aidc_sim *s, const char *dir, char *err, size_t errlen);

/* Prints the short human summary of a finished run. */
void aidc_output_print_summary(const aidc_sim *s, FILE *f);

#endif
