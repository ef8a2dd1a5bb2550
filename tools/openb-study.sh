#!/usr/bin/env bash
# The openb fragmentation study: every pod list of the Alibaba openb trace (../shared/data/openb,
# or $AIDC_SHARED_DATA/openb) converted and placed on the openb cluster (scenarios/openb) by
# first-fit, best-fit and fgd with `aidcsim place`, shuffled, resampled to 130% of capacity, over
# REPEATS seeds (default 3). Prints one row per pod list: the GPU allocation ratio (%) at 100% and
# 130% arrived demand per strategy. Usage: tools/openb-study.sh [REPEATS] [OUT.tsv]
set -eu
cd "$(dirname "$0")/.."
AIDCSIM=${AIDCSIM:-build/aidcsim}
DATA=${AIDC_SHARED_DATA:-../shared/data}/openb
REPEATS=${1:-3}
OUT=${2:-/dev/null}
work=$(mktemp -d "${TMPDIR:-/tmp}/aidcsim-openb.XXXXXX")
trap 'rm -rf "$work"' EXIT
printf '%-12s %21s %21s %21s\n' "pod list" "first-fit 100/130" "best-fit 100/130" "fgd 100/130"
printf 'list\tff100\tff130\tbf100\tbf130\tfgd100\tfgd130\n' >"$OUT"
for f in "$DATA"/openb_pod_list_*.csv; do
  name=$(basename "$f" .csv); name=${name#openb_pod_list_}
  "$AIDCSIM" trace convert -q --from openb "$f" "$work/$name.csv"
  "$AIDCSIM" place scenarios/openb/place.json -q -o "$work/out-$name" --shuffle --until 1.3 \
    --repeats "$REPEATS" --set "workload.trace=$(realpath "$work/$name.csv")"
  python3 - "$work/out-$name/summary.json" "$name" "$OUT" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["strategies"]
v = [s[k][p] for k in ("first-fit", "best-fit", "fgd") for p in ("alloc_pct_at_100", "alloc_pct_at_130")]
print("%-12s %10.2f %10.2f %10.2f %10.2f %10.2f %10.2f" % (sys.argv[2], *v))
with open(sys.argv[3], "a") as o:
    o.write(sys.argv[2] + "\t" + "\t".join("%.2f" % x for x in v) + "\n")
PY
done
