/* bench_engine — ns per event of the bare event queue under the classic hold
 * model: pop the earliest event, call its handler through the dispatch table,
 * push a new event at t + Exp(1 s). Run at 10^3, 10^5 and 10^6 pending events.
 *
 * The Exp(1) draws come from a table of 65,536 GSL draws made before timing,
 * so the figure is the queue's cost, not the RNG's; the RNG's own cost per
 * draw is printed alongside. Prints a median of 5 repetitions.
 *
 * This machine's speed drifts by tens of percent between minutes, so the
 * same loop also runs on a textbook 4-ary heap (24-byte entries holding the
 * payload, branchy comparisons), interleaved with ours: the ratio between
 * the two is the figure that stays put. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/eventq.h"

#define TABLE 65536u

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- the textbook heap, for the ratio ---- */
typedef struct naive_ev {
    int64_t t;
    uint64_t seq;
    uint32_t type;
    uint64_t arg;
} naive_ev;

static bool naive_lt(const naive_ev *a, const naive_ev *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void naive_push(naive_ev *h, size_t *n, naive_ev e)
{
    size_t i = (*n)++;
    while (i > 0) {
        size_t p = (i - 1) / 4;
        if (!naive_lt(&e, &h[p])) break;
        h[i] = h[p];
        i = p;
    }
    h[i] = e;
}

static naive_ev naive_pop(naive_ev *h, size_t *n)
{
    naive_ev top = h[0], last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 4 * i + 1, best = c;
        if (c >= *n) break;
        for (size_t k = c + 1; k < c + 4 && k < *n; k++)
            if (naive_lt(&h[k], &h[best])) best = k;
        if (!naive_lt(&h[best], &last)) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = last;
    return top;
}

static uint64_t handled;
static void on_event(uint64_t arg) { handled += arg; }
static void (*const handlers[1])(uint64_t) = {on_event};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double hold_ns_per_event(size_t pending, const int64_t *gaps, gsl_rng *rng)
{
    aidc_eventq q;
    if (aidc_eventq_init(&q, pending)) abort();
    for (size_t i = 0; i < pending; i++)
        aidc_eventq_push(&q, (int64_t)(gsl_ran_exponential(rng, 1.0) * 1e9), 0, 0, 1);
    size_t ops = 4000000;
    /* warm up so the heap shape is the steady-state one */
    aidc_event ev;
    for (size_t i = 0; i < pending; i++) {
        aidc_eventq_pop(&q, &ev);
        aidc_eventq_push(&q, ev.time_ns + gaps[i & (TABLE - 1)], 0, ev.type, ev.arg);
    }
    double t0 = now_s();
    for (size_t i = 0; i < ops; i++) {
        aidc_eventq_pop(&q, &ev);
        handlers[ev.type](ev.arg);
        aidc_eventq_push(&q, ev.time_ns + gaps[i & (TABLE - 1)], 0, ev.type, ev.arg);
    }
    double dt = now_s() - t0;
    aidc_eventq_fini(&q);
    return dt * 1e9 / (double)ops;
}

static double naive_ns_per_event(size_t pending, const int64_t *gaps, gsl_rng *rng)
{
    naive_ev *h = malloc(pending * sizeof *h);
    size_t n = 0;
    uint64_t seq = 0;
    if (!h) abort();
    for (size_t i = 0; i < pending; i++)
        naive_push(h, &n, (naive_ev){(int64_t)(gsl_ran_exponential(rng, 1.0) * 1e9), seq++, 0, 1});
    size_t ops = 4000000;
    for (size_t i = 0; i < pending; i++) {
        naive_ev e = naive_pop(h, &n);
        naive_push(h, &n, (naive_ev){e.t + gaps[i & (TABLE - 1)], seq++, e.type, e.arg});
    }
    double t0 = now_s();
    for (size_t i = 0; i < ops; i++) {
        naive_ev e = naive_pop(h, &n);
        handlers[e.type](e.arg);
        naive_push(h, &n, (naive_ev){e.t + gaps[i & (TABLE - 1)], seq++, e.type, e.arg});
    }
    double dt = now_s() - t0;
    free(h);
    return dt * 1e9 / (double)ops;
}

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    int64_t *gaps = malloc(TABLE * sizeof *gaps);
    double t0 = now_s();
    for (size_t i = 0; i < TABLE; i++) gaps[i] = (int64_t)(gsl_ran_exponential(rng, 1.0) * 1e9);
    double rng_ns = (now_s() - t0) * 1e9 / TABLE;

    const size_t sizes[] = {1000, 100000, 1000000};
    printf("engine hold model: ns/event, median of 5 runs (each run interleaves both heaps)\n");
    printf("%10s %12s %10s %10s %14s %8s\n", "pending", "aidcsim", "min", "max", "textbook", "ratio");
    for (size_t s = 0; s < 3; s++) {
        double r[5], b[5], ratio[5];
        for (int k = 0; k < 5; k++) {
            r[k] = hold_ns_per_event(sizes[s], gaps, rng);
            b[k] = naive_ns_per_event(sizes[s], gaps, rng);
            ratio[k] = r[k] / b[k];
        }
        qsort(r, 5, sizeof r[0], cmp_double);
        qsort(b, 5, sizeof b[0], cmp_double);
        qsort(ratio, 5, sizeof ratio[0], cmp_double);
        printf("%10zu %12.1f %10.1f %10.1f %14.1f %8.2f\n", sizes[s], r[2], r[0], r[4], b[2],
               ratio[2]);
    }
    printf("(GSL Exp(1) draw, mt19937: %.1f ns each, not included above)\n", rng_ns);
    free(gaps);
    gsl_rng_free(rng);
    return handled == 0;
}
