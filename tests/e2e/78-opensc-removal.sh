#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 78-opensc-removal: the card taken out of the reader while connected, then put back
# (tests/lib/smartcard.sh: real PC/SC removal and insertion events). Issue 20, point 1, the
# default for a person at a terminal (--on-removal disconnect): the tunnel goes down at once
# (openvpn held, not killed; its own PIN cache dropped with forget-passwords), the person reads
# "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)", the status file says
# state=TOKEN_REMOVED; on reinsertion the PIN is asked again and the tunnel comes back.
# The issue asks for "within a second"; a test asserts no speed (bench/ measures the latency),
# so the bound here is 3 s: enough for a 2 s poll, far below the hour OpenVPN needs by itself.
# First: the watch's stop ends it even when it comes right after its start.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
status_is() { grep -qx "state=$1" "$T/status" 2>/dev/null; }

# The watch that start keeps while connected, stopped as soon as its first news came (a Ctrl-C right
# after "Connected"): PC/SC drops a cancel that comes before the watch's thread waits, and a
# stop that trusted one cancel waited for ever.
log "a watch stopped as soon as it started, 50 times"
churn=$(dirname "$OVPN_TOKEN")/tools/pcsc_watch_churn
[ -x "$churn" ] || fail "$churn is missing (make build/test/tools/pcsc_watch_churn)"
"$churn" "Virtual PCD 00 00" 50 > "$T/churn.out" 2>&1 || fail "$(cat "$T/churn.out")"
grep -qx "50 watches started and stopped" "$T/churn.out" || fail "churn: $(cat "$T/churn.out")"

pty_start "$OVPN_TOKEN" start --status-file "$T/status" --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'client1':" 30
pty_type "$SC_PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
wait_until 5 status_is CONNECTED || fail "status file: not state=CONNECTED"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found while connected"

log "the card taken out"
server_log_mark "$T"
kill -USR1 "$SC_CARD_PID"
pty_expect_text "Token removed: tunnel down. Insert it to reconnect (Ctrl-C: quit)" 3 \
    "no word of the removal within 3 s"
wait_until 3 status_is TOKEN_REMOVED || fail "status file: not state=TOKEN_REMOVED"
# The tunnel is down: the server lost its client; openvpn is held, not gone.
wait_until 5 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset"' \
    || fail "the server still has its client after the removal"
pid_alive "$ovpn_pid" || fail "openvpn was killed instead of held"
wait_for "$T/client.log" "MANAGEMENT: CMD 'forget-passwords'" 5 || fail "OpenVPN's PIN cache was not dropped"
sleep 3
if pty_screen | tail -n 5 | grep -q "Connected to"; then fail "connected again without the card"; fi
[ "$(pty_count "PIN for token 'client1':")" = 1 ] || fail "the PIN was asked with the card out"

log "the card put back"
kill -USR2 "$SC_CARD_PID"
pty_wait_count "PIN for token 'client1':" 2 30 || fail "the PIN was not asked again after reinsertion$(pty_ended_note)"
pty_type "$SC_PIN"
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 30 || fail "not connected again after reinsertion$(pty_ended_note)"
wait_until 5 status_is CONNECTED || fail "status file: not state=CONNECTED after reinsertion"
pty_send_keys C-c
pty_expect_exit 0 20
pass
