#include "io/LammpsUnits.h"

#include <fmt/format.h>

#include <cmath>

#include "core/Error.h"

namespace td::md {

namespace {
using units::Kind;

/// The base units of LAMMPS's `real` and `metal` styles in SI (LAMMPS manual, `units`
/// command): length Angstrom, time fs (real) or ps (metal), temperature K, energy kcal/mol
/// (real) or eV (metal), mass g/mol, pressure atm (real) or bar (metal).
struct AtomicStyle {
  double length, time, energy, mass, pressure;
};
constexpr double kAngstrom = 1e-10;                        // m
constexpr double kKcalPerMol = 4184.0 / units::kAvogadro;  // J (thermochemical calorie)
constexpr double kGramPerMol = 1e-3 / units::kAvogadro;    // kg
constexpr double kAtm = 101325.0;                          // Pa
constexpr double kBar = 1e5;                               // Pa
constexpr double kGramPerCm3 = 1e3;                        // kg/m^3
constexpr AtomicStyle kReal{kAngstrom, 1e-15, kKcalPerMol, kGramPerMol, kAtm};
constexpr AtomicStyle kMetal{kAngstrom, 1e-12, units::kElementaryCharge, kGramPerMol, kBar};

double atomic_scale(const AtomicStyle& a, Kind k) {
  if (k == Kind::mass) return a.mass;
  if (k == Kind::pressure) return a.pressure;
  if (k == Kind::mass_density) return kGramPerCm3;
  // the mass exponent through energy: mass = energy time^2 / length^2
  const units::Dim d = units::dim_of(k);
  const double mass = a.energy * a.time * a.time / (a.length * a.length);
  return std::pow(a.length, d.L) * std::pow(mass, d.M) * std::pow(a.time, d.T);
}
}  // namespace

std::vector<std::string> LammpsUnits::styles() { return {"lj", "real", "metal"}; }

LammpsUnits::LammpsUnits(const std::string& style, const units::UnitSystem& case_units)
    : style_(style), case_(case_units) {
  if (style != "lj" && style != "real" && style != "metal")
    throw Error(fmt::format("unknown LAMMPS unit style '{}'; accepted: lj, real, metal", style));
  if (style == "lj" && !case_units.is_reduced())
    throw Error(
        "LAMMPS `units lj` needs the case in LJ units ([units] system = \"LJ\" with a preset or "
        "sigma, epsilon, mass): the case is in SI, which does not fix sigma, epsilon and mass; "
        "use the `real` or `metal` style, or LJ units");
}

double LammpsUnits::si_scale(Kind k) const {
  if (style_ == "real") return atomic_scale(kReal, k);
  if (style_ == "metal") return atomic_scale(kMetal, k);
  return case_.scale(units::dim_of(k));
}

// `lj` is the case's own system: numbers pass unchanged (no round-off through SI).
double LammpsUnits::to_lammps(double v, Kind k) const {
  if (style_ == "lj") return v;
  return case_.to_si(v, units::dim_of(k)) / si_scale(k);
}

double LammpsUnits::from_lammps(double v, Kind k) const {
  if (style_ == "lj") return v;
  return case_.from_si(v * si_scale(k), units::dim_of(k));
}

std::string LammpsUnits::case_label(Kind k) const { return case_.label(units::dim_of(k)); }

std::string LammpsUnits::units_name() const {
  // lj numbers are in the case's own LJ system, whose name says which (sigma, epsilon, mass);
  // real and metal numbers are the same whatever the case's units
  return style_ == "lj" ? case_.name() : "LAMMPS " + style_;
}

}  // namespace td::md
