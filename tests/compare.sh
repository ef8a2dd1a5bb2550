#!/usr/bin/env bash
# End-to-end checks of `aidcsim compare` on tests/data/compare (two 2-node scenarios whose
# schedules are worked out by hand in their trace files): exit status, exact values and
# verdicts (also recomputed independently in Python from the summaries), JUnit XML structure
# and counts, Markdown, tolerances that fail and pass, the --baseline-dir/--candidate-dir mode
# against the run mode, determinism, per-side overrides, and bad input (exit 2, nothing
# written).
#
# Run from the repository root after `make build/aidcsim plugins`; AIDCSIM=path changes the
# binary, BUILD=dir where the test plugins are (BUILD/plugins).
# Prints "ok - ..." / "not ok - ..." per check, then "compare: N passed, M failed".
set -u

. "$(dirname "$0")/lib.sh"
D=tests/data/compare

check() { # check NAME COMMAND...: ok when the command succeeds
  local name=$1; shift
  if "$@"; then ok "$name"; else notok "$name"; fi
}

w=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-compare.XXXXXX") || exit 2
trap 'rm -rf "$w"' EXIT

if [ ! -x "$AIDCSIM" ]; then
  notok "binary $AIDCSIM exists"
  echo "compare: $pass passed, $fail failed"
  exit 1
fi

# cmp_run NAME ARGS...: runs compare, keeping stdout, stderr and the exit status under $w/NAME.
cmp_run() {
  local name=$1; shift
  "$AIDCSIM" compare "$@" >"$w/$name.out" 2>"$w/$name.err"
  echo $? >"$w/$name.rc"
}
rc_of() { cat "$w/$1.rc"; }

# ---- 1. fifo -> easy-backfill with the default metrics: exit 0, hand-computed values ----

cmp_run pass "$D" --baseline fifo --candidate easy-backfill -o "$w/pass" \
  --junit "$w/pass.xml" --markdown "$w/pass.md"
check "fifo -> easy-backfill, default metrics: exit 0" [ "$(rc_of pass)" = 0 ]
check "the suite directory skips tolerances.json (no \"cluster\" key) and says so" \
  grep -q 'skipping tests/data/compare/tolerances.json: no top-level "cluster" key' "$w/pass.err"
check "the output directory holds both sides' runs and the comparison" \
  test -f "$w/pass/baseline/blocking/summary.json" -a -f "$w/pass/candidate/underestimate/jobs.csv" \
  -a -f "$w/pass/compare.json" -a -f "$w/pass/compare.csv"

# Values and verdicts by hand (trace comments): blocking waits FIFO 0/3590/7180/7170, EASY
# 0/3590/0/0; underestimate waits FIFO 0/3590/7180, EASY 0/7210/0. GPU busy time over
# 16 GPUs x makespan: 100800 GPU-s over 9000 s vs 7200 s; 144000 over 14400 s vs 10820 s.
expected_rows='blocking,wait_s.mean,4485,897.5,better
blocking,wait_s.p95,7178.5,3051.5,better
blocking,jct_s.mean,7185,3597.5,better
blocking,jct_s.p95,8978.5,6651.5,better
blocking,slowdown.mean,,,better
blocking,gpu_utilization.mean,0.7,0.875,better
blocking,jobs.completed,4,4,ok
blocking,energy_mwh.facility,,,better
blocking,cost_usd.total,,,better
underestimate,wait_s.mean,3590,2403.3333333333,better
underestimate,wait_s.p95,6821,6489,ok
underestimate,jct_s.mean,8390,7203.3333333333,better
underestimate,jct_s.p95,13661,10449,better
underestimate,slowdown.mean,,,ok
underestimate,gpu_utilization.mean,0.625,0.8317929759704,better
underestimate,jobs.completed,3,3,ok
underestimate,energy_mwh.facility,,,better
underestimate,cost_usd.total,,,better'
values_check() {
  "$PY" - "$w/pass/compare.csv" "$expected_rows" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = [l.split(",") for l in sys.argv[2].splitlines()]
bad = []
if len(rows) != len(want):
    bad.append("%d rows, want %d" % (len(rows), len(want)))
for r, (sc, m, b, c, v) in zip(rows, want):
    if (r["scenario"], r["metric"], r["verdict"]) != (sc, m, v):
        bad.append("%s/%s: %s, want %s/%s: %s" % (r["scenario"], r["metric"], r["verdict"], sc, m, v))
    for got, exp in ((r["baseline"], b), (r["candidate"], c)):
        if exp and abs(float(got) - float(exp)) > 1e-9 * max(1, abs(float(exp))):
            bad.append("%s/%s: %s, want %s" % (sc, m, got, exp))
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
check "exact values and verdicts of all 18 checks (hand-computed schedules)" values_check

# An independent re-computation of every verdict from the two summary.json files.
recompute() { # recompute OUTDIR
  "$PY" - "$1" <<'EOF'
import csv, json, math, sys
out = sys.argv[1]
bad = []
for r in csv.DictReader(open(out + "/compare.csv")):
    vals = []
    for side in ("baseline", "candidate"):
        v = json.load(open("%s/%s/%s/summary.json" % (out, side, r["scenario"])))
        for k in r["metric"].split("."):
            v = v[k]
        vals.append(float(v))
    b, c = vals
    band = 0.0
    if r["rel_tol"]: band = float(r["rel_tol"]) * abs(b)
    if r["abs_tol"]: band = max(band, float(r["abs_tol"]))
    worse = (c - b) if r["better"] == "lower" else (b - c)
    verdict = "REGRESSED" if worse > band else "better" if -worse > band else "ok"
    if (float(r["baseline"]), float(r["candidate"])) != (b, c) or verdict != r["verdict"] \
            or not math.isclose(float(r["allowed"]), band, rel_tol=1e-12, abs_tol=1e-15):
        bad.append("%s/%s: %s %s %s, recomputed %r %r %s band %r" % (r["scenario"], r["metric"],
                   r["baseline"], r["candidate"], r["verdict"], b, c, verdict, band))
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
check "every verdict recomputed in Python from the summaries agrees" recompute "$w/pass"

junit_check() { # junit_check FILE TESTS FAILURES "scenario/metric ..." (the failed cases)
  "$PY" - "$@" <<'EOF'
import sys
import xml.etree.ElementTree as ET
path, tests, failures, want = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4].split()
root = ET.parse(path).getroot()
bad = []
if root.tag != "testsuites": bad.append("root is <%s>" % root.tag)
if (int(root.get("tests")), int(root.get("failures")), int(root.get("errors"))) != (tests, failures, 0):
    bad.append("testsuites tests/failures/errors %s/%s/%s" % (root.get("tests"), root.get("failures"), root.get("errors")))
suites = root.findall("testsuite")
if [s.get("name") for s in suites] != ["blocking", "underestimate"]:
    bad.append("suites %r" % [s.get("name") for s in suites])
failed, n = [], 0
for s in suites:
    cases = s.findall("testcase")
    fs = [c for c in cases if c.find("failure") is not None]
    if int(s.get("tests")) != len(cases) or int(s.get("failures")) != len(fs):
        bad.append("suite %s counts %s/%s, has %d/%d" % (s.get("name"), s.get("tests"), s.get("failures"), len(cases), len(fs)))
    for c in cases:
        n += 1
        if c.get("classname") != s.get("name"): bad.append("classname %s" % c.get("classname"))
        f = c.find("failure")
        if f is not None:
            failed.append(s.get("name") + "/" + c.get("name"))
            if "regressed" not in f.get("message") or "baseline" not in (f.text or ""):
                bad.append("failure text %r" % f.get("message"))
if n != tests: bad.append("%d test cases" % n)
if sorted(failed) != sorted(want): bad.append("failed %r, want %r" % (failed, want))
if bad: print("\n".join(bad))
sys.exit(1 if bad else 0)
EOF
}
check "JUnit parses; 18 test cases in 2 suites, no failure" junit_check "$w/pass.xml" 18 0 ""
check "Markdown: PASS line and the table" grep -q ':white_check_mark: \*\*PASS\*\*: none of 18 checks regressed' "$w/pass.md"
check "Markdown: a row per check, verdicts marked" \
  [ "$(grep -c '^| blocking \|^| underestimate ' "$w/pass.md")" = 18 -a \
    "$(grep -c ':green_circle: better |$' "$w/pass.md")" = 14 ]
check "table: 18 checks, 0 REGRESSED, 14 better, 4 ok; PASS" \
  grep -q '^18 checks: 0 REGRESSED, 14 better, 4 ok$' "$w/pass.out"

# ---- 2. a worse candidate fails; JUnit marks exactly the regressed metrics -------------

cmp_run worse "$D/blocking.json" "$D/underestimate.json" --baseline easy-backfill --candidate fifo \
  --tolerances "$D/tolerances.json" -o "$w/worse" --junit "$w/worse.xml" --markdown "$w/worse.md"
check "easy-backfill -> fifo with tolerances.json: exit 1" [ "$(rc_of worse)" = 1 ]
check "JUnit marks exactly the 7 regressed checks" junit_check "$w/worse.xml" 10 7 \
  "blocking/wait_s.mean blocking/wait_s.max blocking/jct_s.mean blocking/gpu_utilization.mean underestimate/wait_s.mean underestimate/jct_s.mean underestimate/gpu_utilization.mean"
check "the shorter longest wait under FIFO in underestimate is 'better' (abs 0 band)" \
  grep -q '^underestimate,wait_s.max,lower,7210,7180,-30,.*,better$' "$w/worse/compare.csv"
check "Markdown: FAIL line and a Regressions table of 7 rows" \
  [ "$(grep -c ':x: \*\*FAIL\*\*: 7 of 10 checks regressed' "$w/worse.md")" = 1 -a \
    "$(sed -n '/^#### Regressions/,/^<details>/p' "$w/worse.md" | grep -c '^| \(blocking\|underestimate\) ')" = 7 ]
check "recomputed verdicts agree (tolerance file)" recompute "$w/worse"

cmp_run fwd "$D" --baseline fifo --candidate easy-backfill --tolerances "$D/tolerances.json" \
  -o "$w/fwd" --junit "$w/fwd.xml"
check "fifo -> easy-backfill with tolerances.json: exit 1 (EASY's overrunning backfill)" [ "$(rc_of fwd)" = 1 ]
check "JUnit marks only underestimate/wait_s.max" junit_check "$w/fwd.xml" 10 1 "underestimate/wait_s.max"

# ---- 3. the tolerance decides: +30 s on the longest wait ---------------------------------

for t in "30 0" "29.99 1" "1% 0" "0.4% 1" "0.5%,29 0"; do
  set -- $t
  cmp_run tol "$D/underestimate.json" --baseline fifo --candidate easy-backfill -o "$w/tol" \
    --metric "wait_s.max:$1" -q
  check "--metric wait_s.max:$1 -> exit $2" [ "$(rc_of tol)" = "$2" ]
done
# --metric replaces the file's entry for the same path
cmp_run repl "$D/underestimate.json" --baseline fifo --candidate easy-backfill -o "$w/repl" \
  --tolerances "$D/tolerances.json" --metric wait_s.max:1% -q
check "--metric overrides the tolerance file's entry: exit 0" [ "$(rc_of repl)" = 0 ]
check "... and keeps the file's other metrics (5 checks)" grep -q 'PASS: 0 of 5 checks' "$w/repl.out"

# ---- 4. --baseline-dir/--candidate-dir read the same numbers --------------------------------

cmp_run dirs --baseline-dir "$w/pass/baseline" --candidate-dir "$w/pass/candidate" -o "$w/dirs" \
  --junit "$w/dirs.xml"
check "dir mode: exit 0" [ "$(rc_of dirs)" = 0 ]
tables_equal() { diff <(sed '1d;/^outputs:/d' "$w/$1.out") <(sed '1d;/^outputs:/d' "$w/$2.out") >/dev/null; }
check "dir mode prints the same tables as the run mode" tables_equal pass dirs
check "dir mode writes the same compare.csv" cmp -s "$w/pass/compare.csv" "$w/dirs/compare.csv"
check "dir mode writes the same JUnit test cases" \
  diff <(grep -v '<property name="\(baseline\|candidate\)" ' "$w/pass.xml") \
       <(grep -v '<property name="\(baseline\|candidate\)" ' "$w/dirs.xml")
cmp_run single --baseline-dir "$w/pass/baseline/blocking" --candidate-dir "$w/pass/candidate/blocking" \
  -o "$w/single"
check "two single output directories compare as one scenario" \
  diff <(sed -n '/^blocking (seed/,/^$/p' "$w/pass.out") <(sed -n '/^blocking (seed/,/^$/p' "$w/single.out")
cmp_run worse_dirs --baseline-dir "$w/worse/baseline" --candidate-dir "$w/worse/candidate" \
  --tolerances "$D/tolerances.json" -o "$w/worse_dirs"
same_worse() { [ "$(rc_of worse_dirs)" = 1 ] && cmp -s "$w/worse/compare.csv" "$w/worse_dirs/compare.csv"; }
check "dir mode exits 1 on the same regressions" same_worse

# ---- 5. determinism -------------------------------------------------------------------------

cmp_run again "$D" --baseline fifo --candidate easy-backfill -o "$w/again" \
  --junit "$w/again.xml" --markdown "$w/again.md" -j 2
check "a second run (-j 2) writes byte-identical outputs" \
  diff -r "$w/pass" "$w/again"
same_reports() { cmp -s "$w/pass.xml" "$w/again.xml" && cmp -s "$w/pass.md" "$w/again.md"; }
check "... and byte-identical JUnit and Markdown" same_reports
check "... and the same table" tables_equal pass again

# ---- 6. per-side overrides ---------------------------------------------------------------------

cmp_run sides "$D/blocking.json" --baseline fifo --candidate fifo --candidate-set cluster.nodes=4 \
  --metric wait_s.mean:0 -o "$w/sides"
nodes() { "$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["cluster"]["nodes"])' "$1"; }
check "--candidate-set reaches the candidate only (2 vs 4 nodes)" \
  [ "$(nodes "$w/sides/baseline/blocking/summary.json")" = 2 -a \
    "$(nodes "$w/sides/candidate/blocking/summary.json")" = 4 ]
check "... and 4 nodes start every job at once (wait 4485 -> 0: better)" \
  grep -q '^blocking,wait_s.mean,lower,4485,0,-4485,-100,,0,0,better$' "$w/sides/compare.csv"

# ---- 7. policy plugins (built by `make plugins`) ------------------------------------------------

P=${BUILD:-build}/plugins
cmp_run plugin "$D" --baseline fifo --candidate "$P/good_fifo.so" -o "$w/plugin"
check "a plugin candidate (good_fifo.so, FIFO's schedule) against fifo: exit 0, 18 ok" \
  grep -q '^18 checks: 0 REGRESSED, 0 better, 18 ok$' "$w/plugin.out"
check "... the table names the plugin's policy" grep -q '^blocking (seed 1): fifo -> good-fifo$' "$w/plugin.out"

# a candidate that crashes fails its run, not the command: exit 3, nothing written (under
# AddressSanitizer the child reports the fault and exits 1 instead of dying of the signal)
cc -std=c11 -Wall -Wextra -Werror -fPIC -shared -I. -o "$w/crash.so" "$D/crash_policy.c"
cmp_run crash "$D" --baseline fifo --candidate "$w/crash.so" -o "$w/crashdir"
crashed() {
  [ "$(rc_of crash)" = 3 ] && [ ! -e "$w/crashdir" ] && [ -z "$(ls -d "$w"/crashdir.* 2>/dev/null)" ] &&
    grep -q "candidate run of tests/data/compare/blocking.json failed: the run \(was killed by signal 11\|ended with exit status\)" "$w/crash.err"
}
check "a crashing plugin candidate: exit 3, the failed run named, nothing written" crashed

# ---- 8. bad input: exit 2, a message, nothing written ------------------------------------------

# bad NAME "message pattern" ARGS...: exit 2, the pattern on stderr, and -o left alone
bad() {
  local name=$1 pat=$2; shift 2
  cmp_run "$name" "$@" -o "$w/bad-out"
  if [ "$(rc_of "$name")" = 2 ] && grep -q -- "$pat" "$w/$name.err" && [ ! -e "$w/bad-out" ] &&
     [ -z "$(ls -d "$w"/bad-out.* 2>/dev/null)" ]; then
    ok "bad input ($name): exit 2, \"$pat\", nothing written"
  else
    notok "bad input ($name): exit $(rc_of "$name"): $(tr '\n' ' ' <"$w/$name.err" | cut -c 1-300)"
  fi
}
printf '{\n  "metrics": {\n    "wait_s.p95": {"rel": 0.05,}\n  }\n}\n' >"$w/malformed.json"
bad malformed-tolerances "$w/malformed.json:3:33: invalid JSON" \
  "$D" --baseline fifo --candidate easy-backfill --tolerances "$w/malformed.json"
printf '{"metrics": {"wait_s.p95": {"rel": "5%%"}}}\n' >"$w/strtol.json"
bad tolerance-type "strtol.json:1:36: metrics\[\"wait_s.p95\"\].rel: expected a number" \
  "$D" --baseline fifo --candidate easy-backfill --tolerances "$w/strtol.json"
bad missing-tolerances "nope.json: cannot open" \
  "$D" --baseline fifo --candidate easy-backfill --tolerances "$w/nope.json"
bad unknown-metric "$w/bad-out/baseline/blocking/summary.json: wait_s.p96: no such metric in this summary; did you mean \"wait_s.p95\"?" \
  "$D" --baseline fifo --candidate easy-backfill --metric wait_s.p96:5%
bad non-numeric-metric "summary.json:[0-9]*:[0-9]*: policy: metric \"policy\" is not a number" \
  "$D" --baseline fifo --candidate easy-backfill --metric policy:0:lower
bad missing-suite-file "tests/data/compare/nope.json: cannot open: No such file or directory" \
  "$D/nope.json" --baseline fifo --candidate easy-backfill
bad unknown-policy "candidate: .*unknown policy \"easy-backfil\"; did you mean \"easy-backfill\"?" \
  "$D" --baseline fifo --candidate easy-backfil
bad missing-plugin "--candidate ./nope.so: cannot open the policy plugin" \
  "$D" --baseline fifo --candidate ./nope.so
bad wrong-major-plugin "candidate: tests/data/compare/blocking.json: policy.plugin: plugin .*wrong_major.so\" was built against policy ABI 2.x" \
  "$D" --baseline fifo --candidate "$P/wrong_major.so"
bad bad-policy-param "candidate run of tests/data/compare/blocking.json failed: .*policy \"sjf\": \"backfill\" must be" \
  "$D/blocking.json" --baseline sjf --candidate sjf --candidate-set policy.params.backfill=bogus
bad bad-metric-arg "--metric wait_s.p95:5x: tolerance \"5x\"" \
  "$D" --baseline fifo --candidate easy-backfill --metric wait_s.p95:5x
bad no-direction "no known direction for \"my.metric\"" \
  "$D" --baseline fifo --candidate easy-backfill --metric my.metric:5%
bad bad-jobs "-j: expected a number of runs from 1 to 256" \
  "$D" --baseline fifo --candidate easy-backfill -j 0
bad missing-candidate "missing --candidate POLICY" "$D" --baseline fifo
bad both-modes "not both" "$D" --baseline fifo --candidate fifo --baseline-dir "$w/pass/baseline"
bad missing-dir "--candidate-dir $w/nope: no such directory" \
  --baseline-dir "$w/pass/baseline" --candidate-dir "$w/nope"
bad dir-shapes "give both as single output directories or both" \
  --baseline-dir "$w/pass/baseline" --candidate-dir "$w/pass/candidate/blocking"
mkdir -p "$w/partial/blocking" && cp "$w/pass/baseline/blocking/summary.json" "$w/partial/blocking/"
bad unpaired-scenario "scenario underestimate: in --baseline-dir" \
  --baseline-dir "$w/pass/baseline" --candidate-dir "$w/partial"
bad duplicate-names "both scenarios are named \"blocking\"" \
  "$D/blocking.json" "$D" --baseline fifo --candidate easy-backfill
mkdir -p "$w/junk" && cp "$D/blocking.json" "$D/blocking.csv" "$w/junk/" && echo '{' >"$w/junk/broken.json"
bad unparsable-in-suite-dir "broken.json:2:1: unexpected end of file" \
  "$w/junk" --baseline fifo --candidate easy-backfill
mkdir -p "$w/empty" && cp "$D/tolerances.json" "$w/empty/"
bad no-scenarios "no scenarios in this directory" "$w/empty" --baseline fifo --candidate easy-backfill
# found only when the run builds the simulation (in its own process): a job larger than the cluster
printf 'id,submit_s,gpus,duration_s\na,0,32,10\n' >"$w/big.csv"
printf '{"cluster": {"system": "DGX-H100", "nodes": 2}, "workload": {"trace": "big.csv"}}\n' >"$w/big.json"
bad run-time-input-error "baseline run of $w/big.json failed: $w/big.csv:2: job \"a\" can never run here" \
  "$w/big.json" --baseline fifo --candidate easy-backfill

# a failed compare leaves the previous output directory as it was
cp -r "$w/pass" "$w/keep"
"$AIDCSIM" compare "$D" --baseline fifo --candidate easy-backfill --metric wait_s.p96:5% \
  -o "$w/keep" >/dev/null 2>&1
kept() { diff -r "$w/pass" "$w/keep" >/dev/null && [ -z "$(ls -d "$w"/keep.* 2>/dev/null)" ]; }
check "a failed compare (exit 2) leaves the previous output untouched, no temporary left" kept
cmp_run protect --baseline-dir "$w/pass/baseline" --candidate-dir "$w/pass/candidate" -o "$w/pass"
protected() { [ "$(rc_of protect)" = 2 ] && grep -q 'would replace' "$w/protect.err" && test -d "$w/pass/baseline"; }
check "dir mode refuses an -o that holds the directories it reads" protected

mkdir -p "$w/suite" && cp "$D"/*.json "$D"/*.csv "$w/suite/"
cmp_run protect2 "$w/suite" --baseline fifo --candidate easy-backfill -o "$w"
protected2() { [ "$(rc_of protect2)" = 2 ] && grep -q "would replace $w/suite, which this compare reads" "$w/protect2.err" && test -f "$w/suite/blocking.json"; }
check "run mode refuses an -o that holds the suite" protected2

"$AIDCSIM" help compare >"$w/help.out" 2>&1
check "aidcsim help compare" grep -q -- '--baseline-dir DIR' "$w/help.out"

echo "compare: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
