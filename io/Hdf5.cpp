#include "io/Hdf5.h"

#include <fmt/format.h>
#include <hdf5.h>
#include <sys/statvfs.h>

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

}  // namespace

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
