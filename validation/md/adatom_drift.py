#!/usr/bin/python3
"""Drift check after Roux and Combe (2023): `thermodrift md` with `type = "adatom_slab"` for
several seeds (and two start positions), then the adatom's mean displacement towards the cold
region.

usage: adatom_drift.py [THERMODRIFT] [--seeds N] [--steps S] [--jobs J] [--out DIR]

Writes DIR/adatom_drift.png (trajectories, mean x(t) and the substrate profile) and
DIR/adatom_drift.txt (per-run drift velocities, their mean and standard error).
Half of the runs start in the first gradient region (cold side +x), half in the second
(cold side -x); velocities and displacements are reported towards the cold side, measured
as the periodic distance from the hot-region centre (an adatom may cross the hot region).
"""
import argparse
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import matplotlib
import numpy as np

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from slab_case import BINARY, HERE, SLAB, SYSTEM, decorate

CASE = SLAB + """type = "adatom_slab"
equilibration_steps = 10000
production_steps = {steps}
dump_every = 200
sample_every = 20
blocks = 5
bin_width = 2.0
adatom_position = {position}
gradient_region = "{region}"
seed = {seed}
""" + SYSTEM.replace("{cluster}", "1") + """
[output]
prefix = "{prefix}"
"""


def read_columns(path):
    names, rows = None, []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                names = line[1:].split()
            elif line.strip():
                rows.append([float(v) for v in line.split()])
    return names, np.array(rows)


def read_chunk_mean(path):
    """Mean over the blocks of a fix ave/chunk file: (Coord1, temp)."""
    blocks, cur, left = [], [], 0
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            v = line.split()
            if left == 0:
                left = int(v[1])
                cur = []
                continue
            cur.append([float(v[1]), float(v[3])])
            left -= 1
            if left == 0:
                blocks.append(cur)
    a = np.array(blocks)
    return a[:, :, 0].mean(axis=0), a[:, :, 1].mean(axis=0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("binary", nargs="?", default=BINARY)
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--steps", type=int, default=60000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--Q", type=float, default=2.08,
                    help="heat of transport for the first-order drift law (adatom_ti.py)")
    ap.add_argument("--out", default=os.path.join(HERE, "out"))
    ap.add_argument("--reuse", action="store_true", help="analyse the outputs already in --out")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)

    # starts at 30% and 50% of a gradient region, alternately in the first (cold side +x)
    # and the second region (cold side -x): a drift that only follows the gradient flips sign
    runs = []
    for k in range(args.seeds):
        position = 0.3 if k % 2 == 0 else 0.5
        region = "first" if k % 4 < 2 else "second"
        prefix = f"drift_{k}_"
        case = os.path.join(args.out, f"drift_{k}.toml")
        with open(case, "w") as f:
            f.write(CASE.format(steps=args.steps, position=position, region=region,
                                seed=1000 + 17 * k, prefix=prefix))
        runs.append((k, case, prefix, 1.0 if region == "first" else -1.0))

    def run(item):
        k, case, prefix, _ = item
        log = os.path.join(args.out, f"drift_{k}.log")
        with open(log, "w") as f:
            # the prefix is relative to the working directory: run in args.out
            subprocess.run([os.path.abspath(args.binary), "md", os.path.abspath(case)], stdout=f,
                           stderr=subprocess.STDOUT, check=True, cwd=args.out)
        return k

    if not args.reuse:
        with ThreadPoolExecutor(args.jobs) as ex:
            list(ex.map(run, runs))

    T_x, T_v = read_chunk_mean(os.path.join(args.out, runs[0][2] + "temp.chunk"))
    grad_region = (T_x > 4.0 + 2.0) & (T_x < 21.95 - 2.0)
    G = np.polyfit(T_x[grad_region], T_v[grad_region], 1)[0]
    L = 43.897

    # towards cold = away from the hot-region centre x_h = 2 along the shorter periodic way:
    # u(x) = |x - x_h| wrapped into [0, L/2] grows towards the cold region in both gradient
    # regions, also for an adatom that crosses the hot region into the other one
    def u(x):
        return np.abs(np.mod(x - 2.0 + L / 2, L) - L / 2)

    traj, v, T_seen = [], [], []
    for k, _, prefix, _ in runs:
        names, a = read_columns(os.path.join(args.out, prefix + "adatom.dat"))
        t, x = a[:, names.index("t")], a[:, names.index("x")]
        traj.append((t, u(x) - u(x[0]), a[:, names.index("y")] - a[0, names.index("y")]))
        v.append(np.polyfit(t, u(x), 1)[0])
        T_seen.append(np.interp(np.mod(x, L), T_x, T_v, period=L))
    v = np.array(v)

    # first-order drift law v = D Q |dT/dx| / T^2 towards cold (docs/theory.md#adatom), D from
    # the MSD along y, which is isothermal (MSD_y = 2 D t), T the mean substrate T the adatoms visit
    dy2 = np.mean([dy**2 for _, _, dy in traj], axis=0)
    t_all = traj[0][0]
    D = np.sum(dy2 * t_all) / np.sum(t_all**2) / 2
    T_ad = float(np.mean(T_seen))
    v_law = D * args.Q * abs(G) / T_ad**2

    t = traj[0][0]
    dx = np.array([d for _, d, _ in traj])
    mean, sem = dx.mean(axis=0), dx.std(axis=0, ddof=1) / np.sqrt(len(dx))
    final = dx[:, -1]
    lines = [
        f"adatom_slab drift: {args.seeds} runs of {args.steps} steps (t = {t[-1]:g} tau), "
        f"40 x 4 periods, 6 layers, T_hot 0.3, T_cold 0.05",
        f"substrate gradient in the first region dT/dx = {G:.5f} epsilon/(kB sigma)",
        "run  region  v_fit(sigma/tau, towards cold)  final displacement towards cold (sigma)",
    ]
    lines += [f"{k:3d}  {'first ' if runs[k][3] > 0 else 'second'}  {v[k]: .5f}  {final[k]: .3f}"
              for k in range(len(v))]
    lines.append(f"mean v = {v.mean():.5f} +- {v.std(ddof=1) / np.sqrt(len(v)):.5f} sigma/tau "
                 f"(+ = towards the cold side); runs drifting cold: {(final > 0).sum()}/{len(v)}")
    for name, sel in (("first", 1.0), ("second", -1.0)):
        vs = np.array([v[k] for k in range(len(v)) if runs[k][3] == sel])
        lines.append(f"  {name} region: mean v = {vs.mean():.5f} +- "
                     f"{vs.std(ddof=1) / np.sqrt(len(vs)):.5f} over {len(vs)} runs")
    lines.append(f"first-order law D Q |dT/dx| / T^2 with Q = {args.Q}, D = {D:.4f} sigma^2/tau "
                 f"(MSD along y), T = {T_ad:.3f} (mean T visited): v = {v_law:.5f} sigma/tau")
    lines.append(f"mean final displacement = {final.mean():.3f} +- "
                 f"{final.std(ddof=1) / np.sqrt(len(final)):.3f} sigma")
    report = "\n".join(lines)
    print(report)
    with open(os.path.join(args.out, "adatom_drift.txt"), "w") as f:
        f.write(report + "\n")

    fig, ax = plt.subplots(1, 2, figsize=(11, 4.2))
    for k, (tt, d, _) in enumerate(traj):
        ax[0].plot(tt, d, lw=0.8, color="0.7", label="single runs" if k == 0 else None)
    ax[0].plot(t, mean, "C0", lw=2, label="mean")
    ax[0].fill_between(t, mean - 2 * sem, mean + 2 * sem, color="C0", alpha=0.25,
                       label="mean +- 2 s.e.")
    ax[0].plot(t, v_law * t, "C3--",
               label=f"D Q |dT/dx| / T^2 (Q = {args.Q}; D from MSD_y, inflated by hot runs)")
    ax[0].axhline(0, color="k", lw=0.5)
    decorate(ax[0], "t [tau]", "displacement towards cold [sigma]",
             "Adatom on LJ FCC(111) in a gradient")
    ax[1].plot(T_x, T_v, "o-", ms=3)
    ax[1].axvspan(0, 4.0, color="C3", alpha=0.15, label="hot region")
    ax[1].axvspan(21.95, 25.95, color="C0", alpha=0.15, label="cold region")
    decorate(ax[1], "x [sigma]", "T [epsilon/kB]", "Substrate temperature (run 0)")
    fig.tight_layout()
    fig.savefig(os.path.join(args.out, "adatom_drift.png"), dpi=110)


if __name__ == "__main__":
    sys.exit(main())
