#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 19-say-the-cause: when a run ends for a reason of ours or of the config, that reason is the
# headline, not OpenVPN's follow-on "private key password verification failed" (issue 10, 8).
#   a) the certificate menu cancelled with Ctrl-C: "Cancelled.", exit 5, no echo;
#   b) --cert matching nothing: "no certificate matches", exit 7, no echo;
#   c) the config's pkcs11-id names the token but a certificate that is not on it (OpenVPN:
#      "Unable get x509 certificate object"): the id is named as the cause, exit 7;
#   d) the config's pkcs11-id names a token serial that is not there while the token with that
#      label is (OpenVPN asks to insert it): the id is named as the cause, exit 7, not "take it
#      out and put it back".
#   e) the server is down: "Reconnecting" names the cause from OpenVPN's log (the address and
#      "connection refused"), once, without -v.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1 client2
ECHO="private key password verification failed"

no_echo() {
    if pty_screen | grep -Fq "$ECHO"; then fail "$1: OpenVPN's echo is on screen"; fi
}

log "a) the menu cancelled"
pty_start "$OVPN_TOKEN" start --log "$T/a.log" "$T/client.conf"
pty_expect_text "Choose a certificate" 20
pty_send_keys C-c
pty_expect_exit 5 20
pty_expect_text "Cancelled." 2
no_echo a
pty_stop
wait_listening "$PORT"

log "b) --cert matching nothing"
pty_start "$OVPN_TOKEN" start --cert nomatch --log "$T/b.log" "$T/client.conf"
pty_expect_exit 7 20
pty_expect_text "no certificate matches 'nomatch'" 2
no_echo b
pty_stop
wait_listening "$PORT"

# The id of client1 as OpenVPN serializes it, with another CKA_ID or another serial.
id=$("$OVPN_TOKEN" list --provider "$SOFTHSM_LIB" --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
certs = d["certificates"] if isinstance(d, dict) else d
print(certs[0]["pkcs11_id"])')
[ -n "$id" ] || fail "no id from list --json"

log "c) a pkcs11-id with a CKA_ID not on the token"
cp "$T/client.conf" "$T/c.conf"
printf "pkcs11-id '%s'\n" "${id%/*}/99" >> "$T/c.conf"
pty_start "$OVPN_TOKEN" start --log "$T/c.log" "$T/c.conf"
pty_expect_exit 7 30
pty_expect_text "the config's pkcs11-id names no certificate on the tokens present" 2
no_echo c
grep -Fq "Unable get x509 certificate object" "$T/c.log" || fail "c: openvpn failed for another reason"
pty_stop
wait_listening "$PORT"

log "d) a pkcs11-id with a token serial not present"
serial=$(printf '%s' "$id" | cut -d/ -f3)
cp "$T/client.conf" "$T/d.conf"
printf "pkcs11-id '%s'\n" "${id/$serial/0000000000000000}" >> "$T/d.conf"
pty_start "$OVPN_TOKEN" start --log "$T/d.log" "$T/d.conf"
pty_expect_exit 7 30
pty_expect_text "the config's pkcs11-id names no certificate on the tokens present" 2
if pty_screen | grep -Fq "take it out and put it back"; then fail "d: blames the token"; fi
no_echo d
pty_stop

log "e) the server is down: the reconnect names why"
DOWN=$(free_port)
sed "s|^remote .*|remote 127.0.0.1 $DOWN|" "$T/client.conf" > "$T/down.conf"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
pty_start "$OVPN_TOKEN" start --cert client1 --pin-file "$T/pin" --log "$T/down.log" "$T/down.conf"
pty_expect "Reconnecting \(connection-failed: 127\.0\.0\.1:$DOWN: connection refused\)" 30 \
    "e: the reconnect does not say why"
sleep 5
[ "$(pty_count "Reconnecting \(connection-failed")" -eq 1 ] || fail "e: the same reason was shown more than once"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
pass
