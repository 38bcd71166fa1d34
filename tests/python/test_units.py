"""thermodrift.units: SI <-> LJ through core/Units, checked against the LJ definitions."""
import math
import unittest

import numpy as np

import thermodrift
from thermodrift import units


class Units(unittest.TestCase):
    def test_round_trip_every_kind(self):
        x = np.array([1e-3, 0.5, 2.0, 7.25e4])
        for lj in ("copper", "argon"):
            for kind in units.kinds():
                back = units.to_lj(units.to_si(x, kind, lj), kind, lj)
                np.testing.assert_allclose(back, x, rtol=4 * np.finfo(float).eps, err_msg=kind)

    def test_scales_follow_from_sigma_epsilon_mass(self):
        p = units.lj_parameters("argon")
        kB = 1.380649e-23
        tau = p["sigma_m"] * math.sqrt(p["mass_kg"] / p["epsilon_J"])
        self.assertAlmostEqual(p["tau_s"] / tau, 1.0, places=14)
        self.assertAlmostEqual(units.to_si(1.0, "time", "argon") / tau, 1.0, places=14)
        self.assertAlmostEqual(units.to_si(1.0, "temperature", "argon") / (p["epsilon_J"] / kB),
                               1.0, places=14)
        D = p["sigma_m"] ** 2 / tau
        self.assertAlmostEqual(units.to_si(2.0, "diffusivity", "argon") / (2.0 * D), 1.0,
                               places=14)
        self.assertEqual(units.label("diffusivity", "argon"), "sigma^2/tau")
        self.assertEqual(units.label("diffusivity"), "m^2/s")

    def test_si_side_in_a_named_unit(self):
        # 76.5 K/nm in copper units: (K/nm) * sigma / (epsilon/kB)
        p = units.lj_parameters("copper")
        expect = 76.5 * 1e9 * p["sigma_m"] / (p["epsilon_J"] / 1.380649e-23)
        got = units.to_lj(76.5, "temperature_gradient", "copper", unit="K/nm")
        self.assertAlmostEqual(got / expect, 1.0, places=13)
        self.assertAlmostEqual(units.to_si(got, "temperature_gradient", "copper", unit="K/nm"),
                               76.5, places=11)
        self.assertAlmostEqual(units.parse("76.5 K/nm", "temperature_gradient"), 76.5e9,
                               delta=1e-3)

    def test_custom_set_equals_the_preset(self):
        custom = {"sigma": "3.405 Angstrom", "epsilon": "0.2381 kcal/mol", "mass": "39.94 u"}
        for kind in ("time", "pressure", "temperature"):
            self.assertAlmostEqual(units.scale(kind, custom) / units.scale(kind, "argon"), 1.0,
                                   places=12)

    def test_bad_kind_unit_and_preset_raise(self):
        with self.assertRaises(thermodrift.InputError):
            units.to_si(1.0, "speed", "argon")
        with self.assertRaises(thermodrift.InputError) as e:
            units.to_lj(1.0, "temperature", "argon", unit="m")
        self.assertIn("not a unit of temperature", str(e.exception))
        with self.assertRaises(thermodrift.InputError):
            units.to_si(1.0, "time", "neon")


if __name__ == "__main__":
    unittest.main()
