#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 92-piv-start: `ovpn-token start` with a PIV card in a reader, through OpenSC's piv driver
# (tests/lib/piv.sh), in a real terminal:
#   a) the authentication certificate (9A) chosen by itself, the PIN prompt names OpenSC's token,
#      Connected; the card verified the PIN once and signed with 9A
#   b) a forced reconnect (SIGUSR1 to openvpn): Connected again, no prompt, no new VERIFY
#   c) the card taken out: "Token removed: tunnel down", state TOKEN_REMOVED, openvpn held
#   d) the card put back: the PIN asked again (the card forgot it), Connected
# With --no-external-key: openvpn's own PKCS#11 support on the card (start's own choice on
# OpenSC's module is the external key, whose side of this is in 90 c) and 93).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/piv.sh
. "$(dirname "$0")/../lib/piv.sh"
piv_init "$@"
require_ovpn_token

piv_card_up 123456 9a:client1:rsa
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT" "$OPENSC_LIB"
status_is() { grep -qx "state=$1" "$T/status" 2>/dev/null; }

log "a) start"
pty_start "$OVPN_TOKEN" start --no-external-key --status-file "$T/status" --log "$T/client.log" "$T/client.conf"
pty_expect_text "Using the only certificate: client1 (issuer Test CA" 30
pty_expect_text "PIN for token 'client1':" 30
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "a: the server did not verify client1"
grep -Fq "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \"piv_II/PKCS\\\\x2315\\\\x20emulated/" "$T/client.log" \
    || fail "a: OpenVPN did not get the PIV card's id"
[ "$(piv_verifies)" = 1 ] || fail "a: $(piv_verifies) PINs reached the card, expected 1"
grep -q "virt_piv: key 9A: RSA 2048 .* signature" "$T/virt_piv.log" || fail "a: the card did not sign"
if pty_screen | grep -Fq "$SC_PIN"; then fail "a: the PIN is visible on screen"; fi

log "b) a forced reconnect"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "b: no openvpn process found while connected"
kill -USR1 "$ovpn_pid"
pty_expect_text "Reconnecting (SIGUSR1)" 10
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 30 || fail "b: not connected again$(pty_ended_note)"
[ "$(pty_count "PIN for token")" = 1 ] || fail "b: the PIN was asked again after the reconnect"
[ "$(piv_verifies)" = 1 ] || fail "b: the reconnect sent the PIN to the card again"

log "c) the card taken out"
server_log_mark "$T"
kill -USR1 "$SC_CARD_PID"
pty_expect_text "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)" 5 \
    "c: no word of the removal"
wait_until 3 status_is TOKEN_REMOVED || fail "c: status file: not state=TOKEN_REMOVED"
wait_until 5 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset"' \
    || fail "c: the server still has its client after the removal"
pid_alive "$ovpn_pid" || fail "c: openvpn was killed instead of held"

log "d) the card put back"
kill -USR2 "$SC_CARD_PID"
pty_wait_count "PIN for token 'client1':" 2 30 || fail "d: the PIN was not asked again$(pty_ended_note)"
pty_type "$SC_PIN"
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 3 30 || fail "d: not connected again$(pty_ended_note)"
wait_until 5 status_is CONNECTED || fail "d: status file: not state=CONNECTED"
[ "$(piv_verifies)" = 2 ] || fail "d: $(piv_verifies) PINs reached the card, expected 2"
pty_send_keys C-c
pty_expect_exit 0 20
piv_strict
pass
