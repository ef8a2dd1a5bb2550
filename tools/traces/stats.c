/* Trace statistics; see stats.h. */
#include "tools/traces/stats.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "models/trace.h"
#include "models/workload.h"
#include "tools/traces/table.h"

#define NS_PER_S 1e9

/* Fills d from v (n values, sorted here in place). */
static void dist(double *v, size_t n, aidc_tr_dist *d)
{
    memset(d, 0, sizeof *d);
    d->n = n;
    if (n == 0) return;
    gsl_sort(v, 1, n);
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    d->mean = sum / (double)n;
    d->p50 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.50);
    d->p90 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.90);
    d->p99 = gsl_stats_quantile_from_sorted_data(v, 1, n, 0.99);
    d->max = v[n - 1];
}

static int hist_bin(int32_t gpus)
{
    int b = 0;
    while (b < AIDC_TR_HIST_BINS - 1 && ((int64_t)1 << b) < gpus)
        b++;
    return b;
}

/* Summary of the jobs listed in idx (n of them); dur and wait are scratch of n doubles. */
static void summarize(const aidc_tr_sjob *jobs, const size_t *idx, size_t n, double *dur,
                      double *wait, aidc_tr_summary *s)
{
    memset(s, 0, sizeof *s);
    s->jobs = n;
    size_t nw = 0;
    int64_t first = 0, last = 0;
    for (size_t k = 0; k < n; k++) {
        const aidc_tr_sjob *j = &jobs[idx[k]];
        double h = (double)j->duration_ns / NS_PER_S / 3600.0;
        s->gpu_hours += j->gpus * h;
        if (j->gpu_milli >= 0) {
            s->share_gpu_hours += j->gpus * (j->gpu_milli / 1000.0) * h;
            s->share_jobs++;
        }
        s->hist[hist_bin(j->gpus)]++;
        s->gpus_mean += j->gpus;
        dur[k] = (double)j->duration_ns / NS_PER_S;
        if (j->wait_ns >= 0) wait[nw++] = (double)j->wait_ns / NS_PER_S;
        if (k == 0 || j->submit_ns < first) first = j->submit_ns;
        if (k == 0 || j->submit_ns > last) last = j->submit_ns;
    }
    s->span_s = (double)(last - first) / NS_PER_S;
    if (n) s->gpus_mean /= (double)n;
    dist(dur, n, &s->duration_s);
    dist(wait, nw, &s->wait_s);
}

typedef struct tenant_order {
    double gpu_hours;
    const char *name;
    size_t index;
} tenant_order;

static int cmp_tenant(const void *a, const void *b)
{
    const tenant_order *x = a, *y = b;
    if (x->gpu_hours != y->gpu_hours) return x->gpu_hours > y->gpu_hours ? -1 : 1;
    return strcmp(x->name, y->name);
}

int aidc_tr_stats_compute(const aidc_tr_sjob *jobs, size_t n, const char *const *names,
                          size_t n_names, aidc_tr_stats *out)
{
    memset(out, 0, sizeof *out);
    size_t m = n ? n : 1;
    size_t *idx = calloc(m, sizeof *idx), *count = calloc(n_names + 1, sizeof *count);
    size_t *start = calloc(n_names + 1, sizeof *start);
    double *dur = malloc(m * sizeof *dur), *wait = malloc(m * sizeof *wait);
    tenant_order *order = malloc((n_names ? n_names : 1) * sizeof *order);
    aidc_tr_summary *tmp = calloc(n_names ? n_names : 1, sizeof *tmp);
    out->tenant = calloc(n_names ? n_names : 1, sizeof *out->tenant);
    out->per = calloc(n_names ? n_names : 1, sizeof *out->per);
    int rc = -1;
    if (!idx || !count || !start || !dur || !wait || !order || !tmp || !out->tenant || !out->per)
        goto done;
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    summarize(jobs, idx, n, dur, wait, &out->all);
    /* group job indices by tenant (a counting sort keeps each tenant's jobs in order) */
    for (size_t i = 0; i < n; i++)
        count[jobs[i].tenant]++;
    for (size_t t = 1; t <= n_names; t++)
        start[t] = start[t - 1] + count[t - 1];
    memset(count, 0, (n_names + 1) * sizeof *count);
    for (size_t i = 0; i < n; i++)
        idx[start[jobs[i].tenant] + count[jobs[i].tenant]++] = i;
    size_t used = 0;
    for (size_t t = 0; t < n_names; t++) {
        if (count[t] == 0) continue;
        summarize(jobs, idx + start[t], count[t], dur, wait, &tmp[t]);
        order[used++] = (tenant_order){tmp[t].gpu_hours, names[t], t};
    }
    qsort(order, used, sizeof *order, cmp_tenant);
    for (size_t k = 0; k < used; k++) {
        out->per[k] = tmp[order[k].index];
        out->tenant[k] = strdup(order[k].name);
        if (!out->tenant[k]) goto done;
        out->n_tenants = k + 1;
    }
    rc = 0;
done:
    free(idx);
    free(count);
    free(start);
    free(dur);
    free(wait);
    free(order);
    free(tmp);
    if (rc != 0) aidc_tr_stats_fini(out);
    return rc;
}

void aidc_tr_stats_fini(aidc_tr_stats *s)
{
    if (s->tenant)
        for (size_t i = 0; i < s->n_tenants; i++)
            free(s->tenant[i]);
    free(s->tenant);
    free(s->per);
    memset(s, 0, sizeof *s);
}

/* ---- sources -------------------------------------------------------------------------------- */

int aidc_tr_stats_from_conv(const aidc_tr_conv *c, aidc_tr_stats *out)
{
    /* tenants: the distinct tenant strings, "default" for jobs without one (as the native
     * reader names them) */
    aidc_tr_pool names = {0};
    aidc_tr_sjob *jobs = malloc((c->n_jobs ? c->n_jobs : 1) * sizeof *jobs);
    const char **list = NULL;
    size_t n_names = 0, cap = 0;
    int rc = -1;
    if (!jobs) goto done;
    for (size_t i = 0; i < c->n_jobs; i++) {
        const aidc_tr_job *j = &c->jobs[i];
        const char *t = j->tenant == AIDC_TR_NO_STR ? "default" : aidc_tr_str(&c->pool, j->tenant);
        int64_t k = aidc_tr_index_get(&names, t, strlen(t));
        if (k < 0) {
            if (n_names == cap) {
                cap = cap ? cap * 2 : 16;
                const char **v = realloc(list, cap * sizeof *v);
                if (!v) goto done;
                list = v;
            }
            k = (int64_t)n_names;
            list[n_names++] = t; /* points into c->pool, which does not move any more */
            if (aidc_tr_index_set(&names, t, strlen(t), (uint32_t)k) != 0) goto done;
        }
        jobs[i] = (aidc_tr_sjob){j->submit_ns, j->duration_ns, j->wait_ns,
                                 j->gpus,      j->gpu_milli,   (uint32_t)k};
    }
    rc = aidc_tr_stats_compute(jobs, c->n_jobs, list, n_names, out);
done:
    aidc_tr_pool_fini(&names);
    free(list);
    free(jobs);
    return rc;
}

/* The x_ columns of a native trace, read after models/trace has read the rest: the k-th data
 * record is the job whose source line is the k-th smallest. */
typedef struct extras {
    aidc_tr_sjob *jobs;
    const size_t *by_line; /* job indices ordered by source line */
    size_t n, next;
} extras;

enum { X_WAIT, X_MILLI, N_X };
static const aidc_tr_col extra_cols[N_X] = {{"x_wait_s", false}, {"x_gpu_milli", false}};

static int extra_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    extras *x = ctx;
    if (x->next >= x->n)
        return aidc_tr_failf_at(c, r->path, r->line, "more records than the trace reader saw");
    aidc_tr_sjob *j = &x->jobs[x->by_line[x->next++]];
    int64_t v;
    if (!aidc_tr_empty(r, X_WAIT)) {
        if (aidc_tr_get_seconds(c, r, X_WAIT, false, &v) != 0) return -1;
        j->wait_ns = v;
    }
    if (!aidc_tr_empty(r, X_MILLI)) {
        if (aidc_tr_get_int(c, r, X_MILLI, 1, 1000, &v) != 0) return -1;
        j->gpu_milli = (int32_t)v;
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int aidc_tr_stats_load_native(const char *path, aidc_tr_stats *out, char *err, size_t errlen)
{
    aidc_workload w;
    aidc_workload_init(&w);
    memset(out, 0, sizeof *out);
    if (aidc_trace_read(path, &w, err, errlen) != 0) {
        aidc_workload_fini(&w);
        return -1;
    }
    size_t n = w.n;
    aidc_tr_sjob *jobs = malloc((n ? n : 1) * sizeof *jobs);
    size_t *by_line = malloc((n ? n : 1) * sizeof *by_line);
    const char **names = malloc((w.n_tenants ? w.n_tenants : 1) * sizeof *names);
    int rc = -1;
    if (!jobs || !by_line || !names) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        const aidc_job_spec *js = &w.jobs[i];
        jobs[i] =
            (aidc_tr_sjob){js->submit_ns, js->duration_ns, -1, js->gpus, -1, (uint32_t)js->tenant};
        by_line[i] = i;
    }
    /* Source lines are distinct; qsort has no context argument, so (line, index) pairs are
     * packed into one 64-bit key each. */
    uint64_t *keys = malloc((n ? n : 1) * sizeof *keys);
    if (!keys) {
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        keys[i] = (uint64_t)w.jobs[i].source_line << 32 | (uint64_t)i;
    qsort(keys, n, sizeof *keys, cmp_u64);
    for (size_t i = 0; i < n; i++)
        by_line[i] = (size_t)(keys[i] & 0xffffffffu);
    free(keys);
    for (size_t t = 0; t < w.n_tenants; t++)
        names[t] = aidc_workload_str(&w, w.tenants[t]);

    aidc_tr_conv c;
    aidc_tr_conv_init(&c, "native", path, NULL, err, errlen);
    extras x = {jobs, by_line, n, 0};
    rc = aidc_tr_table_read(&c, path, extra_cols, N_X, AIDC_TR_HEADER, true, false, extra_row, &x);
    aidc_tr_conv_fini(&c);
    if (rc == 0 && x.next != n) {
        snprintf(err, errlen, "%s: %zu records, but the trace reader saw %zu", path, x.next, n);
        rc = -1;
    }
    if (rc == 0 && aidc_tr_stats_compute(jobs, n, names, w.n_tenants, out) != 0) {
        snprintf(err, errlen, "out of memory");
        rc = -1;
    }
done:
    free(jobs);
    free(by_line);
    free(names);
    aidc_workload_fini(&w);
    return rc;
}

int aidc_tr_req_stats_compute(const aidc_tr_request *r, size_t n, aidc_tr_req_stats *out)
{
    memset(out, 0, sizeof *out);
    out->n = n;
    if (n == 0) return 0;
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    int64_t *t = malloc(n * sizeof *t);
    if (!a || !b || !t) {
        free(a);
        free(b);
        free(t);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        a[i] = (double)r[i].prompt_tokens;
        b[i] = (double)r[i].output_tokens;
        t[i] = r[i].arrival_ns;
        out->prompt_total += a[i];
        out->output_total += b[i];
    }
    qsort(t, n, sizeof *t, cmp_i64);
    out->span_s = (double)(t[n - 1] - t[0]) / NS_PER_S;
    out->rate_per_s = out->span_s > 0 ? (double)(n - 1) / out->span_s : 0;
    /* the busiest minute: most arrivals in [t_i, t_i + 60 s), over every arrival t_i */
    size_t best = 0;
    for (size_t i = 0, j = 0; i < n; i++) {
        while (j < n && t[j] < t[i] + (int64_t)60 * AIDC_TR_NS)
            j++;
        if (j - i > best) best = j - i;
    }
    out->peak_minute_per_s = (double)best / 60.0;
    dist(a, n, &out->prompt);
    dist(b, n, &out->output);
    free(a);
    free(b);
    free(t);
    return 0;
}

/* ---- printing ------------------------------------------------------------------------------- */

static const char *fmt_s(double s, char *buf, size_t n)
{
    if (s < 90)
        snprintf(buf, n, "%.3g s", s);
    else if (s < 90 * 60)
        snprintf(buf, n, "%.1f min", s / 60);
    else if (s < 48 * 3600)
        snprintf(buf, n, "%.1f h", s / 3600);
    else
        snprintf(buf, n, "%.1f d", s / 86400);
    return buf;
}

static void print_dist(FILE *f, const char *label, const aidc_tr_dist *d)
{
    char a[32], b[32], c[32], e[32], m[32];
    fprintf(f, "  %-12s mean %s; p50 %s, p90 %s, p99 %s, max %s\n", label,
            fmt_s(d->mean, m, sizeof m), fmt_s(d->p50, a, sizeof a), fmt_s(d->p90, b, sizeof b),
            fmt_s(d->p99, c, sizeof c), fmt_s(d->max, e, sizeof e));
}

static void bin_label(int b, char *buf, size_t n)
{
    long hi = 1L << b, lo = b == 0 ? 1 : (1L << (b - 1)) + 1;
    if (b == AIDC_TR_HIST_BINS - 1)
        snprintf(buf, n, "%ld+", lo);
    else if (lo == hi)
        snprintf(buf, n, "%ld", hi);
    else
        snprintf(buf, n, "%ld-%ld", lo, hi);
}

void aidc_tr_stats_print(const aidc_tr_stats *s, const char *title, size_t max_tenants, FILE *f)
{
    const aidc_tr_summary *a = &s->all;
    char t[32];
    fprintf(f, "%s: %zu jobs, %zu tenant%s, submitted over %s\n", title, a->jobs, s->n_tenants,
            s->n_tenants == 1 ? "" : "s", fmt_s(a->span_s, t, sizeof t));
    if (a->jobs == 0) return;
    fprintf(f, "  %-12s %.1f", "GPU-hours", a->gpu_hours);
    if (a->share_jobs)
        fprintf(f, " (%.1f at the x_gpu_milli shares of %zu jobs)", a->share_gpu_hours,
                a->share_jobs);
    fprintf(f, "\n  %-12s", "GPUs/job");
    bool first = true;
    for (int b = 0; b < AIDC_TR_HIST_BINS; b++) {
        if (!a->hist[b]) continue;
        char l[32];
        bin_label(b, l, sizeof l);
        fprintf(f, "%s %s: %zu (%.1f%%)", first ? "" : ",", l, a->hist[b],
                100.0 * (double)a->hist[b] / (double)a->jobs);
        first = false;
    }
    fputc('\n', f);
    print_dist(f, "duration", &a->duration_s);
    if (a->wait_s.n) {
        print_dist(f, "queue wait", &a->wait_s);
        if (a->wait_s.n != a->jobs)
            fprintf(f, "  %-12s (x_wait_s recorded for %zu of %zu jobs)\n", "", a->wait_s.n,
                    a->jobs);
    } else {
        fprintf(f, "  %-12s not in the trace (no x_wait_s)\n", "queue wait");
    }
    size_t shown = max_tenants == 0 || max_tenants > s->n_tenants ? s->n_tenants : max_tenants;
    fprintf(f, "per tenant, largest GPU-hours first:\n");
    fprintf(f, "  %-20s %8s %12s %6s %8s %9s %9s %9s %9s\n", "tenant", "jobs", "GPU-hours", "share",
            "GPUs/job", "dur p50", "dur p90", "wait p50", "wait p90");
    for (size_t i = 0; i < shown; i++) {
        const aidc_tr_summary *p = &s->per[i];
        char d50[32], d90[32], w50[32] = "-", w90[32] = "-";
        fmt_s(p->duration_s.p50, d50, sizeof d50);
        fmt_s(p->duration_s.p90, d90, sizeof d90);
        if (p->wait_s.n) {
            fmt_s(p->wait_s.p50, w50, sizeof w50);
            fmt_s(p->wait_s.p90, w90, sizeof w90);
        }
        fprintf(f, "  %-20s %8zu %12.1f %5.1f%% %8.2f %9s %9s %9s %9s\n", s->tenant[i], p->jobs,
                p->gpu_hours, a->gpu_hours > 0 ? 100.0 * p->gpu_hours / a->gpu_hours : 0,
                p->gpus_mean, d50, d90, w50, w90);
    }
    if (shown < s->n_tenants) {
        size_t jobs = 0;
        double h = 0;
        for (size_t i = shown; i < s->n_tenants; i++) {
            jobs += s->per[i].jobs;
            h += s->per[i].gpu_hours;
        }
        fprintf(f, "  (%zu more tenants: %zu jobs, %.1f GPU-hours; --tenants 0 lists all)\n",
                s->n_tenants - shown, jobs, h);
    }
}

void aidc_tr_req_stats_print(const aidc_tr_req_stats *s, const char *title, FILE *f)
{
    char t[32];
    fprintf(f, "%s: %zu requests over %s\n", title, s->n, fmt_s(s->span_s, t, sizeof t));
    if (s->n == 0) return;
    fprintf(f, "  %-14s mean %.2f/s, busiest minute %.2f/s\n", "arrivals", s->rate_per_s,
            s->peak_minute_per_s);
    const aidc_tr_dist *d[2] = {&s->prompt, &s->output};
    const char *label[2] = {"prompt tokens", "output tokens"};
    double total[2] = {s->prompt_total, s->output_total};
    for (int i = 0; i < 2; i++)
        fprintf(f, "  %-14s mean %.1f; p50 %.0f, p90 %.0f, p99 %.0f, max %.0f; total %.0f\n",
                label[i], d[i]->mean, d[i]->p50, d[i]->p90, d[i]->p99, d[i]->max, total[i]);
}

/* ---- the command ---------------------------------------------------------------------------- */

/* A request stream's header starts with arrival_s; anything else is taken for a job trace. */
static bool is_request_stream(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return false;
    char line[512];
    bool yes = false;
    while (fgets(line, sizeof line, f)) {
        const char *p = line;
        if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\r' || *p == '\0') continue;
        yes = strncmp(p, "arrival_s", 9) == 0;
        break;
    }
    fclose(f);
    return yes;
}

enum { R_ARRIVAL, R_PROMPT, R_OUTPUT, N_R };
static const aidc_tr_col req_cols[N_R] = {
    {"arrival_s", true}, {"prompt_tokens", true}, {"output_tokens", true}};

static int req_row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    aidc_tr_request q;
    if (aidc_tr_get_seconds(c, r, R_ARRIVAL, false, &q.arrival_ns) != 0 ||
        aidc_tr_get_int(c, r, R_PROMPT, 0, INT64_C(1000000000), &q.prompt_tokens) != 0 ||
        aidc_tr_get_int(c, r, R_OUTPUT, 0, INT64_C(1000000000), &q.output_tokens) != 0)
        return -1;
    return aidc_tr_add_request(c, &q);
}

int aidc_tr_stats_file(const char *path, const aidc_tr_format *from, const aidc_tr_options *opt,
                       size_t max_tenants, FILE *out, char *err, size_t errlen)
{
    aidc_tr_conv c;
    aidc_tr_conv_init(&c, from ? from->name : "native", path, opt, err, errlen);
    int rc;
    bool requests = from ? from->output == AIDC_TR_REQUESTS : is_request_stream(path);
    if (from || requests) {
        rc = from ? from->read(&c, path)
                  : aidc_tr_table_read(&c, path, req_cols, N_R, AIDC_TR_HEADER, true, true, req_row,
                                       NULL);
        if (rc == 0 && requests) {
            aidc_tr_req_stats rs;
            rc = aidc_tr_req_stats_compute(c.reqs, c.n_reqs, &rs);
            if (rc == 0)
                aidc_tr_req_stats_print(&rs, path, out);
            else
                snprintf(err, errlen, "out of memory");
        } else if (rc == 0) {
            aidc_tr_stats s;
            rc = aidc_tr_stats_from_conv(&c, &s);
            if (rc == 0) {
                aidc_tr_stats_print(&s, path, max_tenants, out);
                aidc_tr_stats_fini(&s);
            } else {
                snprintf(err, errlen, "out of memory");
            }
        }
        aidc_tr_conv_fini(&c);
        return rc;
    }
    aidc_tr_conv_fini(&c);
    aidc_tr_stats s;
    if (aidc_tr_stats_load_native(path, &s, err, errlen) != 0) return -1;
    aidc_tr_stats_print(&s, path, max_tenants, out);
    aidc_tr_stats_fini(&s);
    return 0;
}
