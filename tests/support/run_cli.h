#pragma once
// Run the thermodrift executable from a test and capture what it prints.
#include <array>
#include <cstdio>
#include <string>

namespace td::test {

struct CliResult {
  int status = 0;       ///< raw pclose status (0 on success)
  std::string output;   ///< stdout and stderr interleaved
};

/// Run `thermodrift ARGS` (in directory @p dir when given, with environment assignments
/// @p env such as "NAME=value") with stderr merged into stdout.
inline CliResult run_cli(const std::string& args, const std::string& dir = "",
                         const std::string& env = "") {
  std::string cmd = dir.empty() ? "" : "cd '" + dir + "' && ";
  cmd += (env.empty() ? "" : env + " ") + std::string(TD_BINARY) + " " + args + " 2>&1";
  CliResult r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return {-1, "popen failed"};
  std::array<char, 512> buf{};
  while (fgets(buf.data(), buf.size(), p)) r.output += buf.data();
  r.status = pclose(p);
  return r;
}

}  // namespace td::test
