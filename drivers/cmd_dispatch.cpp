/// @file cmd_dispatch.cpp  The command-line entry point, in the library so that linking the
/// executable pulls in every registered subcommand.
#include <fmt/format.h>
#include <petscsys.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <iterator>
#include <map>
#include <new>
#include <system_error>
#include <typeinfo>
#include <vector>

#include "core/Error.h"
#include "core/ErrorExit.h"
#include "core/MpiStartup.h"
#include "core/Paths.h"
#include "core/Petsc.h"
#include "drivers/Command.h"
#include "md/Lammps.h"

namespace td {

namespace {

/// PETSc options (single dash, several letters: -snes_monitor, -pc_type hypre) go last on the
/// command line; everything from the first one on is left to PETSc alone.
bool is_petsc_option(const std::string& a) {
  return a.size() > 2 && a[0] == '-' && std::isalpha(static_cast<unsigned char>(a[1]));
}

/// Whether @p a looks like one of thermodrift's own options (-o, -q, --restart, --json, ...),
/// which PETSc would take as its own, unused, when given after the first PETSc option.
bool is_own_option(const std::string& a) {
  const bool short_flag =
      a.size() == 2 && a[0] == '-' && std::isalpha(static_cast<unsigned char>(a[1]));
  const bool long_flag = a.size() > 2 && a[0] == '-' && a[1] == '-';
  return short_flag || long_flag;
}

/// Options PETSc reads only in PetscFinalize, after warn_unused_options looks.
constexpr const char* kReadAtFinalize[] = {
    "options_left", "options_view", "citations",    "log_view", "log_summary", "malloc_dump",
    "malloc_view",  "memory_view",  "objects_dump", "log_all",  "log_trace"};

/// Warn (rank 0) about each PETSc option no solver of the run read: a misspelt one
/// (-ksp_typ) or one for a solver the run does not have (-heat_ksp_type without a conduction
/// field) was ignored in silence.
void warn_unused_options(int rank) {
  PetscInt n = 0;
  char** names = nullptr;
  char** values = nullptr;
  if (PetscOptionsLeftGet(nullptr, &n, &names, &values) != 0) return;
  std::fflush(stdout);  // after the run's own report
  for (PetscInt i = 0; i < n && rank == 0; ++i) {
    const std::string name = names[i];
    const bool at_finalize = std::any_of(std::begin(kReadAtFinalize), std::end(kReadAtFinalize),
                                         [&](const char* f) { return name.rfind(f, 0) == 0; });
    if (!at_finalize)
      std::fprintf(stderr,
                   "thermodrift: warning: PETSc option -%s was not used by this run (misspelt, "
                   "or for a solver this run does not have)\n",
                   names[i]);
  }
  PetscOptionsLeftRestore(nullptr, &n, &names, &values);
}

}  // namespace

void set_help(CLI::App& sub, const std::string& example, const std::string& docs, bool reads_input,
              const std::string& extra) {
  std::string text = extra.empty() ? "" : extra + "\n";
  text += "Example:\n  " + example + "\nDocs: " + docs;
  if (reads_input) text += std::string("\n") + kPathConvention;
  sub.footer(text);
}

int run_command_line(int argc, char** argv) {
  std::vector<std::string> ours;
  ours.emplace_back(argv[0]);
  int first_petsc = argc;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (is_petsc_option(a)) {
      first_petsc = i;
      break;
    }
    ours.push_back(a);
  }
  // An option of ours after a PETSc option would go to PETSc and be dropped (an -o there
  // left the result under the default name, overwriting an earlier one)
  std::string misplaced;
  for (int i = first_petsc; i < argc && misplaced.empty(); ++i)
    if (is_own_option(argv[i]))
      misplaced = fmt::format(
          "option {} comes after the PETSc option {}, where PETSc would take it (and ignore "
          "it): give thermodrift's own options before the PETSc options",
          argv[i], argv[first_petsc]);
  if (misplaced.empty())
    misplaced =
        td::petsc_integer_overflow(std::vector<std::string>(argv + first_petsc, argv + argc));
  // PETSc gets the program's name and the PETSc options alone: -o and -q are not its own
  // (-options_left listed them as unused). PETSc keeps the pointer: the array lives as long
  // as the run.
  std::vector<char*> petsc_args{argv[0]};
  {
    for (int i = first_petsc; i < argc; ++i) petsc_args.push_back(argv[i]);
    petsc_args.push_back(nullptr);
    int petsc_argc = static_cast<int>(petsc_args.size()) - 1;
    char** petsc_argv = petsc_args.data();
    const MpiStartupSettings startup;
    if (PetscInitialize(&petsc_argc, &petsc_argv, nullptr, nullptr) != 0) {
      std::fprintf(stderr, "thermodrift: error: PETSc failed to initialise\n");
      return 1;
    }
  }
  // PETSc's own report of an error (its traceback, with the configure line) came before the
  // message petsc_check throws for the same error, which carries PETSc's specific message
  PetscPushErrorHandler(PetscReturnErrorHandler, nullptr);
  // A reader that closes the pipe early (thermodrift ... | head -1) must not end the run:
  // PETSc's handler turned SIGPIPE into an abort that left the outputs half written. With it
  // ignored, writes to the closed stdout fail quietly and the results are still written.
  std::signal(SIGPIPE, SIG_IGN);
  int rank = 0;
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  int code = 0;
  {
    // Every exception, of any type and on any rank, ends the run on every rank with its
    // message (core/ErrorExit.h); nothing escapes to std::terminate.
    ErrorExit on_error(PETSC_COMM_WORLD);
    CLI::App app{"thermodrift: thermophoresis and thermomigration solver"};
    app.require_subcommand(1);
    app.set_version_flag("--version", [] { return version_text(); });
    std::map<std::string, std::unique_ptr<td::Command>> commands;
    std::map<std::string, CLI::App*> subs;
    for (const auto& name : td::CommandFactory::names()) {
      const auto* entry = td::CommandFactory::find(name);
      auto cmd = entry->create();
      CLI::App* sub = app.add_subcommand(name, entry->doc);
      cmd->setup(*sub);
      sub->add_flag("-q,--quiet", cmd->quiet_flag(), "no progress lines");
      sub->add_option("--progress-every", cmd->progress_every(),
                      "wall seconds between progress lines (default 5; 0: at every update)")
          ->check(CLI::NonNegativeNumber);
      subs[name] = sub;
      commands[name] = std::move(cmd);
    }
    try {
      if (!misplaced.empty()) throw InputError({"<command line>", 0, ""}, misplaced);
      std::vector<const char*> cargv;
      for (auto& s : ours) cargv.push_back(s.c_str());
      app.parse(static_cast<int>(cargv.size()), cargv.data());
      for (auto& [name, sub] : subs)
        if (sub->parsed()) code = commands[name]->run(PETSC_COMM_WORLD);
    } catch (const CLI::ParseError& e) {
      // the command line is the same on every rank: rank 0 reports
      code = rank == 0 ? app.exit(e) : (e.get_exit_code() == 0 ? 0 : 1);
    } catch (const td::Error& e) {
      code = on_error.fail(e.what());
    } catch (const std::system_error& e) {
      // SIGPIPE is ignored (after PetscInitialize): a reader that closed stdout shows up
      // here, from fmt, on rank 0, which prints; ErrorExit ends the other ranks as for any
      // one-rank error. The results written so far stand.
      code = on_error.fail(e.code() == std::errc::broken_pipe
                               ? "the reader of the output closed it (broken pipe); the run "
                                 "stopped at that line"
                               : e.what());
    } catch (const std::bad_alloc&) {
      code = on_error.fail(
          "out of memory (std::bad_alloc): the case needs more memory than "
          "this machine has; reduce cells, walkers or samples");
    } catch (const std::exception& e) {
      code = on_error.fail(fmt::format("internal error ({}): {}", typeid(e).name(), e.what()));
    } catch (...) {
      code = on_error.fail("internal error: an exception of unknown type");
    }
  }
  if (code == 0) warn_unused_options(rank);
  PetscPopErrorHandler();
  PetscFinalize();
  return code;
}

}  // namespace td

/// MPI_Abort as every library loaded after this one sees it, LAMMPS's included (MPI's
/// profiling interface: PMPI_Abort is Open MPI's own). LAMMPS ends a run whose error only one
/// rank found (error->one) with MPI_Abort, and its message went to a screen thermodrift turns
/// off: the run ended with Open MPI's "MPI_ABORT was invoked" alone. thermodrift's own aborts
/// (core/ErrorExit.cpp) call PMPI_Abort after printing their message.
extern "C" int MPI_Abort(MPI_Comm comm, int errorcode) {
  td::md::report_lammps_abort();
  return PMPI_Abort(comm, errorcode);
}

extern "C" int td_run_command_line(int argc, char** argv) {
  return td::run_command_line(argc, argv);
}
