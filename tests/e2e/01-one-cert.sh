#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 01-one-cert: a token with one certificate. ovpn-token picks it without asking, asks the PIN (typed
# into a real pty, never echoed), connects, and Ctrl-C stops OpenVPN with exit status 0.
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1
expires=$(cert_expiry "$T" client1)

pty_start "$OVPN_TOKEN" start --log "$T/client.log" "$T/client.conf"
pty_expect_text "OpenVPN log: $T/client.log" 15
pty_expect_text "Using the only certificate: client1 (issuer Test CA, expires $expires)" 20
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"

# The server saw our certificate.
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "server did not verify client1"
# No echo: the PIN must not be anywhere on the screen.
if pty_screen | grep -Fq "$PIN"; then fail "the PIN is visible on screen"; fi

ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "no openvpn process found while connected"

pty_send_keys C-c
pty_expect_text "Stopping OpenVPN..." 10
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
wait_until 5 pid_gone "$ovpn_pid" || fail "openvpn ($ovpn_pid) still running after ovpn-token exited"
pass
