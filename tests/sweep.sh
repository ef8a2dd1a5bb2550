#!/usr/bin/env bash
# End-to-end checks of `aidcsim sweep` and `aidcsim plan`: identical result files
# from -j 1, -j 4 and mpirun -n 2; mean and confidence interval recomputed from the
# per-run rows; a failing run reported while the others complete; resuming reruns
# nothing complete; bad sweep and plan files rejected with file:line:col and key
# path, exit 2 and nothing written; the example sweep and plan in scenarios/.
#
# Run from the repository root after `make build/aidcsim` (AIDCSIM=path to change
# the binary). Needs mpirun (Debian openmpi-bin; `make test` installs it) and a
# binary built with MPI. Prints "ok - ..." / "not ok - ..." lines and then
# "sweep: N passed, M failed"; exits 1 when M > 0.
set -u
. "$(dirname "$0")/lib.sh"
AIDCSIM=$(cd "$(dirname "$AIDCSIM")" && pwd)/$(basename "$AIDCSIM")
root=$PWD

check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }

work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-sweep.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# mpirun refuses root unless told; CI runs as root
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

# ---- a. identical results from -j 1, -j 4 and mpirun -n 2 ---------------------------
cat >"$work/s.json" <<EOF
{
  "scenario": "$root/scenarios/default.json",
  "seeds": 2,
  "set": ["horizon=2d"],
  "axes": [
    { "key": "policy", "values": ["fifo", "easy-backfill"] },
    { "key": "power.site_cap", "range": { "from": 150, "to": 250, "step": 100, "unit": "kW" } }
  ],
  "metrics": ["wait_s.mean", "gpu_utilization.mean", "cost_usd.total", "gpu_hours_delivered / cost_usd.total"]
}
EOF
"$AIDCSIM" sweep "$work/s.json" -o "$work/j1" -j 1 >"$work/j1.out" 2>"$work/j1.err"
rc1=$?
"$AIDCSIM" sweep "$work/s.json" -o "$work/j4" -j 4 -q >"$work/j4.out" 2>"$work/j4.err"
rc4=$?
check "sweep -j 1 and -j 4 exit 0" '[ $rc1 -eq 0 ] && [ $rc4 -eq 0 ]'
check "sweep -j 1 ran 8 runs (4 points x 2 seeds)" 'grep -q "8 runs (4 points x 2 seeds) on 1 local process: 8 ran, 0 resumed, 0 failed" "$work/j1.out"'
check "sweep --quiet prints nothing" '[ ! -s "$work/j4.out" ] && [ ! -s "$work/j4.err" ]'
same=1
for f in results.csv runs.csv results.json charts/sweep.svg charts/sweep.png; do cmp -s "$work/j1/$f" "$work/j4/$f" || same=0; done
diff -r "$work/j1/runs" "$work/j4/runs" >/dev/null || same=0
check "-j 1 and -j 4 give byte-identical result files and run directories" '[ $same -eq 1 ]'
if command -v mpirun >/dev/null 2>&1; then
  # under `make asan`: Open MPI's never-freed allocations are not ours (tools/lsan-mpi.supp)
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0 LSAN_OPTIONS=suppressions=$PWD/tools/lsan-mpi.supp \
    mpirun -n 2 --oversubscribe "$AIDCSIM" sweep "$work/s.json" -o "$work/mpi" >"$work/mpi.out" 2>"$work/mpi.err"
  rcm=$?
  check "mpirun -n 2 sweep exits 0 and runs on 2 MPI ranks" '[ $rcm -eq 0 ] && grep -q "on 2 MPI ranks: 8 ran" "$work/mpi.out"'
  same=1
  for f in results.csv runs.csv results.json charts/sweep.svg; do cmp -s "$work/j1/$f" "$work/mpi/$f" || same=0; done
  diff -r "$work/j1/runs" "$work/mpi/runs" >/dev/null || same=0
  check "mpirun -n 2 gives the same files as -j 1" '[ $same -eq 1 ]'
else
  notok "mpirun is installed (Debian openmpi-bin; make test installs it)"
fi

# the table: 4 points, 2 seeds each, mean and 95% half-width from the run rows
"$PY" - "$work/j1" >"$work/stats.out" 2>&1 <<'EOF'
import csv, json, math, sys
d = sys.argv[1]
runs = list(csv.DictReader(open(d + "/runs.csv")))
pts = list(csv.DictReader(open(d + "/results.csv")))
assert len(runs) == 8 and len(pts) == 4, (len(runs), len(pts))
assert [p["policy"] for p in pts] == ["fifo", "fifo", "easy-backfill", "easy-backfill"]
assert [p["power.site_cap"] for p in pts] == ["150kW", "250kW", "150kW", "250kW"]
t = 12.706204736174705  # Student t(0.975, 1): two seeds
j = json.load(open(d + "/results.json"))
for m in ["wait_s.mean", "cost_usd.total", "gpu_hours_delivered / cost_usd.total"]:
    for i, p in enumerate(pts):
        xs = [r["metrics"][m] for r in j["points"][i]["runs"]]
        assert [float(r[m]) for r in runs if int(r["point"]) == i] == [float("%.10g" % x) for x in xs]
        mean = sum(xs) / 2
        half = t * math.sqrt(sum((x - mean) ** 2 for x in xs)) / math.sqrt(2)
        st = j["points"][i]["stats"][m]
        assert math.isclose(st["mean"], mean, rel_tol=1e-12) and math.isclose(st["half"], half, rel_tol=1e-9, abs_tol=1e-12), (m, i)
        assert math.isclose(float(p[m + ".mean"]), mean, rel_tol=1e-9), (m, i)
        assert math.isclose(float(p[m + ".ci95"]), half, rel_tol=1e-9, abs_tol=1e-12), (m, i, p[m + ".ci95"], half)
j = json.load(open(d + "/results.json"))
assert j["runs"] == 8 and j["failed"] == 0 and len(j["points"]) == 4
assert j["points"][3]["inputs"] == {"policy": "easy-backfill", "power.site_cap": "250kW"}
s = json.load(open(d + "/" + j["points"][0]["runs"][1]["dir"] + "/summary.json"))
assert s["seed"] == 8 and s["policy"] == "fifo", s
assert math.isclose(j["points"][0]["runs"][1]["metrics"]["wait_s.mean"], s["wait_s"]["mean"], rel_tol=1e-12)
print("stats ok")
EOF
check "results.csv mean and ci95 match the run rows (Student t); results.json points and run dirs" 'grep -q "stats ok" "$work/stats.out"'
[ "$fail" -gt 0 ] && cat "$work/stats.out"

# ---- b. a failing run, and resuming -------------------------------------------------
cat >"$work/f.json" <<EOF
{
  "scenario": "$root/scenarios/default.json",
  "seeds": 2,
  "set": ["horizon=1d"],
  "axes": [ { "key": "cluster.nodes", "values": [8, 1, 16] } ]
}
EOF
"$AIDCSIM" sweep "$work/f.json" -o "$work/f" -j 2 >"$work/f.out" 2>"$work/f.err"
rcf=$?
check "a sweep with failing runs exits 2 (the runs' status)" '[ $rcf -eq 2 ]'
check "each failed run is reported with its message" '[ "$(grep -c "run .*/runs/1-s[0-9]* failed (exit 2): .*can never run here" "$work/f.err")" -eq 2 ]'
check "the other runs completed" 'grep -q "6 runs (3 points x 2 seeds) on 2 local processes: 6 ran, 0 resumed, 2 failed" "$work/f.out" && [ -f "$work/f/runs/8-s7/summary.json" ] && [ -f "$work/f/runs/16-s8/summary.json" ] && [ ! -e "$work/f/runs/1-s7" ]'
check "runs.csv marks the failed runs with status and message" '[ "$(grep -c "^1,1,[0-9]*,2,runs/1-s[0-9]*,.*can never run here" "$work/f/runs.csv")" -eq 2 ]'
ino_before=$(stat -c %i "$work/f/runs/8-s7" "$work/f/runs/16-s8")
"$AIDCSIM" sweep "$work/f.json" -o "$work/f" -j 2 >"$work/f2.out" 2>"$work/f2.err"
ino_after=$(stat -c %i "$work/f/runs/8-s7" "$work/f/runs/16-s8")
check "a resumed sweep reruns only the failed runs" 'grep -q "2 ran, 4 resumed, 2 failed" "$work/f2.out" && [ "$ino_before" = "$ino_after" ]'
rm -rf "$work/j1/runs/easy-backfill_150kW-s7"
cp "$work/j1/results.csv" "$work/results.before"
"$AIDCSIM" sweep "$work/s.json" -o "$work/j1" -j 2 >"$work/r.out" 2>&1
check "the sweep chart names every metric, under the sweep's title" 'test -s "$work/j1/charts/sweep.png" && grep -q "Sweep" "$work/j1/charts/sweep.svg" && /usr/bin/python3 -c "
import json, sys
svg = open(sys.argv[2]).read()
sys.exit(0 if all(\">%s<\" % m in svg for m in json.load(open(sys.argv[1]))[\"metrics\"]) else 1)" "$work/j1/results.json" "$work/j1/charts/sweep.svg"'
check "after losing one run directory, a resume runs exactly that run and writes the same table" 'grep -q "1 ran, 7 resumed, 0 failed" "$work/r.out" && cmp -s "$work/results.before" "$work/j1/results.csv"'

# ---- c. bad sweep and plan files ----------------------------------------------------
# name|file text|expected message (grep -E)
bad_case() {
  local name=$1 text=$2 want=$3 kind=${4:-sweep}
  printf '%s\n' "$text" >"$work/$name.json"
  "$AIDCSIM" "$kind" "$work/$name.json" -o "$work/bad-$name" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  if [ $rc -eq 2 ] && tr '\n' ' ' <"$work/$name.err" | grep -qE -- "$want" && [ ! -e "$work/bad-$name" ]; then
    ok "bad $kind file $name: exit 2, \"$want\", nothing written"
  else
    notok "bad $kind file $name: exit $rc, $(tr '\n' ' ' <"$work/$name.err" | cut -c1-200)"
  fi
}
S="\"scenario\": \"$root/scenarios/default.json\""
bad_case unknown-key "{ $S, \"axis\": [] }" "unknown-key.json:1:[0-9]+: axis: unknown key \"axis\"; did you mean \"axes\"\\?"
bad_case no-axes "{ $S }" "give exactly one of \"axes\""
bad_case axis-typo "{ $S,
  \"axes\": [ { \"key\": \"cluster.nodez\", \"values\": [4] } ] }" "axis-typo.json:2:50: axes\\[0\\].values\\[0\\]: the scenario does not load.*cluster.nodez: unknown key"
bad_case axis-value "{ $S,
  \"axes\": [ { \"key\": \"policy\", \"values\": [\"fifo\", \"lifo\"] } ] }" "axis-value.json:2:51: axes\\[0\\].values\\[1\\]: .*unknown policy \"lifo\""
bad_case range-backwards "{ $S,
  \"axes\": [ { \"key\": \"cluster.nodes\", \"range\": { \"from\": 8, \"to\": 4, \"step\": 1 } } ] }" "range-backwards.json:2:[0-9]+: axes\\[0\\].range.to: \"to\" \\(4\\) is below \"from\" \\(8\\)"
bad_case seeds-negative "{ $S, \"seeds\": -1,
  \"axes\": [ { \"key\": \"policy\", \"values\": [\"fifo\"] } ] }" "seeds-negative.json:1:[0-9]+: seeds: expected"
bad_case set-not-kv "{ $S, \"set\": [\"horizon\"],
  \"axes\": [ { \"key\": \"policy\", \"values\": [\"fifo\"] } ] }" "set-not-kv.json:1:[0-9]+: set\\[0\\]: expected a \"key.path=value\" string"
bad_case missing-scenario "{ \"scenario\": \"nope.json\", \"axes\": [ { \"key\": \"policy\", \"values\": [\"fifo\"] } ] }" "scenario: the base scenario does not load:.*nope.json: cannot open"
bad_case duplicate-value "{ $S,
  \"axes\": [ { \"key\": \"cluster.nodes\", \"values\": [4, 4] } ] }" "duplicate-value.json:2:[0-9]+: axes\\[0\\].values\\[1\\]: the value 4 appears twice"
bad_case not-json "{ $S, " "not-json.json:[0-9]+:[0-9]+: (unexpected end of file|invalid JSON)"
bad_case plan-constraint "{ $S,
  \"variables\": [ { \"key\": \"cluster.nodes\", \"values\": [16, 32], \"monotone\": true } ],
  \"constraints\": [\"wait_s.p95 =< 3600\"], \"objective\": \"minimize cost_usd.total\" }" "plan-constraint.json:3:[0-9]+: constraints\\[0\\]: expected \"METRIC OP VALUE\"" plan
bad_case plan-objective "{ $S,
  \"variables\": [ { \"key\": \"cluster.nodes\", \"values\": [16, 32] } ],
  \"constraints\": [\"wait_s.p95 <= 3600\"], \"objective\": \"cheapest\" }" "plan-objective.json:3:[0-9]+: objective: expected \"minimize METRIC\"" plan
bad_case plan-monotone-strings "{ $S,
  \"variables\": [ { \"key\": \"policy\", \"values\": [\"fifo\", \"easy-backfill\"], \"monotone\": true } ],
  \"constraints\": [\"wait_s.p95 <= 3600\"], \"objective\": \"minimize cost_usd.total\" }" "plan-monotone-strings.json:2:[0-9]+: variables\\[0\\].monotone: a monotone variable needs increasing numbers" plan

# a metric that summary.json does not have: the runs complete, then exit 2 naming it
cat >"$work/m.json" <<EOF
{ "scenario": "$root/scenarios/default.json", "set": ["horizon=1d"],
  "axes": [ { "key": "policy", "values": ["fifo"] } ],
  "metrics": ["wait_s.mean", "wait_s.p96"] }
EOF
"$AIDCSIM" sweep "$work/m.json" -o "$work/m" >"$work/m.out" 2>"$work/m.err"
rcm=$?
check "a metric missing from summary.json: exit 2 at metrics[1]" '[ $rcm -eq 2 ] && grep -q "m.json:3:30: metrics\[1\]: \"wait_s.p96\" is not in summary.json" "$work/m.err"'

# ---- d. the example sweep and plan ------------------------------------------------------
"$AIDCSIM" sweep scenarios/sweeps/policy-x-cap.json -o "$work/ex-sweep" -q
rc=$?
check "scenarios/sweeps/policy-x-cap.json runs (9 points x 3 seeds)" '[ $rc -eq 0 ] && [ "$(wc -l <"$work/ex-sweep/results.csv")" -eq 10 ] && [ "$(wc -l <"$work/ex-sweep/runs.csv")" -eq 28 ]'
"$AIDCSIM" plan scenarios/plans/buildout.json -o "$work/ex-plan" >"$work/plan.out" 2>&1
rc=$?
check "scenarios/plans/buildout.json finds an answer" '[ $rc -eq 0 ] && grep -q "answer     cluster.nodes=" "$work/plan.out"'
"$PY" - "$work/ex-plan" >"$work/plan.check" 2>&1 <<'EOF'
import csv, json, sys
d = sys.argv[1]
p = json.load(open(d + "/plan.json"))
a = p["answer"]
assert a["verdict"] == "feasible"
for c in a["constraints"]:
    assert c["holds"] and c["hi"] <= float(c["constraint"].split("<=")[1]), c
ev = [e for e in p["evaluated"] if e["verdict"] == "feasible"]
assert min(e["objective"]["mean"] for e in ev) == a["objective"]["mean"]
# one node step fewer on the monotone variable is infeasible: the bisection's boundary
n = a["inputs"]["cluster.nodes"]
below = [e for e in p["evaluated"] if e["inputs"]["cluster.nodes"] == n - 2 and
         all(e["inputs"][k] == v for k, v in a["inputs"].items() if k != "cluster.nodes")]
assert below and below[0]["verdict"] != "feasible", below
sens = list(csv.DictReader(open(d + "/sensitivity.csv")))
assert {s["variable"] for s in sens} == {"cluster.nodes", "policy", "cooling.type"}
front = list(csv.DictReader(open(d + "/pareto.csv")))
assert any(r["chosen"] == "1" for r in front)
print("plan ok")
EOF
check "the plan's answer is the cheapest feasible point, its boundary and sensitivity are reported" 'grep -q "plan ok" "$work/plan.check"'
grep -q "plan ok" "$work/plan.check" || cat "$work/plan.check"
"$AIDCSIM" plan scenarios/plans/buildout.json -o "$work/ex-plan2" -q -j 1
check "the plan's files are identical on a second run with -j 1" 'cmp -s "$work/ex-plan/plan.json" "$work/ex-plan2/plan.json" && cmp -s "$work/ex-plan/evaluations.csv" "$work/ex-plan2/evaluations.csv"'
check "the plan draws a Pareto chart per inequality constraint, identical on a second run" 'test -s "$work/ex-plan/charts/pareto-1.png" && test -s "$work/ex-plan/charts/pareto-2.svg" && grep -q "Pareto front" "$work/ex-plan/charts/pareto-1.svg" && cmp -s "$work/ex-plan/charts/pareto-1.svg" "$work/ex-plan2/charts/pareto-1.svg" && cmp -s "$work/ex-plan/charts/pareto-2.png" "$work/ex-plan2/charts/pareto-2.png"'

echo "sweep: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
