/* The `aidcsim trace` command; see cmd.h. */
#include "tools/traces/cmd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/traces/acme.h"
#include "tools/traces/azure.h"
#include "tools/traces/helios.h"
#include "tools/traces/openb.h"
#include "tools/traces/pai.h"
#include "tools/traces/philly.h"
#include "tools/traces/stats.h"
#include "tools/traces/swf.h"

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 2, EXIT_INTERNAL = 3 };
#define ERR_LEN 4096

static const aidc_tr_format formats[] = {
    {"openb", AIDC_TR_JOBS, aidc_tr_openb_pods,
     "Alibaba GPU-sharing pod list (cluster-trace-gpu-v2023 openb_pod_list_*.csv)"},
    {"openb-nodes", AIDC_TR_POOLS, aidc_tr_openb_nodes,
     "Alibaba openb node list (openb_node_list_*.csv) -> cluster pools JSON"},
    {"pai", AIDC_TR_JOBS, aidc_tr_pai,
     "Alibaba PAI 2020: a directory with pai_job_table.csv, pai_task_table.csv "
     "[, pai_instance_table.csv]"},
    {"pai-machines", AIDC_TR_POOLS, aidc_tr_pai_machines,
     "Alibaba PAI 2020 pai_machine_spec.csv -> cluster pools JSON"},
    {"philly", AIDC_TR_JOBS, aidc_tr_philly, "Microsoft Philly cluster_job_log (JSON)"},
    {"philly-machines", AIDC_TR_POOLS, aidc_tr_philly_machines,
     "Microsoft Philly cluster_machine_list (CSV) -> cluster pools JSON"},
    {"helios", AIDC_TR_JOBS, aidc_tr_helios, "SenseTime Helios cluster_log.csv"},
    {"acme", AIDC_TR_JOBS, aidc_tr_acme, "Shanghai AI Lab Acme trace_seren.csv / trace_kalos.csv"},
    {"swf", AIDC_TR_JOBS, aidc_tr_swf, "Standard Workload Format (Parallel Workloads Archive)"},
    {"azure-llm", AIDC_TR_REQUESTS, aidc_tr_azure,
     "Azure LLM inference trace (TIMESTAMP, ContextTokens, GeneratedTokens) -> request stream"},
};
#define N_FORMATS (sizeof formats / sizeof formats[0])

static const char usage_trace[] =
    "usage: aidcsim trace convert --from FORMAT IN OUT [--any-gpu-type] [--procs-per-gpu N] [-q]\n"
    "       aidcsim trace stats FILE [--from FORMAT] [--tenants N]\n"
    "       aidcsim trace formats\n"
    "\n"
    "convert  reads a published trace and writes the native trace CSV (a node list: cluster\n"
    "         pools JSON; an inference trace: a request stream CSV). Records that cannot be\n"
    "         used are counted by reason, printed, and written as '#' lines at the top of OUT.\n"
    "         OUT is replaced only when complete.\n"
    "  --from FORMAT       the input's format (see `aidcsim trace formats`)\n"
    "  --any-gpu-type      write no gpu_type column (GPU constraints stay in x_gpu_spec)\n"
    "  --procs-per-gpu N   SWF: processors that make one GPU (default 1)\n"
    "  -q, --quiet         print nothing on success\n"
    "stats    prints job count, GPU-hours, GPUs per job, duration and queue-wait quantiles,\n"
    "         overall and per tenant (a request stream: request count, rate and token sizes).\n"
    "  --from FORMAT       read a published trace directly instead of a native one\n"
    "  --tenants N         tenants listed, largest GPU-hours first (default 20; 0 = all)\n"
    "\n"
    "exit status: 0 ok, 2 bad input or usage, 3 internal error\n";

const aidc_tr_format *aidc_tr_format_find(const char *name)
{
    for (size_t i = 0; i < N_FORMATS; i++)
        if (strcmp(formats[i].name, name) == 0) return &formats[i];
    return NULL;
}

int aidc_tr_convert_read(const aidc_tr_format *f, aidc_tr_conv *c, const char *in)
{
    return f->read(c, in);
}

static int unknown_format(const char *cmd, const char *name)
{
    fprintf(stderr, "aidcsim trace %s: unknown format \"%s\"; the formats are:", cmd, name);
    for (size_t i = 0; i < N_FORMATS; i++)
        fprintf(stderr, "%s %s", i ? "," : "", formats[i].name);
    fputc('\n', stderr);
    return EXIT_BAD_INPUT;
}

static int cmd_formats(void)
{
    printf("trace formats (aidcsim trace convert --from FORMAT IN OUT):\n");
    for (size_t i = 0; i < N_FORMATS; i++)
        printf("  %-16s %s\n", formats[i].name, formats[i].summary);
    return EXIT_OK;
}

/* Options shared by convert and stats. Positional arguments go to pos[]. */
typedef struct args {
    const char *from;
    const char *pos[3];
    int n_pos;
    aidc_tr_options opt;
    int quiet;
    long tenants;
} args;

static int parse_count(const char *cmd, const char *opt, const char *v, long lo, long *out)
{
    char *end;
    errno = 0;
    long n = strtol(v, &end, 10);
    if (end == v || *end || errno || n < lo || n > 1000000) {
        fprintf(stderr,
                "aidcsim trace %s: %s: expected an integer from %ld to 1000000, found \"%s\"\n",
                cmd, opt, lo, v);
        return EXIT_BAD_INPUT;
    }
    *out = n;
    return EXIT_OK;
}

static int parse_args(const char *cmd, int argc, char **argv, args *a)
{
    memset(a, 0, sizeof *a);
    a->opt.procs_per_gpu = 1;
    a->tenants = 20;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i], *next = i + 1 < argc ? argv[i + 1] : NULL;
        long v;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage_trace, stdout);
            exit(EXIT_OK);
        } else if (strcmp(arg, "--from") == 0 && next) {
            a->from = next;
            i++;
        } else if (strcmp(arg, "--any-gpu-type") == 0) {
            a->opt.any_gpu_type = true;
        } else if (strcmp(arg, "--procs-per-gpu") == 0 && next) {
            if (parse_count(cmd, arg, next, 1, &v)) return EXIT_BAD_INPUT;
            a->opt.procs_per_gpu = (int32_t)v;
            i++;
        } else if (strcmp(arg, "--tenants") == 0 && next) {
            if (parse_count(cmd, arg, next, 0, &a->tenants)) return EXIT_BAD_INPUT;
            i++;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (arg[0] == '-' && arg[1]) {
            fprintf(stderr, "aidcsim trace %s: unknown or incomplete option \"%s\"\n\n%s", cmd, arg,
                    usage_trace);
            return EXIT_BAD_INPUT;
        } else if (a->n_pos < 3) {
            a->pos[a->n_pos++] = arg;
        } else {
            fprintf(stderr, "aidcsim trace %s: unexpected argument \"%s\"\n\n%s", cmd, arg,
                    usage_trace);
            return EXIT_BAD_INPUT;
        }
    }
    return EXIT_OK;
}

/* Out of memory is the one internal failure a conversion can have. */
static int exit_for(const char *err)
{
    return strstr(err, "out of memory") ? EXIT_INTERNAL : EXIT_BAD_INPUT;
}

static int cmd_convert(int argc, char **argv)
{
    args a;
    if (parse_args("convert", argc, argv, &a)) return EXIT_BAD_INPUT;
    if (!a.from || a.n_pos != 2) {
        fprintf(stderr, "aidcsim trace convert: %s\n\n%s",
                !a.from ? "missing --from FORMAT" : "expected IN and OUT", usage_trace);
        return EXIT_BAD_INPUT;
    }
    const aidc_tr_format *f = aidc_tr_format_find(a.from);
    if (!f) return unknown_format("convert", a.from);
    char *err = calloc(1, ERR_LEN);
    if (!err) return EXIT_INTERNAL;
    aidc_tr_conv c;
    aidc_tr_conv_init(&c, f->name, a.pos[0], &a.opt, err, ERR_LEN);
    int rc = aidc_tr_convert_read(f, &c, a.pos[0]);
    if (rc == 0) {
        if (f->output == AIDC_TR_JOBS)
            rc = aidc_tr_write_native(&c, a.pos[1]);
        else if (f->output == AIDC_TR_POOLS)
            rc = aidc_tr_write_pools(&c, a.pos[1]);
        else
            rc = aidc_tr_write_requests(&c, a.pos[1]);
    }
    int status = EXIT_OK;
    if (rc == 0) {
        if (!a.quiet) aidc_tr_print_report(&c, a.pos[1], stdout);
    } else {
        fprintf(stderr, "aidcsim: %s\n", err);
        status = exit_for(err);
    }
    aidc_tr_conv_fini(&c);
    free(err);
    return status;
}

static int cmd_stats(int argc, char **argv)
{
    args a;
    if (parse_args("stats", argc, argv, &a)) return EXIT_BAD_INPUT;
    if (a.n_pos != 1) {
        fprintf(stderr, "aidcsim trace stats: expected one FILE\n\n%s", usage_trace);
        return EXIT_BAD_INPUT;
    }
    const aidc_tr_format *f = NULL;
    if (a.from && !(f = aidc_tr_format_find(a.from))) return unknown_format("stats", a.from);
    if (f && f->output == AIDC_TR_POOLS) {
        fprintf(stderr, "aidcsim trace stats: --from %s: a node list has no jobs to summarize\n",
                f->name);
        return EXIT_BAD_INPUT;
    }
    char *err = calloc(1, ERR_LEN);
    if (!err) return EXIT_INTERNAL;
    int rc = aidc_tr_stats_file(a.pos[0], f, &a.opt, (size_t)a.tenants, stdout, err, ERR_LEN);
    int status = EXIT_OK;
    if (rc != 0) {
        fprintf(stderr, "aidcsim: %s\n", err);
        status = exit_for(err);
    }
    free(err);
    return status;
}

int aidc_cmd_trace(int argc, char **argv)
{
    if (argc < 1) {
        fputs(usage_trace, stderr);
        return EXIT_BAD_INPUT;
    }
    const char *sub = argv[0];
    if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0 || strcmp(sub, "help") == 0) {
        fputs(usage_trace, stdout);
        return EXIT_OK;
    }
    if (strcmp(sub, "convert") == 0) return cmd_convert(argc - 1, argv + 1);
    if (strcmp(sub, "stats") == 0) return cmd_stats(argc - 1, argv + 1);
    if (strcmp(sub, "formats") == 0) return cmd_formats();
    fprintf(stderr, "aidcsim trace: unknown subcommand \"%s\"\n\n%s", sub, usage_trace);
    return EXIT_BAD_INPUT;
}
