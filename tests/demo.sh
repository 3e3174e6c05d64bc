#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Demo of ovpn-token with nothing but this machine: a throwaway PKI, a SoftHSM2 token holding the
# client key and certificate, and an OpenVPN server on 127.0.0.1 (no root, no tun device).
#   tests/demo.sh /abs/path/to/ovpn-token       (make demo)
# On a terminal you type the PIN yourself and stop with Ctrl-C. Without a terminal (CI) the script
# types the PIN into a tmux pty itself, waits for "Connected", presses Ctrl-C and exits 0 on success.
# Everything (processes, temp dir) is removed on exit.
set -eu
# shellcheck source-path=SCRIPTDIR source=lib/testbed.sh
. "$(dirname "$0")/lib/testbed.sh"

[ $# -ge 1 ] || { echo "usage: $0 /path/to/ovpn-token" >&2; exit 2; }
OVPN_TOKEN=$1
case $OVPN_TOKEN in /*) ;; *) OVPN_TOKEN=$(cd "$(dirname "$OVPN_TOKEN")" && pwd)/$(basename "$OVPN_TOKEN") ;; esac
[ -x "$OVPN_TOKEN" ] || { echo "$0: $OVPN_TOKEN is not executable (run make first)" >&2; exit 2; }

PIN=123456
LABEL="Demo Token"

tb_init
if [ -t 1 ]; then say() { printf '\033[1m==> %s\033[0m\n' "$*"; }; else say() { printf '==> %s\n' "$*"; }; fi

say "Working in $T (removed on exit)"
say "Making a CA, a server certificate and a client certificate (CN demo-user)"
make_pki "$T" demo-user
say "Putting the client key and certificate on a SoftHSM2 token '$LABEL' (PIN $PIN)"
make_token "$T" "$LABEL" "$PIN" demo-user
PORT=$(free_port)
say "Starting an OpenVPN server on 127.0.0.1:$PORT (log: $T/server.log)"
start_server "$T" "$PORT"
write_client_config "$T" "$PORT"
say "Client config $T/client.conf:"
sed 's/^/    /' "$T/client.conf"
echo
say "Running: ovpn-token start --log $T/openvpn.log $T/client.conf"

if [ -t 0 ] && [ -t 1 ]; then
    say "Type the PIN $PIN when asked; Ctrl-C stops the VPN."
    echo
    # A trap that runs a command (not '' which would be inherited as "ignore"): the child gets Ctrl-C
    # with the default action, and this script goes on to report its status.
    trap ':' INT
    set +e
    SOFTHSM2_CONF=$SOFTHSM2_CONF "$OVPN_TOKEN" start --log "$T/openvpn.log" "$T/client.conf"
    rc=$?
    set -e
    trap 'exit 130' INT
    echo
    say "ovpn-token exited with status $rc"
    exit "$rc"
fi

# No terminal: play the user in a pty.
say "No terminal: typing the PIN through a tmux pty"
pty_start "$OVPN_TOKEN" start --log "$T/openvpn.log" "$T/client.conf"
result=0
if pty_wait_text "PIN for token '$LABEL':" 30; then
    pty_type "$PIN"
    if pty_wait_screen "Connected to 127\.0\.0\.1:$PORT" 30; then
        pty_send_keys C-c
        pty_wait_exit 30 || PTY_EXIT=timeout
        [ "$PTY_EXIT" = 0 ] || result=1
    else
        result=1
    fi
else
    result=1
fi
say "What the user saw:"
pty_screen | sed -e '/^$/d' -e 's/^/    /'
if [ "$result" = 0 ]; then
    say "Demo OK: connected with the token and stopped cleanly"
else
    say "Demo FAILED"
    tb_diagnostics
fi
exit "$result"
