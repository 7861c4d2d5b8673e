#!/usr/bin/env bash
# The browser half of the test command: checks that the committed dist/ matches its
# sources, then runs the widget and console suites in headless Chromium against
# the relay binary (which embeds dist/). Builds no wasm: dist/ is built by
# `cargo xtask dist` and committed.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { printf '\n== %s (%ss)\n' "$*" "$SECONDS"; }

step "web toolchain (Chromium, npm packages)"
scripts/setup-web-toolchain.sh

step "dist/ is fresh (cargo xtask check-dist)"
cargo xtask check-dist

step "relay binary"
cargo build --quiet -p natter-relay --bin natter
export NATTER_BIN="${CARGO_TARGET_DIR:-$PWD/target}/debug/natter"

# files.sh: the console's files tests, with a private clamd of their own.
for suite in tests/browser/run.sh tests/console/run.sh tests/console/files.sh; do
  step "$suite"
  "$suite"
done
