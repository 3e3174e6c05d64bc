#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 51-external-key-logins: with --external-key the login is ovpn-token's. A key with
# CKA_ALWAYS_AUTHENTICATE, over 20 SIGUSR1 restarts, gets a context-specific login (the kept
# PIN) before every signature and never a prompt after the first; every handshake signs again.
# Counted with OpenSC's pkcs11-spy between ovpn-token and SoftHSM2.
# e2e-timeout: 240
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token
[ -n "$SPY_LIB" ] || { echo "SKIP: pkcs11-spy.so not found (package opensc)"; exit 77; }

PIN=123456
N=${XKEY_RESTARTS:-20}
make_pki "$T" client1
PORT=$(free_port)
start_server "$T" "$PORT"
use_spy "$T"
# pkcs11-spy leaks its own state at each unload (ovpn-token loads the module per look and per
# signer): LeakSanitizer would report the spy's allocations from an unloaded "<unknown module>".
# The same code paths run under leak detection in 50-external-key, without the spy.
export LSAN_OPTIONS=detect_leaks=0

# spy_calls DIR NAME: how many calls of NAME the spy logged.
spy_calls() { grep -Ec "^[0-9]+: $2\$" "$1/spy.log" || true; }
# spy_context_logins DIR: C_Login calls with userType CKU_CONTEXT_SPECIFIC.
spy_context_logins() {
    awk '/^[0-9]+: / { inlogin = ($0 ~ /^[0-9]+: C_Login$/); next }
         inlogin && /userType/ && /CONTEXT_SPECIFIC/ { n++ } END { print n + 0 }' "$1/spy.log"
}

write_client_config "$T" "$PORT"
sed -i '/^pkcs11-providers/d' "$T/client.conf"

# A key with CKA_ALWAYS_AUTHENTICATE (written with pkcs11-tool --always-auth), 20 SIGUSR1
# restarts: each handshake signs again, with no prompt after the first. (An ordinary key takes
# the same path, minus the context-specific login.)
unset PKCS11SPY_OUTPUT
make_token "$T" "Test Token" "$PIN"
openssl pkey -in "$T/pki/client1.key" -outform DER -out "$T/pki/client1.key.der"
pkcs11-tool --module "$SOFTHSM_LIB" --token-label "Test Token" --login --pin "$PIN" \
    --write-object "$T/pki/client1.key.der" --type privkey --id 45 --label client1 --always-auth \
    >>"$T/token.out" 2>&1 || fail "pkcs11-tool: the always-auth key"
pkcs11-tool --module "$SOFTHSM_LIB" --token-label "Test Token" --login --pin "$PIN" \
    --write-object "$T/pki/client1.der" --type cert --id 45 --label client1 \
    >>"$T/token.out" 2>&1 || fail "pkcs11-tool: the certificate"
use_spy "$T"
wait_listening "$PORT" 15
pty_start "$OVPN_TOKEN" start --external-key --provider "$SPY_LIB" --log "$T/always.log" \
    "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "always-auth: not connected"
ovpn_pid=$(pty_openvpn_pid)
for i in $(seq 1 "$N"); do
    kill -USR1 "$ovpn_pid"
    pty_wait_count "Connected to 127\.0\.0\.1:$PORT" $((i + 1)) 30 \
        || fail "always-auth: restart $i of $N: not connected again"
done
[ "$(pty_count "PIN for token")" -eq 1 ] || fail "always-auth: a prompt after the first"
signs=$(spy_calls "$T" C_Sign)
ctx=$(spy_context_logins "$T")
signatures=$(grep -c "MANAGEMENT: CMD 'pk-sig'" "$T/always.log" || true)
log "always-auth: $N restarts, $signatures pk-sig, $signs C_Sign, $ctx context-specific logins, $(spy_calls "$T" C_Login) C_Login"
[ "$signatures" -ge $((N + 1)) ] || fail "always-auth: $signatures signatures for $((N + 1)) handshakes"
if grep -Fq "$PIN" "$T/always.log"; then fail "the PIN is in OpenVPN's log"; fi
[ "$signs" -ge $((N + 1)) ] || fail "always-auth: $signs C_Sign for $((N + 1)) handshakes"
[ "$ctx" -eq "$signs" ] || fail "always-auth: $ctx context-specific logins for $signs signatures"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
pass
