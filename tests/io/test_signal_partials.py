#!/usr/bin/python3
"""A run that SIGTERM or SIGINT stops leaves no `.partial` output behind (io/TextFile.h
forget_partial): the claimed file blocked the next run on the same output ("it exists:
another run is writing ..."). Checked with `thermodrift bd`, stopped while its walkers run
(result claimed at the start), with a steady `thermodrift run` stopped in its solve (the
HDF5 result of io/H5Output.h), and with `thermodrift md` stopped while LAMMPS writes its
profiles (md/Setup.h ClaimedOutputs), on one rank; the next run on the same output then
succeeds. The stopped process also removes the Open MPI session directory it named for itself
(core/MpiStartup.h, core/SignalCleanup.h), which it left behind before.

  test_signal_partials.py THERMODRIFT SOURCE_DIR
"""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

POLL_SECONDS = 0.05
WAIT_SECONDS = 60.0
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fv"))
from soret_case import soret_case  # noqa: E402

# a 2D steady Soret cell of 128^2 cells, c fixed on x = 0
STEADY = soret_case("""[mesh]
dim = 2
[mesh.x]
cells = 128
length = 10.0
[mesh.y]
cells = 128
length = 10.0""", """[species.boundary.xlo]
type = "dirichlet"
value = 1.0""")


def partials(d):
    """The `.partial` files under the directory @p d."""
    return sorted(os.path.join(r, f) for r, _, fs in os.walk(d) for f in fs
                  if f.endswith(".partial"))


def main():
    exe, src = os.path.abspath(sys.argv[1]), sys.argv[2]
    failures = []
    with open(os.path.join(src, "examples/bd/ito_periodic.toml")) as f:
        case = f.read()
    if "t_end = 3.0" not in case:
        print("FAIL: examples/bd/ito_periodic.toml no longer has t_end = 3.0")
        return 1
    with tempfile.TemporaryDirectory() as d:
        long_case = os.path.join(d, "long.toml")
        with open(long_case, "w") as f:
            f.write(case.replace("t_end = 3.0", "t_end = 3000.0"))
        steady_case = os.path.join(d, "steady.toml")
        with open(steady_case, "w") as f:
            f.write(STEADY)
        # the tiny eHEX mixture with a production LAMMPS would run for hours: its profiles
        # are being written when it is stopped
        md_short = os.path.join(src, "tests/md/ehex_tiny.toml")
        with open(md_short) as f:
            md_text = f.read()
        if "production_steps = 20\n" not in md_text:
            print("FAIL: tests/md/ehex_tiny.toml no longer has production_steps = 20")
            return 1
        md_case = os.path.join(d, "md.toml")
        with open(md_case, "w") as f:
            f.write(md_text.replace("production_steps = 20\n", "production_steps = 100000000\n"))
        out = os.path.join(d, "out.h5")
        # a lone process names its Open MPI session directory in TMPDIR (core/MpiStartup.h):
        # a stopped run must remove it, as MPI_Finalize would
        tmp = os.path.join(d, "tmp")
        os.mkdir(tmp)
        env = dict(os.environ, TMPDIR=tmp)
        env.pop("OMPI_MCA_orte_tmpdir_base", None)  # it would take the place of TMPDIR
        md_prefix = os.path.join(d, "md_")
        # bd stopped while its walkers run; run stopped in a steady solve made slow on purpose
        # (undamped Jacobi iterations, which take minutes here)
        commands = [(sig, [exe, "bd", long_case, "-o", out, "-q"])
                    for sig in (signal.SIGTERM, signal.SIGINT)]
        commands += [(sig, [exe, "run", steady_case, "-o", out, "-q", "-ksp_type", "richardson",
                            "-pc_type", "jacobi", "-ksp_max_it", "100000000"])
                     for sig in (signal.SIGTERM, signal.SIGINT)]
        # md stopped while LAMMPS writes its profiles (claimed before LAMMPS opens them)
        md_profile = md_prefix + "temp.chunk"
        commands += [(sig, [exe, "md", md_case, "-o", md_prefix, "-q"], md_profile)
                     for sig in (signal.SIGTERM, signal.SIGINT)]
        for sig, command, *written in commands:
            watched = written[0] if written else out
            p = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True, env=env)
            start = time.monotonic()
            while (not os.path.exists(watched + ".partial")
                   and time.monotonic() - start < WAIT_SECONDS):
                time.sleep(POLL_SECONDS)
            if not os.path.exists(watched + ".partial"):
                failures.append(f"{command[1]} {sig.name}: the run never wrote {watched}.partial")
            # the directory exists while the run does: its absence afterwards proves something
            if not os.path.isdir(os.path.join(tmp, f"ompi.thermodrift.{p.pid}")):
                failures.append(f"{command[1]} {sig.name}: the running process has no session "
                                f"directory in {tmp}")
            p.send_signal(sig)
            _, err = p.communicate(timeout=WAIT_SECONDS)
            if p.returncode != -sig:
                failures.append(f"{command[1]} {sig.name}: exit {p.returncode}, expected the signal's")
            if "unfinished output files (.partial) were removed" not in err:
                failures.append(f"{command[1]} {sig.name}: no message on stderr:\n{err}")
            sessions = sorted(f for f in os.listdir(tmp) if f.startswith("ompi.thermodrift."))
            if sessions:
                failures.append(f"{command[1]} {sig.name}: Open MPI's session directory "
                                f"{sessions[0]} left behind")
                for f in sessions:
                    shutil.rmtree(os.path.join(tmp, f))
            for left in [out] + partials(d):
                if os.path.exists(left):
                    failures.append(f"{command[1]} {sig.name}: {left} left behind")
                    os.remove(left)
            print(f"{command[1]} {sig.name}: exit {p.returncode}, nothing left behind")
        # the next run on the same output is not refused
        q = subprocess.run([exe, "bd", os.path.join(src, "examples/bd/ito_periodic.toml"), "-o",
                            out, "-q"], capture_output=True, text=True, timeout=120)
        if q.returncode != 0 or not os.path.exists(out):
            failures.append(f"the next run: exit {q.returncode}\n{q.stderr}")
        q = subprocess.run([exe, "md", md_short, "-o", md_prefix, "-q"], capture_output=True,
                           text=True, timeout=120)
        if q.returncode != 0 or not os.path.exists(md_profile):
            failures.append(f"the next md run: exit {q.returncode}\n{q.stderr}")
    for f in failures:
        print("FAIL:", f)
    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
