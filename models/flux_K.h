#pragma once
/// @file flux_K.h  Per-face kernels of the exponentially fitted (Scharfetter-Gummel) flux.
/// No mesh knowledge: the solver owns the loops (AMReX's *_K.H kernels).
///
/// The flux J = -D grad c - c (alpha grad D + D S_T grad T) is written J = -D (grad c + c grad psi)
/// with the dimensionless potential psi(T) = int^T S_T dT' + alpha ln D(T). Along a segment from
/// point P to point Q (distance h) the fitted flux in the direction P -> Q is
///   J = (D_m / h) [ B(dpsi) c_P - B(-dpsi) c_Q ],  dpsi = psi(T_Q) - psi(T_P),
/// B(z) = z / (e^z - 1), which is exact for the zero-flux profile c ~ exp(-psi): the
/// discrete steady state of a closed cell is exact at the nodes.
#include <cmath>

namespace td::kernels {

/// Bernoulli function B(z) = z / (e^z - 1), stable for all z (B(0) = 1, B(z) -> 0 for large z,
/// B(z) -> -z for z -> -inf). expm1 keeps full accuracy near zero.
inline double bernoulli(double z) {
  if (std::fabs(z) < 1e-12) return 1.0 - 0.5 * z;
  return z / std::expm1(z);
}

/// Coefficients of the face flux J = p c_P - q c_Q (times area/h folded in).
struct FaceCoef {
  double p = 0.0;  ///< multiplies the upstream-side value c_P (1/time * volume/length^... )
  double q = 0.0;  ///< multiplies c_Q
  double r = 0.0;  ///< constant part (boundary data)
};

/// The Bernoulli factors of a face with potential difference dpsi = psi(T_Q) - psi(T_P)
/// (dimensionless): B(|dpsi|), B(-|dpsi|) and the sign of dpsi. Apart from the conductance
/// because they depend on the temperatures alone: faces that differ only in their distance h
/// share them.
/// Why one Bernoulli function: B(-z) = B(z) + z, and with z = |dpsi| >= 0 the sum adds two
/// non-negative terms (no cancellation, where B(-z) - z from the other side would lose B(z)
/// to round-off at large z); one expm1 per face instead of two.
struct SgTerms {
  double down = 1.0;    ///< B(|dpsi|)
  double up = 1.0;      ///< B(-|dpsi|) = B(|dpsi|) + |dpsi|
  bool forward = true;  ///< dpsi >= 0
};
inline SgTerms sg_terms(double dpsi) {
  const double z = std::fabs(dpsi);
  const double down = bernoulli(z);
  return {down, down + z, dpsi >= 0.0};
}

/// Interior segment P -> Q: @p conductance = area * D_m / h (length^dim / time), @p t the
/// Bernoulli factors of its dpsi (sg_terms).
inline FaceCoef sg_face(double conductance, const SgTerms& t) {
  return t.forward ? FaceCoef{conductance * t.down, conductance * t.up, 0.0}
                   : FaceCoef{conductance * t.up, conductance * t.down, 0.0};
}

/// Upper boundary (cell P, boundary face Q) with Dirichlet value cb: J = p c_P + r.
inline FaceCoef dirichlet_upper(const FaceCoef& half, double cb) {
  return {half.p, 0.0, -half.q * cb};
}
/// Lower boundary (boundary face P, cell Q) with Dirichlet value cb: J = -q c_Q + r.
inline FaceCoef dirichlet_lower(const FaceCoef& half, double cb) {
  return {0.0, half.q, half.p * cb};
}
/// Upper boundary with Robin law (outward flux) J_out = h (c_face - c_ext), the face value
/// eliminated through the half-cell fitted flux.
inline FaceCoef robin_upper(const FaceCoef& half, double h, double c_ext) {
  const double den = half.q + h;
  return {h * half.p / den, 0.0, -h * half.q * c_ext / den};
}
/// Lower boundary with Robin law J_out = h (c_face - c_ext) (outward is -axis).
inline FaceCoef robin_lower(const FaceCoef& half, double h, double c_ext) {
  const double den = half.p + h;
  return {0.0, h * half.q / den, h * half.p * c_ext / den};
}

/// The coefficients of a face without its constant part, as a finite-volume system stores
/// them for every face: r is non-zero on boundary faces only and is kept apart.
struct FaceRates {
  double p = 0.0;  ///< multiplies c_P
  double q = 0.0;  ///< multiplies c_Q
};

/// Face flux (amount/time through the face, in the +axis direction).
inline double face_flux(const FaceCoef& f, double cP, double cQ) { return f.p * cP - f.q * cQ + f.r; }
/// Face flux of a face stored as rates and its constant part @p r (0 off the boundary).
inline double face_flux(const FaceRates& f, double cP, double cQ, double r) {
  return f.p * cP - f.q * cQ + r;
}

}  // namespace td::kernels
