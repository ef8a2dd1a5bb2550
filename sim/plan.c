/* plan — the capacity planner; see plan.h. */
#include "sim/plan.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "plots/canvas.h"
#include "plots/chart.h"
#include "sim/batch.h"
#include "sim/metrics.h"
#include "sim/study.h"

#define MAX_VARS 8
#define MAX_CONSTRAINTS 16

const char aidc_plan_usage[] =
    "usage: aidcsim plan PLAN.json [-o DIR] [-j N] [--set key.path=value]... [--quiet]\n"
    "\n"
    "Searches the decision variables of PLAN.json for the point that meets every\n"
    "constraint (judged on the confidence interval over seeds) at the best objective:\n"
    "bisection on a monotone variable, a coarse grid then a refining pattern search on\n"
    "the others, and one step either side of the answer for sensitivity. Writes\n"
    "DIR/plan.json, evaluations.csv, pareto.csv, sensitivity.csv, charts/pareto-K.svg\n"
    "and .png (one per inequality constraint) and one output\n"
    "directory per run under DIR/runs/ (default DIR: out/NAME); runs already complete\n"
    "are reused. Under mpirun (built with MPI) the runs are spread over the ranks.\n"
    "\n"
    "  -o, --output DIR        where to write (default out/NAME)\n"
    "  -j N                    local worker processes (default: the number of cores)\n"
    "  --set key.path=value    override a value of the base scenario in every run\n"
    "  -q, --quiet             no progress bar, no report; errors only\n"
    "\n"
    "exit status: 0 answer found; 1 nothing in the ranges meets the constraints;\n"
    "2 bad input; 3 internal error\n";

enum op { OP_LE, OP_LT, OP_GE, OP_GT, OP_EQ };
static const char *const op_text[] = {"<=", "<", ">=", ">", "=="};

typedef struct constraint {
    aidc_metric m;
    enum op op;
    double bound;
    char text[300];
} constraint;

typedef struct eval {
    size_t idx[MAX_VARS];
    const char *phase;
    size_t order, step;
    aidc_batch_run *runs; /* n_seeds */
    char **dirs;
    const char ***ovs;
    int state;            /* 1 feasible, 0 infeasible, -1 a run failed */
    aidc_seed_stats obj;
    aidc_seed_stats con[MAX_CONSTRAINTS];
    bool holds[MAX_CONSTRAINTS];
    double con_min[MAX_CONSTRAINTS], con_max[MAX_CONSTRAINTS];
} eval;

typedef struct plan {
    aidc_study st;
    aidc_value_axis vars[MAX_VARS];
    size_t n_vars;
    int mono;             /* index of the monotone variable, or -1 */
    size_t coarse;
    constraint cons[MAX_CONSTRAINTS];
    size_t n_cons;
    aidc_metric objective;
    bool maximize;
    eval **evals;
    size_t n_evals, cap_evals;
    size_t steps;         /* batches run */
    size_t ran, resumed, failed_runs;
    aidc_pool *pool;
    char error[512];      /* a fatal problem found while evaluating */
} plan;

/* ---- reading the file --------------------------------------------------- */

static int read_constraint(plan *p, const char *text, const char *path, constraint *c)
{
    static const char *const ops[] = {"<=", ">=", "==", "<", ">"};
    static const enum op opv[] = {OP_LE, OP_GE, OP_EQ, OP_LT, OP_GT};
    const char *at = NULL;
    size_t k = 0;
    for (size_t i = 0; i < 5 && !at; i++)
        if ((at = strstr(text, ops[i]))) k = i;
    if (!at)
        return aidc_jread_fail(&p->st.r, path, false,
                               "expected \"METRIC OP VALUE\" with OP one of <=, <, >=, >, == (e.g. "
                               "\"wait_s.p95 <= 3600\"), found \"%s\"",
                               text);
    char left[300], why[256];
    snprintf(left, sizeof left, "%.*s", (int)(at - text), text);
    if (aidc_metric_parse(left, &c->m, why, sizeof why))
        return aidc_jread_fail(&p->st.r, path, false,
                               "expected \"METRIC OP VALUE\" with OP one of <=, <, >=, >, ==: %s", why);
    c->op = opv[k];
    const char *right = at + strlen(ops[k]);
    right += strspn(right, " \t");
    char *end;
    if (strncmp(right, "true", 4) == 0 && !right[4 + strspn(right + 4, " \t")]) c->bound = 1;
    else if (strncmp(right, "false", 5) == 0 && !right[5 + strspn(right + 5, " \t")]) c->bound = 0;
    else {
        c->bound = strtod(right, &end);
        if (end == right || end[strspn(end, " \t")] || !isfinite(c->bound))
            return aidc_jread_fail(&p->st.r, path, false,
                                   "expected a number, true or false after \"%s\", found \"%s\"", ops[k], right);
    }
    char lhs[sizeof c->m.text], rhs[64];
    snprintf(lhs, sizeof lhs, "%s", c->m.text);
    snprintf(rhs, sizeof rhs, "%s", right);
    snprintf(c->text, sizeof c->text, "%s %s %s", lhs, op_text[c->op], rhs);
    size_t tl = strlen(c->text);
    while (tl && (c->text[tl - 1] == ' ' || c->text[tl - 1] == '\t')) c->text[--tl] = '\0';
    return 0;
}

static int read_plan(plan *p)
{
    static const char *const keys[] = {"name", "description", "scenario", "seeds", "set", "confidence",
                                       "variables", "constraints", "objective", "coarse", NULL};
    if (aidc_study_load(&p->st, keys)) return -1;
    aidc_jread *r = &p->st.r;
    char d[96], path[AIDC_PATH_MAX], why[256];
    p->mono = -1;
    int64_t coarse = 5;
    if (aidc_jread_int(r, p->st.root, "", "coarse", false, 2, 1000, &coarse) < 0) return -1;
    p->coarse = (size_t)coarse;

    const cJSON *vars = cJSON_GetObjectItemCaseSensitive(p->st.root, "variables");
    if (!vars) return aidc_jread_fail(r, "", false, "missing required key \"variables\" (the decisions to search)");
    if (!cJSON_IsArray(vars) || cJSON_GetArraySize(vars) == 0 || cJSON_GetArraySize(vars) > MAX_VARS)
        return aidc_jread_fail(r, "variables", false, "expected an array of 1 to %d variables, found %s", MAX_VARS,
                               aidc_jread_describe(vars, d, sizeof d));
    static const char *const extra[] = {"monotone", NULL};
    for (const cJSON *v = vars->child; v; v = v->next) {
        size_t i = p->n_vars;
        snprintf(path, sizeof path, "variables[%zu]", i);
        if (aidc_study_axis(&p->st, v, path, extra, &p->vars[i])) return -1;
        p->n_vars++;
        for (size_t k = 0; k < i; k++)
            if (strcmp(p->vars[k].key, p->vars[i].key) == 0)
                return aidc_jread_fail(r, path, false, "\"%s\" is already variables[%zu]", p->vars[i].key, k);
        bool mono = false;
        if (aidc_jread_bool(r, v, path, "monotone", false, &mono) < 0) return -1;
        if (mono) {
            char q[AIDC_PATH_MAX];
            aidc_jread_join(q, path, "monotone");
            if (p->mono >= 0)
                return aidc_jread_fail(r, q, false, "variables[%d] is already the monotone one; at most one can be",
                                       p->mono);
            for (size_t k = 0; k < p->vars[i].n; k++)
                if (isnan(p->vars[i].num[k]) || (k && p->vars[i].num[k] <= p->vars[i].num[k - 1]))
                    return aidc_jread_fail(r, q, false,
                                           "a monotone variable needs increasing numbers (a range, or numbers "
                                           "in increasing order)");
            p->mono = (int)i;
        }
    }

    const cJSON *cons = cJSON_GetObjectItemCaseSensitive(p->st.root, "constraints");
    if (!cons) return aidc_jread_fail(r, "", false, "missing required key \"constraints\" (e.g. [\"wait_s.p95 <= 3600\"])");
    if (!cJSON_IsArray(cons) || cJSON_GetArraySize(cons) == 0 || cJSON_GetArraySize(cons) > MAX_CONSTRAINTS)
        return aidc_jread_fail(r, "constraints", false, "expected an array of 1 to %d constraints, found %s",
                               MAX_CONSTRAINTS, aidc_jread_describe(cons, d, sizeof d));
    for (const cJSON *c = cons->child; c; c = c->next) {
        snprintf(path, sizeof path, "constraints[%zu]", p->n_cons);
        if (!cJSON_IsString(c))
            return aidc_jread_fail(r, path, false, "expected a string like \"wait_s.p95 <= 3600\", found %s",
                                   aidc_jread_describe(c, d, sizeof d));
        if (read_constraint(p, c->valuestring, path, &p->cons[p->n_cons])) return -1;
        p->n_cons++;
    }

    const char *obj;
    if (aidc_jread_str(r, p->st.root, "", "objective", true, &obj) < 0) return -1;
    const char *what = NULL;
    if (strncmp(obj, "minimize ", 9) == 0) what = obj + 9;
    else if (strncmp(obj, "maximize ", 9) == 0) {
        what = obj + 9;
        p->maximize = true;
    }
    if (!what)
        return aidc_jread_fail(r, "objective", false,
                               "expected \"minimize METRIC\" or \"maximize METRIC\" (e.g. \"minimize cost_usd.total\"), "
                               "found \"%s\"",
                               obj);
    if (aidc_metric_parse(what, &p->objective, why, sizeof why))
        return aidc_jread_fail(r, "objective", false, "%s", why);
    return 0;
}

/* ---- evaluations -------------------------------------------------------- */

static eval *find_eval(const plan *p, const size_t *idx)
{
    for (size_t i = 0; i < p->n_evals; i++)
        if (memcmp(p->evals[i]->idx, idx, sizeof(size_t) * p->n_vars) == 0) return p->evals[i];
    return NULL;
}

static eval *new_eval(plan *p, const size_t *idx, const char *phase)
{
    if (p->n_evals == p->cap_evals) {
        size_t cap = p->cap_evals ? p->cap_evals * 2 : 32;
        eval **e = realloc(p->evals, cap * sizeof *e);
        if (!e) return NULL;
        p->evals = e;
        p->cap_evals = cap;
    }
    eval *e = calloc(1, sizeof *e);
    size_t ns = p->st.n_seeds;
    if (!e || !(e->runs = calloc(ns, sizeof *e->runs)) || !(e->dirs = calloc(ns, sizeof *e->dirs)) ||
        !(e->ovs = calloc(ns, sizeof *e->ovs))) {
        if (e) {
            free(e->runs);
            free(e->dirs);
        }
        free(e);
        return NULL;
    }
    memcpy(e->idx, idx, sizeof(size_t) * p->n_vars);
    e->phase = phase;
    e->order = p->n_evals;
    e->step = p->steps;
    const char *labels[MAX_VARS], *ov[MAX_VARS];
    for (size_t v = 0; v < p->n_vars; v++) {
        labels[v] = p->vars[v].label[idx[v]];
        ov[v] = p->vars[v].set[idx[v]];
    }
    for (size_t k = 0; k < ns; k++) {
        char dir[4096];
        aidc_study_run_dir(&p->st, labels, p->n_vars, p->st.seeds[k], dir, sizeof dir);
        e->dirs[k] = strdup(dir);
        e->ovs[k] = aidc_study_overrides(&p->st, ov, p->n_vars);
        e->runs[k] = (aidc_batch_run){p->st.scenario, e->ovs[k], p->st.seeds[k], e->dirs[k], -1, false, NULL, NULL};
        if (!e->dirs[k] || !e->ovs[k]) return NULL;
    }
    p->evals[p->n_evals++] = e;
    return e;
}

static void free_eval(eval *e, size_t ns)
{
    for (size_t k = 0; k < ns; k++) {
        aidc_batch_run_clear(&e->runs[k]);
        free(e->dirs[k]);
        free(e->ovs[k]);
    }
    free(e->runs);
    free(e->dirs);
    free(e->ovs);
    free(e);
}

/* Statistics and the verdict of an evaluation whose runs are done. */
static int judge(plan *p, eval *e)
{
    size_t ns = p->st.n_seeds, ok = 0;
    double obj[ns], con[MAX_CONSTRAINTS][ns];
    char why[512];
    for (size_t k = 0; k < ns; k++) {
        aidc_batch_run *r = &e->runs[k];
        if (r->status != 0) continue;
        cJSON *sum = cJSON_Parse(r->summary);
        if (!sum) {
            r->status = 3;
            r->error = strdup("summary.json does not parse");
            continue;
        }
        int bad = aidc_metric_eval(&p->objective, sum, &obj[ok], why, sizeof why);
        for (size_t c = 0; c < p->n_cons && !bad; c++)
            bad = aidc_metric_eval(&p->cons[c].m, sum, &con[c][ok], why, sizeof why);
        cJSON_Delete(sum);
        if (bad) {
            snprintf(p->error, sizeof p->error, "%s (in %s/summary.json)", why, r->out_dir);
            return -1;
        }
        ok++;
    }
    aidc_seed_stats_compute(obj, ok, p->st.confidence, &e->obj);
    e->state = ok == ns ? 1 : -1;
    for (size_t c = 0; c < p->n_cons; c++) {
        const constraint *cn = &p->cons[c];
        aidc_seed_stats *s = &e->con[c];
        aidc_seed_stats_compute(con[c], ok, p->st.confidence, s);
        bool h = ok > 0;
        if (h) switch (cn->op) {
            case OP_LE: h = s->hi <= cn->bound; break;
            case OP_LT: h = s->hi < cn->bound; break;
            case OP_GE: h = s->lo >= cn->bound; break;
            case OP_GT: h = s->lo > cn->bound; break;
            case OP_EQ: h = s->min == cn->bound && s->max == cn->bound; break;
            }
        e->holds[c] = h;
        if (!h && e->state == 1) e->state = 0;
    }
    return 0;
}

/* Runs every point of idx[0..n) not yet evaluated, in one batch. Returns the
 * evaluations in out (n of them), or -1 on a fatal problem (p->error). */
static int evaluate(plan *p, size_t (*idx)[MAX_VARS], size_t n, const char *phase, eval **out)
{
    size_t ns = p->st.n_seeds, fresh = 0;
    eval *todo[n ? n : 1];
    for (size_t i = 0; i < n; i++) {
        out[i] = find_eval(p, idx[i]);
        if (out[i]) continue;
        if (!(out[i] = new_eval(p, idx[i], phase))) {
            snprintf(p->error, sizeof p->error, "out of memory");
            return -1;
        }
        todo[fresh++] = out[i];
    }
    if (!fresh) return 0;
    aidc_batch_run *batch = calloc(fresh * ns, sizeof *batch);
    if (!batch) {
        snprintf(p->error, sizeof p->error, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < fresh; i++) memcpy(&batch[i * ns], todo[i]->runs, ns * sizeof *batch);
    char title[160];
    snprintf(title, sizeof title, "plan %.50s step %zu (%s)", p->st.name, p->steps + 1, phase);
    p->failed_runs += aidc_pool_run(p->pool, batch, fresh * ns, title, p->st.quiet);
    size_t ran, resumed;
    aidc_pool_counts(p->pool, &ran, &resumed);
    p->ran += ran;
    p->resumed += resumed;
    for (size_t i = 0; i < fresh; i++) memcpy(todo[i]->runs, &batch[i * ns], ns * sizeof *batch);
    free(batch);
    p->steps++;
    for (size_t i = 0; i < fresh; i++)
        if (judge(p, todo[i])) return -1;
    return 0;
}

/* Lower is better. */
static double score(const plan *p, const eval *e) { return p->maximize ? -e->obj.mean : e->obj.mean; }

/* Better of two feasible evaluations; ties go to the earlier one. */
static bool better(const plan *p, const eval *a, const eval *b)
{
    if (!a || a->state != 1) return false;
    if (!b || b->state != 1) return true;
    return score(p, a) < score(p, b);
}

/* All constraints in mask hold, and every run succeeded. */
static bool meets(const plan *p, const eval *e, unsigned mask)
{
    if (e->state < 0) return false;
    for (size_t c = 0; c < p->n_cons; c++)
        if ((mask >> c & 1u) && !e->holds[c]) return false;
    return true;
}

/* For each combination (the monotone variable's index ignored), the best
 * point along the monotone variable: bisection for all at once, one batch
 * per step. Without a monotone variable, the combination itself. best[i] is
 * NULL when nothing along it is feasible. */
static int solve(plan *p, size_t (*combos)[MAX_VARS], size_t n, const char *phase, eval **best)
{
    size_t (*pts)[MAX_VARS] = calloc(n ? n : 1, sizeof *pts);
    eval **got = calloc(n ? n : 1, sizeof *got);
    long *lo = calloc(n ? n : 1, sizeof *lo), *hi = calloc(n ? n : 1, sizeof *hi);
    unsigned *mask = calloc(n ? n : 1, sizeof *mask);
    size_t *which = calloc(n ? n : 1, sizeof *which);
    if (!pts || !got || !lo || !hi || !mask || !which) {
        free(which);
        free(mask);
        free(pts);
        free(got);
        free(lo);
        free(hi);
        snprintf(p->error, sizeof p->error, "out of memory");
        return -1;
    }
    int rc = 0;
    if (p->mono < 0) {
        rc = evaluate(p, combos, n, phase, got);
        for (size_t i = 0; i < n && rc == 0; i++) best[i] = got[i]->state == 1 ? got[i] : NULL;
        goto out;
    }
    size_t m = (size_t)p->mono, top = p->vars[m].n - 1;
    /* First the largest value. Each constraint is monotone along the
     * variable, one way or the other: those that hold at the top get easier
     * as it grows (waiting), the others harder (power). The smallest value
     * meeting the first kind is the only candidate: it is the cheapest, and
     * the second kind is at its easiest there. */
    for (size_t i = 0; i < n; i++) {
        memcpy(pts[i], combos[i], sizeof pts[i]);
        pts[i][m] = top;
    }
    if ((rc = evaluate(p, pts, n, phase, got))) goto out;
    for (size_t i = 0; i < n; i++) {
        mask[i] = 0;
        for (size_t c = 0; c < p->n_cons; c++)
            if (got[i]->state >= 0 && got[i]->holds[c]) mask[i] |= 1u << c;
        lo[i] = -1;
        hi[i] = got[i]->state < 0 ? -1 : (long)top; /* hi: smallest index known to meet the mask */
        if (got[i]->state >= 0 && mask[i] == 0) hi[i] = 0;
        best[i] = NULL;
    }
    for (;;) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (hi[i] >= 0 && hi[i] - lo[i] > 1) {
                memcpy(pts[k], combos[i], sizeof pts[k]);
                pts[k][m] = (size_t)((lo[i] + hi[i]) / 2);
                which[k++] = i;
            }
        if (!k) break;
        if ((rc = evaluate(p, pts, k, phase, got))) goto out;
        for (size_t j = 0; j < k; j++) {
            size_t i = which[j];
            long mid = (lo[i] + hi[i]) / 2;
            if (meets(p, got[j], mask[i])) hi[i] = mid;
            else lo[i] = mid;
        }
    }
    /* the candidate of each line, evaluated if it is not yet (an empty mask) */
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (hi[i] >= 0) {
            memcpy(pts[k], combos[i], sizeof pts[k]);
            pts[k][m] = (size_t)hi[i];
            which[k++] = i;
        }
    if (k && (rc = evaluate(p, pts, k, phase, got))) goto out;
    for (size_t j = 0; j < k; j++) best[which[j]] = got[j]->state == 1 ? got[j] : NULL;
out:
    free(which);
    free(mask);
    free(pts);
    free(got);
    free(lo);
    free(hi);
    return rc;
}

static bool numeric_var(const aidc_value_axis *a)
{
    for (size_t k = 0; k < a->n; k++)
        if (isnan(a->num[k])) return false;
    return true;
}

/* Coarse grid, then a pattern search with halving steps. */
static int search(plan *p, eval **answer)
{
    size_t stride[MAX_VARS], count[MAX_VARS], total = 1;
    for (size_t v = 0; v < p->n_vars; v++) {
        size_t n = p->vars[v].n;
        stride[v] = 1;
        if ((int)v == p->mono) {
            count[v] = 1;
            continue;
        }
        if (numeric_var(&p->vars[v]) && n > p->coarse) stride[v] = (n - 1 + p->coarse - 2) / (p->coarse - 1);
        count[v] = (n - 1) / stride[v] + 1 + ((n - 1) % stride[v] != 0);
        total *= count[v];
    }
    size_t (*combos)[MAX_VARS] = calloc(total, sizeof *combos);
    eval **best = calloc(total > 2 * MAX_VARS * 64 ? total : 2 * MAX_VARS * 64, sizeof *best);
    if (!combos || !best) {
        free(combos);
        free(best);
        snprintf(p->error, sizeof p->error, "out of memory");
        return -1;
    }
    for (size_t c = 0; c < total; c++) {
        size_t rest = c;
        for (size_t v = p->n_vars; v-- > 0;) {
            if ((int)v == p->mono) {
                combos[c][v] = 0;
                continue;
            }
            size_t j = rest % count[v];
            rest /= count[v];
            size_t x = j * stride[v];
            combos[c][v] = x < p->vars[v].n ? x : p->vars[v].n - 1;
        }
    }
    bool coarse = false;
    for (size_t v = 0; v < p->n_vars; v++) coarse |= stride[v] > 1;
    int rc = solve(p, combos, total, coarse ? "coarse" : "grid", best);
    eval *cur = NULL;
    for (size_t c = 0; c < total && rc == 0; c++)
        if (better(p, best[c], cur)) cur = best[c];
    free(combos);
    /* pattern search: neighbours one stride away on each variable (every
     * other value of a non-numeric one); move to a better one, else halve */
    bool halved_to_one = false;
    while (rc == 0 && cur && !halved_to_one) {
        bool any = false;
        for (size_t v = 0; v < p->n_vars; v++)
            if ((int)v != p->mono && stride[v] > 1) {
                stride[v] = (stride[v] + 1) / 2;
                any = true;
            }
        if (!any) halved_to_one = true;
        for (;;) {
            size_t nb[2 * MAX_VARS * 64][MAX_VARS], k = 0;
            for (size_t v = 0; v < p->n_vars; v++) {
                if ((int)v == p->mono) continue;
                size_t at = cur->idx[v], n = p->vars[v].n;
                if (numeric_var(&p->vars[v])) {
                    if (at >= stride[v]) {
                        memcpy(nb[k], cur->idx, sizeof nb[k]);
                        nb[k++][v] = at - stride[v];
                    }
                    if (at + stride[v] < n) {
                        memcpy(nb[k], cur->idx, sizeof nb[k]);
                        nb[k++][v] = at + stride[v];
                    }
                } else {
                    for (size_t x = 0; x < n && k < 2 * MAX_VARS * 64; x++)
                        if (x != at) {
                            memcpy(nb[k], cur->idx, sizeof nb[k]);
                            nb[k++][v] = x;
                        }
                }
            }
            if (!k) break;
            if ((rc = solve(p, nb, k, "refine", best))) break;
            eval *next = cur;
            for (size_t i = 0; i < k; i++)
                if (better(p, best[i], next)) next = best[i];
            if (next == cur) break;
            cur = next;
        }
    }
    free(best);
    *answer = cur;
    return rc;
}

/* One step either side of the answer on every variable (no bisection). */
static int sensitivity(plan *p, const eval *answer, eval **out, int *dir, size_t *var, size_t *n_out)
{
    size_t pts[2 * MAX_VARS][MAX_VARS], k = 0;
    for (size_t v = 0; v < p->n_vars; v++)
        for (int d = -1; d <= 1; d += 2) {
            size_t at = answer->idx[v];
            if ((d < 0 && at == 0) || (d > 0 && at + 1 >= p->vars[v].n)) continue;
            memcpy(pts[k], answer->idx, sizeof pts[k]);
            pts[k][v] = d < 0 ? at - 1 : at + 1;
            dir[k] = d;
            var[k++] = v;
        }
    *n_out = k;
    return k ? evaluate(p, pts, k, "sensitivity", out) : 0;
}

/* Pareto front over the evaluations whose runs all succeeded: the objective
 * against every inequality constraint's metric (each in its better
 * direction). A point is on the front when no other is at least as good on
 * all and better on one. */
static bool dominates(const plan *p, const eval *a, const eval *b)
{
    bool strict = false;
    double sa = score(p, a), sb = score(p, b);
    if (sa > sb) return false;
    strict |= sa < sb;
    for (size_t c = 0; c < p->n_cons; c++) {
        if (p->cons[c].op == OP_EQ) continue;
        double x = a->con[c].mean, y = b->con[c].mean;
        if (p->cons[c].op == OP_GE || p->cons[c].op == OP_GT) x = -x, y = -y;
        if (x > y) return false;
        strict |= x < y;
    }
    return strict;
}

static bool on_front(const plan *p, const eval *e)
{
    if (e->state < 0) return false;
    for (size_t i = 0; i < p->n_evals; i++)
        if (p->evals[i]->state >= 0 && dominates(p, p->evals[i], e)) return false;
    return true;
}

static const char *state_name(int s) { return s == 1 ? "feasible" : s == 0 ? "infeasible" : "failed"; }

/* charts/pareto-K.{svg,png}, one per inequality constraint K: every run
 * point as objective against the constrained metric (feasible in blue, the
 * rest grey), the non-dominated front as a line, the answer in vermillion,
 * and the side of the bound that breaks the constraint shaded. */
static int write_pareto_charts(plan *p, const eval *answer)
{
    char dir[4300];
    snprintf(dir, sizeof dir, "%s/charts", p->st.out_dir);
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        snprintf(p->st.err, AIDC_STUDY_ERR, "%s: cannot create: %s", dir, strerror(errno));
        return -1;
    }
    size_t n = p->n_evals ? p->n_evals : 1;
    double *fx = calloc(n, sizeof *fx), *fy = calloc(n, sizeof *fy), *ix = calloc(n, sizeof *ix),
           *iy = calloc(n, sizeof *iy), *lx = calloc(n, sizeof *lx), *ly = calloc(n, sizeof *ly);
    int rc = 0;
    if (!fx || !fy || !ix || !iy || !lx || !ly) rc = -1;
    for (size_t c = 0; rc == 0 && c < p->n_cons; c++) {
        if (p->cons[c].op == OP_EQ) continue;
        size_t nf = 0, ni = 0, nl = 0;
        double xmin = INFINITY, xmax = -INFINITY;
        for (size_t i = 0; i < p->n_evals; i++) {
            const eval *e = p->evals[i];
            if (e->state < 0 || !isfinite(e->con[c].mean) || !isfinite(e->obj.mean)) continue;
            double x = e->con[c].mean, y = e->obj.mean;
            xmin = fmin(xmin, x);
            xmax = fmax(xmax, x);
            if (e->state == 1) fx[nf] = x, fy[nf++] = y;
            else ix[ni] = x, iy[ni++] = y;
            if (on_front(p, e)) lx[nl] = x, ly[nl++] = y;
        }
        for (size_t i = 1; i < nl; i++) /* the front as a line: by x */
            for (size_t j = i; j > 0 && lx[j] < lx[j - 1]; j--) {
                double t = lx[j]; lx[j] = lx[j - 1]; lx[j - 1] = t;
                t = ly[j]; ly[j] = ly[j - 1]; ly[j - 1] = t;
            }
        char title[512], xt[300], yt[300], stem[32];
        snprintf(title, sizeof title, "Plan %s: %s against %s", p->st.name, p->objective.text,
                 p->cons[c].text);
        snprintf(xt, sizeof xt, "%s (mean over seeds)", p->cons[c].m.text);
        snprintf(yt, sizeof yt, "%s", p->objective.text);
        snprintf(stem, sizeof stem, "pareto-%zu", c + 1);
        aidc_chart ch;
        aidc_chart_init(&ch, title);
        ch.x.title = xt;
        ch.y.title = yt;
        ch.x.si = ch.y.si = AIDC_SI_LABEL;
        double b = p->cons[c].bound, lo = fmin(xmin, b), hi = fmax(xmax, b);
        aidc_series *band = aidc_chart_add(&ch, AIDC_SERIES_BAND, "outside this bound", AIDC_GREY, 0);
        bool upper = p->cons[c].op == OP_LE || p->cons[c].op == OP_LT;
        band->x0 = upper ? b : lo - 0.05 * (hi - lo);
        band->x1 = upper ? hi + 0.05 * (hi - lo) : b;
        aidc_series *s = aidc_chart_add(&ch, AIDC_SERIES_POINTS, "breaks a constraint", AIDC_GREY, 0);
        s->x = ix, s->y = iy, s->n = ni;
        s = aidc_chart_add(&ch, AIDC_SERIES_POINTS, "feasible", AIDC_OI_BLUE, 0);
        s->x = fx, s->y = fy, s->n = nf;
        s = aidc_chart_add(&ch, AIDC_SERIES_LINE, "Pareto front", AIDC_OI_ORANGE, 0);
        s->x = lx, s->y = ly, s->n = nl;
        double ax = answer ? answer->con[c].mean : NAN, ay = answer ? answer->obj.mean : NAN;
        s = aidc_chart_add(&ch, AIDC_SERIES_POINTS, "chosen", AIDC_OI_VERMILLION, 0);
        s->x = &ax, s->y = &ay, s->n = answer ? 1 : 0, s->width = 11;
        static const aidc_canvas_kind kinds[] = {AIDC_CANVAS_SVG, AIDC_CANVAS_PNG};
        static const char *const ext[] = {"svg", "png"};
        for (int k = 0; k < 2 && rc == 0; k++) {
            aidc_canvas *cv = aidc_canvas_create(kinds[k], 900, 520, stem);
            char path[4400];
            snprintf(path, sizeof path, "%s/%s.%s", dir, stem, ext[k]);
            if (!cv) {
                snprintf(p->st.err, AIDC_STUDY_ERR, "%s: cannot draw", path);
                rc = -1;
                break;
            }
            aidc_canvas_set_title(cv, title);
            if (aidc_chart_render(&ch, cv, 0, 0, 900, 520) ||
                aidc_canvas_write(cv, path, p->st.err, AIDC_STUDY_ERR))
                rc = -1;
            aidc_canvas_destroy(cv);
        }
    }
    aidc_canvas_release_fonts();
    if (rc && !p->st.err[0]) snprintf(p->st.err, AIDC_STUDY_ERR, "out of memory drawing the Pareto charts");
    free(fx), free(fy), free(ix), free(iy), free(lx), free(ly);
    return rc;
}

/* One CSV row prefix: the variables' values. */
static void csv_inputs(FILE *f, const plan *p, const eval *e)
{
    for (size_t v = 0; v < p->n_vars; v++) {
        if (v) fputc(',', f);
        aidc_csv_field(f, p->vars[v].label[e->idx[v]]);
    }
}

static void csv_header_metrics(FILE *f, const plan *p, const char *ci)
{
    char h[400];
    snprintf(h, sizeof h, "%s.mean", p->objective.text);
    fputc(',', f), aidc_csv_field(f, h);
    snprintf(h, sizeof h, "%s.%s", p->objective.text, ci);
    fputc(',', f), aidc_csv_field(f, h);
    for (size_t c = 0; c < p->n_cons; c++) {
        snprintf(h, sizeof h, "%s.mean", p->cons[c].m.text);
        fputc(',', f), aidc_csv_field(f, h);
        snprintf(h, sizeof h, "%s.%s", p->cons[c].m.text, ci);
        fputc(',', f), aidc_csv_field(f, h);
    }
}

static void csv_metrics(FILE *f, const plan *p, const eval *e)
{
    fputc(',', f), aidc_csv_num(f, e->obj.mean);
    fputc(',', f), aidc_csv_num(f, e->obj.half);
    for (size_t c = 0; c < p->n_cons; c++) {
        fputc(',', f), aidc_csv_num(f, e->con[c].mean);
        fputc(',', f), aidc_csv_num(f, e->con[c].half);
    }
}

static int write_csv(plan *p, const char *name, char *text, size_t len)
{
    char path[4300];
    snprintf(path, sizeof path, "%s/%s", p->st.out_dir, name);
    int rc = aidc_write_file_atomic(path, text, len, p->st.err, AIDC_STUDY_ERR);
    free(text);
    return rc;
}

static cJSON *stats_json(const aidc_seed_stats *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "n", (double)s->n);
    cJSON_AddItemToObject(o, "mean", aidc_json_num(s->mean));
    cJSON_AddItemToObject(o, "half", aidc_json_num(s->half));
    cJSON_AddItemToObject(o, "lo", aidc_json_num(s->lo));
    cJSON_AddItemToObject(o, "hi", aidc_json_num(s->hi));
    return o;
}

static cJSON *eval_json(const plan *p, const eval *e)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "order", (double)e->order);
    cJSON_AddStringToObject(o, "phase", e->phase);
    cJSON_AddNumberToObject(o, "step", (double)e->step + 1);
    cJSON *in = cJSON_AddObjectToObject(o, "inputs");
    for (size_t v = 0; v < p->n_vars; v++) {
        const char *set = p->vars[v].set[e->idx[v]];
        cJSON *val = cJSON_Parse(strchr(set, '=') + 1);
        cJSON_AddItemToObject(in, p->vars[v].key, val ? val : cJSON_CreateNull());
    }
    cJSON_AddStringToObject(o, "verdict", state_name(e->state));
    cJSON_AddItemToObject(o, "objective", stats_json(&e->obj));
    cJSON *cs = cJSON_AddArrayToObject(o, "constraints");
    for (size_t c = 0; c < p->n_cons; c++) {
        cJSON *co = stats_json(&e->con[c]);
        cJSON_AddStringToObject(co, "constraint", p->cons[c].text);
        cJSON_AddBoolToObject(co, "holds", e->holds[c]);
        cJSON_AddItemToArray(cs, co);
    }
    cJSON *runs = cJSON_AddArrayToObject(o, "runs");
    for (size_t k = 0; k < p->st.n_seeds; k++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "seed", (double)e->runs[k].seed);
        cJSON_AddStringToObject(r, "dir", aidc_study_rel_dir(&p->st, e->runs[k].out_dir));
        cJSON_AddNumberToObject(r, "status", e->runs[k].status);
        if (e->runs[k].status) cJSON_AddStringToObject(r, "error", e->runs[k].error);
        cJSON_AddItemToArray(runs, r);
    }
    return o;
}

static int write_outputs(plan *p, const eval *answer, eval **sens, const int *dir, const size_t *var, size_t n_sens)
{
    char ci[16];
    snprintf(ci, sizeof ci, "ci%g", p->st.confidence * 100);
    char *text;
    size_t len;
    FILE *f;

    /* evaluations.csv: every point run, in order */
    if (!(f = open_memstream(&text, &len))) return -1;
    fputs("order,phase,step,", f);
    for (size_t v = 0; v < p->n_vars; v++) fputs(v ? "," : "", f), aidc_csv_field(f, p->vars[v].key);
    fputs(",verdict", f);
    csv_header_metrics(f, p, ci);
    fputc('\n', f);
    for (size_t i = 0; i < p->n_evals; i++) {
        const eval *e = p->evals[i];
        fprintf(f, "%zu,%s,%zu,", e->order, e->phase, e->step + 1);
        csv_inputs(f, p, e);
        fprintf(f, ",%s", state_name(e->state));
        csv_metrics(f, p, e);
        fputc('\n', f);
    }
    fclose(f);
    if (write_csv(p, "evaluations.csv", text, len)) return -1;

    /* pareto.csv: the non-dominated points, by objective (a chart layer reads
     * this file; the planner draws nothing itself) */
    size_t n_front = 0;
    const eval **front = calloc(p->n_evals ? p->n_evals : 1, sizeof *front);
    if (!front) return -1;
    for (size_t i = 0; i < p->n_evals; i++)
        if (on_front(p, p->evals[i])) front[n_front++] = p->evals[i];
    for (size_t i = 1; i < n_front; i++) /* insertion sort: few points, stable */
        for (size_t j = i; j > 0 && score(p, front[j]) < score(p, front[j - 1]); j--) {
            const eval *t = front[j];
            front[j] = front[j - 1];
            front[j - 1] = t;
        }
    if (!(f = open_memstream(&text, &len))) {
        free(front);
        return -1;
    }
    fputs("order,", f);
    for (size_t v = 0; v < p->n_vars; v++) fputs(v ? "," : "", f), aidc_csv_field(f, p->vars[v].key);
    fputs(",verdict,chosen", f);
    csv_header_metrics(f, p, ci);
    fputc('\n', f);
    for (size_t i = 0; i < n_front; i++) {
        fprintf(f, "%zu,", front[i]->order);
        csv_inputs(f, p, front[i]);
        fprintf(f, ",%s,%d", state_name(front[i]->state), front[i] == answer);
        csv_metrics(f, p, front[i]);
        fputc('\n', f);
    }
    fclose(f);
    if (write_csv(p, "pareto.csv", text, len)) {
        free(front);
        return -1;
    }

    /* sensitivity.csv: one step either side of the answer */
    if (!(f = open_memstream(&text, &len))) {
        free(front);
        return -1;
    }
    fputs("variable,step,value,verdict,objective_delta", f);
    csv_header_metrics(f, p, ci);
    fputc('\n', f);
    for (size_t i = 0; i < n_sens; i++) {
        aidc_csv_field(f, p->vars[var[i]].key);
        fprintf(f, ",%+d,", dir[i]);
        aidc_csv_field(f, p->vars[var[i]].label[sens[i]->idx[var[i]]]);
        fprintf(f, ",%s,", state_name(sens[i]->state));
        aidc_csv_num(f, sens[i]->obj.mean - answer->obj.mean);
        csv_metrics(f, p, sens[i]);
        fputc('\n', f);
    }
    fclose(f);
    if (write_csv(p, "sensitivity.csv", text, len) || write_pareto_charts(p, answer)) {
        free(front);
        return -1;
    }

    /* plan.json */
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "format", 1);
    cJSON_AddStringToObject(root, "plan", p->st.name);
    cJSON_AddStringToObject(root, "scenario", p->st.scenario);
    cJSON *set = cJSON_AddArrayToObject(root, "set");
    for (size_t i = 0; i < p->st.n_set; i++) cJSON_AddItemToArray(set, cJSON_CreateString(p->st.set[i]));
    cJSON *seeds = cJSON_AddArrayToObject(root, "seeds");
    for (size_t k = 0; k < p->st.n_seeds; k++) cJSON_AddItemToArray(seeds, cJSON_CreateNumber((double)p->st.seeds[k]));
    cJSON_AddNumberToObject(root, "confidence", p->st.confidence);
    cJSON *vars = cJSON_AddArrayToObject(root, "variables");
    for (size_t v = 0; v < p->n_vars; v++) {
        cJSON *vo = cJSON_CreateObject();
        cJSON_AddStringToObject(vo, "key", p->vars[v].key);
        cJSON_AddNumberToObject(vo, "values", (double)p->vars[v].n);
        cJSON_AddBoolToObject(vo, "monotone", (int)v == p->mono);
        cJSON_AddItemToArray(vars, vo);
    }
    cJSON *cons = cJSON_AddArrayToObject(root, "constraints");
    for (size_t c = 0; c < p->n_cons; c++) cJSON_AddItemToArray(cons, cJSON_CreateString(p->cons[c].text));
    char obj[300];
    snprintf(obj, sizeof obj, "%s %s", p->maximize ? "maximize" : "minimize", p->objective.text);
    cJSON_AddStringToObject(root, "objective", obj);
    cJSON_AddItemToObject(root, "answer", answer ? eval_json(p, answer) : cJSON_CreateNull());
    cJSON_AddNumberToObject(root, "evaluations", (double)p->n_evals);
    cJSON_AddNumberToObject(root, "runs", (double)(p->n_evals * p->st.n_seeds));
    cJSON_AddNumberToObject(root, "steps", (double)p->steps);
    cJSON *ev = cJSON_AddArrayToObject(root, "evaluated");
    for (size_t i = 0; i < p->n_evals; i++) cJSON_AddItemToArray(ev, eval_json(p, p->evals[i]));
    cJSON *pf = cJSON_AddArrayToObject(root, "pareto");
    for (size_t i = 0; i < n_front; i++) cJSON_AddItemToArray(pf, cJSON_CreateNumber((double)front[i]->order));
    free(front);
    cJSON *sv = cJSON_AddArrayToObject(root, "sensitivity");
    for (size_t i = 0; i < n_sens; i++) {
        cJSON *so = cJSON_CreateObject();
        cJSON_AddStringToObject(so, "variable", p->vars[var[i]].key);
        cJSON_AddNumberToObject(so, "step", dir[i]);
        cJSON_AddNumberToObject(so, "order", (double)sens[i]->order);
        cJSON_AddStringToObject(so, "verdict", state_name(sens[i]->state));
        cJSON_AddItemToObject(so, "objective_delta", aidc_json_num(sens[i]->obj.mean - answer->obj.mean));
        cJSON_AddItemToArray(sv, so);
    }
    char *json = cJSON_Print(root);
    cJSON_Delete(root);
    if (!json) return -1;
    size_t jl = strlen(json);
    json[jl] = '\n';
    char path[4300];
    snprintf(path, sizeof path, "%s/plan.json", p->st.out_dir);
    int rc = aidc_write_file_atomic(path, json, jl + 1, p->st.err, AIDC_STUDY_ERR);
    free(json);
    return rc;
}

static void print_eval_line(const plan *p, const eval *e, const char *lead)
{
    printf("%s", lead);
    for (size_t v = 0; v < p->n_vars; v++) printf("%s%s=%s", v ? ", " : "", p->vars[v].key, p->vars[v].label[e->idx[v]]);
    printf("\n");
}

static void print_report(const plan *p, const eval *answer, eval **sens, const int *dir, const size_t *var,
                         size_t n_sens, const char *desc, double secs)
{
    printf("plan %s: %zu points evaluated in %zu steps, %zu runs (%zu seeds each) on %s: %zu ran, %zu resumed, "
           "%zu failed, %.1f s\n",
           p->st.name, p->n_evals, p->steps, p->n_evals * p->st.n_seeds, p->st.n_seeds, desc, p->ran, p->resumed,
           p->failed_runs, secs);
    if (!answer) {
        printf("  no point in the ranges meets every constraint\n");
        return;
    }
    print_eval_line(p, answer, "  answer     ");
    printf("  objective  %s %s = %.6g", p->maximize ? "maximize" : "minimize", p->objective.text, answer->obj.mean);
    if (!isnan(answer->obj.half)) printf(" ± %.3g", answer->obj.half);
    printf("\n");
    for (size_t c = 0; c < p->n_cons; c++) {
        printf("  constraint %s: %.6g", p->cons[c].text, answer->con[c].mean);
        if (!isnan(answer->con[c].half)) printf(" (%.0f%% interval %.6g .. %.6g)", p->st.confidence * 100,
                                                answer->con[c].lo, answer->con[c].hi);
        printf("\n");
    }
    for (size_t i = 0; i < n_sens; i++) {
        const eval *e = sens[i];
        printf("  %s %+d -> %-12s %-10s objective %+.4g", i ? "          " : "sensitivity", dir[i],
               p->vars[var[i]].label[e->idx[var[i]]], state_name(e->state), e->obj.mean - answer->obj.mean);
        for (size_t c = 0; c < p->n_cons; c++) printf(", %s %.4g", p->cons[c].m.text, e->con[c].mean);
        printf("\n");
    }
    printf("  outputs    %s/plan.json, evaluations.csv, pareto.csv, sensitivity.csv, charts/\n", p->st.out_dir);
}

static void plan_fini(plan *p)
{
    for (size_t i = 0; i < p->n_evals; i++) free_eval(p->evals[i], p->st.n_seeds);
    free(p->evals);
    for (size_t v = 0; v < p->n_vars; v++) aidc_axis_fini(&p->vars[v]);
    aidc_study_fini(&p->st);
}

int aidc_cmd_plan(int argc, char **argv)
{
    plan p;
    memset(&p, 0, sizeof p);
    int rc = aidc_study_open(&p.st, "plan", argc, argv, aidc_plan_usage, &p.pool);
    if (rc >= 0) return rc;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (read_plan(&p) || aidc_study_mkdirs(&p.st)) {
        fprintf(stderr, "aidcsim: %s\n", p.st.err);
        aidc_pool_close(p.pool);
        plan_fini(&p);
        return 2;
    }
    eval *answer = NULL, *sens[2 * MAX_VARS];
    int dir[2 * MAX_VARS];
    size_t var[2 * MAX_VARS], n_sens = 0;
    rc = search(&p, &answer);
    if (rc == 0 && answer) rc = sensitivity(&p, answer, sens, dir, var, &n_sens);
    char desc[64];
    snprintf(desc, sizeof desc, "%s", aidc_pool_describe(p.pool));
    aidc_pool_close(p.pool);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc) {
        /* a metric missing from summary.json: the plan file names it */
        fprintf(stderr, "aidcsim: %s: %s\n", p.st.file, p.error);
        plan_fini(&p);
        return 2;
    }
    if (write_outputs(&p, answer, sens, dir, var, n_sens)) {
        fprintf(stderr, "aidcsim: %s\n", p.st.err[0] ? p.st.err : "cannot write the plan's outputs");
        plan_fini(&p);
        return 3;
    }
    if (!p.st.quiet)
        print_report(&p, answer, sens, dir, var, n_sens, desc,
                     (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
    if (p.failed_runs)
        fprintf(stderr, "aidcsim plan: %zu runs failed (see %s/evaluations.csv)\n", p.failed_runs, p.st.out_dir);
    rc = answer ? 0 : 1;
    plan_fini(&p);
    return rc;
}
