"""Independent numpy/scipy implementation of docs/scoring.md (`reach score`), for tools/crosscheck/scoring.py and
tools/bench/score.sh. Shares no code with reach.

usage: scoring_oracle.py --study STUDY.toml --in TABLE.csv --code-field WD13CD --out OUT.csv
       scoring_oracle.py --self-test        (the hand example below; exit 1 if any number is off)

Reads the study with tomllib (every key checked), the table with the csv module (empty field = missing), the
[[join]] CSVs keyed by ward code (`columns` renames CSV column -> property; joined columns are used as sources
and group_by but not written). Writes the input columns, then the score columns in the order of docs/scoring.md;
null = empty field; floats as repr() (shortest round trip), ranks and deciles as integers. Prints
`scoring_oracle: timings: ...` on stderr.

How docs/scoring.md maps to numpy/scipy here:
- rank: scipy.stats.rankdata(y, method="average"), z = scipy.special.ndtri((r - 0.5) / n_k); zscore: numpy mean and
  std (ddof 0); minmax: (y - min) / (max - min); one distinct value -> z = 0 (warned);
- impute_median: numpy.median of the present raw values;
- domain score D = sum(omega z) / sum(omega) over present indicators, omega = w / sum_d(w), sums in study order;
- exponential: R = rankdata(D, "average") / |S_d|, X = -23 log(1 - R (1 - exp(-100/23)));
- overall S = sum(Omega X) / sum(Omega) over present domains, Omega = W / sum(W) over the domains not dropped;
- ranks: rankdata(-S, method="min") within each group_by group, over the scored wards; decile
  (rank - 1) * 10 // m + 1 in integers;
- Monte Carlo: xoshiro256** seeded by splitmix64 (pure Python, 64-bit masking), u = (next >> 11) * 2^-53, per draw
  one u per indicator then one per domain; all draws at once as (draws x wards) arrays; percentiles
  numpy.percentile(method="inverted_cdf") of each ward's ranks;
- leave one out: one pass per indicator with its weight 0 (a domain whose weights are then all 0 is dropped);
  min and max over the passes in which the ward is ranked (a ward unranked in every pass gets null).

Hand example (also studies/hand.toml + studies/hand.csv; `--self-test` checks the oracle against these numbers)
================================================================================================================
Study: normalisation rank, domain_transform exponential, missing reweight, no group_by, draws 0,
leave_one_out true. Domains: services (weight 2), digital (weight 1). Indicators:
  gp_walk   source gp_walk_min          higher_is_worse   domain services  weight 1
  superfast source broadband_sfbb_pct   higher_is_better  domain digital   weight 1

  WD13CD     gp_walk_min  broadband_sfbb_pct
  E05000001  10           50
  E05000002  20           10
  E05000003  20           (empty)

gp_walk: y = 10, 20, 20; average ranks 1, 2.5, 2.5 of n = 3; (r - 0.5)/n = 1/6, 2/3, 2/3;
  z = ndtri(1/6) = -0.96742156610170104, ndtri(2/3) = 0.43072729929545749.
superfast (higher_is_better, y = -x): y = -50, -10 for wards 1, 2 (ward 3 missing); ranks 1, 2 of n = 2;
  (r - 0.5)/n = 1/4, 3/4; z = -0.67448975019608174, +0.67448975019608174.
Domain scores (one indicator each, omega = 1): services D = z_gp_walk; digital D = z_superfast, null for ward 3.
Exponential, c = 1 - exp(-100/23) = 0.98706509861105021, X(R) = -23 ln(1 - R c):
  services over 3 wards: ranks of D 1, 2.5, 2.5 -> R = 1/3, 5/6, 5/6 -> X = 9.1774250775990544, 39.769077913428952,
    39.769077913428952;
  digital over wards 1, 2: ranks 1, 2 -> R = 1/2, 1 -> X = 15.646790072602892, 100 (in doubles the formula gives
    99.99999999999996: -23 ln(exp(-100/23)) does not round-trip).
Overall, Omega = 2/3, 1/3:
  ward 1: (2/3 * 9.1774250775990544 + 1/3 * 15.646790072602892) / 1 = 11.333880075933667
  ward 2: (2/3 * 39.769077913428952 + 1/3 * 100) / 1 = 59.846051942285968
  ward 3: digital missing, so services alone (Omega renormalised to 1): 39.769077913428952
(These are the exact values, from 50-digit decimal arithmetic; scipy/numpy doubles agree to 1e-14, e.g.
ndtri(2/3) = 0.43072729929545744 in scipy, X(5/6) = 39.769077913428944.)
connectivity_rank: ward 2 -> 1, ward 3 -> 2, ward 1 -> 3; decile floor((rank - 1) * 10 / 3) + 1 = 1, 4, 7.
services_rank (X ties share the best rank): wards 2, 3 -> 1, ward 1 -> 3. digital_rank: ward 2 -> 1, ward 1 -> 2,
  ward 3 null.
Leave one out: without gp_walk, services has no weight and is dropped: scores = digital X = 15.65, 100, null ->
  ranks 2, 1, null. Without superfast, digital is dropped: scores = services X = 9.18, 39.77, 39.77 -> ranks 3, 1,
  1. loo_min / loo_max: ward 1: 2 / 3; ward 2: 1 / 1; ward 3: 1 / 1 (its one ranked pass; see the ambiguity noted
  in ORACLES.md).
score_missing: "none", "none", "reweight: superfast".
Output columns: services_score, services_score_exp, services_rank, digital_score, digital_score_exp, digital_rank,
  connectivity_score, connectivity_rank, connectivity_decile, connectivity_rank_loo_min,
  connectivity_rank_loo_max, score_missing.

Generator test vectors (xoshiro256** seeded by splitmix64, docs/scoring.md; checked against the reference C code
of Blackman and Vigna compiled with gcc, and splitmix64(0)'s first output 0xe220a8397b1dcdaf is the published one):
  seed 0: s0..s3 = e220a8397b1dcdaf 6e789e6aa1b965f4 06c45d188009454f f88bb8a8724c81ec;
          next() = 99ec5f36cb75f2b4, bf6e1f784956452a, 1a5f849d4933e6e0; u = 0.60126299941790484, 0.74777409254723981
  seed 1: s0..s3 = 910a2dec89025cc1 beeb8da1658eec67 f893a2eefb32555e 71c18690ee42c90b;
          next() = b3f2af6d0fc710c5, 853b559647364cea, 92f89756082a4514; u = 0.70292183315885048, 0.52043661993885693
  seed 20190926: next() = c3a38a67482320fb, 5c6a45e31ba5802b; u = 0.76421418210533121, 0.36099659723881494
  seed 9223372036854775807 (2^63 - 1): next() = 0e1c2b4b82e8c0c5, 19167a27a6e0d81b;
          u = 0.055117326674834821, 0.097999224358207626
"""

import argparse
import csv
import math
import os
import re
import sys
import time
import tomllib

import numpy as np
from scipy.special import ndtri
from scipy.stats import rankdata

MASK64 = (1 << 64) - 1
EXP_C = 1.0 - math.exp(-100.0 / 23.0)
NAME_RE = re.compile(r"^[A-Za-z0-9_]+$")
NUMBER_RE = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
CHUNK = 200  # Monte Carlo draws per batch: (CHUNK x wards) float arrays, a few per domain


class StudyError(Exception):
    pass


# ------------------------------------------------------------------------------------------------------------------
# Random numbers (docs/scoring.md, Robustness)


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)


def _rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK64


class Xoshiro256StarStar:
    def __init__(self, seed):
        sm = SplitMix64(seed)
        self.s = [sm.next() for _ in range(4)]

    def next(self):
        s = self.s
        result = (_rotl((s[1] * 5) & MASK64, 7) * 9) & MASK64
        t = (s[1] << 17) & MASK64
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = _rotl(s[3], 45)
        return result

    def uniform(self):
        """[0, 1): the top 53 bits times 2^-53 (exact in a double)."""
        return (self.next() >> 11) * (1.0 / 9007199254740992.0)


# ------------------------------------------------------------------------------------------------------------------
# The study file


class Study:
    pass


def _check_keys(table, allowed, where, path):
    for k in table:
        if k not in allowed:
            raise StudyError(f"{path}: unknown key {where}{k}")


def _get(table, key, types, default, where, path, choices=None):
    if key not in table:
        if default is _REQUIRED:
            raise StudyError(f"{path}: missing key {where}{key}")
        return default
    v = table[key]
    if isinstance(v, bool) and bool not in types or not isinstance(v, types):
        raise StudyError(f"{path}: {where}{key} has the wrong type ({type(v).__name__})")
    if choices is not None and v not in choices:
        raise StudyError(f"{path}: {where}{key} = {v!r} is not one of {', '.join(choices)}")
    return v


_REQUIRED = object()


def load_study(path):
    with open(path, "rb") as fh:
        doc = tomllib.load(fh)
    _check_keys(doc, {"score", "join"}, "", path)
    score = doc.get("score", {})
    _check_keys(score, {"normalisation", "domain_transform", "missing", "group_by", "robustness", "domain",
                        "indicator"}, "score.", path)
    st = Study()
    st.path = path
    st.normalisation = _get(score, "normalisation", (str,), "rank", "score.", path, ("rank", "zscore", "minmax"))
    st.transform = _get(score, "domain_transform", (str,), "exponential", "score.", path, ("exponential", "linear"))
    st.missing = _get(score, "missing", (str,), "reweight", "score.", path, ("reweight", "impute_median", "null"))
    st.group_by = _get(score, "group_by", (str,), None, "score.", path)
    rob = score.get("robustness", {})
    _check_keys(rob, {"draws", "weight_jitter", "seed", "leave_one_out"}, "score.robustness.", path)
    st.draws = _get(rob, "draws", (int,), 1000, "score.robustness.", path)
    st.jitter = float(_get(rob, "weight_jitter", (int, float), 0.25, "score.robustness.", path))
    st.seed = _get(rob, "seed", (int,), 1, "score.robustness.", path)
    st.leave_one_out = _get(rob, "leave_one_out", (bool,), True, "score.robustness.", path)
    if st.draws < 0:
        raise StudyError(f"{path}: score.robustness.draws must be >= 0")
    if not 0 <= st.jitter < 1:
        raise StudyError(f"{path}: score.robustness.weight_jitter must be in [0, 1)")
    if not 0 <= st.seed <= 2**63 - 1:
        raise StudyError(f"{path}: score.robustness.seed must be in 0 ... 2^63 - 1")

    st.domains = []
    for i, d in enumerate(score.get("domain", [])):
        w = f"score.domain[{i}]."
        _check_keys(d, {"name", "weight", "transform"}, w, path)
        name = _get(d, "name", (str,), _REQUIRED, w, path)
        weight = float(_get(d, "weight", (int, float), _REQUIRED, w, path))
        transform = _get(d, "transform", (str,), st.transform, w, path, ("exponential", "linear"))
        if not NAME_RE.match(name):
            raise StudyError(f"{path}: {w}name {name!r}: letters, digits and _ only")
        if not weight > 0:
            raise StudyError(f"{path}: {w}weight must be > 0")
        st.domains.append((name, weight, transform))
    if not st.domains:
        raise StudyError(f"{path}: no [[score.domain]]")
    dnames = [d[0] for d in st.domains]
    if len(set(dnames)) != len(dnames):
        raise StudyError(f"{path}: duplicate domain names")

    st.indicators = []
    for i, ind in enumerate(score.get("indicator", [])):
        w = f"score.indicator[{i}]."
        _check_keys(ind, {"name", "source", "direction", "domain", "weight", "label"}, w, path)
        name = _get(ind, "name", (str,), _REQUIRED, w, path)
        source = _get(ind, "source", (str,), _REQUIRED, w, path)
        direction = _get(ind, "direction", (str,), _REQUIRED, w, path, ("higher_is_worse", "higher_is_better"))
        domain = _get(ind, "domain", (str,), _REQUIRED, w, path, dnames)
        weight = float(_get(ind, "weight", (int, float), _REQUIRED, w, path))
        _get(ind, "label", (str,), None, w, path)
        if not NAME_RE.match(name):
            raise StudyError(f"{path}: {w}name {name!r}: letters, digits and _ only")
        if not weight >= 0:
            raise StudyError(f"{path}: {w}weight must be >= 0")
        st.indicators.append((name, source, 1.0 if direction == "higher_is_worse" else -1.0, dnames.index(domain),
                              weight))
    inames = [k[0] for k in st.indicators]
    if len(set(inames)) != len(inames):
        raise StudyError(f"{path}: duplicate indicator names")
    for d, (dname, _, _) in enumerate(st.domains):
        if not any(k[3] == d and k[4] > 0 for k in st.indicators):
            raise StudyError(f"{path}: domain {dname} has no indicator with weight > 0")

    st.joins = []
    for i, j in enumerate(doc.get("join", [])):
        w = f"join[{i}]."
        _check_keys(j, {"file", "key", "columns"}, w, path)
        file = _get(j, "file", (str,), _REQUIRED, w, path)
        key = _get(j, "key", (str,), _REQUIRED, w, path)
        columns = _get(j, "columns", (dict,), None, w, path)
        st.joins.append((os.path.join(os.path.dirname(os.path.abspath(path)), file), key, columns))
    return st


# ------------------------------------------------------------------------------------------------------------------
# Inputs


def read_csv(path):
    with open(path, newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    if not rows:
        raise StudyError(f"{path}: empty CSV")
    header, body = rows[0], rows[1:]
    for i, r in enumerate(body):
        if len(r) != len(header):
            raise StudyError(f"{path}: line {i + 2} has {len(r)} fields, the header {len(header)}")
    return header, body


def properties(study, header, rows, code_field, in_path):
    """{property: [string per ward]} from the table and the joins."""
    if code_field not in header:
        raise StudyError(f"{in_path}: no column {code_field!r}")
    props = {h: [r[i] for r in rows] for i, h in enumerate(header)}
    codes = props[code_field]
    for file, key, columns in study.joins:
        jh, jrows = read_csv(file)
        if key not in jh:
            raise StudyError(f"{file}: no column {key!r}")
        ki = jh.index(key)
        rename = columns if columns is not None else {c: c for c in jh if c != key}
        by_code = {}
        for r in jrows:
            if r[ki] in by_code:
                raise StudyError(f"{file}: ward {r[ki]} appears twice")
            by_code[r[ki]] = r
        for src, dst in rename.items():
            if src not in jh:
                raise StudyError(f"{file}: no column {src!r}")
            ci = jh.index(src)
            props[dst] = [by_code[c][ci] if c in by_code else "" for c in codes]
    return props


def values(study, props, codes, in_path):
    """(K, n) raw values, NaN = missing."""
    x = np.full((len(study.indicators), len(codes)), np.nan)
    for k, (name, source, _, _, _) in enumerate(study.indicators):
        col = props.get(source)
        if col is None:
            raise StudyError(f"{in_path}: no ward has {source!r} (indicator {name})")
        for i, s in enumerate(col):
            if s == "":
                continue
            if not NUMBER_RE.match(s) or not math.isfinite(float(s)):
                raise StudyError(f"{in_path}: ward {codes[i]}: {source} = {s!r} is not a number")
            x[k, i] = float(s)
        if np.isnan(x[k]).all():
            raise StudyError(f"{in_path}: no ward has {source!r} (indicator {name})")
    return x


# ------------------------------------------------------------------------------------------------------------------
# Scoring


def normalise(y, method):
    """z of one indicator's present values y (docs/scoring.md, Normalisation)."""
    if np.unique(y).size == 1:
        return np.zeros_like(y), True
    if method == "rank":
        return ndtri((rankdata(y, method="average") - 0.5) / y.size), False
    if method == "zscore":
        return (y - y.mean()) / y.std(), False
    return (y - y.min()) / (y.max() - y.min()), False


class Scorer:
    """The normalised values of one study and table; `run(w, W)` scores them under (T, K) and (T, D) weights."""

    def __init__(self, study, x, groups):
        self.study = study
        K, n = x.shape
        self.n = n
        self.raw_missing = np.isnan(x)
        x = x.copy()
        if study.missing == "impute_median":
            for k in range(K):
                x[k, self.raw_missing[k]] = np.median(x[k, ~self.raw_missing[k]])
        self.present = ~np.isnan(x)
        self.eligible = self.present.all(axis=0) if study.missing == "null" else np.ones(n, bool)
        sign = np.array([ind[2] for ind in study.indicators])
        y = sign[:, None] * x
        self.z = np.zeros((K, n))  # 0 where missing: adds exactly nothing to the sums below
        self.constant = []
        for k in range(K):
            p = self.present[k]
            self.z[k, p], const = normalise(y[k, p], study.normalisation)
            if const:
                self.constant.append(study.indicators[k][0])
        self.presentf = self.present.astype(float)
        self.domain_inds = [[k for k, ind in enumerate(study.indicators) if ind[3] == d]
                            for d in range(len(study.domains))]
        self.w = np.array([ind[4] for ind in study.indicators])
        self.W = np.array([d[1] for d in study.domains])
        if groups is None:
            self.groups = [np.arange(n)]
        else:
            _, inverse = np.unique(np.asarray(groups, dtype=object), return_inverse=True)
            order = np.argsort(inverse, kind="stable")
            bounds = np.flatnonzero(np.diff(inverse[order])) + 1
            self.groups = np.split(order, bounds)

    def group_ranks(self, V):
        """rankdata(-V, "min") within each group over the non-NaN columns (the same in every row)."""
        out = np.full(V.shape, np.nan)
        valid = ~np.isnan(V[0])
        assert (np.isnan(V) == ~valid).all(), "scored wards differ between draws"
        for cols in self.groups:
            c = cols[valid[cols]]
            if c.size:
                out[:, c] = rankdata(-V[:, c], method="min", axis=1)
        return out

    def run(self, w, W, full=False):
        """Scores under weights w (T, K) and W (T, D). Returns the connectivity ranks (T, n), NaN = unranked,
        and with full=True also the domain D, X and ranks and the scores (for T = 1)."""
        T, n = w.shape[0], self.n
        s_num = np.zeros((T, n))
        s_den = np.zeros((T, n))
        keep = []
        for d, inds in enumerate(self.domain_inds):
            sw = w[:, inds[0]].copy()
            for k in inds[1:]:
                sw = sw + w[:, k]
            keep.append(sw > 0)
        keep = np.array(keep).T  # (T, D): a domain whose indicator weights are all 0 is dropped
        sum_W = np.zeros(T)
        for d in range(len(self.domain_inds)):
            sum_W = sum_W + np.where(keep[:, d], W[:, d], 0.0)
        out = {"D": [], "X": [], "domain_rank": []}
        for d, inds in enumerate(self.domain_inds):
            sw = w[:, inds[0]].copy()
            for k in inds[1:]:
                sw = sw + w[:, k]
            safe = np.where(keep[:, d], sw, 1.0)
            num = np.zeros((T, n))
            den = np.zeros((T, n))
            for k in inds:
                om = (w[:, k] / safe)[:, None]
                num = num + om * self.z[k][None, :]
                den = den + om * self.presentf[k][None, :]
            ok = (den > 0) & self.eligible[None, :] & keep[:, d][:, None]
            D = np.where(ok, num / np.where(ok, den, 1.0), np.nan)
            if self.study.domains[d][2] == "exponential":
                X = np.full((T, n), np.nan)
                cols = ok[0]
                assert (ok == cols[None, :]).all(), "wards with a domain score differ between draws"
                if cols.any():
                    R = rankdata(D[:, cols], method="average", axis=1) / cols.sum()
                    X[:, cols] = -23.0 * np.log(1.0 - R * EXP_C)
            else:
                X = D
            Om = np.where(keep[:, d], W[:, d] / np.where(sum_W > 0, sum_W, 1.0), 0.0)[:, None]
            s_num = s_num + np.where(ok, Om * np.nan_to_num(X), 0.0)
            s_den = s_den + np.where(ok, Om, 0.0)
            if full:
                out["D"].append(D[0])
                out["X"].append(X[0])
                out["domain_rank"].append(self.group_ranks(X[:1])[0])
        scored = s_den > 0
        S = np.where(scored, s_num / np.where(scored, s_den, 1.0), np.nan)
        ranks = self.group_ranks(S)
        if full:
            out["S"] = S[0]
            out["rank"] = ranks[0]
            return out
        return ranks

    def baseline(self):
        res = self.run(self.w[None, :], self.W[None, :], full=True)
        decile = np.full(self.n, np.nan)
        for cols in self.groups:
            r = res["rank"][cols]
            m = int((~np.isnan(r)).sum())
            ok = ~np.isnan(r)
            decile[cols[ok]] = (r[ok].astype(np.int64) - 1) * 10 // m + 1
        res["decile"] = decile
        return res

    def weight_draws(self):
        """(draws, K) and (draws, D) jittered weights, in the generator order of docs/scoring.md."""
        st = self.study
        K, Dn = len(self.w), len(self.W)
        rng = Xoshiro256StarStar(st.seed)
        u = np.array([rng.uniform() for _ in range(st.draws * (K + Dn))]).reshape(st.draws, K + Dn)
        factor = 1.0 + st.jitter * (2.0 * u - 1.0)
        return self.w[None, :] * factor[:, :K], self.W[None, :] * factor[:, K:]

    def monte_carlo(self):
        """Each ward's p05 and p95 rank over the draws (NaN for unranked wards)."""
        w, W = self.weight_draws()
        ranks = np.concatenate([self.run(w[i:i + CHUNK], W[i:i + CHUNK]) for i in range(0, len(w), CHUNK)])
        p = np.full((2, self.n), np.nan)
        ok = ~np.isnan(ranks[0])
        if ok.any():
            p[:, ok] = np.percentile(ranks[:, ok], [5, 95], axis=0, method="inverted_cdf")
        return p[0], p[1]

    def leave_one_out(self):
        K = len(self.w)
        if K == 1:
            return np.full(self.n, np.nan), np.full(self.n, np.nan)
        passes = []
        for k in range(K):
            w = self.w.copy()
            w[k] = 0.0
            passes.append(self.run(w[None, :], self.W[None, :])[0])
        passes = np.array(passes)
        lo = np.full(self.n, np.nan)
        hi = np.full(self.n, np.nan)
        ok = ~np.isnan(passes).all(axis=0)
        lo[ok] = np.nanmin(passes[:, ok], axis=0)
        hi[ok] = np.nanmax(passes[:, ok], axis=0)
        return lo, hi


def score_columns(study):
    cols = []
    for name, _, transform in study.domains:
        cols += [f"{name}_score"] + ([f"{name}_score_exp"] if transform == "exponential" else []) + [f"{name}_rank"]
    cols += ["connectivity_score", "connectivity_rank", "connectivity_decile"]
    if study.draws > 0:
        cols += ["connectivity_rank_p05", "connectivity_rank_p95"]
    if study.leave_one_out:
        cols += ["connectivity_rank_loo_min", "connectivity_rank_loo_max"]
    return cols + ["score_missing"]


def score(study, x, groups, timings=None, warn=True):
    """{column: list of float / int / str / None} for the score columns of docs/scoring.md."""
    timings = {} if timings is None else timings
    t0 = time.perf_counter()
    sc = Scorer(study, x, groups)
    for name in sc.constant if warn else []:
        print(f"scoring_oracle: warning: indicator {name} has one distinct value: z = 0 for every ward",
              file=sys.stderr)
    timings["normalise"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = sc.baseline()
    timings["score"] = time.perf_counter() - t0

    def floats(a):
        return [None if np.isnan(v) else float(v) for v in a]

    def ints(a):
        return [None if np.isnan(v) else int(v) for v in a]

    out = {}
    for d, (name, _, transform) in enumerate(study.domains):
        out[f"{name}_score"] = floats(base["D"][d])
        if transform == "exponential":
            out[f"{name}_score_exp"] = floats(base["X"][d])
        out[f"{name}_rank"] = ints(base["domain_rank"][d])
    out["connectivity_score"] = floats(base["S"])
    out["connectivity_rank"] = ints(base["rank"])
    out["connectivity_decile"] = ints(base["decile"])
    if study.draws > 0:
        t0 = time.perf_counter()
        p05, p95 = sc.monte_carlo()
        out["connectivity_rank_p05"], out["connectivity_rank_p95"] = ints(p05), ints(p95)
        timings["monte_carlo"] = time.perf_counter() - t0
    if study.leave_one_out:
        t0 = time.perf_counter()
        lo, hi = sc.leave_one_out()
        out["connectivity_rank_loo_min"], out["connectivity_rank_loo_max"] = ints(lo), ints(hi)
        timings["leave_one_out"] = time.perf_counter() - t0
    names = [ind[0] for ind in study.indicators]
    out["score_missing"] = [
        study.missing + ": " + ", ".join(names[k] for k in np.flatnonzero(sc.raw_missing[:, i]))
        if sc.raw_missing[:, i].any() else "none" for i in range(sc.n)]
    return out


def field(v):
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v)
    return str(v)


def run(study_path, in_path, code_field, out_path):
    timings = {}
    t0 = time.perf_counter()
    study = load_study(study_path)
    header, rows = read_csv(in_path)
    props = properties(study, header, rows, code_field, in_path)
    codes = props[code_field]
    x = values(study, props, codes, in_path)
    groups = None
    if study.group_by is not None:
        if study.group_by not in props:
            raise StudyError(f"{in_path}: no property {study.group_by!r} (score.group_by)")
        groups = props[study.group_by]
    timings["read"] = time.perf_counter() - t0
    cols = score(study, x, groups, timings)
    t0 = time.perf_counter()
    names = score_columns(study)
    assert list(cols) == names
    tmp = out_path + ".tmp"
    with open(tmp, "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header + names)
        for i, r in enumerate(rows):
            w.writerow(r + [field(cols[c][i]) for c in names])
    os.replace(tmp, out_path)
    timings["write"] = time.perf_counter() - t0
    return timings


# ------------------------------------------------------------------------------------------------------------------
# The hand example (module docstring)

HAND_TOML = """\
[score]
normalisation = "rank"
domain_transform = "exponential"
missing = "reweight"

[score.robustness]
draws = 0
leave_one_out = true

[[score.domain]]
name = "services"
weight = 2

[[score.domain]]
name = "digital"
weight = 1

[[score.indicator]]
name = "gp_walk"
source = "gp_walk_min"
direction = "higher_is_worse"
domain = "services"
weight = 1

[[score.indicator]]
name = "superfast"
source = "broadband_sfbb_pct"
direction = "higher_is_better"
domain = "digital"
weight = 1
"""
HAND_CSV = "WD13CD,gp_walk_min,broadband_sfbb_pct\nE05000001,10,50\nE05000002,20,10\nE05000003,20,\n"
# Hand-worked (module docstring); ndtri, exp and ln from 50-digit decimal arithmetic; compared to 1e-12.
HAND_EXPECTED = {
    "services_score": [-0.96742156610170104, 0.43072729929545749, 0.43072729929545749],
    "services_score_exp": [9.1774250775990544, 39.769077913428952, 39.769077913428952],
    "services_rank": [3, 1, 1],
    "digital_score": [-0.67448975019608174, 0.67448975019608174, None],
    "digital_score_exp": [15.646790072602892, 100.0, None],
    "digital_rank": [2, 1, None],
    "connectivity_score": [11.333880075933667, 59.846051942285968, 39.769077913428952],
    "connectivity_rank": [3, 1, 2],
    "connectivity_decile": [7, 1, 4],
    "connectivity_rank_loo_min": [2, 1, 1],
    "connectivity_rank_loo_max": [3, 1, 1],
    "score_missing": ["none", "none", "reweight: superfast"],
}
RNG_VECTORS = {  # seed: (first three next() outputs)
    0: (0x99EC5F36CB75F2B4, 0xBF6E1F784956452A, 0x1A5F849D4933E6E0),
    1: (0xB3F2AF6D0FC710C5, 0x853B559647364CEA, 0x92F89756082A4514),
    20190926: (0xC3A38A67482320FB, 0x5C6A45E31BA5802B, 0x3A69C89830B35887),
    2**63 - 1: (0x0E1C2B4B82E8C0C5, 0x19167A27A6E0D81B, 0x7B5F1A55D35896BD),
}


def brute_force(study, x, groups):
    """docs/scoring.md read literally, one ward at a time in plain Python (statistics.NormalDist for the inverse
    normal, counting for ranks, integer nearest-rank percentiles): the check on Scorer's vectorised arithmetic.
    Returns {column: list} like score()."""
    import statistics
    K, n = len(study.indicators), x.shape[1]
    nan = float("nan")
    raw_missing = [[math.isnan(float(x[k, i])) for i in range(n)] for k in range(K)]
    xv = [[float(x[k, i]) for i in range(n)] for k in range(K)]
    if study.missing == "impute_median":
        for k in range(K):
            med = statistics.median(v for v, m in zip(xv[k], raw_missing[k]) if not m)
            xv[k] = [med if m else v for v, m in zip(xv[k], raw_missing[k])]
    present = [[not math.isnan(v) for v in xv[k]] for k in range(K)]
    eligible = [study.missing != "null" or all(present[k][i] for k in range(K)) for i in range(n)]
    z = [[nan] * n for _ in range(K)]
    for k, ind in enumerate(study.indicators):
        P = [i for i in range(n) if present[k][i]]
        y = {i: ind[2] * xv[k][i] for i in P}
        vals = list(y.values())
        nk = len(vals)
        mean = sum(vals) / nk
        sd = math.sqrt(sum((v - mean) ** 2 for v in vals) / nk)
        for i in P:
            if len(set(vals)) == 1:
                z[k][i] = 0.0
            elif study.normalisation == "rank":
                below, equal = sum(v < y[i] for v in vals), sum(v == y[i] for v in vals)
                z[k][i] = statistics.NormalDist().inv_cdf((below + (equal + 1) / 2 - 0.5) / nk)
            elif study.normalisation == "zscore":
                z[k][i] = (y[i] - mean) / sd
            else:
                z[k][i] = (y[i] - min(vals)) / (max(vals) - min(vals))
    group_of = groups if groups is not None else [""] * n
    doms = range(len(study.domains))

    def rank_in_group(V):
        return [None if V[i] is None else 1 + sum(1 for j in range(n) if group_of[j] == group_of[i]
                                                  and V[j] is not None and V[j] > V[i]) for i in range(n)]

    def scores(w, W):
        keep = [sum(w[k] for k, ind in enumerate(study.indicators) if ind[3] == d) > 0 for d in doms]
        D, X = [], []
        for d in doms:
            inds = [k for k, ind in enumerate(study.indicators) if ind[3] == d]
            col = [None] * n
            if keep[d]:
                om = {k: w[k] / sum(w[j] for j in inds) for k in inds}
                for i in range(n):
                    pres = [k for k in inds if present[k][i]]
                    den = sum(om[k] for k in pres)
                    if eligible[i] and pres and den > 0:
                        col[i] = sum(om[k] * z[k][i] for k in pres) / den
            D.append(col)
            if study.domains[d][2] == "exponential":
                have = [v for v in col if v is not None]
                xcol = []
                for v in col:
                    if v is None:
                        xcol.append(None)
                        continue
                    r = sum(u < v for u in have) + (sum(u == v for u in have) + 1) / 2
                    xcol.append(-23 * math.log(1 - r / len(have) * (1 - math.exp(-100 / 23))))
                X.append(xcol)
            else:
                X.append(col)
        sum_W = sum(W[d] for d in doms if keep[d])
        S = []
        for i in range(n):
            ds = [d for d in doms if X[d][i] is not None]
            S.append(sum(W[d] / sum_W * X[d][i] for d in ds) / sum(W[d] / sum_W for d in ds) if ds else None)
        return D, X, S

    w0 = [ind[4] for ind in study.indicators]
    W0 = [d[1] for d in study.domains]
    D, X, S = scores(w0, W0)
    rank = rank_in_group(S)
    out = {}
    for d, (name, _, transform) in enumerate(study.domains):
        out[f"{name}_score"] = D[d]
        if transform == "exponential":
            out[f"{name}_score_exp"] = X[d]
        out[f"{name}_rank"] = rank_in_group(X[d])
    out["connectivity_score"] = S
    out["connectivity_rank"] = rank
    out["connectivity_decile"] = [
        None if r is None else (r - 1) * 10 // sum(1 for j in range(n) if group_of[j] == group_of[i]
                                                   and rank[j] is not None) + 1 for i, r in enumerate(rank)]
    if study.draws > 0:
        rng = Xoshiro256StarStar(study.seed)
        draws = []
        for _ in range(study.draws):
            w = [wk * (1 + study.jitter * (2 * rng.uniform() - 1)) for wk in w0]
            W = [Wd * (1 + study.jitter * (2 * rng.uniform() - 1)) for Wd in W0]
            draws.append(rank_in_group(scores(w, W)[2]))
        T = study.draws
        lo_i, hi_i = -(-5 * T // 100), -(-95 * T // 100)  # ceil(0.05 T), ceil(0.95 T), 1-based
        out["connectivity_rank_p05"] = [None if rank[i] is None else sorted(r[i] for r in draws)[lo_i - 1]
                                        for i in range(n)]
        out["connectivity_rank_p95"] = [None if rank[i] is None else sorted(r[i] for r in draws)[hi_i - 1]
                                        for i in range(n)]
    if study.leave_one_out:
        passes = []
        for k in range(K if K > 1 else 0):
            passes.append(rank_in_group(scores([0.0 if j == k else v for j, v in enumerate(w0)], W0)[2]))
        ranked = [[p[i] for p in passes if p[i] is not None] for i in range(n)]
        out["connectivity_rank_loo_min"] = [min(r) if r else None for r in ranked]
        out["connectivity_rank_loo_max"] = [max(r) if r else None for r in ranked]
    names = [ind[0] for ind in study.indicators]
    out["score_missing"] = [
        study.missing + ": " + ", ".join(names[k] for k in range(K) if raw_missing[k][i])
        if any(raw_missing[k][i] for k in range(K)) else "none" for i in range(n)]
    return out


def brute_force_problems():
    """Scorer against brute_force on small random tables (30 wards in 3 groups, values 0..5 so ties abound, 15 %
    missing, one indicator constant), for every normalisation x missing policy, exponential and mixed transforms."""
    rng = np.random.default_rng(5)
    n = 30
    x = rng.integers(0, 6, size=(5, n)).astype(float)
    x[4] = 3.0  # constant
    x[rng.random((5, n)) < 0.15] = np.nan
    x[:, 7] = np.nan  # a ward with nothing
    x[0:2, 8] = np.nan  # a ward missing all of domain a's weighted indicators (c has weight 0)
    groups = [("g1", "g2", "g3")[i % 3] for i in range(n)]
    bad = []
    for norm in ("rank", "zscore", "minmax"):
        for missing in ("reweight", "impute_median", "null"):
            for transform_b in ("exponential", "linear"):
                st = Study()
                st.normalisation, st.transform, st.missing = norm, "exponential", missing
                st.group_by, st.draws, st.jitter, st.seed, st.leave_one_out = "g", 40, 0.3, 11, True
                st.domains = [("a", 2.0, "exponential"), ("b", 1.0, transform_b)]
                st.indicators = [("p", "p", 1.0, 0, 1.0), ("q", "q", -1.0, 0, 2.0), ("c", "c", 1.0, 0, 0.0),
                                 ("r", "r", -1.0, 1, 1.5), ("k", "k", 1.0, 1, 0.5)]
                got = score(st, x, groups, warn=False)
                want = brute_force(st, x, groups)
                for col, wv in want.items():
                    for i, (g, e) in enumerate(zip(got[col], wv)):
                        same = (g is None and e is None) or (
                            g is not None and e is not None and
                            (g == e if isinstance(e, (int, str)) else abs(g - e) <= 1e-9))
                        if not same:
                            bad.append(f"brute force {norm}/{missing}/{transform_b}: ward {i} {col}: oracle {g!r}, "
                                       f"brute force {e!r}")
    return bad


def self_test(tmp_dir=None):
    """Checks the oracle against the hand example, the generator vectors and a brute-force reading of
    docs/scoring.md on small tables; returns a list of problems."""
    import tempfile
    bad = brute_force_problems()
    if SplitMix64(0).next() != 0xE220A8397B1DCDAF:
        bad.append("splitmix64(0) first output is not 0xe220a8397b1dcdaf")
    for seed, want in RNG_VECTORS.items():
        g = Xoshiro256StarStar(seed)
        got = tuple(g.next() for _ in want)
        if got != want:
            bad.append(f"xoshiro256** seed {seed}: {[hex(v) for v in got]} != {[hex(v) for v in want]}")
    with tempfile.TemporaryDirectory(dir=tmp_dir) as d:
        sp, ip, op = (os.path.join(d, n) for n in ("hand.toml", "hand.csv", "out.csv"))
        with open(sp, "w") as fh:
            fh.write(HAND_TOML)
        with open(ip, "w") as fh:
            fh.write(HAND_CSV)
        run(sp, ip, "WD13CD", op)
        with open(op, newline="") as fh:
            got = list(csv.DictReader(fh))
    header = ["WD13CD", "gp_walk_min", "broadband_sfbb_pct", *HAND_EXPECTED]
    if list(got[0]) != header:
        bad.append(f"hand example columns {list(got[0])} != {header}")
    for col, want in HAND_EXPECTED.items():
        for i, v in enumerate(want):
            g = got[i].get(col, "<absent>")
            if v is None or isinstance(v, str) or isinstance(v, int):
                ok = g == ("" if v is None else str(v))
            else:
                ok = g != "" and abs(float(g) - v) <= 1e-12
            if not ok:
                bad.append(f"hand example ward {i + 1} {col}: {g!r}, hand-worked {v!r}")
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study")
    ap.add_argument("--in", dest="table")
    ap.add_argument("--code-field", default="WD13CD")
    ap.add_argument("--out")
    ap.add_argument("--self-test", action="store_true")
    args = ap.parse_args()
    if args.self_test:
        bad = self_test()
        for b in bad:
            print(f"scoring_oracle: self-test: {b}", file=sys.stderr)
        print(f"scoring_oracle: self-test {'FAILED' if bad else 'ok'}", file=sys.stderr)
        return 1 if bad else 0
    if not (args.study and args.table and args.out):
        ap.error("--study, --in and --out are required (or --self-test)")
    t0 = time.perf_counter()
    try:
        timings = run(args.study, args.table, args.code_field, args.out)
    except StudyError as e:
        print(f"scoring_oracle: error: {e}", file=sys.stderr)
        return 1
    print("scoring_oracle: timings: " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items())
          + f"; total {time.perf_counter() - t0:.2f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
