"""Cross-checks `reach coverage` and `reach gaps` against geopandas/shapely (and gtfs-kit for --gtfs).

Driven by tools/crosscheck/run.sh:

  coverage.py table CASE --data ../shared/data
      prints the oracle's per-ward table for CASE without running reach.
  coverage.py check --data ../shared/data --tmp DIR --case NAME REACH_DIR [--case ...]
      [--skipped|--failed 'NAME: why' ...]
      recomputes each case and compares with what reach wrote in REACH_DIR (out.geojson, status, stderr); one line
      per check, then 'N passed, M failed' and exit status 1 on failure.

Oracles (none shares code with reach), all in EPSG:27700 with pyproj's network (and so the OSTN15 grid) off, so
EPSG:4326 -> 27700 is the 7-parameter Helmert "OSGB36 to WGS 84 (6)" that reach's PROJ also uses:
- bus_stop_area_pct: shapely buffer(400, quad_segs=16) of every bus stop within 400 m of the ward, union_all,
  intersection with the ward, area;
- *_pop_pct, *_distance_mean_m: origins = points (point_on_surface of polygons), each in the first ward (input
  order) that covers it; nearest stop of the kind by geopandas sjoin_nearest; weighted means and shares (d <= r);
- counts: stops of the kind that the ward covers;
- gaps: geopandas overlay(ward, union of buffers, how="difference") exploded into polygons, ranked by area;
- --gtfs: departures from tools/crosscheck/departures.py (gtfs-kit), distinct trip instances per origin from the
  stops within r (sjoin with predicate dwithin), / window hours.
"""

import argparse
import json
import math
import os
import sys
import time

os.environ.setdefault("PROJ_NETWORK", "OFF")

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402
import shapely  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from distance import newport_grid  # noqa: E402  (the distance oracle's Newport grid)
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.inputs import fixture, points_of, read_geojson, read_zones  # noqa: E402
from reachtools.runner import check_status  # noqa: E402

WORKING_CRS = "EPSG:27700"
BUS_R = 400.0
RAIL_BANDS = (800.0, 2000.0)
QUAD_SEGS = 16
# bus_stop_area_pct: the README's claim, 5e-5 percentage points between reach's written value and the unrounded
# oracle (reach rounds to 4 decimals, so that is all rounding may move it), plus 1e-9 pp for float noise; after
# rounding the oracle the same way the two must be equal (to PCT_TOL, a value on a rounding midpoint either way).
AREA_PCT_TOL = 5e-5 + 1e-9  # percentage points, reach vs the unrounded oracle
DIST_TOL = 0.5  # metres
PCT_TOL = 1e-6  # percentage points (wider only if reach rounds: see pct_tol)
GAP_AREA_REL = 1e-3  # 0.1 %
NAPTAN_KIND = {"BCT": "bus", "BCS": "bus", "BCQ": "bus", "RLY": "rail", "RSE": "rail",
               "MET": "metro", "PLT": "metro", "TMU": "metro"}
PREFIX = {"bus": "bus_stop", "rail": "rail_station", "metro": "metro_stop"}


def band_name(b):
    return f"{int(b // 1000)}km" if b % 1000 == 0 else f"{int(b)}m"


# ----------------------------------------------------------------------------------------------------------------
# Inputs


def read_wards(path, where=None):
    """Wards in EPSG:27700, invalid ones repaired by make-valid (reachtools.inputs.read_zones), with columns `code`
    and `name` added and attrs["fields"] = the layer's own (code, name) fields."""
    z = read_zones(path, where=where)
    w = z.frame
    w.attrs["fields"] = (z.code_field, z.name_field)
    w["code"] = z.codes
    w["name"] = z.names if z.name_field else ""
    return w


def geojson_points(path):
    return points_of(read_geojson(path))


def naptan_stops(path):
    """NaPTAN Stops.csv -> {kind: (n, 2) EPSG:27700}, with counts of skipped types and inactive stops."""
    d = pd.read_csv(path, dtype=str, keep_default_na=False)
    status = d["Status"].str.strip().str.lower()
    active = status.isin(["active", "act", ""])
    kind = d["StopType"].str.strip().map(NAPTAN_KIND)
    e, n = pd.to_numeric(d["Easting"], errors="coerce"), pd.to_numeric(d["Northing"], errors="coerce")
    lon, lat = pd.to_numeric(d["Longitude"], errors="coerce"), pd.to_numeric(d["Latitude"], errors="coerce")
    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    x, y = tr.transform(lon.to_numpy(), lat.to_numpy())
    has_en = e.notna() & n.notna()
    xs = np.where(has_en, e, x)
    ys = np.where(has_en, n, y)
    out = {}
    for k in ("bus", "rail", "metro"):
        sel = (active & (kind == k)).to_numpy()
        out[k] = np.column_stack([xs[sel], ys[sel]])
    info = {"inactive": int((~active).sum()),
            "skipped_types": d.loc[active & kind.isna(), "StopType"].value_counts().to_dict(),
            "used": {k: len(v) for k, v in out.items()}}
    return out, info


def place_origins(xy, wards):
    """Index of the first ward (input order) that covers each origin, -1 for none."""
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=WORKING_CRS)
    j = gpd.sjoin(pts, wards[["geometry"]], predicate="covered_by", how="left")
    j = j.sort_values("index_right", kind="stable")
    j = j[~j.index.duplicated(keep="first")].sort_index()
    return j["index_right"].fillna(-1).astype(int).to_numpy()


def nearest(xy, sxy):
    """Distance from each origin to the nearest stop (geopandas sjoin_nearest); inf when there is none."""
    if len(sxy) == 0:
        return np.full(len(xy), np.inf)
    og = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=WORKING_CRS)
    sg = gpd.GeoDataFrame(geometry=gpd.points_from_xy(sxy[:, 0], sxy[:, 1]), crs=WORKING_CRS)
    j = gpd.sjoin_nearest(og, sg, how="left", distance_col="d")
    j = j[~j.index.duplicated(keep="first")].sort_index()
    return j["d"].to_numpy(dtype=float)


def stop_union_near(geom, sxy, r):
    """Union of the 64-gon buffers of the stops within r of geom (None if none)."""
    if len(sxy) == 0:
        return None
    pts = shapely.points(sxy)
    near = shapely.dwithin(pts, geom, r + 1e-6)
    if not near.any():
        return None
    return shapely.union_all(shapely.buffer(pts[near], r, quad_segs=QUAD_SEGS))


class Inputs:
    """What one case hands to reach, read the oracle's way."""

    def __init__(self, wards, stops, origins=None, weight=None, gtfs=None, date=None, window="07:00-10:00",
                 stop_info=None, bus_r=BUS_R, bands=RAIL_BANDS):
        self.wards = wards
        self.bus_r = bus_r
        self.bands = bands
        self.suffix = "" if bus_r == BUS_R else f"_{band_name(bus_r)}"
        self.stops = stops  # {kind: (n, 2)}
        self.stop_info = stop_info or {}
        if origins is None:
            self.given_origins = False
            self.oxy = points_of(wards)
            self.ow = np.ones(len(wards))
            self.ozone = np.arange(len(wards))
        else:
            self.given_origins = True
            self.oxy = origins
            self.ow = weight
            self.ozone = place_origins(origins, wards)
        self.gtfs = gtfs
        self.date = date
        self.window = window


# ----------------------------------------------------------------------------------------------------------------
# The oracle


def coverage_oracle(inp):
    """DataFrame, one row per ward (input order), with reach's property names."""
    w = inp.wards
    rows = []
    dist = {k: nearest(inp.oxy, sxy) for k, sxy in inp.stops.items() if k in ("bus", "rail", "metro")}
    for i, ward in enumerate(w.geometry.values):
        sel = inp.ozone == i
        ww = inp.ow[sel]
        tot = ww.sum()
        row = {"code": w.code[i], "name": w.name[i], "origins_count": int(sel.sum()), "origins_weight": float(tot)}
        for k, sxy in inp.stops.items():
            p = PREFIX[k]
            pts = shapely.points(sxy) if len(sxy) else np.array([], dtype=object)
            row[f"{p}_count"] = int(shapely.covers(ward, pts).sum()) if len(sxy) else 0
            d = dist[k][sel]
            if k == "bus":
                r = inp.bus_r
                u = stop_union_near(ward, sxy, r)
                a = 0.0 if u is None else shapely.area(shapely.intersection(ward, u))
                row[f"bus_stop_area_pct{inp.suffix}"] = 100.0 * a / shapely.area(ward)
                row[f"bus_stop_pop_pct{inp.suffix}"] = 100.0 * ww[d <= r].sum() / tot if tot > 0 else None
                row["_bus_near_edge"] = int((np.abs(d - r) < 0.01).sum())
            else:
                ok = np.isfinite(d)
                row[f"{p}_distance_mean_m"] = float(np.sum(ww[ok] * d[ok]) / ww[ok].sum()) if ok.any() and tot > 0 \
                    else None
                for b in inp.bands:
                    row[f"{p}_pop_pct_{band_name(b)}"] = 100.0 * ww[d <= b].sum() / tot if tot > 0 else None
                row[f"_{k}_near_edge"] = int(sum((np.abs(d - b) < 0.01).sum() for b in inp.bands))
        rows.append(row)
    return pd.DataFrame(rows)


def gtfs_oracle(inp, df):
    """Adds bus/rail_departures_per_hour and *_frequent_pop_pct from the gtfs-kit departures (docs/transit.md)."""
    import departures as dep_mod

    start, end = dep_mod.parse_window(inp.window)
    hours = (end - start) / 3600.0
    frames, stop_rows = [], []
    for path in inp.gtfs:
        feed = dep_mod.Feed(path)
        dep = feed.departures(inp.date, start, end).assign(feed=feed.name)
        frames.append(dep)
        s = feed.stops.reset_index()[["stop_id", "stop_lon", "stop_lat"]].assign(feed=feed.name)
        stop_rows.append(s)
    dep = pd.concat(frames, ignore_index=True)
    stops = pd.concat(stop_rows, ignore_index=True)
    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    sx, sy = tr.transform(stops.stop_lon.astype(float).to_numpy(), stops.stop_lat.astype(float).to_numpy())
    sg = gpd.GeoDataFrame(stops[["feed", "stop_id"]], geometry=gpd.points_from_xy(sx, sy), crs=WORKING_CRS)
    og = gpd.GeoDataFrame({"o": np.arange(len(inp.oxy))},
                          geometry=gpd.points_from_xy(inp.oxy[:, 0], inp.oxy[:, 1]), crs=WORKING_CRS)
    info = {}
    for cls, r in (("bus", BUS_R), ("rail", 800.0)):
        d = dep[dep.cls == cls]
        if d.empty:
            continue
        per_stop = d.groupby(["feed", "stop_id"]).size().rename("n").reset_index()
        pairs = gpd.sjoin(og, sg, predicate="dwithin", distance=r, how="inner")[["o", "feed", "stop_id"]]
        # Distinct trip instances departing from any stop within r of the origin.
        m = pairs.merge(d[["feed", "stop_id", "instance"]], on=["feed", "stop_id"])
        per_origin = m.drop_duplicates(["o", "feed", "instance"]).groupby("o").size()
        value = np.array([per_origin.get(o, 0) for o in range(len(inp.oxy))], dtype=float) / hours
        freq_stops = per_stop[per_stop.n / hours >= 4.0][["feed", "stop_id"]]
        frequent = set(pairs.merge(freq_stops, on=["feed", "stop_id"]).o)
        fr = np.array([o in frequent for o in range(len(inp.oxy))])
        vals, pcts = [], []
        for i in range(len(df)):
            sel = inp.ozone == i
            ww = inp.ow[sel]
            tot = ww.sum()
            vals.append(float(np.sum(ww * value[sel]) / tot) if tot > 0 else None)
            pcts.append(100.0 * ww[fr[sel]].sum() / tot if tot > 0 else None)
        df[f"{cls}_departures_per_hour"] = vals
        df[f"{cls}_frequent_pop_pct"] = pcts
        info[cls] = (f"{len(d)} {cls} departures at {d.groupby(['feed', 'stop_id']).ngroups} stops, "
                     f"{len(freq_stops)} stops with >= 4/h")
    # Stop kinds when GTFS is the only stop source: the classes of the routes calling there (whole feed).
    return df, info


def gaps_oracle(inp, r):
    """One row per gap polygon: code, gap_id, area, pct, origins count/weight (origin covered by the polygon)."""
    w = inp.wards
    sxy = np.concatenate([v for v in inp.stops.values() if len(v)]) if inp.stops else np.zeros((0, 2))
    rows = []
    opts = shapely.points(inp.oxy)
    for i, ward in enumerate(w.geometry.values):
        u = stop_union_near(ward, sxy, r)
        g1 = gpd.GeoDataFrame(geometry=[ward], crs=WORKING_CRS)
        if u is None:
            diff = g1
        else:
            g2 = gpd.GeoDataFrame(geometry=[u], crs=WORKING_CRS)
            diff = gpd.overlay(g1, g2, how="difference", keep_geom_type=True)
        parts = diff.explode(index_parts=False).geometry.values if len(diff) else []
        parts = [p for p in parts if p is not None and not p.is_empty and p.area > 0]
        parts.sort(key=lambda p: -p.area)
        wa = shapely.area(ward)
        for k, p in enumerate(parts, start=1):
            inside = shapely.covers(p, opts)
            rows.append({"code": w.code[i], "gap_id": k, "gap_area_m2": p.area, "gap_area_pct": 100.0 * p.area / wa,
                         "gap_origins_count": int(inside.sum()), "gap_origins_weight": float(inp.ow[inside].sum())})
    return pd.DataFrame(rows, columns=["code", "gap_id", "gap_area_m2", "gap_area_pct", "gap_origins_count",
                                       "gap_origins_weight"])


# ----------------------------------------------------------------------------------------------------------------
# Cases


def trafford_inputs(data, with_metro=True, bus_r=BUS_R, bands=RAIL_BANDS):
    """Trafford's wards of 2017, output areas, bus, rail and Metrolink stops: all bundled in fixtures/trafford."""
    o = read_geojson(fixture("trafford", "output_areas_2021.geojson"))
    stops = {"bus": geojson_points(fixture("trafford", "bus_stops.geojson")),
             "rail": geojson_points(fixture("trafford", "rail_stations.geojson"))}
    if with_metro:
        stops["metro"] = geojson_points(fixture("trafford", "metrolink_stops.geojson"))
    return Inputs(read_wards(fixture("trafford", "wards_2017.geojson")), stops, origins=points_of(o),
                  weight=o["population"].to_numpy(dtype=float), bus_r=bus_r, bands=bands)


def cwac_inputs(data, with_oa=False):
    stops, info = naptan_stops(os.path.join(data, "naptan", "061Stops.csv"))
    # The wards of Cheshire West and Chester only (LAD23CD E06000050), should the file hold neighbours' too.
    wards = read_wards(os.path.join(data, "wards_extra", "E06000050_cheshire_west_chester_wards_dec2023.geojson"),
                       where={"LAD23CD": "E06000050"})
    # NaPTAN 061 has no metro stop: "metro_* when metro stops are given" -> not expected (not checked if written).
    stops = {k: v for k, v in stops.items() if len(v)}
    if not with_oa:
        return Inputs(wards, stops, stop_info=info)
    oa = points_of(read_geojson(os.path.join(data, "uk-geojson", "oa_by_lad", "E06000050.json.gz")))
    return Inputs(wards, stops, origins=oa, weight=np.ones(len(oa)), stop_info=info)


def grid_path(tmp):
    return os.path.join(tmp, "newport_grid_origins.csv")


def prepare(args):
    """Writes the 250 m grid of origins inside Newport's wards (CSV id,easting,northing; the distance oracle's grid)."""
    wards = read_geojson(os.path.join(args.data, "wards_extra", "W06000022_newport_wards_dec2023.geojson"))
    xy = newport_grid(wards)
    os.makedirs(args.tmp, exist_ok=True)
    pd.DataFrame({"id": np.arange(len(xy)), "easting": xy[:, 0], "northing": xy[:, 1]}).to_csv(
        grid_path(args.tmp), index=False, float_format="%.3f")
    print(f"coverage.py prepare: {grid_path(args.tmp)}: {len(xy)} origins on a 250 m grid inside Newport's wards")
    return 0


def gtfs_stop_kinds(paths):
    """{kind: EPSG:27700 xy array} of the feeds' stops, GTFS as the only stop source: a stop's kinds are the classes
    of the routes calling there (whole feed); only the kinds some stop has."""
    import departures as dep_mod

    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    parts = {}
    for path in paths:
        feed = dep_mod.Feed(path)
        st = feed.feed.stop_times[["trip_id", "stop_id"]].copy()
        st["cls"] = st.trip_id.map(feed.trip_class)
        kinds = st.groupby("stop_id")["cls"].agg(set)
        for k in ("bus", "rail", "metro"):
            ids = [s for s, c in kinds.items() if k in c]
            if ids:
                x, y = tr.transform(feed.stops.stop_lon[ids].astype(float).to_numpy(),
                                    feed.stops.stop_lat[ids].astype(float).to_numpy())
                parts.setdefault(k, []).append(np.column_stack([x, y]))
    return {k: np.concatenate(v) for k, v in parts.items()}


def newport_gtfs_inputs(data, feeds=("bus",), tmp=None):
    import departures as dep_mod

    wards = read_wards(os.path.join(data, "wards_extra", "W06000022_newport_wards_dec2023.geojson"))
    paths = [os.path.join(data, "gtfs", f"newport-20240305-{f}_gtfs.zip") for f in feeds]
    stops = gtfs_stop_kinds(paths)
    if tmp is None:
        return Inputs(wards, stops, gtfs=paths, date="2024-03-05", window="07:00-10:00")
    g = pd.read_csv(grid_path(tmp))
    xy = g[["easting", "northing"]].to_numpy(dtype=float)
    return Inputs(wards, stops, origins=xy, weight=np.ones(len(xy)), gtfs=paths, date="2024-03-05",
                  window="07:00-10:00")


CASES = {  # name -> (kind, inputs(data, tmp))
    "coverage-trafford": ("coverage", lambda data, tmp: trafford_inputs(data)),
    "coverage-cwac-naptan": ("coverage", lambda data, tmp: cwac_inputs(data)),
    "coverage-newport-gtfs": ("gtfs", lambda data, tmp: newport_gtfs_inputs(data)),
    "coverage-trafford-r300": ("coverage", lambda data, tmp: trafford_inputs(data, bus_r=300.0, bands=(500.0, 1500.0))),
    "coverage-cwac-naptan-oa": ("coverage", lambda data, tmp: cwac_inputs(data, with_oa=True)),
    "coverage-newport-gtfs-bus-rail": ("gtfs", lambda data, tmp: newport_gtfs_inputs(data, ("bus", "rail"), tmp)),
    "gaps-trafford": ("gaps", lambda data, tmp: trafford_inputs(data, with_metro=False)),
    "gaps-cwac-naptan": ("gaps", lambda data, tmp: cwac_inputs(data)),
}
GAP_KINDS = {"gaps-trafford": ("bus",), "gaps-cwac-naptan": ("bus", "rail")}


# ----------------------------------------------------------------------------------------------------------------
# Checking


def read_out(case, reach_dir):
    path = os.path.join(reach_dir, "out.geojson")
    if not os.path.exists(path):
        case.check("reach wrote out.geojson", [f"{path} missing"])
        return None
    with open(path) as fh:
        return json.load(fh)["features"]


def decimals(v):
    if v is None or isinstance(v, bool):
        return 0
    s = repr(float(v))
    if "e" in s:
        return 17
    return len(s.split(".")[1].rstrip("0")) if "." in s else 0


# reach rounds its ward figures (each Indicator's decimals in Sources/Study/Steps/CoverageJob.swift): percentages to 4 decimals, departures
# an hour to 3, mean distances to 1. The oracle's value is rounded the same way before the comparison, so a
# percentage must agree to 1e-6 after rounding (a value within 1e-6 of a rounding midpoint may go either way).
ROUND = {"pct": 4, "rate": 3, "area": 4}


def rounded_diff(r, o, d):
    """|reach - oracle rounded to d decimals|, 0 when the oracle is within 1e-6 of a midpoint reach rounded to."""
    q = round(o, d)
    diff = abs(r - q)
    if diff > PCT_TOL and abs(abs(r - o) - 0.5 * 10 ** -d) <= PCT_TOL:
        return 0.0
    return diff


def code_name(q, fields):
    """The ward code and name a feature carries: `code`/`name`, else the input's own fields (kept as they are)."""
    c = q.get("code", q.get(fields[0]))
    m = q.get("name", q.get(fields[1])) if fields[1] else q.get("name")
    return None if c is None else str(c), None if m is None else str(m)


def compare_wards(case, orc, feats, keys_tol, fields):
    """keys_tol: [(key, kind)] with kind 'count', 'area', 'dist', 'pct', 'weight', 'rate'."""
    props = [f.get("properties") or {} for f in feats]
    n = len(orc)
    bad = [] if len(props) == n else [f"{len(props)} features, expected {n}"]
    for i, q in enumerate(props[:n]):
        c, m = code_name(q, fields)
        if c != orc.code[i]:
            bad.append(f"#{i}: code {c!r}, expected {orc.code[i]!r}")
        elif fields[1] and m != orc.name[i]:
            bad.append(f"#{i} {orc.code[i]}: name {m!r}, expected {orc.name[i]!r}")
    how = "code/name" if props and "code" in props[0] else f"input properties {fields[0]}/{fields[1]} kept"
    case.check("one feature per ward, in input order, ward code and name", bad, f"{n} wards; {how}")
    if len(props) != n:
        return
    missing = sorted({k for q in props for k, _ in keys_tol if k not in q})
    case.check("every indicator property present", [f"missing {missing}"] if missing else [],
               f"{len(keys_tol)} indicators")
    for key, kind in keys_tol:
        if key in missing:
            continue
        rv = [q.get(key) for q in props]
        ov = orc[key].tolist()
        tol = {"count": 0, "weight": 1e-9, "area": PCT_TOL, "dist": DIST_TOL, "rate": PCT_TOL, "pct": PCT_TOL}[kind]
        raw_tol = AREA_PCT_TOL if kind == "area" else None  # also bounds |reach - unrounded oracle|
        d = ROUND.get(kind)
        note = f"; oracle rounded to {d} decimals as reach writes it (max {max(map(decimals, rv), default=0)})" \
            if d is not None else ""
        bad, worst, raw = [], 0.0, 0.0
        for i, (r, o) in enumerate(zip(rv, ov)):
            o_null = o is None or (isinstance(o, float) and math.isnan(o))
            if r is None or o_null:
                if (r is None) != o_null:
                    bad.append(f"{orc.code[i]} ({orc.name[i]}): reach {r}, oracle {None if o_null else o}")
                continue
            raw_diff = abs(float(r) - float(o))
            raw = max(raw, raw_diff)
            diff = rounded_diff(float(r), float(o), d) if d is not None else raw_diff
            worst = max(worst, diff)
            if raw_tol is not None and not raw_diff <= raw_tol:
                bad.append(f"{orc.code[i]} ({orc.name[i]}): reach {r}, oracle {o:.9g}, unrounded diff {raw_diff:.3g} "
                           f"> {AREA_PCT_TOL:.10g}")
            elif not diff <= tol:
                extra = ""
                edge = orc.get(f"_{key.split('_')[0]}_near_edge")
                if edge is not None and edge[i]:
                    extra = f" ({edge[i]} origin(s) within 1 cm of a threshold)"
                bad.append(f"{orc.code[i]} ({orc.name[i]}): reach {r}, oracle {o:.9g}, diff {diff:.3g}{extra}")
        unit = {"area": " pp", "dist": " m", "pct": " pp"}.get(kind, "")
        within = "exact" if tol == 0 else f"to {tol:g}{unit}"
        if raw_tol is not None:
            within = f"to 5e-05{unit} unrounded, {tol:g}{unit} after rounding the oracle"
        case.check(f"{key} ({within})", bad,
                   f"max |diff| {worst:.3g}{unit}" + (f", unrounded {raw:.3g}{unit}" if d is not None else "") + note)


def indicator_keys(inp, gtfs=False):
    keys = [("origins_count", "count"), ("origins_weight", "weight")]
    for k, sxy in inp.stops.items():
        p = PREFIX[k]
        keys.append((f"{p}_count", "count"))
        if k == "bus":
            keys += [(f"bus_stop_area_pct{inp.suffix}", "area"), (f"bus_stop_pop_pct{inp.suffix}", "pct")]
        else:
            keys.append((f"{p}_distance_mean_m", "dist"))
            keys += [(f"{p}_pop_pct_{band_name(b)}", "pct") for b in inp.bands]
    return keys


def warnings_check(case, inp, props):
    bad = []
    for i, q in enumerate(props):
        has = bool(q.get("reach_warning"))
        if inp.given_origins and not (inp.ozone == i).any() and not has:
            bad.append(f"{inp.wards.code[i]}: no origin inside, no reach_warning")
    n_warn = sum(bool(q.get("reach_warning")) for q in props)
    case.check("a ward with no origin has a reach_warning", bad, f"{n_warn} ward(s) with a warning")


def case_coverage(name, reach_dir, data, tmp):
    case = Case(name)
    check_status(case, reach_dir)
    proj_self_check(case)
    t0 = time.perf_counter()
    inp = make_inputs(name, data, tmp)
    orc = coverage_oracle(inp)
    print(f"     oracle: {len(orc)} wards, {len(inp.oxy)} origins ({int((inp.ozone < 0).sum())} outside every ward), "
          f"stops { {k: len(v) for k, v in inp.stops.items()} } {inp.stop_info or ''} ({time.perf_counter() - t0:.1f}s)")
    if "bus" in inp.stops and len(inp.stops["bus"]):
        # The oracle checks itself: one union of every bus stop's buffer and geopandas overlay(intersection)
        # must give the per-ward unions' areas.
        allu = shapely.union_all(shapely.buffer(shapely.points(inp.stops["bus"]), inp.bus_r, quad_segs=QUAD_SEGS))
        ov = gpd.overlay(inp.wards[["code", "geometry"]], gpd.GeoDataFrame(geometry=[allu], crs=WORKING_CRS),
                         how="intersection", keep_geom_type=True)
        a = ov.assign(a=ov.area).groupby("code")["a"].sum()
        pct = 100.0 * inp.wards.code.map(a).fillna(0.0).to_numpy() / inp.wards.area.to_numpy()
        mine = orc[f"bus_stop_area_pct{inp.suffix}"].to_numpy()
        d = np.abs(pct - mine)
        case.self_check("oracle self-check: bus_stop_area_pct = overlay with one union of all buffers (1e-6 pp)",
                   [f"{orc.code[i]}: per-ward {mine[i]:.9f}, overlay {pct[i]:.9f}"
                    for i in np.flatnonzero(d > 1e-6)], f"max |diff| {d.max():.2g} pp")
    feats = read_out(case, reach_dir)
    if feats is None:
        return case
    compare_wards(case, orc, feats, indicator_keys(inp), inp.wards.attrs['fields'])
    if len(feats) == len(orc):
        warnings_check(case, inp, [f.get("properties") or {} for f in feats])
    return case


def make_inputs(name, data, tmp):
    return CASES[name][1](data, tmp)


def case_gtfs(name, reach_dir, data, tmp):
    case = Case(name)
    check_status(case, reach_dir)
    proj_self_check(case)
    t0 = time.perf_counter()
    inp = make_inputs(name, data, tmp)
    orc = coverage_oracle(inp)
    orc, info = gtfs_oracle(inp, orc)
    print(f"     oracle: {len(orc)} wards, {len(inp.oxy)} origins ({'given' if inp.given_origins else 'point on surface'}"
          f", {int((inp.ozone < 0).sum())} outside every ward); {info} ({time.perf_counter() - t0:.1f}s)")
    feats = read_out(case, reach_dir)
    if feats is None:
        return case
    keys = [(f"{c}_departures_per_hour", "rate") for c in ("bus", "rail") if f"{c}_departures_per_hour" in orc]
    keys += [(f"{c}_frequent_pop_pct", "pct") for c in ("bus", "rail") if f"{c}_frequent_pop_pct" in orc]
    keys += indicator_keys(inp)
    compare_wards(case, orc, feats, keys, inp.wards.attrs['fields'])
    if len(feats) == len(orc):
        warnings_check(case, inp, [f.get("properties") or {} for f in feats])
    return case


def case_gaps(name, reach_dir, data, tmp):
    case = Case(name)
    check_status(case, reach_dir)
    proj_self_check(case)
    t0 = time.perf_counter()
    inp = make_inputs(name, data, tmp)
    inp.stops = {k: inp.stops[k] for k in GAP_KINDS[name]}
    orc = gaps_oracle(inp, BUS_R)
    print(f"     oracle: {len(orc)} gap polygons in {orc.code.nunique()} of {len(inp.wards)} wards, "
          f"{orc.gap_area_m2.sum() / 1e6:.4f} km2 ({time.perf_counter() - t0:.1f}s)")
    feats = read_out(case, reach_dir)
    if feats is None:
        return case
    props = pd.DataFrame([f.get("properties") or {} for f in feats])
    fields = inp.wards.attrs["fields"]
    # docs/transit.md: each gap carries the ward's own properties (its code and name fields), then the gap's.
    want = [fields[0], fields[1], "gap_id", "gap_area_m2", "gap_area_pct", "gap_origins_count", "gap_origins_weight"]
    miss = [c for c in want if c not in props.columns]
    case.check("gap properties present (docs/transit.md: the ward's code and name fields, gap_id, ...)", [f"missing {miss}"] if miss else [],
               f"{len(props)} features; keys {list(props.columns)}")
    if [c for c in miss if c not in ("code", "name")] or (miss and fields[0] not in props.columns):
        return case
    empty = [f"{props[fields[0]][i] if fields[0] in props else '?'} gap {props.gap_id[i]}: gap_area_m2 "
             f"{props.gap_area_m2[i]}, geometry {json.dumps(f.get('geometry'))[:60]}"
             for i, f in enumerate(feats) if shapely.from_geojson(json.dumps(f.get("geometry"))).is_empty
             or float(props.gap_area_m2[i]) <= 0]
    case.check("no empty gap feature (reach gaps --help: a ward wholly within reach of a stop has no feature)", empty)
    if "code" not in props.columns:  # compare the numbers all the same, by the ward's own code field
        props["code"] = props[fields[0]]
    props["code"] = props["code"].astype(str)
    bad = []
    for code, g in props.groupby("code", sort=False):
        ids = sorted(g.gap_id.astype(int))
        if ids != list(range(1, len(ids) + 1)):
            bad.append(f"{code}: gap_id {ids[:8]} is not 1..{len(ids)}")
        a = g.sort_values("gap_id").gap_area_m2.to_numpy(dtype=float)
        if (np.diff(a) > 1e-6).any():
            bad.append(f"{code}: gap areas not descending by gap_id: {a[:5]}")
    case.check("gap_id = 1..n per ward, 1 the largest", bad)
    codes = list(inp.wards.code)
    bad_n, bad_tot, worst_tot, bad_rank, bad_org, bad_pct = [], [], 0.0, [], [], []
    for code in codes:
        o = orc[orc.code == code].sort_values("gap_id")
        r = props[props.code == code].sort_values("gap_id")
        if len(o) != len(r):
            small = [f"{a:.3g}" for a in o.gap_area_m2 if a < 100] + ["|"] + \
                [f"{a:.3g}" for a in r.gap_area_m2.astype(float) if a < 100]
            bad_n.append(f"{code}: reach {len(r)} polygons, oracle {len(o)} (areas < 100 m2 oracle/reach: "
                         f"{' '.join(small)})")
        ot, rt = o.gap_area_m2.sum(), r.gap_area_m2.astype(float).sum()
        rel = abs(rt - ot) / ot if ot > 0 else abs(rt)
        worst_tot = max(worst_tot, rel)
        if not rel <= GAP_AREA_REL:
            bad_tot.append(f"{code}: reach {rt:.1f} m2, oracle {ot:.1f} m2 ({100 * rel:.3g} %)")
        for (_, a), (_, b) in zip(o.iterrows(), r.iterrows()):
            ra = float(b.gap_area_m2)
            if not abs(ra - a.gap_area_m2) <= GAP_AREA_REL * a.gap_area_m2 + 1.0:
                bad_rank.append(f"{code} gap {a.gap_id}: reach {ra:.1f} m2, oracle {a.gap_area_m2:.1f} m2")
                continue
            if int(b.gap_origins_count) != a.gap_origins_count or abs(float(b.gap_origins_weight)
                                                                       - a.gap_origins_weight) > 1e-9:
                bad_org.append(f"{code} gap {a.gap_id} ({a.gap_area_m2:.0f} m2): reach {b.gap_origins_count} origins "
                               f"weight {b.gap_origins_weight}, oracle {a.gap_origins_count} / {a.gap_origins_weight:g}")
            if not abs(float(b.gap_area_pct) - a.gap_area_pct) <= max(1e-3, 1e-3 * a.gap_area_pct):
                bad_pct.append(f"{code} gap {a.gap_id}: gap_area_pct reach {b.gap_area_pct}, oracle {a.gap_area_pct:.6g}")
    case.check("gap polygons per ward (count)", bad_n, f"oracle {len(orc)}, reach {len(props)}")
    case.check("total gap area per ward (to 0.1 %)", bad_tot, f"max rel diff {100 * worst_tot:.3g} %")
    case.check("gap area by rank (to 0.1 % + 1 m2)", bad_rank)
    case.check("gap_area_pct by rank (to 0.1 % relative, 1e-3 pp)", bad_pct)
    case.check("gap_origins_count and gap_origins_weight by rank", bad_org,
               f"oracle: {int(orc.gap_origins_count.sum())} origins in gaps")
    # The written geometry: its area in EPSG:27700 should be the gap_area_m2 it carries, up to the rounding of its
    # coordinates (--precision 6: up to 0.5e-6 deg, about 0.056 m north-south), which moves the area by at most
    # about that much times the perimeter: thin slivers of a few hundred m2 move by 0.5 %.
    bad, worst = [], 0.0
    g = gpd.GeoDataFrame.from_features(feats, crs="EPSG:4326").to_crs(WORKING_CRS)
    for i, (a, per, p) in enumerate(zip(g.geometry.area, g.geometry.length, props.gap_area_m2.astype(float))):
        worst = max(worst, abs(a - p) / per if per > 0 else 0.0)
        if not abs(a - p) <= 0.06 * per + 0.1:
            bad.append(f"feature {i} ({props.code[i]} gap {props.gap_id[i]}): geometry {a:.1f} m2 (perimeter "
                       f"{per:.0f} m), gap_area_m2 {p:.1f}")
    case.check("written geometry area = gap_area_m2 (to 0.06 m x perimeter: 6-decimal coordinates)", bad,
               f"max |diff| / perimeter {worst:.3g} m")
    return case


CASE_FUNCS = {"coverage": case_coverage, "gtfs": case_gtfs, "gaps": case_gaps}


def proj_self_check(case):
    """The oracle's own transform must be the Helmert one reach uses: Altrincham as cs2cs gives it in ORACLES.md."""
    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    x, y = tr.transform(-2.3545599, 53.39067078)
    bad = [] if abs(x - 376517.432122) < 1e-3 and abs(y - 388262.349325) < 1e-3 else [
        f"Altrincham -> ({x:.6f}, {y:.6f}), cs2cs with 'OSGB36 to WGS 84 (6)' (376517.432122, 388262.349325)"]
    if pyproj.network.is_network_enabled():
        bad.append("pyproj network is on (PROJ_NETWORK=OFF expected): OSTN15 could be fetched")
    case.self_check("oracle self-check: pyproj EPSG:4326 -> 27700 is the 7-parameter Helmert, network off", bad)


def check(args):
    return run_cases(args, lambda name: CASE_FUNCS[CASES[name][0]] if name in CASES else None)


def table_cmd(args):
    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    print(f"pyproj {pyproj.__version__} (PROJ {pyproj.proj_version_str}), network "
          f"{'on' if pyproj.network.is_network_enabled() else 'off'}; Altrincham (-2.3545599, 53.39067078) -> "
          f"{tr.transform(-2.3545599, 53.39067078)} (Helmert 'OSGB36 to WGS 84 (6)': 376517.432122, 388262.349325)")
    kind = CASES[args.case][0]
    inp = make_inputs(args.case, args.data, args.tmp)
    if kind == "gaps":
        inp.stops = {k: inp.stops[k] for k in GAP_KINDS[args.case]}
        t = gaps_oracle(inp, BUS_R)
    else:
        t = coverage_oracle(inp)
        if kind == "gtfs":
            t, info = gtfs_oracle(inp, t)
            print(info)
        t = t[[c for c in t.columns if not c.startswith("_")]]
    with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 250):
        print(t)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("table")
    t.add_argument("case", choices=sorted(CASES))
    t.add_argument("--data", default="../shared/data")
    t.add_argument("--tmp", default="/tmp/reach-crosscheck/transit")
    p = sub.add_parser("prepare")
    p.add_argument("--data", default="../shared/data")
    p.add_argument("--tmp", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c)
    args = ap.parse_args()
    return {"table": table_cmd, "prepare": prepare, "check": check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
