"""Synthetic national postcodes and Ofcom broadband files for tools/bench/broadband.sh and the crosscheck.

Reads the 7,681 English wards (a folder of GeoJSON files, CRS84, code WD13CD; sorted file names, feature order),
projects them to EPSG:27700 (make-valid where invalid, the polygonal part: E05004205; tools/reachtools/inputs.py
read_zones) and scatters N postcode points (default
1,700,000, about the number of live English postcodes) uniformly at random inside them with a fixed seed, by
vectorised shapely rejection sampling in each ward's bounding box (make_national_stops.sample_in). Coordinates are
rounded to whole metres, as in the ONSPD.

Allocation: the same number of points in every ward (largest remainder, total exactly N). English wards have
roughly equal electorates, so this is a population proxy (postcodes follow addresses, not area): small urban
wards get dense postcodes, large rural ones sparse, about 221 a ward at the default N. `--outside-share` (default
0.005) adds that share of N more points in two boxes outside England (mid Wales, the Scottish central belt), with
postcode areas of their own, so a national file has records `outside every zone` (docs/broadband.md).

Postcodes (unique, valid UK shapes: outward 2-4 characters starting with a letter, inward digit + 2 letters from
Royal Mail's 20 unit letters). Each local authority (file) gets a postcode area: the first 26 files one letter
(`A`...`Z`), the others two letters; every fifth authority uses districts of the `9A` kind (`A1A`, `AB1A`), the
rest numbered districts (`A1`, `A12`, `AB1`, `AB12`), so every outward shape occurs. Wards are visited in Morton
order of their point on surface (1 km grid) within their authority, points in Morton order (50 m grid) within
their ward, and numbered into sectors of 100-300 units (10 sectors a district), so a sector is spatially
coherent: at the start of a ward a new sector begins with probability 0.7, otherwise the current one carries on
into the next ward (so some sectors straddle two wards, as real ones do). Units are a random draw from the 400
unit codes of the sector, which leaves at least 100 unused for postcodes that are not in the directory.

Files written into OUT_DIR (each through a temporary file renamed into place; same seed and N, same bytes):
- onspd.csv: pcd (7 characters, outward padded to 4), pcds (spaced), oseast1m, osnrth1m (whole metres), lat,
  long (6 dp, from the rounded grid position, EPSG:27700 -> 4326 by pyproj); sorted by pcd as the ONSPD is;
  0.1 % of the rows have no location (empty oseast1m/osnrth1m, lat 99.999999, long 0.000000, the ONSPD's mark).
- coverage.csv: Ofcom's 2022-onwards postcode coverage layout (postcode, postcode_space, postcode area, All
  Premises, All Matched Premises, SFBB / UFBB (100Mbit/s) / UFBB / Full Fibre / Gigabit availability (% premises),
  % of premises unable to receive 10Mbit/s, % of premises below the USO, Number of premises with SFBB
  availability, Number of premises with Full Fibre availability), sorted by `postcode`. Rows: the directory's
  postcodes less 3 % that Ofcom does not list, plus 1 % postcodes not in the directory (four fifths unused units
  of existing sectors, so docs/broadband.md's sector rule can attribute them, one fifth in sectors with no
  directory postcode), plus 0.01 % malformed keys (`not a postcode`). In 5 % of the rows `postcode_space` is
  written in lower case or without its space (normalisation). Premises: 3 % zero, else 1 + a negative binomial
  (mean about 16), at most 80. Availability counts nest (full fibre <= gigabit <= UFBB <= UFBB 100 <= SFBB <=
  premises; below the USO among those without SFBB, unable to get 10 Mbit/s among those), each either all of the
  postcode's premises (probability from the ward's area: urban wards well served) or a binomial share; the
  percentages are the counts as whole percentages of All Premises (0 when there are no premises).
- performance.csv: Ofcom's performance layout (postcode, postcode_space, postcode area, Median download speed
  (Mbit/s)) for the same keys as coverage.csv except the malformed ones, in the same order; speed with one
  decimal (lognormal around 80, 45 or 6 Mbit/s by the postcode's full fibre / superfast share), `N/A` where the
  postcode has no premises and for 10 % more; 5 % of postcode_space fields varied as above, drawn independently.
No key appears twice in a file and no performance-only key exists, so the run has no `duplicate` records and
every record has an All Premises value (a record with none would weigh 0: docs/broadband.md).

usage: make_postcodes.py --wards DIR --out-dir DIR [--points 1700000] [--seed 20220505] [--outside-share 0.005]
"""

import argparse
import os
import sys
import time

import numpy as np
import pyproj
import shapely

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from make_national_stops import allocate, sample_in  # noqa: E402  (tools/bench/make_national_stops.py)
from reachtools.inputs import read_zones  # noqa: E402

UNIT_LETTERS = np.array(list("ABDEFGHJLNPQRSTUWXYZ"))  # Royal Mail's inward unit letters (no C I K M O V)
UNITS = len(UNIT_LETTERS) ** 2  # 400 unit codes a sector
FILL = (100, 300)  # units a sector takes from the directory
NEW_SECTOR_AT_WARD = 0.7
NO_LOCATION = 0.001
NOT_IN_OFCOM = 0.03
NOT_IN_DIRECTORY = 0.01
NEW_SECTOR_SHARE = 0.2  # of the not-in-directory postcodes: in sectors with no directory postcode
MALFORMED = 0.0001
VARIED_KEY = 0.05
SPEED_NA = 0.10
CHUNK = 100_000  # rows written at a time
# Boxes outside England in EPSG:27700 (x0, y0, x1, y1): mid Wales, the Scottish central belt.
OUTSIDE_BOXES = ((262000, 245000, 300000, 285000), (250000, 650000, 320000, 700000))
COVERAGE_COLUMNS = [
    "postcode", "postcode_space", "postcode area", "All Premises", "All Matched Premises",
    "SFBB availability (% premises)", "UFBB (100Mbit/s) availability (% premises)", "UFBB availability (% premises)",
    "Full Fibre availability (% premises)", "Gigabit availability (% premises)",
    "% of premises unable to receive 10Mbit/s", "% of premises below the USO",
    "Number of premises with SFBB availability", "Number of premises with Full Fibre availability"]
PERFORMANCE_COLUMNS = ["postcode", "postcode_space", "postcode area", "Median download speed (Mbit/s)"]


def read_wards(folder):
    """(codes (WD13CD, else code), authority (file) index per ward, EPSG:27700 geometries made valid where invalid
    (the polygonal part), count repaired, file count) of a folder of GeoJSON files in sorted name order."""
    z = read_zones(folder, ("WD13CD", "code"), repair="polygonal")
    return z.codes, z.file_index, z.geoms, int(z.repaired.sum()), len(z.files)


def morton(x, y, cell):
    """Morton (Z-order) key of points on a grid of `cell` metres: nearby points get nearby keys."""
    def spread(v):
        v = v.astype(np.uint64) & np.uint64(0xFFFF)
        for s, m in ((8, 0x00FF00FF), (4, 0x0F0F0F0F), (2, 0x33333333), (1, 0x55555555)):
            v = (v | (v << np.uint64(s))) & np.uint64(m)
        return v
    gx = np.floor((x - x.min()) / cell) if len(x) else x
    gy = np.floor((y - y.min()) / cell) if len(y) else y
    return spread(gx) | (spread(gy) << np.uint64(1))


def area_name(i):
    """Postcode area of authority i: one letter for the first 26, then two letters (AA, AB, ...)."""
    a = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return a[i] if i < 26 else a[(i - 26) // 26 % 26] + a[(i - 26) % 26]


def district_name(lad_index, j):
    """District j (0-based) of an authority: every fifth authority A9A-style (1A..1F, 2A..), the rest 1..99."""
    if lad_index % 5 == 4:
        return f"{1 + j // 6}{'ABCDEF'[j % 6]}"
    assert j < 99, "more than 99 districts in one authority"
    return str(j + 1)


def rank_in_runs(sorted_ids):
    """0, 1, 2, ... within each run of equal values of a sorted array."""
    n = len(sorted_ids)
    first = np.r_[0, np.flatnonzero(np.diff(sorted_ids)) + 1] if n else np.array([], dtype=np.int64)
    return np.arange(n) - np.repeat(first, np.diff(np.r_[first, n]))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wards", required=True, help="folder of ward GeoJSON files, CRS84")
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("--points", type=int, default=1_700_000, help="postcode points inside the wards")
    ap.add_argument("--seed", type=int, default=20220505)
    ap.add_argument("--outside-share", type=float, default=0.005,
                    help="extra points outside England, as a share of --points (default 0.005)")
    a = ap.parse_args()

    t0 = time.perf_counter()
    codes, lad, bng, repaired, nfiles = read_wards(a.wards)
    counts = allocate(shapely.area(bng), a.points, 1.0)  # equal share: the same number in every ward
    t_read = time.perf_counter()

    rng = np.random.default_rng(a.seed)
    # Authorities 0..nfiles-1 are England's; two more for the boxes outside England.
    n_out = int(round(a.points * a.outside_share))
    out_counts = allocate(np.array([1.0, 1.0]), n_out, 1.0) if n_out else np.zeros(2, dtype=np.int64)

    # Visiting order: authorities in file order; wards by Morton order of their point on surface (1 km grid).
    rep = shapely.get_coordinates(shapely.point_on_surface(bng))
    wkey = morton(rep[:, 0], rep[:, 1], 1000.0)
    ward_order = np.lexsort((np.arange(len(bng)), wkey, lad))

    xs, ys, sect, ward_of = [], [], [], []
    # Sector numbering runs per authority: (authority, sector number within it).
    sector_lad, sector_no, sector_fill = [], [], []
    cur_fill = cur_used = 0
    cur_lad = -1

    def new_sector(la):
        nonlocal cur_fill, cur_used
        sector_lad.append(la)
        sector_no.append(0 if not sector_no or sector_lad[-2] != la else sector_no[-1] + 1)
        cur_fill = int(rng.integers(FILL[0], FILL[1] + 1))
        sector_fill.append(cur_fill)
        cur_used = 0

    def place(pts, la, ward):
        """Numbers the points (already in their visiting order) into sectors of authority la."""
        nonlocal cur_used
        nonlocal cur_lad
        if la != cur_lad or rng.random() < NEW_SECTOR_AT_WARD or cur_used >= cur_fill:
            new_sector(la)
            cur_lad = la
        ids = np.empty(len(pts), dtype=np.int64)
        i = 0
        while i < len(pts):
            take = min(cur_fill - cur_used, len(pts) - i)
            ids[i:i + take] = len(sector_lad) - 1
            cur_used += take
            i += take
            if i < len(pts):
                new_sector(la)
        xs.append(pts[:, 0])
        ys.append(pts[:, 1])
        sect.append(ids)
        ward_of.append(np.full(len(pts), ward))

    for w in ward_order:
        pts = np.round(sample_in(bng[w], int(counts[w]), rng))
        key = morton(pts[:, 0], pts[:, 1], 50.0)
        place(pts[np.argsort(key, kind="stable")], int(lad[w]), int(w))
    for b, k in enumerate(out_counts):
        x0, y0, x1, y1 = OUTSIDE_BOXES[b]
        pts = np.round(np.column_stack([rng.uniform(x0, x1, k), rng.uniform(y0, y1, k)]))
        key = morton(pts[:, 0], pts[:, 1], 50.0)
        place(pts[np.argsort(key, kind="stable")], nfiles + b, -1)
    x = np.concatenate(xs)
    y = np.concatenate(ys)
    sid = np.concatenate(sect)
    ward_of = np.concatenate(ward_of)
    sector_lad = np.array(sector_lad)
    sector_no = np.array(sector_no)
    n = len(x)
    t_sample = time.perf_counter()

    # Sector names: outward code + " " + sector digit. Outside boxes get areas after England's.
    def outward(la, s):
        return area_name(la) + district_name(la, s // 10)
    sector_outward = np.array([outward(int(la), int(s)) for la, s in zip(sector_lad, sector_no)], dtype=object)
    sector_digit = (sector_no % 10).astype(str)
    sector_area = np.array([area_name(int(la)) for la in sector_lad])
    # Unit codes: a random permutation of the 400 per sector; the directory takes the first ones in order.
    perms = rng.permuted(np.tile(np.arange(UNITS, dtype=np.int16), (len(sector_lad), 1)), axis=1)
    first = np.r_[0, np.flatnonzero(np.diff(sid)) + 1]  # points of a sector are consecutive
    unit = perms[sid, rank_in_runs(sid)]
    units_used = np.bincount(sid, minlength=len(sector_lad))

    def unit_text(u):
        return np.char.add(UNIT_LETTERS[u // 20], UNIT_LETTERS[u % 20])

    outw = sector_outward[sid].astype(str)
    inward = np.char.add(sector_digit[sid], unit_text(unit))
    pcds = np.char.add(np.char.add(outw, " "), inward)
    pcd = np.char.add(np.char.ljust(outw, 4), inward)
    assert len(np.unique(pcds)) == n, "postcodes are not unique"

    # The directory: whole metres, lat/long from the grid position; 0.1 % with no location.
    tr = pyproj.Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(x, y)
    noloc = rng.random(n) < NO_LOCATION
    t_names = time.perf_counter()

    os.makedirs(a.out_dir, exist_ok=True)
    order = np.argsort(pcd, kind="stable")
    e_txt = np.where(noloc, "", x.astype(np.int64).astype(str))
    n_txt = np.where(noloc, "", y.astype(np.int64).astype(str))
    lat_txt = np.where(noloc, "99.999999", np.char.mod("%.6f", lat))
    lon_txt = np.where(noloc, "0.000000", np.char.mod("%.6f", lon))
    write_csv(os.path.join(a.out_dir, "onspd.csv"), ["pcd", "pcds", "oseast1m", "osnrth1m", "lat", "long"],
              [pcd[order], pcds[order], e_txt[order], n_txt[order], lat_txt[order], lon_txt[order]])
    t_dir = time.perf_counter()

    # Ofcom records: most directory postcodes, then postcodes not in the directory, then malformed keys.
    in_ofcom = rng.random(n) >= NOT_IN_OFCOM
    rec_out = [outw[in_ofcom]]
    rec_in = [inward[in_ofcom]]
    rec_ward = [ward_of[in_ofcom]]
    rec_area = [sector_area[sid[in_ofcom]]]
    n_extra = int(round(n * NOT_IN_DIRECTORY))
    n_new = int(round(n_extra * NEW_SECTOR_SHARE))
    n_old = n_extra - n_new
    # (a) unused units of existing sectors (each sector keeps at least 100 unused codes).
    free = UNITS - units_used
    pick = rng.choice(len(sector_lad), size=n_old, replace=True, p=free / free.sum())
    pick.sort(kind="stable")
    k = rank_in_runs(pick)
    ok = units_used[pick] + k < UNITS
    pick, k = pick[ok], k[ok]
    u = perms[pick, units_used[pick] + k]
    rec_out.append(sector_outward[pick].astype(str))
    rec_in.append(np.char.add(sector_digit[pick], unit_text(u)))
    rec_area.append(sector_area[pick])
    # The ward of the sector's first point, for the speed/coverage profile.
    rec_ward.append(ward_of[first[pick]])
    # (b) sectors with no directory postcode: one district past each authority's last, any sector digit.
    last_no = np.zeros(nfiles + 2, dtype=np.int64)
    np.maximum.at(last_no, sector_lad, sector_no)
    la = rng.integers(0, nfiles, n_new)
    dist = last_no[la] // 10 + 1
    digit = rng.integers(0, 10, n_new)
    uu = rng.integers(0, UNITS, n_new)
    new_out = np.array([area_name(int(l_)) + district_name(int(l_), int(d)) for l_, d in zip(la, dist)], dtype=str)
    new_in = np.char.add(digit.astype(str), unit_text(uu))
    spaced = np.char.add(np.char.add(new_out, " "), new_in)
    _, keep = np.unique(spaced, return_index=True)
    keep.sort()
    rec_out.append(new_out[keep])
    rec_in.append(new_in[keep])
    rec_area.append(np.array([area_name(int(l_)) for l_ in la[keep]]))
    # A ward of the authority for the profile: its first ward.
    first_ward = np.full(nfiles, -1)
    for w in range(len(lad) - 1, -1, -1):
        first_ward[lad[w]] = w
    rec_ward.append(first_ward[la[keep]])
    r_out = np.concatenate(rec_out)
    r_in = np.concatenate(rec_in)
    r_ward = np.concatenate(rec_ward)
    r_area = np.concatenate(rec_area)
    r_key = np.char.add(r_out, r_in)  # Ofcom's `postcode`: no space
    r_space = np.char.add(np.char.add(r_out, " "), r_in)
    assert len(np.unique(r_key)) == len(r_key), "Ofcom keys are not unique"
    # (c) malformed keys.
    n_bad = max(1, int(round(n * MALFORMED)))
    bad_forms = np.array(["UNKNOWN", "ABCDE 1AB", "1AB 2CD", "M1 1A", "AB12 34C", "A 1AB", "ZZ99", "NO POSTCODE"])
    # Each malformed key once: the forms, then the forms with a serial number appended (still not postcodes).
    bad = np.array([f"{bad_forms[i % len(bad_forms)]}{'' if i < len(bad_forms) else i // len(bad_forms)}"
                    for i in range(n_bad)])

    ranks = np.argsort(r_key, kind="stable")
    r_key, r_space, r_area, r_ward = r_key[ranks], r_space[ranks], r_area[ranks], r_ward[ranks]
    m = len(r_key)
    t_keys = time.perf_counter()

    # Coverage values: per postcode, premises and nested availability counts.
    ward_area_km2 = shapely.area(bng) / 1e6
    rural = np.clip(np.log10(np.maximum(ward_area_km2, 0.1)) / 2.3, 0.0, 1.0)
    r = np.where(r_ward >= 0, rural[np.maximum(r_ward, 0)], 0.5)
    premises = np.where(rng.random(m) < 0.03, 0,
                        np.minimum(80, 1 + rng.negative_binomial(1.5, 1.5 / 16.5, m)))
    matched = premises - rng.binomial(premises, 0.01)

    def nest(parent, p_all, p_share):
        """All of the parent's premises with probability p_all, else a binomial share."""
        return np.where(rng.random(m) < p_all, parent, rng.binomial(parent, p_share))

    sfbb = nest(premises, 0.97 - 0.35 * r, 0.3)
    u100 = nest(sfbb, 0.75 - 0.5 * r, 0.2)
    u300 = nest(u100, 0.85, 0.3)
    gig = nest(u300, 0.9, 0.3)
    ff = nest(gig, 0.55, 0.3)
    uso = nest(premises - sfbb, 0.15 + 0.5 * r, 0.3)
    below10 = nest(uso, 0.85, 0.5)

    def pct(c):
        return np.where(premises > 0, np.floor(100.0 * c / np.maximum(premises, 1) + 0.5), 0).astype(np.int64)

    def varied(spaced_keys):
        """5 % of the keys in lower case (spaced) or without their space."""
        v = rng.random(len(spaced_keys))
        out = np.where(v < VARIED_KEY / 2, np.char.lower(spaced_keys), spaced_keys)
        return np.where((v >= VARIED_KEY / 2) & (v < VARIED_KEY), np.char.replace(spaced_keys, " ", ""), out)

    cov_cols = [r_key, varied(r_space), r_area, premises, matched, pct(sfbb), pct(u100), pct(u300), pct(ff),
                pct(gig), pct(below10), pct(uso), sfbb, ff]
    # Malformed keys: zero premises and values, sorted in with the rest.
    bad_rows = [np.char.replace(bad, " ", ""), bad, np.full(len(bad), "")] + [np.zeros(len(bad), np.int64)] * 11
    cov_cols = [np.concatenate([c, b]) for c, b in zip(cov_cols, bad_rows)]
    corder = np.argsort(np.char.replace(cov_cols[0], " ", ""), kind="stable")
    write_csv(os.path.join(a.out_dir, "coverage.csv"), COVERAGE_COLUMNS, [c[corder] for c in cov_cols])

    # Performance: the same keys (not the malformed ones) in the same order.
    base = np.where(ff >= np.maximum(premises, 1) * 0.5, 80.0, np.where(sfbb >= np.maximum(premises, 1) * 0.5,
                                                                         45.0, 6.0))
    speed = np.round(base * rng.lognormal(0.0, 0.5, m), 1)
    speed_txt = np.where((premises == 0) | (rng.random(m) < SPEED_NA), "N/A", np.char.mod("%.1f", speed))
    write_csv(os.path.join(a.out_dir, "performance.csv"), PERFORMANCE_COLUMNS,
              [r_key, varied(r_space), r_area, speed_txt])
    t_ofcom = time.perf_counter()

    print(f"make_postcodes: {n:,} postcodes ({a.points:,} in {len(codes):,} wards, equal share, {repaired} ward(s) "
          f"repaired with make-valid; {n - a.points:,} outside England; {int(noloc.sum()):,} with no location; "
          f"{len(sector_lad):,} sectors); Ofcom: {m + len(bad):,} coverage records "
          f"({len(r_key) - int(in_ofcom.sum()):,} not in the directory, {len(bad)} malformed), {int((speed_txt == 'N/A').sum()):,} speeds N/A; "
          f"seed {a.seed} -> {a.out_dir}", file=sys.stderr)
    print(f"make_postcodes: timings: read wards {t_read - t0:.2f} s, sample {t_sample - t_read:.2f} s, "
          f"names {t_names - t_sample:.2f} s, write directory {t_dir - t_names:.2f} s, keys {t_keys - t_dir:.2f} s, "
          f"write Ofcom {t_ofcom - t_keys:.2f} s", file=sys.stderr)
    return 0


def write_csv(path, header, columns):
    """Writes columns (numpy arrays of str or int; no field needs quoting) via a renamed temp file."""
    for c in columns:
        assert len(c) == len(columns[0])
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as fh:
        fh.write(",".join(header) + "\n")
        for i in range(0, len(columns[0]), CHUNK):  # in chunks: Python strings of 1.7M rows x 14 fields need GBs
            rows = zip(*(map(str, c[i:i + CHUNK].tolist()) for c in columns))
            fh.write("".join(",".join(r) + "\n" for r in rows))
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
