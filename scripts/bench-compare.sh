#!/usr/bin/env bash
# Compares the core's throughput benchmarks (sim/benches/throughput.rs) of an
# older commit with the working tree, side by side on this machine: both are
# built as `cargo bench` builds them, then run alternately, one run each per
# round, and the medians and the ratios new/old are printed. Machines are
# noisy; only ratios measured in one run mean anything.
#
#   scripts/bench-compare.sh [OLD_REV] [ROUNDS]     (defaults: 16a1f7b, 5)
set -euo pipefail
cd "$(dirname "$0")/.."
old_rev=${1:-16a1f7b}
rounds=${2:-5}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

bench_binary() { # <source dir> <target dir>
  (cd "$1" && CARGO_TARGET_DIR="$2" cargo bench -q -p sahara-sim --bench throughput --no-run \
    --message-format=json 2>/dev/null) |
    sed -n 's/.*"executable":"\([^"]*throughput[^"]*\)".*/\1/p' | tail -1
}

git worktree add -q --detach "$work/old" "$old_rev"
old=$(bench_binary "$work/old" "$work/old-target")
new=$(bench_binary . "$PWD/target")

# Each run prints "... median X M events/s, Y simulated s per wall s" and
# "... median Z M requests/s"; collect X, Y, Z per round.
figures() { SAHARA_BENCH_RUNS=1 "$1" | grep -oE '[0-9.]+ (M events/s|simulated s per wall s|M requests/s)' | awk '{print $1}' | paste -sd' '; }
for ((r = 1; r <= rounds; r++)); do
  echo "old $(figures "$old")" >> "$work/runs"
  echo "new $(figures "$new")" >> "$work/runs"
done
python3 - "$work/runs" "$old_rev" <<'PY'
import statistics, sys
runs = {"old": [], "new": []}
for line in open(sys.argv[1]):
    which, *xs = line.split()
    runs[which].append([float(x) for x in xs])
names = ["standard, M events/s", "standard, simulated s per wall s", "M/M/4, M requests/s"]
print(f"{'median of ' + str(len(runs['old'])):<34} {'old (' + sys.argv[2] + ')':>14} {'new':>10} {'new/old':>8}")
for k, name in enumerate(names):
    o = statistics.median(r[k] for r in runs["old"])
    n = statistics.median(r[k] for r in runs["new"])
    print(f"{name:<34} {o:>14.2f} {n:>10.2f} {n / o:>8.2f}")
PY
