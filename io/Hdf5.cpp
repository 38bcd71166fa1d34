#include "io/Hdf5.h"

#include <fmt/format.h>
#include <hdf5.h>
#include <mpi.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace td {

namespace {

/// Longest description kept from HDF5 (its write errors list every argument of the call).
constexpr std::size_t kMaxCauseChars = 200;
/// Free space below which a failed write is reported as a likely full disk (bytes).
constexpr unsigned long long kNearlyFullBytes = 1024ULL * 1024ULL;

extern "C" herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* data) {
  // walked upward: entry 0 is where HDF5 detected the error
  if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
  return 0;
}

/// The call that AbortOnWriteError guards on this rank: the file and what is being done;
/// empty outside a guard. Read by the MPI error handler, which has no other way in.
std::string g_guarded_file;
const char* g_guarded_what = nullptr;
bool g_guarded_temporary = false;
MPI_Comm g_guarded_comm = MPI_COMM_NULL;
/// The handler, once created (MPI_ERRHANDLER_NULL before use_write_error_handler).
MPI_Errhandler g_write_error_handler = MPI_ERRHANDLER_NULL;

extern "C" void on_mpi_file_error(MPI_File* /*file*/, int* code, ...) {
  // the system's error of the failed write, before any call here can change it
  const int err = errno;
  if (g_guarded_what == nullptr) return;  // outside a guard: MPI returns the error to HDF5
  char mpi_message[MPI_MAX_ERROR_STRING] = {};
  int length = 0;
  MPI_Error_string(*code, mpi_message, &length);
  int rank = 0, size = 1;
  MPI_Comm_rank(g_guarded_comm, &rank);
  MPI_Comm_size(g_guarded_comm, &size);
  // errno is the failed write's only where MPI reports an I/O error, and even then MPI may
  // have set it since: it is quoted as the system's last error, not as the cause
  int error_class = MPI_SUCCESS;
  MPI_Error_class(*code, &error_class);
  const std::string system = error_class == MPI_ERR_IO && err != 0
                                 ? fmt::format(" (the system's last error: {})", std::strerror(err))
                                 : "";
  std::fprintf(stderr, "%s\n",
               fmt::format("thermodrift: error on rank {} of {}: cannot write {} ({}): {}{}; a "
                           "write that fails on one rank inside HDF5's collective flush or "
                           "close leaves the other ranks waiting: every rank is stopped",
                           rank, size, g_guarded_file, g_guarded_what, mpi_message, system)
                   .c_str());
  std::fflush(stderr);
  if (g_guarded_temporary) {
    ::unlink(g_guarded_file.c_str());
    // and the XDMF sidecar of a result file in progress (io/H5Output.cpp)
    ::unlink((g_guarded_file + ".xmf").c_str());
  }
  MPI_Abort(g_guarded_comm, 1);
}

}  // namespace

AbortOnWriteError::AbortOnWriteError(MPI_Comm comm, const std::string& file, const char* what,
                                     bool temporary) {
  int size = 1;
  MPI_Comm_size(comm, &size);
  if (size == 1) return;
  g_guarded_file = file;
  g_guarded_what = what;
  g_guarded_temporary = temporary;
  g_guarded_comm = comm;
  armed_ = true;
}

AbortOnWriteError::~AbortOnWriteError() {
  if (!armed_) return;
  g_guarded_what = nullptr;
  g_guarded_file.clear();
  g_guarded_comm = MPI_COMM_NULL;
}

void use_write_error_handler() {
  if (g_write_error_handler != MPI_ERRHANDLER_NULL) return;
  MPI_File_create_errhandler(on_mpi_file_error, &g_write_error_handler);
  MPI_File_set_errhandler(MPI_FILE_NULL, g_write_error_handler);
}

void report_hdf5_errors_ourselves() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string hdf5_cause(const std::string& file) {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &desc);
  // the POSIX driver quotes the system's message: "..., error message = '...', ..."
  const std::string tag = "error message = '";
  if (const auto at = desc.find(tag); at != std::string::npos) {
    const auto begin = at + tag.size();
    const auto end = desc.find('\'', begin);
    return desc.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  if (desc.size() > kMaxCauseChars) desc = desc.substr(0, kMaxCauseChars) + "...";
  // The MPI-IO driver has MPI's error string only ("file write failed", MPI_ERR_OTHER);
  // a full disk, the likeliest cause, is named from the file system's free space.
  const auto dir = std::filesystem::absolute(file).parent_path();
  struct statvfs vfs {};
  if (!desc.empty() && ::statvfs(dir.c_str(), &vfs) == 0) {
    const auto free_bytes = static_cast<unsigned long long>(vfs.f_bavail) * vfs.f_frsize;
    if (free_bytes < kNearlyFullBytes)
      desc += fmt::format(" (the file system of {} has {} bytes free: disk full?)", dir.string(),
                          free_bytes);
  }
  return desc;
}

}  // namespace td
