#!/usr/bin/python3
"""Lattice gas in a temperature gradient (docs/theory.md#lattice-gas): steady coverage profiles
of the KMC (stochastic/LatticeGasGradient.h) against the finite-volume coverage model with the
variational D_c(theta, T) (fv/CoverageSystem.h) and against the dilute single-adatom law, at
mean coverages 0.05, 0.3, 0.6 and 0.9; and the relaxation from a uniform fill at coverage 0.6
on the two-sublattice lattice two_sublattice_square_x.toml, where D_c,xx depends on coverage.

Usage: PYTHONPATH=build/python plot_gradient.py OUT.png [OUT.csv]

Reduced units (kB = 1, nu = 1): lengths in lattice spacings, T in energy/kB, times in 1/nu.
"""
import csv
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import thermodrift.lattice as lattice  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(HERE, "..", "..", "examples", "lattice")
COVERAGES = [0.05, 0.3, 0.6, 0.9]


def end_ratio(p):
    """cold-end over hot-end coverage, mean of the two outermost columns at each end"""
    return (p[..., 0] + p[..., 1]) / (p[..., -1] + p[..., -2])


def main(png, out_csv):
    # square lattice, one site of zero energy, saddles 0.5; Q = 3; T from 0.8 to 1.2 over 32
    # columns: the dilute law predicts a cold/hot ratio exp(3 (1/0.8 - 1/1.2)) = 3.5
    sq = lattice.gradient(os.path.join(EXAMPLES, "square.toml"), COVERAGES, cells=(32, 16),
                          T=(0.8, 1.2), Q=3.0, law_temperatures=[0.7, 0.9, 1.1, 1.3],
                          replicas=16, seed=14, t_burn=1500.0, t_end=8000.0)
    # two sublattices (A at 0, B at 0.3; D_c varies 3x with coverage); Q = 1.5, T 0.45 to 0.55
    times = [20.0, 60.0, 180.0, 540.0]
    two = lattice.gradient(os.path.join(EXAMPLES, "two_sublattice_square_x.toml"), [0.6],
                           cells=(24, 8), T=(0.45, 0.55), Q=1.5,
                           law_temperatures=[0.4, 0.45, 0.5, 0.55, 0.6], replicas=32, seed=15,
                           t_burn=3000.0, t_end=6000.0, snapshot_times=times)

    rows = []
    print("square lattice, Q = 3, T 0.8 -> 1.2 over 32 columns (16 across), 16 replicas")
    print(f"{'theta':>6} {'KMC cold/hot':>16} {'FV':>8} {'dilute':>8} {'chi2/32 FV':>11} "
          f"{'chi2/32 dilute':>15}")
    for i, th in enumerate(sq["coverage"]):
        k, e = sq["kmc"][i], sq["kmc_sem"][i]
        fv, dil = sq["fv"][i], sq["dilute"][i]
        rk = end_ratio(k)
        # error of the ratio from the four columns' errors
        num, den = k[0] + k[1], k[-1] + k[-2]
        er = rk * np.hypot(np.hypot(e[0], e[1]) / num, np.hypot(e[-1], e[-2]) / den)
        c_fv = float(np.sum(((k - fv) / e) ** 2)) / len(k)
        c_dil = float(np.sum(((k - dil) / e) ** 2)) / len(k)
        print(f"{th:6.2f} {rk:9.4f}+-{er:.4f} {end_ratio(fv):8.4f} {end_ratio(dil):8.4f} "
              f"{c_fv:11.2f} {c_dil:15.1f}")
        rows.append(["square", th, rk, er, end_ratio(fv), end_ratio(dil), c_fv, c_dil])
    print(f"KMC {sq['kmc_seconds']:.1f} s ({np.sum(sq['events']):.3g} hops, "
          f"{np.sum(sq['candidates']):.3g} candidates); FV {sq['fv_seconds']:.2f} s")
    k, e, fv = two["kmc"][0], two["kmc_sem"][0], two["fv"][0]
    print(f"two sublattices theta 0.6: cold/hot KMC {end_ratio(k):.4f}, FV {end_ratio(fv):.4f}, "
          f"dilute {end_ratio(two['dilute'][0]):.4f}; chi2/16 FV "
          f"{np.sum(((k - fv) / e) ** 2) / len(k):.2f}")
    for j, t in enumerate(two["snapshot_times"]):
        ks, es = two["kmc_snapshots"][0, j], two["kmc_snapshots_sem"][0, j]
        fs = two["fv_snapshots"][0, j]
        print(f"  t = {t:5.0f}: cold/hot KMC {end_ratio(ks):.4f}, FV {end_ratio(fs):.4f}; "
              f"chi2/16 {np.sum(((ks - fs) / es) ** 2) / len(ks):.2f}")
        rows.append(["two_sublattice_t", t, end_ratio(ks), 0.0, end_ratio(fs), 0.0,
                     float(np.sum(((ks - fs) / es) ** 2) / len(ks)), 0.0])
    print(f"KMC {two['kmc_seconds']:.1f} s; FV {two['fv_seconds']:.2f} s")

    fig, ax = plt.subplots(1, 2, figsize=(12, 5))
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(COVERAGES)))
    x = sq["x"]
    for i, th in enumerate(sq["coverage"]):
        ax[0].errorbar(x, sq["kmc"][i], yerr=sq["kmc_sem"][i], fmt="o", ms=3, color=colors[i],
                       label=f"KMC, mean $\\theta$ = {th:g}")
        ax[0].plot(x, sq["fv"][i], "-", color=colors[i])
        ax[0].plot(x, sq["dilute"][i], "--", color=colors[i])
    ax[0].plot([], [], "k-", label=r"FV, $D_c(\theta,T)$ and exclusion")
    ax[0].plot([], [], "k--", label="dilute single-adatom law")
    ax[0].axhline(1.0, color="0.6", lw=0.8)
    ax[0].set_xlabel(r"position $x$ along the gradient (lattice spacings $a$)")
    ax[0].set_ylabel(r"coverage $\theta$ (occupied sites per site)")
    ax[0].set_title("square lattice, $Q$ = 3, $T$ = 0.8 (x = 0) to 1.2 (x = 32) $\\epsilon/k_B$",
                    fontsize=10)
    ax[0].legend(fontsize=8, loc="upper right")
    ax[0].set_ylim(0, 1.25)
    secx = ax[0].secondary_xaxis("top", functions=(lambda s: 0.8 + 0.4 * s / 32.0,
                                                   lambda T: (T - 0.8) * 32.0 / 0.4))
    secx.set_xlabel(r"temperature $T$ ($\epsilon/k_B$)")

    x2 = two["x"]
    tc = plt.cm.plasma(np.linspace(0.0, 0.8, len(times) + 1))
    for j, t in enumerate(times):
        ax[1].errorbar(x2, two["kmc_snapshots"][0, j], yerr=two["kmc_snapshots_sem"][0, j],
                       fmt="o", ms=3, color=tc[j], label=f"KMC, t = {t:g} $1/\\nu$")
        ax[1].plot(x2, two["fv_snapshots"][0, j], "-", color=tc[j])
    ax[1].errorbar(x2, two["kmc"][0], yerr=two["kmc_sem"][0], fmt="s", ms=3, color=tc[-1],
                   label="KMC, steady")
    ax[1].plot(x2, two["fv"][0], "-", color=tc[-1], label=r"FV with $D_c(\theta,T)$ (lines)")
    ax[1].plot(x2, two["dilute"][0], "--", color="k", label="dilute law, steady")
    ax[1].set_xlabel(r"position $x$ along the gradient (lattice spacings $a$)")
    ax[1].set_ylabel(r"coverage $\theta$ (occupied sites per site)")
    ax[1].set_title("two sublattices, mean $\\theta$ = 0.6, $Q$ = 1.5, $T$ = 0.45 to 0.55: "
                    "relaxation", fontsize=10)
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(png, dpi=130)
    print(f"wrote {png}")
    if out_csv:
        with open(out_csv, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["case", "theta_or_t", "kmc_ratio", "kmc_ratio_err", "fv_ratio",
                        "dilute_ratio", "chi2_per_column_fv", "chi2_per_column_dilute"])
            w.writerows(rows)
        print(f"wrote {out_csv}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
