#!/usr/bin/env bash
# Cross-checks `reach wards` against geopandas (tools/crosscheck/wards.py) on Trafford's 21 wards of 2017 and,
# when ../shared/data is present, all-England wards (326 files, 7,681): count, order, pass-through properties,
# area_km2 in EPSG:27700, validity, written-geometry area, RFC 7946 winding and precision, reach_warning.
# Then `reach distance` and `reach nearest` against geopandas and networkx (tools/crosscheck/distance.py), `reach
# coverage` and `reach gaps` against geopandas (tools/crosscheck/coverage.py), `reach departures` against gtfs-kit
# (tools/crosscheck/departures.py), `reach score` against numpy/scipy (tools/crosscheck/scoring.py: a hand example
# and three studies on a synthetic table of the 7,681 wards), `reach broadband` against pandas/geopandas with exact
# fractions (tools/crosscheck/broadband.py: a hand-made case, Trafford with the real Ofcom 2016 files, the made-up
# output-area fixture, a national sample of the 2022 layout), `reach pt` against a time-expanded brute force
# (tools/crosscheck/raptor.py: the fixtures/raptor README queries, Newport bus + rail with 50 seeded origins).
# Builds debug reach if .build/debug/reach is missing (or uses REACH_BIN). Last line: 'N passed, M failed' over all
# seven.
# Run from the repo root:  tools/crosscheck/run.sh
# Env: REACH_BIN=path/to/reach, REACH_DATA=../shared/data, CROSSCHECK_TMP=/tmp/reach-crosscheck,
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
mkdir -p "$OUT"
rm -f "$OUT"/{wards,distance,coverage,departures,scoring,broadband,raptor}.log
wards_status=0
distance_status=0
coverage_status=0
departures_status=0
scoring_status=0
broadband_status=0
pt_status=0

if [[ -z $ONLY ]]; then # the wards and distance checkers (not indented: a long block)
cases=()
skipped=()
run_reach() { # run_reach NAME INPUT: runs reach; a failure is reported and left for wards.py to count
    local name=$1 input=$2 out="$OUT/$1.geojson"
    rm -f "$out"
    echo "crosscheck: $REACH wards --wards $input --out $out" >&2
    local t0=$SECONDS
    if ! "$REACH" wards --wards "$input" --out "$out" 2>"$OUT/$name.stderr"; then
        echo "crosscheck: reach failed on $name; its stderr:" >&2
        cat "$OUT/$name.stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s" >&2
    cases+=(--case "$name" "$input" "$out")
}

if [[ -f fixtures/trafford/wards_2017.geojson ]]; then
    run_reach trafford-2017 fixtures/trafford/wards_2017.geojson
elif [[ -f "$DATA/trafford/wards_2017.geojson" ]]; then
    echo "crosscheck: fixtures/trafford/wards_2017.geojson missing; using $DATA/trafford/wards_2017.geojson" >&2
    run_reach trafford-2017 "$DATA/trafford/wards_2017.geojson"
else
    echo "crosscheck: SKIP trafford-2017: neither fixtures/trafford/wards_2017.geojson nor $DATA/trafford/wards_2017.geojson exists" >&2
    skipped+=(--skipped trafford-2017)
fi

if [[ -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    run_reach england-2013 "$DATA/uk-geojson/wards_by_lad"
else
    echo "crosscheck: SKIP england-2013: $DATA/uk-geojson/wards_by_lad not found (shared data absent)" >&2
    skipped+=(--skipped england-2013)
fi

set +e
"$PY" tools/crosscheck/wards.py "${cases[@]}" "${skipped[@]}" | tee "$OUT/wards.log"
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
run_distance() { # run_distance NAME SUBCOMMAND ARGS...: reach writes into $DOUT/NAME; status and stderr kept
    local name=$1 sub=$2 dir="$DOUT/$1"
    shift 2
    rm -rf "$dir"
    mkdir -p "$dir"
    local outs=(--out "$dir/wards.geojson" --origins-out "$dir/origins.csv")
    [[ $sub == nearest ]] && outs=(--out "$dir/nearest.csv")
    [[ $sub == network ]] && outs=(--out-edges "$dir/edges.geojson")
    echo "crosscheck: $REACH $sub $* ${outs[*]}" >&2
    local t0=$SECONDS
    set +e
    "$REACH" "$sub" "$@" "${outs[@]}" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    if [[ $(cat "$dir/status") != 0 ]]; then
        echo "crosscheck: reach failed on $name (status $(cat "$dir/status")); its stderr:" >&2
        tail -n 20 "$dir/stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s" >&2
    dcases+=(--case "$name" "$dir")
}

rm -f "$DOUT"/rules*
"$PY" tools/crosscheck/distance.py prepare --data "$DATA" --tmp "$DOUT" >&2
if [[ -f "$DOUT/rules.osm.pbf" ]]; then # hand-made, one probe per rule of docs/road-network.md
    run_distance distance-rules distance --wards "$DOUT/rules_zones.geojson" --code-field code \
        --services "$DOUT/rules_services.csv" --category-field category --origins "$DOUT/rules_origins.csv" \
        --osm "$DOUT/rules.osm.pbf" --modes walk,cycle,car --minutes 15,30 --min-island-nodes 0
else
    echo "crosscheck: SKIP distance-rules: tools/fixtures/osm_pbf.py (the PBF writer) not found" >&2
    dskipped+=(--skipped distance-rules)
fi
T="$DATA/trafford"
if [[ -f fixtures/trafford/wards_2017.geojson && -f "$T/gp_practices.geojson" ]]; then
    run_distance distance-trafford distance --wards fixtures/trafford/wards_2017.geojson \
        --services "$T/gp_practices.geojson" --services "$T/schools.geojson" --services "$T/town_centres.geojson" \
        --services "$T/jobcentre_plus.geojson" --services "$T/pharmacies.geojson" \
        --origins fixtures/trafford/output_areas_2021.geojson --weight-field population --metres 800,2000
    run_distance distance-trafford-school-phase distance --wards fixtures/trafford/wards_2017.geojson \
        --services "$T/schools.geojson" --category-field phase_derived \
        --origins fixtures/trafford/output_areas_2021.geojson --weight-field population --metres 800,2000
    run_distance distance-trafford-wardpos distance --wards fixtures/trafford/wards_2017.geojson \
        --services "$T/gp_practices.geojson" --services "$T/pharmacies.geojson"
    run_distance nearest-trafford nearest --points "$DOUT/trafford_oa_points.csv" \
        --services "$T/gp_practices.geojson" --services "$T/schools.geojson" --services "$T/town_centres.geojson" \
        --services "$T/jobcentre_plus.geojson" --services "$T/pharmacies.geojson"
    run_distance nearest-trafford-lonlat nearest --points "$DOUT/trafford_oa_points_lonlat.csv" \
        --services "$DOUT/gp_lonlat.csv"
else
    echo "crosscheck: SKIP distance-trafford(-school-phase, -wardpos), nearest-trafford(-lonlat):" \
        "$T/gp_practices.geojson not found (shared data absent)" >&2
    dskipped+=(--skipped distance-trafford --skipped distance-trafford-school-phase --skipped nearest-trafford
        --skipped nearest-trafford-lonlat --skipped distance-trafford-wardpos)
fi
RUT_WARDS="$DATA/wards_extra/E06000017_rutland_wards_dec2023.geojson"
RUT_PBF="$DATA/osm/rutland-2022-07-20.osm.pbf"
RUT_OA="$DATA/uk-geojson/oa_by_lad/E06000017.json.gz"
if [[ -f "$RUT_PBF" && -f "$RUT_WARDS" && -f "$RUT_OA" ]]; then
    run_distance distance-rutland distance --wards "$RUT_WARDS" \
        --services "$DOUT/rutland_services.csv" --category-field category \
        --origins "$RUT_OA" --osm "$RUT_PBF" --minutes 15,30 --metres 800,2000
else
    echo "crosscheck: SKIP distance-rutland: $RUT_PBF, $RUT_WARDS or $RUT_OA not found (shared data absent)" >&2
    dskipped+=(--skipped distance-rutland)
fi
NEW_WARDS="$DATA/wards_extra/W06000022_newport_wards_dec2023.geojson"
NEW_PBF="$DATA/osm/newport-2023-06-13.osm.pbf"
for place in rutland newport; do # every segment of `reach network --out-edges` against the oracle's reading
    pbf=$RUT_PBF
    [[ $place == newport ]] && pbf=$NEW_PBF
    if [[ -f "$pbf" ]]; then
        run_distance "network-$place" network --osm "$pbf"
    else
        echo "crosscheck: SKIP network-$place: $pbf not found (shared data absent)" >&2
        dskipped+=(--skipped "network-$place")
    fi
done
if [[ -f "$NEW_PBF" && -f "$NEW_WARDS" ]]; then
    run_distance distance-newport distance --wards "$NEW_WARDS" \
        --services "$DOUT/newport_services.csv" --category-field category \
        --origins "$DOUT/newport_grid_origins.csv" --osm "$NEW_PBF" --minutes 15,30 --metres 800,2000
else
    echo "crosscheck: SKIP distance-newport: $NEW_PBF or $NEW_WARDS not found (shared data absent)" >&2
    dskipped+=(--skipped distance-newport)
fi

set +e
"$PY" tools/crosscheck/distance.py check --data "$DATA" --tmp "$DOUT" "${dcases[@]}" "${dskipped[@]}" |
    tee "$OUT/distance.log"
distance_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (wards, distance)

if [[ -z $ONLY || $ONLY == transit ]]; then # the transit checkers (not indented: a long block)
# `reach coverage` and `reach gaps` against geopandas (tools/crosscheck/coverage.py): Trafford wards 2017 with bus,
# rail and Metrolink stops and 738 output areas by population; Cheshire West and Chester 2023 wards with NaPTAN
# 061Stops.csv (no origins: ward point on surface); Newport 2023 wards with the Newport bus GTFS (departures per
# hour per ward); gaps in Trafford's bus coverage. Then `reach departures` against gtfs-kit
# (tools/crosscheck/departures.py): Chester, Newport bus and Newport rail feeds, 07:00-10:00 and the whole day
# (00:00-48:00, also against gtfs-kit's compute_stop_stats), and a hand-made feed with one probe per rule.
TOUT="$OUT/transit"
T="$DATA/trafford"
NEW_WARDS="$DATA/wards_extra/W06000022_newport_wards_dec2023.geojson"
mkdir -p "$TOUT"
ccases=()
cskipped=()
tcases=()
tskipped=()
run_transit() { # run_transit LIST NAME OUTFILE SUBCOMMAND ARGS...: reach writes $TOUT/NAME/OUTFILE; status, stderr kept
    local list=$1 name=$2 outfile=$3 sub=$4 dir="$TOUT/$2"
    shift 4
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "crosscheck: $REACH $sub $* --out $dir/$outfile" >&2
    local t0=$SECONDS
    set +e
    "$REACH" "$sub" "$@" --out "$dir/$outfile" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    if [[ $(cat "$dir/status") != 0 ]]; then
        echo "crosscheck: reach failed on $name (status $(cat "$dir/status")); its stderr:" >&2
        tail -n 20 "$dir/stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s" >&2
    if [[ $list == coverage ]]; then ccases+=(--case "$name" "$dir"); else tcases+=(--case "$name" "$dir"); fi
}
TW=fixtures/trafford/wards_2017.geojson
[[ -f $TW ]] || TW="$T/wards_2017.geojson"
TOA=fixtures/trafford/output_areas_2021.geojson
[[ -f $TOA ]] || TOA="$T/output_areas_2021.geojson"
if [[ -f "$T/bus_stops.geojson" && -f "$T/rail_stations.geojson" && -f "$T/metrolink_stops.geojson" && -f $TW && -f $TOA ]]; then
    run_transit coverage coverage-trafford out.geojson coverage --wards "$TW" --origins "$TOA" --weight-field population \
        --bus-stops "$T/bus_stops.geojson" --rail-stations "$T/rail_stations.geojson" \
        --metro-stops "$T/metrolink_stops.geojson"
    run_transit coverage coverage-trafford-r300 out.geojson coverage --wards "$TW" --origins "$TOA" \
        --weight-field population --bus-stops "$T/bus_stops.geojson" --rail-stations "$T/rail_stations.geojson" \
        --metro-stops "$T/metrolink_stops.geojson" --bus-radius 300 --station-bands 500,1500
    run_transit coverage gaps-trafford out.geojson gaps --wards "$TW" --bus-stops "$T/bus_stops.geojson" \
        --origins "$TOA" --weight-field population --radius 400
else
    echo "crosscheck: SKIP coverage-trafford(-r300), gaps-trafford: $T/bus_stops.geojson (and rail, Metrolink stops)" \
        "not found (shared data absent)" >&2
    cskipped+=(--skipped coverage-trafford --skipped coverage-trafford-r300 --skipped gaps-trafford)
fi
CW_WARDS="$DATA/wards_extra/E06000050_cheshire_west_chester_wards_dec2023.geojson"
if [[ -f "$CW_WARDS" && -f "$DATA/naptan/061Stops.csv" ]]; then
    run_transit coverage coverage-cwac-naptan out.geojson coverage --wards "$CW_WARDS" --code-field WD23CD \
        --naptan "$DATA/naptan/061Stops.csv"
    run_transit coverage coverage-cwac-naptan-oa out.geojson coverage --wards "$CW_WARDS" --code-field WD23CD \
        --naptan "$DATA/naptan/061Stops.csv" --origins "$DATA/uk-geojson/oa_by_lad/E06000050.json.gz"
    run_transit coverage gaps-cwac-naptan out.geojson gaps --wards "$CW_WARDS" --code-field WD23CD \
        --naptan "$DATA/naptan/061Stops.csv"
else
    echo "crosscheck: SKIP coverage-cwac-naptan(-oa), gaps-cwac-naptan: $CW_WARDS or $DATA/naptan/061Stops.csv" \
        "not found (shared data absent)" >&2
    cskipped+=(--skipped coverage-cwac-naptan --skipped coverage-cwac-naptan-oa --skipped gaps-cwac-naptan)
fi
G="$DATA/gtfs"
if [[ -f "$NEW_WARDS" && -f "$G/newport-20240305-bus_gtfs.zip" ]]; then
    run_transit coverage coverage-newport-gtfs out.geojson coverage --wards "$NEW_WARDS" --code-field WD23CD \
        --gtfs "$G/newport-20240305-bus_gtfs.zip" --date 2024-03-05 --window 07:00-10:00
    "$PY" tools/crosscheck/coverage.py prepare --data "$DATA" --tmp "$TOUT" >&2
    run_transit coverage coverage-newport-gtfs-bus-rail out.geojson coverage --wards "$NEW_WARDS" --code-field WD23CD \
        --gtfs "$G/newport-20240305-bus_gtfs.zip" --gtfs "$G/newport-20240305-rail_gtfs.zip" --date 2024-03-05 \
        --origins "$TOUT/newport_grid_origins.csv"
else
    echo "crosscheck: SKIP coverage-newport-gtfs: $NEW_WARDS or $G/newport-20240305-bus_gtfs.zip not found" \
        "(shared data absent)" >&2
    cskipped+=(--skipped coverage-newport-gtfs --skipped coverage-newport-gtfs-bus-rail)
fi
for spec in chester:chester-20230816-small_gtfs.zip:2023-08-15 newport-bus:newport-20240305-bus_gtfs.zip:2024-03-05 \
    newport-rail:newport-20240305-rail_gtfs.zip:2024-03-05; do
    IFS=: read -r place zip date <<<"$spec"
    if [[ -f "$G/$zip" ]]; then
        run_transit departures "departures-$place" stops.csv departures --gtfs "$G/$zip" --date "$date" --window 07:00-10:00
        run_transit departures "departures-$place-day" stops.csv departures --gtfs "$G/$zip" --date "$date" \
            --window 00:00-48:00
    else
        echo "crosscheck: SKIP departures-$place(-day): $G/$zip not found (shared data absent)" >&2
        tskipped+=(--skipped "departures-$place" --skipped "departures-$place-day")
    fi
done
if [[ -f "$G/chester-20230816-small_gtfs.zip" ]]; then # no --date: the first week's Tuesday
    run_transit departures departures-chester-default-date stops.csv departures --gtfs "$G/chester-20230816-small_gtfs.zip"
else
    tskipped+=(--skipped departures-chester-default-date)
fi
if [[ -f "$G/newport-20240305-bus_gtfs.zip" && -f "$G/newport-20240305-rail_gtfs.zip" ]]; then # two feeds, one run
    run_transit departures departures-newport-bus-rail stops.csv departures --gtfs "$G/newport-20240305-bus_gtfs.zip" \
        --gtfs "$G/newport-20240305-rail_gtfs.zip" --date 2024-03-05
else
    tskipped+=(--skipped departures-newport-bus-rail)
fi
"$PY" tools/crosscheck/departures.py prepare --tmp "$TOUT" >&2
run_transit departures departures-handmade stops.csv departures --gtfs "$TOUT/handmade_gtfs.zip" --date 2024-03-05 \
    --window 07:00-10:00

set +e
"$PY" tools/crosscheck/coverage.py check --data "$DATA" --tmp "$TOUT" "${ccases[@]}" "${cskipped[@]}" |
    tee "$OUT/coverage.log"
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
    rm -rf "$dir"
    mkdir -p "$dir"
    echo "crosscheck: $REACH score --study $study --in $table --code-field WD13CD --out $dir/reach.csv" >&2
    local t0=$SECONDS
    set +e
    "$REACH" score --study "$study" --in "$table" --code-field WD13CD --out "$dir/reach.csv" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    if [[ $(cat "$dir/status") != 0 ]]; then
        echo "crosscheck: reach failed on $name (status $(cat "$dir/status")); its stderr:" >&2
        tail -n 20 "$dir/stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s (reach)" >&2
    t0=$SECONDS
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
    echo "crosscheck: SKIP scoring-rank-exp-reweight, scoring-zscore-linear-impute, scoring-minmax-null:" \
        "$DATA/uk-geojson/wards_by_lad not found (shared data absent; the synthetic table needs the ward codes)" >&2
    sskipped+=(--skipped scoring-rank-exp-reweight --skipped scoring-zscore-linear-impute
        --skipped scoring-minmax-null)
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
# $OUT/broadband/NAME/args: the checker runs its oracle on the same arguments.
BOUT="$OUT/broadband"
mkdir -p "$BOUT"
bcases=()
bskipped=()
run_broadband() { # run_broadband NAME OUTFILE ARGS...: reach writes $BOUT/NAME/OUTFILE and unmatched.csv
    local name=$1 outfile=$2 dir="$BOUT/$1"
    shift 2
    rm -rf "$dir"
    mkdir -p "$dir"
    printf '%s\n' "$@" --unmatched-out "$dir/unmatched.csv" --out "$dir/$outfile" >"$dir/args"
    echo "crosscheck: $REACH broadband $* --unmatched-out $dir/unmatched.csv --out $dir/$outfile" >&2
    local t0=$SECONDS
    set +e
    "$REACH" broadband "$@" --unmatched-out "$dir/unmatched.csv" --out "$dir/$outfile" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    if [[ $(cat "$dir/status") != 0 ]]; then
        echo "crosscheck: reach failed on $name (status $(cat "$dir/status")); its stderr:" >&2
        tail -n 20 "$dir/stderr" >&2
    fi
    echo "crosscheck: $name took $((SECONDS - t0))s" >&2
    bcases+=(--case "$name" "$dir")
}
"$PY" tools/crosscheck/broadband.py prepare --data "$DATA" --tmp "$BOUT" >&2
H="$BOUT/handmade"
run_broadband broadband-handmade out.geojson --wards "$H/zones.geojson" --code-field code --postcodes "$H/onspd.csv" \
    --ofcom "$H/cov.csv" --ofcom "$H/perf.csv"
run_broadband broadband-speeds-only out.csv --wards "$H/zones.geojson" --code-field code --postcodes "$H/onspd.csv" \
    --ofcom "$H/perf.csv"
T="$DATA/trafford"
OF="$DATA/ofcom"
if [[ -f "$T/wards_2023.geojson" && -f "$T/postcodes.csv" && -f "$OF/2016_fixed_pc_r01_M.csv" ]]; then
    # The directory's coordinates are lon/lat: named, as docs/broadband.md lists only lat/long and
    # latitude/longitude for detection.
    run_broadband broadband-trafford-2016 out.geojson --wards "$T/wards_2023.geojson" --code-field area_code \
        --postcodes "$T/postcodes.csv" --x-field lon --y-field lat --postcodes-crs EPSG:4326 \
        --ofcom "$OF/2016_fixed_pc_r01_M.csv" --ofcom "$OF/2016_fixed_pc_r01_WA.csv"
else
    echo "crosscheck: SKIP broadband-trafford-2016: $T/wards_2023.geojson, $T/postcodes.csv or" \
        "$OF/2016_fixed_pc_r01_M.csv not found (shared data absent)" >&2
    bskipped+=(--skipped broadband-trafford-2016)
fi
FB=fixtures/broadband
if [[ -f $FB/trafford_oa21_coverage.csv && -f $FB/trafford_oa21_performance.csv ]]; then
    run_broadband broadband-oa-fixture out.csv --wards fixtures/trafford/wards_2017.geojson --code-field area_code \
        --output-areas fixtures/trafford/output_areas_2021.geojson --ofcom $FB/trafford_oa21_coverage.csv \
        --ofcom $FB/trafford_oa21_performance.csv
else
    echo "crosscheck: SKIP broadband-oa-fixture: $FB/trafford_oa21_coverage.csv or" \
        "$FB/trafford_oa21_performance.csv not found" >&2
    bskipped+=(--skipped broadband-oa-fixture)
fi
N="$BOUT/national"
if [[ -f "$N/onspd.csv" && -d "$DATA/uk-geojson/wards_by_lad" ]]; then
    run_broadband broadband-national out.csv --wards "$DATA/uk-geojson/wards_by_lad" --code-field WD13CD \
        --postcodes "$N/onspd.csv" --ofcom "$N/coverage.csv" --ofcom "$N/performance.csv"
else
    echo "crosscheck: SKIP broadband-national: $DATA/uk-geojson/wards_by_lad not found (shared data absent)" >&2
    bskipped+=(--skipped broadband-national)
fi

set +e
"$PY" tools/crosscheck/broadband.py check --data "$DATA" --tmp "$BOUT" "${bcases[@]}" "${bskipped[@]}" |
    tee "$OUT/broadband.log"
broadband_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (broadband)

if [[ -z $ONLY || $ONLY == pt ]]; then # the public-transport travel-time checker (not indented: a long block)
# `reach pt` against a time-expanded brute force (tools/crosscheck/raptor.py: docs/raptor.md "Correctness"):
# case pt-fixtures is the oracle's own self-test on the 42 hand-worked queries of fixtures/raptor (no reach run);
# case pt-newport runs reach on the Newport bus and rail feeds of 2024-03-05, 07:00-10:00, the Newport extract's walk
# graph, gp/supermarket/pharmacy from its own tags and 50 seeded origins (raptor.py prepare), and compares every
# origin x category x departure minute of minutes.csv, the percentiles of origins.csv and the ward figures.
POUT="$OUT/pt"
mkdir -p "$POUT"
pcases=(--case pt-fixtures -)
pskipped=()
NEW_WARDS="$DATA/wards_extra/W06000022_newport_wards_dec2023.geojson"
NEW_PBF="$DATA/osm/newport-2023-06-13.osm.pbf"
G="$DATA/gtfs"
if ! "$REACH" pt --help 2>&1 | grep "USAGE: reach pt" >/dev/null; then
    echo "crosscheck: SKIP pt-newport: $REACH has no pt subcommand" >&2
    pskipped+=(--skipped pt-newport)
elif [[ -f "$NEW_PBF" && -f "$NEW_WARDS" && -f "$G/newport-20240305-bus_gtfs.zip" &&
    -f "$G/newport-20240305-rail_gtfs.zip" ]]; then
    "$PY" tools/crosscheck/raptor.py prepare --data "$DATA" --tmp "$POUT" >&2
    dir="$POUT/pt-newport"
    rm -rf "$dir"
    mkdir -p "$dir"
    args=(--wards "$NEW_WARDS" --services "$POUT/pt_services.csv" --category-field category
        --x-field easting --y-field northing --services-crs EPSG:27700 --origins "$POUT/pt_origins.csv"
        --origins-crs EPSG:27700 --osm "$NEW_PBF"
        --gtfs "$G/newport-20240305-bus_gtfs.zip" --gtfs "$G/newport-20240305-rail_gtfs.zip" --date 2024-03-05
        --window 07:00-10:00 --max-walk 15 --max-transfer-walk 5 --max-trip 120 --minutes 15,30,45,60
        --out "$dir/wards.geojson" --origins-out "$dir/origins.csv" --minutes-out "$dir/minutes.csv")
    echo "crosscheck: $REACH pt ${args[*]}" >&2
    t0=$SECONDS
    set +e
    "$REACH" pt "${args[@]}" 2>"$dir/stderr"
    echo $? >"$dir/status"
    set -e
    if [[ $(cat "$dir/status") != 0 ]]; then
        echo "crosscheck: reach failed on pt-newport (status $(cat "$dir/status")); its stderr:" >&2
        tail -n 20 "$dir/stderr" >&2
    fi
    echo "crosscheck: pt-newport took $((SECONDS - t0))s" >&2
    pcases+=(--case pt-newport "$dir")
else
    echo "crosscheck: SKIP pt-newport: $NEW_PBF, $NEW_WARDS or the Newport GTFS feeds not found (shared data absent)" >&2
    pskipped+=(--skipped pt-newport)
fi

set +e
"$PY" tools/crosscheck/raptor.py check --data "$DATA" --tmp "$POUT" "${pcases[@]}" "${pskipped[@]}" |
    tee "$OUT/raptor.log"
pt_status=${PIPESTATUS[0]}
set -e
fi # CROSSCHECK_ONLY (pt)

# One total over all checkers, as the last line.
logs=()
for log in wards distance coverage departures scoring broadband raptor; do [[ -f "$OUT/$log.log" ]] && logs+=("$OUT/$log.log"); done
"$PY" - "${logs[@]}" <<'PYEOF'
import re, sys
p = f = s = 0
for path in sys.argv[1:]:
    last = [l for l in open(path) if re.match(r"^\d+ passed, \d+ failed", l)]
    if not last:
        print(f"crosscheck: {path} has no 'N passed, M failed' line", file=sys.stderr)
        f += 1
        continue
    m = re.match(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?", last[-1])
    p, f, s = p + int(m[1]), f + int(m[2]), s + int(m[3] or 0)
print(f"{p} passed, {f} failed" + (f", {s} skipped" if s else "")
      + " (crosscheck total: " + " + ".join(x.rsplit("/", 1)[-1].replace(".log", ".py") for x in sys.argv[1:]) + ")")
PYEOF
[[ $wards_status == 0 && $distance_status == 0 && $coverage_status == 0 && $departures_status == 0 &&
    $scoring_status == 0 && $broadband_status == 0 && $pt_status == 0 ]]
