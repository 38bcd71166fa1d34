#!/usr/bin/python3
"""Thermodynamic integration after Roux and Combe (2023): `thermodrift md` with
`type = "adatom_ti"` (a short scan of constrained positions x0 in the gradient), then
`thermodrift fit` with `type = "adatom_phi"` for Q and E_m, beside the paper's Q* = 1.9 and
E_m* = 0.23.

usage: adatom_ti.py [THERMODRIFT] [--ranks N] [--windows W] [--length L] [--steps S]
                    [--seeds S1 S2 ...] [--out DIR]

Writes DIR/adatom_ti.png (Phi(x0) with the fit; Phi + Q/T against x0) and DIR/adatom_ti.txt.
Several seeds give independent scans: their spread is the honest uncertainty of Q (the
errors of Phi accumulate along x0 and are correlated, which the per-scan covariance ignores).
"""
import argparse
import os
import subprocess
import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from slab_case import BINARY, HERE, SLAB, SYSTEM, decorate, fit_phi

MD = SLAB + """type = "adatom_ti"
equilibration_steps = 20000
scan_center = 0.5
scan_length = {length}
windows = {windows}
window_equilibration_steps = 2000
window_steps = {steps}
sample_every = 10
blocks = 5
bin_width = 2.0
fit_margin = 2.0
seed = {seed}
""" + SYSTEM.replace("{cluster}", "1") + """
[output]
prefix = "ti{seed}_"
"""

def run_scan(args, seed):
    """One scan with velocity seed @p seed: (Q, E_m, their covariance sd, the Phi data, fit)."""
    md = os.path.join(args.out, f"ti{seed}_md.toml")
    with open(md, "w") as f:
        f.write(MD.format(length=args.length, windows=args.windows, steps=args.steps, seed=seed))
    t0 = time.time()
    # outputs are relative to the working directory, data files to the input: run in args.out
    cmd = [os.path.abspath(args.binary), "md", os.path.abspath(md)]
    if args.ranks > 1:
        cmd = ["mpirun", "--oversubscribe", "--allow-run-as-root", "-np", str(args.ranks)] + cmd
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=args.out)
    wall = time.time() - t0
    return dict(seed=seed, wall=wall, **fit_phi(args.binary, args.out, f"ti{seed}", "ti"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=BINARY)
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--windows", type=int, default=31)
    ap.add_argument("--length", type=float, default=3.3)
    ap.add_argument("--steps", type=int, default=10000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[2024])
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    scans = [run_scan(args, s) for s in args.seeds]

    steps_total = 20000 + args.windows * (2000 + args.steps)
    lines = [
        f"adatom_ti: {args.windows} windows over {args.length} sigma, 2000 + {args.steps} steps "
        f"each ({steps_total} steps, {steps_total * 0.005:g} tau per scan), 1921 atoms, "
        f"{args.ranks} ranks",
        "seed   T range          dT/dx     Q (cov sd, boot sd)        E_m (cov sd, boot sd)"
        "     wall",
    ]
    Qs, Ems = [], []
    for s in scans:
        f, T = s["fitted"], s["cols"]["T"]
        q, e = f["Q_ti"], f["E_m_ti"]
        Qs.append(q["value"])
        Ems.append(e["value"])
        lines.append(
            f"{s['seed']:5d}  {T.max():.4f}-{T.min():.4f}  {float(s['keys']['gradient']):.5f}  "
            f"{q['value']:.3f} ({q['uncertainty']:.3f}, {q['bootstrap_sd']:.3f})   "
            f"{e['value']:.3f} ({e['uncertainty']:.3f}, {e['bootstrap_sd']:.3f})   "
            f"{s['wall']:.0f} s")
    if len(scans) > 1:
        n = len(scans)
        lines.append(f"over {n} scans: Q = {np.mean(Qs):.3f} +- {np.std(Qs, ddof=1):.3f} (sd), "
                     f"E_m = {np.mean(Ems):.3f} +- {np.std(Ems, ddof=1):.3f} (sd)")
    lines.append("Roux and Combe (2023): Q* = 1.9, E_m* = 0.23")
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(args.out, "adatom_ti.txt"), "w") as f:
        f.write(report + "\n")

    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, s in enumerate(scans):
        c, task = s["cols"], s["task"]
        x0, T, phi, err = c["x0"], c["T"], c["phi"], c["phi_err"]
        Q = s["fitted"]["Q_ti"]["value"]
        ax[0].errorbar(x0, phi, yerr=err, fmt="o", ms=3, color=f"C{k}",
                       label=f"seed {s['seed']} (bars: accumulated s.e.)")
        ax[0].plot(task["curve_x"], task["curve_y"], "-", color=f"C{k}", lw=1)
        ax[1].plot(x0, phi + Q / T, "o-", ms=3, color=f"C{k}", label=f"seed {s['seed']}")
    decorate(ax[0], "x0 [sigma]  (hot -> cold)", "Phi(x0)",
             f"TI + adatom_phi fit: Q = {np.mean(Qs):.2f}, E_m = {np.mean(Ems):.3f}", 7)
    decorate(ax[1], "x0 [sigma]", "Phi_Diff = Phi + Q/T", "amplitude ~ E_m/T", 7)
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "adatom_ti.png"), dpi=110)


if __name__ == "__main__":
    sys.exit(main())
