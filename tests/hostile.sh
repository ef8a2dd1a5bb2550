# Hostile input: the second half of the bad-input corpus (issue 8). Sourced by tests/e2e.sh
# inside its section c, so it uses that script's bad, badfile, ok, notok, oneline, $work,
# $AIDCSIM, $BAD, $GOOD and $D; not meant to run on its own.
#
# Every case must exit 2 with a message naming the file and its line, column or key path
# (checked by exact substrings), write nothing to stdout and leave no output or temporary
# directory. Inputs: huge numbers and NaN/Infinity literals, zero and negative sizes in every
# section, deep nesting, invalid UTF-8, empty and truncated files, directories and unreadable
# files where files are expected, --set overrides, wrong policy parameter types, absurd sizes
# refused by the memory estimate (sim/limits.h) and runs that could never finish. One positive
# case: CRLF line endings in every text input are accepted and change nothing.

# numbers: huge, overflowing, not numbers at all
badfile num-nodes-1e308 ":6:14:" "cluster.nodes" "found 1e+308"
badfile num-nodes-overflow ":6:14:" "cluster.nodes" "found the number inf"
badfile num-nodes-5000-digits ":6:14:" "cluster.nodes" "found the number inf"
badfile num-rate-1e308 ":13:26:" "workload.synthetic.arrival.rate_per_hour" "found 1e+308"
badfile json-nan-literal ":10:15:" "invalid JSON"
badfile json-infinity-literal ":13:26:" "invalid JSON"
badfile json-minus-infinity ":13:26:" "invalid JSON"
badfile num-gpus-1e12 ":7:22:" "cluster.gpus_per_node" "found 1000000"
badfile num-gpus-1e10 ":6:14:" "cluster.nodes" "more than 100 million GPUs"
# absurd sizes: refused up front from the memory estimate, with a fixed ceiling so the result
# does not depend on this machine's memory
AIDCSIM_MAX_MEMORY_GB=8 badfile mem-jobs-1e8 "$BAD/mem-jobs-1e8.json: the run would need about 52.9 GB" \
  "more than the 8 GB limit (AIDCSIM_MAX_MEMORY_GB)" "1e+08 jobs"
AIDCSIM_MAX_MEMORY_GB=8 badfile mem-nodes-fabric "$BAD/mem-nodes-fabric.json: the run would need about" \
  "1e+07 nodes and 8e+07 GPUs" "fabric 28.8 GB"
badfile mem-rows-1e10 ":23:22:" "sample_interval" "86400000000 timeseries rows"
AIDCSIM_MAX_MEMORY_GB=abc bad mem-ceiling-garbage "AIDCSIM_MAX_MEMORY_GB" '"abc"' -- validate "$D"
AIDCSIM_MAX_MEMORY_GB=0 bad mem-ceiling-zero "AIDCSIM_MAX_MEMORY_GB" "> 0" -- run "$D" -o @OUT@ --quiet
AIDCSIM_MAX_MEMORY_GB=0.001 bad mem-ceiling-tiny "$D: the run would need about" "0.001 GB limit" \
  -- run "$D" -o @OUT@ --quiet
# invalid UTF-8 in JSON strings and keys: refused at the first bad byte
badfile utf8-name-invalid ":2:16:" "invalid UTF-8 (byte 0xC3)"
badfile utf8-name-overlong ":2:16:" "invalid UTF-8 (byte 0xC0)"
badfile utf8-name-surrogate ":2:16:" "invalid UTF-8 (byte 0xED)"
badfile utf8-name-cut ":2:16:" "invalid UTF-8 (byte 0xE2)"
badfile utf8-name-ff ":2:16:" "invalid UTF-8 (byte 0xFF)"
badfile utf8-key-invalid ":22:7:" "invalid UTF-8 (byte 0xFF)"
# deep nesting (generated: 100000 levels)
BAD_SETUP='printf "{\"name\": \"deep\", \"x\": " >s.json; head -c 100000 /dev/zero | tr "\\0" "[" >>s.json; head -c 100000 /dev/zero | tr "\\0" "]" >>s.json; echo "}" >>s.json' \
  bad deep-array "s.json:1:1022:" "nested more than 1000 deep" -- validate "$work/bad/deep-array/s.json"
BAD_SETUP='printf "{\"name\": " >s.json; for i in $(seq 100000); do printf "{\"a\":"; done >>s.json; echo 1 >>s.json' \
  bad deep-object "s.json:1:5005:" "nested more than 1000 deep" -- run "$work/bad/deep-object/s.json" -o @OUT@
# zero and negative sizes, section by section
badfile power-rack-budget-zero ":24:20:" "power.rack_budget" "above 0"
badfile power-row-budget-zero ":24:19:" "power.row_budget" "above 0"
badfile power-facility-cap-zero ":24:24:" "power.facility_it_cap" "above 0"
badfile power-site-cap-zero ":24:17:" "power.site_cap" "above 0"
badfile power-rack-budget-negative ":24:20:" "power.rack_budget" "negative values are not allowed"
badfile power-min-cap-zero ":24:16:" "power.min_cap" "found 0"
badfile power-racks-per-row-zero ":24:22:" "power.racks_per_row" "found 0"
badfile cooling-capacity-negative ":25:17:" "cooling.capacity" "negative values are not allowed"
badfile cooling-derate-negative ":25:30:" "cooling.capacity_derate_per_k" "found -0.01"
badfile cooling-outdoor-1e308 ":25:18:" "cooling.outdoor_c" "found 1e+308"
badfile grid-interconnect-zero ":24:21:" "grid.interconnect" "above 0"
badfile grid-interconnect-negative ":24:21:" "grid.interconnect" "negative values are not allowed"
badfile grid-price-negative ":25:16:" "grid.tariff.price" "negative values are not allowed"
badfile grid-dr-reversed ":24:24:" "grid.demand_response[0].end" "ends before it begins"
badfile cost-life-zero ":24:26:" "cost.system_life_years" "found 0"
badfile cost-life-negative ":24:26:" "cost.system_life_years" "found -5"
badfile fabric-oversubscription-zero ":25:25:" "fabric.oversubscription" "found 0"
badfile fabric-nodes-per-su-negative ":25:21:" "fabric.nodes_per_su" "found -8"
badfile fabric-nic-zero ":25:17:" "fabric.nic_gbps" "found 0"
badfile fabric-k-zero ":25:10:" "fabric.k" "found 0"
badfile fabric-gradient-negative ":25:20:" "fabric.gradient_gb" "found -1"
badfile fabric-comm-fraction-2 ":25:22:" "fabric.comm_fraction" "found 2"
# a budget above zero that still lets nothing start: only a run can tell; it must stop
bad stall-rack-budget "$GOOD/small-trace.json" "50 pending jobs can never start" "power.rack_budget = 1 kW" \
  -- run "$GOOD/small-trace.json" -o @OUT@ --quiet --set power.rack_budget=1kW
bad stall-cooling-capacity "$GOOD/small-trace.json" "can never start" "cooling.capacity = 1 kW" \
  -- run "$GOOD/small-trace.json" -o @OUT@ --quiet --set cooling.type=air --set cooling.capacity=1kW
# fabric graph files
badfile fabric-graph-no-file ":23:13:" "fabric:" 'missing required key "file"'
badfile fabric-graph-is-directory "$BAD/dir-named.csv: is a directory"
badfile fabric-graph-huge-bandwidth-csv "$BAD/fabric-huge-bandwidth.csv:2:" 'column "bandwidth_gbps"' '"1e308"'
badfile fabric-graph-nan-bandwidth-csv "$BAD/fabric-nan-bandwidth.csv:2:" 'column "bandwidth_gbps"' '"nan"'
badfile fabric-graph-negative-bandwidth-csv "$BAD/fabric-negative-bandwidth.csv:2:" 'column "bandwidth_gbps"' '"-50"'
badfile fabric-graph-huge-latency-csv "$BAD/fabric-huge-latency.csv:2:" 'column "latency_us"' '"1e9"'
badfile fabric-graph-empty-graphml "$BAD/fabric-empty.graphml: file is empty"
badfile fabric-graph-disconnected "$BAD/fabric-disconnected.csv: the switches host n0 attaches to" "disconnected"
badfile fabric-graph-truncated-graphml "$BAD/fabric-truncated.graphml: igraph: Line 4:"
# weather and carbon files
badfile weather-is-directory "$BAD/weather-is-directory.json: cooling.weather: $BAD/dir-named.csv:" "Is a directory"
badfile weather-missing "cooling.weather: $BAD/no-such-weather.epw: cannot open"
badfile weather-empty "cooling.weather: $BAD/weather-empty.epw:" "EPW header"
badfile weather-truncated-row "cooling.weather: $BAD/weather-truncated.epw:12:" "truncated data row"
badfile carbon-is-directory "grid.carbon: $BAD/dir-named.csv:" "Is a directory"
badfile carbon-missing "grid.carbon: $BAD/no-such-carbon.csv: cannot open"
badfile carbon-empty "grid.carbon: $BAD/carbon-empty.csv: empty file"
badfile carbon-bad-row "grid.carbon: $BAD/carbon-bad-row.csv:22:" "column avg_CI" '"abc"'
badfile carbon-nan "grid.carbon: $BAD/carbon-nan.csv:14:" "column avg_CI" '"NaN"'
badfile carbon-invalid-utf8 "grid.carbon: $BAD/carbon-invalid-utf8.csv:7:" "column timestamp"
# other files that are directories
badfile durations-is-directory ":18:17:" "workload.synthetic.duration.file" "Is a directory"
badfile arrival-trace-is-directory ":13:17:" "workload.synthetic.arrival.file" "is a directory"
badfile plugin-is-directory ":23:15:" "policy.plugin" "is not a regular file"
bad policy-option-directory "$D" "policy.plugin" '"/tmp" is not a regular file' -- run "$D" -o @OUT@ --policy /tmp
# traces
badfile trace-invalid-utf8 "$BAD/trace-invalid-utf8.csv:3:" "invalid UTF-8 (byte 0xFF)"
badfile trace-empty "$BAD/trace-empty.csv: file is empty"
badfile trace-nan-duration "$BAD/trace-nan-duration.csv:2:" 'column "duration_s"' '"nan"'
badfile trace-inf-submit "$BAD/trace-inf-submit.csv:3:" 'column "submit_s"' '"inf"'
badfile trace-huge-duration "$BAD/trace-huge-duration.csv:2:" 'column "duration_s"' "too large"
badfile trace-gpus-1e12 "$BAD/trace-gpus-1e12.csv:2:" 'column "gpus"' '"1000000000000"'
badfile trace-cr-only "$BAD/trace-cr-only.csv:1:" "carriage return"
badfile trace-nul-byte "$BAD/trace-nul-byte.csv:2:" "NUL byte"
# trace importers (found by fuzz_import: a year past 2262 overflowed the nanosecond clock)
bad import-acme-year-7275 "$BAD/import-acme-year-7275.csv:3:" 'column "submit_time"' '"7275-03-01 00:23:58+08:00"' \
  -- trace convert --from acme "$BAD/import-acme-year-7275.csv" @OUT@
# unreadable files: root reads anything, so the check cannot be made as root
if [ "$(id -u)" -eq 0 ]; then
  echo "# unreadable-scenario, unreadable-trace: not checked: running as root, which can read a chmod 000 file"
else
  BAD_SETUP='echo "{}" >s.json; chmod 000 s.json' \
    bad unreadable-scenario "s.json: cannot open: Permission denied" -- validate "$work/bad/unreadable-scenario/s.json"
  BAD_SETUP="sed 's/small-trace.csv/t.csv/' '$PWD/$GOOD/small-trace.json' >s.json; cp '$PWD/$GOOD/small-trace.csv' t.csv; chmod 000 t.csv" \
    bad unreadable-trace "t.csv" "Permission denied" -- validate "$work/bad/unreadable-trace/s.json"
fi
# --set with bad values
bad set-nodes-1e308 "$D" "cluster.nodes" "found 1e+308" "(from --set cluster.nodes=1e308)" -- validate "$D" --set cluster.nodes=1e308
bad set-min-cap-nan "$D" "power.min_cap" 'found the string "NaN"' -- run "$D" -o @OUT@ --set power.min_cap=NaN
bad set-seed-inf "$D" "seed:" 'found the string "inf"' -- validate "$D" --set seed=inf
bad set-sample-zero "$D" "sample_interval" "at least 1ms" -- run "$D" -o @OUT@ --set sample_interval=0s
bad set-horizon-negative "$D" "horizon" "negative values are not allowed" -- validate "$D" --set horizon=-5d
bad set-cluster-broken-json "$D" "cluster:" 'expected an object, found the string "{"' -- validate "$D" --set 'cluster={'
bad set-jobs-empty "$D" "workload.synthetic.jobs" 'found the string ""' -- validate "$D" --set workload.synthetic.jobs=
bad set-rack-budget-zero "$D" "power.rack_budget" "above 0" -- run "$D" -o @OUT@ --set power.rack_budget=0W
# policy parameters of the wrong type, one per built-in
pp() { # name policy params-json expected...
  local name=$1 pol=$2 params=$3
  shift 3
  bad "params-$name" "$D" "policy.params" "$@" -- validate "$D" --set "policy={\"name\":\"$pol\",\"params\":$params}"
}
pp fifo fifo '{"placement":1}' '"placement" must be best-fit, topology-aware, spread, first-fit or fgd'
pp easy easy-backfill '{"placement":true}' '"placement" must be'
pp conservative conservative-backfill '{"depth":"50"}' '"depth" must be a number'
pp sjf sjf '{"preempt":"yes"}' '"preempt" must be true or false'
pp srtf srtf '{"min_run_s":"10m"}' '"min_run_s" must be a number'
pp las las '{"thresholds_gpu_h":[1,10]}' "found an array"
pp fair-share fair-share '{"weight.research":"heavy"}' '"weight.research" must be a number'
pp priority priority '{"preempt":1}' '"preempt" must be true or false'
pp power-aware power-aware '{"min_cap":"half"}' '"min_cap" must be a number'
pp carbon-aware carbon-aware '{"carbon_threshold":[0.1]}' "found an array"
pp queue queue '{"order":7}' '"order" must be arrival, sjf, srtf, las, priority or fair'
pp queue-null queue '{"backfill":null}' "found null"

# CRLF line endings are accepted in every text input, and change nothing
crlf=$work/crlf
mkdir -p "$crlf/lf" "$crlf/crlf"
cat >"$crlf/lf/s.json" <<JSON
{
  "name": "crlf",
  "seed": 3,
  "sample_interval": "5m",
  "cluster": { "system": "DGX-H100", "nodes": 4, "nodes_per_rack": 2 },
  "workload": { "trace": "t.csv" },
  "cooling": { "type": "air", "weather": "w.epw", "start_day": 182 },
  "grid": { "carbon": "c.csv", "carbon_start_day": 182 },
  "fabric": { "type": "graph", "file": "f.csv" },
  "policy": "easy-backfill"
}
JSON
cp "$GOOD/small-trace.csv" "$crlf/lf/t.csv"
cp scenarios/weather/USA_VA_Leesburg.Exec.epw "$crlf/lf/w.epw"
cp scenarios/carbon/VA_NG_and_avgCI.csv "$crlf/lf/c.csv"
printf 'a,b,bandwidth_gbps,latency_us\nn0,s0,50,1\nn1,s0,50,1\nn2,s1,50,1\nn3,s1,50,1\ns0,s1,100,2\n' >"$crlf/lf/f.csv"
for f in s.json t.csv w.epw c.csv f.csv; do sed 's/\r*$/\r/' "$crlf/lf/$f" >"$crlf/crlf/$f"; done
if ! grep -q $'\r' "$crlf/crlf/t.csv"; then
  notok "crlf: the CRLF copies hold carriage returns"
elif run_quiet "$crlf/out-lf" "$crlf/lf/s.json" && run_quiet "$crlf/out-crlf" "$crlf/crlf/s.json"; then
  if same_outputs "$crlf/out-lf" "$crlf/out-crlf"; then
    ok "crlf: scenario, trace, EPW, carbon CSV and fabric CSV with CRLF endings run and give byte-identical outputs"
  else
    notok "crlf: CRLF inputs give the same outputs as LF inputs (they differ)"
  fi
else
  notok "crlf: LF and CRLF inputs both run ($(oneline "$work/logs/run.err"))"
fi
