/* Unit string parsing; see units.h for the grammar and the error contract. */
#include "models/units.h"

#include <assert.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char what_duration[] = "a duration like \"90s\", \"5m\", \"36h\" or \"30d\"";
static const char what_power[] = "a power like \"700W\", \"40kW\" or \"1.2MW\"";
static const char what_energy[] = "an energy like \"500Wh\", \"1.2MWh\" or \"3.6MJ\"";
static const char what_money[] = "an amount like \"$30000\", \"$1.5M\" or \"250k USD\"";
static const char what_price[] = "an energy price like \"$0.08/kWh\", \"80 $/MWh\" or \"8c/kWh\"";

/* ---- characters and spans ------------------------------------------------------------- */

/* Our own classifiers: <ctype.h> depends on the locale and is undefined for negative chars. */
static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static char to_lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Unit words are ASCII letters, plus any non-ASCII byte so that "µs" or "€" reach the
 * unknown-unit message whole instead of as a stray byte. */
static bool is_unit_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0x80;
}

static const char *skip_unit_chars(const char *p)
{
    while (is_unit_char(*p))
        p++;
    return p;
}

static bool span_eq(const char *p, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(p, word, n) == 0;
}

static bool span_eq_nocase(const char *p, size_t n, const char *word)
{
    if (strlen(word) != n) return false;
    for (size_t i = 0; i < n; i++)
        if (to_lower(p[i]) != to_lower(word[i])) return false;
    return true;
}

static bool starts_with_nocase(const char *p, const char *word)
{
    for (; *word; p++, word++)
        if (to_lower(*p) != to_lower(*word)) return false;
    return true;
}

/* ---- messages -------------------------------------------------------------------------- */

/* Copies p[0..n) into out as the inside of a double-quoted string: quotes, backslashes and
 * control bytes are escaped so the message stays on one line, and long input is cut with
 * "..." but never inside a UTF-8 sequence. */
static void quote(const char *p, size_t n, char *out, size_t outlen)
{
    assert(outlen >= 16);
    size_t soft = outlen - 8; /* room left for up to 3 continuation bytes, "..." and NUL */
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        char esc[8];
        size_t m;
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            m = 2;
        } else if (c < 0x20 || c == 0x7f) {
            snprintf(esc, sizeof esc, "\\x%02x", c);
            m = 4;
        } else {
            esc[0] = (char)c;
            m = 1;
        }
        bool continuation = (c & 0xC0) == 0x80;
        if ((!continuation && k + m > soft) || k + m + 4 > outlen) {
            memcpy(out + k, "...", 4);
            return;
        }
        memcpy(out + k, esc, m);
        k += m;
    }
    out[k] = '\0';
}

/* Writes `expected <what>, found "<s>"` and, if fmt is not NULL, "; " and the detail.
 * Returns -1 so that callers can `return fail(...)`. */
static int fail(char *err, size_t errlen, const char *what, const char *s, const char *fmt, ...)
{
    if (errlen == 0) return -1;
    char found[96];
    quote(s, strlen(s), found, sizeof found);
    int k = *s == '\0' ? snprintf(err, errlen, "expected %s, found an empty string", what)
                       : snprintf(err, errlen, "expected %s, found \"%s\"", what, found);
    if (fmt != NULL && k > 0 && (size_t)k + 3 < errlen) {
        memcpy(err + k, "; ", 3);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err + k + 2, errlen - (size_t)k - 2, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Empty input and surrounding whitespace are rejected up front, so that the grammar below
 * never has to think about them and the message can say exactly what is wrong. */
static int check_blank(const char *s, const char *what, char *err, size_t errlen)
{
    if (*s == '\0') return fail(err, errlen, what, s, NULL);
    if (is_space(s[0])) return fail(err, errlen, what, s, "remove the leading whitespace");
    if (is_space(s[strlen(s) - 1]))
        return fail(err, errlen, what, s, "remove the trailing whitespace");
    return 0;
}

/* Explains why no number starts at p, which lies inside s. */
static int bad_number(const char *s, const char *p, const char *what, char *err, size_t errlen)
{
    if (*p == '-') return fail(err, errlen, what, s, "negative values are not allowed");
    if (*p == '+') return fail(err, errlen, what, s, "write the number without \"+\"");
    if (starts_with_nocase(p, "nan") || starts_with_nocase(p, "inf"))
        return fail(err, errlen, what, s, "the number must be finite");
    if (*p == '\0') return fail(err, errlen, what, s, "the number is missing");
    if (p == s) return fail(err, errlen, what, s, "it must start with a number");
    char rest[64];
    quote(p, strlen(p), rest, sizeof rest);
    return fail(err, errlen, what, s, "expected a number at \"%s\"", rest);
}

/* Explains what is wrong right after a number when no unit word follows it. */
static int bad_after_number(const char *s, const char *p, const char *what, const char *units,
                            char *err, size_t errlen)
{
    if (*p == '\0') return fail(err, errlen, what, s, "missing unit; use %s", units);
    if (*p == ' ') return fail(err, errlen, what, s, "only one space is allowed before the unit");
    if (*p == ',')
        return fail(err, errlen, what, s, "use \".\" for decimals and no thousands separators");
    char rest[64];
    quote(p, strlen(p), rest, sizeof rest);
    return fail(err, errlen, what, s, "unexpected \"%s\" after the number", rest);
}

static int trailing_text(const char *s, const char *p, const char *what, char *err, size_t errlen)
{
    char rest[64];
    quote(p, strlen(p), rest, sizeof rest);
    return fail(err, errlen, what, s, "unexpected \"%s\" after the unit", rest);
}

/* ---- numbers ----------------------------------------------------------------------------- */

/* An unsigned decimal as written: integer digits (with commas if they were allowed),
 * fraction digits and a decimal exponent. */
struct number {
    const char *begin, *end;
    const char *int_digits;
    size_t n_int;
    const char *frac_digits;
    size_t n_frac;
    int64_t exp10;
};

enum scan { SCAN_OK, SCAN_NONE, SCAN_BAD_COMMA };

/* Exponents beyond this overflow or underflow everything we return anyway; clamping keeps
 * the digit-position arithmetic in range. */
#define EXP10_CLAMP 100000

/* Scans digits[.digits][e[+-]digits] at p, needing at least one mantissa digit. We scan
 * ourselves instead of trusting strtod's end pointer because strtod also takes signs,
 * leading spaces, hex, "nan" and "inf", all of which the grammar rejects. An "e" not
 * followed by digits is left for the unit. */
static enum scan scan_number(const char *p, bool commas, struct number *num)
{
    const char *q = p;
    num->begin = p;
    num->int_digits = p;
    while (is_digit(*q))
        q++;
    if (commas && *q == ',') {
        size_t lead = (size_t)(q - p);
        if (lead == 0 || lead > 3) return SCAN_BAD_COMMA;
        while (*q == ',') {
            if (!is_digit(q[1]) || !is_digit(q[2]) || !is_digit(q[3]) || is_digit(q[4]))
                return SCAN_BAD_COMMA;
            q += 4;
        }
    }
    num->n_int = (size_t)(q - p);
    num->frac_digits = q;
    num->n_frac = 0;
    if (*q == '.') {
        num->frac_digits = ++q;
        while (is_digit(*q))
            q++;
        num->n_frac = (size_t)(q - num->frac_digits);
    }
    if (num->n_int == 0 && num->n_frac == 0) return SCAN_NONE;
    num->exp10 = 0;
    if (*q == 'e' || *q == 'E') {
        const char *r = q + 1;
        bool neg = *r == '-';
        if (*r == '-' || *r == '+') r++;
        if (is_digit(*r)) {
            int64_t e = 0;
            for (; is_digit(*r); r++)
                if (e < EXP10_CLAMP) e = e * 10 + (*r - '0');
            num->exp10 = neg ? -e : e;
            q = r;
        }
    }
    num->end = q;
    return SCAN_OK;
}

/* Scans a number at p inside s, reporting failures in terms of `what`. */
static int read_number(const char *s, const char *p, bool commas, const char *what,
                       struct number *num, char *err, size_t errlen)
{
    switch (scan_number(p, commas, num)) {
    case SCAN_OK:
        return 0;
    case SCAN_BAD_COMMA:
        return fail(err, errlen, what, s,
                    "thousands separators must group three digits, like \"30,000\"");
    case SCAN_NONE:
        break;
    }
    return bad_number(s, p, what, err, errlen);
}

/* Converts a scanned number with strtod (which rounds correctly), dropping the commas. */
static int number_value(const struct number *num, const char *s, const char *what, double *out,
                        char *err, size_t errlen)
{
    char buf[128];
    size_t k = 0;
    for (const char *p = num->begin; p < num->end; p++) {
        if (*p == ',') continue;
        if (k + 1 >= sizeof buf)
            return fail(err, errlen, what, s, "the number has too many digits");
        buf[k++] = *p;
    }
    buf[k] = '\0';
    double v = strtod(buf, NULL);
    if (!isfinite(v)) return fail(err, errlen, what, s, "the number is too large");
    *out = v;
    return 0;
}

static unsigned digit_at(const struct number *num, int64_t j)
{
    int64_t n_int = (int64_t)num->n_int;
    return (unsigned)((j < n_int ? num->int_digits[j] : num->frac_digits[j - n_int]) - '0');
}

/* Sets *out to num × unit rounded half up to an integer, exactly, and returns false if that
 * exceeds INT64_MAX. A double would lose nanoseconds above 2^53 ns (104 days) and turn
 * "0.1s" into 100000000.00000001. The integer part is accumulated with overflow checks; the
 * fraction 0.d1d2...dn times unit is evaluated from the last digit up as
 * (unit*d1 + (unit*d2 + ...)/10)/10, where keeping only integer quotients loses nothing and
 * the last remainder alone decides the rounding. */
static bool scale_exact(const struct number *num, uint64_t unit, uint64_t *out)
{
    const uint64_t max = INT64_MAX;
    const int64_t n = (int64_t)(num->n_int + num->n_frac);
    const int64_t point = (int64_t)num->n_int + num->exp10; /* digits before the point */

    uint64_t whole = 0;
    int64_t j = 0;
    for (; j < point && j < n; j++) {
        unsigned d = digit_at(num, j);
        if (whole > (max - d) / 10) return false;
        whole = whole * 10 + d;
    }
    for (; j < point && whole != 0; j++) { /* zeros appended by a positive exponent */
        if (whole > max / 10) return false;
        whole *= 10;
    }
    if (whole != 0 && whole > max / unit) return false;
    whole *= unit;

    uint64_t q = 0;
    unsigned rem = 0;
    for (int64_t i = n - 1; i >= (point > 0 ? point : 0); i--) {
        uint64_t t = unit * digit_at(num, i) + q;
        q = t / 10;
        rem = (unsigned)(t % 10);
    }
    for (int64_t z = point; z < 0; z++) { /* zeros between the point and the first digit */
        if (q == 0) {
            rem = 0;
            break;
        }
        rem = (unsigned)(q % 10);
        q /= 10;
    }
    uint64_t frac = q + (rem >= 5);
    if (frac > max - whole) return false;
    *out = whole + frac;
    return true;
}

/* ---- hints for unknown unit words -------------------------------------------------------- */

/* A word people write instead of a unit, and either the unit they mean or a full note. */
struct alias {
    const char *word;
    const char *unit;
    const char *note;
};

static const struct alias *find_alias(const struct alias *a, size_t n, const char *tok, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (span_eq_nocase(tok, len, a[i].word)) return &a[i];
    return NULL;
}

/* Suggests the whole input with the word tok[0..len) replaced by the unit. */
static int alias_fail(const struct alias *a, const char *s, const char *tok, size_t len,
                      const char *what, char *err, size_t errlen)
{
    if (a->note) return fail(err, errlen, what, s, "%s", a->note);
    const char *before_end = tok;
    while (before_end > s && before_end[-1] == ' ') before_end--; /* "30 days" -> "30d" */
    return fail(err, errlen, what, s, "did you mean \"%.*s%s%s\"?", (int)(before_end - s), s,
                a->unit, tok + len);
}

/* ---- durations --------------------------------------------------------------------------- */

struct duration_unit {
    const char *name;
    uint64_t ns;
};

/* Largest first: compound durations must follow this order. */
static const struct duration_unit duration_units[] = {
    {"w", 604800000000000}, {"d", 86400000000000}, {"h", 3600000000000},
    {"m", 60000000000},     {"min", 60000000000},  {"s", 1000000000},
    {"ms", 1000000},        {"us", 1000},          {"ns", 1},
};
#define N_DURATION_UNITS (sizeof duration_units / sizeof duration_units[0])
static const char duration_unit_list[] = "ns, us, ms, s, m, min, h, d or w";

static const struct alias duration_aliases[] = {
    {"sec", "s", NULL},
    {"secs", "s", NULL},
    {"second", "s", NULL},
    {"seconds", "s", NULL},
    {"mins", "min", NULL},
    {"minute", "min", NULL},
    {"minutes", "min", NULL},
    {"hr", "h", NULL},
    {"hrs", "h", NULL},
    {"hour", "h", NULL},
    {"hours", "h", NULL},
    {"day", "d", NULL},
    {"days", "d", NULL},
    {"wk", "w", NULL},
    {"wks", "w", NULL},
    {"week", "w", NULL},
    {"weeks", "w", NULL},
    {"msec", "ms", NULL},
    {"msecs", "ms", NULL},
    {"usec", "us", NULL},
    {"usecs", "us", NULL},
    {"\xc2\xb5s", "us", NULL}, /* micro sign */
    {"\xce\xbcs", "us", NULL}, /* Greek mu */
    {"nsec", "ns", NULL},
    {"nsecs", "ns", NULL},
    {"y", NULL, "years are not supported: use days, like \"365d\""},
    {"yr", NULL, "years are not supported: use days, like \"365d\""},
    {"yrs", NULL, "years are not supported: use days, like \"365d\""},
    {"year", NULL, "years are not supported: use days, like \"365d\""},
    {"years", NULL, "years are not supported: use days, like \"365d\""},
    {"mo", NULL, "months are not supported: use days, like \"30d\""},
    {"month", NULL, "months are not supported: use days, like \"30d\""},
    {"months", NULL, "months are not supported: use days, like \"30d\""},
};

static const struct duration_unit *find_duration_unit(const char *tok, size_t len, bool nocase)
{
    for (size_t i = 0; i < N_DURATION_UNITS; i++) {
        const char *name = duration_units[i].name;
        if (nocase ? span_eq_nocase(tok, len, name) : span_eq(tok, len, name))
            return &duration_units[i];
    }
    return NULL;
}

static int duration_unit_error(const char *s, const char *tok, size_t len, char *err, size_t errlen)
{
    const struct duration_unit *u = find_duration_unit(tok, len, true);
    if (u)
        return fail(err, errlen, what_duration, s, "units are case-sensitive: did you mean \"%s\"?",
                    u->name);
    const struct alias *a = find_alias(
        duration_aliases, sizeof duration_aliases / sizeof duration_aliases[0], tok, len);
    if (a) return alias_fail(a, s, tok, len, what_duration, err, errlen);
    return fail(err, errlen, what_duration, s, "unknown unit \"%.*s\"; use %s", (int)len, tok,
                duration_unit_list);
}

/* A number at the end with no unit: guess the unit after the previous one ("1h30" ->
 * "1h30m"), or seconds for a lone number. */
static int duration_missing_unit(const char *s, const struct duration_unit *prev, char *err,
                                 size_t errlen)
{
    if (prev == NULL)
        return fail(err, errlen, what_duration, s, "a duration needs a unit: did you mean \"%ss\"?",
                    s);
    const struct duration_unit *next = NULL;
    for (size_t i = 0; i < N_DURATION_UNITS; i++)
        if (duration_units[i].ns < prev->ns) {
            next = &duration_units[i];
            break;
        }
    if (next == NULL) return fail(err, errlen, what_duration, s, "every number needs a unit");
    return fail(err, errlen, what_duration, s, "every number needs a unit: did you mean \"%s%s\"?",
                s, next->name);
}

int aidc_parse_duration_ns(const char *s, int64_t *out_ns, char *err, size_t errlen)
{
    assert(s != NULL && out_ns != NULL);
    assert(err != NULL || errlen == 0);
    if (check_blank(s, what_duration, err, errlen)) return -1;

    uint64_t total = 0;
    const struct duration_unit *prev = NULL;
    const char *p = s;
    while (*p) {
        struct number num;
        if (read_number(s, p, false, what_duration, &num, err, errlen)) return -1;
        const char *tok = num.end;
        if (*tok == ' ') tok++;
        const char *end = skip_unit_chars(tok);
        if (end == tok) {
            if (*tok == '\0') return duration_missing_unit(s, prev, err, errlen);
            return bad_after_number(s, tok, what_duration, duration_unit_list, err, errlen);
        }
        const struct duration_unit *u = find_duration_unit(tok, (size_t)(end - tok), false);
        if (u == NULL) return duration_unit_error(s, tok, (size_t)(end - tok), err, errlen);
        /* "1m30m" or "30m1h" are almost certainly typos, so a compound must descend. */
        if (prev && u->ns >= prev->ns)
            return fail(err, errlen, what_duration, s,
                        "in a compound duration the units must go from largest to smallest, "
                        "each at most once");
        uint64_t part;
        if (!scale_exact(&num, u->ns, &part) || part > (uint64_t)INT64_MAX - total)
            return fail(err, errlen, what_duration, s,
                        "too large: the limit is about 292 years (\"106751d\")");
        total += part;
        prev = u;
        p = end;
        if (*p == ' ') {
            char joined[96], shown[128];
            size_t k = 0;
            for (const char *c = s; *c && k + 1 < sizeof joined; c++)
                if (*c != ' ') joined[k++] = *c;
            joined[k] = '\0';
            quote(joined, k, shown, sizeof shown);
            return fail(err, errlen, what_duration, s,
                        "write compound durations without spaces: did you mean \"%s\"?", shown);
        }
    }
    *out_ns = (int64_t)total;
    return 0;
}

/* ---- power and energy -------------------------------------------------------------------- */

/* value in the unit × mul / div = value in the base unit; two factors keep conversions like
 * J -> kWh (divide by 3.6e6) correctly rounded instead of multiplying by an inexact 1/3.6e6. */
struct unit {
    const char *name;
    double mul, div;
};

static const struct unit power_units[] = {
    {"W", 1, 1}, {"kW", 1e3, 1}, {"MW", 1e6, 1}, {"GW", 1e9, 1}};
static const struct unit energy_units[] = {
    {"Wh", 1, 1e3},  {"kWh", 1, 1},    {"MWh", 1e3, 1}, {"GWh", 1e6, 1},
    {"J", 1, 3.6e6}, {"kJ", 1, 3.6e3}, {"MJ", 1, 3.6},  {"GJ", 1e3, 3.6},
};
#define N_POWER_UNITS (sizeof power_units / sizeof power_units[0])
#define N_ENERGY_UNITS (sizeof energy_units / sizeof energy_units[0])
static const char power_unit_list[] = "W, kW, MW or GW";
static const char energy_unit_list[] = "Wh, kWh, MWh, GWh, J, kJ, MJ or GJ";

static const struct unit *find_unit(const struct unit *units, size_t n, const char *tok, size_t len,
                                    bool nocase)
{
    for (size_t i = 0; i < n; i++)
        if (nocase ? span_eq_nocase(tok, len, units[i].name) : span_eq(tok, len, units[i].name))
            return &units[i];
    return NULL;
}

static const struct alias power_aliases[] = {
    {"watt", "W", NULL},       {"watts", "W", NULL},      {"kilowatt", "kW", NULL},
    {"kilowatts", "kW", NULL}, {"megawatt", "MW", NULL},  {"megawatts", "MW", NULL},
    {"gigawatt", "GW", NULL},  {"gigawatts", "GW", NULL},
};

static int power_unit_error(const char *s, const char *what, const char *tok, size_t len, char *err,
                            size_t errlen)
{
    /* SI reads "mW" as milliwatts; nobody means that in a data center, but we must not
     * silently read it as megawatts either. */
    if (span_eq(tok, len, "mW"))
        return fail(err, errlen, what, s, "mW is milliwatts: did you mean \"MW\"?");
    const struct unit *u = find_unit(power_units, N_POWER_UNITS, tok, len, true);
    if (u)
        return fail(err, errlen, what, s, "units are case-sensitive: did you mean \"%s\"?",
                    u->name);
    u = find_unit(energy_units, N_ENERGY_UNITS, tok, len, true);
    if (u)
        return fail(err, errlen, what, s, "\"%.*s\" is energy, not power; use %s", (int)len, tok,
                    power_unit_list);
    const struct alias *a =
        find_alias(power_aliases, sizeof power_aliases / sizeof power_aliases[0], tok, len);
    if (a) return alias_fail(a, s, tok, len, what, err, errlen);
    return fail(err, errlen, what, s, "unknown unit \"%.*s\"; use %s", (int)len, tok,
                power_unit_list);
}

static int energy_unit_error(const char *s, const char *what, const char *tok, size_t len,
                             char *err, size_t errlen)
{
    if (span_eq(tok, len, "mWh"))
        return fail(err, errlen, what, s, "mWh is milliwatt-hours: did you mean \"MWh\"?");
    if (span_eq(tok, len, "mJ"))
        return fail(err, errlen, what, s, "mJ is millijoules: did you mean \"MJ\"?");
    const struct unit *u = find_unit(energy_units, N_ENERGY_UNITS, tok, len, true);
    if (u)
        return fail(err, errlen, what, s, "units are case-sensitive: did you mean \"%s\"?",
                    u->name);
    u = find_unit(power_units, N_POWER_UNITS, tok, len, true);
    if (u)
        return fail(err, errlen, what, s, "\"%.*s\" is power, not energy: did you mean \"%sh\"?",
                    (int)len, tok, u->name);
    return fail(err, errlen, what, s, "unknown unit \"%.*s\"; use %s", (int)len, tok,
                energy_unit_list);
}

typedef int (*unit_error_fn)(const char *s, const char *what, const char *tok, size_t len,
                             char *err, size_t errlen);

struct quantity {
    const char *what;
    const char *unit_list;
    const struct unit *units;
    size_t n_units;
    unit_error_fn unit_error;
};

/* <number>[ ]<unit>, the whole grammar of power and energy. */
static int parse_quantity(const struct quantity *qty, const char *s, double *out, char *err,
                          size_t errlen)
{
    if (check_blank(s, qty->what, err, errlen)) return -1;
    struct number num;
    double v;
    if (read_number(s, s, false, qty->what, &num, err, errlen)) return -1;
    if (number_value(&num, s, qty->what, &v, err, errlen)) return -1;
    const char *tok = num.end;
    if (*tok == ' ') tok++;
    const char *end = skip_unit_chars(tok);
    if (end == tok) return bad_after_number(s, tok, qty->what, qty->unit_list, err, errlen);
    size_t len = (size_t)(end - tok);
    const struct unit *u = find_unit(qty->units, qty->n_units, tok, len, false);
    if (u == NULL) return qty->unit_error(s, qty->what, tok, len, err, errlen);
    if (*end) return trailing_text(s, end, qty->what, err, errlen);
    double r = v * u->mul / u->div;
    if (!isfinite(r)) return fail(err, errlen, qty->what, s, "the value is too large");
    *out = r;
    return 0;
}

int aidc_parse_power_w(const char *s, double *out_w, char *err, size_t errlen)
{
    assert(s != NULL && out_w != NULL);
    assert(err != NULL || errlen == 0);
    static const struct quantity power = {what_power, power_unit_list, power_units, N_POWER_UNITS,
                                          power_unit_error};
    return parse_quantity(&power, s, out_w, err, errlen);
}

int aidc_parse_energy_kwh(const char *s, double *out_kwh, char *err, size_t errlen)
{
    assert(s != NULL && out_kwh != NULL);
    assert(err != NULL || errlen == 0);
    static const struct quantity energy = {what_energy, energy_unit_list, energy_units,
                                           N_ENERGY_UNITS, energy_unit_error};
    return parse_quantity(&energy, s, out_kwh, err, errlen);
}

/* ---- money ------------------------------------------------------------------------------- */

static const struct alias money_aliases[] = {
    {"K", "k", NULL},
    {"thousand", "k", NULL},
    {"m", NULL, "\"m\" could mean milli: did you mean \"M\" (million)?"},
    {"mm", "M", NULL},
    {"mn", "M", NULL},
    {"mio", "M", NULL},
    {"million", "M", NULL},
    {"b", "B", NULL},
    {"bn", "B", NULL},
    {"billion", "B", NULL},
    {"usd", NULL, "currency codes are case-sensitive: did you mean \"USD\"?"},
    {"dollars", "USD", NULL},
};

static double money_suffix(char c)
{
    return c == 'k' ? 1e3 : c == 'M' ? 1e6 : c == 'B' ? 1e9 : 0;
}

static int money_word_error(const char *s, const char *tok, size_t len, char *err, size_t errlen)
{
    const struct alias *a =
        find_alias(money_aliases, sizeof money_aliases / sizeof money_aliases[0], tok, len);
    if (a) return alias_fail(a, s, tok, len, what_money, err, errlen);
    return fail(err, errlen, what_money, s,
                "unknown word \"%.*s\"; use k, M or B for thousands, millions or billions, "
                "and \"$\" or \"USD\" (only US dollars are supported)",
                (int)len, tok);
}

int aidc_parse_money_usd(const char *s, double *out_usd, char *err, size_t errlen)
{
    assert(s != NULL && out_usd != NULL);
    assert(err != NULL || errlen == 0);
    if (check_blank(s, what_money, err, errlen)) return -1;

    const char *p = s;
    bool dollar = *p == '$';
    if (dollar && *++p == ' ')
        return fail(err, errlen, what_money, s, "write no space after \"$\"");
    struct number num;
    double v;
    if (read_number(s, p, true, what_money, &num, err, errlen)) return -1;
    if (number_value(&num, s, what_money, &v, err, errlen)) return -1;

    /* The word glued to the number: nothing, a scale, "USD", or a scale then "USD". */
    const char *tok = num.end, *end = skip_unit_chars(tok);
    size_t len = (size_t)(end - tok);
    double scale = 1;
    bool usd = false;
    if (len > 0 && money_suffix(tok[0]) != 0 && (len == 1 || span_eq(tok + 1, len - 1, "USD"))) {
        scale = money_suffix(tok[0]);
        usd = len > 1;
    } else if (span_eq(tok, len, "USD")) {
        usd = true;
    } else if (len > 0) {
        return money_word_error(s, tok, len, err, errlen);
    }
    p = end;
    if (!usd && *p == ' ') {
        tok = p + 1;
        end = skip_unit_chars(tok);
        len = (size_t)(end - tok);
        if (!span_eq(tok, len, "USD")) {
            if (*tok == '$' && !dollar)
                return fail(err, errlen, what_money, s,
                            "the \"$\" goes first: did you mean \"$%.*s\"?", (int)(p - s), s);
            if (len == 0) return bad_after_number(s, tok, what_money, "\"USD\"", err, errlen);
            return money_word_error(s, tok, len, err, errlen);
        }
        usd = true;
        p = end;
    }
    if (dollar && usd)
        return fail(err, errlen, what_money, s, "write either \"$\" or \"USD\", not both");
    if (!dollar && !usd) {
        const int n = (int)(p - s);
        if (*p == '\0')
            return fail(err, errlen, what_money, s,
                        "an amount needs a currency: did you mean \"$%.*s\"?", n, s);
        if (*p == '$')
            return fail(err, errlen, what_money, s, "the \"$\" goes first: did you mean \"$%.*s\"?",
                        n, s);
    }
    if (*p) {
        if (*p == ',')
            return fail(err, errlen, what_money, s,
                        "use \".\" for decimals and \",\" only to group thousands, like "
                        "\"$30,000.50\"");
        char rest[64];
        quote(p, strlen(p), rest, sizeof rest);
        return fail(err, errlen, what_money, s, "unexpected \"%s\" after the amount", rest);
    }
    double r = v * scale;
    if (!isfinite(r)) return fail(err, errlen, what_money, s, "the value is too large");
    *out_usd = r;
    return 0;
}

/* ---- energy prices ----------------------------------------------------------------------- */

static const struct alias price_currency_aliases[] = {
    {"usd", NULL, "currency codes are case-sensitive: did you mean \"USD\"?"},
    {"C", "c", NULL},
    {"ct", "c", NULL},
    {"cts", "c", NULL},
    {"cent", "c", NULL},
    {"cents", "c", NULL},
    {"\xc2\xa2", "c", NULL}, /* the cent sign */
};

int aidc_parse_price_usd_per_kwh(const char *s, double *out, char *err, size_t errlen)
{
    assert(s != NULL && out != NULL);
    assert(err != NULL || errlen == 0);
    if (check_blank(s, what_price, err, errlen)) return -1;

    const char *p = s;
    bool dollar = *p == '$';
    if (dollar && *++p == ' ')
        return fail(err, errlen, what_price, s, "write no space after \"$\"");
    struct number num;
    double v;
    if (read_number(s, p, false, what_price, &num, err, errlen)) return -1;
    if (number_value(&num, s, what_price, &v, err, errlen)) return -1;

    double amount_per_usd = 1; /* 100 when the amount is in cents */
    p = num.end;
    if (!dollar) {
        const char *cur = *p == ' ' ? p + 1 : p;
        const char *end = skip_unit_chars(cur);
        size_t len = (size_t)(end - cur);
        if (*cur == '$') {
            p = cur + 1;
        } else if (span_eq(cur, len, "USD")) {
            p = end;
        } else if (span_eq(cur, len, "c")) {
            amount_per_usd = 100;
            p = end;
        } else if (len > 0) {
            const struct alias *a = find_alias(
                price_currency_aliases,
                sizeof price_currency_aliases / sizeof price_currency_aliases[0], cur, len);
            if (a) return alias_fail(a, s, cur, len, what_price, err, errlen);
            return fail(err, errlen, what_price, s,
                        "unknown currency \"%.*s\"; use \"$\", \"USD\" or \"c\" (US cents)",
                        (int)len, cur);
        } else if (*cur == '/' || *cur == '\0') {
            return fail(err, errlen, what_price, s,
                        "a price needs a currency: did you mean \"$%.*s/kWh\"?",
                        (int)(num.end - num.begin), num.begin);
        } else {
            return bad_after_number(s, cur, what_price, "\"$\", \"USD\" or \"c\"", err, errlen);
        }
    }
    if (*p != '/') {
        if (*p == '\0')
            return fail(err, errlen, what_price, s,
                        "a price is per unit of energy: did you mean \"%s/kWh\"?", s);
        char rest[64];
        quote(p, strlen(p), rest, sizeof rest);
        return fail(err, errlen, what_price, s, "expected \"/\" and an energy unit at \"%s\"",
                    rest);
    }
    const char *tok = p + 1, *end = skip_unit_chars(tok);
    size_t len = (size_t)(end - tok);
    if (len == 0)
        return fail(err, errlen, what_price, s, "missing energy unit after \"/\"; use %s",
                    energy_unit_list);
    const struct unit *u = find_unit(energy_units, N_ENERGY_UNITS, tok, len, false);
    if (u == NULL) return energy_unit_error(s, what_price, tok, len, err, errlen);
    if (*end) return trailing_text(s, end, what_price, err, errlen);
    /* A price per unit is divided by the kWh in one unit, mul / div. */
    double r = v * u->div / (u->mul * amount_per_usd);
    if (!isfinite(r)) return fail(err, errlen, what_price, s, "the value is too large");
    *out = r;
    return 0;
}

/* ---- formatting -------------------------------------------------------------------------- */

/* Appends whole[.frac]unit at buf, frac being `digits` decimal digits with trailing zeros
 * dropped. Returns the number of characters written. */
static size_t put_decimal(char *buf, size_t cap, uint64_t whole, uint64_t frac, int digits,
                          const char *unit)
{
    int k;
    if (frac == 0) {
        k = snprintf(buf, cap, "%" PRIu64 "%s", whole, unit);
    } else {
        char f[24];
        snprintf(f, sizeof f, "%0*" PRIu64, digits, frac);
        size_t n = strlen(f);
        while (f[n - 1] == '0')
            f[--n] = '\0';
        k = snprintf(buf, cap, "%" PRIu64 ".%s%s", whole, f, unit);
    }
    assert(k > 0 && (size_t)k < cap);
    return (size_t)k;
}

char *aidc_format_duration(int64_t ns, char *buf, size_t n)
{
    assert(buf != NULL || n == 0);
    char tmp[48];
    size_t k = 0;
    /* Negating in unsigned arithmetic is defined for INT64_MIN too. */
    uint64_t mag = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns;
    if (ns < 0) tmp[k++] = '-';

    if (mag == 0) {
        k += put_decimal(tmp + k, sizeof tmp - k, 0, 0, 0, "s");
    } else if (mag < 1000000000) {
        if (mag >= 1000000)
            k += put_decimal(tmp + k, sizeof tmp - k, mag / 1000000, mag % 1000000, 6, "ms");
        else if (mag >= 1000)
            k += put_decimal(tmp + k, sizeof tmp - k, mag / 1000, mag % 1000, 3, "us");
        else
            k += put_decimal(tmp + k, sizeof tmp - k, mag, 0, 0, "ns");
    } else {
        /* Days are the largest unit: "30d" reads better than "4w2d". */
        uint64_t secs = mag / 1000000000, frac = mag % 1000000000;
        uint64_t parts[3] = {secs / 86400, secs / 3600 % 24, secs / 60 % 60};
        static const char *const names[3] = {"d", "h", "m"};
        for (int i = 0; i < 3; i++)
            if (parts[i]) k += put_decimal(tmp + k, sizeof tmp - k, parts[i], 0, 0, names[i]);
        if (secs % 60 || frac) k += put_decimal(tmp + k, sizeof tmp - k, secs % 60, frac, 9, "s");
    }

    if (n > 0) {
        size_t m = k < n - 1 ? k : n - 1;
        memcpy(buf, tmp, m);
        buf[m] = '\0';
    }
    return buf;
}
