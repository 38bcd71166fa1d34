// Brownian dynamics in D(T(x)) (docs/theory.md#stochastic): steady histograms p ~ D^-alpha (Ito
// 1/D, Stratonovich 1/sqrt(D), anti-Ito flat) with periodic and reflecting walls; particles with
// internal states reproduce the multi-state Fokker-Planck steady state of the finite-volume
// solver; results do not depend on the number of ranks. Tolerance: 5 standard errors of each
// bin, the error taken from the spread of the time-averaged histograms over the walkers.
#include <gtest/gtest.h>

#include <cmath>

#include <fmt/format.h>

#include "stochastic/Brownian.h"
#include "tests/support/stochastic_cases.h"

using namespace td;
using namespace td::testing;

namespace {

std::string bd_case(double alpha, bool periodic, const char* temperature, long walkers) {
  return argon_1d_head(20, periodic, temperature) + fmt::format(R"(
[particle]
alpha = {}
[particle.diffusivity]
type = "arrhenius"
prefactor = 2.0
activation_energy = 1.0
[bd]
walkers = {}
seed = 5
dt = 2e-4
t_end = 3.0
t_burn = 0.5
)", alpha, walkers);
}

/// Bin averages of D^-alpha (Gauss-Legendre, 4 points per half bin), normalised to a density.
std::vector<double> expected_density(const BrownianCase& c, double alpha) {
  const Axis& ax = c.mesh->axis(0);
  const double g[2] = {0.5 - 0.5 / std::sqrt(3.0), 0.5 + 0.5 / std::sqrt(3.0)};
  std::vector<double> p(ax.cells());
  double norm = 0.0;
  for (int b = 0; b < ax.cells(); ++b) {
    double s = 0.0;
    for (int half = 0; half < 8; ++half)
      for (double q : g) {
        const double x = ax.nodes[b] + ax.width(b) * (half + q) / 8.0;
        s += std::pow(c.states.D[0]->value(c.T->T({x, 0, 0})), -alpha) / 16.0;
      }
    p[b] = s;
    norm += s * ax.width(b);
  }
  for (double& v : p) v /= norm;
  return p;
}

}  // namespace

TEST(Brownian, SteadyHistogramsOfTheConventionsPeriodic) {
  for (double alpha : {1.0, 0.5, 0.0}) {
    auto c = BrownianCase::from_string(MPI_COMM_SELF, bd_case(alpha, true, kPeriodicT, 1000));
    const auto st = run_brownian(MPI_COMM_SELF, *c);
    const auto p = expected_density(*c, alpha);
    expect_histogram(st, p, fmt::format("alpha = {}", alpha));
    // the statistics must be able to tell the conventions apart
    const double contrast = p.front() / p[p.size() / 2];
    if (alpha > 0) EXPECT_GT(std::fabs(contrast - 1.0) * p.front(), 10 * st.total_sem.front());
  }
}

TEST(Brownian, SteadyHistogramsReflectingWalls) {
  for (double alpha : {1.0, 0.0}) {
    auto c = BrownianCase::from_string(MPI_COMM_SELF, bd_case(alpha, false, kLinearT, 1000));
    const auto st = run_brownian(MPI_COMM_SELF, *c);
    expect_histogram(st, expected_density(*c, alpha), fmt::format("alpha = {}", alpha));
  }
}

TEST(Brownian, SampleTimesAreTheTimesTheWalkersReached) {
  // free diffusion at uniform T from a point far from the walls: the variance of the position
  // at sample time t is 2 D t. t_end = 1 is not a multiple of dt = 0.09: the walkers take 12
  // steps (t = 1.08), and the samples are labelled with the times of their steps (0, 0.54,
  // 1.08; they were labelled 0, 0.5, 1.0, 8 % short)
  const long walkers = 40000;
  const std::string text = argon_1d_head(10, false, R"(
[temperature]
type = "piecewise_linear"
positions = [0.0, 100.0]
temperatures = [1.0, 1.0]
)",
                                         100.0) +
                           fmt::format(R"(
[particle]
alpha = 1.0
[particle.diffusivity]
type = "arrhenius"
prefactor = 1.0
activation_energy = 0.0
[bd]
walkers = {}
seed = 3
dt = 0.09
t_end = 1.0
samples = 2
start = "point"
start_position = [50.0]
)",
                                       walkers);
  auto c = BrownianCase::from_string(MPI_COMM_SELF, text);
  const auto st = run_brownian(MPI_COMM_SELF, *c);
  ASSERT_EQ(st.time.size(), 3u);
  EXPECT_NEAR(st.time[1], 6 * 0.09, 1e-12);
  EXPECT_NEAR(st.time[2], 12 * 0.09, 1e-12);
  const double D = 1.0, rel = 5.0 * std::sqrt(2.0 / walkers);  // 5 standard errors of a variance
  for (int k = 1; k < 3; ++k) {
    const double var = st.mean_x_sem[k] * st.mean_x_sem[k] * walkers;
    EXPECT_NEAR(var / (2.0 * D * st.time[k]), 1.0, rel) << "sample " << k;
  }
}

TEST(BrownianMpi, IdenticalOnAnyNumberOfRanks) {
  std::string text = bd_case(1.0, true, kPeriodicT, 700);
  text.replace(text.find("t_end = 3.0"), 11, "t_end = 0.2");
  text.replace(text.find("t_burn = 0.5"), 12, "t_burn = 0.1");
  auto c = BrownianCase::from_string(MPI_COMM_WORLD, text);
  const auto a = run_brownian(MPI_COMM_WORLD, *c);
  const auto b = run_brownian(MPI_COMM_SELF, *c);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.total, b.total);
  EXPECT_EQ(a.total_sem, b.total_sem);
  EXPECT_EQ(a.mean_x, b.mean_x);
  EXPECT_EQ(a.density, b.density);
}

// A run that could not finish is refused at set-up with the step count it implies, and a law
// that is not positive over the case's temperatures names its table.
TEST(Brownian, UnfinishableRunsAndBadLawsAreInputErrors) {
  auto error_of = [](const std::string& text) {
    try {
      BrownianCase::from_string(MPI_COMM_SELF, text, "bd.toml");
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  std::string huge = bd_case(1.0, true, kPeriodicT, 100);
  huge.replace(huge.find("t_end = 3.0"), 11, "t_end = 1e308");
  EXPECT_NE(error_of(huge).find("could not finish"), std::string::npos) << error_of(huge);
  std::string many = bd_case(1.0, true, kPeriodicT, 1000000000);
  EXPECT_NE(error_of(many).find("walkers x t_end / dt"), std::string::npos) << error_of(many);
  std::string negative = bd_case(1.0, true, kPeriodicT, 100);
  const std::string arrhenius = "type = \"arrhenius\"\nprefactor = 2.0\nactivation_energy = 1.0";
  negative.replace(negative.find(arrhenius), arrhenius.size(),
                   "type = \"power\"\nvalue_ref = 2.0\nT_ref = 1.0\nexponent = 1e6");
  const std::string e = error_of(negative);
  EXPECT_NE(e.find("bd.toml"), std::string::npos) << e;
  EXPECT_NE(e.find("particle.diffusivity"), std::string::npos) << e;
  EXPECT_NE(e.find("must be finite and positive"), std::string::npos) << e;
}
