/* place_chart — see place_chart.h. */
#include "sim/place_chart.h"

#include <stdio.h>

#include "plots/canvas.h"
#include "plots/chart.h"

int aidc_place_chart(const char *dir, const char *title, const char *const *names,
                     const int *colour_index, size_t n_series, const double *x, const double *y,
                     size_t np, char *err, size_t errlen)
{
    static const unsigned colours[] = {AIDC_OI_ORANGE, AIDC_OI_SKY, AIDC_OI_BLUE};
    /* left: the whole curve; right: from 80% arrived demand on (or the last fifth), where
     * the strategies part, with the value axis fitted to the data */
    aidc_chart ch[2];
    size_t from = np > 100 ? 80 : np * 4 / 5;
    for (int c = 0; c < 2; c++) {
        aidc_chart_init(&ch[c], c == 0 ? title : "From 80% of capacity on");
        ch[c].x.title = "Arrived GPU demand";
        ch[c].x.unit = "% of capacity";
        ch[c].y.title = "GPU allocation ratio";
        ch[c].y.unit = "%";
        ch[c].x.lo = c == 0 ? 0 : x[from];
        if (c == 0) {
            ch[c].y.lo = 0;
            ch[c].y.hi = 100;
        }
        for (size_t s = 0; s < n_series; s++) {
            aidc_series *se =
                aidc_chart_add(&ch[c], AIDC_SERIES_LINE, names[s], colours[colour_index[s] % 3], 0);
            se->x = c == 0 ? x : x + from;
            se->y = c == 0 ? &y[s * np] : &y[s * np + from];
            se->n = c == 0 ? np : np - from;
            se->width = 2;
        }
        if (c == 0) {
            aidc_series *cap = aidc_chart_add(&ch[c], AIDC_SERIES_HLINE, NULL, AIDC_GREY, 0);
            cap->value = 100;
            cap->dash = AIDC_DASH_DOTTED;
        }
    }
    int rc = 0;
    static const aidc_canvas_kind kinds[] = {AIDC_CANVAS_SVG, AIDC_CANVAS_PNG};
    static const char *const ext[] = {"svg", "png"};
    for (int k = 0; k < 2 && rc == 0; k++) {
        char path[4400];
        snprintf(path, sizeof path, "%s/charts/allocation.%s", dir, ext[k]);
        aidc_canvas *cv = aidc_canvas_create(kinds[k], 1200, 520, "allocation");
        if (!cv) {
            snprintf(err, errlen, "%s: cannot draw", path);
            return -1;
        }
        aidc_canvas_set_title(cv, title);
        if (aidc_chart_render(&ch[0], cv, 0, 0, 620, 520) ||
            (np - from >= 2 && aidc_chart_render(&ch[1], cv, 620, 0, 580, 520)) ||
            aidc_canvas_write(cv, path, err, errlen))
            rc = -1;
        aidc_canvas_destroy(cv);
    }
    aidc_canvas_release_fonts();
    return rc;
}
