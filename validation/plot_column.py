#!/usr/bin/env python3
"""Plot a `thermodrift column` run: sweep table and steady profiles to one PNG.

Panels: (a) core speed against the swept parameter (log-log, fitted exponent), (b) back
stress beside the stall stress of the stall relation and the strength cap, (c) the three parts
of the surface flux along the column (steady state of the base case), (d) history of the base
case (back stress and core speed against time).
usage: plot_column.py TABLE.csv PROFILE.csv OUT.png [TITLE]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np


def read_table(path):
    with open(path) as f:
        lines = [l for l in f if not l.startswith("#")]
    head = lines[0].strip().split(",")
    rows = [l.strip().split(",") for l in lines[1:] if l.strip()]
    return head, rows


def main(table, profile, png, title=""):
    head, rows = read_table(table)
    col = {k: i for i, k in enumerate(head)}
    swept = head[0]
    fig, ax = plt.subplots(2, 2, figsize=(12, 8.5))
    if swept != "case":
        x = np.array([float(r[0]) for r in rows])
        v = np.array([float(r[col["speed_m_per_s"]]) for r in rows])
        sc = np.array([float(r[col["sigma_c_Pa"]]) for r in rows])
        st = np.array([float(r[col["sigma_stall_Pa"]]) for r in rows])
        # an empty field is a case without a strength cap
        sm = np.array([float(r[col["sigma_max_Pa"]] or "nan") for r in rows])
        name = swept.replace("_SI", "")
        scale, unit = (1e9, "nm") if name in ("length", "diameter") else (1.0, "K")
        k = np.polyfit(np.log(x), np.log(v), 1)[0]
        ax[0, 0].loglog(x * scale, v * 1e9, "o-", label=f"model (fitted exponent {k:.3f})")
        if name == "length":
            ax[0, 0].axhspan(19, 78, color="tab:green", alpha=0.15,
                             label="Yang et al. 2026: 19-78 nm/s (Cu, 58-115 nm)")
        ax[0, 0].set_xlabel(f"{name} [{unit}]")
        ax[0, 0].set_ylabel("core speed v [nm/s]")
        ax[0, 0].legend(fontsize=8)
        ax[0, 0].set_title("(a) core speed")
        ax[0, 1].plot(x * scale, sc / 1e6, "o-", label="back stress sigma_c (model)")
        ax[0, 1].plot(x * scale, st / 1e6, "s--", label="stall relation Q ln(T_h/T_i)/Omega")
        if np.all(sm > 0):
            ax[0, 1].plot(x * scale, sm / 1e6, "k:", label="strength cap")
        ax[0, 1].set_xlabel(f"{name} [{unit}]")
        ax[0, 1].set_ylabel("stress [MPa]")
        ax[0, 1].set_yscale("log")
        ax[0, 1].legend(fontsize=8)
        ax[0, 1].set_title("(b) back stress")
    else:
        for a in (ax[0, 0], ax[0, 1]):
            a.text(0.5, 0.5, "no sweep", ha="center", transform=a.transAxes)
    phead, prows = read_table(profile)
    pv = np.array(prows, dtype=float)
    data = {k: pv[:, i] for i, k in enumerate(phead)}
    xf = data["x_face_m"] * 1e9
    for key, lab in (("j_thermal", "thermal  -Q grad ln T"), ("j_stress", "stress  -Omega grad sigma"),
                     ("j_entropic", "entropic  -grad(kB T ln C Omega)"), ("j_total", "total")):
        ax[1, 0].plot(xf, data[key], label=lab, lw=2 if key == "j_total" else 1.2)
    ax[1, 0].axhline(0, color="gray", lw=0.5)
    ax[1, 0].set_xlabel("x from the hot end [nm]")
    ax[1, 0].set_ylabel("flux density [atoms m^-2 s^-1]")
    ax[1, 0].legend(fontsize=8)
    ax[1, 0].set_title("(c) surface flux parts, steady state (base case)")
    hist = []
    with open(profile) as f:
        for l in f:
            if l.startswith("# H,"):
                hist.append([float(t) for t in l[4:].split(",")])
    hist = np.array(hist)
    a = ax[1, 1]
    a.semilogx(hist[:, 0], hist[:, 1] / 1e6, "C0-", label="back stress [MPa]")
    a.set_xlabel("time [s]")
    a.set_ylabel("sigma_c [MPa]", color="C0")
    b = a.twinx()
    b.semilogx(hist[:, 0], hist[:, 2] * 1e9, "C3--", label="core speed [nm/s]")
    b.set_ylabel("v [nm/s]", color="C3")
    a.set_title("(d) approach to the steady circulation (base case)")
    b.legend(fontsize=8, loc="center right")
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(png, dpi=110)


if __name__ == "__main__":
    main(*sys.argv[1:5])
