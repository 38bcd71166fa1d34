#pragma once
/// @file ErrorExit.h  How a parallel run ends after an exception, on every rank, with its
/// message (LAMMPS's error->all versus error->one).
///
/// An exception caught at the top of a run may have been thrown on every rank (bad input,
/// a collective solver failure: error->all) or on one rank only (a value on that rank's
/// cells: error->one), while the other ranks wait in a collective call that will never
/// complete. The catching rank cannot tell which from its own state, so it asks: it enters a
/// non-blocking barrier on a communicator reserved for this purpose and waits a short grace
/// period. If every rank arrives, all failed together: the message is printed once (by each
/// rank whose message differs) and the run ends normally with exit status 1. If not, the rank
/// prints its message with its rank number and calls MPI_Abort, which ends every rank.
#include <mpi.h>

#include <string>

namespace td {

/// Throw Error on every rank of @p comm if @p problem (this rank's reason to stop, empty for
/// none) is non-empty on any: with it on the rank that has one, with @p elsewhere on the
/// others. Collective: call it before a collective call that a rank with a problem would
/// not reach, so that no rank waits there for one that has stopped (error->all for a
/// failure that may happen on one rank only).
void stop_on_every_rank(MPI_Comm comm, const std::string& problem, const char* elsewhere);

class ErrorExit {
 public:
  /// Seconds a failing rank waits for the others to fail too before it aborts them: long
  /// enough for ranks that fail after the same collective call, short enough that a
  /// one-rank failure ends the run within seconds.
  static constexpr double kGraceSeconds = 3.0;

  /// Reserve the agreement communicator (a duplicate of @p comm). Collective on @p comm.
  explicit ErrorExit(MPI_Comm comm);
  ~ErrorExit();
  ErrorExit(const ErrorExit&) = delete;
  ErrorExit& operator=(const ErrorExit&) = delete;

  /// End the run after an exception with @p message on this rank: returns the exit status (1)
  /// when every rank failed, after printing "thermodrift: error: <message>" to stderr;
  /// otherwise prints "thermodrift: error on rank R of N: <message>" and aborts every rank
  /// (does not return).
  int fail(const std::string& message, double grace_seconds = kGraceSeconds);

  /// Declare that this process holds library state that MPI_Finalize cannot clean up (an
  /// HDF5 file after a failed HDF5 call, a full disk say: HDF5 closes it again inside
  /// MPI_Finalize, where it crashes on one rank and may wait forever on several). A later fail()
  /// then ends the process with status 1 after printing its message (std::_Exit: no
  /// MPI_Finalize, no exit handlers), instead of returning; a rank that failed alone still
  /// aborts every rank.
  static void skip_finalize();

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
};

}  // namespace td
