#include "core/MpiStartup.h"

#include <cstdlib>
#include <cstring>

namespace td {

std::vector<std::pair<std::string, std::string>> mpi_startup_settings(
    const EnvironmentLookup& env) {
  std::vector<std::pair<std::string, std::string>> out;
  const char* opt_out = env(kMpiDefaultsVariable);
  if (opt_out != nullptr && std::strcmp(opt_out, "0") == 0) return out;
  const char* world = env("OMPI_COMM_WORLD_SIZE");
  const char* local = env("OMPI_COMM_WORLD_LOCAL_SIZE");
  const bool by_mpirun = world != nullptr;
  if (by_mpirun && (local == nullptr || std::strcmp(world, local) != 0)) return out;
  const std::pair<const char*, const char*> wanted[] = {
      {"OMPI_MCA_pml", "ob1"},
      {"OMPI_MCA_btl", "self,vader"},
      {"OMPI_MCA_ess_singleton_isolated", by_mpirun ? nullptr : "1"}};
  for (const auto& [name, value] : wanted)
    if (value != nullptr && env(name) == nullptr) out.emplace_back(name, value);
  return out;
}

void set_mpi_startup_settings() {
  // setenv without overwriting: a value set since the lookup (none here) would win
  for (const auto& [name, value] : mpi_startup_settings(std::getenv))
    setenv(name.c_str(), value.c_str(), 0);
}

}  // namespace td
