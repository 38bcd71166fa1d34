#include "core/HugePages.h"

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>
#include <vector>

namespace td {

namespace {

/// The glibc malloc tunable asking for transparent huge pages on mapped memory.
constexpr const char* kHugeTlbTunable = "glibc.malloc.hugetlb";
/// Largest block served from the heap (glibc's ceiling for M_MMAP_THRESHOLD on 64-bit
/// systems, HEAP_MAX_SIZE / 2): a 1024^2 field is 8 MiB, a 3-component one 24 MiB.
constexpr int kLargestHeapBlock = 32 * 1024 * 1024;
/// Free memory at the top of the heap kept rather than returned (M_TRIM_THRESHOLD): all of it.
constexpr int kNeverTrim = std::numeric_limits<int>::max();

/// Size of the blocks that grow the heap for HeapPrefault: below glibc's mmap threshold
/// as keep_freed_memory sets it, so they come from the heap.
constexpr std::size_t kPrefaultBlock = std::size_t{16} << 20;
/// Most HeapPrefault populates: below kNeverTrim, which glibc's trim test compares with.
constexpr std::size_t kPrefaultMaxBytes = std::size_t{1} << 30;
/// Pages populated per madvise call, from the low end up: a transparent huge page.
constexpr std::size_t kPrefaultStep = std::size_t{2} << 20;
#ifndef MADV_POPULATE_WRITE
/// Linux 5.14's advice (the value of its uapi header), for older C library headers.
constexpr int MADV_POPULATE_WRITE = 23;
#endif

}  // namespace

std::optional<std::string> huge_page_tunables(const char* tunables, const char* opt_out,
                                              const char* restarted, const std::string& thp_mode) {
  if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return std::nullopt;
  if (restarted != nullptr) return std::nullopt;
  const std::string now = tunables != nullptr ? tunables : "";
  if (now.find(kHugeTlbTunable) != std::string::npos) return std::nullopt;
  if (thp_mode.find("[always]") == std::string::npos &&
      thp_mode.find("[madvise]") == std::string::npos)
    return std::nullopt;
  const std::string mine = std::string(kHugeTlbTunable) + "=1";
  return now.empty() ? mine : now + ":" + mine;
}

void restart_with_huge_pages(char** argv) {
  std::string thp_mode;
  std::ifstream enabled("/sys/kernel/mm/transparent_hugepage/enabled");
  std::getline(enabled, thp_mode);
  const auto tunables =
      huge_page_tunables(std::getenv("GLIBC_TUNABLES"), std::getenv(kHugePagesVariable),
                         std::getenv(kHugePagesRestartedVariable), thp_mode);
  if (!tunables) return;
  const char* before = std::getenv("GLIBC_TUNABLES");
  const std::string previous = before != nullptr ? before : "";
  if (setenv("GLIBC_TUNABLES", tunables->c_str(), 1) == 0 &&
      setenv(kHugePagesRestartedVariable, "1", 1) == 0)
    execv("/proc/self/exe", argv);
  // no restart (no /proc, say): go on in this process with ordinary pages and the environment
  // it started with, which its child processes inherit
  if (before != nullptr)
    setenv("GLIBC_TUNABLES", previous.c_str(), 1);
  else
    unsetenv("GLIBC_TUNABLES");
  unsetenv(kHugePagesRestartedVariable);
}

void keep_freed_memory() {
  // Failures leave glibc's defaults: slower, not wrong.
  mallopt(M_MMAP_THRESHOLD, kLargestHeapBlock);
  mallopt(M_TRIM_THRESHOLD, kNeverTrim);
}

HeapPrefault::HeapPrefault(std::size_t bytes) {
  const char* off = std::getenv(kPrefaultVariable);
  if ((off != nullptr && std::strcmp(off, "0") == 0) || bytes < kPrefaultMinBytes) return;
  // glibc trims a free top of the heap of kNeverTrim bytes or more even so: beyond that the
  // blocks' memory would go back to the kernel as soon as they are given back
  bytes = std::min(bytes, kPrefaultMaxBytes);
  // Grow the heap by whole blocks; they are given back at once, to the top of the heap,
  // which later allocations then take from its low end up.
  const std::size_t mapped_before = mallinfo2().hblks;
  std::vector<void*> blocks;
  blocks.reserve(bytes / kPrefaultBlock + 1);
  for (std::size_t got = 0; got < bytes; got += kPrefaultBlock) {
    void* p = std::malloc(kPrefaultBlock);
    if (p == nullptr) break;
    blocks.push_back(p);
  }
  if (blocks.empty()) return;
  auto lo = reinterpret_cast<std::uintptr_t>(blocks.front());
  auto hi = reinterpret_cast<std::uintptr_t>(blocks.back()) + kPrefaultBlock;
  // Blocks in ascending order below the program break, none of them a mapping of its own
  // (glibc's count of those unchanged), are the heap's; mappings are unmapped by free.
  bool heap = reinterpret_cast<std::uintptr_t>(sbrk(0)) >= hi && mallinfo2().hblks == mapped_before;
  for (std::size_t i = 1; i < blocks.size(); ++i)
    heap = heap && reinterpret_cast<std::uintptr_t>(blocks[i]) >
                       reinterpret_cast<std::uintptr_t>(blocks[i - 1]);
  for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) std::free(*b);
  if (!heap) return;
  const auto page = static_cast<std::uintptr_t>(sysconf(_SC_PAGESIZE));
  lo = (lo + page - 1) / page * page;
  hi = hi / page * page;
  if (hi <= lo) return;
  // Ahead of this thread's allocations, which take the range from its low end up: what
  // they reach is mostly present already.
  auto populate = [lo, hi] {
    for (std::uintptr_t begin = lo; begin < hi;) {
      const std::uintptr_t end = hi - begin > kPrefaultStep ? begin + kPrefaultStep : hi;
      // a failure (advice unknown to the kernel, say) only ends the help
      if (madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE) != 0) return;
      begin = end;
    }
  };
  // The thread takes no signal (PETSc's handlers, say, run in the run's thread): blocked
  // while it is created, it inherits the full mask.
  sigset_t all, previous;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  try {
    worker_ = std::thread(populate);
  } catch (const std::system_error&) {
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return;  // no thread to spare: the run faults its pages itself
  }
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  begin_ = reinterpret_cast<const void*>(lo);
  bytes_ = hi - lo;
}

HeapPrefault::~HeapPrefault() {
  if (worker_.joinable()) worker_.join();
}

}  // namespace td
