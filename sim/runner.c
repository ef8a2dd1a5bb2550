/* runner — see runner.h. */
#define _XOPEN_SOURCE 700 /* realpath */
#include "sim/runner.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report.h"
#include "sim/output.h"
#include "sim/profile.h"
#include "sim/progress.h"
#include "sim/scenario.h"
#include "sim/sim.h"

char *aidc_policy_override(const char *policy, bool *unresolved)
{
    size_t n = strlen(policy);
    bool plugin = strchr(policy, '/') || (n > 3 && strcmp(policy + n - 3, ".so") == 0);
    char *abs = plugin ? realpath(policy, NULL) : NULL;
    int why = errno; /* for the caller's message when unresolved */
    *unresolved = plugin && !abs;
    cJSON *obj = cJSON_CreateObject();
    char *json = NULL;
    if (obj && cJSON_AddStringToObject(obj, plugin ? "plugin" : "name", abs ? abs : policy))
        json = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    free(abs);
    if (!json) return NULL;
    size_t m = strlen(json) + 8;
    char *o = malloc(m);
    if (o) snprintf(o, m, "policy=%s", json);
    cJSON_free(json);
    errno = why;
    return o;
}

/* Runs to the end in slices of simulated time, drawing the share done: of
 * the horizon, or (without one) of the jobs finished. */
static int run_with_progress(aidc_sim *sim, bool progress, char *err, size_t errlen)
{
    if (!progress) return aidc_sim_run(sim, err, errlen);
    aidc_progress bar;
    aidc_progress_begin(&bar, sim->sc->name, NULL, 1, true);
    if (!bar.on) return aidc_sim_run(sim, err, errlen);
    int64_t horizon = sim->sc->horizon_ns, step = horizon > 0 ? horizon / 200 : 3600 * INT64_C(1000000000);
    if (step < 1) step = 1;
    int rc = 0;
    for (int64_t t = step; rc == 0; t += step) {
        rc = aidc_sim_run_until(sim, t, err, errlen);
        double done = horizon > 0 ? (double)sim->now_ns / (double)horizon
                                  : (double)(sim->completed + sim->skipped) / (double)(sim->n_jobs ? sim->n_jobs : 1);
        aidc_progress_update(&bar, done, false);
    }
    aidc_progress_clear(&bar);
    return rc < 0 ? -1 : 0;
}

int aidc_run_scenario(const aidc_run_request *req, char *out_dir_used, size_t n, char *err,
                      size_t errlen)
{
    char tmp[4200] = "", out_dir[4200], path[4300];
    aidc_scenario sc;
    aidc_sim sim;
    int have_sc = 0, have_sim = 0;
    FILE *ts = NULL, *racks = NULL;
    int rc = 2;
    aidc_profile prof;
    aidc_profile_init(&prof);
    int64_t t0 = aidc_profile_now_ns();
    if (aidc_scenario_load(&sc, req->scenario, req->overrides, req->seed, err, errlen)) goto done;
    have_sc = 1;
    if (aidc_sim_init(&sim, &sc, NULL, err, errlen)) goto done;
    have_sim = 1;
    if (req->profile) sim.prof = &prof;
    if (req->out_dir) snprintf(out_dir, sizeof out_dir, "%s", req->out_dir);
    else snprintf(out_dir, sizeof out_dir, "out/%s", sc.name);
    if (out_dir_used) snprintf(out_dir_used, n, "%s", out_dir);
    if (aidc_outdir_begin(out_dir, tmp, sizeof tmp, err, errlen)) {
        tmp[0] = '\0';
        goto done;
    }
    snprintf(path, sizeof path, "%s/timeseries.csv", tmp);
    if (!(ts = fopen(path, "w"))) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    sim.timeseries = ts;
    snprintf(path, sizeof path, "%s/racks.csv", tmp);
    if (!(racks = fopen(path, "w"))) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        goto done;
    }
    sim.racks = racks;
    int64_t t1 = aidc_profile_now_ns();
    prof.setup_ns = t1 - t0;
    if (req->profile) aidc_profile_start(&prof);
    int run_rc = run_with_progress(&sim, req->progress, err, errlen);
    if (req->profile) aidc_profile_stop(&prof);
    int64_t t2 = aidc_profile_now_ns();
    prof.run_ns = t2 - t1;
    if (run_rc) {
        rc = sim.stalled ? 2 : 3; /* a stall is the scenario's fault: its budgets */
        goto done;
    }
    int bad = ferror(ts) != 0;
    if (fclose(ts) != 0 || bad) {
        ts = NULL;
        snprintf(err, errlen, "%s/timeseries.csv: write failed", tmp);
        goto done;
    }
    ts = NULL;
    bad = ferror(racks) != 0;
    if (fclose(racks) != 0 || bad) {
        racks = NULL;
        snprintf(err, errlen, "%s/racks.csv: write failed", tmp);
        goto done;
    }
    racks = NULL;
    /* charts and report.html are drawn from the files just written, inside
     * the temporary directory, so the rename below stays all or nothing */
    if (aidc_output_write(&sim, tmp, err, errlen) || aidc_report_write(tmp, NULL, NULL, err, errlen) ||
        aidc_outdir_commit(tmp, out_dir, err, errlen))
        goto done;
    tmp[0] = '\0';
    prof.output_ns = aidc_profile_now_ns() - t2;
    if (req->profile) aidc_profile_print(&prof, stderr, sc.name, sim.events);
    if (req->summary) {
        aidc_output_print_summary(&sim, req->summary);
        fprintf(req->summary, "  outputs    %s/ (report: %s/report.html)\n", out_dir, out_dir);
    }
    rc = 0;
done:
    if (ts) fclose(ts);
    if (racks) fclose(racks);
    if (tmp[0]) aidc_outdir_abort(tmp);
    if (have_sim) aidc_sim_fini(&sim);
    if (have_sc) aidc_scenario_fini(&sc);
    return rc;
}
