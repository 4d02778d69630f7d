#!/usr/bin/env bash
# Benchmarks what `[equity]` and `[left_behind]` (docs/equity.md) add to `reach run` at national scale: all 7,681
# English wards of 2013, 171,372 output-area origins and 20 per-origin indicators.
# Goal (issue 25): the breakdowns and measures add under 2 s to a run.
# Inputs: those of tools/bench/run.sh (origins.csv, services.csv, the NaPTAN-layout stops; generated with fixed seeds
# into BENCH_TMP, default /tmp/reach-bench-run; when missing, this runs `RUNS=1 BROADBAND=0 tools/bench/run.sh`
# once to make them), and, written here with a fixed seed:
# - services20.csv: the 8 service categories, plus 11 more made by copying categories (gp_b ... hospital_b,
#   gp_c, pharmacy_c, school_c) with every point moved 300 m (b) or 600 m (c) east: 19 categories, so with the bus
#   stops' distance 20 per-origin indicators. The figures' values do not change the cost; their count does.
# - need.csv: one synthetic need score per ward (WD13CD; gamma(2, 10), seed NEED_SEED), joined as need_score.
# Two studies on the same inputs, straight line to each category (800 m and 2 km), bus-stop coverage, the join and
# the score with 1,000 draws: A without, B with [left_behind] (need_score) and [equity] (the 20 indicators, class =
# need_score cut into 10 groups, a 1,000 m standard for the 19 distances and 400 m for the bus stops). They run
# A B A B (PAIRS pairs, default 2) under /usr/bin/time -v, pinned to CORES cores, with --progress json.
# Printed: each run's wall time and peak RSS, the steps' own seconds from the runs' summaries (equity, left behind,
# and the write step of each, which in B also writes equity.csv and report.html), the medians, and the whole-run
# difference B - A. PASS when the median of equity + left behind is under GOAL_SECONDS (default 2); the output
# checks: equity.csv has 20 indicators x 11 classes and wards.csv the left_behind columns. Exit 1 when one fails.
# Builds reach in release unless REACH_BIN is set or SKIP_BUILD=1. Run from the repo root:  tools/bench/equity.sh
# Env: REACH_BIN, SKIP_BUILD=1, PAIRS=2, CORES=2, NEED_SEED=20191, GOAL_SECONDS=2, REACH_DATA=../shared/data,
#      BENCH_TMP=/tmp/reach-bench-run
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
PAIRS=${PAIRS:-2}
CORES=${CORES:-2}
NEED_SEED=${NEED_SEED:-20191}
GOAL_SECONDS=${GOAL_SECONDS:-2}
TMP=${BENCH_TMP:-/tmp/reach-bench-run}

BENCH_TAG=bench/equity
. tools/bench/lib.sh
bench_require_wards "$WARDS"
bench_require_time
bench_reach report --out

IN="$TMP/inputs-20000-20210321"
NAPTAN="$TMP/Stops-400000-20240305.csv"
if [[ ! -s "$IN/services.csv" || ! -s "$IN/origins.csv" || ! -s "$NAPTAN" ]]; then
    echo "$BENCH_TAG: making the national inputs with tools/bench/run.sh (RUNS=1 BROADBAND=0)" >&2
    RUNS=1 BROADBAND=0 SKIP_BUILD=1 REACH_BIN="$REACH" BENCH_TMP="$TMP" tools/bench/run.sh >&2
fi
PY=$(tools/python-env.sh)
EQ="$TMP/equity"
mkdir -p "$EQ"

"$PY" - "$IN/services.csv" "$WARDS" "$EQ" "$NEED_SEED" <<'EOF'
import csv, glob, json, os, sys
import numpy as np

services, wards, out, seed = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
with open(services, newline="") as fh:
    rows = list(csv.DictReader(fh))
categories = sorted({r["category"] for r in rows})
extra = [(c, "b", 300.0) for c in categories] + [(c, "c", 600.0) for c in ["gp", "pharmacy", "school"]]
with open(os.path.join(out, "services20.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["id", "category", "name", "easting", "northing"])
    n = 0
    for r in rows:
        n += 1
        w.writerow([n, r["category"], r["name"], r["easting"], r["northing"]])
    for category, tag, dx in extra:
        for r in rows:
            if r["category"] == category:
                n += 1
                w.writerow([n, f"{category}_{tag}", r["name"], f"{float(r['easting']) + dx:.1f}", r["northing"]])
codes = []
for path in sorted(glob.glob(os.path.join(wards, "*.json"))):
    for feature in json.load(open(path))["features"]:
        codes.append(feature["properties"]["WD13CD"])
rng = np.random.default_rng(seed)
need = rng.gamma(2.0, 10.0, len(codes))
with open(os.path.join(out, "need.csv"), "w", newline="") as fh:
    w = csv.writer(fh)
    w.writerow(["WD13CD", "need_score"])
    for code, value in zip(codes, need):
        w.writerow([code, f"{value:.3f}"])
print(f"bench/equity: {len(categories) + len(extra)} categories, {n:,} services; need for {len(codes):,} wards", file=sys.stderr)
EOF

CATEGORIES=(gp pharmacy school post_office supermarket library jobcentre hospital)
ALL=("${CATEGORIES[@]}" "${CATEGORIES[@]/%/_b}" gp_c pharmacy_c school_c)
study() { # study NAME WITH_EQUITY
    local name=$1 with=$2
    bench_national_study tools/bench/equity.sh "England equity (bench, $name)" "$EQ/out-$name" "$WARDS" "$IN/origins.csv"
    cat <<EOF

[distance]
services = ["$EQ/services20.csv"]
category_field = "category"
modes = ["straight"]
metres = [800, 2000]

[coverage]
naptan = "$(bench_abs "$NAPTAN")"

[[join]]
file = "$EQ/need.csv"
key = "WD13CD"

[score]
[score.robustness]
draws = 1000
weight_jitter = 0.25
seed = 2019
leave_one_out = true

[[score.domain]]
name = "services"

[[score.domain]]
name = "transport"
EOF
    for c in "${ALL[@]}"; do
        printf '\n[[score.indicator]]\nname = "%s"\nsource = "%s_straight_mean"\ndirection = "higher_is_worse"\ndomain = "services"\n' "$c" "$c"
    done
    printf '\n[[score.indicator]]\nname = "bus_stop_pop"\nsource = "bus_stop_pop_pct"\ndirection = "higher_is_better"\ndomain = "transport"\n'
    if [[ $with == 1 ]]; then
        local list="" standards=""
        for c in "${ALL[@]}"; do
            list+="\"${c}_straight\", "
            standards+="${c}_straight = 1000, "
        done
        cat <<EOF

[left_behind]
need = "need_score"

[equity]
indicators = [${list}"bus_stop_distance_m"]
class = "need_score"
class_groups = 10
standard = { ${standards}bus_stop_distance_m = 400 }
EOF
    fi
}
study plain 0 >"$EQ/plain.toml"
study equity 1 >"$EQ/equity.toml"

cat "$WARDS"/*.json "$IN/origins.csv" "$EQ/services20.csv" "$NAPTAN" >/dev/null
PIN=()
if [[ $(nproc) -gt $CORES ]] && command -v taskset >/dev/null; then PIN=(taskset -c "0-$((CORES - 1))"); fi
bench_study_pairs "$EQ" "$PAIRS" plain equity "${PIN[@]}"

"$PY" - "$EQ" "$PAIRS" "$GOAL_SECONDS" <<'EOF'
import csv, json, statistics, sys

eq, pairs, goal = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])


def summary(name, i):
    for line in open(f"{eq}/{name}.{i}.log"):
        if line.startswith("{") and '"event":"summary"' in line:
            return json.loads(line)
    sys.exit(f"bench/equity: no summary in {eq}/{name}.{i}.log")


times = {n: [tuple(map(float, l.split())) for l in open(f"{eq}/{n}.time")] for n in ("plain", "equity")}
print()
print(f"bench/equity: reach run at national scale, A (plain) B (with [equity] and [left_behind]) x {pairs}")
steps = []
for i in range(1, pairs + 1):
    a, b = summary("plain", i), summary("equity", i)
    t = b["timings_s"]
    eq_s, lb_s = t.get("equity", float("nan")), t.get("left behind", float("nan"))
    write_delta = t["write"] - a["timings_s"]["write"]
    steps.append((eq_s, lb_s, write_delta))
    (wa, ra), (wb, rb) = times["plain"][i - 1], times["equity"][i - 1]
    print(f"  pair {i}: A {wa:.2f} s {ra / 1024:.0f} MiB; B {wb:.2f} s {rb / 1024:.0f} MiB; "
          f"B's equity step {eq_s:.3f} s, left behind {lb_s:.3f} s, its write {write_delta:+.3f} s against A's (equity.csv, report.html)")
b = summary("equity", pairs)
origins, wards = b["origins"], b["wards"]
indicators = list(b.get("equity", {}).keys())
measured = statistics.median(e + l for e, l, _ in steps)
wall = statistics.median(wb - wa for (wa, _), (wb, _) in zip(times["plain"], times["equity"]))
peak = max(r for _, r in times["equity"]) / max(r for _, r in times["plain"])
print(f"inputs: {wards:,} wards, {origins:,} origins, {len(indicators)} indicators, "
      f"left behind {b['left_behind']['zones']} zones (population {b['left_behind']['population']:,.0f})")
print(f"median: equity + left behind {measured:.3f} s; write {statistics.median(w for _, _, w in steps):+.3f} s; "
      f"whole run B - A {wall:+.2f} s (includes run-to-run noise); peak RSS B/A {peak:.3f}x")
status = 0
rows = list(csv.DictReader(open(f"{eq}/out-equity/equity.csv")))
classes = {r["class"] for r in rows}
ok_rows = len({r["indicator"] for r in rows}) == 20 and len(classes) == 11
print(f"check: equity.csv has {len({r['indicator'] for r in rows})} indicators x {len(classes)} classes, {len(rows):,} rows "
      f"(expected 20 x 11) -> {'ok' if ok_rows else 'FAILED'}")
header = next(csv.reader(open(f"{eq}/out-equity/wards.csv")))
ok_cols = all(c in header for c in ("left_behind", "left_behind_reason", "left_behind_uncertain", "area_km2"))
print(f"check: wards.csv has left_behind, left_behind_reason, left_behind_uncertain, area_km2 -> {'ok' if ok_cols else 'FAILED'}")
verdict = measured < goal
print(f"{'PASS' if verdict else 'FAIL'}: [equity] and [left_behind] add {measured:.3f} s (goal < {goal:g} s)")
sys.exit(0 if verdict and ok_rows and ok_cols else 1)
EOF
