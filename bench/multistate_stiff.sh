#!/bin/bash
# Robustness check for the multi-state preconditioner (issue 15): the closed Soret cell of
# bench_multistate (2D N x N, T = 1 + x, states i = 0..n-1 with energies 0.4 i, entropies
# 0.3 i, diffusivities 0.1 (1 + i)^2) with fast transitions, solved by `thermodrift run`
# with the default preconditioner and with the PETSc options given. Each case prints the
# solver's summary line (Newton and Krylov iterations, final residual) or its error, and the
# number of linear solves that failed on the way. Not a test: a candidate smoother should
# solve every case the default solves, with no more linear-solve failures.
#   bench/multistate_stiff.sh [BUILD_DIR] [PETSc options, e.g. -mg_levels_ksp_type richardson]
# Cases (N, states, prefactor, barrier above the higher end state, chain or all pairs):
#   base    128 8 1e3  2.8  chain   (slow transitions)
#   fast8   128 8 1e8  0.1  chain
#   full8   128 8 1e10 0.1  all pairs
#   vfast8  128 8 1e12 0    chain
#   vfast3  128 3 1e12 0    chain
# The output of each run goes to a scratch folder, removed at the end.
set -uo pipefail
build=${1:-build}
shift || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
timeout_s=${TIMEOUT:-120}

write_case() {  # N STATES PREFACTOR BARRIER PAIRS(chain|all) FILE
  local n=$1 ns=$2 pref=$3 bar=$4 pairs=$5 f=$6
  {
    printf '[units]\nsystem = "LJ"\nlj = "argon"\n[mesh]\ndim = 2\n'
    printf '[mesh.x]\ncells = %s\nlength = 1.0\n[mesh.y]\ncells = %s\nlength = 1.0\n' "$n" "$n"
    printf '[temperature]\ntype = "linear"\nT_ref = 1.0\ngradient = [1.0, 0.0]\n'
    printf '[solver]\nmode = "steady"\n[[species]]\nname = "P"\nalpha = 1.0\n'
    printf '[species.initial]\nvalue = 1.0\n'
    for ((i = 0; i < ns; ++i)); do
      awk -v i="$i" 'BEGIN { printf "[[species.states]]\nname = \"s%d\"\nenergy = %g\n" \
        "entropy = %g\n[species.states.diffusivity]\nvalue = %g\n", i, 0.4 * i, 0.3 * i,
        0.1 * (1 + i) * (1 + i) }'
    done
    for ((i = 0; i < ns; ++i)); do
      for ((j = i + 1; j < ns; ++j)); do
        [[ $pairs == chain && $j -ne $((i + 1)) ]] && continue
        awk -v i="$i" -v j="$j" -v b="$bar" -v p="$pref" 'BEGIN { printf \
          "[[species.transitions]]\nfrom = \"s%d\"\nto = \"s%d\"\nbarrier = %g\n" \
          "prefactor = %s\n", i, j, 0.4 * j + b, p }'
      done
    done
  } > "$f"
}

run_case() {  # NAME FILE [options]
  local name=$1 f=$2
  shift 2
  local out
  out=$(timeout "$timeout_s" "$build/thermodrift" run "$f" -o "$tmp/out.h5" -q \
    -snes_converged_reason "$@" 2>&1)
  local rc=$?
  rm -f "$tmp"/out.h5*
  local failed
  failed=$(grep -c "DIVERGED_LINEAR_SOLVE" <<< "$out")
  local summary
  summary=$(grep -E "^steady state|error" <<< "$out" | head -1 | cut -c1-160)
  [[ $rc -eq 124 ]] && summary="timed out after ${timeout_s} s"
  printf '%-7s %-8s failed linear solves %3d | %s\n' "$name" "${*:+options}" "$failed" "$summary"
}

echo "load at start: $(uptime)"
echo "options: ${*:-(none)}"
while read -r name n ns pref bar pairs; do
  write_case "$n" "$ns" "$pref" "$bar" "$pairs" "$tmp/$name.toml"
  run_case "$name" "$tmp/$name.toml"
  [[ $# -gt 0 ]] && run_case "$name" "$tmp/$name.toml" "$@"
done << 'EOF'
base 128 8 1e3 2.8 chain
fast8 128 8 1e8 0.1 chain
full8 128 8 1e10 0.1 all
vfast8 128 8 1e12 0 chain
vfast3 128 3 1e12 0 chain
EOF
echo "load at end: $(uptime)"
