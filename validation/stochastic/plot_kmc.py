#!/usr/bin/python3
"""Mean adatom trajectory of `thermodrift kmc` (HDF5) against the finite-volume Fokker-Planck
transient (when the file has it) and the integrated drift laws; lower panel: deviations in
standard errors of the KMC mean.

usage: plot_kmc.py RESULT.h5 OUT.png
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

with h5py.File(sys.argv[1], "r") as f:
    t = f["time"][:]
    x = f["mean_position"][:, 0]
    e = f["mean_position_sem"][:, 0]
    # absent for rate models without Q and E_m (phi_table)
    law = f["drift_law_x"][:] if "drift_law_x" in f else None
    part = f["particle_law_x"][:] if "particle_law_x" in f else None
    fp = f["fokker_planck_x"][:] if "fokker_planck_x" in f else None
    traj = f["trajectories"][:]
    tu = f["time"].attrs["units"]
    lu = f["mean_position"].attrs["units"]
tu = tu.decode() if isinstance(tu, bytes) else tu
lu = lu.decode() if isinstance(lu, bytes) else lu

fig, (ax, ax2) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True,
                              gridspec_kw={"height_ratios": [3, 1.3]})
for k in range(min(5, traj.shape[0])):
    ax.plot(t, traj[k, :, 0], color="0.8", lw=0.8, label="single walkers" if k == 0 else None)
ax.fill_between(t, x - e, x + e, color="C0", alpha=0.35, lw=0)
ax.plot(t, x, "o", ms=3, color="C0", label="KMC mean (band: +/- 1 s.e.)")
if fp is not None:
    ax.plot(t, fp, "k-", lw=1.2, label="Fokker-Planck, finite volume")
if law is not None:
    ax.plot(t, law, "C3--", label="Roux-Combe drift law V (flux drift)")
    ax.plot(t, part, "C2-.", label="particle law V + dD/dx")
ax.set_ylabel(f"<x> [{lu}]")
ax.set_title("Adatom thermomigration: KMC mean vs Fokker-Planck and drift laws")
ax.legend(fontsize=8)
ref = fp if fp is not None else part
good = e > 0
ax2.axhspan(-5, 5, color="0.9")
if ref is not None:
    ax2.plot(t[good], (x[good] - ref[good]) / e[good], "o-", ms=3, color="C0",
             label="(KMC - FP)/s.e." if fp is not None else "(KMC - particle law)/s.e.")
    ax2.legend(fontsize=8, loc="lower right")
ax2.axhline(0, color="k", lw=0.6)
ax2.set_ylim(-6, 6)
ax2.set_xlabel(f"t [{tu}]")
ax2.set_ylabel("deviation / s.e.")
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=120)
