#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 29-mid-session-pin: with pkcs11-pin-cache 3 and renegotiations every 10 s, OpenVPN asks the
# token PIN again in the middle of the session, without a restart. A request after a login that
# went through is a new login: answered at once from the confirmed PIN, never taken for a
# rejection, never a second prompt, and the tunnel stays up across three renegotiations.
# The client runs at verb 1, where OpenVPN's log shows no handshake ("Control Channel:" is verb
# 2): the only sign that the answer was taken is that OpenVPN did not ask again at once.
# e2e-timeout: 120
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1
# The server renegotiates too; the client's pkcs11-helper forgets the PIN 3 s after each login.
kill "$SERVER_PID"
wait_until 5 pid_gone "$SERVER_PID" || fail "the first server does not end"
echo "reneg-sec 10" >> "$T/server.conf"
"$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
TB_PIDS+=("$!")
wait_listening "$PORT"
sed -i 's/^verb 3$/verb 1/' "$T/client.conf"
printf 'reneg-sec 10\npkcs11-pin-cache 3\n' >> "$T/client.conf"

pty_start "$OVPN_TOKEN" start -v --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
# Three renegotiations after the first login, each with the PIN asked again.
pty_wait_count "Sending the remembered PIN for token 'Test Token'" 3 45 \
    || fail "the remembered PIN went out $(pty_count "Sending the remembered PIN") times in 45 s, expected 3"
n=$(pty_count "PIN for token 'Test Token':")
[ "$n" = 1 ] || fail "the PIN prompt was shown $n times, expected once"
if pty_has_text "rejected"; then fail "a renegotiation's PIN request was taken for a rejection"; fi
if pty_has_text "Reconnecting"; then fail "the tunnel went down: $(pty_screen | grep Reconnecting)"; fi
# Whichever side starts a renegotiation (only that side logs "soft reset"), the server logs
# each finished handshake: the first and the three renegotiations.
n=$(grep -c "Control Channel: TLS" "$T/server.log" || true)
[ "$n" -ge 4 ] || fail "the server finished $n handshakes, expected at least 4 (three renegotiations)"
n=$(pty_count "^Connected to")
[ "$n" = 1 ] || fail "Connected shown $n times: the tunnel did not stay up"
pty_send_keys C-c
pty_expect_exit 0 20
pass
