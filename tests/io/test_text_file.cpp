// Atomic writers (io/TextFile.h claim_partial, used by write_text_file, CsvFile and H5Table)
// refuse, before they create anything, to replace a file the process reads as input (the
// input file, a data file it names, under any of their names) and a directory, which would
// fail only at the final rename, after the work.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "core/Error.h"
#include "core/Input.h"
#include "core/Paths.h"
#include "io/CsvFile.h"
#include "io/TextFile.h"

using namespace td;

TEST(AtomicWriters, RefuseInputFilesAndDirectoriesBeforeCreatingAnything) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / "td_text_file";
  fs::remove_all(dir);
  fs::create_directories(dir / "data" / "folder");
  std::ofstream(dir / "data" / "table.dat") << "1 2\n";
  fs::create_symlink(dir / "data" / "table.dat", dir / "link.dat");
  std::ofstream(dir / "case.toml") << "x = 1\n";
  InputSection doc = InputSection::parse_file((dir / "case.toml").string());
  input_path(doc, "data/table.dat");
  auto refused = [&](const fs::path& p, const std::string& why) {
    try {
      write_text_file(p.string(), "overwritten\n");
      ADD_FAILURE() << p << " written";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    try {
      CsvFile csv(p.string(), "title", "");
      ADD_FAILURE() << p << " claimed";
    } catch (const IoError& e) {
      EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(p.string() + ".partial")) << p;
  };
  refused(dir / "case.toml", "an input of this run");
  refused(dir / "data" / "table.dat", "an input of this run");
  refused(dir / "link.dat", "an input of this run");
  refused(dir / "data" / "folder", "it is a directory");
  std::ifstream in(dir / "data" / "table.dat");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()),
            "1 2\n");
  // any other name is written
  write_text_file((dir / "data" / "out.txt").string(), "result\n");
  EXPECT_TRUE(fs::is_regular_file(dir / "data" / "out.txt"));
}

// A child forked from a process that claimed a `.partial` (a Python worker, say) and then
// stopped by SIGTERM leaves the parent's claim alone; the process that claimed it removes it
// (test_signal_partials.py runs that case through the executable).
TEST(AtomicWriters, AForkedChildStoppedBySignalLeavesItsParentsPartialFiles) {
  GTEST_FLAG_SET(death_test_style, "fast");  // forked without exec: the claim is inherited
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("td_forked_partial_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string out = (dir / "result.h5").string();
  td::claim_partial(out);
  ASSERT_TRUE(std::filesystem::exists(out + ".partial"));
  auto stop_child = []() {
    // the clean-up handler that the claim installed (core/SignalCleanup.h), else status 3
    struct sigaction act {};
    ::sigaction(SIGTERM, nullptr, &act);
    if (act.sa_handler == SIG_DFL || act.sa_handler == SIG_IGN) std::_Exit(3);
    std::raise(SIGTERM);
    std::_Exit(4);
  };
  EXPECT_EXIT(stop_child(), testing::KilledBySignal(SIGTERM), "");
  EXPECT_TRUE(std::filesystem::exists(out + ".partial")) << "the child removed its parent's claim";
  td::discard_partial(out);
  std::filesystem::remove_all(dir);
}
