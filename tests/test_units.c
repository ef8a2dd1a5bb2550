/* CUnit suite for models/units: exact values for good input, and for bad input both the
 * failure and a message that quotes the input and carries the expected hint. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "models/units.h"

#define ERRLEN 256

/* Macros rather than functions so that a failure reports the line of the input at fault. */

#define DUR_OK(s, want)                                                                            \
    do {                                                                                           \
        int64_t v_ = -1;                                                                           \
        char e_[ERRLEN] = "";                                                                      \
        CU_ASSERT_EQUAL(aidc_parse_duration_ns((s), &v_, e_, sizeof e_), 0);                       \
        CU_ASSERT_EQUAL(v_, (int64_t)(want));                                                      \
    } while (0)

/* Checks failure, that *out is untouched, that the message quotes `found` and holds `hint`. */
#define DUR_BAD_FOUND(s, found, hint)                                                              \
    do {                                                                                           \
        int64_t v_ = 4242;                                                                         \
        char e_[ERRLEN] = "";                                                                      \
        CU_ASSERT_EQUAL(aidc_parse_duration_ns((s), &v_, e_, sizeof e_), -1);                      \
        CU_ASSERT_EQUAL(v_, 4242);                                                                 \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (found)));                                               \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (hint)));                                                \
        CU_ASSERT_PTR_NULL(strchr(e_, '\n'));                                                      \
    } while (0)
#define DUR_BAD(s, hint) DUR_BAD_FOUND(s, "\"" s "\"", hint)

/* Relative tolerance: the parsers should be within an ulp or two of the decimal value. */
#define D_OK(fn, s, want)                                                                          \
    do {                                                                                           \
        double v_ = -1;                                                                            \
        char e_[ERRLEN] = "";                                                                      \
        CU_ASSERT_EQUAL(fn((s), &v_, e_, sizeof e_), 0);                                           \
        CU_ASSERT_DOUBLE_EQUAL(v_, (want), fabs(want) * 1e-14 + 1e-300);                           \
    } while (0)

#define D_BAD_FOUND(fn, s, found, hint)                                                            \
    do {                                                                                           \
        double v_ = 42.0;                                                                          \
        char e_[ERRLEN] = "";                                                                      \
        CU_ASSERT_EQUAL(fn((s), &v_, e_, sizeof e_), -1);                                          \
        CU_ASSERT_EQUAL(v_, 42.0);                                                                 \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (found)));                                               \
        CU_ASSERT_PTR_NOT_NULL(strstr(e_, (hint)));                                                \
        CU_ASSERT_PTR_NULL(strchr(e_, '\n'));                                                      \
    } while (0)
#define D_BAD(fn, s, hint) D_BAD_FOUND(fn, s, "\"" s "\"", hint)

#define FMT_IS(ns, want)                                                                           \
    do {                                                                                           \
        char b_[AIDC_DURATION_BUFLEN];                                                             \
        CU_ASSERT_PTR_EQUAL(aidc_format_duration((ns), b_, sizeof b_), b_);                        \
        CU_ASSERT_STRING_EQUAL(b_, (want));                                                        \
    } while (0)

static const int64_t NS = 1;
static const int64_t US = 1000;
static const int64_t MS = 1000000;
static const int64_t SEC = 1000000000;
static const int64_t MIN = 60 * 1000000000LL;
static const int64_t HOUR = 3600 * 1000000000LL;
static const int64_t DAY = 86400 * 1000000000LL;
static const int64_t WEEK = 7 * 86400 * 1000000000LL;

static void test_duration_units(void)
{
    DUR_OK("7ns", 7 * NS);
    DUR_OK("7us", 7 * US);
    DUR_OK("7ms", 7 * MS);
    DUR_OK("7s", 7 * SEC);
    DUR_OK("7m", 7 * MIN);
    DUR_OK("7min", 7 * MIN);
    DUR_OK("7h", 7 * HOUR);
    DUR_OK("7d", 7 * DAY);
    DUR_OK("7w", 7 * WEEK);
    DUR_OK("90s", 90 * SEC);
    DUR_OK("5m", 5 * MIN);
    DUR_OK("36h", 36 * HOUR);
    DUR_OK("30d", 30 * DAY);
    DUR_OK("0s", 0);
    DUR_OK("000.000s", 0);
    DUR_OK("5 m", 5 * MIN);
    DUR_OK("5 min", 5 * MIN);
}

static void test_duration_fractions(void)
{
    DUR_OK("1.5s", 1500 * MS);
    DUR_OK("0.1s", 100 * MS); /* exact, where 0.1 * 1e9 in double is not */
    DUR_OK(".5h", 30 * MIN);
    DUR_OK("5.s", 5 * SEC);
    DUR_OK("2.5ms", 2500 * US);
    DUR_OK("0.000001ms", 1 * NS);
    DUR_OK("1.5ns", 2); /* half rounds up */
    DUR_OK("2.5ns", 3);
    DUR_OK("0.49ns", 0); /* rounds to nearest */
    DUR_OK("0.5ns", 1);
    DUR_OK("0.0000000015s", 2);
    DUR_OK("0.0000000014999s", 1);
    DUR_OK("1.00000000000000000000001s", SEC); /* digits below a nanosecond vanish */
    DUR_OK("0.333333333333333333333333333333333s", 333333333);
    DUR_OK("1e3s", 1000 * SEC);
    DUR_OK("1E3ms", SEC);
    DUR_OK("1.5e1m", 15 * MIN);
    DUR_OK("2e-3s", 2 * MS);
    DUR_OK("1e-9s", 1);
    DUR_OK("5e-10s", 1);
    DUR_OK("4e-10s", 0);
    DUR_OK("1e-99999s", 0);
    DUR_OK("0e99999s", 0);
    DUR_OK("12.5e+2us", 1250 * US);
}

static void test_duration_compound(void)
{
    DUR_OK("1h30m", 90 * MIN);
    DUR_OK("2d12h", 60 * HOUR);
    DUR_OK("1m30.5s", 90500 * MS);
    DUR_OK("1h30min", 90 * MIN);
    DUR_OK("1w2d3h4m5s6ms7us8ns",
           WEEK + 2 * DAY + 3 * HOUR + 4 * MIN + 5 * SEC + 6 * MS + 7 * US + 8 * NS);
    DUR_OK("1 h30 m", 90 * MIN); /* one space is allowed before each unit */
    DUR_BAD("1h 30m", "without spaces: did you mean \"1h30m\"?");
    DUR_BAD("1m30m", "largest to smallest");
    DUR_BAD("30m1h", "largest to smallest");
    DUR_BAD("1m30min", "largest to smallest");
    DUR_BAD("1h30", "did you mean \"1h30m\"?");
    DUR_BAD("1m30", "did you mean \"1m30s\"?");
    DUR_BAD("5ns3", "every number needs a unit");
    DUR_BAD("1h-30m", "negative");
}

static void test_duration_limits(void)
{
    DUR_OK("9223372036854775807ns", INT64_MAX);
    DUR_OK("9223372036.854775807s", INT64_MAX);
    DUR_OK("106751d23h47m16.854775807s", INT64_MAX);
    DUR_OK("106751d", 106751 * DAY);
    DUR_OK("9223372036.8547758074s", INT64_MAX); /* rounds down to the limit */
    DUR_BAD("9223372036854775808ns", "too large");
    DUR_BAD("9223372036.8547758075s", "too large"); /* rounds up past it */
    DUR_BAD("106751d23h47m16.854775808s", "too large");
    DUR_BAD("106752d", "too large");
    DUR_OK("15250w", 15250 * WEEK);
    DUR_BAD("15251w", "too large");
    DUR_BAD("1e30s", "too large");
    DUR_BAD("1e999999999999s", "too large");
    DUR_BAD("99999999999999999999999999ns", "too large");
}

static void test_duration_bad(void)
{
    DUR_BAD_FOUND("", "empty string", "expected a duration");
    DUR_BAD("3x", "unknown unit \"x\"");
    DUR_BAD("90", "a duration needs a unit: did you mean \"90s\"?");
    DUR_BAD("1e3", "did you mean \"1e3s\"?");
    DUR_BAD("-5s", "negative");
    DUR_BAD("+5s", "without \"+\"");
    DUR_BAD("NaN", "finite");
    DUR_BAD("nans", "finite");
    DUR_BAD("inf", "finite");
    DUR_BAD("infs", "finite");
    DUR_BAD(" 5m", "leading whitespace");
    DUR_BAD("5m ", "trailing whitespace");
    DUR_BAD_FOUND("5m\n", "\"5m\\x0a\"", "trailing whitespace");
    DUR_BAD_FOUND("5m\nx", "\"5m\\x0ax\"", "expected a number at \"\\x0ax\"");
    DUR_BAD("5  m", "one space");
    DUR_BAD("5S", "units are case-sensitive: did you mean \"s\"?");
    DUR_BAD("5M", "did you mean \"m\"?");
    DUR_BAD("5MS", "did you mean \"ms\"?");
    DUR_BAD("5H", "did you mean \"h\"?");
    DUR_BAD("5Min", "did you mean \"min\"?");
    DUR_BAD("5sec", "did you mean \"5s\"?");
    DUR_BAD("5 hours", "did you mean \"5h\"?");
    DUR_BAD("5days", "did you mean \"5d\"?");
    DUR_BAD("5\xc2\xb5s", "did you mean \"5us\"?");
    DUR_BAD("3years", "365d");
    DUR_BAD("2months", "30d");
    DUR_BAD("1,5s", "\".\" for decimals");
    DUR_BAD("1.2.3s", "unexpected \".3s\"");
    DUR_BAD("5s!", "expected a number at \"!\"");
    DUR_BAD("0x10s", "unknown unit \"x\"");
    DUR_BAD("s", "start with a number");
    DUR_BAD(".s", "start with a number");
    DUR_BAD("$5", "start with a number");
    DUR_BAD_FOUND("5\"s", "\"5\\\"s\"", "unexpected");
}

static void test_error_buffer(void)
{
    int64_t v = 7;
    char small[12];
    memset(small, 'X', sizeof small);
    CU_ASSERT_EQUAL(aidc_parse_duration_ns("3x", &v, small, sizeof small), -1);
    CU_ASSERT_EQUAL(small[sizeof small - 1], '\0');
    CU_ASSERT_STRING_EQUAL(small, "expected a ");

    CU_ASSERT_EQUAL(aidc_parse_duration_ns("3x", &v, NULL, 0), -1);
    CU_ASSERT_EQUAL(v, 7);

    char one[1] = {'X'};
    CU_ASSERT_EQUAL(aidc_parse_power_w("3x", &(double){0}, one, sizeof one), -1);
    CU_ASSERT_EQUAL(one[0], '\0');

    /* Long input is quoted in part, and the message still fits. */
    char big[400];
    memset(big, '7', sizeof big - 2);
    big[sizeof big - 2] = 'x';
    big[sizeof big - 1] = '\0';
    char e[ERRLEN];
    CU_ASSERT_EQUAL(aidc_parse_duration_ns(big, &v, e, sizeof e), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "\"777"));
    CU_ASSERT_PTR_NOT_NULL(strstr(e, "...\""));
    CU_ASSERT(strlen(e) < sizeof e);

    /* Success leaves err alone. */
    strcpy(e, "untouched");
    CU_ASSERT_EQUAL(aidc_parse_duration_ns("1s", &v, e, sizeof e), 0);
    CU_ASSERT_STRING_EQUAL(e, "untouched");
}

static void test_power(void)
{
    D_OK(aidc_parse_power_w, "700W", 700.0);
    D_OK(aidc_parse_power_w, "40kW", 40e3);
    D_OK(aidc_parse_power_w, "1.2MW", 1.2e6);
    D_OK(aidc_parse_power_w, "2GW", 2e9);
    D_OK(aidc_parse_power_w, "0W", 0.0);
    D_OK(aidc_parse_power_w, "10 kW", 10e3);
    D_OK(aidc_parse_power_w, "1e3W", 1e3);
    D_OK(aidc_parse_power_w, ".5MW", 5e5);
    D_BAD(aidc_parse_power_w, "10kw", "units are case-sensitive: did you mean \"kW\"?");
    D_BAD(aidc_parse_power_w, "10KW", "did you mean \"kW\"?");
    D_BAD(aidc_parse_power_w, "5mW", "milliwatts: did you mean \"MW\"?");
    D_BAD(aidc_parse_power_w, "5mw", "did you mean \"MW\"?");
    D_BAD(aidc_parse_power_w, "5gw", "did you mean \"GW\"?");
    D_BAD(aidc_parse_power_w, "5w", "did you mean \"W\"?");
    D_BAD(aidc_parse_power_w, "5 watts", "did you mean \"5W\"?");
    D_BAD(aidc_parse_power_w, "10kWh", "energy, not power");
    D_BAD(aidc_parse_power_w, "10", "missing unit");
    D_BAD(aidc_parse_power_w, "10TW", "unknown unit \"TW\"");
    D_BAD(aidc_parse_power_w, "-5W", "negative");
    D_BAD(aidc_parse_power_w, "nanW", "finite");
    D_BAD(aidc_parse_power_w, "infW", "finite");
    D_BAD(aidc_parse_power_w, "1e400W", "too large");
    D_BAD(aidc_parse_power_w, "1e300GW", "too large");
    D_BAD(aidc_parse_power_w, "10kW x", "unexpected \" x\"");
    D_BAD(aidc_parse_power_w, "10kW2", "unexpected \"2\"");
    D_BAD(aidc_parse_power_w, "1,000W", "\".\" for decimals");
    D_BAD(aidc_parse_power_w, " 10kW", "leading whitespace");
    D_BAD_FOUND(aidc_parse_power_w, "", "empty string", "expected a power");
}

static void test_energy(void)
{
    D_OK(aidc_parse_energy_kwh, "500Wh", 0.5);
    D_OK(aidc_parse_energy_kwh, "1kWh", 1.0);
    D_OK(aidc_parse_energy_kwh, "1.2MWh", 1200.0);
    D_OK(aidc_parse_energy_kwh, "2GWh", 2e6);
    D_OK(aidc_parse_energy_kwh, "3600J", 0.001);
    D_OK(aidc_parse_energy_kwh, "3600kJ", 1.0);
    D_OK(aidc_parse_energy_kwh, "3.6MJ", 1.0);
    D_OK(aidc_parse_energy_kwh, "3.6GJ", 1000.0);
    D_OK(aidc_parse_energy_kwh, "1GJ", 1e6 / 3600.0);
    D_OK(aidc_parse_energy_kwh, "0J", 0.0);
    D_OK(aidc_parse_energy_kwh, "12 kWh", 12.0);
    D_BAD(aidc_parse_energy_kwh, "10kwh", "units are case-sensitive: did you mean \"kWh\"?");
    D_BAD(aidc_parse_energy_kwh, "10KWH", "did you mean \"kWh\"?");
    D_BAD(aidc_parse_energy_kwh, "5mWh", "milliwatt-hours: did you mean \"MWh\"?");
    D_BAD(aidc_parse_energy_kwh, "5mJ", "millijoules: did you mean \"MJ\"?");
    D_BAD(aidc_parse_energy_kwh, "5j", "did you mean \"J\"?");
    D_BAD(aidc_parse_energy_kwh, "10kW", "power, not energy: did you mean \"kWh\"?");
    D_BAD(aidc_parse_energy_kwh, "10", "missing unit");
    D_BAD(aidc_parse_energy_kwh, "10cal", "unknown unit \"cal\"");
    D_BAD(aidc_parse_energy_kwh, "-1kWh", "negative");
    D_BAD(aidc_parse_energy_kwh, "1e309kWh", "too large");
    D_BAD(aidc_parse_energy_kwh, "10 kWh ", "trailing whitespace");
}

static void test_money(void)
{
    D_OK(aidc_parse_money_usd, "$30000", 30000.0);
    D_OK(aidc_parse_money_usd, "$30,000", 30000.0);
    D_OK(aidc_parse_money_usd, "$1,234,567.89", 1234567.89);
    D_OK(aidc_parse_money_usd, "$1.5M", 1.5e6);
    D_OK(aidc_parse_money_usd, "$250k", 250e3);
    D_OK(aidc_parse_money_usd, "$3B", 3e9);
    D_OK(aidc_parse_money_usd, "$0", 0.0);
    D_OK(aidc_parse_money_usd, "$0.99", 0.99);
    D_OK(aidc_parse_money_usd, "30000 USD", 30000.0);
    D_OK(aidc_parse_money_usd, "30000USD", 30000.0);
    D_OK(aidc_parse_money_usd, "1.2M USD", 1.2e6);
    D_OK(aidc_parse_money_usd, "250kUSD", 250e3);
    D_OK(aidc_parse_money_usd, "30,000 USD", 30000.0);
    D_OK(aidc_parse_money_usd, "$1e6", 1e6);
    D_BAD(aidc_parse_money_usd, "-$5", "negative");
    D_BAD(aidc_parse_money_usd, "$-5", "negative");
    D_BAD(aidc_parse_money_usd, "30000", "needs a currency: did you mean \"$30000\"?");
    D_BAD(aidc_parse_money_usd, "30000$", "did you mean \"$30000\"?");
    D_BAD(aidc_parse_money_usd, "30000 $", "did you mean \"$30000\"?");
    D_BAD(aidc_parse_money_usd, "$30,00", "group three digits");
    D_BAD(aidc_parse_money_usd, "$3000,000", "group three digits");
    D_BAD(aidc_parse_money_usd, "$,300", "group three digits");
    D_BAD(aidc_parse_money_usd, "$30.000,50", "\",\" only to group thousands");
    D_BAD(aidc_parse_money_usd, "$250K", "did you mean \"$250k\"?");
    D_BAD(aidc_parse_money_usd, "$1.5m", "did you mean \"M\"");
    D_BAD(aidc_parse_money_usd, "$3b", "did you mean \"$3B\"?");
    D_BAD(aidc_parse_money_usd, "$3bn", "did you mean \"$3B\"?");
    D_BAD(aidc_parse_money_usd, "$30000 USD", "not both");
    D_BAD(aidc_parse_money_usd, "$30000USD", "not both");
    D_BAD(aidc_parse_money_usd, "30000 usd", "did you mean \"USD\"?");
    D_BAD(aidc_parse_money_usd, "30000 EUR", "only US dollars");
    D_BAD(aidc_parse_money_usd, "$ 30000", "no space after \"$\"");
    D_BAD(aidc_parse_money_usd, "$", "number is missing");
    D_BAD(aidc_parse_money_usd, "$nan", "finite");
    D_BAD(aidc_parse_money_usd, "$inf", "finite");
    D_BAD(aidc_parse_money_usd, "$1e309", "too large");
    D_BAD(aidc_parse_money_usd, "$1e300B", "too large");
    D_BAD(aidc_parse_money_usd, "$30000!", "unexpected \"!\"");
    D_BAD_FOUND(aidc_parse_money_usd, "", "empty string", "expected an amount");
}

static void test_price(void)
{
    D_OK(aidc_parse_price_usd_per_kwh, "$0.08/kWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "80 $/MWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "80$/MWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "$80/MWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "0.08 USD/kWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "0.08USD/kWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "8c/kWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "8 c/kWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "$0.00008/Wh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "$80000/GWh", 0.08);
    D_OK(aidc_parse_price_usd_per_kwh, "$1/MJ", 3.6);
    D_OK(aidc_parse_price_usd_per_kwh, "$1/GJ", 0.0036);
    D_OK(aidc_parse_price_usd_per_kwh, "$0/kWh", 0.0);
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08", "did you mean \"$0.08/kWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "0.08", "needs a currency: did you mean \"$0.08/kWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "0.08/kWh", "did you mean \"$0.08/kWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08/kwh", "case-sensitive: did you mean \"kWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08/kW", "power, not energy: did you mean \"kWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "$80/mWh", "did you mean \"MWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08/", "missing energy unit");
    D_BAD(aidc_parse_price_usd_per_kwh, "-$0.08/kWh", "negative");
    D_BAD(aidc_parse_price_usd_per_kwh, "$-0.08/kWh", "negative");
    D_BAD(aidc_parse_price_usd_per_kwh, "$nan/kWh", "finite");
    D_BAD(aidc_parse_price_usd_per_kwh, "$1e309/kWh", "too large");
    D_BAD(aidc_parse_price_usd_per_kwh, "8ct/kWh", "did you mean \"8c/kWh\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "0.08 usd/kWh", "did you mean \"USD\"?");
    D_BAD(aidc_parse_price_usd_per_kwh, "0.08 EUR/kWh", "unknown currency \"EUR\"");
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08/kWh/h", "unexpected \"/h\"");
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08 USD/kWh", "expected \"/\"");
    D_BAD(aidc_parse_price_usd_per_kwh, "$0.08/kWh ", "trailing whitespace");
    D_BAD_FOUND(aidc_parse_price_usd_per_kwh, "", "empty string", "expected an energy price");
}

static void test_format(void)
{
    FMT_IS(0, "0s");
    FMT_IS(90 * SEC, "1m30s");
    FMT_IS(30 * DAY, "30d");
    FMT_IS(1500 * MS, "1.5s");
    FMT_IS(250 * MS, "250ms");
    FMT_IS(1, "1ns");
    FMT_IS(999, "999ns");
    FMT_IS(1500, "1.5us");
    FMT_IS(1234567, "1.234567ms");
    FMT_IS(HOUR, "1h");
    FMT_IS(36 * HOUR, "1d12h");
    FMT_IS(DAY + 1, "1d0.000000001s");
    FMT_IS(2 * HOUR + 5 * SEC, "2h5s");
    FMT_IS(INT64_MAX, "106751d23h47m16.854775807s");
    FMT_IS(INT64_MIN, "-106751d23h47m16.854775808s");
    FMT_IS(-90 * SEC, "-1m30s");

    /* Truncation keeps a prefix, always NUL-terminated, and n == 0 writes nothing. */
    char b[4] = "ZZZ";
    CU_ASSERT_PTR_EQUAL(aidc_format_duration(90 * SEC, b, sizeof b), b);
    CU_ASSERT_STRING_EQUAL(b, "1m3");
    CU_ASSERT_PTR_EQUAL(aidc_format_duration(90 * SEC, b, 1), b);
    CU_ASSERT_STRING_EQUAL(b, "");
    b[0] = 'Q';
    aidc_format_duration(90 * SEC, b, 0);
    CU_ASSERT_EQUAL(b[0], 'Q');
    CU_ASSERT_PTR_NULL(aidc_format_duration(90 * SEC, NULL, 0));
}

/* parse(format(x)) == x must hold for every non-negative x; walk fixed edge cases, then a
 * seeded spread of magnitudes from nanoseconds to the int64 limit. */
static void check_round_trip(int64_t ns)
{
    char b[AIDC_DURATION_BUFLEN], e[ERRLEN] = "";
    int64_t back = -1;
    aidc_format_duration(ns, b, sizeof b);
    CU_ASSERT_EQUAL(aidc_parse_duration_ns(b, &back, e, sizeof e), 0);
    CU_ASSERT_EQUAL(back, ns);
}

static void test_round_trip(void)
{
    static const int64_t fixed[] = {0,
                                    1,
                                    999,
                                    1000,
                                    1001,
                                    999999,
                                    1000000,
                                    1000001,
                                    999999999,
                                    1000000000,
                                    1000000001,
                                    59999999999,
                                    60000000000,
                                    3599999999999,
                                    86399999999999,
                                    86400000000000,
                                    INT64_MAX - 1,
                                    INT64_MAX};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        check_round_trip(fixed[i]);

    uint64_t state = 0x9e3779b97f4a7c15u; /* splitmix64, local: no hidden global stream */
    for (int i = 0; i < 2000; i++) {
        uint64_t z = (state += 0x9e3779b97f4a7c15u);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
        z ^= z >> 31;
        int shift = (int)(z % 63); /* spread over all magnitudes, not just huge ones */
        check_round_trip((int64_t)((z >> 1) >> shift));
    }
}

int test_units_register(void)
{
    CU_pSuite suite = CU_add_suite("units", NULL, NULL);
    if (suite == NULL) return 1;
    static const struct {
        const char *name;
        CU_TestFunc fn;
    } tests[] = {
        {"duration units", test_duration_units},
        {"duration fractions and exponents", test_duration_fractions},
        {"compound durations", test_duration_compound},
        {"duration int64 limits", test_duration_limits},
        {"bad durations and hints", test_duration_bad},
        {"error buffer handling", test_error_buffer},
        {"power", test_power},
        {"energy", test_energy},
        {"money", test_money},
        {"energy price", test_price},
        {"format duration", test_format},
        {"format/parse round trip", test_round_trip},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (CU_add_test(suite, tests[i].name, tests[i].fn) == NULL) return 1;
    return 0;
}
