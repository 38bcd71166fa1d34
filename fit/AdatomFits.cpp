/// @file AdatomFits.cpp  Heat of transport Q and migration barrier E_m of an adatom
/// (the transition-state landscape of the adatom rate model "analytic"):
///  - `type = "adatom_phi"`: from the thermodynamic potential Phi(x0) of constrained-adatom
///    integration along a linear T(x) (model fit::AdatomPhi);
///  - `type = "adatom_drift"`: from mean drift velocities against the gradient
///    (model fit::AdatomDrift, D and T known).
/// Both write Q_<name> and E_m_<name> (energies) with their covariance.
#include <fmt/format.h>

#include "fit/FitTask.h"
#include "fit/Models.h"

namespace td::fit {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kA{"lattice_spacing",
                   T::Real,
                   "",
                   K::length,
                   Range::positive(),
                   {},
                   "distance a between neighbouring adsorption minima along x"};
const ParamSpec kTref{
    "T_ref", T::Real, "", K::temperature, Range::positive(), {}, "temperature at x_ref"};
const ParamSpec kGradient{"gradient",
                          T::Real,
                          "",
                          K::temperature_gradient,
                          Range::any(),
                          {},
                          "dT/dx of the substrate (linear profile)"};
const ParamSpec kXref{"x_ref", T::Real, "0.0", K::length, Range::any(), {}, "position of T_ref"};
const ParamSpec kTemperature{"temperature",
                             T::Real,
                             "",
                             K::temperature,
                             Range::positive(),
                             {},
                             "mean temperature of the drift runs"};
const ParamSpec kDiffusivity{"diffusivity",
                             T::Real,
                             "",
                             K::diffusivity,
                             Range::positive(),
                             {},
                             "adatom diffusion coefficient D(T) at that temperature"};
const ParamSpec kPhiName = name_spec("adatom");
const ParamSpec kDriftName = name_spec("drift");
const XyKeys kPhiData =
    xy_keys(K::length, K::dimensionless, "constraint positions x0", "Phi(x0) (dimensionless)");
const XyKeys kDriftData =
    xy_keys(K::temperature_gradient, K::velocity, "temperature gradients", "mean drift velocities");

/// Store Q and E_m (parameters iq, iq+1 of @p r) and their covariance.
void store_q_em(FitContext& ctx, const FitResult& r, std::size_t iq, const TaskCommon& c,
                const std::string& method, const std::string& src,
                const std::vector<double>& boot) {
  const std::string nq = "Q_" + c.name, ne = "E_m_" + c.name;
  ctx.params.add(to_parameter(r, iq, nq, K::energy, method, src, boot));
  ctx.params.add(to_parameter(r, iq + 1, ne, K::energy, method, src, boot));
  ctx.params.covariances.push_back(
      {c.name,
       {nq, ne},
       {{r.cov(iq, iq), r.cov(iq, iq + 1)}, {r.cov(iq + 1, iq), r.cov(iq + 1, iq + 1)}}});
}

class AdatomPhiFit : public FitTask {
 public:
  explicit AdatomPhiFit(InputSection& s) {
    common_.read(s, kPhiName);
    m_.kB = s.units().kB();
    m_.a = s.real(kA);
    m_.T0 = s.real(kTref);
    m_.G = s.real(kGradient);
    m_.x_ref = s.real(kXref);
    std::tie(data_, src_) = read_xy(s, kPhiData);
    for (double x : data_.x)
      if (!(m_.T0 + m_.G * (x - m_.x_ref) > 0))
        s.fail("gradient", fmt::format("T(x) <= 0 at x = {} inside the data", x));
  }

  void run(FitContext& ctx) override {
    // starting phase: the position of the lowest point
    std::size_t imin = 0;
    for (std::size_t i = 0; i < data_.size(); ++i)
      if (data_.y[i] < data_.y[imin]) imin = i;
    auto fit = [this, imin](const Data& d) {
      return fit_curve(m_, d, {0.0, 1.0, 0.1, data_.x[imin]}, {"C", "Q", "E_m", "x_m"},
                       "adatom_phi " + common_.name);
    };
    const FitResult r = fit(data_);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(data_, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    store_q_em(ctx, r, 1, common_,
               "fit of Phi(x0) = C - Q/(kB T) + E_m/(kB T) (1 - cos(2 pi (x0 - x_m)/a))/2, "
               "Ceres, covariance",
               src_, boot);
    report_fit(ctx.json, data_, r, [&](double x) { return m_(x, r.p.data()); });
    ctx.json["xlabel"] = "x0";
    ctx.json["ylabel"] = "Phi";
  }

 private:
  TaskCommon common_;
  AdatomPhi m_;
  Data data_;
  std::string src_;
};

class AdatomDriftFit : public FitTask {
 public:
  explicit AdatomDriftFit(InputSection& s) {
    common_.read(s, kDriftName);
    m_.kB = s.units().kB();
    m_.a = s.real(kA);
    m_.Tm = s.real(kTemperature);
    m_.D = s.real(kDiffusivity);
    std::tie(data_, src_) = read_xy(s, kDriftData);
  }

  void run(FitContext& ctx) override {
    // start: Q from the linear regime, v ~ -D Q G / (kB T^2)
    const FitResult l = fit_line(data_, "adatom_drift start");
    const double q0 = -l.p[1] * m_.kB * m_.Tm * m_.Tm / m_.D;
    auto fit = [this, q0](const Data& d) {
      return fit_curve(m_, d, {q0, 0.0}, {"Q", "E_m"}, "adatom_drift " + common_.name);
    };
    const FitResult r = fit(data_);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(data_, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    store_q_em(ctx, r, 0, common_,
               "fit of v = -D exp(-a (Q - E_m) G/(2 kB T^2)) Q G/(kB T^2), Ceres, covariance", src_,
               boot);
    report_fit(ctx.json, data_, r, [&](double g) { return m_(g, r.p.data()); });
    ctx.json["xlabel"] = "dT/dx";
    ctx.json["ylabel"] = "v";
  }

 private:
  TaskCommon common_;
  AdatomDrift m_;
  Data data_;
  std::string src_;
};

std::unique_ptr<FitTask> create_phi(InputSection& s) { return std::make_unique<AdatomPhiFit>(s); }
std::unique_ptr<FitTask> create_drift(InputSection& s) {
  return std::make_unique<AdatomDriftFit>(s);
}
FitTaskFactory::Registrar reg1(
    "adatom_phi",
    "Q and E_m of an adatom from the potential Phi(x0) of constrained-adatom thermodynamic "
    "integration along a linear T(x): Phi(x0) = C - Q/(kB T) + E_m/(kB T) (1 - cos(2 pi "
    "(x0 - x_m)/a))/2; writes Q_<name> and E_m_<name> with their covariance.",
    &create_phi,
    key_registry::join({{&kPhiName, &kA, &kTref, &kGradient, &kXref}, kPhiData.all()}));
FitTaskFactory::Registrar reg2(
    "adatom_drift",
    "Q and E_m of an adatom from mean drift velocities against the temperature gradient (D and "
    "T known): v = -D exp(-a (Q - E_m) G/(2 kB T^2)) Q G/(kB T^2); writes Q_<name> and "
    "E_m_<name> with their covariance.",
    &create_drift,
    key_registry::join({{&kDriftName, &kA, &kTemperature, &kDiffusivity}, kDriftData.all()}));
}  // namespace

}  // namespace td::fit
