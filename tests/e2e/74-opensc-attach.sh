#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 74-opensc-attach: openvpn started by hand with OpenSC as its provider and a management port
# (as an administrator would), a card in the reader (tests/lib/smartcard.sh). `ovpn-token attach`
# chooses the card's only certificate, asks the PIN for token 'client1' in a real terminal and the
# tunnel comes up; Ctrl-C leaves that openvpn running (it is not ours).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
printf 'mgmt-Pw-7\n' >"$T/mgmt.pw"
chmod 600 "$T/mgmt.pw"
mport=$(free_port)
openvpn --config "$T/client.conf" --log "$T/client.log" \
    --management 127.0.0.1 "$mport" "$T/mgmt.pw" \
    --management-query-passwords --management-hold --pkcs11-id-management &
TB_PIDS+=("$!")
client_pid=$!
wait_for "$T/client.log" "MANAGEMENT: TCP Socket listening" 15 || fail "openvpn's management port does not listen"

pty_start "$OVPN_TOKEN" attach --management-password-file "$T/mgmt.pw" "127.0.0.1:$mport"
pty_expect_text "Using the only certificate: client1 (issuer Test CA" 30
pty_expect_text "PIN for token 'client1':" 30
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "the server did not verify client1"
grep -Fq "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \"Common\\\\x20Access\\\\x20Card/" "$T/client.log" \
    || fail "OpenVPN did not get the card's id"
if pty_screen | grep -Eq "mgmt-Pw-7|$SC_PIN"; then fail "a secret is visible on screen"; fi
pty_send_keys C-c
pty_expect_exit 0 20
pid_alive "$client_pid" || fail "attach stopped an openvpn it did not start"
pass
