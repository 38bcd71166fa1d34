#pragma once
/// @file MpiStartup.h  Open MPI start-up settings: transports for runs whose ranks share one
/// node, and the MPI-IO component of every run of several ranks.
///
/// Why: on a 2-core machine `thermodrift --version` took 0.60-0.64 s (without huge pages),
/// nearly all of it in MPI_Init: a lone process (not started by mpirun) spawns an Open MPI
/// daemon, and the point-to-point layers probe every transport they may use. With the daemon
/// off (ess_singleton_isolated) and the shared-memory transports named (pml ob1, btl
/// self,vader) it took 0.16-0.22 s; a 2-rank mpirun start went from 0.88-0.98 to 0.66-0.70 s.
/// On one node those transports carry every message, so nothing is lost. Open MPI reads its
/// MCA parameters from the environment when MPI is initialised: they are set just before and
/// removed just after (MpiStartupSettings), so that processes the run starts later do not
/// inherit them (all but the MPI-IO component, below, which Open MPI reads later).
///
/// MPI-IO goes through ROMIO (io romio321) instead of Open MPI's own OMPIO, wherever the
/// ranks are, for processes started by a launcher (a lone process writes through HDF5's
/// POSIX driver and opens no MPI file): OMPIO 4.1 drops the error of a failed write (its file
/// system layer's pwritev fails, the call returns success with fewer bytes written), so the file's
/// error handler never sees it, and inside HDF5's collective flush the rank whose write failed left
/// the others waiting for ever (io/Hdf5.h, AbortOnWriteError). ROMIO returns MPI_ERR_IO there.
///
/// Nothing is set that the user or the administrator chose: a variable already in the
/// environment, or a parameter file (~/.openmpi/mca-params.conf, the system's
/// openmpi-mca-params.conf) that selects components for it or excludes one of ours; and
/// nothing at all with THERMODRIFT_MPI_DEFAULTS=0, for ranks on several nodes, or under a
/// launcher other than mpirun (srun, other PMI launchers), where the node layout is not
/// known before MPI starts. Other MPI libraries ignore the OMPI_MCA_ variables.
#include <mpi.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace td {

/// The environment variable that turns the start-up settings off when set to "0".
inline constexpr const char* kMpiDefaultsVariable = "THERMODRIFT_MPI_DEFAULTS";
/// Open MPI's MPI-IO component that reports failed writes (see the file comment): ROMIO as
/// Open MPI 4 names it; null (nothing set) with another MPI or Open MPI version, whose
/// components are named otherwise.
#if defined(OPEN_MPI) && OMPI_MAJOR_VERSION == 4
inline constexpr const char* kMpiIoComponent = "romio321";
#else
inline constexpr const char* kMpiIoComponent = nullptr;
#endif

/// Reads one environment variable: its value, or null when unset.
using EnvironmentLookup = std::function<const char*(const char*)>;
/// The value an Open MPI parameter file gives the MCA parameter @p name ("pml", "btl"), or
/// the empty string when none does.
using ParameterFileLookup = std::function<std::string(const std::string&)>;

/// The (variable, value) pairs to set, read from @p env and @p files: OMPI_MCA_pml=ob1 and
/// OMPI_MCA_btl=self,vader when the ranks share one node (mpirun's
/// OMPI_COMM_WORLD_LOCAL_SIZE equal to OMPI_COMM_WORLD_SIZE, or a lone process without any
/// launcher's variables), and for a lone process OMPI_MCA_ess_singleton_isolated=1 and its
/// own session directory, OMPI_MCA_orte_jobfam_session_dir=<base>/ompi.thermodrift.<pid>
/// (base: OMPI_MCA_orte_tmpdir_base, else TMPDIR, else /tmp; @p pid the process id);
/// OMPI_MCA_io=romio321 for processes a launcher started, wherever they run; each
/// only when neither the environment nor a parameter file chose otherwise (see the file
/// comment).
std::vector<std::pair<std::string, std::string>> mpi_startup_settings(
    const EnvironmentLookup& env, const ParameterFileLookup& files, long pid);

/// Remove the directory tree @p root: its files and directories, a symbolic link as the link
/// (never what it points to), at most kMaxTreeDepth levels down, nothing on another device
/// (a directory mounted inside it stays, with its mount point). System calls only, no
/// allocation: async-signal-safe. Returns whether @p root is gone (true when it never was).
bool remove_tree(const char* root) noexcept;

/// Most levels below its root that remove_tree descends.
inline constexpr int kMaxTreeDepth = 8;

/// Remove the session directory that MpiStartupSettings named for this lone process, where
/// the process ends without MPI_Finalize, which removes it otherwise: ErrorExit's end without
/// MPI_Finalize (core/ErrorExit.h), SIGINT and SIGTERM (registered with
/// core/SignalCleanup.h). Async-signal-safe; nothing where no such directory was named, and
/// nothing in a process forked from the one that named it. A process killed outright
/// (SIGKILL, a crash) still leaves it.
void remove_lone_session_directory() noexcept;

/// Sets mpi_startup_settings of this process (its environment, Open MPI's parameter files)
/// for its lifetime: create it just before MPI is initialised, destroy it (which removes
/// what it set) once MPI has started. OMPI_MCA_io stays: Open MPI reads it at the first
/// MPI_File_open, after MPI_Init.
class MpiStartupSettings {
 public:
  MpiStartupSettings();
  ~MpiStartupSettings();
  MpiStartupSettings(const MpiStartupSettings&) = delete;
  MpiStartupSettings& operator=(const MpiStartupSettings&) = delete;

 private:
  std::vector<std::string> set_;
};

}  // namespace td
