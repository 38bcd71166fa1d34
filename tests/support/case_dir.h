#pragma once
// Run a `thermodrift` subcommand on a case file written into a fresh directory, and check
// what a failed run must do: non-zero exit, a message with the given pieces (file:line, key,
// accepted range), and no file left behind but the inputs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tests/support/run_cli.h"

namespace td::test {

struct CaseRun {
  CliResult r;
  std::filesystem::path dir;
};

/// Write @p text as case.toml, and each of @p files (name -> text), in a fresh directory
/// (temp/td_<name>) and run `thermodrift COMMAND case.toml ARGS` there.
inline CaseRun run_case(const std::string& command, const std::string& text,
                        const std::string& name, const std::string& args = "",
                        const std::map<std::string, std::string>& files = {}) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("td_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "case.toml") << text;
  for (const auto& [file, content] : files) std::ofstream(dir / file) << content;
  return {run_cli(command + " case.toml " + args, dir.string()), dir};
}

/// @p s with its first occurrence of @p from replaced by @p to (test failure if absent).
inline std::string replace(std::string s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return pos == std::string::npos ? s : s.replace(pos, from.size(), to);
}

/// A failed run: non-zero exit, every needle in the output, and no file in the directory
/// except case.toml and @p inputs.
inline void expect_failure(const CaseRun& run, const std::vector<std::string>& needles,
                           const std::set<std::string>& inputs = {}) {
  EXPECT_NE(run.r.status, 0) << run.r.output;
  for (const auto& n : needles)
    EXPECT_NE(run.r.output.find(n), std::string::npos) << "missing '" << n << "' in:\n"
                                                       << run.r.output;
  for (const auto& e : std::filesystem::directory_iterator(run.dir)) {
    const std::string f = e.path().filename().string();
    EXPECT_TRUE(f == "case.toml" || inputs.count(f)) << "left behind: " << e.path();
  }
}

}  // namespace td::test
