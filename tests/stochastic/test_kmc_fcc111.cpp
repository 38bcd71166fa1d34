// The adatom KMC on the fcc and hcp hollows of an FCC(111) surface (`[lattice] type = "fcc111"`,
// docs/stochastic.md): the geometry (hop length a/sqrt(3), three neighbours of the other kind,
// every hop with its reverse); at uniform T with equal hollows the diffusion coefficient of
// the honeycomb net D = Gamma a^2/4, checked against the Bloch matrix of the same net written
// as a lattice file (models/LatticeGas.h) and against the KMC mean squared displacement; with
// hcp hollows dE above fcc, occupancies fcc/hcp = exp(dE/(kB T)) from the exact stationary
// distribution and from the KMC histogram; in a gradient along x, the drift of the 1D chain's
// first-order law with the spacing of the same D_xx (a/2), and the KMC of that chain.
// Tolerances are 5 standard errors of the sample at hand.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "models/LatticeGas.h"
#include "models/adatom_K.h"
#include "stochastic/AdatomCase.h"
#include "stochastic/MasterEquation.h"
#include "tests/support/stochastic_cases.h"

using namespace td;
using namespace td::testing;

namespace {

/// An fcc111 case in LJ copper units with the parameters of Roux and Combe (2023): @p sites
/// "nx, ny", hcp hollows @p dE above fcc, linear T with T(x_ref) = T0 and gradient g along x.
std::string fcc111_case(const std::string& sites, double dE, double T0, double g, double x_ref,
                        long walkers, double t_end, const std::string& start,
                        const std::string& extra = "", int samples = 4) {
  return kLjUnits +
         fmt::format("[lattice]\ntype = \"fcc111\"\nsites = [{}]\nhcp_energy = {}\n{}\n", sites, dE,
                     extra) +
         adatom_landscape(T0, g, x_ref, kA) +
         fmt::format("[kmc]\nwalkers = {}\nseed = 5\nt_end = {}\nsamples = {}\n{}\n", walkers,
                     t_end, samples, start);
}

/// The fcc/hcp net as a lattice file's spec: triangular cell of side a, fcc hollow at 0 and
/// hcp hollow a/sqrt(3) along y, three fcc -> hcp hops and their reverses over a saddle E_m
/// above the fcc hollow.
LatticeSpec honeycomb_spec(double a, double dE, double Em) {
  LatticeSpec L;
  const double l = a / std::sqrt(3.0);
  L.cell = {{{a, 0.0}, {0.5 * a, 0.5 * std::sqrt(3.0) * a}}};
  L.sites = {{"fcc", {0.0, 0.0}, 0.0}, {"hcp", {0.0, l}, dE}};
  for (const auto& d : std::array<std::array<double, 2>, 3>{
           {{0.0, l}, {-0.5 * a, -0.5 * l}, {0.5 * a, -0.5 * l}}}) {
    L.bonds.push_back({0, 1, {0, 0}, d, Em});
    L.bonds.push_back({1, 0, {0, 0}, {-d[0], -d[1]}, Em});
  }
  return L;
}

}  // namespace

TEST(KmcFcc111, GeometryIsTheHoneycombOfHollows) {
  auto c = AdatomCase::from_string(
      MPI_COMM_SELF, fcc111_case("6, 4", 0.0, 0.2, 0.0, 0.0, 10, 1.0, "start = \"uniform\"",
                                 "periodic_x = true\nperiodic_y = true"));
  const HopLattice& L = c->lattice;
  ASSERT_EQ(L.sites(), 2 * 6 * 4);
  ASSERT_EQ(L.hops_per_site(), 3);
  const double l = kA / std::sqrt(3.0);
  EXPECT_NEAR(L.x_spacing(), 0.5 * kA, 1e-14);
  for (int s = 0; s < L.sites(); ++s)
    for (int h = 0; h < 3; ++h) {
      const int t = L.neighbour(s, h);
      ASSERT_GE(t, 0) << "periodic: no walls";
      EXPECT_NE(s % 2, t % 2) << "hops join an fcc and an hcp hollow";
      const auto& d = L.step[s * 3 + h];
      EXPECT_NEAR(std::hypot(d[0], d[1]), l, 1e-12) << "hop length a/sqrt(3)";
      // the target, up to a period, lies at the end of the hop
      double dx = L.position(s)[0] + d[0] - L.position(t)[0];
      double dy = L.position(s)[1] + d[1] - L.position(t)[1];
      dx -= L.length[0] * std::round(dx / L.length[0]);
      dy -= L.length[1] * std::round(dy / L.length[1]);
      EXPECT_NEAR(std::hypot(dx, dy), 0.0, 1e-12) << "site " << s << " hop " << h;
      int back = 0;
      for (int k = 0; k < 3; ++k)
        if (L.neighbour(t, k) == s && std::fabs(L.step[t * 3 + k][0] + d[0]) < 1e-12 &&
            std::fabs(L.step[t * 3 + k][1] + d[1]) < 1e-12)
          ++back;
      EXPECT_EQ(back, 1) << "every hop has its reverse";
    }
  // fcc hollows a apart along a row, rows a sqrt(3)/2 apart
  EXPECT_NEAR(L.position(2)[0] - L.position(0)[0], kA, 1e-12);
  EXPECT_NEAR(L.position(2 * 6)[1] - L.position(0)[1], 0.5 * std::sqrt(3.0) * kA, 1e-12);
  // a reflecting wall along x removes hops at the ends of each row
  auto w = AdatomCase::from_string(
      MPI_COMM_SELF, fcc111_case("6, 4", 0.0, 0.2, 0.0, 0.0, 10, 1.0, "start = \"uniform\""));
  int walls = 0;
  for (int s = 0; s < w->lattice.sites(); ++s)
    for (int h = 0; h < 3; ++h)
      if (w->lattice.neighbour(s, h) < 0) {
        ++walls;
        EXPECT_EQ(w->lattice.rate[s * 3 + h], 0.0);
      }
  EXPECT_GT(walls, 0);
}

// Equal hollows: the three hops from a site are uncorrelated with the next (the hop vectors of
// a site sum to zero), so D = (1/4) 3 Gamma (a/sqrt(3))^2 = Gamma a^2/4, isotropic; the Bloch
// matrix of the same net gives it independently, and the KMC MSD is 4 D t at all times.
TEST(KmcFcc111, DiffusionAtUniformTemperatureIsTheHoneycombValue) {
  const double T = 0.2, Gamma = kernels::adatom_hop_rate(1.0, kQ, kEm, 1.0, T, T);
  const double D = Gamma * kA * kA / 4.0;
  LatticeSpec spec = honeycomb_spec(kA, 0.0, kEm);
  const Eigen::Matrix2d Db = spec.single_particle_diffusion(T);
  EXPECT_NEAR(Db(0, 0), D, 1e-8 * D);
  EXPECT_NEAR(Db(1, 1), D, 1e-8 * D);
  EXPECT_NEAR(Db(0, 1), 0.0, 1e-8 * D);

  auto c = AdatomCase::from_string(MPI_COMM_SELF,
                                   fcc111_case("30, 20", 0.0, T, 0.0, 0.0, 20000, 100.0,
                                               "start = \"point\"\nstart_position = [10.0, 10.0]",
                                               "periodic_x = true\nperiodic_y = true"));
  for (int s = 0; s < c->lattice.sites(); ++s)
    for (int h = 0; h < 3; ++h) EXPECT_NEAR(c->lattice.rate[s * 3 + h], Gamma, 1e-14 * Gamma);
  const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  const std::size_t last = st.time.size() - 1;
  std::cout << fmt::format("D = Gamma a^2/4 = {:.6g}, Bloch {:.6g} {:.6g}, KMC MSD/(4t) = {:.6g} "
                           "+- {:.2g}\n",
                           D, Db(0, 0), Db(1, 1), st.msd[last] / (4 * st.time[last]),
                           st.msd_sem[last] / (4 * st.time[last]));
  for (std::size_t k = 1; k < st.time.size(); ++k) {
    EXPECT_NEAR(st.msd[k], 4 * D * st.time[k], 5 * st.msd_sem[k]) << "t = " << st.time[k];
    EXPECT_NEAR(st.mean[k][0], st.mean[0][0], 5 * st.sem[k][0]);
    EXPECT_NEAR(st.mean[k][1], st.mean[0][1], 5 * st.sem[k][1]);
  }
}

// hcp hollows dE above fcc: detailed balance of the per-hop kernel gives the stationary
// occupancies fcc/hcp = exp(dE/(kB T)) (i.e. exp(-(E_fcc - E_hcp)/(kB T))), and the KMC
// histogram long after a uniform start reaches them; the KMC's long-time MSD slope is the
// Bloch-matrix D of the two-sublattice net.
TEST(KmcFcc111, HcpEnergyGivesBoltzmannOccupancies) {
  const double T = 0.2, dE = 0.05;
  auto c = AdatomCase::from_string(
      MPI_COMM_SELF, fcc111_case("12, 8", dE, T, 0.0, 0.0, 40000, 60.0, "start = \"uniform\"",
                                 "periodic_x = true\nperiodic_y = true"));
  const std::vector<double> pi = stationary_distribution(c->lattice);
  double fcc = 0, hcp = 0;
  for (int s = 0; s < c->lattice.sites(); ++s) (s % 2 == 0 ? fcc : hcp) += pi[s];
  EXPECT_NEAR(fcc / hcp, std::exp(dE / T), 1e-10 * std::exp(dE / T));

  const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  double n_fcc = 0, n = 0;
  for (int s = 0; s < c->lattice.sites(); ++s) {
    n += static_cast<double>(st.histogram[s]);
    if (s % 2 == 0) n_fcc += static_cast<double>(st.histogram[s]);
  }
  const double p = 1.0 / (1.0 + std::exp(-dE / T));
  std::cout << fmt::format("fcc/hcp: exact {:.6g}, KMC {:.6g} (exp(dE/kT) = {:.6g})\n", fcc / hcp,
                           n_fcc / (n - n_fcc), std::exp(dE / T));
  EXPECT_NEAR(n_fcc, n * p, 5 * std::sqrt(n * p * (1 - p)))
      << "fcc/hcp = " << n_fcc / (n - n_fcc) << ", exp(dE/kT) = " << std::exp(dE / T);
  // the slope of the MSD between the first and the last sample (both long after the sublattice
  // relaxation) is 4 D of the Bloch matrix
  const Eigen::Matrix2d Db = honeycomb_spec(kA, dE, kEm).single_particle_diffusion(T);
  EXPECT_NEAR(Db(0, 0), Db(1, 1), 1e-8 * Db(0, 0));
  const std::size_t k = st.time.size() - 1;
  const double slope = (st.msd[k] - st.msd[1]) / (st.time[k] - st.time[1]);
  std::cout << fmt::format("MSD slope / 4 = {:.6g}, Bloch D = {:.6g}\n", slope / 4, Db(0, 0));
  EXPECT_NEAR(slope, 4 * Db(0, 0), 5 * (st.msd_sem[k] + st.msd_sem[1]) / (st.time[k] - st.time[1]));
}

// In a gradient along x (the hot end of Roux and Combe's set-up, a (Q - E_m) T'/(kB T^2) ~ 0.1)
// the mean x velocity of an adatom on the hollows is the 1D chain's first-order particle law
// with the spacing of the same D_xx, a/2 (kernels::adatom_particle_velocity), and the KMC of
// that chain gives the same mean.
TEST(KmcFcc111, DriftAlongTheGradientIsTheChainLaw) {
  const double t = 20.0, x0 = 40 * kA, g = -0.0038;
  auto c = AdatomCase::from_string(
      MPI_COMM_SELF, fcc111_case("80, 8", 0.0, 0.3, g, x0, 400000, t,
                                 fmt::format("start = \"point\"\nstart_position = [{}, 3.0]", x0),
                                 "periodic_y = true", 1));
  const WalkerStatistics st = run_walkers(MPI_COMM_SELF, c->lattice, c->walkers);
  const double xs = st.mean[0][0];
  const double v = (st.mean[1][0] - xs) / t, err = st.sem[1][0] / t;
  const double vp = (drift_law_trajectory(*c, xs, st.time, true)[1] - xs) / t;
  EXPECT_GT(v, 0.0) << "the adatom must move to the cold side (+x)";
  EXPECT_NEAR(v, vp, 5 * err) << "KMC " << v << " +- " << err << ", chain law " << vp;
  EXPECT_NEAR(st.mean[1][1], st.mean[0][1], 5 * st.sem[1][1]) << "no drift across the gradient";

  // the chain of spacing a/2 in the same T(x), started at the same x
  std::string chain = adatom_case(160, 0.3, g, x0, 400000, t, xs, 1);
  chain.replace(chain.find(fmt::format("lattice_spacing = {}", kA)),
                fmt::format("lattice_spacing = {}", kA).size(),
                fmt::format("lattice_spacing = {}", 0.5 * kA));
  auto ch = AdatomCase::from_string(MPI_COMM_SELF, chain);
  const WalkerStatistics sc = run_walkers(MPI_COMM_SELF, ch->lattice, ch->walkers);
  const double vc = (sc.mean[1][0] - sc.mean[0][0]) / t, errc = sc.sem[1][0] / t;
  std::cout << fmt::format("x velocity: fcc111 KMC {:.5g} +- {:.2g}, chain law (a/2) {:.5g}, chain "
                           "KMC {:.5g} +- {:.2g}\n",
                           v, err, vp, vc, errc);
  EXPECT_NEAR(v, vc, 5 * std::hypot(err, errc)) << "fcc111 " << v << ", chain " << vc;
}

TEST(KmcFcc111, BadInputsAreInputErrors) {
  auto message = [](const std::string& text) { return input_error_of<AdatomCase>(text); };
  const std::string odd = message(
      fcc111_case("6, 3", 0.0, 0.2, 0.0, 0.0, 10, 1.0, "start = \"uniform\"", "periodic_y = true"));
  EXPECT_NE(odd.find("even number of rows"), std::string::npos) << odd;
  const std::string high =
      message(fcc111_case("6, 4", 0.3, 0.2, 0.0, 0.0, 10, 1.0, "start = \"uniform\""));
  EXPECT_NE(high.find("lattice.hcp_energy"), std::string::npos) << high;
  const std::string one =
      message(fcc111_case("6", 0.0, 0.2, 0.0, 0.0, 10, 1.0, "start = \"uniform\""));
  EXPECT_NE(one.find("1 entries for a 2D lattice"), std::string::npos) << one;
}
