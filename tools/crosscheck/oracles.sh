#!/usr/bin/env bash
# Recomputes the oracle numbers recorded in tools/crosscheck/ORACLES.md with the system's PROJ command-line tools
# (cs2cs, geod, projinfo) and GDAL/SpatiaLite (ogr2ogr, ogrinfo), independently of reach and of geopandas.
# Run from the repo root and compare with ORACLES.md:  tools/crosscheck/oracles.sh
# Env: REACH_DATA=../shared/data
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/../.."
DATA=${REACH_DATA:-../shared/data}
TRAFFORD=fixtures/trafford/wards_2017.geojson
[[ -f "$TRAFFORD" ]] || TRAFFORD="$DATA/trafford/wards_2017.geojson"
MALDON="$DATA/uk-geojson/wards_by_lad/E07000074.json"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

echo "## versions"
cs2cs 2>&1 | head -1
ogrinfo --version
echo "OSTN15 grid: $(ls /usr/share/proj/uk_os_OSTN15_NTv2_OSGBtoETRS.tif 2>/dev/null || echo absent)"

echo "## a. cs2cs -d 6 EPSG:4326 EPSG:27700 (input: lat lon)"
printf '53.39067078 -2.3545599 Altrincham\n51.5072 -0.1275 London\n55.9533 -3.1883 Edinburgh\n52.6309 1.2974 Norwich\n50.0657 -5.7147 Lands_End\n' |
    cs2cs -d 6 EPSG:4326 EPSG:27700
echo "## a. cs2cs -d 6 EPSG:27700 EPSG:4326 (output: lat lon)"
printf '400000 300000\n530000 180000\n' | cs2cs -d 6 EPSG:27700 EPSG:4326
echo "## a. cs2cs -d 9 EPSG:27700 EPSG:4326 (output: lat lon)"
printf '400000 300000\n530000 180000\n' | cs2cs -d 9 EPSG:27700 EPSG:4326
echo "## a. operation chosen (PROJ_DEBUG=3)"
echo '53.39067078 -2.3545599' | PROJ_DEBUG=3 cs2cs -d 6 EPSG:4326 EPSG:27700 2>&1 | grep 'Using coordinate operation'
echo '400000 300000' | PROJ_DEBUG=3 cs2cs -d 6 EPSG:27700 EPSG:4326 2>&1 | grep 'Using coordinate operation'
echo "## a. projinfo -s EPSG:4326 -t EPSG:27700 --summary [--spatial-test intersects]"
projinfo -s EPSG:4326 -t EPSG:27700 --summary 2>&1
projinfo -s EPSG:4326 -t EPSG:27700 --summary --spatial-test intersects 2>&1

echo "## b. geod +ellps=WGS84 -I +units=m -f '%.6f' -F '%.6f' (lat1 lon1 lat2 lon2 -> az12 az21 metres)"
for pair in '51.5072 -0.1275 55.9533 -3.1883' '0 0 0 1' '53.39067078 -2.3545599 52.6309 1.2974'; do
    printf '%s -> ' "$pair"
    echo "$pair" | geod +ellps=WGS84 -I +units=m -f '%.6f' -F '%.6f'
done

echo "## c. Trafford wards 2017, area in EPSG:27700 (km2), feature order"
ogr2ogr -t_srs EPSG:27700 -nln wards "$TMP/t.gpkg" "$TRAFFORD"
ogr2ogr -f CSV /vsistdout/ -dialect SQLite -sql "SELECT area_code, area_name, printf('%.6f', ST_Area(geom)/1e6) AS area_km2, printf('%.12f', ST_Area(geom)/1e6) AS area_km2_12dp, ST_IsValid(geom) AS valid, ST_NPoints(geom) AS npoints FROM wards ORDER BY fid" "$TMP/t.gpkg"
ogr2ogr -f CSV /vsistdout/ -dialect SQLite -sql "SELECT count(*) AS n, printf('%.6f', sum(ST_Area(geom))/1e6) AS total_km2 FROM wards" "$TMP/t.gpkg"

echo "## c. E07000074.json E05004205 (invalid), area in EPSG:27700 (km2), before and after ST_MakeValid"
ogr2ogr -t_srs EPSG:27700 -nln wards "$TMP/m.gpkg" "$MALDON"
ogr2ogr -f CSV /vsistdout/ -dialect SQLite -sql "SELECT WD13CD, WD13NM, printf('%.6f', ST_Area(geom)/1e6) AS area_km2, printf('%.12f', ST_Area(geom)/1e6) AS area_km2_12dp, ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason, ST_GeometryType(geom) AS gtype, ST_NPoints(geom) AS npoints, ST_NumInteriorRing(geom) AS holes FROM wards WHERE WD13CD = 'E05004205'" "$TMP/m.gpkg"
ogr2ogr -f CSV /vsistdout/ -dialect SQLite -sql "SELECT WD13CD, printf('%.6f', ST_Area(ST_MakeValid(geom))/1e6) AS made_valid_km2, printf('%.12f', ST_Area(ST_MakeValid(geom))/1e6) AS made_valid_km2_12dp, ST_GeometryType(ST_MakeValid(geom)) AS gtype, ST_NumGeometries(ST_MakeValid(geom)) AS parts, ST_IsValid(ST_MakeValid(geom)) AS valid, ST_NumInteriorRing(ST_GeometryN(ST_MakeValid(geom), 1)) AS holes, ST_NPoints(ST_MakeValid(geom)) AS npoints FROM wards WHERE WD13CD = 'E05004205'" "$TMP/m.gpkg"
echo "## c. same, repaired by GDAL's GEOS make-valid (ogr2ogr -makevalid)"
ogr2ogr -makevalid -t_srs EPSG:27700 -nln wards "$TMP/mv.gpkg" "$MALDON" 2>/dev/null
ogr2ogr -f CSV /vsistdout/ -dialect SQLite -sql "SELECT WD13CD, printf('%.12f', ST_Area(geom)/1e6) AS area_km2_12dp, ST_GeometryType(geom) AS gtype, ST_IsValid(geom) AS valid, ST_NumInteriorRing(ST_GeometryN(geom, 1)) AS holes, ST_NPoints(geom) AS npoints FROM wards WHERE WD13CD = 'E05004205'" "$TMP/mv.gpkg"

echo "## d. Altrincham (E05000819) exterior ring length in EPSG:27700 (m)"
ogr2ogr -f CSV /vsistdout/ -dialect SQLite -sql "SELECT area_code, printf('%.6f', ST_Length(ST_ExteriorRing(ST_GeometryN(geom, 1)))) AS exterior_m, printf('%.6f', ST_Perimeter(geom)) AS perimeter_m, ST_NumGeometries(geom) AS parts, ST_NumInteriorRing(ST_GeometryN(geom, 1)) AS holes FROM wards WHERE area_code = 'E05000819'" "$TMP/t.gpkg"
