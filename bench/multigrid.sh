#!/bin/bash
# The multigrid figures of issue 15 in one run: the steady Soret benchmark (bench_steady) in 2D
# at 256^2 to 2048^2 and in 3D at 32^3 to 128^3, on one rank and 2D 1024^2 on two, and the
# multi-state closed cell (bench_multistate) at 256^2 with 2, 4 and 8 states. Each line gives
# wall and CPU time, Newton and Krylov iterations, the error and the solve in work units (one
# work unit: one product with the assembled Jacobian, bench/WorkUnit.h). Not a test; on a
# shared machine compare figures from one run only and read the load printed at the start and
# the end.
#   bench/multigrid.sh [BUILD_DIR] [PETSc options, e.g. -pc_type hypre]
set -euo pipefail
build=${1:-build}
shift || true
mpirun_=(mpirun -n 2 --allow-run-as-root --oversubscribe)
echo "load at start: $(uptime)"
echo "== 2D, 1 rank"
"$build/bench/bench_steady" 2 256 512 1024 2048 "$@"
echo "== 3D, 1 rank"
"$build/bench/bench_steady" 3 32 64 128 "$@" | tail -n +2
echo "== 2D 1024^2, 2 ranks"
"${mpirun_[@]}" "$build/bench/bench_steady" 2 1024 "$@" | tail -n +2
echo "== multi-state closed cell, 256^2, 1 rank"
"$build/bench/bench_multistate" steady 256 2 4 8 "$@"
echo "load at end: $(uptime)"
