#!/usr/bin/env bash
# Benchmarks `reach run STUDY.toml` (the whole pipeline, docs/study.md) at national scale: all 7,681 English wards
# of 2013 (../shared/data/uk-geojson/wards_by_lad, 326 files), 171,372 output-area origins, 400,000 NaPTAN stops,
# 20,000 services and, unless BROADBAND=0, 1.7 million postcodes with Ofcom coverage and speed files.
# Goal (the issue): under 2 minutes wall time on 2 cores with peak memory under 4 GB.
# Inputs, generated with fixed seeds and cached in BENCH_TMP (a second run reuses them):
# - origins.csv and services.csv (tools/bench/make_national_inputs.py, SEED): one origin per 2011 output area
#   (../shared/data/uk-geojson/oa_by_lad/*.json.gz), its point on surface in EPSG:27700 with a synthetic population
#   uniform in 100-450; SERVICES (default 20,000) services uniformly inside the real wards in 8 categories (gp,
#   pharmacy, school, post_office, supermarket, library, jobcentre, hospital) in England's real proportions,
#   each category spread over wards 3/4 equally, 1/4 by area; CSV with a `category` column and easting/northing.
# - Stops.csv (tools/bench/make_national_stops.py, STOPS default 400,000, STOPS_SEED): NaPTAN layout, all active
#   bus stops (BCT), half shared equally between wards, half by area. So the run has bus figures only: no rail or
#   metro stops (reach notes that it writes no rail_station_* / metro_stop_* figures).
# - onspd.csv, coverage.csv, performance.csv (tools/bench/make_postcodes.py, POINTS default 1,700,000,
#   POSTCODES_SEED): the postcode directory and Ofcom's 2022-onwards files, as tools/bench/broadband.sh uses them.
#   Included because they make the run the whole pipeline (every step of a real study) for a one-off generation
#   cost of about 45 s and 7-8 s of reach time (peak RSS 350 -> 650 MiB); BROADBAND=0 leaves [broadband] and its
#   domain out (the issue's inputs only). First-run generation on 2 cores: origins + services ~30 s (reading the
#   171k output-area polygons is most of it), stops ~6 s, postcodes ~45 s.
# The study (written to BENCH_TMP/study.toml, absolute paths): [wards] the folder (code WD13CD, name WD13NM);
# [origins] weight population; [distance] straight line to each category, 800 m and 2 km; [coverage] the stops
# (400 m bus radius); [broadband] placed by postcode; [score] the defaults (rank, exponential, reweight, 1,000
# robustness draws at +-25 %, leave-one-out) over three domains: services (the 8 straight-line means), transport
# (bus_stop_pop_pct twice the weight of bus_stop_area_pct), digital (superfast %, below-USO %, median speed).
# `reach run STUDY --progress text` runs RUNS times (default 3) under /usr/bin/time -v, pinned to CORES cores
# (default 2, with taskset when the machine has more). Printed: the input sizes, the generation time (when
# generated in this run), median wall seconds, peak RSS (largest over the runs), each step's median seconds and the
# last run's `reach: timings:` line and warnings, then the output checks: wards.csv has 7,681 data rows, every
# indicator's source column exists, and how many wards lack a connectivity_score (with their score_missing and
# reach_warning); PASS/FAIL against 120 s and 4096 MiB. Exit 1 when a goal or a check fails.
# Builds reach in release (`swift build -c release --product reach`, a no-op when up to date) unless REACH_BIN is
# set or SKIP_BUILD=1. Run from the repo root:  tools/bench/run.sh
# Env: REACH_BIN=path/to/reach, SKIP_BUILD=1, RUNS=3, CORES=2, BROADBAND=1, SERVICES=20000, SEED=20210321,
#      STOPS=400000, STOPS_SEED=20240305, STOPS_CSV=path (an existing NaPTAN file instead of generating one),
#      POINTS=1700000, POSTCODES_SEED=20220505, POSTCODES_DIR=path (an existing make_postcodes.py folder),
#      GOAL_SECONDS=120, GOAL_MIB=4096, REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-run
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
WARDS="$DATA/uk-geojson/wards_by_lad"
OAS="$DATA/uk-geojson/oa_by_lad"
RUNS=${RUNS:-3}
CORES=${CORES:-2}
BROADBAND=${BROADBAND:-1}
SERVICES=${SERVICES:-20000}
SEED=${SEED:-20210321}
NSTOPS=${STOPS:-400000}
STOPS_SEED=${STOPS_SEED:-20240305}
POINTS=${POINTS:-1700000}
POSTCODES_SEED=${POSTCODES_SEED:-20220505}
GOAL_SECONDS=${GOAL_SECONDS:-120}
GOAL_MIB=${GOAL_MIB:-4096}
TMP=${BENCH_TMP:-/tmp/reach-bench-run}

BENCH_TAG=bench/run
. tools/bench/lib.sh
bench_require_wards "$WARDS"
[[ -d "$OAS" ]] || { echo "$BENCH_TAG: $OAS not found (the output areas from shared data)" >&2; exit 1; }
bench_require_time
PEERS_ONLY=0 bench_reach run --progress

PY=$(tools/python-env.sh)
mkdir -p "$TMP"
GEN_LOG="$TMP/generate.log"
: >"$GEN_LOG"
gen() { # gen LABEL CMD...: runs a generator, its seconds appended to $GEN_LOG
    local label=$1 t0 t1
    shift
    echo "$BENCH_TAG: generating $label" >&2
    t0=$(date +%s.%N)
    "$@" >&2
    t1=$(date +%s.%N)
    echo "$label $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" >>"$GEN_LOG"
}

IN="$TMP/inputs-$SERVICES-$SEED"
if [[ -f "$IN/inputs.json" && -s "$IN/origins.csv" && -s "$IN/services.csv" ]]; then
    # The generator checks its own stamp (arguments, input files) and prints `cached` when nothing changed.
    "$PY" tools/bench/make_national_inputs.py --oas "$OAS" --wards "$WARDS" --out-dir "$IN" --services "$SERVICES" \
        --seed "$SEED" >&2
else
    gen "origins+services" "$PY" tools/bench/make_national_inputs.py --oas "$OAS" --wards "$WARDS" --out-dir "$IN" \
        --services "$SERVICES" --seed "$SEED"
fi

if [[ -n "${STOPS_CSV:-}" ]]; then
    NAPTAN=$STOPS_CSV
else
    NAPTAN="$TMP/Stops-$NSTOPS-$STOPS_SEED.csv"
    if [[ ! -s "$NAPTAN" ]]; then
        gen stops "$PY" tools/bench/make_national_stops.py --wards "$WARDS" --out "$NAPTAN" --stops "$NSTOPS" \
            --seed "$STOPS_SEED"
    fi
fi
[[ -s "$NAPTAN" ]] || { echo "$BENCH_TAG: $NAPTAN not found" >&2; exit 1; }

if [[ $BROADBAND == 1 ]]; then
    if [[ -n "${POSTCODES_DIR:-}" ]]; then
        PC=$POSTCODES_DIR
    else
        PC="$TMP/postcodes-$POINTS-$POSTCODES_SEED"
        if [[ ! -f "$PC/done" ]]; then
            gen postcodes "$PY" tools/bench/make_postcodes.py --wards "$WARDS" --out-dir "$PC" --points "$POINTS" \
                --seed "$POSTCODES_SEED"
            touch "$PC/done"
        fi
    fi
    for f in onspd.csv coverage.csv performance.csv; do
        [[ -s "$PC/$f" ]] || { echo "$BENCH_TAG: $PC/$f not found" >&2; exit 1; }
    done
fi

# The study file. Paths are absolute, so it can live in BENCH_TMP.
STUDY="$TMP/study.toml"
OUT="$TMP/out"
CATEGORIES=(gp pharmacy school post_office supermarket library jobcentre hospital)
{
    bench_national_study "tools/bench/run.sh: reach run at national scale on generated inputs" "England ward connectedness (bench)" "$OUT" \
        "$WARDS" "$IN/origins.csv" "One per 2011 output area (point on surface), synthetic population 100-450."
    cat <<EOF

[distance]
services = ["$(bench_abs "$IN/services.csv")"]
category_field = "category"
modes = ["straight"]
metres = [800, 2000]

[coverage]
naptan = "$(bench_abs "$NAPTAN")"
EOF
    if [[ $BROADBAND == 1 ]]; then
        cat <<EOF

[broadband]
ofcom = ["$(bench_abs "$PC/coverage.csv")", "$(bench_abs "$PC/performance.csv")"]
postcodes = "$(bench_abs "$PC/onspd.csv")"
EOF
    fi
    cat <<EOF

[score]
normalisation = "rank"
domain_transform = "exponential"
missing = "reweight"

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
    if [[ $BROADBAND == 1 ]]; then printf '\n[[score.domain]]\nname = "digital"\n'; fi
    for c in "${CATEGORIES[@]}"; do
        printf '\n[[score.indicator]]\nname = "%s"\nsource = "%s_straight_mean"\ndirection = "higher_is_worse"\ndomain = "services"\n' "$c" "$c"
    done
    cat <<EOF

[[score.indicator]]
name = "bus_stop_pop"
source = "bus_stop_pop_pct"
direction = "higher_is_better"
domain = "transport"
weight = 2

[[score.indicator]]
name = "bus_stop_area"
source = "bus_stop_area_pct"
direction = "higher_is_better"
domain = "transport"
EOF
    if [[ $BROADBAND == 1 ]]; then
        cat <<EOF

[[score.indicator]]
name = "superfast"
source = "broadband_sfbb_pct"
direction = "higher_is_better"
domain = "digital"

[[score.indicator]]
name = "below_uso"
source = "broadband_below_uso_pct"
direction = "higher_is_worse"
domain = "digital"

[[score.indicator]]
name = "median_speed"
source = "broadband_median_down_mbps"
direction = "higher_is_better"
domain = "digital"
EOF
    fi
} >"$STUDY"

# Same page cache for every run: read every input once before timing.
INPUTS=("$WARDS"/*.json "$IN/origins.csv" "$IN/services.csv" "$NAPTAN")
if [[ $BROADBAND == 1 ]]; then INPUTS+=("$PC/onspd.csv" "$PC/coverage.csv" "$PC/performance.csv"); fi
cat "${INPUTS[@]}" >/dev/null

PIN=()
if [[ $(nproc) -gt $CORES ]] && command -v taskset >/dev/null; then PIN=(taskset -c "0-$((CORES - 1))"); fi
CPUS=$([[ ${#PIN[@]} -gt 0 ]] && echo "$CORES" || nproc)

# The machine's CPU counters around the timed runs: other work on the machine (a build) slows reach down.
head -1 /proc/stat >"$TMP/cpu.before"
bench_timed reach "$RUNS" "${PIN[@]}" "$REACH" run "$STUDY" --progress text
head -1 /proc/stat >"$TMP/cpu.after"

"$PY" - "$TMP" "$STUDY" "$OUT" "$IN" "$NAPTAN" "${PC:-}" "$GOAL_SECONDS" "$GOAL_MIB" "$CPUS" "$GEN_LOG" <<'EOF'
import csv, os, re, statistics, sys

tmp, study, out, inputs, naptan, pc, goal_s, goal_mib, cpus, gen_log = sys.argv[1:11]
goal_s, goal_mib = float(goal_s), float(goal_mib)


def rows(path):
    with open(path, "rb") as fh:
        return sum(1 for _ in fh) - 1


vals = [l.split() for l in open(os.path.join(tmp, "reach.time")) if l.strip() and l[0].isdigit()]
secs = [float(v[0]) for v in vals]
peak = max(int(v[1]) for v in vals) / 1024
logs = sorted((f for f in os.listdir(tmp) if re.fullmatch(r"reach\.run\d+\.log", f)),
              key=lambda f: int(re.search(r"\d+", f).group()))
steps, last = {}, ""
for log in logs:
    for line in open(os.path.join(tmp, log), errors="replace"):
        if line.startswith("reach: timings:"):
            last = line.split("timings:", 1)[1].strip()
            for part in last.split(", "):
                m = re.fullmatch(r"(.+) ([0-9.]+) s", part)
                if m:
                    steps.setdefault(m.group(1), []).append(float(m.group(2)))
last_log = open(os.path.join(tmp, logs[-1]), errors="replace").read().splitlines()
summary = next((l for l in last_log if re.match(r"reach: .*\d wards, ", l)), "")
warnings = [l for l in last_log if re.match(r"(reach: )?warning: ", l)]

print()
sizes = [f"wards 7,681 in 326 files", f"origins {rows(os.path.join(inputs, 'origins.csv')):,}",
         f"stops {rows(naptan):,}", f"services {rows(os.path.join(inputs, 'services.csv')):,}"]
if pc:
    sizes.append(f"postcodes {rows(os.path.join(pc, 'onspd.csv')):,}, Ofcom coverage {rows(os.path.join(pc, 'coverage.csv')):,}"
                 f" and performance {rows(os.path.join(pc, 'performance.csv')):,} rows")
else:
    sizes.append("no broadband (BROADBAND=0)")
print(f"run: reach run {study}")
print("inputs: " + "; ".join(sizes))
gen = [l.split() for l in open(gen_log) if l.strip()]
if gen:
    print("generation (this run): " + ", ".join(f"{g[0]} {g[1]} s" for g in gen))
else:
    print("generation: cached inputs reused")
print(f"reach run: median {statistics.median(secs):.2f} s over {len(secs)} run(s) ({', '.join(f'{s:.2f}' for s in secs)}),"
      f" peak RSS {peak:.1f} MiB, {cpus} core(s)")
print("steps (median s): " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in steps.items()))
print(f"timings (last run): {last}")
if summary:
    print(f"summary (last run): {summary.removeprefix('reach: ')}")
# Where the time goes within the steps (the timings line has one figure per step): the progress events of the last
# run, each with the time until the next event (the last one until the end of its step).
events = [(float(m.group(1)), m.group(2)) for m in (re.match(r"reach: \[\d+/\d+ ([0-9.]+) s\] (.*)", l) for l in last_log) if m]
if events:
    end = events[-1][0] + (steps.get(events[-1][1].split(":")[0], [0.0])[-1])
    spans = [(msg, (events[i + 1][0] if i + 1 < len(events) else end) - t) for i, (t, msg) in enumerate(events)]
    long = [(re.sub(r"(/[^/\s]+)+/", "", msg), d) for msg, d in spans if d >= 0.3]  # file names without folders
    print("progress (last run, events of 0.3 s or more): " + "; ".join(f"{msg} {d:.1f} s" for msg, d in long))
# Machine load: busy cores on average over the timed runs (from /proc/stat; ticks of 1/100 s) against reach's own
# CPU use (user + system seconds of the runs over their wall time, from /usr/bin/time -v).
try:
    before = [int(x) for x in open(os.path.join(tmp, "cpu.before")).read().split()[1:]]
    after = [int(x) for x in open(os.path.join(tmp, "cpu.after")).read().split()[1:]]
    d = [b - a for a, b in zip(before, after)]
    total = sum(d[:8])
    busy = total - d[3] - d[4]  # less idle and iowait
    timev = open(os.path.join(tmp, "reach.timev")).read()
    pct = float(re.search(r"Percent of CPU this job got: (\d+)%", timev).group(1))
    ncpu = os.cpu_count() or 1
    machine = ncpu * busy / total if total else 0.0
    print(f"machine: {machine:.2f} of {ncpu} cores busy on average during the runs; reach itself {pct / 100:.2f} cores "
          f"(last run)" + (f" -> other processes used about {machine - pct / 100:.2f} cores: the times are pessimistic"
                          if machine - pct / 100 > 0.25 else ""))
except (OSError, ValueError, AttributeError):
    pass
for w in warnings:
    print(f"  {w}")

# Output checks.
status = 0
path = os.path.join(out, "wards.csv")
with open(path, newline="") as fh:
    data = list(csv.DictReader(fh))
header = list(data[0].keys()) if data else []
ok_rows = len(data) == 7681
print(f"check: wards.csv has {len(data):,} data rows (expected 7,681) -> {'ok' if ok_rows else 'FAILED'}")
sources = re.findall(r'^source = "([^"]+)"', open(study).read(), re.M)
absent = [s for s in sources if s not in header]
print(f"check: {len(sources)} indicator source columns present -> "
      + ("ok" if not absent else f"FAILED, missing: {', '.join(absent)}"))
if "connectivity_score" not in header:
    print("check: no connectivity_score column -> FAILED")
    status = 1
else:
    missing = [r for r in data if r["connectivity_score"] in ("", "null")]
    print(f"check: {len(data) - len(missing):,} of {len(data):,} wards have a connectivity_score"
          + (" -> ok" if not missing else f"; {len(missing)} without:"))
    for r in missing[:10]:
        print(f"  {r.get('WD13CD')} {r.get('WD13NM')}: score_missing {r.get('score_missing')!r}; "
              f"reach_warning {r.get('reach_warning')!r}")
    if missing:
        status = 1
partial = [r for r in data if r.get("score_missing", "none") not in ("none", "")]
if partial:
    print(f"check: {len(partial)} ward(s) scored with missing indicators (reweighted), e.g. "
          + "; ".join(f"{r.get('WD13CD')}: {r.get('score_missing')}" for r in partial[:3]))
warned = [r for r in data if r.get("reach_warning") not in (None, "", "null")]
if warned:
    print(f"check: {len(warned)} ward(s) with a reach_warning, e.g. "
          + "; ".join(f"{r.get('WD13CD')} {r.get('WD13NM')}: {r.get('reach_warning')}" for r in warned[:3]))
if not ok_rows or absent:
    status = 1

med = statistics.median(secs)
t_ok, m_ok = med < goal_s, peak < goal_mib
print(f"goal: median wall time {med:.2f} s < {goal_s:g} s -> {'PASS' if t_ok else 'FAIL'}")
print(f"goal: peak RSS {peak:.1f} MiB < {goal_mib:g} MiB -> {'PASS' if m_ok else 'FAIL'}")
if not (t_ok and m_ok):
    status = 1
print(f"bench/run: {'PASS' if status == 0 else 'FAIL'}")
sys.exit(status)
EOF
