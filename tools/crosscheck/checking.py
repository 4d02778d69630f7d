"""The pass/fail bookkeeping every cross-check script shares: one printed line per check, offenders listed."""

SHOW = 5  # offenders listed per failed check


class Case:
    """One compared case (a reach run and its oracle): counts passed and failed checks."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, what, bad, detail=""):
        """Records one check: `bad` is a list of failure descriptions (empty = pass)."""
        if bad:
            self.failed += 1
            more = f" (+{len(bad) - SHOW} more)" if len(bad) > SHOW else ""
            print(f"FAIL {self.name}: {what}: {len(bad)} problem(s){more}{' [' + detail + ']' if detail else ''}")
            for b in bad[:SHOW]:
                print(f"       {b}")
        else:
            self.passed += 1
            print(f"ok   {self.name}: {what}{' (' + detail + ')' if detail else ''}")


def summarise(cases, skipped):
    """Prints the skipped cases and the last line run.sh reads ('N passed, M failed'); returns the exit status."""
    passed = sum(c.passed for c in cases)
    failed = sum(c.failed for c in cases)
    for name in skipped:
        print(f"skip {name}")
    tail = f", {len(skipped)} skipped" if skipped else ""
    print(f"{passed} passed, {failed} failed{tail}")
    return 1 if failed else 0


def run_cases(args, case_function):
    """Runs each (name, reach output dir) of args.case through case_function(name) -> f(name, dir, data, tmp),
    which returns None for an unknown case, timing each; returns summarise()'s exit status."""
    import time
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
    return summarise(cases, args.skipped)
