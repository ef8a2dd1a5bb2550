/* support — shared test plumbing: build a simulation from scenario text. */
#ifndef AIDC_TESTS_SUPPORT_H
#define AIDC_TESTS_SUPPORT_H

#include "sim/scenario.h"
#include "sim/sim.h"

#define TEST_TEMP_PATH_LEN 32

/* Writes text to a new file under /tmp and puts its path in path (at least
 * TEST_TEMP_PATH_LEN bytes). Returns 0, or -1 when it cannot. The caller
 * unlinks it. */
int test_temp_file(const char *text, char *path);

/* Writes json to a temporary file, loads it as a scenario (relative paths
 * resolve against /tmp) and initializes sim from it. Returns 0, or -1 after
 * printing the loader's message to stderr. On success the caller finis both. */
int test_sim_from_json(const char *json, aidc_scenario *sc, aidc_sim *sim);

/* Mean wait in an M/M/c queue (Erlang C): c servers, load rho = lambda/(c mu)
 * < 1, service rate mu; the result is in the units of 1/mu. */
double test_erlang_c_wait(int c, double rho, double mu);

#endif
