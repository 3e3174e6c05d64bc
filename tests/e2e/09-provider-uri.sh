#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# 09-provider-uri: certificate and key from the token through OpenSSL's pkcs11-provider instead of
# pkcs11-helper (`providers pkcs11 default`, `cert pkcs11:...`, `key pkcs11:...`).
#   2.7: OpenVPN asks `>PASSWORD:Need 'PKCS#11 token' password`, with no certificate question;
#        `ovpn-token attach` shows "PIN for token 'PKCS#11':", and with the right PIN connects;
#        a wrong PIN ends openvpn at once ("private key password verification failed"), so
#        ovpn-token ends with 3 and the PIN went out once.
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
management $T/mgmt.sock unix
management-query-passwords
management-hold
verb 4
EOF

top=$(cd "$(dirname "$0")/../.." && pwd)
modules=${PKCS11_PROVIDER_MODULES:-$top/build/pkcs11-provider/ossl-modules}
if [ ! -f "$modules/pkcs11.so" ]; then
    echo "SKIP: no pkcs11-provider in $modules (tools/build-pkcs11-provider)"
    exit 77
fi
export OPENSSL_MODULES=$modules PKCS11_PROVIDER_MODULE=$SOFTHSM_LIB

if ! openvpn_at_least 2.7; then
    log "openvpn $OPENVPN_VERSION: the URIs are not understood"
    if openvpn --config "$T/prov.conf" --log "$T/refused.log"; then
        fail "openvpn $OPENVPN_VERSION accepted cert/key URIs"
    fi
    grep -Fq "Options error: --cert fails with 'pkcs11:token=Test%20Token;object=client1;type=cert'" \
        "$T/refused.log" || fail "openvpn $OPENVPN_VERSION refused the config for another reason"
    pass
fi

# run_client LOG: openvpn with the provider config, waiting for its management client.
run_client() {
    openvpn --config "$T/prov.conf" --log "$1" &
    TB_PIDS+=("$!")
    CLIENT_PID=$!
    wait_for "$1" "MANAGEMENT: unix domain socket listening" 15 || fail "openvpn management not listening"
}

log "a) the right PIN"
run_client "$T/a.log"
pty_start "$OVPN_TOKEN" attach "$T/mgmt.sock"
pty_expect_text "PIN for token 'PKCS#11':" 20
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
pty_expect_text "PIN for token 'PKCS#11':" 20
pty_type 111111
pty_expect_text "OpenVPN: Error: private key password verification failed" 20 \
    "b: no message about the rejected PIN"
pty_expect_exit 3 20
[ "$(grep -c "MANAGEMENT: CMD 'password \[...\]'" "$T/b.log")" = 1 ] || fail "b: the PIN was not sent exactly once"
grep -Fq "Exiting due to fatal error" "$T/b.log" || fail "b: openvpn did not end on the wrong PIN"
pass
