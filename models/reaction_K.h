#pragma once
/// @file reaction_K.h  Per-cell kernels of mass-action kinetics. No mesh knowledge: the
/// finite-volume solver calls them cell by cell, the stochastic engines event by event.
///
/// A reaction sum_r nu_r X_r <=> sum_p nu_p X_p proceeds at the net rate
///   xi = k_f prod_r c_r^nu_r - k_r prod_p c_p^nu_p     (concentration/time)
/// and produces species s at w_s = (nu_s^products - nu_s^reactants) xi. The reverse constant
/// always comes from the equilibrium constant, k_r = k_f / K(T), so detailed balance holds by
/// construction.
#include <span>

namespace td::kernels {

/// One species taking part in a reaction with stoichiometric coefficient nu (> 0).
struct StoichTerm {
  int species = 0;
  int nu = 1;
};

/// prod_i c_{s_i}^{nu_i} and its derivatives d/dc_s accumulated into @p grad scaled by
/// @p scale (grad may be empty). No division by c, so c = 0 is safe.
inline double mass_action_term(std::span<const StoichTerm> terms, const double* c,
                               double scale, double* grad) {
  double prod = 1.0;
  for (const auto& t : terms)
    for (int k = 0; k < t.nu; ++k) prod *= c[t.species];
  if (grad) {
    for (std::size_t i = 0; i < terms.size(); ++i) {
      // d/dc_i of c_i^nu_i * rest = nu_i c_i^(nu_i - 1) * rest
      double d = terms[i].nu;
      for (int k = 0; k + 1 < terms[i].nu; ++k) d *= c[terms[i].species];
      for (std::size_t j = 0; j < terms.size(); ++j)
        if (j != i)
          for (int k = 0; k < terms[j].nu; ++k) d *= c[terms[j].species];
      grad[terms[i].species] += scale * d;
    }
  }
  return prod;
}

/// Net rate xi of one reaction; with @p dxi (length = number of species) also dxi/dc.
inline double net_rate(std::span<const StoichTerm> reactants, std::span<const StoichTerm> products,
                       double kf, double kr, const double* c, double* dxi) {
  return kf * mass_action_term(reactants, c, kf, dxi) -
         kr * mass_action_term(products, c, -kr, dxi);
}

}  // namespace td::kernels
