"""Synthetic national bus stops for tools/bench/coverage.sh: N stops inside the real English wards, as NaPTAN.

Reads the 7,681 English wards (a folder of GeoJSON files, CRS84, code property WD13CD), projects them to
EPSG:27700 (make-valid where invalid, keeping the polygonal part: E05004205 has a ring self-intersection; both by
tools/reachtools/inputs.py read_zones(repair="polygonal")) and scatters N stops (default
400,000, about the size of the national NaPTAN bus-stop set) uniformly at random inside them, with a fixed seed.

Allocation to wards (the choice, documented in the bench's header too): half of the stops are shared equally
between wards, half in proportion to ward area (largest-remainder rounding, so the total is exactly N).
English wards are drawn to roughly equal electorates, so the equal half acts as a population proxy and as a
floor (every ward gets at least N/2/7681, i.e. 26 stops at the default N): small urban wards get dense stops,
large rural ones sparse stops, as in NaPTAN, instead of the near-empty towns that a purely area-proportional
draw gives. `--equal-share` changes the split (0 = purely by area, 1 = the same count in every ward).

Points are drawn by rejection sampling in each ward's bounding box with vectorised shapely (uniform points in
the box, shapely.contains_xy against the prepared ward, repeat for the shortfall), then rounded to whole metres
like real NaPTAN Easting/Northing; Longitude/Latitude (7 dp) are computed from the rounded grid position.

Written as a NaPTAN Stops.csv with the published 43-column header (that of 061Stops.csv): ATCOCode
(990BENCH0000001...), CommonName ("Bench stop 1"...), GridType UKOS, Easting, Northing, Longitude, Latitude,
StopType BCT, Status active; the other columns empty. Optionally (--wards-out) also writes all wards as one
GeoJSON FeatureCollection (CRS84, the input features unchanged).

usage: make_national_stops.py --wards DIR --out Stops.csv [--stops 400000] [--seed 20240305] [--equal-share 0.5]
                              [--wards-out wards.geojson]
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import pyproj
import shapely

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.inputs import read_zones  # noqa: E402

NAPTAN_COLUMNS = (
    "ATCOCode,NaptanCode,PlateCode,CleardownCode,CommonName,CommonNameLang,ShortCommonName,ShortCommonNameLang,"
    "Landmark,LandmarkLang,Street,StreetLang,Crossing,CrossingLang,Indicator,IndicatorLang,Bearing,"
    "NptgLocalityCode,LocalityName,ParentLocalityName,GrandParentLocalityName,Town,TownLang,Suburb,SuburbLang,"
    "LocalityCentre,GridType,Easting,Northing,Longitude,Latitude,StopType,BusStopType,TimingStatus,"
    "DefaultWaitTime,Notes,NotesLang,AdministrativeAreaCode,CreationDateTime,ModificationDateTime,"
    "RevisionNumber,Modification,Status").split(",")
assert len(NAPTAN_COLUMNS) == 43


def read_wards(path):
    """The wards of a folder of GeoJSON files (sorted names) or one file: (codes (WD13CD, else code), EPSG:27700
    geometries made valid where invalid (the polygonal part: make-valid can return lines as well as polygons),
    count repaired, the raw features)."""
    z = read_zones(path, ("WD13CD", "code"), repair="polygonal", keep_features=True)
    return z.codes, z.geoms, int(z.repaired.sum()), z.features


def allocate(areas, n, equal_share):
    """Stops per ward: equal_share of n split equally, the rest by area; largest remainder, total exactly n."""
    w = equal_share / len(areas) + (1.0 - equal_share) * areas / areas.sum()
    raw = w * n
    counts = np.floor(raw).astype(np.int64)
    short = n - counts.sum()
    if short > 0:
        counts[np.argsort(-(raw - counts), kind="stable")[:short]] += 1
    return counts


def sample_in(geom, k, rng):
    """k uniform points inside geom (rejection sampling in its bounding box)."""
    x0, y0, x1, y1 = shapely.bounds(geom)
    fill = max(shapely.area(geom) / max((x1 - x0) * (y1 - y0), 1e-9), 1e-3)
    shapely.prepare(geom)
    got = []
    need = k
    while need > 0:
        m = int(need / fill * 1.2) + 16
        x = rng.uniform(x0, x1, m)
        y = rng.uniform(y0, y1, m)
        keep = shapely.contains_xy(geom, x, y)
        xs, ys = x[keep][:need], y[keep][:need]
        got.append(np.column_stack([xs, ys]))
        need -= len(xs)
    return np.concatenate(got) if got else np.empty((0, 2))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wards", required=True, help="folder of ward GeoJSON files (or one file), CRS84")
    ap.add_argument("--out", required=True, help="NaPTAN-layout Stops.csv to write")
    ap.add_argument("--stops", type=int, default=400_000)
    ap.add_argument("--seed", type=int, default=20240305)
    ap.add_argument("--equal-share", type=float, default=0.5,
                    help="share of stops split equally between wards, the rest by area (default 0.5)")
    ap.add_argument("--wards-out", help="also write all wards as one GeoJSON FeatureCollection (CRS84)")
    a = ap.parse_args()
    if not 0.0 <= a.equal_share <= 1.0:
        ap.error("--equal-share must be in [0, 1]")

    t0 = time.perf_counter()
    codes, bng, repaired, feats = read_wards(a.wards)
    areas = shapely.area(bng)
    counts = allocate(areas, a.stops, a.equal_share)
    t_read = time.perf_counter()

    rng = np.random.default_rng(a.seed)
    xy = np.concatenate([sample_in(g, int(k), rng) for g, k in zip(bng, counts)])
    assert len(xy) == a.stops
    e = np.round(xy[:, 0]).astype(np.int64)
    n = np.round(xy[:, 1]).astype(np.int64)
    tr = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(e.astype(float), n.astype(float))
    t_sample = time.perf_counter()

    # Lines written directly (pandas.to_csv of 43 mostly empty object columns takes ~9 s for 400k rows).
    os.makedirs(os.path.dirname(os.path.abspath(a.out)), exist_ok=True)
    col = {c: i for i, c in enumerate(NAPTAN_COLUMNS)}
    template = [""] * len(NAPTAN_COLUMNS)
    for c, v in (("ATCOCode", "990BENCH{i:07d}"), ("CommonName", "Bench stop {i}"), ("GridType", "UKOS"),
                 ("Easting", "{e}"), ("Northing", "{n}"), ("Longitude", "{lon:.7f}"), ("Latitude", "{lat:.7f}"),
                 ("StopType", "BCT"), ("Status", "active")):
        template[col[c]] = v
    fmt = ",".join(template) + "\n"
    tmp = a.out + ".tmp"
    with open(tmp, "w", newline="") as fh:
        fh.write(",".join(NAPTAN_COLUMNS) + "\n")
        fh.writelines(fmt.format(i=i, e=ee, n=nn, lon=lo, lat=la)
                      for i, ee, nn, lo, la in zip(range(1, a.stops + 1), e.tolist(), n.tolist(), lon.tolist(),
                                                   lat.tolist()))
    os.replace(tmp, a.out)
    if a.wards_out:
        with open(a.wards_out + ".tmp", "w") as fh:
            json.dump({"type": "FeatureCollection",
                       "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
                       "features": feats}, fh)
        os.replace(a.wards_out + ".tmp", a.wards_out)
    t_write = time.perf_counter()

    print(f"make_national_stops: {a.stops} stops in {len(codes)} wards ({repaired} repaired with make-valid; "
          f"per ward min {counts.min()}, median {int(np.median(counts))}, max {counts.max()}; "
          f"equal share {a.equal_share:g}, seed {a.seed}) -> {a.out}", file=sys.stderr)
    print(f"make_national_stops: timings: read wards {t_read - t0:.2f} s, sample {t_sample - t_read:.2f} s, "
          f"write {t_write - t_sample:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
