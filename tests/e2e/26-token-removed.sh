#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 26-token-removed: the token taken out of the reader while connected takes the tunnel down
# (--on-removal disconnect, the default): openvpn held, not ended; the PIN wiped; the status file
# says TOKEN_REMOVED. Put back, the PIN is asked again (or read from its source) and the tunnel
# comes up. The token is SoftHSM2 behind the flag shim (tests/tools/flag_shim.c), which takes it
# "out of the reader" while a file exists, for openvpn and ovpn-token alike: no PC/SC reader, so
# ovpn-token looks every 2 s (tests/e2e/7x show the reader's own events on the virtual card).
#   a) a person, pkcs11-helper mode: removed -> down, back -> PIN asked again -> Connected
#   b) --batch with --pin-file: back -> the PIN from the file again -> Connected
#   c) --external-key: the same through ovpn-token's own signer
#   d) --on-removal keep: the tunnel stays up
#   e) the token out when openvpn starts, the config naming its pkcs11-id: Ctrl-C at OpenVPN's
#      "Please insert" is the person cancelling (exit 5), not a wrong id (7) nor openvpn's key
#      failure (3)
# e2e-timeout: 180
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
make_pki "$T" client1
make_token "$T" "Test Token" "$PIN" client1
PORT=$(free_port)
start_server "$T" "$PORT"
build_flag_shim
export FLAG_SHIM_ABSENT_FILE=$T/token-out
write_client_config "$T" "$PORT" "$T/flag_shim.so"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

status_is() { grep -qx "state=$1" "$T/status" 2>/dev/null; }
take_out() { touch "$FLAG_SHIM_ABSENT_FILE"; OUT_AT=$SECONDS; }
put_back() { rm -f "$FLAG_SHIM_ABSENT_FILE"; }

# removed_and_back NAME: the token out, the tunnel down, openvpn still running and holding.
removed() {
    local name=$1 pid
    pid=$(pty_openvpn_pid)
    [ -n "$pid" ] || fail "$name: no openvpn while connected"
    take_out
    pty_expect_text "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)" 10 \
        "$name: the removal was not said"
    log "$name: the tunnel went down $((SECONDS - OUT_AT)) s after the token went"
    wait_until 5 status_is TOKEN_REMOVED || fail "$name: status file: $(cat "$T/status")"
    pid_alive "$pid" || fail "$name: openvpn ended; it should hold"
    wait_until 10 grep -q "MANAGEMENT: CMD 'signal \"SIGUSR1\"'" "$T/$name.log" \
        || fail "$name: openvpn was not told to take the tunnel down"
    sleep 3
    # Held: no reconnect while the token is out.
    if pty_screen | tail -n 3 | grep -q "^Connected"; then fail "$name: connected without the token"; fi
    # The restart that takes the tunnel down is ours: not "Reconnecting", as if it were coming back.
    if pty_screen | grep -q "Reconnecting (SIGUSR1)"; then fail "$name: 'Reconnecting' after the removal"; fi
}

log "a) a person: removed, back, the PIN asked again"
pty_start "$OVPN_TOKEN" start --status-file "$T/status" --log "$T/a.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
removed a
put_back
pty_expect_text "is back: reconnecting" 10 "a: the token's return was not seen"
pty_wait_count "PIN for token 'Test Token':" 2 30 || fail "a: the PIN was not asked again"
pty_type "$PIN"
pty_wait_count "^Connected to 127\.0\.0\.1:$PORT" 2 30 || fail "a: not connected again"
wait_until 5 status_is CONNECTED || fail "a: status file: $(cat "$T/status")"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "b) --batch: back, the PIN from its source again"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --status-file "$T/status" \
    --log "$T/b.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "b: not connected"
removed b
put_back
pty_wait_count "^Connected to 127\.0\.0\.1:$PORT" 2 40 || fail "b: not connected again"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "c) --external-key: the same through ovpn-token's signer"
pty_start "$OVPN_TOKEN" start --external-key --status-file "$T/status" --log "$T/c.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected"
removed c
put_back
pty_wait_count "PIN for token 'Test Token':" 2 30 || fail "c: the PIN was not asked again"
pty_type "$PIN"
pty_wait_count "^Connected to 127\.0\.0\.1:$PORT" 2 30 || fail "c: not connected again"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "d) --on-removal keep: the tunnel stays"
pty_start "$OVPN_TOKEN" start --on-removal keep --batch --pin-file "$T/pin" --log "$T/d.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "d: not connected"
take_out
sleep 5
if pty_has_text "Token removed"; then fail "d: the tunnel went down with --on-removal keep"; fi
if grep -q "MANAGEMENT: CMD 'signal \"SIGUSR1\"'" "$T/d.log"; then fail "d: openvpn was signalled"; fi
put_back
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "e) Ctrl-C at OpenVPN's Please insert"
id=$("$OVPN_TOKEN" list --provider "$T/flag_shim.so" --json | sed -n 's/.*"pkcs11_id": "\(.*\)"$/\1/p' | sed 's/\\\\/\\/g')
[ -n "$id" ] || fail "e: no id from list"
cp "$T/client.conf" "$T/fixed.conf"
printf "pkcs11-id '%s'\n" "$id" >> "$T/fixed.conf"
take_out
pty_start "$OVPN_TOKEN" start --log "$T/e.log" "$T/fixed.conf"
pty_expect_text "Please insert Test Token token. Press Enter to continue, Ctrl-C to cancel:" 20
pty_send_keys C-c
pty_expect_exit 5 20
pty_expect_text "Cancelled." 2
if pty_has_text "names no certificate"; then fail "e: the config's pkcs11-id was blamed"; fi
if pty_has_text "private key password verification failed"; then fail "e: OpenVPN's echo was shown as the cause"; fi
put_back
pass
