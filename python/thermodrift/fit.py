"""The fits of `thermodrift fit` (fit/FitTask.h) on NumPy data.

    fit.fit("arrhenius", x=T, y=D, sigma=dD)            # one [[fit]] table
    fit.run("fit.toml")                                   # [units] and [[fit]] tables

Nothing is written; the fitted parameters come back with their units and uncertainties,
and each task's report (data, fitted curve, values) as arrays.
"""
import json

import numpy as np

from . import _core
from ._input import source


def types():
    """Names of the fit types (`type = ...` of a [[fit]] table)."""
    return _core._fit_types()


def run(document):
    """Run the [[fit]] tables of a document with [units] (path, TOML text or dict)."""
    out = _core._fit(*source(document))
    reports = json.loads(out.pop("reports_json"))
    for r in reports:
        for k, v in r.items():
            if isinstance(v, list) and v and all(isinstance(e, (int, float)) for e in v):
                r[k] = np.asarray(v, dtype=float)
    out["reports"] = reports
    return out


def fit(type, x=None, y=None, sigma=None, units="SI", **keys):
    """One [[fit]] table of type `type` on arrays x, y (and standard errors sigma), in the
    units system `units` ("SI", "LJ" with keys of [units] as a dict, e.g.
    {"system": "LJ", "lj": "argon"}); further keys of the table as keyword arguments."""
    table = {"type": type, **keys}
    for k, v in (("x", x), ("y", y), ("sigma", sigma)):
        if v is not None:
            table[k] = np.asarray(v, dtype=float)
    unit_table = {"system": units} if isinstance(units, str) else dict(units)
    return run({"units": unit_table, "fit": [table]})


__all__ = ["fit", "run", "types"]
