/* main — the aidcsim command line.
 * Exit status: 0 success; 1 a regression check failed; 2 bad input or usage;
 * 3 internal error (including a policy that broke the ABI contract). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/topology.h"
#include "plots/report.h"
#include "sim/compare.h"
#include "sched/builtin.h"
#include "sim/output.h"
#include "sim/place.h"
#include "sim/plan.h"
#include "sim/plugin.h"
#include "sim/runner.h"
#include "sim/scenario.h"
#include "sim/sim.h"
#include "tools/traces/cmd.h"
#include "sim/sweep.h"

enum { EXIT_OK = 0, EXIT_BAD_INPUT = 2, EXIT_INTERNAL = 3 };

#define ERR_LEN 4096

static const char usage_main[] =
    "usage: aidcsim COMMAND [ARGS]\n"
    "\n"
    "A discrete-event simulator and capacity planner for AI data centers.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO       simulate a scenario and write its outputs\n"
    "  validate SCENARIO  check a scenario and the files it references, without running\n"
    "  topology SCENARIO  build the network fabric and export it as GraphML\n"
    "  report DIR         redraw the charts and report.html of an output directory\n"
    "  policies           list the built-in scheduling policies\n"
    "  compare SUITE...   run a suite under a baseline and a candidate policy; exit 1 on a regression\n"
    "  trace convert|stats|formats  import published traces; summarize a trace\n"
    "  sweep SWEEP.json   run a scenario over axes of values and seeds (-j N, or under mpirun)\n"
    "  plan PLAN.json     search for the cheapest buildout that meets constraints on metrics\n"
    "  place SCENARIO     placement-only fragmentation study (GPU allocation vs arrived demand)\n"
    "  help [COMMAND]     show help for a command\n"
    "\n"
    "options:\n"
    "  --help, -h         this help\n"
    "  --version          print the version\n"
    "\n"
    "exit status: 0 ok, 1 regression check failed, 2 bad input or usage, 3 internal error\n";

static const char usage_run[] =
    "usage: aidcsim run SCENARIO [-o DIR] [--set key.path=value]... [--seed N] [--quiet] [--profile]\n"
    "\n"
    "Simulates SCENARIO (a JSON file) and writes summary.json, jobs.csv,\n"
    "timeseries.csv, racks.csv, charts/ and report.html into DIR (default:\n"
    "out/NAME, NAME being the scenario's name).\n"
    "The directory is replaced only when every file is complete.\n"
    "\n"
    "  -o, --output DIR        where to write the outputs\n"
    "  --set key.path=value    override a scenario value before validation, e.g.\n"
    "                          --set cluster.nodes=64 --set policy=easy-backfill\n"
    "                          (value is JSON when it parses as JSON, else a string)\n"
    "  --policy NAME|PATH.so   run a built-in policy, or a plugin (same as\n"
    "                          --set policy=NAME or --set 'policy={\"plugin\":\"PATH.so\"}')\n"
    "  --seed N                override the scenario's seed\n"
    "  -q, --quiet             print nothing on success\n"
    "  --profile               print where the wall time went (engine, policy, power,\n"
    "                          fabric, sampling, outputs) to stderr; outputs unchanged\n";

static const char usage_validate[] =
    "usage: aidcsim validate SCENARIO [--policy NAME|PATH.so] [--set key.path=value]...\n"
    "\n"
    "Loads SCENARIO, applies overrides, reads its trace or generator inputs and\n"
    "checks that every job can fit the cluster, without simulating. Exit 0 when\n"
    "valid, 2 with a message naming file, line and key otherwise.\n";

static const char usage_topology[] =
    "usage: aidcsim topology SCENARIO -o FILE.graphml [--set key.path=value]...\n"
    "\n"
    "Builds the scenario's network fabric (its \"fabric\" section) and writes it as\n"
    "GraphML: vertices are nodes and switches (attribute \"kind\"), edges carry\n"
    "bandwidth_gbps and latency_us. Prints switch and link counts.\n";

static const char usage_policies[] =
    "usage: aidcsim policies [PLUGIN.so]\n"
    "\n"
    "Lists the built-in scheduling policies with a one-line description and\n"
    "their parameters; with a plugin, checks that it loads and describes it.\n";

typedef struct run_args {
    char *policy_override; /* --policy, as a --set value; owned */
    const char *scenario;
    const char *out_dir;
    const char **overrides; /* NULL-terminated */
    size_t n_overrides;
    int64_t seed;
    int quiet;
    int profile; /* --profile (run only) */
} run_args;

static void run_args_free(run_args *a)
{
    free(a->overrides);
    free(a->policy_override);
}

static int parse_run_args(int argc, char **argv, run_args *a, const char *cmd, const char *usage)
{
    memset(a, 0, sizeof *a);
    a->seed = -1;
    a->overrides = calloc((size_t)argc + 1, sizeof *a->overrides);
    if (!a->overrides) return EXIT_INTERNAL;
    for (int i = 0; i < argc; i++) {
        const char *arg = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
            fputs(usage, stdout);
            exit(EXIT_OK);
        } else if ((strcmp(arg, "-o") == 0 || strcmp(arg, "--output") == 0) && next) {
            a->out_dir = next;
            i++;
        } else if (strcmp(arg, "--policy") == 0 && next) {
            if (a->policy_override) {
                fprintf(stderr, "aidcsim %s: --policy given twice\n", cmd);
                return EXIT_BAD_INPUT;
            }
            bool unresolved; /* the loader reports a missing plugin with its key */
            if (!(a->policy_override = aidc_policy_override(next, &unresolved))) return EXIT_INTERNAL;
            /* first, so that --set policy.params.KEY=... lands on it */
            memmove(&a->overrides[1], &a->overrides[0], a->n_overrides * sizeof *a->overrides);
            a->overrides[0] = a->policy_override;
            a->n_overrides++;
            i++;
        } else if (strcmp(arg, "--set") == 0 && next) {
            a->overrides[a->n_overrides++] = next;
            i++;
        } else if (strncmp(arg, "--set=", 6) == 0) {
            a->overrides[a->n_overrides++] = arg + 6;
        } else if (strcmp(arg, "--seed") == 0 && next) {
            char *end;
            errno = 0;
            long long v = strtoll(next, &end, 10);
            if (end == next || *end || v < 0 || v > 9007199254740991LL || errno) {
                fprintf(stderr, "aidcsim %s: --seed: expected an integer from 0 to 2^53-1, found \"%s\"\n",
                        cmd, next);
                return EXIT_BAD_INPUT;
            }
            a->seed = v;
            i++;
        } else if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
            a->quiet = 1;
        } else if (strcmp(arg, "--profile") == 0 && strcmp(cmd, "run") == 0) {
            a->profile = 1;
        } else if (arg[0] == '-' && arg[1]) {
            fprintf(stderr, "aidcsim %s: unknown or incomplete option \"%s\"\n\n%s", cmd, arg, usage);
            return EXIT_BAD_INPUT;
        } else if (!a->scenario) {
            a->scenario = arg;
        } else {
            fprintf(stderr, "aidcsim %s: unexpected argument \"%s\"\n\n%s", cmd, arg, usage);
            return EXIT_BAD_INPUT;
        }
    }
    if (!a->scenario) {
        fprintf(stderr, "aidcsim %s: missing SCENARIO\n\n%s", cmd, usage);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

static int cmd_validate(int argc, char **argv)
{
    run_args a;
    int rc = parse_run_args(argc, argv, &a, "validate", usage_validate);
    if (rc) {
        run_args_free(&a);
        return rc;
    }
    char *err = calloc(1, ERR_LEN);
    aidc_scenario sc;
    aidc_sim sim;
    rc = EXIT_BAD_INPUT;
    if (aidc_scenario_load(&sc, a.scenario, a.overrides, a.seed, err, ERR_LEN) == 0) {
        if (aidc_sim_init(&sim, &sc, NULL, err, ERR_LEN) == 0) {
            printf("%s: valid (%zu jobs, %lld GPUs, policy %s)\n", a.scenario, sim.n_jobs,
                   (long long)sim.cluster.total_gpus, sc.policy.name);
            aidc_sim_fini(&sim);
            rc = EXIT_OK;
        }
        aidc_scenario_fini(&sc);
    }
    if (rc) fprintf(stderr, "aidcsim: %s\n", err);
    free(err);
    run_args_free(&a);
    return rc;
}

static int cmd_run(int argc, char **argv)
{
    run_args a;
    int rc = parse_run_args(argc, argv, &a, "run", usage_run);
    if (rc) {
        run_args_free(&a);
        return rc;
    }
    char *err = calloc(1, ERR_LEN);
    aidc_run_request req = {.scenario = a.scenario,
                            .overrides = a.overrides,
                            .seed = a.seed,
                            .out_dir = a.out_dir,
                            .summary = a.quiet ? NULL : stdout,
                            .progress = !a.quiet,
                            .profile = a.profile != 0};
    rc = aidc_run_scenario(&req, NULL, 0, err, ERR_LEN);
    if (rc) fprintf(stderr, "aidcsim: %s\n", err);
    free(err);
    run_args_free(&a);
    return rc;
}

static int cmd_topology(int argc, char **argv)
{
    run_args a;
    int rc = parse_run_args(argc, argv, &a, "topology", usage_topology);
    if (rc == EXIT_OK && !a.out_dir) {
        fprintf(stderr, "aidcsim topology: missing -o FILE.graphml\n\n%s", usage_topology);
        rc = EXIT_BAD_INPUT;
    }
    if (rc) {
        run_args_free(&a);
        return rc;
    }
    char *err = calloc(1, ERR_LEN);
    aidc_scenario sc;
    rc = EXIT_BAD_INPUT;
    if (aidc_scenario_load(&sc, a.scenario, a.overrides, a.seed, err, ERR_LEN) == 0) {
        aidc_topology t;
        memset(&t, 0, sizeof t);
        if (!sc.fabric.enabled) {
            snprintf(err, ERR_LEN, "%s: fabric: the scenario has no \"fabric\" section", a.scenario);
        } else if (aidc_topology_build(&t, &sc.fabric.topo, err, ERR_LEN) == 0 &&
                   aidc_topology_write_graphml(&t, a.out_dir, err, ERR_LEN) == 0) {
            if (!a.quiet)
                printf("%s: %s fabric, %d nodes, %d switches, %d links -> %s\n", a.scenario,
                       aidc_topology_kind_name(t.cfg.kind), t.n_nodes, t.n_switches, t.n_links,
                       a.out_dir);
            rc = EXIT_OK;
        }
        aidc_topology_fini(&t);
        aidc_scenario_fini(&sc);
    }
    if (rc) fprintf(stderr, "aidcsim: %s\n", err);
    free(err);
    run_args_free(&a);
    return rc;
}

static void print_policy(const aidc_policy_ops *ops)
{
    printf("  %-22s %s\n", ops->name, ops->description ? ops->description : "");
    if (!AIDC_OPS_HAS(ops, params) || !ops->params) return;
    static const char *const types[] = {"number", "string", "bool"};
    for (const aidc_policy_param_doc *d = ops->params; d->key; d++)
        printf("      %-20s %-6s %s%s%s%s\n", d->key,
               d->type <= AIDC_PARAM_BOOL ? types[d->type] : "?", d->description ? d->description : "",
               d->default_value ? " (default " : "", d->default_value ? d->default_value : "",
               d->default_value ? ")" : "");
}

static int cmd_policies(int argc, char **argv)
{
    if (argc > 0 && (strcmp(argv[0], "-h") == 0 || strcmp(argv[0], "--help") == 0)) {
        fputs(usage_policies, stdout);
        return EXIT_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "aidcsim policies: unexpected argument \"%s\"\n\n%s", argv[1], usage_policies);
        return EXIT_BAD_INPUT;
    }
    if (argc == 1) {
        aidc_plugin p;
        char err[1024];
        if (aidc_plugin_load(&p, argv[0], err, sizeof err)) {
            fprintf(stderr, "aidcsim: %s: %s\n", argv[0], err);
            return EXIT_BAD_INPUT;
        }
        printf("%s: policy ABI %u.%u\n", argv[0], p.ops->abi_major, p.ops->abi_minor);
        print_policy(p.ops);
        aidc_plugin_unload(&p);
        return EXIT_OK;
    }
    const aidc_policy_ops *ops;
    printf("built-in policies (\"policy\": NAME or {\"name\": NAME, \"params\": {...}}; "
           "--policy NAME):\n");
    for (size_t i = 0; (ops = aidc_policy_builtin_at(i)) != NULL; i++) print_policy(ops);
    printf("plugins: \"policy\": {\"plugin\": \"path.so\", \"params\": {...}} or --policy "
           "path.so (policy ABI %d.%d)\n", AIDC_POLICY_ABI_MAJOR, AIDC_POLICY_ABI_MINOR);
    return EXIT_OK;
}

static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        fputs(usage_main, stdout);
        return EXIT_OK;
    }
    if (strcmp(argv[0], "run") == 0) fputs(usage_run, stdout);
    else if (strcmp(argv[0], "validate") == 0) fputs(usage_validate, stdout);
    else if (strcmp(argv[0], "policies") == 0) fputs(usage_policies, stdout);
    else if (strcmp(argv[0], "topology") == 0) fputs(usage_topology, stdout);
    else if (strcmp(argv[0], "report") == 0) fputs(aidc_report_usage, stdout);
    else if (strcmp(argv[0], "compare") == 0) return aidc_cmd_compare(1, (char *[]){"--help"});
    else if (strcmp(argv[0], "trace") == 0) return aidc_cmd_trace(1, (char *[]){"--help", NULL});
    else if (strcmp(argv[0], "sweep") == 0) fputs(aidc_sweep_usage, stdout);
    else if (strcmp(argv[0], "plan") == 0) fputs(aidc_plan_usage, stdout);
    else if (strcmp(argv[0], "place") == 0) fputs(aidc_place_usage, stdout);
    else if (strcmp(argv[0], "help") == 0) fputs("usage: aidcsim help [COMMAND]\n", stdout);
    else {
        fprintf(stderr, "aidcsim help: unknown command \"%s\"\n\n%s", argv[0], usage_main);
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage_main, stderr);
        return EXIT_BAD_INPUT;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) return cmd_help(0, NULL);
    if (strcmp(cmd, "--version") == 0) {
        printf("aidcsim %s (policy ABI %d.%d)\n", AIDC_VERSION, AIDC_POLICY_ABI_MAJOR,
               AIDC_POLICY_ABI_MINOR);
        return EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0) return cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "validate") == 0) return cmd_validate(argc - 2, argv + 2);
    if (strcmp(cmd, "policies") == 0) return cmd_policies(argc - 2, argv + 2);
    if (strcmp(cmd, "topology") == 0) return cmd_topology(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0) return aidc_cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "compare") == 0) return aidc_cmd_compare(argc - 2, argv + 2);
    if (strcmp(cmd, "help") == 0) return cmd_help(argc - 2, argv + 2);
    if (strcmp(cmd, "trace") == 0) return aidc_cmd_trace(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0) return aidc_cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "plan") == 0) return aidc_cmd_plan(argc - 2, argv + 2);
    if (strcmp(cmd, "place") == 0) return aidc_cmd_place(argc - 2, argv + 2);
    fprintf(stderr, "aidcsim: unknown command \"%s\"\n\n%s", cmd, usage_main);
    return EXIT_BAD_INPUT;
}
