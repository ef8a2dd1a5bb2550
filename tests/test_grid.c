/* CUnit suite for models/grid, models/cost and models/swing: hand-computed tariffs, demand
 * charges, ramps, demand-response limits, costs and power swings; the three real carbon
 * series in shared/data/carbon (directory from $AIDC_CARBON_DIR, default
 * ../shared/data/carbon, beside the repository) and the fixtures in tests/data/grid/. Run from the repo root. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/cost.h"
#include "models/grid.h"
#include "models/swing.h"

#define DIR "tests/data/grid/"
#define ERRLEN 512
#define SEC(s) ((int64_t)(s)*INT64_C(1000000000))
#define MIN(m) SEC((m)*60)
#define HOUR(h) SEC((h)*3600)
#define DAY(d) HOUR((d)*24)

/* err must start with `prefix` and hold `word`; prints it otherwise. */
static void expect_msg(const char *err, const char *prefix, const char *word)
{
    int ok = strncmp(err, prefix, strlen(prefix)) == 0 && strstr(err, word) != NULL &&
             strchr(err, '\n') == NULL;
    CU_ASSERT(ok);
    if (!ok) fprintf(stderr, "\n  message was: %s (wanted %s ... %s)\n", err, prefix, word);
}

/* ---- tariff ------------------------------------------------------------------------------ */

/* Off-peak $0.06 all week; weekdays 16-21 $0.18; weekends $0.05; Friday 22:00 to Saturday
 * 06:00 $0.04 (wraps, and wins over the weekend price because it comes later). */
static void build_week(aidc_tariff *t)
{
    const aidc_tariff_period p[] = {
        {AIDC_DAYS_WEEKDAYS, 16, 21, 0.18},
        {AIDC_DAYS_WEEKEND, 0, 24, 0.05},
        {1u << 4, 22, 6, 0.04},
    };
    char err[ERRLEN] = "";
    CU_ASSERT_EQUAL_FATAL(aidc_tariff_build(t, 0.06, p, 3, "grid.tariff", err, sizeof err), 0);
}

static void test_tou_week(void)
{
    aidc_tariff t;
    build_week(&t);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, 0, 0), 0.06);            /* Mon 00:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(16) - 1, 0), 0.06); /* Mon 15:59:59.999.. */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(16), 0), 0.18);     /* Mon 16:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(21) - 1, 0), 0.18);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(21), 0), 0.06);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(4) + HOUR(17), 0), 0.18); /* Fri 17:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(4) + HOUR(22), 0), 0.04); /* Fri 22:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(5) + HOUR(3), 0), 0.04);  /* Sat 03:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(5) + HOUR(6), 0), 0.05);  /* Sat 06:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(6) + HOUR(23), 0), 0.05); /* Sun 23:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(7) + HOUR(16), 0), 0.18); /* next Mon 16:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(70) + HOUR(3), 0), 0.06); /* Mon, 10 weeks on */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, -1, 0), 0.05);                /* Sun 23:59:59.999.. */

    /* Sim time 0 on a Wednesday. */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, 0, 2), 0.06);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(2) + HOUR(16), 2), 0.18); /* Fri 16:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(3) + HOUR(3), 2), 0.04);  /* Sat 03:00 */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, DAY(5) + HOUR(16), 2), 0.18); /* Mon 16:00 */

    /* 1 MW from Mon 15:30 to 16:30: 500 kWh at 0.06 and 500 kWh at 0.18. */
    CU_ASSERT_DOUBLE_EQUAL(aidc_tariff_cost_usd(&t, MIN(15 * 60 + 30), MIN(16 * 60 + 30), 1e6, 0),
                           120.0, 1e-9);
    /* A whole week at 1 kW: sum of all 168 prices. */
    double week = 0;
    for (int h = 0; h < 168; h++)
        week += t.price_usd_per_kwh[h];
    /* 25 h peak, 42 h weekend, 8 h Friday night (2 + 6), the other 93 h off-peak */
    CU_ASSERT_DOUBLE_EQUAL(week, 25 * 0.18 + 42 * 0.05 + 8 * 0.04 + 93 * 0.06, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_tariff_cost_usd(&t, 0, DAY(7), 1e3, 0), week, 1e-9);

    aidc_tariff flat;
    aidc_tariff_flat(&flat, 0.08);
    CU_ASSERT_EQUAL(aidc_tariff_price(&flat, DAY(3) + HOUR(11), 6), 0.08);
    CU_ASSERT_DOUBLE_EQUAL(aidc_tariff_cost_usd(&flat, 0, HOUR(8760), 1e6, 0), 700800.0, 1e-6);
}

static void test_tou_errors(void)
{
    aidc_tariff t;
    aidc_tariff_flat(&t, 0.07);
    char err[ERRLEN];
    aidc_tariff_period p[2] = {{AIDC_DAYS_ALL, 8, 20, 0.1}, {AIDC_DAYS_WEEKDAYS, 16, 21, -0.2}};
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.periods[1].price: ", "-0.2");
    CU_ASSERT_EQUAL(t.price_usd_per_kwh[0], 0.07); /* untouched on failure */

    p[1].price_usd_per_kwh = 0.2;
    p[1].days = 0;
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.periods[1].days: ", "mon..sun");
    p[1].days = 0x80;
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.periods[1].days: ", "0x80");
    p[1].days = AIDC_DAYS_ALL;
    p[0].start_hour = 24;
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.periods[0].start_hour: ", "24");
    p[0].start_hour = 8;
    p[0].end_hour = 8;
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.periods[0].end_hour: ", "empty");
    p[0].end_hour = 25;
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.periods[0].end_hour: ", "25");
    p[0].end_hour = 20;
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, NAN, p, 2, "grid.tariff", err, sizeof err), -1);
    expect_msg(err, "grid.tariff.price: ", "nan");
    CU_ASSERT_EQUAL(aidc_tariff_build(&t, 0.05, p, 2, "grid.tariff", err, sizeof err), 0);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(7), 0), 0.05);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(9), 0), 0.1);
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(17), 0), 0.2); /* the later period wins */
    CU_ASSERT_EQUAL(aidc_tariff_price(&t, HOUR(21), 0), 0.05);
}

static void test_tou_days(void)
{
    char err[ERRLEN];
    unsigned m = 0;
    CU_ASSERT_EQUAL(aidc_tariff_parse_days("mon-fri", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m, 0x1fu);
    CU_ASSERT_EQUAL(aidc_tariff_parse_days("sat,sun", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m, 0x60u);
    CU_ASSERT_EQUAL(aidc_tariff_parse_days("fri-mon", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m, 0x71u);
    CU_ASSERT_EQUAL(aidc_tariff_parse_days("mon,wed-fri", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m, 0x1du);
    CU_ASSERT_EQUAL(aidc_tariff_parse_days("all", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m, 0x7fu);
    CU_ASSERT_EQUAL(aidc_tariff_parse_days("weekends", &m, err, sizeof err), 0);
    CU_ASSERT_EQUAL(m, 0x60u);
    m = 99;
    static const char *const bad[] = {"", "Mon", "mon-", "mon,,tue", "monday", "mon-fri,", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        CU_ASSERT_EQUAL(aidc_tariff_parse_days(bad[i], &m, err, sizeof err), -1);
        expect_msg(err, "expected days", "found \"");
    }
    CU_ASSERT_EQUAL(m, 99u);
}

/* ---- demand meter ------------------------------------------------------------------------ */

static aidc_demand_meter meter; /* 28 kB: static, not on the stack */

static void test_demand_spike(void)
{
    /* 1 MW base with a 5-minute 10 MW spike inside one 15-minute interval:
     * (10 min * 1 MW + 5 min * 10 MW) / 15 min = 4 MW exactly, not 10 MW. */
    aidc_demand_meter_init(&meter);
    aidc_demand_meter_add(&meter, 0, MIN(5), 1e6);
    aidc_demand_meter_add(&meter, MIN(5), MIN(10), 10e6);
    aidc_demand_meter_add(&meter, MIN(10), MIN(30), 1e6);
    CU_ASSERT_EQUAL(aidc_demand_meter_months(&meter), 1);
    CU_ASSERT_EQUAL(aidc_demand_meter_month_peak_w(&meter, 0), 4e6);
    CU_ASSERT_EQUAL(aidc_demand_meter_peak_w(&meter), 4e6);
    /* 25 min at 1 MW + 5 min at 10 MW = 1.5e9 J + 3e9 J = 1250 kWh */
    CU_ASSERT_DOUBLE_EQUAL(aidc_demand_meter_energy_kwh(&meter), 1250.0, 1e-9);

    aidc_demand_meter_init(&meter);
    CU_ASSERT_EQUAL(aidc_demand_meter_months(&meter), 0);
    CU_ASSERT_EQUAL(aidc_demand_meter_peak_w(&meter), 0);
}

static void test_demand_boundaries(void)
{
    /* Zero until 10 min (a gap), then 3 MW for 30 min in one span over two boundaries:
     * [0,15) 3 MW * 5/15 = 1 MW, [15,30) 3 MW, [30,45) open at 40 min: 3 MW * 10/15 = 2 MW. */
    aidc_demand_meter_init(&meter);
    aidc_demand_meter_add(&meter, MIN(10), MIN(40), 3e6);
    CU_ASSERT_EQUAL(aidc_demand_meter_peak_w(&meter), 3e6);
    aidc_demand_meter_add(&meter, MIN(40), MIN(45), 0);
    CU_ASSERT_EQUAL(aidc_demand_meter_month_peak_w(&meter, 0), 3e6);

    /* A span across a billing-month boundary (30 days): the 15-minute interval just before
     * it holds 5 min at 1 MW and 10 min at 7 MW (5 MW average), the one just after 5 min at
     * 7 MW (7/3 MW average), and the open interval at the end counts by its energy. */
    aidc_demand_meter_init(&meter);
    aidc_demand_meter_add(&meter, 0, DAY(30) - MIN(10), 1e6);
    aidc_demand_meter_add(&meter, DAY(30) - MIN(10), DAY(30) + MIN(5), 7e6);
    aidc_demand_meter_add(&meter, DAY(30) + MIN(5), DAY(30) + MIN(20), 0);
    aidc_demand_meter_add(&meter, DAY(30) + MIN(20), DAY(30) + MIN(25), 9e6);
    CU_ASSERT_EQUAL(aidc_demand_meter_months(&meter), 2);
    CU_ASSERT_EQUAL(aidc_demand_meter_month_peak_w(&meter, 0), 5e6);
    /* [30d+15, 30d+30) is open at 30d+25: 5 min at 9 MW over 15 min = 3 MW > 7/3 MW */
    CU_ASSERT_DOUBLE_EQUAL(aidc_demand_meter_month_peak_w(&meter, 1), 3e6, 1e-6);
    aidc_demand_meter_add(&meter, DAY(30) + MIN(25), DAY(30) + MIN(30), 0);
    CU_ASSERT_DOUBLE_EQUAL(aidc_demand_meter_month_peak_w(&meter, 1), 3e6, 1e-6);
    double peaks[4] = {0};
    CU_ASSERT_EQUAL(aidc_demand_meter_monthly_peaks(&meter, peaks, 4), 2);
    CU_ASSERT_EQUAL(peaks[0], 5e6);
    CU_ASSERT_DOUBLE_EQUAL(peaks[1], 3e6, 1e-6);
    CU_ASSERT_EQUAL(aidc_demand_meter_peak_w(&meter), 5e6);
    /* energy: (30d - 10min) at 1 MW + 15 min at 7 MW + 5 min at 9 MW */
    double kwh = (30.0 * 24 - 10.0 / 60) * 1e3 + 0.25 * 7e3 + 5.0 / 60 * 9e3;
    CU_ASSERT_DOUBLE_EQUAL(aidc_demand_meter_energy_kwh(&meter), kwh, 1e-6);

    /* Exactly on a boundary: the interval is complete, nothing is open. */
    aidc_demand_meter_init(&meter);
    aidc_demand_meter_add(&meter, 0, MIN(15), 2e6);
    CU_ASSERT_EQUAL(aidc_demand_meter_peak_w(&meter), 2e6);
    CU_ASSERT_EQUAL(meter.demand.idx, 1);
    aidc_demand_meter_add(&meter, MIN(15), MIN(15), 7e6); /* empty span: no effect */
    CU_ASSERT_EQUAL(aidc_demand_meter_peak_w(&meter), 2e6);
}

static void test_ramps(void)
{
    /* 1 MW, a step to 4 MW at 10:30, a step to 0 at 40:00, observed to 60:00.
     * 1-minute averages: ... 1, 2.5, 4 ... 4, 0 ... -> up 1.5 MW/min, down 4 MW/min.
     * 15-minute: 1.9 (10.5*1 + 4.5*4)/15, 4, 8/3 (10 min of 4 MW), 0
     * -> up 2.1/15 MW/min, down (8/3)/15 MW/min. */
    aidc_demand_meter_init(&meter);
    aidc_demand_meter_add(&meter, 0, SEC(630), 1e6);
    aidc_demand_meter_add(&meter, SEC(630), MIN(40), 4e6);
    aidc_ramp_stats r;
    aidc_demand_meter_ramps(&meter, &r);
    CU_ASSERT_DOUBLE_EQUAL(r.up_1min_w_per_min, 1.5e6, 1e-6);
    CU_ASSERT_EQUAL(r.down_1min_w_per_min, 0);
    CU_ASSERT_DOUBLE_EQUAL(r.up_15min_w_per_min, 2.1e6 / 15, 1e-6);
    CU_ASSERT_EQUAL(r.down_15min_w_per_min, 0); /* the open interval [30,45) does not count */
    aidc_demand_meter_add(&meter, MIN(40), MIN(60), 0);
    aidc_demand_meter_ramps(&meter, &r);
    CU_ASSERT_DOUBLE_EQUAL(r.up_1min_w_per_min, 1.5e6, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(r.down_1min_w_per_min, 4e6, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(r.up_15min_w_per_min, 2.1e6 / 15, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(r.down_15min_w_per_min, 8e6 / 3 / 15, 1e-6);

    /* A step exactly on a minute boundary: one interval jumps the whole step. */
    aidc_demand_meter_init(&meter);
    aidc_demand_meter_add(&meter, 0, MIN(3), 2e6);
    aidc_demand_meter_add(&meter, MIN(3), MIN(5), 7e6);
    aidc_demand_meter_ramps(&meter, &r);
    CU_ASSERT_EQUAL(r.up_1min_w_per_min, 5e6);
    CU_ASSERT_EQUAL(r.up_15min_w_per_min, 0); /* no complete pair of 15-minute intervals */
}

/* ---- demand response --------------------------------------------------------------------- */

static void test_dr(void)
{
    const aidc_dr_event ev[] = {
        {HOUR(1), HOUR(3), 5e6},
        {HOUR(2), HOUR(4), 3e6},
        {MIN(150), MIN(165), 4e6},
    };
    CU_ASSERT(isinf(aidc_dr_limit_w(ev, 3, 0)));
    CU_ASSERT(isinf(aidc_dr_limit_w(ev, 3, HOUR(1) - 1)));
    CU_ASSERT_EQUAL(aidc_dr_limit_w(ev, 3, HOUR(1)), 5e6);
    CU_ASSERT_EQUAL(aidc_dr_limit_w(ev, 3, HOUR(2) - 1), 5e6);
    CU_ASSERT_EQUAL(aidc_dr_limit_w(ev, 3, HOUR(2)), 3e6);  /* overlap: the lower one */
    CU_ASSERT_EQUAL(aidc_dr_limit_w(ev, 3, MIN(155)), 3e6); /* three active */
    CU_ASSERT_EQUAL(aidc_dr_limit_w(ev, 3, HOUR(3)), 3e6);  /* end is exclusive */
    CU_ASSERT(isinf(aidc_dr_limit_w(ev, 3, HOUR(4))));
    CU_ASSERT(isinf(aidc_dr_limit_w(NULL, 0, HOUR(2))));
    CU_ASSERT_EQUAL(aidc_dr_limit_w(&ev[2], 1, MIN(150)), 4e6);

    CU_ASSERT_EQUAL(aidc_dr_next_change_ns(ev, 3, 0), HOUR(1));
    CU_ASSERT_EQUAL(aidc_dr_next_change_ns(ev, 3, HOUR(2)), MIN(150));
    CU_ASSERT_EQUAL(aidc_dr_next_change_ns(ev, 3, MIN(150)), MIN(165));
    CU_ASSERT_EQUAL(aidc_dr_next_change_ns(ev, 3, MIN(165)), HOUR(3));
    CU_ASSERT_EQUAL(aidc_dr_next_change_ns(ev, 3, HOUR(4)), INT64_MAX);

    char err[ERRLEN];
    CU_ASSERT_EQUAL(aidc_dr_check(ev, 3, "grid.demand_response", err, sizeof err), 0);
    aidc_dr_event bad[] = {{0, HOUR(1), 1e6}, {HOUR(2), HOUR(2), 1e6}};
    CU_ASSERT_EQUAL(aidc_dr_check(bad, 2, "grid.demand_response", err, sizeof err), -1);
    expect_msg(err, "grid.demand_response[1].end: ", "after start");
    bad[1].end_ns = HOUR(3);
    bad[1].limit_w = -1;
    CU_ASSERT_EQUAL(aidc_dr_check(bad, 2, "grid.demand_response", err, sizeof err), -1);
    expect_msg(err, "grid.demand_response[1].limit: ", "-1");
    bad[1].limit_w = 0;
    bad[0].start_ns = -1;
    CU_ASSERT_EQUAL(aidc_dr_check(bad, 2, "grid.demand_response", err, sizeof err), -1);
    expect_msg(err, "grid.demand_response[0].start: ", ">= 0");
}

/* ---- carbon series ----------------------------------------------------------------------- */

static const char *carbon_dir(void)
{
    const char *d = getenv("AIDC_CARBON_DIR");
    return d && *d ? d : "../shared/data/carbon";
}

static void read_shared(const char *name, aidc_series *s, int want_filled, double first)
{
    char path[1024], err[ERRLEN] = "";
    snprintf(path, sizeof path, "%s/%s", carbon_dir(), name);
    int rc = aidc_carbon_read(path, s, err, sizeof err);
    CU_ASSERT_EQUAL(rc, want_filled);
    if (rc != want_filled) fprintf(stderr, "\n  %s: rc %d: %s\n", name, rc, err);
    CU_ASSERT_EQUAL_FATAL(s->n, 8760);
    CU_ASSERT_EQUAL(s->n_filled, (size_t)want_filled);
    CU_ASSERT_EQUAL(s->start_unix_s, INT64_C(1640995200)); /* 2022-01-01 00:00 UTC */
    CU_ASSERT_EQUAL(s->v[0], first);
    CU_ASSERT_EQUAL(aidc_series_at(s, 0, 0), first);
    CU_ASSERT_EQUAL(aidc_series_at(s, HOUR(8760), 0), first); /* wraps */
    CU_ASSERT_EQUAL(aidc_series_at(s, HOUR(1), 8759), first); /* wraps */
    CU_ASSERT_EQUAL(aidc_series_at(s, 0, 8759), s->v[8759]);
    CU_ASSERT_EQUAL(aidc_series_at(s, HOUR(2) - 1, 8760 + 5), s->v[6]);
    for (size_t i = 0; i < s->n; i++)
        CU_ASSERT_FATAL(isfinite(s->v[i]) && s->v[i] > 0);
}

static void test_carbon_shared(void)
{
    aidc_series s;
    aidc_series_init(&s);
    read_shared("AZ_NG_and_avgCI.csv", &s, 0, 631.6617084572886);
    read_shared("TX_NG_and_avgCI.csv", &s, 0, 334.2055847568988);
    read_shared("VA_NG_and_avgCI.csv", &s, 23, 341.4337498507268);
    if (s.n == 8760) {
        /* 2022-11-07 05:00 (row 7445) is a lone hole: the mean of its neighbours. */
        CU_ASSERT_DOUBLE_EQUAL(s.v[7445], (s.v[7444] + s.v[7446]) / 2, 1e-12);
        /* 2022-03-13 07:00 .. 03-14 04:00 (rows 1711..1732): a straight line from row 1710
         * to row 1733 in 23 steps. */
        for (size_t k = 1711; k <= 1732; k++)
            CU_ASSERT_DOUBLE_EQUAL(s.v[k], s.v[1710] + (s.v[1733] - s.v[1710]) * (k - 1710) / 23.0,
                                   1e-9);
        /* SOURCE.md: VA mean 362.6 over the known hours; filling 23 barely moves it. */
        double sum = 0;
        for (size_t i = 0; i < s.n; i++)
            sum += s.v[i];
        CU_ASSERT_DOUBLE_EQUAL(sum / s.n, 362.6, 0.5);
    }
    aidc_series_fini(&s);
    CU_ASSERT_PTR_NULL(s.v);
    CU_ASSERT_EQUAL(s.n, 0);
}

static void test_carbon_fixtures(void)
{
    aidc_series s;
    aidc_series_init(&s);
    char err[ERRLEN] = "";

    /* Holes: interpolated inside, copied from the nearest value at the end; comments and
     * blank lines skipped. */
    CU_ASSERT_EQUAL(aidc_carbon_read(DIR "simple.csv", &s, err, sizeof err), 3);
    CU_ASSERT_EQUAL_FATAL(s.n, 5);
    const double want[] = {100, 200, 300, 400, 400};
    for (size_t i = 0; i < 5; i++)
        CU_ASSERT_DOUBLE_EQUAL(s.v[i], want[i], 1e-12);
    CU_ASSERT_EQUAL(s.start_unix_s, INT64_MIN);
    /* 1 MW over [0, 1.5 h): 1000 kWh at 100 g + 500 kWh at 200 g = 200 kg */
    CU_ASSERT_DOUBLE_EQUAL(aidc_series_energy_weighted(&s, 0, MIN(90), 1e6, 0), 200000.0, 1e-6);
    /* wraps: hour 4 (400 g) then hour 0 (100 g) */
    CU_ASSERT_DOUBLE_EQUAL(aidc_series_energy_weighted(&s, 0, HOUR(2), 1e3, 4), 500.0, 1e-9);

    /* A second read into the same series replaces it (old array freed: ASan checks). */
    CU_ASSERT_EQUAL(aidc_carbon_read(DIR "simple-crlf.csv", &s, err, sizeof err), 0);
    CU_ASSERT_EQUAL_FATAL(s.n, 2);
    CU_ASSERT_EQUAL(s.v[1], 70.5);

    /* Offsets and "Z" normalized to UTC; the middle row is 07:00 UTC. */
    CU_ASSERT_EQUAL(aidc_carbon_read(DIR "eia-small.csv", &s, err, sizeof err), 1);
    CU_ASSERT_EQUAL_FATAL(s.n, 3);
    CU_ASSERT_EQUAL(s.v[1], 400);
    CU_ASSERT_EQUAL(s.start_unix_s, INT64_C(1647151200)); /* 2022-03-13 06:00 UTC */

    CU_ASSERT_EQUAL(aidc_carbon_read(DIR "eia-gap-start.csv", &s, err, sizeof err), 2);
    CU_ASSERT_EQUAL_FATAL(s.n, 4);
    CU_ASSERT_EQUAL(s.v[0], 250);
    CU_ASSERT_EQUAL(s.v[1], 250);
    aidc_series_fini(&s);

    static const struct {
        const char *file, *where, *word;
    } bad[] = {
        {"bad-timestamp.csv", ":3: ", "timestamp"},
        {"bad-value.csv", ":4: ", "avg_CI"},
        {"bad-sequence.csv", ":4: ", "2022-01-01 02:00:00+00:00"},
        {"bad-date.csv", ":2: ", "2022-02-29"},
        {"bad-fields.csv", ":3: ", "expected 3 fields"},
        {"bad-header.csv", ":1: ", "avg_CI"},
        {"bad-hour.csv", ":4: ", "expected 2"},
        {"bad-negative.csv", ":3: ", "-5"},
        {"bad-nan.csv", ":2: ", "nan"},
        {"all-empty.csv", ": ", "every g_per_kwh value is empty"},
        {"empty.csv", ": ", "empty file"},
        {"header-only.csv", ": ", "no data rows"},
        {"no-such-file.csv", ": ", "cannot open"},
        {"", ": ", "cannot read"}, /* the directory itself */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char prefix[256];
        snprintf(prefix, sizeof prefix, DIR "%s%s", bad[i].file, bad[i].where);
        aidc_series_init(&s);
        err[0] = '\0';
        char path[256];
        snprintf(path, sizeof path, DIR "%s", bad[i].file);
        CU_ASSERT_EQUAL(aidc_carbon_read(path, &s, NULL, 0), -1); /* no buffer: still fails */
        CU_ASSERT_EQUAL(aidc_carbon_read(path, &s, err, sizeof err), -1);
        expect_msg(err, prefix, bad[i].word);
        CU_ASSERT_EQUAL(s.n, 0);
        CU_ASSERT_PTR_NULL(s.v);
        aidc_series_fini(&s);
    }
}

/* ---- cost -------------------------------------------------------------------------------- */

static void test_cost_year(void)
{
    /* 1 MW critical, 1000 GPUs in 125 8-GPU systems at $240k ($30M), one 365-day year.
     * capex: 30M/5 + 11.7M/15 + 5M/5 = 6,000,000 + 780,000 + 1,000,000 = 7,780,000
     * energy: 1 MW * 8760 h * $0.08 = 700,800 (computed by the caller)
     * demand: 12 full months at 1.2 MW * $15/kW-month = 216,000, plus 5/30 of the 13th
     *         = 3,000 -> 219,000
     * fixed: 100,000. total 8,799,800. */
    aidc_cost_cfg c;
    aidc_cost_cfg_default(&c);
    c.fixed_usd_per_year = 100000;
    double peaks[13];
    for (int i = 0; i < 13; i++)
        peaks[i] = 1.2e6;
    double gpu_h = 1000 * 8760 * 0.8, mwh = 1.2 * 8760;
    aidc_cost_result r =
        aidc_cost_compute(&c, 365 * 86400.0, 1000, 30e6, 1e6, 700800.0, peaks, 13, gpu_h, mwh);
    CU_ASSERT_DOUBLE_EQUAL(r.capex_systems, 6000000.00, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.capex_facility, 780000.00, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.capex_network, 1000000.00, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.capex_amortized, 7780000.00, 0.005);
    CU_ASSERT_EQUAL(r.energy, 700800.0);
    CU_ASSERT_DOUBLE_EQUAL(r.demand, 219000.00, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.fixed, 100000.00, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.total, 8799800.00, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.per_gpu_hour, 8799800.0 / 7008000.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.per_mwh, 8799800.0 / 10512.0, 1e-9);

    /* 45 days: 45/365 of a year of capex and fixed; month 2 pays half its demand charge. */
    double p2[2] = {1e6, 2e6};
    r = aidc_cost_compute(&c, 45 * 86400.0, 1000, 30e6, 1e6, 0, p2, 2, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(r.demand, 15.0 * 1000 + 15.0 * 2000 * 0.5, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.capex_amortized, 7780000.0 * 45 / 365, 0.005);
    CU_ASSERT_DOUBLE_EQUAL(r.fixed, 100000.0 * 45 / 365, 0.005);
    CU_ASSERT(isnan(r.per_gpu_hour));
    CU_ASSERT(isnan(r.per_mwh));
}

static void test_cost_cfg(void)
{
    aidc_cost_cfg c;
    aidc_cost_cfg_default(&c);
    CU_ASSERT_EQUAL(c.system_life_years, 5.0);
    CU_ASSERT_EQUAL(c.facility_usd_per_w, 11.7);
    CU_ASSERT_EQUAL(c.facility_life_years, 15.0);
    CU_ASSERT_EQUAL(c.network_usd_per_gpu, 5000.0);
    CU_ASSERT_EQUAL(c.demand_usd_per_kw_month, 15.0);
    char err[ERRLEN];
    CU_ASSERT_EQUAL(aidc_cost_cfg_check(&c, "cost", err, sizeof err), 0);
    c.facility_life_years = 0;
    CU_ASSERT_EQUAL(aidc_cost_cfg_check(&c, "cost", err, sizeof err), -1);
    expect_msg(err, "cost.facility_life_years: ", "> 0");
    c.facility_life_years = 20;
    c.demand_usd_per_kw_month = -3;
    CU_ASSERT_EQUAL(aidc_cost_cfg_check(&c, "cost", err, sizeof err), -1);
    expect_msg(err, "cost.demand_usd_per_kw_month: ", "-3");
    c.demand_usd_per_kw_month = INFINITY;
    CU_ASSERT_EQUAL(aidc_cost_cfg_check(&c, "cost", err, sizeof err), -1);
    expect_msg(err, "cost.demand_usd_per_kw_month: ", "inf");
}

/* ---- swing ------------------------------------------------------------------------------- */

static aidc_swing_job wave(double hi, double lo, double period_s, double cf, double phase)
{
    aidc_swing_job j = {hi, lo, 1000.0, period_s, cf, phase};
    return j;
}

static aidc_swing_result analyze(const aidc_swing_cfg *c, const aidc_swing_job *j, size_t n)
{
    aidc_swing_result r;
    memset(&r, 0, sizeof r);
    char err[ERRLEN] = "";
    int rc = aidc_swing_analyze(c, j, n, &r, err, sizeof err);
    CU_ASSERT_EQUAL(rc, 0);
    if (rc != 0) fprintf(stderr, "\n  swing: %s\n", err);
    return r;
}

static void test_swing_single(void)
{
    /* 1000/200 W, T = 2 s, half compute; 60 s at 100 Hz is 30 whole periods. */
    aidc_swing_cfg c;
    aidc_swing_cfg_default(&c);
    aidc_swing_job j = wave(1000, 200, 2.0, 0.5, 0);
    aidc_swing_result r = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(r.n_samples, 6000);
    CU_ASSERT_EQUAL(r.swing_w, 800.0);
    CU_ASSERT_EQUAL(r.peak_w, 1000.0);
    CU_ASSERT_EQUAL(r.trough_w, 200.0);
    CU_ASSERT_DOUBLE_EQUAL(r.mean_w, 600.0, 1e-9);
    CU_ASSERT_EQUAL(r.dominant_hz, 0.5);
    CU_ASSERT_EQUAL(r.floor_energy_j, 0);
    CU_ASSERT_EQUAL(r.floor_waste_w, 0);

    /* Base load shifts levels, not the swing or the spectrum. */
    c.base_w = 5e3;
    aidc_swing_result rb = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(rb.swing_w, 800.0);
    CU_ASSERT_EQUAL(rb.peak_w, 6000.0);
    CU_ASSERT_EQUAL(rb.dominant_hz, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(rb.band_fraction, r.band_fraction, 1e-12);

    /* A 20% duty cycle with an offset phase still has its strongest line at 1/T. */
    c.base_w = 0;
    j = wave(1000, 200, 1.25, 0.2, 0.3);
    r = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(r.swing_w, 800.0);
    CU_ASSERT_DOUBLE_EQUAL(r.dominant_hz, 0.8, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.mean_w, 360.0, 1e-9);
}

static void test_swing_superpose(void)
{
    aidc_swing_cfg c;
    aidc_swing_cfg_default(&c);
    aidc_swing_job j[2] = {wave(1000, 200, 2.0, 0.5, 0), wave(1000, 200, 2.0, 0.5, 0)};
    aidc_swing_result r = analyze(&c, j, 2);
    CU_ASSERT_EQUAL(r.swing_w, 1600.0);
    CU_ASSERT_EQUAL(r.dominant_hz, 0.5);

    j[1].phase = 0.5; /* antiphase: the troughs of one fill the peaks of the other */
    r = analyze(&c, j, 2);
    CU_ASSERT_EQUAL(r.swing_w, 0.0);
    CU_ASSERT_EQUAL(r.peak_w, 1200.0);
    CU_ASSERT_EQUAL(r.dominant_hz, 0.0);
    CU_ASSERT_EQUAL(r.band_fraction, 0.0);

    /* Staggering does the same whatever the jobs' own phases. */
    j[1].phase = 0;
    c.stagger = true;
    r = analyze(&c, j, 2);
    CU_ASSERT_EQUAL(r.swing_w, 0.0);

    /* Four staggered quarter-duty jobs tile the iteration: flat again. */
    aidc_swing_job q[4];
    for (int i = 0; i < 4; i++)
        q[i] = wave(900, 100, 1.0, 0.25, 0.7);
    r = analyze(&c, q, 4);
    CU_ASSERT_EQUAL(r.swing_w, 0.0);

    /* Three staggered third-duty jobs whose levels do not add exactly in binary: the sum is
     * flat but for rounding, which must not produce a spectrum (or a breach). */
    aidc_swing_cfg c3 = c;
    c3.sample_hz = 99;
    aidc_swing_job t3[3];
    for (int i = 0; i < 3; i++) t3[i] = wave(0.7, 0.1, 1.0, 1.0 / 3, 0);
    r = analyze(&c3, t3, 3);
    CU_ASSERT(r.swing_w < 1e-12);
    CU_ASSERT_EQUAL(r.band_fraction, 0.0);
    CU_ASSERT_EQUAL(r.dominant_hz, 0.0);

    c.stagger = false;
    r = analyze(&c, q, 4);
    CU_ASSERT_EQUAL(r.swing_w, 3200.0);
    CU_ASSERT_EQUAL(analyze(&c, NULL, 0).swing_w, 0.0);
}

static void test_swing_floor(void)
{
    /* Floor 50% of a 1000 W TDP: troughs 200 -> 500 W, the swing drops by 300 W, and the
     * 30 s spent in troughs over the 60 s window burn 300 W * 30 s = 9000 J (150 W). */
    aidc_swing_cfg c;
    aidc_swing_cfg_default(&c);
    aidc_swing_job j = wave(1000, 200, 2.0, 0.5, 0);
    double before = analyze(&c, &j, 1).swing_w;
    c.floor_fraction = 0.5;
    aidc_swing_result r = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(before - r.swing_w, 300.0);
    CU_ASSERT_EQUAL(r.swing_w, 500.0);
    CU_ASSERT_EQUAL(r.trough_w, 500.0);
    CU_ASSERT_DOUBLE_EQUAL(r.floor_energy_j, 9000.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.floor_waste_w, 150.0, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.mean_w, 750.0, 1e-9); /* 600 + 150 */

    /* A floor below P_low changes nothing. */
    c.floor_fraction = 0.1;
    r = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(r.swing_w, 800.0);
    CU_ASSERT_EQUAL(r.floor_energy_j, 0.0);

    /* Floor at or above P_high flattens the job: 1200 W all the time. */
    c.floor_fraction = 1.0;
    j.tdp_w = 1200;
    r = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(r.swing_w, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(r.floor_energy_j, 200.0 * 30 + 1000.0 * 30, 1e-9);

    /* A window that is not a whole number of periods: 60.5 s with compute starting at 1 s
     * (phase 0.5) holds 30 s of compute and 30.5 s of communication. The exact integral
     * matches the sampled sum, because every edge falls on a sample. */
    c.window_s = 60.5;
    c.floor_fraction = 0.5;
    j.tdp_w = 1000;
    j.phase = 0.5;
    r = analyze(&c, &j, 1);
    CU_ASSERT_DOUBLE_EQUAL(r.floor_energy_j, 300.0 * 30.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.floor_waste_w, 300.0 * 30.5 / 60.5, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.mean_w, (1000.0 * 30 + 500.0 * 30.5) / 60.5, 1e-9);
}

static void test_swing_band(void)
{
    /* Sampled at 40 Hz, every line of the sampled wave lies at or below the 20 Hz Nyquist
     * frequency, so all of it is in the 0.1–20 Hz band; its RMS is half the swing. */
    aidc_swing_cfg c;
    aidc_swing_cfg_default(&c);
    c.sample_hz = 40;
    aidc_swing_job j = wave(1000, 200, 1.0, 0.5, 0);
    aidc_swing_result r = analyze(&c, &j, 1);
    CU_ASSERT_DOUBLE_EQUAL(r.band_fraction, 1.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.band_rms_w, 400.0, 1e-9);
    CU_ASSERT_EQUAL(r.dominant_hz, 1.0);

    /* At 100 Hz the wave has 100 samples per period; its DFT lines are the odd harmonics k
     * with |X_k| proportional to 1/sin(pi k / 100), k = 1, 3 .. 49. The band keeps k <= 19. */
    c.sample_hz = 100;
    r = analyze(&c, &j, 1);
    double in = 0, all = 0;
    for (int k = 1; k <= 49; k += 2) {
        double e = 1 / pow(sin(acos(-1.0) * k / 100), 2);
        all += e;
        if (k <= 19) in += e;
    }
    CU_ASSERT_DOUBLE_EQUAL(r.band_fraction, in / all, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(r.band_rms_w, 400.0 * sqrt(in / all), 1e-6);
    CU_ASSERT(r.band_fraction > 0.9 && r.band_fraction < 1);

    /* A 50 Hz wave (period 0.02 s) has nothing in the band. */
    j.period_s = 0.02;
    r = analyze(&c, &j, 1);
    CU_ASSERT_EQUAL(r.swing_w, 800.0);
    CU_ASSERT_DOUBLE_EQUAL(r.band_fraction, 0.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(r.dominant_hz, 50.0, 1e-9);
}

static void test_swing_limits(void)
{
    aidc_swing_cfg c;
    aidc_swing_cfg_default(&c);
    aidc_swing_limits l;
    aidc_swing_limits_default(&l);
    CU_ASSERT(isinf(l.max_swing_w));
    CU_ASSERT_EQUAL(l.max_band_fraction, 0.2);
    aidc_swing_job j[2] = {wave(1000, 200, 2.0, 0.5, 0), wave(1000, 200, 2.0, 0.5, 0.5)};
    aidc_swing_result r = analyze(&c, j, 1);
    CU_ASSERT(aidc_swing_breach(&r, &l)); /* in-band share ~0.98 > 0.2 */
    l.max_band_fraction = 1;
    CU_ASSERT(!aidc_swing_breach(&r, &l));
    l.max_swing_w = 799;
    CU_ASSERT(aidc_swing_breach(&r, &l));
    l.max_swing_w = 800;
    CU_ASSERT(!aidc_swing_breach(&r, &l));
    aidc_swing_limits_default(&l);
    r = analyze(&c, j, 2); /* antiphase: flat */
    CU_ASSERT(!aidc_swing_breach(&r, &l));
}

static void test_swing_errors(void)
{
    aidc_swing_cfg c;
    char err[ERRLEN];
    aidc_swing_cfg_default(&c);
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), 0);
    c.band_hi_hz = 60;
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), -1);
    expect_msg(err, "grid.swing.band_hi_hz: ", "Nyquist");
    c.band_hi_hz = 0.05;
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), -1);
    expect_msg(err, "grid.swing.band_hi_hz: ", "above band_lo_hz");
    aidc_swing_cfg_default(&c);
    c.window_s = 0.015;
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), -1);
    expect_msg(err, "grid.swing.window_s: ", "whole number");
    c.window_s = 10.09; /* 1009 samples, a prime */
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), -1);
    expect_msg(err, "grid.swing.window_s: ", "1009");
    aidc_swing_cfg_default(&c);
    c.floor_fraction = 1.5;
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), -1);
    expect_msg(err, "grid.swing.floor_fraction: ", "1.5");
    c.floor_fraction = 0;
    c.sample_hz = NAN;
    CU_ASSERT_EQUAL(aidc_swing_cfg_check(&c, "grid.swing", err, sizeof err), -1);
    expect_msg(err, "grid.swing.sample_hz: ", "nan");

    aidc_swing_cfg_default(&c);
    aidc_swing_job j[2] = {wave(1000, 200, 2.0, 0.5, 0), wave(1000, 200, 2.0, 0, 0)};
    aidc_swing_result r;
    CU_ASSERT_EQUAL(aidc_swing_analyze(&c, j, 2, &r, err, sizeof err), -1);
    expect_msg(err, "jobs[1].compute_fraction: ", "(0, 1]");
    j[1] = wave(100, 200, 2.0, 0.5, 0);
    CU_ASSERT_EQUAL(aidc_swing_analyze(&c, j, 2, &r, err, sizeof err), -1);
    expect_msg(err, "jobs[1].p_high_w: ", ">= p_low_w");
    j[1] = wave(1000, 200, 0, 0.5, 0);
    CU_ASSERT_EQUAL(aidc_swing_analyze(&c, j, 2, &r, err, sizeof err), -1);
    expect_msg(err, "jobs[1].period_s: ", "> 0");
    j[1] = wave(1000, 200, 2.0, 0.5, 1.0);
    CU_ASSERT_EQUAL(aidc_swing_analyze(&c, j, 2, &r, err, sizeof err), -1);
    expect_msg(err, "jobs[1].phase: ", "[0, 1)");
}

int test_grid_register(void)
{
    CU_pSuite s = CU_add_suite("grid", NULL, NULL);
    if (!s) return -1;
    static const struct {
        const char *name;
        void (*fn)(void);
    } tests[] = {
        {"time-of-use week", test_tou_week},
        {"tariff errors name the key", test_tou_errors},
        {"day lists", test_tou_days},
        {"demand charge uses the 15-minute average", test_demand_spike},
        {"demand across interval and month boundaries", test_demand_boundaries},
        {"ramp statistics on steps", test_ramps},
        {"demand-response limits and overlaps", test_dr},
        {"carbon: the three shared EIA-930 series", test_carbon_shared},
        {"carbon: fixtures and bad rows", test_carbon_fixtures},
        {"cost: one year by hand, and 45 days", test_cost_year},
        {"cost: defaults and checks", test_cost_cfg},
        {"swing: one square wave", test_swing_single},
        {"swing: in phase, antiphase, staggered", test_swing_superpose},
        {"swing: power floor amplitude and energy", test_swing_floor},
        {"swing: band fraction", test_swing_band},
        {"swing: breach check", test_swing_limits},
        {"swing: bad cfg and jobs", test_swing_errors},
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++)
        if (!CU_add_test(s, tests[i].name, tests[i].fn)) return -1;
    return 0;
}
