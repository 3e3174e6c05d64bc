#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 87-status-tunnels: one list of the tunnels a user may know of (issue 26 point 6).  On one
# machine: root's served tunnel office, the unattended unit's tunnel lab (ovpn-token@lab: root's
# `start --batch` with its status file in /run/ovpn-token/.start/lab/, as the unit runs it) and
# anna's own `start` tunnel home:
#   a) status as anna lists all three with their state (office HOLD, lab CONNECTED, home hers,
#      trying: the test server takes one client at a time); as bob, not anna's own; --json says each one's kind
#   b) the unit's folder is its own: serve and the unit never share one; doctor lab checks the
#      config, never says to start serve for it
# e2e-timeout: 300
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

serve_user anna member
serve_user bob member
make_pki "$T" anna bob
serve_token anna "Anna Token" 1111 anna
serve_token bob "Bob Token" 2222 bob
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
ANNA=$(user_of anna)
serve_start office

log "the unit's tunnel lab (root, bob's token) and anna's own tunnel home"
LAB_CONF="${SERVE_CONF_DIR:-$T/etc}/lab.conf"
write_client_config "$T" "$PORT" "$SOFTHSM_LIB" "$LAB_CONF"
install -m 0600 /dev/null "$T/lab.pin" && echo 2222 > "$T/lab.pin"
install -d -m 0755 /run/ovpn-token/.start/lab
SOFTHSM2_CONF="$T/home-bob/softhsm2.conf" "$OVPN_TOKEN" start --batch --pin-file "$T/lab.pin" \
    --status-file /run/ovpn-token/.start/lab/status "$LAB_CONF" > "$T/lab.out" 2>&1 &
LAB_PID=$!
TB_PIDS+=("$LAB_PID")
cp "$T/pki/ca.crt" "$T/home-anna/ca.crt"
write_client_config "$T/home-anna" "$PORT" "$SOFTHSM_LIB" "$T/home-anna/home.conf"
sed -i "s|^ca .*|ca $T/home-anna/ca.crt|" "$T/home-anna/home.conf"
echo 1111 > "$T/home-anna/pin"
chown "$ANNA:" "$T/home-anna/ca.crt" "$T/home-anna/home.conf" "$T/home-anna/pin"
chmod 600 "$T/home-anna/pin"
as_user anna "$OVPN_TOKEN" start --batch --pin-file "$T/home-anna/pin" "$T/home-anna/home.conf" \
    > "$T/home.out" 2>&1 &
HOME_PID=$!
TB_PIDS+=("$HOME_PID")
wait_for "$T/lab.out" "Connected to 127.0.0.1:$PORT" 40 || fail "lab did not connect: $(cat "$T/lab.out")"
# The test server takes one client at a time (lab's): home keeps trying, and says so.
wait_for "$T/home.out" "Reconnecting" 40 || fail "anna's home did not start: $(cat "$T/home.out")"

log "a) status lists every tunnel with its state"
as_user anna "$OVPN_TOKEN" status > "$T/status-anna.out" 2>&1 || fail "a: status as anna: $(cat "$T/status-anna.out")"
grep -Eq "^office +HOLD +free" "$T/status-anna.out" || fail "a: no office: $(cat "$T/status-anna.out")"
grep -Eq "^lab +CONNECTED +unattended: ovpn-token@lab" "$T/status-anna.out" \
    || fail "a: the unit's tunnel is not listed: $(cat "$T/status-anna.out")"
grep -Eq "^home +[A-Z_]+ +yours: ovpn-token start \(pid [0-9]+\)" "$T/status-anna.out" \
    || fail "a: anna's own tunnel is not listed: $(cat "$T/status-anna.out")"
as_user bob "$OVPN_TOKEN" status > "$T/status-bob.out" 2>&1 || fail "a: status as bob"
grep -q "^home " "$T/status-bob.out" && fail "a: bob sees anna's own tunnel: $(cat "$T/status-bob.out")"
grep -Eq "^lab +CONNECTED" "$T/status-bob.out" || fail "a: bob does not see the unit's tunnel: $(cat "$T/status-bob.out")"
as_user anna "$OVPN_TOKEN" status --json > "$T/status.json" 2>&1 || fail "a: status --json"
python3 - "$T/status.json" <<'PY' || fail "a: status --json: $(cat "$T/status.json")"
import json, sys
kinds = {o["name"]: o["kind"] for o in json.load(open(sys.argv[1]))}
assert kinds == {"office": "served", "lab": "unit", "home": "start"}, kinds
PY
as_user anna "$OVPN_TOKEN" status lab > "$T/status-lab.out" 2>&1 || fail "a: status lab: exit $?: $(cat "$T/status-lab.out")"
grep -Eq "^lab +CONNECTED" "$T/status-lab.out" || fail "a: status lab: $(cat "$T/status-lab.out")"

log "b) the unit's folder is its own; doctor lab checks the right one"
[ ! -e /run/ovpn-token/lab ] || fail "b: the unit's files are in a served tunnel's place"
"$OVPN_TOKEN" doctor lab > "$T/doctor-lab.out" 2>&1 || true
grep -q "ovpn-token-serve@lab\|serve is not running" "$T/doctor-lab.out" \
    && fail "b: doctor lab tells to serve the unit's tunnel: $(cat "$T/doctor-lab.out")"
grep -q "$LAB_CONF" "$T/doctor-lab.out" || fail "b: doctor lab did not check its config: $(cat "$T/doctor-lab.out")"
# The pid status names is anna's ovpn-token itself.
ANNA_START=$(sed -n 's/^home .*(pid \([0-9]*\)).*/\1/p' "$T/status-anna.out")
[ "$(readlink "/proc/$ANNA_START/exe")" = "$OVPN_TOKEN" ] || fail "b: status names pid $ANNA_START for home"
kill -TERM "$LAB_PID" "$ANNA_START"
wait_until 15 pid_gone "$ANNA_START" || fail "anna's start does not stop"
wait_until 15 pid_gone "$LAB_PID" || fail "lab's start does not stop"
as_user anna "$OVPN_TOKEN" status > "$T/status-after.out" 2>&1 || fail "status after"
grep -q "^home " "$T/status-after.out" && fail "anna's ended tunnel is still listed: $(cat "$T/status-after.out")"
pass
