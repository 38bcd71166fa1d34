#!/usr/bin/env python3
"""Plot the last snapshot of a thermodrift result file (HDF5) to PNG.

1D: concentration(s) and temperature against x. 2D/3D: a colour map of the first species
(mid-plane in 3D) and its x-profile along the centre line, with ln c against T, which is a
straight line of slope -S_T for a constant Soret coefficient.
usage: plot_case.py RESULT.h5 OUT.png
"""
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def centres(nodes):
    return 0.5 * (nodes[1:] + nodes[:-1])


def main(path, png):
    with h5py.File(path, "r") as f:
        snaps = sorted(f["snapshots"].keys())
        last = f["snapshots"][snaps[-1]]
        time = last.attrs.get("time", 0.0)
        x = np.asarray(f["mesh/x"])
        dims = [k for k in ("x", "y", "z") if k in f["mesh"]]
        species = sorted(k[2:] for k in last.keys() if k.startswith("c_"))
        if not species or "T" not in last:
            sys.exit(f"plot_case.py: {path}: snapshot {snaps[-1]} holds {sorted(last.keys())}; "
                     "the plot needs the concentrations and T (the run's [output] fields "
                     "must name \"c\" and \"T\")")
        c = {s: np.asarray(last["c_" + s]) for s in species}
        units = {s: last["c_" + s].attrs.get("units", "") for s in species}
        T = np.asarray(last["T"])
        tunit_time = f["timeseries/time"].attrs.get("units", "") if "timeseries/time" in f else ""
        steady = "mode = \"steady\"" in (f["config"][()].decode() if isinstance(f["config"][()], bytes) else str(f["config"][()]))
        lunit = f["mesh/x"].attrs.get("units", "")
        tunit = last["T"].attrs.get("units", "")
    if isinstance(lunit, bytes):
        lunit = lunit.decode()
    if isinstance(tunit, bytes):
        tunit = tunit.decode()
    if isinstance(tunit_time, bytes):
        tunit_time = tunit_time.decode()
    units = {s: (u.decode() if isinstance(u, bytes) else u) for s, u in units.items()}
    xc = centres(x)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    s0 = species[0]
    if len(dims) == 1:
        for s in species:
            axes[0].plot(xc, c[s], label=s)
        axes[0].set_xlabel(f"x [{lunit}]")
        axes[0].set_ylabel(f"concentration [{units[s0]}]")
        axes[0].legend()
        prof, Tprof = c[s0], T
    else:
        field = c[s0]
        Tf = T
        if field.ndim == 3:
            field, Tf = field[field.shape[0] // 2], T[T.shape[0] // 2]
        y = np.asarray(h5py.File(path, "r")["mesh/y"])
        im = axes[0].pcolormesh(x, y, field, shading="flat")
        fig.colorbar(im, ax=axes[0], label=f"c_{s0} [{units[s0]}]")
        axes[0].set_xlabel(f"x [{lunit}]")
        axes[0].set_ylabel(f"y [{lunit}]")
        axes[0].set_aspect("equal")
        prof, Tprof = field[field.shape[0] // 2], Tf[Tf.shape[0] // 2]
    ok = prof > 0
    axes[1].plot(Tprof[ok], np.log(prof[ok]), "o", ms=3, label="solver (cell centres)")
    if ok.sum() > 1:
        slope, icpt = np.polyfit(Tprof[ok], np.log(prof[ok]), 1)
        axes[1].plot(Tprof[ok], slope * Tprof[ok] + icpt, "-", lw=1,
                     label=f"fit: d ln c/dT = {slope:.6g} 1/({tunit})" if "/" in tunit else f"fit: d ln c/dT = {slope:.6g} 1/{tunit}")
    axes[1].set_xlabel(f"T [{tunit}]")
    axes[1].set_ylabel(f"ln(c_{s0} / ({units[s0]}))")
    axes[1].legend()
    title = "steady state" if steady else f"t = {time:g} {tunit_time}"
    fig.suptitle(f"{path}  ({title})")
    fig.tight_layout()
    tmp = png + ".tmp.png"
    fig.savefig(tmp, dpi=110)
    import os
    os.replace(tmp, png)
    print(f"wrote {png}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
