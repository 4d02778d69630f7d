"""Peer for `reach broadband` (docs/broadband.md): the same job end to end with pandas + geopandas, for
tools/bench/broadband.sh to time and compare.

Steps (each timed; `broadband_peer: timings: ...` on stderr, as reach prints its steps):
1. directory: pandas read_csv of the postcode directory (postcode column by docs/broadband.md's key patterns,
   `oseast1m`/`osnrth1m` in EPSG:27700 when the file has them, else `lat`/`long` (or `latitude`/`longitude`, or
   --x-field/--y-field with --postcodes-crs) reprojected by pyproj with the network off); postcodes normalised
   (ASCII upper case, spaces removed); rows with no coordinates or the ONSPD's latitude 99.999999 place nothing;
   a postcode twice is an error.
2. ofcom: each file read by pandas (keys as text, measures as numbers with '' and 'N/A' missing), its header
   matched on its own (normalised names against the table of docs/broadband.md; counts preferred over
   percentages; `% unable to receive 10Mbit/s` stands in for a missing USO column); values range-checked;
   records merged by normalised key across files, a row giving a measure its key already has is a `duplicate`.
3. wards: every *.json/*.geojson of each --wards (sorted names) with pyogrio, concatenated in order, to_crs
   EPSG:27700, make_valid where invalid (tools/reachtools/inputs.py read_zones(engine="pyogrio"), timed here).
4. join: records placed at their postcode's point, then gpd.sjoin(points, wards, predicate="intersects"); for a
   point that intersects several wards (on a shared boundary) the first ward in layer order wins. For a point and
   a polygon, intersects is covers, the rule of docs/broadband.md ("the first zone whose boundary covers it";
   predicate="within" would drop points exactly on a boundary).
5. indicators: per ward, with pandas groupby: records, premises, 100 x sum n / sum w per coverage measure (n = the
   count, else pct / 100 x w; w = All Premises when every coverage file has it, else 1), the weighted median of
   docs/broadband.md (sort by ward and speed, cumulative weight, first k with 2 x cum >= W, the mean of v_k and
   v_k+1 on an exact tie), unmatched records attributed by postcode sector; rounded half away from zero to 0.01
   and 0.001 (on the float's shortest decimal form).
6. write: CSV, one row per ward in input order: the code field, then the broadband properties (only the measures
   some file has), then reach_warning; null = empty field.

usage: broadband_peer.py --wards DIR [--wards ...] [--code-field WD13CD] --postcodes DIR.csv
                         [--x-field F --y-field F --postcodes-crs CRS] --ofcom FILE [--ofcom ...]
                         [--unmatched-out U.csv] --out OUT.csv
"""

import argparse
import os
import re
import sys
import time
from decimal import ROUND_HALF_UP, Decimal

os.environ.setdefault("PROJ_NETWORK", "OFF")  # EPSG:4326 -> 27700 by the Helmert (6), as reach's PROJ

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyproj  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.inputs import read_zones  # noqa: E402

WORKING_CRS = "EPSG:27700"
POSTCODE_RE = r"[A-Z][A-Z0-9]{1,3}[0-9][A-Z]{2}"
NA = ["", "N/A"]
# docs/broadband.md's table, normalised names; the first pattern that a header has wins.
PATTERNS = {
    "postcode": ["postcode space", "structured postcode", "pcds", "postcode", "pcd", "pcd2"],
    "premises": ["all premises", "total premises", "premises"],
    "sfbb_pct": ["sfbb availability (% premises)"],
    "sfbb_count": ["number of premises with sfbb availability"],
    "ufbb_pct": ["ufbb availability (% premises)", "ufbb (300mbit/s) availability (% premises)"],
    "ufbb_count": ["number of premises with ufbb availability"],
    "full_fibre_pct": ["full fibre availability (% premises)", "fttp availability (% premises)"],
    "full_fibre_count": ["number of premises with full fibre availability"],
    "gigabit_pct": ["gigabit availability (% premises)"],
    "gigabit_count": ["number of premises with gigabit availability"],
    "below_uso_pct": ["% of premises below the uso",
                      "% of premises unable to receive decent broadband from fixed or fwa",
                      "% of premises unable to receive decent broadband"],
    "below_uso_count": ["number of premises below the uso"],
    "below10_pct": ["% of premises unable to receive 10mbit/s"],
    "below10_count": ["number of premises unable to receive 10mbit/s"],
    "median_down_mbps": ["median download speed (mbit/s)"],
}
COVERAGE = ["sfbb", "ufbb", "full_fibre", "gigabit", "below_uso"]
# A record outside every zone is one of its sector's "placed records" (docs/broadband.md: "placed, but in none of the
# zones"), so it stops the sector from claiming unmatched records. False: only records in a zone count.
SECTOR_COUNTS_OUTSIDE = True
# broadband_speed_records counts records with a speed, weight 0 included ("records that had a speed"); False: only
# the median's support.
SPEED_RECORDS_COUNT_WEIGHT_0 = True
MEASURES = COVERAGE + ["median_down_mbps"]


class InputError(Exception):
    pass


def norm_header(h):
    return re.sub(" +", " ", h.lower().replace("_", " ")).strip()


def normalise_postcodes(s):
    """ASCII letters upper-cased, spaces removed; (normalised, is a postcode)."""
    k = s.str.upper().str.replace(" ", "", regex=False)
    return k, k.str.fullmatch(POSTCODE_RE).fillna(False).to_numpy(bool)


def pick(header, role, column_map):
    if role in column_map:
        return column_map[role] if column_map[role] in header else None
    normal = {}
    for h in header:
        normal.setdefault(norm_header(h), h)
    for p in PATTERNS[role]:
        if p in normal:
            return normal[p]
    return None


# ----------------------------------------------------------------------------------------------------------------
# 1. the directory


def read_directory(path, x_field, y_field, crs):
    header = list(pd.read_csv(path, nrows=0).columns)
    key = pick(header, "postcode", {})
    if key is None:
        raise InputError(f"{path}: no postcode column")
    low = {h.lower(): h for h in header}
    if x_field:
        x, y, src = x_field, y_field, crs or "EPSG:4326"
    elif "oseast1m" in low and "osnrth1m" in low:
        x, y, src = low["oseast1m"], low["osnrth1m"], WORKING_CRS
    elif "long" in low and "lat" in low:
        x, y, src = low["long"], low["lat"], "EPSG:4326"
    elif "longitude" in low and "latitude" in low:
        x, y, src = low["longitude"], low["latitude"], "EPSG:4326"
    else:
        raise InputError(f"{path}: no coordinate columns")
    lat_col = low.get("lat") or low.get("latitude")
    cols = list(dict.fromkeys([key, x, y] + ([lat_col] if lat_col else [])))
    d = pd.read_csv(path, usecols=cols, dtype={key: str}, keep_default_na=False, na_values={x: [""], y: [""]})
    k, _ = normalise_postcodes(d[key])
    dup = k.duplicated(keep=False)
    if dup.any():
        lines = (np.flatnonzero(dup.to_numpy())[:2] + 2).tolist()
        raise InputError(f"{path}: postcode {k[dup].iloc[0]} appears twice (lines {lines[0]} and {lines[1]})")
    xs = pd.to_numeric(d[x], errors="coerce").to_numpy(float)
    ys = pd.to_numeric(d[y], errors="coerce").to_numpy(float)
    located = np.isfinite(xs) & np.isfinite(ys)
    if lat_col:
        located &= pd.to_numeric(d[lat_col], errors="coerce").to_numpy(float) != 99.999999
    if src != WORKING_CRS:
        tr = pyproj.Transformer.from_crs(src, WORKING_CRS, always_xy=True)
        xs, ys = tr.transform(np.where(located, xs, 0.0), np.where(located, ys, 0.0))
    return pd.DataFrame({"x": np.where(located, xs, np.nan), "y": np.where(located, ys, np.nan)},
                        index=pd.Index(k.to_numpy(), name="key"))


# ----------------------------------------------------------------------------------------------------------------
# 2. Ofcom files


def read_ofcom(path, column_map):
    """One file's rows: DataFrame key, ok, line, premises, <measure>_n / _p, speed; and its measure roles."""
    header = list(pd.read_csv(path, nrows=0).columns)
    roles = {r: pick(header, r, column_map) for r in PATTERNS}
    if roles["postcode"] is None:
        raise InputError(f"{path}: no postcode key column")
    if roles["below_uso_pct"] is None and roles["below_uso_count"] is None:
        roles["below_uso_pct"], roles["below_uso_count"] = roles["below10_pct"], roles["below10_count"]
    roles = {r: c for r, c in roles.items() if c is not None and not r.startswith("below10")}
    measures = [m for m in COVERAGE if f"{m}_pct" in roles or f"{m}_count" in roles]
    if "median_down_mbps" in roles:
        measures.append("median_down_mbps")
    if not measures:
        raise InputError(f"{path}: no measure column")
    value_cols = [c for r, c in roles.items() if r != "postcode"]
    d = pd.read_csv(path, usecols=list(dict.fromkeys([roles["postcode"]] + value_cols)),
                    dtype={roles["postcode"]: str}, keep_default_na=False, na_values={c: NA for c in value_cols})
    out = pd.DataFrame({"line": np.arange(2, len(d) + 2)})
    k, ok = normalise_postcodes(d[roles["postcode"]])
    out["key"] = k.to_numpy()
    out["raw"] = d[roles["postcode"]].to_numpy()
    out["ok"] = ok

    def col(role):
        c = roles[role]
        v = pd.to_numeric(d[c], errors="coerce")
        bad = v.isna() & d[c].notna()
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(f"{path}: line {i + 2}: field '{c}': {d[c].iloc[i]!r} is not a number")
        return v.to_numpy(float)

    prem = col("premises") if "premises" in roles else np.full(len(d), np.nan)
    if "premises" in roles:
        check(path, roles, "premises", prem, prem, count=True)
    out["premises"] = prem
    for m in COVERAGE:
        if f"{m}_count" in roles:
            v = col(f"{m}_count")
            check(path, roles, f"{m}_count", v, prem, count=True)
            out[f"{m}_n"] = v
            out[f"{m}_is_count"] = True
        elif f"{m}_pct" in roles:
            v = col(f"{m}_pct")
            check(path, roles, f"{m}_pct", v, prem, count=False)
            out[f"{m}_n"] = v
            out[f"{m}_is_count"] = False
    if "median_down_mbps" in roles:
        v = col("median_down_mbps")
        bad = v < 0
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{path}: line {i + 2}: field '{roles['median_down_mbps']}': {v[i]:g} is not a speed")
        out["median_down_mbps_n"] = v
    return out, measures, "premises" in roles


def check(path, roles, role, v, prem, count):
    if count:
        bad = (v < 0) | (v != np.floor(v))
        if role != "premises":
            bad |= v > prem
        what = "a number of premises"
    else:
        bad = (v < 0) | (v > 100)
        what = "a percentage (0–100)"
    bad &= np.isfinite(v)  # no value (empty, N/A) is not an error
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise InputError(f"{path}: line {i + 2}: field '{roles[role]}': {v[i]:g} is not {what}")


def merge_records(frames):
    """Rows of all files in order -> (records by key, unmatched rows). A row is a duplicate when an earlier used
    row of its key gave one of its file's measures; the other rows of a key merge into one record. Keys are
    factorised once to integers; the rest is numpy on those."""
    rows = []
    for fi, (f, measures, _) in enumerate(frames):
        rows.append(f.assign(file=fi, mask=sum(1 << MEASURES.index(m) for m in measures)))
    rows = pd.concat(rows, ignore_index=True)
    bad_key = rows[~rows.ok]
    rows = rows[rows.ok].reset_index(drop=True)
    codes, uniques = pd.factorize(rows["key"])
    mask = rows["mask"].to_numpy()
    # Fast path: per measure bit, the first row of each key having it owns it; a row that is not the owner of one
    # of its bits is a duplicate. Exact when a key has no duplicate; keys with one are redone in order below.
    dup = np.zeros(len(rows), bool)
    for b in range(len(MEASURES)):
        idx = np.flatnonzero((mask >> b) & 1)
        if not len(idx):
            continue
        _, first = np.unique(codes[idx], return_index=True)
        later = np.ones(len(idx), bool)
        later[first] = False
        dup[idx[later]] = True
    if dup.any():
        redo = np.flatnonzero(np.isin(codes, np.unique(codes[dup])))
        seen = {}
        for i in redo.tolist():
            have = seen.get(codes[i], 0)
            dup[i] = bool(have & mask[i])
            if not dup[i]:
                seen[codes[i]] = have | mask[i]
    nkeys = len(uniques)
    used = np.flatnonzero(~dup)
    cu = codes[used]
    # One record per key: the first row's place (never a duplicate); premises from the first used row having them;
    # each measure from the one used row that gave it.
    _, first = np.unique(cu, return_index=True)
    rec = pd.DataFrame({"file": rows["file"].to_numpy()[used[first]], "line": rows["line"].to_numpy()[used[first]]},
                       index=pd.Index(uniques, name="key"))
    prem = np.full(nkeys, np.nan)
    pv = rows["premises"].to_numpy(float)[used]
    have = np.isfinite(pv)
    prem[cu[have][::-1]] = pv[have][::-1]  # reversed: the first such row's value is written last
    rec["premises"] = prem
    for m in MEASURES:
        c = f"{m}_n"
        if c not in rows:
            continue
        g = used[(mask[used] >> MEASURES.index(m)) & 1 == 1]
        v = np.full(nkeys, np.nan)
        v[codes[g]] = rows[c].to_numpy(float)[g]
        rec[c] = v
        if m != "median_down_mbps":
            ic = np.zeros(nkeys, bool)
            ic[codes[g]] = rows[f"{m}_is_count"].fillna(False).to_numpy(bool)[g]
            rec[f"{m}_is_count"] = ic
    d = np.flatnonzero(dup)
    unmatched = pd.concat([
        pd.DataFrame({"file": bad_key["file"], "line": bad_key["line"], "key": bad_key["raw"],
                      "reason": "not a postcode"}),
        pd.DataFrame({"file": rows["file"].to_numpy()[d], "line": rows["line"].to_numpy()[d],
                      "key": rows["key"].to_numpy()[d], "reason": "duplicate"})], ignore_index=True)
    return rec, unmatched


# ----------------------------------------------------------------------------------------------------------------
# 3.-6.


def read_wards(paths):
    """Step 3, as a GeoDataFrame in EPSG:27700 (pyogrio, make-valid where invalid)."""
    return read_zones(paths, engine="pyogrio", crs=WORKING_CRS, repair="make_valid").frame


def round_half_away(values, places):
    """Rounds half away from zero on each float's shortest decimal form (repr), so a sum that lands on 76.625 is
    76.63 as the text shows it; numpy.round rounds half to even on the binary value (76.62)."""
    q = Decimal(1).scaleb(-places)
    return np.array([v if not np.isfinite(v) else float(Decimal(repr(v)).quantize(q, rounding=ROUND_HALF_UP))
                     for v in np.asarray(values, float).tolist()])


def weighted_median(zone, v, w, nzones):
    """docs/broadband.md's weighted median per zone (weight-0 records left out); NaN where none."""
    keep = np.isfinite(v) & (w > 0)
    zone, v, w = zone[keep], v[keep], w[keep]
    o = np.lexsort((v, zone))
    zone, v, w = zone[o], v[o], w[o]
    out = np.full(nzones, np.nan)
    if not len(zone):
        return out
    starts = np.r_[0, np.flatnonzero(np.diff(zone)) + 1]
    ends = np.r_[starts[1:], len(zone)]
    cum = np.cumsum(w)
    base = np.r_[0.0, cum][starts]
    total = np.r_[0.0, cum][ends] - base
    rel = cum - np.repeat(base, ends - starts)  # cumulative weight within the zone
    tot = np.repeat(total, ends - starts)
    reach_half = 2 * rel >= tot
    # First index of each zone reaching W/2.
    idx = np.where(reach_half, np.arange(len(zone)), len(zone))
    k = np.minimum.reduceat(idx, starts)
    tie = (2 * rel[k] == total) & (k + 1 < ends)
    med = np.where(tie, (v[k] + v[np.minimum(k + 1, len(v) - 1)]) / 2, v[k])
    out[zone[starts]] = med
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wards", action="append", required=True)
    ap.add_argument("--code-field", default=None)
    ap.add_argument("--postcodes", required=True)
    ap.add_argument("--x-field")
    ap.add_argument("--y-field")
    ap.add_argument("--postcodes-crs")
    ap.add_argument("--ofcom", action="append", required=True)
    ap.add_argument("--column", action="append", default=[], help="ROLE=HEADER")
    ap.add_argument("--unmatched-out")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    column_map = dict(c.split("=", 1) for c in a.column)
    unknown = set(column_map) - set(PATTERNS) - {"output_area"}
    if unknown or "below10_pct" in column_map or "below10_count" in column_map:
        ap.error(f"--column: unknown role(s) {sorted(unknown)}")
    try:
        return run(a, column_map)
    except InputError as e:
        print(f"broadband_peer: error: {e}", file=sys.stderr)
        return 1


def run(a, column_map):
    t = [time.perf_counter()]
    directory = read_directory(a.postcodes, a.x_field, a.y_field, a.postcodes_crs)
    t.append(time.perf_counter())
    frames = [read_ofcom(p, column_map) for p in a.ofcom]
    records, unmatched = merge_records(frames)
    premises_weights = all(has_prem for _, ms, has_prem in frames if any(m in COVERAGE for m in ms))
    premises_weights &= any(has_prem for _, _, has_prem in frames)
    measures = [m for m in MEASURES if any(m in ms for _, ms, _ in frames)]
    t.append(time.perf_counter())
    wards = read_wards(a.wards)
    code = a.code_field or next(c for c in ("WD23CD", "WD13CD", "area_code", "code") if c in wards.columns)
    t.append(time.perf_counter())

    # Placement.
    xy = directory.reindex(records.index)
    in_dir = records.index.isin(directory.index)
    located = np.isfinite(xy["x"].to_numpy())
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy["x"].to_numpy()[located], xy["y"].to_numpy()[located]),
                           crs=WORKING_CRS)
    j = gpd.sjoin(pts, wards[["geometry"]], predicate="intersects", how="inner")
    first = j.groupby(level=0)["index_right"].min()
    zone = np.full(len(records), -1, dtype=np.int64)
    zone_located = np.full(len(pts), -1, dtype=np.int64)
    zone_located[first.index.to_numpy()] = first.to_numpy()
    zone[located] = zone_located
    records["zone"] = zone
    reason = np.where(~in_dir, "not in the directory", np.where(~located, "no location in the directory",
                                                                np.where(zone < 0, "outside every zone", "")))
    gone = reason != ""
    unmatched = pd.concat([unmatched, pd.DataFrame({"file": records["file"].to_numpy()[gone],
                                                    "line": records["line"].to_numpy()[gone],
                                                    "key": records.index.to_numpy()[gone],
                                                    "reason": reason[gone]})], ignore_index=True)
    t.append(time.perf_counter())

    # Indicators.
    n = len(wards)
    placed = records[records.zone >= 0]
    z = placed.zone.to_numpy()
    out = pd.DataFrame({code: wards[code].astype(str).to_numpy()})
    out["broadband_records"] = np.bincount(z, minlength=n)
    prem = placed["premises"].to_numpy(float)
    if premises_weights:
        w = np.nan_to_num(prem, nan=0.0)
        # A zone with no record: 0 (a sum over no record), as reach writes it.
        out["broadband_premises"] = pd.array(np.bincount(z, weights=w, minlength=n).round().astype(np.int64),
                                             dtype="Int64")
    else:
        w = np.ones(len(placed))
        out["broadband_premises"] = pd.array([pd.NA] * n, dtype="Int64")
    warnings = [[] for _ in range(n)]
    for m in COVERAGE:
        if m not in measures:
            continue
        v = placed[f"{m}_n"].to_numpy(float)
        has = np.isfinite(v)
        is_count = placed[f"{m}_is_count"].to_numpy(bool) & premises_weights
        num = np.where(is_count, v, v / 100.0 * w)
        sw = np.bincount(z[has], weights=w[has], minlength=n)
        sn = np.bincount(z[has], weights=num[has], minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            pct = np.where(sw > 0, 100.0 * sn / sw, np.nan)
        out[f"broadband_{m}_pct"] = round_half_away(pct, 2)
        for i in np.flatnonzero((sw == 0) & (out.broadband_records.to_numpy() > 0)):
            warnings[i].append(f"no premises with a {m} value")
    if "median_down_mbps" in measures:
        v = placed["median_down_mbps_n"].to_numpy(float)
        out["broadband_median_down_mbps"] = round_half_away(weighted_median(z, v, w, n), 3)
        counted = np.isfinite(v) & ((w > 0) | SPEED_RECORDS_COUNT_WEIGHT_0)
        out["broadband_speed_records"] = np.bincount(z[counted], minlength=n)
        for i in np.flatnonzero(out.broadband_median_down_mbps.isna().to_numpy()
                                & (out.broadband_records.to_numpy() > 0)):
            warnings[i].append("no speed")
    # Unmatched records attributed by sector: the sector's placed records (in a zone or outside every zone) all in
    # one zone.
    sec_of = records.index.str[:-3] + " " + records.index.str[-3]
    has_point = located if SECTOR_COUNTS_OUTSIDE else located & (zone >= 0)
    sz = pd.DataFrame({"sector": sec_of[has_point], "zone": zone[has_point]}).groupby("sector")["zone"]
    one = sz.agg(["min", "max"])
    one = one[(one["min"] == one["max"]) & (one["min"] >= 0)]["min"]
    attributable = np.isin(reason, ["not in the directory", "no location in the directory"])
    az = pd.Series(sec_of[attributable]).map(one).dropna().astype(np.int64).to_numpy()
    out["broadband_unmatched_records"] = np.bincount(az, minlength=n)
    empty = out.broadband_records.to_numpy() == 0
    for i in np.flatnonzero(empty):
        warnings[i] = ["no broadband records in the zone"]
    out["reach_warning"] = ["; ".join(x) if x else "" for x in warnings]
    t.append(time.perf_counter())

    tmp = a.out + ".tmp"
    out.to_csv(tmp, index=False)
    os.replace(tmp, a.out)
    if a.unmatched_out:
        unmatched = unmatched.assign(file=[a.ofcom[i] for i in unmatched.file]).sort_values(["file", "line"],
                                                                                             kind="stable")
        unmatched.to_csv(a.unmatched_out, index=False)
    t.append(time.perf_counter())
    counts = unmatched.reason.value_counts().to_dict()
    print(f"broadband_peer: {len(records):,} records, {len(placed):,} placed in {int((~empty).sum()):,} of {n:,} "
          f"wards; unmatched {counts}; weights {'premises' if premises_weights else '1 a record'}", file=sys.stderr)
    names = ["read directory", "read ofcom", "read wards", "join", "indicators", "write"]
    print("broadband_peer: timings: " + ", ".join(f"{k} {t[i + 1] - t[i]:.2f} s" for i, k in enumerate(names))
          + f"; total {t[-1] - t[0]:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
