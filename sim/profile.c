/* profile — see profile.h. */
#include "sim/profile.h"

#include <string.h>

void aidc_profile_init(aidc_profile *p)
{
    memset(p, 0, sizeof *p);
    p->cur = AIDC_PROF_ENGINE;
}

void aidc_profile_start(aidc_profile *p)
{
    p->cur = AIDC_PROF_ENGINE;
    p->last_ns = aidc_profile_now_ns();
}

void aidc_profile_stop(aidc_profile *p)
{
    int64_t t = aidc_profile_now_ns();
    p->ns[p->cur] += t - p->last_ns;
    p->last_ns = t;
}

void aidc_profile_split(const aidc_profile *p, double *engine_s, double *policy_s, double *models_s)
{
    *engine_s = (double)p->ns[AIDC_PROF_ENGINE] / 1e9;
    *policy_s = (double)p->ns[AIDC_PROF_POLICY] / 1e9;
    *models_s = (double)(p->ns[AIDC_PROF_POWER] + p->ns[AIDC_PROF_FABRIC] +
                         p->ns[AIDC_PROF_SAMPLING] + p->ns[AIDC_PROF_FAILURES] + p->output_ns) /
                1e9;
}

void aidc_profile_print(const aidc_profile *p, FILE *f, const char *name, uint64_t events)
{
    static const char *const label[AIDC_PROF_N] = {"engine", "policy",   "power",
                                                   "fabric", "sampling", "failures"};
    static const char *const what[AIDC_PROF_N] = {
        "event queue, dispatch, job bookkeeping",
        "schedule and notification calls, host services they use",
        "power chain, budgets and caps, cooling, grid metering",
        "fabric speeds on starts and ends",
        "timeseries.csv and racks.csv rows",
        "failures, repairs, inference services"};
    double run_s = (double)p->run_ns / 1e9;
    double total = 0;
    for (int c = 0; c < AIDC_PROF_N; c++)
        total += (double)p->ns[c];
    total += (double)p->output_ns;
    if (total <= 0) total = 1;
    fprintf(f, "profile of %s (wall clock, clock_gettime counters):\n", name);
    fprintf(f, "  %-10s %9.3f s  scenario, workload, cluster, fabric, policy\n", "setup",
            (double)p->setup_ns / 1e9);
    fprintf(f, "  %-10s %9.3f s  %llu events, %.0f events/s\n", "simulate", run_s,
            (unsigned long long)events, run_s > 0 ? (double)events / run_s : 0.0);
    for (int c = 0; c < AIDC_PROF_N; c++) {
        fprintf(f, "    %-8s %9.3f s %5.1f%%  %s", label[c], (double)p->ns[c] / 1e9,
                100.0 * (double)p->ns[c] / total, what[c]);
        if (c == AIDC_PROF_POLICY && p->schedule_calls)
            fprintf(f, " (%llu schedule calls, %.1f us each)",
                    (unsigned long long)p->schedule_calls,
                    (double)p->ns[c] / 1e3 / (double)p->schedule_calls);
        fputc('\n', f);
    }
    fprintf(f, "  %-10s %9.3f s %5.1f%%  summary, jobs.csv, charts, report\n", "outputs",
            (double)p->output_ns / 1e9, 100.0 * (double)p->output_ns / total);
    double e, pol, m;
    aidc_profile_split(p, &e, &pol, &m);
    fprintf(f,
            "profile: setup_s=%.4f run_s=%.4f output_s=%.4f engine_s=%.4f policy_s=%.4f "
            "models_s=%.4f power_s=%.4f fabric_s=%.4f sampling_s=%.4f failures_s=%.4f "
            "events=%llu schedule_calls=%llu\n",
            (double)p->setup_ns / 1e9, run_s, (double)p->output_ns / 1e9, e, pol, m,
            (double)p->ns[AIDC_PROF_POWER] / 1e9, (double)p->ns[AIDC_PROF_FABRIC] / 1e9,
            (double)p->ns[AIDC_PROF_SAMPLING] / 1e9, (double)p->ns[AIDC_PROF_FAILURES] / 1e9,
            (unsigned long long)events, (unsigned long long)p->schedule_calls);
}
