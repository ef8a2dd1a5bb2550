/* fuzz_scenario — libFuzzer harness for scenario JSON loading (sim/scenario.h): the parse, every
 * section's reader, the memory estimate and the files a scenario names (relative to /tmp). */
#include "sim/scenario.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "json");
    aidc_scenario s;
    char err[4096] = "";
    int rc = aidc_scenario_load(&s, path, NULL, -1, err, sizeof err);
    fuzz_check_message(rc, err, path);
    if (rc == 0) aidc_scenario_fini(&s);
    return 0;
}
