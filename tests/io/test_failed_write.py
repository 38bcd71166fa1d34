#!/usr/bin/python3
"""Every failed write is seen: a run whose write (or sync) fails, at any one of its writes,
ends with exit status 1 and a message that names the file and the system's reason, with
nothing under the final name and no temporary file left behind. HDF5's own error stack is
not printed. And a run renames no file it has written to its final name (results,
checkpoints, the final XDMF sidecar) before the file is synced to disk.

A preloaded library (tests/io/fail_write_shim.cpp) fails the N-th write to the output
directory with ENOSPC, for N over every write of a steady run, a KMC run (an HDF5 table) and
the syncs of a fit (its parameter file and report appear together or not at all; glibc's
stdio writes are beyond the library's reach), and over the writes of a transient run and of
the restart of an interrupted one (fields, time series, checkpoints, their syncs, the XDMF
sidecars), all near their start and end and a stride between. After a rename the directory
is synced as well (the rename itself on disk); where that sync fails, the complete file may
stand under its final name, and the message says that the rename may not survive a crash. A failed restart keeps the
interrupted run's files for another restart. One rank (HDF5's POSIX driver): before the
driver's sieve buffer was turned off, a failed write of a field went unseen and the run
ended with exit 0 and a field of zeros; the KMC run's table ended with exit 0 at 11 of its
19 writes, and crashed at its close at 6 others. A failed run also removes the Open MPI
session directory that the lone process named for itself (core/MpiStartup.h), which
MPI_Finalize would have removed: each failed run left one in the temporary directory.

  test_failed_write.py THERMODRIFT_EXE SOURCE_DIR SHIM_LIBRARY
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# transient runs write hundreds of times: every write within this many of either end,
# every STRIDE-th between
ENDS, STRIDE = 60, 13


class Case:
    """One command line whose writes are failed in turn.

    args(out_dir) gives the arguments after the executable; finals are the names that must
    not appear on failure; prepare(out_dir) restores the output directory before each run
    (an interrupted run to restart, say) and names the files that must survive a failure."""

    def __init__(self, args, finals, prepare=None):
        self.args, self.finals, self.prepare = args, finals, prepare or (lambda out_dir: [])


def cases(src, exe, work):
    steady = (src / "examples" / "soret_cell_2d.toml").read_text()
    steady = steady.replace("cells = 128", "cells = 32").replace("cells = 64", "cells = 16")
    transient = (src / "examples" / "heated_cell_transient.toml").read_text()
    transient = transient.replace("cells = 64", "cells = 8").replace("cells = 16", "cells = 8")
    transient = transient.replace("t_end = 2000.0", "t_end = 200.0")
    for name, text in (("steady", steady), ("transient", transient)):
        (work / f"{name}.toml").write_text(text)
    kmc = src / "examples" / "kmc" / "adatom_fcc111.toml"
    # a fit writes its parameter file and report together (synced, then renamed)
    (work / "D.dat").write_text("# T D D_err\n1.0 0.10 0.01\n1.2 0.15 0.01\n"
                                "1.4 0.21 0.01\n1.6 0.26 0.01\n")
    run = lambda name: (lambda o: ["run", str(work / f"{name}.toml"), "-q", "-o",
                                   str(o / "out.h5")])
    h5 = ["out.h5", "out.xmf"]

    # an interrupted transient run (killed after its third checkpoint) to restart
    interrupted = work / "interrupted"
    interrupted.mkdir()
    # killed outright, it leaves its Open MPI session directory: in a directory of its own
    killed_tmp = work / "tmp_killed"
    killed_tmp.mkdir()
    subprocess.run([exe] + run("transient")(interrupted), capture_output=True, timeout=120,
                   env=dict(os.environ, THERMODRIFT_FAULT="checkpoint_renamed#3:kill",
                            TMPDIR=str(killed_tmp)))

    def restore(out_dir):
        for f in interrupted.iterdir():
            shutil.copy(f, out_dir / f.name)
        return ["out.h5.partial", "out.h5.checkpoint"]

    def fit_args(o):
        (work / "fit.toml").write_text(
            f'[units]\nsystem = "LJ"\nlj = "argon"\n[output]\nreport = "{o}/fit_report.json"\n'
            '[[fit]]\ntype = "arrhenius"\nname = "solute"\n'
            f'file = "{work}/D.dat"\nx_column = "T"\ny_column = "D"\nsigma_column = "D_err"\n')
        return ["fit", str(work / "fit.toml"), "-q", "-o", str(o / "params.toml")]

    return {
        "steady": Case(run("steady"), h5),
        "transient": Case(run("transient"), h5),
        # the HDF5 tables of the stochastic commands (io/H5Table.h)
        "kmc": Case(lambda o: ["kmc", str(kmc), "-q", "-o", str(o / "out.h5")], ["out.h5"]),
        "restart": Case(lambda o: run("transient")(o) + ["--restart", str(o / "out.h5.partial")],
                        h5, restore),
        "fit": Case(fit_args, ["params.toml", "fit_report.json"]),
    }


def main():
    exe, src, shim = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    failures, runs = [], 0
    with tempfile.TemporaryDirectory(prefix="tdfail") as work:
        work = Path(work)
        for name, case in cases(src, exe, work).items():
            out_dir = work / f"out_{name}"
            out_dir.mkdir()
            count_file, unsynced_file = work / f"count_{name}", work / f"unsynced_{name}"
            # a lone process names its Open MPI session directory in TMPDIR
            # (core/MpiStartup.h): a failed run must remove it, as MPI_Finalize would
            tmp = work / f"tmp_{name}"
            tmp.mkdir()
            env = dict(os.environ, LD_PRELOAD=shim, TD_SHIM_DIR=str(out_dir),
                       TD_SHIM_COUNT_TO=str(count_file), TD_SHIM_UNSYNCED_TO=str(unsynced_file),
                       TMPDIR=str(tmp))
            env.pop("OMPI_MCA_orte_tmpdir_base", None)  # it would take the place of TMPDIR
            go = lambda e: subprocess.run([exe] + case.args(out_dir), env=e, capture_output=True,
                                          text=True, timeout=120)
            case.prepare(out_dir)
            r = go(env)
            if r.returncode != 0 or not (out_dir / case.finals[0]).exists():
                print(f"{name}: the reference run failed:\n{r.stderr}")
                return 1
            # results, checkpoints and the final sidecar are on disk before their rename; the
            # sidecar of a run in progress, rewritten at every snapshot, need not be
            unsynced = unsynced_file.read_text().splitlines() if unsynced_file.exists() else []
            for line in unsynced:
                if "directory not synced" in line:
                    failures.append(f"{name}: {line}")
                elif not line.endswith(".partial.xmf"):
                    failures.append(f"{name}: renamed before it was synced to disk: {line}")
            print(f"{name}: {len(unsynced)} renames of unsynced files (allowed: the sidecar of "
                  "the run in progress)")
            env.pop("TD_SHIM_UNSYNCED_TO")
            env.pop("TD_SHIM_COUNT_TO")
            n = int(count_file.read_text().split()[-1])
            if n < 2:
                print(f"{name}: only {n} writes counted: is the shim loaded?")
                return 1
            chosen = [k for k in range(1, n + 1) if k <= ENDS or k > n - ENDS or k % STRIDE == 0]
            print(f"{name}: {n} writes, failing {len(chosen)} of them one at a time")
            for k in chosen:
                for f in out_dir.iterdir():
                    f.unlink()
                survive = case.prepare(out_dir)
                r = go(dict(env, TD_SHIM_FAIL_AT=str(k)))
                runs += 1
                left = sorted(f.name for f in out_dir.iterdir())
                tag = f"{name}, write {k} of {n}: exit {r.returncode}, files {left}"
                if r.returncode != 1:
                    failures.append(tag + " (want exit 1: the failed write went unseen)"
                                    if r.returncode == 0 else tag + " (want exit 1)")
                if "thermodrift: error" not in r.stderr or \
                        "No space left on device" not in r.stderr:
                    failures.append(tag + " (no message with the system's reason): " +
                                    r.stderr[-300:])
                if "HDF5-DIAG" in r.stderr:
                    failures.append(tag + " (HDF5's error stack printed)")
                # a failed sync of the directory after the commit's rename: the result is
                # complete under its final name, and takes the place of the interrupted run's
                renamed = any(f"/{f} is complete, but its directory" in r.stderr
                              for f in case.finals)
                if renamed and case.finals[0] not in left:
                    failures.append(tag + " (the directory's sync failed, but the file is gone)")
                if any(f in left for f in case.finals) and not renamed:
                    failures.append(tag + " (a file under the final name)")
                sessions = sorted(tmp.glob("ompi.thermodrift.*"))
                if sessions:
                    failures.append(tag + f" (Open MPI's session directory {sessions[0].name} "
                                    "left behind)")
                    for d in sessions:
                        shutil.rmtree(d)
                if any(f.endswith(".tmp") for f in left):
                    failures.append(tag + " (temporary file left behind)")
                if name == "fit" and any(f.endswith(".partial") for f in left):
                    failures.append(tag + " (.partial left behind)")
                if not renamed and any(f not in left for f in survive):
                    failures.append(tag + " (the interrupted run's files are gone)")
    print(f"{runs} runs with one failed write, {len(failures)} failures")
    for f in failures[:40]:
        print("FAIL:", f)
    return 1 if failures or runs == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
