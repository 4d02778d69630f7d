"""Cross-checks `reach score` against the numpy/scipy implementation of docs/scoring.md (scoring_oracle.py).

Driven by tools/crosscheck/run.sh:

  scoring.py check --data ../shared/data --tmp DIR --case NAME CASE_DIR [--case ...]
      [--skipped|--failed 'NAME: why' ...]
      for each case, compares CASE_DIR/reach.csv (what `reach score --out` wrote; its exit status in
      CASE_DIR/status, stderr in CASE_DIR/stderr) with CASE_DIR/oracle.csv (scoring_oracle.py on the same study
      and table); one line per check, then 'N passed, M failed' and exit status 1 on failure.
  scoring.py compare --study STUDY.toml REACH.csv ORACLE.csv
      the same comparison for two files (tools/bench/score.sh uses it).

Cases (the study files are in tools/crosscheck/studies/, the table is make_ward_table.py's 7,681 wards):
  scoring-hand                   hand.toml on hand.csv: 3 wards, numbers worked by hand (scoring_oracle.py)
  scoring-rank-exp-reweight      rank, exponential, reweight, group_by lad_code, 1,000 draws, leave one out
  scoring-zscore-linear-impute   zscore, linear (digital exponential), impute_median, 200 draws
  scoring-minmax-null            minmax, exponential, null, group_by lad_code, 100 draws, leave one out

Checks per case: reach exited 0; the same columns in the same order (the input's, then the score columns);
the same rows, codes in the same order; input columns passed through (as text, or as the same number);
per score column, nulls in the same places and the worst difference (floats to 1e-9 absolute; ranks, deciles,
p05/p95, loo_min/max and score_missing identical; a rank that differs is reported with the gap to the nearest
score in its group, to tell a floating-point near-tie from a real disagreement); and invariants of reach's own
output: every rank is 1 + the number of wards of its group with a higher score, deciles follow from ranks,
p05 <= p95, loo_min <= loo_max, exponential scores in (0, 100].
"""

import argparse
import csv
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))  # tools/: reachtools
import scoring_oracle  # noqa: E402  (tools/crosscheck/scoring_oracle.py)
from reachtools.checking import Case, add_case_arguments, run_cases  # noqa: E402
from reachtools.runner import check_status  # noqa: E402

STUDIES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "studies")
CASES = {  # name: study file
    "scoring-hand": "hand.toml",
    "scoring-rank-exp-reweight": "rank_exp_reweight.toml",
    "scoring-zscore-linear-impute": "zscore_linear_impute.toml",
    "scoring-minmax-null": "minmax_null.toml",
}
CODE_FIELD = "WD13CD"
FLOAT_TOL = 1e-9
NEAR_TIE = 1e-9


def read(path):
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def number(s):
    """float of a CSV field, None for empty, NaN for something that is not a number."""
    if s == "":
        return None
    try:
        return float(s)
    except ValueError:
        return math.nan


def kind(column):
    if column == "score_missing":
        return "text"
    if column.endswith(("_score", "_score_exp")):
        return "float"
    return "int"  # *_rank, connectivity_decile, connectivity_rank_p05/p95/loo_min/loo_max


def score_of(column, names):
    """The score column a rank column ranks (for near-tie reports), or None."""
    if column.startswith("connectivity_rank"):
        return "connectivity_score"
    if column.endswith("_rank"):
        d = column[: -len("_rank")]
        return f"{d}_score_exp" if f"{d}_score_exp" in names else f"{d}_score"
    return None


def group_keys(study, header, rows):
    if study.group_by is None:
        return [""] * len(rows)
    if study.group_by not in header:  # a joined column: the groups are not in the output
        return None
    gi = header.index(study.group_by)
    return [r[gi] for r in rows]


def compare(case, study, reach_path, oracle_path):
    """Adds the checks of the module docstring to case."""
    rh, rr = read(reach_path)
    oh, orows = read(oracle_path)
    case.check("columns: the input's, then the score columns of docs/scoring.md in order",
               [] if rh == oh else [f"reach {rh}", f"oracle {oh}"])
    score_cols = scoring_oracle.score_columns(study)
    n_in = len(oh) - len(score_cols)
    code = oh.index(CODE_FIELD) if CODE_FIELD in oh else 0
    bad = []
    if len(rr) != len(orows):
        bad.append(f"reach has {len(rr)} rows, the oracle {len(orows)}")
    for i, (a, b) in enumerate(zip(rr, orows)):
        if len(a) != len(rh):
            bad.append(f"row {i + 1} has {len(a)} fields, the header {len(rh)}")
        elif a[code] != b[code]:
            bad.append(f"row {i + 1}: reach {a[code]}, oracle {b[code]}")
    case.check(f"rows: {len(orows)} wards, codes in input order", bad)
    if bad:
        return
    bad = []
    for j in range(n_in):
        for a, b in zip(rr, orows):
            if j < len(a) and rh[j] == oh[j] and a[j] != b[j] and number(a[j]) != number(b[j]):
                bad.append(f"{b[code]} {oh[j]}: reach {a[j]!r}, input {b[j]!r}")
    case.check(f"input columns ({n_in}) passed through", bad)

    groups = group_keys(study, oh, orows)
    rcol = {c: [number(r[rh.index(c)]) if kind(c) != "text" else r[rh.index(c)] for r in rr]
            for c in score_cols if c in rh}
    ocol = {c: [number(r[oh.index(c)]) if kind(c) != "text" else r[oh.index(c)] for r in orows] for c in score_cols}
    codes = [r[code] for r in orows]
    for c in score_cols:
        if c not in rcol:
            case.check(f"{c}", [f"reach has no column {c}"])
            continue
        a, b, k = rcol[c], ocol[c], kind(c)
        bad, worst, where = [], 0.0, ""
        for i, (x, y) in enumerate(zip(a, b)):
            if k == "text":
                if x != y:
                    bad.append(f"{codes[i]}: reach {x!r}, oracle {y!r}")
                continue
            if (x is None) != (y is None):
                bad.append(f"{codes[i]}: reach {'null' if x is None else x!r}, oracle {'null' if y is None else y!r}")
                continue
            if x is None:
                continue
            if math.isnan(x):
                bad.append(f"{codes[i]}: reach wrote {rr[i][rh.index(c)]!r}, not a number")
                continue
            d = abs(x - y)
            if d > worst:
                worst, where = d, codes[i]
            if k == "float" and d > FLOAT_TOL:
                bad.append(f"{codes[i]}: reach {x!r}, oracle {y!r}, |diff| {d:.3g}")
            elif k == "int" and (x != y or x != int(x)):
                bad.append(f"{codes[i]}: reach {x:g}, oracle {y:g}" + near_tie(i, score_of(c, score_cols), ocol,
                                                                                 groups))
        nulls = sum(y is None for y in b) if k != "text" else 0
        detail = (f"max |diff| {worst:.3g}" + (f" at {where}" if where else "") if k != "text" else "") + \
            (f"; {nulls} null" if nulls else "")
        case.check(f"{c} ({'to ' + format(FLOAT_TOL, 'g') if k == 'float' else 'identical'})", bad, detail)
    invariants(case, study, rcol, groups, codes)


def near_tie(i, score_col, ocol, groups):
    """' (near tie: ...)' when the oracle's score of ward i is within NEAR_TIE of another in its group."""
    if score_col is None or score_col not in ocol or groups is None:
        return ""
    s = ocol[score_col]
    if s[i] is None:
        return ""
    gaps = [abs(s[i] - s[j]) for j in range(len(s)) if j != i and groups[j] == groups[i] and s[j] is not None]
    gap = min(gaps) if gaps else math.inf
    return f" (near tie: nearest {score_col} in its group {gap:.2g} away)" if gap < NEAR_TIE else ""


def fmt(v):
    return "null" if v is None else f"{v:g}"


def invariants(case, study, col, groups, codes):
    """Reach's output against itself: ranks from its own scores, deciles from ranks, interval order."""
    bad = []
    if groups is None:
        case.check("invariants of reach's output", [], "skipped: group_by is a joined column")
        return
    members = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)

    def ranks_of(scores):
        out = [None] * len(scores)
        for idx in members.values():
            vals = sorted((scores[i] for i in idx if scores[i] is not None), reverse=True)
            first = {}
            for pos, v in enumerate(vals):
                first.setdefault(v, pos + 1)
            for i in idx:
                if scores[i] is not None:
                    out[i] = first[scores[i]]
        return out

    def ok(v):
        return v is not None and not math.isnan(v)

    pairs = [("connectivity_rank", "connectivity_score")]
    for name, _, transform in study.domains:
        pairs.append((f"{name}_rank", f"{name}_score_exp" if transform == "exponential" else f"{name}_score"))
    for rank_col, score_col in pairs:
        if rank_col in col and score_col in col and all(v is None or ok(v) for v in col[score_col]):
            want = ranks_of(col[score_col])
            for i, (r, w) in enumerate(zip(col[rank_col], want)):
                if r != w:
                    bad.append(f"{codes[i]} {rank_col} {fmt(r)}, but 1 + the wards of its group with a higher "
                               f"{score_col} = {fmt(w)}")
    if "connectivity_decile" in col and "connectivity_rank" in col:
        for idx in members.values():
            m = sum(1 for i in idx if ok(col["connectivity_rank"][i]))
            for i in idx:
                r, d = col["connectivity_rank"][i], col["connectivity_decile"][i]
                want = None if not ok(r) else (int(r) - 1) * 10 // m + 1
                if d != want:
                    bad.append(f"{codes[i]} decile {fmt(d)}, rank {fmt(r)} of {m} gives {fmt(want)}")
    for lo, hi in (("connectivity_rank_p05", "connectivity_rank_p95"),
                   ("connectivity_rank_loo_min", "connectivity_rank_loo_max")):
        if lo in col and hi in col:
            for i, (a, b) in enumerate(zip(col[lo], col[hi])):
                if ok(a) and ok(b) and a > b:
                    bad.append(f"{codes[i]} {lo} {a:g} > {hi} {b:g}")
    for name, _, transform in study.domains:
        c = f"{name}_score_exp"
        if transform == "exponential" and c in col:
            for i, v in enumerate(col[c]):
                if ok(v) and not 0 < v <= 100 + 1e-9:
                    bad.append(f"{codes[i]} {c} = {v!r} outside (0, 100]")
    case.check("invariants of reach's output (ranks from its scores, deciles, p05 <= p95, loo_min <= loo_max, "
               "exponential in (0, 100])", bad)


def hand_check(case, path, who):
    """The hand-worked numbers of scoring_oracle.py's docstring against a written hand example."""
    header, rows = read(path)
    bad = []
    for c, want in scoring_oracle.HAND_EXPECTED.items():
        if c not in header:
            bad.append(f"no column {c}")
            continue
        j = header.index(c)
        for i, v in enumerate(want):
            got = rows[i][j] if i < len(rows) else "<no row>"
            if v is None or isinstance(v, (int, str)):
                good = got == ("" if v is None else str(v)) or (isinstance(v, int) and number(got) == v)
            else:
                good = number(got) is not None and abs(number(got) - v) <= FLOAT_TOL
            if not good:
                bad.append(f"ward {i + 1} {c}: {who} {got!r}, hand-worked {v!r}")
    case.check(f"{who} = the hand-worked numbers (scoring_oracle.py docstring)", bad, oracle=who == "oracle")


def case_scoring(name, case_dir, data, tmp):
    case = Case(name)
    study = scoring_oracle.load_study(os.path.join(STUDIES, CASES[name]))
    check_status(case, case_dir)
    oracle = os.path.join(case_dir, "oracle.csv")
    reach = os.path.join(case_dir, "reach.csv")
    if name == "scoring-hand":
        if os.path.exists(oracle):
            hand_check(case, oracle, "oracle")
        problems = scoring_oracle.brute_force_problems()
        case.self_check("oracle = brute-force reading of docs/scoring.md on small tables (18 studies)", problems)
    if not os.path.exists(oracle):
        case.check("oracle output", [f"{oracle} not found"])
        return case
    if not os.path.exists(reach):
        case.check("reach output", [f"{reach} not found"])
        return case
    if name == "scoring-hand":
        hand_check(case, reach, "reach")
    compare(case, study, reach, oracle)
    return case


def check(args):
    return run_cases(args, lambda name: case_scoring if name in CASES else None)


def compare_cmd(args):
    case = Case(os.path.basename(args.reach))
    compare(case, scoring_oracle.load_study(args.study), args.reach, args.oracle)
    print(f"{case.passed} passed, {case.failed} failed")
    return 1 if case.failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("--data", default="../shared/data")
    c.add_argument("--tmp", required=True)
    add_case_arguments(c, ("NAME", "CASE_DIR"))
    p = sub.add_parser("compare")
    p.add_argument("--study", required=True)
    p.add_argument("reach")
    p.add_argument("oracle")
    args = ap.parse_args()
    return {"check": check, "compare": compare_cmd}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
