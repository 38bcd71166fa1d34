/// @file cmd_soret.cpp  `thermodrift soret FILE`: the local-equilibrium Soret coefficient of a
/// set of internal states over a temperature range (PHYSICS.md 2.2): <D>_eq, S_T = d ln <D>/dT,
/// its covariance form, the Einstein split S_T^0 + S_T^ch, and the temperatures where S_T
/// changes sign. Physics in models/MultiState; this file reads, evaluates, prints.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "drivers/Command.h"
#include "fv/Case.h"
#include "models/MultiState.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kTmin{"T_min", T::Real, "", K::temperature, Range::positive(), {},
                      "lowest temperature of the scan"};
const ParamSpec kTmax{"T_max", T::Real, "", K::temperature, Range::positive(), {},
                      "highest temperature of the scan"};
const ParamSpec kPoints{"points",
                        T::Integer,
                        "101",
                        K::dimensionless,
                        Range::closed(2, 1e6),
                        {},
                        "temperatures in the scan (evenly spaced)"};

const KeyDeclaration kRangeKeys(
    {"range",
     "",
     "soret",
     "Temperature scan of `thermodrift soret` (with `[units]` and `[[states]]` as "
     "`[[species.states]]`): prints T, <D>_eq, S_T = d ln <D>_eq/dT (Richardson-extrapolated "
     "differences), its covariance form <D'>/<D> + Cov_eq(H, D)/(<D> k_B T^2), the split "
     "S_T^0 = <D'>/<D> and S_T^ch, and every temperature where S_T changes sign.",
     {&kTmin, &kTmax, &kPoints}});

/// Temperature in (a, b) where S_T vanishes, by bisection (S_T(a), S_T(b) of opposite sign).
double sign_change(const StateSet& st, double a, double b) {
  double fa = analyse_soret(st, a).S_T_cov;
  for (int it = 0; it < 100 && b - a > 1e-13 * b; ++it) {
    const double m = 0.5 * (a + b), fm = analyse_soret(st, m).S_T_cov;
    if ((fm < 0) == (fa < 0)) {
      a = m;
      fa = fm;
    } else {
      b = m;
    }
  }
  return 0.5 * (a + b);
}

class Soret : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML file: [units], [[states]] as in a multi-state species, "
                                   "[range] T_min, T_max, points")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_flag("--json", json_, "print JSON");
    sub.add_option("-o,--output", out_, "also write the JSON to this file (for plotting)");
    sub.add_option("--plot", plot_, "draw S_T(T) with its sign changes into this PNG "
                                    "(needs python3-matplotlib)");
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    InputSection root = InputSection::parse_file(file_);
    const auto units = read_units(root);
    StateSet st = read_states(root, "states", units.kB());
    if (st.size() == 0) root.fail("states", "at least one [[states]] table is required");
    InputSection r = root.section("range");
    const double lo = r.real(kTmin), hi = r.real(kTmax);
    const long n = r.integer(kPoints);
    if (!(hi > lo)) r.fail("T_max", fmt::format("T_max = {} must exceed T_min = {}", hi, lo));
    r.finish();
    root.finish();

    nlohmann::ordered_json out;
    out["units"] = units.name();
    out["temperature_unit"] = units.label(units::dim_of(K::temperature));
    out["states"] = st.names;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    std::string text = fmt::format("{:>12} {:>12} {:>13} {:>13} {:>13} {:>13}\n", "T", "<D>_eq",
                                   "S_T", "S_T(cov)", "S_T^0", "S_T^ch");
    std::vector<double> Ts, S;
    for (long i = 0; i < n; ++i) {
      const double Tt = lo + (hi - lo) * static_cast<double>(i) / static_cast<double>(n - 1);
      const auto a = analyse_soret(st, Tt);
      rows.push_back({{"T", Tt}, {"mean_D", a.mean_D}, {"S_T", a.S_T}, {"S_T_cov", a.S_T_cov},
                      {"S_T_0", a.S_T_0}, {"S_T_ch", a.S_T_ch}, {"populations", st.populations(Tt)}});
      text += fmt::format("{:12.6g} {:12.6g} {:13.6g} {:13.6g} {:13.6g} {:13.6g}\n", Tt, a.mean_D,
                          a.S_T, a.S_T_cov, a.S_T_0, a.S_T_ch);
      Ts.push_back(Tt);
      S.push_back(a.S_T_cov);
    }
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    for (std::size_t i = 1; i < Ts.size(); ++i)
      if ((S[i - 1] < 0) != (S[i] < 0) && S[i - 1] != 0.0) {
        const double T0 = sign_change(st, Ts[i - 1], Ts[i]);
        changes.push_back(T0);
        text += fmt::format("S_T changes sign at T = {:.10g} ({} -> {})\n", T0,
                            S[i - 1] < 0 ? "negative" : "positive",
                            S[i] < 0 ? "negative" : "positive");
      }
    out["table"] = rows;
    out["sign_changes"] = changes;
    if (rank == 0) {
      std::cout << (json_ ? out.dump(2) + "\n" : text);
      if (!out_.empty()) {
        // write beside, then rename: no half-written file on failure
        const std::string tmp = out_ + ".tmp";
        std::ofstream(tmp) << out.dump(1) << "\n";
        if (std::rename(tmp.c_str(), out_.c_str()) != 0)
          throw IoError(fmt::format("cannot write {}", out_));
      }
      if (!plot_.empty()) draw(out, plot_);
    }
    return 0;
  }

 private:
  /// Plotting is matplotlib's job: the scan goes through a JSON file to plot_soret.py
  /// (installed under share/thermodrift/scripts; core/Paths.h).
  static void draw(const nlohmann::ordered_json& scan, const std::string& png) {
    const std::string json = png + ".json.tmp";
    std::ofstream(json) << scan.dump() << "\n";
    const std::string cmd = fmt::format("/usr/bin/python3 '{}' '{}' '{}'",
                                        script_path("plot_soret.py"), json, png);
    const int rc = std::system(cmd.c_str());
    std::remove(json.c_str());
    if (rc != 0) throw IoError(fmt::format("plotting failed ({}): is python3-matplotlib installed?", cmd));
  }

  std::string file_, out_, plot_;
  bool json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Soret>(); }
CommandFactory::Registrar reg("soret",
                              "local-equilibrium Soret coefficient of a set of internal states",
                              &create);

}  // namespace

}  // namespace td
