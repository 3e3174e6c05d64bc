#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 61-challenge-concat: 2.7's `static-challenge TEXT 1 concat` (SC:3): password and OTP are sent
# glued together. 2.6 refuses the concat keyword in its config: that is asserted instead.
set -eu
echo "SKIP: waiting for the session wiring"; exit 77
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
openvpn=${OPENVPN27:-}
for c in "$(dirname "$0")/../../../wt-v27/build/openvpn-2.7/sbin/openvpn" "$HOME"/.cache/ovpn-token/openvpn-2.7*/sbin/openvpn; do
    [ -z "$openvpn" ] && [ -x "$c" ] && openvpn=$c
done
if [ -z "$openvpn" ]; then
    # 2.6.14: the third parameter is a config error; ovpn-token reports openvpn's failure.
    pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
    pty_wait_exit 30 || fail "ovpn-token did not end on a config openvpn refuses"
    [ "$PTY_EXIT" != 0 ] || fail "exit 0 on a config openvpn 2.6 refuses"
    grep -q "static-challenge" "$T/client.log" || fail "openvpn's log does not name static-challenge"
    echo "XFAIL: no OpenVPN 2.7 here; asserted what 2.6 does (refuses concat)"
    pass
fi
pty_start "$OVPN_TOKEN" start --openvpn "$openvpn" --log "$T/client.log" "$T/client.conf"
# OpenVPN asks 'Auth' right after the hold release, before TLS; the PIN comes with the handshake.
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect "Password" 20
pty_type "$CB_PASSWORD"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect_text "Enter OTP" 20
pty_type "$OTP"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=$CB_PASSWORD$OTP" \
    || fail "the server did not get password+OTP concatenated"
pass
