/// @file main.cpp  The `thermodrift` executable: subcommands live in drivers/cmd_*.cpp.
#include "core/HugePages.h"
#include "drivers/Command.h"

int main(int argc, char** argv) {
  td::restart_with_huge_pages(argv);
  return td::run_command_line(argc, argv);
}
