#!/usr/bin/env bash
# Atomic outputs under kill -9 (issue 8). Starts `aidcsim run` on a scenario that runs for a few
# seconds and kills it with SIGKILL at several moments: fixed delays after the start (0.05 s,
# 0.3 s, 1 s), just before the end (from the measured run time), and at the final write itself
# (polling for jobs.csv, then summary.json, to appear in the run's temporary directory). Each
# moment is tried with a previous complete output directory in place and with none.
#
# After each kill the output directory must be byte-identical to the previous complete one, or
# absent when there was none, or (when the kill came after the rename) byte-identical to a
# complete run of the new seed: never a mix or a partial. The only other entries allowed beside
# it are the killed run's OUT.tmp-PID / OUT.old-PID, and the next run must clean those away.
#
# Run from the repository root: `bash tests/atomic.sh` (AIDCSIM=path to change the binary).
# Prints "ok - ..." / "not ok - ..." lines, then "atomic: N passed, M failed".
set -u
. "$(dirname "$0")/lib.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-atomic.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

# 12,000 jobs and a one-minute timeseries over 250 days: about 2 s and 30 MB of output
ARGS=(run scenarios/default.json --quiet --set workload.synthetic.jobs=12000 --set horizon=250d
      --set sample_interval=1m)
snap() { (cd "$1" && find . -type f | LC_ALL=C sort | xargs cksum) 2>/dev/null; }

start=$(date +%s.%N)
"$AIDCSIM" "${ARGS[@]}" --seed 8 -o "$work/new" 2>"$work/err" || { notok "reference run ($(head -c 200 "$work/err"))"; echo "atomic: $pass passed, $fail failed"; exit 1; }
T=$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
"$AIDCSIM" "${ARGS[@]}" --seed 7 -o "$work/prev" 2>"$work/err" || { notok "previous run ($(head -c 200 "$work/err"))"; echo "atomic: $pass passed, $fail failed"; exit 1; }
"$AIDCSIM" run scenarios/default.json --quiet -o "$work/small" 2>"$work/err" || { notok "small run ($(head -c 200 "$work/err"))"; echo "atomic: $pass passed, $fail failed"; exit 1; }
snap_small=$(snap "$work/small")
snap_new=$(snap "$work/new")
snap_prev=$(snap "$work/prev")
if [ -n "$snap_new" ] && [ "$snap_new" != "$snap_prev" ]; then ok "reference runs differ by seed (run time ${T}s)"
else notok "reference runs are non-empty and differ by seed"; fi

# kill_at CASE MOMENT: MOMENT is a delay in seconds, or "file:NAME" (kill once the temporary
# directory holds NAME). Runs once with a previous directory and once without.
hit_write=0
kill_at() {
  local label=$1 moment=$2 mode
  for mode in prev none; do
    local d=$work/$label-$mode
    mkdir -p "$d"
    [ "$mode" = prev ] && cp -a "$work/prev" "$d/out"
    "$AIDCSIM" "${ARGS[@]}" --seed 8 -o "$d/out" 2>/dev/null &
    local pid=$!
    case "$moment" in
      file:*)
        local f=${moment#file:} n=0
        while [ ! -e "$d/out.tmp-$pid/$f" ] && kill -0 "$pid" 2>/dev/null && [ $n -lt 20000 ]; do
          sleep 0.001; n=$((n + 1))
        done ;;
      *) sleep "$moment" ;;
    esac
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -e "$d/out.tmp-$pid/jobs.csv" ] && hit_write=$((hit_write + 1))
    local state got
    if [ ! -e "$d/out" ]; then state=absent
    else
      got=$(snap "$d/out")
      if [ "$got" = "$snap_prev" ]; then state=previous
      elif [ "$got" = "$snap_new" ]; then state=new
      else state=mixed; fi
    fi
    local others
    others=$(cd "$d" && ls -A | grep -v -x -e out -e "out.tmp-$pid" -e "out.old-$pid" | tr '\n' ' ')
    local what="kill -9 at $moment, $([ "$mode" = prev ] && echo "previous directory" || echo "no previous directory")"
    if [ "$state" = mixed ] || { [ "$mode" = prev ] && [ "$state" = absent ]; } \
       || { [ "$mode" = none ] && [ "$state" = previous ]; }; then
      notok "$what: output is $state"
    elif [ -n "$others" ]; then
      notok "$what: output $state, but unexpected entries beside it: $others"
    else
      ok "$what: output is $state$(cd "$d" && ls -A | grep -q "\.tmp-\|\.old-" && echo ", stale temp dir left")"
    fi
    # the next run (a short one) replaces it and removes the killed run's leftovers
    if "$AIDCSIM" run scenarios/default.json --quiet -o "$d/out" 2>/dev/null && [ "$(snap "$d/out")" = "$snap_small" ] \
       && [ -z "$(cd "$d" && ls -A | grep -v -x out)" ]; then
      ok "$what: the next run writes the complete directory and removes the leftovers"
    else
      notok "$what: the next run writes the complete directory and removes the leftovers (left: $(cd "$d" && ls -A | tr '\n' ' '))"
    fi
    rm -rf "$d"
  done
}

kill_at early 0.05
kill_at running 0.3
kill_at later 1
for f in 0.05 0.02; do
  m=$(awk -v t="$T" -v f="$f" 'BEGIN { printf "%.3f", t - f }')
  case "$m" in -*|0.000) continue ;; esac
  kill_at "end-$f" "$m"
done
kill_at write-jobs file:jobs.csv
kill_at write-summary file:summary.json
if [ $hit_write -gt 0 ]; then ok "$hit_write kills landed during the final write (jobs.csv in the temporary directory)"
else notok "some kill landed during the final write (none did)"; fi

# a stale temporary directory of a live process (another run into the same place) is kept
d=$work/live
mkdir -p "$d/out.tmp-1"
echo partial >"$d/out.tmp-1/jobs.csv"
if "$AIDCSIM" run scenarios/default.json --quiet -o "$d/out" 2>/dev/null && [ -e "$d/out.tmp-1/jobs.csv" ]; then
  ok "a temporary directory of a live process (pid 1) is left alone"
else
  notok "a temporary directory of a live process (pid 1) is left alone"
fi

echo "atomic: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
