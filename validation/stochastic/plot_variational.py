#!/usr/bin/python3
"""Collective diffusion tensor of the example lattices against coverage: the variational bound
with and without correlational phases, and the KMC points (canonical bias removed), from the
CSV of build/bench/bench_variational (docs/stochastic.md).

Usage: plot_variational.py variational.csv OUT.png

Units: lattice lengths in sigma, rates in nu = 1/tau (LJ units of the examples), T = 0.5
epsilon/kB; D in sigma^2/tau.
"""
import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

TITLES = {"two_sublattice_square": "two-sublattice square", "honeycomb": "honeycomb"}
COMPONENTS = [("Dxx", "Dxx_sem", r"$D_{c,xx}$"), ("Dyy", "Dyy_sem", r"$D_{c,yy}$")]


def load(path):
    """rows[lattice][kind] -> dict of column -> numpy array, sorted by coverage"""
    raw = defaultdict(lambda: defaultdict(list))
    with open(path) as f:
        for r in csv.DictReader(f):
            raw[r["lattice"]][r["kind"]].append(r)
    rows = {}
    for lat, kinds in raw.items():
        rows[lat] = {}
        for kind, rs in kinds.items():
            rs.sort(key=lambda r: float(r["theta"]))
            rows[lat][kind] = {k: np.array([float(r[k]) for r in rs])
                               for k in rs[0] if k not in ("lattice", "kind")}
    return rows


def main(csv_path, out):
    rows = load(csv_path)
    lattices = [l for l in TITLES if l in rows]
    fig, axes = plt.subplots(len(lattices), 3, figsize=(14, 4.2 * len(lattices)), squeeze=False)
    for i, lat in enumerate(lattices):
        data = rows[lat]
        var, geo = data["variational"], data["geometric"]
        kmc = data.get("kmc")
        for j, (col, sem, label) in enumerate(COMPONENTS):
            ax = axes[i][j]
            ax.plot(var["theta"], var[col], "C0-", label="variational, correlational phases")
            ax.plot(geo["theta"], geo[col], "C1--", label="geometrical phases only")
            if "single_particle" in data:
                ax.plot([0], data["single_particle"][col], "ks", ms=6,
                        label="single particle (Bloch matrix)")
            if kmc is not None:
                ax.errorbar(kmc["theta"], kmc[col], yerr=kmc[sem], fmt="C3o", ms=4, capsize=3,
                            label="KMC, 8x8 cells, $\\pm$1 s.e.")
            ax.set_xlabel(r"coverage $\theta$")
            ax.set_ylabel(label + r" ($\sigma^2/\tau$)")
            ax.set_title(f"{TITLES[lat]}: {label}, T = 0.5 $\\epsilon/k_B$")
            ax.set_xlim(0, 1)
            ax.grid(alpha=0.3)
            if i == 0 and j == 0:
                ax.legend(fontsize=8, loc="best")
        ax = axes[i][2]
        if kmc is not None:
            for k, (col, sem, label) in enumerate(COMPONENTS):
                bound = np.interp(kmc["theta"], var["theta"], var[col])
                ax.errorbar(kmc["theta"] + 0.01 * (k - 0.5), (kmc[col] - bound) / bound * 100,
                            yerr=kmc[sem] / bound * 100, fmt="o", color=f"C{k + 2}", capsize=3,
                            label=label)
            ax.axhline(0, color="k", lw=0.8)
            ax.legend(fontsize=8)
        geo_gap = [(np.interp(var["theta"], geo["theta"], geo[c]) - var[c]) / var[c] * 100
                   for c, _, _ in COMPONENTS]
        ax.plot(var["theta"], geo_gap[0], "C1--", lw=1, label="geometrical - bound, xx")
        ax.plot(var["theta"], geo_gap[1], "C1:", lw=1, label="geometrical - bound, yy")
        ax.legend(fontsize=8)
        ax.set_xlabel(r"coverage $\theta$")
        ax.set_ylabel("difference from the bound (%)")
        ax.set_title(f"{TITLES[lat]}: (KMC - bound)/bound")
        ax.set_xlim(0, 1)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=120)
    print(f"wrote {out}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
