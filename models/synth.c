/* synth — synthetic workload generator; see synth.h. */
#include "models/synth.h"

#include <errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void aidc_synth_cfg_init(aidc_synth_cfg *c)
{
    memset(c, 0, sizeof *c);
    c->jobs = -1;
    c->estimate_factor = 1.0;
    for (int h = 0; h < 24; h++) c->hourly[h] = 1.0;
}

void aidc_synth_cfg_fini(aidc_synth_cfg *c)
{
    free(c->gaps_s);
    free(c->gpu_values);
    free(c->gpu_weights);
    free(c->samples_s);
    for (size_t i = 0; i < c->n_tenants; i++) free(c->tenants[i]);
    free(c->tenants);
    free(c->tenant_weights);
    memset(c, 0, sizeof *c);
}

int aidc_synth_read_samples(const char *path, double **out, size_t *n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return -1;
    }
    double *v = NULL;
    size_t len = 0, cap = 0;
    char line[256];
    unsigned lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        char *field = line;
        field[strcspn(field, ",")] = '\0';
        if (!field[0]) continue;
        char *end;
        errno = 0;
        double x = strtod(field, &end);
        if (end == field || *end) {
            if (lineno == 1) continue; /* header */
            snprintf(err, errlen, "%s:%u: expected seconds, found \"%.40s\"", path, lineno, field);
            rc = -1;
            break;
        }
        if (!isfinite(x) || x < 0 || errno) {
            snprintf(err, errlen, "%s:%u: expected non-negative finite seconds, found \"%.40s\"",
                     path, lineno, field);
            rc = -1;
            break;
        }
        if (len == cap) {
            cap = cap ? cap * 2 : 1024;
            double *nv = realloc(v, cap * sizeof *nv);
            if (!nv) {
                snprintf(err, errlen, "%s: out of memory", path);
                rc = -1;
                break;
            }
            v = nv;
        }
        v[len++] = x;
    }
    if (rc == 0 && ferror(f)) {
        snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
        rc = -1;
    }
    fclose(f);
    if (rc == 0 && len == 0) {
        snprintf(err, errlen, "%s: no samples", path);
        rc = -1;
    }
    if (rc) {
        free(v);
        return -1;
    }
    *out = v;
    *n = len;
    return 0;
}

static double next_gap_s(const aidc_synth_cfg *c, gsl_rng *r, double t_s)
{
    double rate_s = c->rate_per_hour / 3600.0;
    switch (c->arrival) {
    case AIDC_ARRIVAL_POISSON:
        return gsl_ran_exponential(r, 1.0 / rate_s);
    case AIDC_ARRIVAL_DIURNAL: {
        /* thinning (Lewis & Shedler): candidates at the peak rate, each kept
         * with probability rate(t)/peak */
        double peak = 0;
        for (int h = 0; h < 24; h++)
            if (c->hourly[h] > peak) peak = c->hourly[h];
        double t = t_s;
        for (;;) {
            t += gsl_ran_exponential(r, 1.0 / (rate_s * peak));
            int hour = (int)fmod(floor(t / 3600.0), 24.0);
            if (gsl_rng_uniform(r) * peak < c->hourly[hour]) return t - t_s;
        }
    }
    case AIDC_ARRIVAL_TRACE:
        return c->gaps_s[gsl_rng_uniform_int(r, c->n_gaps)];
    }
    return 0;
}

static double draw_duration_s(const aidc_synth_cfg *c, gsl_rng *r)
{
    switch (c->duration) {
    case AIDC_DUR_EXPONENTIAL:
        return gsl_ran_exponential(r, c->mean_s);
    case AIDC_DUR_LOGNORMAL:
        return gsl_ran_lognormal(r, log(c->median_s), c->sigma);
    case AIDC_DUR_EMPIRICAL:
        return c->samples_s[gsl_rng_uniform_int(r, c->n_samples)];
    }
    return 0;
}

int aidc_synth_generate(const aidc_synth_cfg *c, int64_t horizon_ns, gsl_rng *arrivals,
                        gsl_rng *sizes, gsl_rng *durations, aidc_workload *w, char *err,
                        size_t errlen)
{
    if (c->jobs < 0 && horizon_ns < 0) {
        snprintf(err, errlen, "workload.synthetic: \"jobs\" is required when there is no horizon");
        return -1;
    }
    gsl_ran_discrete_t *gpu_table = gsl_ran_discrete_preproc(c->n_gpu, c->gpu_weights);
    gsl_ran_discrete_t *tenant_table =
        c->n_tenants ? gsl_ran_discrete_preproc(c->n_tenants, c->tenant_weights) : NULL;
    int32_t *tenant_ids = calloc(c->n_tenants ? c->n_tenants : 1, sizeof *tenant_ids);
    int rc = 0;
    if (!gpu_table || (c->n_tenants && !tenant_table) || !tenant_ids) goto oom;
    int32_t def_tenant = aidc_workload_tenant(w, "default");
    if (def_tenant < 0) goto oom;
    for (size_t i = 0; i < c->n_tenants; i++)
        if ((tenant_ids[i] = aidc_workload_tenant(w, c->tenants[i])) < 0) goto oom;

    double t_s = 0;
    for (int64_t k = 0; c->jobs < 0 || k < c->jobs; k++) {
        t_s += next_gap_s(c, arrivals, t_s);
        if (t_s > AIDC_SYNTH_MAX_SECONDS) break; /* past any horizon */
        int64_t submit = llround(t_s * 1e9);
        if (horizon_ns >= 0 && c->jobs < 0 && submit >= horizon_ns) break;
        if (k >= AIDC_SYNTH_MAX_JOBS) {
            snprintf(err, errlen,
                     "workload.synthetic: more than %d jobs arrive before the horizon; lower the "
                     "rate, shorten the horizon or set \"jobs\"",
                     AIDC_SYNTH_MAX_JOBS);
            rc = -1;
            goto done;
        }
        double dur_s = draw_duration_s(c, durations);
        if (dur_s * (c->estimate_factor > 1 ? c->estimate_factor : 1) > AIDC_SYNTH_MAX_SECONDS) {
            snprintf(err, errlen,
                     "workload.synthetic.duration: job %lld drew a run time of %.3g s (estimate "
                     "%.3g s), beyond the limit of %.0e s (about 31 years); narrow the "
                     "distribution",
                     (long long)k + 1, dur_s, dur_s * c->estimate_factor, AIDC_SYNTH_MAX_SECONDS);
            rc = -1;
            goto done;
        }
        char id[32];
        snprintf(id, sizeof id, "s%lld", (long long)k + 1);
        aidc_job_spec j = {0};
        j.id_str = aidc_workload_intern(w, id);
        if (j.id_str == UINT32_MAX) goto oom;
        j.submit_ns = submit;
        j.duration_ns = llround(dur_s * 1e9);
        j.estimate_ns = llround(dur_s * c->estimate_factor * 1e9);
        j.deadline_ns = -1;
        j.gpus = c->gpu_values[gsl_ran_discrete(sizes, gpu_table)];
        j.tenant = tenant_table ? tenant_ids[gsl_ran_discrete(sizes, tenant_table)] : def_tenant;
        j.gpu_type = -1;
        j.kind = c->kind;
        /* drawn only when asked for, so other scenarios keep their draws */
        if (c->deferrable_fraction > 0 && gsl_rng_uniform(sizes) < c->deferrable_fraction) {
            j.deferrable = 1;
            j.deadline_ns = submit + j.estimate_ns + c->deferrable_slack_ns;
        }
        if (aidc_workload_add(w, &j)) goto oom;
    }
    goto done;
oom:
    snprintf(err, errlen, "workload.synthetic: out of memory");
    rc = -1;
done:
    if (gpu_table) gsl_ran_discrete_free(gpu_table);
    if (tenant_table) gsl_ran_discrete_free(tenant_table);
    free(tenant_ids);
    return rc;
}
