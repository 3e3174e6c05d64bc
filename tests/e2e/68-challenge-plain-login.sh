#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 68-challenge-plain-login: the two-factor bed without a second factor: a `mode server` in its own
# namespace, a client with `auth-user-pass` and the certificate on a token. ovpn-token asks
# username, password (OpenVPN asks them before the TLS handshake) and the PIN, connects, and the
# server's management-client-auth script got exactly what was typed. Runs today; the 6x tests
# next to it build on this bed.
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
challenge_bed_up plain
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect "Password" 20
pty_type "$CB_PASSWORD"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30 "not connected"
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=$CB_PASSWORD" \
    || fail "the server did not get the typed username and password"
! pty_has_text "$CB_PASSWORD" || fail "the password is visible on screen"
ns=$NETNS
pty_send_keys C-c
pty_expect_exit 0 20
netns_down
! ip netns list | grep -qw "$ns" || fail "namespace $ns left behind"
pass
