#pragma once
/// @file brownian_K.h  Per-step kernels of overdamped Brownian dynamics in D(T(x))
/// (docs/theory.md#stochastic). No mesh knowledge.
///
/// dx = (1 - alpha) dD/dx dt + sqrt(2 D) dW has the Fokker-Planck flux
/// J = -D dp/dx - alpha p dD/dx, the FV flux of docs/theory.md#flux with S_T = 0:
/// alpha = 1 is Ito (steady p ~ 1/D), alpha = 0 anti-Ito / Haenggi-Klimontovich (flat),
/// alpha = 1/2 Stratonovich.
#include <cmath>

namespace td::kernels {

/// Deterministic drift (length/time) of the convention @p alpha.
inline double bd_drift(double alpha, double dDdx) { return (1.0 - alpha) * dDdx; }

/// Euler-Maruyama step: x + drift dt + sqrt(2 D dt) xi.
inline double bd_step(double x, double D, double drift, double dt, double xi) {
  return x + drift * dt + std::sqrt(2.0 * D * dt) * xi;
}

/// Fold @p x into [lo, hi] by mirror reflection at the walls.
inline double reflect(double x, double lo, double hi) {
  const double L = hi - lo;
  double y = std::fmod(x - lo, 2.0 * L);
  if (y < 0) y += 2.0 * L;
  return lo + (y <= L ? y : 2.0 * L - y);
}

/// Wrap @p x into [lo, hi) periodically.
inline double wrap(double x, double lo, double hi) {
  const double L = hi - lo;
  double y = std::fmod(x - lo, L);
  if (y < 0) y += L;
  return lo + y;
}

/// Probability that a state with total escape rate @p k (1/time) switches within @p dt.
inline double switch_probability(double k, double dt) { return -std::expm1(-k * dt); }

}  // namespace td::kernels
