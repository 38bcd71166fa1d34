#!/usr/bin/python3
"""A write that fails on one rank of two ends the run on both, with a message: never a hang.

A transient and a steady run on 2 ranks (MPI-IO) with tests/io/fail_write_shim.cpp preloaded
on one rank only (TD_SHIM_RANK), which fails that rank's N-th write or sync to the output
directory with ENOSPC, for N near the start and end of the rank's writes and at a stride
between, on each rank in turn. Each run must end within HANG_SECONDS with a non-zero status
and a "thermodrift: error" message, with nothing under the final names (but where the failed
call was the sync of the directory after the commit's rename, which the message says) and no
temporary checkpoint left behind. A steady run that a failed write inside HDF5's collective
flush or close aborted, which no checkpoint can continue, leaves no `.partial` file (its
XDMF sidecar may remain: the other rank may still be writing it; the next run replaces it).

Why: inside HDF5 1.10's collective flush the ranks share the metadata writes; the rank whose
write failed went on to the file's truncation (a broadcast) while the other waited in a
barrier, for ever. Under Open MPI's OMPIO the failed write did not even reach the file's
error handler (its pwritev error was dropped). thermodrift now selects ROMIO and aborts
every rank from a write error inside the flush (io/Hdf5.h, AbortOnWriteError). Before that,
4 of 8 sampled writes on rank 1 and 2 of 8 on rank 0 hung.

  test_failed_write_one_rank.py THERMODRIFT_EXE SOURCE_DIR SHIM_LIBRARY
"""
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MPIRUN = ["mpirun", "-n", "2", "--allow-run-as-root", "--oversubscribe"]
# a run that has not ended by then hangs (a failing run ends within ErrorExit's 3 s grace)
HANG_SECONDS = 60
# writes sampled per rank: every one within ENDS of either end, about MIDDLE between
ENDS, MIDDLE = 6, 12
FINALS = ["out.h5", "out.xmf"]


def main():
    exe, src, shim = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    transient = (src / "examples" / "heated_cell_transient.toml").read_text()
    transient = transient.replace("cells = 64", "cells = 8").replace("cells = 16", "cells = 8")
    transient = transient.replace("t_end = 2000.0", "t_end = 200.0")
    steady = (src / "examples" / "soret_cell_2d.toml").read_text()
    steady = steady.replace("cells = 128", "cells = 32").replace("cells = 64", "cells = 16")
    failures, runs, slowest = [], 0, 0.0
    with tempfile.TemporaryDirectory(prefix="tdfail2") as work:
        work = Path(work)
        out_dir = work / "out"
        out_dir.mkdir()
        runs_of = [(name, text, rank) for name, text in (("transient", transient),
                                                           ("steady", steady)) for rank in (0, 1)]
        for name, text, rank in runs_of:
            (work / "case.toml").write_text(text)
            for f in out_dir.iterdir():
                f.unlink()
            count_file = work / f"count_{name}_{rank}"
            shim_env = ["-x", f"LD_PRELOAD={shim}", "-x", f"TD_SHIM_DIR={out_dir}",
                        "-x", f"TD_SHIM_RANK={rank}"]
            cmd = lambda extra: (MPIRUN + shim_env + extra +
                                 [exe, "run", str(work / "case.toml"), "-q", "-o",
                                  str(out_dir / "out.h5")])
            r = subprocess.run(cmd(["-x", f"TD_SHIM_COUNT_TO={count_file}"]),
                               capture_output=True, text=True, timeout=HANG_SECONDS)
            if r.returncode != 0 or not (out_dir / "out.h5").exists():
                print(f"{name}, rank {rank}: the reference run failed:\n{r.stderr}")
                return 1
            # each process appends its count; only the shimmed rank's is not zero
            n = max(int(v) for v in count_file.read_text().split())
            if n < 2:
                print(f"{name}, rank {rank}: only {n} writes counted: is the shim loaded?")
                return 1
            stride = max(1, (n - 2 * ENDS) // MIDDLE)
            chosen = [k for k in range(1, n + 1)
                      if k <= ENDS or k > n - ENDS or k % stride == 0]
            print(f"{name}, rank {rank}: {n} writes, failing {len(chosen)} of them one at a time")
            for k in chosen:
                for f in out_dir.iterdir():
                    f.unlink()
                t0 = time.perf_counter()
                tag = f"{name}, rank {rank}, write {k} of {n}"
                # a session of its own: a hung run is killed whole (its ranks catch SIGTERM
                # to checkpoint, which a rank waiting inside MPI never acts on)
                p = subprocess.Popen(cmd(["-x", f"TD_SHIM_FAIL_AT={k}"]), text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     start_new_session=True)
                try:
                    _, stderr = p.communicate(timeout=HANG_SECONDS)
                except subprocess.TimeoutExpired:
                    failures.append(f"{tag}: still running after {HANG_SECONDS} s (a hang)")
                    os.killpg(p.pid, signal.SIGKILL)
                    subprocess.run(["pkill", "-KILL", "-f", str(work / "case.toml")])
                    p.communicate()
                    continue
                r = subprocess.CompletedProcess(p.args, p.returncode, "", stderr)
                slowest = max(slowest, time.perf_counter() - t0)
                runs += 1
                left = sorted(f.name for f in out_dir.iterdir())
                tag += f": exit {r.returncode}, files {left}"
                if r.returncode == 0:
                    failures.append(tag + " (the failed write went unseen)")
                if "thermodrift: error" not in r.stderr:
                    failures.append(tag + " (no message): " + r.stderr[-300:])
                # a failed sync of the directory after the commit's rename: the result is
                # complete under its final name, and the message says so
                renamed = "/out.h5 is complete, but its directory" in r.stderr
                if any(f in left for f in FINALS) and not renamed:
                    failures.append(tag + " (a file under the final name)")
                if any(f.endswith(".tmp") for f in left):
                    failures.append(tag + " (temporary file left behind)")
                # (a failure at the commit keeps the complete .partial file, as on one rank)
                aborted = "HDF5's collective" in r.stderr
                # (the sidecar of the run in progress may outlive the abort: the other rank may
                # rename it into place after the failing rank removed it; it refuses nothing)
                if name == "steady" and aborted and "out.h5.partial" in left:
                    failures.append(tag + " (a steady run's .partial file left: the next run "
                                    "would be refused)")
    print(f"{runs} runs with one failed write on one rank of two, slowest {slowest:.1f} s, "
          f"{len(failures)} failures")
    for f in failures[:40]:
        print("FAIL:", f)
    return 1 if failures or runs == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
