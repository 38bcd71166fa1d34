// The assembled Jacobian dR/dc against finite differences of the residual.
#include <gtest/gtest.h>

#include <cmath>

#include "tests/fv/fv_helpers.h"

using namespace td;

TEST(Jacobian, MatchesFiniteDifferencesAllBoundaryTypes) {
  for (int dim = 1; dim <= 3; ++dim) {
    const int n = dim == 3 ? 3 : 5;
    std::array<Axis, 3> axes;
    for (int a = 0; a < 3; ++a) axes[a].nodes = td::testing::tanh_nodes(0.0, 1.0, n, 0.7);
    axes[1].periodic = dim > 1;  // one periodic axis in 2D/3D
    Mesh mesh(PETSC_COMM_SELF, dim, axes, 2);
    Species a = td::testing::make_species(arrhenius_law(2.0, 1.0, 1.0), 4.0, 0.5, 1.0);
    Species b = td::testing::make_species(constant_law(0.3), -2.0, 1.0, 1.0);
    a.bc[0] = {Boundary::Type::dirichlet, 2.0, 0.0};
    b.bc[1] = {Boundary::Type::robin, 0.5, 3.0};
    FVSystem sys(mesh, linear_temperature(1.0, {0.4, 0.0, 0.2}), {a, b});
    Vec c = sys.create_state();
    PetscRandom rnd;
    PetscRandomCreate(PETSC_COMM_SELF, &rnd);
    VecSetRandom(c, rnd);
    PetscRandomDestroy(&rnd);
    const auto [maxdiff, maxval] = td::testing::jacobian_vs_fd(sys, c, 1e-6);
    EXPECT_LT(maxdiff, 1e-7 * maxval) << "dim " << dim;
    VecDestroy(&c);
  }
}
