/* fuzz_common — shared by the libFuzzer harnesses in tests/fuzz/.
 *
 * The loaders read files by path, so each input is written to one temporary file per process
 * (the name keeps the extension the loader may look at) and the loader is called on it. A
 * harness checks the loader's contract as well as memory safety: on failure the message must be
 * non-empty and name the file. Built by `make fuzz` with clang -fsanitize=fuzzer,address,undefined. */
#ifndef AIDC_TESTS_FUZZ_COMMON_H
#define AIDC_TESTS_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Writes data to /tmp/aidc-fuzz-PID.EXT (the same file on every call); returns its path. */
static inline const char *fuzz_file(const uint8_t *data, size_t size, const char *ext)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/aidc-fuzz-%ld.%s", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
             (long)getpid(), ext);
    FILE *f = fopen(path, "wb");
    if (!f) abort();
    if (size && fwrite(data, 1, size, f) != size) abort();
    if (fclose(f) != 0) abort();
    return path;
}

/* A failed load must say why, naming the file. */
static inline void fuzz_check_message(int rc, const char *err, const char *path)
{
    if (rc == 0) return;
    if (!err[0] || !strstr(err, path)) {
        fprintf(stderr, "loader failed without naming %s: \"%s\"\n", path, err);
        abort();
    }
}

#endif
