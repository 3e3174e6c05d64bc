#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 86-serve-faults: what a served tunnel survives (issue 26 points 4, 5, 7; issue 25 seams 2, 6):
#   a) an outsider's lock does not keep serve from starting: eve holds a shared lock on every
#      lock file she can open (the world-readable /run/ovpn-token/.NAME.lock of before; serve's
#      own is in its root-only folder, which she cannot enter), and serve starts
#   b) a member who leaves at the certificate menu (Ctrl-C, kill -9), the PIN prompt or the
#      insert-token prompt leaves openvpn held (or at its certificate request) within 2 s: the same openvpn, no "starting it again", no back-off;
#      the next member connects at once
#   c) root restarts serve while anna is connected: connect says the service stopped (or was
#      restarted) and what to run (16)
#   d) a config name of 75 characters is served and connected whole; one of 76 is refused with
#      the rule (2), never cut
#   e) serve says "ready" only from openvpn's own greeting and hold: an openvpn started again
#      that never opens its management interface is not called ready (its dead socket file is
#      still there), and connect is told it is starting
# e2e-timeout: 300
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

serve_user anna member
serve_user bob member
serve_user eve outsider
make_pki "$T" anna anna2 bob
serve_token anna "Anna Token" 1111 anna anna2
serve_token bob "Bob Token" 2222 bob
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
ANNA=$(user_of anna) BOB=$(user_of bob)

# stop_serve: SIGTERM to serve; it ends with 0.
stop_serve() {
    kill -TERM "$SERVE_PID"
    wait_until 15 pid_gone "$SERVE_PID" || fail "$1: serve does not stop"
    wait "$SERVE_PID" 2>/dev/null || true
    SERVE_PID=
}

log "a) an outsider's lock does not keep serve from starting"
serve_start office
stop_serve a
as_user eve python3 - > "$T/eve-lock.out" 2>&1 <<'PY' &
import fcntl, time
held = []
for p in ("/run/ovpn-token/.office.lock", "/run/ovpn-token/.serve/office.lock"):
    try:
        f = open(p)
        fcntl.lockf(f, fcntl.LOCK_SH)
        held.append(f)
        print("locked", p, flush=True)
    except OSError as e:
        print("cannot", p, e.strerror, flush=True)
print("ready", flush=True)
time.sleep(120)
PY
EVE_LOCK=$!
TB_PIDS+=("$EVE_LOCK")
wait_for "$T/eve-lock.out" "^ready" 10 || fail "a: eve's locker did not start: $(cat "$T/eve-lock.out")"
log "a: eve: $(grep -v ready "$T/eve-lock.out" | tr '\n' ';')"
serve_start office
grep -q "^locked /run/ovpn-token/.serve" "$T/eve-lock.out" && fail "a: eve could lock serve's own lock"
OVPN_PID=$(serve_openvpn_pid office)

# left_held WHAT: openvpn holds again within 2 s of the member's leaving, the same process,
# without a restart of serve's; status says free at once.
left_held() {
    wait_until 2 eval '[ "$(serve_holds office)" -gt "$hold_mark" ]' \
        || fail "$1: openvpn did not return to its hold within 2 s: $(tail -5 "$T/serve.log")"
    [ "$(serve_openvpn_pid office)" = "$OVPN_PID" ] && pid_alive "$OVPN_PID" \
        || fail "$1: openvpn was restarted: $(grep "starting it again\|exited\|killed" "$T/serve.log")"
    grep -q "starting it again" "$T/serve.log" && fail "$1: serve restarts openvpn (back-off)"
    grep -q "private key password verification failed" "$T/serve.log" && fail "$1: openvpn failed fatally"
    as_user bob "$OVPN_TOKEN" status > "$T/status-left.out" 2>&1 || fail "$1: status"
    grep -Eq "^office +HOLD +free" "$T/status-left.out" || fail "$1: status: $(cat "$T/status-left.out")"
}

log "b) leaving at the certificate menu or the insert-token prompt: openvpn held, no back-off"
serve_pty_connect anna office
pty_expect_text "Choose a certificate [1-2]:" 30
hold_mark=$(serve_holds office)
pty_send_keys C-c
pty_wait_exit 15 || fail "b: connect did not end on Ctrl-C at the menu"
left_held "b: Ctrl-C at the menu"
pty_stop
serve_pty_connect anna office
pty_expect_text "Choose a certificate [1-2]:" 30
hold_mark=$(serve_holds office)
kill -KILL "$(pty_connect_pid)"
left_held "b: kill -9 at the menu"
pty_stop
serve_pty_connect anna office
pty_expect_text "Choose a certificate [1-2]:" 30
pty_type 1
pty_expect_text "PIN for token 'Anna Token':" 30
hold_mark=$(serve_holds office)
pty_send_keys C-c
pty_wait_exit 15 || fail "b: connect did not end on Ctrl-C at the PIN prompt"
left_held "b: Ctrl-C at the PIN prompt"
pty_stop
# The token out: SoftHSM2 with an empty token folder (without one it would not load at all).
mv "$T/home-anna/tokens" "$T/home-anna/tokens-away"
install -d -m 0700 -o "$ANNA" "$T/home-anna/tokens"
serve_pty_connect anna office
pty_expect_text "Insert the token" 30
hold_mark=$(serve_holds office)
pty_send_keys C-c
pty_wait_exit 15 || fail "b: connect did not end on Ctrl-C at the insert-token prompt"
left_held "b: Ctrl-C at the insert-token prompt"
pty_stop
rmdir "$T/home-anna/tokens"
mv "$T/home-anna/tokens-away" "$T/home-anna/tokens"
# The next member at once, without an administrator.
serve_pty_connect bob office
pty_expect_text "PIN for token 'Bob Token':" 30 "b: bob gets no prompt after anna left"
pty_type 2222
pty_expect "Connected to 127.0.0.1:$PORT" 30 "b: bob is not connected after anna left"
pty_send_keys C-c
pty_expect_exit 0 15
pty_stop

log "c) root restarts serve while anna is connected"
serve_pty_connect anna office
pty_expect_text "Choose a certificate [1-2]:" 30
pty_type 1
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type 1111
pty_expect "Connected to 127.0.0.1:$PORT" 30 "c: anna is not connected"
stop_serve c
pty_expect_exit 16 15
pty_matches "office's service (stopped|was restarted) while you were connected \(by root\)" \
    || fail "c: connect does not say the service stopped: $(pty_screen)"
pty_matches "ovpn-token connect office" || fail "c: connect does not say what to run"
pty_stop
serve_start office

log "d) names: 75 characters whole, 76 refused with the rule"
LONG=$(printf 'n%.0s' $(seq 1 70))-long
[ "${#LONG}" = 75 ] || fail "d: (the long name has ${#LONG} characters)"
serve_config "$LONG" "$PORT"
LONG_CONFIG=$SERVE_CONFIG
OFFICE_PID=$SERVE_PID
"$OVPN_TOKEN" serve --group "$SERVE_GROUP" "$LONG_CONFIG" > "$T/serve-long.log" 2>&1 &
LONG_PID=$!
TB_PIDS+=("$LONG_PID")
wait_for "$T/serve-long.log" "$LONG is ready" 30 || fail "d: the long name is not served: $(cat "$T/serve-long.log")"
as_user bob "$OVPN_TOKEN" status > "$T/status-long.out" 2>&1 || fail "d: status"
grep -Eq "^$LONG +HOLD" "$T/status-long.out" || fail "d: status does not show $LONG whole: $(cat "$T/status-long.out")"
serve_pty_connect bob "$LONG"
pty_expect_text "PIN for token 'Bob Token':" 30 "d: connect $LONG"
pty_type 2222
pty_expect "Connected to 127.0.0.1:$PORT" 30 "d: bob is not connected to $LONG"
pty_send_keys C-c
pty_expect_exit 0 15
pty_stop
kill -TERM "$LONG_PID"
wait_until 15 pid_gone "$LONG_PID" || fail "d: the long serve does not stop"
serve_config "${LONG}x" "$PORT"
timeout 30 "$OVPN_TOKEN" serve --group "$SERVE_GROUP" "$SERVE_CONFIG" > "$T/serve-76.out" 2>&1 && rc=0 || rc=$?
[ "$rc" = 2 ] || fail "d: a 76-character name: exit $rc: $(cat "$T/serve-76.out")"
grep -Fq "cannot name a tunnel (letters, digits, '.', '_', '-' and '@', not starting with '.' or '-', at most 75 characters" "$T/serve-76.out" \
    || fail "d: a 76-character name: $(cat "$T/serve-76.out")"
[ ! -e "/run/ovpn-token/${LONG}x" ] && [ ! -e "/run/ovpn-token/${LONG:0:63}" ] || fail "d: a folder for the refused name"
expect_refusal 2 "is not a tunnel's name (letters, digits" "d: connect with 76" bob "$OVPN_TOKEN" connect "${LONG}x"
SERVE_CONFIG="${SERVE_CONF_DIR:-$T/etc}/office.conf"
SERVE_PID=$OFFICE_PID

log "e) ready only from openvpn's own greeting and hold"
stop_serve e
cat > "$T/openvpn-once" <<SH
#!/bin/sh
# The first run is openvpn; every later one never opens a management interface.
[ -e "$T/openvpn-once.ran" ] && exec sleep 600
touch "$T/openvpn-once.ran"
exec "$OPENVPN" "\$@"
SH
chmod 755 "$T/openvpn-once"
serve_start office --openvpn "$T/openvpn-once"
OVPN_PID=$(serve_openvpn_pid office)
kill -KILL "$OVPN_PID"
wait_for "$T/serve.log" "starting it again in 1 s" 5 || fail "e: serve did not start openvpn again"
sleep 4
[ "$(grep -c "office is ready" "$T/serve.log")" = 1 ] \
    || fail "e: serve said ready for an openvpn that never greeted it: $(grep "ready" "$T/serve.log")"
grep -qx "state=STARTING" /run/ovpn-token/office/serve || fail "e: serve file: $(cat /run/ovpn-token/office/serve)"
expect_refusal 16 "office's openvpn is starting" "e: connect to an openvpn not there" bob "$OVPN_TOKEN" connect office
stop_serve e
pass
