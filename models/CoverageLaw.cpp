#include "models/CoverageLaw.h"

#include <fmt/format.h>

// Boost 1.74's pchip.hpp calls isnan unqualified: <math.h> declares it globally first.
#include <math.h>

#include <algorithm>
#include <boost/math/interpolators/pchip.hpp>
#include <cmath>
#include <filesystem>
#include <numbers>

#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "models/LatticeGasVariational.h"
#include "models/adatom_K.h"
#include "models/lattice_gas_K.h"

namespace td {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

/// Ends of the default coverage table: the variational bound is defined on (0, 1).
constexpr double kTableEdge = 1e-4;
constexpr int kTablePoints = 48;

/// @p n Chebyshev-Lobatto coverages in [kTableEdge, 1 - kTableEdge], dense near both ends.
std::vector<double> chebyshev_coverages(long n) {
  std::vector<double> th;
  for (long i = 0; i < n; ++i)
    th.push_back(kTableEdge + (1.0 - 2.0 * kTableEdge) * 0.5 *
                                  (1.0 - std::cos(std::numbers::pi * static_cast<double>(i) /
                                                  static_cast<double>(n - 1))));
  return th;
}

const ParamSpec kType{"type",
                      T::String,
                      "\"variational\"",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "coverage-dependent diffusivity law",
                      {},
                      &CoverageLawFactory::names};
const CoverageLawFactory::Family kFamily(
    "<coverage_law>", kType, "lattice",
    "The collective diffusivity D_c(theta, T) (length^2/time) of a dense adsorbate as a function "
    "of the local coverage theta (occupied sites per site) and the temperature: the nonlinear "
    "diffusivity of the finite-volume coverage system of the lattice-gas gradient model "
    "(docs/theory.md#lattice-gas). No `thermodrift lattice` input reads this table yet: it is "
    "used from code and from the Python function thermodrift.lattice.gradient.");

const ParamSpec kValue{"value",
                       T::Real,
                       "",
                       K::diffusivity,
                       Range::positive(),
                       {},
                       "D_c at every coverage and temperature"};
const ParamSpec kFile{"lattice_file",
                      T::String,
                      "",
                      K::dimensionless,
                      Range::any(),
                      {},
                      "lattice file ([lattice] table, docs/stochastic.md; relative to this file)"};
const ParamSpec kTemps{"temperatures",
                       T::RealArray,
                       "",
                       K::temperature,
                       Range::positive(),
                       {},
                       "table temperatures, increasing, at least 2 (ln D_c linear in 1/T between "
                       "them; an error outside)"};
const ParamSpec kPoints{"coverage_points",
                        T::Integer,
                        "48",
                        K::dimensionless,
                        Range::closed(4, 4096),
                        {},
                        "table coverages: Chebyshev-Lobatto points in [1e-4, 1 - 1e-4]"};
const ParamSpec kComponent{"component",
                           T::String,
                           "\"xx\"",
                           K::dimensionless,
                           Range::any(),
                           {"xx", "yy"},
                           "diagonal component of the tensor D_c along the gradient"};

class Constant : public CoverageLaw {
 public:
  explicit Constant(double D) : D_(D) {}
  double value(double, double) const override { return D_; }
  double d_theta(double, double) const override { return 0.0; }
  double d_T(double, double) const override { return 0.0; }
  std::string type() const override { return "constant"; }
  static std::unique_ptr<CoverageLaw> create(InputSection& s, double) {
    return std::make_unique<Constant>(s.real(kValue));
  }

 private:
  double D_;
};

/// Tabulated ln D_c: PCHIP in theta per temperature, linear in 1/T between temperatures.
class Variational : public CoverageLaw {
 public:
  Variational(const LatticeSpec& spec, std::vector<double> th, std::vector<double> Ts, int axis)
      : theta_(std::move(th)), T_(std::move(Ts)) {
    if (theta_.size() < 4) throw Error("variational coverage law: at least 4 coverages");
    if (T_.size() < 2) throw Error("variational coverage law: at least 2 temperatures");
    for (std::size_t i = 0; i + 1 < theta_.size(); ++i)
      if (!(theta_[i + 1] > theta_[i]) || !(theta_[i] > 0) || !(theta_.back() < 1))
        throw Error("variational coverage law: coverages must increase strictly inside (0, 1)");
    for (std::size_t j = 0; j + 1 < T_.size(); ++j)
      if (!(T_[j + 1] > T_[j]))
        throw Error("variational coverage law: temperatures must increase strictly");
    for (double Tj : T_) {
      std::vector<double> x = theta_, y;
      for (double t : theta_) {
        const double D = variational_collective_diffusion(spec, t, Tj)(axis, axis);
        if (!(D > 0) || !std::isfinite(D))
          throw Error(
              fmt::format("variational D_c = {:g} at theta = {:g}, T = {:g} is not "
                          "positive: the lattice does not diffuse along the gradient",
                          D, t, Tj));
        y.push_back(std::log(D));
      }
      lnD_.emplace_back(std::move(x), std::move(y));
    }
  }
  double value(double th, double Tk) const override { return std::exp(eval(th, Tk).f); }
  double d_theta(double th, double Tk) const override {
    const auto e = eval(th, Tk);
    return std::exp(e.f) * e.df_dtheta;
  }
  double d_T(double th, double Tk) const override {
    const auto e = eval(th, Tk);
    return std::exp(e.f) * e.df_dT;
  }
  std::string type() const override { return "variational"; }

  static std::unique_ptr<CoverageLaw> create(InputSection& s, double kB) {
    const std::string path = input_path(s, s.string(kFile));
    const auto Ts = s.reals(kTemps);
    if (Ts.size() < 2) s.fail(kTemps.key, "at least 2 temperatures");
    for (std::size_t j = 0; j + 1 < Ts.size(); ++j)
      if (!(Ts[j + 1] > Ts[j])) s.fail(kTemps.key, "temperatures must increase strictly");
    const long n = s.integer(kPoints);
    const int axis = s.string(kComponent) == "yy" ? 1 : 0;
    if (!std::filesystem::exists(path))
      s.fail(kFile.key, fmt::format("lattice file '{}' does not exist", path));
    InputSection lroot = InputSection::parse_file(path);
    lroot.set_units(s.units());
    InputSection ls = lroot.section("lattice");
    const LatticeSpec spec = read_lattice(ls, kB, Ts.front());
    lroot.finish();
    return std::make_unique<Variational>(spec, chebyshev_coverages(n), Ts, axis);
  }

 private:
  struct Eval {
    double f = 0.0, df_dtheta = 0.0, df_dT = 0.0;
  };
  Eval eval(double th, double Tk) const {
    if (!(Tk >= T_.front() && Tk <= T_.back()))
      throw InputError(origin(), fmt::format("temperature {:g} is outside the table range "
                                             "[{:g}, {:g}] of the coverage law",
                                             Tk, T_.front(), T_.back()));
    // beyond the table's coverages ln D_c is constant (the limits theta -> 0 and 1 are reached
    // to 1e-4 there)
    const bool inside = th > theta_.front() && th < theta_.back();
    const double tc = std::clamp(th, theta_.front(), theta_.back());
    const auto it = std::upper_bound(T_.begin(), T_.end(), Tk);
    const std::size_t j =
        std::min<std::size_t>(static_cast<std::size_t>(it - T_.begin()), T_.size() - 1) - 1;
    // weight in 1/T between nodes j and j+1
    const double u0 = 1.0 / T_[j], u1 = 1.0 / T_[j + 1], u = 1.0 / Tk;
    const double w = (u - u0) / (u1 - u0), dw_dT = -1.0 / (Tk * Tk * (u1 - u0));
    const double f0 = lnD_[j](tc), f1 = lnD_[j + 1](tc);
    Eval e;
    e.f = (1.0 - w) * f0 + w * f1;
    e.df_dT = (f1 - f0) * dw_dT;
    if (inside) e.df_dtheta = (1.0 - w) * lnD_[j].prime(tc) + w * lnD_[j + 1].prime(tc);
    return e;
  }
  std::vector<double> theta_, T_;
  std::vector<boost::math::interpolators::pchip<std::vector<double>>> lnD_;
};

CoverageLawFactory::Registrar r1("constant", "D_c = value at every coverage and temperature.",
                                 &Constant::create, {&kValue});
CoverageLawFactory::Registrar r2(
    "variational",
    "The variational bound on D_c of the lattice of `lattice_file` (docs/stochastic.md), "
    "component `component`, tabulated at `coverage_points` coverages and at `temperatures`; "
    "ln D_c monotone piecewise cubic (PCHIP) in theta, linear in 1/T between temperatures.",
    &Variational::create, {&kFile, &kTemps, &kPoints, &kComponent});

}  // namespace

std::unique_ptr<CoverageLaw> make_coverage_law(InputSection& s, double kB) {
  const std::string type = s.string(kType);
  auto law = CoverageLawFactory::find(type)->create(s, kB);
  law->set_origin(s.location());
  s.finish();
  return law;
}

std::unique_ptr<CoverageLaw> constant_coverage_law(double D) {
  return std::make_unique<Constant>(D);
}

std::unique_ptr<CoverageLaw> variational_coverage_law(const LatticeSpec& spec,
                                                      std::vector<double> coverages,
                                                      std::vector<double> temperatures, int axis) {
  return std::make_unique<Variational>(spec, std::move(coverages), std::move(temperatures), axis);
}

std::vector<double> default_table_coverages() { return chebyshev_coverages(kTablePoints); }

CoverageThermo::CoverageThermo(std::vector<double> site_energies, double Q, double kB)
    : E_(std::move(site_energies)), Q_(Q), kB_(kB) {
  if (E_.empty()) throw Error("coverage thermodynamics: no site energies");
}

double CoverageThermo::reduced_mu(double theta, double T) const {
  if (!(theta > 0 && theta < 1)) throw Error(fmt::format("coverage {:g} is outside (0, 1)", theta));
  const double s = static_cast<double>(E_.size());
  // n_A = 1/(1 + exp(e_A - u)); theta(u) increases with u, dtheta/du = chi. Start from the
  // mean energy's single-site inversion and take safeguarded Newton steps.
  double emin = E_.front(), emax = E_.front();
  for (double e : E_) {
    emin = std::min(emin, e);
    emax = std::max(emax, e);
  }
  const double logit = std::log(theta) - std::log1p(-theta);
  double lo = emin / (kB_ * T) + logit, hi = emax / (kB_ * T) + logit;
  double u = 0.5 * (lo + hi);
  for (int it = 0; it < 200; ++it) {
    double th = 0.0, chi = 0.0;
    for (double e : E_) {
      const double n = kernels::fermi_occupancy(e, u * kB_ * T, kB_, T);
      th += n / s;
      chi += n * (1.0 - n) / s;
    }
    (th < theta ? lo : hi) = u;
    double next = u - (th - theta) / chi;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (std::fabs(next - u) <= 1e-15 * std::max(1.0, std::fabs(u))) return next;
    u = next;
  }
  return u;
}

double CoverageThermo::lambda(double theta, double T) const {
  return reduced_mu(theta, T) + kernels::adatom_site_potential(Q_, 0.0, kB_, T);
}

double CoverageThermo::coverage(double lambda, double T) const {
  const double u = lambda - kernels::adatom_site_potential(Q_, 0.0, kB_, T);
  double th = 0.0;
  for (double e : E_) th += kernels::fermi_occupancy(e, u * kB_ * T, kB_, T);
  return th / static_cast<double>(E_.size());
}

kernels::CoverageCell CoverageThermo::cell(double theta, double T, const CoverageLaw& law) const {
  const double s = static_cast<double>(E_.size());
  const double u = reduced_mu(theta, T);
  double chi = 0.0, dchi_du = 0.0;
  for (double e : E_) {
    const double n = kernels::fermi_occupancy(e, u * kB_ * T, kB_, T);
    const double v = n * (1.0 - n);
    chi += v / s;
    dchi_du += (1.0 - 2.0 * n) * v / s;
  }
  kernels::CoverageCell c;
  c.theta = theta;
  c.D = law.value(theta, T);
  c.dD = law.d_theta(theta, T);
  c.lambda = u + kernels::adatom_site_potential(Q_, 0.0, kB_, T);
  c.dlambda = 1.0 / chi;
  c.m = chi / theta;
  // dchi/dtheta = (dchi/du) (du/dtheta), du/dtheta = 1/chi
  c.dm = (dchi_du / chi) / theta - chi / (theta * theta);
  return c;
}

}  // namespace td
