/* cost — capex amortization and opex. See cost.h. */
#include "models/cost.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

/* Defaults, calibrated against shared/reference/physical-figures.md §5 "Economics":
 * - system_life_years 5: "servers 4–6 y"; 10-K lives Meta 5 y (later 5.5), Microsoft,
 *   Alphabet, CoreWeave 6 y, Amazon cut to 5 y for a subset in 2025 citing AI pace.
 * - facility_usd_per_w 11.7: "avg $11.7M/MW critical load ($9.3–15.0M across 19 US markets),
 *   excl. land, IT" (Cushman & Wakefield 2025).
 * - facility_life_years 15: "facility 15–20 y (est.)"; the short end, so facility capex is
 *   not understated.
 * - network_usd_per_gpu 5000 (est., no row gives it directly): one 400G NIC, its optics and a
 *   share of leaf/spine switches per GPU. The row "8-GPU H100 servers ~$200–400k with
 *   networking/support (est.)" against "DGX H100 ~$270k" bounds networking plus support at
 *   about $16k per GPU; $5k is the network part. Calibrate per fabric.
 * - network_life_years 5: depreciated with the servers it connects.
 * - demand_usd_per_kw_month 15: "commonly ~$5–25/kW-month (est.)", mid-range; PJM capacity
 *   ≈ $8–10/kW-month of peak load (§4) sits inside it.
 * - fixed_usd_per_year 0: no reference figure; scenarios add their own. */
void aidc_cost_cfg_default(aidc_cost_cfg *c)
{
    assert(c);
    c->system_life_years = 5.0;
    c->facility_usd_per_w = 11.7;
    c->facility_life_years = 15.0;
    c->network_usd_per_gpu = 5000.0;
    c->network_life_years = 5.0;
    c->demand_usd_per_kw_month = 15.0;
    c->fixed_usd_per_year = 0.0;
}

static bool check(bool ok, const char *key, const char *field, const char *want, double v,
                  char *err, size_t errlen)
{
    if (!ok && err && errlen > 0)
        snprintf(err, errlen, "%s.%s: expected %s, found %g", key, field, want, v);
    return ok;
}

int aidc_cost_cfg_check(const aidc_cost_cfg *c, const char *key, char *err, size_t errlen)
{
    assert(c && key);
    const struct {
        const char *name;
        double v;
        bool life;
    } f[] = {
        {"system_life_years", c->system_life_years, true},
        {"facility_usd_per_w", c->facility_usd_per_w, false},
        {"facility_life_years", c->facility_life_years, true},
        {"network_usd_per_gpu", c->network_usd_per_gpu, false},
        {"network_life_years", c->network_life_years, true},
        {"demand_usd_per_kw_month", c->demand_usd_per_kw_month, false},
        {"fixed_usd_per_year", c->fixed_usd_per_year, false},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        bool ok = isfinite(f[i].v) && (f[i].life ? f[i].v > 0 : f[i].v >= 0);
        if (!check(ok, key, f[i].name,
                   f[i].life ? "a life in years, finite and > 0" : "a finite amount >= 0", f[i].v,
                   err, errlen))
            return -1;
    }
    return 0;
}

aidc_cost_result aidc_cost_compute(const aidc_cost_cfg *c, double sim_seconds, int64_t n_gpus,
                                   double system_price_usd_total, double critical_it_w,
                                   double energy_cost_usd, const double *monthly_peak_w,
                                   size_t n_months, double delivered_gpu_hours, double facility_mwh)
{
    assert(c && isfinite(sim_seconds) && sim_seconds > 0 && n_gpus >= 0);
    assert(isfinite(system_price_usd_total) && system_price_usd_total >= 0);
    assert(isfinite(critical_it_w) && critical_it_w >= 0);
    assert(isfinite(energy_cost_usd) && energy_cost_usd >= 0);
    assert(monthly_peak_w || n_months == 0);
    assert(isfinite(delivered_gpu_hours) && delivered_gpu_hours >= 0);
    assert(isfinite(facility_mwh) && facility_mwh >= 0);
    assert(c->system_life_years > 0 && c->facility_life_years > 0 && c->network_life_years > 0);

    double years = sim_seconds / AIDC_SECONDS_PER_YEAR;
    aidc_cost_result r;
    r.capex_systems = system_price_usd_total / c->system_life_years * years;
    r.capex_facility = c->facility_usd_per_w * critical_it_w / c->facility_life_years * years;
    r.capex_network = c->network_usd_per_gpu * (double)n_gpus / c->network_life_years * years;
    r.capex_amortized = r.capex_systems + r.capex_facility + r.capex_network;
    r.energy = energy_cost_usd;

    r.demand = 0;
    for (size_t i = 0; i < n_months; i++) {
        double start = (double)i * AIDC_SECONDS_PER_BILLING_MONTH;
        assert(start < sim_seconds && isfinite(monthly_peak_w[i]) && monthly_peak_w[i] >= 0);
        double covered = sim_seconds - start;
        double share = covered >= AIDC_SECONDS_PER_BILLING_MONTH
                           ? 1.0
                           : covered / AIDC_SECONDS_PER_BILLING_MONTH;
        r.demand += c->demand_usd_per_kw_month * (monthly_peak_w[i] / 1000.0) * share;
    }
    r.fixed = c->fixed_usd_per_year * years;
    r.total = r.capex_amortized + r.energy + r.demand + r.fixed;
    r.per_gpu_hour = delivered_gpu_hours > 0 ? r.total / delivered_gpu_hours : NAN;
    r.per_mwh = facility_mwh > 0 ? r.total / facility_mwh : NAN;
    return r;
}
