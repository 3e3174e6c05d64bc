#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 23-expired-cert: a token holding an expired certificate beside a valid one, and one holding only
# an expired one. The server would refuse an expired certificate and the client would reconnect
# for ever, so:
#   a) beside a valid one, the expired one is not a choice: the valid one is used by itself
#   b) the menu (two valid ones and an expired one) marks the expired one [EXPIRED]
#   c) only an expired one: a warning that names it before it is used
#   d) only an expired one in --batch: refused, exit 7, nothing sent
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
make_pki "$T" valid1 valid2
make_cert_dated "$T" oldcert 20240101000000Z 20250101000000Z
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT"
echo "verb 4" >> "$T/client.conf"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

log "a) the valid one beside an expired one"
mkdir -p "$T/a"; ln -s "$T/pki" "$T/a/pki"
make_token "$T/a" "Two Token" "$PIN" oldcert valid1
pty_start "$OVPN_TOKEN" start --log "$T/a.log" "$T/client.conf"
pty_expect_text "Using the only valid certificate: valid1" 30 "a: the valid one was not used by itself"
if pty_screen | grep -Fq "Certificates on the token:"; then fail "a: a menu was shown"; fi
pty_expect_text "PIN for token 'Two Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "b) the menu marks the expired one"
mkdir -p "$T/b"; ln -s "$T/pki" "$T/b/pki"
make_token "$T/b" "Three Token" "$PIN" oldcert valid1 valid2
pty_start "$OVPN_TOKEN" start --log "$T/b.log" "$T/client.conf"
pty_expect_text "Certificates on the token:" 30 "b: no menu"
pty_expect "oldcert .*\[EXPIRED\]" 2 "b: the expired certificate is not marked"
if pty_screen | grep -E "valid[12] .*\[EXPIRED\]" >/dev/null; then fail "b: a valid certificate is marked expired"; fi
pty_send_keys C-c
pty_expect_exit 5 20
pty_stop
wait_listening "$PORT"

log "c) only an expired one: warned"
mkdir -p "$T/c"; ln -s "$T/pki" "$T/c/pki"
make_token "$T/c" "Old Token" "$PIN" oldcert
pty_start "$OVPN_TOKEN" start --log "$T/c.log" "$T/client.conf"
pty_expect "ovpn-token: warning: certificate oldcert .*\[EXPIRED\]: the server will refuse it" 30 \
    "c: no warning before using an expired certificate"
pty_send_keys C-c
pty_wait_exit 20 || fail "c: did not end after Ctrl-C"
pty_stop
wait_listening "$PORT"

log "d) only an expired one, --batch: refused"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/d.log" "$T/client.conf"
pty_expect_exit 7 30
pty_expect_text "not trying in --batch" 2 "d: the refusal does not say why"
if grep -q "MANAGEMENT: CMD 'needstr" "$T/d.log"; then fail "d: the expired certificate was sent"; fi
if grep -q "MANAGEMENT: CMD 'password" "$T/d.log"; then fail "d: a PIN was sent"; fi
pass
