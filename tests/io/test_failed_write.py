#!/usr/bin/python3
"""Every failed write is seen: a run whose write (or sync) fails, at any one of its writes,
ends with exit status 1 and a message that names the file and the system's reason, with
nothing under the final name and no temporary file left behind. HDF5's own error stack is
not printed. And a run renames no file it has written to its final name (results,
checkpoints, the final XDMF sidecar) before the file is synced to disk.

A preloaded library (tests/io/fail_write_shim.cpp) fails the N-th write to the output
directory with ENOSPC, for N over every write of a steady run and of a KMC run (an HDF5
table) and over the writes of a transient run (fields, time series, checkpoints, their
syncs, the XDMF sidecars), all near its start and its end and a stride between. One rank (HDF5's POSIX driver): before the
driver's sieve buffer was turned off, a failed write of a field went unseen and the run
ended with exit 0 and a field of zeros; the KMC run's table ended with exit 0 at 11 of its
19 writes, and crashed at its close at 6 others.

  test_failed_write.py THERMODRIFT_EXE SOURCE_DIR SHIM_LIBRARY
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# transient runs write hundreds of times: every write within this many of either end,
# every STRIDE-th between
ENDS, STRIDE = 60, 13


def cases(src):
    """name -> (command, input text)."""
    steady = (src / "examples" / "soret_cell_2d.toml").read_text()
    steady = steady.replace("cells = 128", "cells = 32").replace("cells = 64", "cells = 16")
    transient = (src / "examples" / "heated_cell_transient.toml").read_text()
    transient = transient.replace("cells = 64", "cells = 8").replace("cells = 16", "cells = 8")
    transient = transient.replace("t_end = 2000.0", "t_end = 200.0")
    # the HDF5 tables of the stochastic commands (io/H5Table.h)
    kmc = (src / "examples" / "kmc" / "adatom_fcc111.toml").read_text()
    return {"steady": ("run", steady), "transient": ("run", transient), "kmc": ("kmc", kmc)}


def run(exe, command, inp, out_dir, env):
    return subprocess.run([exe, command, str(inp), "-q", "-o", str(out_dir / "out.h5")],
                          env=env, capture_output=True, text=True, timeout=120)


def main():
    exe, src, shim = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    failures, runs = [], 0
    for name, (command, text) in cases(src).items():
        with tempfile.TemporaryDirectory(prefix="tdfail") as work:
            work = Path(work)
            inp = work / f"{name}.toml"
            inp.write_text(text)
            out_dir = work / "out"
            out_dir.mkdir()
            count_file, unsynced_file = work / "count", work / "unsynced"
            env = dict(os.environ, LD_PRELOAD=shim, TD_SHIM_DIR=str(out_dir),
                       TD_SHIM_COUNT_TO=str(count_file), TD_SHIM_UNSYNCED_TO=str(unsynced_file))
            r = run(exe, command, inp, out_dir, env)
            if r.returncode != 0 or not (out_dir / "out.h5").exists():
                print(f"{name}: the reference run failed:\n{r.stderr}")
                return 1
            # results, checkpoints and the final sidecar are on disk before their rename; the
            # sidecar of a run in progress, rewritten at every snapshot, need not be
            unsynced = unsynced_file.read_text().splitlines() if unsynced_file.exists() else []
            for line in unsynced:
                if not line.endswith(".partial.xmf"):
                    failures.append(f"{name}: renamed before it was synced to disk: {line}")
            print(f"{name}: {len(unsynced)} renames of unsynced files (allowed: the sidecar of "
                  "the run in progress)")
            env.pop("TD_SHIM_UNSYNCED_TO")
            n = int(count_file.read_text().split()[-1])
            if n < 10:
                print(f"{name}: only {n} writes counted: is the shim loaded?")
                return 1
            for f in out_dir.iterdir():
                f.unlink()
            chosen = [k for k in range(1, n + 1) if k <= ENDS or k > n - ENDS or k % STRIDE == 0]
            print(f"{name}: {n} writes, failing {len(chosen)} of them one at a time")
            env.pop("TD_SHIM_COUNT_TO")
            for k in chosen:
                r = run(exe, command, inp, out_dir, dict(env, TD_SHIM_FAIL_AT=str(k)))
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
                if "out.h5" in left or "out.xmf" in left:
                    failures.append(tag + " (a file under the final name)")
                if any(f.endswith(".tmp") for f in left):
                    failures.append(tag + " (temporary file left behind)")
                for f in out_dir.iterdir():
                    f.unlink()
    print(f"{runs} runs with one failed write, {len(failures)} failures")
    for f in failures[:40]:
        print("FAIL:", f)
    return 1 if failures or runs == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
