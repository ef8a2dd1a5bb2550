#!/usr/bin/env bash
# Checks of the performance work that never look at a clock: schedules equal
# to the engine's before it (reference digests in tests/data/perf), the power
# classes' fast decisions checked against the exact sums on every call
# (AIDC_CHECK_POWERCLASS=1), --profile's report (fields, event count, no
# effect on the outputs), determinism with every model on, and the bench
# scenarios valid. Prints "ok - ..." / "not ok - ..." and "perf: N passed, M failed".
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-perf.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
SCN=tests/data/perf/capped.json

digest() {
  /usr/bin/python3 - "$1" <<'PY'
import csv, hashlib, sys
h = hashlib.sha256()
for r in csv.DictReader(open(sys.argv[1])):
    h.update(",".join([r["id"], r["submit_s"], r["start_s"], r["end_s"], r["state"]]).encode() + b"\n")
print(h.hexdigest())
PY
}

# 1. the same schedules as before the performance work, every fast path checked
while read -r policy placement want; do
  case "$policy" in ''|'#'*) continue ;; esac
  out="$work/$policy-$placement"
  if AIDC_CHECK_POWERCLASS=1 "$AIDCSIM" run "$SCN" -o "$out" --quiet --policy "$policy" \
       --set "policy.params.placement=$placement" 2>"$work/err"; then
    got=$(digest "$out/jobs.csv")
    if [ "$got" = "$want" ]; then ok "$policy/$placement: schedule equals the pre-optimization engine's (fast power checks verified)"
    else notok "$policy/$placement: schedule digest $got, expected $want"; fi
  else
    notok "$policy/$placement: run failed: $(head -c 300 "$work/err")"
  fi
done < tests/data/perf/reference.txt

# 2. caps really moved in that scenario (else the power classes went untested)
/usr/bin/python3 - "$work/easy-backfill-best-fit/summary.json" <<'PY' && ok "capped scenario curtails GPU-hours and refuses starts for power" || notok "capped scenario never capped"
import json, sys
s = json.load(open(sys.argv[1]))
sys.exit(0 if s["curtailed_gpu_hours"] > 100 and s["grid"]["power_refusals"] > 10 else 1)
PY

# 3. the fast checks change nothing: with and without the exact comparison
"$AIDCSIM" run "$SCN" -o "$work/plain" --quiet || notok "plain run failed"
if diff -r "$work/plain" "$work/easy-backfill-best-fit" >/dev/null; then ok "outputs identical with and without AIDC_CHECK_POWERCLASS"
else notok "outputs differ with AIDC_CHECK_POWERCLASS"; fi

# 4. --profile: a report on stderr, the same outputs
if "$AIDCSIM" run "$SCN" -o "$work/prof" --quiet --profile 2>"$work/prof.err"; then
  if diff -r "$work/plain" "$work/prof" >/dev/null; then ok "--profile leaves every output file unchanged"
  else notok "--profile changed the outputs"; fi
  /usr/bin/python3 - "$work/prof.err" "$work/prof/summary.json" <<'PY'
import json, re, sys
text = open(sys.argv[1]).read()
m = re.search(r"(?m)^profile: (.*)$", text)
if not m:
    print("no profile: line"); sys.exit(1)
kv = dict(x.split("=") for x in m.group(1).split())
need = ["setup_s", "run_s", "output_s", "engine_s", "policy_s", "models_s", "power_s", "fabric_s",
        "sampling_s", "failures_s", "events", "schedule_calls"]
miss = [k for k in need if k not in kv]
if miss:
    print("missing", miss); sys.exit(1)
if any(float(kv[k]) < 0 for k in need):
    print("negative figure"); sys.exit(1)
events = json.load(open(sys.argv[2]))["events"]
if int(kv["events"]) != events:
    print("events", kv["events"], "!=", events); sys.exit(1)
if int(kv["schedule_calls"]) <= 0 or int(kv["schedule_calls"]) > events:
    print("schedule calls", kv["schedule_calls"]); sys.exit(1)
# the split is exclusive: its parts add up to the timed run and outputs
parts = sum(float(kv[k]) for k in ["engine_s", "policy_s", "power_s", "fabric_s", "sampling_s", "failures_s"])
if abs(parts - float(kv["run_s"])) > 0.05 * float(kv["run_s"]) + 0.01:
    print("parts", parts, "run", kv["run_s"]); sys.exit(1)
for label in ["engine", "policy", "power", "fabric", "sampling", "failures", "outputs", "setup"]:
    if not re.search(r"(?m)^\s+%s\s" % label, text):
        print("no row", label); sys.exit(1)
PY
  [ $? -eq 0 ] && ok "--profile prints every category, the run's event count, parts adding up to the run" || notok "--profile report malformed"
else
  notok "--profile run failed: $(head -c 300 "$work/prof.err")"
fi
if "$AIDCSIM" validate "$SCN" --profile >/dev/null 2>&1; then notok "validate accepted --profile (run only)"
else ok "--profile is refused outside run (exit 2)"; fi

# 5. determinism with every model on
"$AIDCSIM" run "$SCN" -o "$work/again" --quiet
if diff -r "$work/plain" "$work/again" >/dev/null; then ok "same scenario and seed: identical output directories"
else notok "two runs differ"; fi

# 6. fabric.update_interval: 0 is the exact model byte for byte; a period
#    recomputes contention at its ticks only, close to the exact answer; bad
#    values exit 2 naming the key
"$AIDCSIM" run "$SCN" -o "$work/fab0" --quiet --set fabric.update_interval=0s
if diff -r "$work/plain" "$work/fab0" >/dev/null; then ok "fabric.update_interval 0: outputs identical to no key"
else notok "fabric.update_interval 0 changed the outputs"; fi
if "$AIDCSIM" run "$SCN" -o "$work/fab1m" --quiet --set fabric.update_interval=1m; then
  /usr/bin/python3 - "$work/plain/summary.json" "$work/fab1m/summary.json" <<'PY' && ok "fabric.update_interval 1m: network slowdown and GPU-hours within 2% / 0.5% of exact" || notok "fabric.update_interval 1m strays from the exact model"
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
ea, eb = a["network"]["mean_slowdown"] - 1, b["network"]["mean_slowdown"] - 1
print("excess slowdown exact %.5f, 1m %.5f; GPU-h %.1f / %.1f" % (ea, eb, a["gpu_hours_delivered"], b["gpu_hours_delivered"]))
sys.exit(0 if ea > 0.001 and abs(eb - ea) <= 0.02 * ea and
         abs(b["gpu_hours_delivered"] / a["gpu_hours_delivered"] - 1) < 0.005 else 1)
PY
else notok "fabric.update_interval 1m run failed"; fi
for bad in -1m 1parsec '"often"'; do
  if "$AIDCSIM" run "$SCN" -o "$work/fabbad" --quiet --set "fabric.update_interval=$bad" 2>"$work/err"; then
    notok "fabric.update_interval=$bad accepted"
  elif [ $? -eq 2 ] && grep -q "fabric.update_interval" "$work/err" && [ ! -e "$work/fabbad" ]; then
    ok "fabric.update_interval=$bad: exit 2 naming the key, no output"
  else notok "fabric.update_interval=$bad: $(head -c 200 "$work/err")"; fi
done

# 7. the bench scenarios load and validate (no simulation)
for f in scenarios/bench/*.json; do
  if "$AIDCSIM" validate "$f" >/dev/null 2>"$work/err"; then ok "validate $f"
  else notok "validate $f: $(head -c 200 "$work/err")"; fi
done

echo "perf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
