#!/usr/bin/env bash
# Benchmarks a scenario against the public-transport step it changes (issue 21 "Speed", docs/scenarios.md "What is
# recomputed"): on the national synthetic transit inputs of tools/bench/raptor.sh (400,000 bus stops in 16,441
# routes, 1,000,472 trips, 29.2 M stop_times rows, the 171,372 output-area origins, the 7,681 wards of 2013, 20
# service categories, 07:00-10:00 on 2024-03-05), two `reach run` studies, each timed once under /usr/bin/time -v:
#   plain     [public_transport] alone;
#   scenario  the same with one [[scenario]] removing 1% of the bus routes (ROUTE_SHARE), a block of consecutive
#             route ids from BUS08001 (the generator grows routes ward by ward in ward-code order, so the block is
#             one area's network, as a council's cut would be).
# From reach's own `timings:` lines: the full public-transport step (plain run), and what the scenario adds:
# "scenario timetables" (one streamed pass over stop_times.txt that holds the touched trips' rows as text and
# deflates the others once, the edits, and the scenario's zip, written then), "scenario NAME" (the scenario's
# public-transport step) and the extra time of its "write" over the plain run's (its columns, the zip's rename).
# Prints each part, the ratio of the scenario's cost to the full step (goal <= 0.25, GOAL_RATIO), the ratio of its
# computation alone (its step), and both runs' peak memory with their ratio (goal <= 1.10, GOAL_MEMORY).
# Exit 1 when a goal fails, or when the scenario columns are missing from the output.
# Inputs: made (or reused, cached) by `PREPARE_ONLY=1 tools/bench/raptor.sh national`.
# Run from the repo root:  tools/bench/scenario.sh
# Env: REACH_BIN=path, SKIP_BUILD=1, BENCH_TMP=/tmp/reach-bench-raptor, RUN_BENCH_TMP=/tmp/reach-bench-run,
#      TRIPS=1000000, TRANSIT_SEED=20240305, SERVICES=20000, SEED=20210321, ROUTE_SHARE=0.01, FIRST_ROUTE=8001,
#      GOAL_RATIO=0.25, GOAL_MEMORY=1.10, REACH_DATA=../shared/data
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
BENCH_TAG=bench/scenario
DATA=$(cd "${REACH_DATA:-../shared/data}" && pwd)
# shellcheck source=tools/bench/transit_inputs.sh
. tools/bench/transit_inputs.sh
ROUTE_SHARE=${ROUTE_SHARE:-0.01}
FIRST_ROUTE=${FIRST_ROUTE:-8001}
GOAL_RATIO=${GOAL_RATIO:-0.25}
GOAL_MEMORY=${GOAL_MEMORY:-1.10}
# shellcheck source=tools/bench/lib.sh
source tools/bench/lib.sh
bench_require_time
bench_require_wards "$DATA/uk-geojson/wards_by_lad"

echo "$BENCH_TAG: national inputs (tools/bench/raptor.sh, cached after the first run)" >&2
PREPARE_ONLY=1 BENCH_TMP="$TMP" RUN_BENCH_TMP="$RUN_TMP" TRIPS="$TRIPS" TRANSIT_SEED="$TRANSIT_SEED" SERVICES="$SERVICES" SEED="$SEED" \
    tools/bench/raptor.sh national >&2
TRANSIT="$TMP/transit-$TRIPS-$TRANSIT_SEED"
ORIGINS="$RUN_TMP/inputs-$SERVICES-$SEED/origins.csv"
for f in "$TRANSIT/bus_gtfs.zip" "$TRANSIT/rail_gtfs.zip" "$TRANSIT/services20.csv" "$TRANSIT/walk.osm.pbf" "$TRANSIT/summary.json" "$ORIGINS"; do
    [[ -f $f ]] || { echo "$BENCH_TAG: $f is missing after preparing the inputs" >&2; exit 1; }
done
bench_reach run --help
WORK="$TMP/scenario"
mkdir -p "$WORK"
ROUTES=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bus']['routes'])" "$TRANSIT/summary.json")
CUT=$(python3 -c "import math,sys; print(max(1, round(int(sys.argv[1]) * float(sys.argv[2]))))" "$ROUTES" "$ROUTE_SHARE")
LIST=$(python3 -c "import sys; a, n = int(sys.argv[1]), int(sys.argv[2]); print(', '.join(f'\"BUS{r:05d}\"' for r in range(a, a + n)))" "$FIRST_ROUTE" "$CUT")

study() { # NAME OUTPUT [SCENARIO]
    cat <<TOML
[study]
name = "$1"
output = "$2"
[wards]
files = ["$DATA/uk-geojson/wards_by_lad"]
code_field = "WD13CD"
[origins]
file = "$ORIGINS"
weight_field = "population"
[public_transport]
services = ["$TRANSIT/services20.csv"]
category_field = "category"
osm = "$TRANSIT/walk.osm.pbf"
gtfs = ["$TRANSIT/bus_gtfs.zip", "$TRANSIT/rail_gtfs.zip"]
date = "2024-03-05"
window = "07:00-10:00"
[outputs]
formats = ["csv"]
map = false
TOML
    if [[ -n ${3:-} ]]; then printf '[[scenario]]\nname = "cut"\nremove_routes = [%s]\n' "$3"; fi
}
study plain "$WORK/plain" >"$WORK/plain.toml"
study scenario "$WORK/scenario" "$LIST" >"$WORK/scenario.toml"
bench_timed plain 1 "$REACH" run "$WORK/plain.toml"
bench_timed scenario 1 "$REACH" run "$WORK/scenario.toml"
grep -q 'gp_1_pt_mean__cut_change' <(head -1 "$WORK/scenario/wards.csv") ||
    { echo "$BENCH_TAG: no gp_1_pt_mean__cut_change column in $WORK/scenario/wards.csv" >&2; exit 1; }

python3 - "$TMP/plain.run1.log" "$TMP/scenario.run1.log" "$TMP/plain.time" "$TMP/scenario.time" "$CUT" "$ROUTES" "$GOAL_RATIO" "$GOAL_MEMORY" <<'PY'
import re, sys
plain_log, scen_log, plain_time, scen_time, cut, routes, goal_ratio, goal_memory = sys.argv[1:]
def timings(path):
    line = [l for l in open(path) if l.startswith("reach: timings:")][-1]
    return {k.strip(): float(v) for k, v in re.findall(r"([^,:]+?) ([0-9.]+) s", line.split("timings:", 1)[1])}
p, s = timings(plain_log), timings(scen_log)
wall_p, rss_p = map(float, open(plain_time).read().split())
wall_s, rss_s = map(float, open(scen_time).read().split())
step = p["public transport"]
parts = {"scenario timetables and zip": s["scenario timetables"], "scenario step": s["scenario cut"], "its columns (extra write)": max(0.0, s["write"] - p["write"])}
cost = sum(parts.values())
for line in open(scen_log):
    if "scenario:" in line: print(line.rstrip()[line.find("scenario:"):])
print(f"routes removed: {cut} of {routes} ({100 * int(cut) / int(routes):.2f}%)")
print(f"full public-transport step (plain run): {step:.1f} s; plain run {wall_p:.1f} s wall, peak {rss_p / 1024:.0f} MiB")
for k, v in parts.items(): print(f"  {k}: {v:.1f} s")
ratio, compute, memory = cost / step, parts["scenario step"] / step, rss_s / rss_p
print(f"scenario cost {cost:.1f} s = {ratio:.3f} x the full step (goal <= {goal_ratio}); its computation alone {compute:.3f} x")
print(f"peak memory {rss_s / 1024:.0f} MiB with the scenario, {memory:.3f} x the plain run (goal <= {goal_memory})")
ok = ratio <= float(goal_ratio) and memory <= float(goal_memory)
print("goals met" if ok else "GOAL NOT MET")
sys.exit(0 if ok else 1)
PY
