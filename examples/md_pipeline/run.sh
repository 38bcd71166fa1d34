#!/usr/bin/env bash
# MD -> fit -> continuum, one pipeline (see docs/md.md). Usage: run.sh [path/to/thermodrift]
set -euo pipefail
cd "$(dirname "$0")"
TD=${1:-../../build/thermodrift}
NP=${NP:-2}
mkdir -p out
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
time mpirun --oversubscribe -np "$NP" "$TD" md md_ehex.toml
time mpirun --oversubscribe -np "$NP" "$TD" md md_msd.toml
"$TD" fit fit.toml
"$TD" run continuum.toml
/usr/bin/python3 plot.py
