#!/usr/bin/python3
"""Cluster thermodynamic integration (the extension outlined by A. Roux and N. Combe, Phys.
Rev. B 108, 115410 (2023); integrand in docs/theory.md#adatom):
`thermodrift md` with `type = "cluster_ti"` for a cluster of N atoms on the LJ FCC(111) slab
and, with the same settings and seed, `type = "adatom_ti"` for the adatom; then `thermodrift
fit` (`adatom_phi`) on both Phi(x0) for Q and the barrier amplitude E_m.

usage: cluster_ti.py [THERMODRIFT] [--sizes 1 2] [--windows W] [--length L] [--steps S]
                     [--every E] [--seed S] [--out DIR] [--parallel]

Writes DIR/cluster_ti.png (Phi(x0) with the fits; the terms of the cluster integrand) and
DIR/cluster_ti.txt. Size 1 runs adatom_ti; larger sizes cluster_ti.
"""
import argparse
import os
import re
import subprocess
import sys
import time

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from slab_case import BINARY, HERE, SLAB, SYSTEM, decorate, fit_phi

MD = SLAB + """type = "{type}"
equilibration_steps = 20000
scan_center = 0.5
scan_length = {length}
windows = {windows}
window_equilibration_steps = 1000
window_steps = {steps}
sample_every = {every}
blocks = 5
bin_width = 2.0
fit_margin = 2.0
seed = {seed}
""" + SYSTEM + """
[output]
prefix = "cl{cluster}_"
"""

def start(args, n):
    """Start the scan of an n-atom cluster; returns (process, start time)."""
    md = os.path.join(args.out, f"cl{n}_md.toml")
    with open(md, "w") as f:
        f.write(MD.format(type="adatom_ti" if n == 1 else "cluster_ti", length=args.length,
                          windows=args.windows, steps=args.steps, every=args.every,
                          seed=args.seed, cluster=n))
    # outputs are relative to the working directory: run in args.out
    cmd = ["nice", "-n", "10", os.path.abspath(args.binary), "md", "-q", os.path.abspath(md)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, cwd=args.out), time.time()


def finish(args, n, proc, t0):
    """Wait for the scan, fit Phi(x0); returns the results of size n."""
    if proc.wait() != 0:
        raise SystemExit(f"thermodrift md failed for cluster size {n}")
    wall = time.time() - t0
    r = fit_phi(args.binary, args.out, f"cl{n}", f"n{n}")
    r["dev"] = float(re.search(r"largest \|X_com - x0\| over the samples: (\S+)",
                               r["header"]).group(1))
    return dict(n=n, wall=wall, **r)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=BINARY)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--windows", type=int, default=21)
    ap.add_argument("--length", type=float, default=2.1946)  # two site periods a/sqrt(2)
    ap.add_argument("--steps", type=int, default=4000)
    ap.add_argument("--every", type=int, default=20)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--parallel", action="store_true", help="run the sizes at once (1 rank each)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    if args.parallel:
        procs = [(n, *start(args, n)) for n in args.sizes]
        res = [finish(args, n, p, t0) for n, p, t0 in procs]
    else:
        res = []
        for n in args.sizes:
            res.append(finish(args, n, *start(args, n)))

    steps_total = 20000 + args.windows * (1000 + args.steps)
    lines = [
        f"cluster_ti / adatom_ti: {args.windows} windows over {args.length} sigma, 1000 + "
        f"{args.steps} steps each, samples every {args.every} ({steps_total} steps, "
        f"{steps_total * 0.005:g} tau per scan), 1920 substrate atoms, seed {args.seed}, "
        f"1 rank each, nice -n 10, {'at once' if args.parallel else 'one after another'}",
        "N  T range          dT/dx     Q (cov sd, boot sd)      E_m (cov sd, boot sd)   "
        "<E_cc>   <W>      max|X-x0|  wall",
    ]
    for r in res:
        f, c, n = r["fitted"], r["cols"], r["n"]
        q, e = f[f"Q_n{n}"], f[f"E_m_n{n}"]
        lines.append(
            f"{n}  {c['T'].max():.4f}-{c['T'].min():.4f}  {float(r['keys']['gradient']):.5f}  "
            f"{q['value']:.3f} ({q['uncertainty']:.3f}, {q['bootstrap_sd']:.3f})   "
            f"{e['value']:.3f} ({e['uncertainty']:.3f}, {e['bootstrap_sd']:.3f})   "
            f"{c['Ecc'].mean():.3f}  {c['W'].mean():.4f}  {r['dev']:.1e}   {r['wall']:.0f} s")
    lines.append("Roux and Combe (2023), adatom: Q* = 1.9, E_m* = 0.23")
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(args.out, "cluster_ti.txt"), "w") as f:
        f.write(report + "\n")

    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, r in enumerate(res):
        c, task, n = r["cols"], r["task"], r["n"]
        q = r["fitted"][f"Q_n{n}"]["value"]
        ax[0].errorbar(c["x0"], c["phi"], yerr=c["phi_err"], fmt="o", ms=3, color=f"C{k}",
                       label=f"N = {n}: fit Q = {q:.2f} epsilon")
        ax[0].plot(task["curve_x"], task["curve_y"], "-", color=f"C{k}", lw=1)
        T, G = c["T"], c["dT_dx"]
        ax[1].plot(c["x0"], -c["Fx"] / T, "o-", ms=3, color=f"C{k}",
                   label=f"N = {n}: -F_x/T")
        ax[1].plot(c["x0"], -(0.5 * c["Ep"] + c["Ecc"] + c["Ek"]) * G / T**2, "s--", ms=3,
                   color=f"C{k}", label=f"N = {n}: -(E_p/2 + E_cc + E_k) G/T^2")
        if n > 1:
            ax[1].plot(c["x0"], G * c["W"] / T**2, "^:", ms=3, color=f"C{k}",
                       label=f"N = {n}: G W/T^2 (virial)")
    decorate(ax[0], "x0 (centre of mass) [sigma]  (hot -> cold)", "Phi(x0) [1 (k_B = 1)]",
             "Phi(x0) and the adatom_phi fit", 7)
    decorate(ax[1], "x0 [sigma]", "dPhi/dx terms [1/sigma]", "terms of the integrand", 6)
    fig.tight_layout()
    png = os.path.join(args.out, "cluster_ti.png")
    fig.savefig(png + ".tmp.png", dpi=110)
    os.replace(png + ".tmp.png", png)


if __name__ == "__main__":
    sys.exit(main())
