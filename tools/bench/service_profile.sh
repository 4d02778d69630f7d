#!/usr/bin/env bash
# Benchmarks `[service_profile]` (docs/transit.md, "Service through the day and the week") at national scale: all
# 7,681 English wards of 2013, 171,385 output-area origins, and the national synthetic transit feeds of
# tools/bench/raptor.sh (1,000,000 bus trips and the rail lines, 29 M stop_times rows, running every day), for the
# seven days from 2024-03-04, every hour.
# Goal (issue 22): the whole-week profile in under 30 s and 2 GB.
# Inputs: the cached ones of tools/bench/raptor.sh (BENCH_TMP/transit-TRIPS-SEED; when missing this runs
# `PREPARE_ONLY=1 NATIONAL=1 tools/bench/raptor.sh` once, about 2 minutes) and tools/bench/run.sh's origins.
# Two studies on the same inputs, A B A B (PAIRS pairs, default 2) under /usr/bin/time -v, --progress json: A reads
# the zones, the origins and the feeds ([coverage] with the feeds, so the feeds are read and placed as in B);
# B adds [service_profile] week = 2024-03-04. Printed: each run's wall time and peak RSS, B's service-profile step
# seconds (from the run's summary), and the medians. PASS when the step's median is under GOAL_SECONDS (30) and B's
# peak RSS under GOAL_MIB (2048); checks: service_profile.csv has 7,681 x 7 x 24 rows and wards.csv the columns.
# Builds reach in release unless REACH_BIN is set or SKIP_BUILD=1. Run from the repo root:
#   tools/bench/service_profile.sh
# Env: REACH_BIN, SKIP_BUILD=1, PAIRS=2, GOAL_SECONDS=30, GOAL_MIB=2048, REACH_DATA=../shared/data, and those of
#      tools/bench/transit_inputs.sh (BENCH_TMP, RUN_BENCH_TMP, TRIPS, TRANSIT_SEED, SERVICES, SEED)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
PAIRS=${PAIRS:-2}
GOAL_SECONDS=${GOAL_SECONDS:-30}
GOAL_MIB=${GOAL_MIB:-2048}
# shellcheck source=tools/bench/transit_inputs.sh
. tools/bench/transit_inputs.sh
BENCH_TAG=bench/service_profile
. tools/bench/lib.sh
bench_require_wards "$WARDS"
bench_require_time
bench_reach departures --week

NT="$TMP/transit-$TRIPS-$TRANSIT_SEED"
IN="$RUN_TMP/inputs-$SERVICES-$SEED"
if [[ ! -s "$NT/bus_gtfs.zip" || ! -s "$IN/origins.csv" ]]; then
    echo "$BENCH_TAG: making the national transit inputs with tools/bench/raptor.sh (PREPARE_ONLY=1 NATIONAL=1)" >&2
    PREPARE_ONLY=1 NATIONAL=1 SKIP_BUILD=1 REACH_BIN="$REACH" tools/bench/raptor.sh >&2
fi
PY=$(tools/python-env.sh)
SP="$TMP/service-profile"
mkdir -p "$SP"
study() { # study NAME WITH_PROFILE
    bench_national_study tools/bench/service_profile.sh "England service profile (bench, $1)" "$SP/out-$1" "$WARDS" "$IN/origins.csv"
    cat <<EOT

[coverage]
gtfs = ["$(bench_abs "$NT/bus_gtfs.zip")", "$(bench_abs "$NT/rail_gtfs.zip")"]
date = "2024-03-05"

[outputs]
formats = ["csv"]
map = false
EOT
    if [[ $2 == 1 ]]; then printf '\n[service_profile]\nweek = "2024-03-04"\n'; fi
}
study plain 0 >"$SP/plain.toml"
study profile 1 >"$SP/profile.toml"

cat "$WARDS"/*.json "$IN/origins.csv" "$NT"/*.zip >/dev/null
bench_study_pairs "$SP" "$PAIRS" plain profile

"$PY" - "$SP" "$PAIRS" "$GOAL_SECONDS" "$GOAL_MIB" <<'EOT'
import csv, json, statistics, sys

sp, pairs, goal_s, goal_mib = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])


def summary(name, i):
    for line in open(f"{sp}/{name}.{i}.log"):
        if line.startswith("{") and '"event":"summary"' in line:
            return json.loads(line)
    sys.exit(f"bench/service_profile: no summary in {sp}/{name}.{i}.log")


times = {n: [tuple(map(float, l.split())) for l in open(f"{sp}/{n}.time")] for n in ("plain", "profile")}
print()
print(f"bench/service_profile: reach run at national scale, A (zones, origins, feeds) B (+ [service_profile], 7 days) x {pairs}")
steps = []
for i in range(1, pairs + 1):
    b = summary("profile", i)
    step = b["timings_s"]["service profile"]
    steps.append(step)
    (wa, ra), (wb, rb) = times["plain"][i - 1], times["profile"][i - 1]
    print(f"  pair {i}: A {wa:.1f} s {ra / 1024:.0f} MiB; B {wb:.1f} s {rb / 1024:.0f} MiB; B's service profile step {step:.2f} s")
b = summary("profile", pairs)
median = statistics.median(steps)
peak = max(r for _, r in times["profile"]) / 1024
peak_a = max(r for _, r in times["plain"]) / 1024
print(f"inputs: {b['wards']:,} wards, {b['origins']:,} origins; timings of the last B: "
      + ", ".join(f"{k} {v:.1f} s" for k, v in b["timings_s"].items()))
print(f"median: service profile step {median:.2f} s (goal < {goal_s:g} s); peak RSS B {peak:.0f} MiB (goal < {goal_mib:g}), A {peak_a:.0f} MiB")
with open(f"{sp}/out-profile/service_profile.csv") as fh:
    rows = sum(1 for _ in fh) - 1
ok_rows = rows == b["wards"] * 7 * 24
print(f"check: service_profile.csv has {rows:,} rows (expected {b['wards'] * 7 * 24:,}) -> {'ok' if ok_rows else 'FAILED'}")
header = next(csv.reader(open(f"{sp}/out-profile/wards.csv")))
want = [f"{c}_{d}" for d in ("monday", "sunday") for c in ("first_departure", "last_departure", "longest_gap_min", "hourly_service")] + ["evening_share_pct", "sunday_share_pct", "hourly_service_mon_sat"]
ok_cols = all(c in header for c in want)
print(f"check: wards.csv has the profile's columns -> {'ok' if ok_cols else 'FAILED'}")
verdict = median < goal_s and peak < goal_mib
print(f"time {'PASS' if median < goal_s else 'FAIL'} ({median:.2f} s, goal < {goal_s:g}); memory {'PASS' if peak < goal_mib else 'FAIL'} "
      f"({peak:.0f} MiB, goal < {goal_mib:g}; the run without the profile peaks at {peak_a:.0f} MiB)")
print(f"{'PASS' if verdict else 'FAIL'}: the week's profile takes {median:.2f} s and the run peaks at {peak:.0f} MiB")
sys.exit(0 if verdict and ok_rows and ok_cols else 1)
EOT
