#include "core/Paths.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include "core/Broadcast.h"
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

namespace {

/// The files this process reads as input (note_input_file), as absolute paths. A process-wide
/// list, as the files are: every output of the process is checked against it.
struct InputFiles {
  std::mutex lock;
  std::vector<std::string> paths;
};

InputFiles g_input_files;  // NOLINT: the process's own list (see InputFiles)

InputFiles& input_files() { return g_input_files; }

}  // namespace

void note_input_file(const std::string& path) {
  std::error_code ec;
  const std::string full = std::filesystem::absolute(path, ec).lexically_normal().string();
  InputFiles& in = input_files();
  const std::lock_guard<std::mutex> hold(in.lock);
  if (std::find(in.paths.begin(), in.paths.end(), full) == in.paths.end()) in.paths.push_back(full);
}

std::string input_file_named(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return {};
  InputFiles& in = input_files();
  const std::lock_guard<std::mutex> hold(in.lock);
  for (const std::string& f : in.paths)
    if (fs::equivalent(path, f, ec)) return f;
  return {};
}

std::string input_path(const InputSection& s, const std::string& path) {
  if (path.empty()) return path;
  const std::string full = std::filesystem::path(path).is_absolute()
                               ? path
                               : (std::filesystem::path(s.base_dir()) / path).string();
  s.note_data_file(full);
  note_input_file(full);
  return full;
}

std::string data_fingerprint(MPI_Comm comm, const std::vector<std::string>& files) {
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (rank != 0) return broadcast_string(comm, "");
  // FNV-1a, 64 bits: a change of any byte changes it (not a cryptographic hash; it guards
  // against edits, not against forgery)
  constexpr std::uint64_t kOffset = 14695981039346656037ULL, kPrime = 1099511628211ULL;
  std::string out;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      out += fmt::format("{}\tunreadable\n", f);
      continue;
    }
    std::uint64_t h = kOffset, bytes = 0;
    for (char c; in.get(c); ++bytes) h = (h ^ static_cast<unsigned char>(c)) * kPrime;
    out += fmt::format("{}\t{} bytes\tfnv1a64 {:016x}\n", f, bytes, h);
  }
  return broadcast_string(comm, out);
}

namespace {

/// POSIX limits every Linux file system applies: a name of at most NAME_MAX bytes and a path
/// of at most PATH_MAX bytes. Checked up front so that a name the system would refuse fails
/// at set-up with the key that gave it, not at the first write with only the name.
constexpr std::size_t kMaxNameBytes = 255;
constexpr std::size_t kMaxPathBytes = 4095;

/// Bytes kept free after a file name for the suffixes appended to it: the run's own (at most
/// ".partial.xmf.tmp") and MPI-IO's. Open MPI's shared-file-pointer component names a file
/// "<name>.partial_cid-<c>-<r>.sm" and aborts with a buffer overflow where that name passes
/// NAME_MAX ("*** buffer overflow detected ***" inside H5Fcreate, seen with a 239-byte name).
constexpr std::size_t kLongestSuffix = 40;

/// Why @p path cannot name a file (suffixes the run appends included), or "" when it can.
std::string unusable_path(const std::string& path) {
  if (path.size() + kLongestSuffix > kMaxPathBytes)
    return fmt::format("the path has {} bytes; at most {} are allowed", path.size(),
                       kMaxPathBytes - kLongestSuffix);
  for (const auto& part : std::filesystem::path(path)) {
    const std::size_t n = part.native().size();
    if (n + kLongestSuffix > kMaxNameBytes)
      return fmt::format(
          "a path component has {} bytes; at most {} are allowed (the file "
          "system's limit of {} less room for the suffixes of the run and of MPI-IO)",
          n, kMaxNameBytes - kLongestSuffix, kMaxNameBytes);
  }
  return {};
}

}  // namespace

std::string output_name_problem(const std::string& path) {
  if (std::string why = unusable_path(path); !why.empty()) return why;
  return output_conflict(path);
}

std::string output_conflict(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return "it is a directory";
  // a missing directory would fail only at the first write, at the end of the run's work
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty() && !std::filesystem::is_directory(dir, ec))
    return fmt::format("its directory {} {}", dir.string(),
                       std::filesystem::exists(dir, ec) ? "is not a directory" : "does not exist");
  if (const std::string in = input_file_named(path); !in.empty())
    return fmt::format("it is {}, an input of this run, which the run would overwrite", in);
  return {};
}

void check_second_output(InputSection& output, const std::string& key, const std::string& path,
                         bool derived, const std::string& what, const std::string& first,
                         const std::string& first_what) {
  std::string why = output_name_problem(path);
  std::error_code ec;
  if (why.empty() && (path == first || std::filesystem::equivalent(path, first, ec)))
    why = fmt::format("it is {}'s name too", first_what);
  if (!why.empty())
    output.fail(key, fmt::format("{}{} name {} is not usable: {}", derived ? "the default " : "",
                                 what, path, why));
}

std::string output_path(InputSection& output, const ParamSpec& key, const std::string& cli,
                        const std::string& suffix) {
  const std::string given = output.string(key);
  // a prefix (suffix "_", see Paths.h) names no file itself: "out/" is a fine one
  auto taken = [&](const std::string& path) -> std::string {
    return suffix == "_" ? unusable_path(path) : output_name_problem(path);
  };
  if (!cli.empty()) {
    if (const std::string why = taken(cli); !why.empty())
      throw InputError({"<command line>", 0, "-o"},
                       fmt::format("output name {} is not usable: {}", cli, why));
    return cli;
  }
  if (!given.empty()) {
    if (const std::string why = taken(given); !why.empty())
      output.fail(key.key, fmt::format("output name {} is not usable: {}", given, why));
    return given;
  }
  const std::string derived =
      std::filesystem::path(output.location().file).stem().string() + suffix;
  if (const std::string why = taken(derived); !why.empty())
    output.fail(key.key, fmt::format("the default output name {} is not usable: {}; give "
                                     "one with -o or this key",
                                     derived, why));
  return derived;
}

}  // namespace td
