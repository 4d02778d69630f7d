"""A big GTFS feed for tools/bench/stop_times.sh: a real feed's trips replicated COPIES times.

Copy k (1..COPIES) of every trip gets trip_id `<trip_id>_c<k>` and service_id `<service_id>_c<k>` (calendar.txt
and calendar_dates.txt rows duplicated likewise); its stop_times rows are the original's byte for byte apart from
the trip_id, so copy k runs on exactly the dates the original runs, at the same times. Every other table
(agency, routes, stops, shapes, feed_info, frequencies if any) is copied unchanged. So on any date and window,
each stop's departures in the big feed are COPIES x those in the source feed: the bench checks that.

From the Newport bus feed (204,361 stop_times rows, 5,426 trips) the default 40 copies give 8,174,440 rows
(~710 MB stop_times.txt). Written as a folder OUT_DIR/feed/ and as OUT_DIR/feed.zip (deflate, level 6, files at
the zip's root), each only when missing or made from other arguments (a stamp file holds the arguments).

usage: make_big_gtfs.py --source FEED.zip --out-dir DIR [--copies 40]
"""

import argparse
import csv
import io
import json
import os
import shutil
import sys
import time
import zipfile


def read_member(zf, name):
    try:
        return zf.read(name)
    except KeyError:
        return None


def split_header(data):
    """(header line with its newline, body bytes); a UTF-8 BOM is kept in the header."""
    nl = data.find(b"\n")
    return (data, b"") if nl < 0 else (data[:nl + 1], data[nl + 1:])


def field_index(header, name):
    cols = next(csv.reader([header.decode("utf-8-sig").strip("\r\n")]))
    return cols.index(name)


def replicate_csv(data, column, copies):
    """Rows of a small table (trips, calendar, calendar_dates) COPIES times, `column` suffixed _c<k>; csv module
    (trips.txt has quoted fields)."""
    text = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [r for r in rows[1:] if r]
    i = header.index(column)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for k in range(1, copies + 1):
        for r in body:
            r2 = list(r)
            r2[i] = f"{r[i]}_c{k}"
            w.writerow(r2)
    return out.getvalue().encode("utf-8"), len(body)


def stop_times_chunks(data, copies):
    """stop_times.txt in COPIES chunks of bytes: the header, then per copy every row with its trip_id suffixed.
    Needs trip_id to be the first column and unquoted (true of BODS/ITO feeds); else falls back to csv."""
    header, body = split_header(data)
    if field_index(header, "trip_id") != 0 or b'"' in body:
        raise SystemExit("make_big_gtfs: stop_times.txt must have trip_id first and no quoted fields")
    lines = body.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    parts = [ln.split(b",", 1) for ln in lines]
    tids = [p[0] for p in parts]
    rests = [b"," + p[1] if len(p) > 1 else b"" for p in parts]
    yield header, 0
    for k in range(1, copies + 1):
        sfx = b"_c%d" % k
        yield b"".join(t + sfx + r + b"\n" for t, r in zip(tids, rests)), len(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", required=True, help="GTFS zip to replicate")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--copies", type=int, default=40)
    a = ap.parse_args()

    folder = os.path.join(a.out_dir, "feed")
    zpath = os.path.join(a.out_dir, "feed.zip")
    stamp_path = os.path.join(a.out_dir, "feed.stamp")
    st = os.stat(a.source)
    stamp = json.dumps({"source": os.path.abspath(a.source), "size": st.st_size, "mtime": int(st.st_mtime),
                        "copies": a.copies, "version": 1})
    if os.path.isdir(folder) and os.path.isfile(zpath) and os.path.isfile(stamp_path) \
            and open(stamp_path).read() == stamp:
        print(f"make_big_gtfs: {folder} and {zpath} up to date", file=sys.stderr)
        return 0

    t0 = time.perf_counter()
    os.makedirs(a.out_dir, exist_ok=True)
    if os.path.exists(stamp_path):
        os.remove(stamp_path)
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    with zipfile.ZipFile(a.source) as src:
        names = [n for n in src.namelist() if n.endswith(".txt") and "/" not in n]
        if "stop_times.txt" not in names:
            raise SystemExit(f"make_big_gtfs: {a.source} has no stop_times.txt at its root")
        tables = {n: read_member(src, n) for n in names}

    small = {"trips.txt": "trip_id", "calendar.txt": "service_id", "calendar_dates.txt": "service_id"}
    out = {}
    counts = {}
    for name, data in tables.items():
        if name == "stop_times.txt":
            continue
        if name in small and data.strip():
            out[name], counts[name] = replicate_csv(data, small[name], a.copies)
        else:
            out[name] = data
    # trips.txt also names the service: suffix it too (replicate_csv did trip_id only).
    trips = list(csv.reader(io.StringIO(out["trips.txt"].decode("utf-8"))))
    si = trips[0].index("service_id")
    ti = trips[0].index("trip_id")
    for r in trips[1:]:
        if r:
            r[si] = r[si] + r[ti][r[ti].rindex("_c"):]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(trips)
    out["trips.txt"] = buf.getvalue().encode("utf-8")

    rows = 0
    tmpzip = zpath + ".tmp"
    with zipfile.ZipFile(tmpzip, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in out.items():
            with open(os.path.join(folder, name), "wb") as fh:
                fh.write(data)
            zf.writestr(name, data)
        info = zipfile.ZipInfo("stop_times.txt", time.localtime()[:6])  # a dated entry (zf.open(name) gives 1980)
        info.compress_type = zipfile.ZIP_DEFLATED  # zlib default level (6)
        with open(os.path.join(folder, "stop_times.txt"), "wb") as fh, zf.open(info, "w", force_zip64=True) as zh:
            for chunk, n in stop_times_chunks(tables["stop_times.txt"], a.copies):
                fh.write(chunk)
                zh.write(chunk)
                rows += n
    os.replace(tmpzip, zpath)
    with open(os.path.join(a.out_dir, "feed.rows"), "w") as fh:
        fh.write(f"{rows}\n")
    with open(stamp_path, "w") as fh:
        fh.write(stamp)
    size = os.path.getsize(os.path.join(folder, "stop_times.txt"))
    print(f"make_big_gtfs: {a.copies} copies of {a.source}: {rows} stop_times rows ({size / 1e6:.0f} MB), "
          f"{counts.get('trips.txt', 0) * a.copies} trips -> {folder}/ and {zpath} "
          f"({os.path.getsize(zpath) / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
