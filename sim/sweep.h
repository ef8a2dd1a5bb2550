/* sweep — `aidcsim sweep SWEEP.json`: one base scenario, many variations.
 *
 * A sweep file names a base scenario and either axes (each a key and its
 * values or a numeric range; the runs are their cartesian product, the first
 * axis varying slowest) or an explicit list of runs (each a list of
 * "key.path=value" overrides), and a number of seeds. Every point runs once
 * per seed through a batch pool (sim/batch: -j local processes or Open MPI
 * ranks), each into OUT/runs/<values>-s<seed>/, and the results come back as
 * one table: results.csv (a row per point: inputs, then each metric's mean
 * and confidence half-width over seeds), runs.csv (a row per run) and
 * results.json (all of it, for charts and scripts). The tables hold nothing
 * that depends on timing or on who ran a run, so any -j and any number of MPI
 * ranks give byte-identical files. A failed run is reported and left out of
 * its point's statistics; the others go on. */
#ifndef AIDC_SIM_SWEEP_H
#define AIDC_SIM_SWEEP_H

/* The `aidcsim sweep` command (argv after "sweep"). Returns the exit status:
 * 0 every run succeeded; 2 bad input or usage; otherwise the highest exit
 * status of a failed run (2 or 3). */
int aidc_cmd_sweep(int argc, char **argv);

extern const char aidc_sweep_usage[];

#endif
