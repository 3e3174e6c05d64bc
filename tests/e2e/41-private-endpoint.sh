#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 41-private-endpoint: no PIN goes to a management endpoint someone else controls.
#   a) attach to a unix socket whose listener runs as another user (nobody): refused before
#      anything is sent (exit 4, "the management socket belongs to uid N, not to you; refusing"),
#      no PIN prompt; the planted listener records nothing.
#   b) the same socket served by our own user: accepted, the PIN goes (the check is not blind).
#   c) attach to a TCP port without a management password: a warning that any local user can
#      drive that port; d) with a password: no such warning.
#   e) start, with an "openvpn" whose management socket is served by another process (a
#      listener planted in its place): refused (exit 4, "...served by process N, not by the
#      openvpn we started (M); refusing"), and that listener receives nothing.
# The planted listener is tests/lib/fake_mgmt.py: it asks for the PIN at once and records
# every byte it receives.  a) needs root (to run it as nobody); without root it is skipped,
# saying so.
# The scenario functions are called through `scenario NAME FUNCTION`.
# shellcheck disable=SC2317
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source-path=SCRIPTDIR source=../lib/hostile.sh
. "$(dirname "$0")/../lib/hostile.sh"
tb_init
require_ovpn_token
require_python

PIN=734921
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"

foreign_unix() {
    if [ "$(id -u)" != 0 ] || ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
        log "    SKIP foreign-unix: needs root, setpriv and a 'nobody' user"
        return 0
    fi
    local uid
    uid=$(id -u nobody)
    FAKE_AS=nobody fake_start_unix foreign normal "$T/foreign/mgmt.sock"
    [ "$(stat -c %U "$T/foreign/mgmt.sock")" = nobody ] || fail "foreign: the socket is not nobody's"
    # In a terminal, so a PIN prompt would show; should one come, the PIN is typed and the
    # recording shows whether it went out.
    pty_start "$OVPN_TOKEN" attach "$T/foreign/mgmt.sock"
    pty_wait_screen "PIN for token|EXIT=" 15 || true
    if pty_has_text "PIN for token"; then pty_type "$PIN"; fi
    pty_wait_exit 15 || fail "foreign: still running"
    if [ -s "$FAKE_REC" ]; then
        fail "foreign: the listener of uid $uid received: $(head -c 300 "$FAKE_REC" | od -c | head -5)"
    fi
    if pty_has_text "PIN for token"; then fail "foreign: asked for the PIN for a foreign socket"; fi
    pty_has_text "ovpn-token: the management socket belongs to uid $uid, not to you; refusing" \
        || fail "foreign: no refusal message"
    [ "$PTY_EXIT" = 4 ] || fail "foreign: exit $PTY_EXIT, expected 4"
    pty_stop
}

own_unix() {
    mkdir -p "$T/own"
    fake_start_unix own normal "$T/own/mgmt.sock"
    run_bounded own 20 "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" "$T/own/mgmt.sock"
    expect_rc own 4 "the fake closes after CONNECTED"
    fake_check own --pin "$PIN" --passwords 1
    if grep -qi "any local user" "$T/own.err"; then fail "own: the TCP warning on a unix socket"; fi
}

tcp_no_password() {
    fake_start tcpnp normal
    run_bounded tcpnp 20 "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" "$FAKE_ADDR"
    expect_rc tcpnp 4
    grep -Eq '^ovpn-token: .*no password.*any local user' "$T/tcpnp.err" \
        || fail "tcpnp: no warning that any local user can drive the port"
    fake_check tcpnp --pin "$PIN" --passwords 1
}

tcp_password() {
    printf 'mgmt-secret\n' > "$T/mgmt.pw"
    chmod 600 "$T/mgmt.pw"
    fake_start tcpw password-normal
    run_bounded tcpw 20 "$OVPN_TOKEN" attach --batch --pin-file "$T/pin" \
        --management-password-file "$T/mgmt.pw" "$FAKE_ADDR"
    expect_rc tcpw 4
    head -n 1 "$FAKE_REC" | grep -qx 'mgmt-secret' || fail "tcpw: the management password was not sent first"
    fake_check tcpw --pin "$PIN" --passwords 1
}
tcp_password_no_warning() {
    [ -f "$T/tcpw.err" ] || fail "tcp-password did not run"
    if grep -qi "any local user" "$T/tcpw.err"; then fail "tcpw: warned although the port has a password"; fi
}

# A stand-in for openvpn: it leaves a listener of its own on the management socket it was given
# (another process: a different pid than the one ovpn-token started) and waits.
planted_start() {
    cat > "$T/fake-openvpn" <<SCRIPT
#!/bin/bash
sock=
while [ \$# -gt 0 ]; do
    if [ "\$1" = --management ]; then sock=\$2; fi
    shift
done
python3 $(printf %q "$FAKE_MGMT") serve --listen "unix:\$sock" --scenario normal \\
    --record $(printf %q "$T/planted.rec") --ready $(printf %q "$T/planted.ready") --time-limit 30 &
exec sleep 30
SCRIPT
    chmod +x "$T/fake-openvpn"
    printf 'dev null\nremote 127.0.0.1 1\n' > "$T/planted.conf"
    FAKE_REC="$T/planted.rec"
    run_bounded planted 30 "$OVPN_TOKEN" start --batch --pin-file "$T/pin" \
        --openvpn "$T/fake-openvpn" --log "$T/planted-openvpn.log" "$T/planted.conf"
    [ -f "$T/planted.ready" ] || fail "planted: the planted listener never started"
    if [ -s "$T/planted.rec" ]; then
        fail "planted: the planted listener received: $(head -c 300 "$T/planted.rec" | od -c | head -5)"
    fi
    grep -Eq '^ovpn-token: the management socket is served by process [0-9]+, not by the openvpn we started \([0-9]+\); refusing' \
        "$T/planted.err" || fail "planted: no refusal message"
    echo "$RUN_RC" > "$T/planted.rc"
}
planted_start_exit_code() {
    [ -f "$T/planted.rc" ] || fail "planted-start did not get as far"
    RUN_RC=$(cat "$T/planted.rc")
    expect_rc planted 4 "management failure"
}

scenario foreign-unix foreign_unix
scenario own-unix own_unix
scenario tcp-no-password tcp_no_password
scenario tcp-password tcp_password
scenario tcp-password-no-warning tcp_password_no_warning
scenario planted-start planted_start
scenario planted-start-exit-code planted_start_exit_code
scenarios_done
