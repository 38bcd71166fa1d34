#!/usr/bin/python3
"""`[output] fields` selects the cell fields of each snapshot of `thermodrift run`:
- a snapshot holds exactly the chosen fields, the XDMF sidecar lists exactly those, and the
  concentrations equal those of a run that writes every field (the same solve);
- the time series and the transient's restart state (/checkpoint) are written whatever the
  choice, `[]` included;
- an unknown name is an input error at the key, with the accepted names, and no result file;
- a steady run whose temperature is solved for ([heat]) writes the solved temperature.
Steady and transient, on 1 and 2 ranks.

  test_output_fields.py THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

import h5py
import numpy as np

from soret_case import cell_case, finish, soret_case

# a closed 1D cell with a two-state species (its total P_<species> is a field)
TWO_STATES = """[units]
system = "LJ"
lj = "argon"
[mesh]
dim = 1
[mesh.x]
cells = 16
length = 4.0
[temperature]
type = "linear"
T_ref = 1.0
gradient = [0.25, 0.0, 0.0]
[[species]]
name = "m"
[species.initial]
value = 1.0
[[species.states]]
name = "low"
energy = 0.0
[species.states.diffusivity]
value = 0.1
[[species.states]]
name = "high"
energy = 1.0
[species.states.diffusivity]
value = 1.0
[[species.transitions]]
from = "low"
to = "high"
barrier = 1.5
prefactor = 1.0
[solver]
mode = "transient"
[solver.transient]
t_end = 1.0
outputs = 2
[output]
fields = {fields}
"""
# the example of a heated cell (temperature a field of the solve), smaller and shorter
EXAMPLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples",
                       "heated_cell_transient.toml")

# the fields a run writes by default for this one-state species (P is for multi-state ones)
ALL = {"c_s", "T", "J_s", "S_T_eff_s", "S_T_eq_s"}


def snapshot_fields(h5):
    """{snapshot name: set of dataset names} of result file @p h5."""
    with h5py.File(h5, "r") as f:
        return {k: set(g.keys()) for k, g in f["snapshots"].items()}


def xdmf_fields(xmf):
    """{grid name: set of attribute names} of the snapshots in XDMF file @p xmf."""
    grids = ET.parse(xmf).getroot().iter("Grid")
    return {g.get("Name"): {a.get("Name") for a in g.findall("Attribute")}
            for g in grids if g.get("GridType") == "Uniform"}


def run(exe, mpi, ranks, mode, output, name):
    """Run the case with the [output] text @p output; return (process, result file)."""
    with open(f"{name}.toml", "w") as f:
        f.write(cell_case(mode, output))
    out = f"{name}.h5"
    p = subprocess.run([*mpi, "-np", str(ranks), exe, "run", f"{name}.toml", "-o", out, "-q"],
                       capture_output=True, text=True, timeout=120)
    return p, out


def main():
    exe, mpi = os.path.abspath(sys.argv[1]), sys.argv[2:]
    failures = []
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        for mode in ("steady", "transient"):
            for ranks in (1, 2):
                what = f"{mode}, {ranks} rank(s)"
                p, full = run(exe, mpi, ranks, mode, "", f"all_{mode}_{ranks}")
                if p.returncode != 0:
                    failures.append(f"{what}, default fields: exit {p.returncode}\n{p.stderr}")
                    continue
                for chosen, expect in ((["c", "J"], {"c_s", "J_s"}), (["T", "S_T_eq"],
                                       {"T", "S_T_eq_s"}), ([], set())):
                    label = f"{what}, fields = {chosen}"
                    text = "[output]\nfields = [" + ", ".join(f'"{c}"' for c in chosen) + "]"
                    p, out = run(exe, mpi, ranks, mode, text, f"some_{mode}_{ranks}_{'_'.join(chosen) or 'none'}")
                    if p.returncode != 0:
                        failures.append(f"{label}: exit {p.returncode}\n{p.stderr}")
                        continue
                    written, listed = snapshot_fields(out), xdmf_fields(out[:-3] + ".xmf")
                    if set(written) != set(snapshot_fields(full)):
                        failures.append(f"{label}: snapshots {sorted(written)}")
                    for snap, names in written.items():
                        if names != expect:
                            failures.append(f"{label}: snapshot {snap} holds {sorted(names)}")
                        if listed.get(snap) != names:
                            failures.append(f"{label}: the sidecar lists {listed.get(snap)} "
                                            f"for snapshot {snap}, the file holds {names}")
                    with h5py.File(out, "r") as f, h5py.File(full, "r") as g:
                        for snap in written:
                            if snap in g["snapshots"] and set(g["snapshots"][snap]) != ALL:
                                failures.append(f"{what}: the default run's snapshot {snap} "
                                                f"holds {sorted(g['snapshots'][snap])}")
                            if "c_s" in written[snap] and not np.array_equal(
                                    f["snapshots"][snap]["c_s"][...],
                                    g["snapshots"][snap]["c_s"][...]):
                                failures.append(f"{label}: c of snapshot {snap} differs from "
                                                "the run that writes every field")
                        for series in ("time", "total_s", "outflow_s"):
                            if not np.array_equal(f["timeseries"][series][...],
                                                  g["timeseries"][series][...]):
                                failures.append(f"{label}: time series {series} differs")
                        if mode == "transient" and "checkpoint/state" not in f:
                            failures.append(f"{label}: no /checkpoint/state")
                    print(f"{label}: {len(written)} snapshot(s) of {sorted(expect)}")
        # a multi-state species: P alone, and every field for comparison
        for name, chosen in (("states_P", '["P"]'), ("states_all", '["c", "T", "J", "P", '
                                                           '"S_T_eff", "S_T_eq"]')):
            with open(f"{name}.toml", "w") as f:
                f.write(TWO_STATES.format(fields=chosen))
            p = subprocess.run([*mpi, "-np", "2", exe, "run", f"{name}.toml", "-o", f"{name}.h5",
                                "-q"], capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                failures.append(f"two states, fields = {chosen}: exit {p.returncode}\n{p.stderr}")
        if os.path.exists("states_P.h5") and os.path.exists("states_all.h5"):
            only, every = snapshot_fields("states_P.h5"), snapshot_fields("states_all.h5")
            if not only or any(v != {"P_m"} for v in only.values()):
                failures.append(f"two states, fields = [\"P\"]: {only}")
            if any(not {"P_m", "c_low", "c_high"} <= v for v in every.values()):
                failures.append(f"two states, every field: {every}")
            with h5py.File("states_P.h5", "r") as f, h5py.File("states_all.h5", "r") as g:
                for snap in only:
                    if "P_m" in f["snapshots"][snap] and not np.array_equal(f["snapshots"][snap]["P_m"][...],
                                          g["snapshots"][snap]["P_m"][...]):
                        failures.append(f"two states: P of snapshot {snap} differs")
            print(f"two states, fields = [\"P\"]: {len(only)} snapshot(s) of P_m")
        # a heated cell, whose temperature is solved for: T alone equals T of every field
        with open(EXAMPLE) as f:
            heated = (f.read().replace("cells = 64", "cells = 16").replace("cells = 16\nlength = 5.0",
                                                                          "cells = 4\nlength = 5.0")
                      .replace("t_end = 2000.0", "t_end = 20.0").replace("outputs = 20", "outputs = 2"))
        for name, chosen in (("heated_T", '["T"]'), ("heated_all", '["c", "T", "J"]')):
            with open(f"{name}.toml", "w") as f:
                f.write(heated.replace('file = "heated_cell_transient.h5"', f"fields = {chosen}"))
            p = subprocess.run([*mpi, "-np", "2", exe, "run", f"{name}.toml", "-o", f"{name}.h5",
                                "-q"], capture_output=True, text=True, timeout=120)
            if p.returncode != 0:
                failures.append(f"heated cell, fields = {chosen}: exit {p.returncode}\n{p.stderr}")
        if os.path.exists("heated_T.h5") and os.path.exists("heated_all.h5"):
            only = snapshot_fields("heated_T.h5")
            if not only or any(v != {"T"} for v in only.values()):
                failures.append(f"heated cell, fields = [\"T\"]: {only}")
            with h5py.File("heated_T.h5", "r") as f, h5py.File("heated_all.h5", "r") as g:
                last = sorted(only)[-1]
                T_only, T_all = f["snapshots"][last]["T"][...], g["snapshots"][last]["T"][...]
                if not np.array_equal(T_only, T_all) or np.ptp(T_all) < 0.1:
                    failures.append(f"heated cell: T of snapshot {last} differs from the run "
                                    f"with every field, or is not heated (spread {np.ptp(T_all)})")
            print(f"heated cell, fields = [\"T\"]: {len(only)} snapshot(s) of T")
        # a steady heated cell: the temperature written is the one solved for, the conduction
        # field of the same walls (a prescribed temperature is written before the solve; this
        # one must not be: it would be the uniform initial 1.2)
        for ranks in (1, 2):
            for name, text in (("heat_field", HEAT_FIELD), ("heat_coupled", HEAT_COUPLED)):
                with open(f"{name}.toml", "w") as f:
                    f.write(text)
                p = subprocess.run([*mpi, "-np", str(ranks), exe, "run", f"{name}.toml", "-o",
                                    f"{name}_{ranks}.h5", "-q"], capture_output=True, text=True,
                                   timeout=120)
                if p.returncode != 0:
                    failures.append(f"steady heated cell ({name}, {ranks} rank(s)): exit "
                                    f"{p.returncode}\n{p.stderr}")
            if os.path.exists(f"heat_field_{ranks}.h5") and os.path.exists(f"heat_coupled_{ranks}.h5"):
                with h5py.File(f"heat_field_{ranks}.h5", "r") as f, \
                        h5py.File(f"heat_coupled_{ranks}.h5", "r") as g:
                    T_field = f["snapshots/000000/T"][...]
                    T_solved = g["snapshots/000000/T"][...]
                gap = np.max(np.abs(T_solved - T_field)) / np.max(np.abs(T_field))
                # both solves converge to round-off (||R|| about 1e-13 of the flux terms)
                if not gap < 1e-10:
                    failures.append(f"steady heated cell, {ranks} rank(s): the written T differs "
                                    f"from the conduction field by {gap:.2e} of its largest value")
                print(f"steady heated cell, {ranks} rank(s): written T against the conduction "
                      f"field {gap:.1e}")
        # extending a finished transient with other fields: each snapshot keeps its own, and
        # the sidecar lists them snapshot by snapshot
        p, out = run(exe, mpi, 2, "transient", '[output]\nfields = ["c"]', "extend")
        with open("longer.toml", "w") as f:
            f.write(cell_case("transient", '[output]\nfields = ["T"]')
                    .replace("t_end = 1.0", "t_end = 2.0").replace("outputs = 3", "outputs = 6"))
        q = subprocess.run([*mpi, "-np", "2", exe, "run", "longer.toml", "-o", out, "--restart",
                            out, "-q"], capture_output=True, text=True, timeout=120)
        if p.returncode != 0 or q.returncode != 0:
            failures.append(f"extending: exit {p.returncode}, {q.returncode}\n{p.stderr}{q.stderr}")
        else:
            written, listed = snapshot_fields(out), xdmf_fields("extend.xmf")
            want = {f"{k:06d}": {"c_s"} if k <= 3 else {"T"} for k in range(7)}
            if written != want or listed != want:
                failures.append(f"extending with other fields: the file holds {written}, the "
                                f"sidecar lists {listed}")
            # /config is the configuration of the run that wrote the file last
            with h5py.File(out, "r") as f:
                config = f["config"][()].decode()
            for line in ('fields = ["T"]', "t_end = 2", "outputs = 6"):
                if line not in config:
                    failures.append(f"extending: /config lacks '{line}':\n{config}")
            print(f"extended with other fields: {len(written)} snapshots")
        # an unknown name: an error at the key with the accepted names, and no result file
        p, out = run(exe, mpi, 2, "steady", '[output]\nfields = ["c", "flux"]', "unknown")
        with open("unknown.toml") as f:
            line = 1 + next(i for i, text in enumerate(f) if text.startswith("fields ="))
        want = (f"unknown.toml:{line}: key 'output.fields': unknown value \"flux\"; accepted: \"c\", "
                "\"T\", \"J\", \"P\", \"S_T_eff\", \"S_T_eq\"")
        if p.returncode == 0 or want not in p.stderr:
            failures.append(f"unknown field: exit {p.returncode}, expected '{want}' in:\n"
                            f"{p.stderr}")
        if os.path.exists(out) or os.path.exists(out + ".partial"):
            failures.append("unknown field: a result file was written")
        # the steady report over a drift whose profile leaves the resolved range: the count
        # of cells left out is the same on any number of ranks (it was the largest rank's)
        counts = {}
        for ranks in (1, 2):
            with open("span.toml", "w") as f:
                f.write(SPAN)
            p = subprocess.run([*mpi, "-np", str(ranks), exe, "run", "span.toml", "-o",
                                f"span_{ranks}.h5"], capture_output=True, text=True, timeout=120)
            m = re.search(r"; (\d+) cells below 1e-09 of its largest value left out", p.stdout)
            if p.returncode != 0 or not m:
                failures.append(f"span, {ranks} rank(s): exit {p.returncode}, no count in:\n"
                                f"{p.stdout}{p.stderr}")
                continue
            counts[ranks] = int(m.group(1))
        if len(counts) == 2 and (counts[1] != counts[2] or counts[1] == 0):
            failures.append(f"cells left out of the steady report: {counts} (1 and 2 ranks)")
        print(f"cells left out of the steady report: {counts}")
    return finish(failures)


# a steady 1D cell heated through its walls (conductivity kappa(T) = 2 T^1.5): the
# temperature as a prescribed conduction field, and as a field of the solve ([heat], from a
# uniform 1.2)
HEAT_WALLS = """[{block}.conductivity]
type = "power"
value_ref = 2.0
T_ref = 1.0
exponent = 1.5
[{block}.boundary.xlo]
type = "temperature"
value = 0.8
[{block}.boundary.xhi]
type = "temperature"
value = 2.4"""


def heated_case(temperature):
    """The steady heated cell with the temperature tables @p temperature."""
    return soret_case('[mesh]\ndim = 1\n[mesh.x]\ncells = 30\nlength = 2.0',
                      '[solver]\nmode = "steady"', soret=1.5, temperature=temperature)


HEAT_FIELD = heated_case('[temperature]\ntype = "conduction"\n' +
                         HEAT_WALLS.format(block="temperature"))
HEAT_COUPLED = heated_case('[temperature]\ntype = "uniform"\nT0 = 1.2\n[heat]\n'
                           'heat_capacity = 1.0\n' + HEAT_WALLS.format(block="heat"))


# a closed 2D cell whose zero-flux profile spans e^40 (psi = S_T (T - T0), S_T = 2, Delta T = 20)
SPAN = soret_case("""[mesh]
dim = 2
[mesh.x]
cells = 64
length = 1.0
[mesh.y]
cells = 8
length = 1.0""", '[solver]\nmode = "steady"', gradient=20.0, soret=2.0)


if __name__ == "__main__":
    sys.exit(main())
