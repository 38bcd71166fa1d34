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
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np

# CVODE's relative tolerance of the case is 1e-8: a restart resets the integrator's history,
# so the final state differs by a few times that, never more.
TOLERANCE = 1e-7
# Bytes a process may write per file in the copy-failure check: less than the result's size.
FILE_SIZE_LIMIT = 40000
# Linux file systems: longest file name (bytes).
NAME_MAX = 255

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
    # a run killed outright leaves its Open MPI session directory (core/MpiStartup.h): the
    # runs of this test keep theirs in the test's own directory, removed with it
    os.mkdir(os.path.join(work, "tmp"))
    os.environ["TMPDIR"] = os.path.join(work, "tmp")
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
    two = mpiexec + ["-np", "2"]
    # (fault point, launcher of the killed run, launcher of the restart): one rank writes
    # through HDF5's POSIX driver, two through MPI-IO; a file of either continues under the other
    cases = [(p, None, None) for p in points] + [("checkpoint_written", two, two),
                                                  ("checkpoint_written", None, two),
                                                  ("checkpoint_written", two, None)]
    for point, mpi, restart_mpi in cases:
        for f in os.listdir("."):
            if f.startswith("out.h5"):
                os.remove(f)
        env = dict(os.environ, THERMODRIFT_FAULT=f"{point}#7:kill")
        extra = ["-x", "THERMODRIFT_FAULT"] if mpi else []
        killed = run([binary, "run", "case.toml", "-o", "out.h5", "-q"], env=env,
                     mpi=(mpi[:1] + extra + mpi[1:]) if mpi else None)
        name = f"kill at {point}" + (" on 2 ranks" if mpi else "") + (
            (", restarted on 2 ranks" if restart_mpi else ", restarted on 1 rank")
            if restart_mpi != mpi else "")
        errors = []
        if killed.returncode == 0:
            errors.append("the run was not killed")
        if os.path.exists("out.h5"):
            errors.append("a killed run left a file under the final name")
        restart = run([binary, "run", "case.toml", "-o", "out.h5", "--restart", "out.h5.partial",
                       "-q"], mpi=restart_mpi)
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

    # Killed while writing the checkpoint at t = 0: the file holds none, and the restart says
    # so; killed after it, the restart completes the run.
    def clean(prefix="out.h5"):
        for f in os.listdir("."):
            if f.startswith(prefix):
                os.remove(f)

    def faulted(fault, case="case.toml"):
        """Run @p case to out.h5 with the fault @p fault (kill or interrupt), from scratch."""
        clean()
        run([binary, "run", case, "-o", "out.h5", "-q"],
            env=dict(os.environ, THERMODRIFT_FAULT=fault))

    def resume(label, case="case.toml"):
        """Restart out.h5 from its .partial: the problems (none: it completed as ref.h5)."""
        r = run([binary, "run", case, "-o", "out.h5", "--restart", "out.h5.partial", "-q"])
        if r.returncode != 0:
            return [f"{label}: exit {r.returncode}, {r.stderr}"]
        return compare("ref.h5", "out.h5")

    def refused(label, case, source, needle):
        """Restart out.h5 from @p source: the problems (none: refused with @p needle)."""
        r = run([binary, "run", case, "-o", "out.h5", "--restart", source, "-q"])
        if r.returncode == 0 or needle not in r.stderr:
            return [f"{label}: exit {r.returncode}, {r.stderr}"]
        return []

    def variant(name, old, new):
        """Write the case with @p old replaced by @p new to @p name."""
        with open(name, "w") as f:
            f.write(CASE.replace(old, new))
        return name

    def committed_unchanged(label):
        with open("ref.h5", "rb") as a, open("out.h5", "rb") as b:
            return [] if a.read() == b.read() else [f"{label} changed the committed result"]

    errors = []
    faulted("checkpoint_begin#0:kill")
    errors += refused("restart without a checkpoint", "case.toml", "out.h5.partial",
                      "holds no checkpoint to restart from")
    faulted("checkpoint_renamed#0:kill")
    errors += resume("restart from the checkpoint at t = 0")
    check("kills before the first output", errors)

    # A restart that fails leaves what it restarted from as it was: a committed result byte
    # for byte (no .partial left), an interrupted run's .partial and checkpoint, from which a
    # later restart completes the run.
    clean()
    shutil.copy("ref.h5", "out.h5")
    longer = variant("fails.toml", "t_end = 1000.0", "t_end = 2000.0\nmax_steps = 3")
    errors = refused("failing extension of a committed run", longer, "out.h5", "max_steps")
    errors += committed_unchanged("the failed restart")
    if any(f.startswith("out.h5.") for f in os.listdir(".")):
        errors.append(f"the failed restart left {sorted(os.listdir('.'))}")
    faulted("snapshot_written#5:interrupt")
    limited = variant("fails_early.toml", "t_end = 1000.0", "t_end = 1000.0\nmax_steps = 3")
    errors += refused("the restart limited to 3 steps", limited, "out.h5.partial", "max_steps")
    if not (os.path.exists("out.h5.partial") and os.path.exists("out.h5.checkpoint")):
        errors.append(f"the failed restart removed the interrupted run: {sorted(os.listdir('.'))}")
    errors += resume("restart after a failed one")
    check("a failed restart keeps its source", errors)

    # The committed result and a later interrupted run over it: the restart names the file it
    # would continue, and one of another case is refused for its physics, not continued.
    other = variant("other.toml", "value = 2.0", "value = -5.0")
    faulted("snapshot_written#2:interrupt", other)
    shutil.copy("ref.h5", "out.h5")
    errors = refused("restart beside a partial", "case.toml", "out.h5",
                     "out.h5.partial exists beside it")
    errors += refused("another case's partial continued", "case.toml", "out.h5.partial",
                      "[species]")
    errors += committed_unchanged("the refused restarts")
    check("restart from a committed file beside a partial", errors)

    # A restart of a committed result whose copy cannot be written (a file size limit, as a
    # full disk) leaves no copy behind and the result as it was; the next restart works.
    errors = []
    clean()
    shutil.copy("ref.h5", "out.h5")

    def small_files():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))

    r = subprocess.run([binary, "run", variant("longer.toml", "t_end = 1000.0", "t_end = 1200.0"),
                        "-o", "out.h5", "--restart", "out.h5", "-q"], capture_output=True,
                       text=True, timeout=300, preexec_fn=small_files)
    if r.returncode == 0 or "cannot resume" not in r.stderr:
        errors.append(f"copy beyond the size limit: exit {r.returncode}, {r.stderr}")
    errors += committed_unchanged("the failed copy")
    if os.path.exists("out.h5.partial"):
        errors.append("the failed copy left out.h5.partial")
    r = run([binary, "run", "longer.toml", "-o", "out.h5", "--restart", "out.h5", "-q"])
    if r.returncode != 0:
        errors.append(f"restart after the failed copy: exit {r.returncode}, {r.stderr}")
    check("a restart whose copy fails leaves nothing behind", errors)

    # One writer per file: while a restart writes out.h5.partial (paused after an output),
    # a second restart of it, or of the committed file, is refused; the first completes.
    errors = []
    clean()
    shutil.copy("ref.h5", "out.h5")
    longer = variant("longer.toml", "t_end = 1000.0", "t_end = 1200.0")
    first = subprocess.Popen([binary, "run", longer, "-o", "out.h5", "--restart", "out.h5", "-q"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, THERMODRIFT_FAULT="snapshot_written#18:pause"))
    deadline = time.time() + 30
    while not os.path.exists("out.h5.partial") and time.time() < deadline:
        time.sleep(0.01)
    errors += refused("a second restart of the partial", longer, "out.h5.partial",
                      "another run is writing it")
    errors += refused("a second restart of the committed file", longer, "out.h5",
                      "out.h5.partial exists beside it")
    first.communicate(timeout=120)
    if first.returncode != 0:
        errors.append(f"the first restart failed: exit {first.returncode}")
    elif any(f.startswith("out.h5.") for f in os.listdir(".")):
        errors.append(f"files left beside the result: {sorted(os.listdir('.'))}")
    check("one restart at a time", errors)

    # A steady result has no checkpoint: the restart says so, without advising its removal.
    with open("steady.toml", "w") as f:
        f.write(CASE.replace('mode = "transient"', 'mode = "steady"'))
    clean("steady.h5")
    run([binary, "run", "steady.toml", "-o", "steady.h5", "-q"])
    r = run([binary, "run", "case.toml", "-o", "steady.h5", "--restart", "steady.h5", "-q"])
    errors = []
    if r.returncode == 0 or "not the result of a transient run" not in r.stderr \
            or "remove" in r.stderr:
        errors.append(f"restart of a steady result: exit {r.returncode}, {r.stderr}")
    check("restart of a steady result", errors)

    # Interrupted on the step that reaches an output time (late steps span whole output
    # intervals): that output is written before the run stops, and the restart completes the
    # run with every output, the last one included.
    errors = []
    many = CASE.replace("outputs = 20", "outputs = 200\n[output]\nfields = []")
    with open("many.toml", "w") as f:
        f.write(many)
    clean("many_ref")
    run([binary, "run", "many.toml", "-o", "many_ref.h5", "-q"])
    # step_taken#N: SIGINT during step N, here the step that reached output 190 (the
    # uninterrupted run's step count there); snapshot_written#K: SIGINT after output K
    with h5py.File("many_ref.h5", "r") as a:
        names = sorted(a["snapshots"])
        reaching = int(a["snapshots"][names[190]].attrs["step"])
        before = int(a["snapshots"][names[189]].attrs["step"])
    if reaching != before + 1:
        errors.append(f"output 190 took {reaching - before} steps; the case must take one")
    for point in (f"step_taken#{reaching}:interrupt", "snapshot_written#150:interrupt",
                  "snapshot_written#199:interrupt"):
        clean("many.h5")
        run([binary, "run", "many.toml", "-o", "many.h5", "-q"],
            env=dict(os.environ, THERMODRIFT_FAULT=point))
        r = run([binary, "run", "many.toml", "-o", "many.h5", "--restart", "many.h5.partial",
                 "-q"])
        if r.returncode != 0:
            errors.append(f"{point}: restart failed: {r.stderr}")
            continue
        with h5py.File("many_ref.h5", "r") as a, h5py.File("many.h5", "r") as b:
            ta, tb = a["timeseries/time"][()], b["timeseries/time"][()]
            if not np.array_equal(ta, tb) or len(b["snapshots"]) != len(a["snapshots"]):
                errors.append(f"{point}: {len(b['snapshots'])} snapshots, series ends "
                              f"{tb[-3:]}; uninterrupted {len(a['snapshots'])}, {ta[-3:]}")
    check("interrupt on the step that reaches an output", errors)

    # A name one byte over the limit the error states is refused before any work; a name at
    # the limit runs (MPI-IO's own files beside it included).
    r = run([binary, "run", "case.toml", "-o", "x" * NAME_MAX + ".h5", "-q"])
    limit = re.search(r"at most (\d+) are allowed", r.stderr)
    errors = []
    if r.returncode == 0 or not limit:
        errors.append(f"-o of {NAME_MAX + 3} bytes: exit {r.returncode}, {r.stderr}")
    else:
        n = int(limit.group(1))
        over = run([binary, "run", "case.toml", "-o", "x" * (n - 2) + ".h5", "-q"])
        if over.returncode == 0 or "a path component has" not in over.stderr:
            errors.append(f"-o of {n + 1} bytes: exit {over.returncode}, {over.stderr}")
        longest = "x" * (n - 3) + ".h5"
        r = run([binary, "run", "case.toml", "-o", longest, "-q"])
        if r.returncode != 0 or not os.path.exists(longest):
            errors.append(f"-o of {n} bytes: exit {r.returncode}, {r.stderr[-300:]}")
    check("the longest output name", errors)

    # A name the run writes beside its result that cannot be written is refused before the
    # solve, naming it.
    os.mkdir("side.xmf")
    r = run([binary, "run", "case.toml", "-o", "side.h5", "-q"])
    errors = []
    if r.returncode == 0 or "side.xmf beside it" not in r.stderr or "-o" not in r.stderr:
        errors.append(f"sidecar name a directory: exit {r.returncode}, {r.stderr}")
    if any(f.startswith("side.h5") for f in os.listdir(".")):
        errors.append("the refused run wrote files")
    check("sidecar names checked up front", errors)

    shutil.rmtree(work, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
