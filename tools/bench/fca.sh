#!/usr/bin/env bash
# Benchmarks reach's floating catchments (docs/access.md) against the Python route (tools/bench/fca_peer.py: scipy
# cKDTree pairs + PySAL access two_stage_fca), end to end as separate processes on the same input: the national
# synthetic origins (171,372 output areas, weighted) and 20,000 services in 8 categories of
# tools/bench/make_national_inputs.py, 2SFCA by straight line at 800 and 2,000 m for every category. reach reads
# the all-England wards too (its zone figures are the point; the peer computes origins only). Prints each tool's
# median wall time over RUNS runs (default 3), peak RSS, its timings line, the ratio, and reach's "floating
# catchments" step alone (the issue's figure: under 5 s). Then reach with all three methods, for the record.
# Builds reach in release (incremental) unless SKIP_BUILD=1 or REACH_BIN. Run from the repo root: tools/bench/fca.sh
# Env: RUNS=3, REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-fca
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
RUNS=${RUNS:-3}
TMP=${BENCH_TMP:-/tmp/reach-bench-fca}
BENCH_TAG=bench/fca
. tools/bench/lib.sh
bench_require_time
bench_reach distance --fca
bench_require_wards "$DATA/uk-geojson/wards_by_lad"
PY=$(tools/python-env.sh)
mkdir -p "$TMP"
"$PY" tools/bench/make_national_inputs.py --oas "$DATA/uk-geojson/oa_by_lad" --wards "$DATA/uk-geojson/wards_by_lad" \
    --out-dir "$TMP" >&2

common=(distance --wards "$DATA/uk-geojson/wards_by_lad" --services "$TMP/services.csv" --category-field category
        --origins "$TMP/origins.csv" --weight-field population --metres 800,2000)
bench_timed reach "$RUNS" "$REACH" "${common[@]}" --fca 2sfca --out "$TMP/reach.geojson" --origins-out "$TMP/reach_origins.csv"
# The peer gets the origins reach used (its origins.csv: the output areas inside a ward, and a point on surface of
# weight 1 for each ward none falls in), so that both compute the same numbers and the agreement line can be exact.
"$PY" -c 'import sys, pandas as pd; d = pd.read_csv(sys.argv[1]); d.rename(columns={"x": "easting", "y": "northing", "weight": "population"})[["easting", "northing", "population"]].to_csv(sys.argv[2], index=False)' \
    "$TMP/reach_origins.csv" "$TMP/peer_origins.csv"
bench_timed peer "$RUNS" "$PY" tools/bench/fca_peer.py --origins "$TMP/peer_origins.csv" --services "$TMP/services.csv" \
    --metres 800,2000 --out "$TMP/peer.csv"
bench_timed reach-all "$RUNS" "$REACH" "${common[@]}" --fca 2sfca,e2sfca,bfca --out "$TMP/reach_all.geojson"

"$PY" - "$TMP" "$RUNS" <<'PYEOF'
import re, statistics, sys
import numpy as np, pandas as pd
tmp, runs = sys.argv[1], int(sys.argv[2])
def load(name):
    rows = [tuple(map(float, l.split())) for l in open(f"{tmp}/{name}.time")]
    return statistics.median(r[0] for r in rows), max(r[1] for r in rows) / 1024
def step(name, label):
    text = open(f"{tmp}/{name}.run1.log").read()
    m = re.search(label + r" ([0-9.]+) s", text)
    return float(m.group(1)) if m else float("nan")
r, p, a = load("reach"), load("peer"), load("reach-all")
print(f"2SFCA, 171,372 origins x 20,000 services (8 categories), straight line at 800 and 2,000 m; median of {runs}")
print(f"  reach (2 cores)           {r[0]:7.2f} s  {r[1]:7.0f} MiB   floating catchments step {step('reach', 'floating catchments'):.2f} s")
print(f"  scipy + PySAL access      {p[0]:7.2f} s  {p[1]:7.0f} MiB   {open(f'{tmp}/peer.run1.log').read().strip().splitlines()[-1]}")
peer_log = open(f"{tmp}/peer.run1.log").read()
peer_compute = sum(float(x) for x in re.findall(r"(?:pairs \(cKDTree\)|2SFCA \(access\)) ([0-9.]+) s", peer_log))
print(f"  ratio (peer / reach)      {p[0] / r[0]:7.1f}x end to end; {peer_compute / step('reach', 'floating catchments'):.1f}x the computation "
      f"(peer pairs + 2SFCA {peer_compute:.2f} s against reach's floating catchments step)")
print(f"  reach 2sfca+e2sfca+bfca   {a[0]:7.2f} s  {a[1]:7.0f} MiB   floating catchments step {step('reach-all', 'floating catchments'):.2f} s")
# The two compute the same numbers: every origin's value of every category and catchment.
mine, theirs = pd.read_csv(f"{tmp}/reach_origins.csv", dtype={"origin": str}), pd.read_csv(f"{tmp}/peer.csv")
cols = [c for c in theirs.columns if c != "origin"]
a_, b_ = mine[cols].to_numpy(), theirs[cols].to_numpy()
differ = int((np.abs(a_ - b_) > 1e-9 * np.maximum(np.abs(a_), np.abs(b_))).sum())
print(f"  agreement: {len(cols)} columns x {len(theirs):,} origins: {differ} values differ by more than 1e-9 relative")
PYEOF
