// Solvation free energy of one solute atom (md/FreeEnergy.h, `solvation_free_energy`): the
// estimators on inputs with known answers, then real LAMMPS runs (seconds): the ideal-gas limit
// (no solute-solvent interaction) is zero by both routes, Widom insertion and thermodynamic
// integration agree within their combined errors for an LJ solute in an LJ liquid, and bad
// input stops with file, line and key.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <mpi.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "io/ParamFile.h"
#include "io/Readers.h"
#include "md/FreeEnergy.h"
#include "md/Setup.h"
#include "tests/support/case_dir.h"

namespace td::md {
namespace {

namespace fs = std::filesystem;
using test::expect_failure;
using test::replace;
using test::run_case;

TEST(FreeEnergy, GaussLegendreIsExactToDegreeTwoNMinusOne) {
  for (int n = 1; n <= 12; ++n) {
    const Quadrature q = gauss_legendre01(n);
    ASSERT_EQ(q.x.size(), static_cast<std::size_t>(n));
    for (int d = 0; d <= 2 * n - 1; ++d) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += q.w[k] * std::pow(q.x[k], d);
      EXPECT_NEAR(s, 1.0 / (d + 1), 1e-13) << "n = " << n << ", degree " << d;
    }
    // degree 2n is beyond the rule: its error is the Gauss-Legendre remainder on [0, 1],
    // (n!)^4 / ((2n + 1) ((2n)!)^2) for x^(2n) (resolved above rounding up to n = 6)
    if (n <= 6) {
      double s = 0;
      for (int k = 0; k < n; ++k) s += q.w[k] * std::pow(q.x[k], 2 * n);
      const double remainder =
          std::pow(std::tgamma(n + 1.0), 4) / ((2 * n + 1) * std::pow(std::tgamma(2 * n + 1.0), 2));
      EXPECT_NEAR((1.0 / (2 * n + 1) - s) / remainder, 1.0, 1e-6) << n;
    }
    for (int k = 1; k < n; ++k) EXPECT_GT(q.x[k], q.x[k - 1]);
    EXPECT_GT(q.x.front(), 0.0);
    EXPECT_LT(q.x.back(), 1.0);
  }
  EXPECT_THROW(gauss_legendre01(0), Error);
}

TEST(FreeEnergy, WidomEstimateAndItsError) {
  const double kT = 1.3, mu = -0.7;
  // equal blocks: the exact mu, no spread
  const Estimate e = widom_free_energy(std::vector<double>(4, std::exp(-mu / kT)), kT);
  EXPECT_NEAR(e.value, mu, 1e-14);
  EXPECT_EQ(e.sd, 0.0);
  // blocks 1 and 3: mean 2, standard error 1 -> G = -kT ln 2, error kT / 2
  const Estimate f = widom_free_energy({1.0, 3.0}, kT);
  EXPECT_NEAR(f.value, -kT * std::log(2.0), 1e-14);
  EXPECT_NEAR(f.sd, kT / 2, 1e-14);
  EXPECT_THROW(widom_free_energy({0.0, 0.0}, kT), Error);
  EXPECT_THROW(widom_free_energy({1.0}, kT), Error);
}

/// One node per rule point with constant block energies U(lambda(t)) = @p U_of(lambda).
template <class F>
std::vector<CouplingNode> nodes_of(const Quadrature& q, F U_of) {
  std::vector<CouplingNode> out;
  for (double t : q.x) out.push_back({t, std::vector<double>(3, U_of(coupling_lambda(t)))});
  return out;
}

TEST(FreeEnergy, CouplingIntegralOfLinearAndOfSingularIntegrands) {
  const Quadrature q = gauss_legendre01(4);
  // U = lambda U1 with U1 fixed: dU/dlambda = U1, G = U1 (integrand 4 t^3 U1: exact)
  const double U1 = -2.5;
  const Estimate g = integrate_coupling(q, nodes_of(q, [&](double l) { return l * U1; }));
  EXPECT_NEAR(g.value, U1, 1e-13);
  EXPECT_NEAR(g.sd, 0.0, 1e-15);
  // the soft-core limit <dU/dlambda> = C lambda^(-3/4): G = int_0^1 C lambda^(-3/4) = 4 C,
  // infinite integrand in lambda, constant integrand 4 C in t
  const double C = 0.8;
  const Estimate h =
      integrate_coupling(q, nodes_of(q, [&](double l) { return l * C * std::pow(l, -0.75); }));
  EXPECT_NEAR(h.value, 4 * C, 1e-12);
  // errors: independent windows, weights squared
  auto nodes = nodes_of(q, [&](double l) { return l * U1; });
  nodes[1].U = {1.0, 3.0};  // integrand 4 U / t: standard error 4 / t
  const Estimate k = integrate_coupling(q, nodes);
  EXPECT_NEAR(k.sd, q.w[1] * 4.0 / q.x[1], 1e-13);
  EXPECT_THROW(integrate_coupling(gauss_legendre01(3), nodes), Error);
}

TEST(FreeEnergy, TemperatureSlopeInAnyUnits) {
  // G = a + b T with equal errors sigma: slope b exactly, error sigma / sqrt(sum (T - mean T)^2);
  // in LJ units and in SI (argon: 119.8 K, energies in J), the same answer
  const std::vector<double> t{0.9, 1.0, 1.2};
  double mean = 0, sxx = 0;
  for (double x : t) mean += x / 3;
  for (double x : t) sxx += (x - mean) * (x - mean);
  for (const auto& [Tunit, Eunit] : {std::pair{1.0, 1.0}, std::pair{119.8, 1.380649e-23 * 119.8}}) {
    std::vector<double> T, G, err;
    for (double x : t) {
      T.push_back(x * Tunit);
      G.push_back(Eunit * (0.5 - 2.0 * x));
      err.push_back(Eunit * 0.01);
    }
    const Estimate s = temperature_slope(T, G, err);
    const double b = -2.0 * Eunit / Tunit;
    EXPECT_NEAR(s.value / b, 1.0, 1e-8) << Tunit;
    EXPECT_NEAR(s.sd / (0.01 * Eunit / (Tunit * std::sqrt(sxx))), 1.0, 1e-6) << Tunit;
  }
  // exact zeros (no interaction) and exact points on a line: no uncertainty
  EXPECT_EQ(temperature_slope({1.0, 1.5}, {0.0, 0.0}, {0.0, 0.0}).sd, 0.0);
  const Estimate e = temperature_slope({1.0, 1.5, 2.0}, {1.0, 2.0, 3.0}, {0.0, 0.0, 0.0});
  EXPECT_NEAR(e.value, 2.0, 1e-10);
  EXPECT_NEAR(e.sd, 0.0, 1e-12);
  // errors not known at every T: unweighted, the error from the scatter about the line
  // (residuals -1/6, 1/3, -1/6: sd of the slope sqrt(chi2 / (1 dof x sum (T - mean T)^2)))
  const Estimate m = temperature_slope({1.0, 1.5, 2.0}, {1.0, 2.5, 3.0}, {0.1, 0.0, 0.1});
  EXPECT_NEAR(m.value, 2.0, 1e-10);
  EXPECT_NEAR(m.sd, std::sqrt((1.0 / 36 + 1.0 / 9 + 1.0 / 36) / 0.5), 1e-8);
  // two temperatures: the difference quotient, errors added in quadrature
  const Estimate d = temperature_slope({1.0, 1.5}, {1.0, 2.0}, {0.3, 0.4});
  EXPECT_NEAR(d.value, 2.0, 1e-14);
  EXPECT_NEAR(d.sd, 0.5 / 0.5, 1e-14);
  EXPECT_THROW(temperature_slope({1.0}, {1.0}, {0.1}), Error);
  EXPECT_THROW(temperature_slope({1.0, 1.0}, {1.0, 2.0}, {0.1, 0.1}), Error);
}

// ---- real LAMMPS runs ----

/// A 5 x 5 x 5 simple-cubic solvent (type 1, spacing 1.1 sigma) and @p n_solute solute atoms
/// (type 2) at cell centres: a LAMMPS data file, atom_style atomic.
std::string lattice_data(int n_solute) {
  const int n = 5;
  const double a = 1.1;
  std::string atoms;
  int id = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      for (int k = 0; k < n; ++k)
        atoms += fmt::format("{} 1 {} {} {}\n", ++id, i * a, j * a, k * a);
  for (int s = 0; s < n_solute; ++s)
    atoms += fmt::format("{} 2 {} {} {}\n", ++id, (s + 0.5) * a, 0.5 * a, 0.5 * a);
  return fmt::format(
      "lattice liquid for the free-energy tests\n\n{} atoms\n2 atom types\n\n0 {} xlo xhi\n0 {} "
      "ylo yhi\n0 {} zlo zhi\n\nMasses\n\n1 1.0\n2 1.0\n\nAtoms # atomic\n\n{}",
      id, n * a, n * a, n * a, atoms);
}

/// Force field with solute-solvent epsilon @p eps12 ("" leaves the pair to LAMMPS's mixing).
std::string settings(const std::string& eps12, const std::string& style = "lj/cut") {
  return fmt::format(
      "pair_style {} 2.5\npair_coeff 1 1 1.0 1.0\npair_coeff 2 2 1.0 1.0\n{}pair_modify shift "
      "yes\n",
      style, eps12.empty() ? "" : "pair_coeff 1 2 " + eps12 + " 1.0\n");
}

const char* kDataCase = R"([units]
system = "LJ"
lj = "argon"
[md]
type = "solvation_free_energy"
temperatures = [1.0, 1.5]
equilibration_steps = 300
seed = 99
ti_nodes = 3
ti_equilibration_steps = 50
ti_blocks = 2
ti_block_steps = 100
widom_equilibration_steps = 50
widom_blocks = 2
widom_block_steps = 100
widom_insertions = 20
[md.system]
type = "data_file"
data_file = "lattice.data"
settings_file = "ff.in"
units = "lj"
atom_style = "atomic"
solute = "type 2"
[output]
prefix = "fe_"
)";

/// The columns of a free_energy.dat.
Table free_energies(const fs::path& file) { return read_columns(file.string()); }

TEST(FreeEnergyMpi, IdealGasLimitIsZeroByBothRoutes) {
  // solute-solvent epsilon 0: the solute is an ideal-gas particle; G = 0 exactly by TI (the
  // energy is 0), by Widom to rounding (exp(-dU/kT) = 1), and dG/dT = 0. In-process on every
  // rank of the test (on 2 ranks fix widom sums whole-system energies, full_energy).
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const fs::path dir = fs::temp_directory_path() / fmt::format("td_fe_ideal_{}", size);
  if (rank == 0) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "lattice.data") << lattice_data(1);
    std::ofstream(dir / "ff.in") << settings("0.0");
  }
  MPI_Barrier(MPI_COMM_WORLD);
  std::string text = kDataCase;
  text = text.substr(text.find("[md]\n") + 5);  // the [md] table as the document
  text = replace(replace(text, "[md.system]", "[system]"), "[output]\nprefix = \"fe_\"\n", "");
  auto in = InputSection::parse_string(text, (dir / "case.toml").string());
  in.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));
  auto setup = make_md_setup(in);
  const std::string prefix = (dir / "fe_").string();
  const auto files = setup->run(MPI_COMM_WORLD, prefix);
  MPI_Barrier(MPI_COMM_WORLD);
  const Table t = read_columns(prefix + "free_energy.dat");
  ASSERT_EQ(t.rows.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(t.col("G_ti")[i], 0.0);
    EXPECT_EQ(t.col("G_ti_err")[i], 0.0);
    EXPECT_LE(std::abs(t.col("G_widom")[i]), 1e-12);
    EXPECT_LE(t.col("G_widom_err")[i], 1e-12);
  }
  const ParamSet p = read_param_file(prefix + "free_energy.toml");
  for (const char* n : {"dG_dT_widom", "dG_dT_ti"}) {
    const FittedParameter* q = p.find(n);
    ASSERT_NE(q, nullptr) << n;
    EXPECT_EQ(q->kind, units::Kind::entropy);
    EXPECT_LE(std::abs(q->value), 1e-11) << n;
  }
  // every temperature keeps its LAMMPS log and input record and its tables
  for (const char* f : {"T1_log.lammps", "T1_in.lammps", "T1.5_ti.dat", "T1.5_widom.dat"})
    EXPECT_TRUE(fs::exists(prefix + f)) << f;
  EXPECT_EQ(files.back(), prefix + "free_energy.toml");
}

const char* kLjCase = R"([units]
system = "LJ"
lj = "argon"
[md]
type = "solvation_free_energy"
temperatures = [1.1]
equilibration_steps = 2000
seed = 4711
ti_nodes = 8
ti_equilibration_steps = 500
ti_blocks = 4
ti_block_steps = 4000
widom_equilibration_steps = 500
widom_blocks = 6
widom_block_steps = 2500
widom_insertions = 100
[md.system]
box = [5.2, 5.2, 5.2]
n_solvent = 98
n_solute = 1
solute_epsilon = 1.0
[output]
prefix = "fe_"
)";

TEST(FreeEnergy, WidomAndIntegrationAgreeForAnLjSolute) {
  // epsilon = sigma = 1 solute in the LJ liquid at T = 1.1, rho = 0.70: the two routes estimate
  // the same excess chemical potential; each must be resolved (error well below |G|) and the
  // difference within 3 combined standard errors
  const auto run = run_case("md", kLjCase, "fe_lj");
  ASSERT_EQ(run.r.status, 0) << run.r.output;
  const Table t = free_energies(run.dir / "fe_free_energy.dat");
  ASSERT_EQ(t.rows.size(), 1u);
  const double gw = t.col("G_widom")[0], sw = t.col("G_widom_err")[0];
  const double gt = t.col("G_ti")[0], st = t.col("G_ti_err")[0];
  const double sc = std::hypot(sw, st);
  ASSERT_GT(sw, 0.0);
  ASSERT_GT(st, 0.0);
  EXPECT_LT(sc, 0.3 * std::abs(gw)) << run.r.output;
  EXPECT_LT(std::abs(gw - gt), 3.0 * sc) << run.r.output;
  // with one temperature there is no slope and no parameter file
  EXPECT_FALSE(fs::exists(run.dir / "fe_free_energy.toml"));
}

TEST(FreeEnergy, BadInputStopsWithFileLineAndKey) {
  const std::map<std::string, std::string> files{{"lattice.data", lattice_data(1)},
                                                 {"ff.in", settings("1.0")}};
  const std::set<std::string> inputs{"lattice.data", "ff.in"};
  // lj_mixture with two solute atoms
  expect_failure(
      run_case("md", replace(kLjCase, "n_solute = 1", "n_solute = 2"), "fe_bad1", "--dry-run"),
      {"case.toml:", "key 'md.system.n_solute'", "2 solute atoms"});
  expect_failure(run_case("md", replace(kLjCase, "[1.1]", "[1.1, 1.1]"), "fe_bad2", "--dry-run"),
                 {"case.toml:6: key 'md.temperatures'", "given twice"});
  expect_failure(run_case("md", replace(kLjCase, "ti_block_steps = 4000", "ti_block_steps = 4005"),
                          "fe_bad3", "--dry-run"),
                 {"case.toml:12: key 'md.ti_block_steps'", "multiple of sample_every"});
  expect_failure(
      run_case("md", replace(kLjCase, "ti_nodes = 8", "ti_nodes = 1"), "fe_bad4", "--dry-run"),
      {"case.toml:9: key 'md.ti_nodes'", "[2, 40]"});
  // a data file whose pair style fix adapt cannot scale, and a solute chosen by molecule
  expect_failure(
      run_case("md", kDataCase, "fe_bad5", "--dry-run",
               {{"lattice.data", lattice_data(1)}, {"ff.in", settings("1.0", "lj/cut/coul/cut")}}),
      {"key 'md.system.settings_file'", "ff.in:1", "lj/cut/coul/cut"}, inputs);
  expect_failure(run_case("md", replace(kDataCase, "\"type 2\"", "\"molecule 1\""), "fe_bad6",
                          "--dry-run", files),
                 {"key 'md.system.solute'", "atoms of one type"}, inputs);
}

/// A run that stops once LAMMPS has read the system: non-zero exit, the message pieces, and
/// no result table.
void expect_runtime_failure(const test::CaseRun& run, const std::vector<std::string>& needles) {
  EXPECT_NE(run.r.status, 0) << run.r.output;
  for (const auto& n : needles)
    EXPECT_NE(run.r.output.find(n), std::string::npos) << "missing '" << n << "' in:\n"
                                                       << run.r.output;
  EXPECT_FALSE(fs::exists(run.dir / "fe_free_energy.dat"));
  EXPECT_EQ(run.r.output.find("wrote"), std::string::npos) << run.r.output;
}

TEST(FreeEnergy, SystemsThatCannotBeCoupledStopBeforeSampling) {
  // two solute atoms in the data file
  expect_runtime_failure(run_case("md", kDataCase, "fe_bad7", "",
                                  {{"lattice.data", lattice_data(2)}, {"ff.in", settings("1.0")}}),
                         {"key 'md.system.solute'", "2 solute atoms"});
  // the solute-solvent pair left to LAMMPS's mixing rule: fix adapt would be undone
  expect_runtime_failure(run_case("md", kDataCase, "fe_bad8", "",
                                  {{"lattice.data", lattice_data(1)}, {"ff.in", settings("")}}),
                         {"key 'md.system.settings_file'", "did not scale", "pair_coeff"});
}

}  // namespace
}  // namespace td::md
