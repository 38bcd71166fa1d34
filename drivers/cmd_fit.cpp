/// @file cmd_fit.cpp  `thermodrift fit FIT.toml`: run the `[[fit]]` tables in order (each
/// selected by `type`, see fit/FitTask.h) and write one transport-parameter file
/// (io/ParamFile.h) that continuum cases read with a `type = "fitted"` law. Every table is
/// read and validated before the first fit runs, the output names (directories included) too;
/// nothing is written if any fit or either output fails.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/Error.h"
#include "core/KeyRegistry.h"
#include "core/Paths.h"
#include "core/Progress.h"
#include "drivers/Command.h"
#include "fit/FitTask.h"
#include "fv/Case.h"
#include "io/TextFile.h"
#include "thermodrift/Version.h"

namespace td {

namespace {

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

/// Write the parameter file @p out and, unless @p report is "", the report: both or neither.
/// Both are written as `.partial` first and renamed only when both are complete (the report
/// first: a failed rename then leaves an existing parameter file as it was).
void write_outputs(const std::string& out, const std::string& params, const std::string& report,
                   const std::string& report_text) {
  std::vector<std::string> files;
  try {
    write_text_partial(out, params);
    files.push_back(out);
    if (!report.empty()) {
      write_text_partial(report, report_text);
      files.insert(files.begin(), report);
    }
    // both synced before either is renamed
    commit_partials(files);
  } catch (const Error&) {
    for (const auto& f : files) discard_partial(f);
    throw;
  }
}

class Fit : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("input", file_, "TOML: [units], [output] file, [[fit]] tables")
        ->required()
        ->check(CLI::ExistingFile);
    sub.add_option("-o,--output", output_,
                   "transport-parameter file (TOML; overrides [output] file; relative to the "
                   "current directory)");
    sub.add_flag("--json", json_, "print the fitted parameters as JSON");
    set_help(sub, "thermodrift fit examples/md_pipeline/fit.toml -o out/params.toml", "docs/md.md",
             true);
  }

  int run(MPI_Comm comm) override {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    InputSection root = InputSection::parse_file(file_);
    ParamSet params;
    params.units = read_units(root);
    // the fit tables first: the data files they name are inputs, which no output may replace
    const auto tasks = fit::read_fit_tasks(root);
    InputSection o = root.section("output", true);
    const std::string out = output_path(o, fit::output_file_spec(), output_, "_params.toml");
    const std::string report = o.string(fit::report_file_spec());
    if (!report.empty())
      check_second_output(o, fit::report_file_spec().key, report, false, "report", out,
                          "the parameter file");
    o.finish();
    root.finish();
    params.provenance = {{"tool", "thermodrift fit"},
                         {"version", fmt::format("{} ({})", kVersion, git_describe())},
                         {"input", file_},
                         {"created", now_utc()}};
    // Fits are cheap and deterministic: every rank computes, rank 0 writes. A fit with a
    // bootstrap or a continuum model can take a while: progress per [[fit]] table.
    Progress progress = this->progress(comm, "fit", json_);
    const nlohmann::ordered_json all = fit::run_fit_tasks(tasks, params, &progress);
    if (rank == 0) {
      for (const auto& task : all)
        if (task.contains("warnings"))
          for (const auto& w : task["warnings"])
            std::cerr << "thermodrift: warning: " << w.get<std::string>() << "\n";
      write_outputs(out, to_toml(params), report, all.dump(1) + "\n");
      nlohmann::ordered_json pj;
      std::string text = fmt::format("{:<28} {:>14} {:>12} {:>12}  {}\n", "parameter", "value",
                                     "sd(cov)", "sd(boot)", "unit");
      for (const auto& p : params.parameters) {
        const std::string unit = params.units.label(units::dim_of(p.kind));
        pj[p.name] = {{"value", p.value}, {"uncertainty", p.uncertainty}, {"unit", unit}};
        if (p.bootstrap_sd) pj[p.name]["bootstrap_sd"] = *p.bootstrap_sd;
        text +=
            fmt::format("{:<28} {:>14.6g} {:>12.3g} {:>12}  {}\n", p.name, p.value, p.uncertainty,
                        p.bootstrap_sd ? fmt::format("{:.3g}", *p.bootstrap_sd) : "-", unit);
      }
      std::cout << (json_
                        ? pj.dump(2) + "\n"
                        : text + "wrote " + out + (report.empty() ? "" : " and " + report) + "\n");
    }
    return 0;
  }

 private:
  std::string file_, output_;
  bool json_ = false;
};

std::unique_ptr<Command> create() { return std::make_unique<Fit>(); }
CommandFactory::Registrar reg("fit",
                              "fit transport parameters to MD output; write a "
                              "transport-parameter file",
                              &create);
}  // namespace

}  // namespace td
