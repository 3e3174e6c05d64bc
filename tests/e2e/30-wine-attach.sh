#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 30-wine-attach: the Windows build (ovpn-token.exe under wine) manages a real Linux OpenVPN.
# OpenVPN runs as an admin would start it for attach (management on 127.0.0.1:PORT with a
# password file, management-query-passwords, management-hold, pkcs11-id-management, a SoftHSM2
# token); the exe reaches it over Winsock.  In a tmux pty, which wine turns into a console:
#   a) --pin-file: the only certificate is chosen (CryptoAPI parsed its BLOB), the PIN sent,
#      "Connected to"; Ctrl-C detaches with status 0 and leaves openvpn running.
#   b) the PIN typed at the console (no echo): it is not on the screen, the tunnel comes up.
# Run by `make windows-test`, which sets OVPN_TOKEN_EXE; without it, or without wine: SKIP (exit 77).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../win32/wine-env.sh
. "$(dirname "$0")/../win32/wine-env.sh"

# 77: the runner reports SKIP, not PASS.
if [ -z "${OVPN_TOKEN_EXE:-}" ]; then echo "SKIP: OVPN_TOKEN_EXE not set (make windows-test runs this)"; exit 77; fi
if ! command -v wine >/dev/null; then echo "SKIP: wine not installed"; exit 77; fi
[ -f "$OVPN_TOKEN_EXE" ] || { echo "OVPN_TOKEN_EXE=$OVPN_TOKEN_EXE does not exist" >&2; exit 1; }

tb_init
# tb_cleanup exits with the status it finds in $?: keep the test's own, not wine_prefix_down's.
trap 'rc=$?; wine_prefix_down; (exit $rc); tb_cleanup' EXIT
wine_prefix_up "$T" || fail "cannot set up a wine prefix"

PIN=123456
bed_up "Test Token" "$PIN" client1
printf 's3cret-Pw\n' > "$T/mgmt.pw"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/mgmt.pw" "$T/pin"

# start_client MGMT_PORT LOG
start_client() {
    openvpn --config "$T/client.conf" --log "$2" \
        --management 127.0.0.1 "$1" "$T/mgmt.pw" \
        --management-query-passwords --management-hold --pkcs11-id-management &
    TB_PIDS+=("$!")
    CLIENT_PID=$!
    wait_for "$2" "MANAGEMENT: TCP Socket listening" 15 || fail "openvpn client management not listening"
}

# wine maps Linux paths to the Z: drive; the exe is given Windows paths, as a user would.
winpath() { printf 'Z:%s' "${1//\//\\}"; }

# Wine's console output may hold terminal control sequences; the screen text is what counts.
log "a) --pin-file"
mport=$(free_port)
start_client "$mport" "$T/client.log"
pty_start env WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="$WINEDLLOVERRIDES" \
    wine "$OVPN_TOKEN_EXE" attach --management-password-file "$(winpath "$T/mgmt.pw")" \
    --pin-file "$(winpath "$T/pin")" "127.0.0.1:$mport"
pty_expect_text "Using the only certificate: client1" 60
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "server did not verify client1"
if pty_screen | grep -Fq "s3cret-Pw"; then fail "the management password is visible on screen"; fi
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
pid_alive "$CLIENT_PID" || fail "openvpn ended when attach was stopped (attach must leave it running)"
kill "$CLIENT_PID"
wait_until 10 pid_gone "$CLIENT_PID" || fail "openvpn did not stop"
wait_listening "$PORT"

log "b) PIN typed at the wine console"
mport=$(free_port)
start_client "$mport" "$T/client2.log"
pty_start env WINEPREFIX="$WINEPREFIX" WINEDEBUG=-all WINEDLLOVERRIDES="$WINEDLLOVERRIDES" \
    wine "$OVPN_TOKEN_EXE" attach --management-password-file "$(winpath "$T/mgmt.pw")" \
    "127.0.0.1:$mport"
pty_expect_text "PIN for token 'Test Token':" 60
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected after the typed PIN"
if pty_screen | grep -Fq "$PIN"; then fail "the PIN was echoed"; fi
pty_send_keys C-c
pty_expect_exit 0 20
pass
