#pragma once
/// @file LatticeGas.h  A 2D periodic lattice of adsorption sites for the lattice gas of
/// docs/theory.md#lattice-gas, read from a lattice file (format: docs/stochastic.md), and the
/// single-particle master equation of its cell.
#include <array>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "core/Input.h"

namespace td {

struct LatticeSite {
  std::string name;
  std::array<double, 2> position{0, 0};  ///< length
  double energy = 0.0;                   ///< E_A (energy)
};

/// Directed hop from site `from` (cell 0) to site `to` in cell `offset`.
struct LatticeBond {
  int from = 0, to = 0;
  std::array<int, 2> offset{0, 0};
  std::array<double, 2> displacement{0, 0};  ///< length
  double saddle = 0.0;                       ///< E_AB (energy)
};

struct LatticeSpec {
  std::array<std::array<double, 2>, 2> cell{};  ///< cell vectors a, b (length)
  std::vector<LatticeSite> sites;
  std::vector<LatticeBond> bonds;
  double nu = 1.0;   ///< attempt frequency (1/time)
  double kB = 1.0;

  int size() const { return static_cast<int>(sites.size()); }
  /// Gamma = nu exp(-(E_AB - E_A)/(kB T)) of bond @p b (1/time).
  double rate(int b, double T) const;
  /// Grand-canonical occupancies n_A(mu) with mean coverage @p theta (mu by bisection).
  std::vector<double> occupancies(double theta, double T) const;
  /// Single-particle diffusion tensor from the smallest decay rate of the cell's Bloch rate
  /// matrix, lambda(k) = -k.D.k for |k| -> 0, by second-order eigenvalue perturbation in k
  /// (length^2/time).
  Eigen::Matrix2d single_particle_diffusion(double T) const;
};

/// Read [lattice] (cell_a, cell_b, attempt_frequency, [[sites]], [[bonds]]) and validate:
/// every bond's displacement lands on its target site; each bond has its reverse with the
/// same saddle (detailed balance); every site is reachable from every other; no site has
/// zero total rate at @p T; the bonds span the plane. Errors point into the file.
LatticeSpec read_lattice(InputSection& s, double kB, double T);

}  // namespace td
