#pragma once
/// @file SoretBenchmark.h  The steady Soret benchmark of bench_steady and the design studies:
/// D = 1, S_T given, T = 1 + x on the unit square (cube), c = 1 on the cold face x = 0, no
/// flux elsewhere, initial c = 1; exact c = exp(-S_T x).
#include <petscksp.h>

#include <cstdio>
#include <exception>
#include <memory>

#include "core/HugePages.h"
#include "core/Petsc.h"
#include "fv/FVSystem.h"

namespace td::bench {

/// The benchmark's system on @p mesh (one field per cell) with Soret coefficient @p soret
/// (1/temperature, dimensionless units).
inline std::unique_ptr<FVSystem> soret_benchmark(const Mesh& mesh, double soret) {
  Species sp;
  sp.name = "c";
  sp.D = constant_law(1.0);
  sp.S_T = constant_law(soret);
  sp.initial.uniform = 1.0;
  sp.bc[0] = {Boundary::Type::dirichlet, 1.0, 0.0};
  return std::make_unique<FVSystem>(mesh, linear_temperature(1.0, {1.0, 0.0, 0.0}),
                                    std::vector<Species>{sp});
}

/// Relative tolerance of the benchmarks' Krylov solves on the unpreconditioned residual, the
/// steady solver's.
inline constexpr double kKrylovRtol = 1e-12;
/// Krylov iterations a benchmark solve may take.
inline constexpr PetscInt kKrylovMaxIterations = 1000;

/// A Krylov solver of type @p type on operator and preconditioning matrix @p A that stops as
/// the steady solver's: kKrylovRtol on the unpreconditioned residual.
inline Owned<KSP> benchmark_ksp(Mat A, KSPType type) {
  Owned<KSP> ksp;
  TD_PETSC(KSPCreate(PETSC_COMM_WORLD, ksp.out()));
  TD_PETSC(KSPSetOperators(ksp, A, A));
  TD_PETSC(KSPSetType(ksp, type));
  TD_PETSC(KSPSetNormType(ksp, KSP_NORM_UNPRECONDITIONED));
  TD_PETSC(KSPSetTolerances(ksp, kKrylovRtol, 0.0, PETSC_DEFAULT, kKrylovMaxIterations));
  return ksp;
}

/// The frame of a one-rank benchmark program: restart with huge pages, initialise PETSc, run
/// @p body unless more than one rank runs, print "@p name: <error>" for an exception, and
/// finalise. Returns the exit status (0, or 1 after an error).
template <class F>
int run_on_one_rank(int argc, char** argv, const char* name, F&& body) {
  restart_with_huge_pages(argv);
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int size = 0, code = 0;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  try {
    if (size != 1) throw Error("one rank only");
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: %s\n", name, e.what());
    code = 1;
  }
  PetscFinalize();
  return code;
}

}  // namespace td::bench
