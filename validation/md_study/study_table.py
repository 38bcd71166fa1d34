"""The study table and plot of run.py: measured S_T beside the Eastman, Prigogine and
mass-corrected predictions and the short-time amplitude MSD_solute/MSD_solvent, with Pearson
correlation coefficients across solutes (docs/md.md, "LJ study").

Inputs, all written by the product: per solute directory <out>/<tag>/
  params.toml       `thermodrift fit`: S_T (soret_profile, unless from production),
                    E_a_solute, E_a_solvent (arrhenius), S_T_prigogine_models,
                    S_T_mass_corrected_models and, only when dG_dT was given,
                    S_T_eastman_models (soret_models)
  short_msd.dat     `thermodrift md` msd_short_time: MSD(t) table with errors
  short_short_time.dat  its short-time row
The Eastman column is "not computed" unless the fit computed it from a dG_dT that the user
supplied (run.py --eastman FILE); it is never filled in here.

Writes <out>/study_table.csv, <out>/study_correlations.csv, <out>/study.png and prints both
tables. Units: LJ reduced (S_T in kB/epsilon, i.e. 1/T*; E_a in epsilon; t in tau; MSD in
sigma^2); S_T also in 1e-3/K for argon (epsilon/kB from the production summary).
"""
import csv
import math
import os
import tomllib
from pathlib import Path

import numpy as np
from scipy import stats

NOT_COMPUTED = "not computed"
MODELS = "models"  # the default name of the soret_models fit


def pearson(x, y):
    """Pearson r, number of points n and two-sided p-value of paired finite values of x, y
    (points where either is missing or not finite are left out); r = p = nan for n < 3."""
    pts = [(a, b) for a, b in zip(x, y)
           if a is not None and b is not None and math.isfinite(a) and math.isfinite(b)]
    n = len(pts)
    if n < 3:
        return float("nan"), n, float("nan")
    a, b = np.array(pts).T
    res = stats.pearsonr(a, b)
    return float(res[0]), n, float(res[1])


def read_eastman(path):
    """{tag: (dG_dT, uncertainty)} from a TOML file `[solutes.<tag>] dG_dT = ...,
    dG_dT_uncertainty = ...` (case units: kB for an LJ case)."""
    with open(path, "rb") as f:
        d = tomllib.load(f)
    return {k: (float(v["dG_dT"]), float(v.get("dG_dT_uncertainty", 0.0)))
            for k, v in d.get("solutes", {}).items()}


def read_params(path):
    """{name: (value, uncertainty)} of a thermodrift transport-parameter file."""
    with open(path, "rb") as f:
        p = tomllib.load(f)["parameters"]
    return {k: (v["value"], v["uncertainty"]) for k, v in p.items()}


def model_column(params, model):
    """(value, uncertainty) of S_T_<model>_models, or NOT_COMPUTED if the fit did not write it."""
    return params.get(f"S_T_{model}_{MODELS}", NOT_COMPUTED)


def read_rows(path):
    """Numeric rows of a '#'-commented column file with the header as its last comment line."""
    names, rows = None, []
    for line in open(path):
        if line.startswith("#"):
            names = line[1:].split()
        elif line.strip():
            rows.append([float(v) for v in line.split()])
    return names, np.array(rows)


def _fmt(v):
    return v if isinstance(v, str) else f"{v[0]:.6g}"


def _err(v):
    return "" if isinstance(v, str) else f"{v[1]:.3g}"


def build(out, solutes, tag, production_st, settings, costs, eastman_given, T):
    out = Path(out)
    eps_kB = None
    rows = []
    for eps, mass in solutes:
        d = out / tag(eps, mass)
        p = read_params(d / "params.toml")
        prod = production_st(eps, mass)
        if prod is not None:
            st = (prod[0], prod[1])
            src = (f"production: {prod[2]} replicas x {prod[3]['production_steps']} steps, "
                   "2048 + 80 atoms")
            eps_kB = eps_kB or prod[3].get("epsilon_over_kB_K")
        else:
            st = p["S_T"]
            src = f"this study: {settings['replicas']} replicas x " \
                  f"{settings['production_steps']} steps, 800 + 51 atoms"
        names, short = read_rows(d / "short_short_time.dat")
        s = dict(zip(names, short[0]))
        names_m, msd = read_rows(d / "short_msd.dat")
        m = dict(zip(names_m, msd.T))
        rows.append({
            "solute": tag(eps, mass), "epsilon": eps, "mass_ratio": mass,
            "S_T": st, "S_T_source": src,
            "S_T_eastman": model_column(p, "eastman"),
            "S_T_prigogine": model_column(p, "prigogine"),
            "S_T_mass_corrected": model_column(p, "mass_corrected"),
            "E_a_solute": p["E_a_solute"], "E_a_solvent": p["E_a_solvent"],
            "short_lag": s["t"], "short_ratio": (s["ratio"], s["ratio_err"]),
            "long_lag": m["t"][-1], "long_ratio": (m["ratio"][-1], m["ratio_err"][-1]),
            "msd": m})
    cols = ["S_T", "S_T_eastman", "S_T_prigogine", "S_T_mass_corrected", "E_a_solute",
            "E_a_solvent", "short_ratio", "long_ratio"]
    tmp = out / "study_table.csv.partial"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["# S_T in kB/epsilon (1/T*), E_a in epsilon, lags in tau; T* = "
                    f"{T}; *_err = 1 sd; 'not computed' = no input for that model"])
        w.writerow(["solute", "epsilon", "mass_ratio"]
                   + [c for k in cols for c in (k, k + "_err")]
                   + ["short_lag", "long_lag", "S_T_source"])
        for r in rows:
            w.writerow([r["solute"], r["epsilon"], r["mass_ratio"]]
                       + [c for k in cols for c in (_fmt(r[k]), _err(r[k]))]
                       + [f"{r['short_lag']:g}", f"{r['long_lag']:g}", r["S_T_source"]])
    os.replace(tmp, out / "study_table.csv")

    def val(r, k):
        return None if isinstance(r[k], str) else r[k][0]

    measured = [val(r, "S_T") for r in rows]
    corr = []
    for k in ["S_T_eastman", "S_T_prigogine", "S_T_mass_corrected", "short_ratio",
              "long_ratio"]:
        rr, n, pv = pearson(measured, [val(r, k) for r in rows])
        corr.append((k, n, rr, pv))
    tmp = out / "study_correlations.csv.partial"
    with open(tmp, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["quantity", "n_solutes", "pearson_r_with_measured_S_T", "p_value"])
        for k, n, rr, pv in corr:
            w.writerow([k, n, NOT_COMPUTED if n < 3 else f"{rr:.4f}",
                        NOT_COMPUTED if n < 3 else f"{pv:.3g}"])
    os.replace(tmp, out / "study_correlations.csv")
    plot(out, rows, corr, eps_kB, T)

    print(f"{'solute':12s} {'S_T':>16s} {'Eastman':>16s} {'Prigogine':>16s} "
          f"{'mass-corr.':>16s} {'MSD ratio':>15s}  (S_T in kB/eps; ratio at t = short_lag)")
    for r in rows:
        def pm(v):
            return f"{'not computed':>16s}" if isinstance(v, str) else \
                f"{v[0]:+8.3f} +- {v[1]:5.3f}"
        print(f"{r['solute']:12s} {pm(r['S_T'])} {pm(r['S_T_eastman'])} "
              f"{pm(r['S_T_prigogine'])} {pm(r['S_T_mass_corrected'])} "
              f"{r['short_ratio'][0]:7.4f} +- {r['short_ratio'][1]:.4f}")
    for k, n, rr, pv in corr:
        print(f"Pearson r(measured S_T, {k}) = "
              + (f"{NOT_COMPUTED} (n = {n})" if n < 3 else f"{rr:+.3f} (n = {n}, p = {pv:.2g})"))
    print(f"wrote {out / 'study_table.csv'}, {out / 'study_correlations.csv'}, "
          f"{out / 'study.png'}")


def plot(out, rows, corr, eps_kB, T):
    import matplotlib
    import matplotlib.ticker
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(12, 9))
    a = ax[0, 0]
    for i, r in enumerate(rows):
        m = r["msd"]
        a.errorbar(m["t"], m["ratio"], m["ratio_err"], fmt="o-", ms=3, color=f"C{i}",
                   label=f"eps {r['epsilon']:g}, m2/m1 {r['mass_ratio']:g}")
    a.axvline(rows[0]["short_lag"], color="k", lw=0.6, ls=":")
    a.set_xscale("log")
    a.set_yscale("log")
    a.yaxis.set_major_formatter(matplotlib.ticker.ScalarFormatter())
    a.yaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    a.set_yticks([0.1, 0.2, 0.3, 0.5, 1.0, 2.0, 3.0])
    a.set_xlabel("lag t (tau)")
    a.set_ylabel("MSD_solute / MSD_solvent (dimensionless)")
    a.set_title(f"short-time motion at T* = {T}: ratio of MSDs (dotted: short lag)")
    a.legend(fontsize=7)

    a = ax[0, 1]
    for i, r in enumerate(rows):
        m = r["msd"]
        a.errorbar(m["t"], m["msd_solute"], m["msd_solute_err"], fmt="-", color=f"C{i}", lw=1)
        if i == 0:
            a.plot(m["t"], m["msd_solvent"], "k--", lw=1, label="solvent (eps 0.5 system)")
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("lag t (tau)")
    a.set_ylabel("MSD of the solute (sigma^2)")
    a.set_title("MSD(t): ballistic (t^2) to diffusive (t)")
    a.legend(fontsize=7)

    a = ax[1, 0]
    meas = np.array([r["S_T"] for r in rows])
    for k, mk, lab in (("S_T_prigogine", "s", "Prigogine"),
                       ("S_T_mass_corrected", "^", "mass-corrected"),
                       ("S_T_eastman", "D", "Eastman")):
        pts = [(r[k][0], r[k][1], r["S_T"][0], r["S_T"][1]) for r in rows
               if not isinstance(r[k], str)]
        n, rr = next((c[1], c[2]) for c in corr if c[0] == k)
        if not pts:
            a.plot([], [], mk, label=f"{lab}: {NOT_COMPUTED}")
            continue
        x, xe, y, ye = np.array(pts).T
        a.errorbar(x, y, ye, xe, fmt=mk, capsize=3,
                   label=f"{lab} (r = {rr:+.2f}, n = {n})" if n >= 3 else f"{lab} (n = {n})")
    lim = np.nanmax(np.abs(np.concatenate([meas[:, 0] + meas[:, 1], meas[:, 0] - meas[:, 1]])))
    a.plot([-lim, lim], [-lim, lim], "k:", lw=0.8, label="measured = predicted")
    a.axhline(0, color="k", lw=0.4)
    a.set_xlabel("predicted S_T (kB/epsilon)")
    a.set_ylabel("measured S_T (kB/epsilon)")
    if eps_kB:
        sec = a.secondary_yaxis("right", functions=(lambda s: 1e3 * s / eps_kB,
                                                    lambda k: k * eps_kB / 1e3))
        sec.set_ylabel("measured S_T (1e-3 / K, argon)")
    a.set_title("measured S_T against the equilibrium models")
    a.legend(fontsize=7)

    a = ax[1, 1]
    n, rr = next((c[1], c[2]) for c in corr if c[0] == "short_ratio")
    for i, r in enumerate(rows):
        a.errorbar(r["short_ratio"][0], r["S_T"][0], r["S_T"][1], r["short_ratio"][1],
                   fmt="o", color=f"C{i}", capsize=3,
                   label=f"eps {r['epsilon']:g}, m2/m1 {r['mass_ratio']:g}")
    a.axhline(0, color="k", lw=0.4)
    a.set_xlabel(f"MSD_solute / MSD_solvent at t = {rows[0]['short_lag']:g} tau "
                 "(dimensionless)")
    a.set_ylabel("measured S_T (kB/epsilon)")
    a.set_title(f"S_T against short-time motion: Pearson r = {rr:+.2f} (n = {n})"
                if n >= 3 else f"S_T against short-time motion (n = {n})")
    a.legend(fontsize=7)
    fig.tight_layout()
    tmp = out / "study.png.partial.png"
    fig.savefig(tmp, dpi=90)
    os.replace(tmp, out / "study.png")
