"""Peer for `reach wards`: the same work end to end with geopandas, for tools/bench/wards.sh to time.

Reads every *.json/*.geojson of a directory (or one file) in sorted name order with the pyogrio engine,
concatenates them (tools/reachtools/inputs.py read_zones(engine="pyogrio", crs=None, repair=None): the read
alone, as the peer's own), reprojects to EPSG:27700, repairs invalid polygons with GEOS make-valid, adds `area_km2`
(km², 6 dp) and `reach_warning`, reprojects to WGS84 and writes RFC 7946 GeoJSON with 6-decimal coordinates.
Checks its own output feature count (7,681 for all-England wards, or --expect N) and exits 1 if it is wrong.

usage: wards_geopandas.py INPUT OUT.geojson [--expect N]
"""

import argparse
import os
import sys
import time

import pandas as pd
import pyogrio
import shapely

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.inputs import read_zones  # noqa: E402

WORKING_CRS = "EPSG:27700"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input", help="GeoJSON file or directory of *.json/*.geojson")
    ap.add_argument("out", help="output GeoJSON path")
    ap.add_argument("--expect", type=int, default=7681, help="expected feature count (default 7681)")
    args = ap.parse_args()

    t0 = time.perf_counter()
    zones = read_zones(args.input, engine="pyogrio", crs=None, repair=None)
    files, gdf = zones.files, zones.frame
    t_read = time.perf_counter()

    gdf = gdf.to_crs(WORKING_CRS)
    invalid = ~gdf.geometry.is_valid
    reasons = shapely.is_valid_reason(gdf.geometry.values[invalid.to_numpy()])
    gdf["geometry"] = gdf.geometry.make_valid()
    gdf["area_km2"] = (gdf.geometry.area / 1e6).round(6)
    warnings = pd.Series([None] * len(gdf), dtype=object)
    warnings[invalid.to_numpy()] = [f"invalid polygon ({r}); repaired with GEOS make-valid" for r in reasons]
    gdf["reach_warning"] = warnings
    gdf = gdf.to_crs("EPSG:4326")
    t_work = time.perf_counter()

    tmp = args.out + ".tmp"
    if os.path.exists(tmp):
        os.remove(tmp)
    # RFC7946=YES: WGS84 lon/lat, right-hand-rule winding, no crs member; COORDINATE_PRECISION=6 as reach.
    pyogrio.write_dataframe(gdf, tmp, driver="GeoJSON", layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6"})
    os.replace(tmp, args.out)
    t_write = time.perf_counter()

    n = pyogrio.read_info(args.out)["features"]
    print(
        f"wards_geopandas: {len(files)} files, {len(gdf)} wards, {int(invalid.sum())} repaired; "
        f"read {t_read - t0:.2f}s, work {t_work - t_read:.2f}s, write {t_write - t_work:.2f}s; output has {n} features",
        file=sys.stderr,
    )
    if n != args.expect or len(gdf) != args.expect:
        print(f"wards_geopandas: expected {args.expect} features, wrote {n}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
