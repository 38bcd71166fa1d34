#!/usr/bin/python3
"""Negative concentrations beyond round-off are reported at the first output time they appear,
once per species, with the count of cells over all ranks; a clean run reports nothing.
The negative cell is injected with THERMODRIFT_FAULT=snapshot_state#K[@RANK]:negative
(core/Fault.h), since the exponentially fitted fluxes keep every physical case positive.

  test_negative_report.py THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import re
import subprocess
import sys
import tempfile

from soret_case import finish, soret_case

CASE = soret_case("""[mesh]
dim = 1
[mesh.x]
cells = 40
length = 10.0""", """[solver]
mode = "transient"
[solver.transient]
t_end = 1.0
outputs = 4""")


def run(exe, mpi, ranks, fault):
    env = dict(os.environ)
    env.pop("THERMODRIFT_FAULT", None)
    if fault:
        env["THERMODRIFT_FAULT"] = fault
    cmd = ([*mpi, "-x", "THERMODRIFT_FAULT", "-np", str(ranks)] if fault else [*mpi, "-np",
                                                                                str(ranks)])
    p = subprocess.run(cmd + [exe, "run", "case.toml", "-o", "out.h5", "-q"], env=env,
                       capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def main():
    exe, mpi = os.path.abspath(sys.argv[1]), sys.argv[2:]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        with open("case.toml", "w") as f:
            f.write(CASE)
        warn = re.compile(r"warning: s at t = ([0-9.e+-]+) \(output (\d+)\): (\d+) of (\d+) cells "
                          r"negative beyond round-off")
        for ranks, fault, expect in [(1, "", None), (2, "", None),
                                     (1, "snapshot_state#2:negative", (2, 1)),
                                     (2, "snapshot_state#3@1:negative", (3, 1)),
                                     (2, "snapshot_state#2:negative", (2, 2))]:
            code, out = run(exe, mpi, ranks, fault)
            hits = warn.findall(out)
            name = f"{ranks} rank(s), fault '{fault}'"
            if code != 0:
                failures.append(f"{name}: exit {code}\n{out}")
            elif expect is None and ("negative" in out):
                failures.append(f"{name}: a clean run reported negatives\n{out}")
            elif expect is not None:
                # once (the first output it appears at), the right output, all cells counted
                if len(hits) != 1:
                    failures.append(f"{name}: {len(hits)} warnings, expected 1\n{out}")
                else:
                    t, k, neg, total = hits[0]
                    if (int(k), int(neg), int(total)) != (expect[0], expect[1], 40) or \
                            abs(float(t) - 0.25 * expect[0]) > 1e-12:
                        failures.append(f"{name}: warning {hits[0]}, expected output {expect[0]} "
                                        f"at t = {0.25 * expect[0]}, {expect[1]} of 40 cells")
            print(f"{name}: exit {code}, warnings {hits}")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
