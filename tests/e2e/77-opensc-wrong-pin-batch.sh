#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 77-opensc-wrong-pin-batch: `start --batch --pin-file` with a wrong PIN, for a card behind OpenSC
# (tests/lib/smartcard.sh). OpenSC reports the CAC card's refusal as CKR_GENERAL_ERROR and OpenVPN
# restarts instead of asking again. Issue 20, point 3: a failure in the key step after our PIN is a
# rejection: one attempt, then exit 6 with a message that names the PIN; never the same wrong PIN
# again and again (on a card with a retry counter that locks it).
# With --no-external-key: openvpn's own PKCS#11 support on the card (start's own choice on
# OpenSC's module is the external key, whose side of this is in 75 --batch).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
printf '1111\n' >"$T/wrong.pin"
chmod 600 "$T/wrong.pin"
pins_sent() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/client.log" 2>/dev/null || true; }

"$OVPN_TOKEN" start --no-external-key --batch --pin-file "$T/wrong.pin" --log "$T/client.log" "$T/client.conf" \
    </dev/null >"$T/batch.out" 2>"$T/batch.err" &
otp=$!
TB_PIDS+=("$otp")
# Ends when ovpn-token does, or at once when the wrong PIN goes out a second time.
ended() { pid_gone "$otp" || [ "$(pins_sent)" -ge 2 ]; }
wait_until 45 ended || fail "ovpn-token neither ended nor sent the PIN again within 45 s"
[ "$(pins_sent)" -le 1 ] || fail "the wrong PIN was sent $(pins_sent) times"
rc=0; wait "$otp" || rc=$?
[ "$(pins_sent)" = 1 ] || fail "the PIN was sent $(pins_sent) times, expected once"
[ "$rc" = 6 ] || fail "exit $rc, expected 6 (PIN rejected)"
grep -Eiq '^ovpn-token: .*PIN' "$T/batch.err" || { cat "$T/batch.err" >&2; fail "no message that names the PIN"; }
if grep -Fq 1111 "$T/batch.out" "$T/batch.err"; then fail "the PIN is printed"; fi
pgrep -f -- "$T/client.conf" >/dev/null && fail "openvpn still runs after ovpn-token ended"
pass
