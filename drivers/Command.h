#pragma once
/// @file Command.h  A `thermodrift` subcommand, registered by name (one file each:
/// drivers/cmd_<name>.cpp). Drivers are thin: set up, run, write.
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <mpi.h>

#include "core/Factory.h"

namespace td {

class Command {
 public:
  virtual ~Command() = default;
  /// Declare options and flags on the subcommand.
  virtual void setup(CLI::App& sub) = 0;
  /// Run on @p comm; return the process exit code.
  virtual int run(MPI_Comm comm) = 0;
};

using CommandFactory = Factory<Command>;

/// `thermodrift --version`: version, git state, library versions, data directory.
std::string version_text();

/// Initialise MPI/PETSc, dispatch to the chosen subcommand, finalise; returns the exit code.
int run_command_line(int argc, char** argv);

}  // namespace td
