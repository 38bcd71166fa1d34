// Mass-action kinetics: kernel derivatives, detailed balance by construction, conserved
// amounts (errors of bad reaction inputs: tests/fv/test_reaction_input.cpp).
#include <gtest/gtest.h>

#include <cmath>

#include "core/Error.h"
#include "models/MultiState.h"
#include "models/Reactions.h"

using namespace td;

namespace {

Reaction make(const std::string& eq, const std::vector<std::string>& names, double kf, double K0,
              double dE) {
  Reaction r;
  parse_equation(eq, names, r);
  r.kf = constant_law(kf);
  r.K0 = K0;
  r.dE = dE;
  return r;
}

}  // namespace

TEST(Reactions, ProductionJacobianMatchesFiniteDifferences) {
  const std::vector<std::string> names{"A", "B", "C", "D"};
  ReactionNetwork net(names, {make("2 A + B <=> C", names, 1.3, 0.7, 0.2),
                              make("C <=> 2D", names, 0.4, 2.0, -0.1),
                              make("A <=> B", names, 3.0, 1.5, 0.05)});
  std::vector<double> k(6), c{0.3, 1.1, 0.6, 0.05}, w(4), w2(4), jac(16, 0.0), dummy(16);
  net.constants(1.2, k.data());
  net.production(k.data(), c.data(), w.data(), jac.data());
  for (int j = 0; j < 4; ++j) {
    const double h = 1e-7;
    auto cp = c;
    cp[j] += h;
    net.production(k.data(), cp.data(), w2.data(), nullptr);
    for (int i = 0; i < 4; ++i) EXPECT_NEAR((w2[i] - w[i]) / h, jac[i * 4 + j], 1e-6);
  }
  // at detailed-balance equilibrium every net rate vanishes: c_C = K c_A^2 c_B
  const double T = 0.9;
  net.constants(T, k.data());
  std::vector<double> ce(4);
  ce[0] = 0.4;
  const double K3 = 1.5 * std::exp(-0.05 / T), K1 = 0.7 * std::exp(-0.2 / T),
               K2 = 2.0 * std::exp(0.1 / T);
  ce[1] = K3 * ce[0];
  ce[2] = K1 * ce[0] * ce[0] * ce[1];
  ce[3] = std::sqrt(K2 * ce[2]);
  net.production(k.data(), ce.data(), w.data(), nullptr);
  for (double wi : w) EXPECT_NEAR(wi, 0.0, 1e-14);
}

TEST(Reactions, ConservedAmounts) {
  {
    const std::vector<std::string> n{"A", "A2"};
    ReactionNetwork net(n, {make("2 A <=> A2", n, 1, 1, 0)});
    const auto W = net.conserved({false, false});
    ASSERT_EQ(W.rows(), 1);
    EXPECT_DOUBLE_EQ(W(0, 0), 1.0);
    EXPECT_DOUBLE_EQ(W(0, 1), 2.0);  // monomer equivalents c1 + 2 c2
    EXPECT_EQ(net.conserved({true, false}).rows(), 0);  // an open monomer: nothing conserved
  }
  {
    const std::vector<std::string> n{"A", "B", "AB"};
    ReactionNetwork net(n, {make("A + B <=> AB", n, 1, 1, 0)});
    const auto W = net.conserved({false, false, false});
    ASSERT_EQ(W.rows(), 2);
    const Eigen::MatrixXd N = net.stoichiometry();
    EXPECT_LT((W * N).norm(), 1e-14);
  }
}

TEST(MultiState, TransitionsObeyDetailedBalanceAndCovarianceForm) {
  StateSet st;
  st.kB = 1.0;
  st.names = {"a", "b", "c"};
  st.H = {0.0, 0.8, 1.5};
  st.S = {0.0, 0.3, -0.2};
  st.D = {arrhenius_law(2.0, 0.3, 1.0), constant_law(0.2), einstein_law(1.0, 0.7)};
  st.S_T = {constant_law(0), constant_law(0), constant_law(0)};
  for (double T : {0.3, 0.7, 1.4}) {
    const auto a = analyse_soret(st, T);
    EXPECT_NEAR(a.S_T, a.S_T_cov, 1e-8 * std::abs(a.S_T) + 1e-10) << T;
    const auto pi = st.populations(T);
    double sum = 0;
    for (double p : pi) sum += p;
    EXPECT_NEAR(sum, 1.0, 1e-15);
    // population ratio = exp(-(G_b - G_a)/T)
    EXPECT_NEAR(pi[1] / pi[0], std::exp(-((0.8 - T * 0.3) - 0.0) / T), 1e-13);
  }
}

TEST(MultiState, EinsteinSingleStateGivesOneOverT) {
  StateSet st;
  st.kB = 1.0;
  st.names = {"a"};
  st.H = {0.4};
  st.S = {0.0};
  st.D = {einstein_law(1.0, 2.5)};
  st.S_T = {constant_law(0)};
  for (double T : {0.2, 1.0, 3.0}) {
    const auto a = analyse_soret(st, T);
    EXPECT_NEAR(a.S_T_0, 1.0 / T, 1e-14);
    EXPECT_NEAR(a.S_T_ch, 0.0, 1e-14);
    EXPECT_NEAR(a.S_T, 1.0 / T, 1e-9 / T);
  }
}
