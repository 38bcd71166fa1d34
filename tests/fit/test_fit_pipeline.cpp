// `thermodrift fit` end to end on synthetic MD output with known parameters: fix ave/chunk
// profiles of a two-slab (eHEX-like) box with c ~ exp(-S_T (T - 1)) and Poisson-like bin
// noise, and Arrhenius diffusivities; the written transport-parameter file is read back by a
// continuum case through `type = "fitted"` laws (MD -> fit -> continuum pipeline).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>

#include "core/Error.h"
#include "fv/Case.h"
#include "io/ParamFile.h"
#include "io/Readers.h"
#include "tests/support/run_cli.h"

namespace td {
namespace {

constexpr double kS = 0.9, kL = 50.0;  // S_T (1/epsilon), box length (sigma)
const double kSlabs[4] = {10.5, 14.5, 35.5, 39.5};

/// Two-slab temperature: 0.9 in the cold slab centre 12.5, 1.1 at the hot one 37.5.
double T_of(double z) {
  const double zc = 12.5, zh = 37.5;
  if (z >= zc && z <= zh) return 0.9 + 0.2 * (z - zc) / (zh - zc);
  const double zz = z < zc ? z + kL : z;
  return 1.1 - 0.2 * (zz - zh) / (zc + kL - zh);
}

/// Fit input header and the soret_profile table up to its file keys.
const char* kSoretFit = R"([units]
system = "LJ"
lj = "argon"
[output]
file = "params.toml"
report = "report.json"

[[fit]]
type = "soret_profile"
slabs = [10.5, 14.5, 35.5, 39.5]
margin = 1.0
)";

/// A soret_profile table for bad-input checks: its next key is on line 8.
const char* kBadSoret = R"([units]
system = "LJ"
lj = "argon"
[output]
file = "p.toml"
[[fit]]
type = "soret_profile"
)";

std::string make_dir(const char* name) {
  const auto d = std::filesystem::temp_directory_path() / name;
  std::filesystem::create_directories(d);
  return d.string();
}

/// Write T and solute chunk files (<dir>/<prefix>temp.chunk, ...solute.chunk) of 3 blocks;
/// counts N ~ 200 per bin. @p title is the first header line (LAMMPS's default, or a units
/// line as the md set-ups write it).
void write_profiles(const std::string& dir, unsigned seed, const std::string& prefix = "",
                    const std::string& title = "# Chunk-averaged data for fix x and group y") {
  std::mt19937_64 rng(seed);
  std::ofstream ft(dir + "/" + prefix + "temp.chunk"), fc(dir + "/" + prefix + "solute.chunk");
  const std::string h = title + "\n# Timestep Number-of-chunks Total-count\n";
  ft << h << "# Chunk Coord1 Ncount temp\n";
  fc << h << "# Chunk Coord1 Ncount density/number\n";
  const int n = 50;
  for (int b = 0; b < 3; ++b) {
    ft << (b + 1) * 1000 << " " << n << " 2128\n";
    fc << (b + 1) * 1000 << " " << n << " 80\n";
    for (int i = 0; i < n; ++i) {
      const double z = (i + 0.5) * kL / n, T = T_of(z);
      const double mean = 200.0 * std::exp(-kS * (T - 1.0));
      std::normal_distribution<double> g(mean, std::sqrt(mean));
      std::normal_distribution<double> gt(T, 0.002);
      ft << fmt::format("{} {} 42 {:.8f}\n", i + 1, z, gt(rng));
      fc << fmt::format("{} {} {:.6f} {:.8f}\n", i + 1, z, mean, g(rng) / 1000.0);
    }
  }
}

TEST(FitPipeline, SoretArrheniusModelsAndFittedLaws) {
  const std::string dir = make_dir("td_fit_pipeline");
  write_profiles(dir, 5);
  std::ofstream(dir + "/fit.toml") << kSoretFit << R"(temperature_file = "temp.chunk"
concentration_file = "solute.chunk"
bootstrap = 200

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
temperature = 1.0
solute_activation_energy = "E_a_solute"
solvent_activation_energy = "E_a_solvent"
solute_mass = "39.94 u"
solvent_mass = "39.94 u"
measured = "S_T"
)";
  const auto r = test::run_cli("fit fit.toml", dir);
  ASSERT_EQ(r.status, 0) << r.output;
  const ParamSet p = read_param_file(dir + "/params.toml");
  const FittedParameter* s = p.find("S_T");
  ASSERT_NE(s, nullptr);
  // one realisation: within 4 reported standard deviations of the truth
  EXPECT_NEAR(s->value, kS, 4.0 * s->uncertainty) << r.output;
  ASSERT_TRUE(s->bootstrap_sd.has_value());
  EXPECT_GT(*s->bootstrap_sd, 0.0);
  EXPECT_EQ(s->kind, units::Kind::inverse_temperature);
  // Arrhenius data generated with D0 = 0.2, E_a = 2.05 (~1% noise): within 4 sd
  const FittedParameter* ea = p.find("E_a_solute");
  ASSERT_NE(ea, nullptr);
  EXPECT_NEAR(ea->value, 2.05, 4.0 * ea->uncertainty);
  ASSERT_NE(p.find_law("solute"), nullptr);
  // equal masses: the mass-corrected model equals Prigogine's
  EXPECT_DOUBLE_EQ(p.find("S_T_mass_corrected_models")->value,
                   p.find("S_T_prigogine_models")->value);

  // continuum case reading the fitted file, in SI units: values converted through SI
  const std::string case_text = fmt::format(R"([units]
system = "SI"
[mesh]
dim = 1
[mesh.x]
cells = 10
length = 1e-8
[temperature]
type = "linear"
T_ref = 110.0
gradient = [2e9, 0.0, 0.0]
[[species]]
name = "solute"
[species.diffusivity]
type = "fitted"
file = "{0}/params.toml"
parameter = "solute"
[species.soret]
type = "fitted"
file = "{0}/params.toml"
parameter = "S_T"
[species.initial]
value = 1.0
[output]
file = "{0}/unused.h5"
)",
                                            dir);
  auto c = Case::from_string(MPI_COMM_WORLD, case_text, "pipeline.toml");
  const auto lj = units::UnitSystem::lj(*units::lj_preset("argon"));
  const auto& sp = c->system().species()[0];
  const double eps_over_kB = lj.scale(units::dim_of(units::Kind::temperature));
  EXPECT_NEAR(sp.S_T->value(120.0), s->value / eps_over_kB, 1e-12 * std::abs(s->value));
  const double D_lj = p.find("D0_solute")->value * std::exp(-ea->value / (120.0 / eps_over_kB));
  EXPECT_NEAR(sp.D->value(120.0), lj.to_si(D_lj, units::dim_of(units::Kind::diffusivity)),
              1e-9 * lj.to_si(D_lj, units::dim_of(units::Kind::diffusivity)));
}

/// Exact chunk files as LAMMPS writes them in `real` or `metal` units (z in Angstrom, T in K)
/// for a case in argon LJ units: the two-slab T_of(z) profile, ln c linear in T with slope
/// -@p S_per_K between the slabs, and a concentration inside the slabs (widened by less than
/// the 1 sigma margin: bins on the edge of the margin may go either way) that is off that line,
/// so that bins kept or left out in the wrong units change S_T.
void write_angstrom_kelvin_profiles(const std::string& dir, double S_per_K) {
  const auto lj = units::UnitSystem::lj(*units::lj_preset("argon"));
  const double sigma_A = lj.scale(units::dim_of(units::Kind::length)) / 1e-10;
  const double eps_K = lj.scale(units::dim_of(units::Kind::temperature));
  std::ofstream ft(dir + "/temp.chunk"), fc(dir + "/solute.chunk");
  const char* h = "# Chunk-averaged data for fix x and group y\n# Timestep Number-of-chunks Total-count\n";
  ft << h << "# Chunk Coord1 Ncount temp\n1000 50 2128\n";
  fc << h << "# Chunk Coord1 Ncount density/number\n1000 50 80\n";
  for (int i = 0; i < 50; ++i) {
    const double z = (i + 0.5) * kL / 50, T_K = T_of(z) * eps_K;
    const bool slab = (z > 9.8 && z < 15.2) || (z > 34.8 && z < 40.2);
    const double c = slab ? 7.0 : std::exp(-S_per_K * (T_K - eps_K));
    ft << fmt::format("{} {:.17g} 42 {:.17g}\n", i + 1, z * sigma_A, T_K);
    fc << fmt::format("{} {:.17g} 1.6 {:.17g}\n", i + 1, z * sigma_A, c);
  }
}

// soret_profile converts the chunk files' LAMMPS units into the case's: bin centres (Angstrom
// -> sigma, against `slabs`) and temperatures (K -> epsilon/k_B, so S_T per epsilon/k_B).
TEST(FitPipeline, SoretProfileConvertsRealAndMetalChunkFiles) {
  const std::string dir = make_dir("td_fit_soret_real");
  const double S_per_K = 4e-3;
  write_angstrom_kelvin_profiles(dir, S_per_K);
  const double eps_K = units::UnitSystem::lj(*units::lj_preset("argon"))
                           .scale(units::dim_of(units::Kind::temperature));
  for (const char* style : {"real", "metal"}) {
    std::ofstream(dir + "/fit.toml")
        << kSoretFit
        << fmt::format("temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n"
                       "lammps_units = \"{}\"\n",
                       style);
    const auto r = test::run_cli("fit fit.toml", dir);
    ASSERT_EQ(r.status, 0) << r.output;
    const FittedParameter* s = read_param_file(dir + "/params.toml").find("S_T");
    ASSERT_NE(s, nullptr);
    EXPECT_NEAR(s->value, S_per_K * eps_K, 1e-9 * S_per_K * eps_K) << style << r.output;
  }
  // an LJ chunk file needs LJ case units
  std::ofstream(dir + "/si.toml") << "[units]\nsystem = \"SI\"\n[output]\nfile = \"p.toml\"\n"
                                     "[[fit]]\ntype = \"soret_profile\"\nslabs = [1e-9, 2e-9]\n"
                                     "temperature_file = \"temp.chunk\"\n"
                                     "concentration_file = \"solute.chunk\"\n";
  const auto r = test::run_cli("fit si.toml", dir);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("lammps_units"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("si.toml:"), std::string::npos) << r.output;
}

// The protocol of Araujo-Rocha et al. (2023): S_T per replica, mean and spread over replicas.
TEST(FitPipeline, SoretReplicasMeanAndSpread) {
  const std::string dir = make_dir("td_fit_replicas");
  const int n = 8;
  for (int i = 0; i < n; ++i) write_profiles(dir, 100 + i, fmt::format("r{}_", i));
  std::ofstream(dir + "/fit.toml") << kSoretFit << R"(temperature_file = "r{i}_temp.chunk"
concentration_file = "r{i}_solute.chunk"
replicas = 8
)";
  const auto r = test::run_cli("fit fit.toml", dir);
  ASSERT_EQ(r.status, 0) << r.output;
  const ParamSet params = read_param_file(dir + "/params.toml");
  const FittedParameter* s = params.find("S_T");
  ASSERT_NE(s, nullptr);
  const auto rep = nlohmann::json::parse(std::ifstream(dir + "/report.json"))[0];
  const auto st = rep["replica_S_T"].get<std::vector<double>>();
  const auto se = rep["replica_se"].get<std::vector<double>>();
  ASSERT_EQ(st.size(), 8u);
  double mean = 0, var = 0, mse = 0;
  for (int i = 0; i < n; ++i) mean += st[i] / n, mse += se[i] / n;
  for (double v : st) var += (v - mean) * (v - mean) / (n - 1);
  EXPECT_NEAR(s->value, mean, 1e-12);
  EXPECT_NEAR(s->uncertainty, std::sqrt(var / n), 1e-12);
  EXPECT_NEAR(s->value, kS, 4 * s->uncertainty);
  // the spread over replicas is what the per-replica covariance predicts (within 4 sd of the
  // sample sd for 8 replicas)
  EXPECT_NEAR(std::sqrt(var) / mse, 1.0, 4.0 / std::sqrt(2.0 * (n - 1)));
  EXPECT_NE(s->method.find("mean over 8 replicas"), std::string::npos) << s->method;

  std::ofstream(dir + "/bad.toml") << kBadSoret << R"(temperature_file = "r0_temp.chunk"
concentration_file = "r{i}_solute.chunk"
slabs = [10.5, 14.5, 35.5, 39.5]
replicas = 2
)";
  const auto b = test::run_cli("fit bad.toml", dir);
  EXPECT_NE(b.status, 0);
  EXPECT_NE(b.output.find("bad.toml:8: key 'fit[0].temperature_file'"), std::string::npos)
      << b.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.toml"));
}

TEST(FitPipeline, BadInputNamesFileLineKey) {
  const std::string dir = make_dir("td_fit_bad");
  std::ofstream(dir + "/bad.toml") << kBadSoret << R"(temperature_file = "t.chunk"
concentration_file = "c.chunk"
slabs = [10.5, 14.5, 35.5]
)";
  const auto r = test::run_cli("fit bad.toml", dir);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find("bad.toml:10: key 'fit[0].slabs'"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.toml"));
  // a fitted law pointing at a parameter that is not in the file
  std::ofstream(dir + "/p2.toml") << "format = \"thermodrift-transport-parameters-1\"\n"
                                     "[units]\nsystem = \"SI\"\n"
                                     "[parameters.S_T]\nvalue = 1e-3\nuncertainty = 1e-4\n"
                                     "kind = \"inverse_temperature\"\n";
  try {
    Case::from_string(MPI_COMM_WORLD,
                      fmt::format(R"([units]
system = "SI"
[mesh]
dim = 1
[mesh.x]
cells = 4
length = 1.0
[temperature]
type = "linear"
T_ref = 300.0
[[species]]
name = "a"
[species.diffusivity]
type = "fitted"
file = "{}/p2.toml"
parameter = "S_T"
[species.initial]
value = 1.0
[output]
file = "x.h5"
)",
                                  dir),
                      "case.toml");
    FAIL() << "kind mismatch not reported";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("case.toml:16: key 'species[0].diffusivity.parameter'"),
              std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("inverse_temperature"), std::string::npos) << e.what();
  }
}

// Data a fit cannot use are input errors at their key, before any fit runs: no points (an
// empty inline set used to crash the program), and an infinite value in a data file, which
// passed the positivity checks (inf > 0) and bent the fit, or silently took a point's weight.
TEST(FitPipeline, EmptyOrNonFiniteDataAreInputErrors) {
  const std::string dir = make_dir("td_fit_data");
  const std::string head =
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[[fit]]\n"
      "type = \"arrhenius\"\nname = \"solute\"\n";
  std::ofstream(dir + "/empty.toml") << head << "x = []\ny = []\n";
  const auto e = test::run_cli("fit empty.toml -o p.toml", dir);
  EXPECT_NE(e.status, 0) << e.output;
  EXPECT_NE(e.output.find("empty.toml:7: key 'fit[0].x': no data points"), std::string::npos)
      << e.output;
  const std::pair<const char*, const char*> rows[] = {{"inf 0.030 0.001", "x_column"},
                                                      {"0.9 inf 0.001", "y_column"},
                                                      {"0.9 0.030 inf", "sigma_column"}};
  for (const auto& [row, key] : rows) {
    std::ofstream(dir + "/d.dat") << "# T D D_err\n"
                                  << row << "\n1.0 0.04 0.001\n1.1 0.050 0.001\n";
    std::ofstream(dir + "/inf.toml")
        << head
        << "file = \"d.dat\"\nx_column = \"T\"\ny_column = \"D\"\nsigma_column = \"D_err\"\n";
    const auto r = test::run_cli("fit inf.toml -o p.toml", dir);
    EXPECT_NE(r.status, 0) << row << ": " << r.output;
    // the point is named by its line in the data file (the header is line 1)
    EXPECT_NE(
        r.output.find(fmt::format("key 'fit[0].{}': ./d.dat:2: inf is not a finite number", key)),
        std::string::npos)
        << row << ": " << r.output;
  }
  // inline data: the entry, counted from 1
  std::ofstream(dir + "/inline.toml") << head << "x = [0.9, 1.0, 1.1]\ny = [0.03, 0.04, 0.05]\n"
                                      << "sigma = [0.001, 0.0, 0.001]\n";
  const auto z = test::run_cli("fit inline.toml -o p.toml", dir);
  EXPECT_NE(z.status, 0) << z.output;
  EXPECT_NE(z.output.find("key 'fit[0].sigma': entry 2 (0) is out of the accepted range (0, inf)"),
            std::string::npos)
      << z.output;
  EXPECT_FALSE(std::filesystem::exists(dir + "/p.toml"));
}

// [output] report is checked with the parameter file, before any fit runs: the input itself,
// a directory or the parameter file's name failed after the fit, with the parameter file
// already written.
TEST(FitPipeline, ReportNamesThatCannotBeWrittenAreRefusedBeforeTheFit) {
  const std::string dir = make_dir("td_fit_report_names");
  std::filesystem::create_directories(dir + "/folder");
  const std::string head =
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[[fit]]\n"
      "type = \"arrhenius\"\nname = \"D\"\nx = [0.9, 1.0, 1.1]\n"
      "y = [0.03, 0.04, 0.05]\n[output]\nfile = \"p.toml\"\n";
  for (const auto& [report, why] :
       {std::pair<std::string, std::string>{"fit.toml", "an input of this run"},
        {"folder", "it is a directory"},
        {"p.toml", "the parameter file's name too"}}) {
    std::ofstream(dir + "/fit.toml") << head << "report = \"" << report << "\"\n";
    std::filesystem::remove(dir + "/p.toml");
    const auto r = test::run_cli("fit fit.toml", dir);
    EXPECT_NE(r.status, 0) << report;
    EXPECT_NE(r.output.find("key 'output.report': report name " + report + " is not usable: "),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find(why), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir + "/p.toml")) << report;
  }
}

// A bin no particle visited (c = 0 over the blocks used) has no ln c: the fit leaves it out,
// and says so (it did so silently, noted only as a count in the JSON report).
TEST(FitPipeline, EmptyBinsAreLeftOutAndNamed) {
  const std::string dir = make_dir("td_fit_empty_bins");
  write_profiles(dir, 9);
  {
    std::ifstream in(dir + "/solute.chunk");
    std::string text, line;
    while (std::getline(in, line)) {
      std::istringstream is(line);
      std::string chunk, z, count, density, extra;
      // bin 21 (z = 20.5, between the slabs) of every block emptied
      if (is >> chunk >> z >> count >> density && chunk == "21" && !(is >> extra))
        line = "21 " + z + " 0 0";
      text += line + "\n";
    }
    std::ofstream(dir + "/solute.chunk") << text;
  }
  std::ofstream(dir + "/fit.toml") << kSoretFit
                                   << "temperature_file = \"temp.chunk\"\n"
                                      "concentration_file = \"solute.chunk\"\n";
  const auto r = test::run_cli("fit fit.toml", dir);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(r.output.find("thermodrift: warning: soret_profile "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("were left out of the fit, at 20.5"), std::string::npos) << r.output;
  std::ifstream rep(dir + "/report.json");
  const auto j = nlohmann::json::parse(rep);
  EXPECT_EQ(j[0]["warnings"].size(), 1u);
}

// Errors found while a fit runs or reads its data name the input file, line and key that led
// there: a missing chunk file, a missing data file, a column the file does not have, and a
// parameter name no earlier fit wrote.
TEST(FitPipeline, RunTimeErrorsNameFileLineKey) {
  const std::string dir = make_dir("td_fit_runtime_errors");
  write_profiles(dir, 7);
  auto expect = [&](const std::string& table, const std::string& where, const std::string& what) {
    std::ofstream(dir + "/bad.toml") << kBadSoret << table;
    const auto r = test::run_cli("fit bad.toml", dir);
    EXPECT_NE(r.status, 0) << table;
    EXPECT_NE(r.output.find(where), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(what), std::string::npos) << r.output;
    EXPECT_FALSE(std::filesystem::exists(dir + "/p.toml"));
  };
  // soret_profile reads its chunk files when it runs
  expect(
      "temperature_file = \"temp.chunk\"\nconcentration_file = \"missing.chunk\"\n"
      "slabs = [10.5, 14.5, 35.5, 39.5]\n",
      "bad.toml:9: key 'fit[0].concentration_file'", "missing.chunk");
  expect(
      "temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n"
      "temperature_column = \"T\"\nslabs = [10.5, 14.5, 35.5, 39.5]\n",
      "bad.toml:8: key 'fit[0].temperature_file'", "'T'");
  // column data of another fit type: missing file, missing column
  const std::string arr = "[[fit]]\ntype = \"arrhenius\"\n";
  std::ofstream(dir + "/D.dat") << "# T D\n0.9 0.02\n1.0 0.03\n1.1 0.04\n";
  expect(
      "temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n"
      "slabs = [10.5, 14.5, 35.5, 39.5]\n" +
          arr + "file = \"nothere.dat\"\nx_column = \"T\"\ny_column = \"D\"\n",
      "bad.toml:13: key 'fit[1].file'", "nothere.dat");
  expect(
      "temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n"
      "slabs = [10.5, 14.5, 35.5, 39.5]\n" +
          arr + "file = \"D.dat\"\nx_column = \"T\"\ny_column = \"Dx\"\n",
      "bad.toml:15: key 'fit[1].y_column'", "D.dat");
  // soret_models: a parameter name no earlier fit wrote, at its own key
  expect(
      "temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n"
      "slabs = [10.5, 14.5, 35.5, 39.5]\n" +
          arr +
          "name = \"a\"\nfile = \"D.dat\"\nx_column = \"T\"\ny_column = \"D\"\n"
          "[[fit]]\ntype = \"soret_models\"\ntemperature = 1.0\n"
          "solute_activation_energy = \"E_a_a\"\nsolvent_activation_energy = \"E_a_b\"\n"
          "solute_mass = 1.0\nsolvent_mass = 1.0\n",
      "bad.toml:21: key 'fit[2].solvent_activation_energy'", "'E_a_b'");
}

/// An arrhenius [[fit]] table called @p name on three points of D(T) (LJ units).
std::string arrhenius_table(const std::string& name) {
  return "[[fit]]\ntype = \"arrhenius\"\nname = \"" + name +
         "\"\nx = [0.9, 1.0, 1.1]\ny = [0.03, 0.04, 0.05]\n";
}

/// The text of file @p path ("" if it cannot be read).
std::string text_of(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Run `thermodrift fit ARGS` in @p dir and expect it to fail with @p message in its output
/// and without writing @p output (unless empty).
void expect_fit_error(const std::string& dir, const std::string& args, const std::string& message,
                      const std::string& output = "") {
  const auto r = test::run_cli("fit " + args, dir);
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_NE(r.output.find(message), std::string::npos) << "missing: " << message << "\n"
                                                       << r.output;
  if (!output.empty()) EXPECT_FALSE(std::filesystem::exists(dir + "/" + output)) << output;
}

// A failed `fit` leaves an existing parameter file as it was: an output name in a directory
// that does not exist (-o or [output] report) is refused before any fit runs, and both files
// are written as .partial and renamed only when both are complete. The parameter file was
// written and renamed first, and a report that could not be written left it replaced.
TEST(FitPipeline, AFailedRunLeavesTheOldParameterFile) {
  const std::string dir = make_dir("td_fit_all_or_nothing");
  const std::string old_params = "# the parameters of an earlier run\n";
  const std::string head = "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n" + arrhenius_table("D") +
                           "[output]\nfile = \"params.toml\"\n";
  auto reset = [&] {
    for (const char* f : {"params.toml.partial", "report.json", "report.json.partial"})
      std::filesystem::remove(dir + "/" + f);
    std::ofstream(dir + "/params.toml") << old_params;
  };
  // the report in a directory that does not exist: at its key, before the fit
  reset();
  std::ofstream(dir + "/fit.toml") << head << "report = \"missing_dir/report.json\"\n";
  expect_fit_error(dir, "fit.toml",
                   "fit.toml:11: key 'output.report': report name missing_dir/report.json is not "
                   "usable: its directory missing_dir does not exist");
  EXPECT_EQ(text_of(dir + "/params.toml"), old_params);
  // -o in a directory that does not exist: at -o
  std::ofstream(dir + "/fit.toml") << head << "report = \"report.json\"\n";
  expect_fit_error(dir, "fit.toml -o missing_dir/p.toml",
                   "key '-o': output name missing_dir/p.toml is not usable: its directory "
                   "missing_dir does not exist",
                   "report.json");
  // the report cannot be written after the fit (a stopped run's .partial holds its name):
  // neither file is replaced, no .partial of the parameter file is left
  reset();
  std::ofstream(dir + "/report.json.partial") << "left by a stopped run\n";
  expect_fit_error(dir, "fit.toml", "report.json.partial", "params.toml.partial");
  EXPECT_EQ(text_of(dir + "/params.toml"), old_params);
  EXPECT_FALSE(std::filesystem::exists(dir + "/report.json"));
  // both written when both can be
  reset();
  const auto r = test::run_cli("fit fit.toml", dir);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_NE(text_of(dir + "/params.toml"), old_params);
  EXPECT_TRUE(std::filesystem::exists(dir + "/report.json"));
}

// Two [[fit]] tables with one name wrote each other's parameters and two [laws.<name>] tables
// (a parameter file that TOML refuses); the second name is an InputError that names the first.
TEST(FitPipeline, TwoTablesWithOneNameAreAnInputError) {
  const std::string dir = make_dir("td_fit_same_name");
  const std::string head =
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[output]\nfile = \"p.toml\"\n";
  std::filesystem::remove(dir + "/p.toml");
  std::ofstream(dir + "/fit.toml")
      << head << arrhenius_table("solute") << arrhenius_table("solute");
  expect_fit_error(dir, "fit.toml",
                   "fit.toml:13: key 'fit[1].name': the name 'solute' is taken: the [[fit]] "
                   "table fit[0] (fit.toml:8) has it too",
                   "p.toml");
  // the default name of two soret_profile tables: at the second table
  write_profiles(dir, 3);
  const std::string soret =
      "[[fit]]\ntype = \"soret_profile\"\nslabs = [10.5, 14.5, 35.5, 39.5]\n"
      "temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n";
  std::ofstream(dir + "/fit.toml") << head << soret << soret;
  expect_fit_error(dir, "fit.toml",
                   "fit.toml:11: key 'fit[1].name': the name 'S_T' is taken: the [[fit]] table "
                   "fit[0] (fit.toml:6) has it too",
                   "p.toml");
}

// soret_models took any parameter as an activation energy or as the measured S_T (a
// diffusivity D0_a as E_a): each must be of its kind, or it is an error at its key.
TEST(FitPipeline, SoretModelsRefuseParametersOfAnotherKind) {
  const std::string dir = make_dir("td_fit_models_kinds");
  const std::string head =
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[output]\nfile = \"p.toml\"\n" +
      arrhenius_table("a") + arrhenius_table("b") +
      "[[fit]]\ntype = \"soret_models\"\ntemperature = 1.0\nsolute_mass = 1.0\n"
      "solvent_mass = 1.0\nsolvent_activation_energy = \"E_a_b\"\n";
  std::filesystem::remove(dir + "/p.toml");
  std::ofstream(dir + "/fit.toml") << head << "solute_activation_energy = \"D0_a\"\n";
  expect_fit_error(dir, "fit.toml",
                   "fit.toml:22: key 'fit[2].solute_activation_energy': 'D0_a' is a "
                   "diffusivity, not an energy",
                   "p.toml");
  std::ofstream(dir + "/fit.toml")
      << head << "solute_activation_energy = \"E_a_a\"\nmeasured = \"E_a_b\"\n";
  expect_fit_error(dir, "fit.toml",
                   "fit.toml:23: key 'fit[2].measured': 'E_a_b' is an energy, not an "
                   "inverse_temperature",
                   "p.toml");
}

// A column file that states its units (the md set-ups write "# units: SI" beside T in K and
// D in m^2/s) is refused by a fit in other units, at its file key; in the same units it fits.
TEST(FitPipeline, AFileInOtherUnitsIsRefused) {
  const std::string dir = make_dir("td_fit_file_units");
  std::ofstream(dir + "/D.dat") << "# D(T), T in K, D in m^2/s\n"
                                << md::units_line("SI") << "# T D D_err\n"
                                << "100 1.0e-9 1e-11\n110 1.3e-9 1e-11\n120 1.6e-9 1e-11\n";
  const std::string table =
      "[[fit]]\ntype = \"arrhenius\"\nname = \"solute\"\nfile = \"D.dat\"\n"
      "x_column = \"T\"\ny_column = \"D\"\nsigma_column = \"D_err\"\n";
  std::filesystem::remove(dir + "/p.toml");
  std::ofstream(dir + "/lj.toml") << "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n" << table;
  expect_fit_error(dir, "lj.toml -o p.toml",
                   "lj.toml:7: key 'fit[0].file': ./D.dat states its values in SI units "
                   "('# units:' line); this fit reads them in LJ(argon)",
                   "p.toml");
  std::ofstream(dir + "/si.toml") << "[units]\nsystem = \"SI\"\n" << table;
  const auto r = test::run_cli("fit si.toml -o p.toml -q", dir);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/p.toml"));
}

// The md set-ups' profiles state the units of LAMMPS's numbers as their first header line:
// soret_profile refuses a profile in another style than its lammps_units at the file's key
// (Angstrom and K were read as sigma and epsilon/k_B), and fits one in its own.
TEST(FitPipeline, AChunkFileInOtherUnitsIsRefused) {
  const std::string dir = make_dir("td_fit_chunk_units");
  std::ofstream(dir + "/fit.toml") << kSoretFit
                                   << "temperature_file = \"temp.chunk\"\n"
                                      "concentration_file = \"solute.chunk\"\n";
  std::filesystem::remove(dir + "/params.toml");
  write_profiles(dir, 5, "", md::units_comment("LAMMPS metal"));
  expect_fit_error(dir, "fit.toml",
                   "fit.toml:12: key 'fit[0].temperature_file': ./temp.chunk states its values "
                   "in LAMMPS metal units ('# units:' line); this fit reads them in LJ(argon) "
                   "(lammps_units = \"lj\")",
                   "params.toml");
  write_profiles(dir, 5, "", md::units_comment("LJ(argon)"));
  const auto r = test::run_cli("fit fit.toml -q", dir);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(dir + "/params.toml"));
}

// Slabs widened until no bin is left: an error at margin with the counts, not a fit that
// "cannot determine 2 parameters" without file, line or key.
TEST(FitPipeline, NoBinsLeftIsAnErrorAtMargin) {
  const std::string dir = make_dir("td_fit_no_bins");
  write_profiles(dir, 5);
  std::filesystem::remove(dir + "/params.toml");
  std::ofstream(dir + "/fit.toml")
      << "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[[fit]]\ntype = \"soret_profile\"\n"
         "slabs = [10.5, 14.5, 35.5, 39.5]\nmargin = 100.0\n"
         "temperature_file = \"temp.chunk\"\nconcentration_file = \"solute.chunk\"\n";
  expect_fit_error(dir, "fit.toml -o params.toml",
                   "fit.toml:7: key 'fit[0].margin': 0 bins of 50 are left for the fit, which "
                   "needs more than 2: 50 lie in the slabs widened by margin = 100, 0 have c <= 0",
                   "params.toml");
}

}  // namespace
}  // namespace td
