#!/usr/bin/env bash
# End-to-end checks of `aidcsim trace`: every format converts (real samples from
# ../shared/data and the fixtures in tests/data/traces/import), the native traces it writes
# validate and run in scenarios (openb pods on a pool of the openb node list, the NASA SWF log
# on 16 DGX A100), conversion is byte-for-byte repeatable, `trace stats` prints the figures,
# and bad input exits 2 naming file and line without leaving an output behind.
#
# Run from anywhere after `make build/aidcsim`; AIDCSIM=path picks the binary. Prints
# "ok - ..." / "not ok - ..." per check and one line "traces: N passed, M failed".
set -u

. "$(dirname "$0")/lib.sh"
AIDCSIM=$(cd "$(dirname "$AIDCSIM")" && pwd)/$(basename "$AIDCSIM")
DATA=${AIDC_SHARED_DATA:-../shared/data}
FIX=tests/data/traces/import


work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-traces.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# ---- a. every format converts; job traces validate -------------------------------------------

# name format input expected-written [extra options]
conversions=(
  "openb openb $DATA/openb/openb_pod_list_default.csv 7064"
  "openb-spec openb $DATA/openb/openb_pod_list_gpuspec33.csv 7064"
  "openb-multi openb $DATA/openb/openb_pod_list_multigpu50.csv 7973"
  "openb-nodes openb-nodes $DATA/openb/openb_node_list_all_node.csv 1523"
  "pai pai $FIX/pai 3"
  "pai-machines pai-machines $DATA/pai/pai_machine_spec.csv 1897"
  "philly philly $FIX/philly_cluster_job_log.json 3"
  "philly-machines philly-machines $FIX/philly_cluster_machine_list.csv 5"
  "helios helios $FIX/helios_cluster_log.csv 4"
  "seren acme $FIX/trace_seren.csv 4"
  "kalos acme $FIX/trace_kalos.csv 2"
  "nasa swf $DATA/swf/NASA-iPSC-1993-3.1-cln.swf 18239"
  "lcg swf $DATA/swf/LCG-2005-1.first5000.swf 5000"
  "azure-code azure-llm $DATA/azure-llm/AzureLLMInferenceTrace_code.csv 8819"
  "azure-conv azure-llm $DATA/azure-llm/AzureLLMInferenceTrace_conv.csv 19366"
)
for c in "${conversions[@]}"; do
  read -r name fmt in want <<<"$c"
  ext=csv
  case $fmt in *-nodes | *-machines) ext=json ;; esac
  out=$work/$name.$ext
  if "$AIDCSIM" trace convert --from "$fmt" "$in" "$out" >"$work/$name.log" 2>&1 \
     && grep -qE "written +$want " "$work/$name.log" && [ -s "$out" ]; then
    ok "trace convert --from $fmt $(basename "$in"): $want written"
  else
    notok "trace convert --from $fmt $in ($(oneline "$work/$name.log"))"
  fi
  # the same input gives the same bytes
  "$AIDCSIM" trace convert -q --from "$fmt" "$in" "$work/again.$ext" 2>/dev/null
  if cmp -s "$out" "$work/again.$ext"; then ok "trace convert --from $fmt is repeatable"
  else notok "trace convert --from $fmt gives different bytes on a second run"; fi
done

# A converted job trace reads back as a workload: validate it in a roomy scenario (every job
# fits a 64-GPU node with plenty of CPUs and memory). GPU model names (PAI's MISC, V100) are
# not H100s, so the traces are converted again with --any-gpu-type for this.
roomy() { # name trace
  cat <<EOF
{ "name": "$1", "cluster": { "gpu": "H100-SXM", "nodes": 4, "gpus_per_node": 64,
  "cpus_per_node": 100000, "mem_gib_per_node": 100000 },
  "workload": { "trace": "$2" } }
EOF
}
for c in "${conversions[@]}"; do
  read -r name fmt in want <<<"$c"
  case $fmt in *-nodes | *-machines | azure-llm) continue ;; esac
  "$AIDCSIM" trace convert -q --any-gpu-type --from "$fmt" "$in" "$work/$name-any.csv"
  roomy "v-$name" "$name-any.csv" >"$work/v-$name.json"
  if "$AIDCSIM" validate "$work/v-$name.json" >"$work/v.out" 2>"$work/v.err" \
     && grep -q "valid ($want jobs" "$work/v.out"; then
    ok "the native trace from $name validates ($want jobs)"
  else
    notok "the native trace from $name validates ($(oneline "$work/v.err"))"
  fi
done
# --any-gpu-type drops the gpu_type column and keeps the constraint in x_gpu_spec; without it a
# pod constrained to one GPU model cannot run on H100s
header() { grep -v '^#' "$1" | head -1; }
if header "$work/openb-spec-any.csv" | grep -q 'x_gpu_spec' && ! header "$work/openb-spec-any.csv" | grep -q 'gpu_type,' \
   && header "$work/openb-spec.csv" | grep -q ',gpu_type,'; then
  ok "--any-gpu-type drops the gpu_type column and keeps x_gpu_spec"
else
  notok "--any-gpu-type ($(header "$work/openb-spec-any.csv"))"
fi
roomy v-spec openb-spec.csv >"$work/v-spec.json"
if ! "$AIDCSIM" validate "$work/v-spec.json" >"$work/v.out" 2>&1 && grep -q "of a type the cluster lacks" "$work/v.out"; then
  ok "with gpu_type kept, a pod constrained to one GPU model cannot run on H100s"
else
  notok "gpu_type constraint reaches the simulator ($(oneline "$work/v.out"))"
fi

# ---- b. scenarios that run converted traces ----------------------------------------------------

# openb pods on the G2 pool of the openb node list (the pool's shape read from the JSON). G2
# is not a published GPU model: its power figures here are placeholders for this test.
shape=$("$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
p = [p["cluster"] for p in d["pools"] if p["cluster"]["gpu"] == "G2"][0]
print(p["nodes"], p["gpus_per_node"], p["cpus_per_node"], p["mem_gib_per_node"])' "$work/openb-nodes.json")
read -r nodes gpn cpn mem <<<"$shape"
cat >"$work/openb-g2.json" <<EOF
{ "name": "openb-g2", "seed": 3,
  "cluster": { "gpu": "G2", "nodes": $nodes, "gpus_per_node": $gpn, "cpus_per_node": $cpn,
               "mem_gib_per_node": $mem },
  "catalog": { "gpus": { "G2": { "tdp": "300W", "idle": "50W", "bf16_tflops": 100 } } },
  "workload": { "trace": "openb.csv", "unfit": "skip" },
  "policy": "fifo" }
EOF
if [ "$shape" = "549 8 96 384" ] && "$AIDCSIM" run "$work/openb-g2.json" -o "$work/out-g2" >"$work/run.log" 2>&1 \
   && "$PY" -c '
import json, sys
s = json.load(open(sys.argv[1]))
j = s["jobs"]
# 5 pods ask for more CPUs or memory than a G2 node has; the rest all complete
assert j["in_workload"] == 7064 and j["skipped_unfit"] == 5 and j["completed"] == 7059, j
' "$work/out-g2/summary.json" 2>"$work/py.err"; then
  ok "openb pods run on the G2 pool of the openb node list (7059 completed, 5 unfit)"
else
  notok "openb pods on the G2 pool (shape '$shape'; $(oneline "$work/run.log") $(oneline "$work/py.err"))"
fi

cat >"$work/nasa-run.json" <<EOF
{ "name": "nasa", "seed": 1, "cluster": { "system": "DGX-A100", "nodes": 16 },
  "workload": { "trace": "nasa.csv" }, "policy": "easy-backfill" }
EOF
if "$AIDCSIM" run "$work/nasa-run.json" -o "$work/out-nasa" >"$work/run.log" 2>&1 \
   && "$AIDCSIM" run "$work/nasa-run.json" -o "$work/out-nasa2" -q \
   && grep -q "18239 submitted, 18239 completed" "$work/run.log" \
   && cmp -s "$work/out-nasa/jobs.csv" "$work/out-nasa2/jobs.csv" \
   && cmp -s "$work/out-nasa/summary.json" "$work/out-nasa2/summary.json"; then
  ok "the NASA iPSC SWF log runs on 128 GPUs (18239 completed, identical twice)"
else
  notok "NASA SWF run ($(oneline "$work/run.log"))"
fi

# ---- c. trace stats --------------------------------------------------------------------------------

expect_stats() { # description expected-regex args...
  local what=$1 re=$2
  shift 2
  if "$AIDCSIM" trace stats "$@" >"$work/stats.out" 2>&1 && grep -qE "$re" "$work/stats.out"; then
    ok "trace stats $what"
  else
    notok "trace stats $what ($(oneline "$work/stats.out" 400))"
  fi
}
expect_stats "on converted openb: counts and GPU-hours" \
  '7064 jobs, 1 tenant, submitted over 149.3 d' "$work/openb.csv"
expect_stats "on converted openb: GPUs/job histogram" \
  'GPUs/job +1: 6989 \(98.9%\), 2: 16 \(0.2%\), 3-4: 15 \(0.2%\), 5-8: 44 \(0.6%\)' "$work/openb.csv"
expect_stats "on converted openb: queue wait from x_wait_s" \
  'x_wait_s recorded for 6203 of 7064 jobs' "$work/openb.csv"
expect_stats "--from helios reads the foreign trace directly (20 GPU-hours)" \
  'GPU-hours +20.0$' --from helios "$FIX/helios_cluster_log.csv"
expect_stats "--from helios lists tenants by GPU-hours" \
  '^  vcA +3 +16.0 +80.0%' --from helios "$FIX/helios_cluster_log.csv"
expect_stats "on a request stream" \
  'prompt tokens +mean 2047.8; p50 1469' "$work/azure-code.csv"
expect_stats "--tenants limits the table" \
  '\(1 more tenants: 3287 jobs' --tenants 1 "$work/nasa.csv"

# ---- d. bad input: exit 2, FILE:LINE, no output ------------------------------------------------------

B=$FIX/bad
bad_cases=(
  "helios $B/helios_truncated.csv $B/helios_truncated.csv:3:"
  "helios $B/helios_wrong_header.csv $B/helios_wrong_header.csv:1:"
  "helios $B/helios_invalid_utf8.csv $B/helios_invalid_utf8.csv:3: invalid UTF-8"
  "swf $B/swf_non_numeric.swf $B/swf_non_numeric.swf:4:"
  "swf $B/swf_17_fields.swf $B/swf_17_fields.swf:2:"
  "openb $B/openb_non_numeric.csv $B/openb_non_numeric.csv:3:"
  "openb-nodes $B/openb_nodes_no_model.csv $B/openb_nodes_no_model.csv:3:"
  "acme $B/acme_bad_date.csv $B/acme_bad_date.csv:2:"
  "azure-llm $B/azure_truncated.csv $B/azure_truncated.csv:3:"
  "philly $B/philly_truncated.json $B/philly_truncated.json:20:"
  "philly $B/philly_bad_gpus.json $B/philly_bad_gpus.json:34:42:"
  "pai $B/pai_bad_number $B/pai_bad_number/pai_task_table.csv:3:"
  "pai $B/pai_wrong_header $B/pai_wrong_header/pai_task_table.csv:1:"
  "helios $work/no-such-file.csv $work/no-such-file.csv: cannot open"
  "helios $FIX $FIX: is a directory"
  "pai $FIX/helios_cluster_log.csv $FIX/helios_cluster_log.csv: expected a directory"
)
echo "previous output" >"$work/keep.csv"
for c in "${bad_cases[@]}"; do
  read -r fmt in where <<<"$c"
  "$AIDCSIM" trace convert --from "$fmt" "$in" "$work/keep.csv" >"$work/bad.out" 2>"$work/bad.err"
  rc=$?
  left=$(find "$work" -maxdepth 1 -name 'keep.csv.tmp-*' | wc -l)
  if [ $rc -eq 2 ] && grep -qF "aidcsim: $where" "$work/bad.err" && [ "$(wc -l <"$work/bad.err")" -eq 1 ] \
     && [ "$(cat "$work/keep.csv")" = "previous output" ] && [ "$left" -eq 0 ] && [ ! -s "$work/bad.out" ]; then
    ok "bad input --from $fmt $(basename "$in"): exit 2, \"$where\", output untouched"
  else
    notok "bad input --from $fmt $in (exit $rc, $left temp files; $(oneline "$work/bad.err"))"
  fi
done
# stats on a bad native trace names the line too
printf 'id,submit_s,gpus,duration_s\na,0,-4,10\n' >"$work/bad-native.csv"
if "$AIDCSIM" trace stats "$work/bad-native.csv" >/dev/null 2>"$work/bad.err"; then
  notok "trace stats on a bad native trace fails"
elif [ $? -eq 2 ] && grep -qF "$work/bad-native.csv:2: column \"gpus\"" "$work/bad.err"; then
  ok "trace stats on a bad native trace: exit 2, FILE:LINE"
else
  notok "trace stats on a bad native trace ($(oneline "$work/bad.err"))"
fi

usage_cases=(
  "trace"
  "trace convert $FIX/helios_cluster_log.csv $work/x.csv"
  "trace convert --from nope $FIX/helios_cluster_log.csv $work/x.csv"
  "trace convert --from helios $FIX/helios_cluster_log.csv"
  "trace convert --from swf --procs-per-gpu 0 $DATA/swf/NASA-iPSC-1993-3.1-cln.swf $work/x.csv"
  "trace stats"
  "trace stats --from openb-nodes $DATA/openb/openb_node_list_all_node.csv"
  "trace frobnicate"
)
for u in "${usage_cases[@]}"; do
  # shellcheck disable=SC2086
  "$AIDCSIM" $u >/dev/null 2>"$work/usage.err"
  rc=$?
  if [ $rc -eq 2 ] && [ -s "$work/usage.err" ] && [ ! -e "$work/x.csv" ]; then ok "usage error exits 2: aidcsim ${u/$work\//}"
  else notok "usage error exits 2: aidcsim $u (exit $rc)"; fi
done
# converting onto the input itself is refused (it would destroy the input)
cp "$FIX/helios_cluster_log.csv" "$work/self.csv"
if ! "$AIDCSIM" trace convert -q --from helios "$work/self.csv" "$work/self.csv" 2>"$work/self.err" \
   && cmp -s "$work/self.csv" "$FIX/helios_cluster_log.csv" && grep -q "is the input file" "$work/self.err"; then
  ok "converting a file onto itself is refused and the input is kept"
else
  notok "converting a file onto itself ($(oneline "$work/self.err"))"
fi
if "$AIDCSIM" trace formats | grep -q "^  azure-llm " && "$AIDCSIM" trace --help | grep -q "trace convert --from FORMAT"; then
  ok "trace formats and trace --help"
else
  notok "trace formats and trace --help"
fi

echo "traces: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
