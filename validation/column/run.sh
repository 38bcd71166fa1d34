#!/usr/bin/env bash
# Run the column validation cases (Yang et al. 2026) and plot each (PNG beside the inputs).
# usage: validation/column/run.sh [path/to/thermodrift]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
td="${1:-$here/../../build/thermodrift}"
cd "$here"
for c in cu_yang_free cu_yang_drag cu_yang_fem_gradient cu_md cu_md_phonon_Q cu_linear_regime; do
  "$td" column "$c.toml" --json > "$c.json"
  /usr/bin/python3 ../plot_column.py "$c.csv" "${c}_profile.csv" "$c.png" "$c"
  echo "$c: $(/usr/bin/python3 -c "import json; b=json.load(open('$c.json'))['base']; print(f\"sigma_c = {b['sigma_c_Pa']/1e6:.4g} MPa, v = {b['speed_m_per_s']*1e9:.4g} nm/s\")")"
done
