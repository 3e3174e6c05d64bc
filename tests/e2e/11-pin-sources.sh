#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 11-pin-sources: unattended PINs. --pin-file, --pin-fd and a systemd credential connect under --batch
# with no prompt; a wrong PIN from a file ends with exit 6 after exactly one attempt; a PIN file that
# others can read is refused before anything starts; --batch with no PIN source exits 9 without
# sending anything; with no terminal either (stdin at its end, no --batch) it says there is
# nobody to ask, names the sources and exits 9.
# e2e-timeout: 240
set -eu
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=135790
bed_up "Batch Token" "$PIN" client1
echo "verb 4" >> "$T/client.conf"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

pin_answers() { grep -c "MANAGEMENT: CMD 'password \[...\]'" "$1" || true; }

# connect_and_stop NAME: the run in the pty connects with no PIN prompt, then Ctrl-C ends it.
connect_and_stop() {
    pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "$1: not connected"
    if pty_screen | grep -Fq "PIN for token"; then fail "$1: a PIN prompt was shown"; fi
    pty_send_keys C-c
    pty_expect_text "OpenVPN stopped." 20
    pty_expect_exit 0 10
    pty_stop
    wait_listening "$PORT" || true
}

log "a) --batch --pin-file, and the status file"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --status-file "$T/status" \
    --log "$T/a.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
grep -qx "state=CONNECTED" "$T/status" || fail "status file: $(cat "$T/status")"
grep -Eqx "remote=127\.0\.0\.1:$PORT" "$T/status" || fail "status file remote: $(cat "$T/status")"
grep -Eqx "time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" "$T/status" \
    || fail "status file time: $(cat "$T/status")"
connect_and_stop a
grep -qx "state=EXITED" "$T/status" || fail "status file after the end: $(cat "$T/status")"
grep -Eqx "time=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z" "$T/status" \
    || fail "status file time after the end: $(cat "$T/status")"
[ "$(pin_answers "$T/a.log")" -eq 1 ] || fail "a: PIN answers: $(pin_answers "$T/a.log")"

log "b) --pin-fd"
pty_start bash -c "exec 3<'$T/pin'; exec '$OVPN_TOKEN' start --batch --pin-fd 3 --log '$T/b.log' '$T/client.conf'"
connect_and_stop b

log "c) a systemd credential"
mkdir -p "$T/creds"
cp "$T/pin" "$T/creds/pin"
pty_start env CREDENTIALS_DIRECTORY="$T/creds" "$OVPN_TOKEN" start --batch --log "$T/c.log" \
    "$T/client.conf"
connect_and_stop c

log "d) wrong PIN from a file in --batch: exit 6 after one attempt"
printf '000000\n' > "$T/wrong"
chmod 600 "$T/wrong"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/wrong" --log "$T/d.log" "$T/client.conf"
pty_expect_exit 6 40
pty_expect_text "The PIN was rejected by token 'Batch Token'." 2
[ "$(pty_count "rejected by token")" -eq 1 ] || fail "d: more than one rejection shown"
[ "$(pin_answers "$T/d.log")" -eq 1 ] || fail "d: the wrong PIN was sent $(pin_answers "$T/d.log") times"
[ -z "$(openvpn_pid_for "$T/client.conf")" ] || fail "d: openvpn still running"
pty_stop

log "e) a PIN file others can read is refused before anything starts"
chmod 644 "$T/pin"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/e.log" "$T/client.conf"
pty_expect_exit 2 10
pty_expect_text "can be read by other users" 2
[ ! -e "$T/e.log" ] || fail "e: openvpn was started"
chmod 600 "$T/pin"
pty_stop

log "f) --batch with no PIN source: exit 9, nothing sent"
pty_start "$OVPN_TOKEN" start --batch --log "$T/f.log" "$T/client.conf"
pty_expect_exit 9 40
pty_expect_text "--batch forbids asking" 2
[ "$(pin_answers "$T/f.log")" -eq 0 ] || fail "f: a PIN was sent"
pty_stop

log "g) no terminal and no PIN source: exit 9, the sources named, not 'Cancelled.'"
set +e
timeout 60 "$OVPN_TOKEN" start --log "$T/g.log" "$T/client.conf" </dev/null >"$T/g.out" 2>"$T/g.err"
rc=$?
set -e
[ "$rc" = 9 ] || fail "g: exit $rc, expected 9 ($(cat "$T/g.err"))"
grep -Fq "no terminal to ask on" "$T/g.err" || fail "g: no word about the missing terminal: $(cat "$T/g.err")"
grep -Fq -- "--pin-file" "$T/g.err" && grep -Fq -- "--pin-fd" "$T/g.err" && grep -Fq "'pin'" "$T/g.err" \
    || fail "g: the PIN sources are not named: $(cat "$T/g.err")"
if grep -Fq "Cancelled." "$T/g.out" "$T/g.err"; then fail "g: says Cancelled."; fi
[ "$(pin_answers "$T/g.log")" -eq 0 ] || fail "g: a PIN was sent"
[ -z "$(openvpn_pid_for "$T/client.conf")" ] || fail "g: openvpn still running"
pass
