/// @file SoretProfileFit.cpp  `type = "soret_profile"`: S_T from ln c against T over the
/// region between the thermostatted slabs (PHYSICS.md 3). Profiles are fix ave/chunk files
/// (md/Readers.h): temperature from one file, solute concentration from another (or the
/// same); bins inside a slab (widened by `margin`) are excluded from the known geometry.
#include <fmt/format.h>

#include <cmath>

#include "md/Readers.h"
#include "solver/fit/FitTask.h"
#include "solver/fit/Models.h"

namespace td::fit {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kTFile{"temperature_file",
                       T::String,
                       "",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "fix ave/chunk file with the temperature profile"};
const ParamSpec kTCol{"temperature_column",    T::String,    "\"temp\"",
                      K::dimensionless,        Range::any(), {},
                      "its temperature column"};
const ParamSpec kCFile{"concentration_file",
                       T::String,
                       "",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "fix ave/chunk file with the solute profile"};
const ParamSpec kSlabs{"slabs",
                       T::RealArray,
                       "",
                       K::length,
                       Range::any(),
                       {},
                       "thermostatted slabs as [lo1, hi1, lo2, hi2, ...]"};
const ParamSpec kMargin{"margin",
                        T::Real,
                        "0.0",
                        K::length,
                        Range::non_negative(),
                        {},
                        "extra width excluded on each side of a slab"};
const ParamSpec kTref{"T_ref",
                      T::Real,
                      "0.0",
                      K::temperature,
                      Range::non_negative(),
                      {},
                      "reference temperature of ln c_ref (0: mean of the fitted bins)"};

class SoretProfile : public FitTask {
 public:
  explicit SoretProfile(InputSection& s) {
    common_.read(s, "S_T");
    tfile_ = input_path(s, s.string(kTFile));
    cfile_ = input_path(s, s.string(kCFile));
    tcol_ = s.string(kTCol);
    ccol_ = s.string(chunk_concentration_column_spec());
    xcol_ = s.string(chunk_coordinate_column_spec());
    skip_ = static_cast<std::size_t>(s.integer(chunk_skip_blocks_spec()));
    slabs_ = s.reals(kSlabs);
    if (slabs_.empty() || slabs_.size() % 2 != 0)
      s.fail("slabs", fmt::format("expected pairs [lo, hi, ...], got {} numbers", slabs_.size()));
    for (std::size_t i = 0; i < slabs_.size(); i += 2)
      if (!(slabs_[i + 1] > slabs_[i]))
        s.fail("slabs", fmt::format("slab {} has hi {} <= lo {}", i / 2, slabs_[i + 1], slabs_[i]));
    margin_ = s.real(kMargin);
    T_ref_ = s.real(kTref);
  }

  void run(FitContext& ctx) override {
    const auto Tprof = md::average_blocks(md::read_ave_chunk(tfile_), skip_, tfile_);
    const auto Cprof = md::average_blocks(md::read_ave_chunk(cfile_), skip_, cfile_);
    const auto z = Tprof.col(xcol_), Tz = Tprof.col(tcol_);
    const auto zc = Cprof.col(xcol_), c = Cprof.col(ccol_);
    if (z.size() != zc.size())
      throw IoError(
          fmt::format("{} has {} bins but {} has {}", tfile_, z.size(), cfile_, zc.size()));
    Data d;
    std::vector<double> zs;
    int excluded = 0;
    for (std::size_t i = 0; i < z.size(); ++i) {
      if (std::abs(z[i] - zc[i]) > 1e-9 * (1.0 + std::abs(z[i])))
        throw IoError(fmt::format("{} and {}: bin {} centres differ ({} vs {})", tfile_, cfile_,
                                  i + 1, z[i], zc[i]));
      bool in_slab = false;
      for (std::size_t k = 0; k < slabs_.size(); k += 2)
        in_slab |= z[i] >= slabs_[k] - margin_ && z[i] <= slabs_[k + 1] + margin_;
      if (in_slab || !(c[i] > 0.0)) {
        ++excluded;
        continue;
      }
      d.x.push_back(Tz[i]);
      d.y.push_back(std::log(c[i]));
      zs.push_back(z[i]);
    }
    double Tm = T_ref_;
    if (Tm == 0.0) {
      for (double t : d.x) Tm += t;
      Tm /= static_cast<double>(std::max<std::size_t>(d.size(), 1));
    }
    auto fit = [Tm, this](const Data& dd) {
      return fit_curve(SoretLnC{Tm}, dd, {0.0, 0.0}, {"ln_c_ref", common_.name},
                       "soret_profile " + common_.name);
    };
    const FitResult r = fit(d);
    const auto boot = common_.bootstrap > 0 ? bootstrap_sd(d, fit, common_.bootstrap, common_.seed)
                                            : std::vector<double>{};
    const std::string src = tfile_ == cfile_ ? tfile_ : tfile_ + ", " + cfile_;
    ctx.params.add(to_parameter(r, 1, common_.name, K::inverse_temperature,
                                "slope of ln c against T between the thermostatted slabs "
                                "(ln c = ln c_ref - S_T (T - T_ref)), Ceres, covariance",
                                src, boot));
    report_fit(ctx.json, d, r, [&](double t) { return SoretLnC{Tm}(t, r.p.data()); });
    ctx.json["z"] = zs;
    ctx.json["excluded_bins"] = excluded;
    ctx.json["T_ref"] = Tm;
    ctx.json["xlabel"] = "T";
    ctx.json["ylabel"] = "ln c";
  }

 private:
  TaskCommon common_;
  std::string tfile_, cfile_, tcol_, ccol_, xcol_;
  std::size_t skip_ = 0;
  std::vector<double> slabs_;
  double margin_ = 0.0, T_ref_ = 0.0;
};

std::unique_ptr<FitTask> create(InputSection& s) { return std::make_unique<SoretProfile>(s); }
FitTaskFactory::Registrar reg("soret_profile", "S_T from ln c vs T between thermostatted slabs",
                              &create);
}  // namespace

}  // namespace td::fit
