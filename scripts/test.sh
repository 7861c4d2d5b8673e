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

step "formatting (cargo fmt --check)"
cargo fmt --all --check

step "clippy, native (warnings are errors)"
cargo clippy --quiet --workspace --all-targets -- -D warnings

step "clippy, wasm32: protocol, widget and console build for the browser"
cargo clippy --quiet -p natter-protocol -p natter-browser -p natter-widget -p natter-console-kit -p natter-agent-console -p natter-console-admin --target wasm32-unknown-unknown -- -D warnings

step "clamd for the files tests (scripts/clamd.sh; installs clamav-daemon if missing)"
clamd_dir=$(mktemp -d)
smtp_dir=$(mktemp -d)
trap 'scripts/clamd.sh stop "$clamd_dir"; scripts/smtp.sh stop "$smtp_dir"; rm -rf "$clamd_dir" "$smtp_dir"' EXIT
NATTER_TEST_CLAMD=$(scripts/clamd.sh start "$clamd_dir")
export NATTER_TEST_CLAMD

step "an SMTP server for the email tests (scripts/smtp.sh; installs aiosmtpd in a venv if missing)"
NATTER_TEST_SMTP=$(scripts/smtp.sh start "$smtp_dir")
NATTER_TEST_MAILDIR="$smtp_dir/mail"
export NATTER_TEST_SMTP NATTER_TEST_MAILDIR

step "unit, property and integration tests (real SQLite, real sockets, kill -9, real clamd)"
cargo test --workspace

step "browser tests (scripts/test-web.sh)"
scripts/test-web.sh

step "all tests passed"
