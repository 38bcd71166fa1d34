"""Plot the MD -> fit -> continuum pipeline: (left) ln c against T between the slabs with the
fitted line; (right) the MD solute profile and the continuum solution with the fitted D(T),
S_T. Reads out/fit_report.json, out/ehex_*.chunk, out/continuum.h5; writes out/pipeline.png."""
import json
import h5py
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def chunk_average(path, skip=1):
    blocks, cur, n = [], None, 0
    for line in open(path):
        if line.startswith("#"):
            continue
        v = line.split()
        if n == 0:
            n, cur = int(v[1]), []
            continue
        cur.append([float(x) for x in v])
        n -= 1
        if n == 0:
            blocks.append(cur)
    return np.mean(np.array(blocks[skip:]), axis=0)


rep = json.load(open("out/fit_report.json"))[0]
fig, ax = plt.subplots(1, 2, figsize=(10, 4))
ax[0].plot(rep["x"], rep["y"], "o", label="MD bins between slabs")
ax[0].plot(rep["curve_x"], rep["curve_y"], "-",
           label=f"fit: S_T = {rep['values'][1]:.2f} +- {rep['se'][1]:.2f} kB/eps")
ax[0].set_xlabel("T (eps/kB)")
ax[0].set_ylabel("ln c")
ax[0].legend()
c = chunk_average("out/ehex_solute.chunk")
f = h5py.File("out/continuum.h5", "r")
last = sorted(f["snapshots"].keys())[-1]
xf = f["mesh/x"][...]
x = 0.5 * (xf[1:] + xf[:-1])  # cell centres from faces
cc = f[f"snapshots/{last}/c_solute"][...]
ax[1].plot(c[:, 1], c[:, 3], "o", label="MD solute density")
ax[1].plot(x, cc, "-", label="continuum, fitted D(T), S_T")
for lo, hi, col in ((10.5, 14.5, "b"), (35.5, 39.5, "r")):
    ax[1].axvspan(lo, hi, color=col, alpha=0.15)
ax[1].set_xlabel("z (sigma)")
ax[1].set_ylabel("c (sigma^-3)")
ax[1].legend()
fig.tight_layout()
fig.savefig("out/pipeline.png", dpi=100)
print("wrote out/pipeline.png")
