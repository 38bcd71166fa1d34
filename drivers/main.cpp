/// @file main.cpp  The `thermodrift` executable: subcommands live in drivers/cmd_*.cpp.
#include "drivers/Command.h"

int main(int argc, char** argv) { return td::run_command_line(argc, argv); }
