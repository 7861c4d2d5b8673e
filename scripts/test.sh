#!/usr/bin/env bash
# Runs every Natter test from a clean clone, installing what it needs first
# (skipping what is already there). This is the README's test command and what
# CI (.ci/run) calls.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

step "toolchain: wasm32 target"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

step "protocol builds for wasm32"
cargo build --quiet -p natter-protocol --target wasm32-unknown-unknown

step "clippy (warnings are errors)"
cargo clippy --quiet -p natter-protocol -p natter-relay -p natter-agent-console --all-targets -- -D warnings

step "unit, property and integration tests (real SQLite, real sockets, kill -9)"
cargo test --workspace

for extra in scripts/test-web.sh; do
  if [ -x "$extra" ]; then
    step "$extra"
    "$extra"
  fi
done

step "all tests passed"
