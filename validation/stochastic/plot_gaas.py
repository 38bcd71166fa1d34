#!/usr/bin/python3
"""Collective diffusion of Ga adatoms on GaAs(001)-c(4x4) and -(2x4) against coverage:
D_xx and D_yy (cm^2/s, log scale) by the variational bound (lines) and the canonical KMC
(points, 1 s.e. bars, canonical bias removed), and the anisotropy D_yy/D_xx.

Inputs are `thermodrift lattice` result files (examples/lattice/gaas001_*): per reconstruction
one variational scan and any number of KMC runs (method "both" or "kmc").

usage: plot_gaas.py --c4x4 SCAN.h5 [KMC.h5 ...] --2x4 SCAN.h5 [KMC.h5 ...] -o OUT.png
"""
import argparse
import os

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

CM2_PER_M2 = 1e4


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def m2_per_s(dataset):
    """Values of a diffusivity dataset in m^2/s (the SI cases write m^2/s)."""
    unit = text(dataset.attrs["units"])
    if unit != "m^2/s":
        raise SystemExit(f"{dataset.file.filename}:{dataset.name}: expected m^2/s, got {unit}")
    return dataset[:]


def read_scan(path):
    with h5py.File(path, "r") as f:
        return f["coverage"][:], m2_per_s(f["variational_collective"]) * CM2_PER_M2, \
            f.attrs["temperature"]


def read_kmc(paths):
    th, d, e = [], [], []
    for path in paths:
        with h5py.File(path, "r") as f:
            factor = f["canonical_factor"][:][:, None, None]
            th.append(f["coverage"][:])
            d.append(m2_per_s(f["collective"]) / factor * CM2_PER_M2)
            e.append(m2_per_s(f["collective_sem"]) / factor * CM2_PER_M2)
    if not th:
        return None
    return np.concatenate(th), np.concatenate(d), np.concatenate(e)


ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
ap.add_argument("--c4x4", nargs="+", required=True, metavar="H5")
ap.add_argument("--2x4", dest="two_by_four", nargs="+", required=True, metavar="H5")
ap.add_argument("-o", "--output", required=True)
args = ap.parse_args()

fig, axes = plt.subplots(2, 2, figsize=(11, 8.4), sharex=True)
for col, (name, files) in enumerate((("GaAs(001)-c(4x4)", args.c4x4),
                                     ("GaAs(001)-(2x4)", args.two_by_four))):
    th, dv, T = read_scan(files[0])
    kmc = read_kmc(files[1:])
    ax, ar = axes[0, col], axes[1, col]
    for k, (lab, c) in enumerate((("xx", "C0"), ("yy", "C3"))):
        ax.semilogy(th, dv[:, k, k], "-", color=c, label=f"D_{lab} variational bound")
        if kmc is not None:
            ax.errorbar(kmc[0], kmc[1][:, k, k], yerr=kmc[2][:, k, k], fmt="o", color=c, ms=4,
                        capsize=2, label=f"D_{lab} KMC")
    ar.semilogy(th, dv[:, 1, 1] / dv[:, 0, 0], "-", color="k", label="variational bound")
    if kmc is not None:
        r = kmc[1][:, 1, 1] / kmc[1][:, 0, 0]
        rel = np.hypot(kmc[2][:, 1, 1] / kmc[1][:, 1, 1], kmc[2][:, 0, 0] / kmc[1][:, 0, 0])
        ar.errorbar(kmc[0], r, yerr=r * rel, fmt="o", color="k", ms=4, capsize=2, label="KMC")
    ar.axhline(1.0, color="0.6", lw=0.8, ls=":")
    ax.set_title(f"{name}, T = {T:g} K  (bars: 1 s.e.)", fontsize=10)
    ax.set_ylabel("collective D_c [cm^2/s]")
    ar.set_ylabel("anisotropy D_yy / D_xx [-]")
    ar.set_xlabel("coverage theta [particles per site]")
    ar.set_xlim(0, 1)
    ax.legend(fontsize=8)
    ar.legend(fontsize=8)
    for a in (ax, ar):
        a.grid(True, which="major", lw=0.4, alpha=0.5)
fig.tight_layout()
tmp = args.output + ".tmp.png"
fig.savefig(tmp, dpi=120)
os.replace(tmp, args.output)
print(f"wrote {args.output}")
