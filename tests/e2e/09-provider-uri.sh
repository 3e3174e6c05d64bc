#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 09-provider-uri: certificate and key from the token through OpenSSL's pkcs11-provider instead of
# pkcs11-helper (`providers pkcs11 default`, `cert pkcs11:...`, `key pkcs11:...`).
#   2.7: OpenVPN asks `>PASSWORD:Need 'PKCS#11 token' password`, with no certificate question;
#        a) `ovpn-token attach` shows "PIN for the PKCS#11 token:", and with the right PIN connects;
#        b) a wrong PIN ends openvpn at once ("private key password verification failed"): that
#           is the PIN's rejection, exit 6, the PIN went out once;
#        c) `ovpn-token start` on the same config (no --pkcs11-id-management added: the config
#           has its own cert and key) connects;
#        d) `start --restart --batch` with a wrong PIN file: exit 6, not retried, the PIN sent once.
#   2.6: OpenVPN loads the provider but takes the URIs for file names and refuses the config.
# Needs tools/build-pkcs11-provider (build/pkcs11-provider, or $PKCS11_PROVIDER_MODULES).
set -eu
# shellcheck source-path=SCRIPTDIR source=../lib/testbed.sh
. "$(dirname "$0")/../lib/testbed.sh"
tb_init
require_ovpn_token

PIN=123456
bed_up "Test Token" "$PIN" client1
grep -v '^pkcs11-providers' "$T/client.conf" > "$T/prov.conf"
cat >> "$T/prov.conf" <<EOF
providers pkcs11 default
cert "pkcs11:token=Test%20Token;object=client1;type=cert"
key "pkcs11:token=Test%20Token;object=client1;type=private"
verb 4
EOF
# attach needs an openvpn with its management interface; start adds its own.
cp "$T/prov.conf" "$T/attach.conf"
printf 'management %s unix\nmanagement-query-passwords\nmanagement-hold\n' "$T/mgmt.sock" \
    >> "$T/attach.conf"

top=$(cd "$(dirname "$0")/../.." && pwd)
modules=${PKCS11_PROVIDER_MODULES:-$top/build/pkcs11-provider/ossl-modules}
if [ ! -f "$modules/pkcs11.so" ]; then
    echo "SKIP: no pkcs11-provider in $modules (tools/build-pkcs11-provider)"
    exit 77
fi
export OPENSSL_MODULES=$modules PKCS11_PROVIDER_MODULE=$SOFTHSM_LIB

if ! openvpn_at_least 2.7; then
    log "openvpn $OPENVPN_VERSION: the URIs are not understood"
    if openvpn --config "$T/attach.conf" --log "$T/refused.log"; then
        fail "openvpn $OPENVPN_VERSION accepted cert/key URIs"
    fi
    grep -Fq "Options error: --cert fails with 'pkcs11:token=Test%20Token;object=client1;type=cert'" \
        "$T/refused.log" || fail "openvpn $OPENVPN_VERSION refused the config for another reason"
    pass
fi

# run_client LOG: openvpn with the provider config, waiting for its management client.
run_client() {
    openvpn --config "$T/attach.conf" --log "$1" &
    TB_PIDS+=("$!")
    CLIENT_PID=$!
    wait_for "$1" "MANAGEMENT: unix domain socket listening" 15 || fail "openvpn management not listening"
}

log "a) the right PIN"
run_client "$T/a.log"
pty_start "$OVPN_TOKEN" attach "$T/mgmt.sock"
pty_expect_text "PIN for the PKCS#11 token:" 20
if pty_screen | grep -Eq "certificate|Certificates"; then fail "a: a certificate question was shown"; fi
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "a: not connected"
grep -q "VERIFY OK: depth=0, CN=client1" "$T/server.log" || fail "a: server did not verify client1"
grep -Fq "MANAGEMENT: CMD 'password [...]'" "$T/a.log" || fail "a: OpenVPN did not log our PIN answer"
if grep -Fq "MANAGEMENT: CMD 'pkcs11-id" "$T/a.log"; then fail "a: a pkcs11-id command was sent"; fi
if pty_screen | grep -Fq "$PIN"; then fail "a: the PIN is visible on screen"; fi
pty_send_keys C-c
pty_expect_exit 0 20
pty_stop
kill "$CLIENT_PID" 2>/dev/null || true
wait "$CLIENT_PID" 2>/dev/null || true
wait_listening "$PORT"

log "b) a wrong PIN"
run_client "$T/b.log"
pty_start "$OVPN_TOKEN" attach "$T/mgmt.sock"
pty_expect_text "PIN for the PKCS#11 token:" 20
pty_type 111111
pty_expect_text "The PIN was rejected by the PKCS#11 token." 20 "b: no message about the rejected PIN"
pty_expect_exit 6 20
if pty_screen | grep -Fq "private key password verification failed"; then
    fail "b: OpenVPN's echo is shown as the headline"
fi
[ "$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/b.log")" = 1 ] || fail "b: the PIN was not sent exactly once"
grep -Fq "Exiting due to fatal error" "$T/b.log" || fail "b: openvpn did not end on the wrong PIN"
pty_stop
wait "$CLIENT_PID" 2>/dev/null || true
wait_listening "$PORT"

log "c) start on the provider config"
pty_start "$OVPN_TOKEN" start --log "$T/c.log" "$T/prov.conf"
pty_expect_text "PIN for the PKCS#11 token:" 20
pty_type "$PIN"
pty_expect "Connected to 127\.0\.0\.1:$PORT" 30 "c: not connected"
if grep -Fq "pkcs11-id-management" "$T/c.log"; then fail "c: --pkcs11-id-management was added"; fi
if grep -Fq "MANAGEMENT: CMD 'pkcs11-id" "$T/c.log"; then fail "c: a pkcs11-id command was sent"; fi
pty_send_keys C-c
pty_expect_text "OpenVPN stopped." 20
pty_expect_exit 0 10
pty_stop
wait_listening "$PORT"

log "d) start --restart --batch with a wrong PIN file: exit 6, not retried"
printf '111111\n' > "$T/wrong.pin"
chmod 600 "$T/wrong.pin"
pty_start "$OVPN_TOKEN" start --restart --batch --pin-file "$T/wrong.pin" --log "$T/d.log" "$T/prov.conf"
pty_expect_exit 6 40
pty_expect_text "The PIN was rejected by the PKCS#11 token." 2
if pty_screen | grep -Fq "Starting OpenVPN again"; then fail "d: --restart started openvpn again"; fi
[ "$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/d.log")" = 1 ] || fail "d: the PIN was not sent exactly once"
[ -z "$(openvpn_pid_for "$T/prov.conf")" ] || fail "d: openvpn still running"
pty_stop
pass
