#pragma once
/// @file CuColumn.h  The EAM copper column of the thermomigration MD of Yang et al. (2026,
/// docs/theory.md#surface-flux, reference 5 there): an FCC Cu column (axis z along [001])
/// standing on a hot Cu substrate and facing a cold wall, in LAMMPS `metal` units (Angstrom,
/// ps, eV, K, bar). Used by the md set-up `cu_column` (md/CuColumn.cpp).
///
/// Geometry, along z (layers of spacing a/2, a the lattice constant): the substrate (full
/// periodic x-y slab, type 1; its bottom `fixed_layers` held fixed, the rest the hot region),
/// the column (a cylinder of Cu, type 1, on the axis x = y = L/2), the wall (full x-y slab,
/// type 2, continuing the lattice right above the column's top layer; its top `fixed_layers`
/// held fixed, the rest the cold region). x and y are periodic, z is closed by the fixed
/// layers (`boundary p p f`).
///
/// Interactions: Cu-Cu by an EAM potential file (Debian package lammps-data), wall-wall by a
/// second instance of the same EAM (the paper does not give the wall's own material), and
/// wall-Cu by the pair phi(r) = eps [(r0/r)^p - (r0/r)^q] of the paper through LAMMPS
/// `pair_style mie/cut` (WallPair), all in `pair_style hybrid/overlay`.
#include <string>
#include <vector>

#include "core/Input.h"
#include "md/LammpsUnits.h"

namespace td::md {

/// The wall-Cu pair phi(r) = eps [(r0/r)^p - (r0/r)^q] (p > q) as LAMMPS `pair_style
/// mie/cut`, whose energy is E = C eps_M [(sigma/r)^gR - (sigma/r)^gA] with
/// C = (gR/(gR - gA)) (gR/gA)^(gA/(gR - gA)) (LAMMPS manual, pair_style mie/cut): sigma = r0,
/// gR = p, gA = q and eps_M = eps / C reproduce phi exactly. Lengths Angstrom, energies eV.
struct WallPair {
  double epsilon = 0.09;  ///< eV
  double r0 = 2.26;       ///< Angstrom
  double p = 8.55;        ///< repulsive exponent
  double q = 4.49;        ///< attractive exponent
  double cutoff = 8.0;    ///< Angstrom

  /// phi(r), eV, for r in Angstrom (unshifted).
  double phi(double r) const;
  /// The prefactor C of mie/cut for exponents (p, q).
  double mie_prefactor() const;
  /// Distance of the minimum of phi, r0 (p/q)^(1/(p - q)), Angstrom.
  double r_min() const;
  /// The pair_coeff arguments after the style name for types (i, j): "eps_M r0 p q cutoff".
  std::string mie_coeff() const;
};

/// Read and validated keys of the column geometry, potentials and thermostats (LAMMPS
/// metal units after reading), and the LAMMPS commands that build the system.
struct CuColumn {
  double lattice = 3.615;     ///< FCC lattice constant a, Angstrom
  double diameter = 60.0;     ///< column diameter, Angstrom
  long cells = 0;             ///< lateral box width in lattice constants
  long substrate_layers = 0;  ///< (001) layers of the substrate, fixed ones included
  long column_layers = 0;     ///< (001) layers of the column
  long wall_layers = 0;       ///< (001) layers of the wall, fixed ones included
  long fixed_layers = 4;      ///< fixed layers at the substrate bottom and the wall top
  std::string eam_file;       ///< absolute path
  std::string eam_style;      ///< "eam" (funcfl) or "eam/alloy" / "eam/fs" (setfl)
  std::string eam_element;    ///< element name of a setfl file
  WallPair wall;
  double T_hot = 1300.0, T_cold = 800.0, T_anneal = 1000.0;  ///< K
  double timestep = 0.001;                                   ///< ps
  double damping = 0.1;                                      ///< Langevin damping time, ps
  long seed = 12345;

  /// Read the keys of @p s (case units, converted through @p u, the metal style).
  void read(InputSection& s, const LammpsUnits& u);
  /// The keys read().
  static std::vector<const ParamSpec*> keys();

  double layer() const { return lattice / 2; }      ///< (001) layer spacing, Angstrom
  double width() const { return cells * lattice; }  ///< lateral box width, Angstrom
  double radius() const { return diameter / 2; }    ///< Angstrom
  double area() const;                              ///< pi R^2, Angstrom^2
  /// z of layer k (the substrate's bottom layer is k = 0), Angstrom.
  double z_layer(long k) const { return static_cast<double>(k) * layer(); }
  long column_bottom() const { return substrate_layers; }                ///< first column layer
  long wall_bottom() const { return substrate_layers + column_layers; }  ///< first wall layer
  long total_layers() const { return wall_bottom() + wall_layers; }

  /// Commands: units, box, atoms, masses, pair styles, groups (cu, wall, sub_fixed,
  /// wall_fixed, fixed, mobile, wall_mobile), the regions `hot` (mobile substrate layers)
  /// and `iface`, fix setforce `sub_hold`/`wall_hold` on the fixed layers (their f_ID[3]:
  /// the z force on them before zeroing, eV/Angstrom), fix nve `col_nve` on `mobile`,
  /// velocities at @p T (K) on `mobile` (seed). No thermostat, no run.
  std::string system_commands(double T) const;
  /// Commands of the anneal at uniform @p T (K): Langevin on all mobile atoms (fix
  /// `col_anneal`). With @p relax_wall, the wall's fixed layers move as one rigid body along
  /// z under the mean force on them (fix aveforce), so that the wall settles where the
  /// column at @p T pushes it with no net load (no thermal-expansion preload).
  std::string anneal_commands(double T, bool relax_wall) const;
  /// Commands that end the anneal: thermostat removed; with @p relax_wall, the wall's fixed
  /// layers stopped and held again (fix setforce `wall_hold`).
  std::string end_anneal_commands(bool relax_wall) const;
  /// Commands of the gradient thermostats: fix `col_hot` (Langevin at T_hot on the Cu atoms
  /// inside region `hot`, through compute temp/region as a bias: LAMMPS fix langevin applies
  /// no force to atoms the bias zeroes) and fix `col_cold` (Langevin at T_cold on
  /// `wall_mobile`).
  std::string gradient_commands() const;
};

}  // namespace td::md
