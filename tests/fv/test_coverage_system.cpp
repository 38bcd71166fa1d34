// The finite-volume coverage system of a dense adsorbate (fv/CoverageSystem.h): analytic Jacobian
// against finite differences, conservation to round-off, and the exact local-equilibrium steady
// state uniform lambda (docs/theory.md#lattice-gas).
#include <gtest/gtest.h>
#include <petscmat.h>

#include <cmath>

#include "core/Petsc.h"
#include "fv/CoverageSystem.h"
#include "mesh/DmdaViews.h"
#include "tests/support/lattice_specs.h"

using namespace td;

namespace {

constexpr double kQ = 1.7;  // heat of transport (kB T0 units)

/// D_c of two sublattices of different depth (examples/lattice/two_sublattice_square_x.toml).
std::shared_ptr<const CoverageLaw> two_sublattice_law() {
  return variational_coverage_law(td::testing::example_lattice("two_sublattice_square_x.toml", 0.5),
                                  default_table_coverages(), {0.35, 0.45, 0.55, 0.65}, 0);
}

/// A law that reports dD/dtheta = 0: the Jacobian built with it misses one term.
class NoThetaDerivative : public CoverageLaw {
 public:
  explicit NoThetaDerivative(std::shared_ptr<const CoverageLaw> l) : l_(std::move(l)) {}
  double value(double t, double T) const override { return l_->value(t, T); }
  double d_theta(double, double) const override { return 0.0; }
  double d_T(double t, double T) const override { return l_->d_T(t, T); }
  std::string type() const override { return "test"; }

 private:
  std::shared_ptr<const CoverageLaw> l_;
};

/// Mesh of @p nx cells of width 2 (one lattice cell) along x, closed; in 2D @p ny periodic
/// cells of width 1 along y.
std::unique_ptr<Mesh> mesh(int nx, int ny = 0) {
  std::array<Axis, 3> axes;
  axes[0].nodes = uniform_nodes(0.0, 2.0 * nx, nx);
  axes[1].nodes = ny > 0 ? uniform_nodes(0.0, ny, ny) : std::vector<double>{0.0, 1.0};
  axes[1].periodic = ny > 0;
  axes[2].nodes = {0.0, 1.0};
  return std::make_unique<Mesh>(PETSC_COMM_WORLD, ny > 0 ? 2 : 1, axes, 1);
}

/// Fill @p v with theta(x, y).
template <class F>
void fill(const Mesh& m, Vec v, F&& f) {
  dmda::OwnedView V(m.dm(), v);
  dmda::for_owned(m, [&](const std::array<int, 3>& c) {
    V(c, 1, 0) = f(m.center(0, c[0]), m.center(1, c[1]));
  });
}

/// Largest |J_analytic - J_fd| relative to the largest |J_analytic| (serial, small meshes).
double jacobian_mismatch(const CoverageSystem& sys, Vec theta) {
  Owned<Mat> J(sys.create_matrix());
  sys.jacobian(theta, J, 0.0);
  PetscInt n;
  TD_PETSC(VecGetSize(theta, &n));
  Owned<Vec> Rp, Rm, t;
  TD_PETSC(VecDuplicate(theta, Rp.out()));
  TD_PETSC(VecDuplicate(theta, Rm.out()));
  TD_PETSC(VecDuplicate(theta, t.out()));
  double worst = 0.0, big = 0.0;
  for (PetscInt j = 0; j < n; ++j) {
    PetscScalar tj;
    TD_PETSC(VecGetValues(theta, 1, &j, &tj));
    const double h = 1e-6 * std::min(tj, 1 - tj);
    TD_PETSC(VecCopy(theta, t));
    TD_PETSC(VecSetValue(t, j, tj + h, INSERT_VALUES));
    sys.residual(t, Rp);
    TD_PETSC(VecSetValue(t, j, tj - h, INSERT_VALUES));
    sys.residual(t, Rm);
    for (PetscInt i = 0; i < n; ++i) {
      PetscScalar a, b, jij;
      TD_PETSC(VecGetValues(Rp, 1, &i, &a));
      TD_PETSC(VecGetValues(Rm, 1, &i, &b));
      TD_PETSC(MatGetValues(J, 1, &i, 1, &j, &jij));
      worst = std::max(worst, std::fabs(jij - (a - b) / (2 * h)));
      big = std::max(big, std::fabs(jij));
    }
  }
  return worst / big;
}

/// Tolerance of the Jacobian check: central differences with steps 1e-6 theta leave
/// truncation errors near 1e-10 and round-off near 1e-10 relative.
constexpr double kJacobianTol = 1e-6;

}  // namespace

TEST(CoverageSystem, AnalyticJacobianMatchesFiniteDifferencesAndMissesNoTerm) {
  auto m1 = mesh(9);
  auto m2 = mesh(5, 3);
  std::shared_ptr<const TemperatureField> T = linear_temperature(0.4, {0.2 / 18.0, 0.01, 0.0});
  auto law = two_sublattice_law();
  for (const Mesh* m : {m1.get(), m2.get()}) {
    CoverageSystem sys(*m, T, law, CoverageThermo({0.0, 0.3}, kQ, 1.0));
    Owned<Vec> th(sys.create_state());
    fill(*m, th, [](double x, double y) { return 0.5 + 0.4 * std::sin(0.37 * x + 1.1 * y); });
    const double err = jacobian_mismatch(sys, th);
    EXPECT_LT(err, kJacobianTol) << "dim " << m->dim();
    // dropping dD_c/dtheta from the Jacobian is caught by the same check
    CoverageSystem partial(*m, T, std::make_shared<NoThetaDerivative>(law),
                           CoverageThermo({0.0, 0.3}, kQ, 1.0));
    EXPECT_GT(jacobian_mismatch(partial, th), 1e3 * kJacobianTol) << "dim " << m->dim();
  }
}

TEST(CoverageSystem, UniformTemperatureRelaxesToFlatAndConservesToRoundOff) {
  auto m = mesh(24);
  auto law = two_sublattice_law();
  CoverageSystem sys(*m, linear_temperature(0.5, {0, 0, 0}), law,
                     CoverageThermo({0.0, 0.3}, kQ, 1.0));
  Owned<Vec> th(sys.create_state());
  fill(*m, th, [](double x, double) { return 0.5 + 0.45 * std::cos(M_PI * x / 48.0); });
  const double total0 = sys.total(th);
  advance_coverage(sys, th, 0.0, 50.0);
  EXPECT_NEAR(sys.total(th), total0, 1e-13 * total0);
  solve_coverage_steady(sys, th);
  EXPECT_NEAR(sys.total(th), total0, 1e-13 * total0);
  PetscReal lo, hi;
  TD_PETSC(VecMin(th, nullptr, &lo));
  TD_PETSC(VecMax(th, nullptr, &hi));
  EXPECT_LT(hi - lo, 1e-9);
  EXPECT_NEAR(0.5 * (lo + hi), total0 / 48.0, 1e-9);
}

TEST(CoverageSystem, SteadyStateInAGradientIsUniformLambdaAtEveryCoverage) {
  auto m = mesh(16);
  std::shared_ptr<const TemperatureField> T = linear_temperature(0.4, {0.2 / 32.0, 0, 0});
  auto law = two_sublattice_law();
  for (double mean : {0.05, 0.3, 0.6, 0.9}) {
    CoverageSystem sys(*m, T, law, CoverageThermo({0.0, 0.3}, kQ, 1.0));
    Owned<Vec> th(sys.create_state());
    TD_PETSC(VecSet(th, mean));
    const double total0 = sys.total(th);
    const auto r = solve_coverage_steady(sys, th);
    EXPECT_NEAR(sys.total(th), total0, 1e-12 * total0) << mean;
    // lambda = mu/(kB T) - Q/(kB T) is the same in every cell
    Owned<Vec> Tc(sys.cell_temperatures());
    std::vector<double> lam;
    {
      dmda::LocalView V(m->dm(), th), TV(m->dm(), Tc);
      dmda::for_owned(*m, [&](const std::array<int, 3>& c) {
        lam.push_back(sys.thermo().lambda(V(c, 1, 0), TV(c, 1, 0)));
      });
    }
    for (double l : lam) EXPECT_NEAR(l, lam.front(), 1e-8) << mean;
    // the profile is not flat: the cold end (x = 0) holds more
    PetscScalar first, last;
    PetscInt i0 = 0, i1 = 15;
    TD_PETSC(VecGetValues(th, 1, &i0, &first));
    TD_PETSC(VecGetValues(th, 1, &i1, &last));
    EXPECT_GT(first, last + 1e-3) << mean;
    EXPECT_GT(r.steps, 0);
  }
}
