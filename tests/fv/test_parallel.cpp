// Results on the world communicator (1 or 2 ranks) agree with the serial solve on every rank.
#include <gtest/gtest.h>

#include <cmath>

#include "fv/Steady.h"
#include "fv/Transient.h"
#include "tests/fv/fv_helpers.h"

using namespace td;

namespace {

std::vector<double> steady2d(MPI_Comm comm) {
  auto mesh = td::testing::make_mesh(comm, 2, 40, 1, 1.0, 1.1);
  Species sp = td::testing::make_species(arrhenius_law(2.0, 1.0, 1.0), 5.0, 0.5, 1.0);
  sp.bc[2] = {Boundary::Type::robin, 0.7, 1.5};
  FVSystem sys(*mesh, linear_temperature(1.0, {1.0, 0.5, 0.0}), {sp});
  Vec c = sys.create_state();
  sys.initial_state(c);
  solve_steady(sys, c, SteadyOptions{});
  auto v = td::testing::gather(*mesh, c);
  VecDestroy(&c);
  return v;
}

std::vector<double> transient3d(MPI_Comm comm) {
  int size;
  MPI_Comm_size(comm, &size);
  PetscOptionsSetValue(nullptr, "-cvode_pc_type", "lu");
  if (size > 1) PetscOptionsSetValue(nullptr, "-cvode_pc_factor_mat_solver_type", "mumps");
  auto mesh = td::testing::make_mesh(comm, 3, 8, 1, 1.0, 0.8);
  Species sp = td::testing::make_species(constant_law(1.0), 2.0, 0.0, 0.2);
  sp.initial.amplitude = 1.0;
  sp.initial.center = {0.4, 0.5, 0.6};
  sp.initial.width = 0.15;
  FVSystem sys(*mesh, linear_temperature(1.0, {0.5, 0.0, 1.0}), {sp});
  Vec c = sys.create_state();
  sys.initial_state(c);
  TransientOptions opt;
  opt.rtol = 1e-9;
  TransientSolver ts(sys, c, 0.0, opt);
  ts.advance(0.02, c);
  auto v = td::testing::gather(*mesh, c);
  VecDestroy(&c);
  PetscOptionsClearValue(nullptr, "-cvode_pc_type");
  PetscOptionsClearValue(nullptr, "-cvode_pc_factor_mat_solver_type");
  return v;
}

void expect_same(const std::vector<double>& a, const std::vector<double>& b) {
  ASSERT_EQ(a.size(), b.size());
  double scale = 0.0, diff = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, std::fabs(b[i]));
    diff = std::max(diff, std::fabs(a[i] - b[i]));
  }
  EXPECT_LT(diff, 1e-10 * scale);
}

}  // namespace

TEST(ParallelMpi, SteadyAgreesWithSerial) {
  expect_same(steady2d(PETSC_COMM_WORLD), steady2d(PETSC_COMM_SELF));
}

TEST(ParallelMpi, TransientAgreesWithSerial) {
  expect_same(transient3d(PETSC_COMM_WORLD), transient3d(PETSC_COMM_SELF));
}
