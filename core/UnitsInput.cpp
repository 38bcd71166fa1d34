#include "core/UnitsInput.h"

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

}  // namespace

units::UnitSystem read_units(InputSection& root) {
  root.set_units(units::UnitSystem::si());
  InputSection u = root.section("units", true);
  const std::string system = u.string(kSystem);
  units::UnitSystem out = units::UnitSystem::si();
  if (system == "LJ") {
    std::vector<std::string> presets = units::lj_preset_names();
    presets.emplace_back("custom");
    const ParamSpec kLj{"lj", T::String, "", K::dimensionless, Range::any(), presets,
                        "LJ parameter set"};
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
