#!/usr/bin/env bash
# Benchmarks `reach wards` against a geopandas peer (tools/bench/wards_geopandas.py) doing the same work end to
# end on all-England wards (326 files, 7,681 wards): read, reproject to EPSG:27700, make-valid, area, write
# RFC 7946 GeoJSON. Builds reach in release once (skipped when REACH_BIN is set), runs each tool RUNS times
# (default 3) under /usr/bin/time, and prints median wall seconds, peak RSS and the ratio peer/reach.
# Run from the repo root:  tools/bench/wards.sh
# Env: REACH_BIN=path/to/reach (skip the build), RUNS=3, REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-wards
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
RUNS=${RUNS:-3}
EXPECT=7681
TMP=${BENCH_TMP:-/tmp/reach-bench-wards}

BENCH_TAG=bench/wards
. tools/bench/lib.sh
bench_require_wards "$WARDS"
bench_require_time
PEERS_ONLY=0 bench_reach wards --wards

PY=$(tools/python-env.sh)
mkdir -p "$TMP"
rm -f "$TMP"/*.time

# Same page cache for both tools: read every input once before timing.
cat "$WARDS"/*.json >/dev/null

run() { # run NAME OUT CMD...: one timed run appended to $TMP/NAME.time as "seconds maxrss_kib"
    local name=$1 out=$2
    shift 2
    rm -f "$out"
    if ! /usr/bin/time -f '%e %M' -a -o "$TMP/$name.time" "$@" >"$TMP/$name.log" 2>&1; then
        echo "bench/wards: $name failed; its output:" >&2
        cat "$TMP/$name.log" >&2
        exit 1
    fi
}

for i in $(seq 1 "$RUNS"); do
    echo "bench/wards: run $i/$RUNS" >&2
    run reach "$TMP/reach.geojson" "$REACH" wards --wards "$WARDS" --out "$TMP/reach.geojson"
    run geopandas "$TMP/geopandas.geojson" "$PY" tools/bench/wards_geopandas.py "$WARDS" "$TMP/geopandas.geojson" --expect "$EXPECT"
done

# reach's output must hold every ward too, or the timing means nothing.
"$PY" - "$TMP/reach.geojson" "$EXPECT" <<'EOF'
import json, sys
n = len(json.load(open(sys.argv[1]))["features"])
if n != int(sys.argv[2]):
    sys.exit(f"bench/wards: reach wrote {n} features, expected {sys.argv[2]}")
EOF

"$PY" - "$TMP" "$RUNS" "$REACH" <<'EOF'
import statistics, sys
tmp, runs, reach = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows = {}
for name in ("reach", "geopandas"):
    vals = [line.split() for line in open(f"{tmp}/{name}.time") if line.strip() and line[0].isdigit()]
    secs = [float(v[0]) for v in vals]
    mib = [int(v[1]) / 1024 for v in vals]
    # Peak RSS: the largest of the runs (the memory a user must have), time: the median.
    rows[name] = (statistics.median(secs), max(mib), secs)
print(f"all-England wards (326 files, 7,681 wards), {runs} runs each; reach = {reach}")
print(f"{'tool':<10} {'median s':>9} {'peak MiB':>9}   runs (s)")
for name, (s, m, secs) in rows.items():
    print(f"{name:<10} {s:>9.2f} {m:>9.1f}   {' '.join(f'{x:.2f}' for x in secs)}")
r, g = rows["reach"], rows["geopandas"]
ratio_t = g[0] / r[0] if r[0] > 0 else float("inf")
print(f"ratio geopandas/reach: time {ratio_t:.2f}x, peak memory {g[1] / r[1]:.2f}x")
EOF
