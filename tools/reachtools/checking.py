"""The pass/fail bookkeeping every cross-check script shares: one printed line per check, offenders listed.

Two kinds of check:
- a reach check compares what reach wrote (or its exit status) with an oracle: counted in 'N passed, M failed';
- an oracle self-check (`Case.self_check`, or every check of a `Case(name, oracle_only=True)`) tests the oracle
  alone (hand-worked numbers, a brute force, the PROJ transform it uses): it runs, and a failure fails the run,
  but a pass is not a reach check and is reported apart ('(+ K oracle self-checks passed)').

Skipped cases (`--skipped "NAME: reason"`) are listed as skipped; with CI=true each is a failure instead, with its
reason (run.sh names the missing file). `--failed "NAME: reason"` records a case that could not be run at all.
"""

import os
import time

SHOW = 5  # offenders listed per failed check


def ci_mode():
    """True when CI=true (or 1/yes) is set: a skipped case is then a failure."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


class Case:
    """One compared case (a reach run and its oracle): counts passed and failed checks, reach and oracle apart."""

    def __init__(self, name, oracle_only=False):
        self.name = name
        self.oracle_only = oracle_only
        self.passed = 0
        self.failed = 0
        self.self_passed = 0
        self.self_failed = 0

    def check(self, what, bad, detail="", oracle=False):
        """Records one check: `bad` is a list of failure descriptions (empty = pass); oracle=True for a check of
        the oracle alone."""
        oracle = oracle or self.oracle_only
        if bad:
            if oracle:
                self.self_failed += 1
            else:
                self.failed += 1
            more = f" (+{len(bad) - SHOW} more)" if len(bad) > SHOW else ""
            print(f"FAIL {self.name}: {what}: {len(bad)} problem(s){more}{' [' + detail + ']' if detail else ''}")
            for b in bad[:SHOW]:
                print(f"       {b}")
        else:
            if oracle:
                self.self_passed += 1
            else:
                self.passed += 1
            print(f"ok   {self.name}: {what}{' (' + detail + ')' if detail else ''}")

    def self_check(self, what, bad, detail=""):
        """A check of the oracle alone (not of reach): see the module docstring."""
        self.check(what, bad, detail, oracle=True)


def split_reason(entry):
    """'NAME: reason' -> (NAME, reason); 'NAME' -> (NAME, '')."""
    name, _, reason = entry.partition(": ")
    return name.strip(), reason.strip()


def summarise(cases, skipped, failed=()):
    """Prints the skipped cases and the last line run.sh reads ('N passed, M failed'); returns the exit status."""
    passed = sum(c.passed for c in cases)
    n_failed = sum(c.failed + c.self_failed for c in cases)
    self_passed = sum(c.self_passed for c in cases)
    for entry in failed:
        name, reason = split_reason(entry)
        print(f"FAIL {name}: not run: {reason or 'run.sh could not run it'}")
        n_failed += 1
    ci = ci_mode()
    for entry in skipped:
        name, reason = split_reason(entry)
        if ci:
            print(f"FAIL {name}: skipped, and CI=true makes a skip a failure: {reason or 'no reason given'}")
            n_failed += 1
        else:
            print(f"skip {name}{': ' + reason if reason else ''}")
    tail = f", {len(skipped)} skipped" if skipped and not ci else ""
    selfs = f" (+ {self_passed} oracle self-checks passed, not counted)" if self_passed else ""
    print(f"{passed} passed, {n_failed} failed{tail}{selfs}")
    return 1 if n_failed else 0


def add_case_arguments(parser, case_metavar=("NAME", "REACH_DIR")):
    """--case (len(case_metavar) values each), --skipped 'NAME[: reason]', --failed 'NAME: reason'."""
    parser.add_argument("--case", nargs=len(case_metavar), action="append", default=[], metavar=case_metavar)
    parser.add_argument("--skipped", action="append", default=[], metavar="'NAME[: REASON]'",
                        help="a case run.sh had to skip (a failure under CI=true)")
    parser.add_argument("--failed", action="append", default=[], metavar="'NAME: REASON'",
                        help="a case run.sh could not run (always a failure)")


def run_cases(args, case_function):
    """Runs each (name, reach output dir) of args.case through case_function(name) -> f(name, dir, data, tmp),
    which returns None for an unknown case, timing each; returns summarise()'s exit status."""
    cases = []
    for name, reach_dir in args.case:
        t0 = time.perf_counter()
        function = case_function(name)
        if function is None:
            unknown = Case(name)
            unknown.check("known case", ["unknown case"])
            cases.append(unknown)
            continue
        cases.append(function(name, reach_dir, args.data, args.tmp))
        print(f"     {name}: checked in {time.perf_counter() - t0:.1f}s")
    return summarise(cases, args.skipped, getattr(args, "failed", ()))


def checker_main(description, cases, prepare, table=None, default_study=None):
    """The command line a checker that copies a study shares: `prepare --data D --tmp T`, `check --data D --tmp T`
    with the case arguments (each case a function of `cases`), and, with `table`, `table --study S` (the oracle's
    figures alone). Returns the exit status."""
    import argparse

    ap = argparse.ArgumentParser(description=description)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("prepare", "check"):
        p = sub.add_parser(name)
        p.add_argument("--data", default="../shared/data")
        p.add_argument("--tmp", required=True)
        if name == "check":
            add_case_arguments(p)
    if table is not None:
        sub.add_parser("table").add_argument("--study", default=default_study)
    args = ap.parse_args()
    if args.cmd == "prepare":
        return prepare(args)
    if args.cmd == "table":
        return table(args)
    return run_cases(args, cases.get)
