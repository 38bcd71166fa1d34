"""Site-exclusion lattice gas (models/LatticeGas.h; docs/theory.md#lattice-gas): tracer and
collective diffusion tensors by canonical KMC and the variational bound on D_c, as
`thermodrift lattice`."""
from . import _core
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


__all__ = ["run", "variational"]
