/* fuzz_weather — libFuzzer harness for the weather reader (models/weather.h): the first input
 * byte picks the format (odd: EPW, even: CSV, by the file's extension), the rest is the file. */
#include "models/weather.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const char *path = fuzz_file(data + 1, size - 1, (data[0] & 1) ? "epw" : "csv");
    aidc_weather w;
    memset(&w, 0, sizeof w);
    char err[4096] = "";
    int rc = aidc_weather_read(path, &w, err, sizeof err);
    fuzz_check_message(rc, err, path);
    aidc_weather_fini(&w);
    return 0;
}
