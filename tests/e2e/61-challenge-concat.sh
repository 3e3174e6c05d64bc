#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 61-challenge-concat: 2.7's `static-challenge TEXT 1 concat` (SC:3): password and OTP are sent
# glued together. 2.6 refuses the concat keyword in its config (exit 3, openvpn's log names it).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
# shellcheck source=../lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=../lib/challenge.sh
. "$(dirname "$0")/../lib/challenge.sh"
tb_init
require_ovpn_token
netns_require
OTP=424242
challenge_bed_up static --otp "$OTP"
client_conf_add 'static-challenge "Enter OTP" 1 concat'
if ! openvpn_at_least 2.7; then
    # 2.6: the third parameter is a config error; ovpn-token reports openvpn's failure.
    pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
    pty_wait_exit 30 || fail "ovpn-token did not end on a config openvpn $OPENVPN_VERSION refuses"
    [ "$PTY_EXIT" = 3 ] || fail "exit $PTY_EXIT (not 3) on a config openvpn $OPENVPN_VERSION refuses"
    grep -q "static-challenge" "$T/client.log" || fail "openvpn's log does not name static-challenge"
    [ "$(grep -c '^connect ' "$T/challenge.log")" = 0 ] || fail "a login reached the server"
    pass
fi
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
# SC:3: echo and concat; the OTP comes with the 'Auth' request, before the PIN.
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect "Password" 20
pty_type "$CB_PASSWORD"
pty_expect_text "Enter OTP" 20
pty_type "$OTP"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=$CB_PASSWORD$OTP" \
    || fail "the server did not get password+OTP concatenated"
pty_has_text "$OTP" || fail "the OTP was not echoed (SC:3 has the echo bit)"
pass
