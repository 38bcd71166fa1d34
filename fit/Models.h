#pragma once
/// @file Models.h  The fitted physical models (docs/theory.md#equilibrium-soret, #adatom) as
/// Ceres-differentiable functors `T operator()(double x, const T* p)`, and the equilibrium Soret
/// models. Units: any consistent system; kB is Boltzmann's constant in it (1 in LJ units).
#include <ceres/jet.h>

#include <cmath>

namespace td::fit {

/// ln c(T) = ln_c_ref - S_T (T - T_ref): no-flux steady state with constant S_T
/// (docs/theory.md#flux). Parameters (ln_c_ref, S_T); x = T. T_ref (the data's mean temperature)
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
/// T(x) = T0 + G (x - x_ref) (docs/theory.md#adatom):
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

/// AdatomPhi in a form linear in its parameters, so that the amplitude of the oscillation is a
/// modulus (E_m >= 0 by construction) and its phase an angle (no branch to alias into):
///   Phi(x) = C - P/(kB T(x)) - (A cos(2 pi x/a) + B sin(2 pi x/a))/(2 kB T(x)) [- 2 ln T(x)],
/// with E_m = sqrt(A^2 + B^2), x_m = a atan2(B, A)/(2 pi) and Q = P + E_m/2. The optional
/// -2 ln T is the harmonic estimate's term (Phi_min = -V0/(2 kB T) - 2 ln T, Q = V0/2).
/// Parameters (C, P, A, B); a, T0, G, x_ref known.
struct AdatomPhiLinear {
  double a = 1.0, T0 = 1.0, G = 0.0, x_ref = 0.0, kB = 1.0;
  bool harmonic_log_term = false;
  /// T(x) of the linear profile.
  double temperature(double x) const { return T0 + G * (x - x_ref); }
  template <class T>
  T operator()(double x, const T* p) const {
    const double Tx = temperature(x);
    const double th = 6.283185307179586 * x / a;
    return p[0] - p[1] / (kB * Tx) - (p[2] * std::cos(th) + p[3] * std::sin(th)) / (2.0 * kB * Tx) -
           (harmonic_log_term ? 2.0 * std::log(Tx) : 0.0);
  }
};

/// Drift velocities of an adatom on the lattice of docs/theory.md#adatom (hop rates
/// nu exp(-[Phi(saddle) - Phi(start)]), Phi = -Q/(kB T) at a minimum and (E_m - Q)/(kB T) at a
/// saddle) at gradient G = dT/dx and temperature Tm, in terms of the diffusivity D = a^2 nu
/// exp(-E_m/(kB Tm)) (length^2/time), Delta = Q - E_m and Q (energies); a lattice spacing
/// (length), kB energy/temperature; velocities in length/time.
namespace drift {

/// Exact mean velocity of one particle on the site at temperature Tm, a (Gamma+ - Gamma-)
/// with saddles at Tm +- G a/2:
///   v = (D/a) [exp(Delta/kB (1/T+ - 1/Tm)) - exp(Delta/kB (1/T- - 1/Tm))],
/// written as 2 exp(mean) sinh(half difference) so that small gradients keep their digits.
template <class T>
T particle_exact(double G, double Tm, const T& Delta, const T& D, double a, double kB) {
  using std::exp;
  using std::sinh;
  const double Tp = Tm + 0.5 * G * a, Tn = Tm - 0.5 * G * a;
  const T up = Delta / kB * (1.0 / Tp - 1.0 / Tm), un = Delta / kB * (1.0 / Tn - 1.0 / Tm);
  return D / a * 2.0 * exp(0.5 * (up + un)) * sinh(0.5 * (up - un));
}

/// First-order mean velocity of one particle, V + dD/dx = -D (Q - E_m) G/(kB Tm^2).
template <class T>
T particle_first_order(double G, double Tm, const T& Delta, const T& D, double kB) {
  return -D * Delta * G / (kB * Tm * Tm);
}

/// The flux law of Roux and Combe (2023), net exchange between equally occupied neighbouring
/// sites over one saddle: V = -D exp(-a (Q - E_m) G/(2 kB Tm^2)) Q G/(kB Tm^2).
template <class T>
T net_exchange(double G, double Tm, const T& Q, const T& Delta, const T& D, double a, double kB) {
  using std::exp;
  const double kT2 = kB * Tm * Tm;
  return -D * exp(-a * Delta * G / (2.0 * kT2)) * Q * G / kT2;
}

}  // namespace drift

/// Mean adatom drift velocity against the temperature gradient G, the flux law
/// drift::net_exchange. Parameters (Q, E_m); x = G; D (diffusivity at Tm), Tm, a known.
struct AdatomDrift {
  double D = 1.0, Tm = 1.0, a = 1.0, kB = 1.0;
  template <class T>
  T operator()(double x, const T* p) const {
    return drift::net_exchange(x, Tm, p[0], p[0] - p[1], T(D), a, kB);
  }
};

/// Which velocity drift data are (the `law` of an `adatom_drift` fit).
enum class DriftLaw {
  particle_exact,        ///< mean velocity of one particle, exact lattice rate difference
  particle_first_order,  ///< its first order V + dD/dx
  net_exchange           ///< the flux law V over one saddle
};

/// Drift velocity v(G, Tm) of law `law`; x = G, x2 = Tm (the temperature of the point).
/// Either D is known at the one temperature of the data (nu = 0; parameters (Q - E_m) for a
/// particle law, (Q, E_m) for net_exchange), or the attempt frequency nu (1/time) is known
/// and D(Tm) = a^2 nu exp(-E_m/(kB Tm)) (parameters (Q, E_m)).
struct AdatomDriftLaw {
  DriftLaw law = DriftLaw::particle_exact;
  double D = 0.0, nu = 0.0, a = 1.0, kB = 1.0;
  /// Whether the parameters are (Q, E_m) rather than (Q - E_m) alone.
  bool fits_q_and_em() const { return nu > 0.0 || law == DriftLaw::net_exchange; }
  template <class T>
  T operator()(double x, double Tm, const T* p) const {
    using std::exp;
    const bool both = fits_q_and_em();
    const T Delta = both ? p[0] - p[1] : p[0];
    const T Dm = nu > 0.0 ? a * a * nu * exp(-p[1] / (kB * Tm)) : T(D);
    switch (law) {
      case DriftLaw::particle_exact:
        return drift::particle_exact(x, Tm, Delta, Dm, a, kB);
      case DriftLaw::particle_first_order:
        return drift::particle_first_order(x, Tm, Delta, Dm, kB);
      case DriftLaw::net_exchange:
        break;
    }
    return drift::net_exchange(x, Tm, p[0], Delta, Dm, a, kB);
  }
};

/// A value with its standard uncertainty.
struct Estimate {
  double value = 0.0;
  double sd = 0.0;
};

/// Equilibrium Soret models (docs/theory.md#equilibrium-soret); per-particle energies,
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
