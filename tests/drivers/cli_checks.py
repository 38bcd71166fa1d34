"""Helpers shared by the command-line tests of tests/drivers: run the program with the MPI
environment of the test suite and record named checks (print ok/FAIL, keep the failures)."""
import os
import subprocess

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
failures = []


def check(ok, what):
    """Record one check: print it and remember it if it failed."""
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(exe, args, cwd, timeout=300):
    """Run `exe args` in `cwd`; return (exit status, stdout, stderr)."""
    r = subprocess.run([exe] + args, cwd=cwd, env=ENV, capture_output=True, text=True,
                       timeout=timeout)
    return r.returncode, r.stdout, r.stderr
