#!/usr/bin/env python3
"""The steady solve on 1 and on 2 ranks, interleaved: issue 15's figure "2 ranks at least 1.6x
faster than 1 on 1024^2". Each process of bench_steady solves the Soret benchmark several times,
each on a case of its own (mesh, system and solver built anew, as a run builds them); the first
solve of a process also touches its memory for the first time, so each process's figure is its
best later ("warm") solve. Prints the figures of each pair and its ratio, the median and the
smallest ratio, best against best, and the errors against the exact profile on both rank counts
(they must agree to AGREEMENT of their size, else the exit code is 1). The pairs alternate
which rank count runs first. Not a test; on a shared machine compare figures from one run
only.

    bench/solve_ranks.py BUILD_DIR [--dim 2] [--size 1024] [--solves 4] [--pairs 5]
"""
import argparse
import math
import os
import statistics
import subprocess
import sys

MPIRUN = ["mpirun", "--allow-run-as-root", "--oversubscribe", "-n"]
# bench_steady's row: dim ranks cells wall cpu newton krylov max_rel_err matmult WU_wall WU_cpu
# setup WU_newton
COLUMNS = 13
# the agreement between rank counts (relative, of the errors against the exact profile)
AGREEMENT = 1e-10
# a process's whole run, several solves (s)
TIMEOUT = 600
# below this many cells per axis a solve takes about a millisecond, the resolution of the
# times bench_steady prints
MIN_SIZE = 64


def fail(message):
    sys.exit(f"solve_ranks: {message}")


def solves(exe, ranks, dim, size, count):
    """Wall times (s) and errors of the @p count solves of one bench_steady process."""
    cmd = MPIRUN + [str(ranks), exe, str(dim)] + [str(size)] * count
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT)
    except FileNotFoundError:
        fail("mpirun not found (Open MPI's launcher is needed for 2 ranks)")
    except subprocess.TimeoutExpired:
        fail(f"{' '.join(cmd)} took more than {TIMEOUT} s")
    if r.returncode != 0:
        fail(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout}{r.stderr}")
    walls, errors = [], []
    for line in r.stdout.splitlines():
        row = line.split()
        if len(row) != COLUMNS or row[0] != str(dim):
            continue
        try:
            if int(row[1]) != ranks or int(row[2]) != size**dim:
                raise ValueError("ranks or cells other than asked")
            wall, error = float(row[3]), float(row[7])
        except ValueError as e:
            fail(f"cannot read the row '{line}' of {' '.join(cmd)}: {e}")
        if not (wall > 0 and math.isfinite(wall) and math.isfinite(error)):
            fail(f"the row '{line}' of {' '.join(cmd)} has a wall time that is not positive "
                 "or a non-finite figure")
        walls.append(wall)
        errors.append(error)
    if len(walls) != count:
        fail(f"{count} rows expected from {' '.join(cmd)}, {len(walls)} read:\n{r.stdout}")
    return walls, errors


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


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
    if not os.access(exe, os.X_OK):
        p.error(f"no executable {exe}: give the build directory")
    if a.size < MIN_SIZE:
        p.error(f"--size {a.size}: at least {MIN_SIZE} (smaller solves are below the times' "
                "resolution)")
    if a.solves < 2:
        p.error(f"--solves {a.solves}: at least 2 (the first of a process is not counted)")
    if a.pairs < 1:
        p.error(f"--pairs {a.pairs}: at least 1")
    print(f"load at start: {load()}")
    print(f"{a.dim}D {a.size}^{a.dim}, best of solves 2-{a.solves} of each process; the pairs "
          "alternate which rank count runs first")
    print(f"{'pair':>4} {'1 rank [s]':>11} {'2 ranks [s]':>12} {'ratio':>7}")
    ones, twos, ratios, errors = [], [], [], {1: [], 2: []}
    for pair in range(1, a.pairs + 1):
        best = {}
        # alternating order: a fixed order would measure the order too (docs/solvers.md)
        for ranks in ((1, 2) if pair % 2 else (2, 1)):
            walls, errs = solves(exe, ranks, a.dim, a.size, a.solves)
            best[ranks] = min(walls[1:])
            errors[ranks] += errs
        ones.append(best[1])
        twos.append(best[2])
        ratios.append(best[1] / best[2])
        print(f"{pair:>4} {best[1]:>11.3f} {best[2]:>12.3f} {ratios[-1]:>7.2f}")
    print(f"ratio: median {statistics.median(ratios):.2f}, smallest {min(ratios):.2f}, "
          f"best against best {min(ones) / min(twos):.2f}")
    for ranks in (1, 2):
        print(f"error against the exact profile, {ranks} rank{'s' if ranks > 1 else ''}: "
              f"{min(errors[ranks]):.4g} to {max(errors[ranks]):.4g}")
    print(f"load at end: {load()}")
    spread = max(errors[1] + errors[2]) - min(errors[1] + errors[2])
    if spread > AGREEMENT * max(errors[1] + errors[2]):
        fail(f"the errors on 1 and 2 ranks differ by {spread:.3g}, more than {AGREEMENT:g} of "
             "their size")


if __name__ == "__main__":
    main()
