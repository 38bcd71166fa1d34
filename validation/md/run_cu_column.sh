#!/usr/bin/env bash
# Reduced EAM Cu column run (cu_column_reduced.toml) and its plot: back stress (MPa vs ps),
# temperature profile (K vs nm), interfacial density (atoms/nm^2 vs nm) into
# out/cu_column.png. About 30 min on 2 ranks of a shared 2-core machine.
# usage: run_cu_column.sh [THERMODRIFT]  (default: ../../build/thermodrift)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exe=${1:-$here/../../build/thermodrift}
cd "$here"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
start=$(date +%s)
nice -n 10 mpirun -np 2 "$exe" md cu_column_reduced.toml -o out/cu_column_
echo "run cost: $(( $(date +%s) - start )) s wall on 2 ranks"
/usr/bin/python3 plot_cu_column.py out/cu_column_ out/cu_column.png
