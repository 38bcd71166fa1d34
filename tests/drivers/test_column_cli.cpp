// `thermodrift backstress`, `thermodrift column` and the values of `thermodrift units` from the
// command line: the stall relation both ways, a column run that writes its tables, and bad inputs
// that name file, line and key and leave no output behind.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/case_dir.h"

namespace fs = std::filesystem;

namespace {

constexpr double kEV = 1.602176634e-19;

nlohmann::json json_of(const std::string& out) {
  const auto brace = out.find('{');
  EXPECT_NE(brace, std::string::npos) << out;
  return nlohmann::json::parse(out.substr(brace));
}

TEST(BackstressCli, StressFromTemperatures) {
  const auto r = td::test::run_cli(
      "backstress -Q \"0.17 eV\" --omega \"1.18e-29 m^3\" --T-hot 1300 --T-cold \"800 K\" --json");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = json_of(r.output);
  const double expect = 0.17 * kEV * std::log(1300.0 / 800.0) / 1.18e-29;
  EXPECT_NEAR(j["delta_sigma_Pa"].get<double>(), expect, 1e-12 * expect);
  EXPECT_EQ(j["mode"], "stress_from_temperatures");
}

TEST(BackstressCli, TemperatureDifferenceFromStress) {
  const auto r = td::test::run_cli(
      "backstress -m Cu --T-hot \"673.15 K\" --delta-sigma \"75 MPa\" -L \"115 nm\" --json");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = json_of(r.output);
  const double Tc = 673.15 * std::exp(-1.18e-29 * 75e6 / (0.17 * kEV));
  EXPECT_NEAR(j["T_cold_K"].get<double>(), Tc, 1e-9 * Tc);
  EXPECT_NEAR(j["mean_gradient_K_per_m"].get<double>(), (673.15 - Tc) / 115e-9,
              1e-6 * (673.15 - Tc) / 115e-9);
}

TEST(BackstressCli, RejectsBothOrNeither) {
  auto r = td::test::run_cli("backstress -m Cu --T-hot 600");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("exactly one of --T-cold"), std::string::npos) << r.output;
  r = td::test::run_cli("backstress -m Cu --T-hot 600 --T-cold 700");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--T-cold = 700 K must lie in (0, T_hot = 600 K]"), std::string::npos)
      << r.output;
  r = td::test::run_cli("backstress -m Cu --T-hot 600 --delta-sigma \"3 eV\"");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--delta-sigma"), std::string::npos) << r.output;
  // an unknown preset names the option, not a made-up file
  r = td::test::run_cli("backstress -m cu --T-hot 700 --T-cold 600");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("--material cu: unknown value \"cu\"; accepted: \"Ag\", \"Al\", \"Cu\""),
            std::string::npos)
      << r.output;
  EXPECT_EQ(r.output.find("<preset>"), std::string::npos) << r.output;
}

TEST(BackstressCli, NonFiniteValuesAndResultsAreRefused) {
  // inf passed the "> 0" checks and came out as inf, 0 K or JSON nulls with exit 0
  const std::pair<const char*, const char*> refused[] = {
      {"-m Cu --T-hot inf --T-cold 300", "--T-hot inf: not a finite number"},
      {"-m Cu --T-hot 700 --delta-sigma inf", "--delta-sigma inf: not a finite number"},
      {"-m Cu --T-hot 700 --T-cold 600 -L inf", "--length inf: not a finite number"},
      {"-Q inf --omega 1e-29 --T-hot 700 --T-cold 600", "--heat-of-transport inf"},
      {"-Q \"0.17 eV\" --omega nan --T-hot 700 --T-cold 600", "--omega nan"},
      {"-m Cu --T-hot 700 --delta-sigma 1e30", "below the smallest positive double"}};
  for (const auto& [args, why] : refused) {
    const auto r = td::test::run_cli(std::string("backstress ") + args + " --json");
    EXPECT_NE(r.status, 0) << args;
    EXPECT_NE(r.output.find(why), std::string::npos) << args << ": " << r.output;
  }
}

TEST(UnitsCli, NonFiniteAndNonDecimalValuesAreRefused) {
  const std::pair<const char*, const char*> refused[] = {
      {"-k length -v nan --from lj", "'nan' is not a finite number"},
      {"-k length -v inf --from lj", "'inf' is not a finite number"},
      {"-k length -v nan", "'nan' is not a finite number"},
      {"-k length -v 0x10 --from lj", "'0x10' is not a decimal number"},
      {"-k length -v 1e-320 --from lj", "outside the range of a double"},
      {"-k number_density -v 1e300 --from lj", "outside the range of a double"}};
  for (const auto& [args, why] : refused) {
    const auto r = td::test::run_cli(std::string("units --lj argon ") + args);
    EXPECT_NE(r.status, 0) << args;
    EXPECT_NE(r.output.find(why), std::string::npos) << args << ": " << r.output;
  }
  // argon's sigma is 3.405 Angstrom
  const auto r = td::test::run_cli("units --lj argon -k length -v 2.5 --from lj --json");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NEAR(json_of(r.output)["to"]["value"].get<double>(), 2.5 * 3.405e-10, 1e-12 * 3.405e-10);
}

const char* kCase = R"([material]
preset = "Cu"

[column]
length = "100 nm"
diameter = "50 nm"
T_hot = "700 K"
T_cold = "650 K"

[column.response]
type = "linear_drag"
friction = "2e14 Pa s/m"

[numerics]
cells = 16

[sweep]
parameter = "length"
values = ["60 nm", "120 nm"]
)";

/// Run `thermodrift column case.toml --json` on @p text in a fresh directory.
td::test::CaseRun run_case(const std::string& text, const std::string& name) {
  return td::test::run_case("column", text, "column_" + name, "--json");
}

using td::test::expect_failure;
using td::test::replace;

TEST(ColumnCli, SweepWritesTablesWithConfig) {
  const auto run = run_case(kCase, "good");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const auto j = json_of(run.r.output);
  ASSERT_EQ(j["sweep"]["rows"].size(), 2u);
  // longer is slower
  EXPECT_LT(j["sweep"]["rows"][1]["speed_m_per_s"].get<double>(),
            j["sweep"]["rows"][0]["speed_m_per_s"].get<double>());
  std::ifstream in(run.dir / "case.csv");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("# friction = 2"), std::string::npos) << text;  // resolved config
  EXPECT_NE(text.find("length_SI,"), std::string::npos) << text;
  EXPECT_TRUE(fs::exists(run.dir / "case_profile.csv"));
}

TEST(ColumnCli, WarnsWhenNotSteady) {
  // far too short a run: the circulation has not closed, and the user is told
  const auto run = run_case(replace(kCase, "cells = 16", "cells = 16\nt_end = \"1 us\""), "short");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  EXPECT_NE(run.r.output.find("not steady at t_end = 1e-06 s"), std::string::npos) << run.r.output;
  const auto steady = run_case(kCase, "long");
  EXPECT_EQ(steady.r.output.find("not steady"), std::string::npos) << steady.r.output;
  // at stall (a core that hardly moves) the net rates vanish: their relative mismatch was
  // rounding noise and warned whatever t_end
  const auto stall =
      run_case(replace(kCase, "friction = \"2e14 Pa s/m\"", "friction = \"1e60 Pa s/m\""), "stall");
  ASSERT_EQ(stall.r.status, 0) << stall.r.output;
  EXPECT_EQ(stall.r.output.find("not steady"), std::string::npos) << stall.r.output;
}

TEST(ColumnCli, NegativeLength) {
  expect_failure(run_case(replace(kCase, "length = \"100 nm\"", "length = \"-100 nm\""), "neg"),
                 {"case.toml:5", "column.length", "-1e-07", "(0, inf)"});
}

TEST(ColumnCli, ColdAboveHot) {
  expect_failure(run_case(replace(kCase, "T_cold = \"650 K\"", "T_cold = \"750 K\""), "cold"),
                 {"case.toml:8", "column.T_cold", "must be below T_hot"});
}

TEST(ColumnCli, UnknownResponseLaw) {
  expect_failure(run_case(replace(kCase, "\"linear_drag\"", "\"viscous\""), "law"),
                 {"case.toml:11", "column.response.type", "viscous", "linear_drag", "power_law"});
}

TEST(ColumnCli, ABareEnergyOfJoulesIsImplausible) {
  // a heat of transport written 0.17 and meant as eV is 0.17 J: IDA failed after 100000
  // steps at t = 2.8e-21 s, far from the input
  expect_failure(
      run_case(replace(kCase, "preset = \"Cu\"", "preset = \"Cu\"\nheat_of_transport = 0.17"),
               "energy"),
      {"case.toml:3", "material.heat_of_transport", "implausible", "did you mean \"0.17 eV\""});
}

TEST(ColumnCli, MisspelledKey) {
  expect_failure(run_case(replace(kCase, "cells = 16", "cell = 16"), "typo"),
                 {"case.toml:15", "numerics.cell", "unknown key"});
  // a required key misspelled: reported as missing, at its table
  expect_failure(run_case(replace(kCase, "friction =", "fricton ="), "typo2"),
                 {"case.toml:10", "column.response.friction", "required key is missing"});
}

TEST(ColumnCli, SweepDeltaTBeyondHot) {
  auto text = replace(kCase, "parameter = \"length\"", "parameter = \"delta_T\"");
  text = replace(text, "values = [\"60 nm\", \"120 nm\"]", "values = [50, 900]");
  expect_failure(run_case(text, "sweep"), {"case.toml:19", "sweep.values", "T_cold"});
}

}  // namespace

namespace {

TEST(ColumnCli, ValidationInputsRunAndConserve) {
  // The inputs in validation/column that compare with Yang et al. (2026) stay valid and circulate
  // without loss.
  for (const char* name : {"cu_yang_free", "cu_yang_drag", "cu_yang_fem_gradient", "cu_md",
                           "cu_md_phonon_Q", "cu_linear_regime"}) {
    const fs::path dir = fs::temp_directory_path() / (std::string("td_colval_") + name);
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(fs::path(TD_SOURCE_DIR) / "validation/column" / (std::string(name) + ".toml"),
                  dir / "case.toml");
    const auto r = td::test::run_cli("column case.toml --json", dir.string());
    ASSERT_EQ(r.status, 0) << name << "\n" << r.output;
    const auto j = json_of(r.output);
    EXPECT_LT(j["base"]["imbalance_out_in"].get<double>(), 1e-8) << name;
    EXPECT_LT(j["base"]["imbalance_in_core"].get<double>(), 1e-8) << name;
  }
}

}  // namespace
