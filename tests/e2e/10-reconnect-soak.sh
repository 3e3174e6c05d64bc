#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 10-reconnect-soak: the PIN is typed once; then OpenVPN is restarted (SIGUSR1) N times. Every restart
# goes through the hold; ovpn-token releases it and answers what OpenVPN asks by itself. Checked:
# N further "Connected", no further prompt or menu, and from OpenVPN's own log (verb 4 logs each
# management command, a PIN as "password [...]"): the certificate answers, and the PIN sent exactly
# once — OpenVPN keeps the token logged in across restarts, so it asks only once.
# What OpenVPN asks after a restart depends on its version: 2.6 asks for the certificate after
# every hold release (one answer per release); 2.7 has persist-key by default, keeps the key over
# a SIGUSR1 restart and asks for the certificate only at the start (one answer in all).
# e2e-timeout: 600
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

# 20 restarts show a leak or a repeated prompt as surely as 50 do; longer soaks: SOAK_RESTARTS=N.
N=${SOAK_RESTARTS:-20}
PIN=246810
bed_up "Soak Token" "$PIN" client1
# verb 4: OpenVPN logs each management notification and command, our outside witness.
echo "verb 4" >> "$T/client.conf"

pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Soak Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected the first time"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process"

for i in $(seq 1 "$N"); do
    kill -USR1 "$ovpn_pid"
    pty_wait_count "Connected to 127\.0\.0\.1:$PORT" $((i + 1)) 30 \
        || fail "restart $i of $N: not connected again"
done

connected=$(pty_count "Connected to 127\.0\.0\.1:$PORT")
[ "$connected" -eq $((N + 1)) ] || fail "expected $((N + 1)) connections, screen shows $connected"
prompts=$(pty_count "PIN for token")
[ "$prompts" -eq 1 ] || fail "the PIN was asked $prompts times; expected once"
if pty_screen | grep -Fq "Certificates on the token:"; then fail "a menu was shown"; fi
if pty_screen | grep -Fq "rejected"; then fail "a PIN was reported rejected"; fi

releases=$(grep -c "MANAGEMENT: CMD 'hold release'" "$T/client.log" || true)
id_answers=$(grep -c "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\"" "$T/client.log" || true)
pin_answers=$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/client.log" || true)
log "restarts=$N hold releases=$releases certificate answers=$id_answers PIN answers=$pin_answers"
[ "$releases" -ge $((N + 1)) ] || fail "only $releases hold releases for $N restarts"
if openvpn_at_least 2.7; then
    [ "$id_answers" -eq 1 ] \
        || fail "openvpn $OPENVPN_VERSION keeps the key over restarts, yet $id_answers certificate answers"
else
    [ "$id_answers" -eq "$releases" ] || fail "$releases restarts but $id_answers certificate answers"
fi
[ "$pin_answers" -eq 1 ] || fail "the PIN was sent $pin_answers times; OpenVPN asked once"
if grep -Fq "$PIN" "$T/client.log"; then fail "the PIN is in OpenVPN's log"; fi

pty_send_keys C-c
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
pass
