#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 04-tricky-label: a token label with spaces, double and single quotes and a backslash. The label
# travels through OpenVPN's quoting twice (the serialized id and the "password" command); the prompt
# must show it as it is, and the PIN must reach the token.
# b) A label with a control byte (ESC) cannot be named in a "password" command: that cause is said
#    (exit 4), and OpenVPN's echo of it ("TLS handshake failed", its log's end) is not shown.
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
pty_stop
wait_listening "$PORT"

log "b) a label with ESC"
mkdir -p "$T/esc"
cp -r "$T/pki" "$T/esc/"
make_token "$T/esc" $'Anna\x1bcard' "$PIN" client1
write_client_config "$T/esc" "$PORT"
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
rc=0
timeout 60 "$OVPN_TOKEN" start --batch --pin-file "$T/pin" --log "$T/esc.log" "$T/esc/client.conf" \
    </dev/null >"$T/esc.out" 2>&1 || rc=$?
[ "$rc" = 4 ] || fail "exit $rc, not 4: $(cat -v "$T/esc.out")"
grep -q "control character" "$T/esc.out" || fail "the cause is not said: $(cat -v "$T/esc.out")"
if grep -Eq "TLS handshake failed|the end of its log" "$T/esc.out"; then
    fail "OpenVPN's echo follows the cause: $(cat -v "$T/esc.out")"
fi
pass
