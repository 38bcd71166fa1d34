#include "models/Species.h"

#include <fmt/format.h>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "mesh/Mesh.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kName{"name", T::String, "", K::dimensionless, Range::any(), {}, "species name"};
const ParamSpec kAlpha{"alpha", T::Real, "0.0", K::dimensionless, Range::closed(0.0, 1.0), {},
                       "weight of the c grad D drift (0 Fick+Soret, 0.5 Stratonovich, 1 grad(Dc))"};
const ParamSpec kBcType{"type", T::String, "\"no_flux\"", K::dimensionless, Range::any(),
                        {"no_flux", "dirichlet", "robin"}, "boundary condition"};
const ParamSpec kBcValue{"value", T::Real, "", K::number_density, Range::non_negative(), {},
                         "Dirichlet concentration, or exterior concentration of a Robin face"};
const ParamSpec kBcCoef{"coefficient", T::Real, "", K::mass_transfer_coefficient,
                        Range::positive(), {}, "Robin transfer coefficient h in J.n = h (c - c_ext)"};
const ParamSpec kIcUniform{"value", T::Real, "0.0", K::number_density, Range::non_negative(), {},
                           "uniform initial concentration"};
const ParamSpec kIcAmp{"gaussian_amplitude", T::Real, "0.0", K::number_density,
                       Range::non_negative(), {}, "peak of an added Gaussian"};
const ParamSpec kIcCenter{"gaussian_center", T::RealArray, "[0.0, 0.0, 0.0]", K::length,
                          Range::any(), {}, "centre of the Gaussian"};
const ParamSpec kIcWidth{"gaussian_width", T::Real, "1.0", K::length, Range::positive(), {},
                         "standard deviation of the Gaussian"};
const ParamSpec kComposition{"composition", T::String, "\"\"", K::dimensionless, Range::any(),
                             {}, "elementary content, e.g. \"2 A\" for a dimer (default: 1 of "
                             "itself)"};
const char* const kFaces[6] = {"xlo", "xhi", "ylo", "yhi", "zlo", "zhi"};

const KeyDeclaration kSpeciesKeys(
    {"species",
     "",
     "run",
     "One `[[species]]` table per transported species. Flux J = -D grad c - c (alpha grad D + D "
     "S_T grad T). A plain species has the temperature laws `[species.diffusivity]` (positive) "
     "and `[species.soret]` (default 0); a species with internal states lists them instead as "
     "`[[species.states]]` with `[[species.transitions]]` (see `[states]`): each state is a "
     "transported field `c_<state>`, the total `P_<species>` is written beside them, and "
     "initial, Dirichlet and Robin values are totals split over the states at local "
     "equilibrium. Snapshots also hold `S_T_eff_<species>` = -grad ln P . grad T / "
     "|grad T|^2 and the local-equilibrium prediction `S_T_eq_<species>` (`[output] fields` "
     "chooses the fields written).",
     {&kName, &kAlpha, &kComposition}});
const KeyDeclaration kInitialKeys({"species.initial",
                                   "",
                                   "run",
                                   "Initial concentration: uniform value plus a Gaussian.",
                                   {&kIcUniform, &kIcAmp, &kIcCenter, &kIcWidth}});
const KeyDeclaration kBoundaryKeys(
    {"species.boundary.<face>",
     "",
     "run",
     "Boundary condition of a species on one face (`xlo`, `xhi`, `ylo`, `yhi`, `zlo`, `zhi`; "
     "none on periodic axes): `type = \"no_flux\"` (default), `\"dirichlet\"` with `value`, or "
     "`\"robin\"` with `coefficient` h and `value` c_ext (outward flux J.n = h (c - c_ext)). A "
     "species with only no-flux and periodic faces is a closed cell: its total amount is "
     "conserved, and a steady solve keeps the total of the initial state.",
     {&kBcType, &kBcValue, &kBcCoef}});
}  // namespace

bool Species::closed() const {
  for (const auto& b : bc)
    if (b.type == Boundary::Type::dirichlet || b.type == Boundary::Type::robin) return false;
  return true;
}

int Species::count_components(InputSection& s) {
  const auto states = s.sections("states");
  return states.empty() ? 1 : static_cast<int>(states.size());
}

SpeciesInput Species::from_input(InputSection& s, const Mesh& mesh, int first, double Tlo,
                                 double Thi) {
  Species sp;
  sp.name = s.string(kName);
  if (sp.name.empty() || sp.name.find_first_of(" /.[]+<=>") != std::string::npos)
    s.fail("name", fmt::format("species name '{}' must be non-empty without spaces or any of "
                               "/.[]+<=>", sp.name));
  sp.group = sp.name;
  sp.alpha = s.real(kAlpha);
  {
    const std::string comp = s.string(kComposition);
    try {
      sp.composition = comp.empty() ? Composition{{sp.name, 1}} : parse_composition(comp);
    } catch (const Error& e) {
      s.fail("composition", e.what());
    }
  }
  const bool multi = !s.sections("states").empty();
  if (multi) {
    for (const char* k : {"diffusivity", "soret"})
      if (s.has(k))
        s.fail(k, fmt::format("species '{}' has [[species.states]]: give {} per state",
                              sp.name, k));
  } else {
    if (s.has("transitions")) s.fail("transitions", "transitions need [[species.states]]");
    InputSection d = s.section("diffusivity");
    sp.D = make_temperature_law(d, K::diffusivity);
    if (s.has("soret")) {
      InputSection st = s.section("soret");
      sp.S_T = make_temperature_law(st, K::inverse_temperature);
    } else {
      sp.S_T = constant_law(0.0);
      s.section("soret", true);
    }
  }
  {
    InputSection ic = s.section("initial", true);
    sp.initial.uniform = ic.real(kIcUniform);
    sp.initial.amplitude = ic.real(kIcAmp);
    auto c = ic.reals(kIcCenter);
    if (c.size() > 3) ic.fail(kIcCenter.key, "at most three components");
    for (std::size_t a = 0; a < c.size(); ++a) sp.initial.center[a] = c[a];
    sp.initial.width = ic.real(kIcWidth);
    ic.finish();
  }
  InputSection b = s.section("boundary", true);
  for (int f = 0; f < 6; ++f) {
    const int axis = f / 2;
    const bool exists = axis < mesh.dim();
    if (!exists || mesh.axis(axis).periodic) {
      if (b.has(kFaces[f]))
        b.fail(kFaces[f], exists ? fmt::format("inconsistent boundary conditions: axis {} is "
                                               "periodic, so face {} takes no condition",
                                               "xyz"[axis], kFaces[f])
                                 : fmt::format("face {} does not exist in a {}D mesh", kFaces[f],
                                               mesh.dim()));
      sp.bc[f].type = exists ? Boundary::Type::periodic : Boundary::Type::no_flux;
      continue;
    }
    InputSection fs = b.section(kFaces[f], true);
    const std::string type = fs.string(kBcType);
    if (type == "dirichlet") {
      sp.bc[f].type = Boundary::Type::dirichlet;
      sp.bc[f].value = fs.real(kBcValue);
    } else if (type == "robin") {
      sp.bc[f].type = Boundary::Type::robin;
      sp.bc[f].coefficient = fs.real(kBcCoef);
      sp.bc[f].value = fs.real(kBcValue);
    }
    fs.finish();
  }
  b.finish();
  SpeciesInput out;
  if (!multi) {
    out.components.push_back(std::move(sp));
  } else {
    auto st = std::make_shared<StateSet>(read_states(s, sp.name, s.units().kB()));
    out.transitions = read_transitions(s, *st, first, Tlo, Thi);
    for (int i = 0; i < st->size(); ++i) {
      Species c = sp;
      c.name = st->names[i];
      c.D = st->D[i];
      c.S_T = st->S_T[i];
      c.states = st;
      c.state = i;
      out.components.push_back(std::move(c));
    }
  }
  for (const auto& c : out.components) {
    check_temperature_law(*c.D, Tlo, Thi, true, fmt::format("diffusivity of '{}'", c.name));
    check_temperature_law(*c.S_T, Tlo, Thi, false,
                          fmt::format("Soret coefficient of '{}'", c.name));
  }
  s.finish();
  return out;
}

}  // namespace td
