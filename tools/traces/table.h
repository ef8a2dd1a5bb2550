/* table — reads the CSV tables of foreign traces, record by record, with the line each
 * record starts on, and gives the importers typed fields with messages that name the file,
 * the line, the column and the value.
 *
 * libcsv does the quoting; the file is fed one physical line at a time (as models/trace.c
 * does), which is what lets a message name a line. Columns are found by name in a header
 * row, in any order; columns the importer does not know are listed in the report's
 * ignored_columns rather than refused, because published traces gain columns between
 * releases. Tables published without a header (PAI) are read by position, and may still
 * start with one (detected by the first column's name). Blank lines are skipped; so are lines
 * starting with '#' when asked (native traces). Units: none (fields are text). */
#ifndef AIDC_TOOLS_TRACES_TABLE_H
#define AIDC_TOOLS_TRACES_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/traces/common.h"

typedef struct aidc_tr_col {
    const char *name;
    bool required; /* the header must name it (tables with a header) */
} aidc_tr_col;

typedef enum aidc_tr_header {
    AIDC_TR_HEADER,       /* the first record names the columns */
    AIDC_TR_HEADER_MAYBE, /* by position, unless the first field of the first record is
                             the first column's name: then that record is a header */
    AIDC_TR_NO_HEADER,    /* by position */
} aidc_tr_header;

typedef struct aidc_tr_row {
    const char *path;
    uint32_t line; /* where the record starts */
    const aidc_tr_col *cols;
    const char *const *f; /* f[i]: field of cols[i] (NUL-terminated); NULL when absent */
} aidc_tr_row;

/* Called once per data record; returns 0 to go on, -1 to stop (message already in c->err). */
typedef int (*aidc_tr_row_fn)(aidc_tr_conv *c, void *ctx, const aidc_tr_row *row);

/* Reads path, calling fn for each data record. Counts records in c->rep.records when
 * count_records. Returns 0, or -1 with "PATH:LINE: message" / "PATH: message" in c->err
 * (cannot open, directory, empty file, no header, missing required column, duplicate column,
 * wrong number of fields, bad quoting, NUL byte, or fn's own error). */
int aidc_tr_table_read(aidc_tr_conv *c, const char *path, const aidc_tr_col *cols, size_t ncols,
                       aidc_tr_header mode, bool hash_comments, bool count_records,
                       aidc_tr_row_fn fn, void *ctx);

/* True when column i is absent from the file or its field is empty. */
bool aidc_tr_empty(const aidc_tr_row *r, size_t i);

/* Typed fields. Each returns 0 with *out set, or -1 with "PATH:LINE: column "name": expected
 * ..., found "value"" in c->err; an empty or absent field is an error here (test with
 * aidc_tr_empty first when the column is optional). */
int aidc_tr_get_int(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, int64_t lo, int64_t hi,
                    int64_t *out);
int aidc_tr_get_num(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, double lo, double hi,
                    double *out);
/* Decimal seconds, exact to the nanosecond; negative values are an error unless allow_neg. */
int aidc_tr_get_seconds(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, bool allow_neg,
                        int64_t *ns);
/* A date-time (aidc_tr_parse_datetime); sets c->datetime_clock / c->utc_clock. */
int aidc_tr_get_datetime(aidc_tr_conv *c, const aidc_tr_row *r, size_t i, int64_t *ns);

#endif
