#!/usr/bin/env bash
# A real SMTP server for the email tests: `scripts/smtp.sh start DIR [DELAY_MS]`
# installs aiosmtpd in a venv (tests/smtp/.venv, from tests/smtp/requirements.txt)
# if it is missing, starts tests/smtp/sink.py on a free loopback port, which
# writes every message it accepts to DIR/mail/*.eml, and prints its address
# (127.0.0.1:PORT) for NATTER_TEST_SMTP. `scripts/smtp.sh stop DIR` stops it
# by its PID.
set -euo pipefail

usage() { echo "usage: $0 start DIR [DELAY_MS] | stop DIR" >&2; exit 2; }
[ $# -ge 2 ] || usage
cmd=$1
dir=$2
delay=${3:-0}
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="$root/tests/smtp/.venv"

install_aiosmtpd() {
    [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null && return 0
    echo "smtp.sh: installing aiosmtpd in $venv" >&2
    if ! python3 -c 'import ensurepip' 2>/dev/null; then
        # Debian splits venv support out of python3.
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
        $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >&2
    fi
    python3 -m venv "$venv" >&2
    "$venv/bin/pip" install -q -r "$root/tests/smtp/requirements.txt" >&2
}

start() {
    install_aiosmtpd
    mkdir -p "$dir/mail"
    rm -f "$dir/port"
    "$venv/bin/python" "$root/tests/smtp/sink.py" "$dir/mail" "$dir/port" "$delay" >"$dir/smtp.log" 2>&1 &
    echo $! >"$dir/smtp.pid"
    for _ in $(seq 1 200); do
        if [ -s "$dir/port" ]; then
            echo "127.0.0.1:$(cat "$dir/port")"
            return 0
        fi
        if ! kill -0 "$(cat "$dir/smtp.pid")" 2>/dev/null; then
            echo "smtp.sh: the SMTP server exited:" >&2
            cat "$dir/smtp.log" >&2
            return 1
        fi
        sleep 0.05
    done
    echo "smtp.sh: the SMTP server did not start within 10 s" >&2
    return 1
}

stop() {
    [ -f "$dir/smtp.pid" ] || return 0
    local pid
    pid=$(cat "$dir/smtp.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    rm -f "$dir/smtp.pid"
}

case $cmd in
    start) start ;;
    stop) stop ;;
    *) usage ;;
esac
