/// @file cmd_soret.cpp  `thermodrift soret FILE`: the local-equilibrium Soret coefficient of a
/// set of internal states over a temperature range (docs/theory.md#multistate): <D>_eq,
/// S_T = d ln <D>/dT, its covariance form, the Einstein split S_T^0 + S_T^ch, and the
/// temperatures where S_T changes sign. Physics in models/MultiState; this file reads,
/// evaluates, prints.
#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/Paths.h"
#include "drivers/Command.h"
#include "fv/Case.h"
#include "io/TextFile.h"
#include "models/MultiState.h"
#include "models/SoretScan.h"

namespace td {

namespace {

class Soret : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML file: [units], [[states]] as in a multi-state species, "
                                   "[range] T_min, T_max, points")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_flag("--json", json_, "print JSON");
    sub.add_option("-o,--output", out_,
                   "also write the JSON to this file (for plotting; relative to the current "
                   "directory; without -o nothing is written)");
    sub.add_option("--plot", plot_, "draw S_T(T) with its sign changes into this PNG "
                                    "(needs python3-matplotlib)");
    set_help(
        sub,
        "thermodrift soret validation/multistate/polymer_states.toml -o out/polymer_states.json",
        "docs/theory.md#equilibrium-soret", true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    InputSection root = InputSection::parse_file(file_);
    const auto units = read_units(root);
    StateSet st = read_states(root, "states", units.kB());
    if (st.size() == 0) root.fail("states", "at least one [[states]] table is required");
    const std::vector<double> Ts = read_soret_range(root);
    root.finish();
    check_outputs();

    nlohmann::ordered_json out;
    out["units"] = units.name();
    out["temperature_unit"] = units.label(units::dim_of(units::Kind::temperature));
    out["states"] = st.names;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    std::string text = fmt::format("{:>12} {:>12} {:>13} {:>13} {:>13} {:>13}\n", "T", "<D>_eq",
                                   "S_T", "S_T(cov)", "S_T^0", "S_T^ch");
    std::vector<double> S;
    for (const double Tt : Ts) {
      const auto a = analyse_soret(st, Tt);
      rows.push_back({{"T", Tt}, {"mean_D", a.mean_D}, {"S_T", a.S_T}, {"S_T_cov", a.S_T_cov},
                      {"S_T_0", a.S_T_0}, {"S_T_ch", a.S_T_ch}, {"populations", st.populations(Tt)}});
      text += fmt::format("{:12.6g} {:12.6g} {:13.6g} {:13.6g} {:13.6g} {:13.6g}\n", Tt, a.mean_D,
                          a.S_T, a.S_T_cov, a.S_T_0, a.S_T_ch);
      S.push_back(a.S_T_cov);
    }
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    for (const auto& z : soret_sign_changes(st, Ts, S)) {
      changes.push_back(z.T);
      text += fmt::format("S_T changes sign at T = {:.10g} ({} -> {})\n", z.T,
                          S[z.after - 1] < 0 ? "negative" : "positive",
                          S[z.after] < 0 ? "negative" : "positive");
    }
    out["table"] = rows;
    out["sign_changes"] = changes;
    if (rank == 0) {
      std::cout << (json_ ? out.dump(2) + "\n" : text);
      if (!out_.empty()) write_text_file(out_, out.dump(1) + "\n");
      if (!plot_.empty()) {
        draw(out, plot_);
        if (!json_) std::cout << "wrote " << plot_ << "\n";
      }
    }
    return 0;
  }

 private:
  /// Refuse output names that cannot be written (output_name_problem) and a plot name without
  /// the .png suffix (matplotlib would pick the format from it, or add its own), before the
  /// work.
  void check_outputs() const {
    auto refuse = [](const char* option, const std::string& name, const std::string& why) {
      throw InputError({"<command line>", 0, option},
                       fmt::format("output name {} is not usable: {}", name, why));
    };
    if (!out_.empty())
      if (const std::string why = output_name_problem(out_); !why.empty()) refuse("-o", out_, why);
    if (plot_.empty()) return;
    if (const std::string why = output_name_problem(plot_); !why.empty())
      refuse("--plot", plot_, why);
    const std::string ext = std::filesystem::path(plot_).extension().string();
    if (ext != ".png" || std::filesystem::path(plot_).stem().empty())
      refuse("--plot", plot_, "a PNG file name ending in .png is needed");
  }

  /// Plotting is matplotlib's job: the scan goes through a JSON file to plot_soret.py
  /// (installed under share/thermodrift/scripts; core/Paths.h), which writes the image
  /// atomically. Its own report is dropped (its errors go to stderr), so that stdout holds the
  /// table or the JSON alone.
  static void draw(const nlohmann::ordered_json& scan, const std::string& png) {
    const std::string json = png + ".json.tmp";
    write_text_file(json, scan.dump() + "\n");  // checked: a failed write is an IoError
    const std::string cmd = fmt::format("/usr/bin/python3 '{}' '{}' '{}' >/dev/null",
                                        script_path("plot_soret.py"), json, png);
    std::cout.flush();
    const int rc = std::system(cmd.c_str());
    std::remove(json.c_str());
    std::error_code ec;
    if (rc != 0 || !std::filesystem::is_regular_file(png, ec))
      throw IoError(fmt::format("plotting {} failed ({}, status {}): it needs python3-matplotlib",
                                png, cmd, rc));
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
