#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One served cell of the fault matrix (tests/matrix/cells-served.sh):
#   run-served-cell.sh ID STATE FAULT
# Root runs `ovpn-token serve office` (tests/lib/serve.sh: its own mount namespace, users and
# group); anna, a member, runs `connect office` in a terminal (tmux) with her SoftHSM2 token
# holding two certificates when the state is the certificate menu. Invariants besides the
# session's: (d) the tunnel is free within 2 s after its holder leaves in any way, and root's
# openvpn never restarts because a user cancelled (the same openvpn, no back-off said); (e) no
# holder left; (f) anna connects again at once; (g) what she reads names the cause.
set -eu
CELL_ID=$1 STATE=$2 FAULT=$3
MATRIX_DIR=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/testbed.sh
. "$MATRIX_DIR/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$MATRIX_DIR/../lib/serve.sh"
# shellcheck disable=SC2034  # testbed.sh's name for this test's logs and tmux socket
TB_NAME=${CELL_ID//\//.}
note() { echo "CELL-NOTE: $*"; }
serve_bed_init "$@"

PIN=246810
serve_user anna member
CNS=(anna)
[ "$STATE" = cert-menu ] && CNS=(anna anna2)
make_pki "$T" "${CNS[@]}"
serve_token anna "Anna Token" "$PIN" "${CNS[@]}"
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
serve_start office
DIR=/run/ovpn-token/office
OVPN_PID=$(serve_openvpn_pid office)

is_free() { grep -qx "state=HOLD" "$DIR/serve" 2>/dev/null && ! grep -q "^user=" "$DIR/holder" 2>/dev/null; }
serve_pty_connect anna office
case $STATE in
    cert-menu) pty_expect_text "Choose a certificate" 30 "did not reach the certificate menu" ;;
    pin-prompt) pty_expect_text "PIN for token 'Anna Token':" 30 "did not reach the PIN prompt" ;;
    connected) pty_expect_text "PIN for token 'Anna Token':" 30; pty_type "$PIN"
               pty_expect "Connected to 127.0.0.1:$PORT" 30 "did not connect" ;;
esac
CONNECT_PID=$(pty_connect_pid)
LEFT_AT=$SECONDS
case $FAULT in
    ctrl-c) pty_send_keys C-c ;;
    kill-9) kill -9 "$CONNECT_PID" ;;
    serve-restart)
        kill "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null || true
        serve_start office
        OVPN_PID=$(serve_openvpn_pid office) ;;
esac

case $FAULT in
    ctrl-c | kill-9)
        # (d) free within 2 s, the same openvpn, no back-off.
        wait_until 2 is_free || fail "(d) office not free within 2 s of anna leaving: $(grep state= "$DIR/serve" 2>/dev/null)"
        note "free $((SECONDS - LEFT_AT)) s after anna left"
        sleep 2
        pid_alive "$OVPN_PID" || fail "(d) root's openvpn ended because anna left"
        if grep -Eq "starting again|try again in" "$T/serve.log"; then fail "(d) serve restarts its openvpn: $(grep -E 'starting again' "$T/serve.log" | head -n 1)"; fi ;;
    serve-restart)
        # (g) connect comes back by itself, or says that the service stopped and what to run.
        if ! pty_wait_count "Connected to 127.0.0.1:$PORT" 2 40; then
            pty_matches "(service|serve)[^.]*(stopped|restarted|ended|went away)" \
                || fail "(g) connect neither came back nor said that the service stopped: $(pty_screen | grep -v '^$' | tail -n 2 | tr '\n' ' ')"
        fi ;;
esac
# (f) anna connects again at once.
pty_stop
wait_until 10 is_free || fail "(e) office still held after anna's connect ended"
serve_pty_connect anna office
if [ "$STATE" = cert-menu ]; then pty_expect_text "Choose a certificate" 30 "(f) no menu"; pty_type 1; fi
pty_expect_text "PIN for token 'Anna Token':" 30 "(f) no PIN prompt on the next connect"
pty_type "$PIN"
pty_expect "Connected to 127.0.0.1:$PORT" 30 "(f) the next connect did not connect"
pty_send_keys C-c
pass
