// The coverage-dependent diffusivity D_c(theta, T) tabulated from the variational bound, the
// lattice thermodynamics of the coverage flux and the flux kernel's derivatives
// (docs/theory.md#lattice-gas).
#include <gtest/gtest.h>

#include <cmath>

#include "models/CoverageLaw.h"
#include "models/LatticeGasVariational.h"
#include "models/adatom_K.h"
#include "models/coverage_K.h"
#include "tests/support/lattice_specs.h"

using namespace td;

namespace {

/// Two sublattices of different depth (examples/lattice/two_sublattice_square_x.toml): D_c depends
/// on coverage.
LatticeSpec two_sublattice() {
  return td::testing::example_lattice("two_sublattice_square_x.toml", 0.5);
}

/// Central difference of @p f at @p x with step @p h.
template <class F>
double central(F&& f, double x, double h) {
  return (f(x + h) - f(x - h)) / (2 * h);
}

}  // namespace

TEST(CoverageLaw, VariationalTableReproducesTheBoundAtItsNodesAndBetween) {
  const auto spec = two_sublattice();
  const auto th = default_table_coverages();
  auto law = variational_coverage_law(spec, th, {0.4, 0.5, 0.6}, 0);
  for (double T : {0.4, 0.5, 0.6})
    for (std::size_t i = 0; i < th.size(); i += 7)
      EXPECT_NEAR(law->value(th[i], T), variational_collective_diffusion(spec, th[i], T)(0, 0),
                  1e-12 * law->value(th[i], T));
  // between coverage nodes the monotone cubic of ln D_c stays within 1e-3 of the bound
  for (double t : {0.05, 0.23, 0.5, 0.77, 0.95}) {
    const double exact = variational_collective_diffusion(spec, t, 0.5)(0, 0);
    EXPECT_NEAR(law->value(t, 0.5), exact, 1e-3 * exact) << "theta " << t;
  }
  // between temperatures ln D_c is linear in 1/T: within 1e-2 of the bound at T = 0.45
  const double e45 = variational_collective_diffusion(spec, 0.3, 0.45)(0, 0);
  EXPECT_NEAR(law->value(0.3, 0.45), e45, 1e-2 * e45);
  EXPECT_THROW(law->value(0.3, 0.7), InputError);
}

TEST(CoverageLaw, DerivativesMatchFiniteDifferences) {
  const auto spec = two_sublattice();
  auto law = variational_coverage_law(spec, default_table_coverages(), {0.4, 0.5, 0.6}, 0);
  for (double t : {0.07, 0.31, 0.64, 0.93}) {
    const double T = 0.47;
    const double fd = central([&](double x) { return law->value(x, T); }, t, 1e-6);
    EXPECT_NEAR(law->d_theta(t, T), fd, 1e-6 * std::fabs(law->value(t, T))) << t;
    const double fT = central([&](double x) { return law->value(t, x); }, T, 1e-6);
    EXPECT_NEAR(law->d_T(t, T), fT, 1e-6 * std::fabs(fT)) << t;
  }
}

TEST(CoverageLaw, RegisteredByNameWithDeclaredKeys) {
  const std::string lattice =
      std::string(TD_SOURCE_DIR) + "/examples/lattice/two_sublattice_square_x.toml";
  InputSection root = InputSection::parse_string(
      "[law]\ntype = \"variational\"\nlattice_file = \"" + lattice +
          "\"\ntemperatures = [0.4, 0.6]\ncoverage_points = 12\ncomponent = \"yy\"\n",
      "law.toml");
  root.set_units(units::UnitSystem::lj(*units::lj_preset("argon")));  // bare numbers as given
  InputSection s = root.section("law");
  auto law = make_coverage_law(s, 1.0);
  EXPECT_EQ(law->type(), "variational");
  const double exact = variational_collective_diffusion(two_sublattice(), 0.5, 0.4)(1, 1);
  EXPECT_NEAR(law->value(0.5, 0.4), exact, 1e-2 * exact);
  InputSection bad =
      InputSection::parse_string("[law]\ntype = \"constant\"\nvalue = -1.0\n", "bad.toml");
  bad.set_units(units::UnitSystem::si());
  InputSection b = bad.section("law");
  EXPECT_THROW(make_coverage_law(b, 1.0), InputError);
}

TEST(CoverageThermo, LambdaInvertsAndItsDerivativesMatchFiniteDifferences) {
  const CoverageThermo th({0.0, 0.3}, 1.7, 1.0);
  auto law = constant_coverage_law(1.0);
  for (double t : {1e-3, 0.2, 0.5, 0.8, 0.999})
    for (double T : {0.4, 0.9}) {
      const auto c = th.cell(t, T, *law);
      EXPECT_NEAR(th.coverage(c.lambda, T), t, 1e-13) << t;
      const double h = 1e-4 * std::min(t, 1 - t);
      EXPECT_NEAR(c.dlambda, central([&](double x) { return th.lambda(x, T); }, t, h),
                  1e-6 * c.dlambda);
      const double dm = central([&](double x) { return th.cell(x, T, *law).m; }, t, h);
      EXPECT_NEAR(c.dm, dm, 1e-6 * std::max(1.0, std::fabs(dm))) << t;
    }
  // single site: m = 1 - theta, lambda = ln(theta/(1 - theta)) - Q/(kB T)
  const CoverageThermo one({0.0}, 2.0, 1.0);
  const auto c = one.cell(0.3, 0.8, *law);
  EXPECT_NEAR(c.m, 0.7, 1e-14);
  EXPECT_NEAR(c.lambda, std::log(0.3 / 0.7) + kernels::adatom_site_potential(2.0, 0.0, 1.0, 0.8),
              1e-13);
}

TEST(CoverageFluxKernel, VanishesAtUniformLambdaAndDerivativesMatchFiniteDifferences) {
  const CoverageThermo th({0.0, 0.3}, 1.7, 1.0);
  auto law = variational_coverage_law(two_sublattice(), default_table_coverages(), {0.3, 0.7}, 0);
  const double TP = 0.45, TQ = 0.55;
  // equal lambda at different temperatures: no flux, to round-off
  const double lam = th.lambda(0.6, TP);
  const auto P0 = th.cell(0.6, TP, *law), Q0 = th.cell(th.coverage(lam, TQ), TQ, *law);
  const auto f0 = kernels::coverage_face_flux(P0, Q0, 1.0);
  EXPECT_LT(std::fabs(f0.J), 1e-13 * P0.D);
  for (auto [tp, tq] : {std::pair{0.2, 0.25}, {0.6, 0.4}, {0.95, 0.9}, {0.01, 0.5}}) {
    auto J = [&](double a, double b) {
      return kernels::coverage_face_flux(th.cell(a, TP, *law), th.cell(b, TQ, *law), 1.0);
    };
    const auto f = J(tp, tq);
    const double h = 1e-7;
    const double dP = (J(tp + h, tq).J - J(tp - h, tq).J) / (2 * h);
    const double dQ = (J(tp, tq + h).J - J(tp, tq - h).J) / (2 * h);
    const double scale = std::fabs(f.dP) + std::fabs(f.dQ);
    EXPECT_NEAR(f.dP, dP, 1e-6 * scale) << tp << " " << tq;
    EXPECT_NEAR(f.dQ, dQ, 1e-6 * scale) << tp << " " << tq;
  }
  // the Bernoulli derivative is continuous across its series threshold
  for (double z : {-kernels::kBernoulliSeries, kernels::kBernoulliSeries}) {
    const double a = kernels::bernoulli_derivative(z * (1 - 1e-12));
    const double b = kernels::bernoulli_derivative(z * (1 + 1e-12));
    EXPECT_NEAR(a, b, 1e-12);
    EXPECT_NEAR(a, central([](double x) { return kernels::bernoulli(x); }, z, 1e-5), 1e-9);
  }
}
