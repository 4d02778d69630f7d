#!/usr/bin/env bash
# Benchmarks `reach nearest`, `reach network` and `reach distance --modes walk` against the Python tools people
# use for the same jobs (tools/bench/distance_peers.py), end to end as separate processes: median wall time of
# RUNS runs (default 3), peak RSS (/usr/bin/time -v's "Maximum resident set size", the largest over the runs),
# the steps each tool reports on its `timings:` line, and the ratio to reach.
#   straight  200,000 random points x 20,000 random services over England (BNG CSV, fixed seed):
#             reach nearest | scipy cKDTree (workers=1 and -1) | geopandas sjoin_nearest
#   pbf       reading an extract into a road network: reach network (walk, cycle, car graphs) | pyrosm
#             get_network("all") | pyosmium + the rules (tools/crosscheck/roadnet.py, no graphs), on Rutland,
#             Newport and a synthetic ~1M-node network (tools/fixtures/synthetic_network.py, written to BENCH_TMP)
#   network   one category (gp), walk times from every origin: reach distance --modes walk | pandana (pyrosm
#             walking network, contraction hierarchy, nearest_pois) | networkx multi_source_dijkstra (roadnet.py),
#             on Newport (OSM services, 250 m grid origins) and the synthetic network (100,000 origins, 2 km zones)
# Builds reach in release once (skipped when REACH_BIN is set). Run from the repo root:
#   tools/bench/distance.sh [straight|pbf|network ...]      (default: all three, about 10 minutes on 2 cores)
# Env: REACH_BIN=path/to/reach, RUNS=3, SLOW_RUNS=1 (runs of pandana on the synthetic network: its contraction
# hierarchy takes ~2 minutes), REACH_DATA=../shared/data, BENCH_TMP=/tmp/reach-bench-distance, SYNTH_NODES=1000000
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
RUNS=${RUNS:-3}
SLOW_RUNS=${SLOW_RUNS:-1}
TMP=${BENCH_TMP:-/tmp/reach-bench-distance}
SYNTH_NODES=${SYNTH_NODES:-1000000}
SECTIONS=("$@")
[[ ${#SECTIONS[@]} -eq 0 ]] && SECTIONS=(straight pbf network)
for s in "${SECTIONS[@]}"; do
    [[ $s == straight || $s == pbf || $s == network ]] || { echo "bench/distance: unknown section '$s' (straight, pbf, network)" >&2; exit 2; }
done

BENCH_TAG=bench/distance
. tools/bench/lib.sh
bench_require_time
PEERS_ONLY=0 bench_reach distance --modes

PY=$(tools/python-env.sh)
PEERS=tools/bench/distance_peers.py
mkdir -p "$TMP"
SECTIONS_JSON="$TMP/sections.json"
echo '{}' >"$SECTIONS_JSON"

run() { # run NAME CMD...: RUNS timed runs (SLOW_RUNS for the synthetic pandana case), tools/bench/lib.sh
    local name=$1 n=$RUNS
    shift
    [[ $name == *synthetic-pandana* ]] && n=$SLOW_RUNS
    bench_timed "$name" "$n" "$@"
}

section() { # section KEY TITLE BASELINE ROW...   ROW = "name|label|step;step"
    local key=$1 title=$2 base=$3
    shift 3
    "$PY" - "$SECTIONS_JSON" "$key" "$title" "$base" "$@" <<'EOF'
import json, sys
path, key, title, base, rows = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
d = json.load(open(path))
d[key] = {"title": title, "baseline": base,
          "rows": [[r.split("|")[0], r.split("|")[1], [s for s in r.split("|")[2].split(";") if s]] for r in rows]}
json.dump(d, open(path, "w"), indent=1)
EOF
}

agree() { # agree A COL_A B COL_B TOL: a line on how far two outputs agree (printed with the tables)
    "$PY" "$PEERS" agree "$@" >>"$TMP/agreement.txt"
}
rm -f "$TMP/agreement.txt"

# ---------------------------------------------------------------------------------------------------------------
if [[ " ${SECTIONS[*]} " == *" straight "* ]]; then
    S="$TMP/straight"
    "$PY" "$PEERS" make-straight --points 200000 --services 20000 --seed 20240601 --out-dir "$S"
    cat "$S"/*.csv >/dev/null
    run straight-reach "$REACH" nearest --points "$S/points.csv" --services "$S/services.csv" --out "$S/reach.csv"
    run straight-kdtree-1 "$PY" "$PEERS" kdtree --points "$S/points.csv" --services "$S/services.csv" --workers 1 --out "$S/kdtree1.csv"
    run straight-kdtree-all "$PY" "$PEERS" kdtree --points "$S/points.csv" --services "$S/services.csv" --workers -1 --out "$S/kdtree_all.csv"
    run straight-sjoin "$PY" "$PEERS" sjoin --points "$S/points.csv" --services "$S/services.csv" --out "$S/sjoin.csv"
    agree "$S/reach.csv" services_metres "$S/kdtree1.csv" services_metres --tol 0.001
    agree "$S/sjoin.csv" services_metres "$S/kdtree1.csv" services_metres --tol 0.001
    section straight "straight line: 200,000 points x 20,000 services (random over England, BNG CSV), nearest of each" \
        straight-reach \
        "straight-reach|reach nearest|read points;read services;build index;nearest search;write" \
        "straight-kdtree-1|scipy cKDTree workers=1|read;build index;nearest search;write" \
        "straight-kdtree-all|scipy cKDTree workers=-1|read;build index;nearest search;write" \
        "straight-sjoin|geopandas sjoin_nearest|read;build geometries;nearest search;write"
fi

# ---------------------------------------------------------------------------------------------------------------
SYN="$TMP/synthetic.osm.pbf"
make_synthetic() {
    if [[ ! -f "$SYN" || ! -f "$TMP/synthetic_services.csv" || ! -f "$TMP/synthetic_origins.csv" ]]; then
        echo "bench/distance: writing a synthetic network of ~$SYNTH_NODES nodes to $SYN" >&2
        "$PY" tools/fixtures/synthetic_network.py --nodes "$SYNTH_NODES" --out "$SYN" --services 1000 \
            --services-out "$TMP/synthetic_services.csv" --origins 100000 --origins-out "$TMP/synthetic_origins.csv" >&2
    fi
}

if [[ " ${SECTIONS[*]} " == *" pbf "* ]]; then
    make_synthetic
    rows=()
    for place in rutland newport synthetic; do
        case $place in
            rutland) F="$DATA/osm/rutland-2022-07-20.osm.pbf" ;;
            newport) F="$DATA/osm/newport-2023-06-13.osm.pbf" ;;
            synthetic) F="$SYN" ;;
        esac
        if [[ ! -f "$F" ]]; then
            echo "bench/distance: SKIP pbf $place: $F not found (shared data absent)" >&2
            continue
        fi
        cat "$F" >/dev/null
        run "pbf-$place-reach" "$REACH" network --osm "$F"
        run "pbf-$place-pyrosm" "$PY" "$PEERS" pyrosm-read --osm "$F"
        run "pbf-$place-pyosmium" "$PY" "$PEERS" pyosmium-read --osm "$F"
        section "pbf-$place" "PBF to road network: $place ($(du -h "$F" | cut -f1), $F)" "pbf-$place-reach" \
            "pbf-$place-reach|reach network (3 mode graphs)|read pbf;build graphs;components" \
            "pbf-$place-pyrosm|pyrosm get_network(all)|read network" \
            "pbf-$place-pyosmium|pyosmium + rules (roadnet.py)|read network"
    done
fi

# ---------------------------------------------------------------------------------------------------------------
if [[ " ${SECTIONS[*]} " == *" network "* ]]; then
    make_synthetic
    NP="$TMP/network"
    mkdir -p "$NP"
    "$PY" tools/crosscheck/distance.py prepare --data "$DATA" --tmp "$NP" >&2
    "$PY" "$PEERS" zones --origins "$TMP/synthetic_origins.csv" --cell 2000 --out "$NP/synthetic_zones.geojson"
    for place in newport synthetic; do
        if [[ $place == newport ]]; then
            F="$DATA/osm/newport-2023-06-13.osm.pbf"
            W="$DATA/wards_extra/W06000022_newport_wards_dec2023.geojson"
            SV="$NP/newport_services.csv"
            OR="$NP/newport_grid_origins.csv"
            extra=()
            if [[ ! -f "$F" || ! -f "$SV" ]]; then
                echo "bench/distance: SKIP network newport: $F not found (shared data absent)" >&2
                continue
            fi
        else
            F="$SYN"
            W="$NP/synthetic_zones.geojson"
            SV="$TMP/synthetic_services.csv"
            OR="$TMP/synthetic_origins.csv"
            extra=(--code-field code --weight-field population)
        fi
        norig=$(($(wc -l <"$OR") - 1))
        nsvc=$(grep -c ',gp,' "$SV" || true)
        cat "$F" >/dev/null
        run "network-$place-reach" "$REACH" distance --wards "$W" "${extra[@]}" --services "$SV" \
            --category-field category --category gp --origins "$OR" --osm "$F" --modes walk \
            --out "$NP/$place-reach.geojson" --origins-out "$NP/$place-reach-origins.csv"
        run "network-$place-pandana" "$PY" "$PEERS" pandana --osm "$F" --services "$SV" --category gp --origins "$OR" \
            --out "$NP/$place-pandana.csv"
        run "network-$place-networkx" "$PY" "$PEERS" networkx --osm "$F" --services "$SV" --category gp --origins "$OR" \
            --out "$NP/$place-networkx.csv"
        agree "$NP/$place-reach-origins.csv" gp_walk "$NP/$place-networkx.csv" minutes --tol 0.1
        agree "$NP/$place-reach-origins.csv" gp_walk "$NP/$place-pandana.csv" minutes --tol 0.1
        section "network-$place" "walk time to the nearest gp: $place ($nsvc gp, $norig origins, $F)" \
            "network-$place-reach" \
            "network-$place-reach|reach distance --modes walk|read network;snap;network search;aggregate" \
            "network-$place-pandana|pandana (pyrosm walking net)|read network;network build (CH);nearest_pois query" \
            "network-$place-networkx|networkx multi_source_dijkstra|read network;build graph;snap;network search"
    done
fi

# ---------------------------------------------------------------------------------------------------------------
echo
echo "reach = $REACH; $RUNS runs each (pandana on the synthetic network: $SLOW_RUNS); median wall time of the whole"
echo "process (interpreter start, imports, CSV/PBF reading and writing included), peak RSS the largest over the"
echo "runs; 'x reach' = peer / reach (above 1: reach is faster or smaller); steps from each tool's timings: line."
"$PY" "$PEERS" summary "$TMP" straight pbf-rutland pbf-newport pbf-synthetic network-newport network-synthetic
if [[ -f "$TMP/agreement.txt" ]]; then
    echo
    echo "agreement of the outputs:"
    sed 's/^/  /' "$TMP/agreement.txt"
fi
