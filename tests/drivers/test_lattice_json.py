#!/usr/bin/env python3
"""`thermodrift lattice --json` (docs/stochastic.md, "thermodrift lattice"): stdout is one JSON
document and nothing else; with `method = "both"` every coverage carries the variational bound
and the KMC tensor; the bound lies above the KMC value within the KMC error and within a few
per cent of it (two-sublattice square of examples/lattice at theta 0.2, 0.5, 0.8); the HDF5
file holds the datasets of both methods with units attributes; `--method` overrides the input
and is recorded in the resolved configuration.
usage: test_lattice_json.py THERMODRIFT SOURCE_DIR
"""
import json
import math
import os
import sys
import tempfile

import h5py

import cli_checks
from cli_checks import check, failures

TD = os.path.abspath(sys.argv[1])
SRC = os.path.abspath(sys.argv[2])
# About 3 x 3 x 2 one-sided comparisons: 4 standard errors keep false alarms below 1e-3.
SIGMAS = 4.0
# "Within a few per cent": the largest gap between bound and KMC beyond statistics, as in
# tests/crosscheck/test_lattice_variational_vs_kmc.cpp.
GAP = 0.03

CASE = """[units]
system = "LJ"
lj = "copper"
[lattice_gas]
lattice_file = "{lattice}"
temperature = 0.5
coverages = [0.2, 0.5, 0.8]
method = "both"
cells = [8, 8]
replicas = 96
seed = 3
t_burn = 100.0
t_end = 2400.0
blocks = 40
[output]
file = "from_input.h5"
"""


def run(args, cwd):
    return cli_checks.run(TD, args, cwd, timeout=600)


with tempfile.TemporaryDirectory() as tmp:
    lattice = os.path.join(SRC, "examples/lattice/two_sublattice_square.toml")
    with open(os.path.join(tmp, "case.toml"), "w") as f:
        f.write(CASE.format(lattice=lattice))

    status, out, err = run(["lattice", "case.toml", "--json", "-o", "both.h5"], tmp)
    check(status == 0, f"method both exits 0 (status {status}: {err[-2000:]})")
    try:
        doc = json.loads(out)  # the whole of stdout: nothing else may be printed
    except json.JSONDecodeError as e:
        doc = None
        check(False, f"stdout is one JSON document ({e}): {out[:500]!r}")
    if doc is not None:
        check(doc["method"] == "both", "method recorded as both")
        rows = doc["coverages"]
        check([r["theta"] for r in rows] == [0.2, 0.5, 0.8], "one entry per coverage")
        for r in rows:
            th = r["theta"]
            check("variational" in r and "kmc" in r, f"theta {th}: both methods present")
            if "variational" not in r or "kmc" not in r:
                continue
            var = r["variational"]["collective"]
            kmc, sem = r["kmc"]["collective"], r["kmc"]["collective_sem"]
            f = r["kmc"]["canonical_factor"]
            check(1.0 <= f < 1.05, f"theta {th}: canonical factor {f:.4f} in [1, 1.05)")
            gk = r["kmc"]["green_kubo"]
            for i, name in ((0, "xx"), (1, "yy")):
                v, k, e = var[i][i], kmc[i][i], sem[i][i]
                check(e > 0 and math.isfinite(v) and v > 0, f"theta {th} {name}: finite values")
                check(abs(gk[i][i] / f - k) <= 1e-12 * abs(k),
                      f"theta {th} {name}: kmc collective = Green-Kubo / canonical factor")
                check(v >= k - SIGMAS * e,
                      f"theta {th} D_{name}: bound {v:.5g} >= KMC {k:.5g} - {SIGMAS} x {e:.2g}")
                check(v - k <= GAP * v + SIGMAS * e,
                      f"theta {th} D_{name}: bound {v:.5g} within {GAP:.0%} + {SIGMAS} s.e. of "
                      f"KMC {k:.5g}")
                ratio = r["ratio_variational_kmc"][name]
                check(abs(ratio - v / k) <= 1e-12 * ratio, f"theta {th} {name}: ratio {ratio:.4f}")
            check(abs(var[0][1]) <= 1e-9 * var[0][0], f"theta {th}: variational D_xy = 0")
            check(abs(kmc[0][1]) <= SIGMAS * sem[0][1] + 1e-12,
                  f"theta {th}: KMC D_xy = {kmc[0][1]:.3g} +- {sem[0][1]:.2g} vanishes")

    h5 = os.path.join(tmp, "both.h5")
    check(os.path.exists(h5), "-o both.h5 written")
    if os.path.exists(h5):
        with h5py.File(h5, "r") as f:
            for name, shape, unit in (("coverage", (3,), "1"),
                                      ("variational_collective", (3, 2, 2), None),
                                      ("variational_chi", (3,), "1"),
                                      ("collective", (3, 2, 2), None),
                                      ("collective_sem", (3, 2, 2), None),
                                      ("canonical_factor", (3,), "1"),
                                      ("single_particle", (2, 2), None)):
                ok = name in f and f[name].shape == shape and "units" in f[name].attrs
                check(ok, f"HDF5 dataset {name} {shape} with units")
                if ok and unit is not None:
                    check(f[name].attrs["units"] in (unit, unit.encode()), f"{name} units {unit}")
            if doc is not None and "variational_collective" in f:
                check(abs(f["variational_collective"][1, 0, 0] -
                          doc["coverages"][1]["variational"]["collective"][0][0]) <= 1e-14,
                      "HDF5 and JSON hold the same bound")

    # --method overrides the input; the variational run reads no KMC and writes no KMC data
    status, out, err = run(["lattice", "case.toml", "--json", "--method", "variational",
                            "-o", "var.h5"], tmp)
    check(status == 0, f"--method variational exits 0 ({err[-2000:]})")
    doc = json.loads(out) if status == 0 else None
    if doc is not None:
        check(doc["method"] == "variational", "--method variational recorded")
        check(all("variational" in r and "kmc" not in r for r in doc["coverages"]),
              "variational only")
        with h5py.File(os.path.join(tmp, "var.h5"), "r") as f:
            check("variational_collective" in f and "collective" not in f,
                  "variational run writes no KMC datasets")
            cfg = f["config"][()]
            cfg = cfg.decode() if isinstance(cfg, bytes) else str(cfg)
            check('method = "variational"' in cfg, "resolved config records the override")
    status, out, err = run(["lattice", "case.toml", "--method", "exact"], tmp)
    check(status != 0 and "exact" in err, "--method exact is refused")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("all passed")
