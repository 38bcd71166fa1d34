#pragma once
/// @file adatom_K.h  Per-hop kernels of adatom thermomigration (docs/theory.md#adatom). No lattice
/// or mesh knowledge: the KMC engine and the Fokker-Planck set-up both call these.
///
/// Landscape: Phi = A/(kB T) with Phi(minimum) = -Q/(kB T_min) and
/// Phi(saddle) = (E_m - Q)/(kB T_saddle) (Phi + Q/(kB T) oscillates with amplitude E_m/(kB T)).
/// Transition-state rate over the saddle: Gamma = nu exp(-[Phi(saddle) - Phi(start)]).
#include <cmath>

namespace td::kernels {

/// Landscape value (dimensionless) of a minimum lying @p E_site above the deepest minima at
/// temperature @p T: Phi = -(Q - E_site)/(kB T). A lattice gas whose hops all use
/// adatom_hop_rate has the stationary occupancies n/(1 - n) = exp(lambda - Phi) with one
/// lambda on every site (docs/theory.md#lattice-gas), which is what the continuum model of a
/// dense adsorbate in a gradient takes from this kernel.
inline double adatom_site_potential(double Q, double E_site, double kB, double T) {
  return -(Q - E_site) / (kB * T);
}

/// Landscape value (dimensionless) of a saddle lying @p Em above the deepest minima at
/// temperature @p T: Phi = (E_m - Q)/(kB T).
inline double adatom_saddle_potential(double Q, double Em, double kB, double T) {
  return (Em - Q) / (kB * T);
}

/// Rate (1/time) of a hop from a minimum at temperature @p T_from over a saddle at
/// temperature @p T_saddle. Q, E_m energies, kB energy/temperature, nu attempt frequency.
inline double adatom_hop_rate(double nu, double Q, double Em, double kB, double T_from,
                              double T_saddle) {
  return nu * std::exp(-adatom_saddle_potential(Q, Em, kB, T_saddle) +
                       adatom_site_potential(Q, 0.0, kB, T_from));
}

/// Rate (1/time) of a hop from a minimum lying @p E_site above the landscape's deepest minima
/// (the hcp hollows of an FCC(111) surface, E_site = E_hcp - E_fcc) over a saddle shared with
/// them: the minimum is -(Q - E_site), the saddle stays at E_m - Q, so this is adatom_hop_rate
/// with Q - E_site and E_m - E_site. At uniform T the barrier is E_m - E_site and detailed
/// balance gives occupancies in the ratio exp(-E_site/(kB T)).
inline double adatom_site_hop_rate(double nu, double Q, double Em, double E_site, double kB,
                                   double T_from, double T_saddle) {
  return adatom_hop_rate(nu, Q - E_site, Em - E_site, kB, T_from, T_saddle);
}

/// Diffusivity of the hopping adatom at uniform T along one lattice axis, D = a^2 nu
/// exp(-E_m/(kB T)) (length^2/time).
inline double adatom_diffusivity(double nu, double a, double Em, double kB, double T) {
  return a * a * nu * std::exp(-Em / (kB * T));
}

/// Temperature derivative dD/dT of adatom_diffusivity (length^2/(time temperature)).
inline double adatom_diffusivity_dT(double nu, double a, double Em, double kB, double T) {
  return adatom_diffusivity(nu, a, Em, kB, T) * Em / (kB * T * T);
}

/// Soret coefficient of the hopping adatom, S_T = Q/(kB T^2) (1/temperature): with
/// adatom_diffusivity it gives the Fokker-Planck flux J = -D p' - p D S_T T' whose
/// exponentially fitted faces reproduce the lattice's detailed-balance ratio.
inline double adatom_soret(double Q, double kB, double T) { return Q / (kB * T * T); }

/// The first-order drift law of Roux and Combe (2023) (docs/theory.md#adatom), velocity
/// (length/time): V = -D(T) exp(-a (Q - E_m) T'/(2 kB T^2)) Q T'/(kB T^2). It is the drift of the
/// flux J = -D dc/dx + V c, i.e. the net lattice current per unit density between equally occupied
/// neighbouring sites.
inline double adatom_drift_law(double nu, double a, double Q, double Em, double kB, double T,
                               double dTdx) {
  const double D = adatom_diffusivity(nu, a, Em, kB, T);
  const double g = dTdx / (kB * T * T);
  return -D * std::exp(-0.5 * a * (Q - Em) * g) * Q * g;
}

/// First-order mean velocity of one particle, d<x>/dt = V + dD/dx: the flux drift plus the
/// Ito drift of a hopping particle whose rates depend on where it starts,
/// -D(T) (Q - E_m) T'/(kB T^2). Exact lattice velocity a (Gamma+ - Gamma-) differs from it
/// in relative order (a (Q - E_m) T'/(kB T^2))^2.
inline double adatom_particle_velocity(double nu, double a, double Q, double Em, double kB,
                                       double T, double dTdx) {
  return -adatom_diffusivity(nu, a, Em, kB, T) * (Q - Em) * dTdx / (kB * T * T);
}

}  // namespace td::kernels
