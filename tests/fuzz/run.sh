#!/usr/bin/env bash
# `make fuzz`: runs each libFuzzer harness (scenario, trace, weather, carbon, import,
# tolerances) for FUZZ_SECONDS (default 60) from a seed corpus made
# of the repository's real files, keeping the grown corpus in build-fuzz/corpus/NAME and any
# crashing input in build-fuzz/crashes/NAME-*. Prints per harness the time run, executions and
# outcome, then "fuzz: N passed, M failed" (a harness fails when it finds a crash, a leak or a
# timeout). Turn every crash into a case in tests/data/bad (see tests/hostile.sh).
# FUZZ_ONLY="trace weather" runs a subset.
set -u
cd "$(dirname "$0")/../.." || exit 2
B=${BUILD:-build-fuzz}
SECS=${FUZZ_SECONDS:-60}
pass=0
fail=0
seed() { # name files...: copies files into the seed directory (a prefix byte for weather)
  local name=$1 dir=$B/seeds/$1 f
  shift
  rm -rf "$dir"
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    local out
    out="$dir/$(echo "$f" | tr '/' '_')"
    # keep seeds small: the first 300 lines (whole small files)
    if [ "$name" = weather ]; then
      { case "$f" in *.epw) printf '\001' ;; *) printf '\000' ;; esac; head -n 300 "$f"; } >"$out"
    elif [ "$name" = import ]; then
      local k # every file under every format: the first byte picks the format
      for k in 0 1 2 3 4 5 6 7 8; do { printf "\\$(printf '%03o' "$k")"; head -n 300 "$f"; } >"$out.$k"; done
    else
      head -n 300 "$f" >"$out"
    fi
  done
}
seed scenario scenarios/*.json tests/data/good/*.json tests/data/bad/*.json
seed trace tests/data/good/*.csv scenarios/traces/*.csv tests/data/traces/* tests/data/bad/trace-*.csv
seed weather scenarios/weather/*.epw tests/data/weather/* tests/data/bad/weather-*.epw
seed carbon scenarios/carbon/*.csv tests/data/grid/*.csv tests/data/bad/carbon-*.csv
mapfile -t imports < <(find tests/data/traces/import -type f ! -name '*.md' | LC_ALL=C sort)
seed import "${imports[@]}"
seed tolerances tests/data/compare/*.json
mkdir -p "$B/crashes"
for name in ${FUZZ_ONLY:-scenario trace weather carbon import tolerances}; do
  mkdir -p "$B/corpus/$name"
  log=$B/fuzz_$name.log
  t0=$SECONDS
  "$B/fuzz_$name" -max_total_time="$SECS" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
    -artifact_prefix="$B/crashes/$name-" -print_final_stats=1 \
    "$B/corpus/$name" "$B/seeds/$name" >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
  if [ $rc -eq 0 ]; then
    pass=$((pass + 1))
    echo "ok - fuzz_$name: $((SECONDS - t0)) s, ${execs:-?} inputs, ${cov:-cov: ?}, corpus $(ls "$B/corpus/$name" | wc -l) files, no crash"
  else
    fail=$((fail + 1))
    echo "not ok - fuzz_$name: exit $rc after $((SECONDS - t0)) s; see $log and $B/crashes/$name-*"
    grep -m 5 -E 'ERROR|SUMMARY|loader failed' "$log" | sed 's/^/    /'
  fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
