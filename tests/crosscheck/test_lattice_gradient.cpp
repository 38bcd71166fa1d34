// The lattice gas in a temperature gradient (stochastic/LatticeGasGradient.h) against the
// finite-volume coverage model (fv/CoverageSystem.h) with the variational D_c(theta, T), and
// against the dilute single-adatom law (fv/FokkerPlanck.h): steady coverage profiles of a closed
// strip at several mean coverages (docs/theory.md#lattice-gas).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "core/Petsc.h"
#include "fv/CoverageSystem.h"
#include "fv/FokkerPlanck.h"
#include "fv/Steady.h"
#include "mesh/DmdaViews.h"
#include "stochastic/LatticeGasGradient.h"
#include "tests/support/lattice_specs.h"

using namespace td;

namespace {

// Square lattice of unit spacing, one site of energy 0, saddles at E_m; heat of transport Q;
// T from T_cold at x = 0 to T_hot at x = L (kB = 1, nu = 1).
constexpr double kEm = 0.5, kQ = 3.0, kTcold = 0.8, kThot = 1.2;
constexpr int kLa = 16, kLb = 16;
constexpr long kReplicas = 32;
// relaxation time of the slowest mode L^2/(pi^2 D) is about 45; burn-in 12 of them
constexpr double kBurn = 550.0, kAverage = 6000.0;
// 0.9999 quantile of chi^2 with 16 degrees of freedom, times the mean inflation (R-1)/(R-3)
// of squared t-scores whose errors come from R = 32 replicas
constexpr double kChi2Limit = 42.31 * 31.0 / 29.0;

std::string square() {
  return td::testing::lattice_cell(1, 0, 0, 1) + td::testing::lattice_site("A", 0, 0, 0.0) +
         td::testing::lattice_hop("A", "A", 1, 0, kEm) +
         td::testing::lattice_hop("A", "A", 0, 1, kEm);
}

std::shared_ptr<const TemperatureField> field(double Tc, double Th) {
  return linear_temperature(Tc, {(Th - Tc) / kLa, 0.0, 0.0});
}

GradientLatticeResult kmc(double theta, const TemperatureField& T) {
  GradientLatticeOptions o;
  o.La = kLa;
  o.Lb = kLb;
  o.Q = kQ;
  o.theta = theta;
  o.replicas = kReplicas;
  o.seed = 14;
  o.t_burn = kBurn;
  o.t_end = kAverage;
  return run_lattice_gradient(PETSC_COMM_WORLD, td::testing::parse_lattice(square(), 1.0), T, o);
}

std::unique_ptr<Mesh> strip() {
  std::array<Axis, 3> axes;
  axes[0].nodes = uniform_nodes(0.0, kLa, kLa);
  axes[1].nodes = {0.0, 1.0};
  axes[2].nodes = {0.0, 1.0};
  return std::make_unique<Mesh>(PETSC_COMM_WORLD, 1, axes, 1);
}

std::vector<double> values(const Mesh& m, Vec v) {
  std::vector<double> out(kLa, 0.0);
  {
    dmda::LocalView V(m.dm(), v);
    dmda::for_owned(m, [&](const std::array<int, 3>& c) { out[c[0]] = V(c, 1, 0); });
  }
  MPI_Allreduce(MPI_IN_PLACE, out.data(), kLa, MPI_DOUBLE, MPI_SUM, m.comm());
  return out;
}

/// Steady FV profile with the variational D_c(theta, T) of the same lattice.
std::vector<double> coverage_fv(double theta, std::shared_ptr<const TemperatureField> T) {
  auto m = strip();
  auto law = variational_coverage_law(td::testing::parse_lattice(square(), 1.0),
                                      default_table_coverages(), {0.7, 0.9, 1.1, 1.3}, 0);
  CoverageSystem sys(*m, std::move(T), std::move(law), CoverageThermo({0.0}, kQ, 1.0));
  Owned<Vec> v(sys.create_state());
  TD_PETSC(VecSet(v, theta));
  solve_coverage_steady(sys, v);
  return values(*m, v);
}

/// Steady FV profile of the dilute single-adatom law (the adatom Fokker-Planck species).
std::vector<double> dilute_fv(double theta, std::shared_ptr<const TemperatureField> T) {
  auto m = strip();
  AdatomParams p;
  p.Q = kQ;
  p.Em = kEm;
  FVSystem sys(*m, std::move(T), {adatom_fokker_planck_species(p)});
  Owned<Vec> v(sys.create_state());
  TD_PETSC(VecSet(v, theta));
  solve_steady(sys, v, SteadyOptions{});
  return values(*m, v);
}

/// The KMC's mean coverage: a whole number of particles on the strip's sites.
double exact_mean(const GradientLatticeResult& k) {
  return static_cast<double>(k.particles) / (kLa * kLb);
}

double chi2(const GradientLatticeResult& k, const std::vector<double>& model) {
  double c = 0.0;
  for (int i = 0; i < kLa; ++i) c += std::pow((k.theta[i] - model[i]) / k.theta_sem[i], 2);
  return c;
}

void report(const char* what, double theta, const GradientLatticeResult& k,
            const std::vector<double>& fv, const std::vector<double>& dil) {
  std::printf(
      "%s theta = %.2f: cold/hot coverage KMC %.4f/%.4f (+-%.4f/%.4f), FV %.4f/%.4f, "
      "dilute %.4f/%.4f; chi2/16 FV %.2f dilute %.2f; %lld hops\n",
      what, theta, k.theta.front(), k.theta.back(), k.theta_sem.front(), k.theta_sem.back(),
      fv.front(), fv.back(), dil.front(), dil.back(), chi2(k, fv) / kLa, chi2(k, dil) / kLa,
      k.events);
}

}  // namespace

TEST(LatticeGradientVsFV, UniformTemperatureGivesAFlatProfile) {
  auto T = field(1.0, 1.0);
  for (double theta : {0.3, 0.8}) {
    const auto k = kmc(theta, *T);
    const std::vector<double> flat(kLa, exact_mean(k));
    report("uniform T", theta, k, flat, flat);
    EXPECT_LT(chi2(k, flat), kChi2Limit) << theta;
  }
}

TEST(LatticeGradientVsFV, LowCoverageFollowsTheDiluteLaw) {
  auto T = field(kTcold, kThot);
  const double theta = 0.02;
  const auto k = kmc(theta, *T);
  const double mean = exact_mean(k);
  const auto fv = coverage_fv(mean, T), dil = dilute_fv(mean, T);
  report("gradient", theta, k, fv, dil);
  EXPECT_LT(chi2(k, dil), kChi2Limit);
  EXPECT_LT(chi2(k, fv), kChi2Limit);
}

TEST(LatticeGradientVsFV, DenseCoverageFollowsTheCoverageModelAndNotTheDiluteLaw) {
  auto T = field(kTcold, kThot);
  for (double theta : {0.6, 0.9}) {
    const auto k = kmc(theta, *T);
    const double mean = exact_mean(k);
    const auto fv = coverage_fv(mean, T), dil = dilute_fv(mean, T);
    report("gradient", theta, k, fv, dil);
    EXPECT_LT(chi2(k, fv), kChi2Limit) << theta;
    EXPECT_GT(chi2(k, dil), 100 * kChi2Limit) << theta;
  }
}
