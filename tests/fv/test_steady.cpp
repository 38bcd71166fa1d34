// Steady states of the finite-volume Soret solver against exact solutions.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "core/Petsc.h"
#include "fv/Case.h"
#include "fv/Steady.h"
#include "mesh/DmdaViews.h"
#include "tests/core/petsc_events.h"
#include "tests/fv/fv_helpers.h"

using namespace td;
using td::testing::gather;
using td::testing::make_mesh;
using td::testing::make_species;
using td::testing::Options;
using td::testing::ScopedOptions;

namespace {

struct Solved {
  std::unique_ptr<Mesh> mesh;
  std::unique_ptr<FVSystem> sys;
  std::vector<double> c;  // natural ordering
  SteadyResult res;
};

Solved solve(MPI_Comm comm, int dim, int n, std::shared_ptr<const TemperatureField> T, Species sp,
             double beta = 0.0, double L = 1.0) {
  Solved out;
  out.mesh = make_mesh(comm, dim, n, 1, L, beta);
  out.sys = std::make_unique<FVSystem>(*out.mesh, std::move(T), std::vector<Species>{sp});
  Vec c = out.sys->create_state();
  out.sys->initial_state(c);
  SteadyOptions opt;
  out.res = solve_steady(*out.sys, c, opt);
  out.c = gather(*out.mesh, c);
  VecDestroy(&c);
  return out;
}

}  // namespace

// Closed 1D cell, constant S_T, linear T on a non-uniform mesh: the fitted flux makes
// d ln c / dT = -S_T exact at the nodes (to round-off), and the total is conserved.
TEST(SteadySoret, ConstantSoretIsExactOnCoarseNonUniformGrid) {
  const double S_T = 5.0;
  std::shared_ptr<const TemperatureField> T = linear_temperature(1.0, {1.0, 0.0, 0.0});
  auto sol = solve(PETSC_COMM_SELF, 1, 12, T, make_species(constant_law(1.0), S_T, 0.0, 1.0), 1.3);
  const Axis& ax = sol.mesh->axis(0);
  for (int i = 0; i + 1 < 12; ++i) {
    const double dT = ax.center(i + 1) - ax.center(i);
    const double slope = std::log(sol.c[i + 1] / sol.c[i]) / dT;
    EXPECT_NEAR(slope, -S_T, 1e-11 * S_T) << "cell " << i;
  }
  double total = 0.0;
  for (int i = 0; i < 12; ++i) total += sol.c[i] * ax.width(i);
  EXPECT_NEAR(total, 1.0, 1e-13);
  EXPECT_LE(sol.res.newton_iterations, 2);
}

// Same in 2D and 3D with the gradient along each axis in turn: the other axes stay flat.
TEST(SteadySoret, ConstantSoretAlongEachAxis2D3D) {
  const double S_T = 3.0;
  for (int dim = 2; dim <= 3; ++dim) {
    for (int a = 0; a < dim; ++a) {
      Point g{0, 0, 0};
      g[a] = 0.7;
      const int n = 6;
      auto sol = solve(PETSC_COMM_SELF, dim, n, linear_temperature(1.0, g),
                       make_species(constant_law(2.0), S_T, 0.0, 1.0), 0.8);
      const Axis& ax = sol.mesh->axis(a);
      const int ny = dim > 1 ? n : 1, nz = dim > 2 ? n : 1;
      for (int k = 0; k < nz; ++k)
        for (int j = 0; j < ny; ++j)
          for (int i = 0; i < n; ++i) {
            std::array<int, 3> idx{i, j, k};
            if (idx[a] + 1 >= n) continue;
            auto nb = idx;
            nb[a] += 1;
            const auto lin = [&](const std::array<int, 3>& q) { return q[0] + n * (q[1] + ny * q[2]); };
            const double dT = 0.7 * (ax.center(idx[a] + 1) - ax.center(idx[a]));
            const double slope = std::log(sol.c[lin(nb)] / sol.c[lin(idx)]) / dT;
            ASSERT_NEAR(slope, -S_T, 1e-10 * S_T) << "dim " << dim << " axis " << a;
            // transverse neighbours are equal
            for (int b = 0; b < dim; ++b) {
              if (b == a || idx[b] + 1 >= n) continue;
              auto tb = idx;
              tb[b] += 1;
              ASSERT_NEAR(sol.c[lin(tb)] / sol.c[lin(idx)], 1.0, 1e-11);
            }
          }
    }
  }
}

// A closed cell's answer does not depend on D, nor should its solve: the pinned row (the
// conserved amount) is scaled like its neighbours' rows. With an identity row among rows of
// D/h scale the default PFMG did not converge in 2000 iterations at D = 10 (LJ units, 16^3
// cells over 20 sigma). Exact profile d ln c / dT = -S_T, amount conserved, the same Krylov
// iterations at every D.
TEST(SteadySoretMpi, ClosedCellsSolveAlikeWhateverTheDiffusivity) {
  const double S_T = 2.0, L = 20.0, g = 0.01;
  for (int dim = 2; dim <= 3; ++dim) {
    const int n = dim == 2 ? 32 : 16;
    int iterations = -1;
    for (double D : {1e-3, 1.0, 10.0, 1e3, 1e5}) {
      const Solved sol = solve(PETSC_COMM_WORLD, dim, n, linear_temperature(1.0, {g, 0.0, 0.0}),
                               make_species(constant_law(D), S_T, 0.0, 1.0), 0.0, L);
      const Axis& ax = sol.mesh->axis(0);
      double total = 0.0;
      for (std::size_t q = 0; q < sol.c.size(); ++q) total += sol.c[q];
      total *= std::pow(L / n, dim);
      EXPECT_NEAR(total / std::pow(L, dim), 1.0, 1e-12) << "dim " << dim << " D " << D;
      for (int i = 0; i + 1 < n; ++i) {
        const double slope =
            std::log(sol.c[i + 1] / sol.c[i]) / (g * (ax.center(i + 1) - ax.center(i)));
        ASSERT_NEAR(slope, -S_T, 1e-9 * S_T) << "dim " << dim << " D " << D << " cell " << i;
      }
      if (iterations < 0) iterations = sol.res.krylov_iterations;
      EXPECT_EQ(sol.res.krylov_iterations, iterations) << "dim " << dim << " D " << D;
    }
  }
}

// Closed cells on uniform 2D meshes with strong drift (S_T Delta T from 10 to 150) solve with
// the default solver, to the exact exponential profile and in one Newton step: PFMG, the
// default there before, failed on several of them (BiCGStab diverged or reached its iteration
// limit at S_T Delta T = 10 on 128^2, 50 on 128^2, 60 on 64^2). 1 and 2 ranks.
TEST(SteadySoretMpi, ClosedCellsWithStrongDriftSolveWithTheDefault) {
  constexpr double kResolved = 1e-3;
  for (const auto& [n, S_T] :
       {std::pair{128, 10.0}, std::pair{128, 50.0}, std::pair{64, 60.0}, std::pair{128, 100.0}}) {
    const Solved sol = solve(PETSC_COMM_WORLD, 2, n, linear_temperature(1.0, {1.0, 0.0, 0.0}),
                             make_species(constant_law(1.0), S_T, 0.0, 1.0));
    // one Newton step to ||R||'s test; the cell-wise test takes further ones down the profile
    EXPECT_EQ(sol.res.newton_iterations - sol.res.polish_steps, 1) << "n " << n << " S_T " << S_T;
    // the slope where c is at least 1e-3 of its largest value (the cold end, x = 0): further
    // down, the residual's round-off relative to the flux terms is a larger part of c
    const Axis& ax = sol.mesh->axis(0);
    for (int i = 0; i + 1 < n && sol.c[i + 1] >= kResolved * sol.c[0]; ++i) {
      const double slope = std::log(sol.c[i + 1] / sol.c[i]) / (ax.center(i + 1) - ax.center(i));
      ASSERT_NEAR(slope, -S_T, 1e-9 * S_T) << "n " << n << " S_T " << S_T << " cell " << i;
    }
  }
}

// A cell with c fixed on x = 0 and drift along y too, across the walls that close y at both
// ends (T = 1 + x + y/2 over 1 x 1, 128^2 cells, S_T = 24 and 32: the drift spans 12 and 16
// along y): the default solver takes one Newton step and agrees with BoomerAMG's answer.
// PFMG, the default there before, took 2 Newton steps and 82 BiCGStab iterations at 24 and
// failed at 32. 1 and 2 ranks.
TEST(SteadySoretMpi, DriftAcrossWallsThatCloseAnAxisSolvesWithTheDefault) {
  constexpr int kCells = 128;
  for (const double S_T : {24.0, 32.0}) {
    Species sp = make_species(constant_law(1.0), S_T, 0.0, 1.0);
    sp.bc[0].type = Boundary::Type::dirichlet;
    sp.bc[0].value = 1.0;
    const auto solved = [&](const Options& options) {
      ScopedOptions set(options);
      return solve(PETSC_COMM_WORLD, 2, kCells, linear_temperature(1.0, {1.0, 0.5, 0.0}), sp);
    };
    Solved def;
    ASSERT_NO_THROW(def = solved({})) << "S_T " << S_T;
    EXPECT_EQ(def.res.newton_iterations - def.res.polish_steps, 1) << "S_T " << S_T;
    const Solved amg = solved({{"-pc_type", "hypre"}, {"-ksp_type", "gmres"}});
    const double cmax = *std::max_element(amg.c.begin(), amg.c.end());
    for (std::size_t i = 0; i < amg.c.size(); ++i)
      ASSERT_NEAR(def.c[i], amg.c[i], 1e-9 * cmax) << "S_T " << S_T << " cell " << i;
  }
}

// Which axes close a drift (FVSystem::drift_along_closed_axis, which picks the default
// preconditioner) from the mean temperatures of the first and last layers of cells along each
// axis: T = 1 + x + y/2 over 1 x 1, 32^2 cells, S_T = 10, so the drift spans S_T 31/32 =
// 9.6875 along x and half that along y. Walls everywhere: closed along x above a span of
// 9.6875, along y above 4.84. c fixed on the cold face x = 0: x is open (the profile falls
// away from it), y still closed. c fixed on the hot face: closed along x, where the profile
// grows by e^9.6875 from the fixed face to the wall. 1 and 2 ranks (slabs along y: each
// rank owns one end layer of y).
TEST(SteadySoretMpi, ClosedAxesAreFoundFromTheEndLayersTemperatures) {
  constexpr int kCells = 32;
  constexpr double kSoret = 10.0;
  const auto mesh = make_mesh(PETSC_COMM_WORLD, 2, kCells, 1);
  const auto closed = [&](int fixed_face, double span) {
    Species sp = make_species(constant_law(1.0), kSoret, 0.0, 1.0);
    if (fixed_face >= 0)
      sp.bc[static_cast<std::size_t>(fixed_face)] = {Boundary::Type::dirichlet, 1.0, 0.0};
    const FVSystem sys(*mesh, linear_temperature(1.0, {1.0, 0.5, 0.0}), std::vector<Species>{sp});
    return sys.drift_along_closed_axis(span);
  };
  constexpr int kWalls = -1, kColdX = 0, kHotX = 1;
  EXPECT_TRUE(closed(kWalls, 9.6));
  EXPECT_FALSE(closed(kWalls, 9.8));
  EXPECT_TRUE(closed(kColdX, 4.7));  // along y
  EXPECT_FALSE(closed(kColdX, 4.9));
  EXPECT_TRUE(closed(kHotX, 9.6));
  EXPECT_FALSE(closed(kHotX, 9.8));
}

// A sink (c = 0 fixed) on the hot face of the SI cell of bench/bench_fipy.py (1 mm, D = 1e-9
// m^2/s, T = 290 K + 20 K/mm x, S_T = 1.5 1/K: S_T Delta T = 30) with a wall at the cold end,
// 64^2 cells, from c = 1e24 m^-3: the profile through the fixed face would grow by e^30 away
// from it, as in a closed cell, and PFMG under BiCGStab stopped with DIVERGED_DTOL (as it
// still does with -td_pc pfmg -ksp_type bcgs); the default takes SMG there. The answer is zero up
// to the operator's conditioning: its slowest mode, exp(-S_T (T - T_hot)), is damped only by e^-30,
// so round-off of the residual (1e-14 of the first) leaves up to e^30 1e-14 of the initial
// state at the cold wall. 1 and 2 ranks.
TEST(SteadySoretMpi, ASinkAtTheDepletedEndSolvesWithTheDefault) {
  constexpr int kCells = 64;
  constexpr double kLength = 1e-3, kSoret = 1.5, kGradient = 2e4, kInitial = 1e24;
  Species sp = make_species(constant_law(1e-9), kSoret, 0.0, kInitial);
  sp.bc[1] = {Boundary::Type::dirichlet, 0.0, 0.0};
  const std::shared_ptr<const TemperatureField> T =
      linear_temperature(290.0, {kGradient, 0.0, 0.0});
  Solved sol;
  ASSERT_NO_THROW(sol = solve(PETSC_COMM_WORLD, 2, kCells, T, sp, 0.0, kLength));
  const double bound = std::exp(kSoret * kGradient * kLength) * 1e-14 * kInitial;
  for (std::size_t i = 0; i < sol.c.size(); ++i) ASSERT_LE(std::abs(sol.c[i]), bound) << i;
  ScopedOptions pfmg(Options{{"-td_pc", "pfmg"}, {"-ksp_type", "bcgs"}});
  EXPECT_THROW(solve(PETSC_COMM_WORLD, 2, kCells, T, sp, 0.0, kLength), SolverError);
}

namespace {

/// 64^2 SI cell of the benchmark (1 mm, D = 1e-9 m^2/s, T = 290 K + 2e4 K/m x), walls but
/// for the face @p face (0: cold, 1: hot) where c is fixed at 1e24 1/m^3; S_T @p soret (1/K),
/// uniform initial state @p initial (1/m^3).
constexpr int kFixedCells = 64;
constexpr double kFixedLength = 1e-3, kFixedGradient = 2e4, kFixedValue = 1e24, kFixedT0 = 290.0;

Solved solve_fixed_face(int face, double soret, double initial) {
  Species sp = make_species(constant_law(1e-9), soret, 0.0, initial);
  sp.bc[face] = {Boundary::Type::dirichlet, kFixedValue, 0.0};
  return solve(PETSC_COMM_WORLD, 2, kFixedCells,
               linear_temperature(kFixedT0, {kFixedGradient, 0.0, 0.0}), sp, 0.0, kFixedLength);
}

/// Largest relative error of @p sol against the exact zero-flux profile through the value
/// fixed on the hot face, c = c_D exp(S_T (T_D - T)).
double error_against_hot_face(const Solved& sol, double soret) {
  const Axis& ax = sol.mesh->axis(0);
  double worst = 0.0;
  for (int j = 0; j < kFixedCells; ++j)
    for (int i = 0; i < kFixedCells; ++i) {
      const double exact =
          kFixedValue * std::exp(soret * kFixedGradient * (kFixedLength - ax.center(i)));
      worst = std::max(worst, std::abs(sol.c[j * kFixedCells + i] / exact - 1.0));
    }
  return worst;
}

/// A sparse direct solve of every Newton step (MUMPS on several ranks).
Options direct_solver() {
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  Options direct{{"-pc_type", "lu"}, {"-ksp_type", "preonly"}};
  if (size > 1) direct.emplace_back("-pc_factor_mat_solver_type", "mumps");
  return direct;
}

/// The fixed-face cell with species @p first and @p second, solved directly (the default
/// multi-field multigrid breaks down on this drift: GMRES, DIVERGED_BREAKDOWN in the first
/// step, a defect of its own); c holds @p first.
Solved solve_two_species(const Species& first, const Species& second) {
  Solved out;
  out.mesh = make_mesh(PETSC_COMM_WORLD, 2, kFixedCells, 2, kFixedLength, 0.0);
  out.sys = std::make_unique<FVSystem>(*out.mesh,
                                       linear_temperature(kFixedT0, {kFixedGradient, 0.0, 0.0}),
                                       std::vector<Species>{first, second});
  Vec c = out.sys->create_state();
  out.sys->initial_state(c);
  {
    ScopedOptions lu(direct_solver());
    out.res = solve_steady(*out.sys, c, SteadyOptions{});
  }
  const std::vector<double> both = gather(*out.mesh, c);
  VecDestroy(&c);
  for (std::size_t q = 0; q < both.size() / 2; ++q) out.c.push_back(both[2 * q]);
  return out;
}

}  // namespace

// c fixed on the hot face of a strong drift (S_T Delta T = 30, from c = 1e24): the answer
// rises e^30 above the initial state. Newton's test relative to its first residual lay below
// the answer's round-off, and the backtracking line search stalled after the one exact step
// (DIVERGED_LOCAL_MIN, then failed continuation). That step is 7.9e-4 off in every cell with
// every cell's residual at round-off of its own terms: the error (a common factor in the
// large cells) leaves no trace in R there. Full Newton steps refine it until a step corrects
// no cell by more than 1e-10 of its value; every cell is then exact to 1e-10. The same with
// a second species fixed far higher on the cold face, under LU (the ratio is judged per
// species: one against all hid the refinement, 2.8e-2 off). With c fixed on the cold face nothing
// is refined: one Newton step (and the cell-wise polish of the depleted cells). A Newton the user
// shapes (-snes_type ksponly) is not refined, and the result says so. 1 and 2 ranks.
TEST(SteadySoretMpi, AnAnswerFarAboveItsFixedValueIsRefinedToTheExactProfile) {
  constexpr double kSoret = 1.5;
  constexpr int kMaxNewton = 8;
  Solved sol;
  ASSERT_NO_THROW(sol = solve_fixed_face(1, kSoret, kFixedValue));
  EXPECT_GT(sol.c[0], 1e12 * kFixedValue);
  EXPECT_LE(error_against_hot_face(sol, kSoret), 1e-10);
  EXPECT_GT(sol.res.correction, 0.0);
  EXPECT_LE(sol.res.correction, kSteadyMaxCellResidual);
  EXPECT_GE(sol.res.newton_iterations, 2);
  EXPECT_LE(sol.res.newton_iterations, kMaxNewton);
  EXPECT_EQ(sol.res.unconfirmed_ratio, 0.0);

  Species hot = make_species(constant_law(1e-9), kSoret, 0.0, kFixedValue);
  hot.bc[1] = {Boundary::Type::dirichlet, kFixedValue, 0.0};
  Species other = make_species(constant_law(1e-9), 0.0, 0.0, 1e20 * kFixedValue);
  other.name = "other";
  other.bc[0] = {Boundary::Type::dirichlet, 1e20 * kFixedValue, 0.0};
  Solved two;
  ASSERT_NO_THROW(two = solve_two_species(hot, other));
  EXPECT_LE(error_against_hot_face(two, kSoret), 1e-10);

  Solved cold;
  ASSERT_NO_THROW(cold = solve_fixed_face(0, kSoret, kFixedValue));
  EXPECT_EQ(cold.res.correction, 0.0);
  EXPECT_EQ(cold.res.newton_iterations, 1 + cold.res.polish_steps);
  EXPECT_EQ(cold.res.unconfirmed_ratio, 0.0);

  // a closed species 1e10 above the fixed value is not far above anything: its amount sets
  // its scale (it was reported unconfirmed)
  Species closed = make_species(constant_law(1e-9), 0.0, 0.0, 1e10 * kFixedValue);
  closed.name = "closed";
  Species fixed_cold = make_species(constant_law(1e-9), kSoret, 0.0, kFixedValue);
  fixed_cold.bc[0] = {Boundary::Type::dirichlet, kFixedValue, 0.0};
  Solved beside;
  ASSERT_NO_THROW(beside = solve_two_species(fixed_cold, closed));
  EXPECT_EQ(beside.res.unconfirmed_ratio, 0.0);

  ScopedOptions ksponly(Options{{"-snes_type", "ksponly"}});
  Solved shaped;
  ASSERT_NO_THROW(shaped = solve_fixed_face(1, kSoret, kFixedValue));
  EXPECT_GT(shaped.res.unconfirmed_ratio, 1e12);
  EXPECT_EQ(shaped.res.unconfirmed_species, "c");
}

// A refinement that runs out of Newton steps is an error naming the limit, not a restart of
// pseudo-transient continuation from the initial state (which never refines). 1 and 2 ranks.
TEST(SteadySoretMpi, ARefinementOutOfNewtonStepsNamesTheLimit) {
  ScopedOptions two_steps(Options{{"-snes_max_it", "2"}});
  try {
    solve_fixed_face(1, 1.5, kFixedValue);
    ADD_FAILURE() << "two Newton steps refined the answer";
  } catch (const SolverError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("limit of 2 steps"), std::string::npos) << message;
    EXPECT_NE(message.find("max_newton"), std::string::npos) << message;
  }
}

// At S_T Delta T = 40 the answer lies e^40 above the fixed value: from c = 1e24 the default
// Krylov solve fails (DIVERGED_DTOL), from e^40 x 1e24 a refinement step's does, and a
// direct solve's corrections shrink by only about 0.9 per step. Whatever the path, the run
// either ends exact in every cell or fails naming the cause: never an answer that is off
// (one Newton step from e^40 x 1e24 was 26 % off, with every cell's residual at round-off).
// 1 and 2 ranks.
TEST(SteadySoretMpi, AnAnswerBeyondDoublePrecisionIsExactOrAnError) {
  constexpr double kSoret = 2.0;
  const Options direct = direct_solver();
  const double far = std::exp(kSoret * kFixedGradient * kFixedLength) * kFixedValue;
  const std::vector<std::pair<double, Options>> paths{
      {kFixedValue, Options{}}, {far, Options{}}, {kFixedValue, direct}};
  for (const auto& [initial, options] : paths) {
    ScopedOptions scoped(options);
    const std::string what =
        "from " + std::to_string(initial) + ", " + std::to_string(options.size()) + " options";
    try {
      const Solved sol = solve_fixed_face(1, kSoret, initial);
      EXPECT_LE(error_against_hot_face(sol, kSoret), 1e-10) << what;
    } catch (const SolverError& e) {
      const std::string message = e.what();
      EXPECT_TRUE(message.find("far above the values fixed on its faces") != std::string::npos ||
                  message.find("spans psi = ") != std::string::npos)
          << what << ": " << message;
    }
  }
}

namespace {

/// T = T_mid + amplitude sin(2 pi x / period) (K): a smooth periodic temperature along x.
class SineTemperature : public TemperatureField {
 public:
  SineTemperature(double T_mid, double amplitude, double period)
      : T_mid_(T_mid), amplitude_(amplitude), period_(period) {}
  double T(const Point& x) const override {
    return T_mid_ + amplitude_ * std::sin(2.0 * M_PI * x[0] / period_);
  }
  std::string type() const override { return "sine"; }

 private:
  double T_mid_, amplitude_, period_;
};

}  // namespace

// A closed cell periodic along the temperature's variation, 128 x 32 cells, with strong drift
// (S_T Delta T = 30 and 50): the default solver reaches the exact zero-flux profile,
// ln c(i+1) - ln c(i) = -S_T (T(i+1) - T(i)). Under BoomerAMG, the default on a periodic
// mesh, GMRES broke down at S_T Delta T = 50 (DIVERGED_BREAKDOWN) and took 386 iterations
// at 30; BiCGStab now replaces it there. 1 and 2 ranks.
TEST(SteadySoretMpi, PeriodicClosedCellsWithStrongDriftSolveWithTheDefault) {
  constexpr double kResolved = 1e-3;
  constexpr double kLength = 10.0, kHeight = 2.0;
  constexpr int kCells = 128, kRows = 32;
  for (const double S_T : {30.0, 50.0}) {
    std::array<Axis, 3> axes;
    axes[0].nodes = uniform_nodes(0.0, kLength, kCells);
    axes[0].periodic = true;
    axes[1].nodes = uniform_nodes(0.0, kHeight, kRows);
    axes[2].nodes = {0.0, 1.0};
    Mesh mesh(PETSC_COMM_WORLD, 2, axes, 1);
    // T from 1 to 2 (Delta T = 1)
    FVSystem sys(mesh, std::make_shared<SineTemperature>(1.5, 0.5, kLength),
                 {make_species(constant_law(1.0), S_T, 0.0, 1.0)});
    Vec c = sys.create_state();
    sys.initial_state(c);
    SteadyOptions opt;
    SteadyResult res;
    ASSERT_NO_THROW(res = solve_steady(sys, c, opt)) << "S_T " << S_T;
    const std::vector<double> all = gather(mesh, c);
    VecDestroy(&c);
    const double cmax = *std::max_element(all.begin(), all.end());
    const SineTemperature T(1.5, 0.5, kLength);
    const Axis& ax = mesh.axis(0);
    int checked = 0;
    for (int j = 0; j < kRows; j += kRows / 4)
      for (int i = 0; i < kCells; ++i) {
        const int k = (i + 1) % kCells;
        const double a = all[j * kCells + i], b = all[j * kCells + k];
        if (a < kResolved * cmax || b < kResolved * cmax) continue;
        const double dT = T.T({ax.center(k), 0.0, 0.0}) - T.T({ax.center(i), 0.0, 0.0});
        ASSERT_NEAR(std::log(b / a), -S_T * dT, 1e-8 * S_T * std::fabs(dT) + 1e-12)
            << "S_T " << S_T << " row " << j << " cell " << i;
        ++checked;
      }
    // at S_T Delta T = 50, 31 neighbour pairs of each row are resolved
    EXPECT_GE(checked, kCells / 2) << "S_T " << S_T;
  }
}

// A closed 1D cell whose profile spans e^40: beyond 1e-10 of its maximum (where, before the
// steady solver's cell-wise test, the solution was round-off, negative in places) the
// effective Soret coefficient, from ln P, is not given (0) instead of noise (it ranged over
// [0, 10.6] for an exact 2); where it is given it is the exact one.
TEST(SteadySoret, EffectiveSoretIsGivenOnlyWhereTheTotalIsResolved) {
  const double S_T = 2.0;
  const int n = 256;
  auto mesh = make_mesh(PETSC_COMM_SELF, 1, n, 1);
  FVSystem sys(*mesh, linear_temperature(1.0, {20.0, 0.0, 0.0}),
               {make_species(constant_law(1.0), S_T, 0.0, 1.0)});
  Vec c = sys.create_state();
  sys.initial_state(c);
  SteadyOptions opt;
  solve_steady(sys, c, opt);
  Vec obs = sys.group_observables(c);
  const PetscScalar* o;
  VecGetArrayRead(obs, &o);
  double pmax = 0.0;
  for (int i = 0; i < n; ++i) pmax = std::max(pmax, o[3 * i]);
  int given = 0, unresolved = 0;
  for (int i = 1; i + 1 < n; ++i) {
    const double P = o[3 * i], S = o[3 * i + 1];
    const bool resolved =
        std::min({o[3 * (i - 1)], o[3 * (i + 1)]}) > FVSystem::kResolvedTotal * pmax;
    if (!resolved) {
      ++unresolved;
      EXPECT_EQ(S, 0.0) << "cell " << i << " P/Pmax " << P / pmax;
      continue;
    }
    ++given;
    // central differences of ln P are exact for an exponential profile: what is left is the
    // solution's absolute error, about 1e-13 of Pmax, relative to P
    const double tol = P > 1e-6 * pmax ? 1e-6 : 2e-2;
    EXPECT_NEAR(S, S_T, tol * S_T) << "cell " << i << " P/Pmax " << P / pmax;
  }
  VecRestoreArrayRead(obs, &o);
  VecDestroy(&obs);
  VecDestroy(&c);
  EXPECT_GT(given, 100);
  EXPECT_GT(unresolved, 50);
}

// alpha = 1, S_T = 0, Arrhenius D(T): J = -grad(D c), steady D c = const exactly.
TEST(SteadySoret, InhomogeneousDiffusionGivesDcConstant) {
  std::shared_ptr<const TemperatureLaw> D = arrhenius_law(3.0, 2.0, 1.0);
  std::shared_ptr<const TemperatureField> T = linear_temperature(1.0, {1.5, 0.0, 0.0});
  auto sol = solve(PETSC_COMM_SELF, 1, 20, T, make_species(D, 0.0, 1.0, 1.0), 1.1);
  const Axis& ax = sol.mesh->axis(0);
  const double ref = D->value(1.0 + 1.5 * ax.center(0)) * sol.c[0];
  for (int i = 0; i < 20; ++i)
    EXPECT_NEAR(D->value(1.0 + 1.5 * ax.center(i)) * sol.c[i] / ref, 1.0, 1e-11) << i;
}

// A Dirichlet face and no-flux elsewhere: the steady state is the zero-flux profile through
// the boundary value: c = c_b exp(-S_T (T - T_b)) at the cell centres.
TEST(SteadySoret, DirichletColdFaceGivesExponentialProfile) {
  const double S_T = 5.0;
  Species sp = make_species(constant_law(1.0), S_T, 0.0, 0.3);
  sp.bc[0] = {Boundary::Type::dirichlet, 1.0, 0.0};
  auto sol = solve(PETSC_COMM_SELF, 2, 10, linear_temperature(1.0, {1.0, 0.0, 0.0}), sp);
  const Axis& ax = sol.mesh->axis(0);
  for (int j = 0; j < 10; ++j)
    for (int i = 0; i < 10; ++i)
      EXPECT_NEAR(sol.c[i + 10 * j], std::exp(-S_T * ax.center(i)), 1e-11);
}

// A profile spanning many decades is exact in every cell, not only near its largest value:
// c fixed on the cold face x = 0, S_T Delta T = 30 and 60 (c falls to e^-30 = 1e-13 and
// e^-60 = 1e-26 of its largest value), on 128^2 cells of a unit square (D = 1, T = 1 + x)
// and on 64^2 cells of the SI case of bench/bench_fipy.py (1 mm, D = 1e-9 m^2/s, T = 290 K
// + 20 K/mm x, c = 1e24 m^-3 on x = 0). The test on ||R|| weighs each cell by the largest
// terms: before the cell-wise test (kSteadyMaxCellResidual) the cell at 1e-13 was 50 % off at
// S_T Delta T = 30 (256^2), and the 2-rank answer differed from the 1-rank one there. The SI
// case needs the polish's tighter Krylov tolerance: at the first solve's 1e-12 its cell
// residual stayed at 20. The fitted fluxes are exact for this profile: what is left is the
// cell residuals, at most 1e-10 of each cell's terms, carried down the profile (1.0e-9
// relative at 1e-26). 1 and 2 ranks.
TEST(SteadySoretMpi, ProfilesSpanningManyDecadesAreExactInEveryCell) {
  struct Case {
    int cells;
    double length, diffusivity, T_cold, gradient, soret, c_cold;
  };
  for (const Case& k :
       {Case{128, 1.0, 1.0, 1.0, 1.0, 30.0, 1.0}, Case{128, 1.0, 1.0, 1.0, 1.0, 60.0, 1.0},
        Case{64, 1e-3, 1e-9, 290.0, 2e4, 3.0, 1e24}}) {
    const double span = k.soret * k.gradient * k.length;
    Species sp = make_species(constant_law(k.diffusivity), k.soret, 0.0, k.c_cold);
    sp.bc[0] = {Boundary::Type::dirichlet, k.c_cold, 0.0};
    const auto sol = solve(PETSC_COMM_WORLD, 2, k.cells,
                           linear_temperature(k.T_cold, {k.gradient, 0.0, 0.0}), sp, 0.0, k.length);
    EXPECT_TRUE(sol.res.cells_judged);
    EXPECT_LE(sol.res.cell_residual, 1e-10) << "n " << k.cells << " span " << span;
    const Axis& ax = sol.mesh->axis(0);
    double worst = 0.0;
    for (int j = 0; j < k.cells; ++j)
      for (int i = 0; i < k.cells; ++i) {
        const double exact = k.c_cold * std::exp(-k.soret * k.gradient * ax.center(i));
        worst = std::max(worst, std::abs(sol.c[i + k.cells * j] - exact) / exact);
      }
    EXPECT_LT(worst, 1e-8) << "n " << k.cells << " span " << span;
  }
  // a Newton the user shaped is not extended by further steps
  Species sp = make_species(constant_law(1.0), 30.0, 0.0, 1.0);
  sp.bc[0] = {Boundary::Type::dirichlet, 1.0, 0.0};
  ScopedOptions shaped(Options{{"-snes_max_it", "50"}});
  const auto sol = solve(PETSC_COMM_WORLD, 2, 128, linear_temperature(1.0, {1.0, 0.0, 0.0}), sp);
  EXPECT_FALSE(sol.res.cells_judged);
  EXPECT_EQ(sol.res.polish_steps, 0);
}

// A solve that options stop short of a steady state (one Jacobi sweep per Newton solve,
// -snes_type ksponly -ksp_type preonly -pc_type jacobi, so that further Newton solves, each
// cutting the residual by less than the cell-wise polish asks, do not reach it either) is a
// SolverError naming ||R|| against the flux terms, not an answer; the same case
// with the defaults is steady to round-off. 1 and 2 ranks.
TEST(SteadySoretMpi, AStateShortOfSteadyIsAnErrorNotAnAnswer) {
  Species sp = make_species(constant_law(1.0), 5.0, 0.0, 0.3);
  sp.bc[0] = {Boundary::Type::dirichlet, 1.0, 0.0};
  const std::shared_ptr<const TemperatureField> T = linear_temperature(1.0, {1.0, 0.0, 0.0});
  const auto steady = solve(PETSC_COMM_WORLD, 2, 32, T, sp);
  EXPECT_LT(steady.res.residual_norm, 1e-12 * steady.res.residual_scale);
  td::testing::ScopedOptions loose(
      {{"-snes_type", "ksponly"}, {"-ksp_type", "preonly"}, {"-pc_type", "jacobi"}});
  try {
    solve(PETSC_COMM_WORLD, 2, 32, T, sp);
    ADD_FAILURE() << "a state short of steady was returned";
  } catch (const SolverError& e) {
    EXPECT_NE(std::string(e.what()).find("of the flux and reaction terms (at most 1e-08 is a "
                                         "steady state): the state is not steady"),
              std::string::npos)
        << e.what();
  }
}

// Newton's own test is relative to its first residual: from an initial state 1e9 above the
// answer one step passes it with ||R|| far above the answer's terms. The solver takes
// further steps to an absolute target instead of returning or refusing that state; and an
// answer of zero (a Dirichlet sink), whose terms vanish, is judged by round-off of the first
// residual. 1 and 2 ranks.
TEST(SteadySoretMpi, FarInitialStatesAndZeroAnswersReachTheSteadyState) {
  const std::shared_ptr<const TemperatureField> T = linear_temperature(1.0, {1.0, 0.0, 0.0});
  const double S_T = 5.0;
  for (const double boundary : {1.0, 0.0}) {
    Species sp = make_species(constant_law(1.0), S_T, 0.0, 1e9);
    sp.bc[0] = {Boundary::Type::dirichlet, boundary, 0.0};
    const auto sol = solve(PETSC_COMM_WORLD, 2, 32, T, sp);
    const Axis& ax = sol.mesh->axis(0);
    for (int j = 0; j < 32; ++j)
      for (int i = 0; i < 32; ++i)
        EXPECT_NEAR(sol.c[i + 32 * j], boundary * std::exp(-S_T * ax.center(i)), 1e-9)
            << "boundary " << boundary << " cell " << i << ", " << j;
    // the zero answer is round-off, whose cells the cell-wise test leaves alone (it took up
    // to 3 useless Newton steps there)
    EXPECT_EQ(sol.res.cells_judged, boundary != 0.0) << "boundary " << boundary;
    if (boundary == 0.0) EXPECT_EQ(sol.res.polish_steps, 0);
  }
}

// The drift check (FVSystem::drift_resolution) on a stretched 2D mesh with T linear in x and
// y: with a constant S_T, dpsi = S_T (T_Q - T_P), so the cell Peclet number along each axis is
// S_T |gradient| times the largest distance between neighbouring cell centres, and the psi
// span S_T times the spread of the cell temperatures; the same on any number of ranks.
TEST(SteadySoretMpi, DriftResolutionIsTheLargestCellPecletAlongEachAxis) {
  const double S_T = 2.5, beta = 1.2;
  const Point g{0.7, -0.4, 0.0};
  const int n = 12;
  auto mesh = make_mesh(PETSC_COMM_WORLD, 2, n, 1, 1.0, beta);
  FVSystem sys(*mesh, linear_temperature(1.0, g),
               std::vector<Species>{make_species(constant_law(2.0), S_T, 0.0, 1.0)});
  const FVSystem::DriftResolution r = sys.drift_resolution();
  const Axis& ax = mesh->axis(0);  // both axes have the same nodes
  double h = 0.0;
  for (int i = 0; i + 1 < n; ++i) h = std::max(h, ax.center(i + 1) - ax.center(i));
  for (int a = 0; a < 2; ++a)
    EXPECT_NEAR(r.cell_peclet[a], S_T * std::fabs(g[a]) * h, 1e-12) << "axis " << a;
  EXPECT_EQ(r.cell_peclet[2], 0.0);
  const double spread = (std::fabs(g[0]) + std::fabs(g[1])) * (ax.center(n - 1) - ax.center(0));
  EXPECT_NEAR(r.psi_span, S_T * spread, 1e-12);
  EXPECT_EQ(r.species, "c");
}

namespace {

/// A linear reaction A <=> B with drift, and a third species C, closed, none of it anywhere.
/// {bc} is A's boundary table (empty: every species closed).
std::string zero_amount_case(const std::string& bc) {
  return R"(
[mesh]
dim = 2
[mesh.x]
cells = 32
length = 1.0
[mesh.y]
cells = 8
length = 0.25
[temperature]
type = "linear"
T_ref = 1.0
gradient = [1.0, 0.3]
[[species]]
name = "A"
[species.diffusivity]
value = 1.0
[species.soret]
value = 20.0
[species.initial]
value = 1.0
)" + bc + R"(
[[species]]
name = "B"
composition = "1 A"
[species.diffusivity]
value = 0.5
[species.soret]
value = 5.0
[species.initial]
value = 0.2
[[species]]
name = "C"
[species.diffusivity]
value = 0.3
[species.soret]
value = 3.0
[species.initial]
value = 0.0
[[reactions]]
equation = "A <=> B"
K0 = 2.0
[reactions.rate]
value = 10.0
[solver]
mode = "steady"
)";
}

}  // namespace

// A closed species with a zero amount beside a linear reaction: its answer is zero. The
// amount matching judged its error relative to zero and stopped with "relative error
// 6.7e278" (A fixed on x = 0: pinned values adjusted) or "singular amount matrix" (all
// closed: pinned solutions combined, the zero amount's pinned value zero). Now C is zero, and
// a closed cell keeps the amounts of A and B.
TEST(SteadySoretMpi, ZeroAmountsBesideReactionsAreZero) {
  for (const std::string bc :
       {std::string("[species.boundary.xlo]\ntype = \"dirichlet\"\nvalue = 1.0\n"),
        std::string()}) {
    auto cs = Case::from_string(PETSC_COMM_WORLD, zero_amount_case(bc), "case.toml");
    FVSystem& sys = cs->system();
    Owned<Vec> c(sys.create_state());
    sys.initial_state(c);
    const auto before = sys.totals(c);
    ASSERT_NO_THROW(solve_steady(sys, c, SteadyOptions{})) << (bc.empty() ? "closed" : "open");
    const auto after = sys.totals(c);
    const auto values = gather(cs->mesh(), c);
    for (std::size_t i = 2; i < values.size(); i += 3) ASSERT_EQ(values[i], 0.0) << i;
    if (bc.empty()) EXPECT_NEAR(after[0] + after[1], before[0] + before[1], 1e-11 * before[0]);
  }
}

// A case sets up the ghost exchanges its residual reads when it is built (FVSystem::
// set_up_ghost_exchanges from Case::build): the residual then sets no scatter up, where PETSc
// would otherwise set up each at its first use, inside a solve. With heat, the residual also
// reads the cell temperatures' ghost cells (their own DMDA). A periodic y axis gives every
// rank ghost cells, on one rank too.
TEST(SteadySoretMpi, ACaseSetsUpItsGhostExchangesBeforeItsFirstResidual) {
  const td::testing::PetscEventLogging logging;
  for (const bool heat : {false, true}) {
    SCOPED_TRACE(heat ? "heat solved" : "temperature prescribed");
    std::string text = R"([mesh]
dim = 2
[mesh.x]
cells = 12
length = 1.0
[mesh.y]
cells = 8
length = 1.0
periodic = true
[temperature]
type = "linear"
T_ref = 1.0
gradient = [0.5, 0.0, 0.0]
[[species]]
name = "s"
[species.diffusivity]
value = 1.0
[species.soret]
value = 2.0
[species.initial]
value = 1.0
[solver]
mode = "steady"
)";
    if (heat)
      text += R"([heat]
heat_capacity = 1.0
[heat.conductivity]
value = 1.0
[heat.boundary.xlo]
type = "temperature"
value = 1.0
[heat.boundary.xhi]
type = "temperature"
value = 1.5
)";
    const auto cs = Case::from_string(PETSC_COMM_WORLD, text);
    FVSystem& sys = cs->system();
    EXPECT_TRUE(dmda::has_ghost_cells(sys.mesh().dm()));
    EXPECT_EQ(sys.has_heat(), heat);
    const Owned<Vec> c(sys.create_state());
    sys.initial_state(c);
    const Owned<Vec> r = duplicate(c);
    const int before = logging.count("SFSetUp");
    sys.residual(c, r);
    EXPECT_EQ(logging.count("SFSetUp"), before);
  }
}
