#pragma once
/// @file LatticeGasKmc.h  Canonical rejection-free KMC (BKL) of the site-exclusion lattice gas
/// of PHYSICS.md 6 on a periodic supercell: per-particle rates in a sum tree (O(log N)
/// selection), local updates after each hop; tracer and collective (Green-Kubo) diffusion
/// tensors averaged over independent replicas spread over MPI ranks.
#include <mpi.h>

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

#include "models/LatticeGas.h"
#include "solver/stochastic/Random.h"
#include "solver/stochastic/RateTree.h"

namespace td {

/// One replica: a La x Lb supercell of the lattice with a fixed number of particles.
class LatticeGasKmc {
 public:
  LatticeGasKmc(const LatticeSpec& spec, int La, int Lb, double T);
  int sites() const { return static_cast<int>(occ_.size()); }
  long particles() const { return static_cast<long>(site_.size()); }
  /// Place @p n particles on distinct random sites (uniform).
  void fill(long n, stochastic::Stream& rng);
  /// Hop until time @p t (BKL: exponential waiting times, selection by the sum tree).
  void advance_to(double t, stochastic::Stream& rng);
  double time() const { return t_; }
  long long events() const { return events_; }
  /// Reset the displacement counters (after equilibration).
  void reset_displacements();
  /// Sum of all particle displacements X (length).
  std::array<double, 2> collective() const { return X_; }
  /// Sum over particles of d_a d_b: [xx, xy, yy] (length^2).
  std::array<double, 3> tracer_sum() const;

 private:
  void update_particle(long p);
  std::vector<int> first_;  // out-bonds of site i: first_[i] .. first_[i + 1]
  std::vector<int> target_;
  std::vector<double> rate_;
  std::vector<std::array<double, 2>> disp_;
  std::vector<long> occ_;                 // particle on site, -1 empty
  std::vector<int> site_;                 // site of particle
  std::vector<std::array<double, 2>> d_;  // displacement of particle
  std::array<double, 2> X_{0, 0};
  stochastic::RateTree tree_;
  double t_ = 0.0;
  long long events_ = 0;
};

struct LatticeGasOptions {
  std::array<int, 2> cells{16, 16};
  double theta = 0.5;
  double T = 1.0;
  long replicas = 16;
  std::uint64_t seed = 1;
  double t_burn = 0.0;
  double t_end = 10.0;  ///< measured after t_burn
  int blocks = 10;      ///< Green-Kubo blocks of length t_end/blocks (>> the slowest hop time)
};

struct LatticeGasResult {
  Eigen::Matrix2d tracer, tracer_sem;          ///< D* from the single-particle MSD slope
  Eigen::Matrix2d collective, collective_sem;  ///< D_c by Green-Kubo
  double chi = 0.0;                            ///< sum_A n_A (1 - n_A) per cell
  long particles = 0;
  long long events = 0;
};

/// Replicas 0..R-1 with Philox streams (seed, replica): the same result on any number of ranks.
/// Both tensors as block averages of dX dX / (2 tau) (PHYSICS.md 6).
LatticeGasResult run_lattice_gas(MPI_Comm comm, const LatticeSpec& spec,
                                 const LatticeGasOptions& opt);

}  // namespace td
