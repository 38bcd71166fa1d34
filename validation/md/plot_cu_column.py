#!/usr/bin/python3
"""Plot a `thermodrift md` cu_column run: the back stress against time (MPa vs ps, the
production window and its mean +- standard error marked), the temperature profile along z
(K vs nm, the column's span marked) and the interfacial Cu density against the distance from
the column axis (atoms/nm^2 vs nm), into one PNG; print the figures it shows.

usage: plot_cu_column.py PREFIX OUT.png
"""
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read(path):
    """('#' header lines, data array) of a table written by the cu_column set-up."""
    with open(path) as f:
        lines = f.read().splitlines()
    header = [l for l in lines if l.startswith("#")]
    data = np.loadtxt([l for l in lines if l.strip() and not l.startswith("#")], ndmin=2)
    return header, data


def number_after(header, pattern):
    """The float numbers matched by the groups of @p pattern in the header lines."""
    for h in header:
        m = re.search(pattern, h)
        if m:
            return [float(g) for g in m.groups()]
    raise ValueError(f"no '{pattern}' in the header")


def main():
    prefix, png = sys.argv[1], sys.argv[2]
    hb, bs = read(prefix + "backstress.dat")
    ht, tp = read(prefix + "temperature.dat")
    hd, den = read(prefix + "interface_density.dat")
    mean, err = number_after(hb, r"production mean: (\S+) \+- (\S+) MPa")
    (t_prod,) = number_after(hb, r"production t > (\S+) ps")
    z0, z1 = number_after(ht, r"column from z = (\S+) to (\S+) nm")
    hot, cold = number_after(ht, r"inside it: (\S+) K / (\S+) K")

    fig, ax = plt.subplots(1, 3, figsize=(15, 4.2))
    ax[0].plot(bs[:, 0], bs[:, 1], lw=0.8, color="C0", label="row means")
    ax[0].axvspan(t_prod, bs[-1, 0], color="0.9", label="production")
    ax[0].axhline(mean, color="C3", label=f"production mean {mean:.0f} ± {err:.0f} MPa")
    ax[0].axhline(50.0, color="k", ls="--", lw=0.8, label="Yang et al. (2026): ~50 MPa")
    ax[0].set_xlabel("time since the gradient was switched on (ps)")
    ax[0].set_ylabel("back stress on the cold wall (MPa, compressive > 0)")
    ax[0].legend(fontsize=8)

    full = tp[:, 2] > 0
    ax[1].plot(tp[full, 0], tp[full, 1], "o-", ms=3)
    ax[1].axvspan(z0, z1, color="0.9", label="column")
    ax[1].set_xlabel("z (nm)")
    ax[1].set_ylabel("temperature (K)")
    ax[1].legend(fontsize=8)

    ax[2].bar(den[:, 0], den[:, 1], width=0.9 * (den[1, 0] - den[0, 0]) if len(den) > 1 else 0.1)
    ax[2].set_xlabel("distance from the column axis r (nm)")
    ax[2].set_ylabel("Cu atoms in the interfacial layer (nm$^{-2}$)")
    fig.tight_layout()
    fig.savefig(png, dpi=110)
    print(f"back stress (production) {mean:.4g} +- {err:.2g} MPa; column T {hot:.5g} K (hot "
          f"end) to {cold:.5g} K (cold end), over {z1 - z0:.3g} nm: "
          f"{(hot - cold) / (z1 - z0) * 1e9:.3g} K/m; wrote {png}")


if __name__ == "__main__":
    main()
