# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The two-factor test bed: a real OpenVPN in `mode server` (tun device, in a namespace of its own,
# see netns.sh) whose logins are decided by tests/lib/challenge_server.py over the server's
# management interface (`management-client-auth`), and a client config with `auth-user-pass`
# and the certificate on a SoftHSM2 token.
#
#   . tests/lib/testbed.sh; . tests/lib/netns.sh; . tests/lib/challenge.sh
#   tb_init; netns_require
#   challenge_bed_up SCENARIO [--otp CODE] [other challenge_server.py options]
#       -> $T/client.conf (add lines with client_conf_add), $T/challenge.log (what the server got)
#
# The client runs in the root namespace with `dev null`: the pushed ifconfig/route options are
# accepted and not executed (ifconfig-noexec, route-noexec), so it needs no tun.

CB_USER=${CB_USER:-alice}
CB_PASSWORD=${CB_PASSWORD:-s3cret pass}
CB_PIN=${CB_PIN:-123456}
CB_TOKEN=${CB_TOKEN:-Test Token}
CB_HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# challenge_server_conf DIR: the server config (inside the namespace, on $NETNS_SERVER_IP:1194).
challenge_server_conf() {
    local dir=$1 pki="$1/pki"
    cat > "$dir/server.conf" <<CONF
# two-factor test server (see tests/lib/challenge.sh); runs inside namespace $NETNS
mode server
tls-server
dev tun
topology subnet
server 10.201.0.0 255.255.255.0
proto tcp-server
local $NETNS_SERVER_IP
port 1194
ca $pki/ca.crt
cert $pki/server.crt
key $pki/server.key
dh none
management $dir/server-mgmt.sock unix
management-client-auth
keepalive 1 10
verb 4
CONF
}

# challenge_bed_up SCENARIO [challenge_server.py options...]
challenge_bed_up() {
    local scenario=$1; shift
    make_pki "$T" client1
    make_token "$T" "$CB_TOKEN" "$CB_PIN" client1
    netns_up
    challenge_server_conf "$T"
    netns_exec openvpn --config "$T/server.conf" >"$T/server.log" 2>&1 &
    TB_PIDS+=("$!")
    wait_for "$T/server.log" "Initialization Sequence Completed|Exiting" 20 \
        || fail "the mode server did not start"
    grep -q "Initialization Sequence Completed" "$T/server.log" || fail "the mode server failed"
    python3 "$CB_HERE/challenge_server.py" --socket "$T/server-mgmt.sock" --log "$T/challenge.log" \
        --scenario "$scenario" --user "$CB_USER" --password "$CB_PASSWORD" "$@" \
        >"$T/challenge.out" 2>&1 &
    TB_PIDS+=("$!")
    wait_until 10 test -f "$T/challenge.log" || true
    PORT=1194
    write_challenge_client_config "$T"
}

# write_challenge_client_config DIR [FILE]: what a user of such a VPN has: `client`, auth-user-pass,
# the certificate on the token; no management options.
write_challenge_client_config() {
    local dir=$1 file=${2:-$1/client.conf}
    cat > "$file" <<CONF
# two-factor test client (see tests/lib/challenge.sh)
client
dev null
proto tcp-client
remote $NETNS_SERVER_IP 1194
nobind
ca $dir/pki/ca.crt
remote-cert-tls server
pkcs11-providers ${CLIENT_PROVIDER:-$SOFTHSM_LIB}
auth-user-pass
ifconfig-noexec
route-noexec
verb 3
CONF
}

# client_conf_add LINE...: append lines to $T/client.conf.
client_conf_add() { printf '%s\n' "$@" >> "$T/client.conf"; }

# challenge_log_has LINE: the server's log has exactly this line.
challenge_log_has() { grep -Fxq -- "$1" "$T/challenge.log"; }
challenge_log_count() { grep -Fxc -- "$1" "$T/challenge.log" || true; }
b64() { printf '%s' "$1" | base64 -w0; }
