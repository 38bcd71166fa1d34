#!/usr/bin/python3
"""thermodrift against FiPy on the same steady 2D Soret problem, whole process, interleaved.

The set-up of examples/soret_cell_2d.toml on a uniform N x N mesh of the 1 mm square:
D = 1e-9 m^2/s, T = 290 K + (20 K/mm) x, but with c fixed to 1e24 m^-3 on the cold face
x = 0 (no flux on the other faces) instead of a closed cell, the boundary condition of FiPy's
steady Soret benchmark, and S_T = 0.25 1/K (--soret), so that S_T (T_right - T_left) = 5 as
in bench/bench_steady. The zero-flux profile satisfying it is exact:

    c(x) = c_left exp(-S_T (T(x) - T_left))

Both codes discretise with exponentially fitted fluxes, which reproduce this profile at the
cell centres, so the error is the solver's. FiPy, however, replaces the exponential scheme by
central differences where the cell Peclet number u h / D is below 1e-3 (its
_ExponentialConvectionTermAlpha): with the example's own S_T = 0.05 1/K that happens at
1024^2 and FiPy's error grows to about 1e-7 (discretisation error, not the solver's); with
S_T = 0.25 1/K only beyond 5000^2 (u h / D = S_T (dT/dx) h).

For each size the script runs, interleaved and `--repeats` times each (best time kept):
  - `thermodrift run case.toml -o out.h5 -q` (the whole process);
  - a FiPy process (this file with --fipy-driver) solving
    DiffusionTerm(coeff=D) - ExponentialConvectionTerm(coeff=u), u = -D S_T grad T,
    with c constrained on facesLeft,
      (a) with its default scipy LU solver (FIPY_SOLVERS=scipy, LinearLUSolver), and
      (b) on PETSc with LinearGMRESSolver(tolerance=1e-12, precon="hypre") (BoomerAMG),
          when petsc4py is importable;
  - the same thermodrift run writing the concentration only (`[output] fields = ["c"]`), the
    field the FiPy driver saves, where the default writes every cell field;
and, as floors, `thermodrift run` of the same cases with S_T = 0, whose solution is its
initial state (c = c_left everywhere: no Krylov iteration, but the same start-up, set-up
and output of the same fields); reads each solution back and prints wall times, the ratios
FiPy / thermodrift, the largest ratio any solver could reach (FiPy on PETSc over the floor),
and the maximum relative error against the exact profile at the cell centres. The load average
(`uptime`) is printed at start and end: on a shared machine the figures move with it.

Not a test and not in CTest: it needs FiPy's source (not a dependency of thermodrift).

  bench/bench_fipy.py build/thermodrift --fipy /tmp/fipy_src [--sizes 256 512 1024]

--fipy (or the environment variable FIPY_PATH) is the folder that holds the `fipy` package
(FiPy 4.x, e.g. an unpacked source archive). Debian's python3-numpy and python3-scipy run it;
the PETSc backend needs python3-petsc4py-real and python3-mpi4py
(`apt-get install python3-petsc4py-real python3-mpi4py`); without them (b) is skipped.
"""
import argparse
import glob
import importlib.util
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

# Set-up of examples/soret_cell_2d.toml (SI) but for S_T and the fixed concentration.
LENGTH = 1e-3  # side of the square (m)
DIFFUSIVITY = 1e-9  # D (m^2/s)
SORET = 0.25  # default S_T (1/K): S_T (T_right - T_left) = 5
T_LEFT = 290.0  # temperature at x = 0 (K)
GRADIENT = 2e4  # dT/dx (K/m), 20 K/mm
C_LEFT = 1e24  # concentration fixed on the face x = 0 (1/m^3)

# Krylov tolerance of FiPy's PETSc run, thermodrift's own GMRES tolerance (docs/solvers.md).
PETSC_RTOL = 1e-12
# Where Debian installs petsc4py (outside the default Python path).
PETSC4PY_GLOB = "/usr/lib/petscdir/petsc*/*-real/lib/python3/dist-packages"
DEFAULT_SIZES = (256, 512, 1024)

CASE = """# steady Soret cell of examples/soret_cell_2d.toml, uniform mesh, c fixed on x = 0
[units]
system = "SI"

[mesh]
dim = 2
[mesh.x]
cells = {n}
length = {length!r}
[mesh.y]
cells = {n}
length = {length!r}

[temperature]
type = "linear"
T_ref = {t_left!r}
gradient = [{gradient!r}, 0.0, 0.0]

[[species]]
name = "solute"
alpha = 0.0
[species.diffusivity]
type = "constant"
value = {d!r}
[species.soret]
type = "constant"
value = {s!r}
[species.initial]
value = {c!r}
[species.boundary.xlo]
type = "dirichlet"
value = {c!r}

[solver]
mode = "steady"
{output}"""
# [output] of the runs that write what the FiPy driver saves, the concentration only; the
# default writes every cell field (c, T, flux vectors, local Soret coefficients: 58 MB at
# 1024^2 against 8 MB).
C_ONLY = """[output]
fields = ["c"]
"""


def exact(x, soret):
    """Exact steady concentration (1/m^3) at positions @p x (m) for S_T = @p soret (1/K)."""
    return C_LEFT * np.exp(-soret * GRADIENT * x)


def max_rel_err(c, x, soret):
    """Maximum relative error of concentrations @p c at cell-centre positions @p x (m)."""
    ref = exact(x, soret)
    return float(np.max(np.abs(c - ref) / ref))


def petsc4py_path():
    """Folder holding Debian's petsc4py, or None."""
    found = sorted(glob.glob(PETSC4PY_GLOB))
    return found[-1] if found else None


# ---------------------------------------------------------------- FiPy side (child process)


def fipy_driver(n, solver, soret, out):
    """Solve the problem with FiPy on an n x n grid, S_T = @p soret (1/K); save the cell-centre
    x (m), c (1/m^3) and the wall time of eq.solve (s: assembly and linear solve) to @p out."""
    # FIPY_SOLVERS and PYTHONPATH are set by the parent before this import.
    import fipy as fp

    h = LENGTH / n
    mesh = fp.Grid2D(nx=n, ny=n, dx=h, dy=h)
    c = fp.CellVariable(mesh=mesh, value=C_LEFT)
    c.constrain(C_LEFT, mesh.facesLeft)
    # u = -D S_T grad T, uniform along x
    u = fp.FaceVariable(mesh=mesh, rank=1, value=(-DIFFUSIVITY * soret * GRADIENT, 0.0))
    eq = fp.DiffusionTerm(coeff=DIFFUSIVITY) - fp.ExponentialConvectionTerm(coeff=u)
    if solver == "lu":
        s = fp.LinearLUSolver()
    else:
        s = fp.LinearGMRESSolver(tolerance=PETSC_RTOL, precon="hypre")
    t0 = time.perf_counter()
    eq.solve(var=c, solver=s)
    t_solve = time.perf_counter() - t0
    np.savez(out, x=np.asarray(mesh.cellCenters[0]), c=np.asarray(c.value), t_solve=t_solve)


# ---------------------------------------------------------------- parent


def timed(cmd, env=None):
    """Wall time (s) of the whole child process @p cmd; exits with its output if it fails."""
    t0 = time.perf_counter()
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    t = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"bench_fipy: {' '.join(cmd)} failed (exit {r.returncode}):\n{r.stdout}")
    return t


def thermodrift_error(h5, soret):
    """Maximum relative error of the concentration in thermodrift's result @p h5."""
    import h5py

    with h5py.File(h5, "r") as f:
        snaps = f["snapshots"]
        c = np.asarray(snaps[sorted(snaps)[-1]]["c_solute"])  # shape (ny, nx)
        nodes = np.asarray(f["mesh/x"])
    centres = 0.5 * (nodes[1:] + nodes[:-1])
    return max_rel_err(c, centres[np.newaxis, :], soret)


def fipy_result(npz, soret):
    """Maximum relative error of the concentration saved by fipy_driver in @p npz, and the wall
    time of its eq.solve (s)."""
    d = np.load(npz)
    return max_rel_err(d["c"], d["x"], soret), float(d["t_solve"])


def keep(table, key, value, better):
    """Store @p value under @p key of @p table, or the better (min or max) of it and the old."""
    table[key] = value if key not in table else better(table[key], value)


def uptime():
    return subprocess.run(["uptime"], stdout=subprocess.PIPE, text=True).stdout.strip()


def fmt_time(t):
    return f"{t:9.3f}" if t is not None else f"{'-':>9s}"


def fmt_ratio(a, b):
    return f"{a / b:7.2f}" if a is not None and b is not None else f"{'-':>7s}"


def fmt_err(e):
    return f"{e:9.2e}" if e is not None else f"{'-':>9s}"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("thermodrift", nargs="?", help="path of the thermodrift executable")
    p.add_argument("--fipy", default=os.environ.get("FIPY_PATH"),
                   help="folder holding the fipy package (default: $FIPY_PATH)")
    p.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES),
                   help="cells per axis (default: %(default)s)")
    p.add_argument("--soret", type=float, default=SORET,
                   help="S_T (1/K, default: %(default)s; the example's is 0.05)")
    p.add_argument("--repeats", type=int, default=2, help="runs of each code per size, best kept")
    p.add_argument("--fipy-driver", nargs=4, metavar=("N", "SOLVER", "SORET", "OUT"),
                   help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.fipy_driver:
        n, solver, soret, out = a.fipy_driver
        fipy_driver(int(n), solver, float(soret), out)
        return
    if not a.thermodrift or not os.access(a.thermodrift, os.X_OK):
        sys.exit(f"bench_fipy: give the thermodrift executable (got {a.thermodrift!r})")
    if not a.fipy or not os.path.isfile(os.path.join(a.fipy, "fipy", "__init__.py")):
        sys.exit("bench_fipy: give the folder holding FiPy's `fipy` package with --fipy DIR or "
                 f"FIPY_PATH (got {a.fipy!r}; e.g. unpack FiPy's source archive under /tmp)")
    if a.repeats < 1 or any(n < 2 for n in a.sizes) or not a.soret > 0:
        sys.exit("bench_fipy: --repeats must be >= 1, every size >= 2 and --soret > 0")
    exe = os.path.abspath(a.thermodrift)
    fipy_dir = os.path.abspath(a.fipy)

    solvers = ["lu"]
    petsc_dir = petsc4py_path()
    if petsc_dir is None or importlib.util.find_spec("mpi4py") is None:
        print(f"FiPy on PETSc skipped: petsc4py ({PETSC4PY_GLOB}) or mpi4py not found; install "
              "them with\n  apt-get install python3-petsc4py-real python3-mpi4py")
    else:
        solvers.append("petsc")

    def fipy_env(solver):
        env = dict(os.environ)
        paths = [fipy_dir] + ([petsc_dir] if solver == "petsc" else [])
        env["PYTHONPATH"] = os.pathsep.join(paths + [env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
        env["FIPY_SOLVERS"] = "petsc" if solver == "petsc" else "scipy"
        # one thread, as thermodrift's single rank
        env["OMP_NUM_THREADS"] = "1"
        env["OPENBLAS_NUM_THREADS"] = "1"
        return env

    load_start = uptime()
    print(f"load at start: {load_start}")
    print(f"steady 2D Soret, 1 mm square, D = {DIFFUSIVITY} m^2/s, dT/dx = {GRADIENT} K/m, "
          f"S_T = {a.soret} 1/K, c = {C_LEFT} 1/m^3 on x = 0; FiPy: "
          + ", ".join({"lu": "scipy LU", "petsc": f"PETSc GMRES+hypre rtol {PETSC_RTOL}"}[s]
                      for s in solvers))
    print("(shared machine: other jobs run beside this benchmark; compare times from one run only)",
          flush=True)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench_fipy_") as d:
        for n in a.sizes:
            # thermodrift runs: (name, S_T, [output]); the floor runs have S_T = 0
            td_runs = (("td", a.soret, ""), ("tdc", a.soret, C_ONLY), ("floor", 0.0, ""),
                       ("floorc", 0.0, C_ONLY))
            cases = {}
            for name, soret, output in td_runs:
                cases[name] = os.path.join(d, f"{name}_{n}.toml")
                with open(cases[name], "w") as f:
                    f.write(CASE.format(n=n, length=LENGTH, t_left=T_LEFT, gradient=GRADIENT,
                                        d=DIFFUSIVITY, s=soret, c=C_LEFT, output=output))
            h5 = os.path.join(d, f"td_{n}.h5")
            best, solve, errs = {}, {}, {}
            # interleaved: thermodrift (all fields, c only, floors), FiPy LU, FiPy PETSc,
            # thermodrift, ...; the error is the worst over the repeats, the times the best
            for _ in range(a.repeats):
                for name, _, _ in td_runs:
                    keep(best, name, timed([exe, "run", cases[name], "-o", h5, "-q"]), min)
                    if not name.startswith("floor"):
                        keep(errs, name, thermodrift_error(h5, a.soret), max)
                for s in solvers:
                    out = os.path.join(d, f"fipy_{s}_{n}.npz")
                    keep(best, s, timed([sys.executable, os.path.abspath(__file__), "--fipy-driver",
                                         str(n), s, repr(a.soret), out], env=fipy_env(s)), min)
                    err, t_solve = fipy_result(out, a.soret)
                    keep(errs, s, err, max)
                    keep(solve, s, t_solve, min)
            rows.append((n, best, solve, errs))
            print(f"  {n}^2 done", flush=True)
    load_end = uptime()

    print()
    print(f"{'size':>9s} {'td [s]':>9s} {'td c [s]':>9s} {'LU [s]':>9s} {'PETSc [s]':>9s} "
          f"{'LU/td':>7s} {'PETSc/td':>8s} {'PETSc/td c':>10s} {'td err':>9s} {'LU err':>9s} "
          f"{'PETSc err':>9s} {'LU solve':>9s} {'PETSc solve':>11s} {'td floor':>9s} "
          f"{'PETSc/floor':>11s} {'floor c':>9s} {'PETSc/floor c':>13s}")
    for n, best, solve, errs in rows:
        petsc = best.get("petsc")
        print(f"{f'{n}^2':>9s} {fmt_time(best['td'])} {fmt_time(best['tdc'])} "
              f"{fmt_time(best.get('lu'))} {fmt_time(petsc)} {fmt_ratio(best.get('lu'), best['td'])} "
              f"{fmt_ratio(petsc, best['td']):>8s} {fmt_ratio(petsc, best['tdc']):>10s} "
              f"{fmt_err(max(errs['td'], errs['tdc']))} {fmt_err(errs.get('lu'))} "
              f"{fmt_err(errs.get('petsc'))} {fmt_time(solve.get('lu'))} "
              f"{fmt_time(solve.get('petsc')):>11s} {fmt_time(best['floor'])} "
              f"{fmt_ratio(petsc, best['floor']):>11s} {fmt_time(best['floorc'])} "
              f"{fmt_ratio(petsc, best['floorc']):>13s}")
    print(f"times: whole process (start-up, set-up, solve, output), best of {a.repeats} interleaved "
          "runs; LU/PETSc solve: FiPy's eq.solve alone (assembly and linear solve) in its process")
    print("td: thermodrift writing every cell field (the default); td c: writing the "
          "concentration only ([output] fields = [\"c\"]), what the FiPy driver saves")
    print("floor: thermodrift on the same case with S_T = 0 (solution = initial state: start-up, "
          "set-up and output without a linear solve), every field or c only; PETSc/floor: the "
          "largest ratio any solver could give")
    print("err: max |c - c_exact| / c_exact over the cell centres, worst of the runs")
    print(f"load at start: {load_start}")
    print(f"load at end:   {load_end}")


if __name__ == "__main__":
    main()
