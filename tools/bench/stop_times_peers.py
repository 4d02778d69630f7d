"""Peers of `reach departures` for tools/bench/stop_times.sh (parsing GTFS stop_times at scale).

Subcommands:
  pandas   --gtfs FEED            pandas.read_csv(stop_times.txt, dtype=str) with the C parser, from a folder or
                                  streamed out of a zip; prints rows, seconds and rows/s (the fair parse peer)
  gtfs-kit --gtfs FEED --date D [--window 07:00-10:00] --out CSV
                                  gtfs_kit.read_feed (every table, gtfs-kit's dtypes) then departures per stop in
                                  the window with pandas, as docs/transit.md: trips whose service runs on D
                                  (gtfs_kit.get_active_services: calendar + calendar_dates) at their times, and
                                  those running on D-1 at their times minus 24:00:00; a departure is a stop time in
                                  [start, end) that is not its trip's last and whose pickup_type is not 1.
                                  Writes stop_id,departures,departures_per_hour. Stop times without a departure
                                  time (non-timepoints) are not interpolated but counted and reported (none in the
                                  Newport feed); frequencies.txt is not expanded (none in Newport either).
  check    A B [--factor-b K]     per stop_id departures of two CSVs (reach's and a peer's; a missing stop counts 0,
                                  rows of one stop summed, e.g. over feeds) agree, B's multiplied by K; exit 1 if not
  summary  DIR ROWS NAME...       table of NAME.time files ("seconds maxrss_kib" per run) with rows/s
Every timed subcommand prints `<name>: timings: step 1.23 s, ...` on stderr like reach.
"""

import argparse
import io
import os
import statistics
import re
import sys
import time
import zipfile

import numpy as np
import pandas as pd


class Clock:
    def __init__(self, name):
        self.name, self.t0, self.last, self.steps = name, time.perf_counter(), time.perf_counter(), []

    def step(self, label):
        now = time.perf_counter()
        self.steps.append((label, now - self.last))
        self.last = now

    def report(self, extra=""):
        print(f"{self.name}: timings: " + ", ".join(f"{n} {s:.2f} s" for n, s in self.steps), file=sys.stderr)
        print(f"{self.name}: elapsed {time.perf_counter() - self.t0:.2f} s{extra}", file=sys.stderr)


def open_member(feed, name):
    """A binary file object for FEED/name (folder) or the zip member name (at the root or one folder down)."""
    if os.path.isdir(feed):
        return open(os.path.join(feed, name), "rb"), None
    zf = zipfile.ZipFile(feed)
    member = next((n for n in zf.namelist() if n == name or n.endswith("/" + name)), None)
    if member is None:
        raise SystemExit(f"stop_times_peers: {feed} has no {name}")
    return zf.open(member), zf


def pandas_peer(a):
    c = Clock("pandas")
    fh, zf = open_member(a.gtfs, "stop_times.txt")
    with fh:
        df = pd.read_csv(fh, dtype=str, encoding="utf-8-sig")
    if zf:
        zf.close()
    c.step("read stop_times")
    secs = c.steps[-1][1]
    c.report(f" ({len(df)} rows, {len(df.columns)} columns, {len(df) / secs / 1e6:.3f} M rows/s)")


def seconds_of(times):
    """HH:MM:SS strings (H or HH, may exceed 24) -> seconds as float, NaN where missing; parses each distinct
    string once (a feed has far fewer distinct times than stop times)."""
    cat = pd.Categorical(times)
    parts = pd.Series(cat.categories).str.split(":", expand=True).astype(np.int64).to_numpy()
    per = (parts[:, 0] * 3600 + parts[:, 1] * 60 + parts[:, 2]).astype(float)
    out = np.full(len(cat), np.nan)
    ok = cat.codes >= 0
    out[ok] = per[cat.codes[ok]]
    return out


def hhmm(s):
    h, m = s.split(":")[:2]
    return int(h) * 3600 + int(m) * 60


def gtfs_kit_peer(a):
    import gtfs_kit as gk

    c = Clock("gtfs-kit")
    feed = gk.read_feed(a.gtfs, dist_units="km")
    c.step("read feed")
    start, end = (hhmm(x) for x in a.window.split("-"))
    day = pd.Timestamp(a.date)
    ymd, prev = day.strftime("%Y%m%d"), (day - pd.Timedelta(days=1)).strftime("%Y%m%d")
    trips = feed.trips[["trip_id", "service_id"]]
    today = set(trips.loc[trips["service_id"].isin(gk.get_active_services(feed, ymd)), "trip_id"])
    yesterday = set(trips.loc[trips["service_id"].isin(gk.get_active_services(feed, prev)), "trip_id"])
    st = feed.stop_times
    tid = st["trip_id"].to_numpy()
    seq = st["stop_sequence"].to_numpy(dtype=np.int64)
    dep = seconds_of(st["departure_time"])
    missing = int(np.isnan(dep).sum())
    # last stop time of each trip: the largest stop_sequence
    last = pd.Series(seq).groupby(pd.Categorical(tid)).transform("max").to_numpy() == seq
    pickup = st["pickup_type"].to_numpy(dtype="float64", na_value=0.0) if "pickup_type" in st else np.zeros(len(st))
    usable = ~last & (pickup != 1) & ~np.isnan(dep)
    run_today = st["trip_id"].isin(today).to_numpy()
    run_yesterday = st["trip_id"].isin(yesterday).to_numpy()
    win_today = run_today & (dep >= start) & (dep < end)
    win_yday = run_yesterday & (dep - 86400 >= start) & (dep - 86400 < end)
    stops = st["stop_id"].to_numpy()
    counts = pd.Series(np.concatenate([stops[usable & win_today], stops[usable & win_yday]])).value_counts()
    c.step("departures")
    hours = (end - start) / 3600.0
    out = pd.DataFrame({"stop_id": counts.index.astype(str), "departures": counts.to_numpy()})
    out["departures_per_hour"] = out["departures"] / hours
    out.sort_values("stop_id").to_csv(a.out, index=False, float_format="%.4f")
    c.step("write")
    c.report(f" ({len(st)} stop_times rows, {len(today)} trips run on {a.date}, {len(yesterday)} on the day before; "
             f"{int(out['departures'].sum())} departures at {len(out)} stops; {missing} stop times without a time)")


def read_departures(path):
    df = pd.read_csv(path, dtype={"stop_id": str})
    sid = next((col for col in ("stop_id", "stop", "id") if col in df.columns), None)
    if sid is None or "departures" not in df.columns:
        raise SystemExit(f"check: {path} needs stop_id and departures columns; it has {list(df.columns)}")
    return df.groupby(df[sid].astype(str))["departures"].sum()


def check(a):
    x, y = read_departures(a.a), read_departures(a.b) * a.factor_b
    both = pd.concat([x.rename("a"), y.rename("b")], axis=1).fillna(0)
    diff = (both["a"] - both["b"]).abs()
    bad = both[diff > 0]
    label = f"{os.path.basename(a.a)} vs {'%g x ' % a.factor_b if a.factor_b != 1 else ''}{os.path.basename(a.b)}"
    print(f"{label}: {len(both)} stops, departures {int(both['a'].sum())} vs {int(both['b'].sum())}; "
          f"{len(bad)} stops differ" + (f" (max |diff| {int(diff.max())}, e.g. {bad.head(3).to_dict('index')})"
                                         if len(bad) else ""))
    return 1 if len(bad) else 0


def parse_timings(log):
    steps = {}
    for line in open(log, errors="replace"):
        if "timings:" in line:
            for m in re.finditer(r"([A-Za-z][A-Za-z0-9 +_/()-]*?) ([0-9]+\.[0-9]+) ?s\b", line.split("timings:", 1)[1]):
                steps[m.group(1).strip()] = float(m.group(2))
    return steps


def summary(a):
    rows = int(a.rows)
    table = []
    for spec in a.names:
        name, label = spec.split("|", 1) if "|" in spec else (spec, spec)
        tf = os.path.join(a.dir, f"{name}.time")
        if not os.path.exists(tf):
            table.append((label, None, None, ""))
            continue
        vals = [l.split() for l in open(tf) if l.strip() and l[0].isdigit()]
        secs = statistics.median(float(v[0]) for v in vals)
        mib = max(int(v[1]) for v in vals) / 1024
        logs = sorted(f for f in os.listdir(a.dir) if f.startswith(f"{name}.run") and f.endswith(".log"))
        parsed = [parse_timings(os.path.join(a.dir, f)) for f in logs]
        keys = list(dict.fromkeys(k for p in parsed for k in p))
        steps = []
        for k in keys:
            xs = [p[k] for p in parsed if k in p]
            med = statistics.median(xs)
            rate = f" = {rows / med / 1e6:.2f} M rows/s" if re.search(r"stop.?times|parse", k, re.I) and med > 0 else ""
            steps.append(f"{k} {med:.2f}{rate}")
        # reach reports its own rate: "read 1,094,366 stop times a second (...)"
        own = [float(m.group(1).replace(",", "")) for f in logs for m in
               [re.search(r"read ([0-9,]+) stop times a second", open(os.path.join(a.dir, f), errors="replace").read())] if m]
        if own:
            steps.append(f"self-reported {statistics.median(own) / 1e6:.2f} M rows/s")
        table.append((label, secs, mib, "; ".join(steps)))
    w = max(len(r[0]) for r in table)
    print(f"{'tool':<{w}}  {'median s':>8}  {'M rows/s':>8}  {'peak MiB':>8}  steps (median s)")
    for label, s, m, steps in table:
        if s is None:
            print(f"{label:<{w}}  {'-':>8}  {'-':>8}  {'-':>8}  not run")
        else:
            print(f"{label:<{w}}  {s:>8.2f}  {rows / s / 1e6:>8.2f}  {m:>8.1f}  {steps}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("pandas")
    p.add_argument("--gtfs", required=True)
    p = sub.add_parser("gtfs-kit")
    p.add_argument("--gtfs", required=True)
    p.add_argument("--date", required=True, help="YYYY-MM-DD")
    p.add_argument("--window", default="07:00-10:00")
    p.add_argument("--out", required=True)
    p = sub.add_parser("check")
    p.add_argument("a")
    p.add_argument("b")
    p.add_argument("--factor-b", type=float, default=1.0)
    p = sub.add_parser("summary")
    p.add_argument("dir")
    p.add_argument("rows")
    p.add_argument("names", nargs="+", help="NAME or NAME|label")
    a = ap.parse_args()
    fn = {"pandas": pandas_peer, "gtfs-kit": gtfs_kit_peer, "check": check, "summary": summary}[a.cmd]
    return fn(a) or 0


if __name__ == "__main__":
    sys.exit(main())
