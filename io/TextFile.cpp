#include "io/TextFile.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/Error.h"
#include "core/Paths.h"

namespace td {

void claim_partial(const std::string& path, const std::string& way_out) {
  // the last guard of an input (an output name that no set-up check saw, a data file named
  // through another path) and of a directory, which would fail only at the final rename
  if (const std::string why = output_name_problem(path); !why.empty())
    throw IoError(fmt::format("cannot write {}: {}", path, why));
  const std::string tmp = path + ".partial";
  const int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY, 0644);
  if (fd >= 0) {
    ::close(fd);
    return;
  }
  if (errno == EEXIST)
    throw IoError(fmt::format(
        "cannot create {}: it exists: another run is writing {}, or a stopped run left it ({})",
        tmp, path, way_out.empty() ? "remove the file to start afresh" : way_out));
  throw IoError(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
}

void write_text_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".partial";
  claim_partial(path);
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr)
    throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    std::remove(tmp.c_str());
    throw IoError(fmt::format("writing {} failed: {}", path, std::strerror(written ? errno : err)));
  }
  try {
    commit_partial(path);
  } catch (const IoError&) {
    std::remove(tmp.c_str());
    throw;
  }
}

void commit_partial(const std::string& path) {
  std::error_code ec;
  std::filesystem::rename(path + ".partial", path, ec);
  if (ec) throw IoError(fmt::format("cannot rename {}.partial to {}: {}", path, path, ec.message()));
}

}  // namespace td
