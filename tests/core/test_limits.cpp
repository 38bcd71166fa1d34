// Input limits checked before toml11 parses (core/Limits.h): nesting depth, dotted-key parts,
// line length, file size; each error names the file and the line.
#include <gtest/gtest.h>

#include <string>

#include "core/Input.h"
#include "core/Limits.h"

using namespace td;

namespace {

// The message of the InputError that parsing @p text throws ("" if none).
std::string parse_error(const std::string& text) {
  try {
    InputSection::parse_string(text, "case.toml");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace

TEST(InputLimits, DeepNestingIsRefusedWithItsLine) {
  const int deep = limits::kMaxNesting + 1;
  const std::string arrays = "a = 1\nb = " + repeat("[", deep) + "1" + repeat("]", deep) + "\n";
  EXPECT_NE(parse_error(arrays).find("case.toml:2"), std::string::npos) << parse_error(arrays);
  const std::string tables = "x = " + repeat("{a = ", 10000) + "1" + repeat("}", 10000) + "\n";
  EXPECT_NE(parse_error(tables).find("nested deeper"), std::string::npos);
  // at the limit it parses
  const int ok = limits::kMaxNesting;
  EXPECT_EQ(parse_error("b = " + repeat("[", ok) + "1" + repeat("]", ok) + "\n"), "");
}

TEST(InputLimits, BracketsInsideStringsAndCommentsAreNotNesting) {
  const std::string text = "s = \"" + repeat("[{", 100) + "\"\nt = '''\n" + repeat("[", 100) +
                           "\n'''\n# " + repeat("[", 100) + "\nu = \"a\\\"[\"\n";
  EXPECT_EQ(parse_error(text), "");
}

TEST(InputLimits, LongDottedKeysAndLongLinesAreRefused) {
  std::string key = "k";
  for (int i = 0; i < limits::kMaxKeyParts; ++i) key += ".k";
  EXPECT_NE(parse_error(key + " = 1\n").find("dotted key"), std::string::npos);
  std::string arr = "a = [0.5";
  while (arr.size() <= limits::kMaxLineLength) arr += ", 0.5";
  EXPECT_NE(parse_error(arr + "]\n").find("line longer"), std::string::npos);
  // the same entries one per line parse (and numbers with a dot are not key parts)
  std::string lines = "a = [\n";
  for (int i = 0; i < 2000; ++i) lines += "1.5,\n";
  EXPECT_EQ(parse_error(lines + "]\n"), "");
}

TEST(InputLimits, OversizedInputIsRefused) {
  const std::string big(limits::kMaxInputBytes + 1, '\n');
  EXPECT_NE(parse_error(big).find("exceeds the limit"), std::string::npos);
}

TEST(InputLimits, MemoryAndStepChecks) {
  const SourceLocation at{"case.toml", 3, "mesh.x.cells"};
  EXPECT_NO_THROW(limits::check_memory(at, 1e3, 8.0, "cells"));
  EXPECT_THROW(limits::check_memory(at, 1e30, 8.0, "cells"), InputError);
  EXPECT_THROW(limits::check_steps(at, 1e308, "t_end / dt"), InputError);
  EXPECT_THROW(limits::check_steps(at, std::numeric_limits<double>::quiet_NaN(), "t_end / dt"),
               InputError);
  EXPECT_THROW(limits::to_int(at, 1L << 40, "cells"), InputError);
  EXPECT_EQ(limits::to_int(at, 7, "cells"), 7);
}

TEST(InputLimits, NumbersBeyondTheirTypeAreRefusedWithKeyAndLine) {
  // toml11 kept the largest value of the type for a number that overflowed: two different
  // seeds ran as the same one, and 1e999 became the largest double
  const std::pair<const char*, const char*> refused[] = {
      {"[kmc]\nseed = 9223372036854775808\n", "key 'kmc.seed'"},
      {"[kmc]\nseed = -99999999999999999999\n", "key 'kmc.seed'"},
      {"a = 1\n[t]\nT_ref = 1e999\n", "case.toml:3: key 't.T_ref'"},
      {"[t]\ngradient = [0.0, -1e400]\n", "key 't.gradient'"}};
  for (const auto& [text, where] : refused) {
    try {
      td::InputSection::parse_string(text, "case.toml");
      ADD_FAILURE() << text << " accepted";
    } catch (const td::InputError& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("outside the range of a"), std::string::npos)
          << e.what();
    }
  }
  // numbers within range are kept as written
  auto doc = td::InputSection::parse_string(
      "seed = 9223372036854775806\nsmall = -9223372036854775807\nbig = 1.7e308\n", "case.toml");
  EXPECT_TRUE(doc.has("seed"));
}
