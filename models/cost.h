/* cost — what a run costs: capex amortized over the simulated time plus opex, into totals,
 * $/GPU-hour and $/MWh.
 *
 * Capex is straight-line: each asset costs price / life per year, and a run of d seconds is
 * charged d / (365 days) of a year, so a month-long run carries a month of capex whatever the
 * utilization (idle GPUs cost money; that is the point of the $/GPU-hour figure). Opex is the
 * energy bill (computed by the caller as sum E(t) p(t), e.g. with aidc_tariff_cost_usd), the
 * demand charge (a $/kW-month rate on each billing month's highest 15-minute average power,
 * models/grid.h) and fixed costs per year. The trade-off: no discounting, no residual value,
 * no ratchets, no financing — a planner's comparison figure, not an accounting one.
 *
 * Years are 365 days (8,760 h, as in physical-figures.md §5 "price/(life·8760·utilization)");
 * billing months are 30 days from sim time 0 (grid.h). A partial last month pays its demand
 * charge in proportion to the part simulated, so every cost term covers the same time.
 * Units: USD, W, seconds, years, GPU-hours, MWh. */
#ifndef AIDC_MODELS_COST_H
#define AIDC_MODELS_COST_H

#include <stddef.h>
#include <stdint.h>

#define AIDC_SECONDS_PER_YEAR (365.0 * 86400.0)
#define AIDC_SECONDS_PER_BILLING_MONTH (30.0 * 86400.0)

typedef struct aidc_cost_cfg {
    double system_life_years;  /* servers/GPUs depreciation life */
    double facility_usd_per_w; /* construction per W of critical IT capacity */
    double facility_life_years;
    double network_usd_per_gpu; /* NICs, optics, switch share per GPU */
    double network_life_years;
    double demand_usd_per_kw_month; /* on each month's highest 15-minute average */
    double fixed_usd_per_year;      /* staff, maintenance, insurance, interconnect fees ... */
} aidc_cost_cfg;

/* Defaults with their sources (cost.c): 5 y, $11.7/W, 15 y, $5,000/GPU, 5 y, $15/kW-month,
 * $0/year. */
void aidc_cost_cfg_default(aidc_cost_cfg *c);

/* Checks a cfg read from a scenario: lives finite and > 0, prices finite and >= 0. Returns 0,
 * or -1 with "KEY.FIELD: ..." in err (FIELD as in the struct), key e.g. "cost". */
int aidc_cost_cfg_check(const aidc_cost_cfg *c, const char *key, char *err, size_t errlen);

typedef struct aidc_cost_result {
    double capex_systems, capex_facility, capex_network; /* amortized over the run */
    double capex_amortized;                              /* their sum */
    double energy;                                       /* as passed in */
    double demand;
    double fixed;
    double total;
    double per_gpu_hour; /* total / delivered GPU-hours; NAN when none were delivered */
    double per_mwh;      /* total / facility MWh; NAN when no energy was used */
} aidc_cost_result;

/* Costs of a run of sim_seconds (> 0) on n_gpus GPUs whose systems cost
 * system_price_usd_total in all, in a facility built for critical_it_w of IT load.
 * monthly_peak_w[i] is billing month i's highest 15-minute average (n_months of them, from
 * aidc_demand_meter_monthly_peaks; months starting at or after sim_seconds are a bug).
 * delivered_gpu_hours is GPU-time spent on jobs; facility_mwh the energy at the meter.
 * Arguments out of range (negative, non-finite) are bugs: assert. */
aidc_cost_result aidc_cost_compute(const aidc_cost_cfg *c, double sim_seconds, int64_t n_gpus,
                                   double system_price_usd_total, double critical_it_w,
                                   double energy_cost_usd, const double *monthly_peak_w,
                                   size_t n_months, double delivered_gpu_hours,
                                   double facility_mwh);

#endif
