"""Local-equilibrium Soret coefficient of a set of internal states (models/MultiState.h;
docs/theory.md#equilibrium-soret), as `thermodrift soret`."""
from . import _core
from ._input import source
from ._result import Table


def analyse(states, T=None):
    """S_T(T) of the states of an input ([units] and [[states]] as in a multi-state species).

    states: path, TOML text or dict; T: temperatures (array, unit of the input) or None to
    use the input's [range]. Returns a Table with T, mean_D (<D>_eq), S_T (derivative form),
    S_T_cov (covariance form), its split S_T_0 + S_T_ch, mean_E, populations (T x states) and
    sign_changes (temperatures where S_T changes sign), each with its unit.
    """
    return Table(_core._soret(*source(states), T), "thermodrift soret")


__all__ = ["analyse"]
