#!/usr/bin/python3
"""`thermodrift run` without -q ends with the wall time of its phases,
`timings: set-up X s, solve Y s, output Z s, total W s`; the phases are disjoint intervals of
the run, so X + Y + Z is at most W (up to the rounding of the four printed values). With -q
the line is not printed. Steady and transient, on 1 and 2 ranks.

  test_run_timings.py THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import re
import subprocess
import sys
import tempfile

from soret_case import cell_case, finish

LINE = re.compile(r"^timings: set-up (\S+) s, solve (\S+) s, output (\S+) s, total (\S+) s$", re.M)
# each printed value is rounded to 0.5e-3 s: the sum of three may exceed the rounded total by 2e-3
ROUNDING = 4 * 0.5e-3


def main():
    exe, mpi = os.path.abspath(sys.argv[1]), sys.argv[2:]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        for mode in ("steady", "transient"):
            with open(f"{mode}.toml", "w") as f:
                f.write(cell_case(mode))
            for ranks in (1, 2):
                for quiet in (False, True):
                    out = f"{mode}_{ranks}_{int(quiet)}.h5"
                    cmd = [*mpi, "-np", str(ranks), exe, "run", f"{mode}.toml", "-o", out]
                    p = subprocess.run(cmd + (["-q"] if quiet else []), capture_output=True,
                                       text=True, timeout=120)
                    what = f"{mode}, {ranks} rank(s){', -q' if quiet else ''}"
                    if p.returncode != 0:
                        failures.append(f"{what}: exit {p.returncode}\n{p.stdout}{p.stderr}")
                        continue
                    lines = LINE.findall(p.stdout)
                    if quiet:
                        if lines or "timings:" in p.stdout:
                            failures.append(f"{what}: timings printed with -q:\n{p.stdout}")
                        continue
                    if len(lines) != 1:
                        failures.append(f"{what}: expected one timings line:\n{p.stdout}")
                        continue
                    setup, solve, output, total = (float(x) for x in lines[0])
                    if min(setup, solve, output) < 0:
                        failures.append(f"{what}: a negative phase: {lines[0]}")
                    if setup + solve + output > total + ROUNDING:
                        failures.append(f"{what}: phases {setup} + {solve} + {output} exceed "
                                        f"the total {total}")
                    print(f"{what}: set-up {setup}, solve {solve}, output {output}, total {total}")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
