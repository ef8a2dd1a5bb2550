#!/usr/bin/env bash
# Installs the Debian packages aidcsim needs when they are missing.
# Each library is checked the way the build finds it (pkg-config, or the header
# for libcsv, which ships no .pc file); apt-get runs only when something is absent.
set -eu

missing=()
need_pc() { pkg-config --exists "$1" 2>/dev/null || missing+=("$2"); }

command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
need_pc gsl libgsl-dev
need_pc igraph libigraph-dev
need_pc libcjson libcjson-dev
need_pc cairo libcairo2-dev
need_pc libpng libpng-dev
need_pc fontconfig libfontconfig-dev
need_pc cunit libcunit1-dev
[ -f /usr/include/csv.h ] || missing+=(libcsv-dev)
# the charts' PNG text is drawn in DejaVu Sans (plots/canvas.h)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
for extra in "$@"; do
  case "$extra" in
    python3-jsonschema) /usr/bin/python3 -c 'import jsonschema' 2>/dev/null || missing+=(python3-jsonschema) ;;
    *) dpkg -s "$extra" >/dev/null 2>&1 || missing+=("$extra") ;;
  esac
done

[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
