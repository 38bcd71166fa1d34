/// Which Open MPI start-up settings the thermodrift processes give themselves
/// (core/MpiStartup.h): shared-memory transports when every rank is on one node, no daemon
/// for a lone process, nothing the user set overridden.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/MpiStartup.h"

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

/// mpi_startup_settings of the environment @p vars.
Settings settings_of(const std::map<std::string, std::string>& vars) {
  return td::mpi_startup_settings([&vars](const char* name) -> const char* {
    const auto it = vars.find(name);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
}

}  // namespace

TEST(MpiStartup, ALoneProcessRunsWithoutDaemonOnSharedMemory) {
  EXPECT_EQ(settings_of({}), (Settings{{"OMPI_MCA_pml", "ob1"},
                                       {"OMPI_MCA_btl", "self,vader"},
                                       {"OMPI_MCA_ess_singleton_isolated", "1"}}));
}

TEST(MpiStartup, RanksOnOneNodeUseSharedMemory) {
  EXPECT_EQ(settings_of({{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}),
            (Settings{{"OMPI_MCA_pml", "ob1"}, {"OMPI_MCA_btl", "self,vader"}}));
}

TEST(MpiStartup, RanksOnSeveralNodesKeepOpenMpisChoice) {
  EXPECT_TRUE(
      settings_of({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}).empty());
  EXPECT_TRUE(settings_of({{"OMPI_COMM_WORLD_SIZE", "4"}}).empty());
}

TEST(MpiStartup, TheUsersSettingsAndOptOutWin) {
  EXPECT_EQ(settings_of({{"OMPI_MCA_pml", "ucx"}}),
            (Settings{{"OMPI_MCA_btl", "self,vader"}, {"OMPI_MCA_ess_singleton_isolated", "1"}}));
  EXPECT_TRUE(settings_of({{"THERMODRIFT_MPI_DEFAULTS", "0"}}).empty());
}
