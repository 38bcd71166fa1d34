/// When the thermodrift executable restarts itself with glibc's huge-page malloc tunable
/// (core/HugePages.h), and what it then asks glibc for.
#include <gtest/gtest.h>

#include "core/HugePages.h"

namespace {
const std::string kMadvise = "always [madvise] never";
const std::string kAlways = "[always] madvise never";
const std::string kNever = "always madvise [never]";
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
