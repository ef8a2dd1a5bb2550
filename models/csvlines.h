/* csvlines — feeds a CSV file to libcsv one physical line at a time, so every message can
 * name a line.
 *
 * libcsv does the quoting but knows nothing of lines. Fed one line at a time, the line being
 * fed is known whenever a callback fires, and a record starts on the line fed while the parser
 * was between records (row_line). The same knowledge skips blank lines, and '#' comment lines
 * when asked, without touching a '#' or an empty line inside a quoted field. The reader also
 * refuses what libcsv would pass silently: a NUL byte (with CSV_APPEND_NULL it would cut a
 * field short), invalid UTF-8 when asked, and a bare carriage return ending a record in the
 * middle of a line. A UTF-8 byte-order mark at the start is skipped.
 *
 * Used by the native trace reader (models/trace.c) and the foreign-trace tables
 * (tools/traces/table.c). */
#ifndef AIDC_MODELS_CSVLINES_H
#define AIDC_MODELS_CSVLINES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef struct aidc_csvlines {
    /* settings, before aidc_csvlines_read */
    bool hash_comments; /* a line starting with '#' between records is skipped */
    bool check_utf8;    /* a line that is not well-formed UTF-8 is an error */
    /* for the callbacks */
    uint32_t line;      /* physical line being fed, 1-based */
    uint32_t row_line;  /* line where the current record starts */
    bool failed;        /* set it from a callback to stop reading: the error is reported */
    uint64_t bytes;     /* bytes read; 0 after reading means the file is empty */
    /* private */
    unsigned row_ends;
    bool at_record_start;
    void (*on_field)(void *s, size_t len, void *data);
    void (*on_record)(int c, void *data);
    void *data;
} aidc_csvlines;

/* Reports an error of the file at a line (0: the file as a whole). */
typedef void aidc_csvlines_fail_fn(void *data, uint32_t line, const char *msg);

/* Reads all of f through libcsv (strict, fields NUL-terminated), calling on_field and
 * on_record with data as libcsv would, including the last record at the end of the file.
 * Returns 0, or -1 when a callback set cl->failed or the file itself is wrong; the latter is
 * reported through fail first. */
int aidc_csvlines_read(aidc_csvlines *cl, FILE *f, void (*on_field)(void *, size_t, void *),
                       void (*on_record)(int, void *), aidc_csvlines_fail_fn *fail, void *data);

#endif
