#include "core/ErrorExit.h"

#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <thread>

#include "core/Error.h"
#include "core/MpiStartup.h"

namespace td {

namespace {
/// Polling interval of the agreement barrier (seconds): short against the grace period,
/// long enough not to spin a core.
constexpr double kPollSeconds = 0.01;
/// Set by ErrorExit::skip_finalize().
std::atomic<bool> g_skip_finalize{false};

/// The exit status of a failed run: 1. Every rank has failed and printed (fail()); where
/// MPI_Finalize is unsafe the process ends here with status 1, without MPI_Finalize and
/// without the exit handlers (HDF5's would close its files again), instead of through
/// MPI_Abort, whose banner buried the message. MPI_Finalize would have removed a lone
/// process's session directory: it is removed here.
int failed_status() {
  if (g_skip_finalize) {
    std::fflush(nullptr);
    remove_lone_session_directory();
    std::_Exit(1);
  }
  return 1;
}
}  // namespace

void ErrorExit::skip_finalize() { g_skip_finalize = true; }

ErrorExit::ErrorExit(MPI_Comm comm) { MPI_Comm_dup(comm, &comm_); }

ErrorExit::~ErrorExit() {
  if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

int ErrorExit::fail(const std::string& message, double grace_seconds) {
  int rank = 0, size = 1;
  MPI_Comm_rank(comm_, &rank);
  MPI_Comm_size(comm_, &size);
  if (size == 1) {
    fmt::print(stderr, "thermodrift: error: {}\n", message);
    std::fflush(stderr);
    return failed_status();
  }
  MPI_Request req;
  MPI_Ibarrier(comm_, &req);
  int done = 0;
  const double t0 = MPI_Wtime();
  while (true) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done || MPI_Wtime() - t0 > grace_seconds) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(kPollSeconds));
  }
  if (!done) {
    fmt::print(stderr,
               "thermodrift: error on rank {} of {} (the other ranks did not fail with it; "
               "ending all ranks): {}\n",
               rank, size, message);
    std::fflush(stderr);
    PMPI_Abort(MPI_COMM_WORLD, 1);
  }
  // Every rank failed. Print once when the messages agree, else each rank its own.
  const unsigned long h = std::hash<std::string>{}(message);
  unsigned long lo = h, hi = h;
  MPI_Allreduce(MPI_IN_PLACE, &lo, 1, MPI_UNSIGNED_LONG, MPI_MIN, comm_);
  MPI_Allreduce(MPI_IN_PLACE, &hi, 1, MPI_UNSIGNED_LONG, MPI_MAX, comm_);
  if (lo == hi) {
    if (rank == 0) fmt::print(stderr, "thermodrift: error: {}\n", message);
  } else {
    fmt::print(stderr, "thermodrift: error on rank {} of {}: {}\n", rank, size, message);
  }
  std::fflush(stderr);
  return failed_status();
}

void stop_on_every_rank(MPI_Comm comm, const std::string& problem, const char* elsewhere) {
  int mine = problem.empty() ? 0 : 1, any = 0;
  MPI_Allreduce(&mine, &any, 1, MPI_INT, MPI_MAX, comm);
  if (any != 0) throw Error(problem.empty() ? std::string(elsewhere) : problem);
}

}  // namespace td
