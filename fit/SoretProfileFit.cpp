/// @file SoretProfileFit.cpp  `type = "soret_profile"`: S_T from ln c against T over the
/// region between the thermostatted slabs. Profiles are fix ave/chunk files
/// (io/Readers.h): temperature from one file, solute concentration from another (or the
/// same); bins inside a slab (widened by `margin`) are excluded from the known geometry.
/// With `replicas = N`, N file pairs (names with {i}) are fitted separately and S_T is their
/// mean (uncertainty sd/sqrt(N); the sd over replicas is in the method text and report).
/// Bin centres and temperatures are converted from the files' LAMMPS unit style
/// (`lammps_units`: lj, real or metal) into the case's units through io/LammpsUnits.h, so
/// `slabs`, `margin`, `T_ref` and S_T are in the case's units.
#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "fit/FitTask.h"
#include "fit/Models.h"
#include "io/Readers.h"

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

const ParamSpec kReplicas{"replicas",
                          T::Integer,
                          "1",
                          K::dimensionless,
                          Range::closed(1, 10000),
                          {},
                          "independent runs: the file names contain {i} (0 .. replicas-1); "
                          "S_T = mean of the replica fits, uncertainty = sd/sqrt(replicas)"};
const ParamSpec kName = name_spec("S_T");

class SoretProfile : public FitTask {
 public:
  explicit SoretProfile(InputSection& s) {
    common_.read(s, kName);
    tfile_ = input_path(s, s.string(kTFile));
    cfile_ = input_path(s, s.string(kCFile));
    tcol_ = s.string(kTCol);
    ccol_ = s.string(chunk_concentration_column_spec());
    xcol_ = s.string(chunk_coordinate_column_spec());
    units_.emplace(chunk_units(s));
    at_tfile_ = s.location(kTFile.key);
    at_cfile_ = s.location(kCFile.key);
    skip_ = static_cast<std::size_t>(s.integer(chunk_skip_blocks_spec()));
    slabs_ = s.reals(kSlabs);
    if (slabs_.empty() || slabs_.size() % 2 != 0)
      s.fail("slabs", fmt::format("expected pairs [lo, hi, ...], got {} numbers", slabs_.size()));
    for (std::size_t i = 0; i < slabs_.size(); i += 2)
      if (!(slabs_[i + 1] > slabs_[i]))
        s.fail("slabs", fmt::format("slab {} has hi {} <= lo {}", i / 2, slabs_[i + 1], slabs_[i]));
    margin_ = s.real(kMargin);
    at_margin_ = s.location(kMargin.key);
    T_ref_ = s.real(kTref);
    replicas_ = s.integer(kReplicas);
    if (replicas_ > 1) {
      const char* need = "with replicas > 1 the file name must contain {i} (the replica index)";
      if (tfile_.find("{i}") == std::string::npos) s.fail("temperature_file", need);
      if (cfile_.find("{i}") == std::string::npos) s.fail("concentration_file", need);
      if (common_.bootstrap > 0)
        s.fail("bootstrap", "with replicas > 1 the uncertainty comes from the replica spread");
    }
  }

  void run(FitContext& ctx) override {
    if (replicas_ > 1) return run_replicas(ctx);
    const Profile pr = load(tfile_, cfile_);
    auto fit = [&pr, this](const Data& dd, FitPass pass) { return fit_line_T(dd, pr.Tm, pass); };
    const FitResult r = fit(pr.d, FitPass::main);
    const auto boot = common_.bootstrap > 0
                          ? bootstrap_sd(pr.d, fit, common_.bootstrap, common_.seed)
                          : std::vector<double>{};
    const std::string src = tfile_ == cfile_ ? tfile_ : tfile_ + ", " + cfile_;
    ctx.params.add(to_parameter(r, 1, common_.name, K::inverse_temperature, kMethod, src, boot));
    report_fit(ctx.json, pr.d, r, [&](double t) { return SoretLnC{pr.Tm}(t, r.p.data()); });
    ctx.json["z"] = pr.z;
    ctx.json["excluded_bins"] = pr.excluded;
    warn_empty(ctx, pr, cfile_);
    ctx.json["T_ref"] = pr.Tm;
    ctx.json["xlabel"] = "T";
    ctx.json["ylabel"] = "ln c";
  }

 private:
  static constexpr const char* kMethod =
      "slope of ln c against T between the thermostatted slabs "
      "(ln c = ln c_ref - S_T (T - T_ref)), Ceres, covariance";

  /// ln c against T outside the slabs, with the bin positions kept.
  struct Profile {
    Data d;
    std::vector<double> z;
    int excluded = 0;
    std::vector<double> empty_z;  ///< bins outside the slabs with c <= 0 (ln c undefined)
    double Tm = 0.0;  ///< T_ref of the fit
  };

  Profile load(const std::string& tfile, const std::string& cfile) const {
    // errors in a file (missing, malformed, without a column) name the key that gave it
    const auto Tprof = at_key(
        at_tfile_, [&] { return md::average_blocks(md::read_ave_chunk(tfile), skip_, tfile); });
    const auto Cprof = at_key(
        at_cfile_, [&] { return md::average_blocks(md::read_ave_chunk(cfile), skip_, cfile); });
    const std::string how = fmt::format("lammps_units = \"{}\"", units_->style());
    check_file_units(at_tfile_, tfile, Tprof.units, units_->units_name(), how);
    check_file_units(at_cfile_, cfile, Cprof.units, units_->units_name(), how);
    const auto z = to_case(at_key(at_tfile_, [&] { return Tprof.col(xcol_); }), K::length);
    const auto Tz = to_case(at_key(at_tfile_, [&] { return Tprof.col(tcol_); }), K::temperature);
    const auto zc = to_case(at_key(at_cfile_, [&] { return Cprof.col(xcol_); }), K::length);
    const auto c = at_key(at_cfile_, [&] { return Cprof.col(ccol_); });
    if (z.size() != zc.size())
      throw InputError(at_cfile_, fmt::format("{} has {} bins but {} has {}", tfile, z.size(),
                                              cfile, zc.size()));
    Profile pr;
    for (std::size_t i = 0; i < z.size(); ++i) {
      if (std::abs(z[i] - zc[i]) > 1e-9 * (1.0 + std::abs(z[i])))
        throw InputError(at_cfile_, fmt::format("{} and {}: bin {} centres differ ({} vs {})",
                                                tfile, cfile, i + 1, z[i], zc[i]));
      bool in_slab = false;
      for (std::size_t k = 0; k < slabs_.size(); k += 2)
        in_slab |= z[i] >= slabs_[k] - margin_ && z[i] <= slabs_[k + 1] + margin_;
      if (in_slab || !(c[i] > 0.0)) {
        ++pr.excluded;
        if (!in_slab) pr.empty_z.push_back(z[i]);
        continue;
      }
      // Ceres would stop on it with "did not converge", blaming the fit for the data
      if (!std::isfinite(Tz[i]) || !std::isfinite(c[i]))
        throw InputError(
            std::isfinite(Tz[i]) ? at_cfile_ : at_tfile_,
            fmt::format("{}: bin {} at {} has T = {} and c = {}: not a finite "
                        "number (averaged over the blocks used)",
                        std::isfinite(Tz[i]) ? cfile : tfile, i + 1, z[i], Tz[i], c[i]));
      pr.d.x.push_back(Tz[i]);
      pr.d.y.push_back(std::log(c[i]));
      pr.z.push_back(z[i]);
    }
    // Fewer bins than the line needs is a choice of the input (slabs, margin) or empty bins:
    // said at margin, with the counts, not as a fit that cannot be determined.
    if (pr.d.size() <= kLineParameters) {
      const std::size_t in_slabs = pr.excluded - pr.empty_z.size();
      throw InputError(
          at_margin_,
          fmt::format("{} bins of {} are left for the fit, which needs more than {}: {} lie in "
                      "the slabs widened by margin = {:g}, {} have c <= 0",
                      pr.d.size(), z.size(), kLineParameters, in_slabs, margin_,
                      pr.empty_z.size()));
    }
    pr.Tm = T_ref_;
    if (pr.Tm == 0.0) {
      for (double t : pr.d.x) pr.Tm += t;
      pr.Tm /= static_cast<double>(std::max<std::size_t>(pr.d.size(), 1));
    }
    return pr;
  }

  /// Say which bins outside the slabs the fit left out for a concentration <= 0 (no
  /// particle there over the blocks used: ln c is undefined).
  void warn_empty(FitContext& ctx, const Profile& pr, const std::string& cfile) const {
    if (pr.empty_z.empty()) return;
    std::string at;
    for (double z : pr.empty_z) at += fmt::format("{}{:g}", at.empty() ? "" : ", ", z);
    ctx.warn(
        fmt::format("soret_profile {}: {} bin(s) of {} outside the slabs have c <= 0 (no "
                    "particle over the blocks used) and were left out of the fit, at {}",
                    common_.name, pr.empty_z.size(), cfile, at));
  }

  /// LAMMPS numbers of kind @p k -> the case's units.
  std::vector<double> to_case(std::vector<double> v, K k) const {
    for (double& x : v) x = units_->from_lammps(x, k);
    return v;
  }

  /// Parameters of the line ln c = ln c_ref - S_T (T - Tm).
  static constexpr std::size_t kLineParameters = 2;

  FitResult fit_line_T(const Data& d, double Tm, FitPass pass = FitPass::main) const {
    return fit_curve(SoretLnC{Tm}, d, {0.0, 0.0}, {"ln_c_ref", common_.name},
                     "soret_profile " + common_.name, pass);
  }

  /// Replica i's file: @p pattern with "{i}" replaced by i.
  static std::string replica_file(std::string pattern, long i) {
    return pattern.replace(pattern.find("{i}"), 3, std::to_string(i));
  }

  /// One fit per replica; S_T = mean, uncertainty = sd / sqrt(N) (the error bars of Araujo-Rocha et
  /// al. (2023) are the sd over replicas: reported beside it).
  void run_replicas(FitContext& ctx) {
    std::vector<double> st, se;
    std::string src;
    for (long i = 0; i < replicas_; ++i) {
      const std::string tf = replica_file(tfile_, i), cf = replica_file(cfile_, i);
      const Profile pr = load(tf, cf);
      warn_empty(ctx, pr, cf);
      const FitResult r = fit_line_T(pr.d, pr.Tm);
      st.push_back(r.p[1]);
      se.push_back(r.se(1));
      src += (src.empty() ? "" : ", ") + (tf == cf ? tf : tf + " + " + cf);
    }
    const double n = static_cast<double>(replicas_);
    double mean = 0, var = 0;
    for (double v : st) mean += v / n;
    for (double v : st) var += (v - mean) * (v - mean) / (n - 1);
    FittedParameter p;
    p.name = common_.name;
    p.kind = K::inverse_temperature;
    p.value = mean;
    p.uncertainty = std::sqrt(var / n);
    p.method = fmt::format(
        "mean over {} replicas of the {}; uncertainty = sd/sqrt(replicas), sd over replicas = "
        "{:.6g}",
        replicas_, kMethod, std::sqrt(var));
    p.source = src;
    ctx.params.add(p);
    ctx.json["replica_S_T"] = st;
    ctx.json["replica_se"] = se;
    ctx.json["mean"] = mean;
    ctx.json["sd"] = std::sqrt(var);
    ctx.json["sem"] = p.uncertainty;
  }

  std::string tfile_, cfile_, tcol_, ccol_, xcol_;
  SourceLocation at_tfile_, at_cfile_;  ///< where the two files were named
  SourceLocation at_margin_;            ///< where margin was given (or its table)
  std::size_t skip_ = 0;
  std::vector<double> slabs_;
  double margin_ = 0.0, T_ref_ = 0.0;
  long replicas_ = 1;
  std::optional<md::LammpsUnits> units_;  ///< the chunk files' style (set in the constructor)
};

std::unique_ptr<FitTask> create(InputSection& s) { return std::make_unique<SoretProfile>(s); }
FitTaskFactory::Registrar reg(
    "soret_profile",
    "S_T from the slope of ln c against T over the region between thermostatted slabs, from "
    "LAMMPS fix ave/chunk profiles: temperature from one file, solute concentration from "
    "another (or the same); bins inside a slab widened by `margin` are left out. With "
    "`replicas = N`, N file pairs (names with {i}) are fitted separately and S_T is their mean "
    "(uncertainty sd/sqrt(N)). Bin centres and temperatures are converted from the files' "
    "LAMMPS unit style `lammps_units` (lj, real, metal) into the case's units.",
    &create,
    {&kName, &kTFile, &kCFile, &kTCol, &chunk_concentration_column_spec(),
     &chunk_coordinate_column_spec(), &chunk_skip_blocks_spec(), &chunk_units_spec(), &kSlabs,
     &kMargin, &kTref, &kReplicas});
}  // namespace

}  // namespace td::fit
