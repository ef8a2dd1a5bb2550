#!/usr/bin/env bash
# End-to-end checks of GPU sharing, heterogeneous pools and `aidcsim place`: the hand-checked
# two-node placement (first-fit and best-fit strand a GPU, fgd places everything), byte-identical
# repeats, the openb cluster and trace (fgd allocates the most at 130% arrived demand), a run on
# pools with shares and GPU-type constraints, an ABI 1.1 plugin on a 1.2 host, and bad input
# (exit 2, a message naming file and place, no output directory left behind).
#
# Run from anywhere after `make build/aidcsim plugins`; AIDCSIM=path picks the binary. Prints
# "ok - ..." / "not ok - ..." per check and one line "sharing: N passed, M failed".
set -u

. "$(dirname "$0")/lib.sh"
D=tests/data/sharing


work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-sharing.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# ---- a. the hand-checked placement -------------------------------------------------------------
# Two one-GPU nodes, shares 300, 300, 600, 600 in that order (90% of capacity). first-fit and
# best-fit put both 300s on node 0 (400 left there, too little for a 600): 1200 of 2000 milli,
# one job fails. fgd sees that the second 300 on node 0 would strand 400 for the 600s it expects
# and puts it on node 1: 700 + 700 free, both 600s fit, 1800 of 2000 (90%).
if "$AIDCSIM" place "$D/tiny-place.json" -q -o "$work/tiny" && "$PY" - "$work/tiny/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["strategies"]
want = {"first-fit": (60, 1), "best-fit": (60, 1), "fgd": (90, 0)}
for k, (alloc, failed) in want.items():
    assert s[k]["final_alloc_pct"] == alloc and s[k]["jobs_failed"] == failed, (k, s[k])
    assert s[k]["final_arrived_pct"] == 90 and s[k]["alloc_pct_at_100"] is None, (k, s[k])
PY
then ok "place: two-node case, first-fit 60%, best-fit 60%, fgd 90% allocated (1, 1, 0 failed)"
else notok "place: two-node case ($(oneline "$work/tiny/summary.json" 400))"; fi
if [ -s "$work/tiny/charts/allocation.png" ] && [ -s "$work/tiny/charts/allocation.svg" ] \
   && [ "$(head -1 "$work/tiny/allocation.csv")" = "arrived_pct,first-fit,best-fit,fgd" ] \
   && [ "$(sed -n '92p' "$work/tiny/allocation.csv")" = "90,60.0000,60.0000,90.0000" ]; then
  ok "place: allocation.csv (row 90%: 60, 60, 90) and charts/allocation.{svg,png}"
else
  notok "place: allocation.csv or charts ($(sed -n '92p' "$work/tiny/allocation.csv" 2>&1))"
fi
"$AIDCSIM" place "$D/tiny-place.json" -q -o "$work/tiny2" --strategy fgd --strategy first-fit
if [ "$(head -1 "$work/tiny2/allocation.csv")" = "arrived_pct,fgd,first-fit" ]; then
  ok "place: --strategy chooses and orders the strategies"
else notok "place: --strategy ($(head -1 "$work/tiny2/allocation.csv"))"; fi

# ---- b. determinism ----------------------------------------------------------------------------
args=(scenarios/openb/place.json -q --shuffle --until 1.3 --repeats 2 --seed 5)
"$AIDCSIM" place "${args[@]}" -o "$work/ob1" && "$AIDCSIM" place "${args[@]}" -o "$work/ob2"
if cmp -s "$work/ob1/allocation.csv" "$work/ob2/allocation.csv" \
   && cmp -s "$work/ob1/summary.json" "$work/ob2/summary.json" \
   && cmp -s "$work/ob1/charts/allocation.svg" "$work/ob2/charts/allocation.svg"; then
  ok "place: same scenario and seed give byte-identical outputs"
else notok "place: outputs differ between two identical runs"; fi
"$AIDCSIM" place scenarios/openb/place.json -q --shuffle --until 1.3 --seed 6 -o "$work/ob3"
if [ -s "$work/ob3/allocation.csv" ] && ! cmp -s "$work/ob1/allocation.csv" "$work/ob3/allocation.csv"; then
  ok "place: another seed shuffles differently"
else notok "place: the seed does not change the shuffle"; fi

# ---- c. openb: fgd allocates the most at high demand -------------------------------------------
if "$PY" - "$work/ob1/summary.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["cluster"] == {"nodes": 1213, "gpus": 6212}, d["cluster"]
s = d["strategies"]
f, b, ff = (s[k]["alloc_pct_at_130"] for k in ("fgd", "best-fit", "first-fit"))
assert f > b and f > ff, (f, b, ff)
assert all(s[k]["final_arrived_pct"] >= 130 for k in s), s
print("  openb default, shuffled, 2 seeds: at 130%% fgd %.2f, best-fit %.2f, first-fit %.2f" % (f, b, ff))
PY
then ok "place: openb default trace on the openb cluster, fgd allocates the most at 130% demand"
else notok "place: openb fgd vs best-fit and first-fit ($(oneline "$work/ob1/summary.json" 600))"; fi

# ---- d. the engine on pools with shares -------------------------------------------------------
if "$AIDCSIM" run "$D/pools-run.json" -q -o "$work/pr" && "$AIDCSIM" run "$D/pools-run.json" -q -o "$work/pr2" \
   && cmp -s "$work/pr/jobs.csv" "$work/pr2/jobs.csv" && cmp -s "$work/pr/timeseries.csv" "$work/pr2/timeseries.csv" \
   && "$PY" - "$work/pr/summary.json" "$work/pr/jobs.csv" <<'PY'
import csv, json, sys
s = json.load(open(sys.argv[1]))
assert s["jobs"]["completed"] == 9, s["jobs"]
pools = s["cluster"]["pools"]
assert [(p["system"], p["nodes"]) for p in pools] == [("DGX-H100", 1), ("DGX-A100", 2)], pools
assert s["cluster"]["gpus"] == 24
jobs = {r["id"]: r for r in csv.DictReader(open(sys.argv[2]))}
# the shares start on arrival: 250 + 250 + 500 + 750 + 900 + 100 fit on the 24 GPUs
for j in ("s1", "s2", "s3", "s4", "s5", "s6"):
    assert float(jobs[j]["wait_s"]) == 0, jobs[j]
PY
then ok "run: pools (DGX-H100 + 2 DGX-A100), shares and GPU types, all 9 jobs done, repeatable"
else notok "run: pools-run ($(oneline "$work/pr/summary.json" 300))"; fi

# ---- e. a plugin built against ABI 1.1 --------------------------------------------------------
P=$BUILD/plugins/minor_1_1.so
if "$AIDCSIM" run tests/data/plugins/tiny.json -q -o "$work/p11" --policy "$P" \
   && [ "$(grep -c ',done,' "$work/p11/jobs.csv")" -eq "$(($(wc -l <"$work/p11/jobs.csv") - 1))" ] \
   && "$AIDCSIM" policies "$P" | grep -q 'policy ABI 1.1'; then
  ok "ABI 1.1 plugin loads on the 1.2 host and completes every job of a whole-GPU workload"
else notok "ABI 1.1 plugin on tests/data/plugins/tiny.json"; fi
if "$AIDCSIM" run "$D/pools-run.json" -q -o "$work/p11b" --policy "$P" \
   && grep -q '"completed":	9' "$work/p11b/summary.json"; then
  ok "ABI 1.1 plugin runs a workload with shares (giving them whole GPUs)"
else notok "ABI 1.1 plugin on pools-run ($(oneline "$work/p11b/summary.json" 200))"; fi

# ---- f. bad input: exit 2, a located message, no output directory -----------------------------
bad() { # name want-in-stderr command...
  local name=$1 want=$2
  shift 2
  rm -rf "$work/bad"
  "$@" -o "$work/bad" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$work/err" && [ ! -e "$work/bad" ]; then
    ok "$name: exit 2, \"$want\""
  else
    notok "$name: exit $rc, stderr $(oneline "$work/err" 200)"
  fi
}
bad "place --strategy" 'unknown strategy (first-fit, best-fit, fgd): "tetris"' \
  "$AIDCSIM" place "$D/tiny-place.json" --strategy tetris
bad "place --until" '--until expects a multiple of capacity above 0' \
  "$AIDCSIM" place "$D/tiny-place.json" --until -1
bad "pools file format" "$D/bad-pools-format.json:1:" "$AIDCSIM" place "$D/bad-pools-file.json"
bad "pool key typo" 'cluster.pools[0].gpus_per_nod: unknown key "gpus_per_nod"' "$AIDCSIM" run "$D/bad-pool-key.json"
bad "gpu_milli above 1000" "$D/bad-milli.csv:2: column \"gpu_milli\": expected an integer from 1 to 1000" \
  "$AIDCSIM" place "$D/bad-milli.json"
bad "gpu_milli above 1000 (run)" "$D/bad-milli.csv:2:" "$AIDCSIM" run "$D/bad-milli.json"
bad "pools with a fabric" 'cannot be combined with cluster.pools' \
  "$AIDCSIM" run "$D/pools-run.json" --set 'fabric={"type":"fat-tree","k":4}'

# failures run on pools (tests/test_failures.c); pools-run's shares still refuse them
bad "pools with shares and failures" 'job "s1" asks for a share of a GPU (gpu_milli 250): failures are not modelled' \
  "$AIDCSIM" run "$D/pools-run.json" --set 'failures={}'
bad "shares with failures" 'asks for a share of a GPU (gpu_milli 300): failures are not modelled' \
  "$AIDCSIM" run "$D/tiny-place.json" --set 'failures={}'

# the shipped openb scenario validates (pools file, catalog entries, trace)
if "$AIDCSIM" validate scenarios/openb/place.json >"$work/v.out" 2>&1 \
   && grep -q 'valid (7064 jobs, 6212 GPUs' "$work/v.out"; then
  ok "scenarios/openb/place.json validates (7064 jobs, 6212 GPUs)"
else notok "scenarios/openb/place.json ($(oneline "$work/v.out"))"; fi

echo "sharing: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
