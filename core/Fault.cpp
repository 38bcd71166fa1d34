#include "core/Fault.h"

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include <fmt/format.h>

#include "core/Error.h"

namespace td {

namespace {
/// How long ":pause" holds a run (seconds): long enough for a second process to act.
constexpr double kPauseSeconds = 5.0;
}  // namespace

std::string fault_action(const char* point, MPI_Comm comm, long index) {
  const char* spec = std::getenv("THERMODRIFT_FAULT");
  if (spec == nullptr) return {};
  std::string s = spec;
  std::string action = "throw";
  if (const auto colon = s.find(':'); colon != std::string::npos) {
    action = s.substr(colon + 1);
    s.resize(colon);
  }
  if (const auto at = s.find('@'); at != std::string::npos) {
    int rank = 0;
    MPI_Comm_rank(comm, &rank);
    if (std::atoi(s.c_str() + at + 1) != rank) return {};
    s.resize(at);
  }
  if (const auto hash = s.find('#'); hash != std::string::npos) {
    if (std::atol(s.c_str() + hash + 1) != index) return {};
    s.resize(hash);
  }
  return s == point ? action : std::string{};
}

void fault_point(const char* point, MPI_Comm comm, long index) {
  const std::string action = fault_action(point, comm, index);
  if (action.empty()) return;
  if (action == "kill") std::raise(SIGKILL);
  if (action == "pause") {
    std::this_thread::sleep_for(std::chrono::duration<double>(kPauseSeconds));
    return;
  }
  if (action == "interrupt") {
    std::raise(SIGINT);
    return;
  }
  throw Error(fmt::format("injected fault at {}", point));
}

}  // namespace td
