#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 73-opensc-late-card: `ovpn-token start` with OpenSC and an empty reader (tests/lib/smartcard.sh):
# OpenVPN lists no certificate, ovpn-token says so and watches; the card put into the reader later
# is found (a real PC/SC insertion), its certificate chosen by itself and its id sent to OpenVPN
# exactly as `openvpn --show-pkcs11-ids` gives it, the PIN asked for token 'client1' and the tunnel
# comes up.
# With --no-external-key: openvpn's own PKCS#11 support on the card (start's own choice on
# OpenSC's module is the external key, whose side of this is in 75).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

SC_CARD_ABSENT=1 sc_bed_up 12345678 client1
sc_no_card || fail "a card is in the reader before the test put one there"

pty_start "$OVPN_TOKEN" start --no-external-key --log "$T/client.log" "$T/client.conf"
pty_expect_text "No certificate found. Insert the token; ovpn-token watches for it" 30
wait_for "$T/client.log" "MANAGEMENT: CMD 'pkcs11-id-count'" 10 || fail "OpenVPN was not asked for its certificates"
if grep -q "CMD 'needstr" "$T/client.log"; then fail "an id was sent before the card came"; fi

log "the card goes into the reader"
sc_card_start
pty_expect_text "Using the only certificate: client1 (issuer Test CA" 30
pty_expect_text "PIN for token 'client1':" 30
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected after the card came"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "the server did not verify client1"
[ "$(pty_count "PIN for token")" = 1 ] || fail "the PIN was asked more than once"
# The id came from ovpn-token's own look at the card (OpenVPN had listed none): exactly the one
# OpenVPN itself gives for the card.
id=$(openvpn --show-pkcs11-ids "$OPENSC_LIB" 2>/dev/null | sed -n 's/^ *Serialized id: *//p')
[ -n "$id" ] || fail "openvpn --show-pkcs11-ids shows no id for the card"
sent=$(sed -n "s/.*MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \"\(.*\)\"'\$/\1/p" "$T/client.log")
[ "$sent" = "${id//\\/\\\\}" ] || fail "OpenVPN got the id '$sent', openvpn shows '$id'"
pty_send_keys C-c
pty_expect_exit 0 20
pass
