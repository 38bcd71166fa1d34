#pragma once
/// @file System.h  Where the atoms of an MD protocol come from: a system source,
/// selected by `type` in the [md.system] table (SystemSourceFactory, a factory like the
/// set-ups'), and the equilibration every liquid protocol runs on it (MdRun).
///
/// A source gives the LAMMPS commands that define the system (units, atoms, force field, the
/// groups `solute` and `solvent`) and the LAMMPS unit style its numbers are in (LammpsUnits);
/// the protocols read their own keys in the case's unit system and convert them through that
/// style, so one protocol runs any source. Sources: `lj_mixture` (the built-in LJ binary
/// mixture, LAMMPS `lj` units), `lj_slab` (the built-in LJ FCC(111) slab with an adatom or a
/// cluster, for the slab protocols) and `data_file` (a user's LAMMPS data file plus a
/// force-field settings file, in `lj`, `real` or `metal` units, for either kind).
///
/// For the slab protocols (adatom_slab, adatom_ti, cluster_ti) `solute` is the adatom or
/// cluster and `solvent` the substrate; a source may define the group `frozen` (substrate
/// atoms held fixed).
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/Factory.h"
#include "core/Input.h"
#include "md/Lammps.h"
#include "md/LammpsUnits.h"

namespace td::md {

/// The solute-solvent pairs of a system, for a protocol that couples one solute atom in and out
/// by scaling the solute-solvent LJ epsilon (`solvation_free_energy`, LAMMPS fix adapt).
struct SoluteCoupling {
  std::string pair_style;          ///< the force field's pair style (as in `pair_style`)
  int solute_type = 0;             ///< the solute's atom type
  std::vector<int> solvent_types;  ///< the solvent's atom types
  long solute_atoms = -1;          ///< solute atoms; -1: known once LAMMPS has read the system
  SourceLocation solute_key;       ///< the key that selects the solute (for errors)
  SourceLocation pair_key;         ///< the key that gives the pair style (for errors)
  std::string pair_origin;         ///< where the pair style is set (file:line), for messages
};

class SystemSource {
 public:
  virtual ~SystemSource() = default;
  /// The LAMMPS unit style of the commands and of every LAMMPS output of the run.
  const LammpsUnits& units() const { return units_; }
  /// Commands that create the system: `units`, atoms and box, force field, groups `solute` and
  /// `solvent`. @p seed is the first of the two random streams a source may draw (seed,
  /// seed + 1).
  virtual std::string commands(long seed) const = 0;
  /// Box bounds {lo, hi} along x, y, z in LAMMPS units, known before LAMMPS starts (geometry
  /// checks of the protocols).
  virtual std::array<std::array<double, 2>, 3> box() const = 0;
  /// True if the configuration must be minimised before dynamics (random insertion).
  virtual bool minimise() const = 0;
  /// True if the source's commands define a bond/angle constraint (`fix shake` or `fix
  /// rattle`): eHEX must then rescale whole constrained clusters and re-apply the constraint
  /// (LAMMPS fix ehex keywords `constrain com`, Wirnsberger, Frenkel and Dellago, J. Chem.
  /// Phys. 143, 124104 (2015)).
  virtual bool constrained() const { return false; }
  /// Mean kinetic degrees of freedom per atom (3 without constraints; 2 for rigid
  /// three-site water), for temperatures LAMMPS computes per chunk from kinetic energies
  /// (fix ave/chunk `temp`, keyword `adof`), which do not see constraints.
  virtual double dof_per_atom() const { return 3.0; }
  /// The protocols a source can serve: a liquid (solute in solvent) or a slab (adatom or
  /// cluster on a substrate).
  enum class Use { liquid, slab };
  virtual bool serves(Use /*u*/) const { return true; }
  /// True if commands() defines the group `frozen` (slab protocols hold it fixed).
  virtual bool has_frozen() const { return false; }
  /// Period of the adsorption sites along x, LAMMPS length (slab sources; 0: not known): the
  /// slab protocols move the cluster by whole periods to start it on a site.
  virtual double site_spacing() const { return 0.0; }
  /// The solute-solvent pairs. Throws InputError at the source's key when the solute is not
  /// atoms of one type (e.g. selected by molecule); the default: the source cannot say.
  virtual SoluteCoupling solute_coupling() const;

 protected:
  explicit SystemSource(LammpsUnits u) : units_(std::move(u)) {}

 private:
  LammpsUnits units_;
};

using SystemSourceFactory = Factory<SystemSource, InputSection&>;

/// LAMMPS `lj` units for the built-in source @p name read from @p s: the case's LJ units; a
/// case in SI is an InputError at `type`.
LammpsUnits lj_source_units(InputSection& s, const std::string& name);

/// Read the optional sub-table `system` of the protocol table @p md (absent or without
/// `type`: the `lj_mixture` source for a liquid protocol, `lj_slab` for a slab one, with
/// their defaults) into a source for @p use; a source that cannot serve it, or a `frozen`
/// group for a liquid, is an InputError.
std::shared_ptr<const SystemSource> make_system_source(
    InputSection& md, SystemSource::Use use = SystemSource::Use::liquid);

/// What an NPT equilibration reached: the box it left (LAMMPS units, read back from LAMMPS).
struct Equilibrated {
  long natoms = 0;
  std::array<double, 3> lo{}, hi{};  ///< box bounds, LAMMPS length units
  double volume() const;             ///< LAMMPS length^3
  double density() const;            ///< atoms per LAMMPS length^3
};

/// The run keys of the liquid protocols ([md]): temperature, time step, Langevin
/// equilibration, seed, and the optional NPT equilibration to `pressure`. Values are kept in
/// the case's units; commands convert them into the source's LAMMPS units.
struct MdRun {
  double temperature = 1.0;         ///< case units
  double timestep = 0.002;          ///< case units
  double damping = 0.5;             ///< Langevin damping time, case units
  long equilibration_steps = 1000;  ///< Langevin equilibration at `temperature`
  long seed = 12345;
  std::optional<double> pressure;  ///< NPT target, case units; none: no NPT
  long npt_steps = 0;              ///< NPT steps (the box is averaged over the second half)

  /// Read the run keys of @p s for a system in @p u (defaults need LJ case units).
  void read(InputSection& s, const LammpsUnits& u);
  /// The run keys, for the declarations of the protocols that read them.
  static std::vector<const ParamSpec*> keys();
  /// MD steps of the equilibration (Langevin and NPT).
  long steps() const { return equilibration_steps + (pressure ? npt_steps : 0); }

  /// Commands: the source's system (random streams seed, seed + 1), minimisation if the
  /// source needs it, velocities (seed + 2) and a Langevin equilibration (seed + 3) at
  /// `temperature`, fixes removed afterwards, timestep reset to 0.
  std::string commands(const SystemSource& src) const;

  /// Run commands() on @p lmp, then, if `pressure` is set, NPT at (temperature, pressure)
  /// with the barostat on @p barostat (LAMMPS fix npt keywords: "iso", or "x .. y .. couple
  /// xy" through barostat_xy()), after which the box is set to its mean over the second half
  /// of the NPT run. Returns the box read back from LAMMPS when NPT ran.
  std::optional<Equilibrated> equilibrate(Lammps& lmp, const SystemSource& src,
                                          bool barostat_xy) const;
};

/// Write the NPT result @p e of a run into @p file (text, case units, rank 0 of @p comm) and
/// print it; collective on @p comm. @p src: the system's units; @p run: the target.
void write_equilibrated(MPI_Comm comm, const std::string& file, const Equilibrated& e,
                        const SystemSource& src, const MdRun& run);

}  // namespace td::md
