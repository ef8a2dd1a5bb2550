/* runner — one scenario run from file to complete output directory: load,
 * simulate, write into a temporary directory, rename into place. Used by
 * `aidcsim run` and by anything that runs many scenarios (sweeps, compare). */
#ifndef AIDC_SIM_RUNNER_H
#define AIDC_SIM_RUNNER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct aidc_run_request {
    const char *scenario;          /* path to the scenario JSON */
    const char *const *overrides;  /* NULL-terminated "key.path=value", may be NULL */
    int64_t seed;                  /* -1: the scenario's own */
    const char *out_dir;           /* NULL: out/NAME */
    FILE *summary;                 /* where to print the short summary; NULL: nowhere */
    bool progress;                 /* a progress bar on stderr while it runs (terminals only) */
    bool profile;                  /* print where the wall time went to stderr (sim/profile.h) */
} aidc_run_request;

/* The override "policy=..." for a policy named on a command line: a
 * built-in's name becomes {"name": NAME} (so --set policy.params.KEY=... can
 * add to it); a plugin (the argument holds '/' or ends in .so) becomes
 * {"plugin": ABSOLUTE-PATH}, since a scenario resolves relative paths
 * against its own directory. A plugin path that cannot be resolved is kept
 * as given (the loader then reports it) and *unresolved is set. Returns a
 * malloc'd string, or NULL when out of memory. */
char *aidc_policy_override(const char *policy, bool *unresolved);

/* Runs the request. Returns an exit status: 0 ok, 2 bad input, 3 internal
 * error; on failure err holds the message and no output directory changed.
 * out_dir_used (n bytes, may be NULL) receives the directory written. */
int aidc_run_scenario(const aidc_run_request *req, char *out_dir_used, size_t n, char *err,
                      size_t errlen);

#endif
