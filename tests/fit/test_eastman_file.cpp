// The Eastman model of `soret_models` computed from a free-energy parameter file (what
// `thermodrift md` type solvation_free_energy writes) instead of a typed dG_dT: the value is
// read, converted from the file's units into the case's and put into S_T = (dG/dT)/(kB T);
// a file, parameter or kind that does not fit is an error at the key that named it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "io/ParamFile.h"
#include "tests/support/case_dir.h"

namespace td {
namespace {

using test::expect_failure;
using test::replace;
using test::run_case;

constexpr double kDGdT = 0.75, kDGdTsd = 0.05;  // k_B (LJ entropy unit)

/// A parameter file in @p u with dG_dT_ti = kDGdT k_B (converted into @p u) and a parameter of
/// another kind.
std::string free_energy_file(const units::UnitSystem& u) {
  ParamSet s;
  s.units = u;
  s.provenance = {{"tool", "test"}};
  const double kB = u.kB();
  s.add({"dG_dT_ti", units::Kind::entropy, kDGdT * kB, kDGdTsd * kB, std::nullopt, "test", "-"});
  s.add({"G_ti", units::Kind::energy, 1.0, 0.1, std::nullopt, "test", "-"});
  return to_toml(s);
}

const char* kFit = R"([units]
system = "LJ"
lj = "argon"
[output]
file = "params.toml"

[[fit]]
type = "arrhenius"
name = "solute"
x = [0.9, 1.0, 1.1, 1.2]
y = [0.020700, 0.025600, 0.031300, 0.036000]
sigma = [0.00021, 0.00026, 0.00031, 0.00036]

[[fit]]
type = "arrhenius"
name = "solvent"
x = [0.9, 1.0, 1.1, 1.2]
y = [0.0339, 0.0415, 0.0487, 0.0558]

[[fit]]
type = "soret_models"
temperature = 1.25
solute_activation_energy = "E_a_solute"
solvent_activation_energy = "E_a_solvent"
solute_mass = 1.0
solvent_mass = 1.0
dG_dT_file = "fe.toml"
)";

TEST(EastmanFromFile, ComputedFromTheFreeEnergyFileInAnyUnits) {
  const units::UnitSystem argon = units::UnitSystem::lj(*units::lj_preset("argon"));
  for (const auto& u : {argon, units::UnitSystem::si()}) {
    const auto run = run_case("fit", kFit, "eastman_file", "", {{"fe.toml", free_energy_file(u)}});
    ASSERT_EQ(run.r.status, 0) << run.r.output;
    const ParamSet p = read_param_file((run.dir / "params.toml").string());
    const FittedParameter* s = p.find("S_T_eastman_models");
    ASSERT_NE(s, nullptr) << run.r.output;
    // LJ case: kB = 1, S_T = (dG/dT) / T
    EXPECT_NEAR(s->value, kDGdT / 1.25, 1e-12);
    EXPECT_NEAR(s->uncertainty, kDGdTsd / 1.25, 1e-12);
    EXPECT_EQ(s->kind, units::Kind::inverse_temperature);
    EXPECT_NE(s->method.find("dG_dT_ti of"), std::string::npos) << s->method;
  }
}

TEST(EastmanFromFile, EastmanAloneNeedsNoActivationEnergies) {
  const std::string fit = R"([units]
system = "LJ"
lj = "argon"
[output]
file = "params.toml"
[[fit]]
type = "soret_models"
temperature = 1.25
dG_dT_file = "fe.toml"
)";
  const std::map<std::string, std::string> files{
      {"fe.toml", free_energy_file(units::UnitSystem::si())}};
  const auto run = run_case("fit", fit, "eastman_alone", "", files);
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const ParamSet p = read_param_file((run.dir / "params.toml").string());
  ASSERT_EQ(p.parameters.size(), 1u);
  EXPECT_NEAR(p.find("S_T_eastman_models")->value, kDGdT / 1.25, 1e-12);
  // one activation energy without the other; nothing to evaluate
  expect_failure(
      run_case("fit", fit + "solute_activation_energy = \"E_a\"\n", "eastman_bad5", "", files),
      {"key 'fit[0].solvent_activation_energy'", "both"}, {"fe.toml"});
  expect_failure(run_case("fit", replace(fit, "dG_dT_file = \"fe.toml\"\n", ""), "eastman_bad6"),
                 {"key 'fit[0].solute_activation_energy'", "no model to evaluate"});
}

TEST(EastmanFromFile, BadReferencesStopAtTheirKey) {
  const std::map<std::string, std::string> files{
      {"fe.toml", free_energy_file(units::UnitSystem::si())}};
  const std::set<std::string> inputs{"fe.toml"};
  expect_failure(run_case("fit", replace(kFit, "\"fe.toml\"", "\"missing.toml\""), "eastman_bad1"),
                 {"case.toml:27: key 'fit[2].dG_dT_file'", "missing.toml"});
  expect_failure(run_case("fit", std::string(kFit) + "dG_dT_parameter = \"dG_dT_widom\"\n",
                          "eastman_bad2", "", files),
                 {"case.toml:28: key 'fit[2].dG_dT_parameter'", "no parameter 'dG_dT_widom'",
                  "dG_dT_ti, G_ti"},
                 inputs);
  expect_failure(run_case("fit", std::string(kFit) + "dG_dT_parameter = \"G_ti\"\n", "eastman_bad3",
                          "", files),
                 {"key 'fit[2].dG_dT_parameter'", "'G_ti' is of kind energy, not entropy"}, inputs);
  expect_failure(run_case("fit", std::string(kFit) + "dG_dT = 0.5\n", "eastman_bad4", "", files),
                 {"key 'fit[2].dG_dT_file'", "not both"}, inputs);
}

}  // namespace
}  // namespace td
