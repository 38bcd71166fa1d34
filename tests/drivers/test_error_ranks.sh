#!/usr/bin/env bash
# An error on one MPI rank ends the run on every rank with its message (rank and cause) and a
# non-zero exit within seconds; an error on every rank is printed once; no result file (final
# or partial) is left. Faults are injected with THERMODRIFT_FAULT (core/Fault.h).
# usage: test_error_ranks.sh THERMODRIFT MPIEXEC [MPIEXEC_FLAGS...]
set -u
bin=$1
shift
mpiexec=("$@")
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir" || exit 1
cat > case.toml <<'TOML'
[mesh]
dim = 2
[mesh.x]
cells = 16
length = "1 mm"
[mesh.y]
cells = 8
length = "1 mm"
[temperature]
type = "linear"
T_ref = 290.0
gradient = ["20 K/mm", 0.0, 0.0]
[[species]]
name = "solute"
[species.diffusivity]
value = 1e-9
[species.soret]
value = 0.05
[species.initial]
value = 1.0e24
TOML
failures=0
# run NAME FAULT PATTERN...: run on 2 ranks with THERMODRIFT_FAULT=FAULT; expect a non-zero
# exit within the time limit, every PATTERN in the output, and no out.h5 / out.h5.partial.
run() {
  local name=$1 fault=$2
  shift 2
  rm -f out.h5 out.h5.partial
  local t0 status
  t0=$(date +%s%N)
  THERMODRIFT_FAULT=$fault timeout 60 "${mpiexec[@]}" -x THERMODRIFT_FAULT -np 2 "$bin" run case.toml \
    -o out.h5 -q > log.txt 2>&1
  status=$?
  local ms=$((($(date +%s%N) - t0) / 1000000))
  local ok=1
  [ "$status" -ne 0 ] || { echo "$name: exit status 0"; ok=0; }
  [ "$status" -ne 124 ] || { echo "$name: hung (killed by timeout)"; ok=0; }
  [ "$ms" -lt 10000 ] || { echo "$name: took $ms ms (limit 10 s)"; ok=0; }
  for p in "$@"; do
    grep -q -- "$p" log.txt || { echo "$name: output lacks '$p'"; ok=0; }
  done
  [ ! -e out.h5 ] || { echo "$name: out.h5 exists"; ok=0; }
  [ ! -e out.h5.partial ] || { echo "$name: out.h5.partial left"; ok=0; }
  if [ $ok -eq 1 ]; then
    echo "$name: ok (exit $status, $ms ms)"
  else
    failures=$((failures + 1))
    sed 's/^/    | /' log.txt
  fi
}
run "error on rank 1 only" "steady_solved@1" "error on rank 1 of 2" "injected fault at steady_solved"
run "error on rank 0 only" "steady_solved@0" "error on rank 0 of 2" "injected fault at steady_solved"
run "error on every rank" "steady_solved" "thermodrift: error: injected fault at steady_solved"
# every rank failed with the same message: printed once, and no rank aborts the others
if [ "$(grep -c "injected fault" log.txt)" -ne 1 ] || grep -q "other ranks did not fail" log.txt; then
  echo "error on every rank: not reported exactly once as a common error"
  sed 's/^/    | /' log.txt
  failures=$((failures + 1))
fi
# control: without a fault the same run succeeds and writes its file
rm -f out.h5
if "${mpiexec[@]}" -np 2 "$bin" run case.toml -o out.h5 -q > log.txt 2>&1 && [ -s out.h5 ]; then
  echo "no fault: ok"
else
  echo "no fault: the run failed"
  sed 's/^/    | /' log.txt
  failures=$((failures + 1))
fi
echo "$((4 - failures)) passed, $failures failed"
[ $failures -eq 0 ]
