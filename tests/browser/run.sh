#!/usr/bin/env bash
# Runs the visitor widget's browser tests end to end: the relay binary (NATTER_BIN, else a
# debug build of it) serves the committed dist/ embedded in it; the tests start relays on
# 127.0.0.1:0 with temporary data dirs (lib.mjs, so one can be killed and restarted on
# the same port and data dir) and drive the system Chromium with playwright-core.
# Never builds wasm nor runs `cargo xtask dist`: CI tests what is committed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
[ -d node_modules/playwright-core ] && [ -d node_modules/ws ] && [ -d node_modules/@axe-core/playwright ] \
  || npm ci --no-fund --no-audit >/dev/null
[ -x /usr/bin/chromium ] || { echo "run.sh: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2; exit 1; }
if [ -z "${NATTER_BIN:-}" ]; then
  (cd "$root" && cargo build -q -p natter-relay --bin natter)
  NATTER_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/natter"
fi
[ -x "$NATTER_BIN" ] || { echo "run.sh: relay binary $NATTER_BIN is missing" >&2; exit 1; }
export NATTER_BIN
mkdir -p out
if [ $# -gt 0 ]; then files=("$@"); else files=(widget.test.mjs restart.test.mjs queue.test.mjs crosssite.test.mjs forgotten.test.mjs files.test.mjs quickreplies.test.mjs reach.test.mjs csat.test.mjs); fi
exec node --test --test-concurrency=1 "${files[@]}"
