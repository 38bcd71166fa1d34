/// @file main.cpp  The `thermodrift` executable: subcommands live in drivers/cmd_*.cpp.
#include "core/HugePages.h"
#include "core/MpiStartup.h"
#include "drivers/Command.h"

int main(int argc, char** argv) {
  td::restart_with_huge_pages(argv);
  td::set_mpi_startup_settings();
  return td::run_command_line(argc, argv);
}
