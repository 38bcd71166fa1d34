#pragma once
/// @file SundialsMessages.h  What SUNDIALS integrators (CVODE, IDA) print. Their default
/// handler wrote "[IDA ERROR] IDASolve ... At t = 2.76e-21, , mxstep steps taken" to stderr
/// beside the program's own message for the same failure. Installed with
/// CVodeSetErrHandlerFn / IDASetErrHandlerFn (no SUNDIALS header is needed here: the handler
/// type is plain C).
#include <mpi.h>

#include <cstdio>
#include <string>

namespace td {

/// SUNDIALS error handler: an error's message (code < 0) is kept in the std::string that
/// @p user_data points to (if not null), for the caller's own report of the failed call with
/// the time and step ("tout too close to t0 to start integration" says what CV_ILL_INPUT
/// does not); warnings (code > 0, e.g. "t + h = t") go to stderr as thermodrift warnings,
/// from rank 0 of MPI_COMM_WORLD only (every rank integrates the same steps).
inline void sundials_messages(int code, const char* module, const char* function, char* msg,
                              void* user_data) {
  if (code < 0) {
    if (user_data != nullptr) *static_cast<std::string*>(user_data) = msg;
    return;
  }
  if (code == 0) return;
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  if (rank == 0) std::fprintf(stderr, "thermodrift: warning: %s %s: %s\n", module, function, msg);
}

}  // namespace td
