"""The one total over the checkers' logs, printed last by run.sh: 'N passed, M failed' (CI reads that line).

    python -m reachtools.report LOG...

Each log's last 'N passed, M failed[, K skipped][ (+ S oracle self-checks passed, not counted)]' line is summed;
a log without one counts as one failure (its checker died before summarising). Exit status 1 when anything failed.
"""

import os
import re
import sys

LINE = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?(?: \(\+ (\d+) oracle self-checks passed)?")


def parse(path):
    """(passed, failed, skipped, self-checks passed) of one log, or None when it has no summary line."""
    with open(path) as fh:
        last = [m for m in map(LINE.match, fh) if m]
    if not last:
        return None
    m = last[-1]
    return int(m[1]), int(m[2]), int(m[3] or 0), int(m[4] or 0)


def total(paths, stream=None):
    """Prints the total line; returns (passed, failed)."""
    stream = stream or sys.stdout
    p = f = s = o = 0
    for path in paths:
        got = parse(path)
        if got is None:
            print(f"crosscheck: {path} has no 'N passed, M failed' line", file=sys.stderr)
            f += 1
            continue
        p, f, s, o = p + got[0], f + got[1], s + got[2], o + got[3]
    names = " + ".join(os.path.basename(x).replace(".log", ".py") for x in paths)
    print(f"{p} passed, {f} failed" + (f", {s} skipped" if s else "")
          + f" (crosscheck total: {names}" + (f"; + {o} oracle self-checks passed, not counted" if o else "") + ")",
          file=stream)
    return p, f


def main():
    _, failed = total(sys.argv[1:])
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
