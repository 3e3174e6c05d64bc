#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 80-serve-connect: Linux without root.  Root runs `ovpn-token serve office`; anna, an ordinary
# user who has the group only as a supplementary group (adduser anna GROUP), runs `connect
# office` in her own terminal with her own token:
#   a) serve: openvpn runs as root, held, its folder and socket are root's and the group's
#      (0750, 0660), its state HOLD; nothing of PKCS#11 is loaded in it
#   b) anna connects: her PIN prompt, Connected; the server saw her certificate; status says
#      she holds it; root's openvpn never saw the PIN nor a `password` command (command line,
#      environment, log), and never loaded a PKCS#11 module (/proc/PID/maps)
#   c) Ctrl-C: the tunnel goes down, the same openvpn holds again, serve says it is free
#   d) connect again: a new prompt (a new process has no cache), Connected
#   e) the server restarts: the tunnel comes back by itself without a new prompt (openvpn's
#      restart is a SIGHUP: it asks for the certificate again, the session answers from memory)
#   f) kill -9 of anna's ovpn-token: the tunnel goes down within two seconds, openvpn holds
#   g) SIGTERM to serve: openvpn stops, the folder is gone, exit 0
# The same on 2.6 and 2.7 (what differs is asserted where it shows: the restart's signal).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"

PIN=246810
serve_user anna member
make_pki "$T" anna
serve_token anna "Anna Token" "$PIN" anna
PORT=$(free_port)
start_server "$T" "$PORT"
serve_config office "$PORT"
ANNA=$(user_of anna)

log "a) serve office as root"
serve_start office
DIR=/run/ovpn-token/office
[ "$(stat -c '%a %U %G' /run/ovpn-token)" = "755 root root" ] || fail "a: /run/ovpn-token is $(stat -c '%a %U %G' /run/ovpn-token)"
[ "$(stat -c '%a %U %G' "$DIR")" = "750 root $SERVE_GROUP" ] || fail "a: $DIR is $(stat -c '%a %U %G' "$DIR")"
[ "$(stat -c '%a %U %G %F' "$DIR/management.sock")" = "660 root $SERVE_GROUP socket" ] \
    || fail "a: the socket is $(stat -c '%a %U %G %F' "$DIR/management.sock")"
[ "$(stat -c '%a %U %G' "$DIR/serve")" = "640 root $SERVE_GROUP" ] || fail "a: serve file $(stat -c '%a %U %G' "$DIR/serve")"
[ "$(stat -c '%a %U %G' "$DIR/holder")" = "640 root $SERVE_GROUP" ] || fail "a: holder file $(stat -c '%a %U %G' "$DIR/holder")"
# serve's own: the lock, openvpn's management socket and config copy, no one else's.
PRIV=/run/ovpn-token/.serve
[ "$(stat -c '%a %U %G' "$PRIV")" = "700 root root" ] || fail "a: $PRIV is $(stat -c '%a %U %G' "$PRIV")"
[ -S "$PRIV/office.sock" ] || fail "a: openvpn's management socket is not in $PRIV"
[ "$(stat -c '%a %U' "$PRIV/office.conf")" = "600 root" ] || fail "a: config copy $(stat -c '%a %U' "$PRIV/office.conf")"
grep -q '^pkcs11' "$PRIV/office.conf" && fail "a: openvpn's copy of the config still has pkcs11 lines"
grep -qx "state=HOLD" "$DIR/serve" || fail "a: serve file: $(cat "$DIR/serve")"
grep -qx "provider=$SOFTHSM_LIB" "$DIR/serve" || fail "a: serve does not announce the config's provider: $(cat "$DIR/serve")"
OVPN_PID=$(serve_openvpn_pid office)
pid_alive "$OVPN_PID" || fail "a: no openvpn $OVPN_PID"
[ "$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' "/proc/$OVPN_PID/status")" = 0 ] || fail "a: openvpn does not run as root"
proc_args "$OVPN_PID" | grep -qx -- "--management-external-key" || fail "a: openvpn runs without --management-external-key"
proc_args "$OVPN_PID" | grep -qx -- "--management-client-group" && fail "a: --management-client-group refuses supplementary groups"
as_user anna "$OVPN_TOKEN" status > "$T/status0.out" 2>&1 || fail "a: status as anna: $(cat "$T/status0.out")"
grep -Eq "^office +HOLD +free" "$T/status0.out" || fail "a: status: $(cat "$T/status0.out")"

# no_pkcs11_in_openvpn WHEN: no PKCS#11 module is mapped in root's openvpn (pkcs11-helper, the
# library openvpn links, is there from the start; a module is what it would load from a config).
P11_MODULES='softhsm|opensc-pkcs11|onepin-opensc|p11-kit-proxy|p11-kit-client|pkcs11-spy|/pkcs11/'
no_pkcs11_in_openvpn() {
    if grep -Eq "$P11_MODULES" "/proc/$OVPN_PID/maps"; then
        fail "$1: root's openvpn loaded a PKCS#11 module: $(grep -E "$P11_MODULES" "/proc/$OVPN_PID/maps" | awk '{print $6}' | sort -u)"
    fi
}
no_pkcs11_in_openvpn a

log "b) anna connects with her token, no root"
server_log_mark "$T"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type "$PIN"
pty_expect "Connected to 127.0.0.1:$PORT" 30 "b: anna is not connected"
server_log_since "$T" | grep -q "CN=anna" || fail "b: the server did not see anna's certificate"
CONNECT_PID=$(pty_connect_pid)
[ -n "$CONNECT_PID" ] || fail "b: no ovpn-token in the pty"
[ "$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' "/proc/$CONNECT_PID/status")" = "$(id -u "$ANNA")" ] \
    || fail "b: connect does not run as anna"
wait_until 5 grep -qx "state=CONNECTED" "$DIR/holder" || fail "b: holder file: $(cat "$DIR/holder")"
grep -qx "user=$ANNA" "$DIR/holder" || fail "b: holder file names no anna: $(cat "$DIR/holder")"
grep -qx "pid=$CONNECT_PID" "$DIR/holder" || fail "b: holder file names another pid: $(cat "$DIR/holder")"
wait_until 3 grep -qx "state=RUNNING" "$DIR/serve" || fail "b: serve file: $(cat "$DIR/serve")"
wait_for "$T/serve.log" "office is held by $ANNA" 3 || fail "b: serve did not say who holds office"
as_user anna "$OVPN_TOKEN" status > "$T/status1.out" 2>&1 || fail "b: status"
grep -Eq "^office +RUNNING +$ANNA since [0-2][0-9]:[0-5][0-9], CONNECTED" "$T/status1.out" \
    || fail "b: status: $(cat "$T/status1.out")"
# What root's openvpn saw: never the PIN, never a password command.
for what in cmdline environ; do
    tr '\0' '\n' < "/proc/$OVPN_PID/$what" | grep -Fq -- "$PIN" && fail "b: the PIN is in openvpn's $what"
done
grep -Fq -- "$PIN" "$T/serve.log" && fail "b: the PIN is in root's log"
grep -Eiq "CMD 'password|password \"" "$T/serve.log" && fail "b: a password command reached openvpn's log"
grep -q "NEED-CERTIFICATE\|MANAGEMENT: Client connected" "$T/serve.log" \
    || log "b: (openvpn's log shows no management detail at verb 3)"
no_pkcs11_in_openvpn b
[ "$(serve_openvpn_pid office)" = "$OVPN_PID" ] || fail "b: openvpn was restarted"

log "c) Ctrl-C: the tunnel goes down, openvpn holds again"
server_log_mark "$T"
hold_mark=$(serve_holds office)
pty_send_keys C-c
pty_expect_exit 0 15
pty_has_text "office is down: root's openvpn waits for the next ovpn-token connect office" \
    || fail "c: connect does not say that the tunnel is down"
# Right away, not a tick of serve's later: who holds it is the lock's word.
as_user anna "$OVPN_TOKEN" status > "$T/status-c.out" 2>&1 || fail "c: status"
grep -Eq "^office +HOLD +free" "$T/status-c.out" || fail "c: status right after Ctrl-C: $(cat "$T/status-c.out")"
wait_until 3 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset|SIGTERM|client-instance (exiting|restarting)|SIGUSR1"' \
    || fail "c: the server did not see the tunnel go"
wait_until 10 eval '[ "$(serve_holds office)" -gt "$hold_mark" ]' \
    || fail "c: openvpn did not go back into its hold"
pid_alive "$OVPN_PID" || fail "c: openvpn ended (expected: held)"
# The user's leaving restarts openvpn as SIGHUP (serve, the broker, sends it): both versions say so.
grep -Eq "SIGHUP\[[a-z]*,[a-z-]*\] received, process restarting" "$T/serve.log" \
    || fail "c: openvpn did not restart with SIGHUP on the user's leaving (openvpn $OPENVPN_VERSION)"
wait_for "$T/serve.log" "office is free" 3 || fail "c: serve did not see office free"
wait_until 3 grep -qx "state=HOLD" "$DIR/serve" || fail "c: serve file: $(cat "$DIR/serve")"
[ ! -s "$DIR/holder" ] || fail "c: the holder file keeps: $(cat "$DIR/holder")"
server_log_mark "$T"
sleep 2
server_log_since "$T" | grep -q "Initialization Sequence Completed" && fail "c: the tunnel came up again without a user"
pty_stop

log "d) connect again: a new prompt, Connected"
server_log_mark "$T"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30 "d: no new PIN prompt"
pty_type "$PIN"
pty_expect "Connected to 127.0.0.1:$PORT" 30 "d: anna is not connected again"
server_log_since "$T" | grep -q "CN=anna" || fail "d: the server did not see anna again"
[ "$(serve_openvpn_pid office)" = "$OVPN_PID" ] || fail "d: openvpn was restarted (pid)"
no_pkcs11_in_openvpn d

log "e) the server restarts: the tunnel comes back by itself, without a new prompt"
# Every restart of serve's openvpn is a SIGHUP (--remap-usr1): it asks for the certificate
# again, and anna's session answers from what she chose and typed.
serve_mark=$(wc -l < "$T/serve.log")
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null || true
start_server "$T" "$PORT"
pty_wait_count "Connected to 127.0.0.1:$PORT" 2 60 || fail "e: the tunnel did not come back after the server restarted"
[ "$(pty_count "PIN for token 'Anna Token':")" = 1 ] || fail "e: anna was asked for her PIN again"
tail -n +"$((serve_mark + 1))" "$T/serve.log" | grep -Eq "SIGHUP\[soft,[a-z-]+\] received, process restarting" \
    || fail "e: openvpn's restart was no SIGHUP: $(tail -n +"$((serve_mark + 1))" "$T/serve.log" | grep -E 'SIG[A-Z0-9]+\[')"
[ "$(serve_openvpn_pid office)" = "$OVPN_PID" ] || fail "e: serve started another openvpn"

log "f) kill -9 of anna's ovpn-token: the tunnel goes within two seconds"
CONNECT_PID=$(pty_connect_pid)
server_log_mark "$T"
hold_mark=$(serve_holds office)
kill -KILL "$CONNECT_PID"
wait_until 2 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset|client-instance (exiting|restarting)|SIGUSR1|SIGTERM"' \
    || fail "f: the server still has the tunnel 2 s after connect was killed"
wait_until 10 eval '[ "$(serve_holds office)" -gt "$hold_mark" ]' \
    || fail "f: openvpn did not go back into its hold"
pid_alive "$OVPN_PID" || fail "f: openvpn ended"
wait_until 3 grep -qx "state=HOLD" "$DIR/serve" || fail "f: serve file: $(cat "$DIR/serve")"
as_user anna "$OVPN_TOKEN" status > "$T/status2.out" 2>&1 || fail "f: status"
grep -Eq "^office +HOLD +free" "$T/status2.out" || fail "f: status after kill -9: $(cat "$T/status2.out")"
pty_stop

log "g) serve stops on SIGTERM"
kill -TERM "$SERVE_PID"
wait_until 15 pid_gone "$SERVE_PID" || fail "g: serve still runs"
wait "$SERVE_PID" && rc=0 || rc=$?
[ "$rc" = 0 ] || fail "g: serve exited with $rc"
SERVE_PID=
pid_gone "$OVPN_PID" || fail "g: openvpn outlived serve"
[ ! -e "$DIR" ] || fail "g: $DIR is left behind: $(ls -la "$DIR")"
as_user anna "$OVPN_TOKEN" connect office > "$T/connect-gone.out" 2>&1 && rc=0 || rc=$?
[ "$rc" = 16 ] || fail "g: connect with no serve: exit $rc: $(cat "$T/connect-gone.out")"
grep -Fq "office is not being served: sudo systemctl start ovpn-token-serve@office" "$T/connect-gone.out" \
    || fail "g: connect with no serve says: $(cat "$T/connect-gone.out")"
pass
