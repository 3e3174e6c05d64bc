#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 67-challenge-user-only: 2.7's `auth-user-pass username-only` (>PASSWORD:Need 'Auth' username):
# only the username is asked and sent. 2.6 takes username-only for a file name and fails (asserted).
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
challenge_bed_up useronly
sed -i 's/^auth-user-pass$/auth-user-pass username-only/' "$T/client.conf"
if ! openvpn_at_least 2.7; then
    # 2.6 reads "username-only" as the name of a credentials file, which does not exist.
    pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
    pty_wait_exit 30 || fail "ovpn-token did not end on a config openvpn $OPENVPN_VERSION refuses"
    [ "$PTY_EXIT" = 3 ] || fail "exit $PTY_EXIT (not 3) on a config openvpn $OPENVPN_VERSION refuses"
    grep -q "username-only" "$T/client.log" || fail "openvpn's log does not name username-only"
    pass
fi
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30
! pty_has_text "Password" || fail "a password was asked for a username-only login"
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=[[BLANK]]" \
    || fail "the server did not get the username alone (the mode server shows an empty password as [[BLANK]])"
pass
