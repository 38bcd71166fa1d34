#pragma once
/// @file Run.h  One `thermodrift run`: a finite-volume case solved steady (SNES) or transient
/// (CVODE), snapshots, time series and checkpoints written to its HDF5 result file, progress
/// and a summary printed on rank 0 (deal.II's run()).
#include <string>

#include "fv/Case.h"

namespace td {

/// What the command line adds to a case.
struct RunOptions {
  std::string case_path;  ///< the input, for messages and the printed resume command
  std::string output;     ///< `-o`: result file (given to Case::load; printed in messages)
  std::string restart;    ///< continue a transient run from this file's checkpoint
  bool quiet = false;     ///< no progress lines
  /// MPI_Wtime() when the command started (s): the case's loading counts as set-up. 0: the
  /// set-up is timed from run().
  double started = 0.0;
};

/// Wall time of the phases of a run (s), disjoint: set-up (loading the case, creating the
/// result file and the initial state), solve (the steady solve with its solver set-up, or
/// the time steps), output (snapshots, time series, checkpoints, the final file and the
/// reports). Their sum is at most total, the wall time from the start to the end of run().
struct RunPhases {
  double setup = 0.0;
  double solve = 0.0;
  double output = 0.0;
  double total = 0.0;
};

/// Solver statistics of a run: the steady part for steady runs, the transient part otherwise.
struct RunStats {
  bool steady = true;
  SteadyResult steady_result;   ///< iterations, residual and time of the steady solve
  TransientStats transient;     ///< CVODE counters at the end of a transient run
  double seconds = 0.0;         ///< wall time of the solve (s)
  RunPhases phases;             ///< wall time of set-up, solve and output
};

/// Runs a loaded case. Collective on the case's communicator.
class FvRun {
 public:
  FvRun(Case& c, RunOptions opt) : case_(c), opt_(std::move(opt)) {}
  /// Solve and write; returns the process exit code (0, or 130 when interrupted by
  /// SIGINT/SIGTERM after writing a checkpoint). Throws td::Error on failure.
  int run();
  /// Statistics of the last run() (for the Python module; the command line prints them).
  const RunStats& stats() const { return stats_; }

 private:
  int run_transient(Case& cs, Vec c, MPI_Comm comm, int rank);
  Case& case_;
  RunOptions opt_;
  RunStats stats_;
  double started_ = 0.0;      // MPI_Wtime() at the start of the set-up (s)
  double output_from_ = 0.0;  // MPI_Wtime() at the start of the current output (s)
};

}  // namespace td
