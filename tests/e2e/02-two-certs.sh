#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 02-two-certs: a token with two certificates.
#   b) without --cert: a menu lists both; choosing client2's number connects as client2.
#   r) the next start of the same config uses client2 by itself, no menu (the choice is
#      remembered in the state folder by fingerprint); the same config in another folder is
#      another config: the menu again
#   a) --cert client2 picks client2 without a menu; the server sees CN client2.
#   c) --cert matching nothing: clear error, exit 7, no PIN asked.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1 client2
exp1=$(cert_expiry "$T" client1)
exp2=$(cert_expiry "$T" client2)

# shellcheck disable=SC2317  # called through wait_until
server_saw() { server_log_since "$T" | grep -q "VERIFY OK: depth=0, CN=$1\$"; }

# connect_and_stop: PIN, connected as client2 (per the server log since the mark), Ctrl-C, exit 0.
connect_and_stop() {
    pty_expect_text "PIN for token 'Test Token':" 20
    pty_type "$PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
    wait_until 5 server_saw client2 || fail "the server did not see CN=client2"
    if server_log_since "$T" | grep -q "CN=client1"; then fail "the server saw client1"; fi
    pty_send_keys C-c
    pty_expect_text "OpenVPN stopped." 20
    pty_expect_exit 0 10
    pty_stop
}

log "b) menu"
wait_listening "$PORT"
server_log_mark "$T"
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "Certificates on the token:" 20
pty_expect_text "Choose a certificate [1-2]:" 5
# The order is OpenVPN's (pkcs11-helper lists the objects in no particular order, not by CKA_ID),
# so find the number in front of each certificate.  Each names its token and reader.
menu_number() {
    pty_screen | sed -n "s/^  \([12]\)) $1 (issuer Test CA, expires $2) on token 'Test Token' in 'SoftHSM slot ID 0x[0-9a-f]*'\$/\1/p" | head -n 1
}
n1=$(menu_number client1 "$exp1")
n2=$(menu_number client2 "$exp2")
[ -n "$n1" ] || fail "client1 is not in the menu"
[ -n "$n2" ] || fail "client2 is not in the menu"
[ "$n1" != "$n2" ] || fail "both certificates have number $n1"
[ "$(pty_count '^  [0-9]+\) ')" = 2 ] || fail "the menu does not have exactly 2 entries"
pty_type "$n2"
connect_and_stop

log "r) the choice remembered"
wait_listening "$PORT"
server_log_mark "$T"
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "Using the certificate chosen before: client2 (issuer Test CA, expires $exp2)" 20 \
    "r: the certificate chosen before was not used by itself"
if pty_screen | grep -Fq "Certificates on the token:"; then fail "r: a menu although a choice was remembered"; fi
connect_and_stop
ls "$XDG_STATE_HOME"/ovpn-token/client-*.cert >/dev/null 2>&1 || fail "r: no remembered choice in the state folder"
grep -qx "sha256 $(openssl x509 -in "$T/pki/client2.crt" -outform DER | sha256sum | cut -d' ' -f1)" \
    "$XDG_STATE_HOME"/ovpn-token/client-*.cert || fail "r: the remembered choice is not client2's fingerprint"
mkdir -p "$T/other"
cp "$T/client.conf" "$T/other/client.conf"
wait_listening "$PORT"
pty_start "$OVPN_TOKEN" start --log "$T/other.log" "$T/other/client.conf"
pty_expect_text "Certificates on the token:" 20 "r: another config (same name, other folder) got no menu"
pty_send_keys C-c
pty_expect_exit 5 20
pty_stop

log "a) --cert client2"
wait_listening "$PORT"
server_log_mark "$T"
pty_start "$OVPN_TOKEN" start --cert client2 --log "$T/client.log" "$T/client.conf"
pty_expect_text "Using certificate client2 (issuer Test CA, expires $exp2)" 20
if pty_screen | grep -Fq "Certificates on the token:"; then fail "menu shown although --cert was given"; fi
connect_and_stop

log "c) --cert matching nothing"
pty_start "$OVPN_TOKEN" start --cert nomatch-xyz --log "$T/client.log" "$T/client.conf"
pty_expect_exit 7 30
pty_expect_text "ovpn-token: no certificate matches 'nomatch-xyz'" 2
if pty_screen | grep -Fq "PIN for token"; then fail "PIN asked although no certificate matched"; fi
pass
