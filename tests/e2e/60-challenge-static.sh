#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 60-challenge-static: a server with a static challenge (`static-challenge TEXT 1` and `... 0`):
# ovpn-token asks username, password, then the challenge text, the OTP echoed or not as the
# flag says, and sends SCRV1:<b64 password>:<b64 OTP>; the server got exactly that.
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
for echo in 1 0; do
    write_challenge_client_config "$T"
    client_conf_add "static-challenge \"Enter OTP\" $echo"
    server_lines=$(wc -l < "$T/challenge.log")
    pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
    # The static challenge is part of the 'Auth' request, right after the hold release and
    # before TLS: username, password and OTP come before the token PIN.
    pty_expect "Username" 30
    pty_type "$CB_USER"
    pty_expect "Password" 20
    pty_type "$CB_PASSWORD"
    pty_expect_text "Enter OTP" 20
    pty_type "$OTP"
    pty_expect_text "PIN for token '$CB_TOKEN':" 30
    pty_type "$CB_PIN"
    pty_expect "Connected to $NETNS_SERVER_IP:1194" 30 "not connected (echo $echo)"
    tail -n +"$((server_lines + 1))" "$T/challenge.log" | grep -Fxq \
        "connect cid=$((1 - echo)) kid=1 username=$CB_USER password=SCRV1:$(b64 "$CB_PASSWORD"):$(b64 "$OTP")" \
        || fail "the server did not get SCRV1 with the typed password and OTP (echo $echo)"
    if [ "$echo" = 1 ]; then
        pty_has_text "$OTP" || fail "the OTP was not echoed although the challenge asks for echo"
    else
        ! pty_has_text "$OTP" || fail "the OTP is visible although the challenge asks for no echo"
    fi
    ! pty_has_text "$CB_PASSWORD" || fail "the password is visible on screen"
    pty_send_keys C-c
    pty_expect_exit 0 20
    pty_stop
done
pass
