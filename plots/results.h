/* results — an output directory read back from its files: summary.json,
 * timeseries.csv, jobs.csv and (when present) racks.csv.
 *
 * plots/ never sees the simulator's structs; it reads what a run wrote. So
 * `aidcsim report` works on any output directory, also one copied from
 * another machine or written by an older version, and the report shows
 * exactly what the files say. The cost is parsing numbers back from text,
 * which is cheap next to drawing them.
 *
 * The reader is strict about what it uses and lenient about what it does not:
 * a missing file, a required column that is absent, or a field that is not a
 * number is an error naming the file, line and column; columns it does not
 * know are ignored (other writers may add some), and optional columns that
 * are missing only leave their charts out. Empty fields and "nan" read as NAN.
 * Units: as in the files (seconds, MW, kW, fractions). */
#ifndef AIDC_PLOTS_RESULTS_H
#define AIDC_PLOTS_RESULTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* A CSV file of numbers, column by column. */
typedef struct aidc_numtable {
    size_t rows, cols;
    char **names; /* cols names */
    double **col; /* cols arrays of rows values */
    size_t cap;   /* allocated rows */
} aidc_numtable;

/* One row of jobs.csv, as the charts need it. */
typedef struct aidc_job_row {
    double submit_s, start_s, end_s, wait_s, jct_s; /* NAN when empty */
    double gpus;
    size_t tenant; /* index into aidc_jobs_table.tenants */
    char state;    /* 'd'one, 'r'unning, 'q'ueued, 'f'uture, 's'kipped */
} aidc_job_row;

typedef struct aidc_jobs_table {
    aidc_job_row *rows;
    size_t n, cap;
    char **tenants; /* sorted by name */
    size_t n_tenants;
} aidc_jobs_table;

typedef struct aidc_results {
    cJSON *summary;       /* the parsed summary.json */
    aidc_numtable ts;     /* timeseries.csv */
    aidc_numtable racks;  /* racks.csv; 0 columns when the file is absent */
    aidc_jobs_table jobs; /* jobs.csv */
} aidc_results;

/* Reads the directory. Returns 0, or -1 with a message naming the file (and
 * line and column) in err; *r then needs no fini. */
int aidc_results_load(aidc_results *r, const char *dir, char *err, size_t errlen);
void aidc_results_fini(aidc_results *r);

/* Reads a CSV file of numbers with a header row. Returns 0, or -1 with a
 * message. The caller finis t. */
int aidc_numtable_read(aidc_numtable *t, const char *path, char *err, size_t errlen);
void aidc_numtable_fini(aidc_numtable *t);

/* The column named name, or NULL. */
const double *aidc_numtable_col(const aidc_numtable *t, const char *name);

/* The number at a dotted path of the summary ("wait_s.p95"), or NAN when it
 * is missing or not a number. */
double aidc_results_num(const aidc_results *r, const char *path);

/* The string at a dotted path, or NULL. */
const char *aidc_results_str(const aidc_results *r, const char *path);

/* The item at a dotted path, or NULL. */
const cJSON *aidc_results_item(const aidc_results *r, const char *path);

#endif
