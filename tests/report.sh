#!/usr/bin/env bash
# Checks of charts/ and report.html: golden charts of a fixed run, determinism of a whole
# output directory (PNG included), `aidcsim report` reproducing what `run` wrote, the
# report's self-containment, and the command's errors.
#
# The golden test draws the committed results of a fixed small run
# (tests/data/report/run/, from tests/data/report/fixture.json) with `aidcsim report` and
# compares every SVG chart and report.html byte for byte with tests/golden/report/. It
# depends only on the chart code, not on the simulator: a simulator change does not touch
# it, a chart change shows up as a reviewable diff of SVG text.
#   bash tests/report.sh --update   re-runs the fixture scenario and rewrites both
#                                   (also `make golden`); review `git diff` before committing.
#
# Prints "ok - ..." / "not ok - ..." lines and one "report: N passed, M failed" line.
set -u
. "$(dirname "$0")/lib.sh"
FIX=tests/data/report
GOLD=tests/golden/report
DATA="summary.json timeseries.csv jobs.csv racks.csv"

work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-report.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT

if [ "${1:-}" = --update ]; then
  "$AIDCSIM" run "$FIX/fixture.json" -o "$work/run" --quiet || exit 1
  mkdir -p "$FIX/run" "$GOLD"
  for f in $DATA; do cp "$work/run/$f" "$FIX/run/$f"; done
  mkdir -p "$work/g"
  for f in $DATA; do cp "$FIX/run/$f" "$work/g/"; done
  "$AIDCSIM" report "$work/g" --quiet || exit 1
  rm -f "$GOLD"/*.svg "$GOLD"/report.html
  cp "$work"/g/charts/*.svg "$work/g/report.html" "$GOLD/"
  echo "updated $FIX/run and $GOLD ($(ls "$GOLD" | wc -l) files); review git diff"
  exit 0
fi


# ---- golden charts ----------------------------------------------------------------------
g=$work/golden
mkdir -p "$g"
for f in $DATA; do cp "$FIX/run/$f" "$g/"; done
if "$AIDCSIM" report "$g" >"$work/out" 2>"$work/err"; then
  if grep -qF "$g/report.html: 9 charts" "$work/out"; then ok "report fixture: exit 0, prints 9 charts"
  else notok "report fixture: prints the chart count ($(oneline "$work/out"))"; fi
  want=$(cd "$GOLD" && ls *.svg | tr '\n' ' ')
  got=$(cd "$g/charts" && ls *.svg | tr '\n' ' ')
  if [ "$want" = "$got" ]; then ok "golden: the same charts ($got)"
  else notok "golden: the same charts (want $want; got $got)"; fi
  for f in "$GOLD"/*.svg "$GOLD/report.html"; do
    name=$(basename "$f")
    new=$g/charts/$name
    [ "$name" = report.html ] && new=$g/report.html
    if cmp -s "$f" "$new"; then
      ok "golden: $name is byte-identical"
    else
      notok "golden: $name differs ($(diff "$f" "$new" 2>&1 | head -n 4 | tr '\n' ' ' | cut -c1-300)); if intended: make golden"
    fi
  done
  # PNGs: real PNG files, the size the SVG declares
  for f in "$g"/charts/*.png; do
    name=$(basename "$f" .png)
    dims=$(od -An -tu1 -j16 -N8 "$f" | awk '{print $3*256+$4 "x" $7*256+$8}')
    sig=$(od -An -c -j1 -N3 "$f" | tr -d ' ')
    svgdims=$(sed -n '1s/.*width="\([0-9]*\)" height="\([0-9]*\)".*/\1x\2/p' "$g/charts/$name.svg")
    if [ "$sig" = PNG ] && [ "$dims" = "$svgdims" ] && [ "$(stat -c %s "$f")" -gt 4000 ]; then
      ok "golden: $name.png is a $dims PNG like its SVG"
    else
      notok "golden: $name.png is a PNG of the SVG's size (sig $sig, $dims vs $svgdims)"
    fi
  done
else
  notok "report fixture: exit 0 ($(oneline "$work/err"))"
fi

# ---- self-contained -----------------------------------------------------------------------
html=$g/report.html
if [ -s "$html" ]; then
  if grep -qi '<script' "$html"; then notok "self-contained: no <script>"; else ok "self-contained: no <script>"; fi
  ext=$(grep -oiE '(src|href)="[^"]*"|url\([^#)][^)]*\)|@import|https?://[^" ]*' "$html" \
        | grep -v -e '^href="[a-z_./-]*"$' -e '^http://www.w3.org/2000/svg$' | sort -u | tr '\n' ' ')
  if [ -z "$ext" ]; then ok "self-contained: no src=, url(), @import or external URL (only the SVG namespace)"
  else notok "self-contained: external references ($ext)"; fi
  dead=""
  for h in $(grep -oE 'href="[^"#]*"' "$html" | sed 's/href="\(.*\)"/\1/' | sort -u); do
    [ -e "$g/$h" ] || dead="$dead $h"
  done
  if [ -z "$dead" ]; then ok "self-contained: every relative link resolves"
  else notok "self-contained: dead links:$dead"; fi
  for want in 'id="warnings"' '<h2 id="scenario">' '<h2 id="summary">' 'href="jobs.csv"' 'href="timeseries.csv"' \
              'href="racks.csv"' 'href="summary.json"' '<figcaption>'; do
    if grep -qF "$want" "$html"; then ok "report.html has $want"; else notok "report.html has $want"; fi
  done
fi

# ---- determinism of a whole run, and `report` reproducing it -----------------------------
if "$AIDCSIM" run "$FIX/fixture.json" -o "$work/d1" --quiet 2>"$work/err" \
   && "$AIDCSIM" run "$FIX/fixture.json" -o "$work/d2" --quiet 2>>"$work/err"; then
  if diff -r "$work/d1" "$work/d2" >"$work/diff" 2>&1; then
    ok "determinism: two runs give identical directories ($(cd "$work/d1" && find . -type f | wc -l) files, PNGs included)"
  else
    notok "determinism: two runs differ ($(oneline "$work/diff"))"
  fi
  cp -r "$work/d1" "$work/d3"
  rm -rf "$work/d3/charts" "$work/d3/report.html"
  if "$AIDCSIM" report "$work/d3" --quiet 2>"$work/err" && diff -r "$work/d1" "$work/d3" >"$work/diff" 2>&1; then
    ok "report DIR: redraws exactly the charts/ and report.html that run wrote"
  else
    notok "report DIR: redraws what run wrote ($(oneline "$work/err") $(oneline "$work/diff"))"
  fi
else
  notok "determinism: fixture runs succeed ($(oneline "$work/err"))"
fi

# ---- what make run writes ----------------------------------------------------------------
if "$AIDCSIM" run scenarios/default.json -o "$work/default" >"$work/out" 2>"$work/err"; then
  missing=""
  for c in utilization power pue cdf tenant_usage tenant_wait cost racks; do
    for e in svg png; do [ -s "$work/default/charts/$c.$e" ] || missing="$missing $c.$e"; done
  done
  [ -s "$work/default/report.html" ] || missing="$missing report.html"
  [ -s "$work/default/racks.csv" ] || missing="$missing racks.csv"
  if [ -z "$missing" ]; then ok "run default: writes racks.csv, charts/ (8 charts, SVG and PNG) and report.html"
  else notok "run default: missing$missing"; fi
  if grep -qF "report: $work/default/report.html" "$work/out"; then ok "run default: the summary names the report"
  else notok "run default: the summary names the report ($(oneline "$work/out"))"; fi
  if [ "$(head -n 1 "$work/default/racks.csv")" = "time_s,rack_0,rack_1,rack_2,rack_3,rack_4,rack_5,rack_6,rack_7" ] \
     && [ "$(wc -l <"$work/default/racks.csv")" -eq 338 ]; then
    ok "run default: racks.csv has 8 rack columns and one row per hour from 0 to 336 h (337 + header)"
  else
    notok "run default: racks.csv shape ($(head -n 1 "$work/default/racks.csv"), $(wc -l <"$work/default/racks.csv") lines)"
  fi
else
  notok "run default: exit 0 ($(oneline "$work/err"))"
fi

# ---- aidcsim compare draws its comparison figure -------------------------------------------
cb=$work/cmp
mkdir -p "$cb/base" "$cb/cand"
if "$AIDCSIM" run "$FIX/fixture.json" -o "$cb/base/report-fixture" --set policy=fifo --quiet 2>"$work/err" \
   && "$AIDCSIM" run "$FIX/fixture.json" -o "$cb/cand/report-fixture" --quiet 2>>"$work/err"; then
  "$AIDCSIM" compare --baseline-dir "$cb/base" --candidate-dir "$cb/cand" -o "$cb/out" --quiet >"$work/out" 2>"$work/err"
  svg=$cb/out/charts/compare-report-fixture.svg
  if [ -s "$svg" ] && [ -s "$cb/out/charts/compare-report-fixture.png" ] \
     && grep -qF '>wait_s.mean</text>' "$svg" && grep -qF '>cost_usd.total</text>' "$svg" \
     && grep -qE '>[0-9.]+ min \(-[0-9.]+%\)</text>' "$svg"; then
    ok "compare: charts/compare-NAME.svg and .png, a panel per metric, the candidate's change from the baseline"
  else
    notok "compare: charts/compare-NAME.svg ($(ls "$cb/out/charts" 2>&1 | tr '\n' ' ') $(oneline "$work/err"))"
  fi
else
  notok "compare: two fixture runs to compare ($(oneline "$work/err"))"
fi

# ---- the command's errors ----------------------------------------------------------------
expect_fail() { # label want-substring args...
  local label=$1 want=$2
  shift 2
  "$AIDCSIM" "$@" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -qF -- "$want" "$work/err"; then ok "$label: exit 2, says '$want'"
  else notok "$label: exit $rc (want 2), stderr: $(oneline "$work/err")"; fi
}
expect_fail "report without DIR" "missing DIR" report
expect_fail "report of a missing directory" "$work/nope: not a directory" report "$work/nope"
expect_fail "report with an unknown option" 'unknown option "--bogus"' report "$g" --bogus
expect_fail "report with two directories" 'unexpected argument' report "$g" "$g"
b=$work/broken
mkdir -p "$b"
for f in $DATA; do cp "$FIX/run/$f" "$b/"; done
"$AIDCSIM" report "$b" --quiet
cp "$b/report.html" "$work/before.html"
sed -i '3s/,[^,]*,done,/,x,done,/' "$b/jobs.csv"
sed -i '3s/^\([^,]*\),[^,]*,/\1,soon,/' "$b/jobs.csv"
expect_fail "report with a bad jobs.csv" 'jobs.csv:3: column "submit_s": expected a number, found "soon"' report "$b"
if cmp -s "$work/before.html" "$b/report.html" && [ -d "$b/charts" ]; then ok "report with a bad jobs.csv: the previous report.html and charts/ stay"
else notok "report with a bad jobs.csv: the previous report.html and charts/ stay"; fi
left=$(cd "$b" && ls -A | grep -v -x -e charts -e report.html $(for f in $DATA; do printf -- '-e %s ' "$f"; done) | tr '\n' ' ')
if [ -z "$left" ]; then ok "report with a bad jobs.csv: no temporary files left"
else notok "report with a bad jobs.csv: no temporary files left (found $left)"; fi
rm "$b/summary.json"
expect_fail "report without summary.json" "summary.json: cannot read: No such file" report "$b"
"$AIDCSIM" help report >"$work/out" 2>&1
if grep -qF "usage: aidcsim report DIR" "$work/out"; then ok "help report: prints the usage"
else notok "help report: prints the usage ($(oneline "$work/out"))"; fi

echo "report: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
