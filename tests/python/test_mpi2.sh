#!/usr/bin/env bash
# thermodrift.run on 2 MPI ranks (mpi4py communicator) writes the same result as
# `thermodrift run` on 2 ranks. usage: test_mpi2.sh BINARY SOURCE_DIR MPIEXEC...
set -eu
bin=$1
src=$2
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
if ! /usr/bin/python3 -c "import mpi4py" 2>/dev/null; then
  echo "python3-mpi4py not installed: skipped"
  exit 0
fi
"$@" -np 2 "$bin" run "$src/examples/soret_cell_2d.toml" -o "$work/cli.h5" -q
cd "$work"
"$@" -np 2 /usr/bin/python3 "$src/tests/python/mpi_run.py" "$src/examples/soret_cell_2d.toml" \
  "$work/py.h5" "$work/cli.h5"
