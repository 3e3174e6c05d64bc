#!/bin/bash
# 51-external-key-logins: with --external-key the login is ovpn-token's. A wrong PIN is named as
# such (CKR_PIN_INCORRECT) and asked again; 20 SIGUSR1 restarts sign again with no prompt; a key
# with CKA_ALWAYS_AUTHENTICATE gets a context-specific login (the kept PIN) before every
# signature, never a prompt. Counted with OpenSC's pkcs11-spy between ovpn-token and SoftHSM2.
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

# 1. An ordinary key: a wrong PIN first.
make_token "$T" "Test Token" "$PIN" client1
pty_start "$OVPN_TOKEN" start --external-key --provider "$SPY_LIB" --log "$T/wrong.log" \
    "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "111111"
pty_expect_text "The PIN was rejected by token 'Test Token' (CKR_PIN_INCORRECT)." 20
pty_wait_count "PIN for token 'Test Token':" 2 20 || fail "the PIN was not asked again"
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "not connected after the right PIN"
[ "$(spy_pin_count "$T" 111111)" -eq 1 ] || fail "the wrong PIN went to the token more than once"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

# 2. The same token, 20 restarts: one prompt, one C_Login with the PIN per module load at most.
rm -f "$T/spy.log"
wait_listening "$PORT" 15
pty_start "$OVPN_TOKEN" start --external-key --provider "$SPY_LIB" --log "$T/soak.log" \
    "$T/client.conf"
pty_expect_text "PIN for token 'Test Token':" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "soak: not connected"
ovpn_pid=$(pty_openvpn_pid)
for i in $(seq 1 "$N"); do
    kill -USR1 "$ovpn_pid"
    pty_wait_count "Connected to 127\.0\.0\.1:$PORT" $((i + 1)) 30 \
        || fail "soak: restart $i of $N: not connected again"
done
[ "$(pty_count "PIN for token")" -eq 1 ] || fail "soak: the PIN was asked again"
signatures=$(grep -c "MANAGEMENT: CMD 'pk-sig'" "$T/soak.log" || true)
[ "$signatures" -ge $((N + 1)) ] || fail "soak: $signatures signatures for $((N + 1)) handshakes"
log "soak: $N restarts, $signatures signatures, $(spy_calls "$T" C_Login) C_Login"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop

# 3. A key with CKA_ALWAYS_AUTHENTICATE (written with pkcs11-tool --always-auth).
rm -rf "$T/tokens" "$T/spy.log"
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
log "always-auth: $N restarts, $signs C_Sign, $ctx context-specific logins"
[ "$signs" -ge $((N + 1)) ] || fail "always-auth: $signs C_Sign for $((N + 1)) handshakes"
[ "$ctx" -eq "$signs" ] || fail "always-auth: $ctx context-specific logins for $signs signatures"
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
pass
