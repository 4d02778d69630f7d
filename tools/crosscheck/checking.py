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
