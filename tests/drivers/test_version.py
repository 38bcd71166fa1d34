#!/usr/bin/env python3
"""The git state a build reports is the source tree's at build time, not at configure time:
`thermodrift --version` and the root attribute `git` of a result file both equal
`git describe --always --dirty` of the source tree ("unknown" outside a git work tree). A
build configured once and rebuilt after a commit used to report the old commit.
usage: test_version.py THERMODRIFT SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py

import cli_checks
from cli_checks import check, failures

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fv"))
from soret_case import cell_case  # noqa: E402

TD = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])

def source_state():
    """`git describe --always --dirty` of the source tree, or "unknown"."""
    try:
        r = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=SRC,
                           capture_output=True, text=True, timeout=60)
    except OSError:
        return "unknown"
    return r.stdout.strip() if r.returncode == 0 and r.stdout.strip() else "unknown"


def main():
    want = source_state()
    hint = " (a test run on a build older than the source: rebuild first)"
    code, out, err = cli_checks.run(TD, ["--version"], SRC)
    m = re.search(r"^thermodrift \S+ \(git (\S+)\)$", out, re.M)
    check(code == 0 and m is not None, f"--version names a git state: {out}{err}")
    if m:
        ok = m.group(1) == want
        check(ok, f"--version says git {m.group(1)}, the source is {want}{'' if ok else hint}")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "case.toml"), "w") as f:
            f.write(cell_case("steady"))
        code, out, err = cli_checks.run(TD, ["run", "case.toml", "-o", "case.h5", "-q"], d)
        check(code == 0, f"run: exit {code}\n{out}{err}")
        if code == 0:
            with h5py.File(os.path.join(d, "case.h5"), "r") as f:
                git = f.attrs["git"]
                git = git.decode() if isinstance(git, bytes) else str(git)
            ok = git == want
            check(ok, f"the result file says git {git}, the source is {want}{'' if ok else hint}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
