// The several-field smoother of the mesh's multigrid (mesh/Multigrid.cpp): block symmetric
// Gauss-Seidel by default, Chebyshev with point-block Jacobi with -mg_levels_ksp_type
// chebyshev or -mg_levels_pc_type pbjacobi; both solve a system of fields coupled by
// reactions much faster than diffusion. Test names contain "Mpi": they also run on 2 ranks.
#include <gtest/gtest.h>
#include <petscdmda.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "mesh/Multigrid.h"
#include "tests/fv/fv_helpers.h"

using namespace td;
using td::testing::Options;
using td::testing::ScopedOptions;

namespace {

struct Result {
  KSPConvergedReason reason;
  PetscInt iterations;
  std::string smoother_ksp, smoother_pc;
  double error;  // largest |x - exact|
};

/// How neighbouring fields of a cell are coupled: first-order exchange (loss from one, gain
/// from the other; the cell blocks are diagonally dominant by columns), or an antisymmetric
/// rotation between them (+rate and -rate off the diagonal: for rate above the diffusion
/// terms the blocks are dominant neither by rows nor by columns, and the smoother inverts
/// them with pivoting).
enum class Coupling { exchange, rotation };

/// What the matrix is given as: as assembled, or with the diagonal block of one cell zero
/// (singular).
enum class Variant { plain, singular_cell };

/// Solves, on an n x n uniform mesh with @p dof fields per cell, the diffusion of every field
/// (5-point, unit coefficient times 1 + field) plus a chain coupling neighbouring fields at
/// rate @p rate (@p coupling) plus a small absorption, with the mesh's multigrid and GMRES to
/// 1e-10.
Result solve(int n, int dof, double rate, Coupling coupling = Coupling::exchange,
             Variant variant = Variant::plain) {
  std::array<Axis, 3> axes;
  axes[0].nodes = uniform_nodes(0.0, 1.0, n);
  axes[1].nodes = uniform_nodes(0.0, 1.0, n);
  axes[2].nodes = {0.0, 1.0};
  Mesh mesh(PETSC_COMM_WORLD, 2, axes, 1);
  Owned<DM> dm = mesh.solver_dm(dof);
  Owned<Mat> A;
  TD_PETSC(DMCreateMatrix(dm, A.out()));
  DMDALocalInfo info;
  TD_PETSC(DMDAGetLocalInfo(dm, &info));
  const double h2 = 1.0 / (static_cast<double>(n) * n);
  for (PetscInt j = info.ys; j < info.ys + info.ym; ++j)
    for (PetscInt i = info.xs; i < info.xs + info.xm; ++i)
      for (int f = 0; f < dof; ++f) {
        MatStencil row{0, j, i, f};
        std::vector<MatStencil> cols;
        std::vector<PetscScalar> vals;
        const double d = (1.0 + f) / h2;
        double diag = 1e-3;
        const std::pair<int, int> nb[4] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
        for (auto [di, dj] : nb) {
          const PetscInt ii = i + di, jj = j + dj;
          if (ii < 0 || ii >= n || jj < 0 || jj >= n) continue;
          cols.push_back({0, jj, ii, f});
          vals.push_back(-d);
          diag += d;
        }
        for (int g : {f - 1, f + 1}) {
          if (g < 0 || g >= dof) continue;
          cols.push_back({0, j, i, g});
          if (coupling == Coupling::rotation) {
            vals.push_back(g > f ? rate : -rate);
            continue;
          }
          // first-order exchange f <-> g: loss from f, gain from g (columns sum to the absorption)
          vals.push_back(-rate);
          diag += rate;
        }
        cols.push_back({0, j, i, f});
        vals.push_back(diag);
        if (variant == Variant::singular_cell && i == n / 2 && j == n / 2) {
          // the cell's own fields: zero, its neighbours kept
          for (std::size_t k = 0; k < cols.size(); ++k)
            if (cols[k].i == i && cols[k].j == j) vals[k] = 0.0;
        }
        TD_PETSC(MatSetValuesStencil(A, 1, &row, static_cast<PetscInt>(cols.size()), cols.data(),
                                     vals.data(), INSERT_VALUES));
      }
  TD_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
  TD_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
  Owned<Vec> exact, b, x;
  TD_PETSC(MatCreateVecs(A, exact.out(), b.out()));
  TD_PETSC(VecDuplicate(exact, x.out()));
  TD_PETSC(VecSetRandom(exact, nullptr));
  TD_PETSC(MatMult(A, exact, b));

  Owned<KSP> ksp;
  TD_PETSC(KSPCreate(PETSC_COMM_WORLD, ksp.out()));
  TD_PETSC(KSPSetOperators(ksp, A, A));
  TD_PETSC(KSPSetType(ksp, KSPGMRES));
  TD_PETSC(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, 200));
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  TD_PETSC(PCSetType(pc, PCMG));
  {
    const DefaultOption levels = mesh_multigrid_levels(mesh, nullptr);
    TD_PETSC(KSPSetFromOptions(ksp));
    setup_mesh_multigrid(ksp, mesh, dof, false);
  }
  TD_PETSC(KSPSolve(ksp, b, x));
  Result r{};
  TD_PETSC(KSPGetConvergedReason(ksp, &r.reason));
  TD_PETSC(KSPGetIterationNumber(ksp, &r.iterations));
  KSP smoother;
  PC spc;
  TD_PETSC(PCMGGetSmoother(pc, 1, &smoother));
  TD_PETSC(KSPGetPC(smoother, &spc));
  KSPType kt;
  PCType pt;
  TD_PETSC(KSPGetType(smoother, &kt));
  TD_PETSC(PCGetType(spc, &pt));
  r.smoother_ksp = kt;
  r.smoother_pc = pt;
  PetscReal err;
  TD_PETSC(VecAXPY(x, -1.0, exact));
  TD_PETSC(VecNorm(x, NORM_INFINITY, &err));
  r.error = err;
  return r;
}

}  // namespace

TEST(MultigridSmootherMpi, SeveralFieldsTakeBlockGaussSeidelAndConverge) {
  for (double rate : {1.0, 1e8}) {
    const Result r = solve(64, 4, rate);
    EXPECT_EQ(r.smoother_ksp, KSPRICHARDSON) << rate;
    EXPECT_EQ(r.smoother_pc, PCSHELL) << rate;
    EXPECT_GT(r.reason, 0) << rate;
    EXPECT_LE(r.iterations, 20) << rate;
    EXPECT_LT(r.error, 1e-6) << rate;
  }
}

TEST(MultigridSmootherMpi, BlocksThatNeedPivotingAreInvertedWithPivoting) {
  // the diffusion terms of a cell are at most 4 (1 + field) n^2 = 6.6e4 on 64^2 cells: at
  // rate 1e7 the rotation dominates every cell block; ignoring it in the smoother (e.g. an
  // identity in place of the pivoted inverse) leaves the smoother without the coupling
  for (double rate : {1e2, 1e7}) {
    const Result r = solve(64, 3, rate, Coupling::rotation);
    EXPECT_EQ(r.smoother_pc, PCSHELL) << rate;
    EXPECT_GT(r.reason, 0) << rate;
    EXPECT_LE(r.iterations, 20) << rate;
    EXPECT_LT(r.error, 1e-6) << rate;
  }
}

TEST(MultigridSmootherMpi, ASingularCellBlockFailsTheSolve) {
  // as point-block Jacobi: a cell block that cannot be inverted fails the preconditioner,
  // and the Krylov method reports it instead of iterating on garbage
  const Result r = solve(32, 2, 1.0, Coupling::exchange, Variant::singular_cell);
  EXPECT_EQ(r.reason, KSP_DIVERGED_PC_FAILED);
  // the same matrix with the cell's block kept converges
  EXPECT_GT(solve(32, 2, 1.0).reason, 0);
}

TEST(MultigridSmootherMpi, ChebyshevOrPointBlockJacobiOptionGivesThePreviousSmoother) {
  for (const Options& o : {Options{{"-mg_levels_ksp_type", "chebyshev"}},
                           Options{{"-mg_levels_pc_type", "pbjacobi"}}}) {
    ScopedOptions opts(o);
    const Result r = solve(32, 3, 10.0);
    EXPECT_EQ(r.smoother_ksp, KSPCHEBYSHEV) << o.front().first;
    EXPECT_EQ(r.smoother_pc, PCPBJACOBI) << o.front().first;
    EXPECT_GT(r.reason, 0) << o.front().first;
    EXPECT_LT(r.error, 1e-6) << o.front().first;
  }
}

TEST(MultigridSmootherMpi, AnotherPointSmootherIsLeftToTheOptions) {
  ScopedOptions opts(Options{{"-mg_levels_pc_type", "jacobi"}});
  const Result r = solve(32, 2, 1.0);
  EXPECT_EQ(r.smoother_pc, PCJACOBI);
}
