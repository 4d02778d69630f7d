#!/usr/bin/env bash
# Benchmarks `reach broadband` (docs/broadband.md) on all 7,681 English wards of 2013 and a national-size postcode
# directory with Ofcom's 2022-onwards postcode files, against the peer doing the same job with pandas + geopandas
# (tools/bench/broadband_peer.py: pandas read_csv, postcodes normalised with pandas string methods, points from
# oseast1m/osnrth1m, the 326 ward files read with pyogrio, to_crs EPSG:27700, make_valid, gpd.sjoin with
# predicate "intersects" (= covers for a point; the first ward in layer order wins), numpy group sums and the
# weighted median by sort + cumulative weights).
# Inputs (tools/bench/make_postcodes.py, fixed seed, generated once and cached in BENCH_TMP): POINTS (default
# 1,700,000) postcode points uniformly at random inside the real wards, the same number in every ward (wards have
# similar electorates: a population proxy), plus 0.5 % outside England; onspd.csv (pcd, pcds, oseast1m, osnrth1m,
# lat, long; 0.1 % with no location), coverage.csv (2022 layout: All Premises, SFBB/UFBB/Full Fibre/Gigabit %,
# below the USO %, SFBB and Full Fibre counts; 1 % not in the directory, 0.01 % malformed keys, 5 % keys in lower
# case or unspaced) and performance.csv (median download speed, 10 % N/A).
# Each tool runs under /usr/bin/time -v (REACH_RUNS, default 3; PEER_RUNS, default 1); the bench prints median wall
# seconds, peak RSS, each tool's `timings:` steps and the ratio, then compares the two CSV outputs ward by ward
# and property by property (tools/crosscheck/broadband.py compare: counts exact, percentages and medians equal to
# 1e-9 or one output unit apart, a rounding midpoint reached by two float sums, counted and listed) and the
# unmatched counts by reason: exit 1 if they disagree.
# Builds reach in release (`swift build -c release --product reach`, a no-op when up to date) unless REACH_BIN
# is set or SKIP_BUILD=1. Run from the repo root:  tools/bench/broadband.sh
# Env: REACH_BIN=path/to/reach, REACH_RUNS=3, PEER_RUNS=1, POINTS=1700000, SEED=20220505,
#      REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-broadband, PEERS_ONLY=1 (time the peer only)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
REACH_RUNS=${REACH_RUNS:-3}
PEER_RUNS=${PEER_RUNS:-1}
POINTS=${POINTS:-1700000}
SEED=${SEED:-20220505}
TMP=${BENCH_TMP:-/tmp/reach-bench-broadband}
PEERS_ONLY=${PEERS_ONLY:-0}

BENCH_TAG=bench/broadband
. tools/bench/lib.sh
bench_require_wards "$WARDS"
bench_require_time
bench_reach broadband --ofcom

PY=$(tools/python-env.sh)
IN="$TMP/inputs-$POINTS-$SEED"
if [[ ! -f "$IN/done" ]]; then
    "$PY" tools/bench/make_postcodes.py --wards "$WARDS" --out-dir "$IN" --points "$POINTS" --seed "$SEED" >&2
    touch "$IN/done"
fi
# Same page cache for both tools: read every input once before timing.
cat "$WARDS"/*.json "$IN"/onspd.csv "$IN"/coverage.csv "$IN"/performance.csv >/dev/null

run() { bench_timed "$@"; } # run NAME RUNS CMD... (tools/bench/lib.sh)

ARGS=(--wards "$WARDS" --code-field WD13CD --postcodes "$IN/onspd.csv" --ofcom "$IN/coverage.csv"
    --ofcom "$IN/performance.csv")
if [[ -n "$REACH" ]]; then
    run reach "$REACH_RUNS" "$REACH" broadband "${ARGS[@]}" --unmatched-out "$TMP/reach-unmatched.csv" \
        --out "$TMP/reach.csv"
fi
run peer "$PEER_RUNS" "$PY" tools/bench/broadband_peer.py "${ARGS[@]}" --unmatched-out "$TMP/peer-unmatched.csv" \
    --out "$TMP/peer.csv"

"$PY" - "$TMP" "$IN" "${REACH:+reach}" <<'EOF'
import csv, os, statistics, subprocess, sys
from collections import Counter

tmp, inputs, with_reach = sys.argv[1], sys.argv[2], sys.argv[3] == "reach"


def stats(name):
    vals = [l.split() for l in open(os.path.join(tmp, f"{name}.time")) if l.strip() and l[0].isdigit()]
    secs = [float(v[0]) for v in vals]
    steps = ""
    for log in sorted(f for f in os.listdir(tmp) if f.startswith(f"{name}.run") and f.endswith(".log")):
        for line in open(os.path.join(tmp, log), errors="replace"):
            if "timings:" in line:
                steps = line.split("timings:", 1)[1].strip()  # the last run's steps
    return statistics.median(secs), max(int(v[1]) for v in vals) / 1024, len(secs), steps


def lines(path):
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


print()
print(f"broadband: 7,681 English wards, {lines(os.path.join(inputs, 'onspd.csv')):,} directory postcodes, "
      f"{lines(os.path.join(inputs, 'coverage.csv')):,} coverage and {lines(os.path.join(inputs, 'performance.csv')):,} "
      f"performance rows ({os.path.basename(inputs)})")
rows = [("reach", "reach broadband")] if with_reach else []
rows.append(("peer", "pandas + geopandas (broadband_peer.py)"))
table = {name: stats(name) for name, _ in rows}
w = max(len(label) for _, label in rows)
print(f"{'tool':<{w}}  {'median s':>8}  {'runs':>4}  {'peak MiB':>8}  {'x reach time':>12}  {'x reach mem':>11}  steps (last run)")
for name, label in rows:
    s, m, n, steps = table[name]
    rt = f"{s / table['reach'][0]:.2f}" if with_reach else "-"
    rm = f"{m / table['reach'][1]:.2f}" if with_reach else "-"
    print(f"{label:<{w}}  {s:>8.2f}  {n:>4}  {m:>8.1f}  {rt:>12}  {rm:>11}  {steps}")
if not with_reach:
    print("PEERS_ONLY=1: reach not run")
    sys.exit(0)
print(f"peer / reach = {table['peer'][0] / table['reach'][0]:.2f}x wall time")

status = 0
here = os.getcwd()
p = subprocess.run([sys.executable, os.path.join(here, "tools", "crosscheck", "broadband.py"), "compare",
                    "--code-field", "WD13CD", os.path.join(tmp, "reach.csv"), os.path.join(tmp, "peer.csv")],
                   capture_output=True, text=True)
print(p.stdout, end="")
if p.returncode != 0:
    print(p.stderr, end="")
    status = 1


def reasons(path):
    with open(path, newline="") as fh:
        return Counter(r["reason"] for r in csv.DictReader(fh))


r, q = reasons(os.path.join(tmp, "reach-unmatched.csv")), reasons(os.path.join(tmp, "peer-unmatched.csv"))
same = r == q
print(f"unmatched by reason: reach {dict(sorted(r.items()))}; peer {dict(sorted(q.items()))} -> "
      f"{'same' if same else 'DIFFERENT'}")
if not same:
    status = 1
print(f"agreement (reach.csv vs peer.csv): {'ok' if status == 0 else 'FAILED'}")
sys.exit(status)
EOF
