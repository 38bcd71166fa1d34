#!/usr/bin/python3
"""Mean adatom trajectory of `thermodrift kmc` (HDF5) against the integrated drift laws.

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
    law = f["drift_law_x"][:]
    part = f["particle_law_x"][:]
    traj = f["trajectories"][:]
    tu = f["time"].attrs["units"]
    lu = f["mean_position"].attrs["units"]
tu = tu.decode() if isinstance(tu, bytes) else tu
lu = lu.decode() if isinstance(lu, bytes) else lu

fig, ax = plt.subplots(figsize=(7, 4.5))
for k in range(min(5, traj.shape[0])):
    ax.plot(t, traj[k, :, 0], color="0.8", lw=0.8, label="single walkers" if k == 0 else None)
ax.errorbar(t, x, yerr=5 * e, fmt="o", ms=3, color="C0", label="KMC mean (bars: 5 s.e.)")
ax.plot(t, law, "C3--", label="seed law V (flux drift)")
ax.plot(t, part, "C2-", label="particle law V + dD/dx")
ax.set_xlabel(f"t [{tu}]")
ax.set_ylabel(f"x [{lu}]")
ax.set_title("Adatom thermomigration: KMC vs first-order drift laws")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=120)
