#pragma once
/// @file Setup.h  A parameterised LAMMPS set-up run by `thermodrift md CASE.toml`, selected by
/// `type = "..."` in the [md] table (MdSetupFactory). A set-up reads and validates its whole
/// table when created (LAMMPS cannot recover from a bad command: see md/Lammps.h), then runs
/// on a communicator and writes its outputs with the given file prefix.
#include <mpi.h>

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
  /// MD steps of all the `run` commands the set-up will send (minimisations excluded).
  virtual long planned_steps() const = 0;
  /// Report the MD steps of the next run() to @p progress (not owned; must outlive run()).
  void report_to(Progress* progress) { steps_ = {progress, planned_steps(), 0}; }

 protected:
  /// Give this to each Lammps instance of run().
  MdSteps* steps() { return &steps_; }

 private:
  MdSteps steps_;
};

using MdSetupFactory = Factory<MdSetup, InputSection&>;

/// Rename each `<f>.partial` that LAMMPS (or the set-up) wrote to `<f>` on rank 0, after
/// LAMMPS closed it; collective on @p comm, the same IoError on every rank if one fails.
/// Set-ups give LAMMPS `<f>.partial` names so that results appear only when complete.
void commit_outputs(MPI_Comm comm, const std::vector<std::string>& files);

/// Read the [md] table @p s (key `type`) into a set-up.
std::unique_ptr<MdSetup> make_md_setup(InputSection& s);

/// The `cutoff` key shared by the LJ set-ups (sigma, potential shifted).
const ParamSpec& lj_cutoff_spec();

/// LJ binary mixture (solvent type 1, solute type 2) in a box, reduced units.
struct LjMixture {
  double box[3] = {7.65, 7.65, 50.0};  ///< sigma
  long n_solvent = 2048, n_solute = 80;
  double solute_epsilon = 1.0;  ///< solute-solvent and solute-solute epsilon (solvent: 1)
  double solute_mass = 1.0;     ///< in units of the solvent mass
  double cutoff = 2.5;          ///< sigma
  double temperature = 1.0;
  double timestep = 0.002;          ///< tau
  long equilibration_steps = 1000;  ///< Langevin equilibration at `temperature`
  long seed = 12345;

  /// Read the mixture keys of @p s.
  void read(InputSection& s);
  /// The mixture keys, for the declarations of the set-ups that read them.
  static std::vector<const ParamSpec*> keys();
  /// LAMMPS commands: units, box, random insertion, LJ pair coefficients, minimisation,
  /// velocities and a Langevin equilibration (fixes removed afterwards); group "solute".
  std::string commands() const;
};

}  // namespace td::md
