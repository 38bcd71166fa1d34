#pragma once
// Helpers for solver tests: build meshes, species and systems in code.
#include <cmath>
#include <memory>
#include <vector>

#include <petscdmda.h>

#include "mesh/Mesh.h"
#include "models/Species.h"
#include "models/TemperatureField.h"
#include "models/TemperatureLaw.h"
#include "solver/FVSystem.h"

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

}  // namespace td::testing
