/* fuzz_tolerances — libFuzzer harness for the `aidcsim compare` tolerance file (sim/compare.h). */
#include "sim/compare.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_file(data, size, "json");
    aidc_cmp_metrics list;
    aidc_cmp_metrics_init(&list);
    char err[4096] = "";
    int rc = aidc_cmp_tolerances_load(path, &list, err, sizeof err);
    fuzz_check_message(rc, err, path);
    aidc_cmp_metrics_fini(&list);
    return 0;
}
