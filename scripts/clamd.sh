#!/usr/bin/env bash
# A private clamd for the tests: `scripts/clamd.sh start DIR` writes DIR/clamd.conf
# (a unix socket in DIR, foreground, a signature database of its own holding the
# EICAR test signature, since freshclam cannot reach its servers here), starts
# clamd, waits until it answers PING and prints its address (unix:DIR/clamd.sock)
# for NATTER_TEST_CLAMD. `scripts/clamd.sh stop DIR` stops it by its PID.
# Installs Debian's clamav-daemon if clamd is missing.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
cmd=$1
dir=$2

install_clamd() {
    command -v clamd >/dev/null 2>&1 || [ -x /usr/sbin/clamd ] && return 0
    echo "clamd.sh: installing clamav-daemon" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq clamav-daemon >&2
    # Debian starts its own daemon and updater; the tests use their own clamd.
    $sudo systemctl disable --now clamav-daemon clamav-freshclam >/dev/null 2>&1 || true
}

clamd_bin() {
    command -v clamd 2>/dev/null || echo /usr/sbin/clamd
}

# Answers PONG when clamd is up (python3 speaks the socket; no clamdscan needed).
ping_clamd() {
    python3 - "$dir/clamd.sock" <<'EOF'
import socket, sys
try:
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(2)
    s.connect(sys.argv[1])
    s.sendall(b"zPING\0")
    sys.exit(0 if s.recv(16).startswith(b"PONG") else 1)
except OSError:
    sys.exit(1)
EOF
}

start() {
    install_clamd
    mkdir -p "$dir/db"
    # The EICAR test file's MD5 and size: all the tests need.
    echo '44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature' >"$dir/db/natter-test.hdb"
    cat >"$dir/clamd.conf" <<EOF
LocalSocket $dir/clamd.sock
Foreground yes
DatabaseDirectory $dir/db
PidFile $dir/clamd.pid
TemporaryDirectory $dir
LogFile $dir/clamd.log
# Above the relay's largest upload (max_upload_mb, 25 MB by default).
StreamMaxLength 200M
MaxFileSize 200M
MaxScanSize 400M
EOF
    if [ "$(id -u)" -eq 0 ]; then
        echo "User root" >>"$dir/clamd.conf"
    fi
    "$(clamd_bin)" --config-file="$dir/clamd.conf" >"$dir/clamd.out" 2>&1 &
    echo $! >"$dir/clamd.launcher.pid"
    for _ in $(seq 1 300); do
        if ping_clamd; then
            echo "unix:$dir/clamd.sock"
            return 0
        fi
        if ! kill -0 "$(cat "$dir/clamd.launcher.pid")" 2>/dev/null; then
            echo "clamd.sh: clamd exited:" >&2
            cat "$dir/clamd.out" "$dir/clamd.log" >&2 2>/dev/null || true
            return 1
        fi
        sleep 0.1
    done
    echo "clamd.sh: clamd did not answer PING within 30 s" >&2
    return 1
}

stop() {
    local pid
    for file in "$dir/clamd.pid" "$dir/clamd.launcher.pid"; do
        [ -f "$file" ] || continue
        pid=$(cat "$file")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        rm -f "$file"
    done
}

case $cmd in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
