#include "core/HugePages.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>

namespace td {

namespace {

/// The glibc malloc tunable asking for transparent huge pages on mapped memory.
constexpr const char* kHugeTlbTunable = "glibc.malloc.hugetlb";
/// Largest block served from the heap (glibc's ceiling for M_MMAP_THRESHOLD on 64-bit
/// systems, HEAP_MAX_SIZE / 2): a 1024^2 field is 8 MiB, a 3-component one 24 MiB.
constexpr int kLargestHeapBlock = 32 * 1024 * 1024;
/// Free memory at the top of the heap kept rather than returned (M_TRIM_THRESHOLD): all of it.
constexpr int kNeverTrim = std::numeric_limits<int>::max();

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

}  // namespace td
