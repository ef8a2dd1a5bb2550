/* cmd — the `aidcsim trace` command: `trace convert --from FORMAT IN OUT` turns a published
 * trace into the native trace CSV (or a node list into cluster pools JSON, or an inference
 * trace into a request stream), `trace stats FILE` summarizes a trace, `trace formats` lists
 * the formats. The formats themselves live in one module each (openb, pai, philly, helios,
 * acme, swf, azure); this module parses arguments and picks one.
 * Exit status: 0 ok, 2 bad input or usage, 3 internal error (out of memory). */
#ifndef AIDC_TOOLS_TRACES_CMD_H
#define AIDC_TOOLS_TRACES_CMD_H

#include "tools/traces/common.h"

/* argv[0] is the subcommand ("convert", "stats", "formats"); argc counts from it. */
int aidc_cmd_trace(int argc, char **argv);

/* What a format's reader produces. */
typedef enum aidc_tr_output { AIDC_TR_JOBS, AIDC_TR_POOLS, AIDC_TR_REQUESTS } aidc_tr_output;

typedef struct aidc_tr_format {
    const char *name;
    aidc_tr_output output;
    int (*read)(aidc_tr_conv *c, const char *path);
    const char *summary;
} aidc_tr_format;

/* The format named `name`, or NULL. */
const aidc_tr_format *aidc_tr_format_find(const char *name);

/* Reads `in` in format f into c (initialized by the caller with f->name). 0 or -1. */
int aidc_tr_convert_read(const aidc_tr_format *f, aidc_tr_conv *c, const char *in);

#endif
