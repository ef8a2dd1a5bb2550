/* CUnit suite for plots/: nice numbers and ticks, time and log-time ticks, SI,
 * money and duration labels, M4 downsampling, the SVG writer, label spacing
 * of a rendered chart, the results reader's messages, and the report's
 * determinism. */
#include <CUnit/CUnit.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plots/canvas.h"
#include "plots/chart.h"
#include "plots/compare.h"
#include "plots/report.h"
#include "plots/results.h"
#include "plots/scale.h"
#include "plots/strbuf.h"

#define NEAR(a, b) CU_ASSERT_DOUBLE_EQUAL((a), (b), 1e-9 * (fabs((double)(b)) + 1))

/* ---- nice numbers ------------------------------------------------------- */

static void test_nice_step(void)
{
    NEAR(aidc_nice_step(0, 1, 6), 0.2);
    NEAR(aidc_nice_step(0, 1, 11), 0.1);
    NEAR(aidc_nice_step(0, 100, 11), 10);
    NEAR(aidc_nice_step(0, 293, 6), 50);  /* 0..250: 6 ticks */
    NEAR(aidc_nice_step(0, 293, 5), 100); /* 50 would give 6 */
    NEAR(aidc_nice_step(-3, 7, 6), 2);    /* -2..6 */
    NEAR(aidc_nice_step(1.7, 1.86, 9), 0.02);
    NEAR(aidc_nice_step(0, 8e6, 5), 2e6);
    NEAR(aidc_nice_step(0, 3e-5, 4), 1e-5);
}

static void test_nice_domain(void)
{
    double lo = 0.117, hi = 0.293;
    aidc_nice_domain(&lo, &hi, 7);
    NEAR(lo, 0.1);
    NEAR(hi, 0.3);
    lo = 0;
    hi = 293119;
    aidc_nice_domain(&lo, &hi, 7);
    NEAR(lo, 0);
    NEAR(hi, 300000);
    lo = -4.2;
    hi = 9.9;
    aidc_nice_domain(&lo, &hi, 8);
    NEAR(lo, -5);
    NEAR(hi, 10);
    lo = hi = 0; /* empty: a unit range */
    aidc_nice_domain(&lo, &hi, 6);
    NEAR(lo, 0);
    NEAR(hi, 1);
    lo = hi = 5; /* one value: a range around it */
    aidc_nice_domain(&lo, &hi, 6);
    CU_ASSERT(lo < 5 && hi > 5);
    lo = 3;
    hi = 1; /* reversed bounds are swapped */
    aidc_nice_domain(&lo, &hi, 6);
    CU_ASSERT(lo <= 1 && hi >= 3);
}

static void test_ticks_linear(void)
{
    aidc_ticks t;
    CU_ASSERT_EQUAL(aidc_ticks_linear(0, 1, 6, 100, 1, NULL, &t), 6);
    CU_ASSERT_STRING_EQUAL(t.label[0], "0");
    CU_ASSERT_STRING_EQUAL(t.label[1], "20");
    CU_ASSERT_STRING_EQUAL(t.label[5], "100");
    /* watts shown in kW: the divisor, decimals from the step */
    CU_ASSERT_EQUAL(aidc_ticks_linear(0, 300000, 7, 1, 1000, NULL, &t), 7);
    CU_ASSERT_STRING_EQUAL(t.label[1], "50");
    CU_ASSERT_EQUAL(aidc_ticks_linear(1.7, 1.86, 9, 1, 1, NULL, &t), 9);
    CU_ASSERT_STRING_EQUAL(t.label[0], "1.70");
    CU_ASSERT_STRING_EQUAL(t.label[8], "1.86");
    /* a suffix in every label */
    CU_ASSERT_EQUAL(aidc_ticks_linear(0, 40000, 5, 1, 1000, "k", &t), 5);
    CU_ASSERT_STRING_EQUAL(t.label[4], "40k");
    /* a range that does not start on a tick */
    CU_ASSERT_EQUAL(aidc_ticks_linear(0.117, 0.293, 7, 1, 1, NULL, &t), 3); /* 0.02 would give 9 */
    CU_ASSERT_STRING_EQUAL(t.label[0], "0.15");
    CU_ASSERT_STRING_EQUAL(t.label[2], "0.25");
    /* no "-0" */
    CU_ASSERT_EQUAL(aidc_ticks_linear(-1, 1, 5, 1, 1, NULL, &t), 5);
    CU_ASSERT_STRING_EQUAL(t.label[2], "0.0");
    CU_ASSERT_EQUAL(aidc_ticks_linear(1, 1, 5, 1, 1, NULL, &t), 0);
    CU_ASSERT_EQUAL(aidc_ticks_linear(NAN, 1, 5, 1, 1, NULL, &t), 0);
}

static void test_si(void)
{
    double div;
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(293119, &div), "k");
    NEAR(div, 1e3);
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(4e7, &div), "M");
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(999, &div), "");
    NEAR(div, 1);
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(1000, &div), "k");
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(0.0005, &div), "\u00b5");
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(0.05, &div), "m");
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(1e18, &div), "T");
    CU_ASSERT_STRING_EQUAL(aidc_si_prefix(0, &div), "");
    char b[64];
    aidc_label_si(293119, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "293 kW");
    aidc_label_si(1250000, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "1.25 MW");
    aidc_label_si(40e6, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "40 MW");
    aidc_label_si(999.7, "W", b, sizeof b); /* rounds up into the next prefix */
    CU_ASSERT_STRING_EQUAL(b, "1 kW");
    aidc_label_si(42, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "42 W");
    aidc_label_si(0, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "0 W");
    aidc_label_si(-2500, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "-2.5 kW");
    aidc_label_si(78.8, "%", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "78.8%");
    aidc_label_si(12500, "", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "12.5k");
    aidc_label_si(NAN, "W", b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "n/a");
}

static void test_usd_and_durations(void)
{
    char b[64];
    aidc_label_usd(94859.006, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "$94.9k");
    aidc_label_usd(1.3989, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "$1.40");
    aidc_label_usd(1092.94, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "$1.09k");
    aidc_label_usd(2.5e6, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "$2.5M");
    aidc_label_usd(-3100, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "-$3.1k");
    aidc_label_usd(999.999, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "$1k");
    aidc_label_usd(0, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "$0.00");
    aidc_label_duration(0, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "0 s");
    aidc_label_duration(2539.7, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "42.3 min");
    aidc_label_duration(17171.8, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "4.8 h");
    aidc_label_duration(1209600, b, sizeof b);
    CU_ASSERT_STRING_EQUAL(b, "14.0 d");
}

/* ---- time ticks --------------------------------------------------------- */

static void test_time_ticks(void)
{
    aidc_ticks t;
    double u;
    CU_ASSERT_STRING_EQUAL(aidc_time_unit(0, 14 * 86400.0, &u), "d");
    NEAR(u, 86400);
    CU_ASSERT_STRING_EQUAL(aidc_time_unit(0, 47 * 3600.0, &u), "h");
    CU_ASSERT_STRING_EQUAL(aidc_time_unit(0, 5 * 60.0, &u), "min");
    CU_ASSERT_STRING_EQUAL(aidc_time_unit(0, 90, &u), "s");
    /* two weeks: whole days, then every second day when space is short */
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 14 * 86400.0, 15, &t), 15);
    CU_ASSERT_STRING_EQUAL(t.label[14], "14");
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 14 * 86400.0, 8, &t), 8);
    CU_ASSERT_STRING_EQUAL(t.label[1], "2");
    NEAR(t.v[1], 2 * 86400.0);
    /* a month: weeks, not 5-day steps */
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 31 * 86400.0, 6, &t), 5);
    CU_ASSERT_STRING_EQUAL(t.label[1], "7");
    /* 36 hours: 6-hour steps, not 5 */
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 36 * 3600.0, 8, &t), 7);
    CU_ASSERT_STRING_EQUAL(t.label[1], "6");
    /* two days with room: quarter days, labels without trailing zeros */
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 2 * 86400.0, 12, &t), 9);
    CU_ASSERT_STRING_EQUAL(t.label[1], "0.25");
    CU_ASSERT_STRING_EQUAL(t.label[2], "0.5");
    CU_ASSERT_STRING_EQUAL(t.label[4], "1");
    /* minutes step 15, seconds step 30 */
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 3600 * 1.5, 8, &t), 7); /* 1.5 h is "min": 0..90 by 15 */
    CU_ASSERT_STRING_EQUAL(t.label[1], "15");
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 100, 5, &t), 4);
    CU_ASSERT_STRING_EQUAL(t.label[1], "30");
    /* under a second: decimals */
    CU_ASSERT_EQUAL(aidc_ticks_time(0, 1, 6, &t), 6);
    CU_ASSERT_STRING_EQUAL(t.label[1], "0.2");
    /* the domain widens to a tick */
    double lo = 0, hi = 13.3 * 86400;
    aidc_time_domain(&lo, &hi, 8);
    NEAR(hi, 14 * 86400.0);
}

static void test_log_time_ticks(void)
{
    aidc_ticks t;
    CU_ASSERT_EQUAL(aidc_ticks_log_time(1, 1e5, 12, &t), 7);
    CU_ASSERT_STRING_EQUAL(t.label[0], "1 s");
    CU_ASSERT_STRING_EQUAL(t.label[2], "1 min");
    CU_ASSERT_STRING_EQUAL(t.label[6], "1 d");
    NEAR(t.v[4], 3600);
    CU_ASSERT_EQUAL(aidc_ticks_log_time(1, 1e5, 4, &t), 4); /* every second one */
    CU_ASSERT_STRING_EQUAL(t.label[1], "1 min");
    CU_ASSERT_STRING_EQUAL(t.label[3], "1 d");
    CU_ASSERT_EQUAL(aidc_ticks_log_time(0.01, 1, 10, &t), 3);
    CU_ASSERT_STRING_EQUAL(t.label[0], "10 ms");
    CU_ASSERT_EQUAL(aidc_ticks_log_time(0, 10, 10, &t), 0); /* not on a log scale */
}

/* ---- downsampling ------------------------------------------------------- */

static void test_downsample_keeps_peaks(void)
{
    enum { N = 10000, COLS = 100 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    double *ox = malloc(N * sizeof *ox), *oy = malloc(N * sizeof *oy);
    CU_ASSERT_FATAL(x && y && ox && oy);
    for (int i = 0; i < N; i++) {
        x[i] = i;
        y[i] = sin(i * 0.01);
    }
    y[5003] = 100; /* a one-sample spike */
    y[7001] = -50; /* and a dip */
    size_t m = aidc_downsample_m4(x, y, N, 0, N, COLS, ox, oy);
    CU_ASSERT(m <= 4 * COLS);
    CU_ASSERT(m >= 2 * COLS);
    bool spike = false, dip = false, ascending = true;
    double ymax = -INFINITY, ymin = INFINITY;
    for (size_t i = 0; i < m; i++) {
        spike |= oy[i] == 100;
        dip |= oy[i] == -50;
        if (i && ox[i] <= ox[i - 1]) ascending = false;
        ymax = fmax(ymax, oy[i]);
        ymin = fmin(ymin, oy[i]);
    }
    CU_ASSERT(spike);
    CU_ASSERT(dip);
    CU_ASSERT(ascending);
    NEAR(ox[0], 0); /* first and last points stay */
    NEAR(ox[m - 1], N - 1);
    /* every column keeps its own extremes: compare with a direct scan */
    for (int c = 0; c < COLS; c++) {
        double lo = INFINITY, hi = -INFINITY, klo = INFINITY, khi = -INFINITY;
        for (int i = c * 100; i < (c + 1) * 100; i++) {
            lo = fmin(lo, y[i]);
            hi = fmax(hi, y[i]);
        }
        for (size_t i = 0; i < m; i++)
            if (ox[i] >= c * 100 && ox[i] < (c + 1) * 100) {
                klo = fmin(klo, oy[i]);
                khi = fmax(khi, oy[i]);
            }
        CU_ASSERT_EQUAL(lo, klo);
        CU_ASSERT_EQUAL(hi, khi);
    }
    /* a gap stays a gap */
    y[8000] = NAN;
    m = aidc_downsample_m4(x, y, N, 0, N, COLS, ox, oy);
    size_t nans = 0;
    for (size_t i = 0; i < m; i++)
        nans += isnan(oy[i]);
    CU_ASSERT_EQUAL(nans, 1);
    /* short series pass through unchanged */
    CU_ASSERT_EQUAL(aidc_downsample_m4(x, y, 300, 0, 300, COLS, ox, oy), 300);
    CU_ASSERT_EQUAL(oy[299], y[299]);
    free(x);
    free(y);
    free(ox);
    free(oy);
}

/* ---- text and SVG -------------------------------------------------------- */

static void test_strbuf_and_text(void)
{
    aidc_strbuf b = {0};
    double v[] = {12.5, 3, -0.25, -0.001, 1234.567, 0.1 + 0.2, 1e6};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        aidc_strbuf_num(&b, v[i]);
        aidc_strbuf_puts(&b, " ");
    }
    CU_ASSERT_STRING_EQUAL(b.s, "12.5 3 -0.25 0 1234.57 0.3 1000000 ");
    b.len = 0;
    aidc_strbuf_escaped(&b, "a<b & \"c\" 'd'>");
    CU_ASSERT_STRING_EQUAL(b.s, "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
    aidc_strbuf_fini(&b);
    NEAR(aidc_text_width("0", 10, 0), 6.36);
    NEAR(aidc_text_width("Wa", 1000, 1), 1103 + 675);
    CU_ASSERT(aidc_text_width("\u00b0C", 10, 0) > aidc_text_width("C", 10, 0));
}

static void test_svg_canvas(void)
{
    aidc_canvas *c = aidc_canvas_create(AIDC_CANVAS_SVG, 200, 100, "t1");
    CU_ASSERT_FATAL(c != NULL);
    aidc_canvas_set_title(c, "A & B");
    aidc_canvas_clip(c, 10, 10, 50, 50);
    aidc_canvas_move_to(c, 0, 0);
    aidc_canvas_line_to(c, 10.125, 20.5);
    aidc_canvas_stroke(c, 0x0072b2, 1, 1.5, AIDC_DASH_DASHED);
    aidc_canvas_unclip(c);
    aidc_canvas_text(c, 5, 50, "x<y", 12, 1, AIDC_ANCHOR_END, 1, 0xd55e00);
    size_t n;
    const char *s = aidc_canvas_svg(c, &n);
    CU_ASSERT_FATAL(s != NULL);
    CU_ASSERT_EQUAL(strlen(s), n);
    CU_ASSERT(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"100\"",
                      62) == 0);
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<title>A &amp; B</title>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "<clipPath id=\"t1-clip1\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "d=\"M0 0L10.13 20.5\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "stroke=\"#0072b2\" stroke-width=\"1.5\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(s, "stroke-dasharray=\"6 4\""));
    CU_ASSERT_PTR_NOT_NULL(strstr(
        s, "text-anchor=\"end\" transform=\"rotate(-90 5 50)\" fill=\"#d55e00\">x&lt;y</text>"));
    CU_ASSERT(strcmp(s + n - 7, "</svg>\n") == 0);
    aidc_canvas_destroy(c);
}

/* The x-axis labels of a rendered SVG chart: (x, text) of every <text> on
 * baseline y. Returns the count. */
static size_t labels_on(const char *svg, double y, double *xs, char (*txt)[64], size_t max)
{
    size_t n = 0;
    char want[48];
    snprintf(want, sizeof want, "\" y=\"%g\" font-size=\"11\"", y);
    for (const char *p = strstr(svg, "<text x=\""); p && n < max; p = strstr(p + 1, "<text x=\"")) {
        const char *q = strchr(p + 9, '"');
        if (!q || strncmp(q, want, strlen(want)) != 0) continue;
        xs[n] = strtod(p + 9, NULL);
        const char *a = strchr(q, '>'), *e = a ? strstr(a, "</text>") : NULL;
        if (!a || !e || e - a - 1 >= 64) continue;
        snprintf(txt[n], 64, "%.*s", (int)(e - a - 1), a + 1);
        n++;
    }
    return n;
}

static void test_chart_labels_do_not_overlap(void)
{
    /* one fortnight of samples drawn at several widths: the x labels, centred
     * on their ticks, must keep apart, and there must be at least three */
    enum { N = 4033 };
    static double x[N], y[N];
    for (int i = 0; i < N; i++) {
        x[i] = i * 300.0;
        y[i] = 0.5 + 0.4 * sin(i * 0.05);
    }
    double widths[] = {260, 420, 640, 900, 1400};
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++) {
        aidc_chart ch;
        aidc_chart_init(&ch, "Test");
        ch.x.kind = AIDC_AXIS_TIME;
        ch.x.title = "Time since start";
        ch.y = (aidc_axis){.kind = AIDC_AXIS_LINEAR,
                           .title = "Utilization",
                           .unit = "%",
                           .mul = 100,
                           .lo = 0,
                           .hi = 1};
        aidc_series *s = aidc_chart_add(&ch, AIDC_SERIES_LINE, "util", AIDC_OI_BLUE, 0);
        s->x = x;
        s->y = y;
        s->n = N;
        aidc_canvas *c = aidc_canvas_create(AIDC_CANVAS_SVG, widths[w], 300, "t");
        CU_ASSERT_FATAL(c != NULL);
        CU_ASSERT_EQUAL(aidc_chart_render(&ch, c, 0, 0, widths[w], 300), 0);
        const char *svg = aidc_canvas_svg(c, NULL);
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">Time since start (d)</text>"));
        CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">Utilization (%)</text>"));
        /* the plot bottom is 300 - 40; labels sit 16 px below it */
        double xs[64];
        char txt[64][64];
        size_t n = labels_on(svg, 276, xs, txt, 64);
        CU_ASSERT(n >= 3);
        for (size_t i = 0; i + 1 < n; i++) {
            double gap = xs[i + 1] - xs[i] -
                         (aidc_text_width(txt[i], 11, 0) + aidc_text_width(txt[i + 1], 11, 0)) / 2;
            CU_ASSERT(gap >= 8);
        }
        /* the line was downsampled: far fewer than 4033 vertices */
        size_t vertices = 0;
        for (const char *p = svg; (p = strchr(p, 'L')); p++)
            vertices++;
        CU_ASSERT(vertices < 4 * (size_t)widths[w] + 200);
        aidc_canvas_destroy(c);
    }
}

/* ---- results and report -------------------------------------------------- */

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    return fclose(f);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s) s[n] = '\0';
    fclose(f);
    return s;
}

static const char summary_min[] =
    "{\"format\": 1, \"scenario\": \"t<1>\", \"cluster\": {\"gpus\": 8}, \"simulated_s\": 7200,"
    " \"gpu_utilization\": {\"mean\": 0.5}, \"warnings\": [\"a <warning>\"],"
    " \"cost_usd\": {\"total\": 10, \"capex_systems\": 6, \"energy\": 4}}\n";
static const char ts_min[] =
    "time_s,busy_gpus,gpu_utilization,queued_jobs,it_mw,losses_mw,cooling_mw,facility_mw,pue\n"
    "0,0,0,0,0.01,0.001,0,0.012,1.2\n"
    "3600,4,0.5,1,0.02,0.001,0,0.022,1.1\n"
    "7200,8,1,nan,0.03,0.002,0,0.033,\n";
static const char jobs_min[] =
    "id,submit_s,start_s,end_s,wait_s,jct_s,duration_s,gpus,tenant,state\n"
    "a,0,0,3600,0,3600,3600,4,zeta,done\n"
    "\"b,1\",10,100,,90,,60,4,alpha,running\n"
    "c,20,,,,,,8,alpha,queued\n";

static void make_dir(char *dir)
{
    snprintf(dir, 64, "/tmp/aidc-plots-XXXXXX");
    CU_ASSERT_FATAL(mkdtemp(dir) != NULL);
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    CU_ASSERT_FATAL(write_file(path, text) == 0);
}

static void cleanup(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CU_ASSERT(system(cmd) == 0);
}

static void test_results_read(void)
{
    char dir[64], err[512] = "";
    make_dir(dir);
    put(dir, "summary.json", summary_min);
    put(dir, "timeseries.csv", ts_min);
    put(dir, "jobs.csv", jobs_min);
    aidc_results r;
    CU_ASSERT_FATAL(aidc_results_load(&r, dir, err, sizeof err) == 0);
    CU_ASSERT_EQUAL(r.ts.rows, 3);
    const double *q = aidc_numtable_col(&r.ts, "queued_jobs");
    CU_ASSERT_FATAL(q != NULL);
    CU_ASSERT(isnan(q[2]));
    CU_ASSERT(isnan(aidc_numtable_col(&r.ts, "pue")[2]));
    CU_ASSERT_PTR_NULL(aidc_numtable_col(&r.ts, "outdoor_c"));
    CU_ASSERT_EQUAL(r.jobs.n, 3);
    CU_ASSERT_EQUAL(r.jobs.n_tenants, 2);
    CU_ASSERT_STRING_EQUAL(r.jobs.tenants[0], "alpha"); /* sorted by name */
    CU_ASSERT_EQUAL(r.jobs.rows[0].tenant, 1);
    CU_ASSERT_EQUAL(r.jobs.rows[1].state, 'r');
    CU_ASSERT(isnan(r.jobs.rows[1].end_s));
    NEAR(r.jobs.rows[1].wait_s, 90);
    NEAR(aidc_results_num(&r, "cost_usd.energy"), 4);
    CU_ASSERT(isnan(aidc_results_num(&r, "cost_usd.nope")));
    CU_ASSERT_STRING_EQUAL(aidc_results_str(&r, "scenario"), "t<1>");
    CU_ASSERT_EQUAL(r.racks.cols, 0); /* racks.csv is optional */
    aidc_results_fini(&r);
    cleanup(dir);
}

#define LOAD_FAILS(file, text, want)                                                               \
    do {                                                                                           \
        char dir_[64], err_[512] = "";                                                             \
        make_dir(dir_);                                                                            \
        put(dir_, "summary.json", summary_min);                                                    \
        put(dir_, "timeseries.csv", ts_min);                                                       \
        put(dir_, "jobs.csv", jobs_min);                                                           \
        if (text)                                                                                  \
            put(dir_, file, text);                                                                 \
        else {                                                                                     \
            char p_[256];                                                                          \
            snprintf(p_, sizeof p_, "%s/%s", dir_, file);                                          \
            unlink(p_);                                                                            \
        }                                                                                          \
        aidc_results r_;                                                                           \
        CU_ASSERT_EQUAL(aidc_results_load(&r_, dir_, err_, sizeof err_), -1);                      \
        CU_ASSERT_PTR_NOT_NULL(strstr(err_, file));                                                \
        if (!strstr(err_, want)) fprintf(stderr, "\nmessage was: %s\n", err_);                     \
        CU_ASSERT_PTR_NOT_NULL(strstr(err_, want));                                                \
        cleanup(dir_);                                                                             \
    } while (0)

static void test_results_errors(void)
{
    LOAD_FAILS("timeseries.csv", "time_s,it_mw\n0,1\n300,abc\n",
               "timeseries.csv:3: column \"it_mw\": expected a number, found \"abc\"");
    LOAD_FAILS("timeseries.csv", "time_s,it_mw\n0,1,2\n", "timeseries.csv:2: expected 2 fields");
    LOAD_FAILS("timeseries.csv", "it_mw\n1\n", "timeseries.csv:1: missing column \"time_s\"");
    LOAD_FAILS("timeseries.csv", "", "empty file");
    LOAD_FAILS("timeseries.csv", "time_s,a,a\n", "column \"a\" appears twice");
    LOAD_FAILS("timeseries.csv", NULL, "cannot read");
    LOAD_FAILS("jobs.csv",
               "id,submit_s,start_s,end_s,wait_s,jct_s,gpus,state\nx,0,0,1,0,1,1,done\n",
               "jobs.csv:1: missing column \"tenant\"");
    LOAD_FAILS(
        "jobs.csv",
        "id,submit_s,start_s,end_s,wait_s,jct_s,gpus,tenant,state\nx,0,0,1,0,1,1,t,finished\n",
        "jobs.csv:2: column \"state\": expected done, running, queued, future or skipped, found "
        "\"finished\"");
    LOAD_FAILS("jobs.csv", "id,submit_s\n\"x,0\n", "jobs.csv");
    LOAD_FAILS("summary.json", "{\"format\": 1,\n \"a\": }\n", "summary.json:2:");
    LOAD_FAILS("summary.json", "[1, 2]\n", "expected an aidcsim summary");
    LOAD_FAILS("racks.csv", "rack_0,time_s\n1,2\n",
               "racks.csv:1: expected \"time_s\" as the first column");
}

static void test_report_deterministic(void)
{
    char dir[64], err[512] = "";
    make_dir(dir);
    put(dir, "summary.json", summary_min);
    put(dir, "timeseries.csv", ts_min);
    put(dir, "jobs.csv", jobs_min);
    put(dir, "racks.csv", "time_s,rack_0,rack_1\n0,1.5,2\n3600,3,4\n7200,2,1\n");
    size_t n = 0;
    CU_ASSERT_FATAL(aidc_report_write(dir, NULL, &n, err, sizeof err) == 0);
    CU_ASSERT_EQUAL(n, 8); /* all but grid: no price column */
    char path[256];
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *first = slurp(path);
    CU_ASSERT_FATAL(first != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "<title>aidcsim report: t&lt;1&gt;</title>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "<li>a &lt;warning&gt;</li>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "<figure id=\"racks\">"));
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "href=\"charts/cost.png\""));
    CU_ASSERT_PTR_NULL(strstr(first, "<script"));
    CU_ASSERT_PTR_NOT_NULL(strstr(first, "Not drawn: grid (the energy price is flat"));
    snprintf(path, sizeof path, "%s/charts/utilization.svg", dir);
    char *svg1 = slurp(path);
    CU_ASSERT_FATAL(svg1 != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(first, svg1)); /* the page inlines the same SVG */
    /* again: the same bytes, and no temporary files left behind */
    CU_ASSERT_FATAL(aidc_report_write(dir, NULL, &n, err, sizeof err) == 0);
    snprintf(path, sizeof path, "%s/report.html", dir);
    char *second = slurp(path);
    CU_ASSERT_FATAL(second != NULL);
    CU_ASSERT_STRING_EQUAL(first, second);
    char cmd[256];
    snprintf(cmd, sizeof cmd,
             "test -z \"$(ls -A '%s' | grep -v -x -e summary.json -e timeseries.csv "
             "-e jobs.csv -e racks.csv -e report.html -e charts)\"",
             dir);
    CU_ASSERT(system(cmd) == 0);
    /* a bad file: the error names it and the previous report stays */
    put(dir, "timeseries.csv", "time_s,pue\n0,x\n");
    CU_ASSERT_EQUAL(aidc_report_write(dir, NULL, &n, err, sizeof err), -1);
    CU_ASSERT_PTR_NOT_NULL(strstr(err, "timeseries.csv:2: column \"pue\""));
    char *third = slurp(path);
    CU_ASSERT_FATAL(third != NULL);
    CU_ASSERT_STRING_EQUAL(first, third);
    free(first);
    free(second);
    free(third);
    free(svg1);
    cleanup(dir);
}

static void test_compare(void)
{
    const char *sc[] = {"fifo", "easy-backfill"};
    aidc_compare_metric m[] = {
        {"Mean wait", "s"}, {"GPU utilization", "%"}, {"Cost", "USD"}, {"Facility energy", "Wh"}};
    double v[] = {11160, 2539, 77.0, 78.8, 95100, 94859, 86.9e6, NAN};
    aidc_compare c = {"easy-backfill vs fifo", sc, 2, m, 4, v};
    double w, h;
    aidc_compare_size(&c, &w, &h);
    NEAR(w, 900);
    NEAR(h, 34 + 18 + 8 + 2 * 250); /* title, one legend row, two rows of panels */
    char dir[64], err[512] = "", *svg = NULL;
    make_dir(dir);
    CU_ASSERT_FATAL(aidc_compare_write(&c, dir, "compare", false, &svg, err, sizeof err) == 0);
    CU_ASSERT_FATAL(svg != NULL);
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">easy-backfill vs fifo</text>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">Mean wait</text>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">42.3 min (-77.2%)</text>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">78.8% (+2.3%)</text>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">$94.9k (-0.3%)</text>"));
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">86.9 MWh</text>"));      /* the baseline has no change */
    CU_ASSERT_PTR_NULL(strstr(svg, "MWh ("));                     /* a missing value has none */
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, ">easy-backfill</text>")); /* the legend */
    CU_ASSERT_PTR_NOT_NULL(strstr(svg, "fill=\"#e69f00\""));      /* the candidate's colour */
    char path[256];
    snprintf(path, sizeof path, "%s/compare.svg", dir);
    char *file = slurp(path);
    CU_ASSERT(file && strcmp(file, svg) == 0);
    snprintf(path, sizeof path, "%s/compare.png", dir);
    struct stat st;
    CU_ASSERT(stat(path, &st) == 0 && st.st_size > 4000);
    snprintf(path, sizeof path, "%s/compare.pdf", dir);
    CU_ASSERT(stat(path, &st) != 0); /* only on request */
    free(file);
    free(svg);
    cleanup(dir);
}

int test_plots_register(void)
{
    CU_pSuite s = CU_add_suite("plots", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "nice steps", test_nice_step) ||
        !CU_add_test(s, "nice domains", test_nice_domain) ||
        !CU_add_test(s, "linear ticks and labels", test_ticks_linear) ||
        !CU_add_test(s, "SI prefixes and labels", test_si) ||
        !CU_add_test(s, "money and duration labels", test_usd_and_durations) ||
        !CU_add_test(s, "time ticks", test_time_ticks) ||
        !CU_add_test(s, "log time ticks", test_log_time_ticks) ||
        !CU_add_test(s, "M4 downsampling keeps peaks", test_downsample_keeps_peaks) ||
        !CU_add_test(s, "strbuf numbers, escaping, text widths", test_strbuf_and_text) ||
        !CU_add_test(s, "SVG canvas", test_svg_canvas) ||
        !CU_add_test(s, "x labels never overlap", test_chart_labels_do_not_overlap) ||
        !CU_add_test(s, "results reader", test_results_read) ||
        !CU_add_test(s, "results reader errors", test_results_errors) ||
        !CU_add_test(s, "report is deterministic and atomic", test_report_deterministic) ||
        !CU_add_test(s, "compare figure", test_compare))
        return -1;
    return 0;
}
