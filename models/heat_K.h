#pragma once
/// @file heat_K.h  Per-face kernels of steady heat conduction div(kappa(T) grad T) + q = 0.
/// No mesh knowledge. With the Kirchhoff transform K(T) = int^T kappa, the outward heat flow
/// through a face between cell P and point Q at distance d is
///   F = -A (K(T_Q) - K(T_P)) / d,
/// exact in 1D for any kappa(T) when there is no source (K is linear in x there).
#include <cmath>

namespace td::kernels {

/// Outward heat flow from P through a face of area @p A to Q at distance @p d, given
/// dK = K(T_Q) - K(T_P) (power).
inline double conduction_flow(double A, double d, double dK) { return -A * dK / d; }

/// Robin face (heat transfer coefficient h to an exterior at T_ext) seen from a cell at T_P
/// with conductivity kappa_P at distance d: the face temperature T_b balances
/// kappa_P (T_P - T_b)/d = h (T_b - T_ext); returns the outward flow A h (T_b - T_ext) and its
/// derivative with respect to T_P (dkappa_P = kappa'(T_P)).
inline double robin_flow(double A, double d, double h, double T_ext, double T_P, double kappa_P,
                         double dkappa_P, double* dflow) {
  const double a = kappa_P / d, da = dkappa_P / d;
  const double flow = A * h * a * (T_P - T_ext) / (a + h);
  if (dflow)
    *dflow = A * h * (a / (a + h) + (T_P - T_ext) * h * da / ((a + h) * (a + h)));
  return flow;
}

}  // namespace td::kernels
