/* grid — what the utility sees and charges: time-of-use prices, hourly carbon intensity, the
 * 15-minute demand meter, ramp rates and demand-response limits.
 *
 * Everything here is a pure function of piecewise-constant facility power, which is what the
 * fluid engine produces: power only changes at events. The trade-off is exactness over
 * generality: meters integrate energy over fixed intervals instead of sampling, so a short
 * spike counts by its energy (a 5-minute 10 MW spike on a 1 MW base is a 4 MW 15-minute
 * demand, not 10 MW), and prices and intensities are hourly steps, not curves.
 *
 * Time: sim time is int64 ns since scenario start. Hour-of-week 0 is Monday 00:00 when
 * start_weekday is 0; start_weekday shifts the calendar (sim time 0 on a Wednesday = 2).
 * Billing months are 30-day blocks from sim time 0 (not calendar months: a run has no
 * calendar, and equal months make monthly peaks comparable).
 * Units: W, USD/kWh, gCO2/kWh, ns; ramps in W per minute.
 *
 * Sources (shared/reference/physical-figures.md): §5 "Demand charges: $/kW on the month's
 * highest 15-min demand"; §5 TOU "California peak 4–9 pm"; §4 ramp-up/ramp-down limits
 * (Choukse et al.); §4 flexibility/demand response (~2 h curtailment events, Duke 2025);
 * §6 EIA-930 hourly series, UTC. */
#ifndef AIDC_MODELS_GRID_H
#define AIDC_MODELS_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AIDC_NS_PER_S INT64_C(1000000000)
#define AIDC_NS_PER_HOUR (INT64_C(3600) * AIDC_NS_PER_S)
#define AIDC_HOURS_PER_WEEK (24 * 7)

/* ---- time-of-use tariff ----------------------------------------------------------------- */

/* Energy price for every hour of the week, index = 24 * weekday (0 = Monday) + hour. */
typedef struct {
    double price_usd_per_kwh[24 * 7];
} aidc_tariff;

/* Bit d of a day mask is weekday d, 0 = Monday ... 6 = Sunday. */
#define AIDC_DAYS_ALL 0x7f
#define AIDC_DAYS_WEEKDAYS 0x1f
#define AIDC_DAYS_WEEKEND 0x60

/* One priced block: hours [start_hour, end_hour) on each day in `days`. end_hour may be 24.
 * end_hour < start_hour wraps past midnight: [start_hour, 24) on each listed day and
 * [0, end_hour) on the day after it (fri 22-6 is Friday 22:00 to Saturday 06:00). */
typedef struct aidc_tariff_period {
    unsigned days;  /* day mask, 1..AIDC_DAYS_ALL */
    int start_hour; /* 0..23 */
    int end_hour;   /* 0..24, != start_hour */
    double price_usd_per_kwh;
} aidc_tariff_period;

/* Every hour at one price (asserts price is finite). */
void aidc_tariff_flat(aidc_tariff *t, double price_usd_per_kwh);

/* Builds *t: every hour at base_price, then each period in order over it (a later period wins
 * where two overlap, so "all week off-peak, weekdays 16-21 peak" is two periods). Prices must
 * be finite and >= 0. Returns 0, or -1 with "KEY.price: ..." or "KEY.periods[i].FIELD: ..."
 * in err (FIELD one of days, start_hour, end_hour, price); key is the scenario path of the
 * tariff, e.g. "grid.tariff". *t is untouched on failure. */
int aidc_tariff_build(aidc_tariff *t, double base_price_usd_per_kwh, const aidc_tariff_period *p,
                      size_t n, const char *key, char *err, size_t errlen);

/* Parses a day list into a mask: comma-separated three-letter lowercase names or ranges
 * ("mon-fri", "sat,sun", "mon,wed-fri", "fri-mon" wraps), or one of "all", "weekdays",
 * "weekends". Returns 0, or -1 with a message quoting s (the caller prefixes the key). */
int aidc_tariff_parse_days(const char *s, unsigned *mask, char *err, size_t errlen);

/* Price at sim time t_ns (hour-of-week lookup); start_weekday 0..6 is the weekday of sim
 * time 0. Negative t_ns count back from the start. */
double aidc_tariff_price(const aidc_tariff *t, int64_t t_ns, int start_weekday);

/* Cost in USD of power_w held constant over [t0_ns, t1_ns), exact across hour boundaries:
 * sum over hours of price * kWh in that hour. t0_ns <= t1_ns (assert). */
double aidc_tariff_cost_usd(const aidc_tariff *t, int64_t t0_ns, int64_t t1_ns, double power_w,
                            int start_weekday);

/* ---- hourly series (carbon intensity) --------------------------------------------------- */

/* Hourly values; v[i] holds over the whole hour i. Init/fini pair; the series owns v. */
typedef struct aidc_series {
    double *v;
    size_t n;
    int64_t start_unix_s; /* UTC time of v[0] for time-stamped files; INT64_MIN if unknown */
    size_t n_filled;      /* values that were empty in the file and were interpolated */
} aidc_series;

void aidc_series_init(aidc_series *s);
void aidc_series_fini(aidc_series *s);

/* Reads an hourly carbon-intensity CSV into *s (initialized by the caller; any old contents
 * are freed). Two formats, told apart by the header row:
 *   - EIA-930 as converted by dc-rl (the files in shared/data/carbon): columns include `timestamp`
 *     ("YYYY-MM-DD HH:MM:SS+00:00"; 'T' for the space, "Z" and other ±HH:MM offsets are
 *     accepted and turned into UTC) and `avg_CI` (gCO2/kWh); other columns are ignored.
 *     Rows must be consecutive hours.
 *   - simple: header exactly `hour,g_per_kwh`, hours 0, 1, 2 ... in order.
 * Every row has as many fields as the header. Blank lines and lines starting with '#' are
 * skipped; CRLF and a UTF-8 BOM are accepted. An empty value (VA has 23 empty hours) is
 * filled by linear interpolation between the nearest known neighbours, or copied from the
 * nearest known value at either end of the file, and counted. Values must be finite and >= 0.
 * Returns the number of filled hours (>= 0; the caller reports it as a warning), or -1 with
 * "PATH:LINE: message" (a bad row or header) or "PATH: message" (the file as a whole) in err.
 * On failure *s is left empty (n = 0). */
int aidc_carbon_read(const char *path, aidc_series *s, char *err, size_t errlen);

/* Value at sim time t_ns, where sim time 0 is the start of hour start_hour of the series;
 * wraps around the end (a one-year series repeats). Asserts n > 0. */
double aidc_series_at(const aidc_series *s, int64_t t_ns, size_t start_hour);

/* Integral of value * energy for power_w held over [t0_ns, t1_ns): sum over hours of
 * v(hour) * kWh in that hour (gCO2 for a carbon series), exact across hour boundaries. */
double aidc_series_energy_weighted(const aidc_series *s, int64_t t0_ns, int64_t t1_ns,
                                   double power_w, size_t start_hour);

/* ---- demand meter and ramp statistics --------------------------------------------------- */

#define AIDC_DEMAND_INTERVAL_NS (INT64_C(15) * 60 * AIDC_NS_PER_S)
#define AIDC_RAMP_INTERVAL_NS (INT64_C(60) * AIDC_NS_PER_S)
#define AIDC_BILLING_MONTH_NS (INT64_C(30) * 24 * AIDC_NS_PER_HOUR)
/* Enough billing months for any int64 ns time (2^63 ns is 3558.4 months), so the meter never
 * allocates and never runs out. */
#define AIDC_DEMAND_MAX_MONTHS 3559

/* Ramp statistics: the largest rise and the largest fall (both >= 0) between the averages of
 * consecutive 1-minute intervals, and between consecutive 15-minute intervals expressed per
 * minute (difference / 15). Only complete intervals count, and the first interval has no
 * predecessor: a run that starts at full power at t = 0 shows no ramp for it, while one that
 * starts later (a gap of zero power first) does. */
typedef struct aidc_ramp_stats {
    double up_1min_w_per_min, down_1min_w_per_min;
    double up_15min_w_per_min, down_15min_w_per_min;
} aidc_ramp_stats;

/* One interval length's running state (internal to the meter). */
typedef struct aidc_meter_level {
    int64_t len_ns;
    int64_t idx; /* the open interval: [idx*len, (idx+1)*len) */
    double wns;  /* energy in it so far, W*ns */
    bool have_prev;
    double prev_w; /* average of the last complete interval */
    double up_w, down_w;
} aidc_meter_level;

/* Facility power from sim time 0 on, integrated into 1- and 15-minute intervals. Power comes
 * in as constant spans in time order; a gap between spans is zero power. An interval's
 * average is its energy over its full length. Caller-owned storage, no heap: init only. */
typedef struct aidc_demand_meter {
    int64_t t_end_ns; /* everything before this has been recorded */
    double energy_wns;
    double peak_w; /* over complete 15-minute intervals */
    aidc_meter_level ramp, demand;
    double month_peak_w[AIDC_DEMAND_MAX_MONTHS]; /* over complete intervals */
} aidc_demand_meter;

void aidc_demand_meter_init(aidc_demand_meter *m);

/* Records power_w (finite, >= 0) over [t0_ns, t1_ns). Spans come in time order: t0_ns is at
 * or after the end of the previous span (a gap counts as zero power) and t0_ns <= t1_ns;
 * violating that is a bug (assert). A span may cross any number of interval boundaries. */
void aidc_demand_meter_add(aidc_demand_meter *m, int64_t t0_ns, int64_t t1_ns, double power_w);

/* Billing months touched so far: ceil(t_end / 30 days). */
size_t aidc_demand_meter_months(const aidc_demand_meter *m);

/* Highest 15-minute average power in billing month `month` (< months()), counting the
 * interval still open at the end of the record as if power were zero for the rest of it. */
double aidc_demand_meter_month_peak_w(const aidc_demand_meter *m, size_t month);

/* Writes min(months(), cap) monthly peaks to out and returns months(). */
size_t aidc_demand_meter_monthly_peaks(const aidc_demand_meter *m, double *out, size_t cap);

/* Highest 15-minute average over the whole record (same rule for the open interval). */
double aidc_demand_meter_peak_w(const aidc_demand_meter *m);

/* Energy recorded so far, kWh. */
double aidc_demand_meter_energy_kwh(const aidc_demand_meter *m);

void aidc_demand_meter_ramps(const aidc_demand_meter *m, aidc_ramp_stats *out);

/* ---- demand response -------------------------------------------------------------------- */

/* The facility must stay at or below limit_w during [start_ns, end_ns). */
typedef struct {
    int64_t start_ns, end_ns;
    double limit_w;
} aidc_dr_event;

/* Checks events from a scenario: 0 <= start < end, limit finite and >= 0. Returns 0, or -1
 * with "KEY[i].FIELD: ..." (FIELD start, end or limit), key e.g. "grid.demand_response". */
int aidc_dr_check(const aidc_dr_event *ev, size_t n, const char *key, char *err, size_t errlen);

/* The binding limit at t_ns: the lowest limit among active events, INFINITY when none. */
double aidc_dr_limit_w(const aidc_dr_event *ev, size_t n, int64_t t_ns);

/* The first time after t_ns at which some event starts or ends (so the caller can schedule
 * one wake-up), or INT64_MAX when there is none. */
int64_t aidc_dr_next_change_ns(const aidc_dr_event *ev, size_t n, int64_t t_ns);

#endif
