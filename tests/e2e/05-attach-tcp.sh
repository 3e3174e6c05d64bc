#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 05-attach-tcp: OpenVPN started by someone else, management on 127.0.0.1:PORT with a password file.
#   a) `ovpn-token attach --management-password-file` logs in, asks the PIN, connects.
#   b) a wrong password file: exit 8 with a clear message, promptly (OpenVPN just asks again, it
#      never says "wrong"; ovpn-token must not loop or hang).
#   c) three wrong passwords typed at the prompt: after the third refusal exit 8 at once, with
#      no fourth prompt (OpenVPN hangs up after three).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1
printf 's3cret-Pw\n' > "$T/mgmt.pw"
printf 'not-the-password\n' > "$T/wrong.pw"
chmod 600 "$T/mgmt.pw" "$T/wrong.pw"   # else OpenVPN warns that it is group or others accessible

# start_client MGMT_PORT LOG: openvpn as an admin would run it for attach.
start_client() {
    openvpn --config "$T/client.conf" --log "$2" \
        --management 127.0.0.1 "$1" "$T/mgmt.pw" \
        --management-query-passwords --management-hold --pkcs11-id-management &
    TB_PIDS+=("$!")
    CLIENT_PID=$!
    wait_for "$2" "MANAGEMENT: TCP Socket listening" 15 || fail "openvpn client management not listening"
}

log "a) right password"
mport=$(free_port)
start_client "$mport" "$T/client.log"
pty_start "$OVPN_TOKEN" attach --management-password-file "$T/mgmt.pw" "127.0.0.1:$mport"
pty_expect_text "Using the only certificate: client1" 20
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
if pty_screen | grep -Eq "s3cret-Pw|$PIN"; then fail "a secret is visible on screen"; fi
if pty_screen | grep -Fq "Management password:"; then fail "asked for the management password despite the file"; fi
if pty_screen | grep -Fq "no password"; then fail "warned about a missing password on a protected port"; fi
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "server did not verify client1"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
if pid_alive "$CLIENT_PID"; then log "(openvpn still runs after attach ended with Ctrl-C)"; kill "$CLIENT_PID"; fi

log "b) wrong password"
mport=$(free_port)
start_client "$mport" "$T/client2.log"
set +e
timeout 30 "$OVPN_TOKEN" attach --management-password-file "$T/wrong.pw" "127.0.0.1:$mport" \
    </dev/null >"$T/attach.out" 2>"$T/attach.err"
rc=$?
set -e
[ "$rc" != 124 ] || fail "attach with a wrong password hangs"
[ "$rc" = 8 ] || fail "attach with a wrong password: exit $rc, expected 8"
grep -Eiq '^ovpn-token: .*password' "$T/attach.err" || fail "no clear message about the password on stderr"
if grep -Fq "not-the-password" "$T/attach.out" "$T/attach.err"; then fail "the password is printed"; fi
kill "$CLIENT_PID" 2>/dev/null || true

log "c) three wrong passwords typed"
mport=$(free_port)
start_client "$mport" "$T/client3.log"
pty_start "$OVPN_TOKEN" attach "127.0.0.1:$mport"
for try in 1 2 3; do
    pty_wait_count "Management password:" "$try" 20 || fail "no management password prompt #$try"
    pty_type "wrong-$try"
done
pty_expect_exit 8 20
[ "$(pty_count 'Management password:')" = 3 ] || fail "expected 3 password prompts, saw $(pty_count 'Management password:')"
pty_expect_text "The management password was rejected" 5
if pty_screen | grep -Fq "wrong-"; then fail "a typed password is visible on screen"; fi
pty_stop
pass
