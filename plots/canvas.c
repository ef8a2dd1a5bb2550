/* canvas — Cairo and SVG backends; see canvas.h. */
#include "plots/canvas.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans"
#define SVG_FONTS "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"

/* ---- a growable text buffer --------------------------------------------- */

typedef struct sbuf {
    char *s;
    size_t len, cap;
    bool oom;
} sbuf;

static void sb_grow(sbuf *b, size_t need)
{
    if (b->oom || b->len + need + 1 <= b->cap) return;
    size_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + need + 1) cap *= 2;
    char *s = realloc(b->s, cap);
    if (!s) {
        b->oom = true;
        return;
    }
    b->s = s;
    b->cap = cap;
}

static void sb_put(sbuf *b, const char *s, size_t n)
{
    sb_grow(b, n);
    if (b->oom) return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        sb_put(b, small, (size_t)n);
        return;
    }
    sb_grow(b, (size_t)n);
    if (b->oom) return;
    va_start(ap, fmt);
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

/* A coordinate with at most two decimals and no trailing zeros: byte-stable
 * and short. */
static void sb_num(sbuf *b, double v)
{
    char t[48];
    if (!isfinite(v)) v = 0;
    snprintf(t, sizeof t, "%.2f", v);
    char *e = t + strlen(t) - 1;
    while (*e == '0') *e-- = '\0';
    if (*e == '.') *e = '\0';
    if (strcmp(t, "-0") == 0) snprintf(t, sizeof t, "0");
    sb_put(b, t, strlen(t));
}

static void sb_escaped(sbuf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': sb_put(b, "&lt;", 4); break;
        case '>': sb_put(b, "&gt;", 4); break;
        case '&': sb_put(b, "&amp;", 5); break;
        case '"': sb_put(b, "&quot;", 6); break;
        default: sb_put(b, s, 1);
        }
    }
}

/* ---- the canvas --------------------------------------------------------- */

struct aidc_canvas {
    aidc_canvas_kind kind;
    double width, height;
    char prefix[48];
    /* SVG */
    sbuf doc, path;
    bool finished, clipped;
    int clip_id;
    /* Cairo */
    cairo_surface_t *surface;
    cairo_t *cr;
    sbuf pdf; /* the PDF stream, collected in memory until written */
};

static cairo_status_t pdf_sink(void *closure, const unsigned char *data, unsigned int len)
{
    sbuf *b = closure;
    sb_put(b, (const char *)data, len);
    return b->oom ? CAIRO_STATUS_NO_MEMORY : CAIRO_STATUS_SUCCESS;
}

aidc_canvas *aidc_canvas_create(aidc_canvas_kind kind, double width, double height,
                                const char *id_prefix)
{
    assert(width > 0 && height > 0);
    aidc_canvas *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->kind = kind;
    c->width = width;
    c->height = height;
    snprintf(c->prefix, sizeof c->prefix, "%s", id_prefix ? id_prefix : "c");
    if (kind == AIDC_CANVAS_SVG) {
        sb_printf(&c->doc, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
                           "viewBox=\"0 0 %g %g\" font-family=\"" SVG_FONTS "\" role=\"img\">\n",
                  width, height, width, height);
        return c->doc.oom ? (aidc_canvas_destroy(c), NULL) : c;
    }
    if (kind == AIDC_CANVAS_PNG)
        c->surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(width), (int)ceil(height));
    else
        c->surface = cairo_pdf_surface_create_for_stream(pdf_sink, &c->pdf, width * 0.75, height * 0.75);
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS) {
        aidc_canvas_destroy(c);
        return NULL;
    }
    c->cr = cairo_create(c->surface);
    if (cairo_status(c->cr) != CAIRO_STATUS_SUCCESS) {
        aidc_canvas_destroy(c);
        return NULL;
    }
    if (kind == AIDC_CANVAS_PDF) cairo_scale(c->cr, 0.75, 0.75); /* CSS px to PDF points */
    cairo_select_font_face(c->cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    return c;
}

void aidc_canvas_destroy(aidc_canvas *c)
{
    if (!c) return;
    if (c->cr) cairo_destroy(c->cr);
    if (c->surface) cairo_surface_destroy(c->surface);
    free(c->doc.s);
    free(c->path.s);
    free(c->pdf.s);
    free(c);
}

void aidc_canvas_set_title(aidc_canvas *c, const char *title)
{
    if (c->kind == AIDC_CANVAS_SVG) {
        sb_put(&c->doc, "<title>", 7);
        sb_escaped(&c->doc, title);
        sb_put(&c->doc, "</title>\n", 9);
        sb_printf(&c->doc, "<rect width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n", c->width,
                  c->height);
    } else if (c->kind == AIDC_CANVAS_PDF) {
        cairo_pdf_surface_set_metadata(c->surface, CAIRO_PDF_METADATA_TITLE, title);
    }
}

static void set_rgb(cairo_t *cr, uint32_t rgb, double opacity)
{
    cairo_set_source_rgba(cr, ((rgb >> 16) & 255) / 255.0, ((rgb >> 8) & 255) / 255.0,
                          (rgb & 255) / 255.0, opacity);
}

void aidc_canvas_move_to(aidc_canvas *c, double x, double y)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_move_to(c->cr, x, y);
        return;
    }
    sb_put(&c->path, "M", 1);
    sb_num(&c->path, x);
    sb_put(&c->path, " ", 1);
    sb_num(&c->path, y);
}

void aidc_canvas_line_to(aidc_canvas *c, double x, double y)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_line_to(c->cr, x, y);
        return;
    }
    sb_put(&c->path, "L", 1);
    sb_num(&c->path, x);
    sb_put(&c->path, " ", 1);
    sb_num(&c->path, y);
}

void aidc_canvas_close_path(aidc_canvas *c)
{
    if (c->kind != AIDC_CANVAS_SVG) cairo_close_path(c->cr);
    else sb_put(&c->path, "Z", 1);
}

void aidc_canvas_rect(aidc_canvas *c, double x, double y, double w, double h)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_rectangle(c->cr, x, y, w, h);
        return;
    }
    aidc_canvas_move_to(c, x, y);
    sb_put(&c->path, "h", 1);
    sb_num(&c->path, w);
    sb_put(&c->path, "v", 1);
    sb_num(&c->path, h);
    sb_put(&c->path, "h", 1);
    sb_num(&c->path, -w);
    sb_put(&c->path, "Z", 1);
}

static void svg_color(sbuf *b, const char *attr, uint32_t rgb)
{
    sb_printf(b, " %s=\"#%06x\"", attr, (unsigned)(rgb & 0xffffff));
}

void aidc_canvas_fill(aidc_canvas *c, uint32_t rgb, double opacity)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        set_rgb(c->cr, rgb, opacity);
        cairo_fill(c->cr);
        return;
    }
    assert(!c->finished);
    if (c->path.len == 0) return;
    sb_put(&c->doc, "<path d=\"", 9);
    sb_put(&c->doc, c->path.s, c->path.len);
    sb_put(&c->doc, "\"", 1);
    svg_color(&c->doc, "fill", rgb);
    if (opacity < 1) {
        sb_put(&c->doc, " fill-opacity=\"", 15);
        sb_num(&c->doc, opacity);
        sb_put(&c->doc, "\"", 1);
    }
    sb_put(&c->doc, "/>\n", 3);
    c->path.len = 0;
}

void aidc_canvas_stroke(aidc_canvas *c, uint32_t rgb, double opacity, double width,
                        aidc_dash dash)
{
    static const double dashed[] = {6, 4}, dotted[] = {1.5, 3};
    if (c->kind != AIDC_CANVAS_SVG) {
        set_rgb(c->cr, rgb, opacity);
        cairo_set_line_width(c->cr, width);
        cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_ROUND);
        if (dash == AIDC_DASH_DASHED) cairo_set_dash(c->cr, dashed, 2, 0);
        else if (dash == AIDC_DASH_DOTTED) cairo_set_dash(c->cr, dotted, 2, 0);
        else cairo_set_dash(c->cr, NULL, 0, 0);
        cairo_stroke(c->cr);
        return;
    }
    assert(!c->finished);
    if (c->path.len == 0) return;
    sb_put(&c->doc, "<path d=\"", 9);
    sb_put(&c->doc, c->path.s, c->path.len);
    sb_put(&c->doc, "\" fill=\"none\"", 13);
    svg_color(&c->doc, "stroke", rgb);
    sb_put(&c->doc, " stroke-width=\"", 15);
    sb_num(&c->doc, width);
    sb_put(&c->doc, "\" stroke-linejoin=\"round\"", 25);
    if (opacity < 1) {
        sb_put(&c->doc, " stroke-opacity=\"", 17);
        sb_num(&c->doc, opacity);
        sb_put(&c->doc, "\"", 1);
    }
    if (dash == AIDC_DASH_DASHED) sb_put(&c->doc, " stroke-dasharray=\"6 4\"", 23);
    else if (dash == AIDC_DASH_DOTTED) sb_put(&c->doc, " stroke-dasharray=\"1.5 3\"", 25);
    sb_put(&c->doc, "/>\n", 3);
    c->path.len = 0;
}

void aidc_canvas_text(aidc_canvas *c, double x, double y, const char *utf8, double size,
                      int bold, aidc_anchor anchor, int vertical, uint32_t rgb)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_t *cr = c->cr;
        cairo_save(cr);
        cairo_select_font_face(cr, FONT_FAMILY, CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, size);
        cairo_text_extents_t e;
        cairo_text_extents(cr, utf8, &e);
        double dx = anchor == AIDC_ANCHOR_MIDDLE ? -e.x_advance / 2
                    : anchor == AIDC_ANCHOR_END  ? -e.x_advance
                                                 : 0;
        cairo_translate(cr, x, y);
        if (vertical) cairo_rotate(cr, -1.57079632679489661923);
        cairo_move_to(cr, dx, 0);
        set_rgb(cr, rgb, 1);
        cairo_show_text(cr, utf8);
        cairo_restore(cr);
        return;
    }
    assert(!c->finished);
    sbuf *b = &c->doc;
    sb_put(b, "<text x=\"", 9);
    sb_num(b, x);
    sb_put(b, "\" y=\"", 5);
    sb_num(b, y);
    sb_put(b, "\" font-size=\"", 13);
    sb_num(b, size);
    sb_put(b, "\"", 1);
    if (bold) sb_put(b, " font-weight=\"bold\"", 19);
    if (anchor == AIDC_ANCHOR_MIDDLE) sb_put(b, " text-anchor=\"middle\"", 21);
    else if (anchor == AIDC_ANCHOR_END) sb_put(b, " text-anchor=\"end\"", 18);
    if (vertical) {
        sb_put(b, " transform=\"rotate(-90 ", 23);
        sb_num(b, x);
        sb_put(b, " ", 1);
        sb_num(b, y);
        sb_put(b, ")\"", 2);
    }
    if ((rgb & 0xffffff) != 0) svg_color(b, "fill", rgb);
    sb_put(b, ">", 1);
    sb_escaped(b, utf8);
    sb_put(b, "</text>\n", 8);
}

void aidc_canvas_clip(aidc_canvas *c, double x, double y, double w, double h)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_save(c->cr);
        cairo_rectangle(c->cr, x, y, w, h);
        cairo_clip(c->cr);
        return;
    }
    assert(!c->clipped && !c->finished);
    c->clip_id++;
    sbuf *b = &c->doc;
    sb_printf(b, "<clipPath id=\"%s-clip%d\"><rect x=\"", c->prefix, c->clip_id);
    sb_num(b, x);
    sb_put(b, "\" y=\"", 5);
    sb_num(b, y);
    sb_put(b, "\" width=\"", 9);
    sb_num(b, w);
    sb_put(b, "\" height=\"", 10);
    sb_num(b, h);
    sb_printf(b, "\"/></clipPath>\n<g clip-path=\"url(#%s-clip%d)\">\n", c->prefix, c->clip_id);
    c->clipped = true;
}

void aidc_canvas_unclip(aidc_canvas *c)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_restore(c->cr);
        return;
    }
    if (!c->clipped) return;
    sb_put(&c->doc, "</g>\n", 5);
    c->clipped = false;
}

const char *aidc_canvas_svg(aidc_canvas *c, size_t *len)
{
    if (c->kind != AIDC_CANVAS_SVG) return NULL;
    if (!c->finished) {
        aidc_canvas_unclip(c);
        sb_put(&c->doc, "</svg>\n", 7);
        c->finished = true;
    }
    if (c->doc.oom) return NULL;
    if (len) *len = c->doc.len;
    return c->doc.s;
}

static int write_bytes(const char *path, const char *data, size_t n, char *err, size_t errlen)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    size_t put = fwrite(data, 1, n, f);
    int bad = put != n || ferror(f);
    if (fclose(f) != 0 || bad) {
        snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int aidc_canvas_write(aidc_canvas *c, const char *path, char *err, size_t errlen)
{
    if (c->kind == AIDC_CANVAS_SVG) {
        size_t n;
        const char *s = aidc_canvas_svg(c, &n);
        if (!s) {
            snprintf(err, errlen, "%s: out of memory", path);
            return -1;
        }
        return write_bytes(path, s, n, err, errlen);
    }
    if (c->kind == AIDC_CANVAS_PNG) {
        cairo_surface_flush(c->surface);
        cairo_status_t st = cairo_surface_write_to_png(c->surface, path);
        if (st != CAIRO_STATUS_SUCCESS) {
            snprintf(err, errlen, "%s: cannot write PNG: %s", path, cairo_status_to_string(st));
            return -1;
        }
        return 0;
    }
    cairo_surface_finish(c->surface); /* flushes the PDF into c->pdf */
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS || c->pdf.oom) {
        snprintf(err, errlen, "%s: cannot write PDF: %s", path,
                 cairo_status_to_string(cairo_surface_status(c->surface)));
        return -1;
    }
    return write_bytes(path, c->pdf.s, c->pdf.len, err, errlen);
}

/* ---- text metrics ------------------------------------------------------- */

/* DejaVu Sans 2.37 advance widths of U+0020..U+007E, in 1/1000 em, regular
 * then bold, as Cairo reports them with hinting off. */
static const unsigned short adv_regular[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838};
static const unsigned short adv_bold[95] = {
    348, 456, 521, 838, 696, 1002, 872, 306, 457, 457, 523, 838, 380, 415, 380, 365,
    696, 696, 696, 696, 696, 696, 696, 696, 696, 696, 400, 400, 838, 838, 838, 580,
    1000, 774, 762, 734, 830, 683, 683, 821, 837, 372, 372, 775, 637, 995, 837, 850,
    733, 850, 770, 720, 682, 812, 774, 1103, 771, 724, 725, 457, 365, 457, 838, 500,
    500, 675, 716, 593, 716, 678, 435, 716, 712, 343, 343, 665, 343, 1042, 712, 687,
    716, 716, 493, 595, 478, 712, 652, 924, 645, 652, 582, 712, 365, 712, 838};

double aidc_text_width(const char *utf8, double size, int bold)
{
    const unsigned short *adv = bold ? adv_bold : adv_regular;
    double units = 0;
    const unsigned char *p = (const unsigned char *)utf8;
    while (*p) {
        if (*p >= 32 && *p < 127) {
            units += adv[*p - 32];
            p++;
            continue;
        }
        /* outside ASCII: decode one code point; the few this program prints
         * (degree, micro, minus-like dashes, multiplication) are about this wide */
        unsigned cp = 0;
        int extra = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : 0;
        cp = extra ? (*p & (0x3f >> extra)) : *p;
        p++;
        for (int k = 0; k < extra && (*p & 0xc0) == 0x80; k++, p++) cp = (cp << 6) | (*p & 0x3f);
        units += cp == 0xb0 || cp == 0x2013 ? 500 : cp == 0xd7 || cp == 0x2264 || cp == 0x2265 ? 838
                 : cp == 0x2026                                                            ? 1000
                                                                                           : 636;
    }
    return units * size / 1000.0;
}
