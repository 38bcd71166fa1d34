#pragma once
/// @file Broadcast.h  Rank 0's string on every rank of a communicator.
#include <mpi.h>

#include <string>

namespace td {

/// Collective. @p s as rank 0 holds it, on every rank of @p comm.
inline std::string broadcast_string(MPI_Comm comm, std::string s) {
  long n = static_cast<long>(s.size());
  MPI_Bcast(&n, 1, MPI_LONG, 0, comm);
  s.resize(static_cast<std::size_t>(n));
  if (n > 0) MPI_Bcast(s.data(), static_cast<int>(n), MPI_CHAR, 0, comm);
  return s;
}

}  // namespace td
