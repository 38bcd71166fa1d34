#pragma once
/// @file surface_flux_K.h  Per-face kernels of the thermo-mechanical surface flux of Yang
/// et al. (2026) and the back-stress (stall) relation (docs/theory.md#surface-flux). No mesh
/// knowledge: the solver owns the loops. All quantities in one consistent unit system (the column
/// model uses SI).
///
/// Surface flux density through the mobile layer (atoms per area of the layer's cross-section
/// per time), along a 1D surface coordinate x:
///   j = -C_s M_s d/dx( mu + Q ln T ),  M_s = D_s / (kB T),
///   mu = kB T ln(C_s Omega) + Omega sigma.
/// The driving force per atom splits into three parts (each in J/m = N, positive pushes
/// atoms towards +x):
///   thermal  = -Q d(ln T)/dx
///   stress   = -Omega d(sigma)/dx
///   entropic = -d(kB T ln(C_s Omega))/dx   (= -kB T d ln C_s/dx when C_s Omega = 1 at the
///              temperature-varying points; the kB ln(C_s Omega) dT/dx piece is kept here
///              so that a zero-flux state integrates exactly to the stall relation).
/// The line flux along the surface (atoms per perimeter length per time) is delta_s j.
/// sigma is compressive-positive (a compressive stress raises mu by Omega sigma).
#include <cmath>

namespace td::kernels {

/// The three parts of the driving force on one surface atom across a face (N).
struct SurfaceDrive {
  double thermal = 0.0;   ///< -Q d ln T / dx
  double stress = 0.0;    ///< -Omega d sigma / dx
  double entropic = 0.0;  ///< -d(kB T ln(C Omega)) / dx
  double total() const { return thermal + stress + entropic; }
};

/// Point values on either side of a face (P at smaller x, Q at larger x).
struct SurfacePoint {
  double T = 0.0;      ///< temperature (K)
  double C = 0.0;      ///< atomic concentration in the layer (1/m^3)
  double sigma = 0.0;  ///< normal stress, compressive positive (Pa)
};

/// Material constants the flux needs.
struct SurfaceConstants {
  double kB = 0.0;     ///< Boltzmann constant (J/K)
  double Q = 0.0;      ///< heat of transport (J)
  double Omega = 0.0;  ///< atomic volume (m^3)
};

/// Driving-force parts across the face between P and Q, distance @p h (m).
inline SurfaceDrive surface_drive(const SurfaceConstants& k, const SurfacePoint& P,
                                  const SurfacePoint& Q, double h) {
  SurfaceDrive d;
  d.thermal = -k.Q * std::log(Q.T / P.T) / h;
  d.stress = -k.Omega * (Q.sigma - P.sigma) / h;
  d.entropic = -k.kB * (Q.T * std::log(Q.C * k.Omega) - P.T * std::log(P.C * k.Omega)) / h;
  return d;
}

/// Logarithmic mean (a - b) / ln(a / b) of two positive numbers; a when they are equal. With
/// it the entropic face flux C_f kB T d ln C/dx is exactly Fick's kB T dC/dx at uniform T.
inline double log_mean(double a, double b) {
  const double r = b / a - 1.0;
  if (std::fabs(r) < 1e-6) return a * (1.0 + 0.5 * r - r * r / 12.0);
  return (b - a) / std::log(b / a);
}

/// Mobility density C_s D_s / (kB T) at a face (atoms m^-2 s^-1 per N of driving force), with the
/// face concentration @p C_face, diffusivity @p D_face (m^2/s) and temperature @p T_face (K).
inline double surface_mobility(double kB, double C_face, double D_face, double T_face) {
  return C_face * D_face / (kB * T_face);
}

/// Flux density (atoms m^-2 s^-1, +x direction) of each part and of the sum.
struct SurfaceFlux {
  double thermal = 0.0, stress = 0.0, entropic = 0.0;
  double total() const { return thermal + stress + entropic; }
};

inline SurfaceFlux surface_flux(double mobility, const SurfaceDrive& d) {
  return {mobility * d.thermal, mobility * d.stress, mobility * d.entropic};
}

/// Stall stress (stall relation): Omega sigma_c = Q ln(T_h / T_c) (Pa, compressive positive).
inline double stall_stress(double Q, double Omega, double T_hot, double T_cold) {
  return Q * std::log(T_hot / T_cold) / Omega;
}

/// Inverse of the stall relation: the cold temperature at which a back stress @p sigma stalls the
/// flux, T_c = T_h exp(-Omega sigma / Q) (K).
inline double stall_cold_temperature(double Q, double Omega, double T_hot, double sigma) {
  return T_hot * std::exp(-Omega * sigma / Q);
}

}  // namespace td::kernels
