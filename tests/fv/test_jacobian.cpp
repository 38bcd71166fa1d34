// The assembled Jacobian dR/dc against finite differences of the residual, and the
// residual's line-by-line path against its per-cell loop.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

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

TEST(JacobianMpi, OneSpeciesResidualByLinesIsThePerCellLoopsToTheBit) {
  // One species without heat or reactions takes the residual line by line along x
  // (FVSystem::transport_residual_lines); pins, which only that cell's row sees, send it
  // through the per-cell loop of every other case. Every other row must be the same to the
  // bit: walls of every kind on x and y, a periodic axis (x, z), stretched cells, 1D to 3D, and
  // on 2 ranks rows next to another rank's cells (across x in 1D, y in 2D, z in 3D).
  for (int dim = 1; dim <= 3; ++dim) {
    SCOPED_TRACE(::testing::Message() << "dim " << dim);
    const auto lc = td::testing::line_test_case(dim);
    Mesh mesh(PETSC_COMM_WORLD, dim, lc.axes, 1);
    FVSystem sys(mesh, lc.T, {lc.species});
    const Owned<Vec> c = td::testing::random_state(sys);
    Owned<Vec> by_lines = duplicate(c), by_cells = duplicate(c);
    sys.residual(c, by_lines);
    sys.set_pins({{0, 0.7}});
    sys.residual(c, by_cells);
    const ReadArray lines(by_lines), cells(by_cells);
    // the origin's row is the pin's, on the rank that owns it
    const bool origin = mesh.start() == std::array<int, 3>{0, 0, 0};
    int differ = 0;
    for (PetscInt i = origin ? 1 : 0; i < lines.size(); ++i) differ += lines[i] != cells[i];
    EXPECT_EQ(differ, 0);
    if (origin) EXPECT_NE(lines[0], cells[0]);
    double largest = 0.0;
    for (PetscInt i = 0; i < lines.size(); ++i) largest = std::max(largest, std::abs(lines[i]));
    EXPECT_GT(largest, 0.0);
  }
}
