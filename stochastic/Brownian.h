#pragma once
/// @file Brownian.h  Overdamped Brownian particles in a temperature field
/// (docs/theory.md#stochastic): D(T(x)) in the convention alpha (1 Ito, 0 anti-Ito), optional
/// internal states switching at rates k_ij(T) with detailed balance (docs/theory.md#multistate),
/// reflecting or periodic walls in 1D. Walkers use Philox streams keyed by (seed, walker);
/// statistics do not depend on the ranks.
#include <mpi.h>

#include <memory>
#include <string>
#include <vector>

#include "core/Progress.h"
#include "stochastic/BrownianCase.h"

namespace td {

struct BrownianStatistics {
  std::vector<double> edges;  ///< bin edges (mesh nodes)
  /// Time-averaged probability density over [t_burn, t_end] per state and bin,
  /// [state][bin], and its standard error from the spread over walkers (1/length).
  std::vector<std::vector<double>> density, density_sem;
  std::vector<double> total, total_sem;          ///< summed over states
  std::vector<double> time, mean_x, mean_x_sem;  ///< mean position at sample times
  long long steps = 0;
};

/// Finished particles are reported to @p progress when given.
BrownianStatistics run_brownian(MPI_Comm comm, const BrownianCase& c, Progress* progress = nullptr);

/// The zero-flux steady density of a single-state particle, p ~ D(T(x))^-alpha (the steady
/// state of J = -D p' - alpha p D' with reflecting or periodic walls: 1/D Ito, flat anti-Ito),
/// averaged over each histogram bin (@p per_bin midpoints) and normalised to 1 over the
/// domain (1/length). Empty when the particle has several internal states (then the steady
/// state needs the PDE of the multi-state model).
std::vector<double> zero_flux_density(const BrownianCase& c, int per_bin = 32);

}  // namespace td
