#!/usr/bin/env bash
# Checks that real consumers read what `reach run` wrote into FOLDER (default out/trafford), not just reach's
# own tests: a file can satisfy reach's writer and still be misread by GDAL or a browser.
#   - GDAL (ogrinfo -ro -al -so) opens wards.geojson with its GeoJSON driver and wards.geojsonseq with its
#     GeoJSONSeq driver, exits 0 and prints no GDAL "ERROR n:"/"Warning n:" message; each layer is Polygon or
#     Multi Polygon (or "Unknown (any)", GDAL's word for a mix) and, reading every feature's OGR_GEOMETRY, each
#     feature is a Polygon or MultiPolygon (-so alone would not notice a geometry GDAL could not parse); the
#     SRS is WGS 84 (EPSG:4326 / OGC:CRS84), and the fields are exactly wards.csv's columns (no renaming, none
#     missing, none extra). wards.geojsonseq is also framed as RFC 8142 says: each record RS (0x1E), one
#     Feature, LF (GDAL's reader would accept newline-delimited GeoJSON too, so it cannot tell).
#   - Both feature counts equal the number of data records in wards.csv (read with Python's csv module, so
#     quoted commas and newlines in fields are handled).
#   - schema.json is JSON with study, crs and properties, and names every CSV column exactly once (and nothing
#     else), each with unit (string or null), description and source.
#   - If map.html exists: it loads nothing from the network or from other files (no absolute or
#     protocol-relative URL in src/href/url(), no <script src>, no <link rel=stylesheet>, no @import);
#     headless Chromium, with every host name made unresolvable, renders it to FOLDER/map.png, which
#     tools/png_check.py must find drawn (not blank, several viridis fill colours); and the DOM Chromium
#     dumps has data-reach-map="ready" and data-wards="N" on <html>, N being the CSV row count.
#     Without map.html the map checks are skipped (said so on one line); without chromium they fail.
#   - If report.html exists: it is self-contained as map.html is; Chromium's screenshot of it and the first page of
#     the A4 PDF Chromium prints (rendered by pdftoppm) are drawn, with the map's viridis fills (tools/png_check.py).
# Prints one "check-outputs: ok: ..." or "check-outputs: FAIL: ..." line per check and exits 1 if any failed.
# Needs ogrinfo (gdal-bin), python3, chromium and pdftoppm (poppler-utils): tools/install-deps.sh installs them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

FOLDER=${1:-out/trafford}
FOLDER=${FOLDER%/}
failures=0
ok() { printf 'check-outputs: ok: %s\n' "$*"; }
fail() {
    printf 'check-outputs: FAIL: %s\n' "$*"
    failures=$((failures + 1))
}
indent() { sed 's/^/    /'; }

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [[ ! -d $FOLDER ]]; then
    fail "no folder $FOLDER (run: reach run fixtures/trafford/study.toml)"
    exit 1
fi
CSV=$FOLDER/wards.csv
GEOJSON=$FOLDER/wards.geojson
GEOJSONSEQ=$FOLDER/wards.geojsonseq
SCHEMA=$FOLDER/schema.json
MAP=$FOLDER/map.html

# --- wards.csv: the record count and the header, which the other files are compared against -------------------
csv_rows=""
: >"$TMP/csv-columns"
if [[ -f $CSV ]]; then
    if python3 - "$CSV" "$TMP/csv-columns" >"$TMP/csv-rows" 2>"$TMP/csv-error" <<'EOF'; then
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8") as handle:
    rows = list(csv.reader(handle, strict=True))
if not rows:
    sys.exit("empty file: no header")
header, records = rows[0], rows[1:]
widths = sorted({len(record) for record in records if record} - {len(header)})
if widths:
    sys.exit(f"records with {widths} fields where the header has {len(header)}")
if len(set(header)) != len(header):
    sys.exit("duplicate columns: " + ", ".join(sorted({c for c in header if header.count(c) > 1})))
with open(sys.argv[2], "w", encoding="utf-8") as out:
    out.writelines(column + "\n" for column in header)
print(sum(1 for record in records if record))
EOF
        csv_rows=$(<"$TMP/csv-rows")
        ok "$CSV: $csv_rows data records, $(wc -l <"$TMP/csv-columns") columns (Python csv module)"
    else
        fail "$CSV does not parse as CSV: $(tail -n 1 "$TMP/csv-error")"
    fi
else
    fail "no $CSV"
fi

# --- GDAL: ogrinfo on wards.geojson (GeoJSON driver) and wards.geojsonseq (GeoJSONSeq driver) ---------------
declare -A feature_count=()
check_ogr() { # FILE DRIVER
    local file=$1 driver=$2 out="$TMP/ogrinfo-$2" status=0 messages layer geometry count fields missing extra
    if [[ ! -f $file ]]; then
        fail "no $file"
        return
    fi
    ogrinfo -ro -al -so "$file" >"$out" 2>&1 || status=$?
    messages=$(grep -E '(ERROR|Warning) [0-9]+:' "$out" || true)
    if ((status != 0)) || [[ -n $messages ]]; then
        fail "ogrinfo -ro -al -so $file: exit status $status${messages:+, GDAL messages:}"
        if [[ -n $messages ]]; then printf '%s\n' "$messages" | indent; else head -n 3 "$out" | indent; fi
        return
    fi
    if grep -qF "using driver \`$driver' successful." "$out"; then
        ok "$file: GDAL opens it with its $driver driver (ogrinfo exit 0, no ERROR/Warning)"
    else
        fail "$file: GDAL did not open it with its $driver driver: $(grep -F 'using driver' "$out" || echo 'no driver line')"
    fi

    layer=$(sed -n 's/^Layer name: //p' "$out" | head -n 1)
    geometry=$(sed -n 's/^Geometry: //p' "$out" | head -n 1)
    # -so only summarises (GDAL gives a feature with malformed coordinates a null geometry without a word), so
    # also read every feature's geometry type: each must be a Polygon or MultiPolygon.
    local geoms="$TMP/geometries-$driver" kinds bad
    ogrinfo -ro -q -geom=NO -sql "SELECT OGR_GEOMETRY FROM \"$layer\"" "$file" >"$geoms" 2>&1 || true
    kinds=$(sed -n 's/^ *OGR_GEOMETRY (String) = *//p' "$geoms" | sed 's/^$/none/' | sort | uniq -c |
        awk '{ printf "%s%s %d", (NR > 1 ? ", " : ""), $2, $1 }')
    bad=$(sed -n 's/^ *OGR_GEOMETRY (String) = *//p' "$geoms" | grep -cvxE 'POLYGON|MULTIPOLYGON' || true)
    messages=$(grep -E '(ERROR|Warning) [0-9]+:' "$geoms" || true)
    case $geometry in
    "Polygon" | "Multi Polygon" | "Unknown (any)")
        # GDAL says "Unknown (any)" for a mix of types, which is fine when the mix is Polygon and MultiPolygon.
        if [[ -n $kinds && $bad == 0 && -z $messages ]]; then
            ok "$file: geometry type $geometry; read feature by feature: $kinds"
        else
            fail "$file: geometry type $geometry, but read feature by feature: ${kinds:-no features}; want only POLYGON/MULTIPOLYGON"
            if [[ -n $messages ]]; then printf '%s\n' "$messages" | indent; fi
        fi
        ;;
    *) fail "$file: geometry type '${geometry:-none}', want Polygon or Multi Polygon (or a mix of both)" ;;
    esac

    # The layer SRS: the line after "Layer SRS WKT:" ("(unknown)" or the WKT's first line) and the indented
    # lines that continue the WKT.
    local srs
    srs=$(awk '/^Layer SRS WKT:/ { inside = 1; n = 0; next } inside { if (n++ == 0 || /^ /) print; else exit }' "$out")
    local srs_id=""
    grep -qF 'ID["EPSG",4326]' <<<"$srs" && srs_id="EPSG:4326"
    grep -qF 'ID["OGC","CRS84"]' <<<"$srs" && srs_id="OGC:CRS84"
    if [[ $srs == 'GEOGCRS["WGS 84'* && -n $srs_id ]]; then
        ok "$file: layer SRS is WGS 84 ($srs_id; $(grep -o 'Data axis to CRS axis mapping: .*' "$out" || echo 'no axis mapping line'))"
    else
        fail "$file: layer SRS is not WGS 84 / EPSG:4326 / OGC:CRS84: $(head -n 1 <<<"${srs:-none}")"
    fi

    count=$(sed -n 's/^Feature Count: //p' "$out" | head -n 1)
    feature_count[$driver]=$count

    # Field lines look like "name: Real (0.0)", "name: Integer(Boolean) (0.0)", maybe with NOT NULL etc. after.
    sed -nE 's/^(.+): [A-Za-z0-9]+(\([A-Za-z0-9]+\))? \([0-9]+\.[0-9]+\).*$/\1/p' "$out" >"$TMP/fields-$driver"
    if [[ ! -s $TMP/csv-columns ]]; then
        fail "$file: fields not compared: no CSV header to compare with"
        return
    fi
    missing=$(grep -vxFf "$TMP/fields-$driver" "$TMP/csv-columns" | paste -sd' ' - || true)
    extra=$(grep -vxFf "$TMP/csv-columns" "$TMP/fields-$driver" | paste -sd' ' - || true)
    fields=$(wc -l <"$TMP/fields-$driver")
    if [[ -z $missing && -z $extra ]]; then
        ok "$file: its $fields fields are exactly the $(wc -l <"$TMP/csv-columns") CSV columns"
    else
        fail "$file: fields differ from the CSV columns:${missing:+ missing from the GDAL layer: $missing;}${extra:+ not in the CSV: $extra}"
    fi
}
check_ogr "$GEOJSON" GeoJSON
check_ogr "$GEOJSONSEQ" GeoJSONSeq

# RFC 8142 framing, which GDAL does not insist on (its GeoJSONSeq driver also reads newline-delimited GeoJSON).
if [[ -f $GEOJSONSEQ ]]; then
    if python3 - "$GEOJSONSEQ" >"$TMP/seq" 2>&1 <<'EOF'; then
import json, sys
data = open(sys.argv[1], "rb").read()
if not data.startswith(b"\x1e"):
    sys.exit("does not start with RS (0x1E)")
records = data.split(b"\x1e")[1:]
for number, record in enumerate(records, 1):
    if not record.endswith(b"\n"):
        sys.exit(f"record {number} does not end with LF")
    try:
        feature = json.loads(record.decode("utf-8"))
    except ValueError as error:
        sys.exit(f"record {number} is not JSON: {error}")
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        sys.exit(f"record {number} is not a GeoJSON Feature")
print(len(records))
EOF
        ok "$GEOJSONSEQ: RFC 8142 text sequence of $(<"$TMP/seq") records, each RS + one Feature + LF"
    else
        fail "$GEOJSONSEQ: not an RFC 8142 GeoJSON text sequence: $(tail -n 1 "$TMP/seq")"
    fi
fi

count_geojson=${feature_count[GeoJSON]:-}
count_seq=${feature_count[GeoJSONSeq]:-}
if [[ -n $csv_rows && $count_geojson == "$csv_rows" && $count_seq == "$csv_rows" ]]; then
    ok "feature counts agree: wards.geojson $count_geojson, wards.geojsonseq $count_seq, wards.csv $csv_rows records"
else
    fail "feature counts differ: wards.geojson ${count_geojson:-?}, wards.geojsonseq ${count_seq:-?}, wards.csv ${csv_rows:-?} records"
fi

# --- schema.json -----------------------------------------------------------------------------------------------
if [[ ! -f $SCHEMA ]]; then
    fail "no $SCHEMA"
elif python3 - "$SCHEMA" "$TMP/csv-columns" >"$TMP/schema" 2>&1 <<'EOF'; then
import json, sys
from collections import Counter
try:
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
except ValueError as error:
    sys.exit(f"not JSON: {error}")
problems = []
if not isinstance(schema, dict):
    sys.exit("not a JSON object")
for key in ("study", "crs"):
    if not isinstance(schema.get(key), str):
        problems.append(f'no string "{key}"')
properties = schema.get("properties")
if not isinstance(properties, list):
    sys.exit('no "properties" list')
names = []
for index, entry in enumerate(properties):
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        problems.append(f"properties[{index}] has no string name")
        continue
    name = entry["name"]
    names.append(name)
    if "unit" not in entry or not (entry["unit"] is None or isinstance(entry["unit"], str)):
        problems.append(f"{name}: unit is missing or neither a string nor null")
    for key in ("description", "source"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(f"{name}: {key} is missing or empty")
columns = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8")]
if not columns:
    problems.append("no CSV header to compare with")
counts = Counter(names)
missing = [c for c in columns if counts[c] == 0]
twice = [c for c in counts if counts[c] > 1]
extra = [n for n in counts if n not in set(columns)]
if missing:
    problems.append("CSV columns it does not name: " + " ".join(missing))
if twice:
    problems.append("named more than once: " + " ".join(twice))
if extra:
    problems.append("names that are not CSV columns: " + " ".join(extra))
if problems:
    sys.exit("; ".join(problems))
print(f"{len(names)} properties")
EOF
    ok "$SCHEMA: JSON naming each of the $(wc -l <"$TMP/csv-columns") CSV columns exactly once, each with unit, description, source"
else
    fail "$SCHEMA: $(tail -n 1 "$TMP/schema")"
fi

# --- map.html ----------------------------------------------------------------------------------------------
offline_check() { # FILE: exit 1, listing them, when the page would load anything from the network or another file.
    python3 - "$1" <<'EOF'
import re, sys
html = open(sys.argv[1], encoding="utf-8", errors="replace").read()
patterns = {
    "absolute or protocol-relative URL in an attribute":
        r"""\b(?:src|href|srcset|poster|action|data|xlink:href)\s*=\s*["']?\s*(?:https?:)?//""",
    "absolute or protocol-relative url()": r"""url\(\s*["']?\s*(?:https?:)?//""",
    "<script src=...>": r"<script\b[^>]*\bsrc\s*=",
    "<link rel=stylesheet>": r"""<link\b[^>]*\brel\s*=\s*["']?[^"'>]*stylesheet""",
    "@import": r"@import\b",
}
found = []
for what, pattern in patterns.items():
    for match in re.finditer(pattern, html, re.IGNORECASE):
        line = html.count("\n", 0, match.start()) + 1
        found.append(f"{what} at line {line}: {html[match.start():match.start() + 80].splitlines()[0]}")
if found:
    print("\n".join(found))
    sys.exit(1)
EOF
}

chromium_mode=""
chromium_run() { # STDOUT-FILE ARGS...: headless Chromium with no name resolution (so nothing remote can load);
    # tries --headless, then --headless=new; a fresh profile each time (a profile in use is locked).
    local stdout=$1 headless profile status
    shift
    for headless in --headless --headless=new; do
        profile=$(mktemp -d "$TMP/profile.XXXXXX")
        status=0
        timeout 120 chromium "$headless" --no-sandbox --disable-gpu --disable-dev-shm-usage --no-first-run \
            --user-data-dir="$profile" --host-resolver-rules="MAP * ~NOTFOUND" --hide-scrollbars \
            --window-size=1400,1000 --virtual-time-budget=5000 "$@" >"$stdout" 2>"$TMP/chromium.log" || status=$?
        if ((status == 0)); then
            chromium_mode=$headless
            return 0
        fi
    done
    return "$status"
}

if [[ ! -f $MAP ]]; then
    echo "check-outputs: no map.html in $FOLDER (run reach map or set [outputs] map)"
else
    # (a) Self-contained: nothing fetched from the network or from other files.
    if offline_check "$MAP" >"$TMP/offline" 2>&1; then
        ok "$MAP: self-contained (no remote URL in src/href/url(), no <script src>, no stylesheet <link>, no @import)"
    else
        fail "$MAP: would load other resources:"
        indent <"$TMP/offline"
    fi

    if ! command -v chromium >/dev/null; then
        fail "chromium not found, so $MAP cannot be rendered: install it with tools/install-deps.sh"
    else
        map_url="file://$(realpath "$MAP")"
        png="$(realpath "$FOLDER")/map.png"
        # (b) Drawn: a screenshot that is not blank and shows the viridis fills.
        rm -f "$png"
        rc=0
        chromium_run "$TMP/screenshot.out" --screenshot="$png" "$map_url" || rc=$?
        if ((rc == 0)) && [[ -s $png ]]; then
            if python3 tools/png_check.py "$png" >"$TMP/png" 2>&1; then
                ok "$FOLDER/map.png: Chromium ($chromium_mode) drew the map (tools/png_check.py):"
            else
                fail "$FOLDER/map.png: the rendered map looks blank or lacks the viridis fills (tools/png_check.py):"
            fi
            indent <"$TMP/png"
        else
            fail "headless Chromium did not screenshot $MAP (exit status $rc$( ((rc)) || echo ', but no PNG')); its log ends:"
            { grep -v dbus "$TMP/chromium.log" || true; } | tail -n 5 | indent
        fi
        # (c) Ready: the map's script marked <html> after drawing, with the ward count.
        rc=0
        chromium_run "$TMP/dom.html" --dump-dom "$map_url" || rc=$?
        if ((rc == 0)) && [[ -s $TMP/dom.html ]]; then
            if python3 - "$TMP/dom.html" "${csv_rows:-}" >"$TMP/dom" 2>&1 <<'EOF'; then
import re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
tag = re.search(r"<html\b[^>]*>", dom, re.IGNORECASE)
if not tag:
    sys.exit("no <html> element in the dumped DOM")
attributes = dict((name.lower(), value) for name, value in re.findall(r'([\w:-]+)="([^"]*)"', tag.group(0)))
problems = []
if attributes.get("data-reach-map") != "ready":
    problems.append(f'<html> has data-reach-map={attributes.get("data-reach-map")!r}, want "ready" (the script did not finish drawing)')
wards, rows = attributes.get("data-wards"), sys.argv[2]
if wards is None:
    problems.append("<html> has no data-wards")
elif wards != rows:
    problems.append(f'<html> has data-wards="{wards}" but wards.csv has {rows or "?"} records')
if problems:
    sys.exit("; ".join(problems))
print(f'data-reach-map="ready" data-wards="{wards}"')
EOF
                ok "$MAP: Chromium's DOM has $(tail -n 1 "$TMP/dom") on <html>, matching wards.csv"
            else
                fail "$MAP: $(tail -n 1 "$TMP/dom")"
            fi
        else
            fail "headless Chromium did not dump the DOM of $MAP (exit status $rc); its log ends:"
            { grep -v dbus "$TMP/chromium.log" || true; } | tail -n 5 | indent
        fi
    fi
fi

# --- report.html: self-contained, drawn by Chromium, printed to A4 PDF whose pages pdftoppm renders -----------------
REPORT=$FOLDER/report.html
if [[ ! -f $REPORT ]]; then
    echo "check-outputs: no report.html in $FOLDER (a study with [equity] or [left_behind] writes one)"
else
    if offline_check "$REPORT" >"$TMP/offline" 2>&1; then
        ok "$REPORT: self-contained (no remote URL, no <script src>, no stylesheet <link>, no @import)"
    else
        fail "$REPORT: would load other resources:"
        indent <"$TMP/offline"
    fi
    if ! command -v chromium >/dev/null || ! command -v pdftoppm >/dev/null; then
        fail "chromium or pdftoppm not found, so $REPORT cannot be rendered: install them with tools/install-deps.sh"
    else
        report_url="file://$(realpath "$REPORT")"
        png="$(realpath "$FOLDER")/report.png"
        rm -f "$png"
        rc=0
        chromium_run "$TMP/report-shot.out" --screenshot="$png" "$report_url" || rc=$?
        if ((rc == 0)) && [[ -s $png ]] && python3 tools/png_check.py "$png" >"$TMP/png" 2>&1; then
            ok "$FOLDER/report.png: Chromium ($chromium_mode) drew the report's first screen with the map's viridis fills"
        else
            fail "$REPORT: Chromium's screenshot is missing, blank or lacks the map's fills (exit status $rc)"
            indent <"$TMP/png" 2>/dev/null || true
        fi
        pdf=$TMP/report.pdf
        rc=0
        chromium_run "$TMP/report-pdf.out" --no-pdf-header-footer --print-to-pdf="$pdf" "$report_url" || rc=$?
        if ((rc == 0)) && [[ -s $pdf ]] && pdftoppm -r 60 -png "$pdf" "$TMP/report-page" 2>"$TMP/pdftoppm.log"; then
            pages=$(find "$TMP" -maxdepth 1 -name 'report-page-*.png' | wc -l)
            first=$(find "$TMP" -maxdepth 1 -name 'report-page-*.png' | sort | head -n 1)
            if ((pages >= 1)) && python3 tools/png_check.py "$first" >"$TMP/png" 2>&1; then
                ok "$REPORT: printed to A4 PDF ($pages page(s)); pdftoppm's first page is drawn with the map's fills"
            else
                fail "$REPORT: the PDF's first page, as pdftoppm renders it, is blank or lacks the map's fills:"
                indent <"$TMP/png"
            fi
        else
            fail "$REPORT: Chromium did not print it to PDF, or pdftoppm could not render the PDF (exit status $rc)"
            indent <"$TMP/pdftoppm.log" 2>/dev/null || true
        fi
    fi
fi

# --- wards.gpkg: GDAL's GeoPackage validator, ogrinfo, and every figure against wards.geojson ------------------
GPKG=$FOLDER/wards.gpkg
VALIDATE_GPKG=/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py
if [[ ! -f $GPKG ]]; then
    fail "no $GPKG (the bundled study asks for \"gpkg\" in [outputs] formats)"
elif [[ ! -f $VALIDATE_GPKG ]]; then
    fail "GDAL's validate_gpkg.py is not at $VALIDATE_GPKG (python3-gdal; tools/install-deps.sh installs it)"
else
    if python3 "$VALIDATE_GPKG" "$GPKG" >"$TMP/validate" 2>&1; then
        ok "$GPKG: GDAL's validate_gpkg.py reports no error"
    else
        fail "$GPKG: GDAL's validate_gpkg.py: $(tail -n 3 "$TMP/validate" | tr '\n' ' ')"
    fi
    # Debian's own Python, where python3-gdal puts the osgeo bindings (a python3 earlier on PATH may lack them).
    if /usr/bin/python3 - "$GPKG" "$GEOJSON" >"$TMP/gpkg" 2>&1 <<'EOF'; then
import sys
from osgeo import ogr, osr
ogr.UseExceptions()
package, geojson = ogr.Open(sys.argv[1]), ogr.Open(sys.argv[2])
layer, reference = package.GetLayerByName("wards"), geojson.GetLayer(0)
problems = []
if layer is None:
    sys.exit("no layer 'wards'")
if layer.GetSpatialRef() is None or layer.GetSpatialRef().GetAuthorityCode(None) != "27700":
    problems.append("the wards layer is not in EPSG:27700")
if layer.GetFeatureCount() != reference.GetFeatureCount():
    problems.append(f"{layer.GetFeatureCount()} features, wards.geojson has {reference.GetFeatureCount()}")
definition = layer.GetLayerDefn()
names = [definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]
types = {definition.GetFieldDefn(i).GetName(): definition.GetFieldDefn(i).GetTypeName() for i in range(definition.GetFieldCount())}
if types.get("bus_stop_count") not in ("Integer", "Integer64") or types.get("gp_practices_straight_mean") != "Real" or types.get("area_code") != "String":
    problems.append(f"field types: bus_stop_count {types.get('bus_stop_count')}, gp_practices_straight_mean "
                    f"{types.get('gp_practices_straight_mean')}, area_code {types.get('area_code')}")
source_srs = reference.GetSpatialRef()
source_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
target_srs = layer.GetSpatialRef().Clone()
target_srs.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
to_bng = osr.CoordinateTransformation(source_srs, target_srs)
worst, differing = 0.0, set()
for mine, theirs in zip(layer, reference):
    for name in names:
        a, b = mine.GetField(name), theirs.GetField(name)
        if a != b and not (isinstance(a, (int, float)) and isinstance(b, (int, float)) and abs(a - b) <= 1e-9 * max(1, abs(b))):
            differing.add(name)
    projected = theirs.GetGeometryRef().Clone()
    projected.Transform(to_bng)
    worst = max(worst, abs(mine.GetGeometryRef().GetArea() / projected.GetArea() - 1))
if differing:
    problems.append(f"{len(differing)} fields differ from wards.geojson: {sorted(differing)[:5]}")
if worst > 1e-4:
    problems.append(f"areas differ from wards.geojson's reprojected ones by up to {worst:.2e} (relative)")
origins, stops = package.GetLayerByName("origins"), package.GetLayerByName("stops")
if origins is None or origins.GetFeatureCount() < layer.GetFeatureCount() or origins.GetGeomType() != ogr.wkbPoint:
    problems.append("no origins layer of points, at least one per zone")
if stops is None or stops.GetFeatureCount() == 0:
    problems.append("no stops layer")
gaps = package.GetLayerByName("gaps")
styles = package.GetLayerByName("layer_styles")
if styles is None or styles.GetFeatureCount() < 1:
    problems.append("no default style in layer_styles")
if problems:
    sys.exit("; ".join(problems))
print(f"{layer.GetFeatureCount()} zones, {len(names)} fields equal to wards.geojson's, areas within {worst:.1e} "
      f"(GeoJSON's 6 decimals), gaps {gaps.GetFeatureCount() if gaps else 'absent'}, origins {origins.GetFeatureCount()}, "
      f"stops {stops.GetFeatureCount()}, {styles.GetFeatureCount()} default styles")
EOF
        ok "$GPKG (GDAL): $(tail -n 1 "$TMP/gpkg")"
    else
        fail "$GPKG: $(tail -n 1 "$TMP/gpkg")"
    fi
    # geopandas (the project's Python environment, tools/python-env.sh) reads every layer; the wards' figures and
    # areas equal the GeoJSON's.
    if PY=$(tools/python-env.sh) && "$PY" - "$GPKG" "$GEOJSON" >"$TMP/geopandas" 2>&1 <<'EOF'; then
import sys
import geopandas as gpd
import numpy as np
import pyogrio
layers = [name for name, _ in pyogrio.list_layers(sys.argv[1])]
counts = {name: len(gpd.read_file(sys.argv[1], layer=name)) for name in layers if name != "layer_styles"}
wards = gpd.read_file(sys.argv[1], layer="wards")
reference = gpd.read_file(sys.argv[2]).to_crs(wards.crs)
if wards.crs.to_epsg() != 27700 or len(wards) != len(reference):
    sys.exit(f"wards: CRS {wards.crs}, {len(wards)} rows against {len(reference)}")
differing = []
for column in reference.columns.drop("geometry"):
    a, b = wards[column], reference[column]
    same = (a == b) | (a.isna() & b.isna())
    if a.dtype.kind in "fi" and b.dtype.kind in "fi":
        same |= np.isclose(a.astype(float), b.astype(float), rtol=1e-12, atol=0)
    if not same.all():
        differing.append(column)
worst = float(np.max(np.abs(wards.geometry.area / reference.geometry.area - 1)))
if differing or worst > 1e-4:
    sys.exit(f"columns differing: {differing[:5]}; worst relative area difference {worst:.2e}")
print(f"layers {counts}; the {len(reference.columns) - 1} wards columns equal wards.geojson's, areas within {worst:.1e}")
EOF
        ok "$GPKG (geopandas): $(tail -n 1 "$TMP/geopandas")"
    else
        fail "$GPKG (geopandas): $(tail -n 1 "$TMP/geopandas")"
    fi
fi

if ((failures > 0)); then
    echo "check-outputs: $failures check(s) failed"
    exit 1
fi
echo "check-outputs: all checks passed for $FOLDER"
