#include "core/Paths.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "core/Error.h"

namespace td {

namespace {

namespace fs = std::filesystem;

/// <prefix>/share/thermodrift when this library is installed (found from the library's own
/// file and the install layout's relative path TD_LIB_TO_SHARE, so that any program linking
/// it, not only `thermodrift`, finds it); empty when the library runs from a build tree.
fs::path installed_share() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&data_dir), &info) == 0 || info.dli_fname == nullptr)
    return {};
  std::error_code ec;
  const fs::path lib = fs::canonical(info.dli_fname, ec);
  if (ec) return {};
  const fs::path share = (lib.parent_path() / TD_LIB_TO_SHARE).lexically_normal();
  return fs::is_directory(share / "data", ec) ? share : fs::path{};
}

}  // namespace

std::string data_dir() {
  if (const char* env = std::getenv("THERMODRIFT_DATA")) return env;
  if (const fs::path share = installed_share(); !share.empty()) return (share / "data").string();
  return (fs::path(TD_SOURCE_DIR) / "data").string();
}

std::string script_path(const std::string& name) {
  if (const fs::path share = installed_share(); !share.empty())
    return (share / "scripts" / name).string();
  return (fs::path(TD_SOURCE_DIR) / "validation" / name).string();
}

}  // namespace td

namespace td {

std::string input_path(const InputSection& s, const std::string& path) {
  if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(s.base_dir()) / path).string();
}

namespace {

/// POSIX limits every Linux file system applies: a name of at most NAME_MAX bytes and a path
/// of at most PATH_MAX bytes. Checked up front so that a name the system would refuse fails
/// at set-up with the key that gave it, not at the first write with only the name.
constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxPathBytes = 4095;

/// Why @p path cannot name a file (suffixes the run appends included), or "" when it can.
std::string unusable_path(const std::string& path) {
  constexpr std::size_t kLongestSuffix = sizeof(".partial.xmf") - 1;
  if (path.size() + kLongestSuffix > kMaxPathBytes)
    return fmt::format("the path has {} bytes; at most {} are allowed", path.size(),
                       kMaxPathBytes - kLongestSuffix);
  for (const auto& part : std::filesystem::path(path)) {
    const std::size_t n = part.native().size();
    if (n + kLongestSuffix > kMaxNameBytes)
      return fmt::format("a path component has {} bytes; at most {} are allowed (the file "
                         "system's limit of {} less the longest suffix a run appends, '.partial.xmf')",
                         n, kMaxNameBytes - kLongestSuffix, kMaxNameBytes);
  }
  return {};
}

}  // namespace

std::string output_path(InputSection& output, const ParamSpec& key, const std::string& cli,
                        const std::string& suffix) {
  const std::string given = output.string(key);
  if (!cli.empty()) {
    if (const std::string why = unusable_path(cli); !why.empty())
      throw InputError({"<command line>", 0, "-o"}, "output name is not usable: " + why);
    return cli;
  }
  if (!given.empty()) {
    if (const std::string why = unusable_path(given); !why.empty())
      output.fail(key.key, "output name is not usable: " + why);
    return given;
  }
  return std::filesystem::path(output.location().file).stem().string() + suffix;
}

}  // namespace td
