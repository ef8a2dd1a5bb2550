#!/usr/bin/env bash
# `make valgrind`: a representative set under valgrind (memcheck), which must report no
# invalid access, no use of uninitialised memory and no definite or indirect leak: the unit
# tests, a traced run, a run with every model on (fabric, cooling, carbon, power budgets), the
# default scenario, validate, the policy list, a plugin, and bad inputs (scenario, trace, weather,
# fabric file, memory limit, a run that cannot finish) that must still exit 2 cleanly.
#
# Run from the repository root after building (BUILD=dir, default build). Prints one line per
# check, then "valgrind: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
A=$BUILD/aidcsim
pass=0
fail=0
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-valgrind.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
VG=(valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect --track-origins=yes -q)
# vg NAME WANT-EXIT CMD...: WANT-EXIT is the program's own status (0, or 2 for bad input);
# valgrind reports errors and leaks with status 99.
vg() {
  local name=$1 want=$2
  shift 2
  local t0=$SECONDS
  "${VG[@]}" --log-file="$work/$name.vg" "$@" >"$work/$name.out" 2>"$work/$name.err"
  local rc=$?
  if [ $rc -eq "$want" ] && [ ! -s "$work/$name.vg" ]; then
    pass=$((pass + 1)); echo "ok - valgrind $name: exit $rc, no errors or leaks ($((SECONDS - t0)) s)"
  else
    fail=$((fail + 1)); echo "not ok - valgrind $name: exit $rc (want $want)"
    head -n 40 "$work/$name.vg" "$work/$name.err" | sed 's/^/    /'
  fi
}
G=tests/data/good
B=tests/data/bad
AIDC_TEST_PLUGINS="$BUILD/plugins" vg unit-tests 0 "$BUILD/unit_tests"
vg run-small-trace 0 "$A" run "$G/small-trace.json" -o "$work/o1" --quiet
vg run-default 0 "$A" run scenarios/default.json -o "$work/o2" --quiet --set horizon=2d
vg run-all-models 0 "$A" run scenarios/fabric-topology-aware.json -o "$work/o3" --quiet --set horizon=1d \
  --set cooling.type=air --set cooling.weather=weather/USA_VA_Leesburg.Exec.epw \
  --set grid.carbon=carbon/VA_NG_and_avgCI.csv --set power.facility_it_cap=700kW --set power.response=power_cap
vg run-plugin 0 "$A" run "$G/small-trace.json" -o "$work/o4" --quiet --policy "$BUILD/plugins/smallest_first.so"
vg validate 0 "$A" validate scenarios/demand-response.json
vg policies 0 "$A" policies
vg bad-json 2 "$A" validate "$B/json-missing-comma.json"
vg bad-utf8 2 "$A" run "$B/utf8-name-invalid.json" -o "$work/o5"
vg bad-trace 2 "$A" run "$B/trace-short-row.json" -o "$work/o6"
vg bad-weather 2 "$A" validate "$B/weather-truncated-row.json"
vg bad-fabric 2 "$A" validate "$B/fabric-graph-disconnected.json"
AIDCSIM_MAX_MEMORY_GB=8 vg bad-memory 2 "$A" validate "$B/mem-jobs-1e8.json"
vg bad-stall 2 "$A" run "$G/small-trace.json" -o "$work/o7" --set power.rack_budget=1kW
echo "valgrind: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
