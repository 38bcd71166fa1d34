#pragma once
/// @file AdatomCase.h  A `thermodrift kmc` run read from TOML: [units], [lattice],
/// [temperature] (unless the rate model takes none), [adatom], [kmc] (docs/input.md lists
/// every key).
#include <memory>
#include <string>

#include "core/Units.h"
#include "mesh/Mesh.h"
#include "models/Adatom.h"
#include "models/TemperatureField.h"
#include "stochastic/Walkers.h"

namespace td {

struct AdatomCase {
  units::UnitSystem units = units::UnitSystem::si();
  std::shared_ptr<const AdatomRates> rates;  ///< hop-rate model ([adatom] type)
  HopLattice lattice;
  /// One cell per site: the temperature field lives on it and the FV solver can reuse it.
  std::unique_ptr<Mesh> mesh;
  std::shared_ptr<const TemperatureField> T;
  WalkerOptions walkers;
  std::string output;  ///< result file (.h5), may be empty
  /// Also solve the finite-volume Fokker-Planck transient (reflecting walls only).
  bool fokker_planck = true;
  std::string config;  ///< resolved configuration (TOML)

  /// @p output: the `-o` value (empty: [output] file, else <input name>.h5).
  static std::unique_ptr<AdatomCase> load(MPI_Comm comm, const std::string& path,
                                          const std::string& output = "");
  static std::unique_ptr<AdatomCase> from_string(MPI_Comm comm, const std::string& text,
                                                 const std::string& name = "<string>");
};

/// Integrate dx/dt = v(x) along axis 0 from @p x0 (RK4, @p steps per sample interval) with v
/// the adatom drift law at T(x) and T'(x) (central difference over a/100) of the chain with the
/// lattice's D_xx (spacing HopLattice::x_spacing: a on the square lattice, a/2 on fcc111),
/// stopped at the outermost sites. Needs the analytic rate model (throws td::Error otherwise). With
/// @p particle the Ito drift dD/dx is added (kernels::adatom_particle_velocity).
std::vector<double> drift_law_trajectory(const AdatomCase& c, double x0,
                                         const std::vector<double>& times, bool particle,
                                         int steps = 50);

}  // namespace td
