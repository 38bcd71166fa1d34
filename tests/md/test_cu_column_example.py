#!/usr/bin/python3
"""The EAM Cu column example (examples/md_cu_column) end to end at CI size:
`thermodrift md cu_column_tiny.toml` runs within a time limit, keeps the LAMMPS input and log,
and writes the back-stress series, the temperature profile and the interfacial density, which
parse as complete tables with units in their headers: every value finite, the back-stress
rows one per stress_every steps from the gradient's start, the column of the mie/cut wall pair
in the input script, the substrate hotter than the wall, Cu atoms in the interfacial layer and
none beyond the box's half width. A --dry-run starts no LAMMPS and writes nothing.

usage: test_cu_column_example.py THERMODRIFT SOURCE_DIR
"""
import math
import os
import subprocess
import sys
import tempfile

TIME_LIMIT = 120  # s: a hang guard, not a timing test (about 10 s on a loaded 2-core machine)
GRADIENT, PRODUCTION, STRESS_EVERY, DT_PS = 200, 400, 50, 0.001  # cu_column_tiny.toml


def read_table(path):
    """(header lines, column names, rows) of a '#'-commented numeric table."""
    with open(path) as f:
        lines = f.read().splitlines()
    header = [l for l in lines if l.startswith("#")]
    rows = [[float(x) for x in l.split()] for l in lines if l.strip() and not l.startswith("#")]
    names = header[-1].lstrip("#").split()
    if any(len(r) != len(names) for r in rows):
        raise ValueError(f"{path}: a row does not have the {len(names)} columns {names}")
    return header, names, rows


def main():
    exe, src = sys.argv[1], sys.argv[2]
    case = os.path.join(src, "examples", "md_cu_column", "cu_column_tiny.toml")
    failures = []

    def check(ok, what):
        if not ok:
            failures.append(what)
            print("FAIL:", what)

    with tempfile.TemporaryDirectory() as tmp:
        dry = os.path.join(tmp, "dry") + "/"
        run = subprocess.run([exe, "md", case, "-o", dry, "--dry-run"], capture_output=True,
                             text=True, timeout=TIME_LIMIT)
        check(run.returncode == 0 and "800 MD steps planned" in run.stdout,
              f"dry run: exit {run.returncode}, {run.stdout} {run.stderr}")
        check(not os.path.exists(dry + "log.lammps"), "the dry run started LAMMPS")

        out = os.path.join(tmp, "out") + "/"
        run = subprocess.run([exe, "md", case, "-o", out, "-q"], capture_output=True, text=True,
                             timeout=TIME_LIMIT)
        print(run.stdout, run.stderr)
        check(run.returncode == 0, f"thermodrift md exited with {run.returncode}")
        names = ("backstress.dat", "temperature.dat", "interface_density.dat",
                 "backstress.raw", "temp.chunk", "interface.chunk")
        for name in names:
            check(f"wrote {out}{name}" in run.stdout and os.path.exists(out + name),
                  f"no {name}")
            check(not os.path.exists(out + name + ".partial"), f"{name}.partial left")
        if failures:
            return 1
        with open(out + "in.lammps") as f:
            script = f.read()
        check("pair_style hybrid/overlay eam/alloy eam/alloy mie/cut" in script,
              "not the hybrid EAM + mie/cut force field")
        check("pair_coeff 1 2 mie/cut" in script, "no wall-Cu mie/cut pair")
        check(os.path.getsize(out + "log.lammps") > 0, "empty log.lammps")

        header, cols, bs = read_table(out + "backstress.dat")
        check(cols == ["t_ps", "sigma_MPa", "Fz_wall_eV_per_Angstrom",
                       "Fz_substrate_eV_per_Angstrom"], f"back-stress columns {cols}")
        check(any("production mean:" in h and "MPa" in h for h in header),
              "no production mean in the back-stress header")
        n = (GRADIENT + PRODUCTION) // STRESS_EVERY
        check(len(bs) == n, f"{len(bs)} back-stress rows, expected {n}")
        check([r[0] for r in bs] == [rounded((i + 1) * STRESS_EVERY * DT_PS)
                                     for i in range(len(bs))],
              f"back-stress times {[r[0] for r in bs]}")
        check(all(math.isfinite(x) for r in bs for x in r), "a non-finite back stress")
        # sigma is the wall force over pi R^2 (R = 0.75 nm), 1 eV/Angstrom^3 = 160217.66 MPa
        area = math.pi * 7.5 ** 2
        check(all(abs(r[1] - r[2] / area * 160217.6634) <= 1e-5 * max(1.0, abs(r[1]))
                  for r in bs), "sigma is not F_z / (pi R^2)")

        _, cols, tp = read_table(out + "temperature.dat")
        check(cols == ["z_nm", "T_K", "atoms"], f"temperature columns {cols}")
        full = [r for r in tp if r[2] > 0]
        check(all(math.isfinite(r[1]) and 0.0 < r[1] < 3000.0 for r in full),
              f"temperatures {[r[1] for r in full]}")
        sub, wall = full[1][1], full[-2][1]  # substrate's mobile bins, the wall's
        print(f"substrate bin {sub:.0f} K, wall bin {wall:.0f} K")
        check(sub > wall, "the substrate is not hotter than the wall")

        _, cols, den = read_table(out + "interface_density.dat")
        check(cols == ["r_nm", "n_per_nm2", "atoms"], f"density columns {cols}")
        check(all(math.isfinite(r[1]) and r[1] >= 0.0 for r in den), "bad densities")
        check(sum(r[2] for r in den) > 5.0, "no Cu atoms in the interfacial layer")
        check(den[-1][0] < 1.3, "radial bins beyond the box's half width")
    print("FAILED" if failures else "OK")
    return 1 if failures else 0


def rounded(x):
    return float(f"{x:.6g}")


if __name__ == "__main__":
    sys.exit(main())
