#!/usr/bin/env bash
# Compares the core's throughput benchmarks (sim/benches/throughput.rs) of an
# older commit with the working tree, side by side on this machine: both are
# built as `cargo bench` builds them, then run alternately, one run each per
# round, and the medians and the ratios new/old are printed. Machines are
# noisy; only ratios measured in one run mean anything.
#
#   scripts/bench-compare.sh [OLD_REV] [ROUNDS]     (defaults: 16a1f7b, 5)
#
# Where the code lands in memory moves a build's speed by a few per cent
# either way (measured: a one-line change ran 6 % slower with the compiler's
# 16-byte function alignment and the same speed with functions aligned to 64
# bytes; this repository's native builds align them to 64, see
# .cargo/config.toml, older commits did not). With ALIGNMENTS set to powers
# of two, e.g. ALIGNMENTS="4 5 6", both commits are also built with their
# functions aligned to 2^k bytes (`-C llvm-args=-align-all-functions=k`),
# every build runs in each round, and the ratios are printed per placement
# and as their geometric mean.
set -euo pipefail
cd "$(dirname "$0")/.."
old_rev=${1:-16a1f7b}
rounds=${2:-5}
work=$(mktemp -d)
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# Built "as built": with each commit's own `.cargo/config.toml`; with an
# alignment, RUSTFLAGS (which replaces the config's flags) sets it for both.
bench_binary() { # <source dir> <target dir> [function alignment, log2 bytes]
  (
    cd "$1"
    [[ -n ${3:-} ]] && export RUSTFLAGS="-C llvm-args=-align-all-functions=$3"
    CARGO_TARGET_DIR="$2" cargo bench -q -p sahara-sim --bench throughput --no-run \
      --message-format=json 2>/dev/null
  ) | sed -n 's/.*"executable":"\([^"]*throughput[^"]*\)".*/\1/p' | tail -1
}

git worktree add -q --detach "$work/old" "$old_rev"
layouts=(as-built)
declare -A old new
old[as-built]=$(bench_binary "$work/old" "$work/old-target")
new[as-built]=$(bench_binary . "$PWD/target")
for k in ${ALIGNMENTS:-}; do
  layouts+=("align-$k")
  old[align-$k]=$(bench_binary "$work/old" "$work/old-target-$k" "$k")
  new[align-$k]=$(bench_binary . "$work/new-target-$k" "$k")
done

# Each run prints "... median X M events/s, Y simulated s per wall s" and
# "... median Z M requests/s"; collect X, Y, Z per round.
figures() { SAHARA_BENCH_RUNS=1 "$1" | grep -oE '[0-9.]+ (M events/s|simulated s per wall s|M requests/s)' | awk '{print $1}' | paste -sd' '; }
for ((r = 1; r <= rounds; r++)); do
  for layout in "${layouts[@]}"; do
    echo "$layout old $(figures "${old[$layout]}")" >> "$work/runs"
    echo "$layout new $(figures "${new[$layout]}")" >> "$work/runs"
  done
done
python3 - "$work/runs" "$old_rev" "${layouts[@]}" <<'PY'
import math, statistics, sys
path, old_rev, layouts = sys.argv[1], sys.argv[2], sys.argv[3:]
runs = {}
for line in open(path):
    layout, which, *xs = line.split()
    runs.setdefault((layout, which), []).append([float(x) for x in xs])
names = ["standard, M events/s", "standard, simulated s per wall s", "M/M/4, M requests/s"]
ratios = {name: [] for name in names}
for layout in layouts:
    old, new = runs[(layout, "old")], runs[(layout, "new")]
    title = f"median of {len(old)}" + ("" if layout == "as-built" else f", {layout}")
    print(f"{title:<34} {'old (' + old_rev + ')':>14} {'new':>10} {'new/old':>8}")
    for k, name in enumerate(names):
        o = statistics.median(r[k] for r in old)
        n = statistics.median(r[k] for r in new)
        ratios[name].append(n / o)
        print(f"{name:<34} {o:>14.2f} {n:>10.2f} {n / o:>8.2f}")
if len(layouts) > 1:
    print(f"geometric mean over {len(layouts)} placements")
    for name in names:
        mean = math.exp(statistics.fmean(math.log(x) for x in ratios[name]))
        print(f"{name:<34} {'':>14} {'':>10} {mean:>8.2f}")
PY
