/// When the thermodrift executable restarts itself with glibc's huge-page malloc tunable
/// (core/HugePages.h), and what it then asks glibc for.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <vector>

#include "core/HugePages.h"

namespace {
const std::string kMadvise = "always [madvise] never";
const std::string kAlways = "[always] madvise never";
const std::string kNever = "always madvise [never]";
constexpr std::size_t kMiB = std::size_t{1} << 20;
}  // namespace

TEST(HugePages, RestartsAddingTheTunableWhereTheKernelOffersHugePages) {
  EXPECT_EQ(td::huge_page_tunables(nullptr, nullptr, nullptr, kMadvise), "glibc.malloc.hugetlb=1");
  EXPECT_EQ(td::huge_page_tunables(nullptr, "1", nullptr, kAlways), "glibc.malloc.hugetlb=1");
}

TEST(HugePages, KeepsTheUsersOtherTunables) {
  EXPECT_EQ(td::huge_page_tunables("glibc.malloc.arena_max=2", nullptr, nullptr, kMadvise),
            "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1");
}

TEST(HugePages, NoRestartWhenOffAlreadySetRestartedOrUnsupported) {
  EXPECT_FALSE(td::huge_page_tunables(nullptr, "0", nullptr, kMadvise));
  EXPECT_FALSE(td::huge_page_tunables("glibc.malloc.hugetlb=0", nullptr, nullptr, kMadvise));
  EXPECT_FALSE(td::huge_page_tunables(nullptr, nullptr, "1", kMadvise));
  EXPECT_FALSE(td::huge_page_tunables(nullptr, nullptr, nullptr, kNever));
  EXPECT_FALSE(td::huge_page_tunables(nullptr, nullptr, nullptr, ""));
}

// The thread populates fresh heap memory (every page of its range resident once it is
// joined) and leaves what this thread writes there meanwhile as written.
namespace {
/// Whether the kernel takes MADV_POPULATE_WRITE (Linux 5.14 and later).
bool kernel_populates() {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  void* p = mmap(nullptr, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return false;
  constexpr int kPopulateWrite = 23;  // MADV_POPULATE_WRITE, for older C library headers
  const bool ok = madvise(p, page, kPopulateWrite) == 0;
  munmap(p, page);
  return ok;
}
}  // namespace

TEST(HugePages, PrefaultPopulatesFreshHeapAndKeepsWhatIsWrittenMeanwhile) {
  if (!kernel_populates()) GTEST_SKIP() << "the kernel lacks MADV_POPULATE_WRITE";
  unsetenv(td::kPrefaultVariable);
  td::keep_freed_memory();  // as the thermodrift program does first: blocks from the heap
  const std::size_t written = 16 * kMiB;
  unsigned char* p = nullptr;
  const unsigned char* begin = nullptr;
  std::size_t bytes = 0;
  {
    const td::HeapPrefault prefault(64 * kMiB);
    begin = static_cast<const unsigned char*>(prefault.begin());
    bytes = prefault.bytes();
    ASSERT_GE(bytes, 63 * kMiB);
    // the low end of the range, taken and written while the thread populates it
    p = static_cast<unsigned char*>(std::malloc(written));
    ASSERT_NE(p, nullptr);
    // (the range starts at the first whole page of the heap's new part)
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    ASSERT_TRUE(p + page > begin && p + written <= begin + bytes);
    for (std::size_t i = 0; i < written; ++i) p[i] = static_cast<unsigned char>(i * 31 + 7);
  }
  std::size_t wrong = 0;
  for (std::size_t i = 0; i < written; ++i)
    wrong += p[i] != static_cast<unsigned char>(i * 31 + 7) ? 1 : 0;
  EXPECT_EQ(wrong, 0U);
  std::free(p);
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((bytes + page - 1) / page);
  ASSERT_EQ(mincore(const_cast<unsigned char*>(begin), bytes, resident.data()), 0);
  std::size_t absent = 0;
  for (unsigned char r : resident) absent += (r & 1U) != 0 ? 0 : 1;
  EXPECT_EQ(absent, 0U) << "of " << resident.size() << " pages";
}

TEST(HugePages, NoPrefaultWhenOffOrSmall) {
  unsetenv(td::kPrefaultVariable);
  td::keep_freed_memory();
  EXPECT_EQ(td::HeapPrefault(td::kPrefaultMinBytes / 2).bytes(), 0U);
  setenv(td::kPrefaultVariable, "0", 1);
  EXPECT_EQ(td::HeapPrefault(64 * kMiB).bytes(), 0U);
  unsetenv(td::kPrefaultVariable);
}
