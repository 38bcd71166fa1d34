#!/usr/bin/env bash
# Replicas in parallel: `parallel_replicas = true` on 2 ranks runs the two eHEX replicas at once,
# one per rank (MPI_Comm_split), and writes byte for byte the profiles of the sequential run on
# one rank with the same seeds. A LAMMPS error in one replica, or a LAMMPS library that one
# rank cannot load, ends both ranks with the message, a non-zero exit and no "wrote".
# usage: test_parallel_replicas.sh THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
set -u
bin=$1
shift
mpiexec=("$@")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
write_case() {
  cat > "$1" <<TOML
[units]
system = "LJ"
lj = "argon"
[md]
type = "ehex_mixture"
equilibration_steps = 100
seed = 31
cold_slab = [2.0, 5.0]
hot_slab = [10.0, 13.0]
heat_rate = 5.0
bin_width = 2.0
gradient_steps = 100
production_steps = 200
blocks = 2
replicas = 2
parallel_replicas = $2
[md.system]
box = [6.0, 6.0, 16.0]
n_solvent = 280
n_solute = 20
TOML
}
write_case seq.toml false
write_case par.toml true
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

timeout 300 "$bin" md seq.toml -o seq/ -q > seq.log 2>&1 || { cat seq.log; fail "sequential run"; }
timeout 300 "${mpiexec[@]}" -np 2 "$bin" md par.toml -o par/ -q > par.log 2>&1 ||
  { cat par.log; fail "parallel run"; }
for f in r0_temp.chunk r0_solute.chunk r1_temp.chunk r1_solute.chunk; do
  [ -s "seq/$f" ] || fail "sequential run did not write $f"
  cmp -s "seq/$f" "par/$f" || fail "$f differs between the sequential and the parallel run"
  grep -q "wrote par/$f" par.log || fail "no 'wrote par/$f'"
done
# the two replicas ran at once, each on one rank: each log says 1 MPI task
for r in r0 r1; do
  grep -q "1 by 1 by 1 MPI processor grid" "par/${r}_log.lammps" ||
    fail "replica $r did not run on a single rank"
done
# different seeds: different profiles
cmp -s par/r0_solute.chunk par/r1_solute.chunk && fail "replicas 0 and 1 are identical"

# A failure on rank 1 only, injected with THERMODRIFT_FAULT=$1 ($2 names it in messages), into
# output directory $3: both ranks end, non-zero and without hanging, with no "wrote" line and
# with each pattern that follows in the output (kept in $3.log).
expect_failure() {
  local fault=$1 what=$2 out=$3 t0 status pattern
  shift 3
  t0=$(date +%s)
  THERMODRIFT_FAULT=$fault timeout 120 "${mpiexec[@]}" -x THERMODRIFT_FAULT \
    -np 2 "$bin" md par.toml -o "$out/" -q > "$out.log" 2>&1
  status=$?
  [ "$status" -ne 0 ] || fail "$what: exit status 0"
  [ "$status" -ne 124 ] || fail "$what: hung"
  for pattern in "$@"; do
    grep -q "$pattern" "$out.log" || fail "$what: '$pattern' missing"
  done
  grep -q "^wrote" "$out.log" && fail "$what: a 'wrote' line after a failure"
  echo "$what: exit $status after $(($(date +%s) - t0)) s"
}
# a LAMMPS error in the replica of rank 1 only: LAMMPS's ERROR line and the replica's log
expect_failure lammps_command@1:lammps_error "error in one replica" err \
  "ERROR: Unknown command" "err/r1_log.lammps"
# the LAMMPS library cannot be loaded on rank 1 only (md/Lammps.h loads it at run time)
expect_failure lammps_load@1:missing "LAMMPS not loadable on one rank" load \
  "cannot load the LAMMPS library libthermodrift-no-such-lammps.so.0"
[ "$failures" -eq 0 ] || { echo "--- err.log"; cat err.log; echo "--- load.log"; cat load.log; exit 1; }
echo "parallel replicas: identical to the sequential run; one-replica error ends both ranks"
