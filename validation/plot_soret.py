#!/usr/bin/env python3
"""Plot a `thermodrift soret -o scan.json` result: S_T(T), its Einstein split, sign changes.

    /usr/bin/python3 validation/plot_soret.py scan.json out.png
"""
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src, dst):
    scan = json.load(open(src))
    T = [r["T"] for r in scan["table"]]
    tu = scan.get("temperature_unit", "")
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    ax.plot(T, [r["S_T"] for r in scan["table"]], "-", lw=2, label=r"$S_T = \partial_T \ln\langle D\rangle_{eq}$")
    ax.plot(T, [r["S_T_0"] for r in scan["table"]], ":", label=r"$S_T^0 = \langle D'\rangle/\langle D\rangle$")
    ax.plot(T, [r["S_T_ch"] for r in scan["table"]], "--", label=r"$S_T^{ch}$ = Cov(H, D)/($\langle D\rangle k_B T^2$)")
    for t0 in scan["sign_changes"]:
        ax.axvline(t0, color="k", lw=0.8)
        ax.annotate(f"S_T = 0 at T = {t0:.4g}", (t0, 0), xytext=(5, 10), textcoords="offset points",
                    fontsize=8)
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel(f"T [{tu}]")
    ax.set_ylabel(f"Soret coefficient [1/({tu})]")
    ax.set_title("Local-equilibrium Soret coefficient of " + ", ".join(scan["states"]))
    ax.legend(fontsize=8)
    fig.tight_layout()
    # the image appears whole or not at all: written beside it, then renamed
    fig.savefig(dst + ".partial", dpi=120, format="png")
    os.replace(dst + ".partial", dst)
    print("wrote", dst)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
