#!/usr/bin/python3
"""Write a LAMMPS data file (atom_style full, `real` units) of SPC/E water with a few TraPPE-UA
methanol molecules, for the eHEX Soret protocol (`ehex_mixture`, profiles along z).

Water, SPC/E: Berendsen, Grigera and Straatsma, "The missing term in effective pair
potentials", J. Phys. Chem. 91, 6269 (1987), doi:10.1021/j100308a038: O-H 1.0 Angstrom,
H-O-H 109.47 degrees, charges O -0.8476 e, H +0.4238 e (LJ parameters in water_methanol.settings).
Methanol, TraPPE-UA: Chen, Potoff and Siepmann, "Monte Carlo calculations for alcohols and
their mixtures with alkanes. Transferable potentials for phase equilibria. 5. United-atom
description of primary, secondary, and tertiary alcohols", J. Phys. Chem. B 105, 3093 (2001),
doi:10.1021/jp003882x: sites CH3, O, H; charges +0.265, -0.700, +0.435 e; fixed bonds CH3-O
1.43 Angstrom and O-H 0.945 Angstrom; CH3-O-H 108.5 degrees.

Geometry: molecules on a simple-cubic lattice of spacing a = (M_w / (rho N_A))^(1/3) for water
at `--density` (1.0 g/cm^3, a = 3.104 Angstrom), nx x ny x nz sites, the box elongated along z
(the eHEX slabs and the profile bins of `ehex_mixture` are along z). Each methanol takes a site
and its +x neighbour (it is about twice the volume of a water molecule): O on the site, CH3
1.43 Angstrom towards the freed neighbour, H in the plane at 108.5 degrees. The methanol sites
are spread evenly along z (so that every profile bin starts with solute) and over x, y. Water
orientations are drawn from a seeded generator: the same arguments give the same file.

Atom types: 1 O (water), 2 H (water), 3 CH3, 4 O (methanol), 5 H (methanol); bond types 1 O-H
(water), 2 CH3-O, 3 O-H (methanol); angle types 1 H-O-H, 2 CH3-O-H. Molecule ids: water first,
then methanol, so that the solute is also "molecule <n_water+1>:<n>".

Usage: python3 make_data.py [--nx 4 --ny 4 --nz 16 --methanol 8] > water_methanol.data
"""
import argparse
import sys

import numpy as np

AVOGADRO = 6.02214076e23  # 1/mol
# masses, g/mol (IUPAC standard atomic weights; CH3 = C + 3 H)
M_O, M_H, M_CH3 = 15.9994, 1.008, 15.035
M_WATER = M_O + 2 * M_H
# SPC/E geometry and charges (Berendsen, Grigera and Straatsma 1987)
SPCE_OH = 1.0  # Angstrom
SPCE_HOH = np.radians(109.47)
Q_OW, Q_HW = -0.8476, 0.4238  # e
# TraPPE-UA methanol geometry and charges (Chen, Potoff and Siepmann 2001)
TRAPPE_CO = 1.43  # Angstrom, CH3-O
TRAPPE_OH = 0.945  # Angstrom, O-H
TRAPPE_COH = np.radians(108.5)
Q_CH3, Q_OM, Q_HM = 0.265, -0.700, 0.435  # e


def unit(v):
    return v / np.linalg.norm(v)


def water(o, rng):
    """O and two H of an SPC/E molecule at o, random orientation."""
    q, _ = np.linalg.qr(rng.normal(size=(3, 3)))
    b = SPCE_HOH / 2
    h1 = o + SPCE_OH * (q @ np.array([np.sin(b), 0.0, np.cos(b)]))
    h2 = o + SPCE_OH * (q @ np.array([-np.sin(b), 0.0, np.cos(b)]))
    return [o, h1, h2]


def methanol(o):
    """CH3, O, H of a TraPPE-UA methanol: O at o, CH3 along +x, H in the x-y plane."""
    c = o + TRAPPE_CO * np.array([1.0, 0.0, 0.0])
    t = np.pi - TRAPPE_COH  # angle of O-H away from the -x axis
    h = o + TRAPPE_OH * np.array([-np.cos(t), np.sin(t), 0.0])
    return [c, o, h]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--nx", type=int, default=4)
    ap.add_argument("--ny", type=int, default=4)
    ap.add_argument("--nz", type=int, default=16)
    ap.add_argument("--methanol", type=int, default=8, help="methanol molecules")
    ap.add_argument("--density", type=float, default=1.0, help="water density, g/cm^3")
    ap.add_argument("--seed", type=int, default=2023)
    a = ap.parse_args()
    if a.nx < 2 or a.nx % 2:
        sys.exit("make_data.py: --nx must be even and >= 2 (a methanol takes two sites along x)")
    if not 0 <= a.methanol <= a.nx * a.ny * a.nz // 2:
        sys.exit("make_data.py: --methanol must be in 0..nx*ny*nz/2")
    rng = np.random.default_rng(a.seed)
    spacing = (M_WATER / (a.density * AVOGADRO) * 1e24) ** (1.0 / 3.0)  # Angstrom
    box = spacing * np.array([a.nx, a.ny, a.nz], dtype=float)

    # methanol sites: evenly along z, walking over the (even x, y) columns
    taken = set()
    methanol_sites = []
    columns = [(i, j) for j in range(a.ny) for i in range(0, a.nx, 2)]
    for m in range(a.methanol):
        k = (m * a.nz) // max(a.methanol, 1)
        i, j = columns[(m * 7) % len(columns)]
        while (i, j, k) in taken:
            i, j = columns[(columns.index((i, j)) + 1) % len(columns)]
        taken |= {(i, j, k), (i + 1, j, k)}
        methanol_sites.append((i, j, k))

    atoms, bonds, angles = [], [], []  # atoms: (mol, type, q, xyz)
    mol = 0
    for k in range(a.nz):
        for j in range(a.ny):
            for i in range(a.nx):
                if (i, j, k) in taken:
                    continue
                mol += 1
                o = spacing * (np.array([i, j, k]) + 0.5)
                n0 = len(atoms) + 1
                for t, q, x in zip((1, 2, 2), (Q_OW, Q_HW, Q_HW), water(o, rng)):
                    atoms.append((mol, t, q, x))
                bonds += [(1, n0, n0 + 1), (1, n0, n0 + 2)]
                angles.append((1, n0 + 1, n0, n0 + 2))
    n_water = mol
    for i, j, k in methanol_sites:
        mol += 1
        n0 = len(atoms) + 1
        o = spacing * (np.array([i, j, k]) + 0.5)
        for t, q, x in zip((3, 4, 5), (Q_CH3, Q_OM, Q_HM), methanol(o)):
            atoms.append((mol, t, q, x))
        bonds += [(2, n0, n0 + 1), (3, n0 + 1, n0 + 2)]
        angles.append((2, n0, n0 + 1, n0 + 2))

    mass = n_water * M_WATER + a.methanol * (M_CH3 + M_O + M_H)
    rho = mass / AVOGADRO / (np.prod(box) * 1e-24)
    dof = (6 * n_water + 7 * a.methanol) / len(atoms)  # SHAKE: water rigid, methanol 2 bonds
    out = [
        f"SPC/E water + TraPPE-UA methanol, real units (examples/md_water/make_data.py "
        f"--nx {a.nx} --ny {a.ny} --nz {a.nz} --methanol {a.methanol} --density {a.density} "
        f"--seed {a.seed})",
        "",
        f"{len(atoms)} atoms",
        f"{len(bonds)} bonds",
        f"{len(angles)} angles",
        "",
        "5 atom types",
        "3 bond types",
        "2 angle types",
        "",
    ]
    out += [f"0.0 {box[d]:.6f} {c}lo {c}hi" for d, c in enumerate("xyz")]
    out += ["", "Masses", ""]
    out += [f"1 {M_O}  # O water", f"2 {M_H}  # H water", f"3 {M_CH3}  # CH3 methanol",
            f"4 {M_O}  # O methanol", f"5 {M_H}  # H methanol"]
    out += ["", "Atoms # full", ""]
    out += [f"{n} {m} {t} {q:.4f} {x[0]:.6f} {x[1]:.6f} {x[2]:.6f}"
            for n, (m, t, q, x) in enumerate(atoms, start=1)]
    out += ["", "Bonds", ""]
    out += [f"{n} {t} {i} {j}" for n, (t, i, j) in enumerate(bonds, start=1)]
    out += ["", "Angles", ""]
    out += [f"{n} {t} {i} {j} {k}" for n, (t, i, j, k) in enumerate(angles, start=1)]
    print("\n".join(out))
    print(f"make_data.py: {n_water} water + {a.methanol} methanol ({len(atoms)} atoms), box "
          f"{box[0]:.3f} x {box[1]:.3f} x {box[2]:.3f} Angstrom, {rho:.4f} g/cm^3, methanol "
          f"mole fraction {a.methanol / mol:.4f}, dof_per_atom {dof:.4f}", file=sys.stderr)


if __name__ == "__main__":
    main()
