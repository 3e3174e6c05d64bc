#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 45-one-instance: one ovpn-token per config, however the config is named, and nothing of a
# killed one left behind.
#   a) while one runs for client.conf, a second start through a link to it, through
#      "sub/../client.conf" and as "./client.conf" ends at once with exit 13 and starts no
#      second openvpn;
#   b) two configs called office.conf in two folders get two default logs, each with its own run;
#   c) the run folder (with the management socket) of an ovpn-token killed with SIGKILL is removed
#      by the next start, which keeps its own.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=975310
bed_up "Test Token" "$PIN" client1
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
mkdir -m 700 "$T/state" "$T/rt" "$T/sub"
# This test's own state folder (locks, default logs) and run folders.
ENVS=(env XDG_STATE_HOME="$T/state" XDG_RUNTIME_DIR="$T/rt")

# The openvpn processes ovpn-token started (the server has no --management-hold).
openvpn_count() { pgrep -f -- "--config $T/.*--management-hold" | while read -r p; do
    [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$OPENVPN")" ] && echo "$p"; done | wc -l; }

# ovpn_token_pid: the ovpn-token process in the pty.
ovpn_token_pid() {
    local p
    for p in $(descendants "$(pty_pid)"); do
        if [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$OVPN_TOKEN")" ]; then echo "$p"; return; fi
    done
}

stop_pty_run() {
    pty_send_keys C-c
    pty_expect_text "OpenVPN stopped." 20
    pty_expect_exit 0 10
    pty_stop
    wait_listening "$PORT" || true
}

log "a) a second start of the same config, named another way"
pty_start "${ENVS[@]}" "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/a.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
ln -s client.conf "$T/link.conf"
for name in "$T/link.conf" "$T/sub/../client.conf" ./client.conf; do
    set +e
    (cd "$T" && timeout 30 "${ENVS[@]}" "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/a2.log" "$name" \
        </dev/null >"$T/a2.out" 2>"$T/a2.err")
    rc=$?
    set -e
    [ "$rc" = 13 ] || fail "a: '$name': exit $rc, expected 13: $(cat "$T/a2.err")"
    grep -Fq "ovpn-token is already running for" "$T/a2.err" || fail "a: '$name': $(cat "$T/a2.err")"
    [ "$(openvpn_count)" = 1 ] || fail "a: '$name': $(openvpn_count) openvpn running"
done
stop_pty_run

log "b) two configs called office.conf in two folders"
mkdir "$T/one" "$T/two"
cp "$T/client.conf" "$T/one/office.conf"
cp "$T/client.conf" "$T/two/office.conf"
for d in one two; do
    pty_start "${ENVS[@]}" "$OVPN_TOKEN" start --batch --pin-file "$T/pin" "$T/$d/office.conf"
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "b: $d: not connected"
    pty_screen | sed -n 's/^OpenVPN log: //p' | head -n 1 > "$T/b-$d.path"
    stop_pty_run
done
one=$(cat "$T/b-one.path") two=$(cat "$T/b-two.path")
log "logs: $one, $two"
case $one in "$T/state/ovpn-token/office"*.log) ;; *) fail "b: the log is not in the state folder: $one" ;; esac
[ "$one" != "$two" ] || fail "b: both configs log into $one"
[ "$(grep -c "Initialization Sequence Completed" "$one")" = 1 ] || fail "b: $one does not hold exactly one run"
[ "$(grep -c "Initialization Sequence Completed" "$two")" = 1 ] || fail "b: $two does not hold exactly one run"
# The same config again: the same log.
pty_start "${ENVS[@]}" "$OVPN_TOKEN" start --batch --pin-file "$T/pin" "$T/one/../one/office.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "b: one again: not connected"
pty_expect_text "OpenVPN log: $one" 2 "b: the same config logs elsewhere the second time"
stop_pty_run

log "c) the run folder of a killed ovpn-token"
pty_start "${ENVS[@]}" "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/c.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected"
otp=$(ovpn_token_pid)
[ -n "$otp" ] || fail "c: ovpn-token process not found"
old_dirs=$(cd "$T/rt" && ls -d ovpn-token.* 2>/dev/null || true)
[ "$(echo "$old_dirs" | wc -w)" = 1 ] || fail "c: run folders while running: $old_dirs"
[ -S "$T/rt/$old_dirs/management.sock" ] || fail "c: no management socket in $T/rt/$old_dirs"
kill -9 "$otp"
wait_until 10 test "$(openvpn_count)" = 0 || fail "c: openvpn outlived the killed ovpn-token"
pty_stop
[ -d "$T/rt/$old_dirs" ] || fail "c: the killed one's run folder is gone already (nothing to test)"
wait_listening "$PORT" || true
pty_start "${ENVS[@]}" "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/c2.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: the next start did not connect"
now=$(cd "$T/rt" && ls -d ovpn-token.* 2>/dev/null || true)
[ ! -e "$T/rt/$old_dirs" ] || fail "c: the killed one's run folder $old_dirs is still there (now: $now)"
[ "$(echo "$now" | wc -w)" = 1 ] || fail "c: run folders now: $now"
stop_pty_run
[ -z "$(ls -A "$T/rt")" ] || fail "c: left in the runtime folder: $(ls -A "$T/rt")"
pass
