#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 17-real-configs: an ordinary client config in its own folder, as users keep them.
#   a) `ca ca.crt` and `log office-openvpn.log` (relative names) and ovpn-token started from another
#      folder: openvpn runs in the config's folder, the config's log is the one announced, connects
#   b) a second `start` of the same config says the first runs (with its pid) and exits 13
#   c) ovpn-token killed with SIGKILL: its openvpn ends too (no orphan holding the tunnel)
#   d) `--log FILE` wins over the config's log line: openvpn writes FILE (it would keep the
#      config's log were our --log-append after --config)
#   e) `doctor` resolves the config's files from the config's folder and names a missing one
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
mkdir "$T/vpn"
cp "$T/pki/ca.crt" "$T/vpn/ca.crt"
sed -e "s|^ca .*|ca ca.crt|" "$T/client.conf" > "$T/vpn/office.ovpn"
echo "log office-openvpn.log" >> "$T/vpn/office.ovpn"

log "a) relative names, started from /"
pty_start env -C / "$OVPN_TOKEN" start --pin-file "$T/pin" "$T/vpn/office.ovpn"
pty_expect_text "OpenVPN log: $T/vpn/office-openvpn.log" 15
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
grep -q "Initialization Sequence Completed" "$T/vpn/office-openvpn.log" \
    || fail "a: the config's log file does not have openvpn's log"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "a: no openvpn"
[ "$(readlink "/proc/$ovpn_pid/cwd")" = "$T/vpn" ] || fail "a: openvpn does not run in the config's folder"
first=$(pgrep -P "$(pty_pid)" | head -n 1)
[ -n "$first" ] || fail "a: no ovpn-token process"

log "b) the same config a second time"
"$OVPN_TOKEN" start --batch --pin-file "$T/pin" "$T/vpn/office.ovpn" > "$T/second.out" 2>&1 && rc=0 || rc=$?
[ "$rc" = 13 ] || { cat "$T/second.out" >&2; fail "b: second start exited $rc, expected 13"; }
grep -Fq "ovpn-token is already running for $T/vpn/office.ovpn (pid $first)" "$T/second.out" \
    || { cat "$T/second.out" >&2; fail "b: the message does not name the running one"; }
[ "$(pgrep -c -f -- "$T/vpn/office.ovpn" || true)" -le 2 ] || fail "b: a second openvpn was started"

log "c) SIGKILL"
kill -KILL "$first"
wait_until 10 pid_gone "$ovpn_pid" || fail "c: openvpn ($ovpn_pid) outlived ovpn-token's SIGKILL"
pty_stop
wait_listening "$PORT" || true

log "c) and the config can be started again at once (the lock died with it)"
pty_start env -C / "$OVPN_TOKEN" start --pin-file "$T/pin" "$T/vpn/office.ovpn"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected after the SIGKILL"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

log "d) --log wins over the config's log line"
: > "$T/vpn/office-openvpn.log"
pty_start env -C / "$OVPN_TOKEN" start --pin-file "$T/pin" --log "$T/mine.log" "$T/vpn/office.ovpn"
pty_expect_text "OpenVPN log: $T/mine.log" 15
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "d: not connected"
grep -q "Initialization Sequence Completed" "$T/mine.log" \
    || fail "d: openvpn did not write its log to --log's file"
[ ! -s "$T/vpn/office-openvpn.log" ] || fail "d: openvpn wrote the config's log file, not --log's"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

log "e) doctor from another folder"
echo "tls-auth ta.key 1" >> "$T/vpn/office.ovpn"
(cd / && "$OVPN_TOKEN" doctor --provider "$SOFTHSM_LIB" "$T/vpn/office.ovpn") > "$T/doctor.out" 2>&1 \
    && fail "e: doctor passed a config whose tls-auth file is missing"
grep -Eq "^OK .*ca $T/vpn/ca.crt is there" "$T/doctor.out" || { cat "$T/doctor.out" >&2; fail "e: ca not found in the config's folder"; }
grep -Eq "^FAIL .*tls-auth $T/vpn/ta.key cannot be read" "$T/doctor.out" \
    || { cat "$T/doctor.out" >&2; fail "e: the missing tls-auth file is not named"; }
pass
