#include "core/Fault.h"

#include <csignal>
#include <cstdlib>
#include <string>

#include <fmt/format.h>

#include "core/Error.h"

namespace td {

void fault_point(const char* point, MPI_Comm comm) {
  const char* spec = std::getenv("THERMODRIFT_FAULT");
  if (spec == nullptr) return;
  std::string s = spec;
  bool kill = false;
  if (const auto colon = s.find(':'); colon != std::string::npos) {
    kill = s.substr(colon + 1) == "kill";
    s.resize(colon);
  }
  int rank = 0;
  MPI_Comm_rank(comm, &rank);
  if (const auto at = s.find('@'); at != std::string::npos) {
    if (std::atoi(s.c_str() + at + 1) != rank) return;
    s.resize(at);
  }
  if (s != point) return;
  if (kill) std::raise(SIGKILL);
  throw Error(fmt::format("injected fault at {}", point));
}

}  // namespace td
