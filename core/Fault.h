#pragma once
/// @file Fault.h  Named fault-injection points for the failure tests (one-rank errors, kills
/// during checkpoint writes). Inert unless the environment variable THERMODRIFT_FAULT is set.
#include <mpi.h>

namespace td {

/// If $THERMODRIFT_FAULT is "<point>", "<point>@<rank>", "<point>:kill" or
/// "<point>@<rank>:kill" and names @p point (and this rank of @p comm, when a rank is given),
/// throw td::Error("injected fault at <point>"), or with ":kill" end the process
/// at once with SIGKILL, as a crash or an out-of-memory kill would. Otherwise do nothing.
void fault_point(const char* point, MPI_Comm comm);

}  // namespace td
