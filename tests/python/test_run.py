"""thermodrift.run against `thermodrift run` on the default example, read() of command-line
results, inputs as dicts and TOML text, PETSc options for one run only."""
import os
import signal
import subprocess
import sys
import time
import tomllib
import unittest

import numpy as np

import thermodrift
from support import TempDirCase, cli, example


def assert_same(test, a, b, what):
    """Equal to round-off: |a - b| <= 1e-12 max|a| element-wise."""
    a, b = np.asarray(a), np.asarray(b)
    test.assertEqual(a.shape, b.shape, what)
    scale = max(float(np.max(np.abs(a))), np.finfo(float).tiny)
    test.assertLessEqual(float(np.max(np.abs(a - b))), 1e-12 * scale, what)


class RunAgainstCli(TempDirCase):
    @classmethod
    def setUpClass(cls):
        import tempfile
        cls._shared = tempfile.TemporaryDirectory(prefix="td_py_run_")
        d = cls._shared.name
        cls.cli_file = os.path.join(d, "cli.h5")
        cli("run", example("soret_cell_2d.toml"), "-o", cls.cli_file, "-q")
        cls.py_file = os.path.join(d, "py.h5")
        cls.r = thermodrift.run(example("soret_cell_2d.toml"), output=cls.py_file)
        cls.c = thermodrift.read(cls.cli_file)

    @classmethod
    def tearDownClass(cls):
        cls._shared.cleanup()

    def test_same_fields_series_and_mesh_as_the_command_line(self):
        r, c = self.r, self.c
        self.assertEqual(sorted(r.fields), sorted(c.fields))
        self.assertIn("c_solute", r.fields)
        for name in c.fields:
            assert_same(self, r.fields[name], c.fields[name], name)
            self.assertEqual(r.units[name], c.units[name])
        self.assertEqual(sorted(r.series), sorted(c.series))
        for name in c.series:
            assert_same(self, r.series[name], c.series[name], name)
        for axis in c.mesh:
            assert_same(self, r.mesh[axis], c.mesh[axis], axis)
        self.assertEqual(r.config, c.config)

    def test_result_has_shapes_units_and_statistics(self):
        r = self.r
        self.assertEqual(r.fields["c_solute"].shape, (64, 128))
        self.assertEqual(len(r.centres["x"]), 128)
        self.assertEqual(r.units["c_solute"], "1/m^3")
        self.assertEqual(r.units["length"], "m")
        self.assertEqual(r.units_system, "SI")
        self.assertEqual(r.stats["mode"], "steady")
        self.assertGreater(r.stats["newton_iterations"], 0)
        self.assertLess(r.stats["residual_norm"], r.stats["residual_scale"])
        # every cell converged against its own terms (fv/Steady.cpp kMaxCellResidual)
        self.assertLessEqual(r.stats["cell_residual"], 1e-10)
        self.assertGreaterEqual(r.stats["polish_steps"], 0)
        self.assertTrue(r.stats["cells_judged"])
        # a closed cell: nothing fixed on a face, so nothing to refine
        self.assertEqual(r.stats["correction"], 0.0)
        self.assertEqual(r.config_dict["mesh"]["x"]["cells"], 128)
        self.assertIn("c_solute", repr(r))

    def test_read_cli_result_obeys_the_steady_soret_law(self):
        # no-flux steady state with constant S_T: d ln c / dT = -S_T (the example's 0.05 1/K)
        c = self.c
        lnc = np.log(c.fields["c_solute"]).ravel()
        T = c.fields["T"].ravel()
        slope = np.polyfit(T, lnc, 1)[0]
        S_T = tomllib.loads(c.config)["species"][0]["soret"]["value"]
        self.assertAlmostEqual(slope, -S_T, delta=1e-6 * S_T)
        self.assertEqual(c.units["T"], "K")
        self.assertEqual(c.stats, None)


SMALL_TRANSIENT = {
    "units": {"system": "SI"},
    "mesh": {"dim": 1, "x": {"cells": 16, "length": "1 mm"}},
    "temperature": {"type": "linear", "T_ref": 300.0, "gradient": ["10 K/mm", 0.0, 0.0]},
    "species": [{"name": "solute", "diffusivity": {"type": "constant", "value": 1e-9},
                 "soret": {"type": "constant", "value": 0.02},
                 "initial": {"value": 1e24}}],
    "solver": {"mode": "transient", "transient": {"t_end": 100.0, "outputs": 4}},
}


class InputsAndOptions(TempDirCase):
    def test_dict_and_toml_text_give_the_same_run_as_the_file(self):
        f = self.path("case.toml")
        text = thermodrift.to_toml(SMALL_TRANSIENT)
        with open(f, "w") as fh:
            fh.write(text)
        a = thermodrift.run(SMALL_TRANSIENT, output=self.path("a.h5"))
        b = thermodrift.run(text, output=self.path("b.h5"))
        c = thermodrift.run(f, output=self.path("c.h5"))
        self.assertEqual(len(a.snapshots), 5)
        self.assertEqual(a.stats["mode"], "transient")
        self.assertGreater(a.stats["steps"], 0)
        # a prescribed temperature: CVODE's Jacobian products are the assembled dR/dc's
        self.assertGreater(a.stats["jacobian_products"], 0)
        self.assertEqual(a.stats["rhs_evaluations_for_products"], 0)
        for other in (b, c):
            for name in a.fields:
                np.testing.assert_array_equal(a.fields[name], other.fields[name])
            np.testing.assert_array_equal(a.series["total_solute"], other.series["total_solute"])

    def test_committed_transient_file_has_its_checkpoint(self):
        r = thermodrift.run(SMALL_TRANSIENT, output=self.path("t.h5"))
        self.assertIsNotNone(r.checkpoint)
        self.assertEqual(r.checkpoint["time"], 100.0)
        self.assertEqual(r.checkpoint["state"].size, 16)
        # the checkpointed state is the last snapshot's concentration
        np.testing.assert_array_equal(r.checkpoint["state"].ravel(), r.fields["c_solute"].ravel())

    def test_petsc_options_apply_to_one_run_only(self):
        case = dict(SMALL_TRANSIENT, solver={"mode": "steady"})
        with self.assertRaises(thermodrift.Error) as e:
            thermodrift.run(case, output=self.path("bad.h5"), petsc_options={"pc_type": "nopc"})
        self.assertIn("nopc", str(e.exception))
        self.assertFalse(os.path.exists(self.path("bad.h5")))
        # the next run does not see -snes_max_it 0
        r = thermodrift.run(case, output=self.path("good.h5"))
        self.assertGreater(r.stats["newton_iterations"], 0)

    def test_ctrl_c_is_pythons_again_after_a_transient_run(self):
        # the transient solver catches SIGINT to checkpoint; run() hands it back to Python
        thermodrift.run(SMALL_TRANSIENT, output=self.path("i.h5"))
        with self.assertRaises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1.0)

    def test_sigterm_after_a_run_removes_the_session_directory(self):
        # a process started without mpirun names its own Open MPI session directory in TMPDIR
        # (core/MpiStartup.h); SIGTERM removes it (core/SignalCleanup.h), also after run()
        # has handed the signals back to Python (it once reset SIGTERM to the bare default)
        tmp = self.path("tmp")
        os.mkdir(tmp)
        script = ("import time, thermodrift\n"
                  f"thermodrift.run({SMALL_TRANSIENT!r}, output={self.path('t.h5')!r})\n"
                  "print('ready', flush=True)\n"
                  "time.sleep(60)\n")
        env = dict(os.environ, TMPDIR=tmp)
        env.pop("OMPI_MCA_orte_tmpdir_base", None)
        p = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            lines = []  # the run's summary comes first; "" is the end of its output
            while not lines or lines[-1] not in ("ready\n", ""):
                lines.append(p.stdout.readline())
            self.assertEqual(lines[-1], "ready\n", lines)
            session = os.path.join(tmp, f"ompi.thermodrift.{p.pid}")
            self.assertTrue(os.path.isdir(session), "no session directory while it runs")
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=30)
        finally:
            p.kill()
            p.communicate()
        self.assertEqual(p.returncode, -signal.SIGTERM)
        self.assertFalse(os.path.exists(session), "the session directory was left behind")

    def test_an_interrupted_run_does_not_stop_the_next_one(self):
        # the first run's signal (injected after its first output) must not stop its restart
        os.environ["THERMODRIFT_FAULT"] = "snapshot_written#1:interrupt"
        try:
            with self.assertRaises(KeyboardInterrupt):
                thermodrift.run(SMALL_TRANSIENT, output=self.path("s.h5"))
        finally:
            del os.environ["THERMODRIFT_FAULT"]
        r = thermodrift.run(SMALL_TRANSIENT, output=self.path("s.h5"),
                            restart=self.path("s.h5.partial"))
        self.assertEqual(r.checkpoint["time"], 100.0)
        self.assertEqual(len(r.snapshots), 5)

    def test_mpi4py_communicator(self):
        try:
            from mpi4py import MPI
        except ImportError:
            self.skipTest("python3-mpi4py not installed")
        a = thermodrift.run(SMALL_TRANSIENT, output=self.path("w.h5"), comm=MPI.COMM_WORLD)
        b = thermodrift.run(SMALL_TRANSIENT, output=self.path("s.h5"), comm=MPI.COMM_SELF)
        np.testing.assert_array_equal(a.fields["c_solute"], b.fields["c_solute"])


if __name__ == "__main__":
    unittest.main()
