#pragma once
// Cases and statistics shared by the stochastic tests and the cross-method checks
// (tests/crosscheck): the adatom KMC in the geometry of Roux and Combe (2023), the temperature
// profiles of the Brownian-dynamics cases, chi-square and histogram comparisons.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/Error.h"
#include "stochastic/Brownian.h"

namespace td::testing {

constexpr double kQ = 1.9, kEm = 0.23, kA = 1.1225;
constexpr const char* kLjUnits = "[units]\nsystem = \"LJ\"\nlj = \"copper\"\n";

/// The [temperature] (linear along x, T(x_ref) = T0, gradient g) and [adatom] (analytic, Q and
/// E_m of Roux and Combe (2023), spacing a) tables of an adatom case.
inline std::string adatom_landscape(double T0, double g, double x_ref, double a) {
  return fmt::format(R"(
[temperature]
type = "linear"
T_ref = {}
gradient = [{}]
x_ref = [{}, 0.0, 0.0]
[adatom]
heat_of_transport = {}
migration_barrier = {}
lattice_spacing = {}
)",
                     T0, g, x_ref, kQ, kEm, a);
}

/// A case at the reduced parameters of Roux and Combe (2023): linear T with T(x_ref) = T0, 1D
/// unless told.
inline std::string adatom_case(int sites, double T0, double g, double x_ref, long walkers,
                               double t_end, double start, int samples = 10,
                               const std::string& extra = "") {
  return kLjUnits + fmt::format("[lattice]\nsites = [{}]\n", sites) +
         adatom_landscape(T0, g, x_ref, kA) +
         fmt::format(R"(
[kmc]
walkers = {}
seed = 11
t_end = {}
samples = {}
start = "point"
start_position = [{}]
trajectories = 3
{}
)",
                     walkers, t_end, samples, start, extra);
}

/// The message of the InputError that building @p text as a @p Case (AdatomCase,
/// BrownianCase) throws, "" if none.
template <class Case>
std::string input_error_of(const std::string& text, const std::string& name = "case.toml") {
  try {
    Case::from_string(MPI_COMM_SELF, text, name);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

/// Chi-square of counts against probabilities (bins with expectation >= 5 only); returns
/// (chi2, degrees of freedom).
inline std::pair<double, int> chi_square(const std::vector<long long>& n, const std::vector<double>& p) {
  double N = 0, chi = 0;
  for (auto v : n) N += static_cast<double>(v);
  int k = 0;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const double e = N * p[i];
    if (e < 5) continue;
    chi += (n[i] - e) * (n[i] - e) / e;
    ++k;
  }
  return {chi, k - 1};
}

/// Chi-square bound: mean + 5 standard deviations of the chi2(k) distribution.
inline double chi_bound(int k) { return k + 5.0 * std::sqrt(2.0 * k); }

inline const char* kPeriodicT = R"(
[temperature]
type = "piecewise_linear"
positions = [0.0, 0.5, 1.0]
temperatures = [1.0, 2.0, 1.0]
)";
inline const char* kLinearT = R"(
[temperature]
type = "linear"
T_ref = 1.0
gradient = [1.0]
)";

inline void expect_histogram(const BrownianStatistics& st, const std::vector<double>& p,
                      const std::string& what) {
  for (std::size_t b = 0; b < p.size(); ++b)
    EXPECT_NEAR(st.total[b], p[b], 5 * st.total_sem[b]) << what << ", bin " << b;
}

/// Two internal states of a particle or species table @p table (slow ground state, fast
/// excited state with entropy, Arrhenius D) switching over a barrier with detailed balance.
inline std::string two_states(const std::string& table) {
  return fmt::format(R"(
[[{0}.states]]
name = "slow"
energy = 0.0
[{0}.states.diffusivity]
value = 0.3
[[{0}.states]]
name = "fast"
energy = 1.0
entropy = 0.5
[{0}.states.diffusivity]
type = "arrhenius"
prefactor = 3.0
activation_energy = 0.5
[[{0}.transitions]]
from = "slow"
to = "fast"
barrier = 1.5
prefactor = 20.0
)",
                     table);
}

/// LJ argon units, a 1D cell of length @p length (sigma; unit length by default) with @p cells
/// cells (periodic or walled) and the [temperature] table @p temperature.
inline std::string argon_1d_head(int cells, bool periodic, const std::string& temperature,
                                 double length = 1.0) {
  return fmt::format(R"(
[units]
system = "LJ"
lj = "argon"
[mesh]
dim = 1
[mesh.x]
cells = {}
length = {}
periodic = {}
{})",
                     cells, length, periodic, temperature);
}

/// argon_1d_head, periodic, with the periodic piecewise-linear temperature kPeriodicT.
inline std::string periodic_1d_head(int cells) { return argon_1d_head(cells, true, kPeriodicT); }

}  // namespace td::testing
