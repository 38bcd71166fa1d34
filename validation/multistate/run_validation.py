#!/usr/bin/env python3
"""Multi-state thermophoresis and dimerization (docs/theory.md#multistate, #reactions; Liang,
Busiello and De Los Rios 2022), reproduced with the finite-volume solver and the `thermodrift
soret` formula. Writes PNG plots and a summary into validation/multistate/out/.

    /usr/bin/python3 validation/multistate/run_validation.py [path/to/thermodrift]

The quantitative checks are also GoogleTest tests (tests/fv/test_multistate.cpp).
"""
import json
import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "validation"))
from h5read import load  # noqa: E402

EXE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "thermodrift")
OUT = os.path.join(HERE, "out")
os.makedirs(OUT, exist_ok=True)

HEADER = """[units]
system = "LJ"
lj = "argon"
[mesh]
dim = 1
[mesh.x]
cells = {cells}
length = 1.0
[temperature]
type = "linear"
T_ref = {T0}
gradient = [{dT}]
"""

STATES = {
    "two": [("slow", 0.0, 0.0, 'value = 0.1'),
            ("fast", 1.0, 0.5, 'type = "arrhenius"\nprefactor = 2.0\nactivation_energy = 0.5')],
    "three": [("folded", 0.0, 0.0, 'value = 0.05'),
              ("mid", 0.6, 0.2, 'value = 0.5'),
              ("open", 1.4, 1.0, 'value = 1.0')],
    "polymer": [("coil", 0.0, 0.0, 'type = "einstein"\nfriction = 1.0'),
                ("extended", 2.0, 6.0, 'type = "einstein"\nfriction = 20.0')],
}


def multistate_case(states, nu, cells=2000, T0=1.0, dT=1.0, barrier=None):
    text = HEADER.format(cells=cells, T0=T0, dT=dT)
    text += '[[species]]\nname = "P"\nalpha = 1.0\n[species.initial]\nvalue = 1.0\n'
    for name, H, S, law in states:
        text += (f'[[species.states]]\nname = "{name}"\nenergy = {H}\nentropy = {S}\n'
                 f'[species.states.diffusivity]\n{law}\n')
    top = barrier if barrier is not None else max(s[1] for s in states) + 0.5
    for a, b in zip(states[:-1], states[1:]):
        text += (f'[[species.transitions]]\nfrom = "{a[0]}"\nto = "{b[0]}"\n'
                 f'barrier = {top}\nprefactor = {nu}\n')
    return text


def dimer_case(total, k, cells=400):
    text = HEADER.format(cells=cells, T0=1.0, dT=1.0)
    text += f"""[[species]]
name = "A"
alpha = 1.0
[species.diffusivity]
type = "arrhenius"
prefactor = 1.0
activation_energy = 0.3
[species.initial]
value = {total}
[[species]]
name = "A2"
composition = "2 A"
alpha = 1.0
[species.diffusivity]
value = 0.2
[[reactions]]
equation = "2 A <=> A2"
K0 = 0.5
delta_E = -1.0
[reactions.rate]
value = {k}
"""
    return text


def run(name, text, *extra):
    path = os.path.join(OUT, name + ".toml")
    with open(path, "w") as f:
        f.write(text)
    h5 = os.path.join(OUT, name + ".h5")
    subprocess.run([EXE, "run", path, "-o", h5, "-q", *extra], check=True)
    return load(h5)


def departure(r, states_law_D):
    """max |ln P_i/P_0 - ln(<D>_0/<D>_i)| along the cell."""
    T = r["fields"]["T"]
    lnD = np.log(states_law_D(T))
    lnP = np.log(r["fields"]["P_P"])
    return np.max(np.abs((lnP - lnP[0]) + (lnD - lnD[0])))


def mean_D(states):
    """<D>_eq(T) of a state list, for the laws used above (kB = 1)."""
    def D_of(law, T):
        if "einstein" in law:
            return T / float(law.split("friction = ")[1])
        if "arrhenius" in law:
            pre = float(law.split("prefactor = ")[1].split("\n")[0])
            ea = float(law.split("activation_energy = ")[1])
            return pre * np.exp(-ea / T)
        return float(law.split("value = ")[1]) * np.ones_like(T)

    def f(T):
        G = np.array([H - T * S for _, H, S, _ in states])
        w = np.exp(-(G - G.min(axis=0)) / T)
        w /= w.sum(axis=0)
        return sum(w[i] * D_of(states[i][3], T) for i in range(len(states)))
    return f


summary = {}

# 1. Damkoehler sweep: PDE steady state -> local-equilibrium (covariance) prediction
fig, ax = plt.subplots(figsize=(6, 4.5))
for key, D_slow in (("two", 0.1), ("three", 0.05)):
    nus = np.logspace(-1, 4, 11)
    devs = [departure(run(f"da_{key}_{i}", multistate_case(STATES[key], nu)),
                      mean_D(STATES[key])) for i, nu in enumerate(nus)]
    Da = nus / D_slow
    summary[f"damkoehler_{key}"] = {"Da": Da.tolist(), "departure": devs}
    ax.loglog(Da, devs, "o-", label=f"{key} states")
ax.loglog(Da[-4:], devs[-4] * (Da[-4:] / Da[-4]) ** -0.5, "k--", label=r"Da$^{-1/2}$")
ax.set_xlabel(r"Damköhler number Da = $\nu L^2 / D_{\rm slow}$")
ax.set_ylabel(r"max $|\ln P - \ln P_{\rm eq}|$ (covariance prediction)")
ax.set_title("Approach to the local-equilibrium Soret coefficient")
ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(OUT, "damkoehler.png"), dpi=120)

# 2. Sign inversion: the formula (thermodrift soret) and the PDE
sj = os.path.join(OUT, "polymer_scan.json")
subprocess.run([EXE, "soret", os.path.join(HERE, "polymer_states.toml"), "-o", sj], check=True,
               stdout=subprocess.DEVNULL)
scan = json.load(open(sj))
Ts = np.array([row["T"] for row in scan["table"]])
S = np.array([row["S_T_cov"] for row in scan["table"]])
r = run("polymer_pde", multistate_case(STATES["polymer"], 1e8, cells=800, T0=0.15, dT=1.2,
                                        barrier=2.0))
T, Seff = r["fields"]["T"], r["fields"]["S_T_eff_P"]
pde_changes = [float(T[i] - Seff[i] * (T[i + 1] - T[i]) / (Seff[i + 1] - Seff[i]))
               for i in range(1, len(T) - 2) if np.sign(Seff[i]) != np.sign(Seff[i + 1])]
summary["sign_inversion"] = {"formula": scan["sign_changes"], "pde": pde_changes}
fig, ax = plt.subplots(figsize=(6, 4.5))
ax.plot(Ts, S, "-", label=r"formula $\partial_T \ln\langle D\rangle_{eq}$")
ax.plot(T[1:-1], Seff[1:-1], ".", ms=3, label=r"PDE $-d\ln P/dT$ (fast kinetics)")
ax.plot(Ts, 1 / Ts, ":", label=r"$S_T^0 = 1/T$")
for t0 in scan["sign_changes"]:
    ax.axvline(t0, color="k", lw=0.8, ls="--")
ax.axhline(0, color="grey", lw=0.5)
ax.set_ylim(-8, 6)
ax.set_xlim(0.1, 1.4)
ax.set_xlabel(r"$T^*$")
ax.set_ylabel(r"$S_T$  [1/T*]")
ax.set_title("Sign inversion of S_T (two conformations, Einstein D)")
ax.legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(OUT, "sign_inversion.png"), dpi=120)

# 3. Dimerization: fast-kinetics identity and concentration-dependent S_T of the total
fig, axs = plt.subplots(1, 2, figsize=(11, 4.5))
summary["dimer"] = {}
for total in (0.05, 0.5, 5.0, 50.0):
    r = run(f"dimer_{total}", dimer_case(total, 1e5))
    T, c1, c2 = r["fields"]["T"], r["fields"]["c_A"], r["fields"]["c_A2"]
    D1, D2, K = np.exp(-0.3 / T), 0.2, 0.5 * np.exp(1.0 / T)
    F = D1 * c1 + 2 * D2 * K * c1 ** 2
    M = c1 + 2 * c2
    S_pde = -np.gradient(np.log(M), T)
    # local-equilibrium prediction: F = const, c1(T) from the quadratic, M = c1 + 2 K c1^2
    Fm = F.mean()
    c1_eq = (-D1 + np.sqrt(D1 ** 2 + 8 * D2 * K * Fm)) / (4 * D2 * K)
    M_eq = c1_eq + 2 * K * c1_eq ** 2
    S_eq = -np.gradient(np.log(M_eq), T)
    summary["dimer"][str(total)] = {"F_spread": float((F.max() - F.min()) / F.mean()),
                                    "S_T_mid": float(S_pde[len(T) // 2])}
    axs[0].plot(T, F / Fm, label=f"total {total}")
    line, = axs[1].plot(T[1:-1], S_pde[1:-1], "-", label=f"PDE, total {total}")
    axs[1].plot(T[2:-2:20], S_eq[2:-2:20], "o", color=line.get_color(), mfc="none", ms=4)
axs[0].set_xlabel(r"$T^*$")
axs[0].set_ylabel(r"$(D_1 c_1 + 2 D_2 K c_1^2)$ / mean")
axs[0].set_title("Fast-kinetics identity (k = 1e5)")
axs[0].legend(fontsize=8)
axs[1].set_xlabel(r"$T^*$")
axs[1].set_ylabel(r"$-d \ln(c_1 + 2 c_2)/dT$")
axs[1].set_title("S_T of the monomer total depends on concentration\n(lines: PDE, circles: "
                 "local equilibrium)")
axs[1].legend(fontsize=8)
fig.tight_layout()
fig.savefig(os.path.join(OUT, "dimerization.png"), dpi=120)

# 4. One state with an Einstein diffusivity D = kB T / R: S_T = 1/T exactly
# (Liang et al. 2022, Sec. 6)
text = HEADER.format(cells=64, T0=0.5, dT=2.0) + """[[species]]
name = "m"
alpha = 1.0
[species.diffusivity]
type = "einstein"
friction = 3.0
[species.initial]
value = 1.0
"""
r = run("einstein", text)
T, c = r["fields"]["T"], r["fields"]["c_m"]
# between neighbouring centres: -d ln c / dT against 1/T at the mid temperature
S_disc = -np.diff(np.log(c)) / np.diff(T)
# exact for c ~ 1/T: -(ln c2 - ln c1)/(T2 - T1) = 1/(logarithmic mean of T1, T2)
T_log = np.diff(T) / np.diff(np.log(T))
summary["einstein"] = {"max_rel_error": float(np.max(np.abs(S_disc * T_log - 1.0)))}
fig, ax = plt.subplots(figsize=(6, 4.5))
ax.plot(T_log, S_disc, "o", ms=3, label=r"PDE: $-\Delta \ln c/\Delta T$ between cells")
ax.plot(T_log, 1 / T_log, "-", label=r"$1/T$ (phase-space result)")
ax.set_xlabel(r"$T^*$ (logarithmic mean of neighbouring cells)")
ax.set_ylabel(r"$S_T$ [1/T*]")
ax.set_title("Einstein diffusivity of one state: S_T = 1/T")
ax.legend()
fig.tight_layout()
fig.savefig(os.path.join(OUT, "einstein.png"), dpi=120)

with open(os.path.join(OUT, "summary.json"), "w") as f:
    json.dump(summary, f, indent=1)
print(json.dumps(summary, indent=1))
