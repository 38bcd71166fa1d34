/// @file fail_write_shim.cpp  An LD_PRELOAD library for tests/io/test_failed_write.py: fails
/// the N-th call that writes to or syncs a file under a given directory, as a full disk would,
/// so that a test can fail every single write of a run in turn.
///
/// Environment:
///   TD_SHIM_DIR       only files whose path starts with it count (the test's directory);
///   TD_SHIM_FAIL_AT   the call to fail, counting from 1 (0 or unset: none);
///   TD_SHIM_ERRNO     its errno (default ENOSPC);
///   TD_SHIM_COUNT_TO  a file to which the process writes, at its normal exit, the number of
///                     calls counted;
///   TD_SHIM_UNSYNCED_TO  a file to which every rename of a watched file written since its
///                     last fsync (or fdatasync) appends a line "<from> -> <to>": a file must
///                     be on disk before a rename gives it its final name.
/// Counted: write, pwrite, pwrite64, writev, pwritev, fsync, fdatasync.
#include <dlfcn.h>
#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

namespace {

std::atomic<long> g_calls{0};

/// Watched files written since their last sync, by path.
std::mutex g_mutex;
std::set<std::string> g_dirty;

/// Whether @p path is under TD_SHIM_DIR.
bool watched(const char* path) {
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
    if (sync)
      g_dirty.erase(path);
    else
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

__attribute__((destructor)) void report_count() {
  const char* to = std::getenv("TD_SHIM_COUNT_TO");
  if (to == nullptr) return;
  if (std::FILE* f = std::fopen(to, "a")) {
    std::fprintf(f, "%ld\n", g_calls.load());
    std::fclose(f);
  }
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
    const char* log = std::getenv("TD_SHIM_UNSYNCED_TO");
    if (g_dirty.erase(from) != 0 && log != nullptr)
      if (std::FILE* f = std::fopen(log, "a")) {
        std::fprintf(f, "%s -> %s\n", from, to);
        std::fclose(f);
      }
  }
  return next<int (*)(const char*, const char*)>("rename")(from, to);
}

}  // extern "C"
