#include "core/UnitsInput.h"

#include "core/KeyRegistry.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kSystem{"system", T::String, "\"SI\"", K::dimensionless, Range::any(),
                        {"SI", "LJ"}, "unit system of every number in this file"};
const ParamSpec kSigma{"sigma", T::Real, "", K::length, Range::positive(), {},
                       "LJ length unit (custom set; give a unit, e.g. \"0.34 nm\")"};
const ParamSpec kEpsilon{"epsilon", T::Real, "", K::energy, Range::positive(), {},
                         "LJ energy unit (custom set)"};
const ParamSpec kMass{"mass", T::Real, "", K::mass, Range::positive(), {},
                      "LJ mass unit (custom set)"};

std::vector<std::string> lj_choices() {
  std::vector<std::string> c = units::lj_preset_names();
  c.emplace_back("custom");
  return c;
}
const ParamSpec kLj{"lj",
                    T::String,
                    "",
                    K::dimensionless,
                    Range::any(),
                    {},
                    "LJ parameter set: a preset or \"custom\" (system = \"LJ\" only)",
                    {},
                    &lj_choices};

const KeyDeclaration kUnitsKeys(
    {"units",
     "",
     "run kmc bd lattice soret fit md",
     "Unit system of every number in the file (and in the files it names, e.g. a lattice file). "
     "Real values are numbers in this system or strings `\"value unit\"` (e.g. `\"0.09 eV\"`, "
     "`\"76.5 K/nm\"`, `\"3.405 Angstrom\"`), converted after a dimension check; units known "
     "to the parser: m cm mm um nm Ang Angstrom, kg g u amu, s ms us ns ps fs, K, J kJ eV meV "
     "cal kcal, mol, Pa kPa MPa GPa bar atm, N W Hz, combined with `*`, space, `/`, `^n` and "
     "parentheses. In LJ units k_B = 1, temperature is in epsilon/k_B and time in "
     "tau = sigma sqrt(m/epsilon); `sigma`, `epsilon` and `mass` are read for `lj = \"custom\"` "
     "only.",
     {&kSystem, &kLj, &kSigma, &kEpsilon, &kMass}});

}  // namespace

units::UnitSystem read_units(InputSection& root) {
  root.set_units(units::UnitSystem::si());
  InputSection u = root.section("units", true);
  const std::string system = u.string(kSystem);
  units::UnitSystem out = units::UnitSystem::si();
  if (system == "LJ") {
    const std::string name = u.string(kLj);
    units::LJParameters p;
    if (name == "custom") {
      p.sigma = u.real(kSigma);
      p.epsilon = u.real(kEpsilon);
      p.mass = u.real(kMass);
      p.name = "custom";
    } else {
      p = *units::lj_preset(name);
    }
    out = units::UnitSystem::lj(p);
  }
  u.finish();
  root.set_units(out);
  return out;
}

}  // namespace td
