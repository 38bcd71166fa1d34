#pragma once
/// @file Case.h  A complete run read from a TOML input: units, mesh, temperature, species,
/// solver and output settings (see docs/input.md for every key).
#include <memory>
#include <string>

#include "core/HugePages.h"
#include "core/Input.h"
#include "core/Units.h"
#include "core/UnitsInput.h"
#include "fv/FVSystem.h"
#include "fv/Steady.h"
#include "fv/Transient.h"
#include "mesh/Mesh.h"
#include "models/TemperatureField.h"

namespace td {

/// Cell fields a snapshot of `thermodrift run` holds ([output] fields); each names a family
/// (`c` writes c_<species> of every species).
struct OutputFields {
  bool c = true;        ///< c_<species>: concentrations (number density)
  bool T = true;        ///< T: temperature
  bool J = true;        ///< J_<species>: flux vectors (particle flux)
  bool P = true;        ///< P_<species>: total of a multi-state species' states
  bool S_T_eff = true;  ///< S_T_eff_<species>: local effective Soret coefficient (1/temperature)
  bool S_T_eq = true;   ///< S_T_eq_<species>: its local-equilibrium prediction (1/temperature)
  /// True if any of the per-species observables (P, S_T_eff, S_T_eq) is written.
  bool observables() const { return P || S_T_eff || S_T_eq; }
};

struct RunSettings {
  enum class Mode { steady, transient };
  Mode mode = Mode::steady;
  SteadyOptions steady;
  TransientOptions transient;
  double t_end = 0.0;       ///< final time (time unit of the case)
  int outputs = 10;         ///< snapshots written, evenly spaced in time
  std::string file;         ///< result file (.h5)
  OutputFields fields;      ///< cell fields of each snapshot
  double progress_interval = 5.0;  ///< wall seconds between progress lines
};

/// The HeapPrefault of a run on @p cells cells (all ranks) with @p fields fields per cell: this
/// rank's share of the fresh memory its set-up and steady solve touch, populated by a second
/// thread (core/HugePages.h); null where the rank has no CPU beside the ranks on its node or
/// @p comm is not all of the ranks. Call before the mesh's DMDA is made. Collective.
std::unique_ptr<HeapPrefault> start_run_prefault(MPI_Comm comm, std::size_t cells, int fields);

class Case {
 public:
  /// Read and validate the whole input; throws InputError pointing into the file. The result
  /// file is @p output (the `-o` value) when not empty, else [output] file, else
  /// <input name>.h5 (core/Paths.h output_path).
  static std::unique_ptr<Case> load(MPI_Comm comm, const std::string& path,
                                    const std::string& output = "");
  /// Same, from TOML text (tests, the Python module).
  static std::unique_ptr<Case> from_string(MPI_Comm comm, const std::string& text,
                                           const std::string& name = "<string>",
                                           const std::string& output = "");

  const units::UnitSystem& units() const { return units_; }
  Mesh& mesh() { return *mesh_; }
  FVSystem& system() { return *sys_; }
  /// The prescribed temperature field.
  const TemperatureField& temperature() const { return *T_; }
  RunSettings& run() { return run_; }
  /// The full resolved configuration (defaults included) as TOML.
  std::string config_toml() const { return config_; }
  /// The data files the input names with their sizes and hashes (core/Paths.h
  /// data_fingerprint), as read when the case was loaded.
  const std::string& data_fingerprint() const { return data_fingerprint_; }

 private:
  static std::unique_ptr<Case> build(MPI_Comm comm, InputSection root, const std::string& output);
  units::UnitSystem units_ = units::UnitSystem::si();
  /// Populates the heap the run's set-up and solve take (core/HugePages.h), from the mesh's
  /// size on.
  std::unique_ptr<HeapPrefault> prefault_;
  std::unique_ptr<Mesh> mesh_;
  std::shared_ptr<const TemperatureField> T_;
  std::unique_ptr<FVSystem> sys_;
  RunSettings run_;
  std::string config_;
  std::string data_fingerprint_;
};

}  // namespace td
