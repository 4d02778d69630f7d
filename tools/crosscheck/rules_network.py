"""A hand-made road network with one small probe per rule of docs/road-network.md, and the travel time each
probe's origin must get, worked out by hand (length along the chain / speed). Written as a real .osm.pbf with
tools/fixtures/osm_pbf.py, so reach reads it exactly like an extract.

Each probe is its own component, 3 km from the next (far beyond the 500 m snap limit), inside its own square
zone `Pnn`, with one origin and one service (category `svc`). A probe is a chain of nodes 200 m apart along x
(1,000 m) unless it says otherwise; its origin sits 20 m off the chain near one end, its service 20 m off near
the other, so both snap inside a segment (never exactly on a node, unless the probe is about that).

    write(tmpdir)  -> dict of paths; also writes rules_expect.json: per origin {mode: ["t", minutes] |
                      ["unsnapped"] | ["unreachable"]}
"""

import json
import os
import sys

import numpy as np
import pyproj
import shapely

MPH = 1.609344
WALK, CYCLE = 4.8, 16.0
E0, N0 = 400000.0, 300000.0  # Leicestershire: well inside England and BNG's area of use
SPACING = 3000.0
COLUMNS = 6

# (name, ways, origin, service, expectations)
#   ways: list of (tags, [(x, y) ...]) relative to the probe's corner; "MISSING" in a node list = a reference
#         to a node not in the file
#   origin/service: (x, y) relative; extra origins: list
#   expectations: {mode: "unsnapped" | "unreachable" | ("along", car_kmh or None)}; "along" = |project(service)
#                 - project(origin)| along the probe's first way (or the way named by "along_way")
CHAIN = [(0, 0), (200, 0), (400, 0), (600, 0), (800, 0), (1000, 0)]
O_START, S_END = (20, 20), (980, 20)
O_END, S_START = (980, 20), (20, 20)
T = ("along", None)


def hw(h, **kw):
    tags = {"highway": h}
    tags.update({k.replace("__", ":"): v for k, v in kw.items()})
    return tags


PROBES = [
    ("residential, two-way", [(hw("residential"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 32)}),
    ("footway: walk only", [(hw("footway"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": "unsnapped", "car": "unsnapped"}),
    ("footway + bicycle=yes opens cycle", [(hw("footway", bicycle="yes"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": "unsnapped"}),
    ("service + access=private closes all", [(hw("service", access="private"), CHAIN)], O_START, S_END,
     {"walk": "unsnapped", "cycle": "unsnapped", "car": "unsnapped"}),
    ("service + access=private + foot=yes: walk only", [(hw("service", access="private", foot="yes"), CHAIN)],
     O_START, S_END, {"walk": T, "cycle": "unsnapped", "car": "unsnapped"}),
    ("motorway + foot=yes: never walkable; car one-way at 112", [(hw("motorway", foot="yes"), CHAIN)],
     O_START, S_END, {"walk": "unsnapped", "cycle": "unsnapped", "car": ("along", 112)}),
    ("oneway=yes, with the flow", [(hw("residential", oneway="yes"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 32)}),
    ("oneway=yes, against the flow", [(hw("residential", oneway="yes"), CHAIN)], O_END, S_START,
     {"walk": T, "cycle": "unreachable", "car": "unreachable"}),
    ("oneway=-1, along the node order", [(hw("residential", oneway="-1"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": "unreachable", "car": "unreachable"}),
    ("oneway=-1, against the node order", [(hw("residential", oneway="-1"), CHAIN)], O_END, S_START,
     {"walk": T, "cycle": T, "car": ("along", 32)}),
    ("oneway=yes + oneway:bicycle=no, against the flow", [(hw("residential", oneway="yes", oneway__bicycle="no"),
                                                           CHAIN)], O_END, S_START,
     {"walk": T, "cycle": T, "car": "unreachable"}),
    ("oneway=yes + cycleway=opposite_lane, against the flow",
     [(hw("residential", oneway="yes", cycleway="opposite_lane"), CHAIN)], O_END, S_START,
     {"walk": T, "cycle": T, "car": "unreachable"}),
    ("oneway=reversible: closed to car and cycle", [(hw("residential", oneway="reversible"), CHAIN)], O_START,
     S_END, {"walk": T, "cycle": "unsnapped", "car": "unsnapped"}),
    ("junction=roundabout implies oneway, against the flow", [(hw("residential", junction="roundabout"), CHAIN)],
     O_END, S_START, {"walk": T, "cycle": "unreachable", "car": "unreachable"}),
    ("motorway + oneway=no: two-way", [(hw("motorway", oneway="no"), CHAIN)], O_END, S_START,
     {"walk": "unsnapped", "cycle": "unsnapped", "car": ("along", 112)}),
    ("maxspeed=30 mph", [(hw("residential", maxspeed="30 mph"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 30 * MPH)}),
    ("maxspeed=50 (km/h)", [(hw("residential", maxspeed="50"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 50)}),
    ("maxspeed=GB:nsl_single", [(hw("residential", maxspeed="GB:nsl_single"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 60 * MPH)}),
    ("maxspeed=UK:nsl_dual", [(hw("residential", maxspeed="UK:nsl_dual"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 70 * MPH)}),
    ("maxspeed=walk", [(hw("residential", maxspeed="walk"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 5)}),
    ("maxspeed=none: class default", [(hw("residential", maxspeed="none"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 32)}),
    ("maxspeed=20;30: the first", [(hw("residential", maxspeed="20;30"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 20)}),
    ("maxspeed=40 km/h", [(hw("residential", maxspeed="40 km/h"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 40)}),
    ("maxspeed=GB:zone20", [(hw("tertiary", maxspeed="GB:zone20"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 20 * MPH)}),
    ("trunk: class default 96", [(hw("trunk"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 96)}),
    ("track + motor_vehicle=yes opens car (maxspeed 20 mph)",
     [(hw("track", motor_vehicle="yes", maxspeed="20 mph"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 20 * MPH)}),
    ("path + motorcar=yes + maxspeed=10: car", [(hw("path", motorcar="yes", maxspeed="10"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": T, "car": ("along", 10)}),
    ("bicycle=dismount closes cycle", [(hw("residential", bicycle="dismount"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": "unsnapped", "car": ("along", 32)}),
    ("foot=use_sidepath + access=no: foot decides (default)", [(hw("residential", foot="use_sidepath",
                                                                   access="no"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": "unsnapped", "car": "unsnapped"}),
    ("motorcar=yes + access=no: car only", [(hw("residential", motorcar="yes", access="no"), CHAIN)], O_START,
     S_END, {"walk": "unsnapped", "cycle": "unsnapped", "car": ("along", 32)}),
    ("vehicle=no: walk only", [(hw("residential", vehicle="no"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": "unsnapped", "car": "unsnapped"}),
    ("steps: walk only", [(hw("steps"), CHAIN)], O_START, S_END,
     {"walk": T, "cycle": "unsnapped", "car": "unsnapped"}),
    ("pedestrian + area=yes: ignored", [(hw("pedestrian", area="yes"), CHAIN)], O_START, S_END,
     {"walk": "unsnapped", "cycle": "unsnapped", "car": "unsnapped"}),
    ("highway=construction: ignored", [(hw("construction"), CHAIN)], O_START, S_END,
     {"walk": "unsnapped", "cycle": "unsnapped", "car": "unsnapped"}),
    ("missing node splits the way", [(hw("residential"),
                                      [(0, 0), (200, 0), (400, 0), "MISSING", (800, 0), (1000, 0)])],
     O_START, S_END, {"walk": "unreachable", "cycle": "unreachable", "car": "unreachable"}),
    ("same segment, with the flow: direct", [(hw("residential", oneway="yes"), [(0, 0), (1000, 0)])],
     (200, 20), (800, 20), {"walk": T, "cycle": T, "car": ("along", 32)}),
    ("same segment, against the flow", [(hw("residential", oneway="yes"), [(0, 0), (1000, 0)])],
     (800, 20), (200, 20), {"walk": T, "cycle": "unreachable", "car": "unreachable"}),
    # Origin beyond node A: both ways end at A, tie -> the lower index (the one-way). At A it may leave by
    # any edge (docs: a snap exactly on a node), so it reaches the service along the two-way way north.
    ("snap on a node leaves by any edge", [
        (hw("residential", oneway="yes"), [(0, 0), (200, 0), (400, 0), (600, 0), (800, 0), (1000, 0)]),
        (hw("residential"), [(0, 0), (0, 200), (0, 400), (0, 600), (0, 800), (0, 1000)]),
    ], (-50, -50), (20, 980), {"walk": ("along_way", 1), "cycle": ("along_way", 1), "car": ("along_way", 1, 32)}),
    ("500 m snap limit: 499 m snapped", [(hw("residential"), CHAIN)], (500, 499), S_END,
     {"walk": T, "cycle": T, "car": ("along", 32)}),
    ("500 m snap limit: 501 m unsnapped", [(hw("residential"), CHAIN)], (500, -501), S_END,
     {"walk": "unsnapped", "cycle": "unsnapped", "car": "unsnapped"}),
]


def _fmt(mode, exp, along):
    if isinstance(exp, str):
        return [exp]
    kmh = {"walk": WALK, "cycle": CYCLE}.get(mode)
    if mode == "car":
        kmh = exp[-1]
    return ["t", along / (kmh / 3.6) / 60.0]


def write(tmp):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
    import osm_pbf  # tools/fixtures/osm_pbf.py

    to_ll = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    to_xy = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    nodes, ways, zones, origins, services, expect = [], [], [], [], [], []
    for k, (name, pways, o, s, exp) in enumerate(PROBES):
        cx = E0 + (k % COLUMNS) * SPACING
        cy = N0 + (k // COLUMNS) * SPACING
        code = f"P{k + 1:02d}"
        lines = []
        node_at = {}
        for j, (tags, pts) in enumerate(pways):
            refs, xy = [], []
            for p in pts:
                if p == "MISSING":
                    refs.append(9_000_000 + k)
                    continue
                if p not in node_at:
                    lon, lat = to_ll.transform(cx + p[0], cy + p[1])
                    lon, lat = round(lon, 7), round(lat, 7)  # what the PBF stores (granularity 100 nanodegrees)
                    nid = 100_000 + k * 100 + len(node_at)
                    node_at[p] = (nid, lon, lat)
                    nodes.append((nid, lon, lat, {}))
                nid, lon, lat = node_at[p]
                refs.append(nid)
                xy.append(to_xy.transform(lon, lat))
            ways.append((1000 + k * 10 + j, refs, tags))
            lines.append(shapely.LineString(xy))
        ox, oy = cx + o[0], cy + o[1]
        sx, sy = cx + s[0], cy + s[1]
        origins.append((len(origins), ox, oy))
        services.append((len(services), "svc", sx, sy))
        row = {"probe": code, "name": name}
        for mode, e in exp.items():
            line = lines[e[1]] if not isinstance(e, str) and e[0] == "along_way" else lines[0]
            if not isinstance(e, str) and e[0] == "along_way":
                along = line.project(shapely.Point(sx, sy))  # from the node the origin snaps to (the start)
            else:
                along = abs(line.project(shapely.Point(sx, sy)) - line.project(shapely.Point(ox, oy)))
            row[mode] = _fmt(mode, e, along)
        expect.append(row)
        h = SPACING / 2 - 100
        ring = [(cx - h + 500, cy - h), (cx + h + 500, cy - h), (cx + h + 500, cy + h), (cx - h + 500, cy + h)]
        ring = [list(to_ll.transform(x, y)) for x, y in ring]
        zones.append({"type": "Feature", "properties": {"code": code, "name": name},
                      "geometry": {"type": "Polygon", "coordinates": [ring + [ring[0]]]}})
    paths = {k: os.path.join(tmp, f"rules_{k}") for k in ("pbf", "zones", "origins", "services", "expect")}
    paths = {"pbf": os.path.join(tmp, "rules.osm.pbf"), "zones": os.path.join(tmp, "rules_zones.geojson"),
             "origins": os.path.join(tmp, "rules_origins.csv"), "services": os.path.join(tmp, "rules_services.csv"),
             "expect": os.path.join(tmp, "rules_expect.json")}
    osm_pbf.write_pbf(paths["pbf"], sorted(nodes), sorted(ways, key=lambda w: w[0]))
    with open(paths["zones"], "w") as fh:
        json.dump({"type": "FeatureCollection", "features": zones}, fh)
    with open(paths["origins"], "w") as fh:
        fh.write("id,easting,northing\n")
        fh.writelines(f"{i},{x:.3f},{y:.3f}\n" for i, x, y in origins)
    with open(paths["services"], "w") as fh:
        fh.write("id,category,easting,northing\n")
        fh.writelines(f"{i},{c},{x:.3f},{y:.3f}\n" for i, c, x, y in services)
    with open(paths["expect"], "w") as fh:
        json.dump(expect, fh, indent=1)
    return paths, len(PROBES)


def compare_expected(case, orc, rdf, expect_path, tol_min=0.002):
    """Per origin (one per probe) and mode: reach's origins.csv and the oracle against the hand calculation."""
    with open(expect_path) as fh:
        expect = json.load(fh)
    for who, get in (("oracle", lambda i, m: orc.values[("svc", m)][i]),
                     ("reach", (lambda i, m: _cell(rdf, i, f"svc_{m}")) if rdf is not None else None)):
        if get is None:
            continue
        for m in ("walk", "cycle", "car"):
            bad = []
            for i, row in enumerate(expect):
                e = row[m]
                v = get(i, m)
                snapped = (not np.isnan(orc.snap[m][i])) if who == "oracle" else (
                    not np.isnan(_cell(rdf, i, f"snap_{m}_metres")))
                what = f"{row['probe']} {row['name']}"
                if e[0] == "t":
                    if np.isnan(v) or abs(v - e[1]) > tol_min:
                        bad.append(f"{what}: {who} {'unreachable' if np.isnan(v) else f'{v:.4f} min'}, "
                                   f"hand {e[1]:.4f} min")
                elif e[0] == "unsnapped":
                    if snapped or not np.isnan(v):
                        bad.append(f"{what}: {who} {'snapped' if snapped else ''} {v:.4f}, hand: unsnapped")
                else:
                    if not snapped or not np.isnan(v):
                        bad.append(f"{what}: {who} {'snapped' if snapped else 'unsnapped'} time {v:.4f}, "
                                   f"hand: snapped but unreachable")
            case.check(f"{who} {m} = hand calculation on every probe (within {tol_min:g} min)", bad,
                       f"{len(expect)} probes")


def _cell(rdf, i, col):
    s = str(rdf[col][i]).strip()
    return float(s) if s else np.nan
