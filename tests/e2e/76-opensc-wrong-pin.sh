#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 76-opensc-wrong-pin: a wrong PIN typed for a card behind OpenSC, then the right one
# (tests/lib/smartcard.sh). OpenSC reports the CAC card's refusal as CKR_GENERAL_ERROR, so OpenVPN
# does not ask the PIN a second time: the TLS handshake fails and it restarts. Issue 20, point 3:
# that failure in the key step after our PIN counts as a rejection: the person is asked again,
# told that "the token may have refused the PIN", the wrong PIN is never sent again by itself, and
# the right one connects.
# With --no-external-key: openvpn's own PKCS#11 support on the card (start's own choice on
# OpenSC's module is the external key, whose side of this is in 75 a wrong PIN).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
pins_sent() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/client.log" || true; }

pty_start "$OVPN_TOKEN" start --no-external-key --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'client1':" 30
pty_type "1111"
pty_wait_count "PIN for token 'client1':" 2 30 || fail "the PIN was not asked again$(pty_ended_note)"
pty_screen | grep -Fiq "the token may have refused the PIN" \
    || fail "asked again with no word that the token may have refused the PIN"
[ "$(pins_sent)" = 1 ] || fail "the wrong PIN was sent $(pins_sent) times"
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected after the right PIN"
[ "$(pins_sent)" = 2 ] || fail "$(pins_sent) PINs sent, expected the wrong one and the right one"
[ "$(pty_count "PIN for token 'client1':")" = 2 ] || fail "the PIN was asked more than twice"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "the server did not verify client1"
pty_send_keys C-c
pty_expect_exit 0 20
pass
