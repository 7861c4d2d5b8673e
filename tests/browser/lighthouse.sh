#!/usr/bin/env bash
# Lighthouse (performance, mobile defaults) on the demo storefront with and without the
# chat loader, against a relay on port 0 serving the committed dist/: prints total
# blocking time and transferred bytes of each page, and the loader's share. The binary
# is NATTER_BIN, else a debug build. Reports go to out/lighthouse-*.json.
# Usage: tests/browser/lighthouse.sh [runs per page, default 3]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$here"
runs="${1:-3}"
[ -x node_modules/.bin/lighthouse ] || npm ci --no-fund --no-audit >/dev/null
if [ -z "${NATTER_BIN:-}" ]; then
  (cd "$root" && cargo build -q -p natter-relay --bin natter)
  NATTER_BIN="${CARGO_TARGET_DIR:-$root/target}/debug/natter"
fi
data="$(mktemp -d)"
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT
NATTER_DEMO_EMAIL=demo@natter.local NATTER_DEMO_PASSWORD=demo-password-123 \
  "$NATTER_BIN" --data-dir "$data" serve --listen 127.0.0.1:0 > "$data/relay.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 100); do
  url=$(sed -n 's/^natter listening on \(http:\/\/[^ ]*\).*/\1/p' "$data/relay.log" | head -1)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { echo "lighthouse.sh: relay did not start" >&2; cat "$data/relay.log" >&2; exit 1; }
mkdir -p out
export CHROME_PATH=/usr/bin/chromium
for page in with:/ without:/examples/storefront-plain.html; do
  name="${page%%:*}"
  for i in $(seq 1 "$runs"); do
    node_modules/.bin/lighthouse "$url${page#*:}" --quiet --only-categories=performance \
      --chrome-flags="--headless=new --no-sandbox" --output=json --output-path="out/lighthouse-$name-$i.json"
  done
done
node --input-type=module -e '
import { readFileSync } from "node:fs";
const runs = Number(process.argv[1]);
const pick = (name) => Array.from({ length: runs }, (_, i) => JSON.parse(readFileSync(`out/lighthouse-${name}-${i + 1}.json`, "utf8")));
const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const row = {};
for (const name of ["with", "without"]) {
  const r = pick(name);
  const audits = r.map((x) => x.audits);
  const items = r[0].audits["network-requests"].details.items;
  row[name] = {
    version: r[0].lighthouseVersion,
    tbt_ms: median(audits.map((a) => a["total-blocking-time"].numericValue)),
    transferred_bytes: median(audits.map((a) => a["total-byte-weight"].numericValue)),
    requests: items.length,
    performance: median(r.map((x) => x.categories.performance.score * 100)),
    lcp_ms: Math.round(median(audits.map((a) => a["largest-contentful-paint"].numericValue))),
    chat_requests: items.filter((i) => /embed\.js|\/v1\/widget\//.test(i.url)).map((i) => `${new URL(i.url).pathname} ${i.transferSize} B`),
  };
}
console.log(JSON.stringify(row, null, 1));
console.log(`loader cost: +${row.with.transferred_bytes - row.without.transferred_bytes} bytes transferred, TBT ${row.with.tbt_ms} ms vs ${row.without.tbt_ms} ms (median of ${runs} runs each)`);
' "$runs"
