#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 52-renegotiation-keeps-login: a token outside pcscd (SoftHSM2) with --external-key and
# --no-cache, renegotiating every 5 s: the removal watch looks at the token every 2 s, and a look
# never ends the signer's login (one owner per PKCS#11 module, src/pkcs11/module.h). A
# renegotiation is not a restart: the PIN is asked once, C_Login is called once, the module is
# initialized once and never finalized while the tunnel is up. Counted with pkcs11-spy between
# ovpn-token and SoftHSM2 (openvpn loads no module in this mode).
# e2e-timeout: 120
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token
[ -n "$SPY_LIB" ] || { echo "SKIP: pkcs11-spy.so not found (package opensc)"; exit 77; }
# pkcs11-spy leaks its own state when a module is unloaded (the looks before the tunnel).
export LSAN_OPTIONS=detect_leaks=0

PIN=123456
make_pki "$T" client1
make_token "$T" "Test Token" "$PIN" client1
PORT=$(free_port)
start_server "$T" "$PORT"
kill "$SERVER_PID"
wait_until 5 pid_gone "$SERVER_PID" || fail "the first server does not end"
echo "reneg-sec 5" >> "$T/server.conf"
"$OPENVPN" --config "$T/server.conf" >"$T/server.log" 2>&1 &
TB_PIDS+=("$!")
wait_listening "$PORT"
use_spy "$T"
write_client_config "$T" "$PORT" "$SPY_LIB"
echo "reneg-sec 5" >> "$T/client.conf"

spy_calls() { grep -Ec "^[0-9]+: $1\$" "$T/spy.log" || true; }
signatures() { grep -c "MANAGEMENT: CMD 'pk-sig'" "$T/client.log" || true; }
four_signatures() { [ "$(signatures)" -ge 4 ]; }

pty_start "$OVPN_TOKEN" start -v --external-key --no-cache --log "$T/client.log" "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected"
pty_expect_text "Watching token 'Test Token' (a look every 2 s)" 10 "the token is not watched by looks"
logins=$(spy_calls C_Login)
inits=$(spy_calls C_Initialize)
finals=$(spy_calls C_Finalize)
# Three renegotiations (each signs with the token) after the first handshake.
wait_until 40 four_signatures || fail "$(signatures) signatures in 40 s, expected 4 (three renegotiations)"
log "C_Initialize $(spy_calls C_Initialize) (at Connected: $inits), C_Finalize $(spy_calls C_Finalize) ($finals), C_Login $(spy_calls C_Login) ($logins), C_GetTokenInfo $(spy_calls C_GetTokenInfo)"
n=$(pty_count "PIN for token 'Test Token':")
[ "$n" = 1 ] || fail "the PIN was asked $n times: a renegotiation asked it again"
[ "$(spy_calls C_Login)" = "$logins" ] || fail "C_Login $(spy_calls C_Login) times, $logins at Connected: a renegotiation logged in again"
[ "$(spy_calls C_Finalize)" = "$finals" ] || fail "the module was finalized while the tunnel was up ($finals -> $(spy_calls C_Finalize))"
[ "$(spy_calls C_Initialize)" = "$inits" ] || fail "the module was initialized again while the tunnel was up"
if pty_has_text "Reconnecting"; then fail "the tunnel went down: $(pty_screen | grep Reconnecting)"; fi
n=$(pty_count "^Connected to")
[ "$n" = 1 ] || fail "Connected shown $n times: the tunnel did not stay up"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
pass
