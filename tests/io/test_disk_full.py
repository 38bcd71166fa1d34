#!/usr/bin/python3
"""A full disk ends a run with a message and exit status 1: no signal (no crash in
MPI_Finalize), nothing under the final name, no temporary files left behind.

The output goes to small tmpfs mounts (needs root; the test is skipped, exit 77, where mount
is refused) of sizes around the result's size, so that the disk fills at every stage: while
fields are written, while time series are created, at the file's close and at the XDMF
sidecar of the commit, and down to a few kB, where the file's creation fails. Serial (HDF5's
POSIX driver) and on 2 ranks (MPI-IO), steady and transient (checkpoints); a run that does
not end within HANG_SECONDS is a failure.

  test_disk_full.py THERMODRIFT_EXE SOURCE_DIR [MPIEXEC ...]
"""
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

SKIP = 77
# kFlushReserveBytes of io/H5Output.cpp, in kB
RESERVE_KB = 64
# a run on these small meshes takes about a second: far longer is a hang
HANG_SECONDS = 60


def main():
    exe, src = sys.argv[1], Path(sys.argv[2])
    mpiexec = sys.argv[3:]
    steady = (src / "examples" / "soret_cell_2d.toml").read_text()
    # a small mesh keeps the file (about 50 kB) and the run short
    steady = steady.replace("cells = 128", "cells = 32").replace("cells = 64", "cells = 16")
    # a transient run also writes checkpoints (synced, renamed): the disk fills there too. On
    # two ranks a write that failed inside HDF5 1.10's collective flush (rank 0 writes the
    # metadata alone) left the ranks waiting for each other for ever: space is now reserved
    # before every flush (io/H5Output.cpp, flush)
    transient = (src / "examples" / "heated_cell_transient.toml").read_text()
    transient = transient.replace("cells = 64", "cells = 8").replace("cells = 16", "cells = 8")
    transient = transient.replace("t_end = 2000.0", "t_end = 200.0")
    env = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1",
               OMPI_MCA_rmaps_base_oversubscribe="1")
    failures, counts = [], [0, 0]
    for name, case, rank_counts in (("steady", steady, [1, 2] if mpiexec else [1]),
                                    ("transient", transient, [1, 2] if mpiexec else [1])):
        code = sweep(exe, mpiexec, env, name, case, rank_counts, failures, counts)
        if code is not None:
            return code
    runs, full = counts
    print(f"{runs} runs, {full} on a full disk, {len(failures)} failures")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures or full == 0 else 0


def sweep(exe, mpiexec, env, name, case, rank_counts, failures, counts):
    """Run @p case on tmpfs disks of sizes around its result's; record failures. Returns an
    exit code to stop with (skip, reference failed) or None."""
    with tempfile.TemporaryDirectory(prefix="tddisk") as work:
        inp = Path(work) / f"{name}.toml"
        inp.write_text(case)
        ref = Path(work) / "ref.h5"
        r = subprocess.run([exe, "run", str(inp), "-q", "-o", str(ref)], env=env,
                           capture_output=True, text=True, timeout=300)
        if r.returncode != 0:
            print(r.stderr)
            return 1
        size_kb = ref.stat().st_size // 1024
        mnt = Path(work) / "mnt"
        mnt.mkdir()
        # tiny disks fail the file's creation and the first snapshot (where one rank alone
        # used to fail and the other wait, or both hang in MPI_Finalize); the rest fail
        # the later stages
        tiny = list(range(4, size_kb - 24, 8))
        # on several ranks each flush first reserves the file's size and RESERVE_KB more
        for kb in tiny + list(range(max(8, size_kb - 24), size_kb + RESERVE_KB + 12, 4)):
            if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={kb}k", "tmpfs", str(mnt)],
                              capture_output=True).returncode != 0:
                print("cannot mount a tmpfs (not root?): skipped")
                return SKIP
            try:
                for ranks in rank_counts:
                    out = mnt / "out.h5"
                    cmd = ([exe] if ranks == 1 else mpiexec + ["-np", "2", exe]) + \
                          ["run", str(inp), "-q", "-o", str(out)]
                    try:
                        p = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                           timeout=HANG_SECONDS)
                    except subprocess.TimeoutExpired:
                        failures.append(f"{name}, {kb} kB, {ranks} rank(s): no end after "
                                        f"{HANG_SECONDS} s (a hang)")
                        subprocess.run(["pkill", "-9", "-f", str(inp)])
                        for f in mnt.iterdir():
                            f.unlink()
                        continue
                    counts[0] += 1
                    left = sorted(f.name for f in mnt.iterdir())
                    tag = f"{name}, {kb} kB, {ranks} rank(s): exit {p.returncode}, files {left}"
                    if p.returncode == 0:
                        # the disk was large enough: the result must be complete
                        if "out.h5" not in left or any(f.endswith(".tmp") for f in left):
                            failures.append(tag + " (exit 0 without a complete result)")
                    else:
                        counts[1] += 1
                        msg = re.search(r"thermodrift: error[^\n]*", p.stderr)
                        if p.returncode != 1:
                            failures.append(tag + " (want exit 1)")
                        if not msg:
                            failures.append(tag + " (no error message)")
                        if "out.h5" in left or "out.xmf" in left:
                            failures.append(tag + " (a file under the final name)")
                        if any(f.endswith(".tmp") for f in left):
                            failures.append(tag + " (temporary file left behind)")
                        print(f"{tag}: {msg.group(0)[:160] if msg else p.stderr[-300:]}")
                    for f in mnt.iterdir():
                        f.unlink()
            finally:
                subprocess.run(["umount", str(mnt)])
    return None


if __name__ == "__main__":
    sys.exit(main())
