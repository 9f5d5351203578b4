#!/usr/bin/env bash
# Installs what the README's commands need, skipping whatever is already there,
# so it is slow once on a fresh machine and quick ever after.
#   setup.sh build   Rust wasm target, trunk, wasm-bindgen, wasm-opt
#   setup.sh test    all of the above, plus Chromium and the e2e packages
# Versions are pinned once, in Trunk.toml; Cargo.lock must agree with it.
set -euo pipefail
cd "$(dirname "$0")/.."

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }
toml_pin() { sed -n "s/^$1 *= *\"=\{0,1\}\([^\"]*\)\"/\1/p" Trunk.toml; }

trunk_version=$(toml_pin trunk-version)
wasm_bindgen_version=$(toml_pin wasm_bindgen)
wasm_opt_version=$(toml_pin wasm_opt | sed 's/^version_//')
# The JavaScript and CSS minifiers of release builds (npm; scripts/minify.mjs).
terser_version=5.51.4
clean_css_version=5.3.3
locked_wasm_bindgen=$(sed -n '/^name = "wasm-bindgen"$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
[ -n "$trunk_version" ] && [ -n "$wasm_bindgen_version" ] && [ -n "$wasm_opt_version" ] ||
  die "Trunk.toml must pin trunk-version, [tools] wasm_bindgen and wasm_opt"
[ "$wasm_bindgen_version" = "$locked_wasm_bindgen" ] ||
  die "Trunk.toml pins wasm-bindgen $wasm_bindgen_version but Cargo.lock has $locked_wasm_bindgen: make them equal"

# Installs a cargo binary unless `$1 --version` already prints the wanted version.
cargo_tool() { # binary crate version [extra cargo-install flags]
  local bin=$1 crate=$2 version=$3
  shift 3
  if "$bin" --version 2>/dev/null | grep -qF " $version"; then return; fi
  say "installing $crate $version (a few minutes, once)"
  cargo install "$crate" --version "$version" --force "$@"
}

setup_build() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  # trunk 0.22 needs a newer rustc than this machine's; 0.21 builds with --locked.
  cargo_tool trunk trunk "$trunk_version" --locked
  # wasm-bindgen-cli's lock names a crate version the registry no longer has: no --locked.
  cargo_tool wasm-bindgen wasm-bindgen-cli "$wasm_bindgen_version"
  # wasm-opt, and the minifiers of the release build's JavaScript and CSS
  # (scripts/minify.mjs, a Trunk hook), in one install: npm removes from
  # .tools whatever a --no-save install does not name.
  if ! .tools/node_modules/.bin/wasm-opt --version 2>/dev/null | grep -q "version_$wasm_opt_version" ||
    ! .tools/node_modules/.bin/terser --version 2>/dev/null | grep -qF " $terser_version" ||
    ! grep -qF "\"version\": \"$clean_css_version\"" .tools/node_modules/clean-css/package.json 2>/dev/null; then
    say "installing wasm-opt (npm binaryen@$wasm_opt_version), terser $terser_version and clean-css $clean_css_version from npm"
    npm install --prefix .tools --no-save --no-audit --no-fund \
      "binaryen@$wasm_opt_version" "terser@$terser_version" "clean-css@$clean_css_version"
  fi
}

setup_test() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium and chromium-driver"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y --no-install-recommends chromium chromium-driver ||
      { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends chromium chromium-driver; }
  fi
  # Reinstall the e2e packages only when their lock file changed.
  local stamp=e2e/node_modules/.lock-stamp
  if [ ! -f "$stamp" ] || ! cmp -s e2e/package-lock.json "$stamp"; then
    say "installing the e2e test packages"
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --prefix e2e --no-audit --no-fund
    cp e2e/package-lock.json "$stamp"
  fi
}

case "${1:-}" in
  build) setup_build ;;
  test) setup_build; setup_test ;;
  *) die "usage: $0 build|test" ;;
esac
