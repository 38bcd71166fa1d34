#include "core/Paths.h"

#include <dlfcn.h>

#include <cstdlib>
#include <filesystem>

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

std::string output_path(InputSection& output, const ParamSpec& key, const std::string& cli,
                        const std::string& suffix) {
  const std::string given = output.string(key);
  if (!cli.empty()) return cli;
  if (!given.empty()) return given;
  return std::filesystem::path(output.location().file).stem().string() + suffix;
}

}  // namespace td
