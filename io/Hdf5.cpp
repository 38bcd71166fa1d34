#include "io/Hdf5.h"

#include <hdf5.h>

namespace td {

namespace {

/// Longest description kept from HDF5 (its write errors list every argument of the call).
constexpr std::size_t kMaxCauseChars = 200;

extern "C" herr_t keep_innermost(unsigned n, const H5E_error2_t* err, void* data) {
  // walked upward: entry 0 is where HDF5 detected the error
  if (n == 0 && err->desc != nullptr) *static_cast<std::string*>(data) = err->desc;
  return 0;
}

}  // namespace

void report_hdf5_errors_ourselves() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string hdf5_cause() {
  std::string desc;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, keep_innermost, &desc);
  // the POSIX and MPI-IO drivers quote the system's message: "..., error message = '...', ..."
  const std::string tag = "error message = '";
  if (const auto at = desc.find(tag); at != std::string::npos) {
    const auto begin = at + tag.size();
    const auto end = desc.find('\'', begin);
    return desc.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  if (desc.size() > kMaxCauseChars) desc = desc.substr(0, kMaxCauseChars) + "...";
  return desc;
}

}  // namespace td
