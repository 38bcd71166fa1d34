#!/usr/bin/env python3
"""Kills at every checkpoint-critical point leave a restartable run.

A small transient (heat and a species, 20 outputs) runs once uninterrupted. Then, for each
fault point of core/Fault.h on the checkpoint path, a run is killed with SIGKILL there (at the
7th output), restarted with the command the program prints for interrupted runs, and its
result compared with the uninterrupted one: the same snapshot times and time-series rows (no
duplicates, nothing lost) and final fields equal within the integrator's tolerance. Also: a
second run on the same output is refused while the first writes; a restart with changed
physics is refused; a restart may change [solver] numerics (t_end).
usage: test_checkpoint_kill.py THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

# CVODE's relative tolerance of the case is 1e-8: a restart resets the integrator's history,
# so the final state differs by a few times that, never more.
TOLERANCE = 1e-7

CASE = """
[units]
system = "LJ"
lj = "argon"
[mesh]
dim = 2
[mesh.x]
cells = 32
length = 20.0
[mesh.y]
cells = 8
length = 5.0
[temperature]
type = "uniform"
T0 = 1.0
[heat]
heat_capacity = 2.5
[heat.conductivity]
value = 6.0
[heat.boundary.xlo]
type = "temperature"
value = 1.0
[heat.boundary.xhi]
type = "temperature"
value = 1.4
[[species]]
name = "solute"
[species.diffusivity]
type = "arrhenius"
prefactor = 0.5
activation_energy = 0.8
[species.soret]
value = 2.0
[species.initial]
value = 0.01
[solver]
mode = "transient"
[solver.transient]
t_end = 1000.0
outputs = 20
"""


def run(args, env=None, mpi=None, **kw):
    cmd = (mpi or []) + args
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, **kw)


def compare(ref, out):
    """Problems of result file @p out against the uninterrupted @p ref (empty: none)."""
    errors = []
    with h5py.File(ref, "r") as a, h5py.File(out, "r") as b:
        ta, tb = a["timeseries/time"][()], b["timeseries/time"][()]
        if not np.array_equal(ta, tb):
            errors.append(f"time series rows differ: {ta} vs {tb}")
        sa, sb = sorted(a["snapshots"]), sorted(b["snapshots"])
        if sa != sb:
            errors.append(f"snapshots differ: {len(sa)} vs {len(sb)}")
        else:
            times_a = [a["snapshots"][s].attrs["time"] for s in sa]
            times_b = [b["snapshots"][s].attrs["time"] for s in sb]
            if times_a != times_b:
                errors.append("snapshot times differ")
            for f in ("c_solute", "T"):
                x, y = a[f"snapshots/{sa[-1]}/{f}"][()], b[f"snapshots/{sb[-1]}/{f}"][()]
                d = np.max(np.abs(x - y)) / np.max(np.abs(x))
                if not d < TOLERANCE:
                    errors.append(f"final {f} differs by {d:.2e} (tolerance {TOLERANCE})")
    return errors


def main():
    binary, mpiexec = sys.argv[1], sys.argv[2:]
    work = tempfile.mkdtemp(prefix="td_ckpt_")
    os.chdir(work)
    with open("case.toml", "w") as f:
        f.write(CASE)
    passed, failed = 0, 0

    def check(name, errors):
        nonlocal passed, failed
        if errors:
            failed += 1
            print(f"{name}: FAILED")
            for e in errors:
                print("    " + e)
        else:
            passed += 1
            print(f"{name}: ok")

    r = run([binary, "run", "case.toml", "-o", "ref.h5", "-q"])
    if r.returncode != 0 or not os.path.exists("ref.h5"):
        print(r.stdout + r.stderr)
        sys.exit("uninterrupted reference run failed")

    points = ["checkpoint_begin", "checkpoint_file", "checkpoint_written", "checkpoint_renamed",
              "snapshot_written"]
    cases = [(p, None) for p in points] + [("checkpoint_written", mpiexec + ["-np", "2"])]
    for point, mpi in cases:
        for f in os.listdir("."):
            if f.startswith("out.h5"):
                os.remove(f)
        env = dict(os.environ, THERMODRIFT_FAULT=f"{point}#7:kill")
        extra = ["-x", "THERMODRIFT_FAULT"] if mpi else []
        killed = run([binary, "run", "case.toml", "-o", "out.h5", "-q"], env=env,
                     mpi=(mpi[:1] + extra + mpi[1:]) if mpi else None)
        name = f"kill at {point}" + (" on 2 ranks" if mpi else "")
        errors = []
        if killed.returncode == 0:
            errors.append("the run was not killed")
        if os.path.exists("out.h5"):
            errors.append("a killed run left a file under the final name")
        restart = run([binary, "run", "case.toml", "-o", "out.h5", "--restart", "out.h5.partial",
                       "-q"], mpi=mpi)
        if restart.returncode != 0:
            errors.append("restart failed: " + restart.stdout + restart.stderr)
        else:
            errors += compare("ref.h5", "out.h5")
            left = sorted(f for f in os.listdir(".") if f.startswith("out.h5") and f != "out.h5"
                          and not f.endswith(".xmf"))
            if left:
                errors.append(f"files left after the restarted run committed: {left}")
        check(name, errors)

    # Ctrl-C (SIGINT raised after the 4th output): the printed resume command, run as printed, completes the run.
    for f in os.listdir("."):
        if f.startswith("out.h5"):
            os.remove(f)
    p = subprocess.Popen([binary, "run", "case.toml", "-o", "out.h5"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True,
                         env=dict(os.environ, THERMODRIFT_FAULT="snapshot_written#4:interrupt"))
    _, err = p.communicate(timeout=120)
    errors = []
    hint = [l for l in err.splitlines() if "continue with: " in l]
    if p.returncode != 130 or not hint:
        errors.append(f"interrupt: exit {p.returncode}, stderr: {err}")
    else:
        resume = hint[0].split("continue with: ", 1)[1].split()
        if resume[0] != "thermodrift":
            errors.append("resume hint does not start with thermodrift: " + hint[0])
        r = run([binary] + resume[1:] + ["-q"])
        if r.returncode != 0:
            errors.append("the printed resume command failed: " + r.stdout + r.stderr)
        else:
            errors += compare("ref.h5", "out.h5")
    check("interrupt and the printed resume command", errors)

    # Exclusive output: a second run on the same output is refused while the first writes (it
    # pauses for 5 s after its 2nd output).
    os.remove("out.h5")
    first = subprocess.Popen([binary, "run", "case.toml", "-o", "out.h5", "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, THERMODRIFT_FAULT="snapshot_written#2:pause"))
    deadline = time.time() + 30
    while not os.path.exists("out.h5.partial") and time.time() < deadline:
        time.sleep(0.01)
    second = run([binary, "run", "case.toml", "-o", "out.h5", "-q"])
    first.communicate(timeout=120)
    errors = []
    if second.returncode == 0 or "another run is writing" not in second.stderr:
        errors.append(f"second writer: exit {second.returncode}, {second.stderr}")
    if first.returncode != 0:
        errors.append(f"first writer failed: exit {first.returncode}")
    else:
        errors += compare("ref.h5", "out.h5")
    check("second writer refused, first intact", errors)

    # Restart with changed physics refused; changed numerics (t_end) accepted.
    os.remove("out.h5")
    run([binary, "run", "case.toml", "-o", "out.h5", "-q"],
        env=dict(os.environ, THERMODRIFT_FAULT="snapshot_written#5:kill"))
    with open("changed.toml", "w") as f:
        f.write(CASE.replace("prefactor = 0.5", "prefactor = 0.6"))
    r = run([binary, "run", "changed.toml", "-o", "out.h5", "--restart", "out.h5.partial"])
    errors = []
    if r.returncode == 0 or "[species]" not in r.stderr:
        errors.append(f"changed physics accepted: exit {r.returncode}, {r.stderr}")
    # a t_end before the checkpoint (killed as output 5 of 20 was written, the last checkpoint
    # is output 4: t = 200) is refused before the file is touched: it holds later snapshots
    with open("shorter.toml", "w") as f:
        f.write(CASE.replace("t_end = 1000.0", "t_end = 100.0"))
    r = run([binary, "run", "shorter.toml", "-o", "out.h5", "--restart", "out.h5.partial"])
    if r.returncode == 0 or "after [solver.transient] t_end = 100" not in r.stderr:
        errors.append(f"t_end before the checkpoint accepted: exit {r.returncode}, {r.stderr}")
    if not os.path.exists("out.h5.partial") or os.path.exists("out.h5"):
        errors.append("the refused restart moved the interrupted run's file")
    with open("longer.toml", "w") as f:
        f.write(CASE.replace("t_end = 1000.0", "t_end = 1200.0"))
    r = run([binary, "run", "longer.toml", "-o", "out.h5", "--restart", "out.h5.partial", "-q"])
    if r.returncode != 0:
        errors.append("changed t_end refused: " + r.stderr)
    check("restart: physics fixed, numerics free", errors)

    # Killed after the last checkpoint (at t_end) but before the commit: the restart commits
    # the run, as complete as the uninterrupted one.
    for f in os.listdir("."):
        if f.startswith("out.h5"):
            os.remove(f)
    run([binary, "run", "case.toml", "-o", "out.h5", "-q"],
        env=dict(os.environ, THERMODRIFT_FAULT="checkpoint_renamed#20:kill"))
    r = run([binary, "run", "case.toml", "-o", "out.h5", "--restart", "out.h5.partial", "-q"])
    errors = [] if r.returncode == 0 else [f"restart at t_end: exit {r.returncode}, {r.stderr}"]
    if not errors:
        errors += compare("ref.h5", "out.h5")
    check("restart of a run killed at its last checkpoint commits it", errors)

    # A data file the case names (a temperature table) is physics too: a restart whose table
    # changed since the interruption is refused, naming it; with the table restored it runs,
    # also from another working directory.
    with open("T.dat", "w") as f:
        f.write("# x T\n0 1.0\n20 1.4\n")
    table_case = CASE.replace('type = "uniform"\nT0 = 1.0', 'type = "table"\nfile = "T.dat"')
    if table_case == CASE:
        sys.exit("test_checkpoint_kill: the case's [temperature] changed; update the table case")
    with open("table.toml", "w") as f:
        f.write(table_case)
    for name in os.listdir("."):
        if name.startswith("tab.h5") or name == "tab.xmf":
            os.remove(name)
    run([binary, "run", "table.toml", "-o", "tab.h5", "-q"],
        env=dict(os.environ, THERMODRIFT_FAULT="snapshot_written#5:interrupt"))
    errors = []
    with open("T.dat", "w") as f:
        f.write("# x T\n0 1.0\n20 1.8\n")
    r = run([binary, "run", "table.toml", "-o", "tab.h5", "--restart", "tab.h5.partial"])
    if r.returncode == 0 or "data files of the case differ from those the run read (./T.dat)" \
            not in r.stderr:
        errors.append(f"changed table accepted: exit {r.returncode}, {r.stderr}")
    with open("T.dat", "w") as f:
        f.write("# x T\n0 1.0\n20 1.4\n")
    r = run([binary, "run", os.path.join(work, "table.toml"), "-o", os.path.join(work, "tab.h5"),
             "--restart", os.path.join(work, "tab.h5.partial"), "-q"], cwd="/")
    if r.returncode != 0 or not os.path.exists("tab.h5"):
        errors.append(f"restored table refused: exit {r.returncode}, {r.stderr}")
    check("restart: data files are physics", errors)

    shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
