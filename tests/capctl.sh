#!/usr/bin/env bash
# power.cap_interval end to end: bad values exit 2 naming the key path; "0s" gives the same
# output directory as no key; with a period the IT and facility budgets hold in every
# timeseries row, the summary records the period, and two runs are byte-identical.
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-capctl.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# 1. bad values
for v in '"-5m"' '"soon"' '"10 parsecs"' '12' 'true'; do
  "$AIDCSIM" validate scenarios/demand-response.json --set "power.cap_interval=$v" >"$work/out" 2>"$work/err"
  rc=$?
  if [ "$rc" -eq 2 ] && grep -q 'power.cap_interval' "$work/err" && grep -q 'demand-response.json' "$work/err"; then
    ok "cap_interval $v: exit 2 naming the file and power.cap_interval"
  else
    notok "cap_interval $v: exit $rc: $(oneline "$work/err")"
  fi
done

# the same from a file: its line and column, through validate and run (no output left behind)
f=tests/data/bad/power-cap-interval-negative.json
for cmd in validate run; do
  if [ "$cmd" = run ]; then args=(run "$f" -o "$work/badout" --quiet); else args=(validate "$f"); fi
  "$AIDCSIM" "${args[@]}" >"$work/out" 2>"$work/err"
  rc=$?
  if [ "$rc" -eq 2 ] && grep -q "$f:25:21: power.cap_interval:.*-30s" "$work/err" && [ ! -e "$work/badout" ]; then
    ok "$cmd of a negative cap_interval: exit 2 at $f:25:21"
  else
    notok "$cmd of a negative cap_interval: exit $rc: $(oneline "$work/err")"
  fi
done

# 2. "0s" is the default: the whole output directory is the same
"$AIDCSIM" run scenarios/demand-response.json -o "$work/none" --quiet &&
  "$AIDCSIM" run scenarios/demand-response.json -o "$work/zero" --quiet --set power.cap_interval=0s
if diff -r "$work/none" "$work/zero" >/dev/null; then ok "cap_interval 0s: outputs identical to no key"
else notok "cap_interval 0s changed the outputs"; fi

# 3. a 1-minute period: budgets hold in every sample, the summary says so, runs repeat
check_budgets() { # DIR LIMIT_MW FROM_S TO_S: facility_mw <= LIMIT in rows FROM..TO
  "$PY" - "$@" <<'PY'
import csv, json, sys
d, lim, lo, hi = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
rows = [r for r in csv.DictReader(open(d + "/timeseries.csv")) if lo <= float(r["time_s"]) < hi]
bad = [r["time_s"] for r in rows if float(r["facility_mw"]) > lim * (1 + 1e-6)]
if not rows or bad:
    print("rows", len(rows), "over the limit at", bad[:5]); sys.exit(1)
s = json.load(open(d + "/summary.json"))
if s["inputs"]["power"].get("cap_interval_s") != 60:
    print("inputs.power.cap_interval_s", s["inputs"]["power"].get("cap_interval_s")); sys.exit(1)
PY
}
"$AIDCSIM" run scenarios/demand-response.json -o "$work/dr1" --quiet --set power.cap_interval=1m
if check_budgets "$work/dr1" 0.9 223200 230400; then
  ok "demand response with cap_interval 1m: facility under 0.9 MW in every sample of the window"
else notok "demand response with cap_interval 1m broke its limit"; fi
"$AIDCSIM" run scenarios/demand-response.json -o "$work/dr1b" --quiet --set power.cap_interval=1m
if diff -r "$work/dr1" "$work/dr1b" >/dev/null; then ok "cap_interval 1m: two runs byte-identical"
else notok "cap_interval 1m: two runs differ"; fi
"$AIDCSIM" run scenarios/cap-40mw.json -o "$work/cap" --quiet --set power.response=power_cap \
  --set power.cap_interval=1m --set horizon=2d
if check_budgets "$work/cap" 40 0 1e12; then
  ok "40 MW interconnect, power_cap, cap_interval 1m: facility under 40 MW in every sample"
else notok "cap-40mw with cap_interval 1m broke the interconnect"; fi
if "$PY" -c "
import json,sys; s=json.load(open('$work/cap/summary.json'))
sys.exit(0 if s['power_mw']['facility_peak'] <= 40 * (1 + 1e-9) and s['jobs']['started'] > 1000 else 1)"; then
  ok "cap-40mw with cap_interval 1m: facility peak within 40 MW, over 1000 jobs started"
else notok "cap-40mw with cap_interval 1m: peak or starts wrong"; fi

echo "capctl: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
