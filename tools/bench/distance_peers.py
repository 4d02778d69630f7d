"""Peers and helpers for tools/bench/distance.sh: the same jobs as `reach nearest`, `reach network` and
`reach distance --modes walk`, done by the Python tools people use for them, each printing its own
`timings: <step> <x.xx> s, ...` line to stderr (the format reach prints) so the bench can report steps.

usage:
  distance_peers.py make-straight --points N --services K --seed S --out-dir DIR
        random points over England's extent (BNG), CSV id,easting,northing (points.csv, services.csv)
  distance_peers.py kdtree --points P.csv --services S.csv --workers W --out OUT.csv   scipy cKDTree
  distance_peers.py sjoin  --points P.csv --services S.csv --out OUT.csv               geopandas sjoin_nearest
  distance_peers.py pyrosm-read --osm F.osm.pbf          pyrosm OSM(F).get_network(network_type="all")
  distance_peers.py pyosmium-read --osm F.osm.pbf        tools/crosscheck/roadnet.py: pyosmium read + the rules
  distance_peers.py pandana --osm F --services S.csv --category C --origins O.csv --out OUT.csv [--walk-kmh]
        pyrosm walking network -> pandana Network (travel-time weights), precompute, set_pois, nearest_pois
  distance_peers.py networkx --osm F --services S.csv --category C --origins O.csv --out OUT.csv [--walk-kmh]
        tools/crosscheck/roadnet.py walk graph, segment snapping, networkx multi_source_dijkstra
  distance_peers.py zones --origins O.csv --cell 2000 --out Z.geojson   square grid of zones (WGS84, `code`)
  distance_peers.py agree A.csv COL_A B.csv COL_B --tol T            share of rows agreeing within T
  distance_peers.py summary DIR SECTION...                            the tables, from DIR's time and log files
"""

import argparse
import json
import os
import re
import statistics
import sys
import time

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
# England's extent in British National Grid metres (Isles of Scilly to Berwick, Land's End to Lowestoft).
ENGLAND_BNG = (82_000.0, 5_000.0, 656_000.0, 658_000.0)


class Clock:
    def __init__(self):
        self.t = time.perf_counter()
        self.steps = []

    def step(self, name):
        now = time.perf_counter()
        self.steps.append((name, now - self.t))
        self.t = now

    def report(self, extra=""):
        line = ", ".join(f"{n} {s:.2f} s" for n, s in self.steps)
        print(f"timings: {line}{extra}", file=sys.stderr)


def read_points(path):
    df = pd.read_csv(path)
    return df, df[["easting", "northing"]].to_numpy(dtype=float)


# ------------------------------------------------------------------------------------------------ straight line
def make_straight(a):
    rng = np.random.default_rng(a.seed)
    x0, y0, x1, y1 = ENGLAND_BNG
    os.makedirs(a.out_dir, exist_ok=True)
    for name, n in (("points", a.points), ("services", a.services)):
        xy = np.column_stack([rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)])
        pd.DataFrame({"id": np.arange(n), "easting": xy[:, 0], "northing": xy[:, 1]}).to_csv(
            os.path.join(a.out_dir, f"{name}.csv"), index=False, float_format="%.2f")


def write_nearest(path, dist, idx, name="services"):
    pd.DataFrame({"point": np.arange(len(dist)), f"{name}_metres": np.round(dist, 3), f"{name}_nearest": idx}).to_csv(
        path, index=False, float_format="%.3f")


def kdtree(a):
    from scipy.spatial import cKDTree

    c = Clock()
    _, p = read_points(a.points)
    _, s = read_points(a.services)
    c.step("read")
    tree = cKDTree(s)
    c.step("build index")
    dist, idx = tree.query(p, k=1, workers=a.workers)
    c.step("nearest search")
    write_nearest(a.out, dist, idx)
    c.step("write")
    c.report()


def sjoin(a):
    import geopandas as gpd

    c = Clock()
    _, p = read_points(a.points)
    _, s = read_points(a.services)
    c.step("read")
    pg = gpd.GeoDataFrame(geometry=gpd.points_from_xy(p[:, 0], p[:, 1]), crs="EPSG:27700")
    sg = gpd.GeoDataFrame({"si": np.arange(len(s))}, geometry=gpd.points_from_xy(s[:, 0], s[:, 1]), crs="EPSG:27700")
    c.step("build geometries")
    j = gpd.sjoin_nearest(pg, sg, how="left", distance_col="d")
    j = j[~j.index.duplicated(keep="first")].sort_index()
    c.step("nearest search")
    write_nearest(a.out, j["d"].to_numpy(), j["si"].to_numpy())
    c.step("write")
    c.report()


# ------------------------------------------------------------------------------------------------ PBF reading
def pyrosm_read(a):
    from pyrosm import OSM

    c = Clock()
    osm = OSM(a.osm)
    nodes, edges = osm.get_network(network_type="all", nodes=True)
    c.step("read network")
    c.report(f"  ({len(nodes)} nodes, {len(edges)} edges)")


def pyosmium_read(a):
    sys.path.insert(0, os.path.join(HERE, "..", "crosscheck"))
    import roadnet

    c = Clock()
    net = roadnet.RoadNetwork.read(a.osm)
    c.step("read network")
    # The networkx graphs are left out: on the 1M-node synthetic network they take ~80 s and 7 GB for three modes.
    c.report(f"  ({net.stats['nodes']} nodes, {net.stats['segments']} segments)")


# ------------------------------------------------------------------------------------------------ network peers
def load_services_origins(a):
    svc = pd.read_csv(a.services)
    if a.category:
        svc = svc[svc["category"] == a.category]
    org = pd.read_csv(a.origins)
    return svc[["easting", "northing"]].to_numpy(dtype=float), org[["easting", "northing"]].to_numpy(dtype=float)


def pandana_peer(a):
    import pandana
    import pyproj
    from pyrosm import OSM

    c = Clock()
    sxy, oxy = load_services_origins(a)
    c.step("read points")
    nodes, edges = OSM(a.osm).get_network(network_type="walking", nodes=True)
    c.step("read network")
    x, y = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True).transform(
        nodes["lon"].to_numpy(), nodes["lat"].to_numpy())
    ids = nodes["id"].to_numpy()
    secs = edges["length"].to_numpy(dtype=float) / (a.walk_kmh / 3.6)
    net = pandana.Network(pd.Series(x, index=ids), pd.Series(y, index=ids), edges["u"].to_numpy(),
                          edges["v"].to_numpy(), pd.DataFrame({"seconds": secs}), twoway=True)
    # pandana.Network() builds its contraction hierarchy here: that is the preprocessing nearest_pois uses.
    # Network.precompute(d) is not called: it caches every node's range query up to d for aggregate(), which
    # nearest_pois does not use, and at a walking horizon of an hour it needs memory per node x reachable nodes.
    horizon = a.max_minutes * 60.0
    c.step("network build (CH)")
    net.set_pois(category="svc", maxdist=horizon, maxitems=1, x_col=pd.Series(sxy[:, 0]), y_col=pd.Series(sxy[:, 1]))
    near = net.nearest_pois(horizon, "svc", num_pois=1, max_distance=np.inf)
    c.step("nearest_pois query")
    # Origins further than the snap limit from every node get no node (pandana drops them), as reach's unsnapped.
    onode = net.get_node_ids(pd.Series(oxy[:, 0]), pd.Series(oxy[:, 1]), mapping_distance=a.max_snap_metres)
    minutes = near[1].reindex(onode.reindex(np.arange(len(oxy))).to_numpy()).to_numpy() / 60.0
    c.step("origins to nodes")
    minutes = np.where(np.isfinite(minutes), minutes, np.nan)
    pd.DataFrame({"origin": np.arange(len(oxy)), "minutes": np.round(minutes, 4)}).to_csv(a.out, index=False)
    c.step("write")
    c.report(f"  ({len(nodes)} nodes, {len(edges)} edges, {len(sxy)} services, {len(oxy)} origins)")


def networkx_peer(a):
    sys.path.insert(0, os.path.join(HERE, "..", "crosscheck"))
    import roadnet

    c = Clock()
    sxy, oxy = load_services_origins(a)
    c.step("read points")
    net = roadnet.RoadNetwork.read(a.osm)
    c.step("read network")
    g = net.mode_graph("walk", walk_kmh=a.walk_kmh)
    c.step("build graph")
    osnap = g.snap(oxy, a.max_snap_metres)
    ssnap = g.snap(sxy, a.max_snap_metres)
    c.step("snap")
    secs = g.times_to_nearest(ssnap, osnap)
    c.step("network search")
    minutes = [np.nan if (s is None or not np.isfinite(s)) else s / 60.0 for s in secs]
    pd.DataFrame({"origin": np.arange(len(oxy)), "minutes": np.round(minutes, 4)}).to_csv(a.out, index=False)
    c.step("write")
    c.report(f"  ({g.n_edges} directed edges, {len(sxy)} services, {len(oxy)} origins)")


def zones(a):
    import pyproj

    _, oxy = read_points(a.origins)
    x0, y0 = np.floor(oxy.min(axis=0) / a.cell) * a.cell
    x1, y1 = np.ceil(oxy.max(axis=0) / a.cell) * a.cell
    tr = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    feats = []
    for j, yy in enumerate(np.arange(y0, y1, a.cell)):
        for i, xx in enumerate(np.arange(x0, x1, a.cell)):
            ring = [(xx, yy), (xx + a.cell, yy), (xx + a.cell, yy + a.cell), (xx, yy + a.cell), (xx, yy)]
            ll = [[round(v, 7) for v in tr.transform(px, py)] for px, py in ring]
            feats.append({"type": "Feature", "properties": {"code": f"Z{j:03d}_{i:03d}"},
                          "geometry": {"type": "Polygon", "coordinates": [ll]}})
    with open(a.out, "w") as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh)
    print(f"zones: {len(feats)} cells of {a.cell:g} m -> {a.out}", file=sys.stderr)


def agree(a):
    ra = pd.read_csv(a.a)[a.col_a].to_numpy(dtype=float)
    rb = pd.read_csv(a.b)[a.col_b].to_numpy(dtype=float)
    if len(ra) != len(rb):
        print(f"agree: {len(ra)} vs {len(rb)} rows")
        return 1
    both = ~np.isnan(ra) & ~np.isnan(rb)
    d = np.abs(ra - rb)[both]
    within = float(np.mean(d <= a.tol)) * 100 if len(d) else 100.0
    print(f"{os.path.basename(a.a)}:{a.col_a} vs {os.path.basename(a.b)}:{a.col_b}: {int(both.sum())} both "
          f"present, {int((np.isnan(ra) != np.isnan(rb)).sum())} present in one only; {within:.2f}% within {a.tol:g}; "
          f"median |diff| {np.median(d) if len(d) else 0:.4g}, max {d.max() if len(d) else 0:.4g}")
    return 0


# ------------------------------------------------------------------------------------------------ summary
def parse_timings(log):
    steps = {}
    for line in open(log, errors="replace"):
        if "timings:" in line:
            for m in re.finditer(r"([A-Za-z][A-Za-z0-9 +_/()-]*?) ([0-9]+\.[0-9]+) s", line.split("timings:", 1)[1]):
                steps[m.group(1).strip()] = float(m.group(2))
    return steps


def summary(a):
    """DIR holds NAME.time ('seconds maxrss_kib' per run) and NAME.run<i>.log; the sections are lists in
    DIR/sections.json written by distance.sh: {section: [[name, label, [step, ...]], ...]}."""
    with open(os.path.join(a.dir, "sections.json")) as fh:
        sections = json.load(fh)
    for sec in a.sections:
        if sec not in sections:
            continue
        title, rows, base = sections[sec]["title"], sections[sec]["rows"], sections[sec].get("baseline")
        print()
        print(title)
        table = []
        for name, label, steps in rows:
            tf = os.path.join(a.dir, f"{name}.time")
            if not os.path.exists(tf):
                table.append((label, None, None, "not run", name))
                continue
            vals = [l.split() for l in open(tf) if l.strip() and l[0].isdigit()]
            secs = [float(v[0]) for v in vals]
            mib = [int(v[1]) / 1024 for v in vals]
            logs = sorted(f for f in os.listdir(a.dir) if f.startswith(f"{name}.run") and f.endswith(".log"))
            parsed = [parse_timings(os.path.join(a.dir, f)) for f in logs]
            step_txt = []
            for st in steps:
                xs = [p[st] for p in parsed if st in p]
                if xs:
                    step_txt.append(f"{st} {statistics.median(xs):.2f}")
            table.append((label, statistics.median(secs), max(mib), "; ".join(step_txt), name))
        ref = next((r for r in table if r[4] == base and r[1]), None)
        w = max(len(r[0]) for r in table)
        print(f"{'tool':<{w}}  {'median s':>8}  {'peak MiB':>8}  {'x reach time':>12}  {'x reach mem':>11}  steps (median s)")
        for label, s, m, steps, name in table:
            if s is None:
                print(f"{label:<{w}}  {'-':>8}  {'-':>8}  {'':>12}  {'':>11}  {steps}")
                continue
            rt = f"{s / ref[1]:.2f}" if ref else "-"
            rm = f"{m / ref[2]:.2f}" if ref else "-"
            print(f"{label:<{w}}  {s:>8.2f}  {m:>8.1f}  {rt:>12}  {rm:>11}  {steps}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("make-straight")
    p.add_argument("--points", type=int, default=200_000)
    p.add_argument("--services", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--out-dir", required=True)
    for name in ("kdtree", "sjoin"):
        p = sub.add_parser(name)
        p.add_argument("--points", required=True)
        p.add_argument("--services", required=True)
        p.add_argument("--out", required=True)
        if name == "kdtree":
            p.add_argument("--workers", type=int, default=1)
    for name in ("pyrosm-read", "pyosmium-read"):
        p = sub.add_parser(name)
        p.add_argument("--osm", required=True)
    for name in ("pandana", "networkx"):
        p = sub.add_parser(name)
        p.add_argument("--osm", required=True)
        p.add_argument("--services", required=True)
        p.add_argument("--category")
        p.add_argument("--origins", required=True)
        p.add_argument("--out", required=True)
        p.add_argument("--walk-kmh", type=float, default=4.8)
        p.add_argument("--max-minutes", type=float, default=60.0, help="pandana search horizon")
        p.add_argument("--max-snap-metres", type=float, default=500.0)
    p = sub.add_parser("zones")
    p.add_argument("--origins", required=True)
    p.add_argument("--cell", type=float, default=2000.0)
    p.add_argument("--out", required=True)
    p = sub.add_parser("agree")
    p.add_argument("a")
    p.add_argument("col_a")
    p.add_argument("b")
    p.add_argument("col_b")
    p.add_argument("--tol", type=float, required=True)
    p = sub.add_parser("summary")
    p.add_argument("dir")
    p.add_argument("sections", nargs="+")
    a = ap.parse_args()
    fn = {"make-straight": make_straight, "kdtree": kdtree, "sjoin": sjoin, "pyrosm-read": pyrosm_read,
          "pyosmium-read": pyosmium_read, "pandana": pandana_peer, "networkx": networkx_peer, "zones": zones,
          "agree": agree, "summary": summary}[a.cmd]
    return fn(a) or 0


if __name__ == "__main__":
    sys.exit(main())
