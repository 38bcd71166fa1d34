#pragma once
/// @file LjSlab.h  The LJ substrate shared by the adatom set-ups: an
/// LJ FCC(111) slab (x along [1-10], y along [11-2], z along [111]), periodic in x and y with
/// vacuum above, bottom layers frozen, a hot and a cold region along x held by Nose-Hoover
/// thermostats (fix nvt on the mobile substrate atoms that start in each region; atoms of a
/// solid stay in their region), one adatom (type 2) on an fcc hollow site of the surface.
///
/// Geometry (box units, sigma): hot region x in [0, hot_width), cold region
/// x in [L_x/2, L_x/2 + cold_width), so x in [hot_width, L_x/2) is a gradient region with T
/// falling along +x (the "first" gradient region, used for the adatom) and
/// x in [L_x/2 + cold_width, L_x) a second one with the opposite gradient.
#include <string>
#include <vector>

#include "core/Input.h"

namespace td::md {

struct LjSlab {
  double density = 1.07;             ///< FCC number density, sigma^-3
  long cells_x = 40;                 ///< periods a/sqrt(2) along x
  long cells_y = 4;                  ///< periods a sqrt(6)/2 along y (two rows each)
  long layers = 6;                   ///< (111) atomic layers
  long frozen_layers = 2;            ///< bottom layers held fixed
  double T_hot = 0.3;                ///< epsilon/kB
  double T_cold = 0.05;              ///< epsilon/kB
  double hot_width = 4.0;            ///< sigma
  double cold_width = 4.0;           ///< sigma
  double cutoff = 2.5;               ///< sigma (potential shifted)
  double timestep = 0.005;           ///< tau
  double thermostat_damping = 0.5;   ///< Nose-Hoover damping time, tau
  long equilibration_steps = 20000;  ///< steps to set up the gradient before recording
  long seed = 12345;

  /// Read and validate the slab keys of @p s.
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

  /// Nearest-neighbour distance a/sqrt(2) in the (111) plane (sigma): the period of the
  /// adsorption sites along x.
  double spacing() const;
  /// Distance between (111) layers, a/sqrt(3) (sigma).
  double layer_spacing() const;
  double length_x() const;  ///< L_x (sigma)
  double length_y() const;  ///< L_y (sigma)
  /// Height of the adatom's layer (the layer above the surface), sigma.
  double adatom_height() const;
  /// Ends of the first gradient region [hot_width, L_x/2) along x (sigma).
  double gradient_lo() const { return hot_width; }
  double gradient_hi() const { return length_x() / 2; }

  /// LAMMPS commands: units, box, slab and adatom (on the fcc hollow site nearest to
  /// @p adatom_x, sigma), LJ pair, groups (adatom, substrate, frozen, mobile = mobile
  /// substrate, hot, cold, free = mobile substrate outside the thermostats), velocities at the
  /// mean temperature, fixes `slab_hot`/`slab_cold` (nvt) and `slab_nve` (free + adatom).
  /// No run. @p adatom_fixes are inserted after the integrators (e.g. a constraint).
  std::string commands(double adatom_x, const std::string& adatom_fixes = "") const;

  /// Commands of a temperature profile of the mobile substrate along x (compute `slab_ch`,
  /// fix `slab_prof`): bins of @p bin (sigma), a sample every @p every steps, one block
  /// (average of @p nfreq / @p every samples) per @p nfreq steps, written to @p file.
  std::string profile_commands(double bin, long every, long nfreq, const std::string& file) const;
};

}  // namespace td::md
