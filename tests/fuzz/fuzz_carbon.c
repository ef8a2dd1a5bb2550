/* fuzz_carbon — libFuzzer harness for the hourly carbon-intensity CSV reader (models/grid.h). */
#include "models/grid.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "csv");
    aidc_series s;
    memset(&s, 0, sizeof s);
    char err[4096] = "";
    long rc = aidc_carbon_read(path, &s, err, sizeof err);
    fuzz_check_message(rc < 0 ? -1 : 0, err, path);
    aidc_series_fini(&s);
    return 0;
}
