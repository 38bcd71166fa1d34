#!/usr/bin/python3
"""A steady answer set by c fixed on the hot face of a strong drift (S_T Delta T = 30, walls
elsewhere, LJ units, 1D) is refined by further Newton steps, which the summary line reports
("last correction"), and the written profile is the exact c = c_D exp(S_T (T_D - T)) to
1e-10 in every cell. One Newton step left it 3.5e-4 off, every cell's residual at round-off.
With c fixed on the cold face nothing is refined. 1 and 2 ranks.

  test_fixed_face_refinement.py THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

from soret_case import finish, soret_case

CELLS, LENGTH, GRADIENT, SORET = 40, 10.0, 0.3, 10.0


def case(face):
    return soret_case(f"""[mesh]
dim = 1
[mesh.x]
cells = {CELLS}
length = {LENGTH}""", f"""[species.boundary.{face}]
type = "dirichlet"
value = 1.0
[solver]
mode = "steady"
""", gradient=GRADIENT, soret=SORET)


def main():
    exe, mpi = os.path.abspath(sys.argv[1]), sys.argv[2:]
    failures = []
    refined = re.compile(r"steady state: .* (\d+) Newton, .*; last correction ([0-9.e+-]+) of a "
                         r"cell's value\)")
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        for face in ("xlo", "xhi"):
            with open(f"{face}.toml", "w") as f:
                f.write(case(face))
            for ranks in (1, 2):
                name = f"c fixed on {face}, {ranks} rank(s)"
                p = subprocess.run([*mpi, "-np", str(ranks), exe, "run", f"{face}.toml", "-o",
                                    "out.h5"], capture_output=True, text=True, timeout=120)
                out = p.stdout + p.stderr
                hits = refined.findall(out)
                print(f"{name}: exit {p.returncode}, refinement {hits}")
                if p.returncode != 0:
                    failures.append(f"{name}: exit {p.returncode}\n{out}")
                    continue
                if face == "xlo":
                    if hits:
                        failures.append(f"{name}: refined an answer at its fixed value\n{out}")
                    continue
                if len(hits) != 1 or not float(hits[0][1]) <= 1e-10:
                    failures.append(f"{name}: no refinement to 1e-10 reported\n{out}")
                    continue
                with h5py.File("out.h5", "r") as h:
                    c = h["snapshots/000000/c_s"][...]
                    x = h["mesh/x"][...]
                centres = 0.5 * (x[1:] + x[:-1])
                exact = np.exp(SORET * GRADIENT * (LENGTH - centres))
                error = float(np.max(np.abs(c / exact - 1.0)))
                print(f"{name}: largest relative error {error:.2e}")
                if not error <= 1e-10:
                    failures.append(f"{name}: error {error:.2e} against the exact profile")
    return finish(failures)


if __name__ == "__main__":
    sys.exit(main())
