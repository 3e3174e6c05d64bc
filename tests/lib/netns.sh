# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# A network namespace for an OpenVPN server in `mode server` (which needs a tun device), reached from
# the root namespace over a veth pair with a private /30. The tun device, its addresses and the
# server's traffic exist only inside the namespace; the /30 exists only on the two veth ends, and
# everything is removed at exit.
#
# Usage (after testbed.sh and tb_init):
#   netns_require               # SKIP (exit 77) with the reason when this machine cannot do it
#   netns_up                    # $NETNS, $NETNS_SERVER_IP (inside), $NETNS_CLIENT_IP (root side)
#   netns_exec CMD...           # run CMD inside the namespace
#
# Requires root (CI runs as root), /dev/net/tun and `ip netns`.

NETNS=
NETNS_VETH=
NETNS_SERVER_IP=
NETNS_CLIENT_IP=

# netns_require: exit 77 (SKIP) naming what is missing.
netns_require() {
    local why=
    if [ "$(id -u)" != 0 ]; then why="not root (ip netns and a tun device need root)"
    elif [ ! -c /dev/net/tun ]; then why="/dev/net/tun is missing"
    elif ! command -v ip >/dev/null; then why="the ip command (iproute2) is missing"
    elif ! ip netns list >/dev/null 2>&1; then why="ip netns does not work here"
    fi
    if [ -n "$why" ]; then
        echo "SKIP: $why"
        exit 77
    fi
}

# netns_subnet_free A.B.C: no address of this /24 prefix is on any interface of the root namespace.
netns_subnet_free() { ! ip -4 -o addr show 2>/dev/null | grep -Fq " inet $1."; }

# netns_up: a fresh namespace with lo up and a veth pair: the inner end NETNS_SERVER_IP/30, the
# root-namespace end NETNS_CLIENT_IP/30. The /30 is taken at random from 10.200.0.0/16, in a /24
# that no interface here uses yet, so parallel tests do not collide.
netns_up() {
    local n third fourth _
    for _ in $(seq 1 50); do
        third=$((RANDOM % 256))
        netns_subnet_free "10.200.$third" && break
        third=
    done
    [ -n "$third" ] || fail "no free 10.200.X.0/24 for the test namespace"
    fourth=$(( (RANDOM % 63) * 4 ))
    n=$((RANDOM % 100000))
    NETNS="ovt-$$-$n"
    NETNS_VETH="ovt${n}"          # interface names: at most 15 characters
    NETNS_SERVER_IP="10.200.$third.$((fourth + 1))"
    NETNS_CLIENT_IP="10.200.$third.$((fourth + 2))"
    # Cleanup runs before testbed's, which keeps the exit status.
    trap 'netns_rc=$?; netns_down; (exit $netns_rc); tb_cleanup' EXIT
    ip netns add "$NETNS" || fail "ip netns add $NETNS failed"
    ip link add "${NETNS_VETH}a" type veth peer name "${NETNS_VETH}b" netns "$NETNS" \
        || fail "could not create the veth pair"
    ip addr add "$NETNS_CLIENT_IP/30" dev "${NETNS_VETH}a" || fail "ip addr (root side)"
    ip link set "${NETNS_VETH}a" up || fail "ip link set up (root side)"
    netns_exec ip link set lo up || fail "lo up in $NETNS"
    netns_exec ip addr add "$NETNS_SERVER_IP/30" dev "${NETNS_VETH}b" || fail "ip addr (namespace)"
    netns_exec ip link set "${NETNS_VETH}b" up || fail "ip link set up (namespace)"
}

netns_exec() { ip netns exec "$NETNS" "$@"; }

# netns_down: stop what still runs in the namespace (only processes this test put there), then
# remove it; the veth pair goes with it.
netns_down() {
    [ -n "$NETNS" ] || return 0
    local p
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill "$p" 2>/dev/null || true; done
    sleep 0.3
    for p in $(ip netns pids "$NETNS" 2>/dev/null); do kill -9 "$p" 2>/dev/null || true; done
    ip netns del "$NETNS" 2>/dev/null || true
    ip link del "${NETNS_VETH}a" 2>/dev/null || true  # (gone with the namespace, usually)
    NETNS=
    return 0
}
