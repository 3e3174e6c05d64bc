#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 22-late-token: the token is not there when OpenVPN starts.
#   a) pkcs11-id-management: OpenVPN lists no certificate; ovpn-token watches through the provider
#      and, once the token is inserted, answers with the id `openvpn --show-pkcs11-ids` gives.
#   b) a fixed pkcs11-id: OpenVPN asks to insert the token (NEED-OK); ovpn-token answers "ok" by
#      itself the moment the token appears, and only then (once per insertion);
#   c) the same unattended (--batch): it waits for the token instead of giving up.
# SoftHSM2 reads its token directory once, so "inserting" is moving the token's directory back,
# and the OpenVPN that started without it never sees it: each case checks what ovpn-token sends.
# e2e-timeout: 120
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=424242
bed_up "Late Token" "$PIN" client1
echo "verb 4" >> "$T/client.conf"
id=$(openvpn --show-pkcs11-ids "$SOFTHSM_LIB" 2>/dev/null | sed -n 's/^ *Serialized id: *//p' | head -n 1)
[ -n "$id" ] || fail "openvpn --show-pkcs11-ids shows no id"
token_dir=$(find "$T/tokens" -mindepth 1 -maxdepth 1 -type d | head -n 1)
remove_token() { mv "$token_dir" "$T/away"; }
insert_token() { mv "$T/away" "$token_dir"; }

log "a) no certificate at start: ovpn-token supplies the id"
remove_token
pty_start "$OVPN_TOKEN" start --log "$T/a.log" "$T/client.conf"
pty_expect_text "No certificate found. Insert the token; ovpn-token watches for it" 20
sleep 2
grep -q "CMD 'needstr" "$T/a.log" && fail "a: an id was sent before the token came"
insert_token
pty_expect_text "Using the only certificate: client1 (issuer Test CA" 10
want="MANAGEMENT: CMD 'needstr \"pkcs11-id-request\" \"${id//\\/\\\\}\"'"
wait_for "$T/a.log" "$(printf '%s' "$want" | sed 's/[][\\.*^$]/\\&/g')" 10 \
    || fail "a: OpenVPN did not get the id $id: $(grep "CMD 'needstr" "$T/a.log")"
pty_stop
pkill -f -- "$T/client.conf" 2>/dev/null || true
wait_listening "$PORT" || true

log "b) NEED-OK answered when the token is inserted, and only then"
sed -i '/^pkcs11-providers/a pkcs11-id '"'$id'" "$T/client.conf"
remove_token
pty_start "$OVPN_TOKEN" start --log "$T/b.log" "$T/client.conf"
pty_expect_text "Please insert Late Token token. Press Enter to continue, Ctrl-C to cancel:" 20
sleep 2
oks() { grep -c "CMD 'needok \"token-insertion-request\" \"ok\"'" "$T/b.log" || true; }
[ "$(oks)" -eq 0 ] || fail "b: 'ok' was sent before the token came"
insert_token
pty_expect_text "Token 'Late Token' is there now." 10
wait_until 10 eval '[ "$(oks)" -ge 1 ]' || fail "b: no 'ok' after the token came"
# OpenVPN (which loaded SoftHSM2 without the token) asks again: the token is present already, so
# this is for the person, not a loop of automatic answers.
pty_expect_text "ovpn-token sees token 'Late Token', but OpenVPN does not" 10
sleep 3
[ "$(oks)" -eq 1 ] || fail "b: 'ok' was sent $(oks) times"
pty_stop
pkill -f -- "$T/client.conf" 2>/dev/null || true
wait_listening "$PORT" || true

log "c) --batch waits for the token"
remove_token
pty_start "$OVPN_TOKEN" start --batch --log "$T/c.log" "$T/client.conf"
pty_expect_text "Please insert Late Token token; waiting for it" 20
sleep 2
coks() { grep -c "CMD 'needok \"token-insertion-request\" \"ok\"'" "$T/c.log" || true; }
[ "$(coks)" -eq 0 ] || fail "c: 'ok' was sent before the token came"
if pty_screen | grep -q "EXIT="; then fail "c: ovpn-token gave up instead of waiting"; fi
insert_token
pty_expect_text "Token 'Late Token' is there now." 10
wait_until 10 eval '[ "$(coks)" -ge 1 ]' || fail "c: no 'ok' after the token came"
pass
