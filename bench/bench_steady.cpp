/// Timed driver: the steady Soret benchmark of the foundation issue.
/// D = 1, S_T = 5, T = 1 + x on the unit square (cube), c = 1 on the cold face x = 0, no flux
/// elsewhere; exact c = exp(-S_T (T - 1)). -bench_soret S sets S_T (1/temperature; the cell
/// Peclet number is S_T h, h the cell width); -bench_ratio r grades every axis geometrically
/// (cell widths grow by r from the origin, mesh/Grading.h) instead of uniformly. Prints cells, wall
/// time, Newton and Krylov iterations, the maximum error at cell centres, |c - c_exact| /
/// max(c_exact, 1e-8) (relative where the profile is resolved), and the solve in work units: its
/// wall time over the time of one application of the assembled operator (MatMult) measured
/// in the same process, the cost measure of multigrid (a textbook multigrid solve takes a few
/// tens of work units). Work units are given twice: from wall time, and from the process's CPU
/// time (std::clock, slowest rank), which other jobs sharing the cores disturb far less; and
/// the set-up's share (solver objects, the Jacobian's storage, the multigrid's coarse meshes
/// and systems) apart: setup[s], and WU_newton, the wall time after it in work units (the
/// Newton solve, with the Jacobian's assembly and the preconditioner's set-up from it).
/// usage: bench_steady DIM N1 [N2 ...] [-bench_soret S] [-bench_ratio r] [PETSc options]
#include <petscmat.h>
#include <petscsys.h>
#include <petsctime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <string>
#include <vector>

#include "bench/SoretBenchmark.h"
#include "bench/WorkUnit.h"
#include "core/HugePages.h"
#include "core/Input.h"
#include "fv/Case.h"
#include "fv/Steady.h"
#include "mesh/Grading.h"

using namespace td;

using bench::cpu_seconds;
using bench::Seconds;
using bench::seconds_per_matmult;

int main(int argc, char** argv) {
  std::vector<int> sizes;
  int dim = 2, i = 1;
  if (argc > 1 && argv[1][0] != '-') dim = std::atoi(argv[i++]);
  for (; i < argc && argv[i][0] != '-'; ++i) sizes.push_back(std::atoi(argv[i]));
  // the thermodrift executable's memory set-up, so that work units compare with its runs
  restart_with_huge_pages(argv);
  keep_freed_memory();
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int size, rank;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  if (sizes.empty()) sizes = dim == 2 ? std::vector<int>{128, 256, 512} : std::vector<int>{32, 64};
  PetscReal S = 5.0, ratio = 1.0;
  PetscOptionsGetReal(nullptr, nullptr, "-bench_soret", &S, nullptr);
  PetscOptionsGetReal(nullptr, nullptr, "-bench_ratio", &ratio, nullptr);
  if (rank == 0)
    std::printf("%-5s %-6s %12s %10s %10s %8s %8s %12s %12s %10s %10s %10s %10s\n", "dim", "ranks",
                "cells", "wall[s]", "cpu[s]", "newton", "krylov", "max_rel_err", "matmult[ms]",
                "WU_wall", "WU_cpu", "setup[s]", "WU_newton");
  // a failed solve ends the run on every rank with its message (not std::terminate)
  try {
    for (int n : sizes) {
      std::array<Axis, 3> axes;
      for (int a = 0; a < 3; ++a) {
        if (a < dim && ratio != 1.0) {
          auto table = InputSection::parse_string(fmt::format(
              "cells = {}\nlength = 1.0\ngrading = \"geometric\"\nratio = {}\n", n, ratio));
          axes[a] = make_axis(table);
        } else {
          axes[a].nodes = uniform_nodes(0.0, 1.0, a < dim ? n : 1);
        }
      }
      {
        // thermodrift run's population of fresh memory, started where it starts it
        std::size_t cells = 1;
        for (int a = 0; a < dim; ++a) cells *= static_cast<std::size_t>(n);
        const auto prefault = start_run_prefault(PETSC_COMM_WORLD, cells, 1);
        Mesh mesh(PETSC_COMM_WORLD, dim, axes, 1);
        const auto bench_system = bench::soret_benchmark(mesh, S);
        FVSystem& sys = *bench_system;
        // as Case::build, outside the solve's time: the ghost exchanges, and the drift's
        // resolution, which its check computes and the steady solver reads (FVSystem keeps it)
        sys.set_up_ghost_exchanges();
        sys.drift_resolution();
        Vec c = sys.create_state();
        sys.initial_state(c);
        SteadyOptions opt;
        MPI_Barrier(PETSC_COMM_WORLD);
        const double cpu0 = cpu_seconds();
        const auto res = solve_steady(sys, c, opt);
        const double cpu = cpu_seconds() - cpu0;
        // error against the exact profile
        Vec ex;
        VecDuplicate(c, &ex);
        PetscScalar* e;
        VecGetArray(ex, &e);
        const auto st = mesh.start(), ct = mesh.count();
        long q = 0;
        for (int k = 0; k < ct[2]; ++k)
          for (int j = 0; j < ct[1]; ++j)
            for (int ii = 0; ii < ct[0]; ++ii) e[q++] = std::exp(-S * mesh.center(0, st[0] + ii));
        VecRestoreArray(ex, &e);
        // relative error where the profile exceeds kErrorFloor (c = 1 at the cold face); below
        // it, at large S_T, the error is absolute over kErrorFloor: the solver's tolerances
        // do not resolve values there, and exp(-S_T x) underflows
        constexpr double kErrorFloor = 1e-8;
        Vec scale;
        VecDuplicate(ex, &scale);
        VecSet(scale, kErrorFloor);
        VecPointwiseMax(scale, ex, scale);
        VecAXPY(c, -1.0, ex);
        VecPointwiseDivide(c, c, scale);
        VecDestroy(&scale);
        PetscReal err;
        VecNorm(c, NORM_INFINITY, &err);
        const Seconds matmult = seconds_per_matmult(sys, c);
        if (rank == 0)
          std::printf(
              "%-5d %-6d %12ld %10.3f %10.3f %8d %8d %12.3e %12.3f %10.1f %10.1f %10.3f %10.1f\n",
              dim, size, mesh.total_cells(), res.seconds, cpu, res.newton_iterations,
              res.krylov_iterations, static_cast<double>(err), 1e3 * matmult.wall,
              res.seconds / matmult.wall, cpu / matmult.cpu, res.setup_seconds,
              (res.seconds - res.setup_seconds) / matmult.wall);
        std::fflush(stdout);
        VecDestroy(&ex);
        VecDestroy(&c);
      }
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_steady: %s\n", e.what());
    MPI_Abort(PETSC_COMM_WORLD, 1);
  }
  PetscFinalize();
  return 0;
}
