"""Run one input case of thermodrift and classify the outcome (shared by the fuzzer,
scripts/fuzz_inputs.py, and the corpus test, tests/fuzz/run_corpus.py).

A case is TOML text, the subcommand that reads it and the folder of its side files (tables,
lattice files). Outcomes: ok (exit 0, all numbers finite), error (exit 1 naming the input
file, or the file:line of a file it names), crash (signal, or another exit status), hang
(time bound reached), nonsense (exit 0 with NaN/inf in a result or in stdout, or exit 1
without naming the file).
"""
import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

SUBCOMMANDS = [("kmc", r"^\[kmc\]"), ("bd", r"^\[bd\]"), ("lattice", r"^\[lattice_gas\]"),
               ("column", r"^\[column\]"), ("fit", r"^\[\[?fit\]\]?"), ("run", r"^\[\[?species")]
NON_FINITE = re.compile(r"(?<![A-Za-z_])[-+]?(nan|inf|infinity)(?![A-Za-z_])", re.IGNORECASE)
MPI_ENV = {"OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
           "OMPI_MCA_rmaps_base_oversubscribe": "1"}


def subcommand_of(text):
    """The subcommand named in a '# fuzz: <sub>' line, else the one whose table the text has."""
    m = re.search(r"^# fuzz: (\w+)", text, re.MULTILINE)
    if m:
        return m.group(1)
    if re.search(r"^\[md\]", text, re.MULTILINE):
        return None
    for sub, pat in SUBCOMMANDS:
        if re.search(pat, text, re.MULTILINE):
            return sub
    return None


def side_files(folder):
    """Files of @p folder (not sub-folders) other than inputs with a subcommand."""
    out = []
    if not Path(folder).is_dir():
        return out
    for p in sorted(Path(folder).iterdir()):
        if p.is_file() and not p.name.endswith((".h5", ".png", ".csv", ".partial")):
            if p.suffix == ".toml" and subcommand_of(p.read_text(errors="replace")):
                continue
            out.append(p)
    return out


def non_finite_in_results(folder):
    """Names of result files holding a NaN or infinite number (HDF5 datasets, CSV, JSON)."""
    bad = []
    for p in Path(folder).iterdir():
        if p.suffix == ".h5":
            import h5py
            import numpy as np
            try:
                with h5py.File(p, "r") as f:
                    found = []

                    def visit(name, obj):
                        if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
                            if not np.all(np.isfinite(obj[()])):
                                found.append(name)
                    f.visititems(visit)
                    bad += [f"{p.name}:/{n}" for n in found]
            except OSError as e:
                bad.append(f"{p.name}: unreadable ({e})")
        elif p.suffix in (".csv", ".json") and NON_FINITE.search(p.read_text(errors="replace")):
            bad.append(p.name)
    return bad


def run_case(exe, sub, text, name, side_dir, timeout):
    """Run case @p text (file name @p name) with subcommand @p sub; returns (verdict, detail)."""
    with tempfile.TemporaryDirectory(prefix="tdfuzz") as tmp:
        for p in side_files(side_dir):
            shutil.copy(p, tmp)
        (Path(tmp) / name).write_text(text)
        cmd = [exe, sub, name] + (["-q"] if sub == "run" else [])
        env = dict(os.environ, **MPI_ENV)
        proc = subprocess.Popen(cmd, cwd=tmp, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, errors="replace",
                                start_new_session=True)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            return "hang", f"no exit within {timeout:g} s"
        rc = proc.returncode
        last = (err.strip().splitlines() or [""])[-1]
        if rc < 0:
            return "crash", f"signal {-rc}: {last}"
        if rc == 1:
            # the input file, or a file it names (a lattice or table file), with its line
            located = name in err or re.search(r"\.(toml|dat|csv|txt|h5):\d+", err)
            return ("error", last) if located else ("nonsense", f"error without the file: {last}")
        if rc != 0:
            return "crash", f"exit {rc}: {last}"
        bad = non_finite_in_results(tmp)
        m = NON_FINITE.search(out)
        if bad:
            return "nonsense", "non-finite values in " + ", ".join(bad[:3])
        if m:
            line = next(l for l in out.splitlines() if NON_FINITE.search(l))
            return "nonsense", f"non-finite number printed: {line.strip()}"
        return "ok", "exit 0"


def save_case(path, sub, text, side_dir):
    """Write a case for the corpus: a '# fuzz: <sub>' line, a '# side: <folder>' line when the
    case has side files (copied to <corpus>/side/<folder>/), then the text."""
    path = Path(path)
    head = f"# fuzz: {sub}\n"
    files = side_files(side_dir)
    if files:
        dest = path.parent / "side" / Path(side_dir).name
        dest.mkdir(parents=True, exist_ok=True)
        for p in files:
            shutil.copy(p, dest)
        head += f"# side: {Path(side_dir).name}\n"
    path.write_text(head + text)


def side_dir_of(case_path):
    """Folder of a corpus case's side files (its '# side:' line), else the case's folder."""
    case_path = Path(case_path)
    m = re.search(r"^# side: (\S+)", case_path.read_text(errors="replace"), re.MULTILINE)
    return case_path.parent / "side" / m.group(1) if m else case_path.parent / "side" / "none"
