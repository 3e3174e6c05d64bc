#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 97-opensc-pcscd-restart: pcscd restarted while connected (an upgrade, a crash) on the virtual
# card, `start --batch --pin-file` (issue 25, seam 3). The removal watch survives it: -v says the
# smartcard service stopped and that the token is looked at until it is back, then that the
# reader's events are watched again; the card pulled afterwards still takes the tunnel down
# (status file TOKEN_REMOVED). The virtual card loses its link to vpcd with pcscd, as a card
# reset: a new one is inserted once pcscd is back.
# e2e-timeout: 150
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
status_is() { grep -qx "state=$1" "$T/status" 2>/dev/null; }
printf '%s\n' "$SC_PIN" > "$T/pin"
chmod 600 "$T/pin"

"$OVPN_TOKEN" start -v --batch --pin-file "$T/pin" --status-file "$T/status" \
    --log "$T/client.log" "$T/client.conf" >"$T/out" 2>&1 &
PID=$!
TB_PIDS+=("$PID")
wait_for "$T/out" "Connected to 127\.0\.0\.1:$PORT" 40 || fail "not connected: $(tail -n 5 "$T/out")"
wait_for "$T/out" "Watching token 'client1' \(the reader's events\)" 10 \
    || fail "not watched through the reader's events: $(grep "Watching" "$T/out" || true)"

log "pcscd stopped"
sc_pcscd_stop
wait_for "$T/out" "The smartcard service stopped" 5 \
    || fail "-v does not say that the watch lost the smartcard service: $(tail -n 3 "$T/out")"
log "pcscd started again, the card back in its reader"
sc_pcscd_start
kill "$SC_CARD_PID" 2>/dev/null || true
wait "$SC_CARD_PID" 2>/dev/null || true
sc_card_start
wait_until 15 sc_card_present || fail "no card in the reader after pcscd's restart"
wait_for "$T/out" "The smartcard service is back" 10 \
    || fail "-v does not say that the reader's events are watched again: $(tail -n 3 "$T/out")"
# A look that came between pcscd and the card saw the reader empty: then the tunnel went down
# and comes back with the PIN from its file. Either way: connected before the card is pulled.
wait_until 30 status_is CONNECTED || fail "status file: not CONNECTED after pcscd came back: $(cat "$T/status")"
removed=$(grep -c "Token removed: tunnel down" "$T/out" || true)

log "the card pulled after the restart"
kill -USR1 "$SC_CARD_PID"
more_removals() { [ "$(grep -c "Token removed: tunnel down" "$T/out" || true)" -gt "$removed" ]; }
wait_until 3 more_removals \
    || fail "the card pulled after pcscd's restart did not take the tunnel down: $(grep -v "^openvpn:" "$T/out" | tail -n 12)"
wait_until 3 status_is TOKEN_REMOVED || fail "status file: not state=TOKEN_REMOVED: $(cat "$T/status")"
kill -TERM "$PID"
wait_until 20 pid_gone "$PID" || fail "ovpn-token did not end after SIGTERM"
pass
