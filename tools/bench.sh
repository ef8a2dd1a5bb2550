#!/usr/bin/env bash
# make bench: the engine's ns/event under the hold model at 10^3, 10^5 and
# 10^6 pending events; then end-to-end runs of scenarios/bench (median of
# BENCH_REPS runs, default 3: wall and CPU time, events/s, peak RSS, the
# engine/policy/models split from --profile); then the x1/x4/x16 scaling
# series. The same rows go to BENCH_CSV (default build/bench.csv).
# BENCH_SCENARIOS narrows the end-to-end list (paths, space separated);
# BENCH_SERIES=0 skips the scaling series (its x16 run is benchmark (b), about
# 5 CPU minutes); BENCH_SERIES="x1=A.json,x4=B.json" runs a shorter one.
# Wall-clock figures from a shared machine: nothing here is a pass/fail test.
set -eu
BUILD=${BUILD:-build}
REPS=${BENCH_REPS:-3}
CSV=${BENCH_CSV:-$BUILD/bench.csv}
mkdir -p "$(dirname "$CSV")"
engine=$("$BUILD/bench_engine")
echo "$engine"
python3 - "$CSV" "$engine" <<'PY'
import sys
sys.path.insert(0, "tools")
from bench_e2e import CSV_HEADER
path, text = sys.argv[1], sys.argv[2]
with open(path, "w") as f:
    f.write(CSV_HEADER)
    for line in text.splitlines():
        p = line.split()
        if len(p) == 6 and p[0].isdigit():
            # pending, aidcsim ns/event (median), min, max, textbook heap, ratio
            f.write(f"engine,hold,,,{p[0]},{p[1]},,,,,,,,,,{p[5]}\n")
PY
echo
scenarios=${BENCH_SCENARIOS:-"scenarios/bench/philly.json scenarios/bench/fabric-32k.json"}
series="x1=scenarios/bench/scale-x1.json,x4=scenarios/bench/scale-x4.json,x16=scenarios/bench/campus-100k.json"
case "${BENCH_SERIES:-1}" in
  0) series="" ;;
  1) ;;
  *) series=$BENCH_SERIES ;;
esac
# shellcheck disable=SC2086
python3 tools/bench_e2e.py --bin "$BUILD/aidcsim" --reps "$REPS" --csv "$CSV" --series "$series" $scenarios
echo "rows written to $CSV"
