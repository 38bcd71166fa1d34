#pragma once
/// @file BrownianCase.h  A `thermodrift bd` run read from TOML: [units], a 1D [mesh] (domain,
/// walls, histogram bins), [temperature], [particle] (convention alpha, one diffusivity or
/// internal states with transitions) and [bd] (walkers, seed, time step, times, start,
/// output). The engine is stochastic/Brownian.h.
#include <mpi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/Units.h"
#include "mesh/Mesh.h"
#include "models/MultiState.h"
#include "models/Reactions.h"
#include "models/TemperatureField.h"

namespace td {

struct BrownianCase {
  units::UnitSystem units = units::UnitSystem::si();
  std::unique_ptr<Mesh> mesh;  ///< 1D: domain, walls (periodic or reflecting) and histogram bins
  std::shared_ptr<const TemperatureField> T;
  StateSet states;                    ///< one state when the particle has a single [diffusivity]
  std::vector<Reaction> transitions;  ///< state a -> b (reactants[0] -> products[0])
  double alpha = 1.0;
  long walkers = 1000;
  std::uint64_t seed = 1;
  double dt = 1e-3, t_end = 1.0, t_burn = 0.0;  ///< time
  int samples = 20;
  bool uniform_start = true;
  double start = 0.0;  ///< length
  std::string output;
  std::string config;

  /// @p output: the `-o` value (empty: [output] file, else <input name>.h5).
  static std::unique_ptr<BrownianCase> load(MPI_Comm comm, const std::string& path,
                                            const std::string& output = "");
  static std::unique_ptr<BrownianCase> from_string(MPI_Comm comm, const std::string& text,
                                                   const std::string& name = "<string>");
};

}  // namespace td
