#!/usr/bin/env bash
# The main job: install what is missing, build, run the default example, plot it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
mkdir -p out
build/thermodrift run examples/soret_cell_2d.toml -o out/soret_cell_2d.h5
/usr/bin/python3 validation/plot_case.py out/soret_cell_2d.h5 out/soret_cell_2d.png
