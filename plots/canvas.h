/* canvas — the one drawing interface the charts use, with two backends:
 * Cairo for PNG and PDF, and a direct SVG writer.
 *
 * Why not Cairo's own SVG surface: it turns every piece of text into glyph
 * outlines referenced by generated ids (glyph0-1, surface5 ...), so a chart's
 * SVG is large, its text cannot be searched or selected, ids collide when two
 * charts are inlined in one HTML page, and the bytes depend on the fonts of
 * the machine. The SVG writer here emits real <text> elements, coordinates
 * with two decimals, ids under a per-chart prefix, and nothing that depends
 * on time or machine: the same chart gives the same bytes everywhere, which
 * the golden tests rely on.
 *
 * Layout never asks a backend how wide a text is: aidc_text_width uses a
 * fixed table of DejaVu Sans advance widths (measured from the font with
 * Cairo at 1000 units per em, hinting off), so both backends place every
 * label at the same position on every machine. PNG text is drawn with DejaVu
 * Sans (Debian fonts-dejavu-core); an SVG viewer without it substitutes a
 * similar sans-serif font.
 *
 * Coordinates are CSS pixels, origin at the top left, y downwards. Colours
 * are 0xRRGGBB with a separate opacity. Text is UTF-8. */
#ifndef AIDC_PLOTS_CANVAS_H
#define AIDC_PLOTS_CANVAS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { AIDC_CANVAS_PNG, AIDC_CANVAS_SVG, AIDC_CANVAS_PDF } aidc_canvas_kind;

typedef enum { AIDC_ANCHOR_START, AIDC_ANCHOR_MIDDLE, AIDC_ANCHOR_END } aidc_anchor;

typedef enum { AIDC_DASH_NONE, AIDC_DASH_DASHED, AIDC_DASH_DOTTED } aidc_dash;

typedef struct aidc_canvas aidc_canvas;

/* A blank white canvas of width x height pixels. id_prefix (letters, digits
 * and '-') starts every SVG id, so charts inlined in one page do not share
 * ids. Returns NULL when out of memory or when Cairo cannot make the
 * surface. The caller destroys it. */
aidc_canvas *aidc_canvas_create(aidc_canvas_kind kind, double width, double height,
                                const char *id_prefix);
void aidc_canvas_destroy(aidc_canvas *c);

/* An accessible title (SVG <title>, PDF title); call once, before drawing. */
void aidc_canvas_set_title(aidc_canvas *c, const char *title);

/* The current path: subpaths of straight segments and rectangles. */
void aidc_canvas_move_to(aidc_canvas *c, double x, double y);
void aidc_canvas_line_to(aidc_canvas *c, double x, double y);
void aidc_canvas_close_path(aidc_canvas *c);
void aidc_canvas_rect(aidc_canvas *c, double x, double y, double w, double h);

/* Fill or stroke the current path, then clear it. */
void aidc_canvas_fill(aidc_canvas *c, uint32_t rgb, double opacity);
void aidc_canvas_stroke(aidc_canvas *c, uint32_t rgb, double opacity, double width, aidc_dash dash);

/* Text with its baseline at y; rotated by -90 degrees (reading upwards)
 * around (x, y) when vertical. */
void aidc_canvas_text(aidc_canvas *c, double x, double y, const char *utf8, double size, int bold,
                      aidc_anchor anchor, int vertical, uint32_t rgb);

/* Clip what follows to a rectangle until aidc_canvas_unclip. Not nested. */
void aidc_canvas_clip(aidc_canvas *c, double x, double y, double w, double h);
void aidc_canvas_unclip(aidc_canvas *c);

/* Writes the canvas to path: PNG, SVG or PDF by the canvas's kind. Returns 0,
 * or -1 with a message naming the file. The canvas stays usable. */
int aidc_canvas_write(aidc_canvas *c, const char *path, char *err, size_t errlen);

/* An SVG canvas's document (an <svg> element, no XML declaration, so it can
 * be inlined in HTML as it is); *len its length. NULL for other kinds or when
 * out of memory. Owned by the canvas. */
const char *aidc_canvas_svg(aidc_canvas *c, size_t *len);

/* Frees the font caches Cairo and fontconfig keep for the life of the
 * process (about 1 kB that leak checkers report), once no canvas is alive;
 * the next canvas loads them again (a few ms). Called after each report. */
void aidc_canvas_release_fonts(void);

/* The advance width of utf8 in DejaVu Sans at size px (bold or not). */
double aidc_text_width(const char *utf8, double size, int bold);

#endif
