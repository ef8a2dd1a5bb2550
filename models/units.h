/* Unit strings from scenario files ("30d", "700W", "1.2MW", "$0.08/kWh") turned into base units.
 *
 * Parsing happens once, at load time, so the simulator itself only ever sees integers of
 * nanoseconds and doubles of watts, kWh and dollars. The main trade-off is strictness over
 * convenience: every function accepts one small, documented grammar and rejects everything
 * else (case typos, leading or trailing whitespace, trailing text) with a one-line message
 * that quotes the input and, when the fix is obvious, suggests it. A scenario that says "10kw"
 * fails at load time instead of silently meaning something else.
 *
 * Units: durations in int64 nanoseconds (exact: decimal digits are scaled with integer
 * arithmetic, never through a double, and fractions of a nanosecond round half up); power
 * in W, energy in kWh, money in USD, energy prices in USD/kWh, all as finite doubles >= 0.
 *
 * Numbers are unsigned decimals with an optional fraction and exponent ("12", "0.5", ".5",
 * "1e3"); no sign, no hex, no "nan"/"inf". strtod is used for the double results, so the
 * process must be in the "C" locale (the default unless someone calls setlocale).
 *
 * Errors: every parser returns 0 on success and -1 on bad input. On failure it writes a
 * one-line message into err (at most errlen bytes, always NUL-terminated when errlen > 0;
 * err may be NULL when errlen is 0) and leaves *out untouched; on success it sets *out and
 * leaves err untouched. Nothing is printed, nothing is allocated, no global state is used.
 * The message reads: expected <what> like <examples>, found "<input>"; <detail or hint>. The
 * caller prefixes it with the file and key path. Passing NULL for s or out is a bug (assert).
 */
#ifndef AIDC_MODELS_UNITS_H
#define AIDC_MODELS_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Big enough for any aidc_format_duration result, sign and NUL included
 * ("-106751d23h47m16.854775808s" is the longest, 28 bytes). */
#define AIDC_DURATION_BUFLEN 32

/* Parses a duration into nanoseconds. Grammar: one or more <number>[ ]<unit> segments written
 * without spaces between them ("90s", "5 m", "1h30m", "2d12h", "1m30.5s"), units ns, us, ms,
 * s, m (minutes), min, h, d, w, strictly from largest to smallest in a compound. The total
 * must fit in int64 ns (about 292 years, "106751d"). "0s" is valid; callers decide if zero is. */
int aidc_parse_duration_ns(const char *s, int64_t *out_ns, char *err, size_t errlen);

/* Parses a power into watts: <number>[ ]<unit> with unit W, kW, MW or GW, case-sensitive
 * ("mW" would be milliwatts and is rejected with a hint towards "MW"). */
int aidc_parse_power_w(const char *s, double *out_w, char *err, size_t errlen);

/* Parses an energy into kWh: <number>[ ]<unit> with unit Wh, kWh, MWh, GWh, J, kJ, MJ or GJ. */
int aidc_parse_energy_kwh(const char *s, double *out_kwh, char *err, size_t errlen);

/* Parses an amount of money into US dollars: "$"<number>[k|M|B] or <number>[k|M|B][ ]"USD"
 * ("$30000", "$30,000", "$1.5M", "$250k", "$3B", "30000 USD", "1.2M USD"). k, M and B are
 * 1e3, 1e6 and 1e9. Thousands separators must group exactly three digits. */
int aidc_parse_money_usd(const char *s, double *out_usd, char *err, size_t errlen);

/* Parses an energy price into USD per kWh: "$"<number>"/"<energy unit> or
 * <number>[ ]("$"|"USD"|"c")"/"<energy unit>, where c is US cents ("$0.08/kWh", "80 $/MWh",
 * "0.08 USD/kWh", "8c/kWh"). The energy unit is any unit aidc_parse_energy_kwh accepts. */
int aidc_parse_price_usd_per_kwh(const char *s, double *out, char *err, size_t errlen);

/* Formats ns compactly for humans into buf and returns buf: whole seconds as days, hours,
 * minutes and seconds with zero parts left out (0 -> "0s", 90 s -> "1m30s", 30 days -> "30d",
 * 36 h -> "1d12h"), a fraction on the seconds ("1.5s"), and under a second the largest of
 * ms, us, ns that keeps a whole part ("250ms", "1.5us"). Negative values get a leading "-".
 * For ns >= 0 the result parses back to exactly ns. Writes at most n bytes including the NUL,
 * truncating if needed (AIDC_DURATION_BUFLEN always suffices); buf may be NULL if n is 0. */
char *aidc_format_duration(int64_t ns, char *buf, size_t n);

#endif
