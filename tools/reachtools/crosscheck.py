"""Runs the cross-checks of tools/crosscheck/ over the table of reachtools.crosscheck_cases.

    python -m reachtools.crosscheck --reach PATH    (from the repo root, tools/ on PYTHONPATH: run.sh does this)

Env: REACH_DATA (default ../shared/data), CROSSCHECK_TMP (default /tmp/reach-crosscheck), CI=true,
CROSSCHECK_ONLY=transit|scoring|broadband|pt|scenarios|equity|service_profile|catchment (only the checkers the table marks
so; unset: all eleven).

For each checker, in table order: each case's needs are looked at (crosscheck_cases explains the order); a case
that can run has its prepare step run (once per run) and reach run into OUT/FOLDER/NAME by reachtools.runner (args,
stderr and status kept there), then its oracle if it has one; a case that cannot is handed to the checker as
--skipped or --failed 'NAME: reason' (and said on stderr: SKIP, or FAIL under CI=true). Then the checker runs on
all its cases, its stdout copied into OUT/<checker>.log. Last, reachtools.report sums the logs into the line CI
reads ('N passed, M failed'); the exit status is 1 when a checker failed. A prepare step that fails stops the run
with its status.
"""

import argparse
import glob
import os
import subprocess
import sys
import time

from reachtools import report, runner
from reachtools.checking import ci_mode
from reachtools.crosscheck_cases import CHECKER_DIR, checkers

TAIL = 20  # oracle stderr lines shown when it fails


class Stop(Exception):
    """A prepare step failed: the run ends with its exit status."""

    def __init__(self, status):
        super().__init__(status)
        self.status = status


def missing(tiers):
    """The missing paths of the first tier that has any (empty when all are there)."""
    for tier in tiers:
        gone = [p for p in tier if not os.path.exists(p)]
        if gone:
            return gone
    return []


def python(script, *args):
    return [sys.executable, os.path.join(CHECKER_DIR, script), *args]


class Driver:
    def __init__(self, reach, ci):
        self.reach, self.ci = reach, ci
        self.prepared = set()  # ids of the prepare steps run
        self.pending = None  # [kind, reason, names]: cases not run, said in one line when the reason changes

    def say(self, text):
        print(f"crosscheck: {text}", file=sys.stderr, flush=True)

    def not_run(self, kind, reason, name):
        """Records that case name was not run ("skipped" or "failed"), merging consecutive ones of one reason."""
        if self.pending and self.pending[:2] == [kind, reason]:
            self.pending[2].append(name)
            return
        self.flush()
        self.pending = [kind, reason, [name]]

    def flush(self):
        if self.pending:
            kind, reason, names = self.pending
            how = "SKIP" if kind == "skipped" and not self.ci else \
                "FAIL (CI=true: a skip is a failure)" if kind == "skipped" else "FAIL"
            self.say(f"{how} {' '.join(names)}: {reason}")
            self.pending = None

    def prepare(self, step):
        """Runs a prepare step the first time it is asked for."""
        if id(step) in self.prepared:
            return
        self.prepared.add(id(step))
        for pattern in step.remove:
            for path in glob.glob(pattern):
                os.remove(path)
        self.flush()
        sys.stdout.flush()
        status = subprocess.run(python(step.script, *step.args), stdout=sys.stderr.fileno()).returncode
        if status != 0:
            self.say(f"{' '.join(python(step.script, *step.args))} failed (status {status}): stopping")
            raise Stop(status)

    def why_not(self, case):
        """(kind, reason) when case cannot run, else None; runs its prepare step when it gets that far."""
        gone = missing(case.fixtures)
        if gone:
            what = "a bundled fixture" if sum(map(len, case.fixtures)) == 1 else "bundled fixtures"
            return "failed", f"{' '.join(gone)} not found ({what})"
        reason = case.probe(self.reach) if case.probe else None
        if reason:
            return "failed", reason
        gone = missing(case.data)
        if gone:
            return "skipped", f"{' '.join(gone)} not found (shared data absent{'; ' + case.why if case.why else ''})"
        if case.prepare:
            self.prepare(case.prepare)
        if case.made and missing([case.made[0]]):
            return "failed", case.made[1]
        return None

    def run_oracle(self, case, folder):
        oracle = case.oracle
        argv = python(oracle.script, *oracle.args, *[a for flag, f in oracle.outs for a in (flag, f"{folder}/{f}")])
        t0 = time.perf_counter()
        sys.stdout.flush()
        with open(f"{folder}/oracle.stderr", "w") as err:
            status = subprocess.run(argv, stderr=err).returncode
        if status != 0:
            self.say(f"the {oracle.script.replace('.py', '').replace('_', ' ')} failed on {case.name}; its stderr:")
            with open(f"{folder}/oracle.stderr") as fh:
                for line in fh.read().splitlines()[-TAIL:]:
                    print(line, file=sys.stderr)
        self.say(f"{case.name} took {int(time.perf_counter() - t0)}s (oracle)")

    def run_checker(self, checker, log):
        """Runs the checker's cases, then the checker; returns its exit status."""
        os.makedirs(checker.folder, exist_ok=True)
        values, skipped, failed = [], [], []
        for case in checker.cases:
            why = self.why_not(case)
            if why:
                kind, reason = why
                (skipped if kind == "skipped" else failed).append(f"{case.name}: {reason}")
                self.not_run(kind, reason, case.name)
                continue
            self.flush()
            if case.sub is None:  # the checker's oracle self-test: no reach run
                values.append(checker.case_values(case, "-"))
                continue
            folder = f"{checker.folder}/{case.name}"
            outs = [a for flag, f in case.outs for a in (flag, f"{folder}/{f}")]
            sys.stdout.flush()
            runner.run([self.reach, case.sub, *case.args, *outs], folder)
            if case.oracle:
                self.run_oracle(case, folder)
            values.append(checker.case_values(case, folder))
        self.flush()
        argv = python(checker.script, *checker.check)
        for v in values:
            argv += ["--case", *v]
        for entry in skipped:
            argv += ["--skipped", entry]
        for entry in failed:
            argv += ["--failed", entry]
        sys.stdout.flush()
        with open(log, "wb") as fh, subprocess.Popen(argv, stdout=subprocess.PIPE) as proc:  # tee
            for line in iter(proc.stdout.readline, b""):
                sys.stdout.buffer.write(line)
                sys.stdout.buffer.flush()
                fh.write(line)
        return proc.returncode


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reach", required=True, help="the reach binary (run.sh: REACH_BIN or .build/debug/reach)")
    args = ap.parse_args(argv)
    data = os.environ.get("REACH_DATA") or "../shared/data"
    out = os.environ.get("CROSSCHECK_TMP") or "/tmp/reach-crosscheck"
    only = os.environ.get("CROSSCHECK_ONLY", "")
    table = checkers(data, out)
    parts = list(dict.fromkeys(c.only for c in table if c.only))
    if only and only not in parts:
        print(f"crosscheck: CROSSCHECK_ONLY={only}: expected {', '.join(parts[:-1])} or {parts[-1]} "
              "(or unset for everything)", file=sys.stderr)
        return 2
    ci = ci_mode()
    if not os.path.isdir(data):
        if ci:
            print(f"crosscheck: FAIL: the shared data folder {data} (REACH_DATA) is missing and CI=true: every case "
                  "that needs it fails (the cases on fixtures/ still run)", file=sys.stderr)
        else:
            print(f"crosscheck: the shared data folder {data} (REACH_DATA) is missing: the cases that need it skip",
                  file=sys.stderr)
    os.makedirs(out, exist_ok=True)
    logs = [f"{out}/{c.log}" for c in table]
    for log in logs:
        if os.path.exists(log):
            os.remove(log)
    driver = Driver(args.reach, ci)
    statuses = []
    try:
        for checker, log in zip(table, logs):
            if only and checker.only != only:
                continue
            statuses.append(driver.run_checker(checker, log))
    except Stop as stop:
        return stop.status
    report.total([log for log in logs if os.path.isfile(log)])  # the last line, CI reads it
    return 1 if any(statuses) else 0


if __name__ == "__main__":
    sys.exit(main())
