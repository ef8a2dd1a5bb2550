/* Cooling plant power; see cooling.h for the model and its trade-offs.
 *
 * Calibration. "ref §3" is reference/physical-figures.md section 3 (Cooling), "ref §2" its
 * section 2 conversion-loss line; "est." marks an engineering estimate, derived below.
 *
 * Chiller (ref §3, "Chiller" row): COP = eta T_evap / (T_cond - T_evap), eta 0.5-0.6
 * water-cooled and ~0.4 air-cooled, T_cond = T_wb + 5-7 K (tower) or T_db + 10-15 K (air).
 * With T_evap = the leaving chilled water, the row's figures land on its ASHRAE 90.1-2019
 * anchors at the AHRI rating points (44 F = 6.7 C leaving water):
 *   water-cooled (the defaults: eta 0.55, approach 6 K), 78 F = 25.6 C design wet bulb:
 *     T_cond = 31.6 C, COP = 0.55 x 279.85 / 24.9 = 6.18   (anchor 0.56 kW/ton = COP 6.3)
 *   air-cooled (eta 0.4, approach 10 K), 95 F = 35 C ambient:
 *     T_cond = 45 C,   COP = 0.40 x 279.85 / 38.3 = 2.92   (anchor EER 10 = COP 2.9)
 * tests/test_cooling.c checks both.
 *
 * Fans and pumps (est.; the reference has no row for them). Per kW of heat:
 *   CRAH fans: 1 kW at a 12 K air rise is 1000 / (1.2 kg/m3 x 1006 J/kgK x 12 K)
 *     = 0.069 m3/s; at 450 Pa (coil, filters, floor) and 60 % fan+motor efficiency, 52 W.
 *   chilled-water pumps: 6 K rise, 4.0e-5 m3/s, 250 kPa, 70 %: 14 W.
 *   condenser-water pumps: 1.1 kW (heat + compressor) at 5.5 K, 4.8e-5 m3/s, 200 kPa,
 *     70 %: 14 W.
 *   tower fans: ~0.035 kW/ton of rejected heat: 10 W.
 *   => 90 W/kW, always on (the water-side economizer uses the same tower and pumps).
 * Liquid loop (est.), per kW of liquid heat:
 *   CDU pumps: 10 K rise, 2.4e-5 m3/s, 200 kPa through cold plates, 60 %: 8 W.
 *   facility-water pumps: 10 K rise, 250 kPa, 70 %: 9 W.
 *   dry-cooler fans: EC-fan dry coolers at a 6 K approach, ~2 % of rejected heat: 18 W.
 *   => 35 W/kW.
 *
 * Economizers (ref §3, "Economizer test" row): water-side when T_wb + 3-5 K (tower) +
 * 1-2 K (HX) <= coolant supply; defaults 4 + 1.5 = 5.5 K. Air-side approach ~2 K.
 * Liquid (ref §3, "Liquid share" row): 80-90 % of the heat into liquid, default 0.85;
 * warm-water classes W17..W45 (ref §3, ASHRAE TC 9.9 line): default W32. Dry-cooler approach
 * 6 K (est.: coils sized for a few K; 5-8 K is the usual selection range), so dry coolers carry
 * everything up to 26 C outdoors.
 * Supply air 24 C: inside the ASHRAE recommended 18-27 C (ref §3, TC 9.9 line). Chilled
 * water 12 C (est.: the usual 10-15 C for 24 C supply air).
 * What the defaults give (tests/test_cooling.c prints all five shared climates): an annual
 * cooling overhead of 0.146 of IT in Northern Virginia for AIR and 0.060 for LIQUID; adding
 * ref §2 conversion losses (UPS 94-97 %, transformers 98-99 % a stage: ~5-8 %), facility
 * PUE ~1.2 and ~1.1: a modern build (ref §3: new large builds <= 1.3; DLC + dry coolers
 * ~1.05-1.15), not the 1.58 fleet average, which carries legacy rooms with DX units, cold
 * supply air, no economizer and poor airflow. With a tower and 12 C chilled water the COP
 * cap binds in most chiller hours (lift < 13 K), so the climates differ mostly by economizer
 * hours: 0.136 (Chicago) to 0.166 (Phoenix). */
#include "models/errmsg.h"
#include "models/cooling.h"

#include <assert.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define KELVIN 273.15

void aidc_cooling_defaults(aidc_cooling_cfg *c, aidc_cooling_kind kind)
{
    assert(c && (kind == AIDC_COOLING_AIR || kind == AIDC_COOLING_LIQUID));
    *c = (aidc_cooling_cfg){
        .kind = kind,
        .supply_air_c = 24,        /* ref §3: ASHRAE recommended 18-27 C */
        .chilled_water_c = 12,     /* est., see top */
        .water_cooled = true,      /* tower plant: the ASHRAE 90.1 large-chiller anchor */
        .chiller_eta = 0.55,       /* ref §3 Chiller row: 0.5-0.6 water-cooled */
        .condenser_approach_k = 6, /* ref §3 Chiller row: T_wb + 5-7 K */
        .economizer = AIDC_ECONOMIZER_WATER,
        .economizer_approach_k = 5.5,  /* ref §3 Economizer row: tower 3-5 K + HX 1-2 K */
        .fan_pump_w_per_kw = 90,       /* est., derived at the top */
        .liquid_share = 0.85,          /* ref §3 Liquid share row: 80-90 % */
        .facility_water_c = 32,        /* ref §3 TC 9.9 line: class W32 */
        .dry_cooler_approach_k = 6,    /* est., see top */
        .liquid_pump_w_per_kw = 35,    /* est., derived at the top */
        .capacity_w = 0,               /* unlimited until a scenario sizes the plant */
        .design_dry_bulb_c = 35,       /* 0.4 % cooling dry bulb, Leesburg EPW DESIGN CONDITIONS */
        .capacity_derate_per_k = 0.01, /* est.: chiller capacity tables lose ~1 %/K above rating */
    };
}


/* !(lo <= v <= hi) also catches NaN. */
#define RANGE(field, lo, hi, what)                                                                 \
    do {                                                                                           \
        if (!(c->field >= (lo) && c->field <= (hi)))                                               \
            return aidc_errf(err, errlen, "cooling." #field ": expected %s in [%g, %g], found %g", what, \
                       (double)(lo), (double)(hi), c->field);                                      \
    } while (0)

int aidc_cooling_check(const aidc_cooling_cfg *c, char *err, size_t errlen)
{
    assert(c);
    if (c->kind != AIDC_COOLING_AIR && c->kind != AIDC_COOLING_LIQUID)
        return aidc_errf(err, errlen, "cooling.kind: expected air or liquid, found %d", (int)c->kind);
    if (c->economizer != AIDC_ECONOMIZER_NONE && c->economizer != AIDC_ECONOMIZER_AIR &&
        c->economizer != AIDC_ECONOMIZER_WATER)
        return aidc_errf(err, errlen, "cooling.economizer: expected none, air or water, found %d",
                   (int)c->economizer);
    /* ASHRAE TC 9.9 allowable envelopes span 5-45 C over classes A1-A4 (ref §3). */
    RANGE(supply_air_c, 5, 45, "a temperature in C");
    RANGE(chilled_water_c, 0, 40, "a temperature in C");
    if (!(c->chilled_water_c < c->supply_air_c))
        return aidc_errf(err, errlen,
                   "cooling.chilled_water_c: %g C cannot cool supply air to "
                   "cooling.supply_air_c = %g C; it must be colder",
                   c->chilled_water_c, c->supply_air_c);
    if (!(c->chiller_eta > 0 && c->chiller_eta < 1))
        return aidc_errf(err, errlen,
                   "cooling.chiller_eta: expected a fraction of Carnot in (0, 1), found %g",
                   c->chiller_eta);
    RANGE(condenser_approach_k, 0, 30, "a temperature difference in K");
    RANGE(economizer_approach_k, 0, 30, "a temperature difference in K");
    RANGE(fan_pump_w_per_kw, 0, 500, "W per kW of heat");
    RANGE(liquid_share, 0, 1, "a fraction");
    RANGE(facility_water_c, 5, 70, "a temperature in C");
    RANGE(dry_cooler_approach_k, 0, 30, "a temperature difference in K");
    RANGE(liquid_pump_w_per_kw, 0, 500, "W per kW of heat");
    RANGE(capacity_w, 0, 1e12, "watts (0 = unlimited)");
    RANGE(design_dry_bulb_c, -50, 60, "a temperature in C");
    RANGE(capacity_derate_per_k, 0, 1, "a fraction per K");
    return 0;
}

double aidc_cooling_chiller_cop(const aidc_cooling_cfg *c, double t_evap_c, double dry_bulb_c,
                                double wet_bulb_c)
{
    double t_cond_c = (c->water_cooled ? wet_bulb_c : dry_bulb_c) + c->condenser_approach_k;
    double carnot_num = c->chiller_eta * (t_evap_c + KELVIN);
    double lift_k = t_cond_c - t_evap_c;
    /* Written as a product so that a zero or negative lift needs no special case. */
    if (lift_k * AIDC_CHILLER_COP_MAX <= carnot_num) return AIDC_CHILLER_COP_MAX;
    return carnot_num / lift_k;
}

/* Can the air plant's economizer carry all of its heat at these conditions? */
static bool air_free(const aidc_cooling_cfg *c, double dry_bulb_c, double wet_bulb_c)
{
    switch (c->economizer) {
    case AIDC_ECONOMIZER_AIR:
        return dry_bulb_c + c->economizer_approach_k <= c->supply_air_c;
    case AIDC_ECONOMIZER_WATER:
        return (c->water_cooled ? wet_bulb_c : dry_bulb_c) + c->economizer_approach_k <=
               c->chilled_water_c;
    case AIDC_ECONOMIZER_NONE:
        break;
    }
    return false;
}

aidc_cooling_state aidc_cooling_eval(const aidc_cooling_cfg *c, double heat_w, double dry_bulb_c,
                                     double wet_bulb_c)
{
    assert(c && isfinite(heat_w) && heat_w >= 0 && isfinite(dry_bulb_c) && isfinite(wet_bulb_c));
    assert(c->chiller_eta > 0 && c->liquid_share >= 0 && c->liquid_share <= 1);
    bool liquid = c->kind == AIDC_COOLING_LIQUID;
    double liquid_w = liquid ? heat_w * c->liquid_share : 0;
    double air_w = heat_w - liquid_w;

    bool air_econ = air_free(c, dry_bulb_c, wet_bulb_c);
    bool dry_coolers = dry_bulb_c + c->dry_cooler_approach_k <= c->facility_water_c;

    double chiller_w = 0;
    if (air_w > 0 && !air_econ)
        chiller_w +=
            air_w / aidc_cooling_chiller_cop(c, c->chilled_water_c, dry_bulb_c, wet_bulb_c);
    if (liquid_w > 0 && !dry_coolers)
        chiller_w +=
            liquid_w / aidc_cooling_chiller_cop(c, c->facility_water_c, dry_bulb_c, wet_bulb_c);

    aidc_cooling_state s;
    s.chiller_w = chiller_w;
    s.cooling_w =
        chiller_w + air_w * c->fan_pump_w_per_kw / 1000 + liquid_w * c->liquid_pump_w_per_kw / 1000;
    s.cop = heat_w == 0 ? 0 : s.cooling_w == 0 ? INFINITY : heat_w / s.cooling_w;
    s.economizer = liquid ? dry_coolers : air_econ;
    if (c->capacity_w == 0) {
        s.capacity_w = INFINITY;
    } else {
        double over_k = dry_bulb_c > c->design_dry_bulb_c ? dry_bulb_c - c->design_dry_bulb_c : 0;
        double f = 1 - c->capacity_derate_per_k * over_k;
        s.capacity_w = f > 0 ? c->capacity_w * f : 0;
    }
    return s;
}

void aidc_cooling_legacy(aidc_cooling_cfg *c)
{
    /* The industry-average room (Uptime: PUE 1.55-1.59 flat since ~2020,
     * physical-figures §3): air-cooled chillers at ~0.4 of Carnot with the
     * condenser at dry bulb + 14 K (§3: +10-15 K), 7 °C chilled water, no
     * economizer, and constant-speed CRAH/CRAC fans, pumps and humidity
     * control at 280 W per kW of heat (est.: calibrated so that a Leesburg
     * TMY year at constant load gives facility PUE 1.56 with the default
     * electrical losses and 2% misc load). */
    aidc_cooling_defaults(c, AIDC_COOLING_AIR);
    c->water_cooled = false;
    c->chiller_eta = 0.4;
    c->condenser_approach_k = 14;
    c->chilled_water_c = 7;
    c->economizer = AIDC_ECONOMIZER_NONE;
    c->fan_pump_w_per_kw = 280;
}
