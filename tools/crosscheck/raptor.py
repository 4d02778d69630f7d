"""Cross-checks `reach pt` (public-transport travel time by range RAPTOR, docs/raptor.md) against a brute force.

Driven by tools/crosscheck/run.sh (`CROSSCHECK_ONLY=pt` runs only this checker):

  raptor.py prepare --data ../shared/data --tmp DIR
      writes the inputs the oracle hands to reach: DIR/pt_services.csv (gp = amenity=doctors, pharmacy =
      amenity=pharmacy, supermarket = shop=supermarket, from the Newport OSM extract's own tags, as distance.py; then
      hospital = amenity=hospital, few and far, so that journeys to them ride and change) and
      DIR/pt_origins.csv (id,easting,northing in EPSG:27700: a seeded sample of walk-graph nodes inside Newport's
      wards, each moved 5-40 m off its node, plus two points in wards the extract has no roads in).
  raptor.py selftest
      the oracle's stop-to-stop core on the five hand-built feeds of fixtures/raptor: all 42 README answers; and
      arrive-by door to door on its `transfer` feed (RaptorFixtureTests.arriveByByHand's case, worked by hand).
  raptor.py check --data ../shared/data --tmp DIR --case NAME REACH_DIR [--case ...]
      [--skipped|--failed 'NAME: why' ...]
      case `pt-fixtures` (REACH_DIR unused: the self-test above), case `pt-newport` (compares REACH_DIR/minutes.csv,
      origins.csv, wards.geojson, status, stderr), case `pt-newport-arrive` (the same of `reach pt --arrive-by
      --window 08:30-09:00`: deadlines); one line per check, then 'N passed, M failed'.
  raptor.py table --data ../shared/data --tmp DIR --origin I [--origin ...]
      prints the oracle's 180 minutes per category for some origins (no reach needed), with the journeys.

The oracle (shares no code with reach; docs/raptor.md "Correctness" is the contract):
- GTFS: pandas reads stops.txt, trips.txt, stop_times.txt, calendar.txt, calendar_dates.txt, frequencies.txt from
  each zip (or folder); which services run on a date is worked out here from calendar + calendar_dates; trips of D
  at their times, of D - 1 at times - 86,400 (and D + 1 at + 86,400 when the horizon passes 24:00); frequency
  templates expand to one instance per start + k * headway < end; trips with fewer than two stop times are left
  out. Stops of different feeds are distinct. Stop lon/lat -> EPSG:27700 with pyproj (network off).
- Walking: tools/crosscheck/roadnet.py (pyosmium, the rules of docs/road-network.md, shapely STRtree snapping with
  the 500 m limit and the 40-node island rule, networkx Dijkstra with part-edges at both snap points), every leg's
  float seconds rounded up to whole seconds: access (one cut-off Dijkstra per origin, <= 900 s), transfers (one
  per snapped stop, <= 300 s, every other snapped stop within 400 m of its snap point as a candidate), egress
  (one multi-source Dijkstra per category from its services, <= 900 s) and the direct walk (same search, no cap).
- A time-expanded graph (scipy.sparse CSR) over the trip instances that overlap [window start, last minute + max
  trip]: a departure and an arrival node per call of each instance (ride and stay-on-board edges), a waiting chain
  per stop (one node per departure time where pickup is allowed), an alighted node per (stop, arrival time) where
  drop-off is allowed; edges waiting -> departure (board), arrival -> alighted, alighted -> the first waiting node
  at or after it at the same stop, alighted -> waiting at another stop after a transfer walk, alighted -> a sink per
  category (egress), and one source per query joined to the first waiting node at or after d + access. Walks
  never chain because of the node kinds: waiting leads only to boarding, walks leave only alighted nodes. Every
  edge weighs its time difference, so the distance to a sink is EA - d; scipy.sparse.csgraph.dijkstra with
  limit = max trip gives all sinks of one query at once.
- Minutes: T = ceil((EA - d) / 60) when EA - d <= max trip, min with ceil(direct walk / 60) when the walk is <=
  max trip; percentiles at 0-based index ceil(p/100 * 180) - 1 of the sorted values (inf last); ward figures from
  per-origin p50/p25/p75 with geopandas ward membership (sjoin within), as in distance.py.
- Arrive-by (pt-newport-arrive, ReverseSearch): the timetable keeps the instances overlapping [first deadline - max
  trip, window end - 1 s]; the same graph reversed, one source per (deadline D, sink) joined to every alighted node
  (s, t) with t + egress(s) <= D (edge D - t), and one node per origin joined from every waiting node (s, tau) of
  its access stops (edge a(s)). Every forward edge weighs its time difference, so a node reached lies at exactly
  D - its time and the origin's distance is min (D - tau + a(s)) = D - L, L the latest departure to the second;
  T = min(ceil((D - L) / 60), ceil(walk / 60)) within max trip, as above. Self-checks: the fixtures/raptor case by
  hand, and every origin x deadline x category against the forward search (leaving at L is there by D, at L + 1 s
  not). pt_served counts departures in [first deadline - max trip, window end); {c}_pt_count_within_{t} is a
  departure figure: absent, or the same count over the arrive-by medians.
- Invariant: T * 60 >= |snap(o) - snap(nearest service)| / v_max, v_max = max(walk speed, straight distance over
  scheduled time of any span of consecutive calls of a running instance (stops at their snap points) with positive
  time) - a span-wise bound, at least the doc's merged-hop v_max.
"""

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import sys
import time
import zipfile

os.environ.setdefault("PROJ_NETWORK", "OFF")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402
import scipy.sparse as sp  # noqa: E402
from scipy.sparse.csgraph import dijkstra  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))  # tools/: reachtools
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.runner import check_status as reach_status  # noqa: E402

DAY = 86400
WORKING_CRS = "EPSG:27700"
WALK_KMH = 4.8
WALK_MPS = WALK_KMH / 3.6
MAX_WALK_S = 15 * 60
MAX_TRANSFER_S = 5 * 60
MAX_TRIP_S = 120 * 60
MAX_SNAP_M = 500.0
MINUTES = (15, 30, 45, 60)
COUNT_CAP = 10
WINDOW = (7 * 3600, 10 * 3600)  # [start, end)
DATE = dt.date(2024, 3, 5)
PERCENTILES = (25, 50, 75)

NEWPORT = {
    "pbf": "osm/newport-2023-06-13.osm.pbf",
    "wards": "wards_extra/W06000022_newport_wards_dec2023.geojson",
    "gtfs": ["gtfs/newport-20240305-bus_gtfs.zip", "gtfs/newport-20240305-rail_gtfs.zip"],
}
PT_CATEGORIES = [("gp", "amenity", "doctors"), ("supermarket", "shop", "supermarket"),
                 ("pharmacy", "amenity", "pharmacy")]  # distance.py OSM_CATEGORIES without schools, in its order
HOSPITAL = ("hospital", "amenity", "hospital")  # then the hospitals (newport_services)
N_ORIGINS = 48  # seeded walk-graph points (+ 2 off the walk graph)
SEED = 20240305
ARRIVE_WINDOW = (8 * 3600 + 30 * 60, 9 * 3600)  # pt-newport-arrive: `--arrive-by --window 08:30-09:00`
SAMPLE_EVERY = 15  # every 15th departure minute of every origin
N_FULL = None  # origins checked at all 180 minutes: the first N_FULL snapped ones (None: every origin)


def clock(t):
    """Seconds after the service day's start as HH:MM:SS (negative: the day before)."""
    sign = "-" if t < 0 else ""
    t = abs(int(t))
    return f"{sign}{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"


def ceil_div(a, b):
    return -((-a) // b)


# ----------------------------------------------------------------------------------------------------------------
# GTFS


def _read_table(path, name):
    """A GTFS file as a DataFrame of strings (None when absent), from a zip or a folder."""
    if os.path.isdir(path):
        p = os.path.join(path, name)
        if not os.path.exists(p):
            return None
        return pd.read_csv(p, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    with zipfile.ZipFile(path) as z:
        names = {os.path.basename(n): n for n in z.namelist()}
        if name not in names:
            return None
        with z.open(names[name]) as fh:
            return pd.read_csv(io.TextIOWrapper(fh, encoding="utf-8-sig"), dtype=str, keep_default_na=False)


def _seconds(col):
    """Vectorised 'H:MM:SS' -> int seconds; empty -> -1 (checked by the caller)."""
    s = col.str.strip()
    empty = s == ""
    parts = s.where(~empty, "0:0:0").str.split(":", expand=True).astype(int)
    out = parts[0] * 3600 + parts[1] * 60 + parts[2]
    return out.where(~empty, -1).to_numpy(dtype=np.int64)


class Feed:
    """One GTFS feed: stops (id, lon, lat), trips (id, service), ordered stop times, calendars, frequencies."""

    def __init__(self, path, label=None):
        self.path = path
        self.label = label or os.path.basename(path.rstrip("/")).removesuffix(".zip")
        stops = _read_table(path, "stops.txt")
        self.stop_ids = stops.stop_id.tolist()
        self.stop_lon = stops.stop_lon.astype(float).to_numpy()
        self.stop_lat = stops.stop_lat.astype(float).to_numpy()
        self.stop_name = stops.stop_name.tolist() if "stop_name" in stops else [""] * len(stops)
        trips = _read_table(path, "trips.txt")
        self.trip_service = dict(zip(trips.trip_id, trips.service_id))
        # What a rider calls a trip's route: route_short_name, else route_long_name, else route_id (the journey
        # breakdown's route names).
        routes = _read_table(path, "routes.txt")
        names = {}
        for r in routes.to_dict("records"):
            short, long_ = r.get("route_short_name", "").strip(), r.get("route_long_name", "").strip()
            names[r["route_id"]] = r.get("route_short_name", "") if short else (r.get("route_long_name", "") if long_ else r["route_id"])
        self.trip_route_name = {t: names.get(rid, rid) for t, rid in zip(trips.trip_id, trips.route_id)}
        st = _read_table(path, "stop_times.txt")
        st["seq"] = st.stop_sequence.astype(int)
        st = st.sort_values(["trip_id", "seq"], kind="stable").reset_index(drop=True)
        arr = _seconds(st.arrival_time)
        dep = _seconds(st.departure_time)
        arr = np.where(arr < 0, dep, arr)
        dep = np.where(dep < 0, arr, dep)
        if (arr < 0).any():
            raise SystemExit(f"{self.label}: stop_times.txt has stop times without times (non-timepoints); "
                             "this oracle does not interpolate them")
        self.st_trip = st.trip_id.to_numpy()
        self.st_stop = st.stop_id.to_numpy()
        self.st_arr = arr
        self.st_dep = dep
        col = st.get("pickup_type", pd.Series([""] * len(st)))
        self.st_pickup = (col.str.strip() != "1").to_numpy()
        col = st.get("drop_off_type", pd.Series([""] * len(st)))
        self.st_drop = (col.str.strip() != "1").to_numpy()
        cal = _read_table(path, "calendar.txt")
        self.calendar = {} if cal is None else {r.service_id: r for r in cal.itertuples(index=False)}
        cd = _read_table(path, "calendar_dates.txt")
        self.exceptions = {}
        if cd is not None:
            for r in cd.itertuples(index=False):
                self.exceptions[(r.service_id, r.date.strip())] = r.exception_type.strip()
        fr = _read_table(path, "frequencies.txt")
        self.frequencies = {}
        if fr is not None and len(fr):
            fr = fr.assign(s=_seconds(fr.start_time), e=_seconds(fr.end_time), h=fr.headway_secs.astype(int))
            for r in fr.itertuples(index=False):
                self.frequencies.setdefault(r.trip_id, []).append((int(r.s), int(r.e), int(r.h)))

    def runs(self, service, date):
        """Whether a service runs on a date: calendar_dates first (1 adds, 2 removes), else calendar.txt."""
        ex = self.exceptions.get((service, date.strftime("%Y%m%d")))
        if ex is not None:
            return ex == "1"
        r = self.calendar.get(service)
        if r is None:
            return False
        day = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[date.weekday()]
        return r.start_date.strip() <= date.strftime("%Y%m%d") <= r.end_date.strip() and getattr(r, day).strip() == "1"


class Timetable:
    """Trip instances of several feeds on a date, flattened into calls (contiguous per instance).

    stops: global stop index = the feeds' stops concatenated (feed, stop id); xy in EPSG:27700.
    calls: inst, k, stop, arr, dep, pickup, drop (numpy arrays); inst_first[i] .. inst_first[i+1] are instance i's.
    instances: (feed label, trip id, day offset, frequency start or None)."""

    def __init__(self, feeds, date, keep=None):
        self.feeds = feeds
        self.stop_feed, self.stop_id, self.stop_name = [], [], []
        offset = {}
        lon, lat = [], []
        for fi, f in enumerate(feeds):
            offset[fi] = len(self.stop_id)
            self.stop_feed += [fi] * len(f.stop_ids)
            self.stop_id += f.stop_ids
            self.stop_name += f.stop_name
            lon.append(f.stop_lon)
            lat.append(f.stop_lat)
        tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
        x, y = tr.transform(np.concatenate(lon), np.concatenate(lat))
        self.stop_xy = np.column_stack([x, y])
        self.instances = []
        parts = []
        self.short_trips = 0
        days = [0, -1] + ([1] if keep is not None and keep[1] >= DAY else [])
        for fi, f in enumerate(feeds):
            index = {s: offset[fi] + i for i, s in enumerate(f.stop_ids)}
            gstop = np.fromiter((index[s] for s in f.st_stop), dtype=np.int64, count=len(f.st_stop))
            bounds = np.flatnonzero(np.r_[True, f.st_trip[1:] != f.st_trip[:-1], True])
            for a, b in zip(bounds[:-1], bounds[1:]):
                trip = f.st_trip[a]
                if b - a < 2:
                    self.short_trips += 1
                    continue
                arr, dep = f.st_arr[a:b], f.st_dep[a:b]
                if (dep < arr).any() or (arr[1:] < dep[:-1]).any():
                    raise SystemExit(f"{f.label}: trip {trip}: stop times out of order")
                service = f.trip_service.get(trip)
                for delta in days:
                    if not f.runs(service, date + dt.timedelta(days=delta)):
                        continue
                    shifts = [(delta * DAY, None)]
                    if trip in f.frequencies:
                        shifts = []
                        for s, e, h in f.frequencies[trip]:
                            k = 0
                            while s + k * h < e:
                                shifts.append((delta * DAY + s + k * h - int(dep[0]), s + k * h))
                                k += 1
                    for shift, fstart in shifts:
                        if keep is not None and (dep[0] + shift > keep[1] or arr[-1] + shift < keep[0]):
                            continue
                        parts.append((len(self.instances), gstop[a:b], arr + shift, dep + shift,
                                      f.st_pickup[a:b], f.st_drop[a:b]))
                        self.instances.append((f.label, trip, delta, fstart))
        n = [len(p[1]) for p in parts]
        self.inst_first = np.r_[0, np.cumsum(n)].astype(np.int64)
        self.inst = np.repeat(np.arange(len(parts)), n)
        self.k = np.concatenate([np.arange(m) for m in n]) if parts else np.zeros(0, np.int64)
        cat = (lambda j, dtype: np.concatenate([p[j] for p in parts]).astype(dtype) if parts else np.zeros(0, dtype))
        self.stop = cat(1, np.int64)
        self.arr = cat(2, np.int64)
        self.dep = cat(3, np.int64)
        self.pickup = cat(4, bool)
        self.drop = cat(5, bool)
        self.first = self.k == 0
        self.last = np.r_[self.inst[1:] != self.inst[:-1], True] if len(self.inst) else np.zeros(0, bool)

    def stop_label(self, s):
        return f"{self.feeds[self.stop_feed[s]].label}:{self.stop_id[s]} ({self.stop_name[s]})"


# ----------------------------------------------------------------------------------------------------------------
# The time-expanded graph


class EventGraph:
    """Nodes: [0, C) departure of call c, [C, 2C) arrival of call c, then waiting (stop, time) nodes, alighted (stop,
    time) nodes, one sink per name, one source per query. Edge weights are time differences in seconds."""

    OFF = 3 * DAY  # times are > -2 days
    BIG = 10 ** 7

    def __init__(self, tt, transfers, egress):
        """transfers: {stop: [(stop2, seconds)]}; egress: {sink name: {stop: seconds}}."""
        self.tt = tt
        self.transfers, self.egress = transfers, egress
        C = len(tt.stop)
        self.C = C
        board = tt.pickup & ~tt.last
        alight = tt.drop & ~tt.first
        wkey = np.unique(tt.stop[board] * self.BIG + tt.dep[board] + self.OFF)
        akey = np.unique(tt.stop[alight] * self.BIG + tt.arr[alight] + self.OFF)
        self.wkey, self.akey = wkey, akey
        self.W0 = 2 * C
        self.A0 = self.W0 + len(wkey)
        self.S0 = self.A0 + len(akey)
        self.sinks = list(egress)
        self.Q0 = self.S0 + len(self.sinks)
        rows, cols, wts = [], [], []

        def add(u, v, w):
            u = np.asarray(u, np.int64)
            rows.append(u)
            cols.append(np.broadcast_to(np.asarray(v, np.int64), u.shape))
            wts.append(np.broadcast_to(np.asarray(w, np.int64), u.shape))

        c = np.arange(C)
        ride = ~tt.last
        add(c[ride], C + c[ride] + 1, tt.arr[np.flatnonzero(ride) + 1] - tt.dep[ride])
        stay = ~tt.first & ~tt.last
        add(C + c[stay], c[stay], tt.dep[stay] - tt.arr[stay])
        add(self.W0 + np.searchsorted(wkey, tt.stop[board] * self.BIG + tt.dep[board] + self.OFF), c[board], 0)
        add(C + c[alight], self.A0 + np.searchsorted(akey, tt.stop[alight] * self.BIG + tt.arr[alight] + self.OFF), 0)
        wstop, wtime = wkey // self.BIG, wkey % self.BIG - self.OFF
        chain = np.flatnonzero(wstop[1:] == wstop[:-1])
        add(self.W0 + chain, self.W0 + chain + 1, wtime[chain + 1] - wtime[chain])
        astop, atime = akey // self.BIG, akey % self.BIG - self.OFF
        anode = self.A0 + np.arange(len(akey))
        # alighted -> the first waiting node at or after it, same stop (0 s transfer)
        w, ok = self.first_waiting(astop, atime)
        add(anode[ok], self.W0 + w[ok], wtime[w[ok]] - atime[ok])
        # alighted -> waiting at another stop after a transfer walk
        if transfers:
            fr = np.array([(s, t, sec) for s, lst in transfers.items() for t, sec in lst],
                          dtype=np.int64).reshape(-1, 3)
            order = np.argsort(fr[:, 0], kind="stable")
            fr = fr[order]
            lo = np.searchsorted(fr[:, 0], astop, "left")
            hi = np.searchsorted(fr[:, 0], astop, "right")
            cnt = hi - lo
            src = np.repeat(np.arange(len(akey)), cnt)
            idx = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi)]) if cnt.sum() else np.zeros(0, np.int64)
            ready = atime[src] + fr[idx, 2]
            w, ok = self.first_waiting(fr[idx, 1], ready)
            add(anode[src[ok]], self.W0 + w[ok], wtime[w[ok]] - atime[src[ok]])
        for si, name in enumerate(self.sinks):
            e = egress[name]
            sec = np.array([e.get(int(s), -1) for s in astop], dtype=np.int64)
            ok = sec >= 0
            add(anode[ok], np.full(int(ok.sum()), self.S0 + si), sec[ok])
        self.base = (np.concatenate(rows), np.concatenate(cols), np.concatenate(wts))
        if (self.base[2] < 0).any():
            raise AssertionError("negative edge weight in the event graph")
        self.queries = []  # (depart time, [(stop, access seconds)])
        self.matrix = None

    def first_waiting(self, stops, times):
        """Index of the first waiting node at `stops` with time >= `times` (vectorised), and whether it exists."""
        stops = np.asarray(stops, np.int64)
        key = stops * self.BIG + np.asarray(times, np.int64) + self.OFF
        w = np.searchsorted(self.wkey, key, "left")
        ok = w < len(self.wkey)
        ok[ok] = self.wkey[w[ok]] // self.BIG == stops[ok]
        return np.where(ok, w, 0), ok

    def add_query(self, depart, access):
        """access: [(stop, seconds)]; returns the query's index."""
        self.queries.append((int(depart), list(access)))
        self.matrix = None
        return len(self.queries) - 1

    def build(self):
        r, c, w = [self.base[0]], [self.base[1]], [self.base[2]]
        for qi, (d, acc) in enumerate(self.queries):
            if not acc:
                continue
            st = np.array([s for s, _ in acc], np.int64)
            ready = d + np.array([a for _, a in acc], np.int64)
            wi, ok = self.first_waiting(st, ready)
            r.append(np.full(int(ok.sum()), self.Q0 + qi))
            c.append(self.W0 + wi[ok])
            w.append(self.wkey[wi[ok]] % self.BIG - self.OFF - d)
        r, c, w = np.concatenate(r), np.concatenate(c), np.concatenate(w)
        # One edge per node pair (the cheapest): a CSR matrix would add duplicates up.
        order = np.lexsort((w, c, r))
        r, c, w = r[order], c[order], w[order]
        keep = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
        n = self.Q0 + len(self.queries)
        self.n_nodes = n
        self.n_edges = int(keep.sum())
        self.matrix = sp.csr_matrix((w[keep].astype(float), (r[keep], c[keep])), shape=(n, n))

    def run(self, qs, limit=np.inf):
        """Seconds from each query's departure to each sink (inf beyond limit): array (len(qs), sinks)."""
        if self.matrix is None:
            self.build()
        out = np.full((len(qs), len(self.sinks)), np.inf)
        sink_cols = self.S0 + np.arange(len(self.sinks))
        B = 24
        for b in range(0, len(qs), B):
            idx = self.Q0 + np.asarray(qs[b:b + B])
            d = dijkstra(self.matrix, directed=True, indices=idx, limit=limit)
            out[b:b + B] = d[:, sink_cols]
        return out

    def path(self, q, sink, limit=np.inf):
        """The oracle's journey for query q to a sink, as text (for failure reports)."""
        if self.matrix is None:
            self.build()
        src = self.Q0 + q
        dist, pred = dijkstra(self.matrix, directed=True, indices=[src], limit=limit, return_predecessors=True)
        target = self.S0 + self.sinks.index(sink)
        if not np.isfinite(dist[0, target]):
            return "no journey within the limit"
        nodes = []
        v = target
        while v >= 0 and v != src:
            nodes.append(v)
            v = pred[0, v]
        nodes.reverse()
        d0, acc = self.queries[q]
        acc = dict(acc)
        tt = self.tt
        steps = []
        kind, stop, inst_arr = "source", None, None
        for v in nodes:
            t = d0 + int(dist[0, v])
            if v < self.C:  # departure event: a boarding when not already on board
                if kind not in ("dep", "arr"):
                    lab, trip, delta, fs = tt.instances[tt.inst[v]]
                    steps.append(f"board {lab}:{trip}{'' if delta == 0 else f' (day {delta:+d})'}"
                                 f"{'' if fs is None else f' (frequency run {clock(fs)})'} at {clock(tt.dep[v])}")
                kind = "dep"
            elif v < self.W0:  # arrival event
                kind, inst_arr = "arr", v - self.C
            elif v < self.A0:  # waiting
                s = int(self.wkey[v - self.W0] // self.BIG)
                if kind == "source":
                    steps.append(f"leave {clock(d0)}, walk {acc.get(s)} s to {tt.stop_label(s)}")
                elif kind == "alighted" and s != stop:
                    steps.append(f"transfer walk {dict(self.transfers.get(stop, [])).get(s)} s to {tt.stop_label(s)}")
                kind, stop = "waiting", s
            elif v < self.S0:  # alighted
                s = int(self.akey[v - self.A0] // self.BIG)
                steps.append(f"alight at {tt.stop_label(s)} {clock(tt.arr[inst_arr])}")
                kind, stop = "alighted", s
            else:
                steps.append(f"egress walk {self.egress[self.sinks[v - self.S0]].get(stop)} s: arrive {clock(t)} "
                             f"({int(dist[0, v])} s after leaving)")
        return "; ".join(steps)


class ReverseSearch:
    """Arrive-by on an EventGraph: the same nodes and edges reversed, one source per (deadline D, sink) joined to
    every alighted node (stop s, time t) with t + egress(s) <= D by an edge of D - t, and one node per origin that
    every waiting node (stop s, time tau) of each of its access stops joins by an edge of the access walk a(s).
    Every forward edge weighs its time difference, so every node a reversed path from the source reaches lies at
    exactly D - its time: reachable means "from here one is at a service by D". The distance to an origin's node is
    then min over reachable waiting nodes of D - tau + a(s) = D - L, L the latest departure to the second (leave at
    tau - a(s), be at s at tau, board). Walks never chain: sources lead only to alighted nodes (then back onto the
    vehicle), origins are reached only from waiting nodes (after a boarding)."""

    def __init__(self, graph, origins, sources, limit):
        """origins: [[(stop, access seconds)]]; sources: [(deadline seconds, sink name)]; limit: seconds."""
        g = graph
        self.g, self.origins, self.sources, self.limit = g, [dict(a) for a in origins], list(sources), limit
        n0 = g.Q0  # no query nodes
        self.O0 = n0
        self.X0 = n0 + len(origins)
        keep = (g.base[0] < n0) & (g.base[1] < n0)
        rows, cols, wts = [g.base[1][keep]], [g.base[0][keep]], [g.base[2][keep]]
        wstop = g.wkey // g.BIG
        for oi, acc in enumerate(origins):
            for s, a in acc:
                lo, hi = np.searchsorted(wstop, [s, s + 1])
                rows.append(g.W0 + np.arange(lo, hi))
                cols.append(np.full(hi - lo, self.O0 + oi))
                wts.append(np.full(hi - lo, int(a)))
        astop, atime = g.akey // g.BIG, g.akey % g.BIG - g.OFF
        secs = {}
        for xi, (d, name) in enumerate(self.sources):
            if name not in secs:
                e = g.egress[name]
                secs[name] = np.array([e.get(int(s), -1) for s in astop], dtype=np.int64)
            sec = secs[name]
            ok = (sec >= 0) & (atime + sec <= d) & (atime >= d - limit)
            rows.append(np.full(int(ok.sum()), self.X0 + xi))
            cols.append(g.A0 + np.flatnonzero(ok))
            wts.append(d - atime[ok])
        r, c, w = (np.concatenate(x).astype(np.int64) for x in (rows, cols, wts))
        if (w < 0).any():
            raise AssertionError("negative edge weight in the reversed event graph")
        order = np.lexsort((w, c, r))
        r, c, w = r[order], c[order], w[order]
        first = np.r_[True, (r[1:] != r[:-1]) | (c[1:] != c[:-1])]
        n = self.X0 + len(self.sources)
        self.n_nodes, self.n_edges = n, int(first.sum())
        self.matrix = sp.csr_matrix((w[first].astype(float), (r[first], c[first])), shape=(n, n))

    def run(self, xs=None, limit=None):
        """D - L seconds (inf: none within the limit) per source and origin: array (len(xs), origins)."""
        limit = self.limit if limit is None else limit
        xs = range(len(self.sources)) if xs is None else xs
        xs = np.asarray(list(xs), np.int64)
        out = np.full((len(xs), len(self.origins)), np.inf)
        cols = self.O0 + np.arange(len(self.origins))
        B = 24
        for b in range(0, len(xs), B):
            d = dijkstra(self.matrix, directed=True, indices=self.X0 + xs[b:b + B], limit=limit)
            out[b:b + B] = d[:, cols]
        return out

    def path(self, xi, oi):
        """The oracle's latest journey from origin oi to source xi's sink by its deadline, as text."""
        g, tt = self.g, self.g.tt
        d0, name = self.sources[xi]
        src = self.X0 + xi
        dist, pred = dijkstra(self.matrix, directed=True, indices=[src], limit=self.limit, return_predecessors=True)
        v = self.O0 + oi
        if not np.isfinite(dist[0, v]):
            return f"no journey by {clock(d0)} within {self.limit} s"
        nodes = []
        v = pred[0, v]
        while v >= 0 and v != src:  # the predecessor chain from the origin runs forwards in time
            nodes.append(int(v))
            v = pred[0, v]
        acc = self.origins[oi]
        steps, kind, stop, arr_call = [], "source", None, None
        leave = d0 - int(dist[0, self.O0 + oi])
        for v in nodes:
            t = d0 - int(dist[0, v])
            if v < g.C:
                if kind not in ("dep", "arr"):
                    lab, trip, delta, fs = tt.instances[tt.inst[v]]
                    steps.append(f"board {lab}:{trip}{'' if delta == 0 else f' (day {delta:+d})'}"
                                 f"{'' if fs is None else f' (frequency run {clock(fs)})'} at {clock(tt.dep[v])}")
                kind = "dep"
            elif v < g.W0:
                kind, arr_call = "arr", v - g.C
            elif v < g.A0:
                s = int(g.wkey[v - g.W0] // g.BIG)
                if kind == "source":
                    steps.append(f"leave {clock(leave)}, walk {acc.get(s)} s to {tt.stop_label(s)} (there {clock(t)})")
                elif kind == "alighted" and s != stop:
                    steps.append(f"transfer walk {dict(g.transfers.get(stop, [])).get(s)} s to {tt.stop_label(s)}")
                kind, stop = "waiting", s
            elif v < g.S0:
                s = int(g.akey[v - g.A0] // g.BIG)
                steps.append(f"alight at {tt.stop_label(s)} {clock(tt.arr[arr_call])}")
                kind, stop = "alighted", s
        e = g.egress[name].get(stop)
        steps.append(f"egress walk {e} s: arrive {clock(t + e)} (by {clock(d0)}; {d0 - leave} s after leaving)")
        return "; ".join(steps)


# ----------------------------------------------------------------------------------------------------------------
# The fixture self-test (fixtures/raptor/README.md; stop to stop, straight-line walks)

FIX = os.path.join(HERE, "..", "..", "fixtures", "raptor")


def fixture_queries():
    """The README's 42 queries, from fixtures/raptor/check_feeds.py's table (the hand-worked answers)."""
    sys.path.insert(0, FIX)
    import check_feeds  # noqa: E402

    return check_feeds.QUERIES, check_feeds.secs


def fixture_selftest(case=None, verbose=True):
    queries, secs = fixture_queries()
    feeds_cache = {}
    bad = []
    for feeds_names, date, origin, depart, dest, walks, expected in queries:
        feeds = [feeds_cache.setdefault(n, Feed(os.path.join(FIX, n), n)) for n in feeds_names]
        tt = Timetable(feeds, date)
        gid = {(tt.feeds[tt.stop_feed[s]].label, tt.stop_id[s]): s for s in range(len(tt.stop_id))}

        def find(stop):
            return next(s for (f, i), s in gid.items() if i == stop)

        transfers = {}
        for fa, a, fb, b in walks:
            sa, sb = gid[(fa, a)], gid[(fb, b)]
            sec = math.ceil(math.hypot(*(tt.stop_xy[sa] - tt.stop_xy[sb])) / WALK_MPS)
            assert sec <= MAX_TRANSFER_S
            transfers.setdefault(sa, []).append((sb, sec))
            transfers.setdefault(sb, []).append((sa, sec))
        g = EventGraph(tt, transfers, {"dest": {find(dest): 0}})
        q = g.add_query(secs(depart), [(find(origin), 0)])
        d = g.run([q])[0, 0]
        got = None if not np.isfinite(d) else clock(secs(depart) + int(d))
        ok = got == expected
        line = (f"{'+'.join(feeds_names)} {date} {origin} {depart} -> {dest}"
                f"{' walking ' + ','.join(a + '-' + b for _, a, _, b in walks) if walks else ''}: "
                f"{got or 'unreachable'}")
        if not ok:
            bad.append(f"{line} (README: {expected or 'unreachable'}); journey: {g.path(q, 'dest')}")
        if verbose:
            print(f"{'ok  ' if ok else 'FAIL'} {line}")
    if case is not None:
        case.check("oracle self-test: the time-expanded graph answers the 42 README queries of fixtures/raptor",
                   bad, f"{len(queries)} queries")
    return bad


def fixture_arrive_selftest(case=None, verbose=True):
    """Arrive-by door to door on the `transfer` feed, as RaptorFixtureTests.arriveByByHand works it by hand: origin at
    W1, the service at S1, straight-line walks at 4.8 km/h rounded up (access and egress <= 900 s to and from the
    stops, transfers <= 300 s between stops, the direct walk W1-S1 1,807 s), max trip 3,600 s. Be at S1 by
    07:34:00: leave 07:21 (R2_0721, Q 07:28, 113 s to P, R1_0720 P 07:30, S1 07:34:00), 13 min; by 07:33: leave
    07:11 (R2_0711, Q 07:18, the 759 s walk on), 22 min. Then every deadline 07:00-07:59 against the forward search
    on the same graph: leaving at L (to the second) is there by D, leaving at L + 1 s is not."""
    feed = Feed(os.path.join(FIX, "transfer"), "transfer")
    tt = Timetable([feed], DATE)
    gid = {tt.stop_id[s]: s for s in range(len(tt.stop_id))}
    xy = tt.stop_xy
    walk = (lambda a, b: math.ceil(math.hypot(*(a - b)) / WALK_MPS))
    n = len(tt.stop_id)
    transfers = {}
    for a in range(n):
        for b in range(n):
            if a != b and walk(xy[a], xy[b]) <= MAX_TRANSFER_S:
                transfers.setdefault(a, []).append((b, walk(xy[a], xy[b])))
    w1, s1 = xy[gid["W1"]], xy[gid["S1"]]
    access = [(s, walk(xy[s], w1)) for s in range(n) if walk(xy[s], w1) <= MAX_WALK_S]
    egress = {s: walk(xy[s], s1) for s in range(n) if walk(xy[s], s1) <= MAX_WALK_S}
    direct = walk(w1, s1)
    limit = 3600
    g = EventGraph(tt, transfers, {"S1": egress})
    deadlines = list(range(7 * 3600, 8 * 3600, 60))
    rs = ReverseSearch(g, [access], [(d, "S1") for d in deadlines], limit)
    dist = rs.run()[:, 0]

    def latest(j):
        cands = [deadlines[j] - int(dist[j])] if np.isfinite(dist[j]) else []
        if direct <= limit:
            cands.append(deadlines[j] - direct)
        return max(cands) if cands else None

    bad, lines = [], []
    facts = (("egress Q", egress.get(gid["Q"]), 759), ("egress P", egress.get(gid["P"]), 750),
             ("direct walk W1-S1", direct, 1807),
             ("transfer Q-P", dict(transfers.get(gid["Q"], [])).get(gid["P"]), 113))
    for what, got, want in facts:
        if got != want:
            bad.append(f"{what}: {got} s, by hand {want} s")
    for hhmm, want_l, want_t, trips in (("07:34", "07:21:00", 13, ("R2_0721", "R1_0720")),
                                          ("07:33", "07:11:00", 22, ("R2_0711",))):
        j = deadlines.index(int(hhmm[:2]) * 3600 + int(hhmm[3:]) * 60)
        L = latest(j)
        t = None if L is None else ceil_div(deadlines[j] - L, 60)
        path = rs.path(j, 0)
        line = f"by {hhmm}: leave {clock(L) if L is not None else '-'}, {t} min; {path}"
        lines.append(line)
        if clock(L) != want_l or t != want_t or not all(tr in path for tr in trips):
            bad.append(f"{line} (by hand: leave {want_l}, {want_t} min, on {', '.join(trips)})")
    # forward consistency, every deadline
    qs = {}
    for j, d in enumerate(deadlines):
        L = latest(j)
        if L is None:
            bad.append(f"by {clock(d)}: no journey, but walking takes {direct} s")
            continue
        for dep in (L, L + 1):
            qs.setdefault(dep, g.add_query(dep, access))
    keys = list(qs)
    fwd = dict(zip(keys, g.run([qs[k] for k in keys])[:, 0]))
    for j, d in enumerate(deadlines):
        L = latest(j)
        if L is None:
            continue
        ea = [min(dep + fwd[dep], dep + direct) for dep in (L, L + 1)]
        if not ea[0] <= d < ea[1]:
            bad.append(f"by {clock(d)}: latest departure {clock(L)}, but leaving then arrives {clock(ea[0])} and a "
                       f"second later {clock(ea[1])} (forward search)")
    if verbose:
        for line in lines:
            print(f"     {line}")
        print(f"{'ok  ' if not bad else 'FAIL'} arrive-by W1 -> S1 (transfer): {len(deadlines)} deadlines")
        for b in bad:
            print(f"       {b}")
    if case is not None:
        case.check("oracle self-check: arrive-by by hand on fixtures/raptor transfer, W1 -> S1 (by 07:34 13 min, "
                   "leave 07:21; by 07:33 22 min, leave 07:11), and every deadline 07:00-07:59: leaving at the "
                   "latest departure L arrives by the deadline, at L + 1 s not (forward search)", bad,
                   f"{len(deadlines)} deadlines")
    return bad


# ----------------------------------------------------------------------------------------------------------------
# Newport: inputs


def hospitals(pbf):
    """(easting, northing, 'n|w' + OSM id) of every amenity=hospital node, and the point on surface of every such
    way, sorted by id."""
    import osmium
    import shapely

    tr = pyproj.Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
    rows = []
    _, k, v = HOSPITAL
    for obj in osmium.FileProcessor(pbf).with_locations():
        if obj.tags.get(k) != v:
            continue
        if obj.is_node():
            x, y = tr.transform(obj.location.lon, obj.location.lat)
            rows.append((x, y, f"n{obj.id}"))
        elif obj.is_way():
            ll = [(n.location.lon, n.location.lat) for n in obj.nodes if n.location.valid()]
            xs, ys = tr.transform([p[0] for p in ll], [p[1] for p in ll])
            xy = list(zip(xs, ys))
            geom = shapely.Polygon(xy) if len(xy) >= 4 and obj.is_closed() else shapely.LineString(xy)
            p = shapely.point_on_surface(geom)
            rows.append((p.x, p.y, f"w{obj.id}"))
    rows.sort(key=lambda r: (r[2][0], int(r[2][1:])))
    return rows


def newport_services(data):
    """The OSM categories of PT_CATEGORIES (distance.py's reading of the extract) and then the hospitals: few and
    far, so that journeys to them ride and change (the journey breakdown's multi-ride cases)."""
    import distance

    pbf = os.path.join(data, NEWPORT["pbf"])
    rows, _ = distance.osm_services(pbf)
    cats = [c for c, _, _ in PT_CATEGORIES]
    rows = [r for r in rows if r[0] in cats] + [(HOSPITAL[0], x, y, osm) for x, y, osm in hospitals(pbf)]
    return rows, cats + [HOSPITAL[0]]


def prepare(args):
    import distance
    import roadnet

    data, tmp = args.data, args.tmp
    os.makedirs(tmp, exist_ok=True)
    pbf = os.path.join(data, NEWPORT["pbf"])
    wards_path = os.path.join(data, NEWPORT["wards"])
    if not (os.path.exists(pbf) and os.path.exists(wards_path)):
        print(f"raptor.py prepare: SKIP: {pbf} or {wards_path} not found")
        return 0
    rows, cats = newport_services(data)
    path = os.path.join(tmp, "pt_services.csv")
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "category", "easting", "northing", "osm"])
        for i, (c, x, y, osm) in enumerate(rows):
            w.writerow([i, c, f"{x:.3f}", f"{y:.3f}", osm])
    print(f"raptor.py prepare: {path}: {pd.Series([r[0] for r in rows]).value_counts().to_dict()}")

    net = roadnet.RoadNetwork.read(pbf)
    g = net.mode_graph("walk")
    wards, code_field = distance.read_wards(wards_path)
    union = wards.geometry.union_all()
    # Nodes on pieces of >= 40 nodes (the island rule), inside a ward.
    import networkx as nx
    import shapely

    und = nx.Graph()
    und.add_edges_from((int(a), int(b)) for a, b in zip(g.u, g.v) if a != b)
    good = np.array(sorted(n for comp in nx.connected_components(und) if len(comp) >= roadnet.MIN_ISLAND_NODES
                           for n in comp))
    inside = shapely.contains_xy(union, g.xy[good, 0], g.xy[good, 1])
    pool = good[inside]
    rng = np.random.default_rng(SEED)
    pick = rng.choice(pool, size=N_ORIGINS, replace=False)
    ang = rng.uniform(0, 2 * math.pi, N_ORIGINS)
    r = rng.uniform(5, 40, N_ORIGINS)
    xy = g.xy[pick] + np.column_stack([r * np.cos(ang), r * np.sin(ang)])
    # Two points in wards the extract has no roads in (the point on surface of the first two such wards).
    pos = shapely.get_coordinates(shapely.point_on_surface(wards.geometry.values))
    snaps = g.snap(pos, MAX_SNAP_M)
    off = [i for i, s in enumerate(snaps) if s is None][:2]
    xy = np.vstack([xy, pos[off]])
    xy = xy[shapely.contains_xy(union, xy[:, 0], xy[:, 1])]
    path = os.path.join(tmp, "pt_origins.csv")
    pd.DataFrame({"id": np.arange(len(xy)), "easting": xy[:, 0], "northing": xy[:, 1]}).to_csv(
        path, index=False, float_format="%.3f")
    print(f"raptor.py prepare: {path}: {len(xy)} origins ({N_ORIGINS} seeded walk-graph points moved 5-40 m, "
          f"{len(off)} in wards with no road: {', '.join(wards[code_field].iloc[off])})")
    return 0


# ----------------------------------------------------------------------------------------------------------------
# Newport: the oracle


def snap_xy(g, s):
    a, b = g.xy[g.u[s.seg]], g.xy[g.v[s.seg]]
    return a + s.f * (b - a)


class NewportOracle:
    def __init__(self, data, tmp, origins_path=None, services_path=None, full=N_FULL, every=SAMPLE_EVERY,
                 verbose=True, typical=True, gtfs=None, date=DATE, window=WINDOW, arrive_by=False):
        """gtfs: the feeds (paths, zip or folder; default Newport's bus and rail of NEWPORT), date: the service
        date (default DATE); scenarios.py hands it edited feeds and another date. window: [start, end) seconds;
        arrive_by: read it as arrival deadlines (every minute; ReverseSearch) and not departure minutes; the
        timetable then covers [first deadline - max trip, window end], and every (origin, deadline) is computed."""
        import distance
        import roadnet

        t0 = time.perf_counter()
        self.log = (lambda *a: print("     oracle:", *a, flush=True)) if verbose else (lambda *a: None)
        og = pd.read_csv(origins_path or os.path.join(tmp, "pt_origins.csv"))
        sv = pd.read_csv(services_path or os.path.join(tmp, "pt_services.csv"))
        self.categories = list(dict.fromkeys(sv.category))
        self.sxy = {c: sv.loc[sv.category == c, ["easting", "northing"]].to_numpy(dtype=float) for c in self.categories}
        self.wards, self.code_field = distance.read_wards(os.path.join(data, NEWPORT["wards"]))
        # Origins as reach places them (OriginSet): the file's points in a ward, labelled by row index, then the
        # point on surface (weight 1) of each ward no origin falls in, labelled by the ward code.
        xy = og[["easting", "northing"]].to_numpy(dtype=float)
        wt = og["weight"].to_numpy(dtype=float) if "weight" in og else np.ones(len(og))
        zone = distance.assign_zones(xy, self.wards, self.code_field)
        inside = zone != ""
        self.outside = int((~inside).sum())
        codes = self.wards[self.code_field].astype(str).tolist()
        empty = [k for k, code in enumerate(codes) if code not in set(zone[inside])]
        import shapely

        pos = shapely.get_coordinates(shapely.point_on_surface(self.wards.geometry.values[empty])).reshape(-1, 2)
        self.labels = [str(i) for i in np.flatnonzero(inside)] + [codes[k] for k in empty]
        self.oxy = np.vstack([xy[inside], pos])
        self.weight = np.r_[wt[inside], np.ones(len(empty))]
        self.zone = np.r_[zone[inside], np.array([codes[k] for k in empty], dtype=object)].astype(str)
        self.fallback = {codes[k] for k in empty}

        # Walk graph, snaps.
        net = roadnet.RoadNetwork.read(os.path.join(data, NEWPORT["pbf"]))
        g = net.mode_graph("walk", walk_kmh=WALK_KMH)
        self.g = g
        self.osnap = g.snap(self.oxy, MAX_SNAP_M)
        self.ssnap = {c: g.snap(xy, MAX_SNAP_M) for c, xy in self.sxy.items()}
        feeds = [Feed(p) for p in gtfs] if gtfs else [Feed(os.path.join(data, p)) for p in NEWPORT["gtfs"]]
        self.start, self.end = window
        self.arrive_by = arrive_by
        self.minutes = list(range(self.start, self.end, 60))
        horizon = (self.start - MAX_TRIP_S, self.end - 1) if arrive_by else (self.start, self.minutes[-1] + MAX_TRIP_S)
        # pt_served: a departure in the window, or for arrive-by in [first deadline - max trip, window end)
        self.dep_window = (self.start - MAX_TRIP_S, self.end) if arrive_by else (self.start, self.end)
        self.tt = tt = Timetable(feeds, date, keep=horizon)
        self.log(f"walk graph {len(g.u)} segments; {len(tt.instances)} trip instances overlap "
                 f"{clock(horizon[0])}-{clock(horizon[1])} ({len(tt.stop)} calls), {tt.short_trips} trips with < 2 "
                 f"stop times ({time.perf_counter() - t0:.1f}s)")
        t1 = time.perf_counter()
        self.stop_snap = g.snap(tt.stop_xy, MAX_SNAP_M)
        snapped = [s for s in range(len(self.stop_snap)) if self.stop_snap[s] is not None]
        self.snapped_stops = snapped
        sxy = np.array([snap_xy(g, self.stop_snap[s]) for s in snapped])
        tree = cKDTree(sxy)

        def walks_from(p, cutoff):
            """{stop: ceil seconds <= cutoff} from snap p to every snapped stop (candidates by straight line)."""
            cand = tree.query_ball_point(snap_xy(g, p), cutoff * WALK_MPS + 1.0)
            stops = [snapped[i] for i in cand]
            secs = g.times_from(p, [self.stop_snap[s] for s in stops], cutoff)
            return {s: math.ceil(t) for s, t in zip(stops, secs) if t is not None and math.isfinite(t)}

        # Transfers: every other snapped stop within 300 s.
        self.transfers = {}
        for s in snapped:
            lst = [(t, sec) for t, sec in walks_from(self.stop_snap[s], MAX_TRANSFER_S).items() if t != s]
            if lst:
                self.transfers[s] = lst
        n_tr = sum(len(v) for v in self.transfers.values())
        asym = sum(1 for s, lst in self.transfers.items() for t, sec in lst
                   if dict(self.transfers.get(t, [])).get(s) != sec)
        self.log(f"{len(snapped)} of {len(tt.stop_id)} stops snapped; {n_tr} transfers (directed) within "
                 f"{MAX_TRANSFER_S} s, {asym} asymmetric ({time.perf_counter() - t1:.1f}s)")
        self.self_bad = [f"{asym} transfers differ by direction (walking is symmetric)"] if asym else []
        t1 = time.perf_counter()
        # Access per origin (<= 900 s).
        self.access = [walks_from(s, MAX_WALK_S) if s is not None else None for s in self.osnap]
        # Egress per category, direct walk per origin.
        self.egress, self.direct, self.direct_float = {}, {}, {}
        for c in self.categories:
            secs = g.times_to_nearest(self.ssnap[c], [self.stop_snap[s] for s in snapped] + self.osnap)
            es = secs[:len(snapped)]
            self.egress[c] = {s: math.ceil(t) for s, t in zip(snapped, es) if math.isfinite(t) and t <= MAX_WALK_S}
            ow = secs[len(snapped):]
            self.direct_float[c] = [None if t is None else t for t in ow]
            self.direct[c] = [None if t is None else (math.ceil(t) if math.isfinite(t) else math.inf) for t in ow]
        self.log(f"access for {sum(a is not None for a in self.access)} snapped origins (mean "
                 f"{np.mean([len(a) for a in self.access if a is not None]):.0f} stops), egress stops "
                 f"{ {c: len(e) for c, e in self.egress.items()} } ({time.perf_counter() - t1:.1f}s)")
        t1 = time.perf_counter()
        # Typical origins (weighted mean position of each ward's origins, on the walk graph or not, as
        # DistanceJob): per-service sinks for {c}_pt_count_within_{t}.
        self.typical = {}
        for wi, code in enumerate(self.wards[self.code_field].astype(str)):
            sel = self.zone == code
            if sel.any():
                ww = self.weight[sel]
                p = (self.oxy[sel] * ww[:, None]).sum(0) / ww.sum() if ww.sum() > 0 else self.oxy[sel].mean(0)
                self.typical[code] = p
        tcodes = list(self.typical)
        self.tsnap = dict(zip(tcodes, g.snap(np.array([self.typical[k] for k in tcodes]).reshape(-1, 2), MAX_SNAP_M)))
        self.service_sinks = {c: [("service", c, j) for j in range(len(self.sxy[c]))] for c in self.categories}
        egress = dict(self.egress)
        for c in self.categories:
            for j, sn in enumerate(self.ssnap[c]):
                egress[("service", c, j)] = {} if sn is None else walks_from(sn, MAX_WALK_S)
        self.typical_direct = {}
        for code, ts in self.tsnap.items():
            if ts is None:
                continue
            allc = [(c, j) for c in self.categories for j in range(len(self.ssnap[c]))]
            secs = g.times_from(ts, [self.ssnap[c][j] for c, j in allc], MAX_TRIP_S)
            self.typical_direct[code] = {
                ("service", c, j): (math.ceil(t) if t is not None and math.isfinite(t) else math.inf)
                for (c, j), t in zip(allc, secs)}
        self.graph = EventGraph(tt, self.transfers, egress)
        # Queries: every `every`-th minute of every snapped origin, all minutes of the `full` first ones (None: all);
        # every minute from each ward's typical origin.
        self.snapped_origins = [i for i, s in enumerate(self.osnap) if s is not None]
        self.full = self.snapped_origins if full is None or arrive_by else self.snapped_origins[:full]
        full_set = set(self.full)
        self.qindex = {}
        for o in self.snapped_origins:
            acc = sorted(self.access[o].items())
            for mi, d in enumerate(self.minutes):
                if not arrive_by and (o in full_set or mi % every == 0):
                    self.qindex[(o, mi)] = self.graph.add_query(d, acc)
        self.typical_access = {}
        for code, ts in self.tsnap.items():
            if ts is None or not typical:
                continue
            acc = sorted(walks_from(ts, MAX_WALK_S).items())
            self.typical_access[code] = acc
            for mi, d in enumerate(self.minutes):
                self.qindex[(("typical", code), mi)] = self.graph.add_query(d, acc)
        self.graph.build()
        self.log(f"event graph {self.graph.n_nodes} nodes, {self.graph.n_edges} edges, {len(self.graph.sinks)} "
                 f"sinks, {len(self.qindex)} queries ({time.perf_counter() - t1:.1f}s)")
        t1 = time.perf_counter()
        keys = list(self.qindex)
        dist = run_parallel(self.graph, [self.qindex[k] for k in keys], MAX_TRIP_S)
        self.transit = {k: dist[i] for i, k in enumerate(keys)}  # seconds EA - d per sink (inf beyond max trip)
        self.log(f"{len(keys)} Dijkstras ({time.perf_counter() - t1:.1f}s)")
        self.forward = self.transit  # forward EA - d (arrive-by: from the deadlines taken as departures)
        if arrive_by:
            # Every origin x deadline: transit[(o, j)][sink] = D - L (inf: beyond max trip); the typical origins'
            # per-service values too (only whether a median is within the largest threshold matters there).
            t1 = time.perf_counter()
            okeys = [o for o in self.snapped_origins] + [("typical", code) for code in self.typical_access]
            oacc = [sorted(self.access[o].items()) for o in self.snapped_origins] + list(self.typical_access.values())
            cat_src = [(d, c) for d in self.minutes for c in self.categories]
            svc_src = [(d, sk) for d in self.minutes for c in self.categories for sk in self.service_sinks[c]] \
                if self.typical_access else []
            self.reverse = ReverseSearch(self.graph, oacc, cat_src + svc_src, MAX_TRIP_S)
            self.rindex = {src: xi for xi, src in enumerate(self.reverse.sources)}
            self.okeys = {k: i for i, k in enumerate(okeys)}
            a = run_reverse(self.reverse, range(len(cat_src)), MAX_TRIP_S)
            b = run_reverse(self.reverse, range(len(cat_src), len(cat_src) + len(svc_src)), max(MINUTES) * 60)
            dist = np.vstack([a, b])
            self.transit = {}
            sink_index = {sk: i for i, sk in enumerate(self.graph.sinks)}
            for xi, (d, sk) in enumerate(self.reverse.sources):
                mi = (d - self.start) // 60
                for k, oi in self.okeys.items():
                    self.transit.setdefault((k, mi), np.full(len(self.graph.sinks), np.inf))[sink_index[sk]] = \
                        dist[xi, oi]
            self.log(f"reversed graph {self.reverse.n_nodes} nodes, {self.reverse.n_edges} edges; {dist.shape[0]} "
                     f"arrive-by Dijkstras ({time.perf_counter() - t1:.1f}s)")
        self.log(f"oracle total {time.perf_counter() - t0:.1f}s")

    def arrive_consistency(self):
        """Arrive-by against the forward search on the same graph, every origin x deadline x category: by transit
        (walking straight there left out), leaving at L = D - (D - L) arrives by D and leaving at L + 1 s does not;
        with no journey within max trip, leaving at D - max trip does not arrive by D. Returns (bad, detail)."""
        t1 = time.perf_counter()
        g = self.graph
        qs, items = {}, []
        for o in self.snapped_origins:
            acc = sorted(self.access[o].items())
            for mi, d in enumerate(self.minutes):
                for c in self.categories:
                    x = self.transit[(o, mi)][g.sinks.index(c)]
                    deps = (d - int(x), d - int(x) + 1) if np.isfinite(x) else (d - MAX_TRIP_S,)
                    for dep in deps:
                        if (o, dep) not in qs:
                            qs[(o, dep)] = g.add_query(dep, acc)
                    items.append((o, mi, c, x, deps))
        keys = list(qs)
        g.build()
        dist = run_parallel(g, [qs[k] for k in keys], MAX_TRIP_S)
        fwd = {k: dist[i] for i, k in enumerate(keys)}
        bad, n_fin = [], 0
        for o, mi, c, x, deps in items:
            d, ci = self.minutes[mi], g.sinks.index(c)
            ea = [dep + fwd[(o, dep)][ci] for dep in deps]  # inf: beyond max trip
            if np.isfinite(x):
                n_fin += 1
                if not (ea[0] <= d < ea[1]):
                    bad.append(f"origin {self.labels[o]} {c} by {clock(d)}: latest departure {clock(deps[0])}, but "
                               f"the forward search arrives {ea[0]:.0f} s and a second later {ea[1]:.0f} s "
                               f"(seconds after midnight)")
            elif ea[0] <= d:
                bad.append(f"origin {self.labels[o]} {c} by {clock(d)}: no journey within max trip, but leaving "
                           f"{clock(deps[0])} the forward search arrives {clock(int(ea[0]))}")
        return bad, (f"{len(items)} (origin, deadline, category), {n_fin} by public transport; {len(keys)} forward "
                     f"Dijkstras ({time.perf_counter() - t1:.1f}s)")

    def journey(self, o, mi, c):
        """The oracle's journey for origin o at minute index mi (a departure, or a deadline) to category c."""
        if self.arrive_by:
            return self.reverse.path(self.rindex[(self.minutes[mi], c)], self.okeys[o])
        q = self.qindex.get((o, mi))
        return self.graph.path(q, c, MAX_TRIP_S) if q is not None else "(not computed)"

    def counts_within(self, code, c, with_walk=True, forward=False):
        """{t: services of c whose median (p50 over the window) time from the ward's typical origin is <= t
        minutes, capped at 10}, or None when the typical origin is off the walk graph."""
        if self.tsnap.get(code) is None:
            return None
        meds = []
        for j, sink in enumerate(self.service_sinks[c]):
            si = self.graph.sinks.index(sink)
            w = self.typical_direct[code][sink] if with_walk else math.inf
            vals = []
            for mi in range(len(self.minutes)):
                secs = (self.forward if forward else self.transit)[(("typical", code), mi)][si]
                v = ceil_div(int(secs), 60) if secs <= MAX_TRIP_S else math.inf
                if w <= MAX_TRIP_S:
                    v = min(v, ceil_div(int(w), 60))
                vals.append(v)
            vals.sort()
            meds.append(vals[math.ceil(0.5 * len(vals)) - 1])
        return {t: min(COUNT_CAP, sum(m <= t for m in meds)) for t in MINUTES}

    def value(self, o, mi, c):
        """Whole minutes (inf = nothing within max trip) for origin o, minute index mi, category c."""
        secs = self.transit[(o, mi)][self.graph.sinks.index(c)]
        t = math.inf if not (secs <= MAX_TRIP_S) else ceil_div(int(secs), 60)
        w = self.direct[c][o]
        if w is not None and w <= MAX_TRIP_S:
            t = min(t, ceil_div(int(w), 60))
        return t

    def percentiles(self, o, c):
        vals = sorted(self.value(o, mi, c) for mi in range(len(self.minutes)))
        n = len(vals)
        return {p: vals[math.ceil(p / 100 * n) - 1] for p in PERCENTILES}

    def served(self, o):
        """Whether some stop within max walk of origin o has a departure in the window (docs/transit.md)."""
        acc = self.access[o]
        if not acc:
            return False
        tt = self.tt
        dep_ok = tt.pickup & ~tt.last & (tt.dep >= self.dep_window[0]) & (tt.dep < self.dep_window[1])
        stops = set(np.unique(tt.stop[dep_ok]).tolist())
        return any(s in stops for s in acc)

    def v_max(self):
        """Metres per second: walk speed, or the fastest span of consecutive calls of a running instance with
        positive time (straight distance between the calls' stops at their snap points, unsnapped at their place)."""
        tt, g = self.tt, self.g
        pos = np.array([snap_xy(g, s) if s is not None else tt.stop_xy[i] for i, s in enumerate(self.stop_snap)])
        best, where = WALK_MPS, "walking"
        for i in range(len(tt.instances)):
            a, b = tt.inst_first[i], tt.inst_first[i + 1]
            p = pos[tt.stop[a:b]]
            dep, arr = tt.dep[a:b], tt.arr[a:b]
            dx = p[:, None, :] - p[None, :, :]
            dist = np.hypot(dx[..., 0], dx[..., 1])
            secs = arr[None, :] - dep[:, None]
            m = (np.triu(np.ones_like(secs, bool), 1)) & (secs > 0)
            if m.any():
                v = np.where(m, dist / np.where(m, secs, 1), 0)
                j = np.unravel_index(np.argmax(v), v.shape)
                if v[j] > best:
                    best = float(v[j])
                    lab, trip, delta, _ = tt.instances[i]
                    where = (f"{lab}:{trip} {tt.stop_label(tt.stop[a + j[0]])} {clock(dep[j[0]])} -> "
                             f"{tt.stop_label(tt.stop[a + j[1]])} {clock(arr[j[1]])}, {dist[j]:.0f} m")
        return best, where


def _worker(args):
    qs, limit = args
    return _G.run(qs, limit)


_G = None


def _rworker(args):
    xs, limit = args
    return _R.run(xs, limit)


_R = None


def run_reverse(search, xs, limit, workers=2):
    """ReverseSearch.run over two forked processes, as run_parallel."""
    global _R
    _R = search
    xs = list(xs)
    if len(xs) < 50 or workers < 2:
        return search.run(xs, limit)
    import multiprocessing as mp

    k = workers * 4
    chunks = [xs[i::k] for i in range(k)]
    with mp.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_rworker, [(c, limit) for c in chunks])
    out = np.empty((len(xs), len(search.origins)))
    for i, part in enumerate(parts):
        out[i::k] = part
    return out


def run_parallel(graph, qs, limit, workers=2):
    """EventGraph.run over two forked processes (the CSR matrix is inherited, not pickled)."""
    global _G
    _G = graph
    if len(qs) < 50 or workers < 2:
        return graph.run(qs, limit)
    import multiprocessing as mp

    chunks = [qs[i::workers * 8] for i in range(workers * 8)]
    with mp.get_context("fork").Pool(workers) as pool:
        parts = pool.map(_worker, [(c, limit) for c in chunks])
    out = np.empty((len(qs), len(graph.sinks)))
    for i, part in enumerate(parts):
        out[i::workers * 8] = part
    return out


# ----------------------------------------------------------------------------------------------------------------
# Checking


def fmt_min(t):
    return "" if t is None or (isinstance(t, float) and math.isinf(t)) else str(int(t))


def parse_min(s):
    s = str(s).strip()
    return math.inf if s == "" else float(s)


def check_status(case, reach_dir):
    """reach exited 0; its stderr lines with timings or 'pt:' are printed."""
    return reach_status(case, reach_dir, echo=("timings", "pt:"), echo_prefix="     reach: ")


def case_fixtures(name, reach_dir, data, tmp):
    """The oracle's own self-test (no reach run): reported, and a failure fails the run, but not a reach check."""
    case = Case(name, oracle_only=True)
    fixture_selftest(case, verbose=False)
    fixture_arrive_selftest(case, verbose=False)
    return case


def case_newport(name, reach_dir, data, tmp, arrive=False):
    """pt-newport (departures 07:00-10:00), or with arrive=True pt-newport-arrive (`reach pt --arrive-by`, deadlines
    ARRIVE_WINDOW): the same checks, the minute being a departure or a deadline."""
    case = Case(name)
    check_status(case, reach_dir)
    orc = NewportOracle(data, tmp, window=ARRIVE_WINDOW, arrive_by=True) if arrive else NewportOracle(data, tmp)
    cats = orc.categories
    lab = orc.labels
    n = len(lab)
    nm = len(orc.minutes)
    case.self_check("oracle self-check: transfer walks are symmetric", orc.self_bad,
               f"{sum(len(v) for v in orc.transfers.values())} directed transfers")
    if arrive:
        bad, detail = orc.arrive_consistency()
        case.self_check("oracle self-check: every origin x deadline x category against the forward search on the same "
                        "graph: leaving at the latest departure L arrives by the deadline, at L + 1 s not (none: "
                        "leaving max trip before does not)", bad, detail)

    def journey(o, mi, c):
        return f"{orc.journey(o, mi, c)}; direct walk {orc.direct[c][o]} s"

    # --- minutes.csv -----------------------------------------------------------------------------------------
    path = os.path.join(reach_dir, "minutes.csv")
    if not os.path.exists(path):
        case.check("reach wrote minutes.csv", [f"{path} missing (did reach fail? see its stderr)"])
        return case
    mdf = pd.read_csv(path, dtype=str, keep_default_na=False)
    header = ["origin", "category", "departure", "minutes"]
    case.check("minutes.csv columns", [] if list(mdf.columns) == header else [f"{list(mdf.columns)} != {header}"])
    if list(mdf.columns) != header:
        return case
    hhmm = [f"{d // 3600:02d}:{d // 60 % 60:02d}" for d in orc.minutes]
    want = {(lab[o], c, h) for o in orc.snapped_origins for c in cats for h in hhmm}
    got, dup = {}, 0
    for r in mdf.itertuples(index=False):
        k = (r.origin, r.category, r.departure)
        dup += k in got
        got[k] = r.minutes
    bad = [f"missing row {k}" for k in sorted(want - set(got))[:20]]
    bad += [f"extra row {k} (origin off the walk graph or in no ward?)" for k in sorted(set(got) - want)[:20]]
    if dup:
        bad.append(f"{dup} duplicate rows")
    bad += [f"row {k}: minutes {v!r} is not a whole number 0-{MAX_TRIP_S // 60} or empty" for k, v in got.items()
            if v != "" and not (v.isdigit() and int(v) <= MAX_TRIP_S // 60)][:5]
    case.check("minutes.csv: one row per origin on the walk graph x category x " +
               ("deadline (the departure column)" if arrive else "departure minute"), bad,
               f"{len(orc.snapped_origins)} origins on the walk graph x {len(cats)} categories x {len(hhmm)} minutes "
               f"= {len(want)} rows; reach {len(mdf)}")
    unit = "deadline" if arrive else "minute"
    full_text = (f"all {nm} {unit}s of every origin" if orc.full == orc.snapped_origins else
                 f"every {SAMPLE_EVERY}th minute of each origin and all {nm} of origins "
                 f"{', '.join(lab[o] for o in orc.full)}")
    bad, n_cmp, n_inf, n_walk, n_ride = [], 0, 0, 0, 0
    for (o, mi) in orc.transit:
        if not isinstance(o, (int, np.integer)):
            continue
        for c in cats:
            k = (lab[o], c, hhmm[mi])
            if k not in got:
                continue
            n_cmp += 1
            ov = orc.value(o, mi, c)
            n_inf += math.isinf(ov)
            w = orc.direct[c][o]
            by_walk = w is not None and w <= MAX_TRIP_S and ov == ceil_div(int(w), 60)
            n_walk += by_walk
            n_ride += not by_walk and math.isfinite(ov)
            rv = parse_min(got[k])
            if ov != rv:
                bad.append(f"origin {lab[o]} {c} {hhmm[mi]}: reach {got[k] or 'empty'}, oracle "
                           f"{fmt_min(ov) or 'empty'}; oracle journey: {journey(o, mi, c)}")
    case.check(f"minutes.csv = oracle, {full_text}", bad,
               f"{n_cmp} values compared: {n_ride} by public transport, {n_walk} the direct walk, {n_inf} empty")
    # invariant on every reach value
    vmax, where = orc.v_max()
    near = {}
    for c in cats:
        pts = np.array([snap_xy(orc.g, s) for s in orc.ssnap[c] if s is not None]).reshape(-1, 2)
        for o in orc.snapped_origins:
            p = snap_xy(orc.g, orc.osnap[o])
            near[(lab[o], c)] = float(np.min(np.hypot(*(pts - p).T))) if len(pts) else math.inf
    bad, n_inv = [], 0
    for k, v in got.items():
        if k not in want:
            continue
        n_inv += 1
        t = parse_min(v)
        d = near[(k[0], k[1])]
        if t * 60 < d / vmax - 1e-9:
            bad.append(f"origin {k[0]} {k[1]} {k[2]}: {v} min, but the nearest service is {d:.0f} m away "
                       f"(>= {d / vmax / 60:.2f} min at {vmax:.2f} m/s)")
    case.check("invariant: T*60 >= straight distance to the nearest service / v_max, every reach value", bad,
               f"{n_inv} values; v_max {vmax:.2f} m/s ({where})")

    # --- origins.csv -----------------------------------------------------------------------------------------
    path = os.path.join(reach_dir, "origins.csv")
    if not os.path.exists(path):
        case.check("reach wrote origins.csv", [f"{path} missing"])
        return case
    rdf = pd.read_csv(path, dtype=str, keep_default_na=False)
    which, expect = None, None
    # Per category the percentiles and the walk, then (depart-at) the journey breakdown (docs/raptor.md).
    breakdown = [] if arrive else (["pt_departure"] + [f"pt_{p}_s" for p in BREAKDOWN_PARTS]
                                   + ["pt_rides", "pt_routes", "pt_legs"])
    for label, cs in (("read order", cats), ("sorted", sorted(cats))):
        cols = ["origin", "zone", "x", "y", "weight", "snap_walk_metres"]
        cols += [f"{c}_{s}" for c in cs for s in ["pt_p25", "pt_p50", "pt_p75", "walk_minutes"] + breakdown]
        if list(rdf.columns[:len(cols)]) == cols:
            which, expect = label, cols
            break
    extra = list(rdf.columns[len(expect):]) if expect else []
    case.check("origins.csv columns", [] if which else [f"{list(rdf.columns)}"],
               f"categories in {which}" + (f"; extra columns {extra}" if extra else ""))
    if which is None:
        return case
    case.check("origins.csv one row per origin in input order (0-based index; then each ward with no origin, by "
               "its code)", [] if list(rdf.origin) == lab else
               [f"{len(rdf)} rows, ids {list(rdf.origin)[:3]}...{list(rdf.origin)[-6:]}; "
                f"oracle {lab[:3]}...{lab[-6:]}"],
               f"{n} origins, {len(orc.fallback)} of them ward points on surface; {orc.outside} outside every ward")
    if list(rdf.origin) != lab:
        return case
    bad = []
    for i in range(n):
        r = rdf.iloc[i]
        if r.zone != orc.zone[i]:
            bad.append(f"origin {lab[i]}: zone {r.zone!r}, oracle {orc.zone[i]!r}")
        if abs(float(r.x) - orc.oxy[i, 0]) > 0.01 or abs(float(r.y) - orc.oxy[i, 1]) > 0.01:
            bad.append(f"origin {lab[i]}: x,y {r.x},{r.y}, oracle {orc.oxy[i, 0]:.3f},{orc.oxy[i, 1]:.3f}")
        if abs(float(r.weight) - orc.weight[i]) > 1e-9:
            bad.append(f"origin {lab[i]}: weight {r.weight}, oracle {orc.weight[i]:g}")
        s = orc.osnap[i]
        rs = r.snap_walk_metres
        if (s is None) != (rs == "") or (s is not None and abs(float(rs) - s.dist) > 0.1):
            bad.append(f"origin {lab[i]}: snap_walk_metres {rs!r}, oracle {None if s is None else round(s.dist, 2)}")
    case.check("origins.csv zone, x, y (0.01 m), weight, snap_walk_metres (0.1 m; empty = off the walk graph)", bad,
               f"{len(orc.snapped_origins)} of {n} origins on the walk graph")
    bad, forms = [], set()
    for c in cats:
        for i in range(n):
            rv = rdf[f"{c}_walk_minutes"].iloc[i]
            w = orc.direct_float[c][i] if orc.osnap[i] is not None else None
            if w is None or not math.isfinite(w):
                if rv != "":
                    bad.append(f"origin {lab[i]} {c}: walk_minutes {rv!r}, oracle unreachable/unsnapped")
                continue
            if rv == "":
                bad.append(f"origin {lab[i]} {c}: walk_minutes empty, oracle {w / 60:.2f}")
                continue
            x = float(rv)
            if x == ceil_div(math.ceil(w), 60):
                forms.add("whole minutes rounded up")
            elif abs(x - w / 60) <= 0.006:
                forms.add("minutes to 0.01")
            else:
                bad.append(f"origin {lab[i]} {c}: walk_minutes {rv}, oracle {w / 60:.4f} min")
    case.check("origins.csv {c}_walk_minutes = the direct walk (no cap)", bad, ", ".join(sorted(forms)))
    if "pt_served" in rdf.columns:
        bad = []
        for i in range(n):
            want_v = "" if orc.osnap[i] is None else ("1" if orc.served(i) else "0")
            if rdf.pt_served.iloc[i] != want_v:
                bad.append(f"origin {lab[i]}: pt_served {rdf.pt_served.iloc[i]!r}, oracle {want_v!r}")
        lo, hi = (clock(t)[:5] for t in orc.dep_window)
        dw = "in the window" if not arrive else f"in [first deadline - max trip, window end) = {lo}-{hi}"
        case.check(f"origins.csv pt_served: a stop within 15 min walk with a departure {dw} (1/0; empty = off "
                   "the walk graph)", bad,
                   f"{sum(1 for i in orc.snapped_origins if not orc.served(i))} origins on the walk graph unserved")
    # percentiles against reach's own minutes.csv (all origins) and the oracle
    bad_self, bad_orc = [], []
    for c in cats:
        for o in orc.snapped_origins:
            vals = sorted(parse_min(got.get((lab[o], c, h), "")) for h in hhmm)
            for p in PERCENTILES:
                rv = parse_min(rdf[f"{c}_pt_p{p}"].iloc[o])
                mine = vals[math.ceil(p / 100 * len(vals)) - 1]
                if rv != mine:
                    bad_self.append(f"origin {lab[o]} {c} p{p}: origins.csv {fmt_min(rv) or 'empty'}, from minutes.csv "
                                    f"{fmt_min(mine) or 'empty'}")
            if o in orc.full:
                pc = orc.percentiles(o, c)
                for p in PERCENTILES:
                    rv = parse_min(rdf[f"{c}_pt_p{p}"].iloc[o])
                    if rv != pc[p]:
                        bad_orc.append(f"origin {lab[o]} {c} p{p}: reach {fmt_min(rv) or 'empty'}, oracle "
                                       f"{fmt_min(pc[p]) or 'empty'}")
        for o in range(n):
            if orc.osnap[o] is None and any(rdf[f"{c}_pt_p{p}"].iloc[o] != "" for p in PERCENTILES):
                bad_self.append(f"origin {lab[o]} {c}: off the walk graph but has pt percentiles")
    case.check(f"origins.csv p25/p50/p75 = index ceil(p/100*{nm})-1 of reach's own {nm} {unit}s", bad_self)
    case.check("origins.csv p25/p50/p75 = oracle for " + ("every origin" if orc.full == orc.snapped_origins else
               f"origins {', '.join(lab[o] for o in orc.full)}"), bad_orc,
               f"{len(orc.full)} origins x {len(cats)} categories")
    if not arrive:
        check_breakdown(case, orc, rdf, reach_dir)

    # --- wards.geojson -----------------------------------------------------------------------------------------
    path = os.path.join(reach_dir, "wards.geojson")
    if not os.path.exists(path):
        case.check("reach wrote wards.geojson", [f"{path} missing"])
        return case
    with open(path) as fh:
        feats = json.load(fh)["features"]
    codes = orc.wards[orc.code_field].astype(str).tolist()
    props = {}
    for f in feats:
        q = f["properties"]
        props[str(q.get("code", q.get(orc.code_field)))] = q
    case.check("wards.geojson one feature per ward", [] if sorted(props) == sorted(codes) and len(feats) == len(codes)
               else [f"codes {sorted(set(props) ^ set(codes))} differ"], f"{len(feats)} features")
    pv = {(c, p): np.array([parse_min(rdf[f"{c}_pt_p{p}"].iloc[o]) for o in range(n)]) for c in cats
          for p in PERCENTILES}
    on = np.array([s is not None for s in orc.osnap])
    w = orc.weight
    bad, warn, checked = [], [], 0

    def same(a, b):
        return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 0.0051)

    for code in codes:
        q = props.get(code)
        if q is None:
            continue
        sel = (orc.zone == code) & on
        for c in cats:
            for key, p in ((f"{c}_pt_mean", 50), (f"{c}_pt_p25_mean", 25), (f"{c}_pt_p75_mean", 75)):
                v = pv[(c, p)]
                fin = sel & np.isfinite(v)
                want_v = (round(float(np.sum(w[fin] * v[fin]) / np.sum(w[fin])), 2)
                          if fin.any() and w[fin].sum() > 0 else None)
                checked += 1
                if not same(q.get(key), want_v):
                    bad.append(f"{code} {key}: reach {q.get(key)!r}, from origins.csv {want_v!r}")
            for t in MINUTES:
                key = f"{c}_pt_within_{t}_pct"
                want_v = (round(100 * float(np.sum(w[sel & (pv[(c, 50)] <= t)]) / np.sum(w[sel])), 2)
                          if w[sel].sum() > 0 else None)
                checked += 1
                if not same(q.get(key), want_v):
                    bad.append(f"{code} {key}: reach {q.get(key)!r}, from origins.csv {want_v!r}")
            key = f"{c}_pt_unreachable"
            # docs/architecture.md: origins on the walk graph with no median within the maximum trip, and the
            # origins off the walk graph (no value at all), both count as unreachable.
            want_v = int(np.sum(sel & ~np.isfinite(pv[(c, 50)]))) + int(np.sum((orc.zone == code) & ~on))
            checked += 1
            if q.get(key) != want_v:
                bad.append(f"{code} {key}: reach {q.get(key)!r}, from origins.csv {want_v}")
            if want_v and not q.get("reach_warning"):
                warn.append(f"{code}: {want_v} origins reach no {c} within max trip (median) but no reach_warning")
        unserved = int(sum(1 for o in np.flatnonzero(sel) if not orc.served(o)))
        checked += 1
        if q.get("pt_origins_unserved") != unserved:
            bad.append(f"{code} pt_origins_unserved: reach {q.get('pt_origins_unserved')!r}, oracle {unserved} "
                       "(origins on the walk graph with no stop within 15 min that has a departure in the window)")
        if unserved and not q.get("reach_warning"):
            warn.append(f"{code}: {unserved} origins unserved but no reach_warning")
        off = int(np.sum((orc.zone == code) & ~on))
        if off and not q.get("reach_warning"):
            warn.append(f"{code}: {off} origins off the walk graph but no reach_warning")
        if code in orc.fallback and not q.get("reach_warning"):
            warn.append(f"{code}: no origin lies in the ward (its point on surface stands in, as in reach distance) "
                        "but no reach_warning")
        if orc.tsnap.get(code) is None and not q.get("reach_warning"):
            warn.append(f"{code}: typical origin off the walk graph but no reach_warning")
    case.check("wards: pt_mean, p25/p75 means, within_t_pct, unreachable (from reach's origins.csv, the oracle's "
               "wards and snaps), pt_origins_unserved (oracle)", bad, f"{checked} values")
    case.check("wards: a reach_warning wherever an origin is off the walk graph, unserved or unreachable, the ward has "
               "no origin, or its typical origin is off the walk graph", warn)
    # {c}_pt_count_within_{t}: the oracle's own searches from each ward's typical origin
    if arrive:
        case_arrive_counts(case, orc, codes, props)
        return case
    bad, checked, nowalk = [], 0, 0
    for code in codes:
        q = props.get(code)
        if q is None:
            continue
        for c in cats:
            want_c = orc.counts_within(code, c)
            alt = orc.counts_within(code, c, with_walk=False) if want_c is not None else None
            for t in MINUTES:
                key = f"{c}_pt_count_within_{t}"
                checked += 1
                got_v = q.get(key, "absent")
                want_v = None if want_c is None else want_c[t]
                if got_v != want_v:
                    note = ""
                    if alt is not None and got_v == alt[t]:
                        nowalk += 1
                        note = " (= the count without the direct walk to each service)"
                    bad.append(f"{code} {key}: reach {got_v!r}, oracle {want_v!r}{note}")
    case.check("wards: {c}_pt_count_within_{t} = services whose median time (180 minutes, direct walk included) "
               "from the typical origin is <= t, capped at 10 (null: typical origin off the walk graph)",
               bad, f"{checked} values, {len(orc.typical_access)} typical origins on the walk graph"
               + (f"; {nowalk} differences match the count without walking" if nowalk else ""))
    return case


BREAKDOWN_PARTS = ("journey", "access_walk", "initial_wait", "in_vehicle", "transfer_walk", "transfer_wait",
                   "egress_walk")


def parse_legs(text):
    """reach's {c}_pt_legs ('walk 312 s to A; wait 48 s; 151 07:21:00 A - 07:28:00 B; walk 40 s') as a list of
    ('walk', s, stop|None), ('wait', s), ('ride', route, board time, board stop, alight time, alight stop); None
    when a leg does not parse."""
    import re

    legs = []
    for part in text.split("; "):
        m = re.fullmatch(r"walk (\d+) s(?: to (\S+))?", part)
        if m:
            legs.append(("walk", int(m.group(1)), m.group(2)))
            continue
        m = re.fullmatch(r"wait (\d+) s", part)
        if m:
            legs.append(("wait", int(m.group(1))))
            continue
        m = re.fullmatch(r"(.+) (\d\d):(\d\d):(\d\d) (\S+) - (\d\d):(\d\d):(\d\d) (\S+)", part)
        if not m:
            return None
        g = m.groups()
        legs.append(("ride", g[0], int(g[1]) * 3600 + int(g[2]) * 60 + int(g[3]), g[4],
                     int(g[5]) * 3600 + int(g[6]) * 60 + int(g[7]), g[8]))
    return legs


def check_breakdown(case, orc, rdf, reach_dir):
    """docs/raptor.md "Journey breakdown", every origin on the walk graph x category with a median time:
    - the departure is the first minute whose oracle time is the oracle's median;
    - the journey's seconds are the oracle's exact door-to-door time at that minute (EA - d by the event graph, or
      the direct walk when it is no slower), the parts add up to them, and the rides are the fewest of any journey
      arriving as early (a second Dijkstra whose edges weigh 1000 x seconds, plus 1 for each boarding);
    - every leg is real: the access walk is the oracle's walk from the origin to the first stop; each ride is a
      running trip instance of that route (route_short_name, else long name, else id, from the oracle's own
      routes.txt) leaving the board stop at that second where pickup is allowed and reaching the alight stop later at
      that second where drop-off is allowed; a walk between rides is the oracle's transfer walk between those stops;
      the last walk is the oracle's egress from the last stop to the category; times chain with no negative wait;
      the parts are the sums of the legs;
    then the ward means of the parts, rides and walk-only share, from reach's origins.csv over the oracle's ward
    membership and weights."""
    g, tt = orc.graph, orc.tt
    cats, lab = orc.categories, orc.labels
    cols = [f"{c}_pt_{x}" for c in cats for x in ["departure"] + [f"{p}_s" for p in BREAKDOWN_PARTS]
            + ["rides", "routes", "legs"]]
    missing = [x for x in cols if x not in rdf.columns]
    case.check("origins.csv has the journey breakdown columns ({c}_pt_departure, {c}_pt_{part}_s, {c}_pt_rides, "
               "{c}_pt_routes, {c}_pt_legs)", missing)
    if missing:
        return
    # Lexicographic copy of the event graph: 1000 x seconds + 1 per boarding (waiting -> departure) edge.
    m2 = g.matrix.copy().tocoo()
    board = (m2.row >= g.W0) & (m2.row < g.A0) & (m2.col < g.C)
    m2 = sp.csr_matrix((m2.data * 1000 + board, (m2.row, m2.col)), shape=m2.shape)
    hhmm = [f"{d // 3600:02d}:{d // 60 % 60:02d}" for d in orc.minutes]
    chosen = {}
    for c in cats:
        for o in orc.snapped_origins:
            p50 = orc.percentiles(o, c)[50]
            if math.isfinite(p50):
                chosen[(o, c)] = next(mi for mi in range(len(orc.minutes)) if orc.value(o, mi, c) == p50)
    queries = sorted({(o, mi) for (o, _), mi in chosen.items()})
    sink_cols = g.S0 + np.arange(len(g.sinks))
    lex = {}
    for b in range(0, len(queries), 24):
        batch = queries[b:b + 24]
        d = dijkstra(m2, directed=True, indices=[g.Q0 + orc.qindex[k] for k in batch], limit=MAX_TRIP_S * 1000 + 999)
        for k, row in zip(batch, d[:, sink_cols]):
            lex[k] = row
    by_id = {}
    for s, sid in enumerate(tt.stop_id):
        by_id.setdefault(sid, []).append(s)
    calls_at = {}
    for i in range(len(tt.stop)):
        calls_at.setdefault((int(tt.stop[i]), int(tt.dep[i])), []).append(i)
    route_of = [tt.feeds[[f.label for f in tt.feeds].index(lab_)].trip_route_name.get(trip) for lab_, trip, _, _ in
                tt.instances]
    bad, bad_legs, n_ride, n_walk, n_multi, n_legs = [], [], 0, 0, 0, 0
    for o in orc.snapped_origins:
        r = rdf.iloc[o]
        for c in cats:
            ci = g.sinks.index(c)
            got_dep = r[f"{c}_pt_departure"]
            if (o, c) not in chosen:
                if got_dep != "" or r[f"{c}_pt_legs"] != "":
                    bad.append(f"origin {lab[o]} {c}: no median within the maximum trip, but a breakdown {got_dep!r}")
                continue
            mi = chosen[(o, c)]
            where = f"origin {lab[o]} {c} (leaving {hhmm[mi]})"
            if got_dep != hhmm[mi]:
                bad.append(f"origin {lab[o]} {c}: departure {got_dep!r}, oracle {hhmm[mi]} (first minute with the "
                           f"median {orc.percentiles(o, c)[50]} min)")
                continue
            parts = {p: int(r[f"{c}_pt_{p}_s"]) for p in BREAKDOWN_PARTS}
            rides = int(r[f"{c}_pt_rides"])
            ea = orc.transit[(o, mi)][ci]
            w = orc.direct[c][o]
            walk_wins = w is not None and w <= MAX_TRIP_S and w <= ea
            exact = int(w) if walk_wins else int(ea)
            lx = lex[(o, mi)][ci]
            min_rides = 0 if walk_wins else int(round(lx)) % 1000
            if not walk_wins and int(round(lx)) // 1000 != int(ea):
                bad.append(f"{where}: oracle self-check: lexicographic search {lx} disagrees with EA - d {ea}")
            if sum(parts[p] for p in BREAKDOWN_PARTS[1:]) != parts["journey"]:
                bad.append(f"{where}: parts {parts} do not add up to journey_s")
            if parts["journey"] != exact:
                bad.append(f"{where}: journey {parts['journey']} s, oracle {exact} s; oracle journey: "
                           f"{orc.journey(o, mi, c)}")
            if rides != min_rides:
                bad.append(f"{where}: {rides} rides, the fewest for the earliest arrival is {min_rides}; oracle "
                           f"journey: {orc.journey(o, mi, c)}")
            n_walk += rides == 0
            n_ride += rides > 0
            n_multi += rides > 1
            # the legs, one by one
            legs = parse_legs(r[f"{c}_pt_legs"])
            n_legs += 1
            if legs is None:
                bad_legs.append(f"{where}: legs {r[f'{c}_pt_legs']!r} do not parse")
                continue
            why = []
            t = orc.minutes[mi]
            sums = dict.fromkeys(BREAKDOWN_PARTS[1:], 0)
            ride_legs = [leg for leg in legs if leg[0] == "ride"]
            if not ride_legs:
                if legs != [("walk", exact, None)] or not walk_wins:
                    why.append(f"on foot only, but legs {legs} (oracle direct walk {w} s)")
                sums["access_walk"] = legs[0][1] if legs and legs[0][0] == "walk" else -1
            else:
                at_stop, alighted_call, k, names = None, None, 0, []
                for leg in legs:
                    if leg[0] == "walk" and leg[2] is not None:
                        cands = by_id.get(leg[2], [])
                        if alighted_call is None:
                            ok = [s for s in cands if orc.access[o].get(s) == leg[1]]
                            sums["access_walk"] += leg[1]
                            if not ok:
                                why.append(f"access walk {leg[1]} s to {leg[2]}: oracle "
                                           f"{[orc.access[o].get(s) for s in cands]}")
                        else:
                            u = int(tt.stop[alighted_call])
                            ok = [s for s in cands if dict(orc.transfers.get(u, [])).get(s) == leg[1]]
                            sums["transfer_walk"] += leg[1]
                            if not ok:
                                why.append(f"transfer walk {leg[1]} s {tt.stop_id[u]} -> {leg[2]}: oracle "
                                           f"{[dict(orc.transfers.get(u, [])).get(s) for s in cands]}")
                        at_stop = ok
                        t += leg[1]
                    elif leg[0] == "wait":
                        sums["initial_wait" if alighted_call is None else "transfer_wait"] += leg[1]
                        t += leg[1]
                    elif leg[0] == "ride":
                        _, route, bt, bstop, at_, astop = leg
                        names.append(route)
                        if bt != t:
                            why.append(f"ride {route} boards {clock(bt)} but the legs before reach {clock(t)}")
                        if at_stop is None:  # a change at the same stop
                            at_stop = [int(tt.stop[alighted_call])] if alighted_call is not None else []
                        found = None
                        for s in at_stop:
                            if tt.stop_id[s] != bstop:
                                continue
                            for i in calls_at.get((s, bt), []):
                                if not tt.pickup[i] or tt.last[i] or route_of[tt.inst[i]] != route:
                                    continue
                                end = tt.inst_first[tt.inst[i] + 1]
                                for j in range(i + 1, end):
                                    if tt.stop_id[tt.stop[j]] == astop and tt.arr[j] == at_ and tt.drop[j]:
                                        found = j
                                        break
                                if found is not None:
                                    break
                        if found is None:
                            why.append(f"no running trip of route {route!r} leaves {bstop} at {clock(bt)} "
                                       f"and reaches {astop} at {clock(at_)}")
                            break
                        sums["in_vehicle"] += at_ - bt
                        alighted_call, at_stop, t = found, None, at_
                        k += 1
                    else:  # the last walk, to the service
                        u = int(tt.stop[alighted_call])
                        if orc.egress[c].get(u) != leg[1]:
                            why.append(f"egress walk {leg[1]} s from {tt.stop_id[u]}: oracle {orc.egress[c].get(u)}")
                        sums["egress_walk"] += leg[1]
                        t += leg[1]
                if not why:
                    if t != orc.minutes[mi] + parts["journey"]:
                        why.append(f"the legs arrive {clock(t)}, not departure + journey_s")
                    if k != rides:
                        why.append(f"{k} rides in the legs, {rides} in {c}_pt_rides")
                    if " > ".join(names) != r[f"{c}_pt_routes"]:
                        why.append(f"routes {r[f'{c}_pt_routes']!r}, legs {' > '.join(names)!r}")
            if not why:
                for p in BREAKDOWN_PARTS[1:]:
                    if sums[p] != parts[p]:
                        why.append(f"{p}_s {parts[p]}, the legs add up to {sums[p]}")
            if why:
                bad_legs.append(f"{where}: {'; '.join(why)} (legs: {r[f'{c}_pt_legs']})")
    case.check("journey breakdown: the departure minute, the exact seconds (= the oracle's) and the parts adding "
               "up to them, the fewest rides for the earliest arrival, every origin x category", bad,
               f"{len(chosen)} median journeys: {n_ride} ride ({n_multi} two or more), {n_walk} on foot only")
    case.check("journey breakdown: every leg is a real walk or trip instance of the oracle's (access, rides, "
               "transfer walks, egress, route names), times chain, the parts are the legs' sums", bad_legs,
               f"{n_legs} journeys walked leg by leg")
    # ward means from reach's origins.csv with the oracle's wards and weights
    with open(os.path.join(reach_dir, "wards.geojson")) as fh:
        feats = json.load(fh)["features"]
    props = {str(f["properties"].get("code", f["properties"].get(orc.code_field))): f["properties"] for f in feats}
    bad, checked = [], 0
    on = np.array([s is not None for s in orc.osnap])
    for code, q in props.items():
        sel = np.flatnonzero((orc.zone == code) & on)
        for c in cats:
            have = [o for o in sel if rdf[f"{c}_pt_departure"].iloc[o] != ""]
            ww = np.array([orc.weight[o] for o in have])
            if len(have) and ww.sum() == 0:
                ww = np.ones(len(have))
            for p in list(BREAKDOWN_PARTS) + ["rides"]:
                key = f"{c}_pt_{p}_min_mean" if p != "rides" else f"{c}_pt_rides_mean"
                col = f"{c}_pt_{p}_s" if p != "rides" else f"{c}_pt_rides"
                vals = np.array([float(rdf[col].iloc[o]) / (60 if p != "rides" else 1) for o in have])
                want = float(np.sum(ww * vals) / ww.sum()) if len(have) else None
                checked += 1
                got = q.get(key)
                if not ((got is None and want is None) or (got is not None and want is not None and abs(got - want) <= 0.005 + 1e-9)):
                    bad.append(f"{code} {key}: reach {got!r}, from origins.csv {want!r}")
            want = (100 * float(np.sum(ww * np.array([rdf[f"{c}_pt_rides"].iloc[o] == "0" for o in have])) / ww.sum())
                    if len(have) else None)
            checked += 1
            got = q.get(f"{c}_pt_walk_only_pct")
            if not ((got is None and want is None) or (got is not None and want is not None and abs(got - want) <= 0.005 + 1e-9)):
                bad.append(f"{code} {c}_pt_walk_only_pct: reach {got!r}, from origins.csv {want!r}")
            # the three routes ridden most, by the weight of the origins whose journey rides each
            share = {}
            for o, wo in zip(have, ww):
                routes = rdf[f"{c}_pt_routes"].iloc[o]
                for route in set(routes.split(" > ")) if routes else ():
                    share[route] = share.get(route, 0) + wo
            top = sorted(share.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            want = ", ".join(f"{k} ({int(math.floor(100 * v / ww.sum() + 0.5))}%)" for k, v in top) if top else None
            checked += 1
            if q.get(f"{c}_pt_routes") != want:
                bad.append(f"{code} {c}_pt_routes: reach {q.get(f'{c}_pt_routes')!r}, from origins.csv {want!r}")
    case.check("wards: {c}_pt_{part}_min_mean, _rides_mean, _walk_only_pct (to 0.005: two decimals) and _routes (top "
               "three by origin weight) from reach's origins.csv over the oracle's wards and weights", bad, f"{checked} values")


def case_arrive_counts(case, orc, codes, props):
    """Arrive-by: {c}_pt_count_within_{t} is a departure figure (docs/raptor.md "Arrive by": a study's arrive-by
    window has none), so the columns are absent, or else each is the arrive-by count: services whose median over
    the deadlines of the arrive-by time (direct walk included) from the typical origin is <= t, capped at 10."""
    bad, checked, present, absent, fwd_same = [], 0, 0, 0, 0
    for code in codes:
        q = props.get(code)
        if q is None:
            continue
        for c in orc.categories:
            want_c = orc.counts_within(code, c)
            fwd_c = orc.counts_within(code, c, forward=True) if want_c is not None else None
            for t in MINUTES:
                key = f"{c}_pt_count_within_{t}"
                checked += 1
                if key not in q:
                    absent += 1
                    continue
                present += 1
                got_v, want_v = q[key], None if want_c is None else want_c[t]
                if got_v != want_v:
                    note = ""
                    if fwd_c is not None and got_v == fwd_c[t]:
                        fwd_same += 1
                        note = (" (= the depart-at count from the deadlines taken as departure minutes, on the "
                                "arrive-by timetable)")
                    bad.append(f"{code} {key}: reach {got_v!r}, arrive-by count {want_v!r}{note}")
    if present and absent:
        bad.insert(0, f"{present} of {checked} count columns present, {absent} absent")
    agree = ("" if not present else
             f"; {fwd_same} of {present} present values equal the depart-at count from the deadlines as departures "
             f"on the arrive-by timetable (trips leaving by {clock(orc.end)[:5]})")
    case.check("wards: {c}_pt_count_within_{t} absent (a departure figure), or = services whose median arrive-by time "
               f"({len(orc.minutes)} deadlines, direct walk included) from the typical origin is <= t, capped at 10",
               bad, f"{checked} values, {present} present{agree}")


CASES = {"pt-fixtures": case_fixtures, "pt-newport": case_newport,
         "pt-newport-arrive": lambda name, reach_dir, data, tmp: case_newport(name, reach_dir, data, tmp, arrive=True)}


def table(args):
    orc = NewportOracle(args.data, args.tmp, full=0, every=10 ** 9, verbose=True, typical=False)
    for o in args.origin:
        if orc.osnap[o] is None:
            print(f"origin {o}: off the walk graph")
            continue
        acc = sorted(orc.access[o].items())
        qs = [orc.graph.add_query(d, acc) for d in orc.minutes]
        orc.graph.build()
        dist = orc.graph.run(qs, MAX_TRIP_S)
        for c in orc.categories:
            ci = orc.graph.sinks.index(c)
            vals = []
            for mi in range(len(orc.minutes)):
                s = dist[mi, ci]
                t = math.inf if not s <= MAX_TRIP_S else ceil_div(int(s), 60)
                w = orc.direct[c][o]
                if w is not None and w <= MAX_TRIP_S:
                    t = min(t, ceil_div(int(w), 60))
                vals.append(t)
            sv = sorted(vals)
            print(f"origin {o} {c}: p25/p50/p75 " + "/".join(fmt_min(sv[math.ceil(p / 100 * 180) - 1]) or "inf"
                                                            for p in PERCENTILES))
            print("  " + " ".join(fmt_min(v) or "-" for v in vals))
            if args.journeys:
                for mi in range(0, 180, SAMPLE_EVERY):
                    print(f"  {clock(orc.minutes[mi])}: {orc.graph.path(qs[mi], c, MAX_TRIP_S)}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", default="../shared/data")
    p.add_argument("--tmp", required=True)
    sub.add_parser("selftest")
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c)
    t = sub.add_parser("table")
    t.add_argument("--data", default="../shared/data")
    t.add_argument("--tmp", required=True)
    t.add_argument("--origin", type=int, action="append", default=[])
    t.add_argument("--journeys", action="store_true")
    args = ap.parse_args()
    if args.cmd == "prepare":
        return prepare(args)
    if args.cmd == "selftest":
        return 1 if fixture_selftest() + fixture_arrive_selftest() else 0
    if args.cmd == "table":
        return table(args)
    return run_cases(args, CASES.get)


if __name__ == "__main__":
    sys.exit(main())
