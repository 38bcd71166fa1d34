// The several-field smoother of the mesh's multigrid (mesh/Multigrid.cpp): block symmetric
// Gauss-Seidel by default, Chebyshev with point-block Jacobi with -mg_levels_ksp_type
// chebyshev or -mg_levels_pc_type pbjacobi; both solve a system of fields coupled by
// reactions much faster than diffusion. Test names contain "Mpi": they also run on 2 ranks.
#include <gtest/gtest.h>
#include <petscdmda.h>

#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "mesh/Multigrid.h"
#include "mesh/StencilMatrix.h"
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

/// A KSP on @p A preconditioned by the mesh's multigrid (the default levels and smoothers of
/// @p dof fields a cell, options read).
Owned<KSP> multigrid_ksp(MPI_Comm comm, Mat A, const Mesh& mesh, int dof) {
  Owned<KSP> ksp;
  TD_PETSC(KSPCreate(comm, ksp.out()));
  TD_PETSC(KSPSetOperators(ksp, A, A));
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
  TD_PETSC(PCSetType(pc, PCMG));
  const DefaultOption levels = mesh_multigrid_levels(mesh, nullptr);
  TD_PETSC(KSPSetFromOptions(ksp));
  setup_mesh_multigrid(ksp, mesh, dof, false);
  return ksp;
}

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

  Owned<KSP> ksp = multigrid_ksp(PETSC_COMM_WORLD, A, mesh, dof);
  TD_PETSC(KSPSetType(ksp, KSPGMRES));
  TD_PETSC(KSPSetTolerances(ksp, 1e-10, PETSC_DEFAULT, PETSC_DEFAULT, 200));
  PC pc;
  TD_PETSC(KSPGetPC(ksp, &pc));
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

TEST(MultigridSmootherMpi, KrylovTypesThatApplyTheTransposeOfTheSmootherAreRefused) {
  // BiCG and IBiCGStab apply the preconditioner's transpose, which the block sweeps lack:
  // refused before the solve with the way out (PETSc stopped inside it before)
  for (const char* type : {"bicg", "ibcgs"}) {
    ScopedOptions opts(Options{{"-ksp_type", type}});
    try {
      solve(16, 2, 1.0);
      ADD_FAILURE() << type << " accepted under the block Gauss-Seidel smoother";
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("-ksp_type ") + type +
                                           " applies the transpose of the preconditioner"),
                std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("block Gauss-Seidel"), std::string::npos) << e.what();
    }
  }
}

TEST(MultigridSmootherMpi, AnotherPointSmootherIsLeftToTheOptions) {
  ScopedOptions opts(Options{{"-mg_levels_pc_type", "jacobi"}});
  const Result r = solve(32, 2, 1.0);
  EXPECT_EQ(r.smoother_pc, PCJACOBI);
}

namespace {

using Dense = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic>;
using DenseVec = Eigen::VectorXd;

/// The finest level's smoother of the mesh's multigrid on an 8 x 8 mesh, periodic along x,
/// on @p comm, for a system of @p dof fields per cell: diffusion of each field with
/// coefficients that vary from cell to cell and field to field, exchange at rate 10 between
/// neighbouring fields; and on one rank that system's matrix as a dense one. The matrix has
/// the solvers' pattern (create_star_matrix: a field couples to the same field of the
/// neighbours), or with @p all_fields that of DMCreateMatrix (to every field of the
/// neighbours, with zeros).
struct FinestSmoother {
  Owned<Mat> A;
  Owned<KSP> ksp;
  PC smoother = nullptr;
  Dense dense;

  FinestSmoother(int dof, bool all_fields, MPI_Comm comm = PETSC_COMM_SELF,
                 KSPType type = KSPGMRES) {
    constexpr int n = 8;
    constexpr double rate = 10.0;
    constexpr double absorption = 1e-3;  // keeps the system nonsingular (no pinned cell)
    std::array<Axis, 3> axes;
    axes[0].nodes = uniform_nodes(0.0, 1.0, n);
    axes[0].periodic = true;
    axes[1].nodes = uniform_nodes(0.0, 1.0, n);
    axes[2].nodes = {0.0, 1.0};
    Mesh mesh(comm, 2, axes, 1);
    Owned<DM> dm = mesh.solver_dm(dof);
    if (all_fields) {
      TD_PETSC(DMCreateMatrix(dm, A.out()));
    } else {
      std::vector<PetscInt> chain(static_cast<std::size_t>(dof * dof), 0), same(chain);
      for (int f = 0; f < dof; ++f)
        for (int g = std::max(0, f - 1); g <= std::min(dof - 1, f + 1); ++g) {
          chain[static_cast<std::size_t>(f * dof + g)] = 1;
          same[static_cast<std::size_t>(f * dof + f)] = 1;
        }
      A = create_star_matrix(dm, chain, same);
    }
    DMDALocalInfo info;
    TD_PETSC(DMDAGetLocalInfo(dm, &info));
    const std::size_t size = static_cast<std::size_t>(n * n * dof);
    dense = Dense::Zero(static_cast<Eigen::Index>(size), static_cast<Eigen::Index>(size));
    for (int j = 0; j < n; ++j)
      for (int i = 0; i < n; ++i)
        for (int f = 0; f < dof; ++f) {
          const int row = (j * n + i) * dof + f;
          std::vector<MatStencil> cols;
          std::vector<PetscScalar> vals;
          auto add = [&](int ii, int jj, int g, double v) {
            dense(row, (jj * n + ii) * dof + g) += v;
            cols.push_back({0, jj, ii, g});
            vals.push_back(v);
          };
          double diag = absorption;
          const std::pair<int, int> nb[4] = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
          for (auto [di, dj] : nb) {
            const int ii = (i + di + n) % n, jj = j + dj;
            if (jj < 0 || jj >= n) continue;
            const double d = (1.0 + f) * (1.0 + 0.1 * (i + ii) + 0.01 * (j + jj));
            add(ii, jj, f, -d);
            diag += d;
          }
          for (int g : {f - 1, f + 1}) {
            if (g < 0 || g >= dof) continue;
            add(i, j, g, -rate);
            diag += rate;
          }
          add(i, j, f, diag);
          const bool owned =
              i >= info.xs && i < info.xs + info.xm && j >= info.ys && j < info.ys + info.ym;
          if (!owned) continue;
          const MatStencil r{0, j, i, f};
          TD_PETSC(MatSetValuesStencil(A, 1, &r, static_cast<PetscInt>(cols.size()), cols.data(),
                                       vals.data(), INSERT_VALUES));
        }
    TD_PETSC(MatAssemblyBegin(A, MAT_FINAL_ASSEMBLY));
    TD_PETSC(MatAssemblyEnd(A, MAT_FINAL_ASSEMBLY));
    ksp = multigrid_ksp(comm, A, mesh, dof);
    TD_PETSC(KSPSetType(ksp, type));
    TD_PETSC(KSPSetUp(ksp));
    PC pc;
    TD_PETSC(KSPGetPC(ksp, &pc));
    PetscInt levels = 0;
    TD_PETSC(PCMGGetLevels(pc, &levels));
    KSP finest;
    TD_PETSC(PCMGGetSmoother(pc, levels - 1, &finest));
    TD_PETSC(KSPGetPC(finest, &smoother));
  }
};

/// y = M^-1 x of symmetric block Gauss-Seidel on @p a with blocks of @p dof rows:
/// M = (D + L) D^-1 (D + U), D the diagonal blocks, L and U the blocks below and above.
DenseVec symmetric_block_gauss_seidel(const Dense& a, int dof, const DenseVec& x) {
  Dense lower = Dense::Zero(a.rows(), a.cols()), upper = lower, diag = lower;
  for (Eigen::Index r = 0; r < a.rows(); ++r)
    for (Eigen::Index c = 0; c < a.cols(); ++c) {
      const Eigen::Index br = r / dof, bc = c / dof;
      (br > bc ? lower : br < bc ? upper : diag)(r, c) = a(r, c);
    }
  const DenseVec forward = (diag + lower).partialPivLu().solve(x);
  return (diag + upper).partialPivLu().solve(diag * forward);
}

DenseVec to_dense(Vec v) {
  PetscInt n;
  TD_PETSC(VecGetLocalSize(v, &n));
  const PetscScalar* p;
  TD_PETSC(VecGetArrayRead(v, &p));
  DenseVec out = Eigen::Map<const DenseVec>(p, n);
  TD_PETSC(VecRestoreArrayRead(v, &p));
  return out;
}

}  // namespace

TEST(MultigridSmoother, OneStepIsASymmetricBlockGaussSeidelSweep) {
  // 3 fields, or couplings to every field of the neighbours: the couplings between cells
  // read from the matrix; 5 and 8 fields with the solvers' pattern: from the smoother's copy
  // of them; periodic along x, so that the cells at the wrap-around couple to cells n - 1
  // away. Both in double precision: agreement to round-off
  for (auto [dof, all_fields] : {std::pair{3, false}, {5, false}, {8, false}, {8, true}}) {
    SCOPED_TRACE(::testing::Message() << dof << " fields, all coupled: " << all_fields);
    FinestSmoother s(dof, all_fields);
    Owned<Vec> x, y, b, w;
    TD_PETSC(MatCreateVecs(s.A, x.out(), y.out()));
    TD_PETSC(VecDuplicate(x, b.out()));
    TD_PETSC(VecDuplicate(x, w.out()));
    TD_PETSC(VecSetRandom(x, nullptr));
    TD_PETSC(VecSetRandom(b, nullptr));
    const DenseVec xd = to_dense(x), bd = to_dense(b);
    constexpr double tol = 1e-12;
    // from zero: y = M^-1 x
    TD_PETSC(PCApply(s.smoother, x, y));
    const DenseVec expect = symmetric_block_gauss_seidel(s.dense, dof, xd);
    EXPECT_LT((to_dense(y) - expect).lpNorm<Eigen::Infinity>(),
              tol * expect.lpNorm<Eigen::Infinity>());
    // from x: one Richardson step, x + M^-1 (b - A x) (the in-place sweeps of one rank)
    PetscInt its = 0;
    PCRichardsonConvergedReason reason;
    TD_PETSC(PCApplyRichardson(s.smoother, b, x, w, 0.0, 0.0, 0.0, 1, PETSC_FALSE, &its, &reason));
    const DenseVec step = xd + symmetric_block_gauss_seidel(s.dense, dof, bd - s.dense * xd);
    EXPECT_LT((to_dense(x) - step).lpNorm<Eigen::Infinity>(), tol * step.lpNorm<Eigen::Infinity>());
  }
}

TEST(MultigridSmootherMpi, AStepFromAnIterateIsTheCorrectionOfTheResidual) {
  // one Richardson step from x (the sweeps updating x in place; on several ranks with the
  // couplings to the other ranks' cells on the right-hand side) against its definition,
  // x + M^-1 (b - A x), formed with the residual and the smoother applied from zero
  for (auto [dof, all_fields] : {std::pair{3, false}, {8, false}, {8, true}}) {
    SCOPED_TRACE(::testing::Message() << dof << " fields, all coupled: " << all_fields);
    FinestSmoother s(dof, all_fields, PETSC_COMM_WORLD);
    Owned<Vec> x, b, r, step, w;
    TD_PETSC(MatCreateVecs(s.A, x.out(), b.out()));
    for (Vec* v : {r.out(), step.out(), w.out()}) TD_PETSC(VecDuplicate(x, v));
    TD_PETSC(VecSetRandom(x, nullptr));
    TD_PETSC(VecSetRandom(b, nullptr));
    // the definition
    TD_PETSC(MatResidual(s.A, b, x, r));
    TD_PETSC(PCApply(s.smoother, r, step));
    TD_PETSC(VecAXPY(step, 1.0, x));
    // the step
    PetscInt its = 0;
    PCRichardsonConvergedReason reason;
    TD_PETSC(PCApplyRichardson(s.smoother, b, x, w, 0.0, 0.0, 0.0, 1, PETSC_FALSE, &its, &reason));
    PetscReal diff, scale;
    TD_PETSC(VecAXPY(x, -1.0, step));
    TD_PETSC(VecNorm(x, NORM_INFINITY, &diff));
    TD_PETSC(VecNorm(step, NORM_INFINITY, &scale));
    EXPECT_LT(diff, 1e-12 * scale);
  }
}

TEST(MultigridSmootherMpi, MultigridAsTheSolverReachesTheSolution) {
  // Richardson with the multigrid cycle and no monitor: PETSc hands the iterate itself to the
  // cycles (PCApplyRichardson), whose post-smoothing sweeps update it in place. Their fixed
  // point must be the solution of the matrix: sweeps reading rounded couplings stalled here
  // at a relative residual of 3e-3
  for (int dof : {3, 8}) {
    SCOPED_TRACE(::testing::Message() << dof << " fields");
    FinestSmoother s(dof, false, PETSC_COMM_WORLD, KSPRICHARDSON);
    TD_PETSC(KSPSetTolerances(s.ksp, 1e-11, 0.0, PETSC_DEFAULT, 200));
    Owned<Vec> x, b, r;
    TD_PETSC(MatCreateVecs(s.A, x.out(), b.out()));
    TD_PETSC(VecDuplicate(x, r.out()));
    TD_PETSC(VecSetRandom(b, nullptr));
    TD_PETSC(KSPSolve(s.ksp, b, x));
    KSPConvergedReason reason;
    TD_PETSC(KSPGetConvergedReason(s.ksp, &reason));
    EXPECT_GT(reason, 0);
    PetscReal res, bnorm;
    TD_PETSC(MatResidual(s.A, b, x, r));
    TD_PETSC(VecNorm(r, NORM_2, &res));
    TD_PETSC(VecNorm(b, NORM_2, &bnorm));
    EXPECT_LT(res, 1e-9 * bnorm);
  }
}
