#!/usr/bin/env bash
# Builds the agent console the way `cargo xtask dist` does for the widget, into
# $1 (default: tests/console/out/console): release cdylib -> wasm-bindgen --target web
# -> npm binaryen wasm-opt -Oz, with index.html from agent-console/. Used by run.sh
# when the relay does not serve /console yet, and to measure the transfer size.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${1:-$here/out/console}"
target="${CARGO_TARGET_DIR:-/work/target-console}"
mkdir -p "$out"
[ -x "$here/node_modules/.bin/wasm-opt" ] || (cd "$here" && npm install --no-fund --no-audit >/dev/null)
command -v wasm-bindgen >/dev/null || {
  version=$(grep -A1 '^name = "wasm-bindgen"$' "$root/Cargo.lock" | sed -n 's/version = "\(.*\)"/\1/p')
  cargo install wasm-bindgen-cli --version "$version"
}
# Size-first profile for the browser build (the workspace release profile is tuned
# for the relay): fat LTO, one codegen unit, opt-level z, abort on panic. Not
# stripped by cargo (wasm-bindgen needs the target_features section); wasm-opt
# strips names and producers afterwards.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 \
  CARGO_PROFILE_RELEASE_PANIC=abort
(cd "$root" && CARGO_TARGET_DIR="$target" nice -n 10 cargo build -q -p natter-agent-console --release --target wasm32-unknown-unknown)
wasm-bindgen --target web --no-typescript --out-dir "$out" "$target/wasm32-unknown-unknown/release/natter_agent_console.wasm"
"$here/node_modules/.bin/wasm-opt" -Oz --strip-debug --strip-producers \
  -o "$out/natter_agent_console_bg.wasm" "$out/natter_agent_console_bg.wasm"
cp "$root/agent-console/index.html" "$out/index.html"
echo "$out"
