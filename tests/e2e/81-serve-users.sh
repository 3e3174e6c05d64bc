#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 81-serve-users: one served tunnel, several users.  anna and bob are in the group (as a
# supplementary group), each with a token and certificate of their own; eve is not in it:
#   a) anna holds office; bob is told "office is in use by anna since HH:MM" (exit 17)
#   b) eve is told to ask an administrator (exit 18), and the kernel itself keeps her from the
#      socket (EACCES); anna in a login older than her group membership is told to log in again
#   c) status as bob (text and --json) shows anna holding it; as eve, that she is not in the
#      group; doctor office says the same with its OK/WARN/FAIL lines
#   d) disconnect: bob may not take anna's tunnel down (18), anna may (0), and her connect ends
#   e) bob connects next, with his own certificate: openvpn asks for it anew (serve's SIGHUP
#      restart: a SIGUSR1 one keeps anna's certificate in OpenVPN 2.7, and in 2.6 with
#      persist-key, which this config has), the server sees CN=bob
#   f) root disconnects bob; disconnect with nobody holding it is fine (0)
#   g) bob cannot write the holder file (serve's, root's) while anna holds office; status still
#      names anna (the connection serve took is what counts)
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

serve_user anna member
serve_user bob member
serve_user eve outsider
make_pki "$T" anna bob
serve_token anna "Anna Token" 1111 anna
serve_token bob "Bob Token" 2222 bob
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
# What makes a SIGUSR1 restart keep the certificate in 2.6 too (2.7 always keeps it).
echo "persist-key" >> "$SERVE_CONFIG"
ANNA=$(user_of anna) BOB=$(user_of bob) EVE=$(user_of eve)
serve_start office

log "a) anna holds office; bob is told so"
server_log_mark "$T"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type 1111
pty_expect "Connected to 127.0.0.1:$PORT" 30 "a: anna is not connected"
server_log_since "$T" | grep -q "CN=anna" || fail "a: the server did not see anna's certificate"
wait_for "$T/serve.log" "office is held by $ANNA" 3 || fail "a: serve did not see anna hold office"
expect_refusal 17 "office is in use by $ANNA since " "a: bob while anna holds it" bob "$OVPN_TOKEN" connect office
grep -Eq "since [0-2][0-9]:[0-5][0-9]$" "$T/refusal.out" || fail "a: no HH:MM in: $(cat "$T/refusal.out")"
pty_has_text "Connected to 127.0.0.1:$PORT" || fail "a: anna's session was disturbed"

log "b) eve is not in the group"
expect_refusal 18 "you ($EVE) are not in the group $SERVE_GROUP, whose members may use office: ask an administrator: sudo adduser $EVE $SERVE_GROUP (then log in again)" \
    "b: eve" eve "$OVPN_TOKEN" connect office
# The kernel's own answer to her, whatever ovpn-token says: the folder is closed to her.
as_user eve python3 - /run/ovpn-token/office/management.sock > "$T/eve-socket.out" 2>&1 <<'PY' \
    || fail "b: eve reached the socket: $(cat "$T/eve-socket.out")"
import errno, socket, sys
s = socket.socket(socket.AF_UNIX)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print(errno.errorcode.get(e.errno, e.errno))
    sys.exit(0 if e.errno == errno.EACCES else 1)
sys.exit(1)
PY
grep -qx EACCES "$T/eve-socket.out" || fail "b: eve's connect failed otherwise: $(cat "$T/eve-socket.out")"
AS_USER_GROUPS=--clear-groups expect_refusal 18 "you ($ANNA) were added to the group $SERVE_GROUP after this login began: log in again" \
    "b: anna without the group in this login" anna "$OVPN_TOKEN" connect office

log "c) status as bob and as eve"
as_user bob "$OVPN_TOKEN" status > "$T/status-bob.out" 2>&1 || fail "c: status as bob: $(cat "$T/status-bob.out")"
grep -Eq "^office +RUNNING +$ANNA since [0-2][0-9]:[0-5][0-9], CONNECTED" "$T/status-bob.out" \
    || fail "c: status as bob: $(cat "$T/status-bob.out")"
as_user bob "$OVPN_TOKEN" status --json > "$T/status-bob.json" 2>&1 || fail "c: status --json"
python3 - "$T/status-bob.json" "$ANNA" "$SERVE_GROUP" <<'PY' || fail "c: status --json: $(cat "$T/status-bob.json")"
import json, sys
t = json.load(open(sys.argv[1]))
assert len(t) == 1, t
o = t[0]
assert o["name"] == "office" and o["served"] is True and o["member"] is True, o
assert o["group"] == sys.argv[3] and o["state"] == "RUNNING", o
h = o["holder"]
assert h["user"] == sys.argv[2] and h["state"] == "CONNECTED" and h["since"].endswith("Z"), h
PY
as_user eve "$OVPN_TOKEN" status > "$T/status-eve.out" 2>&1 || fail "c: status as eve: $(cat "$T/status-eve.out")"
grep -Eq "^office +\? +you are not in its group $SERVE_GROUP" "$T/status-eve.out" \
    || fail "c: status as eve: $(cat "$T/status-eve.out")"
grep -q "$ANNA" "$T/status-eve.out" && fail "c: eve is shown who holds office"

# doctor NAME: what connect needs, for each of them (the token checks are the usual ones).
as_user bob "$OVPN_TOKEN" doctor office > "$T/doctor-bob.out" 2>&1 || true
for line in "OK   tunnel office is served (serve pid $SERVE_PID) to the group $SERVE_GROUP" \
    "OK   you ($BOB) are in the group $SERVE_GROUP" \
    "OK   its management socket /run/ovpn-token/office/management.sock is there and yours to reach" \
    "WARN tunnel office is in use by $ANNA since " "OK   token 'Bob Token'"; do
    grep -Fq -- "$line" "$T/doctor-bob.out" || fail "c: doctor as bob lacks '$line': $(cat "$T/doctor-bob.out")"
done
grep -q "^OK   openvpn" "$T/doctor-bob.out" && fail "c: doctor checked root's openvpn for bob"
as_user eve "$OVPN_TOKEN" doctor office > "$T/doctor-eve.out" 2>&1 && rc=0 || rc=$?
[ "$rc" = 11 ] || fail "c: doctor as eve: exit $rc: $(cat "$T/doctor-eve.out")"
grep -Fq "FAIL you ($EVE) are not in the group $SERVE_GROUP -- hint: ask an administrator: sudo adduser $EVE $SERVE_GROUP, then log in again" \
    "$T/doctor-eve.out" || fail "c: doctor as eve: $(cat "$T/doctor-eve.out")"

log "d) disconnect: not bob, not eve; anna"
expect_refusal 18 "office is held by $ANNA, not by you" "d: bob disconnects anna" bob "$OVPN_TOKEN" disconnect office
expect_refusal 18 "you ($EVE) are not in the group $SERVE_GROUP" "d: eve disconnects" eve "$OVPN_TOKEN" disconnect office
pty_has_text "Connected to 127.0.0.1:$PORT" || fail "d: anna's session ended by a refused disconnect"
server_log_mark "$T"
as_user anna "$OVPN_TOKEN" disconnect office > "$T/disconnect-anna.out" 2>&1 \
    || fail "d: anna's disconnect: $(cat "$T/disconnect-anna.out")"
grep -Fq "office is down" "$T/disconnect-anna.out" || fail "d: disconnect says: $(cat "$T/disconnect-anna.out")"
pty_expect_exit 0 10
wait_until 3 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset|client-instance (exiting|restarting)"' \
    || fail "d: the server did not see anna's tunnel go"
pty_stop

log "e) bob next, with his own certificate"
wait_for "$T/serve.log" "office is free" 5 || fail "e: serve did not see office free"
server_log_mark "$T"
serve_pty_connect bob office
pty_expect_text "PIN for token 'Bob Token':" 30
pty_type 2222
pty_expect "Connected to 127.0.0.1:$PORT" 30 "e: bob is not connected (openvpn kept anna's certificate?)"
server_log_since "$T" | grep -q "CN=bob" || fail "e: the server did not see bob's certificate"
server_log_since "$T" | grep -q "CN=anna" && fail "e: the server saw anna's certificate for bob's login"

log "f) root disconnects bob; nobody left to disconnect"
"$OVPN_TOKEN" disconnect office > "$T/disconnect-root.out" 2>&1 || fail "f: root's disconnect: $(cat "$T/disconnect-root.out")"
grep -Fq "Asked $BOB's ovpn-token connect" "$T/disconnect-root.out" || fail "f: disconnect says: $(cat "$T/disconnect-root.out")"
pty_expect_exit 0 10
as_user bob "$OVPN_TOKEN" disconnect office > "$T/disconnect-none.out" 2>&1 || fail "f: disconnect of nobody: $(cat "$T/disconnect-none.out")"
grep -Fq "office is not connected: nobody holds it" "$T/disconnect-none.out" || fail "f: says: $(cat "$T/disconnect-none.out")"
pty_stop

log "g) the holder file is serve's: a member cannot forge it"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type 1111
pty_expect "Connected to 127.0.0.1:$PORT" 30 "g: anna is not connected again"
# The holder file is serve's word (root's, the group only reads it): a member cannot forge it.
as_user bob sh -c 'printf "user=root\nuid=0\npid=1\n" > /run/ovpn-token/office/holder' 2>/dev/null \
    && fail "g: bob, a member, could write the holder file"
[ "$(stat -c '%a %U' /run/ovpn-token/office/holder)" = "640 root" ] || fail "g: holder file $(stat -c '%a %U' /run/ovpn-token/office/holder)"
as_user bob "$OVPN_TOKEN" status > "$T/status-forged.out" 2>&1 || fail "g: status"
grep -Eq "^office +RUNNING +$ANNA( |$)" "$T/status-forged.out" \
    || fail "g: status believes the forged file: $(cat "$T/status-forged.out")"
pty_has_text "Connected to 127.0.0.1:$PORT" || fail "g: anna's session ended by a forged disconnect"
pty_send_keys C-c
pty_expect_exit 0 15
pass
