#pragma once
/// @file MpiStartup.h  Open MPI start-up settings for runs whose ranks share one node.
///
/// Why: on a 2-core machine `thermodrift --version` took 0.55 s, nearly all of it in
/// MPI_Init: a lone process (not started by mpirun) spawns an Open MPI daemon, and the UCX
/// point-to-point layer probes the network devices. With the daemon off
/// (ess_singleton_isolated) and the shared-memory transports (pml ob1, btl self,vader) it took
/// 0.15 s; a 2-rank mpirun start went from 0.81 to 0.58 s. On one node those transports carry
/// every message, so nothing is lost. Open MPI reads its MCA parameters from the environment
/// when MPI is initialised, so setting them first in the process suffices.
///
/// Only variables the user has not set are set, and THERMODRIFT_MPI_DEFAULTS=0 turns this off;
/// ranks spread over several nodes keep Open MPI's own choice. Other MPI libraries ignore the
/// OMPI_MCA_ variables.
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace td {

/// The environment variable that turns the start-up settings off when set to "0".
inline constexpr const char* kMpiDefaultsVariable = "THERMODRIFT_MPI_DEFAULTS";

/// Reads one environment variable: its value, or null when unset.
using EnvironmentLookup = std::function<const char*(const char*)>;

/// The (variable, value) pairs to set in an environment read through @p env: none when
/// THERMODRIFT_MPI_DEFAULTS is "0" or the ranks span several nodes (mpirun's
/// OMPI_COMM_WORLD_LOCAL_SIZE below OMPI_COMM_WORLD_SIZE); otherwise OMPI_MCA_pml=ob1 and
/// OMPI_MCA_btl=self,vader, and for a process not started by mpirun (no
/// OMPI_COMM_WORLD_SIZE) OMPI_MCA_ess_singleton_isolated=1; each only when unset.
std::vector<std::pair<std::string, std::string>> mpi_startup_settings(const EnvironmentLookup& env);

/// Set mpi_startup_settings of this process's environment. Call before MPI is initialised.
void set_mpi_startup_settings();

}  // namespace td
