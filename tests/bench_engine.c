/* bench_engine — ns per event of the bare event queue under the classic hold
 * model: pop the earliest event, call its handler through the dispatch table,
 * push a new event at t + Exp(1 s). Run at 10^3, 10^5 and 10^6 pending events.
 *
 * The Exp(1) draws come from a table of 65,536 GSL draws made before timing,
 * so the figure is the queue's cost, not the RNG's; the RNG's own cost per
 * draw is printed alongside. Prints a median of 5 repetitions. */
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
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
    size_t ops = pending * 20 > 4000000 ? pending * 20 : 4000000;
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

int main(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 42);
    int64_t *gaps = malloc(TABLE * sizeof *gaps);
    double t0 = now_s();
    for (size_t i = 0; i < TABLE; i++) gaps[i] = (int64_t)(gsl_ran_exponential(rng, 1.0) * 1e9);
    double rng_ns = (now_s() - t0) * 1e9 / TABLE;

    const size_t sizes[] = {1000, 100000, 1000000};
    printf("engine hold model (4-ary heap, 16-byte entries), median of 5 runs\n");
    printf("%12s %12s %12s %12s\n", "pending", "ns/event", "min", "max");
    for (size_t s = 0; s < 3; s++) {
        double r[5];
        for (int k = 0; k < 5; k++) r[k] = hold_ns_per_event(sizes[s], gaps, rng);
        qsort(r, 5, sizeof r[0], cmp_double);
        printf("%12zu %12.1f %12.1f %12.1f\n", sizes[s], r[2], r[0], r[4]);
    }
    printf("(GSL Exp(1) draw, mt19937: %.1f ns each, not included above)\n", rng_ns);
    free(gaps);
    gsl_rng_free(rng);
    return handled == 0;
}
