"""Synthetic but realistic indicator table for all 7,681 English wards of 2013, for `reach score` cross-checks and
benchmarks (tools/crosscheck/scoring.py, tools/bench/score.sh).

Wards: every `*.json` of --wards (default ../shared/data/uk-geojson/wards_by_lad, 326 GeoJSON files, one per local
authority district) in sorted file-name order, then feature order; `WD13CD` and `WD13NM` from each feature's
properties, the LAD code from the file-name stem. Geometry is not used.

Columns: WD13CD, ward_name, lad_code, then nine indicators drawn from a seeded numpy Generator (PCG64), each
driven by a latent "rurality" r = 0.7 a_LAD + 0.7 e_ward (a, e standard normal), so that indicators correlate the
way real ones do (remote wards: long walks, few buses, far stations, slow broadband, more car owners):

  gp_walk_min                  lognormal, median 12 min, 2 dp
  supermarket_walk_min         lognormal, median 10 min, 2 dp
  school_walk_min              lognormal, median 8 min, 1 dp
  bus_departures_per_hour      departures in a 3-hour window / 3 (Poisson), many exact ties, about 5 % zeros
  rail_station_distance_m      lognormal, median 2.5 km, whole metres (written as an integer)
  bus_stop_pop_pct             0-100, 1 dp, about 40 % exactly 100
  broadband_sfbb_pct           0-100, 1 dp, about 10 % exactly 100
  broadband_median_down_mbps   lognormal, median 70 Mbit/s, 1 dp
  households_no_car_pct        1-80, 1 dp

Missing values (empty CSV fields), about 2 % of all cells: scattered over school_walk_min, gp_walk_min,
rail_station_distance_m, households_no_car_pct and broadband_median_down_mbps; 25 wards with both digital
indicators missing (broadband_*), 10 with all three services indicators missing (*_walk_min), 5 with every
transport indicator but households_no_car_pct missing (bus_*, rail_*: with households_no_car_pct weighted 0, the
domain has no weighted value), and 3 wards with every indicator missing.

Numbers are written with repr() (the shortest string that round-trips); output is byte-identical for a given seed.

usage: make_ward_table.py OUT.csv [--wards DIR] [--seed 20190926]
"""

import argparse
import csv
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.inputs import InputError, read_zones  # noqa: E402

INDICATORS = ("gp_walk_min", "supermarket_walk_min", "school_walk_min", "bus_departures_per_hour",
              "rail_station_distance_m", "bus_stop_pop_pct", "broadband_sfbb_pct", "broadband_median_down_mbps",
              "households_no_car_pct")
CODE_FIELD = "WD13CD"
NAME_FIELD = "WD13NM"


def read_wards(folder):
    """[(code, name, lad_code)] in sorted file order (*.json only), then feature order; properties only
    (reachtools.inputs.read_zones with geometry=False)."""
    try:
        z = read_zones(folder, CODE_FIELD, name_field=NAME_FIELD, suffixes=(".json",), geometry=False)
        codes = z.codes
    except InputError as e:
        raise SystemExit(f"make_ward_table: {e}")
    if z.names is None:
        raise SystemExit(f"make_ward_table: no {NAME_FIELD} in {folder}")
    return list(zip(codes, z.names, z.stems()))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def draw(rng, lad_index, n_lads):
    """Indicator columns (float arrays, NaN = missing) for wards whose LAD is lad_index."""
    n = len(lad_index)
    r = 0.7 * rng.standard_normal(n_lads)[lad_index] + 0.7 * rng.standard_normal(n)

    def noise():
        return rng.standard_normal(n)

    cols = {}
    cols["gp_walk_min"] = np.round(np.exp(np.log(12) + 0.35 * r + 0.4 * noise()), 2)
    cols["supermarket_walk_min"] = np.round(np.exp(np.log(10) + 0.4 * r + 0.45 * noise()), 2)
    cols["school_walk_min"] = np.round(np.exp(np.log(8) + 0.3 * r + 0.35 * noise()), 1)
    rate = np.exp(np.log(8) - 0.9 * r + 0.6 * noise())  # departures an hour
    departures = rng.poisson(3 * rate)
    departures[rng.random(n) < sigmoid(2.2 * r - 4.5)] = 0  # wards no bus route reaches
    cols["bus_departures_per_hour"] = departures / 3.0
    cols["rail_station_distance_m"] = np.round(np.exp(np.log(2500) + 0.8 * r + 0.6 * noise()))
    full = rng.random(n) < sigmoid(-1.5 * r - 0.3)
    share = 100 * rng.beta(np.clip(6 - 2.5 * r, 0.5, None), 1.5)
    cols["bus_stop_pop_pct"] = np.where(full, 100.0, np.round(np.minimum(share, 99.9), 1))
    gap = np.exp(np.log(3) + 0.9 * r + 0.8 * noise())
    gap[rng.random(n) < 0.1] = 0.0
    cols["broadband_sfbb_pct"] = np.round(np.clip(100 - gap, 0, 100), 1)
    cols["broadband_median_down_mbps"] = np.round(np.exp(np.log(70) - 0.3 * r + 0.4 * noise()), 1)
    cols["households_no_car_pct"] = np.round(np.clip(25 - 8 * r + 8 * noise(), 1, 80), 1)
    return cols


def punch_holes(rng, cols, n):
    """Missing values; see the module docstring."""
    for name, count in (("broadband_median_down_mbps", 400), ("households_no_car_pct", 350),
                        ("rail_station_distance_m", 300), ("school_walk_min", 150), ("gp_walk_min", 80)):
        cols[name][rng.choice(n, count, replace=False)] = np.nan
    wards = rng.permutation(n)
    groups = ((25, ("broadband_sfbb_pct", "broadband_median_down_mbps")),
              (10, ("gp_walk_min", "supermarket_walk_min", "school_walk_min")),
              (5, ("bus_departures_per_hour", "rail_station_distance_m", "bus_stop_pop_pct")),
              (3, INDICATORS))
    start = 0
    for count, names in groups:
        for name in names:
            cols[name][wards[start:start + count]] = np.nan
        start += count


def number(v, integer=False):
    if np.isnan(v):
        return ""
    return repr(int(v)) if integer else repr(float(v))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--wards", default="../shared/data/uk-geojson/wards_by_lad")
    ap.add_argument("--seed", type=int, default=20190926)
    args = ap.parse_args()

    wards = read_wards(args.wards)
    lads = sorted({w[2] for w in wards})
    lad_index = np.array([lads.index(w[2]) for w in wards])
    rng = np.random.default_rng(args.seed)
    cols = draw(rng, lad_index, len(lads))
    punch_holes(rng, cols, len(wards))

    tmp = args.out + ".tmp"
    with open(tmp, "w", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow([CODE_FIELD, "ward_name", "lad_code", *INDICATORS])
        for i, (code, name, lad) in enumerate(wards):
            out.writerow([code, name, lad,
                          *(number(cols[k][i], integer=k == "rail_station_distance_m") for k in INDICATORS)])
    os.replace(tmp, args.out)
    missing = sum(int(np.isnan(cols[k]).sum()) for k in INDICATORS)
    print(f"make_ward_table: {len(wards)} wards in {len(lads)} LADs, {len(INDICATORS)} indicators, {missing} missing "
          f"values ({100 * missing / (len(wards) * len(INDICATORS)):.1f} %) -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
