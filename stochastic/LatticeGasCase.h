#pragma once
/// @file LatticeGasCase.h  A `thermodrift lattice` run read from TOML: [units] and
/// [lattice_gas] (a lattice file, a temperature, a list of coverages, the method and the KMC
/// settings; docs/input.md lists every key). The lattice file's numbers are in the case's units.
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/Units.h"
#include "models/LatticeGas.h"
#include "stochastic/LatticeGasKmc.h"

namespace td {

/// The estimates of the collective diffusion tensor a `thermodrift lattice` run computes at
/// each coverage: the variational bound (models/LatticeGasVariational.h), the canonical KMC
/// (stochastic/LatticeGasKmc.h) or both.
enum class LatticeMethod { variational, kmc, both };

struct LatticeGasCase {
  units::UnitSystem units = units::UnitSystem::si();
  LatticeSpec lattice;            ///< validated lattice (models/LatticeGas.h)
  std::string lattice_file;       ///< its path
  std::vector<double> coverages;  ///< theta in (0, 1), one KMC run each
  LatticeGasOptions run;          ///< supercell, temperature, replicas, times (theta per run)
  LatticeMethod method = LatticeMethod::both;
  std::string output;             ///< result file (.h5), may be empty
  std::string config;             ///< resolved case and lattice file (TOML)

  bool runs_kmc() const { return method != LatticeMethod::variational; }
  bool runs_variational() const { return method != LatticeMethod::kmc; }

  /// @p output: the `-o` value (empty: [output] file, else <input name>.h5); @p method: the
  /// `--method` value (empty: [lattice_gas] method), recorded in the resolved configuration.
  static std::unique_ptr<LatticeGasCase> load(const std::string& path,
                                              const std::string& output = "",
                                              const std::string& method = "");
  static std::unique_ptr<LatticeGasCase> from_string(const std::string& text,
                                                     const std::string& name = "<string>");
};

/// The accepted values of `[lattice_gas] method` and `--method`.
const std::vector<std::string>& lattice_method_names();

/// Row-major entries (xx, xy, yx, yy) of a 2x2 tensor appended to @p out.
void append_row_major(std::vector<double>& out, const Eigen::Matrix2d& m);

/// The KMC results of a coverage scan: per coverage, row-major 2x2 tensors (4 entries each,
/// length^2/time) and the scalars of LatticeGasResult.
struct LatticeGasScan {
  std::vector<double> tracer, tracer_sem, collective, collective_sem;
  std::vector<double> chi, particles, events;  ///< dimensionless
  /// Factor by which the canonical Green-Kubo tensor of the supercell exceeds the
  /// infinite-system D_c at the run's particle number (canonical_green_kubo_factor, first
  /// order in 1/sites; dimensionless): collective / factor estimates D_c.
  std::vector<double> canonical_factor;
};

/// The variational bounds of a coverage scan: per coverage the row-major 2x2 tensor D_c
/// (length^2/time) and chi (dimensionless).
struct LatticeVariationalScan {
  std::vector<double> collective, chi;
};

/// The variational bound of @p c at each of its coverages (deterministic; every rank computes
/// it).
LatticeVariationalScan run_lattice_variational(const LatticeGasCase& c);

/// Run the lattice-gas KMC of @p c at each of its coverages (collective on @p comm); @p each,
/// if given, sees every coverage's result as it is done (table output); @p progress, if given,
/// is told the fraction done (each coverage an equal share).
LatticeGasScan run_lattice_scan(
    MPI_Comm comm, const LatticeGasCase& c,
    const std::function<void(double theta, const LatticeGasResult&)>& each = {},
    Progress* progress = nullptr);

}  // namespace td
