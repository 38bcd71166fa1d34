#pragma once
/// @file LatticeGasCase.h  A `thermodrift lattice` run read from TOML: [units] and
/// [lattice_gas] (a lattice file, a temperature, a list of coverages and the KMC settings;
/// docs/input.md lists every key). The lattice file's numbers are in the case's units.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/Units.h"
#include "models/LatticeGas.h"
#include "stochastic/LatticeGasKmc.h"

namespace td {

struct LatticeGasCase {
  units::UnitSystem units = units::UnitSystem::si();
  LatticeSpec lattice;            ///< validated lattice (models/LatticeGas.h)
  std::string lattice_file;       ///< its path
  std::vector<double> coverages;  ///< theta in (0, 1), one KMC run each
  LatticeGasOptions run;          ///< supercell, temperature, replicas, times (theta per run)
  std::string output;             ///< result file (.h5), may be empty
  std::string config;             ///< resolved case and lattice file (TOML)

  /// @p output: the `-o` value (empty: [output] file, else <input name>.h5).
  static std::unique_ptr<LatticeGasCase> load(const std::string& path,
                                              const std::string& output = "");
  static std::unique_ptr<LatticeGasCase> from_string(const std::string& text,
                                                     const std::string& name = "<string>");
};

/// Row-major entries (xx, xy, yx, yy) of a 2x2 tensor appended to @p out.
void append_row_major(std::vector<double>& out, const Eigen::Matrix2d& m);

/// The KMC results of a coverage scan: per coverage, row-major 2x2 tensors (4 entries each,
/// length^2/time) and the scalars of LatticeGasResult.
struct LatticeGasScan {
  std::vector<double> tracer, tracer_sem, collective, collective_sem;
  std::vector<double> chi, particles, events;  ///< dimensionless
};

/// Run the lattice-gas KMC of @p c at each of its coverages (collective on @p comm); @p each,
/// if given, sees every coverage's result as it is done (table output); @p progress, if given,
/// is told the fraction done (each coverage an equal share).
LatticeGasScan run_lattice_scan(
    MPI_Comm comm, const LatticeGasCase& c,
    const std::function<void(double theta, const LatticeGasResult&)>& each = {},
    Progress* progress = nullptr);

}  // namespace td
