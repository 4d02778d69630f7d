"""Cross-checks `reach distance` and `reach nearest` against independent Python computations.

Two steps, driven by tools/crosscheck/run.sh:

  distance.py prepare --data ../shared/data --tmp DIR
      writes the inputs the oracle hands to reach: Trafford output-area points (CSV, for `reach nearest`),
      services extracted from the OSM extracts with pyosmium (Rutland, Newport: CSV id,category,easting,northing),
      and a 250 m grid of origins inside Newport's wards (CSV). Prints one line per file.
  distance.py check --case NAME REACH_DIR [--case ...]
      [--skipped|--failed 'NAME: why' ...] --data ../shared/data --tmp DIR
      recomputes each case and compares with what reach wrote in REACH_DIR (wards.geojson, origins.csv or
      nearest.csv, status). One line per comparison, then 'N passed, M failed' and exit status 1 on failure.

Oracles (none shares code with reach):
- straight line: geopandas sjoin_nearest in EPSG:27700 (origins = shapely point_on_surface of each polygon in
  EPSG:27700), ward by sjoin(predicate="within"), pandas weighted means / max / within-threshold percentages;
- road network: tools/crosscheck/roadnet.py (pyosmium read, the rules of docs/road-network.md, shapely STRtree
  snapping on segments, networkx multi_source_dijkstra on the reversed DiGraph for car and cycle).
"""

import argparse
import csv
import json
import math
import os
import re
import sys
import time

import geopandas as gpd
import numpy as np
import osmium
import pandas as pd
import pyproj
import shapely

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
import roadnet  # noqa: E402
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.inputs import fixture, points_of, read_geojson, read_zones  # noqa: E402
from reachtools.runner import check_status as reach_status  # noqa: E402

WORKING_CRS = "EPSG:27700"
STRAIGHT_TOL_M = 1.0  # per origin and ward mean/max, metres
NETWORK_TOL_MIN = 0.1  # per origin and ward mean/max, minutes
XY_TOL_M = 1.0  # origin position (point on surface) reach vs shapely
SNAP_TOL_M = 0.1  # snap distance
MAX_SNAP_M = 500.0
METRES = (800, 2000)
MINUTES = (15, 30)
COUNT_CAP = 10

TRAFFORD_SERVICES = ["gp_practices", "schools", "town_centres", "jobcentre_plus", "pharmacies"]
OSM_CATEGORIES = [  # (category, tag key, tag value), in this order in the CSV
    ("gp", "amenity", "doctors"),
    ("school", "amenity", "school"),
    ("supermarket", "shop", "supermarket"),
    ("pharmacy", "amenity", "pharmacy"),
]
NETWORK_PLACES = {
    "rutland": {
        "pbf": "osm/rutland-2022-07-20.osm.pbf",
        "wards": "wards_extra/E06000017_rutland_wards_dec2023.geojson",
        "origins": "uk-geojson/oa_by_lad/E06000017.json.gz",
    },
    "newport": {
        "pbf": "osm/newport-2023-06-13.osm.pbf",
        "wards": "wards_extra/W06000022_newport_wards_dec2023.geojson",
        "origins": None,  # a 250 m grid written by `prepare`
    },
}
GRID_M = 250.0


def sanitise(name):
    return re.sub(r"[^a-z0-9]+", "_", str(name).lower())


def fmt_t(t):
    return f"{t:g}"


# ----------------------------------------------------------------------------------------------------------------
# Inputs (GeoJSON in EPSG:27700 and points on surface: tools/reachtools/inputs.py)


def read_wards(path):
    """(wards as read, in EPSG:27700, not repaired: the distance oracle places points in them as given; their code
    field: the first of WD23CD, WD13CD, area_code, code)."""
    zones = read_zones(path, repair=None)
    return zones.frame, zones.require_code()


def osm_services(pbf):
    """Services from OSM tags with pyosmium: nodes as they are; ways (closed: polygon, open: line) by shapely
    point_on_surface of their node locations in EPSG:27700; relations are not used (counted)."""
    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    rows = []
    skipped_rel = 0
    for obj in osmium.FileProcessor(pbf).with_locations():
        cats = [c for c, k, v in OSM_CATEGORIES if obj.tags.get(k) == v]
        if not cats:
            continue
        if obj.is_node():
            x, y = tr.transform(obj.location.lon, obj.location.lat)
            kind = "n"
        elif obj.is_way():
            ll = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
            if not ll:
                continue
            xs, ys = tr.transform([p[0] for p in ll], [p[1] for p in ll])
            xy = list(zip(xs, ys))
            if len(xy) >= 4 and obj.is_closed():
                geom = shapely.Polygon(xy)
            elif len(xy) >= 2:
                geom = shapely.LineString(xy)
            else:
                geom = shapely.Point(xy[0])
            p = shapely.point_on_surface(geom)
            x, y = p.x, p.y
            kind = "w"
        else:
            skipped_rel += 1
            continue
        for c in cats:
            rows.append((c, x, y, f"{kind}{obj.id}"))
    order = {c: i for i, (c, _, _) in enumerate(OSM_CATEGORIES)}
    rows.sort(key=lambda r: (order[r[0]], r[3][0], int(r[3][1:])))
    return rows, skipped_rel


def newport_grid(wards27700):
    """Cell centres of a 250 m grid aligned on the BNG origin that fall within a ward."""
    x0, y0, x1, y1 = wards27700.total_bounds
    xs = np.arange(math.floor(x0 / GRID_M) * GRID_M + GRID_M / 2, x1, GRID_M)
    ys = np.arange(math.floor(y0 / GRID_M) * GRID_M + GRID_M / 2, y1, GRID_M)
    gx, gy = np.meshgrid(xs, ys)
    pts = shapely.points(gx.ravel(), gy.ravel())
    union = shapely.union_all(wards27700.geometry.values)
    keep = shapely.contains_xy(union, gx.ravel(), gy.ravel())
    return shapely.get_coordinates(pts[keep])


def prepare(args):
    data, tmp = args.data, args.tmp
    os.makedirs(tmp, exist_ok=True)
    wrote = []
    oa = fixture("trafford", "output_areas_2021.geojson")
    if os.path.exists(oa):
        xy = points_of(read_geojson(oa))
        path = os.path.join(tmp, "trafford_oa_points.csv")
        pd.DataFrame({"id": np.arange(len(xy)), "easting": xy[:, 0], "northing": xy[:, 1]}).to_csv(
            path, index=False, float_format="%.3f"
        )
        wrote.append((path, f"{len(xy)} output-area points (point on surface, EPSG:27700)"))
        # The same points and the GP practices as WGS84 CSV (lat before lon), for the lon/lat CSV path.
        tr = pyproj.Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True)
        lon, lat = tr.transform(xy[:, 0], xy[:, 1])
        path = os.path.join(tmp, "trafford_oa_points_lonlat.csv")
        pd.DataFrame({"id": np.arange(len(xy)), "lat": lat, "lon": lon}).to_csv(path, index=False, float_format="%.7f")
        wrote.append((path, f"{len(xy)} output-area points as lat,lon"))
        gp = fixture("trafford", "gp_practices.geojson")
        if os.path.exists(gp):
            g = gpd.read_file(gp)
            path = os.path.join(tmp, "gp_lonlat.csv")
            pd.DataFrame({"id": np.arange(len(g)), "latitude": g.geometry.y, "longitude": g.geometry.x}).to_csv(
                path, index=False, float_format="%.7f")
            wrote.append((path, f"{len(g)} GP practices as latitude,longitude"))
    for place, spec in NETWORK_PLACES.items():
        pbf = os.path.join(data, spec["pbf"])
        if not os.path.exists(pbf):
            print(f"distance.py prepare: SKIP {place}: {pbf} not found")
            continue
        rows, rel = osm_services(pbf)
        path = os.path.join(tmp, f"{place}_services.csv")
        with open(path, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["id", "category", "easting", "northing", "osm"])
            for i, (c, x, y, osm) in enumerate(rows):
                w.writerow([i, c, f"{x:.3f}", f"{y:.3f}", osm])
        counts = pd.Series([r[0] for r in rows]).value_counts().to_dict()
        wrote.append((path, f"services {counts}; {rel} tagged relations not used"))
        if spec["origins"] is None:
            wards, _ = read_wards(os.path.join(data, spec["wards"]))
            xy = newport_grid(wards)
            path = os.path.join(tmp, f"{place}_grid_origins.csv")
            pd.DataFrame({"id": np.arange(len(xy)), "easting": xy[:, 0], "northing": xy[:, 1]}).to_csv(
                path, index=False, float_format="%.3f"
            )
            wrote.append((path, f"{len(xy)} origins on a {GRID_M:g} m grid inside the wards"))
    if os.path.exists(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "osm_pbf.py")):
        import rules_network

        paths, n = rules_network.write(tmp)
        wrote.append((paths["pbf"], f"hand-made rules network, {n} probes (+ rules_zones.geojson, "
                                    "rules_origins.csv, rules_services.csv, rules_expect.json)"))
    else:
        print("distance.py prepare: SKIP rules network: tools/fixtures/osm_pbf.py not found")
    for path, what in wrote:
        print(f"distance.py prepare: {path}: {what}")
    return 0


# ----------------------------------------------------------------------------------------------------------------
# Checking


class Oracle:
    """Everything the checker compares: origins (position, weight, zone), per (category, mode) values per origin
    (metres or minutes, NaN when unsnapped or unreachable), snap distances per network mode, and per ward and
    (category, mode) the distance or time from the ward's typical origin to each service."""

    def __init__(self):
        self.categories = []
        self.modes = []
        self.origins = None  # DataFrame: x, y, weight, zone
        self.values = {}  # (c, m) -> float array
        self.snap = {}  # m -> float array (NaN unsnapped)
        self.snap_way = {}  # m -> osm way id of the snapped segment (debugging aid)
        self.wards = None  # GeoDataFrame, EPSG:27700, input order
        self.code_field = None
        self.typical = {}  # ward index -> (x, y)
        self.typical_cost = {}  # (ward index, c, m) -> array of cost per service (metres/minutes; inf/NaN)
        self.thresholds = {}  # m -> thresholds
        self.self_bad = []  # the network oracle's own consistency failures
        self.self_n = 0

    @staticmethod
    def unit_tol(m):
        return STRAIGHT_TOL_M if m == "straight" else NETWORK_TOL_MIN


def assign_zones(xy, wards, code_field):
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=WORKING_CRS)
    j = gpd.sjoin(pts, wards[[code_field, "geometry"]], predicate="within", how="left")
    j = j[~j.index.duplicated(keep="first")]
    zone = j[code_field].where(j[code_field].notna(), "").astype(str).to_numpy()
    return zone


def straight_oracle(orc, services):
    """services: {category: (n, 2) xy}. geopandas sjoin_nearest per category."""
    o = orc.origins
    og = gpd.GeoDataFrame({"oi": np.arange(len(o))}, geometry=gpd.points_from_xy(o.x, o.y), crs=WORKING_CRS)
    for c, sxy in services.items():
        sg = gpd.GeoDataFrame(
            {"si": np.arange(len(sxy))}, geometry=gpd.points_from_xy(sxy[:, 0], sxy[:, 1]), crs=WORKING_CRS
        )
        j = gpd.sjoin_nearest(og, sg, how="left", distance_col="d")
        j = j[~j.index.duplicated(keep="first")].sort_index()
        orc.values[(c, "straight")] = j["d"].to_numpy(dtype=float)
        for wi, (tx, ty) in orc.typical.items():
            orc.typical_cost[(wi, c, "straight")] = np.hypot(sxy[:, 0] - tx, sxy[:, 1] - ty)


def network_oracle(orc, pbf, services, modes, min_island_nodes=roadnet.MIN_ISLAND_NODES):
    t0 = time.perf_counter()
    net = roadnet.RoadNetwork.read(pbf)
    print(f"     oracle: {pbf}: {net.stats} ({time.perf_counter() - t0:.1f}s)")
    oxy = orc.origins[["x", "y"]].to_numpy()
    ward_ids = sorted(orc.typical)
    txy = np.array([orc.typical[w] for w in ward_ids]) if ward_ids else np.zeros((0, 2))
    for m in modes:
        t1 = time.perf_counter()
        g = net.mode_graph(m, min_island_nodes=min_island_nodes)
        osnap = g.snap(oxy, MAX_SNAP_M)
        orc.snap[m] = np.array([s.dist if s else np.nan for s in osnap])
        orc.snap_way[m] = [int(net.way_ids[net.seg_way[g.net_seg[s.seg]]]) if s else None for s in osnap]
        tsnap = g.snap(txy, MAX_SNAP_M)
        cutoff = max(MINUTES) * 60.0
        ssnaps = {c: g.snap(sxy, MAX_SNAP_M) for c, sxy in services.items()}
        for c, ss in ssnaps.items():
            secs = g.times_to_nearest(ss, osnap)
            orc.values[(c, m)] = np.array([np.nan if (s is None or not math.isfinite(s)) else s / 60.0 for s in secs])
        for k, wi in enumerate(ward_ids):
            if tsnap[k] is None:
                for c in services:
                    orc.typical_cost[(wi, c, m)] = None
                continue
            # One Dijkstra from the typical origin serves every category.
            allc = [(c, j) for c in services for j in range(len(ssnaps[c]))]
            secs = g.times_from(tsnap[k], [ssnaps[c][j] for c, j in allc], cutoff)
            for c in services:
                orc.typical_cost[(wi, c, m)] = np.array(
                    [np.nan if s is None else s / 60.0 for (cc, _), s in zip(allc, secs) if cc == c]
                )
        # The oracle checks itself: for a sample of origins, a forward single-source Dijkstra to every service
        # must give the same nearest time as the reversed multi-source search (direction handling, part-edges).
        sample = [i for i in range(len(osnap)) if osnap[i] is not None][:: max(1, len(oxy) // 20)]
        flat = [(c, s) for c, ss in ssnaps.items() for s in ss]
        for i in sample:
            times = g.times_from(osnap[i], [s for _, s in flat], math.inf)
            for c in ssnaps:
                fwd = [t for (cc, _), t in zip(flat, times) if cc == c and t is not None]
                best = min(fwd, default=math.inf) / 60.0
                rev = orc.values[(c, m)][i]
                if not (math.isinf(best) and np.isnan(rev)) and not abs(best - rev) <= 1e-6:
                    orc.self_bad.append(f"{m} {c} origin {i}: forward {best:.6f} min, reverse multi-source {rev:.6f}")
            orc.self_n += 1
        unsn = {c: sum(s is None for s in ss) for c, ss in ssnaps.items()}
        print(
            f"     oracle: {m}: {len(g.u)} segments, {g.n_edges} directed edges; origins unsnapped "
            f"{int(np.isnan(orc.snap[m]).sum())}/{len(oxy)}; services unsnapped {unsn} ({time.perf_counter() - t1:.1f}s)"
        )


def build_oracle(wards_path, origins, services, modes, pbf=None, min_island_nodes=None):
    """origins: dict(xy=(n,2), weight=(n,)); services: {category: (n,2)}."""
    orc = Oracle()
    orc.categories = list(services)
    orc.modes = list(modes)
    orc.wards, orc.code_field = read_wards(wards_path)
    xy, w = origins["xy"], origins["weight"]
    zone = assign_zones(xy, orc.wards, orc.code_field)
    orc.origins = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1], "weight": w, "zone": zone})
    codes = orc.wards[orc.code_field].astype(str).tolist()
    for wi, code in enumerate(codes):
        sel = orc.origins.zone.to_numpy() == code
        if sel.any():
            ww = orc.origins.weight.to_numpy()[sel]
            if ww.sum() > 0:
                orc.typical[wi] = (
                    float(np.sum(xy[sel, 0] * ww) / ww.sum()),
                    float(np.sum(xy[sel, 1] * ww) / ww.sum()),
                )
            else:
                orc.typical[wi] = (float(xy[sel, 0].mean()), float(xy[sel, 1].mean()))
    orc.thresholds = {m: (METRES if m == "straight" else MINUTES) for m in modes}
    if "straight" in modes:
        straight_oracle(orc, services)
    net_modes = [m for m in modes if m != "straight"]
    if net_modes:
        network_oracle(orc, pbf, services, net_modes,
                       roadnet.MIN_ISLAND_NODES if min_island_nodes is None else min_island_nodes)
    return orc


def num(v):
    """A CSV cell as float (NaN when empty)."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return math.nan
    s = str(v).strip()
    return float(s) if s else math.nan


def decimals_ok(s, d):
    s = str(s).strip()
    if not s:
        return True
    if "." not in s:
        return True
    return len(s.split(".")[1]) <= d


def compare(case, orc, reach_dir, origin_ids=None):
    """The comparisons shared by every `reach distance` case."""
    cats, modes = orc.categories, orc.modes
    net_modes = [m for m in modes if m != "straight"]
    n = len(orc.origins)
    o = orc.origins
    codes = orc.wards[orc.code_field].astype(str).tolist()

    if net_modes:
        case.self_check("oracle self-check: forward Dijkstra from sampled origins = reversed multi-source search",
                   orc.self_bad, f"{orc.self_n} origin x mode samples")

    # --- origins.csv ---------------------------------------------------------------------------------------
    path = os.path.join(reach_dir, "origins.csv")
    if not os.path.exists(path):
        case.check("reach wrote origins.csv", [f"{path} missing (did reach fail? see its stderr)"])
        return
    rdf = pd.read_csv(path, dtype=str, keep_default_na=False)
    # Categories in read order or sorted by name (the contract leaves it open), modes in --modes order.
    orders = {"read order": cats, "sorted": sorted(cats, key=sanitise)}
    got = list(rdf.columns)
    bad, which = [], None
    for label, cs in orders.items():
        expect_cols = ["origin", "zone", "x", "y", "weight"] + [f"{sanitise(c)}_{m}" for c in cs for m in modes]
        expect_cols += [f"snap_{m}_metres" for m in net_modes]
        if got == expect_cols:
            which = label
            break
    if which is None:
        missing = [c for c in expect_cols if c not in got]
        extra = [c for c in got if c not in expect_cols]
        bad.append(f"missing {missing} extra {extra}" if missing or extra else f"order {got} != {expect_cols}")
    case.check("origins.csv columns", bad, f"{len(got)} columns, categories in {which}")
    if any(c not in got for c in expect_cols):
        return
    ids = [str(i) for i in range(n)] if origin_ids is None else [str(i) for i in origin_ids]
    case.check(
        "origins.csv one row per origin in input order"
        + (" (origin = 0-based index)" if origin_ids is None else " (origin = ward code)"),
        [] if len(rdf) == n and list(rdf.origin) == ids else [
            f"{len(rdf)} rows, expected {n}; first ids {list(rdf.origin[:5])}, expected {ids[:5]}"
        ],
        f"{n} origins",
    )
    if len(rdf) != n:
        return
    rx = rdf.x.map(num).to_numpy()
    ry = rdf.y.map(num).to_numpy()
    dxy = np.hypot(rx - o.x.to_numpy(), ry - o.y.to_numpy())
    bad = [f"origin {i}: reach ({rx[i]:.3f}, {ry[i]:.3f}), shapely ({o.x[i]:.3f}, {o.y[i]:.3f}), {dxy[i]:.2f} m"
           for i in np.flatnonzero(~(dxy <= XY_TOL_M))]
    case.check(f"origin positions within {XY_TOL_M:g} m (point on surface in EPSG:27700)", bad,
               f"max {np.nanmax(dxy):.3g} m")
    bad = [f"origin {i}: reach zone {rdf.zone[i]!r}, geopandas within {o.zone[i]!r}"
           for i in range(n) if rdf.zone[i] != o.zone[i]]
    case.check("origin zones = sjoin(predicate='within')", bad,
               f"{int((o.zone == '').sum())} origins outside every ward")
    rw = rdf.weight.map(num).to_numpy()
    bad = [f"origin {i}: reach {rw[i]}, input {o.weight[i]}" for i in np.flatnonzero(~np.isclose(rw, o.weight))]
    case.check("origin weights", bad)

    # Per-origin values.
    for m in modes:
        tol = orc.unit_tol(m)
        unit = "m" if m == "straight" else "min"
        dec = 3 if m == "straight" else 4
        for c in cats:
            col = f"{sanitise(c)}_{m}"
            rv = rdf[col].map(num).to_numpy()
            ov = orc.values[(c, m)]
            bad = [f"origin {i}: '{rdf[col][i]}' has more than {dec} decimals"
                   for i in range(n) if not decimals_ok(rdf[col][i], dec)]
            both = ~np.isnan(rv) & ~np.isnan(ov)
            diff = np.abs(rv - ov)
            for i in np.flatnonzero(both & (diff > tol)):
                way = orc.snap_way.get(m, [None] * n)[i]
                bad.append(f"origin {i} (zone {o.zone[i] or '-'}): reach {rv[i]:.4f} {unit}, oracle {ov[i]:.4f} {unit}"
                           + (f" (snapped to way {way}, {orc.snap[m][i]:.1f} m)" if way else ""))
            worst = float(np.max(diff[both])) if both.any() else 0.0
            case.check(f"{col} per origin within {tol:g} {unit}", bad,
                       f"{int(both.sum())} compared, max |diff| {worst:.3g} {unit}")
            if m != "straight":
                r_un, o_un = np.isnan(rv), np.isnan(ov)
                bad = [f"origin {i} (zone {o.zone[i] or '-'}): reach {'unreachable' if r_un[i] else f'{rv[i]:.2f} min'}, "
                       f"oracle {'unreachable' if o_un[i] else f'{ov[i]:.2f} min'}"
                       + (f" (oracle snap {orc.snap[m][i]:.1f} m)" if not np.isnan(orc.snap[m][i]) else " (oracle: unsnapped)")
                       for i in np.flatnonzero(r_un != o_un)]
                case.check(f"{col}: same origins unsnapped/unreachable", bad, f"{int(o_un.sum())} unreachable")
            elif np.isnan(rv).any() or np.isnan(ov).any():
                case.check(f"{col}: every origin has a straight distance",
                           [f"origin {i}: reach '{rdf[col][i]}'" for i in np.flatnonzero(np.isnan(rv))][:50]
                           + [f"origin {i}: oracle NaN" for i in np.flatnonzero(np.isnan(ov))][:50])
    for m in net_modes:
        col = f"snap_{m}_metres"
        rv = rdf[col].map(num).to_numpy()
        ov = orc.snap[m]
        bad = [f"origin {i} (zone {o.zone[i] or '-'}): reach {'unsnapped' if np.isnan(rv[i]) else f'{rv[i]:.3f} m'}, "
               f"oracle {'unsnapped' if np.isnan(ov[i]) else f'{ov[i]:.3f} m'}"
               for i in np.flatnonzero(np.isnan(rv) != np.isnan(ov))]
        both = ~np.isnan(rv) & ~np.isnan(ov)
        d = np.abs(rv - ov)
        bad += [f"origin {i}: reach {rv[i]:.3f} m, oracle {ov[i]:.3f} m (way {orc.snap_way[m][i]})"
                for i in np.flatnonzero(both & (d > SNAP_TOL_M))]
        case.check(f"{col} within {SNAP_TOL_M:g} m, same origins unsnapped", bad,
                   f"{int(np.isnan(ov).sum())} unsnapped; max |diff| {float(np.max(d[both])) if both.any() else 0:.3g} m")

    # --- wards.geojson -------------------------------------------------------------------------------------
    path = os.path.join(reach_dir, "wards.geojson")
    if not os.path.exists(path):
        case.check("reach wrote wards.geojson", [f"{path} missing"])
        return
    with open(path) as fh:
        feats = json.load(fh)["features"]
    props = [f.get("properties") or {} for f in feats]
    in_props = [{k: v for k, v in r.items() if k != "geometry"} for r in orc.wards.to_dict("records")]
    bad = [] if len(feats) == len(codes) else [f"{len(feats)} features, expected {len(codes)}"]
    for i, (p, q) in enumerate(zip(in_props, props)):
        if str(q.get(orc.code_field)) != codes[i]:
            bad.append(f"#{i}: {orc.code_field}={q.get(orc.code_field)!r}, expected {codes[i]!r}")
        lost = [k for k in p if k not in q]
        if lost:
            bad.append(f"#{i} {codes[i]}: input properties lost {lost}")
    case.check("wards: one feature per input ward, in order, input properties kept", bad, f"{len(codes)} wards")
    if len(feats) != len(codes):
        return

    expected_keys = ["origins_count", "origins_weight", "origins_unreachable", "reach_warning"]
    for c in cats:
        for m in modes:
            base = f"{sanitise(c)}_{m}"
            expected_keys += [f"{base}_mean", f"{base}_max"]
            expected_keys += [f"{base}_within_{fmt_t(t)}_pct" for t in orc.thresholds[m]]
            expected_keys += [f"{base}_count_within_{fmt_t(t)}" for t in orc.thresholds[m]]
            if m != "straight":
                expected_keys.append(f"{base}_unreachable")
    bad = []
    for i, q in enumerate(props):
        miss = [k for k in expected_keys if k not in q]
        if miss:
            bad.append(f"#{i} {codes[i]}: missing {miss[:6]}{' ...' if len(miss) > 6 else ''}")
    case.check("wards: every indicator property present", bad, f"{len(expected_keys)} per ward")
    if bad:
        return

    zone_arr = o.zone.to_numpy()
    unreach_max = np.zeros(len(codes), dtype=int)
    wt = o.weight.to_numpy(dtype=float)
    reach_vals = {(c, m): rdf[f"{sanitise(c)}_{m}"].map(num).to_numpy() for c in cats for m in modes}
    # Known origins: every origin in a straight line; those snapped to the mode's roads on a network.
    oracle_known = {m: np.ones(n, dtype=bool) if m == "straight" else ~np.isnan(orc.snap[m]) for m in modes}
    reach_known = {m: np.ones(n, dtype=bool) if m == "straight" else ~np.isnan(rdf[f"snap_{m}_metres"].map(num).to_numpy())
                   for m in modes}

    def ward_stats(values, sel, known):
        """(mean, max, (values, weights) for the shares, origins without a value) of the selected origins by
        docs/architecture.md's rule, written out here: weights as given, or 1 each when all the ward's weigh 0;
        mean and max over the origins with a value; shares over the known origins (snapped to the mode's roads),
        where one without a value (unreached) is not within and an unknown one (unsnapped) is left out."""
        v, w, k = values[sel], wt[sel], known[sel]
        if len(w) and w.sum() == 0:
            w = np.ones_like(w)
        ok = ~np.isnan(v)
        shares = (v[k], w[k]) if k.any() and w[k].sum() > 0 else None
        if not ok.any() or w[ok].sum() <= 0:
            return None, None, shares, int((~ok).sum())
        mean = float(np.sum(v[ok] * w[ok]) / w[ok].sum())
        return mean, float(np.max(v[ok])), shares, int((~ok).sum())

    def pct_range(v, w, t, tol):
        """Weighted % within t, as the lowest and highest it can be when values within tol of t go either way."""
        tot = w.sum()
        lo = 100.0 * w[v <= t - tol].sum() / tot
        hi = 100.0 * w[v <= t + tol].sum() / tot
        exact = 100.0 * w[v <= t].sum() / tot
        return lo, hi, exact

    count_ok = 0
    unreach_any = np.zeros(n, dtype=bool)
    for m in net_modes:
        for c in cats:
            unreach_any |= np.isnan(orc.values[(c, m)])
    for m in modes:
        tol = orc.unit_tol(m)
        unit = "m" if m == "straight" else "min"
        dp = 1 if m == "straight" else 2
        rnd = 0.5 * 10 ** -dp
        bad_mm, bad_pct, bad_cnt, bad_un, bad_self, bad_dec = [], [], [], [], [], []
        for c in cats:
            base = f"{sanitise(c)}_{m}"
            for wi, code in enumerate(codes):
                q = props[wi]
                sel = zone_arr == code
                omean, omax, ovw, o_unr = ward_stats(orc.values[(c, m)], sel, oracle_known[m])
                rmean, rmax, rvw, r_unr = ward_stats(reach_vals[(c, m)], sel, reach_known[m])
                for key, d in [(f"{base}_mean", dp), (f"{base}_max", dp)] + [
                    (f"{base}_within_{fmt_t(t)}_pct", 2) for t in orc.thresholds[m]
                ]:
                    v = q.get(key)
                    if v is not None and (not isinstance(v, (int, float)) or round(v, d) != v):
                        bad_dec.append(f"{code} {key}={v!r} (expected a number with at most {d} decimals)")
                # mean / max vs oracle
                for key, ov, rv in ((f"{base}_mean", omean, rmean), (f"{base}_max", omax, rmax)):
                    v = q.get(key)
                    if ov is None or v is None:
                        if (ov is None) != (v is None):
                            bad_mm.append(f"{code} {key}: reach {v!r}, oracle {ov!r}")
                    elif abs(v - ov) > tol + rnd:
                        bad_mm.append(f"{code} {key}: reach {v}, oracle {ov:.4f} {unit}")
                    # Internal consistency: the ward figure from reach's own per-origin values.
                    if rv is not None and v is not None and abs(v - rv) > rnd + 1e-9 + (0.0005 if m == "straight" else 0.00005):
                        bad_self.append(f"{code} {key}: {v} but reach's origins.csv gives {rv:.4f}")
                    elif (rv is None) != (v is None):
                        bad_self.append(f"{code} {key}: {v!r} but reach's origins.csv gives {rv!r}")
                for t in orc.thresholds[m]:
                    key = f"{base}_within_{fmt_t(t)}_pct"
                    v = q.get(key)
                    if ovw is None:
                        if v is not None:
                            bad_pct.append(f"{code} {key}: reach {v}, oracle null (no snapped origin)")
                    elif v is None:
                        bad_pct.append(f"{code} {key}: reach null, oracle {pct_range(*ovw, t, 0)[2]:.2f}")
                    else:
                        lo, hi, ex = pct_range(*ovw, t, tol)
                        if not (lo - 0.005 - 1e-9 <= v <= hi + 0.005 + 1e-9):
                            bad_pct.append(f"{code} {key}: reach {v}, oracle {ex:.2f} (range {lo:.2f}..{hi:.2f} "
                                           f"allowing {tol:g} {unit} at the threshold)")
                    if rvw is not None and v is not None:
                        r_ex = pct_range(*rvw, t, 0)[2]
                        if abs(r_ex - v) > 0.005 + 1e-9:
                            bad_self.append(f"{code} {key}: {v} but reach's origins.csv gives {r_ex:.3f}")
                    # count of services within t of the typical origin, capped
                    key = f"{base}_count_within_{fmt_t(t)}"
                    v = q.get(key)
                    cost = orc.typical_cost.get((wi, c, m), "absent")
                    if isinstance(cost, str):  # ward without origins
                        if v not in (None, 0):
                            bad_cnt.append(f"{code} {key}: reach {v!r}, ward has no origins (expected null or 0)")
                        else:
                            count_ok += 1
                        continue
                    if cost is None:  # typical origin unsnapped
                        if v not in (None, 0):
                            bad_cnt.append(f"{code} {key}: reach {v!r}, oracle: typical origin unsnapped (null or 0)")
                        else:
                            count_ok += 1
                        continue
                    cc = np.where(np.isnan(cost), np.inf, cost)
                    lo = min(COUNT_CAP, int(np.sum(cc <= t - tol)))
                    hi = min(COUNT_CAP, int(np.sum(cc <= t + tol)))
                    if not isinstance(v, int) or isinstance(v, bool) or not (lo <= v <= hi):
                        ex = min(COUNT_CAP, int(np.sum(cc <= t)))
                        bad_cnt.append(f"{code} {key}: reach {v!r}, oracle {ex}"
                                       + (f" (range {lo}..{hi})" if lo != hi else "")
                                       + f"; typical origin ({orc.typical[wi][0]:.1f}, {orc.typical[wi][1]:.1f})")
                    else:
                        count_ok += 1
                if m != "straight":
                    key = f"{base}_unreachable"
                    v = q.get(key)
                    o_unr_n = int(np.sum(np.isnan(orc.values[(c, m)][sel])))
                    unreach_max[wi] = max(unreach_max[wi], o_unr_n)
                    if v != o_unr_n:
                        bad_un.append(f"{code} {key}: reach {v!r}, oracle {o_unr_n}")
        case.check(f"wards {m}: *_mean, *_max within {tol:g} {unit} (+ rounding)", bad_mm)
        case.check(f"wards {m}: *_within_*_pct (weighted over the snapped origins, the unreached not within)", bad_pct)
        case.check(f"wards {m}: *_count_within_* from the typical origin, capped at {COUNT_CAP}", bad_cnt)
        if m != "straight":
            case.check(f"wards {m}: *_unreachable counts", bad_un)
        case.check(f"wards {m}: aggregates consistent with reach's own origins.csv", bad_self)
        case.check(f"wards {m}: rounding ({dp} dp for mean/max, 2 dp for pct)", bad_dec)

    bad, union_differs = [], []
    for wi, code in enumerate(codes):
        q = props[wi]
        sel = zone_arr == code
        if q.get("origins_count") != int(sel.sum()):
            bad.append(f"{code}: origins_count {q.get('origins_count')!r}, oracle {int(sel.sum())}")
        ow = float(wt[sel].sum())
        rw_ = q.get("origins_weight")
        if not isinstance(rw_, (int, float)) or abs(rw_ - ow) > 1e-6 * max(1.0, ow):
            bad.append(f"{code}: origins_weight {rw_!r}, oracle {ow:g}")
        # origins_unreachable: reach gives the largest {c}_{m}_unreachable of the ward (DistanceJob's
        # unreachableMax); the contract does not define it. The origins unreachable in at least one category and
        # mode (the union) can be more; it is shown when it differs.
        un = int(np.sum(unreach_any & sel))
        if q.get("origins_unreachable") != int(unreach_max[wi]):
            bad.append(f"{code}: origins_unreachable {q.get('origins_unreachable')!r}, oracle {int(unreach_max[wi])} "
                       f"(largest count over categories and network modes; {un} unreachable in at least one)")
        elif un != unreach_max[wi]:
            union_differs.append(f"{code} {un} vs {int(unreach_max[wi])}")
        if un and not q.get("reach_warning"):
            bad.append(f"{code}: {un} origins unreachable but reach_warning is {q.get('reach_warning')!r}")
    case.check("wards: origins_count, origins_weight, origins_unreachable (largest per category and mode), "
               "reach_warning", bad,
               f"union over categories and modes differs in {len(union_differs)} wards: {', '.join(union_differs[:3])}"
               if union_differs else "")


def check_status(case, reach_dir):
    """reach exited 0; its last 'timings:' line on stderr is printed."""
    reach_status(case, reach_dir, echo=("timings:",), echo_last=True)


def trafford_services(data, category_field=None, files=None):
    """{category: xy} from the Trafford GeoJSON files bundled in fixtures/trafford: by file stem, or by a property."""
    out = {}
    for stem in files or TRAFFORD_SERVICES:
        g = read_geojson(fixture("trafford", f"{stem}.geojson"))
        xy = points_of(g)
        if category_field is None:
            out.setdefault(stem, []).append(xy)
        else:
            for val, part in zip(g[category_field].astype(str), xy):
                out.setdefault(val, []).append(part[None, :])
    return {c: np.vstack(v) for c, v in out.items()}


def case_trafford_straight(name, reach_dir, data, tmp, category_field=None, files=None):
    case = Case(name)
    check_status(case, reach_dir)
    oa = read_geojson(fixture("trafford", "output_areas_2021.geojson"))
    origins = {"xy": points_of(oa), "weight": oa["population"].to_numpy(dtype=float)}
    services = trafford_services(data, category_field, files)
    orc = build_oracle(fixture("trafford", "wards_2017.geojson"), origins, services, ["straight"])
    compare(case, orc, reach_dir)
    return case


def case_trafford_wardpos(name, reach_dir, data, tmp):
    """No --origins: each ward's point on surface is its one origin, named by the ward code."""
    case = Case(name)
    check_status(case, reach_dir)
    wards, _ = read_wards(fixture("trafford", "wards_2017.geojson"))
    origins = {"xy": points_of(wards), "weight": np.ones(len(wards))}
    services = trafford_services(data, files=["gp_practices", "pharmacies"])
    orc = build_oracle(fixture("trafford", "wards_2017.geojson"), origins, services, ["straight"])
    compare(case, orc, reach_dir, origin_ids=wards[orc.code_field].astype(str).tolist())
    return case


def case_trafford_nearest(name, reach_dir, data, tmp, lonlat=False):
    case = Case(name)
    check_status(case, reach_dir)
    if lonlat:  # WGS84 CSVs: geopandas reprojects them (pyproj), reach must too
        ll = pd.read_csv(os.path.join(tmp, "trafford_oa_points_lonlat.csv"))
        og = gpd.GeoDataFrame(geometry=gpd.points_from_xy(ll.lon, ll.lat), crs="EPSG:4326").to_crs(WORKING_CRS)
        pts = pd.DataFrame({"easting": og.geometry.x, "northing": og.geometry.y})
        sv = pd.read_csv(os.path.join(tmp, "gp_lonlat.csv"))
        sg = gpd.GeoSeries(gpd.points_from_xy(sv.longitude, sv.latitude), crs="EPSG:4326").to_crs(WORKING_CRS)
        services = {"gp_lonlat": shapely.get_coordinates(sg.values)}
    else:
        pts = pd.read_csv(os.path.join(tmp, "trafford_oa_points.csv"))
        og = gpd.GeoDataFrame(geometry=gpd.points_from_xy(pts.easting, pts.northing), crs=WORKING_CRS)
        services = trafford_services(data)
    path = os.path.join(reach_dir, "nearest.csv")
    if not os.path.exists(path):
        case.check("reach wrote nearest.csv", [f"{path} missing"])
        return case
    r = pd.read_csv(path, dtype=str, keep_default_na=False)
    # Categories in read order or sorted by name (the contract leaves it open).
    expects = {label: ["point"] + [f"{sanitise(c)}_{s}" for c in cs for s in ("metres", "nearest")]
               for label, cs in (("read order", list(services)), ("sorted", sorted(services, key=sanitise)))}
    which = next((label for label, e in expects.items() if list(r.columns) == e), None)
    case.check("nearest.csv columns", [] if which else [f"{list(r.columns)} != {expects['read order']}"],
               f"categories in {which}")
    if which is None or len(r) != len(pts):
        case.check("nearest.csv rows", [f"{len(r)} rows, expected {len(pts)}"] if len(r) != len(pts) else [])
        return case
    case.check("nearest.csv one row per point in order",
               [] if list(r.point) == [str(i) for i in range(len(pts))] else ["point column is not 0..n-1"])
    for c, sxy in services.items():
        sg = gpd.GeoDataFrame({"si": np.arange(len(sxy))}, geometry=gpd.points_from_xy(sxy[:, 0], sxy[:, 1]),
                              crs=WORKING_CRS)
        j = gpd.sjoin_nearest(og, sg, how="left", distance_col="d")
        j = j[~j.index.duplicated(keep="first")].sort_index()
        od = j["d"].to_numpy()
        rd = r[f"{sanitise(c)}_metres"].map(num).to_numpy()
        ri = r[f"{sanitise(c)}_nearest"].map(num).to_numpy()
        bad = []
        for i in range(len(pts)):
            if not decimals_ok(r[f"{sanitise(c)}_metres"][i], 3):
                bad.append(f"point {i}: metres '{r[f'{sanitise(c)}_metres'][i]}' has more than 3 decimals")
            if not abs(rd[i] - od[i]) <= 0.001 + 1e-9:
                bad.append(f"point {i}: reach {rd[i]:.3f} m, geopandas {od[i]:.3f} m (service {j['si'].iloc[i]})")
                continue
            k = int(ri[i]) if not np.isnan(ri[i]) else -1
            if not 0 <= k < len(sxy):
                bad.append(f"point {i}: nearest index {r[f'{sanitise(c)}_nearest'][i]!r} out of range")
                continue
            dk = math.hypot(sxy[k, 0] - pts.easting[i], sxy[k, 1] - pts.northing[i])
            if abs(dk - od[i]) > 0.001 + 1e-9:
                bad.append(f"point {i}: service {k} is {dk:.3f} m away, the nearest ({int(j['si'].iloc[i])}) {od[i]:.3f} m")
        case.check(f"nearest {sanitise(c)}: metres within 1 mm and index of a nearest service", bad,
                   f"{len(pts)} points, {len(sxy)} services, max |diff| {np.nanmax(np.abs(rd - od)):.3g} m")
    return case


def case_network(name, reach_dir, data, tmp, place):
    case = Case(name)
    check_status(case, reach_dir)
    spec = NETWORK_PLACES[place]
    svc = pd.read_csv(os.path.join(tmp, f"{place}_services.csv"))
    services = {c: svc.loc[svc.category == c, ["easting", "northing"]].to_numpy(dtype=float)
                for c in dict.fromkeys(svc.category)}
    if spec["origins"]:
        og = read_geojson(os.path.join(data, spec["origins"]))
        origins = {"xy": points_of(og), "weight": np.ones(len(og))}
    else:
        g = pd.read_csv(os.path.join(tmp, f"{place}_grid_origins.csv"))
        origins = {"xy": g[["easting", "northing"]].to_numpy(dtype=float), "weight": np.ones(len(g))}
    orc = build_oracle(os.path.join(data, spec["wards"]), origins, services,
                       ["straight", "walk", "cycle", "car"], os.path.join(data, spec["pbf"]))
    compare(case, orc, reach_dir)
    return case


def case_rules(name, reach_dir, data, tmp):
    import rules_network

    case = Case(name)
    check_status(case, reach_dir)
    svc = pd.read_csv(os.path.join(tmp, "rules_services.csv"))
    og = pd.read_csv(os.path.join(tmp, "rules_origins.csv"))
    services = {"svc": svc[["easting", "northing"]].to_numpy(dtype=float)}
    origins = {"xy": og[["easting", "northing"]].to_numpy(dtype=float), "weight": np.ones(len(og))}
    # The probes are tiny networks: island pruning off here (reach runs with --min-island-nodes 0 too).
    orc = build_oracle(os.path.join(tmp, "rules_zones.geojson"), origins, services, ["walk", "cycle", "car"],
                       os.path.join(tmp, "rules.osm.pbf"), min_island_nodes=0)
    path = os.path.join(reach_dir, "origins.csv")
    rdf = pd.read_csv(path, dtype=str, keep_default_na=False) if os.path.exists(path) else None
    if rdf is not None and not all(c in rdf.columns for c in ("svc_walk", "snap_walk_metres", "svc_car")):
        rdf = None
    rules_network.compare_expected(case, orc, rdf, os.path.join(tmp, "rules_expect.json"))
    compare(case, orc, reach_dir)
    return case


def case_network_edges(name, reach_dir, data, tmp, place):
    """`reach network --out-edges`: every segment of every mode against roadnet.py's reading of the same extract
    (OSM node pair, length, seconds each way or closed), and the stderr summary's segment and edge counts."""
    case = Case(name)
    check_status(case, reach_dir)
    pbf = os.path.join(data, NETWORK_PLACES[place]["pbf"])
    net = roadnet.RoadNetwork.read(pbf)
    path = os.path.join(reach_dir, "edges.geojson")
    if not os.path.exists(path):
        case.check("reach wrote edges.geojson", [f"{path} missing"])
        return case
    with open(path) as fh:
        feats = json.load(fh)["features"]
    stderr = open(os.path.join(reach_dir, "stderr")).read() if os.path.exists(os.path.join(reach_dir, "stderr")) else ""
    speeds = {"walk": np.full(len(net.seg_u), 4.8), "cycle": np.full(len(net.seg_u), 16.0), "car": net.car_kmh}
    osm_u, osm_v = net.node_ids[net.seg_u], net.node_ids[net.seg_v]
    for m in roadnet.MODES:
        fwd, bwd = net.allowed[m]
        keep = np.flatnonzero(fwd | bwd)
        secs = net.seg_len / (speeds[m] / 3.6)
        oracle = {}
        for i in keep:
            oracle.setdefault((int(osm_u[i]), int(osm_v[i])), []).append(
                (float(net.seg_len[i]), float(secs[i]) if fwd[i] else None, float(secs[i]) if bwd[i] else None,
                 int(net.way_ids[net.seg_way[i]])))
        got = {}
        for f in feats:
            q = f["properties"]
            if q.get("mode") == m:
                got.setdefault((int(q["from_osm_node"]), int(q["to_osm_node"])), []).append(
                    (q["length_m"], q["forward_s"], q["backward_s"]))
        n_or = sum(len(v) for v in oracle.values())
        n_got = sum(len(v) for v in got.values())
        bad = [] if n_or == n_got else [f"reach {n_got} segments, oracle {n_or}"]
        edges_or = int(fwd[keep].sum() + bwd[keep].sum())
        mm = re.search(rf"{m}: ([0-9,]+) nodes, ([0-9,]+) segments \(([0-9,]+) directed edges\)", stderr)
        if mm:
            seg_r, edg_r = int(mm.group(2).replace(",", "")), int(mm.group(3).replace(",", ""))
            if seg_r != n_or:
                bad.append(f"summary: {seg_r} segments, oracle {n_or}")
            if edg_r != edges_or:
                bad.append(f"summary: {edg_r} directed edges, oracle {edges_or} (one per open direction)")
        else:
            bad.append(f"no '{m}: N nodes, N segments (N directed edges)' line on stderr")
        case.check(f"{m}: segment and directed-edge counts", bad, f"{n_or} segments, {edges_or} directed edges")

        def close(a, b, tol):
            return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= tol)

        bad = []
        for key, rows in oracle.items():
            theirs = list(got.get(key, []))
            for length, fs, bs, way in rows:
                hit = next((t for t in theirs if close(t[0], length, 0.006) and close(t[1], fs, 0.006)
                            and close(t[2], bs, 0.006)), None)
                if hit is None:
                    bad.append(f"way {way} nodes {key[0]}->{key[1]}: oracle length {length:.2f} m, "
                               f"forward {fs if fs is None else round(fs, 2)} s, backward "
                               f"{bs if bs is None else round(bs, 2)} s; reach {theirs or 'no such segment'}")
                else:
                    theirs.remove(hit)
        extra = [f"nodes {k[0]}->{k[1]}: reach {v}, oracle none" for k, v in got.items() if k not in oracle]
        case.check(f"{m}: every segment's length and seconds each way (0.01 m / 0.01 s; null = closed)",
                   bad + extra, f"{len(oracle)} node pairs")
    return case


CASES = {
    "network-rutland": lambda n, d, data, tmp: case_network_edges(n, d, data, tmp, "rutland"),
    "network-newport": lambda n, d, data, tmp: case_network_edges(n, d, data, tmp, "newport"),
    "distance-rules": case_rules,
    "distance-trafford": lambda n, d, data, tmp: case_trafford_straight(n, d, data, tmp),
    "distance-trafford-school-phase": lambda n, d, data, tmp: case_trafford_straight(
        n, d, data, tmp, category_field="phase_derived", files=["schools"]),
    "distance-trafford-wardpos": case_trafford_wardpos,
    "nearest-trafford": case_trafford_nearest,
    "nearest-trafford-lonlat": lambda n, d, data, tmp: case_trafford_nearest(n, d, data, tmp, lonlat=True),
    "distance-rutland": lambda n, d, data, tmp: case_network(n, d, data, tmp, "rutland"),
    "distance-newport": lambda n, d, data, tmp: case_network(n, d, data, tmp, "newport"),
}


def check(args):
    return run_cases(args, CASES.get)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", default="../shared/data")
    p.add_argument("--tmp", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c)
    args = ap.parse_args()
    return prepare(args) if args.cmd == "prepare" else check(args)


if __name__ == "__main__":
    sys.exit(main())
