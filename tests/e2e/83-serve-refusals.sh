#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 83-serve-refusals: what serve refuses and what it survives, each said with what to do:
#   a) not root (18); a group that does not exist, named or the default ovpn-token (2); a config
#      start --external-key refuses (2)
#   b) an openvpn that fails before its management interface is up: exit 3, no folder left
#   c) a second serve of the same name (13)
#   d) openvpn dies (kill -9): serve starts it again (RESTARTING, then HOLD), a user connects
#   e) serve itself killed (kill -9): openvpn ends with it; the folder left behind is named
#      "not served" by connect (16) and status; a new serve takes it over
#   f) a served-looking folder whose socket is not root's openvpn's: connect refuses it (4) before
#      it says anything to it
#   g) bad names (2), and status with nothing served
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

serve_user anna member
make_pki "$T" anna
serve_token anna "Anna Token" 1111 anna
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
DIR=/run/ovpn-token/office

# serve_once WHAT CODE TEXT [serve options] [config]: serve as root exits CODE saying TEXT.
serve_once() {
    local what=$1 code=$2 text=$3 rc
    shift 3
    timeout 60 "$OVPN_TOKEN" serve "$@" >"$T/once.out" 2>&1 && rc=0 || rc=$?
    [ "$rc" = "$code" ] || fail "$what: exit $rc, expected $code: $(cat "$T/once.out")"
    grep -Fq -- "$text" "$T/once.out" || fail "$what: says '$(cat "$T/once.out")', expected '$text'"
    # Its folder is gone with it (unless another serve runs: c).
    [ -n "$SERVE_PID" ] || [ ! -e "$DIR" ] || fail "$what: $DIR is left behind"
}

log "a) not root, no group, a refused config"
expect_refusal 18 "serve runs openvpn for others and makes its tunnel: run it as root" "a: anna" \
    anna "$OVPN_TOKEN" serve --group "$SERVE_GROUP" "$SERVE_CONFIG"
serve_once "a: no group" 2 "there is no group 'ovtk-none-$$' for the users of office: create it (groupadd --system ovtk-none-$$" \
    --group "ovtk-none-$$" "$SERVE_CONFIG"
# Without --group: the group the unit's serve uses, which the package and make install create.
if getent group ovpn-token >/dev/null; then
    log "a: (this machine has a group ovpn-token: serve's default is not tried here)"
else
    serve_once "a: the default group" 2 "there is no group 'ovpn-token' for the users of office" "$SERVE_CONFIG"
fi
cp "$SERVE_CONFIG" "$T/daemon.conf"
echo "daemon" >> "$T/daemon.conf"
serve_once "a: daemon" 2 "$T/daemon.conf line $(wc -l < "$T/daemon.conf"):" --group "$SERVE_GROUP" "$T/daemon.conf"

log "b) openvpn fails before its management interface is up"
cp "$SERVE_CONFIG" "$T/broken.conf"
echo "no-such-option-here 1" >> "$T/broken.conf"
serve_once "b: broken config" 3 "before its management interface was up" --group "$SERVE_GROUP" "$T/broken.conf"
grep -Fq "no-such-option-here" "$T/once.out" || fail "b: openvpn's own words are not shown: $(cat "$T/once.out")"

log "c) one serve per name"
serve_start office
serve_once "c: second serve" 13 "office is served already (ovpn-token serve, pid $SERVE_PID)" \
    --group "$SERVE_GROUP" "$SERVE_CONFIG"
[ -S "$DIR/management.sock" ] || fail "c: the second serve took the first one's socket"

log "d) openvpn killed: serve starts it again"
OVPN_PID=$(serve_openvpn_pid office)
kill -KILL "$OVPN_PID"
wait_for "$T/serve.log" "openvpn was killed by SIGKILL; starting it again in 1 s" 5 \
    || fail "d: serve did not say it starts openvpn again"
wait_until 10 eval '[ "$(grep -c "office is ready" "$T/serve.log")" -ge 2 ]' || fail "d: openvpn is not ready again"
NEW_PID=$(serve_openvpn_pid office)
[ -n "$NEW_PID" ] && [ "$NEW_PID" != "$OVPN_PID" ] && pid_alive "$NEW_PID" || fail "d: no new openvpn ($NEW_PID)"
wait_until 3 grep -qx "state=HOLD" "$DIR/serve" || fail "d: serve file: $(cat "$DIR/serve")"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type 1111
pty_expect "Connected to 127.0.0.1:$PORT" 30 "d: no connection through the new openvpn"
pty_send_keys C-c
pty_expect_exit 0 15
pty_stop

log "e) serve killed: its openvpn goes too, the folder left is not served"
OVPN_PID=$(serve_openvpn_pid office)
kill -KILL "$SERVE_PID"
wait "$SERVE_PID" 2>/dev/null || true
SERVE_PID=
wait_until 5 pid_gone "$OVPN_PID" || fail "e: openvpn outlived a killed serve"
[ -d "$DIR" ] || fail "e: (the folder of a killed serve should be there)"
expect_refusal 16 "office is not being served (its serve has ended): sudo systemctl start ovpn-token-serve@office" \
    "e: connect to a dead serve" anna "$OVPN_TOKEN" connect office
as_user anna "$OVPN_TOKEN" status > "$T/status-dead.out" 2>&1 || fail "e: status"
grep -Eq "^office +- +not served" "$T/status-dead.out" || fail "e: status: $(cat "$T/status-dead.out")"
serve_start office
wait_until 3 grep -qx "state=HOLD" "$DIR/serve" || fail "e: the new serve: $(cat "$DIR/serve")"

log "f) a socket not served by root's openvpn gets nothing"
# A folder as serve makes one, its lock held, but the socket's server runs as bob: it bound the
# socket as root and dropped to bob before listening (the peer's credentials are listen()'s).
serve_user bob member
FAKE=/run/ovpn-token/fake
install -d -m 0750 -g "$SERVE_GROUP" "$FAKE"
install -m 0660 -g "$SERVE_GROUP" /dev/null "$FAKE/holder"
# serve's word that it runs is its file's pid, a live process of root's (init here).
printf 'state=HOLD\npid=1\nopenvpn_pid=1\nprovider=%s\n' "$SOFTHSM_LIB" > "$FAKE/serve"
chgrp "$SERVE_GROUP" "$FAKE/serve" && chmod 0640 "$FAKE/serve"
python3 - /run/ovpn-token/.fake.lock "$FAKE/management.sock" "$(id -u "$(user_of bob)")" \
    "$(id -g "$(user_of bob)")" > "$T/fake.out" 2>&1 <<'PY' &
import fcntl, os, socket, sys, time
lock = open(sys.argv[1], "w")
fcntl.lockf(lock, fcntl.LOCK_EX)
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[2])
os.chmod(sys.argv[2], 0o666)
os.setgid(int(sys.argv[4]))
os.setuid(int(sys.argv[3]))
s.listen(1)
print("listening", flush=True)
s.settimeout(30)
c, _ = s.accept()
c.sendall(b">INFO:OpenVPN Management Interface Version 5 -- type 'help' for more info\r\n"
          b">HOLD:Waiting for hold release:0\r\n")
got = b""
c.settimeout(3)
try:
    while True:
        d = c.recv(4096)
        if not d:
            break
        got += d
except OSError:
    pass
print("got", got, flush=True)
PY
TB_PIDS+=("$!")
wait_for "$T/fake.out" "listening" 10 || fail "f: the fake server did not start: $(cat "$T/fake.out")"
expect_refusal 4 "the management socket is served by $(user_of bob) (process " "f: connect to bob's socket" \
    anna "$OVPN_TOKEN" connect fake
grep -Fq "not by root; refusing" "$T/refusal.out" || fail "f: says: $(cat "$T/refusal.out")"
wait_for "$T/fake.out" "^got" 10 || true
grep -q "hold release\|certificate\|pk-sig" "$T/fake.out" && fail "f: bob's socket got an answer: $(cat "$T/fake.out")"
rm -rf "$FAKE"

log "g) names"
expect_refusal 2 "'../x' is not a tunnel's name" "g: connect ../x" anna "$OVPN_TOKEN" connect ../x
expect_refusal 2 "'.office.lock' is not a tunnel's name" "g: disconnect .office.lock" anna "$OVPN_TOKEN" disconnect .office.lock
expect_refusal 16 "lab is not being served: sudo systemctl start ovpn-token-serve@lab" "g: connect lab" \
    anna "$OVPN_TOKEN" connect lab
kill -TERM "$SERVE_PID"
wait_until 15 pid_gone "$SERVE_PID" || fail "g: serve does not stop"
SERVE_PID=
as_user anna "$OVPN_TOKEN" status > "$T/status-none.out" 2>&1 || fail "g: status with nothing"
grep -Fxq "No tunnel here: none served (/run/ovpn-token), no unattended ovpn-token@NAME, none started by you." "$T/status-none.out" \
    || fail "g: status with nothing: $(cat "$T/status-none.out")"
pass
