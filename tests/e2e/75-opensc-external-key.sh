#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 75-opensc-external-key: `ovpn-token start --external-key` with a card in a reader, through OpenSC
# (tests/lib/smartcard.sh). The PIN typed for token 'client1' logs in on the card, the tunnel comes
# up over TLS 1.3, and the handshake's signature is RSA-PSS made on the card: the card's own key
# store logs the raw RSA operation on a PSS-encoded block (ending in BC), and the server verified
# it (2.7 names it: "peer signing digest/type: SHA256 RSASSA-PSS"; 2.6 does not log the scheme, and
# TLS 1.3 allows no other RSA signature). openvpn itself ran with --management-external-key and no
# PKCS#11 option. A wrong PIN: OpenSC answers CKR_GENERAL_ERROR (libcacard's SW 6985), which is
# a PIN failure, never a provider failure (exit 12): a person is told the token may have refused
# the PIN and asked again, and the right PIN then connects; --batch with a wrong --pin-file sends
# it once and exits 6.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

SC_CARD_SPY=1 sc_bed_up 12345678 client1
[ -z "$(sc_card_rsa_blocks)" ] || fail "the card signed before the test began"

pty_start "$OVPN_TOKEN" start --external-key --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'client1':" 30
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "the server did not verify client1"
grep "Control Channel:" "$T/server.log" | grep -q "TLSv1.3, .*peer certificate: 2048 bits RSA" \
    || fail "the server did not see TLS 1.3 with the card's RSA certificate"
if openvpn_at_least 2.7; then
    grep -q "Control Channel: TLSv1.3, .*peer signing digest/type: SHA256 RSASSA-PSS" "$T/server.log" \
        || fail "the server did not verify an RSA-PSS signature"
fi
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found while connected"
proc_args "$ovpn_pid" | grep -qx -- "--management-external-key" || fail "openvpn without --management-external-key"
if proc_args "$ovpn_pid" | grep -q -- "pkcs11"; then fail "openvpn got a PKCS#11 option"; fi
grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/client.log" || fail "no signature sent to OpenVPN"
# What the card computed: the handshake's signature, as an RSA-PSS block.
sc_card_rsa_blocks >"$T/blocks"
[ -s "$T/blocks" ] || fail "the card made no RSA operation: the signature was not made on the card"
[ "$(grep -cv 'BC$' "$T/blocks")" = 0 ] || { cat "$T/blocks" >&2; fail "the card signed a block that is not RSA-PSS"; }
[ "$(awk '{ print length($0) }' "$T/blocks" | sort -u)" = 512 ] || fail "the card's blocks are not 2048 bits"
[ "$(pty_count "PIN for token")" = 1 ] || fail "the PIN was asked more than once"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

log "a wrong PIN"
wait_listening "$PORT" 15
pty_start "$OVPN_TOKEN" start --external-key --log "$T/wrong.log" "$T/client.conf"
pty_expect_text "PIN for token 'client1':" 30
pty_type "1111"
pty_expect_text "The token may have refused the PIN: C_Login:" 30 "the wrong PIN is not named"
pty_expect_text "General Error (token 'client1')." 5
pty_wait_count "PIN for token 'client1':" 2 20 || fail "the PIN was not asked again"
if grep -q "MANAGEMENT: CMD 'pk-sig'" "$T/wrong.log"; then fail "a signature was sent after a wrong PIN"; fi
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "the right PIN after a wrong one did not connect"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

log "a wrong PIN from a file, --batch"
wait_listening "$PORT" 15
printf '1111\n' > "$T/wrong.pin"; chmod 600 "$T/wrong.pin"
pty_start "$OVPN_TOKEN" start --external-key --batch --pin-file "$T/wrong.pin" --log "$T/wrong-batch.log" "$T/client.conf"
pty_expect_exit 6 30
pty_expect_text "The token may have refused the PIN: C_Login:" 5 "batch: the wrong PIN is not named"
pass
