#!/usr/bin/env python3
"""Write mixture.data: the argon-like LJ binary mixture of examples/md_pipeline as a user would
bring it, a LAMMPS data file in `real` units (Angstrom, g/mol), atom_style atomic.

432 atoms on a simple-cubic lattice of 6 x 6 x 12 sites in a 6 x 6 x 20 sigma box (number
density 0.6 sigma^-3, sigma = 3.405 Angstrom), every 13th site a solute (type 2); the
Langevin equilibration of the protocol melts the lattice. Deterministic: rerunning it gives
the same file. Usage: python3 make_data.py > mixture.data
"""
SIGMA = 3.405  # Angstrom, argon (Araujo-Rocha et al. 2023)
MASS = 39.94  # g/mol
NX, NY, NZ = 6, 6, 12
BOX = (6.0 * SIGMA, 6.0 * SIGMA, 20.0 * SIGMA)
SOLUTE_EVERY = 13

sites = [(i, j, k) for k in range(NZ) for j in range(NY) for i in range(NX)]
lines = ["argon-like LJ binary mixture, LAMMPS real units (examples/md_data_file/make_data.py)",
         "", f"{len(sites)} atoms", "2 atom types", ""]
lines += [f"0.0 {BOX[d]:.6f} {a}lo {a}hi" for d, a in enumerate("xyz")]
lines += ["", "Masses", "", f"1 {MASS}", f"2 {MASS}", "", "Atoms # atomic", ""]
for n, (i, j, k) in enumerate(sites, start=1):
    kind = 2 if n % SOLUTE_EVERY == 0 else 1
    x, y, z = ((i + 0.5) * BOX[0] / NX, (j + 0.5) * BOX[1] / NY, (k + 0.5) * BOX[2] / NZ)
    lines.append(f"{n} {kind} {x:.6f} {y:.6f} {z:.6f}")
print("\n".join(lines))
