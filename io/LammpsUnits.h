#pragma once
/// @file LammpsUnits.h  A LAMMPS unit style (`units lj`, `real` or `metal`) on the unit module
/// (core/Units.h): the SI value of one LAMMPS unit of each kind of quantity, and conversions
/// between the case's unit system and the numbers LAMMPS reads and writes. In io so that the
/// fits of LAMMPS output (fit/) read it as well as the md set-ups.
///
/// LAMMPS's `real` and `metal` styles are not coherent systems: masses are in g/mol while
/// energies are in kcal/mol (real) or eV (metal), and pressures in atm or bar. Mass and
/// pressure therefore have their own units here; every other kind is a product of LAMMPS's
/// length, time, temperature and energy units (the dimension's mass exponent counted through
/// energy = mass length^2 / time^2), which is how LAMMPS composes its velocity, force, power
/// and diffusivity units. `lj` is the case's own LJ reduced system, so it needs
/// `[units] system = "LJ"`.
#include <string>
#include <vector>

#include "core/Units.h"

namespace td::md {

class LammpsUnits {
 public:
  /// Style @p style ("lj", "real", "metal") for a case in @p case_units. Throws td::Error for
  /// an unknown style and for `lj` when the case is not in LJ units (LJ units have no SI
  /// value without sigma, epsilon and mass).
  LammpsUnits(const std::string& style, const units::UnitSystem& case_units);

  /// The LAMMPS style name, as given to the `units` command.
  const std::string& style() const { return style_; }
  /// The case's unit system.
  const units::UnitSystem& case_units() const { return case_; }
  /// SI value of one LAMMPS unit of kind @p k in this style (e.g. real, energy: 4184/N_A J).
  double si_scale(units::Kind k) const;
  /// A value of kind @p k in the case's units -> the LAMMPS number.
  double to_lammps(double v, units::Kind k) const;
  /// A LAMMPS number of kind @p k -> the case's units.
  double from_lammps(double v, units::Kind k) const;
  /// The case's unit label of kind @p k ("K", "epsilon/k_B", ...).
  std::string case_label(units::Kind k) const;
  /// The unit system of the numbers LAMMPS writes in this style, as a file's `# units:` line
  /// names it (md::units_line): the case's LJ system for lj (e.g. "LJ(argon)"), else
  /// "LAMMPS real" or "LAMMPS metal".
  std::string units_name() const;

  /// The styles accepted: lj, real, metal.
  static std::vector<std::string> styles();

 private:
  std::string style_;
  units::UnitSystem case_;
};

}  // namespace td::md
