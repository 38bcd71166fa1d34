// Transients against analytic solutions; conservation in closed cells.
#include <gtest/gtest.h>

#include <cmath>

#include <petscsys.h>

#include "fv/Transient.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

constexpr double kPi = 3.14159265358979323846;

using td::testing::exact_preconditioner;
using td::testing::ScopedOptions;

struct Run {
  std::unique_ptr<Mesh> mesh;
  std::vector<double> c;
  std::vector<double> total0, total1;
};

Run integrate(MPI_Comm comm, int n, Species sp, std::shared_ptr<const TemperatureField> T,
              double t_end, double rtol, bool assembled_products = true,
              TransientStats* stats = nullptr, int dim = 1) {
  Run r;
  r.mesh = td::testing::make_mesh(comm, dim, n, 1);
  FVSystem sys(*r.mesh, std::move(T), {sp});
  Vec c = sys.create_state();
  sys.initial_state(c);
  r.total0 = sys.totals(c);
  TransientOptions opt;
  opt.rtol = rtol;
  opt.atol = 1e-14;
  opt.assembled_jacobian_products = assembled_products;
  TransientSolver ts(sys, c, 0.0, opt);
  EXPECT_TRUE(ts.advance(t_end, c));
  if (stats) *stats = ts.stats();
  r.total1 = sys.totals(c);
  r.c = td::testing::gather(*r.mesh, c);
  VecDestroy(&c);
  return r;
}

/// A Gaussian pulse on a uniform background with Soret drift and alpha = 1 (closed cell).
Species drifting_pulse() {
  Species sp = td::testing::make_species(arrhenius_law(1.0, 0.5, 1.0), 3.0, 1.0, 0.5);
  sp.initial.amplitude = 2.0;
  sp.initial.center = {0.3, 0, 0};
  sp.initial.width = 0.1;
  return sp;
}

}  // namespace

// Gaussian initial data is the Green's function at an earlier time: it stays Gaussian with
// variance s0^2 + 2 D t (walls far away). Second-order convergence in space.
TEST(TransientDiffusion, GreensFunctionGaussian) {
  const double D = 1.0, s0 = 0.05, A = 1.0, t = 0.002;
  Species sp = td::testing::make_species(constant_law(D), 0.0, 0.0, 0.0);
  sp.initial.amplitude = A;
  sp.initial.center = {0.5, 0, 0};
  sp.initial.width = s0;
  auto err = [&](int n) {
    auto r = integrate(PETSC_COMM_SELF, n, sp, linear_temperature(1.0, {0, 0, 0}), t, 1e-10);
    const double s2 = s0 * s0 + 2 * D * t;
    double e = 0.0;
    for (int i = 0; i < n; ++i) {
      const double x = r.mesh->center(0, i) - 0.5;
      e = std::max(e, std::fabs(r.c[i] - A * s0 / std::sqrt(s2) * std::exp(-0.5 * x * x / s2)));
    }
    return e;
  };
  const double e1 = err(100), e2 = err(200);
  EXPECT_LT(e2, 2e-4);
  EXPECT_GT(std::log2(e1 / e2), 1.8) << e1 << " " << e2;
}

// Relaxation of a closed Soret cell (constant D, S_T, grad T): eigen-expansion
// c = c_ss + sum_n a_n e^{v x/2D} w_n(x) e^{-lambda_n t}, v = -D S_T T',
// w_n = cos(k x) + v/(2 D k) sin(k x), k = n pi / L, lambda_n = D k^2 + v^2/(4D).
TEST(TransientSoret, RelaxationMatchesEigenExpansion) {
  const double D = 1.0, S = 2.0, g = 1.0, L = 1.0, c0 = 1.0, t = 0.03;
  const double v = -D * S * g;
  auto css = [&](double x) {
    return c0 * L * v / (D * (std::exp(v * L / D) - 1.0)) * std::exp(v * x / D);
  };
  auto w = [&](int n, double x) {
    const double k = n * kPi / L;
    return std::cos(k * x) + v / (2 * D * k) * std::sin(k * x);
  };
  // coefficients by composite Simpson quadrature
  const int M = 20000, N = 60;
  std::vector<double> a(N + 1, 0.0);
  for (int n = 1; n <= N; ++n) {
    double num = 0.0, den = 0.0;
    for (int m = 0; m <= M; ++m) {
      const double x = L * m / M, wt = (m == 0 || m == M) ? 1 : (m % 2 ? 4 : 2);
      num += wt * (c0 - css(x)) * std::exp(-v * x / (2 * D)) * w(n, x);
      den += wt * w(n, x) * w(n, x);
    }
    a[n] = num / den;
  }
  auto exact = [&](double x) {
    double c = css(x);
    for (int n = 1; n <= N; ++n) {
      const double k = n * kPi / L;
      c += a[n] * std::exp(v * x / (2 * D)) * w(n, x) * std::exp(-(D * k * k + v * v / (4 * D)) * t);
    }
    return c;
  };
  Species sp = td::testing::make_species(constant_law(D), S, 0.0, c0);
  auto err = [&](int n) {
    auto r = integrate(PETSC_COMM_SELF, n, sp, linear_temperature(1.0, {g, 0, 0}), t, 1e-10);
    double e = 0.0;
    for (int i = 0; i < n; ++i) e = std::max(e, std::fabs(r.c[i] - exact(r.mesh->center(0, i))));
    return e;
  };
  const double e1 = err(50), e2 = err(100);
  EXPECT_LT(e2, 1e-4);
  EXPECT_GT(std::log2(e1 / e2), 1.8) << e1 << " " << e2;
}

// A prescribed temperature makes R affine in c: SPGMR's Jacobian products are products with
// the assembled dR/dc (no residual evaluation), and the solution is CVODE's with its own
// difference quotients to within the integration tolerance. Stiff on purpose (2D, integrated
// far past the diffusion time of a cell, so that the steps reach gamma |dR/dc| >> V): there a
// wrong product costs Newton iterations, where at small steps it would hardly matter.
TEST(TransientJacobianProductsMpi, AssembledProductsOfAnAffineSystemMatchDifferenceQuotients) {
  constexpr int kCells = 32;
  const double t = 0.5, rtol = 1e-6;
  TransientStats assembled, quotients;
  const std::shared_ptr<const TemperatureField> T = linear_temperature(1.0, {1.0, 0.5, 0});
  auto a = integrate(PETSC_COMM_WORLD, kCells, drifting_pulse(), T, t, rtol, true, &assembled, 2);
  auto q = integrate(PETSC_COMM_WORLD, kCells, drifting_pulse(), T, t, rtol, false, &quotients, 2);
  EXPECT_GT(assembled.jacobian_products, 0);
  EXPECT_EQ(assembled.rhs_evals_for_products, 0);
  EXPECT_GT(quotients.jacobian_products, 0);
  EXPECT_EQ(quotients.rhs_evals_for_products, quotients.jacobian_products);
  // exact products make Newton converge as fast as the quotients
  const auto at_most_a_tenth_more = [](long a, long b) { return 10 * a <= 11 * b; };
  EXPECT_TRUE(at_most_a_tenth_more(assembled.nonlinear_iters, quotients.nonlinear_iters))
      << assembled.nonlinear_iters << " against " << quotients.nonlinear_iters;
  EXPECT_TRUE(at_most_a_tenth_more(assembled.linear_iters, quotients.linear_iters))
      << assembled.linear_iters << " against " << quotients.linear_iters;
  EXPECT_TRUE(at_most_a_tenth_more(assembled.steps, quotients.steps))
      << assembled.steps << " against " << quotients.steps;
  double diff = 0.0, scale = 0.0;
  for (std::size_t i = 0; i < a.c.size(); ++i) {
    diff = std::max(diff, std::fabs(a.c[i] - q.c[i]));
    scale = std::max(scale, std::fabs(q.c[i]));
  }
  EXPECT_LT(diff, 10 * rtol * scale) << diff << " of " << scale;
  // the pulse has moved: the comparison is not of two unchanged initial states
  double moved = 0.0;
  const auto start =
      integrate(PETSC_COMM_WORLD, kCells, drifting_pulse(), T, 1e-12, rtol, true, nullptr, 2);
  for (std::size_t i = 0; i < a.c.size(); ++i)
    moved = std::max(moved, std::fabs(a.c[i] - start.c[i]));
  EXPECT_GT(moved, 100 * diff);
}

// Closed cells conserve the total to round-off when the Newton systems are solved exactly
// (with an AMG preconditioner, to the Krylov tolerance). 1D drift-diffusion with alpha = 1.
TEST(TransientConservationMpi, ClosedCellConservesTotalToRoundOff) {
  auto opts = exact_preconditioner();
  auto r = integrate(PETSC_COMM_WORLD, 64, drifting_pulse(), linear_temperature(1.0, {2.0, 0, 0}),
                     0.05, 1e-8);
  EXPECT_NEAR(r.total1[0] / r.total0[0], 1.0, 1e-13);
}

// Long transients: far past the relaxation time CVODE's steps grow until gamma |dR/dc| >> V,
// and the round-off of the cell residuals (each rounded, so their sum is not exactly zero)
// times the step changed the total by 0.5 % at t = 1e12 without the projection onto the
// conserved totals. With it the total holds to round-off over the whole run (a guarantee
// stated in docs/developers.md). Default preconditioner, Soret drift, alpha = 1.
TEST(TransientConservationMpi, ClosedCellConservesTotalToRoundOffAtLongTimes) {
  auto r = integrate(PETSC_COMM_WORLD, 64, drifting_pulse(), linear_temperature(1.0, {2.0, 0, 0}),
                     1e12, 1e-8);
  EXPECT_NEAR(r.total1[0] / r.total0[0], 1.0, 1e-12);
}

// An output time far beyond every time scale of the case (t_end = 1e30, the largest the input
// takes): CVODE's own first step is at least 100 uround t_out (1e16 here, against a diffusion
// time of 2.4e-4), and its error test failed at t = 0 until it gave up (CV_ERR_FAILURE). The
// solver now starts at the fastest diffusion time and reaches the steady profile, whose
// fitted fluxes give ln c(i+1) - ln c(i) = -S_T (T(i+1) - T(i)) exactly, with the total kept.
TEST(TransientMpi, OutputTimesFarBeyondTheCasesTimeScalesAreReached) {
  constexpr double kSoret = 3.0, kGradient = 2.0, kTend = 1e30;
  TransientStats stats;
  auto r = integrate(PETSC_COMM_WORLD, 64,
                     td::testing::make_species(constant_law(1.0), kSoret, 0.0, 0.5),
                     linear_temperature(1.0, {kGradient, 0, 0}), kTend, 1e-8, true, &stats);
  EXPECT_DOUBLE_EQ(stats.time, kTend);
  EXPECT_NEAR(r.total1[0] / r.total0[0], 1.0, 1e-12);
  const Axis& ax = r.mesh->axis(0);
  for (int i = 0; i + 1 < 64; ++i)
    EXPECT_NEAR(std::log(r.c[i + 1] / r.c[i]),
                -kSoret * kGradient * (ax.center(i + 1) - ax.center(i)), 1e-8)
        << "cell " << i;
}

// [solver.transient] max_steps bounds the internal steps of a solver over all its advance()
// calls (it steps CVODE one step per call, where CVODE's own limit counts a call's steps):
// reaching it is a SolverError naming the limit, the time reached and the step, not a
// completed run. With room to spare the same integration completes.
TEST(TransientMpi, MaxStepsBoundsTheStepsOfASolver) {
  auto mesh = td::testing::make_mesh(PETSC_COMM_WORLD, 1, 32, 1);
  FVSystem sys(*mesh, linear_temperature(1.0, {2.0, 0, 0}), {drifting_pulse()});
  Vec c = sys.create_state();
  sys.initial_state(c);
  TransientOptions opt;
  opt.max_steps = 5;
  {
    TransientSolver ts(sys, c, 0.0, opt);
    try {
      // two outputs: the steps of both count
      ts.advance(1e-4, c);
      ts.advance(1.0, c);
      ADD_FAILURE() << "no error after " << ts.stats().steps << " steps";
    } catch (const SolverError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("took the 5 internal steps [solver.transient] max_steps allows"),
                std::string::npos)
          << what;
      EXPECT_EQ(ts.stats().steps, 5);
      EXPECT_LT(ts.stats().time, 1.0);
    }
  }
  sys.initial_state(c);
  opt.max_steps = 100000;
  TransientSolver ts(sys, c, 0.0, opt);
  EXPECT_TRUE(ts.advance(1.0, c));
  EXPECT_GT(ts.stats().steps, 5);
  VecDestroy(&c);
}

// The semi-discrete operator itself: sum of cell residuals equals the boundary outflow for an
// arbitrary state, with every boundary type, in 3D.
TEST(FVConservation, SumOfResidualsIsBoundaryOutflow) {
  auto mesh = td::testing::make_mesh(PETSC_COMM_SELF, 3, 5, 2, 1.0, 0.9);
  Species a = td::testing::make_species(arrhenius_law(2.0, 1.0, 1.0), 4.0, 0.5, 1.0);
  Species b = td::testing::make_species(constant_law(0.3), -2.0, 1.0, 1.0);
  a.bc[0] = {Boundary::Type::dirichlet, 2.0, 0.0};
  a.bc[3] = {Boundary::Type::robin, 0.5, 3.0};
  FVSystem sys(*mesh, linear_temperature(1.0, {0.4, -0.3, 0.2}), {a, b});
  Vec c = sys.create_state(), R = sys.create_state();
  PetscRandom rnd;
  PetscRandomCreate(PETSC_COMM_SELF, &rnd);
  VecSetRandom(c, rnd);
  PetscRandomDestroy(&rnd);
  sys.residual(c, R);
  const auto out = sys.boundary_outflow(c);
  PetscScalar s0, s1;
  VecStrideNorm(R, 0, NORM_1, &s0);  // scale
  double sum[2] = {0, 0};
  const PetscScalar* r;
  PetscInt n;
  VecGetLocalSize(R, &n);
  VecGetArrayRead(R, &r);
  for (PetscInt i = 0; i < n; ++i) sum[i % 2] += r[i];
  VecRestoreArrayRead(R, &r);
  VecStrideNorm(R, 1, NORM_1, &s1);
  EXPECT_NEAR(sum[0], out[0], 1e-14 * s0);
  EXPECT_NEAR(sum[1], 0.0, 1e-14 * s1);  // species b: closed
  EXPECT_NE(out[0], 0.0);
  VecDestroy(&c);
  VecDestroy(&R);
}
