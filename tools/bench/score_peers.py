"""Peer and summary for tools/bench/score.sh: `reach score` against the numpy/scipy implementation of
docs/scoring.md (tools/crosscheck/scoring_oracle.py), on the same study and table.

usage:
  score_peers.py scipy --study S.toml --in TABLE.csv --code-field WD13CD --out OUT.csv
        the peer: scoring_oracle.py's vectorised numpy/scipy scoring (rankdata, ndtri, Monte Carlo draws as one
        (draws x wards) array per batch, leave one out), single process; prints `score_peers: timings: <step>
        <x.xx> s, ...` on stderr, as reach prints its steps
  score_peers.py summary --tmp DIR --study S.toml --table TABLE.csv [--goal 2]
        reads DIR/{reach,scipy}.time ("seconds maxrss_kib" per run) and the runs' logs, prints the table (median
        wall seconds, runs, peak MiB, ratio), the goal (reach median < GOAL seconds) and the agreement of
        DIR/reach.csv with DIR/scipy.csv (tools/crosscheck/scoring.py's checks); exit 1 if they disagree
"""

import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "crosscheck"))
import scoring_oracle  # noqa: E402  (tools/crosscheck/scoring_oracle.py)


def scipy_peer(args):
    t0 = time.perf_counter()
    try:
        timings = scoring_oracle.run(args.study, args.table, args.code_field, args.out)
    except scoring_oracle.StudyError as e:
        print(f"score_peers: error: {e}", file=sys.stderr)
        return 1
    print("score_peers: timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in timings.items())
          + f"; total {time.perf_counter() - t0:.2f} s", file=sys.stderr)
    return 0


def stats(tmp, name):
    vals = [line.split() for line in open(os.path.join(tmp, f"{name}.time")) if line.strip()[:1].isdigit()]
    secs = [float(v[0]) for v in vals]
    steps = ""
    for log in sorted(f for f in os.listdir(tmp) if f.startswith(f"{name}.run") and f.endswith(".log")):
        for line in open(os.path.join(tmp, log), errors="replace"):
            if "timings:" in line:
                steps = line.split("timings:", 1)[1].strip()  # the last run's steps
    return statistics.median(secs), max(int(v[1]) for v in vals) / 1024, len(secs), steps


def summary(args):
    import scoring  # tools/crosscheck/scoring.py (puts tools/ on sys.path)
    from reachtools.checking import Case

    study = scoring_oracle.load_study(args.study)
    nwards = sum(1 for _ in open(args.table)) - 1
    print()
    print(f"score: {os.path.basename(args.study)} ({study.normalisation}, {study.transform}, {study.missing}, "
          f"group_by {study.group_by}, {study.draws} draws, leave one out {'on' if study.leave_one_out else 'off'}, "
          f"{len(study.indicators)} indicators in {len(study.domains)} domains) on {nwards:,} wards "
          f"({os.path.basename(args.table)})")
    rows = [("reach", "reach score"), ("scipy", "numpy/scipy (scoring_oracle.py)")]
    table = {name: stats(args.tmp, name) for name, _ in rows}
    w = max(len(label) for _, label in rows)
    print(f"{'tool':<{w}}  {'median s':>8}  {'runs':>4}  {'peak MiB':>8}  {'x reach time':>12}  {'x reach mem':>11}  "
          f"steps (last run)")
    for name, label in rows:
        s, m, n, steps = table[name]
        print(f"{label:<{w}}  {s:>8.2f}  {n:>4}  {m:>8.1f}  {s / table['reach'][0]:>12.2f}  "
              f"{m / table['reach'][1]:>11.2f}  {steps}")
    reach_s = table["reach"][0]
    print(f"goal: reach < {args.goal:g} s: {reach_s:.2f} s -> {'met' if reach_s < args.goal else 'NOT met'} "
          f"(scipy / reach = {table['scipy'][0] / reach_s:.2f}x)")
    case = Case("agreement")
    scoring.compare(case, study, os.path.join(args.tmp, "reach.csv"), os.path.join(args.tmp, "scipy.csv"))
    print(f"agreement (reach.csv vs scipy.csv, tools/crosscheck/scoring.py): {case.passed} passed, "
          f"{case.failed} failed -> {'ok' if not case.failed else 'FAILED'}")
    return 1 if case.failed else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("scipy")
    p.add_argument("--study", required=True)
    p.add_argument("--in", dest="table", required=True)
    p.add_argument("--code-field", default="WD13CD")
    p.add_argument("--out", required=True)
    s = sub.add_parser("summary")
    s.add_argument("--tmp", required=True)
    s.add_argument("--study", required=True)
    s.add_argument("--table", required=True)
    s.add_argument("--goal", type=float, default=2.0)
    args = ap.parse_args()
    return {"scipy": scipy_peer, "summary": summary}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
