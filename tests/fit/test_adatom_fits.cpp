// The adatom fits against the lattice model itself: drift velocities computed from the hop-rate
// kernels (models/adatom_K.h) of the landscape with Q = 1.9, E_m = 0.23 (a = nu = 1, LJ units)
// are fitted by `adatom_drift` with the law of their kind, which returns what the data identify
// (Q - E_m at one temperature with D given; Q and E_m over several temperatures with nu given)
// and refuses what they do not. `adatom_phi` on Phi(x0) of the same landscape: E_m >= 0 with a
// normalised phase, aliasing window spacings refused, the slope of the minima beside the joint
// fit, and the harmonic -2 ln T term as an option.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/Error.h"
#include "core/Input.h"
#include "core/UnitsInput.h"
#include "fit/FitTask.h"
#include "fit/Models.h"
#include "models/adatom_K.h"

namespace td::fit {
namespace {

constexpr double kQ = 1.9, kEm = 0.23, kA = 1.0, kNu = 1.0, kB = 1.0;

/// Gradients of the drift data (epsilon/(kB sigma)), both signs.
const std::vector<double> kGradients = {-0.03, -0.02, -0.01, -0.005, 0.005, 0.01, 0.02, 0.03};

/// Exact mean velocity of one particle on the site at temperature @p T: a (Gamma+ - Gamma-)
/// over the saddles at T +- G a/2.
double exact_particle_velocity(double G, double T) {
  const double up = kernels::adatom_hop_rate(kNu, kQ, kEm, kB, T, T + 0.5 * G * kA);
  const double down = kernels::adatom_hop_rate(kNu, kQ, kEm, kB, T, T - 0.5 * G * kA);
  return kA * (up - down);
}

/// TOML array of @p v to full precision.
std::string array(const std::vector<double>& v) {
  std::string s = "[";
  for (std::size_t i = 0; i < v.size(); ++i) s += fmt::format("{}{:.17g}", i ? ", " : "", v[i]);
  return s + "]";
}

/// Run the [[fit]] tables @p tables (LJ copper units) and return the parameters (and the
/// reports in @p reports, if given).
ParamSet run_fits(const std::string& tables, nlohmann::ordered_json* reports = nullptr) {
  InputSection root = InputSection::parse_string(
      "[units]\nsystem = \"LJ\"\nlj = \"copper\"\n" + tables, "fit.toml");
  ParamSet params;
  params.units = read_units(root);
  const auto tasks = read_fit_tasks(root);
  root.finish();
  const auto r = run_fit_tasks(tasks, params);
  if (reports) *reports = r;
  return params;
}

/// A drift table for velocities of @p law at temperatures @p T (one per point), given @p extra.
std::string drift_table(const std::vector<double>& G, const std::vector<double>& v,
                        const std::vector<double>& T, const std::string& extra) {
  return fmt::format(
      "[[fit]]\ntype = \"adatom_drift\"\nname = \"Cu\"\nlattice_spacing = {}\nx = {}\ny = {}\n"
      "temperature = {}\n{}\n",
      kA, array(G), array(v), array(T), extra);
}

TEST(AdatomDriftFit, OneTemperatureFixesQMinusEmFromExactParticleVelocities) {
  const double T = 0.2;
  std::vector<double> v;
  for (double G : kGradients) v.push_back(exact_particle_velocity(G, T));
  const double D = kernels::adatom_diffusivity(kNu, kA, kEm, kB, T);
  const ParamSet p =
      run_fits(drift_table(kGradients, v, {T}, fmt::format("diffusivity = {:.17g}", D)));
  const FittedParameter* d = p.find("Q_minus_E_m_Cu");
  ASSERT_NE(d, nullptr);
  EXPECT_NEAR(d->value, kQ - kEm, 1e-6 * (kQ - kEm));
  EXPECT_NE(d->method.find("fixes Q - E_m only"), std::string::npos) << d->method;
  // the data do not fix Q or E_m alone: neither is written
  EXPECT_EQ(p.find("Q_Cu"), nullptr);
  EXPECT_EQ(p.find("E_m_Cu"), nullptr);
}

TEST(AdatomDriftFit, ThreeTemperaturesFixQAndEmEach) {
  std::vector<double> G, v, T;
  for (double t : {0.15, 0.2, 0.25})
    for (double g : kGradients) {
      G.push_back(g);
      T.push_back(t);
      v.push_back(exact_particle_velocity(g, t));
    }
  const ParamSet p = run_fits(drift_table(G, v, T, fmt::format("attempt_frequency = {}", kNu)));
  ASSERT_NE(p.find("Q_Cu"), nullptr);
  ASSERT_NE(p.find("E_m_Cu"), nullptr);
  EXPECT_NEAR(p.find("Q_Cu")->value, kQ, 1e-6 * kQ);
  EXPECT_NEAR(p.find("E_m_Cu")->value, kEm, 1e-6 * kEm);
  EXPECT_NEAR(p.find("Q_minus_E_m_Cu")->value, kQ - kEm, 1e-6 * (kQ - kEm));
  ASSERT_FALSE(p.covariances.empty());
}

TEST(AdatomDriftFit, FirstOrderLawAndABarrierFromAnArrheniusFit) {
  // first-order particle velocities at T = 0.2 and D(T) at four temperatures: the Arrhenius
  // fit gives E_m, the drift fit Q - E_m, and Q follows
  const double T = 0.2;
  std::vector<double> v, Ts = {0.15, 0.2, 0.25, 0.3}, Ds;
  for (double G : kGradients)
    v.push_back(kernels::adatom_particle_velocity(kNu, kA, kQ, kEm, kB, T, G));
  for (double t : Ts) Ds.push_back(kernels::adatom_diffusivity(kNu, kA, kEm, kB, t));
  const std::string arr = fmt::format(
      "[[fit]]\ntype = \"arrhenius\"\nname = \"hop\"\nx = {}\ny = {}\n", array(Ts), array(Ds));
  const ParamSet p =
      run_fits(arr + drift_table(kGradients, v, {T},
                                 fmt::format("order = \"first\"\ndiffusivity = {:.17g}\n"
                                             "migration_barrier = \"E_a_hop\"",
                                             kernels::adatom_diffusivity(kNu, kA, kEm, kB, T))));
  EXPECT_NEAR(p.find("Q_minus_E_m_Cu")->value, kQ - kEm, 1e-6 * (kQ - kEm));
  ASSERT_NE(p.find("Q_Cu"), nullptr);
  EXPECT_NEAR(p.find("Q_Cu")->value, kQ, 1e-6 * kQ);
}

TEST(AdatomDriftFit, NetExchangeLawFitsTheFluxLaw) {
  // velocities of the flux law V (Roux and Combe): law = "net_exchange" returns Q and E_m
  const double T = 0.2;
  std::vector<double> G, v;
  for (int i = -6; i <= 6; ++i)
    if (i != 0) {
      G.push_back(0.01 * i);
      v.push_back(kernels::adatom_drift_law(kNu, kA, kQ, kEm, kB, T, G.back()));
    }
  const ParamSet p =
      run_fits(drift_table(G, v, {T},
                           fmt::format("law = \"net_exchange\"\ndiffusivity = {:.17g}",
                                       kernels::adatom_diffusivity(kNu, kA, kEm, kB, T))));
  EXPECT_NEAR(p.find("Q_Cu")->value, kQ, 1e-6 * kQ);
  EXPECT_NEAR(p.find("E_m_Cu")->value, kEm, 1e-6 * kEm);
  // asked for the difference only, it writes that and nothing else
  const ParamSet d =
      run_fits(drift_table(G, v, {T},
                           fmt::format("law = \"net_exchange\"\ndiffusivity = {:.17g}\n"
                                       "fit_parameters = \"Q_minus_E_m\"",
                                       kernels::adatom_diffusivity(kNu, kA, kEm, kB, T))));
  ASSERT_NE(d.find("Q_minus_E_m_Cu"), nullptr);
  EXPECT_NEAR(d.find("Q_minus_E_m_Cu")->value, kQ - kEm, 1e-6 * (kQ - kEm));
  EXPECT_EQ(d.find("Q_Cu"), nullptr);
}

// Flux-law velocities at a saddle, Q = 0 (the law gives 0 at every gradient), measured to
// 1e-3 with a noise far below that: the data fix Q = 0 +- 1e-3, but dV/dE_m is proportional to
// Q, so they leave E_m free. The columns of the Jacobian at the fit are independent, merely
// small, and E_m was written as 1.7e-24 +- 4e17; it is a SolverError naming E_m.
TEST(AdatomDriftFit, EmAtASaddleQEqualsZeroIsNotDetermined) {
  const double T = 0.2, D = kernels::adatom_diffusivity(kNu, kA, kEm, kB, T);
  std::vector<double> G, v;
  for (int i = -6; i <= 6; ++i)
    if (i != 0) {
      G.push_back(0.01 * i);
      // a noise that keeps the fit off Q = 0 exactly, where the curve does not depend on E_m
      // at all (the column check of the rank test refuses that)
      v.push_back(kernels::adatom_drift_law(kNu, kA, 0.0, kEm, kB, T, G.back()) +
                  1e-20 * std::sin(3.0 * i));
    }
  const std::vector<double> sigma(G.size(), 1e-3);
  try {
    run_fits(drift_table(
        G, v, {T},
        fmt::format("law = \"net_exchange\"\ndiffusivity = {:.17g}\nsigma = {}", D, array(sigma))));
    ADD_FAILURE() << "E_m was fitted at Q = 0";
  } catch (const SolverError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("adatom_drift Cu: the data do not determine E_m"), std::string::npos) << msg;
    EXPECT_NE(msg.find("means nothing"), std::string::npos) << msg;
  }
}

TEST(AdatomDriftFit, AskingForWhatTheDataCannotFixIsAnError) {
  const double T = 0.2;
  std::vector<double> v;
  for (double G : kGradients) v.push_back(exact_particle_velocity(G, T));
  const double D = kernels::adatom_diffusivity(kNu, kA, kEm, kB, T);
  try {
    run_fits(drift_table(kGradients, v, {T},
                         fmt::format("diffusivity = {:.17g}\nfit_parameters = \"Q_and_E_m\"", D)));
    ADD_FAILURE() << "Q and E_m were fitted from one temperature with D given";
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("fit.toml:12: key 'fit[0].fit_parameters'"), std::string::npos) << msg;
    EXPECT_NE(msg.find("cannot fix Q and E_m each"), std::string::npos) << msg;
  }
  // nu given but one temperature: the drift cannot separate E_m
  try {
    run_fits(drift_table(kGradients, v, {T}, "attempt_frequency = 1.0"));
    ADD_FAILURE() << "E_m was fitted from one temperature";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("two or more temperatures"), std::string::npos)
        << e.what();
  }
}

// Noisy first-order velocities at two temperatures with nu given: Ceres reaches its iteration
// limit (NO_CONVERGENCE) on the way to Q -> infinity. The point it stopped at was written as
// the fit (Q = 4e5 +- 7e10); a fit that did not converge is a SolverError that says so.
TEST(AdatomDriftFit, AFitThatDoesNotConvergeIsASolverError) {
  const std::vector<double> G = {-0.03, -0.02, -0.01, 0.01, 0.02, 0.03,
                                 -0.03, -0.02, -0.01, 0.01, 0.02, 0.03};
  const std::vector<double> T = {0.15, 0.15, 0.15, 0.15, 0.15, 0.15,
                                 0.25, 0.25, 0.25, 0.25, 0.25, 0.25};
  const std::vector<double> v = {-0.0473,  0.194655, -0.172155, -0.056654, 0.171394,  0.112707,
                                 0.017773, 0.130138, -0.549244, 0.198343,  -0.186368, -0.324055};
  try {
    run_fits(drift_table(G, v, T,
                         "law = \"particle_velocity\"\norder = \"first\"\n"
                         "attempt_frequency = 50.0"));
    ADD_FAILURE() << "a fit that did not converge was accepted";
  } catch (const SolverError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("adatom_drift Cu: the least-squares fit did not converge"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("NO_CONVERGENCE after 200 iterations"), std::string::npos) << msg;
    EXPECT_NE(msg.find("Maximum number of iterations reached"), std::string::npos) << msg;
    EXPECT_NE(msg.find("final cost"), std::string::npos) << msg;
  }
}

/// Phi scan geometry of the adatom_ti set-up (LJ): a = 0.549 (fcc-hcp distance), T(x) from
/// 0.176 at x_ref = 11.3 with gradient -0.0085.
constexpr double kPhiA = 0.549, kT0 = 0.176, kGrad = -0.0085, kXref = 11.3;

/// Phi(x0) at @p x of the landscape (C, Q, E_m, x_m) = @p p (AdatomPhi), plus -2 ln T with
/// @p harmonic.
std::vector<double> phi_of(const std::vector<double>& x, const std::vector<double>& p,
                           bool harmonic = false) {
  const AdatomPhi m{kPhiA, kT0, kGrad, kXref, kB};
  std::vector<double> y;
  for (double v : x)
    y.push_back(m(v, p.data()) - (harmonic ? 2.0 * std::log(kT0 + kGrad * (v - kXref)) : 0.0));
  return y;
}

/// @p n windows from kXref, @p dx apart.
std::vector<double> windows(int n, double dx) {
  std::vector<double> x;
  for (int i = 0; i < n; ++i) x.push_back(kXref + dx * i);
  return x;
}

std::string phi_table(const std::vector<double>& x, const std::vector<double>& y,
                      const std::string& extra = "") {
  return fmt::format(
      "[[fit]]\ntype = \"adatom_phi\"\nname = \"ti\"\nlattice_spacing = {}\nT_ref = {}\n"
      "gradient = {}\nx_ref = {}\nx = {}\ny = {}\n{}\n",
      kPhiA, kT0, kGrad, kXref, array(x), array(y), extra);
}

TEST(AdatomPhiFit, EmIsNonNegativeAndThePhaseNormalisedOnAShortScan) {
  // 8 windows (1.4 periods), minimum at x_m = kXref + 0.13 (0.3114 mod a)
  const std::vector<double> x = windows(8, 0.11);
  const double xm = kXref + 0.13, xm_mod = xm - kPhiA * std::floor(xm / kPhiA);
  ParamSet p = run_fits(phi_table(x, phi_of(x, {1.0, 2.0, 0.19, xm})));
  EXPECT_NEAR(p.find("Q_ti")->value, 2.0, 1e-8);
  EXPECT_NEAR(p.find("E_m_ti")->value, 0.19, 1e-8);
  // the same landscape written with a negative amplitude is the positive one half a period
  // away and Q + |amplitude|: the fit returns that, E_m > 0
  p = run_fits(phi_table(x, phi_of(x, {1.0, 2.0, -0.19, xm})));
  EXPECT_NEAR(p.find("Q_ti")->value, 2.0 + 0.19, 1e-8);
  EXPECT_NEAR(p.find("E_m_ti")->value, 0.19, 1e-8);
  // the phase: the fit's x_m (report) lies in [0, a)
  nlohmann::ordered_json rep;
  run_fits(phi_table(x, phi_of(x, {1.0, 2.0, 0.19, xm})), &rep);
  EXPECT_NEAR(rep[0]["x_m"][0].get<double>(), xm_mod, 1e-8);
}

TEST(AdatomPhiFit, WindowsCommensurateWithTheLatticeAreRefused) {
  for (double dx : {kPhiA, kPhiA / 2, 2 * kPhiA}) {
    const std::vector<double> x = windows(12, dx);
    try {
      run_fits(phi_table(x, phi_of(x, {1.0, 2.0, 0.19, kXref})));
      ADD_FAILURE() << "spacing " << dx << " was fitted";
    } catch (const InputError& e) {
      const std::string msg = e.what();
      EXPECT_NE(msg.find("fit.toml:11: key 'fit[0].x'"), std::string::npos) << msg;
      EXPECT_NE(msg.find("phase(s) of the lattice period"), std::string::npos) << msg;
      EXPECT_NE(msg.find("alias"), std::string::npos) << msg;
    }
  }
}

TEST(AdatomPhiFit, SlopeOfTheMinimaIsReportedBesideTheJointFit) {
  // windows a/5 apart with a minimum on a window: every period's minimum is sampled, and
  // Phi_min = C - Q/(kB T) exactly
  const std::vector<double> x = windows(31, kPhiA / 5);
  const ParamSet p = run_fits(phi_table(x, phi_of(x, {1.0, 2.0, 0.19, kXref + 2 * kPhiA / 5})));
  ASSERT_NE(p.find("Q_minima_ti"), nullptr);
  EXPECT_NEAR(p.find("Q_minima_ti")->value, 2.0, 1e-8);
  EXPECT_NEAR(p.find("Q_ti")->value, 2.0, 1e-8);
}

TEST(AdatomPhiFit, HarmonicLogTermIsAnOption) {
  const std::vector<double> x = windows(31, kPhiA / 5);
  const std::vector<double> y = phi_of(x, {1.0, 2.0, 0.19, kXref + 0.1}, true);
  const ParamSet with = run_fits(phi_table(x, y, "harmonic_log_term = true"));
  EXPECT_NEAR(with.find("Q_ti")->value, 2.0, 1e-8);
  EXPECT_NEAR(with.find("E_m_ti")->value, 0.19, 1e-8);
  // without the term its slope (about 2 T in 1/T) goes into Q
  const ParamSet without = run_fits(phi_table(x, y));
  EXPECT_GT(std::abs(without.find("Q_ti")->value - 2.0), 0.1);
}

}  // namespace
}  // namespace td::fit
