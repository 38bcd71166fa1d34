#!/usr/bin/env python3
"""Whole `thermodrift run` on 1 and on 2 ranks, interleaved, on the steady Soret case of
bench/bench_fipy.py: wall time of each process (launcher included), the speed-up best
against best and pair by pair, and the largest relative difference of the concentration
between the two outputs. Not a test; on a shared machine compare figures from one run only.

    bench/whole_run_ranks.py build/thermodrift [--size 1024] [--pairs 6]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_fipy  # noqa: E402  (the case text and its parameters)

MPIRUN = ["mpirun", "-n", "2", "--allow-run-as-root", "--oversubscribe"]


def timed(cmd):
    """Wall time of @p cmd (s); exits with its output when it fails."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"whole_run_ranks: {' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    return dt


def concentration(path):
    """The steady concentration field of a thermodrift output."""
    with h5py.File(path, "r") as f:
        snaps = sorted(f["snapshots"].keys())
        return np.asarray(f["snapshots"][snaps[-1]]["c_solute"][()])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("thermodrift", help="path of the thermodrift executable")
    p.add_argument("--size", type=int, default=1024, help="cells per axis (default: %(default)s)")
    p.add_argument("--pairs", type=int, default=6, help="interleaved pairs (default: %(default)s)")
    a = p.parse_args()
    if not os.access(a.thermodrift, os.X_OK) or a.size < 2 or a.pairs < 1:
        sys.exit("whole_run_ranks: give the thermodrift executable, --size >= 2, --pairs >= 1")
    exe = os.path.abspath(a.thermodrift)
    print(f"load at start: {bench_fipy.uptime()}")
    with tempfile.TemporaryDirectory(prefix="whole_run_ranks_") as d:
        case = os.path.join(d, "case.toml")
        with open(case, "w") as f:
            f.write(bench_fipy.CASE.format(n=a.size, length=bench_fipy.LENGTH,
                                           t_left=bench_fipy.T_LEFT, gradient=bench_fipy.GRADIENT,
                                           d=bench_fipy.DIFFUSIVITY, s=bench_fipy.SORET,
                                           c=bench_fipy.C_LEFT, output=""))
        one, two = os.path.join(d, "one.h5"), os.path.join(d, "two.h5")
        t1, t2 = [], []
        for _ in range(a.pairs):
            t1.append(timed([exe, "run", case, "-o", one, "-q"]))
            t2.append(timed(MPIRUN + [exe, "run", case, "-o", two, "-q"]))
        c1, c2 = concentration(one), concentration(two)
        diff = float(np.max(np.abs(c1 - c2) / np.abs(c1)))
    ratios = sorted(x / y for x, y in zip(t1, t2))
    print(f"steady 2D Soret case of bench/bench_fipy.py, {a.size}^2, {a.pairs} interleaved pairs, "
          "wall time of the whole process (launcher included)")
    print(f"1 rank : {' '.join(f'{x:.3f}' for x in t1)} s, best {min(t1):.3f} s")
    print(f"2 ranks: {' '.join(f'{x:.3f}' for x in t2)} s, best {min(t2):.3f} s")
    print(f"speed-up best against best {min(t1) / min(t2):.2f}x; pair by pair "
          f"{ratios[0]:.2f}-{ratios[-1]:.2f}x, median {statistics.median(ratios):.2f}x")
    print(f"concentration, largest relative difference between 1 and 2 ranks: {diff:.2e}")
    print(f"load at end: {bench_fipy.uptime()}")


if __name__ == "__main__":
    main()
