#pragma once
/// @file LatticeGasKmc.h  Canonical kinetic Monte Carlo of the site-exclusion lattice gas
/// of docs/theory.md#lattice-gas on a periodic supercell, exact and O(1) per event with a working
/// set that stays in cache: composition-rejection over carriers. The carriers are the particles
/// (coverage <= 1/2) or the holes (coverage > 1/2). A candidate move is a carrier and one bond
/// of its sublattice (for holes: one bond into it), drawn with probability proportional to
/// the bond rate from the total R_max = sum over carriers of their bond rates, which ignores
/// site exclusion; the clock advances by an exponential time of rate R_max per candidate, and
/// the candidate is carried out if its partner site is empty (particles) or occupied (holes),
/// else it is a null event. This thinning is exact; the acceptance is the unblocked share of
/// the rate, at least about 1/2 at any coverage. Tracer and collective (Green-Kubo)
/// diffusion tensors are averaged over independent replicas spread over MPI ranks.
#include <mpi.h>

#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <vector>

#include "core/Progress.h"
#include "models/LatticeGas.h"
#include "stochastic/Random.h"

namespace td {

/// Which carriers the candidate moves are drawn over (automatic: particles up to coverage
/// 1/2, holes above; both choices give the same dynamics, only the null-event share differs).
enum class Carriers { automatic, particles, holes };

/// One replica: a La x Lb supercell of the lattice with a fixed number of particles.
class LatticeGasKmc {
 public:
  LatticeGasKmc(const LatticeSpec& spec, int La, int Lb, double T);
  int sites() const { return static_cast<int>(occ_.size()); }
  long particles() const { return particles_; }
  /// Place @p n particles on distinct random sites (uniform); draw candidates over @p carriers.
  void fill(long n, stochastic::Stream& rng, Carriers carriers = Carriers::automatic);
  /// Hop until time @p t (composition-rejection over the carriers, see the file comment).
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
  /// A candidate move of a carrier on sublattice a: partner site in cell (+da, +db),
  /// sublattice `to`; the particle moves by `disp` (from the carrier to the partner for
  /// particles, from the partner to the carrier for holes).
  struct Move {
    int da = 0, db = 0, to = 0;
    std::array<double, 2> disp{0, 0};
    double rate = 0.0;  ///< 1/time
  };
  /// The partner site of the carrier on @p site for move @p m (of the site's sublattice).
  int partner(int site, const Move& m) const;
  /// The carrier at index @p c of the list of sublattice @p a moves to site @p to.
  void move_carrier(int a, std::size_t c, int to);
  int La_ = 1, Lb_ = 1, s_ = 1;
  bool holes_ = false;                       // carriers are holes (else particles)
  std::vector<std::vector<Move>> moves_;     // per sublattice
  std::vector<std::vector<double>> cum_;     // cumulative move rates per sublattice
  std::vector<double> rtot_;                 // total move rate per sublattice
  std::vector<std::vector<Move>> out_, in_;  // moves of particles / of holes
  std::vector<std::vector<int>> carriers_;   // carrier sites per sublattice
  std::vector<std::uint8_t> occ_;            // 1 occupied, 0 empty
  // displacement of the particle on each site (it moves with the particle): indexing by
  // site keeps a move's memory traffic next to the sites it touches
  std::vector<std::array<double, 2>> d_;
  long particles_ = 0;
  std::array<double, 2> X_{0, 0};
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
  Carriers carriers = Carriers::automatic;
};

struct LatticeGasResult {
  Eigen::Matrix2d tracer, tracer_sem;          ///< D* from the single-particle MSD slope
  Eigen::Matrix2d collective, collective_sem;  ///< D_c by Green-Kubo
  double chi = 0.0;                            ///< sum_A n_A (1 - n_A) per cell
  /// Factor by which the canonical Green-Kubo `collective` of the supercell exceeds the
  /// infinite-system D_c at its particle number (canonical_green_kubo_factor, first order in
  /// 1/sites; dimensionless): collective / canonical_factor estimates D_c.
  double canonical_factor = 1.0;
  long particles = 0;
  long long events = 0;
};

/// Replicas 0..R-1 with Philox streams (seed, replica): the same result on any number of ranks.
/// Both tensors as block averages of dX dX / (2 tau) (docs/theory.md#lattice-gas).
/// Finished Green-Kubo blocks are reported to @p progress when given.
LatticeGasResult run_lattice_gas(MPI_Comm comm, const LatticeSpec& spec,
                                 const LatticeGasOptions& opt, Progress* progress = nullptr);

}  // namespace td
