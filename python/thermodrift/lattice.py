"""Site-exclusion lattice gas (models/LatticeGas.h; docs/theory.md#lattice-gas): tracer and
collective diffusion tensors by canonical KMC and the variational bound on D_c, as
`thermodrift lattice`."""
import numpy as np

from . import _core
from ._core import InputError
from ._input import comm_handle, source
from ._result import Table


def run(case, coverages=None, comm=None):
    """KMC tracer and collective tensors (shape coverages x 2 x 2, with standard errors), the
    variational bound with and without correlational phases, and the exact single-particle
    tensor, for a `thermodrift lattice` input ([units], [lattice_gas]); coverages replaces the
    input's list."""
    return Table(_core._lattice(*source(case), coverages, True, comm_handle(comm)),
                 "thermodrift lattice")


def variational(case, coverages=None):
    """The variational bound on D_c (and its geometric-phase-only form) per coverage, without
    KMC."""
    return Table(_core._lattice(*source(case), coverages, False, None),
                 "thermodrift lattice (variational)")


_INT_MAX, _LONG_MAX, _U64_MAX = 2**31 - 1, 2**63 - 1, 2**64 - 1


def _int(value, name, lo, hi):
    """@p value as an int in [lo, hi], or InputError naming the argument."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise InputError(f"<argument>: key '{name}': {value!r} is not an integer")
    if not lo <= int(value) <= hi:
        raise InputError(f"<argument>: key '{name}': {value} is outside [{lo}, {hi}]")
    return int(value)


def gradient(lattice_file, coverages, cells=(32, 8), T=(0.8, 1.2), Q=0.0,
             law_temperatures=None, replicas=8, seed=1, t_burn=0.0, t_end=1.0,
             snapshot_times=(), comm=None):
    """The lattice gas of `lattice_file` (reduced units, kB = 1; rectangular cell) in the linear
    temperature T[0] (x = 0) to T[1] (x = cells[0] |a|), closed along x and periodic along y,
    with heat of transport Q (docs/theory.md#lattice-gas): per coverage the KMC's steady column
    coverages (`kmc`, `kmc_sem`, replicas' standard errors) and snapshots from a uniform fill at
    `snapshot_times` (at most t_burn), the finite-volume coverage model with the variational
    D_c(theta, T) tabulated at `law_temperatures` (default: 5 temperatures spanning T) steady
    (`fv`) and relaxing (`fv_snapshots`), and the dilute law's steady profile (`dilute`).
    Arrays are coverage x column (x snapshot); `x` in lattice lengths, `T` per column."""
    # Python ints of any size: out of the C++ types' range is an InputError at the argument
    replicas, seed = _int(replicas, "replicas", 1, _LONG_MAX), _int(seed, "seed", 0, _U64_MAX)
    cells = (_int(cells[0], "cells", 2, _INT_MAX), _int(cells[1], "cells", 1, _INT_MAX))
    lo, hi = min(T), max(T)
    if law_temperatures is None:
        law_temperatures = [lo + (hi - lo) * k / 4 for k in range(5)] if hi > lo else [lo, 1.01 * lo]
    return _core._lattice_gradient(str(lattice_file), list(coverages), int(cells[0]),
                                   int(cells[1]), float(T[0]), float(T[1]), float(Q),
                                   list(law_temperatures), int(replicas), int(seed),
                                   float(t_burn), float(t_end), list(snapshot_times),
                                   comm_handle(comm))


__all__ = ["run", "variational", "gradient"]
