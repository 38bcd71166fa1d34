"""Errors of the library reach Python as exceptions with the same message (file, line, key)."""
import os
import unittest

import thermodrift
from support import TempDirCase, example


class Errors(TempDirCase):
    def test_input_error_names_file_line_and_key(self):
        with open(example("soret_cell_2d.toml")) as f:
            text = f.read()
        bad = text.replace("value = 1e-9", "value = -1e-9")
        self.assertNotEqual(bad, text)
        path = self.path("bad.toml")
        with open(path, "w") as f:
            f.write(bad)
        line = bad.splitlines().index("value = -1e-9") + 1
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.run(path, output=self.path("x.h5"))
        msg = str(e.exception)
        self.assertIn(f"{path}:{line}", msg)
        self.assertIn("key 'species[0].diffusivity.value'", msg)
        self.assertIn("-1e-09", msg)
        self.assertIsInstance(e.exception, ValueError)
        self.assertIsInstance(e.exception, thermodrift.Error)
        self.assertEqual(e.exception.file, path)
        self.assertEqual(e.exception.line, line)
        self.assertIn("diffusivity.value", e.exception.key)

    def test_unknown_key_in_a_dict_is_named(self):
        case = {"units": {"system": "SI"},
                "mesh": {"dim": 1, "x": {"cells": 8, "length": 1.0, "colour": "red"}},
                "temperature": {"type": "uniform", "T0": 300.0},
                "species": [{"name": "solute", "diffusivity": {"type": "constant", "value": 1e-9},
                             "initial": {"value": 1.0}}]}
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.run(case)
        self.assertIn("<dict>", str(e.exception))
        self.assertIn("colour", str(e.exception))
        self.assertIn("mesh.x", str(e.exception))

    def test_dict_case_needs_a_result_file_name(self):
        from test_run import SMALL_TRANSIENT
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.run(SMALL_TRANSIENT)
        self.assertIn("output.file", str(e.exception))
        self.assertEqual(os.listdir(self.dir), [])

    def test_missing_result_file_is_an_io_error(self):
        with self.assertRaises(thermodrift.IoError) as e:
            thermodrift.read(self.path("none.h5"))
        self.assertIn("none.h5", str(e.exception))
        self.assertIsInstance(e.exception, OSError)

    def test_value_without_toml_form_is_rejected(self):
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.to_toml({"mesh": {"x": {"cells": object()}}})
        self.assertIn("mesh.x.cells", str(e.exception))

    def test_petsc_integer_options_beyond_32_bits_are_input_errors(self):
        # PETSc read -ksp_max_it 4294967297 as 1 without a word
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.run(example("soret_cell_2d.toml"), output=self.path("o.h5"),
                            petsc_options={"ksp_max_it": 2**32 + 1})
        self.assertIn("-ksp_max_it 4294967297", str(e.exception))
        self.assertIn("32 bits", str(e.exception))
        self.assertFalse(os.path.exists(self.path("o.h5")))

    def test_lattice_gradient_arguments_out_of_range_are_input_errors(self):
        # replicas = 0 returned NaN profiles, a negative t_burn ran, a negative seed or an int
        # beyond 64 bits was pybind11's TypeError
        square = example("lattice", "square.toml")
        for kw, key in ((dict(replicas=0), "replicas"), (dict(replicas=2**70), "replicas"),
                        (dict(seed=-1), "seed"), (dict(replicas=2.5), "replicas"),
                        (dict(t_burn=-1.0), "t_burn"), (dict(t_end=0.0), "t_end"),
                        (dict(cells=(1, 8)), "cells"), (dict(T=(0.0, 1.0)), "T"),
                        (dict(coverages=[1.5]), "coverages")):
            args = dict(dict(coverages=[0.5]), **kw)
            with self.subTest(**{k: str(v) for k, v in kw.items()}):
                with self.assertRaises(thermodrift.InputError) as e:
                    thermodrift.lattice.gradient(square, **args)
                self.assertIn(f"key '{key}'", str(e.exception))

    def test_integer_beyond_64_bits_is_an_input_error_at_its_key(self):
        # pybind11's cast raised a RuntimeError ("Unable to cast Python instance ...") that
        # named neither the key nor the range
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.to_toml({"a": 2**70})
        self.assertIn("key 'a'", str(e.exception))
        self.assertIn(str(2**70), str(e.exception))
        self.assertIn("-9223372036854775808 to 9223372036854775807", str(e.exception))
        # a declared key: its declared range, in the words of the C++ input path for a value
        # within 64 bits (it said "integers are 64-bit, ..." for bootstrap, range [0, 100000])
        def error(key, value):
            with self.assertRaises(thermodrift.InputError) as e:
                thermodrift.fit.fit("arrhenius", x=[0.9, 1.0, 1.1], y=[0.1, 0.12, 0.14],
                                    **{key: value})
            return str(e.exception)

        within = error("bootstrap", 10**6)
        self.assertIn("value 1000000 is out of the accepted range [0, 100000]", within)
        beyond = error("bootstrap", 2**70)
        # (the value within 64 bits reached the TOML reader, which adds the line)
        self.assertEqual(beyond[beyond.index("key "):].replace(str(2**70), "1000000"),
                         within[within.index("key "):])
        self.assertNotIn("64-bit", beyond)
        # a declared range that reaches past 64 bits ([0, inf)) is named with the 64-bit limit
        for key, value in (("seed", 2**63), ("seed", -2**63 - 1)):
            msg = error(key, value)
            self.assertIn(f"key 'fit[0].{key}'", msg)
            self.assertIn(f"value {value} is out of the accepted range [0, inf) (integers are "
                          "64-bit, -9223372036854775808 to 9223372036854775807)", msg)
        # the largest 64-bit integer is a TOML integer
        self.assertIn("9223372036854775807", thermodrift.to_toml({"a": 2**63 - 1}))

    def test_integer_beyond_64_bits_for_a_real_key_is_that_real_number(self):
        # lattice_spacing = 10**30 said "value 1e30 is out of the accepted range (0, inf)"
        text = thermodrift.to_toml({"fit": [{"type": "adatom_phi", "lattice_spacing": 10**30,
                                             "x": [0.5, 10**30]}]})
        self.assertIn("lattice_spacing = 1e+30", text)
        self.assertIn("1e+30,", text)
        # beyond the largest double it says so
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.to_toml({"fit": [{"type": "adatom_phi", "lattice_spacing": 10**400}]})
        self.assertIn("key 'fit[0].lattice_spacing'", str(e.exception))
        self.assertIn("is too large for a real number (at most 1.79769e+308)", str(e.exception))

    def test_a_key_of_a_temperature_law_is_not_a_fit_key(self):
        # <temperature_law>, a placeholder of one name, matched [fit]: its arrhenius law gave
        # fit[0].activation_energy, not a fit key, the law's declaration
        with self.assertRaises(thermodrift.InputError) as e:
            thermodrift.to_toml({"fit": [{"type": "arrhenius", "activation_energy": 2**70}]})
        self.assertIn("key 'fit[0].activation_energy'", str(e.exception))
        self.assertIn("is out of range: integers are 64-bit", str(e.exception))


if __name__ == "__main__":
    unittest.main()
