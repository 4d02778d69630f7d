"""Cross-checks `reach departures` (and the GTFS half of `reach coverage --gtfs`) against gtfs-kit.

Driven by tools/crosscheck/run.sh:

  departures.py prepare --tmp DIR
      writes a hand-made GTFS feed (DIR/handmade_gtfs.zip) with one probe per rule of docs/transit.md that the real
      feeds never exercise: calendar_dates additions and removals, a service of the day before running past
      24:00:00, frequencies.txt, non-timepoints (interpolated by shape_dist_traveled and by position),
      pickup_type 1, a trip calling twice at one stop, the window's half-open end.
  departures.py table --gtfs FEED.zip --date YYYY-MM-DD --window HH:MM-HH:MM
      prints the oracle's table (the same columns as reach's CSV) without running reach.
  departures.py hourly --gtfs FEED --date YYYY-MM-DD
      prints the oracle's hourly table of one date (departures and the five classes per stop and hour).
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
- By hour (`--week MONDAY`, `--hourly --date D`): the same departures in [00:00, 24:00) of each date D (D's own
  trips before 24:00, D-1's at 24:00 or later moved 24 h earlier; D's own past 24:00 belong to D+1), hour =
  floor(t / 3600), counted in all and per route class with pandas. Every (stop, date, hour) of reach's table must
  be one the oracle has departures in and the reverse, its departures and five class columns exact. A date with no
  trip of its own service (gtfs_kit.get_trips) and none of D-1's reaching 24:00 must get the stderr note
  'no trip runs on D (weekday)' once and no rows; any other date no note. Each date's hours summed per stop must
  equal reach's one-window table of --date D --window 00:00-24:00 (itself checked against the oracle as above);
  a date with no trip of its own service nor of D-1's is refused by that table (exit 1, 'no trip runs on D';
  README); one with D-1's trips only is counted like any other (they may run past 24:00 into it). Oracle
  self-checks: gtfs-kit's get_trips against calendar.txt + calendar_dates.txt read in pandas, fixtures/gtfs/hand
  against HAND_HOURLY_EXPECT, the hand-made feed's Tuesday hours 7-9 against HANDMADE_EXPECT.
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
        if st is None or st.empty:  # typed: concatenated with a day's frame, an object "last" would make ~ bitwise
            return pd.DataFrame({"trip_id": pd.Series(dtype=object), "stop_id": pd.Series(dtype=object),
                                 "stop_sequence": pd.Series(dtype=int), "t": pd.Series(dtype=float),
                                 "last": pd.Series(dtype=bool), "pickup": pd.Series(dtype=int),
                                 "cls": pd.Series(dtype=object)})
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
        keep = (st["t"] >= start) & (st["t"] < end) & ~st["last"].astype(bool) & (st["pickup"] != 1)
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
        if math.isnan(table.lon[s]) and math.isnan(table.lat[s]):
            # stops.txt gives no coordinates (fixtures/gtfs/hand's N1, location_type 3): reach's cells must be empty
            placed = bool(str(rr.lon[s]).strip() or str(rr.lat[s]).strip())
        else:
            dlon = abs(num(rr.lon[s]) - table.lon[s])
            dlat = abs(num(rr.lat[s]) - table.lat[s])
            worst = max(worst, dlon, dlat)
            placed = not (dlon <= 1e-6 and dlat <= 1e-6)
        if placed:
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


# ----------------------------------------------------------------------------------------------------------------
# By hour: `reach departures --week MONDAY` and `--hourly --date D` (docs/transit.md, "By hour")


CLASSES = ["bus", "rail", "metro", "ferry", "other"]
SHOW_EVIDENCE = 5  # mismatches given the oracle's trips (reachtools.checking prints the first 5 of each check)
HOURLY_COLUMNS = ["feed", "stop_id", "stop_name", "date", "hour", "departures", *CLASSES]
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

# place -> (root, feed path under it, the Monday the week starts). root: "data" (--data), "tmp" (--tmp, written by
# `departures.py prepare`), "fixtures" (bundled in fixtures/). Each Monday lies inside the feed's calendar: Newport
# the week of the existing 2024-03-05 cases, Chester the Monday before its 2023-08-15.
WEEKS = {
    "chester": ("data", "gtfs/chester-20230816-small_gtfs.zip", "2023-08-14"),
    "newport-bus": ("data", "gtfs/newport-20240305-bus_gtfs.zip", "2024-03-04"),
    "newport-rail": ("data", "gtfs/newport-20240305-rail_gtfs.zip", "2024-03-04"),
    "hand": ("fixtures", "gtfs/hand", "2024-03-04"),
    "handmade": ("tmp", "handmade_gtfs.zip", "2024-03-04"),
}


def week_of(monday):
    d = dt.date.fromisoformat(monday)
    return [(d + dt.timedelta(days=k)).isoformat() for k in range(7)]


def day_before(date):
    return (dt.date.fromisoformat(date) - dt.timedelta(days=1)).isoformat()


def hourly_cases():
    """name -> (kind, place, date): for each place a week case (--week), one 00:00-24:00 window case per date of the
    week and an --hourly case on its Tuesday; and --hourly on a Sunday the Newport rail feed does not run."""
    cases = {}
    for place, (_, _, monday) in WEEKS.items():
        days = week_of(monday)
        cases[f"departures-{place}-week"] = ("week", place, monday)
        for d in days:
            cases[f"departures-{place}-24h-{d}"] = ("24h", place, d)
        cases[f"departures-{place}-hourly"] = ("hourly", place, days[1])
    cases["departures-newport-rail-hourly-sunday"] = ("hourly", "newport-rail", "2024-03-10")
    return cases


HOURLY_CASES = hourly_cases()
CASE_DIRS = {}  # name -> reach's folder, for every --case of this run (a 24h case reads its week's table)
_FEEDS = {}


def place_feed(place, data, tmp):
    """The place's Feed, read once per run."""
    root, rel, _ = WEEKS[place]
    path = os.path.join(data, rel) if root == "data" else os.path.join(tmp, rel) if root == "tmp" else \
        fixture(*rel.split("/"))
    if path not in _FEEDS:
        _FEEDS[path] = Feed(path)
    return _FEEDS[path]


# fixtures/gtfs/hand (its README) by hour, worked out by hand for the week from 2024-03-04; (stop, hour) -> count,
# every row of the date (a stop or hour not listed has none). All bus but R1 (t10, route R, route_type 2: rail).
#   Monday 2024-03-04 (WK, HOL, MON run; Sunday ran nothing): S1 t7 x4 (07:00, 07:15, 07:30, 07:45) + t1 07:10 = 5
#     at 7, t4 08:00 at 8 (t8's S1 is pickup_type 1), t2 09:58 at 9; S2 t7 x4 (07:05 ... 07:50) + t1 07:15 = 5 at 7,
#     t8 08:05 at 8 (t4's S2 is its last stop), t2 10:00 at 10; S3 t9 08:00 at 8; R1 t10 07:00 at 7. t6's 31:30 and
#     31:35 are Tuesday's 07:30 and 07:35, not Monday's hours.
#   Tuesday 2024-03-05 (WK, EXTRA; HOL removed; Monday's MON t6 at 31:30 -> 07:30): S1 t7 x4 + t1 + t6 07:30 = 6 at
#     7, t5 08:30 at 8, t2 at 9; S2 t7 x4 + t1 + t6 07:35 = 6 at 7, t5 08:40 (interpolated) + t8 08:05 = 2 at 8, t2
#     10:00 at 10; S3 t9 at 8; R1 t10 at 7.
#   Saturday 2024-03-09 (SAT t3; Friday's WK trips end before 24:00): S1 t3 08:00 at 8 (its S2 is the last stop).
#   Sunday 2024-03-10: nothing runs (no service has Sunday set; Saturday's t3 ends at 08:05): no rows, the note.
_HAND_WEEKDAY = {("S1", 7): 5, ("S1", 8): 1, ("S1", 9): 1, ("S2", 7): 5, ("S2", 8): 1, ("S2", 10): 1,
                 ("S3", 8): 1, ("R1", 7): 1}
HAND_HOURLY_EXPECT = {
    "2024-03-04": _HAND_WEEKDAY,
    "2024-03-05": {("S1", 7): 6, ("S1", 8): 1, ("S1", 9): 1, ("S2", 7): 6, ("S2", 8): 2, ("S2", 10): 1,
                   ("S3", 8): 1, ("R1", 7): 1},
    "2024-03-09": {("S1", 8): 1},
    "2024-03-10": {},
}
HAND_RAIL = {("R1", 7)}


def hourly_table(feed, date):
    """The oracle's hourly table of `date`: the departures of docs/transit.md in [00:00, 24:00) of the date (its own
    trips and the day before's moved 24 h earlier), hour = floor(t / 3600). Returns (table indexed by (stop_id,
    hour) with departures and the five class columns, only hours with a departure; the departures)."""
    dep = feed.departures(date, 0, DAY)
    dep = dep.assign(hour=np.floor(dep["t"].to_numpy(dtype=float) / 3600).astype(int))
    if dep.empty:
        idx = pd.MultiIndex.from_tuples([], names=["stop_id", "hour"])
        return pd.DataFrame({c: pd.Series(dtype=int) for c in ["departures", *CLASSES]}, index=idx), dep
    t = dep.groupby(["stop_id", "hour", "cls"]).size().unstack("cls", fill_value=0)
    for c in CLASSES:
        if c not in t.columns:
            t[c] = 0
    t = t[CLASSES].astype(int)
    t.insert(0, "departures", t.sum(axis=1))
    return t, dep


def service_on(feed, date):
    """(trips of the date's own service by gtfs-kit get_trips, trips of the day before with a stop time at or after
    24:00:00, which run into the date). Neither: no trip runs on the date."""
    own = gk.get_trips(feed.feed, ymd(date))
    prev = feed.stop_times_on(ymd(day_before(date)))
    carried = prev.loc[prev["t"] >= DAY, "trip_id"].nunique()
    return (0 if own is None else len(own)), int(carried)


def calendar_trips(feed, day):
    """The trips running on day (YYYYMMDD) by calendar.txt and calendar_dates.txt, evaluated in pandas: the oracle's
    own check of gtfs-kit's calendar logic."""
    f = feed.feed
    weekday = WEEKDAYS[dt.datetime.strptime(day, "%Y%m%d").weekday()]
    active = set()
    if f.calendar is not None and not f.calendar.empty:
        c = f.calendar
        on = (c[weekday].astype(int) == 1) & (c["start_date"].astype(str) <= day) & (c["end_date"].astype(str) >= day)
        active |= set(c.loc[on, "service_id"])
    if f.calendar_dates is not None and not f.calendar_dates.empty:
        cd = f.calendar_dates[f.calendar_dates["date"].astype(str) == day]
        kind = cd["exception_type"].astype(int)
        active -= set(cd.loc[kind == 2, "service_id"])
        active |= set(cd.loc[kind == 1, "service_id"])
    return set(f.trips.loc[f.trips["service_id"].isin(active), "trip_id"])


def read_hourly_csv(case, reach_dir):
    """reach's by-hour.csv (exit status checked first), counts as ints; None when missing or with other columns."""
    check_status(case, reach_dir)
    path = os.path.join(reach_dir, "by-hour.csv")
    if not os.path.exists(path):
        case.check("reach wrote by-hour.csv", [f"{path} missing"])
        return None
    r = pd.read_csv(path, dtype=str, keep_default_na=False)
    case.check("by-hour.csv columns", [] if list(r.columns) == HOURLY_COLUMNS else
               [f"{list(r.columns)} != {HOURLY_COLUMNS}"])
    if list(r.columns) != HOURLY_COLUMNS:
        return None
    for c in ["hour", "departures", *CLASSES]:
        r[c] = r[c].map(num)
    return r


def check_hourly_rows(case, feed, r, dates):
    """The table's own shape: one feed (the file given), stop names as in stops.txt, integer hours 0-23, dates among
    `dates`, one row per (stop, date, hour), every count a whole number >= 0 with a departure in the row."""
    bad = [f"feed column {f!r} is not {feed.name}" for f in sorted(set(r.feed)) if os.path.basename(f) != feed.name]
    bad += [f"stop {s}: not in stops.txt" for s in sorted(set(r.stop_id) - set(feed.stops.index))][:10]
    names = r.stop_id.map(feed.stops["stop_name"]).astype(str)
    bad += [f"stop {s}: stop_name {n!r}, stops.txt {m!r}"
            for s, n, m in zip(r.stop_id, r.stop_name, names) if n != m and s in feed.stops.index][:10]
    case.check("feed and stop_name as in the feed", bad, f"{len(r)} rows, {r.stop_id.nunique()} stops")
    bad = [f"date {d}: not one of {dates[0]}..{dates[-1]}" for d in sorted(set(r.date) - set(dates))]
    counts = r[["hour", "departures", *CLASSES]].to_numpy(dtype=float)
    whole = np.isfinite(counts).all(axis=1) & (counts == np.round(counts)).all(axis=1) & (counts >= 0).all(axis=1)
    bad += [f"row {i + 2}: {r.iloc[i].to_dict()}: a count or hour that is not a whole number >= 0"
            for i in np.flatnonzero(~whole)][:10]
    bad += [f"row {i + 2}: hour {r.hour.iloc[i]:g} outside 0-23" for i in np.flatnonzero((r.hour < 0) | (r.hour > 23))]
    bad += [f"row {i + 2}: stop {r.stop_id.iloc[i]} {r.date.iloc[i]} hour {r.hour.iloc[i]:g}: 0 departures"
            for i in np.flatnonzero(r.departures == 0)][:10]
    dup = r[r.duplicated(["stop_id", "date", "hour"], keep=False)]
    bad += [f"stop {s} {d} hour {h:g}: {n} rows" for (s, d, h), n in dup.groupby(["stop_id", "date", "hour"]).size().items()]
    case.check("one row per (stop, date, hour); hour 0-23; dates of the table; counts whole, departures > 0", bad,
               f"dates {', '.join(f'{d[5:]} {int((r.date == d).sum())}' for d in dates)}")


def trips_at(dep, stop, hour, limit=4):
    """The oracle's departures at (stop, hour): 'trip@D 07:10:00 bus' (evidence for a mismatch)."""
    x = dep[(dep.stop_id == stop) & (dep.hour == hour)].sort_values("t")
    shown = [f"{i} {int(t) // 3600:02d}:{int(t) % 3600 // 60:02d}:{t % 60:04.1f} {c}"
             for i, t, c in zip(x.instance, x.t, x.cls)][:limit]
    return "; ".join(shown) + (f"; +{len(x) - limit} more" if len(x) > limit else "") if shown else "none"


def compare_hourly_date(case, feed, r, date, stderr):
    """For one date: the no-service note, the (stop, hour) rows, departures and the class columns, exact."""
    table, dep = hourly_table(feed, date)
    own, carried = service_on(feed, date)
    weekday = WEEKDAYS[dt.date.fromisoformat(date).weekday()]
    note = f"no trip runs on {date} ({weekday})"
    notes = [line for line in stderr if note in line]
    none = own == 0 and carried == 0
    detail = (f"{own} trips of its own service, {carried} of {day_before(date)}'s past 24:00; "
              f"{len(notes)} note(s)")
    if none:
        bad = [] if len(notes) == 1 else [f"expected the stderr line '{note}' once, found {len(notes)}"]
    else:
        bad = [f"stderr says {n.strip()!r}, but trips run" for n in notes]
    case.check(f"{date}: stderr note '{note}' {'once' if none else 'absent'}", bad, detail)
    part = r[r.date == date]
    got = part[["stop_id", "hour", "departures", *CLASSES]].drop_duplicates(["stop_id", "hour"])
    got = got.assign(hour=got["hour"].astype(int))
    m = table.reset_index().merge(got, on=["stop_id", "hour"], how="outer", suffixes=("_o", "_r"), indicator=True)
    m = m.sort_values(["stop_id", "hour"], kind="stable").reset_index(drop=True)
    for c in ["departures", *CLASSES]:
        m[f"{c}_o"] = m[f"{c}_o"].fillna(0).astype(int)
        m[f"{c}_r"] = m[f"{c}_r"].fillna(0).astype(float)

    def evidence(rows, text):
        """text(row) for each row; the oracle's trips at the (stop, hour) for the first few (reported) ones."""
        return [text(x) + (f" ({trips_at(dep, x.stop_id, x.hour)})" if i < SHOW_EVIDENCE else "")
                for i, x in enumerate(rows.itertuples(index=False))]

    bad = evidence(m[m["_merge"] == "left_only"],
                   lambda x: f"no row for stop {x.stop_id} hour {x.hour}: oracle {x.departures_o}")
    bad += [f"row stop {x.stop_id} hour {x.hour} ({x.departures_r:g}): the oracle has no departure then"
            for x in m[m["_merge"] == "right_only"].itertuples(index=False)]
    n_r, n_o = int((m["_merge"] != "left_only").sum()), int((m["_merge"] != "right_only").sum())
    case.check(f"{date}: rows = the oracle's (stop, hour) with departures", bad, f"reach {n_r} rows, oracle {n_o}")
    names = feed.stops["stop_name"]
    bad = evidence(m[m["departures_r"] != m["departures_o"]],
                   lambda x: f"stop {x.stop_id} ({names.get(x.stop_id, '?')}) {date} hour {x.hour}: reach "
                             f"{x.departures_r:g}, oracle {x.departures_o}")
    tot_r, tot_o = int(pd.to_numeric(part.departures).sum()), int(pd.to_numeric(table.departures).sum())
    case.check(f"{date}: departures per stop and hour, exact", bad,
               f"totals reach {tot_r}, oracle {tot_o} ({dep.instance.nunique()} trip runs, "
               f"{int(dep.instance.str.endswith('@D-1').sum())} departures of {day_before(date)}'s trips)")
    off = np.zeros(len(m), dtype=bool)
    for c in CLASSES:
        off |= (m[f"{c}_r"] != m[f"{c}_o"]).to_numpy()
    summed = m[[f"{c}_r" for c in CLASSES]].sum(axis=1)
    bad = evidence(m[off], lambda x: f"stop {x.stop_id} {date} hour {x.hour}: reach " +
                   " ".join(f"{c} {getattr(x, c + '_r'):g}" for c in CLASSES) + ", oracle " +
                   " ".join(f"{c} {getattr(x, c + '_o')}" for c in CLASSES))
    bad += [f"stop {x.stop_id} {date} hour {x.hour}: departures {x.departures_r:g} != the sum of the classes"
            for x in m[(m["_merge"] != "left_only") & (summed != m["departures_r"])].itertuples(index=False)]
    by_class = {c: int(table[c].sum()) for c in CLASSES if table[c].sum()}
    case.check(f"{date}: {'/'.join(CLASSES)} per stop and hour, exact (and summing to departures)", bad,
               f"oracle by class {by_class or '{}'}")
    return table, dep


def self_check_calendar(case, feed, dates):
    """gtfs-kit's get_trips (the oracle's calendar) = calendar.txt + calendar_dates.txt read in pandas, each date."""
    bad, counts = [], []
    for d in dates:
        gk_trips = set(gk.get_trips(feed.feed, ymd(d)).trip_id)
        mine = calendar_trips(feed, ymd(d))
        counts.append(f"{d[5:]} {len(gk_trips)}")
        if gk_trips != mine:
            bad.append(f"{d}: get_trips {len(gk_trips)}, pandas {len(mine)}; only gtfs-kit "
                       f"{sorted(gk_trips - mine)[:3]}, only pandas {sorted(mine - gk_trips)[:3]}")
    case.self_check("oracle self-check: gtfs-kit get_trips = calendar.txt + calendar_dates.txt in pandas", bad,
                    "trips " + ", ".join(counts))


def self_check_hand(case, tables):
    """fixtures/gtfs/hand: the oracle's rows = HAND_HOURLY_EXPECT, classes all bus but R1 (rail)."""
    bad = []
    for date, want in HAND_HOURLY_EXPECT.items():
        t = tables[date]
        got = {k: int(v) for k, v in t.departures.items()}
        if got != want:
            bad.append(f"{date}: oracle {sorted(got.items())}, by hand {sorted(want.items())}")
        for k in t.index:
            cls = "rail" if k in HAND_RAIL else "bus"
            if int(t[cls][k]) != int(t.departures[k]):
                bad.append(f"{date} {k}: classes {t.loc[k, CLASSES].to_dict()}, by hand all {cls}")
    case.self_check("oracle self-check: fixtures/gtfs/hand by hour = the counts worked out by hand", bad,
                    "Tue S1 7:6 8:1 9:1, S2 7:6 8:2 10:1; Sat S1 8:1; Sun none")


def self_check_handmade(case, tables):
    """departures.py's hand-made feed: Tuesday's hours 7, 8, 9 summed = HANDMADE_EXPECT (its 07:00-10:00 counts)."""
    t = tables[HANDMADE_DATE]
    got = {s: int(sum(t.departures.get((s, h), 0) for h in (7, 8, 9))) for s in HANDMADE_EXPECT}
    bad = [f"stop {s}: hours 7-9 {got[s]}, 07:00-10:00 by hand {v}" for s, v in HANDMADE_EXPECT.items() if got[s] != v]
    case.self_check("oracle self-check: hand-made feed, Tuesday hours 7+8+9 = the 07:00-10:00 counts by hand", bad,
                    " ".join(f"{s}={v}" for s, v in got.items()))


def case_week(name, reach_dir, data, tmp):
    """--week MONDAY: every date, stop and hour against the oracle; the no-service notes."""
    _, place, monday = HOURLY_CASES[name]
    case = Case(name)
    feed = place_feed(place, data, tmp)
    dates = week_of(monday)
    self_check_calendar(case, feed, [day_before(monday), *dates])
    r = read_hourly_csv(case, reach_dir)
    tables = {d: hourly_table(feed, d)[0] for d in dates}
    if place == "hand":
        self_check_hand(case, tables)
    if place == "handmade":
        self_check_handmade(case, tables)
    print(f"     oracle: {feed.name} week {dates[0]}..{dates[-1]}: " +
          ", ".join(f"{d[5:]} {int(t.departures.sum())}/{len(t)}" for d, t in tables.items()) +
          f" (departures/rows); read in {feed.read_s:.1f}s")
    if r is None:
        return case
    check_hourly_rows(case, feed, r, dates)
    _, stderr = read_status(reach_dir)
    for d in dates:
        compare_hourly_date(case, feed, r, d, stderr)
    return case


def case_hourly(name, reach_dir, data, tmp):
    """--hourly --date D: D against the oracle, and the same rows as the week table's D when the week ran."""
    _, place, date = HOURLY_CASES[name]
    case = Case(name)
    feed = place_feed(place, data, tmp)
    r = read_hourly_csv(case, reach_dir)
    if r is None:
        return case
    check_hourly_rows(case, feed, r, [date])
    _, stderr = read_status(reach_dir)
    compare_hourly_date(case, feed, r, date, stderr)
    week_name = f"departures-{place}-week"
    _, _, monday = WEEKS[place]
    if date in week_of(monday) and week_name in CASE_DIRS:
        path = os.path.join(CASE_DIRS[week_name], "by-hour.csv")
        if not os.path.exists(path):
            case.check(f"rows = {week_name}'s rows of {date}", [f"{path} missing"])
        else:
            w = pd.read_csv(path, dtype=str, keep_default_na=False)
            w = w[w.date == date].drop(columns="feed").reset_index(drop=True)
            mine = r.drop(columns="feed").astype(str)
            a = set(map(tuple, mine.assign(**{c: mine[c].map(lambda v: f"{float(v):g}") for c in HOURLY_COLUMNS[4:]})
                        .to_numpy()))
            b = set(map(tuple, w.assign(**{c: w[c].map(lambda v: f"{float(v):g}") for c in HOURLY_COLUMNS[4:]})
                        .to_numpy()))
            bad = [f"only --hourly: {x}" for x in sorted(a - b)] + [f"only --week: {x}" for x in sorted(b - a)]
            case.check(f"rows = {week_name}'s rows of {date}", bad, f"{len(a)} rows")
    return case


def case_24h(name, reach_dir, data, tmp):
    """--date D --window 00:00-24:00: the one-window table against the oracle, and the week table's hours of D
    summed per stop against it. A date on which neither its own service nor the day before's runs a trip is
    refused by the one-window table (README: 'a date on which no trip runs' is bad input; the message gives the
    feed's dates); with the day before's trips only, it is counted like any other date."""
    _, place, date = HOURLY_CASES[name]
    case = Case(name)
    feed = place_feed(place, data, tmp)
    own, carried = service_on(feed, date)
    before_own, _ = service_on(feed, day_before(date))
    weekday = WEEKDAYS[dt.date.fromisoformat(date).weekday()]
    if own == 0 and before_own == 0:
        status, lines = read_status(reach_dir)
        said = [line for line in lines if f"no trip runs on {date}" in line]
        bad = [] if status == "1" and said else [f"exit status {status}; stderr: {' | '.join(lines[-2:])}"]
        case.check(f"the one-window table refuses {date} ({weekday}: no trip of its own service or of the day before's): exit 1, "
                   f"'no trip runs on {date}'", bad,
                   f"{carried} trips of {day_before(date)} run past 24:00 into it; "
                   f"{said[0].strip() if said else 'no message'}")
        return case
    window = "00:00-24:00"
    r = read_reach_csv(case, reach_dir)
    table, dep = stop_table(feed, date, window)
    print(f"     oracle: {feed.name} {date} {window}: {len(dep)} departures at {int((table.departures > 0).sum())} "
          f"stops ({int(dep.instance.str.endswith('@D-1').sum())} of {day_before(date)}'s trips)")
    if r is None:
        return case
    rc = compare_counts(case, feed, table, r, window, f" ({window})")
    week_name = f"departures-{place}-week"
    path = os.path.join(CASE_DIRS.get(week_name, "?"), "by-hour.csv")
    if week_name not in CASE_DIRS or not os.path.exists(path):
        case.check(f"Σ hours of {week_name} on {date} = this table, per stop", [f"{path} missing"])
        return case
    w = pd.read_csv(path, dtype=str, keep_default_na=False)
    w = w[w.date == date]
    sums = w.assign(n=w.departures.map(num)).groupby("stop_id")["n"].sum()
    ids = sorted(set(sums.index) | set(rc.index))
    bad = [f"stop {s}: Σ hours {sums.get(s, 0):g}, one window {rc.get(s, 0):g}"
           for s in ids if sums.get(s, 0) != rc.get(s, 0)]
    case.check(f"Σ hours of {week_name} on {date} = this table's departures, per stop", bad,
               f"{len(ids)} stops; totals {float(pd.to_numeric(sums).sum()):g} and {float(pd.to_numeric(rc).sum()):g}")
    return case


HOURLY_FUNCS = {"week": case_week, "hourly": case_hourly, "24h": case_24h}


def hourly_cmd(args):
    feed = Feed(args.gtfs)
    table, dep = hourly_table(feed, args.date)
    own, carried = service_on(feed, args.date)
    with pd.option_context("display.max_rows", args.rows, "display.width", 200):
        print(table)
    print(f"{args.date}: {int(table.departures.sum())} departures in {len(table)} (stop, hour) rows; {own} trips of "
          f"its own service, {carried} of the day before past 24:00; by class {dep.groupby('cls').size().to_dict()}")
    return 0


CASE_FUNCS = {"window": case_window, "day": case_day, "handmade": case_handmade, "multi": case_multi}


def case_function(name):
    if name in CASES:
        return CASE_FUNCS[CASES[name][3]]
    return HOURLY_FUNCS[HOURLY_CASES[name][0]] if name in HOURLY_CASES else None


def check(args):
    CASE_DIRS.update({name: folder for name, folder in args.case})
    return run_cases(args, case_function)


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
    h = sub.add_parser("hourly")
    h.add_argument("--gtfs", required=True)
    h.add_argument("--date", required=True)
    h.add_argument("--rows", type=int, default=30)
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c)
    args = ap.parse_args()
    if args.cmd == "prepare":
        print(f"departures.py prepare: {write_handmade(args.tmp)}: hand-made feed, {len(HANDMADE_EXPECT)} probe stops")
        return 0
    return {"table": table_cmd, "hourly": hourly_cmd, "check": check}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
