#pragma once
/// @file Broadcast.h  Rank 0's string, or its view of the file system, on every rank of a
/// communicator.
#include <mpi.h>

#include <filesystem>
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

/// Collective. Whether @p file exists as rank 0 sees it, the same answer on every rank of
/// @p comm (the ranks then take the same branch).
inline bool exists_on_rank0(MPI_Comm comm, const std::string& file) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  std::error_code ec;
  int e = rank == 0 && std::filesystem::exists(file, ec) ? 1 : 0;
  MPI_Bcast(&e, 1, MPI_INT, 0, comm);
  return e != 0;
}

}  // namespace td
