#!/usr/bin/env bash
# Checks that run.sh leaves no relay behind, however its tests end (issue 10,
# item 17): runs it on a test file that passes at once, with TMPDIR set to a
# scratch directory of this check's own (so the relay's --data-dir names it),
# then looks for a process still using that directory.
#
#   NATTER_BIN=/path/to/natter tests/console/check-cleanup.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
printf 'import { test } from "node:test";\ntest("nothing", () => {});\n' > "$scratch/noop.test.mjs"
TMPDIR="$scratch" "$here/run.sh" "$scratch/noop.test.mjs" > "$scratch/run.log" 2>&1 ||
  { cat "$scratch/run.log" >&2; echo "check-cleanup: run.sh failed" >&2; exit 1; }
left=$(pgrep -f -- "--data-dir $scratch/" || true)
if [ -n "$left" ]; then
  echo "check-cleanup: run.sh left its relay running (pid $left); stopping it" >&2
  kill $left 2>/dev/null || true
  exit 1
fi
echo "check-cleanup: ok, run.sh left no relay behind"
