#include "core/MpiStartup.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/SignalCleanup.h"

namespace td {

namespace {

/// Variables that a launcher other than mpirun (srun, Hydra and other PMI launchers) sets in
/// every rank's environment.
constexpr const char* kOtherLauncherVariables[] = {"PMIX_RANK", "PMI_RANK", "PMI_SIZE",
                                                   "SLURM_PROCID"};

/// The components of an MCA list ("a,b,c") without a leading "^".
std::vector<std::string> components(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list.size() > 0 && list[0] == '^' ? list.substr(1) : list);
  for (std::string c; std::getline(in, c, ',');)
    if (!c.empty()) out.push_back(c);
  return out;
}

/// Whether a parameter file's value @p chosen for a parameter leaves room for @p ours: it
/// gives none, or excludes ("^...") none of our components.
bool compatible(const std::string& chosen, const std::string& ours) {
  if (chosen.empty()) return true;
  if (chosen[0] != '^') return false;
  for (const std::string& excluded : components(chosen))
    for (const std::string& mine : components(ours))
      if (excluded == mine) return false;
  return true;
}

/// The value of MCA parameter @p name in Open MPI's parameter files (the user's last, as Open
/// MPI reads them), or empty.
std::string parameter_file_value(const std::string& name) {
  std::vector<std::string> paths{"/etc/openmpi/openmpi-mca-params.conf"};
  if (const char* prefix = std::getenv("OPAL_PREFIX"))
    paths.push_back(std::string(prefix) + "/etc/openmpi-mca-params.conf");
  if (const char* home = std::getenv("HOME"))
    paths.push_back(std::string(home) + "/.openmpi/mca-params.conf");
  std::string value;
  for (const std::string& path : paths) {
    std::ifstream file(path);
    for (std::string line; std::getline(file, line);) {
      const auto eq = line.find('=');
      if (eq == std::string::npos || line.find('#') < eq) continue;
      auto trim = [](const std::string& s) {
        const auto b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
        return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
      };
      if (trim(line.substr(0, eq)) == name) value = trim(line.substr(eq + 1));
    }
  }
  return value;
}

/// The session directory named for this lone process (remove_lone_session_directory): fixed
/// storage, as a signal handler reads it.
constexpr std::size_t kMaxSessionChars = 4096;   // PATH_MAX
std::array<char, kMaxSessionChars> g_session{};  // NOLINT: read by the signal handler
std::atomic<bool> g_session_named{false};        // NOLINT: read by the signal handler
/// The process that named it: a child forked from it (Python's os.fork, a test's death test)
/// shares the name but not the directory.
std::atomic<pid_t> g_session_owner{0};  // NOLINT: read by the signal handler

/// Bytes of directory entries read at a time; entries removed while a directory is read may
/// move others behind the read position, so a directory is read again until a pass finds
/// nothing to remove (at most kMaxPasses).
constexpr std::size_t kDirentBytes = 1024;
constexpr int kMaxPasses = 4;

/// Remove the entries of the open directory @p dir, @p depth levels below the root, on
/// device @p device: a directory mounted inside it (another device) is left as it is.
void empty_directory(int dir, int depth, dev_t device) noexcept {
  alignas(8) std::array<char, kDirentBytes> buf{};
  bool removed = true;
  for (int pass = 0; removed && pass < kMaxPasses; ++pass) {
    removed = false;
    if (::lseek(dir, 0, SEEK_SET) < 0) return;
    for (ssize_t n = 0; (n = ::getdents64(dir, buf.data(), buf.size())) > 0;) {
      for (ssize_t at = 0; at < n;) {
        const auto* entry = reinterpret_cast<const dirent64*>(buf.data() + at);  // NOLINT
        at += entry->d_reclen;
        const char* name = entry->d_name;
        if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
        // a file or a link goes at once; unlink refuses a directory with EISDIR (Linux)
        if (::unlinkat(dir, name, 0) == 0) {
          removed = true;
          continue;
        }
        if (errno != EISDIR || depth >= kMaxTreeDepth) continue;
        const int sub = ::openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) continue;
        struct stat st {};
        if (::fstat(sub, &st) == 0 && st.st_dev == device) empty_directory(sub, depth + 1, device);
        ::close(sub);
        removed = ::unlinkat(dir, name, AT_REMOVEDIR) == 0 || removed;
      }
    }
  }
}

}  // namespace

std::vector<std::pair<std::string, std::string>> mpi_startup_settings(
    const EnvironmentLookup& env, const ParameterFileLookup& files, long pid) {
  std::vector<std::pair<std::string, std::string>> out;
  const char* opt_out = env(kMpiDefaultsVariable);
  if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return out;
  const char* world = env("OMPI_COMM_WORLD_SIZE");
  const char* local = env("OMPI_COMM_WORLD_LOCAL_SIZE");
  const bool by_mpirun = world != nullptr;
  // the transports and the daemon depend on where the ranks are; the I/O component does not
  bool one_node = !by_mpirun || (local != nullptr && std::strcmp(world, local) == 0);
  if (!by_mpirun)
    for (const char* name : kOtherLauncherVariables)
      if (env(name) != nullptr) one_node = false;
  const bool lone = one_node && !by_mpirun;
  // A lone process without Open MPI's daemon takes job family 0, so every such process would
  // share one session directory (<tmp>/ompi.<host>.<uid>/jf.0): one finishing removes it while
  // another starts in it, and the other fails in MPI_Init ("orte_session_dir failed", seen 1 in
  // 20 concurrent starts). Each lone process gets a session directory of its own, which Open
  // MPI removes at MPI_Finalize.
  std::string session;
  if (lone) {
    const char* base = env("OMPI_MCA_orte_tmpdir_base");
    if (base == nullptr) base = env("TMPDIR");
    session = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/ompi.thermodrift." +
              std::to_string(pid);
  }
  const struct {
    const char* parameter;
    const char* value;
  } wanted[] = {{"pml", one_node ? "ob1" : nullptr},
                {"btl", one_node ? "self,vader" : nullptr},
                {"ess_singleton_isolated", lone ? "1" : nullptr},
                {"orte_jobfam_session_dir", lone ? session.c_str() : nullptr},
                {"io", lone ? nullptr : kMpiIoComponent}};
  for (const auto& [parameter, value] : wanted) {
    const std::string variable = std::string("OMPI_MCA_") + parameter;
    if (value != nullptr && env(variable.c_str()) == nullptr && compatible(files(parameter), value))
      out.emplace_back(variable, value);
  }
  return out;
}

bool remove_tree(const char* root) noexcept {
  const int dir = ::open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (dir < 0) {
    if (errno == ENOENT) return true;
    // a file, or a symbolic link (O_NOFOLLOW): the name itself goes
    return ::unlink(root) == 0 || errno == ENOENT;
  }
  struct stat st {};
  if (::fstat(dir, &st) == 0) empty_directory(dir, 1, st.st_dev);
  ::close(dir);
  return ::rmdir(root) == 0 || errno == ENOENT;
}

void remove_lone_session_directory() noexcept {
  if (g_session_named.load() && g_session_owner.load() == ::getpid()) remove_tree(g_session.data());
}

MpiStartupSettings::MpiStartupSettings() {
  for (const auto& [name, value] :
       mpi_startup_settings(std::getenv, parameter_file_value, static_cast<long>(getpid()))) {
    if (setenv(name.c_str(), value.c_str(), 0) != 0) continue;
    set_.push_back(name);
    // the session directory named here is this process's to remove where Open MPI does not
    if (name == "OMPI_MCA_orte_jobfam_session_dir" && value.size() < kMaxSessionChars &&
        !g_session_named.load()) {
      std::copy(value.begin(), value.end(), g_session.begin());
      g_session[value.size()] = '\0';
      g_session_owner.store(::getpid());
      g_session_named.store(true);
      on_stopping_signal(remove_lone_session_directory);
    }
  }
}

MpiStartupSettings::~MpiStartupSettings() {
  // Open MPI opens its MPI-IO framework at the first MPI_File_open, not in MPI_Init: the
  // component choice must still be in the environment then
  const std::string io = std::string("OMPI_MCA_io");
  for (const std::string& name : set_)
    if (name != io) unsetenv(name.c_str());
}

}  // namespace td
