/// @file fail_write_shim.cpp  An LD_PRELOAD library for tests/io/test_failed_write.py: fails
/// the N-th call that writes to or syncs a file under a given directory, as a full disk would,
/// so that a test can fail every single write of a run in turn.
///
/// Environment:
///   TD_SHIM_DIR       only files whose path starts with it count (the test's directory);
///   TD_SHIM_RANK      if set, only the process of this MPI rank counts (OMPI_COMM_WORLD_RANK,
///                     which mpirun gives each process);
///   TD_SHIM_FAIL_AT   the call to fail, counting from 1 (0 or unset: none);
///   TD_SHIM_ERRNO     its errno (default ENOSPC);
///   TD_SHIM_COUNT_TO  a file to which the process writes, at its normal exit, the number of
///                     calls counted;
///   TD_SHIM_UNSYNCED_TO  a file to which every rename of a watched file written since its
///                     last fsync (or fdatasync) appends a line "<from> -> <to>": a file must
///                     be on disk before a rename gives it its final name; "<name>:
///                     directory not synced ..." when a rename gives a name again before the
///                     directory was synced after the previous one; and, at the process's
///                     normal exit, "<dir>: directory not synced after a rename into it" for
///                     every watched directory that a rename changed after the directory's
///                     last fsync: the rename itself must be on disk too. (Renames to the
///                     sidecar of a run in progress, `.partial.xmf`, are not judged.)
/// Counted: write, pwrite, pwrite64, writev, pwritev, fsync, fdatasync.
#include <dlfcn.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <mutex>
#include <set>
#include <string>

namespace {

std::atomic<long> g_calls{0};

/// Watched files written since their last sync, by path.
std::mutex g_mutex;
std::set<std::string> g_dirty;
/// Final names given by a rename since their directory's last sync (the sidecar of a run in
/// progress, rewritten at every snapshot and renamed unsynced, aside).
std::set<std::string> g_renamed_unsynced;

/// The directory of @p path.
std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

/// Append @p line to the TD_SHIM_UNSYNCED_TO log, if there is one.
void log_unsynced(const std::string& line) {
  if (const char* log = std::getenv("TD_SHIM_UNSYNCED_TO"))
    if (std::FILE* f = std::fopen(log, "a")) {
      std::fprintf(f, "%s\n", line.c_str());
      std::fclose(f);
    }
}

/// Whether @p path is under TD_SHIM_DIR.
bool watched(const char* path) {
  const char* only = std::getenv("TD_SHIM_RANK");
  const char* rank = std::getenv("OMPI_COMM_WORLD_RANK");
  if (only != nullptr && (rank == nullptr || std::strcmp(only, rank) != 0)) return false;
  const char* dir = std::getenv("TD_SHIM_DIR");
  return dir != nullptr && *dir != '\0' && std::strncmp(path, dir, std::strlen(dir)) == 0;
}

/// The path of @p fd, empty if it is not a watched file.
std::string watched_path(int fd) {
  if (fd < 0) return {};
  char link[64];
  char path[4096];
  std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  const ssize_t n = ::readlink(link, path, sizeof path - 1);
  if (n <= 0) return {};
  path[n] = '\0';
  return watched(path) ? std::string(path) : std::string();
}

/// True when this call on @p fd is the one to fail (errno is then set). A successful call
/// marks the file written (@p sync false) or synced.
bool fail_now(int fd, bool sync) {
  const std::string path = watched_path(fd);
  if (path.empty()) return false;
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    if (sync) {
      g_dirty.erase(path);
      for (auto it = g_renamed_unsynced.begin(); it != g_renamed_unsynced.end();)
        it = parent_of(*it) == path ? g_renamed_unsynced.erase(it) : std::next(it);
    } else
      g_dirty.insert(path);
  }
  const long call = ++g_calls;
  const char* at = std::getenv("TD_SHIM_FAIL_AT");
  if (at == nullptr || std::atol(at) != call) return false;
  const char* e = std::getenv("TD_SHIM_ERRNO");
  errno = e != nullptr ? std::atoi(e) : ENOSPC;
  return true;
}

template <class F>
F next(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

__attribute__((destructor)) void report_at_exit() {
  if (const char* to = std::getenv("TD_SHIM_COUNT_TO"))
    if (std::FILE* f = std::fopen(to, "a")) {
      std::fprintf(f, "%ld\n", g_calls.load());
      std::fclose(f);
    }
  std::set<std::string> dirs;
  for (const auto& name : g_renamed_unsynced) dirs.insert(parent_of(name));
  for (const auto& dir : dirs) log_unsynced(dir + ": directory not synced after a rename into it");
}

}  // namespace

extern "C" {

ssize_t write(int fd, const void* buf, size_t count) {
  if (fail_now(fd, false)) return -1;
  return next<ssize_t (*)(int, const void*, size_t)>("write")(fd, buf, count);
}

ssize_t pwrite(int fd, const void* buf, size_t count, off_t off) {
  if (fail_now(fd, false)) return -1;
  return next<ssize_t (*)(int, const void*, size_t, off_t)>("pwrite")(fd, buf, count, off);
}

ssize_t pwrite64(int fd, const void* buf, size_t count, off64_t off) {
  if (fail_now(fd, false)) return -1;
  return next<ssize_t (*)(int, const void*, size_t, off64_t)>("pwrite64")(fd, buf, count, off);
}

ssize_t writev(int fd, const struct iovec* iov, int n) {
  if (fail_now(fd, false)) return -1;
  return next<ssize_t (*)(int, const struct iovec*, int)>("writev")(fd, iov, n);
}

ssize_t pwritev(int fd, const struct iovec* iov, int n, off_t off) {
  if (fail_now(fd, false)) return -1;
  return next<ssize_t (*)(int, const struct iovec*, int, off_t)>("pwritev")(fd, iov, n, off);
}

int fsync(int fd) {
  if (fail_now(fd, true)) return -1;
  return next<int (*)(int)>("fsync")(fd);
}

int fdatasync(int fd) {
  if (fail_now(fd, true)) return -1;
  return next<int (*)(int)>("fdatasync")(fd);
}

int rename(const char* from, const char* to) {
  if (watched(from)) {
    const std::lock_guard<std::mutex> lock(g_mutex);
    if (g_dirty.erase(from) != 0) log_unsynced(std::string(from) + " -> " + to);
    const std::string name = to;
    const std::string in_progress = ".partial.xmf";
    const bool final_name =
        name.size() < in_progress.size() ||
        name.compare(name.size() - in_progress.size(), in_progress.size(), in_progress) != 0;
    // a name given twice without a directory sync between: the first rename never reached
    // the disk (a checkpoint replaced before its directory was synced, say)
    if (final_name && !g_renamed_unsynced.insert(name).second)
      log_unsynced(name + ": directory not synced after a rename into it, before the next");
  }
  return next<int (*)(const char*, const char*)>("rename")(from, to);
}

}  // extern "C"
