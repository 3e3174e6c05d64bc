#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 31-wine-launcher: win32/ovpn-token.cmd, the launcher a desktop shortcut runs, under wine's cmd:
# it passes its arguments to ovpn-token.exe beside it and returns its exit status; after a
# success the window may close at once, after a failure it says so and waits for a key.
# Run by `make windows-test` (OVPN_TOKEN_EXE set); otherwise SKIP.
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
if [ -z "${OVPN_TOKEN_EXE:-}" ]; then echo "SKIP: OVPN_TOKEN_EXE not set (make windows-test runs this)"; exit 77; fi
if ! command -v wine >/dev/null; then echo "SKIP: wine not installed"; exit 77; fi
tb_init
top=$(cd "$(dirname "$0")/../.." && pwd)
export WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

# The launcher finds the exe in its own folder, as in an installed copy.
mkdir -p "$T/app"
cp "$OVPN_TOKEN_EXE" "$T/app/ovpn-token.exe"
cp "$top/win32/ovpn-token.cmd" "$T/app/ovpn-token.cmd"
launcher=$(winepath -w "$T/app/ovpn-token.cmd" 2>/dev/null)
[ -n "$launcher" ] || fail "winepath cannot name the launcher"

run_launcher() { # NAME ARGS...: output in $T/NAME.out, status in $RC; stdin closed (a key press)
    local name=$1; shift
    RC=0
    timeout 60 wine cmd /c "$launcher" "$@" </dev/null >"$T/$name.out" 2>&1 || RC=$?
    tr -d '\r' <"$T/$name.out" >"$T/$name.txt"
}

log "a) success: the arguments reach the exe, status 0, no 'press a key'"
run_launcher ok --version
[ "$RC" = 0 ] || fail "--version through the launcher: status $RC: $(cat "$T/ok.txt")"
grep -q '^ovpn-token [0-9]' "$T/ok.txt" || fail "no version line: $(cat "$T/ok.txt")"
if grep -q "Press a key" "$T/ok.txt"; then fail "the launcher waits after a success"; fi

log "b) failure: the exe's status comes back and the window waits with a message"
port=$(free_port)
run_launcher bad attach "127.0.0.1:$port"
[ "$RC" != 124 ] || fail "the launcher hangs after a failure"
[ "$RC" = 4 ] || fail "attach to a closed port through the launcher: status $RC, expected 4: $(cat "$T/bad.txt")"
grep -q "ovpn-token ended with status 4.  Press a key to close this window." "$T/bad.txt" \
    || fail "no message before the pause: $(cat "$T/bad.txt")"
grep -q "cannot reach the management interface" "$T/bad.txt" || fail "the exe's own message is missing"
pass
