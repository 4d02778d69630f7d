"""Running reach for one case, and checking how it exited.

A case folder holds what one reach run left: `args` (the arguments after the subcommand, one a line: the
broadband checker runs its oracle on them), `stderr`, `status` (the exit status; 127 when the binary could not be
started) and the outputs the arguments point into the folder. The cross-check driver (reachtools.crosscheck) calls
`run` for each case; from a shell,

    python -m reachtools.runner [--tag crosscheck] DIR REACH SUBCOMMAND ARGS...

empties DIR, runs reach, prints the command and its time on stderr and, when reach fails, its status and
the last lines of its stderr; it exits 0 either way (the checker counts the failure through `check_status`), or
with reach's status when given --propagate.
"""

import os
import shutil
import subprocess
import sys
import time

TAIL = 20  # stderr lines shown when reach fails


def run(argv, case_dir, tag="crosscheck", tail=TAIL, stream=None):
    """Runs argv (reach, its subcommand, its arguments) into a fresh case_dir; returns the exit status."""
    stream = stream or sys.stderr
    name = os.path.basename(os.path.normpath(case_dir))
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    with open(os.path.join(case_dir, "args"), "w") as fh:
        fh.writelines(f"{a}\n" for a in argv[2:])
    print(f"{tag}: {' '.join(argv)}", file=stream, flush=True)
    t0 = time.perf_counter()
    err_path = os.path.join(case_dir, "stderr")
    with open(err_path, "w") as err:
        try:
            status = subprocess.run(argv, stderr=err).returncode
        except OSError as e:  # not found, not executable
            err.write(f"{tag}: cannot run {argv[0]}: {e}\n")
            status = 127
    if status < 0:  # killed by a signal: report it as the shell does
        status = 128 - status
    with open(os.path.join(case_dir, "status"), "w") as fh:
        fh.write(f"{status}\n")
    if status != 0:
        print(f"{tag}: reach failed on {name} (status {status}); its stderr:", file=stream)
        with open(err_path) as fh:
            for line in fh.read().splitlines()[-tail:]:
                print(line, file=stream)
    print(f"{tag}: {name} took {time.perf_counter() - t0:.1f}s", file=stream, flush=True)
    return status


def read_status(case_dir):
    """(status text, stderr lines) of a case folder; status 'missing' when reach left none."""
    st = os.path.join(case_dir, "status")
    err = os.path.join(case_dir, "stderr")
    status = open(st).read().strip() if os.path.exists(st) else "missing"
    lines = open(err).read().strip().splitlines() if os.path.exists(err) else []
    return status, lines


def check_status(case, case_dir, echo=(), echo_last=False, echo_prefix="     "):
    """One check, 'reach exited 0', with the last 3 stderr lines when it did not; then prints the stderr lines
    holding any of `echo` (only the last one with echo_last). Returns True when reach exited 0."""
    status, lines = read_status(case_dir)
    case.check("reach exited 0", [] if status == "0" else [f"exit status {status}; stderr: {' | '.join(lines[-3:])}"])
    shown = [line for line in lines if any(e in line for e in echo)] if echo else []
    for line in shown[-1:] if echo_last else shown:
        print(f"{echo_prefix}{line.strip()}")
    return status == "0"


def main(argv=None):
    """runner.py [--tag TAG] [--propagate] DIR REACH SUBCOMMAND ARGS...: parsed by hand, so that reach's own
    arguments (--help, --out ...) are never taken for the runner's."""
    argv = list(sys.argv[1:] if argv is None else argv)
    tag, propagate = "crosscheck", False
    while argv and argv[0] in ("--tag", "--propagate"):
        if argv[0] == "--tag" and len(argv) > 1:
            tag, argv = argv[1], argv[2:]
        elif argv[0] == "--propagate":
            propagate, argv = True, argv[1:]
        else:
            break
    if len(argv) < 3 or argv[0].startswith("-"):
        print(f"usage: python -m reachtools.runner [--tag TAG] [--propagate] DIR REACH SUBCOMMAND ARGS...\n{__doc__}",
              file=sys.stderr)
        return 2
    status = run(argv[1:], argv[0], tag)
    return status if propagate else 0


if __name__ == "__main__":
    sys.exit(main())
