#!/usr/bin/env bash
# Policy plugins end to end: a good plugin gives the built-in's exact
# schedule; one built against the ABI 1.0 header loads and runs; a wrong major
# version, a missing entry symbol and a file that is no library exit 2 with a
# clear message; `make install` into a prefix, then the out-of-tree example
# builds with pkg-config against the installed header and library and runs.
# Run from the repository root after `make build/aidcsim plugins`.
set -u
cd "$(dirname "$0")/.." || exit 2
BUILD=${BUILD:-build}
AIDCSIM=${AIDCSIM:-$BUILD/aidcsim}
P=$BUILD/plugins
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-plugins.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
SC=tests/data/plugins/tiny.json

# a good plugin: the built-in fifo's schedule, byte for byte
"$AIDCSIM" run "$SC" -q -o "$work/builtin" --policy fifo
"$AIDCSIM" run "$SC" -q -o "$work/plugin" --policy "$P/good_fifo.so"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$work/builtin/jobs.csv" "$work/plugin/jobs.csv"; then
  ok "good plugin: same jobs.csv as built-in fifo"
else
  notok "good plugin: exit $rc, jobs.csv differs from built-in fifo"
fi
grep -q '"policy":	"good-fifo"' "$work/plugin/summary.json" && ok "good plugin: summary names it" \
  || notok "good plugin: summary.json does not name good-fifo"
# the same through the scenario file, path relative to the scenario
rel=$(realpath --relative-to="$(dirname "$SC")" "$P/good_fifo.so")
"$AIDCSIM" run "$SC" -q -o "$work/plugin2" --set "policy={\"plugin\":\"$rel\"}" \
  && cmp -s "$work/builtin/jobs.csv" "$work/plugin2/jobs.csv" \
  && ok "plugin path in the scenario is relative to the scenario" \
  || notok "plugin path relative to the scenario"

# an older minor version loads and runs every job
"$AIDCSIM" run "$SC" -q -o "$work/old" --policy "$P/old_minor.so"
rc=$?
done_jobs=$(grep -c ',done,' "$work/old/jobs.csv" 2>/dev/null)
all_jobs=$(($(wc -l <"$work/old/jobs.csv" 2>/dev/null || echo 1) - 1))
if [ $rc -eq 0 ] && [ "$done_jobs" -eq "$all_jobs" ] && [ "$all_jobs" -gt 0 ]; then
  ok "ABI 1.0 plugin loads and completes all $all_jobs jobs"
else
  notok "ABI 1.0 plugin: exit $rc, $done_jobs of $all_jobs done"
fi
"$AIDCSIM" policies "$P/old_minor.so" | grep -q 'policy ABI 1.0' && ok "policies describes the 1.0 plugin" \
  || notok "aidcsim policies PLUGIN for the 1.0 plugin"

# refusals: exit 2, a message naming the file and what is wrong, no output dir
refuse() {
  local name=$1 plugin=$2 want=$3
  rm -rf "$work/bad"
  "$AIDCSIM" run "$SC" -o "$work/bad" --policy "$plugin" >"$work/out" 2>"$work/err"
  local rc=$?
  if [ $rc -eq 2 ] && grep -q -- "$want" "$work/err" && grep -q 'policy.plugin' "$work/err" \
     && [ ! -e "$work/bad" ]; then
    ok "$name: exit 2, \"$want\""
  else
    notok "$name: exit $rc, stderr: $(head -c 300 "$work/err")"
  fi
}
refuse "wrong major version" "$P/wrong_major.so" "built against policy ABI 2.x"
refuse "missing entry symbol" "$P/missing_symbol.so" "does not export the entry function aidc_policy_entry"
refuse "not a library" tests/plugins/not_a_library.so "cannot load plugin"
refuse "missing file" "$work/nope.so" "cannot open plugin"
refuse "a directory" "$work" "not a regular file"
"$AIDCSIM" run "$SC" -o "$work/bad" --set 'policy={"plugin":"x.so","name":"fifo"}' 2>"$work/err"
[ $? -eq 2 ] && grep -q 'either "name"' "$work/err" && ok "plugin and name together: exit 2" \
  || notok "plugin and name together"
"$AIDCSIM" run "$SC" -o "$work/bad" --policy "$P/good_fifo.so" --set policy.params.x=1 2>"$work/err"
[ $? -eq 2 ] && grep -q 'good-fifo takes no parameters' "$work/err" && ok "plugin parameter error: exit 2" \
  || notok "plugin parameter error: $(head -c 200 "$work/err")"

# install into a prefix (and a DESTDIR), then build the example out of tree
make --no-print-directory -s install PREFIX="$work/prefix" BUILD="$BUILD" >"$work/install.log" 2>&1
if [ -x "$work/prefix/bin/aidcsim" ] && [ -f "$work/prefix/include/aidcsim/sched/aidc_policy.h" ] \
   && [ -f "$work/prefix/lib/pkgconfig/aidcsim-policy.pc" ] && [ -f "$work/prefix/lib/libaidcsim-sched.a" ]; then
  ok "make install PREFIX: binary, header, library, aidcsim-policy.pc"
else
  notok "make install PREFIX: $(tail -c 300 "$work/install.log")"
fi
make --no-print-directory -s install PREFIX=/usr DESTDIR="$work/dest" BUILD="$BUILD" >/dev/null 2>&1
[ -f "$work/dest/usr/lib/pkgconfig/aidcsim-policy.pc" ] && grep -q '^prefix=/usr$' "$work/dest/usr/lib/pkgconfig/aidcsim-policy.pc" \
  && ok "make install DESTDIR: staged, prefix /usr in the .pc" || notok "make install DESTDIR"
cp -r sched/example-plugin "$work/example"
if PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" make -s -C "$work/example" >"$work/ex.log" 2>&1; then
  ok "example plugin builds with pkg-config against the installed tree"
else
  notok "example plugin build: $(tail -c 400 "$work/ex.log")"
fi
"$work/prefix/bin/aidcsim" run "$SC" -q -o "$work/ex1" --policy "$work/example/libsmallest_first.so" \
  && "$work/prefix/bin/aidcsim" run "$SC" -q -o "$work/ex2" --policy "$work/example/libsmallest_first.so" \
  && cmp -s "$work/ex1/jobs.csv" "$work/ex2/jobs.csv" && [ "$(grep -c ',done,' "$work/ex1/jobs.csv")" -eq "$all_jobs" ] \
  && ok "example plugin runs from the installed binary, all jobs done, deterministic" \
  || notok "example plugin run"
"$work/prefix/bin/aidcsim" policies "$work/example/libsmallest_first.so" | grep -q 'max_starts' \
  && ok "policies lists the example's parameters" || notok "policies lists the example's parameters"

echo "plugins: $pass passed, $fail failed"
[ $fail -eq 0 ]
