/* fuzz_import — libFuzzer harness for every file-based trace importer (tools/traces/): the first
 * input byte picks the format (openb, openb-nodes, pai-machines, philly, philly-machines,
 * helios, acme, swf, azure-llm; "pai" reads a directory and is left out), the rest is the file. */
#include "tools/traces/cmd.h"
#include "tests/fuzz/fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const names[] = {"openb", "openb-nodes", "pai-machines", "philly",
                                    "philly-machines", "helios", "acme", "swf", "azure-llm"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const char *name = names[data[0] % (sizeof names / sizeof names[0])];
    const aidc_tr_format *f = aidc_tr_format_find(name);
    if (!f) abort();
    const char *path = fuzz_file(data + 1, size - 1, strcmp(name, "philly") == 0 ? "json" : "csv");
    char err[4096] = "";
    aidc_tr_conv c;
    aidc_tr_conv_init(&c, f->name, path, NULL, err, sizeof err);
    int rc = aidc_tr_convert_read(f, &c, path);
    if (rc != 0 && !err[0]) {
        fprintf(stderr, "importer %s failed without a message\n", name);
        abort();
    }
    aidc_tr_conv_fini(&c);
    return 0;
}
