/* power — the power chain; see power.h. */
#include "models/power.h"

#include <math.h>

void aidc_power_defaults(aidc_power_cfg *c, double tdp_w, double idle_w, double node_base_w,
                         double node_rating_w)
{
    *c = (aidc_power_cfg){0};
    c->gpu_tdp_w = tdp_w;
    c->gpu_idle_w = idle_w;
    /* §1.1: training GEMMs 80-100% of TDP with near-idle communication
     * phases; inference decode 20-45%; est. averages */
    c->activity[AIDC_KIND_TRAINING] = 0.9;
    c->activity[AIDC_KIND_FINETUNE] = 0.85;
    c->activity[AIDC_KIND_INFERENCE] = 0.4;
    c->activity[AIDC_KIND_BATCH] = 0.7;
    /* §1.1: throughput ∝ (cap/P)^k, k ≈ 0.7-1.0 training, 0.3-0.5 inference */
    c->cap_exponent[AIDC_KIND_TRAINING] = 0.85;
    c->cap_exponent[AIDC_KIND_FINETUNE] = 0.85;
    c->cap_exponent[AIDC_KIND_INFERENCE] = 0.4;
    c->cap_exponent[AIDC_KIND_BATCH] = 0.7;
    c->node_base_w = node_base_w;
    /* PSUs sized to the system rating (§2: DGX H100 6x3.3 kW, 4+2, for 10.2 kW) */
    c->psu_capacity_w = node_rating_w > 0 ? node_rating_w : node_base_w + 8 * tdp_w;
    /* §2: 80 PLUS Titanium (230 V redundant) >= 90/94/96/91% at 10/20/50/100% */
    c->psu = (aidc_eff_curve){{0.10, 0.20, 0.50, 1.00}, {0.90, 0.94, 0.96, 0.91}};
    /* §2: double-conversion UPS 94-97%; lower at light load (est. shape) */
    c->ups = (aidc_eff_curve){{0.10, 0.25, 0.50, 1.00}, {0.90, 0.94, 0.965, 0.96}};
    c->ups_capacity_w = 0; /* set from the facility's IT capacity by the caller */
    c->transformer_eta = 0.985; /* §2: each transformer stage ~98-99% */
    c->misc_w = 0;
}

double aidc_eff_at(const aidc_eff_curve *c, double load)
{
    if (!(load > c->load[0])) return c->eta[0];
    for (int i = 1; i < AIDC_EFF_POINTS; i++)
        if (load <= c->load[i]) {
            double f = (load - c->load[i - 1]) / (c->load[i] - c->load[i - 1]);
            return c->eta[i - 1] + f * (c->eta[i] - c->eta[i - 1]);
        }
    return c->eta[AIDC_EFF_POINTS - 1];
}

static double effective_tdp(const aidc_power_cfg *c, double cap_w)
{
    return cap_w > 0 && cap_w < c->gpu_tdp_w ? cap_w : c->gpu_tdp_w;
}

double aidc_power_gpu_w(const aidc_power_cfg *c, aidc_job_kind kind, double cap_w)
{
    double top = effective_tdp(c, cap_w);
    if (top < c->gpu_idle_w) top = c->gpu_idle_w;
    return c->gpu_idle_w + (top - c->gpu_idle_w) * c->activity[kind];
}

double aidc_power_cap_speed(const aidc_power_cfg *c, aidc_job_kind kind, double cap_w)
{
    double uncapped = aidc_power_gpu_w(c, kind, 0);
    double capped = aidc_power_gpu_w(c, kind, cap_w);
    if (capped >= uncapped) return 1.0;
    return pow(capped / uncapped, c->cap_exponent[kind]);
}

double aidc_power_node_ac_w(const aidc_power_cfg *c, double dc_w)
{
    double load = c->psu_capacity_w > 0 ? dc_w / c->psu_capacity_w : 1;
    return dc_w / aidc_eff_at(&c->psu, load);
}

aidc_power_site aidc_power_site_w(const aidc_power_cfg *c, double it_w, double cooling_w)
{
    aidc_power_site s = {0};
    s.it_w = it_w;
    double load = c->ups_capacity_w > 0 ? it_w / c->ups_capacity_w : 1;
    double ups_in = it_w / aidc_eff_at(&c->ups, load);
    s.ups_loss_w = ups_in - it_w;
    s.cooling_w = cooling_w;
    s.misc_w = c->misc_w;
    double before_tx = ups_in + cooling_w + c->misc_w;
    s.facility_w = before_tx / c->transformer_eta;
    s.transformer_loss_w = s.facility_w - before_tx;
    return s;
}
