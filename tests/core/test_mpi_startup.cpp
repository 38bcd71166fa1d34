/// Which Open MPI start-up settings the thermodrift processes give themselves
/// (core/MpiStartup.h): shared-memory transports when every rank is on one node, no daemon
/// for a lone process, nothing the user, the administrator or another launcher chose
/// overridden.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/MpiStartup.h"

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;
using Values = std::map<std::string, std::string>;

/// mpi_startup_settings of the environment @p vars and the parameter files' values @p files.
Settings settings_of(const Values& vars, const Values& files = {}) {
  constexpr long kPid = 4242;
  return td::mpi_startup_settings(
      [&vars](const char* name) -> const char* {
        const auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
      },
      [&files](const std::string& name) {
        const auto it = files.find(name);
        return it == files.end() ? std::string() : it->second;
      },
      kPid);
}

const Settings kShared = {{"OMPI_MCA_pml", "ob1"}, {"OMPI_MCA_btl", "self,vader"}};

}  // namespace

TEST(MpiStartup, ALoneProcessRunsWithoutDaemonOnSharedMemory) {
  Settings lone = kShared;
  lone.emplace_back("OMPI_MCA_ess_singleton_isolated", "1");
  // a session directory of its own: lone processes started together do not share jf.0
  lone.emplace_back("OMPI_MCA_orte_jobfam_session_dir", "/tmp/ompi.thermodrift.4242");
  EXPECT_EQ(settings_of({}), lone);
  lone.back().second = "/scratch/ompi.thermodrift.4242";
  EXPECT_EQ(settings_of({{"TMPDIR", "/scratch"}}), lone);
  lone.back().second = "/fast/ompi.thermodrift.4242";
  EXPECT_EQ(settings_of({{"TMPDIR", "/scratch"}, {"OMPI_MCA_orte_tmpdir_base", "/fast"}}), lone);
  // the user's or the administrator's session directory is kept
  lone.pop_back();
  EXPECT_EQ(settings_of({}, {{"orte_jobfam_session_dir", "/site/ompi"}}), lone);
}
