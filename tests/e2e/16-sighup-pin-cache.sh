#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 16-sighup-pin-cache: restarts that make OpenVPN ask again, and how that differs between versions
# (OpenVPN's own log at verb 4 is the witness of what it asked and what we sent).
#   a) SIGHUP to openvpn while connected: it asks for the certificate again but not for the PIN;
#      ovpn-token answers by itself, no second prompt, and the tunnel comes up again. 2.6 asks
#      for the certificate after every hold release (also after the failed reconnects while the
#      server pauses), 2.7 only after the SIGHUP (it keeps the key over SIGUSR1 restarts).
#   b) `pkcs11-pin-cache 1`, SIGUSR1 once the cache has expired:
#      2.7 asks for the PIN again (at each restart after expiry, not for the certificate);
#      ovpn-token sends the confirmed PIN by itself, without a prompt, and the tunnel comes up;
#      2.6 asks nothing: it cannot load the certificate again ("PKCS#11: Unable get x509
#      certificate object"), ends with "private key password verification failed", and
#      ovpn-token ends with 3 without sending the PIN again.
# e2e-timeout: 180
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=135790
bed_up "Hup Token" "$PIN" client1
echo "verb 4" >> "$T/client.conf"

count() { grep -c -- "$1" "$2" 2>/dev/null || true; }
id_answers() { count "MANAGEMENT: CMD 'needstr \"pkcs11-id-request\"" "$1"; }
pin_answers() { count "MANAGEMENT: CMD 'password \[...\]'" "$1"; }

# connect_once LOG [CONFIG]: start, type the PIN at the one prompt, wait for the tunnel.
connect_once() {
    pty_start "$OVPN_TOKEN" start --log "$1" "${2:-$T/client.conf}"
    pty_expect_text "PIN for token 'Hup Token':" 20
    pty_type "$PIN"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
    OVPN_PID=$(pty_openvpn_pid)
    [ -n "$OVPN_PID" ] || fail "no openvpn process"
}

log "a) SIGHUP"
connect_once "$T/a.log"
kill -HUP "$OVPN_PID"
pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 40 || fail "a: not connected again after SIGHUP$(pty_ended_note)"
grep -q "SIGHUP\[hard,\] received, process restarting" "$T/a.log" || fail "a: openvpn did not restart on SIGHUP"
[ "$(pty_count "PIN for token")" = 1 ] || fail "a: $(pty_count "PIN for token") PIN prompts, expected 1"
# The server pauses before it listens again, so the first reconnect may fail and restart once more.
releases=$(count "MANAGEMENT: CMD 'hold release'" "$T/a.log")
if openvpn_at_least 2.7; then
    # Only the SIGHUP drops the key; a failed connection (SIGUSR1) keeps it.
    [ "$(id_answers "$T/a.log")" = 2 ] || fail "a: $(id_answers "$T/a.log") certificate answers, expected 2"
else
    [ "$(id_answers "$T/a.log")" = "$releases" ] \
        || fail "a: $(id_answers "$T/a.log") certificate answers for $releases hold releases"
fi
[ "$(pin_answers "$T/a.log")" = 1 ] || fail "a: $(pin_answers "$T/a.log") PIN answers, expected 1"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
wait_listening "$PORT"

log "b) pkcs11-pin-cache 1, SIGUSR1 after it expired"
cp "$T/client.conf" "$T/cache.conf"
echo "pkcs11-pin-cache 1" >> "$T/cache.conf"
connect_once "$T/b.log" "$T/cache.conf"
# Not a timed assertion: the cache must have expired before the restart, later is as good.
sleep 2
kill -USR1 "$OVPN_PID"
if openvpn_at_least 2.7; then
    pty_wait_count "Connected to 127\.0\.0\.1:$PORT" 2 40 \
        || fail "b: not connected again after the PIN cache expired$(pty_ended_note)"
    [ "$(pty_count "PIN for token")" = 1 ] || fail "b: $(pty_count "PIN for token") PIN prompts, expected 1"
    [ "$(pin_answers "$T/b.log")" -ge 2 ] \
        || fail "b: $(pin_answers "$T/b.log") PIN answers; openvpn $OPENVPN_VERSION asks again after expiry"
    [ "$(id_answers "$T/b.log")" = 1 ] \
        || fail "b: $(id_answers "$T/b.log") certificate answers; openvpn $OPENVPN_VERSION keeps the key"
    pty_send_keys C-c
    pty_expect_exit 0 20
else
    pty_expect_exit 3 40
    pty_expect_text "ovpn-token: OpenVPN: Error: private key password verification failed" 2
    grep -Fq "PKCS#11: Unable get x509 certificate object" "$T/b.log" \
        || fail "b: openvpn $OPENVPN_VERSION did not fail on the certificate"
    [ "$(pty_count "PIN for token")" = 1 ] || fail "b: $(pty_count "PIN for token") PIN prompts, expected 1"
    [ "$(pin_answers "$T/b.log")" = 1 ] || fail "b: $(pin_answers "$T/b.log") PIN answers, expected 1"
    [ "$(id_answers "$T/b.log")" = 2 ] || fail "b: $(id_answers "$T/b.log") certificate answers, expected 2"
fi
if grep -Fq "$PIN" "$T/a.log" "$T/b.log"; then fail "the PIN is in OpenVPN's log"; fi
pass
