#!/usr/bin/python3
"""Steady histograms of `thermodrift bd` (HDF5) against the zero-flux prediction
p ~ D(T(x))^-alpha written with them (Ito alpha = 1: p ~ 1/D; anti-Ito alpha = 0: flat).

usage: plot_bd.py RESULT.h5 [RESULT.h5 ...] OUT.png
"""
import sys

import h5py
import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


NAMES = {1.0: "Ito", 0.0: "anti-Ito (Haenggi-Klimontovich)", 0.5: "Stratonovich"}
files, out = sys.argv[1:-1], sys.argv[-1]
fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True,
                              gridspec_kw={"height_ratios": [3, 1.3]})
for k, path in enumerate(files):
    with h5py.File(path, "r") as f:
        e = f["edges"][:]
        p, pe = f["density"][:], f["density_sem"][:]
        p0 = f["zero_flux_density"][:]
        lu = text(f["edges"].attrs["units"])
        cfg = text(f["config"][()])
    alpha = next(float(l.split("=")[1].split("#")[0]) for l in cfg.splitlines()
                 if l.startswith("alpha"))
    x = 0.5 * (e[1:] + e[:-1])
    col = f"C{k}"
    name = NAMES.get(alpha, f"alpha = {alpha:g}")
    ax.errorbar(x, p, yerr=pe, fmt="o", ms=4, color=col, capsize=2,
                label=f"BD histogram, {name} (bars: 1 s.e.)")
    ax.step(e, np.append(p0, p0[-1]), where="post", color=col, lw=1.2,
            label={1.0: "p ~ 1/D", 0.0: "p flat"}.get(alpha, f"p ~ D^-{alpha:g}")
            + " (zero flux, bin averages)")
    ax2.plot(x, (p - p0) / pe, "o-", ms=3, color=col, label=name)
ax.set_ylabel(f"p(x) [1/{lu}]")
ax.set_title("Brownian particles in D(T(x)): steady histograms vs zero-flux states")
ax.legend(fontsize=8)
ax2.axhspan(-5, 5, color="0.9")
ax2.axhline(0, color="k", lw=0.6)
ax2.set_ylim(-6, 6)
ax2.set_xlabel(f"x [{lu}]")
ax2.set_ylabel("deviation / s.e.")
ax2.legend(fontsize=8, loc="lower right")
fig.tight_layout()
fig.savefig(out, dpi=120)
