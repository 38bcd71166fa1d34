#pragma once
/// @file FreeEnergy.h  Estimators of the solvation free energy G (the excess chemical potential
/// mu_ex of one solute atom in the solvent, canonical ensemble) from LAMMPS samples, by two
/// independent routes (docs/theory.md#equilibrium-soret):
///
/// - Widom test-particle insertion: G = -k_B T ln < exp(-dU / k_B T) >, dU the interaction
///   energy of a solute inserted at random into the pure solvent (B. Widom, "Some topics in
///   the theory of fluids", J. Chem. Phys. 39, 2808 (1963), DOI 10.1063/1.1734110).
/// - Thermodynamic integration: the solute-solvent LJ epsilon is scaled by lambda in [0, 1],
///   so U(lambda) = lambda U_1 and dU/dlambda = U(lambda) / lambda; G = int_0^1 <dU/dlambda>
///   dlambda (J. G. Kirkwood, "Statistical mechanics of fluid mixtures", J. Chem. Phys. 3, 300
///   (1935), DOI 10.1063/1.1749657). At small lambda the solvent enters the solute's core and
///   <U_1>_lambda grows as lambda^(-3/4) (the r^-12 term sampled with weight
///   exp(-lambda U_1 / k_B T)); the path lambda = t^4 turns this into a finite integrand in t,
///   dG/dt = 4 t^3 <U_1> = 4 <U(lambda)> / t, integrated by Gauss-Legendre quadrature in t.
///
/// Energies and k_B T in any one unit system; every function is pure (no LAMMPS).
#include <vector>

#include "fit/Models.h"

namespace td::md {

using fit::Estimate;

/// Gauss-Legendre nodes (ascending) and weights on [0, 1].
struct Quadrature {
  std::vector<double> x, w;
};
/// The @p n-point Gauss-Legendre rule on [0, 1] (Golub-Welsch: eigenvalues of the Jacobi
/// matrix of the Legendre polynomials, by Eigen); exact for polynomials of degree 2n - 1.
/// Throws td::Error for n < 1.
Quadrature gauss_legendre01(int n);

/// The exponent k of the coupling path lambda = t^k (4: finite integrand at t -> 0, see above).
inline constexpr int kCouplingExponent = 4;
/// lambda(t) = t^kCouplingExponent.
double coupling_lambda(double t);

/// Widom estimate from independent block means @p w of the Boltzmann factor exp(-dU/k_B T)
/// (at least 2 blocks) at @p kT: G = -kT ln(mean w); its error by linear propagation of the
/// standard error of the mean, kT sd(w) / (sqrt(blocks) mean w). Throws td::Error if the mean is
/// not positive (every insertion overlapped: more insertions or a lower density are needed).
Estimate widom_free_energy(const std::vector<double>& w, double kT);

/// One node of the coupling integral: t, and the block means of the solute-solvent energy
/// U(lambda(t)) (energy, at least 2 blocks).
struct CouplingNode {
  double t = 0.0;
  std::vector<double> U;
  /// dG/dt = kCouplingExponent <U> / t with the standard error of its block values.
  Estimate integrand() const;
};

/// G = sum_k w_k dG/dt(t_k) over the nodes of @p q (one CouplingNode per node, same t, any
/// order of the rule); error sqrt(sum_k w_k^2 se_k^2) (independent windows). Throws td::Error if
/// the nodes do not match the rule.
Estimate integrate_coupling(const Quadrature& q, const std::vector<CouplingNode>& nodes);

/// Slope dG/dT of a straight line fitted to G(T) (Ceres, fit/LeastSquares.h) with its standard
/// error. Weighted by @p err when every error is positive (covariance from the errors);
/// otherwise unweighted, the error from the residual scatter (0 for exact points on a line).
/// Two temperatures give the difference quotient with the errors added in quadrature.
/// Temperature and G are centred and scaled before the fit, so SI or LJ units give the same
/// answer. Needs at least 2 distinct temperatures (td::Error otherwise).
Estimate temperature_slope(const std::vector<double>& T, const std::vector<double>& G,
                           const std::vector<double>& err);

}  // namespace td::md
