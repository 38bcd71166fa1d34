// The output's cell fields of one field per cell, computed line by line along x
// (FVSystem::fluxes_by_lines, FVSystem::observables_by_lines), against the per-cell loops that
// every other case takes.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "tests/fv/fv_helpers.h"

using namespace td;

TEST(OutputFieldsMpi, OneFieldByLinesIsThePerCellLoopsToTheBit) {
  // The same species alone (one field: lines) and beside a second one (two fields: the
  // per-cell loops) must give its flux vector and its observables to the bit: walls of every
  // kind, a periodic axis, stretched cells, an axis without temperature difference (x in 2D;
  // fv_helpers.h line_test_case), cells where ln P is not defined (zero, negative, below the
  // floor of resolved totals), 1D to 3D; on 2 ranks also cells next to another rank's (across
  // x in 1D, y in 2D, z in 3D) and a largest total on one rank only.
  for (int dim = 1; dim <= 3; ++dim) {
    SCOPED_TRACE(::testing::Message() << "dim " << dim);
    const auto lc = td::testing::line_test_case(dim);
    Mesh one(PETSC_COMM_WORLD, dim, lc.axes, 1), two(PETSC_COMM_WORLD, dim, lc.axes, 2);
    Species other = lc.species;
    other.name = "other";
    FVSystem alone(one, lc.T, {lc.species}), beside(two, lc.T, {lc.species, other});
    Owned<Vec> c1(alone.create_state()), c2(beside.create_state());
    Owned<PetscRandom> rnd;
    TD_PETSC(PetscRandomCreate(PETSC_COMM_WORLD, rnd.out()));
    TD_PETSC(PetscRandomSetInterval(rnd, 0.5, 1.5));
    TD_PETSC(VecSetRandom(c2, rnd));
    int rank = 0, ranks = 1;
    MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
    MPI_Comm_size(PETSC_COMM_WORLD, &ranks);
    PetscInt owned = 0;
    TD_PETSC(VecGetLocalSize(c1, &owned));
    {
      const ModifyArray w2(c2);
      const WriteArray w1(c1);
      for (PetscInt i = 0; i < owned; ++i) {
        // ln P undefined next to these: P = 0, P < 0, and P > 0 below the floor of resolved
        // totals (1e-10 of the largest, which lies on the last rank)
        if (i % 7 == 3) w2.get()[2 * i] = 0.0;
        if (i % 11 == 5) w2.get()[2 * i] = -0.1;
        if (i % 13 == 8) w2.get()[2 * i] = 1e-12;
        if (i + 1 == owned && rank + 1 == ranks) w2.get()[2 * i] = 1e3;
        w1.get()[i] = w2.get()[2 * i];
      }
    }
    const auto d = static_cast<PetscInt>(dim);
    int differ = 0, cells = 0, undefined = 0;
    {
      Owned<Vec> J1(alone.fluxes(c1)), J2(beside.fluxes(c2));
      const ReadArray a(J1), b(J2);
      cells = static_cast<int>(a.size() / d);
      for (PetscInt i = 0; i < a.size() / d; ++i)
        for (PetscInt k = 0; k < d; ++k) differ += a[i * d + k] != b[i * 2 * d + k];
    }
    EXPECT_EQ(differ, 0) << "flux components of " << cells << " cells";
    differ = 0;
    {
      Owned<Vec> o1(alone.group_observables(c1)), o2(beside.group_observables(c2));
      const ReadArray a(o1), b(o2);
      for (PetscInt i = 0; i < a.size() / 3; ++i) {
        for (PetscInt k = 0; k < 3; ++k) differ += a[3 * i + k] != b[6 * i + k];
        undefined += a[3 * i + 1] == 0.0 ? 1 : 0;
      }
    }
    EXPECT_EQ(differ, 0) << "observables of " << cells << " cells";
    // the cases the loops must agree on are there: cells where S_T_eff is left 0, others not
    // (over all ranks: a rank's few cells in 1D may have none)
    std::array<int, 2> counts{undefined, cells};
    MPI_Allreduce(MPI_IN_PLACE, counts.data(), 2, MPI_INT, MPI_SUM, PETSC_COMM_WORLD);
    EXPECT_GT(counts[0], 0);
    EXPECT_LT(counts[0], counts[1]);
  }
}
