#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 91-piv-wrong-pin: wrong PINs on a PIV card with a real retry counter (3 tries), through
# OpenSC's piv driver (tests/lib/piv.sh). The counter is the card's: every VERIFY that reached it
# is in its log, its tries left in its state file.
#   a) a wrong PIN: "The PIN was rejected", asked again (2 tries left on the card; OpenSC 0.23
#      knows no maximum for a PIV PIN, so the token reports no low count yet: nothing is made up)
#   b) a second wrong one: the token reports its final try; the person is asked before a PIN
#      goes out; "n": nothing sent, exit 5, still 1 try on the card
#   c) unattended (--batch --pin-file, even with the right PIN): not risked, exit 10, no VERIFY
#   d) doctor: WARN final try
#   e) "y" and a third wrong PIN: the card is blocked; told so, naming the PUK
#   f) start on the blocked card: no prompt, no VERIFY, exit 10, the message names the PUK;
#      --external-key and --batch the same; doctor: FAIL locked, with the unblock hint
# e2e-timeout: 240
# With --no-external-key: openvpn's own PKCS#11 support on the card (start's own choice on
# OpenSC's module is the external key, whose side of this is in f) here and 93).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/piv.sh
. "$(dirname "$0")/../lib/piv.sh"
piv_init "$@"
require_ovpn_token

piv_card_up 123456 9a:client1:rsa
PORT=$(free_port)
start_server "$T" "$PORT"
write_client_config "$T" "$PORT" "$OPENSC_LIB"
printf '%s\n' "$SC_PIN" >"$T/pin"
chmod 600 "$T/pin"
tries_are() { [ "$(piv_tries_left)" = "$1" ] || fail "$2: the card has $(piv_tries_left) tries left, expected $1"; }
verifies_are() { [ "$(piv_verifies)" = "$1" ] || fail "$2: $(piv_verifies) PINs reached the card, expected $1"; }

log "a) a wrong PIN"
pty_start "$OVPN_TOKEN" start --no-external-key --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'client1':" 30
pty_type 111111
pty_expect_text "The PIN was rejected by token 'client1'." 30
pty_wait_count "PIN for token 'client1':" 2 30 || fail "a: the PIN was not asked again$(pty_ended_note)"
tries_are 2 a
verifies_are 1 a

log "b) a second wrong PIN: the final try is asked for"
pty_type 222222
pty_expect_text "Final try: one more wrong PIN locks token 'client1'. Continue? [y/N]" 30 \
    "b: no question before the final try"
tries_are 1 b
verifies_are 2 b
pty_type n
pty_expect_text "Cancelled: no PIN sent." 10
pty_expect_exit 5 20
tries_are 1 b
verifies_are 2 b
pty_stop

log "c) --batch at the final try: not risked"
wait_listening "$PORT" 15
rc=0
"$OVPN_TOKEN" start --no-external-key --batch --pin-file "$T/pin" --log "$T/batch.log" "$T/client.conf" \
    </dev/null >"$T/batch.out" 2>&1 || rc=$?
[ "$rc" = 10 ] || { cat "$T/batch.out" >&2; fail "c: exit $rc, expected 10"; }
grep -Fq "token 'client1' is on its final PIN try; not risking it in --batch" "$T/batch.out" \
    || { cat "$T/batch.out" >&2; fail "c: no word of the final try"; }
tries_are 1 c
verifies_are 2 c

log "d) doctor at the final try"
rc=0; "$OVPN_TOKEN" doctor "$T/client.conf" >"$T/doctor1.out" 2>&1 || rc=$?
grep -q "^WARN token 'client1' in Virtual PCD 00 00: one more wrong PIN locks it (final try) \[PIV card\]" "$T/doctor1.out" \
    || { cat "$T/doctor1.out" >&2; fail "d: doctor does not warn of the final try"; }

log "e) yes, and a third wrong PIN: the card blocks"
wait_listening "$PORT" 15
pty_start "$OVPN_TOKEN" start --no-external-key --log "$T/last.log" "$T/client.conf"
pty_expect_text "Final try: one more wrong PIN locks token 'client1'. Continue? [y/N]" 30
pty_type y
pty_expect_text "PIN for token 'client1':" 10
pty_type 333333
pty_expect_exit 10 30
pty_has_text "token 'client1' is locked" || fail "e: the blocked card is not named"
tries_are 0 e
verifies_are 3 e
pty_stop

log "f) a blocked card: nothing is sent"
wait_listening "$PORT" 15
pty_start "$OVPN_TOKEN" start --no-external-key --log "$T/locked.log" "$T/client.conf"
pty_expect_exit 10 30
pty_has_text "token 'client1' is locked: it accepts no PIN until it is unblocked (with its PUK" \
    || fail "f: the message does not name the PUK"
if pty_has_text "PIN for token"; then fail "f: a PIN was asked for a blocked card"; fi
pty_stop
wait_listening "$PORT" 15
rc=0
"$OVPN_TOKEN" start --batch --external-key --pin-file "$T/pin" --log "$T/xlocked.log" "$T/client.conf" \
    </dev/null >"$T/xlocked.out" 2>&1 || rc=$?
[ "$rc" = 10 ] || { cat "$T/xlocked.out" >&2; fail "f: --external-key: exit $rc, expected 10"; }
grep -q "PUK" "$T/xlocked.out" || { cat "$T/xlocked.out" >&2; fail "f: --external-key: the PUK is not named"; }
verifies_are 3 f
rc=0; "$OVPN_TOKEN" doctor "$T/client.conf" >"$T/doctor2.out" 2>&1 || rc=$?
[ "$rc" = 11 ] || { cat "$T/doctor2.out" >&2; fail "f: doctor: exit $rc, expected 11"; }
grep -q "^FAIL token 'client1' in Virtual PCD 00 00: its PIN is locked \[PIV card\] -- hint: unblock it with the card's PUK" "$T/doctor2.out" \
    || { cat "$T/doctor2.out" >&2; fail "f: doctor does not fail the locked card"; }
verifies_are 3 f
piv_strict
pass
