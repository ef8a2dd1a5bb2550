/* strbuf — a growable text buffer for the SVG writer and the HTML report.
 * Out of memory is sticky: appends become no-ops and `oom` stays set, so a
 * writer checks once at the end instead of after every append. */
#ifndef AIDC_PLOTS_STRBUF_H
#define AIDC_PLOTS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aidc_strbuf {
    char *s; /* NUL-terminated once anything was appended; NULL before */
    size_t len, cap;
    bool oom;
} aidc_strbuf;

void aidc_strbuf_put(aidc_strbuf *b, const char *s, size_t n);
void aidc_strbuf_puts(aidc_strbuf *b, const char *s);
void aidc_strbuf_printf(aidc_strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A number with at most two decimals and no trailing zeros ("12.5", "3",
 * "-0.25"); non-finite prints 0. Byte-stable across machines. */
void aidc_strbuf_num(aidc_strbuf *b, double v);

/* s with <, >, &, " and ' escaped for XML and HTML text and attributes. */
void aidc_strbuf_escaped(aidc_strbuf *b, const char *s);

/* Frees the text; the buffer is empty and usable again. */
void aidc_strbuf_fini(aidc_strbuf *b);

#endif
