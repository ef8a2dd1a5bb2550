/* weather — hourly outdoor conditions for the cooling model, read from an EnergyPlus
 * weather file (EPW) or a small CSV, and looked up by simulation time.
 *
 * A cooling plant cares about two temperatures: the dry bulb (air-cooled condensers, dry
 * coolers, air-side economizers) and the wet bulb (cooling towers, water-side economizers).
 * EPW files carry dry bulb, relative humidity and station pressure but no wet bulb, so the
 * reader derives it once per row at load time by a psychrometric iteration at the row's
 * own station pressure (ASHRAE Handbook-Fundamentals 2017, ch. 1: Hyland-Wexler saturation
 * pressure, eqs. 5-6; humidity ratio, eq. 20; relative humidity, eqs. 12 and 22; wet bulb,
 * eqs. 33 and 35, solved by bisection). We chose that over Stull (2011) because the shared TMYx
 * files leave Stull's stated domain (RH 5-99 %, -20..50 C, sea-level pressure): rows at RH 100 %,
 * Chicago down to -21.7 C, Phoenix at ~97 kPa. Stull's closed form is still here, as the
 * independent cross-check the tests run against the iteration. The trade-off is ~40 exp() per row
 * at load time (a year loads in milliseconds) for a wet bulb that is right everywhere.
 *
 * Relative humidity below 0 C is taken over ice, as ASHRAE does. The shared TMYx files follow
 * that convention: in Chicago's 577 hours below -5 C (RH < 95 %), RH recomputed from the dew-point
 * field over ice matches the RH field to 0.25 % on average, over water only to 2.9 %.
 *
 * Time model: the series is hourly and piecewise constant. Row 0 is Jan 1 00:00-01:00 in the
 * file's local standard time (EPW hour 1); a run starts at row start_hour and wraps around
 * the year, so any run length works on one typical year. No DST, no interpolation.
 *
 * Units: temperatures in C (_c), relative humidity in percent (_pct), pressure in Pa (_pa),
 * simulation time in int64 nanoseconds since scenario start (_ns). */
#ifndef AIDC_MODELS_WEATHER_H
#define AIDC_MODELS_WEATHER_H

#include <stddef.h>
#include <stdint.h>

/* Used for CSV rows without a pressure_pa column: the standard atmosphere at sea level. */
#define AIDC_WEATHER_STD_PRESSURE_PA 101325.0

/* Hourly series; index 0 = Jan 1 00:00-01:00 local standard time of the file. The three
 * arrays have n entries each and belong to the struct: aidc_weather_fini frees them. */
typedef struct aidc_weather {
    size_t n;
    double *dry_bulb_c;
    double *wet_bulb_c;
    double *rh_pct;
} aidc_weather;

/* Reads the weather file at path into *w (overwritten; the caller owns it afterwards and
 * calls aidc_weather_fini). The format is EPW when the name ends in ".epw" (any case) or the
 * first line starts with "LOCATION,"; otherwise CSV.
 *
 * EPW (EnergyPlus Auxiliary Programs, "Weather Data File (EPW) Format"): 8 header lines
 * (line 1 LOCATION, line 8 DATA PERIODS with exactly one period of one record per hour),
 * then exactly 8760 or 8784 data rows of at least 35 comma-separated fields, hours 1..24
 * in sequence. Fields read (1-based): 4 hour, 7 dry bulb C, 9 relative humidity %,
 * 10 station pressure Pa. The EPW missing codes in those fields (99.9, 999, 999999) and
 * values outside the EPW ranges (dry bulb -70..70 C, pressure 31..120 kPa) are errors, as
 * is RH above 100 % (the EPW range reaches 110; supersaturated air is not modelled).
 * Other fields, the dew point included, are not checked. Wet bulb = psychrometric iteration
 * from dry bulb, RH and the row's pressure.
 *
 * CSV: a header row naming columns, then one row per hour. Columns, in any order:
 *   dry_bulb_c   required
 *   wet_bulb_c   and/or rh_pct: at least one; the other is derived (psychrometrics)
 *   rh_pct       0..100
 *   pressure_pa  optional, for the derivation; absent = AIDC_WEATHER_STD_PRESSURE_PA
 *   hour         optional; consecutive integers starting at 0 or 1 (catches lost rows)
 * Unknown and duplicate column names are errors. Every row has one field per column;
 * fields are plain decimals (surrounding spaces and one pair of double quotes are
 * stripped). Blank lines and lines starting with '#' are skipped, a UTF-8 BOM is skipped,
 * LF and CRLF both work. wet_bulb_c above dry_bulb_c, or below the wet bulb of bone-dry air,
 * is an error. Any n >= 1 rows.
 *
 * Returns 0, or -1 with a one-line message in err (NUL-terminated when errlen > 0; err may
 * be NULL when errlen is 0): "PATH:LINE: message" for a bad line, "PATH: message" for the
 * file as a whole. On failure *w is left empty (n = 0, NULL arrays): nothing to free. */
int aidc_weather_read(const char *path, aidc_weather *w, char *err, size_t errlen);

/* Frees the arrays and empties *w. Safe on an empty or already finished struct. */
void aidc_weather_fini(aidc_weather *w);

/* The row in effect at simulation time t_ns (>= 0) of a run that starts at row start_hour
 * (any value; taken modulo n): (start_hour + floor(t / 1 h)) mod n. Asserts w->n > 0. */
size_t aidc_weather_hour_index(const aidc_weather *w, int64_t t_ns, size_t start_hour);

/* Conditions at simulation time t_ns, starting at hour start_hour of the file, wrapping
 * around the year; piecewise constant per hour (see aidc_weather_hour_index). */
double aidc_weather_dry_bulb_c(const aidc_weather *w, int64_t t_ns, size_t start_hour);
double aidc_weather_wet_bulb_c(const aidc_weather *w, int64_t t_ns, size_t start_hour);

/* ---- psychrometrics (pure functions; exposed for tests and for callers with their own
 * series). Saturation is over liquid water at and above 0 C and over ice below, as in
 * ASHRAE 2017; valid for -100..200 C. ---- */

/* Saturation vapour pressure, Pa (Hyland-Wexler, ASHRAE 2017 ch. 1 eqs. 5 and 6). */
double aidc_weather_sat_pressure_pa(double t_c);

/* Thermodynamic wet bulb from dry bulb, RH (0..100) and pressure, by bisection to 1e-9 K on
 * ASHRAE 2017 ch. 1 eq. 33 (t* >= 0) / eq. 35 (t* < 0). RH 100 gives t_c itself. */
double aidc_weather_wet_bulb_psychro_c(double t_c, double rh_pct, double pressure_pa);

/* Relative humidity, % (may fall outside 0..100 for inconsistent inputs: callers check),
 * of air at dry bulb t_c and wet bulb twb_c at pressure_pa: the inverse of the above. */
double aidc_weather_rh_pct_from_wet_bulb(double t_c, double twb_c, double pressure_pa);

/* Stull, R. (2011), "Wet-bulb temperature from relative humidity and air temperature",
 * J. Appl. Meteor. Climatol. 50, 2267-2269, eq. 1. Sea-level pressure; stated domain
 * RH 5-99 %, T -20..50 C, error -1..+0.65 K there. Not used by the reader (see top). */
double aidc_weather_wet_bulb_stull_c(double t_c, double rh_pct);

#endif
