// PDE versus Brownian dynamics: multi-state particles switching with the rates of the
// reaction objects the finite-volume engine uses; the BD histogram of the total is the FV
// steady state of the multi-state Fokker-Planck equations.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>

#include "fv/Case.h"
#include "stochastic/Brownian.h"
#include "tests/fv/fv_helpers.h"
#include "tests/support/stochastic_cases.h"

using namespace td;
using namespace td::testing;

// Two internal states (slow ground state, fast excited state with entropy) switching with
// detailed balance: the BD histogram of the total is the steady state of the multi-state
// Fokker-Planck equations solved by the finite-volume solver on the same periodic cell.
TEST(Brownian, MultiStateHistogramMatchesFiniteVolume) {
  const std::string head = periodic_1d_head(20);
  auto bd = BrownianCase::from_string(MPI_COMM_SELF, head + R"(
[bd]
walkers = 1000
seed = 9
dt = 2e-4
t_end = 4.0
t_burn = 1.0
[particle]
alpha = 1.0
)" + two_states("particle"));
  const auto st = run_brownian(MPI_COMM_SELF, *bd);
  auto fv = Case::from_string(MPI_COMM_SELF, head + R"(
[[species]]
name = "P"
alpha = 1.0
[species.initial]
value = 1.0
)" + two_states("species"));
  Vec cv = fv->system().create_state();
  fv->system().initial_state(cv);
  solve_steady(fv->system(), cv, fv->run().steady);
  const auto c = td::testing::gather(fv->mesh(), cv);
  VecDestroy(&cv);
  const int ns = 2, nb = 20;
  std::vector<double> p(nb, 0.0);
  double norm = 0;
  for (int b = 0; b < nb; ++b) {
    for (int s = 0; s < ns; ++s) p[b] += c[b * ns + s];
    norm += p[b] * 0.05;
  }
  for (double& v : p) v /= norm;
  expect_histogram(st, p, "multi-state");
  // and the histogram is not the single-state 1/<D> shape by accident: it varies
  EXPECT_GT(std::fabs(p.front() - p[nb / 2]), 10 * st.total_sem.front());
}

