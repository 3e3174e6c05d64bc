#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 85-serve-broker: serve is the broker of openvpn's management connection; members reach only
# serve (issue 26, points 1-3).  bob's and anna's raw clients (any program of a member's) on the
# members' socket:
#   a) bob's raw client gets only the allow-list: every other command (signal SIGTERM, kill,
#      remote, proxy, echo, hold off, client-kill, log all, state all, ...) is answered
#      "ERROR:" and named in serve's journal; root's openvpn is the same process after
#   b) the holder is the connection serve took: anna's raw client holds office; status and the
#      journal name her (uid, pid); bob's connect is told at once "office is in use by anna
#      since HH:MM" (17), not left in a backlog; when her client ends, office is free again
#   c) the next member sees nothing of the last session: after anna's connect (CONNECTED),
#      bob's raw client asks "log on", "state on", "log all", "state all", "echo all": no line
#      of anna's session reaches him
# e2e-timeout: 300
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

RAW="$(cd "$(dirname "$0")/../lib" && pwd)/raw_member.py"
serve_user anna member
serve_user bob member
make_pki "$T" anna bob
serve_token anna "Anna Token" 1111 anna
serve_token bob "Bob Token" 2222 bob
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
ANNA=$(user_of anna) BOB=$(user_of bob)
SOCK=/run/ovpn-token/office/management.sock
serve_start office
OVPN_PID=$(serve_openvpn_pid office)

log "a) a member's raw client gets only the allow-list"
REFUSED=("signal SIGTERM" "signal SIGUSR2" "kill 127.0.0.1:1" "remote ACCEPT" "proxy NONE"
    "echo on" "hold off" "client-kill 1" 'username "HTTP Proxy" x' "log all" "state all"
    "status" "help" "exit" 'hold\x01 release' 'log on all' "auth-retry none" "verb 11")
as_user bob python3 "$RAW" "$SOCK" "${REFUSED[@]}" > "$T/raw-a.out" 2>&1 \
    || fail "a: bob's raw client: $(cat "$T/raw-a.out")"
grep -q "^<< >INFO:OpenVPN Management Interface Version" "$T/raw-a.out" \
    || fail "a: no greeting for bob: $(cat "$T/raw-a.out")"
[ "$(grep -c '^<< ERROR: ' "$T/raw-a.out")" = "${#REFUSED[@]}" ] \
    || fail "a: ${#REFUSED[@]} commands, not as many ERROR lines: $(cat "$T/raw-a.out")"
grep -q "^<< SUCCESS" "$T/raw-a.out" && fail "a: a refused command succeeded: $(cat "$T/raw-a.out")"
grep -q "^<< >STATE\|^<< >LOG\|^<< END" "$T/raw-a.out" && fail "a: bob got history: $(cat "$T/raw-a.out")"
for verb in signal kill remote proxy echo hold client-kill username log state status help exit; do
    grep -q "office: refused $BOB's command '$verb'" "$T/serve.log" \
        || fail "a: serve's journal does not name bob's '$verb': $(grep refused "$T/serve.log")"
done
grep -q "HTTP Proxy\" x\|refused.* x$" "$T/serve.log" && fail "a: a refused command's arguments are in the journal"
sleep 1
pid_alive "$OVPN_PID" && [ "$(serve_openvpn_pid office)" = "$OVPN_PID" ] \
    || fail "a: root's openvpn did not survive bob's commands"
grep -q "SIGTERM\[" "$T/serve.log" && fail "a: openvpn got a SIGTERM"
# Allowed: its reply comes back (the hold query).
as_user bob python3 "$RAW" "$SOCK" "hold" > "$T/raw-a2.out" 2>&1 || true
grep -q "^<< SUCCESS: hold=1" "$T/raw-a2.out" || fail "a: 'hold' got no reply: $(cat "$T/raw-a2.out")"

log "b) the holder is the connection serve took"
as_user anna python3 "$RAW" "$SOCK" --stay > "$T/raw-b.out" 2>&1 &
RAW_PID=$!
TB_PIDS+=("$RAW_PID")
wait_for "$T/raw-b.out" "^<< >HOLD:" 10 || fail "b: anna's raw client got no hold: $(cat "$T/raw-b.out")"
wait_for "$T/serve.log" "office is held by $ANNA \\(uid $(id -u "$ANNA"), pid [0-9]+\\)" 3 \
    || fail "b: serve's journal does not name anna: $(tail -5 "$T/serve.log")"
# The pid serve names is the raw client's own (the kernel's word), the one that ends below.
HOLDER_PID=$(sed -n "s/^office is held by $ANNA (uid [0-9]*, pid \([0-9]*\))$/\1/p" "$T/serve.log" | tail -1)
tr '\0' ' ' < "/proc/$HOLDER_PID/cmdline" 2>/dev/null | grep -q "raw_member.py $SOCK --stay" \
    || fail "b: serve names pid $HOLDER_PID ($(tr '\0' ' ' < "/proc/$HOLDER_PID/cmdline" 2>&1)), not anna's raw client"
as_user bob "$OVPN_TOKEN" status > "$T/status-b.out" 2>&1 || fail "b: status as bob"
grep -Eq "^office +RUNNING +$ANNA since [0-2][0-9]:[0-5][0-9]" "$T/status-b.out" \
    || fail "b: status does not name anna: $(cat "$T/status-b.out")"
start_ms=$(date +%s%N)
expect_refusal 17 "office is in use by $ANNA since " "b: bob while anna's client holds it" bob \
    timeout 20 "$OVPN_TOKEN" connect office
[ $(( ($(date +%s%N) - start_ms) / 1000000 )) -lt 5000 ] || fail "b: bob was told only after $(( ($(date +%s%N) - start_ms) / 1000000 )) ms"
grep -Eq "since [0-2][0-9]:[0-5][0-9]$" "$T/refusal.out" || fail "b: no HH:MM in: $(cat "$T/refusal.out")"
# A raw client of bob's is told the same at once, in one line, and let go.
as_user bob python3 "$RAW" "$SOCK" > "$T/raw-b2.out" 2>&1 || true
grep -q "^<< ERROR: office is in use by $ANNA since " "$T/raw-b2.out" || fail "b: bob's raw client: $(cat "$T/raw-b2.out")"
grep -q "^<<EOF" "$T/raw-b2.out" || fail "b: bob's raw client was kept: $(cat "$T/raw-b2.out")"
kill "$HOLDER_PID"
wait_for "$T/serve.log" "$ANNA's connection \\(uid $(id -u "$ANNA"), pid $HOLDER_PID\\) ended; office is free" 3 \
    || fail "b: serve did not see anna's client go"
as_user bob "$OVPN_TOKEN" status > "$T/status-b2.out" 2>&1 || fail "b: status as bob"
grep -Eq "^office +HOLD +free" "$T/status-b2.out" || fail "b: status after anna's client: $(cat "$T/status-b2.out")"

log "c) the next member sees nothing of the last session"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type 1111
pty_expect "Connected to 127.0.0.1:$PORT" 30 "c: anna is not connected"
hold_mark=$(serve_holds office)
pty_send_keys C-c
pty_expect_exit 0 15
pty_stop
wait_until 10 eval '[ "$(serve_holds office)" -gt "$hold_mark" ]' || fail "c: openvpn did not hold again"
as_user bob python3 "$RAW" "$SOCK" --seconds 2 "log on" "state on" "log all" "state all" \
    "echo all" "state" "log 100" "echo on all" > "$T/raw-c.out" 2>&1 || true
grep -q "^<< SUCCESS: real-time log notification set to ON" "$T/raw-c.out" \
    || fail "c: 'log on' is allowed: $(cat "$T/raw-c.out")"
# (The refusals name the allow-list, pk-sig among it: what came from openvpn is the rest.)
grep -v "^<< ERROR: " "$T/raw-c.out" > "$T/raw-c-openvpn.out" || true
for what in CONNECTED "Initialization Sequence Completed" "Peer Connection Initiated" \
    "$PORT" "127.0.0.1" "anna" "Anna" "pk-sig" "PK_SIGN" "NEED-CERTIFICATE" "CN="; do
    grep -Fq -- "$what" "$T/raw-c-openvpn.out" && fail "c: bob sees '$what' of anna's session: $(cat "$T/raw-c.out")"
done
[ "$(grep -c '^<< ERROR: ' "$T/raw-c.out")" = 6 ] || fail "c: the history commands are not all refused: $(cat "$T/raw-c.out")"
pass
