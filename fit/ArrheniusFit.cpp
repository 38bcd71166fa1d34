/// @file ArrheniusFit.cpp  `type = "arrhenius"`: D(T) = D0 exp(-E_a/(kB T)) from MSD
/// diffusivities at several temperatures. Fitted as ln D (relative errors
/// sigma_D / D); writes D0_<name>, E_a_<name>, their covariance and a law <name>.
#include <fmt/format.h>

#include <cmath>

#include "fit/FitTask.h"
#include "fit/Models.h"

namespace td::fit {

namespace {
using K = units::Kind;

const ParamSpec kName = name_spec("D");
const XyKeys kData =
    xy_keys(K::temperature, K::diffusivity, "temperatures T", "diffusivities D(T)");

class ArrheniusFit : public FitTask {
 public:
  explicit ArrheniusFit(InputSection& s) : kB_(s.units().kB()) {
    common_.read(s, kName);
    std::tie(data_, src_) = read_xy(s, kData);
    for (std::size_t i = 0; i < data_.size(); ++i)
      if (!(data_.x[i] > 0) || !(data_.y[i] > 0))
        s.fail(
            s.has("file") ? "file" : "y",
            fmt::format("point {}: T = {} and D = {} must be positive", i, data_.x[i], data_.y[i]));
  }

  void run(FitContext& ctx) override {
    Data d = data_;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (!d.sigma.empty()) d.sigma[i] /= d.y[i];
      d.y[i] = std::log(d.y[i]);
    }
    // ln D is linear in (ln D0, E_a): any start converges
    auto fit = [this](const Data& dd, FitPass pass) {
      return fit_curve(ArrheniusLn{kB_}, dd, {dd.y.front(), 0.0}, {"ln_D0", "E_a"},
                       "arrhenius " + common_.name, pass);
    };
    const FitResult r = fit(d, FitPass::main);
    const auto boot = common_.bootstrap > 0 ? bootstrap_sd(d, fit, common_.bootstrap, common_.seed)
                                            : std::vector<double>{};
    // D0 = exp(ln D0): first-order propagation, cov(D0, E_a) = D0 cov(ln D0, E_a)
    FitResult rD = r;
    const double D0 = std::exp(r.p[0]);
    rD.p[0] = D0;
    rD.cov(0, 0) *= D0 * D0;
    rD.cov(0, 1) *= D0;
    rD.cov(1, 0) *= D0;
    std::vector<double> bootD = boot;
    if (!bootD.empty()) bootD[0] *= D0;
    const std::string m = "Arrhenius fit of ln D against T, Ceres, covariance";
    const std::string n0 = "D0_" + common_.name, n1 = "E_a_" + common_.name;
    ctx.params.add(to_parameter(rD, 0, n0, K::diffusivity, m, src_, bootD));
    ctx.params.add(to_parameter(rD, 1, n1, K::energy, m, src_, bootD));
    ctx.params.laws.push_back(
        {common_.name, "arrhenius", {{"prefactor", n0}, {"activation_energy", n1}}});
    ctx.params.covariances.push_back(
        {common_.name, {n0, n1}, {{rD.cov(0, 0), rD.cov(0, 1)}, {rD.cov(1, 0), rD.cov(1, 1)}}});
    report_fit(ctx.json, d, r, [&](double t) { return ArrheniusLn{kB_}(t, r.p.data()); });
    ctx.json["xlabel"] = "T";
    ctx.json["ylabel"] = "ln D";
  }

 private:
  Data data_;
  std::string src_;
  double kB_;
};

std::unique_ptr<FitTask> create(InputSection& s) { return std::make_unique<ArrheniusFit>(s); }
FitTaskFactory::Registrar reg("arrhenius",
                              "D(T) = D0 exp(-E_a/(kB T)) from diffusivities (e.g. MSD) at "
                              "several temperatures, fitted as ln D (relative errors); writes "
                              "D0_<name>, E_a_<name>, their covariance and a law <name>.",
                              &create, key_registry::join({{&kName}, kData.all()}));
}  // namespace

}  // namespace td::fit
