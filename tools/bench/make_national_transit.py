"""A synthetic national public-transport network for England, for tools/bench/raptor.sh (`reach pt`, national case).

Built from the bench's other generated inputs (they are read, never changed):
- the 400,000 bus stops of make_national_stops.py (--stops, its NaPTAN Stops.csv: ATCOCode, CommonName,
  Easting, Northing, Longitude, Latitude), inside the 7,681 English wards of 2013 (--wards, the folder
  ../shared/data/uk-geojson/wards_by_lad that tools/bench/run.sh uses; it is also the zone layer of the bench,
  passed to reach as it is, so no zones file is written here);
- the 171,372 output-area origins and 20,000 services of make_national_inputs.py (--inputs-dir, its origins.csv and
  services.csv; origins.csv is used by the bench as it is).

Written to --out-dir:
- bus_gtfs.zip (deflate): stops.txt = the 400,000 stops (stop_id = ATCOCode, stop_lat/stop_lon WGS84 at 6
  decimals). Bus routes are nearest-neighbour chains grown ward by ward: while a ward has a stop on no route, a
  route starts at one of them (seeded), with a target length of 20-40 stops (uniform), among the stops of the
  ward and of its neighbours (wards within 50 m), each step going to the unvisited candidate with the smallest
  straight distance, a stop already on some route counting as 4x as far (so routes spread over the unserved
  stops); no stop is visited twice, a hop longer than 3 km ends the route. 16,441 routes of 29.3 stops on average
  (503 ended short of 20 by the 3 km rule or for want of candidates; the 25 stops with no other within 3 km are on
  none), hops of 333 m median (423 m mean). Each route runs in both directions, two trip patterns. Running time
  between consecutive stops: straight distance x 1.3 (detour) at 18 km/h, cumulated and rounded to whole seconds;
  arrival = departure (no dwell). Each route has a seeded headway of 10-60 min (uniform, whole minutes) and each
  direction a seeded first departure in [05:00, 05:00 + headway), trips until 24:00 (the last ones run past
  midnight, times up to ~25:xx); all headways are then multiplied by one factor, found by bisection, so the bus
  trips plus the rail trips make --trips (default 1,000,000) as closely as whole-minute headways allow (the
  factor and the resulting headway range are printed: 1.375, so 14-82 min).
  stop_sequence is 10 + position (10..49: always two digits, any increasing sequence is valid GTFS), which makes
  every stop_times row the same width, so the 29 M rows are built as one numpy byte array per chunk and streamed
  into the zip (1.34 GB uncompressed, 216 MB zipped).
- rail_gtfs.zip: --rail-stations (default 2,500) new stations (stop_id 9100BENCHnnnn), each 80-200 m from a
  randomly chosen bus stop (an interchange), at least 1.5 km from each other (greedy in a seeded order). Lines
  are chains grown the same way over all stations (8-30 stations, hops up to 40 km), 80 km/h over straight x 1.3,
  30 s dwell at intermediate stations; headway 15, 30 or 60 min (probabilities 0.15, 0.45, 0.40), 06:00-23:00,
  both directions. 164 lines, 10,506 trips.
  Both feeds: one agency, one service_id `DAILY` running every day of 2024 (calendar.txt 1111111,
  20240101-20241231; the bench uses 2024-03-05), route_type 3 (bus) and 2 (rail).
- walk.osm.pbf: the walking network. A jittered street lattice (junctions jittered by N(0, 0.1 x spacing) clipped
  to +-0.3 x spacing, as tools/fixtures/synthetic_network.py) of --spacing (default 200 m) in every cell within
  --radius (default 1.5 km) of a bus stop, station, origin or service. The design said 150 m within 1.5 km, but
  nearly all of England is within 1.5 km of one of these points (even 600 m covers 123,000 km2), so the radius
  barely matters and the spacing sets the size: 150 m gives 6.0 M junctions, 175 m 4.4 M, 200 m 3.4 M; 200 m
  keeps the file within the 3-4 M nodes asked for (junctions only: no intermediate nodes on the streets).
  Streets: highway=residential, every 8th lattice line highway=tertiary (maxspeed 30 mph); 5 % of the residential
  segments deleted (dead ends, irregular blocks); ways of 1-12 segments (tertiary 6-14). Every lattice piece not
  connected to the largest one is joined to it by a straight highway=footway from its node nearest to the largest
  piece, with nodes every <= spacing (at the defaults 7 pieces: two of the Isles of Scilly, Lundy, Flat Holm,
  Lindisfarne, Spurn Head and one fragment left by the deletions; the longest link is 52 km, to Scilly; the Isle
  of Wight joins by the lattice itself, across the narrow western Solent).
  Written block by block with the encoders of tools/fixtures/osm_pbf.py (DenseNodes, zlib), so the whole file is
  never held in memory. Every stop, station, origin and service is checked to be within 500 m of a node.
- services20.csv: make_national_inputs' services with their 8 categories split into 20 by a seeded label: category
  c gets k_c parts (k_c >= 1, proportional to its count, largest remainder: gp 2, pharmacy 3, school 7,
  post_office 3, supermarket 2, library 1, jobcentre 1, hospital 1), each service a uniform part 1..k_c, named
  `{c}_{part}`. Columns id,category,easting,northing (EPSG:27700).
- summary.json: the sizes, choices and timings printed at the end; inputs.json: the cache stamp.

Sizes at the defaults: 400,000 bus stops, 16,441 routes (32,882 patterns), 989,966 bus trips, 29,033,369 bus
stop_times rows; 2,500 stations, 164 lines, 10,506 rail trips, 186,116 rows; 1,000,472 trips and 29.2 M stop_times
rows in all; walk.osm.pbf 3,382,882 nodes, 1,194,335 ways, 25 MB; every stop, station, origin and service
within 170 m of a node. First run on 2 cores about 1 min 50 s (writing the bus zip ~60 s of it: deflate), peak RSS
1.2 GB (the lattice's distance transform). The figures are printed and kept in summary.json. reach reads both
feeds and the PBF (`reach departures`: 20 s, 2.8 GB peak RSS, most of it stop_times.txt read whole).

Deterministic: --seed (default 20240305) seeds every step (numpy default_rng([seed, step])); same arguments and
inputs, same bytes. Outputs are written through temporary files renamed into place; inputs.json records the
arguments and the inputs (paths, sizes, modification times, the ward folder's listing). A second run with the
same arguments and complete outputs does nothing and prints `cached`; anything else regenerates.

usage: make_national_transit.py --wards DIR --stops Stops.csv --inputs-dir DIR --out-dir DIR [--seed 20240305]
                                [--trips 1000000] [--rail-stations 2500] [--spacing 200] [--radius 1500]
                                [--zip-level 6]
"""

import argparse
import json
import math
import os
import resource
import sys
import time
import zipfile

import numpy as np
import pandas as pd
import pyproj
import shapely
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "fixtures"))
sys.path.insert(0, os.path.join(HERE, ".."))  # tools/: reachtools (through make_national_stops)
from make_national_stops import read_wards  # noqa: E402  (tools/bench/make_national_stops.py)
import osm_pbf  # noqa: E402  (tools/fixtures/osm_pbf.py)

VERSION = 1  # bump when the generated bytes change for the same arguments

# Bus routes
ROUTE_LEN = (20, 40)  # stops, uniform, both ends included
SERVED_PENALTY = 3.0  # a stop already on a route looks (1 + this) times as far
NEIGHBOUR_M = 50.0  # wards this close are neighbours (the generalised boundaries leave slivers)
BUS_MAX_HOP_M = 3000.0
DETOUR = 1.3  # running distance / straight distance, bus and rail
BUS_KMH = 18.0
BUS_HEADWAY_MIN = (10, 60)  # before scaling, uniform whole minutes
BUS_SPAN = (5 * 60, 24 * 60)  # first departures from 05:00, last before 24:00 (minutes)
# Rail
RAIL_SEPARATION_M = 1500.0
RAIL_OFFSET_M = (80.0, 200.0)
RAIL_LINE_LEN = (8, 30)
RAIL_MAX_HOP_M = 40000.0
RAIL_KMH = 80.0
RAIL_DWELL_S = 30
RAIL_HEADWAYS = ((15, 0.15), (30, 0.45), (60, 0.40))
RAIL_SPAN = (6 * 60, 23 * 60)
# Walking lattice
JITTER = 0.10  # of the spacing, normal sd; clipped to 0.3
DELETE_FRACTION = 0.05
ARTERIAL_EVERY = 8
MAX_SNAP_M = 500.0
# Services
CATEGORIES_OUT = 20

SERVICE_ID = "DAILY"
CALENDAR = (20240101, 20241231)
ZIP_DATE = (2024, 3, 5, 0, 0, 0)  # every zip entry's date
ROWS_PER_CHUNK = 1 << 20


def log(msg):
    print(f"make_national_transit: {msg}", file=sys.stderr, flush=True)


def peak_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def file_stamp(path):
    st = os.stat(path)
    return [os.path.abspath(path), st.st_size, int(st.st_mtime)]


def listing(folder):
    return sorted((n, os.path.getsize(os.path.join(folder, n))) for n in os.listdir(folder))


# ----------------------------------------------------------------------------------------------------------------
# Routes: nearest-neighbour chains
# ----------------------------------------------------------------------------------------------------------------
def grow_chain(cx, cy, start, length, served, max_hop):
    """Local indices of a chain from start: each step to the unvisited candidate with the least distance x
    (1 + SERVED_PENALTY if served); stops at `length` or when the best hop exceeds max_hop. `served` (local bool
    array) is updated with the chain."""
    visited = np.zeros(len(cx), bool)
    visited[start] = True
    mult = np.where(served, 1.0 + SERVED_PENALTY, 1.0)
    mult[start] = 1.0 + SERVED_PENALTY
    chain = [start]
    e = start
    while len(chain) < length:
        d = np.hypot(cx - cx[e], cy - cy[e])
        score = d * mult
        score[visited] = np.inf
        k = int(np.argmin(score))
        if not math.isfinite(score[k]) or d[k] > max_hop:
            break
        chain.append(k)
        visited[k] = True
        mult[k] = 1.0 + SERVED_PENALTY
        e = k
    served[chain] = True
    return chain


def bus_routes(xy, ward, neighbours, n_wards, rng):
    """Routes (arrays of global stop indices) grown ward by ward, and the routes' wards."""
    order = np.argsort(ward, kind="stable")
    first = np.searchsorted(ward[order], np.arange(n_wards + 1))
    a, b = neighbours
    nfirst = np.searchsorted(a, np.arange(n_wards + 1))
    served = np.zeros(len(xy), bool)  # on a route, or tried and alone (no other stop within max hop)
    routes, route_ward, lonely = [], [], 0
    for w in range(n_wards):
        nb = b[nfirst[w]:nfirst[w + 1]]
        cand = np.concatenate([order[first[v]:first[v + 1]] for v in nb])
        own = ward[cand] == w
        cx, cy = xy[cand, 0], xy[cand, 1]
        local = served[cand]
        while True:
            todo = np.flatnonzero(own & ~local)
            if len(todo) == 0:
                break
            start = int(todo[rng.integers(len(todo))])
            length = int(rng.integers(ROUTE_LEN[0], ROUTE_LEN[1] + 1))
            chain = grow_chain(cx, cy, start, length, local, BUS_MAX_HOP_M)
            if len(chain) >= 2:
                routes.append(cand[chain])
                route_ward.append(w)
            else:
                lonely += 1
        served[cand] = local
    return routes, np.array(route_ward), lonely, served


def rail_stations(bus_xy, n, rng):
    """n station positions: near bus stops drawn in a seeded order, at least RAIL_SEPARATION_M apart."""
    perm = rng.permutation(len(bus_xy))
    cell = RAIL_SEPARATION_M
    grid = {}
    out = []
    for i in perm:
        ang = rng.uniform(0, 2 * math.pi)
        r = rng.uniform(*RAIL_OFFSET_M)
        x, y = bus_xy[i, 0] + r * math.cos(ang), bus_xy[i, 1] + r * math.sin(ang)
        gx, gy = int(x // cell), int(y // cell)
        ok = True
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for (px, py) in grid.get((gx + dx, gy + dy), ()):
                    if (px - x) ** 2 + (py - y) ** 2 < cell * cell:
                        ok = False
                        break
                if not ok:
                    break
            if not ok:
                break
        if ok:
            grid.setdefault((gx, gy), []).append((x, y))
            out.append((round(x), round(y)))
            if len(out) == n:
                break
    if len(out) < n:
        raise SystemExit(f"make_national_transit: only {len(out)} stations fit {RAIL_SEPARATION_M:g} m apart")
    return np.array(out, dtype=float)


def rail_lines(xy, rng):
    served = np.zeros(len(xy), bool)
    lines, lonely = [], 0
    while True:
        todo = np.flatnonzero(~served)
        if len(todo) == 0:
            break
        start = int(todo[rng.integers(len(todo))])
        length = int(rng.integers(RAIL_LINE_LEN[0], RAIL_LINE_LEN[1] + 1))
        chain = grow_chain(xy[:, 0], xy[:, 1], start, length, served, RAIL_MAX_HOP_M)
        if len(chain) >= 2:
            lines.append(np.array(chain))
        else:
            lonely += 1
    return lines, lonely


# ----------------------------------------------------------------------------------------------------------------
# Timetables
# ----------------------------------------------------------------------------------------------------------------
class Patterns:
    """Trip patterns (stop sequences with arrival/departure offsets in seconds) and their trips."""

    def __init__(self):
        self.stops, self.arr, self.dep, self.route, self.direction = [], [], [], [], []

    def add(self, route, direction, stops, arr, dep):
        self.stops.append(np.asarray(stops, np.int64))
        self.arr.append(np.asarray(arr, np.int64))
        self.dep.append(np.asarray(dep, np.int64))
        self.route.append(route)
        self.direction.append(direction)

    def finish(self):
        self.len = np.array([len(s) for s in self.stops], np.int64)
        self.first = np.concatenate([[0], np.cumsum(self.len)])
        self.flat_stops = np.concatenate(self.stops)
        self.flat_arr = np.concatenate(self.arr)
        self.flat_dep = np.concatenate(self.dep)
        self.route = np.array(self.route, np.int64)
        self.direction = np.array(self.direction, np.int64)


def offsets(xy, stops, kmh, dwell):
    """Arrival and departure offsets (s) along a chain: cumulative straight distance x DETOUR at kmh, rounded;
    departures `dwell` s after arrival at intermediate stops."""
    p = xy[stops]
    hop = np.hypot(np.diff(p[:, 0]), np.diff(p[:, 1]))
    run = np.concatenate([[0.0], np.cumsum(hop * DETOUR / (kmh / 3.6))])
    k = np.arange(len(stops))
    dwell_before = np.maximum(k - 1, 0) * dwell  # dwell at every intermediate stop passed
    arr = np.round(run).astype(np.int64) + dwell_before
    dep = arr + np.where((k > 0) & (k < len(stops) - 1), dwell, 0)
    return arr, dep


def departures(offset_min, headway_min, span):
    """Per pattern, departure minutes span[0] + offset + k x headway < span[1]: (counts, flat minutes)."""
    counts = np.maximum(0, -(-(span[1] - span[0] - offset_min) // headway_min))
    pat = np.repeat(np.arange(len(counts)), counts)
    k = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return counts, span[0] + offset_min[pat] + k * headway_min[pat]


# ----------------------------------------------------------------------------------------------------------------
# GTFS writing
# ----------------------------------------------------------------------------------------------------------------
def fixed_ids(prefix, numbers, width):
    """(n, len(prefix) + width) uint8: prefix + zero-padded numbers."""
    numbers = np.asarray(numbers, np.int64)
    if len(numbers) and numbers.max() >= 10 ** width:
        raise ValueError(f"{prefix}: numbers need more than {width} digits")
    out = np.empty((len(numbers), len(prefix) + width), np.uint8)
    out[:, :len(prefix)] = np.frombuffer(prefix.encode(), np.uint8)
    v = numbers.copy()
    for c in range(width - 1, -1, -1):
        out[:, len(prefix) + c] = 48 + v % 10
        v //= 10
    return out


def time_table(max_seconds):
    """(max_seconds + 1, 8) uint8: HH:MM:SS of every second (hours past 24 as GTFS writes them)."""
    t = np.arange(max_seconds + 1)
    h, m, s = t // 3600, t // 60 % 60, t % 60
    out = np.empty((len(t), 8), np.uint8)
    out[:, 0], out[:, 1] = 48 + h // 10, 48 + h % 10
    out[:, 2] = ord(":")
    out[:, 3], out[:, 4] = 48 + m // 10, 48 + m % 10
    out[:, 5] = ord(":")
    out[:, 6], out[:, 7] = 48 + s // 10, 48 + s % 10
    return out


def stop_times_chunks(pat, trip_pattern, trip_start_s, trip_id_bytes, stop_id_bytes):
    """stop_times.txt body in chunks of bytes; rows of one fixed width (trip_id,arr,dep,stop_id,seq)."""
    assert pat.len.max() <= 89, "stop_sequence 10 + position must stay two digits"
    tw, sw = trip_id_bytes.shape[1], stop_id_bytes.shape[1]
    width = tw + 1 + 8 + 1 + 8 + 1 + sw + 1 + 2 + 1
    c_arr = tw + 1
    c_dep = c_arr + 9
    c_stop = c_dep + 9
    c_seq = c_stop + sw + 1
    max_t = int(trip_start_s.max() + max(pat.flat_dep.max(), pat.flat_arr.max()))
    tt = time_table(max_t)
    lens = pat.len[trip_pattern]
    ends = np.cumsum(lens)
    t0 = 0
    while t0 < len(trip_pattern):
        base = ends[t0 - 1] if t0 else 0
        t1 = int(np.searchsorted(ends, base + ROWS_PER_CHUNK, side="right"))
        t1 = max(t1, t0 + 1)
        tl = lens[t0:t1]
        n = int(tl.sum())
        row_trip = np.repeat(np.arange(t0, t1), tl)
        pos = np.arange(n) - np.repeat(np.cumsum(tl) - tl, tl)
        flat = pat.first[trip_pattern[row_trip]] + pos
        out = np.empty((n, width), np.uint8)
        out[:, :tw] = trip_id_bytes[row_trip]
        out[:, tw] = out[:, c_dep - 1] = out[:, c_stop - 1] = out[:, c_seq - 1] = ord(",")
        out[:, c_arr:c_arr + 8] = tt[trip_start_s[row_trip] + pat.flat_arr[flat]]
        out[:, c_dep:c_dep + 8] = tt[trip_start_s[row_trip] + pat.flat_dep[flat]]
        out[:, c_stop:c_stop + sw] = stop_id_bytes[pat.flat_stops[flat]]
        seq = 10 + pos
        out[:, c_seq] = 48 + seq // 10
        out[:, c_seq + 1] = 48 + seq % 10
        out[:, width - 1] = ord("\n")
        yield out.tobytes()
        del out, row_trip, pos, flat
        t0 = t1


def write_gtfs(path, agency, stops_txt, routes_txt, trips_lines, stop_time_chunks, level):
    """A GTFS zip through a temporary file, every entry dated ZIP_DATE (same arguments, same bytes); returns
    (zip bytes, stop_times.txt uncompressed bytes)."""
    tmp = path + ".tmp"
    st_bytes = 0

    def info(name):
        zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
        zi.compress_type = zipfile.ZIP_DEFLATED
        for attr in ("compress_level", "_compresslevel"):  # Python >= 3.13, older
            try:
                setattr(zi, attr, level)
                break
            except AttributeError:
                pass
        zi.external_attr = 0o644 << 16
        return zi

    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr(info("agency.txt"), "agency_id,agency_name,agency_url,agency_timezone\n"
                                       f"{agency[0]},{agency[1]},https://example.org/reach-bench,Europe/London\n")
        z.writestr(info("calendar.txt"), "service_id,monday,tuesday,wednesday,thursday,friday,saturday,sunday,"
                                         "start_date,end_date\n"
                                         f"{SERVICE_ID},1,1,1,1,1,1,1,{CALENDAR[0]},{CALENDAR[1]}\n")
        z.writestr(info("stops.txt"), stops_txt)
        z.writestr(info("routes.txt"), routes_txt)
        with z.open(info("trips.txt"), "w", force_zip64=True) as fh:
            fh.write(b"route_id,service_id,trip_id,direction_id\n")
            for block in trips_lines:
                fh.write(block)
        with z.open(info("stop_times.txt"), "w", force_zip64=True) as fh:
            fh.write(b"trip_id,arrival_time,departure_time,stop_id,stop_sequence\n")
            for block in stop_time_chunks:
                fh.write(block)
                st_bytes += len(block)
    os.replace(tmp, path)
    return os.path.getsize(path), st_bytes


def stops_text(ids, names, lon, lat):
    lines = ["stop_id,stop_name,stop_lat,stop_lon\n"]
    lines.extend(f"{i},{n},{la:.6f},{lo:.6f}\n" for i, n, lo, la in zip(ids, names, lon.tolist(), lat.tolist()))
    return "".join(lines)


def trips_blocks(route_ids, trip_route, trip_dir, trip_ids, block=200_000):
    for s in range(0, len(trip_route), block):
        e = min(len(trip_route), s + block)
        yield "".join(f"{route_ids[r]},{SERVICE_ID},{t},{d}\n" for r, t, d in
                      zip(trip_route[s:e].tolist(), trip_ids[s:e], trip_dir[s:e].tolist())).encode()


def build_trips(counts, minutes):
    """Trips in pattern order: (pattern, start seconds)."""
    trip_pattern = np.repeat(np.arange(len(counts)), counts)
    return trip_pattern, (minutes * 60).astype(np.int64)


# ----------------------------------------------------------------------------------------------------------------
# Walking lattice
# ----------------------------------------------------------------------------------------------------------------
def lattice(points, spacing, radius, rng):
    """Junction coordinates (BNG), ways as (flat refs, offsets, arterial flag), stats. Node ids are 1-based
    positions in the returned coordinate arrays."""
    x0 = math.floor((points[:, 0].min() - radius - 2 * spacing) / spacing) * spacing
    y0 = math.floor((points[:, 1].min() - radius - 2 * spacing) / spacing) * spacing
    ix = np.round((points[:, 0] - x0) / spacing).astype(np.int64)
    iy = np.round((points[:, 1] - y0) / spacing).astype(np.int64)
    nx = int(ix.max() + radius / spacing + 3)
    ny = int(iy.max() + radius / spacing + 3)
    marked = np.ones((nx, ny), bool)
    marked[ix, iy] = False
    near = ndimage.distance_transform_edt(marked, return_indices=False) * spacing <= radius
    del marked
    art_i = np.arange(nx) % ARTERIAL_EVERY == 0
    art_j = np.arange(ny) % ARTERIAL_EVERY == 0
    # Edges: H[i, j] junction (i, j) -> (i + 1, j) (on row j); V[i, j]: (i, j) -> (i, j + 1) (on column i).
    keepH = near[:-1, :] & near[1:, :]
    keepV = near[:, :-1] & near[:, 1:]
    keepH &= (rng.random(keepH.shape, dtype=np.float32) >= DELETE_FRACTION) | art_j[None, :]
    keepV &= (rng.random(keepV.shape, dtype=np.float32) >= DELETE_FRACTION) | art_i[:, None]
    del near
    used = np.zeros((nx, ny), bool)
    used[:-1, :] |= keepH
    used[1:, :] |= keepH
    used[:, :-1] |= keepV
    used[:, 1:] |= keepV
    nid = np.zeros((nx, ny), np.int64)  # 1-based node id, 0 = none
    nid[used] = np.arange(1, int(used.sum()) + 1)
    ui, uj = np.nonzero(used)  # row-major, the order of the ids
    del used
    jx = np.clip(rng.normal(0, JITTER, len(ui)), -0.3, 0.3)
    jy = np.clip(rng.normal(0, JITTER, len(ui)), -0.3, 0.3)
    jx[art_i[ui]] *= 0.2  # arterial columns: little east-west wobble
    jy[art_j[uj]] *= 0.2
    X = x0 + (ui + jx) * spacing
    Y = y0 + (uj + jy) * spacing

    ways = []
    for kind in ("H", "V"):
        if kind == "H":  # lines are rows j, positions i
            K = keepH.T
            ids = nid.T
            art = art_j
        else:
            K = keepV
            ids = nid
            art = art_i
        n_lines, n_pos = K.shape
        long_cut = np.repeat(art[:, None], n_pos, axis=1)
        # a new way starts at a kept edge whose predecessor is not kept, or at a random cut
        p_cut = np.where(long_cut, 1.0 / 10.0, 1.0 / 6.5).astype(np.float32)
        cut = rng.random(K.shape, dtype=np.float32) < p_cut
        prev = np.zeros_like(K)
        prev[:, 1:] = K[:, :-1]
        start = K & (~prev | cut)
        flatK = K.ravel()
        e_idx = np.flatnonzero(flatK)  # kept edges, line-major
        label = np.cumsum(start.ravel())[e_idx] - 1  # way of each kept edge
        line = e_idx // n_pos
        pos = e_idx % n_pos
        a = ids[line, pos]
        b = ids[line, pos + 1]
        n_w = int(label[-1]) + 1 if len(label) else 0
        refs = np.empty(len(e_idx) + n_w, np.int64)
        refs[np.arange(len(e_idx)) + label + 1] = b
        first_edge = np.flatnonzero(np.concatenate([[True], label[1:] != label[:-1]]))
        refs[first_edge + label[first_edge]] = a[first_edge]
        seg_per_way = np.bincount(label, minlength=n_w)
        offs = np.concatenate([[0], np.cumsum(seg_per_way + 1)])
        ways.append((refs, offs, art[line[first_edge]], a, b))
        del K, cut, prev, start, ids
    del nid, keepH, keepV
    return X, Y, ways


def join_pieces(X, Y, ways, spacing):
    """Straight footways joining every piece of the lattice to the largest one: (extra X, extra Y, link ways as
    lists of node ids, number of pieces)."""
    n = len(X)
    a = np.concatenate([w[3] for w in ways]) - 1
    b = np.concatenate([w[4] for w in ways]) - 1
    g = coo_matrix((np.ones(len(a), np.int8), (a, b)), shape=(n, n)).tocsr()
    del a, b
    ncomp, comp = connected_components(g, directed=False)
    del g
    sizes = np.bincount(comp)
    main = int(np.argmax(sizes))
    on_main = comp == main
    tree = cKDTree(np.column_stack([X[on_main], Y[on_main]]))
    main_ids = np.flatnonzero(on_main)
    others = np.flatnonzero(~on_main)
    dist, nn = tree.query(np.column_stack([X[others], Y[others]]))
    # per piece: the node nearest to the main piece
    oc = comp[others]
    order = np.lexsort((dist, oc))
    firsts = order[np.concatenate([[True], oc[order][1:] != oc[order][:-1]])] if len(order) else order
    ex, ey, links = [], [], []
    next_id = n + 1
    longest = 0.0
    for k in firsts:
        u = int(others[k]) + 1
        v = int(main_ids[nn[k]]) + 1
        d = float(dist[k])
        longest = max(longest, d)
        steps = max(1, math.ceil(d / spacing))
        refs = [u]
        for s in range(1, steps):
            t = s / steps
            ex.append(X[u - 1] + (X[v - 1] - X[u - 1]) * t)
            ey.append(Y[u - 1] + (Y[v - 1] - Y[u - 1]) * t)
            refs.append(next_id)
            next_id += 1
        refs.append(v)
        links.append(refs)
    return np.array(ex), np.array(ey), links, ncomp, int(sizes[main]), longest


def write_walk_pbf(path, lon, lat, ways, links):
    """The lattice as .osm.pbf through osm_pbf's block encoders, one block at a time."""
    tmp = path + ".tmp"
    bbox = (float(lon.min()), float(lat.min()), float(lon.max()), float(lat.max()))
    n_nodes, n_ways, n_refs = len(lon), 0, 0
    with open(tmp, "wb") as f:
        f.write(osm_pbf._blob("OSMHeader", osm_pbf._header_block(bbox, True, True, osm_pbf.WRITING_PROGRAM),
                              "zlib", 6))
        empty = {}
        per = 8000
        st0 = osm_pbf.StringTable([])
        for s in range(0, n_nodes, per):
            e = min(n_nodes, s + per)
            chunk = list(zip(range(s + 1, e + 1), lon[s:e].tolist(), lat[s:e].tolist(), [empty] * (e - s)))
            group = osm_pbf._dense_group(chunk, st0, 100, 0, 0)
            f.write(osm_pbf._blob("OSMData", osm_pbf._primitive_block(st0, group, 100, 0, 0), "zlib", 6))
        tags_res = {"highway": "residential"}
        tags_art = {"highway": "tertiary", "maxspeed": "30 mph"}
        tags_link = {"highway": "footway"}

        def all_ways():
            wid = 1
            for refs, offs, art, _, _ in ways:
                for k in range(len(offs) - 1):
                    yield wid, refs[offs[k]:offs[k + 1]].tolist(), (tags_art if art[k] else tags_res)
                    wid += 1
            for refs in links:
                yield wid, refs, tags_link
                wid += 1

        batch = []
        for w in all_ways():
            batch.append(w)
            if len(batch) == per:
                st = osm_pbf.StringTable(osm_pbf._tag_strings(x[2] for x in batch))
                f.write(osm_pbf._blob("OSMData", osm_pbf._primitive_block(st, osm_pbf._way_group(batch, st), 100,
                                                                          0, 0), "zlib", 6))
                n_ways += len(batch)
                n_refs += sum(len(x[1]) for x in batch)
                batch = []
        if batch:
            st = osm_pbf.StringTable(osm_pbf._tag_strings(x[2] for x in batch))
            f.write(osm_pbf._blob("OSMData", osm_pbf._primitive_block(st, osm_pbf._way_group(batch, st), 100, 0, 0),
                                  "zlib", 6))
            n_ways += len(batch)
            n_refs += sum(len(x[1]) for x in batch)
    os.replace(tmp, path)
    return {"nodes": n_nodes, "ways": n_ways, "way_node_refs": n_refs, "bytes": os.path.getsize(path)}


# ----------------------------------------------------------------------------------------------------------------
# Services in 20 categories
# ----------------------------------------------------------------------------------------------------------------
def split_counts(counts, total):
    """Parts per category: at least 1, proportional to the count, largest remainder; sums to total."""
    names = list(counts)
    c = np.array([counts[n] for n in names], float)
    raw = c / c.sum() * total
    k = np.maximum(1, np.floor(raw)).astype(np.int64)
    while k.sum() < total:
        k[int(np.argmax(raw - k))] += 1
    while k.sum() > total:
        cand = np.where(k > 1, raw - k, np.inf)
        k[int(np.argmin(cand))] -= 1
    return dict(zip(names, k.tolist()))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wards", required=True, help="folder of ward GeoJSON files, CRS84 (wards_by_lad)")
    ap.add_argument("--stops", required=True, help="make_national_stops.py's NaPTAN Stops.csv")
    ap.add_argument("--inputs-dir", required=True, help="make_national_inputs.py's folder (origins.csv, services.csv)")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--seed", type=int, default=20240305)
    ap.add_argument("--trips", type=int, default=1_000_000, help="bus + rail trips wanted (default 1,000,000)")
    ap.add_argument("--rail-stations", type=int, default=2500)
    ap.add_argument("--spacing", type=float, default=200.0, help="walking lattice spacing, m (default 200)")
    ap.add_argument("--radius", type=float, default=1500.0, help="lattice within this many m of a point (1500)")
    ap.add_argument("--zip-level", type=int, default=6, help="deflate level of the GTFS zips (default 6)")
    a = ap.parse_args()

    origins_csv = os.path.join(a.inputs_dir, "origins.csv")
    services_csv = os.path.join(a.inputs_dir, "services.csv")
    for p in (a.stops, origins_csv, services_csv):
        if not os.path.isfile(p):
            ap.error(f"{p} not found (make it with make_national_stops.py / make_national_inputs.py first)")
    stamp = {"version": VERSION, "wards": os.path.abspath(a.wards), "ward_files": listing(a.wards),
             "stops": file_stamp(a.stops), "origins": file_stamp(origins_csv), "services": file_stamp(services_csv),
             "seed": a.seed, "trips": a.trips, "rail_stations": a.rail_stations, "spacing": a.spacing,
             "radius": a.radius, "zip_level": a.zip_level}
    outs = {k: os.path.join(a.out_dir, f) for k, f in (("bus", "bus_gtfs.zip"), ("rail", "rail_gtfs.zip"),
                                                         ("pbf", "walk.osm.pbf"), ("services", "services20.csv"),
                                                         ("summary", "summary.json"))}
    stamp_path = os.path.join(a.out_dir, "inputs.json")
    if os.path.isfile(stamp_path) and all(os.path.isfile(p) for p in outs.values()):
        try:
            with open(stamp_path) as fh:
                old = json.load(fh)
        except ValueError:
            old = None
        if old == json.loads(json.dumps(stamp)):
            log(f"cached ({a.out_dir})")
            return 0
    os.makedirs(a.out_dir, exist_ok=True)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    T = {}
    t0 = time.perf_counter()

    def lap(name):
        nonlocal t0
        now = time.perf_counter()
        T[name] = round(now - t0, 2)
        t0 = now
        log(f"{name} {T[name]:.1f} s (peak RSS so far {peak_mib():.0f} MiB)")

    # Inputs.
    stops = pd.read_csv(a.stops, usecols=["ATCOCode", "CommonName", "Easting", "Northing", "Longitude", "Latitude"],
                        dtype={"ATCOCode": str, "CommonName": str})
    bus_xy = stops[["Easting", "Northing"]].to_numpy(float)
    origins = pd.read_csv(origins_csv, usecols=["easting", "northing"]).to_numpy(float)
    services = pd.read_csv(services_csv, usecols=["id", "category", "easting", "northing"])
    codes, wards_bng, _, _ = read_wards(a.wards)
    tree = shapely.STRtree(wards_bng)
    pi, wi = tree.query(shapely.points(bus_xy), predicate="within")
    ward = np.full(len(bus_xy), -1, np.int64)
    ward[pi[::-1]] = wi[::-1]  # the first ward when on a shared edge
    off = np.flatnonzero(ward < 0)
    if len(off):  # rounding to whole metres can move a stop off its ward: the nearest one
        pi2, wi2 = tree.query_nearest(shapely.points(bus_xy[off]))
        ward[off[pi2]] = wi2
    na, nb = tree.query(wards_bng, predicate="dwithin", distance=NEIGHBOUR_M)
    o = np.lexsort((nb, na))
    neighbours = (na[o], nb[o])
    lap("read inputs")

    # Bus routes.
    routes, route_ward, lonely_bus, _ = bus_routes(bus_xy, ward, neighbours, len(codes),
                                                        np.random.default_rng([a.seed, 1]))
    lap("bus routes")

    # Rail.
    rng_rail = np.random.default_rng([a.seed, 2])
    rail_xy = rail_stations(bus_xy, a.rail_stations, rng_rail)
    lines, lonely_rail = rail_lines(rail_xy, rng_rail)
    lap("rail stations and lines")

    # Patterns and trips.
    bus_pat = Patterns()
    for r, s in enumerate(routes):
        for d, seq in ((0, s), (1, s[::-1])):
            arr, dep = offsets(bus_xy, seq, BUS_KMH, 0)
            bus_pat.add(r, d, seq, arr, dep)
    bus_pat.finish()
    rail_pat = Patterns()
    for r, s in enumerate(lines):
        for d, seq in ((0, s), (1, s[::-1])):
            arr, dep = offsets(rail_xy, seq, RAIL_KMH, RAIL_DWELL_S)
            rail_pat.add(r, d, seq, arr, dep)
    rail_pat.finish()

    rng_t = np.random.default_rng([a.seed, 3])
    hw = np.array([h for h, _ in RAIL_HEADWAYS])
    rail_h = hw[rng_t.choice(len(hw), len(lines), p=[p for _, p in RAIL_HEADWAYS])]
    rail_h_pat = rail_h[rail_pat.route]
    rail_off = np.floor(rng_t.random(len(rail_pat.len)) * rail_h_pat).astype(np.int64)
    rail_counts, rail_min = departures(rail_off, rail_h_pat, RAIL_SPAN)

    bus_h0 = rng_t.integers(BUS_HEADWAY_MIN[0], BUS_HEADWAY_MIN[1] + 1, len(routes)).astype(float)
    bus_u = rng_t.random(len(bus_pat.len))
    want_bus = a.trips - int(rail_counts.sum())

    def bus_trips(scale):
        h = np.maximum(1, np.round(bus_h0 * scale)).astype(np.int64)[bus_pat.route]
        offm = np.floor(bus_u * h).astype(np.int64)
        c = np.maximum(0, -(-(BUS_SPAN[1] - BUS_SPAN[0] - offm) // h))
        return int(c.sum()), h, offm

    lo, hi = 0.05, 50.0
    best = None
    for _ in range(60):
        mid = math.sqrt(lo * hi)
        n, _, _ = bus_trips(mid)
        if best is None or abs(n - want_bus) < abs(best[1] - want_bus):
            best = (mid, n)
        if n > want_bus:
            lo = mid
        else:
            hi = mid
    scale = best[0]
    _, bus_h_pat, bus_off = bus_trips(scale)
    bus_counts, bus_min = departures(bus_off, bus_h_pat, BUS_SPAN)
    bus_trip_pattern, bus_trip_start = build_trips(bus_counts, bus_min)
    rail_trip_pattern, rail_trip_start = build_trips(rail_counts, rail_min)
    lap("timetables")

    # GTFS.
    tr_to_wgs = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    atco = stops["ATCOCode"].to_numpy(str)
    if len(set(len(s) for s in atco)) != 1:
        raise SystemExit("make_national_transit: ATCO codes of different lengths (expected make_national_stops.py's)")
    bus_stop_bytes = np.frombuffer("".join(atco).encode(), np.uint8).reshape(len(atco), -1)
    bus_stops_txt = stops_text(atco.tolist(), stops["CommonName"].tolist(), stops["Longitude"].to_numpy(),
                               stops["Latitude"].to_numpy())
    bus_route_ids = [f"BUS{r + 1:05d}" for r in range(len(routes))]
    routes_txt = "route_id,agency_id,route_short_name,route_long_name,route_type\n" + "".join(
        f"{rid},BENCHBUS,{r + 1},Bench bus {r + 1} ({codes[route_ward[r]]}),3\n" for r, rid in enumerate(bus_route_ids))
    n_bus = len(bus_trip_pattern)
    bus_trip_bytes = fixed_ids("B", np.arange(1, n_bus + 1), 7)
    bus_trip_ids = [f"B{k:07d}" for k in range(1, n_bus + 1)]
    bus_size, bus_st_bytes = write_gtfs(
        outs["bus"], ("BENCHBUS", "Bench buses"), bus_stops_txt, routes_txt,
        trips_blocks(bus_route_ids, bus_pat.route[bus_trip_pattern], bus_pat.direction[bus_trip_pattern],
                     bus_trip_ids),
        stop_times_chunks(bus_pat, bus_trip_pattern, bus_trip_start, bus_trip_bytes, bus_stop_bytes), a.zip_level)
    del bus_trip_bytes, bus_trip_ids, bus_stops_txt
    bus_rows = int(bus_pat.len[bus_trip_pattern].sum())
    lap("bus GTFS")

    rlon, rlat = tr_to_wgs.transform(rail_xy[:, 0], rail_xy[:, 1])
    rail_ids = [f"9100BENCH{k:04d}" for k in range(1, len(rail_xy) + 1)]
    rail_stops_txt = stops_text(rail_ids, [f"Bench station {k}" for k in range(1, len(rail_xy) + 1)],
                                np.asarray(rlon), np.asarray(rlat))
    rail_route_ids = [f"RAIL{r + 1:04d}" for r in range(len(lines))]
    rail_routes_txt = "route_id,agency_id,route_short_name,route_long_name,route_type\n" + "".join(
        f"{rid},BENCHRAIL,R{r + 1},Bench rail line {r + 1},2\n" for r, rid in enumerate(rail_route_ids))
    n_rail = len(rail_trip_pattern)
    rail_size, rail_st_bytes = write_gtfs(
        outs["rail"], ("BENCHRAIL", "Bench rail"), rail_stops_txt, rail_routes_txt,
        trips_blocks(rail_route_ids, rail_pat.route[rail_trip_pattern], rail_pat.direction[rail_trip_pattern],
                     [f"R{k:06d}" for k in range(1, n_rail + 1)]),
        stop_times_chunks(rail_pat, rail_trip_pattern, rail_trip_start, fixed_ids("R", np.arange(1, n_rail + 1), 6),
                          np.frombuffer("".join(rail_ids).encode(), np.uint8).reshape(len(rail_ids), -1)),
        a.zip_level)
    rail_rows = int(rail_pat.len[rail_trip_pattern].sum())
    lap("rail GTFS")

    # Services in 20 categories.
    counts = services["category"].value_counts(sort=False).to_dict()
    cats = list(dict.fromkeys(services["category"].tolist()))  # first-seen order
    parts = split_counts({c: counts[c] for c in cats}, CATEGORIES_OUT)
    rng_s = np.random.default_rng([a.seed, 4])
    k = np.array([parts[c] for c in services["category"]])
    label = (rng_s.random(len(services)) * k).astype(np.int64) + 1
    new_cat = [f"{c}_{p}" for c, p in zip(services["category"].tolist(), label.tolist())]
    tmp = outs["services"] + ".tmp"
    with open(tmp, "w", newline="") as fh:
        fh.write("id,category,easting,northing\n")
        fh.writelines(f"{i},{c},{x:.1f},{y:.1f}\n" for i, c, x, y in
                      zip(services["id"].tolist(), new_cat, services["easting"].tolist(),
                          services["northing"].tolist()))
    os.replace(tmp, outs["services"])
    per_cat = pd.Series(new_cat).value_counts().sort_index().to_dict()
    lap("services20")

    # Walking lattice.
    svc_xy = services[["easting", "northing"]].to_numpy(float)
    pts = np.concatenate([bus_xy, rail_xy, origins, svc_xy])
    X, Y, ways = lattice(pts, a.spacing, a.radius, np.random.default_rng([a.seed, 5]))
    ex, ey, links, pieces, main_nodes, longest = join_pieces(X, Y, ways, a.spacing)
    X = np.concatenate([X, ex])
    Y = np.concatenate([Y, ey])
    tree_n = cKDTree(np.column_stack([X, Y]))
    snap = {}
    for name, p in (("bus_stops", bus_xy), ("stations", rail_xy), ("origins", origins), ("services", svc_xy)):
        d, _ = tree_n.query(p)
        snap[name] = {"max_m": round(float(d.max()), 1), "over_500m": int((d > MAX_SNAP_M).sum())}
    del tree_n
    lap("walking lattice")
    lon, lat = tr_to_wgs.transform(X, Y)
    lon = np.round(np.asarray(lon), 7)
    lat = np.round(np.asarray(lat), 7)
    del X, Y
    pbf = write_walk_pbf(outs["pbf"], lon, lat, ways, links)
    del lon, lat, ways
    lap("walk PBF")

    bus_h_route = np.maximum(1, np.round(bus_h0 * scale)).astype(np.int64)
    lens = np.array([len(r) for r in routes])
    hops = np.concatenate([np.hypot(*np.diff(bus_xy[r], axis=0).T) for r in routes])
    summary = {
        "seed": a.seed,
        "bus": {"stops": len(bus_xy), "stops_on_no_route": int(len(bus_xy) - len(np.unique(np.concatenate(routes)))),
                "stops_with_no_neighbour_within_3km": lonely_bus, "routes": len(routes),
                "patterns": int(len(bus_pat.len)), "route_stops_mean": round(float(lens.mean()), 2),
                "route_stops_min": int(lens.min()), "route_stops_max": int(lens.max()),
                "routes_under_20_stops": int((lens < ROUTE_LEN[0]).sum()),
                "hop_m_median": round(float(np.median(hops)), 1), "hop_m_mean": round(float(hops.mean()), 1),
                "headway_scale": round(scale, 4), "headway_min_range": [int(bus_h_route.min()), int(bus_h_route.max())],
                "trips": n_bus, "stop_times_rows": bus_rows, "stop_times_bytes": bus_st_bytes, "zip_bytes": bus_size},
        "rail": {"stations": len(rail_xy), "stations_on_no_line": lonely_rail, "lines": len(lines),
                 "patterns": int(len(rail_pat.len)), "trips": n_rail, "stop_times_rows": rail_rows,
                 "stop_times_bytes": rail_st_bytes, "zip_bytes": rail_size},
        "trips": n_bus + n_rail, "stop_times_rows": bus_rows + rail_rows,
        "walk": {"spacing_m": a.spacing, "radius_m": a.radius, "pieces_joined": pieces - 1,
                 "largest_piece_nodes": main_nodes, "longest_link_m": round(longest, 1), **pbf, "snap": snap},
        "services20": per_cat,
        "timings_s": T, "peak_rss_mib": round(peak_mib(), 1),
    }
    with open(outs["summary"] + ".tmp", "w") as fh:
        json.dump(summary, fh, indent=1)
    os.replace(outs["summary"] + ".tmp", outs["summary"])
    with open(stamp_path + ".tmp", "w") as fh:
        json.dump(stamp, fh)
    os.replace(stamp_path + ".tmp", stamp_path)

    b, r, w = summary["bus"], summary["rail"], summary["walk"]
    log(f"bus: {b['stops']:,} stops ({b['stops_on_no_route']} on no route), {b['routes']:,} routes "
        f"({b['patterns']:,} patterns, {b['route_stops_mean']} stops on average, {b['routes_under_20_stops']} under "
        f"20), hops median {b['hop_m_median']} m, headways x{b['headway_scale']} -> {b['headway_min_range'][0]}-"
        f"{b['headway_min_range'][1]} min, {b['trips']:,} trips, {b['stop_times_rows']:,} stop_times rows "
        f"({b['stop_times_bytes'] / 1e6:,.0f} MB) -> {outs['bus']} ({b['zip_bytes'] / 1e6:,.1f} MB)")
    log(f"rail: {r['stations']:,} stations ({r['stations_on_no_line']} on no line), {r['lines']} lines, "
        f"{r['trips']:,} trips, {r['stop_times_rows']:,} stop_times rows -> {outs['rail']} "
        f"({r['zip_bytes'] / 1e6:,.2f} MB)")
    log(f"walk: {w['nodes']:,} nodes, {w['ways']:,} ways ({w['spacing_m']:g} m lattice within {w['radius_m']:g} m; "
        f"{w['pieces_joined']} pieces joined, longest link {w['longest_link_m']:,.0f} m) -> {outs['pbf']} "
        f"({w['bytes'] / 1e6:,.1f} MB); nearest node: "
        + ", ".join(f"{k} max {v['max_m']} m ({v['over_500m']} over 500 m)" for k, v in snap.items()))
    log(f"services20: {len(per_cat)} categories -> {outs['services']}")
    log(f"total {n_bus + n_rail:,} trips, {bus_rows + rail_rows:,} stop_times rows; timings: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in T.items()) + f"; peak RSS {summary['peak_rss_mib']:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
