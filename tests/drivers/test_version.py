#!/usr/bin/env python3
"""The git state a build reports (cmake/GitDescribe.cmake, run at every build):
- the script writes `git describe --always --dirty` of the source tree; it follows edits and
  commits; it leaves its file untouched when nothing changed (no rebuild); it writes
  "unknown" for a tree that is not the top of a git work tree (a source archive unpacked
  inside another repository) and for a directory outside git;
- `thermodrift --version` and the root attribute `git` of a result file both say what the
  build generated.
A build configured once and rebuilt after a commit used to report the old commit.
usage: test_version.py THERMODRIFT SOURCE_DIR GENERATED_SOURCE
"""
import os
import re
import shutil
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
GENERATED = os.path.abspath(sys.argv[3])
SCRIPT = os.path.join(SRC, "cmake", "GitDescribe.cmake")
RETURNED = re.compile(r'return "([^"]*)";')


def generated(path):
    """The string the generated source @p path returns."""
    with open(path) as f:
        m = RETURNED.search(f.read())
    return m.group(1) if m else None


def describe(source, out):
    """Run the script for @p source into @p out; the string it wrote."""
    r = subprocess.run(["cmake", f"-DSOURCE_DIR={source}", f"-DOUT={out}", "-P", SCRIPT],
                       capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, f"cmake -P GitDescribe.cmake for {source}: {r.stdout}{r.stderr}")
    return generated(out)


def git(repo, *args):
    """Run git in @p repo with a fixed identity; its output."""
    r = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", repo, *args],
                       capture_output=True, text=True, timeout=60, check=True)
    return r.stdout.strip()


def script_checks(d):
    repo, out = os.path.join(d, "repo"), os.path.join(d, "GitDescribe.cpp")
    os.makedirs(os.path.join(repo, "sub"))
    git(repo, "init", "-q")
    with open(os.path.join(repo, "sub", "a.txt"), "w") as f:
        f.write("one\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "one")
    first = git(repo, "rev-parse", "--short", "HEAD")
    got = describe(repo, out)
    check(got == first, f"a clean tree is its commit: {got} (HEAD {first})")
    # nothing changed: the file keeps its time stamp, so nothing recompiles
    os.utime(out, ns=(10**9, 10**9))
    describe(repo, out)
    check(os.stat(out).st_mtime_ns == 10**9, "an unchanged state leaves the file untouched")
    with open(os.path.join(repo, "sub", "a.txt"), "w") as f:
        f.write("two\n")
    got = describe(repo, out)
    check(got == first + "-dirty", f"an edited tree is -dirty: {got}")
    git(repo, "commit", "-q", "-am", "two")
    second = git(repo, "rev-parse", "--short", "HEAD")
    got = describe(repo, out)
    check(got == second and second != first, f"a commit is the new commit: {got} ({second})")
    got = describe(os.path.join(repo, "sub"), out)
    check(got == "unknown", f"a folder inside another repository is unknown: {got}")
    outside = os.path.join(d, "plain")
    os.makedirs(outside)
    got = describe(outside, out)
    check(got == "unknown" or subprocess.run(["git", "-C", outside, "rev-parse"],
                                             capture_output=True).returncode == 0,
          f"a folder outside git is unknown: {got}")


def main():
    with tempfile.TemporaryDirectory() as d:
        if shutil.which("git") and shutil.which("cmake"):
            script_checks(d)
        else:
            print("skip the script checks: git or cmake not found")
    want = generated(GENERATED)
    check(want is not None, f"the build generated {GENERATED}")
    code, out, err = cli_checks.run(TD, ["--version"], SRC)
    m = re.search(r"^thermodrift \S+ \(git (\S+)\)$", out, re.M)
    check(code == 0 and m is not None and m.group(1) == want,
          f"--version says what the build generated ({want}): {out}{err}")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "case.toml"), "w") as f:
            f.write(cell_case("steady"))
        code, out, err = cli_checks.run(TD, ["run", "case.toml", "-o", "case.h5", "-q"], d)
        check(code == 0, f"run: exit {code}\n{out}{err}")
        if code == 0:
            with h5py.File(os.path.join(d, "case.h5"), "r") as f:
                git_attr = f.attrs["git"]
                git_attr = git_attr.decode() if isinstance(git_attr, bytes) else str(git_attr)
            check(git_attr == want, f"the result file says git {git_attr}, the build {want}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
