#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 98-opensc-pcscd-hung: pcscd hung (SIGSTOP) while connected on the virtual card (issue 25,
# seam 4). Ending the tunnel never waits on a module, a reader or pcscd: Ctrl-C (SIGINT) and
# SIGTERM (what `systemctl stop` sends) end ovpn-token and its openvpn within a bound, the
# server loses its client, and nothing is left running. pcscd is continued afterwards.
# e2e-timeout: 150
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/smartcard.sh
. "$(dirname "$0")/../lib/smartcard.sh"
sc_init "$@"
require_ovpn_token

sc_bed_up 12345678 client1
printf '%s\n' "$SC_PIN" > "$T/pin"
chmod 600 "$T/pin"
continue_pcscd() { kill -CONT "$SC_PCSCD_PID" 2>/dev/null || true; }

# hung_end NAME SIGNAL: connected, pcscd stopped, SIGNAL to ovpn-token: all ends within 25 s
# (openvpn's own module may hang in its exit: the session's kill bounds it).
hung_end() {
    local name=$1 sig=$2 pid ovpn t0 p
    "$OVPN_TOKEN" start -v --batch --pin-file "$T/pin" --log "$T/$name.log" "$T/client.conf" \
        >"$T/$name.out" 2>&1 &
    pid=$!
    TB_PIDS+=("$pid")
    wait_for "$T/$name.out" "Connected to 127\.0\.0\.1:$PORT" 40 || fail "$name: not connected: $(tail -n 5 "$T/$name.out")"
    wait_for "$T/$name.out" "Watching token 'client1'" 10 || fail "$name: not watched"
    ovpn=
    for p in $(descendants "$pid"); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$(readlink -f "$OPENVPN")" ] && ovpn=$p
    done
    [ -n "$ovpn" ] || fail "$name: no openvpn"
    server_log_mark "$T"
    kill -STOP "$SC_PCSCD_PID"
    sleep 1
    t0=$SECONDS
    kill "-$sig" "$pid"
    wait_until 25 pid_gone "$pid" || { continue_pcscd; fail "$name: ovpn-token still runs 25 s after SIG$sig with pcscd hung"; }
    log "$name: ovpn-token ended $((SECONDS - t0)) s after SIG$sig with pcscd hung"
    wait_until 5 pid_gone "$ovpn" || { continue_pcscd; fail "$name: openvpn left running"; }
    wait_until 10 eval 'server_log_since "$T" | grep -Eq "Connection reset|connection-reset"' \
        || { continue_pcscd; fail "$name: the server still has its client"; }
    continue_pcscd
    sc_wait_token 20 || fail "$name: the card does not come back after pcscd continues"
}

hung_end ctrl-c INT
hung_end systemctl-stop TERM
pass
