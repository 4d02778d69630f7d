#!/usr/bin/env bash
# Round-trips `reach export --postgres` through a real PostGIS that this script starts and stops itself: a
# throwaway cluster (Debian's postgresql and postgis packages, tools/install-deps.sh) made with initdb in a temporary
# folder, listening on a Unix socket there only (no TCP), run as the postgres user when this runs as root (initdb
# refuses root). It loads the bundled study's wards (run tools/test.sh or `reach run fixtures/trafford/study.toml`
# first) and checks with PostGIS and psql: 21 rows, every geometry valid in EPSG:27700, every figure equal to
# wards.csv, the zone code as primary key, a GiST index, a comment on every column; a second load without --replace
# is an error naming the table and changes nothing; with --replace it succeeds. Then the study with
# [outputs] postgres set loads its wards and gaps into a schema of their own.
# Usage: tools/check-postgis.sh [out/trafford]   Env: REACH_BIN (default .build/debug/reach)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
FOLDER=${1:-out/trafford}
REACH=${REACH_BIN:-.build/debug/reach}
failures=0
ok() { printf 'check-postgis: ok: %s\n' "$*"; }
fail() { printf 'check-postgis: FAIL: %s\n' "$*"; failures=$((failures + 1)); }

version=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)
if [[ -z $version || ! -x /usr/lib/postgresql/$version/bin/initdb || ! -f /usr/share/postgresql/$version/extension/postgis.control ]]; then
    echo "check-postgis: FAIL: PostgreSQL with PostGIS is not installed (tools/install-deps.sh installs postgresql and postgis)"
    exit 1
fi
BIN=/usr/lib/postgresql/$version/bin
DIR=$(mktemp -d /tmp/reach-pg-XXXXXX)
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
    chown postgres:postgres "$DIR"
    as_pg=(runuser -u postgres --)
fi
stop() {
    "${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
}
trap stop EXIT
"${as_pg[@]}" "$BIN/initdb" -D "$DIR/data" -A trust -U reach -E UTF8 --no-sync >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log"; exit 1; }
"${as_pg[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w -o "-k $DIR -c listen_addresses= -c fsync=off" start >/dev/null
CONN="host=$DIR dbname=postgres user=reach"
psql_q() { psql "$CONN" -X -A -t -q -v ON_ERROR_STOP=1 -c "$1"; }
psql_q "CREATE EXTENSION postgis" >/dev/null
ok "a throwaway PostgreSQL $version with PostGIS $(psql_q 'SELECT postgis_lib_version()') on $DIR (Unix socket only)"

if "$REACH" export --in "$FOLDER/wards.geojson" --postgres "$CONN" --schema public --quiet 2>"$DIR/export.err"; then
    ok "reach export --postgres loaded $FOLDER/wards.geojson"
else
    fail "reach export --postgres: $(tail -n 2 "$DIR/export.err")"
fi
rows=$(psql_q "SELECT count(*) FROM public.wards" 2>&1 || true)
valid=$(psql_q "SELECT count(*) FROM public.wards WHERE ST_IsValid(geom) AND ST_SRID(geom) = 27700 AND GeometryType(geom) = 'MULTIPOLYGON'" 2>&1 || true)
csv_rows=$(($(wc -l <"$FOLDER/wards.csv") - 1))
if [[ $rows == "$csv_rows" && $valid == "$csv_rows" ]]; then
    ok "$rows rows, every geometry valid, MultiPolygon, SRID 27700 (ST_IsValid, ST_SRID)"
else
    fail "rows $rows, valid MultiPolygons in 27700 $valid, wards.csv has $csv_rows"
fi
key=$(psql_q "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = 'public.wards'::regclass AND i.indisprimary" || true)
gist=$(psql_q "SELECT count(*) FROM pg_indexes WHERE tablename = 'wards' AND indexdef LIKE '%USING gist (geom)%'" || true)
comments=$(psql_q "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.wards'::regclass AND attnum > 0 AND col_description(attrelid, attnum) IS NOT NULL" || true)
columns=$(head -n 1 "$FOLDER/wards.csv" | tr ',' '\n' | wc -l)
if [[ $key == area_code && $gist == 1 && $comments -ge $((columns - 1)) ]]; then
    ok "primary key area_code, a GiST index on geom, $comments of $columns columns commented from the schema"
else
    fail "primary key '$key', GiST indexes $gist, commented columns $comments of $columns"
fi
# Every figure against wards.csv: the table as CSV (psql's \copy), compared value by value.
psql "$CONN" -X -q -v ON_ERROR_STOP=1 -c "\\copy (SELECT * FROM public.wards ORDER BY fid) TO '$DIR/db.csv' WITH CSV HEADER NULL ''" ||
    fail "psql \\copy of public.wards"
if python3 - "$FOLDER/wards.csv" "$DIR/db.csv" >"$DIR/compare" 2>&1 <<'EOF'; then
import csv, sys
reach = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
db = list(csv.DictReader(open(sys.argv[2], newline="", encoding="utf-8")))
if len(reach) != len(db):
    sys.exit(f"{len(db)} rows in the database, {len(reach)} in wards.csv")
bad = []
for a, b in zip(reach, db):
    for column, value in a.items():
        other = b.get(column)
        if other is None:
            bad.append(f"no column {column}")
            continue
        if value == other or (value, other) in (("true", "t"), ("false", "f")):
            continue
        try:
            if abs(float(value) - float(other)) <= 1e-9 * max(1, abs(float(value))):
                continue
        except ValueError:
            pass
        bad.append(f"{a['area_code']} {column}: csv {value!r}, database {other!r}")
if bad:
    sys.exit(f"{len(bad)} values differ, e.g. " + "; ".join(bad[:3]))
print(f"{len(reach)} rows x {len(reach[0])} columns equal to wards.csv")
EOF
    ok "$(tail -n 1 "$DIR/compare")"
else
    fail "$(tail -n 1 "$DIR/compare")"
fi
# The table exists now: without --replace, an error naming it, and the table is left as it was.
psql_q "UPDATE public.wards SET area_name = 'kept' WHERE fid = 1" >/dev/null
if "$REACH" export --in "$FOLDER/wards.geojson" --postgres "$CONN" --quiet 2>"$DIR/again.err"; then
    fail "a second load without --replace succeeded"
elif grep -q "public.wards exist already: give --replace" "$DIR/again.err" && [[ $(psql_q "SELECT area_name FROM public.wards WHERE fid = 1") == kept ]]; then
    ok "a second load without --replace: '$(tail -n 1 "$DIR/again.err" | cut -c1-120)', the table unchanged"
else
    fail "a second load without --replace: $(tail -n 1 "$DIR/again.err")"
fi
if "$REACH" export --in "$FOLDER/wards.geojson" --postgres "$CONN" --replace --quiet 2>"$DIR/replace.err" &&
    [[ $(psql_q "SELECT area_name FROM public.wards WHERE fid = 1") != kept ]]; then
    ok "with --replace the table is loaded again"
else
    fail "with --replace: $(tail -n 1 "$DIR/replace.err")"
fi

# The study's own [outputs] postgres: reach run loads the wards and the gaps into schema "study" after the files.
STUDY=fixtures/trafford/.check-postgis-study.toml
trap 'rm -f "$STUDY"; stop' EXIT
sed -e "s|^output = .*|output = \"$DIR/out\"|" \
    -e "/^formats = /a postgres = \"$CONN\"\npostgres_schema = \"study\"\npostgres_replace = true" fixtures/trafford/study.toml >"$STUDY"
psql_q "CREATE SCHEMA study" >/dev/null
if "$REACH" run "$STUDY" --quiet 2>"$DIR/run.err"; then
    wards=$(psql_q "SELECT count(*) FROM study.wards")
    gaps=$(psql_q "SELECT count(*) FROM study.gaps WHERE ST_IsValid(geom)")
    gap_features=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['features']))" "$DIR/out/gaps.geojson")
    origins=$(psql_q "SELECT count(*) FROM study.origins WHERE GeometryType(geom) = 'POINT'")
    stops=$(psql_q "SELECT count(*) FROM study.stops")
    if [[ $wards == 21 && $gaps == "$gap_features" && $origins -ge 21 && $stops -gt 0 ]]; then
        ok "reach run with [outputs] postgres: study.wards $wards rows, study.gaps $gaps valid rows (gaps.geojson has $gap_features), study.origins $origins points, study.stops $stops"
    else
        fail "reach run with [outputs] postgres: study.wards $wards, study.gaps $gaps valid, gaps.geojson $gap_features"
    fi
else
    fail "reach run with [outputs] postgres: $(tail -n 2 "$DIR/run.err")"
fi

# ST_Area of the study's load (full precision, from the working CRS; reach export's comes from GeoJSON's rounded
# WGS84) against area_km2 from reach wards on the same boundaries (6 decimals: half a unit, 5e-7 km²).
"$REACH" wards --wards fixtures/trafford/wards_2017.geojson --out "$DIR/areas.geojson" --quiet
python3 -c "import json,sys; [print(f['properties']['area_code'], f['properties']['area_km2'], sep=',') for f in json.load(open(sys.argv[1]))['features']]" \
    "$DIR/areas.geojson" >"$DIR/areas.csv"
chmod a+r "$DIR/areas.csv"
worst=$(psql "$CONN" -X -A -t -q -v ON_ERROR_STOP=1 <<SQL || true
CREATE TEMP TABLE areas (code text, km2 double precision);
\copy areas FROM '$DIR/areas.csv' WITH CSV
SELECT count(*) || ' ' || max(abs(ST_Area(w.geom) / 1e6 - a.km2)) FROM study.wards w JOIN areas a ON a.code = w.area_code;
SQL
)
read -r matched largest <<<"$worst"
if [[ $matched == 21 ]] && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 5e-7 + 1e-12 else 1)" "$largest"; then
    ok "ST_Area of every ward equals reach wards' area_km2 (largest difference $largest km², the 6-decimal rounding)"
else
    fail "ST_Area against area_km2: $matched wards matched, largest difference ${largest:-?} km²"
fi

if ((failures > 0)); then
    echo "check-postgis: $failures check(s) failed"
    exit 1
fi
echo "check-postgis: all checks passed"
