#!/usr/bin/python3
"""Input parsing cost against input size (bounded inputs must parse in linear time).

Appends N copies of one shape to the default example, runs `thermodrift run` (which parses,
then stops at the first unknown key) and prints the CPU time above the bare start-up cost,
per 1000 entries. Linear parsing shows as a flat last column; the input size limit
(256 KiB, core/Limits.h) bounds N.

  bench_input_parse.py build/thermodrift
"""
import os
import resource
import subprocess
import sys
import tempfile

SHAPES = {
    "tables": lambda n: "".join(f"[t{i}]\n" for i in range(n)),
    "keys": lambda n: "[junk]\n" + "".join(f"k{i} = 1\n" for i in range(n)),
    "array": lambda n: "[junk]\narr = [" + ",".join("1.0" for _ in range(n)) + "]\n",
}
SIZES = (3000, 6000, 12000, 24000)


def cpu_seconds(cmd):
    """User + system CPU time of the child process @p cmd."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main():
    exe = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    base = open(os.path.join(here, "..", "examples", "soret_cell_2d.toml")).read()
    with tempfile.TemporaryDirectory() as d:
        case = os.path.join(d, "case.toml")

        def run(extra):
            with open(case, "w") as f:
                f.write(base + "\n" + extra)
            return min(cpu_seconds([exe, "run", case, "-o", os.path.join(d, "x.h5")])
                       for _ in range(3))

        start = run("[junk]\n")
        print(f"start-up and a one-key error: {start:.3f} s CPU")
        print(f"{'shape':8s} {'entries':>8s} {'bytes':>8s} {'CPU above start-up [s]':>24s} "
              f"{'per 1000 entries [ms]':>22s}")
        for name, make in SHAPES.items():
            for n in SIZES:
                extra = make(n)
                t = run(extra) - start
                print(f"{name:8s} {n:8d} {len(extra):8d} {t:24.3f} {1e6 * t / n:22.3f}")


if __name__ == "__main__":
    main()
