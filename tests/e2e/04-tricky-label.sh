#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 04-tricky-label: a token label with spaces, double and single quotes and a backslash. The label
# travels through OpenVPN's quoting twice (the serialized id and the "password" command); the prompt
# must show it as it is, and the PIN must reach the token.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
LABEL='My "Card" O'"'"'Neil\x'
bed_up "$LABEL" "$PIN" client1

pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "Using the only certificate: client1" 20
pty_expect_text "PIN for token '$LABEL':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
n=$(pty_count "was rejected")
[ "$n" = 0 ] || fail "the PIN was reported rejected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "server did not verify client1"

pty_send_keys C-c
pty_expect_exit 0 20
pass
