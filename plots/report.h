/* report — the charts and the HTML report of an output directory.
 *
 * Everything here is computed from the files a run wrote (plots/results.h),
 * never from the simulator's memory: `aidcsim run` calls aidc_report_write on
 * its temporary directory right after the data files are complete, and
 * `aidcsim report DIR` calls the same function later on a finished directory,
 * so both give the same bytes.
 *
 * charts/ holds NAME.svg and NAME.png for every chart that has data (and
 * NAME.pdf on request): GPU utilization and queue, power by part with the
 * caps and the interconnect limit, PUE and outdoor temperature, price and
 * carbon, the wait and JCT CDFs, per-tenant GPU-hours and waits, the cost
 * breakdown, and rack power (racks x time, from racks.csv). A chart whose
 * data are absent (no cooling, flat price, no racks.csv) is left out and the
 * report says so.
 *
 * report.html is one file that opens offline: inline CSS, the charts as
 * inline SVG, no script, no external fonts or images; it shows the
 * scenario's key inputs, a summary table, every chart with a caption
 * computed from the data, the warnings of summary.json, and relative links to
 * the data files and chart files. The same input gives the same bytes (no
 * dates, no absolute paths).
 *
 * Writing is all or nothing: charts go to a temporary directory that replaces
 * charts/ when complete, and report.html is renamed into place last. */
#ifndef AIDC_PLOTS_REPORT_H
#define AIDC_PLOTS_REPORT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aidc_report_opts {
    bool pdf;    /* also write charts/NAME.pdf */
    bool no_png; /* skip charts/NAME.png (the report itself needs only the SVG) */
} aidc_report_opts;

/* Reads dir's results and writes dir/charts/ and dir/report.html. opts may
 * be NULL for the defaults. Returns 0, or -1 with a message naming the file
 * at fault (bad or missing results, or a write that failed); on failure the
 * previous charts/ and report.html, if any, are left as they were.
 * *n_charts (may be NULL) receives the number of charts drawn. */
int aidc_report_write(const char *dir, const aidc_report_opts *opts, size_t *n_charts, char *err,
                      size_t errlen);

/* `aidcsim report DIR [--pdf] [--quiet]`: argv holds the arguments after
 * "report". Returns the exit status (0, or 2 for bad input or usage). */
int aidc_cmd_report(int argc, char **argv);

/* The usage text of `aidcsim report`. */
extern const char aidc_report_usage[];

#endif
