#pragma once
// Helpers for solver tests: build meshes, species and systems in code.
#include <fmt/format.h>
#include <petscdmda.h>
#include <petscsys.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/Petsc.h"
#include "fv/FVSystem.h"
#include "mesh/Mesh.h"
#include "models/Species.h"
#include "models/TemperatureField.h"
#include "models/TemperatureLaw.h"

namespace td::testing {

/// Tanh-clustered nodes on [x0, x0 + L] (non-uniform, smooth).
inline std::vector<double> tanh_nodes(double x0, double L, int n, double beta) {
  std::vector<double> x(n + 1);
  for (int i = 0; i <= n; ++i)
    x[i] = x0 + 0.5 * L * (1.0 + std::tanh(beta * (2.0 * i / n - 1.0)) / std::tanh(beta));
  return x;
}

inline std::unique_ptr<Mesh> make_mesh(MPI_Comm comm, int dim, int n, int dof, double L = 1.0,
                                       double beta = 0.0) {
  std::array<Axis, 3> axes;
  for (int a = 0; a < 3; ++a)
    axes[a].nodes = a < dim ? (beta > 0 ? tanh_nodes(0.0, L, n, beta) : uniform_nodes(0.0, L, n))
                            : std::vector<double>{0.0, 1.0};
  return std::make_unique<Mesh>(comm, dim, axes, dof);
}

inline Species make_species(std::shared_ptr<const TemperatureLaw> D, double S_T, double alpha,
                            double c0) {
  Species s;
  s.name = "c";
  s.D = std::move(D);
  s.S_T = constant_law(S_T);
  s.alpha = alpha;
  s.initial.uniform = c0;
  return s;
}

/// The axes, species and temperature of the tests of the line-by-line paths against the
/// per-cell loops, 1D to 3D: stretched cells, walls of every kind on x and y (Dirichlet, Robin,
/// no flux), a periodic axis (x in 2D, where the temperature does not change along it; z in
/// 3D).
struct LineTestCase {
  std::array<Axis, 3> axes;
  Species species;
  std::shared_ptr<const TemperatureField> T;
};
inline LineTestCase line_test_case(int dim) {
  const std::array<int, 3> n = dim == 1   ? std::array{9, 1, 1}
                               : dim == 2 ? std::array{13, 10, 1}
                                          : std::array{7, 6, 8};
  LineTestCase out;
  for (int a = 0; a < 3; ++a)
    out.axes[a].nodes = a < dim ? tanh_nodes(0.0, 1.0, n[a], 0.7) : std::vector<double>{0.0, 1.0};
  out.axes[0].periodic = dim == 2;
  out.axes[2].periodic = dim == 3;
  Species& sp = out.species;
  sp = make_species(arrhenius_law(2.0, 1.0, 1.0), 4.0, 0.5, 1.0);
  sp.bc[0] = {Boundary::Type::dirichlet, 2.0, 0.0};
  sp.bc[1] = {Boundary::Type::robin, 0.5, 3.0};
  if (dim == 2) sp.bc[0] = sp.bc[1] = {Boundary::Type::periodic, 0.0, 0.0};
  if (dim > 1) sp.bc[2] = {Boundary::Type::dirichlet, 0.7, 0.0};
  if (dim == 3) sp.bc[4] = sp.bc[5] = {Boundary::Type::periodic, 0.0, 0.0};
  out.T = linear_temperature(1.0, {dim == 2 ? 0.0 : 0.4, 0.3, 0.2});
  return out;
}

/// Random state of @p sys with entries in (0.5, 1.5) (collective).
inline Owned<Vec> random_state(const FVSystem& sys) {
  Owned<Vec> c(sys.create_state());
  Owned<PetscRandom> rnd;
  TD_PETSC(PetscRandomCreate(sys.mesh().comm(), rnd.out()));
  TD_PETSC(PetscRandomSetInterval(rnd, 0.5, 1.5));
  TD_PETSC(VecSetRandom(c, rnd));
  return c;
}

/// The whole vector in natural (i fastest) ordering, on every rank.
inline std::vector<double> gather(const Mesh& mesh, Vec v) {
  VecScatter sc;
  Vec all;
  DMDAGlobalToNaturalAllCreate(mesh.dm(), &sc);
  VecCreateSeq(PETSC_COMM_SELF, mesh.total_cells() * mesh.dof(), &all);
  VecScatterBegin(sc, v, all, INSERT_VALUES, SCATTER_FORWARD);
  VecScatterEnd(sc, v, all, INSERT_VALUES, SCATTER_FORWARD);
  const PetscScalar* a;
  VecGetArrayRead(all, &a);
  std::vector<double> out(a, a + mesh.total_cells() * mesh.dof());
  VecRestoreArrayRead(all, &a);
  VecDestroy(&all);
  VecScatterDestroy(&sc);
  return out;
}

/// Sets PETSc options for the lifetime of the object (test-local solver choices).
/// PETSc options as (name, value) pairs.
using Options = std::vector<std::pair<std::string, std::string>>;

class ScopedOptions {
 public:
  explicit ScopedOptions(Options kv) : kv_(std::move(kv)) {
    for (auto& [k, v] : kv_) PetscOptionsSetValue(nullptr, k.c_str(), v.c_str());
  }
  ~ScopedOptions() {
    for (auto& [k, v] : kv_) PetscOptionsClearValue(nullptr, k.c_str());
  }

 private:
  Options kv_;
};

/// An exact (direct) preconditioner: the Newton linear systems are solved to round-off.
inline ScopedOptions exact_preconditioner() {
  int size = 1;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  Options kv{{"-cvode_pc_type", "lu"}};
  if (size > 1) kv.emplace_back("-cvode_pc_factor_mat_solver_type", "mumps");
  return ScopedOptions(kv);
}

/// Largest |dR/dc (assembled) - finite difference of R| over all entries, and the largest
/// assembled entry, at state @p c (perturbed in place and restored).
inline std::pair<double, double> jacobian_vs_fd(const FVSystem& sys, Vec c, double h) {
  Vec R0 = sys.create_state(), R1 = sys.create_state();
  Mat A = sys.create_matrix();
  sys.assemble(A, 0.0, 1.0, false, c);
  sys.residual(c, R0);
  PetscInt N;
  VecGetSize(c, &N);
  double maxdiff = 0.0, maxval = 0.0;
  for (PetscInt j = 0; j < N; ++j) {
    VecSetValue(c, j, h, ADD_VALUES);
    VecAssemblyBegin(c);
    VecAssemblyEnd(c);
    sys.residual(c, R1);
    VecSetValue(c, j, -h, ADD_VALUES);
    VecAssemblyBegin(c);
    VecAssemblyEnd(c);
    for (PetscInt i = 0; i < N; ++i) {
      PetscScalar r0, r1, aij = 0.0;
      VecGetValues(R0, 1, &i, &r0);
      VecGetValues(R1, 1, &i, &r1);
      MatGetValues(A, 1, &i, 1, &j, &aij);
      maxdiff = std::max(maxdiff, std::fabs((r1 - r0) / h - aij));
      maxval = std::max(maxval, std::fabs(aij));
    }
  }
  MatDestroy(&A);
  VecDestroy(&R0);
  VecDestroy(&R1);
  return {maxdiff, maxval};
}

/// [units] (LJ argon), a 1D mesh of @p cells on [0, 1] and T = T0 + g x.
inline std::string lj_cell_1d(int cells, double T0, double g) {
  return fmt::format(
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[mesh]\ndim = 1\n[mesh.x]\n"
      "cells = {}\nlength = 1.0\n[temperature]\ntype = \"linear\"\n"
      "T_ref = {}\ngradient = [{}]\n",
      cells, T0, g);
}

/// [units] (LJ argon), a 2D mesh of @p nx x @p ny cells on [0, 1]^2 and T = T0 + gx x + gy y.
inline std::string lj_cell_2d(int nx, int ny, double T0, double gx, double gy) {
  return fmt::format(
      "[units]\nsystem = \"LJ\"\nlj = \"argon\"\n[mesh]\ndim = 2\n[mesh.x]\n"
      "cells = {}\nlength = 1.0\n[mesh.y]\ncells = {}\nlength = 1.0\n[temperature]\n"
      "type = \"linear\"\nT_ref = {}\ngradient = [{}, {}]\n",
      nx, ny, T0, gx, gy);
}

/// A monomer A (Arrhenius diffusivity, a Gaussian bump on a uniform start) and its dimer A2 in
/// the nonlinear equilibrium 2 A <=> A2 (K0 0.5, delta_E -1) of forward rate @p kplus.
inline std::string dimer_species(double kplus) {
  return fmt::format(R"(
[[species]]
name = "A"
alpha = 1.0
[species.diffusivity]
type = "arrhenius"
prefactor = 1.0
activation_energy = 0.3
[species.initial]
value = 2.0
gaussian_amplitude = 1.0
gaussian_center = [0.3]
gaussian_width = 0.1
[[species]]
name = "A2"
composition = "2 A"
alpha = 1.0
[species.diffusivity]
value = 0.2
[[reactions]]
equation = "2 A <=> A2"
K0 = 0.5
delta_E = -1.0
[reactions.rate]
value = {}
)",
                     kplus);
}

/// A two-state species (Liang flux, alpha = 1) with closed walls: a slow low-energy state and a
/// fast one of energy @p fast_energy, exchanging at rate ~ nu.
inline std::string two_state_species(double nu, double fast_energy = 1.0) {
  return fmt::format(R"(
[[species]]
name = "P"
alpha = 1.0
[species.initial]
value = 1.0
[[species.states]]
name = "slow"
energy = 0.0
[species.states.diffusivity]
value = 0.1
[[species.states]]
name = "fast"
energy = {}
entropy = 0.5
[species.states.diffusivity]
type = "arrhenius"
prefactor = 2.0
activation_energy = 0.5
[[species.transitions]]
from = "slow"
to = "fast"
barrier = 1.5
prefactor = {}
)",
                     fast_energy, nu);
}

/// A closed 1D cell, T from 1 to 2, with the two-state species of two_state_species.
inline std::string two_state_case(int cells, double nu, double fast_energy = 1.0) {
  return lj_cell_1d(cells, 1.0, 1.0) + two_state_species(nu, fast_energy);
}

}  // namespace td::testing
