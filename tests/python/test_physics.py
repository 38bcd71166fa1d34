"""soret, lattice, kmc and fit from Python against the command line and known truths."""
import os
import unittest

import numpy as np

import thermodrift
from support import SOURCE, TempDirCase, cli, example

POLYMER = os.path.join(SOURCE, "validation", "multistate", "polymer_states.toml")


class Soret(unittest.TestCase):
    def test_same_scan_as_the_command_line(self):
        ref = cli("soret", POLYMER, "--json", json_out=True)
        s = thermodrift.soret.analyse(POLYMER)
        rows = ref["table"]
        np.testing.assert_array_equal(s.T, [r["T"] for r in rows])
        for k in ("mean_D", "S_T", "S_T_cov", "S_T_0", "S_T_ch"):
            np.testing.assert_allclose(s[k], [r[k] for r in rows], rtol=1e-14, atol=0, err_msg=k)
        np.testing.assert_allclose(s.sign_changes, ref["sign_changes"], rtol=1e-14)
        self.assertEqual(s.states, ref["states"])
        self.assertEqual(s.units["S_T"], thermodrift.units.label("inverse_temperature", "argon"))

    def test_split_and_populations(self):
        T = np.linspace(0.2, 1.5, 7)
        s = thermodrift.soret.analyse(POLYMER, T=T)
        np.testing.assert_array_equal(s.T, T)
        np.testing.assert_allclose(s.S_T_0 + s.S_T_ch, s.S_T_cov, rtol=1e-12)
        np.testing.assert_allclose(s.populations.sum(axis=1), 1.0, rtol=1e-14)
        # Einstein diffusivities: S_T^0 = 1/T
        np.testing.assert_allclose(s.S_T_0, 1.0 / T, rtol=1e-12)

    def test_one_temperature_and_bad_temperatures(self):
        # one number is one temperature; a temperature that is not positive and finite is an
        # InputError naming T (it used to give S_T = nan, or a cast error for one number)
        one = thermodrift.soret.analyse(POLYMER, T=0.5)
        np.testing.assert_allclose(one.S_T, thermodrift.soret.analyse(POLYMER, T=[0.5]).S_T,
                                   rtol=0)
        for T in (np.float32(0.5), np.int64(1), np.array(0.5)):
            self.assertEqual(len(thermodrift.soret.analyse(POLYMER, T=T).S_T), 1, msg=repr(T))
        for T in ([0.0], [-1.0], [float("nan")], [0.5, float("inf")], "warm"):
            with self.assertRaises(thermodrift.InputError, msg=str(T)) as e:
                thermodrift.soret.analyse(POLYMER, T=T)
            self.assertIn("key 'T': ", str(e.exception))


def cli_result(test, command, case, section):
    """Write @p case with an output file in [section], run `thermodrift command` on it and
    read what it wrote."""
    case = dict(case, **{section: dict(case[section], output=test.path("cli.h5"))})
    path = test.path("case.toml")
    with open(path, "w") as f:
        f.write(thermodrift.to_toml(case))
    cli(command, path, cwd=test.dir)
    return thermodrift.read(test.path("cli.h5"))


LATTICE = {
    "units": {"system": "LJ", "lj": "copper"},
    "lattice_gas": {"lattice_file": example("lattice", "two_sublattice_square.toml"),
                    "temperature": 0.5, "coverages": [0.1, 0.6], "cells": [6, 6],
                    "replicas": 4, "seed": 3, "t_burn": 5.0, "t_end": 40.0, "blocks": 4},
}


class Lattice(TempDirCase):
    def test_same_tensors_as_the_command_line(self):
        ref = cli_result(self, "lattice", LATTICE, "lattice_gas")
        r = thermodrift.lattice.run(LATTICE)
        for k in ("tracer", "tracer_sem", "collective", "collective_sem", "single_particle",
                  "coverage", "chi"):
            np.testing.assert_array_equal(r[k], ref.data[k], err_msg=k)
            self.assertEqual(r.units[k], ref.units[k])
        self.assertEqual(r.variational.shape, (2, 2, 2))

    def test_variational_bound_at_low_coverage_is_the_single_particle_tensor(self):
        r = thermodrift.lattice.variational(LATTICE, coverages=[1e-6])
        # theta -> 0: no blocking; the single-particle tensor comes from the Bloch matrix's
        # eigenvalue (off-diagonals ~1e-9 of the diagonal), the bound from the phases
        scale = np.max(np.abs(r.single_particle))
        np.testing.assert_allclose(r.variational[0], r.single_particle, rtol=1e-5,
                                   atol=1e-8 * scale)
        self.assertNotIn("tracer", r)


KMC = {
    "units": {"system": "LJ", "lj": "copper"},
    "lattice": {"dim": 1, "sites": [20], "periodic_x": False},
    "temperature": {"type": "linear", "T_ref": 0.3, "gradient": [-0.0038]},
    "adatom": {"heat_of_transport": 1.9, "migration_barrier": 0.23, "lattice_spacing": 1.1225,
               "attempt_frequency": 1.0},
    "kmc": {"walkers": 200, "seed": 7, "t_end": 50.0, "samples": 10, "trajectories": 3,
            "start": "point", "start_position": [1.0]},
}


class Kmc(TempDirCase):
    def test_same_statistics_as_the_command_line(self):
        ref = cli_result(self, "kmc", KMC, "kmc")
        r = thermodrift.kmc.run(KMC)
        for k in ("time", "mean_position", "mean_position_sem", "msd", "trajectories",
                  "drift_law_x"):
            np.testing.assert_array_equal(r[k], ref.data[k], err_msg=k)
            self.assertEqual(r.units[k], ref.units[k])
        np.testing.assert_array_equal(r.histogram_end, ref.data["histogram_end"])


class Fit(unittest.TestCase):
    def test_arrhenius_returns_the_truth(self):
        kB = 1.380649e-23
        D0, Ea = 3.0e-7, 0.55 * 1.602176634e-19
        T = np.linspace(600.0, 1100.0, 9)
        D = D0 * np.exp(-Ea / (kB * T))
        r = thermodrift.fit.fit("arrhenius", x=T, y=D, name="Cu")
        p = r["parameters"]
        self.assertAlmostEqual(p["D0_Cu"]["value"] / D0, 1.0, places=9)
        self.assertAlmostEqual(p["E_a_Cu"]["value"] / Ea, 1.0, places=9)
        self.assertEqual(p["D0_Cu"]["unit"], "m^2/s")
        self.assertEqual(p["E_a_Cu"]["unit"], "J")
        self.assertEqual(r["laws"][0]["type"], "arrhenius")
        rep = r["reports"][0]
        np.testing.assert_allclose(rep["x"], T)

    def test_adatom_drift_in_lj_units_returns_the_truth(self):
        # the flux law (net exchange over one saddle), kB = 1 in LJ units:
        # v(G) = -D exp(-a (Q - E_m) G / (2 kB T^2)) Q G / (kB T^2)
        D, T, a, Q, Em = 0.5, 0.3, 1.1225, 1.9, 0.23
        G = np.linspace(-0.006, 0.006, 11)
        G = G[G != 0]
        v = -D * np.exp(-a * (Q - Em) * G / (2 * T**2)) * Q * G / T**2
        r = thermodrift.fit.fit("adatom_drift", x=G, y=v, units={"system": "LJ", "lj": "copper"},
                                lattice_spacing=a, temperature=T, diffusivity=D, name="Cu",
                                law="net_exchange")
        p = r["parameters"]
        self.assertAlmostEqual(p["Q_Cu"]["value"], Q, places=8)
        self.assertAlmostEqual(p["E_m_Cu"]["value"], Em, places=6)
        self.assertEqual(p["Q_Cu"]["unit"], thermodrift.units.label("energy", "copper"))
        self.assertEqual(r["units_system"], "LJ(copper)")

    def test_every_type_is_listed(self):
        types = thermodrift.fit.types()
        for t in ("arrhenius", "adatom_drift", "adatom_phi", "soret_profile", "soret_models",
                  "continuum_profile"):
            self.assertIn(t, types)

    def test_bad_data_is_an_input_error(self):
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.fit.fit("arrhenius", x=[600.0, 700.0], y=[1e-9, -1e-9])
        self.assertIn("must be positive", str(e.exception))
        # no points: an error, not a crash of the interpreter
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.fit.fit("arrhenius", x=[], y=[])
        self.assertIn("no data points", str(e.exception))

    def test_a_document_of_the_command_line_runs_as_it_is(self):
        # its [output] table is read (and nothing written), as `thermodrift fit` reads it
        doc = {"units": {"system": "SI"}, "output": {"file": "never_written.toml"},
               "fit": [{"type": "arrhenius", "name": "a", "x": [600.0, 700.0, 800.0],
                        "y": [1e-10, 3e-10, 7e-10]}]}
        r = thermodrift.fit.run(doc)
        self.assertIn("E_a_a", r["parameters"])
        self.assertFalse(os.path.exists("never_written.toml"))


if __name__ == "__main__":
    unittest.main()
