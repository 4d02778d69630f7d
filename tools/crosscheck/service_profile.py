"""Cross-checks `reach run`'s [service_profile] table (docs/transit.md, "Service through the day and the week").

Driven by tools/crosscheck/run.sh (`CROSSCHECK_ONLY=service_profile` runs only this checker):

  service_profile.py prepare --data ../shared/data --tmp DIR
      writes DIR/study.toml: fixtures/newport/service_profile.toml with every input path made absolute (those under
      the repository's ../shared/data moved to --data, REACH_DATA) and its output moved to
      DIR/service-profile-newport/out (the runner empties the case folder before reach runs, so the study lives
      beside it); the copy is read back with tomllib and must equal the original but for those paths.
  service_profile.py check --data ../shared/data --tmp DIR --case NAME REACH_DIR [--case ...] [--skipped|--failed]
      service-profile-hand     the oracle's self-test on fixtures/gtfs/hand with its stops placed on a line by hand
                               (REACH_DIR unused; not counted): the numbers worked in
                               Tests/AccessibilityTests/Transit/HourlyServiceTests.swift;
      service-profile-newport  compares REACH_DIR/out/service_profile.csv and wards.csv of
                               `reach run DIR/study.toml`;
      one line per check, then 'N passed, M failed'.
  service_profile.py table [--study fixtures/newport/service_profile.toml]
      prints the oracle's service_profile.csv for a study (as reach writes it, full precision) without reach.

The oracle shares no code with reach (nor with the other checkers):
- feeds: gtfs_kit.read_feed; times parsed by pandas; a blank departure_time takes arrival_time and the reverse;
  a stop time with neither is interpolated linearly between the timed stop times before and after it in its trip
  (stop_sequence order), by shape_dist_traveled when the stop and both neighbours have it (and it grows), else by
  position in the trip, to the nearest second; departures = stop times that are not their trip's last (highest
  stop_sequence) and whose pickup_type is not 1; route class from route_type (bus 3, 11, 200-299, 700-799, 800;
  rail 2, 100-199; every other class is dropped);
- which trips run on a date: gtfs_kit.get_active_services (calendar.txt + calendar_dates.txt) for the date and
  for the day before, whose trips run too, moved 24 h earlier; a trip of frequencies.txt runs once per start_time
  + k headway_secs < end_time, its stop times moved by (start - its first departure); each (trip, day, run) is a
  trip instance, numbered per feed and never merged across feeds; routes are (feed, route_id). Only times in
  [0, 24 h) of the date's clock count;
- stops of every feed to EPSG:27700 with pyproj (network off); origins from the study's CSV (easting/northing in
  EPSG:27700, weight 1 each: the study names no weight field), each in the first ward (study order) covering it
  (geopandas sjoin, covered_by); a ward no origin falls in gets its shapely point_on_surface as its one origin of
  weight 1 (reach's rule; Newport has none such: a self-check says so);
- per origin and date, with a scipy cKDTree (pairs checked again by np.hypot): bus departures of stops within the
  bus radius (400 m) and rail departures of stops within the rail radius (800 m), inclusive; per hour h the
  distinct bus and rail trip instances and the distinct routes with such a departure in [h:00, h+1:00); the first
  and last such departure; the longest interval of the span (07:00-22:00) with none (start to first, between
  consecutive ones, last to end; the whole span when none), all with numpy on integer keys;
- per ward the unweighted mean over its origins (all weights are 1) of bus, rail and routes per date and hour;
  first/last = min/max over its origins (HH:MM, truncated to the minute), longest_gap_min = the mean of the
  origins' gaps in minutes, hourly_service_{day} = every hour of the span has a bus or rail departure near some
  origin of the ward, hourly_service_mon_sat = all of Monday to Saturday, evening_share_pct = 100 x (mean over
  Monday-Friday and hours 19-23 of the ward's bus + rail means) / (mean over Monday-Friday and hours 7-18), null
  when that is 0; sunday_share_pct likewise with Sunday's hours 7-18 over the weekday hours 7-18.

Checks of service-profile-newport: reach exited 0 and wrote both files; service_profile.csv's header and its rows'
keys in order (date, then ward in study order, then hour 0-23: one check); every row (21 wards x 7 dates x 24
hours = 3,528 checks, one per row, each comparing bus_departures, rail_departures and routes to 5e-5, the written
4 decimals, + 1e-9, and their format); wards.csv's wards in order, its columns, origins_count per ward (one check);
per ward and date first_departure, last_departure (exactly), longest_gap_min (to 0.05 + 1e-9, 1 decimal),
hourly_service (exactly): 21 x 7 x 4 = 588 checks; per ward hourly_service_mon_sat, evening_share_pct and
sunday_share_pct (to 0.005 + 1e-9, 2 decimals; null = null): 63 checks.
Oracle self-checks (not counted; a failure fails the run): the hand case; interpolation by shape_dist_traveled
and by position on a made-up trip; on Newport every origin in a ward, every ward with an origin, and the vectorised
per-origin figures of every date against a plain Python loop (brute-force distances, sets of trips and routes) on
40 seeded origins plus the 40 with the most departures.
"""

import datetime as dt
import math
import os
import re
import sys
import time
import warnings

os.environ.setdefault("PROJ_NETWORK", "OFF")
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=UserWarning)

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from pyproj import Transformer  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

import gtfs_kit as gk  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.checking import Case, checker_main  # noqa: E402
from reachtools.inputs import ROOT, fixture  # noqa: E402
from reachtools.runner import check_status  # noqa: E402
from reachtools import study_copy  # noqa: E402

DAY = 86400
WORKING_CRS = "EPSG:27700"
CASE = "service-profile-newport"
HAND_CASE = "service-profile-hand"
STUDY = fixture("newport", "service_profile.toml")
HAND_FEED = fixture("gtfs", "hand")
CASE_OUT = f"{CASE}/out"
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "data"))  # the study's ../../../shared/data
MEAN_TOL = 5e-5 + 1e-9  # service_profile.csv: 4 decimals
GAP_TOL = 0.05 + 1e-9  # longest_gap_min: 1 decimal
SHARE_TOL = 0.005 + 1e-9  # evening/sunday_share_pct: 2 decimals
BUS_RADIUS, RAIL_RADIUS = 400.0, 800.0  # [coverage]'s defaults (docs/transit.md)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
ZONE_FIELDS = ("WD23CD", "WD13CD", "area_code", "code")
PATH_KEYS = {"wards": {"files"}, "origins": {"file"}, "coverage": {"bus_stops", "rail_stations", "metro_stops",
                                                                    "naptan", "gtfs"},
             "service_profile": {"gtfs"}, "public_transport": {"gtfs", "osm", "services"}}
BRUTE_ORIGINS = 40  # seeded origins (and as many of the busiest) for the brute-force self-check
NUMBER = {4: re.compile(r"-?\d+(\.\d{1,4})?"), 1: re.compile(r"-?\d+(\.\d)?"), 2: re.compile(r"-?\d+(\.\d{1,2})?")}

# The hand case (Tests/AccessibilityTests/Transit/HourlyServiceTests.swift): stops on a line (metres), origins,
# and per origin the non-zero hours of bus, rail and routes, first, last, longest gap (seconds).
HAND_STOPS = {"S1": (0.0, 0.0), "S2": (100.0, 0.0), "S3": (300.0, 0.0), "R1": (1000.0, 0.0), "R2": (5000.0, 0.0)}
HAND_DATE = dt.date(2024, 3, 5)
HAND_ORIGINS = [(50.0, 0.0), (1000.0, 300.0), (-5000.0, 0.0), (-350.0, 0.0)]
HAND_EXPECTED = [
    # (50, 0) reaches S1, S2, S3 (not the station R1, 950 m away): 07:00 t1, t6 (Monday's 31:30), t7's 4 runs = 6;
    # 08:00 t5, t8, t9 (the coach route C) = 3; 09:00 t2 (S1 09:58); 10:00 t2 again (S2 10:00).
    {"bus": {7: 6, 8: 3, 9: 1, 10: 1}, "rail": {}, "routes": {7: 1, 8: 2, 9: 1, 10: 1},
     "first": 7 * 3600, "last": 10 * 3600, "gap": 12 * 3600},
    # (1000, 300): R1 300 m (rail radius 800 m), S3 762 m (beyond 400 m): t10 at 07:00 alone.
    {"bus": {}, "rail": {7: 1}, "routes": {7: 1}, "first": 7 * 3600, "last": 7 * 3600, "gap": 15 * 3600},
    # (-5000, 0): nothing all day, the whole span is a gap.
    {"bus": {}, "rail": {}, "routes": {}, "first": None, "last": None, "gap": 15 * 3600},
    # Not in the Swift test (worked here, for pickup_type): (-350, 0) reaches S1 alone (S2 is 450 m away). 07:00
    # t7's runs 07:00, 07:15, 07:30, 07:45, t1 07:10, t6 07:30 = 6; 08:00 t5 08:30 alone (t8 has pickup_type 1 at
    # S1); 09:00 t2 09:58. Longest gap 09:58 to 22:00 = 12 h 2 min.
    {"bus": {7: 6, 8: 1, 9: 1}, "rail": {}, "routes": {7: 1, 8: 1, 9: 1}, "first": 7 * 3600,
     "last": 9 * 3600 + 58 * 60, "gap": 12 * 3600 + 2 * 60},
]


# ----------------------------------------------------------------------------------------------------------------
# The study and its copy


def absolute(base, p, data=None):
    """p made absolute against base; with data, a path under the repository's ../shared/data moved under data."""
    return study_copy.absolute(base, p, data, SHARED)


def prepare(args):
    os.makedirs(args.tmp, exist_ok=True)
    return study_copy.prepare(STUDY, CASE_OUT, os.path.join(args.tmp, "study.toml"), PATH_KEYS,
                              lambda base, p: absolute(base, p, args.data), "service_profile.py")


def load_study(path):
    return study_copy.load(path, PATH_KEYS, absolute)


def parse_clock(text):
    h, m = text.split(":")
    return int(h) * 3600 + int(m) * 60


class Setup:
    """What the study asks of [service_profile]: dates, labels, span, feeds, radii."""

    def __init__(self, study):
        sp = study["service_profile"]
        unknown = set(sp) - {"week", "span", "gtfs", "dates", "map_hours"}
        if unknown:
            raise SystemExit(f"service_profile.py: [service_profile] {sorted(unknown)} not handled by this oracle")
        if "week" in sp:
            start = dt.date.fromisoformat(sp["week"])
            self.dates = [start + dt.timedelta(days=i) for i in range(7)]
        else:
            self.dates = [dt.date.fromisoformat(d) for d in sp["dates"]]
        names = [WEEKDAYS[d.weekday()] for d in self.dates]
        self.labels = names if len(set(names)) == len(names) else [d.isoformat().replace("-", "_")
                                                                    for d in self.dates]
        a, b = sp.get("span", "07:00-22:00").split("-")
        self.span = (parse_clock(a), parse_clock(b))
        cov = study.get("coverage", {})
        self.gtfs = sp.get("gtfs") or cov.get("gtfs") or study.get("public_transport", {}).get("gtfs")
        self.bus_radius = float(cov.get("bus_radius", BUS_RADIUS))
        self.rail_radius = float(cov.get("rail_radius", RAIL_RADIUS))
        # map_hours = ["tuesday 08", ...]: (date index, hour) of each departures_{day}_{HH} column.
        self.map_hours = [(self.labels.index(t.split()[0]), int(t.split()[1])) for t in sp.get("map_hours", [])]


# ----------------------------------------------------------------------------------------------------------------
# Feeds: departures of a service date


def route_class(rt):
    """docs/transit.md: bus = 3, 11, 200-299, 700-799, 800; rail = 2, 100-199; None for every other class."""
    if pd.isna(rt):
        return None
    rt = int(rt)
    if rt in (3, 11, 800) or 200 <= rt <= 299 or 700 <= rt <= 799:
        return "bus"
    if rt == 2 or 100 <= rt <= 199:
        return "rail"
    return None


def seconds(col):
    """'H:MM:SS' strings (hours may pass 24) -> float seconds; NaN when blank."""
    s = col.astype("string").str.strip()
    parts = s.str.split(":", expand=True)
    if parts.shape[1] < 3:
        return pd.Series(np.nan, index=col.index)
    h, m, x = (pd.to_numeric(parts[i], errors="coerce") for i in range(3))
    return (h * 3600 + m * 60 + x).astype(float)


def interpolate(st):
    """st (one trip's rows together, in stop_sequence order) with `dep` and `arr` (float seconds, NaN = blank on
    both): the blanks filled linearly between the timed stop times before and after (departure before, arrival
    after), by shape_dist_traveled when this stop and both neighbours have it (and it grows), else by position in
    the trip; rounded to the nearest second."""
    blank = st["dep"].isna().to_numpy()
    if not blank.any():
        return st
    st = st.copy()
    n = len(st)
    idx = np.arange(n)
    timed = ~blank
    trip = st["trip_id"].to_numpy()
    # previous / next timed row within the trip
    prev = pd.Series(np.where(timed, idx, np.nan)).ffill().to_numpy()
    nxt = pd.Series(np.where(timed, idx, np.nan)).bfill().to_numpy()
    rows = np.nonzero(blank)[0]
    b, a = prev[rows], nxt[rows]
    if np.isnan(b).any() or np.isnan(a).any():
        raise SystemExit("service_profile.py: a trip without a time at its first or last stop")
    b, a = b.astype(int), a.astype(int)
    if (trip[b] != trip[rows]).any() or (trip[a] != trip[rows]).any():
        raise SystemExit("service_profile.py: a trip without a time at its first or last stop")
    pos = st["pos"].to_numpy()
    frac = (pos[rows] - pos[b]) / (pos[a] - pos[b])
    if "shape_dist_traveled" in st:
        d = pd.to_numeric(st["shape_dist_traveled"], errors="coerce").to_numpy(dtype=float)
        ok = ~np.isnan(d[rows]) & ~np.isnan(d[b]) & ~np.isnan(d[a]) & (d[a] > d[b])
        frac = np.where(ok, (d[rows] - d[b]) / np.where(ok, d[a] - d[b], 1), frac)
    t0, t1 = st["dep"].to_numpy()[b], st["arr"].to_numpy()[a]
    t = np.floor(t0 + frac * (t1 - t0) + 0.5)
    dep, arr = st["dep"].to_numpy().copy(), st["arr"].to_numpy().copy()
    dep[rows], arr[rows] = t, t
    st["dep"], st["arr"] = dep, arr
    return st


def departure_rows(stop_times):
    """The departures of a stop_times table (gtfs-kit's columns): trip_id, stop_id, dep (seconds of the trip's
    own day, interpolated), with the trip's first departure `first_dep` (frequencies' template origin)."""
    st = stop_times.copy()
    st["stop_sequence"] = pd.to_numeric(st["stop_sequence"])
    st = st.sort_values(["trip_id", "stop_sequence"], kind="stable").reset_index(drop=True)
    st["arr"] = seconds(st["arrival_time"])
    st["dep"] = seconds(st["departure_time"])
    st["dep"] = st["dep"].fillna(st["arr"])
    st["arr"] = st["arr"].fillna(st["dep"])
    st["pos"] = st.groupby("trip_id", sort=False).cumcount()
    st = interpolate(st)
    size = st.groupby("trip_id", sort=False)["trip_id"].transform("size")
    last = st["pos"].to_numpy() == size.to_numpy() - 1
    pickup = pd.to_numeric(st["pickup_type"], errors="coerce").fillna(0) if "pickup_type" in st else 0
    first_dep = st[st["pos"] == 0].set_index("trip_id")["dep"]
    keep = ~last & (np.asarray(pickup) != 1)
    out = st.loc[keep, ["trip_id", "stop_id", "dep"]].reset_index(drop=True)
    out["dep"] = out["dep"].astype(np.int64)
    return out, first_dep


class Feed:
    """One GTFS feed as the oracle reads it: its bus and rail departures, its stops, routes and frequencies."""

    def __init__(self, path):
        self.path = path
        f = self.feed = gk.read_feed(path, dist_units="km")
        deps, self.first_dep = departure_rows(f.stop_times)
        trips = f.trips[["trip_id", "route_id", "service_id"]].astype({"trip_id": str, "route_id": str,
                                                                        "service_id": str})
        routes = f.routes[["route_id", "route_type"]].astype({"route_id": str})
        routes["cls"] = routes["route_type"].map(route_class)
        self.routes = sorted(routes["route_id"])
        trips = trips.merge(routes[["route_id", "cls"]], on="route_id", how="left")
        self.trips = trips
        deps = deps.merge(trips[["trip_id", "route_id", "cls"]], on="trip_id", how="left")
        self.deps = deps[deps["cls"].isin(["bus", "rail"])].reset_index(drop=True)
        s = f.stops[["stop_id", "stop_lat", "stop_lon"]].copy()
        s["stop_id"] = s["stop_id"].astype(str)
        self.stops = s
        self.freq = None
        if f.frequencies is not None and len(f.frequencies):
            fr = f.frequencies.copy()
            fr["start"] = seconds(fr["start_time"]).astype(np.int64)
            fr["end"] = seconds(fr["end_time"]).astype(np.int64)
            fr["headway"] = pd.to_numeric(fr["headway_secs"]).astype(np.int64)
            self.freq = fr[["trip_id", "start", "end", "headway"]]

    def instances(self, date):
        """(trip_id, delta) of every trip instance running on date's clock: the date's trips (delta 0) and the day
        before's (delta -24 h), a frequencies.txt trip once per run (delta = run start - its first departure)."""
        parts = []
        for shift, day in ((0, date), (-DAY, date - dt.timedelta(days=1))):
            active = set(gk.get_active_services(self.feed, day.strftime("%Y%m%d")))
            t = self.trips.loc[self.trips["service_id"].isin(active), ["trip_id"]]
            if self.freq is not None:
                templ = t["trip_id"].isin(set(self.freq["trip_id"]))
                runs = []
                for row in self.freq[self.freq["trip_id"].isin(set(t["trip_id"]))].itertuples():
                    base = int(self.first_dep[row.trip_id])
                    runs += [(row.trip_id, s - base + shift) for s in range(row.start, row.end, row.headway)]
                t = t[~templ].assign(delta=shift)
                parts.append(pd.DataFrame(runs, columns=["trip_id", "delta"]))
            else:
                t = t.assign(delta=shift)
            parts.append(t)
        inst = pd.concat(parts, ignore_index=True)
        inst["inst"] = np.arange(len(inst), dtype=np.int64)
        return inst

    def day(self, date):
        """The date's bus and rail departures: stop_id, inst, route_id, rail (bool), t (seconds of the date's
        clock, in [0, 24 h))."""
        inst = self.instances(date)
        d = self.deps.merge(inst, on="trip_id")
        d["t"] = d["dep"] + d["delta"]
        d = d[(d["t"] >= 0) & (d["t"] < DAY)]
        return pd.DataFrame({"stop_id": d["stop_id"].to_numpy(), "inst": d["inst"].to_numpy(),
                             "route_id": d["route_id"].to_numpy(), "rail": (d["cls"] == "rail").to_numpy(),
                             "t": d["t"].to_numpy(dtype=np.int64)}), len(inst)


# ----------------------------------------------------------------------------------------------------------------
# Per origin through a date


class Network:
    """The stops of several feeds placed in EPSG:27700 (positions[f] = {stop_id: (x, y)}, None: by pyproj), with
    the origin-stop pairs within the radii."""

    def __init__(self, feeds, origins_xy, bus_radius, rail_radius, positions=None):
        self.feeds = feeds
        self.bus_radius, self.rail_radius = bus_radius, rail_radius
        keys, xy = [], []
        to27700 = Transformer.from_crs("EPSG:4326", WORKING_CRS, always_xy=True)
        for f, feed in enumerate(feeds):
            if positions is not None and positions[f] is not None:
                for sid, p in positions[f].items():
                    keys.append((f, sid))
                    xy.append(p)
                continue
            s = feed.stops.dropna(subset=["stop_lat", "stop_lon"])
            x, y = to27700.transform(s["stop_lon"].to_numpy(dtype=float), s["stop_lat"].to_numpy(dtype=float))
            keys += [(f, sid) for sid in s["stop_id"]]
            xy += list(zip(x, y))
        self.stop_index = {k: i for i, k in enumerate(keys)}
        self.stop_xy = np.array(xy, dtype=float).reshape(-1, 2)
        self.origins = np.asarray(origins_xy, dtype=float).reshape(-1, 2)
        # Routes numbered across feeds.
        self.route_index = {}
        for f, feed in enumerate(feeds):
            for r in feed.routes:
                self.route_index[(f, r)] = len(self.route_index)
        # Origin-stop pairs within the larger radius (inclusive), distances by np.hypot.
        reach = max(bus_radius, rail_radius)
        tree = cKDTree(self.stop_xy)
        lists = tree.query_ball_point(self.origins, r=reach * (1 + 1e-9) + 1e-6)
        po = np.repeat(np.arange(len(self.origins)), [len(v) for v in lists])
        ps = np.fromiter((s for v in lists for s in v), dtype=np.int64, count=len(po))
        d = np.hypot(*(self.origins[po] - self.stop_xy[ps]).T)
        ok = d <= reach
        self.pair_o, self.pair_s, self.pair_d = po[ok], ps[ok], d[ok]

    def day(self, date):
        """Departures of every feed on date as arrays: stop (index into stop_xy), inst (numbered across feeds),
        route (numbered across feeds), rail, t; unplaced stops left out."""
        parts, base = [], 0
        for f, feed in enumerate(self.feeds):
            d, n_inst = feed.day(date)
            stop = d["stop_id"].map(lambda s, f=f: self.stop_index.get((f, s), -1)).to_numpy(dtype=np.int64)
            route = d["route_id"].map(lambda r, f=f: self.route_index[(f, r)]).to_numpy(dtype=np.int64)
            keep = stop >= 0
            parts.append((stop[keep], d["inst"].to_numpy()[keep] + base, route[keep], d["rail"].to_numpy()[keep],
                          d["t"].to_numpy()[keep]))
            base += n_inst
        cat = [np.concatenate([p[i] for p in parts]) for i in range(5)]
        return {"stop": cat[0], "inst": cat[1], "route": cat[2], "rail": cat[3].astype(bool), "t": cat[4],
                "n_inst": base, "n_route": len(self.route_index)}

    def measure(self, date, span):
        """Per origin: bus, rail, routes (n x 24 int arrays), first, last (float, NaN = none), gap (seconds)."""
        day = self.day(date)
        n = len(self.origins)
        rows = []  # (origin, departure index) pairs for each class
        for rail, radius in ((False, self.bus_radius), (True, self.rail_radius)):
            sel = np.nonzero(day["rail"] == rail)[0]
            sel = sel[np.argsort(day["stop"][sel], kind="stable")]
            count = np.bincount(day["stop"][sel], minlength=len(self.stop_xy))
            start = np.concatenate([[0], np.cumsum(count)[:-1]])
            near = self.pair_d <= radius
            po, ps = self.pair_o[near], self.pair_s[near]
            c = count[ps]
            o = np.repeat(po, c)
            k = np.arange(c.sum()) - np.repeat(np.cumsum(c) - c, c) + np.repeat(start[ps], c)
            rows.append((o, sel[k]))
        hour = day["t"] // 3600
        out = {}
        for name, (o, k) in zip(("bus", "rail"), rows):
            key = np.unique((o * day["n_inst"] + day["inst"][k]) * 24 + hour[k])
            oh = (key // (24 * day["n_inst"])) * 24 + key % 24
            out[name] = np.bincount(oh, minlength=n * 24).reshape(n, 24)
        o = np.concatenate([rows[0][0], rows[1][0]])
        k = np.concatenate([rows[0][1], rows[1][1]])
        key = np.unique((o * day["n_route"] + day["route"][k]) * 24 + hour[k])
        oh = (key // (24 * day["n_route"])) * 24 + key % 24
        out["routes"] = np.bincount(oh, minlength=n * 24).reshape(n, 24)
        t = day["t"][k]
        first = np.full(n, np.inf)
        last = np.full(n, -np.inf)
        np.minimum.at(first, o, t)
        np.maximum.at(last, o, t)
        out["first"] = np.where(np.isinf(first), np.nan, first)
        out["last"] = np.where(np.isinf(last), np.nan, last)
        s0, s1 = span
        inside = (t >= s0) & (t < s1)
        key = np.unique(o[inside] * DAY + t[inside])
        ko, kt = key // DAY, key % DAY
        gap = np.full(n, s1 - s0, dtype=np.int64)
        if len(key):
            new = np.concatenate([[True], ko[1:] != ko[:-1]])
            end = np.concatenate([ko[1:] != ko[:-1], [True]])
            prev = np.where(new, s0, np.concatenate([[s0], kt[:-1]]))
            g = np.zeros(n, dtype=np.int64)
            np.maximum.at(g, ko, kt - prev)
            np.maximum.at(g, ko[end], s1 - kt[end])
            has = np.zeros(n, dtype=bool)
            has[ko] = True
            gap[has] = g[has]
        out["gap"] = gap
        return out, day

    def brute(self, date, span, origins_idx, day):
        """The same figures for a few origins by plain Python (distances to every stop, sets), on day's
        departures."""
        by_stop = {}
        for i in range(len(day["t"])):
            by_stop.setdefault(int(day["stop"][i]), []).append(i)
        res = []
        for o in origins_idx:
            d = np.hypot(*(self.stop_xy - self.origins[o]).T)
            trips = {"bus": set(), "rail": set()}
            routes, times = set(), []
            for s in np.nonzero(d <= max(self.bus_radius, self.rail_radius))[0]:
                for i in by_stop.get(int(s), []):
                    rail = bool(day["rail"][i])
                    if d[s] > (self.rail_radius if rail else self.bus_radius):
                        continue
                    h = int(day["t"][i]) // 3600
                    trips["rail" if rail else "bus"].add((int(day["inst"][i]), h))
                    routes.add((int(day["route"][i]), h))
                    times.append(int(day["t"][i]))
            bus, rail, rts = [0] * 24, [0] * 24, [0] * 24
            for _, h in trips["bus"]:
                bus[h] += 1
            for _, h in trips["rail"]:
                rail[h] += 1
            for _, h in routes:
                rts[h] += 1
            inside = sorted(x for x in times if span[0] <= x < span[1])
            edges = [span[0]] + inside + [span[1]]
            gap = max(b - a for a, b in zip(edges, edges[1:]))
            res.append({"bus": bus, "rail": rail, "routes": rts, "first": min(times) if times else None,
                        "last": max(times) if times else None, "gap": gap})
        return res


# ----------------------------------------------------------------------------------------------------------------
# The oracle on a study


class Oracle:
    def __init__(self, study_path):
        s = self.study = load_study(study_path)
        self.setup = Setup(s)
        if s["origins"].get("weight_field"):
            raise SystemExit("service_profile.py: [origins] weight_field is not handled (every origin weighs 1)")
        wards = [gpd.read_file(f, engine="pyogrio").to_crs(WORKING_CRS) for f in s["wards"]["files"]]
        wards = gpd.GeoDataFrame(pd.concat(wards, ignore_index=True), crs=WORKING_CRS)
        bad = ~shapely.is_valid(wards.geometry.values)
        if bad.any():
            wards.loc[bad, "geometry"] = shapely.make_valid(wards.geometry.values[bad])
        self.code_field = s["wards"].get("code_field") or next(c for c in ZONE_FIELDS if c in wards.columns)
        self.codes = [str(c) for c in wards[self.code_field]]
        og = pd.read_csv(s["origins"]["file"])
        xcol = next(c for c in ("easting", "x") if c in og.columns)
        ycol = next(c for c in ("northing", "y") if c in og.columns)
        xy = og[[xcol, ycol]].to_numpy(dtype=float)
        pg = gpd.GeoDataFrame(geometry=shapely.points(xy), crs=WORKING_CRS)
        jn = gpd.sjoin(pg, wards[["geometry"]], predicate="covered_by", how="left")
        jn = jn.sort_values("index_right", kind="stable")
        jn = jn[~jn.index.duplicated(keep="first")].sort_index()
        ward_of = jn["index_right"].fillna(-1).astype(int).to_numpy()
        self.outside = int((ward_of < 0).sum())
        xy, ward_of = xy[ward_of >= 0], ward_of[ward_of >= 0]
        n = len(self.codes)
        self.counts_from_file = np.bincount(ward_of, minlength=n)
        self.fallback = [z for z in range(n) if self.counts_from_file[z] == 0]
        if self.fallback:
            pos = shapely.get_coordinates(shapely.point_on_surface(wards.geometry.values[self.fallback]))
            xy = np.vstack([xy, pos])
            ward_of = np.concatenate([ward_of, self.fallback])
        self.xy, self.zone = xy, ward_of
        self.count = np.bincount(ward_of, minlength=n)
        t0 = time.perf_counter()
        self.feeds = [Feed(p) for p in self.setup.gtfs]
        self.read_s = time.perf_counter() - t0
        self.net = Network(self.feeds, xy, self.setup.bus_radius, self.setup.rail_radius)
        t0 = time.perf_counter()
        self.days = []  # per date: the per-origin figures
        self.day_deps = []
        for date in self.setup.dates:
            m, day = self.net.measure(date, self.setup.span)
            self.days.append(m)
            self.day_deps.append(day)
        self.measure_s = time.perf_counter() - t0

    def zmean(self, values):
        """Per ward the mean over its origins (weights 1) of values (n origins x ...)."""
        n = len(self.codes)
        v = np.asarray(values, dtype=float)
        tot = np.zeros((n,) + v.shape[1:])
        np.add.at(tot, self.zone, v)
        return tot / self.count.reshape((n,) + (1,) * (v.ndim - 1))

    def profile(self):
        """{(code, date, hour): (bus, rail, routes)} zone means, in reach's row order (date, ward, hour)."""
        out = {}
        for date, m in zip(self.setup.dates, self.days):
            b, r, ro = self.zmean(m["bus"]), self.zmean(m["rail"]), self.zmean(m["routes"])
            for z, code in enumerate(self.codes):
                for h in range(24):
                    out[(code, date.isoformat(), h)] = (b[z, h], r[z, h], ro[z, h])
        return out

    def ward_figures(self):
        """{column: [value per ward]}: first/last (HH:MM or None), longest_gap_min, hourly_service per date, then
        evening_share_pct, sunday_share_pct, hourly_service_mon_sat (None = null)."""
        n = len(self.codes)
        cols = {}
        s0, s1 = self.setup.span
        span_hours = range(s0 // 3600, s1 // 3600)
        hourly = {}  # date index -> (n x 24) ward means of bus + rail
        for d, (date, label, m) in enumerate(zip(self.setup.dates, self.setup.labels, self.days)):
            first, last = [None] * n, [None] * n
            for z in range(n):
                f = m["first"][self.zone == z]
                la = m["last"][self.zone == z]
                f, la = f[~np.isnan(f)], la[~np.isnan(la)]
                first[z] = clock(f.min()) if len(f) else None
                last[z] = clock(la.max()) if len(la) else None
            cols[f"first_departure_{label}"] = first
            cols[f"last_departure_{label}"] = last
            cols[f"longest_gap_min_{label}"] = list(self.zmean(m["gap"] / 60.0))
            any_hour = np.zeros((n, 24), dtype=bool)
            np.logical_or.at(any_hour, self.zone, (m["bus"] + m["rail"]) > 0)
            cols[f"hourly_service_{label}"] = [bool(all(any_hour[z, h] for h in span_hours)) for z in range(n)]
            hourly[d] = self.zmean(m["bus"]) + self.zmean(m["rail"])
        wk = [d for d, date in enumerate(self.setup.dates) if date.weekday() < 5]
        sun = [d for d, date in enumerate(self.setup.dates) if date.weekday() == 6]

        def rate(days, hours):
            return np.array([np.mean([hourly[d][z, h] for d in days for h in hours]) for z in range(n)])

        if wk:
            daytime = rate(wk, range(7, 19))
            evening = rate(wk, range(19, 24))
            cols["evening_share_pct"] = [100 * e / dd if dd > 0 else None for e, dd in zip(evening, daytime)]
            if sun:
                sunday = rate(sun, range(7, 19))
                cols["sunday_share_pct"] = [100 * s / dd if dd > 0 else None for s, dd in zip(sunday, daytime)]
        for d, h in self.setup.map_hours:
            cols[f"departures_{self.setup.labels[d]}_{h:02d}"] = list(hourly[d][:, h])
        monsat = [d for d, date in enumerate(self.setup.dates) if date.weekday() < 6]
        if len({self.setup.dates[d].weekday() for d in monsat}) == 6:
            cols["hourly_service_mon_sat"] = [all(cols[f"hourly_service_{self.setup.labels[d]}"][z] for d in monsat)
                                              for z in range(n)]
        return cols


def clock(sec):
    sec = int(sec)
    return f"{sec // 3600:02d}:{(sec % 3600) // 60:02d}"


# ----------------------------------------------------------------------------------------------------------------
# Comparing


def num(s):
    if s is None or s == "":
        return None
    try:
        return float(s)
    except ValueError:
        return math.nan


def close(raw, want, tol, decimals):
    """Problems of a written figure raw against want (None = null) within tol, written with at most decimals."""
    if want is None:
        return [] if raw == "" else [f"reach {raw!r}, oracle null"]
    if raw == "":
        return [f"reach null, oracle {want!r}"]
    if not NUMBER[decimals].fullmatch(raw):
        return [f"reach {raw!r} is not a number of at most {decimals} decimals"]
    d = abs(float(raw) - want)
    return [] if d <= tol else [f"reach {raw}, oracle {want!r}, |diff| {d:.3g}"]


def case_newport(name, reach_dir, data, tmp):
    case = Case(name)
    check_status(case, reach_dir)
    out = os.path.join(reach_dir, "out")
    paths = {k: os.path.join(out, k) for k in ("service_profile.csv", "wards.csv")}
    gone = [p for p in paths.values() if not os.path.exists(p)]
    case.check("reach wrote service_profile.csv and wards.csv", [f"{p} not found" for p in gone])
    if gone:
        return case
    t0 = time.perf_counter()
    orc = Oracle(os.path.join(tmp, "study.toml"))
    print(f"     oracle: {len(orc.xy)} origins, {len(orc.codes)} wards, {len(orc.setup.dates)} dates, "
          f"{len(orc.net.stop_xy)} stops, {len(orc.net.pair_o)} origin-stop pairs within "
          f"{max(orc.setup.bus_radius, orc.setup.rail_radius):g} m (feeds read {orc.read_s:.1f}s, measured "
          f"{orc.measure_s:.1f}s, {time.perf_counter() - t0:.1f}s in all)")
    case.self_check("oracle: every origin of the file lies in a ward and every ward holds one (no point-on-surface "
                    "stand-in needed)",
                    ([f"{orc.outside} origin(s) outside every ward"] if orc.outside else [])
                    + [f"{orc.codes[z]} has no origin: its point-on-surface stands in" for z in orc.fallback])
    brute_selfcheck(case, orc)
    check_profile(case, orc, paths["service_profile.csv"])
    check_wards(case, orc, paths["wards.csv"])
    return case


def brute_selfcheck(case, orc):
    """The vectorised per-origin figures against the plain loop on some origins, every date."""
    rng = np.random.default_rng(20240304)
    n = len(orc.xy)
    pick = set(rng.choice(n, size=min(BRUTE_ORIGINS, n), replace=False).tolist())
    busiest = np.argsort(-(orc.days[1]["bus"].sum(axis=1) + orc.days[1]["rail"].sum(axis=1)), kind="stable")
    pick |= set(busiest[:BRUTE_ORIGINS].tolist())
    pick = sorted(pick)
    bad = []
    for date, m, day in zip(orc.setup.dates, orc.days, orc.day_deps):
        for o, b in zip(pick, orc.net.brute(date, orc.setup.span, pick, day)):
            got = {"bus": list(m["bus"][o]), "rail": list(m["rail"][o]), "routes": list(m["routes"][o]),
                   "first": None if np.isnan(m["first"][o]) else int(m["first"][o]),
                   "last": None if np.isnan(m["last"][o]) else int(m["last"][o]), "gap": int(m["gap"][o])}
            for k in got:
                if got[k] != b[k]:
                    bad.append(f"{date} origin {o} {k}: vectorised {got[k]}, loop {b[k]}")
    deps = sum(int(orc.days[1][k][o].sum()) for o in pick for k in ("bus", "rail"))
    case.self_check(f"oracle: per-origin figures (numpy keys) = a plain Python loop on {len(pick)} origins "
                    f"(seeded and busiest), every date", bad, f"{deps} bus + rail trips an origin on "
                    f"{orc.setup.dates[1]} over them")


def check_profile(case, orc, path):
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    header = "zone,date,hour,bus_departures,rail_departures,routes"
    case.check(f"service_profile.csv header is {header}", [] if lines and lines[0] == header else
               [f"header {lines[0] if lines else '(empty file)'!r}"])
    rows = [ln.split(",") for ln in lines[1:]]
    want = orc.profile()
    keys = list(want)
    bad = [f"line {i + 2}: {len(r)} fields" for i, r in enumerate(rows) if len(r) != 6]
    have = [(r[0], r[1], int(r[2]) if r[2].isdigit() else r[2]) for r in rows if len(r) == 6]
    if have != keys:
        extra = [k for k in have if k not in want]
        miss = [k for k in keys if k not in set(have)]
        bad += [f"extra row {k}" for k in extra[:3]] + [f"no row {k}" for k in miss[:3]]
        if not extra and not miss:
            i = next(i for i, (a, b) in enumerate(zip(have, keys)) if a != b)
            bad.append(f"line {i + 2}: {have[i]}, want {keys[i]} (rows out of order)")
    case.check(f"service_profile.csv rows: {len(keys)} = {len(orc.setup.dates)} dates x {len(orc.codes)} wards "
               f"(study order) x 24 hours, in that order", bad)
    got = {(r[0], r[1], int(r[2]) if r[2].isdigit() else r[2]): r[3:] for r in rows if len(r) == 6}
    worst = 0.0
    for key in keys:
        code, date, h = key
        what = f"{code} {date} {h:02d}h"
        if key not in got:
            case.check(what, ["no row"])
            continue
        problems = []
        for col, raw, w in zip(("bus_departures", "rail_departures", "routes"), got[key], want[key]):
            p = close(raw, float(w), MEAN_TOL, 4)
            problems += [f"{col}: {x}" for x in p]
            if not p:
                worst = max(worst, abs(float(raw) - w))
        case.check(f"{what} bus, rail, routes = {','.join(got[key])}", problems)
    print(f"     service_profile.csv: largest |reach - oracle| {worst:.2g} (written to 4 decimals)")


def check_wards(case, orc, path):
    w = pd.read_csv(path, dtype=str, keep_default_na=False)
    codes = list(w.get(orc.code_field, []))
    case.check(f"wards.csv: {len(orc.codes)} wards in study order", [] if codes == orc.codes else
               [f"wards.csv {codes[:5]}..., study {orc.codes[:5]}..."])
    if codes != orc.codes:
        return
    cols = orc.ward_figures()
    gone = [c for c in cols if c not in w.columns]
    case.check(f"wards.csv has the {len(cols)} [service_profile] columns", [f"no column {c}" for c in gone])
    oc = w.get("origins_count")
    case.check("wards.csv origins_count = the oracle's origins per ward (sjoin covered_by; weights 1)",
               ["no column origins_count"] if oc is None else
               [f"{c}: reach {v}, oracle {k}" for c, v, k in zip(orc.codes, oc, orc.count) if num(v) != k])
    order = [c for c in cols if c not in ("evening_share_pct", "sunday_share_pct", "hourly_service_mon_sat")]
    order += [c for c in ("hourly_service_mon_sat", "evening_share_pct", "sunday_share_pct") if c in cols]
    for z, code in enumerate(orc.codes):
        for c in order:
            if c not in w.columns:
                continue
            raw, want = w[c].iloc[z], cols[c][z]
            if c.startswith(("first_departure_", "last_departure_")):
                bad = [] if raw == (want or "") else [f"reach {raw or 'null'!r}, oracle {want or 'null'!r}"]
                detail = ""
            elif c.startswith("hourly_service_"):
                w_txt = "true" if want else "false"
                bad = [] if raw == w_txt else [f"reach {raw or 'null'!r}, oracle {w_txt}"]
                detail = ""
            elif c.startswith("longest_gap_min_"):
                bad = close(raw, want, GAP_TOL, 1)
                detail = f"oracle {want:.4f}"
            elif c.startswith("departures_"):
                bad = close(raw, want, 5e-5, 4)   # the map_hours columns: 4 decimals, as service_profile.csv
                detail = f"oracle {want:.6f}"
            else:
                bad = close(raw, want, SHARE_TOL, 2)
                detail = "null on both sides" if want is None else f"oracle {want:.6f}"
            case.check(f"{code} {c} = {raw or 'null'}", bad, detail)


# ----------------------------------------------------------------------------------------------------------------
# The oracle's self-test


def hand_selftest(name, reach_dir, data, tmp):
    case = Case(name, oracle_only=True)
    feed = Feed(HAND_FEED)
    net = Network([feed], HAND_ORIGINS, BUS_RADIUS, RAIL_RADIUS, positions=[HAND_STOPS])
    m, _ = net.measure(HAND_DATE, (7 * 3600, 22 * 3600))
    for o, (xy, want) in enumerate(zip(HAND_ORIGINS, HAND_EXPECTED)):
        bad = []
        for k in ("bus", "rail", "routes"):
            got = {h: int(v) for h, v in enumerate(m[k][o]) if v}
            if got != want[k]:
                bad.append(f"{k}: oracle {got}, hand-worked {want[k]}")
        for k in ("first", "last"):
            got = None if np.isnan(m[k][o]) else int(m[k][o])
            if got != want[k]:
                bad.append(f"{k}: oracle {got}, hand-worked {want[k]}")
        if int(m["gap"][o]) != want["gap"]:
            bad.append(f"longest gap: oracle {int(m['gap'][o])} s, hand-worked {want['gap']} s")
        case.check(f"hand feed, origin ({xy[0]:g}, {xy[1]:g}) on {HAND_DATE}: bus, rail, routes per hour, first, "
                   f"last, longest gap as {'HourlyServiceTests.swift works them' if o < 3 else 'worked in this file'}", bad,
                   f"bus {want['bus'] or '-'}, rail {want['rail'] or '-'}, routes {want['routes'] or '-'}, "
                   f"gap {want['gap'] // 60} min")
    # Interpolation of blank times on a made-up trip: 08:00, blank, blank, 08:30.
    st = pd.DataFrame({"trip_id": ["x"] * 4 + ["y"] * 4, "stop_id": list("abcd") * 2,
                       "stop_sequence": [1, 2, 3, 4] * 2,
                       "arrival_time": ["08:00:00", None, None, "08:30:00"] * 2,
                       "departure_time": ["08:00:00", None, None, "08:30:00"] * 2,
                       "shape_dist_traveled": [0.0, 1.0, 3.0, 6.0, np.nan, np.nan, np.nan, np.nan]})
    deps, _ = departure_rows(st)
    got = {(r.trip_id, r.stop_id): r.dep for r in deps.itertuples()}
    want = {("x", "a"): 28800, ("x", "b"): 29100, ("x", "c"): 29700,
            ("y", "a"): 28800, ("y", "b"): 29400, ("y", "c"): 30000}
    case.check("interpolation: by shape_dist_traveled (0, 1, 3, 6: 08:05, 08:15), else by position (08:10, "
               "08:20); the last stop time is no departure",
               [] if got == want else [f"oracle {got}, want {want}"])
    return case


# ----------------------------------------------------------------------------------------------------------------


def table(args):
    orc = Oracle(args.study)
    print("zone,date,hour,bus_departures,rail_departures,routes")
    for (code, date, h), (b, r, ro) in orc.profile().items():
        print(f"{code},{date},{h},{b!r},{r!r},{ro!r}")
    return 0


CASES = {HAND_CASE: hand_selftest, CASE: case_newport}


def main():
    return checker_main(__doc__.splitlines()[0], CASES, prepare, table, STUDY)


if __name__ == "__main__":
    sys.exit(main())
