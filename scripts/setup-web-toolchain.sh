#!/usr/bin/env bash
# Installs what the browser tests and the web build need, skipping what is there:
# Chromium (Debian's), the npm packages of tests/browser and tests/console
# (playwright-core, axe-core, lighthouse, npm binaryen's wasm-opt, terser) and, with
# `--dist` (only for `cargo xtask dist`), the wasm32 target and the wasm-bindgen
# CLI at exactly the version Cargo.lock pins.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

if [ ! -x /usr/bin/chromium ]; then
  echo "setup: installing Chromium (apt)"
  apt_install chromium chromium-driver fonts-noto-color-emoji fonts-thai-tlwg
fi
command -v node >/dev/null || { echo "setup: installing Node.js (apt)"; apt_install nodejs npm; }

for dir in tests/browser tests/console; do
  if [ -f "$dir/package.json" ] && { [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; }; then
    echo "setup: npm ci in $dir"
    (cd "$dir" && npm ci --no-fund --no-audit --loglevel=error)
  fi
done

if [ "${1:-}" = "--dist" ]; then
  rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
  want=$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"/\1/p')
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    echo "setup: installing wasm-bindgen-cli $want (about 5 minutes)"
    # Without --locked: its lockfile pins a webpki-roots the registry lacks.
    cargo install wasm-bindgen-cli --version "$want"
  fi
fi
