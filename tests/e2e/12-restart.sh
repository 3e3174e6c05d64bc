#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 12-restart: with --restart, an openvpn that dies is started again after a back-off, and the PIN
# typed once is answered from the cache (a new openvpn has a new token session, so it asks again).
# Without --restart the same death ends ovpn-token with exit 3.
# e2e-timeout: 180
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=975310
bed_up "Restart Token" "$PIN" client1
echo "verb 4" >> "$T/client.conf"

pty_start "$OVPN_TOKEN" start --restart --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Restart Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"

for i in 1 2; do
    old=$(pty_openvpn_pid)
    [ -n "$old" ] || fail "no openvpn before kill $i"
    kill -KILL "$old"
    pty_wait_count "Starting OpenVPN again in" "$i" 20 || fail "kill $i: no restart announced"
    pty_wait_count "Connected to 127\.0\.0\.1:$PORT" $((i + 1)) 40 || fail "kill $i: not connected again"
    new=$(pty_openvpn_pid)
    [ -n "$new" ] && [ "$new" != "$old" ] || fail "kill $i: no new openvpn ($old -> $new)"
done
[ "$(pty_count "PIN for token")" -eq 1 ] || fail "the PIN was asked again"
answers=$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/client.log" || true)
[ "$answers" -eq 3 ] || fail "expected 3 PIN answers (one per openvpn), OpenVPN logged $answers"

pty_send_keys C-c
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
[ -z "$(openvpn_pid_for "$T/client.conf")" ] || fail "openvpn still running"
pty_stop
wait_listening "$PORT" || true

log "without --restart: exit 3"
pty_start "$OVPN_TOKEN" start --log "$T/b.log" "$T/client.conf"
pty_expect_text "PIN for token 'Restart Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "b: not connected"
kill -KILL "$(pty_openvpn_pid)"
pty_expect_exit 3 20
pty_expect_text "openvpn was killed by SIGKILL" 2
pass
