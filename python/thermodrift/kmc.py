"""Adatom thermomigration by kinetic Monte Carlo (stochastic/Walkers.h;
docs/theory.md#adatom), as `thermodrift kmc`."""
from . import _core
from ._input import comm_handle, source
from ._result import Table


def run(case, comm=None):
    """Run the walkers of a `thermodrift kmc` input; returns time, mean position and its
    standard error (samples x dim), MSD, the end histogram, trajectories, the drift velocity
    and, for the analytic rate model, the integrated drift laws, each with its unit."""
    return Table(_core._kmc(*source(case), comm_handle(comm)), "thermodrift kmc")


__all__ = ["run"]
