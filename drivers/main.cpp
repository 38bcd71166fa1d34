/// @file main.cpp  The `thermodrift` executable: subcommands live in drivers/cmd_*.cpp.
///
/// Why it loads the drivers library itself (dlopen) instead of linking it: the process
/// restarts once with huge pages (core/HugePages.h) before anything else, and a program
/// linked to the library loads its 138 shared libraries (PETSc's dependencies, LAMMPS,
/// hypre, ...) twice, once before the restart: about 40 ms of dynamic loading. Linked to
/// the C and C++ runtimes only, the restart costs a few milliseconds. core/HugePages.cpp is
/// compiled into this program as well as into the core library: it is stateless, and the
/// program exports no symbols.
#include <dlfcn.h>

#include <cstdio>

#include "core/HugePages.h"

namespace {

/// The drivers library, found through this program's run path (the build directory, or
/// $ORIGIN/../lib when installed).
constexpr const char* kDriversLibrary = TD_DRIVERS_LIBRARY;

using EntryPoint = int (*)(int, char**);

}  // namespace

int main(int argc, char** argv) {
  td::restart_with_huge_pages(argv);
  td::keep_freed_memory();
  // RTLD_GLOBAL: Open MPI's components, loaded later, resolve libmpi's symbols through it.
  // RTLD_LAZY: functions bound at their first call, as for a linked program. The library
  // stays loaded until the process ends (no dlclose): its static objects live that long.
  void* library = dlopen(kDriversLibrary, RTLD_LAZY | RTLD_GLOBAL);
  if (library == nullptr) {
    std::fprintf(stderr, "thermodrift: error: cannot load %s: %s\n", kDriversLibrary, dlerror());
    return 1;
  }
  auto entry = reinterpret_cast<EntryPoint>(dlsym(library, "td_run_command_line"));
  if (entry == nullptr) {
    std::fprintf(stderr, "thermodrift: error: %s has no td_run_command_line: %s\n", kDriversLibrary,
                 dlerror());
    return 1;
  }
  return entry(argc, argv);
}
