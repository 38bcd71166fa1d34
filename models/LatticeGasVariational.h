#pragma once
/// @file LatticeGasVariational.h  Variational upper bound on the collective diffusion tensor
/// D_c(theta) of the site-exclusion lattice gas (docs/theory.md#lattice-gas; Minkowski and
/// Zaluska-Kotur, arXiv:1801.01374, Sec. II), built
/// numerically from any lattice file.
///
/// For the reversible exclusion dynamics with product (Bernoulli) stationary measure, the
/// decay rate of the density mode at small k obeys lambda(k) <= E(f, f)/Var(f) for any trial
/// f of wave vector k. The trial of Minkowski and Zaluska-Kotur, expanded to first order in k, is
///   f = sum_x sum_A e^{i k.(x_A + phi_A)} (n_{x,A} - n_A)
///     + sum_x e^{i k.x} sum_p i (k.psi_p) (n_{x,A_p} n_{x+o_p,B_p} - n_A n_B),
/// with a geometrical phase phi_A per site of the cell and a correlational phase psi_p per
/// unordered neighbour pair p (two sites joined by a bond). Var(f)/N_cells = chi + O(k^2),
/// chi = sum_A n_A (1 - n_A); the Dirichlet form per cell is, to order k^2,
///   (1/2) sum_{directed bonds a->b} Gamma_ab n_a (1 - n_b) E[(k.(delta_ab + phi_b - phi_a)
///                                      + sum_c G_c n_c)^2 | n_a = 1, n_b = 0],
/// G_c = sum of k.psi_p over the pairs of b with neighbour c (gained) minus those of a
/// (lost); the average over the independent neighbours is exact. It is a quadratic form
/// z^T M z + 2 z^T H k + k^T C k in the scalar phases z = (k.phi, k.psi); its minimum gives
/// k.D.k = k^T (C - H^T M^+ H) k / chi, an upper bound of the exact D_c for every k
/// (Spohn's variational formula for the bulk diffusion matrix, of which this is a subspace).
/// Derivation and checks: docs/stochastic.md.
#include <Eigen/Dense>
#include <array>
#include <vector>

#include "models/LatticeGas.h"

namespace td {

/// An unordered neighbour pair type: site @p a of cell 0 and site @p b of cell @p offset,
/// joined by at least one bond; a < b, or a == b with the offset's first non-zero
/// component positive.
struct LatticePair {
  int a = 0, b = 0;
  std::array<int, 2> offset{0, 0};
};

/// The neighbour pair types of the lattice, one per bond and its reverse.
std::vector<LatticePair> neighbour_pairs(const LatticeSpec& spec);

/// Grand-canonical occupancies n_A and hole occupancies h_A = 1 - n_A at mean coverage
/// theta, each computed from its own Fermi function so neither loses digits near 0 or 1.
struct GrandCanonicalOccupancy {
  std::vector<double> n, h;  ///< per site of the cell (dimensionless)
  double mu = 0.0;           ///< chemical potential (energy)
};

/// The occupancies at coverage @p theta in (0, 1) and temperature @p T.
GrandCanonicalOccupancy grand_canonical_occupancy(const LatticeSpec& spec, double theta, double T);

/// The variational bound with what went into it.
struct VariationalDiffusion {
  Eigen::Matrix2d D = Eigen::Matrix2d::Zero();          ///< D_c bound (length^2/time)
  Eigen::Matrix2d dirichlet = Eigen::Matrix2d::Zero();  ///< minimised form per cell, D chi
                                                        ///< (length^2/time)
  double chi = 0.0;          ///< sum_A n_A (1 - n_A) per cell (dimensionless)
  bool correlations = true;  ///< correlational phases were varied
  GrandCanonicalOccupancy occupancy;
  /// Optimal phases: s_A = k.phi_A for the direction of k; phi_A here is the 2-vector with
  /// k.phi_A the optimal phase for every k (length); defined up to a common shift of all
  /// site phases (least-norm choice).
  std::vector<Eigen::Vector2d> site_phases;
  std::vector<LatticePair> pairs;            ///< pair types (empty without correlations)
  std::vector<Eigen::Vector2d> pair_phases;  ///< psi_p (length)
  int null_directions = 0;  ///< directions of the form left out by the pseudo-inverse
                            ///< (the uniform site shift, and phases no hop sees)
};

/// The bound and its phases at coverage @p theta in (0, 1) and temperature @p T;
/// @p correlations = false keeps the geometrical phases only (the blocking-corrected
/// single-particle estimate).
VariationalDiffusion variational_collective_diffusion_details(const LatticeSpec& spec, double theta,
                                                              double T, bool correlations = true);

/// The collective diffusion tensor bound (length^2/time), see the file comment.
Eigen::Matrix2d variational_collective_diffusion(const LatticeSpec& spec, double theta, double T,
                                                 bool correlations = true);

/// First-order factor by which a canonical Green-Kubo collective tensor on a supercell of
/// @p cells cells, normalised by the grand-canonical chi (as the lattice-gas KMC does), exceeds
/// the infinite-system D_c: f = 1/(1 - sum_A v_A^2 / (chi^2 cells)), v_A = n_A (1 - n_A).
/// A fixed particle number anticorrelates distinct sites, Cov = -v_a v_b/(cells chi), which
/// raises the weight of the hops and the k != 0 structure factor chi(1 + sum v^2/(chi^2
/// cells)); exact for equal depths (M/(M - 1) on M sites, symmetric exclusion), first order in
/// 1/M otherwise (checked against supercells of 18 to 72 sites, docs/stochastic.md).
double canonical_green_kubo_factor(const LatticeSpec& spec, double theta, double T, long cells);

}  // namespace td
