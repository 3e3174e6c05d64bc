#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 07-openvpn-fails: OpenVPN cannot do its job; ovpn-token must say so and exit 3, quickly.
#   a) a config with an unknown option (openvpn exits at once, before its log file is opened when
#      --log comes after --config: the reason is on openvpn's stderr and must reach the user)
#   b) --openvpn /nonexistent
#   c) a FATAL after the hold: a CA file that exists but holds no certificate
#      (OpenVPN: ">FATAL:Cannot load CA certificate file ..." right after the pkcs11-id is chosen)
#   d) openvpn killed with SIGKILL while connected: said as "killed by SIGKILL", not "status 137"
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1

# run_case NAME EXPECTED_RC CMD...: run in the pty, expect the exit status within 30 s and an error
# line on screen; no PIN may be asked.
run_case() {
    local name=$1 want=$2; shift 2
    log "$name"
    pty_start "$@"
    pty_expect_exit "$want" 30
    pty_expect "^ovpn-token: " 2 "no 'ovpn-token: ' error line"
    if pty_screen | grep -Fq "PIN for token"; then fail "$name: PIN asked"; fi
}

cp "$T/client.conf" "$T/bad-option.conf"
echo "bogus-option-xyz 1" >> "$T/bad-option.conf"
run_case "a) bad option" 3 "$OVPN_TOKEN" start --log "$T/bad-option.log" "$T/bad-option.conf"
pty_expect "^ovpn-token: (OpenVPN: |openvpn exited with status [1-9])" 1 "no openvpn failure message"
pty_expect_text "bogus-option-xyz" 1 "the reason (openvpn's 'Options error') is not shown"
pty_stop

run_case "b) no openvpn binary" 3 "$OVPN_TOKEN" start --openvpn /nonexistent/openvpn \
    --log "$T/nonexistent.log" "$T/client.conf"
pty_expect "^ovpn-token: .*/nonexistent/openvpn" 1 "the message does not name the missing program"
pty_stop

echo "this is not a certificate" > "$T/pki/bad-ca.crt"
sed "s|^ca .*|ca $T/pki/bad-ca.crt|" "$T/client.conf" > "$T/bad-ca.conf"
run_case "c) FATAL: bad CA file" 3 "$OVPN_TOKEN" start --log "$T/bad-ca.log" "$T/bad-ca.conf"
pty_expect "^ovpn-token: OpenVPN: Cannot load CA certificate file" 1 "no FATAL message"
[ -z "$(pgrep -f -- "$T/bad-ca.conf" || true)" ] || fail "openvpn still running after FATAL"

log "d) openvpn killed"
pty_stop
wait_listening "$PORT" || true
printf '%s\n' "$PIN" > "$T/pin"
chmod 600 "$T/pin"
pty_start "$OVPN_TOKEN" start --pin-file "$T/pin" --log "$T/killed.log" "$T/client.conf"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "d: not connected"
ovpn_pid=$(pty_openvpn_pid)
[ -n "$ovpn_pid" ] || fail "d: no openvpn"
kill -KILL "$ovpn_pid"
pty_expect_exit 3 20
pty_expect_text "openvpn was killed by SIGKILL" 2 "d: the signal is not named"
if pty_screen | grep -q "status 137"; then fail "d: status 137 shown"; fi
pass
