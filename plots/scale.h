/* scale — the numbers of a chart axis: tick positions and their labels, SI
 * prefixes, durations, and the reduction of long series to what a pixel grid
 * can show.
 *
 * Ticks are "nice numbers" (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems, 1990): steps of 1, 2 or 5 times a power of ten, so every
 * label is a round number. The caller gives the most ticks that fit; the
 * functions pick the smallest nice step that stays within it, so the count
 * follows the space available rather than a fixed number.
 *
 * Time axes show durations since the start of the run in one unit per axis
 * (s, min, h or d, the largest the range spans at least twice; the axis title
 * names it), stepping the way clocks and calendars do (15 min, 6 h, 7 d)
 * rather than by powers of ten. Logarithmic duration axes (for the CDFs of
 * waits that run from seconds to days) tick at 1, 10, 100 ms, 1 s, 10 s,
 * 1 min, 10 min, 1 h, 10 h, 1 d, 10 d, 100 d.
 *
 * Physical quantities get one SI prefix per axis ("Power (kW)": labels stay
 * short and all in one unit); money and counts can carry the prefix in each
 * label instead ("$250k").
 *
 * Downsampling is M4 (Jugel et al., "M4: a visualization-oriented time series
 * data aggregation", PVLDB 7(10), 2014): per pixel column keep the first,
 * smallest, largest and last point. A line drawn through them covers the same
 * pixels as one through every point, so a one-sample peak survives.
 * Units: whatever the caller's data holds; durations in seconds. */
#ifndef AIDC_PLOTS_SCALE_H
#define AIDC_PLOTS_SCALE_H

#include <stdbool.h>
#include <stddef.h>

#define AIDC_TICKS_MAX 32
#define AIDC_TICK_LABEL 32

typedef struct aidc_ticks {
    size_t n;
    double v[AIDC_TICKS_MAX]; /* positions in data units, ascending */
    char label[AIDC_TICKS_MAX][AIDC_TICK_LABEL];
} aidc_ticks;

/* Smallest step of the form {1,2,5} x 10^k with at most max_ticks multiples
 * of it in [lo, hi] (max_ticks >= 2, hi > lo, both finite). */
double aidc_nice_step(double lo, double hi, int max_ticks);

/* Widens [*lo, *hi] to multiples of a nice step so that the widened range
 * holds at most max_ticks ticks. A zero-width range grows around its value
 * (to [0, 1] at zero). Non-finite input is left as it is. */
void aidc_nice_domain(double *lo, double *hi, int max_ticks);

/* The SI prefix for values up to maxabs: returns "", "k", "M", "G", "T",
 * "m" or "\u00b5" and sets *div to the power of 1000 to divide by. */
const char *aidc_si_prefix(double maxabs, double *div);

/* Linear ticks: the multiples of aidc_nice_step in [lo, hi]. Labels show
 * v * mul / div with as many decimals as the step needs, then suffix (may be
 * NULL), e.g. mul 100 for fractions shown as percent, div 1000 for "k".
 * Returns the number of ticks. */
size_t aidc_ticks_linear(double lo, double hi, int max_ticks, double mul, double div,
                         const char *suffix, aidc_ticks *t);

/* The unit a duration axis over [lo_s, hi_s] uses: "s", "min", "h" or "d";
 * sets *unit_s to its length in seconds. */
const char *aidc_time_unit(double lo_s, double hi_s, double *unit_s);

/* Duration ticks over [lo_s, hi_s] in aidc_time_unit's unit, stepping by
 * 1/2/5/10/15/30 s or min, 0.25/0.5/1/2/3/6/12 h, 0.25/0.5/1/2/7/14/28 d
 * (then 1/2/5 x 10^k units; below a second, 1/2/5 x 10^-k s). Labels are
 * numbers in that unit without trailing zeros ("0.25", "0.5", "1").
 * Returns the number of ticks. */
size_t aidc_ticks_time(double lo_s, double hi_s, int max_ticks, aidc_ticks *t);

/* Widens [*lo_s, *hi_s] to the duration ticks' step (as aidc_nice_domain). */
void aidc_time_domain(double *lo_s, double *hi_s, int max_ticks);

/* Logarithmic duration ticks (lo_s > 0): the points of the 1/10/100 ms, 1 s,
 * 10 s, 1 min, 10 min, 1 h, 10 h, 1 d, 10 d, 100 d ladder in [lo_s, hi_s],
 * every second or third one when more than max_ticks would show. Labels such
 * as "10 min". Returns the number of ticks. */
size_t aidc_ticks_log_time(double lo_s, double hi_s, int max_ticks, aidc_ticks *t);

/* A value with an SI prefix and unit and 3 significant digits: "1.25 MW",
 * "880 kW", "42 W", "0 W". unit may be "" (then "12.5k"); "%" follows the
 * number directly ("78.8%"). Non-finite: "n/a". */
void aidc_label_si(double v, const char *unit, char *buf, size_t n);

/* Money: "$1.25M", "$880k", "$42.10" (cents below $1000); negatives "-$3.1k". */
void aidc_label_usd(double v, char *buf, size_t n);

/* A duration for text: "0 s", "45 s", "12.5 min", "3.2 h", "1.5 d". */
void aidc_label_duration(double s, char *buf, size_t n);

/* M4 downsampling of (x[i], y[i]), x ascending, over `columns` equal pixel
 * columns spanning [x0, x1] (points outside go to the first or last column).
 * Writes the kept points in input order to ox/oy (capacity n) and returns
 * their count. A NaN y ends the current column's group and is kept once, so
 * a gap in the data stays a gap in the line. With n <= 4 * columns every
 * point is kept. */
size_t aidc_downsample_m4(const double *x, const double *y, size_t n, double x0, double x1,
                          size_t columns, double *ox, double *oy);

#endif
