// Fits recover known parameters from synthetic noisy data: over N independent draws the mean
// estimate lies within 4 standard errors of the mean (sd/sqrt(N)) of the truth, and the
// reported uncertainty matches the scatter of the estimates (ratio within 4 standard errors
// of a sample standard deviation, 1/sqrt(2(N-1))).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "fit/LeastSquares.h"
#include "fit/Models.h"

namespace td::fit {
namespace {

constexpr int kDraws = 200;

/// Check bias and calibration of parameter j over draws: estimates and reported sds.
void check_calibration(const std::vector<double>& est, const std::vector<double>& se, double truth,
                       const char* name) {
  const double n = static_cast<double>(est.size());
  double m = 0, v = 0, mse = 0;
  for (double e : est) m += e;
  m /= n;
  for (double e : est) v += (e - m) * (e - m);
  const double sd = std::sqrt(v / (n - 1));
  for (double s : se) mse += s * s;
  const double reported = std::sqrt(mse / n);
  EXPECT_NEAR(m, truth, 4.0 * sd / std::sqrt(n)) << name << ": biased";
  EXPECT_NEAR(reported / sd, 1.0, 4.0 / std::sqrt(2.0 * (n - 1)))
      << name << ": reported uncertainty " << reported << " vs scatter " << sd;
}

TEST(SyntheticFit, SoretLineRecoversS_T) {
  const double S = -7.6e-3 * 119.8, lnc0 = -3.0, noise = 0.02;  // LJ S_T (1/epsilon)
  std::mt19937_64 rng(11);
  std::normal_distribution<double> g(0.0, noise);
  std::vector<double> est, se, est0, se0;
  for (int k = 0; k < kDraws; ++k) {
    Data d;
    for (int i = 0; i < 20; ++i) {
      const double T = 0.9 + 0.01 * i;
      d.x.push_back(T);
      d.y.push_back(lnc0 - S * (T - 1.0) + g(rng));
    }
    const auto r = fit_curve(SoretLnC{1.0}, d, {0.0, 0.0}, {"ln_c_ref", "S_T"}, "soret");
    est.push_back(r.p[1]);
    se.push_back(r.se(1));
    est0.push_back(r.p[0]);
    se0.push_back(r.se(0));
  }
  check_calibration(est, se, S, "S_T");
  check_calibration(est0, se0, lnc0, "ln_c_ref");
}

TEST(SyntheticFit, ArrheniusRecoversD0AndEaWithKnownSigma) {
  const double D0 = 0.8, Ea = 2.5, rel = 0.03;
  std::mt19937_64 rng(12);
  std::normal_distribution<double> g(0.0, rel);
  std::vector<double> eE, sE, eD, sD;
  for (int k = 0; k < kDraws; ++k) {
    Data d;
    for (double T : {0.7, 0.8, 0.9, 1.0, 1.1, 1.2}) {
      d.x.push_back(T);
      d.y.push_back(std::log(D0 * std::exp(-Ea / T)) + g(rng));
      d.sigma.push_back(rel);
    }
    const auto r = fit_curve(ArrheniusLn{1.0}, d, {0.0, 1.0}, {"ln_D0", "E_a"}, "arrhenius");
    eE.push_back(r.p[1]);
    sE.push_back(r.se(1));
    eD.push_back(r.p[0]);
    sD.push_back(r.se(0));
  }
  check_calibration(eE, sE, Ea, "E_a");
  check_calibration(eD, sD, std::log(D0), "ln_D0");
}

TEST(SyntheticFit, AdatomPhiRecoversQAndEm) {
  // Figures of Roux and Combe (2023): Q* = 1.9, E_m* = 0.23, T from 0.3 to 0.05 over L = 44.9.
  const double Q = 1.9, Em = 0.23, a = 1.1, L = 44.9, noise = 0.05;
  AdatomPhi m{a, 0.3, (0.05 - 0.3) / L, 0.0, 1.0};
  std::mt19937_64 rng(13);
  std::normal_distribution<double> g(0.0, noise);
  std::vector<double> eQ, sQ, eE, sE;
  const double truth[4] = {0.5, Q, Em, 0.2};
  for (int k = 0; k < kDraws; ++k) {
    Data d;
    for (int i = 0; i <= 120; ++i) {
      const double x = 0.3 * i;
      d.x.push_back(x);
      d.y.push_back(m(x, truth) + g(rng));
    }
    const auto r = fit_curve(m, d, {0.0, 1.0, 0.1, 0.3}, {"C", "Q", "E_m", "x_m"}, "phi");
    eQ.push_back(r.p[1]);
    sQ.push_back(r.se(1));
    eE.push_back(r.p[2]);
    sE.push_back(r.se(2));
  }
  check_calibration(eQ, sQ, Q, "Q");
  check_calibration(eE, sE, Em, "E_m");
}

TEST(SyntheticFit, DriftVelocityRecoversQ) {
  const double Q = 1.9, Em = 0.23;
  AdatomDrift m{0.05, 0.15, 1.1, 1.0};
  const double truth[2] = {Q, Em};
  std::mt19937_64 rng(14);
  std::vector<double> eQ, sQ;
  for (int k = 0; k < kDraws; ++k) {
    Data d;
    for (double G : {-0.04, -0.03, -0.02, -0.01, 0.01, 0.02, 0.03, 0.04}) {
      const double v = m(G, truth);
      std::normal_distribution<double> g(0.0, 0.05 * std::abs(v));
      d.x.push_back(G);
      d.y.push_back(v + g(rng));
      d.sigma.push_back(0.05 * std::abs(v));
    }
    const auto r = fit_curve(m, d, {1.0, 0.0}, {"Q", "E_m"}, "drift");
    eQ.push_back(r.p[0]);
    sQ.push_back(r.se(0));
  }
  check_calibration(eQ, sQ, Q, "Q");
}

TEST(SyntheticFit, BootstrapAgreesWithCovariance) {
  // For a well-specified line with Gaussian noise, the bootstrap spread of the slope and the
  // covariance estimate agree to within the sampling error of a bootstrap sd (B draws).
  std::mt19937_64 rng(15);
  std::normal_distribution<double> g(0.0, 0.1);
  Data d;
  for (int i = 0; i < 200; ++i) {
    d.x.push_back(0.01 * i);
    d.y.push_back(1.0 + 2.0 * d.x.back() + g(rng));
  }
  const auto r = fit_line(d, "line");
  const int B = 400;
  const auto sd = bootstrap_sd(
      d, [](const Data& s, FitPass pass) { return fit_line(s, "line", pass); }, B, 3);
  // Tolerance: bootstrap sd scatter ~ 1/sqrt(2B) plus the ~1/sqrt(2n) uncertainty of the
  // covariance's own noise estimate; 4 combined standard errors.
  const double tol = 4.0 * std::sqrt(1.0 / (2.0 * B) + 1.0 / (2.0 * d.size()));
  EXPECT_NEAR(sd[1] / r.se(1), 1.0, tol);
}

// Flux-law drift data whose Q lies about two standard errors from the saddle Q = 0, where
// dV/dE_m (proportional to Q) vanishes: the fit passes the check that the effect of E_m does
// not vanish within one standard error, but part of the resamples do not. Those resamples
// belong to the spread the bootstrap measures: each is fitted (FitPass::resample) and used;
// the check refused them, bootstrap_sd dropped them, and the bootstrap sd came out low.
TEST(SyntheticFit, BootstrapKeepsResamplesWhereAParameterIsPoorlyDetermined) {
  const AdatomDrift m{1.0, 1.0, 1.0, 1.0};
  const double truth[2] = {0.05, 0.5};
  constexpr double kSigma = 0.03;
  Data d;
  for (int i = -6; i <= 6; ++i)
    if (i != 0) {
      d.x.push_back(0.1 * i);
      // a fixed noise pattern of about kSigma
      d.y.push_back(m(d.x.back(), truth) + kSigma * std::sin(2.7 * i));
      d.sigma.push_back(kSigma);
    }
  const auto fit = [&m](const Data& s, FitPass pass) {
    return fit_curve(m, s, {0.1, 0.5}, {"Q", "E_m"}, "drift", pass);
  };
  const FitResult r = fit(d, FitPass::main);
  ASSERT_GT(std::abs(r.p[0]), r.se(0));
  // resamples fitted for the bootstrap that the main fit's check refuses
  int kept_though_refused = 0;
  bootstrap_sd(
      d,
      [&](const Data& s, FitPass pass) {
        EXPECT_EQ(pass, FitPass::resample);
        const FitResult rs = fit(s, pass);
        try {
          fit(s, FitPass::main);
        } catch (const SolverError&) {
          ++kept_though_refused;
        }
        return rs;
      },
      200, 7);
  EXPECT_GT(kept_though_refused, 0);
}

TEST(SoretModels, FormulaeAndPropagation) {
  const Estimate e2{3.0, 0.1}, e1{2.0, 0.2};
  const auto p = prigogine(e2, e1, 2.0, 1.0);
  EXPECT_DOUBLE_EQ(p.value, 0.25);
  EXPECT_DOUBLE_EQ(p.sd, std::hypot(0.1, 0.2) / 4.0);
  // equal masses: the mass correction vanishes
  const auto m0 = mass_corrected(e2, e1, 40.0, 40.0, 2.0, 1.0);
  EXPECT_DOUBLE_EQ(m0.value, p.value);
  // M2 = 3 M1: correction (1/2)(E2 + E1)/(kB T^2)
  const auto m = mass_corrected(e2, e1, 120.0, 40.0, 2.0, 1.0);
  EXPECT_DOUBLE_EQ(m.value, 0.25 + 0.5 * 5.0 / 4.0);
  EXPECT_DOUBLE_EQ(eastman({0.6, 0.06}, 3.0, 2.0).value, 0.1);
}

}  // namespace
}  // namespace td::fit
