#!/usr/bin/env bash
# Cross-checks `reach wards` against geopandas (tools/crosscheck/wards.py) on Trafford's 21 wards of 2017 and,
# when ../shared/data is present, all-England wards (326 files, 7,681): count, order, pass-through properties,
# area_km2 in EPSG:27700, validity, written-geometry area, RFC 7946 winding and precision, reach_warning.
# Builds debug reach if .build/debug/reach is missing (or uses REACH_BIN). Last line: 'N passed, M failed'.
# Run from the repo root:  tools/crosscheck/run.sh
# Env: REACH_BIN=path/to/reach, REACH_DATA=../shared/data, CROSSCHECK_TMP=/tmp/reach-crosscheck
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
OUT=${CROSSCHECK_TMP:-/tmp/reach-crosscheck}

if [[ -n "${REACH_BIN:-}" ]]; then
    REACH=$REACH_BIN
else
    REACH=.build/debug/reach
    if [[ ! -x "$REACH" ]]; then
        echo "crosscheck: $REACH missing; swift build --product reach" >&2
        swift build --product reach >&2
    fi
fi
[[ -x "$REACH" ]] || { echo "crosscheck: reach binary $REACH not found or not executable" >&2; exit 1; }

PY=$(tools/python-env.sh)
mkdir -p "$OUT"

cases=()
skipped=()
run_reach() { # run_reach NAME INPUT: runs reach; a failure is reported and left for wards.py to count
    local name=$1 input=$2 out="$OUT/$1.geojson"
    rm -f "$out"
    echo "crosscheck: $REACH wards --wards $input --out $out" >&2
    local t0=$SECONDS
    if ! "$REACH" wards --wards "$input" --out "$out" 2>"$OUT/$name.stderr"; then
        echo "crosscheck: reach failed on $name; its stderr:" >&2
        cat "$OUT/$name.stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s" >&2
    cases+=(--case "$name" "$input" "$out")
}

if [[ -f fixtures/trafford/wards_2017.geojson ]]; then
    run_reach trafford-2017 fixtures/trafford/wards_2017.geojson
elif [[ -f "$DATA/trafford/wards_2017.geojson" ]]; then
    echo "crosscheck: fixtures/trafford/wards_2017.geojson missing; using $DATA/trafford/wards_2017.geojson" >&2
    run_reach trafford-2017 "$DATA/trafford/wards_2017.geojson"
else
    echo "crosscheck: SKIP trafford-2017: neither fixtures/trafford/wards_2017.geojson nor $DATA/trafford/wards_2017.geojson exists" >&2
    skipped+=(--skipped trafford-2017)
fi

if [[ -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    run_reach england-2013 "$DATA/uk-geojson/wards_by_lad"
else
    echo "crosscheck: SKIP england-2013: $DATA/uk-geojson/wards_by_lad not found (shared data absent)" >&2
    skipped+=(--skipped england-2013)
fi

exec "$PY" tools/crosscheck/wards.py "${cases[@]}" "${skipped[@]}"
