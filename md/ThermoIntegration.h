#pragma once
/// @file ThermoIntegration.h  Generalised thermodynamic integration of a constrained adatom
/// in a temperature gradient (docs/theory.md#adatom; A. Roux and N. Combe, Phys. Rev. B 108,
/// 115410 (2023)), reduced units (k_B = 1):
///
///     dPhi/dx (x0) = - <F_x> / T(x0) - ( <E_p>/2 + <E_k> ) / T(x0)^2 * dT/dx (x0)
///
/// F_x the force of the substrate on the adatom held at x = x0, E_p the adatom-substrate
/// potential energy, E_k the adatom kinetic energy (three degrees of freedom), T(x) the
/// substrate temperature. Phi(x0) follows by the trapezoid rule, Phi(first x0) = 0.
///
/// Cluster of N atoms with its centre of mass X held at x0 (the extension that paper
/// outlines; derivation in docs/theory.md#adatom): Phi(x0) = -ln Z with each atom's energy
/// weighted by 1/T at its own position, to first order in dT/dx,
///
///     dPhi/dx (x0) = - ( <F_x> - dT/dx <W> / T ) / T - ( <E_p>/2 + <E_cc> + <E_k> ) / T^2 dT/dx
///
/// with F_x = sum_i F_i,x the substrate force on the cluster, W = sum_i (x_i - X) F_i,x its
/// virial about X (the substrate force on a cluster atom ahead of X is weighted by the colder
/// 1/T there), E_cc the cluster's internal potential energy (both halves of an internal pair
/// belong to the cluster) and E_k its kinetic energy (3N degrees of freedom). N = 1: W = E_cc
/// = 0, the adatom's formula.
#include <vector>

namespace td::md {

/// Block means of one constrained window (every vector has one entry per block).
struct TiWindow {
  double x0 = 0.0;         ///< constraint position, sigma
  std::vector<double> Fx;  ///< substrate force on the adatom along x, epsilon/sigma
  std::vector<double> Ep;  ///< adatom-substrate potential energy, epsilon
  std::vector<double> Ek;  ///< adatom kinetic energy (3 dof), epsilon
  /// Cluster only (empty: zero, the adatom): internal potential energy E_cc, epsilon, and
  /// virial W = sum_i (x_i - X) F_i,x of the substrate forces about the centre of mass, epsilon.
  std::vector<double> Ecc, W;
};

/// One point of Phi(x0) with its ingredients; errors are standard errors over the blocks.
struct PhiPoint {
  double x0 = 0, T = 0, dT_dx = 0;  ///< sigma, epsilon/kB, epsilon/(kB sigma)
  double Fx = 0, Ep = 0, Ek = 0;    ///< block means (units as in TiWindow)
  double Ecc = 0, W = 0;            ///< block means (units as in TiWindow)
  double dphi = 0, dphi_err = 0;    ///< dPhi/dx, 1/sigma
  double phi = 0, phi_err = 0;      ///< Phi (dimensionless); phi_err accumulates along x0
};

/// Integrate @p windows (ascending x0, at least 2, equal block counts >= 2) along the linear
/// substrate profile T(x) = @p T_ref + @p G (x - @p x_ref). The error of dPhi/dx is the
/// standard error of its block values; the errors of Phi add the trapezoid-weighted variances
/// of the windows up to x0 (they are therefore correlated along x0).
std::vector<PhiPoint> integrate_phi(const std::vector<TiWindow>& windows, double T_ref, double G,
                                    double x_ref);

}  // namespace td::md
