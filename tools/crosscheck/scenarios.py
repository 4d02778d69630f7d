"""Cross-checks reach's scenarios (docs/scenarios.md) against its own pandas feed edits and the existing oracles.

Driven by tools/crosscheck/run.sh (`CROSSCHECK_ONLY=scenarios` runs only this checker):

  scenarios.py prepare --data ../shared/data --tmp DIR
      writes what the one `reach run` reads: raptor.py's seeded Newport origins and OSM services (raptor.py prepare
      into DIR), DIR/scen_origins.csv (the same points with a seeded whole-number `weight` 1-9, so that every
      weighted figure and the gain/loss weights differ from counts), DIR/scen_services.csv (gp, supermarket,
      pharmacy as raptor.py, plus `hospital` = amenity=hospital of the extract: three places, far enough for public
      transport to matter at 15-60 minutes), and DIR/study.toml (the study below, output DIR/scenarios-newport/out:
      the case folder is emptied by the runner before reach runs, so the study cannot live in it).
  scenarios.py check --data ../shared/data --tmp DIR --case scenarios-newport REACH_DIR [--skipped|--failed ...]
      applies every scenario to the original GTFS tables with pandas (REACH_DIR/oracle/<scenario>/<feed>/, never
      from reach's zips), runs the oracles on the baseline and on each edited feed set, and compares
      REACH_DIR/out/wards.csv, schema.json and the scenario_*.zip reach wrote; one line per check, then
      'N passed, M failed'.

The study (Newport wards of December 2023, bus + rail feeds of 2024-03-05, 07:00-10:00, [coverage] gtfs and
[public_transport] with max walk 15, transfer walk 5, max trip 120, minutes 15/30/45/60) has four scenarios:
  cut_151    remove_routes = ["151"] (route 9214 of Newport's bus feed: the most stop times inside Newport);
  half_27    [[scenario.frequency]] route "27-6135" (route_id 6135, Newport Bus), 06:00-12:00, factor 0.5: each
             pattern's h = 6 h / n / 0.5 is a whole number of seconds for every pattern of the route (80 and 240 min);
  new_cross  [[scenario.add_route]] "x1" over six existing bus stops from Rogerstone East through the Gaer, the Royal
             Gwent Hospital, Friars Walk and Maindee to Beechwood, hop_min 5,4,4,4,4, dwell 20 s, every 10 min
             06:00-20:00 Monday-Friday, both directions;
  feed_2023  feed = the 2023-06-13 Newport "station" feed, date = 2023-06-13. The data README calls it the Newport
             station subset: it is a BODS *bus* feed (route_type 3 and 200), cut by gtfs-kit to the trips that touch
             a small box round Newport railway station on 2023-06-13, so this is "the June 2023 feed of the station
             area on its own day against the whole bus + rail network of March 2024", the only `feed` pair the
             data has (there is no second rail feed; the two calendars share no date on which the 2024 bus feed
             runs whole, so `date` has to move with the feed).

The pandas edits (docs/scenarios.md "What a scenario can change", in its order; shares no code with reach):
- remove_routes: the routes whose route_id or route_short_name is given, their trips and those trips' stop times,
  in every feed that has them;
- frequency: the route's trips whose first departure t (departure_time of the lowest stop_sequence) has
  from <= t < to, grouped into patterns (service_id, direction_id or '' when trips.txt has none, the stop_id
  sequence); each pattern's trips there are removed and its first trip there copied (every stop-time column kept,
  times shifted) to depart at t0 + k*h while t0 + k*h < to, h = (to - from) / n / factor (or headway_min); an h that
  is not a whole number of seconds is refused by the oracle (the study avoids it: the docs do not say how it rounds);
- add_route: route {scenario}_{name} (route_type 3 for bus), agency = the feed's first agency, in the feed of its
  first stop; service {scenario}_{name} on the given weekdays from the earliest start_date to the latest end_date
  of the feed's calendar.txt (calendar_dates.txt dates widen it); trips {scenario}_{name}_out_{k} leave the first
  stop at start + k*headway while before end, arrive at each next stop hop seconds after leaving the previous one
  and dwell dwell_s at intermediate calls; _back_{k} run the same departures from the last stop, stops and hops
  reversed;
- feed/date: the named feeds replace the study's, and the date every step's.

The oracles on each feed set (baseline, then each scenario's edited feeds and date):
- coverage (tools/crosscheck/coverage.py, geopandas + departures.py's gtfs-kit departures): stop kinds from the
  route classes of the feed's stop times, bus_stop_count/area/pop, rail_station_count/distance/bands,
  {bus,rail}_departures_per_hour and *_frequent_pop_pct, on the study's origins (the weighted points in a ward,
  then each empty ward's point on surface with weight 1, as reach places them); a class with no departure at all
  gives 0 per origin (docs/transit.md: a count over the window);
- public transport (tools/crosscheck/raptor.py's NewportOracle, the time-expanded brute force, every origin at
  all 180 minutes): per-origin p25/p50/p75, and from them the ward means, within-t shares, unreachable counts,
  pt_origins_unserved and the typical-origin service counts, exactly as the pt checker computes them;
- change = scenario - baseline of the unrounded oracle figures (reach rounds the difference as it rounds the
  column); gain/loss = the weight of the zone's origins whose oracle median is within t in one and not the other
  (an origin with no time is not within).
Tolerances are the baseline checkers': coverage.py's (counts exact; percentages and rates to 1e-6 after rounding
the oracle as reach writes them, 4 and 3 decimals; distances 0.5 m), raptor.py's (minutes exact, ward means and
shares within 0.0051 of the oracle rounded to 2 decimals), weights 1e-9.

The written feeds: gtfs-kit 13 (the pinned version) has no validate() any more (its README: "no inbuilt
validation"), so each scenario_*.zip is read with gtfs_kit.read_feed and checked by validate_gtfs() below, the
rule set of gtfs-kit's former validators (required files and columns, unique and non-blank ids, every reference
resolved, time/date/route_type/coordinate formats, stop times in order with a first and last time, at least two
per trip) as rows of type error, and unused stops/routes/services as warnings; the original feeds are validated
the same way first (an oracle self-check). Each zip must also keep every file and column of the original, and hold
the same timetable (route, service dates, calls and times of every trip, ids aside) as the oracle's pandas edit.
"""

import argparse
import collections
import datetime as dt
import io
import json
import math
import os
import re
import shutil
import sys
import time
import warnings
import zipfile
from types import SimpleNamespace

os.environ.setdefault("PROJ_NETWORK", "OFF")
warnings.filterwarnings("ignore", category=FutureWarning)
warnings.filterwarnings("ignore", category=UserWarning)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))  # tools/: reachtools
import coverage  # noqa: E402
import raptor  # noqa: E402
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.runner import check_status  # noqa: E402

CASE = "scenarios-newport"
DATE = "2024-03-05"
WINDOW = "07:00-10:00"
MINUTES = raptor.MINUTES  # (15, 30, 45, 60)
BUS = "gtfs/newport-20240305-bus_gtfs.zip"
RAIL = "gtfs/newport-20240305-rail_gtfs.zip"
STATION = "gtfs/newport-20230613-station_gtfs.zip"
WARDS = raptor.NEWPORT["wards"]
PBF = raptor.NEWPORT["pbf"]
WEIGHT_SEED = 21  # the origins' weights: numpy default_rng(21).integers(1, 10)
HOSPITAL = ("hospital", "amenity", "hospital")
NEW_ROUTE_STOPS = [  # west to east across Newport (existing stops of the bus feed)
    "5310AWB30347",  # Golden Mile View (Rogerstone East)
    "5310AWB30503",  # McDonald's (Gaer)
    "5310AWB30508",  # Royal Gwent Hospital (Pillgwenlly)
    "5310AWB32209",  # Friars Walk 9 (Stow Hill)
    "5310AWB35097",  # Maindee Library (Victoria)
    "5310AWB35142",  # Beechwood Park (Alway)
]
# The scenarios, as the study file gives them (the oracle reads these dicts, reach the TOML written from them).
SCENARIOS = [
    {"name": "cut_151", "remove_routes": ["151"]},
    {"name": "half_27", "frequency": [{"route": "27-6135", "from": "06:00", "to": "12:00", "factor": 0.5}]},
    {"name": "new_cross", "add_route": [{
        "name": "x1", "mode": "bus", "stops": NEW_ROUTE_STOPS, "hop_min": [5, 4, 4, 4, 4], "dwell_s": 20,
        "headway_min": 10, "start": "06:00", "end": "20:00", "days": ["mon", "tue", "wed", "thu", "fri"],
        "both_directions": True}]},
    {"name": "feed_2023", "feed": [STATION], "date": "2023-06-13"},
]
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAY_COLS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
MODE_ROUTE_TYPE = {"bus": 3, "coach": 200, "tram": 0, "metro": 1, "rail": 2, "ferry": 4}


def hms(s):
    """'H:MM:SS' -> seconds; None when empty."""
    s = str(s).strip()
    if not s:
        return None
    h, m, x = s.split(":")
    return int(h) * 3600 + int(m) * 60 + int(x)


def clock(t):
    t = int(t)
    return f"{t // 3600:02d}:{t // 60 % 60:02d}:{t % 60:02d}"


def minutes_of(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 3600 + int(m) * 60


def absolute(data, p):
    return os.path.abspath(os.path.join(data, p))


# ----------------------------------------------------------------------------------------------------------------
# GTFS tables with pandas (all columns as strings, files and column order kept)


def read_tables(path, skip=()):
    """{file name: DataFrame of strings} of a GTFS zip (every .txt, in the zip's order)."""
    out = {}
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            base = os.path.basename(n)
            if not base.endswith(".txt") or base in skip:
                continue
            with z.open(n) as fh:
                out[base] = pd.read_csv(io.TextIOWrapper(fh, encoding="utf-8-sig"), dtype=str, keep_default_na=False)
    return out


def write_folder(tables, folder):
    if os.path.isdir(folder):
        shutil.rmtree(folder)
    os.makedirs(folder)
    for name, df in tables.items():
        df.to_csv(os.path.join(folder, name), index=False)
    return folder


def route_ids(tables, key, agency=None):
    r = tables.get("routes.txt")
    if r is None:
        return set()
    sel = (r.route_id == key) | (r.get("route_short_name", pd.Series("", index=r.index)) == key)
    if agency is not None and "agency_id" in r:
        sel &= r.agency_id == agency
    return set(r.route_id[sel])


def drop_trips(tables, trip_ids):
    trip_ids = set(trip_ids)
    tables["trips.txt"] = tables["trips.txt"][~tables["trips.txt"].trip_id.isin(trip_ids)]
    tables["stop_times.txt"] = tables["stop_times.txt"][~tables["stop_times.txt"].trip_id.isin(trip_ids)]
    if "frequencies.txt" in tables:
        tables["frequencies.txt"] = tables["frequencies.txt"][~tables["frequencies.txt"].trip_id.isin(trip_ids)]


def edit_remove_routes(feeds, keys, agency, log):
    for label, t in feeds.items():
        ids = set().union(*[route_ids(t, k, agency) for k in keys])
        if not ids:
            continue
        trips = t["trips.txt"].trip_id[t["trips.txt"].route_id.isin(ids)]
        log.append(f"{label}: remove_routes {keys}: routes {sorted(ids)}, {len(trips)} trips")
        log.numbers.append(len(trips))
        drop_trips(t, trips)
        t["routes.txt"] = t["routes.txt"][~t["routes.txt"].route_id.isin(ids)]


def first_departures(st):
    """Per trip: first departure (seconds, of the lowest stop_sequence) and the stop id sequence."""
    s = st.assign(_seq=st.stop_sequence.astype(int)).sort_values(["trip_id", "_seq"], kind="stable")
    g = s.groupby("trip_id", sort=False)
    first = g.head(1).set_index("trip_id")
    t0 = first.departure_time.where(first.departure_time.str.strip() != "", first.arrival_time).map(hms)
    pattern = g.stop_id.agg(tuple)
    return t0, pattern


def shift_times(rows, secs):
    rows = rows.copy()
    for c in ("arrival_time", "departure_time"):
        rows[c] = [clock(hms(v) + secs) if str(v).strip() else v for v in rows[c]]
    return rows


def edit_frequency(feeds, scen, f, log):
    frm, to = minutes_of(f["from"]), minutes_of(f["to"])
    for label, t in feeds.items():
        ids = route_ids(t, f["route"], f.get("agency"))
        if not ids:
            continue
        trips = t["trips.txt"][t["trips.txt"].route_id.isin(ids)]
        st = t["stop_times.txt"]
        rst = st[st.trip_id.isin(set(trips.trip_id))]
        t0, pattern = first_departures(rst)
        tr = trips.set_index("trip_id")
        direction = tr["direction_id"] if "direction_id" in tr else pd.Series("", index=tr.index)
        inr = [tid for tid in tr.index if tid in t0.index and frm <= t0[tid] < to]
        groups = collections.OrderedDict()
        for tid in sorted(inr, key=lambda x: (t0[x], x)):
            groups.setdefault((tr.service_id[tid], direction[tid], pattern[tid]), []).append(tid)
        new_trips, new_st, removed, added = [], [], [], 0
        for key, tids in groups.items():
            n = len(tids)
            h = f["headway_min"] * 60 if "headway_min" in f else (to - frm) / n / f["factor"]
            if abs(h - round(h)) > 1e-9:
                raise SystemExit(f"scenario {scen}: frequency h = {h} s for a pattern of {n} trips is not a whole "
                                 "number of seconds (the oracle does not guess how reach rounds it)")
            h = int(round(h))
            first = tids[0]
            base_trip = trips[trips.trip_id == first]
            base_st = st[st.trip_id == first]
            k = 0
            while t0[first] + k * h < to:
                nid = f"{first}__{scen}_{k}"
                new_trips.append(base_trip.assign(trip_id=nid))
                new_st.append(shift_times(base_st, k * h).assign(trip_id=nid))
                k += 1
            removed += tids
            added += k
            log.append(f"{label}: frequency {f['route']} {f['from']}-{f['to']}: service {key[0]} pattern of "
                       f"{len(key[2])} stops from {clock(t0[first])}: {n} trips -> {k} every {h / 60:g} min")
        drop_trips(t, removed)
        t["trips.txt"] = pd.concat([t["trips.txt"], *new_trips], ignore_index=True)
        t["stop_times.txt"] = pd.concat([t["stop_times.txt"], *new_st], ignore_index=True)
        log.append(f"{label}: frequency {f['route']}: {len(removed)} trips removed, {added} added")
        log.numbers += [len(removed), added]


def feed_dates(t):
    """(first, last) YYYYMMDD the feed covers: calendar.txt's ranges and calendar_dates.txt's dates."""
    ds = []
    if "calendar.txt" in t and len(t["calendar.txt"]):
        ds += t["calendar.txt"].start_date.str.strip().tolist() + t["calendar.txt"].end_date.str.strip().tolist()
    if "calendar_dates.txt" in t and len(t["calendar_dates.txt"]):
        ds += t["calendar_dates.txt"].date.str.strip().tolist()
    return min(ds), max(ds)


def add_rows(t, name, rows):
    """Appends rows (dicts) to table name: the table's columns first, any new ones after, '' where a row has none."""
    base = t.get(name)
    new = pd.DataFrame(rows).astype(str)
    cols = (list(base.columns) if base is not None else []) + [c for c in new.columns
                                                               if base is None or c not in base.columns]
    new = new.reindex(columns=cols, fill_value="")
    t[name] = new if base is None else pd.concat([base.reindex(columns=cols, fill_value=""), new], ignore_index=True)


def edit_add_route(feeds, scen, a, log):
    stops = a["stops"]
    home = next((label for label, t in feeds.items() if stops[0] in set(t["stops.txt"].stop_id)), next(iter(feeds)))
    t = feeds[home]
    known = set(t["stops.txt"].stop_id)
    missing = [s for s in stops if s not in known]
    if missing:
        raise SystemExit(f"scenario {scen}: add_route stops {missing} are not in {home} (the oracle takes ids only)")
    hops = [int(round(m * 60)) for m in a["hop_min"]]
    assert len(hops) == len(stops) - 1
    dwell = int(a.get("dwell_s", 0))
    rid = f"{scen}_{a['name']}"
    agency = a.get("agency") or (t["agency.txt"].agency_id.iloc[0] if "agency_id" in t["agency.txt"] else "")
    add_rows(t, "routes.txt", [{"route_id": rid, "agency_id": agency, "route_short_name": a["name"],
                               "route_long_name": "", "route_type": MODE_ROUTE_TYPE[a.get("mode", "bus")]}])
    first, last = feed_dates(t)
    days = a.get("days", DAYS[:5])
    cal = {"service_id": rid, "start_date": first, "end_date": last}
    cal.update({col: "1" if d in days else "0" for d, col in zip(DAYS, WEEKDAY_COLS)})
    add_rows(t, "calendar.txt", [cal])
    start, end, head = minutes_of(a["start"]), minutes_of(a["end"]), int(a["headway_min"] * 60)
    trips, sts = [], []
    runs = [("out", stops, hops)]
    if a.get("both_directions", True):
        runs.append(("back", stops[::-1], hops[::-1]))
    for way, ss, hh in runs:
        k = 0
        while start + k * head < end:
            tid = f"{rid}_{way}_{k}"
            trips.append({"route_id": rid, "service_id": rid, "trip_id": tid})
            tt = start + k * head
            for i, s in enumerate(ss):
                if i > 0:
                    tt += hh[i - 1]
                arr = tt
                if 0 < i < len(ss) - 1:
                    tt += dwell
                sts.append({"trip_id": tid, "arrival_time": clock(arr), "departure_time": clock(tt), "stop_id": s,
                            "stop_sequence": i, "pickup_type": 0, "drop_off_type": 0})
            k += 1
    add_rows(t, "trips.txt", trips)
    add_rows(t, "stop_times.txt", sts)
    log.append(f"{home}: add_route {rid}: {len(trips)} trips over {len(stops)} stops, service {first}-{last} {days}")
    log.numbers.append(len(trips))


class EditLog(list):
    """What the oracle's edits did, as lines, and the trip counts the stderr summary must name (`numbers`)."""

    def __init__(self):
        super().__init__()
        self.numbers = []


def apply_scenario(s, base_tables, data):
    """(feeds {label: tables}, date, log): the scenario's feeds. base_tables: {label: tables} of the study's feeds."""
    log = EditLog()
    if "feed" in s:
        feeds = {os.path.basename(p): read_tables(absolute(data, p), skip=("shapes.txt",)) for p in s["feed"]}
        log.append(f"feed: {[os.path.basename(p) for p in s['feed']]}")
    else:
        feeds = {k: {n: df.copy() for n, df in v.items()} for k, v in base_tables.items()}
    date = s.get("date", DATE)
    if s.get("remove_routes"):
        edit_remove_routes(feeds, s["remove_routes"], s.get("agency"), log)
    for f in s.get("frequency", []):
        edit_frequency(feeds, s["name"], f, log)
    for a in s.get("add_route", []):
        edit_add_route(feeds, s["name"], a, log)
    return feeds, date, log


# ----------------------------------------------------------------------------------------------------------------
# A GTFS validator (the rule set of gtfs-kit's former validate(); gtfs-kit 13 has none)

TIME_RE = re.compile(r"^\d{1,3}:[0-5]\d:[0-5]\d$")
URL_RE = re.compile(r"^https?://[^\s/$.?#].[^\s]*$", re.IGNORECASE)
REQUIRED = {
    "agency.txt": ["agency_name", "agency_url", "agency_timezone"],
    "stops.txt": ["stop_id"],
    "routes.txt": ["route_id", "route_type"],
    "trips.txt": ["route_id", "service_id", "trip_id"],
    "stop_times.txt": ["trip_id", "stop_id", "stop_sequence", "arrival_time", "departure_time"],
    "calendar.txt": ["service_id", *WEEKDAY_COLS, "start_date", "end_date"],
    "calendar_dates.txt": ["service_id", "date", "exception_type"],
    "frequencies.txt": ["trip_id", "start_time", "end_time", "headway_secs"],
    "shapes.txt": ["shape_id", "shape_pt_lat", "shape_pt_lon", "shape_pt_sequence"],
}


def valid_route_type(v):
    try:
        x = int(v)
    except ValueError:
        return False
    return 0 <= x <= 12 or 100 <= x <= 1702


def valid_date(v):
    try:
        return dt.datetime.strptime(v, "%Y%m%d").strftime("%Y%m%d") == v
    except ValueError:
        return False


def validate_gtfs(t):
    """DataFrame type, message, table, rows (count): the problems of the feed's tables ({name: DataFrame of str})."""
    from zoneinfo import available_timezones

    probs = []

    def add(kind, msg, table, mask_or_n):
        n = int(np.asarray(mask_or_n, dtype=bool).sum()) if hasattr(mask_or_n, "__len__") else int(mask_or_n)
        if n:
            probs.append((kind, msg, table, n))

    for name in ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt"):
        if name not in t:
            probs.append(("error", f"missing file {name}", name, 1))
    if "calendar.txt" not in t and "calendar_dates.txt" not in t:
        probs.append(("error", "missing calendar.txt and calendar_dates.txt", "calendar.txt", 1))
    for name, cols in REQUIRED.items():
        if name in t:
            for c in cols:
                if c not in t[name].columns:
                    probs.append(("error", f"missing column {c}", name, 1))
    if any(p[0] == "error" for p in probs):
        return pd.DataFrame(probs, columns=["type", "message", "table", "rows"])

    def ids(name, col):
        return set(t[name][col]) if name in t and col in t[name] else set()

    def blank(s):
        return s.str.strip() == ""

    # agency
    a = t["agency.txt"]
    if len(a) > 1 or "agency_id" in a:
        if "agency_id" not in a:
            probs.append(("error", "several agencies but no agency_id", "agency.txt", len(a)))
        else:
            add("error", "blank agency_id", "agency.txt", blank(a.agency_id) & (len(a) > 1))
            add("error", "repeated agency_id", "agency.txt", a.agency_id.duplicated())
    add("error", "blank agency_name", "agency.txt", blank(a.agency_name))
    add("error", "invalid agency_url", "agency.txt", ~a.agency_url.str.strip().str.match(URL_RE))
    tz = available_timezones()
    add("error", "invalid agency_timezone", "agency.txt", ~a.agency_timezone.isin(tz))
    # stops
    s = t["stops.txt"]
    add("error", "blank stop_id", "stops.txt", blank(s.stop_id))
    add("error", "repeated stop_id", "stops.txt", s.stop_id.duplicated())
    lt = s["location_type"].str.strip() if "location_type" in s else pd.Series("", index=s.index)
    add("error", "invalid location_type", "stops.txt", ~lt.isin(["", "0", "1", "2", "3", "4"]))
    placed = lt.isin(["", "0", "1", "2"])
    for c in ("stop_name", "stop_lat", "stop_lon"):
        if c not in s:
            add("error", f"missing column {c}", "stops.txt", placed)
    if "stop_lat" in s and "stop_lon" in s:
        lat = pd.to_numeric(s.stop_lat, errors="coerce")
        lon = pd.to_numeric(s.stop_lon, errors="coerce")
        add("error", "invalid stop_lat", "stops.txt", placed & ~lat.between(-90, 90))
        add("error", "invalid stop_lon", "stops.txt", placed & ~lon.between(-180, 180))
    if "stop_name" in s:
        add("error", "blank stop_name", "stops.txt", placed & blank(s.stop_name))
    if "parent_station" in s:
        ps = s.parent_station.str.strip()
        add("error", "undefined parent_station", "stops.txt", (ps != "") & ~ps.isin(set(s.stop_id)))
    # routes
    r = t["routes.txt"]
    add("error", "blank route_id", "routes.txt", blank(r.route_id))
    add("error", "repeated route_id", "routes.txt", r.route_id.duplicated())
    add("error", "invalid route_type", "routes.txt", ~r.route_type.map(valid_route_type))
    sn = r.route_short_name.str.strip() if "route_short_name" in r else pd.Series("", index=r.index)
    ln = r.route_long_name.str.strip() if "route_long_name" in r else pd.Series("", index=r.index)
    add("error", "route_short_name and route_long_name both blank", "routes.txt", (sn == "") & (ln == ""))
    if "agency_id" in r and "agency_id" in a:
        ag = r.agency_id.str.strip()
        add("error", "undefined agency_id", "routes.txt", (ag != "") & ~ag.isin(set(a.agency_id)))
        if len(a) > 1:
            add("error", "blank agency_id with several agencies", "routes.txt", ag == "")
    for c in ("route_color", "route_text_color"):
        if c in r:
            v = r[c].str.strip()
            add("error", f"invalid {c}", "routes.txt", (v != "") & ~v.str.fullmatch(r"[0-9a-fA-F]{6}"))
    # calendar
    services = set()
    if "calendar.txt" in t:
        c = t["calendar.txt"]
        services |= set(c.service_id)
        add("error", "blank service_id", "calendar.txt", blank(c.service_id))
        add("error", "repeated service_id", "calendar.txt", c.service_id.duplicated())
        for d in WEEKDAY_COLS:
            add("error", f"invalid {d}", "calendar.txt", ~c[d].str.strip().isin(["0", "1"]))
        for d in ("start_date", "end_date"):
            add("error", f"invalid {d}", "calendar.txt", ~c[d].str.strip().map(valid_date))
        add("error", "start_date after end_date", "calendar.txt", c.start_date.str.strip() > c.end_date.str.strip())
        never = (c[WEEKDAY_COLS] == "0").all(axis=1)
        if "calendar_dates.txt" in t:
            never &= ~c.service_id.isin(set(t["calendar_dates.txt"].service_id))
        add("warning", "service never runs (no weekday, no added date)", "calendar.txt", never)
    if "calendar_dates.txt" in t:
        cd = t["calendar_dates.txt"]
        services |= set(cd.service_id)
        add("error", "invalid date", "calendar_dates.txt", ~cd.date.str.strip().map(valid_date))
        add("error", "invalid exception_type", "calendar_dates.txt", ~cd.exception_type.str.strip().isin(["1", "2"]))
        add("error", "repeated (service_id, date)", "calendar_dates.txt", cd.duplicated(["service_id", "date"]))
    # trips
    tr = t["trips.txt"]
    add("error", "blank trip_id", "trips.txt", blank(tr.trip_id))
    add("error", "repeated trip_id", "trips.txt", tr.trip_id.duplicated())
    add("error", "undefined route_id", "trips.txt", ~tr.route_id.isin(set(r.route_id)))
    add("error", "undefined service_id", "trips.txt", ~tr.service_id.isin(services))
    if "shape_id" in tr:
        sh = tr.shape_id.str.strip()
        add("error", "undefined shape_id", "trips.txt", (sh != "") & ~sh.isin(ids("shapes.txt", "shape_id")))
    if "direction_id" in tr:
        add("error", "invalid direction_id", "trips.txt", ~tr.direction_id.str.strip().isin(["", "0", "1"]))
    # stop times
    st = t["stop_times.txt"]
    add("error", "undefined trip_id", "stop_times.txt", ~st.trip_id.isin(set(tr.trip_id)))
    add("error", "undefined stop_id", "stop_times.txt", ~st.stop_id.isin(set(s.stop_id)))
    seq = pd.to_numeric(st.stop_sequence, errors="coerce")
    add("error", "invalid stop_sequence", "stop_times.txt", ~(seq >= 0) | (seq != seq.round()))
    add("error", "repeated (trip_id, stop_sequence)", "stop_times.txt", st.duplicated(["trip_id", "stop_sequence"]))
    for c in ("arrival_time", "departure_time"):
        v = st[c].str.strip()
        add("error", f"invalid {c}", "stop_times.txt", (v != "") & ~v.str.match(TIME_RE))
    for c in ("pickup_type", "drop_off_type"):
        if c in st:
            add("error", f"invalid {c}", "stop_times.txt", ~st[c].str.strip().isin(["", "0", "1", "2", "3"]))
    if not any(p[0] == "error" and p[2] == "stop_times.txt" for p in probs):
        x = st.assign(_seq=seq, _a=st.arrival_time.map(hms), _d=st.departure_time.map(hms))
        x = x.sort_values(["trip_id", "_seq"], kind="stable")
        a_ = x._a.astype(float).to_numpy()
        d_ = x._d.astype(float).to_numpy()
        tid = x.trip_id.to_numpy()
        start = np.r_[True, tid[1:] != tid[:-1]]
        end = np.r_[tid[1:] != tid[:-1], True]
        add("error", "first or last stop time of a trip without times", "stop_times.txt",
            (start | end) & (np.isnan(a_) | np.isnan(d_)))
        add("error", "departure before arrival", "stop_times.txt", d_ < a_)
        # times never go backwards along the trip (non-timepoints skipped: compared with the last timed call)
        dd = pd.Series(np.where(np.isnan(d_), a_, d_)).groupby(tid).ffill().groupby(tid).shift(1).to_numpy()
        aa = np.where(np.isnan(a_), d_, a_)
        add("error", "stop time earlier than the previous one", "stop_times.txt", ~start & (aa < dd))
        n = x.groupby("trip_id").size()
        add("error", "trip with fewer than two stop times", "trips.txt",
            tr.trip_id.isin(set(n.index[n < 2])))
        add("error", "trip without stop times", "trips.txt", ~tr.trip_id.isin(set(n.index)))
    if "frequencies.txt" in t:
        fr = t["frequencies.txt"]
        add("error", "undefined trip_id", "frequencies.txt", ~fr.trip_id.isin(set(tr.trip_id)))
        add("error", "invalid headway_secs", "frequencies.txt", ~(pd.to_numeric(fr.headway_secs, errors="coerce") > 0))
    if "shapes.txt" in t:
        sp = t["shapes.txt"]
        add("error", "repeated (shape_id, shape_pt_sequence)", "shapes.txt",
            sp.duplicated(["shape_id", "shape_pt_sequence"]))
    # warnings: things left unused
    used_stops = set(st.stop_id) | set(s.parent_station) if "parent_station" in s else set(st.stop_id)
    add("warning", "stop with no stop times (nor a parent of one)", "stops.txt",
        lt.isin(["", "0"]) & ~s.stop_id.isin(used_stops))
    add("warning", "route with no trips", "routes.txt", ~r.route_id.isin(set(tr.route_id)))
    if "calendar.txt" in t:
        add("warning", "service with no trips", "calendar.txt", ~t["calendar.txt"].service_id.isin(set(tr.service_id)))
    return pd.DataFrame(probs, columns=["type", "message", "table", "rows"])


# ----------------------------------------------------------------------------------------------------------------
# Timetable signatures (reach's written feed against the oracle's edit)


def service_dates(t):
    """{service_id: frozenset of YYYYMMDD it runs on}, calendar.txt + calendar_dates.txt."""
    out = {}
    if "calendar.txt" in t:
        for r in t["calendar.txt"].itertuples(index=False):
            a = dt.datetime.strptime(r.start_date.strip(), "%Y%m%d").date()
            b = dt.datetime.strptime(r.end_date.strip(), "%Y%m%d").date()
            flags = [getattr(r, c).strip() == "1" for c in WEEKDAY_COLS]
            ds = set()
            d = a
            while d <= b:
                if flags[d.weekday()]:
                    ds.add(d.strftime("%Y%m%d"))
                d += dt.timedelta(days=1)
            out[r.service_id] = ds
    if "calendar_dates.txt" in t:
        for r in t["calendar_dates.txt"].itertuples(index=False):
            ds = out.setdefault(r.service_id, set())
            if r.exception_type.strip() == "1":
                ds.add(r.date.strip())
            else:
                ds.discard(r.date.strip())
    return {k: frozenset(v) for k, v in out.items()}


def signatures(t):
    """Counter of (route_id, service dates, calls) per trip; calls = ((stop, arr s, dep s, pickup, drop), ...)."""
    dates = service_dates(t)
    st = t["stop_times.txt"]
    x = st.assign(_seq=st.stop_sequence.astype(int)).sort_values(["trip_id", "_seq"], kind="stable")
    pick = x["pickup_type"].str.strip().replace("", "0") if "pickup_type" in x else pd.Series("0", index=x.index)
    drop = x["drop_off_type"].str.strip().replace("", "0") if "drop_off_type" in x else pd.Series("0", index=x.index)
    rows = list(zip(x.stop_id, x.arrival_time.map(hms), x.departure_time.map(hms), pick, drop))
    calls = collections.defaultdict(list)
    for tid, row in zip(x.trip_id, rows):
        calls[tid].append(row)
    out = collections.Counter()
    for r in t["trips.txt"].itertuples(index=False):
        out[(r.route_id, dates.get(r.service_id, frozenset()), tuple(calls.get(r.trip_id, ())))] += 1
    return out


def describe_sig(sig):
    route, dates, calls = sig
    first = calls[0] if calls else ("-", 0, 0)
    return (f"route {route}, {len(calls)} calls from {first[0]} at {clock(first[2] or first[1] or 0)}, "
            f"{len(dates)} dates {min(dates) if dates else ''}..{max(dates) if dates else ''}")


# ----------------------------------------------------------------------------------------------------------------
# Inputs: prepare


def toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return json.dumps(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    raise TypeError(v)


def study_text(data, tmp):
    feeds = [absolute(data, BUS), absolute(data, RAIL)]
    lines = [
        "# Written by tools/crosscheck/scenarios.py prepare: the scenarios cross-check's study (see its docstring).",
        "[study]", 'name = "crosscheck: Newport scenarios"', f"output = {json.dumps(CASE + '/out')}", "",
        "[wards]", f"files = [{json.dumps(absolute(data, WARDS))}]", 'code_field = "WD23CD"', "",
        "[origins]", 'file = "scen_origins.csv"', 'weight_field = "weight"', 'crs = "EPSG:27700"', "",
        "[coverage]", f"gtfs = {toml_value(feeds)}", f'date = "{DATE}"', f'window = "{WINDOW}"', "",
        "[public_transport]", 'services = ["scen_services.csv"]', 'category_field = "category"',
        f"osm = {json.dumps(absolute(data, PBF))}", f"gtfs = {toml_value(feeds)}", f'date = "{DATE}"',
        f'window = "{WINDOW}"', f"max_walk = {raptor.MAX_WALK_S // 60}",
        f"max_transfer_walk = {raptor.MAX_TRANSFER_S // 60}", f"max_trip = {raptor.MAX_TRIP_S // 60}",
        f"minutes = {toml_value(list(MINUTES))}", "",
    ]
    for s in SCENARIOS:
        lines.append("[[scenario]]")
        for k, v in s.items():
            if k in ("frequency", "add_route"):
                continue
            v = [absolute(data, p) for p in v] if k == "feed" else v
            lines.append(f"{k} = {toml_value(v)}")
        for k in ("frequency", "add_route"):
            for item in s.get(k, []):
                lines.append(f"[[scenario.{k}]]")
                lines += [f"{kk} = {toml_value(vv)}" for kk, vv in item.items()]
        lines.append("")
    lines += ["[outputs]", 'formats = ["csv"]', "map = false", ""]
    return "\n".join(lines)


def prepare(args):
    data, tmp = args.data, args.tmp
    os.makedirs(tmp, exist_ok=True)
    status = raptor.prepare(SimpleNamespace(data=data, tmp=tmp))
    if status:
        return status
    og = pd.read_csv(os.path.join(tmp, "pt_origins.csv"))
    og["weight"] = np.random.default_rng(WEIGHT_SEED).integers(1, 10, len(og))
    og.to_csv(os.path.join(tmp, "scen_origins.csv"), index=False, float_format="%.3f")
    # raptor.py's services: its three OSM categories and the hospitals (amenity=hospital), last.
    sv = pd.read_csv(os.path.join(tmp, "pt_services.csv"), dtype=str)
    sv.to_csv(os.path.join(tmp, "scen_services.csv"), index=False)
    hs = sv[sv.category == HOSPITAL[0]].osm.tolist()
    with open(os.path.join(tmp, "study.toml"), "w") as fh:
        fh.write(study_text(data, tmp))
    print(f"scenarios.py prepare: {tmp}/scen_origins.csv ({len(og)} origins, weights {int(og.weight.sum())} in all), "
          f"scen_services.csv ({len(hs)} of them hospitals: {', '.join(hs)}), study.toml "
          f"({len(SCENARIOS)} scenarios: {', '.join(s['name'] for s in SCENARIOS)})")
    return 0


# ----------------------------------------------------------------------------------------------------------------
# The oracles on one feed set


class Figures:
    """One feed set's oracle figures: the ward table (coverage + pt, unrounded) and per-origin medians."""

    def __init__(self, label, paths, date, data, tmp, log):
        t0 = time.perf_counter()
        self.label = label
        orc = raptor.NewportOracle(data, tmp, origins_path=os.path.join(tmp, "scen_origins.csv"),
                                   services_path=os.path.join(tmp, "scen_services.csv"), verbose=False,
                                   gtfs=paths, date=dt.date.fromisoformat(date))
        t1 = time.perf_counter()
        self.cats = orc.categories
        self.labels, self.zone, self.weight = orc.labels, orc.zone, orc.weight
        self.on = np.array([s is not None for s in orc.osnap])
        n = len(self.labels)
        self.pct = {(c, p): np.full(n, math.inf) for c in self.cats for p in raptor.PERCENTILES}
        for c in self.cats:
            for o in orc.snapped_origins:
                pc = orc.percentiles(o, c)
                for p in raptor.PERCENTILES:
                    self.pct[(c, p)][o] = pc[p]
        codes = orc.wards[orc.code_field].astype(str).tolist()
        self.codes = codes
        rows = []
        for code in codes:
            sel = (self.zone == code) & self.on
            w = self.weight
            row = {"code": code}
            for c in self.cats:
                for key, p in ((f"{c}_pt_mean", 50), (f"{c}_pt_p25_mean", 25), (f"{c}_pt_p75_mean", 75)):
                    v = self.pct[(c, p)]
                    fin = sel & np.isfinite(v)
                    row[key] = float(np.sum(w[fin] * v[fin]) / np.sum(w[fin])) if fin.any() and w[fin].sum() > 0 \
                        else None
                for t in MINUTES:
                    row[f"{c}_pt_within_{t}_pct"] = (100 * float(np.sum(w[sel & (self.pct[(c, 50)] <= t)]) /
                                                     np.sum(w[sel])) if w[sel].sum() > 0 else None)
                row[f"{c}_pt_unreachable"] = int(np.sum(sel & ~np.isfinite(self.pct[(c, 50)]))) + int(
                    np.sum((self.zone == code) & ~self.on))
                cw = orc.counts_within(code, c)
                for t in MINUTES:
                    row[f"{c}_pt_count_within_{t}"] = None if cw is None else cw[t]
            row["pt_origins_unserved"] = int(sum(1 for o in np.flatnonzero(sel) if not orc.served(o)))
            rows.append(row)
        pt = pd.DataFrame(rows)
        self.pt_cols = [c for c in pt.columns if c != "code"]
        self.pt_info = (f"{len(orc.tt.instances)} trip instances, {len(orc.snapped_origins)} origins on the walk graph "
                        f"x 180 minutes")
        # coverage on the same origins (the weighted points in a ward, then each empty ward's point on surface)
        wards = coverage.read_wards(absolute(data, WARDS))
        stops = gtfs_stops(paths)
        inp = coverage.Inputs(wards, stops, origins=orc.oxy, weight=orc.weight, gtfs=paths, date=date, window=WINDOW)
        del orc
        cov = coverage.coverage_oracle(inp)
        cov, info = coverage.gtfs_oracle(inp, cov)
        for cls in ("bus", "rail"):
            prefix = coverage.PREFIX[cls]
            if not len(stops[cls]):
                # No stop of the kind in these feeds: a plain run has none of the kind's columns (docs/transit.md:
                # only the stops of a kind given are used for its indicators), so the scenario's are null.
                for col in [c for c in cov.columns if c.startswith(prefix)] + [f"{cls}_departures_per_hour",
                                                                               f"{cls}_frequent_pop_pct"]:
                    cov[col] = None
                info[cls] = f"no {cls} stop: its columns null"
            elif f"{cls}_departures_per_hour" not in cov:  # stops but no departure in the window: 0 per origin
                has = np.array([(inp.ozone == i).any() and inp.ow[inp.ozone == i].sum() > 0 for i in range(len(cov))])
                cov[f"{cls}_departures_per_hour"] = np.where(has, 0.0, np.nan)
                cov[f"{cls}_frequent_pop_pct"] = np.where(has, 0.0, np.nan)
                info[cls] = f"no {cls} departure"
        self.cov_keys = [(f"{c}_departures_per_hour", "rate") for c in ("bus", "rail")]
        self.cov_keys += [(f"{c}_frequent_pop_pct", "pct") for c in ("bus", "rail")]
        self.cov_keys += [k for k in coverage.indicator_keys(inp) if k[0] not in ("origins_count", "origins_weight")]
        self.table = cov.drop(columns=[c for c in cov.columns if c.startswith("_") or c == "name"]).merge(
            pt, on="code", how="left")
        self.table = self.table.set_index("code")
        log(f"{label}: {self.pt_info} (brute force {t1 - t0:.0f}s); coverage {info}; stops "
            f"{ {k: len(v) for k, v in stops.items()} } ({time.perf_counter() - t0:.0f}s)")

    def within(self, c, t):
        """Per origin: median (p50) within t minutes (an origin with no time is not)."""
        return self.pct[(c, 50)] <= t


def gtfs_stops(paths):
    """{kind: xy} of the feeds' stops as coverage.py's gtfs_stop_kinds finds them; bus and rail always present
    (maybe empty)."""
    stops = coverage.gtfs_stop_kinds(paths)
    return {**{"bus": np.zeros((0, 2)), "rail": np.zeros((0, 2))}, **stops}


# ----------------------------------------------------------------------------------------------------------------
# Comparing


def col_kind(col, cov_kinds):
    if col in cov_kinds:
        return cov_kinds[col]
    if col.endswith(("_pt_mean", "_pt_p25_mean", "_pt_p75_mean")):
        return "ptmean"
    if col.endswith("_pct") and "_pt_within_" in col:
        return "ptpct"
    return "count"


def parse(v):
    s = str(v).strip()
    if s == "" or s.lower() in ("null", "nan", "none"):
        return None
    return float(s)


def is_null(o):
    return o is None or (isinstance(o, float) and math.isnan(o))


def agree(r, o, kind):
    """(ok, diff) of reach's written value r against the unrounded oracle value o."""
    if r is None or is_null(o):
        return (r is None) == is_null(o), 0.0
    o = float(o)
    if kind == "count":
        return r == o, abs(r - o)
    if kind == "weight":
        return abs(r - o) <= 1e-9, abs(r - o)
    if kind in ("ptmean", "ptpct"):  # raptor.py: within 0.0051 of the oracle rounded to 2 decimals
        d = abs(r - round(o, 2))
        return d <= 0.0051, d
    if kind == "dist":
        return abs(r - o) <= coverage.DIST_TOL, abs(r - o)
    d = coverage.rounded_diff(r, o, coverage.ROUND[kind])
    ok = d <= coverage.PCT_TOL
    if kind == "area":
        ok = ok and abs(r - o) <= coverage.AREA_PCT_TOL
    return ok, d


def fmt(v):
    return "null" if is_null(v) else f"{float(v):.6g}"


# ----------------------------------------------------------------------------------------------------------------
# The case


def read_csv_table(path):
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df


def stderr_lines(reach_dir):
    p = os.path.join(reach_dir, "stderr")
    return open(p).read().splitlines() if os.path.exists(p) else []


def case_newport(name, reach_dir, data, tmp):
    case = Case(name)
    check_status(case, reach_dir)
    summary_lines = [line.strip().removeprefix("reach: ") for line in stderr_lines(reach_dir)
                     if line.startswith("reach: scenario ")]
    for line in summary_lines:
        if not line.endswith(": 0 in 0 ward(s) lose, 0 in 0 gain"):
            print(f"     reach: {line}")
    out = os.path.join(reach_dir, "out")
    t_start = time.perf_counter()

    def log(msg):
        print(f"     oracle: {msg}", flush=True)

    # --- the oracle's feeds ---------------------------------------------------------------------------------
    base_paths = [absolute(data, BUS), absolute(data, RAIL)]
    base_tables = {os.path.basename(p): read_tables(p, skip=("shapes.txt",)) for p in base_paths}
    oracle_dir = os.path.join(reach_dir, "oracle")
    feed_sets = {"baseline": (base_paths, DATE)}
    edits, changed, edit_logs = {}, {}, {}
    for s in SCENARIOS:
        feeds, date, lg = apply_scenario(s, base_tables, data)
        for line in lg:
            log(f"{s['name']}: {line}")
        paths, ch = [], []
        for label, t in feeds.items():
            orig = base_tables.get(label)
            same = orig is not None and all(n in orig and len(orig[n]) == len(t[n]) and orig[n].equals(t[n])
                                            for n in t) and set(t) == set(orig)
            if "feed" in s:
                paths.append(next(absolute(data, p) for p in s["feed"] if os.path.basename(p) == label))
            elif same:
                paths.append(next(p for p in base_paths if os.path.basename(p) == label))
            else:
                paths.append(write_folder(t, os.path.join(oracle_dir, s["name"], label.removesuffix(".zip"))))
                ch.append(label)
        feed_sets[s["name"]] = (paths, date)
        edits[s["name"]] = feeds
        edit_logs[s["name"]] = lg
        changed[s["name"]] = ch
    log(f"pandas edits written under {oracle_dir} ({time.perf_counter() - t_start:.0f}s)")

    # --- the written feeds ------------------------------------------------------------------------------------
    zips = sorted(f for f in os.listdir(out) if f.startswith("scenario_") and f.endswith(".zip")) \
        if os.path.isdir(out) else []
    want = sorted(f"scenario_{s['name']}_{label}" for s in SCENARIOS for label in changed[s["name"]])
    case.check("a scenario_{name}_{feed}.zip for each feed a scenario changed, and none for a feed it left as it "
               "was", [] if zips == want else [f"reach wrote {zips}, the oracle's edits changed {want}"],
               f"{len(zips)} zips")
    import gtfs_kit as gk

    bad_self = []
    orig_probs = {}
    for p in base_paths + [absolute(data, STATION)]:
        label = os.path.basename(p)
        pr = validate_gtfs(read_tables(p))
        orig_probs[label] = pr
        errs = pr[pr.type == "error"]
        bad_self += [f"{label}: {r.message} ({r.table}, {r.rows} rows)" for r in errs.itertuples()]
        log(f"validate {label} (original): {len(errs)} errors, {int((pr.type == 'warning').sum())} warnings "
            f"({', '.join(f'{r.message} {r.rows}' for r in pr.itertuples())})")
    case.self_check("oracle self-check: the original feeds pass validate_gtfs with no error", bad_self,
                    f"{len(orig_probs)} feeds")
    for z in zips:
        path = os.path.join(out, z)
        sname = next((x["name"] for x in SCENARIOS if z.startswith(f"scenario_{x['name']}_")), None)
        label = z[len(f"scenario_{sname}_"):] if sname else None
        t0 = time.perf_counter()
        bad = []
        try:
            feed = gk.read_feed(path, dist_units="km")
            gk_info = f"gtfs_kit.read_feed: {len(feed.trips)} trips, {len(feed.stop_times)} stop times"
        except Exception as e:  # noqa: BLE001 (any failure to read is the finding)
            bad.append(f"gtfs_kit.read_feed failed: {e}")
            gk_info = "gtfs_kit.read_feed failed"
        tables = read_tables(path)
        pr = validate_gtfs(tables)
        errs = pr[pr.type == "error"]
        warns = pr[pr.type == "warning"]
        bad += [f"{r.message} ({r.table}, {r.rows} rows)" for r in errs.itertuples()]
        case.check(f"{z}: gtfs_kit reads it and validate_gtfs finds no error", bad,
                   f"{gk_info}; {len(warns)} warning rows: " +
                   (", ".join(f"{r.message} ({r.table}) {r.rows}" for r in warns.itertuples()) or "none"))
        # every file and column of the original
        bad = []
        if label in base_tables or label == os.path.basename(STATION):
            src = absolute(data, BUS if label == os.path.basename(BUS) else RAIL if label == os.path.basename(RAIL)
                           else STATION)
            with zipfile.ZipFile(src) as zs, zipfile.ZipFile(path) as zr:
                rnames = {os.path.basename(n): n for n in zr.namelist()}
                for n in zs.namelist():
                    b = os.path.basename(n)
                    if b not in rnames:
                        bad.append(f"{b} missing")
                        continue
                    with zs.open(n) as fa, zr.open(rnames[b]) as fb:
                        ha = fa.readline().decode("utf-8-sig").strip().split(",")
                        hb = fb.readline().decode("utf-8-sig").strip().split(",")
                    gone = [c for c in ha if c not in hb]
                    if gone:
                        bad.append(f"{b}: columns {gone} missing")
            if "shapes.txt" in tables:
                with zipfile.ZipFile(src) as zs:
                    n_src = sum(1 for _ in zs.open(next(n for n in zs.namelist() if n.endswith("shapes.txt")))) - 1
                if n_src != len(tables["shapes.txt"]):
                    bad.append(f"shapes.txt {len(tables['shapes.txt'])} rows, the original {n_src}")
        case.check(f"{z}: every file and column of the original feed (shapes included)", bad)
        # the same timetable as the oracle's edit
        if sname in edits and label in edits[sname]:
            mine = signatures(edits[sname][label])
            theirs = signatures(tables)
            only_m = mine - theirs
            only_r = theirs - mine
            bad = [f"only in the oracle's edit ({sum(only_m.values())} trips): {describe_sig(k)}" for k in only_m]
            bad += [f"only in reach's zip ({sum(only_r.values())} trips): {describe_sig(k)}" for k in only_r]
            case.check(f"{z}: the same trips as the oracle's pandas edit (route, service dates, every call's stop, "
                       "times, pickup and drop-off; ids aside)", bad,
                       f"{sum(mine.values())} trips in the oracle's edit, {sum(theirs.values())} in reach's zip; "
                       f"read and validated in {time.perf_counter() - t0:.0f}s")
        del tables

    # --- the oracles ------------------------------------------------------------------------------------------
    path = os.path.join(out, "wards.csv")
    if not os.path.exists(path):
        case.check("reach wrote out/wards.csv", [f"{path} missing"])
        return case
    figs = {}
    for label, (paths, date) in feed_sets.items():
        figs[label] = Figures(label, paths, date, data, tmp, log)
    base = figs["baseline"]
    r = read_csv_table(path)
    rc = r["WD23CD"].tolist() if "WD23CD" in r else []
    case.check("wards.csv: one row per ward, in input order", [] if rc == base.codes else
               [f"codes {rc[:3]}..., expected {base.codes[:3]}..."], f"{len(r)} rows")
    if rc != base.codes:
        return case
    cov_kinds = dict(base.cov_keys)
    cov_cols = [c for c, _ in base.cov_keys]
    pt_cols = base.pt_cols
    columns = cov_cols + pt_cols
    rows = {code: i for i, code in enumerate(rc)}

    def compare(colnames, expected, what, info=""):
        """expected: {reach column: (oracle column values by code, kind)}."""
        bad, n, missing, worst = [], 0, [], collections.Counter()
        for rcol in colnames:
            if rcol not in r.columns:
                missing.append(rcol)
                continue
            vals, kind = expected[rcol]
            for code in base.codes:
                rv = parse(r[rcol].iloc[rows[code]])
                ov = vals[code]
                ok, d = agree(rv, ov, kind)
                n += 1
                if not ok:
                    bad.append(f"{code} {rcol}: reach {fmt(rv)}, oracle {fmt(ov)}")
                    worst[rcol] += 1
        if missing:
            bad.insert(0, f"{len(missing)} columns missing: {missing[:6]}{'...' if len(missing) > 6 else ''}")
        detail = f"{len(colnames)} columns x {len(base.codes)} wards = {n} values{info}"
        if worst:
            detail += "; failing columns " + ", ".join(f"{k} ({v})" for k, v in worst.most_common(6))
        case.check(what, bad, detail)

    def expected_of(fig, cols, suffix=""):
        return {f"{c}{suffix}": (fig.table[c].to_dict(), col_kind(c, cov_kinds)) for c in cols}

    compare(cov_cols, expected_of(base, cov_cols),
            "baseline coverage columns (stops, departures, frequent) = coverage.py/gtfs-kit on the original feeds")
    compare(pt_cols, expected_of(base, pt_cols),
            "baseline public-transport columns = the brute force on the original feeds")
    summary = {}
    for s in SCENARIOS:
        sn = s["name"]
        fig = figs[sn]
        compare([f"{c}__{sn}" for c in cov_cols], expected_of(fig, cov_cols, f"__{sn}"),
                f"{sn}: coverage columns __{sn} = coverage.py/gtfs-kit on the pandas-edited feeds")
        compare([f"{c}__{sn}" for c in pt_cols], expected_of(fig, pt_cols, f"__{sn}"),
                f"{sn}: public-transport columns __{sn} = the brute force on the pandas-edited feeds ({fig.pt_info})")
        change = {}
        for c in columns:
            a, b = fig.table[c].to_dict(), base.table[c].to_dict()
            change[f"{c}__{sn}_change"] = ({k: None if is_null(a[k]) or is_null(b[k]) else float(a[k]) - float(b[k])
                                            for k in a}, col_kind(c, cov_kinds))
        compare(list(change), change,
                f"{sn}: every __{sn}_change = oracle scenario - oracle baseline (null where either is null)")
        gl = {}
        per = {}
        for c in base.cats:
            for t in MINUTES:
                wb, ws = base.within(c, t), fig.within(c, t)
                gain, loss = ws & ~wb, wb & ~ws
                for kind, m in (("gain", gain), ("loss", loss)):
                    col = f"{c}_pt_within_{t}_{kind}__{sn}"
                    gl[col] = ({code: float(np.sum(base.weight[(base.zone == code) & m])) for code in base.codes},
                               "weight")
                    per[(c, t, kind)] = (int(m.sum()), float(base.weight[m].sum()),
                                         len({z for z in base.zone[m]}))
        compare(list(gl), gl,
                f"{sn}: {{c}}_pt_within_{{t}}_gain/loss__{sn} = origin weight whose oracle median is within t in one "
                "and not the other")
        summary[sn] = per
        # no origins_count / origins_weight repeated
        extra = [c for c in r.columns if c in (f"origins_count__{sn}", f"origins_weight__{sn}")]
        case.check(f"{sn}: origins_count and origins_weight are not repeated", [f"{extra}"] if extra else [])
        # warnings: a ward that has unserved origins in the scenario and none in the baseline
        bad = []
        wcol = r["reach_warning"] if "reach_warning" in r else pd.Series("", index=r.index)
        for code in base.codes:
            if fig.table.pt_origins_unserved[code] > 0 and base.table.pt_origins_unserved[code] == 0:
                if f"scenario {sn}:" not in wcol.iloc[rows[code]]:
                    bad.append(f"{code}: {fig.table.pt_origins_unserved[code]} origins unserved in {sn}, none in the "
                               f"baseline, but no 'scenario {sn}:' in reach_warning {wcol.iloc[rows[code]]!r}")
        case.check(f"{sn}: reach_warning gains 'scenario {sn}: ...' where origins become unserved", bad)

    # schema.json: every scenario column, described as the scenario's
    bad = []
    sp = os.path.join(out, "schema.json")
    if os.path.exists(sp):
        props = {p["name"]: p for p in json.load(open(sp)).get("properties", [])}
        kinds = collections.Counter()
        scen_cols = [c for c in r.columns if any(c.endswith(f"__{s['name']}") or c.endswith(f"__{s['name']}_change")
                                                 for s in SCENARIOS)]
        for c in scen_cols:
            sn = next(s["name"] for s in SCENARIOS if c.endswith(f"__{s['name']}") or
                      c.endswith(f"__{s['name']}_change"))
            p = props.get(c)
            if p is None:
                bad.append(f"{c} not in schema.json")
            elif not str(p.get("description", "")).startswith(f"scenario {sn}:"):
                kinds[re.sub(r"^.*_(gain|loss)__.*$", r"{c}_pt_within_{t}_\1__{name}",
                             re.sub(r"^.*__.*_change$", "{col}__{name}_change", c))] += 1
                bad.append(f"{c}: description {p.get('description')!r}")
        case.check("schema.json: every scenario column, its description starting 'scenario {name}:' "
                   "(docs/scenarios.md, What is written)", bad,
                   f"{len(scen_cols)} scenario columns" + (f"; not so: " + ", ".join(
                       f"{k} {v}" for k, v in kinds.items()) if kinds else ""))
    else:
        case.check("reach wrote out/schema.json", [f"{sp} missing"])

    # stderr: what each modification did, and per category and threshold the weight and wards gaining and losing
    pat = re.compile(r"^scenario (\w+): (\w+)_pt_within_(\d+): ([\d.]+) in (\d+) ward\(s\) lose, ([\d.]+) in (\d+) "
                     r"gain$")
    for s in SCENARIOS:
        sn = s["name"]
        mine = [ln for ln in summary_lines if ln.startswith(f"scenario {sn}: ") and not pat.match(ln)]
        text = " ".join(mine)
        words = set(re.findall(r"\d+", text))
        bad = [f"no line names {n} trips (the oracle's edit: {'; '.join(edit_logs[sn])})"
               for n in edit_logs[sn].numbers if str(n) not in words]
        if "date" in s and s["date"] not in text:
            bad.append(f"no line names the date {s['date']}")
        if not mine:
            bad.append("no summary line")
        got = {}
        for ln in summary_lines:
            m = pat.match(ln)
            if m and m.group(1) == sn:
                got[(m.group(2), int(m.group(3)))] = (float(m.group(4)), int(m.group(5)), float(m.group(6)),
                                                      int(m.group(7)))
        fig = figs[sn]
        for c in base.cats:
            for t in MINUTES:
                wb, ws = base.within(c, t), fig.within(c, t)
                want_v = []
                for m in (wb & ~ws, ws & ~wb):
                    want_v += [float(base.weight[m].sum()), len(set(base.zone[m]))]
                g = got.get((c, t))
                if g is None:
                    bad.append(f"{c} within {t}: no summary line")
                elif any(abs(x - y) > 1e-9 for x, y in zip(g, want_v)):
                    bad.append(f"{c} within {t}: reach {g[0]:g} in {g[1]} ward(s) lose, {g[2]:g} in {g[3]} gain; "
                               f"oracle {want_v[0]:g} in {want_v[1]}, {want_v[2]:g} in {want_v[3]}")
        case.check(f"{sn}: the stderr summary names the edit's trips and the oracle's weight and wards losing and "
                   "gaining per category and threshold", bad, f"{len(mine)} modification lines: {' | '.join(mine)}")

    # the figures a README can quote
    for s in SCENARIOS:
        sn = s["name"]
        fig = figs[sn]
        dep = fig.table.bus_departures_per_hour - base.table.bus_departures_per_hour
        lines = [f"bus departures/h down in {int((dep < -1e-9).sum())} wards, up in {int((dep > 1e-9).sum())}"]
        for (c, t, kind), (n, w, z) in summary[sn].items():
            if n:
                lines.append(f"{c} within {t} min {kind}: {n} origins (weight {w:g}) in {z} wards")
        print(f"     figures {sn}: " + "; ".join(lines))
    print(f"     oracle total {time.perf_counter() - t_start:.0f}s")
    return case


CASES = {CASE: case_newport}


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
    if args.cmd == "prepare":
        return prepare(args)
    return run_cases(args, CASES.get)


if __name__ == "__main__":
    sys.exit(main())
