#pragma once
/// @file Setup.h  A parameterised LAMMPS set-up run by `thermodrift md CASE.toml`, selected by
/// `type = "..."` in the [md] table (MdSetupFactory). A set-up reads and validates its whole
/// table when created (LAMMPS cannot recover from a bad command: see md/Lammps.h), then runs
/// on a communicator and writes its outputs with the given file prefix.
#include <mpi.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/Factory.h"
#include "core/Input.h"
#include "core/Progress.h"
#include "md/Lammps.h"

namespace td::md {

class MdSetup {
 public:
  virtual ~MdSetup() = default;
  /// Run on @p comm; output files start with @p prefix. Returns the files written.
  virtual std::vector<std::string> run(MPI_Comm comm, const std::string& prefix) = 0;
  /// Every file run(comm, @p prefix) may write: its results (all that run() returns) and the
  /// LAMMPS log and input record of each instance (lammps_records). `thermodrift md` checks
  /// each name (core/Paths.h output_name_problem) before LAMMPS starts: none may be an input.
  virtual std::vector<std::string> outputs(const std::string& prefix) const = 0;
  /// MD steps of all the `run` commands the set-up will send (minimisations excluded).
  virtual long planned_steps() const = 0;
  /// Report the MD steps of the next run() to @p progress (not owned; must outlive run()).
  void report_to(Progress* progress) { steps_ = {progress, planned_steps(), 0}; }

 protected:
  /// Give this to each Lammps instance of run().
  MdSteps* steps() { return &steps_; }
  /// The steps this process will run when it runs only part of the set-up (parallel
  /// replicas), so that the progress reaches 1.
  void replan(long planned) { steps_.planned = planned; }

 private:
  MdSteps steps_;
};

using MdSetupFactory = Factory<MdSetup, InputSection&>;

/// @p files followed by the LAMMPS records of an instance with prefix @p p (lammps_records):
/// a set-up's outputs() for one instance.
std::vector<std::string> with_lammps_records(const std::string& p, std::vector<std::string> files);

/// The file prefix of the runs at temperature @p T (case units) of a set-up with file prefix
/// @p prefix: `<prefix>T<T>_`.
std::string temperature_prefix(const std::string& prefix, double T);

/// The `.partial` files of a set-up's outputs (io/TextFile.h claim_partial), claimed on rank 0
/// of a communicator before LAMMPS (or the set-up) writes them and renamed by commit(). LAMMPS
/// opens its output files itself, on the rank 0 of its communicator, which no claim of its own
/// tracks; set-ups give LAMMPS `<f>.partial` names so that results appear only when complete.
///
/// A claimed file is created exclusively, so that a second run on these outputs is refused
/// instead of writing into the first one's files; it is removed if SIGINT or SIGTERM stops the
/// run, and on destruction if it was not committed: a run that fails after the claim (an input
/// error found in LAMMPS's state, a LAMMPS error, which ends the process without unwinding and
/// removes them through at_lammps_exit) leaves nothing that would block the next run.
/// Declare it before the Lammps instance that writes the files, so that LAMMPS has closed them
/// when they are removed.
class ClaimedOutputs {
 public:
  /// Claim `<f>.partial` for each of @p files on rank 0 of @p comm. Collective: the same
  /// IoError on every rank if one claim fails (e.g. a stopped run left the file); the claims
  /// made before it are removed then.
  ClaimedOutputs(MPI_Comm comm, std::vector<std::string> files);
  /// Rank 0 removes each claimed file not committed. Not collective (no MPI call): it runs
  /// while an exception unwinds, possibly on one rank alone.
  ~ClaimedOutputs();
  ClaimedOutputs(const ClaimedOutputs&) = delete;
  ClaimedOutputs& operator=(const ClaimedOutputs&) = delete;

  /// Rename each `<f>.partial` to `<f>` on rank 0, after every rank is here (LAMMPS closed the
  /// files). Collective on the communicator: the same IoError on every rank if one rename
  /// fails; the files not yet renamed are then removed on destruction.
  void commit();

 private:
  /// Remove (rank 0) the files claimed and not committed: files_[committed_, claimed_).
  void discard_uncommitted() noexcept;
  /// discard_uncommitted of every ClaimedOutputs alive in this process (at_lammps_exit).
  static void discard_all();

  MPI_Comm comm_;
  std::vector<std::string> files_;
  std::size_t claimed_ = 0;    ///< files_ claimed on this rank (rank 0; 0 elsewhere)
  std::size_t committed_ = 0;  ///< files_ renamed on this rank (rank 0; 0 elsewhere)
  ClaimedOutputs* next_ = nullptr;  ///< the next older ClaimedOutputs alive (not owned)
};

/// Run @p write (writes of output files) on rank 0 of @p comm; collective: a td::Error it
/// throws there is thrown as the same IoError on every rank.
void write_on_rank0(MPI_Comm comm, const std::function<void()>& write);

/// A sub-communicator of @p comm (MPI_Comm_split: ranks of one @p color, ordered by rank),
/// freed on destruction.
class SubComm {
 public:
  SubComm(MPI_Comm comm, int color);
  ~SubComm();
  SubComm(const SubComm&) = delete;
  SubComm& operator=(const SubComm&) = delete;
  MPI_Comm get() const { return c_; }

 private:
  MPI_Comm c_ = MPI_COMM_NULL;
};

/// Read the [md] table @p s (key `type`) into a set-up.
std::unique_ptr<MdSetup> make_md_setup(InputSection& s);

}  // namespace td::md
