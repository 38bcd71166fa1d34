# Sourced by the example pipelines (examples/*/run.sh) from their own folder: strict mode,
# TD = the thermodrift binary (first argument, default ../../build/thermodrift), NP = MPI
# ranks (default 2), the out/ folder, and Open MPI allowed to run as root.
set -euo pipefail
TD=${1:-../../build/thermodrift}
NP=${NP:-2}
mkdir -p out
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
