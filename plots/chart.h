/* chart — one reusable chart layer: axes, scales, series and legend, laid
 * out in a rectangle of a canvas. Every chart of the report is a filled-in
 * aidc_chart; none draws its own axes.
 *
 * The layer is retained: the caller fills a struct (axes, up to
 * AIDC_CHART_MAX_SERIES series pointing at its own arrays, an optional
 * heatmap), then aidc_chart_render measures the labels, sizes the margins,
 * picks as many ticks as fit without touching (labels are measured with
 * aidc_text_width), and draws. Domains left as NAN come from the data.
 * Line series are reduced per pixel column with M4 before drawing (scale.h),
 * so a month of 1-minute samples draws as ~4 points per pixel and every peak
 * stays visible.
 *
 * Colours: the Okabe-Ito palette (Okabe and Ito, "Color Universal Design
 * (CUD): how to make figures and presentations that are friendly to colorblind
 * people", 2002/2008, https://jfly.uni-koeln.de/color/), distinguishable with
 * the common colour-vision deficiencies; heatmaps use the 9-stop viridis ramp
 * (van der Walt and Smith, matplotlib 1.5, 2015), perceptually uniform and
 * readable in grey. Callers give each quantity one colour and keep it in
 * every chart (report.c holds that table).
 * Units: pixels for geometry; data in the caller's units. */
#ifndef AIDC_PLOTS_CHART_H
#define AIDC_PLOTS_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "plots/canvas.h"

#define AIDC_CHART_MAX_SERIES 24

/* Okabe-Ito */
#define AIDC_OI_BLACK 0x000000u
#define AIDC_OI_ORANGE 0xe69f00u
#define AIDC_OI_SKY 0x56b4e9u
#define AIDC_OI_GREEN 0x009e73u
#define AIDC_OI_YELLOW 0xf0e442u
#define AIDC_OI_BLUE 0x0072b2u
#define AIDC_OI_VERMILLION 0xd55e00u
#define AIDC_OI_PURPLE 0xcc79a7u
#define AIDC_GREY 0x999999u

/* The i-th colour for categories without a fixed colour (tenants,
 * scenarios): blue, orange, green, vermillion, purple, sky, yellow, black,
 * then around again. */
uint32_t aidc_palette(size_t i);

/* Viridis at t in [0, 1] (clamped). */
uint32_t aidc_viridis(double t);

typedef enum {
    AIDC_AXIS_LINEAR,
    AIDC_AXIS_TIME,     /* a duration in seconds, ticks in s/min/h/d */
    AIDC_AXIS_LOG_TIME, /* a duration in seconds on a log scale */
    AIDC_AXIS_CATEGORY  /* named bands: bars, heatmap rows */
} aidc_axis_kind;

typedef enum {
    AIDC_SI_NONE,  /* labels as numbers */
    AIDC_SI_TITLE, /* one prefix for the axis, in its title: "Power (kW)" */
    AIDC_SI_LABEL  /* the prefix in every label: "250k" */
} aidc_si_mode;

typedef struct aidc_axis {
    aidc_axis_kind kind;
    const char *title; /* "Power"; the unit follows in parentheses */
    const char *unit;  /* "W", "%", "jobs", "USD"...; NULL or "" for none */
    aidc_si_mode si;
    double mul;                    /* labels show value * mul (100 for a fraction in %); 0 = 1 */
    const char *label_prefix;      /* before each label, e.g. "$"; NULL for none */
    double lo, hi;                 /* the domain; NAN: from the data */
    bool zero;                     /* a domain from the data includes 0 */
    const char *const *categories; /* AIDC_AXIS_CATEGORY */
    size_t n_categories;
    bool hide_labels; /* no tick labels (a shared legend names the categories) */
} aidc_axis;

typedef enum {
    AIDC_SERIES_LINE,  /* x, y */
    AIDC_SERIES_STEP,  /* x, y, each value held until the next x */
    AIDC_SERIES_AREA,  /* filled between base (or 0) and y: a layer of a stack */
    AIDC_SERIES_HLINE, /* a level across the plot: a cap or a limit */
    AIDC_SERIES_BAND,  /* a shaded x range [x0, x1] over the whole height */
    AIDC_SERIES_BARS,  /* one value per category; several BARS series group */
    AIDC_SERIES_POINTS /* x, y: a square marker of side width (0 = 6 px) at each point, any order */
} aidc_series_kind;

typedef struct aidc_series {
    aidc_series_kind kind;
    const char *label; /* legend text; NULL: not in the legend */
    uint32_t rgb;
    int axis;     /* the value axis: 0 left (or bottom for horizontal bars), 1 right */
    double width; /* line width, px; 0 = 1.5 */
    aidc_dash dash;
    const double *x, *y; /* n points, x ascending; BARS: y[i] for category i */
    size_t n;
    const double *base;             /* AREA: lower edge at each point; NULL: zero */
    double value;                   /* HLINE */
    double x0, x1;                  /* BAND */
    const uint32_t *rgbs;           /* BARS: a colour per category; NULL: rgb for all */
    bool value_labels;              /* BARS: print each bar's value at its end */
    const char *const *value_texts; /* BARS: the text for each bar instead of its value
                                       (NULL entries fall back to the value) */
} aidc_series;

typedef struct aidc_heatmap {
    const double *z; /* ny rows x nx columns, row-major; row i is category i of the y axis */
    size_t nx, ny;
    const double *x;   /* nx + 1 column edges on the x axis */
    const char *title; /* colour bar title, e.g. "Rack IT power" */
    const char *unit;  /* SI unit of z, e.g. "W" */
} aidc_heatmap;

typedef struct aidc_chart {
    const char *title;
    aidc_axis x, y, y2; /* y2 is drawn when a series uses axis 1 */
    aidc_series series[AIDC_CHART_MAX_SERIES];
    size_t n_series;
    const aidc_heatmap *heat; /* drawn under the series; x and y axes as given */
    const char *empty_note;   /* shown when nothing has data; NULL: "no data" */
} aidc_chart;

/* An empty chart with linear axes and NAN domains. */
void aidc_chart_init(aidc_chart *ch, const char *title);

/* Appends a series (copied; its arrays are not) and returns it for further
 * settings, or NULL when the chart is full. */
aidc_series *aidc_chart_add(aidc_chart *ch, aidc_series_kind kind, const char *label, uint32_t rgb,
                            int axis);

/* Draws the chart into the rectangle (x, y, w, h) of the canvas. Returns 0,
 * or -1 when out of memory (the canvas then holds a partial chart). */
int aidc_chart_render(const aidc_chart *ch, aidc_canvas *cv, double x, double y, double w,
                      double h);

/* A legend row by itself (for a figure of several charts): entries of n
 * labels and colours as squares, wrapped within width from (x, y). Returns
 * the height it took. */
double aidc_chart_legend(aidc_canvas *cv, double x, double y, double width,
                         const char *const *labels, const uint32_t *rgbs, size_t n);

#endif
