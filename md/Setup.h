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

/// Claim `<f>.partial` for each of @p files on rank 0 of @p comm, before LAMMPS (or the set-up)
/// writes it (io/TextFile.h claim_partial): created exclusively, so that a second run on these
/// outputs is refused instead of writing into the first one's files, and removed if SIGINT or
/// SIGTERM stops the run, as the other commands' outputs are. LAMMPS opens its output files
/// itself, on the rank 0 of its communicator, which no claim of its own tracks. Collective:
/// the same IoError on every rank if one fails. commit_outputs renames them.
void claim_outputs(MPI_Comm comm, const std::vector<std::string>& files);

/// Rename each `<f>.partial` that LAMMPS (or the set-up) wrote to `<f>` on rank 0, after
/// LAMMPS closed it; collective on @p comm, the same IoError on every rank if one fails.
/// Set-ups give LAMMPS `<f>.partial` names so that results appear only when complete.
void commit_outputs(MPI_Comm comm, const std::vector<std::string>& files);

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
