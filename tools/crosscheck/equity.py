"""Cross-checks `reach run`'s [equity] and [left_behind] tables (docs/equity.md) against an independent oracle.

Driven by tools/crosscheck/run.sh (`CROSSCHECK_ONLY=equity` runs only this checker: about 5 seconds):

  equity.py prepare --tmp DIR
      writes DIR/study.toml: fixtures/trafford/study.toml with every input path made absolute and its output moved
      to DIR/equity-trafford/out (the case folder is emptied by the runner before reach runs, so the study cannot
      live in it); the copy is read back with tomllib and must equal the original but for those paths.
  equity.py check --data ../shared/data --tmp DIR --case NAME REACH_DIR [--case ...] [--skipped|--failed ...]
      equity-hand      the oracle's self-test on a hand-worked example (REACH_DIR unused; not counted);
      equity-trafford  compares REACH_DIR/out/equity.csv, wards.csv, the `origins` layer of wards.gpkg and the
                       `--progress json` summary on stderr of `reach run DIR/study.toml --progress json`;
      one line per check, then 'N passed, M failed'.
  equity.py table [--study fixtures/trafford/study.toml]
      prints the oracle's equity.csv for a study (long form, as reach writes it) without running reach.

The oracle shares no code with reach (nor with the other checkers):
- origins: the output areas read by geopandas (pyogrio), to EPSG:27700 with pyproj (network off, so the Helmert
  "OSGB36 to WGS 84 (6)" reach's PROJ uses too), shapely point_on_surface, weight = the study's weight_field;
  each origin in the first ward (study order) that covers it (geopandas sjoin, predicate covered_by); origins of
  weight 0 are left out of the measures (docs/equity.md);
- per-origin values: straight-line distance to the nearest point of each service file (`{file stem}_straight`)
  and of each stop file of [coverage] (`bus_stop_distance_m`, `rail_station_distance_m`,
  `metro_stop_distance_m`), every point to EPSG:27700 with pyproj and a scipy cKDTree query;
- classes: the wards' [equity] `class` column (joined from the [[join]] CSV by its key) ranked descending with
  pandas rank(method="min"), group = floor(N r / n) + 1 (r the 0-based rank, n the wards with a value); need =
  [equity] need, else [left_behind] need, the origin's ward's value;
- the measures of docs/equity.md with numpy, in whole-number arithmetic where it decides a boundary (population
  weights are whole numbers, checked): weighted median / p90 = the smallest x whose cumulative weight in
  ascending order reaches p W (compared as 10 C >= 5 W and 10 C >= 9 W); within_{t}_pct = 100 W(x <= t) / W;
  Gini = sum_i w_i x_i (W_below_i - W_above_i) / (W^2 mu) over the sorted values (= sum_ij w_i w_j |x_i - x_j| /
  (2 W^2 mu)), 0 when all values are equal, and again with PySAL (`inequality.gini.Gini`) on each value repeated
  w_i times: its `_gini` is sum_i (2i - n - 1) x_(i) / (n sum x) = sum_ij |x_i - x_j| / (2 n^2 mean), the same
  n (not n - 1) normalisation, so no n/(n - 1) correction is needed (the hand example tells the two apart:
  0.2526 against 0.2807); concentration index CI = 2 sum w_i (x_i - mu)(R_i - 1/2) / (mu W), R_i = (W(need <
  need_i) + W(need = need_i) / 2) / W over the class's origins with a need; Palma: origins by need descending,
  Q(p) = the need at which the cumulative weight from the top first reaches p W (10 C >= 4 W, 10 C >= 9 W), most
  deprived need >= Q(0.4), least deprived need < Q(0.9), palma = mean(least) / mean(most), undefined (empty) when
  a group is empty or the most deprived mean is 0; FGT_a = sum over x > z of w (x - z)^a / z^a / W. A class's
  measures are over its own origins only.
- the thresholds of within_{t}_pct: the figures are computed for every t equity.csv has, and the set is checked
  against docs/equity.md's default: the study's own wards.csv columns `{stem}_within_{t}_pct`,
  `{kind}_pop_pct_{t}m|km`, and 400 m for `bus_stop_pop_pct`;
- [left_behind] from wards.csv's connectivity columns (the score itself is scoring.py's business): k =
  ceil(share n) over the n zones with a connectivity_rank, the need's competition rank (1 + zones with a higher
  need) against ceil(share m); uncertain = need within its cut-off and connectivity_rank_p05 <= k <
  connectivity_rank_p95; the reason's numbers and words; drivers (null unless left behind; the two domains of
  largest weight x {domain}_score_exp, their {domain}_rank, and per domain up to three indicators ranked worst,
  each rank as wards.csv's (rounded) source column ranks it, a tie allowing any rank it spans);
- area_km2 = geopandas area in EPSG:27700 / 1e6, origins_count / origins_weight from the oracle's own sjoin.

Checks of equity-trafford (each compared figure is one check): reach exited 0; the origins layer (count and order,
positions to 1e-6 m, weights, zones); each indicator's per-origin values against the layer (written rounded: to
half a unit of the written decimals + 1e-6 m); per ward area_km2 (5e-5 km² of rounding to 4 decimals + 1e-6),
origins_count, origins_weight, equity_class, left_behind_need_rank, left_behind, left_behind_uncertain,
left_behind_reason, left_behind_drivers; equity.csv's header and rows in order (indicators in study order, `all`
then the groups, measures in docs/equity.md's order); the thresholds per indicator; every figure (counts and the
standard exact, the rest to 1e-9 relative, 1e-12 absolute near 0; empty = undefined on both sides; the Gini against
numpy and PySAL); the json summary's equity figures equal to equity.csv's; its left_behind summary.
Oracle self-checks (not counted; a failure fails the run): the hand example (equity-hand); on Trafford, whole
weights, every ward with an origin, and for every indicator and class the one-pass Gini against the O(n^2) double
sum and PySAL, the quantiles against the repeated-value array.
"""

import json
import math
import os
import re
import sys
import time
import warnings
from fractions import Fraction

os.environ.setdefault("PROJ_NETWORK", "OFF")
warnings.filterwarnings("ignore", category=FutureWarning)

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from inequality.gini import Gini as PysalGini  # noqa: E402
from scipy.spatial import cKDTree  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
from reachtools.checking import Case, checker_main  # noqa: E402
from reachtools.inputs import fixture  # noqa: E402
from reachtools.runner import check_status  # noqa: E402
from reachtools import study_copy  # noqa: E402

WORKING_CRS = "EPSG:27700"
CASE = "equity-trafford"
STUDY = fixture("trafford", "study.toml")
REL_TOL = 1e-9  # measures, relative
ABS_TOL = 1e-12  # measures near 0
XY_TOL_M = 1e-6  # origin positions
DIST_TOL_M = 1e-6  # per-origin values, beyond the written rounding
AREA_TOL_KM2 = 5e-5 + 1e-6  # area_km2 written with 4 decimals, + wards.py's PROJ budget
SELF_TOL = 1e-12  # oracle against itself
INT_MEASURES = {"origins", "missing_origins", "population", "missing_population", "weight", "standard"}
KINDS = {"bus_stops": "bus_stop", "rail_stations": "rail_station", "metro_stops": "metro_stop"}
LOWER_BETTER_SUFFIXES = ("_straight", "_walk", "_cycle", "_car", "_pt", "_distance_m")  # metres and minutes
# Path keys of a study (docs/study.md: relative to the study file's folder), by table.
PATH_KEYS = {"wards": {"files"}, "origins": {"file"}, "distance": {"services", "osm"},
             "coverage": {"bus_stops", "rail_stations", "metro_stops", "naptan", "gtfs"},
             "broadband": {"ofcom", "postcodes", "output_areas"}, "join": {"file"},
             "public_transport": {"services", "osm", "gtfs"}}
CASE_OUT = f"{CASE}/out"

# The hand example (the brief's numbers, worked below): x, w, need, standard z = 30 (lower is better).
HAND = {"x": [10, 20, 30, 40, 60], "w": [1, 2, 1, 3, 3], "need": [5, 10, 20, 30, 40], "z": 30}
# W = 10, mu = 380/10 = 38. Sorted pairs: sum_ij w_i w_j |x_i - x_j| = 2 * 960 = 1920 (1*2*10 + 1*1*20 + 1*3*30 +
# 1*3*50 + 2*1*10 + 2*3*20 + 2*3*40 + 1*3*10 + 1*3*30 + 3*3*20 = 960), Gini = 1920 / (2 * 100 * 38) = 1920/7600;
# the needs rank the origins as x does and no need is tied, so CI = Gini. Palma: from the top, cumulative
# shares .3 .6 .7 .9 1: Q(0.4) = 30 (most deprived: x 40, 60, mean 50), Q(0.9) = 10 (least deprived: need 5, x 10):
# 10 / 50 = 0.2. FGT at 30: x 40 (w 3, gap 1/3) and 60 (w 3, gap 1): FGT0 = 6/10, FGT1 = (1 + 3)/10, FGT2 =
# (1/3 + 3)/10 = 1/3. Also: cumulative weights 1 3 4 7 10, so median (5) = 40, p90 (9) = 60; within 30: 4/10.
HAND_EXPECTED = {"mean": 38.0, "gini": 1920 / 7600, "concentration_index": 1920 / 7600, "palma": 0.2,
                 "fgt0": 0.6, "fgt1": 0.4, "fgt2": 1 / 3, "median": 40.0, "p90": 60.0, "within_30_pct": 40.0}


# ----------------------------------------------------------------------------------------------------------------
# The study and its copy


def absolute(base, p):
    return study_copy.absolute(base, p)


def prepare(args):
    os.makedirs(args.tmp, exist_ok=True)
    return study_copy.prepare(STUDY, CASE_OUT, os.path.join(args.tmp, "study.toml"), PATH_KEYS, absolute, "equity.py")


def load_study(path):
    return study_copy.load(path, PATH_KEYS, absolute)


# ----------------------------------------------------------------------------------------------------------------
# The measures (docs/equity.md)


def whole(w):
    return bool(np.all(w == np.round(w)))


def quantile(x, w, num, den):
    """The smallest x whose cumulative weight in ascending x order reaches num/den of the total (whole weights:
    compared exactly as den * C >= num * W)."""
    o = np.argsort(x, kind="stable")
    c = np.cumsum(w[o])
    return float(x[o][np.nonzero(c * den >= num * c[-1])[0][0]])


def gini(x, w):
    """sum_i w_i x_i (W_below - W_above) / (W^2 mu) over the sorted values; 0 when all values are equal."""
    if np.all(x == x[0]):
        return 0.0
    o = np.argsort(x, kind="stable")
    xs, ws = x[o], w[o]
    big_w = ws.sum()
    mu = (ws * xs).sum() / big_w
    c = np.cumsum(ws)
    return float((ws * xs * ((c - ws) - (big_w - c))).sum() / (big_w * big_w * mu))


def gini_pairs(x, w):
    """sum_ij w_i w_j |x_i - x_j| / (2 W^2 mu), the double sum itself (O(n^2))."""
    if np.all(x == x[0]):
        return 0.0
    big_w = w.sum()
    mu = (w * x).sum() / big_w
    return float((w[:, None] * w[None, :] * np.abs(x[:, None] - x[None, :])).sum() / (2 * big_w * big_w * mu))


def gini_pysal(x, w):
    """PySAL's Gini of each value repeated w times (whole weights only); 0 when all values are equal."""
    if np.all(x == x[0]):
        return 0.0
    return float(PysalGini(np.repeat(x, w.astype(np.int64))).g)


def concentration_index(x, w, need):
    big_w = w.sum()
    mu = (w * x).sum() / big_w
    if mu == 0:
        return math.nan
    r = np.empty(len(x))
    for v in np.unique(need):
        tie = need == v
        r[tie] = (w[need < v].sum() + w[tie].sum() / 2) / big_w
    return float(2 * (w * (x - mu) * (r - 0.5)).sum() / (mu * big_w))


def palma(x, w, need):
    o = np.argsort(-need, kind="stable")
    c = np.cumsum(w[o])
    big_w = c[-1]

    def q(num):  # the need at which the cumulative weight from the top first reaches num/10 of W
        return need[o][np.nonzero(10 * c >= num * big_w)[0][0]]

    most, least = need >= q(4), need < q(9)
    if not most.any() or not least.any():
        return math.nan
    m_most = (w[most] * x[most]).sum() / w[most].sum()
    m_least = (w[least] * x[least]).sum() / w[least].sum()
    return math.nan if m_most == 0 else float(m_least / m_most)


def fgt(x, w, z, alpha, lower_better):
    worse = x > z if lower_better else x < z
    return float((w[worse] * (np.abs(x[worse] - z) / z) ** alpha).sum() / w.sum())


def within(x, w, t, lower_better):
    inside = x <= t if lower_better else x >= t
    return float(100 * w[inside].sum() / w.sum())


def measures(x, w, need, thresholds, standard, lower_better, with_need):
    """{measure: value} of one indicator over one set of origins (x NaN = no value; w > 0), in docs/equity.md's
    order; NaN = undefined. Also 'gini_pysal' (not a measure of reach's)."""
    has = ~np.isnan(x)
    out = {"origins": int(has.sum()), "missing_origins": int((~has).sum()),
           "population": float(w[has].sum()), "missing_population": float(w[~has].sum())}
    x, w, need = x[has], w[has], need[has]
    empty = len(x) == 0
    mu = math.nan if empty else float((w * x).sum() / w.sum())
    out["mean"] = mu
    out["median"] = math.nan if empty else quantile(x, w, 1, 2)
    out["p90"] = math.nan if empty else quantile(x, w, 9, 10)
    for t in thresholds:
        out[f"within_{fmt_t(t)}_pct"] = math.nan if empty else within(x, w, t, lower_better)
    out["gini"] = math.nan if empty else gini(x, w)
    if with_need:
        n_ok = ~np.isnan(need)
        xn, wn, nn = x[n_ok], w[n_ok], need[n_ok]
        out["concentration_index"] = math.nan if len(xn) == 0 else concentration_index(xn, wn, nn)
        out["palma"] = math.nan if len(xn) == 0 else palma(xn, wn, nn)
    if standard is not None:
        out["standard"] = float(standard)
        for a in (0, 1, 2):
            out[f"fgt{a}"] = math.nan if empty else fgt(x, w, standard, a, lower_better)
    out["gini_pysal"] = math.nan if empty or not whole(w) else gini_pysal(x, w)
    return out


def fmt_t(t):
    return f"{t:g}" if float(t) != int(t) else str(int(t))


# ----------------------------------------------------------------------------------------------------------------
# The oracle on a study


class Oracle:
    """Every per-origin value, ward figure and equity figure of a study (see the module docstring)."""

    def __init__(self, study_path):
        s = self.study = load_study(study_path)
        eq, lb = s.get("equity", {}), s.get("left_behind", {})
        for key in ("weight",):
            if key in eq:
                raise SystemExit(f"equity.py: [equity] {key} is not handled by this oracle")
        if "class_groups" not in eq:
            raise SystemExit("equity.py: this oracle handles [equity] class with class_groups only")
        self.indicators = list(eq["indicators"])
        self.class_col, self.groups = eq["class"], int(eq["class_groups"])
        self.need_col = eq.get("need", lb.get("need"))
        self.standard = dict(eq.get("standard", {}))
        self.thresholds_given = {k: list(v) for k, v in eq.get("thresholds", {}).items()}
        self.lb_need, self.share = lb.get("need"), lb.get("share", 0.1)

        # Wards (study order) and their joined columns.
        wards = [gpd.read_file(f, engine="pyogrio").to_crs(WORKING_CRS) for f in s["wards"]["files"]]
        wards = gpd.GeoDataFrame(pd.concat(wards, ignore_index=True), crs=WORKING_CRS)
        bad = ~shapely.is_valid(wards.geometry.values)
        if bad.any():
            wards.loc[bad, "geometry"] = shapely.make_valid(wards.geometry.values[bad])
        self.code_field = s["wards"].get("code_field", "area_code")
        self.codes = [str(c) for c in wards[self.code_field]]
        self.area_km2 = wards.geometry.area.to_numpy() / 1e6
        cols = pd.DataFrame(index=self.codes)
        for j in s.get("join", []):
            t = pd.read_csv(j["file"], dtype={j["key"]: str})
            t = t.drop_duplicates(j["key"]).set_index(j["key"])
            for src, dst in j.get("columns", {}).items():
                cols[dst] = pd.to_numeric(t[src], errors="coerce").reindex(self.codes).to_numpy()
        self.ward_cols = cols

        # Origins: point on surface in EPSG:27700, weight, first covering ward.
        og = s["origins"]
        o = gpd.read_file(og["file"], engine="pyogrio").to_crs(WORKING_CRS)
        geoms = o.geometry.values
        pts = np.where(shapely.get_type_id(geoms) == 0, geoms, shapely.point_on_surface(geoms))
        self.xy = shapely.get_coordinates(pts)
        self.w = pd.to_numeric(o[og["weight_field"]], errors="coerce").fillna(0).to_numpy(dtype=float)
        pg = gpd.GeoDataFrame(geometry=shapely.points(self.xy), crs=WORKING_CRS)
        jn = gpd.sjoin(pg, wards[["geometry"]], predicate="covered_by", how="left")
        jn = jn.sort_values("index_right", kind="stable")
        jn = jn[~jn.index.duplicated(keep="first")].sort_index()
        self.ward_of = jn["index_right"].fillna(-1).astype(int).to_numpy()
        self.origin_zone = [self.codes[i] if i >= 0 else None for i in self.ward_of]
        n = len(self.codes)
        self.origins_count = np.bincount(self.ward_of[self.ward_of >= 0], minlength=n)
        self.origins_weight = np.bincount(self.ward_of[self.ward_of >= 0], weights=self.w[self.ward_of >= 0],
                                          minlength=n)

        # Per-origin values.
        self.values = {}
        dist = s.get("distance", {})
        if dist:
            if "category_field" in dist or "osm" in dist:
                raise SystemExit("equity.py: [distance] category_field / osm are not handled by this oracle")
            for f in dist["services"]:
                stem = os.path.splitext(os.path.basename(f))[0]
                self.values[f"{stem}_straight"] = self.nearest(f)
        for key, kind in KINDS.items():
            if key in s.get("coverage", {}):
                self.values[f"{kind}_distance_m"] = self.nearest(s["coverage"][key])

        # Classes and need per ward, then per origin.
        cv = cols[self.class_col]
        r = cv.rank(method="min", ascending=False) - 1
        m = int(cv.notna().sum())
        self.ward_group = [None if pd.isna(ri) else int(math.floor(self.groups * ri / m)) + 1 for ri in r]
        self.ward_need = cols[self.need_col].to_numpy(dtype=float) if self.need_col else np.full(n, np.nan)
        self.origin_group = np.array([self.ward_group[i] if i >= 0 else None for i in self.ward_of], dtype=object)
        self.origin_need = np.array([self.ward_need[i] if i >= 0 else np.nan for i in self.ward_of], dtype=float)

    def nearest(self, path):
        g = gpd.read_file(path, engine="pyogrio").to_crs(WORKING_CRS)
        sxy = shapely.get_coordinates(g.geometry.values)
        if len(sxy) == 0:
            return np.full(len(self.xy), np.nan)
        d, _ = cKDTree(sxy).query(self.xy)
        return d

    def classes(self):
        return ["all"] + [str(g) for g in sorted({g for g in self.ward_group if g is not None})]

    def thresholds(self, stem, ward_columns):
        """docs/equity.md's default thresholds of a stem: given, else the study's own columns."""
        if stem in self.thresholds_given:
            return sorted(float(t) for t in self.thresholds_given[stem])
        ts = set()
        for c in ward_columns:
            m = re.fullmatch(re.escape(stem) + r"_within_([0-9.]+)_pct", c)
            if m:
                ts.add(float(m[1]))
            if stem.endswith("_distance_m"):
                kind = stem[: -len("_distance_m")]
                m = re.fullmatch(re.escape(kind) + r"_pop_pct_([0-9.]+)(m|km)", c)
                if m:
                    ts.add(float(m[1]) * (1000 if m[2] == "km" else 1))
                if c == f"{kind}_pop_pct" and kind == "bus_stop":
                    ts.add(400.0)
        return sorted(ts)

    def study_thresholds(self, stem):
        """The thresholds the study's own steps give a stem (for `table`, which has no wards.csv): [distance]
        metres for distances, [coverage] station_bands (800, 2000) for stations, bus_radius (400) for bus stops."""
        if stem in self.thresholds_given:
            return sorted(float(t) for t in self.thresholds_given[stem])
        if stem.endswith("_straight"):
            return sorted(float(t) for t in self.study.get("distance", {}).get("metres", []))
        cov = self.study.get("coverage", {})
        if stem == "bus_stop_distance_m":
            return [float(cov.get("bus_radius", 400))]
        return sorted(float(t) for t in cov.get("station_bands", [800, 2000]))

    def figures(self, stem, cls, thresholds):
        lower = stem.endswith(LOWER_BETTER_SUFFIXES)
        if not lower:
            raise SystemExit(f"equity.py: {stem}: only metres and minutes (lower is better) are handled")
        sel = self.w > 0
        if cls != "all":
            sel &= np.array([g == int(cls) for g in self.origin_group])
        x = self.values[stem][sel].astype(float)
        x[~np.isfinite(x)] = np.nan
        return measures(x, self.w[sel], self.origin_need[sel], thresholds, self.standard.get(stem), lower,
                        self.need_col is not None)

    def measure_order(self, stem, thresholds):
        m = ["origins", "missing_origins", "population", "missing_population", "mean", "median", "p90"]
        m += [f"within_{fmt_t(t)}_pct" for t in thresholds] + ["gini"]
        if self.need_col is not None:
            m += ["concentration_index", "palma"]
        if stem in self.standard:
            m += ["standard", "fgt0", "fgt1", "fgt2"]
        return m


# ----------------------------------------------------------------------------------------------------------------
# Comparing


def is_undefined(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


def num(s):
    """A CSV field: None when empty, float otherwise (NaN when not a number)."""
    if s is None or s == "":
        return None
    try:
        return float(s)
    except ValueError:
        return math.nan


def agree(got, want, measure):
    """(ok, |diff| or None): undefined must meet undefined; counts and the standard exactly; else REL/ABS."""
    if is_undefined(want) or got is None:
        return is_undefined(want) and got is None, None
    if math.isnan(got):
        return False, None
    d = abs(got - want)
    if measure in INT_MEASURES:
        return got == want, d
    return d <= max(REL_TOL * abs(want), ABS_TOL), d


def g(v):
    return "null" if is_undefined(v) else f"{v:g}"


def show(v):
    return "empty" if is_undefined(v) else repr(v)


def hand_selftest(name, reach_dir, data, tmp):
    case = Case(name, oracle_only=True)
    x, w, need = (np.array(HAND[k], dtype=float) for k in ("x", "w", "need"))
    got = measures(x, w, need, [30.0], HAND["z"], True, True)
    bad = [f"{k}: oracle {got.get(k)!r}, hand-worked {v!r}" for k, v in HAND_EXPECTED.items()
           if not (k in got and abs(got[k] - v) <= SELF_TOL)]
    case.check("the hand example: mu, Gini, CI, Palma, FGT0/1/2 at 30, median, p90, within 30", bad,
               "x=[10,20,30,40,60], w=[1,2,1,3,3], need=[5,10,20,30,40]")
    g_pairs, g_pysal = gini_pairs(x, w), gini_pysal(x, w)
    nn = int(w.sum())
    bad = [f"{who} {g!r}, hand-worked {1920 / 7600!r}" for who, g in
           (("double sum", g_pairs), ("PySAL on the repeated values", g_pysal)) if abs(g - 1920 / 7600) > SELF_TOL]
    case.check("Gini three ways: one pass = double sum = PySAL's inequality.gini.Gini on the repeated values "
               "(n normalisation)", bad,
               f"PySAL {g_pysal:.6f}; with n/(n-1) it would be {g_pysal * nn / (nn - 1):.6f}")
    # Tied needs share their midpoint: all needs equal gives R = 1/2 for all, so CI = 0; and a reversed need
    # gives CI = -Gini.
    ci_tied = concentration_index(x, w, np.full(5, 7.0))
    ci_rev = concentration_index(x, w, -need)
    bad = ([f"all needs tied: CI {ci_tied!r}, want 0"] if abs(ci_tied) > SELF_TOL else []) + \
        ([f"needs reversed: CI {ci_rev!r}, want {-1920 / 7600!r}"] if abs(ci_rev + 1920 / 7600) > SELF_TOL else [])
    case.check("concentration index: tied needs share a rank (CI 0), reversed needs give -Gini", bad)
    # Palma's boundaries, exact in whole weights: Q(0.9) falls on need 10 where the share from the top is exactly
    # 0.9 (.3+.3+.1+.2 in floats is 0.8999999999999999 and would move it to need 5, leaving nobody least deprived).
    c = np.cumsum(w[np.argsort(-need)] / w.sum())  # shares summed in floats, as a reader might
    case.check("Palma: the 0.9 boundary is reached exactly (whole-number comparison)",
               [] if abs(palma(x, w, need) - 0.2) <= SELF_TOL else [f"palma {palma(x, w, need)!r}"],
               f"shares from the top summed in floats: {', '.join(repr(float(v)) for v in c)}")
    q40 = quantile(x, w, 4, 10)
    case.check("weighted quantile: 'reaches' includes the boundary (p 0.4: cumulative weight exactly 4 of 10 at x "
               "30)", [] if q40 == 30 else [f"quantile 0.4 = {q40!r}, want 30 (40 would be 'exceeds')"])
    return case


def case_trafford(name, reach_dir, data, tmp):
    case = Case(name)
    check_status(case, reach_dir)
    out = os.path.join(reach_dir, "out")
    study_path = os.path.join(tmp, "study.toml")
    paths = {k: os.path.join(out, k) for k in ("equity.csv", "wards.csv", "wards.gpkg")}
    gone = [p for p in paths.values() if not os.path.exists(p)]
    case.check("reach wrote equity.csv, wards.csv and wards.gpkg", [f"{p} not found" for p in gone])
    if gone:
        return case
    t0 = time.perf_counter()
    orc = Oracle(study_path)
    print(f"     oracle: {len(orc.w)} origins, {len(orc.codes)} wards, {len(orc.indicators)} indicators "
          f"({time.perf_counter() - t0:.1f}s)")
    wards = pd.read_csv(paths["wards.csv"], dtype=str, keep_default_na=False)

    case.self_check("oracle: the origins' weights are whole numbers (exact quantile and Palma boundaries, PySAL)",
                    [] if whole(orc.w) else ["some weight is not a whole number"])
    case.self_check("oracle: every origin lies in a ward and every ward has an origin (no point-on-surface "
                    "stand-ins to model)",
                    [f"{int((orc.ward_of < 0).sum())} origin(s) outside every ward"] * bool((orc.ward_of < 0).any())
                    + [f"{c} has no origin" for c, k in zip(orc.codes, orc.origins_count) if k == 0])

    check_origins(case, orc, paths["wards.gpkg"])
    check_wards(case, orc, wards)
    check_equity(case, orc, paths["equity.csv"], list(wards.columns))
    check_summary(case, orc, paths["equity.csv"], reach_dir)
    return case


def check_origins(case, orc, gpkg):
    lay = gpd.read_file(gpkg, layer="origins", engine="pyogrio")
    n = len(orc.w)
    bad = [] if len(lay) == n else [f"reach {len(lay)} origins, oracle {n}"]
    if not bad and "origin" in lay.columns:
        bad += [f"row {i}: origin {v!r}" for i, v in enumerate(lay["origin"]) if str(v) != str(i)]
    case.check(f"origins layer: {n} origins in input order", bad)
    if len(lay) != n:
        return
    if lay.crs is not None and lay.crs.to_epsg() != 27700:
        lay = lay.to_crs(WORKING_CRS)
    rxy = shapely.get_coordinates(lay.geometry.values)
    d = np.hypot(*(rxy - orc.xy).T)
    case.check(f"origins layer: positions = shapely point_on_surface in EPSG:27700 (to {XY_TOL_M:g} m)",
               [f"origin {i}: {d[i]:.3g} m apart" for i in np.nonzero(d > XY_TOL_M)[0]], f"max {d.max():.2g} m")
    rw = lay["weight"].to_numpy(dtype=float)
    case.check("origins layer: weights", [f"origin {i}: reach {rw[i]!r}, oracle {orc.w[i]!r}"
                                          for i in np.nonzero(rw != orc.w)[0]])
    case.check("origins layer: zone = the first ward covering the origin (geopandas sjoin)",
               [f"origin {i}: reach {z!r}, oracle {o!r}" for i, (z, o) in enumerate(zip(lay["zone"], orc.origin_zone))
                if (None if pd.isna(z) else str(z)) != o])
    for stem in orc.indicators:
        if stem not in lay.columns:
            case.check(f"origins layer: {stem}", [f"no column {stem}"])
            continue
        r = lay[stem].to_numpy(dtype=float)
        dec = next((k for k in range(10) if np.all(np.isnan(r) | (np.round(r, k) == r))), 10)
        tol = 0.5 * 10.0 ** -dec + DIST_TOL_M
        o = orc.values[stem]
        diff = np.abs(r - o)
        both_nan = np.isnan(r) & ~np.isfinite(o)
        bad = [f"origin {i}: reach {r[i]!r}, oracle {o[i]!r}" for i in range(n)
               if not both_nan[i] and not diff[i] <= tol]
        case.check(f"origins layer: {stem} = the oracle's nearest distance (written to {dec} decimals: "
                   f"to {tol:g} m)", bad, f"max |diff| {np.nanmax(diff):.3g} m")


def ranks_competition(values, higher_first=True):
    """1 + the number of values strictly better (None for a missing value)."""
    ok = [v for v in values if v is not None and not math.isnan(v)]
    return [None if v is None or math.isnan(v) else
            1 + sum(1 for u in ok if (u > v if higher_first else u < v)) for v in values]


REASON = re.compile(r"(not )?left behind: connectivity rank (\d+) of (\d+) is (not )?among the (\d+) least "
                    r"connected; (\S+) (\S+) \(rank (\d+) of (\d+)\) is (not )?among the (\d+) highest")
DRIVER = re.compile(r"(\w+) \(rank (\d+) of (\d+): ([^)]*)\)")


def check_wards(case, orc, wards):
    codes = list(wards.get(orc.code_field, []))
    case.check(f"wards.csv: {len(orc.codes)} wards in study order", [] if codes == orc.codes else
               [f"reach {codes[:5]}..., oracle {orc.codes[:5]}..."])
    if codes != orc.codes:
        return
    n = len(codes)

    def col(c):
        return [num(v) for v in wards[c]] if c in wards.columns else [None] * n

    def text(c):
        return list(wards[c]) if c in wards.columns else [None] * n

    area, oc, ow, eqc = col("area_km2"), col("origins_count"), col("origins_weight"), col("equity_class")
    for i, code in enumerate(codes):
        a = area[i]
        case.check(f"{code} area_km2 (to {AREA_TOL_KM2:g} km²)",
                   [] if a is not None and abs(a - orc.area_km2[i]) <= AREA_TOL_KM2 else
                   [f"reach {a!r}, geopandas {orc.area_km2[i]:.7f}"])
        case.check(f"{code} origins_count", [] if oc[i] == orc.origins_count[i] else
                   [f"reach {oc[i]!r}, oracle {orc.origins_count[i]}"])
        case.check(f"{code} origins_weight", [] if ow[i] == orc.origins_weight[i] else
                   [f"reach {ow[i]!r}, oracle {orc.origins_weight[i]!r}"])
        case.check(f"{code} equity_class ({orc.class_col} {orc.ward_cols[orc.class_col].iloc[i]})",
                   [] if eqc[i] == orc.ward_group[i] else [f"reach {eqc[i]!r}, oracle {orc.ward_group[i]!r}"])

    if not orc.lb_need:
        return
    rank = col("connectivity_rank")
    p05, p95 = col("connectivity_rank_p05"), col("connectivity_rank_p95")
    need = list(orc.ward_cols[orc.lb_need].to_numpy(dtype=float))
    need_rank = ranks_competition(need)
    n_rank = sum(r is not None for r in rank)
    m_need = sum(v is not None and not math.isnan(v) for v in need)
    share = Fraction(str(orc.share))
    k, k_need = math.ceil(share * n_rank), math.ceil(share * m_need)
    flag = {"true": True, "false": False, "": None}
    lb, unc, nrk = text("left_behind"), text("left_behind_uncertain"), col("left_behind_need_rank")
    reasons, drivers = text("left_behind_reason"), text("left_behind_drivers")
    for i, code in enumerate(codes):
        has = rank[i] is not None and need_rank[i] is not None
        conn_ok = has and rank[i] <= k
        need_ok = need_rank[i] is not None and need_rank[i] <= k_need
        want_lb = (conn_ok and need_ok) if has else None
        want_unc = (need_ok and p05[i] is not None and p95[i] is not None and p05[i] <= k < p95[i]) if has else None
        case.check(f"{code} left_behind_need_rank ({orc.lb_need} {g(need[i])})",
                   [] if nrk[i] == need_rank[i] else [f"reach {nrk[i]!r}, oracle {need_rank[i]!r}"])
        case.check(f"{code} left_behind (connectivity rank {g(rank[i])}, cut-off {k}; need rank {g(need_rank[i])}, "
                   f"cut-off {k_need})",
                   [] if flag.get(lb[i], "?") == want_lb else [f"reach {lb[i]!r}, oracle {want_lb!r}"])
        case.check(f"{code} left_behind_uncertain (p05 {g(p05[i])}, p95 {g(p95[i])}, cut-off {k}; need within its "
                   f"cut-off: {'yes' if need_ok else 'no'})",
                   [] if flag.get(unc[i], "?") == want_unc else [f"reach {unc[i]!r}, oracle {want_unc!r}"])
        m = REASON.fullmatch(reasons[i] or "")
        bad = []
        if not m:
            bad.append(f"reason {reasons[i]!r} does not read as docs/equity.md's")
        else:
            parts = {"left behind": (m[1] is None, want_lb), "connectivity rank": (int(m[2]), rank[i]),
                     "zones ranked": (int(m[3]), n_rank), "connectivity test": (m[4] is None, conn_ok),
                     "k": (int(m[5]), k), "need column": (m[6], orc.lb_need), "need": (float(m[7]), need[i]),
                     "need rank": (int(m[8]), need_rank[i]), "zones with need": (int(m[9]), m_need),
                     "need test": (m[10] is None, need_ok), "need cut-off": (int(m[11]), k_need)}
            bad += [f"{what}: reason says {g!r}, oracle {o!r}" for what, (g, o) in parts.items() if g != o]
        case.check(f"{code} left_behind_reason", bad)
        case.check(f"{code} left_behind_drivers", check_drivers(orc, wards, i, want_lb, drivers[i]))


def check_drivers(orc, wards, i, left_behind, text):
    """Problems with one zone's drivers (see the module docstring)."""
    if not left_behind:
        return [] if not text else [f"not left behind, yet drivers {text!r}"]
    score = orc.study.get("score", {})
    domains = [d["name"] for d in score.get("domain", [])]
    dweight = {d["name"]: d.get("weight", 1) for d in score.get("domain", [])}
    inds = score.get("indicator", [])
    n = len(wards)
    got = [(d, int(r), int(of), rest) for d, r, of, rest in DRIVER.findall(text or "")]
    if not got or "; ".join(f"{d} (rank {r} of {of}: {rest})" for d, r, of, rest in got) != text:
        return [f"drivers {text!r} do not read as 'domain (rank r of n: indicator r/n, ...); ...'"]
    bad = []

    def fnum(c, j):
        return num(wards[c].iloc[j])

    contrib = {d: dweight[d] * (fnum(f"{d}_score_exp", i) if f"{d}_score_exp" in wards else fnum(f"{d}_score", i))
               for d in domains}
    order = sorted((v for v in contrib.values() if v is not None), reverse=True)
    want_n = min(2, len(order))
    if len(got) != want_n:
        bad.append(f"{len(got)} domains named, want {want_n}")
    for pos, (d, r, of, rest) in enumerate(got):
        if d not in contrib:
            bad.append(f"{d}: not a domain of the study")
            continue
        if pos < len(order) and contrib[d] != order[pos]:
            bad.append(f"{d} named {pos + 1}., but its weight x score {contrib[d]!r} is not the {pos + 1}. largest "
                       f"({order[pos]!r})")
        if r != fnum(f"{d}_rank", i) or of != n:
            bad.append(f"{d}: rank {r} of {of}, wards.csv {fnum(f'{d}_rank', i)!r} of {n}")
        mine = [x for x in inds if x.get("domain") == d]
        span = {}
        for x in mine:  # the rank interval each indicator's written (rounded) source column allows
            vals = [fnum(x["source"], j) for j in range(n)]
            v = vals[i]
            if v is None:
                continue
            worse = (lambda u: u > v) if x.get("direction") == "higher_is_worse" else (lambda u: u < v)
            better_or_tied = sum(1 for u in vals if u is not None and (worse(u) or u == v))
            span[x["name"]] = (1 + sum(1 for u in vals if u is not None and worse(u)), better_or_tied)
        named = [tuple(p.strip().split(" ")) for p in rest.split(",")]
        if len(named) != min(3, len(span)):
            bad.append(f"{d}: {len(named)} indicators named, want {min(3, len(span))}")
        for nm, rr in named:
            ir, iof = (int(t) for t in rr.split("/"))
            if nm not in span:
                bad.append(f"{d}: {nm} is not an indicator of the domain with a value")
                continue
            lo, hi = span[nm]
            if not lo <= ir <= hi or iof != n:
                bad.append(f"{d}: {nm} {ir}/{iof}, its source column ranks it {lo}-{hi} of {n}")
            if any(span[o][1] < lo for o in span if o not in [x for x, _ in named]):
                bad.append(f"{d}: {nm} named, but an indicator left out ranks worse")
    return bad


def read_equity(path):
    with open(path, encoding="utf-8", newline="") as fh:
        lines = fh.read().splitlines()
    header = lines[0] if lines else ""
    rows = [ln.split(",") for ln in lines[1:]]
    return header, rows


def check_equity(case, orc, path, ward_columns):
    header, rows = read_equity(path)
    case.check("equity.csv header is indicator,class,measure,value",
               [] if header == "indicator,class,measure,value" else [f"header {header!r}"])
    bad = [f"line {i + 2}: {len(r)} fields" for i, r in enumerate(rows) if len(r) != 4]
    rows = [r for r in rows if len(r) == 4]
    got = {(a, b, c): v for a, b, c, v in rows}
    if len(got) != len(rows):
        bad.append(f"{len(rows) - len(got)} repeated (indicator, class, measure)")
    # Thresholds: as equity.csv has them, and against docs/equity.md's default.
    expect_t, file_t = {}, {}
    for stem in orc.indicators:
        expect_t[stem] = orc.thresholds(stem, ward_columns)
        file_t[stem] = sorted({float(m[len("within_"):-len("_pct")]) for a, _, m, _ in rows
                               if a == stem and m.startswith("within_") and m.endswith("_pct")})
        case.check(f"{stem}: thresholds of within_{{t}}_pct = the study's own columns (docs/equity.md)",
                   [] if file_t[stem] == expect_t[stem] else
                   [f"equity.csv {file_t[stem]}, the study's columns give {expect_t[stem]}"],
                   ", ".join(fmt_t(t) for t in file_t[stem]) or "none")
    want = [(stem, cls, m) for stem in orc.indicators for cls in orc.classes()
            for m in orc.measure_order(stem, expect_t[stem])]
    have = [(a, b, c) for a, b, c, _ in rows]
    if have != want:
        extra = [k for k in have if k not in set(want)]
        gone = [k for k in want if k not in set(have)]
        bad += [f"extra row {'/'.join(k)}" for k in extra[:3]] + [f"no row {'/'.join(k)}" for k in gone[:3]]
        if not extra and not gone:
            first = next(i for i, (a, b) in enumerate(zip(have, want)) if a != b)
            bad.append(f"rows out of order from line {first + 2}: {'/'.join(have[first])}, want "
                       f"{'/'.join(want[first])}")
    case.check(f"equity.csv rows: {len(want)} figures, indicators in study order, class all then "
               f"{', '.join(orc.classes()[1:])}, measures in docs/equity.md's order", bad)

    for stem in orc.indicators:
        for cls in orc.classes():
            fig = orc.figures(stem, cls, file_t[stem])
            for m in orc.measure_order(stem, file_t[stem]):
                key = (stem, cls, m)
                what = f"{stem} class {cls} {m}"
                if key not in got:
                    case.check(what, [f"equity.csv has no row {stem},{cls},{m} (oracle {show(fig[m])})"])
                    continue
                raw = got[key]
                v = num(raw)
                ok, d = agree(v, fig[m], m)
                problems = [] if ok else [f"reach {raw or 'empty'}, oracle {show(fig[m])}"
                                          + (f", |diff| {d:.3g}" if d is not None else "")]
                if m == "gini" and not is_undefined(fig["gini_pysal"]):
                    if not agree(v, fig["gini_pysal"], m)[0]:
                        problems.append(f"reach {raw or 'empty'}, PySAL {fig['gini_pysal']!r}")
                if problems:
                    case.check(what, problems)
                else:
                    rel = "" if d is None or is_undefined(fig[m]) or fig[m] == 0 else f", rel {d / abs(fig[m]):.1g}"
                    case.check(f"{what} = {raw or 'empty'}", [],
                               ("both undefined" if v is None else f"oracle {show(fig[m])}{rel}")
                               + (f"; PySAL {fig['gini_pysal']!r}" if m == "gini" else ""))

    # Oracle self-checks: Gini three ways and the quantiles against the repeated values.
    bad = []
    for stem in orc.indicators:
        for cls in orc.classes():
            sel = orc.w > 0
            if cls != "all":
                sel &= np.array([g == int(cls) for g in orc.origin_group])
            x, w = orc.values[stem][sel], orc.w[sel]
            g1, g2, g3 = gini(x, w), gini_pairs(x, w), gini_pysal(x, w)
            if max(abs(g1 - g2), abs(g1 - g3)) > SELF_TOL:
                bad.append(f"{stem} {cls}: Gini one pass {g1!r}, double sum {g2!r}, PySAL {g3!r}")
            rep = np.sort(np.repeat(x, w.astype(np.int64)))
            for p, num_, den in (("median", 1, 2), ("p90", 9, 10)):
                brute = rep[-(-len(rep) * num_ // den) - 1]
                if quantile(x, w, num_, den) != brute:
                    bad.append(f"{stem} {cls} {p}: {quantile(x, w, num_, den)!r}, repeated values {brute!r}")
    case.self_check("oracle: Gini one pass = O(n^2) double sum = PySAL, median/p90 = the repeated values' "
                    "ceil(pW)-th, for every indicator and class", bad)


def check_summary(case, orc, equity_path, reach_dir):
    summary = None
    with open(os.path.join(reach_dir, "stderr"), encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if line.startswith("{") and '"event":"summary"' in line.replace(" ", ""):
                summary = json.loads(line)
    case.check("stderr has the --progress json summary", [] if summary else ["no summary event on stderr"])
    if not summary:
        return
    _, rows = read_equity(equity_path)
    js = summary.get("equity", {})
    bad, seen = [], 0
    for a, b, c, v in (r for r in rows if len(r) == 4):
        j = js.get(a, {}).get(b, {})
        if c not in j:
            bad.append(f"{a}/{b}/{c}: not in the summary")
            continue
        seen += 1
        jv, cv = j[c], num(v)
        if not ((jv is None and cv is None) or (jv is not None and cv is not None and float(jv) == cv)):
            bad.append(f"{a}/{b}/{c}: summary {jv!r}, equity.csv {v!r}")
    n_json = sum(len(m) for by in js.values() for m in by.values())
    if n_json != seen:
        bad.append(f"the summary has {n_json} figures, equity.csv {seen} of them")
    case.check("the json summary's equity figures = equity.csv's (every figure, exactly; null = empty)", bad,
               f"{seen} figures")
    if not orc.lb_need:
        return
    lb = summary.get("left_behind") or {}
    wards = pd.read_csv(os.path.join(reach_dir, "out", "wards.csv"), dtype=str, keep_default_na=False)
    # The oracle's own left-behind set (as check_wards works it).
    rank = [num(v) for v in wards["connectivity_rank"]]
    need = list(orc.ward_cols[orc.lb_need].to_numpy(dtype=float))
    nr = ranks_competition(need)
    share = Fraction(str(orc.share))
    k = math.ceil(share * sum(r is not None for r in rank))
    kn = math.ceil(share * sum(not math.isnan(v) for v in need))
    p05 = [num(v) for v in wards["connectivity_rank_p05"]]
    p95 = [num(v) for v in wards["connectivity_rank_p95"]]
    left = [i for i in range(len(rank)) if rank[i] is not None and nr[i] is not None and rank[i] <= k and nr[i] <= kn]
    unc = [i for i in range(len(rank)) if rank[i] is not None and nr[i] is not None and nr[i] <= kn
           and p05[i] is not None and p95[i] is not None and p05[i] <= k < p95[i]]
    want = {"need": orc.lb_need, "zones": len(left), "population": float(sum(orc.origins_weight[i] for i in left)),
            "uncertain": len(unc), "codes": [orc.codes[i] for i in left]}
    bad = [f"{key}: summary {lb.get(key)!r}, oracle {v!r}" for key, v in want.items()
           if (float(lb.get(key)) if key == "population" and lb.get(key) is not None else lb.get(key)) != v]
    case.check("the json summary's left_behind: need, zones, population (origins_weight), uncertain, codes", bad,
               f"{len(left)} zone(s): {', '.join(want['codes'])}, population {want['population']:g}")


# ----------------------------------------------------------------------------------------------------------------


def table(args):
    orc = Oracle(args.study)
    print("indicator,class,measure,value")
    for stem in orc.indicators:
        ts = orc.study_thresholds(stem)
        for cls in orc.classes():
            fig = orc.figures(stem, cls, ts)
            for m in orc.measure_order(stem, ts):
                v = fig[m]
                print(f"{stem},{cls},{m},{'' if is_undefined(v) else (int(v) if m in INT_MEASURES else repr(v))}")
    return 0


CASES = {"equity-hand": hand_selftest, CASE: case_trafford}


def main():
    return checker_main(__doc__.splitlines()[0], CASES, prepare, table, STUDY)


if __name__ == "__main__":
    sys.exit(main())
