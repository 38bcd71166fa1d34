// Kinetic Monte Carlo of adatom thermomigration (docs/theory.md#adatom, #stochastic): the sum tree
// selects in proportion to the rates; walker statistics agree with the exact master equation; the
// mean drift obeys the first-order law where its expansion holds and departs from it where not; the
// long-time histogram is the Fokker-Planck steady state of the finite-volume solver; results do not
// depend on the number of MPI ranks. Tolerances are 5 standard errors of the sample at hand.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "models/adatom_K.h"
#include "stochastic/AdatomCase.h"
#include "stochastic/MasterEquation.h"
#include "stochastic/Random.h"
#include "stochastic/RateTree.h"
#include "tests/support/stochastic_cases.h"

using namespace td;
using namespace td::testing;

TEST(RateTree, SelectionFollowsRates) {
  stochastic::RateTree tree(13);
  std::vector<double> r(13);
  for (int i = 0; i < 13; ++i) r[i] = (i % 4 == 3) ? 0.0 : 1.0 + i * i;
  tree.assign([&](std::size_t i) { return r[i]; });
  tree.set(5, 0.5);  // a change after the bulk assignment
  r[5] = 0.5;
  double R = 0;
  for (double v : r) R += v;
  EXPECT_NEAR(tree.total(), R, 1e-12 * R);
  stochastic::Stream rng(3, 0);
  std::vector<long long> n(13, 0);
  const long draws = 400000;
  for (long i = 0; i < draws; ++i) ++n[tree.select(rng.uniform())];
  std::vector<double> p(13);
  for (int i = 0; i < 13; ++i) {
    p[i] = r[i] / R;
    if (r[i] == 0.0) EXPECT_EQ(n[i], 0) << "zero-rate event " << i << " selected";
  }
  const auto [chi, k] = chi_square(n, p);
  EXPECT_LT(chi, chi_bound(k)) << "chi2 = " << chi << " with " << k << " degrees of freedom";
}

TEST(KmcAdatom, MeanMsdAndHistogramMatchMasterEquation) {
  auto c = AdatomCase::from_string(MPI_COMM_SELF,
                                   adatom_case(60, 0.3, -0.002, 0.0, 20000, 200.0, 12.0, 8));
  const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  const auto p = master_equation(c->lattice, c->walkers.start_site, st.time);
  const double x0 = c->lattice.position(c->walkers.start_site)[0];
  for (std::size_t k = 1; k < st.time.size(); ++k) {
    double mx = 0, m2 = 0;
    for (int s = 0; s < c->lattice.sites(); ++s) {
      const double d = c->lattice.position(s)[0] - x0;
      mx += p[k][s] * (x0 + d);
      m2 += p[k][s] * d * d;
    }
    EXPECT_NEAR(st.mean[k][0], mx, 5 * st.sem[k][0]) << "t = " << st.time[k];
    EXPECT_NEAR(st.msd[k], m2, 5 * st.msd_sem[k]) << "t = " << st.time[k];
  }
  const auto [chi, dof] = chi_square(st.histogram, p.back());
  EXPECT_LT(chi, chi_bound(dof)) << "histogram at t_end: chi2 " << chi << ", dof " << dof;
}

// The first-order law holds at the hot end: a (Q - E_m) T'/(kB T^2) ~ 0.1 at T = 0.3. A single
// particle's mean velocity is the flux drift V of the law plus the Ito drift dD/dx,
// -D (Q - E_m) T'/(kB T^2) (kernels::adatom_particle_velocity); Roux and Combe's V taken as a
// particle velocity is 15-20 % too fast (factor Q/(Q - E_m) and its exponential factor).
TEST(KmcAdatom, DriftLawAtTheHotEnd) {
  for (double g : {-0.0008, -0.0038}) {
    const double t = 20.0;
    auto c = AdatomCase::from_string(MPI_COMM_SELF,
                                     adatom_case(80, 0.3, g, 40 * kA, 1000000, t, 40 * kA, 1));
    const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
    const double x0 = st.mean[0][0];
    const double v = (st.mean[1][0] - x0) / t, err = st.sem[1][0] / t;
    // the first-order laws integrated along T(x) over [0, t]
    const double vp = (drift_law_trajectory(*c, x0, st.time, true)[1] - x0) / t;
    const double V = (drift_law_trajectory(*c, x0, st.time, false)[1] - x0) / t;
    EXPECT_GT(v, 0.0) << "the adatom must move to the cold side (+x)";
    EXPECT_NEAR(v, vp, 5 * err) << "grad T = " << g << ": KMC " << v << " +- " << err;
    if (g == -0.0038)
      EXPECT_GT(std::fabs(v - V), 5 * err) << "the flux drift V is not a particle's velocity";
  }
}

// At T = 0.08 the expansion parameter a Q T'/(kB T^2) is 1.3: KMC follows the exact master
// equation and leaves the integrated first-order law.
TEST(KmcAdatom, FirstOrderLawFailsWhenCold) {
  auto c = AdatomCase::from_string(
      MPI_COMM_SELF, adatom_case(24, 0.08, -0.0038, 12 * kA, 40000, 50.0, 12 * kA, 5));
  const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  const auto p = master_equation(c->lattice, c->walkers.start_site, st.time);
  const auto law = drift_law_trajectory(*c, st.mean[0][0], st.time, true);
  const int k = static_cast<int>(st.time.size()) - 1;
  double mx = 0;
  for (int s = 0; s < c->lattice.sites(); ++s) mx += p[k][s] * c->lattice.position(s)[0];
  EXPECT_NEAR(st.mean[k][0], mx, 5 * st.sem[k][0]);
  EXPECT_GT(std::fabs(st.mean[k][0] - law[k]), 5 * st.sem[k][0])
      << "KMC " << st.mean[k][0] << ", first-order law " << law[k];
}

TEST(KmcAdatom, TwoDimensionalDiffusionAtUniformTemperature) {
  auto c = AdatomCase::from_string(MPI_COMM_SELF, R"(
[units]
system = "LJ"
lj = "copper"
[lattice]
dim = 2
sites = [30, 20]
periodic_x = true
periodic_y = true
[temperature]
type = "uniform"
T0 = 0.2
[adatom]
heat_of_transport = 1.9
migration_barrier = 0.23
lattice_spacing = 1.0
[kmc]
walkers = 20000
t_end = 100.0
samples = 4
start = "point"
start_position = [3.0, 3.0]
)");
  const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  const double D = kernels::adatom_diffusivity(1.0, 1.0, kEm, 1.0, 0.2);
  for (std::size_t k = 1; k < st.time.size(); ++k) {
    EXPECT_NEAR(st.msd[k], 4 * D * st.time[k], 5 * st.msd_sem[k]);
    EXPECT_NEAR(st.mean[k][1], st.mean[0][1], 5 * st.sem[k][1]);
  }
}

// A start point outside the lattice's domain, or with a coordinate the lattice does not
// have, is an input error at start_position (it used to start at the nearest site: a typo
// of 1000 for 10 ran from the far end); a point inside starts at its nearest site.
TEST(KmcAdatom, StartPositionOutsideTheDomainIsAnInputError) {
  const std::string far =
      input_error_of<AdatomCase>(adatom_case(40, 0.3, 0.0, 0.0, 10, 1.0, 1000.0));
  EXPECT_NE(far.find("key 'kmc.start_position': x = 1000 lies outside the domain"),
            std::string::npos)
      << far;
  const std::string inside = adatom_case(40, 0.3, 0.0, 0.0, 10, 1.0, 5.0);
  std::string two = inside;
  const std::string one_coordinate = "start_position = [5]";
  two.replace(two.find(one_coordinate), one_coordinate.size(), "start_position = [5.0, 2.0]");
  const std::string extra = input_error_of<AdatomCase>(two);
  EXPECT_NE(extra.find("2 coordinates for a 1D lattice"), std::string::npos) << extra;
  EXPECT_EQ(input_error_of<AdatomCase>(inside), "");
}

TEST(KmcAdatomMpi, IdenticalOnAnyNumberOfRanks) {
  auto c = AdatomCase::from_string(MPI_COMM_WORLD,
                                   adatom_case(40, 0.3, -0.003, 0.0, 3000, 100.0, 5.0, 5));
  const WalkerStatistics a = run_walkers(MPI_COMM_WORLD, c->lattice, c->walkers);
  const WalkerStatistics b = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  EXPECT_EQ(a.hops, b.hops);
  EXPECT_EQ(a.histogram, b.histogram);
  EXPECT_EQ(a.trajectories, b.trajectories);
  EXPECT_EQ(a.msd, b.msd);
  EXPECT_EQ(a.msd_sem, b.msd_sem);
  for (std::size_t k = 0; k < a.time.size(); ++k) {
    EXPECT_EQ(a.mean[k][0], b.mean[k][0]);
    EXPECT_EQ(a.sem[k][0], b.sem[k][0]);
  }
}

namespace {

/// Write Phi(x) of the analytic landscape (linear T, T(0) = T0, gradient g) on @p per_a points
/// per lattice spacing from x = 0 to @p n a, aligned with the sites at a (i + 1/2), as a
/// '# x Phi' column file; returns its path.
std::string write_phi_table(const std::string& name, int n, double T0, double g, int per_a) {
  const std::string path = ::testing::TempDir() + name;
  FILE* f = std::fopen(path.c_str(), "w");
  std::fprintf(f, "# Phi of the analytic landscape\n# x Phi\n");
  for (int k = 0; k <= n * per_a; ++k) {
    const double x = kA * k / per_a, T = T0 + g * x;
    const double phase = 2.0 * M_PI * (x / kA - 0.5);
    std::fprintf(f, "%.17g %.17g\n", x, -kQ / T + kEm / T * 0.5 * (1.0 - std::cos(phase)));
  }
  std::fclose(f);
  return path;
}

/// A phi_table case; @p sites the TOML array body ("10" or "10, 2"), @p extra lattice keys.
std::string phi_case(const std::string& file, const std::string& sites,
                     const std::string& extra = "") {
  return kLjUnits + fmt::format(R"(
[lattice]
sites = [{}]
{}
[adatom]
type = "phi_table"
file = "{}"
lattice_spacing = {}
[kmc]
t_end = 1.0
)",
                                sites, extra, file, kA);
}

/// The message of the InputError that building @p text throws ("" if none).
std::string input_error(const std::string& text) { return input_error_of<AdatomCase>(text); }

}  // namespace

// Phi(x) tabulated from the analytic Q/E_m landscape (kB = 1 in LJ units) on a/8 steps, so
// every site and saddle is a table point: the phi_table model gives the analytic rates to
// round-off, hence the same walkers.
TEST(KmcAdatomPhiTable, TableOfTheAnalyticLandscapeGivesTheAnalyticRates) {
  const int n = 30;
  const double T0 = 0.3, g = -0.004;
  auto ref = AdatomCase::from_string(MPI_COMM_SELF, adatom_case(n, T0, g, 0.0, 10, 1.0, 5.0));
  ASSERT_EQ(ref->rates->analytic()->kB, 1.0);
  auto tab = AdatomCase::from_string(
      MPI_COMM_SELF, phi_case(write_phi_table("phi_analytic.dat", n, T0, g, 8), std::to_string(n)));
  EXPECT_EQ(tab->rates->analytic(), nullptr);
  ASSERT_EQ(tab->lattice.rate.size(), ref->lattice.rate.size());
  for (std::size_t i = 0; i < ref->lattice.rate.size(); ++i)
    EXPECT_NEAR(tab->lattice.rate[i], ref->lattice.rate[i], 1e-12 * ref->lattice.rate[i]) << i;
}

TEST(KmcAdatomPhiTable, BadTablesAreInputErrors) {
  const std::string good = write_phi_table("phi_good.dat", 10, 0.3, -0.004, 4);
  // rows out of order: file and line of the offending row
  const std::string bad = ::testing::TempDir() + "phi_bad.dat";
  FILE* f = std::fopen(bad.c_str(), "w");
  std::fputs("# x Phi\n0.0 -6\n1.0 -5\n0.5 -6\n", f);
  std::fclose(f);
  std::string m = input_error(phi_case(bad, "1"));
  EXPECT_NE(m.find("phi_bad.dat:4"), std::string::npos) << m;
  EXPECT_NE(m.find("adatom.file"), std::string::npos) << m;
  // more sites than the table covers
  m = input_error(phi_case(good, "12"));
  EXPECT_NE(m.find("tabulated on"), std::string::npos) << m;
  // Phi(x) describes 1D lattices only
  m = input_error(phi_case(good, "10, 2", "dim = 2"));
  EXPECT_NE(m.find("lattice.dim"), std::string::npos) << m;
  // a temperature field would be ignored: rejected
  m = input_error(phi_case(good, "10") + "[temperature]\ntype = \"uniform\"\nT0 = 0.3\n");
  EXPECT_NE(m.find("temperature"), std::string::npos) << m;
  // missing file
  m = input_error(phi_case(::testing::TempDir() + "no_such_phi.dat", "10"));
  EXPECT_NE(m.find("no_such_phi.dat"), std::string::npos) << m;
}
