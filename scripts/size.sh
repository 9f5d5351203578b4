#!/usr/bin/env bash
# Prints the gzipped size of the built wasm + js (with its snippets) + css in dist/ and fails above
# the budget (KB), so growth is noticed when it happens.
set -euo pipefail
cd "$(dirname "$0")/.."
budget_kb=${SIZE_BUDGET_KB:-400}
total=0
for f in dist/*.wasm dist/*.css $(find dist -name '*.js' | sort); do
  [ -e "$f" ] || continue
  raw=$(wc -c <"$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf '%-48s %9d B raw %9d B gzipped\n' "$(basename "$f")" "$raw" "$gz"
done
awk -v t="$total" -v b="$budget_kb" 'BEGIN { printf "total gzipped (wasm + js + css): %d B = %.1f KB (budget %d KB)\n", t, t / 1024, b }'
[ "$total" -le $((budget_kb * 1024)) ] || { echo "over the size budget" >&2; exit 1; }
