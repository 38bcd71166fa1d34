#pragma once
/// @file MasterEquation.h  The master equation of one walker on a HopLattice, solved exactly:
/// the reference the KMC engine must reproduce within its statistical error.
#include <vector>

#include "stochastic/Walkers.h"

namespace td {

/// Stationary probabilities pi (sum 1) from detailed balance, pi_j / pi_i = G_ij / G_ji, built
/// along a spanning tree of the hop graph. Throws td::Error if a hop's reverse has rate 0 or
/// a closed loop violates detailed balance (relative mismatch above 1e-9).
std::vector<double> stationary_distribution(const HopLattice& lat);

/// p(t_k) for a walker starting on site @p start, by the eigen-decomposition of the
/// symmetrised generator pi^{-1/2} M pi^{1/2} (dense: intended for a few hundred sites).
std::vector<std::vector<double>> master_equation(const HopLattice& lat, int start,
                                                 const std::vector<double>& times);

}  // namespace td
