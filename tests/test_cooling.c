/* CUnit suite for models/weather and models/cooling: hand-computed plant power, economizer
 * switch points, the liquid/air split and capacity derate; psychrometrics against published
 * values (ASHRAE 2017 Fundamentals ch. 1, Stull 2011); the five shared TMYx files and the
 * hand-made fixtures in tests/data/weather/; and the annual cooling overhead of the default
 * plants in each shared climate, printed and checked against reference/physical-figures.md.
 * Run from the repo root: the shared files are read from ../shared/data/weather/, and a
 * missing shared directory fails the suite (it is not skipped). */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "models/cooling.h"
#include "models/weather.h"

#define DIR "tests/data/weather/"
#define SHARED "../shared/data/weather/"
#define ERRLEN 512
#define HOUR_NS INT64_C(3600000000000)
#define KELVIN 273.15

/* ---- cooling: formulas -------------------------------------------------------------------- */

/* Air defaults with the economizer off, so every hour runs the chiller. */
static aidc_cooling_cfg air_no_econ(void)
{
    aidc_cooling_cfg c;
    aidc_cooling_defaults(&c, AIDC_COOLING_AIR);
    c.economizer = AIDC_ECONOMIZER_NONE;
    return c;
}

static void test_chiller_cop(void)
{
    aidc_cooling_cfg c = air_no_econ();
    /* tower: T_cond = 20 + 6 = 26 C, T_evap = 12 C: COP = 0.55 x 285.15 / 14 */
    double cop = 0.55 * 285.15 / 14;
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_chiller_cop(&c, 12, 30, 20), cop, 1e-12);
    aidc_cooling_state s = aidc_cooling_eval(&c, 1e6, 30, 20);
    CU_ASSERT_DOUBLE_EQUAL(s.chiller_w, 1e6 / cop, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.cooling_w, 1e6 / cop + 1e6 * 90 / 1000, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.cop, 1e6 / (1e6 / cop + 90e3), 1e-9);
    CU_ASSERT_FALSE(s.economizer);

    /* air-cooled: the dry bulb drives it, the wet bulb does not */
    c.water_cooled = false;
    c.chiller_eta = 0.4;
    c.condenser_approach_k = 12;
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_chiller_cop(&c, 12, 35, 20), 0.4 * 285.15 / 35, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_chiller_cop(&c, 12, 35, 30), 0.4 * 285.15 / 35, 1e-12);

    /* the cap: zero, negative and tiny lifts all give AIDC_CHILLER_COP_MAX */
    CU_ASSERT_EQUAL(aidc_cooling_chiller_cop(&c, 12, 0, 0), AIDC_CHILLER_COP_MAX);
    CU_ASSERT_EQUAL(aidc_cooling_chiller_cop(&c, 12, -40, -40), AIDC_CHILLER_COP_MAX);
    CU_ASSERT_EQUAL(aidc_cooling_chiller_cop(&c, 12, 0.1, 0.1), AIDC_CHILLER_COP_MAX);
    /* just above the cap's lift (0.4 x 285.15 / 12 = 9.505 K) the formula takes over */
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_chiller_cop(&c, 12, 10, 0), 0.4 * 285.15 / 10, 1e-12);
}

/* ref §3 anchors, AHRI rating points, 6.7 C (44 F) leaving chilled water: ASHRAE 90.1-2019
 * 0.56 kW/ton = COP 6.3 large water-cooled at 25.6 C (78 F) wet bulb; EER 10 = COP 2.9
 * air-cooled at 35 C (95 F). Default water-cooled eta and approach, and ref §3's air-cooled
 * eta 0.4 with the low end of its 10-15 K approach, must land within 5 %. */
static void test_chiller_anchors(void)
{
    aidc_cooling_cfg c = air_no_econ();
    double wc = aidc_cooling_chiller_cop(&c, 6.7, 35, 25.6);
    CU_ASSERT_DOUBLE_EQUAL(wc, 0.55 * (6.7 + KELVIN) / (25.6 + 6 - 6.7), 1e-12);
    CU_ASSERT(fabs(wc / 6.3 - 1) < 0.05);
    c.water_cooled = false;
    c.chiller_eta = 0.4;
    c.condenser_approach_k = 10;
    double ac = aidc_cooling_chiller_cop(&c, 6.7, 35, 23.9);
    CU_ASSERT(fabs(ac / 2.93 - 1) < 0.05);
}

static void test_economizer_switch_points(void)
{
    aidc_cooling_cfg c;
    aidc_cooling_defaults(&c, AIDC_COOLING_AIR);
    /* water-side on a tower: T_wb + 5.5 <= 12, i.e. T_wb <= 6.5, whatever the dry bulb */
    aidc_cooling_state on = aidc_cooling_eval(&c, 1e6, 30, 6.5);
    CU_ASSERT_TRUE(on.economizer);
    CU_ASSERT_EQUAL(on.chiller_w, 0);
    CU_ASSERT_DOUBLE_EQUAL(on.cooling_w, 90e3, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(on.cop, 1e6 / 90e3, 1e-9);
    aidc_cooling_state off = aidc_cooling_eval(&c, 1e6, 7, 6.5 + 1e-9);
    CU_ASSERT_FALSE(off.economizer);
    CU_ASSERT_DOUBLE_EQUAL(off.chiller_w, 1e6 / AIDC_CHILLER_COP_MAX, 1e-6); /* lift 0.5 K */

    /* water-side without a tower (dry coil): the dry bulb decides */
    c.water_cooled = false;
    CU_ASSERT_TRUE(aidc_cooling_eval(&c, 1e6, 6.5, 6.5).economizer);
    CU_ASSERT_FALSE(aidc_cooling_eval(&c, 1e6, 6.51, 0).economizer);

    /* air-side: T_db + 2 <= 24, i.e. T_db <= 22; the wet bulb plays no part */
    c.economizer = AIDC_ECONOMIZER_AIR;
    c.economizer_approach_k = 2;
    CU_ASSERT_TRUE(aidc_cooling_eval(&c, 1e6, 22, 21).economizer);
    CU_ASSERT_FALSE(aidc_cooling_eval(&c, 1e6, 22.01, 0).economizer);

    /* none: never, not even at -30 C */
    c.economizer = AIDC_ECONOMIZER_NONE;
    aidc_cooling_state cold = aidc_cooling_eval(&c, 1e6, -30, -30);
    CU_ASSERT_FALSE(cold.economizer);
    CU_ASSERT_DOUBLE_EQUAL(cold.chiller_w, 1e6 / AIDC_CHILLER_COP_MAX, 1e-6);

    /* liquid: dry coolers while T_db + 6 <= 32, i.e. T_db <= 26 */
    aidc_cooling_defaults(&c, AIDC_COOLING_LIQUID);
    CU_ASSERT_TRUE(aidc_cooling_eval(&c, 1e6, 26, 20).economizer);
    CU_ASSERT_FALSE(aidc_cooling_eval(&c, 1e6, 26.01, 20).economizer);
}

static void test_liquid_split(void)
{
    aidc_cooling_cfg c;
    aidc_cooling_defaults(&c, AIDC_COOLING_LIQUID);
    /* 20 C dry / 15 C wet: dry coolers carry the 850 kW of liquid heat (pumps 35 W/kW); the
     * 150 kW on air needs the chiller (15 + 5.5 > 12) at the capped COP (lift 21 - 12 = 9 K)
     * plus 90 W/kW of fans and pumps. */
    aidc_cooling_state s = aidc_cooling_eval(&c, 1e6, 20, 15);
    CU_ASSERT_TRUE(s.economizer);
    CU_ASSERT_DOUBLE_EQUAL(s.chiller_w, 150e3 / 12, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.cooling_w, 150e3 / 12 + 150e3 * 0.090 + 850e3 * 0.035, 1e-6);

    /* air-cooled trim at 38 C: liquid lift 50 - 32 = 18 K, air lift 50 - 12 = 38 K */
    c.water_cooled = false;
    c.chiller_eta = 0.4;
    c.condenser_approach_k = 12;
    s = aidc_cooling_eval(&c, 1e6, 38, 22);
    double cop_liq = 0.4 * (32 + KELVIN) / 18, cop_air = 0.4 * (12 + KELVIN) / 38;
    CU_ASSERT_FALSE(s.economizer);
    CU_ASSERT_DOUBLE_EQUAL(s.chiller_w, 850e3 / cop_liq + 150e3 / cop_air, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.cooling_w, 850e3 / cop_liq + 150e3 / cop_air + 13500 + 29750, 1e-6);

    /* all heat in liquid: no air fans; below 26 C only the pumps run */
    c.liquid_share = 1;
    s = aidc_cooling_eval(&c, 1e6, 10, 5);
    CU_ASSERT_DOUBLE_EQUAL(s.cooling_w, 35e3, 1e-6);
    CU_ASSERT_EQUAL(s.chiller_w, 0);

    /* AIR ignores liquid_share */
    aidc_cooling_cfg a, b;
    aidc_cooling_defaults(&a, AIDC_COOLING_AIR);
    b = a;
    b.liquid_share = 0.5;
    CU_ASSERT_EQUAL(aidc_cooling_eval(&a, 1e6, 30, 22).cooling_w,
                    aidc_cooling_eval(&b, 1e6, 30, 22).cooling_w);
}

static void test_capacity_derate(void)
{
    aidc_cooling_cfg c;
    aidc_cooling_defaults(&c, AIDC_COOLING_AIR);
    CU_ASSERT(isinf(aidc_cooling_eval(&c, 1e6, 45, 25).capacity_w)); /* 0 = unlimited */
    c.capacity_w = 1e6;
    c.design_dry_bulb_c = 35;
    c.capacity_derate_per_k = 0.02;
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_eval(&c, 1e6, 20, 15).capacity_w, 1e6, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_eval(&c, 1e6, 35, 25).capacity_w, 1e6, 1e-9);
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_eval(&c, 1e6, 40, 25).capacity_w, 0.9e6, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(aidc_cooling_eval(&c, 1e6, 47.5, 25).capacity_w, 0.75e6, 1e-6);
    CU_ASSERT_EQUAL(aidc_cooling_eval(&c, 1e6, 100, 25).capacity_w, 0); /* floor at 0 */
    /* power is for the heat asked, above capacity too: throttling is the caller's call */
    aidc_cooling_state s = aidc_cooling_eval(&c, 2e6, 40, 25);
    CU_ASSERT_DOUBLE_EQUAL(s.cooling_w, 2 * aidc_cooling_eval(&c, 1e6, 40, 25).cooling_w, 1e-6);
}

static void test_zero_heat_and_free_cop(void)
{
    aidc_cooling_cfg c;
    aidc_cooling_defaults(&c, AIDC_COOLING_AIR);
    aidc_cooling_state s = aidc_cooling_eval(&c, 0, 35, 25);
    CU_ASSERT_EQUAL(s.cooling_w, 0);
    CU_ASSERT_EQUAL(s.cop, 0);
    c.fan_pump_w_per_kw = 0;
    s = aidc_cooling_eval(&c, 1e6, 0, -5);
    CU_ASSERT_TRUE(s.economizer);
    CU_ASSERT(isinf(s.cop));
}

/* aidc_cooling_check must accept the defaults and name the key path of a bad field. */
#define CHECK_BAD(field, value, want)                                                              \
    do {                                                                                           \
        aidc_cooling_cfg c_;                                                                       \
        aidc_cooling_defaults(&c_, AIDC_COOLING_LIQUID);                                           \
        c_.field = value;                                                                          \
        char e_[ERRLEN] = "";                                                                      \
        CU_ASSERT_EQUAL(aidc_cooling_check(&c_, e_, sizeof e_), -1);                               \
        if (strstr(e_, want) != e_) {                                                              \
            fprintf(stderr, "\n  check %s: got \"%s\"\n", #field, e_);                             \
            CU_FAIL("message does not start with the expected text");                              \
        }                                                                                          \
    } while (0)

static void test_check(void)
{
    aidc_cooling_cfg c;
    char err[ERRLEN] = "";
    aidc_cooling_defaults(&c, AIDC_COOLING_AIR);
    CU_ASSERT_EQUAL(aidc_cooling_check(&c, err, sizeof err), 0);
    aidc_cooling_defaults(&c, AIDC_COOLING_LIQUID);
    CU_ASSERT_EQUAL(aidc_cooling_check(&c, err, sizeof err), 0);
    CU_ASSERT_EQUAL(aidc_cooling_check(&c, NULL, 0), 0);

    CHECK_BAD(liquid_share, 1.2, "cooling.liquid_share: expected a fraction in [0, 1], found 1.2");
    CHECK_BAD(liquid_share, NAN, "cooling.liquid_share:");
    CHECK_BAD(kind, (aidc_cooling_kind)7, "cooling.kind: expected air or liquid, found 7");
    CHECK_BAD(economizer, (aidc_economizer_kind)3, "cooling.economizer:");
    CHECK_BAD(supply_air_c, 50, "cooling.supply_air_c:");
    CHECK_BAD(chilled_water_c, 24, "cooling.chilled_water_c: 24 C cannot cool supply air");
    CHECK_BAD(chiller_eta, 0, "cooling.chiller_eta:");
    CHECK_BAD(chiller_eta, 1, "cooling.chiller_eta:");
    CHECK_BAD(condenser_approach_k, -1, "cooling.condenser_approach_k:");
    CHECK_BAD(economizer_approach_k, INFINITY, "cooling.economizer_approach_k:");
    CHECK_BAD(fan_pump_w_per_kw, -5, "cooling.fan_pump_w_per_kw:");
    CHECK_BAD(facility_water_c, 90, "cooling.facility_water_c:");
    CHECK_BAD(dry_cooler_approach_k, 31, "cooling.dry_cooler_approach_k:");
    CHECK_BAD(liquid_pump_w_per_kw, 600, "cooling.liquid_pump_w_per_kw:");
    CHECK_BAD(capacity_w, -1, "cooling.capacity_w:");
    CHECK_BAD(design_dry_bulb_c, NAN, "cooling.design_dry_bulb_c:");
    CHECK_BAD(capacity_derate_per_k, 1.5, "cooling.capacity_derate_per_k:");
}

/* ---- psychrometrics ------------------------------------------------------------------------ */

static void test_psychrometrics(void)
{
    /* saturation pressure, ASHRAE 2017 Fundamentals ch. 1 Table 3, within its 300 ppm claim */
    static const double table[][2] = {
        {-20, 103.24}, {-5, 401.74}, {5, 872.6}, {25, 3169.7}, {50, 12351.3}};
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        CU_ASSERT(fabs(aidc_weather_sat_pressure_pa(table[i][0]) / table[i][1] - 1) < 3e-4);

    /* ASHRAE 2017 ch. 1 Example 1: 40 C dry bulb, 20 C wet bulb, 101.325 kPa: RH 14 % */
    double rh = aidc_weather_rh_pct_from_wet_bulb(40, 20, 101325);
    CU_ASSERT_DOUBLE_EQUAL(rh, 14, 0.5);
    CU_ASSERT_DOUBLE_EQUAL(aidc_weather_wet_bulb_psychro_c(40, rh, 101325), 20, 1e-6);
    /* same check below freezing, on the ice branch (eq. 35) */
    rh = aidc_weather_rh_pct_from_wet_bulb(-1, -5, 95461);
    CU_ASSERT_DOUBLE_EQUAL(aidc_weather_wet_bulb_psychro_c(-1, rh, 95461), -5, 1e-6);

    /* Stull (2011) gives his own worked example: 20 C, RH 50 % -> 13.7 C */
    CU_ASSERT_DOUBLE_EQUAL(aidc_weather_wet_bulb_stull_c(20, 50), 13.7, 0.05);
    CU_ASSERT_DOUBLE_EQUAL(aidc_weather_wet_bulb_psychro_c(20, 50, 101325), 13.7, 0.1);

    /* saturated air: wet bulb = dry bulb; lower pressure, lower wet bulb (Phoenix, 97 kPa) */
    CU_ASSERT_EQUAL(aidc_weather_wet_bulb_psychro_c(17.3, 100, 99000), 17.3);
    CU_ASSERT(aidc_weather_wet_bulb_psychro_c(30, 20, 97000) <
              aidc_weather_wet_bulb_psychro_c(30, 20, 101325) - 0.2);

    /* Stull vs the iteration over 0..50 C, RH 5..99 % (above 0 C, where RH over water and
     * over ice agree). Stull states -1..+0.65 K against his own reference; measured here,
     * -1.16..+1.33 K at the hot-dry and cold-dry corners, 0.3-0.4 K on average. */
    double worst = 0, sum = 0;
    int n = 0;
    for (double t = 0; t <= 50; t += 1)
        for (double h = 5; h <= 99; h += 2) {
            double d =
                aidc_weather_wet_bulb_stull_c(t, h) - aidc_weather_wet_bulb_psychro_c(t, h, 101325);
            worst = fmax(worst, fabs(d));
            sum += fabs(d);
            n++;
        }
    CU_ASSERT(worst < 1.4);
    CU_ASSERT(sum / n < 0.5);
}

/* ---- weather files -------------------------------------------------------------------------- */

/* The shared TMYx files, with SOURCE.md's dry-bulb min / mean / max and the first data row. */
static const struct shared_file {
    const char *file, *label;
    double min_c, mean_c, max_c;
    double db0, rh0, p0; /* first data row: dry bulb, RH, station pressure */
} shared[] = {
    {"USA_VA_Leesburg.Exec.epw", "Leesburg VA", -12.0, 13.8, 37.0, 1.1, 100, 99846},
    {"USA_AZ_Phoenix-Sky.Harbor.epw", "Phoenix AZ", 0.4, 24.7, 45.6, 8.3, 33, 97058},
    {"USA_TX_Dallas-Fort.Worth.epw", "Dallas TX", -3.9, 19.8, 40.0, 2.8, 100, 98128},
    {"USA_WA_Seattle-Tacoma.epw", "Seattle WA", -7.2, 11.7, 35.0, 0.0, 69, 101528},
    {"USA_IL_Chicago.OHare.epw", "Chicago IL", -21.7, 10.8, 35.6, -4.4, 68, 99832},
};
enum { N_SHARED = sizeof shared / sizeof shared[0], LEESBURG = 0, PHOENIX = 1, SEATTLE = 3 };

static int read_shared(size_t i, aidc_weather *w)
{
    char path[256], err[ERRLEN];
    snprintf(path, sizeof path, SHARED "%s", shared[i].file);
    if (aidc_weather_read(path, w, err, sizeof err) == 0) return 0;
    fprintf(stderr,
            "\n  cannot read shared weather (run from the repo root with ../shared "
            "beside it): %s\n",
            err);
    return -1;
}

static double mean(const double *x, size_t from, size_t n)
{
    double s = 0;
    for (size_t i = from; i < from + n; i++)
        s += x[i];
    return s / (double)n;
}

static void test_epw_shared(void)
{
    for (size_t i = 0; i < N_SHARED; i++) {
        aidc_weather w;
        if (read_shared(i, &w)) {
            CU_FAIL("shared EPW file missing or unreadable");
            continue;
        }
        const struct shared_file *f = &shared[i];
        CU_ASSERT_EQUAL(w.n, 8760);
        CU_ASSERT_DOUBLE_EQUAL(w.dry_bulb_c[0], f->db0, 1e-12);
        CU_ASSERT_DOUBLE_EQUAL(w.rh_pct[0], f->rh0, 1e-12);
        /* the wet bulb comes from this row's own pressure (field 10), not sea level */
        CU_ASSERT_DOUBLE_EQUAL(w.wet_bulb_c[0],
                               aidc_weather_wet_bulb_psychro_c(f->db0, f->rh0, f->p0), 1e-12);
        double lo = INFINITY, hi = -INFINITY;
        int wb_ok = 1;
        for (size_t h = 0; h < w.n; h++) {
            lo = fmin(lo, w.dry_bulb_c[h]);
            hi = fmax(hi, w.dry_bulb_c[h]);
            wb_ok &= w.wet_bulb_c[h] <= w.dry_bulb_c[h] && w.wet_bulb_c[h] > w.dry_bulb_c[h] - 25;
        }
        CU_ASSERT_DOUBLE_EQUAL(lo, f->min_c, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(hi, f->max_c, 1e-9);
        CU_ASSERT_DOUBLE_EQUAL(mean(w.dry_bulb_c, 0, w.n), f->mean_c, 0.05);
        CU_ASSERT_TRUE(wb_ok);
        /* January (rows 0..743) colder than July (day 182: rows 4344..5087) */
        CU_ASSERT(mean(w.dry_bulb_c, 0, 744) + 5 < mean(w.dry_bulb_c, 4344, 744));
        aidc_weather_fini(&w);
        CU_ASSERT_EQUAL(w.n, 0);
        CU_ASSERT_PTR_NULL(w.dry_bulb_c);
    }
}

static void test_time_lookup(void)
{
    aidc_weather w;
    char err[ERRLEN];
    CU_ASSERT_EQUAL_FATAL(aidc_weather_read(DIR "good-rh.csv", &w, err, sizeof err), 0);
    CU_ASSERT_EQUAL(w.n, 5);
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, 0, 0), 20);
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, HOUR_NS - 1, 0), 20); /* constant in the hour */
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, HOUR_NS, 0), 30);
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, 0, 3), 10);
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, 2 * HOUR_NS, 3), 20); /* 3 + 2 wraps to 0 */
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, 0, 7), -5);           /* start taken mod n */
    CU_ASSERT_EQUAL(aidc_weather_hour_index(&w, 1000 * HOUR_NS + 1, 2), (1000 + 2) % 5);
    CU_ASSERT_EQUAL(aidc_weather_wet_bulb_c(&w, 3 * HOUR_NS, 0), 10); /* RH 100 */
    aidc_weather_fini(&w);
    aidc_weather_fini(&w); /* twice is harmless */

    /* a run starting on July 1 (hour 4344) sees July, then wraps into January */
    if (read_shared(LEESBURG, &w)) {
        CU_FAIL("shared EPW file missing or unreadable");
        return;
    }
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, 0, 4344), w.dry_bulb_c[4344]);
    CU_ASSERT_EQUAL(aidc_weather_dry_bulb_c(&w, (int64_t)(8760 - 4344) * HOUR_NS, 4344),
                    w.dry_bulb_c[0]);
    CU_ASSERT_EQUAL(aidc_weather_wet_bulb_c(&w, INT64_C(365) * 24 * HOUR_NS + 5 * HOUR_NS, 0),
                    w.wet_bulb_c[5]);
    aidc_weather_fini(&w);
}

static void test_csv(void)
{
    aidc_weather w;
    char err[ERRLEN];
    /* BOM, comment, CRLF, a blank line, hours from 0, RH given: wet bulb derived at 101325 Pa */
    CU_ASSERT_EQUAL_FATAL(aidc_weather_read(DIR "good-rh.csv", &w, err, sizeof err), 0);
    static const double db[] = {20, 30, -5, 10, 35.5}, rh[] = {50, 40, 80, 100, 0};
    for (size_t i = 0; i < 5; i++) {
        CU_ASSERT_EQUAL(w.dry_bulb_c[i], db[i]);
        CU_ASSERT_EQUAL(w.rh_pct[i], rh[i]);
        CU_ASSERT_DOUBLE_EQUAL(w.wet_bulb_c[i],
                               aidc_weather_wet_bulb_psychro_c(db[i], rh[i], 101325), 1e-12);
    }
    CU_ASSERT_DOUBLE_EQUAL(w.wet_bulb_c[0], 13.7, 0.1); /* Stull's example point */
    aidc_weather_fini(&w);

    /* wet bulb given, with pressure and hours from 1, columns in another order: RH derived */
    CU_ASSERT_EQUAL_FATAL(aidc_weather_read(DIR "good-wet-bulb.csv", &w, err, sizeof err), 0);
    CU_ASSERT_EQUAL(w.n, 3);
    CU_ASSERT_EQUAL(w.wet_bulb_c[0], 20);
    CU_ASSERT_DOUBLE_EQUAL(w.rh_pct[0], 14, 0.5);   /* ASHRAE Example 1 */
    CU_ASSERT_DOUBLE_EQUAL(w.rh_pct[1], 100, 1e-6); /* saturated */
    CU_ASSERT_DOUBLE_EQUAL(w.rh_pct[2], aidc_weather_rh_pct_from_wet_bulb(30, 25, 95461), 1e-12);
    aidc_weather_fini(&w);

    /* EPW content under another name is read as EPW (and this one is too short for a year) */
    CU_ASSERT_EQUAL(aidc_weather_read(DIR "epw-content.txt", &w, err, sizeof err), -1);
    CU_ASSERT_STRING_EQUAL(err, DIR "epw-content.txt:10: file ends after 2 data rows: an EPW "
                                    "year has 8760 or 8784");
}

/* Reading `file` must fail with a message that starts with "tests/data/weather/FILE:LINE: "
 * (or "FILE: " when line is 0) and contains `words`; on failure w stays empty. */
static void expect_error(const char *file, int line, const char *words)
{
    char path[256], want[300], err[ERRLEN] = "";
    snprintf(path, sizeof path, DIR "%s", file);
    if (line)
        snprintf(want, sizeof want, "%s:%d: ", path, line);
    else
        snprintf(want, sizeof want, "%s: ", path);
    aidc_weather w = {.n = 99};
    int rc = aidc_weather_read(path, &w, err, sizeof err);
    CU_ASSERT_EQUAL(rc, -1);
    CU_ASSERT_EQUAL(w.n, 0);
    CU_ASSERT_PTR_NULL(w.dry_bulb_c);
    if (rc != -1 || strncmp(err, want, strlen(want)) != 0 || !strstr(err, words)) {
        fprintf(stderr, "\n  %s: want \"%s...%s...\", got \"%s\"\n", file, want, words, err);
        CU_FAIL("wrong error message");
    }
}

static void test_bad_epw(void)
{
    expect_error("bad-missing-dry-bulb.epw", 11,
                 "dry bulb (field 7) is the EPW missing-value code 99.9");
    expect_error("bad-missing-rh.epw", 10,
                 "relative humidity (field 9) is the EPW missing-value code 999");
    expect_error("bad-missing-pressure.epw", 12, "missing-value code 999999");
    expect_error("bad-truncated.epw", 12, "truncated data row: 8 fields, an EPW row has 35");
    expect_error("bad-hour-sequence.epw", 11, "hour 4 out of sequence, expected 3");
    expect_error("bad-short-year.epw", 32, "file ends after 24 data rows");
    expect_error("bad-rh-above-100.epw", 9, "relative humidity 104 % is above 100 %");
    expect_error("bad-number.epw", 10, "dry bulb (field 7): expected a number, found \"1x5\"");
    expect_error("bad-header.epw", 1, "expected the EPW header line \"LOCATION,...\"");
    expect_error("bad-subhourly.epw", 8, "only hourly files with one data period");
    expect_error("no-such-file.epw", 0, "cannot open");
    expect_error("", 0, "cannot read"); /* the directory itself */
}

static void test_bad_csv(void)
{
    expect_error("bad-no-humidity.csv", 1, "header needs wet_bulb_c or rh_pct");
    expect_error("bad-short-row.csv", 3, "2 fields, but the header on line 1 names 3 columns");
    expect_error("bad-number.csv", 3, "rh_pct (field 2): expected a number, found \"fifty\"");
    expect_error("bad-wet-above-dry.csv", 3, "wet_bulb_c 20.5 is above dry_bulb_c 20");
    expect_error("bad-wet-too-low.csv", 2, "below");
    expect_error("bad-hour-gap.csv", 4, "hour 3 out of sequence, expected 2");
    expect_error("bad-unknown-column.csv", 1, "unknown column \"wind_mps\" (column 3)");
    expect_error("bad-duplicate-column.csv", 1, "column dry_bulb_c appears twice");
    expect_error("bad-rh-range.csv", 2, "relative humidity 120 % is outside 0..100 %");
    expect_error("bad-header-only.csv", 2, "no data rows");
    expect_error("bad-empty.csv", 0, "no header row");
}

/* ---- annual overhead in the five climates --------------------------------------------------- */

/* Annual mean of 1 + P_cool / P_IT at a constant 1 MW of IT heat: the cooling part of PUE,
 * conversion losses left out. */
static double annual_overhead(const aidc_cooling_cfg *c, const aidc_weather *w, size_t *econ_h)
{
    double sum = 0;
    *econ_h = 0;
    for (size_t h = 0; h < w->n; h++) {
        aidc_cooling_state s = aidc_cooling_eval(c, 1e6, w->dry_bulb_c[h], w->wet_bulb_c[h]);
        sum += s.cooling_w / 1e6;
        *econ_h += s.economizer;
    }
    return 1 + sum / (double)w->n;
}

/* Expected ranges, and why:
 * - Air, default plant (tower chillers at 12 C, water-side economizer, 90 W/kW fans and
 *   pumps): ref §3 puts new large builds at PUE <= 1.3 and the Google fleet at 1.10; ref §2
 *   conversion losses (UPS 94-97 %, 98-99 % per transformer stage) add ~0.05-0.08. A modern
 *   chiller plant's cooling part therefore belongs in 1.08..1.25 (above Google's whole
 *   facility less its losses, below what a <= 1.3 build leaves after its losses). Leesburg
 *   measures ~1.15, so the facility comes to ~1.20-1.23. The 1.55-1.59 industry average is
 *   NOT the target: it is a fleet of legacy rooms (DX CRACs at COP ~2-3, cold supply air, no
 *   economizer, bypass airflow; ref §3's HP Labs CRAC row gives COP 2.0 at 15 C supply, i.e.
 *   +0.5 on its own), which these defaults do not describe.
 *   Every climate must stay in 1.08..1.30 (Phoenix and Dallas run the chillers most hours).
 * - Phoenix above Seattle: hotter, fewer economizer hours. The gap is small with a tower
 *   (Phoenix air is dry, so its wet bulb is low); that is physics, not a flaw.
 * - Liquid: ref §3's DLC + dry coolers ~1.05-1.15 for the whole facility; less ~0.03-0.05
 *   of losses, 1.02..1.10 for the cooling part, and at least 0.05 below air everywhere.
 * - The CloudNet fit in ref §3 (mechanical 0.0064 T + 0.135, economizer 0.0036 T + 0.064,
 *   with this model's economizer hours) is an older, simpler calibration: the model must sit
 *   within 0.15 of it and not above it by more than 0.02. */
static void test_annual_overhead(void)
{
    aidc_cooling_cfg air, liq;
    aidc_cooling_defaults(&air, AIDC_COOLING_AIR);
    aidc_cooling_defaults(&liq, AIDC_COOLING_LIQUID);
    double oa[N_SHARED], ol[N_SHARED];
    printf("\n  annual mean 1 + P_cool/P_IT, constant IT load, default plants (no conversion "
           "losses)\n"
           "  %-12s %7s %7s  %10s %10s  %9s %9s\n",
           "climate", "air", "liquid", "econ h", "dry-cool h", "CloudNet", "mean wb C");
    for (size_t i = 0; i < N_SHARED; i++) {
        aidc_weather w;
        if (read_shared(i, &w)) {
            CU_FAIL("shared EPW file missing or unreadable");
            return;
        }
        size_t econ_a, econ_l;
        oa[i] = annual_overhead(&air, &w, &econ_a);
        ol[i] = annual_overhead(&liq, &w, &econ_l);
        double cloudnet = 0;
        for (size_t h = 0; h < w.n; h++) {
            double t = w.dry_bulb_c[h];
            bool econ = aidc_cooling_eval(&air, 1e6, t, w.wet_bulb_c[h]).economizer;
            cloudnet += econ ? 0.0036 * t + 0.064 : 0.0064 * t + 0.135;
        }
        cloudnet = 1 + cloudnet / (double)w.n;
        printf("  %-12s %7.3f %7.3f  %10zu %10zu  %9.3f %9.1f\n", shared[i].label, oa[i], ol[i],
               econ_a, econ_l, cloudnet, mean(w.wet_bulb_c, 0, w.n));
        CU_ASSERT(oa[i] >= 1.08 && oa[i] <= 1.30);
        CU_ASSERT(ol[i] >= 1.02 && ol[i] <= 1.10);
        CU_ASSERT(oa[i] - ol[i] >= 0.05);
        CU_ASSERT(oa[i] <= cloudnet + 0.02 && oa[i] >= cloudnet - 0.15);
        aidc_weather_fini(&w);
    }
    CU_ASSERT(oa[LEESBURG] >= 1.10 && oa[LEESBURG] <= 1.25);
    CU_ASSERT(oa[PHOENIX] > oa[SEATTLE]);
    CU_ASSERT(ol[PHOENIX] > ol[SEATTLE]);
}

int test_cooling_register(void)
{
    CU_pSuite s = CU_add_suite("cooling", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "chiller COP: fraction of Carnot, capped", test_chiller_cop) ||
        !CU_add_test(s, "chiller COP: ASHRAE 90.1 anchors of ref §3", test_chiller_anchors) ||
        !CU_add_test(s, "economizer switch points", test_economizer_switch_points) ||
        !CU_add_test(s, "liquid / air split", test_liquid_split) ||
        !CU_add_test(s, "capacity derate", test_capacity_derate) ||
        !CU_add_test(s, "zero heat; free cooling without fans", test_zero_heat_and_free_cop) ||
        !CU_add_test(s, "config check names key paths", test_check) ||
        !CU_add_test(s, "psychrometrics: ASHRAE and Stull", test_psychrometrics) ||
        !CU_add_test(s, "EPW: the five shared TMYx files", test_epw_shared) ||
        !CU_add_test(s, "time lookup: hourly, wrapping", test_time_lookup) ||
        !CU_add_test(s, "CSV weather", test_csv) ||
        !CU_add_test(s, "bad EPW files: FILE:LINE: messages", test_bad_epw) ||
        !CU_add_test(s, "bad CSV files: FILE:LINE: messages", test_bad_csv) ||
        !CU_add_test(s, "annual overhead in five climates", test_annual_overhead))
        return -1;
    return 0;
}
