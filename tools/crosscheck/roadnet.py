"""The road network rules of docs/road-network.md, implemented independently of reach (pyosmium + pyproj +
shapely + networkx), for tools/crosscheck/distance.py and the networkx peer of tools/bench/distance.sh.

Nothing here is shared with the Swift code: the tables below were typed from docs/road-network.md, and a change
to the rules must be made in both places.

    net = RoadNetwork.read("rutland.osm.pbf")          # every kept highway segment, nodes in EPSG:27700
    g = net.mode_graph("walk")                          # one mode's segments, directed costs, snapping index
    snaps = g.snap(xy)                                  # nearest permitted segment of each point (<= 500 m)
    times = g.times_to_nearest(service_snaps, origin_snaps)   # seconds, networkx multi_source_dijkstra
"""

import math
import re

import networkx as nx
import numpy as np
import osmium
import pyproj
import shapely

WORKING_CRS = "EPSG:27700"

# highway value -> (walk, cycle, car, default car speed km/h). From the table in docs/road-network.md.
HIGHWAYS = {
    "motorway": (False, False, True, 112),
    "motorway_link": (False, False, True, 64),
    "trunk": (True, True, True, 96),
    "trunk_link": (True, True, True, 56),
    "primary": (True, True, True, 80),
    "primary_link": (True, True, True, 48),
    "secondary": (True, True, True, 64),
    "secondary_link": (True, True, True, 48),
    "tertiary": (True, True, True, 48),
    "tertiary_link": (True, True, True, 40),
    "unclassified": (True, True, True, 40),
    "residential": (True, True, True, 32),
    "living_street": (True, True, True, 16),
    "service": (True, True, True, 16),
    "road": (True, True, True, 32),
    "track": (True, True, False, None),
    "pedestrian": (True, False, False, None),
    "footway": (True, False, False, None),
    "steps": (True, False, False, None),
    "path": (True, True, False, None),
    "cycleway": (True, True, False, None),
    "bridleway": (True, True, False, None),
}
MODES = ("walk", "cycle", "car")
MODE_COLUMN = {"walk": 0, "cycle": 1, "car": 2}
# The rules do not give a car speed for a class whose car default is "no" but that an access tag opens
# (track + motor_vehicle=yes, footway + access=permissive, ...) and that has no parsable maxspeed. This oracle
# uses the slowest car class (service, living_street: 16 km/h) and counts such ways in the build summary.
OPENED_CLASS_CAR_KMH = 16.0

ACCESS_KEYS = {
    "walk": ("foot", "access"),
    "cycle": ("bicycle", "vehicle", "access"),
    "car": ("motorcar", "motor_vehicle", "vehicle", "access"),
}
CLOSING = {"no", "private", "agricultural", "forestry", "delivery", "military"}
OPENING = {"yes", "designated", "permissive", "destination", "customers"}
FIXED_NO = {("motorway", "walk"), ("motorway", "cycle"), ("motorway_link", "walk"), ("motorway_link", "cycle")}

ONEWAY_FORWARD = {"yes", "true", "1"}
ONEWAY_NO = {"no", "false", "0"}
ONEWAY_BACKWARD = {"-1", "reverse"}
ONEWAY_CLOSED = {"reversible", "alternating"}
CYCLE_OPPOSITE = {"opposite", "opposite_lane", "opposite_track"}

MPH = 1.609344
NAMED_SPEEDS_KMH = {
    "GB:nsl_single": 60 * MPH,
    "UK:nsl_single": 60 * MPH,
    "GB:nsl_dual": 70 * MPH,
    "UK:nsl_dual": 70 * MPH,
    "GB:motorway": 70 * MPH,
    "UK:motorway": 70 * MPH,
    "GB:zone20": 20 * MPH,
    "walk": 5.0,
}
_SPEED_RE = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(mph|km/h|kmh|kph)?\s*$")


def parse_maxspeed(value):
    """km/h from an OSM maxspeed value, or None (none, signals, unparsable, non-positive: class default)."""
    if value is None:
        return None
    first = value.split(";")[0].strip()
    if first in NAMED_SPEEDS_KMH:
        return NAMED_SPEEDS_KMH[first]
    m = _SPEED_RE.match(first)
    if not m:
        return None
    v = float(m.group(1))
    if not v > 0:
        return None
    return v * MPH if m.group(2) == "mph" else v


def mode_permitted(highway, tags, mode):
    """Whether a way of this class with these tags is open to the mode (docs/road-network.md, Access tags)."""
    if (highway, mode) in FIXED_NO:
        return False
    default = HIGHWAYS[highway][MODE_COLUMN[mode]]
    for key in ACCESS_KEYS[mode]:
        v = tags.get(key)
        if v is None:
            continue
        # The most specific tag present decides, even when its value is neither closing nor opening.
        if v in CLOSING or (mode == "cycle" and v == "dismount"):
            return False
        if v in OPENING:
            # A class cars may not use by default opens to them only by a motor tag, never by plain `access`
            # (docs/road-network.md): a permissive footway is not a road.
            if mode == "car" and not default and key == "access":
                return False
            return True
        return default
    return default


def directions(highway, tags, mode):
    """(forward, backward) traversal along the way's node order for the mode (docs/road-network.md, Direction)."""
    if mode == "walk":
        return True, True
    ow = tags.get("oneway")
    if ow in ONEWAY_CLOSED:
        return False, False
    if ow in ONEWAY_BACKWARD:
        fwd, bwd = False, True
    elif ow in ONEWAY_NO:
        fwd, bwd = True, True
    elif ow in ONEWAY_FORWARD or tags.get("junction") in ("roundabout", "circular") or highway in (
        "motorway",
        "motorway_link",
    ):
        fwd, bwd = True, False
    else:
        fwd, bwd = True, True
    if mode == "cycle" and (tags.get("oneway:bicycle") == "no" or tags.get("cycleway") in CYCLE_OPPOSITE):
        fwd, bwd = True, True
    return fwd, bwd


class RoadNetwork:
    """Every segment (consecutive node pair) of every kept highway way, in file order, nodes in EPSG:27700."""

    def __init__(self):
        self.xy = None  # (n, 2) float64 node coordinates, EPSG:27700 metres
        self.seg_u = self.seg_v = None  # int arrays of node indices
        self.seg_way = None  # index into way_ids
        self.way_ids = []
        self.allowed = {}  # mode -> (fwd bool array, bwd bool array) per segment
        self.car_kmh = None  # per segment
        self.stats = {}

    @classmethod
    def read(cls, pbf_path, car_kmh_overrides=None):
        net = cls()
        overrides = car_kmh_overrides or {}
        # Pass 1: highway ways (pyosmium), kept by class and area=yes.
        ways = []
        n_highway = 0
        for w in osmium.FileProcessor(str(pbf_path), osmium.osm.WAY):
            hw = w.tags.get("highway")
            if hw is None:
                continue
            n_highway += 1
            if hw not in HIGHWAYS or w.tags.get("area") == "yes":
                continue
            tags = {k: w.tags.get(k) for k in _TAG_KEYS if k in w.tags}
            ways.append((w.id, hw, tags, np.fromiter((n.ref for n in w.nodes), dtype=np.int64)))
        # Pass 2: every node's location.
        ids, lons, lats = [], [], []
        for n in osmium.FileProcessor(str(pbf_path), osmium.osm.NODE):
            if n.location.valid():
                ids.append(n.id)
                lons.append(n.location.lon)
                lats.append(n.location.lat)
        ids = np.asarray(ids, dtype=np.int64)
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        lon = np.asarray(lons)[order]
        lat = np.asarray(lats)[order]

        # Only nodes used by kept ways get a graph index.
        used_refs = np.unique(np.concatenate([w[3] for w in ways])) if ways else np.zeros(0, np.int64)
        pos = np.searchsorted(ids, used_refs)
        pos_ok = pos < len(ids)
        present = np.zeros(len(used_refs), dtype=bool)
        present[pos_ok] = ids[pos[pos_ok]] == used_refs[pos_ok]
        node_ids = used_refs[present]
        src = pos[present]
        tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
        x, y = tr.transform(lon[src], lat[src])
        net.xy = np.column_stack([x, y])
        net.node_ids = node_ids

        seg_u, seg_v, seg_way = [], [], []
        allowed = {m: ([], []) for m in MODES}
        car_kmh = []
        missing_ways = split_ways = opened_car_no_speed = 0
        for wi, (wid, hw, tags, refs) in enumerate(ways):
            idx = np.searchsorted(node_ids, refs)
            idx_ok = idx < len(node_ids)
            have = np.zeros(len(refs), dtype=bool)
            have[idx_ok] = node_ids[idx[idx_ok]] == refs[idx_ok]
            # Runs of present nodes of length >= 2; a way with none is "with missing nodes".
            runs, cur = [], []
            for k in range(len(refs)):
                if have[k]:
                    cur.append(int(idx[k]))
                else:
                    if len(cur) >= 2:
                        runs.append(cur)
                    cur = []
            if len(cur) >= 2:
                runs.append(cur)
            if not runs:
                missing_ways += 1
                continue
            if not have.all():
                split_ways += 1
            net.way_ids.append(wid)
            w_index = len(net.way_ids) - 1
            perm = {}
            for m in MODES:
                if mode_permitted(hw, tags, m):
                    perm[m] = directions(hw, tags, m)
                else:
                    perm[m] = (False, False)
            speed = parse_maxspeed(tags.get("maxspeed"))
            if speed is None:
                speed = overrides.get(hw, HIGHWAYS[hw][3])
            if speed is None:
                speed = OPENED_CLASS_CAR_KMH
                if any(perm["car"]):
                    opened_car_no_speed += 1
            for run in runs:
                for a, b in zip(run[:-1], run[1:]):
                    seg_u.append(a)
                    seg_v.append(b)
                    seg_way.append(w_index)
                    car_kmh.append(speed)
                    for m in MODES:
                        allowed[m][0].append(perm[m][0])
                        allowed[m][1].append(perm[m][1])
        net.seg_u = np.asarray(seg_u, dtype=np.int64)
        net.seg_v = np.asarray(seg_v, dtype=np.int64)
        net.seg_way = np.asarray(seg_way, dtype=np.int64)
        net.car_kmh = np.asarray(car_kmh, dtype=float)
        net.allowed = {m: (np.asarray(f, bool), np.asarray(b, bool)) for m, (f, b) in allowed.items()}
        d = net.xy[net.seg_v] - net.xy[net.seg_u]
        net.seg_len = np.hypot(d[:, 0], d[:, 1])
        net.stats = {
            "highway_ways": n_highway,
            "kept_ways": len(net.way_ids),
            "ways_missing_nodes": missing_ways,
            "ways_split_at_missing_nodes": split_ways,
            "car_opened_class_without_speed": opened_car_no_speed,
            "nodes": len(node_ids),
            "segments": len(seg_u),
        }
        return net

    def mode_graph(self, mode, walk_kmh=4.8, cycle_kmh=16.0, min_island_nodes=None, by_length=False):
        """The mode's graph weighted by seconds, or with by_length=True by metres (its "seconds" are then metres:
        the shortest road distance, as docs/access.md's road distance)."""
        return ModeGraph(self, mode, walk_kmh, cycle_kmh,
                         MIN_ISLAND_NODES if min_island_nodes is None else min_island_nodes, by_length)


_TAG_KEYS = (
    "highway",
    "area",
    "access",
    "foot",
    "bicycle",
    "vehicle",
    "motorcar",
    "motor_vehicle",
    "oneway",
    "oneway:bicycle",
    "cycleway",
    "junction",
    "maxspeed",
)


# docs/road-network.md, Snapping: segments on a weakly connected piece of the mode's graph with fewer nodes than
# this are not snapped to (reach's --min-island-nodes default).
MIN_ISLAND_NODES = 40


class Snap:
    """Where a point meets a mode's network: segment (index into ModeGraph.segs), fraction f along u->v, distance."""

    __slots__ = ("seg", "f", "dist")

    def __init__(self, seg, f, dist):
        self.seg, self.f, self.dist = seg, f, dist


class ModeGraph:
    """One mode's segments (those open to it in at least one direction), their costs in seconds each way, a
    networkx DiGraph of them and its reverse, and a shapely STRtree over the segments for snapping."""

    def __init__(self, net, mode, walk_kmh, cycle_kmh, min_island_nodes=MIN_ISLAND_NODES, by_length=False):
        self.mode = mode
        fwd_all, bwd_all = net.allowed[mode]
        keep = np.flatnonzero(fwd_all | bwd_all)
        self.net_seg = keep  # index into the whole network's segments (file order): ties go to the lower
        self.u = net.seg_u[keep]
        self.v = net.seg_v[keep]
        self.fwd = fwd_all[keep]
        self.bwd = bwd_all[keep]
        self.length = net.seg_len[keep]
        if mode == "walk":
            mps = walk_kmh / 3.6
            self.cost = self.length / mps
        elif mode == "cycle":
            self.cost = self.length / (cycle_kmh / 3.6)
        else:
            self.cost = self.length / (net.car_kmh[keep] / 3.6)
        if by_length:
            self.cost = self.length.astype(float)
        self.xy = net.xy
        # Directed edges; two ways over the same node pair keep the cheaper cost.
        best = {}
        for i in range(len(keep)):
            a, b, c = int(self.u[i]), int(self.v[i]), float(self.cost[i])
            if self.fwd[i] and c < best.get((a, b), math.inf):
                best[(a, b)] = c
            if self.bwd[i] and c < best.get((b, a), math.inf):
                best[(b, a)] = c
        self.graph = nx.DiGraph()
        self.graph.add_weighted_edges_from((a, b, c) for (a, b), c in best.items())
        self.reverse = self.graph.reverse(copy=True) if mode != "walk" else self.graph
        self.n_edges = len(best)
        # Snapping index: zero-length segments are skipped (their only point is a node, which the neighbouring
        # segments reach at the same distance).
        # Islands: weakly connected components (networkx, direction ignored) under min_island_nodes nodes.
        undirected = nx.Graph()
        undirected.add_edges_from((int(a), int(b)) for a, b in zip(self.u, self.v) if a != b)
        size = {}
        for comp in nx.connected_components(undirected):
            for node in comp:
                size[node] = len(comp)
        on_island = np.array([size.get(int(a), 1) < min_island_nodes for a in self.u], dtype=bool)
        self.island_segments = int(on_island.sum())
        nz = np.flatnonzero((self.length > 0) & ~on_island)
        self.snap_index = nz
        lines = shapely.linestrings(
            np.stack([self.xy[self.u[nz]], self.xy[self.v[nz]]], axis=1)
        )
        self.lines = lines
        self.tree = shapely.STRtree(lines)

    def snap(self, xy, max_metres=500.0):
        """Snap (n, 2) EPSG:27700 points: list of Snap or None (beyond max_metres). Perpendicular foot on the
        segment clamped to its ends; ties to the lower segment index."""
        pts = shapely.points(np.asarray(xy, dtype=float))
        out = [None] * len(pts)
        if len(pts) == 0:
            return out
        (ip, it), dist = self.tree.query_nearest(pts, max_distance=max_metres, return_distance=True, all_matches=True)
        best = {}
        for p, t, d in zip(ip, it, dist):
            p = int(p)
            seg = int(self.snap_index[t])
            if p not in best or seg < best[p][0]:
                best[p] = (seg, float(d))
        for p, (seg, d) in best.items():
            a, b = self.xy[self.u[seg]], self.xy[self.v[seg]]
            ab = b - a
            f = float(np.dot(np.asarray(xy[p], dtype=float) - a, ab) / np.dot(ab, ab))
            f = min(1.0, max(0.0, f))
            out[p] = Snap(seg, f, d)
        return out

    def _source_edges(self, snap, toward_point):
        """Edges between a snapped point and its segment's ends. toward_point=True: (node, seconds) for each end
        that can travel to the point; False: for each end the point can travel to."""
        s, f = snap.seg, snap.f
        a, b, c = int(self.u[s]), int(self.v[s]), float(self.cost[s])
        out = []
        if toward_point:
            if self.fwd[s]:
                out.append((a, f * c))  # a -> point along a->b
            if self.bwd[s]:
                out.append((b, (1.0 - f) * c))  # b -> point along b->a
        else:
            if self.fwd[s]:
                out.append((b, (1.0 - f) * c))  # point -> b
            if self.bwd[s]:
                out.append((a, f * c))  # point -> a
        # A snap exactly on a node (clamped to a segment end) is at that node, whatever the segment's direction.
        if f == 0.0:
            out.append((a, 0.0))
        elif f == 1.0:
            out.append((b, 0.0))
        return out

    def _direct(self, o, s):
        """Seconds from origin snap o to service snap s along their shared segment, or inf."""
        if o.seg != s.seg:
            return math.inf
        c = float(self.cost[o.seg])
        best = math.inf
        if self.fwd[o.seg] and s.f >= o.f:
            best = min(best, (s.f - o.f) * c)
        if self.bwd[o.seg] and s.f <= o.f:
            best = min(best, (o.f - s.f) * c)
        return best

    def times_to_nearest(self, service_snaps, origin_snaps):
        """Seconds from each origin to its nearest service (inf when unreachable, None when unsnapped), by one
        networkx multi_source_dijkstra from every snapped service over the reversed graph (the graph itself for
        walk)."""
        g = self.reverse
        sources = []
        for k, s in enumerate(service_snaps):
            if s is None:
                continue
            vnode = ("service", k)
            for node, sec in self._source_edges(s, toward_point=True):
                g.add_edge(vnode, node, weight=sec)
            if vnode in g:
                sources.append(vnode)
        try:
            dist = nx.multi_source_dijkstra_path_length(g, sources, weight="weight") if sources else {}
        finally:
            g.remove_nodes_from([("service", k) for k in range(len(service_snaps))])
        by_seg = {}
        for s in service_snaps:
            if s is not None:
                by_seg.setdefault(s.seg, []).append(s)
        out = []
        for o in origin_snaps:
            if o is None:
                out.append(None)
                continue
            t = math.inf
            for node, sec in self._source_edges(o, toward_point=False):
                t = min(t, sec + dist.get(node, math.inf))
            for s in by_seg.get(o.seg, ()):
                t = min(t, self._direct(o, s))
            out.append(t)
        return out

    def times_from(self, origin_snap, service_snaps, cutoff_seconds):
        """Seconds from one snapped origin to every service (inf beyond cutoff or unreachable, None unsnapped),
        by networkx single-source Dijkstra over the forward graph from a virtual origin node."""
        g = self.graph
        vnode = ("origin",)
        for node, sec in self._source_edges(origin_snap, toward_point=False):
            g.add_edge(vnode, node, weight=sec)
        try:
            dist = (
                nx.single_source_dijkstra_path_length(g, vnode, cutoff=cutoff_seconds, weight="weight")
                if vnode in g
                else {}
            )
        finally:
            if vnode in g:
                g.remove_node(vnode)
        out = []
        for s in service_snaps:
            if s is None:
                out.append(None)
                continue
            t = self._direct(origin_snap, s)
            for node, sec in self._source_edges(s, toward_point=True):
                t = min(t, dist.get(node, math.inf) + sec)
            out.append(t if t <= cutoff_seconds else math.inf)
        return out
