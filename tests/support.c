/* support — shared test plumbing; see support.h. */
#include "tests/support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int test_temp_file(const char *text, char *path)
{
    strcpy(path, "/tmp/aidc_test_XXXXXX");
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}

int test_sim_from_json(const char *json, aidc_scenario *sc, aidc_sim *sim)
{
    char path[TEST_TEMP_PATH_LEN];
    if (test_temp_file(json, path)) return -1;
    char err[2048];
    int rc = aidc_scenario_load(sc, path, NULL, -1, err, sizeof err);
    unlink(path);
    if (rc == 0 && aidc_sim_init(sim, sc, NULL, err, sizeof err) != 0) {
        aidc_scenario_fini(sc);
        rc = -1;
    }
    if (rc) fprintf(stderr, "%s\n", err);
    return rc;
}

double test_erlang_c_wait(int c, double rho, double mu)
{
    double a = rho * c, term = 1, sum = 1; /* sum_{k<c} a^k/k!, computed stably */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double last = term * a / c / (1 - rho); /* a^c/c! * 1/(1-rho) */
    double pc = last / (sum + last);
    return pc / (c * mu - rho * c * mu);
}
