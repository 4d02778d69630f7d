"""Cross-checks `reach broadband` against an independent Python reading of docs/broadband.md.

Driven by tools/crosscheck/run.sh (CROSSCHECK_ONLY=broadband runs only this checker):

  broadband.py prepare --data ../shared/data --tmp DIR
      writes the inputs the oracle hands to reach: the hand-made case (DIR/handmade/: zones, an ONSPD-style
      directory, a 2022-layout coverage file and a performance file, numbers worked by hand below) and, when the
      shared wards are present, a national sample from tools/bench/make_postcodes.py (DIR/national/: 50,000
      points, seed 20220505). Prints one line per input.
  broadband.py check --data ../shared/data --tmp DIR --case NAME CASE_DIR [--case ...]
      [--skipped|--failed 'NAME: why' ...]
      for each case, reads the reach arguments run.sh used (CASE_DIR/args, one per line), runs the oracle on the
      same arguments and compares with what reach wrote (the --out file, the --unmatched-out file, CASE_DIR/status
      and CASE_DIR/stderr); one line per check, then 'N passed, M failed' and exit status 1 on failure.
  broadband.py oracle REACH-ARGUMENTS... --out OUT.csv [--unmatched-out U.csv]
      the oracle alone, with reach's flags (docs/broadband.md; `reach broadband --help`): one row per ward, the
      code field then the broadband properties, exact values rounded as reach rounds; null = empty field.
  broadband.py compare [--code-field F] REACH.csv|.geojson OTHER.csv
      every ward and property of two outputs (tools/bench/broadband.sh: reach against tools/bench/broadband_peer.py);
      floats must be equal, or one output unit apart (a rounding midpoint seen from two float sums), reported.

The oracle (no reach code, and none of broadband_peer.py's): Python's csv module row by row, values as exact
fractions (fractions.Fraction of the field's text), header roles matched per file by the table of
docs/broadband.md, records kept in a dict by normalised key in file and line order (a later row that gives a
measure its key already has is a `duplicate`, its file's measure columns deciding what it gives), the directory as
a dict, zones read with geopandas (CRS from the legacy crs member), reprojected to EPSG:27700 by pyproj with the
network off (the Helmert "OSGB36 to WGS 84 (6)" reach's PROJ uses) and made valid; each placed point goes to the
first zone in layer order that covers it (shapely STRtree query, predicate covered_by). Indicators are computed
per zone in exact rational arithmetic: 100 x sum n / sum w, the weighted median by its definition (sorted values,
cumulative weights, exact comparison with W/2), the sector rule by collecting each sector's zones. Only the
rounding to 0.01 / 0.001 is left: a reach value must equal the exact value rounded half away from zero to 1e-9,
or either neighbour when the exact value is a rounding midpoint (reach rounds a float sum).

Cases (inputs in tools/reachtools/crosscheck_cases.py):
  broadband-handmade       DIR/handmade: 4 zones, 10 directory postcodes, 15 coverage and 7 performance rows,
                           one probe per rule; expected numbers worked by hand (HAND_EXPECTED)
  broadband-speeds-only    the hand-made case with perf.csv alone: no coverage file, no premises column
  broadband-trafford-2016  Trafford's 21 wards of 2023, trafford/postcodes.csv (lon/lat), Ofcom 2016 M and WA
                           files (no premises: weight 1 a postcode, % unable to receive 10Mbit/s for the USO)
  broadband-oa-fixture     fixtures/broadband/ (the output-area fixture), when present
  broadband-national       the national sample (2022 layout, counts, separate performance file) over all 7,681
                           wards of 2013; the oracle is also compared with tools/bench/broadband_peer.py

Checks per case: reach exit status 0; one feature/row per ward in input order with the ward's code; the broadband
properties present exactly when docs/broadband.md says (a measure only when some file has it); every ward's every
property (counts exact, percentages and medians as above, nulls in the same places); reach_warning present where
the doc asks for one (a zone with no record, a measure with sum w = 0, records but no speed); the unmatched
records: counts by reason, and each (file name, line, reason, normalised key) of --unmatched-out.

Readings of docs/broadband.md the oracle takes (the most literal where the text allows more than one):
- a row is a record's `duplicate` when its file has a column for a measure the key already has from an earlier
  row, whether or not the values are empty or N/A; a duplicate row is reported as `duplicate` even when its key
  is also not in the directory (the record, placed or not, is the first occurrence's);
- a record that merges rows of two files is one record: one unmatched line (the first occurrence's file and line);
- a sector's "placed records" are those with a point, outside every zone included: one placed record outside
  every zone stops the sector from attributing anything;
- `broadband_speed_records` counts every placed record with a speed, weight 0 included;
- a zone with no record has broadband_premises 0 (Σ premises of no record; "null in every property except the
  counts" could be read either way), with premises weights;
- premises weights need a premises column in some file (and, as the doc says, in every file giving a coverage
  measure): with performance files alone and no premises anywhere, each record weighs 1, not 0 (read literally,
  "every file giving a coverage measure" holds for no such file, and every record would weigh 0: no median at all);
- a file's `% of premises unable to receive 10Mbit/s` stands in for the USO only when that file has no USO column.
(The doc itself now says that a malformed key has no sector and that an empty `All Premises` weighs 0.)
"""

import argparse
import contextlib
import csv
import io
import json
import math
import os
import re
import subprocess
import sys
import time
from fractions import Fraction

os.environ.setdefault("PROJ_NETWORK", "OFF")

import numpy as np  # noqa: E402
import pyproj  # noqa: E402
import shapely  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools import inputs  # noqa: E402
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.inputs import InputError  # noqa: E402  (bad input, as reach reports it: exit 1)
from reachtools.runner import check_status  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
WORKING_CRS = "EPSG:27700"
NATIONAL_POINTS = 50_000
NATIONAL_SEED = 20220505

KEY_ROLES = {
    "postcode": ("postcode space", "structured postcode", "pcds", "postcode", "pcd", "pcd2"),
    "output_area": ("oa21cd", "oa11cd", "output area", "output area code", "oa code", "oa"),
}
VALUE_ROLES = {  # role: normalised header patterns, in order of preference
    "premises": ("all premises", "total premises", "premises"),
    "sfbb_pct": ("sfbb availability (% premises)",),
    "sfbb_count": ("number of premises with sfbb availability",),
    "ufbb_pct": ("ufbb availability (% premises)", "ufbb (300mbit/s) availability (% premises)"),
    "ufbb_count": ("number of premises with ufbb availability",),
    "full_fibre_pct": ("full fibre availability (% premises)", "fttp availability (% premises)"),
    "full_fibre_count": ("number of premises with full fibre availability",),
    "gigabit_pct": ("gigabit availability (% premises)",),
    "gigabit_count": ("number of premises with gigabit availability",),
    "below_uso_pct": ("% of premises below the uso",
                      "% of premises unable to receive decent broadband from fixed or fwa",
                      "% of premises unable to receive decent broadband"),
    "below_uso_count": ("number of premises below the uso",),
    "median_down_mbps": ("median download speed (mbit/s)",),
}
STAND_IN = {"below_uso_pct": ("% of premises unable to receive 10mbit/s",),
            "below_uso_count": ("number of premises unable to receive 10mbit/s",)}
COVERAGE = ("sfbb", "ufbb", "full_fibre", "gigabit", "below_uso")
SPEED = "median_down_mbps"
REASONS = ("not a postcode", "not in the directory", "not in the output areas", "no location in the directory",
           "outside every zone", "duplicate")
ATTRIBUTED = ("not in the directory", "not a postcode", "no location in the directory")
PCT_PLACES, SPEED_PLACES = 2, 3
# Does a record outside every zone count among its sector's "placed records" (so that it stops the sector from
# claiming unmatched records)? docs/broadband.md calls such a record "placed, but in none of the zones": True is the
# literal reading. reach 809418a reads it the other way (only records placed in a zone count).
SECTOR_COUNTS_OUTSIDE = True
# Does broadband_speed_records ("records that had a speed (the median's support)") count a record of weight 0, which
# the median leaves out? True: the literal "records that had a speed". reach 809418a counts only the median's support.
SPEED_RECORDS_COUNT_WEIGHT_0 = True
OA_FIELDS = ("OA21CD", "OA11CD", "area_code")
ZONE_CODE_FIELDS = tuple(c for c, _ in inputs.ZONE_FIELDS)  # WD23CD, WD13CD, area_code, code

def norm_header(name):
    return re.sub(" +", " ", name.lower().replace("_", " ")).strip()


def norm_postcode(raw):
    """(normalised, is a postcode): ASCII letters upper-cased, every space removed; outward code of 2-4 letters or
    digits starting with a letter, inward code a digit and two letters."""
    k = "".join(c.upper() if "a" <= c <= "z" else c for c in raw).replace(" ", "")
    ok = re.fullmatch(r"[A-Z][A-Z0-9]{1,3}[0-9][A-Z]{2}", k) is not None
    return k, ok


def sector(key):
    """`M15 4` of the normalised `M154AB`."""
    return key[:-3] + " " + key[-3]


def number(text):
    """Exact value of a field, None for empty or N/A, ValueError for anything else."""
    if text == "" or text == "N/A":
        return None
    if not re.fullmatch(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*", text):
        raise ValueError(text)
    return Fraction(text.strip())


def round_half_away(q, places):
    """Exact q rounded half away from zero to `places` decimals, as a Fraction."""
    s = Fraction(10) ** places
    x = q * s
    r = math.floor(abs(x) + Fraction(1, 2))
    return Fraction(int(math.copysign(r, x)) if x else 0) / s


def is_midpoint(q, places):
    x = q * Fraction(10) ** places
    return (x - math.floor(x)) == Fraction(1, 2)


# ----------------------------------------------------------------------------------------------------------------
# Inputs


def read_rows(path):
    """(header, [(line, fields)]) of a CSV; line 1 is the header."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        r = csv.reader(fh)
        header = next(r)
        rows = []
        for fields in r:
            rows.append((r.line_num, fields))
    return header, rows


def find_column(header, patterns):
    normal = [norm_header(h) for h in header]
    for p in patterns:
        if p in normal:
            return normal.index(p)
    return None


def read_zones(paths, code_field):
    """(codes, geometries, code field) of the zone files or folders: reachtools.inputs.read_zones (JSON, EPSG:27700,
    make-valid where invalid; code_field or the first of ZONE_CODE_FIELDS); InputError without a code field."""
    z = inputs.read_zones(paths, code_field)
    return z.codes, z.geoms, z.require_code()


def read_directory(path, x_field, y_field, crs):
    """{normalised postcode: (x, y) in EPSG:27700, or None for no location}."""
    header, rows = read_rows(path)
    key = find_column(header, KEY_ROLES["postcode"])
    if key is None:
        raise InputError(f"{path}: no postcode column")
    low = [h.lower() for h in header]
    lat_col = low.index("lat") if "lat" in low else low.index("latitude") if "latitude" in low else None
    if x_field:
        xi, yi, src = header.index(x_field), header.index(y_field), crs or "EPSG:4326"
    elif "oseast1m" in low and "osnrth1m" in low:
        xi, yi, src = low.index("oseast1m"), low.index("osnrth1m"), WORKING_CRS
    elif "long" in low and "lat" in low:
        xi, yi, src = low.index("long"), low.index("lat"), "EPSG:4326"
    elif "longitude" in low and "latitude" in low:
        xi, yi, src = low.index("longitude"), low.index("latitude"), "EPSG:4326"
    else:
        raise InputError(f"{path}: no coordinate columns")
    tr = None if src == WORKING_CRS else pyproj.Transformer.from_crs(src, WORKING_CRS, always_xy=True)
    out, where = {}, {}
    keys, xs, ys = [], [], []
    for line, f in rows:
        k, _ = norm_postcode(f[key])
        if k in where:
            raise InputError(f"{path}: postcode {k} on lines {where[k]} and {line}")
        where[k] = line
        x, y = f[xi].strip(), f[yi].strip()
        no_loc = x == "" or y == "" or (lat_col is not None and f[lat_col].strip() == "99.999999")
        if no_loc:
            out[k] = None
        else:
            keys.append(k)
            xs.append(float(x))
            ys.append(float(y))
    if tr is not None and keys:
        xs, ys = tr.transform(np.array(xs), np.array(ys))
    for k, x, y in zip(keys, np.asarray(xs, float).tolist(), np.asarray(ys, float).tolist()):
        out[k] = (x, y)
    return out


def read_output_areas(path, field):
    """{trimmed upper-cased code: (x, y)}: points as they are, polygons by GEOS point on surface (EPSG:27700)."""
    if path.lower().endswith(".csv"):
        header, rows = read_rows(path)
        low = [h.lower() for h in header]
        code = header.index(field) if field else next(low.index(c.lower()) for c in OA_FIELDS if c.lower() in low)
        for xn, yn, src in (("x", "y", WORKING_CRS), ("easting", "northing", WORKING_CRS),
                            ("long", "lat", "EPSG:4326"), ("lon", "lat", "EPSG:4326"),
                            ("longitude", "latitude", "EPSG:4326")):
            if xn in low and yn in low:
                break
        else:
            raise InputError(f"{path}: no point columns")
        xs = np.array([float(f[low.index(xn)]) for _, f in rows])
        ys = np.array([float(f[low.index(yn)]) for _, f in rows])
        if src != WORKING_CRS:
            xs, ys = pyproj.Transformer.from_crs(src, WORKING_CRS, always_xy=True).transform(xs, ys)
        return {f[code].strip().upper(): (x, y) for (_, f), x, y in zip(rows, xs.tolist(), ys.tolist())}
    codes, geoms, _ = read_zones([path], field or next(c for c in OA_FIELDS if c in _props(path)))
    pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
    xy = shapely.get_coordinates(pts)
    return {c.strip().upper(): (x, y) for c, (x, y) in zip(codes, xy.tolist())}


def _props(path):
    with open(path) as fh:
        return json.load(fh)["features"][0]["properties"]


class Record:
    __slots__ = ("file", "line", "raw", "key", "premises", "values", "given")

    def __init__(self, file, line, raw, key):
        self.file, self.line, self.raw, self.key = file, line, raw, key
        self.premises = None
        self.values = {}  # measure -> (exact value or None, is a count)
        self.given = set()


def file_roles(path, header, column_map, placement):
    """{role: column index} for one file, the key role first; InputError when it matches no layout."""
    roles = {}
    key_role = "postcode" if placement == "postcodes" else "output_area"
    if key_role in column_map:
        if column_map[key_role] in header:
            roles["key"] = header.index(column_map[key_role])
    else:
        i = find_column(header, KEY_ROLES[key_role])
        if i is not None:
            roles["key"] = i
    for role, patterns in VALUE_ROLES.items():
        if role in column_map:
            if column_map[role] in header:
                roles[role] = header.index(column_map[role])
            continue
        i = find_column(header, patterns)
        if i is not None:
            roles[role] = i
    if "below_uso_pct" not in roles and "below_uso_count" not in roles:
        for role, patterns in STAND_IN.items():
            i = find_column(header, patterns)
            if i is not None:
                roles[role] = i
                roles.setdefault("stand_in", True)
    measures = [m for m in COVERAGE if f"{m}_pct" in roles or f"{m}_count" in roles]
    if SPEED in roles:
        measures.append(SPEED)
    if "key" not in roles or not measures:
        raise InputError(f"{path}: matches no known layout (key {KEY_ROLES[key_role]}, measures "
                         f"{[p for ps in VALUE_ROLES.values() for p in ps]})")
    return roles, measures


def read_ofcom(paths, column_map, placement):
    """Records by key (in order), unmatched rows [(file, line, raw key, reason)], per file (measures, has premises,
    stand-in)."""
    records = {}
    unmatched = []
    files = []
    for mapped in column_map.values():
        if not any(mapped in next(csv.reader(open(p, newline="", encoding="utf-8-sig"))) for p in paths):
            raise InputError(f"--column: no file has the header {mapped!r}")
    for fi, path in enumerate(paths):
        header, rows = read_rows(path)
        roles, measures = file_roles(path, header, column_map, placement)
        files.append((measures, "premises" in roles, bool(roles.get("stand_in"))))
        for line, f in rows:
            def value(role, f=f, line=line):
                if role not in roles:
                    return None
                text = f[roles[role]] if roles[role] < len(f) else ""
                try:
                    return number(text)
                except ValueError:
                    raise InputError(f"{path}: line {line}: field '{header[roles[role]]}': {text} is not a number")
            prem = value("premises")

            def bad(role, v, what, f=f, line=line):
                raise InputError(f"{path}: line {line}: field '{header[roles[role]]}': {f[roles[role]]} is not {what}")
            if prem is not None and (prem < 0 or prem.denominator != 1):
                bad("premises", prem, "a number of premises")
            vals = {}
            for m in COVERAGE:
                c, p = value(f"{m}_count"), value(f"{m}_pct")
                if c is not None and (c < 0 or c.denominator != 1 or (prem is not None and c > prem)):
                    bad(f"{m}_count", c, "a number of premises")
                if p is not None and not 0 <= p <= 100:
                    bad(f"{m}_pct", p, "a percentage (0–100)")
                if f"{m}_count" in roles:
                    vals[m] = (c, True)
                elif f"{m}_pct" in roles:
                    vals[m] = (p, False)
            if SPEED in roles:
                s = value(SPEED)
                if s is not None and s < 0:
                    bad(SPEED, s, "a speed")
                vals[SPEED] = (s, False)
            raw = f[roles["key"]]
            if placement == "postcodes":
                key, ok = norm_postcode(raw)
                if not ok:
                    unmatched.append((fi, line, raw, "not a postcode", None))
                    continue
            else:
                key = raw.strip().upper()
            rec = records.get(key)
            if rec is None:
                rec = records[key] = Record(fi, line, raw, key)
            elif rec.given & set(measures):
                unmatched.append((fi, line, raw, "duplicate", (rec.file, rec.line)))
                continue
            rec.given |= set(measures)
            rec.values.update(vals)
            if rec.premises is None and prem is not None:
                rec.premises = prem
    return records, unmatched, files


# ----------------------------------------------------------------------------------------------------------------
# The oracle


def oracle(a):
    """Per zone dicts of exact values (None = null) plus 'warn' (a warning is due), the unmatched list, zone codes,
    the code field and the measures present."""
    column_map = dict(c.split("=", 1) for c in a.column)
    placement = "postcodes" if a.postcodes else "output_areas"
    codes, geoms, code_field = read_zones(a.wards, a.code_field)
    if placement == "postcodes":
        points = read_directory(a.postcodes, a.x_field, a.y_field, a.postcodes_crs)
    else:
        points = read_output_areas(a.output_areas, a.oa_field)
    records, unmatched, files = read_ofcom(a.ofcom, column_map, placement)
    coverage_files = [f for f in files if any(m in COVERAGE for m in f[0])]
    premises_weights = any(f[1] for f in files) and all(f[1] for f in coverage_files)
    present = [m for m in COVERAGE + (SPEED,) if any(m in f[0] for f in files)]

    tree = shapely.STRtree(geoms)
    placed = []  # (record, zone or -1)
    for rec in records.values():
        if rec.key not in points:
            unmatched.append((rec.file, rec.line, rec.raw, "not in the directory" if placement == "postcodes"
                              else "not in the output areas", None))
            continue
        xy = points[rec.key]
        if xy is None:
            unmatched.append((rec.file, rec.line, rec.raw, "no location in the directory", None))
            continue
        hits = tree.query(shapely.Point(xy), predicate="covered_by")
        z = int(hits.min()) if len(hits) else -1
        placed.append((rec, z))
        if z < 0:
            unmatched.append((rec.file, rec.line, rec.raw, "outside every zone", None))
    unmatched.sort(key=lambda u: (u[0], u[1]))

    n = len(codes)
    by_zone = [[] for _ in range(n)]
    for rec, z in placed:
        if z >= 0:
            by_zone[z].append(rec)
    attributed = [0] * n
    if placement == "postcodes":
        sector_zones = {}
        for rec, z in placed:
            if z >= 0 or SECTOR_COUNTS_OUTSIDE:
                sector_zones.setdefault(sector(rec.key), set()).add(z)
        for fi, line, raw, reason, _ in unmatched:
            if reason in ATTRIBUTED:
                key, ok = norm_postcode(raw)
                if not ok:
                    continue  # no sector
                zs = sector_zones.get(sector(key), set())
                if len(zs) == 1 and min(zs) >= 0:
                    attributed[min(zs)] += 1

    rows = []
    for i in range(n):
        recs = by_zone[i]
        row = {"code": codes[i], "broadband_records": len(recs), "broadband_unmatched_records": attributed[i],
               "warn": []}

        def weight(r):
            if not premises_weights:
                return Fraction(1)
            return r.premises if r.premises is not None else Fraction(0)
        # Σ premises of no record is 0 (the table's definition); docs/broadband.md's "null in every broadband
        # property, except the counts" could also be read as null here: reach writes 0.
        row["broadband_premises"] = sum((r.premises or 0) for r in recs) if premises_weights else None
        if not recs:
            row["warn"].append("no records")
        for m in COVERAGE:
            if m not in present:
                continue
            sw = sn = Fraction(0)
            for r in recs:
                v, is_count = r.values.get(m, (None, False))
                if v is None:
                    continue
                w = weight(r)
                sw += w
                sn += v if (is_count and premises_weights) else v / 100 * w
            row[f"broadband_{m}_pct"] = 100 * sn / sw if sw > 0 else None
            if recs and sw == 0:
                row["warn"].append(f"{m}: sum of weights 0")
        if SPEED in present:
            speeds = [(r.values[SPEED][0], weight(r)) for r in recs if r.values.get(SPEED, (None,))[0] is not None]
            row["broadband_speed_records"] = len([1 for _, w in speeds if w > 0 or SPEED_RECORDS_COUNT_WEIGHT_0])
            row["broadband_median_down_mbps"] = weighted_median(speeds)
            if recs and row["broadband_median_down_mbps"] is None:
                row["warn"].append("no speeds")
        rows.append(row)
    info = {"premises_weights": premises_weights, "present": present, "records": len(records),
            "placed": sum(1 for _, z in placed if z >= 0), "stand_in": any(f[2] for f in files)}
    return rows, unmatched, code_field, info


def weighted_median(pairs):
    """docs/broadband.md: values sorted, W = sum w; k the first index whose cumulative weight reaches W/2; the mean
    of v_k and v_k+1 when the cumulative weight at k is exactly W/2 and k < n, else v_k. Weight 0 left out."""
    pairs = sorted((v, w) for v, w in pairs if w > 0)
    if not pairs:
        return None
    total = sum(w for _, w in pairs)
    cum = Fraction(0)
    for k, (v, w) in enumerate(pairs):
        cum += w
        if cum >= total / 2:
            if cum == total / 2 and k + 1 < len(pairs):
                return (v + pairs[k + 1][0]) / 2
            return v
    raise AssertionError("unreachable")


def property_names(present):
    names = ["broadband_records", "broadband_premises"]
    names += [f"broadband_{m}_pct" for m in COVERAGE if m in present]
    if SPEED in present:
        names += ["broadband_median_down_mbps", "broadband_speed_records"]
    names.append("broadband_unmatched_records")
    return names


def places_of(name):
    return SPEED_PLACES if name == "broadband_median_down_mbps" else PCT_PLACES if name.endswith("_pct") else None


def fmt_exact(q, places):
    if q is None:
        return ""
    if places is None:
        return str(int(q))
    return repr(float(round_half_away(q, places)))


# ----------------------------------------------------------------------------------------------------------------
# Reading reach's output and comparing


def read_output(path):
    """(columns, rows as dicts of str|int|float|None, kind) of a reach output: GeoJSON properties or CSV fields."""
    if path.endswith((".geojson", ".json")):
        with open(path) as fh:
            feats = json.load(fh)["features"]
        rows = [f["properties"] for f in feats]
        cols = list(rows[0]) if rows else []
        return cols, rows, "geojson"
    with open(path, newline="", encoding="utf-8") as fh:
        r = list(csv.reader(fh))
    cols = r[0]
    rows = []
    for fields in r[1:]:
        row = {}
        for c, v in zip(cols, fields):
            row[c] = None if v == "" else v
        rows.append(row)
    return cols, rows, "csv"


def as_number(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return math.nan
    if isinstance(v, (int, float)):
        return v
    try:
        return float(v)
    except ValueError:
        return math.nan


def agree(reach, exact, places):
    """'' when reach's value is exact rounded (either neighbour at a midpoint), else a description."""
    if reach is None or exact is None:
        return "" if reach is None and exact is None else "null mismatch"
    if isinstance(reach, float) and math.isnan(reach):
        return "not a number"
    if places is None:
        return "" if reach == exact else "differs"
    want = round_half_away(exact, places)
    if abs(reach - float(want)) <= 1e-9:
        return ""
    if is_midpoint(exact, places):
        other = want - Fraction(1, 10 ** places) * (1 if exact > 0 else -1)
        if abs(reach - float(other)) <= 1e-9:
            return ""
    return "differs"


def compare_with_oracle(case, reach_path, rows, code_field, present, tag="oracle"):
    """Checks reach's --out file against the oracle's rows (exact values)."""
    if not os.path.exists(reach_path):
        case.check("reach output", [f"{reach_path} not found"])
        return
    cols, rr, kind = read_output(reach_path)
    names = property_names(present)
    bad = []
    if len(rr) != len(rows):
        bad.append(f"reach has {len(rr)} wards, the {tag} {len(rows)}")
    for i, (a, b) in enumerate(zip(rr, rows)):
        if str(a.get(code_field)) != b["code"]:
            bad.append(f"ward {i + 1}: reach {code_field} {a.get(code_field)!r}, {tag} {b['code']}")
    case.check(f"wards: {len(rows)}, {code_field} in input order ({kind})", bad)
    if bad:
        return
    have = [c for c in cols if c.startswith("broadband_")]
    missing = [c for c in names if c not in cols]
    extra = [c for c in have if c not in names]
    case.check("broadband properties present exactly as docs/broadband.md says (measures: " +
               ", ".join(present) + ")",
               [f"missing {c}" for c in missing] + [f"unexpected {c}" for c in extra] +
               ([] if "reach_warning" in cols else ["no reach_warning property"]))
    codes = [b["code"] for b in rows]
    for name in names:
        if name not in cols:
            continue
        places = places_of(name)
        bad, worst, where, nulls = [], 0.0, "", 0
        for i, (a, b) in enumerate(zip(rr, rows)):
            rv, ov = as_number(a.get(name)), b[name]
            nulls += ov is None
            if kind == "geojson" and places is None and rv is not None and not isinstance(a.get(name), int):
                bad.append(f"{codes[i]}: reach wrote {a.get(name)!r}, not an integer")
                continue
            why = agree(rv, ov, places)
            if rv is not None and ov is not None and not (isinstance(rv, float) and math.isnan(rv)):
                d = abs(rv - float(ov))
                if d > worst:
                    worst, where = d, codes[i]
            if why:
                bad.append(f"{codes[i]} {name}: reach {fmt_val(a.get(name))}, {tag} {fmt_exact(ov, places) or 'null'}"
                           + (f" (exact {float(ov):.6f})" if ov is not None and places else ""))
        detail = f"max |reach - exact| {worst:.3g}" + (f" at {where}" if where else "") + \
            (f"; {nulls} null" if nulls else "")
        case.check(f"{name} ({'exact' if places is None else f'rounded to {10 ** -places:g}'})", bad, detail)
    bad = []
    for i, (a, b) in enumerate(zip(rr, rows)):
        if b["warn"] and not (a.get("reach_warning") or "").strip():
            bad.append(f"{codes[i]}: no reach_warning, expected one for {', '.join(b['warn'])}")
    nwarn = sum(1 for b in rows if b["warn"])
    case.check("reach_warning where the doc asks for one (no records, sum w = 0, no speeds)", bad,
               f"{nwarn} ward(s) need one")


def fmt_val(v):
    return "null" if v is None else repr(v)


def compare_unmatched(case, reach_path, unmatched, ofcom_paths):
    """reach's --unmatched-out against the oracle's list: columns, counts by reason, every (file name, line, reason,
    normalised key), and for a duplicate the place of the first occurrence named in a `detail` column if any."""
    want = {r: 0 for r in REASONS}
    for u in unmatched:
        want[u[3]] += 1
    if not reach_path or not os.path.exists(reach_path):
        case.check("--unmatched-out file", [f"{reach_path} not found"])
        return
    with open(reach_path, newline="", encoding="utf-8") as fh:
        r = list(csv.reader(fh))
    header, rows = r[0], r[1:]
    four = ["file", "line", "key", "reason"]
    case.check("--unmatched-out columns file,line,key,reason first", [] if header[:4] == four else [f"header {header}"],
               f"then {', '.join(header[4:])}" if len(header) > 4 else "")
    if header[:4] != four:
        return
    got = {x: 0 for x in REASONS}
    unknown = []
    for f in rows:
        if f[3] in got:
            got[f[3]] += 1
        else:
            unknown.append(f"unknown reason {f[3]!r} ({f[0]} line {f[1]})")
    case.check("unmatched counts by reason (" + ", ".join(f"{k} {v}" for k, v in want.items() if v) + ")",
               unknown + [f"{k}: reach {got[k]}, oracle {want[k]}" for k in REASONS if got[k] != want[k]])

    def ident(file, line, key, reason):
        return (os.path.basename(file), int(line), reason, norm_postcode(key)[0])
    mine = {ident(ofcom_paths[u[0]], u[1], u[2], u[3]): u for u in unmatched}
    theirs = {}
    bad = []
    for f in rows:
        try:
            theirs[ident(*f[:4])] = f
        except ValueError:
            bad.append(f"line {f[1]!r} is not a number")
    only_r, only_o = sorted(set(theirs) - set(mine)), sorted(set(mine) - set(theirs))
    bad += [f"only in reach: {x}" for x in only_r[:5]] + [f"only in the oracle: {x}" for x in only_o[:5]]
    if len(only_r) > 5 or len(only_o) > 5:
        bad.append(f"({len(only_r)} only in reach, {len(only_o)} only in the oracle in all)")
    case.check(f"unmatched records: (file name, line, reason, key) of all {len(unmatched)}", bad)
    if "detail" in header:
        d = header.index("detail")
        bad = []
        for k, u in mine.items():
            if u[3] != "duplicate" or k not in theirs:
                continue
            text = theirs[k][d] if d < len(theirs[k]) else ""
            fi, line = u[4]
            if os.path.basename(ofcom_paths[fi]) not in text or not re.search(rf"\bline {line}\b", text):
                bad.append(f"{k}: detail {text!r}, first occurrence {os.path.basename(ofcom_paths[fi])} line {line}")
        case.check(f"duplicates name the first occurrence (detail column; {want['duplicate']} duplicate(s))", bad)


# ----------------------------------------------------------------------------------------------------------------
# Cases


def oracle_parser():
    ap = argparse.ArgumentParser(prog="broadband.py oracle", add_help=False)
    ap.add_argument("--wards", action="append", required=True)
    ap.add_argument("--code-field")
    ap.add_argument("--postcodes")
    ap.add_argument("--x-field")
    ap.add_argument("--y-field")
    ap.add_argument("--postcodes-crs")
    ap.add_argument("--output-areas")
    ap.add_argument("--oa-field")
    ap.add_argument("--ofcom", action="append", required=True)
    ap.add_argument("--column", action="append", default=[])
    ap.add_argument("--unmatched-out")
    ap.add_argument("--out", required=True)
    ap.add_argument("-q", "--quiet", action="store_true")
    ap.add_argument("--strict", action="store_true")
    return ap


# The hand-made case: zones A, B, C, D (1 km squares, EPSG:27700, written as CRS84), an ONSPD-style directory,
# cov.csv (2022 layout: counts for SFBB, percentages for the rest) and perf.csv. Worked by hand:
#   A holds AA1 1AA (10 premises, SFBB 8 of 10, UFBB 50 %, full fibre N/A, speed 10.0), AA1 1AB (30, SFBB 30,
#     UFBB 10 %, full fibre 0 %, speed 30.0; written `aa1 1ab`), AA1 4AB (20, SFBB 0, UFBB N/A, full fibre empty,
#     speed 20.0), AA1 5AB (0 premises, all 0, no speed): records 4, premises 60, sfbb = 100 x 38 / 60 = 63.33,
#     ufbb = 100 x (5 + 3 + 0) / (10 + 30 + 0) = 20.00 (AA1 4AB has no UFBB value), full fibre 0 / 30 = 0.00,
#     median of 10 (w 10), 20 (w 20), 30 (w 30): W = 60, cumulative 10, 30 -> k = 2 reaches 30 = W/2 exactly ->
#     (20 + 30) / 2 = 25.0; speed records 3; unmatched 2: AA1 1AZ (not in the directory, sector AA1 1 all in A)
#     and AA1 5AA (no location, sector AA1 5 has only AA1 5AB, in A).
#   B holds AA1 2AA (5 premises, SFBB 5, UFBB 0 %, speed N/A) and AA1 2AB (15, SFBB 12, UFBB 20 %, speed 8.0):
#     records 2, premises 20, sfbb 85.00, ufbb 100 x 3 / 20 = 15.00, median 8.0 (one speed), speed records 1;
#     unmatched 1: AA1 2ZZ (sector AA1 2 all in B).
#   C: no records -> counts 0 and premises 0 (a sum over no record), everything else null, a warning.
#   D holds AB1 1AA (0 premises, speed 50.0): records 1, premises 0, shares null (sum w = 0) with a warning,
#     median null (its only speed weighs 0) with a warning, speed records 1.
#   (Under the other readings of SECTOR_COUNTS_OUTSIDE and SPEED_RECORDS_COUNT_WEIGHT_0, A claims AA1 4ZZ too, 3,
#   and D has 0 speed records.)
#   Unmatched: `XYZ 123` not a postcode; a second AA1 1AA row in cov.csv and a second AA1 1AB row in perf.csv
#     duplicate; AA1 1AZ, AA1 2ZZ, AA1 4ZZ not in the directory (AA1 4ZZ's sector has AA1 4AA outside every zone,
#     so it is attributed to no zone); AA1 3AA and AA1 5AA no location (sector AA1 3 has no placed record);
#     AA1 4AA outside every zone.
HAND_ZONES = [("A", 400000, 300000), ("B", 401000, 300000), ("C", 403000, 300000), ("D", 405000, 300000)]
HAND_DIRECTORY = [  # pcds, easting, northing (None = no location)
    ("AA1 1AA", 400500, 300500), ("AA1 1AB", 400200, 300800), ("AA1 2AA", 401500, 300500),
    ("AA1 2AB", 401600, 300400), ("AA1 3AA", None, None), ("AA1 4AA", 410000, 300500),
    ("AA1 4AB", 400300, 300300), ("AA1 5AA", None, None), ("AA1 5AB", 400700, 300700),
    ("AB1 1AA", 405500, 300500)]
HAND_COVERAGE = [  # postcode_space, All Premises, SFBB count, UFBB %, Full Fibre %
    ("AA1 1AA", 10, 8, "50", "N/A"), ("aa1 1ab", 30, 30, "10", "0"), ("AA11AA", 10, 10, "100", "100"),
    ("AA1 1AZ", 7, 7, "0", "0"), ("AA1 2ZZ", 3, 3, "0", "0"), ("AA1 3AA", 4, 4, "0", "0"),
    ("AA1 4AA", 9, 9, "0", "0"), ("AA1 4AB", 20, 0, "N/A", ""), ("AA1 4ZZ", 2, 2, "0", "0"),
    ("XYZ 123", 1, 1, "0", "0"), ("AB1 1AA", 0, 0, "0", "0"), ("AA1 2AA", 5, 5, "0", "0"),
    ("AA1 2AB", 15, 12, "20", "0"), ("AA1 5AA", 6, 6, "0", "0"), ("AA1 5AB", 0, 0, "0", "0")]
HAND_PERFORMANCE = [("AA1 1AA", "10.0"), ("AA1 1AB", "30.0"), ("AA1 1AB", "99.0"), ("AA1 4AB", "20.0"),
                    ("AA1 2AA", "N/A"), ("AA1 2AB", "8.0"), ("AB1 1AA", "50.0")]
N = None
HAND_EXPECTED = {  # zone: records, premises, sfbb, ufbb, full fibre, median, speed records, unmatched
    "A": (4, 60, 63.33, 20.0, 0.0, 25.0, 3, 2 if SECTOR_COUNTS_OUTSIDE else 3),
    "B": (2, 20, 85.0, 15.0, 0.0, 8.0, 1, 1),
    "C": (0, 0, N, N, N, N, 0, 0),
    "D": (1, 0, N, N, N, N, 1 if SPEED_RECORDS_COUNT_WEIGHT_0 else 0, 0),
}
HAND_UNMATCHED = {"not a postcode": 1, "duplicate": 2, "not in the directory": 3, "no location in the directory": 2,
                  "outside every zone": 1}


def prepare_handmade(tmp):
    d = os.path.join(tmp, "handmade")
    os.makedirs(d, exist_ok=True)
    tr = pyproj.Transformer.from_crs(WORKING_CRS, "EPSG:4326", always_xy=True)
    feats = []
    for name, x0, y0 in HAND_ZONES:
        ring = [(x0, y0), (x0 + 1000, y0), (x0 + 1000, y0 + 1000), (x0, y0 + 1000), (x0, y0)]
        lon, lat = tr.transform([p[0] for p in ring], [p[1] for p in ring])
        feats.append({"type": "Feature", "properties": {"code": name, "name": f"Zone {name}"},
                      "geometry": {"type": "Polygon", "coordinates": [[[round(a, 9), round(b, 9)]
                                                                       for a, b in zip(lon, lat)]]}})
    with open(os.path.join(d, "zones.geojson"), "w") as fh:
        json.dump({"type": "FeatureCollection", "features": feats}, fh)
    with open(os.path.join(d, "onspd.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["pcd", "pcds", "oseast1m", "osnrth1m", "lat", "long"])
        for pc, e, n in HAND_DIRECTORY:
            out, inw = pc.split(" ")
            if e is None:
                w.writerow([out.ljust(4) + inw, pc, "", "", "99.999999", "0.000000"])
            else:
                lon, lat = tr.transform(e, n)
                w.writerow([out.ljust(4) + inw, pc, e, n, f"{lat:.6f}", f"{lon:.6f}"])
    with open(os.path.join(d, "cov.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["postcode", "postcode_space", "postcode area", "All Premises", "SFBB availability (% premises)",
                    "UFBB availability (% premises)", "Full Fibre availability (% premises)",
                    "Number of premises with SFBB availability"])
        for pc, prem, sf, uf, ff in HAND_COVERAGE:
            pct = round(100 * sf / prem) if prem else 0
            w.writerow([pc.replace(" ", "").upper(), pc, "AA", prem, pct, uf, ff, sf])
    with open(os.path.join(d, "perf.csv"), "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["postcode", "postcode_space", "postcode area", "Median download speed (Mbit/s)"])
        for pc, s in HAND_PERFORMANCE:
            w.writerow([pc.replace(" ", ""), pc, "AA", s])
    print(f"broadband.py prepare: hand-made case in {d} (zones.geojson, onspd.csv, cov.csv, perf.csv)")


def hand_problems(rows, unmatched):
    """The oracle (or reach, given its rows in the same form) against HAND_EXPECTED."""
    names = ["broadband_records", "broadband_premises", "broadband_sfbb_pct", "broadband_ufbb_pct",
             "broadband_full_fibre_pct", "broadband_median_down_mbps", "broadband_speed_records",
             "broadband_unmatched_records"]
    bad = []
    for row in rows:
        want = HAND_EXPECTED[row["code"]]
        for name, w in zip(names, want):
            v = row.get(name)
            v = None if v is None else float(round_half_away(v, places_of(name))) if places_of(name) else int(v)
            if v != w:
                bad.append(f"zone {row['code']} {name}: oracle {v}, hand-worked {w}")
    got = {}
    for u in unmatched:
        got[u[3]] = got.get(u[3], 0) + 1
    if got != HAND_UNMATCHED:
        bad.append(f"unmatched by reason: oracle {got}, hand-worked {HAND_UNMATCHED}")
    return bad


# fixtures/broadband/README.md, Hale Central (E05000831, wards of 2017), worked by hand there.
HALE_CENTRAL = {"broadband_records": 30, "broadband_premises": 3540, "broadband_sfbb_pct": 94.80,
                "broadband_ufbb_pct": 54.24, "broadband_full_fibre_pct": 52.99, "broadband_gigabit_pct": 60.79,
                "broadband_below_uso_pct": 0.88, "broadband_median_down_mbps": 111.0, "broadband_speed_records": 28}


def hale_central_problems(rows, who):
    row = next((r for r in rows if r["code"] == "E05000831"), None)
    if row is None:
        return [f"{who} has no ward E05000831"]
    bad = []
    for name, want in HALE_CENTRAL.items():
        v = row.get(name)
        if isinstance(v, Fraction):
            v = float(round_half_away(v, places_of(name))) if places_of(name) else int(v)
        v = as_number(v)
        if v is None or abs(v - want) > 1e-9:
            bad.append(f"{name}: {who} {fmt_val(row.get(name) if not isinstance(row.get(name), Fraction) else v)}, "
                       f"hand-worked {want:g}")
    return bad


def prepare(args):
    prepare_handmade(args.tmp)
    wards = os.path.join(args.data, "uk-geojson", "wards_by_lad")
    nat = os.path.join(args.tmp, "national")
    if os.path.isdir(wards):
        stamp = os.path.join(nat, f"stamp-{NATIONAL_POINTS}-{NATIONAL_SEED}")
        if not os.path.exists(stamp):
            subprocess.run([sys.executable, os.path.join(ROOT, "tools", "bench", "make_postcodes.py"), "--wards",
                            wards, "--out-dir", nat, "--points", str(NATIONAL_POINTS), "--seed",
                            str(NATIONAL_SEED)], check=True)
            open(stamp, "w").close()
        print(f"broadband.py prepare: national sample in {nat} ({NATIONAL_POINTS:,} points, seed {NATIONAL_SEED})")
    else:
        print(f"broadband.py prepare: no national sample: {wards} not found (shared data absent)")
    return 0


def case_broadband(name, case_dir, data, tmp):
    case = Case(name)
    check_status(case, case_dir)
    with open(os.path.join(case_dir, "args")) as fh:
        argv = [line.rstrip("\n") for line in fh if line.strip()]
    a = oracle_parser().parse_args(argv)
    t0 = time.perf_counter()
    rows, unmatched, code_field, info = oracle(a)
    print(f"     {name}: oracle {info['records']:,} records, {info['placed']:,} placed, weights "
          f"{'premises' if info['premises_weights'] else '1 a record'}, measures {', '.join(info['present'])}"
          f"{', USO from % unable to receive 10Mbit/s' if info['stand_in'] else ''} "
          f"({time.perf_counter() - t0:.1f}s)")
    if name == "broadband-handmade":
        case.self_check("oracle = the hand-worked numbers (HAND_EXPECTED, HAND_UNMATCHED)", hand_problems(rows, unmatched))
        case.self_check("weighted median = brute force on small cases", median_self_test())
    if name == "broadband-oa-fixture":
        case.self_check("oracle = Hale Central (E05000831) worked by hand in fixtures/broadband/README.md",
                   hale_central_problems(rows, "oracle"))
        if os.path.exists(a.out):
            _, rr, _ = read_output(a.out)
            got = [dict(r, code=str(r.get(code_field))) for r in rr]
            case.check("reach = Hale Central (E05000831) worked by hand in fixtures/broadband/README.md",
                       hale_central_problems(got, "reach"))
    compare_with_oracle(case, a.out, rows, code_field, info["present"])
    if a.unmatched_out:
        compare_unmatched(case, a.unmatched_out, unmatched, a.ofcom)
    if name == "broadband-national":
        peer_out = os.path.join(case_dir, "peer.csv")
        cmd = [sys.executable, os.path.join(ROOT, "tools", "bench", "broadband_peer.py")] + \
            [x for x in _without(argv, ("--out", "--unmatched-out", "-q"))] + \
            ["--out", peer_out, "--unmatched-out", os.path.join(case_dir, "peer_unmatched.csv")]
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            case.self_check("tools/bench/broadband_peer.py ran", [p.stderr.strip().splitlines()[-1:]])
        else:
            sub = Case(name)
            with contextlib.redirect_stdout(io.StringIO()) as text:
                compare_with_oracle(sub, peer_out, rows, code_field, info["present"], tag="oracle")
            case.self_check("oracle = tools/bench/broadband_peer.py (pandas, float sums) on every ward and property",
                       [line.strip() for line in text.getvalue().splitlines() if not line.startswith("ok ")])
            compare_unmatched(case, os.path.join(case_dir, "peer_unmatched.csv"), unmatched, a.ofcom)
    return case


def _without(argv, flags):
    out, skip = [], False
    for x in argv:
        if skip:
            skip = False
            continue
        if x in flags:
            skip = x != "-q"
            continue
        out.append(x)
    return out


def median_self_test():
    """Hand cases of the weighted median (docs/broadband.md) plus a brute-force reading on random ones."""
    F = Fraction
    hand = [([(1, 1), (2, 1), (3, 1), (4, 1)], F(5, 2)), ([(1, 1), (2, 1), (3, 1)], 2),
            ([(1, 1), (2, 1), (3, 2)], F(5, 2)), ([(1, 3), (2, 1)], 1), ([(5, 0), (1, 1)], 1), ([(7, 2)], 7), ([(1, 1), (9, 1)], 5), ([(3, 0)], None)]
    bad = [f"{p}: {weighted_median(p)}, hand-worked {w}" for p, w in hand if weighted_median(p) != w]
    rng = np.random.default_rng(7)
    for _ in range(300):
        n = int(rng.integers(1, 8))
        pairs = [(F(int(v)), F(int(w))) for v, w in zip(rng.integers(0, 5, n), rng.integers(0, 4, n))]
        # Brute force: expand each value w times (integer weights); the ordinary median of the expanded list.
        xs = sorted(v for v, w in pairs for _ in range(int(w)))
        if not xs:
            want = None
        elif len(xs) % 2:
            want = xs[len(xs) // 2]
        else:
            want = (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2
        got = weighted_median(pairs)
        # The expanded median averages within the expansion; docs/broadband.md averages v_k and v_k+1, which agree
        # whenever the two middle expanded values are those (always: v_k+1 is the next positive-weight value).
        if got != want:
            bad.append(f"{pairs}: {got}, expanded median {want}")
    return bad


def check(args):
    def fn(name):
        return case_broadband if name.startswith("broadband-") else None
    return run_cases(args, fn)


# ----------------------------------------------------------------------------------------------------------------
# compare (bench) and the oracle CLI


def compare_outputs(case, reach_path, other_path, code_field, other_name):
    """reach's output against another implementation's CSV: every ward, every property; floats equal to 1e-9 or
    one output unit apart (a midpoint rounded from two different float sums: counted, not failed)."""
    rc, rr, _ = read_output(reach_path)
    oc, orows, _ = read_output(other_path)
    code = code_field or next((c for c in ZONE_CODE_FIELDS if c in oc), oc[0])
    names = [c for c in oc if c.startswith("broadband_")]
    bad = []
    if len(rr) != len(orows):
        bad.append(f"reach {len(rr)} wards, {other_name} {len(orows)}")
    for i, (a, b) in enumerate(zip(rr, orows)):
        if str(a.get(code)) != str(b.get(code)):
            bad.append(f"ward {i + 1}: reach {a.get(code)}, {other_name} {b.get(code)}")
    case.check(f"wards: {len(orows)} in both, same order ({code})", bad)
    missing = [c for c in names if c not in rc]
    extra = [c for c in rc if c.startswith("broadband_") and c not in names]
    case.check("same broadband properties", [f"missing in reach: {c}" for c in missing] +
               [f"only in reach: {c}" for c in extra])
    if bad:
        return
    for name in names:
        if name not in rc:
            continue
        places = places_of(name)
        bad, flips, worst = [], [], 0.0
        for a, b in zip(rr, orows):
            x, y = as_number(a.get(name)), as_number(b.get(name))
            if (x is None) != (y is None):
                bad.append(f"{b.get(code)} {name}: reach {fmt_val(a.get(name))}, {other_name} {fmt_val(b.get(name))}")
                continue
            if x is None:
                continue
            d = abs(x - y)
            worst = max(worst, d)
            if places is None:
                if d != 0:
                    bad.append(f"{b.get(code)} {name}: reach {x:g}, {other_name} {y:g}")
            elif d > 1e-9:
                if abs(d - 10 ** -places) <= 1e-9:
                    flips.append(b.get(code))
                else:
                    bad.append(f"{b.get(code)} {name}: reach {x!r}, {other_name} {y!r}")
        case.check(f"{name}" + (" (exact)" if places is None else " (to 1e-9; one-unit rounding flips allowed)"),
                   bad, f"max |diff| {worst:.3g}" + (f"; {len(flips)} rounding flip(s): {', '.join(flips[:5])}"
                                                     if flips else ""))


def compare_cmd(args):
    case = Case(f"{os.path.basename(args.reach)} vs {os.path.basename(args.other)}")
    compare_outputs(case, args.reach, args.other, args.code_field, args.name)
    print(f"{case.passed} passed, {case.failed} failed")
    return 1 if case.failed else 0


def oracle_cmd(argv):
    a = oracle_parser().parse_args(argv)
    try:
        rows, unmatched, code_field, info = oracle(a)
    except InputError as e:
        print(f"broadband.py: error: {e}", file=sys.stderr)
        return 1
    names = property_names(info["present"])
    with open(a.out, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([code_field] + names + ["reach_warning"])
        for r in rows:
            w.writerow([r["code"]] + [fmt_exact(r[n], places_of(n)) for n in names] + ["; ".join(r["warn"])])
    if a.unmatched_out:
        with open(a.unmatched_out, "w", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["file", "line", "key", "reason"])
            for fi, line, raw, reason, first in unmatched:
                w.writerow([a.ofcom[fi], line, raw, reason])
    return 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "oracle":
        return oracle_cmd(sys.argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--data", default="../shared/data")
    p.add_argument("--tmp", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c, ("NAME", "CASE_DIR"))
    m = sub.add_parser("compare")
    m.add_argument("--code-field")
    m.add_argument("--name", default="peer")
    m.add_argument("reach")
    m.add_argument("other")
    args = ap.parse_args()
    return {"prepare": prepare, "check": check, "compare": compare_cmd}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
