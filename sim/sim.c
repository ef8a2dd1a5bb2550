/* sim — the run loop and the host side of the policy ABI; see sim.h. */
#include "sim/sim.h"

#include <assert.h>
#include <float.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/trace.h"
#include "models/weather.h"
#include "sched/builtin.h"
#include "sched/placement.h"
#include "sim/rng.h"
#include "sim/services.h"

/* Profile switch points (see sim/profile.h): no-ops without --profile. */
static inline int prof_in(aidc_sim *s, int cat)
{
    return s->prof ? aidc_profile_enter(s->prof, cat) : 0;
}

static inline void prof_out(aidc_sim *s, int prev)
{
    if (s->prof) aidc_profile_leave(s->prof, prev);
}

/* Event types, and their priorities at equal times: completions free GPUs
 * before arrivals join the queue; the policy runs after both; samples see the
 * instant's decisions; the horizon comes last. */
enum { EV_FINISH, EV_ARRIVAL, EV_SCHEDULE, EV_SAMPLE, EV_HORIZON, EV_HOUR, EV_DR, EV_WAKE, EV_SERVICE,
       EV_FAIL, EV_REPAIR, EV_RELAX, EV_FABRIC };
/* a service step takes its GPUs before the policy runs at that instant; so
 * do failures and repairs */
static const uint32_t ev_priority[] = {0, 2, 3, 4, 5, 1, 1, 2, 1, 1, 1, 1, 3};
/* The profile category each event's handler runs in (a handler that mixes
 * categories switches inside it). */
static const int ev_prof[] = {
    [EV_FINISH] = AIDC_PROF_ENGINE,   [EV_ARRIVAL] = AIDC_PROF_ENGINE, [EV_SCHEDULE] = AIDC_PROF_POLICY,
    [EV_SAMPLE] = AIDC_PROF_ENGINE,   [EV_HORIZON] = AIDC_PROF_ENGINE, [EV_HOUR] = AIDC_PROF_ENGINE,
    [EV_DR] = AIDC_PROF_POWER,        [EV_WAKE] = AIDC_PROF_ENGINE,    [EV_SERVICE] = AIDC_PROF_FAILURES,
    [EV_FAIL] = AIDC_PROF_FAILURES,   [EV_REPAIR] = AIDC_PROF_FAILURES, [EV_RELAX] = AIDC_PROF_POWER,
    [EV_FABRIC] = AIDC_PROF_FABRIC};
#define HOUR_NS (3600 * (int64_t)1000000000)

/* failures (the end of this file); checkpoint settings are per job kind */
_Static_assert(AIDC_FAIL_KINDS == AIDC_KIND_COUNT, "one checkpoint setting per job kind");
static void fail_drain(aidc_sim *s, const aidc_job_rt *j);
/* One in the fixed point of ckpt_writing_fx: 2^32 (terms are at most 1, so
 * a sum over 2^31 running jobs still fits in an int64). */
#define CKPT_FX_ONE 4294967296.0
static void fail_segment_begin(aidc_sim *s, uint32_t id);
static void fail_segment_end(aidc_sim *s, uint32_t id, bool save_now);
static void fail_push_next(aidc_sim *s, uint32_t cls);
static void on_fail(aidc_sim *s, uint32_t cls);
static void on_repair(aidc_sim *s, uint32_t slot);
static int build_failures(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen);

const char aidc_timeseries_header[] =
    "time_s,busy_gpus,gpu_utilization,running_jobs,queued_jobs,queued_gpus,it_mw,losses_mw,"
    "cooling_mw,facility_mw,pue,outdoor_c,price_usd_per_mwh,carbon_g_per_kwh\n";

/* ---- pools and shares ---------------------------------------------------- */

/* Node i's power figures: its pool's, or the scenario's chain for one node shape. */
static const aidc_power_cfg *npc(const aidc_sim *s, int32_t i)
{
    return s->node_pc ? s->node_pc[i] : &s->sc->power.chain;
}

/* The power figures of a job's GPUs (those of its first node). */
static const aidc_power_cfg *jpc(const aidc_sim *s, const aidc_job_rt *j,
                                 const aidc_sched_alloc *alloc, size_t n)
{
    if (!s->node_pc) return &s->sc->power.chain;
    if (n > 0) return npc(s, alloc[0].node);
    return j->n_alloc > 0 ? npc(s, j->alloc[0].node) : &s->sc->power.chain;
}

/* GPUs' worth job j holds on allocation entry a: whole GPUs, or its share of one. A
 * shared GPU draws idle once plus each share's part of the job's draw above idle, so
 * it never draws more than one GPU at full load. */
static double held(const aidc_job_rt *j, const aidc_sched_alloc *a)
{
    return j->view.shared_gpu >= 0 ? j->view.gpu_milli / 1000.0 : a->gpus;
}

/* A job on a share (view.shared_gpu >= 0) holds one GPU's part on alloc[0].node; the
 * job record keeps no more than that, so a share costs no memory per job. */
static aidc_sched_share share_of(const aidc_job_rt *j, const aidc_sched_alloc *a)
{
    return (aidc_sched_share){a->node, j->view.shared_gpu, j->view.gpu_milli, a->cpus, a->mem_gib};
}

/* ---- host services given to the policy ---------------------------------- */

static int64_t host_now(void *ctx) { return ((aidc_sim *)ctx)->now_ns; }
static size_t host_node_count(void *ctx) { return ((aidc_sim *)ctx)->cluster.n_nodes; }
static const aidc_sched_node *host_nodes(void *ctx) { return ((aidc_sim *)ctx)->cluster.nodes; }
static size_t host_pending_count(void *ctx) { return ((aidc_sim *)ctx)->n_pending; }
static long host_nodes_changed(void *ctx, uint64_t *cursor, int32_t *out, size_t max_out)
{
    return aidc_cluster_changes_since(&((aidc_sim *)ctx)->cluster, cursor, out, max_out);
}
static size_t host_running_count(void *ctx) { return ((aidc_sim *)ctx)->n_running; }

static const aidc_sched_job *host_pending(void *ctx, size_t i)
{
    aidc_sim *s = ctx;
    return i < s->n_pending ? &s->jobs[s->pending[i]].view : NULL;
}

/* The view's progress and executed time now, for work left `remaining`. */
static void refresh_view(const aidc_sim *s, aidc_job_rt *j, double remaining)
{
    double total = j->duration_ns;
    j->view.progress = total > 0 ? 1.0 - remaining / total : 1.0;
    if (j->view.progress < 0) j->view.progress = 0; /* restore time still to pay */
    if (s->has_failures && total > 0 && s->sc->policy.plugin_path) {
        /* failures: remaining_ns holds restart and checkpoint writes too.
         * Only a plugin can read view.progress (no built-in policy and no
         * output does, and each call computes it afresh), so built-in runs
         * skip the checkpoint arithmetic on every running job every pass. */
        const aidc_job_fail *jf = &s->jfail[j->view.id];
        double wall = aidc_ckpt_wall_ns(&jf->seg);
        aidc_ckpt_split_r sp = aidc_ckpt_split(&jf->seg, wall - remaining, true);
        j->view.progress = 1.0 - (jf->prod_left_ns - sp.saved_ns) / total;
    }
    j->view.executed_ns = j->executed_before_ns + (s->now_ns - j->view.start_ns);
}

/* Brings a running job's work left up to now (before its speed changes or
 * it stops). */
static void update_progress(aidc_sim *s, aidc_job_rt *j)
{
    j->remaining_ns -= (double)(s->now_ns - j->last_ns) * j->speed;
    if (j->remaining_ns < 0) j->remaining_ns = 0;
    j->last_ns = s->now_ns;
    refresh_view(s, j, j->remaining_ns);
}

static const aidc_sched_job *host_running(void *ctx, size_t i)
{
    aidc_sim *s = ctx;
    if (i >= s->n_running) return NULL;
    aidc_job_rt *j = &s->jobs[s->running[i]];
    /* the view only: reading a job must not change its arithmetic, so the
     * run does not depend on how often a policy looks */
    double remaining = j->remaining_ns - (double)(s->now_ns - j->last_ns) * j->speed;
    refresh_view(s, j, remaining < 0 ? 0 : remaining);
    return &j->view;
}

/* ---- power -------------------------------------------------------------- */

static void swing_snapshot(aidc_sim *s);

/* Energy over [last_power_ns, now) at the present (constant) power. */
static void power_advance(aidc_sim *s)
{
    double dt = (double)(s->now_ns - s->last_power_ns) / 1e9;
    if (dt <= 0) return;
    s->e_it_j += s->it_w * dt;
    s->e_psu_loss_j += (s->it_w - s->dc_w) * dt;
    s->e_dist_loss_j += (s->site.ups_loss_w + s->site.transformer_loss_w) * dt;
    s->e_misc_j += s->site.misc_w * dt;
    s->e_cooling_j += s->site.cooling_w * dt;
    s->e_facility_j += s->site.facility_w * dt;
    if (s->thermal_limited) s->throttled_gpu_s += s->lost_rate * dt;
    else s->curtailed_gpu_s += s->lost_rate * dt;
    if (s->economizer) s->economizer_s += dt;
    /* peaks of states that lasted (a state replaced at the same instant,
     * such as the moment before a throttle, is no peak) */
    if (s->it_w > s->peak_it_w) s->peak_it_w = s->it_w;
    if (s->site.facility_w > s->peak_facility_w) {
        s->peak_facility_w = s->site.facility_w;
        swing_snapshot(s);
    }
    double pue = s->it_w > 0 ? s->site.facility_w / s->it_w : 0;
    if (pue > s->max_pue) s->max_pue = pue;
    /* a demand-response limit is met when no interval of time exceeded it */
    if (s->dr_active && s->site.facility_w > s->dr_limit_w * (1 + 1e-9)) s->dr_met = false;
    const aidc_scenario *sc = s->sc;
    double p = s->site.facility_w;
    s->energy_cost_usd += aidc_tariff_cost_usd(&sc->grid.tariff, s->last_power_ns, s->now_ns, p,
                                               sc->grid.start_weekday);
    if (s->has_carbon)
        s->carbon_g += aidc_series_energy_weighted(&s->carbon, s->last_power_ns, s->now_ns, p,
                                                   sc->grid.carbon_start_hour);
    aidc_demand_meter_add(s->meter, s->last_power_ns, s->now_ns, p);
    s->last_power_ns = s->now_ns;
}

/* Records the running synchronized (training, fine-tuning) jobs as square
 * waves at the facility peak: near TDP while computing, near idle while
 * communicating (physical-figures §1.1, §4: a ≈ 1 vs ≈ 0.05 est.). */
static void swing_snapshot(aidc_sim *s)
{
    const aidc_power_cfg *c = &s->sc->power.chain;
    if (s->n_running > s->cap_swing_jobs) {
        size_t cap = s->n_running * 2;
        aidc_swing_job *a = realloc(s->swing_jobs, cap * sizeof *a);
        if (!a) abort();
        s->swing_jobs = a;
        s->cap_swing_jobs = cap;
    }
    double f = s->sc->fabric.enabled ? s->sc->fabric.comm_fraction : 0.2;
    size_t k = 0;
    for (size_t i = 0; i < s->n_running; i++) {
        const aidc_job_rt *j = &s->jobs[s->running[i]];
        if (j->view.kind != AIDC_KIND_TRAINING && j->view.kind != AIDC_KIND_FINETUNE) continue;
        c = jpc(s, j, NULL, 0);
        double top = j->cap_w > 0 && j->cap_w < c->gpu_tdp_w ? j->cap_w : c->gpu_tdp_w;
        double g = j->view.shared_gpu >= 0 ? j->view.gpu_milli / 1000.0 : j->view.gpus;
        s->swing_jobs[k++] = (aidc_swing_job){g * top, g * (c->gpu_idle_w + 0.05 * (top - c->gpu_idle_w)),
                                              g * c->gpu_tdp_w, s->sc->grid.iteration_s, 1 - f, 0};
    }
    s->n_swing_jobs = k;
    s->swing_peak_w = s->site.facility_w;
}

/* GPU-seconds per second lost to caps now: sum of gpus x (1 - cap speed)
 * over the running jobs, kept as each job's term changes. */
#define LOST_FX_ONE 4294967296.0

static double lost_gpu_rate(const aidc_sim *s)
{
    if (s->uniform_cap >= 1 && s->n_user_caps == 0) return 0;
    return (double)s->lost_fx / LOST_FX_ONE;
}

/* Job j's term, after its cap speed changed or it joined the running list. */
static void lost_update(aidc_sim *s, aidc_job_rt *j)
{
    int64_t term = llround((double)j->view.gpus * (1 - j->cap_speed) * LOST_FX_ONE);
    s->lost_fx += term - j->lost_fx;
    j->lost_fx = term;
}

/* Recomputes the site after node loads changed: all IT power becomes heat
 * for the cooling plant at this hour's weather. */
static void power_refresh(aidc_sim *s)
{
    int prof_prev_ = prof_in(s, AIDC_PROF_POWER);
    if (s->sc->cooling.enabled) {
        aidc_cooling_state cs = aidc_cooling_eval(&s->sc->cooling.plant, s->it_w, s->dry_bulb_c,
                                                  s->wet_bulb_c);
        s->cooling_w = cs.cooling_w;
        s->cooling_capacity_w = cs.capacity_w;
        s->economizer = cs.economizer;
    }
    s->site = aidc_power_site_w(&s->sc->power.chain, s->it_w, s->cooling_w);
    s->lost_rate = lost_gpu_rate(s);

    prof_out(s, prof_prev_);
}

/* Changes node i's DC load by delta_w, keeping AC, rack and IT sums. */
static double node_ac(aidc_sim *s, int32_t i, double dc_w);

static void node_add_dc(aidc_sim *s, int32_t i, double delta_w)
{
    double old_ac = s->node_ac_w[i];
    s->node_dc_w[i] += delta_w;
    s->node_ac_w[i] = node_ac(s, i, s->node_dc_w[i]);
    double d_ac = s->node_ac_w[i] - old_ac;
    s->rack_it_w[s->cluster.nodes[i].rack] += d_ac;
    s->it_w += d_ac;
    s->dc_w += delta_w;
}

/* What a job's GPUs add over idle on each of its nodes; `busy` false for a
 * cap change, where the GPUs stay busy and the power classes stay. */
static void job_power_as(aidc_sim *s, const aidc_job_rt *j, int sign, bool busy);

static void job_power(aidc_sim *s, const aidc_job_rt *j, int sign)
{
    job_power_as(s, j, sign, true);
}

static void job_power_as(aidc_sim *s, const aidc_job_rt *j, int sign, bool busy)
{
    int prof_prev_ = prof_in(s, AIDC_PROF_POWER);
    const aidc_power_cfg *c = jpc(s, j, NULL, 0);
    double per_gpu = aidc_power_gpu_w(c, (aidc_job_kind)j->view.kind, j->cap_w) - c->gpu_idle_w;
    for (int32_t k = 0; k < j->n_alloc; k++)
        node_add_dc(s, j->alloc[k].node, sign * per_gpu * held(j, &j->alloc[k]));
    /* the classes count whole GPUs: a share ends the fast path for the run */
    if (busy && s->has_pclass && j->view.shared_gpu >= 0) s->has_pclass = false;
    for (int32_t k = 0; busy && s->has_pclass && k < j->n_alloc; k++)
        if (aidc_powerclass_add(&s->pclass, j->alloc[k].node, j->view.kind, sign * j->alloc[k].gpus))
            s->has_pclass = false; /* out of memory: the exact sums still work */
    prof_out(s, prof_prev_);
}

static int build_power(aidc_sim *s, char *err, size_t errlen)
{
    const aidc_power_cfg *c = &s->sc->power.chain;
    s->cooling_capacity_w = INFINITY;
    s->dr_met = true;
    s->meter = malloc(sizeof *s->meter);
    if (!s->meter) {
        snprintf(err, errlen, "out of memory for the demand meter");
        return -1;
    }
    aidc_demand_meter_init(s->meter);
    if (s->sc->grid.carbon_path) {
        char msg[1024];
        aidc_series_init(&s->carbon);
        long filled = aidc_carbon_read(s->sc->grid.carbon_path, &s->carbon, msg, sizeof msg);
        if (filled < 0) {
            snprintf(err, errlen, "%s: grid.carbon: %s", s->sc->path, msg);
            aidc_series_fini(&s->carbon);
            return -1;
        }
        s->has_carbon = true;
    }
    if (s->sc->cooling.enabled) {
        s->dry_bulb_c = s->sc->cooling.outdoor_c;
        s->wet_bulb_c = s->sc->cooling.outdoor_wet_bulb_c;
        if (s->sc->cooling.weather_path) {
            char msg[1024];
            if (aidc_weather_read(s->sc->cooling.weather_path, &s->weather, msg, sizeof msg)) {
                snprintf(err, errlen, "%s: cooling.weather: %s", s->sc->path, msg);
                return -1;
            }
            s->has_weather = true;
            s->dry_bulb_c = aidc_weather_dry_bulb_c(&s->weather, 0, s->sc->cooling.start_hour);
            s->wet_bulb_c = aidc_weather_wet_bulb_c(&s->weather, 0, s->sc->cooling.start_hour);
        }
    }
    size_t n = s->cluster.n_nodes;
    s->node_dc_w = calloc(n, sizeof *s->node_dc_w);
    s->node_ac_w = calloc(n, sizeof *s->node_ac_w);
    s->rack_it_w = calloc((size_t)s->cluster.n_racks, sizeof *s->rack_it_w);
    if (!s->node_dc_w || !s->node_ac_w || !s->rack_it_w) {
        snprintf(err, errlen, "out of memory for power state");
        return -1;
    }
    s->uniform_cap = 1;
    s->ac_memo = calloc(1, sizeof *s->ac_memo); /* NULL: evaluated every time */
    const char *chk = getenv("AIDC_CHECK_POWERCLASS");
    s->check_pclass = chk && *chk && strcmp(chk, "0") != 0;
    s->has_pclass = n > 0 && !s->node_pc && aidc_powerclass_init(&s->pclass, n, &s->cluster.nodes[0].gpus_total,
                                         sizeof s->cluster.nodes[0], &s->cluster.nodes[0].rack,
                                         s->cluster.n_racks) == 0;
    for (size_t i = 0; i < n; i++) {
        c = npc(s, (int32_t)i);
        s->node_dc_w[i] = c->node_base_w + s->cluster.nodes[i].gpus_total * c->gpu_idle_w;
        s->node_ac_w[i] = aidc_power_node_ac_w(c, s->node_dc_w[i]);
        s->rack_it_w[s->cluster.nodes[i].rack] += s->node_ac_w[i];
        s->it_w += s->node_ac_w[i];
        s->dc_w += s->node_dc_w[i];
    }
    power_refresh(s);
    return 0;
}

/* Accumulates the time integrals up to now; call before any state change. */
static void advance_integrals(aidc_sim *s)
{
    int prof_prev_ = prof_in(s, AIDC_PROF_POWER);
    double dt = (double)(s->now_ns - s->last_change_ns);
    s->busy_gpu_ns += dt * (double)s->cluster.busy_gpus;
    s->queued_job_ns += dt * (double)s->n_pending;
    s->last_change_ns = s->now_ns;
    power_advance(s);
    prof_out(s, prof_prev_);
}

static int64_t finish_time(const aidc_sim *s, const aidc_job_rt *j)
{
    return s->now_ns + (int64_t)llround(j->remaining_ns / j->speed);
}

static void on_fabric_speed(void *ctx, uint32_t job, double speed)
{
    aidc_sim *s = ctx;
    s->jobs[job].net_speed = speed;
    aidc_sim_set_speed(s, job, speed * s->jobs[job].cap_speed);
}

/* fabric.update_interval: starts and ends only mark the links they touch;
 * the rates are recomputed at the next multiple of the interval. */
static bool push_tick(aidc_sim *s, int64_t iv, uint32_t type);

static void fabric_touched(aidc_sim *s)
{
    int64_t iv = s->sc->fabric.update_interval_ns;
    if (iv <= 0 || s->fabric_queued || !aidc_fabric_dirty(&s->fabric)) return;
    s->fabric_queued = push_tick(s, iv, EV_FABRIC);
}

/* Jobs that communicate across nodes: training and fine-tuning. */
static bool communicates(const aidc_job_rt *j)
{
    return j->n_alloc > 1 && (j->view.kind == AIDC_KIND_TRAINING || j->view.kind == AIDC_KIND_FINETUNE);
}

/* ---- power budgets -------------------------------------------------------- */

/* IT power allowed now: the facility IT cap, and the heat the cooling plant
 * can remove at this hour's outdoor temperature. */
static double it_limit_w(const aidc_sim *s)
{
    double cap = s->sc->power.facility_it_cap_w;
    return s->cooling_capacity_w < cap ? s->cooling_capacity_w : cap;
}

/* Whether every row (racks_per_row consecutive racks) of these rack loads
 * is within the row budget. */
static bool rows_hold(const aidc_sim *s, const double *rack)
{
    double budget = s->sc->power.row_budget_w;
    if (!isfinite(budget)) return true;
    int32_t per = s->sc->power.racks_per_row;
    for (int32_t first = 0; first < s->cluster.n_racks; first += per) {
        double sum = 0;
        for (int32_t r = first; r < first + per && r < s->cluster.n_racks; r++) sum += rack[r];
        if (sum > budget * (1 + 1e-12)) return false;
    }
    return true;
}

/* The tighter of two per-GPU caps, 0 meaning "none". */
static double tighter_cap(double a, double b)
{
    if (a <= 0) return b;
    if (b <= 0) return a;
    return a < b ? a : b;
}

/* The facility-level limit at the meter now: site cap (and, later, demand
 * response); the IT cap and rack budgets are checked on their own sums. */
static double site_limit_w(const aidc_sim *s)
{
    double lim = s->sc->power.site_cap_w;
    if (s->sc->grid.interconnect_w < lim) lim = s->sc->grid.interconnect_w;
    if (s->dr_active && s->dr_limit_w < lim) lim = s->dr_limit_w;
    return lim;
}

/* Cooling power for `it` W of IT heat at this hour's weather. */
static double cooling_for(const aidc_sim *s, double it)
{
    if (!s->sc->cooling.enabled) return s->cooling_w;
    return aidc_cooling_eval(&s->sc->cooling.plant, it, s->dry_bulb_c, s->wet_bulb_c).cooling_w;
}

/* Whether rack loads rack[], IT power `it` and cooling `cooling` are within
 * every budget (rack, row, IT and cooling capacity, site), with relative
 * tolerance tol. */
static bool limits_hold(const aidc_sim *s, const double *rack, double it, double cooling,
                        double tol)
{
    for (int32_t r = 0; r < s->cluster.n_racks; r++)
        if (rack[r] > s->sc->power.rack_budget_w * (1 + tol)) return false;
    if (!rows_hold(s, rack)) return false;
    if (it > it_limit_w(s) * (1 + tol)) return false;
    aidc_power_site site = aidc_power_site_w(&s->sc->power.chain, it, cooling);
    return site.facility_w <= site_limit_w(s) * (1 + tol);
}

/* A node's AC draw at DC load dc_w, through the run's exact memo. */
static double node_ac(aidc_sim *s, int32_t i, double dc_w)
{
    /* the memo serves one power configuration: not with pools */
    if (s->node_pc || !s->ac_memo) return aidc_power_node_ac_w(npc(s, i), dc_w);
    return aidc_power_ac_memo_get(s->ac_memo, &s->sc->power.chain, dc_w);
}

/* a <= b decided with relative margin m: 1 holds, 0 broken, -1 too close
 * to call from a sum that rounds differently from the exact one. The two
 * sums of n positive terms differ by at most about n ulps relative, and the
 * cooling and site functions scale that by a small factor: the margin is
 * 64 (n + 16) ulps, at least 1e-13. */
static double pclass_margin(const aidc_sim *s)
{
    double m = 64.0 * ((double)s->cluster.n_nodes + 16) * DBL_EPSILON;
    return m > 1e-13 ? m : 1e-13;
}

static int within(double a, double b, double m)
{
    if (!isfinite(b)) return b > 0 ? 1 : -1;
    if (a <= b * (1 - m)) return 1;
    if (a > b * (1 + m)) return 0;
    return -1;
}

/* budgets_hold_at's answer from the power classes, in O(classes + extra
 * allocation): 1 hold, 0 broken, -1 undecided (the exact node-by-node sum
 * must decide: totals near a limit, a rack bound that does not clear the
 * rack budget, row budgets, policy-set caps). */
static int budgets_decide_fast(aidc_sim *s, double f, const aidc_job_rt *extra,
                               const aidc_sched_alloc *extra_alloc, size_t n_extra)
{
    if (!s->has_pclass || s->node_pc || s->n_user_caps > 0 || (extra && extra->user_cap_w > 0) ||
        (extra && extra->view.gpu_milli > 0 && extra->view.gpu_milli < 1000) ||
        isfinite(s->sc->power.row_budget_w) || n_extra > 256)
        return -1;
    for (size_t a = 0; a < n_extra; a++)
        for (size_t b = a + 1; b < n_extra; b++)
            if (extra_alloc[a].node == extra_alloc[b].node) return -1;
    const aidc_power_cfg *c = &s->sc->power.chain;
    double m = pclass_margin(s);
    double cap = f >= 1 ? 0 : f * c->gpu_tdp_w;
    double per[AIDC_KIND_COUNT], top = c->gpu_idle_w;
    for (int k = 0; k < AIDC_KIND_COUNT; k++) {
        per[k] = aidc_power_gpu_w(c, (aidc_job_kind)k, cap);
        if (per[k] > top) top = per[k];
    }
    /* racks: the fullest rack with every GPU at the hungriest kind */
    if (isfinite(s->sc->power.rack_budget_w)) {
        double node = aidc_power_node_ac_w(c, c->node_base_w + s->pclass.max_node_gpus * top);
        if (within(s->pclass.max_nodes_per_rack * node, s->sc->power.rack_budget_w, m) != 1) return -1;
    }
    int32_t skip[256];
    for (size_t a = 0; a < n_extra; a++) skip[a] = extra_alloc[a].node;
    double it = aidc_powerclass_it_w(&s->pclass, c, c->node_base_w, per, skip, n_extra);
    for (size_t a = 0; a < n_extra; a++) {
        const aidc_powerclass_key *key = &s->pclass.keys[s->pclass.node_class[skip[a]]];
        double dc = aidc_powerclass_node_dc_w(key, c->node_base_w, c->gpu_idle_w, per);
        dc += (per[extra->view.kind] - c->gpu_idle_w) * extra_alloc[a].gpus;
        it += aidc_power_node_ac_w(c, dc);
    }
    int r = within(it, it_limit_w(s), m);
    if (r != 1) return r;
    aidc_power_site site = aidc_power_site_w(c, it, cooling_for(s, it));
    return within(site.facility_w, site_limit_w(s), m);
}

/* Node DC loads if every running job (and `extra` on `extra_alloc`, when
 * given) ran with a per-GPU cap of f x TDP (f >= 1: uncapped), into dc[];
 * returns whether every budget holds. Decided from the power classes when
 * the answer is clear-cut (budgets_decide_fast), else node by node. */
static bool budgets_hold_exact(aidc_sim *s, double f, const aidc_job_rt *extra,
                               const aidc_sched_alloc *extra_alloc, size_t n_extra, double *dc,
                               double *rack);

static bool budgets_hold_at(aidc_sim *s, double f, const aidc_job_rt *extra,
                            const aidc_sched_alloc *extra_alloc, size_t n_extra, double *dc,
                            double *rack)
{
    /* the power classes know jobs only: with service replicas, sum node by node */
    int fast = s->service_dc_w ? -1 : budgets_decide_fast(s, f, extra, extra_alloc, n_extra);
    if (fast < 0) return budgets_hold_exact(s, f, extra, extra_alloc, n_extra, dc, rack);
    if (s->check_pclass && budgets_hold_exact(s, f, extra, extra_alloc, n_extra, dc, rack) != (fast == 1)) {
        fprintf(stderr, "aidcsim: bug: power classes decided %d at cap fraction %.17g, t=%.3f s\n",
                fast, f, (double)s->now_ns / 1e9);
        abort();
    }
    return fast == 1;
}

static bool budgets_hold_exact(aidc_sim *s, double f, const aidc_job_rt *extra,
                               const aidc_sched_alloc *extra_alloc, size_t n_extra, double *dc,
                               double *rack)
{
    const aidc_power_cfg *c;
    size_t n = s->cluster.n_nodes;
    for (size_t i = 0; i < n; i++) {
        c = npc(s, (int32_t)i);
        dc[i] = c->node_base_w + s->cluster.nodes[i].gpus_total * c->gpu_idle_w;
    }
    if (s->service_dc_w)
        for (size_t i = 0; i < n; i++) dc[i] += s->service_dc_w[i];
    for (size_t r = 0; r < s->n_running; r++) {
        const aidc_job_rt *j = &s->jobs[s->running[r]];
        c = jpc(s, j, NULL, 0);
        double jcap = tighter_cap(j->user_cap_w, f >= 1 ? 0 : f * c->gpu_tdp_w);
        double per = aidc_power_gpu_w(c, (aidc_job_kind)j->view.kind, jcap) - c->gpu_idle_w;
        for (int32_t k = 0; k < j->n_alloc; k++) dc[j->alloc[k].node] += per * held(j, &j->alloc[k]);
    }
    if (extra) {
        c = jpc(s, extra, extra_alloc, n_extra);
        double ecap = tighter_cap(extra->user_cap_w, f >= 1 ? 0 : f * c->gpu_tdp_w);
        double per = aidc_power_gpu_w(c, (aidc_job_kind)extra->view.kind, ecap) - c->gpu_idle_w;
        for (size_t k = 0; k < n_extra; k++) dc[extra_alloc[k].node] += per * held(extra, &extra_alloc[k]);
    }
    for (int32_t r = 0; r < s->cluster.n_racks; r++) rack[r] = 0;
    double it = 0;
    for (size_t i = 0; i < n; i++) {
        double ac = node_ac(s, (int32_t)i, dc[i]);
        rack[s->cluster.nodes[i].rack] += ac;
        it += ac;
    }
    return limits_hold(s, rack, it, cooling_for(s, it), 0);
}

/* Whether the present state is within every budget. */
static bool budgets_hold_now(const aidc_sim *s)
{
    return limits_hold(s, s->rack_it_w, s->it_w, s->cooling_w, 1e-12);
}

static bool has_budgets(const aidc_sim *s)
{
    return isfinite(s->sc->power.rack_budget_w) || isfinite(s->sc->power.row_budget_w) ||
           isfinite(it_limit_w(s)) || isfinite(site_limit_w(s));
}

/* Every node's DC and AC load, the rack and IT sums afresh, with every
 * busy GPU at its kind's draw under the common cap f: one pass over the
 * nodes (busy GPUs per kind from the power classes) instead of two
 * updates per node of every running job. Needs the classes, one node
 * shape and no policy-set caps. */
static void node_power_at_cap(aidc_sim *s, double f)
{
    const aidc_power_cfg *c = &s->sc->power.chain;
    double cap = f >= 1 ? 0 : f * c->gpu_tdp_w, per[AIDC_KIND_COUNT];
    for (int k = 0; k < AIDC_KIND_COUNT; k++)
        per[k] = aidc_power_gpu_w(c, (aidc_job_kind)k, cap) - c->gpu_idle_w;
    for (int32_t r = 0; r < s->cluster.n_racks; r++) s->rack_it_w[r] = 0;
    double it = 0, dc_sum = 0;
    for (size_t i = 0; i < s->cluster.n_nodes; i++) {
        const int32_t *busy = &s->pclass.busy[i * AIDC_KIND_COUNT];
        double dc = c->node_base_w + s->cluster.nodes[i].gpus_total * c->gpu_idle_w;
        for (int k = 0; k < AIDC_KIND_COUNT; k++)
            if (busy[k]) dc += per[k] * busy[k];
        if (s->service_dc_w) dc += s->service_dc_w[i];
        s->node_dc_w[i] = dc;
        s->node_ac_w[i] = node_ac(s, (int32_t)i, dc);
        s->rack_it_w[s->cluster.nodes[i].rack] += s->node_ac_w[i];
        it += s->node_ac_w[i];
        dc_sum += dc;
    }
    s->it_w = it;
    s->dc_w = dc_sum;
}

/* Applies a uniform per-GPU cap of f x TDP to every running job (f >= 1
 * lifts the response's caps), moving their finish events. */
static void apply_uniform_cap(aidc_sim *s, double f)
{
    int prof_prev_ = prof_in(s, AIDC_PROF_POWER);
    bool bulk = s->has_pclass && !s->node_pc && s->n_user_caps == 0;
    /* one node shape: jobs without a cap of their own share one speed per kind */
    const aidc_power_cfg *one = s->node_pc ? NULL : &s->sc->power.chain;
    double cap = one && f < 1 ? f * one->gpu_tdp_w : 0;
    double speed_at_cap[AIDC_KIND_COUNT];
    bool known[AIDC_KIND_COUNT] = {false};
    for (size_t r = 0; r < s->n_running; r++) {
        uint32_t id = s->running[r];
        aidc_job_rt *j = &s->jobs[id];
        const aidc_power_cfg *c = jpc(s, j, NULL, 0);
        double eff = tighter_cap(j->user_cap_w, f >= 1 ? 0 : f * c->gpu_tdp_w);
        if (j->cap_w == eff) continue;
        if (!bulk) job_power_as(s, j, -1, false);
        j->cap_w = eff;
        if (!bulk) job_power_as(s, j, +1, false);
        int k = j->view.kind;
        if (!one || eff != cap || k < 0 || k >= AIDC_KIND_COUNT) {
            j->cap_speed = aidc_power_cap_speed(c, (aidc_job_kind)k, eff);
        } else {
            if (!known[k]) {
                speed_at_cap[k] = aidc_power_cap_speed(c, (aidc_job_kind)k, cap);
                known[k] = true;
            }
            j->cap_speed = speed_at_cap[k];
        }
        lost_update(s, j);
        aidc_sim_set_speed(s, id, j->net_speed * j->cap_speed);
    }
    if (bulk) node_power_at_cap(s, f);
    power_refresh(s);
    prof_out(s, prof_prev_);
}

/* The highest cap fraction in [min_cap, 1] under which the budgets hold
 * with `extra` added; -1 when none does. Bisection: power grows with cap. */
static double cap_fraction_from(aidc_sim *s, const aidc_job_rt *extra,
                                const aidc_sched_alloc *alloc, size_t n, double lowest);

/* The common case, in O(allocation): every running job draws at the
 * present common cap (none, or uniform_cap), so the present sums plus the
 * new job's deltas at that cap decide. */
static bool fits_at_present_cap(aidc_sim *s, const aidc_job_rt *extra, const aidc_sched_alloc *alloc,
                                size_t n)
{
    const aidc_power_cfg *c = &s->sc->power.chain;
    double f = s->uniform_cap;
    if (isfinite(s->sc->power.row_budget_w))
        return budgets_hold_at(s, f, extra, alloc, n, s->power_dc_scratch, s->power_rack_scratch);
    double it = s->it_w;
    if (extra) {
        c = jpc(s, extra, alloc, n);
        double cap = tighter_cap(extra->user_cap_w, f >= 1 ? 0 : f * c->gpu_tdp_w);
        double per = aidc_power_gpu_w(c, (aidc_job_kind)extra->view.kind, cap) - c->gpu_idle_w;
        for (size_t k = 0; k < n; k++) {
            int32_t i = alloc[k].node;
            double d = aidc_power_node_ac_w(npc(s, i), s->node_dc_w[i] + per * held(extra, &alloc[k])) -
                       s->node_ac_w[i];
            it += d;
            /* racks: every node of this allocation on the same rack adds up */
            double rack = s->rack_it_w[s->cluster.nodes[i].rack];
            for (size_t m = 0; m < n; m++) {
                int32_t o = alloc[m].node;
                if (s->cluster.nodes[o].rack != s->cluster.nodes[i].rack) continue;
                rack += aidc_power_node_ac_w(npc(s, o), s->node_dc_w[o] + per * held(extra, &alloc[m])) -
                        s->node_ac_w[o];
            }
            if (rack > s->sc->power.rack_budget_w) return false;
        }
    }
    if (it > it_limit_w(s)) return false;
    return aidc_power_site_w(&s->sc->power.chain, it, cooling_for(s, it)).facility_w <= site_limit_w(s);
}

static double highest_cap_fraction(aidc_sim *s, const aidc_job_rt *extra,
                                   const aidc_sched_alloc *alloc, size_t n)
{
    if (!s->sc->power.cap_response) return cap_fraction_from(s, extra, alloc, n, 1);
    return cap_fraction_from(s, extra, alloc, n, s->sc->power.min_cap_fraction);
}

/* The highest cap fraction in [lowest, 1] under which the budgets hold
 * with `extra` added; -1 when none does. Bisection: power grows with cap. */
static double cap_fraction_from(aidc_sim *s, const aidc_job_rt *extra,
                                const aidc_sched_alloc *alloc, size_t n, double lowest)
{
    if (!s->power_dc_scratch) {
        s->power_dc_scratch = malloc(s->cluster.n_nodes * sizeof *s->power_dc_scratch);
        s->power_rack_scratch = malloc((size_t)s->cluster.n_racks * sizeof *s->power_rack_scratch);
        if (!s->power_dc_scratch || !s->power_rack_scratch) abort();
    }
    double *dc = s->power_dc_scratch, *rack = s->power_rack_scratch;
    if (s->uniform_cap >= 1) {
        /* nothing capped by the response: the present sums decide, cheaply */
        if (fits_at_present_cap(s, extra, alloc, n)) return 1;
    } else if (budgets_hold_at(s, 1, extra, alloc, n, dc, rack)) {
        return 1;
    }
    double lo = lowest, hi = 1;
    if (lo >= 1 || !budgets_hold_at(s, lo, extra, alloc, n, dc, rack)) return -1;
    for (int it = 0; it < 30; it++) {
        double mid = 0.5 * (lo + hi);
        if (budgets_hold_at(s, mid, extra, alloc, n, dc, rack)) lo = mid;
        else hi = mid;
    }
    return lo;
}

/* With a cap controller period (power.cap_interval): a start may keep the
 * common cap or lower it, never raise it. The highest fraction in
 * [lowest, uniform_cap] under which the budgets hold with `extra` added,
 * where lowest is min_cap under the power_cap response and the present cap
 * under "refuse"; -1 when none does. One budget check when the present cap
 * already fits. */
static double cap_fraction_at_most(aidc_sim *s, const aidc_job_rt *extra,
                                   const aidc_sched_alloc *alloc, size_t n)
{
    if (!s->power_dc_scratch) (void)cap_fraction_from(s, NULL, NULL, 0, 1); /* allocates */
    assert(s->uniform_cap < 1 && s->power_dc_scratch);
    double *dc = s->power_dc_scratch, *rack = s->power_rack_scratch;
    double hi = s->uniform_cap;
    if (fits_at_present_cap(s, extra, alloc, n)) return hi;
    double lo = s->sc->power.cap_response ? s->sc->power.min_cap_fraction : 1;
    if (lo >= hi || !budgets_hold_at(s, lo, extra, alloc, n, dc, rack)) return -1;
    for (int it = 0; it < 30; it++) {
        double mid = 0.5 * (lo + hi);
        if (budgets_hold_at(s, mid, extra, alloc, n, dc, rack)) lo = mid;
        else hi = mid;
    }
    return lo;
}

static double host_power_headroom(void *ctx)
{
    aidc_sim *s = ctx;
    double h = site_limit_w(s) - s->site.facility_w;
    double it = s->sc->power.facility_it_cap_w - s->it_w;
    return it < h ? it : h;
}

static double host_power_needed_capped(void *ctx, uint64_t id, const aidc_sched_alloc *alloc,
                                       size_t n, double cap_w)
{
    aidc_sim *s = ctx;
    if (id >= s->n_jobs || !(cap_w >= 0)) return NAN;
    const aidc_power_cfg *c = &s->sc->power.chain;
    if (n > 0 && alloc[0].node >= 0 && (size_t)alloc[0].node < s->cluster.n_nodes)
        c = npc(s, alloc[0].node);
    double per = aidc_power_gpu_w(c, (aidc_job_kind)s->jobs[id].view.kind, cap_w) - c->gpu_idle_w;
    double it = s->it_w;
    for (size_t k = 0; k < n && alloc[k].node >= 0 && (size_t)alloc[k].node < s->cluster.n_nodes; k++) {
        int32_t i = alloc[k].node;
        it += aidc_power_node_ac_w(npc(s, i), s->node_dc_w[i] + per * alloc[k].gpus) - s->node_ac_w[i];
    }
    return aidc_power_site_w(&s->sc->power.chain, it, s->cooling_w).facility_w - s->site.facility_w;
}

static double host_power_needed(void *ctx, uint64_t id, const aidc_sched_alloc *alloc, size_t n)
{
    return host_power_needed_capped(ctx, id, alloc, n, 0);
}

static int host_set_power_cap(void *ctx, uint64_t id, double cap_w)
{
    aidc_sim *s = ctx;
    const aidc_power_cfg *c = id < s->n_jobs ? jpc(s, &s->jobs[id], NULL, 0) : &s->sc->power.chain;
    if (id >= s->n_jobs || s->jobs[id].state != AIDC_JOB_RUNNING || cap_w < 0 ||
        (cap_w > 0 && cap_w < c->gpu_idle_w) || !isfinite(cap_w))
        return -1;
    aidc_job_rt *j = &s->jobs[id];
    advance_integrals(s);
    double old_user = j->user_cap_w, old_cap = j->cap_w;
    job_power(s, j, -1);
    s->n_user_caps += (cap_w > 0) - (old_user > 0);
    j->user_cap_w = cap_w;
    j->cap_w = tighter_cap(cap_w, s->uniform_cap < 1 ? s->uniform_cap * c->gpu_tdp_w : 0);
    job_power(s, j, +1);
    if (j->cap_w != old_cap && !budgets_hold_now(s)) {
        /* raising a cap may not break a budget: undo */
        job_power(s, j, -1);
        s->n_user_caps -= (cap_w > 0) - (old_user > 0);
        j->user_cap_w = old_user;
        j->cap_w = old_cap;
        job_power(s, j, +1);
        return -1;
    }
    power_refresh(s);
    j->cap_speed = aidc_power_cap_speed(c, (aidc_job_kind)j->view.kind, j->cap_w);
    lost_update(s, j);
    aidc_sim_set_speed(s, (uint32_t)id, j->net_speed * j->cap_speed);
    return 0;
}

/* The pending job a policy asks to start, or NULL (after an earlier policy
 * error, or with the error recorded when id is not a pending job). */
static aidc_job_rt *job_to_start(aidc_sim *s, uint64_t id)
{
    if (s->policy_error[0]) return NULL;
    if (id < s->n_jobs && s->jobs[id].state == AIDC_JOB_PENDING) return &s->jobs[id];
    snprintf(s->policy_error, sizeof s->policy_error,
             "policy \"%s\" tried to start job %llu, which is not pending", s->policy->name,
             (unsigned long long)id);
    return NULL;
}

/* Starts pending job id on alloc with a per-GPU cap of cap_w (0: none). */
static int start_job(aidc_sim *s, uint64_t id, const aidc_sched_alloc *alloc, size_t n_alloc,
                     double cap_w)
{
    aidc_job_rt *j = job_to_start(s, id);
    if (!j) return -1;
    int64_t gpus = 0;
    for (size_t i = 0; i < n_alloc && i < s->cluster.n_nodes; i++) gpus += alloc[i].gpus;
    if (j->view.shared_gpu < 0 && (n_alloc > s->cluster.n_nodes || !aidc_cluster_can_take(&s->cluster, alloc, n_alloc) ||
        gpus < j->view.gpus)) {
        snprintf(s->policy_error, sizeof s->policy_error,
                 "policy \"%s\" tried to start job \"%s\" (%d GPUs) on an allocation of %lld GPUs "
                 "over %zu nodes that is not free or not enough",
                 s->policy->name, j->view.name, j->view.gpus, (long long)gpus, n_alloc);
        return -1;
    }
    for (size_t i = 0; i < n_alloc; i++)
        if (!aidc_place_type_ok(&s->cluster.nodes[alloc[i].node], &j->view)) {
            snprintf(s->policy_error, sizeof s->policy_error,
                     "policy \"%s\" tried to start job \"%s\" on node %d, whose GPU type the job "
                     "does not accept", s->policy->name, j->view.name, (int)alloc[i].node);
            return -1;
        }
    const aidc_power_cfg *c = jpc(s, j, alloc, n_alloc);
    if (cap_w < 0 || (cap_w > 0 && cap_w < c->gpu_idle_w) || !isfinite(cap_w)) {
        snprintf(s->policy_error, sizeof s->policy_error,
                 "policy \"%s\" tried to start job \"%s\" under a power cap of %g W (allowed: 0 "
                 "for none, or from the GPU's idle %g W up)", s->policy->name, j->view.name, cap_w,
                 c->gpu_idle_w);
        return -1;
    }
    advance_integrals(s);
    j->user_cap_w = cap_w;
    j->cap_w = cap_w;
    if (has_budgets(s)) {
        int prev = prof_in(s, AIDC_PROF_POWER);
        bool deferred = s->sc->power.cap_interval_ns > 0 && s->uniform_cap < 1;
        double f = deferred ? cap_fraction_at_most(s, j, alloc, n_alloc)
                            : highest_cap_fraction(s, j, alloc, n_alloc);
        prof_out(s, prev);
        if (f < 0) {
            j->user_cap_w = j->cap_w = 0;
            s->power_refusals++;
            return AIDC_START_NO_POWER;
        }
        if (deferred && f == s->uniform_cap) {
            /* the running jobs keep their cap; the new one starts under it */
            j->cap_w = tighter_cap(cap_w, f * c->gpu_tdp_w);
        } else if (f < 1 || s->uniform_cap < 1) {
            s->uniform_cap = f;
            apply_uniform_cap(s, f);
            /* the new job starts under the same cap */
            j->cap_w = tighter_cap(cap_w, f >= 1 ? 0 : f * c->gpu_tdp_w);
        }
    }
    if (cap_w > 0) s->n_user_caps++;
    j->cap_speed = aidc_power_cap_speed(c, (aidc_job_kind)j->view.kind, j->cap_w);
    size_t k = 0;
    while (s->pending[k] != id) k++;
    memmove(&s->pending[k], &s->pending[k + 1], (s->n_pending - k - 1) * sizeof *s->pending);
    s->n_pending--;

    j->alloc = malloc(n_alloc * sizeof *j->alloc);
    if (!j->alloc) abort();
    memcpy(j->alloc, alloc, n_alloc * sizeof *alloc);
    j->n_alloc = (int32_t)n_alloc;
    if (j->view.shared_gpu >= 0) {
        aidc_sched_share sh = share_of(j, alloc);
        aidc_cluster_take_share(&s->cluster, &sh);
    } else {
        aidc_cluster_take(&s->cluster, (int32_t)id, alloc, n_alloc);
    }
    job_power(s, j, +1);
    power_refresh(s);
    j->state = AIDC_JOB_RUNNING;
    j->view.start_ns = s->now_ns;
    j->view.executed_ns = j->executed_before_ns;
    if (j->first_start_ns < 0) j->first_start_ns = s->now_ns;
    j->view.alloc = j->alloc;
    j->view.n_alloc = j->n_alloc;
    j->last_ns = s->now_ns;
    j->speed = j->net_speed * j->cap_speed;
    j->running_slot = (uint32_t)s->n_running;
    s->running[s->n_running++] = (uint32_t)id;
    lost_update(s, j);
    if (s->has_failures) fail_segment_begin(s, (uint32_t)id);
    j->finish = aidc_eventq_push(&s->q, finish_time(s, j), ev_priority[EV_FINISH], EV_FINISH, id);
    if (s->has_fabric && j->n_alloc > 1) {
        if (s->topo.cfg.kind == AIDC_FABRIC_NVLINK) {
            aidc_locality loc;
            aidc_fabric_locality(&s->topo, alloc, n_alloc, &loc);
            if (loc.domains > 1) {
                snprintf(s->policy_error, sizeof s->policy_error,
                         "policy \"%s\" placed job \"%s\" across %d NVLink domains, but the "
                         "fabric is NVLink only (no scale-out network); use \"placement\": "
                         "\"topology-aware\" or a scale-out fabric",
                         s->policy->name, j->view.name, loc.domains);
                return -1;
            }
        }
        double f = communicates(j) ? s->sc->fabric.comm_fraction : 0;
        int prev = prof_in(s, AIDC_PROF_FABRIC);
        if (aidc_fabric_job_start(&s->fabric, (uint32_t)id, alloc, n_alloc, f,
                                  s->sc->fabric.gradient_bytes, on_fabric_speed, s))
            abort();
        fabric_touched(s);
        prof_out(s, prev);
    }
    return 0;
}

static int host_start(void *ctx, uint64_t id, const aidc_sched_alloc *alloc, size_t n_alloc)
{
    return start_job(ctx, id, alloc, n_alloc, 0);
}

/* Starts a fractional job on a share of one GPU (ABI 1.2). */
static int host_start_shared(void *ctx, uint64_t id, const aidc_sched_share *share)
{
    aidc_sim *s = ctx;
    aidc_job_rt *j = job_to_start(s, id);
    if (!j) return -1;
    if (!share || j->view.gpu_milli >= 1000 || share->milli != j->view.gpu_milli ||
        share->cpus < j->view.cpus || share->mem_gib < j->view.mem_gib ||
        !aidc_cluster_can_share(&s->cluster, share)) {
        snprintf(s->policy_error, sizeof s->policy_error,
                 "policy \"%s\" tried to start job \"%s\" (%d milli of one GPU) on a share that is "
                 "not free, not its size, or not a share job",
                 s->policy->name, j->view.name, (int)j->view.gpu_milli);
        return -1;
    }
    aidc_sched_alloc a = {share->node, 0, share->cpus, share->mem_gib};
    j->view.shared_gpu = share->gpu; /* marks the start as a share */
    int rc = start_job(s, id, &a, 1, 0);
    if (rc != 0) j->view.shared_gpu = -1;
    return rc;
}

static size_t host_gpu_type_count(void *ctx) { return ((aidc_sim *)ctx)->workload.n_gpu_types; }

static const char *host_gpu_type_name(void *ctx, int32_t t)
{
    aidc_sim *s = ctx;
    return t >= 0 && (size_t)t < s->workload.n_gpu_types
               ? aidc_workload_str(&s->workload, s->workload.gpu_types[t])
               : NULL;
}

static int host_start_capped(void *ctx, uint64_t id, const aidc_sched_alloc *alloc, size_t n_alloc,
                             double cap_w)
{
    return start_job(ctx, id, alloc, n_alloc, cap_w);
}

static size_t host_tenant_count(void *ctx) { return ((aidc_sim *)ctx)->workload.n_tenants; }

static const char *host_tenant_name(void *ctx, size_t i)
{
    aidc_sim *s = ctx;
    return i < s->workload.n_tenants ? aidc_workload_str(&s->workload, s->workload.tenants[i]) : NULL;
}

static double host_carbon(void *ctx, int64_t t_ns)
{
    aidc_sim *s = ctx;
    return s->has_carbon ? aidc_series_at(&s->carbon, t_ns, s->sc->grid.carbon_start_hour) : NAN;
}

static double host_price(void *ctx, int64_t t_ns)
{
    aidc_sim *s = ctx;
    return aidc_tariff_price(&s->sc->grid.tariff, t_ns, s->sc->grid.start_weekday) * 1000;
}

/* The power figures of GPU type t: its pool's (the first pool of that type), else the
 * scenario's chain. */
static const aidc_power_cfg *type_pc(const aidc_sim *s, int32_t t)
{
    for (size_t p = 0; s->pool_type && p < s->sc->cluster.n_pools; p++)
        if (s->pool_type[p] == t) return &s->sc->cluster.pools[p].power;
    return &s->sc->power.chain;
}

static double host_gpu_tdp(void *ctx, int32_t gpu_type)
{
    return type_pc(ctx, gpu_type)->gpu_tdp_w;
}

static double host_gpu_idle(void *ctx, int32_t gpu_type)
{
    return type_pc(ctx, gpu_type)->gpu_idle_w;
}

static void host_wake_at(void *ctx, int64_t t_ns)
{
    aidc_sim *s = ctx;
    if (t_ns <= s->now_ns || (s->sc->horizon_ns >= 0 && t_ns > s->sc->horizon_ns)) return;
    /* policies ask again every pass for the same moment (the next hour, the
     * next demotion): one event per moment is enough */
    if (t_ns == s->last_wake_ns) return;
    s->last_wake_ns = t_ns;
    aidc_eventq_push(&s->q, t_ns, ev_priority[EV_WAKE], EV_WAKE, 0);
    s->wakes_queued++;
}

static void preempt(aidc_sim *s, uint32_t id, int64_t curtailed_until_ns);
static void relax_caps(aidc_sim *s);

static int host_preempt(void *ctx, uint64_t id)
{
    aidc_sim *s = ctx;
    if (s->policy_error[0]) return -1;
    if (id >= s->n_jobs || s->jobs[id].state != AIDC_JOB_RUNNING) {
        snprintf(s->policy_error, sizeof s->policy_error,
                 "policy \"%s\" tried to preempt job %llu, which is not running", s->policy->name,
                 (unsigned long long)id);
        return -1;
    }
    advance_integrals(s);
    preempt(s, (uint32_t)id, s->now_ns);
    s->policy_preemptions++;
    int prev = prof_in(s, AIDC_PROF_POWER);
    relax_caps(s); /* load fell */
    prof_out(s, prev);
    return 0;
}

/* ---- events ------------------------------------------------------------- */

/* A running job gives up its GPUs (finished or preempted): its work is
 * brought up to date, and its power, network share and caps go. */
static void leave_gpus(aidc_sim *s, uint32_t id)
{
    aidc_job_rt *j = &s->jobs[id];
    update_progress(s, j);
    if (j->view.shared_gpu >= 0) {
        aidc_sched_share sh = share_of(j, &j->alloc[0]);
        aidc_cluster_release_share(&s->cluster, &sh);
    } else {
        aidc_cluster_release(&s->cluster, (int32_t)id, j->alloc, (size_t)j->n_alloc);
    }
    if (s->has_failures) {
        fail_drain(s, j);
        s->ckpt_writing_fx -= s->jfail[id].writing_fx;
        s->jfail[id].writing_fx = 0;
    }
    job_power(s, j, -1);
    power_refresh(s);
    if (s->has_fabric) {
        int prev = prof_in(s, AIDC_PROF_FABRIC);
        aidc_fabric_job_end(&s->fabric, id, on_fabric_speed, s);
        fabric_touched(s);
        prof_out(s, prev);
    }
    if (j->user_cap_w > 0) s->n_user_caps--;
    j->cap_w = j->user_cap_w = 0;
    j->cap_speed = j->net_speed = 1;
    s->lost_fx -= j->lost_fx;
    j->lost_fx = 0;
    uint32_t slot = j->running_slot, last = s->running[--s->n_running];
    s->running[slot] = last;
    s->jobs[last].running_slot = slot;
}

/* Raises the common cap (response, throttle or curtailment) as far as the
 * budgets now allow; lifts it entirely when they allow that. */
static void relax_caps_now(aidc_sim *s)
{
    if (s->uniform_cap >= 1) return;
    double f = highest_cap_fraction(s, NULL, NULL, 0);
    if (f < 0) f = cap_fraction_from(s, NULL, NULL, 0, s->uniform_cap);
    if (f > s->uniform_cap) {
        s->uniform_cap = f;
        apply_uniform_cap(s, f);
    }
    if (s->uniform_cap >= 1) s->thermal_limited = false;
}

/* Load fell. Without a controller period the caps rise at once; with one
 * (power.cap_interval) they rise at the controller's next tick, the next
 * multiple of the period after now, like a periodic NVML/DCGM capping loop:
 * until then running jobs keep the lower cap, so no budget is exceeded. */
static void relax_caps(aidc_sim *s)
{
    int64_t iv = s->sc->power.cap_interval_ns;
    if (iv <= 0) {
        relax_caps_now(s);
        return;
    }
    if (s->uniform_cap >= 1 || s->relax_queued) return;
    s->relax_queued = push_tick(s, iv, EV_RELAX);
}

/* Queues an event of `type` at the next multiple of iv after now (a
 * controller's tick); false when there is none before the horizon or the
 * end of time. */
static bool push_tick(aidc_sim *s, int64_t iv, uint32_t type)
{
    if (s->now_ns / iv + 1 > INT64_MAX / iv) return false;
    int64_t tick = (s->now_ns / iv + 1) * iv;
    if (s->sc->horizon_ns >= 0 && tick > s->sc->horizon_ns) return false;
    aidc_eventq_push(&s->q, tick, ev_priority[type], type, 0);
    return true;
}

static void queue_schedule(aidc_sim *s)
{
    if (s->schedule_queued) return;
    s->schedule_queued = true;
    aidc_eventq_push(&s->q, s->now_ns, ev_priority[EV_SCHEDULE], EV_SCHEDULE, 0);
}

/* The next job that will actually arrive, from index i on. */
static void push_next_arrival(aidc_sim *s, size_t i)
{
    while (i < s->n_jobs && s->jobs[i].state == AIDC_JOB_SKIPPED) i++;
    if (i < s->n_jobs)
        aidc_eventq_push(&s->q, s->workload.jobs[i].submit_ns, ev_priority[EV_ARRIVAL], EV_ARRIVAL,
                         i);
}

static void on_arrival(aidc_sim *s, uint64_t id)
{
    advance_integrals(s);
    aidc_job_rt *j = &s->jobs[id];
    j->state = AIDC_JOB_PENDING;
    if (s->n_pending == s->cap_pending) {
        s->cap_pending = s->cap_pending ? s->cap_pending * 2 : 1024;
        uint32_t *p = realloc(s->pending, s->cap_pending * sizeof *p);
        if (!p) abort();
        s->pending = p;
    }
    s->pending[s->n_pending++] = (uint32_t)id;
    s->submitted++;
    if (s->policy->job_submitted) {
        int prev = prof_in(s, AIDC_PROF_POLICY);
        s->policy->job_submitted(s->policy_state, &j->view);
        prof_out(s, prev);
    }
    push_next_arrival(s, id + 1);
    queue_schedule(s);
}

static void on_finish(aidc_sim *s, uint64_t id)
{
    advance_integrals(s);
    aidc_job_rt *j = &s->jobs[id];
    j->finish = 0;
    leave_gpus(s, (uint32_t)id);
    if (s->has_failures) fail_segment_end(s, (uint32_t)id, true);
    j->state = AIDC_JOB_DONE;
    j->end_ns = s->now_ns;
    s->completed++;
    j->view.progress = 1.0;
    int prev = prof_in(s, AIDC_PROF_POWER);
    relax_caps(s); /* load fell */
    prof_out(s, prev);
    if (s->policy->job_finished) {
        prev = prof_in(s, AIDC_PROF_POLICY);
        s->policy->job_finished(s->policy_state, &j->view);
        prof_out(s, prev);
    }
    queue_schedule(s);
}

static bool work_left(const aidc_sim *s)
{
    return s->completed + s->skipped < s->n_jobs;
}

int64_t aidc_sim_racks_every(const aidc_scenario *sc)
{
    int64_t k = (HOUR_NS + sc->sample_ns - 1) / sc->sample_ns;
    return k < 1 ? 1 : k;
}

static void on_sample(aidc_sim *s)
{
    int prof_prev_ = prof_in(s, AIDC_PROF_SAMPLING);
    if (s->timeseries) {
        int64_t queued_gpus = 0;
        for (size_t i = 0; i < s->n_pending; i++) queued_gpus += s->jobs[s->pending[i]].view.gpus;
        double losses = s->site.ups_loss_w + s->site.transformer_loss_w;
        double price = aidc_tariff_price(&s->sc->grid.tariff, s->now_ns, s->sc->grid.start_weekday);
        double ci = s->has_carbon ? aidc_series_at(&s->carbon, s->now_ns, s->sc->grid.carbon_start_hour)
                                  : NAN;
        fprintf(s->timeseries, "%.9g,%lld,%.6f,%zu,%zu,%lld,%.6f,%.6f,%.6f,%.6f,%.5f,%.2f,%.2f,%.1f\n",
                (double)s->now_ns / 1e9, (long long)s->cluster.busy_gpus,
                (double)s->cluster.busy_gpus / (double)s->cluster.total_gpus, s->n_running,
                s->n_pending, (long long)queued_gpus, s->it_w / 1e6, losses / 1e6,
                s->site.cooling_w / 1e6, s->site.facility_w / 1e6,
                s->it_w > 0 ? s->site.facility_w / s->it_w : 0,
                s->sc->cooling.enabled ? s->dry_bulb_c : NAN, price * 1000, ci);
    }
    if (s->racks && s->samples % (uint64_t)aidc_sim_racks_every(s->sc) == 0) {
        fprintf(s->racks, "%.9g", (double)s->now_ns / 1e9);
        for (int32_t r = 0; r < s->cluster.n_racks; r++) fprintf(s->racks, ",%.3f", s->rack_it_w[r] / 1e3);
        fputc('\n', s->racks);
    }
    s->samples++;
    int64_t next = s->now_ns + s->sc->sample_ns;
    bool before_end = s->sc->horizon_ns < 0 ? work_left(s) : next <= s->sc->horizon_ns;
    if (before_end) aidc_eventq_push(&s->q, next, ev_priority[EV_SAMPLE], EV_SAMPLE, 0);
    prof_out(s, prof_prev_);
}

/* ---- setup -------------------------------------------------------------- */

int aidc_sim_load_workload(const aidc_scenario *sc, aidc_workload *w, char *err, size_t errlen)
{
    if (!sc->workload.synthetic) return aidc_trace_read(sc->workload.trace_path, w, err, errlen);
    gsl_rng *arr = aidc_rng_stream(sc->seed, "workload.arrivals");
    gsl_rng *size = aidc_rng_stream(sc->seed, "workload.sizes");
    gsl_rng *dur = aidc_rng_stream(sc->seed, "workload.durations");
    int rc = -1;
    if (arr && size && dur)
        rc = aidc_synth_generate(&sc->workload.synth, sc->horizon_ns, arr, size, dur, w, err, errlen);
    else
        snprintf(err, errlen, "out of memory");
    if (arr) gsl_rng_free(arr);
    if (size) gsl_rng_free(size);
    if (dur) gsl_rng_free(dur);
    return rc;
}

static int build_workload(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    aidc_workload_init(&s->workload);
    return aidc_sim_load_workload(sc, &s->workload, err, errlen);
}

/* A cluster of pools (sim/pools.h): node shapes, GPU types and per-node power figures. */
static int build_pools(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    size_t np = sc->cluster.n_pools;
    aidc_node_shape *shapes = calloc(np, sizeof *shapes);
    int64_t *counts = calloc(np, sizeof *counts);
    int32_t *npr = calloc(np, sizeof *npr);
    s->pool_type = calloc(np, sizeof *s->pool_type);
    int rc = -1;
    if (!shapes || !counts || !npr || !s->pool_type) goto oom;
    for (size_t p = 0; p < np; p++) {
        const aidc_pool_spec *ps = &sc->cluster.pools[p];
        int32_t type = aidc_workload_gpu_type(&s->workload, ps->gpu);
        if (type < 0) goto oom;
        int32_t per_domain = ps->nvlink_domain / ps->gpus_per_node;
        shapes[p] = (aidc_node_shape){ps->gpus_per_node, ps->cpus_per_node, ps->mem_gib_per_node,
                                      type, per_domain > 0 ? per_domain : 1};
        counts[p] = ps->nodes;
        npr[p] = ps->nodes_per_rack;
        s->pool_type[p] = type;
    }
    if (aidc_cluster_init_pools(&s->cluster, shapes, counts, npr, np)) goto oom;
    s->node_pc = malloc(s->cluster.n_nodes * sizeof *s->node_pc);
    if (!s->node_pc) goto oom;
    for (size_t i = 0; i < s->cluster.n_nodes; i++)
        s->node_pc[i] = &sc->cluster.pools[s->cluster.pool[i]].power;
    rc = 0;
    goto out;
oom:
    snprintf(err, errlen, "%s: cluster.pools: out of memory for %lld nodes", sc->path,
             (long long)sc->cluster.nodes);
out:
    free(shapes);
    free(counts);
    free(npr);
    return rc;
}

static int build_cluster(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    if (sc->cluster.n_pools) return build_pools(s, sc, err, errlen);
    int32_t type = aidc_workload_gpu_type(&s->workload, sc->cluster.gpu);
    int32_t per_domain = sc->cluster.nvlink_domain / sc->cluster.gpus_per_node;
    aidc_node_shape shape = {sc->cluster.gpus_per_node, sc->cluster.cpus_per_node,
                             sc->cluster.mem_gib_per_node, type, per_domain > 0 ? per_domain : 1};
    if (type < 0 || aidc_cluster_init(&s->cluster, (size_t)sc->cluster.nodes, shape,
                                      sc->cluster.nodes_per_rack)) {
        snprintf(err, errlen, "%s: cluster: out of memory for %lld nodes", sc->path,
                 (long long)sc->cluster.nodes);
        return -1;
    }
    return 0;
}

static const char *job_source(const aidc_sim *s, const aidc_job_spec *js, char *buf, size_t n)
{
    if (js->source_line)
        snprintf(buf, n, "%s:%u", s->sc->workload.trace_path, js->source_line);
    else
        snprintf(buf, n, "%s: workload.synthetic", s->sc->path);
    return buf;
}

/* aidc_place_possible, remembered for the last few job shapes (GPUs, CPUs,
 * memory, GPU type): synthetic workloads repeat a handful of shapes, and
 * each answer is a scan of every node. */
typedef struct fit_shape {
    int32_t gpus, cpus, gpu_type;
    double mem_gib;
    bool possible;
} fit_shape;
#define FIT_MEMO 32

static bool place_possible_memo(const aidc_sim *s, fit_shape *memo, size_t *n,
                                const aidc_sched_job *job)
{
    for (size_t i = 0; i < *n; i++)
        if (memo[i].gpus == job->gpus && memo[i].cpus == job->cpus &&
            memo[i].gpu_type == job->gpu_type && memo[i].mem_gib == job->mem_gib)
            return memo[i].possible;
    bool ok = aidc_place_possible(s->cluster.nodes, s->cluster.n_nodes, job);
    memo[*n < FIT_MEMO ? (*n)++ : (size_t)(job->gpus % FIT_MEMO)] =
        (fit_shape){job->gpus, job->cpus, job->gpu_type, job->mem_gib, ok};
    return ok;
}

/* Fills the per-job runtime records; jobs that can never fit are an error,
 * or counted and skipped with "unfit": "skip". */
static int build_jobs(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    s->n_jobs = s->workload.n;
    s->jobs = calloc(s->n_jobs ? s->n_jobs : 1, sizeof *s->jobs);
    /* every job can run at once: with shares of one GPU, there can be more running jobs
     * than GPUs */
    s->running = calloc(s->n_jobs ? s->n_jobs : 1, sizeof *s->running);
    if (!s->jobs || !s->running) {
        snprintf(err, errlen, "out of memory for %zu jobs", s->n_jobs);
        return -1;
    }
    fit_shape fit_memo[FIT_MEMO];
    size_t n_fit_memo = 0;
    for (size_t i = 0; i < s->n_jobs; i++) {
        const aidc_job_spec *js = &s->workload.jobs[i];
        aidc_job_rt *j = &s->jobs[i];
        j->view = (aidc_sched_job){
            .id = i,
            .name = aidc_workload_str(&s->workload, js->id_str),
            .submit_ns = js->submit_ns,
            .estimate_ns = js->estimate_ns,
            .deadline_ns = js->deadline_ns,
            .gpus = js->gpus,
            .cpus = js->cpus,
            .mem_gib = js->mem_gib,
            .tenant = js->tenant,
            .priority = js->priority,
            .gpu_type = js->gpu_type,
            .kind = (int32_t)js->kind,
            .queued_since_ns = js->submit_ns,
            .deferrable = js->deferrable,
            .gpu_milli = js->gpu_milli > 0 && js->gpu_milli < 1000 ? js->gpu_milli : 1000,
            .shared_gpu = -1,
            .gpu_type_mask = js->gpu_type_mask,
        };
        j->remaining_ns = j->duration_ns = (double)js->duration_ns;
        j->first_start_ns = -1;
        j->speed = 1.0;
        j->net_speed = 1.0;
        j->cap_speed = 1.0;
        if (!place_possible_memo(s, fit_memo, &n_fit_memo, &j->view)) {
            char where[600];
            if (!sc->workload.skip_unfit) {
                snprintf(err, errlen,
                         "%s: job \"%s\" can never run here: it asks for %d GPUs%s, %d CPUs and "
                         "%g GiB, and the cluster has %lld GPUs in nodes of %d GPUs, %d CPUs and "
                         "%g GiB (set workload.unfit to \"skip\" to drop such jobs)",
                         job_source(s, js, where, sizeof where), j->view.name, js->gpus,
                         js->gpu_type != -1 ? " of a type the cluster lacks" : "", js->cpus,
                         js->mem_gib, (long long)s->cluster.total_gpus, sc->cluster.gpus_per_node,
                         sc->cluster.cpus_per_node, sc->cluster.mem_gib_per_node);
                return -1;
            }
            j->state = AIDC_JOB_SKIPPED;
            s->skipped++;
        }
    }
    return 0;
}

/* The fabric, when the scenario has one: node locality labels come from it. */
static int build_fabric(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    if (!sc->fabric.enabled) return 0;
    char msg[1024];
    if (aidc_topology_build(&s->topo, &sc->fabric.topo, msg, sizeof msg)) {
        aidc_topology_fini(&s->topo);
        snprintf(err, errlen, "%s: %s", sc->path, msg);
        return -1;
    }
    s->has_fabric = true;
    if (aidc_fabric_init(&s->fabric, &s->topo, s->n_jobs)) {
        snprintf(err, errlen, "out of memory for the fabric");
        return -1;
    }
    s->fabric.tree = sc->fabric.tree;
    s->fabric.deferred = sc->fabric.update_interval_ns > 0;
    for (size_t i = 0; i < s->cluster.n_nodes; i++) {
        s->cluster.nodes[i].domain = s->topo.domain[i];
        s->cluster.nodes[i].leaf = s->topo.leaf[i];
        s->cluster.nodes[i].pod = s->topo.pod[i];
    }
    return 0;
}

static int build_policy(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    s->policy = sc->policy.ops;
    s->host = (aidc_sched_host){
        .abi_major = AIDC_POLICY_ABI_MAJOR,
        .abi_minor = AIDC_POLICY_ABI_MINOR,
        .size = sizeof(aidc_sched_host),
        .ctx = s,
        .now_ns = host_now,
        .node_count = host_node_count,
        .nodes = host_nodes,
        .pending_count = host_pending_count,
        .pending = host_pending,
        .running_count = host_running_count,
        .running = host_running,
        .start = host_start,
        .node_size = sizeof(aidc_sched_node),
        .power_headroom_w = host_power_headroom,
        .power_needed_w = host_power_needed,
        .set_power_cap = host_set_power_cap,
        .preempt = host_preempt,
        .wake_at = host_wake_at,
        .tenant_count = host_tenant_count,
        .tenant_name = host_tenant_name,
        .carbon_g_per_kwh = host_carbon,
        .price_usd_per_mwh = host_price,
        .gpu_tdp_w = host_gpu_tdp,
        .gpu_idle_w = host_gpu_idle,
        .power_needed_capped_w = host_power_needed_capped,
        .start_capped = host_start_capped,
        .start_shared = host_start_shared,
        .gpu_type_count = host_gpu_type_count,
        .gpu_type_name = host_gpu_type_name,
        .nodes_changed = host_nodes_changed,
    };
    aidc_policy_params params = {sc->policy.n_params, sc->policy.params};
    char msg[400] = "";
    if (s->policy->create(&s->host, &params, &s->policy_state, msg, sizeof msg) != 0) {
        snprintf(err, errlen, "%s: policy.params: %s", sc->path, msg);
        s->policy = NULL;
        return -1;
    }
    return 0;
}

static int build_service_power(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    if (!sc->services.n) return 0;
    s->service_dc_w = calloc(s->cluster.n_nodes, sizeof *s->service_dc_w);
    if (s->service_dc_w) return 0;
    snprintf(err, errlen, "out of memory");
    return -1;
}

int aidc_sim_init(aidc_sim *s, const aidc_scenario *sc, FILE *timeseries, char *err,
                  size_t errlen)
{
    memset(s, 0, sizeof *s);
    s->sc = sc;
    s->idle_since_ns = -1;
    s->timeseries = timeseries;
    s->end_ns = 0;
    if (aidc_eventq_init(&s->q, 1024)) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (build_workload(s, sc, err, errlen) || build_cluster(s, sc, err, errlen) ||
        build_jobs(s, sc, err, errlen) || build_fabric(s, sc, err, errlen) ||
        build_power(s, err, errlen) ||
        build_policy(s, sc, err, errlen) || build_service_power(s, sc, err, errlen) ||
        aidc_services_init(s, err, errlen) ||
        build_failures(s, sc, err, errlen)) {
        aidc_sim_fini(s);
        return -1;
    }
    return 0;
}

void aidc_sim_fini(aidc_sim *s)
{

    aidc_services_fini(s);
    if (s->policy && s->policy_state) s->policy->destroy(s->policy_state);
    for (size_t i = 0; s->jobs && i < s->n_jobs; i++) free(s->jobs[i].alloc);
    free(s->jobs);
    free(s->service_dc_w);
    free(s->node_dc_w);
    free(s->node_ac_w);
    free(s->rack_it_w);
    if (s->has_weather) aidc_weather_fini(&s->weather);
    if (s->has_carbon) aidc_series_fini(&s->carbon);
    free(s->meter);
    free(s->swing_jobs);
    free(s->power_dc_scratch);
    aidc_powerclass_fini(&s->pclass);
    free(s->ac_memo);
    free(s->power_rack_scratch);
    free(s->pending);
    free(s->running);
    for (int c = 0; c < AIDC_FAIL_CLASSES; c++)
        if (s->fail_rng[c]) gsl_rng_free(s->fail_rng[c]);
    free(s->jfail);
    free(s->leaf_start);
    free(s->leaf_nodes);
    free(s->leaf_stamp);
    free(s->gpu_down_hard);
    free(s->gpu_down_link);
    free(s->gpu_node);
    free(s->nic_start);
    free(s->repairs);
    if (s->has_fabric) {
        aidc_fabric_fini(&s->fabric);
        aidc_topology_fini(&s->topo);
    }
    aidc_cluster_fini(&s->cluster);
    free(s->node_pc);
    free(s->pool_type);
    aidc_workload_fini(&s->workload);
    aidc_eventq_fini(&s->q);
    memset(s, 0, sizeof *s);
}

void aidc_sim_set_speed(aidc_sim *s, uint32_t job, double speed)
{
    aidc_job_rt *j = &s->jobs[job];
    assert(j->state == AIDC_JOB_RUNNING && speed > 0);
    update_progress(s, j);
    j->speed = speed;
    aidc_eventq_reschedule(&s->q, j->finish, finish_time(s, j));
}

/* A new hour of weather: cooling changes, and so may the plant's capacity.
 * Running GPUs are throttled (capped) when the plant cannot remove their
 * heat, and released again when it can. */
static void on_hour(aidc_sim *s)
{
    int prof_prev_ = prof_in(s, AIDC_PROF_POWER);
    advance_integrals(s);
    if (s->has_weather) {
        s->dry_bulb_c = aidc_weather_dry_bulb_c(&s->weather, s->now_ns, s->sc->cooling.start_hour);
        s->wet_bulb_c = aidc_weather_wet_bulb_c(&s->weather, s->now_ns, s->sc->cooling.start_hour);
    }
    power_refresh(s);
    if (!budgets_hold_now(s)) {
        /* physics, not policy: throttle as far as needed, to 10% of TDP */
        double f = cap_fraction_from(s, NULL, NULL, 0, 0.1);
        if (f < 0) f = 0.1;
        s->thermal_limited = s->it_w > s->cooling_capacity_w;
        s->uniform_cap = f;
        apply_uniform_cap(s, f);
    } else {
        relax_caps(s);
    }
    bool more = s->sc->horizon_ns < 0 ? work_left(s) : s->now_ns + HOUR_NS <= s->sc->horizon_ns;
    if (more) aidc_eventq_push(&s->q, s->now_ns + HOUR_NS, ev_priority[EV_HOUR], EV_HOUR, 0);
    prof_out(s, prof_prev_);
}

/* Takes a running job off its GPUs and back to the pending queue, keeping
 * the work it has done: it writes a checkpoint now and restores it when it
 * runs again, both charged as extra work (GPUs are handed over at once: the
 * next job's start-up overlaps the write). GPU time until curtailed_until_ns
 * counts as curtailed (demand response). */
static void preempt(aidc_sim *s, uint32_t id, int64_t curtailed_until_ns)
{
    aidc_job_rt *j = &s->jobs[id];
    int64_t overhead = s->sc->policy.checkpoint_ns + s->sc->policy.restore_ns;
    aidc_eventq_cancel(&s->q, j->finish);
    j->finish = 0;
    leave_gpus(s, id);
    if (s->has_failures) {
        fail_segment_end(s, id, true); /* the preemption writes a checkpoint */
        s->jfail[id].head_next_ns += (double)overhead;
    }
    j->executed_before_ns = j->view.executed_ns;
    j->remaining_ns += (double)overhead;
    s->checkpoint_gpu_s += (double)j->view.gpus * (double)overhead / 1e9;
    j->view.preemptions++;
    j->view.queued_since_ns = s->now_ns;
    j->view.start_ns = 0;
    j->view.progress = 0;
    free(j->alloc);
    j->alloc = NULL;
    j->view.alloc = NULL;
    j->n_alloc = j->view.n_alloc = 0;
    j->view.shared_gpu = -1;
    j->state = AIDC_JOB_PENDING;
    /* back in the queue at its arrival position */
    size_t k = s->n_pending;
    while (k > 0 && s->jobs[s->pending[k - 1]].view.submit_ns > j->view.submit_ns) k--;
    memmove(&s->pending[k + 1], &s->pending[k], (s->n_pending - k) * sizeof *s->pending);
    s->pending[k] = id;
    s->n_pending++;
    s->preemptions++;
    s->curtailed_gpu_s += (double)j->view.gpus * (double)(curtailed_until_ns - s->now_ns) / 1e9;
}

/* A demand-response window opens or closes. Opening it, the host honours
 * the limit for the policy: a common GPU cap down to min_cap x TDP first,
 * then preemption of the most recently started jobs. */
static void on_dr(aidc_sim *s)
{
    advance_integrals(s);
    const aidc_scenario *sc = s->sc;
    double lim = aidc_dr_limit_w(sc->grid.dr, sc->grid.n_dr, s->now_ns);
    s->dr_active = isfinite(lim);
    s->dr_limit_w = lim;
    power_refresh(s);
    if (s->dr_active && !budgets_hold_now(s)) {
        double f = cap_fraction_from(s, NULL, NULL, 0, sc->power.min_cap_fraction);
        if (f < 0) f = sc->power.min_cap_fraction;
        s->uniform_cap = f;
        apply_uniform_cap(s, f);
        int64_t end = aidc_dr_next_change_ns(sc->grid.dr, sc->grid.n_dr, s->now_ns);
        while (!budgets_hold_now(s) && s->n_running > 0) {
            /* the most recently started job goes first: it has the least to lose */
            size_t pick = 0;
            for (size_t i = 1; i < s->n_running; i++)
                if (s->jobs[s->running[i]].view.start_ns > s->jobs[s->running[pick]].view.start_ns ||
                    (s->jobs[s->running[i]].view.start_ns == s->jobs[s->running[pick]].view.start_ns &&
                     s->running[i] > s->running[pick]))
                    pick = i;
            preempt(s, s->running[pick], end == INT64_MAX ? s->now_ns : end);
            power_refresh(s);
        }
    } else if (!s->dr_active) {
        relax_caps(s);
    }
    int64_t next = aidc_dr_next_change_ns(sc->grid.dr, sc->grid.n_dr, s->now_ns);
    if (next != INT64_MAX && (sc->horizon_ns < 0 || next <= sc->horizon_ns))
        aidc_eventq_push(&s->q, next, ev_priority[EV_DR], EV_DR, 0);
    queue_schedule(s);
}

static void start_run(aidc_sim *s)
{
    s->started = true;
    if (s->timeseries) fputs(aidc_timeseries_header, s->timeseries);
    if (s->racks) {
        fputs("time_s", s->racks);
        for (int32_t r = 0; r < s->cluster.n_racks; r++) fprintf(s->racks, ",rack_%d", (int)r);
        fputc('\n', s->racks);
    }
    push_next_arrival(s, 0);
    aidc_eventq_push(&s->q, 0, ev_priority[EV_SAMPLE], EV_SAMPLE, 0);
    if (s->sc->horizon_ns >= 0)
        aidc_eventq_push(&s->q, s->sc->horizon_ns, ev_priority[EV_HORIZON], EV_HORIZON, 0);
    if (s->sc->cooling.enabled) aidc_eventq_push(&s->q, 0, ev_priority[EV_HOUR], EV_HOUR, 0);
    if (s->sc->grid.n_dr) {
        int64_t first = aidc_dr_next_change_ns(s->sc->grid.dr, s->sc->grid.n_dr, -1);
        if (first != INT64_MAX) aidc_eventq_push(&s->q, first, ev_priority[EV_DR], EV_DR, 0);
    }
    for (uint32_t c = 0; s->has_failures && c < AIDC_FAIL_CLASSES; c++) fail_push_next(s, c);
    aidc_services_start(s);
}

/* Without a horizon a run lasts until every job has finished. When jobs are pending, none is
 * running, every job has arrived and no schedule pass, policy wake-up or demand-response change is
 * ahead, nothing can ever start them (a power budget below what the idle cluster plus one job
 * draws): the run would sample forever. Hourly cooling-capacity changes can still unblock a job,
 * so with cooling the watch waits one simulated year (the weather repeats) before giving up. */
static int check_stall(aidc_sim *s, char *err, size_t errlen)
{
    const aidc_scenario *sc = s->sc;
    if (sc->horizon_ns >= 0 || s->n_running > 0 || s->n_pending == 0 ||
        s->submitted + s->skipped < s->n_jobs || s->schedule_queued || s->wakes_queued > 0 ||
        s->repairs_pending > 0 ||
        aidc_dr_next_change_ns(sc->grid.dr, sc->grid.n_dr, s->now_ns) != INT64_MAX) {
        s->idle_since_ns = -1;
        return 0;
    }
    if (s->idle_since_ns < 0) s->idle_since_ns = s->now_ns;
    const int64_t year_ns = (int64_t)366 * 24 * 3600 * 1000000000LL;
    if (sc->cooling.enabled && s->now_ns - s->idle_since_ns < year_ns) return 0;
    char budgets[256] = "";
    const struct { const char *key; double w; } b[] = {
        {"power.rack_budget", sc->power.rack_budget_w}, {"power.row_budget", sc->power.row_budget_w},
        {"power.facility_it_cap", sc->power.facility_it_cap_w}, {"power.site_cap", sc->power.site_cap_w},
        {"grid.interconnect", sc->grid.interconnect_w},
        {"cooling.capacity", sc->cooling.enabled && sc->cooling.plant.capacity_w > 0
                                 ? sc->cooling.plant.capacity_w : INFINITY}};
    for (size_t i = 0; i < sizeof b / sizeof b[0]; i++)
        if (isfinite(b[i].w))
            snprintf(budgets + strlen(budgets), sizeof budgets - strlen(budgets), "%s%s = %.6g kW",
                     budgets[0] ? ", " : "", b[i].key, b[i].w / 1e3);
    s->stalled = true;
    snprintf(err, errlen,
             "%s: at t=%.3f s %zu pending jobs can never start (none running, none left to arrive): "
             "the first, \"%s\" (%d GPUs), does not fit under the power limits%s%s%s; raise them or "
             "set a horizon",
             sc->path, (double)s->now_ns / 1e9, s->n_pending, s->jobs[s->pending[0]].view.name,
             (int)s->jobs[s->pending[0]].view.gpus, budgets[0] ? " (" : "", budgets,
             budgets[0] ? ")" : "");
    return -1;
}

int aidc_sim_run_until(aidc_sim *s, int64_t until_ns, char *err, size_t errlen)
{
    if (!s->started) start_run(s);
    if (s->finished) return 1;
    aidc_event ev;
    while (aidc_eventq_peek_time(&s->q) <= until_ns && aidc_eventq_pop(&s->q, &ev)) {
        assert(ev.time_ns >= s->now_ns);
        s->now_ns = ev.time_ns;
        s->events++;
        if (ev.type == EV_HORIZON) {
            s->finished = true;
            break;
        }
        int prof_prev = prof_in(s, ev_prof[ev.type]);
        switch (ev.type) {
        case EV_ARRIVAL:
            on_arrival(s, ev.arg);
            break;
        case EV_FINISH:
            on_finish(s, ev.arg);
            break;
        case EV_SCHEDULE:
            s->schedule_queued = false;
            if (s->prof) s->prof->schedule_calls++;
            s->policy->schedule(s->policy_state);
            break;
        case EV_SAMPLE:
            on_sample(s);
            break;
        case EV_HOUR:
            on_hour(s);
            break;
        case EV_DR:
            on_dr(s);
            break;
        case EV_WAKE:
            s->wakes_queued--;
            queue_schedule(s);
            break;
        case EV_FAIL:
            on_fail(s, (uint32_t)ev.arg);
            break;
        case EV_REPAIR:
            on_repair(s, (uint32_t)ev.arg);
            break;
        case EV_SERVICE:
            aidc_services_step(s, (size_t)ev.arg);
            break;
        case EV_FABRIC:
            s->fabric_queued = false;
            if (aidc_fabric_flush(&s->fabric, on_fabric_speed, s)) abort();
            break;
        case EV_RELAX:
            s->relax_queued = false;
            advance_integrals(s);
            relax_caps_now(s);
            break;
        default:
            assert(!"unknown event type");
        }
        prof_out(s, prof_prev);
        if (s->policy_error[0]) {
            snprintf(err, errlen, "at t=%.3f s: %s", (double)s->now_ns / 1e9, s->policy_error);
            return -1;
        }
        if (check_stall(s, err, errlen)) return -1;
        if (s->sc->horizon_ns < 0 && !work_left(s) && ev.type != EV_SAMPLE && ev.type != EV_HOUR &&
            ev.type != EV_DR && ev.type != EV_WAKE && ev.type != EV_SERVICE) {
            /* all work done: one last sample at this instant, then stop */
            if (s->timeseries) on_sample(s);
            s->finished = true;
            break;
        }
    }
    if (aidc_eventq_size(&s->q) == 0) s->finished = true;
    if (!s->finished) {
        /* paused: the clock stands at until_ns, not at the last event */
        if (until_ns > s->now_ns) s->now_ns = until_ns;
        return 0;
    }
    s->end_ns = s->now_ns;
    advance_integrals(s);
    aidc_services_finish(s);
    return 1;
}

int aidc_sim_run(aidc_sim *s, char *err, size_t errlen)
{
    return aidc_sim_run_until(s, INT64_MAX, err, errlen) < 0 ? -1 : 0;
}

/* ---- failures ------------------------------------------------------------
 * One aggregated Poisson stream per component class (models/failures.h); the
 * failing component is picked uniformly with the class's own named stream,
 * which also draws its repair time. What a failure stops:
 *   gpu      the job holding that GPU
 *   node     every job on the node
 *   nic      the jobs holding the GPUs the NIC serves (NIC k of n serves GPUs
 *            [k g/n, (k+1) g/n) of the node's g: one per GPU on DGX H100)
 *   link     the node's scale-out attachment: every multi-node job on the
 *            node; single-node jobs there keep running (NVLink only)
 *   software the job on that GPU, if any; nothing is taken down
 *   switch   a leaf switch group (cluster node label "leaf": the rack, or the
 *            fabric's leaf group): as link, for every node under it
 * The GPUs a hardware component holds leave the scheduler's free counts
 * until its repair (those still busy under a surviving single-node job leave
 * as that job releases them). A stopped job returns to the queue at its
 * arrival position and restarts from its last checkpoint after the restart
 * cost, on whatever healthy GPUs the policy gives it. */

static int build_failures(aidc_sim *s, const aidc_scenario *sc, char *err, size_t errlen)
{
    if (!sc->failures.enabled) return 0;
    for (size_t i = 0; i < s->n_jobs; i++)
        if (s->jobs[i].view.gpu_milli < 1000) {
            char where[600];
            snprintf(err, errlen,
                     "%s: job \"%s\" asks for a share of a GPU (gpu_milli %d): failures are not "
                     "modelled for shared GPUs yet (remove the \"failures\" section or the share)",
                     job_source(s, &s->workload.jobs[i], where, sizeof where), s->jobs[i].view.name,
                     (int)s->jobs[i].view.gpu_milli);
            return -1;
        }
    s->has_failures = true;
    s->jfail = calloc(s->n_jobs ? s->n_jobs : 1, sizeof *s->jfail);
    if (!s->jfail) {
        snprintf(err, errlen, "out of memory for failure state");
        return -1;
    }
    for (size_t i = 0; i < s->n_jobs; i++) {
        s->jfail[i].prod_left_ns = (double)s->workload.jobs[i].duration_ns;
        s->jfail[i].seg = (aidc_ckpt_seg){0, s->jfail[i].prod_left_ns, INFINITY, 0};
    }
    s->repair_free = UINT32_MAX;
    size_t n = (size_t)s->cluster.total_gpus;
    s->gpu_down_hard = calloc(n, sizeof *s->gpu_down_hard);
    s->gpu_down_link = calloc(n, sizeof *s->gpu_down_link);
    s->gpu_node = malloc((n ? n : 1) * sizeof *s->gpu_node);
    s->nic_start = malloc((s->cluster.n_nodes + 1) * sizeof *s->nic_start);
    if (!s->gpu_down_hard || !s->gpu_down_link || !s->gpu_node || !s->nic_start) {
        snprintf(err, errlen, "out of memory for failure state");
        return -1;
    }
    /* GPU -> node, and each node's NICs (nics_per_node, or one per GPU) */
    s->nic_start[0] = 0;
    for (size_t i = 0; i < s->cluster.n_nodes; i++) {
        int32_t per = s->cluster.nodes[i].gpus_total;
        for (int64_t g = s->cluster.first_gpu[i]; g < s->cluster.first_gpu[i] + per; g++)
            s->gpu_node[g] = (int32_t)i;
        s->nic_start[i + 1] = s->nic_start[i] + (sc->failures.nics_per_node > 0 ? sc->failures.nics_per_node : per);
    }
    /* leaf groups as lists of nodes, for the switch class */
    int64_t leaves = 0;
    for (size_t i = 0; i < s->cluster.n_nodes; i++)
        if (s->cluster.nodes[i].leaf + (int64_t)1 > leaves) leaves = s->cluster.nodes[i].leaf + (int64_t)1;
    s->n_leaves = leaves;
    s->leaf_start = calloc((size_t)leaves + 1, sizeof *s->leaf_start);
    s->leaf_nodes = malloc(s->cluster.n_nodes * sizeof *s->leaf_nodes);
    s->leaf_stamp = calloc((size_t)leaves + 1, sizeof *s->leaf_stamp);
    if (!s->leaf_start || !s->leaf_nodes || !s->leaf_stamp) {
        snprintf(err, errlen, "out of memory for failure state");
        return -1;
    }
    for (size_t i = 0; i < s->cluster.n_nodes; i++) s->leaf_start[s->cluster.nodes[i].leaf + 1]++;
    for (int64_t l = 0; l < leaves; l++) s->leaf_start[l + 1] += s->leaf_start[l];
    for (size_t i = 0; i < s->cluster.n_nodes; i++) {
        int32_t l = s->cluster.nodes[i].leaf;
        s->leaf_nodes[s->leaf_start[l] + s->leaf_stamp[l]++] = (int32_t)i;
    }
    memset(s->leaf_stamp, 0, ((size_t)leaves + 1) * sizeof *s->leaf_stamp);
    for (int c = 0; c < AIDC_FAIL_CLASSES; c++) {
        char name[64];
        snprintf(name, sizeof name, "failures.%s", aidc_fail_class_name((aidc_fail_class)c));
        s->fail_rng[c] = aidc_rng_stream(sc->seed, name);
        if (!s->fail_rng[c]) {
            snprintf(err, errlen, "out of memory for failure streams");
            return -1;
        }
        s->fail_components[c] = aidc_fail_components(&sc->failures, (aidc_fail_class)c,
                                                     (int64_t)s->cluster.n_nodes,
                                                     s->cluster.total_gpus, leaves);
    }
    return 0;
}

/* The next failure of class cls: exponential gap at rate x components. */
static void fail_push_next(aidc_sim *s, uint32_t cls)
{
    double rate = s->sc->failures.cls[cls].rate_per_hour * (double)s->fail_components[cls];
    if (!(rate > 0)) return;
    double gap_ns = gsl_ran_exponential(s->fail_rng[cls], 3600e9 / rate);
    if (!(gap_ns < (double)(INT64_MAX - s->now_ns))) return;
    int64_t t = s->now_ns + (int64_t)llround(gap_ns);
    if (s->sc->horizon_ns >= 0 ? t > s->sc->horizon_ns : !work_left(s)) return;
    aidc_eventq_push(&s->q, t, ev_priority[EV_FAIL], EV_FAIL, cls);
}

static bool gpu_down(const aidc_sim *s, int64_t g)
{
    return s->gpu_down_hard[g] > 0 || s->gpu_down_link[g] > 0;
}

/* GPUs a job just released that a component still holds down leave the
 * free counts. */
static void fail_drain(aidc_sim *s, const aidc_job_rt *j)
{
    aidc_sim_fail_released(s, j->alloc, (size_t)j->n_alloc);
}

void aidc_sim_fail_released(aidc_sim *s, const aidc_sched_alloc *a, size_t n)
{
    if (!s->has_failures) return;
    aidc_cluster *c = &s->cluster;
    for (size_t k = 0; k < n; k++) {
        int32_t node = a[k].node;
        int64_t first = c->first_gpu[node];
        for (int64_t g = first; g < first + c->nodes[node].gpus_total; g++)
            if (c->state[g] == AIDC_GPU_FREE && gpu_down(s, g)) {
                c->state[g] = AIDC_GPU_FAILED;
                c->nodes[node].gpus_free--;
                aidc_cluster_touch(c, node);
            }
    }
}

/* Lays out the run segment a job starts now: head (restart, preemption
 * overhead), then checkpoint cycles sized for the failure rate it sees. */
static void fail_segment_begin(aidc_sim *s, uint32_t id)
{
    const aidc_failures_cfg *fc = &s->sc->failures;
    aidc_job_rt *j = &s->jobs[id];
    aidc_job_fail *jf = &s->jfail[id];
    /* expected other jobs writing at once (this one's share is added below) */
    double others = (double)s->ckpt_writing_fx / CKPT_FX_ONE;
    int kind = j->view.kind;
    double delta_s = aidc_ckpt_write_s(fc, kind, j->view.gpus, others);
    int32_t leaves = 0; /* leaf groups the job spans */
    if (++s->leaf_epoch == 0) { /* the stamps wrapped: start them over */
        memset(s->leaf_stamp, 0, ((size_t)s->n_leaves + 1) * sizeof *s->leaf_stamp);
        s->leaf_epoch = 1;
    }
    /* NICs per GPU: one node size's ratio, or the GPU-weighted mean over the
     * nodes held when they differ (pools) */
    int32_t size0 = j->n_alloc > 0 ? s->cluster.nodes[j->alloc[0].node].gpus_total : 1;
    bool one_size = true;
    double nics = 0;
    for (int32_t k = 0; k < j->n_alloc; k++) {
        const aidc_sched_node *nd = &s->cluster.nodes[j->alloc[k].node];
        int32_t l = nd->leaf;
        if (s->leaf_stamp[l] != s->leaf_epoch) {
            s->leaf_stamp[l] = s->leaf_epoch;
            leaves++;
        }
        one_size &= nd->gpus_total == size0;
        nics += j->alloc[k].gpus * aidc_fail_nics_per_gpu(fc, nd->gpus_total);
    }
    double nics_per_gpu = one_size || j->view.gpus <= 0 ? aidc_fail_nics_per_gpu(fc, size0)
                                                        : nics / j->view.gpus;
    double rate = aidc_fail_job_rate_per_hour(fc, j->view.gpus, j->n_alloc, leaves, nics_per_gpu);
    double tau_s = aidc_ckpt_interval_s(fc, kind, delta_s, rate);
    jf->seg = (aidc_ckpt_seg){jf->head_next_ns, jf->prod_left_ns,
                              isfinite(tau_s) ? tau_s * 1e9 : INFINITY, delta_s * 1e9};
    jf->seg_restart_ns = jf->restart_next_ns;
    jf->head_next_ns = jf->restart_next_ns = 0;
    j->remaining_ns = aidc_ckpt_wall_ns(&jf->seg);
    const aidc_ckpt_seg *sg = &jf->seg;
    jf->writing_fx = isfinite(sg->tau_ns) && sg->tau_ns + sg->delta_ns > 0
                         ? llround(sg->delta_ns / (sg->tau_ns + sg->delta_ns) * CKPT_FX_ONE)
                         : 0;
    s->ckpt_writing_fx += jf->writing_fx;
}

/* Splits a segment's wall work done so far; its restart share is lost. */
static aidc_ckpt_split_r fail_split(const aidc_job_fail *j, double x, bool save_now, double *lost,
                                    double *ckpt)
{
    aidc_ckpt_split_r sp = aidc_ckpt_split(&j->seg, x, save_now);
    double restart = sp.head_ns < j->seg_restart_ns ? sp.head_ns : j->seg_restart_ns;
    *lost = sp.lost_ns + restart;
    *ckpt = sp.ckpt_ns + (sp.head_ns - restart);
    return sp;
}

/* Books the segment a job just left (its remaining_ns up to date): kept
 * work leaves prod_left_ns; losses and checkpoint time add up. */
static void fail_segment_end(aidc_sim *s, uint32_t id, bool save_now)
{
    aidc_job_fail *j = &s->jfail[id];
    double wall = aidc_ckpt_wall_ns(&j->seg);
    double x = wall - s->jobs[id].remaining_ns;
    if (x > wall) x = wall;
    double lost, ckpt;
    aidc_ckpt_split_r sp = fail_split(j, x, save_now, &lost, &ckpt);
    j->prod_left_ns -= sp.saved_ns;
    if (j->prod_left_ns < 0.5) j->prod_left_ns = 0; /* rounding of the finish time */
    j->lost_ns += lost;
    j->ckpt_ns += ckpt;
    j->seg = (aidc_ckpt_seg){0, j->prod_left_ns, INFINITY, 0};
    j->seg_restart_ns = 0;
    j->head_next_ns = j->restart_next_ns = 0;
}

/* A failure stops running job id: back to the queue at its arrival
 * position, to restart from its last checkpoint after the restart cost. */
static void fail_interrupt(aidc_sim *s, uint32_t id)
{
    aidc_job_rt *j = &s->jobs[id];
    aidc_eventq_cancel(&s->q, j->finish);
    j->finish = 0;
    leave_gpus(s, id);
    fail_segment_end(s, id, false);
    aidc_job_fail *jf = &s->jfail[id];
    jf->head_next_ns = jf->restart_next_ns = (double)s->sc->failures.restart_ns;
    j->remaining_ns = jf->prod_left_ns + jf->head_next_ns;
    j->executed_before_ns = j->view.executed_ns;
    jf->interruptions++;
    j->view.queued_since_ns = s->now_ns;
    j->view.start_ns = 0;
    j->view.progress = 0;
    free(j->alloc);
    j->alloc = NULL;
    j->view.alloc = NULL;
    j->n_alloc = j->view.n_alloc = 0;
    j->state = AIDC_JOB_PENDING;
    if (s->n_pending == s->cap_pending) {
        s->cap_pending = s->cap_pending ? s->cap_pending * 2 : 1024;
        uint32_t *p = realloc(s->pending, s->cap_pending * sizeof *p);
        if (!p) abort();
        s->pending = p;
    }
    size_t k = s->n_pending;
    while (k > 0 && s->jobs[s->pending[k - 1]].view.submit_ns > j->view.submit_ns) k--;
    memmove(&s->pending[k + 1], &s->pending[k], (s->n_pending - k) * sizeof *s->pending);
    s->pending[k] = id;
    s->n_pending++;
    s->fail_interruptions++;
}

/* The GPUs component comp of class cls holds: [*first, *first + *n). */
static void fail_gpus(const aidc_sim *s, uint32_t cls, int64_t comp, int64_t *first, int32_t *n)
{
    const aidc_cluster *c = &s->cluster;
    switch (cls) {
    case AIDC_FAIL_GPU:
    case AIDC_FAIL_SOFTWARE:
        *first = comp;
        *n = 1;
        return;
    case AIDC_FAIL_NODE:
    case AIDC_FAIL_LINK:
        *first = c->first_gpu[comp];
        *n = c->nodes[comp].gpus_total;
        return;
    case AIDC_FAIL_NIC: {
        /* the node whose NIC range holds comp: binary search over nic_start */
        size_t lo_n = 0, hi_n = c->n_nodes; /* nic_start[lo_n] <= comp < nic_start[hi_n] */
        while (hi_n - lo_n > 1) {
            size_t mid = lo_n + (hi_n - lo_n) / 2;
            if (s->nic_start[mid] <= comp) lo_n = mid;
            else hi_n = mid;
        }
        int64_t per = s->nic_start[lo_n + 1] - s->nic_start[lo_n], k = comp - s->nic_start[lo_n];
        int64_t g = c->nodes[lo_n].gpus_total;
        int64_t lo = k * g / per, hi = (k + 1) * g / per;
        if (hi <= lo) hi = lo + 1;
        *first = c->first_gpu[lo_n] + lo;
        *n = (int32_t)(hi - lo);
        return;
    }
    case AIDC_FAIL_SWITCH: /* whole nodes, listed by leaf: see fail_leaf */
        break;
    }
    assert(!"unknown failure class");
}

/* Stops the jobs on GPUs [first, first + n) that a failure of class cls
 * breaks (link, switch: multi-node jobs only). Returns whether it stopped any. */
static bool fail_stop(aidc_sim *s, uint32_t cls, int64_t first, int32_t n)
{
    bool hit = false;
    for (int64_t g = first; g < first + n; g++) {
        int32_t owner = s->cluster.owner[g];
        if (owner < 0 || s->cluster.state[g] != AIDC_GPU_BUSY) continue;
        if ((cls == AIDC_FAIL_LINK || cls == AIDC_FAIL_SWITCH) && s->jobs[owner].n_alloc <= 1) continue;
        fail_interrupt(s, (uint32_t)owner); /* releases all its GPUs at once */
        hit = true;
    }
    return hit;
}

/* Holds GPUs [first, first + n) down for class cls (delta 1) or lets them
 * go (delta -1); free ones leave or rejoin the node's free count. */
static void fail_hold(aidc_sim *s, uint32_t cls, int64_t first, int32_t n, int delta)
{
    uint32_t *down = cls == AIDC_FAIL_LINK || cls == AIDC_FAIL_SWITCH ? s->gpu_down_link : s->gpu_down_hard;
    for (int64_t g = first; g < first + n; g++) {
        if (delta > 0) {
            assert(down[g] < UINT32_MAX);
            down[g]++;
            if (s->cluster.state[g] == AIDC_GPU_FREE) {
                s->cluster.state[g] = AIDC_GPU_FAILED;
                s->cluster.nodes[s->gpu_node[g]].gpus_free--;
                aidc_cluster_touch(&s->cluster, s->gpu_node[g]);
            }
        } else {
            assert(down[g] > 0);
            down[g]--;
            if (s->cluster.state[g] == AIDC_GPU_FAILED && !gpu_down(s, g)) {
                s->cluster.state[g] = AIDC_GPU_FREE;
                s->cluster.nodes[s->gpu_node[g]].gpus_free++;
                aidc_cluster_touch(&s->cluster, s->gpu_node[g]);
            }
        }
    }
}

/* A switch component: fail_stop (stop) or fail_hold (delta) over every node
 * of leaf group leaf. */
static bool fail_leaf(aidc_sim *s, int64_t leaf, bool stop, int delta)
{
    bool hit = false;
    for (int64_t k = s->leaf_start[leaf]; k < s->leaf_start[leaf + 1]; k++) {
        int64_t first = s->cluster.first_gpu[s->leaf_nodes[k]];
        int32_t per = s->cluster.nodes[s->leaf_nodes[k]].gpus_total;
        if (stop) hit |= fail_stop(s, AIDC_FAIL_SWITCH, first, per);
        else fail_hold(s, AIDC_FAIL_SWITCH, first, per, delta);
    }
    return hit;
}

static void on_fail(aidc_sim *s, uint32_t cls)
{
    advance_integrals(s);
    gsl_rng *rng = s->fail_rng[cls];
    int64_t comp = (int64_t)(gsl_rng_uniform(rng) * (double)s->fail_components[cls]);
    if (comp >= s->fail_components[cls]) comp = s->fail_components[cls] - 1;
    int64_t first = comp;
    int32_t n = 0;
    s->fail_count[cls]++;
    bool hit;
    if (cls == AIDC_FAIL_SWITCH) {
        hit = fail_leaf(s, comp, true, 0);
    } else {
        fail_gpus(s, cls, comp, &first, &n);
        hit = fail_stop(s, cls, first, n);
    }
    if (hit) {
        s->fail_hits[cls]++;
        relax_caps(s); /* load fell */
    }
    if (cls != AIDC_FAIL_SOFTWARE) {
        double repair_s = aidc_repair_draw_s(&s->sc->failures.cls[cls].repair, rng);
        if (cls == AIDC_FAIL_SWITCH) fail_leaf(s, comp, false, 1);
        else fail_hold(s, cls, first, n, 1);
        uint32_t slot = s->repair_free;
        if (slot != UINT32_MAX) {
            s->repair_free = s->repairs[slot].next_free;
        } else {
            if (s->n_repair_slots == s->cap_repair_slots) {
                size_t cap = s->cap_repair_slots ? 2 * s->cap_repair_slots : 64;
                aidc_fail_repair *a = realloc(s->repairs, cap * sizeof *a);
                if (!a) abort();
                s->repairs = a;
                s->cap_repair_slots = cap;
            }
            slot = (uint32_t)s->n_repair_slots++;
        }
        s->repairs[slot] = (aidc_fail_repair){s->now_ns, first, n, (int32_t)cls, UINT32_MAX};
        s->repairs_pending++;
        double t = (double)s->now_ns + repair_s * 1e9;
        int64_t at = t < (double)INT64_MAX / 2 ? (int64_t)llround(t) : INT64_MAX / 2;
        aidc_eventq_push(&s->q, at, ev_priority[EV_REPAIR], EV_REPAIR, slot);
    }
    queue_schedule(s);
    fail_push_next(s, cls);
}

static void on_repair(aidc_sim *s, uint32_t slot)
{
    advance_integrals(s);
    aidc_fail_repair *r = &s->repairs[slot];
    assert(r->cls >= 0);
    if (r->cls == AIDC_FAIL_SWITCH) fail_leaf(s, r->first_gpu, false, -1);
    else fail_hold(s, (uint32_t)r->cls, r->first_gpu, r->n_gpus, -1);
    s->fail_down_s[r->cls] += (double)(s->now_ns - r->start_ns) / 1e9;
    r->cls = -1;
    r->next_free = s->repair_free;
    s->repair_free = slot;
    s->repairs_pending--;
    queue_schedule(s);
}

void aidc_sim_job_fail_stats(const aidc_sim *s, uint32_t id, aidc_job_fail_stats *out)
{
    const aidc_job_rt *j = &s->jobs[id];
    double duration = (double)s->workload.jobs[id].duration_ns;
    *out = (aidc_job_fail_stats){0, 0, 0, 0};
    if (!s->has_failures) {
        if (j->state == AIDC_JOB_DONE) out->productive_ns = duration;
        else if (j->state == AIDC_JOB_RUNNING)
            out->productive_ns = duration - (j->remaining_ns - (double)(s->now_ns - j->last_ns) * j->speed);
        else out->productive_ns = duration - j->remaining_ns;
        if (out->productive_ns < 0) out->productive_ns = 0;
        return;
    }
    const aidc_job_fail *jf = &s->jfail[id];
    out->interruptions = jf->interruptions;
    out->productive_ns = duration - jf->prod_left_ns;
    out->lost_ns = jf->lost_ns;
    out->ckpt_ns = jf->ckpt_ns;
    if (j->state == AIDC_JOB_RUNNING) {
        double wall = aidc_ckpt_wall_ns(&jf->seg);
        double x = wall - (j->remaining_ns - (double)(s->now_ns - j->last_ns) * j->speed);
        if (x > wall) x = wall;
        double lost, ckpt;
        aidc_ckpt_split_r sp = fail_split(jf, x, true, &lost, &ckpt);
        out->productive_ns += sp.saved_ns;
        out->lost_ns += lost;
        out->ckpt_ns += ckpt;
    }
}

size_t aidc_sim_fail_check(const aidc_sim *s)
{
    const aidc_cluster *c = &s->cluster;
    size_t bad = 0;
    for (size_t i = 0; i < c->n_nodes; i++) {
        int32_t free_gpus = 0;
        for (int64_t g = c->first_gpu[i]; g < c->first_gpu[i] + c->nodes[i].gpus_total; g++) {
            free_gpus += c->state[g] == AIDC_GPU_FREE;
            if (!s->has_failures) continue;
            if (c->state[g] == AIDC_GPU_FREE && gpu_down(s, g)) bad++;
            if (c->state[g] != AIDC_GPU_BUSY || c->owner[g] < 0) continue; /* < -1: a service replica */
            if (s->gpu_down_hard[g] > 0) bad++;
            if (s->gpu_down_link[g] > 0 && s->jobs[c->owner[g]].n_alloc > 1) bad++;
        }
        if (free_gpus != c->nodes[i].gpus_free) bad++;
    }
    return bad;
}

/* ---- hooks for sim/services ----------------------------------------------- */

void aidc_sim_touch(aidc_sim *s) { advance_integrals(s); }

void aidc_sim_node_power(aidc_sim *s, int32_t node, double delta_w)
{
    s->service_dc_w[node] += delta_w;
    node_add_dc(s, node, delta_w);
}

void aidc_sim_power_refresh(aidc_sim *s) { power_refresh(s); }

void aidc_sim_preempt_job(aidc_sim *s, uint32_t id)
{
    assert(s->jobs[id].state == AIDC_JOB_RUNNING);
    preempt(s, id, s->now_ns);
    s->service_preemptions++;
    relax_caps(s);
}

void aidc_sim_wake_policy(aidc_sim *s) { queue_schedule(s); }

void aidc_sim_push_service(aidc_sim *s, int64_t t_ns, size_t service)
{
    aidc_eventq_push(&s->q, t_ns, ev_priority[EV_SERVICE], EV_SERVICE, service);
}
