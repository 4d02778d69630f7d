#!/usr/bin/env bash
# Benchmarks `reach coverage` (bus_stop_area_pct: share of each ward's area within 400 m of a bus stop,
# docs/transit.md) on all-England wards (326 files, 7,681 wards) and a national-size NaPTAN Stops.csv against the
# peer the issue names, shapely 2 doing it well (tools/bench/coverage_shapely.py: STRtree, vectorised 64-gon
# buffers, one union_all per ward, intersection with the ward). Goal: reach at least 5x faster.
# The stops are synthetic (tools/bench/make_national_stops.py, fixed seed): STOPS (default 400,000) uniform random
# points inside the real wards, half shared equally between wards (wards have similar electorates, so this is a
# population proxy and a floor of 26 stops per ward) and half in proportion to ward area; rounded to whole metres,
# written in the 43-column NaPTAN layout (StopType BCT, Status active). Generated once and cached in BENCH_TMP.
# Each tool runs under /usr/bin/time -v (REACH_RUNS, default 3, and PEER_RUNS, default 1: the peer takes about a
# minute); the bench prints median wall seconds, peak RSS, each tool's `timings:` steps and the ratio, then
# compares the outputs ward by ward: every ward in both, max |reach - shapely| bus_stop_area_pct < 0.1 percentage
# points, else exit 1.
# Builds reach in release once (`swift build -c release --product reach`) unless REACH_BIN is set or SKIP_BUILD=1
# (then .build/release/reach). Run from the repo root:  tools/bench/coverage.sh
# Env: REACH_BIN=path/to/reach, SKIP_BUILD=1, REACH_RUNS=3, PEER_RUNS=1, STOPS=400000, SEED=20240305,
#      STOPS_CSV=path (use this NaPTAN file instead of generating one), REACH_DATA=../shared/data,
#      BENCH_TMP=/tmp/reach-bench-coverage, PEERS_ONLY=1 (time the shapely peer only, no reach)
# Assumes reach coverage writes GeoJSON whose features keep the ward code property (WD13CD; `code` also accepted)
# and add bus_stop_area_pct, and prints `reach: timings: ...` on stderr.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
REACH_RUNS=${REACH_RUNS:-3}
PEER_RUNS=${PEER_RUNS:-1}
NSTOPS=${STOPS:-400000}
SEED=${SEED:-20240305}
TMP=${BENCH_TMP:-/tmp/reach-bench-coverage}
PEERS_ONLY=${PEERS_ONLY:-0}
TOL=0.1

BENCH_TAG=bench/coverage
. tools/bench/lib.sh
bench_require_wards "$WARDS"
bench_require_time
bench_reach coverage --bus-radius

PY=$(tools/python-env.sh)
mkdir -p "$TMP"
if [[ -n "${STOPS_CSV:-}" ]]; then
    NAPTAN=$STOPS_CSV
else
    NAPTAN="$TMP/Stops-$NSTOPS-$SEED.csv"
    if [[ ! -s "$NAPTAN" ]]; then
        "$PY" tools/bench/make_national_stops.py --wards "$WARDS" --out "$NAPTAN" --stops "$NSTOPS" --seed "$SEED" >&2
    fi
fi
[[ -s "$NAPTAN" ]] || { echo "bench/coverage: $NAPTAN not found" >&2; exit 1; }
# Same page cache for both tools: read every input once before timing.
cat "$WARDS"/*.json "$NAPTAN" >/dev/null

run() { bench_timed "$@"; } # run NAME RUNS CMD... (tools/bench/lib.sh)

if [[ -n "$REACH" ]]; then
    run reach "$REACH_RUNS" "$REACH" coverage --wards "$WARDS" --naptan "$NAPTAN" --out "$TMP/reach.geojson"
fi
run shapely "$PEER_RUNS" "$PY" tools/bench/coverage_shapely.py --wards "$WARDS" --naptan "$NAPTAN" --out "$TMP/shapely.csv"

"$PY" - "$TMP" "$NAPTAN" "$TOL" "${REACH:+reach}" <<'EOF'
import json, os, re, statistics, sys
import numpy as np
import pandas as pd

tmp, naptan, tol, with_reach = sys.argv[1], sys.argv[2], float(sys.argv[3]), sys.argv[4] == "reach"
nstops = sum(1 for _ in open(naptan)) - 1


def stats(name):
    vals = [l.split() for l in open(os.path.join(tmp, f"{name}.time")) if l.strip() and l[0].isdigit()]
    secs = [float(v[0]) for v in vals]
    steps = ""
    for log in sorted(f for f in os.listdir(tmp) if f.startswith(f"{name}.run") and f.endswith(".log")):
        for line in open(os.path.join(tmp, log), errors="replace"):
            if "timings:" in line:
                steps = line.split("timings:", 1)[1].strip()  # the last run's steps
    return statistics.median(secs), max(int(v[1]) for v in vals) / 1024, len(secs), steps


print()
print(f"coverage: bus_stop_area_pct (r = 400 m) of 7,681 English wards from {nstops:,} NaPTAN stops "
      f"({os.path.basename(naptan)})")
rows = [("reach", "reach coverage")] if with_reach else []
rows.append(("shapely", "shapely 2 (STRtree, union per ward)"))
table = {name: stats(name) for name, _ in rows}
w = max(len(label) for _, label in rows)
print(f"{'tool':<{w}}  {'median s':>8}  {'runs':>4}  {'peak MiB':>8}  {'x reach time':>12}  {'x reach mem':>11}  steps (last run)")
for name, label in rows:
    s, m, n, steps = table[name]
    rt = f"{s / table['reach'][0]:.2f}" if with_reach else "-"
    rm = f"{m / table['reach'][1]:.2f}" if with_reach else "-"
    print(f"{label:<{w}}  {s:>8.2f}  {n:>4}  {m:>8.1f}  {rt:>12}  {rm:>11}  {steps}")

status = 0
if with_reach:
    ratio = table["shapely"][0] / table["reach"][0]
    print(f"goal: reach >= 5x faster than shapely: {ratio:.2f}x -> {'met' if ratio >= 5 else 'NOT met'}")
    with open(os.path.join(tmp, "reach.geojson")) as fh:
        feats = json.load(fh)["features"]
    props = [f["properties"] for f in feats]
    key = next((k for k in ("WD13CD", "code") if props and k in props[0]), None)
    if key is None or "bus_stop_area_pct" not in props[0]:
        print(f"agreement: reach.geojson has no ward code (WD13CD/code) or bus_stop_area_pct property: "
              f"{sorted(props[0]) if props else 'no features'}")
        sys.exit(1)
    r = pd.Series({p[key]: (np.nan if p["bus_stop_area_pct"] is None else float(p["bus_stop_area_pct"]))
                   for p in props}, name="reach")
    s = pd.read_csv(os.path.join(tmp, "shapely.csv"), dtype={"code": str}).set_index("code")["bus_stop_area_pct"]
    both = pd.concat([r, s.rename("shapely")], axis=1)
    only_r, only_s = both["shapely"].isna() & both["reach"].notna(), both["reach"].isna() & both["shapely"].notna()
    d = (both["reach"] - both["shapely"]).abs().dropna()
    worst = d.idxmax() if len(d) else None
    ok = len(feats) == len(s) and not only_r.any() and not only_s.any() and len(d) == len(s) and d.max() < tol
    print(f"agreement: {len(feats)} reach wards, {len(s)} shapely wards, {int(only_r.sum())} only in reach, "
          f"{int(only_s.sum())} only in shapely; |reach - shapely| bus_stop_area_pct: median {d.median():.2g}, "
          f"max {d.max():.3g} pp ({worst}: reach {both['reach'].get(worst, float('nan')):.4f}, shapely "
          f"{both['shapely'].get(worst, float('nan')):.4f}); tolerance {tol} pp -> {'ok' if ok else 'FAILED'}")
    status = 0 if ok else 1
else:
    print("PEERS_ONLY=1: reach not run")
sys.exit(status)
EOF
