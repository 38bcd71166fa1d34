/// @file cmd_column.cpp  `thermodrift column CASE`: run the column model (models/Column.h,
/// column/ColumnDae.h) to its steady circulation, or sweep one parameter; write a table (CSV)
/// with the resolved configuration in its header, and the steady profiles of the base case.
/// Plot with validation/plot_column.py.
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "column/ColumnDae.h"
#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "core/Progress.h"
#include "drivers/Command.h"
#include "io/CsvFile.h"

namespace td {

namespace {

using K = units::Kind;
using T = ParamSpec::Type;

const ParamSpec kTable{"file",
                       T::String,
                       "\"\"",
                       K::dimensionless,
                       Range::any(),
                       {},
                       "sweep/summary table (CSV); relative to the working directory (default: "
                       "<input name>.csv; `-o` overrides)",
                       {"table"}};
const ParamSpec kProfile{"profile",
                         T::String,
                         "\"\"",
                         K::dimensionless,
                         Range::any(),
                         {},
                         "steady profiles of the base case (CSV); relative to the working "
                         "directory (default: the table's name with _profile.csv)"};
const KeyDeclaration kOutputKeys(
    {"output", "", "column", "CSV files written by `thermodrift column`.", {&kTable, &kProfile}});

/// Relative mismatch |a - b| / max(|a|, |b|) (0 when both vanish).
double mismatch(double a, double b) {
  const double s = std::max(std::fabs(a), std::fabs(b));
  return s > 0 ? std::fabs(a - b) / s : 0.0;
}

/// Mid-column face (Yang et al. (2026) quote their flux magnitudes for the column's body).
std::size_t mid_face(const ColumnResult& r) { return r.x_face.size() / 2; }

nlohmann::ordered_json summary(const ColumnParams& p, const ColumnResult& r) {
  const std::size_t m = mid_face(r);
  return {{"length_m", p.length},
          {"diameter_m", 2 * p.radius},
          {"T_hot_K", p.T_hot},
          {"T_cold_K", p.T_cold},
          {"T_interface_K", r.T_interface},
          {"gradient_K_per_m", r.gradient},
          {"sigma_c_Pa", r.sigma_c},
          {"sigma_stall_Pa", r.sigma_stall},
          // no cap: undefined, written as JSON null and an empty CSV field
          {"sigma_max_Pa", std::isfinite(r.sigma_max) ? nlohmann::ordered_json(r.sigma_max)
                                                      : nlohmann::ordered_json()},
          {"speed_m_per_s", r.speed},
          {"speed_response_m_per_s", r.speed_core},
          {"free_speed_m_per_s", r.free_speed},
          {"rate_out_atoms_per_s", r.rate_out},
          {"rate_in_atoms_per_s", r.rate_in},
          {"rate_core_atoms_per_s", r.rate_core},
          {"imbalance_out_in", mismatch(r.rate_out, r.rate_in)},
          {"imbalance_in_core", mismatch(r.rate_in, r.rate_core)},
          {"j_thermal_mid", r.j_thermal[m]},
          {"j_stress_mid", r.j_stress[m]},
          {"j_entropic_mid", r.j_entropic[m]},
          {"j_total_mid", r.j_total[m]},
          {"steady_residual", r.steady_residual},
          {"time_s", r.time},
          {"ida_steps", r.steps}};
}

class Column : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("case", case_, "input file (TOML)")->required()->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "table (CSV; overrides [output] file; relative to the current directory)");
    sub.add_flag("--json", json_, "print the results as JSON");
    set_help(sub, "thermodrift column validation/column/cu_linear_regime.toml -o out/cu_linear.csv",
             "docs/column.md", true,
             "Input tables: [material] (preset + overrides), [column] (+ .response, "
             ".strength), [numerics], [sweep], [output].");
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    auto root = InputSection::parse_file(case_);
    const ColumnParams base = read_column(root);
    const ColumnNumerics num = read_column_numerics(root);
    const ColumnSweep sweep = read_column_sweep(root, base);
    std::string table, profile;
    {
      auto o = root.section("output", true);
      table = output_path(o, kTable, output_, ".csv");
      profile = o.string(kProfile);
      const bool derived = profile.empty();
      if (derived) {
        std::filesystem::path p(table);
        profile = (p.parent_path() / (p.stem().string() + "_profile.csv")).string();
      }
      check_second_output(o, kProfile.key, profile, derived, "profile", table, "the summary table");
      o.finish();
    }
    root.finish();
    const std::string config = root.resolved().to_toml();
    const double nm = units::parse_unit("nm").value, MPa = units::parse_unit("MPa").value,
                 nm_s = units::parse_unit("nm/s").value;

    // Every rank computes (the model is small); rank 0 writes.
    // progress over the base case and each sweep value
    Progress progress = this->progress(comm, "column", json_);
    const double runs = 1.0 + static_cast<double>(sweep.values.size());
    progress.part(0.0, 1.0 / runs);
    const ColumnResult r0 = run_column(base, num, &progress);
    nlohmann::ordered_json out;
    out["base"] = summary(base, r0);
    std::vector<std::pair<double, ColumnResult>> rows;
    for (double v : sweep.values) {
      progress.part((rows.size() + 1) / runs, (rows.size() + 2) / runs);
      rows.emplace_back(v, run_column(with_sweep_value(base, sweep.parameter, v), num, &progress));
    }
    if (rank != 0) return 0;
    // A run that has not reached its steady circulation is reported, not hidden.
    constexpr double kSteadyTol = 1e-6;
    const auto warn = [&](const std::string& what, const ColumnResult& r) {
      if (r.steady_residual > kSteadyTol)
        std::cerr << fmt::format(
            "thermodrift: warning: {}: not steady at t_end = {:.3g} s (rates "
            "out/in/core differ by {:.2g}); raise [numerics] t_end\n",
            what, r.time, r.steady_residual);
    };
    warn("base case", r0);
    for (const auto& [v, r] : rows) warn(fmt::format("{} = {:g}", sweep.parameter, v), r);

    CsvFile tab(table, "thermodrift column: summary", config);
    const auto keys = summary(base, r0);
    tab.stream() << (sweep.parameter.empty() ? "case" : sweep.parameter + "_SI");
    for (const auto& [k, v] : keys.items()) tab.stream() << "," << k;
    tab.stream() << "\n";
    const auto write_row = [&](const std::string& label, const ColumnParams& p,
                               const ColumnResult& r) {
      tab.stream() << label;
      const auto row = summary(p, r);
      for (const auto& [k, v] : row.items()) tab.stream() << "," << (v.is_null() ? "" : v.dump());
      tab.stream() << "\n";
    };
    if (sweep.parameter.empty()) {
      write_row("base", base, r0);
    } else {
      out["sweep"] = {{"parameter", sweep.parameter}, {"rows", nlohmann::ordered_json::array()}};
      for (const auto& [v, r] : rows) {
        const auto p = with_sweep_value(base, sweep.parameter, v);
        write_row(fmt::format("{:.9g}", v), p, r);
        auto s = summary(p, r);
        s["value"] = v;
        out["sweep"]["rows"].push_back(s);
      }
    }
    CsvFile prof(profile, "thermodrift column: steady profiles of the base case", config);
    prof.stream() << "x_m,T_K,C_per_m3,sigma_Pa,x_face_m,j_thermal,j_stress,j_entropic,j_total\n";
    for (std::size_t f = 0; f < r0.x_face.size(); ++f) {
      const std::size_t i = std::min(f, r0.x.size() - 1);
      prof.stream() << fmt::format(
          "{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g},{:.9g}\n", r0.x[i], r0.T[i],
          r0.C[i], r0.sigma[i], r0.x_face[f], r0.j_thermal[f], r0.j_stress[f], r0.j_entropic[f],
          r0.j_total[f]);
    }
    prof.stream() << "# history: t_s,sigma_c_Pa,v_m_per_s,rate_in,rate_out\n";
    for (std::size_t k = 0; k < r0.t_hist.size(); ++k)
      prof.stream() << fmt::format("# H,{:.9g},{:.9g},{:.9g},{:.9g},{:.9g}\n", r0.t_hist[k],
                                   r0.sigma_hist[k], r0.v_hist[k], r0.in_hist[k], r0.out_hist[k]);
    tab.commit();
    prof.commit();
    out["table"] = table;
    out["profile"] = profile;
    if (json_) {
      std::cout << out.dump(2) << "\n";
    } else {
      const auto& b = out["base"];
      std::cout << fmt::format(
          "column L = {:.4g} nm, d = {:.4g} nm, T_h = {:.2f} K, T_interface = {:.2f} K "
          "(gradient {:.3g} K/m)\n"
          "back stress sigma_c = {:.4g} MPa (stall relation {:.4g} MPa, {})\n"
          "core speed v = {:.4g} nm/s; atoms/s out of hot end {:.4g}, into cold interface "
          "{:.4g}, carried by core {:.4g}\n"
          "mid-column flux parts (atoms m^-2 s^-1): thermal {:.3g}, stress {:.3g}, entropic "
          "{:.3g}, total {:.3g}\nwrote {} and {}\n",
          base.length / nm, 2 * base.radius / nm, base.T_hot, r0.T_interface, r0.gradient,
          r0.sigma_c / MPa, r0.sigma_stall / MPa,
          std::isfinite(r0.sigma_max) ? fmt::format("strength {:.4g} MPa", r0.sigma_max / MPa)
                                      : std::string("no strength cap"),
          r0.speed / nm_s, r0.rate_out,
          r0.rate_in, r0.rate_core, b["j_thermal_mid"].get<double>(),
          b["j_stress_mid"].get<double>(), b["j_entropic_mid"].get<double>(),
          b["j_total_mid"].get<double>(), table, profile);
    }
    return 0;
  }

 private:
  std::string case_, output_;
  bool json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Column>(); }
CommandFactory::Registrar reg("column",
                              "column model of Yang et al. (2026): surface flux, back stress, "
                              "core speed",
                              &create);

}  // namespace

}  // namespace td
