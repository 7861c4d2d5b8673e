#!/usr/bin/env bash
# Files in chat in the agent console, end to end: starts a private clamd
# (scripts/clamd.sh: a unix socket in a temporary folder, the EICAR signature
# only), then run.sh with files.test.mjs against a relay that scans with it
# (NATTER_CLAMD reaches the relay through run.sh's environment). clamd is
# stopped on exit, however the script ends.
#
#   tests/console/files.sh                  # builds the relay (cargo build)
#   NATTER_BIN=/path/to/natter tests/console/files.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dir="$(mktemp -d)"
cleanup() {
  "$root/scripts/clamd.sh" stop "$dir" || true
  rm -rf "$dir"
}
trap cleanup EXIT
NATTER_CLAMD="$("$root/scripts/clamd.sh" start "$dir")"
export NATTER_CLAMD
if [ "$#" -eq 0 ]; then set -- files.test.mjs; fi
"$here/run.sh" "$@"
