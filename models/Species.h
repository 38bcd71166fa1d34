#pragma once
/// @file Species.h  A transported species: diffusivity D(T), Soret coefficient S_T(T), the
/// flux form alpha, boundary conditions and initial condition.
///
/// Flux: J = -D grad c - c (alpha grad D + D S_T grad T)   (PHYSICS.md 2.1)
///   alpha = 0: Fick + thermodiffusion; alpha = 1: inhomogeneous diffusion grad(D c);
///   alpha = 1/2: Stratonovich.
#include <array>
#include <cmath>
#include <memory>
#include <string>

#include "core/Input.h"
#include "models/TemperatureField.h"
#include "models/TemperatureLaw.h"

namespace td {

class Mesh;

/// Boundary condition of one species on one face of the box.
struct Boundary {
  enum class Type { no_flux, dirichlet, robin, periodic };
  Type type = Type::no_flux;
  double value = 0.0;        ///< Dirichlet value, or Robin exterior value c_ext (concentration)
  double coefficient = 0.0;  ///< Robin mass-transfer coefficient h: J.n = h (c - c_ext) (velocity)
};

/// Initial condition: c0 uniform plus an optional Gaussian bump.
struct InitialCondition {
  double uniform = 0.0;  ///< concentration
  double amplitude = 0.0;  ///< peak height of the Gaussian (concentration)
  Point center{0, 0, 0};   ///< length
  double width = 1.0;      ///< standard deviation (length)
  double operator()(const Point& x, int dim) const {
    if (amplitude == 0.0) return uniform;
    double r2 = 0.0;
    for (int a = 0; a < dim; ++a) r2 += (x[a] - center[a]) * (x[a] - center[a]);
    return uniform + amplitude * std::exp(-0.5 * r2 / (width * width));
  }
};

struct Species {
  std::string name;
  std::shared_ptr<const TemperatureLaw> D;    ///< diffusivity, length^2/time
  std::shared_ptr<const TemperatureLaw> S_T;  ///< Soret coefficient, 1/temperature
  double alpha = 0.0;                         ///< weight of the grad D drift
  std::array<Boundary, 6> bc;                 ///< xlo, xhi, ylo, yhi, zlo, zhi
  InitialCondition initial;

  /// psi(T2) - psi(T1), psi(T) = int^T S_T + alpha ln D(T) (dimensionless).
  double dpsi(double T1, double T2) const {
    double d = S_T->integral(T1, T2);
    if (alpha != 0.0) d += alpha * std::log(D->value(T2) / D->value(T1));
    return d;
  }
  /// True when no face exchanges matter with the outside (no Dirichlet, no Robin): the
  /// total amount is conserved and the steady state needs it as a constraint.
  bool closed() const;

  /// Read one [[species]] table; @p mesh gives dimension and periodic axes for checking
  /// the boundary conditions.
  static Species from_input(InputSection& s, const Mesh& mesh);
};

}  // namespace td
