"""Quantities between SI and Lennard-Jones reduced units (core/Units.h; docs/theory.md#units).

    units.to_lj(0.0038, "temperature_gradient", "copper", unit="K/nm")
    units.to_si(1.0, "time", {"sigma": "3.405 Angstrom", "epsilon": "0.2381 kcal/mol",
                              "mass": "39.94 u"})

lj is a preset name (lj_presets()) or a dict with sigma, epsilon, mass (numbers in SI or
strings with units) and optionally preset. Values may be numbers or NumPy arrays.
"""
from ._core import units as _u

kinds, label, lj_parameters, lj_presets = _u.kinds, _u.label, _u.lj_parameters, _u.lj_presets
parse, scale, to_lj, to_si = _u.parse, _u.scale, _u.to_lj, _u.to_si

__all__ = ["kinds", "label", "lj_parameters", "lj_presets", "parse", "scale", "to_lj", "to_si"]
