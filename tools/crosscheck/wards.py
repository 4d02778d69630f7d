"""Cross-checks `reach wards` output against geopandas computing the same thing independently.

For each case (an input file or directory, and the folder reach wrote into: out.geojson, status, stderr, as
tools/reachtools/runner.py leaves it) geopandas reads the input (reachtools.inputs.read_zones with the pyogrio
engine: files in sorted name order, reprojected to EPSG:27700, invalid polygons repaired with make-valid) and
takes area / 1e6; the checks below compare that, and the input's own properties, with reach's output, after
checking that reach exited 0. Each check of each case is one test; the last line is 'N passed, M failed'
(', K skipped' when cases were skipped; under CI=true a skipped case is a failure) and the exit code is 1 when any
failed.

usage: wards.py --case NAME INPUT REACH_DIR [--case ...] [--skipped 'NAME: reason' ...]
"""

import argparse
import json
import math
import os
import sys
import time

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import shape

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.checking import Case, add_case_arguments, summarise  # noqa: E402
from reachtools.inputs import WORKING_CRS, load_json, read_zones, zone_files  # noqa: E402
from reachtools.runner import check_status  # noqa: E402

# area_km2 is rounded to 6 dp by reach; geopandas' area is not rounded here, so rounding alone can differ by
# 5e-7 km². PROJ 9.1 (reach) and 9.5 (pyproj wheel) use the same Helmert OSGB36 transformation when the OSTN15
# grid is absent (it is on neither), so 1e-6 km² is the whole budget for polygons that were valid on input.
AREA_TOL_KM2 = 1e-6
# A polygon that was invalid on input is repaired by two GEOS versions (reach: the system's, shapely: its
# wheel's); both use the 'linework' method, but allow a 0.01% relative difference for how they rebuild rings.
REPAIRED_REL_TOL = 1e-4
# The written file is WGS84 with 6 dp: its area, reprojected back, must agree within 0.01%, or, for small wards
# with few vertices, within what 6-dp rounding alone can change. Rounding moves a vertex at most 0.5e-6 deg in
# each axis: 0.056 m north-south and under 0.04 m east-west in England, so under 0.07 m; moving every vertex of
# a ring by at most d changes its area by at most perimeter * d (+ O(d²)). Seen: a 17-vertex ward of 0.33 km²
# changes by 41 m² (0.012%) when rounded to 6 dp, by geopandas' own writer too.
ROUNDTRIP_REL_TOL = 1e-4
ROUNDING_SHIFT_M = 0.07


def feature_label(props, i):
    for key in ("WD13CD", "WD23CD", "area_code", "code", "id"):
        if key in props and props[key] is not None:
            return f"#{i} {props[key]}"
    return f"#{i}"


def same_json_value(a, b):
    """JSON equality: 1 and 1.0 are the same number, but true is not 1 and "1" is not 1."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def rings_ccw_ok(geom):
    """RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise."""
    polys = geom.geoms if geom.geom_type == "MultiPolygon" else [geom]
    for p in polys:
        if not p.exterior.is_ccw:
            return False
        if any(r.is_ccw for r in p.interiors):
            return False
    return True


def coords_6dp_ok(coords):
    flat = np.asarray(coords, dtype=float).ravel()
    return bool(np.all(np.round(flat, 6) == flat))


def run_case(name, input_path, reach_dir):
    case = Case(name)
    t0 = time.perf_counter()
    check_status(case, reach_dir)
    reach_out = os.path.join(reach_dir, "out.geojson")
    files = zone_files(input_path)
    if not files:
        case.check("input present", [f"no *.json/*.geojson in {input_path}"])
        return case

    # Properties straight from the JSON text, so pass-through is judged without any reader's type conversion.
    in_props = []
    for f in files:
        in_props += [feat.get("properties") or {} for feat in load_json(f)["features"]]

    zones = read_zones(input_path, engine="pyogrio", repair="make_valid")
    invalid_in = zones.repaired
    oracle_km2 = shapely.area(zones.geoms) / 1e6

    if not os.path.exists(reach_out):
        case.check("reach wrote its output", [f"{reach_out} does not exist (did reach fail?)"])
        return case
    try:
        with open(reach_out) as fh:
            out = json.load(fh)
    except ValueError as e:
        case.check("output is JSON", [f"{reach_out}: {e}"])
        return case

    # 1. An RFC 7946 FeatureCollection: no legacy crs member.
    bad = []
    if out.get("type") != "FeatureCollection" or not isinstance(out.get("features"), list):
        bad.append(f"top level type={out.get('type')!r}, features is {type(out.get('features')).__name__}")
    if "crs" in out:
        bad.append("has a 'crs' member (RFC 7946 removed it)")
    case.check("RFC 7946 FeatureCollection", bad)
    if not isinstance(out.get("features"), list):
        return case
    feats = out["features"]

    # 2. Count.
    n_in, n_out = len(in_props), len(feats)
    case.check("feature count", [] if n_in == n_out else [f"input {n_in}, output {n_out}"], f"{n_out}")
    n = min(n_in, n_out)

    # 3. Order and pass-through: every input property, same value, plus exactly area_km2 and reach_warning.
    bad = []
    out_props = [f.get("properties") or {} for f in feats]
    for i in range(n):
        p, q = in_props[i], out_props[i]
        extra = set(q) - set(p) - {"area_km2", "reach_warning"}
        missing = set(p) - set(q)
        changed = [k for k in p if k in q and not same_json_value(p[k], q[k])]
        added_missing = [k for k in ("area_km2", "reach_warning") if k not in q]
        if extra or missing or changed or added_missing:
            bad.append(
                f"{feature_label(p, i)}: missing {sorted(missing)} extra {sorted(extra)} "
                f"changed {[(k, p[k], q.get(k)) for k in changed][:3]} lacks {added_missing}"
            )
    case.check("order and properties passed through", bad)

    # 4. area_km2 against geopandas.
    bad, worst = [], 0.0
    for i in range(n):
        a = out_props[i].get("area_km2")
        if not isinstance(a, (int, float)) or isinstance(a, bool) or not math.isfinite(a):
            bad.append(f"{feature_label(in_props[i], i)}: area_km2={a!r}")
            continue
        if round(a, 6) != a:
            bad.append(f"{feature_label(in_props[i], i)}: area_km2={a!r} has more than 6 decimals")
        diff = abs(a - oracle_km2[i])
        tol = AREA_TOL_KM2 + (REPAIRED_REL_TOL * oracle_km2[i] if invalid_in[i] else 0.0)
        worst = max(worst, diff)
        if diff > tol:
            bad.append(
                f"{feature_label(in_props[i], i)}: reach {a:.6f}, geopandas {oracle_km2[i]:.7f} km², "
                f"diff {diff:.2e} > {tol:.1e}{' (repaired)' if invalid_in[i] else ''}"
            )
    case.check("area_km2 = geopandas area in EPSG:27700", bad, f"max |diff| {worst:.2e} km²")

    # Geometries from the written file, parsed by shapely from the JSON itself.
    geoms, bad = [], []
    for i, f in enumerate(feats):
        try:
            geoms.append(shape(f["geometry"]))
        except Exception as e:  # noqa: BLE001 - any parse failure is a finding
            geoms.append(None)
            bad.append(f"#{i}: geometry unreadable: {e}")
    case.check("geometries parse", bad)
    ok_idx = [i for i in range(n) if geoms[i] is not None]
    garr = np.array([geoms[i] for i in ok_idx], dtype=object)

    # 5. Polygonal and valid.
    bad = [
        f"{feature_label(in_props[i], i)}: {geoms[i].geom_type}"
        for i in ok_idx
        if geoms[i].geom_type not in ("Polygon", "MultiPolygon")
    ]
    case.check("output geometries are Polygon/MultiPolygon", bad)
    valid = shapely.is_valid(garr)
    reasons = shapely.is_valid_reason(garr[~valid]) if (~valid).any() else []
    bad = [f"{feature_label(in_props[i], i)}: {r}" for i, r in zip(np.array(ok_idx)[~valid], reasons)]
    case.check("output geometries valid (shapely.is_valid, as written)", bad)

    # 6. The written geometry's own area, back in EPSG:27700, against reach's area_km2.
    back = gpd.GeoSeries(garr, crs="EPSG:4326").to_crs(WORKING_CRS)
    back_km2 = back.area.to_numpy() / 1e6
    perim_m = back.boundary.length.to_numpy()
    bad, worst, by_rounding = [], 0.0, 0
    for j, i in enumerate(ok_idx):
        a = out_props[i].get("area_km2")
        if not isinstance(a, (int, float)) or a <= 0:
            bad.append(f"{feature_label(in_props[i], i)}: area_km2={a!r}")
            continue
        diff = abs(back_km2[j] - a)
        rel = diff / a
        worst = max(worst, rel)
        if rel > ROUNDTRIP_REL_TOL:
            bound = perim_m[j] * ROUNDING_SHIFT_M / 1e6 + AREA_TOL_KM2
            if diff <= bound:
                by_rounding += 1
            else:
                bad.append(
                    f"{feature_label(in_props[i], i)}: written {back_km2[j]:.6f} vs area_km2 {a:.6f} km² "
                    f"({rel:.2e}; 6-dp rounding bound {bound:.2e} km²)"
                )
    case.check(
        "written geometry area within 0.01% of area_km2 (or the 6-dp rounding bound)",
        bad,
        f"max rel diff {worst:.2e}; {by_rounding} over 0.01% but within perimeter x {ROUNDING_SHIFT_M} m",
    )

    # 7. RFC 7946 winding and 6-decimal coordinates.
    bad = [f"{feature_label(in_props[i], i)}: ring orientation" for i in ok_idx if not rings_ccw_ok(geoms[i])]
    case.check("RFC 7946 winding (exterior CCW, holes CW)", bad)
    bad = [
        f"{feature_label(in_props[i], i)}: coordinates with more than 6 decimals"
        for i in ok_idx
        if not coords_6dp_ok(shapely.get_coordinates(geoms[i]))
    ]
    case.check("coordinates rounded to 6 decimals", bad)

    # 8. reach_warning: null or a string; a polygon invalid in EPSG:27700 before repair must carry one.
    bad = []
    for i in range(n):
        w = out_props[i].get("reach_warning", "<absent>")
        if w is not None and not isinstance(w, str):
            bad.append(f"{feature_label(in_props[i], i)}: reach_warning={w!r}")
        elif invalid_in[i] and not w:
            bad.append(f"{feature_label(in_props[i], i)}: invalid on input but reach_warning is null")
    n_warn_valid = sum(1 for i in range(n) if out_props[i].get("reach_warning") and not invalid_in[i])
    case.check(
        "reach_warning set on every repaired polygon",
        bad,
        f"{int(invalid_in[:n].sum())} invalid on input; {n_warn_valid} warnings on valid inputs",
    )
    print(f"     {name}: {len(files)} file(s), {n_out} features, checked in {time.perf_counter() - t0:.1f}s")
    return case


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_case_arguments(ap, ("NAME", "INPUT", "REACH_DIR"))
    args = ap.parse_args()
    return summarise([run_case(name, inp, out) for name, inp, out in args.case], args.skipped, args.failed)


if __name__ == "__main__":
    sys.exit(main())
