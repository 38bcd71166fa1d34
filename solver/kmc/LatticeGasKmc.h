#pragma once
/// @file LatticeGasKmc.h  Canonical rejection-free KMC (BKL) of the site-exclusion lattice gas
/// of PHYSICS.md 6 on a periodic supercell. The events are the possible hops (an occupied
/// site, one of its bonds, an empty target); their rates are the few distinct bond rates, so
/// they are grouped in rate classes (stochastic::RateClasses: O(1) selection and update).
/// After each hop only the hops from and into its two sites change. Tracer and collective
/// (Green-Kubo) diffusion tensors are averaged over independent replicas spread over MPI
/// ranks.
#include <mpi.h>

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

#include "models/LatticeGas.h"
#include "solver/stochastic/Random.h"
#include "solver/stochastic/RateClasses.h"

namespace td {

/// One replica: a La x Lb supercell of the lattice with a fixed number of particles.
class LatticeGasKmc {
 public:
  LatticeGasKmc(const LatticeSpec& spec, int La, int Lb, double T);
  int sites() const { return static_cast<int>(occ_.size()); }
  long particles() const { return static_cast<long>(site_.size()); }
  /// Place @p n particles on distinct random sites (uniform).
  void fill(long n, stochastic::Stream& rng);
  /// Hop until time @p t (BKL: exponential waiting times, selection over the rate classes).
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
  /// Enable the hops of the particle on @p site to its empty neighbours, and disable the
  /// hops of its occupied neighbours into @p site.
  void occupy(int site);
  /// Disable the hops from @p site, and enable the hops of its occupied neighbours into it.
  void vacate(int site);
  // Hop slots: the out-bonds of site i are k = first_[i] .. first_[i + 1] - 1.
  std::vector<int> first_;
  std::vector<int> source_, target_;
  std::vector<std::array<double, 2>> disp_;
  std::vector<std::uint16_t> class_;      // rate class of each slot
  std::vector<double> class_rate_;        // rate of each class (1/time)
  std::vector<int> occ_;                  // particle on site, -1 empty
  std::vector<int> site_;                 // site of particle
  std::vector<std::array<double, 2>> d_;  // displacement of particle
  std::array<double, 2> X_{0, 0};
  stochastic::RateClasses hops_;  // the possible hops
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
