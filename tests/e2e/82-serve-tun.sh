#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 82-serve-tun: a real tunnel with a tun device, brought up by a user without root.  A `mode
# server` with `dev tun` runs in a namespace of its own; root's serve runs in the client's
# namespace (where its openvpn makes the tun device, as root); anna, in the group, runs
# connect from the machine's namespace -- the socket is a file, not an address:
#   a) Connected with a tunnel IP; the address is on a tun device in the client's namespace, and
#      the server's end of the tunnel answers (a TCP connection through it)
#   b) Ctrl-C: the tun device goes with the tunnel; openvpn holds, serve still runs
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=../lib/serve.sh
. "$(dirname "$0")/../lib/serve.sh"
serve_bed_init "$@"
netns_require

PIN=135790
serve_user anna member
make_pki "$T" anna
serve_token anna "Anna Token" "$PIN" anna
netns_up
serve_netns_up

cat > "$T/server.conf" <<CONF
# tun test server (82-serve-tun); runs inside namespace $NETNS
mode server
tls-server
dev tun
topology subnet
server 10.201.0.0 255.255.255.0
proto tcp-server
port 1194
ca $T/pki/ca.crt
cert $T/pki/server.crt
key $T/pki/server.key
dh none
keepalive 1 10
verb 3
CONF
netns_exec "$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
TB_PIDS+=("$!")
wait_for "$T/server.log" "Initialization Sequence Completed|Exiting" 20 || fail "the tun server did not start"
grep -q "Initialization Sequence Completed" "$T/server.log" || fail "the tun server failed"

mkdir -p "${SERVE_CONF_DIR:-$T/etc}"
SERVE_CONFIG="${SERVE_CONF_DIR:-$T/etc}/office.conf"
cat > "$SERVE_CONFIG" <<CONF
# what an administrator puts in /etc/openvpn/client/office.conf
client
dev tun
proto tcp-client
remote $SERVER_LINK_IP 1194
nobind
ca $T/pki/ca.crt
remote-cert-tls server
pkcs11-providers $SOFTHSM_LIB
verb 3
CONF
chmod 600 "$SERVE_CONFIG"
serve_start office

tun_addresses() { ip -n "$CLIENT_NETNS" -4 -o addr show 2>/dev/null | grep -E ' (tun[0-9]+) ' || true; }

log "a) anna connects; the tun device is up with its address"
serve_pty_connect anna office
pty_expect_text "PIN for token 'Anna Token':" 30
pty_type "$PIN"
pty_expect "Connected to $SERVER_LINK_IP:1194 \(tunnel IP 10\.201\.0\.[0-9]+\)" 30 "a: anna is not connected with a tunnel IP"
tunnel_ip=$(pty_screen | sed -n 's/.*(tunnel IP \(10\.201\.0\.[0-9]*\)).*/\1/p' | tail -n 1)
wait_until 5 eval 'tun_addresses | grep -q "inet $tunnel_ip/24"' \
    || fail "a: $tunnel_ip is on no tun device in $CLIENT_NETNS: $(ip -n "$CLIENT_NETNS" -4 -o addr show)"
if ip -4 -o addr show | grep -qF "inet $tunnel_ip/"; then fail "a: the tunnel's address is in the machine's namespace"; fi
# Through the tunnel: the server listens on every address of its namespace, 10.201.0.1 too.
ip netns exec "$CLIENT_NETNS" timeout 5 bash -c 'exec 3<>/dev/tcp/10.201.0.1/1194' >"$T/through.out" 2>&1 \
    || fail "a: the server's end cannot be reached through the tunnel: $(cat "$T/through.out")"
[ "$(sed -n 's/^Uid:\t\([0-9]*\).*/\1/p' "/proc/$(pty_connect_pid)/status")" = "$(id -u "$(user_of anna)")" ] \
    || fail "a: connect does not run as anna"

log "b) Ctrl-C: the tun device goes, openvpn holds"
OVPN_PID=$(serve_openvpn_pid office)
hold_mark=$(serve_holds office)
pty_send_keys C-c
pty_expect_exit 0 15
wait_until 5 eval '[ -z "$(tun_addresses)" ]' || fail "b: the tun device stays: $(tun_addresses)"
wait_until 10 eval '[ "$(serve_holds office)" -gt "$hold_mark" ]' \
    || fail "b: openvpn did not go back into its hold"
as_user anna "$OVPN_TOKEN" status > "$T/status-b.out" 2>&1 || fail "b: status"
grep -Eq "^office +HOLD +free" "$T/status-b.out" || fail "b: status: $(cat "$T/status-b.out")"
pid_alive "$OVPN_PID" || fail "b: openvpn ended"
pid_alive "$SERVE_PID" || fail "b: serve ended"
pass
