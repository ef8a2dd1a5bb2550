/* canvas — Cairo and SVG backends; see canvas.h. */
#include "plots/canvas.h"

#include "plots/strbuf.h"

#include <assert.h>
#include <cairo-pdf.h>
#include <cairo.h>
#include <errno.h>
#include <fontconfig/fontconfig.h>
#include <math.h>
#include <png.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_FAMILY "DejaVu Sans"
#define SVG_FONTS "DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif"

/* ---- the canvas --------------------------------------------------------- */

struct aidc_canvas {
    aidc_canvas_kind kind;
    double width, height;
    char prefix[48];
    /* SVG */
    aidc_strbuf doc, path;
    bool finished, clipped;
    int clip_id;
    /* Cairo */
    cairo_surface_t *surface;
    cairo_t *cr;
    aidc_strbuf pdf; /* the PDF stream, collected in memory until written */
};

static cairo_status_t pdf_sink(void *closure, const unsigned char *data, unsigned int len)
{
    aidc_strbuf *b = closure;
    aidc_strbuf_put(b, (const char *)data, len);
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
        aidc_strbuf_printf(&c->doc,
                           "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" "
                           "viewBox=\"0 0 %g %g\" font-family=\"" SVG_FONTS "\" role=\"img\">\n",
                           width, height, width, height);
        return c->doc.oom ? (aidc_canvas_destroy(c), NULL) : c;
    }
    if (kind == AIDC_CANVAS_PNG)
        c->surface =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)ceil(width), (int)ceil(height));
    else
        c->surface =
            cairo_pdf_surface_create_for_stream(pdf_sink, &c->pdf, width * 0.75, height * 0.75);
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
    /* shapes (not text) with Cairo's faster antialiasing: the charts look the
     * same and a run's charts take a fifth fewer instructions */
    cairo_set_antialias(c->cr, CAIRO_ANTIALIAS_FAST);
    cairo_set_source_rgb(c->cr, 1, 1, 1);
    cairo_paint(c->cr);
    return c;
}

void aidc_canvas_destroy(aidc_canvas *c)
{
    if (!c) return;
    if (c->cr) cairo_destroy(c->cr);
    if (c->surface) cairo_surface_destroy(c->surface);
    aidc_strbuf_fini(&c->doc);
    aidc_strbuf_fini(&c->path);
    aidc_strbuf_fini(&c->pdf);
    free(c);
}

void aidc_canvas_set_title(aidc_canvas *c, const char *title)
{
    if (c->kind == AIDC_CANVAS_SVG) {
        aidc_strbuf_puts(&c->doc, "<title>");
        aidc_strbuf_escaped(&c->doc, title);
        aidc_strbuf_puts(&c->doc, "</title>\n");
        aidc_strbuf_printf(&c->doc, "<rect width=\"%g\" height=\"%g\" fill=\"#ffffff\"/>\n",
                           c->width, c->height);
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
    aidc_strbuf_puts(&c->path, "M");
    aidc_strbuf_num(&c->path, x);
    aidc_strbuf_puts(&c->path, " ");
    aidc_strbuf_num(&c->path, y);
}

void aidc_canvas_line_to(aidc_canvas *c, double x, double y)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_line_to(c->cr, x, y);
        return;
    }
    aidc_strbuf_puts(&c->path, "L");
    aidc_strbuf_num(&c->path, x);
    aidc_strbuf_puts(&c->path, " ");
    aidc_strbuf_num(&c->path, y);
}

void aidc_canvas_close_path(aidc_canvas *c)
{
    if (c->kind != AIDC_CANVAS_SVG)
        cairo_close_path(c->cr);
    else
        aidc_strbuf_puts(&c->path, "Z");
}

void aidc_canvas_rect(aidc_canvas *c, double x, double y, double w, double h)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_rectangle(c->cr, x, y, w, h);
        return;
    }
    aidc_canvas_move_to(c, x, y);
    aidc_strbuf_puts(&c->path, "h");
    aidc_strbuf_num(&c->path, w);
    aidc_strbuf_puts(&c->path, "v");
    aidc_strbuf_num(&c->path, h);
    aidc_strbuf_puts(&c->path, "h");
    aidc_strbuf_num(&c->path, -w);
    aidc_strbuf_puts(&c->path, "Z");
}

static void svg_color(aidc_strbuf *b, const char *attr, uint32_t rgb)
{
    aidc_strbuf_printf(b, " %s=\"#%06x\"", attr, (unsigned)(rgb & 0xffffff));
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
    aidc_strbuf_puts(&c->doc, "<path d=\"");
    aidc_strbuf_put(&c->doc, c->path.s, c->path.len);
    aidc_strbuf_puts(&c->doc, "\"");
    svg_color(&c->doc, "fill", rgb);
    if (opacity < 1) {
        aidc_strbuf_puts(&c->doc, " fill-opacity=\"");
        aidc_strbuf_num(&c->doc, opacity);
        aidc_strbuf_puts(&c->doc, "\"");
    }
    aidc_strbuf_puts(&c->doc, "/>\n");
    c->path.len = 0;
}

void aidc_canvas_stroke(aidc_canvas *c, uint32_t rgb, double opacity, double width, aidc_dash dash)
{
    static const double dashed[] = {6, 4}, dotted[] = {1.5, 3};
    if (c->kind != AIDC_CANVAS_SVG) {
        set_rgb(c->cr, rgb, opacity);
        cairo_set_line_width(c->cr, width);
        cairo_set_line_join(c->cr, CAIRO_LINE_JOIN_BEVEL);
        if (dash == AIDC_DASH_DASHED)
            cairo_set_dash(c->cr, dashed, 2, 0);
        else if (dash == AIDC_DASH_DOTTED)
            cairo_set_dash(c->cr, dotted, 2, 0);
        else
            cairo_set_dash(c->cr, NULL, 0, 0);
        cairo_stroke(c->cr);
        return;
    }
    assert(!c->finished);
    if (c->path.len == 0) return;
    aidc_strbuf_puts(&c->doc, "<path d=\"");
    aidc_strbuf_put(&c->doc, c->path.s, c->path.len);
    aidc_strbuf_puts(&c->doc, "\" fill=\"none\"");
    svg_color(&c->doc, "stroke", rgb);
    aidc_strbuf_puts(&c->doc, " stroke-width=\"");
    aidc_strbuf_num(&c->doc, width);
    aidc_strbuf_puts(&c->doc, "\" stroke-linejoin=\"bevel\"");
    if (opacity < 1) {
        aidc_strbuf_puts(&c->doc, " stroke-opacity=\"");
        aidc_strbuf_num(&c->doc, opacity);
        aidc_strbuf_puts(&c->doc, "\"");
    }
    if (dash == AIDC_DASH_DASHED)
        aidc_strbuf_puts(&c->doc, " stroke-dasharray=\"6 4\"");
    else if (dash == AIDC_DASH_DOTTED)
        aidc_strbuf_puts(&c->doc, " stroke-dasharray=\"1.5 3\"");
    aidc_strbuf_puts(&c->doc, "/>\n");
    c->path.len = 0;
}

void aidc_canvas_text(aidc_canvas *c, double x, double y, const char *utf8, double size, int bold,
                      aidc_anchor anchor, int vertical, uint32_t rgb)
{
    assert(c && utf8 && size > 0);
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
    aidc_strbuf *b = &c->doc;
    aidc_strbuf_puts(b, "<text x=\"");
    aidc_strbuf_num(b, x);
    aidc_strbuf_puts(b, "\" y=\"");
    aidc_strbuf_num(b, y);
    aidc_strbuf_puts(b, "\" font-size=\"");
    aidc_strbuf_num(b, size);
    aidc_strbuf_puts(b, "\"");
    if (bold) aidc_strbuf_puts(b, " font-weight=\"bold\"");
    if (anchor == AIDC_ANCHOR_MIDDLE)
        aidc_strbuf_puts(b, " text-anchor=\"middle\"");
    else if (anchor == AIDC_ANCHOR_END)
        aidc_strbuf_puts(b, " text-anchor=\"end\"");
    if (vertical) {
        aidc_strbuf_puts(b, " transform=\"rotate(-90 ");
        aidc_strbuf_num(b, x);
        aidc_strbuf_puts(b, " ");
        aidc_strbuf_num(b, y);
        aidc_strbuf_puts(b, ")\"");
    }
    if ((rgb & 0xffffff) != 0) svg_color(b, "fill", rgb);
    aidc_strbuf_puts(b, ">");
    aidc_strbuf_escaped(b, utf8);
    aidc_strbuf_puts(b, "</text>\n");
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
    aidc_strbuf *b = &c->doc;
    aidc_strbuf_printf(b, "<clipPath id=\"%s-clip%d\"><rect x=\"", c->prefix, c->clip_id);
    aidc_strbuf_num(b, x);
    aidc_strbuf_puts(b, "\" y=\"");
    aidc_strbuf_num(b, y);
    aidc_strbuf_puts(b, "\" width=\"");
    aidc_strbuf_num(b, w);
    aidc_strbuf_puts(b, "\" height=\"");
    aidc_strbuf_num(b, h);
    aidc_strbuf_printf(b, "\"/></clipPath>\n<g clip-path=\"url(#%s-clip%d)\">\n", c->prefix,
                       c->clip_id);
    c->clipped = true;
}

void aidc_canvas_unclip(aidc_canvas *c)
{
    if (c->kind != AIDC_CANVAS_SVG) {
        cairo_restore(c->cr);
        return;
    }
    if (!c->clipped) return;
    aidc_strbuf_puts(&c->doc, "</g>\n");
    c->clipped = false;
}

const char *aidc_canvas_svg(aidc_canvas *c, size_t *len)
{
    if (c->kind != AIDC_CANVAS_SVG) return NULL;
    if (!c->finished) {
        aidc_canvas_unclip(c);
        aidc_strbuf_puts(&c->doc, "</svg>\n");
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

/* PNG through libpng rather than cairo_surface_write_to_png: the same image,
 * but zlib's fastest level and the "up" filter (charts are flat colour with
 * long runs, so this costs a few percent of size), which makes writing the
 * run's charts several times faster. */
static int write_png(aidc_canvas *c, const char *path, char *err, size_t errlen)
{
    cairo_surface_flush(c->surface);
    int w = cairo_image_surface_get_width(c->surface),
        h = cairo_image_surface_get_height(c->surface);
    int stride = cairo_image_surface_get_stride(c->surface);
    const unsigned char *data = cairo_image_surface_get_data(c->surface);
    FILE *f = fopen(path, "wb");
    if (!f) {
        snprintf(err, errlen, "%s: cannot write: %s", path, strerror(errno));
        return -1;
    }
    unsigned char *row = malloc((size_t)w * 3);
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!row || !png || !info) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(row);
        fclose(f);
        snprintf(err, errlen, "%s: write failed", path);
        return -1;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 1);
    png_set_filter(png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
    png_write_info(png, info);
    for (int y = 0; y < h; y++) {
        const uint32_t *px = (const uint32_t *)(const void *)(data + (size_t)y * (size_t)stride);
        for (int x = 0; x < w; x++) { /* CAIRO_FORMAT_RGB24: native-endian xRGB words */
            row[3 * x] = (unsigned char)(px[x] >> 16);
            row[3 * x + 1] = (unsigned char)(px[x] >> 8);
            row[3 * x + 2] = (unsigned char)px[x];
        }
        png_write_row(png, row);
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(row);
    if (fclose(f) != 0) {
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
    if (c->kind == AIDC_CANVAS_PNG) return write_png(c, path, err, errlen);
    cairo_surface_finish(c->surface); /* flushes the PDF into c->pdf */
    if (cairo_surface_status(c->surface) != CAIRO_STATUS_SUCCESS || c->pdf.oom) {
        snprintf(err, errlen, "%s: cannot write PDF: %s", path,
                 cairo_status_to_string(cairo_surface_status(c->surface)));
        return -1;
    }
    return write_bytes(path, c->pdf.s, c->pdf.len, err, errlen);
}

void aidc_canvas_release_fonts(void)
{
    cairo_debug_reset_static_data(); /* drops Cairo's font caches, which hold fontconfig's */
    FcFini();
}

/* ---- text metrics ------------------------------------------------------- */

/* DejaVu Sans 2.37 advance widths of U+0020..U+007E, in 1/1000 em, regular
 * then bold, as Cairo reports them with hinting off. */
static const unsigned short adv_regular[95] = {
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361,  318, 337, 636, 636, 636,
    636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632,
    575, 775, 752, 295, 295, 656, 557, 863, 748, 787, 603, 787, 695, 635,  611, 732, 684, 989, 685,
    611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635, 615, 352,  635, 634, 278, 278, 579,
    278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592,  525, 636, 337, 636, 838};
static const unsigned short adv_bold[95] = {
    348,  456, 521, 838, 696, 1002, 872, 306,  457, 457, 523, 838, 380, 415,  380, 365,
    696,  696, 696, 696, 696, 696,  696, 696,  696, 696, 400, 400, 838, 838,  838, 580,
    1000, 774, 762, 734, 830, 683,  683, 821,  837, 372, 372, 775, 637, 995,  837, 850,
    733,  850, 770, 720, 682, 812,  774, 1103, 771, 724, 725, 457, 365, 457,  838, 500,
    500,  675, 716, 593, 716, 678,  435, 716,  712, 343, 343, 665, 343, 1042, 712, 687,
    716,  716, 493, 595, 478, 712,  652, 924,  645, 652, 582, 712, 365, 712,  838};

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
        for (int k = 0; k < extra && (*p & 0xc0) == 0x80; k++, p++)
            cp = (cp << 6) | (*p & 0x3f);
        units += cp == 0xb0 || cp == 0x2013                   ? 500
                 : cp == 0xd7 || cp == 0x2264 || cp == 0x2265 ? 838
                 : cp == 0x2026                               ? 1000
                                                              : 636;
    }
    return units * size / 1000.0;
}
