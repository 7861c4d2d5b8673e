#!/usr/bin/env bash
# Runs the console's browser tests end to end: builds the relay and the console,
# starts the relay as a child process on port 0 with a temporary data directory
# (the demo tenant and agent are created on first start; a second agent is added
# with `natter agent add`), then runs console.test.mjs in headless Chromium.
# If the relay serves /console itself (dist built by `cargo xtask dist`), that is
# what is tested; otherwise the console built by build.sh is served by serve.mjs
# in front of the relay on one origin.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
[ -d node_modules/playwright-core ] || npm install --no-fund --no-audit >/dev/null
[ -x /usr/bin/chromium ] || { echo "run.sh: /usr/bin/chromium is missing (apt-get install -y chromium)" >&2; exit 1; }

if [ -f "$root/xtask/src/main.rs" ] && grep -q console "$root/xtask/src/main.rs" 2>/dev/null; then
  (cd "$root" && nice -n 10 cargo xtask dist)
fi
(cd "$root" && nice -n 10 cargo build -q -p natter-relay)
natter="${CARGO_TARGET_DIR:-$root/target}/debug/natter"

data="$(mktemp -d)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$data"
}
trap cleanup EXIT

export NATTER_DEMO_EMAIL="demo@natter.local" NATTER_DEMO_PASSWORD="demo-password-123"
export ANN_EMAIL="ann@natter.local" ANN_PASSWORD="ann-password-456"

start_relay() { # $@: extra flags
  "$natter" --data-dir "$data" --listen 127.0.0.1:0 "$@" > "$data/relay.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^natter listening on \(http:\/\/[^ ]*\).*/\1/p' "$data/relay.log" | head -1)
    [ -n "$url" ] && { echo "$url"; return; }
    sleep 0.1
  done
  echo "run.sh: relay did not start:" >&2; cat "$data/relay.log" >&2; exit 1
}

# A one-minute idle timeout lets the idle-warning test run in about a minute.
relay_url=$(start_relay --session-idle-minutes 1)
export RELAY_URL="$relay_url"
if curl -fsS -o /dev/null "$relay_url/console/"; then
  export CONSOLE_URL="$relay_url/console/"
else
  dist="$("$here/build.sh" "$here/out/console" | tail -1)"
  node serve.mjs "$dist" "$relay_url" > "$data/front.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 50); do
    front=$(sed -n 's/^front listening on \(http:\/\/[^ ]*\).*/\1/p' "$data/front.log" | head -1)
    [ -n "$front" ] && break
    sleep 0.1
  done
  export CONSOLE_URL="$front/console/"
fi
printf '%s\n' "$ANN_PASSWORD" | "$natter" --data-dir "$data" agent add --tenant demo --email "$ANN_EMAIL" --name Ann --password-stdin >/dev/null
echo "relay $RELAY_URL, console $CONSOLE_URL"
node --test --test-concurrency=1 console.test.mjs
