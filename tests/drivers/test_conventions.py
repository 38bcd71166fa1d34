#!/usr/bin/env python3
"""One convention for every subcommand (docs/usage.md#conventions).

For each subcommand that writes files, a tiny input in one directory names a data file by a
relative path; the program runs from a DIFFERENT current directory with `-o out/<name>` and
must (1) find the data file relative to the input, (2) write the output at the `-o` path
relative to the current directory (not beside the input), (3) print progress lines with
`--progress-every 0` and none with `-q`. Without `-o` the input's [output] key names the file
(relative to the current directory), and without that key the name is derived from the
input's. The old output keys ([kmc] output, ...) still work and warn. Every subcommand's
--help has an example and a docs page.
usage: test_conventions.py THERMODRIFT SOURCE_DIR
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

import cli_checks
from cli_checks import ENV, check, failures

TD = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
PROGRESS = re.compile(r"^\w+: .*% done, .* elapsed", re.M)


def run(args, cwd):
    return cli_checks.run(TD, args, cwd)


# A temperature-law table (T, D) in a data/ folder beside the inputs: D = 1e-9 m^2/s.
D_TABLE = "# T D\n250 1e-9\n350 1e-9\n"

RUN = """[units]
system = "SI"
[mesh]
dim = 1
[mesh.x]
cells = 16
length = "1 mm"
[temperature]
type = "linear"
T_ref = 290.0
gradient = ["20 K/mm", 0.0, 0.0]
[[species]]
name = "solute"
[species.diffusivity]
type = "table"
file = "data/D.dat"
[species.soret]
type = "constant"
value = 0.05
[species.initial]
value = 1.0
[solver]
mode = "transient"
[solver.transient]
t_end = 100.0
outputs = 2
[output]
file = "from_input.h5"
"""

SORET = """[units]
system = "SI"
[[states]]
name = "a"
energy = 0.0
[states.diffusivity]
type = "table"
file = "data/D.dat"
[[states]]
name = "b"
energy = "0.02 eV"
entropy = "1e-4 eV/K"
[states.diffusivity]
type = "constant"
value = 2e-9
[range]
T_min = 260.0
T_max = 340.0
points = 5
"""

KMC = """[units]
system = "LJ"
lj = "copper"
[lattice]
dim = 1
sites = [40]
[adatom]
type = "phi_table"
file = "data/phi.dat"
lattice_spacing = 1.1225
attempt_frequency = 1.0
[kmc]
walkers = 600
seed = 7
t_end = 50.0
samples = 4
start = "point"
start_position = [1.0]
"""

BD = """[units]
system = "LJ"
lj = "argon"
[mesh]
dim = 1
[mesh.x]
cells = 10
length = 1.0
[temperature]
type = "table"
file = "data/T.dat"
[particle]
alpha = 1.0
[particle.diffusivity]
type = "arrhenius"
prefactor = 2.0
activation_energy = 1.0
[bd]
walkers = 200
dt = 1e-3
t_end = 0.2
samples = 4
"""

LATTICE = """[units]
system = "LJ"
lj = "copper"
[lattice_gas]
lattice_file = "data/honeycomb.toml"
temperature = 0.5
coverages = [0.25, 0.5]
cells = [4, 4]
replicas = 2
t_end = 10.0
blocks = 2
"""

FIT = """[units]
system = "LJ"
lj = "argon"
[[fit]]
type = "arrhenius"
name = "solute"
file = "data/D_solute.dat"
x_column = "T"
y_column = "D"
sigma_column = "D_err"
"""

MD = """[units]
system = "LJ"
lj = "argon"
[md]
type = "msd_diffusion"
equilibration_steps = 100
seed = 4711
temperatures = [0.7]
blocks = 2
block_steps = 50
[md.system]
box = [6.0, 6.0, 24.0]
n_solvent = 300
n_solute = 20
"""

COLUMN = """[material]
preset = "Cu"
[column]
length = "100 nm"
diameter = "50 nm"
T_hot = "700 K"
T_cold = "650 K"
[column.response]
type = "linear_drag"
friction = "2e14 Pa s/m"
[numerics]
cells = 16
"""


def data_files(d):
    """The data files the inputs name, under <d>/data."""
    os.makedirs(os.path.join(d, "data"))
    files = {
        "D.dat": D_TABLE,
        "T.dat": "# x T\n0.0 1.0\n1.0 2.0\n",
        "D_solute.dat": "# T D D_err\n0.8 0.020 0.0002\n0.9 0.026 0.0003\n1.0 0.031 0.0003\n"
                        "1.1 0.036 0.0004\n",
    }
    for name, text in files.items():
        with open(os.path.join(d, "data", name), "w") as f:
            f.write(text)
    shutil.copy(os.path.join(SRC, "examples/kmc/phi_gradient.dat"), os.path.join(d, "data", "phi.dat"))
    shutil.copy(os.path.join(SRC, "examples/lattice/honeycomb.toml"),
                os.path.join(d, "data", "honeycomb.toml"))


# command, input text, -o value, the file(s) that -o gives, default name without -o and key
CASES = [
    ("run", RUN, "out/r.h5", ["out/r.h5"], None),
    ("soret", SORET, "out/s.json", ["out/s.json"], None),
    ("column", COLUMN, "out/c.csv", ["out/c.csv", "out/c_profile.csv"], "column.csv"),
    ("kmc", KMC, "out/k.h5", ["out/k.h5"], "kmc.h5"),
    ("bd", BD, "out/b.h5", ["out/b.h5"], "bd.h5"),
    ("lattice", LATTICE, "out/l.h5", ["out/l.h5"], "lattice.h5"),
    ("fit", FIT, "out/f.toml", ["out/f.toml"], "fit_params.toml"),
    ("md", MD, "out/m_", ["out/m_D_solute.dat", "out/m_D_solvent.dat"], None),
]

# the subcommands without progress lines (they finish at once)
NO_PROGRESS = {"soret"}


def main():
    top = tempfile.mkdtemp(prefix="td_conventions_")
    try:
        inputs = os.path.join(top, "inputs")
        os.makedirs(inputs)
        data_files(inputs)
        for cmd, text, out, written, default in CASES:
            case = os.path.join(inputs, cmd + ".toml")
            with open(case, "w") as f:
                f.write(text)
            cwd = os.path.join(top, "work_" + cmd)
            os.makedirs(os.path.join(cwd, "out"))
            # relative input path from another directory: ../inputs/<cmd>.toml
            rc, so, se = run([cmd, os.path.join("..", "inputs", cmd + ".toml"), "-o", out,
                              "--progress-every", "0"], cwd)
            check(rc == 0, f"{cmd}: runs from another directory (rc {rc}) {se.strip()[-400:]}")
            for w in written:
                check(os.path.isfile(os.path.join(cwd, w)), f"{cmd}: -o wrote {w} in the current "
                      "directory")
                check(not os.path.exists(os.path.join(inputs, w)), f"{cmd}: nothing at {w} beside "
                      "the input")
            if cmd not in NO_PROGRESS:
                check(PROGRESS.search(so) is not None,
                      f"{cmd}: progress lines with --progress-every 0:\n{so[:300]}")
            rc, so, se = run([cmd, os.path.join("..", "inputs", cmd + ".toml"), "-o", out, "-q",
                              "--progress-every", "0"], cwd)
            check(rc == 0 and PROGRESS.search(so) is None, f"{cmd}: -q silences progress")
            # exclusive output: a partial file another run holds is refused and left alone
            # (md writes several files under its prefix: its first one stands for them)
            held = os.path.join(cwd, (written[0] if cmd == "md" else out) + ".partial")
            with open(held, "w") as f:
                f.write("held by another run\n")
            rc, so, se = run([cmd, os.path.join("..", "inputs", cmd + ".toml"), "-o", out, "-q"],
                             cwd)
            with open(held) as f:
                intact = f.read() == "held by another run\n"
            os.remove(held)
            check(rc == 1 and "another run is writing" in se and intact
                  and "wrote" not in so,
                  f"{cmd}: an output another run is writing is refused, its file untouched "
                  f"(rc {rc}):\n{se.strip()[-300:]}")
            # no output may replace a file the run reads: the input itself or a data file it
            # names (through its path relative to the current directory), refused before any
            # work and left intact
            if cmd != "md":
                named = [os.path.join("..", "inputs", cmd + ".toml")]
                named += [os.path.join("..", "inputs", f) for f in re.findall(r'"(data/[^"]+)"', text)]
                for victim in named:
                    with open(os.path.join(cwd, victim), "rb") as f:
                        before = f.read()
                    rc, so, se = run([cmd, os.path.join("..", "inputs", cmd + ".toml"), "-o", victim,
                                      "-q"], cwd)
                    with open(os.path.join(cwd, victim), "rb") as f:
                        intact = f.read() == before
                    check(rc == 1 and "an input of this run" in se and intact and "wrote" not in so,
                          f"{cmd}: -o {victim} (an input) is refused and left intact (rc {rc}):\n"
                          f"{se.strip()[-300:]}")
            # a missing data file: the error names the input-relative path
            if cmd in ("run", "kmc", "bd", "lattice", "fit", "soret"):
                moved = os.path.join(top, "data_moved")
                shutil.move(os.path.join(inputs, "data"), moved)
                rc, so, se = run([cmd, case, "-o", out, "-q"], cwd)
                shutil.move(moved, os.path.join(inputs, "data"))
                check(rc != 0 and os.path.join(inputs, "data") in se,
                      f"{cmd}: a missing data file is looked for beside the input:\n{se[-300:]}")
            # without -o: the default name (no [output] key) in the current directory
            if default:
                rc, so, se = run([cmd, case, "-q"], cwd)
                name = cmd + (".csv" if cmd == "column" else "_params.toml" if cmd == "fit"
                              else ".h5")
                check(rc == 0 and os.path.isfile(os.path.join(cwd, name)),
                      f"{cmd}: without -o writes {name} in the current directory")
        # [output] file of the input, relative to the current directory
        cwd = os.path.join(top, "work_run")
        rc, so, se = run(["run", os.path.join(inputs, "run.toml"), "-q"], cwd)
        check(rc == 0 and os.path.isfile(os.path.join(cwd, "from_input.h5"))
              and not os.path.exists(os.path.join(inputs, "from_input.h5")),
              "run: [output] file is relative to the current directory")
        # md without -o: <input name>_ in the current directory, and --dry-run runs no LAMMPS
        cwd = os.path.join(top, "work_md")
        rc, so, se = run(["md", os.path.join(inputs, "md.toml"), "--dry-run", "-o", "dry/x_"], cwd)
        check(rc == 0 and "LAMMPS not started" in so and os.path.isdir(os.path.join(cwd, "dry"))
              and not os.path.exists(os.path.join(cwd, "dry", "x_T0.7_log.lammps")),
              "md: --dry-run resolves the prefix and starts no LAMMPS")
        # the old output keys: still read, with a deprecation warning
        cwd = os.path.join(top, "work_kmc")
        old = os.path.join(inputs, "kmc_old.toml")
        with open(old, "w") as f:
            f.write(KMC + 'output = "old.h5"\n')
        rc, so, se = run(["kmc", old, "-q"], cwd)
        check(rc == 0 and "[kmc] output is deprecated; write [output] file" in se
              and os.path.isfile(os.path.join(cwd, "old.h5")),
              f"kmc: [kmc] output still works and warns:\n{se}")
        old_col = os.path.join(inputs, "column_old.toml")
        with open(old_col, "w") as f:
            f.write(COLUMN + '[output]\ntable = "old.csv"\n')
        cwd = os.path.join(top, "work_column")
        rc, so, se = run(["column", old_col, "-q"], cwd)
        check(rc == 0 and "[output] table is deprecated; write [output] file" in se
              and os.path.isfile(os.path.join(cwd, "old.csv")),
              f"column: [output] table still works and warns:\n{se}")
        # column: [output] profile, the second file, is checked as -o is, before the work:
        # the input itself, a directory, the table's own name
        cwd = os.path.join(top, "work_column")
        for profile, why in ((os.path.join(inputs, "column_profile.toml"), "an input of this run"),
                             (cwd, "it is a directory"),
                             ("same.csv", "the summary table's name too")):
            prof_case = os.path.join(inputs, "column_profile.toml")
            with open(prof_case, "w") as f:
                f.write(COLUMN + f'[output]\nprofile = "{profile}"\n')
            rc, so, se = run(["column", prof_case, "-o", "same.csv", "-q"], cwd)
            with open(prof_case) as f:
                intact = f.read().startswith(COLUMN)
            check(rc == 1 and why in se and "output.profile" in se and intact
                  and not os.path.exists(os.path.join(cwd, "same.csv")),
                  f"column: [output] profile = {profile} is refused before the work:\n{se[-300:]}")
        # a reader that closes the pipe (thermodrift ... | head -1) does not end the run: the
        # results are written whole (PETSc's handler turned SIGPIPE into an abort)
        cwd = os.path.join(top, "work_bd")
        p = subprocess.Popen([TD, "bd", os.path.join(inputs, "bd.toml"), "-o", "piped.h5",
                              "--progress-every", "0"], cwd=cwd, env=ENV,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        p.stdout.close()
        se = p.stderr.read().decode()
        rc = p.wait()
        check(rc == 0 and os.path.isfile(os.path.join(cwd, "piped.h5"))
              and not os.path.exists(os.path.join(cwd, "piped.h5.partial")),
              f"bd: a closed stdout does not stop the run (rc {rc}):\n{se[-300:]}")
        # help: description, example and docs page on every subcommand
        for cmd in ["run", "soret", "column", "kmc", "bd", "lattice", "md", "fit", "backstress",
                    "units", "keys"]:
            rc, so, se = run([cmd, "--help"], top)
            check(rc == 0 and "Example" in so and re.search(r"Docs: docs/\w+\.md", so)
                  and "-q,--quiet" in so, f"{cmd}: --help has an example and a docs page")
            page = re.search(r"Docs: (docs/\w+\.md)", so)
            if page:
                check(os.path.isfile(os.path.join(SRC, page.group(1))),
                      f"{cmd}: docs page {page.group(1)} exists")
    finally:
        shutil.rmtree(top, ignore_errors=True)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
