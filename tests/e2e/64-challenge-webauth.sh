#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 64-challenge-webauth: pending auth with WEB_AUTH (and OPEN_URL): the URL is shown whole with the
# timeout, no browser is started (no desktop session in the test), and the login completes when
# the server approves.
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
challenge_bed_up webauth --approve-file "$T/approve"
pty_start env -u DISPLAY -u WAYLAND_DISPLAY "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
# OpenVPN asks 'Auth' right after the hold release, before TLS; the PIN comes with the handshake.
pty_expect "Username" 30
pty_type "$CB_USER"
pty_expect "Password" 20
pty_type "$CB_PASSWORD"
pty_expect_text "PIN for token '$CB_TOKEN':" 30
pty_type "$CB_PIN"
pty_expect_text "https://sso.example.test/login?session=abc:123" 30
pty_expect "60 s|60 seconds" 5 "the pending-auth timeout is not shown"
touch "$T/approve"
pty_expect "Connected to $NETNS_SERVER_IP:1194" 30
challenge_log_has "iv_sso=crtext,openurl,webauth" || fail "start did not announce IV_SSO"
pass
