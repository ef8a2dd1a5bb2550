/* fuzz_trace — libFuzzer harness for the native trace CSV reader (models/trace.h). */
#include "models/trace.h"
#include "models/workload.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "csv");
    aidc_workload w;
    aidc_workload_init(&w);
    char err[4096] = "";
    int rc = aidc_trace_read(path, &w, err, sizeof err);
    fuzz_check_message(rc, err, path);
    aidc_workload_fini(&w);
    return 0;
}
