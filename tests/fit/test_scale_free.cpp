// Fits do not depend on the unit system: every fit model, given the same data in SI and in LJ
// units (copper or argon), returns the same physical parameters and uncertainties. Noise-free
// data give the truth to 1e-8 relative in both systems (SI energies of 1e-20 J beside
// logarithms of order 10 made the Gauss-Newton covariance singular before it was computed in
// column-scaled parameters); noisy data give estimates and standard errors that agree between
// the systems to round-off, and in each system, over 200 draws, estimates within their reported
// uncertainty of the truth with that uncertainty matching the scatter. A parameter combination the
// data cannot fix is reported by name, not returned.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/Units.h"
#include "fit/LeastSquares.h"
#include "fit/Models.h"

namespace td::fit {
namespace {

using units::Kind;

/// SI value of one LJ unit of @p kind in preset @p lj.
double unit(const char* lj, Kind kind) {
  return units::UnitSystem::lj(*units::lj_preset(lj)).scale(units::dim_of(kind));
}

/// One fit problem, written once in terms of a unit system: make(units) returns the data
/// (noise-free or with the noise sequence of @p seed), the model fit and the truth, all in
/// that system; @p kinds gives each parameter's kind (dimensionless for logarithms and Phi).
struct Problem {
  std::string name;
  std::vector<Kind> kinds;
  /// (system SI = true / LJ = false, noise seed (0: none)) -> (estimate, standard errors,
  /// truth) in that system.
  std::function<FitResult(bool si, unsigned seed, std::vector<double>& truth)> run;
  const char* lj;
};

/// Draws of noisy data per problem for the calibration check.
constexpr unsigned kDraws = 200;

/// Over draws of estimates @p est with reported standard errors @p se: the mean lies within
/// 4 sd/sqrt(N) of @p truth and the root-mean-square reported error matches the scatter within
/// 4 standard errors of a sample standard deviation, 1/sqrt(2(N-1)).
void check_calibration(const std::vector<double>& est, const std::vector<double>& se, double truth,
                       const std::string& what) {
  const double n = static_cast<double>(est.size());
  double m = 0, v = 0, mse = 0;
  for (double e : est) m += e / n;
  for (double e : est) v += (e - m) * (e - m) / (n - 1);
  for (double s : se) mse += s * s / n;
  const double sd = std::sqrt(v);
  EXPECT_NEAR(m, truth, 4.0 * sd / std::sqrt(n)) << what << ": biased";
  EXPECT_NEAR(std::sqrt(mse) / sd, 1.0, 4.0 / std::sqrt(2.0 * (n - 1)))
      << what << ": reported uncertainty " << std::sqrt(mse) << " vs scatter " << sd;
}

/// Check both systems: noise-free truth to 1e-8; noisy estimates equal after conversion; and,
/// in each system, noisy estimates unbiased within their reported uncertainty, which matches
/// the scatter over kDraws draws.
void check(const Problem& pb) {
  SCOPED_TRACE(pb.name);
  std::vector<double> truth_si, truth_lj;
  const FitResult exact_si = pb.run(true, 0, truth_si);
  const FitResult exact_lj = pb.run(false, 0, truth_lj);
  for (std::size_t j = 0; j < pb.kinds.size(); ++j) {
    EXPECT_NEAR(exact_si.p[j], truth_si[j], 1e-8 * std::abs(truth_si[j])) << "SI, p" << j;
    EXPECT_NEAR(exact_lj.p[j], truth_lj[j], 1e-8 * std::abs(truth_lj[j])) << "LJ, p" << j;
  }
  const std::size_t np = pb.kinds.size();
  std::vector<std::vector<double>> est_si(np), se_si(np), est_lj(np), se_lj(np);
  for (unsigned seed = 1; seed <= kDraws; ++seed) {
    std::vector<double> t;
    const FitResult si = pb.run(true, seed, t);
    const FitResult lj = pb.run(false, seed, t);
    for (std::size_t j = 0; j < np; ++j) {
      est_si[j].push_back(si.p[j]);
      se_si[j].push_back(si.se(j));
      est_lj[j].push_back(lj.p[j]);
      se_lj[j].push_back(lj.se(j));
      if (seed > 3) continue;
      // logarithms of dimensional prefactors shift by ln(unit); everything else scales
      const double f = pb.kinds[j] == Kind::dimensionless ? 1.0 : unit(pb.lj, pb.kinds[j]);
      const double shift = pb.kinds[j] == Kind::dimensionless ? si.p[j] - lj.p[j] : 0.0;
      const double lj_in_si = lj.p[j] * f + shift;
      EXPECT_NEAR(si.p[j], lj_in_si, 1e-7 * std::abs(si.p[j]) + 1e-9 * si.se(j))
          << "seed " << seed << ", p" << j;
      EXPECT_NEAR(si.se(j), lj.se(j) * f, 1e-6 * si.se(j)) << "seed " << seed << ", se" << j;
      EXPECT_GT(si.se(j), 0.0);
      // the logarithmic offsets are the same constant ln(unit) for every seed: check them
      // against the exact fits' offsets
      if (pb.kinds[j] == Kind::dimensionless)
        EXPECT_NEAR(si.p[j] - lj.p[j], exact_si.p[j] - exact_lj.p[j], 1e-7) << "offset p" << j;
    }
  }
  for (std::size_t j = 0; j < np; ++j) {
    check_calibration(est_si[j], se_si[j], truth_si[j], fmt::format("SI p{}", j));
    check_calibration(est_lj[j], se_lj[j], truth_lj[j], fmt::format("LJ p{}", j));
  }
}

std::vector<double> noise(unsigned seed, std::size_t n, double sd) {
  std::vector<double> e(n, 0.0);
  if (seed == 0) return e;
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> g(0.0, sd);
  for (double& v : e) v = g(rng);
  return e;
}

}  // namespace

TEST(ScaleFreeFit, ArrheniusSameInSiAndLj) {
  // D(T) = D0 exp(-E_a/(kB T)), D0 = 2e-7 m^2/s, E_a = 0.3 eV, 250-400 K (argon LJ units)
  const double D0 = 2e-7, Ea = 0.3 * units::kElementaryCharge;
  Problem pb{"arrhenius", {Kind::dimensionless, Kind::energy}, nullptr, "argon"};
  pb.run = [&](bool si, unsigned seed, std::vector<double>& truth) {
    const double kB = si ? units::kBoltzmann : 1.0;
    const double uT = si ? 1.0 : unit("argon", Kind::temperature);
    const double uD = si ? 1.0 : unit("argon", Kind::diffusivity);
    const double uE = si ? 1.0 : unit("argon", Kind::energy);
    truth = {std::log(D0 / uD), Ea / uE};
    const auto e = noise(seed, 16, 0.02);
    Data d;
    for (int i = 0; i < 16; ++i) {
      const double T = (250.0 + 10.0 * i) / uT;
      d.x.push_back(T);
      d.y.push_back(truth[0] - truth[1] / (kB * T) + e[i]);
    }
    return fit_curve(ArrheniusLn{kB}, d, {truth[0] + 1.0, 0.7 * truth[1]}, {"ln_D0", "E_a"},
                     "arrhenius");
  };
  check(pb);
}

TEST(ScaleFreeFit, SoretLineSameInSiAndLj) {
  // ln c = ln c_ref - S_T (T - T_ref), S_T = 0.05 1/K around 300 K
  const double S = 0.05, lnc = std::log(1e24);
  Problem pb{"soret", {Kind::dimensionless, Kind::inverse_temperature}, nullptr, "argon"};
  pb.run = [&](bool si, unsigned seed, std::vector<double>& truth) {
    const double uT = si ? 1.0 : unit("argon", Kind::temperature);
    const double uc = si ? 1.0 : unit("argon", Kind::number_density);
    truth = {lnc - std::log(uc), S * uT};
    const auto e = noise(seed, 20, 0.01);
    Data d;
    for (int i = 0; i < 20; ++i) {
      const double T = (290.0 + i) / uT;
      d.x.push_back(T);
      d.y.push_back(truth[0] - truth[1] * (T - 300.0 / uT) + e[i]);
    }
    return fit_curve(SoretLnC{300.0 / uT}, d, {0.0, 0.0}, {"ln_c_ref", "S_T"}, "soret");
  };
  check(pb);
}

TEST(ScaleFreeFit, AdatomPhiSameInSiAndLj) {
  // Phi(x) of a constrained adatom in a linear T profile, copper units: Q = 1.9 eps,
  // E_m = 0.23 eps, a = 0.2624 nm (1.1225 sigma), T from 0.3 eps/kB down with 0.0038 eps/(kB
  // sigma); Phi is dimensionless; C too.
  const auto cu = *units::lj_preset("copper");
  const double Q = 1.9 * cu.epsilon, Em = 0.23 * cu.epsilon, a = 1.1225 * cu.sigma;
  const double T0 = 0.3 * cu.epsilon / units::kBoltzmann;
  const double G = -0.0038 * cu.epsilon / units::kBoltzmann / cu.sigma;
  Problem pb{"adatom_phi",
             {Kind::dimensionless, Kind::energy, Kind::energy, Kind::length},
             nullptr,
             "copper"};
  pb.run = [&](bool si, unsigned seed, std::vector<double>& truth) {
    const double kB = si ? units::kBoltzmann : 1.0;
    const double uL = si ? 1.0 : cu.sigma, uE = si ? 1.0 : cu.epsilon;
    const double uT = si ? 1.0 : unit("copper", Kind::temperature);
    const AdatomPhi m{a / uL, T0 / uT, G * uL / uT, 0.0, kB};
    truth = {2.0, Q / uE, Em / uE, 0.3 * a / uL};
    const auto e = noise(seed, 61, 0.01);
    Data d;
    for (int i = 0; i < 61; ++i) {
      const double x = 0.137 * a * i / uL;  // incommensurate with a: no aliasing
      d.x.push_back(x);
      d.y.push_back(m(x, truth.data()) + e[i]);
    }
    return fit_curve(m, d, {1.0, 0.8 * truth[1], 1.2 * truth[2], 0.25 * a / uL},
                     {"C", "Q", "E_m", "x_m"}, "adatom_phi");
  };
  // C is a dimensionless constant (no logarithm of a unit): the same in both systems
  check(pb);
}

TEST(ScaleFreeFit, AdatomPhiLinearFormSameInSiAndLj) {
  // the form adatom_phi fits: (C, P = Q - E_m/2, A, B) with E_m = |(A, B)|; copper units as
  // above, minimum at 0.3 a (A = E_m cos(0.6 pi), B = E_m sin(0.6 pi))
  const auto cu = *units::lj_preset("copper");
  const double Q = 1.9 * cu.epsilon, Em = 0.23 * cu.epsilon, a = 1.1225 * cu.sigma;
  const double T0 = 0.3 * cu.epsilon / units::kBoltzmann;
  const double G = -0.0038 * cu.epsilon / units::kBoltzmann / cu.sigma;
  const double phase = 0.6 * 3.141592653589793;
  Problem pb{"adatom_phi_linear",
             {Kind::dimensionless, Kind::energy, Kind::energy, Kind::energy},
             nullptr,
             "copper"};
  pb.run = [&](bool si, unsigned seed, std::vector<double>& truth) {
    const double kB = si ? units::kBoltzmann : 1.0;
    const double uL = si ? 1.0 : cu.sigma, uE = si ? 1.0 : cu.epsilon;
    const double uT = si ? 1.0 : unit("copper", Kind::temperature);
    const AdatomPhiLinear m{a / uL, T0 / uT, G * uL / uT, 0.0, kB, false};
    truth = {2.0, (Q - Em / 2) / uE, Em * std::cos(phase) / uE, Em * std::sin(phase) / uE};
    const auto e = noise(seed, 61, 0.01);
    Data d;
    for (int i = 0; i < 61; ++i) {
      const double x = 0.137 * a * i / uL;
      d.x.push_back(x);
      d.y.push_back(m(x, truth.data()) + e[i]);
    }
    return fit_curve(m, d, {0.0, 0.0, 0.0, 0.0}, {"C", "P", "A", "B"}, "adatom_phi");
  };
  check(pb);
}

TEST(ScaleFreeFit, ParticleDriftOverThreeTemperaturesSameInSiAndLj) {
  // exact particle velocities over T = 0.15, 0.2, 0.25 eps/kB with nu known (Q, E_m fitted),
  // copper units, 2 % standard errors
  const auto cu = *units::lj_preset("copper");
  const double Q = 1.9 * cu.epsilon, Em = 0.23 * cu.epsilon, a = 1.1225 * cu.sigma;
  const double nu = 1.0 / cu.tau();
  Problem pb{"adatom_drift particle", {Kind::energy, Kind::energy}, nullptr, "copper"};
  pb.run = [&](bool si, unsigned seed, std::vector<double>& truth) {
    const double kB = si ? units::kBoltzmann : 1.0;
    const double uL = si ? 1.0 : cu.sigma, uE = si ? 1.0 : cu.epsilon;
    const double uT = si ? 1.0 : unit("copper", Kind::temperature);
    const double uf = si ? 1.0 : unit("copper", Kind::frequency);
    const AdatomDriftLaw m{DriftLaw::particle_exact, 0.0, nu / uf, a / uL, kB};
    truth = {Q / uE, Em / uE};
    const auto e = noise(seed, 24, 0.02);
    Data d;
    for (int k = 0; k < 3; ++k)
      for (int i = 0; i < 8; ++i) {
        const double T = (0.15 + 0.05 * k) * cu.epsilon / units::kBoltzmann / uT;
        const double g = (-0.035 + 0.01 * i) * cu.epsilon / units::kBoltzmann / cu.sigma;
        const double x = g * uL / uT;
        const double v = m(x, T, truth.data());
        d.x.push_back(x);
        d.x2.push_back(T);
        d.y.push_back(v * (1.0 + e[static_cast<std::size_t>(8 * k + i)]));
        d.sigma.push_back(0.02 * std::abs(v));
      }
    return fit_curve(m, d, {0.9 * truth[0], 1.1 * truth[1]}, {"Q", "E_m"}, "adatom_drift");
  };
  check(pb);
}

TEST(ScaleFreeFit, DriftSameInSiAndLj) {
  // v(G) = -D exp(-a (Q - E_m) G/(2 kB T^2)) Q G/(kB T^2) at T = 0.2 eps/kB, copper units
  const auto cu = *units::lj_preset("copper");
  const double Q = 1.9 * cu.epsilon, Em = 0.23 * cu.epsilon, a = 1.1225 * cu.sigma;
  const double Tm = 0.2 * cu.epsilon / units::kBoltzmann;
  const double D = 0.05 * cu.sigma * cu.sigma / cu.tau();
  Problem pb{"adatom_drift", {Kind::energy, Kind::energy}, nullptr, "copper"};
  pb.run = [&](bool si, unsigned seed, std::vector<double>& truth) {
    const double kB = si ? units::kBoltzmann : 1.0;
    const double uL = si ? 1.0 : cu.sigma, uE = si ? 1.0 : cu.epsilon;
    const double uT = si ? 1.0 : unit("copper", Kind::temperature);
    const double uD = si ? 1.0 : unit("copper", Kind::diffusivity);
    const double uv = si ? 1.0 : unit("copper", Kind::velocity);
    const AdatomDrift m{D / uD, Tm / uT, a / uL, kB};
    truth = {Q / uE, Em / uE};
    const auto e = noise(seed, 12, 0.002);
    Data d;
    for (int i = 0; i < 12; ++i) {
      // gradients up to 0.05 eps/(kB sigma): the exponential factor is felt, so E_m is fixed
      const double g = (-0.05 + 0.1 * i / 11.0) * cu.epsilon / units::kBoltzmann / cu.sigma;
      const double x = g * uL / uT;
      d.x.push_back(x);
      const double v = m(x, truth.data());
      d.y.push_back(v + e[i] * 1e-3 * cu.sigma / cu.tau() / uv);
    }
    return fit_curve(m, d, {0.9 * truth[0], 1.1 * truth[1]}, {"Q", "E_m"}, "adatom_drift");
  };
  check(pb);
}

/// First-order mean velocity of one adatom at one temperature, v = -D (Q - E_m) G/(kB T^2):
/// Q and E_m enter only as their difference.
struct ParticleVelocity {
  double D = 0.05, Tm = 0.2, kB = 1.0;
  template <class T>
  T operator()(double x, const T* p) const {
    return -D * (p[0] - p[1]) * x / (kB * Tm * Tm);
  }
};

/// ParticleVelocity with E_m = 0: its one parameter is Q - E_m.
struct ParticleVelocityDifference {
  ParticleVelocity v;
  template <class T>
  T operator()(double x, const T* q) const {
    const T p[2] = {q[0], T(0.0)};
    return v(x, p);
  }
};

TEST(ScaleFreeFit, UndeterminedParameterIsNamedNotReturned) {
  const ParticleVelocity m;
  Data d;
  const double p[2] = {1.9, 0.23};
  for (int i = 0; i < 10; ++i) {
    const double g = 0.01 * (i - 4.5);
    d.x.push_back(g);
    d.y.push_back(m(g, p) * (1.0 + 0.01 * std::sin(7.0 * i)));
  }
  try {
    fit_curve(m, d, {1.5, 0.3}, {"Q", "E_m"}, "drift");
    ADD_FAILURE() << "an undetermined parameter was returned";
  } catch (const SolverError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("do not determine Q and E_m separately"), std::string::npos) << msg;
  }
  // The same law with E_m known fits Q - E_m: one parameter, determined.
  const FitResult r = fit_curve(ParticleVelocityDifference{m}, d, {1.0}, {"Q_minus_E_m"}, "drift");
  EXPECT_NEAR(r.p[0], 1.9 - 0.23, 4.0 * r.se(0));
}

}  // namespace td::fit
