#pragma once
/// @file coverage_K.h  Per-cell and per-face kernels of a dense adsorbate (a site-exclusion
/// lattice gas) in a temperature gradient, docs/theory.md#lattice-gas. No mesh knowledge: the
/// finite-volume coverage system (fv/CoverageSystem.h) owns the loops.
///
/// Continuum flux of coverage theta (sites occupied per site, dimensionless):
///   J = -D_c(theta, T) chi grad lambda,  lambda = mu/(kB T) - Q/(kB T),
/// chi = d theta / d lambda at fixed T (per site), mu the grand-canonical chemical potential
/// of the site energies. Zero flux <=> uniform lambda, the stationary state of the lattice
/// gas whose hops use kernels::adatom_hop_rate (adatom_K.h). Written as a drift-diffusion
/// flux J = -D_c (grad theta + theta grad psi) with grad psi = (chi/theta) grad lambda -
/// grad ln theta, the exponentially fitted face flux from cell P to cell Q (distance h) is
///   J = (D_f / h) [ B(x) theta_P - B(-x) theta_Q ],  x = m_f (lambda_Q - lambda_P) -
///   ln(theta_Q/theta_P),
/// m = chi/theta, m_f the mean of the two cells, D_f the mean of D_c. It vanishes exactly when
/// lambda_P = lambda_Q whatever m_f (B(x)/B(-x) = e^-x), reduces to the dilute
/// Scharfetter-Gummel flux as theta -> 0 (m -> 1, lambda -> ln theta + psi), and is the
/// exponential fitting of M. Bessemoulin-Chatard, "A finite volume scheme for convection-diffusion
/// equations with nonlinear diffusion derived from the Scharfetter-Gummel scheme", Numer. Math.
/// 121, 637-670 (2012) (docs/theory.md#references).
#include <cmath>

#include "models/flux_K.h"

namespace td::kernels {

/// State of one cell for the coverage flux, with derivatives with respect to theta at the
/// cell's (fixed) temperature.
struct CoverageCell {
  double theta = 0.0;    ///< coverage (dimensionless)
  double D = 0.0;        ///< D_c(theta, T) (length^2/time)
  double dD = 0.0;       ///< dD_c/dtheta (length^2/time)
  double lambda = 0.0;   ///< mu/(kB T) - Q/(kB T) (dimensionless)
  double dlambda = 0.0;  ///< dlambda/dtheta = 1/chi
  double m = 1.0;        ///< chi/theta (dimensionless)
  double dm = 0.0;       ///< dm/dtheta
};

/// Face flux (amount/time in the direction P -> Q) and its derivatives with respect to
/// theta_P and theta_Q. @p conductance = face area / h (length^(dim-2)).
struct CoverageFlux {
  double J = 0.0, dP = 0.0, dQ = 0.0;
};

/// Below this |z| the derivative of the Bernoulli function is its Taylor series (error below
/// 1e-17); above it the closed form loses at most 1e-13 relative to cancellation.
inline constexpr double kBernoulliSeries = 1e-2;

/// Derivative of the Bernoulli function, B'(z) = (e^z - 1 - z e^z)/(e^z - 1)^2, stable near 0
/// and for large |z|.
inline double bernoulli_derivative(double z) {
  if (std::fabs(z) < kBernoulliSeries) {
    const double z2 = z * z;
    return -0.5 + z * (1.0 / 6.0 - z2 * (1.0 / 180.0 - z2 / 5040.0));
  }
  if (z > 0) {
    // divided through by e^{2z}: e^-z (1 - e^-z - z)/(1 - e^-z)^2
    const double e = std::exp(-z), d = -std::expm1(-z);
    return e * (d - z) / (d * d);
  }
  const double em = std::expm1(z);
  return (em - z * (em + 1.0)) / (em * em);
}

/// The exponentially fitted coverage flux of the file comment between cells @p P and @p Q.
inline CoverageFlux coverage_face_flux(const CoverageCell& P, const CoverageCell& Q,
                                       double conductance) {
  const double Df = 0.5 * (P.D + Q.D);
  const double mf = 0.5 * (P.m + Q.m);
  const double dl = Q.lambda - P.lambda;
  const double x = mf * dl - std::log(Q.theta / P.theta);
  const double bp = bernoulli(x), bm = bernoulli(-x);
  const double bracket = bp * P.theta - bm * Q.theta;
  // d bracket / dx, with d B(-x)/dx = -B'(-x)
  const double dbr = bernoulli_derivative(x) * P.theta + bernoulli_derivative(-x) * Q.theta;
  const double dxP = 0.5 * P.dm * dl - mf * P.dlambda + 1.0 / P.theta;
  const double dxQ = 0.5 * Q.dm * dl + mf * Q.dlambda - 1.0 / Q.theta;
  CoverageFlux f;
  f.J = conductance * Df * bracket;
  f.dP = conductance * (0.5 * P.dD * bracket + Df * (bp + dbr * dxP));
  f.dQ = conductance * (0.5 * Q.dD * bracket + Df * (-bm + dbr * dxQ));
  return f;
}

}  // namespace td::kernels
