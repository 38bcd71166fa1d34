#pragma once
/// @file WorkUnit.h  The work unit of the benchmarks: the time of one product with the
/// assembled Jacobian of a system, measured in the same process as the solve it divides (a
/// textbook multigrid solve takes a few tens of work units).
#include <petscmat.h>
#include <petsctime.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include "fv/FVSystem.h"

namespace td::bench {

/// Matrices assembled for one work unit, and products timed with each (after one untimed
/// warm-up); the median of all is kept.
inline constexpr int kMatrices = 3, kMatMultsEach = 7;

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

/// Wall and CPU time of one product with the Jacobian of @p sys assembled at @p c (s): the
/// median over kMatrices matrices of kMatMultsEach products timed one by one, each the
/// slowest rank's. Why the median, and several matrices: the mean of a batch took in whatever
/// else ran on the machine then, and one matrix's time depends on where its arrays landed
/// (with transparent huge pages, 4.8-7.4 ms at 1024^2 from one process to the next, against
/// 5.8-6.5 ms without); the work unit divides every solve's figure.
inline Seconds seconds_per_matmult(FVSystem& sys, Vec c) {
  std::vector<double> wall, cpu;
  for (int m = 0; m < kMatrices; ++m) {
    Owned<Mat> A(sys.create_matrix());
    sys.assemble(A, 0.0, 1.0, false, c);
    Owned<Vec> x = duplicate(c), y = duplicate(c);
    TD_PETSC(VecSet(x, 1.0));
    TD_PETSC(MatMult(A, x, y));
    for (int k = 0; k < kMatMultsEach; ++k) {
      MPI_Barrier(PETSC_COMM_WORLD);
      PetscLogDouble t0, t1;
      const double c0 = cpu_seconds();
      TD_PETSC(PetscTime(&t0));
      TD_PETSC(MatMult(A, x, y));
      MPI_Barrier(PETSC_COMM_WORLD);
      TD_PETSC(PetscTime(&t1));
      const double c1 = cpu_seconds();
      wall.push_back(t1 - t0);
      cpu.push_back(c1 - c0);
    }
  }
  auto median = [](std::vector<double>& v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  return {median(wall), median(cpu)};
}

}  // namespace td::bench
