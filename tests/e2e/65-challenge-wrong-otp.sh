#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 65-challenge-wrong-otp: a wrong OTP to a CR_TEXT question ends with AUTH_FAILED and the server's
# reason shown ("wrong OTP"), no second attempt sent by itself although start added
# --auth-retry interact (openvpn asks again), and exit 14. (CRV1 and static: test_session_auth.)
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
challenge_bed_up crtext --otp "$OTP"
pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
# OpenVPN asks 'Auth' right after the hold release, before TLS; the PIN comes with the handshake.
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect "Password" 20
pty_type "$CB_PASSWORD"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect_text "Your OTP code:" 30
pty_type 000000
pty_expect "Login refused by the server \\(AUTH_FAILED\\): wrong OTP" 30 "the server's reason is not shown"
pty_expect_exit 14 30
[ "$(pty_count "Your OTP code:")" = 1 ] || fail "the OTP was asked again"
[ "$(grep -c '^cr-response=' "$T/challenge.log")" = 1 ] || fail "the response was sent more than once"
[ "$(grep -c '^connect ' "$T/challenge.log")" = 1 ] || fail "it logged in again by itself"
pass
