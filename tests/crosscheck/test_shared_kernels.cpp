// The finite-volume and stochastic engines take their physics from the same functions, so that
// their agreement (test_kmc_vs_fv.cpp, test_bd_vs_fv.cpp) checks the numerics, not two
// transcriptions of one formula:
// - adatom: the KMC hop rates and the Fokker-Planck species' D and S_T evaluate the kernels of
//   models/adatom_K.h, bit for bit, and the kernels are consistent with each other (uniform-T
//   hop rate times a^2 is D; the integral of S_T is the lattice's detailed-balance ratio);
// - state switching: Brownian dynamics and the FV reaction terms both call
//   ReactionNetwork::constants on the same reaction objects (a counting rate law sees both;
//   a negative rate is refused by both with that function's message).
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <memory>
#include <string>

#include "fv/Case.h"
#include "fv/FokkerPlanck.h"
#include "models/Adatom.h"
#include "models/adatom_K.h"
#include "stochastic/Brownian.h"
#include "tests/support/stochastic_cases.h"

using namespace td;
using namespace td::testing;

namespace {

/// A linear temperature profile T(x) = T0 + g x along x.
class LinearT : public TemperatureField {
 public:
  LinearT(double T0, double g) : T0_(T0), g_(g) {}
  double T(const Point& x) const override { return T0_ + g_ * x[0]; }
  std::string type() const override { return "linear"; }

 private:
  double T0_, g_;
};

/// A constant rate law that counts how often it is evaluated.
class CountingLaw : public TemperatureLaw {
 public:
  explicit CountingLaw(double v) : v_(v) {}
  double value(double) const override {
    ++calls;
    return v_;
  }
  double derivative(double) const override { return 0.0; }
  std::string type() const override { return "counting"; }
  mutable std::atomic<long> calls{0};

 private:
  double v_;
};

}  // namespace

TEST(SharedKernels, AdatomKmcAndFokkerPlanckEvaluateTheSameKernels) {
  const AdatomParams p{1.9, 0.23, 1.1225, 1.7, 1.0};
  const Species fp = adatom_fokker_planck_species(p);
  const auto rates = analytic_adatom_rates(p);
  const LinearT field(0.3, -0.0038);
  for (double T : {0.05, 0.13, 0.2, 0.3, 1.0}) {
    EXPECT_EQ(fp.D->value(T), kernels::adatom_diffusivity(p.nu, p.a, p.Em, p.kB, T)) << T;
    EXPECT_EQ(fp.S_T->value(T), kernels::adatom_soret(p.Q, p.kB, T)) << T;
    EXPECT_EQ(fp.D->derivative(T), kernels::adatom_diffusivity_dT(p.nu, p.a, p.Em, p.kB, T));
  }
  for (double x : {0.0, 3.0, 17.0, 40.0}) {
    const Point from{x, 0, 0}, saddle{x + 0.5 * p.a, 0, 0};
    EXPECT_EQ(rates->hop_rate(from, saddle, &field),
              kernels::adatom_hop_rate(p.nu, p.Q, p.Em, p.kB, field.T(from), field.T(saddle)));
  }
  // The kernels describe one process: at uniform T the hop rate times a^2 is D ...
  const LinearT uniform(0.2, 0.0);
  const double gamma = rates->hop_rate({0, 0, 0}, {0.5 * p.a, 0, 0}, &uniform);
  EXPECT_NEAR(gamma * p.a * p.a, fp.D->value(0.2), 1e-14 * fp.D->value(0.2));
  // ... and exp(-int S_T dT) between neighbouring sites is the lattice's detailed-balance ratio
  // Gamma(i -> i+1) / Gamma(i+1 -> i) over their common saddle.
  const Point xi{10.0, 0, 0}, xs{10.0 + 0.5 * p.a, 0, 0}, xj{10.0 + p.a, 0, 0};
  const double ratio = rates->hop_rate(xi, xs, &field) / rates->hop_rate(xj, xs, &field);
  EXPECT_NEAR(std::log(ratio), -fp.S_T->integral(field.T(xi), field.T(xj)), 1e-13);
  // and a changed kernel argument changes the result (the comparison is not vacuous)
  EXPECT_NE(fp.D->value(0.2), kernels::adatom_diffusivity(p.nu, p.a, p.Em * 1.01, p.kB, 0.2));
}

TEST(SharedKernels, BrownianSwitchingAndFvReactionsCallOneRateFunction) {
  const std::string head = periodic_1d_head(8);
  auto bd = BrownianCase::from_string(MPI_COMM_SELF, head + R"(
[bd]
walkers = 4
seed = 3
dt = 1e-3
t_end = 0.02
[particle]
)" + two_states("particle"));
  auto fv = Case::from_string(MPI_COMM_SELF, head + R"(
[[species]]
name = "P"
[species.initial]
value = 1.0
)" + two_states("species"));
  ASSERT_EQ(bd->transitions.size(), 1u);
  auto spy = std::make_shared<CountingLaw>(20.0);
  Reaction r = bd->transitions[0];
  r.kf = spy;
  bd->transitions[0] = r;
  run_brownian(MPI_COMM_SELF, *bd);
  const long bd_calls = spy->calls;
  EXPECT_GT(bd_calls, 0) << "Brownian dynamics did not evaluate the reaction's rate law";
  fv->system().set_reactions(std::make_shared<ReactionNetwork>(
      std::vector<std::string>{"slow", "fast"}, std::vector<Reaction>{r}));
  EXPECT_GT(spy->calls, bd_calls) << "the FV reaction terms did not evaluate the rate law";

  // A negative rate: both engines stop with ReactionNetwork::constants' message.
  r.kf = std::make_shared<CountingLaw>(-1.0);
  bd->transitions[0] = r;
  const std::string expected = "reaction '" + r.text + "' at T = ";
  auto message = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string m_bd = message([&] { run_brownian(MPI_COMM_SELF, *bd); });
  const std::string m_fv = message([&] {
    fv->system().set_reactions(std::make_shared<ReactionNetwork>(
        std::vector<std::string>{"slow", "fast"}, std::vector<Reaction>{r}));
  });
  EXPECT_EQ(m_bd.rfind(expected, 0), 0u) << m_bd;
  EXPECT_EQ(m_fv.rfind(expected, 0), 0u) << m_fv;
  EXPECT_NE(m_bd.find("k_f = -1"), std::string::npos) << m_bd;
  EXPECT_NE(m_fv.find("k_f = -1"), std::string::npos) << m_fv;
}
