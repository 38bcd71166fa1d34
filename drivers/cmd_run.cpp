/// @file cmd_run.cpp  `thermodrift run CASE`: load the case, run it (fv/Run.h).
#include <fmt/format.h>

#include "core/Error.h"
#include "drivers/Command.h"
#include "fv/Case.h"
#include "fv/Run.h"

namespace td {

namespace {

class Run : public Command {
 public:
  void setup(CLI::App& sub) override {
    sub.add_option("case", opt_.case_path, "input file (TOML)")->required()->check(CLI::ExistingFile);
    sub.add_option("-o,--output", opt_.output,
                   "result file (.h5; overrides [output] file; relative to the current directory)");
    sub.add_option("--restart", opt_.restart,
                   "continue a transient run from the checkpoint in this result file");
    set_help(sub, "thermodrift run examples/soret_cell_2d.toml -o out/soret_cell_2d.h5",
             "docs/usage.md#run", true,
             "PETSc options go last, e.g. -snes_monitor -ksp_monitor -pc_type gamg "
             "(steady) or -cvode_pc_type gamg (transient).");
  }

  int run(MPI_Comm comm) override {
    opt_.quiet = quiet_;
    opt_.started = MPI_Wtime();
    auto cs = Case::load(comm, opt_.case_path, opt_.output);
    if (progress_every_ >= 0) cs->run().progress_interval = progress_every_;
    try {
      return FvRun(*cs, opt_).run();
    } catch (const SolverError& e) {
      // name the case: with several runs in flight, the message alone does not say which failed
      throw SolverError(fmt::format("{}: {}", opt_.case_path, e.what()));
    }
  }

 private:
  RunOptions opt_;
};

std::unique_ptr<Command> create() { return std::make_unique<Run>(); }
CommandFactory::Registrar reg("run", "run a case (steady or transient) from a TOML input", &create);

}  // namespace
}  // namespace td
