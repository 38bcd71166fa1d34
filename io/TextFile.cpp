#include "io/TextFile.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "core/Error.h"
#include "core/Paths.h"
#include "core/SignalCleanup.h"

namespace td {

namespace {

/// Files a signal handler may remove: fixed storage, as a handler may not allocate.
constexpr int kMaxTracked = 32;
constexpr std::size_t kMaxTrackedChars = 4352;  // PATH_MAX and the ".partial" suffix

/// The `.partial` files this process has claimed and not yet committed or removed. A slot is
/// written before it is marked used and unmarked before it is reused, so that the handler
/// reads complete names only.
struct Tracked {
  std::array<std::array<char, kMaxTrackedChars>, kMaxTracked> path{};
  std::array<volatile std::sig_atomic_t, kMaxTracked> used{};
};
Tracked g_tracked;  // NOLINT: read by the signal handler (see forget_partial)

/// Remove the tracked `.partial` files (a SignalCleanup: system calls only), and say so. Not
/// in a child forked from the process that claimed them (core/SignalCleanup.h), which
/// inherits the list but not the files, which the parent is still writing.
void remove_partials() noexcept {
  bool removed = false;
  for (int i = 0; i < kMaxTracked; ++i)
    if (g_tracked.used[static_cast<std::size_t>(i)] != 0)
      removed = ::unlink(g_tracked.path[static_cast<std::size_t>(i)].data()) == 0 || removed;
  constexpr char kMessage[] =
      "thermodrift: stopped by a signal; the unfinished output files (.partial) were removed\n";
  if (removed) {
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, kMessage, sizeof kMessage - 1);
  }
}

/// @p file as an absolute name: the handler must find it after a change of directory.
std::string absolute_name(const std::string& file) {
  std::error_code ec;
  const std::filesystem::path p = std::filesystem::absolute(file, ec);
  return ec ? file : p.lexically_normal().string();
}

void track_file(const std::string& file) {
  const std::string tmp = absolute_name(file);
  if (tmp.size() + 1 > kMaxTrackedChars) return;  // not tracked: left for the user to remove
  for (std::size_t i = 0; i < kMaxTracked; ++i) {
    if (g_tracked.used[i] != 0) continue;
    std::copy(tmp.begin(), tmp.end(), g_tracked.path[i].begin());
    g_tracked.path[i][tmp.size()] = '\0';
    std::atomic_signal_fence(std::memory_order_seq_cst);
    g_tracked.used[i] = 1;
    on_stopping_signal(remove_partials);
    return;
  }
}

}  // namespace

void forget_partial(const std::string& path) {
  const std::string tmp = absolute_name(path + ".partial");
  for (std::size_t i = 0; i < kMaxTracked; ++i)
    if (g_tracked.used[i] != 0 && tmp == g_tracked.path[i].data()) {
      g_tracked.used[i] = 0;
      std::atomic_signal_fence(std::memory_order_seq_cst);
    }
}

void claim_partial(const std::string& path, const std::string& way_out) {
  ::close(claim_partial_fd(path, way_out));
}

int claim_partial_fd(const std::string& path, const std::string& way_out) {
  // the last guard of an input (an output name that no set-up check saw, a data file named
  // through another path) and of a directory, which would fail only at the final rename
  if (const std::string why = output_name_problem(path); !why.empty())
    throw IoError(fmt::format("cannot write {}: {}", path, why));
  const std::string tmp = path + ".partial";
  int fd = -1;
  int open_errno = 0;
  {
    // created and registered for removal as one step: a signal between the two left the file
    const StoppingSignalsHeld held;
    fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    open_errno = errno;
    if (fd >= 0) track_file(tmp);
  }
  if (fd >= 0) return fd;
  if (open_errno == EEXIST)
    throw IoError(fmt::format(
        "cannot create {}: it exists: another run is writing {}, or a stopped run left it ({})",
        tmp, path, way_out.empty() ? "remove the file to start afresh" : way_out));
  throw IoError(fmt::format("cannot create {}: {}", tmp, std::strerror(open_errno)));
}

void discard_partial(const std::string& path) {
  std::remove((path + ".partial").c_str());
  forget_partial(path);
}

void write_text_partial(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".partial";
  claim_partial(path);
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) {
    const int err = errno;
    discard_partial(path);
    throw IoError(fmt::format("cannot write {}: {}", path, std::strerror(err)));
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !closed) {
    const int close_err = errno;
    discard_partial(path);
    throw IoError(
        fmt::format("writing {} failed: {}", path, std::strerror(written ? close_err : err)));
  }
}

void write_text_file(const std::string& path, const std::string& text) {
  write_text_partial(path, text);
  try {
    commit_partial(path);
  } catch (const IoError&) {
    discard_partial(path);
    throw;
  }
}

void sync_file(const std::string& file) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError(fmt::format("cannot sync {} to disk: {}", file, std::strerror(errno)));
  const bool synced = ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!synced) throw IoError(fmt::format("cannot sync {} to disk: {}", file, std::strerror(err)));
}

void sync_directory(const std::string& file) {
  const std::filesystem::path parent = std::filesystem::path(file).parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  const auto fail = [&](int err) {
    return IoError(fmt::format(
        "{} is complete, but its directory {} cannot be synced to disk: {} (a crash of the "
        "machine may undo its rename)",
        file, dir, std::strerror(err)));
  };
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  // EINVAL: a file system that cannot sync a directory; nothing more can be done there
  const bool synced = ::fsync(fd) == 0 || errno == EINVAL;
  const int err = errno;
  ::close(fd);
  if (!synced) throw fail(err);
}

void sync_directories(const std::vector<std::string>& files) {
  std::vector<std::string> done;
  for (const auto& file : files) {
    const std::string dir = std::filesystem::path(file).parent_path().string();
    if (std::find(done.begin(), done.end(), dir) != done.end()) continue;
    sync_directory(file);
    done.push_back(dir);
  }
}

void commit_partial(const std::string& path) { commit_partials({path}); }

void commit_partials(const std::vector<std::string>& paths) {
  // every file on disk before the first rename: a failed sync leaves none renamed
  for (const auto& path : paths) sync_file(path + ".partial");
  for (const auto& path : paths) rename_partial(path);
  sync_directories(paths);
}

void rename_partial(const std::string& path) {
  std::error_code ec;
  std::filesystem::rename(path + ".partial", path, ec);
  if (ec) throw IoError(fmt::format("cannot rename {}.partial to {}: {}", path, path, ec.message()));
  forget_partial(path);
}

}  // namespace td
