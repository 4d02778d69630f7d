#!/usr/bin/env bash
# Benchmarks reach distance's destination measures over roads at national scale (docs/access.md): the 171,372
# synthetic output-area origins of tools/bench/make_national_inputs.py and the 20,000 services in 20 categories and
# the generated national street network (walk.osm.pbf: 3.4 M nodes, residential and tertiary streets a car may use
# too) of tools/bench/make_national_transit.py, all-England wards read and written. Runs, each RUNS times (default 1):
#   nearest-walk    --modes walk: the nearest-service search alone (one multi-source search per category)
#   fca-walk        --modes walk --minutes 15,30 --fca 2sfca (issue 23: under 2 minutes)
#   nearest-car     --modes car --minutes 15,30
#   gravity-car     --modes car --minutes 15,30 --gravity-beta BETA (default 0.2 per minute: terms to 34.5 min)
#   connect-walk    --modes walk --connectivity (reach's default curve, rho 0.5, 60 minutes: the pairs path)
# and prints each run's wall time, peak RSS and its steps, and the gravity step against the nearest search.
# There is no Python peer here: at this size networkx (one Dijkstra per origin) would take days; the agreement with
# PySAL access and networkx is checked on real data by tools/crosscheck/catchment.py.
# Builds reach in release (incremental) unless SKIP_BUILD=1 or REACH_BIN. Inputs are made (or reused) by
# `PREPARE_ONLY=1 NATIONAL=1 tools/bench/raptor.sh national` and make_national_inputs.py (about 2.5 minutes).
# Run from the repo root: tools/bench/access_national.sh [run ...]
# Env: RUNS=1, BETA=0.2, REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-access
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
RUNS=${RUNS:-1}
BETA=${BETA:-0.2}
TMP=${BENCH_TMP:-/tmp/reach-bench-access}
RUNS_WANTED=("$@")
[[ ${#RUNS_WANTED[@]} -eq 0 ]] && RUNS_WANTED=(nearest-walk fca-walk nearest-car gravity-car connect-walk)
BENCH_TAG=bench/access
. tools/bench/lib.sh
bench_require_time
bench_reach distance --gravity-beta
WARDS="$DATA/uk-geojson/wards_by_lad"
bench_require_wards "$WARDS"
PY=$(tools/python-env.sh)
mkdir -p "$TMP"

NT=/tmp/reach-bench-raptor/transit-1000000-20240305
IN=/tmp/reach-bench-run/inputs-20000-20210321
if [[ ! -f "$NT/walk.osm.pbf" || ! -f "$NT/services20.csv" || ! -f "$IN/origins.csv" ]]; then
    echo "$BENCH_TAG: making the national inputs (tools/bench/raptor.sh national, PREPARE_ONLY=1)" >&2
    PREPARE_ONLY=1 NATIONAL=1 SKIP_BUILD=1 bash tools/bench/raptor.sh national >&2
fi
for f in "$NT/walk.osm.pbf" "$NT/services20.csv" "$IN/origins.csv"; do
    [[ -f "$f" ]] || { echo "$BENCH_TAG: $f missing after preparing the inputs" >&2; exit 1; }
done

common=(distance --wards "$WARDS" --code-field WD13CD --services "$NT/services20.csv" --category-field category
        --origins "$IN/origins.csv" --weight-field population --osm "$NT/walk.osm.pbf" --minutes 15,30)
for run in "${RUNS_WANTED[@]}"; do
    case $run in
        nearest-walk) args=(--modes walk) ;;
        fca-walk) args=(--modes walk --fca 2sfca) ;;
        nearest-car) args=(--modes car) ;;
        gravity-car) args=(--modes car --gravity-beta "$BETA") ;;
        connect-walk) args=(--modes walk --connectivity) ;;
        *) echo "$BENCH_TAG: unknown run '$run' (nearest-walk fca-walk nearest-car gravity-car connect-walk)" >&2; exit 2 ;;
    esac
    bench_timed "$run" "$RUNS" "$REACH" "${common[@]}" "${args[@]}" --out "$TMP/$run.geojson"
done

"$PY" - "$TMP" "$RUNS" "$BETA" "${RUNS_WANTED[@]}" <<'PYEOF'
import os, re, statistics, sys
tmp, runs, beta, names = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
def load(name):
    rows = [tuple(map(float, l.split())) for l in open(f"{tmp}/{name}.time")]
    return statistics.median(r[0] for r in rows), max(r[1] for r in rows) / 1024
def steps(name):
    text = open(f"{tmp}/{name}.run1.log").read()
    return {k: float(v) for k, v in re.findall(r"([a-z][a-z ]+?) ([0-9.]+) s", text.split("timings:")[-1])} if "timings:" in text else {}
print(f"national: 171,372 origins, 20,000 services in 20 categories, 3.4 M-node generated street network; median of {runs}")
for name in names:
    t, m = load(name)
    s = steps(name)
    shown = ", ".join(f"{k} {v:.1f} s" for k, v in s.items() if v >= 0.5)
    print(f"  {name:<13} {t:8.1f} s {m:7.0f} MiB   {shown}")
if "fca-walk" in names:
    t, _ = load("fca-walk")
    print(f"  2SFCA by walk end to end {t:.1f} s (goal < 120 s: {'met' if t < 120 else 'NOT met'}); "
          f"floating catchments step {steps('fca-walk').get('floating catchments', float('nan')):.1f} s")
if "gravity-car" in names and "nearest-car" in names:
    g = steps("gravity-car").get("opportunities", float("nan"))
    n = steps("nearest-car").get("network search", float("nan"))
    print(f"  gravity by car (beta {beta}/min, one search per service) {g:.1f} s against the nearest search of the same "
          f"20 categories {n:.1f} s: {g / n:.1f}x ({'met' if g <= n else 'NOT met'}: goal no slower)")
PYEOF
