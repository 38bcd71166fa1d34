/// @file MsdShortTime.cpp  `type = "msd_short_time"`: the short-time motion of solute and
/// solvent in a liquid system (the [md.system] source) at one temperature. After the
/// equilibration the run is NVE (no thermostat acts on the motion measured); MSD(t) of both
/// groups on log-spaced lags from one time step to `max_lag` (md/ShortTimeMsd.h), over
/// `origins` consecutive time origins (mean and sd/sqrt(origins)), and the ratio
/// MSD_solute/MSD_solvent per origin (mean and its error), in particular at `short_lag`.
/// docs/md.md ("Short-time motion"); docs/theory.md#equilibrium-soret.
#include <fmt/format.h>

#include <cmath>

#include "io/Readers.h"
#include "io/TextFile.h"
#include "md/Lammps.h"
#include "md/Setup.h"
#include "md/ShortTimeMsd.h"
#include "md/System.h"

namespace td::md {

namespace {
using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kMaxLag{
    "max_lag",
    T::Real,
    "10.0",
    K::time,
    Range::positive(),
    {},
    "longest lag of MSD(t), in the diffusive regime (default 10 tau in LJ units, else "
    "5000 time steps)"};
const ParamSpec kPerDecade{"lags_per_decade",
                           T::Integer,
                           "10",
                           K::dimensionless,
                           Range::closed(1, 100),
                           {},
                           "log-spaced lags per decade of time (from one time step)"};
const ParamSpec kShortLag{"short_lag",
                          T::Real,
                          "0.1",
                          K::time,
                          Range::positive(),
                          {},
                          "lag of the short-time amplitude MSD_solute/MSD_solvent, a multiple "
                          "of the time step and at most max_lag (default 0.1 tau in LJ units, "
                          "else 50 time steps)"};
const ParamSpec kOrigins{"origins",
                         T::Integer,
                         "8",
                         K::dimensionless,
                         Range::closed(2, 1e6),
                         {},
                         "consecutive independent time origins (each runs max_lag)"};

/// Defaults of max_lag and short_lag in time steps for a case in SI.
constexpr double kSiMaxSteps = 5000, kSiShortSteps = 50;
/// Relative tolerance of "a whole number of time steps".
constexpr double kStepTolerance = 1e-6;

class MsdShortTime : public MdSetup {
 public:
  explicit MsdShortTime(InputSection& s) : src_(make_system_source(s)) {
    run_.read(s, src_->units());
    // LJ defaults mean nothing in SI (10 s is no lag): there they are counted in time steps
    const bool lj = s.units().is_reduced();
    const double dt = run_.timestep;
    const double max_lag =
        s.real(kMaxLag, lj ? kMaxLag.default_value : fmt::format("{:.17g}", kSiMaxSteps * dt));
    const double short_lag = s.real(
        kShortLag, lj ? kShortLag.default_value : fmt::format("{:.17g}", kSiShortSteps * dt));
    per_decade_ = static_cast<int>(s.integer(kPerDecade));
    origins_ = s.integer(kOrigins);
    auto steps_of = [&](double t, const char* key) {
      const double n = t / dt;
      if (std::abs(n - std::round(n)) > kStepTolerance * n || std::round(n) < 1)
        s.fail(key, fmt::format("{} is not a whole number (>= 1) of time steps {}", t, dt));
      return std::lround(n);
    };
    max_steps_ = steps_of(max_lag, "max_lag");
    short_steps_ = steps_of(short_lag, "short_lag");
    if (short_steps_ > max_steps_)
      s.fail("short_lag", fmt::format("{} is longer than max_lag = {}", short_lag, max_lag));
    lags_ = log_lag_steps(max_steps_, per_decade_, {short_steps_});
  }

  long planned_steps() const override { return run_.steps() + origins_ * max_steps_; }

  std::vector<std::string> outputs(const std::string& prefix) const override {
    std::vector<std::string> files{prefix + "msd.dat", prefix + "msd_origins.dat",
                                   prefix + "short_time.dat"};
    if (run_.pressure) files.push_back(prefix + "npt.dat");
    return with_lammps_records(prefix, files);
  }

  std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    const LammpsUnits& u = src_->units();
    std::vector<std::string> files;
    std::vector<std::vector<double>> ratio;  // [origin][lag]
    MsdLags m;
    {
      Lammps lmp(comm, prefix, steps());
      lmp.require_styles(required_styles());
      if (const auto e = run_.equilibrate(lmp, *src_, false)) {
        files.push_back(prefix + "npt.dat");
        write_equilibrated(comm, files.back(), *e, *src_, run_);
      }
      // NVE: a thermostat would act on the very motion measured
      lmp.command("fix md_nve all nve");
      m = sample_msd_lags(lmp, {"solute", "solvent"}, lags_, origins_);
    }
    for (long o = 0; o < origins_; ++o) {
      const auto& a = m.values[0][static_cast<std::size_t>(o)];
      const auto& b = m.values[1][static_cast<std::size_t>(o)];
      std::vector<double> r(a.size());
      for (std::size_t l = 0; l < a.size(); ++l) r[l] = a[l] / b[l];
      ratio.push_back(r);
    }
    const MeanErr s = mean_over_origins(m.values[0]), v = mean_over_origins(m.values[1]),
                  q = mean_over_origins(ratio);
    const double dt = u.to_lammps(run_.timestep, K::time);
    auto t_of = [&](long steps) { return u.from_lammps(static_cast<double>(steps) * dt, K::time); };
    auto a_of = [&](double msd) { return u.from_lammps(msd, K::area); };
    const std::string tl = u.case_label(K::time), al = u.case_label(K::area);
    const std::string units = units_line(u.case_units().name());
    files.push_back(prefix + "msd.dat");
    files.push_back(prefix + "msd_origins.dat");
    files.push_back(prefix + "short_time.dat");
    std::size_t ishort = 0;
    for (std::size_t l = 0; l < lags_.size(); ++l)
      if (lags_[l] == short_steps_) ishort = l;
    if (rank == 0) {
      std::string text = fmt::format(
          "# MSD(t) of solute and solvent (compute msd, com no), NVE after equilibration at T = "
          "{}; mean over {} consecutive origins, err = sd/sqrt(origins); ratio = "
          "MSD_solute/MSD_solvent per origin, mean and err; t in {}, MSD in {}\n"
          "{}# t msd_solute msd_solute_err msd_solvent msd_solvent_err ratio ratio_err\n",
          run_.temperature, origins_, tl, al, units);
      std::string per = fmt::format(
          "# MSD per origin; t in {}, MSD in {}\n{}# origin t msd_solute "
          "msd_solvent\n",
          tl, al, units);
      for (std::size_t l = 0; l < lags_.size(); ++l)
        text += fmt::format("{:.10g} {:.10g} {:.10g} {:.10g} {:.10g} {:.10g} {:.10g}\n",
                            t_of(lags_[l]), a_of(s.mean[l]), a_of(s.err[l]), a_of(v.mean[l]),
                            a_of(v.err[l]), q.mean[l], q.err[l]);
      for (long o = 0; o < origins_; ++o)
        for (std::size_t l = 0; l < lags_.size(); ++l)
          per += fmt::format("{} {:.10g} {:.10g} {:.10g}\n", o, t_of(lags_[l]),
                             a_of(m.values[0][static_cast<std::size_t>(o)][l]),
                             a_of(m.values[1][static_cast<std::size_t>(o)][l]));
      write_text_file(files[files.size() - 3], text);
      write_text_file(files[files.size() - 2], per);
      write_text_file(
          files.back(),
          fmt::format("# short-time amplitude: MSD_solute/MSD_solvent at the lag t = short_lag "
                      "(mean over {} origins and err); t in {}, MSD in {}\n"
                      "{}# t ratio ratio_err msd_solute msd_solute_err msd_solvent "
                      "msd_solvent_err\n{:.10g} {:.10g} {:.10g} {:.10g} {:.10g} {:.10g} {:.10g}\n",
                      origins_, tl, al, units, t_of(lags_[ishort]), q.mean[ishort], q.err[ishort],
                      a_of(s.mean[ishort]), a_of(s.err[ishort]), a_of(v.mean[ishort]),
                      a_of(v.err[ishort])));
      fmt::print("msd_short_time: MSD_solute/MSD_solvent at t = {:g} {}: {:.5g} +- {:.2g}\n",
                 t_of(lags_[ishort]), tl, q.mean[ishort], q.err[ishort]);
    }
    return files;
  }

 private:
  std::shared_ptr<const SystemSource> src_;
  MdRun run_;
  int per_decade_ = 10;
  long origins_ = 8, max_steps_ = 0, short_steps_ = 0;
  std::vector<long> lags_;
};

std::unique_ptr<MdSetup> create(InputSection& s) { return std::make_unique<MsdShortTime>(s); }
MdSetupFactory::Registrar reg(
    "msd_short_time",
    "Short-time motion of solute and solvent in a liquid system from [md.system] at "
    "`temperature` (optional NPT first): after the equilibration, NVE; MSD(t) of both groups "
    "(compute msd, com no) on log-spaced lags from one time step to `max_lag` over `origins` "
    "consecutive time origins (mean, err = sd/sqrt(origins)) and the ratio "
    "MSD_solute/MSD_solvent, in particular at `short_lag`. Writes <prefix>msd.dat, "
    "<prefix>msd_origins.dat and <prefix>short_time.dat.",
    &create, key_registry::join({MdRun::keys(), {&kMaxLag, &kPerDecade, &kShortLag, &kOrigins}}));
}  // namespace

}  // namespace td::md
