#!/usr/bin/env bash
# MD -> fit -> continuum, one pipeline (see docs/md.md). Usage: run.sh [path/to/thermodrift]
cd "$(dirname "$0")"
source ../pipeline_env.sh "$@"
time mpirun --oversubscribe -np "$NP" "$TD" md md_ehex.toml
time mpirun --oversubscribe -np "$NP" "$TD" md md_msd.toml
"$TD" fit fit.toml
"$TD" run continuum.toml
/usr/bin/python3 plot.py
