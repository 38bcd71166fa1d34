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

// Eastman alone: no activation energies, so no Prigogine models (tests/fit/test_fit_pipeline.cpp
// has them)
const char* kFit = R"([units]
system = "LJ"
lj = "argon"
[output]
file = "params.toml"
[[fit]]
type = "soret_models"
temperature = 1.25
dG_dT_file = "fe.toml"
)";

TEST(EastmanFromFile, ComputedFromTheFreeEnergyFileInAnyUnits) {
  const units::UnitSystem argon = units::UnitSystem::lj(*units::lj_preset("argon"));
  for (const auto& u : {argon, units::UnitSystem::si()}) {
    const auto run = run_case("fit", kFit, "eastman_file", "", {{"fe.toml", free_energy_file(u)}});
    ASSERT_EQ(run.r.status, 0) << run.r.output;
    const ParamSet p = read_param_file((run.dir / "params.toml").string());
    ASSERT_EQ(p.parameters.size(), 1u);
    const FittedParameter* s = p.find("S_T_eastman_models");
    ASSERT_NE(s, nullptr) << run.r.output;
    // LJ case: kB = 1, S_T = (dG/dT) / T
    EXPECT_NEAR(s->value, kDGdT / 1.25, 1e-12);
    EXPECT_NEAR(s->uncertainty, kDGdTsd / 1.25, 1e-12);
    EXPECT_EQ(s->kind, units::Kind::inverse_temperature);
    EXPECT_NE(s->method.find("dG_dT_ti of"), std::string::npos) << s->method;
  }
}

TEST(EastmanFromFile, BadReferencesStopAtTheirKey) {
  const std::map<std::string, std::string> files{
      {"fe.toml", free_energy_file(units::UnitSystem::si())}};
  const std::set<std::string> inputs{"fe.toml"};
  expect_failure(run_case("fit", replace(kFit, "\"fe.toml\"", "\"missing.toml\""), "eastman_bad1"),
                 {"case.toml:9: key 'fit[0].dG_dT_file'", "missing.toml"});
  expect_failure(run_case("fit", std::string(kFit) + "dG_dT_parameter = \"dG_dT_widom\"\n",
                          "eastman_bad2", "", files),
                 {"case.toml:10: key 'fit[0].dG_dT_parameter'", "no parameter 'dG_dT_widom'",
                  "dG_dT_ti, G_ti"},
                 inputs);
  expect_failure(run_case("fit", std::string(kFit) + "dG_dT_parameter = \"G_ti\"\n", "eastman_bad3",
                          "", files),
                 {"key 'fit[0].dG_dT_parameter'", "'G_ti' is of kind energy, not entropy"}, inputs);
  expect_failure(run_case("fit", std::string(kFit) + "dG_dT = 0.5\n", "eastman_bad4", "", files),
                 {"key 'fit[0].dG_dT_file'", "not both"}, inputs);
  // one activation energy without the other; nothing to evaluate
  expect_failure(run_case("fit", std::string(kFit) + "solute_activation_energy = \"E_a\"\n",
                          "eastman_bad5", "", files),
                 {"key 'fit[0].solvent_activation_energy'", "both"}, inputs);
  expect_failure(run_case("fit", replace(kFit, "dG_dT_file = \"fe.toml\"\n", ""), "eastman_bad6"),
                 {"key 'fit[0].solute_activation_energy'", "no model to evaluate"});
}

}  // namespace
}  // namespace td
