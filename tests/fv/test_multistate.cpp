// Multi-state species and reactions in the finite-volume solver: the local-equilibrium
// (covariance) limit as the Damkoehler number grows, the dimerization identity, Einstein
// diffusivities, conservation of monomer equivalents, and rank independence.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "fv/Case.h"
#include "fv/Steady.h"
#include "fv/Transient.h"
#include "models/MultiState.h"
#include "tests/fv/fv_helpers.h"

using td::testing::dimer_species;
using td::testing::lj_cell_1d;
using td::testing::two_state_case;

using namespace td;

namespace {

struct Solved {
  std::unique_ptr<Case> cs;
  std::vector<double> c;  // natural ordering, all ranks
  std::vector<double> T;
};

Solved solve(MPI_Comm comm, const std::string& text) {
  Solved s;
  s.cs = Case::from_string(comm, text, "case.toml");
  FVSystem& sys = s.cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  solve_steady(sys, c, s.cs->run().steady);
  s.c = td::testing::gather(s.cs->mesh(), c);
  const Mesh& m = s.cs->mesh();
  for (int i = 0; i < m.cells(0); ++i) s.T.push_back(s.cs->temperature().T(m.center(i, 0, 0)));
  VecDestroy(&c);
  return s;
}

/// max_i |ln(P_i/P_0) - ln(<D>_0/<D>_i)|: departure from the local-equilibrium steady state
/// <D>_eq P = const along the cell.
double departure_from_local_equilibrium(const Solved& s) {
  const auto& st = *s.cs->system().species()[0].states;
  const int n = static_cast<int>(s.T.size()), ns = st.size();
  auto P = [&](int i) {
    double p = 0;
    for (int k = 0; k < ns; ++k) p += s.c[i * ns + k];
    return p;
  };
  double dev = 0.0;
  for (int i = 1; i < n; ++i) {
    const double pred =
        std::log(analyse_soret(st, s.T[0]).mean_D / analyse_soret(st, s.T[i]).mean_D);
    dev = std::max(dev, std::abs(std::log(P(i) / P(0)) - pred));
  }
  return dev;
}

}  // namespace

TEST(MultiStatePde, ApproachesCovariancePredictionAsDamkoehlerGrows) {
  // Da = nu L^2 / D_slow; the departure must fall as Da grows. At the closed walls the states
  // carry opposite fluxes that cancel; they relax to local equilibrium over a layer of width
  // l ~ sqrt(D/k), so the largest departure of ln P scales as l/L ~ Da^(-1/2). The mesh
  // (2000 cells) resolves l at the largest Da (about 6 cells).
  std::vector<double> dev;
  for (double nu : {1.0, 10.0, 100.0, 1000.0, 10000.0}) {
    dev.push_back(
        departure_from_local_equilibrium(solve(PETSC_COMM_SELF, two_state_case(2000, nu))));
    if (dev.size() > 1) EXPECT_LT(dev.back(), dev[dev.size() - 2]) << "nu " << nu;
  }
  EXPECT_GT(dev[0], 1e-2);  // slow kinetics: far from local equilibrium
  // Da^(-1/2) asymptotics between the two fastest rates (a factor 10 in Da)
  EXPECT_NEAR(dev[3] / dev[4], std::sqrt(10.0), 0.3);
  EXPECT_LT(dev[4], 1e-2);
}

TEST(MultiStatePde, EinsteinSingleStateSoretIsOneOverT) {
  // D = kB T / R with the Liang flux: D c = const, so c T = const at every cell centre, to
  // round-off (the fitted flux is exact for this profile).
  const std::string text = lj_cell_1d(12, 0.5, 2.0) + R"(
[[species]]
name = "m"
alpha = 1.0
[species.diffusivity]
type = "einstein"
friction = 3.0
[species.initial]
value = 1.0
)";
  const auto s = solve(PETSC_COMM_SELF, text);
  for (std::size_t i = 1; i < s.T.size(); ++i)
    EXPECT_NEAR(s.c[i] * s.T[i] / (s.c[0] * s.T[0]), 1.0, 1e-12);
}

namespace {

std::string dimer_case(int cells, double kplus, const std::string& mode = "steady",
                       const std::string& extra = "") {
  return lj_cell_1d(cells, 1.0, 1.0) + dimer_species(kplus) +
         fmt::format("[solver]\nmode = \"{}\"\n{}\n", mode, extra);
}

}  // namespace

TEST(MultiStatePde, DimerizationFastLimitIdentity) {
  // Fast kinetics: c2 = K c1^2 and D1 c1 + 2 D2 K c1^2 = const pointwise.
  std::vector<double> spread;
  for (double k : {1.0, 100.0, 10000.0}) {
    const auto s = solve(PETSC_COMM_SELF, dimer_case(100, k));
    const auto& sp = s.cs->system().species();
    double lo = 1e300, hi = -1e300;
    for (std::size_t i = 0; i < s.T.size(); ++i) {
      const double T = s.T[i], c1 = s.c[2 * i];
      const double K = 0.5 * std::exp(1.0 / T);
      const double f = sp[0].D->value(T) * c1 + 2.0 * sp[1].D->value(T) * K * c1 * c1;
      lo = std::min(lo, f);
      hi = std::max(hi, f);
    }
    spread.push_back((hi - lo) / hi);
  }
  EXPECT_LT(spread[1], spread[0]);
  EXPECT_LT(spread[2], spread[1]);
  EXPECT_LT(spread[2], 1e-3);
}

TEST(MultiStatePde, ConservesMonomerEquivalentsToRoundOff) {
  auto opts = td::testing::exact_preconditioner();
  auto cs = Case::from_string(PETSC_COMM_SELF,
                              dimer_case(40, 50.0, "transient", "[solver.transient]\nt_end = 1.0"));
  FVSystem& sys = cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  auto amount = [&](Vec v) {
    const auto t = sys.totals(v);
    return t[0] + 2.0 * t[1];
  };
  const double m0 = amount(c);
  TransientSolver ts(sys, c, 0.0, cs->run().transient);
  for (double t : {0.01, 0.1, 1.0}) {
    ts.advance(t, c);
    EXPECT_NEAR(amount(c) / m0, 1.0, 1e-12) << "t = " << t;
  }
  // the steady solve keeps the same amount
  solve_steady(sys, c, cs->run().steady);
  EXPECT_NEAR(amount(c) / m0, 1.0, 1e-10);
  VecDestroy(&c);
}

namespace {

/// A steady solve of a case: its result, the totals before and after, the state (natural
/// ordering, every rank).
struct SteadyCase {
  SteadyResult res;
  std::vector<double> before, after, c;
};

SteadyCase solve_case(MPI_Comm comm, const std::string& text) {
  auto cs = Case::from_string(comm, text, "case.toml");
  FVSystem& sys = cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  SteadyCase out;
  out.before = sys.totals(c);
  out.res = solve_steady(sys, c, cs->run().steady);
  out.after = sys.totals(c);
  out.c = td::testing::gather(cs->mesh(), c);
  VecDestroy(&c);
  return out;
}

}  // namespace

TEST(MultiStatePde, LinearClosedCellTakesOneSolvePerConservedAmount) {
  // Linear kinetics in a closed cell: the pinned solution is linear in the pinned values, so
  // the amounts are matched by combining one solve per conserved amount, with no further
  // adjustment. One species: one solve; a second, independent species (scaled to a
  // different amount) adds one. Each amount must equal its initial value to round-off and
  // the profile of P must not depend on the other species.
  const std::string q_species = [] {
    std::string t = td::testing::two_state_species(30.0, 0.7);
    t.replace(t.find("name = \"P\""), 10, "name = \"Q\"");
    t.replace(t.find("value = 1.0"), 11, "value = 3.0");
    for (const std::string state : {"slow", "fast"})
      for (auto at = t.find('"' + state + '"'); at != std::string::npos;
           at = t.find('"' + state + '"', at + 1))
        t.insert(at + 1 + state.size(), "_q");
    return t;
  }();
  const std::string one = two_state_case(64, 30.0);
  std::vector<double> p_alone;
  for (const bool second : {false, true}) {
    const SteadyCase run = solve_case(PETSC_COMM_SELF, second ? one + q_species : one);
    const SteadyResult& res = run.res;
    const std::vector<double>&t0 = run.before, &t1 = run.after;
    const int nc = second ? 2 : 1;
    EXPECT_EQ(res.newton_iterations, nc) << "species " << nc;
    EXPECT_EQ(res.amount_iterations, nc - 1) << "species " << nc;
    for (int sp = 0; sp < nc; ++sp) {
      const double before = t0[2 * sp] + t0[2 * sp + 1], after = t1[2 * sp] + t1[2 * sp + 1];
      EXPECT_NEAR(after / before, 1.0, 1e-13) << "species " << sp;
    }
    EXPECT_LT(res.residual_norm, 1e-9 * res.residual_scale);
    const int dof = 2 * nc;
    for (std::size_t i = 0, cell = 0; i < run.c.size(); i += dof, ++cell) {
      if (!second) {
        p_alone.push_back(run.c[i]);
        p_alone.push_back(run.c[i + 1]);
      } else {
        EXPECT_NEAR(run.c[i], p_alone[2 * cell], 1e-10 * p_alone[2 * cell]) << "cell " << cell;
        EXPECT_NEAR(run.c[i + 1], p_alone[2 * cell + 1], 1e-10 * p_alone[2 * cell + 1]);
      }
    }
  }
}

// A closed two-state species beside a closed plain species with a Gaussian initial state
// (2D): the amounts are matched by combining pinned solves, whose first residual is mostly
// the pinned rows' jump. Judged relative to that, the default iterative solve stopped at 1e-6
// of the flux terms and the answer was off by 6e-4; it must be the direct solve's answer.
TEST(MultiStatePdeMpi, ClosedStatesBesideAClosedSpeciesMatchTheDirectSolve) {
  const std::string text = R"([units]
system = "SI"
[mesh]
dim = 2
[mesh.x]
cells = 24
length = "1 mm"
[mesh.y]
cells = 8
length = "0.5 mm"
[temperature]
type = "linear"
T_ref = 290.0
gradient = ["20 K/mm", 0.0, 0.0]
[[species]]
name = "poly"
[[species.states]]
name = "coil"
energy = 0.0
[species.states.diffusivity]
value = 1e-9
[species.states.soret]
value = 0.02
[[species.states]]
name = "globule"
energy = "0.05 eV"
[species.states.diffusivity]
value = 3e-9
[[species.transitions]]
from = "coil"
to = "globule"
barrier = "0.3 eV"
prefactor = 1e6
[species.initial]
value = 1e24
[[species]]
name = "b"
[species.diffusivity]
value = 2e-9
[species.initial]
value = 1e23
gaussian_amplitude = 1e24
gaussian_center = [0.0005, 0.00025, 0]
gaussian_width = 1e-4
)";
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  std::vector<std::vector<double>> answers;
  for (const bool direct : {false, true}) {
    td::testing::Options kv;
    if (direct) {
      kv = {{"-pc_type", "lu"}};
      if (size > 1) kv.emplace_back("-pc_factor_mat_solver_type", "mumps");
    }
    td::testing::ScopedOptions opts(kv);
    const SteadyCase run = solve_case(PETSC_COMM_WORLD, text);
    const std::vector<double>&t0 = run.before, &t1 = run.after;
    EXPECT_LT(run.res.residual_norm, 1e-12 * run.res.residual_scale)
        << (direct ? "direct" : "default");
    EXPECT_NEAR((t1[0] + t1[1]) / (t0[0] + t0[1]), 1.0, 1e-12);
    EXPECT_NEAR(t1[2] / t0[2], 1.0, 1e-12);
    answers.push_back(run.c);
  }
  double worst = 0.0;
  for (std::size_t i = 0; i < answers[0].size(); ++i)
    worst = std::max(worst, std::fabs(answers[0][i] - answers[1][i]) / std::fabs(answers[1][i]));
  EXPECT_LT(worst, 1e-9);
}

TEST(MultiStatePde, JacobianWithReactionsMatchesFiniteDifferences) {
  auto cs = Case::from_string(PETSC_COMM_SELF, dimer_case(6, 7.0));
  FVSystem& sys = cs->system();
  Vec c = sys.create_state();
  sys.initial_state(c);
  const auto [maxdiff, maxval] = td::testing::jacobian_vs_fd(sys, c, 1e-7);
  EXPECT_LT(maxdiff, 1e-5 * maxval);
  VecDestroy(&c);
}

TEST(MultiStatePdeMpi, SameSteadyStateOnAnyRankCount) {
  const auto text = two_state_case(64, 30.0);
  const auto par = solve(PETSC_COMM_WORLD, text);
  const auto ser = solve(PETSC_COMM_SELF, text);
  ASSERT_EQ(par.c.size(), ser.c.size());
  for (std::size_t i = 0; i < par.c.size(); ++i)
    EXPECT_NEAR(par.c[i], ser.c[i], 1e-10 * std::abs(ser.c[i]));
  const auto dpar = solve(PETSC_COMM_WORLD, dimer_case(64, 100.0));
  const auto dser = solve(PETSC_COMM_SELF, dimer_case(64, 100.0));
  for (std::size_t i = 0; i < dpar.c.size(); ++i)
    EXPECT_NEAR(dpar.c[i], dser.c[i], 1e-10 * std::abs(dser.c[i]));
}

namespace {

/// Serial 1D helper: component @p k of every cell of a vector with @p dof fields per cell.
std::vector<double> strided(Vec v, int dof, int k) {
  const PetscScalar* a;
  PetscInt n;
  VecGetLocalSize(v, &n);
  VecGetArrayRead(v, &a);
  std::vector<double> out;
  for (PetscInt i = k; i < n; i += dof) out.push_back(a[i]);
  VecRestoreArrayRead(v, &a);
  return out;
}

/// Temperatures where @p S changes sign, by linear interpolation between cells (walls skipped:
/// their gradients are one-sided).
std::vector<double> sign_changes(const std::vector<double>& T, const std::vector<double>& S) {
  std::vector<double> out;
  for (std::size_t i = 1; i + 2 < T.size(); ++i)
    if ((S[i] < 0) != (S[i + 1] < 0))
      out.push_back(T[i] - S[i] * (T[i + 1] - T[i]) / (S[i + 1] - S[i]));
  return out;
}

}  // namespace

TEST(MultiStatePde, SignInversionOfSoretMatchesFormula) {
  // Two conformations with Einstein diffusivities (validation/multistate/polymer_states.toml):
  // the slow extended state is high in energy, so S_T = 1/T + S_T^ch changes sign twice.
  const std::string text = lj_cell_1d(800, 0.15, 1.2) + R"(
[[species]]
name = "P"
alpha = 1.0
[species.initial]
value = 1.0
[[species.states]]
name = "coil"
energy = 0.0
[species.states.diffusivity]
type = "einstein"
friction = 1.0
[[species.states]]
name = "extended"
energy = 2.0
entropy = 6.0
[species.states.diffusivity]
type = "einstein"
friction = 20.0
[[species.transitions]]
from = "coil"
to = "extended"
barrier = 2.0
prefactor = 1e8
)";
  const auto s = solve(PETSC_COMM_SELF, text);
  FVSystem& sys = s.cs->system();
  Vec c = sys.create_state();
  {
    PetscScalar* a;
    VecGetArray(c, &a);
    std::copy(s.c.begin(), s.c.end(), a);
    VecRestoreArray(c, &a);
  }
  Vec obs = sys.group_observables(c);
  const auto pde = sign_changes(s.T, strided(obs, 3, 1));
  const auto& st = *sys.species()[0].states;
  std::vector<double> S_formula;
  for (double T : s.T) S_formula.push_back(analyse_soret(st, T).S_T_cov);
  // the formula's roots, refined by bisection
  std::vector<double> formula;
  for (double t0 : sign_changes(s.T, S_formula)) {
    double a = t0 - 0.01, b = t0 + 0.01;
    const bool neg_a = analyse_soret(st, a).S_T_cov < 0;
    for (int it = 0; it < 60; ++it) {
      const double m = 0.5 * (a + b);
      ((analyse_soret(st, m).S_T_cov < 0) == neg_a ? a : b) = m;
    }
    formula.push_back(0.5 * (a + b));
  }
  ASSERT_EQ(formula.size(), 2u);
  ASSERT_EQ(pde.size(), formula.size());
  // the PDE's effective S_T (central differences, O(h^2)) crosses zero within a tenth of a
  // cell's temperature step of the formula's roots
  const double dT_cell = 1.2 / 800;
  for (std::size_t k = 0; k < formula.size(); ++k) EXPECT_NEAR(pde[k], formula[k], 0.1 * dT_cell);
  VecDestroy(&obs);
  VecDestroy(&c);
}

TEST(MultiStatePde, DimerSoretOfTotalDependsOnConcentration) {
  // Fast kinetics: the monomer-equivalent total M = c1 + 2 c2 follows from
  // D1 c1 + 2 D2 K c1^2 = F (const) with c2 = K c1^2; its effective S_T = -d ln M/dT then
  // depends on the amount. The PDE is compared with that prediction in mid-cell.
  auto mid_soret = [](double total) {
    std::string text = dimer_case(400, 1e5);
    text.replace(text.find("value = 2.0"), 11, fmt::format("value = {}", total));
    text.replace(text.find("gaussian_amplitude = 1.0"), 24, "gaussian_amplitude = 0.0");
    const auto s = solve(PETSC_COMM_SELF, text);
    const auto& sp = s.cs->system().species();
    auto M_eq = [&](double T, double F) {
      const double D1 = sp[0].D->value(T), D2 = sp[1].D->value(T), K = 0.5 * std::exp(1.0 / T);
      const double c1 = (-D1 + std::sqrt(D1 * D1 + 8.0 * D2 * K * F)) / (4.0 * D2 * K);
      return c1 + 2.0 * K * c1 * c1;
    };
    const std::size_t i = s.T.size() / 2;
    auto M = [&](std::size_t j) { return s.c[2 * j] + 2.0 * s.c[2 * j + 1]; };
    const double S_pde = -std::log(M(i + 1) / M(i - 1)) / (s.T[i + 1] - s.T[i - 1]);
    const double T = s.T[i], c1 = s.c[2 * i];
    const double F =
        sp[0].D->value(T) * c1 + 2.0 * sp[1].D->value(T) * 0.5 * std::exp(1.0 / T) * c1 * c1;
    const double h = 1e-4;
    const double S_eq = -std::log(M_eq(T + h, F) / M_eq(T - h, F)) / (2 * h);
    EXPECT_NEAR(S_pde, S_eq, 0.02 * std::abs(S_eq)) << "total " << total;
    return S_pde;
  };
  const double dilute = mid_soret(0.05), dense = mid_soret(50.0);
  EXPECT_GT(std::abs(dilute - dense), 0.05);
}

TEST(MultiStatePdeMpi, InitialStateSplitsEachTotalAtItsOwnCellTemperature) {
  // The initial state of a multi-state species is its total split at local equilibrium at the
  // temperature of each cell's centre (the field's, along a gradient here), on any rank count.
  auto cs = Case::from_string(PETSC_COMM_WORLD, td::testing::two_state_case(16, 1.0), "case.toml");
  const FVSystem& sys = cs->system();
  const Mesh& mesh = cs->mesh();
  Owned<Vec> c(sys.create_state());
  sys.initial_state(c);
  const auto all = td::testing::gather(mesh, c);
  const int nf = sys.nfields();
  int differ = 0;
  double T_lo = std::numeric_limits<double>::infinity(), T_hi = -T_lo;
  for (int i = 0; i < mesh.cells(0); ++i) {
    const Point x = mesh.center(i, 0, 0);
    const double T = cs->temperature().T(x);
    T_lo = std::min(T_lo, T);
    T_hi = std::max(T_hi, T);
    for (int s = 0; s < nf; ++s) {
      const Species& sp = sys.species()[static_cast<std::size_t>(s)];
      differ +=
          all[static_cast<std::size_t>(i * nf + s)] != sp.initial(x, mesh.dim()) * sp.fraction(T);
    }
  }
  EXPECT_EQ(nf, 2);
  EXPECT_EQ(differ, 0);
  EXPECT_LT(T_lo, T_hi);
}
