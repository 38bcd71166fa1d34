#!/usr/bin/env python3
"""The steady solve on 1 and on 2 ranks, interleaved: issue 15's figure "2 ranks at least 1.6x
faster than 1 on 1024^2". Each process of bench_steady solves the Soret benchmark several times,
each on a case of its own (mesh, system and solver built anew, as a run builds them); the first
solve of a process also touches its memory for the first time, so each process's figure is its
best later ("warm") solve. Prints the figures of each pair and its ratio, the median and the
smallest ratio, best against best, and the errors against the exact profile on both rank counts
(they must agree). Not a test; on a shared machine compare figures from one run only.

    bench/solve_ranks.py BUILD_DIR [--dim 2] [--size 1024] [--solves 4] [--pairs 5]
"""
import argparse
import os
import statistics
import subprocess
import sys

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n"]


def solves(exe, ranks, dim, size, count):
    """Wall times (s) and errors of the @p count solves of one bench_steady process."""
    cmd = MPIRUN + [str(ranks), exe, str(dim)] + [str(size)] * count
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"solve_ranks: {' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    rows = [line.split() for line in r.stdout.splitlines()
            if line.split() and line.split()[0] == str(dim)]
    if len(rows) != count:
        sys.exit(f"solve_ranks: {count} rows expected from {' '.join(cmd)}:\n{r.stdout}")
    # columns: dim ranks cells wall cpu newton krylov max_rel_err ...
    return [float(row[3]) for row in rows], [float(row[7]) for row in rows]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("build", help="build directory (holds bench/bench_steady)")
    p.add_argument("--dim", type=int, default=2, choices=(2, 3), help="default: %(default)s")
    p.add_argument("--size", type=int, default=1024, help="cells per axis (default: %(default)s)")
    p.add_argument("--solves", type=int, default=4,
                   help="solves per process, the first not counted (default: %(default)s)")
    p.add_argument("--pairs", type=int, default=5, help="interleaved pairs (default: %(default)s)")
    a = p.parse_args()
    exe = os.path.join(os.path.abspath(a.build), "bench", "bench_steady")
    if not os.access(exe, os.X_OK) or a.size < 4 or a.solves < 2 or a.pairs < 1:
        sys.exit("solve_ranks: give a build directory with bench/bench_steady, --size >= 4, "
                 "--solves >= 2, --pairs >= 1")
    with open("/proc/loadavg") as f:
        print(f"load at start: {f.read().split()[:3]}")
    print(f"{a.dim}D {a.size}^{a.dim}, best of solves 2-{a.solves} of each process")
    print(f"{'pair':>4} {'1 rank [s]':>11} {'2 ranks [s]':>12} {'ratio':>7}")
    ones, twos, ratios, errors = [], [], [], set()
    for pair in range(1, a.pairs + 1):
        best = {}
        for ranks in (1, 2):
            walls, errs = solves(exe, ranks, a.dim, a.size, a.solves)
            best[ranks] = min(walls[1:])
            errors.update((ranks, e) for e in errs)
        ones.append(best[1])
        twos.append(best[2])
        ratios.append(best[1] / best[2])
        print(f"{pair:>4} {best[1]:>11.3f} {best[2]:>12.3f} {ratios[-1]:>7.2f}")
    print(f"ratio: median {statistics.median(ratios):.2f}, smallest {min(ratios):.2f}, "
          f"best against best {min(ones) / min(twos):.2f}")
    for ranks in (1, 2):
        errs = sorted(e for r, e in errors if r == ranks)
        print(f"error against the exact profile, {ranks} rank{'s' if ranks > 1 else ''}: "
              f"{errs[0]:.4g} to {errs[-1]:.4g}")
    with open("/proc/loadavg") as f:
        print(f"load at end: {f.read().split()[:3]}")


if __name__ == "__main__":
    main()
