#!/usr/bin/env bash
# Browser tests of the agent console, end to end, against the console the relay
# itself serves at /console/ (the committed dist/, embedded in the binary: this
# script never builds wasm). Starts the relay on 127.0.0.1:0 with a temporary
# data directory (the demo tenant and its owner are created on first start; a
# second agent, Ann, is added with `natter agent add` before the second), then runs
# the test files in headless Chromium (playwright-core, /usr/bin/chromium). The
# relay is stopped on exit, however the script ends (check-cleanup.sh checks it).
#
#   NATTER_BIN=/path/to/natter tests/console/run.sh    # a relay binary you built
#   tests/console/run.sh                               # builds it (cargo build)
#   tests/console/run.sh bench.mjs                     # the timings of BENCHMARKS.md instead
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
[ -d node_modules/playwright-core ] && [ -d node_modules/@axe-core/playwright ] ||
  npm install --no-fund --no-audit >/dev/null
[ -x /usr/bin/chromium ] || { echo "run.sh: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2; exit 1; }

natter="${NATTER_BIN:-}"
if [ -z "$natter" ]; then
  (cd "$root" && nice -n 10 cargo build -q -p natter-relay --bin natter)
  natter="${CARGO_TARGET_DIR:-$root/target}/debug/natter"
fi
[ -x "$natter" ] || { echo "run.sh: no relay binary at $natter" >&2; exit 1; }

data="$(mktemp -d)"
pids=()
cleanup() {
  "$root/scripts/smtp.sh" stop "$data/smtp" 2>/dev/null || true
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$data"
}
trap cleanup EXIT

# A real SMTP server (aiosmtpd) for the email settings' test email: each message
# it accepts lands in $SMTP_DIR/mail/*.eml.
mkdir -p "$data/smtp"
SMTP_ADDR="$("$root/scripts/smtp.sh" start "$data/smtp")"
export SMTP_ADDR SMTP_DIR="$data/smtp"

export NATTER_DEMO_EMAIL="demo@natter.local" NATTER_DEMO_PASSWORD="demo-password-123"
export ANN_EMAIL="ann@natter.local" ANN_PASSWORD="ann-password-456"

# Starts the relay in this shell (not a subshell: its pid must reach the
# cleanup trap) and sets relay_url once it listens.
start_relay() { # $1: port (0: any), then extra flags
  local port="$1"; shift
  : > "$data/relay.log"
  "$natter" --data-dir "$data" --listen "127.0.0.1:$port" "$@" > "$data/relay.log" 2>&1 &
  relay_pid=$!
  pids+=("$relay_pid")
  relay_url=""
  for _ in $(seq 1 100); do
    relay_url=$(sed -n 's/^natter listening on \(http:\/\/[^ ]*\).*/\1/p' "$data/relay.log" | head -1)
    [ -n "$relay_url" ] && return
    sleep 0.1
  done
  echo "run.sh: relay did not start:" >&2; cat "$data/relay.log" >&2; exit 1
}

# The first start creates the demo tenant and its owner, allowing the relay's
# own origins. The command line may not change a data directory a relay is
# using, so Ann is added between two starts, the second on the same port.
start_relay 0
kill -TERM "$relay_pid" && wait "$relay_pid" || true
printf '%s\n' "$ANN_PASSWORD" | "$natter" --data-dir "$data" agent add --tenant demo --email "$ANN_EMAIL" --name Ann --password-stdin >/dev/null
# The relay's own session timeouts (30 minutes idle): the idle-warning test moves the
# console's clock (Playwright's) instead of waiting, and no other test idles long.
start_relay "${relay_url##*:}"
curl -fsS -o /dev/null "$relay_url/console/" ||
  { echo "run.sh: the relay does not serve /console/ (is dist/console built and embedded?)" >&2; exit 1; }
export RELAY_URL="$relay_url" CONSOLE_URL="$relay_url/console/"
echo "relay $RELAY_URL, console $CONSOLE_URL"
status=0
if [ "$#" -eq 0 ]; then set -- console.test.mjs settings.test.mjs install.test.mjs layout.test.mjs canned.test.mjs desk.test.mjs team.test.mjs invite.test.mjs lazy.test.mjs workspace.test.mjs greetings.test.mjs analytics.test.mjs; fi
node --test --test-concurrency=1 "$@" || status=$?
[ "$status" -eq 0 ] || { echo "--- relay log (tail) ---" >&2; tail -40 "$data/relay.log" >&2; }
exit "$status"
