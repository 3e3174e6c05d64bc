#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 06-ctrl-c: Ctrl-C while connected. Checked from outside: the openvpn process ovpn-token started is
# gone, its private management socket (and directory) is gone, exit 0, and nothing is left running.
# Then an openvpn that does not follow the stop (stopped with SIGSTOP, so neither its management
# interface nor SIGTERM gets through): a second Ctrl-C ends it and ovpn-token at once, not after
# the grace of 10 s (openvpn/supervise.h).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1

pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"

ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found while connected"
# The management socket ovpn-token gave openvpn: `--management PATH unix`.
sock=$(proc_args "$ovpn_pid" | awk 'prev == "--management" { print; exit } { prev = $0 }')
[ -n "$sock" ] || fail "openvpn has no --management argument: $(proc_args "$ovpn_pid" | tr '\n' ' ')"
[ -S "$sock" ] || fail "management socket $sock does not exist while connected"
sockdir=$(dirname "$sock")
log "openvpn $ovpn_pid, management socket $sock"
pane=$(pty_pid)

pty_send_keys C-c
pty_expect_text "Stopping OpenVPN..." 10
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10

wait_until 5 pid_gone "$ovpn_pid" || fail "openvpn ($ovpn_pid) still running"
[ ! -e "$sock" ] || fail "management socket $sock left behind"
# A private directory must go too; a shared one (/tmp, $TMPDIR, ...) of course stays.
case $sockdir in
    /tmp | /var/tmp | "${TMPDIR:-/tmp}" | "${XDG_RUNTIME_DIR:-/tmp}" | "$T") ;;
    *) [ ! -e "$sockdir" ] || fail "socket directory $sockdir left behind: $(ls -la "$sockdir")" ;;
esac
# Nothing left under the pane's shell but its final `sleep`, and no process on our config.
stray=
for p in $(descendants "$pane"); do
    case $(cat "/proc/$p/comm" 2>/dev/null) in sleep | "") ;; *) stray="$stray $p($(cat "/proc/$p/comm"))" ;; esac
done
[ -z "$stray" ] || fail "stray processes:$stray"
left=$(pgrep -f -- "$T/client.conf" || true)
[ -z "$left" ] || fail "processes still running with the config: $(echo "$left" | xargs ps -o pid,args -p)"

# ---- a second Ctrl-C, while openvpn does not react
pty_stop
wait_listening "$PORT"
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected (second run)"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found (second run)"
kill -STOP "$ovpn_pid"
pty_send_keys C-c
pty_expect_text "Stopping OpenVPN..." 10
sleep 1
start=$SECONDS
pty_send_keys C-c
pty_wait_exit 5 || { kill -CONT "$ovpn_pid" 2>/dev/null; fail "a second Ctrl-C did not end ovpn-token within 5 s"; }
log "ended $((SECONDS - start)) s after the second Ctrl-C, exit $PTY_EXIT"
[ "$PTY_EXIT" = 0 ] || fail "exit status $PTY_EXIT after the second Ctrl-C, expected 0"
wait_until 5 pid_gone "$ovpn_pid" || { kill -CONT "$ovpn_pid" 2>/dev/null; fail "openvpn ($ovpn_pid) still there after the second Ctrl-C"; }
pass
