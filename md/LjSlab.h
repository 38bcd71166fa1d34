#pragma once
/// @file LjSlab.h  The thermostatted slab run shared by the slab set-ups (adatom_slab,
/// adatom_ti, cluster_ti): a slab from a system source ([md.system]: the built-in `lj_slab`
/// FCC(111) slab, or a user's `data_file`) with the adatom or cluster (group `solute`, here
/// `adatom`) on the substrate (`solvent`, here `substrate`), periodic in x, the source's
/// `frozen` atoms held fixed, and a hot and a cold region along x held by Nose-Hoover
/// thermostats (fix nvt on the mobile substrate atoms that start in each region; atoms of a
/// solid stay in their region).
///
/// Geometry (box coordinates, the case's length units): hot region x < hot_width (from the
/// box's lower edge), cold region x in [L_x/2, L_x/2 + cold_width), so x in [hot_width, L_x/2)
/// is a gradient region with T falling along +x (the "first" gradient region, used for the
/// adatom) and x in [L_x/2 + cold_width, L_x) a second one with the opposite gradient. The
/// keys are read in the case's units, which must be LJ (the integrands use k_B = 1), and
/// converted into the source's LAMMPS style.
#include <memory>
#include <string>
#include <vector>

#include "core/Input.h"
#include "md/Lammps.h"
#include "md/System.h"

namespace td::md {

struct LjSlab {
  std::shared_ptr<const SystemSource> source;  ///< the atoms (read by read())
  double T_hot = 0.3;                          ///< epsilon/kB
  double T_cold = 0.05;                        ///< epsilon/kB
  double hot_width = 4.0;                      ///< sigma
  double cold_width = 4.0;                     ///< sigma
  double timestep = 0.005;                     ///< tau
  double thermostat_damping = 0.5;             ///< Nose-Hoover damping time, tau
  long equilibration_steps = 20000;            ///< steps to set up the gradient before recording
  long seed = 12345;

  /// Read and validate the slab keys of @p s and its [md.system] (default `lj_slab`).
  void read(InputSection& s);

  /// The slab keys read by read() (for the declarations of the set-ups that use the slab).
  static std::vector<const ParamSpec*> keys();
  /// The spec of a position key @p key (default 0.5) given as a fraction of a gradient region
  /// from its hot edge (0) to its cold edge (1); @p what describes it. Read it with
  /// InputSection::real from a namespace-scope copy declared by the set-up.
  static ParamSpec fraction_spec(const std::string& key, const std::string& what);
  /// x (sigma) at fraction @p f of the first gradient region [hot_width, L_x/2) (cold side
  /// +x), or with @p second of the second one [L_x/2 + cold_width, L_x) (cold side -x).
  double region_x(double f, bool second) const;
  /// Read `bin_width` (sigma, default 2, at most L_x/4) of the temperature profile.
  double read_bin(InputSection& s);
  /// The `bin_width` key.
  static const ParamSpec& bin_spec();

  /// Period of the adsorption sites along x (sigma), 0 if the source does not know it.
  double spacing() const;
  double length_x() const;  ///< L_x (sigma)
  double length_y() const;  ///< L_y (sigma)
  /// Ends of the first gradient region [hot_width, L_x/2) along x (sigma).
  double gradient_lo() const { return hot_width; }
  double gradient_hi() const { return length_x() / 2; }

  /// A value of kind @p k in the case's units -> the source's LAMMPS number, and back.
  double to_lammps(double v, units::Kind k) const;
  double from_lammps(double v, units::Kind k) const;

  /// LAMMPS commands: the source's system, groups (adatom, substrate, frozen, mobile = mobile
  /// substrate, hot, cold, free = mobile substrate outside the thermostats), velocities at the
  /// mean temperature, fixes `slab_hot`/`slab_cold` (nvt) and `slab_nve` (free + adatom), the
  /// variable `slab_X` (the cluster's centre of mass along x). No run. @p adatom_fixes are
  /// inserted after the integrators (e.g. a constraint).
  std::string commands(const std::string& adatom_fixes = "") const;
  /// Translate the cluster along x so that its centre of mass is at @p x (sigma): exactly, or
  /// with @p on_site by the whole number of site periods nearest to it (the cluster then stays
  /// on its sites; exact if the source does not know the period). Collective.
  void move_cluster(Lammps& lmp, double x, bool on_site) const;
  /// Atoms of the cluster (group adatom), read from LAMMPS.
  long cluster_atoms(Lammps& lmp) const;

  /// Commands of a temperature profile of the mobile substrate along x (compute `slab_ch`,
  /// fix `slab_prof`): bins of @p bin (sigma), a sample every @p every steps, one block
  /// (average of @p nfreq / @p every samples) per @p nfreq steps, written to @p file (LAMMPS
  /// units of the source).
  std::string profile_commands(double bin, long every, long nfreq, const std::string& file) const;
};

}  // namespace td::md
