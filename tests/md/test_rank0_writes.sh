#!/usr/bin/env bash
# The files that the adatom set-ups write on rank 0 themselves (adatom_slab's trajectory header,
# adatom_ti's phi.dat) fail on every rank: on 2 ranks a failed write (injected with
# THERMODRIFT_FAULT=md_result_write, core/Fault.h) ends the run with the message as an error of
# all ranks, a non-zero exit within the time limit and no .partial left. Rank 0 threw alone
# while the other rank went on into LAMMPS or the commit's barrier, and the run was ended as
# an error that one rank found alone.
# usage: test_rank0_writes.sh THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
set -u
bin=$1
shift
mpiexec=("$@")
failures=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
# write_case FILE TYPE KEYS: a tiny set-up of TYPE on the built-in LJ slab, with the further
# [md] keys KEYS
write_case() {
  cat > "$1" <<TOML
[md]
type = "$2"
T_hot = 0.3
T_cold = 0.05
hot_width = 3.0
cold_width = 3.0
equilibration_steps = 200
sample_every = 10
bin_width = 1.0
$3
[md.system]
cells_x = 16
cells_y = 2
layers = 4
frozen_layers = 1
[units]
system = "LJ"
lj = "argon"
[output]
prefix = "out/"
TOML
}
write_case slab.toml adatom_slab "production_steps = 200
dump_every = 100
blocks = 1"
write_case ti.toml adatom_ti "scan_length = 0.6
windows = 2
window_equilibration_steps = 100
window_steps = 100
blocks = 2
fit_margin = 0.5"
for c in slab ti; do
  rm -rf out
  THERMODRIFT_FAULT=md_result_write timeout 120 "${mpiexec[@]}" -x THERMODRIFT_FAULT -np 2 \
    "$bin" md "$c.toml" > log.txt 2>&1
  status=$?
  ok=1
  [ "$status" -ne 0 ] || { echo "$c: exit status 0"; ok=0; }
  [ "$status" -ne 124 ] || { echo "$c: hung (killed by timeout)"; ok=0; }
  grep -q "thermodrift: error: injected fault at md_result_write" log.txt ||
    { echo "$c: not an error of every rank"; ok=0; }
  ! grep -q "did not fail with it" log.txt || { echo "$c: rank 0 failed alone"; ok=0; }
  ! ls out/*.partial > /dev/null 2>&1 || { echo "$c: .partial left: $(ls out)"; ok=0; }
  if [ $ok -eq 1 ]; then
    echo "$c: ok (exit $status)"
  else
    failures=$((failures + 1))
    cat log.txt
  fi
done
exit $failures
