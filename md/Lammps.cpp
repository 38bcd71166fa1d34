#include "md/Lammps.h"

#define LAMMPS_LIB_MPI
#include <dlfcn.h>
#include <fmt/format.h>
#include <lammps/library.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

#include "core/Error.h"
#include "core/ErrorExit.h"
#include "core/Fault.h"
#include "core/Progress.h"
#include "io/Readers.h"
#include "thermodrift/Version.h"

namespace td::md {

/// The LAMMPS C library API, with the types of its declarations in <lammps/library.h>.
struct LammpsApi {
  /// dlclose on destruction; the library itself stays loaded (RTLD_NODELETE): LAMMPS keeps
  /// process-wide state, and our exit and MPI_Finalize hooks may run after the last instance.
  struct Closer {
    void operator()(void* h) const { dlclose(h); }
  };
  std::unique_ptr<void, Closer> library;
  decltype(&::lammps_open) open = nullptr;
  decltype(&::lammps_close) close = nullptr;
  decltype(&::lammps_has_style) has_style = nullptr;
  decltype(&::lammps_command) command = nullptr;
  decltype(&::lammps_commands_string) commands_string = nullptr;
  decltype(&::lammps_get_thermo) get_thermo = nullptr;
  decltype(&::lammps_extract_compute) extract_compute = nullptr;
  decltype(&::lammps_extract_fix) extract_fix = nullptr;
  decltype(&::lammps_extract_variable) extract_variable = nullptr;
  decltype(&::lammps_free) free = nullptr;
  decltype(&::lammps_get_natoms) get_natoms = nullptr;
  decltype(&::lammps_gather_atoms) gather_atoms = nullptr;
  decltype(&::lammps_extract_box) extract_box = nullptr;
  decltype(&::lammps_version) version = nullptr;
};

namespace {

/// The LAMMPS shared library (its soname, from the build), found by the dynamic loader's
/// search path as a linked library would be; failing that, the file the build found, for a
/// LAMMPS outside the loader's search path (no run path points there any more).
constexpr const char* kLammpsLibrary = TD_LAMMPS_LIBRARY;
constexpr const char* kLammpsLibraryPath = TD_LAMMPS_LIBRARY_PATH;

/// Set @p f to the function @p name of the loaded library; throws Error if it is missing.
template <class F>
void resolve(void* library, const char* name, F& f) {
  f = reinterpret_cast<F>(dlsym(library, name));
  if (f == nullptr)
    throw Error(
        fmt::format("the LAMMPS library {} has no function {} (a LAMMPS older than the "
                    "one thermodrift was built with?)",
                    kLammpsLibrary, name));
}

/// A library name no system has, loaded instead of LAMMPS's under the fault
/// "lammps_load:missing" (core/Fault.h), so that the tests reach the loader's own failure.
constexpr const char* kMissingLibrary = "libthermodrift-no-such-lammps.so.0";

/// Load the LAMMPS library (RTLD_GLOBAL: its symbols in the global scope, as when linked)
/// and resolve the API. Throws Error if it cannot be loaded. Local: the caller makes a
/// failure collective.
std::unique_ptr<const LammpsApi> load_lammps() {
  // the rank in MPI_COMM_WORLD, as inject_fault, so that one of several replicas can fail
  const bool missing = fault_action("lammps_load", MPI_COMM_WORLD) == "missing";
  auto api = std::make_unique<LammpsApi>();
  constexpr int kMode = RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE;
  const std::vector<const char*> names =
      missing ? std::vector<const char*>{kMissingLibrary}
              : std::vector<const char*>{kLammpsLibrary, kLammpsLibraryPath};
  std::string why;
  for (const char* name : names) {
    api->library.reset(dlopen(name, kMode));
    if (api->library) break;
    why += fmt::format("{}{}", why.empty() ? "" : "; ", dlerror());
  }
  if (!api->library)
    throw Error(fmt::format("cannot load the LAMMPS library {}: {} (Debian package liblammps0)",
                            names.front(), why));
  void* l = api->library.get();
  resolve(l, "lammps_open", api->open);
  resolve(l, "lammps_close", api->close);
  resolve(l, "lammps_has_style", api->has_style);
  resolve(l, "lammps_command", api->command);
  resolve(l, "lammps_commands_string", api->commands_string);
  resolve(l, "lammps_get_thermo", api->get_thermo);
  resolve(l, "lammps_extract_compute", api->extract_compute);
  resolve(l, "lammps_extract_fix", api->extract_fix);
  resolve(l, "lammps_extract_variable", api->extract_variable);
  resolve(l, "lammps_free", api->free);
  resolve(l, "lammps_get_natoms", api->get_natoms);
  resolve(l, "lammps_gather_atoms", api->gather_atoms);
  resolve(l, "lammps_extract_box", api->extract_box);
  resolve(l, "lammps_version", api->version);
  return api;
}

}  // namespace

const StyleList& required_styles() {
  static const StyleList kStyles{{"fix", "ehex"},
                                 {"fix", "nvt"},
                                 {"fix", "langevin"},
                                 {"fix", "nve"},
                                 {"fix", "ave/chunk"},
                                 {"fix", "setforce"},
                                 {"fix", "momentum"},
                                 {"compute", "msd"},
                                 {"compute", "chunk/atom"},
                                 {"compute", "temp/region"},
                                 {"compute", "group/group"},
                                 {"pair", "lj/cut"},
                                 {"pair", "eam"}};
  return kStyles;
}

namespace {

/// The log and input record of the LAMMPS instance that is running, for the exit handler: a
/// LAMMPS error calls exit(1) from inside the library, past every C++ frame of ours.
struct ActiveRun {
  std::atomic<bool> active{false};
  std::atomic<bool> handler_installed{false};
  std::atomic<bool> reported{false};
  int rank = 0;
  bool part_of_world = false;  ///< the instance runs on fewer ranks than MPI_COMM_WORLD
  std::string log, input;
};
ActiveRun g_run;
/// at_lammps_exit's function, or nullptr.
std::atomic<void (*)()> g_exit_cleanup{nullptr};

/// Run at_lammps_exit's function where LAMMPS is ending the process.
void exit_cleanup() {
  if (!g_run.active) return;
  if (void (*cleanup)() = g_exit_cleanup.load()) cleanup();
}

/// The first line starting with "ERROR" in @p log, or empty.
std::string error_line(const std::string& log) {
  std::ifstream in(log);
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("ERROR", 0) == 0) return line;
  return {};
}

extern "C" void report_lammps_exit() {
  exit_cleanup();
  if (!g_run.active || g_run.rank != 0 || g_run.reported.exchange(true)) return;
  const std::string line = error_line(g_run.log);
  std::fprintf(stderr,
               "thermodrift: error: LAMMPS stopped the run: %s\n  log: %s\n  input script "
               "(replay with: lmp -in %s): %s\n",
               line.empty() ? "(no ERROR line in the log; see it)" : line.c_str(),
               g_run.log.c_str(), g_run.input.c_str(), g_run.input.c_str());
  std::fflush(stderr);
}

}  // namespace

void report_lammps_abort() {
  exit_cleanup();
  if (!g_run.active || g_run.reported.exchange(true)) return;
  int world = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &world);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // only the instance's rank 0 writes the log: another rank's error is not in it
  const std::string line = g_run.rank == 0 ? error_line(g_run.log) : std::string();
  std::fprintf(stderr,
               "thermodrift: error on rank %d of %d: LAMMPS ended the run from this rank (an "
               "error this rank found alone): %s\n  log: %s\n  input script (replay with: "
               "mpirun -np %d lmp -in %s): %s\n",
               world, size,
               line.empty() ? "LAMMPS printed its message on this rank's screen, which is off; "
                              "replay the input script to see it"
                            : line.c_str(),
               g_run.log.c_str(), size, g_run.input.c_str(), g_run.input.c_str());
  std::fflush(stderr);
}

namespace {

/// Called at the start of MPI_Finalize (MPI deletes MPI_COMM_SELF's attributes first, MPI
/// standard, "Allowing User Functions at Process Termination"). With a LAMMPS instance still
/// open, the caller is LAMMPS's error->all. On a sub-communicator (parallel replicas) the
/// other ranks never reach MPI_Finalize and would wait for this one for ever: report the
/// error and abort them all. On the whole world LAMMPS's own exit(1) follows.
extern "C" int on_mpi_finalize(MPI_Comm, int, void*, void*) {
  if (!g_run.active) return MPI_SUCCESS;
  report_lammps_exit();  // and exit_cleanup(), before PMPI_Abort ends this process
  if (g_run.part_of_world) PMPI_Abort(MPI_COMM_WORLD, 1);
  return MPI_SUCCESS;
}

/// Install the exit handler and the MPI_Finalize hook once per process.
void install_error_reporting() {
  if (g_run.handler_installed.exchange(true)) return;
  std::atexit(report_lammps_exit);
  int key = MPI_KEYVAL_INVALID;
  MPI_Comm_create_keyval(MPI_COMM_NULL_COPY_FN, on_mpi_finalize, &key, nullptr);
  MPI_Comm_set_attr(MPI_COMM_SELF, key, nullptr);
}

}  // namespace

void at_lammps_exit(void (*cleanup)()) { g_exit_cleanup = cleanup; }

std::string chunk_units_title(const LammpsUnits& u) {
  return fmt::format("title1 \"{}\"", units_comment(u.units_name()));
}

std::vector<std::string> lammps_records(const std::string& prefix) {
  return {prefix + "log.lammps", prefix + "in.lammps"};
}

Lammps::Lammps(MPI_Comm comm, const std::string& prefix, MdSteps* steps)
    : steps_(steps),
      comm_(comm),
      log_(lammps_records(prefix)[0]),
      input_(lammps_records(prefix)[1]) {
  MPI_Comm_rank(comm, &rank_);
  int ranks = 1;
  MPI_Comm_size(comm, &ranks);
  if (ranks > kMaxSeedRanks)  // the same on every rank of comm
    throw Error(
        fmt::format("LAMMPS on {} ranks: at most {} are allowed (LAMMPS seeds per-rank "
                    "random streams with seed + rank; the range of every seed key allows for "
                    "that many)",
                    ranks, kMaxSeedRanks));
  // LAMMPS first, before any file is written; a rank that cannot load it stops every rank
  std::string problem;
  try {
    api_ = load_lammps();
  } catch (const std::exception& e) {
    problem = e.what();
  }
  stop_on_every_rank(comm, problem,
                     "another rank cannot load the LAMMPS library (its message says why)");
  int ok = 1;
  if (rank_ == 0) {
    script_ = std::fopen(input_.c_str(), "w");
    ok = script_ != nullptr && std::fprintf(script_,
                                            "# LAMMPS input written by thermodrift %s "
                                            "(git %s): the exact command stream of "
                                            "this run\n",
                                            kVersion, git_describe()) > 0;
  }
  MPI_Bcast(&ok, 1, MPI_INT, 0, comm);
  if (!ok) {
    if (script_) std::fclose(script_);
    throw IoError(fmt::format("cannot write the LAMMPS input record {}", input_));
  }
  std::vector<std::string> args{"thermodrift", "-screen", "none", "-nocite", "-log", log_};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  h_ = api_->open(static_cast<int>(argv.size()), argv.data(), comm, nullptr);
  if (!h_) {
    if (script_) std::fclose(script_);
    throw Error("LAMMPS could not be opened (lammps_open returned null)");
  }
  int size = 1, world = 1;
  MPI_Comm_size(comm, &size);
  MPI_Comm_size(MPI_COMM_WORLD, &world);
  g_run.rank = rank_;
  g_run.part_of_world = size < world;
  g_run.log = log_;
  g_run.input = input_;
  g_run.reported = false;
  g_run.active = true;
  install_error_reporting();
}

Lammps::~Lammps() {
  if (h_) api_->close(h_);
  if (script_) std::fclose(script_);
  g_run.active = false;
}

void Lammps::record(const std::string& text) {
  if (!script_) return;
  std::fputs(text.c_str(), script_);
  if (text.empty() || text.back() != '\n') std::fputc('\n', script_);
  // flushed before LAMMPS runs it: the record is complete up to a failing command
  if (std::fflush(script_) != 0) throw IoError(fmt::format("write failed: {}", input_));
}

bool Lammps::has_style(const std::string& category, const std::string& name) const {
  return api_->has_style(h_, category.c_str(), name.c_str()) != 0;
}

void Lammps::require_styles(const StyleList& styles) const {
  std::string missing;
  for (const auto& [cat, name] : styles)
    if (!has_style(cat, name))
      missing += fmt::format("{}{} {}", missing.empty() ? "" : ", ", cat, name);
  if (!missing.empty())
    throw Error(
        fmt::format("the linked LAMMPS (version {}) lacks required style(s): {}. "
                    "Install a LAMMPS library built with the RIGID (fix ehex), MANYBODY "
                    "(pair eam) and MOLECULE packages.",
                    version(), missing));
}

void Lammps::inject_fault() {
  // test hook: a command LAMMPS rejects, to exercise the error path of the real library;
  // "@rank" is the rank in MPI_COMM_WORLD, so that one of several parallel replicas can fail
  if (fault_action("lammps_command", MPI_COMM_WORLD) == "lammps_error")
    api_->command(h_, "thermodrift_injected_unknown_command");
}

void Lammps::command(const std::string& cmd) {
  record(cmd);
  inject_fault();
  api_->command(h_, cmd.c_str());
  count_runs(cmd);
}

void Lammps::commands(const std::string& text) {
  record(text);
  inject_fault();
  api_->commands_string(h_, text.c_str());
  count_runs(text);
}

void Lammps::count_runs(const std::string& text) {
  if (!steps_) return;
  std::istringstream lines(text);
  std::string line, word;
  long n = 0, ran = 0;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    if (words >> word && word == "run" && words >> n) ran += n;
  }
  steps_->done += ran;
  if (ran == 0 || steps_->progress == nullptr || steps_->planned <= 0) return;
  steps_->progress->update(static_cast<double>(steps_->done) / steps_->planned, [&] {
    return fmt::format("MD step {} of {} (log {})", steps_->done, steps_->planned, log_);
  });
}

double Lammps::thermo(const std::string& keyword) const {
  return api_->get_thermo(h_, keyword.c_str());
}

double Lammps::compute_scalar(const std::string& id) const {
  const auto* p = static_cast<double*>(
      api_->extract_compute(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR));
  if (!p) throw Error(fmt::format("LAMMPS compute '{}' has no global scalar", id));
  return *p;
}

double Lammps::compute_vector(const std::string& id, int i) const {
  const auto* p = static_cast<double*>(
      api_->extract_compute(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR));
  if (!p) throw Error(fmt::format("LAMMPS compute '{}' has no global vector", id));
  return p[i];
}

double Lammps::fix_scalar(const std::string& id) const {
  // lammps_extract_fix returns a copy that we release
  auto* p = static_cast<double*>(
      api_->extract_fix(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_SCALAR, 0, 0));
  if (!p) throw Error(fmt::format("LAMMPS fix '{}' has no global scalar", id));
  const double v = *p;
  api_->free(p);
  return v;
}

double Lammps::fix_vector(const std::string& id, int i) const {
  auto* p = static_cast<double*>(
      api_->extract_fix(h_, id.c_str(), LMP_STYLE_GLOBAL, LMP_TYPE_VECTOR, i, 0));
  if (!p) throw Error(fmt::format("LAMMPS fix '{}' has no global vector", id));
  const double v = *p;
  api_->free(p);
  return v;
}

double Lammps::variable(const std::string& name) const {
  auto* p = static_cast<double*>(api_->extract_variable(h_, name.c_str(), nullptr));
  if (!p) throw Error(fmt::format("LAMMPS variable '{}' is not an equal-style variable", name));
  const double v = *p;
  api_->free(p);
  return v;
}

long Lammps::natoms() const { return static_cast<long>(api_->get_natoms(h_)); }

std::vector<double> Lammps::gather(const std::string& name, int count) const {
  std::vector<double> out(static_cast<std::size_t>(natoms()) * count);
  std::string n = name;
  api_->gather_atoms(h_, n.data(), 1, count, out.data());
  return out;
}

void Lammps::box(double lo[3], double hi[3]) const {
  double xy, yz, xz;
  int pflags[3], boxflag;
  api_->extract_box(h_, lo, hi, &xy, &yz, &xz, pflags, &boxflag);
}

int Lammps::version() const { return api_->version(h_); }

}  // namespace td::md
