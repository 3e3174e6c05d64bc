#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 79-opensc-serve: Linux without root, with a real card. Root runs `ovpn-token serve office`
# for a config whose provider is OpenSC; anna, an ordinary user in the group, has the card in
# the reader (tests/lib/smartcard.sh: OpenSC, pcscd, the virtual card) and runs `connect office`
# in her own terminal:
#   a) her ovpn-token, not root's openvpn, opens the card: OpenSC's token name in her prompt,
#      Connected, the server saw her certificate; root's openvpn never loaded a PKCS#11 module
#      and never saw the PIN
#   b) the card taken out: "Token removed: tunnel down", the server loses its client, root's
#      openvpn holds (not killed), serve says nobody is connected but anna still holds it
#   c) the card put back: her PIN asked again, Connected again
#   d) Ctrl-C: the tunnel goes down, openvpn holds for the next connect
# The same on 2.6 and 2.7.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
if [ -z "${OVT_SERVE_NAMESPACE:-}" ]; then
    why=$(sc_missing)
    [ -z "$why" ] || sc_skip "$why"
fi
# One namespace for both beds: serve's /run/ovpn-token and the card's pcscd, vpcd and loopback.
SERVE_UNSHARE=--net serve_bed_init "$@"
export SC_NAMESPACE=$$
sc_namespace_setup

serve_user anna member
ANNA=$(user_of anna)
PKI_DAYS=400 sc_card_up 12345678 anna
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT" "$OPENSC_LIB"
DIR=/run/ovpn-token/office

log "a) serve office as root; anna connects with the card"
serve_start office
OVPN_PID=$(serve_openvpn_pid office)
grep -qx "provider=$OPENSC_LIB" "$DIR/serve" || fail "a: serve does not announce OpenSC: $(cat "$DIR/serve")"
server_log_mark "$T"
serve_pty_connect anna office
pty_expect_text "PIN for token 'anna':" 40 "a: no PIN prompt naming OpenSC's token"
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 40 "a: anna is not connected"
server_log_since "$T" | grep -q "CN=anna" || fail "a: the server did not see anna's certificate"
CONNECT_PID=$(pty_connect_pid)
[ -n "$CONNECT_PID" ] || fail "a: no ovpn-token in the pty"
grep -q "opensc-pkcs11" "/proc/$CONNECT_PID/maps" || fail "a: anna's ovpn-token did not load OpenSC"
if grep -Eq 'opensc-pkcs11|softhsm|/pkcs11/' "/proc/$OVPN_PID/maps"; then
    fail "a: root's openvpn loaded a PKCS#11 module"
fi
for what in cmdline environ; do
    tr '\0' '\n' < "/proc/$OVPN_PID/$what" | grep -Fq -- "$SC_PIN" && fail "a: the PIN is in openvpn's $what"
done
grep -Fq -- "$SC_PIN" "$T/serve.log" && fail "a: the PIN is in root's log"

log "b) the card taken out"
server_log_mark "$T"
kill -USR1 "$SC_CARD_PID"
pty_expect_text "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)" 3 \
    "b: no word of the removal within 3 s"
wait_until 5 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset|client-instance (exiting|restarting)"' \
    || fail "b: the server still has its client after the removal"
pid_alive "$OVPN_PID" || fail "b: root's openvpn was killed instead of held"
[ "$(serve_openvpn_pid office)" = "$OVPN_PID" ] || fail "b: serve started another openvpn"
wait_until 5 grep -qx "state=TOKEN_REMOVED" "$DIR/holder" || fail "b: holder file: $(cat "$DIR/holder")"
grep -qx "user=$ANNA" "$DIR/holder" || fail "b: anna no longer holds office: $(cat "$DIR/holder")"
sleep 3
if pty_screen | tail -n 5 | grep -q "Connected to"; then fail "b: connected again without the card"; fi
[ "$(pty_count "PIN for token 'anna':")" = 1 ] || fail "b: the PIN was asked with the card out"

log "c) the card put back: the PIN again, Connected"
server_log_mark "$T"
kill -USR2 "$SC_CARD_PID"
pty_wait_count "PIN for token 'anna':" 2 40 || fail "c: the PIN was not asked again$(pty_ended_note)"
pty_type "$SC_PIN"
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 40 || fail "c: not connected again$(pty_ended_note)"
server_log_since "$T" | grep -q "CN=anna" || fail "c: the server did not see anna again"
wait_until 5 grep -qx "state=CONNECTED" "$DIR/holder" || fail "c: holder file: $(cat "$DIR/holder")"

log "d) Ctrl-C: the tunnel goes down, openvpn holds"
pty_send_keys C-c
pty_expect_exit 0 15
pty_has_text "office is down: root's openvpn waits for the next ovpn-token connect office" \
    || fail "d: connect does not say that the tunnel is down"
wait_until 5 grep -qx "state=HOLD" "$DIR/serve" || fail "d: serve file: $(cat "$DIR/serve")"
pid_alive "$OVPN_PID" || fail "d: openvpn ended (expected: held)"
pty_stop
pass
