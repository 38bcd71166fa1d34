#!/usr/bin/python3
"""Solvation free energy G(T) of LJ solutes (epsilon 0.5, 1.0, 1.5; sigma 1) in the LJ solvent
by the two routes of `thermodrift md` type "solvation_free_energy" (Widom insertion and
thermodynamic integration), then the Eastman Soret coefficient S_T = (dG/dT)/(k_B T) at T* = 1
from `thermodrift fit` type "soret_models" reading the parameter file the md run wrote
(docs/theory.md#equilibrium-soret). Araujo-Rocha et al. measured S_T for the epsilon 0.5 and
1.5 solutes by non-equilibrium MD; their values are printed beside.

usage: solvation_free_energy.py [THERMODRIFT] [--eps E ...] [--temperatures T ...]
                                [--pressure P] [--box L] [--n-solvent N] [--out DIR] [--reuse]

--reuse takes the MD results already in DIR (the fits and the figure are redone).

Writes DIR/solvation_free_energy.png (G(T) by both routes with error bars and the fitted
lines) and DIR/solvation_free_energy.txt (G, dG/dT, S_T and the cost of each run).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from slab_case import BINARY, HERE

# argon-like LJ (the unit preset "argon"): epsilon/k_B = 119.8 K
EPS_OVER_KB = 119.8
# Araujo-Rocha et al. (Table 1), LJ solutes at T* = 1: measured S_T in 1/K
MEASURED = {0.5: "-7.6e-3 +- 0.7e-3", 1.5: "7.5e-3 +- 2.9e-3"}

MD = """[units]
system = "LJ"
lj = "argon"

[md]
type = "solvation_free_energy"
temperatures = {temps}
pressure = {pressure}
npt_steps = 4000
equilibration_steps = 2000
seed = 2024
ti_nodes = 8
ti_equilibration_steps = 500
ti_blocks = 4
ti_block_steps = 4000
widom_equilibration_steps = 500
widom_blocks = 6
widom_block_steps = 2500
widom_insertions = 100

[md.system]
box = [{box}, {box}, {box}]
n_solvent = {n}
n_solute = 1
solute_epsilon = {eps}

[output]
prefix = "fe_eps{eps}_"
"""

FIT = """[units]
system = "LJ"
lj = "argon"

[output]
file = "fe_eps{eps}_eastman.toml"

[[fit]]
type = "soret_models"
name = "widom"
temperature = 1.0
dG_dT_file = "fe_eps{eps}_free_energy.toml"
dG_dT_parameter = "dG_dT_widom"

[[fit]]
type = "soret_models"
name = "ti"
temperature = 1.0
dG_dT_file = "fe_eps{eps}_free_energy.toml"
dG_dT_parameter = "dG_dT_ti"
"""


def run_solute(args, eps):
    """G(T), dG/dT and Eastman S_T of the solute with LJ epsilon @p eps."""
    md = os.path.join(args.out, f"fe_eps{eps}_md.toml")
    with open(md, "w") as f:
        f.write(MD.format(temps=list(args.temperatures), pressure=args.pressure, box=args.box,
                          n=args.n_solvent, eps=eps))
    t0 = time.time()
    table = os.path.join(args.out, f"fe_eps{eps}_free_energy.dat")
    if not (args.reuse and os.path.exists(table)):
        subprocess.run([os.path.abspath(args.binary), "md", "-q", os.path.abspath(md)],
                       check=True, stdout=subprocess.DEVNULL, cwd=args.out)
    wall = time.time() - t0
    fit = os.path.join(args.out, f"fe_eps{eps}_fit.toml")
    with open(fit, "w") as f:
        f.write(FIT.format(eps=eps))
    out = subprocess.run([os.path.abspath(args.binary), "fit", "--json", os.path.abspath(fit)],
                         check=True, capture_output=True, text=True, cwd=args.out).stdout
    eastman = json.loads(out)
    params = open(os.path.join(args.out, f"fe_eps{eps}_free_energy.toml")).read()
    slopes = {}
    for name in ("dG_dT_widom", "dG_dT_ti"):
        block = params.split(f"[parameters.{name}]")[1]
        value = float(block.split("value = ")[1].splitlines()[0])
        sd = float(block.split("uncertainty = ")[1].splitlines()[0])
        slopes[name] = (value, sd)
    data = np.loadtxt(table, ndmin=2)
    return dict(eps=eps, wall=wall, data=data, slopes=slopes, eastman=eastman)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=BINARY)
    ap.add_argument("--eps", type=float, nargs="+", default=[0.5, 1.0, 1.5])
    ap.add_argument("--temperatures", type=float, nargs="+", default=[0.85, 1.0, 1.15])
    ap.add_argument("--pressure", type=float, default=0.8)
    ap.add_argument("--box", type=float, default=5.6)
    ap.add_argument("--n-solvent", type=int, default=124)
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--reuse", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    runs = [run_solute(args, e) for e in args.eps]

    lines = [
        f"solvation_free_energy: {args.n_solvent} solvent atoms + 1 solute, NPT to P* = "
        f"{args.pressure} then Langevin NVT; TI 8 nodes x (500 + 4 x 4000) steps, Widom 6 x "
        f"2500 steps x 100 insertions every 10 steps; T* = {args.temperatures}",
        "eps    T*     G_widom [eps]      G_ti [eps]        cost widom/ti [s]",
    ]
    for r in runs:
        for row in r["data"]:
            lines.append(f"{r['eps']:<5}  {row[0]:<5}  {row[1]:8.3f} +- {row[2]:.3f}  "
                         f"{row[3]:8.3f} +- {row[4]:.3f}  {row[5]:.0f} / {row[6]:.0f}")
    lines.append("eps    dG/dT widom [k_B]  dG/dT TI [k_B]    S_T Eastman at T* = 1: widom, TI "
                 "[1/T*] ([1/K], argon)              measured [1/K]   wall [s]")
    for r in runs:
        w, t = r["slopes"]["dG_dT_widom"], r["slopes"]["dG_dT_ti"]
        sw = r["eastman"]["S_T_eastman_widom"]
        st = r["eastman"]["S_T_eastman_ti"]
        lines.append(
            f"{r['eps']:<5}  {w[0]:7.2f} +- {w[1]:.2f}   {t[0]:7.2f} +- {t[1]:.2f}    "
            f"{sw['value']:6.2f} +- {sw['uncertainty']:.2f}, {st['value']:6.2f} +- "
            f"{st['uncertainty']:.2f} ({sw['value'] / EPS_OVER_KB:.2e}, "
            f"{st['value'] / EPS_OVER_KB:.2e})   {MEASURED.get(r['eps'], '-'):>18}   "
            f"{r['wall']:.0f}")
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(args.out, "solvation_free_energy.txt"), "w") as f:
        f.write(report + "\n")

    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    for k, r in enumerate(runs):
        d = r["data"]
        T = d[:, 0]
        tt = np.linspace(T.min(), T.max(), 2)
        for col, (name, mk, off) in enumerate((("widom", "o", -0.004), ("ti", "s", 0.004))):
            G, err = d[:, 1 + 2 * col], d[:, 2 + 2 * col]
            slope = r["slopes"][f"dG_dT_{name}"][0]
            label = (f"eps = {r['eps']}: {'Widom' if name == 'widom' else 'TI'}, "
                     f"dG/dT = {slope:.2f} k_B")
            ax.errorbar(T + off, G, yerr=err, fmt=mk, color=f"C{k}", ms=5, capsize=3,
                        mfc="none" if name == "ti" else f"C{k}", label=label)
            # the fitted line through the weighted mean point
            w = 1 / np.maximum(err, 1e-12) ** 2
            Tm, Gm = np.sum(w * T) / np.sum(w), np.sum(w * G) / np.sum(w)
            ax.plot(tt, Gm + slope * (tt - Tm), "-" if name == "widom" else "--",
                    color=f"C{k}", lw=1)
    ax.set_xlabel("T [epsilon/k_B]  (T* = 1 is 119.8 K for argon)")
    ax.set_ylabel("solvation free energy G [epsilon]")
    ax.set_title(f"G(T) of one LJ solute, P* = {args.pressure} "
                 f"(bars: 1 s.e.; lines: weighted fits;\nthe routes drawn 0.004 apart in T)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "solvation_free_energy.png"), dpi=110)


if __name__ == "__main__":
    sys.exit(main())
