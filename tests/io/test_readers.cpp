// LAMMPS output readers: values read back from hand-written files in LAMMPS's formats, and
// malformed or truncated files rejected with file and line.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/Error.h"
#include "io/Readers.h"

namespace td::md {
namespace {

std::string write_tmp(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "td_md_readers";
  std::filesystem::create_directories(dir);
  const auto p = (dir / name).string();
  std::ofstream(p) << text;
  return p;
}

/// Expect an IoError whose message contains @p where (e.g. "file:7").
template <class F>
void expect_error_at(F&& f, const std::string& where) {
  try {
    f();
    FAIL() << "no error thrown";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
  }
}

const char* kLog = R"(LAMMPS (29 Sep 2021 - Update 2)
units lj
Step Temp E_pair TotEng
       0          1.5   -6.7733681   -4.5744931
     100   0.75631614   -5.7585057   -4.6494591
WARNING: something harmless
     200   0.74893201   -5.7526208   -4.6538008
Loop time of 0.25 on 1 procs for 200 steps with 4000 atoms

Step Temp PotEng
     200   0.74893201   -5.75
     300   0.7   -5.7
)";

TEST(LogReader, ReadsRunsAndFlagsUnfinished) {
  const auto p = write_tmp("log.lammps", kLog);
  const auto runs = read_log_thermo(p);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_TRUE(runs[0].complete);
  EXPECT_FALSE(runs[1].complete);
  ASSERT_EQ(runs[0].table.rows.size(), 3u);
  EXPECT_DOUBLE_EQ(runs[0].table.col("Temp")[1], 0.75631614);
  EXPECT_EQ(runs[1].table.columns.size(), 3u);
  EXPECT_DOUBLE_EQ(runs[1].table.col("Step")[1], 300);
}

TEST(LogReader, TruncatedRowNamesFileAndLine) {
  std::string bad = kLog;
  bad += "     400   0.7\n";  // line 13, cut short
  const auto p = write_tmp("log_bad.lammps", bad);
  expect_error_at([&] { read_log_thermo(p); }, p + ":13");
}

const char* kChunk = R"(# Chunk-averaged data for fix prof and group all
# Timestep Number-of-chunks Total-count
# Chunk Coord1 Ncount density/number temp
1000 3 30
  1 0.5 10 0.8 1.1
  2 1.5 12 0.9 1.0
  3 2.5 8 0.7 0.9
2000 3 30
  1 0.5 12 0.8 1.3
  2 1.5 10 0.9 1.0
  3 2.5 8 0.7 0.7
)";

TEST(ChunkReader, ReadsBlocksAndAverages) {
  const auto p = write_tmp("prof.chunk", kChunk);
  const auto b = read_ave_chunk(p);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].timestep, 2000);
  EXPECT_EQ(b[0].table.columns[4], "temp");
  const auto avg = average_blocks(b, 0);
  EXPECT_DOUBLE_EQ(avg.col("temp")[0], 1.2);
  EXPECT_DOUBLE_EQ(avg.col("Ncount")[0], 11.0);
  EXPECT_DOUBLE_EQ(average_blocks(b, 1).col("temp")[2], 0.7);
}

TEST(ChunkReader, TruncatedBlockNamesFileAndLine) {
  std::string bad(kChunk);
  bad = bad.substr(0, bad.rfind("  3 2.5"));  // last block lacks its third row
  const auto p = write_tmp("prof_trunc.chunk", bad);
  expect_error_at([&] { read_ave_chunk(p); }, p + ":10: unexpected end of file");
  const auto q = write_tmp("prof_bad.chunk", std::string(kChunk) + "3000 3 30\n  1 0.5 x 1 1\n");
  expect_error_at([&] { read_ave_chunk(q); }, q + ":13");
}

// The md set-ups write their units line as the first header line (fix ave/chunk title1): the
// blocks carry it, the columns are still those of the third line; without it, no units.
TEST(ChunkReader, UnitsLineInPlaceOfTheFirstHeaderLine) {
  std::string text(kChunk);
  text.replace(0, text.find('\n'), units_comment("LAMMPS metal"));
  const auto b = read_ave_chunk(write_tmp("prof_units.chunk", text));
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].table.units, "LAMMPS metal");
  EXPECT_EQ(b[0].table.columns[4], "temp");
  EXPECT_EQ(average_blocks(b, 0).units, "LAMMPS metal");
  EXPECT_EQ(read_ave_chunk(write_tmp("prof_plain.chunk", kChunk))[0].table.units, "");
}

const char* kDump = R"(ITEM: TIMESTEP
0
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS pp pp pp
0 10
0 10
0 20
ITEM: ATOMS id type x y z
1 1 1.0 2.0 3.0
2 2 4.0 5.0 6.0
ITEM: TIMESTEP
100
ITEM: NUMBER OF ATOMS
2
ITEM: BOX BOUNDS pp pp pp
0 10
0 10
0 20
ITEM: ATOMS id type x y z
1 1 1.5 2.0 3.0
2 2 4.5 5.0 6.0
)";

TEST(DumpReader, ReadsFramesAndRejectsShortFrame) {
  const auto p = write_tmp("d.dump", kDump);
  const auto f = read_dump(p);
  ASSERT_EQ(f.size(), 2u);
  EXPECT_EQ(f[1].timestep, 100);
  EXPECT_DOUBLE_EQ(f[0].hi[2], 20);
  EXPECT_DOUBLE_EQ(f[1].atoms.col("x")[1], 4.5);
  std::string bad(kDump);
  bad = bad.substr(0, bad.rfind("2 2 4.5"));
  const auto q = write_tmp("d_trunc.dump", bad);
  expect_error_at([&] { read_dump(q); }, q + ":21: unexpected end of file");
  expect_error_at([&] { read_dump("/nonexistent/x.dump"); }, "/nonexistent/x.dump: cannot open");
}

}  // namespace
}  // namespace td::md
