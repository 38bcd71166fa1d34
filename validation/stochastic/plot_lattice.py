#!/usr/bin/python3
"""Collective (Green-Kubo) and tracer diffusion coefficients against coverage from
`thermodrift lattice` result files, one panel per file; the dotted lines are the exact
single-particle tensor (Bloch matrix), the theta -> 0 limit of both.

usage: plot_lattice.py RESULT.h5 [RESULT.h5 ...] OUT.png
"""
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


files, out = sys.argv[1:-1], sys.argv[-1]
fig, axes = plt.subplots(1, len(files), figsize=(5.2 * len(files), 4.4), squeeze=False)
for ax, path in zip(axes[0], files):
    with h5py.File(path, "r") as f:
        th = f["coverage"][:]
        dc, dce = f["collective"][:], f["collective_sem"][:]
        dt, dte = f["tracer"][:], f["tracer_sem"][:]
        d0 = f["single_particle"][:]
        unit = text(f["collective"].attrs["units"])
        cfg = text(f["config"][()])
        T = f.attrs["temperature"]
    lattice = next((l.split("=")[1].split("#")[0].strip().strip('"')
                    for l in cfg.splitlines() if l.startswith("lattice_file")), path)
    for k, (lab, col) in enumerate((("xx", "C0"), ("yy", "C3"))):
        ax.errorbar(th, dc[:, k, k], yerr=dce[:, k, k], fmt="o-", color=col, ms=4, capsize=2,
                    label=f"collective D_c,{lab}")
        ax.errorbar(th, dt[:, k, k], yerr=dte[:, k, k], fmt="s--", color=col, ms=4, mfc="none",
                    capsize=2, label=f"tracer D*_{lab}")
        ax.axhline(d0[k, k], color=col, ls=":", lw=1, label=f"single particle D_{lab} (exact)")
    ax.set_xlabel("coverage theta")
    ax.set_ylabel(f"D [{unit}]")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, None)
    ax.set_title(f"{os.path.basename(lattice)}, T = {T:g}  (bars: 1 s.e.)", fontsize=10)
    ax.legend(fontsize=7)
fig.tight_layout()
fig.savefig(out, dpi=120)
