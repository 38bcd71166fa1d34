#pragma once
/// @file Command.h  A `thermodrift` subcommand, registered by name (one file each:
/// drivers/cmd_<name>.cpp). Drivers are thin: set up, run, write.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "core/Factory.h"
#include "core/Progress.h"

namespace td {

class Command {
 public:
  virtual ~Command() = default;
  /// Declare options and flags on the subcommand.
  virtual void setup(CLI::App& sub) = 0;
  /// Run on @p comm; return the process exit code.
  virtual int run(MPI_Comm comm) = 0;
  /// The `-q/--quiet` flag and the `--progress-every` option every subcommand takes (bound
  /// by the dispatcher).
  bool& quiet_flag() { return quiet_; }
  double& progress_every() { return progress_every_; }

 protected:
  /// The progress reporter of this command (core/Progress.h): silent with -q or @p silent
  /// (e.g. --json, whose stdout is the JSON alone); --progress-every sets its interval.
  Progress progress(MPI_Comm comm, const std::string& label, bool silent = false) const {
    return Progress(comm, label, quiet_ || silent,
                    progress_every_ >= 0 ? progress_every_ : Progress::kDefaultInterval);
  }
  bool quiet_ = false;          ///< -q/--quiet: no progress lines
  double progress_every_ = -1;  ///< --progress-every seconds; negative: the default
};

/// The footer of a subcommand's `--help`: @p extra (if any), an example command line, the
/// docs page (docs/*.md) and, when @p reads_input, the path convention of core/Paths.h.
void set_help(CLI::App& sub, const std::string& example, const std::string& docs, bool reads_input,
              const std::string& extra = "");

using CommandFactory = Factory<Command>;

/// `thermodrift --version`: version, git state, library versions, data directory.
std::string version_text();

/// Initialise MPI/PETSc, dispatch to the chosen subcommand, finalise; returns the exit code.
int run_command_line(int argc, char** argv);

}  // namespace td

/// run_command_line with C linkage: the entry point the `thermodrift` executable looks up
/// after loading this library (drivers/main.cpp).
extern "C" int td_run_command_line(int argc, char** argv);
