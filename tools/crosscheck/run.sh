#!/usr/bin/env bash
# Cross-checks reach against independent Python oracles: the driver. It lists the cases (which reach command on
# which inputs) and hands each checker its cases; the mechanics are in tools/reachtools/ (runner.py runs reach into
# a case folder and keeps its exit status and stderr, checking.py counts the checks, report.py prints the total).
#
# `reach wards` against geopandas (tools/crosscheck/wards.py) on Trafford's 21 wards of 2017 and Maldon's 17 of 2013
# (both bundled in fixtures/; Maldon holds the real repair case, E05004205) and, from ../shared/data, all-England
# wards (326 files, 7,681): exit status, count, order, pass-through properties, area_km2 in EPSG:27700, validity,
# written-geometry area, RFC 7946 winding and precision, reach_warning. Then `reach distance` and `reach nearest`
# against geopandas and networkx (distance.py), `reach coverage` and `reach gaps` against geopandas (coverage.py),
# `reach departures` against gtfs-kit (departures.py), `reach score` against numpy/scipy (scoring.py: a hand example
# and three studies on a synthetic table of the 7,681 wards), `reach broadband` against pandas/geopandas with exact
# fractions (broadband.py: a hand-made case, Trafford with the real Ofcom 2016 files, the made-up output-area
# fixture, a national sample of the 2022 layout), `reach pt` against a time-expanded brute force (raptor.py: Newport
# bus + rail with 50 seeded origins; the oracle's self-test on the fixtures/raptor README queries runs first).
#
# Inputs bundled in fixtures/ (Trafford's wards, output areas, services and stops; Maldon's wards; the hand-made
# cases) are always read from there: such a case never skips (a missing fixture is a failure). A case that needs
# ../shared/data skips with the missing file named when it is absent, and with CI=true that skip is a failure.
# Oracle self-checks (the oracle against hand-worked numbers or a brute force) run and can fail the run, but are
# not counted as reach checks. Builds debug reach if .build/debug/reach is missing (or uses REACH_BIN).
# Last line: 'N passed, M failed' over all seven checkers (CI reads it); exit status 1 when anything failed.
# Run from the repo root:  tools/crosscheck/run.sh
# Env: REACH_BIN=path/to/reach, REACH_DATA=../shared/data, CROSSCHECK_TMP=/tmp/reach-crosscheck, CI=true,
#      CROSSCHECK_ONLY=transit (only coverage.py and departures.py: about a minute),
#      CROSSCHECK_ONLY=scoring (only scoring.py), CROSSCHECK_ONLY=broadband (only broadband.py),
#      CROSSCHECK_ONLY=pt (only raptor.py)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
OUT=${CROSSCHECK_TMP:-/tmp/reach-crosscheck}
ONLY=${CROSSCHECK_ONLY:-}
case $ONLY in
    "" | transit | scoring | broadband | pt) ;;
    *) echo "crosscheck: CROSSCHECK_ONLY=$ONLY: expected transit, scoring, broadband or pt (or unset for everything)" >&2
        exit 2 ;;
esac
CI_MODE=0
case ${CI:-} in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) CI_MODE=1 ;; esac

if [[ -n "${REACH_BIN:-}" ]]; then
    REACH=$REACH_BIN
else
    REACH=.build/debug/reach
    if [[ ! -x "$REACH" ]]; then
        echo "crosscheck: $REACH missing; swift build --product reach" >&2
        swift build --product reach >&2
    fi
fi
[[ -x "$REACH" ]] || { echo "crosscheck: reach binary $REACH not found or not executable" >&2; exit 1; }

PY=$(tools/python-env.sh)
export PYTHONPATH="$PWD/tools${PYTHONPATH:+:$PYTHONPATH}" # tools/reachtools
if [[ ! -d $DATA ]]; then
    if [[ $CI_MODE == 1 ]]; then
        echo "crosscheck: FAIL: the shared data folder $DATA (REACH_DATA) is missing and CI=true: every case that" \
            "needs it fails (the cases on fixtures/ still run)" >&2
    else
        echo "crosscheck: the shared data folder $DATA (REACH_DATA) is missing: the cases that need it skip" >&2
    fi
fi
mkdir -p "$OUT"
rm -f "$OUT"/{wards,distance,coverage,departures,scoring,broadband,raptor}.log
wards_status=0
distance_status=0
coverage_status=0
departures_status=0
scoring_status=0
broadband_status=0
pt_status=0

# reach_case DIR SUBCOMMAND ARGS...: reach through tools/reachtools/runner.py: DIR emptied, then args, stderr and
# status written there; the command, its time and (on failure) its stderr's tail on stderr. The checker counts a
# non-zero status as a failed check.
reach_case() {
    local dir=$1
    shift
    "$PY" -m reachtools.runner "$dir" "$REACH" "$@"
}

# missing PATH...: the paths that do not exist, space-separated (empty when all do).
missing() {
    local p gone=()
    for p in "$@"; do [[ -e $p ]] || gone+=("$p"); done
    echo "${gone[*]}"
}

# skip LIST REASON NAME...: the cases NAME were not run for REASON (shared data absent): each goes to the array LIST
# as --skipped 'NAME: REASON'; the checker reports it as skipped, or as failed under CI=true.
skip() {
    local -n skip_list=$1
    local reason=$2 n
    shift 2
    if [[ $CI_MODE == 1 ]]; then
        echo "crosscheck: FAIL (CI=true: a skip is a failure) $*: $reason" >&2
    else
        echo "crosscheck: SKIP $*: $reason" >&2
    fi
    for n in "$@"; do skip_list+=(--skipped "$n: $reason"); done
}

# broken LIST REASON NAME...: the cases NAME could not be run although they need nothing from the shared data
# (a bundled fixture or tool missing, reach without the subcommand): --failed 'NAME: REASON', always a failure.
broken() {
    local -n broken_list=$1
    local reason=$2 n
    shift 2
    echo "crosscheck: FAIL $*: $reason" >&2
    for n in "$@"; do broken_list+=(--failed "$n: $reason"); done
}

F=fixtures/trafford # Trafford's wards, output areas, services and stops, bundled
T="$DATA/trafford"
G="$DATA/gtfs"
NEW_WARDS="$DATA/wards_extra/W06000022_newport_wards_dec2023.geojson"
NEW_PBF="$DATA/osm/newport-2023-06-13.osm.pbf"

if [[ -z $ONLY ]]; then # the wards and distance checkers (not indented: a long block)
WOUT="$OUT/wards"
wcases=()
wskipped=()
wfailed=()
run_wards() { # run_wards NAME INPUT: reach wards into $WOUT/NAME/out.geojson
    reach_case "$WOUT/$1" wards --wards "$2" --out "$WOUT/$1/out.geojson"
    wcases+=(--case "$1" "$2" "$WOUT/$1")
}
for spec in trafford-2017:$F/wards_2017.geojson maldon-2013:fixtures/england/E07000074-maldon-wards-2013.json; do
    IFS=: read -r name input <<<"$spec"
    if [[ -f $input ]]; then
        run_wards "$name" "$input"
    else
        broken wfailed "$input not found (a bundled fixture)" "$name"
    fi
done
if [[ -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    run_wards england-2013 "$DATA/uk-geojson/wards_by_lad"
else
    skip wskipped "$DATA/uk-geojson/wards_by_lad not found (shared data absent)" england-2013
fi

set +e
"$PY" tools/crosscheck/wards.py "${wcases[@]}" "${wskipped[@]}" "${wfailed[@]}" | tee "$OUT/wards.log"
wards_status=${PIPESTATUS[0]}
set -e

# `reach distance` and `reach nearest` against geopandas / networkx (tools/crosscheck/distance.py): Trafford
# straight line (5 service files, 738 output areas weighted by population), Trafford schools by phase
# (--category-field), `reach nearest` on the output-area points, and road-network times on Rutland and Newport
# (services from the OSM extracts, origins = Rutland's 2011 output areas and a 250 m grid over Newport), every
# segment of `reach network --out-edges` on both extracts, and a hand-made network with one probe per rule.
DOUT="$OUT/distance"
mkdir -p "$DOUT"
dcases=()
dskipped=()
dfailed=()
run_distance() { # run_distance NAME SUBCOMMAND ARGS...: reach writes into $DOUT/NAME
    local name=$1 sub=$2 dir="$DOUT/$1"
    shift 2
    local outs=(--out "$dir/wards.geojson" --origins-out "$dir/origins.csv")
    [[ $sub == nearest ]] && outs=(--out "$dir/nearest.csv")
    [[ $sub == network ]] && outs=(--out-edges "$dir/edges.geojson")
    reach_case "$dir" "$sub" "$@" "${outs[@]}"
    dcases+=(--case "$name" "$dir")
}

rm -f "$DOUT"/rules*
"$PY" tools/crosscheck/distance.py prepare --data "$DATA" --tmp "$DOUT" >&2
if [[ -f "$DOUT/rules.osm.pbf" ]]; then # hand-made, one probe per rule of docs/road-network.md
    run_distance distance-rules distance --wards "$DOUT/rules_zones.geojson" --code-field code \
        --services "$DOUT/rules_services.csv" --category-field category --origins "$DOUT/rules_origins.csv" \
        --osm "$DOUT/rules.osm.pbf" --modes walk,cycle,car --minutes 15,30 --min-island-nodes 0
else
    broken dfailed "tools/fixtures/osm_pbf.py (the PBF writer) not found: distance.py prepare wrote no rules network" \
        distance-rules
fi
SERVICES=("$F/gp_practices.geojson" "$F/schools.geojson" "$F/town_centres.geojson" "$F/jobcentre_plus.geojson"
    "$F/pharmacies.geojson")
gone=$(missing "$F/wards_2017.geojson" "$F/output_areas_2021.geojson" "${SERVICES[@]}")
if [[ -z $gone ]]; then
    run_distance distance-trafford distance --wards "$F/wards_2017.geojson" \
        --services "$F/gp_practices.geojson" --services "$F/schools.geojson" --services "$F/town_centres.geojson" \
        --services "$F/jobcentre_plus.geojson" --services "$F/pharmacies.geojson" \
        --origins "$F/output_areas_2021.geojson" --weight-field population --metres 800,2000
    run_distance distance-trafford-school-phase distance --wards "$F/wards_2017.geojson" \
        --services "$F/schools.geojson" --category-field phase_derived \
        --origins "$F/output_areas_2021.geojson" --weight-field population --metres 800,2000
    run_distance distance-trafford-wardpos distance --wards "$F/wards_2017.geojson" \
        --services "$F/gp_practices.geojson" --services "$F/pharmacies.geojson"
    run_distance nearest-trafford nearest --points "$DOUT/trafford_oa_points.csv" \
        --services "$F/gp_practices.geojson" --services "$F/schools.geojson" --services "$F/town_centres.geojson" \
        --services "$F/jobcentre_plus.geojson" --services "$F/pharmacies.geojson"
    run_distance nearest-trafford-lonlat nearest --points "$DOUT/trafford_oa_points_lonlat.csv" \
        --services "$DOUT/gp_lonlat.csv"
else
    broken dfailed "$gone not found (bundled fixtures)" distance-trafford distance-trafford-school-phase \
        distance-trafford-wardpos nearest-trafford nearest-trafford-lonlat
fi
RUT_WARDS="$DATA/wards_extra/E06000017_rutland_wards_dec2023.geojson"
RUT_PBF="$DATA/osm/rutland-2022-07-20.osm.pbf"
RUT_OA="$DATA/uk-geojson/oa_by_lad/E06000017.json.gz"
gone=$(missing "$RUT_PBF" "$RUT_WARDS" "$RUT_OA")
if [[ -z $gone ]]; then
    run_distance distance-rutland distance --wards "$RUT_WARDS" \
        --services "$DOUT/rutland_services.csv" --category-field category \
        --origins "$RUT_OA" --osm "$RUT_PBF" --minutes 15,30 --metres 800,2000
else
    skip dskipped "$gone not found (shared data absent)" distance-rutland
fi
for place in rutland newport; do # every segment of `reach network --out-edges` against the oracle's reading
    pbf=$RUT_PBF
    [[ $place == newport ]] && pbf=$NEW_PBF
    if [[ -f "$pbf" ]]; then
        run_distance "network-$place" network --osm "$pbf"
    else
        skip dskipped "$pbf not found (shared data absent)" "network-$place"
    fi
done
gone=$(missing "$NEW_PBF" "$NEW_WARDS")
if [[ -z $gone ]]; then
    run_distance distance-newport distance --wards "$NEW_WARDS" \
        --services "$DOUT/newport_services.csv" --category-field category \
        --origins "$DOUT/newport_grid_origins.csv" --osm "$NEW_PBF" --minutes 15,30 --metres 800,2000
else
    skip dskipped "$gone not found (shared data absent)" distance-newport
fi

set +e
"$PY" tools/crosscheck/distance.py check --data "$DATA" --tmp "$DOUT" "${dcases[@]}" "${dskipped[@]}" \
    "${dfailed[@]}" | tee "$OUT/distance.log"
distance_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (wards, distance)

if [[ -z $ONLY || $ONLY == transit ]]; then # the transit checkers (not indented: a long block)
# `reach coverage` and `reach gaps` against geopandas (tools/crosscheck/coverage.py): Trafford wards 2017 with bus,
# rail and Metrolink stops and 738 output areas by population (all bundled); Cheshire West and Chester 2023 wards
# with NaPTAN 061Stops.csv (no origins: ward point on surface); Newport 2023 wards with the Newport bus GTFS
# (departures per hour per ward); gaps in Trafford's bus coverage. Then `reach departures` against gtfs-kit
# (tools/crosscheck/departures.py): Chester, Newport bus and Newport rail feeds, 07:00-10:00 and the whole day
# (00:00-48:00, also against gtfs-kit's compute_stop_stats), and a hand-made feed with one probe per rule.
TOUT="$OUT/transit"
mkdir -p "$TOUT"
ccases=()
cskipped=()
cfailed=()
tcases=()
tskipped=()
run_transit() { # run_transit LIST NAME OUTFILE SUBCOMMAND ARGS...: reach writes $TOUT/NAME/OUTFILE
    local -n transit_list=$1
    local name=$2 outfile=$3 sub=$4 dir="$TOUT/$2"
    shift 4
    reach_case "$dir" "$sub" "$@" --out "$dir/$outfile"
    transit_list+=(--case "$name" "$dir")
}
STOPS=("$F/bus_stops.geojson" "$F/rail_stations.geojson" "$F/metrolink_stops.geojson")
gone=$(missing "$F/wards_2017.geojson" "$F/output_areas_2021.geojson" "${STOPS[@]}")
if [[ -z $gone ]]; then
    run_transit ccases coverage-trafford out.geojson coverage --wards "$F/wards_2017.geojson" \
        --origins "$F/output_areas_2021.geojson" --weight-field population \
        --bus-stops "$F/bus_stops.geojson" --rail-stations "$F/rail_stations.geojson" \
        --metro-stops "$F/metrolink_stops.geojson"
    run_transit ccases coverage-trafford-r300 out.geojson coverage --wards "$F/wards_2017.geojson" \
        --origins "$F/output_areas_2021.geojson" --weight-field population --bus-stops "$F/bus_stops.geojson" \
        --rail-stations "$F/rail_stations.geojson" --metro-stops "$F/metrolink_stops.geojson" \
        --bus-radius 300 --station-bands 500,1500
    run_transit ccases gaps-trafford out.geojson gaps --wards "$F/wards_2017.geojson" \
        --bus-stops "$F/bus_stops.geojson" --origins "$F/output_areas_2021.geojson" --weight-field population \
        --radius 400
else
    broken cfailed "$gone not found (bundled fixtures)" coverage-trafford coverage-trafford-r300 gaps-trafford
fi
CW_WARDS="$DATA/wards_extra/E06000050_cheshire_west_chester_wards_dec2023.geojson"
CW_OA="$DATA/uk-geojson/oa_by_lad/E06000050.json.gz"
gone=$(missing "$CW_WARDS" "$DATA/naptan/061Stops.csv")
if [[ -z $gone ]]; then
    run_transit ccases coverage-cwac-naptan out.geojson coverage --wards "$CW_WARDS" --code-field WD23CD \
        --naptan "$DATA/naptan/061Stops.csv"
    if [[ -f $CW_OA ]]; then
        run_transit ccases coverage-cwac-naptan-oa out.geojson coverage --wards "$CW_WARDS" --code-field WD23CD \
            --naptan "$DATA/naptan/061Stops.csv" --origins "$CW_OA"
    else
        skip cskipped "$CW_OA not found (shared data absent)" coverage-cwac-naptan-oa
    fi
    run_transit ccases gaps-cwac-naptan out.geojson gaps --wards "$CW_WARDS" --code-field WD23CD \
        --naptan "$DATA/naptan/061Stops.csv"
else
    skip cskipped "$gone not found (shared data absent)" coverage-cwac-naptan coverage-cwac-naptan-oa gaps-cwac-naptan
fi
gone=$(missing "$NEW_WARDS" "$G/newport-20240305-bus_gtfs.zip")
if [[ -z $gone ]]; then
    run_transit ccases coverage-newport-gtfs out.geojson coverage --wards "$NEW_WARDS" --code-field WD23CD \
        --gtfs "$G/newport-20240305-bus_gtfs.zip" --date 2024-03-05 --window 07:00-10:00
    if [[ -f $G/newport-20240305-rail_gtfs.zip ]]; then
        "$PY" tools/crosscheck/coverage.py prepare --data "$DATA" --tmp "$TOUT" >&2
        run_transit ccases coverage-newport-gtfs-bus-rail out.geojson coverage --wards "$NEW_WARDS" \
            --code-field WD23CD --gtfs "$G/newport-20240305-bus_gtfs.zip" --gtfs "$G/newport-20240305-rail_gtfs.zip" \
            --date 2024-03-05 --origins "$TOUT/newport_grid_origins.csv"
    else
        skip cskipped "$G/newport-20240305-rail_gtfs.zip not found (shared data absent)" coverage-newport-gtfs-bus-rail
    fi
else
    skip cskipped "$gone not found (shared data absent)" coverage-newport-gtfs coverage-newport-gtfs-bus-rail
fi
for spec in chester:chester-20230816-small_gtfs.zip:2023-08-15 newport-bus:newport-20240305-bus_gtfs.zip:2024-03-05 \
    newport-rail:newport-20240305-rail_gtfs.zip:2024-03-05; do
    IFS=: read -r place zip date <<<"$spec"
    if [[ -f "$G/$zip" ]]; then
        run_transit tcases "departures-$place" stops.csv departures --gtfs "$G/$zip" --date "$date" --window 07:00-10:00
        run_transit tcases "departures-$place-day" stops.csv departures --gtfs "$G/$zip" --date "$date" \
            --window 00:00-48:00
    else
        skip tskipped "$G/$zip not found (shared data absent)" "departures-$place" "departures-$place-day"
    fi
done
if [[ -f "$G/chester-20230816-small_gtfs.zip" ]]; then # no --date: the first week's Tuesday
    run_transit tcases departures-chester-default-date stops.csv departures --gtfs "$G/chester-20230816-small_gtfs.zip"
else
    skip tskipped "$G/chester-20230816-small_gtfs.zip not found (shared data absent)" departures-chester-default-date
fi
gone=$(missing "$G/newport-20240305-bus_gtfs.zip" "$G/newport-20240305-rail_gtfs.zip")
if [[ -z $gone ]]; then # two feeds, one run
    run_transit tcases departures-newport-bus-rail stops.csv departures --gtfs "$G/newport-20240305-bus_gtfs.zip" \
        --gtfs "$G/newport-20240305-rail_gtfs.zip" --date 2024-03-05
else
    skip tskipped "$gone not found (shared data absent)" departures-newport-bus-rail
fi
"$PY" tools/crosscheck/departures.py prepare --tmp "$TOUT" >&2
run_transit tcases departures-handmade stops.csv departures --gtfs "$TOUT/handmade_gtfs.zip" --date 2024-03-05 \
    --window 07:00-10:00

set +e
"$PY" tools/crosscheck/coverage.py check --data "$DATA" --tmp "$TOUT" "${ccases[@]}" "${cskipped[@]}" \
    "${cfailed[@]}" | tee "$OUT/coverage.log"
coverage_status=${PIPESTATUS[0]}
"$PY" tools/crosscheck/departures.py check --data "$DATA" --tmp "$TOUT" "${tcases[@]}" "${tskipped[@]}" |
    tee "$OUT/departures.log"
departures_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (transit)

if [[ -z $ONLY || $ONLY == scoring ]]; then # the scoring checker (not indented: a long block)
# `reach score` against numpy/scipy (tools/crosscheck/scoring.py, scoring_oracle.py: docs/scoring.md): the hand
# example of scoring_oracle.py (3 wards, tools/crosscheck/studies/hand.*), then, when the shared data is present,
# the three studies of tools/crosscheck/studies/ on a synthetic indicator table of all 7,681 English wards of 2013
# (make_ward_table.py, written once into $OUT/scoring/wards.csv; the ward codes are in WD13CD). reach and the
# oracle both write CSV into $OUT/scoring/NAME/ (reach.csv, oracle.csv).
SOUT="$OUT/scoring"
STUDIES=tools/crosscheck/studies
mkdir -p "$SOUT"
scases=()
sskipped=()
run_score() { # run_score NAME STUDY TABLE: reach and the oracle on one study; status and stderr kept
    local name=$1 study=$2 table=$3 dir="$SOUT/$1"
    reach_case "$dir" score --study "$study" --in "$table" --code-field WD13CD --out "$dir/reach.csv"
    local t0=$SECONDS
    if ! "$PY" tools/crosscheck/scoring_oracle.py --study "$study" --in "$table" --code-field WD13CD \
        --out "$dir/oracle.csv" 2>"$dir/oracle.stderr"; then
        echo "crosscheck: the scoring oracle failed on $name; its stderr:" >&2
        tail -n 20 "$dir/oracle.stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s (oracle)" >&2
    scases+=(--case "$name" "$dir")
}
run_score scoring-hand "$STUDIES/hand.toml" "$STUDIES/hand.csv"
if [[ -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    "$PY" tools/crosscheck/make_ward_table.py "$SOUT/wards.csv" --wards "$DATA/uk-geojson/wards_by_lad" >&2
    run_score scoring-rank-exp-reweight "$STUDIES/rank_exp_reweight.toml" "$SOUT/wards.csv"
    run_score scoring-zscore-linear-impute "$STUDIES/zscore_linear_impute.toml" "$SOUT/wards.csv"
    run_score scoring-minmax-null "$STUDIES/minmax_null.toml" "$SOUT/wards.csv"
else
    skip sskipped "$DATA/uk-geojson/wards_by_lad not found (shared data absent; the synthetic table needs the ward codes)" \
        scoring-rank-exp-reweight scoring-zscore-linear-impute scoring-minmax-null
fi

set +e
"$PY" tools/crosscheck/scoring.py check --data "$DATA" --tmp "$SOUT" "${scases[@]}" "${sskipped[@]}" |
    tee "$OUT/scoring.log"
scoring_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (scoring)

if [[ -z $ONLY || $ONLY == broadband ]]; then # the broadband checker (not indented: a long block)
# `reach broadband` against pandas/geopandas in exact fractions (tools/crosscheck/broadband.py: docs/broadband.md):
# the hand-made case (broadband.py prepare writes $OUT/broadband/handmade/), Trafford's 2023 wards with its postcode
# directory and the real Ofcom 2016 M and WA files, the made-up output-area fixture (fixtures/broadband/) on
# Trafford's 2017 wards, and a national sample of tools/bench/make_postcodes.py (50,000 points, 2022 layout,
# written once into $OUT/broadband/national/) over all 7,681 wards of 2013. Each case's reach arguments are kept in
# $OUT/broadband/NAME/args (reachtools.runner writes them): the checker runs its oracle on the same arguments.
BOUT="$OUT/broadband"
mkdir -p "$BOUT"
bcases=()
bskipped=()
bfailed=()
run_broadband() { # run_broadband NAME OUTFILE ARGS...: reach writes $BOUT/NAME/OUTFILE and unmatched.csv
    local name=$1 outfile=$2 dir="$BOUT/$1"
    shift 2
    reach_case "$dir" broadband "$@" --unmatched-out "$dir/unmatched.csv" --out "$dir/$outfile"
    bcases+=(--case "$name" "$dir")
}
"$PY" tools/crosscheck/broadband.py prepare --data "$DATA" --tmp "$BOUT" >&2
H="$BOUT/handmade"
run_broadband broadband-handmade out.geojson --wards "$H/zones.geojson" --code-field code --postcodes "$H/onspd.csv" \
    --ofcom "$H/cov.csv" --ofcom "$H/perf.csv"
run_broadband broadband-speeds-only out.csv --wards "$H/zones.geojson" --code-field code --postcodes "$H/onspd.csv" \
    --ofcom "$H/perf.csv"
OF="$DATA/ofcom"
gone=$(missing "$T/wards_2023.geojson" "$T/postcodes.csv" "$OF/2016_fixed_pc_r01_M.csv" "$OF/2016_fixed_pc_r01_WA.csv")
if [[ -z $gone ]]; then
    # The directory's coordinates are lon/lat: named, as docs/broadband.md lists only lat/long and
    # latitude/longitude for detection.
    run_broadband broadband-trafford-2016 out.geojson --wards "$T/wards_2023.geojson" --code-field area_code \
        --postcodes "$T/postcodes.csv" --x-field lon --y-field lat --postcodes-crs EPSG:4326 \
        --ofcom "$OF/2016_fixed_pc_r01_M.csv" --ofcom "$OF/2016_fixed_pc_r01_WA.csv"
else
    skip bskipped "$gone not found (shared data absent)" broadband-trafford-2016
fi
FB=fixtures/broadband
gone=$(missing $FB/trafford_oa21_coverage.csv $FB/trafford_oa21_performance.csv "$F/wards_2017.geojson" \
    "$F/output_areas_2021.geojson")
if [[ -z $gone ]]; then
    run_broadband broadband-oa-fixture out.csv --wards "$F/wards_2017.geojson" --code-field area_code \
        --output-areas "$F/output_areas_2021.geojson" --ofcom $FB/trafford_oa21_coverage.csv \
        --ofcom $FB/trafford_oa21_performance.csv
else
    broken bfailed "$gone not found (bundled fixtures)" broadband-oa-fixture
fi
N="$BOUT/national"
if [[ -f "$N/onspd.csv" && -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    run_broadband broadband-national out.csv --wards "$DATA/uk-geojson/wards_by_lad" --code-field WD13CD \
        --postcodes "$N/onspd.csv" --ofcom "$N/coverage.csv" --ofcom "$N/performance.csv"
elif [[ -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    broken bfailed "broadband.py prepare wrote no $N/onspd.csv (see its output above)" broadband-national
else
    skip bskipped "$DATA/uk-geojson/wards_by_lad not found (shared data absent)" broadband-national
fi

set +e
"$PY" tools/crosscheck/broadband.py check --data "$DATA" --tmp "$BOUT" "${bcases[@]}" "${bskipped[@]}" \
    "${bfailed[@]}" | tee "$OUT/broadband.log"
broadband_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (broadband)

if [[ -z $ONLY || $ONLY == pt ]]; then # the public-transport travel-time checker (not indented: a long block)
# `reach pt` against a time-expanded brute force (tools/crosscheck/raptor.py: docs/raptor.md "Correctness"):
# case pt-fixtures is the oracle's own self-test on the 42 hand-worked queries of fixtures/raptor (no reach run:
# reported, and a failure fails the run, but not counted as a reach check); case pt-newport runs reach on the
# Newport bus and rail feeds of 2024-03-05, 07:00-10:00, the Newport extract's walk graph, gp/supermarket/pharmacy
# from its own tags and 50 seeded origins (raptor.py prepare), and compares every origin x category x departure
# minute of minutes.csv, the percentiles of origins.csv and the ward figures. A reach whose `pt --help` does not
# answer is a failure of pt-newport, not a skip.
POUT="$OUT/pt"
mkdir -p "$POUT"
pcases=(--case pt-fixtures -)
pskipped=()
pfailed=()
# Read the help whole first: grep stopping early would kill reach with SIGPIPE, and pipefail report that.
pt_help=$("$REACH" pt --help 2>&1) && pt_ok=1 || pt_ok=0
gone=$(missing "$NEW_PBF" "$NEW_WARDS" "$G/newport-20240305-bus_gtfs.zip" "$G/newport-20240305-rail_gtfs.zip")
if [[ $pt_ok == 0 ]] || ! grep -q "USAGE: reach pt" <<<"$pt_help"; then
    broken pfailed "'$REACH pt --help' failed or printed no 'USAGE: reach pt' (no pt subcommand?): $(head -n 1 <<<"$pt_help")" \
        pt-newport
elif [[ -z $gone ]]; then
    "$PY" tools/crosscheck/raptor.py prepare --data "$DATA" --tmp "$POUT" >&2
    dir="$POUT/pt-newport"
    reach_case "$dir" pt --wards "$NEW_WARDS" --services "$POUT/pt_services.csv" --category-field category \
        --x-field easting --y-field northing --services-crs EPSG:27700 --origins "$POUT/pt_origins.csv" \
        --origins-crs EPSG:27700 --osm "$NEW_PBF" \
        --gtfs "$G/newport-20240305-bus_gtfs.zip" --gtfs "$G/newport-20240305-rail_gtfs.zip" --date 2024-03-05 \
        --window 07:00-10:00 --max-walk 15 --max-transfer-walk 5 --max-trip 120 --minutes 15,30,45,60 \
        --out "$dir/wards.geojson" --origins-out "$dir/origins.csv" --minutes-out "$dir/minutes.csv"
    pcases+=(--case pt-newport "$dir")
else
    skip pskipped "$gone not found (shared data absent)" pt-newport
fi

set +e
"$PY" tools/crosscheck/raptor.py check --data "$DATA" --tmp "$POUT" "${pcases[@]}" "${pskipped[@]}" \
    "${pfailed[@]}" | tee "$OUT/raptor.log"
pt_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (pt)

# One total over all checkers, as the last line (tools/reachtools/report.py).
logs=()
for log in wards distance coverage departures scoring broadband raptor; do
    [[ -f "$OUT/$log.log" ]] && logs+=("$OUT/$log.log")
done
"$PY" -m reachtools.report "${logs[@]}" || true
[[ $wards_status == 0 && $distance_status == 0 && $coverage_status == 0 && $departures_status == 0 &&
    $scoring_status == 0 && $broadband_status == 0 && $pt_status == 0 ]]
