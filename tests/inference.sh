#!/usr/bin/env bash
# End-to-end checks of inference services sharing the cluster (models/inference, sim/services):
# training jobs get preempted at the service's peak and the run shows it; without preemption the
# service cannot scale and its SLO suffers; the service's GPUs draw power; outputs are
# byte-identical for the same seed; services.csv has one row per sample; the example scenario
# runs in fluid mode; on two pools the replicas go to the pool whose GPUs hold them; bad input exits 2
# with the key path or file and line.
#
# Run from the repository root: `bash tests/inference.sh` (AIDCSIM=path to change the binary).
# Prints "ok - ..." / "not ok - ..." lines, then "inference: N passed, M failed".
set -u
. "$(dirname "$0")/lib.sh"
check() { if eval "$2"; then ok "$1"; else notok "$1"; fi; }
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-inference.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
SC=tests/data/inference/shared.json

# jq-like: prints a value from a summary.json by a Python expression over d
js() { "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"; }

# ---- sharing: preemption at the peak, and the SLO without it ----------------------------------
"$AIDCSIM" run "$SC" --quiet -o "$work/pre" 2>"$work/err" || notok "shared run ($(head -c 300 "$work/err"))"
"$AIDCSIM" run "$SC" --quiet -o "$work/nopre" --set 'services[0].preempt_training=false' 2>"$work/err" ||
  notok "run without preemption ($(head -c 300 "$work/err"))"
"$AIDCSIM" run "$SC" --quiet -o "$work/alone" --set 'services=[]' 2>"$work/err" ||
  notok "training alone ($(head -c 300 "$work/err"))"
S="$work/pre/summary.json" N="$work/nopre/summary.json" A="$work/alone/summary.json"
if [ -f "$S" ] && [ -f "$N" ] && [ -f "$A" ]; then
  check "training jobs preempted for the service (summary preemption.by_services > 0)" \
    "[ \"\$(js $S 'd[\"preemption\"][\"by_services\"] > 0 and d[\"services\"][0][\"training_preemptions\"] == d[\"preemption\"][\"by_services\"]')\" = True ]"
  check "preempted jobs are marked in jobs.csv and pay checkpoint + restore" \
    "[ \"\$(awk -F, 'NR==1{for(i=1;i<=NF;i++) if(\$i==\"preemptions\") c=i} NR>1 && \$c>0' $work/pre/jobs.csv | wc -l)\" -gt 0 ] && [ \"\$(js $S 'd[\"preemption\"][\"checkpoint_gpu_hours\"] > 0')\" = True ]"
  check "the service peaks around noon (first row at its most replicas in 08:00-12:00, last in 12:00-16:00)" \
    "awk -F, 'NR>1 { if (\$5 > m) { m = \$5; f = \$1 } if (\$5 == m) l = \$1 } END { exit !(f >= 8*3600 && f < 12*3600 && l >= 12*3600 && l < 16*3600) }' $work/pre/services.csv"
  check "with preemption the SLO is met, nothing denied" \
    "[ \"\$(js $S 'd[\"services\"][0][\"slo\"][\"met\"] and d[\"services\"][0][\"replicas_denied\"] == 0')\" = True ]"
  check "services_total: slo_met with preemption, not without; sums match the service" \
    "[ \"\$(js $S 'd[\"services_total\"][\"slo_met\"] and d[\"services_total\"][\"gpu_hours\"] == d[\"services\"][0][\"gpu_hours\"]')\" = True ] && [ \"\$(js $N 'd[\"services_total\"][\"slo_met\"] or d[\"services_total\"][\"replicas_denied\"] != d[\"services\"][0][\"replicas_denied\"]')\" = False ]"
  check "without preemption replicas are denied and the SLO suffers (attainment lower by > 5 points, not met)" \
    "[ \"\$(js $N 'd[\"services\"][0][\"replicas_denied\"] > 0 and not d[\"services\"][0][\"slo\"][\"met\"] and d[\"preemption\"][\"by_services\"] == 0')\" = True ] && [ \"\$($PY -c 'import json,sys; a=json.load(open(sys.argv[1]))[\"services\"][0][\"slo\"][\"attainment\"]; b=json.load(open(sys.argv[2]))[\"services\"][0][\"slo\"][\"attainment\"]; print(a - b > 0.05)' $S $N)\" = True ]"
  check "training waits longer next to the service than alone" \
    "[ \"\$($PY -c 'import json,sys; a=json.load(open(sys.argv[1]))[\"wait_s\"][\"mean\"]; b=json.load(open(sys.argv[2]))[\"wait_s\"][\"mean\"]; print(a > b)' $S $A)\" = True ]"
  check "no services: no services.csv, no services block" \
    "[ ! -e $work/alone/services.csv ] && [ \"\$(js $A '\"services\" in d')\" = False ]"
  rows=$(($(wc -l <"$work/pre/services.csv") - 1))
  check "services.csv: header and one row per 10-minute sample over the day (144)" \
    "head -1 $work/pre/services.csv | grep -qx 'time_s,service,resolution,requests_per_s,replicas,gpus,prompt_tokens_per_s,output_tokens_per_s,ttft_p50_s,ttft_p99_s,tpot_p50_s,tpot_p99_s,slo_attainment,replicas_denied' && [ $rows -eq 144 ]"
fi

# ---- power: the service alone on an otherwise idle cluster ----------------------------------------
ONE='workload={"trace": "one-job.csv"}'
"$AIDCSIM" run "$SC" --quiet -o "$work/svc" --set "$ONE" 2>"$work/err" || notok "service alone ($(head -c 300 "$work/err"))"
"$AIDCSIM" run "$SC" --quiet -o "$work/idle" --set "$ONE" --set 'services=[]' 2>"$work/err" || notok "idle cluster ($(head -c 300 "$work/err"))"
if [ -f "$work/svc/summary.json" ] && [ -f "$work/idle/summary.json" ]; then
  check "the replicas' load shows in IT energy: above the idle cluster by their energy above idle (x1.00-1.15 for PSU losses)" \
    "[ \"\$($PY -c 'import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); e=a[\"services\"][0][\"energy_above_idle_mwh\"]; r=(a[\"energy_mwh\"][\"it\"] - b[\"energy_mwh\"][\"it\"]) / e; print(e > 0 and 1.0 <= r <= 1.15)' $work/svc/summary.json $work/idle/summary.json)\" = True ]"
fi

# ---- determinism ---------------------------------------------------------------------------------
"$AIDCSIM" run "$SC" --quiet -o "$work/pre2" 2>/dev/null
check "same scenario and seed: services.csv, summary.json, jobs.csv, timeseries.csv byte-identical" \
  "cmp -s $work/pre/services.csv $work/pre2/services.csv && cmp -s $work/pre/summary.json $work/pre2/summary.json && cmp -s $work/pre/jobs.csv $work/pre2/jobs.csv && cmp -s $work/pre/timeseries.csv $work/pre2/timeseries.csv"
"$AIDCSIM" run "$SC" --quiet --seed 4 -o "$work/seed4" 2>/dev/null
check "another seed: another request stream" "[ -s $work/seed4/services.csv ] && ! cmp -s $work/pre/services.csv $work/seed4/services.csv"
"$AIDCSIM" run "$SC" --quiet -o "$work/fl1" --set 'services[0].resolution=fluid' 2>/dev/null
"$AIDCSIM" run "$SC" --quiet -o "$work/fl2" --set 'services[0].resolution=fluid' 2>/dev/null
check "fluid resolution forced by the key, deterministic" \
  "[ \"\$(js $work/fl1/summary.json 'd[\"services\"][0][\"resolution\"]')\" = fluid ] && cmp -s $work/fl1/services.csv $work/fl2/services.csv && cmp -s $work/fl1/summary.json $work/fl2/summary.json"

# ---- the example scenario: Azure conversation trace, fluid -------------------------------------
"$AIDCSIM" run scenarios/inference-training.json --quiet -o "$work/ex" --set horizon=2d 2>"$work/err" ||
  notok "scenarios/inference-training.json ($(head -c 300 "$work/err"))"
if [ -f "$work/ex/summary.json" ]; then
  check "example scenario: fluid resolution, millions of requests, SLO met, training preempted" \
    "[ \"\$(js $work/ex/summary.json '(lambda s: s[\"resolution\"] == \"fluid\" and s[\"requests\"][\"arrived\"] > 5e6 and s[\"slo\"][\"met\"] and s[\"training_preemptions\"] > 0)(d[\"services\"][0])')\" = True ]"
fi

# ---- the example sweep: services_total as sweep metrics ----------------------------------------
"$AIDCSIM" sweep scenarios/sweeps/inference-preemption.json -o "$work/sweep" -q -j 2 >/dev/null 2>"$work/err"
check "scenarios/sweeps/inference-preemption.json runs (2 points x 2 seeds, services_total metrics)" \
  "[ $? -eq 0 ] && [ \"\$(wc -l <$work/sweep/results.csv)\" -eq 3 ] && [ \"\$(wc -l <$work/sweep/runs.csv)\" -eq 5 ] && awk -F, 'NR==2 && \$6 != 1 {exit 1}' $work/sweep/runs.csv"

# ---- two pools: replicas sized for and placed on the pool whose GPUs hold them ------------------
PS=tests/data/inference/pools.json
"$AIDCSIM" run "$PS" --quiet -o "$work/pl" 2>"$work/err" || notok "pools run ($(head -c 300 "$work/err"))"
"$AIDCSIM" run "$PS" --quiet -o "$work/pl2" 2>/dev/null
"$AIDCSIM" run "$PS" --quiet -o "$work/pl1" --set "$ONE" 2>"$work/err" || notok "pools, service alone ($(head -c 300 "$work/err"))"
if [ -f "$work/pl/summary.json" ] && [ -f "$work/pl1/racks.csv" ]; then
  check "pools: the replicas fill the 32 H200 GPUs and no more (peak 16 of 2 GPUs, the rest denied), preempting training there" \
    "[ \"\$(js $work/pl/summary.json '(lambda s: s[\"gpus_per_replica\"] == 2 and s[\"replicas\"][\"peak\"] == 16 and s[\"replicas_denied\"] > 0 and s[\"training_preemptions\"] > 0)(d[\"services\"][0])')\" = True ] && awk -F, 'NR>1 && \$6 > 32 {exit 1}' $work/pl/services.csv"
  check "pools, service alone: the A100 racks (0-1) stay at one power all day, the H200 racks (2-3) move with the replicas" \
    "[ \"\$(awk -F, 'NR>2 {print \$2, \$3}' $work/pl1/racks.csv | sort -u | wc -l)\" -eq 1 ] && [ \"\$(awk -F, 'NR>1 {print \$4}' $work/pl1/racks.csv | sort -u | wc -l)\" -gt 10 ]"
  check "pools: same seed, byte-identical services.csv, summary.json, jobs.csv, racks.csv" \
    "cmp -s $work/pl/services.csv $work/pl2/services.csv && cmp -s $work/pl/summary.json $work/pl2/summary.json && cmp -s $work/pl/jobs.csv $work/pl2/jobs.csv && cmp -s $work/pl/racks.csv $work/pl2/racks.csv"
fi
"$AIDCSIM" run "$PS" --quiet -o "$work/bad" --set 'services[0].gpus_per_replica=1' >/dev/null 2>"$work/err"
check "bad input exits 2: no pool can hold a replica (names the service and each pool)" \
  "[ $? -eq 2 ] && grep -qF 'services[0]: service \"chat\": no pool can hold a replica: cluster.pools[0] (A100-SXM' $work/err && grep -qF 'cluster.pools[1] (H200' $work/err && [ ! -e $work/bad ]"
"$AIDCSIM" run "$PS" --quiet -o "$work/bad" --set 'services[0].replicas={"min": 17, "max": 20}' >/dev/null 2>"$work/err"
check "bad input exits 2: minimum replicas above the pool that holds them" \
  "[ $? -eq 2 ] && grep -qF 'services[0].replicas: 17 replicas of 2 GPUs need more than the 32 GPUs of cluster.pools[1] (H200)' $work/err && [ ! -e $work/bad ]"

# ---- bad input: exit 2, the key path or file and line ------------------------------------------
bad() { # name, expected message fragment, --set arguments...
  local name=$1 want=$2; shift 2
  local args=() a
  for a in "$@"; do args+=(--set "$a"); done
  "$AIDCSIM" run "$SC" --quiet -o "$work/bad" "${args[@]}" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$work/err" && [ ! -e "$work/bad" ]; then ok "bad input exits 2: $name"
  else notok "bad input exits 2: $name (rc $rc: $(head -c 300 "$work/err"))"; fi
}
bad "min above max" "services[0].replicas.min" 'services[0].replicas.min=20'
bad "unknown key" "services[0].replica" 'services[0].replica=3'
bad "negative rate" "services[0].requests.rate_per_s" 'services[0].requests.rate_per_s=-1'
bad "negative parameters" "services[0].params_billion" 'services[0].params_billion=-70'
bad "unknown resolution" "services[0].resolution" 'services[0].resolution=exact'
bad "SLO percentile above 100" "services[0].slo.percentile" 'services[0].slo.percentile=101'
bad "bad TTFT duration" "services[0].slo.ttft" 'services[0].slo.ttft=fast'
bad "interval not dividing the samples" "services[0].control_interval" 'services[0].control_interval=7m'
bad "replica too small for the model" "gpus_per_replica" 'services[0].gpus_per_replica=2'
bad "replica count above the cluster" "services[0].replicas" 'services[0].replicas=100'
bad "trace with generator keys" "services[0].requests.rate_per_s" \
  'services[0].requests={"trace": "x.csv", "rate_per_s": 3}'
bad "missing stream file" "services[0].requests.trace: " 'services[0].requests={"trace": "no-such.csv"}'
grep -v '"horizon"' "$SC" | sed "s|training.csv|$PWD/tests/data/inference/training.csv|" >"$work/nohorizon.json"
"$AIDCSIM" run "$work/nohorizon.json" --quiet -o "$work/bad" >/dev/null 2>"$work/err"
check "bad input exits 2: services without a horizon" "[ $? -eq 2 ] && grep -qF 'services need a \"horizon\"' $work/err"
bad "services not an array" "services" 'services={"name": "x"}'
bad "duplicate service names" "services[1].name" \
  'services=[{"name": "a", "params_billion": 8, "replicas": 1, "requests": {"rate_per_s": 1, "prompt_tokens": {"mean": 10}, "output_tokens": {"mean": 10}}}, {"name": "a", "params_billion": 8, "replicas": 1, "requests": {"rate_per_s": 1, "prompt_tokens": {"mean": 10}, "output_tokens": {"mean": 10}}}]'
printf 'arrival_s,prompt_tokens,output_tokens\n0.5,100,20\n1.5,abc,3\n' >"$work/badrow.csv"
bad "bad stream row names file and line" "badrow.csv:3:" "services[0].requests={\"trace\": \"$work/badrow.csv\"}"
printf 'arrival,prompt,output\n0.5,100,20\n' >"$work/badhdr.csv"
bad "a job trace given as a stream" "badhdr.csv:1: expected the header" "services[0].requests={\"trace\": \"$work/badhdr.csv\"}"
"$AIDCSIM" validate "$SC" --set 'services[0].max_batch=0' >/dev/null 2>"$work/err"
check "validate: bad max_batch exits 2 naming services[0].max_batch" "[ $? -eq 2 ] && grep -qF 'services[0].max_batch' $work/err"

echo "inference: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
