/* cooling — electrical power of the cooling plant for a given IT heat load and outdoor
 * conditions, hour by hour: chiller COP from a fraction of Carnot, economizer hours, and the
 * split between direct-to-chip liquid and room air.
 *
 * Air cooling: CRAH units move the IT heat into chilled water; chillers reject it to a
 * condenser at T_wb + approach (water-cooled, with a cooling tower) or T_db + approach
 * (air-cooled). An economizer replaces the chillers when outdoor conditions allow:
 *   air-side   (outside air into the hall)  T_db + economizer_approach_k <= supply_air_c
 *   water-side (tower or dry coil + HX)     T_sink + economizer_approach_k <= chilled_water_c,
 *                                           T_sink = T_wb with a tower, T_db without
 * Liquid cooling (direct-to-chip): liquid_share of the heat goes into a warm-water loop that
 * dry coolers reject when T_db + dry_cooler_approach_k <= facility_water_c; otherwise a trim
 * chiller does it, evaporating at facility_water_c and condensing as above. The rest of the
 * heat stays on air and goes through the air plant above.
 * Chiller COP = chiller_eta * T_evap / (T_cond - T_evap), temperatures in K, T_evap = the
 * leaving water temperature, capped at AIDC_CHILLER_COP_MAX (reference/physical-figures.md
 * §3, "Chiller" row; with the default approaches it reproduces the ASHRAE 90.1 anchors of that
 * row, see cooling.c).
 *
 * Main trade-off: every hour is all-or-nothing. When the economizer (or the dry coolers)
 * cannot carry all the heat, the chillers carry all of it; real plants run partial
 * economizer hours with the chiller trimming the rest. Shoulder hours are therefore charged
 * full chiller energy: pessimistic, never flattering.
 * Fans and pumps scale linearly with heat and never switch off. Humidity limits of air-side
 * economizers are not modelled (optimistic in humid climates; the defaults use water-side).
 *
 * Units: W (_w), C (_c), K for differences (_k), W of fan/pump power per kW of heat.
 * Nothing here allocates, keeps state or knows about the event loop. */
#ifndef AIDC_MODELS_COOLING_H
#define AIDC_MODELS_COOLING_H

#include <stdbool.h>
#include <stddef.h>

/* Chiller COP never exceeds this, however small the lift. ~0.29 kW/ton: the low-lift,
 * part-load (IPLV-class) figures of the best variable-speed centrifugal chillers (est.).
 * Without a cap the Carnot fraction diverges as T_cond approaches T_evap. */
#define AIDC_CHILLER_COP_MAX 12.0

typedef enum { AIDC_COOLING_AIR = 0, AIDC_COOLING_LIQUID = 1 } aidc_cooling_kind;

typedef enum {
    AIDC_ECONOMIZER_NONE = 0,  /* chillers every hour */
    AIDC_ECONOMIZER_AIR = 1,   /* outside air: T_db + approach <= supply_air_c */
    AIDC_ECONOMIZER_WATER = 2, /* tower (or dry coil) + HX: T_sink + approach <= chilled_water_c */
} aidc_economizer_kind;

typedef struct aidc_cooling_cfg {
    aidc_cooling_kind kind;
    /* air plant (all of the heat for AIR, the air share for LIQUID) */
    double supply_air_c;         /* CRAH supply air */
    double chilled_water_c;      /* evaporator leaving water; below supply_air_c */
    bool water_cooled;           /* cooling tower (true) or air-cooled chiller */
    double chiller_eta;          /* fraction of Carnot */
    double condenser_approach_k; /* T_cond = T_wb (tower) or T_db (air) + this */
    aidc_economizer_kind economizer;
    double economizer_approach_k; /* see the top of the file; meaning follows `economizer` */
    double fan_pump_w_per_kw;     /* CRAH fans + pumps + tower fans per kW of air heat */
    /* liquid loop (LIQUID only; ignored for AIR) */
    double liquid_share;          /* fraction of the heat captured by cold plates */
    double facility_water_c;      /* facility water supply: W32 -> 32 */
    double dry_cooler_approach_k; /* dry coolers make water at T_db + this */
    double liquid_pump_w_per_kw;  /* CDU + facility pumps + dry-cooler fans per kW of liquid heat */
    /* capacity: heat the plant can reject at or below design_dry_bulb_c; above it the
     * capacity falls by capacity_derate_per_k (a fraction of capacity_w) per K, to 0 at
     * worst. capacity_w = 0 means unlimited. */
    double capacity_w;
    double design_dry_bulb_c;
    double capacity_derate_per_k;
} aidc_cooling_cfg;

/* Fills *c with the calibrated defaults for `kind` (values and their sources in cooling.c).
 * LIQUID gets the same air plant as AIR, so the two differ only by the liquid loop. */
void aidc_cooling_defaults(aidc_cooling_cfg *c, aidc_cooling_kind kind);

/* Checks every field against its physical range. Returns 0, or -1 with a one-line message
 * naming the key path: "cooling.liquid_share: expected a fraction in [0, 1], found 1.2"
 * (err NUL-terminated when errlen > 0; may be NULL when errlen is 0). */
/* An industry-average legacy air plant (see cooling.c): the default for
 * "type": "air" unless "plant": "modern" asks for the efficient new build
 * that aidc_cooling_defaults describes. */
void aidc_cooling_legacy(aidc_cooling_cfg *c);

int aidc_cooling_check(const aidc_cooling_cfg *c, char *err, size_t errlen);

typedef struct aidc_cooling_state {
    double cooling_w;  /* electrical power of the cooling plant */
    double cop;        /* heat removed / cooling_w; 0 when heat is 0, INFINITY when free */
    bool economizer;   /* free cooling this hour: AIR, the economizer carries all heat;
                          LIQUID, the dry coolers carry all liquid heat (the air share may
                          still need chillers: see chiller_w) */
    double capacity_w; /* heat the plant can remove at this outdoor temperature (INFINITY
                          when unlimited) */
    double chiller_w;  /* the compressor part of cooling_w; 0 when no chiller runs */
} aidc_cooling_state;

/* Cooling power for heat_w (>= 0) of IT heat at the given outdoor dry and wet bulb. Power is
 * computed for all of heat_w even above capacity_w: comparing the two, and throttling IT, is
 * the caller's job. The config must have passed aidc_cooling_check (asserted in part). */
aidc_cooling_state aidc_cooling_eval(const aidc_cooling_cfg *c, double heat_w, double dry_bulb_c,
                                     double wet_bulb_c);

/* Chiller COP evaporating at t_evap_c with the plant's condenser at these outdoor conditions
 * (the formula at the top, capped). Exposed for tests and reports. */
double aidc_cooling_chiller_cop(const aidc_cooling_cfg *c, double t_evap_c, double dry_bulb_c,
                                double wet_bulb_c);

#endif
