"""Shared helpers of the Python tests: paths from CTest's environment and the command line."""
import json
import os
import subprocess
import tempfile
import unittest

SOURCE = os.environ.get("THERMODRIFT_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
BINARY = os.environ.get("THERMODRIFT_BIN", os.path.join(SOURCE, "build", "thermodrift"))


def example(*parts):
    return os.path.join(SOURCE, "examples", *parts)


def cli(*args, cwd=None, json_out=False):
    """Run the command line; return its stdout (parsed as JSON with json_out)."""
    p = subprocess.run([BINARY, *args], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise AssertionError(f"thermodrift {' '.join(args)} failed ({p.returncode}):\n"
                             f"{p.stdout}\n{p.stderr}")
    return json.loads(p.stdout) if json_out else p.stdout


class TempDirCase(unittest.TestCase):
    """A test case in a fresh working directory self.dir (removed afterwards)."""

    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory(prefix="td_py_")
        self.dir = self._tmp.name
        self._cwd = os.getcwd()
        os.chdir(self.dir)

    def tearDown(self):
        os.chdir(self._cwd)
        self._tmp.cleanup()

    def path(self, name):
        return os.path.join(self.dir, name)
