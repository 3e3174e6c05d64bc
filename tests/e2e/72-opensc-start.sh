#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 72-opensc-start: `ovpn-token start` with a card in a reader, through OpenSC (tests/lib/smartcard.sh).
# The only certificate is chosen by itself, the PIN prompt names the token the way OpenSC names it
# (the certificate's CN, client1), the PIN typed into a real terminal logs in on the card and the
# tunnel comes up; then a forced reconnect (SIGUSR1 to openvpn) comes back to Connected without a
# new prompt.  Twice: a) as start does it by itself on OpenSC's module (ovpn-token signs as
# openvpn's external key: openvpn loads no PKCS#11 module, -v says why), b) with
# --no-external-key (openvpn's own PKCS#11 support: the id and the PIN go to openvpn).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
expires=$(cert_expiry "$T" client1)

# connect_in_terminal LOG [OPTION...]: start in the terminal until Connected with client1: the only
# certificate chosen by itself, the PIN typed once and never shown.
connect_in_terminal() {
    local log=$1; shift
    pty_start "$OVPN_TOKEN" start "$@" --log "$log" "$T/client.conf"
    pty_expect_text "Using the only certificate: client1 (issuer Test CA, expires $expires)" 30
    pty_expect_text "PIN for token 'client1':" 30
    pty_type "$SC_PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
    grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "the server did not verify client1"
    if pty_screen | grep -Fq "$SC_PIN"; then fail "the PIN is visible on screen"; fi
}

log "a) start chooses the external key on OpenSC's module"
connect_in_terminal "$T/xkey.log" -v
pty_has_text "ovpn-token signs for openvpn (OpenSC reads the card at each load" \
    || fail "-v does not say that ovpn-token signs because of OpenSC"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found while connected"
proc_args "$ovpn_pid" | grep -qx -- "--management-external-key" || fail "openvpn without --management-external-key"
if proc_args "$ovpn_pid" | grep -q -- "pkcs11"; then fail "openvpn got a PKCS#11 option"; fi
grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/xkey.log" || fail "no signature sent to OpenVPN"
if grep -q "MANAGEMENT: CMD 'password" "$T/xkey.log"; then fail "the PIN went to openvpn"; fi
sigs=$(grep -c "MANAGEMENT: CMD 'pk-sig'" "$T/xkey.log")
kill -USR1 "$ovpn_pid"
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 30 || fail "not connected again after SIGUSR1$(pty_ended_note)"
[ "$(pty_count "PIN for token")" = 1 ] || fail "the PIN was asked again after the reconnect"
[ "$(grep -c "MANAGEMENT: CMD 'pk-sig'" "$T/xkey.log")" -gt "$sigs" ] || fail "the reconnect was not signed by ovpn-token"
pty_send_keys C-c
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
pty_stop

log "b) --no-external-key: openvpn's own PKCS#11 support"
connect_in_terminal "$T/client.log" --no-external-key
# OpenVPN got the card's id from us, and the PIN through the management interface.
grep -Fq "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \"Common\\\\x20Access\\\\x20Card/" "$T/client.log" \
    || fail "OpenVPN did not get the card's id"
[ "$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/client.log")" = 1 ] || fail "the PIN was not sent once"

log "a forced reconnect"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found while connected"
kill -USR1 "$ovpn_pid"
pty_expect_text "Reconnecting (SIGUSR1)" 10
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 30 || fail "not connected again after SIGUSR1$(pty_ended_note)"
[ "$(pty_count "PIN for token")" = 1 ] || fail "the PIN was asked again after the reconnect"
pid_alive "$ovpn_pid" || fail "openvpn was replaced instead of reconnecting"
# pkcs11-helper kept the card logged in: OpenVPN asked no PIN. 2.6 asked the id again after the
# hold (answered by us, silently); 2.7 kept the key (persist-key) and asked nothing.
[ "$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/client.log")" = 1 ] || fail "a PIN was sent again"
ids=$(grep -c "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\"" "$T/client.log" || true)
if openvpn_at_least 2.7; then want=1; else want=2; fi
[ "$ids" = "$want" ] || fail "the id was sent $ids times, expected $want for OpenVPN $OPENVPN_VERSION"

pty_send_keys C-c
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
pass
