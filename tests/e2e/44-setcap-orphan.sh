#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 44-setcap-orphan: openvpn with file capabilities (`setcap cap_net_admin+ep`, the usual way to
# run it without root) started by an unprivileged user.  The kernel drops the parent-death
# signal on such an exec, so only --management-signal ties the tunnel to ovpn-token:
#   a) `ovpn-token start` as that user connects; its openvpn runs as the user, with the capability
#   b) kill -9 of ovpn-token: within two seconds openvpn takes the management-disconnect signal
#      (SIGUSR1) and the server sees the tunnel go; it is not brought up again
#   c) the orphan openvpn keeps running, held: it restarted into the management hold and waits
#      there for a management client (a disconnect during the hold is ignored, manage.c's
#      MANSIG_IGNORE_USR1_HUP).
#   d) what ends it: the user's next `ovpn-token start` (it finds the dead one's run folder and
#      sends `signal SIGTERM` on the socket in it), which then connects.
# The same on 2.6 and 2.7; the user and the capability copy are made here and removed.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

[ "$(id -u)" = 0 ] || { echo "SKIP: needs root (to make a user and set a file capability)"; exit 77; }
for tool in setcap getcap useradd userdel setpriv python3; do
    command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (libcap2-bin, passwd, util-linux, python3)"; exit 77; }
done

USER_NAME="ovtk-cap-$$"
OTP_PID= OVPN_PID=
cleanup_user() {
    local rc=$?
    # Our processes, by their ids, before the user goes.
    [ -n "$OTP_PID" ] && kill -KILL "$OTP_PID" 2>/dev/null
    [ -n "$OVPN_PID" ] && kill -KILL "$OVPN_PID" 2>/dev/null
    sleep 0.2
    id "$USER_NAME" >/dev/null 2>&1 && userdel "$USER_NAME" 2>/dev/null
    (exit "$rc")
    tb_cleanup
}
useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group \
    "$USER_NAME" || fail "useradd $USER_NAME failed"
trap cleanup_user EXIT

PIN=123456
bed_up "Test Token" "$PIN" client1

# What the user may read: its own copy of the token, the config, the CA and the PIN file.
U="$T/user"
# Its run folder (the management socket) inside $U too, so nothing is left behind.
mkdir -p "$U/tmp" "$T/capbin"
chmod 711 "$T"
cp -r "$T/tokens" "$U/tokens"
cp "$T/pki/ca.crt" "$U/ca.crt"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
    "$U/tokens" > "$U/softhsm2.conf"
sed -e "s|^ca .*|ca $U/ca.crt|" "$T/client.conf" > "$U/client.conf"
printf '%s\n' "$PIN" > "$U/pin"
chown -R "$USER_NAME:$USER_NAME" "$U"
chmod 700 "$U"
chmod 600 "$U/pin"

# The capability copy of the openvpn under test, as an administrator would install it.
cp "$(readlink -f "$OPENVPN")" "$T/capbin/openvpn"
chmod 755 "$T/capbin/openvpn"
setcap cap_net_admin+ep "$T/capbin/openvpn" || fail "setcap failed"
getcap "$T/capbin/openvpn" | grep -q cap_net_admin || fail "no capability on the copy"

log "a) start as $USER_NAME with the capability openvpn"
server_log_mark "$T"
setpriv --reuid "$USER_NAME" --regid "$USER_NAME" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$U" TMPDIR="$U/tmp" SOFTHSM2_CONF="$U/softhsm2.conf" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "$OVPN_TOKEN" start --batch --pin-file "$U/pin" --openvpn "$T/capbin/openvpn" \
    --log "$U/openvpn.log" "$U/client.conf" > "$T/start.out" 2>&1 &
OTP_PID=$!
wait_for "$U/openvpn.log" "Initialization Sequence Completed" 30 \
    || { cat "$T/start.out" "$U/openvpn.log" >&2; fail "a: not connected"; }
for p in $(pgrep -f -- "$U/client.conf"); do
    [ "$(readlink "/proc/$p/exe")" = "$T/capbin/openvpn" ] && OVPN_PID=$p
done
[ -n "$OVPN_PID" ] || fail "a: no openvpn process"
[ "$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' "/proc/$OVPN_PID/status")" = "$(id -u "$USER_NAME")" ] \
    || fail "a: openvpn does not run as $USER_NAME"
# CAP_NET_ADMIN is bit 12 of the effective set: the file capability took effect.
eff=$(sed -n 's/^CapEff:\t//p' "/proc/$OVPN_PID/status")
[ $(( 0x$eff & (1 << 12) )) -ne 0 ] || fail "a: openvpn runs without CAP_NET_ADMIN (CapEff $eff)"
wait_for "$T/server.log" "Initialization Sequence Completed" 10 || fail "a: the server is not connected"

log "b) kill -9 of ovpn-token"
server_log_mark "$T"
kill -KILL "$OTP_PID"
wait "$OTP_PID" 2>/dev/null || true
OTP_PID=
wait_for "$U/openvpn.log" "SIGUSR1\[soft,management-disconnect\] received" 2 \
    || fail "b: openvpn took no management-disconnect signal within 2 s: the tunnel stays up, unmanaged"
wait_until 3 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset|SIGUSR1|restarting"' \
    || fail "b: the server did not see the tunnel go"

log "c) the orphan waits in the hold, without a tunnel"
pid_alive "$OVPN_PID" || fail "c: openvpn ended (expected: held)"
wait_for "$U/openvpn.log" "Need hold release from management interface, waiting" 5 \
    || fail "c: openvpn did not go back into the hold"
server_log_mark "$T"
sleep 3
if server_log_since "$T" | grep -q "Initialization Sequence Completed"; then
    fail "c: the tunnel came up again without ovpn-token"
fi
pid_alive "$OVPN_PID" || fail "c: openvpn ended while held"

log "d) the user's next start ends the orphan, then connects"
# It finds the killed ovpn-token's run folder and sends `signal SIGTERM` on the socket in it.
setpriv --reuid "$USER_NAME" --regid "$USER_NAME" --init-groups \
    env -i PATH=/usr/bin:/bin HOME="$U" TMPDIR="$U/tmp" SOFTHSM2_CONF="$U/softhsm2.conf" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "$OVPN_TOKEN" start --batch --pin-file "$U/pin" --openvpn "$T/capbin/openvpn" \
    --log "$U/openvpn2.log" "$U/client.conf" > "$T/start2.out" 2>&1 &
OTP_PID=$!
wait_until 15 pid_gone "$OVPN_PID" || { cat "$T/start2.out" >&2; ls -la "$U/tmp" "$U/tmp"/* >&2; fail "d: the orphan openvpn still runs after the next start"; }
OVPN_PID=
wait_for "$U/openvpn.log" "SIGTERM\\[" 2 || { tail -5 "$U/openvpn.log" >&2; fail "d: the orphan did not take SIGTERM"; }
wait_for "$U/openvpn2.log" "Initialization Sequence Completed" 30 \
    || { cat "$T/start2.out" >&2; fail "d: the next start did not connect"; }
[ -z "$(find "$U/tmp" -maxdepth 1 -name 'ovpn-token.*' -newer "$U/pin" | head -n 2 | sed -n 2p)" ] \
    || fail "d: the dead ovpn-token's run folder is still there"
kill -TERM "$OTP_PID"
wait "$OTP_PID" 2>/dev/null || true
OTP_PID=
pass
