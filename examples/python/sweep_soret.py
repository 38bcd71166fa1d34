#!/usr/bin/env python3
"""Sweep the temperature difference across the Soret cell of examples/soret_cell_2d.toml with
the thermodrift Python module and plot the steady solute profiles and the cold/hot
concentration ratio against the no-flux law c_cold/c_hot = exp(S_T (T_hot - T_cold))
(docs/theory.md#flux).

    PYTHONPATH=build/python python3 examples/python/sweep_soret.py --out sweep
writes sweep/soret_sweep.png (and one result file per temperature difference).
"""
import argparse
import copy
import os
import tomllib

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import thermodrift  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CASE = os.path.join(HERE, "..", "soret_cell_2d.toml")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default="soret_sweep", help="directory for the PNG and results")
    ap.add_argument("--quick", action="store_true", help="fewer runs on a coarser mesh")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    with open(CASE, "rb") as f:
        base = tomllib.load(f)
    base["mesh"]["x"]["cells"] = 32 if args.quick else 96
    base["mesh"]["y"]["cells"] = 4
    S_T = base["species"][0]["soret"]["value"]
    deltas = np.linspace(5.0, 60.0, 4 if args.quick else 12)  # K across the 1 mm cell

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    ratios, expected = [], []
    colours = plt.cm.viridis(np.linspace(0.0, 0.9, len(deltas)))
    for dT, colour in zip(deltas, colours):
        case = copy.deepcopy(base)
        case["temperature"]["gradient"] = [f"{dT} K/mm", 0.0, 0.0]
        case["output"]["file"] = os.path.join(args.out, f"dT_{dT:g}K.h5")
        r = thermodrift.run(case)
        c = r.fields["c_solute"][0]   # one row along x (the field is uniform in y)
        T = r.fields["T"][0]
        x = r.centres["x"]
        assert r.units["length"] == "m" and r.units["T"] == "K"
        ax1.plot(x * 1e3, c, color=colour, label=f"ΔT = {dT:.3g} K")
        ratios.append(c[0] / c[-1])
        expected.append(np.exp(S_T * (T[-1] - T[0])))
        print(f"dT = {dT:5.1f} K: c_cold/c_hot = {ratios[-1]:.6f} "
              f"(law {expected[-1]:.6f}), {r.stats['newton_iterations']} Newton iterations")
    ax1.set_xlabel("x (mm)")
    ax1.set_ylabel(f"solute concentration c ({r.units['c_solute']})")
    ax1.set_title("steady profiles, S_T = %g 1/K" % S_T)
    ax1.legend(fontsize=7, ncol=2)
    ax2.plot(deltas, ratios, "o", label="thermodrift (cell centres)")
    ax2.plot(deltas, expected, "-", label="exp(S_T (T_hot - T_cold))")
    ax2.set_xlabel("temperature difference ΔT across the cell (K)")
    ax2.set_ylabel("c_cold / c_hot (1)")
    ax2.set_yscale("log")
    ax2.legend()
    fig.tight_layout()
    png = os.path.join(args.out, "soret_sweep.png")
    fig.savefig(png, dpi=120)
    if not os.path.isfile(png):
        raise SystemExit(f"plot {png} was not written")
    print(f"wrote {png}")


if __name__ == "__main__":
    main()
