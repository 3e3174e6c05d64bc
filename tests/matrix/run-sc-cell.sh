#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One cell of the fault matrix on the real card stack (tests/matrix/cells-pcsc.sh): OpenSC's
# module -> our own pcscd -> vpcd -> the virtual CAC card (tests/lib/smartcard.sh), in a mount
# and network namespace of its own, as root.
#   run-sc-cell.sh ID MODE INPUT STATE FAULT
# MODE start or xkey, INPUT batch (--batch --pin-file, -v); STATE connected. Faults:
#   card-out         the watch must be the reader's events (-v says which) and the tunnel down,
#                    the status file TOKEN_REMOVED (b; the time taken is noted)
#   pcscd-restart    pcscd stopped and started again while connected, then the card taken out:
#                    the tunnel must still go down (b)
#   pcscd-hung       pcscd stopped (SIGSTOP) while connected, then SIGTERM: ovpn-token and its
#                    openvpn end within 12 s (c), nothing left (e)
set -eu
CELL_ID=$1 MODE=$2 INPUT=$3 STATE=$4 FAULT=$5
MATRIX_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/testbed.sh
. "$MATRIX_DIR/../lib/testbed.sh"
# shellcheck source=../lib/smartcard.sh
. "$MATRIX_DIR/../lib/smartcard.sh"
# shellcheck disable=SC2034  # testbed.sh's name for this test's logs and tmux socket
TB_NAME=${CELL_ID//\//.}
note() { echo "CELL-NOTE: $*"; }
sc_init "$@"
require_ovpn_token
[ "$INPUT:$STATE" = batch:connected ] || fail "run-sc-cell.sh drives batch/connected only"

sc_bed_up 12345678 client1
printf '%s\n' "$SC_PIN" >"$T/pin"
chmod 600 "$T/pin"
args=(start)
[ "$MODE" = xkey ] && args+=(--external-key)
"$OVPN_TOKEN" "${args[@]}" -v --batch --pin-file "$T/pin" --status-file "$T/status" --log "$T/client.log" \
    "$T/client.conf" </dev/null >"$T/ovt.out" 2>&1 &
OVT_PID=$!
TB_PIDS+=("$OVT_PID")
status_is() { grep -qx "state=$1" "$T/status" 2>/dev/null; }
wait_for "$T/ovt.out" "Connected to 127.0.0.1:$PORT" 60 || fail "did not connect"
wait_for "$T/ovt.out" "Watching token" 10 || fail "(b) the token is not watched"

# removal_within MS: the card out; TOKEN_REMOVED in the status file within MS (measured and noted:
# the issue asks for 1 s; like tests/e2e/78, make test bounds it at 3 s so that a loaded machine
# does not fail it, and the table shows the time taken).
removal_within() {
    local t0 ms
    t0=$(date +%s%N)
    kill -USR1 "$SC_CARD_PID"
    wait_until 5 status_is TOKEN_REMOVED || fail "(b) status file: $(head -n 1 "$T/status")"
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    note "TOKEN_REMOVED $ms ms after the card went"
    [ "$ms" -le "$1" ] || fail "(b) the tunnel went down $ms ms after the card went (bound $1 ms)"
}
case $FAULT in
    card-out)
        grep -q "Watching token .*(the reader's events)" "$T/ovt.out" \
            || fail "(b) the watch is not the reader's events: $(grep 'Watching token' "$T/ovt.out")"
        removal_within 3000 ;;
    pcscd-restart)
        sc_pcscd_stop
        sc_pcscd_start
        # The card connects to the new vpcd again.
        kill "$SC_CARD_PID" 2>/dev/null || true
        sc_card_start
        wait_until 20 sc_card_present || fail "the card is not back in the new pcscd"
        sleep 3
        removal_within 3000 ;;
    pcscd-hung)
        kill -STOP "$SC_PCSCD_PID"
        sleep 1
        kill -TERM "$OVT_PID"
        # openvpn's own module (pkcs11-helper's OpenSC) hangs in its exit too: ovpn-token's
        # grace and then its kill bound it, as in e2e 98.
        wait_until 25 pid_gone "$OVT_PID" || { kill -CONT "$SC_PCSCD_PID"; fail "(c) ovpn-token did not end within 25 s with pcscd hung"; }
        wait_until 5 test -z "$(openvpn_pid_for "$T/client.conf")" || { kill -CONT "$SC_PCSCD_PID"; fail "(e) openvpn still runs"; }
        kill -CONT "$SC_PCSCD_PID" ;;
esac
kill -TERM "$OVT_PID" 2>/dev/null || true
wait_until 12 pid_gone "$OVT_PID" || fail "(c) ovpn-token did not end within 12 s of SIGTERM"
pass
