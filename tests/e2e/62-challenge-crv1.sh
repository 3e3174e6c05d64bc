#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 62-challenge-crv1: the server answers the password with a dynamic challenge (client-deny with
# CRV1:R,E:...). ovpn-token shows the text, asks the response (echoed: flag E), and at the next
# request sends the username from the challenge and CRV1::<state>::<response>. start adds
# --auth-retry interact (the config has none), or openvpn would exit on the challenge.
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
challenge_bed_up crv1 --otp "$OTP"
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
# OpenVPN asks 'Auth' right after the hold release, before TLS; the PIN comes with the handshake.
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect "Password" 20
pty_type "$CB_PASSWORD"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect_text "Enter the code from your phone:" 30
pty_type "$OTP"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=$CB_PASSWORD" || fail "first login"
challenge_log_has "connect cid=1 kid=1 username=$CB_USER password=CRV1::st4te-1d::$OTP" \
    || fail "the server did not get CRV1::st4te-1d::$OTP"
pty_has_text "$OTP" || fail "the response was not echoed (flag E)"
[ "$(pty_count "Password")" = 1 ] || fail "the password was asked again"
ovpn=$(pty_openvpn_pid)
proc_args "$ovpn" | grep -qx -- "--auth-retry" || fail "start did not add --auth-retry interact"
pass
