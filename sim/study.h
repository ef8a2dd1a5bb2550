/* study — what sweep and plan files share: the base scenario, fixed
 * overrides, seeds, axes of values, run directories, and the command line.
 *
 * A study file names a base scenario (relative to the file) and varies it
 * with --set-style overrides. Every value an axis can take is checked up
 * front by loading the scenario with it, so a typo in a key path or a value
 * the loader refuses is an input error located in the study file (exit 2)
 * before anything runs; combinations that fail only when run (a workload
 * that cannot fit a small cluster) are run failures, reported per run.
 * Run directories are named from the values and the seed, not from a
 * position, so adding a value to an axis leaves earlier runs resumable.
 * Units: as in scenarios; seeds are integers from 0 to 2^53-1. */
#ifndef AIDC_SIM_STUDY_H
#define AIDC_SIM_STUDY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/jread.h"

struct aidc_pool;

#define AIDC_STUDY_ERR 8192

/* One varied key and the values it takes, in order. */
typedef struct aidc_value_axis {
    char *key;     /* scenario key path, e.g. "cluster.nodes" */
    size_t n;      /* values */
    char **set;    /* "key=JSON" per value, ready for --set */
    char **label;  /* per value: a string's text, else its JSON text */
    double *num;   /* per value: the number (a number, or the number in a range with a
                      unit); NAN for other values */
    char path[AIDC_PATH_MAX]; /* where it is in the study file ("axes[1]") */
} aidc_value_axis;

typedef struct aidc_study {
    const char *kind; /* "sweep" or "plan" */
    /* command line */
    const char *file;
    const char *out_opt;      /* -o DIR, or NULL */
    int jobs;                 /* -j N; 0: online cores */
    bool quiet;
    const char **cli_set;     /* --set values, NULL-terminated */
    size_t n_cli_set;
    /* the file */
    char *text;
    cJSON *root;
    aidc_jread r;
    char *err;                /* AIDC_STUDY_ERR bytes, used by r */
    char *name;
    char *scenario;           /* resolved path of the base scenario */
    char **set;               /* fixed overrides: the file's "set", then --set; NULL-terminated */
    size_t n_set;
    int64_t *seeds;
    size_t n_seeds;
    double confidence;        /* level of the intervals, 0.95 by default */
    char *out_dir;            /* -o DIR, else out/NAME */
    char *runs_dir;           /* out_dir/runs */
} aidc_study;

/* Parses the command line of `aidcsim KIND FILE [-o DIR] [-j N] [--set k=v]...
 * [-q]`. Prints usage and exits 0 for --help. Returns 0, or 2 after printing
 * a message. */
int aidc_study_args(aidc_study *st, const char *kind, int argc, char **argv, const char *usage);

/* The prologue of every study command: aidc_study_args, then the worker pool
 * (-j N processes, or the MPI ranks). Returns -1 when the command goes on with
 * *pool open; otherwise the exit status to return at once (bad arguments, a
 * pool that cannot start, or an MPI worker rank whose serving is over), with
 * st already finalised. */
int aidc_study_open(aidc_study *st, const char *kind, int argc, char **argv, const char *usage,
                    struct aidc_pool **pool);

/* Reads the file and the keys every study has ("name", "scenario", "seeds",
 * "set", "confidence"), checks the base scenario loads with the fixed
 * overrides, and creates the output directories. allowed lists every key the
 * file may have (NULL-terminated). Returns 0, or -1 with the message in st->err. */
int aidc_study_load(aidc_study *st, const char *const *allowed);

/* Creates out_dir/runs (and its parents). Called once the whole file is
 * known to be good, so a bad file leaves nothing behind. Returns 0 or -1. */
int aidc_study_mkdirs(aidc_study *st);

/* Reads the axis at path ("axes[0]"): {"key": K, "values": [...]} or
 * {"key": K, "range": {"from": A, "to": B, "step": S, "unit": U}}, and checks
 * each value loads. Extra keys in the object (named in extra, NULL-terminated)
 * are left to the caller. Returns 0, or -1 with a located message. */
int aidc_study_axis(aidc_study *st, const cJSON *o, const char *path, const char *const *extra,
                    aidc_value_axis *a);
void aidc_axis_fini(aidc_value_axis *a);

/* Checks that the base scenario loads with the fixed overrides plus ov
 * (NULL-terminated); on failure reports it at path in the study file.
 * Returns 0 or -1. */
int aidc_study_check(aidc_study *st, const char *const *ov, const char *path);

/* Writes the run directory for a point (its labels, n of them; empty labels
 * skipped) and a seed: OUT/runs/LABELS-sSEED, unsafe characters as '_'. */
void aidc_study_run_dir(const aidc_study *st, const char *const *labels, size_t n, int64_t seed,
                        char *buf, size_t len);

/* dir relative to st->out_dir when it lies inside it (a pointer into dir),
 * else dir itself. */
const char *aidc_study_rel_dir(const aidc_study *st, const char *dir);

/* The fixed overrides followed by ov: a new NULL-terminated array the caller
 * frees (the strings stay owned by their owners). */
const char **aidc_study_overrides(const aidc_study *st, const char *const *ov, size_t n_ov);

void aidc_study_fini(aidc_study *st);

#endif
