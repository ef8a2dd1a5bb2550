/* strbuf — see strbuf.h. */
#include "plots/strbuf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void grow(aidc_strbuf *b, size_t need)
{
    if (b->oom || b->len + need + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + need + 1)
        cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return;
    }
    b->s = s;
    b->cap = cap;
}

void aidc_strbuf_put(aidc_strbuf *b, const char *s, size_t n)
{
    grow(b, n);
    if (b->oom) return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void aidc_strbuf_puts(aidc_strbuf *b, const char *s)
{
    aidc_strbuf_put(b, s, strlen(s));
}

void aidc_strbuf_printf(aidc_strbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        aidc_strbuf_put(b, small, (size_t)n);
        return;
    }
    grow(b, (size_t)n);
    if (b->oom) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

void aidc_strbuf_num(aidc_strbuf *b, double v)
{
    /* integer arithmetic on hundredths: exact, and much faster than "%.2f",
     * which matters for paths of thousands of points */
    if (!isfinite(v) || fabs(v) >= 9e15) v = 0;
    long long h = llround(v * 100);
    char t[32], *p = t + sizeof t;
    bool neg = h < 0;
    unsigned long long a = neg ? (unsigned long long)(-h) : (unsigned long long)h;
    unsigned frac = (unsigned)(a % 100);
    a /= 100;
    if (frac) {
        if (frac % 10) {
            *--p = (char)('0' + frac % 10);
            *--p = (char)('0' + frac / 10);
        } else {
            *--p = (char)('0' + frac / 10);
        }
        *--p = '.';
    }
    do {
        *--p = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    if (neg) *--p = '-';
    aidc_strbuf_put(b, p, (size_t)(t + sizeof t - p));
}

void aidc_strbuf_escaped(aidc_strbuf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *rep = *s == '<'    ? "&lt;"
                          : *s == '>'  ? "&gt;"
                          : *s == '&'  ? "&amp;"
                          : *s == '"'  ? "&quot;"
                          : *s == '\'' ? "&#39;"
                                       : NULL;
        if (!rep) continue;
        aidc_strbuf_put(b, run, (size_t)(s - run));
        aidc_strbuf_puts(b, rep);
        run = s + 1;
    }
    aidc_strbuf_put(b, run, (size_t)(s - run));
}

void aidc_strbuf_fini(aidc_strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}
