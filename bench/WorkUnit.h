#pragma once
/// @file WorkUnit.h  The work unit of the benchmarks: the time of one product with the
/// assembled Jacobian of a system, measured in the same process as the solve it divides (a
/// textbook multigrid solve takes a few tens of work units).
#include <ctime>

#include <petscmat.h>
#include <petsctime.h>

#include "fv/FVSystem.h"

namespace td::bench {

/// Products timed for one work unit (after one untimed warm-up).
inline constexpr int kMatMults = 20;

/// CPU time of this process (s), the slowest rank's: other jobs sharing the cores disturb it
/// far less than wall time.
inline double cpu_seconds() {
  double t = static_cast<double>(std::clock()) / CLOCKS_PER_SEC, out = 0.0;
  MPI_Allreduce(&t, &out, 1, MPI_DOUBLE, MPI_MAX, PETSC_COMM_WORLD);
  return out;
}

/// Wall and CPU time (s).
struct Seconds {
  double wall = 0.0, cpu = 0.0;
};

/// Wall and CPU time of one product with the Jacobian of @p sys assembled at @p c (s), the
/// slowest rank's.
inline Seconds seconds_per_matmult(FVSystem& sys, Vec c) {
  Owned<Mat> A(sys.create_matrix());
  sys.assemble(A, 0.0, 1.0, false, c);
  Owned<Vec> x = duplicate(c), y = duplicate(c);
  TD_PETSC(VecSet(x, 1.0));
  TD_PETSC(MatMult(A, x, y));
  MPI_Barrier(PETSC_COMM_WORLD);
  PetscLogDouble t0, t1;
  const double c0 = cpu_seconds();
  TD_PETSC(PetscTime(&t0));
  for (int k = 0; k < kMatMults; ++k) TD_PETSC(MatMult(A, x, y));
  MPI_Barrier(PETSC_COMM_WORLD);
  TD_PETSC(PetscTime(&t1));
  return {(t1 - t0) / kMatMults, (cpu_seconds() - c0) / kMatMults};
}

}  // namespace td::bench
