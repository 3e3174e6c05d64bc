#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 03-wrong-pin: a wrong PIN, then the right one. The user sees exactly one "was rejected" line and a
# second prompt; it connects. Seen from outside with pkcs11-spy between OpenVPN and SoftHSM2: the wrong
# PIN reached C_Login exactly once (never resent: a real card locks after a few wrong PINs).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
WRONG=999111
use_spy "$T"
CLIENT_PROVIDER=$SPY_LIB
bed_up "Test Token" "$PIN" client1

# --provider: ovpn-token reads the token's PIN flags through the real module, so the spy log is
# OpenVPN's logins alone.
pty_start "$OVPN_TOKEN" start --provider "$SOFTHSM_LIB" --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$WRONG"
pty_expect_text "The PIN was rejected by token 'Test Token'." 20
pty_wait_count "PIN for token 'Test Token':" 2 20 || fail "no second PIN prompt"
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"

n=$(pty_count "was rejected")
[ "$n" = 1 ] || fail "\"was rejected\" shown $n times, expected once"
n=$(pty_count "PIN for token 'Test Token':")
[ "$n" = 2 ] || fail "PIN prompt shown $n times, expected 2"
if pty_screen | grep -Eq "$WRONG|$PIN"; then fail "a PIN is visible on screen"; fi

[ -s "$T/spy.log" ] || fail "pkcs11-spy wrote no log (is it the provider?)"
n=$(spy_pin_count "$T" "$WRONG")
[ "$n" = 1 ] || fail "the wrong PIN reached C_Login $n times, expected 1"
n=$(spy_pin_count "$T" "$PIN")
[ "$n" = 1 ] || fail "the right PIN reached C_Login $n times, expected 1"
n=$(spy_login_count "$T")
[ "$n" = 2 ] || fail "C_Login called $n times, expected 2"

pty_send_keys C-c
pty_expect_exit 0 20
pass
