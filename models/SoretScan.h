#pragma once
/// @file SoretScan.h  The temperature scan of the local-equilibrium Soret coefficient of a set
/// of internal states (docs/theory.md#equilibrium-soret): the `[range]` table of
/// `thermodrift soret` and the temperatures where S_T changes sign. Shared by the command line
/// and the Python module.
#include <cstddef>
#include <vector>

#include "core/Input.h"
#include "models/MultiState.h"

namespace td {

/// Read the `[range]` table (T_min, T_max, points) of @p root: the evenly spaced temperatures
/// of the scan (temperature unit of the input). Throws InputError pointing into the input.
std::vector<double> read_soret_range(InputSection& root);

/// The temperature in (@p a, @p b) where the covariance form of S_T of @p st vanishes, by
/// bisection; S_T(a) and S_T(b) must have opposite signs (temperature unit of @p st).
double soret_sign_change(const StateSet& st, double a, double b);

/// A sign change of S_T in a scan: between entries @p after - 1 and @p after, at @p T.
struct SoretSignChange {
  std::size_t after = 0;
  double T = 0.0;  ///< temperature unit of the states
};

/// Every sign change of S_T (covariance form) between consecutive entries of the increasing
/// scan @p T, with S_T evaluated at them in @p S (1/temperature).
std::vector<SoretSignChange> soret_sign_changes(const StateSet& st, const std::vector<double>& T,
                                                const std::vector<double>& S);

}  // namespace td
