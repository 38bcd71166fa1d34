/// @file FittedLaw.cpp  TemperatureLaw `type = "fitted"`: a law read from a transport-parameter
/// file written by `thermodrift fit` (io/ParamFile.h), converted into the case's units.
///   file = "params.toml"       (relative to the case file)
///   parameter = "S_T"          a scalar parameter (constant law) or a [laws.NAME] entry
///                              (e.g. an Arrhenius D(T) from fitted D0 and E_a)
///   uncertainty_shift = 0.0    value + shift * uncertainty (sensitivity runs; constant only)
#include <fmt/format.h>

#include "core/Paths.h"
#include "io/ParamFile.h"
#include "models/TemperatureLaw.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kFile{"file",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "transport-parameter file written by `thermodrift fit`"};
const ParamSpec kParameter{"parameter",
                           T::String,
                           "",
                           K::dimensionless,
                           Range::any(),
                           {},
                           "name of a [parameters.X] or [laws.X] entry of the file"};
const ParamSpec kShift{"uncertainty_shift",
                       T::Real,
                       "0.0",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "use value + shift * uncertainty (sensitivity runs; scalar parameters)"};

std::unique_ptr<TemperatureLaw> create(InputSection& s, K kind) {
  std::string path = s.string(kFile);
  path = input_path(s, path);
  const std::string name = s.string(kParameter);
  const double shift = s.real(kShift);
  ParamSet set;
  try {
    set = read_param_file(path);
  } catch (const Error& e) {
    s.fail("file", fmt::format("cannot use parameter file: {}", e.what()));
  }
  // the value of parameter @p ref as a quantity of kind @p want in the case's units
  auto value = [&](const std::string& ref, K want, double sh) {
    const FittedParameter* p = set.find(ref);
    if (p->kind != want)
      s.fail("parameter", fmt::format("'{}' in {} is a {}, but a {} is needed here", ref, path,
                                      units::name_of(p->kind), units::name_of(want)));
    return convert(p->value + sh * p->uncertainty, want, set.units, s.units());
  };
  if (const FittedLaw* law = set.find_law(name)) {
    if (law->type == "arrhenius") {
      if (shift != 0.0) s.fail("uncertainty_shift", "only scalar parameters can be shifted");
      return arrhenius_law(value(law->keys[0].second, kind, 0.0),
                           value(law->keys[1].second, K::energy, 0.0), s.units().kB());
    }
    return constant_law(value(law->keys[0].second, kind, shift));
  }
  if (!set.find(name)) {
    std::string have;
    for (const auto& p : set.parameters) have += (have.empty() ? "" : ", ") + p.name;
    for (const auto& l : set.laws) have += (have.empty() ? "" : ", ") + l.name;
    s.fail("parameter",
           fmt::format("no parameter or law '{}' in {} (it has: {})", name, path, have));
  }
  return constant_law(value(name, kind, shift));
}

TemperatureLawFactory::Registrar reg(
    "fitted",
    "A law from a transport-parameter file written by `thermodrift fit`, converted into the "
    "case's units: a scalar parameter gives a constant law, a `[laws.NAME]` entry its law "
    "(e.g. an Arrhenius D(T) from fitted D0 and E_a). `uncertainty_shift` moves a scalar to "
    "value + shift * uncertainty for sensitivity runs.",
    &create, {&kFile, &kParameter, &kShift});
}  // namespace

}  // namespace td
