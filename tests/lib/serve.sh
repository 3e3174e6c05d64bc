# SPDX-License-Identifier: GPL-3.0-or-later
# shellcheck shell=bash
# The bed of the serve tests (8x): root runs `ovpn-token serve`, real unprivileged users run
# `connect` with SoftHSM2 tokens only they can read.  Everything machine-wide is the test's own:
#   - its own mount namespace, with fresh tmpfs over /run/ovpn-token and /etc/openvpn/client
#     (the machine's are never seen or touched; /run/ovpn-token is made, empty, if it is not
#     there, so that something can be mounted on it, and removed again afterwards);
#   - its own group (serve --group) and users, made here and removed at exit.
#
# Usage (first thing after testbed.sh):
#   serve_bed_init "$@"            # re-runs the test in its namespace (SKIP when that cannot
#                                  # be), then tb_init, $OVPN_TOKEN and the group $SERVE_GROUP
#   serve_user anna member         # a user in the group (a supplementary group), $T/home-anna
#   serve_user eve outsider        # one who is not
#   make_pki "$T" anna; serve_token anna "Anna Token" 1111 anna
#   PORT=$(free_port); start_server "$T" "$PORT"; serve_config office "$PORT"
#   serve_start office             # $SERVE_PID; waits until openvpn holds
#   serve_pty_connect anna office  # ovpn-token connect office as anna, in the pty
#   as_user anna "$OVPN_TOKEN" status    # any command as that user, no terminal

SERVE_GROUP=
SERVE_USERS=()
SERVE_PID=
SERVE_CONF_DIR=/etc/openvpn/client
SERVE_PREFIX=()     # what serve runs under, e.g. (ip netns exec NS) for a tun of its own
CLIENT_NETNS=

# serve_bed_init "$@": root, and the test itself again inside its own mount namespace.
# SERVE_UNSHARE=--net: a network namespace of its own too (the smartcard bed's pcscd and vpcd).
serve_bed_init() {
    if [ -n "${OVT_SERVE_NAMESPACE:-}" ]; then
        mount -t tmpfs -o mode=0755 ovt-run /run/ovpn-token || { echo "cannot mount /run/ovpn-token"; exit 1; }
        if [ -d /etc/openvpn/client ]; then
            mount -t tmpfs -o mode=0755 ovt-conf /etc/openvpn/client || { echo "cannot mount over /etc/openvpn/client"; exit 1; }
        else
            SERVE_CONF_DIR=
        fi
        tb_init
        require_ovpn_token
        command -v python3 >/dev/null || { echo "SKIP: python3 not found"; exit 77; }
        serve_group
        return 0
    fi
    local tool made= rc
    [ "$(id -u)" = 0 ] || { echo "SKIP: needs root (users, a group, a mount namespace, serve)"; exit 77; }
    for tool in unshare useradd userdel groupadd groupdel setpriv; do
        command -v "$tool" >/dev/null || { echo "SKIP: $tool not found (util-linux, passwd)"; exit 77; }
    done
    unshare --mount --propagation private true 2>/dev/null \
        || { echo "SKIP: cannot make a mount namespace here (unshare --mount)"; exit 77; }
    # A stop (timeout's SIGTERM) reaches the inner test too: wait for it, then tidy up.
    trap 'true' TERM INT HUP
    # The folder made here is shared with serve tests of other runs at the same time (run-e2e.sh
    # runs one per openvpn): one at a time, or one's rmdir takes the other's mount away.
    exec 197<"${BASH_SOURCE[0]}"
    flock 197
    if [ ! -e /run/ovpn-token ]; then
        mkdir -m 0755 /run/ovpn-token && made=1
    fi
    # shellcheck disable=SC2086  # SERVE_UNSHARE is a list of flags
    OVT_SERVE_NAMESPACE=1 unshare --mount --propagation private ${SERVE_UNSHARE:-} bash "$0" "$@" \
        && rc=0 || rc=$?
    [ -n "$made" ] && rmdir /run/ovpn-token 2>/dev/null
    exit "$rc"
}

# Ours first: serve (it stops its openvpn), the users' processes, then the users and the group.
serve_cleanup() {
    local rc=$? u p
    set +e
    if [ -n "$SERVE_PID" ] && pid_alive "$SERVE_PID"; then
        kill -TERM "$SERVE_PID"
        wait_until 15 pid_gone "$SERVE_PID" || kill -KILL "$SERVE_PID"
    fi
    [ -n "$TB_TMUX" ] && tmux -L "$TB_TMUX" kill-server 2>/dev/null
    for u in "${SERVE_USERS[@]}"; do
        for p in $(pgrep -u "$u" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
    done
    sleep 0.2
    for u in "${SERVE_USERS[@]}"; do userdel "$u" 2>/dev/null; done
    [ -n "$SERVE_GROUP" ] && groupdel "$SERVE_GROUP" 2>/dev/null
    [ -n "$CLIENT_NETNS" ] && ip netns del "$CLIENT_NETNS" 2>/dev/null
    declare -F netns_down >/dev/null && netns_down
    (exit "$rc")
    tb_cleanup
}

# serve_group: this test's group ($SERVE_GROUP), given to serve with --group.
serve_group() {
    SERVE_GROUP="ovtk-$$"
    groupadd "$SERVE_GROUP" || fail "groupadd $SERVE_GROUP failed"
    trap serve_cleanup EXIT
    # $T is the users' too: they read their homes in it and the pty starts there.
    chmod 711 "$T"
}

# serve_user NAME member|outsider: a user (its own primary group, no login) with a home
# $T/home-NAME only it may enter; a member has $SERVE_GROUP as a supplementary group, as
# `adduser NAME GROUP` gives it.
serve_user() {
    local name=$1 kind=$2 user="ovtk$$-$1"
    local -a groups=()
    [ "$kind" = member ] && groups=(--groups "$SERVE_GROUP")
    useradd --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin --user-group \
        "${groups[@]}" "$user" || fail "useradd $user failed"
    SERVE_USERS+=("$user")
    mkdir -p "$T/home-$name"
    chown "$user:" "$T/home-$name"
    chmod 700 "$T/home-$name"
    printf -v "USER_$name" '%s' "$user"
}

# user_of NAME: the login name of the test's user NAME.
user_of() { local v="USER_$1"; printf '%s' "${!v}"; }

# serve_token NAME LABEL PIN CN...: a SoftHSM2 token in NAME's home with those certificates
# (from make_pki), its config $T/home-NAME/softhsm2.conf; only NAME can read either.
serve_token() {
    local name=$1 label=$2 pin=$3 home="$T/home-$1" saved=$SOFTHSM2_CONF
    shift 3
    ln -s "$T/pki" "$home/pki"
    make_token "$home" "$label" "$pin" "$@"
    rm -f "$home/pki"
    export SOFTHSM2_CONF=$saved
    chown -R "$(user_of "$name"):" "$home"
    chmod -R go-rwx "$home"
}

# serve_config NAME PORT [PROVIDER]: the client config NAME.conf in root's config folder
# (write_client_config: pkcs11-providers PROVIDER, default SoftHSM2, and all), readable by root
# alone; $SERVE_CONFIG its path.
serve_config() {
    local dir=${SERVE_CONF_DIR:-$T/etc}
    mkdir -p "$dir"
    SERVE_CONFIG="$dir/$1.conf"
    write_client_config "$T" "$2" "${3:-$SOFTHSM_LIB}" "$SERVE_CONFIG"
    chmod 600 "$SERVE_CONFIG"
}

# serve_start NAME [serve options]: root's serve for $SERVE_CONFIG in the background (output in
# $T/serve.log), until openvpn holds (serve says ready only then: it saw the greeting and the
# hold on its own management connection) and the members' socket is there.
serve_start() {
    local name=$1
    shift
    "${SERVE_PREFIX[@]}" "$OVPN_TOKEN" serve --group "$SERVE_GROUP" "$@" "$SERVE_CONFIG" \
        >"$T/serve.log" 2>&1 &
    SERVE_PID=$!
    wait_for "$T/serve.log" "$name is ready" 30 || fail "serve did not get $name ready"
}

# serve_holds NAME: how often serve has seen openvpn wait for a user (ready, then each return
# to its hold, or a user's leaving at its certificate request).
serve_holds() { grep -c "$1 is ready\|$1: openvpn waits" "$T/serve.log"; }

# serve_openvpn_pid NAME: the pid of serve's openvpn, as the serve file says.
serve_openvpn_pid() { sed -n 's/^openvpn_pid=//p' "/run/ovpn-token/$1/serve"; }

# user_env NAME: the environment a user's own session would have (env -i ...).
user_env() {
    local home="$T/home-$1"
    printf '%s\n' env -i PATH=/usr/bin:/bin HOME="$home" TMPDIR="$home" LANG=C.UTF-8 TERM=xterm \
        SOFTHSM2_CONF="$home/softhsm2.conf" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" LSAN_OPTIONS="${LSAN_OPTIONS:-}"
}

# as_user NAME CMD...: CMD as that user (its groups as a login gives them), without a terminal.
# AS_USER_GROUPS=--clear-groups: as a login that began before the user was added to a group.
as_user() {
    local name=$1 line
    local -a envv=()
    shift
    while IFS= read -r line; do envv+=("$line"); done < <(user_env "$name")
    setpriv --reuid "$(user_of "$name")" --regid "$(user_of "$name")" \
        "${AS_USER_GROUPS:---init-groups}" "${envv[@]}" "$@"
}

# expect_refusal CODE TEXT WHAT NAME CMD...: CMD as user NAME exits with CODE and says TEXT.
expect_refusal() {
    local code=$1 text=$2 what=$3 name=$4 rc out="$T/refusal.out"
    shift 4
    as_user "$name" "$@" >"$out" 2>&1 && rc=0 || rc=$?
    [ "$rc" = "$code" ] || fail "$what: exit $rc, expected $code: $(cat "$out")"
    grep -Fq -- "$text" "$out" || fail "$what: says '$(cat "$out")', expected '$text'"
}

# serve_pty_connect NAME TUNNEL [connect options]: `ovpn-token connect TUNNEL` as the user NAME,
# in the test's pty, as if typed in their own terminal.
serve_pty_connect() {
    local name=$1 tunnel=$2 line
    local -a envv=()
    shift 2
    while IFS= read -r line; do envv+=("$line"); done < <(user_env "$name")
    pty_start setpriv --reuid "$(user_of "$name")" --regid "$(user_of "$name")" --init-groups \
        "${envv[@]}" "$OVPN_TOKEN" connect "$@" "$tunnel"
}

# pty_connect_pid: the pid of the ovpn-token in the pty (the pane's shell's child).
pty_connect_pid() {
    local p
    for p in $(descendants "$(pty_pid)"); do
        [ "$(readlink "/proc/$p/exe" 2>/dev/null)" = "$OVPN_TOKEN" ] && { echo "$p"; return 0; }
    done
    return 0
}

# serve_netns_up: a tun-capable pair of namespaces (netns.sh): the server's ($NETNS) and the
# client's ($CLIENT_NETNS, where serve and its openvpn run), joined by a veth pair of their own;
# $SERVER_LINK_IP is the server's end.  Nothing of it is in the machine's own namespace but
# netns.sh's veth end.
serve_netns_up() {
    local prefix=${NETNS_SERVER_IP%.*} base=$((${NETNS_SERVER_IP##*.} - 1))
    CLIENT_NETNS="${NETNS}-c"
    SERVER_LINK_IP="$prefix.$((base + 5))"
    CLIENT_LINK_IP="$prefix.$((base + 6))"
    # netns_up set its own EXIT trap: ours does its part too.
    trap serve_cleanup EXIT
    ip netns add "$CLIENT_NETNS" || fail "ip netns add $CLIENT_NETNS failed"
    ip -n "$NETNS" link add "${NETNS_VETH}s" type veth peer name "${NETNS_VETH}c" netns "$CLIENT_NETNS" \
        || fail "could not join the two namespaces"
    netns_exec ip addr add "$SERVER_LINK_IP/30" dev "${NETNS_VETH}s" || fail "ip addr (server side)"
    netns_exec ip link set "${NETNS_VETH}s" up || fail "ip link set up (server side)"
    ip -n "$CLIENT_NETNS" link set lo up || fail "lo up in $CLIENT_NETNS"
    ip -n "$CLIENT_NETNS" addr add "$CLIENT_LINK_IP/30" dev "${NETNS_VETH}c" || fail "ip addr (client side)"
    ip -n "$CLIENT_NETNS" link set "${NETNS_VETH}c" up || fail "ip link set up (client side)"
    SERVE_PREFIX=(ip netns exec "$CLIENT_NETNS")
}
