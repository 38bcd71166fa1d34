/// Which Open MPI start-up settings the thermodrift processes give themselves
/// (core/MpiStartup.h): shared-memory transports when every rank is on one node, no daemon
/// for a lone process, MPI-IO through ROMIO wherever the ranks are, nothing the user, the
/// administrator or another launcher chose overridden.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
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
/// @p settings and the MPI-IO component (ROMIO under Open MPI 4; none under another MPI)
Settings with_io(Settings settings) {
  if (td::kMpiIoComponent != nullptr) settings.emplace_back("OMPI_MCA_io", td::kMpiIoComponent);
  return settings;
}
/// ranks on one node
const Settings kOneNode = with_io(kShared);

/// @p base with @p name set to @p value.
Values dict_with(Values base, const std::string& name, const std::string& value) {
  base[name] = value;
  return base;
}

}  // namespace

TEST(MpiStartup, ALoneProcessRunsWithoutDaemonOnSharedMemory) {
  Settings lone = kShared;
  lone.emplace_back("OMPI_MCA_ess_singleton_isolated", "1");
  // a session directory of its own: lone processes started together do not share jf.0
  // (no MPI-IO component: a lone process writes through HDF5's POSIX driver)
  lone.emplace_back("OMPI_MCA_orte_jobfam_session_dir", "/tmp/ompi.thermodrift.4242");
  constexpr std::size_t kSession = 3;
  EXPECT_EQ(settings_of({}), lone);
  lone[kSession].second = "/scratch/ompi.thermodrift.4242";
  EXPECT_EQ(settings_of({{"TMPDIR", "/scratch"}}), lone);
  lone[kSession].second = "/fast/ompi.thermodrift.4242";
  EXPECT_EQ(settings_of({{"TMPDIR", "/scratch"}, {"OMPI_MCA_orte_tmpdir_base", "/fast"}}), lone);
  // the user's or the administrator's session directory is kept
  lone.erase(lone.begin() + kSession);
  EXPECT_EQ(settings_of({}, {{"orte_jobfam_session_dir", "/site/ompi"}}), lone);
}

TEST(MpiStartup, RanksOnOneNodeUseSharedMemory) {
  EXPECT_EQ(
      settings_of(
          {{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}, {"PMIX_RANK", "0"}}),
      kOneNode);
}

TEST(MpiStartup, RanksOnSeveralNodesOrUnderOtherLaunchersKeepOpenMpisTransports) {
  // their transports and daemon are Open MPI's choice; MPI-IO still goes through ROMIO
  const Settings romio_only = with_io({});
  EXPECT_EQ(settings_of({{"OMPI_COMM_WORLD_SIZE", "4"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}),
            romio_only);
  EXPECT_EQ(settings_of({{"OMPI_COMM_WORLD_SIZE", "4"}}), romio_only);
  for (const char* launcher : {"PMIX_RANK", "PMI_RANK", "SLURM_PROCID"})
    EXPECT_EQ(settings_of({{launcher, "0"}}), romio_only) << launcher;
}

TEST(MpiStartup, TheUsersAndTheAdministratorsChoicesAndTheOptOutWin) {
  EXPECT_EQ(settings_of({{"OMPI_MCA_pml", "ucx"},
                         {"OMPI_COMM_WORLD_SIZE", "2"},
                         {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}}),
            with_io({{"OMPI_MCA_btl", "self,vader"}}));
  EXPECT_TRUE(settings_of({{"THERMODRIFT_MPI_DEFAULTS", "0"}}).empty());
  const Values one_node = {{"OMPI_COMM_WORLD_SIZE", "2"}, {"OMPI_COMM_WORLD_LOCAL_SIZE", "2"}};
  // a parameter file that selects components, or excludes one of ours, is kept; one that
  // excludes others (Debian's "pml = ^ucx", "btl = ^uct,openib,ofi") leaves room for ours
  EXPECT_EQ(settings_of(one_node, {{"pml", "ucx"}}), with_io({{"OMPI_MCA_btl", "self,vader"}}));
  EXPECT_EQ(settings_of(one_node, {{"btl", "^vader"}}), with_io({{"OMPI_MCA_pml", "ob1"}}));
  EXPECT_EQ(settings_of(one_node, {{"pml", "^ucx"}, {"btl", "^uct,openib,ofi"}}), kOneNode);
  // the user's or the administrator's MPI-IO component is kept
  EXPECT_EQ(settings_of(dict_with(one_node, "OMPI_MCA_io", "ompio")), kShared);
  EXPECT_EQ(settings_of(one_node, {{"io", "ompio"}}), kShared);
  EXPECT_EQ(settings_of(one_node, {{"io", "^ompio"}}), kOneNode);
}

// remove_tree (the removal of a lone process's session directory where MPI_Finalize does not
// run): every level and every entry goes, more entries than one read of the directory
// returns, and a symbolic link goes as a link, never the tree it points to.
TEST(MpiStartup, RemoveTreeTakesEveryEntryAndNoLinkedTarget) {
  namespace fs = std::filesystem;
  const fs::path base = fs::temp_directory_path() / ("td_remove_tree_" + std::to_string(getpid()));
  fs::remove_all(base);
  const fs::path root = base / "session", outside = base / "outside";
  fs::create_directories(root / "1" / "0" / "deep");
  fs::create_directories(outside / "kept");
  std::ofstream(outside / "kept" / "file") << "must stay";
  // directory entries are read 1 KiB at a time: a few hundred names need several reads
  constexpr int kFiles = 300;
  for (int i = 0; i < kFiles; ++i)
    std::ofstream(root / "1" / ("segment_with_a_long_name_" + std::to_string(i))) << i;
  std::ofstream(root / "1" / "0" / "deep" / "file") << "x";
  fs::create_directory_symlink(outside, root / "1" / "link_to_outside");
  fs::create_directory_symlink(outside, base / "link_root");

  EXPECT_TRUE(td::remove_tree(root.c_str()));
  EXPECT_FALSE(fs::exists(fs::symlink_status(root)));
  EXPECT_TRUE(fs::exists(outside / "kept" / "file"));
  // a link as the root: the link goes, its target stays
  EXPECT_TRUE(td::remove_tree((base / "link_root").c_str()));
  EXPECT_FALSE(fs::exists(fs::symlink_status(base / "link_root")));
  EXPECT_TRUE(fs::exists(outside / "kept" / "file"));
  // nothing there: nothing to do
  EXPECT_TRUE(td::remove_tree((base / "never_was").c_str()));
  fs::remove_all(base);
}
