#!/usr/bin/env bash
# Runs every test program and prints one closing line with the totals.
# Each program ends with a line "NAME: N passed, M failed".
# SUITES="unit e2e ..." runs only those (make test's sanitizer pass uses it).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
total_pass=0
total_fail=0
status=0
run() {
  local name=$1; shift
  [ -z "${SUITES:-}" ] || [[ " $SUITES " == *" $name "* ]] || return 0
  echo "== $name"
  local log; log=$(mktemp)
  "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local line; line=$(grep -E '^[a-z0-9_-]+: [0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
  rm -f "$log"
  if [ -z "$line" ]; then
    echo "$name: no result line (exit $rc)"; total_fail=$((total_fail + 1)); status=1; return
  fi
  local p f
  p=$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')
  f=$(echo "$line" | sed -E 's/.*passed, ([0-9]+) failed.*/\1/')
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then total_fail=$((total_fail + 1)); fi
  [ "$rc" -ne 0 ] && status=1
}
run unit env AIDC_TEST_PLUGINS="$BUILD/plugins" "$BUILD/unit_tests"
run queueing "$BUILD/validate_queueing"
run e2e env AIDCSIM="$BUILD/aidcsim" bash tests/e2e.sh
run sweep env AIDCSIM="$BUILD/aidcsim" bash tests/sweep.sh
run plugins env BUILD="$BUILD" bash tests/plugins.sh
run compare env BUILD="$BUILD" AIDCSIM="$BUILD/aidcsim" bash tests/compare.sh
run traces env AIDCSIM="$BUILD/aidcsim" bash tests/traces.sh
run report env AIDCSIM="$BUILD/aidcsim" bash tests/report.sh
run browser env AIDCSIM="$BUILD/aidcsim" bash tests/browser.sh
run atomic env AIDCSIM="$BUILD/aidcsim" bash tests/atomic.sh
run perf env AIDCSIM="$BUILD/aidcsim" bash tests/perf.sh
run sharing env BUILD="$BUILD" AIDCSIM="$BUILD/aidcsim" bash tests/sharing.sh
run failures env AIDCSIM="$BUILD/aidcsim" bash tests/failures.sh
run inference env AIDCSIM="$BUILD/aidcsim" bash tests/inference.sh
run capctl env AIDCSIM="$BUILD/aidcsim" bash tests/capctl.sh
echo
echo "all: $total_pass passed, $total_fail failed"
exit $status
