#pragma once
/// @file LatticeGasGradient.h  Kinetic Monte Carlo of the site-exclusion lattice gas in a
/// temperature field (docs/theory.md#lattice-gas): every hop from site A over the saddle of
/// bond AB has the rate of the adatom model, kernels::adatom_site_hop_rate(nu, Q, E_AB, E_A, kB,
/// T(site), T(saddle)), with the saddle at the bond's midpoint, so at uniform T it is the
/// lattice's nu exp(-(E_AB - E_A)/(kB T)). The supercell of La x Lb rectangular cells is closed
/// (reflecting: hops across the two ends are removed) along a, the gradient axis x, and
/// periodic along b. Exact thinning over carriers (particles up to coverage 1/2, holes above):
/// a candidate is a carrier drawn uniformly with the largest total rate of any site, kept with
/// the ratio of its site's total rate to that bound, then one of its moves by rate, carried out
/// if the partner site is free (particles) or occupied (holes). Measured: the time-averaged
/// coverage of every column of cells (steady profile) and instantaneous column coverages at
/// given times (relaxation from a uniform random fill), averaged over independent replicas.
#include <mpi.h>

#include <cstdint>
#include <vector>

#include "models/LatticeGas.h"
#include "models/TemperatureField.h"
#include "stochastic/Random.h"

namespace td {

struct GradientLatticeOptions {
  int La = 32, Lb = 8;  ///< cells along the gradient (a, x) and across it (b, y)
  double Q = 0.0;       ///< heat of transport of a site of zero energy (energy)
  double theta = 0.5;   ///< mean coverage (dimensionless)
  long replicas = 8;
  std::uint64_t seed = 1;
  double t_burn = 0.0;  ///< time before the steady average starts
  double t_end = 10.0;  ///< length of the steady average (time, after t_burn)
  /// Times (from the uniform fill at t = 0, increasing, at most t_burn) of the instantaneous
  /// column profiles.
  std::vector<double> snapshot_times;
};

struct GradientLatticeResult {
  std::vector<double> x;          ///< column centres (length)
  std::vector<double> T;          ///< temperature at the column centres
  std::vector<double> theta;      ///< time-averaged coverage per column (dimensionless)
  std::vector<double> theta_sem;  ///< its standard error over replicas
  /// snapshots[k][column]: replica-mean coverage at snapshot_times[k], and its error
  std::vector<std::vector<double>> snapshots, snapshots_sem;
  long particles = 0;
  long long events = 0;      ///< hops carried out
  long long candidates = 0;  ///< candidates drawn (hops and null events)
};

/// One replica (see the file comment).
class LatticeGasGradientKmc {
 public:
  /// The cell of @p spec must be rectangular (a along x, b along y); @p T gives the temperature
  /// at x in [0, La |a|] (the column of cell i spans [i |a|, (i + 1) |a|] and its sites keep
  /// their positions relative to the cell's mean site position at the column centre).
  LatticeGasGradientKmc(const LatticeSpec& spec, int La, int Lb, const TemperatureField& T,
                        double Q);
  int sites() const { return static_cast<int>(occ_.size()); }
  /// Place @p n particles on distinct uniformly random sites; carriers by coverage.
  void fill(long n, stochastic::Stream& rng);
  void advance_to(double t, stochastic::Stream& rng);
  double time() const { return t_; }
  /// Start the time average of the occupancies at the current time.
  void start_average();
  /// Coverage per column, time-averaged since start_average() (dimensionless).
  std::vector<double> averaged_columns() const;
  /// Instantaneous coverage per column.
  std::vector<double> columns() const;
  /// Column of every site's x coordinate (length).
  const std::vector<double>& site_x() const { return x_; }
  long long events() const { return events_; }
  long long candidates() const { return candidates_; }

 private:
  struct Move {
    int partner = 0;
    double rate = 0.0;  ///< 1/time
  };
  void occupy(int i, bool on);
  int La_ = 1, Lb_ = 1, s_ = 1;
  std::vector<double> x_;                  // site x (length)
  std::vector<int> out_start_, in_start_;  // CSR offsets of the moves per site
  std::vector<Move> out_, in_;             // particle leaves site / hole on site is filled
  std::vector<double> out_tot_, in_tot_;   // total move rate per site
  double out_max_ = 0.0, in_max_ = 0.0;
  bool holes_ = false;
  std::vector<int> carriers_;  // carrier sites
  std::vector<std::uint8_t> occ_;
  std::vector<double> acc_, since_;  // time-integrated occupancy, last occupation time
  double t_ = 0.0, t_avg_ = 0.0;
  long long events_ = 0, candidates_ = 0;
};

/// Replicas 0..R-1 with Philox streams (seed, replica), spread over the ranks of @p comm: the
/// same result on any number of ranks.
GradientLatticeResult run_lattice_gradient(MPI_Comm comm, const LatticeSpec& spec,
                                           const TemperatureField& T,
                                           const GradientLatticeOptions& opt);

}  // namespace td
