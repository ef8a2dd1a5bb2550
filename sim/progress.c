/* progress — see progress.h. */
#include "sim/progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void fmt_time(char *buf, size_t n, double s)
{
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

void aidc_progress_begin(aidc_progress *p, const char *title, const char *unit, double total,
                         bool enabled)
{
    *p = (aidc_progress){enabled && isatty(STDERR_FILENO), title, unit, 0, total, now_s(), 0};
    aidc_progress_update(p, 0, true);
}

void aidc_progress_update(aidc_progress *p, double done, bool force)
{
    p->done = done;
    if (!p->on) return;
    double t = now_s();
    if (!force && t - p->last < 0.2) return;
    p->last = t;
    enum { WIDTH = 24 };
    char bar[WIDTH + 1];
    double f = p->total > 0 ? p->done / p->total : 1;
    if (f > 1) f = 1;
    size_t fill = (size_t)(f * WIDTH);
    for (size_t i = 0; i < WIDTH; i++) bar[i] = i < fill ? '#' : '.';
    bar[WIDTH] = '\0';
    char el[32], eta[32] = "?", amount[64];
    fmt_time(el, sizeof el, t - p->t0);
    if (f > 0) fmt_time(eta, sizeof eta, (t - p->t0) / f * (1 - f));
    if (p->unit) snprintf(amount, sizeof amount, "%.0f/%.0f %s", p->done, p->total, p->unit);
    else snprintf(amount, sizeof amount, "%3.0f%%", 100 * f);
    fprintf(stderr, "\r\033[K%s [%s] %s, %s elapsed, ETA %s", p->title, bar, amount, el, eta);
    fflush(stderr);
}

void aidc_progress_clear(aidc_progress *p)
{
    if (!p->on) return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
}
