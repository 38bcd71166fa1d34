#pragma once
/// @file Species.h  A transported species: diffusivity D(T), Soret coefficient S_T(T), the
/// flux form alpha, boundary conditions and initial condition.
///
/// Flux: J = -D grad c - c (alpha grad D + D S_T grad T)   (docs/theory.md#flux)
///   alpha = 0: Fick + thermodiffusion; alpha = 1: inhomogeneous diffusion grad(D c);
///   alpha = 1/2: Stratonovich.
#include <array>
#include <cmath>
#include <memory>
#include <string>

#include "core/Input.h"
#include "models/MultiState.h"
#include "models/Reactions.h"
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

struct SpeciesInput;

/// One transported component: a plain species, or one internal state of a multi-state
/// species (then `states` describes all states of that species and `state` is its index).
struct Species {
  std::string name;
  std::string group;                          ///< the species this component belongs to
  std::shared_ptr<const StateSet> states;     ///< internal states of the group, or null
  int state = -1;                             ///< index in states
  Composition composition;                    ///< elementary content (mass balance checks)
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

  /// Share of the group's amount this component holds at local equilibrium (1 for a plain
  /// species). Initial and boundary values of a multi-state species are totals split so.
  double fraction(double T) const { return states ? states->population(state, T) : 1.0; }

  /// Number of components a [[species]] table defines (its states, or 1).
  static int count_components(InputSection& s);
  /// Read one [[species]] table; @p mesh gives dimension and periodic axes for checking
  /// the boundary conditions; @p first is the component index of its first state;
  /// [Tlo, Thi] the case's temperature range (rate checks); @p kB of the case's units.
  static SpeciesInput from_input(InputSection& s, const Mesh& mesh, int first, double Tlo,
                                 double Thi);
};

/// What one [[species]] table defines: its components and the transitions among them.
struct SpeciesInput {
  std::vector<Species> components;
  std::vector<Reaction> transitions;
};

}  // namespace td
