// `thermodrift soret`: JSON output, the derivative and covariance forms agree, sign changes
// are found where S_T vanishes, Einstein states give S_T^0 = 1/T, bad ranges are rejected.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "tests/support/run_cli.h"

TEST(SoretCli, ScanOfThePolymerStates) {
  const auto r = td::test::run_cli(std::string("soret ") + TD_SOURCE_DIR +
                                   "/validation/multistate/polymer_states.toml --json");
  ASSERT_EQ(r.status, 0) << r.output;
  const auto j = nlohmann::json::parse(r.output);
  ASSERT_EQ(j["sign_changes"].size(), 2u);
  for (const auto& row : j["table"]) {
    const double T = row["T"], S = row["S_T"], Sc = row["S_T_cov"];
    EXPECT_NEAR(S, Sc, 1e-7 * std::max(1.0, std::abs(S))) << "T = " << T;
    EXPECT_NEAR(row["S_T_0"].get<double>(), 1.0 / T, 1e-12 / T);  // Einstein states
  }
  // S_T vanishes at the reported temperatures: opposite signs just below and above
  const auto& tab = j["table"];
  for (const auto& t0 : j["sign_changes"]) {
    bool bracketed = false;
    for (std::size_t i = 1; i < tab.size(); ++i)
      if (tab[i - 1]["T"].get<double>() < t0.get<double>() &&
          tab[i]["T"].get<double>() > t0.get<double>())
        bracketed = (tab[i - 1]["S_T"].get<double>() < 0) != (tab[i]["S_T"].get<double>() < 0);
    EXPECT_TRUE(bracketed) << t0;
  }
}

TEST(SoretCli, BadRangeIsAnInputError) {
  const std::string dir = "/tmp/td_soret_bad";
  std::filesystem::create_directories(dir);
  FILE* f = std::fopen((dir + "/s.toml").c_str(), "w");
  std::fputs(
      "[[states]]\nname = \"a\"\n[states.diffusivity]\nvalue = 1.0\n"
      "[range]\nT_min = 2.0\nT_max = 1.0\n",
      f);
  std::fclose(f);
  const auto r = td::test::run_cli("soret s.toml", dir);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("s.toml:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("T_max"), std::string::npos) << r.output;
}

TEST(SoretCli, PlotAndJsonKeepStdoutParsableAndOutputsThatCannotBeWrittenAreRefused) {
  const std::string dir = "/tmp/td_soret_plot";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(
      std::string(TD_SOURCE_DIR) + "/validation/multistate/polymer_states.toml", dir + "/ps.toml");
  // the plot's own report does not land inside the JSON
  auto r = td::test::run_cli("soret ps.toml --json --plot scan.png", dir);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(nlohmann::json::accept(r.output)) << r.output;
  EXPECT_TRUE(std::filesystem::is_regular_file(dir + "/scan.png"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/scan.png.partial"));
  // text mode names the image it wrote
  r = td::test::run_cli("soret ps.toml --plot scan2.png", dir);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("wrote scan2.png"), std::string::npos) << r.output;
  // refused before the work: the input itself, a name without .png, a directory
  for (const std::string& bad : {"-o ps.toml", "--plot scan", "--plot ps.toml", "--plot ."}) {
    r = td::test::run_cli("soret ps.toml " + bad, dir);
    EXPECT_NE(r.status, 0) << bad;
    EXPECT_NE(r.output.find("is not usable"), std::string::npos) << bad << ": " << r.output;
    EXPECT_EQ(r.output.find("S_T changes sign"), std::string::npos) << bad << ": " << r.output;
  }
  std::ifstream in(dir + "/ps.toml");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("[[states]]"), std::string::npos);
}
