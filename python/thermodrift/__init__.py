"""thermodrift from Python: run cases and read results as NumPy arrays (docs/python.md).

    import thermodrift
    r = thermodrift.run("examples/soret_cell_2d.toml")
    r.fields["c_solute"], r.units["c_solute"], r.centres["x"], r.stats

Sub-modules: units (SI <-> LJ), soret (local-equilibrium Soret coefficient of a set of
states), lattice (lattice-gas diffusion by KMC and the variational bound), kmc (adatom
walkers), fit (the fits of `thermodrift fit` on NumPy data). Errors raise thermodrift.Error
and its subclasses (InputError is also a ValueError) with the library's message.
"""
import atexit
import signal
import threading

from . import _core
from ._core import Error, InputError, InternalError, IoError, SolverError, __version__, to_toml
from ._input import comm_handle as _comm_handle
from ._input import petsc_options as _petsc_options_text
from ._input import source as _source
from ._result import Result, Table, read

# PETSc (and MPI, unless mpi4py did it) once per process; finalised at interpreter exit.
if _core._initialize():
    atexit.register(_core._finalize)

from . import fit, kmc, lattice, soret, units  # noqa: E402  (need PETSc initialised)


def run(case, output=None, petsc_options=None, comm=None, restart=None, quiet=True):
    """Run a finite-volume case as `thermodrift run` does and return its Result.

    case: path of a TOML input, TOML text, or a nested dict of the same tables.
    output: result file (default: the case's [output] file).
    petsc_options: for this run only; "-pc_type lu -snes_monitor", a list of tokens or a
        dict {"pc_type": "lu", "snes_monitor": None}.
    comm: an mpi4py communicator (default: every process, PETSC_COMM_WORLD).
    restart: continue a transient run from this result file's checkpoint.
    quiet: no progress lines (the summary is printed as by the command line).
    """
    text, is_text, name = _source(case)
    handlers = {}
    main = threading.current_thread() is threading.main_thread()
    if main:
        handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        info = _core._run(text, is_text, name, output or "", restart or "",
                          _petsc_options_text(petsc_options), _comm_handle(comm), quiet)
    finally:
        # the transient solver catches SIGINT/SIGTERM to checkpoint; give them back to Python.
        # Not where Python saw the default: Python does not see the action that the module
        # set from C (core/SignalCleanup.h: the Open MPI session directory and the .partial
        # files removed, then the default), which the solver restored itself
        for s, h in handlers.items():
            if h is not signal.SIG_DFL:
                signal.signal(s, h)
    if info["exit_code"] == 130:
        raise KeyboardInterrupt(f"run interrupted: checkpoint kept in {info['file']}.partial; "
                                f"continue with restart='{info['file']}.partial'")
    r = read(info["file"])
    r.stats = info["stats"]
    r.exit_code = info["exit_code"]
    r.config = info["config"]
    return r


__all__ = ["run", "read", "Result", "Table", "Error", "InputError", "SolverError", "IoError",
           "InternalError", "units", "soret", "lattice", "kmc", "fit", "to_toml", "__version__"]
