#!/usr/bin/env bash
# Adatom thermomigration (Roux and Combe 2023): MD trajectory, thermodynamic integration, Q and E_m.
# Usage: run.sh [path/to/thermodrift]   (NP ranks, default 2; see docs/md.md)
cd "$(dirname "$0")"
source ../pipeline_env.sh "$@"
time mpirun --oversubscribe -np "$NP" "$TD" md md_slab.toml
time mpirun --oversubscribe -np "$NP" "$TD" md md_ti.toml
# the adatom_phi fit takes the substrate profile T_ref + gradient (x - x_ref) that the
# TI run measured: copy its keys from the header of out/ti_phi.dat
keys=$(sed -n 's/^# adatom_phi keys: //p' out/ti_phi.dat | sed 's/, /\n/g')
cat > out/fit_ti.toml <<TOML
[units]
system = "LJ"
lj = "argon"
[output]
file = "out/params.toml"
report = "out/fit_report.json"
[[fit]]
type = "adatom_phi"
name = "adatom"
file = "ti_phi.dat"
x_column = "x0"
y_column = "phi"
bootstrap = 200
$keys
TOML
"$TD" fit out/fit_ti.toml
