/// Design study, not the product's solver: conjugate gradients on the symmetrised Soret
/// operator against the default BiCGStab, both preconditioned by hypre's PFMG, on the steady
/// Soret benchmark of bench_steady. docs/solvers.md quotes the results.
///
/// Why it can work: the exponentially fitted face flux J = g [B(dpsi) c_P - B(-dpsi) c_Q]
/// is, in the Slotboom variable u = c e^psi, J = G_PQ (u_P - u_Q) with
/// G_PQ = g B(dpsi) e^-psi_P = G_QP (B(-z) = e^z B(z)). So with D = diag(e^-psi) the column-
/// scaled Jacobian L = J D is symmetric; for a Dirichlet or Robin face, which adds to the
/// diagonal only, it is positive definite. The Newton step J dc = -R is L u = -R with
/// dc = D u: the same residual, so the same stopping test, but a Krylov method for symmetric
/// matrices (one preconditioner application per iteration instead of BiCGStab's two).
///
/// The study scales the product's assembled Jacobian (AIJ) by D from the exact potential of
/// the benchmark, psi = S_T (T - 1) = S_T x, checks that L is symmetric, and solves both
/// systems with PETSc's Krylov solvers (relative tolerance 1e-12 on the unpreconditioned
/// residual, as the steady solver) and the product's structured multigrid preconditioner
/// (setup_structured_multigrid, PFMG, its default settings: one symmetric red-black
/// Gauss-Seidel sweep before and after the coarse correction). Prints iterations,
/// preconditioner applications, solve time and the maximum relative error against the exact
/// profile of each. One rank, 2D and 3D uniform meshes.
/// usage: bench_symmetrised_cg DIM N [-bench_soret S] [-study_repeats K]
#include <petscksp.h>
#include <petscsys.h>
#include <petsctime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "bench/SoretBenchmark.h"
#include "fv/FVSystem.h"
#include "mesh/DmdaViews.h"
#include "mesh/StructuredMultigrid.h"

using namespace td;

namespace {

/// L is taken as symmetric when |L - L^T| is below this times its largest entry.
constexpr double kSymmetryTolerance = 1e-12;
/// The error is relative where the exact concentration exceeds this (as bench_steady).
constexpr double kErrorFloor = 1e-8;

struct Outcome {
  PetscInt its = 0;
  double seconds = 0.0;
  double error = 0.0;
};

/// Solve @p A x = @p b with Krylov type @p type and the structured multigrid on @p mesh, best
/// of @p repeats solves; x is scaled by @p scale (if any) into the Newton step, added to
/// @p c0 and compared with the exact profile exp(-S x).
Outcome solve(const Mesh& mesh, Mat A, KSPType type, Vec b, Vec scale, Vec c0, double S,
              int repeats) {
  Owned<KSP> ksp = bench::benchmark_ksp(A, type);
  setup_structured_multigrid(ksp, mesh, 1);
  TD_PETSC(KSPSetUp(ksp));
  Owned<Vec> x = duplicate(b), c = duplicate(b);
  Outcome out;
  out.seconds = 1e30;
  for (int k = 0; k < repeats; ++k) {
    TD_PETSC(VecSet(x, 0.0));
    PetscLogDouble t0, t1;
    PetscTime(&t0);
    TD_PETSC(KSPSolve(ksp, b, x));
    if (scale) TD_PETSC(VecPointwiseMult(x, x, scale));
    PetscTime(&t1);
    out.seconds = std::min(out.seconds, t1 - t0);
  }
  KSPConvergedReason why;
  TD_PETSC(KSPGetConvergedReason(ksp, &why));
  if (why < 0) throw Error(fmt::format("{} failed ({})", type, KSPConvergedReasons[why]));
  TD_PETSC(KSPGetIterationNumber(ksp, &out.its));
  TD_PETSC(VecWAXPY(c, 1.0, x, c0));
  const PetscScalar* cc;
  TD_PETSC(VecGetArrayRead(c, &cc));
  std::size_t i = 0;
  dmda::for_owned(mesh, [&](const std::array<int, 3>& cell) {
    const double ex = std::exp(-S * mesh.center(0, cell[0]));
    out.error = std::max(out.error, std::fabs(cc[i++] - ex) / std::max(ex, kErrorFloor));
  });
  TD_PETSC(VecRestoreArrayRead(c, &cc));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argv[1][0] == '-') {
    std::fprintf(stderr, "usage: bench_symmetrised_cg DIM N [-bench_soret S] [-study_repeats K]\n");
    return 2;
  }
  const int dim = std::atoi(argv[1]), n = std::atoi(argv[2]);
  return bench::run_on_one_rank(argc, argv, "bench_symmetrised_cg", [&] {
    if (n < 4 || (dim != 2 && dim != 3)) throw Error("DIM 2 or 3 and N >= 4 only");
    PetscReal S = 5.0;
    PetscInt repeats = 3;
    PetscOptionsGetReal(nullptr, nullptr, "-bench_soret", &S, nullptr);
    PetscOptionsGetInt(nullptr, nullptr, "-study_repeats", &repeats, nullptr);
    std::array<Axis, 3> axes;
    for (int a = 0; a < 3; ++a) axes[a].nodes = uniform_nodes(0.0, 1.0, a < dim ? n : 1);
    Mesh mesh(PETSC_COMM_WORLD, dim, axes, 1);
    const auto bench_system = bench::soret_benchmark(mesh, S);
    FVSystem& sys = *bench_system;
    Owned<Vec> c(sys.create_state());
    sys.initial_state(c);
    Owned<Mat> J(sys.create_matrix());
    sys.assemble(J, 0.0, 1.0, false, c);
    Owned<Vec> R = duplicate(c), d = duplicate(c);
    sys.residual(c, R);
    TD_PETSC(VecScale(R, -1.0));
    {
      PetscScalar* dd;
      TD_PETSC(VecGetArray(d, &dd));
      std::size_t i = 0;
      dmda::for_owned(mesh, [&](const std::array<int, 3>& cell) {
        dd[i++] = std::exp(-S * mesh.center(0, cell[0]));
      });
      TD_PETSC(VecRestoreArray(d, &dd));
    }
    Owned<Mat> L;
    TD_PETSC(MatDuplicate(J, MAT_COPY_VALUES, L.out()));
    TD_PETSC(MatDiagonalScale(L, nullptr, d));
    {
      Owned<Mat> Lt, diff;
      TD_PETSC(MatTranspose(L, MAT_INITIAL_MATRIX, Lt.out()));
      TD_PETSC(MatDuplicate(L, MAT_COPY_VALUES, diff.out()));
      TD_PETSC(MatAXPY(diff, -1.0, Lt, DIFFERENT_NONZERO_PATTERN));
      PetscReal asym, big;
      TD_PETSC(MatNorm(diff, NORM_INFINITY, &asym));
      TD_PETSC(MatNorm(L, NORM_INFINITY, &big));
      std::printf("|L - L^T| / |L| = %.2e (infinity norms)\n", asym / big);
      if (!(asym <= kSymmetryTolerance * big)) throw Error("the scaled Jacobian is not symmetric");
    }
    const Outcome bcgs = solve(mesh, J, KSPBCGS, R, nullptr, c, S, static_cast<int>(repeats));
    const Outcome cg = solve(mesh, L, KSPCG, R, d, c, S, static_cast<int>(repeats));
    std::printf("%-9s %-24s %8s %8s %10s %12s\n", "cells", "method", "krylov", "cycles", "solve[s]",
                "max_rel_err");
    const std::string cells = std::to_string(n) + (dim == 2 ? "^2" : "^3");
    std::printf("%-9s %-24s %8d %8d %10.3f %12.3e\n", cells.c_str(), "BiCGStab, J", (int)bcgs.its,
                2 * (int)bcgs.its, bcgs.seconds, bcgs.error);
    std::printf("%-9s %-24s %8d %8d %10.3f %12.3e\n", cells.c_str(), "CG, J diag(e^-psi)",
                (int)cg.its, (int)cg.its, cg.seconds, cg.error);
  });
}
