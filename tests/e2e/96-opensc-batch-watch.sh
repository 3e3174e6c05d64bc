#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 96-opensc-batch-watch: the plainest unattended start on the virtual card (`start --batch
# --pin-file`, what ovpn-token@NAME runs) watches the card through the reader's events, whatever
# the module's loads before the connection came up (issue 25, seam 8): -v says "the reader's
# events", and the card taken out takes the tunnel down well under a second (status file
# TOKEN_REMOVED); the idle process does not look at the token every 2 s.
# e2e-timeout: 120
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
wait_for "$T/out" "Watching token 'client1'" 10 || fail "the token is not watched: $(tail -n 5 "$T/out")"
grep -q "Watching token 'client1' (the reader's events)" "$T/out" \
    || fail "not the reader's events: $(grep "Watching token" "$T/out")"
wait_until 5 status_is CONNECTED || fail "status file: not state=CONNECTED"

log "the card taken out"
t0=$(date +%s%N)
kill -USR1 "$SC_CARD_PID"
wait_until 3 grep -q "Token removed: tunnel down" "$T/out" || fail "no word of the removal within 3 s"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
log "the tunnel went down $ms ms after the card went"
wait_until 3 status_is TOKEN_REMOVED || fail "status file: not state=TOKEN_REMOVED"
# "Well under a second": the reader's events take some ms; a look every 2 s takes up to 2 s.
[ "$ms" -lt 1000 ] || fail "the removal took $ms ms: not the reader's events"
kill -TERM "$PID"
wait_until 20 pid_gone "$PID" || fail "ovpn-token did not end after SIGTERM"
pass
