#pragma once
/// @file lattice_gas_K.h  Kernels of the lattice gas (docs/theory.md#lattice-gas). No lattice
/// knowledge.
#include <cmath>

namespace td::kernels {

/// Jump rate Gamma_AB = nu exp(-(E_AB - E_A)/(kB T)) (1/time).
inline double hop_rate(double nu, double E_site, double E_saddle, double kB, double T) {
  return nu * std::exp(-(E_saddle - E_site) / (kB * T));
}

/// Grand-canonical occupancy n_A = 1/(1 + exp((E_A - mu)/(kB T))).
inline double fermi_occupancy(double E, double mu, double kB, double T) {
  return 1.0 / (1.0 + std::exp((E - mu) / (kB * T)));
}

}  // namespace td::kernels
