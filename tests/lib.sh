# tests/lib.sh — the prologue every test script sources (`. "$(dirname "$0")/lib.sh"`):
# moves to the repository root, resolves AIDCSIM (default $BUILD/aidcsim; a relative path is
# taken from the caller's directory when it exists only there), and gives the check counters:
# ok / notok print one TAP-like line each; oneline FILE [N] flattens a file for a message.
orig_pwd=$PWD
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
BUILD=${BUILD:-build}
AIDCSIM=${AIDCSIM:-$BUILD/aidcsim}
case "$AIDCSIM" in
  /*) ;;
  *) [ -e "$orig_pwd/$AIDCSIM" ] && [ ! -e "$AIDCSIM" ] && AIDCSIM="$orig_pwd/$AIDCSIM" ;;
esac
PY=/usr/bin/python3
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
notok() { fail=$((fail + 1)); echo "not ok - $1"; }
oneline() { tr '\n\t' '  ' <"$1" | cut -c "1-${2:-300}"; }
