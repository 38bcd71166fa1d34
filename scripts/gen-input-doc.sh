#!/usr/bin/env sh
# Regenerate docs/input.md from the key declarations in the code (`thermodrift keys
# --markdown`), or with --check compare the committed file with the generated text (the CTest
# test input_doc_up_to_date) and fail on any difference.
#   scripts/gen-input-doc.sh [--check] [BINARY]     (BINARY defaults to build/thermodrift)
set -eu
cd "$(dirname "$0")/.."
check=0
if [ "${1:-}" = "--check" ]; then
  check=1
  shift
fi
bin="${1:-build/thermodrift}"
tmp="$(mktemp)"
trap 'rm -f "$tmp"' EXIT
"$bin" keys --markdown > "$tmp"
if [ "$check" = 1 ]; then
  if ! diff -u docs/input.md "$tmp"; then
    echo "docs/input.md differs from '$bin keys --markdown': run scripts/gen-input-doc.sh" >&2
    exit 1
  fi
else
  cp "$tmp" docs/input.md
  echo "wrote docs/input.md"
fi
