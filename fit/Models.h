#pragma once
/// @file Models.h  The fitted physical models (docs/physics.md#equilibrium-soret, #adatom) as
/// Ceres-differentiable functors `T operator()(double x, const T* p)`, and the equilibrium Soret
/// models. Units: any consistent system; kB is Boltzmann's constant in it (1 in LJ units).
#include <ceres/jet.h>

#include <cmath>

namespace td::fit {

/// ln c(T) = ln_c_ref - S_T (T - T_ref): no-flux steady state with constant S_T
/// (docs/physics.md#flux). Parameters (ln_c_ref, S_T); x = T. T_ref (the data's mean temperature)
/// decorrelates the two parameters.
struct SoretLnC {
  double T_ref = 0.0;
  template <class T>
  T operator()(double x, const T* p) const {
    return p[0] - p[1] * (x - T_ref);
  }
};

/// ln D(T) = ln D0 - E_a / (kB T) (Arrhenius). Parameters (ln_D0, E_a); x = T.
struct ArrheniusLn {
  double kB = 1.0;
  template <class T>
  T operator()(double x, const T* p) const {
    return p[0] - p[1] / (kB * x);
  }
};

/// Thermodynamic potential of a constrained adatom along a linear temperature profile
/// T(x) = T0 + G (x - x_ref) (docs/physics.md#adatom):
///   Phi(x) = C - Q / (kB T(x)) + E_m / (kB T(x)) * (1 - cos(2 pi (x - x_m) / a)) / 2,
/// i.e. minima on C - Q/(kB T) (slope -Q against 1/T) and an oscillation of amplitude
/// E_m/(kB T) (Phi_Diff = Phi + Q/T). Parameters (C, Q, E_m, x_m); a, T0, G, x_ref known.
struct AdatomPhi {
  double a = 1.0, T0 = 1.0, G = 0.0, x_ref = 0.0, kB = 1.0;
  template <class T>
  T operator()(double x, const T* p) const {
    using std::cos;
    const double Tx = T0 + G * (x - x_ref);
    const double two_pi = 6.283185307179586;
    return p[0] - p[1] / (kB * Tx) +
           p[2] / (kB * Tx) * (T(1.0) - cos(two_pi * (T(x) - p[3]) / a)) * 0.5;
  }
};

/// Mean adatom drift velocity against the temperature gradient G (first order,
/// docs/physics.md#adatom):
///   v(G) = -D exp(-a (Q - E_m) G / (2 kB T^2)) Q G / (kB T^2).
/// Parameters (Q, E_m); x = G; D (diffusion coefficient at T), T, a known.
struct AdatomDrift {
  double D = 1.0, Tm = 1.0, a = 1.0, kB = 1.0;
  template <class T>
  T operator()(double x, const T* p) const {
    using std::exp;
    const double kT2 = kB * Tm * Tm;
    return -D * exp(-a * (p[0] - p[1]) * x / (2.0 * kT2)) * p[0] * x / kT2;
  }
};

/// A value with its standard uncertainty.
struct Estimate {
  double value = 0.0;
  double sd = 0.0;
};

/// Equilibrium Soret models (docs/physics.md#equilibrium-soret); per-particle energies,
/// kB T^2 in place of R T^2.
/// Uncertainties by linear propagation of independent inputs.
/// Eastman: S_T = (dG/dT) / (kB T).
Estimate eastman(Estimate dG_dT, double T, double kB);
/// Prigogine: S_T = (E_a^solute - E_a^solvent) / (kB T^2).
Estimate prigogine(Estimate Ea_solute, Estimate Ea_solvent, double T, double kB);
/// Mass-corrected: Prigogine + (M2 - M1)/(M1 + M2) (E_a^2 + E_a^1)/(kB T^2).
Estimate mass_corrected(Estimate Ea_solute, Estimate Ea_solvent, double M_solute, double M_solvent,
                        double T, double kB);

}  // namespace td::fit
