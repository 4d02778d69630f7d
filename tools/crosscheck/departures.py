"""Cross-checks `reach departures` (and the GTFS half of `reach coverage --gtfs`) against gtfs-kit.

Driven by tools/crosscheck/run.sh:

  departures.py prepare --tmp DIR
      writes a hand-made GTFS feed (DIR/handmade_gtfs.zip) with one probe per rule of docs/transit.md that the real
      feeds never exercise: calendar_dates additions and removals, a service of the day before running past
      24:00:00, frequencies.txt, non-timepoints (interpolated by shape_dist_traveled and by position),
      pickup_type 1, a trip calling twice at one stop, the window's half-open end.
  departures.py table --gtfs FEED.zip --date YYYY-MM-DD --window HH:MM-HH:MM
      prints the oracle's table (the same columns as reach's CSV) without running reach.
  departures.py check --data ../shared/data --tmp DIR --case NAME REACH_DIR [--case ...]
      [--skipped|--failed 'NAME: why' ...]
      recomputes each case and compares with REACH_DIR/stops.csv (and REACH_DIR/status); one line per check, then
      'N passed, M failed'.

The oracle (shares nothing with reach):
- gtfs_kit.read_feed reads the zip; gtfs_kit.expand_frequencies materialises frequencies.txt (one trip per
  start_time + k*headway < end_time, times shifted from the template's first departure);
- gtfs_kit.get_stop_times(feed, D) picks the stop times of the trips whose service runs on D (gtfs-kit's
  calendar.txt + calendar_dates.txt logic); the same call for D-1 gives the trips of the day before, whose times are
  moved 24 h earlier (a 25:30:00 of Monday's service is 01:30 on Tuesday);
- pandas then applies the departure rule of docs/transit.md: departure time (interpolated for non-timepoints) in
  [start, end), not the trip's last stop time (highest stop_sequence), pickup_type != 1.
- gtfs_kit.compute_stop_stats gives a second, coarser figure: num_trips per stop for the whole service day D,
  which counts every stop time of D's trips (last stops and pickup_type 1 included) and none of D-1's. The
  full-day case checks reach's 00:00-48:00 count against num_trips minus those, plus D-1's after-midnight ones.
"""

import argparse
import csv
import datetime as dt
import io
import math
import os
import re
import sys
import time
import warnings
import zipfile

os.environ.setdefault("PROJ_NETWORK", "OFF")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=UserWarning)
import gtfs_kit as gk  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.inputs import fixture  # noqa: E402
from reachtools.runner import check_status, read_status  # noqa: E402

DAY = 86400


def route_class(rt):
    """docs/transit.md: bus = 3, 11, 200-299, 700-799, 800; rail = 2, 100-199; metro = 0, 1, 5, 7, 12, 400-499,
    900-999; ferry = 4, 1000-1299; else other."""
    if pd.isna(rt):
        return "other"
    rt = int(rt)
    if rt in (3, 11, 800) or 200 <= rt <= 299 or 700 <= rt <= 799:
        return "bus"
    if rt == 2 or 100 <= rt <= 199:
        return "rail"
    if rt in (0, 1, 5, 7, 12) or 400 <= rt <= 499 or 900 <= rt <= 999:
        return "metro"
    if rt == 4 or 1000 <= rt <= 1299:
        return "ferry"
    return "other"


def hms(s):
    """'HH:MM:SS' (H may exceed 23 and have one digit) -> seconds, NaN when empty."""
    if s is None or (isinstance(s, float) and math.isnan(s)) or s is pd.NA:
        return math.nan
    s = str(s).strip()
    if not s:
        return math.nan
    h, m, sec = s.split(":")
    return int(h) * 3600 + int(m) * 60 + int(sec)


def parse_window(w):
    """'07:00-10:00' -> (25200, 36000) seconds; hours may exceed 24."""
    a, b = w.split("-")

    def one(x):
        parts = [int(p) for p in x.split(":")]
        parts += [0] * (3 - len(parts))
        return parts[0] * 3600 + parts[1] * 60 + parts[2]

    return one(a), one(b)


def ymd(date):
    """'2024-03-05' -> '20240305' (gtfs-kit's date strings)."""
    return date.replace("-", "")


class Feed:
    """A gtfs-kit feed (frequencies expanded) with per-trip route class and the stop times' seconds."""

    def __init__(self, path):
        t0 = time.perf_counter()
        self.path = path
        self.name = os.path.basename(path)
        feed = gk.read_feed(path, dist_units="km")
        self.n_frequency_rows = 0 if feed.frequencies is None else len(feed.frequencies)
        if self.n_frequency_rows:
            feed = gk.expand_frequencies(feed)
        self.feed = feed
        routes = feed.routes[["route_id", "route_type"]].copy()
        routes["cls"] = routes.route_type.map(route_class)
        self.trip_class = feed.trips[["trip_id", "route_id"]].merge(routes, on="route_id", how="left")
        self.trip_class = self.trip_class.set_index("trip_id")["cls"]
        self.stops = feed.stops.set_index("stop_id")
        self.days = {}  # YYYYMMDD -> stop_times_on(day): the hourly cases ask for each date and the day before
        self.read_s = time.perf_counter() - t0

    def stop_times_on(self, day):
        """gtfs_kit.get_stop_times(feed, day): stop times of the trips running on `day` (YYYYMMDD), with t =
        departure seconds (interpolated where missing), last = the trip's last stop time, cls = route class.
        Kept per day (callers never modify it)."""
        if day not in self.days:
            self.days[day] = self._stop_times_on(day)
        return self.days[day]

    def _stop_times_on(self, day):
        st = gk.get_stop_times(self.feed, day)
        if st is None or st.empty:
            return pd.DataFrame(columns=["trip_id", "stop_id", "stop_sequence", "t", "last", "pickup", "cls"])
        st = st.copy()
        st["stop_sequence"] = st["stop_sequence"].astype(int)
        st = st.sort_values(["trip_id", "stop_sequence"], kind="stable").reset_index(drop=True)
        dep = st["departure_time"].map(hms).astype(float)
        arr = st["arrival_time"].map(hms).astype(float) if "arrival_time" in st else dep * np.nan
        st["t"] = dep.where(dep.notna(), arr)
        if st["t"].isna().any():
            st["t"] = interpolate(st, arr, dep)
        st["last"] = st["stop_sequence"].eq(st.groupby("trip_id")["stop_sequence"].transform("max"))
        st["pickup"] = st["pickup_type"].fillna(0).astype(int) if "pickup_type" in st else 0
        st["cls"] = st["trip_id"].map(self.trip_class).fillna("other")
        return st[["trip_id", "stop_id", "stop_sequence", "t", "last", "pickup", "cls"]]

    def departures(self, date, start, end):
        """Every departure (docs/transit.md) on `date` (YYYY-MM-DD) in [start, end) seconds: DataFrame trip_id,
        instance (trip_id + '@D' or '@D-1'), stop_id, t (seconds on D), cls."""
        d = dt.date.fromisoformat(date)
        prev = (d - dt.timedelta(days=1)).strftime("%Y%m%d")
        frames = []
        for day, shift, tag in ((d.strftime("%Y%m%d"), 0, "@D"), (prev, -DAY, "@D-1")):
            st = self.stop_times_on(day)
            st = st.assign(t=st["t"] + shift, instance=st["trip_id"] + tag)
            frames.append(st)
        st = pd.concat(frames, ignore_index=True)
        keep = (st["t"] >= start) & (st["t"] < end) & ~st["last"] & (st["pickup"] != 1)
        return st.loc[keep, ["trip_id", "instance", "stop_id", "t", "cls"]].reset_index(drop=True)


def interpolate(st, arr, dep):
    """Times of the non-timepoints: linear between the timed stop times before (its departure) and after (its
    arrival), by shape_dist_traveled when the stop and both neighbours have it, else by position in the trip."""
    t = st["t"].to_numpy(dtype=float).copy()
    arr = arr.to_numpy(dtype=float)
    dep = dep.to_numpy(dtype=float)
    dist = st["shape_dist_traveled"].to_numpy(dtype=float) if "shape_dist_traveled" in st else np.full(len(st), np.nan)
    trips = st["trip_id"].to_numpy()
    bounds = np.flatnonzero(np.r_[True, trips[1:] != trips[:-1], True])
    for a, b in zip(bounds[:-1], bounds[1:]):
        idx = np.arange(a, b)
        timed = idx[~np.isnan(t[a:b])]
        for i in idx[np.isnan(t[a:b])]:
            before = timed[timed < i]
            after = timed[timed > i]
            if not len(before) or not len(after):
                continue  # reach calls this an error; the oracle leaves it NaN (never a departure)
            p, n = before[-1], after[0]
            tp = dep[p] if not np.isnan(dep[p]) else arr[p]
            tn = arr[n] if not np.isnan(arr[n]) else dep[n]
            if not (np.isnan(dist[p]) or np.isnan(dist[n]) or np.isnan(dist[i])) and dist[n] != dist[p]:
                f = (dist[i] - dist[p]) / (dist[n] - dist[p])
            else:
                f = (i - p) / (n - p)
            t[i] = tp + f * (tn - tp)
    return t


def stop_table(feed, date, window):
    """The oracle's version of reach's CSV: one row per stop of stops.txt (and any other stop_times names)."""
    start, end = parse_window(window)
    hours = (end - start) / 3600.0
    dep = feed.departures(date, start, end)
    counts = dep.groupby("stop_id").size()
    modes_window = dep.groupby("stop_id")["cls"].agg(lambda s: tuple(sorted(set(s))))
    st_all = feed.feed.stop_times[["trip_id", "stop_id"]].copy()
    st_all["cls"] = st_all["trip_id"].map(feed.trip_class).fillna("other")
    modes_feed = st_all.groupby("stop_id")["cls"].agg(lambda s: tuple(sorted(set(s))))
    day = feed.stop_times_on(ymd(date))
    modes_day = day.groupby("stop_id")["cls"].agg(lambda s: tuple(sorted(set(s))))
    ids = sorted(set(st_all["stop_id"]) | set(feed.stops.index))
    t = pd.DataFrame({"stop_id": ids})
    t["stop_name"] = t.stop_id.map(feed.stops["stop_name"])
    t["lon"] = t.stop_id.map(feed.stops["stop_lon"]).astype(float)
    t["lat"] = t.stop_id.map(feed.stops["stop_lat"]).astype(float)
    t["departures"] = t.stop_id.map(counts).fillna(0).astype(int)
    t["departures_per_hour"] = t["departures"] / hours
    t["modes_window"] = [modes_window.get(x, ()) for x in t.stop_id]
    t["modes_day"] = [modes_day.get(x, ()) for x in t.stop_id]
    t["modes_feed"] = [modes_feed.get(x, ()) for x in t.stop_id]
    return t.set_index("stop_id"), dep


# ----------------------------------------------------------------------------------------------------------------
# The hand-made feed


HANDMADE_DATE = "2024-03-05"  # a Tuesday
def handmade_rows():
    """The hand-made feed's files (name -> rows). Stops A-E lie 300 m apart on a line in Chester."""
    stops = [["stop_id", "stop_name", "stop_lat", "stop_lon"]]
    for k, sid in enumerate("ABCDEFG"):
        stops.append([sid, f"Probe {sid}", f"{53.19 + 0.0027 * k:.6f}", "-2.89"])
    routes = [["route_id", "agency_id", "route_short_name", "route_type"],
              ["R_bus", "AG", "1", "3"], ["R_coach", "AG", "X", "200"], ["R_rail", "AG", "R", "2"],
              ["R_tram", "AG", "M", "0"], ["R_ferry", "AG", "F", "1200"], ["R_other", "AG", "O", "1700"]]
    agency = [["agency_id", "agency_name", "agency_url", "agency_timezone"],
              ["AG", "Probe", "https://example.org", "Europe/London"]]
    cal = [["service_id", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "start_date", "end_date"],
           ["WEEK", "1", "1", "1", "1", "1", "0", "0", "20240101", "20241231"],
           ["MON", "1", "0", "0", "0", "0", "0", "0", "20240101", "20241231"],
           ["REMOVED", "1", "1", "1", "1", "1", "0", "0", "20240101", "20241231"],
           ["ADDED", "0", "0", "0", "0", "0", "1", "1", "20240101", "20241231"],
           ["ENDED", "1", "1", "1", "1", "1", "0", "0", "20240101", "20240304"],
           ["NEVER", "0", "0", "0", "0", "0", "0", "0", "20240101", "20241231"]]
    cal_dates = [["service_id", "date", "exception_type"],
                 ["REMOVED", "20240305", "2"], ["ADDED", "20240305", "1"], ["NEVER", "20240306", "1"]]
    trips = [["route_id", "service_id", "trip_id", "shape_id"],
             ["R_bus", "WEEK", "T_week", ""],          # A 07:00, B 07:05, C 07:10 (last)
             ["R_bus", "REMOVED", "T_removed", ""],    # removed on D: nothing
             ["R_bus", "ADDED", "T_added", ""],        # added on D: A 08:00, B 08:05 (pickup 1), C (last)
             ["R_bus", "ENDED", "T_ended", ""],        # calendar ended the day before: nothing
             ["R_coach", "MON", "T_mon_late", ""],     # Monday's trip: D 25:30 -> 01:30, 31:00 -> 07:00 on D
             ["R_rail", "WEEK", "T_freq", ""],         # frequencies 07:00-10:00 every 30 min
             ["R_tram", "WEEK", "T_interp", ""],       # non-timepoints interpolated
             ["R_ferry", "WEEK", "T_interp_pos", ""],  # non-timepoints, by position
             ["R_other", "WEEK", "T_twice", ""],       # calls at D twice (a loop), window edges
             ["R_bus", "NEVER", "T_never", ""]]        # never runs on D
    st = [["trip_id", "arrival_time", "departure_time", "stop_id", "stop_sequence", "pickup_type",
           "drop_off_type", "shape_dist_traveled"]]

    def add(trip, rows):
        for seq, (stop, a, d, pick, dist) in enumerate(rows, start=1):
            st.append([trip, a, d, stop, str(seq * 10), pick, "0", dist])

    add("T_week", [("A", "07:00:00", "07:00:00", "0", ""), ("B", "07:05:00", "07:05:00", "", ""),
                   ("C", "07:10:00", "07:10:00", "0", "")])
    add("T_removed", [("A", "07:30:00", "07:30:00", "0", ""), ("B", "07:35:00", "07:35:00", "0", "")])
    add("T_added", [("A", "08:00:00", "08:00:00", "0", ""), ("B", "08:05:00", "08:05:00", "1", ""),
                    ("C", "08:10:00", "08:10:00", "0", "")])
    add("T_ended", [("A", "08:30:00", "08:30:00", "0", ""), ("B", "08:35:00", "08:35:00", "0", "")])
    add("T_mon_late", [("D", "25:30:00", "25:30:00", "0", ""), ("E", "30:59:59", "31:00:00", "0", ""),
                       ("F", "31:10:00", "31:10:00", "0", ""), ("G", "34:00:00", "34:00:00", "0", "")])
    add("T_freq", [("A", "06:00:00", "06:00:00", "0", ""), ("B", "06:04:00", "06:04:00", "0", ""),
                   ("C", "06:08:00", "06:08:00", "0", "")])
    add("T_interp", [("D", "09:00:00", "09:00:00", "0", "0"), ("E", "", "", "0", "900"),
                     ("F", "", "", "0", "1000"), ("G", "09:10:00", "09:10:00", "0", "1000.5")])
    add("T_interp_pos", [("D", "09:58:00", "09:58:00", "0", ""), ("E", "", "", "0", ""),
                         ("F", "", "", "0", ""), ("G", "10:01:30", "10:01:30", "0", "")])
    add("T_twice", [("D", "06:59:59", "06:59:59", "0", ""), ("E", "07:00:00", "07:00:00", "0", ""),
                    ("D", "09:59:59", "09:59:59", "0", ""), ("E", "10:00:00", "10:00:00", "0", ""),
                    ("F", "10:05:00", "10:05:00", "0", "")])
    add("T_never", [("A", "07:20:00", "07:20:00", "0", ""), ("B", "07:25:00", "07:25:00", "0", "")])
    freqs = [["trip_id", "start_time", "end_time", "headway_secs", "exact_times"],
             ["T_freq", "07:00:00", "10:00:00", "1800", "1"]]
    return {"agency.txt": agency, "stops.txt": stops, "routes.txt": routes, "calendar.txt": cal,
            "calendar_dates.txt": cal_dates, "trips.txt": trips, "stop_times.txt": st, "frequencies.txt": freqs}


# Worked out by hand from handmade_rows() for 2024-03-05 (Tuesday) 07:00-10:00; the oracle must agree with it, and
# reach with both. Runs on D: WEEK, ADDED (calendar_dates adds D); not REMOVED (removed on D), ENDED (end_date the day
# before), MON, NEVER. Runs on D-1 (Monday): WEEK, MON, REMOVED, ENDED, whose times move 24 h earlier.
#   A: T_week 07:00, T_added 08:00, T_freq x6 (starts 07:00 ... 09:30; 10:00 is not < end_time) = 8
#   B: T_week 07:05 (empty pickup_type = 0), T_freq x6 (07:04 ... 09:34); T_added's B is pickup_type 1 = 7
#   C: last stop of every trip calling there = 0
#   D: T_twice 09:59:59 (its 06:59:59 is before the window), T_interp 09:00, T_interp_pos 09:58; T_mon_late's
#      25:30:00 of Monday is 01:30 = 3
#   E: T_mon_late 07:00 (departure 31:00:00 of Monday; arrival 30:59:59), T_twice 07:00:00 (its 10:00:00 is the
#      window's excluded end), T_interp 09:08:59.7 (by distance: 900 of 1000.5 over 600 s), T_interp_pos 09:59:10
#      (by position: 1/3 of 09:58:00-10:01:30) = 4
#   F: T_mon_late 07:10, T_interp 09:09:59.7; T_interp_pos 10:00:20 is after the window, T_twice's F is its last = 2
#   G: last stop of every trip = 0
HANDMADE_EXPECT = {"A": 8, "B": 7, "C": 0, "D": 3, "E": 4, "F": 2, "G": 0}


def write_handmade(tmp):
    os.makedirs(tmp, exist_ok=True)
    path = os.path.join(tmp, "handmade_gtfs.zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, rows in handmade_rows().items():
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerows(rows)
            z.writestr(name, buf.getvalue())
    return path


# ----------------------------------------------------------------------------------------------------------------
# Checking


CASES = {  # name -> (feed path relative to --data or --tmp, date, window, kind)
    "departures-chester": ("gtfs/chester-20230816-small_gtfs.zip", "2023-08-15", "07:00-10:00", "window"),
    "departures-newport-bus": ("gtfs/newport-20240305-bus_gtfs.zip", "2024-03-05", "07:00-10:00", "window"),
    "departures-newport-rail": ("gtfs/newport-20240305-rail_gtfs.zip", "2024-03-05", "07:00-10:00", "window"),
    "departures-chester-day": ("gtfs/chester-20230816-small_gtfs.zip", "2023-08-15", "00:00-48:00", "day"),
    "departures-newport-bus-day": ("gtfs/newport-20240305-bus_gtfs.zip", "2024-03-05", "00:00-48:00", "day"),
    "departures-newport-rail-day": ("gtfs/newport-20240305-rail_gtfs.zip", "2024-03-05", "00:00-48:00", "day"),
    "departures-handmade": ("handmade_gtfs.zip", HANDMADE_DATE, "07:00-10:00", "handmade"),
    # No --date: the Tuesday of the feed's first Monday-Sunday week (gtfs-kit get_first_week()[1]): 2023-08-01.
    "departures-chester-default-date": ("gtfs/chester-20230816-small_gtfs.zip", None, "07:00-10:00", "window"),
    # Two feeds in one run: rows per (feed, stop_id), stop ids of different feeds never merge.
    "departures-newport-bus-rail": (("gtfs/newport-20240305-bus_gtfs.zip", "gtfs/newport-20240305-rail_gtfs.zip"),
                                    "2024-03-05", "07:00-10:00", "multi"),
}


def num(v):
    s = str(v).strip()
    return float(s) if s else math.nan


def split_modes(s):
    return tuple(sorted(m for m in re.split(r"[;,| ]+", str(s).strip()) if m))


def read_reach_csv(case, reach_dir):
    check_status(case, reach_dir)
    path = os.path.join(reach_dir, "stops.csv")
    if not os.path.exists(path):
        case.check("reach wrote stops.csv", [f"{path} missing"])
        return None
    r = pd.read_csv(path, dtype=str, keep_default_na=False)
    want = ["feed", "stop_id", "stop_name", "lon", "lat", "modes", "departures", "departures_per_hour"]
    case.check("stops.csv columns", [] if list(r.columns) == want else [f"{list(r.columns)} != {want}"])
    if any(c not in r.columns for c in want):
        return None
    return r


def compare_counts(case, feed, table, r, window, what=""):
    """Per stop: departures (exact), departures_per_hour, lon/lat/name, modes; returns {stop: reach count}."""
    start, end = parse_window(window)
    hours = (end - start) / 3600.0
    dup = r.stop_id[r.stop_id.duplicated()].tolist()
    feeds = sorted(set(r.feed))
    case.check("one row per stop id, one feed", [f"duplicate stop ids {dup[:5]}"] if dup else [] +
               ([f"feed column values {feeds}"] if len(feeds) != 1 else []),
               f"{len(r)} rows, feed {feeds[0] if feeds else '-'}")
    rr = r.drop_duplicates("stop_id").set_index("stop_id")
    rc = rr["departures"].map(num)
    ids = sorted(set(table.index) | set(rr.index))
    bad = []
    unknown = [s for s in rr.index if s not in table.index]
    for s in ids:
        o = int(table.departures.get(s, 0))
        g = rc.get(s, 0.0)
        if g != o:
            bad.append(f"stop {s} ({table.stop_name.get(s, rr.stop_name.get(s, '?'))}): reach {g:g}, oracle {o}")
    tot_r, tot_o = int(rc.sum()), int(table.departures.sum())
    case.check(f"departures per stop, exact{what}", bad,
               f"{len(ids)} stops, {int((table.departures > 0).sum())} with departures; totals reach {tot_r}, "
               f"oracle {tot_o}")
    rows_with = set(rr.index[rc > 0])
    zero_rows = int((rc == 0).sum())
    case.check("rows: no stop id unknown to the feed",
               [f"stop {s} not in stops.txt or stop_times.txt" for s in unknown][:20],
               f"{len(rows_with)} rows with departures, {zero_rows} rows with 0")
    bad = []
    for s in rr.index:
        v, c = num(rr.departures_per_hour[s]), num(rr.departures[s])
        if not abs(v - c / hours) <= 0.005 + 1e-9:
            bad.append(f"stop {s}: departures_per_hour {rr.departures_per_hour[s]} != {c:g} / {hours:g}")
    case.check(f"departures_per_hour = departures / {hours:g} h (to 0.005)", bad)
    bad = []
    worst = 0.0
    for s in rr.index:
        if s not in table.index:
            continue
        dlon = abs(num(rr.lon[s]) - table.lon[s])
        dlat = abs(num(rr.lat[s]) - table.lat[s])
        worst = max(worst, dlon, dlat)
        if not (dlon <= 1e-6 and dlat <= 1e-6):
            bad.append(f"stop {s}: reach ({rr.lon[s]}, {rr.lat[s]}), stops.txt ({table.lon[s]}, {table.lat[s]})")
        if str(rr.stop_name[s]) != str(table.stop_name[s]):
            bad.append(f"stop {s}: name {rr.stop_name[s]!r}, stops.txt {table.stop_name[s]!r}")
    case.check("lon, lat (1e-6 deg) and stop_name as in stops.txt", bad, f"max |diff| {worst:.2g} deg")
    # modes: the contract says "the route classes calling there"; accept the route classes of the counted
    # departures, of the stop times on the date, or of the whole feed, whichever matches every row.
    got = {s: split_modes(rr.modes[s]) for s in rr.index if s in table.index}
    verdicts = {}
    for label, col in (("whole feed", "modes_feed"), ("service date", "modes_day"), ("window", "modes_window")):
        miss = [f"stop {s}: reach {'/'.join(g) or '(empty)'}, {label} {'/'.join(table[col][s] or ()) or '(empty)'}"
                for s, g in got.items() if g != tuple(table[col][s] or ())]
        verdicts[label] = miss
    best = min(verdicts, key=lambda k: len(verdicts[k]))
    case.check("modes = the route classes calling there", verdicts[best],
               f"matches the classes of the {best}; mismatches: " +
               ", ".join(f"{k} {len(v)}" for k, v in verdicts.items()))
    return rc


def case_window(name, reach_dir, data, tmp):
    path, date, window, _ = CASES[name]
    case = Case(name)
    r = read_reach_csv(case, reach_dir)
    feed = Feed(os.path.join(data, path))
    if date is None:
        week = gk.get_first_week(feed.feed)
        date = f"{week[1][:4]}-{week[1][4:6]}-{week[1][6:]}"
        print(f"     oracle: no --date: gtfs-kit get_first_week {week[0]}..{week[-1]}, Tuesday {date}")
    table, dep = stop_table(feed, date, window)
    print(f"     oracle: {feed.name} {date} {window}: {len(dep)} departures at {int((table.departures > 0).sum())} "
          f"stops, {dep.instance.nunique()} trip instances ({int(dep.instance.str.endswith('@D-1').sum())} "
          f"departures of the day before's trips); read in {feed.read_s:.1f}s")
    if r is not None:
        compare_counts(case, feed, table, r, window)
    return case


def case_day(name, reach_dir, data, tmp):
    """00:00-48:00: reach against the oracle, and both against gtfs-kit's compute_stop_stats num_trips."""
    path, date, window, _ = CASES[name]
    case = Case(name)
    r = read_reach_csv(case, reach_dir)
    feed = Feed(os.path.join(data, path))
    table, dep = stop_table(feed, date, window)
    stats = gk.compute_stop_stats(feed.feed, [ymd(date)])
    num_trips = stats.set_index("stop_id")["num_trips"].astype(int)
    # num_trips counts every stop time of the trips of service day D at the stop. reach counts departures in
    # [00:00, 48:00) of D: it leaves out each trip's last stop time and pickup_type 1 stop times, and adds the
    # stop times of D-1's trips at 24:00:00 or later (shifted to 00:00-24:00 of D). So, per stop:
    #   reach = num_trips - last(D) - nopickup_not_last(D) + departures of D-1's trips in [24:00, 72:00).
    day = feed.stop_times_on(ymd(date))
    last = day[day["last"]].groupby("stop_id").size()
    nopick = day[~day["last"] & (day["pickup"] == 1)].groupby("stop_id").size()
    prev = dep[dep.instance.str.endswith("@D-1")].groupby("stop_id").size()
    ids = sorted(set(num_trips.index) | set(table.index))
    expect = {s: int(num_trips.get(s, 0) - last.get(s, 0) - nopick.get(s, 0) + prev.get(s, 0)) for s in ids}
    bad = [f"stop {s}: num_trips {num_trips.get(s, 0)} - last {last.get(s, 0)} - pickup_type 1 "
           f"{nopick.get(s, 0)} + day-before {prev.get(s, 0)} = {expect[s]}, oracle {int(table.departures.get(s, 0))}"
           for s in ids if expect[s] != int(table.departures.get(s, 0))]
    case.self_check("oracle self-check: departures = compute_stop_stats num_trips - last - pickup_type 1 + day-before",
               bad, f"num_trips total {int(num_trips.sum())}, last {int(last.sum())}, pickup_type 1 "
                    f"{int(nopick.sum())}, day-before {int(prev.sum())}; departures {int(table.departures.sum())}")
    print(f"     oracle: {feed.name} {date} {window}: compute_stop_stats num_trips {int(num_trips.sum())} at "
          f"{len(num_trips)} stops; departures {len(dep)}")
    if r is not None:
        rc = compare_counts(case, feed, table, r, window, " (00:00-48:00)")
        bad = [f"stop {s}: reach {rc.get(s, 0):g}, num_trips {num_trips.get(s, 0)} adjusted {expect[s]}"
               for s in ids if rc.get(s, 0) != expect[s]]
        case.check("reach = compute_stop_stats num_trips - last - pickup_type 1 + day-before", bad,
                   f"{len(ids)} stops")
    return case


def case_handmade(name, reach_dir, data, tmp):
    path, date, window, _ = CASES[name]
    case = Case(name)
    r = read_reach_csv(case, reach_dir)
    feed = Feed(os.path.join(tmp, path))
    table, dep = stop_table(feed, date, window)
    got = {s: int(table.departures.get(s, 0)) for s in HANDMADE_EXPECT}
    bad = [f"stop {s}: oracle {got[s]}, by hand {v}" for s, v in HANDMADE_EXPECT.items() if got[s] != v]
    case.self_check("oracle self-check: gtfs-kit oracle = the counts worked out by hand", bad,
               " ".join(f"{s}={v}" for s, v in got.items()))
    if r is not None:
        compare_counts(case, feed, table, r, window)
    return case


def case_multi(name, reach_dir, data, tmp):
    paths, date, window, _ = CASES[name]
    case = Case(name)
    r = read_reach_csv(case, reach_dir)
    if r is None:
        return case
    names = {os.path.basename(p): p for p in paths}
    got = sorted(set(r.feed))
    bad = [f"feed {f!r} names none of {sorted(names)}" for f in got if os.path.basename(f) not in names]
    bad += [f"no rows for {n}" for n in names if n not in {os.path.basename(f) for f in got}]
    case.check("feed column names each feed given", bad, f"{len(r)} rows: " + ", ".join(
        f"{os.path.basename(f)} {int((r.feed == f).sum())}" for f in got))
    for base, path in names.items():
        feed = Feed(os.path.join(data, path))
        table, dep = stop_table(feed, date, window)
        part = r[r.feed.map(os.path.basename) == base].reset_index(drop=True)
        print(f"     oracle: {base}: {len(dep)} departures at {int((table.departures > 0).sum())} stops")
        compare_counts(case, feed, table, part, window, f" ({base})")
    return case


CASE_FUNCS = {"window": case_window, "day": case_day, "handmade": case_handmade, "multi": case_multi}


def check(args):
    return run_cases(args, lambda name: CASE_FUNCS[CASES[name][3]] if name in CASES else None)


def table_cmd(args):
    feed = Feed(args.gtfs)
    table, dep = stop_table(feed, args.date, args.window)
    out = table[table.departures > 0] if not args.all else table
    with pd.option_context("display.max_rows", args.rows, "display.width", 200):
        print(out[["stop_name", "lon", "lat", "modes_feed", "departures", "departures_per_hour"]])
    print(f"{len(dep)} departures at {int((table.departures > 0).sum())} stops; {dep.instance.nunique()} trip "
          f"instances; by class {dep.groupby('cls').size().to_dict()}")
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--tmp", required=True)
    t = sub.add_parser("table")
    t.add_argument("--gtfs", required=True)
    t.add_argument("--date", required=True)
    t.add_argument("--window", default="07:00-10:00")
    t.add_argument("--all", action="store_true", help="also stops with no departure")
    t.add_argument("--rows", type=int, default=30)
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c)
    args = ap.parse_args()
    if args.cmd == "prepare":
        print(f"departures.py prepare: {write_handmade(args.tmp)}: hand-made feed, {len(HANDMADE_EXPECT)} probe stops")
        return 0
    return table_cmd(args) if args.cmd == "table" else check(args)


if __name__ == "__main__":
    sys.exit(main())
