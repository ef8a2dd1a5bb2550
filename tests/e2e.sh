#!/usr/bin/env bash
# End-to-end checks of the aidcsim binary: scenario and schema validation, determinism,
# the bad-input corpus (tests/data/bad), help and outputs, and output-directory replacement.
#
# Run from the repository root as `bash tests/e2e.sh` after `make build/aidcsim`; the binary
# can be changed with AIDCSIM=path (tests/run_all.sh does). Needs /usr/bin/python3 with
# jsonschema (Debian python3-jsonschema; `make test` installs it).
#
# Prints one line per check, "ok - ..." or "not ok - ... (why)", then exactly one line
# "e2e: N passed, M failed"; exits 1 when M > 0.
set -u

. "$(dirname "$0")/lib.sh"
SCHEMA=scenarios/aidcsim.schema.json
BAD=tests/data/bad
GOOD=tests/data/good


work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-e2e.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/logs"

if [ ! -x "$AIDCSIM" ]; then
  notok "binary $AIDCSIM exists (run make build/aidcsim)"
  echo "e2e: $pass passed, $fail failed"
  exit 1
fi

# ---- a. scenarios and the JSON schema ---------------------------------------------------

# Prints one line per file: "valid|invalid|unparsable<TAB>file<TAB>error places<TAB>detail",
# the error places being JSON pointers without the leading "/" ("(root)" for the top level).
schema_check() {
  "$PY" -c '
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema)
for path in sys.argv[2:]:
    try:
        with open(path, encoding="utf-8-sig") as f:
            doc = json.load(f)
    except Exception as e:
        print("unparsable\t%s\t\t%s" % (path, str(e).replace("\n", " ")))
        continue
    errs = list(v.iter_errors(doc))
    def walk(es):
        for e in es:
            yield e
            yield from walk(e.context)
    if errs:
        e = jsonschema.exceptions.best_match(errs)
        where = sorted({"/".join(str(p) for p in x.absolute_path) or "(root)" for x in walk(errs)})
        print("invalid\t%s\t%s\t%s" % (path, " ".join(where), e.message[:160].replace("\n", " ")))
    else:
        print("valid\t%s\t\t" % path)
' "$SCHEMA" "$@"
}

# Files the loader rejects for a reason the schema expresses: the schema must reject them
# too, with an error at the given place (a JSON pointer without the leading "/").
schema_rejects=(
  json-top-array:"(root)" type-nodes-string:cluster/nodes type-horizon-number:horizon
  type-policy-array:policy type-name-empty:name
  count-nodes-negative:cluster/nodes count-nodes-zero:cluster/nodes count-nodes-huge:cluster/nodes
  count-nodes-fraction:cluster/nodes count-gpus-per-node-zero:cluster/gpus_per_node
  count-seed-negative:seed
  key-typo-top:"(root)" key-typo-cluster:cluster key-typo-synthetic:workload/synthetic
  key-typo-arrival:workload/synthetic/arrival key-typo-catalog-gpu:catalog/gpus/X100
  key-schema:"(root)"
  unit-30-days:horizon unit-10kw:catalog/systems/DGX-H100/max_power
  unit-5M-duration:workload/synthetic/duration/median
  unit-money-no-currency:catalog/gpus/H100-SXM/price
  unknown-arrival-process:workload/synthetic/arrival/process unknown-kind:workload/synthetic/kind
  workload-missing:"(root)" workload-both:workload workload-unfit-typo:workload/unfit
  synthetic-no-jobs-no-horizon:workload/synthetic
  synthetic-gpus-negative:workload/synthetic/gpus/values/2
  synthetic-hourly-23:workload/synthetic/arrival/hourly
  catalog-new-gpu-incomplete:catalog/gpus/X100
)
# Files whose problem only the loader can see (catalog names, files, cross-field rules,
# duplicate keys): the schema must accept them, or it is stricter than the loader.
schema_accepts=(
  duplicate-key count-too-many-gpus unit-horizon-zero unknown-system unknown-gpu unknown-policy
  policy-params-fifo synthetic-weights-length synthetic-never-fits synthetic-tenant-weights-zero
  catalog-idle-above-tdp catalog-system-unknown-gpu empirical-bad-sample arrival-trace-one-job
  arrival-trace-zero-gaps synthetic-duration-overflow
  trace-missing-file trace-is-directory trace-non-numeric trace-negative-gpus trace-missing-column
  trace-short-row trace-duplicate-id trace-never-fits trace-bad-kind trace-unterminated-quote
)
# Syntax cases: Python's JSON parser must reject them as well (keeps the fixtures honest).
not_json=(json-missing-comma json-trailing-garbage json-truncated json-empty json-blank json-nul-byte)

good_files=()
for f in scenarios/*.json "$GOOD"/*.json; do
  [ "$f" = "$SCHEMA" ] && continue
  good_files+=("$f")
done

for f in "${good_files[@]}"; do
  if "$AIDCSIM" validate "$f" >"$work/logs/v.out" 2>"$work/logs/v.err" && grep -q ': valid (' "$work/logs/v.out" \
     && [ ! -s "$work/logs/v.err" ]; then
    ok "aidcsim validate $f"
  else
    notok "aidcsim validate $f ($(oneline "$work/logs/v.err"))"
  fi
done

if ! "$PY" -c 'import jsonschema' 2>/dev/null; then
  notok "python3 jsonschema is importable (install python3-jsonschema); schema checks not run"
else
  files=("${good_files[@]}")
  for n in "${schema_rejects[@]%%:*}" "${schema_accepts[@]}" "${not_json[@]}"; do files+=("$BAD/$n.json"); done
  if ! schema_check "${files[@]}" >"$work/logs/schema.tsv" 2>"$work/logs/schema.err"; then
    notok "schema $SCHEMA is a valid JSON Schema and the checker runs ($(oneline "$work/logs/schema.err"))"
  else
    ok "schema $SCHEMA is a valid JSON Schema"
  fi
  declare -A sres swhere sdetail
  while IFS=$'\t' read -r status file where detail; do
    sres[$file]=$status
    swhere[$file]=$where
    sdetail[$file]=$detail
  done <"$work/logs/schema.tsv"
  expect_schema() { # file wanted-status what [place]
    local got=${sres[$1]:-none}
    if [ "$got" != "$2" ]; then
      notok "schema: $1 $3 (got $got: ${sdetail[$1]:-})"
    elif [ -n "${4:-}" ] && [[ " ${swhere[$1]} " != *" $4 "* ]]; then
      notok "schema: $1 $3 at $4 (errors only at: ${swhere[$1]})"
    else
      ok "schema: $1 $3${4:+ at $4}"
    fi
  }
  for f in "${good_files[@]}"; do expect_schema "$f" valid "is valid"; done
  for n in "${schema_rejects[@]}"; do expect_schema "$BAD/${n%%:*}.json" invalid "is rejected" "${n#*:}"; done
  for n in "${schema_accepts[@]}"; do expect_schema "$BAD/$n.json" valid "is accepted (loader-only problem)"; done
  for n in "${not_json[@]}"; do expect_schema "$BAD/$n.json" unparsable "is not JSON to Python either"; done
fi

# ---- b. determinism ---------------------------------------------------------------------

# run_quiet DIR SCENARIO [ARGS...]: a successful quiet run into DIR; 0 or 1.
run_quiet() {
  local dir=$1 sc=$2
  shift 2
  "$AIDCSIM" run "$sc" -o "$dir" --quiet "$@" >"$work/logs/run.out" 2>"$work/logs/run.err" \
    && [ ! -s "$work/logs/run.out" ] && [ -s "$dir/summary.json" ] && [ -s "$dir/jobs.csv" ] \
    && [ -s "$dir/timeseries.csv" ]
}
same_outputs() { # dirA dirB: every output byte-identical
  cmp -s "$1/summary.json" "$2/summary.json" && cmp -s "$1/jobs.csv" "$2/jobs.csv" \
    && cmp -s "$1/timeseries.csv" "$2/timeseries.csv"
}
determinism() { # label scenario [args...]
  local label=$1 sc=$2 d1=$work/det/$1.1 d2=$work/det/$1.2
  shift 2
  mkdir -p "$work/det"
  if ! run_quiet "$d1" "$sc" "$@" || ! run_quiet "$d2" "$sc" "$@"; then
    notok "determinism $label: runs succeed ($(oneline "$work/logs/run.err"))"
    return 1
  fi
  if same_outputs "$d1" "$d2"; then
    ok "determinism $label: two runs give byte-identical summary.json, jobs.csv, timeseries.csv"
  else
    notok "determinism $label: two runs differ"
  fi
}

determinism default scenarios/default.json
if run_quiet "$work/det/default.seed8" scenarios/default.json --seed 8; then
  if cmp -s "$work/det/default.1/jobs.csv" "$work/det/default.seed8/jobs.csv"; then
    notok "determinism default: --seed 8 changes jobs.csv (it did not)"
  else
    ok "determinism default: --seed 8 changes jobs.csv"
  fi
else
  notok "determinism default: run with --seed 8 succeeds ($(oneline "$work/logs/run.err"))"
fi
determinism small-trace-fifo "$GOOD/small-trace.json" --set policy=fifo
determinism small-trace-easy "$GOOD/small-trace.json" --set policy=easy-backfill
if [ -s "$work/det/small-trace-fifo.1/jobs.csv" ] && [ -s "$work/det/small-trace-easy.1/jobs.csv" ]; then
  if [ "$(wc -l <"$work/det/small-trace-fifo.1/jobs.csv")" -eq 51 ]; then
    ok "small-trace: jobs.csv has a row for each of the 50 traced jobs"
  else
    notok "small-trace: jobs.csv has a row for each of the 50 traced jobs ($(wc -l <"$work/det/small-trace-fifo.1/jobs.csv") lines)"
  fi
  if cmp -s "$work/det/small-trace-fifo.1/jobs.csv" "$work/det/small-trace-easy.1/jobs.csv"; then
    notok "small-trace: fifo and easy-backfill schedules differ (they are identical)"
  else
    ok "small-trace: fifo and easy-backfill schedules differ"
  fi
fi
determinism custom-catalog "$GOOD/custom-catalog.json"
determinism resampled "$GOOD/resampled.json"

# ---- c. the bad-input corpus ------------------------------------------------------------

BAD_TIMEOUT=20
# bad NAME EXPECTED... -- ARGS...
# Runs aidcsim ARGS (any "@OUT@" becomes this case's -o target in a fresh directory) and
# requires: exit status 2 (so no signal and no timeout), nothing on stdout, a non-empty
# stderr holding every EXPECTED substring (the file and its line or key path), and the
# case's directory unchanged afterwards: no output directory, no *.tmp-* or *.old-* sibling.
bad() {
  local name=$1
  shift
  local expects=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do expects+=("$1"); shift; done
  shift
  local dir=$work/bad/$name
  mkdir -p "$dir"
  [ -n "${BAD_SETUP:-}" ] && (cd "$dir" && eval "$BAD_SETUP")
  local args=() a
  for a in "$@"; do args+=("${a//@OUT@/$dir/out}"); done
  local before after
  before=$(cd "$dir" && ls -A && cat -- * 2>/dev/null | cksum)
  (timeout "$BAD_TIMEOUT" "$AIDCSIM" "${args[@]}" >"$work/logs/$name.out" 2>"$work/logs/$name.err"
   exit $?) 2>/dev/null
  local rc=$?
  after=$(cd "$dir" && ls -A && cat -- * 2>/dev/null | cksum)
  local why=()
  if [ $rc -eq 124 ]; then why+=("timed out after ${BAD_TIMEOUT}s")
  elif [ $rc -ge 128 ]; then why+=("killed by signal $((rc - 128))")
  elif [ $rc -ne 2 ]; then why+=("exit $rc, expected 2")
  fi
  [ -s "$work/logs/$name.out" ] && why+=("stdout not empty: $(oneline "$work/logs/$name.out" 80)")
  if [ ! -s "$work/logs/$name.err" ]; then
    why+=("stderr empty")
  else
    local e
    for e in "${expects[@]}"; do
      grep -qF -- "$e" "$work/logs/$name.err" || why+=("stderr lacks '$e'")
    done
  fi
  [ "$before" = "$after" ] && [ -z "$(cd "$work/bad" && ls -d "$name"/out.* 2>/dev/null)" ] \
    || why+=("left files behind: $(cd "$dir" && ls -A | tr '\n' ' ')")
  if [ ${#why[@]} -eq 0 ]; then
    ok "bad $name: exit 2, names $(printf "'%s' " "${expects[@]}")"
  else
    local joined
    joined=$(printf '%s; ' "${why[@]}")
    notok "bad $name: ${joined%; } -- stderr: $(oneline "$work/logs/$name.err" 200)"
  fi
}
# badfile NAME EXPECTED...: tests/data/bad/NAME.json through both `validate` and `run -o`.
# Every EXPECTED starting with ":" is prefixed with the file's path (":3:47:" -> FILE:3:47:);
# cases whose fault lies in another file (a trace) name that file and line instead.
badfile() {
  local name=$1
  shift
  local f=$BAD/$name.json exp=() e
  for e in "$@"; do
    case "$e" in :*) exp+=("$f$e") ;; *) exp+=("$e") ;; esac
  done
  bad "$name.validate" "${exp[@]}" -- validate "$f"
  bad "$name.run" "${exp[@]}" -- run "$f" -o @OUT@ --quiet
}

# malformed JSON
badfile json-missing-comma ":3:3:" "invalid JSON"
badfile json-trailing-garbage ":5:1:" "invalid JSON"
badfile json-truncated ":3:"
badfile json-empty ":1:1:" "empty file"
badfile json-blank ":3:1:" "empty file"
badfile json-nul-byte "$BAD/json-nul-byte.json" "NUL byte"
badfile json-top-array ":1:1:" "expected a JSON object"
badfile duplicate-key ":2:38:" "cluster.nodes" "more than once"
# wrong types
badfile type-nodes-string ":3:47:" "cluster.nodes" 'found the string "4"'
badfile type-horizon-number ":2:14:" "horizon:" "found the number 86400"
badfile type-policy-array ":4:13:" "policy:" "found an array"
badfile type-name-empty ":2:11:" "name:" "non-empty string"
# counts out of range
badfile count-nodes-negative ":2:47:" "cluster.nodes" "found -4"
badfile count-nodes-zero ":2:47:" "cluster.nodes" "found 0"
badfile count-nodes-huge ":2:47:" "cluster.nodes" "found 1000000000000"
badfile count-nodes-fraction ":2:47:" "cluster.nodes" "found the number 4.5"
badfile count-too-many-gpus ":2:67:" "cluster.nodes" "100 million"
badfile count-gpus-per-node-zero ":2:52:" "cluster.gpus_per_node" "found 0"
badfile count-seed-negative ":2:11:" "seed:" "found -3"
# unknown keys at several levels, with "did you mean"
badfile key-typo-top ":2:3:" "horizn" 'did you mean "horizon"?'
badfile key-typo-cluster ":2:38:" "cluster.node:" 'did you mean "nodes"?'
badfile key-typo-synthetic ":7:7:" "workload.synthetic.durration" 'did you mean "duration"?'
badfile key-typo-arrival ":6:42:" "workload.synthetic.arrival.rate_per_hr" 'did you mean "rate_per_hour"?'
badfile key-typo-catalog-gpu ":4:47:" "catalog.gpus.X100.bf16_tflop" 'did you mean "bf16_tflops"?'
badfile key-schema ":2:3:" 'unknown key "$schema"'
# unit typos
badfile unit-30-days ":2:14:" "horizon:" '"30 days"'
badfile unit-10kw ":4:34:" "catalog.systems.DGX-H100.max_power" 'did you mean "kW"?'
badfile unit-5M-duration ":7:52:" "workload.synthetic.duration.median" 'did you mean "m"?'
badfile unit-money-no-currency ":4:30:" "catalog.gpus.H100-SXM.price" 'did you mean "$30000"?'
badfile unit-horizon-zero ":2:14:" "horizon:" "at least"
# unknown names
badfile unknown-system ":2:26:" "cluster.system" 'did you mean "DGX-H100"?'
badfile unknown-gpu ":2:23:" "cluster.gpu" '"Z9000"'
badfile unknown-policy "$BAD/unknown-policy.json" "policy" '"shortest-first"'
badfile policy-params-fifo "$BAD/policy-params-fifo.json" "policy.params" '"depth"'
badfile unknown-arrival-process ":6:31:" "workload.synthetic.arrival.process" '"bursty"'
badfile unknown-kind ":8:15:" "workload.synthetic.kind" '"pretraining"'
# workload shape
badfile workload-missing ":1:1:" 'missing required key "workload"'
badfile workload-both ":4:15:" "workload:" "exactly one"
badfile workload-unfit-typo ":3:62:" "workload.unfit" '"drop"'
badfile synthetic-no-jobs-no-horizon ":4:18:" "workload.synthetic:" '"jobs"'
badfile synthetic-weights-length ":7:52:" "workload.synthetic.gpus.weights" "4 weights"
badfile synthetic-gpus-negative ":7:34:" "workload.synthetic.gpus.values[2]" "-4"
badfile synthetic-hourly-23 ":7:30:" "workload.synthetic.arrival.hourly" "24"
badfile synthetic-never-fits "$BAD/synthetic-never-fits.json" "workload.synthetic" "64 GPUs"
badfile synthetic-tenant-weights-zero "$BAD/synthetic-tenant-weights-zero.json" "workload.synthetic.tenants"
badfile empirical-bad-sample ":7:50:" "workload.synthetic.duration.file" "$BAD/empirical-bad-sample.txt:4:"
badfile arrival-trace-one-job ":6:48:" "workload.synthetic.arrival.file" "at least 2 jobs"
BAD_TIMEOUT=3 badfile arrival-trace-zero-gaps "$BAD/arrival-trace-zero-gaps.json" "workload.synthetic.arrival"
# catalog entries
badfile catalog-system-unknown-gpu ":4:25:" "catalog.systems.POD-X.gpu" '"H1000"'
badfile catalog-idle-above-tdp ":4:15:" "catalog.gpus.X100" "above"
badfile catalog-new-gpu-incomplete ":4:15:" "catalog.gpus.X100" '"idle"'
# traces
badfile trace-missing-file ":3:26:" "workload.trace" "no-such-trace.csv"
badfile trace-is-directory ":3:26:" "workload.trace" "is a directory"
badfile trace-non-numeric "$BAD/trace-non-numeric.csv:3:" 'column "gpus"' '"two"'
badfile trace-negative-gpus "$BAD/trace-negative-gpus.csv:4:" 'column "gpus"' '"-4"'
badfile trace-missing-column "$BAD/trace-missing-column.csv:1:" 'missing required column "gpus"'
badfile trace-short-row "$BAD/trace-short-row.csv:3:" "expected 5 fields"
badfile trace-duplicate-id "$BAD/trace-duplicate-id.csv:4:" 'duplicate id "a1"'
badfile trace-never-fits "$BAD/trace-never-fits.csv:4:" '"huge"' "64 GPUs"
badfile trace-bad-kind "$BAD/trace-bad-kind.csv:3:" 'column "kind"'
badfile trace-unterminated-quote "$BAD/trace-unterminated-quote.csv:2:" "unterminated"

# command-line misuse
D=scenarios/default.json
S=$GOOD/small-trace.json
bad set-bad-path "$D" "--set cluster..nodes=4" -- run "$D" -o @OUT@ --set cluster..nodes=4
bad set-bad-index "$D" "values[9]" -- run "$D" -o @OUT@ --set 'workload.synthetic.gpus.values[9]=4'
bad set-through-scalar "$D" "cluster.nodes.x" -- validate "$D" --set cluster.nodes.x=1
bad set-wrong-type "$D" "cluster.nodes" "from --set cluster.nodes=abc" -- run "$D" -o @OUT@ --set cluster.nodes=abc
bad set-unit-typo "$D" "horizon" 'did you mean "30d"?' -- run "$D" -o @OUT@ --set horizon=30days
bad set-no-equals "--set nodes" "key.path=value" -- run "$D" -o @OUT@ --set nodes
bad seed-negative "--seed" '"-1"' -- run "$D" -o @OUT@ --seed -1
bad seed-garbage "--seed" '"7x"' -- run "$D" -o @OUT@ --seed 7x
bad seed-overflow "--seed" '"99999999999999999999"' -- run "$D" -o @OUT@ --seed 99999999999999999999
bad unknown-command 'unknown command "frobnicate"' "usage:" -- frobnicate "$D" -o @OUT@
bad help-unknown-command 'unknown command "frobnicate"' -- help frobnicate
bad no-arguments "usage: aidcsim" --
bad run-missing-scenario "missing SCENARIO" -- run -o @OUT@ --quiet
bad validate-missing-scenario "missing SCENARIO" -- validate
bad unknown-option '"--frob"' -- run "$D" -o @OUT@ --frob
bad extra-argument '"extra"' -- run "$D" extra -o @OUT@
bad option-missing-value '"-o"' -- validate "$D" -o
bad scenario-is-directory "$BAD: is a directory" -- run "$BAD" -o @OUT@
bad scenario-missing "$BAD/no-such-scenario.json: cannot open" -- run "$BAD/no-such-scenario.json" -o @OUT@
BAD_SETUP='echo "not a directory" > out' \
  bad output-is-a-file "out: exists and is not a directory" -- run "$S" -o @OUT@ --quiet
bad output-parent-missing "a/b: cannot create" -- run "$S" -o @OUT@/a/b/c --quiet

# the rest of the corpus: hostile input (tests/hostile.sh)
# shellcheck source=tests/hostile.sh
. tests/hostile.sh

# Inputs near the numeric limits: must not crash (status >= 128) or leave a temporary
# directory behind, whether the answer is an error (2) or a run with warnings (0).
robust() { # name args...
  local name=$1
  shift
  local dir=$work/robust/$name
  mkdir -p "$dir"
  local args=() a
  for a in "$@"; do args+=("${a//@OUT@/$dir/out}"); done
  (timeout 20 "$AIDCSIM" "${args[@]}" >"$work/logs/$name.out" 2>"$work/logs/$name.err"
   exit $?) 2>/dev/null
  local rc=$?
  local left
  left=$(cd "$dir" && ls -A | grep -v '^out$' | tr '\n' ' ')
  if { [ $rc -eq 0 ] || [ $rc -eq 2 ]; } && [ -z "$left" ]; then
    ok "robust $name: exit $rc, nothing left behind"
  else
    notok "robust $name: exit $rc (expected 0 or 2), left behind: '${left}' -- stderr: $(oneline "$work/logs/$name.err" 200)"
  fi
}
robust synthetic-duration-overflow run "$BAD/synthetic-duration-overflow.json" -o @OUT@ --quiet

# ---- d. help, version, and what a run writes --------------------------------------------

help_check() { # label expected-stdout-substring args...
  local label=$1 want=$2
  shift 2
  "$AIDCSIM" "$@" >"$work/logs/help.out" 2>"$work/logs/help.err"
  local rc=$?
  if [ $rc -eq 0 ] && grep -qF -- "$want" "$work/logs/help.out"; then
    ok "$label: exit 0, prints '$want'"
  else
    notok "$label: exit $rc, stdout: $(oneline "$work/logs/help.out" 120)"
  fi
}
help_check "aidcsim --help" "usage: aidcsim COMMAND" --help
help_check "aidcsim -h" "usage: aidcsim COMMAND" -h
help_check "aidcsim --version" "aidcsim 0." --version
help_check "aidcsim help" "usage: aidcsim COMMAND" help
help_check "aidcsim help run" "usage: aidcsim run SCENARIO" help run
help_check "aidcsim help validate" "usage: aidcsim validate SCENARIO" help validate
help_check "aidcsim run --help" "usage: aidcsim run SCENARIO" run --help
help_check "aidcsim policies" "easy-backfill" policies

out=$work/outputs/default
mkdir -p "$work/outputs"
if "$AIDCSIM" run scenarios/default.json -o "$out" >"$work/logs/d.out" 2>"$work/logs/d.err"; then
  if grep -qF "$out" "$work/logs/d.out"; then ok "run default: exit 0, prints a summary naming $out"
  else notok "run default: prints a summary naming the output directory"; fi
  if "$PY" - "$out/summary.json" >"$work/logs/keys.txt" 2>&1 <<'EOF'
import json, numbers, sys
s = json.load(open(sys.argv[1]))
missing = []
for key in ["jobs.submitted", "jobs.completed", "wait_s.mean", "wait_s.p50", "wait_s.p95",
            "wait_s.p99", "jct_s.mean", "jct_s.p95", "slowdown.mean", "gpu_utilization.mean",
            "makespan_s"]:
    v = s
    for part in key.split("."):
        v = v.get(part) if isinstance(v, dict) else None
    if not isinstance(v, numbers.Number) or isinstance(v, bool):
        missing.append(key)
if s["jobs"]["completed"] > s["jobs"]["submitted"] or s["jobs"]["submitted"] <= 0:
    missing.append("jobs.completed <= jobs.submitted > 0")
if not 0 <= s["gpu_utilization"]["mean"] <= 1:
    missing.append("0 <= gpu_utilization.mean <= 1")
print(" ".join(missing))
sys.exit(1 if missing else 0)
EOF
  then ok "run default: summary.json has jobs.submitted/completed, wait_s mean/p50/p95/p99, jct_s mean/p95, slowdown.mean, gpu_utilization.mean, makespan_s"
  else notok "run default: summary.json keys (missing or wrong: $(oneline "$work/logs/keys.txt"))"; fi
  if head -n 1 "$out/jobs.csv" | grep -q '^id,submit_s,start_s,end_s,wait_s'; then
    ok "run default: jobs.csv header starts id,submit_s,start_s,end_s,wait_s"
  else
    notok "run default: jobs.csv header starts id,submit_s,start_s,end_s,wait_s (got $(head -n 1 "$out/jobs.csv"))"
  fi
  if head -n 1 "$out/timeseries.csv" | grep -q '^time_s,'; then ok "run default: timeseries.csv has a header"
  else notok "run default: timeseries.csv has a header"; fi
else
  notok "run default: exit 0 ($(oneline "$work/logs/d.err"))"
fi

# ---- e. replacing an existing output directory -------------------------------------------

rep=$work/replace
mkdir -p "$rep"
if run_quiet "$rep/out" scenarios/default.json --seed 7 && echo stale >"$rep/out/stale.txt" \
   && run_quiet "$rep/out" scenarios/default.json --seed 8 \
   && run_quiet "$rep/ref" scenarios/default.json --seed 8; then
  if same_outputs "$rep/out" "$rep/ref"; then
    ok "replace: the directory holds the second run's complete files"
  else
    notok "replace: the directory holds the second run's complete files (differs from a fresh --seed 8 run)"
  fi
  if [ -e "$rep/out/stale.txt" ]; then
    notok "replace: files from before the second run are gone (stale.txt survived)"
  else
    ok "replace: files from before the second run are gone"
  fi
  left=$(cd "$rep" && ls -A | grep -v -x -e out -e ref | tr '\n' ' ')
  if [ -z "$left" ]; then ok "replace: no *.tmp-* or *.old-* siblings left"
  else notok "replace: no *.tmp-* or *.old-* siblings left (found: $left)"; fi
else
  notok "replace: three runs into the same and a reference directory succeed ($(oneline "$work/logs/run.err"))"
fi

# ---- progress bar on a terminal -------------------------------------------------------
# On a terminal a run draws a progress bar on stderr while it runs in slices of simulated
# time; the outputs must not change. script(1) gives the run a pseudo-terminal.
if command -v script >/dev/null 2>&1; then
  script -qec "$AIDCSIM run scenarios/small-h100.json -o $work/tty" /dev/null >"$work/logs/tty.out" 2>&1
  "$AIDCSIM" run scenarios/small-h100.json -q -o "$work/notty" 2>"$work/logs/notty.err"
  if grep -q 'ETA' "$work/logs/tty.out" && [ ! -s "$work/logs/notty.err" ] \
     && cmp -s "$work/tty/jobs.csv" "$work/notty/jobs.csv" && cmp -s "$work/tty/summary.json" "$work/notty/summary.json" \
     && cmp -s "$work/tty/timeseries.csv" "$work/notty/timeseries.csv"; then
    ok "progress bar on a terminal, none otherwise; identical outputs"
  else
    notok "progress bar: $(oneline "$work/logs/tty.out" 200)"
  fi
else
  notok "progress bar: script(1) missing (Debian bsdutils)"
fi

echo "e2e: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
