#!/usr/bin/env bash
# Benchmarks `reach pt` (public-transport travel time by range RAPTOR, docs/raptor.md "Speed"): median wall time of
# RUNS runs under /usr/bin/time -v, peak RSS (the largest over the runs), reach's own `timings:` line (median per
# step) and its summary lines, pinned to CORES cores (default 2, taskset when the machine has more). Two cases:
#   newport   (default) the real Newport feeds, ../shared/data/gtfs/newport-20240305-bus_gtfs.zip (5,426 trips) +
#             newport-20240305-rail_gtfs.zip (939), date 2024-03-05, window 07:00-10:00 (180 departure minutes),
#             walking on ../shared/data/osm/newport-2023-06-13.osm.pbf; then the same with --arrive-by (the 180
#             minutes as arrival deadlines), whose search step must cost no more than the depart-at one's (the ratio
#             of the two medians, PASS up to 1.10 for noise). Inputs written to BENCH_TMP/newport:
#             - services3.csv: the extract's own gp (amenity=doctors), pharmacy and supermarket, found by
#               tools/crosscheck/distance.py's osm_services (the code `distance.py prepare` writes its
#               newport_services.csv with; its school rows left out); id,category,easting,northing,osm.
#             - origins.csv: every node of the walk graph (tools/crosscheck/roadnet.py: the nodes of the segments
#               open on foot, islands included), id = OSM node id, easting/northing EPSG:27700.
#             - zones.geojson: the 21 Newport wards of December 2023 (wards_extra, WD23CD) plus one zone
#               NEWPORT_EXTRACT_REST = the walk nodes' bounding box grown by 1 km, less the wards: ~470 of the
#               ~45,000 nodes lie outside Newport's wards (the estuary, over the boundary), and origins in no zone
#               are not counted.
#             Goal < 10 s on 2 cores.
#   national  (NATIONAL=1, or the argument `national`; big) synthetic England: tools/bench/make_national_transit.py
#             (400,000 bus stops in 16,441 routes, 2,500 rail stations, 1,000,472 trips, 29.2 M stop_times rows, a
#             200 m walking lattice of 3.4 M nodes; services split into 20 categories), the 171,372 output-area
#             origins (weight population) and the 7,681 wards of 2013 (../shared/data/uk-geojson/wards_by_lad,
#             WD13CD). Its inputs are those of tools/bench/run.sh, made with the same generators and seeds in the
#             same folder (RUN_BENCH_TMP, default /tmp/reach-bench-run), so the two benches share one cached copy;
#             the transit network is cached in BENCH_TMP/transit-TRIPS-SEED (first run ~2 min, then `cached`).
#             Goal < 10 min and < 4 GB. Printed beside ours: R5's published throughput (docs/raptor.md "Comparison
#             with R5": ~4 origins per second per core for ONE departure minute, r5r issue #106, São Paulo, 12
#             cores) as origins x departure minutes per core-second, and the time R5 would take at that rate for
#             one departure minute of our origins (an overstated gap, said so: R5 covers every destination in one
#             search per origin, and its range RAPTOR makes further minutes of a window cheaper than the first).
#             Exit 1 when a goal fails or the output has no {c}_pt_mean column.
# The CSVs' easting/northing columns are found by name (EPSG:27700): no --x-field/--y-field, which would make reach
# read them as longitude/latitude unless a CRS is named too (PointTable.read), and `pt` has no --services-crs.
# Builds reach in release (`swift build -c release --product reach`, via tools/bench/lib.sh; a no-op when up to date)
# unless REACH_BIN is set or SKIP_BUILD=1. PREPARE_ONLY=1 writes the inputs and stops (no reach, no build).
# Run from the repo root:  tools/bench/raptor.sh [newport] [national]      (NATIONAL=1 adds national)
# Env: REACH_BIN=path, SKIP_BUILD=1, PREPARE_ONLY=1, RUNS=3 (Newport), NATIONAL_RUNS=1, CORES=2, NATIONAL=0,
#      REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-raptor, RUN_BENCH_TMP=/tmp/reach-bench-run,
#      TRIPS=1000000, TRANSIT_SEED=20240305, SERVICES=20000, SEED=20210321, STOPS=400000, STOPS_SEED=20240305,
#      WINDOW=07:00-10:00, DATE=2024-03-05, GOAL_NEWPORT_SECONDS=10, GOAL_NATIONAL_SECONDS=600, GOAL_MIB=4096
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
RUNS=${RUNS:-3}
NATIONAL_RUNS=${NATIONAL_RUNS:-1}
CORES=${CORES:-2}
# shellcheck source=tools/bench/transit_inputs.sh
. tools/bench/transit_inputs.sh
NSTOPS=${STOPS:-400000}
STOPS_SEED=${STOPS_SEED:-20240305}
WINDOW=${WINDOW:-07:00-10:00}
DATE=${DATE:-2024-03-05}
GOAL_NEWPORT_SECONDS=${GOAL_NEWPORT_SECONDS:-10}
GOAL_NATIONAL_SECONDS=${GOAL_NATIONAL_SECONDS:-600}
GOAL_MIB=${GOAL_MIB:-4096}
PREPARE_ONLY=${PREPARE_ONLY:-0}

CASES=("$@")
[[ ${#CASES[@]} -eq 0 ]] && CASES=(newport)
if [[ ${NATIONAL:-0} == 1 && " ${CASES[*]} " != *" national "* ]]; then CASES+=(national); fi
for c in "${CASES[@]}"; do
    [[ $c == newport || $c == national ]] || { echo "bench/raptor: unknown case '$c' (newport, national)" >&2; exit 2; }
done

BENCH_TAG=bench/raptor
. tools/bench/lib.sh
PY=$(tools/python-env.sh)
mkdir -p "$TMP"
if [[ $PREPARE_ONLY != 1 ]]; then
    bench_require_time
    PEERS_ONLY=0 bench_reach pt --max-transfer-walk
fi

PIN=()
if [[ $(nproc) -gt $CORES ]] && command -v taskset >/dev/null; then PIN=(taskset -c "0-$((CORES - 1))"); fi
CPUS=$([[ ${#PIN[@]} -gt 0 ]] && echo "$CORES" || nproc)

# timed NAME RUNS CMD...: bench_timed between two readings of the machine's CPU counters (other work on the machine,
# e.g. a build, slows reach down; the report says so).
timed() {
    local name=$1
    head -1 /proc/stat >"$TMP/$name.cpu.before"
    bench_timed "$@"
    head -1 /proc/stat >"$TMP/$name.cpu.after"
}

# report NAME TITLE GOAL_SECONDS OUT [ORIGINS MINUTES]: the figures of one case; exit status 1 when a goal fails.
report() {
    "$PY" - "$TMP" "$@" "$GOAL_MIB" "$CPUS" <<'EOF'
import json, os, re, statistics, sys

tmp, name, title, goal_s, out = sys.argv[1:6]
rest = sys.argv[6:]
goal_mib, cpus = float(rest[-2]), int(rest[-1])
origins = int(rest[0]) if len(rest) > 2 else 0
minutes = int(rest[1]) if len(rest) > 2 else 0
goal_s = float(goal_s)

vals = [l.split() for l in open(os.path.join(tmp, f"{name}.time")) if l.strip() and l[0].isdigit()]
secs = [float(v[0]) for v in vals]
peak = max(int(v[1]) for v in vals) / 1024
logs = sorted((f for f in os.listdir(tmp) if re.fullmatch(re.escape(name) + r"\.run\d+\.log", f)),
              key=lambda f: int(re.search(r"run(\d+)", f).group(1)))
steps, last = {}, ""
for log in logs:
    for line in open(os.path.join(tmp, log), errors="replace"):
        if "timings:" in line:
            last = line.split("timings:", 1)[1].strip()
            for part in last.split(", "):
                m = re.fullmatch(r"(.+?) ([0-9.]+) s", part.strip())
                if m:
                    steps.setdefault(m.group(1), []).append(float(m.group(2)))
last_log = open(os.path.join(tmp, logs[-1]), errors="replace").read().splitlines()
med = statistics.median(secs)
print()
print(f"== {title}")
print(f"reach pt: median {med:.2f} s over {len(secs)} run(s) ({', '.join(f'{s:.2f}' for s in secs)}), "
      f"peak RSS {peak:.1f} MiB, {cpus} core(s)")
if steps:
    print("steps (median s): " + ", ".join(f"{k} {statistics.median(v):.2f}" for k, v in steps.items()))
# reach's own messages of the last run (patterns and splits, transfers, access, unsnapped stops, warnings):
# everything but the timings line, which is above.
said = [l for l in last_log if l.strip() and "timings:" not in l]
for l in said[:40]:
    print(f"  {l}")
if len(said) > 40:
    print(f"  ... {len(said) - 40} more line(s) in {os.path.join(tmp, logs[-1])}")
try:
    before = [int(x) for x in open(os.path.join(tmp, f"{name}.cpu.before")).read().split()[1:]]
    after = [int(x) for x in open(os.path.join(tmp, f"{name}.cpu.after")).read().split()[1:]]
    d = [b - a for a, b in zip(before, after)]
    total = sum(d[:8])
    busy = total - d[3] - d[4]
    timev = open(os.path.join(tmp, f"{name}.timev")).read()
    pct = float(re.search(r"Percent of CPU this job got: (\d+)%", timev).group(1))
    ncpu = os.cpu_count() or 1
    machine = ncpu * busy / total if total else 0.0
    print(f"machine: {machine:.2f} of {ncpu} cores busy on average during the runs; reach itself {pct / 100:.2f} cores "
          f"(last run)" + (f" -> other processes used about {machine - pct / 100:.2f} cores: the times are pessimistic"
                          if machine - pct / 100 > 0.25 else ""))
except (OSError, ValueError, AttributeError):
    pass

status = 0
cats = []
# The output: one feature per zone, with {c}_pt_mean columns.
try:
    with open(out) as fh:
        feats = json.load(fh).get("features", [])
    props = feats[0]["properties"] if feats else {}
    cats = sorted(k[:-len("_pt_mean")] for k in props if k.endswith("_pt_mean") and not k.endswith("_p25_pt_mean"))
    with_mean = {c: sum(1 for f in feats if f["properties"].get(f"{c}_pt_mean") is not None) for c in cats}
    print(f"check: {out}: {len(feats):,} zones, {len(cats)} categories with a pt mean"
          + (f" (zones with a value: " + ", ".join(f"{c} {n:,}" for c, n in list(with_mean.items())[:20]) + ")"
             if cats else " -> FAILED: no {c}_pt_mean column"))
    if not feats or not cats:
        status = 1
except (OSError, ValueError, KeyError, IndexError) as e:
    print(f"check: {out} unreadable ({e}) -> FAILED")
    status = 1

if origins:
    # Throughput as origins x departure minutes per core-second, against R5's ~4 origins/s/core for one minute
    # (docs/raptor.md, "Comparison with R5"; ipeaGIT/r5r issue #106: 10,124 origins in 3.5 min on 12 cores).
    ours = origins * minutes / (med * cpus)
    r5 = 10124 / (3.5 * 60) / 12
    print(f"throughput: {origins:,} origins x {minutes} departure minutes in {med:.1f} s on {cpus} core(s) = "
          f"{ours:,.0f} origin-minutes per core-second ({len(cats)} categories in the output)")
    print(f"R5 (literature): ~{r5:.1f} origin-minutes per core-second (one departure minute, ~{r5:.1f} origins/s/core: "
          f"r5r issue #106, São Paulo, 12 cores, street access and 10 k destinations included; not a controlled "
          f"benchmark) -> ours is {ours / r5:,.0f}x that. It overstates the gap: R5's range RAPTOR makes each further "
          f"minute of a window cheaper than the first, by a factor it does not publish, and one R5 search per "
          f"origin covers every destination, whatever the categories. At R5's rate one departure minute of these "
          f"{origins:,} origins takes {origins / r5 / cpus / 3600:.1f} h on {cpus} core(s) "
          f"({origins / r5 / 3600:.1f} core-hours).")

t_ok, m_ok = med < goal_s, peak < goal_mib
print(f"goal: median wall time {med:.2f} s < {goal_s:g} s -> {'PASS' if t_ok else 'FAIL'}")
print(f"goal: peak RSS {peak:.1f} MiB < {goal_mib:g} MiB -> {'PASS' if m_ok else 'FAIL'}")
sys.exit(0 if (status == 0 and t_ok and m_ok) else 1)
EOF
}

window_minutes() { # minutes in the window HH:MM-HH:MM (end may pass 24:00)
    awk -F'[-:]' '{ print ($3 * 60 + $4) - ($1 * 60 + $2) }' <<<"$WINDOW"
}

STATUS=0

# ---------------------------------------------------------------------------------------------------------------
if [[ " ${CASES[*]} " == *" newport "* ]]; then
    NP="$TMP/newport"
    OSM="$DATA/osm/newport-2023-06-13.osm.pbf"
    BUS="$DATA/gtfs/newport-20240305-bus_gtfs.zip"
    RAIL="$DATA/gtfs/newport-20240305-rail_gtfs.zip"
    WARDS="$DATA/wards_extra/W06000022_newport_wards_dec2023.geojson"
    for f in "$OSM" "$BUS" "$RAIL" "$WARDS"; do
        [[ -f $f ]] || { echo "bench/raptor: $f not found (shared data absent)" >&2; exit 1; }
    done
    mkdir -p "$NP"
    echo "bench/raptor: Newport inputs in $NP" >&2
    "$PY" - "$NP" "$OSM" "$WARDS" <<'EOF'
# Newport inputs for `reach pt`, rewritten only when the extract or the wards change (stamp.json).
import csv, json, os, sys, time

import numpy as np
import pyproj
import shapely

sys.path.insert(0, "tools/crosscheck")
sys.path.insert(0, "tools")
import distance  # noqa: E402  (tools/crosscheck/distance.py: osm_services, as `distance.py prepare` uses it)
import roadnet  # noqa: E402  (tools/crosscheck/roadnet.py: the walk graph)
from reachtools.inputs import read_zones  # noqa: E402

out, pbf, wards_path = sys.argv[1:4]
CATEGORIES = ("gp", "pharmacy", "supermarket")
stamp = {"version": 1, "pbf": [os.path.abspath(pbf), os.path.getsize(pbf), int(os.path.getmtime(pbf))],
         "wards": [os.path.abspath(wards_path), os.path.getsize(wards_path), int(os.path.getmtime(wards_path))]}
paths = {k: os.path.join(out, f) for k, f in (("services", "services3.csv"), ("origins", "origins.csv"),
                                              ("zones", "zones.geojson"), ("stamp", "stamp.json"))}
if all(os.path.isfile(p) for p in paths.values()):
    try:
        old = json.load(open(paths["stamp"]))
    except ValueError:
        old = None
    if old == stamp:
        print(f"bench/raptor: Newport inputs cached ({out})", file=sys.stderr)
        sys.exit(0)
t0 = time.perf_counter()


def replace(path, write):
    with open(path + ".tmp", "w", newline="") as fh:
        write(fh)
    os.replace(path + ".tmp", path)


# Services: the extract's own, as distance.py prepare writes them (same rows, same order), three categories.
rows, rel = distance.osm_services(pbf)
rows = [r for r in rows if r[0] in CATEGORIES]


def w_services(fh):
    w = csv.writer(fh)
    w.writerow(["id", "category", "easting", "northing", "osm"])
    for i, (c, x, y, osm) in enumerate(rows):
        w.writerow([i, c, f"{x:.3f}", f"{y:.3f}", osm])


replace(paths["services"], w_services)
counts = {c: sum(1 for r in rows if r[0] == c) for c in CATEGORIES}

# Origins: every node of the walk graph (segments open on foot in either direction).
net = roadnet.RoadNetwork.read(pbf)
fwd, bwd = net.allowed["walk"]
walk = fwd | bwd
nodes = np.unique(np.concatenate([net.seg_u[walk], net.seg_v[walk]]))
xy = net.xy[nodes]
ids = net.node_ids[nodes]
replace(paths["origins"], lambda fh: fh.write("id,easting,northing\n" + "".join(
    f"{i},{x:.3f},{y:.3f}\n" for i, x, y in zip(ids.tolist(), xy[:, 0].tolist(), xy[:, 1].tolist()))))

# Zones: Newport's wards plus the rest of the extract, so that every origin is counted.
zones = read_zones(wards_path, repair="make_valid", keep_features=True)  # EPSG:27700, make-valid where invalid
to_ll = pyproj.Transformer.from_crs("EPSG:27700", "OGC:CRS84", always_xy=True)
union = shapely.union_all(zones.geoms)
x0, y0 = xy.min(axis=0) - 1000.0
x1, y1 = xy.max(axis=0) + 1000.0
rest = shapely.difference(shapely.box(x0, y0, x1, y1), union)
rest_ll = shapely.transform(rest, lambda p: np.column_stack(to_ll.transform(p[:, 0], p[:, 1])))
inside = int(shapely.contains_xy(union, xy[:, 0], xy[:, 1]).sum())
feats = [{"type": "Feature", "properties": {k: f["properties"].get(k) for k in ("WD23CD", "WD23NM", "LAD23CD")},
          "geometry": f["geometry"]} for f in zones.features]
feats.append({"type": "Feature",
              "properties": {"WD23CD": "NEWPORT_EXTRACT_REST",
                             "WD23NM": "Rest of the OSM extract (outside Newport's wards)", "LAD23CD": None},
              "geometry": json.loads(shapely.to_geojson(rest_ll))})
replace(paths["zones"], lambda fh: json.dump({"type": "FeatureCollection", "features": feats}, fh))
replace(paths["stamp"], lambda fh: json.dump(stamp, fh))
print(f"bench/raptor: Newport: services {counts} ({rel} tagged relations not used) -> {paths['services']}; "
      f"{len(ids):,} walk-graph nodes as origins ({inside:,} inside Newport's wards, {len(ids) - inside} in the "
      f"rest of the extract) -> {paths['origins']}; {len(feats) - 1} wards + NEWPORT_EXTRACT_REST -> "
      f"{paths['zones']} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)
EOF
    NORIG=$(($(wc -l <"$NP/origins.csv") - 1))
    if [[ $PREPARE_ONLY == 1 ]]; then
        echo "bench/raptor: PREPARE_ONLY=1: Newport inputs ready ($NORIG origins), reach not run" >&2
    else
        cat "$OSM" "$BUS" "$RAIL" "$NP"/*.csv "$NP/zones.geojson" >/dev/null
        timed newport "$RUNS" "${PIN[@]}" "$REACH" pt --wards "$NP/zones.geojson" --code-field WD23CD \
            --services "$NP/services3.csv" --category-field category \
            --origins "$NP/origins.csv" --osm "$OSM" --gtfs "$BUS" --gtfs "$RAIL" --date "$DATE" --window "$WINDOW" \
            --out "$NP/newport_pt.geojson"
        report newport "Newport: bus + rail GTFS, $DATE $WINDOW, $NORIG walk-graph nodes as origins, 3 categories" \
            "$GOAL_NEWPORT_SECONDS" "$NP/newport_pt.geojson" "$NORIG" "$(window_minutes)" || STATUS=1
        # Arrive-by over the same window (its minutes read as deadlines): the same backward search, so its search
        # step should cost what the depart-at one does (issue 22: no more). Same runs, same inputs.
        timed newport_arrive "$RUNS" "${PIN[@]}" "$REACH" pt --wards "$NP/zones.geojson" --code-field WD23CD \
            --services "$NP/services3.csv" --category-field category \
            --origins "$NP/origins.csv" --osm "$OSM" --gtfs "$BUS" --gtfs "$RAIL" --date "$DATE" --window "$WINDOW" \
            --arrive-by --out "$NP/newport_pt_arrive.geojson"
        "$PY" - "$TMP" <<'EOT' || STATUS=1
import os, re, statistics, sys
tmp = sys.argv[1]
def search(name):
    out = []
    for f in sorted(os.listdir(tmp)):
        if re.fullmatch(re.escape(name) + r"\.run\d+\.log", f):
            m = re.search(r"public transport search ([0-9.]+) s", open(os.path.join(tmp, f), errors="replace").read())
            if m: out.append(float(m.group(1)))
    return out
depart, arrive = search("newport"), search("newport_arrive")
ratio = statistics.median(arrive) / statistics.median(depart)
print(f"bench/raptor: arrive-by search step {statistics.median(arrive):.2f} s against depart-at {statistics.median(depart):.2f} s "
      f"(medians of {len(arrive)} and {len(depart)} runs): {ratio:.2f}x -> {'PASS' if ratio <= 1.10 else 'FAIL'} (goal: no more, 10% for noise)")
sys.exit(0 if ratio <= 1.10 else 1)
EOT
    fi
fi

# ---------------------------------------------------------------------------------------------------------------
if [[ " ${CASES[*]} " == *" national "* ]]; then
    WARDS="$DATA/uk-geojson/wards_by_lad"
    OAS="$DATA/uk-geojson/oa_by_lad"
    bench_require_wards "$WARDS"
    [[ -d "$OAS" ]] || { echo "bench/raptor: $OAS not found (the output areas from shared data)" >&2; exit 1; }
    mkdir -p "$RUN_TMP"
    # run.sh's inputs, same generators, arguments and folder: each prints `cached` when nothing changed.
    IN="$RUN_TMP/inputs-$SERVICES-$SEED"
    "$PY" tools/bench/make_national_inputs.py --oas "$OAS" --wards "$WARDS" --out-dir "$IN" --services "$SERVICES" \
        --seed "$SEED" >&2
    NAPTAN="$RUN_TMP/Stops-$NSTOPS-$STOPS_SEED.csv"
    if [[ ! -s "$NAPTAN" ]]; then
        "$PY" tools/bench/make_national_stops.py --wards "$WARDS" --out "$NAPTAN" --stops "$NSTOPS" \
            --seed "$STOPS_SEED" >&2
    fi
    NT="$TMP/transit-$TRIPS-$TRANSIT_SEED"
    t0=$(date +%s.%N)
    "$PY" tools/bench/make_national_transit.py --wards "$WARDS" --stops "$NAPTAN" --inputs-dir "$IN" --out-dir "$NT" \
        --trips "$TRIPS" --seed "$TRANSIT_SEED" >&2
    t1=$(date +%s.%N)
    secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", b - a }')
    echo "bench/raptor: national transit inputs ready in $NT ($secs s this run)" >&2
    NORIG=$(($(wc -l <"$IN/origins.csv") - 1))
    "$PY" - "$NT/summary.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
b, r, w = s["bus"], s["rail"], s["walk"]
print(f"bench/raptor: national inputs: {b['stops']:,} bus stops, {b['routes']:,} routes, {b['trips']:,} bus trips, "
      f"{r['stations']:,} stations, {r['lines']} lines, {r['trips']:,} rail trips; {s['stop_times_rows']:,} stop_times "
      f"rows; walk PBF {w['nodes']:,} nodes, {w['ways']:,} ways; {len(s['services20'])} categories "
      f"(generated in {sum(s['timings_s'].values()):.0f} s, peak {s['peak_rss_mib']:.0f} MiB)", file=sys.stderr)
EOF
    if [[ $PREPARE_ONLY == 1 ]]; then
        echo "bench/raptor: PREPARE_ONLY=1: national inputs ready ($NORIG origins), reach not run" >&2
    else
        NO="$TMP/national"
        mkdir -p "$NO"
        cat "$WARDS"/*.json "$IN/origins.csv" "$NT"/*.zip "$NT/walk.osm.pbf" "$NT/services20.csv" >/dev/null
        timed national "$NATIONAL_RUNS" "${PIN[@]}" "$REACH" pt --wards "$WARDS" --code-field WD13CD \
            --services "$NT/services20.csv" --category-field category \
            --origins "$IN/origins.csv" --weight-field population --osm "$NT/walk.osm.pbf" \
            --gtfs "$NT/bus_gtfs.zip" --gtfs "$NT/rail_gtfs.zip" --date "$DATE" --window "$WINDOW" \
            --out "$NO/national_pt.geojson"
        report national "National (synthetic): $TRIPS trips, $NORIG origins, 20 categories, $DATE $WINDOW" \
            "$GOAL_NATIONAL_SECONDS" "$NO/national_pt.geojson" "$NORIG" "$(window_minutes)" || STATUS=1
    fi
fi

if [[ $PREPARE_ONLY != 1 ]]; then
    echo
    echo "bench/raptor: $([[ $STATUS == 0 ]] && echo PASS || echo FAIL)"
fi
exit "$STATUS"
