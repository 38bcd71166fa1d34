/// Timed driver: multi-state species (issue 3 benchmark).
///  steady  N [STATES...]   2D N x N closed Soret cell (T = 1 + x), one species with the given
///                          numbers of states (default 2) in a chain of barrier transitions;
///                          prints cells, states, unknowns, wall time, Newton and Krylov
///                          iterations, the departure from local equilibrium and the solve in
///                          work units (bench/WorkUnit.h), from wall and from CPU time.
///  transient N STATES T_END  the same cell from a uniform start, integrated to T_END.
/// PETSc options go last (e.g. -pc_type hypre, -cvode_pc_type gamg).
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <petscsys.h>

#include "bench/WorkUnit.h"
#include "core/HugePages.h"
#include "fv/Case.h"
#include "fv/Steady.h"
#include "fv/Transient.h"

using namespace td;

namespace {

/// States i = 0..n-1 with energies 0.4 i, entropies 0.3 i and diffusivities 0.1 (1 + i)^2,
/// chained by transitions of barrier 0.4 n and prefactor 1e3 (LJ units, T from 1 to 2).
std::string cell(int N, int nstates, const std::string& mode, double t_end) {
  std::string t = fmt::format(R"([units]
system = "LJ"
lj = "argon"
[mesh]
dim = 2
[mesh.x]
cells = {0}
length = 1.0
[mesh.y]
cells = {0}
length = 1.0
[temperature]
type = "linear"
T_ref = 1.0
gradient = [1.0, 0.0]
[solver]
mode = "{1}"
[solver.transient]
t_end = {2}
rtol = 1e-6
atol = 1e-10
[[species]]
name = "P"
alpha = 1.0
[species.initial]
value = 1.0
)", N, mode, t_end);
  for (int i = 0; i < nstates; ++i)
    t += fmt::format("[[species.states]]\nname = \"s{}\"\nenergy = {}\nentropy = {}\n"
                     "[species.states.diffusivity]\nvalue = {}\n",
                     i, 0.4 * i, 0.3 * i, 0.1 * (1 + i) * (1 + i));
  for (int i = 0; i + 1 < nstates; ++i)
    t += fmt::format("[[species.transitions]]\nfrom = \"s{}\"\nto = \"s{}\"\nbarrier = {}\n"
                     "prefactor = 1e3\n", i, i + 1, 0.4 * nstates);
  return t;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args;
  for (int i = 1; i < argc && argv[i][0] != '-'; ++i) args.emplace_back(argv[i]);
  // the thermodrift executable's memory set-up, so that work units compare with its runs
  restart_with_huge_pages(argv);
  keep_freed_memory();
  PetscInitialize(&argc, &argv, nullptr, nullptr);
  int size, rank;
  MPI_Comm_size(PETSC_COMM_WORLD, &size);
  MPI_Comm_rank(PETSC_COMM_WORLD, &rank);
  const std::string mode = args.empty() ? "steady" : args[0];
  const int N = args.size() > 1 ? std::atoi(args[1].c_str()) : 256;
  try {
    if (mode == "steady") {
      std::vector<int> states;
      for (std::size_t i = 2; i < args.size(); ++i) states.push_back(std::atoi(args[i].c_str()));
      if (states.empty()) states = {2};
      if (rank == 0)
        std::printf("%-6s %10s %7s %10s %10s %10s %7s %7s %12s %12s %9s %9s\n", "ranks", "cells",
                    "states", "unknowns", "wall[s]", "cpu[s]", "newton", "krylov", "max|dlnP|",
                    "matmult[ms]", "WU_wall", "WU_cpu");
      for (int ns : states) {
        auto cs = Case::from_string(PETSC_COMM_WORLD, cell(N, ns, "steady", 0.0), "bench");
        FVSystem& sys = cs->system();
        Vec c = sys.create_state();
        sys.initial_state(c);
        MPI_Barrier(PETSC_COMM_WORLD);
        const double cpu0 = bench::cpu_seconds();
        const auto res = solve_steady(sys, c, cs->run().steady);
        const double cpu = bench::cpu_seconds() - cpu0;
        const bench::Seconds matmult = bench::seconds_per_matmult(sys, c);
        Vec obs = sys.group_observables(c);
        // largest |S_eff - S_eq| is the local-equilibrium departure per unit T
        PetscReal dmax = 0.0;
        {
          Vec d;
          VecDuplicate(obs, &d);
          VecCopy(obs, d);
          PetscScalar* a;
          PetscInt n;
          VecGetLocalSize(d, &n);
          VecGetArray(d, &a);
          for (PetscInt i = 0; i < n; i += 3) a[i + 1] -= a[i + 2];
          VecRestoreArray(d, &a);
          VecStrideNorm(d, 1, NORM_INFINITY, &dmax);
          VecDestroy(&d);
        }
        if (rank == 0)
          std::printf("%-6d %10ld %7d %10ld %10.3f %10.3f %7d %7d %12.3e %12.3f %9.1f %9.1f\n",
                      size, cs->mesh().total_cells(), ns, cs->mesh().total_cells() * ns,
                      res.seconds, cpu, res.newton_iterations, res.krylov_iterations,
                      static_cast<double>(dmax), 1e3 * matmult.wall, res.seconds / matmult.wall,
                      cpu / matmult.cpu);
        std::fflush(stdout);
        VecDestroy(&obs);
        VecDestroy(&c);
      }
    } else {
      const int ns = args.size() > 2 ? std::atoi(args[2].c_str()) : 4;
      const double t_end = args.size() > 3 ? std::atof(args[3].c_str()) : 0.1;
      auto cs = Case::from_string(PETSC_COMM_WORLD, cell(N, ns, "transient", t_end), "bench");
      FVSystem& sys = cs->system();
      Vec c = sys.create_state();
      sys.initial_state(c);
      MPI_Barrier(PETSC_COMM_WORLD);
      const double t0 = MPI_Wtime();
      TransientSolver ts(sys, c, 0.0, cs->run().transient);
      ts.advance(t_end, c);
      const double wall = MPI_Wtime() - t0;
      const auto st = ts.stats();
      if (rank == 0)
        std::printf(
            "ranks %d cells %ld states %d unknowns %ld t_end %g: wall %.3f s, %ld steps, "
            "%ld Newton, %ld Krylov, %ld preconditioner set-ups, %ld rhs + %ld for "
            "Jacobian products, %ld Jacobian products, last step %.3e\n",
            size, cs->mesh().total_cells(), ns, cs->mesh().total_cells() * ns, t_end, wall,
            st.steps, st.nonlinear_iters, st.linear_iters, st.prec_setups, st.rhs_evals,
            st.rhs_evals_for_products, st.jacobian_products, st.last_step);
      VecDestroy(&c);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_multistate: %s\n", e.what());
    PetscFinalize();
    return 1;
  }
  PetscFinalize();
  return 0;
}
