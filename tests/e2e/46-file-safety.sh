#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 46-file-safety: the files ovpn-token writes cannot be turned against another file, and do not
# take the umask; the files it reads secrets from must be private.
#   a) --log naming a link planted to another file: refused (exit 2) before openvpn starts, the
#      other file untouched;
#   b) the log openvpn writes (usernames, challenge answers) is 0600 under umask 022, and an
#      older, world-readable one is made private;
#   c) a link planted where the status file's temporary went (FILE.tmp) is not written through,
#      and the status file itself is 0644 under umask 077 (for monitors);
#   d) the instance lock replaced by a link: refused with exit 15 (not restarted by the unit),
#      the other file untouched;
#   e) (root) a state folder that belongs to another user: refused with exit 15;
#   f) a management password file others can read is refused (exit 2) like a PIN file.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=246810
bed_up "Test Token" "$PIN" client1
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
# The state folder (instance locks) of this test only.
export XDG_STATE_HOME="$T/state"
printf 'precious\n' > "$T/victim"
chmod 644 "$T/victim"

victim_untouched() {
    [ "$(cat "$T/victim")" = precious ] || fail "$1: the other file was written: $(head -c 200 "$T/victim")"
    [ "$(stat -c %a "$T/victim")" = 644 ] || fail "$1: the other file's mode changed"
}

# run_refused NAME CODE TEXT ARGS...: ovpn-token ARGS ends at once with CODE, saying TEXT.
run_refused() {
    local name=$1 code=$2 text=$3 rc; shift 3
    set +e
    timeout 30 env XDG_STATE_HOME="$XDG_STATE_HOME" "$OVPN_TOKEN" "$@" </dev/null >"$T/$name.out" 2>"$T/$name.err"
    rc=$?
    set -e
    [ "$rc" = "$code" ] || fail "$name: exit $rc, expected $code: $(cat "$T/$name.err")"
    grep -Fq -- "$text" "$T/$name.err" || fail "$name: no '$text' in: $(cat "$T/$name.err")"
    [ -z "$(openvpn_pid_for "$T/client.conf")" ] || fail "$name: openvpn was started"
}

# connect_and_stop NAME ARGS...: start ARGS in the pty, connected, then Ctrl-C.
connect_and_stop() {
    local name=$1; shift
    pty_start env XDG_STATE_HOME="$XDG_STATE_HOME" "$@"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "$name: not connected"
    pty_send_keys C-c
    pty_expect_text "OpenVPN stopped." 20
    pty_expect_exit 0 10
    pty_stop
    wait_listening "$PORT" || true
}

log "a) --log is a link to another file"
ln -s "$T/victim" "$T/a.log"
run_refused a 2 "cannot write the log file $T/a.log: it is a symbolic link" \
    start --batch --pin-file "$T/pin" --log "$T/a.log" "$T/client.conf"
victim_untouched a

log "b) the log is private whatever the umask; an old open one is made private"
printf 'an earlier run\n' > "$T/b2.log"
chmod 644 "$T/b2.log"
connect_and_stop b sh -c "umask 022; exec '$OVPN_TOKEN' start --batch --pin-file '$T/pin' --log '$T/b.log' '$T/client.conf'"
[ "$(stat -c %a "$T/b.log")" = 600 ] || fail "b: the new log has mode $(stat -c %a "$T/b.log")"
grep -q "Initialization Sequence Completed" "$T/b.log" || fail "b: openvpn did not log into it"
connect_and_stop b2 sh -c "umask 022; exec '$OVPN_TOKEN' start --batch --pin-file '$T/pin' --log '$T/b2.log' '$T/client.conf'"
[ "$(stat -c %a "$T/b2.log")" = 600 ] || fail "b: the old log still has mode $(stat -c %a "$T/b2.log")"
head -n 1 "$T/b2.log" | grep -qx "an earlier run" || fail "b: the old log lost its content"

log "c) a link where the status file's temporary went"
ln -s "$T/victim" "$T/status.tmp"
connect_and_stop c sh -c "umask 077; exec '$OVPN_TOKEN' start --batch --pin-file '$T/pin' --status-file '$T/status' --log '$T/c.log' '$T/client.conf'"
victim_untouched c
grep -qx "state=EXITED" "$T/status" || fail "c: status file: $(cat "$T/status")"
[ "$(stat -c %a "$T/status")" = 644 ] || fail "c: the status file has mode $(stat -c %a "$T/status")"
[ "$(find "$T" -maxdepth 1 -name 'status.*' ! -name status.tmp | wc -l)" = 0 ] \
    || fail "c: temporaries left: $(ls "$T"/status.*)"

log "d) the instance lock replaced by a link"
lock=$(find "$XDG_STATE_HOME/ovpn-token" -name 'client-*.lock' | head -n 1)
[ -n "$lock" ] || fail "d: no instance lock in $XDG_STATE_HOME/ovpn-token: $(ls -la "$XDG_STATE_HOME/ovpn-token")"
[ "$(stat -c %a "$lock")" = 600 ] || fail "d: the lock has mode $(stat -c %a "$lock")"
rm -f "$lock"
ln -s "$T/victim" "$lock"
run_refused d 15 "symbolic link" start --batch --pin-file "$T/pin" --log "$T/d.log" "$T/client.conf"
victim_untouched d
rm -f "$lock"

log "e) a state folder of another user"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$T/other/ovpn-token"
    chown -R 65534:65534 "$T/other"
    XDG_STATE_HOME="$T/other" run_refused e 15 "belongs to another user" \
        start --batch --pin-file "$T/pin" --log "$T/e.log" "$T/client.conf"
else
    log "(e: needs root to give a folder to another user)"
fi

log "f) a management password file others can read"
printf 's3cret-Pw\n' > "$T/mgmt.pw"
chmod 644 "$T/mgmt.pw"
mport=$(free_port)
openvpn --config "$T/client.conf" --log "$T/f-openvpn.log" --management 127.0.0.1 "$mport" "$T/mgmt.pw" \
    --management-query-passwords --management-hold --pkcs11-id-management &
TB_PIDS+=("$!")
wait_for "$T/f-openvpn.log" "MANAGEMENT: TCP Socket listening" 15 || fail "f: openvpn's management is not listening"
set +e
timeout 30 "$OVPN_TOKEN" attach --batch --management-password-file "$T/mgmt.pw" "127.0.0.1:$mport" \
    </dev/null >"$T/f.out" 2>"$T/f.err"
rc=$?
set -e
[ "$rc" = 2 ] || fail "f: exit $rc, expected 2: $(cat "$T/f.err")"
grep -Fq "refusing the management password file" "$T/f.err" && grep -Fq "can be read by other users" "$T/f.err" \
    || fail "f: the reason is not said: $(cat "$T/f.err")"
pass
