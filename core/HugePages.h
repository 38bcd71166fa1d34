#pragma once
/// @file HugePages.h  Large heap blocks on transparent huge pages for the thermodrift
/// processes, through glibc's own malloc tunable (glibc.malloc.hugetlb=1: malloc advises
/// MADV_HUGEPAGE on the memory it maps).
///
/// Why: a steady solve on a 1024^2 mesh touches several hundred MiB of fresh memory (the
/// matrix, the multigrid or AMG hierarchy, the Krylov vectors, the output arrays). With 4 KiB
/// pages that was about 110,000 page faults and a quarter of the run's time; with 2 MiB pages
/// about 8,000. glibc reads its tunables only when a process starts, hence a restart.
#include <cstddef>
#include <optional>
#include <string>
#include <thread>

namespace td {

/// The environment variable that turns the restart off when set to "0".
inline constexpr const char* kHugePagesVariable = "THERMODRIFT_HUGE_PAGES";
/// Set in the restarted process, so that it never restarts again.
inline constexpr const char* kHugePagesRestartedVariable = "THERMODRIFT_HUGE_PAGES_RESTARTED";

/// The GLIBC_TUNABLES value to restart with, or nothing when no restart is wanted: the user
/// turned it off (@p opt_out "0"), this is the restarted process (@p restarted non-null),
/// the tunables already name glibc.malloc.hugetlb, or the kernel has transparent huge pages
/// off (@p thp_mode, the first line of /sys/kernel/mm/transparent_hugepage/enabled, empty
/// when unreadable, without "[always]" or "[madvise]"). Other tunables are kept. Null
/// arguments stand for unset variables.
std::optional<std::string> huge_page_tunables(const char* tunables, const char* opt_out,
                                              const char* restarted, const std::string& thp_mode);

/// Restart this process (execv of /proc/self/exe with @p argv unchanged) with
/// huge_page_tunables from the environment, when it asks for a restart. Call first thing in
/// main, before MPI is initialised (the restarted process keeps its process id, so mpirun
/// and its daemons see the same process). Returns only when there is no restart or the
/// exec failed (the run then goes on with ordinary pages).
void restart_with_huge_pages(char** argv);

/// Keep freed heap blocks in the process for reuse (glibc mallopt): blocks up to 32 MiB come
/// from the heap instead of their own mappings, and the heap is never trimmed.
///
/// Why: memory the kernel hands out fresh is zeroed on its first touch, and on this machine
/// class (a virtual machine) that costs about as much as the work done in it. A steady run
/// frees its solver (Krylov vectors, the multigrid hierarchy) before it writes its output;
/// with glibc's defaults those blocks went back to the kernel and the output arrays faulted
/// fresh pages again (1024^2: output phase 0.26-0.31 s against 0.16-0.21 s reusing them).
/// Call first thing in main; every later allocation follows it.
void keep_freed_memory();

/// Fresh heap memory made present by a second thread while this one goes on (RAII: the
/// destructor waits for it).
///
/// Why: on this machine class a page's first touch costs about 1 ms per MiB when the virtual
/// machine's host has to back it (after a few idle seconds), and a steady run at 1024^2
/// touches about 240 MiB for the first time, most of it in its set-up and solve (the mesh's
/// arrays, the matrix, the multigrid's levels, the Krylov vectors). The constructor grows
/// the heap by @p bytes (at most 1 GiB) at once (blocks taken and given back at the heap's top,
/// which keep_freed_memory keeps) and a thread asks the kernel to populate those pages (madvise
/// MADV_POPULATE_WRITE) from the low end up, ahead of this thread's allocations, which take them in
/// the same order. Populating leaves the contents as they are, so it is safe on memory already in
/// use; a page this thread reaches first it faults itself. Nothing is done where it cannot help:
/// below kPrefaultMinBytes, where the blocks come from their own mappings (keep_freed_memory not in
/// force: the Python module, say; where glibc there serves them from the heap and trims it again,
/// the thread stops at the first page no longer mapped), where no thread can be started, or where
/// the kernel lacks MADV_POPULATE_WRITE (Linux before 5.14; the thread then stops at its first
/// call). THERMODRIFT_PREFAULT=0 turns it off. Measured figures: docs/usage.md.
class HeapPrefault {
 public:
  /// Start populating about @p bytes of fresh heap memory.
  explicit HeapPrefault(std::size_t bytes);
  ~HeapPrefault();
  HeapPrefault(const HeapPrefault&) = delete;
  HeapPrefault& operator=(const HeapPrefault&) = delete;
  /// The first byte of the memory handed to the thread.
  const void* begin() const { return begin_; }
  /// The bytes handed to the thread (0: nothing is populated).
  std::size_t bytes() const { return bytes_; }

 private:
  const void* begin_ = nullptr;
  std::size_t bytes_ = 0;
  std::thread worker_;
};

/// The environment variable that turns HeapPrefault off when set to "0".
inline constexpr const char* kPrefaultVariable = "THERMODRIFT_PREFAULT";
/// Below this many bytes HeapPrefault does nothing: a thread's start is not worth it.
inline constexpr std::size_t kPrefaultMinBytes = std::size_t{32} << 20;

}  // namespace td
