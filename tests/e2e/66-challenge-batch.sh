#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 66-challenge-batch: --batch with --auth-user-pass-file and --pin-file logs in, but a challenge
# is never answered unattended: exit 9 with a message naming the challenge; nothing was sent.
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
printf '%s\n' "$CB_PIN" > "$T/pin"; chmod 600 "$T/pin"
printf '%s\n%s\n' "$CB_USER" "$CB_PASSWORD" > "$T/up"; chmod 600 "$T/up"
pty_start "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --auth-user-pass-file "$T/up" \
    --log "$T/client.log" "$T/client.conf"
pty_expect_exit 9 60
pty_has_text "challenge" || fail "the message does not say a challenge came"
challenge_log_has "connect cid=0 kid=1 username=$CB_USER password=$CB_PASSWORD" \
    || fail "the username/password from the file did not reach the server"
[ "$(grep -c '^connect ' "$T/challenge.log")" = 1 ] || fail "a challenge response was sent"
pass
