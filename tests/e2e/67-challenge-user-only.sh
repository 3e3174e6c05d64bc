#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 67-challenge-user-only: 2.7's `auth-user-pass username-only` (>PASSWORD:Need 'Auth' username):
# only the username is asked and sent. Needs the 2.7 build; 2.6 refuses the option (asserted).
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
challenge_bed_up useronly
sed -i 's/^auth-user-pass$/auth-user-pass username-only/' "$T/client.conf"
openvpn=
for c in "$(dirname "$0")/../../../wt-v27/build/openvpn-2.7/sbin/openvpn" "$HOME"/.cache/ovpn-token/openvpn-2.7*/sbin/openvpn; do
    [ -z "$openvpn" ] && [ -x "$c" ] && openvpn=$c
done
[ -n "$openvpn" ] || { echo "XFAIL: no OpenVPN 2.7 build here"; pass; }
pty_start "$OVPN_TOKEN" start --openvpn "$openvpn" --log "$T/client.log" "$T/client.conf"
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30
! pty_has_text "Password" || fail "a password was asked for a username-only login"
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=[[BLANK]]" || fail "server log"
pass
