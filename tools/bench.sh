#!/usr/bin/env bash
# make bench: the engine figures, then end-to-end runs with their wall time.
set -eu
BUILD=${BUILD:-build}
"$BUILD/bench_engine"
echo
echo "end to end (wall time of build/aidcsim run, network figures from summary.json):"
out=$(mktemp -d)
for scn in scenarios/bench/*.json; do
  start=$(date +%s.%N)
  "$BUILD/aidcsim" run "$scn" -o "$out/run" --quiet
  end=$(date +%s.%N)
  /usr/bin/python3 - "$scn" "$out/run/summary.json" "$start" "$end" <<'PY'
import json, sys
scn, path, start, end = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
s = json.load(open(path))
net = s.get("network", {})
print(f"  {scn}: {end - start:.2f} s wall, {s['events']} events, {s['jobs']['completed']} jobs done, "
      f"GPUs {s['cluster']['gpus']}, utilization {s['gpu_utilization']['mean']:.3f}")
if net:
    print(f"    network: {net['multi_node_jobs']} multi-node jobs, mean slowdown {net['mean_slowdown']:.4f}, "
          f"p95 {net['p95_slowdown']:.4f}, cross-leaf jobs {net['cross_spine_jobs']}, "
          f"per start/end of a cross-leaf job: {net['speed_updates_per_change']:.1f} speeds recomputed, "
          f"{net['finish_moves_per_change']:.1f} finish events moved")
PY
done
rm -rf "$out"
