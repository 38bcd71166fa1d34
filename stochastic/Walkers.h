#pragma once
/// @file Walkers.h  Independent walkers hopping on a 1D or 2D square lattice by rejection-free
/// kinetic Monte Carlo (n-fold way over the 2*dim hops of the occupied site), with
/// per-walker Philox streams and rank-independent statistics (docs/physics.md#stochastic).
#include <mpi.h>

#include <array>
#include <cstdint>
#include <vector>

#include "core/Progress.h"
#include "models/Adatom.h"
#include "models/TemperatureField.h"

namespace td {

/// Sites at origin + a (i + 1/2) along each axis; hops to the 2*dim nearest neighbours, in the
/// order +x, -x, +y, -y. A hop through a reflecting wall has rate 0.
struct HopLattice {
  int dim = 1;
  std::array<int, 2> n{1, 1};  ///< sites per axis
  std::array<bool, 2> periodic{false, false};
  double a = 1.0;  ///< spacing (length)
  std::array<double, 2> origin{0.0, 0.0};
  std::vector<double> rate;  ///< sites * 2 dim hop rates (1/time)

  int hops_per_site() const { return 2 * dim; }
  int sites() const { return n[0] * n[1]; }
  Point position(int s) const {
    return {origin[0] + a * (s % n[0] + 0.5), dim > 1 ? origin[1] + a * (s / n[0] + 0.5) : 0.0,
            0.0};
  }
  /// Site reached by hop @p h from site @p s, or -1 through a reflecting wall.
  int neighbour(int s, int h) const;
  /// The site nearest to point @p x (clamped into the lattice).
  int nearest(const Point& x) const;
};

/// Geometry of a hop lattice (rates not yet set).
HopLattice hop_geometry(int dim, std::array<int, 2> n, std::array<bool, 2> periodic, double a,
                        std::array<double, 2> origin);

/// Fill the rates of @p lat from the rate model @p m: each hop from its site over the saddle
/// halfway to the target; @p T the temperature field (null if the model needs none).
void set_adatom_rates(HopLattice& lat, const AdatomRates& m, const TemperatureField* T);

struct WalkerOptions {
  long walkers = 1000;
  std::uint64_t seed = 1;
  double t_end = 1.0;          ///< time
  int samples = 100;           ///< sample times t_k = k t_end / samples, k = 0..samples
  int trajectories = 0;        ///< walkers (the first ones) whose sampled paths are kept
  bool uniform_start = false;  ///< start on a random site (uniform) instead of start_site
  int start_site = 0;
};

struct WalkerStatistics {
  int dim = 1;
  long walkers = 0;
  std::vector<double> time;                      ///< samples + 1
  std::vector<std::array<double, 2>> mean, sem;  ///< mean position and its standard error
  std::vector<double> msd, msd_sem;              ///< mean squared displacement (length^2)
  std::vector<long long> histogram;              ///< walkers per site at t_end
  std::vector<double> trajectories;              ///< [walker][sample][dim] positions
  long long hops = 0;                            ///< all ranks
};

/// Run the walkers (collective on @p comm); results identical on every rank and for any
/// number of ranks.
/// Finished walkers are reported to @p progress when given.
WalkerStatistics run_walkers(MPI_Comm comm, const HopLattice& lat, const WalkerOptions& opt,
                             Progress* progress = nullptr);

}  // namespace td
