#!/usr/bin/env bash
# Upload throughput and the relay's memory during uploads (BENCHMARKS.md,
# "Files"): the release `natter` on a temporary data directory with a private
# clamd (scripts/clamd.sh), N uploads of SIZE_MB each by an agent with curl,
# one at a time, while /proc/<pid>/status is sampled every 10 ms.
# Usage: scripts/bench-files.sh [SIZE_MB] [N]   (defaults 20 and 5)
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb=${1:-20}
n=${2:-5}
target=${CARGO_TARGET_DIR:-target}
cargo build --quiet --release -p natter-relay --bin natter
natter="$target/release/natter"
work=$(mktemp -d)
clamd_dir="$work/clamd"
mkdir -p "$clamd_dir"
cleanup() {
    [ -n "${relay_pid:-}" ] && kill "$relay_pid" 2>/dev/null || true
    scripts/clamd.sh stop "$clamd_dir"
    rm -rf "$work"
}
trap cleanup EXIT
clamd=$(scripts/clamd.sh start "$clamd_dir")
data="$work/data"
export NATTER_DATA_DIR=$data NATTER_NO_DEMO=true NATTER_LOG=warn
"$natter" tenant add bench --name Bench --origin http://127.0.0.1 >/dev/null
echo "bench-password-1" | "$natter" agent add --tenant bench --email a@bench.test --name A --role owner --password-stdin >/dev/null
: >"$work/out"
"$natter" --listen 127.0.0.1:0 --clamd "$clamd" --max-upload-mb 100 >"$work/out" 2>&1 &
relay_pid=$!
for _ in $(seq 1 100); do grep -q "listening on" "$work/out" && break; sleep 0.1; done
addr=$(sed -n 's/.*listening on http:\/\/\([^ ]*\).*/\1/p' "$work/out" | head -1)
token=$(curl -s "http://$addr/v1/agent/login" -H 'Content-Type: application/json' \
    -d '{"tenant":"bench","email":"a@bench.test","password":"bench-password-1"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
# The tenant takes files up to 100 MB (its default is 10).
curl -s "http://$addr/v1/admin/settings" -H "Authorization: Bearer $token" |
    python3 -c 'import json,sys; s=json.load(sys.stdin); s["files"]["max_mb"]=100; print(json.dumps(s))' |
    curl -s -o /dev/null -X PUT "http://$addr/v1/admin/settings" -H "Authorization: Bearer $token" \
        -H 'Content-Type: application/json' --data-binary @-
rss() { awk '/VmRSS/ {print $2}' "/proc/$relay_pid/status"; }
echo "relay RSS at rest: $(rss) KiB"
run() { # kind, file
    local kind=$1 file=$2 peak=0 sampler
    ( while :; do awk '/VmRSS/ {print $2}' "/proc/$relay_pid/status"; sleep 0.01; done ) >"$work/rss.$kind" &
    sampler=$!
    for i in $(seq 1 "$n"); do
        # A different last byte each time: every upload is new content.
        printf '%08d' "$i" | dd of="$file" bs=1 seek=$(( size_mb * 1000000 - 8 )) conv=notrunc status=none
        curl -s -o "$work/answer" -w "$kind $i: %{http_code} %{time_total} s %{speed_upload} B/s\n" \
            -H "Authorization: Bearer $token" --data-binary "@$file" \
            "http://$addr/v1/uploads?name=big.$kind"
    done
    kill "$sampler"
    peak=$(sort -n "$work/rss.$kind" | tail -1)
    echo "$kind: peak relay RSS during the uploads: $peak KiB"
}
# Plain text (checked as UTF-8 to the end) and a PDF (random bytes after its header).
python3 -c "import sys; sys.stdout.write(('natter benchmark line of text\n' * ($size_mb * 1000000 // 30 + 1))[:$size_mb * 1000000])" >"$work/big.txt"
{ printf '%%PDF-1.4\n'; head -c $(( size_mb * 1000000 - 9 )) /dev/urandom; } >"$work/big.pdf"
run txt "$work/big.txt"
run pdf "$work/big.pdf"
echo "relay RSS after: $(rss) KiB"
